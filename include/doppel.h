/*
 * doppel.h — find copies and near-copies of news articles.
 *
 * This is the one public header of libdoppel and its manual. A program
 * includes it, links with `pkg-config --libs libdoppel`, and works with four
 * kinds of handle:
 *
 *   doppel_reader  reads articles from .txt directories, JSON Lines, .zst
 *                  and stdin, one record at a time, naming file:line for
 *                  every bad record;
 *   doppel_batch   holds a copy of a group of articles; it is the unit that
 *                  the library normalizes and sketches in parallel;
 *   doppel_scan    takes batches and, at the end, groups the duplicates and
 *                  copies of a whole corpus (nothing is stored);
 *   doppel_index   a persistent index in an SQLite file: add articles,
 *                  query articles against it.
 *
 * Pipeline, one way:
 *   read -> normalize -> segment -> sketch -> candidates -> verify
 *        -> cluster -> store/report
 *
 * Relations found between two articles A and B (A and B are sets of word
 * shingles of the normalized, boilerplate-free text):
 *   duplicate  Jaccard |A∩B|/|A∪B| >= params.duplicate_jaccard (0.8),
 *              or the same normalized text;
 *   copy       containment |A∩B|/min(|A|,|B|) >= params.copy_containment
 *              (0.5): one holds a large part of the other verbatim;
 *   excerpt    one reuses passages of the other (verbatim, edited,
 *              reworded sentence by sentence, condensed) that make a
 *              minority of both: passages of at least 40 words whose
 *              content words the other side mostly has, found by their
 *              shared passage keys and aligned word by word, with their
 *              byte offsets in both texts;
 *   rewrite, same-event, same-story: from sentences and facts (see
 *              doppel_params). Every derivation (duplicate, copy, excerpt,
 *              rewrite) carries its passages when excerpts are looked for.
 *
 * Conventions, stated once:
 *   - Every function that can fail returns an int status: DOPPEL_OK (0) or a
 *     negative doppel_status. doppel_strerror() names a code; the handle the
 *     call was made on keeps a detail message (…_errmsg()).
 *   - Ownership is said in the same words everywhere: "caller owns; release
 *     with X" or "borrowed; valid until …".
 *   - Every _free(NULL) is a no-op.
 *   - Threads: the library keeps no mutable global state. A handle is used
 *     by one thread at a time (doppel_index_prepare() says how it differs);
 *     different handles may be used from different threads at once. The
 *     library itself runs worker threads inside doppel_scan_add(),
 *     doppel_index_add() and doppel_index_query(), as many as
 *     params.threads says; they are joined before those calls return. A
 *     writable index handle also keeps one thread of its own, from open to
 *     close, that copies SQLite's write-ahead log into the database.
 *   - Strings are UTF-8 and NUL-terminated unless a length is given.
 *
 * Three versions are kept, each written down:
 *   DOPPEL_VERSION_*        the API version of this header;
 *   the shared-library version (soname libdoppel.so.DOPPEL_SOVERSION);
 *   DOPPEL_FORMAT_VERSION   the stored-format version of signatures and
 *                           index databases; a mismatch is DOPPEL_E_MISMATCH.
 */
#ifndef DOPPEL_H
#define DOPPEL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && defined(DOPPEL_BUILDING_LIBRARY)
#define DOPPEL_API __attribute__((visibility("default")))
#else
#define DOPPEL_API
#endif

#define DOPPEL_VERSION_MAJOR 0
#define DOPPEL_VERSION_MINOR 1
#define DOPPEL_VERSION_PATCH 0
#define DOPPEL_VERSION_STRING "0.1.0"
#define DOPPEL_SOVERSION 0
/* Version of stored signatures and of the database schema. */
#define DOPPEL_FORMAT_VERSION 2

/* ---------------------------------------------------------------- status */

typedef enum doppel_status {
	DOPPEL_OK = 0,
	DOPPEL_END = 1,          /* a reader has no more records (not an error) */
	DOPPEL_E_NOMEM = -1,     /* out of memory */
	DOPPEL_E_IO = -2,        /* a file could not be opened, read or written */
	DOPPEL_E_ARG = -3,       /* an argument is out of range or NULL */
	DOPPEL_E_UTF8 = -4,      /* invalid UTF-8 (a reader refuses it only with
	                            strict_utf8) */
	DOPPEL_E_JSON = -5,      /* a JSON line does not parse or has wrong types */
	DOPPEL_E_EMPTY = -6,     /* a record with no text */
	DOPPEL_E_TOOBIG = -7,    /* a record over the size limit */
	DOPPEL_E_DUPID = -8,     /* an id seen before */
	DOPPEL_E_DB = -9,        /* SQLite reported an error */
	DOPPEL_E_NOTDB = -10,    /* the file is not a doppel database */
	DOPPEL_E_MISMATCH = -11, /* database format or parameters differ */
	DOPPEL_E_READONLY = -12, /* the database cannot be written */
	DOPPEL_E_NOTFOUND = -13, /* no such file or article */
	DOPPEL_E_FORMAT = -14,   /* a record field is malformed (a date, say) */
	DOPPEL_E_STATE = -15,    /* a call out of order (add after finish) */
	DOPPEL_E_BUSY = -16      /* another handle writes the database */
} doppel_status;

/* A static English description of a status code; never NULL. */
DOPPEL_API const char *doppel_strerror(int code);

/* The library's version, "0.1.0"; never NULL. */
DOPPEL_API const char *doppel_version(void);

/*
 * Writes the versions of the libraries doppel was linked with, one line,
 * into buf (size bytes, NUL-terminated, cut if short), for `doppel
 * --version`: "utf8proc 2.8.0 (Unicode 15.0.0), xxhash 0.8.1, …".
 * Returns buf.
 */
DOPPEL_API char *doppel_dependency_versions(char *buf, size_t size);

/* ------------------------------------------------------------ parameters */

/*
 * Parameters of detection. Fill with doppel_params_init() and change what
 * you need. Fields marked [stored] change signatures: an index remembers
 * them and refuses to open with other values (DOPPEL_E_MISMATCH).
 */
