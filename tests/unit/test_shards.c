/*
 * test_shards.c — sharded hash tables (util.c): every key survives its
 * shard's doublings, colliding keys included, and the keys spread so
 * evenly that no shard, and so no doubling, is much larger than the
 * table's share of one.
 */
#include "testutil.h"

#include "internal.h"

#include <stdio.h>

/* A slot of the test's own table: a key (0: free) and a value. */
struct tslot {
	uint64_t key;
	uint64_t val;
};

/* Every key's hash is its own value times `spread`: spread 0 sends every
 * key to one home, the worst case of linear probing. */
static uint64_t spread = 1;

static bool tslot_hash(const void *slot, uint64_t *h)
{
	const struct tslot *s = slot;
	*h = s->key * spread;
	return s->key != 0;
}

static struct tslot *tfind(const doppel__shard *s, uint64_t key)
{
	struct tslot *t = s->slot;
	size_t i = (size_t)(key * spread) & s->mask;
	while (t[i].key && t[i].key != key)
		i = (i + 1) & s->mask;
	return &t[i];
}

static void fill_one_shard(uint64_t with_spread, uint64_t n)
{
	spread = with_spread;
	doppel__shard s = {0};
	for (uint64_t k = 1; k <= n; k++) {
		assert_int_equal(doppel__shard_reserve(&s, sizeof(struct tslot), tslot_hash),
		                 DOPPEL_OK);
		/* never more than three quarters full once the key is in */
		assert_true((s.used + 1) * 4 <= ((size_t)s.mask + 1) * 3);
		struct tslot *t = tfind(&s, k);
		assert_int_equal(t->key, 0);
		*t = (struct tslot){k, k * 7};
		s.used++;
	}
	for (uint64_t k = 1; k <= n; k++) {
		struct tslot *t = tfind(&s, k);
		assert_int_equal(t->key, k);
		assert_int_equal(t->val, k * 7);
	}
	assert_int_equal(tfind(&s, n + 1)->key, 0);
	assert_int_equal(doppel__shards_slots(&s, 1), (size_t)s.mask + 1);
	doppel__shards_clear(&s, 1);
	assert_null(s.slot);
	assert_int_equal(s.used, 0);
}

static void test_shard_keeps_keys(void **state)
{
	(void)state;
	fill_one_shard(0x9e3779b97f4a7c15u, 50000);
	/* all at one home: the probes wrap around the shard's end */
	fill_one_shard(0, 3000);
}

static void test_reserve_n(void **state)
{
	(void)state;
	spread = 1;
	doppel__shard s = {0};
	assert_int_equal(doppel__shard_reserve_n(&s, sizeof(struct tslot), tslot_hash, 1000),
	                 DOPPEL_OK);
	size_t slots = (size_t)s.mask + 1;
	assert_true(slots * 3 >= 1000 * 4);
	assert_true(slots <= 2048);
	/* room enough already: nothing moves */
	void *before = s.slot;
	assert_int_equal(doppel__shard_reserve_n(&s, sizeof(struct tslot), tslot_hash, 500),
	                 DOPPEL_OK);
	assert_ptr_equal(s.slot, before);
	doppel__shards_clear(&s, 1);
}

static void test_strmap_spread(void **state)
{
	(void)state;
	const size_t n = 200000;
	char(*ids)[16] = calloc(n, sizeof(*ids));
	assert_non_null(ids);
	doppel__strmap m = {0};
	for (size_t i = 0; i < n; i++) {
		snprintf(ids[i], sizeof(ids[i]), "a%07zu", i);
		assert_int_equal(doppel__strmap_put(&m, ids[i], (uint32_t)i), DOPPEL_OK);
	}
	/* a key put again takes its new value; the count stays */
	assert_int_equal(doppel__strmap_put(&m, ids[5], 99), DOPPEL_OK);
	assert_int_equal(m.used, n);
	for (size_t i = 0; i < n; i++) {
		uint32_t v;
		assert_true(doppel__strmap_get(&m, ids[i], &v));
		assert_int_equal(v, i == 5 ? 99 : i);
	}
	uint32_t v;
	assert_false(doppel__strmap_get(&m, "a9999999", &v));
	/* The keys spread evenly: the largest shard holds at most twice the
	 * mean, so a doubling moves about a thousandth of the table. */
	size_t used = 0, most = 0, most_slots = 0;
	for (size_t i = 0; i < DOPPEL__SHARDS; i++) {
		used += m.shard[i].used;
		if (m.shard[i].used > most)
			most = m.shard[i].used;
		if (m.shard[i].slot && (size_t)m.shard[i].mask + 1 > most_slots)
			most_slots = (size_t)m.shard[i].mask + 1;
	}
	assert_int_equal(used, n);
	assert_true(most * DOPPEL__SHARDS <= 2 * n);
	assert_true(most_slots * DOPPEL__SHARDS <= 4 * doppel__shards_slots(m.shard, DOPPEL__SHARDS));
	doppel__strmap_free(&m);
	assert_false(doppel__strmap_get(&m, ids[0], &v));
	free(ids);
}

/* Sorting numbers as qsort does: few and many, bytes that vary and
 * bytes the same in every value (passes left out), the result in place. */
static void test_sort_u32(void **state)
{
	(void)state;
	uint32_t *v = malloc(3000 * sizeof(*v)), *w = malloc(3000 * sizeof(*w));
	uint32_t *scratch = NULL;
	size_t cap = 0;
	assert_non_null(v);
	assert_non_null(w);
	uint64_t x = 88172645463325252ull;
	static const uint32_t masks[] = {0xffffffffu, 0x00ff00ffu, 0xff000000u, 0x0000000fu};
	for (size_t round = 0; round < 200; round++) {
		size_t n = round < 40 ? round : (round * 37) % 3000;
		uint32_t mask = masks[round % 4];
		for (size_t i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			v[i] = w[i] = (uint32_t)x & mask;
		}
		assert_int_equal(doppel__sort_u32(v, n, &scratch, &cap), DOPPEL_OK);
		if (n)
			qsort(w, n, sizeof(*w), doppel__cmp_u32);
		assert_true(n == 0 || memcmp(v, w, n * sizeof(*v)) == 0);
	}
	free(scratch);
	free(v);
	free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sort_u32),
		cmocka_unit_test(test_shard_keeps_keys),
		cmocka_unit_test(test_reserve_n),
		cmocka_unit_test(test_strmap_spread),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
