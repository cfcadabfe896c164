/*
 * test_excerpt.c — the excerpt relation on tests/data/excerpt: a local
 * report taking three paragraphs of a wire report, an aggregator page
 * stitched from two wire reports, a feature on the same topic that reuses
 * nothing. Checked through a scan, through an index as articles arrive,
 * and through what a reopened index reads back; the passages' byte
 * offsets are checked against the texts as read. Then reuse edited word
 * by word (tests/data/edited), through a scan and a query; and two
 * reports of one event written alike (tests/data/alike). Then three
 * paragraphs of the wire report taken by many outlets.
 */
#include "corpus.h"

#define WIRE "wire/dam-approval"
#define LOCAL "local/dam-cressley"
#define STRIKE "wire/rail-strike"
#define DIGEST "digest/morning-briefing"
#define FEATURE "feature/reservoir-levels"

/* The articles of the fixture, in date then id order (as a scan takes
 * them). */
static doppel_batch *read_fixture(void)
{
	doppel_batch *all = test_read_data("excerpt", 5);
	const char *order[] = {STRIKE, WIRE, FEATURE, LOCAL, DIGEST};
	doppel_batch *b = doppel_batch_new();
	for (size_t k = 0; k < 5; k++)
		for (size_t i = 0; i < 5; i++)
			if (!strcmp(doppel_batch_article(all, i)->id, order[k]))
				assert_int_equal(doppel_batch_push(b, doppel_batch_article(all, i)),
				                 DOPPEL_OK);
	doppel_batch_free(all);
	assert_int_equal(doppel_batch_count(b), 5);
	return b;
}

/* The text of article id of batch b. */
static const doppel_article *article(const doppel_batch *b, const char *id)
{
	for (size_t i = 0; i < doppel_batch_count(b); i++)
		if (!strcmp(doppel_batch_article(b, i)->id, id))
			return doppel_batch_article(b, i);
	fail_msg("no article %s", id);
	return NULL;
}

/* Bytes [*start, *end) of text from the first byte of `first` to the last
 * of `last` (both in text, first before last). */
static void span_of(const char *text, const char *first, const char *last, size_t *start,
                    size_t *end)
{
	const char *f = strstr(text, first), *l = strstr(text, last);
	assert_non_null(f);
	assert_non_null(l);
	*start = (size_t)(f - text);
	*end = (size_t)(l - text) + strlen(last);
	assert_true(*start < *end);
}

/* The passage p joins exactly the text from `first` to `last` in both
 * articles (pa's bytes are a_*, pb's b_*), and those bytes are the same. */
static void assert_passage(const doppel_passage *p, const doppel_article *pa,
                           const doppel_article *pb, const char *first, const char *last)
{
	size_t as, ae, bs, be;
	span_of(pa->text, first, last, &as, &ae);
	span_of(pb->text, first, last, &bs, &be);
	assert_int_equal(p->a_start, as);
	assert_int_equal(p->a_end, ae);
	assert_int_equal(p->b_start, bs);
	assert_int_equal(p->b_end, be);
	assert_int_equal(ae - as, be - bs);
	assert_memory_equal(pa->text + p->a_start, pb->text + p->b_start, ae - as);
}

/* The three wire paragraphs the local report takes; the two of each wire
 * report the digest takes. */
#define LOCAL_FIRST "The vote passed by 31 to 19"
#define LOCAL_LAST "the last wild salmon run in the province\"."
#define DIGEST_DAM_LAST "the purchase of replacement grazing land."
#define DIGEST_RAIL_FIRST "The Federation of Railway Staff said"
#define DIGEST_RAIL_LAST "will not run at all on either day."

/* The pair of a and b among the scan's pairs, NULL when none. */
static const doppel_pair *pair_of(const doppel_scan *s, const char *a, const char *b,
                                  doppel_pair *out)
{
	for (size_t i = 0; i < doppel_scan_pair_count(s); i++) {
		assert_int_equal(doppel_scan_pair(s, i, out), DOPPEL_OK);
		if ((!strcmp(out->a, a) && !strcmp(out->b, b)) ||
		    (!strcmp(out->a, b) && !strcmp(out->b, a)))
			return out;
	}
	return NULL;
}

