/*
 * serve_reply.c — what the endpoints and the router of `doppel serve` share
 * to answer a request: replies and errors as JSON, query arguments, the
 * count of rejected articles. Apart from serve.c (the server) and
 * serve_api.c (the endpoints), which both call it and not each other's
 * helpers.
 */
#include "serve.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void serve_count_rejected(struct server *s, uint64_t n)
{
	pthread_mutex_lock(&s->metrics.mu);
	s->metrics.rejected += n;
	pthread_mutex_unlock(&s->metrics.mu);
}

enum MHD_Result serve_queue(struct MHD_Connection *conn, struct request *rq, unsigned status,
                            char *text, size_t len, const char *type)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_UNAUTHORIZED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		                        "Bearer realm=\"doppel\"");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED) {
		const char *allow = "GET";
		if (rq->ep == EP_ARTICLES)
			allow = "POST";
		else if (rq->ep == EP_ARTICLE)
			allow = "GET, DELETE";
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	}
	if (status == MHD_HTTP_SERVICE_UNAVAILABLE)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	enum MHD_Result ok = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	if (ok == MHD_YES)
		rq->status = status;
	return ok;
}

/* Sends body (a reference taken) as the reply. */
enum MHD_Result serve_reply(struct MHD_Connection *conn, struct request *rq, unsigned status,
                            json_t *body)
{
	char *text = body ? json_dumps(body, CLI_JSON_FLAGS) : NULL;
	json_decref(body);
	if (!text)
		return MHD_NO;
	size_t n = strlen(text);
	/* A final newline, as the command writes, for curl users. */
	char *t = realloc(text, n + 2);
	if (!t) {
		free(text);
		return MHD_NO;
	}
	t[n] = '\n';
	t[n + 1] = '\0';
	return serve_queue(conn, rq, status, t, n + 1, "application/json");
}

enum MHD_Result serve_error(struct MHD_Connection *conn, struct request *rq, unsigned status,
                            const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_t *e = json_object();
	json_object_set_new(e, "code", json_integer(status));
	/* A message quoting bad input may have been cut inside a character. */
	json_t *m = json_string(msg);
	json_object_set_new(e, "message", m ? m : json_string("(message not UTF-8)"));
	return serve_reply(conn, rq, status, json_pack("{s:o}", "error", e));
}

char *serve_arg(struct MHD_Connection *conn, const char *key, bool *bad)
{
	const char *v = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, key);
	if (!v)
		return NULL;
	char *d = serve_percent_decode(v, strlen(v), true);
	if (!d)
		*bad = true;
	return d;
}
