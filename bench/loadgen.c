/*
 * loadgen.c — an HTTP/1.1 load generator for `doppel serve`, loopback only.
 *
 * usage: loadgen --url http://127.0.0.1:PORT [--seconds S] [--connections N]
 *                [--post FILE.jsonl [--post-connections N] [--post-path P]
 *                 [--id-suffix S] [--same-ids] [--once] [--rate R]]
 *                [--get PATHS [--get-connections N]]
 *                [--requests N] [--max-errors N] [--timeout S] [--log FILE]
 *                [--close]
 *                [--slow N] [--idle N] [--trickle-ms MS] [--quiet]
 *
 * Every connection is a thread with one keep-alive connection that sends a
 * request, reads the whole response (Content-Length, chunked, or up to the
 * close) and sends the next: a closed loop, so the load is what N clients
 * waiting for their answers make. POST connections send the lines of a
 * JSON Lines file in turn, one line a request body; the first "id" value of
 * a line gets --id-suffix appended, and "-pK" on the K-th pass over the
 * file, so no id is sent twice in a run (--same-ids: the lines go as
 * they are on every pass, to POST conflicts). GET connections send the paths of
 * a file (one a line) in turn, each connection from its own start. With
 * --once every line of either file is sent once, by whichever connection
 * is free, and the run ends when all are answered.
 * --close asks for a new connection for every request instead.
 * --slow N opens N more connections that send a request header one byte
 * every --trickle-ms and never finish it; --idle N opens N that send
 * nothing. Both record when the server closes them.
 *
 * The run ends after --seconds, after --requests responses, after
 * --max-errors transport errors, or with --once when every line was sent.
 * It prints, for POST and GET apart, requests, requests/s, status counts,
 * transport errors and latency percentiles (exact, from every sample; the
 * latency of a request runs from its first byte sent to its last byte
 * received), then the same as one JSON line. --log FILE writes a line
 * "STATUS KIND ID-or-PATH" per answered request (STATUS 0: no answer),
 * flushed at once, so a caller can tell which articles were acknowledged
 * even if loadgen or the server is killed.
 *
 * Only loopback addresses are accepted: this is a tool to measure a server
 * on the same machine, not to load anyone else's.
 *
 * Exit status: 0 when the run completed (whatever the statuses), 1 on an
 * error before it could start, 2 on a usage error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNECTIONS 4096
#define MAX_RESPONSE (64u << 20) /* a bigger response is an error */
#define ID_SUFFIX_MAX 64

enum kind { KIND_POST, KIND_GET, NKINDS };
static const char *const kind_name[NKINDS] = {"POST", "GET"};

enum err { ERR_CONNECT, ERR_SEND, ERR_RECV, ERR_TIMEOUT, ERR_PARSE, NERRS };
static const char *const err_name[NERRS] = {"connect", "send", "recv", "timeout",
                                            "parse"};

/* ------------------------------------------------------------ utilities */

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void sleep_for(double secs)
{
	if (secs <= 0)
		return;
	struct timespec t;
	t.tv_sec = (time_t)secs;
	t.tv_nsec = (long)((secs - (double)t.tv_sec) * 1e9);
	while (nanosleep(&t, &t) != 0 && errno == EINTR)
		;
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q) {
		fprintf(stderr, "loadgen: out of memory\n");
		exit(1);
	}
	return q;
}

/* A whole file read in memory and cut into its lines (without the '\n'). */
struct lines {
	char *data;
	size_t n;
	const char **line;
	size_t *len;
};

static int read_lines(const char *path, struct lines *l)
{
	memset(l, 0, sizeof(*l));
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "loadgen: %s: %s\n", path, strerror(errno));
		return -1;
	}
	size_t cap = 1 << 16, size = 0;
	char *data = xrealloc(NULL, cap);
	size_t got;
	while ((got = fread(data + size, 1, cap - size, f)) > 0) {
		size += got;
		if (size == cap) {
			cap *= 2;
			data = xrealloc(data, cap);
		}
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		fprintf(stderr, "loadgen: %s: read error\n", path);
		free(data);
		return -1;
	}
	size_t nl = 0;
	for (size_t i = 0; i < size; i++)
		nl += data[i] == '\n';
	l->line = xrealloc(NULL, (nl + 1) * sizeof(*l->line));
	l->len = xrealloc(NULL, (nl + 1) * sizeof(*l->len));
	size_t start = 0;
	for (size_t i = 0; i <= size; i++) {
		if (i < size && data[i] != '\n')
			continue;
		size_t len = i - start;
		if (len > 0 && data[start + len - 1] == '\r')
			len--;
		if (len > 0) { /* empty lines are not requests */
			l->line[l->n] = data + start;
			l->len[l->n] = len;
			l->n++;
		}
		start = i + 1;
	}
	l->data = data;
	if (l->n == 0) {
		fprintf(stderr, "loadgen: %s: no lines\n", path);
		return -1;
	}
	return 0;
}