typedef struct doppel_params {
	unsigned shingle;         /* [stored] words per shingle; default 3 */
	unsigned k;               /* [stored] signature slots, 16..1024, a
	                              multiple of 8; default 128 */
	uint64_t seed;            /* [stored] hash seed; default 0 */
	double threshold;         /* Jaccard similarity that LSH aims to
	                              catch; bands and rows derive from it;
	                              default 0.3, so that a copy holding half of
	                              a text (Jaccard 1/3) is still a candidate */
	double duplicate_jaccard; /* duplicate at or above; default 0.8 */
	double copy_containment;  /* copy at or above; default 0.5 */
	unsigned threads;         /* worker threads; 0 = all cores; default 0 */
	unsigned boilerplate_min; /* a line in at least this many articles of
	                              one source is boilerplate; default 8;
	                              0 turns repeated-line detection off */
	unsigned max_bucket;      /* LSH bucket members compared with each new
	                              member, most recent first; default 1000 */
	unsigned relations;       /* DOPPEL_FIND_* bits; default
	                              DOPPEL_FIND_ALL. Excerpts, rewrites,
	                              events and stories need WordNet data and
	                              cost time; duplicate and copy alone do
	                              not. With excerpts come the passages of
	                              every derivation. */
	double rewrite_aligned;   /* rewrite when this share of the shorter
	                              article's sentences align in order;
	                              default 0.7 */
	double sentence_min;      /* two sentences align at a weighted cosine
	                              of their words at or above; default 0.35 */
	double event_anchors;     /* same event at this weighted share of
	                              shared names, numbers, quotes and dates;
	                              default 0.3; or, within event_days, at
	                              story_names shared names and a topic
	                              cosine of story_topic */
	double story_names;       /* same story at this weighted share of
	                              shared names; default 0.25 */
	double story_topic;       /* and a weighted cosine of content words at
	                              or above; default 0.25 */
	unsigned event_days;      /* reports of one event are at most this many
	                              days apart; default 3 */
	unsigned window_days;     /* articles further apart in time are never
	                              compared for rewrites, events or stories;
	                              default 400; 0 = no limit */
	const char *wordnet_dir;  /* WordNet data; NULL: /usr/share/wordnet */
	const char *program;      /* who writes, as a second writer's refusal
	                              names it ("doppel serve"): see
	                              doppel_index_open(); NULL: the process's
	                              name */
} doppel_params;

DOPPEL_API void doppel_params_init(doppel_params *p);

/*
 * The LSH layout derived from params->threshold and params->k: bands * rows
 * <= k, chosen to minimize the area of false positives below the threshold
 * plus false negatives above it (Leskovec, Rajaraman, Ullman, "Mining of
 * Massive Datasets", ch. 3.4). Returns DOPPEL_E_ARG for parameters out of
 * range, DOPPEL_E_NOMEM when out of memory.
 */
DOPPEL_API int doppel_params_bands(const doppel_params *p, unsigned *bands, unsigned *rows);

/* Checks every field; DOPPEL_E_ARG with a message in msg (size msglen). */
DOPPEL_API int doppel_params_check(const doppel_params *p, char *msg, size_t msglen);

/* -------------------------------------------------------------- articles */

/* "No date known" for doppel_article.date. */
#define DOPPEL_NO_DATE INT32_MIN

/*
 * One article. Strings other than text may be NULL (unknown). date is days
 * since 1970-01-01 (UTC) or DOPPEL_NO_DATE. origin names where the record
 * came from ("news/a.txt", "feed.jsonl:17") for messages; may be NULL.
 * where is the place a reader can read its text again from
 * (doppel_reader_reread), 0 when there is none.
 */
typedef struct doppel_article {
	const char *id;
	const char *title;
	const char *text;
	size_t text_len;
	int32_t date;
	const char *source;
	const char *url;
	const char *origin;
	uint64_t where;
} doppel_article;

/* "YYYY-MM-DD" (a longer ISO 8601 stamp is cut at the day) to days since
 * 1970-01-01. DOPPEL_E_FORMAT when it is not a valid calendar date. */
DOPPEL_API int doppel_parse_date(const char *s, size_t len, int32_t *days);

/* The date a text states near its start, for an article whose metadata
 * has none: a "date 2024-03-05" marker, "Published March 5, 2024",
 * "2024-03-05T09:12:00Z", "Update: 2024-03-07 09:12 GMT", a dateline
 * "GENEVA, March 5 (Reuters) -", "5 Mar 2024" on a line of its own; the
 * strongest in its first 4 non-blank lines (doc/doppel.1, Dates). The
 * reader applies it; a program taking articles from elsewhere may too.
 * DOPPEL_OK with *days set, or DOPPEL_END when the text states none. */
DOPPEL_API int doppel_text_date(const char *text, size_t len, int32_t *days);

/* Writes days as "YYYY-MM-DD" into buf (at least 11 bytes); "" for
 * DOPPEL_NO_DATE. Returns buf. */
DOPPEL_API char *doppel_format_date(int32_t days, char buf[11]);

/* ---------------------------------------------------------------- reader */

typedef struct doppel_reader doppel_reader;

/* Field names of JSON Lines records; NULL keeps the default named. */
typedef struct doppel_read_options {
	const char *id_field;     /* "id" */
	const char *title_field;  /* "title" */
	const char *text_field;   /* "text" */
	const char *date_field;   /* "date" */
	const char *source_field; /* "source" */
	const char *url_field;    /* "url" */
	size_t max_record_bytes;  /* bigger records are rejected; 0 = 256 MiB */
	int repair_utf8;          /* nonzero: a record that is not valid UTF-8
	                             has its bad bytes replaced with U+FFFD
	                             instead of being read as Windows-1252 */
	int stdin_format;         /* what "-" holds: 0 JSON Lines, 1 one text */
	int strict_utf8;          /* nonzero: a record that is not valid UTF-8
	                             is rejected (DOPPEL_E_UTF8); wins over
	                             repair_utf8 */
	int no_places;            /* nonzero: no record gets a where, and
	                             nothing is kept to read one again (16
	                             bytes a record otherwise) */
} doppel_read_options;

DOPPEL_API void doppel_read_options_init(doppel_read_options *o);

