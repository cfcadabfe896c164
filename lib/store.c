/*
 * store.c — the SQLite database behind an index.
 *
 * WAL mode with synchronous=NORMAL: a committed transaction survives a
 * killed process (SQLite, "Write-Ahead Logging", sec. 3; only a power loss
 * may roll back the last transactions). Checkpoints (copying the log into
 * the database) run on a thread of a writing store's own, with its own
 * connection, so that a commit never waits for one. The database carries an
 * application_id so that another SQLite file is recognized as "not a doppel
 * database", and a meta table with the format version and every parameter
 * that changes signatures.
 *
 * One writer per database: a writing store holds flock(2) on PATH.lock, a
 * file beside the database that says who holds it ("PID PROGRAM\n"). Not
 * fcntl(2) locks on the database itself: SQLite opens that file more than
 * once, and closing any descriptor of a file drops a process's fcntl locks
 * on it (SQLite, "How To Corrupt An SQLite Database File", sec. 2.2). A
 * flock belongs to the open file description: it conflicts with every
 * other open of the file, in this process too, and the kernel drops it
 * when its process ends, so a file left by a killed writer blocks nobody.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#ifdef __GLIBC__
/* The process's name, as glibc keeps it from argv[0] (<errno.h> declares it
 * only under _GNU_SOURCE, which the rest of this file does not want). */
extern char *program_invocation_short_name;
#endif

/* "DPL1" */
#define APPLICATION_ID 0x44504c31

#define ZSTD_LEVEL 3

/* A checkpoint starts when the log holds this many pages after a commit
 * (SQLite's own default for its automatic checkpoints). */
#define CHECKPOINT_PAGES 1000
/* The checkpointer copies the log in passes until a pass finds at most
 * this many pages new; the writer copies those few itself, between two
 * transactions, which lets the next one start the log again. */
#define CHECKPOINT_CLOSE 64
/* A writer whose log has grown this long checkpoints itself anyway,
 * waiting for the checkpointer's pass to end: the log stays bounded when
 * the checkpointer's thread gets little time. */
#define CHECKPOINT_PAGES_WRITER 2000

struct doppel__store {
	sqlite3 *db;
	char *path;
	int lockfd; /* PATH.lock, flock()ed by a writer; -1: none */
	sqlite3_stmt *put, *del, *puttext, *deltext, *delviews, *delrel_a, *delrel_b, *delpkeys;
	bool passages;         /* relations have a passages column */
	bool notexts;          /* a scan's database in memory keeps no texts */
	unsigned pkrules;      /* the rules of its passage keys; 0: not read yet */
	sqlite3_stmt *gettext; /* prepared on first use, read-only handles too */
	void *zbuf;
	size_t zcap;
	void *figbuf; /* an article's figures and fingerprints, as stored */
	size_t figcap;
	/* the checkpointer */
	sqlite3 *ck;
	pthread_t ck_thread;
	pthread_mutex_t ck_mu;
	pthread_cond_t ck_cv;
	bool ck_running, ck_due, ck_quit;
	bool ck_busy;           /* a pass is running */
	bool ck_close;          /* the checkpointer is close behind: the writer's turn */
	bool ck_yield;          /* the writer waits: the checkpointer stops its passes */
	pthread_cond_t ck_idle; /* signalled when a pass ends */
};

static const char schema[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE articles("
	" num INTEGER PRIMARY KEY,"
	" id TEXT NOT NULL UNIQUE,"
	" title TEXT, date INTEGER, source TEXT, url TEXT,"
	" words INTEGER NOT NULL, shingles INTEGER NOT NULL,"
	" fingerprint INTEGER NOT NULL,"
	" signature BLOB NOT NULL,"
	" added INTEGER NOT NULL,"  /* seconds since 1970 */
	" boiler INTEGER NOT NULL," /* DOPPEL__BOILER_* kinds carried */
	" event INTEGER,"           /* events.num; NULL: not related */
	/* its figures (doppel__numbers) and its containment fingerprints of
	 * tokens (doppel__sketch_keys), 4 bytes each, sorted; NULL: not
	 * recorded (a database made before they were) */
	" figures BLOB, ckeys BLOB);"
	"CREATE INDEX articles_event ON articles(event);"
	/* What relations beyond copy need of a stored article: the synonym-key
	 * and anchor view sketches (64 slots each, 16 bits, little-endian),
	 * its sentence count and its anchors (sorted, 8 bytes each). */
	"CREATE TABLE views(num INTEGER PRIMARY KEY, ksig BLOB NOT NULL,"
	" nkeys INTEGER NOT NULL, asig BLOB NOT NULL, nanchors INTEGER NOT NULL,"
	" nsent INTEGER NOT NULL, anchors BLOB NOT NULL,"
	/* the keys of the repeated lines it dropped, 8 bytes each */
	" lines BLOB,"
	/* the template slots of its facts, packed, 8 bytes each */
	" facts BLOB,"
	/* the weights it was compared with when added (doppel__prepared_weights_put) */
	" weights BLOB,"
	/* its containment fingerprints, 4 bytes each */
	" contain BLOB);"
	/* One row per related pair, a added after b. */
	"CREATE TABLE relations(a INTEGER NOT NULL, b INTEGER NOT NULL,"
	" relation INTEGER NOT NULL, basis INTEGER NOT NULL,"
	" a_source INTEGER NOT NULL, jaccard REAL NOT NULL,"
	" containment REAL NOT NULL, aligned REAL NOT NULL, anchors REAL NOT NULL,"
	" names REAL NOT NULL, topic REAL NOT NULL,"
	/* the passages of a derivation, a's and b's bytes: 4 uint32 each */
	" passages BLOB, PRIMARY KEY(a, b)) WITHOUT ROWID;"
	"CREATE INDEX relations_b ON relations(b);"
	"CREATE TABLE events(num INTEGER PRIMARY KEY, label TEXT NOT NULL,"
	" story INTEGER NOT NULL);"
	"CREATE INDEX events_story ON events(story);"
	"CREATE TABLE stories(num INTEGER PRIMARY KEY, label TEXT NOT NULL UNIQUE,"
	" title TEXT, first INTEGER, last INTEGER, events INTEGER NOT NULL,"
	" articles INTEGER NOT NULL);"
	"CREATE INDEX stories_last ON stories(last);"
	/* Document frequencies of stems and anchors (rarity weights). */
	"CREATE TABLE rarity(id INTEGER PRIMARY KEY, counts BLOB NOT NULL);"
	/* Texts apart: opening reads every signature and no text. */
	"CREATE TABLE texts(num INTEGER PRIMARY KEY, text BLOB NOT NULL);" /* zstd frames */
	"CREATE TABLE lines(id INTEGER PRIMARY KEY, counts BLOB NOT NULL);"
	/* Passage keys of the articles (excerpts): 4 bytes each, sorted. */
	"CREATE TABLE pkeys(num INTEGER PRIMARY KEY, keys BLOB NOT NULL);";

/* The status of SQLite's last error on s->db, and a message naming the
 * file and what was being done into err. */
static int db_error(doppel__store *s, const char *what, char *err)
{
	int code = sqlite3_errcode(s->db);
	int rc = DOPPEL_E_DB;
	if (code == SQLITE_NOTADB)
		rc = DOPPEL_E_NOTDB;
	else if (code == SQLITE_READONLY)
		rc = DOPPEL_E_READONLY;
	else if (code == SQLITE_NOMEM)
		rc = DOPPEL_E_NOMEM;
	else if (code == SQLITE_FULL || code == SQLITE_IOERR)
		rc = DOPPEL_E_IO;
	if (rc == DOPPEL_E_NOTDB)
		doppel__errf(err, "%s: not a doppel database (%s)", s->path,
		             sqlite3_errmsg(s->db));
	else if (code == SQLITE_CORRUPT)
		doppel__errf(err, "%s: the database is damaged: %s: %s", s->path, what,
		             sqlite3_errmsg(s->db));
	else
		doppel__errf(err, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
	return rc;
}

/* Runs SQL that returns no rows; what failed is named by the SQL. */
static int exec(doppel__store *s, const char *sql, char *err)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_error(s, sql, err);
	return DOPPEL_OK;
}

/* Reads one integer from a one-row query; what names it in messages. */
static int query_int(doppel__store *s, const char *sql, const char *what, int64_t *v, char *err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_error(s, what, err);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return db_error(s, what, err);
	return DOPPEL_OK;
}

/* Records the rules of the passage keys the database stores. */
static int put_pkey_rules(doppel__store *s, unsigned rules, char *err)
{
	char sql[96];
	snprintf(sql, sizeof(sql),
	         "INSERT OR REPLACE INTO meta(key, value) VALUES('passage_keys', '%u');",
	         rules);
	int rc = exec(s, sql, err);
	if (rc == DOPPEL_OK)
		s->pkrules = rules;
	return rc;
}

/*
 * The rules of the passage keys of a database that does not record them
 * (made before they were): the first rules when it has keys, else this
 * library's, recorded when the database is writable.
 */
static int settle_pkey_rules(doppel__store *s, bool ro, char *err)
{
	if (s->pkrules)
		return DOPPEL_OK;
	sqlite3_stmt *st = NULL;
	bool keyed = false;
	if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM pkeys LIMIT 1", -1, &st, NULL) ==
	    SQLITE_OK)
		keyed = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	unsigned rules = keyed ? 1 : DOPPEL__PKEY_RULES;
	if (ro) {
		s->pkrules = rules;
		return DOPPEL_OK;
	}
	return put_pkey_rules(s, rules, err);
}

/* Parses an unsigned decimal into *v; false when it is not one. */
static bool parse_u64(const char *s, uint64_t *v)
{
	if (!s || !*s)
		return false;
	char *end;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 10);
	if (errno || *end || *s == '-')
		return false;
	*v = x;
	return true;
}

