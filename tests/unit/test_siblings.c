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
	doppel_batch *batch = test_read_data("siblings", 3);
	doppel_scan *s = test_scan_batch(batch, DOPPEL_FIND_ALL);
	assert_int_equal(test_scan_relation(s, "a", "c"), DOPPEL_REL_COPY);
	assert_false(doppel__is_derivation(test_scan_relation(s, "a", "b")));
	assert_int_equal(test_scan_relation(s, "b", "c"), DOPPEL_REL_SAME_EVENT);
	doppel_batch_free(batch);
	doppel_scan_free(s);
}

/* tests/data/twins: a cut copy published the day of the report it cuts
 * resembles an earlier report through it, whichever of the two came
 * first. */
static void test_sibling_through_twin(void **state)
{
	(void)state;
	doppel_batch *batch = test_read_data("twins", 3);
	doppel_scan *s = test_scan_batch(batch, DOPPEL_FIND_ALL);
	assert_int_equal(test_scan_relation(s, "y", "ycut"), DOPPEL_REL_COPY);
	assert_false(doppel__is_derivation(test_scan_relation(s, "x", "y")));
	assert_int_equal(test_scan_relation(s, "x", "ycut"), DOPPEL_REL_SAME_EVENT);
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
