/*
 * test_index.c — the persistent index: add, query, ids already present,
 * reopening, parameter checks, foreign files, read-only use, and the rows
 * of the rarity counts.
 */
#include "corpus.h"
#include "internal.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct fixture {
	char *dir;
	char db[512];
	char *orig[6];
	char *cut;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	f->dir = test_tmpdir();
	snprintf(f->db, sizeof(f->db), "%s/index.db", f->dir);
	for (int i = 0; i < 6; i++)
		f->orig[i] = corpus_text((uint64_t)i + 50, 300);
	f->cut = corpus_cut(f->orig[3], 0.6);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	for (int i = 0; i < 6; i++)
		free(f->orig[i]);
	free(f->cut);
	test_rmdir(f->dir);
	free(f);
	return 0;
}

static const char *const ids[6] = {"a0", "a1", "a2", "a3", "a4", "a5"};

static doppel_index *open_db(const char *path, unsigned flags, int expect)
{
	doppel_params p;
	doppel_params_init(&p);
	p.threads = 2;
	doppel_index *x = (doppel_index *)1;
	char err[256];
	int rc = doppel_index_open(&x, path, &p, flags, err, sizeof(err));
	assert_int_equal(rc, expect);
	if (rc != DOPPEL_OK)
		assert_null(x);
	return x;
}

static void add_originals(struct fixture *f, doppel_index *x)
{
	doppel_batch *b = doppel_batch_new();
	for (int i = 0; i < 6; i++)
		corpus_push(b, ids[i], f->orig[i], "2024-05-01", "wire");
	assert_int_equal(doppel_index_add(x, b, DOPPEL_DUP_SKIP), DOPPEL_OK);
	for (int i = 0; i < 6; i++) {
		doppel_result r;
		assert_int_equal(doppel_index_result(x, (size_t)i, &r), DOPPEL_OK);
		assert_int_equal(r.outcome, DOPPEL_ADDED);
		assert_int_equal(r.count, 0);
	}
	doppel_batch_free(b);
}

static void test_add_and_query(void **state)
{
	struct fixture *f = *state;
	doppel_index *x = open_db(f->db, DOPPEL_OPEN_CREATE, DOPPEL_OK);
	add_originals(f, x);
	assert_int_equal(doppel_index_count(x), 6);

	doppel_batch *b = doppel_batch_new();
	corpus_push(b, "cut", f->cut, "2024-05-03", "farm");
	corpus_push(b, "reprint", f->orig[1], "2024-04-30", "farm");
	assert_int_equal(doppel_index_query(x, b), DOPPEL_OK);
	doppel_result r;
	assert_int_equal(doppel_index_result(x, 0, &r), DOPPEL_OK);
	assert_int_equal(r.outcome, DOPPEL_QUERIED);
	assert_int_equal(r.count, 1);
	assert_string_equal(r.matches[0].id, "a3");
	assert_int_equal(r.matches[0].relation, DOPPEL_REL_COPY);
	assert_int_equal(r.matches[0].direction, DOPPEL_DIR_FROM);
	assert_true(r.matches[0].containment > 0.8);
	assert_int_equal(doppel_index_result(x, 1, &r), DOPPEL_OK);
	assert_int_equal(r.count, 1);
	assert_int_equal(r.matches[0].relation, DOPPEL_REL_DUPLICATE);
	assert_int_equal(r.matches[0].direction, DOPPEL_DIR_TO);
	assert_int_equal(doppel_index_result(x, 2, &r), DOPPEL_E_ARG);
	/* Query adds nothing. */
	assert_int_equal(doppel_index_count(x), 6);

	/* Within one added batch, a later article sees an earlier one. */
	doppel_batch_clear(b);
	corpus_push(b, "new", f->orig[5] /* same text as a5 */, NULL, NULL);
	corpus_push(b, "new-copy", f->orig[5], NULL, NULL);
	assert_int_equal(doppel_index_add(x, b, DOPPEL_DUP_SKIP), DOPPEL_OK);
	assert_int_equal(doppel_index_result(x, 1, &r), DOPPEL_OK);
	assert_int_equal(r.count, 2);
	assert_int_equal(r.matches[0].relation, DOPPEL_REL_DUPLICATE);
	assert_int_equal(doppel_index_count(x), 8);
	doppel_batch_free(b);
	doppel_index_close(x);
	doppel_index_close(NULL);
}

