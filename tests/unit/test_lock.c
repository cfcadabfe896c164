/*
 * test_lock.c — one writer per database: a second writing handle, in this
 * process or a forked one, is refused at once with DOPPEL_E_BUSY and a
 * message naming the holder; readers open beside the writer and see what
 * it committed; a writer killed with SIGKILL leaves a lock file that
 * blocks nobody.
 */
#include "corpus.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

/* A scratch directory with news.db's path, and its removal. */
static int setup(void **state)
{
	return test_db_setup(state, "news.db");
}

static int teardown(void **state)
{
	return test_db_teardown(state);
}

/* Opens path with flags as program; returns the status, the handle in *x
 * and the message in err (256 bytes). */
static int open_as(const char *path, const char *program, unsigned flags, doppel_index **x,
                   char *err)
{
	doppel_params p;
	doppel_params_init(&p);
	p.threads = 1;
	p.relations = DOPPEL_FIND_DUPLICATE | DOPPEL_FIND_COPY;
	p.program = program;
	*err = '\0';
	return doppel_index_open(x, path, &p, flags, err, 256);
}

/* Adds one small article with this id and commits it. */
static void add_one(doppel_index *x, const char *id, uint64_t seed)
{
	doppel_batch *b = doppel_batch_new();
	char *text = corpus_text(seed, 80);
	corpus_push(b, id, text, NULL, NULL);
	assert_int_equal(doppel_index_add(x, b, DOPPEL_DUP_ERROR), DOPPEL_OK);
	free(text);
	doppel_batch_free(b);
}

/* The contents of path.lock, NUL-terminated, into buf (size n). */
static void read_lock(const char *path, char *buf, size_t n)
{
	char lock[600];
	snprintf(lock, sizeof(lock), "%s.lock", path);
	FILE *f = fopen(lock, "rb");
	assert_non_null(f);
	size_t got = fread(buf, 1, n - 1, f);
	buf[got] = '\0';
	fclose(f);
}

/* Two handles of one process: the second writer is refused, by name and
 * pid; readers open and see the writer's commits; once the writer closes,
 * the lock file is empty and another writer opens. */
static void test_second_writer_in_process(void **state)
{
	struct test_db *f = *state;
	char err[256], want[800], got[256];
	doppel_index *w = NULL, *w2 = (doppel_index *)1, *r = NULL;
	assert_int_equal(open_as(f->db, "doppel serve", DOPPEL_OPEN_CREATE, &w, err), DOPPEL_OK);

	snprintf(want, sizeof(want), "%ld doppel serve\n", (long)getpid());
	read_lock(f->db, got, sizeof(got));
	assert_string_equal(got, want);

	/* CREATE or not, LAZY or not: every writer takes the lock. */
	const unsigned writers[] = {0, DOPPEL_OPEN_CREATE, DOPPEL_OPEN_LAZY, DOPPEL_OPEN_ADOPT};
	for (size_t i = 0; i < sizeof(writers) / sizeof(*writers); i++) {
		assert_int_equal(open_as(f->db, "doppel add", writers[i], &w2, err),
		                 DOPPEL_E_BUSY);
		assert_null(w2);
		snprintf(want, sizeof(want), "%s is in use by doppel serve (pid %ld)", f->db,
		         (long)getpid());
		assert_string_equal(err, want);
	}
	assert_string_equal(doppel_strerror(DOPPEL_E_BUSY), "database is in use by another writer");

	/* Readers do not take the lock, and see committed state. */
	add_one(w, "first", 1);
	assert_int_equal(open_as(f->db, "doppel query", DOPPEL_OPEN_READONLY, &r, err),
	                 DOPPEL_OK);
	assert_int_equal(doppel_index_count(r), 1);
	doppel_stored st;
	assert_int_equal(doppel_index_get(r, "first", &st), DOPPEL_OK);
	add_one(w, "second", 2);
	assert_int_equal(doppel_index_get(r, "second", &st), DOPPEL_OK);
	doppel_index_close(r);

	doppel_index_close(w);
	read_lock(f->db, got, sizeof(got));
	assert_string_equal(got, "");
	assert_int_equal(open_as(f->db, "doppel add", 0, &w2, err), DOPPEL_OK);
	assert_int_equal(doppel_index_count(w2), 2);
	doppel_index_close(w2);
}

/* A refused open changes nothing: the holder's lock file still names it,
 * and a failure after the lock is taken (other parameters) lets it go. */
