/*
 * eval.c — accuracy of the relations on the labelled evaluation set.
 *
 * usage: eval [--index] DIR [EXTRA_DIR...]
 *
 * With --index the articles are added one at a time to a new index in a
 * temporary directory, in date order (undated ones last), as a stream
 * would bring them, and the relations, events and stories are the index's
 * (doppel add and doppel serve); without it they are a scan's.
 *
 * DIR holds story directories sNN/ with orig.txt and its variants (dup,
 * cut, spun, para, cond: derived from orig; indep: the same event; follow:
 * a later event of the story) and distractors dNN/orig.txt with a MIMICS
 * file naming the story whose kind of event they share. EXTRA_DIR may hold
 * more derived articles named sNN-KIND.txt (spun copies made by bench/spin,
 * say), labelled as rewrites of sNN/orig.
 *
 * The truth for a pair follows from the names: orig with dup is a
 * duplicate, with cut a copy, with spun, para, cond or sNN-KIND a rewrite,
 * with indep the same event, with follow the same story; follow with any
 * other article of its story the same story; indep with a derived one the
 * same event. Two derived articles of one story are siblings: any of
 * duplicate, copy, rewrite or same-event counts as right for them, and they
 * are reported apart. Everything else is unrelated.
 *
 * The prediction for a pair is the relation the scan verified between them,
 * else "same-event" when its stories put them in one event, else
 * "same-story" when in one story, else none.
 */
#include "internal.h" /* doppel__date_cmp */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NREL 7 /* none .. same-story, excerpt */

struct item {
	char *id;      /* "s03/spun" or "extra/s03-spun50" */
	char story[8]; /* "s03", or "d02" for a distractor */
	char kind[24]; /* "orig", "dup", …; extra ones "extra" */
	char mimics[8];
	bool dated;
	int event, story_no; /* predicted: indexes, -1 none */
};

static struct item *items;
static size_t nitems;

static int find_item(const char *id)
{
	for (size_t i = 0; i < nitems; i++)
		if (strcmp(items[i].id, id) == 0)
			return (int)i;
	return -1;
}

/* Duplicate, copy, excerpt and rewrite: one derives from the other. */
static bool derivation(doppel_relation r)
{
	return r == DOPPEL_REL_DUPLICATE || r == DOPPEL_REL_COPY || r == DOPPEL_REL_EXCERPT ||
	       r == DOPPEL_REL_REWRITE;
}

static bool derived_kind(const char *k)
{
	return !strcmp(k, "dup") || !strcmp(k, "cut") || !strcmp(k, "spun") ||
	       !strcmp(k, "para") || !strcmp(k, "cond") || !strcmp(k, "extra");
}

static doppel_relation orig_relation(const char *k)
{
	if (!strcmp(k, "dup"))
		return DOPPEL_REL_DUPLICATE;
	if (!strcmp(k, "cut"))
		return DOPPEL_REL_COPY;
	if (!strcmp(k, "indep"))
		return DOPPEL_REL_SAME_EVENT;
	if (!strcmp(k, "follow"))
		return DOPPEL_REL_SAME_STORY;
	return DOPPEL_REL_REWRITE;
}

/* The truth for a pair; *sibling set for two derived articles. */
static doppel_relation truth(const struct item *a, const struct item *b, bool *sibling)
{
	*sibling = false;
	if (a->story[0] != 's' || strcmp(a->story, b->story) != 0)
		return DOPPEL_REL_NONE;
	if (!strcmp(a->kind, "orig"))
		return orig_relation(b->kind);
	if (!strcmp(b->kind, "orig"))
		return orig_relation(a->kind);
	if (!strcmp(a->kind, "follow") || !strcmp(b->kind, "follow"))
		return DOPPEL_REL_SAME_STORY;
	if (derived_kind(a->kind) && derived_kind(b->kind))
		*sibling = true;
	return DOPPEL_REL_SAME_EVENT;
}

/* The direct relation found between items i and j, from the pair list. */
struct found {
	int i, j;     /* i is the source when basis is not NONE */
	doppel_relation rel;
	doppel_basis basis;
};

static bool use_index;
static const doppel_batch *order_batch;

