/*
 * test_templated.c — reports written from one template (money-market
 * operations of two days, two companies' dividends) share their words but
 * not their facts: they are not copies, nor one event; nor are two
 * issuers' offerings of one day whose headlines each name their issuer.
 * A reprint and a cut
 * copy keep the facts and stay copies; a report re-sent with its toll
 * updated is the same event. The index keeps each article's facts, so a
 * reopened index judges the same. A search for copies alone judges by the
 * figures of the tokens.
 */
#include "testutil.h"

/* Reads tests/data/templated into a batch. */
static doppel_batch *read_fixture(void)
{
	return test_read_data("templated", 23);
}

/* Scans the fixture looking for relations `find`. */
static doppel_scan *scan_fixture(unsigned find)
{
	doppel_batch *b = read_fixture();
	doppel_scan *s = test_scan_batch(b, find);
	doppel_batch_free(b);
	return s;
}

/* What every search holds: the same template with other figures is no
 * copy; copies keep their source's figures. */
static void assert_figures(doppel_scan *s)
{
	doppel_relation r;
	assert_int_equal(test_scan_relation(s, "mm-0311", "mm-0312"), DOPPEL_REL_NONE);
	assert_int_equal(test_scan_relation(s, "mm-0311-cut", "mm-0312"), DOPPEL_REL_NONE);
	assert_int_equal(test_scan_relation(s, "mm-0311-reprint", "mm-0312"), DOPPEL_REL_NONE);
	assert_int_equal(test_scan_relation(s, "div-harwick", "div-oakmere"), DOPPEL_REL_NONE);
	/* Word for word the same under headlines of dictionary words: only
	 * their tickers tell the companies apart. The same ticker, written
	 * with its exchange, is the same company's notice. */
	assert_int_equal(test_scan_relation(s, "div-orchard", "div-harbour"), DOPPEL_REL_NONE);
	assert_int_equal(test_scan_relation(s, "div-orchard-reprint", "div-harbour"),
	                 DOPPEL_REL_NONE);
	r = test_scan_relation(s, "div-orchard", "div-orchard-reprint");
	assert_true(r == DOPPEL_REL_DUPLICATE || r == DOPPEL_REL_COPY);
	r = test_scan_relation(s, "mm-0311", "mm-0311-reprint");
	assert_true(r == DOPPEL_REL_DUPLICATE || r == DOPPEL_REL_COPY);
	assert_int_equal(test_scan_relation(s, "mm-0311", "mm-0311-cut"), DOPPEL_REL_COPY);
}

static void test_scan_templated(void **state)
{
	(void)state;
	doppel_scan *s = scan_fixture(DOPPEL_FIND_ALL);
	assert_figures(s);
	/* The same words and figures; the headlines name two companies the
	 * other article never names. */
	assert_int_equal(test_scan_relation(s, "div-brackley", "div-quenby"), DOPPEL_REL_NONE);
	/* Two companies' debentures, one template: passages whose names
	 * differ are no excerpt. A paragraph taken whole into a report of
	 * another subject is one. */
	assert_int_equal(test_scan_relation(s, "deb-harnley", "deb-quillon"), DOPPEL_REL_NONE);
	/* Three issuers' offerings of one day, each written its own way:
	 * one beat, not one event nor one story, when each headline names
	 * an issuer the other report never names. */
	assert_int_equal(test_scan_relation(s, "deb-harnley", "notes-pellow"), DOPPEL_REL_NONE);
	assert_int_equal(test_scan_relation(s, "notes-talvern", "notes-pellow"),
	                 DOPPEL_REL_NONE);
	assert_int_equal(test_scan_relation(s, "deb-harnley", "notes-talvern"),
	                 DOPPEL_REL_NONE);
	assert_int_equal(test_scan_relation(s, "strike-varness", "orders-kelland"),
	                 DOPPEL_REL_EXCERPT);
	/* Word for word the same under headlines whose only names are two
	 * countries (dictionary words, but places), neither named in the
	 * other notice: two notices of one template, not a copy. */
	assert_int_equal(test_scan_relation(s, "credit-morocco", "credit-jordan"),
	                 DOPPEL_REL_NONE);
	/* Two days' balances quote each other's figures, in other places:
	 * no excerpt. */
	assert_int_equal(test_scan_relation(s, "tsy-0305", "tsy-0306"), DOPPEL_REL_NONE);
	/* The same report with its toll updated tells the same event. */
	assert_int_equal(test_scan_relation(s, "quake-first", "quake-update"),
	                 DOPPEL_REL_SAME_EVENT);
	doppel_scan_free(s);
}

