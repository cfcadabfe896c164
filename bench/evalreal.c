/*
 * evalreal.c — relation accuracy on real corpora (make eval-real).
 *
 * usage: evalreal prepare DATA CACHE SPIN
 *        evalreal [--summary FILE] planted DATA PLANTED_TSV SCAN
 *        evalreal [--summary FILE] labels CORPUS LABELS_TSV SCAN
 *        evalreal [--summary FILE] ecb ECB_JSONL SCAN
 *        evalreal [--summary FILE] pan PAN_DIR SCAN
 *        evalreal [--summary FILE] syndicated SYNDICATED_TSV SCAN
 *        evalreal [--summary FILE] agree NAME SCAN ADD [SCAN_STORIES INDEX_STORIES]
 *        evalreal summary FILE
 *
 * `prepare` writes the corpora doppel is run on into CACHE: reuters.jsonl
 * (the Reuters dev articles, by date then id), planted.jsonl (the same with
 * planted copies) and planted.tsv (copy, original, class, days after the
 * original, detail), syndicated.jsonl (the same with outlets that take a
 * wire report's lead) and syndicated.tsv (outlet, wire, the outlet's own
 * story), ecb.jsonl and pan.jsonl. SPIN is bench/spin, run twice at a time for the spun
 * copies. The other commands read what `doppel scan --json`, `doppel add
 * --json` and `doppel stories --json` printed, score it against a truth
 * that owes nothing to the library, and print the figures, the headline
 * ones with their targets; --summary appends those to FILE, and `summary`
 * prints FILE as the closing table. bench/README.md ("make eval-real")
 * defines each figure and its truth.
 *
 * Nothing here calls the library: the truth of the natural near-copies
 * among Reuters articles (near_copy) uses its own words and hashes, so a
 * change in doppel's tokenizer cannot move the yardstick.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <xxhash.h>
#include <zstd.h>
#include "doppel.h"

#define SEED 1987     /* of every random choice in prepare */
#define PER_CLASS 300 /* planted copies of each class */
#define SPIN_JOBS 2   /* spinners run at once */
#define EXAMPLES 8    /* examples printed under a figure */

/* ------------------------------------------------------------ utilities */

static FILE *summary;

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("evalreal: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		die("out of memory");
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xrealloc(NULL, n), s, n);
}

#define PUSH(v, n, cap, x)                                                                     \
	do {                                                                                   \
		if ((n) == (cap)) {                                                            \
			(cap) = (cap) ? 2 * (cap) : 64;                                        \
			(v) = xrealloc((v), (cap) * sizeof(*(v)));                             \
		}                                                                              \
		(v)[(n)++] = (x);                                                              \
	} while (0)

struct buf {
	char *p;
	size_t n, cap;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = 2 * (b->n + n + 1);
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static uint64_t rng = SEED;

/* splitmix64: the same stream on every machine */
static uint64_t next_random(void)
{
	uint64_t z = (rng += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static double uniform(double lo, double hi)
{
	return lo + (hi - lo) * (double)(next_random() >> 11) / 9007199254740992.0;
}

static size_t below(size_t n)
{
	return n ? (size_t)(next_random() % n) : 0;
}

static void shuffle(size_t *v, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = below(i), t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

static double share(unsigned long num, unsigned long den)
{
	return den ? (double)num / (double)den : 0.0;
}

/* ----------------------------------------------------------------- dates */

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static long days_from_civil(long y, long m, long d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, char out[16])
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	long d = doy - (153 * mp + 2) / 5 + 1;
	long m = mp < 10 ? mp + 3 : mp - 9;
	long y = yoe + era * 400 + (m <= 2);
	snprintf(out, 16, "%04d-%02d-%02d", (int)(y % 10000), (int)m, (int)d);
}

#define NO_DATE LONG_MIN

static long parse_date(const char *s)
{
	int y, m, d;
	if (!s || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return NO_DATE;
	return days_from_civil(y, m, d);
}

/* ------------------------------------------------------------------ files */

/* The whole file, decompressed when its name ends in .zst; NUL-terminated. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die("%s: %s", path, strerror(errno));
	struct buf raw = {0};
	char chunk[1 << 16];
	for (size_t got; (got = fread(chunk, 1, sizeof(chunk), f)) > 0;)
		buf_add(&raw, chunk, got);
	if (ferror(f))
		die("%s: read error", path);
	fclose(f);
	size_t pl = strlen(path);
	if (pl < 4 || strcmp(path + pl - 4, ".zst") != 0) {
		if (!raw.p)
			buf_add(&raw, "", 0);
		*len = raw.n;
		return raw.p;
	}
	ZSTD_DStream *ds = ZSTD_createDStream();
	if (!ds)
		die("out of memory");
	ZSTD_initDStream(ds);
	struct buf out = {0};
	ZSTD_inBuffer in = {raw.p, raw.n, 0};
	while (in.pos < in.size) {
		ZSTD_outBuffer o = {chunk, sizeof(chunk), 0};
		size_t rc = ZSTD_decompressStream(ds, &o, &in);
		if (ZSTD_isError(rc))
			die("%s: %s", path, ZSTD_getErrorName(rc));
		buf_add(&out, chunk, o.pos);
	}
	ZSTD_freeDStream(ds);
	free(raw.p);
	if (!out.p)
		buf_add(&out, "", 0);
	*len = out.n;
	return out.p;
}

typedef void (*json_line_fn)(json_t *obj, void *ctx);

/* Calls fn on each JSON object of a JSON Lines file; a broken line is
 * reported and skipped. */
static void each_json_line(const char *path, json_line_fn fn, void *ctx)
{
	size_t len, lineno = 0;
	char *text = read_file(path, &len);
	for (char *at = text, *end = text + len; at < end;) {
		char *nl = memchr(at, '\n', (size_t)(end - at));
		size_t n = nl ? (size_t)(nl - at) : (size_t)(end - at);
		lineno++;
		if (n > 0) {
			json_error_t err;
			json_t *obj = json_loadb(at, n, 0, &err);
			if (!obj || !json_is_object(obj))
				fprintf(stderr, "evalreal: %s:%zu: %s\n", path, lineno,
				        obj ? "not an object" : err.text);
			else
				fn(obj, ctx);
			json_decref(obj);
		}
		at += n + 1;
	}
	free(text);
}

static const char *json_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* ---------------------------------------------------------- maps of ids */

/* Interned ids: a name gets a small number the first time it is seen. */
struct idmap {
	char **name;
	size_t n, ncap;
	int *slot; /* index + 1; 0 empty */
	size_t nslot;
};

static size_t id_hash(const char *s)
{
	return (size_t)XXH3_64bits(s, strlen(s));
}

static int id_find(const struct idmap *m, const char *s)
{
	if (!m->nslot || !s)
		return -1;
	for (size_t h = id_hash(s) & (m->nslot - 1);; h = (h + 1) & (m->nslot - 1)) {
		if (!m->slot[h])
			return -1;
		if (strcmp(m->name[m->slot[h] - 1], s) == 0)
			return m->slot[h] - 1;
	}
}

static int id_add(struct idmap *m, const char *s)
{
	int i = id_find(m, s);
	if (i >= 0)
		return i;
	if (2 * (m->n + 1) > m->nslot) {
		size_t ns = m->nslot ? 2 * m->nslot : 1024;
		int *slot = xcalloc(ns, sizeof(*slot));
		for (size_t k = 0; k < m->n; k++) {
			size_t h = id_hash(m->name[k]) & (ns - 1);
			while (slot[h])
				h = (h + 1) & (ns - 1);
			slot[h] = (int)k + 1;
		}
		free(m->slot);
		m->slot = slot;
		m->nslot = ns;
	}
	PUSH(m->name, m->n, m->ncap, xstrdup(s));
	size_t h = id_hash(s) & (m->nslot - 1);
	while (m->slot[h])
		h = (h + 1) & (m->nslot - 1);
	m->slot[h] = (int)m->n;
	return (int)m->n - 1;
}

/* A map from two numbers (an unordered pair, or any two small keys) to an
 * int. */
struct pairmap {
	uint64_t *key; /* 0: empty */
	int *val;
	size_t n, cap;
};

static uint64_t pair_key(int a, int b)
{
	return ((uint64_t)(uint32_t)a << 32 | (uint32_t)b) + 1;
}

static size_t key_hash(uint64_t k)
{
	k ^= k >> 33;
	k *= UINT64_C(0xff51afd7ed558ccd);
	k ^= k >> 33;
	return (size_t)k;
}

/* The value of (a, b), added as def when absent and add is set; NULL when
 * absent and not added. */
static int *pm_slot(struct pairmap *m, int a, int b, bool add, int def)
{
	uint64_t k = pair_key(a, b);
	if (m->cap) {
		for (size_t h = key_hash(k) & (m->cap - 1);; h = (h + 1) & (m->cap - 1)) {
			if (m->key[h] == k)
				return &m->val[h];
			if (!m->key[h])
				break;
		}
	}
	if (!add)
		return NULL;
	if (2 * (m->n + 1) > m->cap) {
		size_t nc = m->cap ? 2 * m->cap : 4096;
		uint64_t *key = xcalloc(nc, sizeof(*key));
		int *val = xcalloc(nc, sizeof(*val));
		for (size_t i = 0; i < m->cap; i++) {
			if (!m->key[i])
				continue;
			size_t h = key_hash(m->key[i]) & (nc - 1);
			while (key[h])
				h = (h + 1) & (nc - 1);
			key[h] = m->key[i];
			val[h] = m->val[i];
		}
		free(m->key);
		free(m->val);
		m->key = key;
		m->val = val;
		m->cap = nc;
	}
	size_t h = key_hash(k) & (m->cap - 1);
	while (m->key[h])
		h = (h + 1) & (m->cap - 1);
	m->key[h] = k;
	m->val[h] = def;
	m->n++;
	return &m->val[h];
}

static void pm_free(struct pairmap *m)
{
	free(m->key);
	free(m->val);
	memset(m, 0, sizeof(*m));
}

/* ------------------------------------------------------------- relations */

enum rel {
	R_NONE,
	R_DUPLICATE,
	R_COPY,
	R_EXCERPT,
	R_REWRITE,
	R_EVENT,
	R_STORY,
	R_OTHER,
	NREL
};
static const char *const rel_name[NREL] = {"none",    "duplicate",  "copy",       "excerpt",
                                           "rewrite", "same-event", "same-story", "other"};

static bool derivation(int r)
{
	return r >= R_DUPLICATE && r <= R_REWRITE;
}

static int rel_parse(const char *s)
{
	for (int r = R_DUPLICATE; r < R_OTHER; r++)
		if (s && strcmp(s, rel_name[r]) == 0)
			return r;
	static bool warned;
	if (!warned)
		fprintf(stderr,
		        "evalreal: relation \"%s\" unknown here, counted as \"other\"\n",
		        s ? s : "(null)");
	warned = true;
	return R_OTHER;
}

/* A stated relation: src is the source's number, -1 when not stated. */
struct edge {
	int a, b, rel, src;
};

struct edges {
	struct edge *e;
	size_t n, cap;
	struct idmap *ids;
};

static void scan_line(json_t *obj, void *ctx)
{
	struct edges *es = ctx;
	const char *type = json_str(obj, "type");
	if (!type || strcmp(type, "relation") != 0)
		return;
	const char *a = json_str(obj, "a"), *b = json_str(obj, "b");
	const char *dir = json_str(obj, "direction");
	if (!a || !b)
		return;
	struct edge e = {id_add(es->ids, a), id_add(es->ids, b),
	                 rel_parse(json_str(obj, "relation")), -1};
	if (dir && strcmp(dir, "a->b") == 0)
		e.src = e.a;
	else if (dir && strcmp(dir, "b->a") == 0)
		e.src = e.b;
	PUSH(es->e, es->n, es->cap, e);
}

/* The relations of `doppel scan --json`. */
static void load_scan(const char *path, struct idmap *ids, struct edges *es)
{
	memset(es, 0, sizeof(*es));
	es->ids = ids;
	each_json_line(path, scan_line, es);
}

struct add_ctx {
	struct edges *es;
	unsigned long lines, added, other_outcome;
};

static void add_line(json_t *obj, void *ctx)
{
	struct add_ctx *c = ctx;
	const char *id = json_str(obj, "id"), *outcome = json_str(obj, "outcome");
	c->lines++;
	if (!id)
		return;
	if (outcome && strcmp(outcome, "added") == 0)
		c->added++;
	else
		c->other_outcome++;
	int x = id_add(c->es->ids, id);
	size_t k;
	json_t *r;
	json_array_foreach(json_object_get(obj, "relations"), k, r)
	{
		const char *other = json_str(r, "id"), *dir = json_str(r, "direction");
		if (!other)
			continue;
		struct edge e = {x, id_add(c->es->ids, other),
		                 rel_parse(json_str(r, "relation")), -1};
		if (dir && strcmp(dir, "from") == 0)
			e.src = e.b;
		else if (dir && strcmp(dir, "to") == 0)
			e.src = e.a;
		PUSH(c->es->e, c->es->n, c->es->cap, e);
	}
}

/* An index of the edges by unordered pair: the strongest relation stated. */
static void index_edges(const struct edges *es, struct pairmap *pm)
{
	for (size_t i = 0; i < es->n; i++) {
		const struct edge *e = &es->e[i];
		int lo = e->a < e->b ? e->a : e->b, hi = e->a < e->b ? e->b : e->a;
		int *v = pm_slot(pm, lo, hi, true, R_NONE);
		if (*v == R_NONE || e->rel < *v)
			*v = e->rel;
	}
}

static int stated(struct pairmap *pm, int a, int b)
{
	const int *v = pm_slot(pm, a < b ? a : b, a < b ? b : a, false, 0);
	return v ? *v : R_NONE;
}

/* ------------------------------------------------------ summary figures */

#define NO_TARGET (-1.0)

/* One headline figure: printed with its target, and kept for the closing
 * table. A figure over nothing (den 0) is "n/a"; one with NO_TARGET is
 * there to be read, not judged. */
static void headline_value(const char *name, double v, const char *value, bool defined,
                           bool at_least, double target)
{
	bool ok = at_least ? v >= target : v <= target;
	char goal[32] = "-";
	if (target != NO_TARGET)
		snprintf(goal, sizeof(goal), "%s %.3f", at_least ? ">=" : "<=", target);
	const char *verdict = !defined || target == NO_TARGET ? "-" : ok ? "met" : "NOT MET";
	printf("  %-46s %-26s target %-8s %s\n", name, value, goal, verdict);
	if (summary)
		fprintf(summary, "%s\t%s\t%s\t%s\n", name, value, goal, verdict);
}

/* --copies-only: the scan scored looked for duplicates and copies alone
 * (`--relations duplicate,copy`, what a deduplicating run asks); the
 * planted figures are named so, and the spun ones are left out. */
static bool copies_only;

static void headline(const char *name, unsigned long num, unsigned long den, bool at_least,
                     double target)
{
	char value[64], named[96];
	if (copies_only) {
		snprintf(named, sizeof(named), "copies only: %s", name);
		name = named;
	}
	if (den)
		snprintf(value, sizeof(value), "%.3f (%lu/%lu)", share(num, den), num, den);
	else
		snprintf(value, sizeof(value), "n/a (none)");
	headline_value(name, share(num, den), value, den > 0, at_least, target);
}

static int cmd_summary(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		die("%s: %s", path, strerror(errno));
	printf("%-46s %-26s %-10s %s\n", "figure", "value", "target", "verdict");
	char line[512];
	unsigned met = 0, total = 0;
	while (fgets(line, sizeof(line), f)) {
		char *field[4] = {line, NULL, NULL, NULL};
		for (int k = 1; k < 4 && field[k - 1]; k++) {
			char *tab = strchr(field[k - 1], '\t');
			if (tab) {
				*tab = '\0';
				field[k] = tab + 1;
			}
		}
		if (!field[3])
			continue;
		field[3][strcspn(field[3], "\n")] = '\0';
		printf("%-46s %-26s %-10s %s\n", field[0], field[1], field[2], field[3]);
		total += strcmp(field[3], "-") != 0;
		met += strcmp(field[3], "met") == 0;
	}
	fclose(f);
	printf("targets met: %u of %u\n", met, total);
	return 0;
}

/* -------------------------------------------------------------- articles */

struct article {
	char *id, *title, *text;
	long date;
	char **topics; /* Reuters' topic tags */
	size_t ntopics;
	const char *source; /* of a planted copy */
};

struct corpus {
	struct article *a;
	size_t n, cap;
};

static void article_line(json_t *obj, void *ctx)
{
	struct corpus *c = ctx;
	const char *id = json_str(obj, "id"), *text = json_str(obj, "text");
	if (!id || !text)
		return;
	struct article a = {xstrdup(id), NULL, xstrdup(text), NO_DATE, NULL, 0, NULL};
	const char *title = json_str(obj, "title");
	if (title)
		a.title = xstrdup(title);
	a.date = parse_date(json_str(obj, "date"));
	/* As doppel's reader does: no date given, the text's own. The order
	 * fed to the index must be the one the scan takes. */
	int32_t days;
	if (a.date == NO_DATE && doppel_text_date(text, strlen(text), &days) == DOPPEL_OK)
		a.date = days;
	json_t *topics = json_object_get(obj, "topics");
	if (json_is_array(topics)) {
		a.ntopics = json_array_size(topics);
		a.topics = xcalloc(a.ntopics, sizeof(*a.topics));
		for (size_t k = 0; k < a.ntopics; k++) {
			const char *t = json_string_value(json_array_get(topics, k));
			a.topics[k] = xstrdup(t ? t : "");
		}
	}
	PUSH(c->a, c->n, c->cap, a);
}

static void load_corpus(const char *path, struct corpus *c)
{
	memset(c, 0, sizeof(*c));
	each_json_line(path, article_line, c);
}

/* Date order, undated last, then id: the order articles reach an index. */
static int by_date_id(const void *pa, const void *pb)
{
	const struct article *a = pa, *b = pb;
	if (a->date != b->date) {
		if (a->date == NO_DATE || b->date == NO_DATE)
			return a->date == NO_DATE ? 1 : -1;
		return a->date < b->date ? -1 : 1;
	}
	return strcmp(a->id, b->id);
}

static void write_article(FILE *f, const char *id, const char *title, long date,
                          const char *source, const char *text)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(id));
	if (title)
		json_object_set_new(o, "title", json_string(title));
	if (date != NO_DATE) {
		char d[16];
		civil_from_days(date, d);
		json_object_set_new(o, "date", json_string(d));
	}
	if (source)
		json_object_set_new(o, "source", json_string(source));
	json_t *t = json_string(text);
	if (!t)
		die("%s: text is not UTF-8", id);
	json_object_set_new(o, "text", t);
	if (json_dumpf(o, f, JSON_COMPACT | JSON_PRESERVE_ORDER) || fputc('\n', f) == EOF)
		die("write error");
	json_decref(o);
}

static FILE *open_out(const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f)
		die("%s: %s", path, strerror(errno));
	return f;
}

static void close_out(FILE *f)
{
	if (fclose(f))
		die("write error: %s", strerror(errno));
}

/* ------------------------------------------------------------ sentences */

/* An article as paragraphs of sentences: offsets into flat, where each
 * paragraph is one line with its whitespace collapsed. */
struct sentences {
	char *flat;
	size_t *start, *len;
	int *para;
	size_t n, words;
};

static bool abbreviation(const char *w, size_t n)
{
	static const char *const list[] = {
		"mr",  "mrs", "ms",  "dr",  "inc",  "corp", "co",  "ltd", "jan", "feb", "mar",
		"apr", "jun", "jul", "aug", "sept", "sep",  "oct", "nov", "dec", "st",  "no",
		"vs",  "gov", "sen", "rep", "bros", "jr",   "pct", "cts", "dlrs"};
	if (n == 1)
		return true; /* an initial */
	if (memchr(w, '.', n))
		return true; /* U.S., N.Z. */
	char low[8];
	if (n >= sizeof(low))
		return false;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)(w[i] | 0x20);
	for (size_t i = 0; i < sizeof(list) / sizeof(*list); i++)
		if (strlen(list[i]) == n && memcmp(list[i], low, n) == 0)
			return true;
	return false;
}