/* A growable byte buffer. */
struct buf {
	char *p;
	size_t len, cap;
};

static void buf_reserve(struct buf *b, size_t more)
{
	if (b->len + more <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap < b->len + more)
		cap *= 2;
	b->p = xrealloc(b->p, cap);
	b->cap = cap;
}

static void buf_add(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	buf_reserve(b, n);
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* ------------------------------------------------------------- settings */

static struct {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char host[80]; /* the Host header */
	double seconds, timeout, rate;
	unsigned conns[NKINDS];
	unsigned slow, idle;
	double trickle;
	uint64_t max_requests, max_errors;
	bool once, quiet, same_ids, close;
	const char *post_path;
	char id_suffix[ID_SUFFIX_MAX + 1];
	struct lines lines[NKINDS];
	FILE *log;
} opt;

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

/* Shared counters of the run. */
static atomic_uint_fast64_t next_post;  /* the next line to POST, over all passes */
static atomic_uint_fast64_t answered;   /* responses, both kinds */
static atomic_uint_fast64_t errors;     /* transport errors, both kinds */
static atomic_bool stop;
static atomic_uint_fast64_t next_get;   /* with --once: the next path */
static atomic_uint running; /* connections still sending */
static double t_start, t_end;

static bool time_is_up(void)
{
	return atomic_load(&stop) || now() >= t_end;
}

/* Accepts http://HOST:PORT with HOST a loopback address only. */
static int parse_url(const char *url)
{
	const char *p = url;
	if (strncmp(p, "http://", 7) != 0) {
		fprintf(stderr, "loadgen: --url must begin with http://\n");
		return -1;
	}
	p += 7;
	char host[64];
	size_t hl;
	const char *colon;
	if (*p == '[') {
		const char *close = strchr(p, ']');
		if (!close || close[1] != ':')
			goto bad;
		hl = (size_t)(close - p - 1);
		if (hl >= sizeof(host))
			goto bad;
		memcpy(host, p + 1, hl);
		colon = close + 1;
	} else {
		colon = strchr(p, ':');
		if (!colon)
			goto bad;
		hl = (size_t)(colon - p);
		if (hl >= sizeof(host))
			goto bad;
		memcpy(host, p, hl);
	}
	host[hl] = '\0';
	char *end;
	errno = 0;
	long port = strtol(colon + 1, &end, 10);
	if (errno || end == colon + 1 || port < 1 || port > 65535 || (*end && strcmp(end, "/")))
		goto bad;

	memset(&opt.addr, 0, sizeof(opt.addr));
	struct sockaddr_in *v4 = (struct sockaddr_in *)&opt.addr;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&opt.addr;
	if (!strcmp(host, "localhost"))
		memcpy(host, "127.0.0.1", sizeof("127.0.0.1"));
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		if ((ntohl(v4->sin_addr.s_addr) >> 24) != 127) {
			fprintf(stderr, "loadgen: %s is not a loopback address; refused\n", host);
			return -1;
		}
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		opt.addrlen = sizeof(*v4);
		snprintf(opt.host, sizeof(opt.host), "%s:%ld", host, port);
	} else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		if (!IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr)) {
			fprintf(stderr, "loadgen: %s is not a loopback address; refused\n", host);
			return -1;
		}
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		opt.addrlen = sizeof(*v6);
		snprintf(opt.host, sizeof(opt.host), "[%s]:%ld", host, port);
	} else {
		fprintf(stderr, "loadgen: %s: give a loopback address (127.0.0.1, ::1, "
		                "localhost); other hosts are refused\n",
		        host);
		return -1;
	}
	return 0;
bad:
	fprintf(stderr, "loadgen: bad --url %s (want http://127.0.0.1:PORT)\n", url);
	return -1;
}

/* ------------------------------------------------------- HTTP responses */

struct response {
	int status;
	size_t size;       /* bytes of the whole response, head and body */
	bool close;        /* the server closes the connection after it */
	bool until_close;  /* no length given: the body runs to the close */
};

/* Case-insensitive: does the header line [p, p + n) have this name? */
static const char *header_value(const char *p, size_t n, const char *name)
{
	size_t nl = strlen(name);
	if (n <= nl || p[nl] != ':' || strncasecmp(p, name, nl) != 0)
		return NULL;
	const char *v = p + nl + 1;
	while (v < p + n && (*v == ' ' || *v == '\t'))
		v++;
	return v;
}

