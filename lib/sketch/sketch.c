/*
 * sketch.c — one-permutation MinHash signatures over word shingles.
 *
 * Cost is O(tokens + k): each shingle is hashed once from the token hashes
 * and falls in exactly one of k bins (Li, Owen, Zhang, NIPS 2012); bins that
 * no shingle reached borrow the value of a bin chosen by a fixed hash
 * sequence (Shrivastava, ICML 2017, "optimal densification"), so that two
 * articles fill their empty bins the same way and the fraction of equal
 * slots stays an unbiased estimate of Jaccard similarity.
 */
#include "internal.h"

#include <stdlib.h>
#include <math.h>
#include <string.h>

#define EMPTY UINT32_MAX

int doppel__sketcher_init(doppel__sketcher *s, unsigned k, unsigned shingle, uint64_t seed)
{
	memset(s, 0, sizeof(*s));
	s->k = k;
	s->shingle = shingle;
	s->seed = seed;
	s->mins = doppel__alloc_array(k, sizeof(*s->mins));
	return s->mins ? DOPPEL_OK : DOPPEL_E_NOMEM;
}

void doppel__sketcher_free(doppel__sketcher *s)
{
	if (!s)
		return;
	free(s->mins);
	free(s->set);
	free(s->gh);
	free(s->keys);
	free(s->sortbuf);
	memset(s, 0, sizeof(*s));
}

static inline uint64_t rotl64(uint64_t x, unsigned r)
{
	return (x << r) | (x >> (64 - r));
}

/* Hash of the shingle of n tokens starting at h. */
static inline uint64_t shingle_hash(const uint64_t *h, unsigned n)
{
	uint64_t x = 0;
	for (unsigned j = 0; j < n; j++)
		x = (rotl64(x, 27) ^ h[j]) * UINT64_C(0x9e3779b97f4a7c15);
	return doppel__mix64(x);
}

/* Inserts x into the open-addressing set; true when it was not there.
 * 0 marks a free slot, so the value 0 is stored as 1. */
static inline bool set_insert(uint64_t *set, size_t mask, uint64_t x)
{
	if (x == 0)
		x = 1;
	size_t i = (size_t)x & mask;
	for (;;) {
		if (set[i] == 0) {
			set[i] = x;
			return true;
		}
		if (set[i] == x)
			return false;
		i = (i + 1) & mask;
	}
}

int doppel__sketch_tokens(doppel__sketcher *s, const doppel__tokens *t, doppel__sketch *out)
{
	const unsigned k = s->k;
	out->fingerprint = t->fingerprint;
	out->words = t->n > UINT32_MAX ? UINT32_MAX : (uint32_t)t->n;
	out->shingles = 0;
	s->ngh = 0;
	if (t->n == 0) {
		memset(out->sig, 0, k * sizeof(*out->sig));
		return DOPPEL_OK;
	}

	/* A text shorter than one shingle is one shingle of all its words. */
	unsigned w = s->shingle;
	size_t nsh = 1;
	if (t->n >= w)
		nsh = t->n - w + 1;
	else
		w = (unsigned)t->n;

	size_t need = 16;
	while (need < nsh * 2)
		need *= 2;
	if (need > s->setcap) {
		free(s->set);
		s->set = doppel__alloc_array(need, sizeof(*s->set));
		if (!s->set) {
			s->setcap = 0;
			return DOPPEL_E_NOMEM;
		}
		s->setcap = need;
	}
	if (doppel__grow((void **)&s->gh, &s->ghcap, nsh, sizeof(*s->gh)))
		return DOPPEL_E_NOMEM;
	s->ngh = nsh;
	memset(s->set, 0, need * sizeof(*s->set));
	const size_t mask = need - 1;

	uint32_t *mins = s->mins;
	for (unsigned i = 0; i < k; i++)
		mins[i] = EMPTY;

	uint32_t distinct = 0;
	for (size_t i = 0; i < nsh; i++) {
		uint64_t x = shingle_hash(t->hash + i, w) ^ s->seed;
		s->gh[i] = (uint32_t)(x >> 32);
		if (!set_insert(s->set, mask, x))
			continue;
		distinct++;
		uint32_t bin = (uint32_t)(((x >> 32) * k) >> 32);
		uint32_t v = (uint32_t)x >> 1; /* never EMPTY */
		/* written whether smaller or not: a branch here goes either way */
		uint32_t m = mins[bin];
		mins[bin] = v < m ? v : m;
	}
	out->shingles = distinct;

	/* Densify: an empty bin i takes the value of the first bin that a
	 * shingle filled in the sequence hash(i, 1), hash(i, 2), … — the same
	 * sequence for every article. Shingle values are below BORROWED; a
	 * borrowed value carries that bit so it is never lent on. */
	const uint32_t BORROWED = 0x80000000U;
	for (unsigned i = 0; i < k; i++) {
		if (mins[i] != EMPTY)
			continue;
		for (uint64_t attempt = 1;; attempt++) {
			uint64_t r = doppel__mix64(s->seed ^ ((uint64_t)i << 32) ^ attempt);
			uint32_t j = (uint32_t)(((r >> 32) * k) >> 32);
			if (mins[j] < BORROWED) {
				mins[i] = mins[j] | BORROWED;
				break;
			}
		}
	}
	for (unsigned i = 0; i < k; i++) {
		uint32_t v = mins[i] & 0x7fffffffU;
		out->sig[i] = (uint16_t)(doppel__mix32(v ^ (i * 0x9e3779b9U)) >> 16);
	}
	return DOPPEL_OK;
}

