/*
 * test_contained.c — a copy that keeps one sentence of a long article is
 * found as a copy, though its Jaccard with the article is far below the
 * LSH's threshold: the containment fingerprints meet the two, in a scan
 * and in an index reopened between them, looking for every relation (the
 * content words' fingerprints) or for copies alone (the tokens'). A cut
 * copy made only of lines many articles share is met by its headline.
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

/*
 * Forty issuers' notices of one template, each with lines of its own, and
 * a cut copy of the last that keeps only the template's lines under its
 * headline: those lines' fingerprints are posted for the first notices
 * alone (as for any line many articles share), so only the headline
 * leads to the notice it was cut from.
 */
#define NOTES 40

static const char *const NOTE_LINES =
	"The notes carry fees of 1-1/4 pct, comprising 1/2 pct for management and "
	"underwriting combined and 3/4 pct for selling.\n"
	"Pay date is April 15 and the notes will be listed in Luxembourg.\n";

/* Notice i (its name made of syllables no dictionary knows) into b. */
static void push_note(doppel_batch *b, int i)
{
	static const char *const s1[] = {"Vel", "Quor", "Zan", "Thrim", "Ulb", "Yst", "Krov", "Pym"};
	static const char *const s2[] = {"brek", "vost", "mund", "zell", "quay"};
	char name[32], id[32], title[96], text[1024], upper[32];
	snprintf(name, sizeof(name), "%s%s", s1[i % 8], s2[i / 8]);
	size_t k = 0;
	for (; name[k]; k++)
		upper[k] = (char)(name[k] >= 'a' && name[k] <= 'z' ? name[k] - 'a' + 'A' : name[k]);
	upper[k] = '\0';
	snprintf(id, sizeof(id), "note-%02d", i);
	snprintf(title, sizeof(title), "%s TRUST ISSUES NOTES", upper);
	snprintf(text, sizeof(text),
	         "%s Trust is issuing a %d mln dlr note due %d, lead manager Harbour Capital "
	         "said.\n%s said the proceeds would refinance %d older loans taken for its "
	         "%sport terminal and its %sdale offices.\nThe %s board approved the issue on "
	         "Tuesday after %s bankers met investors in %sburg.\nAnalysts at %sfield expect "
	         "the %s group to report a profit of %d mln dlrs for the year to June.\n%s shares "
	         "rose %d pct to %d pence on the news, dealers in %sham said.\n%sREUTER\n",
	         name, 10 + 5 * i, 1990 + i % 9, name, 3 + i, name, name, name, name, name, name,
	         name, 20 + i, name, i % 7 + 1, 100 + 3 * i, name, NOTE_LINES);
	doppel_article a = {.id = id, .title = title, .text = text, .text_len = strlen(text)};
	assert_int_equal(doppel_parse_date("1987-03-10", 10, &a.date), DOPPEL_OK);
	a.date += i % 20;
	assert_int_equal(doppel_batch_push(b, &a), DOPPEL_OK);
	if (i == NOTES - 1) {
		doppel_article cut = {.id = "note-cut",
		                      .title = title,
		                      .text = NOTE_LINES,
		                      .text_len = strlen(NOTE_LINES),
		                      .date = a.date + 1};
		assert_int_equal(doppel_batch_push(b, &cut), DOPPEL_OK);
	}
}

static doppel_batch *notes(void)
{
	doppel_batch *b = doppel_batch_new();
	assert_non_null(b);
	for (int i = 0; i < NOTES; i++)
		push_note(b, i);
	return b;
}

/* The scan relates the cut copy to the notice it was cut from, and to no
 * other, looking for copies alone and for every relation. */
static void test_scan_headline(void **state)
{
	(void)state;
	doppel_batch *b = notes();
	const unsigned finds[] = {DOPPEL_FIND_DUPLICATE | DOPPEL_FIND_COPY, DOPPEL_FIND_ALL};
	for (size_t f = 0; f < 2; f++) {
		doppel_scan *s = test_scan_batch(b, finds[f]);
		assert_int_equal(test_scan_relation(s, "note-cut", "note-39"), DOPPEL_REL_COPY);
		for (size_t i = 0; i < doppel_scan_pair_count(s); i++) {
			doppel_pair p;
			assert_int_equal(doppel_scan_pair(s, i, &p), DOPPEL_OK);
			if (!strcmp(p.a, "note-cut") || !strcmp(p.b, "note-cut"))
				assert_true(!strcmp(p.a, "note-39") || !strcmp(p.b, "note-39"));
		}
		doppel_scan_free(s);
	}
	doppel_batch_free(b);
}

/* The headlines are posted again when the index is opened. */
static void test_index_headline(void **state)
{
	struct test_db *f = *state;
	doppel_batch *all = notes();
	const unsigned find = DOPPEL_FIND_DUPLICATE | DOPPEL_FIND_COPY;
	doppel_index *x = test_open_index(f->db, find, DOPPEL_OPEN_CREATE);
	for (int i = 0; i < NOTES; i++) {
		char id[32];
		snprintf(id, sizeof(id), "note-%02d", i);
		test_add_one(x, all, id, "-", NULL);
	}
	doppel_index_close(x);
	x = test_open_index(f->db, find, 0);
	assert_int_equal(test_add_one(x, all, "note-cut", "note-39", NULL), DOPPEL_REL_COPY);
	doppel_index_close(x);
	doppel_batch_free(all);
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
		cmocka_unit_test(test_scan_headline),
		cmocka_unit_test_setup_teardown(test_index_headline, setup, test_db_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
