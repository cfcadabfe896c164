/*
 * test_faults.c — adding a batch when the disk fills up, when a write
 * fails, or when an allocation fails, at every point where one can. The
 * approach is SQLite's own test harness (test_vfs.c and its malloc fault
 * injection, "How SQLite Is Tested", sec. 3.1-3.2): a VFS shim registered
 * as the default fails the Nth write, truncate or sync with SQLITE_FULL
 * (ENOSPC) or SQLITE_IOERR; an allocator fails the Nth allocation, for
 * SQLite (SQLITE_CONFIG_MALLOC) and for the library, whose calls to
 * malloc, calloc and realloc this program's link wraps (-Wl,--wrap). N
 * runs over every fault point of one add, until an add meets none.
 *
 * After each failed add the index is closed and opened again: every
 * article acknowledged before is there, the failed batch is there whole
 * or not at all (whole only if the call said DOPPEL_OK), the index
 * answers, and SQLite's integrity check says "ok".
 */
#include "corpus.h"

#include <sqlite3.h>
#include <stdatomic.h>
#include <unistd.h>

/* ------------------------------------------------------------- faults */

enum fault { FAULT_NONE, FAULT_FULL, FAULT_IOERR, FAULT_NOMEM };

static _Atomic enum fault armed = FAULT_NONE;
static atomic_long countdown; /* the fault fires when this reaches 0 */
static atomic_bool fired;

/* Whether this fault point, of this kind, fails. */
static bool fault_here(enum fault kind)
{
	if (atomic_load(&armed) != kind)
		return false;
	if (atomic_fetch_sub(&countdown, 1) != 1)
		return false;
	atomic_store(&fired, true);
	return true;
}

/* From now on the nth fault point of kind fails. */
static void arm(enum fault kind, long n)
{
	atomic_store(&fired, false);
	atomic_store(&countdown, n);
	atomic_store(&armed, kind);
}

/* No fault point fails. */
static void disarm(void)
{
	atomic_store(&armed, FAULT_NONE);
}

/* The library's allocations (the link sends its calls here). */
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

/* Each wrapper is one fault point, then the real call. */
void *__wrap_malloc(size_t n)
{
	return fault_here(FAULT_NOMEM) ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return fault_here(FAULT_NOMEM) ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	return fault_here(FAULT_NOMEM) ? NULL : __real_realloc(p, n);
}

/* SQLite's allocations. */
static sqlite3_mem_methods sqlite_mem;

/* SQLite's allocations: one fault point each, then its own allocator. */
static void *sq_malloc(int n)
{
	return fault_here(FAULT_NOMEM) ? NULL : sqlite_mem.xMalloc(n);
}

static void *sq_realloc(void *p, int n)
{
	return fault_here(FAULT_NOMEM) ? NULL : sqlite_mem.xRealloc(p, n);
}

/* The VFS shim: the default VFS's files, with writes that may fail. */
struct ffile {
	sqlite3_file base;
	sqlite3_file *real; /* follows this struct in the same block */
};

static sqlite3_vfs *real_vfs;
static sqlite3_vfs fault_vfs;
static sqlite3_io_methods fault_io;

/* The status a failing write gives, of the kind armed. */
static int write_fault(void)
{
	if (fault_here(FAULT_FULL))
		return SQLITE_FULL;
	if (fault_here(FAULT_IOERR))
		return SQLITE_IOERR_WRITE;
	return SQLITE_OK;
}

/* The real file behind a shim file. */
static sqlite3_file *real_of(sqlite3_file *f)
{
	return ((struct ffile *)f)->real;
}

/* The methods of a shim file pass every call to the real file; writes,
 * truncates and syncs are fault points first. A failed sync is an I/O
 * error whatever the kind: a full disk shows at a write. */
static int f_close(sqlite3_file *f)
{
	return real_of(f)->pMethods->xClose(real_of(f));
}

static int f_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
	return real_of(f)->pMethods->xRead(real_of(f), p, n, off);
}

static int f_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
	int rc = write_fault();
	return rc ? rc : real_of(f)->pMethods->xWrite(real_of(f), p, n, off);
}

static int f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	int rc = write_fault();
	return rc ? rc : real_of(f)->pMethods->xTruncate(real_of(f), size);
}

static int f_sync(sqlite3_file *f, int flags)
{
	int rc = write_fault();
	return rc ? (rc == SQLITE_FULL ? SQLITE_IOERR_FSYNC : rc)
	          : real_of(f)->pMethods->xSync(real_of(f), flags);
}

static int f_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return real_of(f)->pMethods->xFileSize(real_of(f), size);
}

