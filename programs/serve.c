/*
 * serve.c — `doppel serve`: the HTTP side of the service. libmicrohttpd
 * runs a pool of request threads; this file routes each request, checks
 * its token, gathers its body within --max-body, answers errors, counts
 * everything for /metrics, and stops cleanly on SIGTERM and SIGINT.
 * The endpoints themselves are in serve_api.c; no detection happens here.
 *
 * Paths are taken as sent (an unescape callback that changes nothing) and
 * decoded segment by segment, so that an article id may hold "/" or any
 * other character when the client percent-encodes it.
 */
#include "serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Longer request targets are answered 414. */
#define SERVE_URL_MAX 8192
/* Headers and request line of one connection must fit here. */
#define SERVE_CONN_MEMORY (64u << 10)
#define SERVE_CONNECTIONS 1024
/* The most memory a body gets before its bytes arrive. */
#define SERVE_BODY_FIRST (1u << 20)

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ------------------------------------------------------------- metrics */

static const char *const endpoint_names[EP_COUNT] = {
	"unknown", "healthz",   "version", "metrics", "articles",
	"article", "relations", "stories", "story",   "explain",
};
static const char *const method_names[M_COUNT] = {"GET", "POST", "DELETE", "other"};
static const unsigned counted_statuses[SERVE_STATUSES] = {
	200, 201, 400, 401, 403, 404, 405, 409, 411, 413, 414, 415, 500, 501, 503, 0,
};
static const double bucket_bounds[SERVE_BUCKETS] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5,
};

static void metrics_record(struct metrics *m, const struct request *rq)
{
	double dt = now() - rq->start;
	size_t st = SERVE_STATUSES;
	for (size_t i = 0; i < SERVE_STATUSES; i++)
		if (counted_statuses[i] == rq->status) {
			st = i;
			break;
		}
	size_t b = 0;
	while (b < SERVE_BUCKETS && dt > bucket_bounds[b])
		b++;
	pthread_mutex_lock(&m->mu);
	m->requests[rq->ep][rq->method][st]++;
	m->buckets[rq->ep][b]++;
	m->seconds[rq->ep] += dt;
	m->count[rq->ep]++;
	pthread_mutex_unlock(&m->mu);
}

