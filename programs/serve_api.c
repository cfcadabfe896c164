/*
 * serve_api.c — the endpoints of `doppel serve` over the index.
 *
 * Writes (POST /articles, its dry run, DELETE) go to one writing handle
 * owned by one writer thread. A request parses and checks its body on its
 * own thread, queues a job and is suspended; a preparing thread prepares
 * its articles (doppel_index_prepare) and passes it on to the writer, which
 * takes every job queued meanwhile and adds the small ones as one batch
 * (group commit: one transaction, one sync, for many single-article
 * POSTs), then answers each with its own results and resumes it. A reply
 * is sent only after doppel_index_add() has committed. The preparing
 * threads and the writer run at a lower priority (WRITE_NICE) than the
 * request threads: reads are answered first, writes take what is left.
 *
 * Reads go through a read-only handle per request thread, opened lazily;
 * SQLite's WAL lets them read while the writer writes, so a GET never
 * waits behind a long batch.
 */
#include "serve.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Jobs of at most this many articles are grouped with others, up to
 * GROUP_ARTICLES articles in one batch. */
#define GROUP_JOB_MAX 64
#define GROUP_ARTICLES 512
/* The niceness of the threads that prepare and write: above the request
 * threads', so that a read that arrives while the processors are busy
 * with writes gets one at once (bench/README.md, make bench-serve (c)). */
#define WRITE_NICE 10
/* A 409 names at most this many ids. */
#define CONFLICT_NAMES 20
/* GET /stories without limit= returns at most this many. */
#define STORIES_DEFAULT_LIMIT 100

struct reader {
	doppel_index *x;
	struct reader *next;
};

/* The reading handle of this request thread. */
static _Thread_local struct reader *thread_reader;

void job_free(struct job *j)
{
	if (!j)
		return;
	doppel_batch_free(j->batch);
	free(j->id);
	json_decref(j->reply);
	free(j);
}

static json_t *error_json(unsigned status, const char *msg)
{
	json_t *m = json_string(msg);
	return json_pack("{s:{s:i,s:o}}", "error", "code", (int)status, "message",
	                 m ? m : json_string("(message not UTF-8)"));
}

/* --------------------------------------------------------------- writer */

static void job_done(struct job *j, unsigned status, json_t *reply)
{
	j->status = status;
	j->reply = reply;
}

/* Answers a job: after this call it belongs to its request again. */
static void job_resume(struct job *j)
{
	MHD_resume_connection(j->conn);
}

static bool ids_collide(const doppel_batch *a, const doppel_batch *b)
{
	for (size_t i = 0; i < doppel_batch_count(a); i++)
		for (size_t k = 0; k < doppel_batch_count(b); k++)
			if (strcmp(doppel_batch_article(a, i)->id,
			           doppel_batch_article(b, k)->id) == 0)
				return true;
	return false;
}

/* 409 when some ids of an ADD job are in the index already. */
static bool conflicts(struct server *s, struct job *j)
{
	json_t *ids = NULL;
	size_t n = doppel_batch_count(j->batch), found = 0;
	char msg[1024];
	size_t ml = 0;
	for (size_t i = 0; i < n; i++) {
		const char *id = doppel_batch_article(j->batch, i)->id;
		doppel_stored st;
		if (doppel_index_get(s->writer, id, &st) != DOPPEL_OK)
			continue;
		if (!ids)
			ids = json_array();
		if (found++ < CONFLICT_NAMES) {
			json_array_append_new(ids, json_string(id));
			int w = snprintf(msg + ml, sizeof(msg) - ml, "%s\"%s\"", ml ? ", " : "",
			                 id);
			if (w > 0 && (size_t)w < sizeof(msg) - ml)
				ml += (size_t)w;
		}
	}
	if (!found)
		return false;
	char full[1200];
	snprintf(full, sizeof(full),
	         "%zu id%s already in the index (?replace=1 replaces): %s%s", found,
	         found == 1 ? "" : "s", msg, found > CONFLICT_NAMES ? ", …" : "");
	json_t *reply = error_json(MHD_HTTP_CONFLICT, full);
	json_object_set_new(json_object_get(reply, "error"), "ids", ids);
	serve_count_rejected(s, 1);
	job_done(j, MHD_HTTP_CONFLICT, reply);
	return true;
}

/* Adds (or queries) the articles of jobs[0..n) as one batch and answers
 * each job with its own results. */
