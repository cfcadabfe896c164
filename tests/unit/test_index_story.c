/*
 * test_index_story.c — the worked scenario of DESIGN.md (tests/data/
 * scenario) added to an index one article at a time, in date order as a
 * stream brings them: every relation, its direction, the events and the
 * story come out as the scan finds them; a second, read-only lazy handle
 * sees them; get, delete and a replaced article keep the index coherent.
 */
#include "testutil.h"

#include <unistd.h>


static int setup(void **state)
{
	return test_db_setup(state, "stories.db");
}

static doppel_index *open_db(const char *path, unsigned flags)
{
	return test_open_index(path, DOPPEL_FIND_ALL, flags);
}

/* Adds the scenario's articles in the order given (one batch each). */
static void add_in_order(doppel_index *x, const char *const *order, size_t n)
{
	doppel_batch *all = test_read_data("scenario", 5);
	for (size_t k = 0; k < n; k++) {
		doppel_result res;
		test_add_one(x, all, order[k], "", &res);
		assert_non_null(res.event);
		assert_non_null(res.story);
	}
	doppel_batch_free(all);
}

/* The stored relation of `id` with `other`, seen from id. */
static const doppel_match *relation(doppel_index *x, const char *id, const char *other)
{
	size_t n;
	const doppel_match *m;
	assert_int_equal(doppel_index_relations(x, id, &n, &m), DOPPEL_OK);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(m[i].id, other))
			return &m[i];
	return NULL;
}

static void check_scenario(doppel_index *x)
{
	const doppel_match *m = relation(x, "a-wire", "b-spun");
	assert_non_null(m);
	assert_int_equal(m->relation, DOPPEL_REL_REWRITE);
	assert_int_equal(m->direction, DOPPEL_DIR_TO); /* a is the source */
	assert_true(m->aligned >= 0.6);
	m = relation(x, "c-rewrite", "a-wire");
	assert_non_null(m);
	assert_int_equal(m->relation, DOPPEL_REL_REWRITE);
	assert_int_equal(m->direction, DOPPEL_DIR_FROM);
	assert_int_equal(m->basis, DOPPEL_BASIS_DATE);
	m = relation(x, "a-wire", "d-independent");
	assert_non_null(m);
	assert_int_equal(m->relation, DOPPEL_REL_SAME_EVENT);
	assert_int_equal(m->direction, DOPPEL_DIR_UNKNOWN);
	m = relation(x, "e-earlier", "a-wire");
	assert_non_null(m);
	assert_int_equal(m->relation, DOPPEL_REL_SAME_STORY);
	m = relation(x, "b-spun", "c-rewrite");
	if (m) /* siblings: never one the rewrite of the other */
		assert_int_equal(m->relation, DOPPEL_REL_SAME_EVENT);

	/* One story of two events: E's, then A's with B, C derived and D
	 * independent. */
	size_t n;
	const doppel_story_info *si;
	assert_int_equal(doppel_index_stories(x, DOPPEL_NO_DATE, 0, &n, &si), DOPPEL_OK);
	assert_int_equal(n, 1);
	assert_int_equal(si[0].articles, 5);
	assert_int_equal(si[0].events, 2);
	char id[256];
	snprintf(id, sizeof(id), "%s", si[0].id);
	doppel_story s;
	assert_int_equal(doppel_index_story(x, id, &s), DOPPEL_OK);
	assert_int_equal(s.count, 2);
	assert_int_equal(s.events[0].count, 1);
	assert_string_equal(s.events[0].members[0].id, "e-earlier");
	const doppel_event *ev = &s.events[1];
	assert_int_equal(ev->count, 4);
	assert_string_equal(ev->members[0].id, "a-wire");
	assert_int_equal(ev->members[0].relation, DOPPEL_REL_NONE);
	for (size_t i = 1; i < ev->count; i++) {
		const doppel_event_member *mm = &ev->members[i];
		if (!strcmp(mm->id, "d-independent")) {
			assert_int_equal(mm->relation, DOPPEL_REL_SAME_EVENT);
		} else {
			assert_int_equal(mm->relation, DOPPEL_REL_REWRITE);
			assert_string_equal(mm->of, "a-wire");
		}
	}
	/* A later date leaves it out of the list. */
	int32_t late;
	assert_int_equal(doppel_parse_date("2031-01-01", 10, &late), DOPPEL_OK);
	assert_int_equal(doppel_index_stories(x, late, 0, &n, &si), DOPPEL_OK);
	assert_int_equal(n, 0);
	assert_int_equal(doppel_index_story(x, "no-such-story", &s), DOPPEL_E_NOTFOUND);
}

