/*
 * test_segment.c — sentences, content words and anchors.
 */
#include "testutil.h"

#include "internal.h"
#include "text/wordchar.h"

static doppel__features seg(doppel__segmenter *sg, const char *text)
{
	doppel__features f = {0};
	assert_int_equal(doppel__segment(sg, text, strlen(text), 0, NULL, &f), DOPPEL_OK);
	return f;
}

static size_t count_kind(const doppel__features *f, unsigned kind)
{
	size_t n = 0;
	for (size_t i = 0; i < f->nanchor; i++)
		n += DOPPEL__ANCHOR_KIND(f->anchor[i]) == kind;
	return n;
}

static void test_sentences(void **state)
{
	(void)state;
	doppel__segmenter *sg = doppel__segmenter_new(NULL, 0);
	assert_non_null(sg);
	const char *text =
		"Mr. Alvarez met Dr. Chen in Geneva on Tuesday. Prices rose 3.5 percent!\n"
		"\"We will not yield,\" said the minister. The U.S. envoy left early.\n"
		"Share this article";
	doppel__features f = seg(sg, text);
	/* The abbreviations and the decimal do not end sentences; the
	 * quoted sentence ends at the full stop after "minister"; the share
	 * prompt is boilerplate. */
	assert_int_equal(f.nsent, 4);
	assert_int_equal(f.boilerplate, DOPPEL__BOILER_APPEAL);
	const char *s0 = text + f.sent[0].start;
	assert_memory_equal(s0, "Mr. Alvarez met Dr. Chen in Geneva on Tuesday.", f.sent[0].len);
	const char *s1 = text + f.sent[1].start;
	assert_memory_equal(s1, "Prices rose 3.5 percent!", f.sent[1].len);
	const char *s2 = text + f.sent[2].start;
	assert_memory_equal(s2, "\"We will not yield,\" said the minister.", f.sent[2].len);
	doppel__features_free(&f);
	/* A full stop before a lowercase word closed an abbreviation that no
	 * list knows; the sentence goes on. */
	const char *abbrev = "The plant at Kenosha, Wisc. assembly lines stopped. Talks resume.";
	f = seg(sg, abbrev);
	assert_int_equal(f.nsent, 2);
	assert_int_equal(f.sent[0].len, strlen("The plant at Kenosha, Wisc. assembly lines stopped."));
	doppel__features_free(&f);
	doppel__segmenter_free(sg);
}

/* Sentence k of f (of text) starts with `from` and ends with `to`. */
static void assert_sentence(const doppel__features *f, const char *text, size_t k,
                            const char *from, const char *to)
{
	assert_true(k < f->nsent);
	const char *s = text + f->sent[k].start;
	size_t nf = strlen(from), nt = strlen(to);
	assert_true(f->sent[k].len >= nf + nt);
	assert_memory_equal(s, from, nf);
	assert_memory_equal(s + f->sent[k].len - nt, to, nt);
}

/* Whether f holds the name anchor of folded word w. */
static bool has_name(const doppel__features *f, const char *w)
{
	uint64_t h = doppel__hash(w, strlen(w), 0);
	uint64_t a = ((uint64_t)DOPPEL__ANCHOR_NAME << 61) | (h & ((UINT64_C(1) << 61) - 1));
	for (size_t i = 0; i < f->nanchor; i++)
		if (f->anchor[i] == a)
			return true;
	return false;
}

