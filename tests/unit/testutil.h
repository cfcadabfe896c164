/*
 * testutil.h — helpers shared by the cmocka unit tests.
 */
#ifndef DOPPEL_TESTUTIL_H
#define DOPPEL_TESTUTIL_H

#include <setjmp.h>
#include <sys/stat.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "doppel.h"

/* Path of a fixture under tests/data (DOPPEL_TEST_DATA overrides it). */
static inline const char *test_data(const char *name)
{
	static char buf[4096];
	const char *dir = getenv("DOPPEL_TEST_DATA");
	snprintf(buf, sizeof(buf), "%s/%s", dir ? dir : "tests/data", name);
	return buf;
}

/* A fresh temporary directory for one test; the caller removes it with
 * test_rmdir(). */
static inline char *test_tmpdir(void)
{
	char tmpl[] = "/tmp/doppel-test-XXXXXX";
	char *d = mkdtemp(tmpl);
	assert_non_null(d);
	return strdup(d);
}

static inline void test_rmdir(char *dir)
{
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(dir);
}

/* A scratch directory with a database path in it, for index tests. */
struct test_db {
	char *dir;
	char db[512];
};

/* cmocka setup: a struct test_db whose database is NAME in a new
 * directory; test_db_teardown removes both. */
static inline int test_db_setup(void **state, const char *name)
{
	struct test_db *f = calloc(1, sizeof(*f));
	f->dir = test_tmpdir();
	snprintf(f->db, sizeof(f->db), "%s/%s", f->dir, name);
	*state = f;
	return 0;
}

static inline int test_db_teardown(void **state)
{
	struct test_db *f = *state;
	test_rmdir(f->dir);
	free(f);
	return 0;
}

/* Opens an index with the default parameters, 2 threads and these
 * relations (DOPPEL_FIND_*), failing the test with the message if it
 * cannot. */
static inline doppel_index *test_open_index(const char *path, unsigned relations,
                                            unsigned flags)
{
	doppel_params p;
	doppel_params_init(&p);
	p.threads = 2;
	p.relations = relations;
	doppel_index *x = NULL;
	char err[256] = "";
	if (doppel_index_open(&x, path, &p, flags, err, sizeof(err)))
		fail_msg("open %s: %s", path, err);
	return x;
}

/* Writes len bytes to path, failing the test on error. */
static inline void test_write(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* The relation a finished scan states between articles a and b, in either
 * order; DOPPEL_REL_NONE when it states none. */
static inline doppel_relation test_scan_relation(const doppel_scan *s, const char *a,
                                                 const char *b)
{
	for (size_t i = 0; i < doppel_scan_pair_count(s); i++) {
		doppel_pair p;
		assert_int_equal(doppel_scan_pair(s, i, &p), DOPPEL_OK);
		if ((!strcmp(p.a, a) && !strcmp(p.b, b)) || (!strcmp(p.a, b) && !strcmp(p.b, a)))
			return p.relation;
	}
	return DOPPEL_REL_NONE;
}

/* Every article of test_data(name), in the reader's order; there must be
 * count of them. The caller frees the batch. */
static inline doppel_batch *test_read_data(const char *name, size_t count)
{
	doppel_read_options ro;
	doppel_read_options_init(&ro);
	doppel_reader *r = doppel_reader_new(&ro);
	assert_non_null(r);
	assert_int_equal(doppel_reader_add_path(r, test_data(name)), DOPPEL_OK);
	doppel_batch *b = doppel_batch_new();
	doppel_article a;
	int rc;
	while ((rc = doppel_reader_next(r, &a)) != DOPPEL_END) {
		assert_int_equal(rc, DOPPEL_OK);
		assert_int_equal(doppel_batch_push(b, &a), DOPPEL_OK);
	}
	doppel_reader_free(r);
	assert_int_equal(doppel_batch_count(b), count);
	return b;
}

/* A finished scan, with the default parameters, of the articles of b. */
static inline doppel_scan *test_scan_batch(const doppel_batch *b, unsigned relations)
{
	doppel_params p;
	doppel_params_init(&p);
	p.relations = relations;
	doppel_scan *s = doppel_scan_new(&p);
	assert_non_null(s);
	assert_int_equal(doppel_scan_add(s, b), DOPPEL_OK);
	assert_int_equal(doppel_scan_finish(s), DOPPEL_OK);
	return s;
}

/* Runs sql on the database file at path, outside the library: what an
 * older version or another program left in it. */
static inline void test_db_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
	sqlite3_close(db);
}

/* Adds article `id` of all to x as a batch of its own (it must be
 * added); its relation with stored article `other`, or none; its result
 * into *out when out is not NULL (valid until x adds again). */
static inline doppel_relation test_add_one(doppel_index *x, const doppel_batch *all,
                                           const char *id, const char *other,
                                           doppel_result *out)
{
	doppel_batch *one = doppel_batch_new();
	for (size_t i = 0; i < doppel_batch_count(all); i++)
		if (!strcmp(doppel_batch_article(all, i)->id, id))
			assert_int_equal(doppel_batch_push(one, doppel_batch_article(all, i)),
			                 DOPPEL_OK);
	assert_int_equal(doppel_batch_count(one), 1);
	assert_int_equal(doppel_index_add(x, one, DOPPEL_DUP_ERROR), DOPPEL_OK);
	doppel_result res;
	assert_int_equal(doppel_index_result(x, 0, &res), DOPPEL_OK);
	assert_int_equal(res.outcome, DOPPEL_ADDED);
	doppel_relation rel = DOPPEL_REL_NONE;
	for (size_t k = 0; k < res.count; k++)
		if (!strcmp(res.matches[k].id, other))
			rel = res.matches[k].relation;
	doppel_batch_free(one);
	if (out)
		*out = res;
	return rel;
}

#endif