/* Date order, undated last, then id. */
static int by_date(const void *pa, const void *pb)
{
	const doppel_article *a = doppel_batch_article(order_batch, *(const size_t *)pa);
	const doppel_article *b = doppel_batch_article(order_batch, *(const size_t *)pb);
	int d = doppel__date_cmp(a->date, b->date);
	return d ? d : strcmp(a->id, b->id);
}

/* Events are numbered across stories from *ev on: the event and story of
 * each labelled member of story k. */
static void mark_story(const doppel_story *st, int k, int *ev)
{
	for (size_t e = 0; e < st->count; e++, (*ev)++)
		for (size_t m = 0; m < st->events[e].count; m++) {
			int i = find_item(st->events[e].members[m].id);
			if (i >= 0) {
				items[i].event = *ev;
				items[i].story_no = k;
			}
		}
}

/* Adds the articles of b to a new index one by one in date order, then
 * reads its stories (into the items) and relations (returned). */
static struct found *from_index(const doppel_batch *b, size_t *nf)
{
	char dir[] = "/tmp/doppel-eval-index-XXXXXX", db[128], err[512];
	if (!mkdtemp(dir))
		return NULL;
	snprintf(db, sizeof(db), "%s/eval.db", dir);
	doppel_params p;
	doppel_params_init(&p);
	doppel_index *x = NULL;
	if (doppel_index_open(&x, db, &p, DOPPEL_OPEN_CREATE, err, sizeof(err))) {
		fprintf(stderr, "eval: %s\n", err);
		return NULL;
	}
	size_t n = doppel_batch_count(b);
	size_t *order = calloc(n + 1, sizeof(*order));
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	order_batch = b;
	qsort(order, n, sizeof(*order), by_date);
	doppel_batch *one = doppel_batch_new();
	for (size_t k = 0; k < n; k++) {
		doppel_batch_clear(one);
		doppel_batch_push(one, doppel_batch_article(b, order[k]));
		if (doppel_index_add(x, one, DOPPEL_DUP_ERROR)) {
			fprintf(stderr, "eval: %s\n", doppel_index_errmsg(x));
			return NULL;
		}
	}
	doppel_batch_free(one);
	free(order);

	size_t ns;
	const doppel_story_info *si;
	doppel_index_stories(x, DOPPEL_NO_DATE, 0, &ns, &si);
	char **ids = calloc(ns + 1, sizeof(*ids));
	for (size_t k = 0; k < ns; k++)
		ids[k] = strdup(si[k].id);
	int ev = 0;
	for (size_t k = 0; k < ns; k++) {
		doppel_story st;
		if (doppel_index_story(x, ids[k], &st) == DOPPEL_OK)
			mark_story(&st, (int)k, &ev);
		free(ids[k]);
	}
	free(ids);

