/*
 * fuzz_blob.c — what the store decodes, on any bytes. The first byte
 * chooses what the rest is:
 *   0  a part of the rarity counts (doppel__rarity_load_part);
 *   1  the rarity counts whole, as older databases kept them;
 *   2  a stored text: one zstd frame (doppel__store_unpack_text);
 *   3  a signature of k slots, k from the second byte;
 *   4  the boilerplate line counts;
 *   5  changes to a small database (below), which the index then opens
 *      and reads through the public API.
 * A database change is three bytes and a value: which column of which
 * table, which row, the value's length, then the value, taken as an
 * integer, a real or bytes as the column's type wants. The database is a
 * copy of one made once from a few articles that copy each other, so
 * that it has relations, events and stories.
 */
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Rarity counts, a part or whole: loaded, they answer and save again. */
static void rarity(const uint8_t *b, size_t n, bool whole)
{
	doppel__rarity r = {0};
	uint64_t seq = 0;
	uint32_t docs = 0;
	int rc = whole ? doppel__rarity_load(&r, b, n)
	               : doppel__rarity_load_part(&r, b, n, &seq, &docs);
	if (rc == DOPPEL_OK && !whole && (n < 12 || n % 12))
		abort(); /* a blob of the wrong shape is refused */
	/* Whatever was loaded answers every key, and saves. */
	for (size_t at = whole ? 4 : 12; at + 12 <= n; at += 12) {
		uint64_t key = doppel__get_le(b + at, 8);
		(void)doppel__rarity_df(&r, key);
		if (!isfinite(doppel__rarity_weight(&r, key)))
			abort();
	}
	for (unsigned p = 0; p < DOPPEL__RARITY_PARTS; p++) {
		uint8_t *out = NULL;
		size_t len = 0;
		if (doppel__rarity_save_part(&r, p, seq, &out, &len) == DOPPEL_OK) {
			doppel__rarity back = {0};
			uint64_t s2;
			uint32_t d2;
			if (doppel__rarity_load_part(&back, out, len, &s2, &d2) != DOPPEL_OK ||
			    s2 != seq)
				abort();
			doppel__rarity_free(&back);
		}
		free(out);
	}
	doppel__rarity_free(&r);
}

/* A stored text frame, and the bytes themselves as a text. */
static void text(const uint8_t *b, size_t n)
{
	char *t = NULL;
	size_t len = 0;
	int rc = doppel__store_unpack_text(b, n, &t, &len);
	if (rc == DOPPEL_OK && (!t || t[len] != '\0'))
		abort();
	if (rc != DOPPEL_OK && (t || (rc != DOPPEL_E_DB && rc != DOPPEL_E_NOMEM)))
		abort();
	free(t);
	/* And the bytes as a text: compressed, then unpacked, the same. */
	uint8_t *z = NULL;
	size_t zn = 0;
	if (doppel__store_compress((const char *)b, n, &z, &zn) != DOPPEL_OK)
		return;
	if (doppel__store_unpack_text(z, zn, &t, &len) != DOPPEL_OK || len != n ||
	    (n && memcmp(t, b, n) != 0))
		abort();
	free(t);
	free(z);
}

/* A signature blob: taken exactly when it holds k slots. */
static void signature(const uint8_t *b, size_t n)
{
	if (n < 1)
		return;
	unsigned k = 16 + 8u * (b[0] % 127);
	uint16_t sig[1024];
	bool ok = doppel__store_unpack_sig(b + 1, n - 1, k, sig);
	if (ok != (n - 1 == 2 * (size_t)k))
		abort();
	for (unsigned i = 0; ok && i < k; i++)
		if (sig[i] != (b[1 + 2 * i] | b[2 + 2 * i] << 8))
			abort();
}

/* The line counts blob. */
static void lines(const uint8_t *b, size_t n)
{
	doppel__linecount *lc = calloc(1, sizeof(*lc));
	if (!lc)
		return;
	doppel__store_unpack_lines(b, n, lc);
	(void)doppel__linecount_get(lc, n);
	free(lc);
}

