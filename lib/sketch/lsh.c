/*
 * lsh.c — banded LSH tables: a signature of k slots is cut into `bands`
 * bands of `rows` slots; two articles become candidates when all the slots
 * of one band agree, which happens with probability 1 - (1 - J^rows)^bands
 * for Jaccard similarity J (Leskovec, Rajaraman, Ullman, "Mining of Massive
 * Datasets", ch. 3.4).
 *
 * All bands share one open-addressing map from band key to a bucket, in
 * shards that grow apart (internal.h). Most buckets hold one article (a
 * band key an article shares with no other): its number is kept in the
 * slot itself. A bucket of two or more is a singly linked list of article
 * numbers in a node array, newest first. The band number is part of the
 * key's seed, so equal slot values in different bands do not meet.
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
	uint32_t key;  /* 0: free */
	uint32_t head; /* ALONE | the article of a bucket of one, else the
	                  first node of its list */
};

/* The bit of a slot's head that marks the article of a bucket of one:
 * article and node numbers stay below it. */
#define ALONE 0x80000000u

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
	doppel__shard shard[DOPPEL__SHARDS];
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
	return l;
}

void doppel__lsh_free(doppel__lsh *l)
{
	if (!l)
		return;
	doppel__shards_clear(l->shard, DOPPEL__SHARDS);
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

static bool slot_hash(const void *slot, uint64_t *h)
{
	const struct slot *s = slot;
	*h = doppel__mix32(s->key);
	return s->key != 0;
}

/* The slot of key (hash h) in shard s, which has slots: its own or the
 * free one where it goes. */
static struct slot *find_slot(const doppel__shard *s, uint32_t h, uint32_t key)
{
	struct slot *slots = s->slot;
	size_t i = h & s->mask;
	while (slots[i].key != 0 && slots[i].key != key)
		i = (i + 1) & s->mask;
	return &slots[i];
}

/* A node for article id before node next; NIL when out of memory. */
static uint32_t new_node(doppel__lsh *l, uint32_t id, uint32_t next)
{
	if (l->nnodes + 1 >= ALONE ||
	    doppel__grow((void **)&l->nodes, &l->nodecap, l->nnodes + 1, sizeof(*l->nodes)))
		return NIL;
	uint32_t node = (uint32_t)l->nnodes++;
	l->nodes[node] = (struct node){id, next};
	return node;
}

int doppel__lsh_insert(doppel__lsh *l, uint32_t id, const uint64_t *keys)
{
	if (id & ALONE)
		return DOPPEL_E_NOMEM;
	for (unsigned b = 0; b < l->bands; b++) {
		uint32_t key = slot_key(keys[b]), h = doppel__mix32(key);
		doppel__shard *s = &l->shard[doppel__shard32(h)];
		if (doppel__shard_reserve(s, sizeof(struct slot), slot_hash))
			return DOPPEL_E_NOMEM;
		struct slot *sl = find_slot(s, h, key);
		if (sl->key == 0) {
			sl->key = key;
			sl->head = ALONE | id;
			s->used++;
			continue;
		}
		uint32_t next = sl->head;
		if (next & ALONE) {
			/* a bucket of one becomes a list */
			if ((next = new_node(l, next & ~ALONE, NIL)) == NIL)
				return DOPPEL_E_NOMEM;
		}
		uint32_t node = new_node(l, id, next);
		if (node == NIL)
			return DOPPEL_E_NOMEM;
		sl->head = node;
	}
	return DOPPEL_OK;
}

void doppel__lsh_query(const doppel__lsh *l, const uint64_t *keys, unsigned max_bucket,
                       doppel__lsh_fn fn, void *ctx)
{
	for (unsigned b = 0; b < l->bands; b++) {
		uint32_t key = slot_key(keys[b]), h = doppel__mix32(key);
		const doppel__shard *s = &l->shard[doppel__shard32(h)];
		if (!s->slot)
			continue;
		const struct slot *sl = find_slot(s, h, key);
		if (sl->key == 0 || max_bucket == 0)
			continue;
		if (sl->head & ALONE) {
			fn(ctx, sl->head & ~ALONE);
			continue;
		}
		unsigned seen = 0;
		for (uint32_t n = sl->head; n != NIL && seen < max_bucket;
		     n = l->nodes[n].next, seen++)
			fn(ctx, l->nodes[n].id);
	}
}