static void test_wrapped_lines(void **state)
{
	(void)state;
	doppel__segmenter *sg = doppel__segmenter_new(NULL, 0);
	/* Wrapped at 62 characters: a sentence over four lines, with a date
	 * and a name broken over lines, a heading above and a table of
	 * short rows below. */
	const char *text = "GRID OUTAGE REPORT\n"
	                   "Officials of the Northern Grid Authority said the outage that\n"
	                   "began in the port city of Vantaa early on the morning of March\n"
	                   "5 left 1,200 homes without power for two days, and that chief\n"
	                   "Kallio of the authority would report to parliament on it soon.\n"
	                   "Prices of power rose 3.5 percent in the month that followed.\n"
	                   "Homes out 1,200\n"
	                   "Days out 2\n";
	doppel__features f = seg(sg, text);
	assert_int_equal(f.nsent, 5);
	assert_sentence(&f, text, 0, "GRID", "REPORT");
	assert_sentence(&f, text, 1, "Officials of", "parliament on it soon.");
	assert_sentence(&f, text, 2, "Prices", "followed.");
	assert_sentence(&f, text, 3, "Homes", "1,200");
	assert_sentence(&f, text, 4, "Days", "out 2");
	/* March 5 is a date though the line breaks between them; Kallio goes
	 * on a sentence and is a name (without WordNet only capitals in
	 * mid-sentence are). */
	assert_int_equal(count_kind(&f, DOPPEL__ANCHOR_DATE), 1);
	assert_true(has_name(&f, "kallio"));
	doppel__features_free(&f);

	/* A table as wide as the prose, its rows as full: the rows set their
	 * words in columns and stay rows; spaces after a full stop are
	 * prose's. */
	const char *table = "Officials of the Northern Grid Authority said the outage that\n"
	                    "began in the port city of Vantaa early on the morning of March\n"
	                    "5 left 1,200 homes without power for two days.   Repairs cost a\n"
	                    "further 3.5 mln crowns, the authority said in its report today.\n"
	                    "District          Homes out     Days out     Cost (mln crowns)\n"
	                    "Vantaa harbour        1,200            2                   2.1\n"
	                    "Vantaa north            800            1                   1.4\n";
	f = seg(sg, table);
	assert_int_equal(f.nsent, 5);
	assert_sentence(&f, table, 1, "Repairs", "today.");
	assert_sentence(&f, table, 3, "Vantaa harbour", "2.1");
	doppel__features_free(&f);

	/* Lines that are paragraphs, however they end, end a sentence: the
	 * first goes past 100 characters, the text is not wrapped. */
	const char *flat =
		"Officials of the Northern Grid Authority said the outage that began in the port "
		"city of Vantaa early on the morning of March 5 left many homes without power\n"
		"Kallio of the authority would report to parliament on it soon.\n";
	f = seg(sg, flat);
	assert_int_equal(f.nsent, 2);
	assert_false(has_name(&f, "kallio"));
	doppel__features_free(&f);

	/* An indented line starts a paragraph. */
	const char *indented = "Officials of the Northern Grid Authority said the outage that\n"
	                       "began in the port city of Vantaa early on the morning of March\n"
	                       "    Kallio of the authority would report to parliament on it\n"
	                       "soon, and the minister would answer questions in the chamber.\n";
	f = seg(sg, indented);
	assert_int_equal(f.nsent, 2);
	assert_false(has_name(&f, "kallio"));
	doppel__features_free(&f);
	doppel__segmenter_free(sg);
}

/* A line goes on into the next, wrapped or not, when the next starts with
 * a lowercase word (after a quote, too) or the line ends with a word no
 * sentence ends with; and when the text marks its paragraphs by indenting
 * them, an unindented line goes on whatever it starts with. */
