/*
 * serve.h — declarations shared by the files of `doppel serve`:
 * serve.c (the HTTP side: daemon, routing, authentication, bodies,
 * replies, metrics, signals) and serve_api.c (the endpoints over the index,
 * and the writer thread that owns the one writing handle).
 */
#ifndef DOPPEL_SERVE_H
#define DOPPEL_SERVE_H

#include "cli.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>

/* Endpoints, as /metrics labels them. */
enum endpoint {
	EP_UNKNOWN,
	EP_HEALTHZ,
	EP_VERSION,
	EP_METRICS,
	EP_ARTICLES,  /* /articles */
	EP_ARTICLE,   /* /articles/{id} */
	EP_RELATIONS, /* /articles/{id}/relations */
	EP_STORIES,   /* /stories */
	EP_STORY,     /* /stories/{id} */
	EP_EXPLAIN,   /* /explain */
	EP_COUNT
};

enum method {
	M_GET,
	M_POST,
	M_DELETE,
	M_OTHER,
	M_COUNT
};

/* What the writer thread does with a job. */
enum job_kind {
	JOB_ADD,
	JOB_REPLACE,
	JOB_QUERY,
	JOB_DELETE
};

/* Work for the writer handle. The request that made it waits, suspended,
 * until the writer has filled status and reply and resumed it. */
struct job {
	enum job_kind kind;
	doppel_batch *batch; /* ADD, REPLACE, QUERY */
	size_t narticles;    /* in batch when queued */
	char *id;            /* DELETE */
	struct MHD_Connection *conn;
	struct job *next;
	unsigned status;
	json_t *reply;
};

/* One request, from its first call to its completion. */
struct request {
	double start;
	enum endpoint ep;
	enum method method;
	unsigned status; /* of the reply queued; 0: none yet */
	char *id;        /* {id} of the path, decoded */
	char *body;
	size_t len, cap;
	bool too_big;    /* the body grew past --max-body: discarded */
	struct job *job; /* handed to the writer */
};

/* Latency buckets of the histograms, seconds. */
#define SERVE_BUCKETS 12
/* Statuses counted by name; others count as "other". */
#define SERVE_STATUSES 16

struct metrics {
	pthread_mutex_t mu;
	uint64_t requests[EP_COUNT][M_COUNT][SERVE_STATUSES + 1];
	uint64_t buckets[EP_COUNT][SERVE_BUCKETS + 1];
	double seconds[EP_COUNT];
	uint64_t count[EP_COUNT];
	uint64_t rejected; /* inputs refused: bodies, articles */
};

struct reader;

struct server {
	struct cli *c;
	struct MHD_Daemon *daemon;
	unsigned open_flags; /* DOPPEL_OPEN_ADOPT or 0 */
	char *token;         /* NULL: no authentication */
	size_t token_len;
	atomic_bool stopping;
	atomic_int in_flight; /* requests begun and not completed */

	/* The writer: one handle, one thread, a queue of jobs. */
	doppel_index *writer;
	pthread_t writer_thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job *head, *tail;
	bool writer_quit; /* no more jobs are taken */
	atomic_uint_least64_t articles;
	/* Preparing the articles of writes (normalizing, signatures,
	 * sentences: most of the work of an add) on threads of their own,
	 * which yield the processors to the request threads: a read is not
	 * held up behind a write's articles. Jobs wait in their own queue
	 * (under mu) and go on to the writer's. */
	pthread_t *prep_thread;
	unsigned nprep;
	pthread_cond_t prep_cv;
	struct job *prep_head, *prep_tail;
	bool prep_quit;

	/* Reading handles, one per request thread, opened on first use. */
	pthread_mutex_t readers_mu;
	struct reader *readers;

	struct metrics metrics;

	/* Connections, so that one that takes longer than --timeout to send a
	 * request (a byte at a time, say) is closed: libmicrohttpd's own
	 * timeout counts only idle time. */
	pthread_mutex_t watch_mu;
	struct conn_watch *watch;
	pthread_t watch_thread;
	atomic_bool watch_quit;
};