static void run_group(struct server *s, struct job **jobs, size_t n, doppel_batch *merged)
{
	const doppel_batch *b = jobs[0]->batch;
	if (n > 1) {
		/* The articles move, with what their request threads prepared. */
		doppel_batch_clear(merged);
		for (size_t k = 0; k < n; k++)
			if (doppel_batch_take(merged, jobs[k]->batch) != DOPPEL_OK)
				goto nomem;
		b = merged;
	}
	enum job_kind kind = jobs[0]->kind;
	int rc = kind == JOB_QUERY ? doppel_index_query(s->writer, b)
	                           : doppel_index_add(s->writer, b,
	                                              kind == JOB_REPLACE ? DOPPEL_DUP_REPLACE
	                                                                  : DOPPEL_DUP_ERROR);
	if (rc != DOPPEL_OK) {
		for (size_t k = 0; k < n; k++)
			job_done(jobs[k], MHD_HTTP_INTERNAL_SERVER_ERROR,
			         error_json(MHD_HTTP_INTERNAL_SERVER_ERROR,
			                    doppel_index_errmsg(s->writer)));
		return;
	}
	if (kind != JOB_QUERY)
		atomic_store(&s->articles, doppel_index_count(s->writer));
	size_t at = 0;
	uint64_t rejected = 0;
	for (size_t k = 0; k < n; k++) {
		json_t *results = json_array();
		for (size_t i = 0; i < jobs[k]->narticles; i++, at++) {
			doppel_result r;
			if (doppel_index_result(s->writer, at, &r) != DOPPEL_OK)
				continue;
			rejected += r.outcome == DOPPEL_REJECTED;
			json_array_append_new(results, result_json(&r));
		}
		job_done(jobs[k], kind == JOB_QUERY ? MHD_HTTP_OK : MHD_HTTP_CREATED,
		         json_pack("{s:o}", "results", results));
	}
	if (rejected)
		serve_count_rejected(s, rejected);
	return;
nomem:
	for (size_t k = 0; k < n; k++)
		job_done(jobs[k], MHD_HTTP_INTERNAL_SERVER_ERROR,
		         error_json(MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory"));
}

static void run_delete(struct server *s, struct job *j)
{
	int rc = doppel_index_delete(s->writer, j->id);
	if (rc == DOPPEL_E_NOTFOUND) {
		job_done(j, MHD_HTTP_NOT_FOUND,
		         error_json(MHD_HTTP_NOT_FOUND, "no such article"));
	} else if (rc != DOPPEL_OK) {
		job_done(j, MHD_HTTP_INTERNAL_SERVER_ERROR,
		         error_json(MHD_HTTP_INTERNAL_SERVER_ERROR,
		                    doppel_index_errmsg(s->writer)));
	} else {
		atomic_store(&s->articles, doppel_index_count(s->writer));
		job_done(j, MHD_HTTP_OK, json_pack("{s:s,s:b}", "id", j->id, "deleted", 1));
	}
}

/* Runs the jobs of one list taken from the queue, in order. */
static void run_jobs(struct server *s, struct job *list, doppel_batch *merged)
{
	struct job *group[GROUP_ARTICLES];
	while (list) {
		struct job *j = list;
		list = j->next;
		if (j->kind == JOB_DELETE) {
			run_delete(s, j);
			job_resume(j);
			continue;
		}
		if (j->kind == JOB_ADD && conflicts(s, j)) {
			job_resume(j);
			continue;
		}
		size_t n = 0, articles = doppel_batch_count(j->batch);
		group[n++] = j;
		/* Small jobs of the same kind that follow join the batch, unless
		 * an id repeats: that one waits for the next batch, where it
		 * finds the first in the index. */
		while (articles <= GROUP_JOB_MAX && list && list->kind == j->kind &&
		       doppel_batch_count(list->batch) <= GROUP_JOB_MAX &&
		       articles + doppel_batch_count(list->batch) <= GROUP_ARTICLES) {
			struct job *next = list;
			bool collide = false;
			for (size_t k = 0; k < n && !collide; k++)
				collide = ids_collide(group[k]->batch, next->batch);
			if (collide)
				break;
			list = next->next;
			if (next->kind == JOB_ADD && conflicts(s, next)) {
				job_resume(next);
				continue;
			}
			group[n++] = next;
			articles += doppel_batch_count(next->batch);
		}
		run_group(s, group, n, merged);
		for (size_t k = 0; k < n; k++)
			job_resume(group[k]);
	}
}

/* Lowers the calling thread's priority to WRITE_NICE (the threads it
 * starts inherit it). Only a preference: nothing fails without it. */
static void yield_to_requests(void)
{
	(void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), WRITE_NICE);
}

static void *writer_main(void *arg)
{
	struct server *s = arg;
	yield_to_requests();
	doppel_batch *merged = doppel_batch_new();
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->head && !s->writer_quit)
			pthread_cond_wait(&s->cv, &s->mu);
		if (!s->head)
			break;
		struct job *list = s->head;
		s->head = s->tail = NULL;
		pthread_mutex_unlock(&s->mu);
		if (!merged) {
			for (struct job *j = list, *next; j; j = next) {
				next = j->next;
				job_done(j, MHD_HTTP_INTERNAL_SERVER_ERROR,
				         error_json(MHD_HTTP_INTERNAL_SERVER_ERROR,
				                    "out of memory"));
				job_resume(j);
			}
		} else {
			run_jobs(s, list, merged);
		}
		pthread_mutex_lock(&s->mu);
	}
	pthread_mutex_unlock(&s->mu);
	doppel_batch_free(merged);
	return NULL;
}

