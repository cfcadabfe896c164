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

/* The article of story s01's file `name` (tests/data/eval) into b, under
 * id, dated `day` days after the source's date, with paragraph `extra`
 * added (NULL: none). */
static void push_s01(doppel_batch *b, const char *name, const char *id, int day,
                     const char *extra)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/s01/%s", test_data("eval"), name);
	doppel_read_options ro;
	doppel_read_options_init(&ro);
	doppel_reader *r = doppel_reader_new(&ro);
	assert_non_null(r);
	assert_int_equal(doppel_reader_add_path(r, path), DOPPEL_OK);
	doppel_article a;
	assert_int_equal(doppel_reader_next(r, &a), DOPPEL_OK);
	size_t more = extra ? strlen(extra) : 0;
	char *text = malloc(a.text_len + more + 1);
	assert_non_null(text);
	memcpy(text, a.text, a.text_len);
	memcpy(text + a.text_len, extra ? extra : "", more);
	text[a.text_len + more] = '\0';
	a.id = id;
	a.text = text;
	a.text_len += more;
	assert_int_equal(doppel_parse_date("2025-02-11", 10, &a.date), DOPPEL_OK);
	a.date += day;
	assert_int_equal(doppel_batch_push(b, &a), DOPPEL_OK);
	free(text);
	doppel_reader_free(r);
}

/* A spun copy of a report the wire sent again the next day with a
 * paragraph added is a rewrite of both: what derives from one of two
 * duplicates derives as much from the other, though it resembles the
 * shorter a little more. */
static void test_rewrite_of_duplicates(void **state)
{
	(void)state;
	doppel_batch *b = doppel_batch_new();
	assert_non_null(b);
	push_s01(b, "orig.txt", "sent", 0, NULL);
	push_s01(b, "orig.txt", "sent-again", 1,
	         "\nThe court will hear the appeal of the mining bureau in the spring, a "
	         "clerk said, and the quarry will stay closed until then.\n");
	push_s01(b, "spun.txt", "spun", 2, NULL);
	doppel_scan *s = test_scan_batch(b, DOPPEL_FIND_ALL);
	assert_int_equal(test_scan_relation(s, "sent", "sent-again"), DOPPEL_REL_DUPLICATE);
	assert_int_equal(test_scan_relation(s, "sent", "spun"), DOPPEL_REL_REWRITE);
	assert_int_equal(test_scan_relation(s, "sent-again", "spun"), DOPPEL_REL_REWRITE);
	doppel_scan_free(s);
	doppel_batch_free(b);
}

/* The articles of tests/data/excerpt and tests/data/spunexcerpt that
 * test_excerpt_siblings reads, the spun copy dated `spun_date`. */
static doppel_batch *spun_and_excerpt(const char *spun_date)
{
	doppel_batch *wire = test_read_data("excerpt", 5);
	doppel_batch *spun = test_read_data("spunexcerpt", 1);
	doppel_batch *b = doppel_batch_new();
	assert_non_null(b);
	for (size_t i = 0; i < doppel_batch_count(wire); i++) {
		const doppel_article *a = doppel_batch_article(wire, i);
		if (!strcmp(a->id, "wire/dam-approval") || !strcmp(a->id, "local/dam-cressley"))
			assert_int_equal(doppel_batch_push(b, a), DOPPEL_OK);
	}
	doppel_article a = *doppel_batch_article(spun, 0);
	assert_int_equal(doppel_parse_date(spun_date, 10, &a.date), DOPPEL_OK);
	assert_int_equal(doppel_batch_push(b, &a), DOPPEL_OK);
	doppel_batch_free(wire);
	doppel_batch_free(spun);
	return b;
}

/* A spun copy of a wire report and a local report that took three of its
 * paragraphs share them only through the wire report: siblings, not an
 * excerpt of one another, whichever came first. */
static void test_excerpt_siblings(void **state)
{
	(void)state;
	const char *dates[] = {"2024-06-04", "2024-06-05"};
	for (size_t i = 0; i < 2; i++) {
		doppel_batch *b = spun_and_excerpt(dates[i]);
		doppel_scan *s = test_scan_batch(b, DOPPEL_FIND_ALL);
		assert_int_equal(test_scan_relation(s, "wire/dam-approval", "blog/dam-spun"),
		                 DOPPEL_REL_REWRITE);
		assert_int_equal(test_scan_relation(s, "wire/dam-approval", "local/dam-cressley"),
		                 DOPPEL_REL_EXCERPT);
		assert_int_equal(test_scan_relation(s, "blog/dam-spun", "local/dam-cressley"),
		                 DOPPEL_REL_SAME_EVENT);
		doppel_scan_free(s);
		doppel_batch_free(b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sibling_through_source),
		cmocka_unit_test(test_sibling_through_twin),
		cmocka_unit_test(test_rewrite_of_duplicates),
		cmocka_unit_test(test_excerpt_siblings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
