/*
 * serve_parse.c — what `doppel serve` makes of the bytes a client sends:
 * paths, percent escapes, query arguments, article bodies, the token.
 * Nothing here calls libmicrohttpd, so that the fuzz target
 * (tests/fuzz/fuzz_http.c) runs it on the same inputs the server does.
 */
#include "serve.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* GET /stories takes limit= up to this. */
#define STORIES_MAX_LIMIT 100000

/* RFC 3629 UTF-8, byte by byte (serve.h). */
bool serve_utf8_valid(const char *s, size_t n, size_t *bad_at)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		unsigned c = p[i];
		size_t len;
		unsigned min;
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xC2 && c <= 0xDF) {
			len = 2, min = 0x80;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3, min = 0x800;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4, min = 0x10000;
		} else {
			goto bad;
		}
		if (n - i < len)
			goto bad;
		unsigned cp = c & (0x7F >> len);
		for (size_t k = 1; k < len; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				goto bad;
			cp = (cp << 6) | (p[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			goto bad;
		i += len;
	}
	return true;
bad:
	if (bad_at)
		*bad_at = i;
	return false;
}

/* The value of a hex digit; -1 for another character. */
static int hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decodes s[0..n) into a new string; NULL when an escape is
 * malformed, decodes to NUL, or the result is not UTF-8. In a query
 * string "+" is a space. */
char *serve_percent_decode(const char *s, size_t n, bool query)
{
	char *out = malloc(n + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			int hi = i + 2 < n ? hex(s[i + 1]) : -1;
			int lo = i + 2 < n ? hex(s[i + 2]) : -1;
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				goto bad;
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else if (query && s[i] == '+') {
			out[o++] = ' ';
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	if (!serve_utf8_valid(out, o, NULL))
		goto bad;
	return out;
bad:
	free(out);
	return NULL;
}

/* Finds the endpoint of a path. Returns 0, or 400 when a segment does not
 * decode, or 404 when nothing matches; rq->id holds the decoded {id}. */
unsigned serve_route(const char *url, struct request *rq)
{
	rq->ep = EP_UNKNOWN;
	if (url[0] != '/')
		return MHD_HTTP_NOT_FOUND;
	const char *seg[4];
	size_t len[4];
	size_t n = 0;
	const char *p = url + 1;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t l = slash ? (size_t)(slash - p) : strlen(p);
		if (n == 4)
			return MHD_HTTP_NOT_FOUND;
		seg[n] = p;
		len[n] = l;
		n++;
		if (!slash)
			break;
		p = slash + 1;
	}
#define IS(i, lit) (len[i] == sizeof(lit) - 1 && memcmp(seg[i], lit, len[i]) == 0)
	if (n == 1 && IS(0, "healthz"))
		rq->ep = EP_HEALTHZ;
	else if (n == 1 && IS(0, "version"))
		rq->ep = EP_VERSION;
	else if (n == 1 && IS(0, "metrics"))
		rq->ep = EP_METRICS;
	else if (n == 1 && IS(0, "articles"))
		rq->ep = EP_ARTICLES;
	else if (n == 2 && IS(0, "articles") && len[1])
		rq->ep = EP_ARTICLE;
	else if (n == 3 && IS(0, "articles") && len[1] && IS(2, "relations"))
		rq->ep = EP_RELATIONS;
	else if (n == 1 && IS(0, "stories"))
		rq->ep = EP_STORIES;
	else if (n == 2 && IS(0, "stories") && len[1])
		rq->ep = EP_STORY;
	else if (n == 1 && IS(0, "explain"))
		rq->ep = EP_EXPLAIN;
	else
		return MHD_HTTP_NOT_FOUND;
#undef IS
	if (rq->ep == EP_ARTICLE || rq->ep == EP_RELATIONS || rq->ep == EP_STORY) {
		rq->id = serve_percent_decode(seg[1], len[1], false);
		if (!rq->id)
			return MHD_HTTP_BAD_REQUEST;
	}
	return 0;
}

/* What a flag argument says (serve.h). */
int serve_flag_value(const char *v)
{
	if (!v)
		return 0;
	if (strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0 || strcasecmp(v, "yes") == 0 ||
	    *v == '\0')
		return 1;
	if (strcmp(v, "0") == 0 || strcasecmp(v, "false") == 0 || strcasecmp(v, "no") == 0)
		return 0;
	return -1;
}

/* GET /stories's arguments, checked (serve.h). */
const char *serve_stories_args(const char *since, const char *limit, int32_t *day,
                               unsigned long long *lim)
{
	if (since && doppel_parse_date(since, strlen(since), day) != DOPPEL_OK)
		return "since: want a date YYYY-MM-DD";
	if (limit) {
		char *end;
		*lim = strtoull(limit, &end, 10);
		if (!*limit || *end || *limit == '-' || *lim > STORIES_MAX_LIMIT)
			return "limit: want a number, 0 (no limit) to 100000";
	}
	return NULL;
}

/* How an error message names the JSON type of v. */
static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

/* A string field; *out NULL when absent or null (and not required). */
static bool string_field(const json_t *o, const char *key, bool required, const char **out,
                         size_t *len, const char *where, char *err, size_t errlen)
{
	json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required) {
			snprintf(err, errlen, "%s.%s: missing", where, key);
			return false;
		}
		return true;
	}
	if (!json_is_string(v)) {
		snprintf(err, errlen, "%s.%s: want a string, not %s", where, key, type_name(v));
		return false;
	}
	*out = json_string_value(v);
	if (len)
		*len = json_string_length(v);
	return true;
}