/* Appends j to the queue from *head to *tail and wakes a thread waiting
 * on cv; under s->mu. */
static void enqueue(struct job **head, struct job **tail, pthread_cond_t *cv, struct job *j)
{
	j->next = NULL;
	if (*tail)
		(*tail)->next = j;
	else
		*head = j;
	*tail = j;
	pthread_cond_signal(cv);
}

/* Appends j to the writer's queue; under s->mu. */
static void to_writer(struct server *s, struct job *j)
{
	enqueue(&s->head, &s->tail, &s->cv, j);
}

/* A preparing thread: takes jobs one at a time, prepares their articles
 * and hands them to the writer; at the end, once its queue is empty. */
static void *prep_main(void *arg)
{
	struct server *s = arg;
	yield_to_requests();
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->prep_head && !s->prep_quit)
			pthread_cond_wait(&s->prep_cv, &s->mu);
		struct job *j = s->prep_head;
		if (!j)
			break;
		s->prep_head = j->next;
		if (!s->prep_head)
			s->prep_tail = NULL;
		pthread_mutex_unlock(&s->mu);
		/* Only an optimization: the writer prepares what is left (an
		 * article this could not prepare, out of memory). */
		doppel_index_prepare(s->writer, j->batch);
		pthread_mutex_lock(&s->mu);
		to_writer(s, j);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* Ends the preparing threads once they have passed every job on. */
static void stop_preparing(struct server *s)
{
	pthread_mutex_lock(&s->mu);
	s->prep_quit = true;
	pthread_cond_broadcast(&s->prep_cv);
	pthread_mutex_unlock(&s->mu);
	for (unsigned i = 0; i < s->nprep; i++)
		pthread_join(s->prep_thread[i], NULL);
	s->nprep = 0;
	free(s->prep_thread);
	s->prep_thread = NULL;
	pthread_cond_destroy(&s->prep_cv);
}

int serve_writer_start(struct server *s)
{
	unsigned n = s->c->params.threads;
	if (!n) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		n = cores > 1 ? (unsigned)cores : 1;
	}
	if (pthread_cond_init(&s->prep_cv, NULL) != 0)
		return -1;
	s->prep_thread = calloc(n, sizeof(*s->prep_thread));
	/* Without preparing threads (out of memory, or none started) jobs go
	 * straight to the writer. */
	for (unsigned i = 0; s->prep_thread && i < n; i++) {
		if (pthread_create(&s->prep_thread[i], NULL, prep_main, s) != 0)
			break;
		s->nprep++;
	}
	if (pthread_create(&s->writer_thread, NULL, writer_main, s) != 0) {
		stop_preparing(s);
		return -1;
	}
	return 0;
}

void serve_writer_stop(struct server *s)
{
	/* The jobs being prepared reach the writer first. */
	stop_preparing(s);
	pthread_mutex_lock(&s->mu);
	s->writer_quit = true;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->writer_thread, NULL);
}

/* Queues a job and suspends its request until the writer answers. */
static enum MHD_Result submit(struct server *s, struct MHD_Connection *conn, struct request *rq,
                              struct job *j)
{
	j->conn = conn;
	rq->job = j;
	pthread_mutex_lock(&s->mu);
	bool open = !s->writer_quit && !s->prep_quit;
	if (open) {
		/* Suspended before the writer can resume it: under the lock. */
		MHD_suspend_connection(conn);
		if (j->batch && s->nprep)
			enqueue(&s->prep_head, &s->prep_tail, &s->prep_cv, j);
		else
			to_writer(s, j);
	}
	pthread_mutex_unlock(&s->mu);
	if (!open)
		return serve_error(conn, rq, MHD_HTTP_SERVICE_UNAVAILABLE, "shutting down");
	return MHD_YES;
}

