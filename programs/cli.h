/*
 * cli.h — shared declarations of the doppel command's files. The command
 * uses the library only through include/doppel.h.
 */
#ifndef DOPPEL_CLI_H
#define DOPPEL_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "doppel.h"

/* Exit codes, documented in doc/doppel.1. */
enum {
	EXIT_OK = 0,
	EXIT_FATAL = 1,   /* could not run: database, memory, I/O */
	EXIT_USAGE = 2,   /* bad command line */
	EXIT_REJECTED = 3 /* finished, but some records were rejected */
};

/* Articles and bytes a batch collects before it is processed. */
#define CLI_BATCH_ARTICLES 1024
#define CLI_BATCH_BYTES (16u << 20)

/* Everything the command line sets. */
struct cli {
	const char *cmd;
	doppel_params params;
	doppel_read_options read;
	bool stored_set; /* --shingle, --k or --seed given */
	bool json, verbose, quiet;
	int progress; /* -1: when stderr is a terminal */
	const char *db;
	doppel_on_dup on_dup;
	char **paths;
	int npaths;
	uint64_t rejected; /* records rejected, all causes */
	uint64_t cp1252;   /* records read as Windows-1252 */
	/* serve */
	const char *listen; /* "HOST:PORT" */
	const char *token_file;
	bool no_auth;      /* no token beyond loopback, on purpose */
	bool read_only;    /* answer reads only; the index is never written */
	uint64_t max_body; /* bytes */
	unsigned timeout;  /* seconds */
};

/* cli_scan.c */
int cli_scan(struct cli *c);
int cli_stories(struct cli *c);
int cli_explain(struct cli *c);

/* cli_index.c */
int cli_add(struct cli *c);
int cli_query(struct cli *c);
int cli_check(struct cli *c);
/* `doppel stories --db FILE`: the stories of an index. */
int cli_stories_db(struct cli *c);
/* `doppel explain --db FILE A B`: explains the stored articles A and B. */
int cli_explain_stored(struct cli *c);

/* serve.c */
int cli_serve(struct cli *c);

/* json.c: the JSON shapes of results, the same for --json and the service.
 * Each returns a new reference. */
#define CLI_JSON_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(6))
json_t *date_json(int32_t d); /* "YYYY-MM-DD" or null */
json_t *str_or_null(const char *s);
json_t *group_json(const doppel_group *g);
json_t *match_json(const doppel_match *m);
json_t *matches_json(const doppel_match *m, size_t n);
json_t *result_json(const doppel_result *r);
json_t *pair_json(const doppel_pair *p);
json_t *story_json(const doppel_story *st);
json_t *story_info_json(const doppel_story_info *s);
json_t *stored_json(const doppel_stored *s);
json_t *explanation_json(const doppel_explanation *e);
/* "origin", "derived" or "independent": the i-th member of an event. */
const char *member_role(const doppel_event_member *m, size_t i);

/* output.c */

/* "doppel: " + message on stderr (always: errors). */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same unless --quiet (warnings and notices). */
void cli_warn(const struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reports a reader error and counts it. */
void cli_reader_error(struct cli *c, const doppel_reader *r);
/* Reports the reader's warning about the article it just returned, if any. */
void cli_reader_warning(const struct cli *c, const doppel_reader *r);
/* Adds what a reader counted, when its reading is done, to c. */
void cli_reader_done(struct cli *c, const doppel_reader *r);

/* A reader over c->paths with c->read options; NULL after an error. */
doppel_reader *cli_reader(struct cli *c);

/* Progress on stderr: articles, bytes, rates; at most twice a second. */
struct progress {
	bool on;
	double start, last;
	uint64_t articles;
};
void progress_start(struct progress *p, const struct cli *c);
void progress_update(struct progress *p, uint64_t articles, uint64_t bytes, const char *phase);
void progress_end(struct progress *p);
/* Seconds since progress_start(). */
double progress_elapsed(const struct progress *p);

/* Writes one group of a scan, as text or JSON Lines. */
void print_group(const struct cli *c, size_t index, const doppel_group *g);
/* Writes the relations of a finished scan other than those its groups
 * show (text), or all of them (JSON). */
void print_pairs(const struct cli *c, const doppel_scan *s);
/* Writes one story. */
void print_story(const struct cli *c, size_t index, const doppel_story *st);
/* Writes an explanation. */
void print_explanation(const struct cli *c, const doppel_explanation *e);
/* Writes the result of one article of add/query. */
void print_result(const struct cli *c, const doppel_result *r, const doppel_article *a);
/* -v: parameters and counters on stderr. */
void print_stats(const struct cli *c, const doppel_stats *st, double seconds);

#endif