/* The pair of src and derived among the scan's pairs, into *pr: an excerpt
 * of one passage, src its source by date. */
static void assert_excerpt_of(const doppel_scan *s, const char *src, const char *derived,
                              doppel_pair *pr)
{
	assert_non_null(pair_of(s, src, derived, pr));
	assert_int_equal(pr->relation, DOPPEL_REL_EXCERPT);
	assert_int_equal(pr->basis, DOPPEL_BASIS_DATE);
	assert_string_equal(pr->a, src);
	assert_int_equal(pr->npassages, 1);
}

/* A scan states the excerpts, the source first (by date), with their
 * passages byte for byte, and nothing for the feature. */
static void test_scan_excerpts(void **state)
{
	(void)state;
	doppel_batch *b = read_fixture();
	doppel_params p;
	doppel_params_init(&p);
	p.threads = 2;
	doppel_scan *s = doppel_scan_new(&p);
	assert_int_equal(doppel_scan_add(s, b), DOPPEL_OK);
	assert_int_equal(doppel_scan_finish(s), DOPPEL_OK);
	doppel_pair pr;

	/* the local report takes three paragraphs of the wire report */
	assert_excerpt_of(s, WIRE, LOCAL, &pr);
	assert_passage(&pr.passages[0], article(b, WIRE), article(b, LOCAL), LOCAL_FIRST,
	               LOCAL_LAST);
	/* a minority of both, so no copy */
	assert_true(pr.containment < p.copy_containment);

	/* the digest takes passages of both wire reports */
	assert_excerpt_of(s, WIRE, DIGEST, &pr);
	assert_passage(&pr.passages[0], article(b, WIRE), article(b, DIGEST), LOCAL_FIRST,
	               DIGEST_DAM_LAST);
	assert_excerpt_of(s, STRIKE, DIGEST, &pr);
	assert_passage(&pr.passages[0], article(b, STRIKE), article(b, DIGEST),
	               DIGEST_RAIL_FIRST, DIGEST_RAIL_LAST);

	/* the feature reuses nothing: no relation at all */
	const char *others[] = {WIRE, LOCAL, STRIKE, DIGEST};
	for (size_t i = 0; i < 4; i++)
		assert_null(pair_of(s, FEATURE, others[i], &pr));
	/* two wire reports on other subjects are not related either */
	assert_null(pair_of(s, WIRE, STRIKE, &pr));

	/* an excerpt joins no event by itself: the digest takes passages of
	 * two events, which stay two */
	for (size_t i = 0; i < doppel_scan_story_count(s); i++) {
		doppel_story st;
		assert_int_equal(doppel_scan_story(s, i, &st), DOPPEL_OK);
		for (size_t e = 0; e < st.count; e++) {
			bool dam = false, rail = false;
			for (size_t m = 0; m < st.events[e].count; m++) {
				dam |= !strcmp(st.events[e].members[m].id, WIRE);
				rail |= !strcmp(st.events[e].members[m].id, STRIKE);
			}
			assert_false(dam && rail);
		}
	}
	doppel_scan_free(s);

	/* Without DOPPEL_FIND_EXCERPT there is none, and no passages. */
	p.relations = DOPPEL_FIND_ALL & ~DOPPEL_FIND_EXCERPT;
	s = doppel_scan_new(&p);
	assert_int_equal(doppel_scan_add(s, b), DOPPEL_OK);
	assert_int_equal(doppel_scan_finish(s), DOPPEL_OK);
	for (size_t i = 0; i < doppel_scan_pair_count(s); i++) {
		assert_int_equal(doppel_scan_pair(s, i, &pr), DOPPEL_OK);
		assert_int_not_equal(pr.relation, DOPPEL_REL_EXCERPT);
		assert_null(pr.passages);
	}
	doppel_scan_free(s);
	doppel_batch_free(b);
}

/* The match of id among n matches, NULL when none. */
static const doppel_match *match_of(const doppel_match *m, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(m[i].id, id))
			return &m[i];
	return NULL;
}