/* -------------------------------------------------------------- readers */

doppel_index *serve_reader(struct server *s, char *err, size_t errlen)
{
	if (thread_reader)
		return thread_reader->x;
	struct reader *r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (doppel_index_open(&r->x, s->c->db, &s->c->params,
	                      DOPPEL_OPEN_READONLY | DOPPEL_OPEN_LAZY | s->open_flags, err,
	                      errlen) != DOPPEL_OK) {
		free(r);
		return NULL;
	}
	pthread_mutex_lock(&s->readers_mu);
	r->next = s->readers;
	s->readers = r;
	pthread_mutex_unlock(&s->readers_mu);
	thread_reader = r;
	return r->x;
}

/* After the daemon has stopped: its threads are gone. */
void serve_readers_close(struct server *s)
{
	struct reader *r = s->readers;
	while (r) {
		struct reader *next = r->next;
		doppel_index_close(r->x);
		free(r);
		r = next;
	}
	s->readers = NULL;
}

/* The thread's reading handle; when it cannot be opened, the request is
 * answered 500 (*r) and NULL returned. */
static doppel_index *reader_or_500(struct server *s, struct MHD_Connection *conn,
                                   struct request *rq, enum MHD_Result *r)
{
	char err[512];
	doppel_index *x = serve_reader(s, err, sizeof(err));
	if (!x)
		*r = serve_error(conn, rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "%s", err);
	return x;
}

static enum MHD_Result index_error(struct MHD_Connection *conn, struct request *rq,
                                   doppel_index *x, int rc, const char *what)
{
	if (rc == DOPPEL_E_NOTFOUND)
		return serve_error(conn, rq, MHD_HTTP_NOT_FOUND, "no such %s", what);
	return serve_error(conn, rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "%s",
	                   doppel_index_errmsg(x));
}

enum MHD_Result api_get_article(struct server *s, struct MHD_Connection *conn,
                                struct request *rq)
{
	enum MHD_Result r;
	doppel_index *x = reader_or_500(s, conn, rq, &r);
	if (!x)
		return r;
	doppel_stored st;
	int rc = doppel_index_get(x, rq->id, &st);
	if (rc != DOPPEL_OK)
		return index_error(conn, rq, x, rc, "article");
	return serve_reply(conn, rq, MHD_HTTP_OK, stored_json(&st));
}

enum MHD_Result api_get_relations(struct server *s, struct MHD_Connection *conn,
                                  struct request *rq)
{
	enum MHD_Result r;
	doppel_index *x = reader_or_500(s, conn, rq, &r);
	if (!x)
		return r;
	size_t n;
	const doppel_match *m;
	int rc = doppel_index_relations(x, rq->id, &n, &m);
	if (rc != DOPPEL_OK)
		return index_error(conn, rq, x, rc, "article");
	return serve_reply(
		conn, rq, MHD_HTTP_OK,
		json_pack("{s:s,s:o}", "id", rq->id, "relations", matches_json(m, n)));
}

enum MHD_Result api_get_stories(struct server *s, struct MHD_Connection *conn,
                                struct request *rq)
{
	bool bad = false;
	char *since = serve_arg(conn, "since", &bad);
	char *limit = serve_arg(conn, "limit", &bad);
	int32_t day = DOPPEL_NO_DATE;
	unsigned long long lim = STORIES_DEFAULT_LIMIT;
	enum MHD_Result r;
	if (bad) {
		r = serve_error(conn, rq, MHD_HTTP_BAD_REQUEST,
		                "a query argument does not decode");
		goto out;
	}
	const char *msg = serve_stories_args(since, limit, &day, &lim);
	if (msg) {
		r = serve_error(conn, rq, MHD_HTTP_BAD_REQUEST, "%s", msg);
		goto out;
	}
	doppel_index *x = reader_or_500(s, conn, rq, &r);
	if (!x)
		goto out;
	size_t n;
	const doppel_story_info *info;
	int rc = doppel_index_stories(x, day, (size_t)lim, &n, &info);
	if (rc != DOPPEL_OK) {
		r = index_error(conn, rq, x, rc, "story");
		goto out;
	}
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, story_info_json(&info[i]));
	r = serve_reply(conn, rq, MHD_HTTP_OK, json_pack("{s:o}", "stories", a));