	struct found *found = NULL;
	size_t cap = 0;
	*nf = 0;
	for (size_t i = 0; i < nitems; i++) {
		size_t nm;
		const doppel_match *m;
		if (doppel_index_relations(x, items[i].id, &nm, &m))
			continue;
		for (size_t k = 0; k < nm; k++) {
			int j = find_item(m[k].id);
			if (j <= (int)i)
				continue;
			if (*nf == cap) {
				cap = cap ? cap * 2 : 256;
				found = realloc(found, cap * sizeof(*found));
			}
			bool i_source = m[k].direction != DOPPEL_DIR_FROM;
			found[(*nf)++] = (struct found){i_source ? (int)i : j, i_source ? j : (int)i,
			                                m[k].relation, m[k].basis};
		}
	}
	doppel_index_close(x);
	char path[160];
	static const char *const suffix[] = {"", "-wal", "-shm"};
	for (int k = 0; k < 3; k++) {
		snprintf(path, sizeof(path), "%s%s", db, suffix[k]);
		unlink(path);
	}
	rmdir(dir);
	return found ? found : calloc(1, sizeof(*found));
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "--index") == 0) {
		use_index = true;
		argv++;
		argc--;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: eval [--index] DIR [EXTRA_DIR...]\n");
		return 2;
	}
	doppel_params p;
	doppel_params_init(&p);
	doppel_read_options ro;
	doppel_read_options_init(&ro);
	doppel_reader *r = doppel_reader_new(&ro);
	doppel_batch *b = doppel_batch_new();
	doppel_scan *s = doppel_scan_new(&p);
	if (!r || !b || !s)
		return 1;
	for (int i = 1; i < argc; i++)
		doppel_reader_add_path(r, argv[i]);
	size_t cap = 0;
	for (;;) {
		doppel_article a;
		int rc = doppel_reader_next(r, &a);
		if (rc == DOPPEL_END)
			break;
		if (rc < 0) {
			fprintf(stderr, "eval: %s\n", doppel_reader_errmsg(r));
			continue;
		}
		if (nitems == cap) {
			cap = cap ? cap * 2 : 256;
			items = realloc(items, cap * sizeof(*items));
			if (!items)
				return 1;
		}
		struct item *it = &items[nitems];
		memset(it, 0, sizeof(*it));
		it->id = strdup(a.id);
		const char *slash = strchr(a.id, '/');
		const char *dash = strchr(a.id, '-');
		if (slash && (a.id[0] == 's' || a.id[0] == 'd') && (size_t)(slash - a.id) < 8) {
			memcpy(it->story, a.id, (size_t)(slash - a.id));
			snprintf(it->kind, sizeof(it->kind), "%s", slash + 1);
		} else if (dash && (size_t)(dash - a.id) < 8) {
			/* an extra derived article named sNN-KIND */
			memcpy(it->story, a.id, (size_t)(dash - a.id));
			snprintf(it->kind, sizeof(it->kind), "extra");
		} else {
			continue;
		}
		if (it->story[0] == 'd') {
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s/MIMICS", argv[1], it->story);
			FILE *f = fopen(path, "r");
			if (f) {
				if (fscanf(f, "%7s", it->mimics) != 1)
					it->mimics[0] = '\0';
				fclose(f);
			}
		}
		it->event = it->story_no = -1;
		it->dated = a.date != DOPPEL_NO_DATE;
		doppel_batch_push(b, &a);
		nitems++;
	}
	size_t nf = 0;
	struct found *found = NULL;
	if (use_index) {
		if (!(found = from_index(b, &nf)))
			return 1;
		goto score;
	}
	int rc = doppel_scan_add(s, b);
	if (rc && rc != DOPPEL_E_DUPID) {
		fprintf(stderr, "eval: %s\n", doppel_scan_errmsg(s));
		return 1;
	}
	if (doppel_scan_finish(s)) {
		fprintf(stderr, "eval: %s\n", doppel_scan_errmsg(s));
		return 1;
	}

	/* Events and stories. */
	int ev = 0;
	for (size_t k = 0; k < doppel_scan_story_count(s); k++) {
		doppel_story st;
		doppel_scan_story(s, k, &st);
		mark_story(&st, (int)k, &ev);
	}
	/* Direct relations. */
	nf = doppel_scan_pair_count(s);
	found = calloc(nf + 1, sizeof(*found));
	for (size_t k = 0; k < nf; k++) {
		doppel_pair pr;
		doppel_scan_pair(s, k, &pr);
		found[k] = (struct found){find_item(pr.a), find_item(pr.b), pr.relation, pr.basis};
	}