/* Looking for copies alone, nothing is segmented: the figures come from
 * the tokens the sketch reads ("12 cts", "April 15", "two billion"). Two
 * notices of the same words and figures under two headlines are left to
 * the search for every relation, which reads the headlines' names. */
static void test_scan_copies_only(void **state)
{
	(void)state;
	doppel_scan *s = scan_fixture(DOPPEL_FIND_DUPLICATE | DOPPEL_FIND_COPY);
	assert_figures(s);
	/* The headlines name two companies no dictionary knows and the
	 * notices never name. */
	assert_int_equal(test_scan_relation(s, "div-brackley", "div-quenby"), DOPPEL_REL_NONE);
	doppel_scan_free(s);
}

/* The article of the fixture with id `id`. */
static const doppel_article *fixture_article(const doppel_batch *all, const char *id)
{
	for (size_t i = 0; i < doppel_batch_count(all); i++)
		if (!strcmp(doppel_batch_article(all, i)->id, id))
			return doppel_batch_article(all, i);
	fail_msg("no article %s", id);
	return NULL;
}

/* doppel_explain() states what a scan of the two states: templated
 * reports are no copies there either. */
static void test_explain_agrees(void **state)
{
	(void)state;
	static const struct {
		const char *a, *b;
		doppel_relation rel;
	} pairs[] = {
		{"div-brackley", "div-quenby", DOPPEL_REL_NONE},
		{"div-orchard", "div-harbour", DOPPEL_REL_NONE},
		{"tsy-0305", "tsy-0306", DOPPEL_REL_NONE},
		{"deb-harnley", "deb-quillon", DOPPEL_REL_NONE},
		{"mm-0311", "mm-0311-cut", DOPPEL_REL_COPY},
		{"strike-varness", "orders-kelland", DOPPEL_REL_EXCERPT},
	};
	doppel_batch *all = read_fixture();
	doppel_params p;
	doppel_params_init(&p);
	for (size_t k = 0; k < sizeof(pairs) / sizeof(*pairs); k++) {
		const doppel_article *a = fixture_article(all, pairs[k].a);
		const doppel_article *b = fixture_article(all, pairs[k].b);
		doppel_batch *two = doppel_batch_new();
		assert_int_equal(doppel_batch_push(two, a), DOPPEL_OK);
		assert_int_equal(doppel_batch_push(two, b), DOPPEL_OK);
		doppel_scan *s = test_scan_batch(two, DOPPEL_FIND_ALL);
		doppel_explanation *e = NULL;
		char err[256];
		assert_int_equal(doppel_explain(&p, a, b, &e, err, sizeof(err)), DOPPEL_OK);
		assert_int_equal(e->pair.relation, test_scan_relation(s, pairs[k].a, pairs[k].b));
		assert_int_equal(e->pair.relation, pairs[k].rel);
		/* the source is the earlier, as the scan says */
		if (pairs[k].rel != DOPPEL_REL_NONE)
			assert_int_equal(e->a_source, 1);
		doppel_explanation_free(e);
		doppel_scan_free(s);
		doppel_batch_free(two);
	}
	doppel_batch_free(all);
}

/* A copy whose headline was written again in other words is still a
 * copy, looking for copies alone: its headline's words are words a
 * dictionary knows, or the text names them. */