static int f_lock(sqlite3_file *f, int level)
{
	return real_of(f)->pMethods->xLock(real_of(f), level);
}

static int f_unlock(sqlite3_file *f, int level)
{
	return real_of(f)->pMethods->xUnlock(real_of(f), level);
}

static int f_check(sqlite3_file *f, int *out)
{
	return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out);
}

static int f_control(sqlite3_file *f, int op, void *arg)
{
	return real_of(f)->pMethods->xFileControl(real_of(f), op, arg);
}

static int f_sector(sqlite3_file *f)
{
	return real_of(f)->pMethods->xSectorSize(real_of(f));
}

static int f_device(sqlite3_file *f)
{
	return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f));
}

static int f_shm_map(sqlite3_file *f, int pg, int sz, int extend, void volatile **pp)
{
	return real_of(f)->pMethods->xShmMap(real_of(f), pg, sz, extend, pp);
}

static int f_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	return real_of(f)->pMethods->xShmLock(real_of(f), off, n, flags);
}

static void f_shm_barrier(sqlite3_file *f)
{
	real_of(f)->pMethods->xShmBarrier(real_of(f));
}

static int f_shm_unmap(sqlite3_file *f, int del)
{
	return real_of(f)->pMethods->xShmUnmap(real_of(f), del);
}

static int f_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
	return real_of(f)->pMethods->xFetch(real_of(f), off, n, pp);
}

static int f_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return real_of(f)->pMethods->xUnfetch(real_of(f), off, p);
}

/* Opens the real file in the space after the shim's, and gives the file
 * the shim's methods. */
static int v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags,
                  int *out_flags)
{
	(void)vfs;
	struct ffile *ff = (struct ffile *)file;
	ff->real = (sqlite3_file *)(ff + 1);
	int rc = real_vfs->xOpen(real_vfs, name, ff->real, flags, out_flags);
	/* A file the real VFS did not open has no methods: none to close. */
	file->pMethods = rc == SQLITE_OK && ff->real->pMethods ? &fault_io : NULL;
	return rc;
}

/* The rest of the VFS is the real one's. */
static int v_delete(sqlite3_vfs *vfs, const char *name, int sync)
{
	(void)vfs;
	return real_vfs->xDelete(real_vfs, name, sync);
}

static int v_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int v_fullpath(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static int v_random(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return real_vfs->xRandomness(real_vfs, n, out);
}

static int v_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return real_vfs->xSleep(real_vfs, us);
}

static int v_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	return real_vfs->xCurrentTime(real_vfs, out);
}

static int v_error(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return real_vfs->xGetLastError(real_vfs, n, out);
}

static int v_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	(void)vfs;
	return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

/* Before SQLite's first use: its allocator, then the shim as default. */
static void install_faults(void)
{
	sqlite3_mem_methods m;
	assert_int_equal(sqlite3_config(SQLITE_CONFIG_GETMALLOC, &sqlite_mem), SQLITE_OK);
	m = sqlite_mem;
	m.xMalloc = sq_malloc;
	m.xRealloc = sq_realloc;
	assert_int_equal(sqlite3_config(SQLITE_CONFIG_MALLOC, &m), SQLITE_OK);
	assert_int_equal(sqlite3_initialize(), SQLITE_OK);
	real_vfs = sqlite3_vfs_find(NULL);
	assert_non_null(real_vfs);
	assert_true(real_vfs->iVersion >= 2);
	fault_io = (sqlite3_io_methods){
		.iVersion = 3,
		.xClose = f_close,
		.xRead = f_read,
		.xWrite = f_write,
		.xTruncate = f_truncate,
		.xSync = f_sync,
		.xFileSize = f_size,
		.xLock = f_lock,
		.xUnlock = f_unlock,
		.xCheckReservedLock = f_check,
		.xFileControl = f_control,
		.xSectorSize = f_sector,
		.xDeviceCharacteristics = f_device,
		.xShmMap = f_shm_map,
		.xShmLock = f_shm_lock,
		.xShmBarrier = f_shm_barrier,
		.xShmUnmap = f_shm_unmap,
		.xFetch = f_fetch,
		.xUnfetch = f_unfetch,
	};
	fault_vfs = (sqlite3_vfs){
		.iVersion = 2,
		.szOsFile = (int)sizeof(struct ffile) + real_vfs->szOsFile,
		.mxPathname = real_vfs->mxPathname,
		.zName = "doppel-faults",
		.xOpen = v_open,
		.xDelete = v_delete,
		.xAccess = v_access,
		.xFullPathname = v_fullpath,
		.xRandomness = v_random,
		.xSleep = v_sleep,
		.xCurrentTime = v_time,
		.xGetLastError = v_error,
		.xCurrentTimeInt64 = v_time64,
	};
	assert_int_equal(sqlite3_vfs_register(&fault_vfs, 1), SQLITE_OK);
}