static void test_existing_ids(void **state)
{
	struct fixture *f = *state;
	doppel_index *x = open_db(f->db, DOPPEL_OPEN_CREATE, DOPPEL_OK);
	add_originals(f, x);
	doppel_batch *b = doppel_batch_new();
	corpus_push(b, "a2", f->orig[4], NULL, NULL);
	doppel_result r;

	assert_int_equal(doppel_index_add(x, b, DOPPEL_DUP_SKIP), DOPPEL_OK);
	assert_int_equal(doppel_index_result(x, 0, &r), DOPPEL_OK);
	assert_int_equal(r.outcome, DOPPEL_SKIPPED);

	assert_int_equal(doppel_index_add(x, b, DOPPEL_DUP_ERROR), DOPPEL_OK);
	assert_int_equal(doppel_index_result(x, 0, &r), DOPPEL_OK);
	assert_int_equal(r.outcome, DOPPEL_REJECTED);
	assert_int_equal(r.error, DOPPEL_E_DUPID);

	/* Replacing a2 by a4's text: it is now a duplicate of a4, and a
	 * query with a2's old text finds nothing. */
	assert_int_equal(doppel_index_add(x, b, DOPPEL_DUP_REPLACE), DOPPEL_OK);
	assert_int_equal(doppel_index_result(x, 0, &r), DOPPEL_OK);
	assert_int_equal(r.outcome, DOPPEL_REPLACED);
	assert_int_equal(r.count, 1);
	assert_string_equal(r.matches[0].id, "a4");
	assert_int_equal(doppel_index_count(x), 6);
	doppel_batch_clear(b);
	corpus_push(b, "probe", f->orig[2], NULL, NULL);
	assert_int_equal(doppel_index_query(x, b), DOPPEL_OK);
	assert_int_equal(doppel_index_result(x, 0, &r), DOPPEL_OK);
	assert_int_equal(r.count, 0);
	doppel_index_close(x);

	/* The replacement is what was stored. */
	x = open_db(f->db, 0, DOPPEL_OK);
	assert_int_equal(doppel_index_count(x), 6);
	assert_int_equal(doppel_index_query(x, b), DOPPEL_OK);
	assert_int_equal(doppel_index_result(x, 0, &r), DOPPEL_OK);
	assert_int_equal(r.count, 0);
	doppel_batch_free(b);
	doppel_index_close(x);
}

static void test_reopen_and_parameters(void **state)
{
	struct fixture *f = *state;
	doppel_index *x = open_db(f->db, DOPPEL_OPEN_CREATE, DOPPEL_OK);
	add_originals(f, x);
	doppel_index_close(x);

	/* Missing without CREATE. */
	char other[600];
	snprintf(other, sizeof(other), "%s/none.db", f->dir);
	open_db(other, 0, DOPPEL_E_NOTFOUND);
	open_db(other, DOPPEL_OPEN_READONLY, DOPPEL_E_NOTFOUND);

	/* Signatures survive: a copy is found after reopening. */
	x = open_db(f->db, DOPPEL_OPEN_READONLY, DOPPEL_OK);
	assert_int_equal(doppel_index_count(x), 6);
	doppel_batch *b = doppel_batch_new();
	corpus_push(b, "cut", f->cut, NULL, NULL);
	assert_int_equal(doppel_index_query(x, b), DOPPEL_OK);
	doppel_result r;
	assert_int_equal(doppel_index_result(x, 0, &r), DOPPEL_OK);
	assert_int_equal(r.count, 1);
	assert_string_equal(r.matches[0].id, "a3");
	/* Read-only: adding is refused. */
	assert_int_equal(doppel_index_add(x, b, DOPPEL_DUP_SKIP), DOPPEL_E_READONLY);
	doppel_index_close(x);

	/* Other stored parameters: a clear mismatch, unless adopted. */
	doppel_params p;
	doppel_params_init(&p);
	p.k = 256;
	char err[256];
	assert_int_equal(doppel_index_open(&x, f->db, &p, 0, err, sizeof(err)),
	                 DOPPEL_E_MISMATCH);
	assert_non_null(strstr(err, "k=128"));
	assert_non_null(strstr(err, "k=256"));
	assert_int_equal(doppel_index_open(&x, f->db, &p, DOPPEL_OPEN_ADOPT, err, sizeof(err)),
	                 DOPPEL_OK);
	assert_int_equal(doppel_index_count(x), 6);
	doppel_index_close(x);

	/* Another format version. */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE meta SET value='99' WHERE key='format_version'",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(doppel_index_open(&x, f->db, &p, DOPPEL_OPEN_ADOPT, err, sizeof(err)),
	                 DOPPEL_E_MISMATCH);
	assert_non_null(strstr(err, "format version 99"));
	doppel_batch_free(b);
}