static bool token_in(const char *v, const char *end, const char *token)
{
	size_t tl = strlen(token);
	for (const char *s = v; s + tl <= end; s++)
		if (strncasecmp(s, token, tl) == 0)
			return true;
	return false;
}

/*
 * Parses the response at the start of [p, p + n). Returns 1 when it is
 * complete (r filled in), 0 when more bytes are needed, -1 when it is
 * malformed. A response with no length is complete only at the close,
 * which the caller tells by eof.
 */
static int parse_response(const char *p, size_t n, bool eof, struct response *r)
{
	memset(r, 0, sizeof(*r));
	const char *end = p + n;
	const char *head_end = NULL;
	for (const char *s = p; s + 3 < end; s++)
		if (s[0] == '\r' && s[1] == '\n' && s[2] == '\r' && s[3] == '\n') {
			head_end = s + 4;
			break;
		}
	if (!head_end)
		return n > 65536 ? -1 : 0;
	if (n < 12 || strncmp(p, "HTTP/1.", 7) != 0 || p[8] != ' ')
		return -1;
	int status = 0;
	for (int i = 9; i < 12; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		status = status * 10 + (p[i] - '0');
	}
	r->status = status;
	r->close = p[7] == '0'; /* HTTP/1.0 closes unless told otherwise */

	bool chunked = false, have_length = false;
	uint64_t length = 0;
	const char *line = (const char *)memchr(p, '\n', n) + 1;
	while (line < head_end - 2) {
		const char *eol = memchr(line, '\n', (size_t)(head_end - line));
		size_t ln = (size_t)(eol - line);
		if (ln > 0 && line[ln - 1] == '\r')
			ln--;
		const char *v;
		if ((v = header_value(line, ln, "Content-Length"))) {
			char *e;
			errno = 0;
			unsigned long long x = strtoull(v, &e, 10);
			if (errno || e == v || x > MAX_RESPONSE)
				return -1;
			length = x;
			have_length = true;
		} else if ((v = header_value(line, ln, "Transfer-Encoding"))) {
			chunked = token_in(v, line + ln, "chunked");
		} else if ((v = header_value(line, ln, "Connection"))) {
			if (token_in(v, line + ln, "close"))
				r->close = true;
			else if (token_in(v, line + ln, "keep-alive"))
				r->close = false;
		}
		line = eol + 1;
	}
	size_t head = (size_t)(head_end - p);
	if ((status >= 100 && status < 200) || status == 204 || status == 304) {
		r->size = head;
		return 1;
	}
	if (chunked) {
		const char *s = head_end;
		for (;;) {
			const char *eol = memchr(s, '\n', (size_t)(end - s));
			if (!eol)
				return (size_t)(end - s) > 1024 ? -1 : 0;
			char *e;
			errno = 0;
			unsigned long long size = strtoull(s, &e, 16);
			if (errno || e == s || size > MAX_RESPONSE)
				return -1;
			s = eol + 1;
			if (size == 0) {
				/* trailers, then an empty line */
				for (;;) {
					const char *t = memchr(s, '\n', (size_t)(end - s));
					if (!t)
						return (size_t)(end - s) > 65536 ? -1 : 0;
					bool empty = t == s || (t == s + 1 && *s == '\r');
					s = t + 1;
					if (empty) {
						r->size = (size_t)(s - p);
						return 1;
					}
				}
			}
			if ((size_t)(end - s) < size + 2)
				return (size_t)(s - p) + size > MAX_RESPONSE ? -1 : 0;
			s += size;
			if (s[0] == '\r' && s[1] == '\n')
				s += 2;
			else if (s[0] == '\n')
				s += 1;
			else
				return -1;
		}
	}
	if (have_length) {
		if (n - head < length)
			return 0;
		r->size = head + (size_t)length;
		return 1;
	}
	r->until_close = true;
	r->close = true;
	if (!eof)
		return n > MAX_RESPONSE ? -1 : 0;
	r->size = n;
	return 1;
}

/* ----------------------------------------------------------- the clients */

struct stats {
	uint64_t requests;
	uint64_t status[600];
	uint64_t err[NERRS];
	uint32_t *lat_us; /* one sample per answered request */
	size_t nlat, caplat;
};

static void stats_sample(struct stats *s, int status, double secs)
{
	s->requests++;
	s->status[status >= 0 && status < 600 ? status : 0]++;
	if (s->nlat == s->caplat) {
		s->caplat = s->caplat ? 2 * s->caplat : 4096;
		s->lat_us = xrealloc(s->lat_us, s->caplat * sizeof(*s->lat_us));
	}
	double us = secs * 1e6;
	s->lat_us[s->nlat++] = us > 4e9 ? 4000000000u : (uint32_t)us;
}

