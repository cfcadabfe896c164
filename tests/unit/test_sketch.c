/*
 * test_sketch.c — signatures estimate Jaccard and containment; LSH layout.
 */
#include "testutil.h"

#include <math.h>

#include "internal.h"

enum { K = 128 };

/* Tokens 0..n-1 of a numbered vocabulary starting at first. */
static void make_tokens(doppel__tokens *t, uint64_t first, size_t n)
{
	t->n = 0;
	for (size_t i = 0; i < n; i++) {
		if (t->n == t->cap) {
			t->cap = t->cap ? t->cap * 2 : 64;
			t->hash = realloc(t->hash, t->cap * sizeof(*t->hash));
			assert_non_null(t->hash);
		}
		uint64_t w = first + i;
		t->hash[t->n++] = doppel__hash(&w, sizeof(w), 0);
	}
	t->fingerprint = t->n ? doppel__hash(t->hash, t->n * 8, 0) | 1 : 0;
}

static void sketch(doppel__sketcher *s, doppel__tokens *t, uint16_t *sig,
                   doppel__sketch *out)
{
	out->sig = sig;
	assert_int_equal(doppel__sketch_tokens(s, t, out), DOPPEL_OK);
}

static void test_identical_and_disjoint(void **state)
{
	(void)state;
	doppel__sketcher s;
	assert_int_equal(doppel__sketcher_init(&s, K, 3, 0), DOPPEL_OK);
	doppel__tokens a = {0}, b = {0};
	uint16_t sa[K], sb[K];
	doppel__sketch ka, kb;
	make_tokens(&a, 0, 500);
	make_tokens(&b, 0, 500);
	sketch(&s, &a, sa, &ka);
	sketch(&s, &b, sb, &kb);
	assert_int_equal(ka.shingles, 498);
	double j, c;
	doppel__compare(sa, ka.shingles, sb, kb.shingles, K, &j, &c);
	assert_true(j == 1.0 && c == 1.0);

	make_tokens(&b, 100000, 500);
	sketch(&s, &b, sb, &kb);
	doppel__compare(sa, ka.shingles, sb, kb.shingles, K, &j, &c);
	assert_true(j < 0.05);
	doppel__tokens_free(&a);
	doppel__tokens_free(&b);
	doppel__sketcher_free(&s);
}

/* A cut copy: b holds the first 60% of a. Jaccard ~0.6, containment ~1. */
static void test_estimates(void **state)
{
	(void)state;
	doppel__sketcher s;
	assert_int_equal(doppel__sketcher_init(&s, K, 3, 0), DOPPEL_OK);
	doppel__tokens a = {0}, b = {0};
	uint16_t sa[K], sb[K];
	doppel__sketch ka, kb;
	double sum = 0, sumc = 0;
	const int trials = 40;
	for (int trial = 0; trial < trials; trial++) {
		make_tokens(&a, (uint64_t)trial * 10000, 1000);
		make_tokens(&b, (uint64_t)trial * 10000, 600);
		sketch(&s, &a, sa, &ka);
		sketch(&s, &b, sb, &kb);
		double j, c, j2, c2;
		doppel__compare(sa, ka.shingles, sb, kb.shingles, K, &j, &c);
		doppel__compare(sb, kb.shingles, sa, ka.shingles, K, &j2, &c2);
		assert_true(j == j2 && c == c2); /* symmetric */
		sum += j;
		sumc += c;
	}
	double truth = 598.0 / 998.0;
	/* The mean of 40 estimates has a standard error near 0.007. */
	assert_true(fabs(sum / trials - truth) < 0.03);
	assert_true(sumc / trials > 0.93);
	doppel__tokens_free(&a);
	doppel__tokens_free(&b);
	doppel__sketcher_free(&s);
}

/* Short texts: fewer shingles than slots still compare sensibly, and a
 * text shorter than a shingle is one shingle. */
static void test_short_texts(void **state)
{
	(void)state;
	doppel__sketcher s;
	assert_int_equal(doppel__sketcher_init(&s, K, 3, 7), DOPPEL_OK);
	doppel__tokens a = {0};
	uint16_t sa[K], sb[K];
	doppel__sketch ka, kb;
	make_tokens(&a, 1, 2);
	sketch(&s, &a, sa, &ka);
	assert_int_equal(ka.shingles, 1);
	sketch(&s, &a, sb, &kb);
	assert_memory_equal(sa, sb, sizeof(sa));
	make_tokens(&a, 1, 0);
	sketch(&s, &a, sa, &ka);
	assert_int_equal(ka.shingles, 0);
	assert_int_equal(ka.fingerprint, 0);
	double j, c;
	doppel__compare(sa, 0, sb, kb.shingles, K, &j, &c);
	assert_true(j == 0.0 && c == 0.0);
	doppel__tokens_free(&a);
	doppel__sketcher_free(&s);
}

/* The seed changes signatures. */
static void test_seed(void **state)
{
	(void)state;
	doppel__sketcher s0, s1;
	assert_int_equal(doppel__sketcher_init(&s0, K, 3, 0), DOPPEL_OK);
	assert_int_equal(doppel__sketcher_init(&s1, K, 3, 1), DOPPEL_OK);
	doppel__tokens a = {0};
	uint16_t sa[K], sb[K];
	doppel__sketch ka, kb;
	make_tokens(&a, 0, 300);
	sketch(&s0, &a, sa, &ka);
	sketch(&s1, &a, sb, &kb);
	assert_memory_not_equal(sa, sb, sizeof(sa));
	doppel__tokens_free(&a);
	doppel__sketcher_free(&s0);
	doppel__sketcher_free(&s1);
}