/*
 * A reader over a list of paths, read one after another in the order added.
 * A path is:
 *   a directory  walked recursively in byte order of names, hidden entries
 *                skipped, each directory entered once even through looping
 *                links; it yields the *.txt, *.txt.zst, *.jsonl, *.ndjson,
 *                *.json, *.jsonl.zst and *.ndjson.zst files in it;
 *   *.txt        one article; id = path relative to the directory argument
 *                without ".txt" (the file name alone when given directly);
 *                source = the directories between the argument and the file
 *                ("wire" or "wire/europe"; none at the top); an optional first line that
 *                looks like a headline is the title; a line "date
 *                YYYY-MM-DD", alone or leading the first paragraph, is the
 *                date; both are blanked out of the text (spaces in their
 *                place), which keeps the file's length;
 *   *.jsonl, *.ndjson, *.json  JSON Lines, one object a line; a missing id
 *                becomes "FILE:LINE";
 *   *.zst        the same, zstd-compressed (*.jsonl.zst, *.txt.zst); a
 *                stream cut short is an error, an empty file no records;
 *   "-"          standard input, JSON Lines (or one text, by option).
 * Encodings: text is UTF-8. A record (a .txt file, a JSON line) that is not
 * valid UTF-8 is decoded as Windows-1252 (every byte; the five it leaves
 * undefined become C1 controls, as in the WHATWG Encoding Standard) and
 * doppel_reader_warning() says so; options reject or repair it instead. A
 * UTF-8 byte order mark starting a JSON line is dropped (starting a .txt
 * file, it is blanked out), a NUL byte (or \u0000 in a JSON string) reads
 * as a space, CRLF stays. The text of a valid .txt record is otherwise the
 * file's bytes, so offsets into it are offsets into the file.
 * Dates: the date field of a JSON record; else a date the text states near
 * its start (doc/doppel.1, DATES: "date 2024-03-05", "Published March 5,
 * 2024", "2024-03-05T09:12:00Z", "Update: 2024-03-07 09:12 GMT", a dateline
 * "GENEVA, March 5 (Reuters) -", "5 Mar 2024" on a line of its own).
 * Caller owns; release with doppel_reader_free(). NULL when out of memory.
 */
DOPPEL_API doppel_reader *doppel_reader_new(const doppel_read_options *opt);
DOPPEL_API void doppel_reader_free(doppel_reader *r);

/* Queues a path. A path that is not there is reported when reached. */
DOPPEL_API int doppel_reader_add_path(doppel_reader *r, const char *path);

/*
 * Queues the part of an uncompressed JSON Lines file whose lines start in
 * bytes [start, end). Readers given disjoint ranges that cover a file read
 * each of its records exactly once, so several threads can share a file.
 * Line numbers in messages count from the range's first line.
 * DOPPEL_E_ARG for stdin, .txt and .zst files.
 */
DOPPEL_API int doppel_reader_add_range(doppel_reader *r, const char *path, uint64_t start,
                                       uint64_t end);

/*
 * Reads the next record into *out.
 *   DOPPEL_OK   *out holds an article; its strings are borrowed, valid until
 *               the next call on this reader. out->where is nonzero for a
 *               record of a regular, uncompressed file (a .txt file, a JSON
 *               line), which doppel_reader_reread() can read again; 0 for
 *               one of standard input, a pipe or a compressed file.
 *   DOPPEL_END  no more records.
 *   < 0         one record (or one path) was bad and is skipped; the detail
 *               message names it ("feed.jsonl:17: invalid UTF-8 at byte 40");
 *               call again to go on.
 */
DOPPEL_API int doppel_reader_next(doppel_reader *r, doppel_article *out);

/*
 * The text of the record at where (an article's where, from
 * doppel_reader_next() on this reader), read again from its file: byte
 * for byte the text doppel_reader_next() gave, decoded by the same rules
 * (Windows-1252 or repaired, NUL bytes as spaces, a .txt file's title and
 * date blanked out), with no warning given again. *text is the caller's
 * (free()), NUL-terminated, of *len bytes. A record is read again only as
 * it was: its bytes must hash as they did when first read (lines added to
 * the file since change nothing). Safe to call from several threads, and
 * beside doppel_reader_next().
 *   DOPPEL_E_ARG  where is 0 or not this reader's.
 *   DOPPEL_E_IO   the file cannot be read again, or the record's bytes
 *                 changed.
 *   other         the record no longer reads as it did (as for
 *                 doppel_reader_next()).
 * On failure a message naming the file goes to err (errlen bytes, may be
 * NULL).
 */
DOPPEL_API int doppel_reader_reread(doppel_reader *r, uint64_t where, char **text, size_t *len,
                                    char *err, size_t errlen);

/* Detail of the last error; never NULL; borrowed, valid until the next call
 * on this reader. */
DOPPEL_API const char *doppel_reader_errmsg(const doppel_reader *r);

/* Bytes read so far from all inputs (uncompressed), for progress. */
DOPPEL_API uint64_t doppel_reader_bytes(const doppel_reader *r);

/* A warning about the article the last doppel_reader_next() returned ("feed.jsonl:17: not
 * UTF-8 (byte 40); read as Windows-1252"), or NULL when there is none; borrowed, valid until
 * the next call on this reader. */
DOPPEL_API const char *doppel_reader_warning(const doppel_reader *r);

/* Counters of a reader since it was made. */
typedef struct doppel_read_stats {
	uint64_t records;  /* articles returned */
	uint64_t rejected; /* records and paths skipped with an error */
	uint64_t cp1252;   /* articles not valid UTF-8, read as Windows-1252 */
	uint64_t repaired; /* articles not valid UTF-8, repaired (repair_utf8) */
	uint64_t bytes;    /* bytes read from all inputs (uncompressed) */
} doppel_read_stats;

DOPPEL_API void doppel_reader_stats(const doppel_reader *r, doppel_read_stats *out);

/* ----------------------------------------------------------------- batch */

typedef struct doppel_batch doppel_batch;

/* Caller owns; release with doppel_batch_free(). NULL when out of memory. */
DOPPEL_API doppel_batch *doppel_batch_new(void);
DOPPEL_API void doppel_batch_free(doppel_batch *b);

/* Copies the article into the batch. */
DOPPEL_API int doppel_batch_push(doppel_batch *b, const doppel_article *a);

/* Articles pushed since the last clear. */
DOPPEL_API size_t doppel_batch_count(const doppel_batch *b);

/* Bytes of text pushed since the last clear. */
DOPPEL_API size_t doppel_batch_bytes(const doppel_batch *b);

/* Empties the batch, keeping its memory for reuse. */
DOPPEL_API void doppel_batch_clear(doppel_batch *b);