static int create_schema(doppel__store *s, const doppel_params *p, char *err)
{
	int rc;
	char sql[64];
	snprintf(sql, sizeof(sql), "PRAGMA application_id=%d;", APPLICATION_ID);
	if ((rc = exec(s, "BEGIN IMMEDIATE;", err)) || (rc = exec(s, sql, err)) ||
	    (rc = exec(s, schema, err)))
		goto fail;
	doppel__kv kv[16];
	size_t n = doppel__stored_params(p, kv);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(s->db, "INSERT INTO meta(key, value) VALUES(?, ?)", -1, &st,
	                       NULL) != SQLITE_OK) {
		rc = db_error(s, "meta", err);
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_text(st, 1, kv[i].key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, kv[i].value, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = db_error(s, "meta", err);
			sqlite3_finalize(st);
			goto fail;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	char rel[96], rules[96];
	snprintf(rel, sizeof(rel), "INSERT INTO meta(key, value) VALUES('relations', '%u');",
	         p->relations);
	snprintf(rules, sizeof(rules), "INSERT INTO meta(key, value) VALUES('rules', '%d');",
	         DOPPEL__RULES_VERSION);
	if ((rc = exec(s, rel, err)) || (rc = exec(s, rules, err)) ||
	    (rc = put_pkey_rules(s, DOPPEL__PKEY_RULES, err)) || (rc = exec(s, "COMMIT;", err)))
		goto fail;
	return DOPPEL_OK;
fail:
	sqlite3_exec(s->db, "ROLLBACK;", NULL, NULL, NULL);
	return rc;
}

/* The meta value of key into val (cap bytes; "" when there is none);
 * *found says whether there is one. */
static int meta_value(doppel__store *s, const char *key, char *val, size_t cap, bool *found,
                      char *err)
{
	sqlite3_stmt *st = NULL;
	*found = false;
	val[0] = '\0';
	if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = ?1", -1, &st, NULL) !=
	    SQLITE_OK)
		return db_error(s, "reading parameters", err);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		snprintf(val, cap, "%s", v ? v : "");
		*found = true;
	}
	sqlite3_finalize(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return db_error(s, "reading parameters", err);
	return DOPPEL_OK;
}

/* Whether the database holds an article. */
static int has_articles(doppel__store *s, bool *any, char *err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(s->db, "SELECT EXISTS(SELECT 1 FROM articles)", -1, &st, NULL) !=
	    SQLITE_OK)
		return db_error(s, "reading articles", err);
	int step = sqlite3_step(st);
	*any = step == SQLITE_ROW && sqlite3_column_int(st, 0) != 0;
	sqlite3_finalize(st);
	if (step != SQLITE_ROW)
		return db_error(s, "reading articles", err);
	return DOPPEL_OK;
}

int doppel__store_relations(doppel__store *s, unsigned *mask, char *err)
{
	*mask = 0;
	char val[32];
	bool found;
	int rc = meta_value(s, "relations", val, sizeof(val), &found, err);
	uint64_t v = 0;
	if (found && strcmp(val, "mixed") == 0)
		*mask = DOPPEL__RELATIONS_MIXED;
	else if (found && parse_u64(val, &v) && v && !(v & ~(uint64_t)DOPPEL_FIND_ALL))
		*mask = (unsigned)v;
	return rc;
}

/* A writer that looks for other relations than those the database was
 * written with marks it "mixed": no single set relates it again. */
static int note_relations(doppel__store *s, const doppel_params *p, char *err)
{
	unsigned mask;
	int rc = doppel__store_relations(s, &mask, err);
	if (rc || !mask || mask == p->relations || mask == DOPPEL__RELATIONS_MIXED)
		return rc;
	return exec(s, "INSERT OR REPLACE INTO meta(key, value) VALUES('relations', 'mixed');",
	            err);
}

/* The rules marker: its value into val (cap bytes), whether there is
 * one, and, when there is none, whether the database holds articles. */
static int read_rules(doppel__store *s, char *val, size_t cap, bool *found, bool *any,
                      char *err)
{
	*any = false;
	int rc = meta_value(s, "rules", val, cap, found, err);
	if (rc == DOPPEL_OK && !*found)
		rc = has_articles(s, any, err);
	return rc;
}

int doppel__store_rules(doppel__store *s, bool *ours, char *err)
{
	char val[32], want[32];
	bool found, any;
	int rc = read_rules(s, val, sizeof(val), &found, &any, err);
	snprintf(want, sizeof(want), "%d", DOPPEL__RULES_VERSION);
	*ours = found ? strcmp(val, want) == 0 : !any;
	return rc;
}

/* A writer records the rules its relations are made by: the version, in
 * a database that holds no article yet or says this version; "mixed"
 * once relations of other rules are stored beside its own. */
static int note_rules(doppel__store *s, char *err)
{
	char val[32], want[32], sql[96];
	bool found, any;
	int rc = read_rules(s, val, sizeof(val), &found, &any, err);
	if (rc)
		return rc;
	snprintf(want, sizeof(want), "%d", DOPPEL__RULES_VERSION);
	if (found && (strcmp(val, want) == 0 || strcmp(val, "mixed") == 0))
		return DOPPEL_OK;
	snprintf(sql, sizeof(sql),
	         "INSERT OR REPLACE INTO meta(key, value) VALUES('rules', '%s');",
	         found || any ? "mixed" : want);
	return exec(s, sql, err);
}