/* Checks one article object and copies it into b. */
static bool take_article(const json_t *o, doppel_batch *b, const char *where, char *err,
                         size_t errlen)
{
	if (!json_is_object(o)) {
		snprintf(err, errlen, "%s: want an article object, not %s", where,
		         type_name(o));
		return false;
	}
	doppel_article a = {.date = DOPPEL_NO_DATE};
	const char *date;
	size_t idlen = 0, datelen = 0;
	if (!string_field(o, "id", true, &a.id, &idlen, where, err, errlen) ||
	    !string_field(o, "text", true, &a.text, &a.text_len, where, err, errlen) ||
	    !string_field(o, "title", false, &a.title, NULL, where, err, errlen) ||
	    !string_field(o, "source", false, &a.source, NULL, where, err, errlen) ||
	    !string_field(o, "url", false, &a.url, NULL, where, err, errlen) ||
	    !string_field(o, "date", false, &date, &datelen, where, err, errlen))
		return false;
	if (idlen == 0) {
		snprintf(err, errlen, "%s.id: empty", where);
		return false;
	}
	if (a.text_len == 0) {
		snprintf(err, errlen, "%s.text: empty", where);
		return false;
	}
	if (date && doppel_parse_date(date, datelen, &a.date) != DOPPEL_OK) {
		snprintf(err, errlen, "%s.date: want YYYY-MM-DD, not \"%.40s\"", where, date);
		return false;
	}
	/* as the reader does for doppel add: no date given, the text's own */
	if (!date)
		doppel_text_date(a.text, a.text_len, &a.date);
	if (doppel_batch_push(b, &a) != DOPPEL_OK) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	return true;
}

/* A body of one article object or an array of them into b. */
static bool parse_json_body(const char *body, size_t len, doppel_batch *b, char *err,
                            size_t errlen)
{
	json_error_t je;
	json_t *v = json_loadb(body, len, 0, &je);
	if (!v) {
		snprintf(err, errlen, "invalid JSON at line %d, column %d: %s", je.line,
		         je.column, je.text);
		return false;
	}
	bool ok = true;
	if (json_is_array(v)) {
		if (json_array_size(v) == 0) {
			snprintf(err, errlen, "an empty array: no articles");
			ok = false;
		}
		for (size_t i = 0; ok && i < json_array_size(v); i++) {
			char where[32];
			snprintf(where, sizeof(where), "articles[%zu]", i);
			ok = take_article(json_array_get(v, i), b, where, err, errlen);
		}
	} else {
		ok = take_article(v, b, "article", err, errlen);
	}
	json_decref(v);
	return ok;
}