/* ------------------------------------------------------------ database */

/* In memory where the system has it (tmpfs): a database is copied for
 * every input. */
static char dir[64];
static char template_db[96], work_db[96];

/* The columns a change may hit, with the affinity its value takes. */
static const struct column {
	const char *table, *column;
	char type; /* 'i' integer, 'r' real, 't' text, 'b' blob */
} columns[] = {
	{"articles", "id", 't'},
	{"articles", "title", 't'},
	{"articles", "date", 'i'},
	{"articles", "words", 'i'},
	{"articles", "shingles", 'i'},
	{"articles", "fingerprint", 'i'},
	{"articles", "signature", 'b'},
	{"articles", "boiler", 'i'},
	{"articles", "event", 'i'},
	{"articles", "source", 't'},
	{"texts", "text", 'b'},
	{"texts", "num", 'i'},
	{"views", "ksig", 'b'},
	{"views", "nkeys", 'i'},
	{"views", "asig", 'b'},
	{"views", "nanchors", 'i'},
	{"views", "nsent", 'i'},
	{"views", "anchors", 'b'},
	{"relations", "a", 'i'},
	{"relations", "b", 'i'},
	{"relations", "relation", 'i'},
	{"relations", "basis", 'i'},
	{"relations", "a_source", 'i'},
	{"relations", "jaccard", 'r'},
	{"relations", "containment", 'r'},
	{"relations", "topic", 'r'},
	{"events", "label", 't'},
	{"events", "story", 'i'},
	{"stories", "label", 't'},
	{"stories", "title", 't'},
	{"stories", "first", 'i'},
	{"stories", "last", 'i'},
	{"stories", "events", 'i'},
	{"stories", "articles", 'i'},
	{"rarity", "counts", 'b'},
	{"lines", "counts", 'b'},
	{"meta", "value", 't'},
	{"articles", "figures", 'b'},
	{"articles", "ckeys", 'b'},
	{"views", "facts", 'b'},
	{"views", "contain", 'b'},
};
#define NCOLUMNS (sizeof(columns) / sizeof(*columns))

/* Articles of the template: pairs of copies, so that relations, events
 * and stories exist. */
static const char *const base[] = {
	"The harbour authority of Orvik said on Monday that dock workers ended a "
	"strike of nine days after the union accepted a contract with higher pay. "
	"Ships waiting outside the port began to unload on Tuesday morning.",
	"Heavy rain flooded the lower town of Brenna overnight and the river rose "
	"two metres above its usual level. The mayor, Anna Kell, opened the school "
	"gym to families who left their homes.",
	"The national gallery reported that a painting by Mira Osk was taken from "
	"its frame on Sunday. Guards found the empty frame during the morning "
	"round and the police closed the east wing.",
};

/* Removes the template's directory when the fuzzer or replay ends. */
static void remove_template(void)
{
	const char *const suffix[] = {"template.db",  "template.db.lock", "work.db",
	                              "work.db.lock", "work.db-wal",      "work.db-shm"};
	for (size_t i = 0; i < sizeof(suffix) / sizeof(*suffix); i++) {
		char path[128];
		snprintf(path, sizeof(path), "%s/%s", dir, suffix[i]);
		unlink(path);
	}
	rmdir(dir);
}