/* Compares (or adopts) the stored parameters. */
static int check_meta(doppel__store *s, bool adopt, doppel_params *p, char *err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(s->db, "SELECT key, value FROM meta", -1, &st, NULL) !=
	    SQLITE_OK)
		return db_error(s, "reading parameters", err);
	doppel_params stored = *p;
	char fmt[64] = "";
	int rc = DOPPEL_OK, step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(st, 0);
		const char *val = (const char *)sqlite3_column_text(st, 1);
		uint64_t v = 0;
		if (!key || !val)
			continue;
		if (strcmp(key, "format_version") == 0)
			snprintf(fmt, sizeof(fmt), "%s", val);
		else if (strcmp(key, "shingle") == 0 && parse_u64(val, &v) && v <= 16)
			stored.shingle = (unsigned)v;
		else if (strcmp(key, "k") == 0 && parse_u64(val, &v) && v <= 1024)
			stored.k = (unsigned)v;
		else if (strcmp(key, "seed") == 0 && parse_u64(val, &v))
			stored.seed = v;
		else if (strcmp(key, "passage_keys") == 0)
			s->pkrules = parse_u64(val, &v) && v >= 1 && v <= DOPPEL__PKEY_RULES
			                     ? (unsigned)v
			                     : UINT_MAX;
	}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE)
		return db_error(s, "reading parameters", err);

	if (s->pkrules == UINT_MAX) {
		doppel__errf(err,
		             "%s: the database's passage keys were made by rules this doppel "
		             "does not know (it makes rules %d)",
		             s->path, DOPPEL__PKEY_RULES);
		return DOPPEL_E_MISMATCH;
	}
	char want[32];
	snprintf(want, sizeof(want), "%d", DOPPEL_FORMAT_VERSION);
	if (strcmp(fmt, want) != 0) {
		doppel__errf(err,
		             "%s: database format version %s, this doppel reads version %s",
		             s->path, *fmt ? fmt : "(none)", want);
		return DOPPEL_E_MISMATCH;
	}
	if (adopt) {
		p->shingle = stored.shingle;
		p->k = stored.k;
		p->seed = stored.seed;
	}
	/* Every stored key must now agree, including the ones no flag sets
	 * (Unicode version, hash, normalization rules). */
	doppel__kv kv[16];
	size_t n = doppel__stored_params(p, kv);
	if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL) !=
	    SQLITE_OK)
		return db_error(s, "reading parameters", err);
	for (size_t i = 0; i < n && rc == DOPPEL_OK; i++) {
		sqlite3_bind_text(st, 1, kv[i].key, -1, SQLITE_STATIC);
		step = sqlite3_step(st);
		const char *val =
			step == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
		if (!val || strcmp(val, kv[i].value) != 0) {
			doppel__errf(
				err,
				"%s: the database was built with %s=%s, this run uses %s=%s",
				s->path, kv[i].key, val ? val : "(missing)", kv[i].key,
				kv[i].value);
			rc = DOPPEL_E_MISMATCH;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Longest program name a lock file keeps; the rest is cut. */
#define LOCK_NAME_MAX 128

/* Who holds the lock of fd, from its contents, into who (size n): "doppel
 * serve (pid 4242)", or "another writer" when the holder has not written
 * it yet or it is not in the expected shape. */
static void lock_holder(int fd, char *who, size_t n)
{
	char buf[LOCK_NAME_MAX + 32];
	ssize_t got = pread(fd, buf, sizeof(buf) - 1, 0);
	snprintf(who, n, "another writer");
	if (got <= 0)
		return;
	buf[got] = '\0';
	char *end;
	errno = 0;
	long pid = strtol(buf, &end, 10);
	if (errno || end == buf || pid <= 0 || *end != ' ')
		return;
	char *name = end + 1, *nl = strchr(name, '\n');
	if (!nl || nl == name)
		return;
	*nl = '\0';
	snprintf(who, n, "%s (pid %ld)", name, pid);
}

/* Writes "PID PROGRAM\n" into the lock file. Only informative: a failure
 * (a full disk) leaves the lock held and a refused writer told "another
 * writer". Control characters of the name become '?' so that it stays
 * one line. */
static void lock_describe(int fd, const char *program)
{
	if (!program) {
#ifdef __GLIBC__
		program = program_invocation_short_name;
#endif
		if (!program || !*program)
			program = "a program using libdoppel";
	}
	char buf[LOCK_NAME_MAX + 32];
	int w = snprintf(buf, sizeof(buf), "%ld ", (long)getpid());
	if (w < 0)
		return;
	size_t n = (size_t)w;
	for (const char *c = program; *c && n < (size_t)w + LOCK_NAME_MAX; c++)
		buf[n++] = (unsigned char)*c < 0x20 || *c == 0x7f ? '?' : *c;
	buf[n++] = '\n';
	if (ftruncate(fd, 0) == 0 && pwrite(fd, buf, n, 0) != (ssize_t)n &&
	    ftruncate(fd, 0) != 0)
		return; /* a part of the line, which lock_holder() does not take */
}

/*
 * Takes the writer's lock: flock(2) on PATH.lock, without waiting.
 * DOPPEL_E_BUSY when another open file description holds it, naming the
 * holder; DOPPEL_E_READONLY when the file cannot be created (a directory
 * the caller may not write, where SQLite could not write its log either).
 * The path is the database's real one, so that two names of it (a
 * symbolic link) share one lock, as they share one write-ahead log.
 */
static int lock_take(doppel__store *s, const char *program, char *err)
{
	char *real = realpath(s->path, NULL);
	const char *base = real ? real : s->path;
	size_t n = strlen(base);
	char *lockpath = malloc(n + sizeof(".lock"));
	int rc = DOPPEL_OK;
	if (!lockpath) {
		doppel__errf(err, "out of memory");
		rc = DOPPEL_E_NOMEM;
		goto out;
	}
	memcpy(lockpath, base, n);
	memcpy(lockpath + n, ".lock", sizeof(".lock"));
	int fd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd < 0) {
		int e = errno;
		doppel__errf(err, "%s: cannot open the writer's lock %s: %s", s->path, lockpath,
		             strerror(e));
		rc = e == EACCES || e == EROFS || e == EPERM ? DOPPEL_E_READONLY : DOPPEL_E_IO;
		goto out;
	}
	int got;
	while ((got = flock(fd, LOCK_EX | LOCK_NB)) != 0 && errno == EINTR)
		;
	if (got != 0) {
		int e = errno;
		if (e == EWOULDBLOCK) {
			char who[LOCK_NAME_MAX + 64];
			lock_holder(fd, who, sizeof(who));
			doppel__errf(err, "%s is in use by %s", s->path, who);
			rc = DOPPEL_E_BUSY;
		} else {
			doppel__errf(err, "%s: cannot lock %s: %s", s->path, lockpath,
			             strerror(e));
			rc = DOPPEL_E_IO;
		}
		close(fd);
		goto out;
	}
	lock_describe(fd, program);
	s->lockfd = fd;
out:
	free(lockpath);
	free(real);
	return rc;
}

/* Lets the lock go. The file stays: removing it would let a writer that
 * opened it just before lock a file no longer there, beside a third that
 * creates a new one. Emptied first, so that it names nobody. */
static void lock_release(doppel__store *s)
{
	if (s->lockfd < 0)
		return;
	if (ftruncate(s->lockfd, 0) != 0) {
		/* Harmless: the next writer writes it again. */
	}
	close(s->lockfd);
	s->lockfd = -1;
}

/* Big-endian integer of n bytes at b (the SQLite file header's order). */
static uint32_t be(const unsigned char *b, int n)
{
	uint32_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | b[i];
	return v;
}

/* Whether path-suffix is a file with something in it. */
static bool sidecar(const char *path, const char *suffix)
{
	char name[PATH_MAX];
	struct stat st;
	int n = snprintf(name, sizeof(name), "%s%s", path, suffix);
	return n > 0 && (size_t)n < sizeof(name) && stat(name, &st) == 0 && st.st_size > 0;
}

/*
 * Recognizes an SQLite file cut short before SQLite reads it, for a message
 * that says so (SQLite, which finds it too, says only "database disk image
 * is malformed"). The header (SQLite, "Database File Format", sec. 1.3)
 * gives the page size and, when its change counter equals its
 * version-valid-for number, the page count. A write-ahead log or a journal
 * beside the file may hold pages the file lacks yet: then no check.
 * Files of other kinds are left to SQLite ("file is not a database").
 */
static int check_length(const char *path, off_t size, char *err)
{
	static const char magic[16] = "SQLite format 3";
	unsigned char h[100];
	if (size == 0)
		return DOPPEL_OK;
	FILE *f = fopen(path, "rb");
	if (!f)
		return DOPPEL_OK; /* SQLite says why */
	size_t got = fread(h, 1, sizeof(h), f);
	fclose(f);
	if (got < sizeof(magic) || memcmp(h, magic, sizeof(magic)) != 0)
		return DOPPEL_OK;
	if (got < sizeof(h)) {
		doppel__errf(err,
		             "%s: the database is damaged: cut short at %zu bytes, inside "
		             "its 100-byte header",
		             path, got);
		return DOPPEL_E_DB;
	}
	uint32_t page = be(h + 16, 2), pages = be(h + 28, 4);
	if (page == 1)
		page = 65536;
	bool counted = pages != 0 && be(h + 24, 4) == be(h + 92, 4);
	if (!counted || page < 512 || (page & (page - 1)) || sidecar(path, "-wal") ||
	    sidecar(path, "-journal"))
		return DOPPEL_OK;
	uint64_t want = (uint64_t)page * pages;
	if ((uint64_t)size < want) {
		doppel__errf(err,
		             "%s: the database is damaged: cut short at %lld bytes, where its "
		             "header counts %u pages of %u bytes (%llu bytes)",
		             path, (long long)size, pages, page, (unsigned long long)want);
		return DOPPEL_E_DB;
	}
	return DOPPEL_OK;
}

/* (Re)connects s->db to path; immutable opens it as a read-only file
 * that nobody changes (a "file:" URI with immutable=1). */
static int connect(doppel__store *s, const char *path, int oflags, bool immutable, char *err)
{
	sqlite3_close(s->db);
	s->db = NULL;
	char *uri = NULL;
	const char *name = path;
	if (immutable) {
		/* Percent-encode what a URI path may not hold as it is. */
		size_t n = strlen(path);
		uri = malloc(3 * n + 32);
		if (!uri) {
			doppel__errf(err, "out of memory");
			return DOPPEL_E_NOMEM;
		}
		size_t w = 0;
		memcpy(uri, "file:", 5);
		w = 5;
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)path[i];
			if (c == '%' || c == '?' || c == '#' || c < 0x21 || c >= 0x7f) {
				static const char hex[] = "0123456789ABCDEF";
				uri[w++] = '%';
				uri[w++] = hex[c >> 4];
				uri[w++] = hex[c & 15];
			} else {
				uri[w++] = (char)c;
			}
		}
		memcpy(uri + w, "?immutable=1", 13);
		name = uri;
		oflags |= SQLITE_OPEN_URI;
	}
	int rc = DOPPEL_OK;
	if (sqlite3_open_v2(name, &s->db, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		rc = s->db ? db_error(s, "open", err) : DOPPEL_E_NOMEM;
	else
		sqlite3_busy_timeout(s->db, 5000);
	free(uri);
	return rc;
}

/* Called by SQLite on the committing thread after each commit. */
static int on_commit(void *ctx, sqlite3 *db, const char *name, int pages)
{
	doppel__store *s = ctx;
	if (pages < CHECKPOINT_PAGES)
		return SQLITE_OK;
	pthread_mutex_lock(&s->ck_mu);
	if (pages >= CHECKPOINT_PAGES_WRITER) {
		s->ck_yield = true;
		while (s->ck_busy)
			pthread_cond_wait(&s->ck_idle, &s->ck_mu);
		s->ck_yield = false;
	}
	bool mine = (s->ck_close || pages >= CHECKPOINT_PAGES_WRITER) && !s->ck_busy;
	if (!mine && !s->ck_close && !s->ck_busy) {
		s->ck_due = true;
		pthread_cond_signal(&s->ck_cv);
	}
	pthread_mutex_unlock(&s->ck_mu);
	/* The log is nearly all in the database: the rest is copied here
	 * (little), and the next transaction starts the log again. */
	if (mine && sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL,
	                                      NULL) == SQLITE_OK) {
		pthread_mutex_lock(&s->ck_mu);
		s->ck_close = false;
		pthread_mutex_unlock(&s->ck_mu);
	}
	return SQLITE_OK;
}

