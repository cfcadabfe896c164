/*
 * test_story.c — the worked scenario of DESIGN.md (tests/data/scenario)
 * comes out as the design expects: B and C rewrites of A, B and C in A's
 * event, D an independent report of it, E an earlier event of the same
 * story, A the origin. And explain says what D adds.
 */
#include "testutil.h"

static doppel_scan *scan_scenario(void)
{
	doppel_batch *b = test_read_data("scenario", 5);
	doppel_scan *s = test_scan_batch(b, DOPPEL_FIND_ALL);
	doppel_batch_free(b);
	return s;
}

/* The relation found between x and y (either order), NONE if none. */
static doppel_relation pair_of(const doppel_scan *s, const char *x, const char *y,
                               doppel_pair *out)
{
	for (size_t i = 0; i < doppel_scan_pair_count(s); i++) {
		doppel_pair p;
		assert_int_equal(doppel_scan_pair(s, i, &p), DOPPEL_OK);
		if ((!strcmp(p.a, x) && !strcmp(p.b, y)) || (!strcmp(p.a, y) && !strcmp(p.b, x))) {
			if (out)
				*out = p;
			return p.relation;
		}
	}
	return DOPPEL_REL_NONE;
}

static void test_relations(void **state)
{
	(void)state;
	doppel_scan *s = scan_scenario();
	doppel_pair p;
	assert_int_equal(pair_of(s, "a-wire", "b-spun", &p), DOPPEL_REL_REWRITE);
	assert_string_equal(p.a, "a-wire"); /* the source */
	assert_int_equal(p.basis, DOPPEL_BASIS_CONTENT); /* B has no date */
	assert_int_equal(pair_of(s, "a-wire", "c-rewrite", &p), DOPPEL_REL_REWRITE);
	assert_string_equal(p.a, "a-wire");
	assert_int_equal(p.basis, DOPPEL_BASIS_DATE);
	assert_int_equal(pair_of(s, "b-spun", "c-rewrite", NULL), DOPPEL_REL_SAME_EVENT);
	assert_int_equal(pair_of(s, "a-wire", "d-independent", NULL), DOPPEL_REL_SAME_EVENT);
	assert_int_equal(pair_of(s, "a-wire", "e-earlier", NULL), DOPPEL_REL_SAME_STORY);
	doppel_scan_free(s);
}

static void test_story_structure(void **state)
{
	(void)state;
	doppel_scan *s = scan_scenario();
	assert_int_equal(doppel_scan_story_count(s), 1);
	doppel_story st;
	assert_int_equal(doppel_scan_story(s, 0, &st), DOPPEL_OK);
	assert_int_equal(st.articles, 5);
	assert_int_equal(st.count, 2);
	/* The earlier chapter first. */
	assert_string_equal(st.events[0].id, "e-earlier");
	assert_int_equal(st.events[0].count, 1);
	const doppel_event *ev = &st.events[1];
	assert_string_equal(ev->id, "a-wire");
	assert_int_equal(ev->count, 4);
	assert_string_equal(ev->members[0].id, "a-wire");
	assert_int_equal(ev->members[0].relation, DOPPEL_REL_NONE);
	for (size_t i = 1; i < ev->count; i++) {
		const doppel_event_member *m = &ev->members[i];
		if (!strcmp(m->id, "d-independent")) {
			assert_int_equal(m->relation, DOPPEL_REL_SAME_EVENT);
			assert_null(m->of);
		} else {
			assert_true(!strcmp(m->id, "b-spun") || !strcmp(m->id, "c-rewrite"));
			assert_int_equal(m->relation, DOPPEL_REL_REWRITE);
			assert_string_equal(m->of, "a-wire");
		}
	}
	doppel_scan_free(s);
}

/* What D adds that A lacks: the date range, the observer numbers, the
 * population downstream; and the quote both carry. */
static void test_explain_additions(void **state)
{
	(void)state;
	doppel_read_options o;
	doppel_read_options_init(&o);
	doppel_reader *r = doppel_reader_new(&o);
	char a_path[4200], d_path[4200];
	snprintf(a_path, sizeof(a_path), "%s", test_data("scenario/a-wire.txt"));
	snprintf(d_path, sizeof(d_path), "%s", test_data("scenario/d-independent.txt"));
	assert_int_equal(doppel_reader_add_path(r, a_path), DOPPEL_OK);
	assert_int_equal(doppel_reader_add_path(r, d_path), DOPPEL_OK);
	doppel_batch *b = doppel_batch_new();
	doppel_article x;
	while (doppel_reader_next(r, &x) == DOPPEL_OK)
		assert_int_equal(doppel_batch_push(b, &x), DOPPEL_OK);
	doppel_params p;
	doppel_params_init(&p);
	doppel_explanation *e = NULL;
	char err[256];
	assert_int_equal(doppel_explain(&p, doppel_batch_article(b, 0), doppel_batch_article(b, 1),
	                                &e, err, sizeof(err)),
	                 DOPPEL_OK);
	assert_int_equal(e->pair.relation, DOPPEL_REL_SAME_EVENT);
	assert_int_equal(e->a_source, -1);
	/* What D adds: a range of observers, the people downstream; the end
	 * of the date range, beside A's start date; "Reik" for "Reyk". */
	bool may4 = false, n35 = false, n300k = false, quote = false, reik = false;
	for (size_t i = 0; i < e->nfacts_b; i++) {
		n35 |= !strcmp(e->facts_b[i].text, "Between 35 and 45 unarmed observers");
		n300k |= !strcmp(e->facts_b[i].text, "300,000 people");
	}
	for (size_t i = 0; i < e->nfacts_shared; i++)
		may4 |= !strcmp(e->facts_shared[i].a.text, "April 20") &&
		        !strcmp(e->facts_shared[i].b.text, "between April 20 and May 4");
	for (size_t i = 0; i < e->nshared; i++)
		quote |= !strcmp(e->shared[i].kind, "quote") &&
		         strstr(e->shared[i].text, "open roads") != NULL;
	for (size_t i = 0; i < e->ndisagreements; i++)
		reik |= !strcmp(e->disagreements[i].b.text, "Anton Reik") &&
		        !strcmp(e->disagreements[i].differ, "spelling");
	assert_true(may4 && n35 && n300k && quote && reik);
	/* The one sentence they share is the quote. */
	assert_true(e->naligned >= 1);
	assert_non_null(strstr(e->aligned[0].a, "open roads"));
	assert_true(e->nonly_b > 3);
	doppel_explanation_free(e);
	doppel_explanation_free(NULL);
	doppel_batch_free(b);
	doppel_reader_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_relations),
		cmocka_unit_test(test_story_structure),
		cmocka_unit_test(test_explain_additions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
