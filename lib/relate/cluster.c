/*
 * cluster.c — union-find over verified relations.
 */
#include "internal.h"

#include <stdlib.h>

int doppel__uf_init(doppel__uf *u, size_t n)
{
	u->n = n;
	u->parent = doppel__alloc_array(n, sizeof(*u->parent));
	u->size = doppel__alloc_array(n, sizeof(*u->size));
	if (!u->parent || !u->size) {
		doppel__uf_free(u);
		return DOPPEL_E_NOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		u->parent[i] = (uint32_t)i;
		u->size[i] = 1;
	}
	return DOPPEL_OK;
}

void doppel__uf_free(doppel__uf *u)
{
	free(u->parent);
	free(u->size);
	u->parent = u->size = NULL;
	u->n = 0;
}

uint32_t doppel__uf_find(doppel__uf *u, uint32_t x)
{
	while (u->parent[x] != x) {
		u->parent[x] = u->parent[u->parent[x]];
		x = u->parent[x];
	}
	return x;
}

void doppel__uf_union(doppel__uf *u, uint32_t a, uint32_t b)
{
	a = doppel__uf_find(u, a);
	b = doppel__uf_find(u, b);
	if (a == b)
		return;
	if (u->size[a] < u->size[b]) {
		uint32_t t = a;
		a = b;
		b = t;
	}
	u->parent[b] = a;
	u->size[a] += u->size[b];
}