static bool space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Reuters wraps lines at about 70 columns and starts each paragraph with
 * a newline and an indent (or a blank line); a sentence ends at . ! or ?
 * before a space and a capital, digit or quote, unless the word before is
 * an abbreviation. */
static void split_sentences(const char *text, struct sentences *s)
{
	memset(s, 0, sizeof(*s));
	struct buf flat = {0};
	bool in_space = true;
	int para = 0;
	for (const char *p = text; *p; p++) {
		if (*p == '\n' && (p[1] == ' ' || p[1] == '\t' || p[1] == '\n')) {
			if (flat.n && flat.p[flat.n - 1] != '\n') {
				if (flat.p[flat.n - 1] == ' ')
					flat.n--;
				buf_add(&flat, "\n", 1);
			}
			in_space = true;
			continue;
		}
		if (space(*p)) {
			if (!in_space)
				buf_add(&flat, " ", 1);
			in_space = true;
			continue;
		}
		buf_add(&flat, p, 1);
		in_space = false;
	}
	while (flat.n && (flat.p[flat.n - 1] == ' ' || flat.p[flat.n - 1] == '\n'))
		flat.p[--flat.n] = '\0';
	if (!flat.p)
		buf_add(&flat, "", 0);
	s->flat = flat.p;
	size_t cap = 0, begin = 0;
	for (size_t i = 0; i <= flat.n; i++) {
		char c = flat.p[i];
		bool end_para = c == '\n' || c == '\0';
		bool end_sent = false;
		if (!end_para && (c == '.' || c == '!' || c == '?') && flat.p[i + 1] == ' ') {
			char nx = flat.p[i + 2];
			size_t w = i;
			while (w > begin && flat.p[w - 1] != ' ')
				w--;
			end_sent = ((nx >= 'A' && nx <= 'Z') || (nx >= '0' && nx <= '9') ||
			            nx == '"') &&
			           (c != '.' || !abbreviation(flat.p + w, i - w));
		}
		if (c == ' ' || c == '\n')
			s->words++;
		if (!end_para && !end_sent)
			continue;
		size_t stop = end_sent ? i + 1 : i;
		if (stop > begin) {
			if (s->n == cap) {
				cap = cap ? 2 * cap : 32;
				s->start = xrealloc(s->start, cap * sizeof(*s->start));
				s->len = xrealloc(s->len, cap * sizeof(*s->len));
				s->para = xrealloc(s->para, cap * sizeof(*s->para));
			}
			s->start[s->n] = begin;
			s->len[s->n] = stop - begin;
			s->para[s->n] = para;
			s->n++;
		}
		if (end_para) {
			para++;
			begin = i + 1;
		} else {
			begin = i + 2;
			i++;
		}
	}
	s->words += s->n ? 1 : 0;
}

static void free_sentences(struct sentences *s)
{
	free(s->flat);
	free(s->start);
	free(s->len);
	free(s->para);
}

/* The kept sentences in order, a space between sentences of one
 * paragraph and a blank line between paragraphs. */
static void emit_kept(struct buf *b, const struct sentences *s, const bool *keep)
{
	int last = -1;
	for (size_t i = 0; i < s->n; i++) {
		if (!keep[i])
			continue;
		if (last >= 0)
			buf_str(b, s->para[i] == last ? " " : "\n\n");
		buf_add(b, s->flat + s->start[i], s->len[i]);
		last = s->para[i];
	}
}

/* ------------------------------------------------------- planted copies */

enum cls {
	CL_REPRINT,
	CL_CUT,
	CL_PADDED,
	CL_EXTRACT,
	CL_SPUN50,
	CL_SPUN90,
	NCLASS
};
static const char *const cls_name[NCLASS] = {"reprint", "cut",    "padded",
                                             "extract", "spun50", "spun90"};

static const char *const appeals[] = {
	"Independent journalism needs your support. Donate today and help us keep this site free for everyone.",
	"If you value our reporting, please consider a donation: every contribution, big or small, keeps us going.",
	"Support our newsroom. Make a one-time or monthly donation to keep these stories free to read.",
	"Enjoyed this article? Help us do more of it. Click here to donate."};
static const char *const trailers[] = {"Similar News", "Similar News:", "SIMILAR NEWS"};

/* An original may be copied as class c when it is long enough for the
 * edit to mean something. */
static bool eligible(const struct sentences *s, int c)
{
	switch (c) {
	case CL_CUT:
		return s->n >= 5;
	case CL_EXTRACT:
		return s->n >= 12 && s->words >= 250;
	case CL_SPUN50:
	case CL_SPUN90:
		return s->words >= 60;
	default:
		return s->words >= 30;
	}
}

static bool share_topic(const struct article *a, const struct article *b)
{
	for (size_t i = 0; i < a->ntopics; i++)
		for (size_t j = 0; j < b->ntopics; j++)
			if (strcmp(a->topics[i], b->topics[j]) == 0)
				return true;
	return false;
}

struct planted {
	char id[64];
	size_t orig;
	int cls;
	long date;
	const char *source;
	struct buf text;
	char detail[64];
};

static void make_reprint(struct planted *p, const struct corpus *c)
{
	const struct article *o = &c->a[p->orig];
	char d[16];
	civil_from_days(p->date, d);
	char stamp[64];
	snprintf(stamp, sizeof(stamp), "Update: %s %02zu:%02zu GMT", d, below(24), below(60));
	bool stamp_first = below(2);
	if (stamp_first) {
		buf_str(&p->text, stamp);
		buf_str(&p->text, "\n\n");
	}
	buf_str(&p->text, o->text);
	buf_str(&p->text, "\n\n");
	if (!stamp_first) {
		buf_str(&p->text, stamp);
		buf_str(&p->text, "\n\n");
	}
	buf_str(&p->text, appeals[below(sizeof(appeals) / sizeof(*appeals))]);
	buf_str(&p->text, "\n\n");
	buf_str(&p->text, trailers[below(sizeof(trailers) / sizeof(*trailers))]);
	for (int k = 0; k < 3; k++) {
		const struct article *other = &c->a[below(c->n)];
		buf_str(&p->text, "\n");
		buf_str(&p->text, other->title ? other->title : "More news");
	}
	buf_str(&p->text, "\n");
	snprintf(p->detail, sizeof(p->detail), "stamp,appeal,similar");
}

