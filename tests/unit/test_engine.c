/*
 * The one engine: a scan of a corpus and an index fed the same articles in
 * date order (then id) state the same relations, with the same
 * directions, passages, events and stories, however the articles are cut
 * into batches. Checked over every fixture corpus of tests/data. And the
 * postings of passage keys hold what was posted, by an article added and
 * not by one queried.
 */
#include "testutil.h"

#include "engine.h"

/* One stated relation, written the same way from both paths: the pair in
 * id order, the relation, which of the two is the source, and its
 * passages (x's bytes a_*, y's b_*), each pair's bytes in id order. */
static char *relation_line(const char *x, const char *y, doppel_relation rel, int x_source,
                           const doppel_passage *ps, size_t np)
{
	char *line = malloc(4096);
	bool swap = strcmp(x, y) > 0;
	const char *src = x_source < 0 ? "?" : (x_source ? x : y);
	int n = snprintf(line, 4096, "%s %s %s %s%s", swap ? y : x, swap ? x : y,
	                 doppel_relation_name(rel), src, ps ? " passages" : "");
	for (size_t i = 0; i < np && n > 0 && n < 4000; i++) {
		const doppel_passage *p = &ps[i];
		n += snprintf(line + n, 4096 - (size_t)n, " [%zu,%zu)[%zu,%zu)",
		              swap ? p->b_start : p->a_start, swap ? p->b_end : p->a_end,
		              swap ? p->a_start : p->b_start, swap ? p->a_end : p->b_end);
	}
	return line;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct lines {
	char **v;
	size_t n, cap;
};

static void push(struct lines *l, char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = s;
}

static void free_lines(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/* Every story as lines "story event member", from either path. */
static void story_lines(const doppel_story *st, struct lines *out)
{
	for (size_t e = 0; e < st->count; e++)
		for (size_t m = 0; m < st->events[e].count; m++) {
			char *line = malloc(1024);
			snprintf(line, 1024, "story %s event %s member %s", st->id,
			         st->events[e].id, st->events[e].members[m].id);
			push(out, line);
		}
}

/* The articles of dir, and the reader that read them (*reader, the
 * caller's), which can read their texts again. */
static doppel_batch *read_dir(const char *dir, doppel_reader **reader)
{
	doppel_read_options ro;
	doppel_read_options_init(&ro);
	doppel_reader *r = doppel_reader_new(&ro);
	assert_int_equal(doppel_reader_add_path(r, dir), DOPPEL_OK);
	doppel_batch *b = doppel_batch_new();
	doppel_article a;
	int rc;
	while ((rc = doppel_reader_next(r, &a)) != DOPPEL_END)
		if (rc == DOPPEL_OK)
			assert_int_equal(doppel_batch_push(b, &a), DOPPEL_OK);
	*reader = r;
	return b;
}

static const doppel_batch *sorting;

static int by_date(const void *pa, const void *pb)
{
	const doppel_article *a = doppel_batch_article(sorting, *(const size_t *)pa);
	const doppel_article *b = doppel_batch_article(sorting, *(const size_t *)pb);
	int d = doppel__date_cmp(a->date, b->date);
	return d ? d : strcmp(a->id, b->id);
}

/* The scan side; a cache of `cache` prepared articles when not 0 (older
 * candidates segmented again from their kept texts); the texts read again
 * by r when not NULL (the reader of b's articles), none kept. */
static void scan_side(const doppel_batch *b, size_t cache, doppel_reader *r, struct lines *rel,
                      struct lines *st)
{
	doppel_params p;
	doppel_params_init(&p);
	p.threads = 2;
	doppel_scan *s = doppel_scan_new(&p);
	assert_non_null(s);
	if (cache)
		doppel__scan_set_cache(s, cache);
	if (r)
		assert_int_equal(doppel_scan_reread_from(s, r), DOPPEL_OK);
	assert_int_equal(doppel_scan_add(s, b), DOPPEL_OK);
	assert_int_equal(doppel_scan_finish(s), DOPPEL_OK);
	/* no copy of a text read again is kept */
	doppel_stats sst;
	doppel_scan_stats(s, &sst);
	if (r)
		assert_int_equal(sst.kept_bytes, 0);
	else
		assert_true(sst.kept_bytes > 0);
	for (size_t i = 0; i < doppel_scan_pair_count(s); i++) {
		doppel_pair pr;
		assert_int_equal(doppel_scan_pair(s, i, &pr), DOPPEL_OK);
		push(rel, relation_line(pr.a, pr.b, pr.relation,
		                        pr.basis == DOPPEL_BASIS_NONE ? -1 : 1, pr.passages,
		                        pr.npassages));
	}
	for (size_t i = 0; i < doppel_scan_story_count(s); i++) {
		doppel_story story;
		assert_int_equal(doppel_scan_story(s, i, &story), DOPPEL_OK);
		story_lines(&story, st);
	}
	doppel_scan_free(s);
}

/* The index side: articles in date order, `step` at a time; a cache of
 * `cache` articles when not 0 (candidates read again from the store). */
static void index_side(const doppel_batch *b, const char *db, size_t step, size_t cache,
                       struct lines *rel, struct lines *st)
{
	doppel_params p;
	doppel_params_init(&p);
	p.threads = 2;
	doppel_index *x = NULL;
	char err[256];
	assert_int_equal(doppel_index_open(&x, db, &p,
	                                   DOPPEL_OPEN_CREATE | (cache ? DOPPEL_OPEN_LAZY : 0),
	                                   err, sizeof(err)),
	                 DOPPEL_OK);
	if (cache)
		doppel__index_set_cache(x, cache);
	size_t n = doppel_batch_count(b);
	size_t *order = calloc(n + 1, sizeof(*order));
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	sorting = b;
	qsort(order, n, sizeof(*order), by_date);
	doppel_batch *part = doppel_batch_new();
	for (size_t from = 0; from < n; from += step) {
		doppel_batch_clear(part);
		for (size_t i = from; i < from + step && i < n; i++)
			assert_int_equal(
				doppel_batch_push(part, doppel_batch_article(b, order[i])),
				DOPPEL_OK);
		assert_int_equal(doppel_index_add(x, part, DOPPEL_DUP_ERROR), DOPPEL_OK);
	}
	/* The relations as the index states them once all are in (as `doppel
	 * query` reads them), each pair once. */
	for (size_t i = 0; i < n; i++) {
		const char *id = doppel_batch_article(b, i)->id;
		size_t nm = 0;
		const doppel_match *mt = NULL;
		assert_int_equal(doppel_index_relations(x, id, &nm, &mt), DOPPEL_OK);
		for (size_t m = 0; m < nm; m++) {
			if (strcmp(id, mt[m].id) > 0)
				continue;
			int mine = mt[m].direction == DOPPEL_DIR_UNKNOWN
			                   ? -1
			                   : mt[m].direction == DOPPEL_DIR_TO;
			push(rel, relation_line(id, mt[m].id, mt[m].relation, mine,
			                        mt[m].passages, mt[m].npassages));
		}
	}
	size_t count = 0;
	const doppel_story_info *info;
	assert_int_equal(doppel_index_stories(x, DOPPEL_NO_DATE, 0, &count, &info), DOPPEL_OK);
	char **ids = calloc(count + 1, sizeof(*ids));
	for (size_t i = 0; i < count; i++)
		ids[i] = strdup(info[i].id);
	for (size_t i = 0; i < count; i++) {
		doppel_story story;
		assert_int_equal(doppel_index_story(x, ids[i], &story), DOPPEL_OK);
		story_lines(&story, st);
		free(ids[i]);
	}
	free(ids);
	doppel_batch_free(part);
	free(order);
	doppel_index_close(x);
}

/* The lines of both sides, sorted, must be the same; prints the first
 * difference. */
static void assert_same(const char *what, const char *corpus, struct lines *a, struct lines *b)
{
	qsort(a->v, a->n, sizeof(*a->v), cmp_str);
	qsort(b->v, b->n, sizeof(*b->v), cmp_str);
	const char *dbg = getenv("DOPPEL_TEST_SHOW");
	for (size_t k = 0; dbg && k < a->n; k++)
		if (strstr(a->v[k], dbg))
			fprintf(stderr, "scan:  %s\n", a->v[k]);
	for (size_t k = 0; dbg && k < b->n; k++)
		if (strstr(b->v[k], dbg))
			fprintf(stderr, "index: %s\n", b->v[k]);
	size_t i = 0;
	while (i < a->n && i < b->n && strcmp(a->v[i], b->v[i]) == 0)
		i++;
	if (i < a->n || i < b->n)
		fprintf(stderr,
		        "%s of %s differ: scan \"%s\", index \"%s\" (%zu and %zu lines)\n",
		        what, corpus, i < a->n ? a->v[i] : "(end)",
		        i < b->n ? b->v[i] : "(end)", a->n, b->n);
	assert_int_equal(a->n, b->n);
	assert_int_equal(i, a->n);
}

/* Scan and index agree on corpus dir; a line of the scan holds `must`
 * (NULL: any). */
static void check_corpus(const char *dir, const char *tmp, size_t c, const char *must)
{
	doppel_reader *r;
	doppel_batch *b = read_dir(dir, &r);
	struct lines srel = {0}, sst = {0};
	scan_side(b, 0, NULL, &srel, &sst);
	assert_true(srel.n > 0);
	bool seen = !must;
	for (size_t i = 0; i < srel.n && !seen; i++)
		seen = strstr(srel.v[i], must) != NULL;
	assert_true(seen);
	const size_t steps[] = {1, 3, 1000, 5}, caches[] = {0, 0, 0, 3};
	for (size_t k = 0; k < sizeof(steps) / sizeof(*steps); k++) {
		char db[600];
		snprintf(db, sizeof(db), "%s/c%zu-%zu.db", tmp, c, k);
		struct lines irel = {0}, ist = {0};
		index_side(b, db, steps[k], caches[k], &irel, &ist);
		assert_same("relations", dir, &srel, &irel);
		assert_same("stories", dir, &sst, &ist);
		free_lines(&irel);
		free_lines(&ist);
	}
	/* and a scan that keeps few articles prepared states the same, with
	 * the texts kept or read again from the files */
	for (int again = 0; again < 2; again++) {
		struct lines crel = {0}, cst = {0};
		scan_side(b, 3, again ? r : NULL, &crel, &cst);
		assert_same(again ? "relations (scan, cache of 3, texts read again)"
		                  : "relations (scan, cache of 3)",
		            dir, &srel, &crel);
		assert_same("stories (scan, cache of 3)", dir, &sst, &cst);
		free_lines(&crel);
		free_lines(&cst);
	}
	/* every article of these files can be read again */
	for (size_t i = 0; i < doppel_batch_count(b); i++)
		assert_true(doppel_batch_article(b, i)->where != 0);
	free_lines(&srel);
	free_lines(&sst);
	doppel_batch_free(b);
	doppel_reader_free(r);
}

static void test_scan_is_index_in_date_order(void **state)
{
	(void)state;
	char *tmp = test_tmpdir();
	/* the excerpts with their passages; the copies of the examples with
	 * theirs */
	const char *corpora[] = {"scenario", "eval", "../../examples/news", "excerpt"};
	const char *must[] = {NULL, NULL, " duplicate harbor-wire/port-strike passages [",
	                      " excerpt wire/dam-approval passages ["};
	for (size_t i = 0; i < sizeof(corpora) / sizeof(*corpora); i++)
		check_corpus(test_data(corpora[i]), tmp, i, must[i]);
	test_rmdir(tmp);
	/* A scan's database lives in memory: it leaves no file behind. */
	struct stat st;
	assert_int_not_equal(stat(":memory:", &st), 0);
	assert_int_not_equal(stat(":memory:.lock", &st), 0);
}

/* Passage-key postings: each key's holders in the order posted, however
 * the lists move as they grow, and room a list gives up (moving, or its
 * key becoming common) taken by later lists: every word of the lists'
 * array is a live list's or in the room given up, and little is given
 * up at the end. Against a model of the postings, with sentence keys (20
 * holders at most: EXCERPT_MAX_DF) and window keys (4:
 * EXCERPT_MAX_DF_WINDOW) under key rules 2. */
static void test_passage_key_lists(void **state)
{
	(void)state;
	enum { NKEYS = 3000, NART = 4000, PER = 12, MOST = 20, MOST_WINDOW = 4 };
	doppel_index *x = calloc(1, sizeof(*x));
	assert_non_null(x);
	x->pkrules = 2;
	/* entries of no sources: no common key keeps an origin */
	x->e = calloc(NART, sizeof(*x->e));
	assert_non_null(x->e);
	uint32_t *key = malloc(NKEYS * sizeof(*key));
	uint32_t(*held)[MOST + 1] = calloc(NKEYS, sizeof(*held));
	size_t *n = calloc(NKEYS, sizeof(*n));
	assert_true(key && held && n);
	for (size_t k = 0; k < NKEYS; k++) /* a third window keys, all distinct */
		key[k] = (uint32_t)(k + 1) << 2 | (k % 3 == 0 ? 0x40000000u : 0);
	uint64_t rng = 7;
	for (uint32_t slot = 0; slot < NART; slot++) {
		uint32_t last = UINT32_MAX;
		for (int j = 0; j < PER; j++) {
			rng = rng * 6364136223846793005u + 1442695040888963407u;
			/* a quarter of the posts go to 60 keys, which become
			 * common; the others to keys of recent articles, more
			 * as articles come, whose lists grow and move */
			uint32_t r = (uint32_t)(rng >> 33);
			uint32_t k = (rng >> 20) % 4 == 0 ? r % 60
			                                  : 60 + r % (1 + slot * (NKEYS - 61) / NART);
			if (k == last)
				continue;
			last = k;
			assert_int_equal(doppel__excerpt_post(x, key[k], slot), DOPPEL_OK);
			if (n[k] < MOST + 1)
				held[k][n[k]] = slot;
			n[k]++;
		}
	}
	size_t lists = 0, live = 0;
	uint32_t got[MOST + 1];
	for (size_t k = 0; k < NKEYS; k++) {
		const size_t most = key[k] & 0x40000000u ? MOST_WINDOW : MOST;
		const size_t h = doppel__excerpt_holders(x, key[k], got, MOST + 1);
		if (n[k] > most) {
			assert_true(h == SIZE_MAX);
			assert_int_equal(got[0], UINT32_MAX);
			continue;
		}
		assert_int_equal(h, n[k]);
		assert_memory_equal(got, held[k], h * sizeof(*got));
		if (h >= 2) {
			lists++;
			/* the list's own words: its head and its room */
			const doppel__shard *sh = &x->pk[doppel__shard32(doppel__mix32(key[k]))];
			for (size_t j = 0; j <= sh->mask; j++) {
				const struct doppel__pslot *ps = (const struct doppel__pslot *)sh->slot + j;
				if (ps->key == key[k])
					live += 1 + DOPPEL__PKL_ROOM(x->pka[ps->val & ~DOPPEL__PK_LIST]);
			}
		}
	}
	assert_true(lists > 100);
	size_t given_up = 0;
	for (uint32_t room = 0; room <= DOPPEL__PK_ROOM_MOST; room++)
		for (uint32_t at = x->pkfree[room]; at; at = x->pka[at - 1])
			given_up += 1 + room;
	assert_int_equal(x->npka, live + given_up);
	assert_true(given_up * 10 < x->npka);
	doppel__excerpt_forget(x);
	free(x->pka);
	free(x->e);
	free(x);
	free(key);
	free(held);
	free(n);
}

/* A passage key held by more articles than its list keeps keeps its
 * first holder when half the others or more derive from it (name it
 * among their sources, with a direction or without): the origin of a
 * passage many took. A key whose holders do not derive from the first (a
 * template's words) keeps none, nor does a window key. */
static void test_passage_key_origin(void **state)
{
	(void)state;
	enum { NART = 60, HELD = 25 };
	doppel_index *x = calloc(1, sizeof(*x));
	assert_non_null(x);
	x->pkrules = 2;
	x->e = calloc(NART, sizeof(*x->e));
	struct doppel__src *src = calloc(NART, sizeof(*src));
	assert_true(x->e && src);
	/* articles 1..29 derive from article 0, the even ones with no known
	 * direction; 30..59 from nothing */
	for (uint32_t i = 1; i < 30; i++) {
		src[i] = (struct doppel__src){.slot = 0, .strength = 1.0f, .directed = i % 2};
		x->e[i].src = &src[i];
		x->e[i].nsrc = 1;
		x->e[0].taken++; /* as the engine counts the lists that name it */
	}
	enum { TOOK, FEW, NONE, WINDOW, NKEY };
	const uint32_t key[NKEY] = {5u << 2, 6u << 2, 7u << 2, 8u << 2 | 0x40000000u};
	/* TOOK, WINDOW: articles 0..24; NONE: 30..54; FEW: 0, six that derive
	 * from it, then 30..47 */
	uint32_t holder[NKEY][HELD];
	for (uint32_t i = 0; i < HELD; i++) {
		holder[TOOK][i] = holder[WINDOW][i] = i;
		holder[NONE][i] = 30 + i;
		holder[FEW][i] = i <= 6 ? i : 23 + i;
	}
	uint32_t got[32];
	for (uint32_t i = 0; i < HELD; i++) {
		for (int k = 0; k < NKEY; k++)
			assert_int_equal(doppel__excerpt_post(x, key[k], holder[k][i]), DOPPEL_OK);
		if (i == 9) { /* a list below its bound lists every holder */
			assert_int_equal(doppel__excerpt_holders(x, key[TOOK], got, 32), 10);
			assert_memory_equal(got, holder[TOOK], 10 * sizeof(*got));
		}
	}
	assert_int_equal(doppel__excerpt_holders(x, key[TOOK], got, 32), SIZE_MAX);
	assert_int_equal(got[0], 0);
	for (int k = FEW; k < NKEY; k++) {
		assert_int_equal(doppel__excerpt_holders(x, key[k], got, 32), SIZE_MAX);
		assert_int_equal(got[0], UINT32_MAX);
	}
	/* the origin's list holds it alone */
	const doppel__shard *sh = &x->pk[doppel__shard32(doppel__mix32(key[TOOK]))];
	size_t found = 0;
	for (size_t j = 0; j <= sh->mask; j++) {
		const struct doppel__pslot *ps = (const struct doppel__pslot *)sh->slot + j;
		if (ps->key != key[TOOK])
			continue;
		found++;
		assert_true(ps->val & DOPPEL__PK_LIST);
		const uint32_t head = x->pka[ps->val & ~DOPPEL__PK_LIST];
		assert_true(head & DOPPEL__PKL_COMMON);
		assert_int_equal(DOPPEL__PKL_N(head), 1);
		assert_int_equal(DOPPEL__PKL_ROOM(head), 1);
	}
	assert_int_equal(found, 1);
	doppel__excerpt_forget(x);
	free(x->pka);
	free(x->e);
	free(src);
	free(x);
}

/* The holders of key, as doppel__excerpt_holders() gives them (at most
 * 32), into out; how many, or SIZE_MAX for a key too common to hold any. */
static size_t holders(const doppel_index *x, uint32_t key, uint32_t *out)
{
	return doppel__excerpt_holders(x, key, out, 32);
}

/* Whether slot is among the n holders h. */
static bool holds(const uint32_t *h, size_t n, uint32_t slot)
{
	for (size_t i = 0; n != SIZE_MAX && i < n; i++)
		if (h[i] == slot)
			return true;
	return false;
}

/* An article being added posts its passage keys as it looks them up; one
 * queried posts none. The last article of tests/data/excerpt is queried,
 * then added: after the query its keys have the holders they had, after
 * the add each that is not common holds its entry once more, and only
 * once. */
static void test_query_posts_no_keys(void **state)
{
	(void)state;
	char *tmp = test_tmpdir();
	char db[600];
	snprintf(db, sizeof(db), "%s/q.db", tmp);
	doppel_reader *r;
	doppel_batch *all = read_dir(test_data("excerpt"), &r);
	const size_t n = doppel_batch_count(all);
	assert_true(n >= 3);
	doppel_index *x = test_open_index(db, DOPPEL_FIND_ALL, DOPPEL_OPEN_CREATE);
	doppel_batch *b = doppel_batch_new(), *last = doppel_batch_new();
	for (size_t i = 0; i + 1 < n; i++)
		assert_int_equal(doppel_batch_push(b, doppel_batch_article(all, i)), DOPPEL_OK);
	assert_int_equal(doppel_batch_push(last, doppel_batch_article(all, n - 1)), DOPPEL_OK);
	assert_int_equal(doppel_index_add(x, b, DOPPEL_DUP_ERROR), DOPPEL_OK);
	const uint32_t self = (uint32_t)x->n;
	assert_int_equal(doppel_index_query(x, last), DOPPEL_OK);
	/* the queried article's keys, kept by the index until its next call */
	const size_t nk = x->bnpk[0];
	assert_true(nk > 10);
	uint32_t *keys = malloc(nk * sizeof(*keys));
	size_t *before = malloc(nk * sizeof(*before));
	assert_true(keys && before);
	memcpy(keys, x->bpk[0], nk * sizeof(*keys));
	uint32_t h[32];
	size_t shared = 0;
	for (size_t k = 0; k < nk; k++) {
		before[k] = holders(x, keys[k], h);
		assert_false(holds(h, before[k], self));
		shared += before[k] != 0 && before[k] != SIZE_MAX;
	}
	assert_true(shared > 0); /* it shares passages with the others */
	assert_int_equal(doppel_index_add(x, last, DOPPEL_DUP_ERROR), DOPPEL_OK);
	assert_int_equal(x->n, self + 1);
	for (size_t k = 0; k < nk; k++) {
		size_t now = holders(x, keys[k], h);
		if (now == SIZE_MAX)
			continue; /* it made the key common */
		assert_int_equal(now, before[k] + 1);
		size_t times = 0;
		for (size_t j = 0; j < now; j++)
			times += h[j] == self;
		assert_int_equal(times, 1);
	}
	free(keys);
	free(before);
	doppel_index_close(x);
	doppel_batch_free(b);
	doppel_batch_free(last);
	doppel_batch_free(all);
	doppel_reader_free(r);
	test_rmdir(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_is_index_in_date_order),
		cmocka_unit_test(test_passage_key_lists),
		cmocka_unit_test(test_passage_key_origin),
		cmocka_unit_test(test_query_posts_no_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