/* Moves every article of src to the end of dst, with what
 * doppel_index_prepare() computed for it; src is left empty. Nothing is
 * copied but pointers. */
DOPPEL_API int doppel_batch_take(doppel_batch *dst, doppel_batch *src);

/* The i-th article of the batch; borrowed, valid until the batch is cleared
 * or freed. NULL when i is out of range. */
DOPPEL_API const doppel_article *doppel_batch_article(const doppel_batch *b, size_t i);

/* ------------------------------------------------------------- relations */

/*
 * Relations between two articles. Values are stored in databases and
 * only ever appended, so they are not in order of strength: compare
 * relations with doppel_relation_rank(). Strongest first: duplicate, copy,
 * excerpt, rewrite, same-event, same-story. Duplicate, copy, excerpt and
 * rewrite are derivations: one article derives from the other.
 */
typedef enum doppel_relation {
	DOPPEL_REL_NONE = 0,
	DOPPEL_REL_DUPLICATE = 1,  /* the same text up to formatting and
	                              boilerplate */
	DOPPEL_REL_COPY = 2,       /* one holds much of the other verbatim */
	DOPPEL_REL_REWRITE = 3,    /* derived sentence by sentence, reworded:
	                              spun, paraphrased, condensed */
	DOPPEL_REL_SAME_EVENT = 4, /* independent reports of one event */
	DOPPEL_REL_SAME_STORY = 5, /* different events of one storyline */
	DOPPEL_REL_EXCERPT = 6     /* one reuses passages of the other
	                              (verbatim, edited, reworded sentence by
	                              sentence or condensed) that make a
	                              minority of both; between copy and
	                              rewrite in strength */
} doppel_relation;

/* "none", "duplicate", "copy", "rewrite", "same-event", "same-story",
 * "excerpt"; never NULL. */
DOPPEL_API const char *doppel_relation_name(doppel_relation r);

/* The strength of a relation, 1 for the strongest (duplicate) to 6
 * (same-story), 0 for DOPPEL_REL_NONE or an unknown value: a lower rank is
 * a stronger relation. */
DOPPEL_API int doppel_relation_rank(doppel_relation r);

/* The relation named s (as doppel_relation_name() writes it), or
 * DOPPEL_REL_NONE for an unknown name. */
DOPPEL_API doppel_relation doppel_relation_parse(const char *s);

/* Bits of doppel_params.relations: which relations to look for. */
#define DOPPEL_FIND_DUPLICATE (1u << DOPPEL_REL_DUPLICATE)
#define DOPPEL_FIND_COPY (1u << DOPPEL_REL_COPY)
#define DOPPEL_FIND_REWRITE (1u << DOPPEL_REL_REWRITE)
#define DOPPEL_FIND_SAME_EVENT (1u << DOPPEL_REL_SAME_EVENT)
#define DOPPEL_FIND_SAME_STORY (1u << DOPPEL_REL_SAME_STORY)
#define DOPPEL_FIND_EXCERPT (1u << DOPPEL_REL_EXCERPT)
#define DOPPEL_FIND_ALL 0x7eu

/* Which way a derivation goes, seen from the article a match belongs to. */
typedef enum doppel_direction {
	DOPPEL_DIR_UNKNOWN = 0, /* no dates, or the same date */
	DOPPEL_DIR_FROM = 1,    /* the other article is the source */
	DOPPEL_DIR_TO = 2       /* this article is the source of the other */
} doppel_direction;

/* "unknown", "from", "to"; never NULL. */
DOPPEL_API const char *doppel_direction_name(doppel_direction d);

/* How the direction of a derivation was decided. */
typedef enum doppel_basis {
	DOPPEL_BASIS_NONE = 0,   /* not decided: direction unknown */
	DOPPEL_BASIS_DATE = 1,   /* the earlier article is the source */
	DOPPEL_BASIS_CONTENT = 2 /* the derived one carries boilerplate (update
	                             stamps, appeals, trailers) that the source
	                             lacks, or condenses it */
} doppel_basis;

/* "none", "date", "content"; never NULL. */
DOPPEL_API const char *doppel_basis_name(doppel_basis b);

/*
 * A passage one article reuses from another: bytes [a_start, a_end) of
 * article a's text and [b_start, b_end) of article b's, end exclusive,
 * counted in the text exactly as read (the file's bytes after the
 * headline and date line for a .txt file, the UTF-8 of the decoded "text"
 * field for JSON Lines: doc/FORMAT.md). Which article is a and which b
 * says the structure that holds the passages.
 */
typedef struct doppel_passage {
	size_t a_start, a_end;
	size_t b_start, b_end;
} doppel_passage;

/* A related article, seen from one article. */
typedef struct doppel_match {
	const char *id;    /* the other article */
	const char *title; /* may be NULL */
	int32_t date;      /* or DOPPEL_NO_DATE */
	doppel_relation relation;
	doppel_direction direction; /* of a derivation; UNKNOWN otherwise */
	doppel_basis basis;         /* how the direction was decided */
	double jaccard;             /* word shingles, estimated from the
	                             signatures */
	double containment;         /* of the smaller in the larger, estimated */
	double aligned;             /* share of the shorter's sentences aligned */
	double anchors;             /* weighted share of shared anchors */
	double names;               /* the same, names only */
	double topic;               /* weighted cosine of content words; these
	                             four are 0 for a duplicate or copy found
	                             on word shingles alone */
	/* The passages of a derivation, in the order of the article seen
	 * from (its bytes are a_start, a_end; the other's, the match's id,
	 * b_start, b_end). passages is NULL when they were not looked for:
	 * for other relations, and unless excerpts are looked for
	 * (DOPPEL_FIND_EXCERPT); else it points to npassages of them, maybe
	 * none. Borrowed, as the match is. */
	size_t npassages;
	const doppel_passage *passages;
} doppel_match;

/* A relation between two articles with its evidence. For a derivation
 * (duplicate, copy, excerpt, rewrite) with a known direction, a is the
 * source and b derives from it; otherwise a sorts before b by id. */