/* The words of sentence i of s. */
static size_t sentence_words(const struct sentences *s, size_t i)
{
	size_t n = 0;
	bool in = false;
	for (size_t j = 0; j < s->len[i]; j++) {
		bool sp = isspace((unsigned char)s->flat[s->start[i] + j]) != 0;
		n += !sp && !in;
		in = !sp;
	}
	return n;
}

/* 20% to 80% of the sentences, drawn at random; more of them (in the drawn
 * order) while they hold less than a fifth of the words: one sentence of
 * a table ("Qtly div 17 cts vs 17 cts") or the sign-off ("REUTER") is a
 * line hundreds of reports have, not a copy of one. */
static void make_cut(struct planted *p, const struct sentences *s)
{
	double f = uniform(0.2, 0.8);
	size_t k = (size_t)(f * (double)s->n + 0.5);
	k = k < 1 ? 1 : k >= s->n ? s->n - 1 : k;
	size_t *order = xcalloc(s->n, sizeof(*order));
	bool *keep = xcalloc(s->n, sizeof(*keep));
	for (size_t i = 0; i < s->n; i++)
		order[i] = i;
	shuffle(order, s->n);
	size_t words = 0;
	for (size_t i = 0; i < k; i++) {
		keep[order[i]] = true;
		words += sentence_words(s, order[i]);
	}
	for (; k + 1 < s->n && words * 5 < s->words; k++) {
		keep[order[k]] = true;
		words += sentence_words(s, order[k]);
	}
	emit_kept(&p->text, s, keep);
	snprintf(p->detail, sizeof(p->detail), "kept %zu of %zu sentences", k, s->n);
	free(order);
	free(keep);
}

static void make_extract(struct planted *p, const struct sentences *s)
{
	size_t k = (size_t)(uniform(0.25, 0.5) * (double)s->n + 0.5);
	size_t from = below(s->n - k + 1);
	bool *keep = xcalloc(s->n, sizeof(*keep));
	for (size_t i = from; i < from + k; i++)
		keep[i] = true;
	emit_kept(&p->text, s, keep);
	snprintf(p->detail, sizeof(p->detail), "sentences %zu-%zu of %zu", from + 1, from + k,
	         s->n);
	free(keep);
}

/* The original's sentences with paragraphs of a donor put in: an article
 * of no common topic, two weeks or more apart, giving at most a third of its
 * words, together 30% of the original's words, at least 30 and at most
 * 150. */
static void make_padded(struct planted *p, const struct corpus *c, const struct sentences *all)
{
	const struct article *o = &c->a[p->orig];
	const struct sentences *s = &all[p->orig];
	size_t want = s->words * 3 / 10;
	want = want < 30 ? 30 : want > 150 ? 150 : want;
	size_t donor = SIZE_MAX;
	for (int tries = 0; tries < 1000 && donor == SIZE_MAX; tries++) {
		size_t d = below(c->n);
		const struct article *a = &c->a[d];
		long gap = a->date > o->date ? a->date - o->date : o->date - a->date;
		if (d != p->orig && gap >= 14 && !share_topic(a, o) &&
		    all[d].words / 3 >= want && all[d].n && all[d].para[all[d].n - 1] >= 2)
			donor = d;
	}
	if (donor == SIZE_MAX)
		die("no donor for %s", o->id);
	const struct sentences *ds = &all[donor];
	/* whole paragraphs from a random one on, until enough words */
	int first = ds->para[below(ds->n)];
	struct buf pad = {0};
	size_t words = 0;
	int last = -1;
	for (size_t i = 0; i < ds->n && words < want; i++) {
		if (ds->para[i] < first)
			continue;
		size_t w = 1;
		for (size_t k = 0; k < ds->len[i]; k++)
			w += ds->flat[ds->start[i] + k] == ' ';
		if (words + w > ds->words / 3 && words > 0)
			break;
		if (last >= 0)
			buf_str(&pad, ds->para[i] == last ? " " : "\n\n");
		buf_add(&pad, ds->flat + ds->start[i], ds->len[i]);
		words += w;
		last = ds->para[i];
	}
	/* at the end, or before a paragraph of the original chosen at random */
	int nparas = s->para[s->n - 1] + 1;
	int at = below(2) ? nparas : (int)below((size_t)nparas + 1);
	bool *keep = xcalloc(s->n, sizeof(*keep));
	struct buf head = {0}, tail = {0};
	for (size_t i = 0; i < s->n; i++)
		keep[i] = s->para[i] < at;
	emit_kept(&head, s, keep);
	for (size_t i = 0; i < s->n; i++)
		keep[i] = s->para[i] >= at;
	emit_kept(&tail, s, keep);
	if (head.n) {
		buf_add(&p->text, head.p, head.n);
		buf_str(&p->text, "\n\n");
	}
	buf_add(&p->text, pad.p, pad.n);
	if (tail.n) {
		buf_str(&p->text, "\n\n");
		buf_add(&p->text, tail.p, tail.n);
	}
	snprintf(p->detail, sizeof(p->detail), "%zu words of %s after paragraph %d", words,
	         c->a[donor].id, at);
	free(keep);
	free(head.p);
	free(tail.p);
	free(pad.p);
}

/* Runs SPIN on each spun copy's input file, SPIN_JOBS at a time. */
static void run_spinners(const char *spin, const char *dir, struct planted *p, size_t n)
{
	size_t running = 0;
	for (size_t i = 0; i <= n; i++) {
		while (running == SPIN_JOBS || (i == n && running > 0)) {
			int status;
			if (wait(&status) < 0)
				die("wait: %s", strerror(errno));
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
				die("%s failed", spin);
			running--;
		}
		if (i == n)
			break;
		if (p[i].cls != CL_SPUN50 && p[i].cls != CL_SPUN90)
			continue;
		char in[4200], out[4200], err[4200], seed[32];
		snprintf(in, sizeof(in), "%s/%s.in", dir, p[i].id);
		snprintf(out, sizeof(out), "%s/%s.out", dir, p[i].id);
		snprintf(err, sizeof(err), "%s/%s.rate", dir, p[i].id);
		snprintf(seed, sizeof(seed), "%zu", i + 1);
		char *argv[] = {(char *)spin, "--rate", p[i].cls == CL_SPUN50 ? "0.5" : "0.9",
		                "--seed",     seed,     NULL};
		posix_spawn_file_actions_t fa;
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_addopen(&fa, 0, in, O_RDONLY, 0);
		posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC,
		                                 0644);
		posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC,
		                                 0644);
		pid_t pid;
		int rc = posix_spawn(&pid, spin, &fa, NULL, argv, NULL);
		posix_spawn_file_actions_destroy(&fa);
		if (rc)
			die("%s: %s", spin, strerror(rc));
		running++;
	}
}

/* ---------------------------------------------------- syndicated passages */

/* Wire reports whose lead paragraphs outlets take, and outlets a wire. */
#define WIRES 10
#define OUTLETS 30
/* The lead a wire report gives (its first paragraphs), and the least
 * words of a wire report and of an outlet's own story. */
#define LEAD_PARAGRAPHS 3
#define WIRE_WORDS 300
#define OUTLET_WORDS 150

/* The words of paragraphs [0, np) of s. */
static size_t lead_words(const struct sentences *s, int np)
{
	size_t w = 0;
	for (size_t i = 0; i < s->n && s->para[i] < np; i++)
		w += sentence_words(s, i);
	return w;
}

/* CACHE/syndicated.jsonl: the Reuters originals and, for WIRES long
 * reports, OUTLETS outlets each: an original of another topic (its
 * story, headline and all), its paragraphs as they were, then the wire's
 * lead paragraphs as the outlet runs them, dated 0-2 days after the
 * wire. The truth in CACHE/syndicated.tsv. No original serves twice. */
static void prepare_syndicated(const char *cache, const struct corpus *c,
                               const struct sentences *s)
{
	size_t *order = xcalloc(c->n, sizeof(*order));
	for (size_t i = 0; i < c->n; i++)
		order[i] = i;
	shuffle(order, c->n);
	bool *used = xcalloc(c->n, sizeof(*used));
	size_t wire[WIRES], nw = 0;
	for (size_t k = 0; k < c->n && nw < WIRES; k++) {
		size_t o = order[k];
		if (c->a[o].date == NO_DATE || s[o].words < WIRE_WORDS ||
		    s[o].n == 0 || s[o].para[s[o].n - 1] < 2 * LEAD_PARAGRAPHS ||
		    lead_words(&s[o], LEAD_PARAGRAPHS) < 40)
			continue;
		wire[nw++] = o;
		used[o] = true;
	}
	struct article *out = xcalloc(WIRES * OUTLETS, sizeof(*out));
	size_t *filler = xcalloc(WIRES * OUTLETS, sizeof(*filler));
	size_t n = 0, next = 0;
	for (size_t w = 0; w < nw; w++) {
		const struct article *wa = &c->a[wire[w]];
		struct buf lead = {0};
		bool *keep = xcalloc(s[wire[w]].n, sizeof(*keep));
		for (size_t i = 0; i < s[wire[w]].n; i++)
			keep[i] = s[wire[w]].para[i] < LEAD_PARAGRAPHS;
		emit_kept(&lead, &s[wire[w]], keep);
		free(keep);
		for (int k = 0; k < OUTLETS; k++) {
			size_t f = c->n;
			for (; next < c->n; next++) {
				size_t o = order[next];
				if (!used[o] && s[o].words >= OUTLET_WORDS &&
				    c->a[o].date != NO_DATE && !share_topic(&c->a[o], wa)) {
					f = o;
					used[o] = true;
					break;
				}
			}
			if (f == c->n)
				die("syndicated: too few originals for the outlets");
			struct buf t = {0};
			buf_str(&t, c->a[f].text);
			buf_str(&t, "\n\n");
			buf_add(&t, lead.p, lead.n);
			char id[96];
			snprintf(id, sizeof(id), "%s.outlet%02d", wa->id, k);
			out[n] = (struct article){xstrdup(id), c->a[f].title, t.p,
			                          wa->date + (long)below(3), NULL, 0, NULL};
			filler[n++] = f;
		}
		free(lead.p);
	}
	struct article *all = xcalloc(c->n + n, sizeof(*all));
	memcpy(all, c->a, c->n * sizeof(*all));
	memcpy(all + c->n, out, n * sizeof(*all));
	qsort(all, c->n + n, sizeof(*all), by_date_id);
	FILE *f = open_out(cache, "syndicated.jsonl");
	for (size_t i = 0; i < c->n + n; i++)
		write_article(f, all[i].id, all[i].title, all[i].date, NULL, all[i].text);
	close_out(f);
	f = open_out(cache, "syndicated.tsv");
	fprintf(f, "# outlet\twire\tthe outlet's own story\n");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s\t%s\t%s\n", out[i].id, c->a[wire[i / OUTLETS]].id,
		        c->a[filler[i]].id);
	close_out(f);
	fprintf(stderr, "evalreal: %zu wire reports taken by %zu outlets\n", nw, n);
	for (size_t i = 0; i < n; i++) {
		free(out[i].id);
		free(out[i].text);
	}
	free(out);
	free(filler);
	free(all);
	free(used);
	free(order);
}