/* serve.c */
/* Sends text (len bytes of type; freed here) with the headers its status
 * needs (serve_reply.c). */
enum MHD_Result serve_queue(struct MHD_Connection *conn, struct request *rq, unsigned status,
                            char *text, size_t len, const char *type);
enum MHD_Result serve_reply(struct MHD_Connection *conn, struct request *rq, unsigned status,
                            json_t *body);
enum MHD_Result serve_error(struct MHD_Connection *conn, struct request *rq, unsigned status,
                            const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The decoded value of a query argument; caller owns; release with free().
 * NULL when absent; *bad set when it is not valid percent-encoded UTF-8. */
char *serve_arg(struct MHD_Connection *conn, const char *key, bool *bad);
void serve_count_rejected(struct server *s, uint64_t n);

/* serve_parse.c: what the server makes of a client's bytes, with no call
 * to libmicrohttpd (a fuzz target calls these as the server does). */

/* Whether s[0..n) is UTF-8 (RFC 3629); else the offset of the first bad
 * byte in *bad_at (may be NULL). */
bool serve_utf8_valid(const char *s, size_t n, size_t *bad_at);
/* Percent-decodes s[0..n) into a new string; NULL when an escape is
 * malformed, decodes to NUL, or the result is not UTF-8 (or no memory). In
 * a query string (query) "+" is a space. Caller owns; release with free(). */
char *serve_percent_decode(const char *s, size_t n, bool query);
/* Finds the endpoint of a path as sent (escapes undecoded) into rq->ep.
 * Returns 0, or 400 when the {id} segment does not decode, or 404 when
 * nothing matches; rq->id is the decoded {id} (caller owns; free()). */
unsigned serve_route(const char *url, struct request *rq);
/* A flag argument's decoded value: "1", "true", "yes", "": 1; "0",
 * "false", "no", NULL (absent): 0; anything else -1. */
int serve_flag_value(const char *v);
/* The since= and limit= arguments of GET /stories (NULL: absent) into *day
 * and *lim (left as they are when absent). NULL when both are good, else
 * the message of the 400. */
const char *serve_stories_args(const char *since, const char *limit, int32_t *day,
                               unsigned long long *lim);
/* A POST /articles body (JSON Lines when lines, else an article object or
 * an array of them) into b. false with the message of the 400 in err when
 * the body is empty, not UTF-8, malformed, or repeats an id. */
bool serve_parse_articles(const char *body, size_t len, bool lines, doppel_batch *b, char *err,
                          size_t errlen);
/* Whether the n bytes given equal token (len bytes), in a time that
 * depends on len and n only, never on where they differ. */
bool serve_token_equal(const char *token, size_t len, const char *given, size_t n);

/* serve_api.c */
/* Starts the preparing threads and the writer thread; -1 when the writer
 * cannot start. */
int serve_writer_start(struct server *s);
/* Takes every job queued so far, then ends the preparing and writer
 * threads. */
void serve_writer_stop(struct server *s);
void serve_readers_close(struct server *s);
/* The request thread's reading handle, opened on its first call; NULL
 * with a message in err when it cannot be opened. */
doppel_index *serve_reader(struct server *s, char *err, size_t errlen);
void job_free(struct job *j);
enum MHD_Result api_post_articles(struct server *s, struct MHD_Connection *conn,
                                  struct request *rq);
enum MHD_Result api_delete_article(struct server *s, struct MHD_Connection *conn,
                                   struct request *rq);
enum MHD_Result api_get_article(struct server *s, struct MHD_Connection *conn,
                                struct request *rq);
enum MHD_Result api_get_relations(struct server *s, struct MHD_Connection *conn,
                                  struct request *rq);
enum MHD_Result api_get_stories(struct server *s, struct MHD_Connection *conn,
                                struct request *rq);
enum MHD_Result api_get_story(struct server *s, struct MHD_Connection *conn,
                              struct request *rq);
enum MHD_Result api_explain(struct server *s, struct MHD_Connection *conn, struct request *rq);

#endif