typedef struct doppel_pair {
	const char *a, *b;
	doppel_relation relation;
	doppel_basis basis; /* NONE: direction unknown */
	double jaccard;     /* word shingles, estimated */
	double containment;
	double aligned; /* share of the shorter's sentences aligned */
	double anchors; /* weighted share of shared anchors */
	double names;   /* the same, names only */
	double topic;   /* weighted cosine of content words */
	/* The passages of a derivation, a_* in article a, b_* in b, in the
	 * order of b; as doppel_match's. */
	size_t npassages;
	const doppel_passage *passages;
} doppel_pair;

/* ------------------------------------------------------------------ scan */

typedef struct doppel_scan doppel_scan;

/*
 * A one-shot scan of a corpus: the articles are kept (their texts
 * compressed, or where to read them again) until doppel_scan_finish(),
 * which relates them with the same engine as an index, fed by date
 * (undated last) then id. A scan states
 * exactly the relations, directions, events and stories that
 * doppel_index_add() of the same articles in that order states, however
 * they come in and whatever the number of threads.
 * Caller owns; release with doppel_scan_free(). NULL when params are invalid
 * or memory is short.
 */
DOPPEL_API doppel_scan *doppel_scan_new(const doppel_params *p);
DOPPEL_API void doppel_scan_free(doppel_scan *s);

/*
 * Does nothing: repeated-line boilerplate is learned as the articles are
 * related, each article's lines counted after those of the articles before
 * it (as an index does). Kept so that callers of the first version still
 * build. DOPPEL_E_STATE after the first add.
 */
DOPPEL_API int doppel_scan_learn(doppel_scan *s, const doppel_batch *b);

/*
 * Lets the scan keep, of each article added after it whose where is
 * nonzero, that place instead of a copy of its text, which r reads again
 * (doppel_reader_reread) each time the scan needs it: a scan of files
 * then holds none of their texts. r must be the reader the articles came
 * from, and live until doppel_scan_finish() returns; NULL keeps every
 * text again. DOPPEL_E_STATE once an article was added.
 */
DOPPEL_API int doppel_scan_reread_from(doppel_scan *s, doppel_reader *r);

/*
 * Keeps the articles of b, their texts compressed in parallel (or their
 * places: doppel_scan_reread_from). Ids must be unique across the scan: a
 * repeated id is skipped and counted, its message in doppel_scan_errmsg(),
 * and the call returns DOPPEL_E_DUPID after taking the rest of the batch.
 */
DOPPEL_API int doppel_scan_add(doppel_scan *s, const doppel_batch *b);

/*
 * What became of the i-th article of the last batch given to
 * doppel_scan_add(): DOPPEL_OK when taken, else the status of its
 * rejection, with a message naming it in *msg (borrowed; valid until the
 * next add on this scan). DOPPEL_E_ARG if i is out of range.
 */
DOPPEL_API int doppel_scan_status(const doppel_scan *s, size_t i, const char **msg);

/* Relates the articles kept, in canonical order: text work, candidates,
 * verification, events and stories. After it, no more adds. */
DOPPEL_API int doppel_scan_finish(doppel_scan *s);

/* A member of a group. */
typedef struct doppel_member {
	const char *id;
	const char *title;          /* may be NULL */
	const char *origin;         /* where it was read; may be NULL */
	int32_t date;               /* or DOPPEL_NO_DATE */
	uint32_t words;             /* content words after boilerplate removal */
	doppel_relation relation;   /* NONE for the representative */
	const char *of;             /* the member this one relates to; NULL for the
	                        representative */
	doppel_direction direction; /* of this member relative to `of` */
	double jaccard;
	double containment;
} doppel_member;

/* A group of articles connected by duplicate or copy relations. */
typedef struct doppel_group {
	const char *id; /* stable: the representative's id */
	size_t count;
	const doppel_member *members; /* representative first (earliest date,
	                                  then most words, then smallest id);
	                                  the rest by date, then id */
} doppel_group;

/* Number of groups (two or more members) after doppel_scan_finish(). */
DOPPEL_API size_t doppel_scan_group_count(const doppel_scan *s);

/* The i-th group, ordered by representative (date, then id). Borrowed;
 * valid until the scan is freed. DOPPEL_E_ARG if i is out of range. */
DOPPEL_API int doppel_scan_group(const doppel_scan *s, size_t i, doppel_group *out);

/* Verified relations found by the scan, every relation of DOPPEL_FIND_*
 * bits asked for, strongest first then by ids. Available after
 * doppel_scan_finish(). */
DOPPEL_API size_t doppel_scan_pair_count(const doppel_scan *s);
/* Borrowed; valid until the scan is freed. */
DOPPEL_API int doppel_scan_pair(const doppel_scan *s, size_t i, doppel_pair *out);

/* An article of an event. */
typedef struct doppel_event_member {
	const char *id;
	const char *title;        /* may be NULL */
	int32_t date;             /* or DOPPEL_NO_DATE */
	doppel_relation relation; /* NONE for the origin; DUPLICATE, COPY,
	                              EXCERPT or REWRITE for a derived article
	                              (of `of`); SAME_EVENT for an independent
	                              report */
	const char *of;           /* the article it derives from; NULL */
} doppel_event_member;

/* One event: articles that report it, its origin first, then by date. */
typedef struct doppel_event {
	const char *id; /* the origin's id */
	int32_t date;   /* the origin's date */
	size_t count;
	const doppel_event_member *members;
} doppel_event;

/* A story: events of one storyline in time order. */
typedef struct doppel_story {
	const char *id; /* the first event's id */
	size_t count;   /* events */
	const doppel_event *events;
	size_t articles; /* articles in all its events */
} doppel_story;

/* Stories with two articles or more, by first date then id. Stories are
 * built online: events taken in date order, each joining the story whose
 * names it shares most (or starting one), so the stories of early articles
 * do not depend on later ones. */
DOPPEL_API size_t doppel_scan_story_count(const doppel_scan *s);
/* Borrowed; valid until the scan is freed. */
DOPPEL_API int doppel_scan_story(const doppel_scan *s, size_t i, doppel_story *out);

/* Counters of a scan or an index operation. */
typedef struct doppel_stats {
	uint64_t articles;     /* articles taken */
	uint64_t bytes;        /* text bytes taken */
	uint64_t rejected;     /* articles skipped (duplicate id, …) */
	uint64_t empty;        /* articles with no content words left */
	uint64_t candidates;   /* candidate pairs from LSH */
	uint64_t verified;     /* of the candidates for rewrites, events and
	                          stories, those compared sentence by
	                          sentence */
	uint64_t edges;        /* verified relations */
	uint64_t kept_bytes;   /* a scan's copies of texts, held until it is
	                          finished: compressed, or as they are; none
	                          for texts read again (doppel_scan_reread_from) */
	unsigned bands, rows;  /* LSH layout in use */
	double sketch_seconds; /* wall time spent normalizing and sketching */
} doppel_stats;