static void prepare_reuters(const char *data, const char *cache, const char *spin)
{
	char path[8300];
	snprintf(path, sizeof(path), "%s/reuters21578-dev.jsonl.zst", data);
	struct corpus c;
	load_corpus(path, &c);
	qsort(c.a, c.n, sizeof(*c.a), by_date_id);
	FILE *f = open_out(cache, "reuters.jsonl");
	for (size_t i = 0; i < c.n; i++)
		write_article(f, c.a[i].id, c.a[i].title, c.a[i].date, NULL, c.a[i].text);
	close_out(f);

	struct sentences *s = xcalloc(c.n, sizeof(*s));
	for (size_t i = 0; i < c.n; i++)
		split_sentences(c.a[i].text, &s[i]);

	/* Each original is copied at most once: the originals in random order,
	 * each given to the first class, in turn, that wants it and can. */
	size_t *order = xcalloc(c.n, sizeof(*order));
	for (size_t i = 0; i < c.n; i++)
		order[i] = i;
	shuffle(order, c.n);
	struct planted *p = xcalloc(NCLASS * PER_CLASS, sizeof(*p));
	size_t np = 0, have[NCLASS] = {0};
	int turn = 0;
	for (size_t k = 0; k < c.n && np < NCLASS * PER_CLASS; k++) {
		size_t o = order[k];
		for (int t = 0; t < NCLASS; t++) {
			int cl = (turn + t) % NCLASS;
			if (have[cl] == PER_CLASS || !eligible(&s[o], cl))
				continue;
			p[np].orig = o;
			p[np].cls = cl;
			have[cl]++;
			np++;
			turn = (cl + 1) % NCLASS;
			break;
		}
	}
	for (int cl = 0; cl < NCLASS; cl++)
		if (have[cl] < PER_CLASS)
			fprintf(stderr, "evalreal: only %zu %s copies\n", have[cl],
			        cls_name[cl]);

	static const char *const sources[] = {"newsmirror.example", "dailyreprint.example",
	                                      "wirefeed.example", "contentfarm.example"};
	char spindir[4096];
	snprintf(spindir, sizeof(spindir), "%s/spin", cache);
	mkdir(spindir, 0755);
	for (size_t i = 0; i < np; i++) {
		const struct article *o = &c.a[p[i].orig];
		snprintf(p[i].id, sizeof(p[i].id), "%s.%s", o->id, cls_name[p[i].cls]);
		p[i].date = o->date + (long)below(4);
		p[i].source = sources[below(4)];
		switch (p[i].cls) {
		case CL_REPRINT:
			make_reprint(&p[i], &c);
			break;
		case CL_CUT:
			make_cut(&p[i], &s[p[i].orig]);
			break;
		case CL_PADDED:
			make_padded(&p[i], &c, s);
			break;
		case CL_EXTRACT:
			make_extract(&p[i], &s[p[i].orig]);
			break;
		default: {
			/* spin keeps its first line (the headline) as it is */
			char name[4200];
			snprintf(name, sizeof(name), "%s.in", p[i].id);
			FILE *in = open_out(spindir, name);
			bool *keep = xcalloc(s[p[i].orig].n, sizeof(*keep));
			memset(keep, 1, s[p[i].orig].n * sizeof(*keep));
			struct buf body = {0};
			emit_kept(&body, &s[p[i].orig], keep);
			fprintf(in, "%s\n%s\n", o->title ? o->title : "", body.p ? body.p : "");
			close_out(in);
			free(keep);
			free(body.p);
		}
		}
	}
	fprintf(stderr, "evalreal: spinning %zu copies with %s\n",
	        have[CL_SPUN50] + have[CL_SPUN90], spin);
	run_spinners(spin, spindir, p, np);
	for (size_t i = 0; i < np; i++) {
		if (p[i].cls != CL_SPUN50 && p[i].cls != CL_SPUN90)
			continue;
		size_t len;
		snprintf(path, sizeof(path), "%s/%s.out", spindir, p[i].id);
		char *out = read_file(path, &len);
		char *nl = strchr(out, '\n');
		buf_str(&p[i].text, nl ? nl + 1 : "");
		free(out);
		snprintf(path, sizeof(path), "%s/%s.rate", spindir, p[i].id);
		char *rate = read_file(path, &len);
		rate[strcspn(rate, "\n")] = '\0';
		snprintf(p[i].detail, sizeof(p[i].detail), "swapped %s of content words", rate);
		free(rate);
	}

	/* originals and copies together, by date then id */
	struct article *all = xcalloc(c.n + np, sizeof(*all));
	memcpy(all, c.a, c.n * sizeof(*all));
	for (size_t i = 0; i < np; i++) {
		struct article *a = &all[c.n + i];
		*a = (struct article){
			p[i].id, c.a[p[i].orig].title, p[i].text.p, p[i].date, NULL,
			0,       p[i].source};
	}
	qsort(all, c.n + np, sizeof(*all), by_date_id);
	f = open_out(cache, "planted.jsonl");
	for (size_t i = 0; i < c.n + np; i++)
		write_article(f, all[i].id, all[i].title, all[i].date, all[i].source,
		              all[i].text);
	close_out(f);
	f = open_out(cache, "planted.tsv");
	fprintf(f, "# copy\toriginal\tclass\tdays after\tdetail\n");
	for (size_t i = 0; i < np; i++)
		fprintf(f, "%s\t%s\t%s\t%ld\t%s\n", p[i].id, c.a[p[i].orig].id,
		        cls_name[p[i].cls], p[i].date - c.a[p[i].orig].date, p[i].detail);
	close_out(f);
	fprintf(stderr, "evalreal: %zu Reuters articles, %zu planted copies\n", c.n, np);
	prepare_syndicated(cache, &c, s);
	for (size_t i = 0; i < c.n; i++)
		free_sentences(&s[i]);
	free(s);
	free(all);
	free(order);
}

static void prepare_ecb(const char *data, const char *cache)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/ecbplus-dev.jsonl.zst", data);
	struct corpus c;
	load_corpus(path, &c);
	/* Undated in the corpus, but many texts state a date, which doppel
	 * reads: the index is fed in the order the scan takes. */
	qsort(c.a, c.n, sizeof(*c.a), by_date_id);
	FILE *f = open_out(cache, "ecb.jsonl");
	for (size_t i = 0; i < c.n; i++)
		write_article(f, c.a[i].id, NULL, NO_DATE, NULL, c.a[i].text);
	close_out(f);
	fprintf(stderr, "evalreal: %zu ECB+ articles\n", c.n);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The PAN documents of CACHE/pan13-train/{src,susp} as JSON Lines, ids
 * "src/NAME" and "susp/NAME" without .txt. A few hold NUL bytes, which
 * JSON Lines readers refuse: they become spaces. */
static void prepare_pan(const char *cache)
{
	FILE *f = open_out(cache, "pan.jsonl");
	size_t total = 0;
	static const char *const sub[] = {"src", "susp"};
	for (int d = 0; d < 2; d++) {
		char dir[4096];
		snprintf(dir, sizeof(dir), "%s/pan13-train/%s", cache, sub[d]);
		DIR *dp = opendir(dir);
		if (!dp)
			die("%s: %s", dir, strerror(errno));
		char **names = NULL;
		size_t n = 0, cap = 0;
		for (struct dirent *e; (e = readdir(dp));) {
			size_t l = strlen(e->d_name);
			if (l > 4 && strcmp(e->d_name + l - 4, ".txt") == 0)
				PUSH(names, n, cap, xstrdup(e->d_name));
		}
		closedir(dp);
		qsort(names, n, sizeof(*names), by_name);
		for (size_t i = 0; i < n; i++) {
			char path[8192], id[4096];
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
			snprintf(id, sizeof(id), "%s/%.*s", sub[d], (int)(strlen(names[i]) - 4),
			         names[i]);
			size_t len;
			char *text = read_file(path, &len);
			for (size_t k = 0; k < len; k++)
				if (!text[k])
					text[k] = ' ';
			write_article(f, id, NULL, NO_DATE, NULL, text);
			free(text);
			free(names[i]);
		}
		free(names);
		total += n;
	}
	close_out(f);
	fprintf(stderr, "evalreal: %zu PAN documents\n", total);
}

static int cmd_prepare(const char *data, const char *cache, const char *spin)
{
	prepare_reuters(data, cache, spin);
	prepare_ecb(data, cache);
	prepare_pan(cache);
	return 0;
}

/* ----------------------------------------- the near-copy truth of Reuters */

/* Words are runs of ASCII letters and digits (and any non-ASCII byte),
 * case-folded; in a number, "." and "," between digits belong to it.
 * Tickers are the names Reuters' headlines put between angle brackets
 * (<ESY>, <GM>). */
struct words {
	uint64_t *grams;   /* distinct word 5-grams of the text, sorted */
	uint64_t *nums;    /* distinct words of the text with a digit, and
	                      numbers written out, sorted */
	uint64_t *tickers; /* of the headline, sorted */
	size_t ngrams, nnums, ntickers, nwords;
	uint64_t whole; /* of the whole word sequence */
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static size_t sort_unique(uint64_t *v, size_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_u64);
	size_t k = 1;
	for (size_t i = 1; i < n; i++)
		if (v[i] != v[k - 1])
			v[k++] = v[i];
	return k;
}

static bool word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c >= 0x80;
}

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A number written out ("two billion dlrs", "seven grain ships"): a
 * report of other figures as much as one with other digits. */
static bool number_word(const char *w, size_t n)
{
	static const char *const words[] = {
		"one",    "two",    "three",  "four",    "five",   "six",    "seven",
		"eight",  "nine",   "ten",    "eleven",  "twelve", "twenty", "thirty",
		"forty",  "fifty",  "sixty",  "seventy", "eighty", "ninety", "hundred",
	};
	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (strlen(words[i]) == n && memcmp(words[i], w, n) == 0)
			return true;
	return false;
}

static void headline_tickers(const char *t, struct words *w)
{
	size_t cap = 0;
	for (const char *lt = strchr(t, '<'); lt; lt = strchr(lt + 1, '<')) {
		const char *gt = strchr(lt + 1, '>');
		if (!gt || gt - lt > 80)
			continue;
		char name[96];
		size_t l = 0;
		for (const char *p = lt + 1; p < gt; p++)
			if (word_byte((unsigned char)*p))
				name[l++] = (char)(*p >= 'A' && *p <= 'Z' ? *p | 0x20 : *p);
		uint64_t x = XXH3_64bits(name, l);
		PUSH(w->tickers, w->ntickers, cap, x);
	}
	w->ntickers = sort_unique(w->tickers, w->ntickers);
}

static void words_of(const char *title, const char *t, struct words *w)
{
	memset(w, 0, sizeof(*w));
	uint64_t *h = NULL;
	size_t n = 0, cap = 0, ncap = 0;
	if (title)
		headline_tickers(title, w);
	char low[256];
	for (size_t i = 0; t[i];) {
		if (!word_byte((unsigned char)t[i])) {
			i++;
			continue;
		}
		size_t s = i, l = 0;
		bool num = false;
		while (t[i] && (word_byte((unsigned char)t[i]) ||
		                ((t[i] == '.' || t[i] == ',') && i > s && digit(t[i - 1]) &&
		                 digit(t[i + 1])))) {
			num |= digit(t[i]);
			if (l < sizeof(low))
				low[l++] =
					(char)(t[i] >= 'A' && t[i] <= 'Z' ? t[i] | 0x20 : t[i]);
			i++;
		}
		uint64_t x = XXH3_64bits(low, l);
		PUSH(h, n, cap, x);
		if (num || number_word(low, l))
			PUSH(w->nums, w->nnums, ncap, x);
	}
	w->nwords = n;
	w->whole = XXH3_64bits(h, n * sizeof(*h));
	if (n >= 5) {
		w->grams = xcalloc(n - 4, sizeof(*w->grams));
		for (size_t i = 0; i + 5 <= n; i++)
			w->grams[i] = XXH3_64bits(h + i, 5 * sizeof(*h));
		w->ngrams = sort_unique(w->grams, n - 4);
	}
	w->nnums = sort_unique(w->nums, w->nnums);
	free(h);
}

static size_t common(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
	size_t i = 0, j = 0, k = 0;
	while (i < na && j < nb) {
		if (a[i] < b[j])
			i++;
		else if (a[i] > b[j])
			j++;
		else {
			k++;
			i++;
			j++;
		}
	}
	return k;
}

/* s is the shorter of two articles when it has fewer words, or as many and
 * fewer 5-grams, or as many of both and the lower number. */
static bool shorter(const struct words *w, size_t s, size_t l)
{
	if (w[s].nwords != w[l].nwords)
		return w[s].nwords < w[l].nwords;
	if (w[s].ngrams != w[l].ngrams)
		return w[s].ngrams < w[l].ngrams;
	return s < l;
}

/* The truth rule for two original articles: the shorter's distinct word
 * 5-grams are at least half in the longer's, every number of the shorter
 * (in digits or in words) is in the longer, and when both headlines name tickers they share one (two
 * dividend notices can have the same words and numbers). Under five words:
 * the same words. */
static bool near_copy(const struct words *w, size_t a, size_t b, double *contained)
{
	size_t s = shorter(w, a, b) ? a : b, l = s == a ? b : a;
	*contained = 0;
	bool facts = common(w[s].nums, w[s].nnums, w[l].nums, w[l].nnums) == w[s].nnums &&
	             (!w[s].ntickers || !w[l].ntickers ||
	              common(w[s].tickers, w[s].ntickers, w[l].tickers, w[l].ntickers) > 0);
	if (!w[s].ngrams) {
		*contained = w[s].whole == w[l].whole;
		return w[s].whole == w[l].whole && facts;
	}
	*contained = (double)common(w[s].grams, w[s].ngrams, w[l].grams, w[l].ngrams) /
	             (double)w[s].ngrams;
	return *contained >= 0.5 && facts;
}

struct posting {
	uint64_t gram;
	uint32_t doc;
};

static int cmp_posting(const void *a, const void *b)
{
	const struct posting *x = a, *y = b;
	if (x->gram != y->gram)
		return x->gram < y->gram ? -1 : 1;
	return x->doc < y->doc ? -1 : x->doc > y->doc;
}

struct ranked {
	size_t df;
	uint64_t gram;
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->df != y->df)
		return x->df < y->df ? -1 : 1;
	return x->gram < y->gram ? -1 : x->gram > y->gram;
}

/* The first posting of gram. */
static size_t find_posting(const struct posting *p, size_t n, uint64_t gram)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p[mid].gram < gram)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Every pair of articles the rule calls near-copies, into pm. A pair must
 * share one of the shorter's rarest (n - ceil(n/2) + 1) 5-grams to share
 * half of them (prefix filtering), so only those postings are read. */