score:;
	unsigned long cm[NREL][NREL] = {{0}};
	static const char *const relnames[NREL] = {"none",       "duplicate",  "copy",   "rewrite",
	                                           "same-event", "same-story", "excerpt"};
	static char misses[60][160];
	size_t nmiss = 0;
	unsigned long sib = 0, sib_ok = 0, dir_total = 0, dir_ok = 0, merged_wrong = 0;
	for (size_t i = 0; i < nitems; i++) {
		for (size_t j = i + 1; j < nitems; j++) {
			bool sibling;
			doppel_relation t = truth(&items[i], &items[j], &sibling);
			doppel_relation pred = DOPPEL_REL_NONE;
			const struct found *f = NULL;
			for (size_t k = 0; k < nf; k++)
				if ((found[k].i == (int)i && found[k].j == (int)j) ||
				    (found[k].i == (int)j && found[k].j == (int)i))
					f = &found[k];
			if (f)
				pred = f->rel;
			else if (items[i].event >= 0 && items[i].event == items[j].event)
				pred = DOPPEL_REL_SAME_EVENT;
			else if (items[i].story_no >= 0 && items[i].story_no == items[j].story_no)
				pred = DOPPEL_REL_SAME_STORY;
			/* Same-type, different events merged into one event? */
			const struct item *d = items[i].story[0] == 'd' ? &items[i]
			                       : items[j].story[0] == 'd' ? &items[j] : NULL;
			const struct item *o = d == &items[i] ? &items[j] : &items[i];
			if (d && !strcmp(d->mimics, o->story) && items[i].event >= 0 &&
			    items[i].event == items[j].event)
				merged_wrong++;
			if (sibling) {
				sib++;
				sib_ok += pred != DOPPEL_REL_NONE &&
				          doppel_relation_rank(pred) <=
				                  doppel_relation_rank(DOPPEL_REL_SAME_EVENT);
				continue;
			}
			cm[t][pred]++;
			if (t != pred && nmiss < 60) {
				snprintf(misses[nmiss++], sizeof(misses[0]), "  %-10s as %-10s  %s  %s",
				         relnames[t], relnames[pred], items[i].id, items[j].id);
			}
			/* Direction of orig -> derived pairs where both carry dates. */
			bool i_orig = !strcmp(items[i].kind, "orig");
			bool j_orig = !strcmp(items[j].kind, "orig");
			if (derivation(t) && (i_orig || j_orig) &&
			    items[i].dated && items[j].dated) {
				dir_total++;
				int orig = i_orig ? (int)i : (int)j;
				dir_ok += f && derivation(f->rel) && f->basis != DOPPEL_BASIS_NONE &&
				          f->i == orig;
			}
		}
	}

	const char *const *names = relnames;
	printf("articles: %zu; pairs: %zu; sibling pairs (derived-derived): %lu\n\n", nitems,
	       nitems * (nitems - 1) / 2, sib);
	printf("confusion (rows: truth, columns: predicted)\n%-11s", "");
	for (int c = 0; c < NREL; c++)
		printf(" %10s", names[c]);
	printf("\n");
	for (int t = 0; t < NREL; t++) {
		printf("%-11s", names[t]);
		for (int c = 0; c < NREL; c++)
			printf(" %10lu", cm[t][c]);
		printf("\n");
	}
	printf("\n%-11s %9s %9s %9s %8s\n", "relation", "precision", "recall", "F1", "support");
	double macro = 0;
	for (int t = 1; t < NREL; t++) {
		if (t == DOPPEL_REL_EXCERPT)
			continue; /* the labelled set has none: its column counts errors */
		unsigned long tp = cm[t][t], fp = 0, fn = 0;
		for (int o = 0; o < NREL; o++) {
			if (o != t) {
				fp += cm[o][t];
				fn += cm[t][o];
			}
		}
		double prec = tp + fp ? (double)tp / (double)(tp + fp) : 0;
		double rec = tp + fn ? (double)tp / (double)(tp + fn) : 0;
		double f1 = prec + rec > 0 ? 2 * prec * rec / (prec + rec) : 0;
		macro += f1;
		printf("%-11s %9.3f %9.3f %9.3f %8lu\n", names[t], prec, rec, f1, tp + fn);
	}
	printf("\nmacro-F1 over the five relations: %.3f (target >= 0.90)\n", macro / 5);
	printf("siblings given a same-event-or-stronger relation: %lu of %lu\n", sib_ok, sib);
	printf("direction correct on dated derivation pairs: %lu of %lu (%.1f%%, target >= 95%%)\n",
	       dir_ok, dir_total, dir_total ? 100.0 * (double)dir_ok / (double)dir_total : 0.0);
	printf("same-type different events merged into one event: %lu (target 0)\n", merged_wrong);
	if (nmiss) {
		printf("\nmisclassified pairs (truth as predicted), first %zu:\n", nmiss);
		for (size_t k = 0; k < nmiss; k++)
			printf("%s\n", misses[k]);
	}
	free(found);
	doppel_scan_free(s);
	doppel_batch_free(b);
	doppel_reader_free(r);
	return 0;
}