/* An index finds the excerpts as the articles arrive, one at a time,
 * stores them with their passages and reads them back, seen from either
 * article, after it is opened again. */
static void test_index_excerpts(void **state)
{
	struct test_db *f = *state;
	doppel_batch *b = read_fixture();
	doppel_index *x = test_open_index(f->db, DOPPEL_FIND_ALL, DOPPEL_OPEN_CREATE);
	doppel_batch *one = doppel_batch_new();
	for (size_t i = 0; i < doppel_batch_count(b); i++) {
		doppel_batch_clear(one);
		const doppel_article *a = doppel_batch_article(b, i);
		assert_int_equal(doppel_batch_push(one, a), DOPPEL_OK);
		assert_int_equal(doppel_index_add(x, one, DOPPEL_DUP_ERROR), DOPPEL_OK);
		doppel_result r;
		assert_int_equal(doppel_index_result(x, 0, &r), DOPPEL_OK);
		if (!strcmp(a->id, LOCAL)) {
			/* seen from the local report: a is its text, b the wire's */
			const doppel_match *m = match_of(r.matches, r.count, WIRE);
			assert_non_null(m);
			assert_int_equal(m->relation, DOPPEL_REL_EXCERPT);
			assert_int_equal(m->direction, DOPPEL_DIR_FROM);
			assert_int_equal(m->npassages, 1);
			assert_passage(&m->passages[0], article(b, LOCAL), article(b, WIRE),
			               LOCAL_FIRST, LOCAL_LAST);
		}
		if (!strcmp(a->id, FEATURE))
			assert_int_equal(r.count, 0);
	}
	doppel_batch_free(one);
	doppel_index_close(x);

	/* Opened again, read-only: the stored passages, from both sides. */
	x = test_open_index(f->db, DOPPEL_FIND_ALL, DOPPEL_OPEN_READONLY | DOPPEL_OPEN_LAZY);
	size_t n;
	const doppel_match *m;
	assert_int_equal(doppel_index_relations(x, WIRE, &n, &m), DOPPEL_OK);
	const doppel_match *to_local = match_of(m, n, LOCAL);
	assert_non_null(to_local);
	assert_int_equal(to_local->relation, DOPPEL_REL_EXCERPT);
	assert_int_equal(to_local->direction, DOPPEL_DIR_TO);
	assert_int_equal(to_local->npassages, 1);
	assert_passage(&to_local->passages[0], article(b, WIRE), article(b, LOCAL), LOCAL_FIRST,
	               LOCAL_LAST);
	assert_int_equal(doppel_index_relations(x, DIGEST, &n, &m), DOPPEL_OK);
	const doppel_match *rail = match_of(m, n, STRIKE);
	assert_non_null(rail);
	assert_int_equal(rail->relation, DOPPEL_REL_EXCERPT);
	assert_int_equal(rail->npassages, 1);
	assert_passage(&rail->passages[0], article(b, DIGEST), article(b, STRIKE),
	               DIGEST_RAIL_FIRST, DIGEST_RAIL_LAST);
	assert_int_equal(doppel_index_relations(x, FEATURE, &n, &m), DOPPEL_OK);
	assert_int_equal(n, 0);
	doppel_index_close(x);

	/* Opened again for writing, the keys are posted again: a second
	 * copy of the three paragraphs, added now, is an excerpt of both. */
	x = test_open_index(f->db, DOPPEL_FIND_ALL, 0);
	const doppel_article *wire = article(b, WIRE);
	size_t s0, s1;
	span_of(wire->text, LOCAL_FIRST, LOCAL_LAST, &s0, &s1);
	const char *intro = "A reader wrote to us about the dam on the Hollin river, and "
	                    "about what the council decided on Monday night in Merrow. "
	                    "Here is the part of the report that our readers asked about, "
	                    "followed by our own view of what comes next for the valley "
	                    "and for the families who will have to leave their farms.\n\n";
	const char *outro = "\n\nWe think the council owes the valley a clear timetable. The "
	                    "families of Cressley deserve to know when the bulldozers come, "
	                    "who pays for the move and where the new school will be, and "
	                    "the anglers on the lower river deserve an answer on the salmon "
	                    "before the first concrete is poured.\n\nThere is also the "
	                    "question of money. Four hundred million is a great deal for a "
	                    "province that closed two hospitals last winter, and the "
	                    "national fund has a habit of changing its mind after elections. "
	                    "If the fund pays less than half, who makes up the difference? "
	                    "Our readers in Tarrow, who carried water in buckets last "
	                    "August, will not mind a higher bill if the taps run. Our "
	                    "readers in the hill farms, who have their own springs, may "
	                    "see it differently.\n\nFinally, the objection period. Eight "
	                    "weeks in the middle of the summer holidays is not a fair "
	                    "chance for anyone to read a design of several thousand pages. "
	                    "We ask the council to extend it to the end of September, and "
	                    "to hold at least one meeting in the upper valley itself, "
	                    "where the people most affected live. Write to the editor "
	                    "with your own questions and we will put them to the council "
	                    "leader at her next press conference.";
	size_t len = strlen(intro) + (s1 - s0) + strlen(outro);
	char *text = malloc(len + 1);
	snprintf(text, len + 1, "%s%.*s%s", intro, (int)(s1 - s0), wire->text + s0, outro);
	doppel_article letter = {.id = "opinion/letters", .text = text, .text_len = len};
	one = doppel_batch_new();
	assert_int_equal(doppel_batch_push(one, &letter), DOPPEL_OK);
	assert_int_equal(doppel_index_query(x, one), DOPPEL_OK);
	doppel_result r;
	assert_int_equal(doppel_index_result(x, 0, &r), DOPPEL_OK);
	const char *sources[] = {WIRE, LOCAL};
	for (size_t i = 0; i < 2; i++) {
		const doppel_match *q = match_of(r.matches, r.count, sources[i]);
		assert_non_null(q);
		assert_int_equal(q->relation, DOPPEL_REL_EXCERPT);
		assert_int_equal(q->npassages, 1);
		assert_passage(&q->passages[0], &letter, article(b, sources[i]), LOCAL_FIRST,
		               LOCAL_LAST);
	}
	free(text);
	doppel_batch_free(one);
	doppel_index_close(x);
	doppel_batch_free(b);
}

