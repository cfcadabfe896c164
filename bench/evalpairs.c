/*
 * evalpairs.c — recall and precision of planted copies in a scan's groups.
 *
 * usage: evalpairs TRUTH.tsv SCAN.jsonl [MIN_OVERLAP]
 *
 * TRUTH.tsv is gen_corpus's list of planted pairs ("original<TAB>copy<TAB>
 * kind<TAB>overlap", ids "a" and seven digits); SCAN.jsonl is the output
 * of `doppel scan --json`, whose {"type":"group", "members":[{"id":…},…]}
 * lines are read and the rest skipped.
 *
 *   recall     of the planted pairs whose copy keeps at least MIN_OVERLAP
 *              (0.5) of the original, the share whose two articles are in
 *              one group;
 *   precision  of all pairs of articles that share a group, the share that
 *              belong to one planted family: an original and all the
 *              copies planted from it (two copies of one original are
 *              rightly grouped; a copy keeping less than MIN_OVERLAP is
 *              still a copy, so grouping it is not an error either).
 *
 * Last line, for bench/run.sh: "evalpairs: RECALL PRECISION".
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXKINDS 16

/* The number of an id "a0001234"; -1 for any other id. */
static long idnum(const char *id)
{
	if (!id || id[0] != 'a' || id[1] < '0' || id[1] > '9')
		return -1;
	char *end;
	long v = strtol(id + 1, &end, 10);
	return *end ? -1 : v;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p) {
		fprintf(stderr, "evalpairs: out of memory\n");
		exit(1);
	}
	return p;
}

struct pair {
	long a, b;
	int kind;
};

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: evalpairs TRUTH.tsv SCAN.jsonl [MIN_OVERLAP]\n");
		return 2;
	}
	double min = 0.5;
	if (argc == 4) {
		char *end;
		min = strtod(argv[3], &end);
		if (*end || min < 0 || min > 1) {
			fprintf(stderr, "evalpairs: MIN_OVERLAP is a number in [0, 1]\n");
			return 2;
		}
	}

	FILE *t = fopen(argv[1], "r");
	if (!t) {
		perror(argv[1]);
		return 1;
	}
	struct pair *pairs = NULL;
	size_t np = 0, cap = 0;
	long maxid = -1;
	char kinds[MAXKINDS][32];
	int nkinds = 0;
	char a[64], b[64], kind[32];
	double ov;
	while (fscanf(t, "%63s %63s %31s %lf", a, b, kind, &ov) == 4) {
		long x = idnum(a), y = idnum(b);
		if (x < 0 || y < 0) {
			fprintf(stderr, "evalpairs: %s: ids %s %s are not gen_corpus ids\n", argv[1],
			        a, b);
			return 1;
		}
		int k = 0;
		while (k < nkinds && strcmp(kinds[k], kind) != 0)
			k++;
		if (k == nkinds && nkinds < MAXKINDS)
			snprintf(kinds[nkinds++], sizeof(kinds[0]), "%s", kind);
		if (k == MAXKINDS)
			k = MAXKINDS - 1;
		if (np == cap) {
			cap = cap ? cap * 2 : 1024;
			pairs = realloc(pairs, cap * sizeof(*pairs));
			if (!pairs) {
				fprintf(stderr, "evalpairs: out of memory\n");
				return 1;
			}
		}
		/* a negative kind marks a pair below MIN_OVERLAP: family only */
		pairs[np++] = (struct pair){x, y, ov >= min ? k : -1 - k};
		if (x > maxid)
			maxid = x;
		if (y > maxid)
			maxid = y;
	}
	fclose(t);

	/* Articles past maxid are in no planted pair: their own family. */
	size_t n = (size_t)(maxid + 1);
	long *family = xcalloc(n, sizeof(*family));
	long *group = xcalloc(n, sizeof(*group));
	for (size_t i = 0; i < n; i++) {
		family[i] = (long)i;
		group[i] = -1;
	}
	for (size_t i = 0; i < np; i++)
		family[pairs[i].b] = pairs[i].a; /* copies are made of originals only */

	FILE *s = fopen(argv[2], "r");
	if (!s) {
		perror(argv[2]);
		return 1;
	}
	char *line = NULL;
	size_t linecap = 0;
	long g = 0;
	unsigned long long grouped = 0, right = 0, groups = 0, bad_lines = 0;
	long *ids = NULL;
	size_t idscap = 0;
	while (getline(&line, &linecap, s) > 0) {
		json_error_t err;
		json_t *o = json_loads(line, 0, &err);
		if (!o) {
			bad_lines++;
			continue;
		}
		json_t *m = json_object_get(o, "members");
		const char *type = json_string_value(json_object_get(o, "type"));
		if (!json_is_array(m) || (type && strcmp(type, "group") != 0)) {
			json_decref(o);
			continue;
		}
		size_t k = json_array_size(m);
		if (k > idscap) {
			idscap = k;
			free(ids);
			ids = xcalloc(idscap, sizeof(*ids));
		}
		for (size_t i = 0; i < k; i++) {
			json_t *id = json_object_get(json_array_get(m, i), "id");
			ids[i] = idnum(json_string_value(id));
			if (ids[i] >= 0 && (size_t)ids[i] < n)
				group[ids[i]] = g;
		}
		for (size_t i = 0; i < k; i++)
			for (size_t j = i + 1; j < k; j++) {
				grouped++;
				long x = ids[i], y = ids[j];
				right += x >= 0 && y >= 0 && (size_t)x < n && (size_t)y < n &&
				         family[x] == family[y];
			}
		g++;
		groups++;
		json_decref(o);
	}
	fclose(s);
	free(line);
	free(ids);
	if (bad_lines)
		fprintf(stderr, "evalpairs: %llu lines of %s are not JSON\n", bad_lines, argv[2]);

	size_t planted[MAXKINDS] = {0}, found[MAXKINDS] = {0}, all_planted = 0, all_found = 0;
	for (size_t i = 0; i < np; i++) {
		if (pairs[i].kind < 0)
			continue;
		int k = pairs[i].kind;
		bool hit = group[pairs[i].a] >= 0 && group[pairs[i].a] == group[pairs[i].b];
		planted[k]++;
		found[k] += hit;
		all_planted++;
		all_found += hit;
	}
	double recall = all_planted ? (double)all_found / (double)all_planted : 1.0;
	double precision = grouped ? (double)right / (double)grouped : 1.0;
	printf("planted pairs with overlap >= %.2f: %zu, in one group: %zu; by kind:", min,
	       all_planted, all_found);
	for (int k = 0; k < nkinds; k++)
		printf(" %s %zu/%zu", kinds[k], found[k], planted[k]);
	printf("\n%llu groups, %llu pairs of articles sharing a group, %llu of them in one "
	       "planted family\n",
	       groups, grouped, right);
	printf("recall %.4f  precision %.4f\n", recall, precision);
	printf("evalpairs: %.4f %.4f\n", recall, precision);
	free(family);
	free(group);
	free(pairs);
	return 0;
}