static void test_copy_new_headline(void **state)
{
	(void)state;
	doppel_batch *all = read_fixture();
	doppel_batch *b = doppel_batch_new();
	const doppel_article *orig = NULL;
	for (size_t i = 0; i < doppel_batch_count(all); i++)
		if (!strcmp(doppel_batch_article(all, i)->id, "mm-0311"))
			orig = doppel_batch_article(all, i);
	assert_non_null(orig);
	doppel_article copy = *orig;
	copy.id = "mm-0311-retitled";
	copy.title = "Norland money market gets help from the central bank";
	assert_int_equal(doppel_batch_push(b, orig), DOPPEL_OK);
	assert_int_equal(doppel_batch_push(b, &copy), DOPPEL_OK);
	doppel_scan *s = test_scan_batch(b, DOPPEL_FIND_DUPLICATE | DOPPEL_FIND_COPY);
	assert_int_equal(test_scan_relation(s, "mm-0311", "mm-0311-retitled"),
	                 DOPPEL_REL_DUPLICATE);
	doppel_scan_free(s);
	doppel_batch_free(b);
	doppel_batch_free(all);
}


/* Syllables of made-up company names. */
static const char *const syl[] = {"mar", "tel", "vok", "sin", "dra", "pol", "quen", "bru"};

/* The i-th made-up name (i < 64) of three syllables into out, in capitals
 * when caps. */
static void made_up_name(int i, bool caps, char *out, size_t n)
{
	snprintf(out, n, "%s%s%s", syl[i % 8], syl[i / 8], syl[(i + 3) % 8]);
	for (char *c = out; caps && *c; c++)
		*c = (char)(*c - 'a' + 'A');
}

/* A filing of issuer `name` into b, its headline naming the issuer and
 * the sum in a wire's capitals ("MLN DLR"); `use` says what the proceeds
 * are for. */
static void push_filing(doppel_batch *b, const char *id, const char *name, const char *title,
                        const char *use)
{
	char text[640];
	snprintf(text, sizeof(text),
	         "The issuer, %s Inc, filed with the Securities and Exchange Commission for a shelf "
	         "offering of up to 500 mln dlrs of debt securities on terms to be set at "
	         "the time of sale.\nThe company said proceeds would be used for %s.\n"
	         "Underwriters were not named in the draft prospectus.\n",
	         name, use);
	doppel_article a = {.id = id, .title = title, .text = text, .text_len = strlen(text)};
	assert_int_equal(doppel_parse_date("1987-03-06", 10, &a.date), DOPPEL_OK);
	assert_int_equal(doppel_batch_push(b, &a), DOPPEL_OK);
}

/* Two issuers' filings, one template, under headlines that both give
 * "500 MLN DLR": as names those words are rare (texts write them in
 * lowercase), as words common; they are no subject the two share, and
 * the issuers' names tell the filings apart. */
static void test_headline_abbreviations(void **state)
{
	(void)state;
	doppel_batch *b = doppel_batch_new();
	/* Enough earlier reports that write "mln dlrs" for the words to be
	 * common (DOPPEL__SPECIFIC_DF), and name the regulator as often. */
	for (int i = 0; i < 64; i++) {
		char id[32], name[32], title[64], text[320];
		snprintf(id, sizeof(id), "report-%02d", i);
		made_up_name(i, false, name, sizeof(name));
		snprintf(title, sizeof(title), "%s RESULTS", name);
		snprintf(text, sizeof(text),
		         "The %s%s %s group told the Securities and Exchange Commission that "
		         "sales reached %d mln dlrs in the %s quarter against %d mln dlrs a year "
		         "before.\n",
		         syl[i / 8], syl[i % 8], i % 2 ? "shipping" : "milling", 100 + 7 * i,
		         i % 3 ? "second" : "third", 90 + 5 * i);
		doppel_article a = {.id = id, .title = title, .text = text, .text_len = strlen(text)};
		assert_int_equal(doppel_parse_date("1987-03-02", 10, &a.date), DOPPEL_OK);
		assert_int_equal(doppel_batch_push(b, &a), DOPPEL_OK);
	}
	const char *general = "general corporate purposes and to reduce short-term borrowings";
	push_filing(b, "filing-alphaquix", "Alphaquix", "ALPHAQUIX FILES 500 MLN DLR OFFERING",
	            general);
	push_filing(b, "filing-betazorn", "Betazorn", "BETAZORN FILES 500 MLN DLR DEBT OFFER",
	            general);
	/* The same template, each filing's purpose its own (the texts are two,
	 * not one text under two headlines). */
	push_filing(b, "filing-gammatrel", "Gammatrel", "GAMMATREL FILES 500 MLN DLR OFFERING",
	            "general corporate purposes, including the repurchase of its own securities "
	            "and working capital for its Gammatrel stores");
	push_filing(b, "filing-deltavok", "Deltavok", "DELTAVOK FILES 500 MLN DLR DEBT OFFER",
	            "the reduction of short-term debt and capital expenditures at the Deltavok "
	            "mills, and for general corporate purposes");
	doppel_scan *s = test_scan_batch(b, DOPPEL_FIND_ALL);
	assert_int_equal(test_scan_relation(s, "filing-alphaquix", "filing-betazorn"),
	                 DOPPEL_REL_NONE);
	doppel_scan_free(s);
	/* Looking for copies alone, each issuer's name is in its own text
	 * only: the headlines still tell two texts of one template apart. */
	s = test_scan_batch(b, DOPPEL_FIND_DUPLICATE | DOPPEL_FIND_COPY);
	assert_int_equal(test_scan_relation(s, "filing-gammatrel", "filing-deltavok"),
	                 DOPPEL_REL_NONE);
	doppel_scan_free(s);
	doppel_batch_free(b);
}