void doppel__compare(const uint16_t *a, uint32_t na, const uint16_t *b, uint32_t nb, unsigned k,
                     double *jaccard, double *containment)
{
	unsigned eq = 0;
	for (unsigned i = 0; i < k; i++)
		eq += a[i] == b[i];
	double j = (double)eq / (double)k;
	*jaccard = j;
	if (na == 0 || nb == 0) {
		*containment = 0.0;
		*jaccard = 0.0;
		return;
	}
	/* |A∩B| = J (|A| + |B|) / (1 + J); containment of the smaller. */
	double inter = j * ((double)na + (double)nb) / (1.0 + j);
	double small = na < nb ? (double)na : (double)nb;
	double c = inter / small;
	*containment = c > 1.0 ? 1.0 : c;
}

size_t doppel__winnow(const uint32_t *h, size_t grams, size_t w, uint32_t *out)
{
	size_t n = 0, last = SIZE_MAX, min = 0;
	size_t windows = grams >= w ? grams - w + 1 : 1;
	for (size_t s = 0; s < windows; s++) {
		size_t end = s + w < grams ? s + w : grams;
		if (s == 0 || min < s) {
			/* the minimum left the window: look again */
			min = s;
			for (size_t i = s + 1; i < end; i++)
				if (h[i] <= h[min])
					min = i; /* the rightmost of equal minima (robust winnowing) */
		} else if (h[end - 1] <= h[min]) {
			min = end - 1; /* the one that came in */
		}
		if (min != last)
			out[n++] = h[min];
		last = min;
	}
	return n;
}

int doppel__sketch_keys(doppel__sketcher *s, uint32_t **out, size_t *n, size_t *cap)
{
	*n = 0;
	if (!s->ngh)
		return DOPPEL_OK;
	if (doppel__grow((void **)&s->keys, &s->keyscap, s->ngh, sizeof(*s->keys)))
		return DOPPEL_E_NOMEM;
	size_t m = doppel__winnow(s->gh, s->ngh, DOPPEL__SHINGLE_WINDOW, s->keys);
	if (doppel__sort_u32(s->keys, m, &s->sortbuf, &s->sortcap))
		return DOPPEL_E_NOMEM;
	size_t u = doppel__unique_u32(s->keys, m);
	if (doppel__grow((void **)out, cap, u + 1, sizeof(**out)))
		return DOPPEL_E_NOMEM;
	memcpy(*out, s->keys, u * sizeof(**out));
	*n = u;
	return DOPPEL_OK;
}

double doppel__containment_low(double jaccard, uint32_t na, uint32_t nb, unsigned k)
{
	if (!na || !nb || !k)
		return 0.0;
	double j = jaccard - sqrt(jaccard * (1.0 - jaccard) / (double)k);
	if (j <= 0.0)
		return 0.0;
	double inter = j * ((double)na + (double)nb) / (1.0 + j);
	double c = inter / (double)(na < nb ? na : nb);
	return c > 1.0 ? 1.0 : c;
}
