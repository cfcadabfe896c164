/*
 * test_siblings.c — an article copied from one report resembles another
 * report of the story through its source: it is that report's sibling
 * (same event), not its rewrite. tests/data/siblings, in made-up words:
 * a report A; five days later B, which retells A sentence by sentence in
 * other words (too late, and too loosely, to be A's rewrite); a day later
 * C, a copy of A with a third of its words changed. C aligns with B
 * sentence by sentence, but only because A does.
 */
#include "corpus.h"

#include "internal.h"


static void test_sibling_through_source(void **state)
{
	(void)state;
	doppel_reader *r = doppel_reader_new(NULL);
	assert_non_null(r);
	assert_int_equal(doppel_reader_add_path(r, test_data("siblings")), DOPPEL_OK);
	doppel_batch *batch = doppel_batch_new();
	doppel_article art;
	while (doppel_reader_next(r, &art) == DOPPEL_OK)
		assert_int_equal(doppel_batch_push(batch, &art), DOPPEL_OK);
	assert_int_equal(doppel_batch_count(batch), 3);
	doppel_params par;
	doppel_params_init(&par);
	doppel_scan *s = doppel_scan_new(&par);
	assert_non_null(s);
	assert_int_equal(doppel_scan_add(s, batch), DOPPEL_OK);
	assert_int_equal(doppel_scan_finish(s), DOPPEL_OK);
	assert_int_equal(test_scan_relation(s, "a", "c"), DOPPEL_REL_COPY);
	assert_false(doppel__is_derivation(test_scan_relation(s, "a", "b")));
	assert_int_equal(test_scan_relation(s, "b", "c"), DOPPEL_REL_SAME_EVENT);
	doppel_reader_free(r);
	doppel_batch_free(batch);
	doppel_scan_free(s);
}

/* tests/data/twins: a cut copy published the day of the report it cuts
 * resembles an earlier report through it, whichever of the two came
 * first. */
static void test_sibling_through_twin(void **state)
{
	(void)state;
	doppel_reader *r = doppel_reader_new(NULL);
	assert_non_null(r);
	assert_int_equal(doppel_reader_add_path(r, test_data("twins")), DOPPEL_OK);
	doppel_batch *batch = doppel_batch_new();
	doppel_article art;
	while (doppel_reader_next(r, &art) == DOPPEL_OK)
		assert_int_equal(doppel_batch_push(batch, &art), DOPPEL_OK);
	assert_int_equal(doppel_batch_count(batch), 3);
	doppel_params par;
	doppel_params_init(&par);
	doppel_scan *s = doppel_scan_new(&par);
	assert_non_null(s);
	assert_int_equal(doppel_scan_add(s, batch), DOPPEL_OK);
	assert_int_equal(doppel_scan_finish(s), DOPPEL_OK);
	assert_int_equal(test_scan_relation(s, "y", "ycut"), DOPPEL_REL_COPY);
	assert_false(doppel__is_derivation(test_scan_relation(s, "x", "y")));
	assert_int_equal(test_scan_relation(s, "x", "ycut"), DOPPEL_REL_SAME_EVENT);
	doppel_reader_free(r);
	doppel_batch_free(batch);
	doppel_scan_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sibling_through_source),
		cmocka_unit_test(test_sibling_through_twin),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