struct client {
	pthread_t thread;
	enum kind kind;
	unsigned index;
	int fd;
	struct buf req, in;
	struct stats st;
};

static void client_close(struct client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->in.len = 0;
}

static int connect_fd(double timeout)
{
	int fd = socket(opt.addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct timeval tv;
	tv.tv_sec = (time_t)timeout;
	tv.tv_usec = (suseconds_t)((timeout - (double)tv.tv_sec) * 1e6);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (const struct sockaddr *)&opt.addr, opt.addrlen) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void count_error(struct client *c, enum err e)
{
	c->st.err[e]++;
	uint64_t n = atomic_fetch_add(&errors, 1) + 1;
	if (opt.max_errors && n >= opt.max_errors)
		atomic_store(&stop, true);
	client_close(c);
}

static void log_line(int status, enum kind k, const char *what, size_t len)
{
	if (!opt.log)
		return;
	pthread_mutex_lock(&log_lock);
	fprintf(opt.log, "%d %s %.*s\n", status, kind_name[k], (int)len, what);
	fflush(opt.log);
	pthread_mutex_unlock(&log_lock);
}

/*
 * Copies a body line to out with its first "id" value given the suffix
 * (and -pK on pass K > 0); *id and *idlen then point at the new id inside
 * out. A line without an "id" string goes as it is, *id being "-".
 */
static void make_body(struct buf *out, const char *line, size_t len, uint64_t pass,
                      size_t *id_off, size_t *id_len)
{
	char extra[ID_SUFFIX_MAX + 32];
	if (opt.same_ids)
		pass = 0;
	int el = pass ? snprintf(extra, sizeof(extra), "%s-p%llu", opt.id_suffix,
	                         (unsigned long long)pass)
	              : snprintf(extra, sizeof(extra), "%s", opt.id_suffix);
	size_t start = out->len;
	*id_off = SIZE_MAX;
	*id_len = 0;
	const char *key = NULL;
	for (const char *s = line; s + 5 <= line + len; s++)
		if (memcmp(s, "\"id\"", 4) == 0) {
			key = s;
			break;
		}
	const char *v = NULL, *vend = NULL;
	if (key) {
		v = key + 4;
		while (v < line + len && (*v == ' ' || *v == '\t'))
			v++;
		if (v < line + len && *v == ':') {
			v++;
			while (v < line + len && (*v == ' ' || *v == '\t'))
				v++;
		} else {
			v = NULL;
		}
		if (v && v < line + len && *v == '"') {
			v++;
			for (const char *s = v; s < line + len; s++) {
				if (*s == '\\') {
					s++;
					continue;
				}
				if (*s == '"') {
					vend = s;
					break;
				}
			}
		}
	}
	if (!vend) {
		buf_add(out, line, len);
		return;
	}
	buf_add(out, line, (size_t)(vend - line));
	buf_add(out, extra, (size_t)el);
	buf_add(out, vend, (size_t)(line + len - vend));
	*id_off = start + (size_t)(v - line);
	*id_len = (size_t)(vend - v) + (size_t)el;
}

/* Builds the next request in c->req; false when there is none to send. */
static bool next_request(struct client *c, const char **what, size_t *what_len)
{
	struct buf *r = &c->req;
	r->len = 0;
	if (c->kind == KIND_GET) {
		const struct lines *l = &opt.lines[KIND_GET];
		size_t i;
		if (opt.once) {
			uint64_t k = atomic_fetch_add(&next_get, 1);
			if (k >= l->n)
				return false;
			i = (size_t)k;
		} else {
			i = c->index % l->n;
			c->index++;
		}
		buf_str(r, "GET ");
		buf_add(r, l->line[i], l->len[i]);
		buf_str(r, " HTTP/1.1\r\nHost: ");
		buf_str(r, opt.host);
		buf_str(r, opt.close ? "\r\nConnection: close\r\n\r\n" : "\r\n\r\n");
		*what = l->line[i];
		*what_len = l->len[i];
		return true;
	}
	const struct lines *l = &opt.lines[KIND_POST];
	uint64_t k = atomic_fetch_add(&next_post, 1);
	if (opt.once && k >= l->n)
		return false;
	if (opt.rate > 0)
		sleep_for(t_start + (double)k / opt.rate - now());
	size_t i = (size_t)(k % l->n);
	char head[512];
	struct buf body = {0};
	size_t id_off, id_len;
	make_body(&body, l->line[i], l->len[i], k / l->n, &id_off, &id_len);
	int hl = snprintf(head, sizeof(head),
	                  "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
	                  "Content-Length: %zu\r\n%s\r\n",
	                  opt.post_path, opt.host, body.len,
	                  opt.close ? "Connection: close\r\n" : "");
	buf_add(r, head, (size_t)hl);
	size_t body_at = r->len;
	buf_add(r, body.p, body.len);
	free(body.p);
	if (id_off == SIZE_MAX) {
		*what = "-";
		*what_len = 1;
	} else {
		*what = r->p + body_at + id_off;
		*what_len = id_len;
	}
	return true;
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Sends c->req and reads the response. Returns the status, or -1 after
 * counting a transport error (the connection is then closed). */
static int exchange(struct client *c)
{
	while (c->fd < 0) {
		c->fd = connect_fd(opt.timeout);
		if (c->fd >= 0)
			break;
		count_error(c, ERR_CONNECT);
		if (time_is_up())
			return -1;
		sleep_for(0.01); /* nobody listening: do not spin */
	}
	if (send_all(c->fd, c->req.p, c->req.len) != 0) {
		count_error(c, errno == EAGAIN || errno == EWOULDBLOCK ? ERR_TIMEOUT : ERR_SEND);
		return -1;
	}
	struct response resp;
	for (;;) {
		int pr = parse_response(c->in.p, c->in.len, false, &resp);
		if (pr < 0) {
			count_error(c, ERR_PARSE);
			return -1;
		}
		if (pr > 0) {
			if (resp.status >= 100 && resp.status < 200) {
				/* an interim response: drop it, the real one follows */
				memmove(c->in.p, c->in.p + resp.size, c->in.len - resp.size);
				c->in.len -= resp.size;
				continue;
			}
			break;
		}
		buf_reserve(&c->in, 16384);
		ssize_t got = recv(c->fd, c->in.p + c->in.len, c->in.cap - c->in.len, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			count_error(c, errno == EAGAIN || errno == EWOULDBLOCK ? ERR_TIMEOUT
			                                                       : ERR_RECV);
			return -1;
		}
		if (got == 0) {
			if (parse_response(c->in.p, c->in.len, true, &resp) == 1)
				break;
			count_error(c, ERR_RECV);
			return -1;
		}
		c->in.len += (size_t)got;
	}
	memmove(c->in.p, c->in.p + resp.size, c->in.len - resp.size);
	c->in.len -= resp.size;
	if (resp.close || opt.close)
		client_close(c);
	return resp.status;
}

static void *client_main(void *arg)
{
	struct client *c = arg;
	while (!time_is_up()) {
		const char *what;
		size_t what_len;
		if (!next_request(c, &what, &what_len))
			break;
		if (time_is_up())
			break;
		double t0 = now();
		int status = exchange(c);
		double t1 = now();
		if (status < 0) {
			log_line(0, c->kind, what, what_len);
			continue;
		}
		stats_sample(&c->st, status, t1 - t0);
		log_line(status, c->kind, what, what_len);
		uint64_t n = atomic_fetch_add(&answered, 1) + 1;
		if (opt.max_requests && n >= opt.max_requests)
			atomic_store(&stop, true);
	}
	client_close(c);
	/* with --once, the run ends when the last line has been answered */
	if (atomic_fetch_sub(&running, 1) == 1)
		atomic_store(&stop, true);
	return NULL;
}

/* ---------------------------------------------------- slow and idle ones */

struct lazy {
	pthread_t thread;
	bool trickle;
	bool connected;
	double closed_after; /* seconds from connect to close; < 0: never */
};

static void *lazy_main(void *arg)
{
	struct lazy *z = arg;
	z->closed_after = -1;
	int fd = connect_fd(opt.timeout);
	if (fd < 0)
		return NULL;
	z->connected = true;
	double t0 = now();
	static const char head[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
	size_t sent = 0;
	while (!time_is_up()) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int wait_ms = z->trickle ? (int)(opt.trickle * 1000) : 50;
		if (wait_ms > 50)
			wait_ms = 50; /* look at the clock often enough */
		int pr = poll(&p, 1, wait_ms);
		if (pr > 0) {
			char tmp[4096];
			ssize_t got = recv(fd, tmp, sizeof(tmp), MSG_DONTWAIT);
			if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) {
				z->closed_after = now() - t0;
				break;
			}
			/* an answer (408, 400): keep reading until the close */
		}
		if (z->trickle && now() - t0 >= (double)(sent + 1) * opt.trickle) {
			char ch = sent < sizeof(head) - 1 ? head[sent] : 'a';
			if (send(fd, &ch, 1, MSG_NOSIGNAL) != 1) {
				z->closed_after = now() - t0;
				break;
			}
			sent++;
		}
	}
	close(fd);
	return NULL;
}

/* --------------------------------------------------------------- report */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* The p-quantile of sorted samples, nearest rank, in milliseconds. */
static double quantile_ms(const uint32_t *v, size_t n, double p)
{
	if (n == 0)
		return 0;
	size_t rank = (size_t)(p * (double)n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return (double)v[rank - 1] / 1000.0;
}

static void merge(struct stats *into, const struct stats *s)
{
	into->requests += s->requests;
	for (int i = 0; i < 600; i++)
		into->status[i] += s->status[i];
	for (int i = 0; i < NERRS; i++)
		into->err[i] += s->err[i];
	if (s->nlat) {
		into->lat_us = xrealloc(into->lat_us, (into->nlat + s->nlat) * sizeof(*into->lat_us));
		memcpy(into->lat_us + into->nlat, s->lat_us, s->nlat * sizeof(*s->lat_us));
		into->nlat += s->nlat;
	}
}

struct summary {
	uint64_t requests, errors;
	double rps, p50, p90, p99, max;
};

static struct summary summarize(struct stats *s, double secs)
{
	struct summary m = {0};
	if (s->nlat)
		qsort(s->lat_us, s->nlat, sizeof(*s->lat_us), cmp_u32);
	m.requests = s->requests;
	for (int i = 0; i < NERRS; i++)
		m.errors += s->err[i];
	m.rps = secs > 0 ? (double)s->requests / secs : 0;
	m.p50 = quantile_ms(s->lat_us, s->nlat, 0.50);
	m.p90 = quantile_ms(s->lat_us, s->nlat, 0.90);
	m.p99 = quantile_ms(s->lat_us, s->nlat, 0.99);
	m.max = s->nlat ? (double)s->lat_us[s->nlat - 1] / 1000.0 : 0;
	return m;
}

static void print_text(const char *name, const struct stats *s, const struct summary *m)
{
	printf("%-5s %llu requests, %.1f/s; status", name, (unsigned long long)m->requests, m->rps);
	bool any = false;
	for (int i = 0; i < 600; i++)
		if (s->status[i]) {
			printf(" %d: %llu", i, (unsigned long long)s->status[i]);
			any = true;
		}
	if (!any)
		printf(" none");
	printf("; errors %llu", (unsigned long long)m->errors);
	for (int i = 0; i < NERRS; i++)
		if (s->err[i])
			printf(" (%s %llu)", err_name[i], (unsigned long long)s->err[i]);
	printf("\n      latency ms: p50 %.3f, p90 %.3f, p99 %.3f, max %.3f\n", m->p50, m->p90, m->p99,
	       m->max);
}

static void print_json(const char *name, const struct stats *s, const struct summary *m)
{
	printf("\"%s\":{\"requests\":%llu,\"rps\":%.1f,\"status\":{", name,
	       (unsigned long long)m->requests, m->rps);
	bool first = true;
	for (int i = 0; i < 600; i++)
		if (s->status[i]) {
			printf("%s\"%d\":%llu", first ? "" : ",", i, (unsigned long long)s->status[i]);
			first = false;
		}
	printf("},\"errors\":%llu,\"error_kinds\":{", (unsigned long long)m->errors);
	first = true;
	for (int i = 0; i < NERRS; i++) {
		printf("%s\"%s\":%llu", first ? "" : ",", err_name[i], (unsigned long long)s->err[i]);
		first = false;
	}
	printf("},\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f}", m->p50, m->p90,
	       m->p99, m->max);
}

struct lazy_sum {
	unsigned n, connected, closed;
	double first, last;
};

static struct lazy_sum sum_lazy(const struct lazy *z, unsigned n)
{
	struct lazy_sum s = {n, 0, 0, 0, 0};
	for (unsigned i = 0; i < n; i++) {
		s.connected += z[i].connected;
		if (z[i].closed_after < 0)
			continue;
		if (s.closed == 0 || z[i].closed_after < s.first)
			s.first = z[i].closed_after;
		if (z[i].closed_after > s.last)
			s.last = z[i].closed_after;
		s.closed++;
	}
	return s;
}

/* ----------------------------------------------------------------- main */

static void usage(void)
{
	fprintf(stderr,
	        "usage: loadgen --url http://127.0.0.1:PORT [--seconds S] [--connections N]\n"
	        "               [--post FILE.jsonl [--post-connections N] [--post-path P]\n"
	        "                [--id-suffix S] [--same-ids] [--once] [--rate R]]\n"
	        "               [--get PATHS [--get-connections N]]\n"
	        "               [--requests N] [--max-errors N] [--timeout S] [--log FILE]\n"
	        "               [--close]\n"
	        "               [--slow N] [--idle N] [--trickle-ms MS] [--quiet]\n");
	exit(2);
}

static double num_arg(const char *name, const char *v, double lo, double hi)
{
	char *e;
	errno = 0;
	double x = v ? strtod(v, &e) : 0;
	if (!v || errno || e == v || *e || !(x >= lo && x <= hi)) {
		fprintf(stderr, "loadgen: %s wants a number from %g to %g\n", name, lo, hi);
		exit(2);
	}
	return x;
}

int main(int argc, char **argv)
{
	const char *url = NULL, *files[NKINDS] = {NULL, NULL}, *log_path = NULL;
	unsigned conns = 4, kconns[NKINDS] = {0, 0};
	opt.seconds = 10;
	opt.timeout = 10;
	opt.trickle = 0.2;
	opt.post_path = "/articles";
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool used = true;
		if (!strcmp(o, "--url"))
			url = v;
		else if (!strcmp(o, "--seconds"))
			opt.seconds = num_arg(o, v, 0.01, 3600);
		else if (!strcmp(o, "--connections"))
			conns = (unsigned)num_arg(o, v, 1, MAX_CONNECTIONS);
		else if (!strcmp(o, "--post"))
			files[KIND_POST] = v;
		else if (!strcmp(o, "--post-connections"))
			kconns[KIND_POST] = (unsigned)num_arg(o, v, 1, MAX_CONNECTIONS);
		else if (!strcmp(o, "--post-path"))
			opt.post_path = v;
		else if (!strcmp(o, "--id-suffix")) {
			if (!v || strlen(v) > ID_SUFFIX_MAX || strspn(v,
			                                               "abcdefghijklmnopqrstuvwxyz"
			                                               "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			                                               "0123456789._-~") != strlen(v)) {
				fprintf(stderr, "loadgen: --id-suffix: letters, digits and ._-~ only, "
				                "%d at most\n",
				        ID_SUFFIX_MAX);
				return 2;
			}
			memcpy(opt.id_suffix, v, strlen(v) + 1);
		} else if (!strcmp(o, "--rate"))
			opt.rate = num_arg(o, v, 0, 1e7);
		else if (!strcmp(o, "--get"))
			files[KIND_GET] = v;
		else if (!strcmp(o, "--get-connections"))
			kconns[KIND_GET] = (unsigned)num_arg(o, v, 1, MAX_CONNECTIONS);
		else if (!strcmp(o, "--requests"))
			opt.max_requests = (uint64_t)num_arg(o, v, 1, 1e12);
		else if (!strcmp(o, "--max-errors"))
			opt.max_errors = (uint64_t)num_arg(o, v, 1, 1e12);
		else if (!strcmp(o, "--timeout"))
			opt.timeout = num_arg(o, v, 0.01, 3600);
		else if (!strcmp(o, "--log"))
			log_path = v;
		else if (!strcmp(o, "--slow"))
			opt.slow = (unsigned)num_arg(o, v, 0, MAX_CONNECTIONS);
		else if (!strcmp(o, "--idle"))
			opt.idle = (unsigned)num_arg(o, v, 0, MAX_CONNECTIONS);
		else if (!strcmp(o, "--trickle-ms"))
			opt.trickle = num_arg(o, v, 1, 60000) / 1000.0;
		else {
			used = false;
			if (!strcmp(o, "--once"))
				opt.once = true;
			else if (!strcmp(o, "--quiet"))
				opt.quiet = true;
			else if (!strcmp(o, "--same-ids"))
				opt.same_ids = true;
			else if (!strcmp(o, "--close"))
				opt.close = true;
			else
				usage();
		}
		if (used) {
			if (!v)
				usage();
			i++;
		}
	}
	if (!url || (!files[KIND_POST] && !files[KIND_GET] && !opt.slow && !opt.idle))
		usage();
	if (parse_url(url) != 0)
		return 2;
	if (opt.post_path[0] != '/' || strpbrk(opt.post_path, " \r\n")) {
		fprintf(stderr, "loadgen: --post-path must be a path beginning with /\n");
		return 2;
	}
	unsigned total = 0;
	for (int k = 0; k < NKINDS; k++) {
		if (!files[k])
			continue;
		if (read_lines(files[k], &opt.lines[k]) != 0)
			return 1;
		if (k == KIND_GET)
			for (size_t i = 0; i < opt.lines[k].n; i++)
				if (opt.lines[k].line[i][0] != '/' ||
				    memchr(opt.lines[k].line[i], ' ', opt.lines[k].len[i])) {
					fprintf(stderr, "loadgen: %s:%zu: a path begins with / and has "
					                "no spaces\n",
					        files[k], i + 1);
					return 1;
				}
		opt.conns[k] = kconns[k] ? kconns[k] : conns;
		total += opt.conns[k];
	}
	if (log_path && !(opt.log = fopen(log_path, "w"))) {
		fprintf(stderr, "loadgen: %s: %s\n", log_path, strerror(errno));
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);

	struct client *cl = xrealloc(NULL, (total ? total : 1) * sizeof(*cl));
	struct lazy *lz = xrealloc(NULL, (opt.slow + opt.idle + 1) * sizeof(*lz));
	atomic_store(&running, total);
	t_start = now();
	t_end = t_start + opt.seconds;
	unsigned n = 0;
	for (int k = 0; k < NKINDS; k++)
		for (unsigned i = 0; i < opt.conns[k]; i++, n++) {
			memset(&cl[n], 0, sizeof(cl[n]));
			cl[n].kind = (enum kind)k;
			cl[n].fd = -1;
			/* GET connections spread their start over the paths */
			cl[n].index = (unsigned)((uint64_t)i * opt.lines[k].n / opt.conns[k]);
			if (pthread_create(&cl[n].thread, NULL, client_main, &cl[n]) != 0) {
				fprintf(stderr, "loadgen: cannot start thread %u\n", n);
				return 1;
			}
		}
	for (unsigned i = 0; i < opt.slow + opt.idle; i++) {
		memset(&lz[i], 0, sizeof(lz[i]));
		lz[i].trickle = i < opt.slow;
		if (pthread_create(&lz[i].thread, NULL, lazy_main, &lz[i]) != 0) {
			fprintf(stderr, "loadgen: cannot start thread\n");
			return 1;
		}
	}
	for (unsigned i = 0; i < n; i++)
		pthread_join(cl[i].thread, NULL);
	for (unsigned i = 0; i < opt.slow + opt.idle; i++)
		pthread_join(lz[i].thread, NULL);
	double secs = now() - t_start;
	if (opt.log)
		fclose(opt.log);

	struct stats per[NKINDS] = {{0}}, all = {0};
	for (unsigned i = 0; i < n; i++) {
		merge(&per[cl[i].kind], &cl[i].st);
		merge(&all, &cl[i].st);
		free(cl[i].st.lat_us);
		free(cl[i].req.p);
		free(cl[i].in.p);
	}
	struct summary sm[NKINDS], sall = summarize(&all, secs);
	for (int k = 0; k < NKINDS; k++)
		sm[k] = summarize(&per[k], secs);
	struct lazy_sum zs = sum_lazy(lz, opt.slow), zi = sum_lazy(lz + opt.slow, opt.idle);

	if (!opt.quiet) {
		printf("loadgen: %.2f s, %u POST and %u GET connections to %s\n", secs,
		       opt.conns[KIND_POST], opt.conns[KIND_GET], opt.host);
		for (int k = 0; k < NKINDS; k++)
			if (opt.conns[k])
				print_text(kind_name[k], &per[k], &sm[k]);
		if (opt.slow)
			printf("slow  %u trickling a byte every %.0f ms: %u connected, %u closed by the "
			       "server (after %.1f-%.1f s)\n",
			       zs.n, opt.trickle * 1000, zs.connected, zs.closed, zs.first, zs.last);
		if (opt.idle)
			printf("idle  %u sending nothing: %u connected, %u closed by the server "
			       "(after %.1f-%.1f s)\n",
			       zi.n, zi.connected, zi.closed, zi.first, zi.last);
	}
	printf("{\"seconds\":%.3f,", secs);
	for (int k = 0; k < NKINDS; k++)
		if (opt.conns[k]) {
			print_json(k == KIND_POST ? "post" : "get", &per[k], &sm[k]);
			putchar(',');
		}
	print_json("total", &all, &sall);
	const struct lazy_sum *zz[2] = {&zs, &zi};
	for (int i = 0; i < 2; i++)
		if (zz[i]->n)
			printf(",\"%s\":{\"n\":%u,\"connected\":%u,\"closed\":%u,\"first_s\":%.2f,"
			       "\"last_s\":%.2f}",
			       i ? "idle" : "slow", zz[i]->n, zz[i]->connected, zz[i]->closed,
			       zz[i]->first, zz[i]->last);
	printf("}\n");
	for (int k = 0; k < NKINDS; k++) {
		free(per[k].lat_us);
		free(opt.lines[k].data);
		free(opt.lines[k].line);
		free(opt.lines[k].len);
	}
	free(all.lat_us);
	free(cl);
	free(lz);
	return 0;
}