static void test_scenario_online(void **state)
{
	struct test_db *f = *state;
	static const char *const order[] = {"e-earlier", "a-wire", "b-spun", "c-rewrite",
	                                    "d-independent"};
	doppel_index *x = open_db(f->db, DOPPEL_OPEN_CREATE);
	add_in_order(x, order, 5);
	check_scenario(x);

	/* A reader beside the writer, and after it closes. */
	doppel_index *r = open_db(f->db, DOPPEL_OPEN_READONLY | DOPPEL_OPEN_LAZY);
	check_scenario(r);
	doppel_stored got;
	assert_int_equal(doppel_index_get(r, "d-independent", &got), DOPPEL_OK);
	assert_string_equal(got.article.id, "d-independent");
	assert_true(got.article.text_len > 200);
	assert_non_null(strchr(got.article.text, '\n'));
	assert_non_null(got.event);
	assert_non_null(got.story);
	assert_true(got.added > 1700000000);
	assert_int_equal(doppel_index_get(r, "zz", &got), DOPPEL_E_NOTFOUND);
	assert_int_equal(doppel_index_delete(r, "a-wire"), DOPPEL_E_READONLY);
	doppel_index_close(x);
	doppel_index_close(r);

	/* Reopened, then D deleted: gone with its relations, the rest kept. */
	x = open_db(f->db, 0);
	check_scenario(x);
	assert_int_equal(doppel_index_delete(x, "d-independent"), DOPPEL_OK);
	assert_int_equal(doppel_index_delete(x, "d-independent"), DOPPEL_E_NOTFOUND);
	size_t n;
	const doppel_match *m;
	assert_int_equal(doppel_index_relations(x, "d-independent", &n, &m), DOPPEL_E_NOTFOUND);
	assert_null(relation(x, "a-wire", "d-independent"));
	assert_non_null(relation(x, "a-wire", "b-spun"));
	const doppel_story_info *si;
	assert_int_equal(doppel_index_stories(x, DOPPEL_NO_DATE, 0, &n, &si), DOPPEL_OK);
	assert_int_equal(n, 1);
	assert_int_equal(si[0].articles, 4);
	assert_int_equal(doppel_index_count(x), 4);
	doppel_index_close(x);
}

/* Arriving out of date order (the spun copy first), the events still
 * come together: the later arrivals merge what they connect. */
static void test_scenario_out_of_order(void **state)
{
	struct test_db *f = *state;
	static const char *const order[] = {"b-spun", "d-independent", "c-rewrite",
	                                    "e-earlier", "a-wire"};
	doppel_index *x = open_db(f->db, DOPPEL_OPEN_CREATE);
	add_in_order(x, order, 5);
	const doppel_match *m = relation(x, "a-wire", "d-independent");
	assert_non_null(m);
	assert_int_equal(m->relation, DOPPEL_REL_SAME_EVENT);
	m = relation(x, "a-wire", "c-rewrite");
	assert_non_null(m);
	assert_int_equal(m->relation, DOPPEL_REL_REWRITE);
	assert_int_equal(m->direction, DOPPEL_DIR_TO);
	doppel_stored a, d;
	assert_int_equal(doppel_index_get(x, "a-wire", &a), DOPPEL_OK);
	char ev[256];
	snprintf(ev, sizeof(ev), "%s", a.event);
	assert_int_equal(doppel_index_get(x, "d-independent", &d), DOPPEL_OK);
	assert_string_equal(d.event, ev);
	doppel_index_close(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_scenario_online, setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(test_scenario_out_of_order, setup, test_db_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