/* The edited reuse of tests/data/edited. */
#define BRIDGE "wire/bridge-closure"
#define COLUMN "column/island-notebook"
#define FERRY "feature/ferry-history"

/* The passage p runs from a_first to a_last in pa and from b_first to
 * b_last in pb. */
static void assert_edited(const doppel_passage *p, const doppel_article *pa, const char *a_first,
                          const char *a_last, const doppel_article *pb, const char *b_first,
                          const char *b_last)
{
	size_t s, e;
	span_of(pa->text, a_first, a_last, &s, &e);
	assert_int_equal(p->a_start, s);
	assert_int_equal(p->a_end, e);
	span_of(pb->text, b_first, b_last, &s, &e);
	assert_int_equal(p->b_start, s);
	assert_int_equal(p->b_end, e);
}

/* Two paragraphs taken with words inserted, replaced and dropped: the
 * passage shares less than a passage's share alone must, but its four
 * sentences pair with the source's, so the column is an excerpt of the
 * wire, in a scan and when it is queried against an index of the other
 * two; the feature on the same island, which reuses nothing, is no
 * derivation of either. */
static void test_edited_excerpt(void **state)
{
	struct test_db *f = *state;
	doppel_batch *b = test_read_data("edited", 3);
	doppel_scan *s = test_scan_batch(b, DOPPEL_FIND_ALL);
	doppel_pair pr;
	assert_excerpt_of(s, BRIDGE, COLUMN, &pr);
	assert_edited(&pr.passages[0], article(b, BRIDGE), "The authority said inspections",
	              "escorted by a pilot car.", article(b, COLUMN),
	              "The authority said its inspectors", "behind a pilot car.");
	const char *ferry_with[] = {BRIDGE, COLUMN};
	for (size_t i = 0; i < 2; i++)
		if (pair_of(s, FERRY, ferry_with[i], &pr))
			assert_true(pr.relation == DOPPEL_REL_SAME_EVENT ||
			            pr.relation == DOPPEL_REL_SAME_STORY);
	doppel_scan_free(s);

	doppel_index *x = test_open_index(f->db, DOPPEL_FIND_ALL, DOPPEL_OPEN_CREATE);
	doppel_batch *one = doppel_batch_new();
	const char *stored[] = {BRIDGE, FERRY};
	for (size_t i = 0; i < 2; i++) {
		doppel_batch_clear(one);
		assert_int_equal(doppel_batch_push(one, article(b, stored[i])), DOPPEL_OK);
		assert_int_equal(doppel_index_add(x, one, DOPPEL_DUP_ERROR), DOPPEL_OK);
	}
	doppel_batch_clear(one);
	assert_int_equal(doppel_batch_push(one, article(b, COLUMN)), DOPPEL_OK);
	assert_int_equal(doppel_index_query(x, one), DOPPEL_OK);
	doppel_result r;
	assert_int_equal(doppel_index_result(x, 0, &r), DOPPEL_OK);
	const doppel_match *m = match_of(r.matches, r.count, BRIDGE);
	assert_non_null(m);
	assert_int_equal(m->relation, DOPPEL_REL_EXCERPT);
	assert_int_equal(m->direction, DOPPEL_DIR_FROM);
	assert_int_equal(m->npassages, 1);
	assert_edited(&m->passages[0], article(b, COLUMN), "The authority said its inspectors",
	              "behind a pilot car.", article(b, BRIDGE), "The authority said inspections",
	              "escorted by a pilot car.");
	doppel_batch_free(one);
	doppel_index_close(x);
	doppel_batch_free(b);
}