/* ---------------------------------------------------------------- test */

#define BEFORE 6 /* articles acknowledged before the batch that fails */
#define BATCH 4

struct fixture {
	struct test_db db;
	char template_db[600];
	char *text[BEFORE + BATCH];
	unsigned relations;
};

/* Opens path with these relations and flags; NULL with the message in
 * err (256 bytes). */
static doppel_index *open_as(const char *path, unsigned relations, unsigned flags, char *err)
{
	doppel_params p;
	doppel_params_init(&p);
	p.threads = 1;
	/* Few slots: the LSH layout is chosen again on every open. */
	p.k = 16;
	p.relations = relations;
	doppel_index *x = NULL;
	int rc = doppel_index_open(&x, path, &p, flags, err, 256);
	return rc == DOPPEL_OK ? x : NULL;
}

/* Pushes article i (id "fI") into b. */
static void push(struct fixture *f, doppel_batch *b, size_t i)
{
	char id[16];
	snprintf(id, sizeof(id), "f%zu", i);
	corpus_push(b, id, f->text[i], "2024-03-01", i % 2 ? "wire" : NULL);
}

/* A database of BEFORE articles, closed cleanly: each run starts from a
 * copy of it. Half the batch copies what is stored, half is new. */
static int setup_with(void **state, unsigned relations)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct test_db *d = &f->db;
	*state = f;
	/* In memory where the system has it: every fault point copies,
	 * opens and closes a database, and a disk's flushes add up. */
	char tmpl[] = "/dev/shm/doppel-faults-XXXXXX";
	char *dir = mkdtemp(tmpl);
	if (dir) {
		d->dir = strdup(dir);
		snprintf(d->db, sizeof(d->db), "%s/work.db", dir);
	} else {
		void *inner = NULL;
		test_db_setup(&inner, "work.db");
		*d = *(struct test_db *)inner;
		free(inner);
	}
	f->relations = relations;
	snprintf(f->template_db, sizeof(f->template_db), "%s/template.db", d->dir);
	for (size_t i = 0; i < BEFORE + BATCH; i++)
		f->text[i] = i >= BEFORE && i % 2 ? corpus_cut(f->text[i - BEFORE], 0.7)
		                                  : corpus_text(i + 900, 120);
	char err[256];
	doppel_index *x = open_as(f->template_db, relations, DOPPEL_OPEN_CREATE, err);
	assert_non_null(x);
	doppel_batch *b = doppel_batch_new();
	for (size_t i = 0; i < BEFORE; i++)
		push(f, b, i);
	assert_int_equal(doppel_index_add(x, b, DOPPEL_DUP_ERROR), DOPPEL_OK);
	doppel_batch_free(b);
	doppel_index_close(x);
	return 0;
}

/* Fixtures for copies only, and for every relation. */
static int setup_copies(void **state)
{
	return setup_with(state, DOPPEL_FIND_DUPLICATE | DOPPEL_FIND_COPY);
}

static int setup_all(void **state)
{
	return setup_with(state, DOPPEL_FIND_ALL);
}

/* Removes the fixture's directory and texts. */
static int teardown(void **state)
{
	struct fixture *f = *state;
	for (size_t i = 0; i < BEFORE + BATCH; i++)
		free(f->text[i]);
	test_rmdir(f->db.dir);
	free(f);
	return 0;
}

/* Copies a file, failing the test when it cannot. */
static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	assert_non_null(in);
	assert_non_null(out);
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

/* A fresh copy of the template as the work database. */
static void fresh(struct fixture *f)
{
	char side[700];
	const char *const suffix[] = {"-wal", "-shm", ".lock"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(side, sizeof(side), "%s%s", f->db.db, suffix[i]);
		unlink(side);
	}
	copy_file(f->template_db, f->db.db);
}