static void *checkpointer(void *arg)
{
	doppel__store *s = arg;
	pthread_mutex_lock(&s->ck_mu);
	for (;;) {
		while (!s->ck_due && !s->ck_quit)
			pthread_cond_wait(&s->ck_cv, &s->ck_mu);
		if (s->ck_quit)
			break;
		s->ck_due = false;
		s->ck_busy = true;
		pthread_mutex_unlock(&s->ck_mu);
		/* PASSIVE copies the log into the database without waiting for
		 * or blocking the writer. But a writer that commits all the time
		 * adds to the log meanwhile, and the log is only reused from its
		 * start once all of it is in the database, by a checkpoint
		 * between two of the writer's transactions. So passes follow
		 * each other, each shorter, until one finds little new; then
		 * the writer copies that little itself (on_commit). */
		bool close = false;
		int before = 0;
		for (int pass = 0; pass < 16 && !close; pass++) {
			pthread_mutex_lock(&s->ck_mu);
			bool yield = s->ck_yield;
			pthread_mutex_unlock(&s->ck_mu);
			if (yield)
				break;
			int log = 0, done = 0;
			if (sqlite3_wal_checkpoint_v2(s->ck, NULL, SQLITE_CHECKPOINT_PASSIVE,
			                              &log, &done) != SQLITE_OK ||
			    log <= 0)
				break;
			close = done - before <= CHECKPOINT_CLOSE || done < before;
			before = done;
		}
		pthread_mutex_lock(&s->ck_mu);
		s->ck_busy = false;
		s->ck_close = close;
		pthread_cond_broadcast(&s->ck_idle);
	}
	pthread_mutex_unlock(&s->ck_mu);
	return NULL;
}

/* Starts the checkpointer of a writing store. Without it (no memory, no
 * thread) SQLite's automatic checkpoints stay, in the committing thread. */