static void make_template(void)
{
	struct stat st;
	snprintf(dir, sizeof(dir), "%s/doppel-fuzz-blob-XXXXXX",
	         stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : "/tmp");
	if (!mkdtemp(dir))
		abort();
	atexit(remove_template);
	snprintf(template_db, sizeof(template_db), "%s/template.db", dir);
	snprintf(work_db, sizeof(work_db), "%s/work.db", dir);
	doppel_params p;
	doppel_params_init(&p);
	p.threads = 1;
	/* Few slots: choosing the LSH layout, on every open, costs time
	 * that grows with k, and the decoders are the same. */
	p.k = 16;
	doppel_index *x = NULL;
	char err[256];
	if (doppel_index_open(&x, template_db, &p, DOPPEL_OPEN_CREATE, err, sizeof(err))) {
		fprintf(stderr, "fuzz_blob: %s\n", err);
		abort();
	}
	doppel_batch *b = doppel_batch_new();
	for (size_t i = 0; i < 2 * sizeof(base) / sizeof(*base); i++) {
		char id[8], body[1024];
		snprintf(id, sizeof(id), "a%zu", i);
		snprintf(body, sizeof(body), "%s%s", base[i / 2],
		         i % 2 ? " A reprint, with a line of its own." : "");
		doppel_article a = {.id = id, .text = body, .text_len = strlen(body)};
		a.date = 19800 + (int32_t)i;
		doppel_batch_push(b, &a);
	}
	if (doppel_index_add(x, b, DOPPEL_DUP_ERROR) != DOPPEL_OK)
		abort();
	doppel_batch_free(b);
	doppel_index_close(x);
}

/* Copies a file; false when it cannot. */
static bool copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	bool ok = in && out;
	char buf[65536];
	size_t n;
	while (ok && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		ok = fwrite(buf, 1, n, out) == n;
	if (in)
		fclose(in);
	if (out && fclose(out) != 0)
		ok = false;
	return ok;
}

/* Applies the changes of b to the work database; false when it cannot. */
static bool change(const uint8_t *b, size_t n)
{
	sqlite3 *db = NULL;
	if (sqlite3_open(work_db, &db) != SQLITE_OK) {
		sqlite3_close(db);
		return false;
	}
	/* One transaction and no sync: a change costs microseconds, not a
	 * disk's flush. */
	sqlite3_exec(db, "PRAGMA synchronous=OFF; BEGIN;", NULL, NULL, NULL);
	size_t at = 0;
	while (at + 3 <= n) {
		const struct column *c = &columns[b[at] % NCOLUMNS];
		unsigned row = b[at + 1];
		size_t len = b[at + 2];
		at += 3;
		if (len > n - at)
			len = n - at;
		const uint8_t *v = b + at;
		at += len;
		char sql[256];
		/* The row-th row in the table's key order. */
		snprintf(
			sql, sizeof(sql),
			"UPDATE %s SET %s = ?1 WHERE rowid = (SELECT rowid FROM %s ORDER BY rowid "
			"LIMIT 1 OFFSET %u)",
			c->table, c->column, c->table, row % 8);
		if (!strcmp(c->table, "relations"))
			snprintf(
				sql, sizeof(sql),
				"UPDATE relations SET %s = ?1 WHERE (a, b) = (SELECT a, b FROM "
				"relations ORDER BY a, b LIMIT 1 OFFSET %u)",
				c->column, row % 8);
		else if (!strcmp(c->table, "meta"))
			snprintf(sql, sizeof(sql),
			         "UPDATE meta SET value = ?1 WHERE key = (SELECT key FROM meta "
			         "ORDER BY key LIMIT 1 OFFSET %u)",
			         row % 8);
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
			abort(); /* the list of columns is wrong */
		if (c->type == 'i') {
			uint64_t x = len ? doppel__get_le(v, len < 8 ? (int)len : 8) : 0;
			sqlite3_bind_int64(st, 1, (sqlite3_int64)x);
		} else if (c->type == 'r') {
			double d = 0;
			memcpy(&d, v, len < sizeof(d) ? len : sizeof(d));
			sqlite3_bind_double(st, 1, d);
		} else if (c->type == 't') {
			sqlite3_bind_text(st, 1, (const char *)v, (int)len, SQLITE_TRANSIENT);
		} else {
			sqlite3_bind_blob(st, 1, v, (int)len, SQLITE_TRANSIENT);
		}
		sqlite3_step(st); /* a constraint may refuse it: then unchanged */
		sqlite3_finalize(st);
	}
	sqlite3_exec(db, "COMMIT;", NULL, NULL, NULL);
	sqlite3_close(db);
	return true;
}