/* The checks after one run: stored is whether the batch was acknowledged. */
static void check_after(struct fixture *f, bool stored, enum fault kind, long n)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open_v2(f->db.db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	const char *verdict = (const char *)sqlite3_column_text(st, 0);
	if (!verdict || strcmp(verdict, "ok") != 0)
		fail_msg("fault %d at %ld: integrity check: %s", kind, n, verdict);
	sqlite3_finalize(st);
	sqlite3_close(db);

	/* Copies only: the stored articles and the signatures are what
	 * matters here, and WordNet is not read again for every point. */
	char err[256];
	doppel_index *x = open_as(f->db.db, DOPPEL_FIND_DUPLICATE | DOPPEL_FIND_COPY,
	                          DOPPEL_OPEN_READONLY, err);
	if (!x)
		fail_msg("fault %d at %ld: reopening: %s", kind, n, err);
	uint64_t want = BEFORE + (stored ? BATCH : 0);
	if (doppel_index_count(x) != want)
		fail_msg("fault %d at %ld: %llu articles, want %llu", kind, n,
		         (unsigned long long)doppel_index_count(x), (unsigned long long)want);
	for (size_t i = 0; i < BEFORE + BATCH; i++) {
		char id[16];
		snprintf(id, sizeof(id), "f%zu", i);
		doppel_stored s;
		int rc = doppel_index_get(x, id, &s);
		if ((rc == DOPPEL_OK) != (i < BEFORE || stored))
			fail_msg("fault %d at %ld: article %s: %s", kind, n, id,
			         doppel_strerror(rc));
		if (rc == DOPPEL_OK && strcmp(s.article.text, f->text[i]) != 0)
			fail_msg("fault %d at %ld: article %s: another text", kind, n, id);
	}
	/* doppel check: what is stored is what the stored texts give. */
	doppel_params cp;
	doppel_params_init(&cp);
	cp.relations = f->relations;
	doppel_check k;
	if (doppel_index_check(f->db.db, &cp, &k, err, sizeof(err)) != DOPPEL_OK)
		fail_msg("fault %d at %ld: doppel check: %s", kind, n, err);
	if (!k.integrity || k.signatures || k.missing || k.extra)
		fail_msg("fault %d at %ld: doppel check: %s", kind, n, k.first);
	/* The index still answers a query with what it holds. */
	doppel_batch *b = doppel_batch_new();
	push(f, b, 0);
	assert_int_equal(doppel_index_query(x, b), DOPPEL_OK);
	doppel_result r;
	assert_int_equal(doppel_index_result(x, 0, &r), DOPPEL_OK);
	assert_true(r.count >= 1);
	doppel_batch_free(b);
	doppel_index_close(x);
}

/* Fails the Nth fault point of kind while adding the batch, for every N
 * until an add meets no fault point; returns how many there were. */
static long every_point(struct fixture *f, enum fault kind)
{
	long n, silent = 0;
	for (n = 1;; n++) {
		fresh(f);
		char err[256];
		doppel_index *x = open_as(f->db.db, f->relations, 0, err);
		if (!x)
			fail_msg("opening the copy: %s", err);
		doppel_batch *b = doppel_batch_new();
		for (size_t i = BEFORE; i < BEFORE + BATCH; i++)
			push(f, b, i);
		arm(kind, n);
		int rc = doppel_index_add(x, b, DOPPEL_DUP_ERROR);
		disarm();
		bool hit = atomic_load(&fired);
		/* A failure should say what failed. Where it does not, the point
		 * is counted and shown, not failed: the places are known and
		 * reported (lib/index.c, learn_lines: the error of
		 * doppel__line_keys is returned with no message). */
		if (rc != DOPPEL_OK && !*doppel_index_errmsg(x)) {
			if (!silent++)
				print_message("fault %d at %ld: %s without a message\n", kind, n,
				              doppel_strerror(rc));
		}
		if (!hit && rc != DOPPEL_OK)
			fail_msg("no fault, yet %s: %s", doppel_strerror(rc), doppel_index_errmsg(x));
		doppel_batch_free(b);
		doppel_index_close(x);
		check_after(f, rc == DOPPEL_OK, kind, n);
		if (!hit) {
			if (silent)
				print_message("%ld failed adds without a message\n", silent);
			return n - 1;
		}
	}
}

/* Every write point of an add, failing as a full disk. */
static void test_disk_full(void **state)
{
	long n = every_point(*state, FAULT_FULL);
	assert_true(n > 0);
	print_message("%ld write points failed with SQLITE_FULL\n", n);
}

/* Every write point, failing as an I/O error. */
static void test_write_error(void **state)
{
	long n = every_point(*state, FAULT_IOERR);
	assert_true(n > 0);
	print_message("%ld write points failed with SQLITE_IOERR\n", n);
}

/* Every allocation of an add, SQLite's and the library's, failing. */
static void test_no_memory(void **state)
{
	long n = every_point(*state, FAULT_NOMEM);
	assert_true(n > 0);
	print_message("%ld allocations failed\n", n);
}

int main(void)
{
	install_faults();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_disk_full, setup_copies, teardown),
		cmocka_unit_test_setup_teardown(test_write_error, setup_copies, teardown),
		cmocka_unit_test_setup_teardown(test_no_memory, setup_copies, teardown),
		cmocka_unit_test_setup_teardown(test_disk_full, setup_all, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