static void start_checkpointer(doppel__store *s)
{
	if (sqlite3_open_v2(s->path, &s->ck, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
	                    NULL) != SQLITE_OK)
		goto fail;
	/* How long RESTART waits for the writer's transaction and for
	 * readers of the old log; it tries again at the next turn. */
	sqlite3_busy_timeout(s->ck, 200);
	/* A connection learns that the database is in WAL mode when it
	 * first reads it; until then a checkpoint does nothing. */
	if (sqlite3_exec(s->ck, "SELECT count(*) FROM sqlite_master;", NULL, NULL, NULL) !=
	    SQLITE_OK)
		goto fail;
	if (pthread_mutex_init(&s->ck_mu, NULL))
		goto fail;
	if (pthread_cond_init(&s->ck_cv, NULL)) {
		pthread_mutex_destroy(&s->ck_mu);
		goto fail;
	}
	if (pthread_cond_init(&s->ck_idle, NULL)) {
		pthread_cond_destroy(&s->ck_cv);
		pthread_mutex_destroy(&s->ck_mu);
		goto fail;
	}
	if (pthread_create(&s->ck_thread, NULL, checkpointer, s)) {
		pthread_cond_destroy(&s->ck_idle);
		pthread_cond_destroy(&s->ck_cv);
		pthread_mutex_destroy(&s->ck_mu);
		goto fail;
	}
	s->ck_running = true;
	/* Replaces the automatic checkpoints. */
	sqlite3_wal_hook(s->db, on_commit, s);
	return;
fail:
	sqlite3_close(s->ck);
	s->ck = NULL;
}

static void stop_checkpointer(doppel__store *s)
{
	if (s->ck_running) {
		pthread_mutex_lock(&s->ck_mu);
		s->ck_quit = true;
		pthread_cond_signal(&s->ck_cv);
		pthread_mutex_unlock(&s->ck_mu);
		pthread_join(s->ck_thread, NULL);
		pthread_cond_destroy(&s->ck_idle);
		pthread_cond_destroy(&s->ck_cv);
		pthread_mutex_destroy(&s->ck_mu);
		s->ck_running = false;
		sqlite3_wal_hook(s->db, NULL, NULL);
	}
	/* Closed first: the writer's connection, the last, then checkpoints
	 * all and removes the log. */
	sqlite3_close(s->ck);
	s->ck = NULL;
}

/* Whether table has column; DOPPEL_E_DB when the schema cannot be read. */
static int has_column(doppel__store *s, const char *table, const char *column, bool *has,
                      char *err)
{
	sqlite3_stmt *st = NULL;
	*has = false;
	char sql[96];
	snprintf(sql, sizeof(sql), "SELECT name FROM pragma_table_info('%s')", table);
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_error(s, "reading the schema", err);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		*has |= name && strcmp(name, column) == 0;
	}
	sqlite3_finalize(st);
	return DOPPEL_OK;
}

/*
 * Databases made before a column get it; their rows hold none (NULL):
 * views.lines, no line dropped; views.facts, facts not known;
 * views.weights, weighed by the counts of when it is read again;
 * views.contain, no containment fingerprint posted; relations.passages,
 * none stored; articles.figures, figures not known; articles.ckeys, no
 * containment fingerprint of tokens posted. The table of passage keys is
 * made empty: their articles are found as the excerpts of later ones, not
 * as their sources.
 */
static int add_columns(doppel__store *s, char *err)
{
	static const char *const views[] = {"lines", "facts", "weights", "contain"};
	bool has;
	int rc = DOPPEL_OK;
	for (size_t i = 0; rc == DOPPEL_OK && i < sizeof(views) / sizeof(*views); i++) {
		if ((rc = has_column(s, "views", views[i], &has, err)) == DOPPEL_OK && !has) {
			char sql[64];
			snprintf(sql, sizeof(sql), "ALTER TABLE views ADD COLUMN %s BLOB;",
			         views[i]);
			rc = exec(s, sql, err);
		}
	}
	if (rc == DOPPEL_OK &&
	    (rc = has_column(s, "relations", "passages", &has, err)) == DOPPEL_OK && !has)
		rc = exec(s, "ALTER TABLE relations ADD COLUMN passages BLOB;", err);
	static const char *const articles[] = {"figures", "ckeys"};
	for (size_t i = 0; rc == DOPPEL_OK && i < sizeof(articles) / sizeof(*articles); i++) {
		if ((rc = has_column(s, "articles", articles[i], &has, err)) == DOPPEL_OK &&
		    !has) {
			char sql[64];
			snprintf(sql, sizeof(sql), "ALTER TABLE articles ADD COLUMN %s BLOB;",
			         articles[i]);
			rc = exec(s, sql, err);
		}
	}
	if (rc == DOPPEL_OK)
		rc = exec(s,
		          "CREATE TABLE IF NOT EXISTS pkeys(num INTEGER PRIMARY KEY,"
		          " keys BLOB NOT NULL);",
		          err);
	return rc;
}

/* The statements a writable store keeps prepared. */
static int prepare_writes(doppel__store *s, char *err)
{
	if ((sqlite3_prepare_v2(s->db,
	                        "INSERT INTO articles(id, title, date, source, url, words,"
	                        " shingles, fingerprint, signature, added, boiler, event,"
	                        " figures, ckeys)"
	                        " VALUES(?,?,?,?,?,?,?,?,?,strftime('%s','now'),?,?,?,?)",
	                        -1, &s->put, NULL) != SQLITE_OK ||
	     sqlite3_prepare_v2(s->db, "INSERT INTO texts(num, text) VALUES(?, ?)", -1,
	                        &s->puttext, NULL) != SQLITE_OK ||
	     sqlite3_prepare_v2(s->db, "DELETE FROM articles WHERE num = ?", -1, &s->del,
	                        NULL) != SQLITE_OK ||
	     sqlite3_prepare_v2(s->db, "DELETE FROM texts WHERE num = ?", -1, &s->deltext,
	                        NULL) != SQLITE_OK ||
	     sqlite3_prepare_v2(s->db, "DELETE FROM views WHERE num = ?", -1, &s->delviews,
	                        NULL) != SQLITE_OK ||
	     sqlite3_prepare_v2(s->db, "DELETE FROM relations WHERE a = ?", -1, &s->delrel_a,
	                        NULL) != SQLITE_OK ||
	     sqlite3_prepare_v2(s->db, "DELETE FROM relations WHERE b = ?", -1, &s->delrel_b,
	                        NULL) != SQLITE_OK ||
	     sqlite3_prepare_v2(s->db, "DELETE FROM pkeys WHERE num = ?", -1, &s->delpkeys,
	                        NULL) != SQLITE_OK)) {
		return db_error(s, "prepare", err);
	}
	return DOPPEL_OK;
}

/* Reads the header of the database s has connected to (as an immutable
 * file when a reader may not create the WAL index beside it) and either
 * creates the schema in an empty one or checks that it is doppel's, made
 * with parameters p agrees with (adopt: p takes them). */