/* The Prometheus text exposition format, version 0.0.4. */
static char *metrics_text(struct server *s, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	if (!f)
		return NULL;
	struct metrics *m = &s->metrics;
	pthread_mutex_lock(&m->mu);
	fputs("# HELP doppel_http_requests_total HTTP requests answered.\n"
	      "# TYPE doppel_http_requests_total counter\n",
	      f);
	for (int e = 0; e < EP_COUNT; e++)
		for (int me = 0; me < M_COUNT; me++)
			for (int st = 0; st <= SERVE_STATUSES; st++) {
				uint64_t n = m->requests[e][me][st];
				if (!n)
					continue;
				char code[16] = "other";
				if (st < SERVE_STATUSES)
					snprintf(code, sizeof(code), "%u",
					         counted_statuses[st]);
				if (strcmp(code, "0") == 0)
					memcpy(code, "none", 5);
				fprintf(f,
				        "doppel_http_requests_total{method=\"%s\",endpoint=\"%s\","
				        "status=\"%s\"} %llu\n",
				        method_names[me], endpoint_names[e], code,
				        (unsigned long long)n);
			}
	fputs("# HELP doppel_http_request_duration_seconds Time from the first byte of a "
	      "request to its reply sent.\n"
	      "# TYPE doppel_http_request_duration_seconds histogram\n",
	      f);
	for (int e = 0; e < EP_COUNT; e++) {
		if (!m->count[e])
			continue;
		uint64_t cum = 0;
		for (int b = 0; b < SERVE_BUCKETS; b++) {
			cum += m->buckets[e][b];
			fprintf(f,
			        "doppel_http_request_duration_seconds_bucket{endpoint=\"%s\","
			        "le=\"%g\"} %llu\n",
			        endpoint_names[e], bucket_bounds[b], (unsigned long long)cum);
		}
		cum += m->buckets[e][SERVE_BUCKETS];
		fprintf(f,
		        "doppel_http_request_duration_seconds_bucket{endpoint=\"%s\",le=\"+Inf\"} "
		        "%llu\n",
		        endpoint_names[e], (unsigned long long)cum);
		fprintf(f, "doppel_http_request_duration_seconds_sum{endpoint=\"%s\"} %.6f\n",
		        endpoint_names[e], m->seconds[e]);
		fprintf(f, "doppel_http_request_duration_seconds_count{endpoint=\"%s\"} %llu\n",
		        endpoint_names[e], (unsigned long long)m->count[e]);
	}
	uint64_t rejected = m->rejected;
	pthread_mutex_unlock(&m->mu);
	fprintf(f,
	        "# HELP doppel_http_requests_in_flight Requests begun and not yet answered.\n"
	        "# TYPE doppel_http_requests_in_flight gauge\n"
	        "doppel_http_requests_in_flight %d\n"
	        "# HELP doppel_articles_indexed Articles in the index.\n"
	        "# TYPE doppel_articles_indexed gauge\n"
	        "doppel_articles_indexed %llu\n"
	        "# HELP doppel_rejected_inputs_total Request bodies and articles refused.\n"
	        "# TYPE doppel_rejected_inputs_total counter\n"
	        "doppel_rejected_inputs_total %llu\n",
	        atomic_load(&s->in_flight), (unsigned long long)atomic_load(&s->articles),
	        (unsigned long long)rejected);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* ----------------------------------------------------- decoding input */

/* MHD would decode the path before we split it; it is left as sent. */
static size_t keep_escaped(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

/* ------------------------------------------------------------- routing */

static bool method_allowed(const struct request *rq)
{
	switch (rq->ep) {
	case EP_ARTICLES:
		return rq->method == M_POST;
	case EP_ARTICLE:
		return rq->method == M_GET || rq->method == M_DELETE;
	default:
		return rq->method == M_GET;
	}
}

/* Whether the request carries the token: "Authorization: Bearer TOKEN",
 * compared in constant time (serve_token_equal). */
static bool token_ok(const struct server *s, struct MHD_Connection *conn)
{
	const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	                                            MHD_HTTP_HEADER_AUTHORIZATION);
	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return false;
	const char *t = h + 7;
	return serve_token_equal(s->token, s->token_len, t, strlen(t));
}

static bool media_type_is(const char *v, const char *type)
{
	size_t n = strlen(type);
	if (strncasecmp(v, type, n) != 0)
		return false;
	v += n;
	while (*v == ' ' || *v == '\t')
		v++;
	return *v == '\0' || *v == ';';
}

/* The checks made once the headers are in: 0 when the request may go on. */
static enum MHD_Result first_call(struct server *s, struct MHD_Connection *conn,
                                  struct request *rq, const char *url, bool *answered)
{
	*answered = true;
	if (atomic_load(&s->stopping))
		return serve_error(conn, rq, MHD_HTTP_SERVICE_UNAVAILABLE, "shutting down");
	if (strlen(url) > SERVE_URL_MAX)
		return serve_error(conn, rq, MHD_HTTP_URI_TOO_LONG,
		                   "request target longer than %d bytes", SERVE_URL_MAX);
	if (s->token && !token_ok(s, conn))
		return serve_error(conn, rq, MHD_HTTP_UNAUTHORIZED,
		                   "a valid Authorization: Bearer token is required");
	unsigned st = serve_route(url, rq);
	if (st == MHD_HTTP_NOT_FOUND)
		return serve_error(conn, rq, st, "no such endpoint: %s", url);
	if (st)
		return serve_error(
			conn, rq, st,
			"the path does not decode: bad percent escape, %%00 or invalid "
			"UTF-8");
	if (!method_allowed(rq))
		return serve_error(conn, rq, MHD_HTTP_METHOD_NOT_ALLOWED,
		                   "method not allowed on %s", endpoint_names[rq->ep]);
	/* Refused before the body comes: a read-only server has no writer. */
	if (s->c->read_only && rq->method != M_GET)
		return serve_error(conn, rq, MHD_HTTP_FORBIDDEN,
		                   "this server is read-only (--read-only): send %s to the "
		                   "server that writes the index",
		                   rq->method == M_POST ? "POST" : "DELETE");
	if (rq->method == M_POST) {
		const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		                                             MHD_HTTP_HEADER_CONTENT_TYPE);
		if (ct && !media_type_is(ct, "application/json") &&
		    !media_type_is(ct, "application/x-ndjson") &&
		    !media_type_is(ct, "application/jsonl")) {
			serve_count_rejected(s, 1);
			return serve_error(conn, rq, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
			                   "Content-Type %s: send application/json or "
			                   "application/x-ndjson",
			                   ct);
		}
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		                                             MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl) {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(cl, &end, 10);
			if (errno || *end || v > s->c->max_body) {
				serve_count_rejected(s, 1);
				return serve_error(conn, rq, MHD_HTTP_CONTENT_TOO_LARGE,
				                   "body over %llu bytes (--max-body)",
				                   (unsigned long long)s->c->max_body);
			}
			rq->cap = (size_t)v;
		}
	}
	*answered = false;
	return MHD_YES;
}

