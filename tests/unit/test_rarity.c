/*
 * test_rarity.c — rarity counts saved in parts come back as they were
 * saved, part by part, across tables that grew between the parts.
 */
#include "testutil.h"

#include "internal.h"

/* Counts n articles with `per` anchors each from a vocabulary of `vocab`
 * keys, drawn by a fixed generator from *state. */
static void count_articles(doppel__rarity *r, uint64_t *state, size_t n, size_t per,
                           uint64_t vocab)
{
	doppel__features f = {0};
	f.anchor = calloc(per, sizeof(*f.anchor));
	assert_non_null(f.anchor);
	for (size_t a = 0; a < n; a++) {
		f.nanchor = 0;
		for (size_t i = 0; i < per; i++) {
			*state = *state * 6364136223846793005u + 1442695040888963407u;
			uint64_t key = (*state >> 33) % vocab + 1;
			bool seen = false;
			for (size_t j = 0; j < f.nanchor; j++)
				seen |= f.anchor[j] == key;
			if (!seen)
				f.anchor[f.nanchor++] = key;
		}
		assert_int_equal(doppel__rarity_add(r, &f), DOPPEL_OK);
	}
	free(f.anchor);
}

struct saved {
	uint8_t *blob;
	size_t len;
};

static void save_parts(const doppel__rarity *r, unsigned from, unsigned to, uint64_t *seq,
                       struct saved *out)
{
	for (unsigned p = from; p < to; p++) {
		free(out[p].blob);
		assert_int_equal(doppel__rarity_save_part(r, p, ++*seq, &out[p].blob, &out[p].len),
		                 DOPPEL_OK);
	}
}

static void load_parts(doppel__rarity *r, const struct saved *parts)
{
	size_t total = 0;
	for (unsigned p = 0; p < DOPPEL__RARITY_PARTS; p++)
		total += parts[p].len / 12;
	assert_int_equal(doppel__rarity_reserve(r, total), DOPPEL_OK);
	uint64_t newest = 0;
	for (unsigned p = 0; p < DOPPEL__RARITY_PARTS; p++) {
		uint64_t seq;
		uint32_t docs;
		assert_int_equal(doppel__rarity_load_part(r, parts[p].blob, parts[p].len, &seq, &docs),
		                 DOPPEL_OK);
		if (seq > newest) {
			newest = seq;
			r->docs = docs;
		}
	}
}

/* Every key of a table, with its count. */
struct keys {
	uint64_t *key;
	uint32_t *df;
	size_t n;
};

static void take_key(void *ctx, uint64_t key, uint32_t df)
{
	struct keys *k = ctx;
	k->key = realloc(k->key, (k->n + 1) * sizeof(*k->key));
	k->df = realloc(k->df, (k->n + 1) * sizeof(*k->df));
	assert_non_null(k->key);
	assert_non_null(k->df);
	k->key[k->n] = key;
	k->df[k->n++] = df;
}

static struct keys keys_of(const doppel__rarity *r)
{
	struct keys k = {0};
	doppel__rarity_each(r, take_key, &k);
	assert_int_equal(k.n, r->used);
	return k;
}

static void keys_free(struct keys *k)
{
	free(k->key);
	free(k->df);
}

static void test_parts_round_trip(void **state)
{
	(void)state;
	doppel__rarity r = {0}, back = {0};
	uint64_t gen = 1, seq = 0;
	count_articles(&r, &gen, 3000, 40, 200000);
	struct saved parts[DOPPEL__RARITY_PARTS] = {{0}};
	save_parts(&r, 0, DOPPEL__RARITY_PARTS, &seq, parts);
	size_t keys = 0;
	for (unsigned p = 0; p < DOPPEL__RARITY_PARTS; p++) {
		keys += (parts[p].len - 12) / 12;
		/* keys spread over the parts: none is empty */
		assert_true(parts[p].len > 12);
	}
	assert_int_equal(keys, r.used);
	load_parts(&back, parts);
	assert_int_equal(back.used, r.used);
	assert_int_equal(back.docs, 3000);
	struct keys k = keys_of(&r);
	for (size_t i = 0; i < k.n; i++)
		assert_int_equal(doppel__rarity_df(&back, k.key[i]), k.df[i]);
	keys_free(&k);
	for (unsigned p = 0; p < DOPPEL__RARITY_PARTS; p++)
		free(parts[p].blob);
	doppel__rarity_free(&r);
	doppel__rarity_free(&back);
}

/* Half the parts saved, then the table grows, then the other half: each
 * key comes back with its count as of its own part's save. */
static void test_parts_across_growth(void **state)
{
	(void)state;
	doppel__rarity r = {0}, early = {0}, back = {0};
	uint64_t gen = 7, seq = 0;
	count_articles(&r, &gen, 500, 30, 50000);
	/* a copy of the counts at the first save */
	struct saved whole[DOPPEL__RARITY_PARTS] = {{0}};
	save_parts(&r, 0, DOPPEL__RARITY_PARTS, &seq, whole);
	load_parts(&early, whole);
	size_t before = doppel__shards_slots(r.shard, DOPPEL__SHARDS);
	struct saved parts[DOPPEL__RARITY_PARTS] = {{0}};
	save_parts(&r, 0, DOPPEL__RARITY_PARTS / 2, &seq, parts);
	count_articles(&r, &gen, 4000, 30, 400000);
	assert_true(doppel__shards_slots(r.shard, DOPPEL__SHARDS) > before);
	save_parts(&r, DOPPEL__RARITY_PARTS / 2, DOPPEL__RARITY_PARTS, &seq, parts);
	load_parts(&back, parts);
	assert_int_equal(back.docs, 4500);
	size_t checked_old = 0, checked_new = 0;
	struct keys k = keys_of(&r);
	for (size_t i = 0; i < k.n; i++) {
		uint64_t key = k.key[i];
		unsigned part = (unsigned)(doppel__mix64(key) >> (64 - DOPPEL__RARITY_PART_BITS));
		if (part < DOPPEL__RARITY_PARTS / 2) {
			assert_int_equal(doppel__rarity_df(&back, key), doppel__rarity_df(&early, key));
			checked_old++;
		} else {
			assert_int_equal(doppel__rarity_df(&back, key), k.df[i]);
			checked_new++;
		}
	}
	assert_true(checked_old > 1000 && checked_new > 1000);
	keys_free(&k);
	for (unsigned p = 0; p < DOPPEL__RARITY_PARTS; p++) {
		free(parts[p].blob);
		free(whole[p].blob);
	}
	doppel__rarity_free(&r);
	doppel__rarity_free(&early);
	doppel__rarity_free(&back);
}

static void test_damaged_part(void **state)
{
	(void)state;
	doppel__rarity r = {0};
	uint8_t blob[30] = {0};
	uint64_t seq;
	uint32_t docs;
	assert_int_equal(doppel__rarity_load_part(&r, blob, 5, &seq, &docs), DOPPEL_E_FORMAT);
	assert_int_equal(doppel__rarity_load_part(&r, blob, 30, &seq, &docs), DOPPEL_E_FORMAT);
	assert_int_equal(r.used, 0);
	doppel__rarity_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parts_round_trip),
		cmocka_unit_test(test_parts_across_growth),
		cmocka_unit_test(test_damaged_part),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