static int open_contents(doppel__store *s, const char *path, int oflags, bool ro, bool mem,
                         bool adopt, doppel_params *p, char *err)
{
	int rc;
	int64_t app = 0, tables = 0;
	rc = query_int(s, "PRAGMA application_id;", "reading its header", &app, err);
	if (rc == DOPPEL_E_READONLY && ro) {
		/* A reader that may not create the WAL index (-shm) beside a
		 * database in a directory it cannot write: read the file as it
		 * is, as an immutable database. */
		if ((rc = connect(s, path, oflags, true, err)))
			return rc;
		rc = query_int(s, "PRAGMA application_id;", "reading its header", &app, err);
	}
	if (rc || (rc = query_int(s, "SELECT count(*) FROM sqlite_master;",
	                          "reading its schema", &tables, err)))
		return rc;
	if (tables == 0 && app == 0) {
		if (ro) {
			doppel__errf(err, "%s: not a doppel database (empty)", path);
			return DOPPEL_E_NOTDB;
		}
		/* Pages of 16 KiB hold several rows of a few kilobytes
		 * (compressed texts) each, and keep small what a commit of a
		 * few articles writes to the log: each page it touches, whole
		 * (64 KiB pages made that four times as much). Set before
		 * anything is written. */
		if ((rc = exec(s, "PRAGMA page_size=16384;", err)) ||
		    (!mem && (rc = exec(s, "PRAGMA journal_mode=WAL;", err))))
			return rc;
		return create_schema(s, p, err);
	}
	if (app != APPLICATION_ID) {
		doppel__errf(err,
		             "%s: not a doppel database (an SQLite database of "
		             "another application)",
		             path);
		return DOPPEL_E_NOTDB;
	}
	return check_meta(s, adopt, p, err);
}

int doppel__store_open(doppel__store **out, const char *path, unsigned flags, bool adopt,
                       doppel_params *p, char *err)
{
	*out = NULL;
	bool ro = flags & DOPPEL_OPEN_READONLY;
	bool mem = flags & DOPPEL__OPEN_MEMORY;
	if (mem) {
		path = ":memory:";
		ro = false;
	}
	struct stat st;
	bool exists = !mem && stat(path, &st) == 0;
	if (!mem && !exists && (ro || !(flags & DOPPEL_OPEN_CREATE))) {
		doppel__errf(err, "%s: no such database", path);
		return DOPPEL_E_NOTFOUND;
	}
	if (exists && S_ISDIR(st.st_mode)) {
		doppel__errf(err, "%s: is a directory, not a database", path);
		return DOPPEL_E_NOTDB;
	}
	int rc;
	if (exists && (rc = check_length(path, st.st_size, err)))
		return rc;
	doppel__store *s = calloc(1, sizeof(*s));
	if (s) {
		s->lockfd = -1;
		s->notexts = mem;
	}
	if (!s || !(s->path = doppel__strdup(path))) {
		free(s);
		doppel__errf(err, "out of memory");
		return DOPPEL_E_NOMEM;
	}
	int oflags = ro ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	if (!ro && (mem || (flags & DOPPEL_OPEN_CREATE)))
		oflags |= SQLITE_OPEN_CREATE;
	if ((rc = connect(s, path, oflags, false, err)))
		goto fail;
	if (!ro && sqlite3_db_readonly(s->db, "main") == 1) {
		doppel__errf(err,
		             "%s: database is read-only (check the permissions of "
		             "the file and its directory)",
		             path);
		rc = DOPPEL_E_READONLY;
		goto fail;
	}
	/* Before anything is read: what a second writer reads may be about to
	 * change under it. */
	if (!ro && !mem && (rc = lock_take(s, p->program, err)))
		goto fail;
	if ((rc = open_contents(s, path, oflags, ro, mem, adopt, p, err)))
		goto fail;
	if (!ro && !mem &&
	    ((rc = exec(s, "PRAGMA journal_mode=WAL;", err)) ||
	     (rc = exec(s, "PRAGMA synchronous=NORMAL;", err)) || (rc = add_columns(s, err)) ||
	     (rc = note_relations(s, p, err)) || (rc = note_rules(s, err))))
		goto fail;
	if ((rc = settle_pkey_rules(s, ro, err)))
		goto fail;
	if ((rc = has_column(s, "relations", "passages", &s->passages, err)))
		goto fail;
	if (!ro && (rc = prepare_writes(s, err)))
		goto fail;
	if (!ro && !mem)
		start_checkpointer(s);
	*out = s;
	return DOPPEL_OK;
fail:
	doppel__store_close(s);
	return rc;
}

void doppel__store_close(doppel__store *s)
{
	if (!s)
		return;
	stop_checkpointer(s);
	sqlite3_finalize(s->put);
	sqlite3_finalize(s->del);
	sqlite3_finalize(s->puttext);
	sqlite3_finalize(s->deltext);
	sqlite3_finalize(s->delviews);
	sqlite3_finalize(s->delpkeys);
	sqlite3_finalize(s->delrel_a);
	sqlite3_finalize(s->delrel_b);
	sqlite3_finalize(s->gettext);
	sqlite3_close(s->db);
	/* Last: the log is checkpointed and removed before another writer may
	 * begin. */
	lock_release(s);
	free(s->path);
	free(s->zbuf);
	free(s->figbuf);
	free(s);
}

int doppel__store_begin(doppel__store *s, char *err)
{
	return exec(s, "BEGIN IMMEDIATE;", err);
}

int doppel__store_commit(doppel__store *s, char *err)
{
	return exec(s, "COMMIT;", err);
}

void doppel__store_rollback(doppel__store *s)
{
	sqlite3_exec(s->db, "ROLLBACK;", NULL, NULL, NULL);
}

static void bind_text_or_null(sqlite3_stmt *st, int col, const char *v)
{
	if (v)
		sqlite3_bind_text(st, col, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, col);
}

sqlite3 *doppel__store_db(doppel__store *s)
{
	return s->db;
}

int doppel__store_error(doppel__store *s, const char *what, char *err)
{
	return db_error(s, what, err);
}

int doppel__store_compress(const char *text, size_t len, uint8_t **out, size_t *outlen)
{
	size_t bound = ZSTD_compressBound(len);
	uint8_t *z = malloc(bound ? bound : 1);
	if (!z)
		return DOPPEL_E_NOMEM;
	size_t n = ZSTD_compress(z, bound, text, len, ZSTD_LEVEL);
	if (ZSTD_isError(n)) {
		free(z);
		return DOPPEL_E_NOMEM; /* only a too small buffer, which bound prevents */
	}
	*out = z;
	*outlen = n;
	return DOPPEL_OK;
}

/* Binds the figures and token fingerprints of sk to parameters 12 and
 * 13 of st (4 bytes each, little-endian). */
static int bind_keys(doppel__store *s, sqlite3_stmt *st, const doppel__sketch *sk, char *err)
{
	size_t nall = (size_t)sk->nfig + sk->nckey;
	if (doppel__grow(&s->figbuf, &s->figcap, 4 * nall + 1, 1)) {
		doppel__errf(err, "out of memory");
		return DOPPEL_E_NOMEM;
	}
	uint8_t *fb = s->figbuf;
	for (uint32_t i = 0; i < sk->nfig; i++)
		doppel__put_le(fb + 4 * i, sk->fig[i], 4);
	for (uint32_t i = 0; i < sk->nckey; i++)
		doppel__put_le(fb + 4 * (sk->nfig + i), sk->ckey[i], 4);
	/* A text without figures has an empty blob, not NULL (unknown). */
	sqlite3_bind_blob(st, 12, fb, (int)(4 * sk->nfig), SQLITE_STATIC);
	sqlite3_bind_blob(st, 13, fb + 4 * sk->nfig, (int)(4 * sk->nckey), SQLITE_STATIC);
	return DOPPEL_OK;
}

