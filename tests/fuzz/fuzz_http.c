/*
 * fuzz_http.c — what `doppel serve` makes of a client's bytes
 * (programs/serve_parse.c), called as the server calls it. The first byte
 * chooses what the rest is:
 *   0  a POST /articles body, JSON (an object or an array);
 *   1  the same, JSON Lines;
 *   2  a request path, escapes undecoded;
 *   3  a query string: split at '&' and '=' as libmicrohttpd splits it,
 *      each value decoded, then read as a flag and as GET /stories's since=
 *      and limit=;
 *   4  a token and a presented one, split at the first NUL byte.
 * What comes out must be what the server relies on: decoded strings are
 * UTF-8 without NUL, an article has a non-empty id and text and no id
 * repeats, the token comparison agrees with memcmp.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../programs/serve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A decoded string must be what serve_percent_decode promises. */
static void check_decoded(const char *d, size_t from)
{
	if (!d)
		return;
	size_t n = strlen(d);
	if (n > from || !serve_utf8_valid(d, n, NULL))
		abort();
}

/* A body: taken, its articles are whole and their ids distinct. */
static void body(const char *s, size_t n, bool lines)
{
	doppel_batch *b = doppel_batch_new();
	if (!b)
		return;
	char err[512] = "";
	if (serve_parse_articles(s, n, lines, b, err, sizeof(err))) {
		size_t count = doppel_batch_count(b);
		if (count == 0)
			abort();
		for (size_t i = 0; i < count; i++) {
			const doppel_article *a = doppel_batch_article(b, i);
			if (!a || !a->id || !*a->id || !a->text || a->text_len == 0 ||
			    !serve_utf8_valid(a->text, a->text_len, NULL))
				abort();
			for (size_t k = 0; k < i; k++)
				if (strcmp(doppel_batch_article(b, k)->id, a->id) == 0)
					abort();
		}
	} else if (!*err) {
		abort(); /* a refusal always says why */
	}
	doppel_batch_free(b);
}

/* A path: routed to an endpoint, or refused with 400 or 404. */
static void path(const char *s, size_t n)
{
	char *url = malloc(n + 1);
	if (!url)
		return;
	memcpy(url, s, n);
	url[n] = '\0';
	struct request rq = {0};
	unsigned st = serve_route(url, &rq);
	if (st == 0) {
		if (rq.ep == EP_UNKNOWN)
			abort();
		bool has_id = rq.ep == EP_ARTICLE || rq.ep == EP_RELATIONS || rq.ep == EP_STORY;
		if (has_id != (rq.id != NULL))
			abort();
		check_decoded(rq.id, strlen(url));
	} else if (st != 400 && st != 404) {
		abort();
	}
	free(rq.id);
	free(url);
}

/* One argument's value, as the handlers read it. */
static void argument(const char *v, size_t n)
{
	char *d = serve_percent_decode(v, n, true);
	check_decoded(d, n);
	int flag = serve_flag_value(d);
	if (flag < -1 || flag > 1)
		abort();
	int32_t day = DOPPEL_NO_DATE;
	unsigned long long lim = 100;
	if (!serve_stories_args(d, NULL, &day, &lim) && d && day == DOPPEL_NO_DATE)
		abort(); /* a since= taken is a date */
	if (!serve_stories_args(NULL, d, &day, &lim) && lim > 100000)
		abort(); /* a limit= taken is in range */
	free(d);
}

/* A query string, split as libmicrohttpd splits it. */
static void query(const char *s, size_t n)
{
	size_t i = 0;
	while (i <= n) {
		const char *amp = memchr(s + i, '&', n - i);
		size_t end = amp ? (size_t)(amp - s) : n;
		const char *eq = memchr(s + i, '=', end - i);
		if (eq)
			argument(eq + 1, end - (size_t)(eq + 1 - s));
		i = end + 1;
	}
}

/* The token comparison agrees with memcmp. */
static void token(const char *s, size_t n)
{
	const char *nul = memchr(s, '\0', n);
	size_t la = nul ? (size_t)(nul - s) : n / 2;
	const char *b = nul ? nul + 1 : s + la;
	size_t lb = n - (size_t)(b - s);
	bool same = la == lb && memcmp(s, b, la) == 0;
	if (serve_token_equal(s, la, b, lb) != same)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	/* An exact copy, so that a read past the end is seen. */
	size_t n = size - 1;
	char *s = malloc(n ? n : 1);
	if (!s)
		return 0;
	memcpy(s, data + 1, n);
	switch (data[0] % 5) {
	case 0:
		body(s, n, false);
		break;
	case 1:
		body(s, n, true);
		break;
	case 2:
		path(s, n);
		break;
	case 3:
		query(s, n);
		break;
	default:
		token(s, n);
		break;
	}
	free(s);
	return 0;
}
