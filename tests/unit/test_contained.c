/*
 * test_contained.c — a copy that keeps one sentence of a long article is
 * found as a copy, though its Jaccard with the article is far below the
 * LSH's threshold: the containment fingerprints meet the two, in a scan
 * and in an index reopened between them, looking for every relation (the
 * content words' fingerprints) or for copies alone (the tokens').
 */
#include "testutil.h"

static doppel_batch *read_fixture(void)
{
	return test_read_data("contained", 2);
}

/* The scan looking for relations `find` relates the two as a copy. */
static void scan_sentence(unsigned find)
{
	doppel_batch *b = read_fixture();
	doppel_scan *s = test_scan_batch(b, find);
	assert_int_equal(doppel_scan_pair_count(s), 1);
	doppel_pair p;
	assert_int_equal(doppel_scan_pair(s, 0, &p), DOPPEL_OK);
	assert_int_equal(p.relation, DOPPEL_REL_COPY);
	/* far below the shingles' LSH threshold (0.3) */
	assert_true(p.jaccard < 0.2);
	doppel_batch_free(b);
	doppel_scan_free(s);
}

static void test_scan_sentence(void **state)
{
	(void)state;
	scan_sentence(DOPPEL_FIND_ALL);
}

/* Looking for copies alone: the tokens' fingerprints meet them. */
static void test_scan_sentence_copies_only(void **state)
{
	(void)state;
	scan_sentence(DOPPEL_FIND_DUPLICATE | DOPPEL_FIND_COPY);
}

/* The article's fingerprints are stored with it and posted again when
 * the index is opened, whichever relations it looks for. */
static void index_reopened(struct test_db *f, unsigned find)
{
	doppel_batch *all = read_fixture();
	doppel_index *x = test_open_index(f->db, find, DOPPEL_OPEN_CREATE);
	assert_int_equal(test_add_one(x, all, "harbour", "-", NULL), DOPPEL_REL_NONE);
	doppel_index_close(x);
	x = test_open_index(f->db, find, 0);
	assert_int_equal(test_add_one(x, all, "harbour-sentence", "harbour", NULL), DOPPEL_REL_COPY);
	doppel_index_close(x);
	doppel_batch_free(all);
}

static void test_index_reopened(void **state)
{
	index_reopened(*state, DOPPEL_FIND_ALL);
}

static void test_index_reopened_copies_only(void **state)
{
	index_reopened(*state, DOPPEL_FIND_DUPLICATE | DOPPEL_FIND_COPY);
}

static int setup(void **state)
{
	return test_db_setup(state, "contained.db");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_sentence),
		cmocka_unit_test(test_scan_sentence_copies_only),
		cmocka_unit_test_setup_teardown(test_index_reopened, setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(test_index_reopened_copies_only, setup,
		                                test_db_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
