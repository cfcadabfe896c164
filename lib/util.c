/*
 * util.c — small helpers: error strings, checked allocation, threads, time.
 */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void doppel__errf(char *buf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, DOPPEL__ERRLEN, fmt, ap);
	va_end(ap);
}

void *doppel__alloc_array(size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	size_t bytes = n * size;
	return malloc(bytes ? bytes : 1);
}

void doppel__shrink(void *p, size_t n, size_t *cap, size_t size)
{
	void **a = p;
	size_t keep = n + 16;
	if (*cap <= 2 * keep)
		return;
	void *q = doppel__realloc_array(*a, keep, size);
	if (q) {
		*a = q;
		*cap = keep;
	}
}

void *doppel__realloc_array(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	size_t bytes = n * size;
	return realloc(p, bytes ? bytes : 1);
}

char *doppel__strndup(const char *s, size_t n)
{
	if (!s)
		return NULL;
	char *d = malloc(n + 1);
	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *doppel__strdup(const char *s)
{
	return s ? doppel__strndup(s, strlen(s)) : NULL;
}

int doppel__grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return DOPPEL_OK;
	size_t c = *cap ? *cap : 16;
	while (c < need) {
		if (c > SIZE_MAX / 2)
			return DOPPEL_E_NOMEM;
		c *= 2;
	}
	void *q = doppel__realloc_array(*p, c, size);
	if (!q)
		return DOPPEL_E_NOMEM;
	*p = q;
	*cap = c;
	return DOPPEL_OK;
}

unsigned doppel__ncores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1U : (unsigned)n;
}

double doppel__now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int doppel__cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

int doppel__cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

int doppel__sort_u32(uint32_t *v, size_t n, uint32_t **scratch, size_t *cap)
{
	if (n < 2)
		return DOPPEL_OK;
	if (doppel__grow((void **)scratch, cap, n, sizeof(**scratch)))
		return DOPPEL_E_NOMEM;
	doppel__sort_u32_with(v, n, *scratch);
	return DOPPEL_OK;
}

void doppel__sort_u32_with(uint32_t *v, size_t n, uint32_t *tmp)
{
	if (n < 2)
		return;
	/* a few: insertion costs less than four passes of 256 counts */
	if (n <= 32) {
		for (size_t i = 1; i < n; i++) {
			uint32_t x = v[i];
			size_t j = i;
			for (; j > 0 && v[j - 1] > x; j--)
				v[j] = v[j - 1];
			v[j] = x;
		}
		return;
	}
	if (n > UINT32_MAX) { /* counts of 32 bits below */
		qsort(v, n, sizeof(*v), doppel__cmp_u32);
		return;
	}
	/* the four bytes' counts in one reading; a pass whose byte is the
	 * same in every value moves nothing and is left out */
	uint32_t count[4][256] = {{0}};
	for (size_t i = 0; i < n; i++) {
		const uint32_t x = v[i];
		count[0][x & 0xff]++;
		count[1][(x >> 8) & 0xff]++;
		count[2][(x >> 16) & 0xff]++;
		count[3][x >> 24]++;
	}
	uint32_t *src = v, *dst = tmp;
	for (unsigned d = 0; d < 4; d++) {
		uint32_t *c = count[d];
		const unsigned shift = 8 * d;
		if (c[(v[0] >> shift) & 0xff] == n)
			continue;
		uint32_t at = 0;
		for (unsigned b = 0; b < 256; b++) {
			const uint32_t m = c[b];
			c[b] = at;
			at += m;
		}
		for (size_t i = 0; i < n; i++)
			dst[c[(src[i] >> shift) & 0xff]++] = src[i];
		uint32_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
}

size_t doppel__unique_u32(uint32_t *v, size_t n)
{
	size_t u = 0;
	for (size_t i = 0; i < n; i++)
		if (u == 0 || v[u - 1] != v[i])
			v[u++] = v[i];
	return u;
}

uint64_t doppel__hash(const void *p, size_t n, uint64_t seed)
{
	return XXH3_64bits_withSeed(p, n, seed);
}

/* ---------------------------------------------------------- parallel for */

struct pf_job {
	doppel__task_fn fn;
	void *ctx;
	size_t n, chunk;
	atomic_size_t next;
};

struct pf_worker {
	struct pf_job *job;
	unsigned id;
};

static void pf_run(struct pf_job *job, unsigned id)
{
	for (;;) {
		size_t start = atomic_fetch_add(&job->next, job->chunk);
		if (start >= job->n)
			return;
		size_t end = start + job->chunk < job->n ? start + job->chunk : job->n;
		for (size_t i = start; i < end; i++)
			job->fn(job->ctx, i, id);
	}
}

static void *pf_thread(void *arg)
{
	struct pf_worker *w = arg;
	pf_run(w->job, w->id);
	return NULL;
}

void doppel__parallel_for(unsigned nthreads, size_t n, doppel__task_fn fn, void *ctx)
{
	struct pf_job job = {.fn = fn, .ctx = ctx, .n = n};
	atomic_init(&job.next, 0);
	if (nthreads < 1)
		nthreads = 1;
	if (nthreads > 64)
		nthreads = 64;
	if ((size_t)nthreads > n)
		nthreads = n ? (unsigned)n : 1;
	/* Small chunks balance uneven articles; 1/8 of a fair share each. */
	job.chunk = n / ((size_t)nthreads * 8);
	if (job.chunk < 1)
		job.chunk = 1;

	pthread_t tid[64];
	struct pf_worker w[64];
	unsigned started = 0;
	for (unsigned t = 1; t < nthreads; t++) {
		w[t].job = &job;
		w[t].id = t;
		if (pthread_create(&tid[t], NULL, pf_thread, &w[t]) != 0)
			break; /* the threads already running and this one finish it */
		started = t;
	}
	pf_run(&job, 0);
	for (unsigned t = 1; t <= started; t++)
		pthread_join(tid[t], NULL);
}

/* -------------------------------------------------------------- shards */

/* A shard's first slots. */
#define SHARD_FIRST 16

/* Whether a slot holds a key: one that is free is all zero bytes. */
static inline bool slot_taken(const unsigned char *slot, size_t size)
{
	if (size % 8 == 0) {
		uint64_t any = 0;
		for (size_t i = 0; i < size; i += 8) {
			uint64_t v;
			memcpy(&v, slot + i, 8);
			any |= v;
		}
		return any != 0;
	}
	for (size_t i = 0; i < size; i++)
		if (slot[i])
			return true;
	return false;
}

/* The n slots at old, of size bytes, placed again in the to free slots at
 * t by the low bits of their hashes. */
static inline void move_slots(unsigned char *t, size_t to, const unsigned char *old, size_t n,
                              size_t size, doppel__slot_hash_fn hash)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t h;
		if (!hash(old + i * size, &h))
			continue;
		size_t j = (size_t)h & (to - 1);
		while (slot_taken(t + j * size, size))
			j = (j + 1) & (to - 1);
		memcpy(t + j * size, old + i * size, size);
	}
}