DOPPEL_API void doppel_scan_stats(const doppel_scan *s, doppel_stats *out);

/* Detail of the last error; never NULL. */
DOPPEL_API const char *doppel_scan_errmsg(const doppel_scan *s);

/* --------------------------------------------------------------- explain */

/* Two sentences that align, as written. */
typedef struct doppel_aligned {
	const char *a, *b;
	double score; /* weighted cosine of their words */
} doppel_aligned;

/* A fact as written in one article: the first shape of the facts of an
 * explanation, kept for programs written against it (doppel_fact_pair
 * says more). */
typedef struct doppel_fact {
	const char *kind; /* as doppel_fact_pair.kind */
	const char *text;
} doppel_fact;

/* Where one article states a fact: the fact as written and the sentence
 * it stands in, with their bytes in the article's text (as given to
 * doppel_explain(), or as stored), end exclusive. */
typedef struct doppel_fact_site {
	const char *text; /* NULL when the article does not state it */
	size_t start, end;
	const char *sentence;
	size_t sentence_start, sentence_end;
} doppel_fact_site;

/*
 * One fact as two articles state it. A name is a whole name, found
 * however the article writes it again ("Ilse Maria Varga", "Varga", "I.
 * Varga"), and across articles by surname with initials, by acronym
 * ("NFLA", "National Front for the Liberation of Arvenia") and across
 * spellings (Tomasz/Tomas, Ødegård/Odegaard); a role or title stays apart
 * from the name. A number keeps its range, unit and the thing it counts
 * ("1,500 to 2,000 volunteers", "$3.2 billion"); a date its range ("from 3
 * to 7 June") and the happening next to it. A quote is four or more words
 * both quote alike.
 */
typedef struct doppel_fact_pair {
	const char *kind;   /* "person", "organisation", "place", "name"
	                       (a name of no kind told), "number", "date",
	                       "quote" */
	const char *role;   /* a person's role or title, as one article
	                       writes it ("Deputy Prime Minister"); else NULL */
	const char *what;   /* what a number counts ("volunteers"), the
	                       happening a date dates ("agreed"); else NULL */
	const char *differ; /* in disagreements: "spelling" (one person or
	                       body written two ways), "name" (the same surname
	                       with another given name, or one role held by
	                       another person), "number" (another figure for the
	                       same thing counted), "date" (another date for the
	                       same happening); else NULL */
	doppel_fact_site a, b;
} doppel_fact_pair;

/* Why two articles are related (or not). */
typedef struct doppel_explanation {
	doppel_pair pair; /* relation and figures; a and b are the
	                                    ids given, in the order given, and
	                                    pair.basis tells the direction:
	                                    a_source says which is the source;
	                                    pair.passages are the passages the
	                                    two share, whatever the relation
	                                    (as stored for a stored derivation,
	                                    else measured now) */
	int a_source;     /* 1: a is the source, 0: b is, -1:
	                                    not known or not a derivation */
	size_t naligned;
	const doppel_aligned *aligned; /* in the order of the text */
	size_t nonly_a, nonly_b;
	const char *const *only_a; /* sentences of a aligned with none of b */
	const char *const *only_b;
	size_t nshared, nfacts_a, nfacts_b;
	const doppel_fact *shared;  /* facts_shared, as written in a */
	const doppel_fact *facts_a; /* facts_only_a, as written in a */
	const doppel_fact *facts_b; /* facts_only_b, as written in b */
	int stored;                 /* 1: the relation, direction and
	                                    figures are those an index stores
	                                    for the pair (doppel_index_explain());
	                                    0: measured by this call */
	/* The facts, each with where each article states it, in the order of
	 * a's text, then of b's: names first, then numbers, dates, quotes. */
	size_t nfacts_shared, nfacts_only_a, nfacts_only_b, ndisagreements;
	const doppel_fact_pair *facts_shared;  /* stated alike by both; a
	                                          range that holds the other's
	                                          figure or date counts as alike */
	const doppel_fact_pair *facts_only_a;  /* b.text is NULL */
	const doppel_fact_pair *facts_only_b;  /* a.text is NULL */
	const doppel_fact_pair *disagreements; /* one fact stated two ways */
	/* Of the template slots both fill (the words around a name, a number
	 * with its unit and thing counted, a date with its happening), the
	 * share they fill with other names, figures or dates: near 1 for two
	 * templated reports (the same sentences with other figures), 0 for a
	 * copy; independent reports vary, as their figures do (doc/FORMAT.md);
	 * 0 when they share no slot. */
	double conflict;
	/* The text of each passage of pair.passages, in a and in b (copies,
	 * NUL-terminated, pair.npassages of each). */
	const char *const *passage_a;
	const char *const *passage_b;
} doppel_explanation;

/*
 * Compares two articles and explains the result. The relation and its
 * direction are those a scan of the two alone states (doppel_scan, the
 * same engine and rules: templated reports, headlines, passages); the
 * evidence is measured here. Word weights come from the two articles
 * alone (with the built-in prior), so figures may differ slightly from a
 * scan's of a corpus, whose weights come from the whole corpus.
 * Every call loads the WordNet data (about 40 MB, a large part of the
 * call's time) and frees it; for stored articles, doppel_index_explain()
 * keeps it in the index handle. stored is 0.
 * On success *out is the caller's; release with doppel_explanation_free().
 * Errors (no WordNet data, no memory) leave a message in errmsg.
 */
DOPPEL_API int doppel_explain(const doppel_params *p, const doppel_article *a,
                              const doppel_article *b, doppel_explanation **out, char *errmsg,
                              size_t errlen);
DOPPEL_API void doppel_explanation_free(doppel_explanation *e);

/* ----------------------------------------------------------------- index */

typedef struct doppel_index doppel_index;

/* Flags of doppel_index_open(). */
#define DOPPEL_OPEN_READONLY 0x1 /* never write; a missing file is an error */
#define DOPPEL_OPEN_CREATE 0x2   /* create the file if it is not there */
/* take the [stored] parameters from an existing database instead of
 * checking them against p (a new one gets p's) */