static void test_foreign_files(void **state)
{
	struct fixture *f = *state;
	char path[600];
	snprintf(path, sizeof(path), "%s/notes.txt", f->dir);
	const char junk[] = "These are my notes, not a database at all.\n"
	                    "Some more text so that the file has a header's length or more.\n";
	test_write(path, junk, sizeof(junk) - 1);
	open_db(path, 0, DOPPEL_E_NOTDB);
	open_db(path, DOPPEL_OPEN_READONLY, DOPPEL_E_NOTDB);

	/* An SQLite database of some other application. */
	snprintf(path, sizeof(path), "%s/other.db", f->dir);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	open_db(path, DOPPEL_OPEN_CREATE, DOPPEL_E_NOTDB);

	/* A directory. */
	open_db(f->dir, DOPPEL_OPEN_CREATE, DOPPEL_E_NOTDB);
}

/* The read-only checks, run as whoever cannot write the file. Returns the
 * number of the first failed check, 0 when all pass; it does not use
 * cmocka's asserts so that it can run in a child process. */
static int check_readonly(const char *db)
{
	doppel_params p;
	doppel_params_init(&p);
	doppel_index *x = NULL;
	if (doppel_index_open(&x, db, &p, 0, NULL, 0) != DOPPEL_E_READONLY)
		return 1;
	if (doppel_index_open(&x, db, &p, DOPPEL_OPEN_CREATE, NULL, 0) != DOPPEL_E_READONLY)
		return 2;
	if (doppel_index_open(&x, db, &p, DOPPEL_OPEN_READONLY, NULL, 0) != DOPPEL_OK)
		return 3;
	int rc = doppel_index_count(x) == 6 ? 0 : 4;
	doppel_index_close(x);
	return rc;
}