out:
	free(since);
	free(limit);
	return r;
}

enum MHD_Result api_get_story(struct server *s, struct MHD_Connection *conn, struct request *rq)
{
	enum MHD_Result r;
	doppel_index *x = reader_or_500(s, conn, rq, &r);
	if (!x)
		return r;
	doppel_story st;
	int rc = doppel_index_story(x, rq->id, &st);
	if (rc != DOPPEL_OK)
		return index_error(conn, rq, x, rc, "story");
	return serve_reply(conn, rq, MHD_HTTP_OK, story_json(&st));
}

enum MHD_Result api_explain(struct server *s, struct MHD_Connection *conn, struct request *rq)
{
	bool bad = false;
	char *id[2] = {serve_arg(conn, "a", &bad), serve_arg(conn, "b", &bad)};
	enum MHD_Result r;
	if (bad || !id[0] || !id[1]) {
		r = serve_error(conn, rq, MHD_HTTP_BAD_REQUEST,
		                "give two article ids: /explain?a=ID&b=ID (percent-encoded)");
		goto out;
	}
	doppel_index *x = reader_or_500(s, conn, rq, &r);
	if (!x)
		goto out;
	/* The thread's handle keeps WordNet loaded from one call to the next. */
	doppel_explanation *e = NULL;
	int rc = doppel_index_explain(x, id[0], id[1], &e);
	if (rc == DOPPEL_E_NOTFOUND)
		r = serve_error(conn, rq, MHD_HTTP_NOT_FOUND, "%s", doppel_index_errmsg(x));
	else if (rc != DOPPEL_OK)
		r = index_error(conn, rq, x, rc, "article");
	else
		r = serve_reply(conn, rq, MHD_HTTP_OK, explanation_json(e));
	doppel_explanation_free(e);
out:
	free(id[0]);
	free(id[1]);
	return r;
}

enum MHD_Result api_delete_article(struct server *s, struct MHD_Connection *conn,
                                   struct request *rq)
{
	struct job *j = calloc(1, sizeof(*j));
	if (!j)
		return serve_error(conn, rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	j->kind = JOB_DELETE;
	j->id = strdup(rq->id);
	if (!j->id) {
		job_free(j);
		return serve_error(conn, rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	}
	return submit(s, conn, rq, j);
}

/* ------------------------------------------------------- POST /articles */

/* A flag argument: 1 on, 0 off or absent, -1 not one (serve_flag_value). */
static int flag_arg(struct MHD_Connection *conn, const char *key)
{
	bool bad = false;
	char *v = serve_arg(conn, key, &bad);
	int on = bad ? -1 : serve_flag_value(v);
	free(v);
	return on;
}

static enum MHD_Result bad_input(struct server *s, struct MHD_Connection *conn,
                                 struct request *rq, const char *msg)
{
	serve_count_rejected(s, 1);
	return serve_error(conn, rq, MHD_HTTP_BAD_REQUEST, "%s", msg);
}

enum MHD_Result api_post_articles(struct server *s, struct MHD_Connection *conn,
                                  struct request *rq)
{
	int dry = flag_arg(conn, "dry_run"), replace = flag_arg(conn, "replace");
	if (dry < 0 || replace < 0)
		return bad_input(s, conn, rq, "dry_run and replace take 1 or 0");
	const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	                                             MHD_HTTP_HEADER_CONTENT_TYPE);
	bool lines = ct && (strncasecmp(ct, "application/x-ndjson", 20) == 0 ||
	                    strncasecmp(ct, "application/jsonl", 17) == 0);
	struct job *j = calloc(1, sizeof(*j));
	if (j)
		j->batch = doppel_batch_new();
	if (!j || !j->batch) {
		job_free(j);
		return serve_error(conn, rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	}
	char err[512];
	bool ok = serve_parse_articles(rq->body, rq->len, lines, j->batch, err, sizeof(err));
	if (!ok) {
		job_free(j);
		return bad_input(s, conn, rq, err);
	}
	/* The body is in the batch now. */
	free(rq->body);
	rq->body = NULL;
	rq->len = rq->cap = 0;
	j->kind = dry ? JOB_QUERY : replace ? JOB_REPLACE : JOB_ADD;
	j->narticles = doppel_batch_count(j->batch);
	return submit(s, conn, rq, j);
}
