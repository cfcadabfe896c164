/*
 * internal.h — declarations shared by the files of lib/, never installed.
 *
 * Symbols here are non-static but hidden from the shared library
 * (-fvisibility=hidden); their names start with doppel__. Unit tests link
 * the static library and may call them.
 */
#ifndef DOPPEL_INTERNAL_H
#define DOPPEL_INTERNAL_H

#include "doppel.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DOPPEL__ERRLEN 512

#if defined(__GNUC__)
#define DOPPEL__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define DOPPEL__PRINTF(f, a)
#endif

/* ------------------------------------------------------------ util.c */

/* snprintf into an error buffer of DOPPEL__ERRLEN bytes. */
void doppel__errf(char *buf, const char *fmt, ...) DOPPEL__PRINTF(2, 3);

/* malloc-family wrappers that check size arithmetic; NULL on failure. */
void *doppel__alloc_array(size_t n, size_t size);
void *doppel__realloc_array(void *p, size_t n, size_t size);
/* Gives the array at *(T **)p, n of its *cap elements of size bytes used,
 * back all but 16 elements of room when it holds more than twice that
 * (kept as it is when realloc fails). */
void doppel__shrink(void *p, size_t n, size_t *cap, size_t size);
char *doppel__strdup(const char *s); /* NULL stays NULL */
char *doppel__strndup(const char *s, size_t n);

/* Grows *p (an array of *cap elements of size) to hold at least need. */
int doppel__grow(void **p, size_t *cap, size_t need, size_t size);

/* Number of online cores, at least 1. */
unsigned doppel__ncores(void);

/* Monotonic wall clock in seconds. */
double doppel__now(void);

/*
 * Runs fn(ctx, i) for i in [0, n) on up to nthreads threads (the calling
 * thread is one of them) and returns when all are done. Items are handed
 * out in order in chunks; fn must only write state owned by item i.
 */
typedef void (*doppel__task_fn)(void *ctx, size_t i, unsigned worker);
void doppel__parallel_for(unsigned nthreads, size_t n, doppel__task_fn fn, void *ctx);

/* A hint that the memory at p is read soon. A macro: GCC drops the call
 * of a function that does nothing but prefetch, as a call without effect. */
#if defined(__GNUC__)
#define DOPPEL__PREFETCH(p) __builtin_prefetch(p)
#else
#define DOPPEL__PREFETCH(p) ((void)0)
#endif

/* The length of n bytes of s without their trailing spaces, tabs and
 * carriage returns (a line as it ends, CRLF or not). */
static inline size_t doppel__trim_end(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\r' || s[n - 1] == '\t'))
		n--;
	return n;
}

/* 64-bit and 32-bit finalizers (MurmurHash3's fmix, public domain
 * constants) used to spread hash bits. */
static inline uint64_t doppel__mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	x *= UINT64_C(0xc4ceb9fe1a85ec53);
	x ^= x >> 33;
	return x;
}

/* Stored integers are little-endian whatever the host: the low `bytes`
 * bytes of v into p, and back. */