static size_t natural_pairs(const struct words *w, size_t n, struct pairmap *pm)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += w[i].ngrams;
	struct posting *post = xcalloc(total, sizeof(*post));
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t g = 0; g < w[i].ngrams; g++)
			post[k++] = (struct posting){w[i].grams[g], (uint32_t)i};
	qsort(post, total, sizeof(*post), cmp_posting);
	size_t *seen = xcalloc(n, sizeof(*seen));
	size_t pairs = 0;
	for (size_t a = 0; a < n; a++) {
		size_t ng = w[a].ngrams;
		if (!ng)
			continue;
		struct ranked *r = xcalloc(ng, sizeof(*r));
		for (size_t g = 0; g < ng; g++) {
			size_t at = find_posting(post, total, w[a].grams[g]), end = at;
			while (end < total && post[end].gram == w[a].grams[g])
				end++;
			r[g] = (struct ranked){end - at, w[a].grams[g]};
		}
		qsort(r, ng, sizeof(*r), cmp_ranked);
		size_t prefix = ng - (ng + 1) / 2 + 1;
		for (size_t g = 0; g < prefix && g < ng; g++) {
			for (size_t at = find_posting(post, total, r[g].gram);
			     at < total && post[at].gram == r[g].gram; at++) {
				size_t b = post[at].doc;
				if (b == a || seen[b] == a + 1 || !shorter(w, a, b))
					continue;
				seen[b] = a + 1;
				double c;
				if (near_copy(w, a, b, &c)) {
					pm_slot(pm, a < b ? (int)a : (int)b,
					        a < b ? (int)b : (int)a, true, 1);
					pairs++;
				}
			}
		}
		free(r);
	}
	/* articles under five words: the same words */
	for (size_t a = 0; a < n; a++) {
		if (w[a].ngrams)
			continue;
		for (size_t b = a + 1; b < n; b++) {
			double c;
			if (!w[b].ngrams && near_copy(w, a, b, &c)) {
				pm_slot(pm, (int)a, (int)b, true, 1);
				pairs++;
			}
		}
	}
	free(seen);
	free(post);
	return pairs;
}

/* ------------------------------------------------- part 1: planted copies */

static const struct idmap *sort_ids;

/* Pairs of numbers by the ids they stand for. */
static int cmp_pair_names(const void *pa, const void *pb)
{
	const int *a = pa, *b = pb;
	int d = strcmp(sort_ids->name[a[0]], sort_ids->name[b[0]]);
	return d ? d : strcmp(sort_ids->name[a[1]], sort_ids->name[b[1]]);
}

/* The natural near-copies, for reading: natural-pairs.tsv beside the
 * truth file, shorter article first, with its 5-gram containment. */
static void write_natural(const char *tsv, const struct pairmap *natural, const struct words *w,
                          const struct idmap *ids)
{
	char path[4200];
	const char *slash = strrchr(tsv, '/');
	snprintf(path, sizeof(path), "%.*snatural-pairs.tsv",
	         slash ? (int)(slash - tsv + 1) : 0, tsv);
	int(*pairs)[2] = xcalloc(natural->n, sizeof(*pairs));
	size_t n = 0;
	for (size_t h = 0; h < natural->cap; h++) {
		if (!natural->key[h])
			continue;
		uint64_t k = natural->key[h] - 1;
		int a = (int)(k >> 32), b = (int)(k & 0xffffffff);
		bool a_short = shorter(w, (size_t)a, (size_t)b);
		pairs[n][0] = a_short ? a : b;
		pairs[n][1] = a_short ? b : a;
		n++;
	}
	sort_ids = ids;
	qsort(pairs, n, sizeof(*pairs), cmp_pair_names);
	FILE *f = fopen(path, "w");
	if (!f)
		die("%s: %s", path, strerror(errno));
	fprintf(f, "# shorter\tlonger\t5-gram containment\n");
	for (size_t i = 0; i < n; i++) {
		double c;
		near_copy(w, (size_t)pairs[i][0], (size_t)pairs[i][1], &c);
		fprintf(f, "%s\t%s\t%.3f\n", ids->name[pairs[i][0]], ids->name[pairs[i][1]], c);
	}
	close_out(f);
	free(pairs);
}

struct copy_truth {
	int orig, cls, later; /* later: dated that many days after the original */
	char *detail;
};

static const char *short_title(const struct corpus *c, int i, char *out, size_t n)
{
	const char *t = i >= 0 && (size_t)i < c->n && c->a[i].title ? c->a[i].title : "";
	snprintf(out, n, "%.38s", t);
	return out;
}

static int cmd_planted(const char *data, const char *tsv, const char *scan)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/reuters21578-dev.jsonl.zst", data);
	struct corpus c;
	load_corpus(path, &c);
	struct idmap ids = {0};
	for (size_t i = 0; i < c.n; i++)
		id_add(&ids, c.a[i].id);
	size_t norig = c.n;

	/* the copies: numbers norig.. in the order of the truth file */
	struct copy_truth *truth = NULL;
	size_t ntruth = 0, tcap = 0;
	FILE *f = fopen(tsv, "r");
	if (!f)
		die("%s: %s", tsv, strerror(errno));
	char line[1024];
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		line[strcspn(line, "\n")] = '\0';
		char *fld[5] = {line};
		for (int k = 1; k < 5; k++) {
			char *t = fld[k - 1] ? strchr(fld[k - 1], '\t') : NULL;
			fld[k] = t ? (*t = '\0', t + 1) : NULL;
		}
		int orig = id_find(&ids, fld[1] ? fld[1] : "");
		int cl = -1;
		for (int k = 0; k < NCLASS && fld[2]; k++)
			if (strcmp(fld[2], cls_name[k]) == 0)
				cl = k;
		if (orig < 0 || cl < 0 || !fld[4])
			die("%s: bad line for %s", tsv, fld[0]);
		int me = id_add(&ids, fld[0]);
		if ((size_t)me != norig + ntruth)
			die("%s: %s twice", tsv, fld[0]);
		struct copy_truth t = {orig, cl, (int)strtol(fld[3], NULL, 10),
		                       xstrdup(fld[4])};
		PUSH(truth, ntruth, tcap, t);
	}
	fclose(f);
	size_t ndocs = norig + ntruth;
	int *root = xcalloc(ndocs, sizeof(*root));
	int *cls = xcalloc(ndocs, sizeof(*cls));
	/* the original a padded copy took its paragraphs from ("51 words of
	 * r4573 after paragraph 0"); -1: none */
	int *donor = xcalloc(ndocs, sizeof(*donor));
	for (size_t i = 0; i < ndocs; i++) {
		root[i] = i < norig ? (int)i : truth[i - norig].orig;
		cls[i] = i < norig ? -1 : truth[i - norig].cls;
		donor[i] = -1;
		char did[64];
		if (i >= norig && cls[i] == CL_PADDED &&
		    sscanf(truth[i - norig].detail, "%*u words of %63s", did) == 1)
			donor[i] = id_find(&ids, did);
	}

	fprintf(stderr, "evalreal: near-copy truth over %zu Reuters articles\n", norig);
	struct words *w = xcalloc(norig, sizeof(*w));
	for (size_t i = 0; i < norig; i++)
		words_of(c.a[i].title, c.a[i].text, &w[i]);
	struct pairmap natural = {0};
	size_t nnatural = natural_pairs(w, norig, &natural);
	write_natural(tsv, &natural, w, &ids);

	struct edges es;
	load_scan(scan, &ids, &es);
	struct pairmap stated_pm = {0};
	index_edges(&es, &stated_pm);
	size_t unknown = 0;
	for (size_t i = 0; i < es.n; i++)
		unknown += (size_t)es.e[i].a >= ndocs || (size_t)es.e[i].b >= ndocs;
	if (unknown)
		fprintf(stderr, "evalreal: %zu relations name articles not in the corpus\n",
		        unknown);

	printf("Reuters dev: %zu originals, %zu planted copies; %zu relations stated\n\n",
	       norig, ntruth, es.n);

	/* recall by class */
	unsigned long n_cls[NCLASS] = {0}, found[NCLASS] = {0}, by_rel[NCLASS][NREL] = {{0}};
	unsigned long dir_ok[NCLASS] = {0}, dir_n[NCLASS] = {0}, dir_rev[NCLASS] = {0};
	for (size_t k = 0; k < ntruth; k++) {
		int me = (int)(norig + k), o = truth[k].orig, cl = truth[k].cls;
		int r = stated(&stated_pm, me, o);
		n_cls[cl]++;
		by_rel[cl][r]++;
		found[cl] += derivation(r);
	}
	/* direction, for copies dated after their original */
	for (size_t i = 0; i < es.n; i++) {
		const struct edge *e = &es.e[i];
		int copy = (size_t)e->a >= norig && (size_t)e->a < ndocs   ? e->a
		           : (size_t)e->b >= norig && (size_t)e->b < ndocs ? e->b
		                                                           : -1;
		if (copy < 0 || !derivation(e->rel))
			continue;
		int other = copy == e->a ? e->b : e->a;
		if (other != root[copy] || truth[(size_t)copy - norig].later <= 0)
			continue;
		dir_n[cls[copy]]++;
		dir_ok[cls[copy]] += e->src == other;
		dir_rev[cls[copy]] += e->src == copy;
	}
	printf("planted copies: a derivation (duplicate, copy, excerpt, rewrite) with the original\n");
	printf("  %-8s %5s %7s", "class", "n", "recall");
	for (int r = R_DUPLICATE; r <= R_STORY; r++)
		printf(" %10s", rel_name[r]);
	printf(" %7s %7s %8s\n", "none", "source", "reversed");
	for (int cl = 0; cl < NCLASS; cl++) {
		printf("  %-8s %5lu %7.3f", cls_name[cl], n_cls[cl],
		       share(found[cl], n_cls[cl]));
		for (int r = R_DUPLICATE; r <= R_STORY; r++)
			printf(" %10lu", by_rel[cl][r]);
		printf(" %7lu %7.3f %8lu\n", by_rel[cl][R_NONE], share(dir_ok[cl], dir_n[cl]),
		       dir_rev[cl]);
	}
	double rate_sum[2] = {0, 0};
	unsigned long rate_n[2] = {0, 0};
	for (size_t k = 0; k < ntruth; k++) {
		double rate;
		int s = truth[k].cls - CL_SPUN50;
		if (s >= 0 && s < 2 && sscanf(truth[k].detail, "swapped %lf", &rate) == 1) {
			rate_sum[s] += rate;
			rate_n[s]++;
		}
	}
	printf("  (swap rates bench/spin achieved: spun50 %.2f, spun90 %.2f of the content words\n"
	       "   on average; it swaps only words with a one-word WordNet synonym)\n",
	       rate_n[0] ? rate_sum[0] / (double)rate_n[0] : 0,
	       rate_n[1] ? rate_sum[1] / (double)rate_n[1] : 0);
	printf("  (copies are dated 0-3 days after their original; of the derivations found for\n"
	       "   those dated 1-3 days after: source, the share naming the original as the\n"
	       "   source; reversed, how many name the copy)\n");
	printf("  missed, first %d of each class:\n", 3);
	for (int cl = 0; cl < NCLASS; cl++) {
		int shown = 0;
		for (size_t k = 0; k < ntruth && shown < 3; k++) {
			int me = (int)(norig + k);
			if (truth[k].cls != cl ||
			    derivation(stated(&stated_pm, me, truth[k].orig)))
				continue;
			char t[48];
			printf("    %-18s %-8s as %-10s %s (%s)\n", ids.name[me],
			       ids.name[truth[k].orig],
			       rel_name[stated(&stated_pm, me, truth[k].orig)],
			       short_title(&c, truth[k].orig, t, sizeof(t)), truth[k].detail);
			shown++;
		}
	}

	/* duplicate/copy precision */
	unsigned long dc = 0, dc_family = 0, dc_natural = 0, dc_wrong_orig = 0,
		      dc_wrong_copy = 0;
	unsigned long spun_edges[2] = {0}, spun_false[2] = {0}, spun_inherited[2] = {0};
	unsigned long orig_deriv = 0, orig_deriv_natural = 0, orig_rewrite_natural = 0,
		      orig_rewrite = 0;
	struct edge wrong[EXAMPLES], spun_wrong[EXAMPLES];
	size_t nwrong = 0, nspun_wrong = 0;
	for (size_t i = 0; i < es.n; i++) {
		const struct edge *e = &es.e[i];
		if ((size_t)e->a >= ndocs || (size_t)e->b >= ndocs)
			continue;
		int ra = root[e->a], rb = root[e->b];
		bool family = ra == rb;
		bool nat = !family && stated(&natural, ra, rb);
		bool right = family || nat;
		if (e->rel == R_DUPLICATE || e->rel == R_COPY) {
			dc++;
			dc_family += family;
			dc_natural += nat;
			if (!right) {
				bool copies = (size_t)e->a >= norig || (size_t)e->b >= norig;
				dc_wrong_orig += !copies;
				dc_wrong_copy += copies;
				if (nwrong < EXAMPLES)
					wrong[nwrong++] = *e;
			}
		}
		if (derivation(e->rel)) {
			/* an excerpt between a padded copy and its donor's family:
			 * the paragraphs it took, reused as the relation means */
			bool padding = e->rel == R_EXCERPT &&
			               ((donor[e->a] >= 0 && root[e->b] == donor[e->a]) ||
			                (donor[e->b] >= 0 && root[e->a] == donor[e->b]));
			right |= padding;
			/* the spun copy of an original that itself derives from (or
			 * is the source of) the other side's original: the reuse
			 * the spinning kept, not one it made; whether the
			 * originals' derivation is right is not known here */
			bool inherited = !right && (ra != e->a || rb != e->b) &&
			                 derivation(stated(&stated_pm, ra, rb));
			bool spun = false;
			for (int s = 0; s < 2; s++) {
				int want = s ? CL_SPUN90 : CL_SPUN50;
				if (cls[e->a] != want && cls[e->b] != want)
					continue;
				spun = true;
				spun_edges[s] += !inherited;
				spun_inherited[s] += inherited;
				spun_false[s] += !right && !inherited;
			}
			right |= inherited;
			if (spun && !right && nspun_wrong < EXAMPLES)
				spun_wrong[nspun_wrong++] = *e;
			if ((size_t)e->a < norig && (size_t)e->b < norig) {
				orig_deriv++;
				orig_deriv_natural += nat;
				if (e->rel == R_REWRITE) {
					orig_rewrite++;
					orig_rewrite_natural += nat;
				}
			}
		}
	}
	printf("\nduplicate/copy edges: %lu; right: %lu within a planted family, %lu natural\n"
	       "  near-copies; wrong: %lu between originals, %lu involving a copy\n",
	       dc, dc_family, dc_natural, dc_wrong_orig, dc_wrong_copy);
	for (size_t k = 0; k < nwrong; k++) {
		char ta[48], tb[48];
		double cont;
		int ra = root[wrong[k].a], rb = root[wrong[k].b];
		near_copy(w, (size_t)ra, (size_t)rb, &cont);
		printf("    %-9s %-14s %-14s 5-gram cont. %.2f  %s | %s\n",
		       rel_name[wrong[k].rel], ids.name[wrong[k].a], ids.name[wrong[k].b], cont,
		       short_title(&c, ra, ta, sizeof(ta)),
		       short_title(&c, rb, tb, sizeof(tb)));
	}

	/* the natural near-copies and what doppel said of them */
	unsigned long nat_by[NREL] = {0};
	for (size_t h = 0; h < natural.cap; h++) {
		if (!natural.key[h])
			continue;
		uint64_t k = natural.key[h] - 1;
		nat_by[stated(&stated_pm, (int)(k >> 32), (int)(k & 0xffffffff))]++;
	}
	printf("\nnatural near-copies among the originals (the rule: the shorter's distinct word\n"
	       "5-grams >= 50%% in the longer, all its numbers, in digits or words, in the\n"
	       "longer, a ticker in common when both headlines name one): %zu pairs, listed in\n"
	       "natural-pairs.tsv\n",
	       nnatural);
	printf("  stated as:");
	for (int r = 0; r < NREL; r++)
		if (nat_by[r])
			printf(" %s %lu", rel_name[r], nat_by[r]);
	printf("\n  derivations between originals: %lu, of them near-copies %lu; rewrites %lu, "
	       "of them near-copies %lu\n",
	       orig_deriv, orig_deriv_natural, orig_rewrite, orig_rewrite_natural);

	printf("\nspun copies: derivation edges touching one, and the false ones (neither its\n"
	       "original, a copy of it, a near-copy of it, nor an excerpt between a padded\n"
	       "copy and the family of the original its padding came from); an edge whose\n"
	       "two originals are stated a derivation themselves is the reuse the spinning\n"
	       "kept, counted apart and left out of the edges: whether it is right, no truth\n"
	       "here tells)\n");
	for (int s = 0; s < 2; s++)
		printf("  %s: %lu edges, %lu false; and %lu the originals' own derivation\n",
		       s ? "spun90" : "spun50", spun_edges[s], spun_false[s], spun_inherited[s]);
	for (size_t k = 0; k < nspun_wrong; k++) {
		char ta[48], tb[48];
		printf("    %-9s %-14s %-14s %s | %s\n", rel_name[spun_wrong[k].rel],
		       ids.name[spun_wrong[k].a], ids.name[spun_wrong[k].b],
		       short_title(&c, root[spun_wrong[k].a], ta, sizeof(ta)),
		       short_title(&c, root[spun_wrong[k].b], tb, sizeof(tb)));
	}

	printf("\n");
	unsigned long cn = 0, cf = 0;
	for (int cl = CL_REPRINT; cl <= CL_EXTRACT; cl++) {
		cn += n_cls[cl];
		cf += found[cl];
	}
	headline("planted recall (reprint, cut, padded, extract)", cf, cn, true, 0.995);
	for (int cl = CL_REPRINT; cl <= CL_EXTRACT; cl++) {
		char name[64];
		snprintf(name, sizeof(name), "  %s recall", cls_name[cl]);
		headline(name, found[cl], n_cls[cl], true, 0.995);
	}
	headline("duplicate/copy precision", dc_family + dc_natural, dc, true, 0.995);
	if (copies_only)
		return 0;
	headline("spun 50% recall", found[CL_SPUN50], n_cls[CL_SPUN50], true, 0.95);
	headline("spun 90% recall", found[CL_SPUN90], n_cls[CL_SPUN90], true, 0.95);
	headline("spun 50%: false derivation edges", spun_false[0], spun_edges[0], false, 0.01);
	headline("spun 90%: false derivation edges", spun_false[1], spun_edges[1], false, 0.01);
	return 0;
}