/* Appends upload data to the body, or drops it once past --max-body. */
static bool take_body(struct server *s, struct request *rq, const char *data, size_t n)
{
	if (rq->too_big)
		return true;
	if (n > s->c->max_body - rq->len) {
		rq->too_big = true;
		free(rq->body);
		rq->body = NULL;
		rq->len = rq->cap = 0;
		return true;
	}
	if (rq->len + n + 1 > rq->cap || !rq->body) {
		size_t cap = rq->cap > rq->len + n + 1 ? rq->cap : 16384;
		while (cap < rq->len + n + 1)
			cap *= 2;
		if (cap > s->c->max_body + 1)
			cap = (size_t)s->c->max_body + 1;
		char *b = realloc(rq->body, cap);
		if (!b)
			return false;
		rq->body = b;
		rq->cap = cap;
	}
	memcpy(rq->body + rq->len, data, n);
	rq->len += n;
	rq->body[rq->len] = '\0';
	return true;
}

/* Articles in the index: the writer keeps s->articles; a read-only server
 * has none and counts with the request thread's reading handle. */
static void count_articles(struct server *s)
{
	char err[512];
	doppel_index *x = s->c->read_only ? serve_reader(s, err, sizeof(err)) : NULL;
	if (x)
		atomic_store(&s->articles, doppel_index_count(x));
}

static enum MHD_Result get_healthz(struct server *s, struct MHD_Connection *conn,
                                   struct request *rq)
{
	count_articles(s);
	return serve_reply(conn, rq, MHD_HTTP_OK,
	                   json_pack("{s:s,s:I}", "status", "ok", "articles",
	                             (json_int_t)atomic_load(&s->articles)));
}

static enum MHD_Result get_version(struct MHD_Connection *conn, struct request *rq)
{
	char deps[512];
	return serve_reply(conn, rq, MHD_HTTP_OK,
	                   json_pack("{s:s,s:i,s:s,s:s,s:s}", "version", doppel_version(),
	                             "format", DOPPEL_FORMAT_VERSION, "dependencies",
	                             doppel_dependency_versions(deps, sizeof(deps)),
	                             "libmicrohttpd", MHD_get_version(), "jansson",
	                             jansson_version_str()));
}

