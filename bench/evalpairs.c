/*
 * evalpairs.c — recall and precision of planted copies in a scan's groups.
 *
 * usage: evalpairs TRUTH.tsv SCAN.jsonl [MIN_OVERLAP]
 *
 * A planted pair (original, copy) with overlap >= MIN_OVERLAP (0.5) is
 * found when the scan puts both in one group. Recall: found / planted.
 * Precision: of all pairs of articles that share a group, the share that
 * belong to one planted family (an original and all its copies: two copies
 * of one original are rightly grouped).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXN 4000000

static int idnum(const char *id)
{
	return id && id[0] == 'a' ? (int)strtol(id + 1, NULL, 10) : -1;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: evalpairs TRUTH.tsv SCAN.jsonl [MIN_OVERLAP]\n");
		return 2;
	}
	double min = argc > 3 ? strtod(argv[3], NULL) : 0.5;
	int *family = malloc(MAXN * sizeof(int)); /* article -> its original */
	int *group = malloc(MAXN * sizeof(int));
	for (int i = 0; i < MAXN; i++)
		family[i] = i, group[i] = -1;
	FILE *t = fopen(argv[1], "r");
	if (!t)
		return 1;
	char a[64], b[64], kind[32];
	double ov;
	int (*pairs)[2] = malloc(sizeof(int[2]) * MAXN);
	size_t np = 0;
	while (fscanf(t, "%63s %63s %31s %lf", a, b, kind, &ov) == 4) {
		int x = idnum(a), y = idnum(b);
		if (x < 0 || y < 0 || x >= MAXN || y >= MAXN)
			continue;
		family[y] = x;
		if (ov >= min) {
			pairs[np][0] = x;
			pairs[np][1] = y;
			np++;
		}
	}
	fclose(t);
	FILE *s = fopen(argv[2], "r");
	if (!s)
		return 1;
	char *line = NULL;
	size_t cap = 0;
	int g = 0;
	unsigned long grouped_pairs = 0, family_pairs = 0;
	while (getline(&line, &cap, s) > 0) {
		json_t *o = json_loads(line, 0, NULL);
		json_t *m = o ? json_object_get(o, "members") : NULL;
		if (!m) {
			json_decref(o);
			continue;
		}
		size_t n = json_array_size(m);
		int *ids = malloc(n * sizeof(int));
		for (size_t i = 0; i < n; i++) {
			ids[i] = idnum(json_string_value(json_object_get(json_array_get(m, i), "id")));
			if (ids[i] >= 0)
				group[ids[i]] = g;
		}
		for (size_t i = 0; i < n; i++)
			for (size_t j = i + 1; j < n; j++) {
				grouped_pairs++;
				if (ids[i] >= 0 && ids[j] >= 0 && family[ids[i]] == family[ids[j]])
					family_pairs++;
			}
		free(ids);
		g++;
		json_decref(o);
	}
	fclose(s);
	size_t found = 0;
	for (size_t i = 0; i < np; i++)
		found += group[pairs[i][0]] >= 0 && group[pairs[i][0]] == group[pairs[i][1]];
	printf("planted pairs (overlap >= %.2f): %zu; found in one group: %zu\n", min, np, found);
	printf("recall %.4f  precision %.4f  (%lu grouped pairs, %lu within planted families)\n",
	       np ? (double)found / (double)np : 0.0,
	       grouped_pairs ? (double)family_pairs / (double)grouped_pairs : 1.0, grouped_pairs,
	       family_pairs);
	free(line);
	return 0;
}
