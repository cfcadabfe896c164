/*
 * test_pkeys.c — the rules of passage keys: window keys find reuse whose
 * words were shuffled across sentences (tests/data/shuffled), and a
 * database keeps the key rules it was made with (meta passage_keys): one
 * made by the first rules goes on making keys by them (and is checked by
 * them), one that does not
 * say is given the rules its keys show, one made by unknown rules is
 * refused.
 */
#include "testutil.h"

#include <sqlite3.h>

#define WIRE "wire/ferry-cuts"
#define BLOG "blog/island-winter"

/* The two articles of the fixture, the wire report first. */
static doppel_batch *read_fixture(void)
{
	doppel_batch *all = test_read_data("shuffled", 2);
	doppel_batch *b = doppel_batch_new();
	const char *order[] = {WIRE, BLOG};
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < 2; i++)
			if (!strcmp(doppel_batch_article(all, i)->id, order[k]))
				assert_int_equal(
					doppel_batch_push(b, doppel_batch_article(all, i)),
					DOPPEL_OK);
	doppel_batch_free(all);
	assert_int_equal(doppel_batch_count(b), 2);
	return b;
}

/* The passage_keys value of the database's meta table; 0 when absent. */
static int stored_rules(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT value FROM meta WHERE key = 'passage_keys'",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	int v = 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = atoi((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* A new, empty database at path, closed again. */
static void make_db(const char *path)
{
	doppel_index_close(test_open_index(path, DOPPEL_FIND_ALL, DOPPEL_OPEN_CREATE));
}

/* Adds the fixture's articles one at a time to the database at path; the
 * relation the blog post is given to the wire report. */
static doppel_relation add_fixture(const char *path)
{
	doppel_batch *b = read_fixture();
	doppel_index *x = test_open_index(path, DOPPEL_FIND_ALL, 0);
	doppel_batch *one = doppel_batch_new();
	doppel_relation rel = DOPPEL_REL_NONE;
	for (size_t i = 0; i < doppel_batch_count(b); i++) {
		doppel_batch_clear(one);
		assert_int_equal(doppel_batch_push(one, doppel_batch_article(b, i)), DOPPEL_OK);
		assert_int_equal(doppel_index_add(x, one, DOPPEL_DUP_ERROR), DOPPEL_OK);
		doppel_result r;
		assert_int_equal(doppel_index_result(x, 0, &r), DOPPEL_OK);
		for (size_t k = 0; k < r.count; k++)
			if (!strcmp(r.matches[k].id, WIRE))
				rel = r.matches[k].relation;
	}
	doppel_batch_free(one);
	doppel_index_close(x);
	doppel_batch_free(b);
	return rel;
}

/* A scan (a database in memory, this library's rules) finds the shuffled
 * reuse: the window keys make the pair a candidate. */
static void test_scan_finds_shuffled(void **state)
{
	(void)state;
	doppel_batch *b = read_fixture();
	doppel_params p;
	doppel_params_init(&p);
	p.threads = 1;
	doppel_scan *s = doppel_scan_new(&p);
	assert_non_null(s);
	assert_int_equal(doppel_scan_add(s, b), DOPPEL_OK);
	assert_int_equal(doppel_scan_finish(s), DOPPEL_OK);
	doppel_relation rel = test_scan_relation(s, WIRE, BLOG);
	assert_true(rel == DOPPEL_REL_EXCERPT || rel == DOPPEL_REL_REWRITE);
	doppel_scan_free(s);
	doppel_batch_free(b);
}

/* A new database records this library's rules and finds the shuffled
 * reuse as articles arrive. */
static void test_new_database(void **state)
{
	struct test_db *f = *state;
	make_db(f->db);
	assert_int_equal(stored_rules(f->db), 2);
	doppel_relation rel = add_fixture(f->db);
	assert_true(rel == DOPPEL_REL_EXCERPT || rel == DOPPEL_REL_REWRITE);
	assert_int_equal(stored_rules(f->db), 2);
}

/* A database made by the first rules keeps making its keys by them:
 * without window keys the pair is no candidate. */
static void test_first_rules_kept(void **state)
{
	struct test_db *f = *state;
	make_db(f->db);
	test_db_exec(f->db, "UPDATE meta SET value = '1' WHERE key = 'passage_keys';");
	assert_int_equal(add_fixture(f->db), DOPPEL_REL_NONE);
	assert_int_equal(stored_rules(f->db), 1);
	/* relating it again makes keys by its rules too: nothing differs */
	doppel_params p;
	doppel_params_init(&p);
	doppel_check c;
	char err[256] = "";
	assert_int_equal(doppel_index_check(f->db, &p, &c, err, sizeof(err)), DOPPEL_OK);
	assert_int_equal(c.missing, 0);
	assert_int_equal(c.extra, 0);
}

/* A database that does not say (made before the rules were recorded):
 * with keys, they are the first rules' and the database is told so; with
 * none, it takes this library's. */
static void test_unrecorded_rules(void **state)
{
	struct test_db *f = *state;
	make_db(f->db);
	test_db_exec(f->db, "DELETE FROM meta WHERE key = 'passage_keys';"
	               "INSERT INTO pkeys(num, keys) VALUES(1, x'01000000');");
	make_db(f->db);
	assert_int_equal(stored_rules(f->db), 1);
	test_db_exec(f->db, "DELETE FROM meta WHERE key = 'passage_keys'; DELETE FROM pkeys;");
	make_db(f->db);
	assert_int_equal(stored_rules(f->db), 2);
}

/* Keys made by rules this library does not know are refused, read-only
 * too. */
static void test_unknown_rules_refused(void **state)
{
	struct test_db *f = *state;
	make_db(f->db);
	test_db_exec(f->db, "UPDATE meta SET value = '3' WHERE key = 'passage_keys';");
	doppel_params p;
	doppel_params_init(&p);
	const unsigned flags[] = {0, DOPPEL_OPEN_READONLY};
	for (size_t i = 0; i < 2; i++) {
		doppel_index *x = NULL;
		char err[256] = "";
		assert_int_equal(doppel_index_open(&x, f->db, &p, flags[i], err, sizeof(err)),
		                 DOPPEL_E_MISMATCH);
		assert_null(x);
		assert_non_null(strstr(err, "passage keys"));
	}
}

static int setup(void **state)
{
	return test_db_setup(state, "pkeys.db");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_finds_shuffled),
		cmocka_unit_test_setup_teardown(test_new_database, setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(test_first_rules_kept, setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(test_unrecorded_rules, setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(test_unknown_rules_refused, setup,
	                                        test_db_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