/* ------------------------------------------- part 2: hand-labelled pairs */

enum label {
	L_EVENT,
	L_STORY,
	L_UNRELATED,
	NLABEL
};
static const char *const label_name[NLABEL] = {"same-event", "same-story", "unrelated"};

/* Predicted classes of a labelled pair. */
enum pred {
	P_DERIV,
	P_EVENT,
	P_STORY,
	P_NONE,
	NPRED
};
static const char *const pred_name[NPRED] = {"derivation", "same-event", "same-story", "none"};

static int predicted(int r)
{
	return derivation(r)  ? P_DERIV
	       : r == R_EVENT ? P_EVENT
	       : r == R_STORY ? P_STORY
	                      : P_NONE;
}

static int cmd_labels(const char *corpus, const char *labels, const char *scan)
{
	struct corpus c;
	load_corpus(corpus, &c);
	struct idmap ids = {0};
	for (size_t i = 0; i < c.n; i++)
		id_add(&ids, c.a[i].id);
	struct edges es;
	load_scan(scan, &ids, &es);
	struct pairmap pm = {0};
	index_edges(&es, &pm);

	FILE *f = fopen(labels, "r");
	if (!f)
		die("%s: %s", labels, strerror(errno));
	unsigned long cm[NLABEL][NPRED] = {{0}};
	char line[2048];
	size_t lineno = 0, n = 0;
	struct {
		int a, b, label, pred;
		char why[96];
	} miss[64];
	size_t nmiss = 0;
	struct pairmap seen = {0};
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || !line[0] || strncmp(line, "id_a\t", 5) == 0)
			continue;
		char *fld[4] = {line};
		for (int k = 1; k < 4; k++) {
			char *t = fld[k - 1] ? strchr(fld[k - 1], '\t') : NULL;
			fld[k] = t ? (*t = '\0', t + 1) : NULL;
		}
		int a = id_find(&ids, fld[0]), b = fld[1] ? id_find(&ids, fld[1]) : -1, l = -1;
		for (int k = 0; k < NLABEL && fld[2]; k++)
			if (strcmp(fld[2], label_name[k]) == 0)
				l = k;
		if (a < 0 || b < 0 || l < 0 || a == b) {
			fprintf(stderr, "evalreal: %s:%zu: unknown ids or label, skipped\n",
			        labels, lineno);
			continue;
		}
		int *times = pm_slot(&seen, a < b ? a : b, a < b ? b : a, true, 0);
		if ((*times)++) {
			fprintf(stderr, "evalreal: %s:%zu: pair labelled twice, skipped\n",
			        labels, lineno);
			continue;
		}
		int p = predicted(stated(&pm, a, b));
		cm[l][p]++;
		n++;
		bool wrong = (p == P_EVENT && l != L_EVENT) || (p == P_STORY && l != L_STORY) ||
		             (p == P_DERIV && l == L_UNRELATED);
		if (wrong && nmiss < sizeof(miss) / sizeof(*miss)) {
			miss[nmiss].a = a;
			miss[nmiss].b = b;
			miss[nmiss].label = l;
			miss[nmiss].pred = p;
			snprintf(miss[nmiss].why, sizeof(miss[nmiss].why), "%s",
			         fld[3] ? fld[3] : "");
			nmiss++;
		}
	}
	fclose(f);
	printf("%zu labelled pairs; relations from the scan of the originals\n\n", n);
	printf("confusion (rows: label, columns: stated)\n  %-11s", "");
	for (int p = 0; p < NPRED; p++)
		printf(" %10s", pred_name[p]);
	printf("\n");
	for (int l = 0; l < NLABEL; l++) {
		printf("  %-11s", label_name[l]);
		for (int p = 0; p < NPRED; p++)
			printf(" %10lu", cm[l][p]);
		printf("\n");
	}
	unsigned long col[NPRED] = {0}, row[NLABEL] = {0};
	for (int l = 0; l < NLABEL; l++)
		for (int p = 0; p < NPRED; p++) {
			col[p] += cm[l][p];
			row[l] += cm[l][p];
		}
	printf("\n  stated same-event or same-story on pairs labelled either (related at all): "
	       "%.3f\n",
	       share(cm[L_EVENT][P_EVENT] + cm[L_EVENT][P_STORY] + cm[L_STORY][P_EVENT] +
	                     cm[L_STORY][P_STORY],
	             col[P_EVENT] + col[P_STORY]));
	printf("  labelled same-event found as same-event or a derivation: %lu of %lu\n",
	       cm[L_EVENT][P_EVENT] + cm[L_EVENT][P_DERIV], row[L_EVENT]);
	printf("  labelled same-story found as same-story: %lu of %lu\n", cm[L_STORY][P_STORY],
	       row[L_STORY]);
	if (nmiss) {
		printf("\n  wrongly stated, first %zu:\n", nmiss < 16 ? nmiss : (size_t)16);
		for (size_t k = 0; k < nmiss && k < 16; k++) {
			printf("    %-7s %-7s %-10s as %-10s %s\n", ids.name[miss[k].a],
			       ids.name[miss[k].b], label_name[miss[k].label],
			       pred_name[miss[k].pred], miss[k].why);
		}
	}
	printf("\n");
	headline("labelled pairs: same-event precision", cm[L_EVENT][P_EVENT], col[P_EVENT],
	         true, 0.9);
	headline("labelled pairs: same-story precision", cm[L_STORY][P_STORY], col[P_STORY],
	         true, 0.9);
	return 0;
}

/* ----------------------------------------------------------- part 3: ECB+ */

struct ecb_ctx {
	struct idmap *ids;
	int *topic, *event;
	size_t n, tcap, ecap;
	struct idmap events;
};

static void ecb_line(json_t *obj, void *ctx)
{
	struct ecb_ctx *e = ctx;
	const char *id = json_str(obj, "id"), *ev = json_str(obj, "event");
	json_t *t = json_object_get(obj, "topic");
	if (!id || !ev || !json_is_integer(t))
		return;
	int i = id_add(e->ids, id);
	if ((size_t)i != e->n)
		return; /* the same id twice: the first counts */
	size_t n = e->n;
	PUSH(e->topic, n, e->tcap, (int)json_integer_value(t));
	PUSH(e->event, e->n, e->ecap, id_add(&e->events, ev));
}

static unsigned long pairs_of(unsigned long n)
{
	return n * (n - 1) / 2;
}