int doppel__shard_reserve_n(doppel__shard *s, size_t size, doppel__slot_hash_fn hash,
                            size_t want)
{
	size_t n = s->slot ? (size_t)s->mask + 1 : 0;
	if (n && want * 4 <= n * 3)
		return DOPPEL_OK;
	size_t to = n ? n : SHARD_FIRST;
	while (to * 3 < want * 4)
		to *= 2;
	if (to - 1 > UINT32_MAX)
		return DOPPEL_E_NOMEM;
	unsigned char *t = calloc(to, size);
	if (!t)
		return DOPPEL_E_NOMEM;
	/* the slots' common sizes moved by loops made for them */
	if (size == 8)
		move_slots(t, to, s->slot, n, 8, hash);
	else if (size == 16)
		move_slots(t, to, s->slot, n, 16, hash);
	else
		move_slots(t, to, s->slot, n, size, hash);
	free(s->slot);
	s->slot = t;
	s->mask = (uint32_t)(to - 1);
	return DOPPEL_OK;
}

void doppel__shards_clear(doppel__shard *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++) {
		free(s[i].slot);
		s[i] = (doppel__shard){0};
	}
}

size_t doppel__shards_slots(const doppel__shard *s, size_t n)
{
	size_t total = 0;
	for (size_t i = 0; s && i < n; i++)
		total += s[i].slot ? (size_t)s[i].mask + 1 : 0;
	return total;
}

/* -------------------------------------------------------------- strmap */

static uint64_t strmap_hash(const char *key)
{
	return doppel__hash(key, strlen(key), 0x6964);
}

static bool strslot_hash(const void *slot, uint64_t *h)
{
	const struct doppel__strslot *s = slot;
	if (!s->key)
		return false;
	*h = strmap_hash(s->key);
	return true;
}

/* The slot of key in shard s (which has slots): its own or the free one
 * where it goes. */
static struct doppel__strslot *strmap_find(const doppel__shard *s, uint64_t h, const char *key)
{
	struct doppel__strslot *slots = s->slot;
	size_t i = (size_t)h & s->mask;
	while (slots[i].key && strcmp(slots[i].key, key) != 0)
		i = (i + 1) & s->mask;
	return &slots[i];
}

int doppel__strmap_put(doppel__strmap *m, const char *key, uint32_t val)
{
	if (!m->shard && !(m->shard = calloc(DOPPEL__SHARDS, sizeof(*m->shard))))
		return DOPPEL_E_NOMEM;
	uint64_t h = strmap_hash(key);
	doppel__shard *s = &m->shard[doppel__shard64(h)];
	if (doppel__shard_reserve(s, sizeof(struct doppel__strslot), strslot_hash))
		return DOPPEL_E_NOMEM;
	struct doppel__strslot *slot = strmap_find(s, h, key);
	if (!slot->key) {
		s->used++;
		m->used++;
	}
	slot->key = key;
	slot->val = val;
	return DOPPEL_OK;
}

bool doppel__strmap_get(const doppel__strmap *m, const char *key, uint32_t *val)
{
	if (!m->shard)
		return false;
	uint64_t h = strmap_hash(key);
	const doppel__shard *s = &m->shard[doppel__shard64(h)];
	if (!s->slot)
		return false;
	const struct doppel__strslot *slot = strmap_find(s, h, key);
	if (!slot->key)
		return false;
	*val = slot->val;
	return true;
}

void doppel__strmap_free(doppel__strmap *m)
{
	doppel__shards_clear(m->shard, m->shard ? DOPPEL__SHARDS : 0);
	free(m->shard);
	memset(m, 0, sizeof(*m));
}