/* Two reports of one event written alike (tests/data/alike): passages
 * that keep few of their words do not make the local report an excerpt of
 * the wire report; the same paragraphs taken verbatim do. */
static void test_written_alike(void **state)
{
	(void)state;
	doppel_batch *all = test_read_data("alike", 3);
	const char *other[] = {"local/harbour-quays", "reprint/harbour-quays-wire"};
	for (size_t k = 0; k < 2; k++) {
		doppel_batch *b = doppel_batch_new();
		assert_int_equal(doppel_batch_push(b, article(all, "wire/harbour-vote")), DOPPEL_OK);
		assert_int_equal(doppel_batch_push(b, article(all, other[k])), DOPPEL_OK);
		doppel_scan *s = test_scan_batch(b, DOPPEL_FIND_ALL);
		doppel_pair pr;
		assert_non_null(pair_of(s, "wire/harbour-vote", other[k], &pr));
		if (k == 0) {
			assert_int_equal(pr.relation, DOPPEL_REL_SAME_EVENT);
			assert_int_equal(pr.npassages, 0);
		} else {
			assert_int_equal(pr.relation, DOPPEL_REL_EXCERPT);
			assert_int_equal(pr.npassages, 1);
			const doppel_article *w = article(all, "wire/harbour-vote");
			size_t ws, we;
			span_of(w->text, "VENNICK: The harbour board", "in the autumn.", &ws, &we);
			const doppel_passage *p = &pr.passages[0];
			bool wire_a = !strcmp(pr.a, "wire/harbour-vote");
			size_t ps = wire_a ? p->a_start : p->b_start;
			size_t pe = wire_a ? p->a_end : p->b_end;
			assert_int_equal(ps, ws);
			assert_int_equal(pe, we);
		}
		doppel_scan_free(s);
		doppel_batch_free(b);
	}
	doppel_batch_free(all);
}

/* Outlets that take the wire report's three paragraphs (LOCAL_FIRST to
 * LOCAL_LAST) below stories of their own, two a day from the day after
 * the wire's: more than a passage key's holders are listed for (so most
 * keys weigh 1/12 to 1/20 for each holder, then become common). */
#define OUTLETS 40

/* The wire report and the OUTLETS outlets, in date then id order; texts in
 * texts[] for the caller to free. */