static void test_readonly_file(void **state)
{
	struct fixture *f = *state;
	doppel_index *x = open_db(f->db, DOPPEL_OPEN_CREATE, DOPPEL_OK);
	add_originals(f, x);
	doppel_index_close(x);
	assert_int_equal(chmod(f->db, 0444), 0);
	if (geteuid() != 0) {
		assert_int_equal(check_readonly(f->db), 0);
		return;
	}
	/* root writes whatever the mode says: check as an ordinary user in a
	 * child process, which can read the directory but not write it. */
	assert_int_equal(chmod(f->dir, 0755), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(2);
		_exit(check_readonly(f->db));
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(chmod(f->db, 0644), 0);
}

/* Commits one after another, with no pause for a checkpoint: the
 * write-ahead log is still copied into the database and reused from its
 * start, so it stays near the size at which checkpoints begin (1000
 * pages) instead of growing with every commit. */
static void test_log_stays_bounded(void **state)
{
	struct fixture *f = *state;
	doppel_params p;
	doppel_params_init(&p);
	p.threads = 1;
	p.relations = DOPPEL_FIND_DUPLICATE | DOPPEL_FIND_COPY;
	doppel_index *x = NULL;
	char err[256];
	assert_int_equal(doppel_index_open(&x, f->db, &p, DOPPEL_OPEN_CREATE, err, sizeof(err)),
	                 DOPPEL_OK);
	char wal[600];
	snprintf(wal, sizeof(wal), "%s-wal", f->db);
	doppel_batch *b = doppel_batch_new();
	off_t most = 0;
	enum { N = 4000 };
	for (int i = 0; i < N; i++) {
		char id[16];
		snprintf(id, sizeof(id), "w%d", i);
		char *text = corpus_text((uint64_t)i + 100000, 60);
		doppel_batch_clear(b);
		corpus_push(b, id, text, NULL, NULL);
		assert_int_equal(doppel_index_add(x, b, DOPPEL_DUP_ERROR), DOPPEL_OK);
		free(text);
		struct stat st;
		if (stat(wal, &st) == 0 && st.st_size > most)
			most = st.st_size;
	}
	struct stat db;
	assert_int_equal(stat(f->db, &db), 0);
	/* Without checkpoints the log holds every page every commit wrote,
	 * several per commit, 16 KiB each: over 100 MB here. */
	assert_true(most > 0);
	if (most >= 4000 * 16384)
		fail_msg("the log grew to %lld bytes", (long long)most);
	doppel_batch_free(b);
	doppel_index_close(x);
	/* closed cleanly: the log is gone, the articles are in the file */
	assert_int_not_equal(stat(wal, &db), 0);
	x = open_db(f->db, DOPPEL_OPEN_READONLY, DOPPEL_OK);
	assert_int_equal(doppel_index_count(x), N);
	doppel_index_close(x);
}

/* The rarity counts as the database holds them: every (key, df) pair of
 * the rows from `from` on (the parts) or of all rows, sorted, into *out;
 * how many rows there are of each kind. */
struct counts {
	uint8_t *pair; /* 12 bytes each: key, df, little-endian */
	size_t n;
	size_t parts, legacy; /* rows from 4096 on, rows below */
};

static int cmp_pair(const void *a, const void *b)
{
	return memcmp(a, b, 12);
}

static struct counts read_counts(const char *path)
{
	struct counts c = {0};
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT id, counts FROM rarity", -1, &st, NULL),
	                 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		sqlite3_int64 id = sqlite3_column_int64(st, 0);
		const uint8_t *blob = sqlite3_column_blob(st, 1);
		size_t len = (size_t)sqlite3_column_bytes(st, 1);
		size_t head = id == 1 ? 4 : 12;
		assert_true(len >= head && (len - head) % 12 == 0);
		if (id >= 4096)
			c.parts++;
		else
			c.legacy++;
		c.pair = realloc(c.pair, (c.n + (len - head) / 12) * 12 + 1);
		assert_non_null(c.pair);
		memcpy(c.pair + c.n * 12, blob + head, len - head);
		c.n += (len - head) / 12;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	qsort(c.pair, c.n, 12, cmp_pair);
	return c;
}

/* A database whose counts are in the layout of earlier versions (row 1,
 * the table whole) is read whole, written again in parts (rows from 4096
 * on) and the old row deleted, every count kept. */
static void test_rarity_rows(void **state)
{
	struct fixture *f = *state;
	doppel_index *x = open_db(f->db, DOPPEL_OPEN_CREATE, DOPPEL_OK);
	add_originals(f, x);
	doppel_index_close(x);
	struct counts parts = read_counts(f->db);
	assert_int_equal(parts.parts, DOPPEL__RARITY_PARTS);
	assert_int_equal(parts.legacy, 0);
	assert_true(parts.n > 100);

	/* The table whole in row 1, as earlier versions wrote it. */
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	uint8_t *whole = malloc(4 + parts.n * 12);
	assert_non_null(whole);
	memset(whole, 0, 4);
	whole[0] = 6; /* articles counted */
	memcpy(whole + 4, parts.pair, parts.n * 12);
	assert_int_equal(sqlite3_exec(db, "DELETE FROM rarity", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(
		sqlite3_prepare_v2(db, "INSERT INTO rarity(id, counts) VALUES(1, ?)", -1, &st, NULL),
		SQLITE_OK);
	sqlite3_bind_blob(st, 1, whole, (int)(4 + parts.n * 12), SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(whole);

	/* Opened and closed: written again in parts, the old row gone. */
	x = open_db(f->db, DOPPEL_OPEN_CREATE, DOPPEL_OK);
	doppel_index_close(x);
	struct counts again = read_counts(f->db);
	assert_int_equal(again.legacy, 0);
	assert_int_equal(again.parts, DOPPEL__RARITY_PARTS);
	assert_int_equal(again.n, parts.n);
	assert_memory_equal(again.pair, parts.pair, parts.n * 12);
	free(parts.pair);
	free(again.pair);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_and_query, setup, teardown),
		cmocka_unit_test_setup_teardown(test_existing_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reopen_and_parameters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreign_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readonly_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_stays_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rarity_rows, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