int doppel__store_put(doppel__store *s, const doppel_article *a, const doppel__sketch *sk,
                      unsigned k, unsigned boiler, int64_t event, const uint8_t *ztext,
                      size_t zlen, int64_t *num, char *err)
{
	size_t z = zlen;
	if (!ztext && !s->notexts) {
		size_t bound = ZSTD_compressBound(a->text_len);
		if (doppel__grow(&s->zbuf, &s->zcap, bound, 1)) {
			doppel__errf(err, "out of memory");
			return DOPPEL_E_NOMEM;
		}
		z = ZSTD_compress(s->zbuf, s->zcap, a->text, a->text_len, ZSTD_LEVEL);
		if (ZSTD_isError(z)) {
			doppel__errf(err, "%s: compressing text: %s",
			             a->origin ? a->origin : a->id, ZSTD_getErrorName(z));
			return DOPPEL_E_NOMEM;
		}
		ztext = s->zbuf;
	}
	/* Signatures are stored little-endian whatever the host. */
	uint8_t sigbytes[2048];
	for (unsigned i = 0; i < k && !s->notexts; i++) {
		sigbytes[2 * i] = (uint8_t)(sk->sig[i] & 0xff);
		sigbytes[2 * i + 1] = (uint8_t)(sk->sig[i] >> 8);
	}
	sqlite3_stmt *st = s->put;
	sqlite3_bind_text(st, 1, a->id, -1, SQLITE_STATIC);
	bind_text_or_null(st, 2, a->title);
	if (a->date == DOPPEL_NO_DATE)
		sqlite3_bind_null(st, 3);
	else
		sqlite3_bind_int(st, 3, a->date);
	bind_text_or_null(st, 4, a->source);
	bind_text_or_null(st, 5, a->url);
	sqlite3_bind_int64(st, 6, sk->words);
	sqlite3_bind_int64(st, 7, sk->shingles);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)sk->fingerprint);
	/* A scan's database in memory is never opened again, and memory holds
	 * the signatures it reads: none is stored there. */
	if (s->notexts)
		sqlite3_bind_zeroblob(st, 9, 0);
	else
		sqlite3_bind_blob(st, 9, sigbytes, (int)(2 * k), SQLITE_STATIC);
	sqlite3_bind_int(st, 10, (int)boiler);
	if (event)
		sqlite3_bind_int64(st, 11, event);
	else
		sqlite3_bind_null(st, 11);
	/* A scan's database in memory is never opened again: what memory
	 * holds of its articles' figures and fingerprints is all that is
	 * read. */
	if (!s->notexts && bind_keys(s, st, sk, err))
		return DOPPEL_E_NOMEM;
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return db_error(s, "storing an article", err);
	*num = sqlite3_last_insert_rowid(s->db);
	if (s->notexts)
		return DOPPEL_OK;
	sqlite3_bind_int64(s->puttext, 1, *num);
	sqlite3_bind_blob64(s->puttext, 2, ztext, z, SQLITE_STATIC);
	rc = sqlite3_step(s->puttext);
	sqlite3_reset(s->puttext);
	sqlite3_clear_bindings(s->puttext);
	if (rc != SQLITE_DONE)
		return db_error(s, "storing an article's text", err);
	return DOPPEL_OK;
}

bool doppel__store_keeps_texts(const doppel__store *s)
{
	return !s->notexts;
}

unsigned doppel__store_pkey_rules(const doppel__store *s)
{
	return s->pkrules;
}

bool doppel__store_has_passages(const doppel__store *s)
{
	return s->passages;
}

/* One stored zstd frame into a new NUL-terminated text (internal.h). */
int doppel__store_unpack_text(const void *z, size_t zn, char **text, size_t *len)
{
	*text = NULL;
	*len = 0;
	if (!z || zn == 0)
		return DOPPEL_E_DB;
	/* The size a frame claims is only a hint: a damaged one may claim a
	 * terabyte. The text grows with what really comes out. */
	unsigned long long claim = ZSTD_getFrameContentSize(z, zn);
	if (claim == ZSTD_CONTENTSIZE_ERROR || ZSTD_findFrameCompressedSize(z, zn) != zn)
		return DOPPEL_E_DB;
	size_t cap = 4 * zn + 256;
	if (claim != ZSTD_CONTENTSIZE_UNKNOWN && claim < cap)
		cap = (size_t)claim;
	ZSTD_DStream *ds = ZSTD_createDStream();
	char *t = malloc(cap + 1);
	int rc = DOPPEL_OK;
	if (!ds || !t) {
		rc = DOPPEL_E_NOMEM;
		goto out;
	}
	ZSTD_inBuffer in = {z, zn, 0};
	ZSTD_outBuffer o = {t, cap, 0};
	for (;;) {
		size_t r = ZSTD_decompressStream(ds, &o, &in);
		if (ZSTD_isError(r)) {
			rc = DOPPEL_E_DB;
			goto out;
		}
		if (r == 0)
			break; /* the frame is whole */
		if (o.pos < o.size) {
			if (in.pos == in.size) {
				rc = DOPPEL_E_DB; /* cut short */
				goto out;
			}
			continue;
		}
		if (cap > SIZE_MAX / 2 - 1) {
			rc = DOPPEL_E_NOMEM;
			goto out;
		}
		char *bigger = realloc(t, 2 * cap + 1);
		if (!bigger) {
			rc = DOPPEL_E_NOMEM;
			goto out;
		}
		t = bigger;
		cap *= 2;
		o.dst = t;
		o.size = cap;
	}
	if (claim != ZSTD_CONTENTSIZE_UNKNOWN && claim != o.pos) {
		rc = DOPPEL_E_DB;
		goto out;
	}
	t[o.pos] = '\0';
	*text = t;
	*len = o.pos;
	t = NULL;
out:
	free(t);
	ZSTD_freeDStream(ds);
	return rc;
}

int doppel__store_text(doppel__store *s, int64_t num, char **text, size_t *len, char **source,
                       char *err)
{
	*text = NULL;
	*len = 0;
	*source = NULL;
	if (s->notexts) {
		doppel__errf(err, "article %lld: a database in memory keeps no texts",
		             (long long)num);
		return DOPPEL_E_NOTFOUND;
	}
	if (!s->gettext &&
	    sqlite3_prepare_v2(s->db,
	                       "SELECT t.text, a.source FROM texts t JOIN articles a"
	                       " ON a.num = t.num WHERE t.num = ?",
	                       -1, &s->gettext, NULL) != SQLITE_OK)
		return db_error(s, "reading a text", err);
	sqlite3_stmt *st = s->gettext;
	sqlite3_bind_int64(st, 1, num);
	int rc = DOPPEL_OK;
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		const void *z = sqlite3_column_blob(st, 0);
		size_t zn = (size_t)sqlite3_column_bytes(st, 0);
		const char *src = (const char *)sqlite3_column_text(st, 1);
		rc = doppel__store_unpack_text(z, zn, text, len);
		if (rc == DOPPEL_E_DB)
			doppel__errf(err, "%s: the text of article %lld is damaged", s->path,
			             (long long)num);
		else if (rc == DOPPEL_OK && src && !(*source = doppel__strdup(src)))
			rc = DOPPEL_E_NOMEM;
		if (rc == DOPPEL_E_NOMEM) {
			free(*text);
			*text = NULL;
			*len = 0;
			doppel__errf(err, "out of memory");
		}
	} else if (step == SQLITE_DONE) {
		doppel__errf(err, "%s: article %lld has no text", s->path, (long long)num);
		rc = DOPPEL_E_NOTFOUND;
	} else {
		rc = db_error(s, "reading a text", err);
	}
	sqlite3_reset(st);
	return rc;
}