static void test_lines_go_on(void **state)
{
	(void)state;
	doppel__segmenter *sg = doppel__segmenter_new(NULL, 0);
	/* Too short to tell its wrapping: a lowercase line goes on, a line
	 * ending with "the" too. */
	const char *shortish = "The Bank of England said it had revised its\n"
	                       "forecast of the shortage in the market to the\n"
	                       "Vantaa figure of 700 mln stg.\n"
	                       "Kallio said so.\n";
	doppel__features f = seg(sg, shortish);
	assert_int_equal(f.nsent, 2);
	assert_sentence(&f, shortish, 0, "The Bank", "700 mln stg.");
	assert_true(has_name(&f, "vantaa"));
	doppel__features_free(&f);
	/* A quoted lowercase word goes on; a line starting with a capital
	 * after one that ends otherwise does not. */
	const char *quoted = "Traders engage in what is called\n"
	                     "\"front-running\" on the floor\n"
	                     "Officials of the exchange said so.\n";
	f = seg(sg, quoted);
	assert_int_equal(f.nsent, 2);
	assert_sentence(&f, quoted, 0, "Traders", "on the floor");
	doppel__features_free(&f);
	/* Paragraphs marked by indenting: the first line, cut short, goes on
	 * into the capital of the next. */
	const char *indented = "Directors of the Chicago Mercantile\n"
	                       "Exchange will meet Wednesday to consider a petition.\n"
	                       "    The petition calls for an end to dual trading, a\n"
	                       "practice of the pit.\n"
	                       "    Officials said so.\n";
	f = seg(sg, indented);
	assert_int_equal(f.nsent, 3);
	assert_sentence(&f, indented, 0, "Directors", "a petition.");
	assert_true(has_name(&f, "exchange"));
	doppel__features_free(&f);
	/* ... not when blank lines part its paragraphs. */
	const char *blank = "Directors of the Chicago Mercantile\n"
	                    "Exchange will meet Wednesday to consider a petition.\n"
	                    "    The petition calls for an end to dual trading.\n"
	                    "    Costs rose.\n"
	                    "\n"
	                    "    Officials said so.\n";
	f = seg(sg, blank);
	assert_int_equal(f.nsent, 5);
	assert_false(has_name(&f, "exchange"));
	doppel__features_free(&f);
	/* A bullet's lowercase word starts its own line; a curly quote's
	 * goes on. */
	const char *bullets = "What the plan holds\n"
	                      "- cuts in spending\n"
	                      "\xe2\x80\xa2 taxes raised\n"
	                      "A measure called\n"
	                      "\xe2\x80\x9c" "fair shares\xe2\x80\x9d passed.\n";
	f = seg(sg, bullets);
	assert_int_equal(f.nsent, 4);
	assert_sentence(&f, bullets, 3, "A measure", "passed.");
	doppel__features_free(&f);
	doppel__segmenter_free(sg);
}

/* Counts the words segmentation marks as quoted (doppel__word_fn; ctx
 * is a size_t). */
static int count_quoted(void *ctx, const doppel__word *w)
{
	*(size_t *)ctx += (w->flags & DOPPEL__W_QUOTED) != 0;
	return DOPPEL_OK;
}

/* A quote that closes after the full stop of its sentence closes there;
 * one written over a wrapped line's end is one quote. */
static void test_quote_ends(void **state)
{
	(void)state;
	doppel__segmenter *sg = doppel__segmenter_new(NULL, 0);
	doppel__features f = seg(sg, "Stepp said talks should resume \"at the earliest possible "
	                             "time.\" Stepp heads the union's department for the plant.");
	/* "earliest possible time": three content words, one anchor; the
	 * next sentence's words are no part of it */
	assert_int_equal(count_kind(&f, DOPPEL__ANCHOR_QUOTE), 1);
	doppel__features_free(&f);
	const char *wrapped = "Union leaders of the northern plant said they would \"strongly\n"
	                      "recommend new meetings\" with the company's managers before the\n"
	                      "contract runs out at the end of the month, the union said today.\n";
	size_t quoted = 0;
	memset(&f, 0, sizeof(f));
	assert_int_equal(doppel__segment_with(sg, wrapped, strlen(wrapped), 0, NULL, &f,
	                                      count_quoted, &quoted),
	                 DOPPEL_OK);
	/* the four words of the quote, over the line's end (as lines,
	 * "strongly" alone opens a quote the second line does not close,
	 * and "with the company's managers before the" is taken as quoted) */
	assert_int_equal(quoted, 4);
	assert_int_equal(count_kind(&f, DOPPEL__ANCHOR_QUOTE), 1);
	assert_int_equal(f.nsent, 1);
	doppel__features_free(&f);
	doppel__segmenter_free(sg);
}