/* A JSON Lines body into b; blank lines are skipped. */
static bool parse_lines_body(const char *body, size_t len, doppel_batch *b, char *err,
                             size_t errlen)
{
	size_t line = 0;
	const char *p = body, *end = body + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		line++;
		size_t n = (size_t)(e - p);
		if (n && p[n - 1] == '\r')
			n--;
		bool blank = true;
		for (size_t i = 0; i < n && blank; i++)
			blank = p[i] == ' ' || p[i] == '\t';
		if (!blank) {
			json_error_t je;
			json_t *v = json_loadb(p, n, 0, &je);
			if (!v) {
				snprintf(err, errlen, "line %zu: invalid JSON at column %d: %s",
				         line, je.column, je.text);
				return false;
			}
			char where[32];
			snprintf(where, sizeof(where), "line %zu", line);
			bool ok = take_article(v, b, where, err, errlen);
			json_decref(v);
			if (!ok)
				return false;
		}
		p = nl ? nl + 1 : end;
	}
	if (!doppel_batch_count(b)) {
		snprintf(err, errlen, "no articles: every line is blank");
		return false;
	}
	return true;
}

/* qsort order of C strings. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* An id that appears twice in the batch, or NULL. */
static const char *repeated_id(const doppel_batch *b, bool *nomem)
{
	size_t n = doppel_batch_count(b);
	if (n < 2)
		return NULL;
	const char **ids = malloc(n * sizeof(*ids));
	if (!ids) {
		*nomem = true;
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		ids[i] = doppel_batch_article(b, i)->id;
	qsort(ids, n, sizeof(*ids), cmp_str);
	const char *dup = NULL;
	for (size_t i = 1; i < n && !dup; i++)
		if (strcmp(ids[i - 1], ids[i]) == 0)
			dup = ids[i];
	free(ids);
	return dup;
}

/* A POST /articles body into a batch, or the 400's message (serve.h). The
 * cheap checks come first: an empty body, then its UTF-8. */
bool serve_parse_articles(const char *body, size_t len, bool lines, doppel_batch *b, char *err,
                          size_t errlen)
{
	if (len == 0) {
		snprintf(err, errlen,
		         "empty body: send an article, an array of them, or JSON Lines");
		return false;
	}
	size_t at;
	if (!serve_utf8_valid(body, len, &at)) {
		snprintf(err, errlen, "invalid UTF-8 at byte %zu", at);
		return false;
	}
	bool ok = lines ? parse_lines_body(body, len, b, err, errlen)
	                : parse_json_body(body, len, b, err, errlen);
	if (ok) {
		bool nomem = false;
		const char *dup = repeated_id(b, &nomem);
		if (dup)
			snprintf(err, errlen, "id \"%.200s\" appears twice in the request",
			         dup);
		else if (nomem)
			snprintf(err, errlen, "out of memory");
		ok = !dup && !nomem;
	}
	return ok;
}

/* Constant-time token comparison (serve.h), as Redis's
 * time_independent_strcmp() does it: every byte of the token is looked at
 * whatever differs first. */
bool serve_token_equal(const char *token, size_t len, const char *given, size_t n)
{
	/* volatile, so that the compiler cannot end the loop at the first
	 * difference. The branch on n depends on the client's length only. */
	volatile unsigned char diff = (unsigned char)(n != len);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = i < n ? (unsigned char)given[i] : 0;
		diff |= (unsigned char)((unsigned char)token[i] ^ c);
	}
	return diff == 0;
}