/* A dividend notice of company `name` (ticker `tick`) into b: the
 * template's words below a headline that says PAYOUT, as a wire's do. */
static void push_notice(doppel_batch *b, const char *id, const char *name, const char *tick,
                        int cents, const char *date)
{
	char title[96], text[160];
	snprintf(title, sizeof(title), "%s CORP <%s> SETS PAYOUT", name, tick);
	snprintf(text, sizeof(text), "Qtly div %d cts vs %d cts prior\n    Pay May 15\n    Record April 24\n",
	         cents, cents);
	doppel_article a = {.id = id, .title = title, .text = text, .text_len = strlen(text)};
	assert_int_equal(doppel_parse_date(date, 10, &a.date), DOPPEL_OK);
	assert_int_equal(doppel_batch_push(b, &a), DOPPEL_OK);
}

/* Two companies' notices word for word the same under headlines that
 * share PAYOUT, a word no dictionary knows and no text writes: many
 * headlines name it, so it is no subject the two share, and the
 * companies' names tell them apart. The same company's notice sent again
 * stays a duplicate. */
static void test_headline_template_words(void **state)
{
	(void)state;
	doppel_batch *b = doppel_batch_new();
	for (int i = 0; i < 64; i++) {
		char id[32], name[32], tick[8];
		snprintf(id, sizeof(id), "notice-%02d", i);
		made_up_name(i, true, name, sizeof(name));
		snprintf(tick, sizeof(tick), "%c%c%c", 'A' + i % 8, 'J' + i / 8, 'S' + i % 5);
		push_notice(b, id, name, tick, 10 + i, "1987-03-02");
	}
	push_notice(b, "notice-zorvant", "ZORVANT", "ZRV", 25, "1987-03-05");
	push_notice(b, "notice-quellmar", "QUELLMAR", "QLM", 25, "1987-03-05");
	push_notice(b, "notice-zorvant-again", "ZORVANT", "ZRV", 25, "1987-03-06");
	doppel_scan *s = test_scan_batch(b, DOPPEL_FIND_ALL);
	assert_int_equal(test_scan_relation(s, "notice-zorvant", "notice-quellmar"),
	                 DOPPEL_REL_NONE);
	assert_int_equal(test_scan_relation(s, "notice-quellmar", "notice-zorvant-again"),
	                 DOPPEL_REL_NONE);
	assert_int_equal(test_scan_relation(s, "notice-zorvant", "notice-zorvant-again"),
	                 DOPPEL_REL_DUPLICATE);
	doppel_scan_free(s);
	doppel_batch_free(b);
}

/* Two companies' notices of one long template, word for word the same
 * and naming neither company: the shingles' copy is two templated
 * reports (their headlines name other subjects), and passages that make
 * all of both texts are no excerpt either. */