/* Reads everything a reading handle answers. */
static void read_all(doppel_index *x)
{
	(void)doppel_index_count(x);
	size_t n = 0;
	const doppel_story_info *info = NULL;
	char ids[16][64];
	size_t nids = 0;
	/* The list is borrowed until the next call: its ids are copied. */
	if (doppel_index_stories(x, DOPPEL_NO_DATE, 0, &n, &info) == DOPPEL_OK)
		for (size_t i = 0; i < n && nids < 16; i++) {
			if (!info[i].id)
				abort();
			snprintf(ids[nids++], sizeof(ids[0]), "%s", info[i].id);
		}
	for (size_t i = 0; i < nids; i++) {
		doppel_story st;
		if (doppel_index_story(x, ids[i], &st) != DOPPEL_OK)
			continue;
		/* Every member is named, and so is its relation. */
		for (size_t e = 0; e < st.count; e++)
			for (size_t m = 0; m < st.events[e].count; m++) {
				const doppel_event_member *em = &st.events[e].members[m];
				if (!em->id || !doppel_relation_name(em->relation))
					abort();
			}
	}
	for (size_t i = 0; i < 2 * sizeof(base) / sizeof(*base); i++) {
		char id[8];
		snprintf(id, sizeof(id), "a%zu", i);
		doppel_stored s;
		if (doppel_index_get(x, id, &s) == DOPPEL_OK &&
		    (!s.article.id || !s.article.text ||
		     strlen(s.article.text) > s.article.text_len))
			abort();
		size_t nm = 0;
		const doppel_match *m = NULL;
		if (doppel_index_relations(x, id, &nm, &m) == DOPPEL_OK)
			for (size_t k = 0; k < nm; k++)
				if (!m[k].id || !doppel_relation_name(m[k].relation))
					abort();
	}
	if (strlen(doppel_index_errmsg(x)) >= DOPPEL__ERRLEN)
		abort();
}

/* Changes to a copy of the template, read back by two handles. */
static void database(const uint8_t *b, size_t n)
{
	if (!*template_db)
		make_template();
	if (!copy_file(template_db, work_db) || !change(b, n))
		return;
	doppel_params p;
	doppel_params_init(&p);
	p.threads = 1;
	p.k = 16;
	doppel_index *x = NULL;
	char err[DOPPEL__ERRLEN];
	if (doppel_index_open(&x, work_db, &p, DOPPEL_OPEN_READONLY | DOPPEL_OPEN_LAZY, err,
	                      sizeof(err)) == DOPPEL_OK) {
		read_all(x);
		doppel_index_close(x);
	} else if (!*err) {
		abort(); /* a refusal says why */
	}
	/* Loading the signatures and comparing, for copies only (no WordNet). */
	p.relations = DOPPEL_FIND_DUPLICATE | DOPPEL_FIND_COPY;
	if (doppel_index_open(&x, work_db, &p, DOPPEL_OPEN_READONLY, err, sizeof(err)) ==
	    DOPPEL_OK) {
		doppel_batch *q = doppel_batch_new();
		doppel_article a = {
			.id = "probe", .text = base[0], .text_len = strlen(base[0])};
		a.date = DOPPEL_NO_DATE;
		if (q && doppel_batch_push(q, &a) == DOPPEL_OK &&
		    doppel_index_query(x, q) == DOPPEL_OK) {
			doppel_result r;
			if (doppel_index_result(x, 0, &r) != DOPPEL_OK)
				abort();
		}
		doppel_batch_free(q);
		doppel_index_close(x);
	}
	unlink(work_db);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	size_t n = size - 1;
	uint8_t *b = malloc(n ? n : 1);
	if (!b)
		return 0;
	memcpy(b, data + 1, n);
	switch (data[0] % 6) {
	case 0:
		rarity(b, n, false);
		break;
	case 1:
		rarity(b, n, true);
		break;
	case 2:
		text(b, n);
		break;
	case 3:
		signature(b, n);
		break;
	case 4:
		lines(b, n);
		break;
	default:
		database(b, n);
		break;
	}
	free(b);
	return 0;
}
