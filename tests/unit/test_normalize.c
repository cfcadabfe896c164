/*
 * test_normalize.c — tokens, case folding and boilerplate removal.
 */
#include "testutil.h"
#include "text/wordchar.h"

#include "internal.h"

/* Token hashes of text with no line counts. */
static size_t tokens_of(const char *text, doppel__tokens *t)
{
	assert_int_equal(doppel__normalize(text, strlen(text), 0, NULL, 0, t),
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
	/* An advertisement's slot is a short line of its own; a sentence
	 * about an advertisement is content. */
	assert_true(same_tokens(plain, "The council voted on Tuesday.\nAdvertisement\n"
	                               "The budget passed.\nAdvertisement - scroll to continue"));
	assert_false(same_tokens(plain, "The council voted on Tuesday.\nThe budget passed.\n"
	                                "In a newspaper advertisement, the company said the "
	                                "offer expires April 20."));
	/* Phrases news writes too are appeals only as a short line of their
	 * own, and only as whole words ("chip industry"). */
	assert_true(same_tokens(plain, "The council voted on Tuesday.\nThe budget passed.\n"
	                               "Like what you read? Chip in with a donation."));
	assert_false(same_tokens(plain, "The council voted on Tuesday.\nThe budget passed.\n"
	                                "The mayor was invited to become a member of the board "
	                                "of the regional transport authority next year, "
	                                "officials said."));
	assert_false(same_tokens(plain, "The council voted on Tuesday.\nThe budget passed.\n"
	                                "The chip industry grew."));
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
	uint64_t pick[1] = {t.lines[0]};
	doppel__repeated rep = {pick, doppel__repeated_pick(lc, 8, pick, 1)};
	assert_int_equal(rep.n, 0);
	assert_int_equal(doppel__normalize(text, strlen(text), src, &rep, 0, &full), DOPPEL_OK);
	size_t with_line = full.n;
	doppel__linecount_add(lc, t.lines[0]); /* now 8: boilerplate */
	rep.n = doppel__repeated_pick(lc, 8, pick, 1);
	assert_int_equal(rep.n, 1);
	assert_int_equal(doppel__normalize(text, strlen(text), src, &rep, 0, &full), DOPPEL_OK);
	assert_int_equal(full.n, 2);
	assert_true(with_line > full.n);
	/* Another source's line with the same words is not affected. */
	assert_int_equal(doppel__normalize(text, strlen(text), doppel__source_key("other", 0),
	                                   &rep, 0, &full),
	                 DOPPEL_OK);
	assert_int_equal(full.n, with_line);
	doppel__tokens_free(&full);
	doppel__tokens_free(&t);
	free(lc);
}

/* The content lines content_lines() passes on, in order. */
struct kept {
	const char *line[16];
	size_t n;
};

static int keep_line(void *ctx, const char *line, size_t n, const char *low, size_t lowlen,
                     bool ascii)
{
	(void)n;
	(void)low;
	(void)lowlen;
	(void)ascii;
	struct kept *k = ctx;
	assert_true(k->n < 16);
	k->line[k->n++] = line;
	return DOPPEL_OK;
}

static void append(char *buf, size_t cap, const char *s)
{
	size_t at = strlen(buf), n = strlen(s);
	assert_true(at + n < cap);
	memcpy(buf + at, s, n + 1);
}

/* Appends a line of prefix (of `has` words) made up to exactly `words`
 * words of the lowered form, spelt so that counting them takes every
 * rule: an apostrophe joins, a curly one too, a dash's bytes join like a
 * letter's, a hyphen breaks, a lone apostrophe is no word. */
static void append_line(char *text, size_t cap, const char *prefix, unsigned has,
                        unsigned words)
{
	append(text, cap, prefix);
	for (unsigned i = has; i < words; i++)
		append(text, cap, i % 3 ? " x'-" : " don't '");
	append(text, cap, "\n");
}

/* Segmentation asks for no lowered lines, normalization does: the lines
 * both keep, the kinds they drop and the keys they count are the same,
 * at the word counts where the rules stop. */
static void test_content_lines_lowered_or_not(void **state)
{
	(void)state;
	static char text[4096];
	/* please donate today its rock-n-roll: five words */
	const char *appeal = "Please donate today, it\xe2\x80\x99s rock\xe2\x80\x93n\xe2\x80\x93roll";
	const char *repeated = "The Courier brings you the news.\n";
	append(text, sizeof(text), "date 2024-03-05 GENEVA: Talks began.\n");
	append_line(text, sizeof(text), appeal, 5, 40);
	append_line(text, sizeof(text), appeal, 5, 41);
	append_line(text, sizeof(text), "Mill", 1, 30);
	append_line(text, sizeof(text), "Mill", 1, 31);
	append(text, sizeof(text), repeated);
	append(text, sizeof(text),
	       "Update: 2024-03-07 09:12 GMT\n"
	       "A paragraph of content that runs on, and on, longer than any rule "
	       "looks at, with words like don't and \xe2\x80\x9cquotes\xe2\x80\x9d and "
	       "numbers, 1,200 of them, in 12 lines, on a day in March, in a town "
	       "by a river, where the mill stood still for years until it opened.\n"
	       "Three short words\n"
	       "Similar News\n"
	       "Another article's headline\n");

	uint64_t src = doppel__source_key("courier", 0);
	doppel__tokens keys = {0};
	assert_int_equal(doppel__line_keys(repeated, strlen(repeated), src, 0, &keys), DOPPEL_OK);
	assert_int_equal(keys.nlines, 1);
	doppel__linecount *lc = calloc(1, sizeof(*lc));
	assert_non_null(lc);
	for (int i = 0; i < 8; i++)
		doppel__linecount_add(lc, keys.lines[0]);
	doppel__repeated rep = {keys.lines, doppel__repeated_pick(lc, 8, keys.lines, 1)};

	struct kept a = {0}, b = {0};
	doppel__tokens ta = {0}, tb = {0};
	unsigned seen_a, seen_b;
	assert_int_equal(doppel__content_lines(text, strlen(text), src, &rep, 0, &ta, &seen_a,
	                                       true, keep_line, &a),
	                 DOPPEL_OK);
	assert_int_equal(doppel__content_lines(text, strlen(text), src, &rep, 0, &tb, &seen_b,
	                                       false, keep_line, &b),
	                 DOPPEL_OK);
	assert_int_equal(seen_a, DOPPEL__BOILER_APPEAL | DOPPEL__BOILER_REPEATED |
	                             DOPPEL__BOILER_STAMP | DOPPEL__BOILER_TRAILER);
	assert_int_equal(seen_b, seen_a);
	/* the date line, the 41-word appeal, both mill lines, the paragraph,
	 * the three words */
	assert_int_equal(a.n, 6);
	assert_true(strncmp(a.line[1], "Please donate", 13) == 0);
	assert_int_equal(b.n, a.n);
	assert_memory_equal(b.line, a.line, a.n * sizeof(*a.line));
	/* keys of the date line, the 30-word mill line, the repeated line,
	 * the three words */
	assert_int_equal(ta.nlines, 4);
	assert_int_equal(tb.nlines, ta.nlines);
	assert_memory_equal(tb.lines, ta.lines, ta.nlines * sizeof(*ta.lines));
	/* Learning counts every line of 3 to 30 words, boilerplate or not:
	 * those four, the stamp and the headline after the trailer. */
	assert_int_equal(doppel__line_keys(text, strlen(text), src, 0, &keys), DOPPEL_OK);
	assert_int_equal(keys.nlines, 6);
	assert_int_equal(keys.lines[1], ta.lines[1]);
	doppel__tokens_free(&ta);
	doppel__tokens_free(&tb);
	doppel__tokens_free(&keys);
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

/* Pieces random lines are made of: ASCII, the Latin-1 letters, spaces
 * and typographic marks the tokenizer folds by itself, and characters it
 * leaves to utf8proc (a combining accent, the signs x and /, the micro
 * sign, ordinal a, the euro, a soft hyphen, the "fi" ligature). */
static const char *const line_pieces[] = {
	"a", "Z", "q", "7", "0", " ", " ", " ", ",", ".", "'", "-", "\"", "(", "4,2",
	"\xc3\x80", "\xc3\x96", "\xc3\x9e", "\xc3\x9f", "\xc3\xa9", "\xc3\xbf", "\xc3\xb6",
	"\xc2\xa0", "\xe2\x80\x93", "\xe2\x80\x94", "\xe2\x80\x98", "\xe2\x80\x99",
	"\xe2\x80\x99", "\xe2\x80\x9c", "\xe2\x80\x9d", "\xe2\x80\xa6",
	"e\xcc\x81", "\xc3\x97", "\xc3\xb7", "\xc2\xb5", "\xc2\xaa", "\xe2\x82\xac",
	"\xc2\xad", "\xef\xac\x81",
};

/* However a line is tokenized (lowered and hashed in one pass when ASCII,
 * Latin-1 folded by hand, or utf8proc), its tokens and figures are those
 * utf8proc's folding gives: random lines of the pieces above. */
static void test_fast_paths_fold_as_utf8proc(void **state)
{
	(void)state;
	const size_t npieces = sizeof(line_pieces) / sizeof(*line_pieces);
	const size_t ascii = 15, by_hand = npieces - 8; /* the last 8 go to utf8proc */
	uint64_t r = 0x1234567;
	doppel__tokens a = {0}, b = {0};
	char line[512];
	for (int round = 0; round < 4000; round++) {
		size_t n = 0;
		/* a third ASCII, a third folded by hand, a third with others */
		size_t from = round % 3 == 0 ? ascii : round % 3 == 1 ? by_hand : npieces;
		unsigned len = 1 + (unsigned)(round % 60);
		for (unsigned k = 0; k < len; k++) {
			r = r * 6364136223846793005u + 1442695040888963407u;
			size_t pick = (size_t)(r >> 33) % from;
			size_t m = strlen(line_pieces[pick]);
			memcpy(line + n, line_pieces[pick], m);
			n += m;
		}
		line[n] = '\0';
		assert_int_equal(doppel__normalize(line, n, 0, NULL, 9, &a), DOPPEL_OK);
		b.n = b.nfig = 0;
		assert_int_equal(doppel__tokens_unicode(line, n, 9, &b), DOPPEL_OK);
		assert_int_equal(a.n, b.n);
		assert_memory_equal(a.hash, b.hash, a.n * sizeof(*a.hash));
		assert_int_equal(a.nfig, b.nfig);
		if (a.nfig)
			assert_memory_equal(a.fig, b.fig, a.nfig * sizeof(*a.fig));
	}
	doppel__tokens_free(&a);
	doppel__tokens_free(&b);
}

/* The keys of candidate boilerplate lines (made of each line's lowered
 * form) are the same whether the line was lowered a byte at a time
 * (doppel__line_keys_bytewise), sixteen bytes at a time where it can
 * (doppel__line_keys), or lowered and tokenized at once
 * (doppel__normalize): random texts of short and long lines, words split
 * across those blocks. */
static void test_lowered_alike(void **state)
{
	(void)state;
	const size_t npieces = sizeof(line_pieces) / sizeof(*line_pieces);
	const char *const words[] = {"Harlow", "port", "CLOSED", "it's", "4,200", "Mid-term",
	                             "the", "a", "Xylophones", "q7", "\xc3\x96l", "don\xe2\x80\x99t"};
	uint64_t r = 0xfeed;
	doppel__tokens a = {0}, b = {0};
	char text[4096];
	for (int round = 0; round < 500; round++) {
		size_t n = 0;
		unsigned lines = 1 + (unsigned)(round % 7);
		for (unsigned l = 0; l < lines; l++) {
			r = r * 6364136223846793005u + 1442695040888963407u;
			unsigned nw = 1 + (unsigned)((r >> 33) % 36);
			for (unsigned k = 0; k < nw; k++) {
				r = r * 6364136223846793005u + 1442695040888963407u;
				const char *w = words[(r >> 33) % (sizeof(words) / sizeof(*words))];
				const char *sep = line_pieces[(r >> 45) % (npieces - 8)];
				size_t wl = strlen(w), sl = strlen(sep);
				memcpy(text + n, w, wl);
				n += wl;
				/* mostly a space between words, sometimes a mark */
				if ((r >> 60) < 4) {
					memcpy(text + n, sep, sl);
					n += sl;
				} else {
					text[n++] = ' ';
				}
			}
			text[n++] = '\n';
		}
		text[n] = '\0';
		assert_int_equal(doppel__normalize(text, n, 77, NULL, 5, &a), DOPPEL_OK);
		assert_int_equal(doppel__line_keys_bytewise(text, n, 77, 5, &b), DOPPEL_OK);
		assert_int_equal(a.nlines, b.nlines);
		if (a.nlines)
			assert_memory_equal(a.lines, b.lines, a.nlines * sizeof(*a.lines));
		assert_int_equal(doppel__line_keys(text, n, 77, 5, &a), DOPPEL_OK);
		assert_int_equal(a.nlines, b.nlines);
		if (a.nlines)
			assert_memory_equal(a.lines, b.lines, a.nlines * sizeof(*a.lines));
	}
	doppel__tokens_free(&a);
	doppel__tokens_free(&b);
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
		cmocka_unit_test(test_content_lines_lowered_or_not),
		cmocka_unit_test(test_fast_paths_fold_as_utf8proc),
		cmocka_unit_test(test_lowered_alike),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