static void test_anchors(void **state)
{
	(void)state;
	doppel__segmenter *sg = doppel__segmenter_new(NULL, 0);
	doppel__features f = seg(sg, "Officials in Vantaa said on March 5 that 1,200 homes "
	                             "lost power. \xe2\x80\x9cThe grid held up far better than "
	                             "feared,\xe2\x80\x9d said Aino Virtanen.");
	/* Names: Vantaa, Aino, Virtanen (not "Officials": sentence start,
	 * and without WordNet only mid-sentence capitals count). */
	assert_int_equal(count_kind(&f, DOPPEL__ANCHOR_NAME), 3);
	/* Numbers: 1200 (the day is a date, and one digit is no anchor). */
	assert_int_equal(count_kind(&f, DOPPEL__ANCHOR_NUMBER), 1);
	assert_int_equal(count_kind(&f, DOPPEL__ANCHOR_DATE), 1);
	/* The quote has 5 content words: grid held far better feared -> 2 runs. */
	assert_int_equal(count_kind(&f, DOPPEL__ANCHOR_QUOTE), 2);
	/* Anchors are sorted and unique. */
	for (size_t i = 1; i < f.nanchor; i++)
		assert_true(f.anchor[i - 1] < f.anchor[i]);

	/* The same facts written differently share the anchors. */
	doppel__features g = seg(sg, "In Vantaa, 1200 homes were without power from "
	                             "March 5, and Aino Virtanen said: \"The grid held up far "
	                             "better than feared.\"");
	size_t shared = 0;
	for (size_t i = 0, j = 0; i < f.nanchor && j < g.nanchor;) {
		if (f.anchor[i] == g.anchor[j]) {
			shared++;
			i++;
			j++;
		} else if (f.anchor[i] < g.anchor[j]) {
			i++;
		} else {
			j++;
		}
	}
	assert_int_equal(shared, f.nanchor);
	doppel__features_free(&f);
	doppel__features_free(&g);

	/* A fraction is one number, its whole part with it: two rates a
	 * sixteenth apart share no number anchor; an ISO date stays three
	 * words (one number anchor, the year; the rest one or two digits
	 * each: 02 and 11 are numbers too). */
	f = seg(sg, "Federal funds were trading at 6-1/16 pct, up 1/8.");
	g = seg(sg, "Federal funds were trading at 6-3/16 pct, up 1/8.");
	assert_int_equal(count_kind(&f, DOPPEL__ANCHOR_NUMBER), 2);
	assert_int_equal(f.ntok, g.ntok);
	size_t same = 0;
	for (size_t i = 0; i < f.nanchor; i++)
		for (size_t j = 0; j < g.nanchor; j++)
			same += f.anchor[i] == g.anchor[j] &&
			        DOPPEL__ANCHOR_KIND(f.anchor[i]) == DOPPEL__ANCHOR_NUMBER;
	assert_int_equal(same, 1); /* 1/8 */
	doppel__features_free(&f);
	doppel__features_free(&g);
	f = seg(sg, "The survey was cited on 2025-02-11 by the board.");
	assert_int_equal(count_kind(&f, DOPPEL__ANCHOR_NUMBER), 3);
	doppel__features_free(&f);
	doppel__segmenter_free(sg);
}

static void test_stems_and_stopwords(void **state)
{
	(void)state;
	doppel__segmenter *sg = doppel__segmenter_new(NULL, 0);
	doppel__features a = seg(sg, "The councils were voting on the budgets.");
	doppel__features b = seg(sg, "A council votes on a budget");
	assert_int_equal(a.ntok, 3); /* councils voting budgets */
	assert_int_equal(b.ntok, 3);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(a.tok[i].stem, b.tok[i].stem);
	assert_true(doppel__stopword("the", 3));
	assert_false(doppel__stopword("council", 7));
	/* Each distinct folded word is cached once, stop words too. */
	size_t words = doppel__segmenter_words(sg);
	assert_int_equal(words, 10);
	doppel__features c = seg(sg, "THE COUNCIL votes, the council VOTES.");
	assert_int_equal(doppel__segmenter_words(sg), words);
	doppel__features_free(&c);
	doppel__features_free(&a);
	doppel__features_free(&b);
	doppel__segmenter_free(sg);
}

