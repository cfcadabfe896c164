/*
 * test_check.c — doppel_index_check(): a sound index is found sound; a
 * relation or a signature changed behind the index's back is found.
 */
#include "testutil.h"

#include <sqlite3.h>

/* An index of the labelled stories, in a new directory. */
static char *make_index(char *db, size_t len)
{
	char *dir = test_tmpdir();
	snprintf(db, len, "%s/x.db", dir);
	doppel_params p;
	doppel_params_init(&p);
	doppel_index *x = NULL;
	char err[256];
	assert_int_equal(doppel_index_open(&x, db, &p, DOPPEL_OPEN_CREATE, err, sizeof(err)),
	                 DOPPEL_OK);
	doppel_read_options ro;
	doppel_read_options_init(&ro);
	doppel_reader *r = doppel_reader_new(&ro);
	assert_int_equal(doppel_reader_add_path(r, test_data("scenario")), DOPPEL_OK);
	assert_int_equal(doppel_reader_add_path(r, test_data("eval/s14")), DOPPEL_OK);
	doppel_batch *b = doppel_batch_new();
	doppel_article a;
	int rc;
	while ((rc = doppel_reader_next(r, &a)) != DOPPEL_END)
		if (rc == DOPPEL_OK)
			assert_int_equal(doppel_batch_push(b, &a), DOPPEL_OK);
	/* Two batches, as a stream would come. */
	doppel_batch *first = doppel_batch_new();
	for (size_t i = 0; i < doppel_batch_count(b) / 2; i++)
		assert_int_equal(doppel_batch_push(first, doppel_batch_article(b, i)), DOPPEL_OK);
	doppel_batch *rest = doppel_batch_new();
	for (size_t i = doppel_batch_count(b) / 2; i < doppel_batch_count(b); i++)
		assert_int_equal(doppel_batch_push(rest, doppel_batch_article(b, i)), DOPPEL_OK);
	assert_int_equal(doppel_index_add(x, first, DOPPEL_DUP_ERROR), DOPPEL_OK);
	assert_int_equal(doppel_index_add(x, rest, DOPPEL_DUP_ERROR), DOPPEL_OK);
	doppel_batch_free(first);
	doppel_batch_free(rest);
	doppel_batch_free(b);
	doppel_reader_free(r);
	doppel_index_close(x);
	return dir;
}

static void run_sql(const char *db, const char *sql)
{
	sqlite3 *h = NULL;
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_true(sqlite3_changes(h) > 0);
	sqlite3_close(h);
}

/* The meta value of key, asserted to be want. */
static void assert_meta(const char *db, const char *key, const char *want)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(
		sqlite3_prepare_v2(h, "SELECT value FROM meta WHERE key = ?1", -1, &st, NULL),
		SQLITE_OK);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), want);
	sqlite3_finalize(st);
	sqlite3_close(h);
}

/* One stored relation said to be another (same-event and same-story
 * swapped, or a relation made same-story). */
static void change_one_relation(const char *db)
{
	run_sql(db, "UPDATE relations SET relation = CASE relation WHEN 5 THEN 4 ELSE 5 END"
	            " WHERE (a, b) = (SELECT a, b FROM relations LIMIT 1)");
}

static void check(const char *db, doppel_check *k)
{
	doppel_params p;
	doppel_params_init(&p);
	char err[256];
	assert_int_equal(doppel_index_check(db, &p, k, err, sizeof(err)), DOPPEL_OK);
	assert_int_equal(k->integrity, 1);
}

static void test_sound(void **state)
{
	(void)state;
	char db[600];
	char *dir = make_index(db, sizeof(db));
	doppel_check k;
	check(db, &k);
	assert_int_equal(k.articles, 13);
	assert_true(k.relations > 10);
	assert_int_equal(k.signatures, 0);
	assert_int_equal(k.missing, 0);
	assert_int_equal(k.extra, 0);
	assert_int_equal(k.gaps, 0);
	assert_int_equal(k.rules, 0);
	assert_string_equal(k.first, "");
	test_rmdir(dir);
}

/* A relation changed in a database whose relations another version's
 * rules made (its meta says nothing of them, as an older doppel's did not,
 * or names another version): the difference is found, and said to be one
 * of rules. A writer of this version marks such a database mixed, and a
 * new one as its own. */
static void test_other_rules(void **state)
{
	(void)state;
	char db[600];
	char *dir = make_index(db, sizeof(db));
	change_one_relation(db);
	doppel_check k;
	check(db, &k);
	assert_int_equal(k.rules, 0);
	assert_int_equal(k.missing, 1);
	run_sql(db, "DELETE FROM meta WHERE key = 'rules'");
	check(db, &k);
	assert_int_equal(k.rules, 1);
	assert_int_equal(k.missing, 1);
	assert_int_equal(k.extra, 1);
	/* opened to write: marked mixed, still not this version's alone */
	doppel_params p;
	doppel_params_init(&p);
	doppel_index *x = NULL;
	char err[256];
	assert_int_equal(doppel_index_open(&x, db, &p, 0, err, sizeof(err)), DOPPEL_OK);
	doppel_index_close(x);
	assert_meta(db, "rules", "mixed");
	check(db, &k);
	assert_int_equal(k.rules, 1);
	run_sql(db, "UPDATE meta SET value = '0' WHERE key = 'rules'");
	check(db, &k);
	assert_int_equal(k.rules, 1);
	test_rmdir(dir);
}

static void test_changed_relation(void **state)
{
	(void)state;
	char db[600];
	char *dir = make_index(db, sizeof(db));
	/* One stored relation said to be another: missing once, found again
	 * once more. */
	change_one_relation(db);
	doppel_check k;
	check(db, &k);
	assert_int_equal(k.missing, 1);
	assert_int_equal(k.extra, 1);
	assert_int_equal(k.signatures, 0);
	assert_non_null(strstr(k.first, "relation"));
	/* The same row (the first by its key) gone altogether: only found
	 * again, no longer stored otherwise. */
	run_sql(db, "DELETE FROM relations WHERE (a, b) = (SELECT a, b FROM relations LIMIT 1)");
	check(db, &k);
	assert_int_equal(k.missing, 0);
	assert_int_equal(k.extra, 1);
	test_rmdir(dir);
}

/* The check of the index once sql has changed a stored article: one
 * article made again differs, and the first difference names `what`. */
static void changed_article(const char *sql, const char *what)
{
	char db[600];
	char *dir = make_index(db, sizeof(db));
	run_sql(db, sql);
	doppel_check k;
	check(db, &k);
	assert_int_equal(k.signatures, 1);
	assert_int_equal(k.missing, 0);
	assert_non_null(strstr(k.first, what));
	test_rmdir(dir);
}

static void test_changed_signature(void **state)
{
	(void)state;
	changed_article("UPDATE articles SET signature = zeroblob(length(signature))"
	                " WHERE num = (SELECT max(num) FROM articles)",
	                "signature");
}

/* Figures are made again too: a figure changed in the database is a
 * difference (figures veto copies). */
static void test_changed_figures(void **state)
{
	(void)state;
	changed_article("UPDATE articles SET figures = x'01020304'"
	                " WHERE num = (SELECT max(num) FROM articles)",
	                "figures");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sound),
		cmocka_unit_test(test_other_rules),
		cmocka_unit_test(test_changed_relation),
		cmocka_unit_test(test_changed_signature),
		cmocka_unit_test(test_changed_figures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