#define DOPPEL_OPEN_ADOPT 0x4
/* load the signatures on the first add or query, not on open: for handles
 * that only read stored articles, relations and stories */
#define DOPPEL_OPEN_LAZY 0x8

/*
 * Opens (or creates) an index in an SQLite database file, in WAL mode, and
 * rebuilds the in-memory LSH tables from the stored signatures (and, when
 * p->relations asks for rewrites, events or stories, those of the synonym
 * and anchor views, and the postings of rare anchors).
 *
 * Several handles may be open on one file at once, in one process or
 * several: one writes, the others read (READONLY, best with LAZY). A
 * reading handle sees every batch committed before its call began and
 * never waits for a writer.
 * One writer per database: a handle opened without READONLY holds an
 * exclusive lock (flock(2)) on the file PATH.lock beside the database,
 * created when missing, until doppel_index_close(). Another handle that
 * asks to write, in this process or another, fails at once with
 * DOPPEL_E_BUSY and a message naming the holder from that file: "news.db
 * is in use by doppel serve (pid 4242)", p->program and the holder's
 * process id. The lock ends with its process, however it ends, so a lock
 * file left by a killed process blocks nobody; the file itself stays.
 * The lock holds on a local file system, not across machines.
 * The stored [stored] parameters must equal p's (DOPPEL_E_MISMATCH names the
 * first that differs); a file that is not a doppel database is
 * DOPPEL_E_NOTDB; a damaged one (cut short, a page overwritten) is
 * DOPPEL_E_DB, here or at the first call that reads the damage, with a
 * message naming the file ("news.db: the database is damaged: …"); a file
 * that cannot be written without READONLY is DOPPEL_E_READONLY.
 * On success *out is the caller's; release with doppel_index_close(). On
 * failure *out is NULL and, when errmsg is not NULL, a message is written
 * to errmsg (size errlen).
 */
DOPPEL_API int doppel_index_open(doppel_index **out, const char *path, const doppel_params *p,
                                 unsigned flags, char *errmsg, size_t errlen);

/* Closes the database cleanly (checkpointing the WAL). NULL is a no-op. */
DOPPEL_API void doppel_index_close(doppel_index *x);

/* What doppel_index_add() does with an id already in the index. */
typedef enum doppel_on_dup {
	DOPPEL_DUP_SKIP = 0,    /* keep the stored article; report "skipped" */
	DOPPEL_DUP_REPLACE = 1, /* replace the stored article */
	DOPPEL_DUP_ERROR = 2    /* reject the new one with DOPPEL_E_DUPID */
} doppel_on_dup;

/* What happened to one article of a batch. */
typedef enum doppel_outcome {
	DOPPEL_ADDED = 0,
	DOPPEL_REPLACED = 1,
	DOPPEL_SKIPPED = 2, /* id present, DOPPEL_DUP_SKIP */
	DOPPEL_QUERIED = 3, /* doppel_index_query(): not added */
	DOPPEL_REJECTED = 4 /* see doppel_result.error */
} doppel_outcome;

/* "added", "replaced", "skipped", "queried", "rejected"; never NULL. */
DOPPEL_API const char *doppel_outcome_name(doppel_outcome o);

/* The result for one article of a batch. */
typedef struct doppel_result {
	const char *id;
	doppel_outcome outcome;
	int error;      /* status when REJECTED, else DOPPEL_OK */
	uint32_t words; /* content words after normalization */
	size_t count;   /* matches, strongest first */
	const doppel_match *matches;
	const char *event; /* the event and story the article joined
	                                (ADDED, REPLACED) or would join
	                                (QUERIED); NULL when rewrites, events
	                                and stories are not looked for */
	const char *story;
} doppel_result;

/*
 * Adds the articles of b, in order, in one transaction: each is compared
 * with the index and with the articles before it in the batch, then stored
 * with its relations, its event and its story.
 *
 * Events and stories in an index grow online, in the order articles are
 * added: an article joins the event of the article it derives from or
 * reports the same event as (the strongest such relation), else starts an
 * event; a new event joins the story of its strongest same-story relation,
 * else starts a story. An article that joins one event and also derives
 * from or reports another merges the two (the older event's id stays).
 * Stories never merge: one generic article cannot chain two storylines.
 * An event's and a story's id is the id of the article that started it,
 * and stays when that article is deleted.
 * When the call returns DOPPEL_OK the whole batch is durable (it survives a
 * killed process). An article whose id repeats is handled by on_dup; other
 * per-article problems give DOPPEL_REJECTED results, not a failed call.
 * A failed call (DOPPEL_E_DB, DOPPEL_E_IO, …) stores nothing of the batch.
 */
DOPPEL_API int doppel_index_add(doppel_index *x, const doppel_batch *b, doppel_on_dup on_dup);

/* Compares the articles of b with the index without adding them. */
DOPPEL_API int doppel_index_query(doppel_index *x, const doppel_batch *b);

/*
 * Does ahead of time, on the calling thread, the part of adding or
 * querying an article that needs nothing of the index but its parameters
 * and boilerplate line counts: normalization, the signature and (for
 * relations beyond copy) sentences and facts. The result is kept in b,
 * and the next doppel_index_add() or doppel_index_query() of b on x uses
 * it (and uses it up) instead of doing that work itself. The results are
 * those of an add without it, except that lines count as boilerplate as
 * they did when b was prepared (as within one batch).
 *
 * The one exception to the rule of one thread per handle: any number of
 * threads may call this at once, while another adds to, queries or
 * deletes from x; not while x is being opened or closed. It needs a handle
 * opened without DOPPEL_OPEN_LAZY or DOPPEL_OPEN_READONLY; on another it
 * prepares nothing and returns DOPPEL_OK. Per-article problems are left
 * for the add to report; this call fails only with DOPPEL_E_NOMEM. It does
 * not set x's errmsg.
 */
DOPPEL_API int doppel_index_prepare(doppel_index *x, doppel_batch *b);

/* Results of the last add or query: one per article of the batch, in order.
 * Borrowed; valid until the next add or query on this index. */
DOPPEL_API int doppel_index_result(const doppel_index *x, size_t i, doppel_result *out);

/* Articles in the index. */
DOPPEL_API uint64_t doppel_index_count(const doppel_index *x);