static void test_template_passages(void **state)
{
	(void)state;
	const char *text =
		"The board of directors declared a regular quarterly dividend of 25 cents per "
		"share on the common stock, payable May 15 to holders of record at the close of "
		"business on April 24.\n    The board also approved the annual meeting of "
		"shareholders for the third week of June at the company's headquarters, where "
		"the election of directors and the appointment of auditors will be voted on.\n"
		"    The dividend is the same as the one paid in the previous quarter, the "
		"company said in a statement issued after the regular meeting of the board.\n";
	const char *titles[] = {"ZORVANT CORP <ZRV> SETS DIVIDEND",
	                        "QUELLMAR INC <QLM> SETS DIVIDEND"};
	const char *ids[] = {"zorvant", "quellmar"};
	doppel_batch *b = doppel_batch_new();
	for (size_t i = 0; i < 2; i++) {
		doppel_article a = {
			.id = ids[i], .title = titles[i], .text = text, .text_len = strlen(text)};
		assert_int_equal(doppel_parse_date("1987-03-05", 10, &a.date), DOPPEL_OK);
		assert_int_equal(doppel_batch_push(b, &a), DOPPEL_OK);
	}
	doppel_scan *s = test_scan_batch(b, DOPPEL_FIND_ALL);
	assert_int_equal(test_scan_relation(s, "zorvant", "quellmar"), DOPPEL_REL_NONE);
	doppel_scan_free(s);
	doppel_batch_free(b);
}

/* The facts and figures of an article are stored with it: after
 * reopening, the next day's report is still no copy of the stored one,
 * and its reprint is; looking for every relation or for copies alone. */
static void index_reopened(struct test_db *f, unsigned find)
{
	doppel_batch *all = read_fixture();
	doppel_index *x = test_open_index(f->db, find, DOPPEL_OPEN_CREATE);
	assert_int_equal(test_add_one(x, all, "mm-0311", "-", NULL), DOPPEL_REL_NONE);
	doppel_index_close(x);
	x = test_open_index(f->db, find, 0);
	assert_int_equal(test_add_one(x, all, "mm-0312", "mm-0311", NULL), DOPPEL_REL_NONE);
	doppel_relation r = test_add_one(x, all, "mm-0311-reprint", "mm-0311", NULL);
	assert_true(r == DOPPEL_REL_DUPLICATE || r == DOPPEL_REL_COPY);
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

/* A database made before figures and token fingerprints were kept: it
 * opens read-only as it is, and writable it gets their columns; its
 * articles' figures are unknown (no veto) and new articles' are kept. */
static void test_before_figures(void **state)
{
	struct test_db *f = *state;
	const unsigned copies = DOPPEL_FIND_DUPLICATE | DOPPEL_FIND_COPY;
	doppel_batch *all = read_fixture();
	doppel_index *x = test_open_index(f->db, copies, DOPPEL_OPEN_CREATE);
	assert_int_equal(test_add_one(x, all, "mm-0311", "-", NULL), DOPPEL_REL_NONE);
	doppel_index_close(x);
	test_db_exec(f->db, "ALTER TABLE articles DROP COLUMN figures;"
	                    "ALTER TABLE articles DROP COLUMN ckeys;");
	x = test_open_index(f->db, copies, DOPPEL_OPEN_READONLY);
	doppel_index_close(x);
	x = test_open_index(f->db, copies, 0);
	doppel_relation r = test_add_one(x, all, "mm-0311-reprint", "mm-0311", NULL);
	assert_true(r == DOPPEL_REL_DUPLICATE || r == DOPPEL_REL_COPY);
	assert_int_equal(test_add_one(x, all, "mm-0312", "mm-0311-reprint", NULL), DOPPEL_REL_NONE);
	doppel_index_close(x);
	doppel_batch_free(all);
}

static int setup(void **state)
{
	return test_db_setup(state, "templated.db");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_templated),
		cmocka_unit_test(test_scan_copies_only),
		cmocka_unit_test(test_copy_new_headline),
		cmocka_unit_test(test_headline_abbreviations),
		cmocka_unit_test(test_headline_template_words),
		cmocka_unit_test(test_template_passages),
		cmocka_unit_test(test_explain_agrees),
		cmocka_unit_test_setup_teardown(test_index_reopened, setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(test_index_reopened_copies_only, setup,
		                                test_db_teardown),
		cmocka_unit_test_setup_teardown(test_before_figures, setup, test_db_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
