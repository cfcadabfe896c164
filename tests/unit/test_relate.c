/*
 * test_relate.c — rarity counts, prepared articles, relation names and
 * strength.
 */
#include "testutil.h"

#include <math.h>

#include "internal.h"

static uint32_t next_rand(uint64_t *state)
{
	*state = *state * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
	return (uint32_t)(*state >> 33);
}

/* Sentences of the given sizes; keys drawn from few values (so that they
 * repeat) under mask, a stem of its own for every token (so that repeated
 * keys carry different weights). */
static doppel__features make_features(const uint32_t *sizes, size_t nsizes, uint32_t mask,
                                      uint64_t seed)
{
	doppel__features f = {0};
	size_t ntok = 0;
	for (size_t s = 0; s < nsizes; s++)
		ntok += sizes[s];
	f.tok = calloc(ntok + 1, sizeof(*f.tok));
	f.sent = calloc(nsizes + 1, sizeof(*f.sent));
	assert_non_null(f.tok);
	assert_non_null(f.sent);
	uint64_t st = seed;
	uint32_t pool[40];
	for (size_t i = 0; i < 40; i++)
		pool[i] = next_rand(&st) & mask;
	for (size_t s = 0; s < nsizes; s++) {
		f.sent[s] = (doppel__sent){(uint32_t)f.ntok, sizes[s], 0, 1};
		for (uint32_t t = 0; t < sizes[s]; t++)
			f.tok[f.ntok++] = (doppel__ftok){(next_rand(&st) % 50) & 0x7fffffffu,
			                                 pool[next_rand(&st) % 40]};
	}
	f.nsent = nsizes;
	return f;
}

static void stable_sort(uint32_t *k, float *w, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		uint32_t x = k[i];
		float y = w[i];
		size_t j = i;
		for (; j > 0 && k[j - 1] > x; j--) {
			k[j] = k[j - 1];
			w[j] = w[j - 1];
		}
		k[j] = x;
		w[j] = y;
	}
}

/* Each sentence's keys and the whole article's come sorted, equal keys in
 * the order of the text, with their weights; whatever way they are sorted
 * (few keys or many, keys that differ in one byte or in all four). */
static void test_prepare_sorts_stably(void **state)
{
	(void)state;
	static const uint32_t sizes[] = {1, 2, 7, 24, 25, 26, 61, 300, 0, 3};
	static const uint32_t masks[] = {0xff, 0xffff00, 0xffffffff, 0x800000ff};
	for (size_t m = 0; m < sizeof(masks) / sizeof(*masks); m++) {
		doppel__features f = make_features(sizes, sizeof(sizes) / sizeof(*sizes), masks[m],
		                                   m + 1);
		doppel__features other = make_features(sizes, 4, masks[m], m + 100);
		doppel__rarity r = {0};
		assert_int_equal(doppel__rarity_add(&r, &f), DOPPEL_OK);
		assert_int_equal(doppel__rarity_add(&r, &other), DOPPEL_OK);
		doppel__prepared p;
		assert_int_equal(doppel__prepare(&f, &r, &p), DOPPEL_OK);

		uint32_t *k = calloc(f.ntok + 1, sizeof(*k));
		float *w = calloc(f.ntok + 1, sizeof(*w));
		for (size_t i = 0; i < f.ntok; i++) {
			k[i] = f.tok[i].key;
			w[i] = (float)doppel__rarity_weight(&r, doppel__stem_key(f.tok[i].stem));
		}
		for (size_t s = 0; s < f.nsent; s++) {
			const doppel__sent *se = &f.sent[s];
			stable_sort(k + se->tok, w + se->tok, se->ntok);
			assert_int_equal(p.sstart[s], se->tok);
			double sq = 0;
			for (uint32_t t = 0; t < se->ntok; t++)
				sq += (double)w[se->tok + t] * w[se->tok + t];
			assert_true(p.snorm[s] == (float)sqrt(sq));
		}
		assert_int_equal(p.sstart[f.nsent], f.ntok);
		assert_memory_equal(p.keys, k, f.ntok * sizeof(*k));
		assert_memory_equal(p.weights, w, f.ntok * sizeof(*w));
		stable_sort(k, w, f.ntok);
		assert_memory_equal(p.tkeys, k, f.ntok * sizeof(*k));
		assert_memory_equal(p.tweights, w, f.ntok * sizeof(*w));

		free(k);
		free(w);
		doppel__prepared_free(&p);
		doppel__rarity_free(&r);
		doppel__features_free(&f);
		doppel__features_free(&other);
	}
}