static enum MHD_Result get_metrics(struct server *s, struct MHD_Connection *conn,
                                   struct request *rq)
{
	size_t len;
	count_articles(s);
	char *text = metrics_text(s, &len);
	if (!text)
		return serve_error(conn, rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	return serve_queue(conn, rq, MHD_HTTP_OK, text, len, "text/plain; version=0.0.4");
}

static enum MHD_Result dispatch(struct server *s, struct MHD_Connection *conn,
                                struct request *rq)
{
	switch (rq->ep) {
	case EP_HEALTHZ:
		return get_healthz(s, conn, rq);
	case EP_VERSION:
		return get_version(conn, rq);
	case EP_METRICS:
		return get_metrics(s, conn, rq);
	case EP_ARTICLES:
		if (rq->too_big) {
			serve_count_rejected(s, 1);
			return serve_error(conn, rq, MHD_HTTP_CONTENT_TOO_LARGE,
			                   "body over %llu bytes (--max-body)",
			                   (unsigned long long)s->c->max_body);
		}
		return api_post_articles(s, conn, rq);
	case EP_ARTICLE:
		return rq->method == M_DELETE ? api_delete_article(s, conn, rq)
		                              : api_get_article(s, conn, rq);
	case EP_RELATIONS:
		return api_get_relations(s, conn, rq);
	case EP_STORIES:
		return api_get_stories(s, conn, rq);
	case EP_STORY:
		return api_get_story(s, conn, rq);
	case EP_EXPLAIN:
		return api_explain(s, conn, rq);
	default:
		return serve_error(conn, rq, MHD_HTTP_NOT_FOUND, "no such endpoint");
	}
}

/* One open connection: when it last made progress (connected, sent a
 * whole request header, was answered) and whether a request of it is
 * being handled. */
struct conn_watch {
	int fd;
	double progress;
	bool busy;
	struct conn_watch *prev, *next;
};

static struct conn_watch *watch_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

static void watch_mark(struct server *s, struct MHD_Connection *conn, bool busy)
{
	struct conn_watch *w = watch_of(conn);
	if (!w)
		return;
	pthread_mutex_lock(&s->watch_mu);
	w->busy = busy;
	w->progress = now();
	pthread_mutex_unlock(&s->watch_mu);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
	struct server *s = cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		struct conn_watch *w = calloc(1, sizeof(*w));
		if (!w || !ci) {
			free(w);
			return;
		}
		w->fd = ci->connect_fd;
		w->progress = now();
		pthread_mutex_lock(&s->watch_mu);
		w->next = s->watch;
		if (s->watch)
			s->watch->prev = w;
		s->watch = w;
		pthread_mutex_unlock(&s->watch_mu);
		*socket_context = w;
	} else if (toe == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context) {
		struct conn_watch *w = *socket_context;
		pthread_mutex_lock(&s->watch_mu);
		if (w->prev)
			w->prev->next = w->next;
		else
			s->watch = w->next;
		if (w->next)
			w->next->prev = w->prev;
		pthread_mutex_unlock(&s->watch_mu);
		free(w);
		*socket_context = NULL;
	}
}

/* Shuts the socket of every connection that has not sent a whole request
 * within --timeout of its last progress; libmicrohttpd then sees the
 * connection end and closes it. The socket is still open while it is
 * listed: it is taken off the list before libmicrohttpd closes it. */
