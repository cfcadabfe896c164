/*
 * batch.c — a group of articles copied out of a reader, the unit of
 * parallel work. Each article's strings live in one allocation, and
 * beside it what doppel_index_prepare() computed for it, if anything.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

struct doppel_batch {
	doppel_article *items;
	char **blocks;
	doppel__pre **pre; /* per article; NULL: not prepared */
	size_t n, cap;
	size_t bytes;
};

doppel_batch *doppel_batch_new(void)
{
	return calloc(1, sizeof(doppel_batch));
}

void doppel__pre_free(doppel__pre *p)
{
	if (!p)
		return;
	doppel__features_free(&p->feat);
	free(p->pk);
	free(p->ztext);
	free(p->lines);
	free(p->rep);
	free(p);
}

void doppel_batch_clear(doppel_batch *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++) {
		free(b->blocks[i]);
		doppel__pre_free(b->pre[i]);
	}
	b->n = 0;
	b->bytes = 0;
}

void doppel_batch_free(doppel_batch *b)
{
	if (!b)
		return;
	doppel_batch_clear(b);
	free(b->items);
	free(b->blocks);
	free(b->pre);
	free(b);
}

static size_t slen(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

/* Copies s (if not NULL) to *at and advances it. */
static const char *put(char **at, const char *s, size_t n)
{
	if (!s)
		return NULL;
	char *d = *at;
	memcpy(d, s, n);
	*at += n;
	return d;
}

/* Room for `more` articles after the n there are. */
static int reserve(doppel_batch *b, size_t more)
{
	if (b->n + more <= b->cap)
		return DOPPEL_OK;
	size_t cap = b->cap;
	if (doppel__grow((void **)&b->items, &cap, b->n + more, sizeof(*b->items)))
		return DOPPEL_E_NOMEM;
	cap = b->cap;
	if (doppel__grow((void **)&b->blocks, &cap, b->n + more, sizeof(*b->blocks)))
		return DOPPEL_E_NOMEM;
	cap = b->cap;
	if (doppel__grow((void **)&b->pre, &cap, b->n + more, sizeof(*b->pre)))
		return DOPPEL_E_NOMEM;
	b->cap = cap;
	return DOPPEL_OK;
}

int doppel_batch_push(doppel_batch *b, const doppel_article *a)
{
	if (!b || !a || (!a->text && a->text_len))
		return DOPPEL_E_ARG;
	if (reserve(b, 1))
		return DOPPEL_E_NOMEM;
	size_t nid = slen(a->id), ntitle = slen(a->title), nsrc = slen(a->source),
	       nurl = slen(a->url), norigin = slen(a->origin);
	size_t total = nid + ntitle + nsrc + nurl + norigin + a->text_len + 1;
	char *block = malloc(total);
	if (!block)
		return DOPPEL_E_NOMEM;
	char *at = block;
	doppel_article *d = &b->items[b->n];
	*d = *a;
	d->text = put(&at, a->text ? a->text : "", a->text_len);
	*at++ = '\0';
	d->id = put(&at, a->id, nid);
	d->title = put(&at, a->title, ntitle);
	d->source = put(&at, a->source, nsrc);
	d->url = put(&at, a->url, nurl);
	d->origin = put(&at, a->origin, norigin);
	b->pre[b->n] = NULL;
	b->blocks[b->n++] = block;
	b->bytes += a->text_len;
	return DOPPEL_OK;
}

int doppel__batch_adopt(doppel_batch *b, const doppel_article *a, char *text)
{
	if (!b || !a || !text || a->text != text)
		return DOPPEL_E_ARG;
	if (reserve(b, 1))
		return DOPPEL_E_NOMEM;
	b->items[b->n] = *a;
	b->pre[b->n] = NULL;
	b->blocks[b->n++] = text;
	b->bytes += a->text_len;
	return DOPPEL_OK;
}

int doppel_batch_take(doppel_batch *dst, doppel_batch *src)
{
	if (!dst || !src || dst == src)
		return DOPPEL_E_ARG;
	if (!src->n)
		return DOPPEL_OK;
	if (reserve(dst, src->n))
		return DOPPEL_E_NOMEM;
	/* The strings stay where they are: items point into blocks. */
	memcpy(dst->items + dst->n, src->items, src->n * sizeof(*src->items));
	memcpy(dst->blocks + dst->n, src->blocks, src->n * sizeof(*src->blocks));
	memcpy(dst->pre + dst->n, src->pre, src->n * sizeof(*src->pre));
	dst->n += src->n;
	dst->bytes += src->bytes;
	src->n = 0;
	src->bytes = 0;
	return DOPPEL_OK;
}

size_t doppel_batch_count(const doppel_batch *b)
{
	return b ? b->n : 0;
}

size_t doppel_batch_bytes(const doppel_batch *b)
{
	return b ? b->bytes : 0;
}

const doppel_article *doppel_batch_article(const doppel_batch *b, size_t i)
{
	return b && i < b->n ? &b->items[i] : NULL;
}

doppel__pre *doppel__batch_pre(const doppel_batch *b, size_t i)
{
	return b && i < b->n ? b->pre[i] : NULL;
}

void doppel__batch_set_pre(doppel_batch *b, size_t i, doppel__pre *p)
{
	doppel__pre_free(b->pre[i]);
	b->pre[i] = p;
}