int doppel__store_delete(doppel__store *s, int64_t num, char *err)
{
	sqlite3_stmt *st[6] = {s->del,      s->deltext,  s->delviews,
	                       s->delrel_a, s->delrel_b, s->delpkeys};
	for (int i = 0; i < 6; i++) {
		sqlite3_bind_int64(st[i], 1, num);
		int rc = sqlite3_step(st[i]);
		sqlite3_reset(st[i]);
		if (rc != SQLITE_DONE)
			return db_error(s, "deleting an article", err);
	}
	return DOPPEL_OK;
}

/* A stored signature of k slots into sig; false when its size is not 2k. */
bool doppel__store_unpack_sig(const uint8_t *blob, size_t len, unsigned k, uint16_t *sig)
{
	if (!blob || len != 2 * (size_t)k)
		return false;
	/* Stored little-endian whatever the host. */
	for (unsigned i = 0; i < k; i++)
		sig[i] = (uint16_t)doppel__get_le(blob + 2 * i, 2);
	return true;
}

/* The 4-byte keys of column col of st's row into *buf (capacity *cap):
 * *out, *n; *known is false for NULL (not recorded). A blob of a size
 * that is not a whole number of keys is read as not recorded too: figures
 * only veto, and fingerprints only find candidates. */
static int unpack_keys(sqlite3_stmt *st, int col, uint32_t **buf, size_t *cap,
                       const uint32_t **out, uint32_t *n, bool *known)
{
	*out = NULL;
	*n = 0;
	*known = false;
	if (sqlite3_column_type(st, col) != SQLITE_BLOB)
		return DOPPEL_OK;
	const uint8_t *blob = sqlite3_column_blob(st, col);
	size_t len = (size_t)sqlite3_column_bytes(st, col);
	if (len % 4 || len / 4 >= UINT32_MAX)
		return DOPPEL_OK;
	if (doppel__grow((void **)buf, cap, len / 4 + 1, sizeof(**buf)))
		return DOPPEL_E_NOMEM;
	for (size_t i = 0; i < len / 4; i++)
		(*buf)[i] = (uint32_t)doppel__get_le(blob + 4 * i, 4);
	*out = *buf;
	*n = (uint32_t)(len / 4);
	*known = true;
	return DOPPEL_OK;
}

int doppel__store_load(doppel__store *s, unsigned k, doppel__row_fn fn, void *ctx, char *err)
{
	sqlite3_stmt *st = NULL;
	bool figured, keyed;
	int rc = has_column(s, "articles", "figures", &figured, err);
	if (rc == DOPPEL_OK)
		rc = has_column(s, "articles", "ckeys", &keyed, err);
	if (rc)
		return rc;
	/* A database made before figures and fingerprints were kept, opened
	 * read-only, has not their columns. */
	char sql[192];
	snprintf(sql, sizeof(sql),
	         "SELECT num, id, title, date, words, shingles, fingerprint, signature, boiler,"
	         " event, %s, %s FROM articles ORDER BY num",
	         figured ? "figures" : "NULL", keyed ? "ckeys" : "NULL");
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_error(s, "loading articles", err);
	uint16_t *sig = doppel__alloc_array(k, sizeof(*sig));
	if (!sig) {
		sqlite3_finalize(st);
		doppel__errf(err, "out of memory");
		return DOPPEL_E_NOMEM;
	}
	uint32_t *fig = NULL, *ckey = NULL;
	size_t figcap = 0, ckeycap = 0;
	bool known;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		doppel__row row = {0};
		row.num = sqlite3_column_int64(st, 0);
		row.id = (const char *)sqlite3_column_text(st, 1);
		row.title = (const char *)sqlite3_column_text(st, 2);
		row.date = sqlite3_column_type(st, 3) == SQLITE_NULL
		                   ? DOPPEL_NO_DATE
		                   : (int32_t)sqlite3_column_int(st, 3);
		row.words = (uint32_t)sqlite3_column_int64(st, 4);
		row.shingles = (uint32_t)sqlite3_column_int64(st, 5);
		row.fingerprint = (uint64_t)sqlite3_column_int64(st, 6);
		const uint8_t *blob = sqlite3_column_blob(st, 7);
		int len = sqlite3_column_bytes(st, 7);
		if (!row.id || !doppel__store_unpack_sig(blob, (size_t)len, k, sig)) {
			doppel__errf(err,
			             "%s: article %lld has a damaged signature (%d bytes, "
			             "expected %u)",
			             s->path, (long long)row.num, len, 2 * k);
			rc = DOPPEL_E_DB;
			break;
		}
		row.sig = sig;
		row.boiler = (unsigned)sqlite3_column_int(st, 8);
		row.event = sqlite3_column_int64(st, 9);
		if ((rc = unpack_keys(st, 10, &fig, &figcap, &row.fig, &row.nfig,
		                      &row.figured)) ||
		    (rc = unpack_keys(st, 11, &ckey, &ckeycap, &row.ckey, &row.nckey,
		                      &known))) {
			doppel__errf(err, "out of memory");
			break;
		}
		if ((rc = fn(ctx, &row)))
			break;
	}
	if (rc == DOPPEL_OK && step != SQLITE_DONE)
		rc = db_error(s, "loading articles", err);
	sqlite3_finalize(st);
	free(sig);
	free(fig);
	free(ckey);
	return rc;
}

/* The stored line counts into lc. */
void doppel__store_unpack_lines(const uint8_t *blob, size_t len, doppel__linecount *lc)
{
	/* A blob of another size is ignored: counts are a heuristic and start
	 * again from zero. */
	if (!blob || len != sizeof(lc->c))
		return;
	uint16_t *c = &lc->c[0][0];
	for (size_t i = 0; i < len / 2; i++)
		c[i] = (uint16_t)doppel__get_le(blob + 2 * i, 2);
}

int doppel__store_load_lines(doppel__store *s, doppel__linecount *lc, char *err)
{
	memset(lc, 0, sizeof(*lc));
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(s->db, "SELECT counts FROM lines WHERE id = 1", -1, &st, NULL) !=
	    SQLITE_OK)
		return db_error(s, "loading line counts", err);
	int rc = DOPPEL_OK;
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		doppel__store_unpack_lines(sqlite3_column_blob(st, 0),
		                           (size_t)sqlite3_column_bytes(st, 0), lc);
	else if (step != SQLITE_DONE)
		rc = db_error(s, "loading line counts", err);
	sqlite3_finalize(st);
	return rc;
}

int doppel__store_save_lines(doppel__store *s, const doppel__linecount *lc, char *err)
{
	size_t len = sizeof(lc->c);
	uint8_t *blob = malloc(len);
	if (!blob) {
		doppel__errf(err, "out of memory");
		return DOPPEL_E_NOMEM;
	}
	const uint16_t *c = &lc->c[0][0];
	for (size_t i = 0; i < len / 2; i++) {
		blob[2 * i] = (uint8_t)(c[i] & 0xff);
		blob[2 * i + 1] = (uint8_t)(c[i] >> 8);
	}
	sqlite3_stmt *st = NULL;
	int rc = DOPPEL_OK;
	if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO lines(id, counts) VALUES(1, ?)",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = db_error(s, "saving line counts", err);
	} else {
		sqlite3_bind_blob(st, 1, blob, (int)len, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = db_error(s, "saving line counts", err);
		sqlite3_finalize(st);
	}
	free(blob);
	return rc;
}