static inline void doppel__put_le(uint8_t *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t doppel__get_le(const uint8_t *p, int bytes)
{
	uint64_t v = 0;
	for (int i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static inline uint32_t doppel__mix32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x85ebca6bU;
	x ^= x >> 13;
	x *= 0xc2b2ae35U;
	x ^= x >> 16;
	return x;
}

/*
 * Hash tables that grow without a pause. A table of open addressing
 * (linear probing, at most three quarters full) is cut into DOPPEL__SHARDS
 * shards by the top bits of its keys' hashes, a key's home in its shard
 * given by the low bits, and each shard doubles on its own when it is
 * three quarters full. A doubling moves one shard's keys, where a single
 * table moved all of them at once: at 100,000 stored articles, 0.2 to 0.4
 * s for each of the largest tables, spent inside the one request that
 * made it grow. The keys are spread evenly, so the shards fill alike and
 * their doublings to one size come over thousands of articles.
 */
#define DOPPEL__SHARD_BITS 10
#define DOPPEL__SHARDS (1u << DOPPEL__SHARD_BITS)

typedef struct doppel__shard {
	void *slot;    /* mask + 1 slots; NULL before its first key */
	uint32_t mask; /* slots - 1 */
	uint32_t used;
} doppel__shard;

/* The shard of a 64-bit and of a 32-bit hash. */
static inline size_t doppel__shard64(uint64_t h)
{
	return (size_t)(h >> (64 - DOPPEL__SHARD_BITS));
}
static inline size_t doppel__shard32(uint32_t h)
{
	return (size_t)(h >> (32 - DOPPEL__SHARD_BITS));
}

/* Whether a slot holds a key, and then its key's hash (*h). A free slot
 * is all zero bytes, and a slot that holds a key never is. */
typedef bool (*doppel__slot_hash_fn)(const void *slot, uint64_t *h);

/* Room in shard s (slots of size bytes) for want keys in all, at a load
 * of at most three quarters: a shard without slots gets its first ones, a
 * full one doubles, its keys placed again by the low bits of their hashes.
 * DOPPEL_E_NOMEM (s unchanged) when out of memory. */
int doppel__shard_reserve_n(doppel__shard *s, size_t size, doppel__slot_hash_fn hash,
                            size_t want);
/* Room in shard s for one more key, as doppel__shard_reserve_n(); the
 * test of every insertion, inline. */
static inline int doppel__shard_reserve(doppel__shard *s, size_t size,
                                        doppel__slot_hash_fn hash)
{
	if (s->slot && ((size_t)s->used + 1) * 4 <= ((size_t)s->mask + 1) * 3)
		return DOPPEL_OK;
	return doppel__shard_reserve_n(s, size, hash, (size_t)s->used + 1);
}
/* Frees the slots of the n shards at s and zeroes them. */
void doppel__shards_clear(doppel__shard *s, size_t n);
/* The slots of the n shards at s, used or not (for accounting). */
size_t doppel__shards_slots(const doppel__shard *s, size_t n);

/*
 * A map from strings to uint32 values. Keys are borrowed: the owner keeps
 * each key alive while it is in the map.
 */
typedef struct doppel__strmap {
	doppel__shard *shard; /* DOPPEL__SHARDS of them, NULL while empty */
	size_t used;
} doppel__strmap;

struct doppel__strslot {
	const char *key; /* NULL: free */
	uint32_t val;
};

/* Inserts key, or gives an existing key (the same string) a new value and
 * this key pointer. */
int doppel__strmap_put(doppel__strmap *m, const char *key, uint32_t val);
bool doppel__strmap_get(const doppel__strmap *m, const char *key, uint32_t *val);
void doppel__strmap_free(doppel__strmap *m);

/* qsort comparisons of uint64_t and uint32_t values. */
int doppel__cmp_u64(const void *a, const void *b);
int doppel__cmp_u32(const void *a, const void *b);

/* Sorts n values in place, least significant byte first (at most four
 * passes: a few hundred values, for which qsort's calls cost more; a few
 * by insertion), with *scratch (capacity *cap, grown; the caller's). */
int doppel__sort_u32(uint32_t *v, size_t n, uint32_t **scratch, size_t *cap);
/* The same with tmp, room for n values, as the scratch. */
void doppel__sort_u32_with(uint32_t *v, size_t n, uint32_t *tmp);

/* Keeps each value of the sorted v[0..n) once, in place; how many. */
size_t doppel__unique_u32(uint32_t *v, size_t n);

/* xxh3 64-bit of a buffer with a seed. */
uint64_t doppel__hash(const void *p, size_t n, uint64_t seed);

/* ------------------------------------------------------------ utf8.c */

/*
 * Validates UTF-8 (RFC 3629: no overlongs, no surrogates, nothing above
 * U+10FFFF) and rejects NUL bytes. Returns true when valid; otherwise false
 * and the offset of the first bad byte in *bad.
 */
bool doppel__utf8_valid(const char *s, size_t n, size_t *bad);

/*
 * Writes a repaired copy of s into out (capacity at least 3 * n + 1 bytes):
 * invalid sequences become U+FFFD, NUL bytes are dropped. Returns the
 * length written; out is NUL-terminated.
 */
size_t doppel__utf8_repair(const char *s, size_t n, char *out);

/*
 * Writes the UTF-8 of n bytes of Windows-1252 into out (capacity at least
 * 3 * n + 1 bytes), as the WHATWG Encoding Standard decodes it: the five
 * bytes Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) become
 * the C1 controls of the same value, and a NUL byte becomes a space. Returns
 * the length written; out is NUL-terminated.
 */
size_t doppel__cp1252_to_utf8(const char *s, size_t n, char *out);

/* Replaces every NUL byte of s by a space, in place; returns how many. */
size_t doppel__nul_to_space(char *s, size_t n);

/* Length of a UTF-8 byte order mark at the start of s (3), else 0. */
size_t doppel__bom_len(const char *s, size_t n);

/* ------------------------------------------------------------ date.c */

/* What states the date found in a text, strongest first. */
enum {
	DOPPEL__DATE_NONE = 0,
	DOPPEL__DATE_LOOSE,     /* "5 Mar 2024", "March 5, 2024", "2024-03-05" on a
	                           line of at most 100 bytes that does not end a
	                           sentence (a byline, a date line) */
	DOPPEL__DATE_DATELINE,  /* "GENEVA, March 5 (Reuters) -" */
	DOPPEL__DATE_UPDATE,    /* "Update: 2024-03-07 09:12 GMT", "Updated …" */
	DOPPEL__DATE_STAMP,     /* "2024-03-05T09:12:00Z", "2024-03-05 09:12" */
	DOPPEL__DATE_PUBLISHED, /* "Published March 5, 2024", "Published: …" */
	DOPPEL__DATE_MARKER     /* "date 2024-03-05" leading a line */
};

/*
 * The date a text states in its head (its first 4 non-blank lines, within
 * its first 1,000 bytes), for an article whose metadata has none: of the
 * dates found there, the strongest kind wins, and the first of that kind.
 * A dateline without a year takes the year, of the one before, the same
 * and the one after, that puts it nearest the strongest other date found,
 * else the first date with a year anywhere in the text; with none, it
 * dates nothing. Returns the kind (DOPPEL__DATE_NONE: *days unchanged).
 */
int doppel__text_date(const char *text, size_t len, int32_t *days);

/* ----------------------------------------------------------- jsonl.cpp */

/* Bytes readable after the end of a line given to doppel__json_parse(),
 * whatever they hold (simdjson reads whole blocks). */
#define DOPPEL__JSON_PADDING 64

/* What a JSON object holds under one field name. */
enum {
	DOPPEL__JSON_MISSING = 0,
	DOPPEL__JSON_NULL,
	DOPPEL__JSON_STRING,
	DOPPEL__JSON_INTEGER, /* fits in int64_t */
	DOPPEL__JSON_OTHER    /* another type: a number with a fraction, … */
};

typedef struct doppel__json_field {
	int kind;
	const char *str; /* DOPPEL__JSON_STRING: UTF-8, NUL-terminated, with
	                    U+0000 read as a space; borrowed, valid until the
	                    next parse */
	size_t len;
	int64_t num; /* DOPPEL__JSON_INTEGER */
} doppel__json_field;

/* A JSON Lines parser (simdjson On-Demand) and its buffers, reused from
 * line to line by one thread. Caller owns; release with
 * doppel__json_free(). NULL when out of memory. */
typedef struct doppel__json doppel__json;
doppel__json *doppel__json_new(void);
void doppel__json_free(doppel__json *j);

/*
 * Parses one record: len bytes at line, followed by DOPPEL__JSON_PADDING
 * readable bytes. Fills out[i] with the value of the field called names[i]
 * (i < n; the last one when a key repeats). Every value is checked, wanted
 * or not. DOPPEL_OK; DOPPEL_E_UTF8 when the line is not valid UTF-8 (out is
 * then empty); DOPPEL_E_JSON when it is not JSON or not an object, with
 * the reason in msg ("broken JSON at byte 18: unexpected character");
 * DOPPEL_E_NOMEM.
 */
int doppel__json_parse(doppel__json *j, const char *line, size_t len, const char *const *names,
                       size_t n, doppel__json_field *out, char *msg, size_t msglen);

/* --------------------------------------------------------- normalize.c */

/*
 * Per-source counts of normalized line hashes, for boilerplate lines that
 * many articles of one source share. A count-min sketch of fixed size
 * (DOPPEL__LC_ROWS x DOPPEL__LC_COLS saturating 16-bit counters), so that
 * its memory and its stored size do not grow with the corpus.
 */
#define DOPPEL__LC_ROWS 4
#define DOPPEL__LC_COLS 65536
typedef struct doppel__linecount {
	uint16_t c[DOPPEL__LC_ROWS][DOPPEL__LC_COLS];
} doppel__linecount;

void doppel__linecount_add(doppel__linecount *lc, uint64_t key);
unsigned doppel__linecount_get(const doppel__linecount *lc, uint64_t key);

/*
 * The lines of one article dropped as repeated boilerplate: the keys of
 * its lines that earlier articles of its source had at least
 * boilerplate_min times, decided once, when the article comes in its
 * order, so that its text gives the same content whenever it is read
 * again. Keys sorted, borrowed. NULL: no line is dropped as repeated.
 */
typedef struct doppel__repeated {
	const uint64_t *key;
	size_t n;
} doppel__repeated;

bool doppel__repeated_has(const doppel__repeated *rep, uint64_t key);

/* Keeps, of the n line keys in lines, those lc counts at least min times,
 * sorted and without repeats, at the start of lines; returns how many. */
size_t doppel__repeated_pick(const doppel__linecount *lc, unsigned min, uint64_t *lines,
                             size_t n);

/*
 * The content of one article after normalization: 64-bit hashes of its
 * content tokens in order (boilerplate lines removed), the hashes of its
 * candidate boilerplate lines, and a fingerprint of the whole token stream.
 */
typedef struct doppel__tokens {
	uint64_t *hash; /* token hashes */
	size_t n, cap;
	uint64_t *lines; /* keys of short lines (source hash ^ line hash) */
	size_t nlines, linescap;
	uint64_t fingerprint; /* hash of the token stream; 0 when empty */
	unsigned boilerplate; /* DOPPEL__BOILER_* kinds dropped from the text */
	uint64_t seed;        /* of the token hashes */
	char *buf;            /* scratch for case folding */
	size_t bufcap;
	uint64_t *fig; /* the tokens that hold an ASCII digit and the months'
	                  names, in text order (repeats kept): the low 32 bits
	                  of the hash, the token's position, a month's flag
	                  (normalize.c) */
	size_t nfig, figcap;
} doppel__tokens;

/* Kinds of boilerplate a text carried; a derived copy often has some that
 * its source lacks. */
#define DOPPEL__BOILER_STAMP 0x1    /* "Update: 2024-03-07 09:12 GMT" */
#define DOPPEL__BOILER_APPEAL 0x2   /* donation, subscription, share prompts */
#define DOPPEL__BOILER_TRAILER 0x4  /* "Similar News" and what follows */
#define DOPPEL__BOILER_REPEATED 0x8 /* a line many articles of the source share */

/*
 * Calls fn for every content line of text: the lines that are left after
 * the boilerplate rules of doppel__normalize(). When want_lowered is set,
 * low is the line's lowered form (ASCII letters lowered, words one space
 * apart) and ascii says whether the line is pure ASCII (then low's words
 * are its tokens); otherwise low is NULL, and a long line is not lowered
 * at all. Keys of candidate boilerplate lines go to t->lines (t may be
 * NULL); the kinds dropped to *seen.
 */
typedef int (*doppel__line_fn)(void *ctx, const char *line, size_t n, const char *low,
                               size_t lowlen, bool ascii);
int doppel__content_lines(const char *text, size_t len, uint64_t source_key,
                          const doppel__repeated *rep, uint64_t seed, doppel__tokens *t,
                          unsigned *seen, bool want_lowered, doppel__line_fn fn, void *ctx);

/* What words are made of (doppel__is_word_cp) is in text/wordchar.h. */

/*
 * NFKC + case fold of n bytes of valid UTF-8 (default-ignorable characters
 * dropped) through utf8proc, the one folding every stage uses. On success
 * *out is the caller's (release with free()) and the return is its length;
 * otherwise DOPPEL_E_NOMEM or DOPPEL_E_UTF8.
 */
long doppel__fold(const char *s, size_t n, unsigned char **out);
/* The tokens of one line of text (n bytes) appended to t, hashed with
 * seed, as doppel__normalize() makes them of a line with other than ASCII:
 * NFKC and case folding by utf8proc, words runs of letters, marks and
 * digits, an apostrophe inside a word joining its halves. */
int doppel__tokens_unicode(const char *s, size_t n, uint64_t seed, doppel__tokens *t);

void doppel__tokens_free(doppel__tokens *t);

/* Key of a source for line counts (0 for an unknown source). */
uint64_t doppel__source_key(const char *source, uint64_t seed);

/*
 * Normalizes text (valid UTF-8) into t: lines matching the built-in
 * boilerplate patterns are dropped (update stamps, donation and subscription
 * appeals, share prompts) and so is everything after a trailer heading
 * ("Similar News", "Related articles", …); lines whose key rep holds
 * (when rep is not NULL) are dropped too. Remaining
 * text is NFKC case-folded (utf8proc; ASCII lines take a fast path),
 * split into tokens of letters and digits (apostrophes inside a word are
 * dropped, so quotes, dashes and spaces of every kind separate tokens) and
 * each token is hashed once with seed. The tokens that hold a digit and
 * the months are noted in t->fig as well: the figures of the text
 * (doppel__numbers).
 */
int doppel__normalize(const char *text, size_t len, uint64_t source_key,
                      const doppel__repeated *rep, uint64_t seed, doppel__tokens *t);

/*
 * The figures of a normalized text: the distinct tokens of t that hold a
 * digit, and the months named next to one ("April 1", "1 April 1987";
 * "may" is a verb too) (t->fig), sorted, into *out (capacity *cap, grown with
 * doppel__grow; the caller owns it). Returns how many, or (size_t)-1 when
 * out of memory. A token is a run of letters and digits, so "1.5 pct"
 * gives 1 and 5, "$2,500" 2 and 500: two reports from one template
 * (a dividend, a money-market operation) differ here, a copy keeps the
 * figures of its source as written. Only the tokens the sketch hashed
 * count: a figure of an update stamp or a repeated line does not.
 */
size_t doppel__numbers(const doppel__tokens *t, uint32_t **out, size_t *cap);

/*
 * Only the keys of the candidate boilerplate lines of text (into t->lines),
 * as doppel__normalize computes them, without tokenizing: the cheap first
 * pass that counts repeated lines.
 */
int doppel__line_keys(const char *text, size_t len, uint64_t source_key, uint64_t seed,
                      doppel__tokens *t);
/* The same, each line lowered a byte at a time rather than sixteen at a
 * time (the unit tests hold the two alike). */
int doppel__line_keys_bytewise(const char *text, size_t len, uint64_t source_key, uint64_t seed,
                               doppel__tokens *t);

/* Version of the normalization rules; part of the stored parameters. */
#define DOPPEL__NORMALIZE_VERSION 1

/* ------------------------------------------------------------ sketch.c */

/*
 * The signature of one article: k 16-bit slots of a one-permutation MinHash
 * (Li, Owen, Zhang, "One Permutation Hashing", NIPS 2012) over the set of
 * word shingles, densified so that no slot is empty (Shrivastava, "Optimal
 * Densification for Fast and Accurate Minwise Hashing", ICML 2017). Each
 * slot keeps 16 bits of its minimum (b-bit minwise hashing: Li and König,
 * "b-Bit Minwise Hashing", WWW 2010): two different minima agree by chance
 * with probability 2^-16, which is below the estimator's noise.
 */
typedef struct doppel__sketch {
	uint64_t fingerprint; /* exact-duplicate fingerprint; 0 = no content */
	uint32_t shingles;    /* distinct shingles */
	uint32_t words;       /* content tokens */
	uint16_t *sig;        /* k slots, owned by whoever made the sketch */
	const uint32_t *fig;  /* its figures (doppel__numbers), sorted, unique; */
	uint32_t nfig;        /* owned by whoever made the sketch */
	const uint32_t *ckey; /* its containment fingerprints of tokens */
	uint32_t nckey;       /* (doppel__sketch_keys): the same */
} doppel__sketch;

/* Scratch space reused across calls by one thread. */
typedef struct doppel__sketcher {
	unsigned k, shingle;
	uint64_t seed;
	uint32_t *mins; /* k minima */
	uint64_t *set;  /* open-addressing set of shingle hashes */
	size_t setcap;
	uint32_t *gh; /* the last text's shingle hashes, in order (32 bits) */
	size_t ngh, ghcap;
	uint32_t *keys, *sortbuf; /* doppel__sketch_keys()'s scratch */
	size_t keyscap, sortcap;
} doppel__sketcher;

int doppel__sketcher_init(doppel__sketcher *s, unsigned k, unsigned shingle, uint64_t seed);
void doppel__sketcher_free(doppel__sketcher *s);

/* Fills out (out->sig must hold k slots) from the tokens t. */
int doppel__sketch_tokens(doppel__sketcher *s, const doppel__tokens *t, doppel__sketch *out);

/*
 * The containment of the smaller of two sets of na and nb shingles that a
 * signature of k slots estimating their Jaccard at `jaccard` vouches for:
 * the containment at one standard error (sqrt(J (1 - J) / k), as for k
 * independent minima) below the estimate. A short text beside a long one
 * has a Jaccard of a few slots in 128, and its containment, read from it,
 * swings by a third either way: its point estimate of 0.52 is as likely
 * 0.4. What decides a copy; the point estimate is what is reported. On the
 * Reuters development corpus with planted copies, deciding copies by it
 * took the wrong duplicate and copy edges from 63 to 31 and no planted
 * copy from its original (some spun copies, called copies at 0.51-0.54,
 * are rewrites, which they are).
 */
double doppel__containment_low(double jaccard, uint32_t na, uint32_t nb, unsigned k);

/* Estimated Jaccard and containment of two signatures of k slots. */
void doppel__compare(const uint16_t *a, uint32_t na, const uint16_t *b, uint32_t nb, unsigned k,
                     double *jaccard, double *containment);

/* ------------------------------------------------------------ lsh.c */

/*
 * Banded LSH tables over signatures: for each band a hash map from the
 * band's key to the list of article numbers (uint32) in that bucket,
 * newest first.
 */
typedef struct doppel__lsh doppel__lsh;

doppel__lsh *doppel__lsh_new(unsigned k, unsigned bands, unsigned rows);
void doppel__lsh_free(doppel__lsh *l);

/* Band keys of one signature into keys[bands]. */
void doppel__lsh_keys(const doppel__lsh *l, const uint16_t *sig, uint64_t *keys);

/* Inserts article number id with its band keys. */
int doppel__lsh_insert(doppel__lsh *l, uint32_t id, const uint64_t *keys);

/*
 * Calls fn(ctx, other) for the members of every bucket that keys fall in,
 * at most max_bucket per bucket, newest first. The same article may come
 * from several bands; the caller removes repeats. Read-only: several
 * threads may query at once while nobody inserts.
 */
typedef void (*doppel__lsh_fn)(void *ctx, uint32_t other);
void doppel__lsh_query(const doppel__lsh *l, const uint64_t *keys, unsigned max_bucket,
                       doppel__lsh_fn fn, void *ctx);

/* ------------------------------------------------------------ classify.c */

/* Duplicate, copy, excerpt and rewrite: one article derives from the
 * other. */
static inline bool doppel__is_derivation(doppel_relation r)
{
	return r == DOPPEL_REL_DUPLICATE || r == DOPPEL_REL_COPY || r == DOPPEL_REL_EXCERPT ||
	       r == DOPPEL_REL_REWRITE;
}

/* True when relation a is stronger than b (doppel_relation_rank()); for
 * relations other than none. */
bool doppel__stronger(doppel_relation a, doppel_relation b);

/* Relation of two compared articles under params p. */
doppel_relation doppel__classify(const doppel_params *p, double jaccard, double containment,
                                 bool same_fingerprint);

/* Direction of a relation seen from a (dated da) towards b (dated db). */
doppel_direction doppel__direction(int32_t da, int32_t db);

/* Orders matches strongest first: relation, then containment, Jaccard, id. */
int doppel__match_cmp(const void *a, const void *b);

/* ------------------------------------------------------------ cluster.c */

/* Union-find over n elements with path halving and union by size. */
typedef struct doppel__uf {
	uint32_t *parent;
	uint32_t *size;
	size_t n;
} doppel__uf;

int doppel__uf_init(doppel__uf *u, size_t n);
void doppel__uf_free(doppel__uf *u);
uint32_t doppel__uf_find(doppel__uf *u, uint32_t x);
void doppel__uf_union(doppel__uf *u, uint32_t a, uint32_t b);

/* ---------------------------------------------------------- wordnet.c */

/*
 * WordNet synonym data (Princeton WordNet 3.0 as Debian's wordnet-base
 * installs it under /usr/share/wordnet), read once and shared read-only by
 * every thread.
 */
typedef struct doppel__wordnet doppel__wordnet;

/* Directory of the data files when none is given. */
#define DOPPEL__WORDNET_DIR "/usr/share/wordnet"

/* Loads index.* , data.* and *.exc of dir (NULL: DOPPEL__WORDNET_DIR).
 * DOPPEL_E_NOTFOUND with a message in err (DOPPEL__ERRLEN) when absent. */
int doppel__wordnet_load(const char *dir, doppel__wordnet **out, char *err);
/* Loads only its words and their forms (index.* and *.exc): enough for
 * doppel__wordnet_lemmas(), which tells a word a dictionary knows; no
 * synsets (doppel__wordnet_synsets() gives none), no synonym classes. */
int doppel__wordnet_load_words(const char *dir, doppel__wordnet **out, char *err);
void doppel__wordnet_free(doppel__wordnet *wn);

/*
 * The base forms of a lowercase word (ASCII letters, '-' or '_' inside)
 * after WordNet's morphology ("morphy": exception lists, then detachment
 * rules per part of speech), each a lemma present in WordNet. Writes up to
 * max lemma numbers into out and returns how many there are.
 */
size_t doppel__wordnet_lemmas(const doppel__wordnet *wn, const char *word, size_t len,
                              uint32_t *out, size_t max);

/* True when lemma (doppel__wordnet_lemmas()'s) is the proper name of a
 * place: a noun only, its first sense spelled with a capital, one of its
 * senses so spelled a location (Geneva, Jordan, Algeria; not Reagan, nor
 * Lloyd). Known only to a WordNet loaded whole (doppel__wordnet_load). */
bool doppel__wordnet_place(const doppel__wordnet *wn, uint32_t lemma);

/* Synset numbers of a lemma, most frequent sense first (index.* order),
 * all parts of speech. Returns the count; writes up to max. */
size_t doppel__wordnet_synsets(const doppel__wordnet *wn, uint32_t lemma, uint32_t *out,
                               size_t max);

/* The lemmas of a synset (borrowed strings, '_' between words). */
size_t doppel__wordnet_members(const doppel__wordnet *wn, uint32_t synset, const char **out,
                               size_t max);

/*
 * The synonym class of a lowercase surface word: a number shared by the
 * word and the synonyms a thesaurus-driven spinner would put in its place,
 * small enough that unrelated words rarely share one. 0 when the word is
 * not in WordNet (names, numbers, most function words): such words are
 * "immutable" for spinners (Zhang, Wang, Voelker, "DSpin: Detecting
 * Automatically Spun Content on the Web", NDSS 2014).
 */
uint32_t doppel__wordnet_class(const doppel__wordnet *wn, const char *word, size_t len);
/* The synonym class (as doppel__wordnet_class gives it) of lemma number
 * lemma (doppel__wordnet_lemmas); 0 for none. */
uint32_t doppel__wordnet_lemma_class(const doppel__wordnet *wn, uint32_t lemma);

/* True when two surface words share a synset (after morphology). */
bool doppel__wordnet_related(const doppel__wordnet *wn, const char *a, size_t alen,
                             const char *b, size_t blen);

/* ---------------------------------------------------------- segment.c */

/* One content word of an article. */
typedef struct doppel__ftok {
	uint32_t stem; /* hash of the Snowball stem of the folded word */
	uint32_t key;  /* what alignment compares: the synonym class, or the
	                   stem when the word has none */
} doppel__ftok;

/* A sentence: its content words and where it stands in the text. */
typedef struct doppel__sent {
	uint32_t tok, ntok;  /* into doppel__features.tok */
	uint32_t start, len; /* bytes of the text */
} doppel__sent;

/* Anchor kinds, kept in the top bits of an anchor hash. */
#define DOPPEL__ANCHOR_NAME 1u   /* a capitalized name, one word of it */
#define DOPPEL__ANCHOR_NUMBER 2u /* a number as written, separators dropped */
/* four consecutive content words inside quotes, or all of a quote of two
 * or three */
#define DOPPEL__ANCHOR_QUOTE 3u
#define DOPPEL__ANCHOR_DATE 4u /* a month and a day */
#define DOPPEL__ANCHOR_KIND(h) ((unsigned)((h) >> 61))
/* Not an anchor: the kind under which the rarity counts count a word of
 * headlines (doppel__headline_key). */
#define DOPPEL__HEADLINE_WORD 5u

/* What segmentation finds in an article. */
typedef struct doppel__features {
	doppel__sent *sent;
	size_t nsent, sentcap;
	doppel__ftok *tok;
	size_t ntok, tokcap;
	uint64_t *anchor; /* sorted, unique */
	size_t nanchor, anchorcap;
	unsigned boilerplate; /* DOPPEL__BOILER_* kinds the text carried */
	/* Where each anchor was first seen, when want_spans is set (explain):
	 * in the order found, not sorted. */
	bool want_spans;
	struct doppel__span {
		uint64_t anchor;
		uint32_t start, len;
	} * span;
	size_t nspan, spancap;
	/* The template slots of its facts, packed (doppel__slots_pack), when
	 * the index extracted them with the segmentation; segmentation
	 * alone leaves them as they are. */
	uint64_t *fslot;
	size_t nfslot, fslotcap;
	/* The figures of its text (doppel__numbers), what its sketch's num
	 * points to: made with the sketch, whatever else is. */
	uint32_t *fig;
	size_t nfig, figcap;
	/* Its containment fingerprints of tokens (doppel__sketch_keys), what
	 * its sketch's ckey points to. */
	uint32_t *ckey;
	size_t nckey, ckeycap;
	/* The low 32 bits of its tokens' hashes, in the text's order, made
	 * with the sketch by an index that looks for copies alone, for the
	 * headline rule (titles_apart in index.c). */
	uint32_t *body;
	size_t nbody, bodycap;
} doppel__features;

void doppel__features_free(doppel__features *f);

/* The per-thread state of segmentation: a Snowball stemmer (not thread
 * safe) and a cache of what each distinct word gives. */
typedef struct doppel__segmenter doppel__segmenter;

/* wn may be NULL: then no synonym classes (every key is the stem). */
doppel__segmenter *doppel__segmenter_new(const doppel__wordnet *wn, uint64_t seed);
/* The word lists a folded word of n bytes is in, one bit a list (at most
 * 16), which the segmenter keeps with each word it caches and hands to
 * its watcher (doppel__word.lists); facts.c gives doppel__facts_lists. */
typedef unsigned (*doppel__lists_fn)(const char *w, size_t n);
/* Sets sg's lists function (NULL: none, every word's lists 0); the cache
 * starts again when it changes. */
void doppel__segmenter_lists(doppel__segmenter *sg, doppel__lists_fn fn);
void doppel__segmenter_free(doppel__segmenter *sg);
/* Distinct words in sg's cache, which grows with the vocabulary seen. */
size_t doppel__segmenter_words(const doppel__segmenter *sg);
/* The stem of folded word w (len bytes), as segmentation keys it
 * (doppel__stem_key() of it is its rarity key); 0 when out of memory. */
uint32_t doppel__segmenter_stem(doppel__segmenter *sg, const char *w, size_t len);

/*
 * Segments the content lines of text (the same boilerplate rules as
 * doppel__normalize) into sentences of content words (stop words left
 * out) and collects the anchors: names, numbers, quotes and dates.
 */
int doppel__segment(doppel__segmenter *sg, const char *text, size_t len, uint64_t source_key,
                    const doppel__repeated *rep, doppel__features *f);

/* ----------------------------------------------------------- lexicon.c */

/* strcmp of the n bytes of w with the string s. */
int doppel__word_cmp(const char *w, size_t n, const char *s);
/* Whether the n bytes of w are a word of list (count words, sorted by
 * doppel__word_cmp), found by halving. */
bool doppel__word_in(const char *const *list, size_t count, const char *w, size_t n);

/* True for an English function word (lowercase ASCII). */
bool doppel__stopword(const char *w, size_t n);
/* 1..12 for a month name (lowercase ASCII), else 0. */
unsigned doppel__month_of(const char *w, size_t n);
/* True for a weekday name (lowercase ASCII). */
bool doppel__weekday(const char *w, size_t n);
/* True for a lowercase abbreviation after which a full stop ends no
 * sentence ("mr", "inc", "jan"). */
bool doppel__abbreviation(const char *w, size_t n);
/* True for a lowercase article, preposition or conjunction that no
 * sentence ends with ("the", "of", "and"). */
bool doppel__dangling(const char *w, size_t n);

/* A word as segmentation sees it, shown to a watcher (facts.c) so that
 * it need not find the words, sentences and stems a second time. */
typedef struct doppel__word {
	uint32_t start, end; /* bytes of the text, a possessive 's left out */
	uint32_t next;       /* where the bytes after the word start (past 's) */
	uint32_t sent;       /* the sentence's number in doppel__features.sent
	                        once it is closed */
	uint32_t stem;       /* as doppel__ftok.stem */
	uint64_t h;          /* hash of the folded word (nonzero) */
	const char *fold;    /* folded, NUL-terminated; borrowed for the call */
	size_t flen;
	uint16_t flags; /* DOPPEL__W_* */
	uint8_t month;  /* 1..12 for a month's name, else 0 */
	uint16_t lists; /* doppel__facts_lists() of the folded word */
} doppel__word;

#define DOPPEL__W_UPPER 0x1 /* starts with a capital letter */
#define DOPPEL__W_DIGIT 0x2 /* holds a digit */
#define DOPPEL__W_STOP 0x4  /* a function word */
#define DOPPEL__W_DICT 0x8  /* WordNet knows it */
#define DOPPEL__W_WEEKDAY 0x10
#define DOPPEL__W_START 0x20  /* first word of its sentence */
#define DOPPEL__W_QUOTED 0x40 /* inside quotation marks */

typedef int (*doppel__word_fn)(void *ctx, const doppel__word *w);

/* doppel__segment(), calling fn (when not NULL) for every word, function
 * words included, in text order; a nonzero return stops and is passed on.
 * The features are the same as without fn. */
int doppel__segment_with(doppel__segmenter *sg, const char *text, size_t len,
                         uint64_t source_key, const doppel__repeated *rep, doppel__features *f,
                         doppel__word_fn fn, void *ctx);

/* ----------------------------------------------------------- relate.c */

/*
 * Document frequencies of stems and anchors in the articles seen, for
 * rarity weights: idf = ln((N + 1) / (df + 0.5)), blended with a flat
 * prior for small corpora so that five articles are enough.
 *
 * A slot keeps its key in two 32-bit halves, so that it takes 12 bytes,
 * not 16 (a 64-bit member would pad it): the table holds every stem and
 * anchor seen.
 */
struct doppel__rslot {
	uint32_t klo, khi; /* the key's low and high 32 bits; both 0: free */
	uint32_t df;
};

/* The key of slot s; 0 when it is free. */
static inline uint64_t doppel__rslot_key(const struct doppel__rslot *s)
{
	return (uint64_t)s->khi << 32 | s->klo;
}

typedef struct doppel__rarity {
	/* Of struct doppel__rslot: DOPPEL__SHARDS, or NULL while empty. */
	doppel__shard *shard;
	size_t used;
	uint32_t docs;
} doppel__rarity;

/* The counts are saved in 2^DOPPEL__RARITY_PART_BITS parts by key, one at
 * a time, so that no single write holds all of them. */
#define DOPPEL__RARITY_PART_BITS 10
#define DOPPEL__RARITY_PARTS (1u << DOPPEL__RARITY_PART_BITS)

/* Counts the distinct stems and anchors of one article. */
int doppel__rarity_add(doppel__rarity *r, const doppel__features *f);
/* Counts n keys once each (sorted, without repeats), as words of one
 * article, without counting an article more. */
int doppel__rarity_count(doppel__rarity *r, const uint64_t *keys, size_t n);
void doppel__rarity_free(doppel__rarity *r);
/* The counts of one part's keys as a little-endian blob: docs (4 bytes),
 * seq (8), then key (8) and df (4) pairs. Caller owns *blob (free). */
int doppel__rarity_save_part(const doppel__rarity *r, unsigned part, uint64_t seq,
                             uint8_t **blob, size_t *len);
/* Sets the counts a part's blob holds, and gives its seq and docs;
 * DOPPEL_E_FORMAT for a damaged blob. */
int doppel__rarity_load_part(doppel__rarity *r, const uint8_t *blob, size_t len, uint64_t *seq,
                             uint32_t *docs);
/* Makes room for this many keys at most three quarters full, spread over
 * the shards as keys spread (counting grows each shard as it fills).
 * Loading reserves first: the parts come in the order of their slots, and
 * a table that grows under them clusters. */
int doppel__rarity_reserve(doppel__rarity *r, size_t keys);
/* Calls fn for every key of r and its count, shard by shard. */
void doppel__rarity_each(const doppel__rarity *r,
                         void (*fn)(void *ctx, uint64_t key, uint32_t df), void *ctx);
/* Sets the counts of a whole-table blob (docs, then key and df pairs),
 * as databases kept them before the parts; a damaged blob sets none. */
int doppel__rarity_load(doppel__rarity *r, const uint8_t *blob, size_t len);
/* Articles a stem key or an anchor was counted in. */
uint32_t doppel__rarity_df(const doppel__rarity *r, uint64_t key);
/* Weight of a stem (kind 0) or an anchor hash. */
double doppel__rarity_weight(const doppel__rarity *r, uint64_t key);
/* The key under which the rarity counts count a headline subject (a word
 * of a headline as doppel__title_subjects hashes it): how many headlines
 * name it, apart from how many texts do. */
static inline uint64_t doppel__headline_key(uint64_t subject)
{
	return ((uint64_t)DOPPEL__HEADLINE_WORD << 61) | (subject & ((UINT64_C(1) << 61) - 1));
}

/* The key under which a stem is counted. */
static inline uint64_t doppel__stem_key(uint32_t stem)
{
	return (uint64_t)stem | (UINT64_C(1) << 40);
}

/* An article made ready for comparison: per sentence, its keys sorted with
 * their weights; its anchors with weights. */
typedef struct doppel__prepared {
	uint32_t *keys;   /* all sentences' keys, each sentence sorted */
	float *weights;   /* weight of each key */
	uint32_t *sstart; /* nsent + 1 offsets into keys */
	float *snorm;     /* per sentence: the square root of its weights' sum
	                        of squares */
	size_t nsent;
	uint32_t *tkeys; /* all keys of the article, sorted, for the topic */
	float *tweights;
	double tnorm;
	const uint64_t *anchor; /* borrowed from the features */
	float *aweight;
	size_t nanchor;
	double names_total, anchors_total;
	/* What the weights were made from (doppel__prepared_set_counts): the
	 * articles counted, then the document frequency behind each key's
	 * weight and each anchor's, varints; NULL once dropped. */
	uint8_t *counts;
	size_t ncounts;
} doppel__prepared;

int doppel__prepare(const doppel__features *f, const doppel__rarity *r, doppel__prepared *p);
void doppel__prepared_free(doppel__prepared *p);

/*
 * The weights a prepared article was given (of its keys, then of its
 * anchors; little-endian floats), as an index stores them when the
 * article is added: an article prepared again later from its stored text
 * takes them back, and so compares with the same figures as one kept
 * prepared in memory since, whatever the counts have become. _size is
 * the bytes _put writes into out. _set: DOPPEL_E_FORMAT when blob does
 * not fit p (another segmentation), DOPPEL_E_NOMEM.
 */
size_t doppel__prepared_weights_size(const doppel__prepared *p);
void doppel__prepared_weights_put(const doppel__prepared *p, uint8_t *out);
int doppel__prepared_set_weights(doppel__prepared *p, const uint8_t *blob, size_t len);
/*
 * The same weights from the counts they were made from (p->counts as
 * doppel__prepare() wrote them, ncounts bytes): each weight is the
 * function of the article count and the document frequency that made it,
 * so the floats come back bit for bit, in fewer bytes (a count under 128
 * takes one, under 16,384 two; a float four): a database in memory keeps
 * these. DOPPEL_E_FORMAT when blob does not fit p; DOPPEL_E_NOMEM.
 * _drop_counts frees them (a cached article keeps none).
 */
int doppel__prepared_set_counts(doppel__prepared *p, const uint8_t *blob, size_t len);
void doppel__prepared_drop_counts(doppel__prepared *p);

/* A pair of aligned sentences with its score. */
typedef struct doppel__pairing {
	uint32_t a, b;
	float score;
} doppel__pairing;

/* What comparing two prepared articles measures. */
typedef struct doppel__evidence {
	double aligned; /* share of the shorter article's sentences aligned */
	size_t naligned;
	double strength; /* mean cosine of the aligned sentence pairs */
	double anchors;  /* weighted share of anchors in common (of the smaller) */
	double names;    /* the same, names only */
	double topic;    /* weighted cosine of all content keys */
	/* What the two share that few articles have, when measured (the
	 * index does; -1 otherwise): the Jaccard of their rare words (the
	 * synonym-key view), and the names both state that at most
	 * DOPPEL__SPECIFIC_DF articles state. */
	double keys;
	int specific;
	/* Numbers and quotes both state that at most DOPPEL__SPECIFIC_DF
	 * articles state: the figures and words of one happening; -1 when not
	 * measured. */
	int figures;
} doppel__evidence;

/*
 * Compares a and b: anchors, names and topic, then, when the topic cosine
 * reaches min_topic, monotone sentence alignment (dynamic programming over
 * sentence pairs whose weighted cosine reaches min_sentence). When pairs
 * is not NULL the aligned pairs are written there (capacity
 * min(a.nsent, b.nsent)).
 */
int doppel__compare_prepared(const doppel__prepared *a, const doppel__prepared *b,
                             double min_sentence, double min_topic, doppel__evidence *ev,
                             doppel__pairing *pairs);

/* The relation that sentence and anchor evidence gives (rewrite,
 * same-event, same-story or none), for articles of nsent_a and nsent_b
 * sentences, apart days apart (0 when a date is unknown); only relations
 * in p->relations are given. (classify.c) */
doppel_relation doppel__classify_evidence(const doppel_params *p, const doppel__evidence *ev,
                                          size_t nsent_a, size_t nsent_b, uint32_t apart);

/* Days between two dates; 0 when either is unknown. (classify.c) */
uint32_t doppel__days_apart(int32_t a, int32_t b);

/* ------------------------------------------------------------ facts.c */

/*
 * The facts of an article a reader can check: whole names (a person with
 * the role written before or beside the name, an organisation, a place,
 * another name), numbers with their unit and the thing they count, dates
 * with the happening they date. Built from the words segmentation finds,
 * in one pass over them after the article is segmented.
 */
#define DOPPEL__FACT_PERSON 1
#define DOPPEL__FACT_ORG 2
#define DOPPEL__FACT_PLACE 3
#define DOPPEL__FACT_NAME 4 /* a name whose kind is not told */
#define DOPPEL__FACT_NUMBER 5
#define DOPPEL__FACT_DATE 6
#define DOPPEL__FACT_IS_NAME(k) ((k) >= DOPPEL__FACT_PERSON && (k) <= DOPPEL__FACT_NAME)

/* Byte offsets are into the article's text, end exclusive. A name is one
 * fact however often the article names it ("Ilse Varga", "Varga", "I.
 * Varga"); a number or a date is one fact per place it is written. */
typedef struct doppel__fact {
	uint8_t kind;           /* DOPPEL__FACT_* */
	uint8_t unit;           /* numbers: a unit of facts.c's table, 0: none */
	uint8_t flags;          /* DOPPEL__FACTF_* */
	uint16_t mentions;      /* names: times named */
	uint32_t start, end;    /* as first written in full (a person without
	                            the role) */
	uint32_t sstart, send;  /* its sentence */
	uint32_t rstart, rend;  /* a person's role or title; rstart == rend:
	                            none */
	uint32_t wstart, wend;  /* the thing a number counts, the happening a
	                            date dates; wstart == wend: none */
	uint32_t what;          /* the stem of that word; 0: none */
	uint32_t role;          /* hash of the folded role; 0: none */
	uint32_t name, nlen;    /* names: folded words one space apart, in
	                            doppel__facts.str */
	uint32_t given;         /* persons: bytes of name before the surname
	                            (0: the surname alone) */
	uint32_t acro, acrolen; /* names: the initials or the acronym defined
	                            in parentheses, in str */
	int32_t year;           /* dates: the year, 0 when not said */
	double lo, hi;          /* numbers: the value or range in units
	                            (scale applied); dates: month * 32 + day
	                            (day 0 to 31: the whole month), or minus the
	                            weekday (1 Monday .. 7), or
	                            DOPPEL__YEAR_BASE + the year for years alone */
} doppel__fact;

#define DOPPEL__FACTF_GENERIC                                                                  \
	0x1 /* counts days, years, times: too common
                                     a thing to set two counts against
                                     each other */
#define DOPPEL__YEAR_BASE 100000.0

/* A template slot of one article: the words around a name, number or date
 * (key) and what fills it (value). */
typedef struct doppel__slot {
	uint64_t key, value;
} doppel__slot;

typedef struct doppel__facts {
	doppel__fact *fact; /* names in order of first mention, then numbers
	                       and dates in text order */
	size_t nfact, factcap;
	char *str;
	size_t strlen, strcap;
	doppel__slot *slot; /* sorted by key, then value; repeats removed */
	size_t nslot, slotcap;
	struct doppel__fscratch *scratch; /* words of the last article */
} doppel__facts;

/*
 * Segments text as doppel__segment() does (the same features in *f) and
 * finds its facts into *out, whose memory is reused from call to call.
 * The segmenter's WordNet (when it has one) tells ordinary words from
 * names at the start of a sentence.
 */
int doppel__facts_extract(doppel__segmenter *sg, const char *text, size_t len,
                          uint64_t source_key, const doppel__repeated *rep, doppel__features *f,
                          doppel__facts *out);
void doppel__facts_free(doppel__facts *x);

/* The name of a fact kind ("person", "organisation", "place", "name",
 * "number", "date"); a unit as facts.c writes it ("%", "$", "km"), ""
 * for none. Static strings. */
const char *doppel__fact_kind_name(unsigned kind);
const char *doppel__fact_unit_name(unsigned unit);

/* How a fact of one article stands to the other's. */
#define DOPPEL__DIFFER_NONE 0
#define DOPPEL__DIFFER_SPELLING 1 /* one person or body, spelled two ways */
#define DOPPEL__DIFFER_NAME                                                                    \
	2                       /* the same surname with another given
                                     name, or one role held by another */
#define DOPPEL__DIFFER_NUMBER 3 /* another figure for the thing counted */
#define DOPPEL__DIFFER_DATE 4   /* another date for the happening */

/* A fact of a, of b, or one of each linked: a or b is -1 when only the
 * other article states it. */
typedef struct doppel__fact_link {
	int32_t a, b;
	unsigned differ; /* DOPPEL__DIFFER_*: how a linked pair differs */
} doppel__fact_link;

/*
 * Links the facts of two articles: names that
 * name one person or body (exactly; by surname with an initial or without
 * the given name; an acronym and its words; spelling variants), numbers
 * of one value, or one range that holds the other, dates that are the same
 * or overlap; then, as disagreements, the same surname or role with
 * another given name or person, another number for the same thing
 * counted (and unit), another date for the same happening. *out (caller
 * owns; free()) holds a's facts in a's order, each linked or alone, then
 * b's unlinked ones in b's order.
 */
int doppel__facts_compare(const doppel__facts *a, const doppel__facts *b,
                          doppel__fact_link **out, size_t *nout);

/* True when two folded words or names are one name spelled two ways:
 * equal once accents are stripped and a few letters transliterated
 * (ø o, æ ae, ß ss, ł l, …); else, with the same first letter, one edit
 * apart (Damerau: a letter added, dropped, changed or two swapped) when
 * the shorter has 4 letters or more, two apart from 8; or, for single
 * words, with one consonant skeleton (vowels after the first letter, and
 * h, dropped; z as s, q and c as k, w as v; a doubled letter once) of 3
 * letters, or of 2 when both words have 5 or more. A plural ("Green",
 * "Greens") is no variant. Tomasz/Tomas, Mohammed/Muhammad/Mohamed,
 * Ødegård/Odegaard, OCSE/OSCE. */
bool doppel__spelling_variant(const char *a, size_t na, const char *b, size_t nb);

/* True for a word of a role or title (lowercase ASCII): "minister",
 * "deputy", "envoy", "judge"… */
bool doppel__role_word(const char *w, size_t n);
/* The word lists of facts.c that the n bytes of w (folded) are in, one bit
 * a list: asked once for each word a segmenter caches. */
unsigned doppel__facts_lists(const char *w, size_t n);
/* The same by a binary search of each list (the unit tests hold the two
 * alike). */
unsigned doppel__facts_lists_searched(const char *w, size_t n);
/* Word i of all the lists and of the number words, in turn; NULL past the
 * last (for the unit tests). */
const char *doppel__facts_list_word(size_t i);

/* True when facts.c's word lists are sorted, as their lookup needs. */
bool doppel__facts_lists_sorted(void);

/*
 * How much the specific facts of two articles disagree where they fill
 * the same template slot. A slot is the place of a name, number or date
 * in the text: for a number its unit and the thing counted (or, when no
 * thing follows, the content word before it); for a date the happening;
 * for a name the two content words either side of it. slots counts the
 * slots both articles fill; of those, agree counts the ones they fill
 * with at least one equal value (name, number or range, date) and differ
 * the ones where every value differs. Two templated reports (a
 * money-market operation, an earnings line, a filing) fill the same slots
 * with other figures, names and dates: differ is high; a copy or rewrite
 * fills them alike; independent reports vary, as their figures do
 * (measured on tests/data/eval: doc/FORMAT.md).
 */
typedef struct doppel__conflict {
	unsigned slots, agree, differ;
	unsigned numbers, names, dates; /* of differ, by kind */
} doppel__conflict;

/*
 * Returns differ / slots (0 when the two share no slot) and, when c is
 * not NULL, the counts. One merge of the two sorted slot arrays, no
 * allocation: O(na + nb) for na and nb slots (22 an article on average
 * on the in-house stories; about 0.25 µs a pair).
 */
double doppel__facts_conflict(const doppel__facts *a, const doppel__facts *b,
                              doppel__conflict *c);
/* The same over slot arrays kept apart: a scan keeps an article's slots
 * (16 bytes each; copy slot[0, nslot)) and reuses one doppel__facts per
 * thread for extracting, whose scratch grows to the longest article. */
double doppel__slots_conflict(const doppel__slot *a, size_t na, const doppel__slot *b,
                              size_t nb, doppel__conflict *c);

/*
 * An index keeps the slots of each article packed in 8 bytes: the top 32
 * bits of the key (its kind in the top two) and 32 bits of the value,
 * sorted, repeats removed. Two values of one key differ by chance with
 * probability 2^-32. Writes n slots of in to out (room for n); returns
 * how many are kept.
 */
size_t doppel__slots_pack(const doppel__slot *in, size_t n, uint64_t *out);

/* doppel__slots_conflict() over packed slots. */
void doppel__packed_conflict(const uint64_t *a, size_t na, const uint64_t *b, size_t nb,
                             doppel__conflict *c);

/*
 * What the facts of two articles say against relating them (classify.c):
 * the template slots they fill otherwise (doppel__packed_conflict), and
 * the numbers (anchors) the shorter states that the longer does not.
 */
typedef struct doppel__against {
	doppel__conflict slots;
	unsigned unstated; /* numbers (anchors) of the shorter missing in the
	                      longer; of the two, the larger count when they
	                      have as many words */
	unsigned stated;   /* the numbers of that shorter one */
	unsigned specific; /* names both state that few articles state
	                      (doppel__shared_specific) */
	unsigned figures;  /* numbers and quotes both state that few articles
	                      state (the same) */
	double keys;       /* Jaccard of their rare words (synonym-key view);
	                      -1: not measured */
	bool subjects;     /* their headlines name subjects the other article
	                      never names (doppel__title_subjects, and the
	                      tickers of doppel__title_tickers) */
	bool places;       /* ... places (doppel__title_places), their headlines
	                      naming no other subject */
	bool known;        /* both articles' facts were extracted */
	int token_figures; /* when they were not: the figures of the shorter
	                      its tokens hold that the longer's lack
	                      (doppel__figures_unstated); -1: not known */
} doppel__against;

/* One side of doppel__facts_against(): packed slots, sorted anchors,
 * words. */
typedef struct doppel__facts_side {
	const uint64_t *slot;
	size_t nslot;
	const uint64_t *anchor;
	size_t nanchor;
	uint32_t words;
	bool known;
} doppel__facts_side;

void doppel__facts_against(const doppel__facts_side *a, const doppel__facts_side *b,
                           doppel__against *g);

/*
 * The figures (doppel__numbers) of the one of two articles with fewer
 * words that the other lacks, or with as many words the larger count of
 * the two sides: what doppel__facts_against() calls unstated, from the
 * tokens alone, for articles whose facts were not extracted (a search for
 * copies alone). s* and l* are the sorted figures, sw and lw the words.
 */
unsigned doppel__figures_unstated(const uint32_t *a, size_t na, uint32_t wa, const uint32_t *b,
                                  size_t nb, uint32_t wb);

/*
 * The words of a headline no dictionary knows (a company, a ticker, a
 * person, a place: "KENAN TRANSPORT CO <KTCO> SETS QUARTERLY" gives kenan
 * and ktco), as the name anchors segmentation makes of them (kind
 * DOPPEL__ANCHOR_NAME, the folded word hashed with seed), sorted, at most
 * max of them; ASCII words of two letters or more without a digit. The
 * subject of a templated report (a dividend, an earnings table) is often
 * named in its headline only. With wn NULL, every such word that is not
 * a function word, known or not.
 */
size_t doppel__title_subjects(const doppel__wordnet *wn, const char *title, uint64_t seed,
                              uint64_t *out, size_t max);

/* Whether folded word w (len bytes) is a word of common prose, for
 * doppel__title_subjects_except. */
typedef bool (*doppel__common_fn)(void *ctx, const char *w, size_t len);

/* doppel__title_subjects() without the words common() says many texts
 * write in lowercase: a wire headline's "MLN", "DLR" and "QTLY" are rare
 * as names and common as words. */
size_t doppel__title_subjects_except(const doppel__wordnet *wn, const char *title,
                                     uint64_t seed, doppel__common_fn common, void *ctx,
                                     uint64_t *out, size_t max);

/* doppel__title_subjects_except() into subj (its count returned) and, in
 * the same pass, the words of the headline that WordNet knows as the names
 * of places (doppel__wordnet_place: "JORDAN", "YEMEN", "GENEVA"), of four
 * letters or more, into places (*nplaces, at most max); none without a
 * WordNet loaded whole. */
size_t doppel__title_places(const doppel__wordnet *wn, const char *title, uint64_t seed,
                            doppel__common_fn common, void *ctx, uint64_t *subj,
                            uint64_t *places, size_t *nplaces, size_t max);

/*
 * The ticker symbols a headline gives in brackets, as financial wires
 * write them ("QUAKER OATS CO <OAT> REGULAR DIVIDEND", "(UAL)", "(NYSE:
 * XYZ)", "(XYZ.N)": the part after an exchange's colon, before a
 * market's dot), one to six capital letters; hashed as
 * doppel__title_subjects hashes a word (so comparable with name anchors
 * and headline subjects), sorted, at most max of them. A ticker names one
 * listed company whatever a dictionary says of its letters.
 */
size_t doppel__title_tickers(const char *title, uint64_t seed, uint64_t *out, size_t max);

/* Names (anchors) two sorted anchor lists share that at most
 * DOPPEL__SPECIFIC_DF articles counted in r state: the actors of one
 * happening, not of a whole beat ("Fed", "Reuters", a capital city).
 * *figures (when not NULL) gets the numbers and quotes they share that as
 * few articles state: what happened, not only who. */
#define DOPPEL__SPECIFIC_DF 50
unsigned doppel__shared_specific(const uint64_t *a, size_t na, const uint64_t *b, size_t nb,
                                 const doppel__rarity *r, unsigned *figures);

/* Same words, other facts: the two are reports from one template (two
 * days' money-market operations, two companies' dividends), not one
 * derived from the other. verbatim: the two share their words as a copy
 * does (a copy keeps its source's figures as written); else they share
 * sentences reworded, and a rewrite may write a figure otherwise ("72
 * hours", "three days"). False when g is NULL or its facts unknown. */
bool doppel__templated(const doppel__against *g, bool verbatim);

/* Most figures kept, a few changed: what a report re-sent with a toll or
 * a figure updated or corrected looks like beside the first version; a
 * templated report of another day changes most of them. False when g is
 * NULL or its facts unknown. */
bool doppel__updated(const doppel__against *g);

/* ------------------------------------------------------------ views.c */

/* Slots of the signatures of the synonym-key and anchor views. */
#define DOPPEL__VIEW_K 64
/*
 * Words and anchors found in many articles say nothing about which
 * articles belong together, and they fill the LSH buckets of the views
 * with random pairs: they are left out of the view sketches (document
 * frequency thresholding). The sentence alignment still sees them.
 * The cut is a number of articles, not a share: a share lets more
 * mid-frequency features in as the corpus grows, and candidates grow with
 * the square of the corpus (measured: 3,296 pairs aligned at 10k articles,
 * 870,575 at 100k with a cut at 0.2%).
 */
#define DOPPEL__VIEW_MAX_DF 50
/* Target Jaccard of the synonym-key and anchor views' LSH: low, because a
 * spun copy keeps only part of its words' keys and an independent report
 * only part of the anchors; verification sorts candidates out. */
#define DOPPEL__KEYS_THRESHOLD 0.3
#define DOPPEL__ANCHORS_THRESHOLD 0.15
/* A candidate is verified when its estimated Jaccard reaches one of these
 * in its view. Measured: related pairs of the labelled set have anchors
 * >= 0.15 or keys >= 0.25 (an independent report with few shared facts
 * among them); on the 10k benchmark corpus these cut the pairs aligned
 * from 24,641 (0.1 and 0.2) to 3,296, with the same accuracy. */
#define DOPPEL__KEYS_MIN 0.25
#define DOPPEL__ANCHORS_MIN 0.15
/* Sentence alignment, the costly part, is only tried for pairs whose
 * content words are this close (weighted cosine): on the labelled set,
 * rewrites have >= 0.58, follow-ups and independent reports <= 0.49. */
#define DOPPEL__REWRITE_MIN_TOPIC 0.35

/*
 * Containment candidates: an article whose words lie mostly inside a
 * longer one shares few of its word shingles' minima (its Jaccard with the
 * longer is small: a cut keeping 1 sentence of 6 has about 0.15), so the
 * banded LSH tuned at a Jaccard of 0.3 misses it. Its runs of content
 * words, though, are the longer's: each article is winnowed (Schleimer,
 * Wilkerson, Aiken, "Winnowing: Local Algorithms for Document
 * Fingerprinting", SIGMOD 2003) over 32-bit hashes of DOPPEL__CONTAIN_K
 * consecutive content-word stems, in windows of DOPPEL__CONTAIN_W: two
 * articles sharing a run of W + K - 1 content words share a fingerprint,
 * whatever else either holds; a text shorter than that keeps its
 * smallest. The index posts every article's fingerprints and meets, for a
 * new article, those that share one.
 */
#define DOPPEL__CONTAIN_K 3
#define DOPPEL__CONTAIN_W 8

/* The winnowed fingerprints of f's content words, sorted, each once,
 * into *out (capacity *cap; grown with doppel__grow, caller owns it:
 * release with free()). */
int doppel__contain_keys(const doppel__features *f, uint32_t **out, size_t *n, size_t *cap);

/* Winnows the hashes h[0..grams) in windows of w (every window's
 * minimum, the rightmost of equal ones, once for each position it is the
 * minimum at) into out (room for grams); how many. O(grams) but where
 * the minimum leaves the window. */
size_t doppel__winnow(const uint32_t *h, size_t grams, size_t w, uint32_t *out);

/*
 * The containment fingerprints of a search for copies alone, which does
 * not segment: the hashes of the sketch's shingles (every word, as the
 * sketch sees them) winnowed in windows of DOPPEL__SHINGLE_WINDOW, so
 * that two texts sharing a run of 14 words (with 3-word shingles: about a
 * sentence) share one; about one shingle in six gives one. Sorted, each
 * once, into *out (capacity *cap, grown; the caller's): those of the
 * tokens s sketched last (doppel__sketch_tokens).
 */
#define DOPPEL__SHINGLE_WINDOW 12
int doppel__sketch_keys(doppel__sketcher *s, uint32_t **out, size_t *n, size_t *cap);

/* Scratch of one thread making view sketches. */
typedef struct doppel__viewer {
	doppel__sketcher set; /* DOPPEL__VIEW_K slots over sets (shingles of 1) */
	doppel__tokens scratch;
	uint64_t *v;
	size_t vcap;
} doppel__viewer;

int doppel__viewer_init(doppel__viewer *v, uint64_t seed);
void doppel__viewer_free(doppel__viewer *v);

/* The synonym-key view (keys of words in at most DOPPEL__VIEW_MAX_DF
 * articles) and the anchor view of f, DOPPEL__VIEW_K slots each, with the
 * distinct values each holds. */
int doppel__views(doppel__viewer *w, const doppel__features *f, const doppel__rarity *r,
                  uint16_t *ksig, uint32_t *nkeys, uint16_t *asig, uint32_t *nanchors);

/* LSH tables for a view at a target Jaccard; NULL when out of memory. */
doppel__lsh *doppel__view_lsh(const doppel_params *p, double threshold, unsigned *bands);

/* The filter before sentence alignment: close enough in either view. */
bool doppel__views_close(const uint16_t *ka, uint32_t nka, const uint16_t *aa, uint32_t naa,
                         const uint16_t *kb, uint32_t nkb, const uint16_t *ab, uint32_t nab);

/*
 * The relation of a candidate pair: duplicate or copy by its word
 * shingles (jaccard, containment), else what sentences and anchors say
 * (doppel__classify_evidence), with the evidence in *ev; none when the
 * words would make it a derivation but the facts say it is templated
 * (against, doppel__templated; NULL: nothing known of their facts). Only
 * relations asked for in p->relations
 * are given; DOPPEL_REL_NONE otherwise.
 */
int doppel__judge(const doppel_params *p, const doppel__prepared *a, size_t nsent_a,
                  const doppel__prepared *b, size_t nsent_b, double jaccard, double containment,
                  bool same_fingerprint, uint32_t apart, const doppel__against *against,
                  doppel__evidence *ev, doppel_relation *rel);

/* ------------------------------------------------------------ story.c */

/* Events and stories, in the shapes of the public API. */
typedef struct doppel__stories {
	doppel_story *story;
	size_t nstory;
	doppel_event *event;
	size_t nevent;
	doppel_event_member *member;
	size_t nmember;
} doppel__stories;

void doppel__stories_free(doppel__stories *s);

/* Earlier date first, undated last. */
int doppel__date_cmp(int32_t a, int32_t b);

/* Direction of a derivation between a and b: by date, else by content
 * (boilerplate one carries and the other lacks; for rewrites, a text
 * condensed to under 80% of the other's words). */
doppel_basis doppel__derivation_basis(doppel_relation rel, int32_t date_a, int32_t date_b,
                                      unsigned boiler_a, unsigned boiler_b, uint32_t words_a,
                                      uint32_t words_b, bool *a_source);

/* ------------------------------------------------------------ store.c */

/*
 * The SQLite side of an index: one row per article with its signature and
 * zstd-compressed text, a meta table of stored parameters, and the
 * boilerplate line counts as one blob.
 */
typedef struct doppel__store doppel__store;

/* One stored article as loaded on open. Strings are borrowed for the
 * duration of the callback. */
typedef struct doppel__row {
	int64_t num;
	const char *id;
	const char *title;
	int32_t date;
	uint32_t words, shingles;
	uint64_t fingerprint;
	const uint16_t *sig;
	unsigned boiler;     /* DOPPEL__BOILER_* kinds the text carried */
	int64_t event;       /* 0: none */
	const uint32_t *fig; /* its figures (doppel__numbers), sorted */
	uint32_t nfig;
	bool figured;         /* false: a database made before figures were kept */
	const uint32_t *ckey; /* its containment fingerprints of tokens */
	uint32_t nckey;       /* (doppel__sketch_keys); none in such a database */
} doppel__row;

/* A database in memory, for a scan: no file, no log, no texts (a scan
 * keeps them, compressed), of the views only what is read again; gone on
 * close. */
#define DOPPEL__OPEN_MEMORY 0x10000

/*
 * Opens or creates the database (flags: DOPPEL_OPEN_* and
 * DOPPEL__OPEN_MEMORY). When adopt is true the stored parameters
 * are copied into *p; otherwise they must equal p's (DOPPEL_E_MISMATCH).
 * Messages go to err (DOPPEL__ERRLEN bytes).
 */
int doppel__store_open(doppel__store **out, const char *path, unsigned flags, bool adopt,
                       doppel_params *p, char *err);
void doppel__store_close(doppel__store *s);

int doppel__store_begin(doppel__store *s, char *err);
int doppel__store_commit(doppel__store *s, char *err);
void doppel__store_rollback(doppel__store *s);

/* Stores an article; its number is written to *num. */
/* Stores an article (event 0: none), its signature and its text. */
/* The text compressed as the store keeps it; caller owns *out (free). */
int doppel__store_compress(const char *text, size_t len, uint8_t **out, size_t *outlen);
/* False for a database in memory, which keeps no texts. */
bool doppel__store_keeps_texts(const doppel__store *s);
/* The rules of the passage keys the database stores (DOPPEL__PKEY_RULES
 * for a new one). */
unsigned doppel__store_pkey_rules(const doppel__store *s);
/* False for a database made before relations kept their passages, opened
 * read-only (a writable open adds the column). */
/* Passages from a relations blob into *out (grown; caller's), a and b
 * swapped when swap is set (passages.c). DOPPEL_E_FORMAT for a damaged
 * blob. */
int doppel__passages_unpack(const uint8_t *blob, size_t len, bool swap, doppel_passage **out,
                            size_t *n, size_t *cap);
bool doppel__store_has_passages(const doppel__store *s);
/* The relations (DOPPEL_FIND_* bits) the database was written with, from
 * its meta table: DOPPEL__RELATIONS_MIXED when writers looked for
 * different sets, 0 when it does not say (made before it was kept). */
#define DOPPEL__RELATIONS_MIXED 0x80000000u
int doppel__store_relations(doppel__store *s, unsigned *mask, char *err);
/*
 * The version of the rules that turn evidence into relations (segmenting,
 * the thresholds, the vetoes): a change of this library that makes other
 * relations of the same articles raises it. A database records the
 * version its relations were made by (meta `rules`); a writer of another
 * version marks it "mixed". doppel__store_rules() says whether every
 * stored relation was made by this version's rules: false when the
 * database says another version, "mixed", or nothing while it holds
 * articles (made before the version was kept).
 */
#define DOPPEL__RULES_VERSION 2
int doppel__store_rules(doppel__store *s, bool *ours, char *err);
/* z (zlen bytes): the text compressed by doppel__store_compress(); NULL:
 * compress it here. */
int doppel__store_put(doppel__store *s, const doppel_article *a, const doppel__sketch *sk,
                      unsigned k, unsigned boiler, int64_t event, const uint8_t *z, size_t zlen,
                      int64_t *num, char *err);
/* The connection, for the index's own statements (index.c). */
struct sqlite3 *doppel__store_db(doppel__store *s);
/* A DOPPEL_E_* status and a message in err for SQLite's last error. */
int doppel__store_error(doppel__store *s, const char *what, char *err);
/* The text of article num, decompressed and NUL-terminated, and its source
 * (NULL when none); caller owns *text and *source (free). */
int doppel__store_text(doppel__store *s, int64_t num, char **text, size_t *len, char **source,
                       char *err);
/* Deletes an article, its text, its views and its relations. */
int doppel__store_delete(doppel__store *s, int64_t num, char *err);

/* Calls fn for every stored article in number order; stops at the first
 * nonzero return and passes it on. */
typedef int (*doppel__row_fn)(void *ctx, const doppel__row *row);
int doppel__store_load(doppel__store *s, unsigned k, doppel__row_fn fn, void *ctx, char *err);

/* Line counts: load (all zero when none stored) and save. */
int doppel__store_load_lines(doppel__store *s, doppel__linecount *lc, char *err);

/* Decoders of stored blobs, apart so that a fuzz target reaches them. A
 * text: one zstd frame into *text (NUL-terminated; caller owns, free()),
 * DOPPEL_E_DB when damaged, memory growing only with the real output. A
 * signature: len must be 2k bytes, k slots little-endian. Line counts:
 * a blob of another size than lc's leaves lc as it is. */
int doppel__store_unpack_text(const void *z, size_t zn, char **text, size_t *len);
bool doppel__store_unpack_sig(const uint8_t *blob, size_t len, unsigned k, uint16_t *sig);
void doppel__store_unpack_lines(const uint8_t *blob, size_t len, doppel__linecount *lc);
int doppel__store_save_lines(doppel__store *s, const doppel__linecount *lc, char *err);

/* ------------------------------------------------------------ params.c */

/* The stored parameters as "key=value" pairs, for the database's meta table
 * and for mismatch messages. Returns the number of pairs (at most 16). */
typedef struct doppel__kv {
	const char *key;
	char value[64];
} doppel__kv;
size_t doppel__stored_params(const doppel_params *p, doppel__kv *out);

/* ---------------------------------------------------------- passages.c */

/*
 * Reused passages between two texts, with byte offsets into each: the
 * evidence of an excerpt, and the passages of every derivation.
 *
 * A text is first tokenized into a doppel__ptext: its words with their
 * bytes in the text as given, a lemma per word (the Snowball stem of the
 * folded word), a synonym class when WordNet knows the word, stop words
 * marked, and sentences. Two ptexts are then compared by
 * doppel__passages_find(); one ptext gives the keys an inverted index over
 * many articles posts (doppel__passage_keys()).
 */

/* Word flags. */
#define DOPPEL__PW_STOP 0x1   /* an English function word (doppel__stopword) */
#define DOPPEL__PW_NUMBER 0x2 /* has a digit: its lemma is its digits */
#define DOPPEL__PW_UPPER 0x4  /* starts with a capital letter */
#define DOPPEL__PW_LOWER 0x8  /* starts with a lowercase letter */

/* One word of a text. */
typedef struct doppel__pword {
	uint32_t start, end; /* bytes of the text, end exclusive */
	uint32_t lemma;      /* hash of the stem of the folded word; never 0 */
	uint32_t key;        /* the synonym class (top bit set) when WordNet
	                        knows the word, else the lemma */
	uint32_t sent;       /* its sentence */
	uint32_t flags;      /* DOPPEL__PW_* */
} doppel__pword;

/* One sentence: words [w0, w1), content words [c0, c1) (indexes into
 * doppel__ptext.content), bytes [start, end) from its first word to the
 * end of its closing punctuation and quotes. */
typedef struct doppel__psent {
	uint32_t w0, w1, c0, c1;
	uint32_t start, end;
} doppel__psent;

/* A tokenized text. Arrays owned by the ptext; doppel__ptext_free()
 * releases them, and a ptext may be filled again by the next
 * doppel__ptext_make() without freeing it first. */
typedef struct doppel__ptext {
	doppel__pword *word;
	size_t nword, wordcap;
	uint32_t *content; /* word numbers of the words that are not stop words */
	size_t ncontent, contentcap;
	doppel__psent *sent;
	size_t nsent, sentcap;
	size_t len; /* bytes of the text */
} doppel__ptext;

/* Gives back the room t's arrays hold beyond what they use, when that is
 * most of it: a ptext kept for later (a cache of them) holds what its text
 * needs, not what the longest text it held before needed. */
void doppel__ptext_trim(doppel__ptext *t);

/* Tokenizer option: skip the lines doppel__normalize drops as boilerplate
 * by its built-in rules (appeals, update stamps, what follows a trailer
 * heading). */
#define DOPPEL__PT_BOILERPLATE 0x1

/*
 * The per-thread state of passage finding: a Snowball stemmer, a cache of
 * what each distinct word gives, and scratch space reused from pair to
 * pair. wn may be NULL (no synonym classes: every key is the lemma); it is
 * borrowed and must outlive the passager. seed keys the word hashes, so
 * fingerprints of one index must all be made with one seed. NULL when out
 * of memory.
 */
typedef struct doppel__passager doppel__passager;
doppel__passager *doppel__passager_new(const doppel__wordnet *wn, uint64_t seed);
void doppel__passager_free(doppel__passager *pg); /* NULL: no-op */

/*
 * Tokenizes len bytes of text (UTF-8; a byte that starts no valid
 * character separates words) into t, with the options DOPPEL__PT_*.
 * Words are runs of letters, marks and digits; an apostrophe inside a
 * word and a comma or point inside a number join; a possessive 's is part
 * of the word's bytes but not of its lemma. Letters are folded as
 * doppel__normalize folds them: ASCII lowered, other text NFKC-casefolded
 * by doppel__fold. Stems are Snowball English (libstemmer), as in
 * segment.c. Sentences end at . ! ? and ... followed by a space, a line end
 * or a capital glued on ("study.Bachelor"), not after an abbreviation or a
 * single letter; at a line break before a line that does not start with a
 * lowercase letter, and at a skipped (blank) line; and after
 * DOPPEL__PT_MAX_SENT words.
 * DOPPEL_E_TOOBIG for a text of 2^32 bytes or more.
 */
#define DOPPEL__PT_MAX_SENT 60
int doppel__ptext_make(doppel__passager *pg, const char *text, size_t len, unsigned flags,
                       doppel__ptext *t);
void doppel__ptext_free(doppel__ptext *t); /* NULL: no-op */

/*
 * Fingerprints for candidate generation.
 *
 * Winnowing (Schleimer, Wilkerson, Aiken, "Winnowing: Local Algorithms
 * for Document Fingerprinting", SIGMOD 2003) over hashes of k consecutive
 * content lemmas: from every window of w consecutive k-gram hashes the
 * smallest is kept (the rightmost of equal ones), each kept position once.
 * Guarantee: two texts that share a run of at least w + k - 1 content
 * lemmas share a fingerprint; the expected density is 2 / (w + 1) of the
 * k-grams. Defaults: k = 3, w = 16, a guarantee of 18 content words
 * (about 30 words of running text) at 2/17 = 0.118 fingerprints a content
 * word; measured on PAN 2013, 0.114 a content word, 70 per 1,000 words.
 */
#define DOPPEL__FP_K 3
#define DOPPEL__FP_W 16

/* A fingerprint: its hash and the content word (an index into
 * doppel__ptext.content) where its k-gram starts. */
typedef struct doppel__pfp {
	uint64_t hash;
	uint32_t pos;
} doppel__pfp;

/* The winnowed fingerprints of t in text order into *out (capacity *cap;
 * grown with doppel__grow, caller owns it: release with free()). */
int doppel__passage_winnow(const doppel__ptext *t, unsigned k, unsigned w, doppel__pfp **out,
                           size_t *n, size_t *cap);

/*
 * The keys an inverted index posts for a text: its winnowed fingerprints
 * (kind DOPPEL__PKEY_WINNOW) and, for reworded and translated text whose
 * k-grams do not survive, sentence keys (kind DOPPEL__PKEY_SENTENCE): for
 * each sentence of at least DOPPEL__SKEY_MIN distinct content keys
 * (synonym class or lemma), the hash of its DOPPEL__SKEY_B smallest key
 * hashes, under DOPPEL__SKEY_N hash functions, keys of words WordNet does
 * not know (names, numbers, rare terms, which rewording leaves alone)
 * first. Two sentences whose key sets have Jaccard J share one such key
 * with a probability near J^3 (bottom-k sketches: Broder, "On the
 * Resemblance and Containment of Documents", 1997); three words in common
 * make two unrelated sentences share a key far more rarely than two.
 * seed picks the hash functions. On PAN 2013, 185 sentence keys and 70
 * winnowed ones per 1,000 words. The kind is in the top two bits. Sorted,
 * unique, into *keys (capacity *cap, grown with doppel__grow; caller owns
 * it: release with free()).
 */
#define DOPPEL__PKEY_WINNOW 1u
#define DOPPEL__PKEY_SENTENCE 2u
#define DOPPEL__PKEY_KIND(h) ((unsigned)((h) >> 62))
#define DOPPEL__SKEY_MIN 4
#define DOPPEL__SKEY_N 4
#define DOPPEL__SKEY_B 3
int doppel__passage_keys(const doppel__ptext *t, uint64_t seed, uint64_t **keys, size_t *n,
                         size_t *cap);

/*
 * The rules by which an index makes the passage keys it stores (table
 * pkeys, index_excerpt.c), recorded in a database's meta table as
 * passage_keys. 1: winnowed k-grams and sentence keys. 2 (this library's):
 * those, and window keys (kind DOPPEL__PKEY_WINDOW) for reuse whose words
 * were shuffled or reworded across sentence ends: for each run of
 * DOPPEL__WKEY_W consecutive content words, the hash of its 2 smallest
 * distinct key hashes (keys of words WordNet does not know first) under
 * each of DOPPEL__WKEY_N hash functions, a key made each time they change.
 * The order of the words inside a window does not matter, nor sentence
 * ends. A database keeps the rules it was made with (an older one keeps
 * making keys by its rules); one made by newer rules is refused.
 */
#define DOPPEL__PKEY_RULES 2
#define DOPPEL__PKEY_WINDOW 3u
#define DOPPEL__WKEY_W 10
#define DOPPEL__WKEY_N 2

/* What decides a passage, in content words (words that are not stop
 * words) unless said otherwise. doppel__passage_defaults() gives the
 * defaults in brackets, tuned on PAN 2013 (bench/README.md). */
typedef struct doppel__passage_params {
	/* content lemmas of an exact seed (3) */
	unsigned seed_k;
	/* most content words between two seeds of one chain, in each text (12) */
	unsigned link_gap;
	/* longest gap between two chains bridged when its words match (30) */
	unsigned bridge_gap;
	/* share of a gap's content words whose lemma or synonym the other
	 * side's gap has, to bridge it (0.4) */
	double bridge_match;
	/* weighted cosine at which two sentences seed a passage (0.3) */
	double sentence_min;
	/* share of a passage's distinct content keys that the other side has
	 * (0.55) */
	double min_score;
	/* words (all of them) of a passage in its longer side; of a condensed
	 * one, in its short side (40) */
	unsigned min_words;
	/* also look for condensed passages (true) */
	bool summaries;
	/* weighted cosine of an aligned sentence pair of a condensed passage
	 * (0.3) */
	double summary_min;
	/* aligned sentences of a condensed passage (3) */
	unsigned summary_sentences;
	/* the sum of their cosines (1.5) */
	double summary_evidence;
} doppel__passage_params;

void doppel__passage_defaults(doppel__passage_params *p);

/* Modes of a passage. */
#define DOPPEL__PASSAGE_LOCAL 1   /* chains of seeds: verbatim, edited, reworded */
#define DOPPEL__PASSAGE_SUMMARY 2 /* sentences of a condensed text, in order */

/* A passage: bytes [a_start, a_end) of text a and [b_start, b_end) of b
 * reuse each other; score is the share of their distinct content keys
 * (lemmas, or synonym classes) that the other side has (for a condensed
 * passage, the share of the short side's content words). */
typedef struct doppel__passage {
	uint32_t a_start, a_end, b_start, b_end;
	float score;
	unsigned mode;      /* DOPPEL__PASSAGE_*, or both when merged */
	uint32_t exact;     /* content words in shared k-grams (local) */
	uint32_t sentences; /* sentence pairs seeding it (local, with a cosine
	                       of at least sentence_min) or aligned (condensed) */
	float cosine;       /* their best (local) or mean (condensed) cosine */
} doppel__passage;

/*
 * The passages a and b share, in the order of b, into *out (capacity
 * *cap; grown with doppel__grow, caller owns it: release with free()).
 * Passages do not overlap in b. a and b must have been made by pg (or a
 * passager of the same wordnet and seed). Scratch is kept in pg.
 */
int doppel__passages_find(doppel__passager *pg, const doppel__ptext *a, const doppel__ptext *b,
                          const doppel__passage_params *p, doppel__passage **out, size_t *n,
                          size_t *cap);

/* ------------------------------------------------------------- batch.c */

/* What doppel_index_prepare() computed for one article of a batch, kept
 * in the batch until doppel_index_add() or doppel_index_query() takes it
 * (batch.c holds it, index.c makes and uses it). */
typedef struct doppel__pre {
	const void *owner; /* the index handle it was made for */
	int rc;            /* DOPPEL_OK, or why the article is rejected */
	doppel__sketch sk; /* sk.sig points to sig */
	unsigned boiler;
	doppel__features feat; /* relations beyond copy only */
	uint8_t *ztext;        /* the text as the store keeps it (zstd) */
	size_t zlen;
	uint64_t *lines; /* its lines' keys, to count (doppel__line_keys) */
	size_t nlines;
	bool lines_known;
	uint64_t *rep; /* the repeated lines the text work dropped, sorted */
	size_t nrep;
	bool sketched; /* sk, boiler and feat are made (not only ztext) */
	uint32_t *pk;  /* excerpts: its passage keys */
	size_t npk, pkcap;
	uint16_t sig[]; /* k slots */
} doppel__pre;

void doppel__pre_free(doppel__pre *p);
/* Borrowed; NULL when article i was not prepared. */
doppel__pre *doppel__batch_pre(const doppel_batch *b, size_t i);
/* Pushes a whose text is text (malloc'd, a->text_len bytes and a NUL),
 * which the batch takes as it is and frees; a's other strings are not
 * copied, and must outlive the batch's articles. */
int doppel__batch_adopt(doppel_batch *b, const doppel_article *a, char *text);
/* Gives p (may be NULL) to the batch as article i's, freeing the old. */
void doppel__batch_set_pre(doppel_batch *b, size_t i, doppel__pre *p);

#endif /* DOPPEL_INTERNAL_H */
