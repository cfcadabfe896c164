/*
 * test_normalize.c — tokens, case folding and boilerplate removal.
 */
#include "testutil.h"

#include "internal.h"

/* Token hashes of text with no line counts. */
static size_t tokens_of(const char *text, doppel__tokens *t)
{
	assert_int_equal(doppel__normalize(text, strlen(text), 0, NULL, 0, 0, t),
	                 DOPPEL_OK);
	return t->n;
}

/* True when a and b normalize to the same token stream. */
static bool same_tokens(const char *a, const char *b)
{
	doppel__tokens ta = {0}, tb = {0};
	tokens_of(a, &ta);
	tokens_of(b, &tb);
	bool same = ta.n == tb.n && ta.fingerprint == tb.fingerprint &&
	            memcmp(ta.hash, tb.hash, ta.n * sizeof(*ta.hash)) == 0;
	doppel__tokens_free(&ta);
	doppel__tokens_free(&tb);
	return same;
}

static void test_words_and_case(void **state)
{
	(void)state;
	doppel__tokens t = {0};
	assert_int_equal(tokens_of("The Port of Harlow, closed.", &t), 5);
	doppel__tokens_free(&t);
	assert_true(same_tokens("The Port CLOSED", "the port closed"));
	assert_false(same_tokens("the port closed", "the port opened"));
}

static void test_typography_folds(void **state)
{
	(void)state;
	/* Curly and straight apostrophes and quotes, dashes, spaces. */
	assert_true(same_tokens("Don\xe2\x80\x99t \xe2\x80\x9cstop\xe2\x80\x9d \xe2\x80\x94 now",
	                        "Don't \"stop\" -- now"));
	/* A no-break space separates words like a space. */
	assert_true(same_tokens("ten\xc2\xa0" "euros", "ten euros"));
	/* NFKC: the "fi" ligature and full-width letters. */
	assert_true(same_tokens("\xef\xac\x81nal", "final"));
	assert_true(same_tokens("\xef\xbc\xa1\xef\xbc\xa2" "C", "abc"));
	/* Case folding beyond ASCII. */
	assert_true(same_tokens("\xc3\x89LAN Z\xc3\x9cRICH", "\xc3\xa9lan z\xc3\xbcrich"));
	/* Accents are kept: different words. */
	assert_false(same_tokens("r\xc3\xa9sum\xc3\xa9", "resume"));
}

static void test_pattern_boilerplate(void **state)
{
	(void)state;
	const char *plain = "The council voted on Tuesday.\nThe budget passed.";
	assert_true(same_tokens(plain,
	                        "The council voted on Tuesday.\n"
	                        "Update: 2024-03-07 09:12 GMT\n"
	                        "The budget passed.\n"
	                        "Support independent journalism: donate today.\n"
	                        "Share this article"));
	/* Everything after a trailer heading is dropped. */
	assert_true(same_tokens(plain, "The council voted on Tuesday.\nThe budget passed.\n\n"
	                               "Similar News\nFlood hits valley\nMayor resigns"));
	/* A sentence that merely mentions an update is content. */
	assert_false(same_tokens(plain, "The council voted on Tuesday.\nThe budget passed.\n"
	                                "Officials said an update to the plan will follow "
	                                "once the committee has read all the comments."));
}

static void test_learned_lines(void **state)
{
	(void)state;
	const char *text = "Follow the Courier on social media today.\nMill reopened.";
	uint64_t src = doppel__source_key("courier", 0);
	assert_int_not_equal(src, 0);
	assert_int_equal(doppel__source_key(NULL, 0), 0);

	doppel__tokens t = {0};
	assert_int_equal(doppel__line_keys(text, strlen(text), src, 0, &t), DOPPEL_OK);
	assert_int_equal(t.nlines, 1); /* the 7-word line qualifies, 2 words do not */

	doppel__linecount *lc = calloc(1, sizeof(*lc));
	assert_non_null(lc);
	for (int i = 0; i < 7; i++)
		doppel__linecount_add(lc, t.lines[0]);
	assert_int_equal(doppel__linecount_get(lc, t.lines[0]), 7);

	doppel__tokens full = {0};
	assert_int_equal(doppel__normalize(text, strlen(text), src, lc, 8, 0, &full), DOPPEL_OK);
	size_t with_line = full.n;
	doppel__linecount_add(lc, t.lines[0]); /* now 8: boilerplate */
	assert_int_equal(doppel__normalize(text, strlen(text), src, lc, 8, 0, &full), DOPPEL_OK);
	assert_int_equal(full.n, 2);
	assert_true(with_line > full.n);
	/* Another source's line with the same words is not affected. */
	assert_int_equal(doppel__normalize(text, strlen(text), doppel__source_key("other", 0),
	                                   lc, 8, 0, &full),
	                 DOPPEL_OK);
	assert_int_equal(full.n, with_line);
	doppel__tokens_free(&full);
	doppel__tokens_free(&t);
	free(lc);
}

static void test_empty_and_fingerprint(void **state)
{
	(void)state;
	doppel__tokens t = {0};
	assert_int_equal(tokens_of("  \n\t  \n", &t), 0);
	assert_int_equal(t.fingerprint, 0);
	assert_int_equal(tokens_of("Share this article", &t), 0);
	assert_int_not_equal(tokens_of("one", &t), 0);
	assert_int_not_equal(t.fingerprint, 0);
	doppel__tokens_free(&t);
}

/* The ASCII answer of doppel__is_word_cp is the Unicode categories'. */
static void test_word_cp_ascii(void **state)
{
	(void)state;
	for (int32_t cp = 0; cp < 0x100; cp++)
		assert_int_equal(doppel__is_word_cp(cp), doppel__is_word_cp_unicode(cp));
	assert_false(doppel__is_word_cp(-1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words_and_case),
		cmocka_unit_test(test_typography_folds),
		cmocka_unit_test(test_pattern_boilerplate),
		cmocka_unit_test(test_learned_lines),
		cmocka_unit_test(test_empty_and_fingerprint),
		cmocka_unit_test(test_word_cp_ascii),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