static int cmd_ecb(const char *ecb, const char *scan)
{
	struct idmap ids = {0};
	struct ecb_ctx e = {&ids, NULL, NULL, 0, 0, 0, {0}};
	each_json_line(ecb, ecb_line, &e);
	size_t n = e.n;
	struct edges es;
	load_scan(scan, &ids, &es);
	struct pairmap pm = {0};
	index_edges(&es, &pm);

	/* pairs of each kind, from the sizes of events and topics */
	int maxt = 0;
	for (size_t i = 0; i < n; i++)
		maxt = e.topic[i] > maxt ? e.topic[i] : maxt;
	unsigned long *tsize = xcalloc((size_t)maxt + 1, sizeof(*tsize));
	unsigned long *esize = xcalloc(e.events.n, sizeof(*esize));
	for (size_t i = 0; i < n; i++) {
		tsize[e.topic[i]]++;
		esize[e.event[i]]++;
	}
	unsigned long same_event = 0, same_topic = 0;
	for (int t = 0; t <= maxt; t++)
		same_topic += pairs_of(tsize[t]);
	for (size_t v = 0; v < e.events.n; v++)
		same_event += pairs_of(esize[v]);
	unsigned long diff_event = same_topic - same_event;
	unsigned long cross = pairs_of(n) - same_topic;

	unsigned long tp = 0, fp = 0, weak = 0, diff_any = 0, cross_any = 0;
	unsigned long by[3][NREL] = {{0}};
	unsigned long *t_fp = xcalloc((size_t)maxt + 1, sizeof(*t_fp));
	struct edge ex_diff[EXAMPLES], ex_cross[EXAMPLES];
	size_t ndiff = 0, ncross = 0;
	for (size_t h = 0; h < pm.cap; h++) {
		if (!pm.key[h])
			continue;
		uint64_t k = pm.key[h] - 1;
		int a = (int)(k >> 32), b = (int)(k & 0xffffffff), r = pm.val[h];
		if ((size_t)a >= n || (size_t)b >= n)
			continue;
		bool se = e.event[a] == e.event[b], st = e.topic[a] == e.topic[b];
		bool pos = derivation(r) || r == R_EVENT;
		int kind = se ? 0 : st ? 1 : 2;
		by[kind][r]++;
		if (se) {
			tp += pos;
			weak += !pos;
		} else {
			fp += pos;
			if (st) {
				diff_any++;
				t_fp[e.topic[a]]++;
				if (ndiff < EXAMPLES)
					ex_diff[ndiff++] = (struct edge){a, b, r, -1};
			} else {
				cross_any++;
				if (ncross < EXAMPLES)
					ex_cross[ncross++] = (struct edge){a, b, r, -1};
			}
		}
	}
	printf("ECB+ topics: %zu articles in %zu events; undated, so doppel's time windows do not\n"
	       "apply; pairs: %lu same event, %lu same topic and another event, %lu across topics\n\n",
	       n, e.events.n, same_event, diff_event, cross);
	static const char *const kind[3] = {"same event", "same topic, other event",
	                                    "other topic"};
	printf("  %-24s", "relations stated");
	for (int r = R_DUPLICATE; r < NREL; r++)
		printf(" %10s", rel_name[r]);
	printf("\n");
	for (int k = 0; k < 3; k++) {
		printf("  %-24s", kind[k]);
		for (int r = R_DUPLICATE; r < NREL; r++)
			printf(" %10lu", by[k][r]);
		printf("\n");
	}
	double prec = share(tp, tp + fp), rec = share(tp, same_event);
	double f1 = prec + rec > 0 ? 2 * prec * rec / (prec + rec) : 0;
	printf("\n  same-event (or a derivation): precision %.3f, recall %.3f, F1 %.3f"
	       " (target >= 0.9); same event stated only as same-story: %lu\n",
	       prec, rec, f1, weak);
	printf("  topics with the most different-event pairs related:");
	for (int shown = 0; shown < 5; shown++) {
		int best = -1;
		for (int t = 0; t <= maxt; t++)
			if (t_fp[t] && (best < 0 || t_fp[t] > t_fp[best]))
				best = t;
		if (best < 0)
			break;
		printf(" %d (%lu)", best, t_fp[best]);
		t_fp[best] = 0;
	}
	printf("\n  related though of another event, first %zu:\n", ndiff);
	for (size_t k = 0; k < ndiff; k++)
		printf("    %-14s %-14s %s\n", ids.name[ex_diff[k].a], ids.name[ex_diff[k].b],
		       rel_name[ex_diff[k].rel]);
	if (ncross) {
		printf("  related across topics, first %zu:\n", ncross);
		for (size_t k = 0; k < ncross; k++)
			printf("    %-14s %-14s %s\n", ids.name[ex_cross[k].a],
			       ids.name[ex_cross[k].b], rel_name[ex_cross[k].rel]);
	}
	printf("\n");
	headline("ECB+ same-event precision", tp, tp + fp, true, 0.9);
	headline("ECB+ same-event recall", tp, same_event, true, 0.9);
	char value[32];
	snprintf(value, sizeof(value), "%.3f", f1);
	headline_value("ECB+ same-event F1", f1, value, same_event > 0, true, 0.9);
	headline("ECB+ different-event same-topic pairs related", diff_any, diff_event, false,
	         0.02);
	headline("ECB+ cross-topic pairs related", cross_any, cross, false, NO_TARGET);
	return 0;
}

/* --------------------------------------------------- part 4: PAN 2013 */

struct pan_pair {
	int susp, src, folder;
	bool positive;
};

struct pan_ctx {
	struct idmap *ids, folders;
	struct pan_pair *p;
	size_t n, cap;
};

static void pan_line(json_t *obj, void *ctx)
{
	struct pan_ctx *c = ctx;
	const char *susp = json_str(obj, "susp"), *src = json_str(obj, "src");
	const char *folder = json_str(obj, "folder");
	json_t *cases = json_object_get(obj, "n_cases");
	if (!susp || !src || !folder)
		return;
	char a[512], b[512];
	snprintf(a, sizeof(a), "susp/%.*s", (int)(strlen(susp) > 4 ? strlen(susp) - 4 : 0),
	         susp);
	snprintf(b, sizeof(b), "src/%.*s", (int)(strlen(src) > 4 ? strlen(src) - 4 : 0), src);
	struct pan_pair p = {id_add(c->ids, a), id_add(c->ids, b), id_add(&c->folders, folder),
	                     json_integer_value(cases) > 0};
	PUSH(c->p, c->n, c->cap, p);
}

static int cmd_pan(const char *dir, const char *scan)
{
	struct idmap ids = {0};
	struct pan_ctx c = {&ids, {0}, NULL, 0, 0};
	char path[4096];
	snprintf(path, sizeof(path), "%s/pair_labels.jsonl", dir);
	each_json_line(path, pan_line, &c);
	struct edges es;
	load_scan(scan, &ids, &es);
	struct pairmap pm = {0};
	index_edges(&es, &pm);

	/* folders in name order */
	size_t nf = c.folders.n;
	size_t *order = xcalloc(nf, sizeof(*order));
	for (size_t i = 0; i < nf; i++)
		order[i] = i;
	for (size_t i = 1; i < nf; i++)
		for (size_t j = i; j > 0 && strcmp(c.folders.name[order[j - 1]],
		                                   c.folders.name[order[j]]) > 0;
		     j--) {
			size_t t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	unsigned long(*pos)[NREL] = xcalloc(nf, sizeof(*pos));
	unsigned long(*neg)[NREL] = xcalloc(nf, sizeof(*neg));
	unsigned long *npos = xcalloc(nf, sizeof(*npos)), *nneg = xcalloc(nf, sizeof(*nneg));
	for (size_t k = 0; k < c.n; k++) {
		const struct pan_pair *p = &c.p[k];
		bool positive = p->positive;
		int r = stated(&pm, p->susp, p->src);
		if (positive) {
			pos[p->folder][r]++;
			npos[p->folder]++;
		} else {
			neg[p->folder][r]++;
			nneg[p->folder]++;
		}
	}
	printf("PAN 2013 training pairs, document level: the relation stated between the\n"
	       "suspicious document and its source (positives: pairs with reuse)\n\n");
	printf("  %-28s %-4s %5s", "folder", "", "pairs");
	for (int r = 0; r < NREL - 1; r++)
		printf(" %9s", rel_name[r]);
	printf(" %7s\n", "deriv.");
	for (size_t i = 0; i < nf; i++) {
		size_t fo = order[i];
		for (int s = 0; s < 2; s++) {
			unsigned long *v = s ? neg[fo] : pos[fo], tot = s ? nneg[fo] : npos[fo];
			if (!tot)
				continue;
			unsigned long d = 0;
			for (int r = R_DUPLICATE; r <= R_REWRITE; r++)
				d += v[r];
			printf("  %-28s %-4s %5lu", c.folders.name[fo], s ? "neg" : "pos", tot);
			for (int r = 0; r < NREL - 1; r++)
				printf(" %9lu", v[r]);
			printf(" %7.3f\n", share(d, tot));
		}
	}
	printf("\n");
	static const struct {
		const char *folder, *name;
		bool positive, at_least;
		double target;
	} figs[] = {
		{"02-no-obfuscation", "PAN verbatim: derivation found", true, true, 0.98},
		{"03-random-obfuscation", "PAN random: derivation found", true, true, 0.90},
		{"04-translation-obfuscation", "PAN translation: derivation found", true, true,
	         0.80},
		{"05-summary-obfuscation", "PAN summary: derivation found", true, true, 0.60},
		{"01-no-plagiarism", "PAN no-plagiarism: derivation stated", false, false,
	         0.01},
	};
	for (size_t k = 0; k < sizeof(figs) / sizeof(*figs); k++) {
		int fo = id_find(&c.folders, figs[k].folder);
		unsigned long d = 0, tot = 0;
		if (fo >= 0) {
			unsigned long *v = figs[k].positive ? pos[fo] : neg[fo];
			tot = figs[k].positive ? npos[fo] : nneg[fo];
			for (int r = R_DUPLICATE; r <= R_REWRITE; r++)
				d += v[r];
		}
		headline(figs[k].name, d, tot, figs[k].at_least, figs[k].target);
	}
	return 0;
}

/* ------------------------------------ part 1c: passages taken by many */

/* What the scan of syndicated.jsonl stated between each outlet and its
 * wire report (a derivation, the wire named its source), and the
 * derivations an outlet has with any article but its wire, its own story
 * and the other outlets of its wire. */
static int cmd_syndicated(const char *tsv, const char *scan)
{
	struct idmap ids = {0};
	struct edges es;
	load_scan(scan, &ids, &es);
	size_t len;
	char *text = read_file(tsv, &len);
	struct row {
		int outlet, wire, own;
	} *rows = NULL;
	size_t n = 0, cap = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] == '#')
			continue;
		char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		if (!t2)
			die("%s: a line without three fields", tsv);
		*t1 = *t2 = '\0';
		struct row r = {id_add(&ids, line), id_add(&ids, t1 + 1), id_add(&ids, t2 + 1)};
		PUSH(rows, n, cap, r);
	}
	free(text);
	/* each article's row + 1 when it is an outlet */
	int *row_of = xcalloc(ids.n + 1, sizeof(*row_of));
	for (size_t i = 0; i < n; i++)
		row_of[rows[i].outlet] = (int)i + 1;
	struct pairmap pm = {0};
	index_edges(&es, &pm);
	unsigned long by[NREL] = {0}, found = 0, named = 0, twins = 0, other = 0, inherited = 0,
		      outlet_edges = 0;
	for (size_t i = 0; i < n; i++) {
		int r = R_NONE, src = -1;
		for (size_t k = 0; k < es.n; k++) {
			const struct edge *e = &es.e[k];
			if ((e->a == rows[i].outlet && e->b == rows[i].wire) ||
			    (e->b == rows[i].outlet && e->a == rows[i].wire)) {
				if (r == R_NONE || e->rel < r) {
					r = e->rel;
					src = e->src;
				}
			}
		}
		/* or from a duplicate or copy of the wire (Reuters sent some
		 * reports twice): the same text, the earlier of which is the
		 * passage's source */
		bool twin = false;
		for (size_t k = 0; k < es.n && !derivation(r) && !twin; k++) {
			const struct edge *e = &es.e[k];
			int other = e->a == rows[i].wire ? e->b : e->b == rows[i].wire ? e->a : -1;
			twin = other >= 0 && (e->rel == R_DUPLICATE || e->rel == R_COPY) &&
			       derivation(stated(&pm, rows[i].outlet, other));
		}
		by[r]++;
		twins += twin;
		found += derivation(r) || twin;
		named += derivation(r) && src == rows[i].wire;
	}
	for (size_t k = 0; k < es.n; k++) {
		const struct edge *e = &es.e[k];
		if (!derivation(e->rel))
			continue;
		for (int side = 0; side < 2; side++) {
			int me = side ? e->b : e->a, them = side ? e->a : e->b;
			if (!row_of[me])
				continue;
			const struct row *r = &rows[row_of[me] - 1];
			bool sibling = row_of[them] && rows[row_of[them] - 1].wire == r->wire;
			outlet_edges++;
			if (them == r->wire || them == r->own || sibling)
				continue;
			/* the outlet's own story or its wire is one of a derivation
			 * the scan states (another outlet: through its own story) */
			int via = row_of[them] ? rows[row_of[them] - 1].own : them;
			bool inherit = derivation(stated(&pm, r->own, via)) ||
			               derivation(stated(&pm, r->wire, via)) ||
			               (row_of[them] && (via == r->own || via == r->wire ||
			                                 rows[row_of[them] - 1].wire == r->own));
			inherited += inherit;
			other += !inherit;
		}
	}
	printf("%zu outlets, each its own Reuters story with the lead paragraphs of a\n"
	       "wire report below it (bench/README.md); what the scan states between\n"
	       "an outlet and its wire:\n  ",
	       n);
	for (int r = 0; r < NREL; r++)
		if (by[r])
			printf(" %s %lu", rel_name[r], by[r]);
	printf("\n  of those not a derivation, one of a duplicate or copy of the wire: %lu\n"
	       "  a derivation naming the wire its source: %lu of %lu\n",
	       twins, named, found - twins);
	printf("  derivation edges of outlets: %lu; with an article other than the\n"
	       "  wire, its own story or an outlet of the same wire: %lu, of them %lu\n"
	       "  with an article the scan derives from or to its story or wire (or\n"
	       "  an outlet of one), %lu with none\n",
	       outlet_edges, other + inherited, inherited, other);
	headline("syndicated: outlets derived from their wire", found, n, true, NO_TARGET);
	headline("syndicated: outlets' other derivation edges", other, outlet_edges, false,
	         NO_TARGET);
	pm_free(&pm);
	free(row_of);
	free(rows);
	return 0;
}