static void test_bands(void **state)
{
	(void)state;
	doppel_params p;
	doppel_params_init(&p);
	unsigned b, r;
	assert_int_equal(doppel_params_bands(&p, &b, &r), DOPPEL_OK);
	assert_true(b * r <= p.k);
	/* At the default threshold 0.3 a copy at Jaccard 0.5 is a candidate
	 * with probability above 0.99; unrelated texts (0.05) rarely are. */
	double at = 1 - pow(1 - pow(0.5, r), b);
	double low = 1 - pow(1 - pow(0.05, r), b);
	assert_true(at > 0.99);
	assert_true(low < 0.01);
	/* A higher threshold gives more rows per band. */
	p.threshold = 0.8;
	unsigned b2, r2;
	assert_int_equal(doppel_params_bands(&p, &b2, &r2), DOPPEL_OK);
	assert_true(r2 > r);
	p.threshold = 1.5;
	assert_int_equal(doppel_params_bands(&p, &b2, &r2), DOPPEL_E_ARG);
	char msg[128];
	p.threshold = 0.5;
	p.k = 100;
	assert_int_equal(doppel_params_check(&p, msg, sizeof(msg)), DOPPEL_E_ARG);
	assert_non_null(strstr(msg, "multiple of 8"));
}

struct collect {
	uint32_t ids[512];
	unsigned n;
};

static void collect_id(void *ctx, uint32_t id)
{
	struct collect *c = ctx;
	if (c->n < 512)
		c->ids[c->n] = id;
	c->n++;
}

static void test_lsh_buckets(void **state)
{
	(void)state;
	doppel__lsh *l = doppel__lsh_new(K, 32, 4);
	assert_non_null(l);
	uint16_t a[K], b[K];
	for (int i = 0; i < K; i++)
		a[i] = b[i] = (uint16_t)(i * 7);
	b[0] = 999; /* differs in band 0 only */
	uint64_t ka[32], kb[32];
	doppel__lsh_keys(l, a, ka);
	doppel__lsh_keys(l, b, kb);
	assert_int_not_equal(ka[0], kb[0]);
	assert_true(ka[1] == kb[1]);
	for (uint32_t id = 0; id < 3000; id++)
		assert_int_equal(doppel__lsh_insert(l, id, ka), DOPPEL_OK);
	/* b meets them in 31 bands; each bucket yields its newest 5. */
	struct collect c = {.n = 0};
	doppel__lsh_query(l, kb, 5, collect_id, &c);
	assert_int_equal(c.n, 31 * 5);
	assert_int_equal(c.ids[0], 2999);
	assert_int_equal(c.ids[4], 2995);
	/* A signature sharing no band meets nobody. */
	uint64_t none[32];
	for (int i = 0; i < 32; i++)
		none[i] = (uint64_t)i + 12345;
	c.n = 0;
	doppel__lsh_query(l, none, 5, collect_id, &c);
	assert_int_equal(c.n, 0);
	doppel__lsh_free(l);
	doppel__lsh_free(NULL);
}

/* A bucket of one article keeps it in the table's slot; a second makes a
 * list, newest first, cut at max_bucket (0: nothing). */
static void test_lsh_small_buckets(void **state)
{
	(void)state;
	doppel__lsh *l = doppel__lsh_new(K, 16, 8);
	assert_non_null(l);
	uint16_t a[K], b[K];
	for (int i = 0; i < K; i++) {
		a[i] = (uint16_t)(i * 13 + 1);
		b[i] = (uint16_t)(i * 17 + 5);
	}
	uint64_t ka[16], kb[16];
	doppel__lsh_keys(l, a, ka);
	doppel__lsh_keys(l, b, kb);
	assert_int_equal(doppel__lsh_insert(l, 7, ka), DOPPEL_OK);
	assert_int_equal(doppel__lsh_insert(l, 3, kb), DOPPEL_OK);
	struct collect c = {.n = 0};
	doppel__lsh_query(l, ka, 5, collect_id, &c);
	assert_int_equal(c.n, 16);
	for (unsigned i = 0; i < c.n; i++)
		assert_int_equal(c.ids[i], 7);
	/* a second article in a's buckets: both, the newest first */
	assert_int_equal(doppel__lsh_insert(l, 9, ka), DOPPEL_OK);
	c.n = 0;
	doppel__lsh_query(l, ka, 5, collect_id, &c);
	assert_int_equal(c.n, 32);
	for (unsigned i = 0; i < c.n; i += 2) {
		assert_int_equal(c.ids[i], 9);
		assert_int_equal(c.ids[i + 1], 7);
	}
	c.n = 0;
	doppel__lsh_query(l, ka, 1, collect_id, &c);
	assert_int_equal(c.n, 16);
	assert_int_equal(c.ids[0], 9);
	c.n = 0;
	doppel__lsh_query(l, ka, 0, collect_id, &c);
	doppel__lsh_query(l, kb, 0, collect_id, &c);
	assert_int_equal(c.n, 0);
	/* b's buckets still hold b alone */
	doppel__lsh_query(l, kb, 5, collect_id, &c);
	assert_int_equal(c.n, 16);
	assert_int_equal(c.ids[15], 3);
	/* an article number must leave the slot's mark free */
	assert_int_not_equal(doppel__lsh_insert(l, UINT32_C(0x80000000), kb), DOPPEL_OK);
	doppel__lsh_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical_and_disjoint),
		cmocka_unit_test(test_estimates),
		cmocka_unit_test(test_short_texts),
		cmocka_unit_test(test_seed),
		cmocka_unit_test(test_bands),
		cmocka_unit_test(test_lsh_buckets),
		cmocka_unit_test(test_lsh_small_buckets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