/* The parameters in use (the stored ones as the database has them). */
DOPPEL_API void doppel_index_params(const doppel_index *x, doppel_params *out);

/* A stored article. */
typedef struct doppel_stored {
	doppel_article article; /* as added; origin is NULL */
	uint32_t words;         /* content words after normalization */
	const char *event;      /* NULL when added without event detection */
	const char *story;
	int64_t added; /* when stored, seconds since 1970-01-01 UTC */
} doppel_stored;

/*
 * The stored article with this id. Borrowed; valid until the next call on
 * this index. DOPPEL_E_NOTFOUND when there is none.
 */
DOPPEL_API int doppel_index_get(doppel_index *x, const char *id, doppel_stored *out);

/*
 * Every stored relation of the article with this id, seen from it,
 * strongest first. Relations are found when an article is added, with the
 * articles stored before it; each is kept once and seen from both sides.
 * Borrowed; valid until the next call on this index. DOPPEL_E_NOTFOUND
 * when there is no such article.
 */
DOPPEL_API int doppel_index_relations(doppel_index *x, const char *id, size_t *count,
                                      const doppel_match **out);

/*
 * Removes the article with this id, its text and its relations, durably
 * (one transaction). The events and stories it was in keep their ids and
 * their other articles. DOPPEL_E_NOTFOUND when there is none;
 * DOPPEL_E_READONLY on a read-only handle.
 */
DOPPEL_API int doppel_index_delete(doppel_index *x, const char *id);

/* A story in a list: enough to choose one. */
typedef struct doppel_story_info {
	const char *id;
	const char *title;   /* the title of its first article; may be NULL */
	int32_t first, last; /* dates of its earliest and latest articles, or
	                           DOPPEL_NO_DATE */
	size_t events, articles;
} doppel_story_info;

/*
 * Stories of two articles or more whose latest date is on or after since
 * (DOPPEL_NO_DATE: all), by first date then id, at most limit of them
 * (0: no limit). Borrowed; valid until the next call on this index.
 */
DOPPEL_API int doppel_index_stories(doppel_index *x, int32_t since, size_t limit, size_t *count,
                                    const doppel_story_info **out);

/*
 * The story with this id: its events in date order, each with its origin
 * (the earliest article, then the one most derive from), the articles
 * derived from it and how, and the independent reports, in the shapes
 * doppel_scan_story() gives. Borrowed; valid until the next call on this
 * index. DOPPEL_E_NOTFOUND when there is none.
 */
DOPPEL_API int doppel_index_story(doppel_index *x, const char *id, doppel_story *out);

/* What doppel_index_check() found. */
typedef struct doppel_check {
	int integrity;              /* 1 when SQLite's integrity_check said ok */
	uint64_t articles;          /* stored articles checked */
	uint64_t signatures;        /* of them, whose signature or figures made
	                        again from the stored text differ from the
	                        stored ones (or that could not be related
	                        again) */
	uint64_t relations;         /* stored relations checked */
	uint64_t missing;           /* stored relations not found again */
	uint64_t extra;             /* relations found again that are not stored */
	uint64_t gaps;              /* articles deleted or replaced since: the others
	                        were once related beside them, so some
	                        differences are to be expected */
	char first[512];            /* the first difference, readable; "" when none */
	int mixed;                  /* 1 when writers looked for different relations:
	                        then relation differences are expected */
	unsigned relations_checked; /* DOPPEL_FIND_* bits related again: those
	                               the database was written with, when it
	                               says, else those of p */
	int rules;                  /* 1 when some stored relations were made
	                               by another version's rules (an older
	                               doppel): relation differences are then
	                               expected */
} doppel_check;

/*
 * Checks the database at path without changing it (beside a writer, too):
 * SQLite's integrity check, then every stored article related again, in
 * the order it was added and with its stored text, by the same engine in
 * memory with the stored parameters and the relations it was written with
 * (those of p when it does not say, or when writers looked for different
 * sets): its signature and its relations with the articles before it must
 * be what is stored.
 * DOPPEL_OK when the check could run (what it found is in *out, sound
 * when integrity holds and signatures, missing and extra are 0; missing
 * and extra are to be expected when mixed or rules is set); otherwise a
 * status, with a message in errmsg.
 */
DOPPEL_API int doppel_index_check(const char *path, const doppel_params *p, doppel_check *out,
                                  char *errmsg, size_t errlen);

/*
 * Explains two stored articles, a and b by id, in the shape of
 * doppel_explain(): their relation, and the evidence measured again from
 * their stored texts (aligned sentences, what only one of them says, the
 * facts both state, those only one states and those they state two ways).
 *
 * The relation agrees with the index: when it stores one for the pair (the
 * one doppel_index_relations() shows), the explanation reports it, with
 * its direction and figures, and stored is 1; aligned, anchors, names and
 * topic, which the index leaves at 0 for a duplicate or copy found on word
 * shingles alone, are then the ones measured now. When it stores none
 * (stored 0), relation, direction and figures are measured now, as
 * doppel_explain() measures them with the handle's parameters: the pair
 * may relate although the index, which compares only candidates, did not
 * find it. The evidence is measured with word weights from the two
 * articles alone and the built-in boilerplate rules, not with the index's
 * counts, so that every handle gives the same answer whatever was added
 * since; its figures may differ slightly from the stored ones.
 *
 * The first call loads the WordNet data and keeps it until
 * doppel_index_close(), unless the handle holds it already (one that adds
 * rewrites, events or stories): later calls cost the reading and
 * segmenting of two texts, a few milliseconds. It never loads the
 * signatures, so a READONLY | LAZY handle answers at once.
 * On success *out is the caller's; release with doppel_explanation_free().
 * DOPPEL_E_NOTFOUND when an id is not in the index, the message naming
 * which ("b: no article ID"); DOPPEL_E_IO when the WordNet data cannot be
 * read; the detail of every error in doppel_index_errmsg().
 */
DOPPEL_API int doppel_index_explain(doppel_index *x, const char *id_a, const char *id_b,
                                    doppel_explanation **out);

DOPPEL_API void doppel_index_stats(const doppel_index *x, doppel_stats *out);

/* Detail of the last error; never NULL. */
DOPPEL_API const char *doppel_index_errmsg(const doppel_index *x);

#ifdef __cplusplus
}
#endif
#endif /* DOPPEL_H */