/* The counts a prepared article's weights were made from give the same
 * weights back, bit for bit, once the corpus counts have moved on: keys'
 * and anchors' (of every kind) weights, the sentences' norms, the topic
 * and the anchors' totals; a blob cut short, too long or another
 * article's changes nothing and is refused. */
static void test_counts_give_weights_back(void **state)
{
	(void)state;
	static const uint32_t sizes[] = {3, 30, 1, 61, 12};
	doppel__features f = make_features(sizes, sizeof(sizes) / sizeof(*sizes), 0xffff, 9);
	doppel__features other = make_features(sizes, 3, 0xffff, 10);
	f.nanchor = 6;
	f.anchor = calloc(f.nanchor, sizeof(*f.anchor));
	for (size_t i = 0; i < f.nanchor; i++)
		f.anchor[i] = (uint64_t)(i % 5) << 61 | (UINT64_C(0x1234567) * (i + 1));
	doppel__rarity r = {0};
	for (int i = 0; i < 7; i++)
		assert_int_equal(doppel__rarity_add(&r, i % 3 ? &other : &f), DOPPEL_OK);
	doppel__prepared p, q;
	assert_int_equal(doppel__prepare(&f, &r, &p), DOPPEL_OK);
	assert_non_null(p.counts);
	assert_true(p.ncounts > 0);
	assert_true(p.ncounts < doppel__prepared_weights_size(&p));
	/* the counts move on: prepared now, the weights differ */
	for (int i = 0; i < 40; i++)
		assert_int_equal(doppel__rarity_add(&r, i % 2 ? &other : &f), DOPPEL_OK);
	assert_int_equal(doppel__prepare(&f, &r, &q), DOPPEL_OK);
	const size_t nk = p.sstart[p.nsent];
	assert_true(memcmp(p.weights, q.weights, nk * sizeof(*p.weights)) != 0);
	/* refused: cut short, one byte more, another article's counts */
	assert_int_equal(doppel__prepared_set_counts(&q, p.counts, p.ncounts - 1),
	                 DOPPEL_E_FORMAT);
	uint8_t *longer = malloc(p.ncounts + 1);
	memcpy(longer, p.counts, p.ncounts);
	longer[p.ncounts] = 0;
	assert_int_equal(doppel__prepared_set_counts(&q, longer, p.ncounts + 1), DOPPEL_E_FORMAT);
	doppel__prepared o;
	assert_int_equal(doppel__prepare(&other, &r, &o), DOPPEL_OK);
	assert_int_equal(doppel__prepared_set_counts(&q, o.counts, o.ncounts), DOPPEL_E_FORMAT);
	assert_true(memcmp(p.weights, q.weights, nk * sizeof(*p.weights)) != 0);
	/* taken back */
	assert_int_equal(doppel__prepared_set_counts(&q, p.counts, p.ncounts), DOPPEL_OK);
	assert_memory_equal(q.weights, p.weights, nk * sizeof(*p.weights));
	assert_memory_equal(q.aweight, p.aweight, p.nanchor * sizeof(*p.aweight));
	assert_memory_equal(q.snorm, p.snorm, p.nsent * sizeof(*p.snorm));
	assert_memory_equal(q.tkeys, p.tkeys, nk * sizeof(*p.tkeys));
	assert_memory_equal(q.tweights, p.tweights, nk * sizeof(*p.tweights));
	assert_true(q.tnorm == p.tnorm);
	assert_true(q.anchors_total == p.anchors_total);
	assert_true(q.names_total == p.names_total);
	assert_true(p.names_total > 0);
	/* the floats stored give the same */
	uint8_t *blob = malloc(doppel__prepared_weights_size(&p));
	doppel__prepared_weights_put(&p, blob);
	doppel__prepared_drop_counts(&p);
	assert_null(p.counts);
	doppel__prepared_free(&q);
	assert_int_equal(doppel__prepare(&f, &r, &q), DOPPEL_OK);
	assert_int_equal(
		doppel__prepared_set_weights(&q, blob, doppel__prepared_weights_size(&p)),
		DOPPEL_OK);
	assert_memory_equal(q.weights, p.weights, nk * sizeof(*p.weights));
	assert_true(q.anchors_total == p.anchors_total);
	free(blob);
	free(longer);
	doppel__prepared_free(&o);
	doppel__prepared_free(&q);
	doppel__prepared_free(&p);
	doppel__rarity_free(&r);
	doppel__features_free(&f);
	doppel__features_free(&other);
}

