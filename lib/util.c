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
	uint32_t *src = v, *dst = *scratch;
	for (unsigned shift = 0; shift < 32; shift += 8) {
		size_t count[257] = {0};
		for (size_t i = 0; i < n; i++)
			count[((src[i] >> shift) & 0xff) + 1]++;
		for (size_t b = 1; b < 257; b++)
			count[b] += count[b - 1];
		for (size_t i = 0; i < n; i++)
			dst[count[(src[i] >> shift) & 0xff]++] = src[i];
		uint32_t *t = src;
		src = dst;
		dst = t;
	}
	/* four passes: the result is back in v */
	return DOPPEL_OK;
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

/* -------------------------------------------------------------- strmap */

static size_t strmap_find(const struct doppel__strslot *slots, size_t nslots, const char *key)
{
	size_t mask = nslots - 1;
	size_t i = (size_t)doppel__hash(key, strlen(key), 0x6964) & mask;
	while (slots[i].key && strcmp(slots[i].key, key) != 0)
		i = (i + 1) & mask;
	return i;
}

int doppel__strmap_put(doppel__strmap *m, const char *key, uint32_t val)
{
	if ((m->used + 1) * 2 > m->nslots) {
		size_t n = m->nslots ? m->nslots * 2 : 64;
		struct doppel__strslot *slots = calloc(n, sizeof(*slots));
		if (!slots)
			return DOPPEL_E_NOMEM;
		for (size_t i = 0; i < m->nslots; i++)
			if (m->slots[i].key)
				slots[strmap_find(slots, n, m->slots[i].key)] = m->slots[i];
		free(m->slots);
		m->slots = slots;
		m->nslots = n;
	}
	size_t i = strmap_find(m->slots, m->nslots, key);
	if (!m->slots[i].key)
		m->used++;
	m->slots[i].key = key;
	m->slots[i].val = val;
	return DOPPEL_OK;
}

bool doppel__strmap_get(const doppel__strmap *m, const char *key, uint32_t *val)
{
	if (!m->nslots)
		return false;
	size_t i = strmap_find(m->slots, m->nslots, key);
	if (!m->slots[i].key)
		return false;
	*val = m->slots[i].val;
	return true;
}

void doppel__strmap_free(doppel__strmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}