static void *watchdog(void *arg)
{
	struct server *s = arg;
	while (!atomic_load(&s->watch_quit)) {
		struct timespec ts = {0, 250 * 1000 * 1000};
		nanosleep(&ts, NULL);
		double t = now();
		pthread_mutex_lock(&s->watch_mu);
		for (struct conn_watch *w = s->watch; w; w = w->next)
			if (!w->busy && t - w->progress > (double)s->c->timeout) {
				shutdown(w->fd, SHUT_RDWR);
				w->progress = t;
			}
		pthread_mutex_unlock(&s->watch_mu);
	}
	return NULL;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
	(void)version;
	struct server *s = cls;
	struct request *rq = *con_cls;
	if (!rq) {
		rq = calloc(1, sizeof(*rq));
		if (!rq)
			return MHD_NO;
		rq->start = now();
		*con_cls = rq;
		watch_mark(s, conn, true);
		atomic_fetch_add(&s->in_flight, 1);
		if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
			rq->method = M_GET;
		else if (strcmp(method, "POST") == 0)
			rq->method = M_POST;
		else if (strcmp(method, "DELETE") == 0)
			rq->method = M_DELETE;
		else
			rq->method = M_OTHER;
		bool answered;
		enum MHD_Result r = first_call(s, conn, rq, url, &answered);
		if (answered)
			return r;
		size_t cap = rq->cap;
		rq->cap = 0;
		if (rq->method == M_POST && cap) {
			/* Content-Length known: one allocation, unless it is large;
			 * a large one grows with what really arrives. */
			if (cap > SERVE_BODY_FIRST)
				cap = SERVE_BODY_FIRST;
			rq->body = malloc(cap + 1);
			if (!rq->body)
				return MHD_NO;
			rq->cap = cap + 1;
		}
		return MHD_YES;
	}
	if (rq->job) {
		/* Resumed: the writer has answered. */
		json_t *reply = rq->job->reply;
		rq->job->reply = NULL;
		if (!reply)
			return serve_error(conn, rq, MHD_HTTP_INTERNAL_SERVER_ERROR,
			                   "out of memory");
		return serve_reply(conn, rq, rq->job->status, reply);
	}
	if (*upload_data_size) {
		bool ok = take_body(s, rq, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return ok ? MHD_YES : MHD_NO;
	}
	/* Begun before the stop: it is finished. */
	return dispatch(s, conn, rq);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	(void)toe;
	struct server *s = cls;
	struct request *rq = *con_cls;
	watch_mark(s, conn, false);
	if (!rq)
		return;
	metrics_record(&s->metrics, rq);
	job_free(rq->job);
	free(rq->body);
	free(rq->id);
	free(rq);
	*con_cls = NULL;
	atomic_fetch_sub(&s->in_flight, 1);
}

/* ------------------------------------------------------------ start, stop */

/* Reads the token of --token-file into s->token, warning when others
 * than its owner may read or change the file. */
static int read_token(struct server *s, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		cli_error("serve: %s: %s", path, strerror(errno));
		return EXIT_FATAL;
	}
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)))
		cli_warn(s->c,
		         "serve: the token file %s may be read or changed by its group or "
		         "others (mode %04o); chmod 600 %s",
		         path, (unsigned)(st.st_mode & 07777), path);
	char buf[4096];
	size_t n = fread(buf, 1, sizeof(buf), f);
	bool more = n == sizeof(buf);
	fclose(f);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ' ||
	                 buf[n - 1] == '\t'))
		n--;
	if (more || n == 0 || memchr(buf, '\n', n)) {
		cli_error("serve: %s: want one token on one line (at most 4 KiB)", path);
		return EXIT_USAGE;
	}
	s->token = malloc(n + 1);
	if (!s->token) {
		cli_error("out of memory");
		return EXIT_FATAL;
	}
	memcpy(s->token, buf, n);
	s->token[n] = '\0';
	s->token_len = n;
	return EXIT_OK;
}