/* ------------------------------------- part 5: scan and index agreement */

/* A relation as both sides state it: the pair in number order, the
 * relation, and the direction (0 unknown, 1 lo is the source, 2 hi). */
static int encode(const struct edge *e, int *lo, int *hi)
{
	*lo = e->a < e->b ? e->a : e->b;
	*hi = e->a < e->b ? e->b : e->a;
	int dir = e->src < 0 ? 0 : e->src == *lo ? 1 : 2;
	return e->rel * 4 + dir + 1;
}

static void describe(char *out, size_t n, const struct idmap *ids, int lo, int hi, int v)
{
	if (!v) {
		snprintf(out, n, "-");
		return;
	}
	int rel = (v - 1) / 4, dir = (v - 1) % 4;
	snprintf(out, n, "%s %s", rel_name[rel],
	         dir == 0   ? "unknown"
	         : dir == 1 ? ids->name[lo]
	                    : ids->name[hi]);
}

struct diff {
	int lo, hi, scan, index;
};

/* 0 only in the scan, 1 only in the index, 2 another relation, 3 the same
 * relation in another direction. */
static int diff_kind(const struct diff *d)
{
	if (!d->index)
		return 0;
	if (!d->scan)
		return 1;
	return (d->scan - 1) / 4 != (d->index - 1) / 4 ? 2 : 3;
}

static int cmp_diff_names(const void *pa, const void *pb)
{
	const struct diff *a = pa, *b = pb;
	return cmp_pair_names((const int[2]){a->lo, a->hi}, (const int[2]){b->lo, b->hi});
}

struct story_ctx {
	struct idmap *ids;
	int **event_of, **story_of;
	size_t *cap;
	int events, stories;
};

static void grow_to(int **v, size_t *cap, size_t n)
{
	if (n <= *cap)
		return;
	size_t nc = *cap ? *cap : 1024;
	while (nc < n)
		nc *= 2;
	*v = xrealloc(*v, nc * sizeof(**v));
	for (size_t i = *cap; i < nc; i++)
		(*v)[i] = -1;
	*cap = nc;
}

static void story_line(json_t *obj, void *ctx)
{
	struct story_ctx *s = ctx;
	const char *type = json_str(obj, "type");
	if (!type || strcmp(type, "story") != 0)
		return;
	size_t k, m;
	json_t *ev, *mem;
	json_array_foreach(json_object_get(obj, "events"), k, ev)
	{
		json_array_foreach(json_object_get(ev, "members"), m, mem)
		{
			const char *id = json_str(mem, "id");
			if (!id)
				continue;
			int i = id_add(s->ids, id);
			size_t cap = *s->cap;
			grow_to(s->event_of, &cap, (size_t)i + 1);
			cap = *s->cap;
			grow_to(s->story_of, &cap, (size_t)i + 1);
			*s->cap = cap;
			(*s->event_of)[i] = s->events;
			(*s->story_of)[i] = s->stories;
		}
		s->events++;
	}
	s->stories++;
}

/* Agreement of two partitions of the articles (numbers < n; -1: alone) as
 * pairs of articles put together: in a, in b, in both. */
static void partition_pairs(const int *a, const int *b, size_t n, unsigned long *pa,
                            unsigned long *pb, unsigned long *both, size_t *na, size_t *nb,
                            size_t *biggest_a, size_t *biggest_b)
{
	struct pairmap cells = {0}, sa = {0}, sb = {0};
	for (size_t i = 0; i < n; i++) {
		if (a[i] >= 0)
			++*pm_slot(&sa, 0, a[i], true, 0);
		if (b[i] >= 0)
			++*pm_slot(&sb, 0, b[i], true, 0);
		if (a[i] >= 0 && b[i] >= 0)
			++*pm_slot(&cells, a[i], b[i], true, 0);
	}
	*pa = *pb = *both = 0;
	*na = *nb = *biggest_a = *biggest_b = 0;
	for (size_t h = 0; h < sa.cap; h++)
		if (sa.key[h] && sa.val[h] > 1) {
			*pa += pairs_of((unsigned long)sa.val[h]);
			(*na)++;
			if ((size_t)sa.val[h] > *biggest_a)
				*biggest_a = (size_t)sa.val[h];
		}
	for (size_t h = 0; h < sb.cap; h++)
		if (sb.key[h] && sb.val[h] > 1) {
			*pb += pairs_of((unsigned long)sb.val[h]);
			(*nb)++;
			if ((size_t)sb.val[h] > *biggest_b)
				*biggest_b = (size_t)sb.val[h];
		}
	for (size_t h = 0; h < cells.cap; h++)
		if (cells.key[h])
			*both += pairs_of((unsigned long)cells.val[h]);
	pm_free(&cells);
	pm_free(&sa);
	pm_free(&sb);
}

static int cmd_agree(const char *name, const char *scan, const char *add, const char *scan_st,
                     const char *index_st)
{
	struct idmap ids = {0};
	struct edges se, ie = {0};
	load_scan(scan, &ids, &se);
	ie.ids = &ids;
	struct add_ctx ac = {&ie, 0, 0, 0};
	each_json_line(add, add_line, &ac);
	/* `add` prints each relation as found; the index states a same-story
	 * relation between two articles that ended in one event as
	 * same-event (doppel query), and so does the scan. */
	if (index_st) {
		int *ev = NULL, *st = NULL;
		size_t cap = 0;
		struct story_ctx sc = {&ids, &ev, &st, &cap, 0, 0};
		each_json_line(index_st, story_line, &sc);
		for (size_t i = 0; i < ie.n; i++) {
			struct edge *e = &ie.e[i];
			if (e->rel == R_STORY && (size_t)e->a < cap && (size_t)e->b < cap &&
			    ev[e->a] >= 0 && ev[e->a] == ev[e->b])
				e->rel = R_EVENT;
		}
		free(ev);
		free(st);
	}

	struct pairmap sm = {0}, im = {0};
	unsigned long twice = 0;
	for (int side = 0; side < 2; side++) {
		const struct edges *es = side ? &ie : &se;
		struct pairmap *m = side ? &im : &sm;
		for (size_t i = 0; i < es->n; i++) {
			int lo, hi, v = encode(&es->e[i], &lo, &hi);
			int *slot = pm_slot(m, lo, hi, true, 0);
			if (*slot)
				twice++;
			else
				*slot = v;
		}
	}
	/* every pair either side states */
	struct diff *d = NULL;
	size_t nd = 0, dcap = 0;
	unsigned long same = 0, same_pair = 0, same_rel = 0;
	for (int side = 0; side < 2; side++) {
		struct pairmap *m = side ? &im : &sm, *other = side ? &sm : &im;
		for (size_t h = 0; h < m->cap; h++) {
			if (!m->key[h])
				continue;
			uint64_t k = m->key[h] - 1;
			int lo = (int)(k >> 32), hi = (int)(k & 0xffffffff);
			int *o = pm_slot(other, lo, hi, false, 0);
			if (o && side == 1)
				continue; /* counted from the scan's side */
			int sv = side ? 0 : m->val[h], iv = side ? m->val[h] : o ? *o : 0;
			if (sv && iv) {
				same_pair++;
				same_rel += (sv - 1) / 4 == (iv - 1) / 4;
				if (sv == iv) {
					same++;
					continue;
				}
			}
			PUSH(d, nd, dcap, ((struct diff){lo, hi, sv, iv}));
		}
	}
	unsigned long ns = sm.n, ni = im.n, uni = ns + ni - same;
	printf("%s: doppel scan states %lu relations, doppel add %lu (%lu articles added, %lu "
	       "other outcomes%s)\n",
	       name, ns, ni, ac.added, ac.other_outcome, twice ? ", some pairs twice" : "");
	printf("  the same pair: %lu; the same pair and relation: %lu; and direction: %lu\n",
	       same_pair, same_rel, same);
	static const char *const kind_name[4] = {"only in the scan", "only in the index",
	                                         "another relation", "another direction"};
	unsigned long kinds[4] = {0};
	for (size_t k = 0; k < nd; k++)
		kinds[diff_kind(&d[k])]++;
	printf("  disagreements: %lu %s, %lu %s, %lu %s, %lu %s\n", kinds[0], kind_name[0],
	       kinds[1], kind_name[1], kinds[2], kind_name[2], kinds[3], kind_name[3]);
	/* the first few of each kind, in the order of the ids */
	sort_ids = &ids;
	qsort(d, nd, sizeof(*d), cmp_diff_names);
	for (int kind = 0; kind < 4; kind++) {
		int shown = 0;
		for (size_t k = 0; k < nd && shown < 3; k++) {
			if (diff_kind(&d[k]) != kind)
				continue;
			char a[160], b[160];
			describe(a, sizeof(a), &ids, d[k].lo, d[k].hi, d[k].scan);
			describe(b, sizeof(b), &ids, d[k].lo, d[k].hi, d[k].index);
			printf("    %-18s %-18s %-18s scan: %-26s index: %s\n", kind_name[kind],
			       ids.name[d[k].lo], ids.name[d[k].hi], a, b);
			shown++;
		}
	}
	char fig[96];
	snprintf(fig, sizeof(fig), "%s: scan/index relations agree", name);
	headline(fig, same, uni, true, 1.0);

	if (scan_st && index_st) {
		int *ev[2] = {NULL, NULL}, *st[2] = {NULL, NULL};
		size_t cap[2] = {0, 0};
		for (int side = 0; side < 2; side++) {
			struct story_ctx sc = {&ids, &ev[side], &st[side], &cap[side], 0, 0};
			each_json_line(side ? index_st : scan_st, story_line, &sc);
		}
		size_t n = ids.n;
		for (int side = 0; side < 2; side++) {
			size_t c0 = cap[side];
			grow_to(&ev[side], &c0, n);
			c0 = cap[side];
			grow_to(&st[side], &c0, n);
		}
		static const char *const what[2] = {"events", "stories"};
		for (int w = 0; w < 2; w++) {
			unsigned long pa, pb, both;
			size_t na, nb, ba, bb;
			partition_pairs(w ? st[0] : ev[0], w ? st[1] : ev[1], n, &pa, &pb,
			                &both, &na, &nb, &ba, &bb);
			printf("  %s of two or more: scan %zu (largest %zu), index %zu (largest %zu);\n"
			       "    article pairs put together: scan %lu, index %lu, both %lu\n",
			       what[w], na, ba, nb, bb, pa, pb, both);
			snprintf(fig, sizeof(fig), "%s: scan/index %s agree (pairs)", name,
			         what[w]);
			headline(fig, both, pa + pb - both, true, 1.0);
		}
	}
	return 0;
}

/* -------------------------------------------------------------- main */

static void usage(void)
{
	fprintf(stderr,
	        "usage: evalreal prepare DATA CACHE SPIN\n"
	        "       evalreal [--summary FILE] [--copies-only] planted DATA PLANTED_TSV "
	        "SCAN\n"
	        "       evalreal [--summary FILE] labels CORPUS LABELS_TSV SCAN\n"
	        "       evalreal [--summary FILE] ecb ECB_JSONL SCAN\n"
	        "       evalreal [--summary FILE] pan PAN_DIR SCAN\n"
	        "       evalreal [--summary FILE] syndicated SYNDICATED_TSV SCAN\n"
	        "       evalreal [--summary FILE] agree NAME SCAN ADD [SCAN_STORIES "
	        "INDEX_STORIES]\n"
	        "       evalreal summary FILE\n");
	exit(2);
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "--summary") == 0) {
		summary = fopen(argv[2], "a");
		if (!summary)
			die("%s: %s", argv[2], strerror(errno));
		argv += 2;
		argc -= 2;
	}
	if (argc >= 2 && strcmp(argv[1], "--copies-only") == 0) {
		copies_only = true;
		argv++;
		argc--;
	}
	if (argc < 2)
		usage();
	const char *cmd = argv[1];
	int rc;
	if (!strcmp(cmd, "prepare") && argc == 5)
		rc = cmd_prepare(argv[2], argv[3], argv[4]);
	else if (!strcmp(cmd, "planted") && argc == 5)
		rc = cmd_planted(argv[2], argv[3], argv[4]);
	else if (!strcmp(cmd, "labels") && argc == 5)
		rc = cmd_labels(argv[2], argv[3], argv[4]);
	else if (!strcmp(cmd, "ecb") && argc == 4)
		rc = cmd_ecb(argv[2], argv[3]);
	else if (!strcmp(cmd, "pan") && argc == 4)
		rc = cmd_pan(argv[2], argv[3]);
	else if (!strcmp(cmd, "syndicated") && argc == 4)
		rc = cmd_syndicated(argv[2], argv[3]);
	else if (!strcmp(cmd, "agree") && (argc == 5 || argc == 7))
		rc = cmd_agree(argv[2], argv[3], argv[4], argc == 7 ? argv[5] : NULL,
		               argc == 7 ? argv[6] : NULL);
	else if (!strcmp(cmd, "summary") && argc == 3)
		rc = cmd_summary(argv[2]);
	else
		usage();
	if (summary && fclose(summary))
		die("write error");
	return rc;
}
