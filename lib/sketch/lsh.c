/*
 * lsh.c — banded LSH tables: a signature of k slots is cut into `bands`
 * bands of `rows` slots; two articles become candidates when all the slots
 * of one band agree, which happens with probability 1 - (1 - J^rows)^bands
 * for Jaccard similarity J (Leskovec, Rajaraman, Ullman, "Mining of Massive
 * Datasets", ch. 3.4).
 *
 * All bands share one open-addressing map from band key to a bucket; a
 * bucket is a singly linked list of article numbers in a node array,
 * newest first. The band number is part of the key's seed, so equal slot
 * values in different bands do not meet.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* A band key is kept in 32 bits (and never 0): two keys that agree there
 * share a bucket, which gives the articles of one a few more candidates
 * to compare (by the birthday bound, at a million articles of 37 bands
 * about one probe in three would meet one other bucket; on the 10k and
 * Reuters corpora no output changed), for half the room a slot takes. */
struct slot {
	uint32_t key; /* 0: free */
	uint32_t head;
};

static inline uint32_t slot_key(uint64_t key)
{
	uint32_t k = (uint32_t)(key ^ (key >> 32));
	return k ? k : 1;
}

struct node {
	uint32_t id;
	uint32_t next;
};

#define NIL UINT32_MAX

struct doppel__lsh {
	unsigned k, bands, rows;
	struct slot *slots;
	size_t nslots, used;
	struct node *nodes;
	size_t nnodes, nodecap;
};

doppel__lsh *doppel__lsh_new(unsigned k, unsigned bands, unsigned rows)
{
	if (bands == 0 || rows == 0 || bands * rows > k)
		return NULL;
	doppel__lsh *l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->k = k;
	l->bands = bands;
	l->rows = rows;
	l->nslots = 1024;
	l->slots = calloc(l->nslots, sizeof(*l->slots));
	if (!l->slots) {
		free(l);
		return NULL;
	}
	return l;
}

void doppel__lsh_free(doppel__lsh *l)
{
	if (!l)
		return;
	free(l->slots);
	free(l->nodes);
	free(l);
}

void doppel__lsh_keys(const doppel__lsh *l, const uint16_t *sig, uint64_t *keys)
{
	for (unsigned b = 0; b < l->bands; b++) {
		uint64_t h = doppel__hash(sig + (size_t)b * l->rows, l->rows * sizeof(*sig),
		                          (uint64_t)b + 1);
		keys[b] = h ? h : 1;
	}
}

static size_t find_slot(const struct slot *slots, size_t nslots, uint32_t key)
{
	size_t mask = nslots - 1;
	size_t i = (size_t)doppel__mix32(key) & mask;
	while (slots[i].key != 0 && slots[i].key != key)
		i = (i + 1) & mask;
	return i;
}

static int rehash(doppel__lsh *l)
{
	size_t n = l->nslots * 2;
	struct slot *s = calloc(n, sizeof(*s));
	if (!s)
		return DOPPEL_E_NOMEM;
	for (size_t i = 0; i < l->nslots; i++) {
		if (l->slots[i].key)
			s[find_slot(s, n, l->slots[i].key)] = l->slots[i];
	}
	free(l->slots);
	l->slots = s;
	l->nslots = n;
	return DOPPEL_OK;
}

int doppel__lsh_insert(doppel__lsh *l, uint32_t id, const uint64_t *keys)
{
	if (doppel__grow((void **)&l->nodes, &l->nodecap, l->nnodes + l->bands,
	                 sizeof(*l->nodes)))
		return DOPPEL_E_NOMEM;
	if (l->nnodes + l->bands >= NIL)
		return DOPPEL_E_NOMEM;
	for (unsigned b = 0; b < l->bands; b++) {
		if ((l->used + 1) * 4 > l->nslots * 3 && rehash(l))
			return DOPPEL_E_NOMEM;
		uint32_t key = slot_key(keys[b]);
		size_t i = find_slot(l->slots, l->nslots, key);
		uint32_t node = (uint32_t)l->nnodes++;
		l->nodes[node].id = id;
		if (l->slots[i].key == 0) {
			l->slots[i].key = key;
			l->nodes[node].next = NIL;
			l->used++;
		} else {
			l->nodes[node].next = l->slots[i].head;
		}
		l->slots[i].head = node;
	}
	return DOPPEL_OK;
}

void doppel__lsh_query(const doppel__lsh *l, const uint64_t *keys, unsigned max_bucket,
                       doppel__lsh_fn fn, void *ctx)
{
	for (unsigned b = 0; b < l->bands; b++) {
		size_t i = find_slot(l->slots, l->nslots, slot_key(keys[b]));
		if (l->slots[i].key == 0)
			continue;
		unsigned seen = 0;
		for (uint32_t n = l->slots[i].head; n != NIL && seen < max_bucket;
		     n = l->nodes[n].next, seen++)
			fn(ctx, l->nodes[n].id);
	}
}