/* "127.0.0.1:8080", "[::1]:8080", "localhost:0". */
static int parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *sslen)
{
	const char *colon = strrchr(spec, ':');
	if (!colon || colon == spec || !colon[1])
		return -1;
	char host[256];
	const char *h = spec;
	size_t hn = (size_t)(colon - spec);
	if (h[0] == '[' && hn >= 2 && h[hn - 1] == ']') {
		h++;
		hn -= 2;
	}
	if (hn == 0 || hn >= sizeof(host))
		return -1;
	memcpy(host, h, hn);
	host[hn] = '\0';
	char *end;
	errno = 0;
	unsigned long port = strtoul(colon + 1, &end, 10);
	if (errno || *end || port > 65535)
		return -1;
	struct addrinfo hints = {.ai_family = AF_UNSPEC,
	                         .ai_socktype = SOCK_STREAM,
	                         .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
	struct addrinfo *res;
	if (getaddrinfo(host, colon + 1, &hints, &res) != 0)
		return -1;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sslen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/* Whether an address reaches this machine only: 127.0.0.0/8, ::1, or
 * ::ffff:127.x.y.z. 0.0.0.0 and :: are every interface, not loopback. */
static bool is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (ss->ss_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
		return IN6_IS_ADDR_LOOPBACK(a) ||
		       (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
	}
	return false;
}

/*
 * Protected mode, as Redis has it: a server that anyone on the network can
 * reach, and that no token guards, is refused unless --no-auth says it is
 * meant; the message says how to go on. EXIT_OK when the server may start.
 */
static int check_exposure(const struct cli *c, const struct sockaddr_storage *addr)
{
	if (c->no_auth && c->token_file) {
		cli_error("serve: --token-file and --no-auth contradict each other; give one");
		return EXIT_USAGE;
	}
	if (c->token_file || is_loopback(addr))
		return EXIT_OK;
	if (c->no_auth) {
		cli_warn(c,
		         "serve: %s is reachable beyond this machine and --no-auth turns "
		         "authentication off: anyone who reaches it can %s articles",
		         c->listen, c->read_only ? "read" : "read, add and delete");
		return EXIT_OK;
	}
	cli_error("serve: refusing to listen on %s without a token: anyone who reaches that "
	          "address could %s articles. Either\n"
	          "  give --token-file FILE, a file holding one secret token (chmod 600); "
	          "clients then send \"Authorization: Bearer TOKEN\", or\n"
	          "  give --no-auth to serve without authentication on purpose (behind a "
	          "proxy that checks clients, say), or\n"
	          "  listen on loopback only: --listen 127.0.0.1:PORT",
	          c->listen, c->read_only ? "read" : "read, add and delete");
	return EXIT_USAGE;
}

static void print_listening(const struct server *s)
{
	const union MHD_DaemonInfo *info =
		MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_LISTEN_FD);
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	if (!info || getsockname(info->listen_fd, (struct sockaddr *)&ss, &len) != 0)
		return;
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		port = ntohs(in->sin_port);
		fprintf(stderr, "doppel: listening on http://%s:%u\n", host, port);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		port = ntohs(in6->sin6_port);
		fprintf(stderr, "doppel: listening on http://[%s]:%u\n", host, port);
	}
	fflush(stderr);
}

/* Starts libmicrohttpd's daemon listening on addr, with --threads request
 * threads (at least 2 when unset) and the service's limits; NULL when it
 * cannot (errno says why). */
static struct MHD_Daemon *start_daemon(struct server *s, const struct sockaddr_storage *addr)
{
	const struct cli *c = s->c;
	unsigned threads = c->params.threads;
	if (!threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 2 ? (unsigned)n : 2;
	}
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
	                 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC;
	if (!c->quiet)
		flags |= MHD_USE_ERROR_LOG;
	if (addr->ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	return MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR,
		(const struct sockaddr *)addr, MHD_OPTION_THREAD_POOL_SIZE, threads,
		MHD_OPTION_CONNECTION_TIMEOUT, c->timeout, MHD_OPTION_CONNECTION_LIMIT,
		(unsigned)SERVE_CONNECTIONS, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)SERVE_CONN_MEMORY, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, s, MHD_OPTION_UNESCAPE_CALLBACK,
		keep_escaped, NULL, MHD_OPTION_END);
}

/* Serves until SIGTERM or SIGINT (blocked in sigs, taken here); then new
 * connections are refused and new requests on open ones answered 503,
 * while those in flight finish, for at most --timeout seconds. Returns
 * the listening socket, now the caller's to close. */
static MHD_socket serve_until_signal(struct server *s, sigset_t *sigs)
{
	int sig = 0;
	while (sigwait(sigs, &sig) != 0)
		;
	cli_warn(s->c, "serve: %s: finishing the requests in flight", strsignal(sig));
	atomic_store(&s->stopping, true);
	MHD_socket lsock = MHD_quiesce_daemon(s->daemon);
	double deadline = now() + s->c->timeout;
	while (atomic_load(&s->in_flight) > 0 && now() < deadline) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return lsock;
}