static doppel_batch *taken_widely(char **texts, char ids[][16])
{
	doppel_batch *all = read_fixture();
	const doppel_article *wire = article(all, WIRE);
	size_t from, to;
	span_of(wire->text, LOCAL_FIRST, LOCAL_LAST, &from, &to);
	doppel_batch *b = doppel_batch_new();
	assert_int_equal(doppel_batch_push(b, wire), DOPPEL_OK);
	for (int i = 0; i < OUTLETS; i++) {
		char *own = corpus_letters((uint64_t)(1000 + i), 300);
		size_t n = strlen(own) + 2 + (to - from) + 1;
		texts[i] = malloc(n);
		assert_non_null(texts[i]);
		snprintf(texts[i], n, "%s\n\n%.*s", own, (int)(to - from), wire->text + from);
		free(own);
		snprintf(ids[i], 16, "outlet%02d", i);
		doppel_article a = {.id = ids[i],
		                    .text = texts[i],
		                    .text_len = strlen(texts[i]),
		                    .date = wire->date + 1 + i / 2};
		assert_int_equal(doppel_batch_push(b, &a), DOPPEL_OK);
	}
	doppel_batch_free(all);
	return b;
}

/* Adds articles [from, to) of b (taken_widely()'s) one at a time to the
 * index at db, opened with flags: each outlet an excerpt of the wire. */
static void add_taken(const char *db, const doppel_batch *b, size_t from, size_t to,
                      unsigned flags)
{
	doppel_index *x = test_open_index(db, DOPPEL_FIND_ALL, flags);
	doppel_batch *one = doppel_batch_new();
	for (size_t i = from; i < to; i++) {
		doppel_batch_clear(one);
		assert_int_equal(doppel_batch_push(one, doppel_batch_article(b, i)), DOPPEL_OK);
		assert_int_equal(doppel_index_add(x, one, DOPPEL_DUP_ERROR), DOPPEL_OK);
		doppel_result r;
		assert_int_equal(doppel_index_result(x, 0, &r), DOPPEL_OK);
		if (i == 0)
			continue;
		const doppel_match *m = match_of(r.matches, r.count, WIRE);
		assert_non_null(m);
		assert_int_equal(m->relation, DOPPEL_REL_EXCERPT);
		assert_int_equal(m->direction, DOPPEL_DIR_FROM);
	}
	doppel_batch_free(one);
	doppel_index_close(x);
}

/* However many outlets take the wire's paragraphs, each is an excerpt of
 * it (a passage's keys, held by more and more articles, weigh little for
 * each, but the wire is their origin): through a scan, and through an
 * index closed and opened again halfway, which posts the keys anew. */
static void test_taken_widely(void **state)
{
	struct test_db *f = *state;
	char *texts[OUTLETS], ids[OUTLETS][16];
	doppel_batch *b = taken_widely(texts, ids);
	doppel_params p;
	doppel_params_init(&p);
	doppel_scan *s = doppel_scan_new(&p);
	assert_int_equal(doppel_scan_add(s, b), DOPPEL_OK);
	assert_int_equal(doppel_scan_finish(s), DOPPEL_OK);
	doppel_pair pr;
	for (int i = 0; i < OUTLETS; i++) {
		assert_non_null(pair_of(s, WIRE, ids[i], &pr));
		assert_int_equal(pr.relation, DOPPEL_REL_EXCERPT);
		assert_string_equal(pr.a, WIRE);
	}
	doppel_scan_free(s);

	/* closed and opened again once most keys are common */
	add_taken(f->db, b, 0, 25, DOPPEL_OPEN_CREATE);
	add_taken(f->db, b, 25, doppel_batch_count(b), 0);
	doppel_batch_free(b);
	for (int i = 0; i < OUTLETS; i++)
		free(texts[i]);
}

static int setup(void **state)
{
	return test_db_setup(state, "excerpt.db");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_excerpts),
		cmocka_unit_test_setup_teardown(test_index_excerpts, setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(test_edited_excerpt, setup, test_db_teardown),
		cmocka_unit_test(test_written_alike),
		cmocka_unit_test_setup_teardown(test_taken_widely, setup, test_db_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