static void test_refusal_leaves_holder(void **state)
{
	struct test_db *f = *state;
	char err[256], want[800], got[256];
	doppel_index *w = NULL, *w2 = NULL;
	assert_int_equal(open_as(f->db, "holder", DOPPEL_OPEN_CREATE, &w, err), DOPPEL_OK);
	assert_int_equal(open_as(f->db, "late", 0, &w2, err), DOPPEL_E_BUSY);
	snprintf(want, sizeof(want), "%ld holder\n", (long)getpid());
	read_lock(f->db, got, sizeof(got));
	assert_string_equal(got, want);
	doppel_index_close(w);

	doppel_params p;
	doppel_params_init(&p);
	p.threads = 1;
	p.k = 64;
	assert_int_equal(doppel_index_open(&w2, f->db, &p, 0, err, sizeof(err)),
	                 DOPPEL_E_MISMATCH);
	assert_int_equal(open_as(f->db, "next", 0, &w, err), DOPPEL_OK);
	doppel_index_close(w);
}

/* Without a program name the process's own is written. A name with a
 * line break stays one line. */
static void test_program_names(void **state)
{
	struct test_db *f = *state;
	char err[256], want[800], got[256];
	doppel_index *w = NULL;
	assert_int_equal(open_as(f->db, NULL, DOPPEL_OPEN_CREATE, &w, err), DOPPEL_OK);
	snprintf(want, sizeof(want), "%ld test_lock\n", (long)getpid());
	read_lock(f->db, got, sizeof(got));
	assert_string_equal(got, want);
	doppel_index_close(w);

	assert_int_equal(open_as(f->db, "two\nlines", 0, &w, err), DOPPEL_OK);
	snprintf(want, sizeof(want), "%ld two?lines\n", (long)getpid());
	read_lock(f->db, got, sizeof(got));
	assert_string_equal(got, want);
	doppel_index_close(w);
}

/* Another name of the database (a symbolic link) shares its lock. */
static void test_symlink_shares_lock(void **state)
{
	struct test_db *f = *state;
	char err[256], link[600];
	doppel_index *w = NULL, *w2 = NULL;
	assert_int_equal(open_as(f->db, "doppel serve", DOPPEL_OPEN_CREATE, &w, err), DOPPEL_OK);
	snprintf(link, sizeof(link), "%s/other-name.db", f->dir);
	assert_int_equal(symlink(f->db, link), 0);
	assert_int_equal(open_as(link, "doppel add", 0, &w2, err), DOPPEL_E_BUSY);
	assert_non_null(strstr(err, "is in use by doppel serve"));
	doppel_index_close(w);
}

/* A forked process is refused while the parent writes, and reads. */
static void test_second_writer_forked(void **state)
{
	struct test_db *f = *state;
	char err[256];
	doppel_index *w = NULL;
	assert_int_equal(open_as(f->db, "doppel serve", DOPPEL_OPEN_CREATE, &w, err), DOPPEL_OK);
	add_one(w, "first", 1);
	long parent = (long)getpid();
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* No cmocka here: the exit status says which check failed. */
		doppel_index *x = NULL;
		char want[800];
		snprintf(want, sizeof(want), "%s is in use by doppel serve (pid %ld)", f->db,
		         parent);
		if (open_as(f->db, "doppel add", DOPPEL_OPEN_CREATE, &x, err) != DOPPEL_E_BUSY)
			_exit(1);
		if (strcmp(err, want) != 0)
			_exit(2);
		if (open_as(f->db, "doppel query", DOPPEL_OPEN_READONLY, &x, err) != DOPPEL_OK)
			_exit(3);
		int rc = doppel_index_count(x) == 1 ? 0 : 4;
		doppel_index_close(x);
		_exit(rc);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	doppel_index_close(w);
}

/* A writer killed with SIGKILL: its lock file stays, naming it, and the
 * next writer opens at once and finds what it committed. */
static void test_killed_writer_blocks_nobody(void **state)
{
	struct test_db *f = *state;
	int ready[2];
	assert_int_equal(pipe(ready), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char err[256];
		doppel_index *x = NULL;
		close(ready[0]);
		if (open_as(f->db, "doomed", DOPPEL_OPEN_CREATE, &x, err) != DOPPEL_OK)
			_exit(1);
		add_one(x, "survivor", 3);
		if (write(ready[1], "k", 1) != 1)
			_exit(2);
		for (;;)
			pause();
	}
	close(ready[1]);
	char c;
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);

	char err[256], want[800], got[256];
	doppel_index *w = NULL;
	assert_int_equal(open_as(f->db, "doppel add", 0, &w, err), DOPPEL_E_BUSY);
	snprintf(want, sizeof(want), "%s is in use by doomed (pid %ld)", f->db, (long)pid);
	assert_string_equal(err, want);

	assert_int_equal(kill(pid, SIGKILL), 0);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	snprintf(want, sizeof(want), "%ld doomed\n", (long)pid);
	read_lock(f->db, got, sizeof(got));
	assert_string_equal(got, want);

	assert_int_equal(open_as(f->db, "doppel add", 0, &w, err), DOPPEL_OK);
	doppel_stored st;
	assert_int_equal(doppel_index_get(w, "survivor", &st), DOPPEL_OK);
	doppel_index_close(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_second_writer_in_process, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusal_leaves_holder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_program_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_shares_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_writer_forked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_killed_writer_blocks_nobody, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