int cli_serve(struct cli *c)
{
	if (c->npaths) {
		cli_error("serve: takes no paths (articles come by POST /articles)");
		return EXIT_USAGE;
	}
	struct server s = {.c = c};
	atomic_init(&s.stopping, false);
	atomic_init(&s.in_flight, 0);
	atomic_init(&s.articles, 0);
	pthread_mutex_init(&s.mu, NULL);
	pthread_cond_init(&s.cv, NULL);
	pthread_mutex_init(&s.readers_mu, NULL);
	pthread_mutex_init(&s.watch_mu, NULL);
	pthread_mutex_init(&s.metrics.mu, NULL);
	int rc = EXIT_OK;
	bool writer_started = false, watch_started = false;
	MHD_socket lsock = MHD_INVALID_SOCKET;

	struct sockaddr_storage addr;
	socklen_t addrlen;
	if (parse_listen(c->listen, &addr, &addrlen) != 0) {
		cli_error(
			"serve: invalid value '%s' for --listen: HOST:PORT, as 127.0.0.1:8080",
			c->listen);
		rc = EXIT_USAGE;
		goto out;
	}
	if ((rc = check_exposure(c, &addr)))
		goto out;
	if (c->token_file && (rc = read_token(&s, c->token_file)))
		goto out;
	if (!c->stored_set)
		s.open_flags = DOPPEL_OPEN_ADOPT;
	/* The writing handle holds the index's lock until the end (one writer
	 * per database); a read-only server opens the index only to check it,
	 * and reads with the request threads' handles. */
	unsigned writer_flags =
		c->read_only ? DOPPEL_OPEN_READONLY | DOPPEL_OPEN_LAZY : DOPPEL_OPEN_CREATE;
	char err[512];
	if (doppel_index_open(&s.writer, c->db, &c->params, writer_flags | s.open_flags, err,
	                      sizeof(err)) != DOPPEL_OK) {
		cli_error("%s", err);
		rc = EXIT_FATAL;
		goto out;
	}
	atomic_store(&s.articles, doppel_index_count(s.writer));

	/* Every thread started from here on inherits the mask; this one takes
	 * the signals with sigwait(), so no handler runs at all. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (!c->read_only && serve_writer_start(&s) != 0) {
		cli_error("serve: cannot start the writer thread");
		rc = EXIT_FATAL;
		goto out;
	}
	writer_started = !c->read_only;

	s.daemon = start_daemon(&s, &addr);
	if (!s.daemon) {
		cli_error("serve: cannot listen on %s: %s", c->listen, strerror(errno));
		rc = EXIT_FATAL;
		goto out;
	}
	print_listening(&s);
	watch_started = pthread_create(&s.watch_thread, NULL, watchdog, &s) == 0;

	lsock = serve_until_signal(&s, &sigs);
out:
	/* The writer answers every job queued (and resumes its connection)
	 * before the daemon stops: MHD must not stop with a connection
	 * suspended. */
	if (watch_started) {
		atomic_store(&s.watch_quit, true);
		pthread_join(s.watch_thread, NULL);
	}
	if (writer_started)
		serve_writer_stop(&s);
	if (s.daemon)
		MHD_stop_daemon(s.daemon);
	if (lsock != MHD_INVALID_SOCKET)
		close(lsock);
	serve_readers_close(&s);
	doppel_index_close(s.writer);
	free(s.token);
	pthread_mutex_destroy(&s.metrics.mu);
	pthread_mutex_destroy(&s.readers_mu);
	pthread_mutex_destroy(&s.watch_mu);
	pthread_cond_destroy(&s.cv);
	pthread_mutex_destroy(&s.mu);
	if (rc == EXIT_OK)
		cli_warn(c, "serve: stopped");
	return rc;
}