/* A stem counts once per article however often it occurs; the counts
 * survive saving and loading. */
static void test_rarity_counts(void **state)
{
	(void)state;
	static const uint32_t sizes[] = {30, 30, 30};
	doppel__features a = make_features(sizes, 3, 0xffffffff, 7);
	doppel__features b = make_features(sizes, 1, 0xffffffff, 8);
	doppel__rarity r = {0};
	assert_int_equal(doppel__rarity_add(&r, &a), DOPPEL_OK);
	assert_int_equal(doppel__rarity_add(&r, &b), DOPPEL_OK);
	for (uint32_t stem = 0; stem < 50; stem++) {
		uint32_t want = 0;
		for (size_t i = 0; i < a.ntok; i++)
			if (a.tok[i].stem == stem) {
				want++;
				break;
			}
		for (size_t i = 0; i < b.ntok; i++)
			if (b.tok[i].stem == stem) {
				want++;
				break;
			}
		assert_int_equal(doppel__rarity_df(&r, doppel__stem_key(stem)), want);
	}
	/* saved in parts and read back (test_rarity.c tests the parts) */
	doppel__rarity back = {0};
	for (unsigned p = 0; p < DOPPEL__RARITY_PARTS; p++) {
		uint8_t *blob;
		size_t len;
		uint64_t seq;
		uint32_t docs;
		assert_int_equal(doppel__rarity_save_part(&r, p, p + 1, &blob, &len), DOPPEL_OK);
		assert_int_equal(doppel__rarity_load_part(&back, blob, len, &seq, &docs), DOPPEL_OK);
		assert_int_equal(docs, 2);
		free(blob);
	}
	for (uint32_t stem = 0; stem < 50; stem++)
		assert_int_equal(doppel__rarity_df(&back, doppel__stem_key(stem)),
		                 doppel__rarity_df(&r, doppel__stem_key(stem)));
	doppel__rarity_free(&back);
	doppel__rarity_free(&r);
	doppel__features_free(&a);
	doppel__features_free(&b);
}

/* Relation values are stored, so excerpt came last; strength is the rank:
 * duplicate, copy, excerpt, rewrite, same-event, same-story. Names go
 * both ways; matches sort by rank. */
static void test_relation_rank(void **state)
{
	(void)state;
	const doppel_relation order[] = {DOPPEL_REL_DUPLICATE, DOPPEL_REL_COPY,
	                                 DOPPEL_REL_EXCERPT,   DOPPEL_REL_REWRITE,
	                                 DOPPEL_REL_SAME_EVENT, DOPPEL_REL_SAME_STORY};
	assert_int_equal(DOPPEL_REL_EXCERPT, 6);
	for (int i = 0; i < 6; i++) {
		assert_int_equal(doppel_relation_rank(order[i]), i + 1);
		assert_int_equal(doppel_relation_parse(doppel_relation_name(order[i])), order[i]);
		if (i)
			assert_true(doppel__stronger(order[i - 1], order[i]));
	}
	assert_string_equal(doppel_relation_name(DOPPEL_REL_EXCERPT), "excerpt");
	assert_int_equal(doppel_relation_rank(DOPPEL_REL_NONE), 0);
	assert_int_equal(doppel_relation_rank((doppel_relation)99), 0);
	assert_true(doppel__is_derivation(DOPPEL_REL_EXCERPT));
	assert_false(doppel__is_derivation(DOPPEL_REL_SAME_EVENT));
	assert_int_equal(DOPPEL_FIND_ALL & DOPPEL_FIND_EXCERPT, DOPPEL_FIND_EXCERPT);
	doppel_match m[3] = {{.id = "a", .relation = DOPPEL_REL_REWRITE},
	                     {.id = "b", .relation = DOPPEL_REL_EXCERPT},
	                     {.id = "c", .relation = DOPPEL_REL_COPY}};
	qsort(m, 3, sizeof(*m), doppel__match_cmp);
	assert_string_equal(m[0].id, "c");
	assert_string_equal(m[1].id, "b");
	assert_string_equal(m[2].id, "a");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prepare_sorts_stably),
		cmocka_unit_test(test_rarity_counts),
		cmocka_unit_test(test_counts_give_weights_back),
		cmocka_unit_test(test_relation_rank),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