static bool same_features(const doppel__features *a, const doppel__features *b)
{
	return a->nsent == b->nsent && a->ntok == b->ntok && a->nanchor == b->nanchor &&
	       memcmp(a->tok, b->tok, a->ntok * sizeof(*a->tok)) == 0 &&
	       memcmp(a->anchor, b->anchor, a->nanchor * sizeof(*a->anchor)) == 0;
}

/* A day right before a year is still a date; a word folded through
 * utf8proc (full-width letters) gives what its ASCII spelling gives. */
static void test_dates_and_folds(void **state)
{
	(void)state;
	doppel__segmenter *sg = doppel__segmenter_new(NULL, 0);
	doppel__features a = seg(sg, "Talks began on March 5 2024 in Valdoria's capital, "
	                             "said Mr. Chen.");
	assert_int_equal(count_kind(&a, DOPPEL__ANCHOR_DATE), 1);
	assert_int_equal(count_kind(&a, DOPPEL__ANCHOR_NUMBER), 1);
	doppel__features b = seg(sg, "Talks began on \xef\xbc\xad\xef\xbd\x81rch 5 2024 in "
	                             "Valdoria's capital, said Mr. Chen.");
	assert_true(same_features(&a, &b));
	doppel__features_free(&a);
	doppel__features_free(&b);
	doppel__segmenter_free(sg);
}

/* Many anchors, some repeated, come out sorted and unique. */
static void test_many_anchors(void **state)
{
	(void)state;
	doppel__segmenter *sg = doppel__segmenter_new(NULL, 0);
	char text[2048] = "";
	size_t at = 0;
	for (int i = 0; i < 150; i++)
		at += (size_t)snprintf(text + at, sizeof(text) - at, "%d ", 10 + (i * 37) % 61);
	doppel__features f = seg(sg, text);
	assert_int_equal(count_kind(&f, DOPPEL__ANCHOR_NUMBER), 61);
	for (size_t i = 1; i < f.nanchor; i++)
		assert_true(f.anchor[i - 1] < f.anchor[i]);
	doppel__features_free(&f);
	doppel__segmenter_free(sg);
}

/* The sixteen-byte runs of ASCII word bytes and counts of characters
 * give what a byte at a time gives, on random bytes of every kind (ASCII
 * letters, digits and marks, UTF-8 lead and continuation bytes), from
 * every start and with bounds below, at and above the count. */
static void test_runs_alike(void **state)
{
	(void)state;
	static const char pool[] = "abcxyzABCXYZ0189 .,'-\n\t\x80\xbf\xc3\xa9\xe2\xff@[`{/:";
	char s[96];
	unsigned seed = 7;
	for (int round = 0; round < 3000; round++) {
		size_t n = (size_t)(round % 97);
		/* long runs of letters and digits too, not only mixtures */
		bool words = round % 3 == 0;
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			unsigned r = (seed >> 16) % (words ? 16 : sizeof(pool) - 1);
			s[i] = pool[r];
		}
		for (size_t i = 0; i <= n; i++) {
			bool digit = false, want_digit = false;
			size_t end = doppel__ascii_word_run(s, n, i, &digit), j = i;
			for (; j < n && doppel__ascii_lower[(unsigned char)s[j]]; j++)
				want_digit |= s[j] >= '0' && s[j] <= '9';
			assert_int_equal(end, j);
			assert_int_equal(digit, want_digit);
		}
		size_t chars = 0;
		for (size_t i = 0; i < n; i++)
			chars += ((unsigned char)s[i] & 0xC0) != 0x80;
		for (size_t max = 0; max <= n + 1; max++)
			assert_int_equal(doppel__chars_upto(s, n, max), chars <= max ? chars : max + 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sentences),
		cmocka_unit_test(test_runs_alike),
		cmocka_unit_test(test_wrapped_lines),
		cmocka_unit_test(test_lines_go_on),
		cmocka_unit_test(test_quote_ends),
		cmocka_unit_test(test_anchors),
		cmocka_unit_test(test_stems_and_stopwords),
		cmocka_unit_test(test_dates_and_folds),
		cmocka_unit_test(test_many_anchors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
