/*
 * story.c — events and stories from verified relations.
 *
 * An event is what derivation (duplicate, copy, rewrite) and same-event
 * relations join. Stories are built online over events in date order: an
 * event joins an earlier story only when the names it carries are, by
 * weight, largely names of that story, so one generic article linked to
 * two storylines cannot chain them together.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

doppel_basis doppel__derivation_basis(doppel_relation rel, int32_t date_a, int32_t date_b,
                                      unsigned boiler_a, unsigned boiler_b, uint32_t words_a,
                                      uint32_t words_b, bool *a_source)
{
	*a_source = false;
	if (date_a != DOPPEL_NO_DATE && date_b != DOPPEL_NO_DATE && date_a != date_b) {
		*a_source = date_a < date_b;
		return DOPPEL_BASIS_DATE;
	}
	/* Repeated-line boilerplate belongs to a source's site, not to copying. */
	const unsigned added =
		DOPPEL__BOILER_STAMP | DOPPEL__BOILER_APPEAL | DOPPEL__BOILER_TRAILER;
	unsigned ea = boiler_a & added & ~boiler_b, eb = boiler_b & added & ~boiler_a;
	if (ea && !eb) {
		*a_source = false;
		return DOPPEL_BASIS_CONTENT;
	}
	if (eb && !ea) {
		*a_source = true;
		return DOPPEL_BASIS_CONTENT;
	}
	if (rel == DOPPEL_REL_REWRITE && words_a && words_b) {
		if ((double)words_b < 0.8 * words_a) {
			*a_source = true;
			return DOPPEL_BASIS_CONTENT;
		}
		if ((double)words_a < 0.8 * words_b)
			return DOPPEL_BASIS_CONTENT;
	}
	return DOPPEL_BASIS_NONE;
}

void doppel__stories_free(doppel__stories *s)
{
	free(s->story);
	free(s->event);
	free(s->member);
	memset(s, 0, sizeof(*s));
}

int doppel__date_cmp(int32_t a, int32_t b)
{
	if (a == b)
		return 0;
	if (a == DOPPEL_NO_DATE)
		return 1;
	if (b == DOPPEL_NO_DATE)
		return -1;
	return a < b ? -1 : 1;
}

struct ctx {
	const doppel__node *nodes;
	const uint32_t *degree;
};

/* Origin order: date, derivation degree, words, id. */
static int origin_cmp(const struct ctx *c, uint32_t a, uint32_t b)
{
	const doppel__node *x = &c->nodes[a], *y = &c->nodes[b];
	int d = doppel__date_cmp(x->date, y->date);
	if (d)
		return d;
	if (c->degree[a] != c->degree[b])
		return c->degree[a] > c->degree[b] ? -1 : 1;
	if (x->words != y->words)
		return x->words > y->words ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* Member order after the origin: date, id. */
static int member_cmp(const struct ctx *c, uint32_t a, uint32_t b)
{
	int d = doppel__date_cmp(c->nodes[a].date, c->nodes[b].date);
	return d ? d : strcmp(c->nodes[a].id, c->nodes[b].id);
}

/* Insertion sort of a short list with a context (events are small). */
static void sort_ids(uint32_t *v, size_t n, const struct ctx *c,
                     int (*cmp)(const struct ctx *, uint32_t, uint32_t))
{
	for (size_t i = 1; i < n; i++) {
		uint32_t x = v[i];
		size_t j = i;
		while (j > 0 && cmp(c, v[j - 1], x) > 0) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

struct event_build {
	uint32_t first, count; /* into the ordered member list */
	uint32_t story;
};

struct story_build {
	uint64_t *names; /* sorted name anchors of its articles */
	size_t nnames, cap;
	uint32_t *events;
	size_t nevents, evcap;
	size_t articles;
};

/* Adds the name anchors of node v to a story's sorted set. */
static int profile_add(struct story_build *sb, const doppel__node *v)
{
	for (size_t i = 0; i < v->nanchor; i++) {
		if (DOPPEL__ANCHOR_KIND(v->anchor[i]) != DOPPEL__ANCHOR_NAME)
			continue;
		if (sb->nnames && bsearch(&v->anchor[i], sb->names, sb->nnames,
		                          sizeof(*sb->names), doppel__cmp_u64))
			continue;
		if (doppel__grow((void **)&sb->names, &sb->cap, sb->nnames + 1,
		                 sizeof(*sb->names)))
			return DOPPEL_E_NOMEM;
		size_t j = sb->nnames++;
		while (j > 0 && sb->names[j - 1] > v->anchor[i]) {
			sb->names[j] = sb->names[j - 1];
			j--;
		}
		sb->names[j] = v->anchor[i];
	}
	return DOPPEL_OK;
}

/* Share, by weight, of the event's names that the story carries. */
static double profile_score(const struct story_build *sb, const doppel__node *nodes,
                            const uint32_t *mem, size_t count, const doppel__rarity *r)
{
	double total = 0, shared = 0;
	for (size_t m = 0; m < count; m++) {
		const doppel__node *v = &nodes[mem[m]];
		for (size_t i = 0; i < v->nanchor; i++) {
			if (DOPPEL__ANCHOR_KIND(v->anchor[i]) != DOPPEL__ANCHOR_NAME)
				continue;
			double w = doppel__rarity_weight(r, v->anchor[i]);
			total += w;
			if (sb->nnames && bsearch(&v->anchor[i], sb->names, sb->nnames,
			                          sizeof(*sb->names), doppel__cmp_u64))
				shared += w;
		}
	}
	return total > 0 ? shared / total : 0;
}

int doppel__build_stories(const doppel__node *nodes, size_t n, const doppel__edge *edges,
                          size_t nedges, const doppel_params *p, const doppel__rarity *r,
                          doppel__stories *out)
{
	memset(out, 0, sizeof(*out));
	int rc = DOPPEL_OK;
	doppel__uf uf = {0};
	uint32_t *degree = calloc(n + 1, sizeof(*degree));
	uint32_t *event_of = doppel__alloc_array(n + 1, sizeof(*event_of));
	uint32_t *order = doppel__alloc_array(n + 1, sizeof(*order));
	uint32_t *adj_start = calloc(n + 2, sizeof(*adj_start));
	uint32_t *adj = doppel__alloc_array(2 * nedges + 1, sizeof(*adj));
	struct event_build *ev = NULL;
	struct story_build *sb = NULL;
	size_t nev = 0, nsb = 0, sbcap = 0;
	if (!degree || !event_of || !order || !adj_start || !adj ||
	    doppel__uf_init(&uf, n ? n : 1))
		goto nomem;
	struct ctx c = {nodes, degree};

	for (size_t e = 0; e < nedges; e++) {
		const doppel__edge *x = &edges[e];
		if (doppel__is_derivation(x->relation)) {
			degree[x->a]++;
			degree[x->b]++;
		}
		if (doppel__is_derivation(x->relation) || x->relation == DOPPEL_REL_SAME_EVENT)
			doppel__uf_union(&uf, x->a, x->b);
		adj_start[x->a + 1]++;
		adj_start[x->b + 1]++;
	}
	for (size_t v = 0; v < n; v++)
		adj_start[v + 1] += adj_start[v];
	{
		uint32_t *fill = doppel__alloc_array(n + 1, sizeof(*fill));
		if (!fill)
			goto nomem;
		memcpy(fill, adj_start, n * sizeof(*fill));
		for (size_t e = 0; e < nedges; e++) {
			adj[fill[edges[e].a]++] = (uint32_t)e;
			adj[fill[edges[e].b]++] = (uint32_t)e;
		}
		free(fill);
	}

	/* Events: members grouped by root, in node order. */
	for (size_t v = 0; v < n; v++)
		event_of[v] = UINT32_MAX;
	for (size_t v = 0; v < n; v++) {
		uint32_t root = doppel__uf_find(&uf, (uint32_t)v);
		if (event_of[root] == UINT32_MAX)
			event_of[root] = (uint32_t)nev++;
		event_of[v] = event_of[root];
	}
	ev = calloc(nev + 1, sizeof(*ev));
	if (!ev)
		goto nomem;
	for (size_t v = 0; v < n; v++)
		ev[event_of[v]].count++;
	for (size_t e = 0, at = 0; e < nev; e++) {
		ev[e].first = (uint32_t)at;
		at += ev[e].count;
		ev[e].count = 0;
	}
	for (size_t v = 0; v < n; v++) {
		struct event_build *b = &ev[event_of[v]];
		order[b->first + b->count++] = (uint32_t)v;
	}
	for (size_t e = 0; e < nev; e++) {
		uint32_t *mem = order + ev[e].first;
		/* The origin first, the rest by date and id. */
		size_t best = 0;
		for (size_t i = 1; i < ev[e].count; i++)
			if (origin_cmp(&c, mem[i], mem[best]) < 0)
				best = i;
		uint32_t t = mem[0];
		mem[0] = mem[best];
		mem[best] = t;
		sort_ids(mem + 1, ev[e].count - 1, &c, member_cmp);
	}

	/* Events in date order of their origins, then by id: a stable
	 * bottom-up merge sort of (date, id, event) keys. */
	struct ek {
		int32_t date;
		const char *id;
		uint32_t e;
	} *ek = doppel__alloc_array(nev + 1, sizeof(*ek)),
	  *tmp = doppel__alloc_array(nev + 1, sizeof(*tmp));
	uint32_t *evorder = doppel__alloc_array(nev + 1, sizeof(*evorder));
	if (!ek || !tmp || !evorder) {
		free(ek);
		free(tmp);
		free(evorder);
		goto nomem;
	}
	for (size_t e = 0; e < nev; e++) {
		const doppel__node *o = &nodes[order[ev[e].first]];
		ek[e] = (struct ek){o->date, o->id, (uint32_t)e};
	}
	for (size_t width = 1; width < nev; width *= 2) {
		for (size_t lo = 0; lo < nev; lo += 2 * width) {
			size_t mid = lo + width < nev ? lo + width : nev;
			size_t hi = lo + 2 * width < nev ? lo + 2 * width : nev;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi) {
				int d = doppel__date_cmp(ek[j].date, ek[i].date);
				if (d < 0 || (d == 0 && strcmp(ek[j].id, ek[i].id) < 0))
					tmp[k++] = ek[j++];
				else
					tmp[k++] = ek[i++];
			}
			while (i < mid)
				tmp[k++] = ek[i++];
			while (j < hi)
				tmp[k++] = ek[j++];
		}
		memcpy(ek, tmp, nev * sizeof(*ek));
	}
	for (size_t e = 0; e < nev; e++)
		evorder[e] = ek[e].e;
	free(ek);
	free(tmp);

	/* Online story assignment. */
	uint32_t *story_of_node = doppel__alloc_array(n + 1, sizeof(*story_of_node));
	if (!story_of_node) {
		free(evorder);
		goto nomem;
	}
	for (size_t v = 0; v < n; v++)
		story_of_node[v] = UINT32_MAX;
	bool stories_on = p->relations & DOPPEL_FIND_SAME_STORY;
	for (size_t k = 0; k < nev && rc == DOPPEL_OK; k++) {
		struct event_build *b = &ev[evorder[k]];
		const uint32_t *mem = order + b->first;
		uint32_t best = UINT32_MAX;
		double best_score = 0;
		if (stories_on) {
			for (size_t i = 0; i < b->count; i++) {
				for (uint32_t a = adj_start[mem[i]]; a < adj_start[mem[i] + 1];
				     a++) {
					const doppel__edge *x = &edges[adj[a]];
					if (x->relation != DOPPEL_REL_SAME_STORY)
						continue;
					uint32_t other = x->a == mem[i] ? x->b : x->a;
					uint32_t st = story_of_node[other];
					if (st == UINT32_MAX)
						continue;
					double score =
						profile_score(&sb[st], nodes, mem, b->count, r);
					if (score > best_score ||
					    (score == best_score && st < best)) {
						best_score = score;
						best = st;
					}
				}
			}
		}
		if (best == UINT32_MAX || best_score < p->story_names) {
			if (doppel__grow((void **)&sb, &sbcap, nsb + 1, sizeof(*sb))) {
				rc = DOPPEL_E_NOMEM;
				break;
			}
			memset(&sb[nsb], 0, sizeof(*sb));
			best = (uint32_t)nsb++;
		}
		struct story_build *s = &sb[best];
		if (doppel__grow((void **)&s->events, &s->evcap, s->nevents + 1,
		                 sizeof(*s->events))) {
			rc = DOPPEL_E_NOMEM;
			break;
		}
		s->events[s->nevents++] = evorder[k];
		s->articles += b->count;
		b->story = best;
		for (size_t i = 0; i < b->count && rc == DOPPEL_OK; i++) {
			story_of_node[mem[i]] = best;
			rc = profile_add(s, &nodes[mem[i]]);
		}
	}
	free(story_of_node);
	free(evorder);
	if (rc)
		goto out;

	/* Lay out the stories of two articles or more. */
	size_t nstory = 0, nevent = 0, nmember = 0;
	for (size_t s = 0; s < nsb; s++) {
		if (sb[s].articles < 2)
			continue;
		nstory++;
		nevent += sb[s].nevents;
		nmember += sb[s].articles;
	}
	out->story = calloc(nstory + 1, sizeof(*out->story));
	out->event = calloc(nevent + 1, sizeof(*out->event));
	out->member = calloc(nmember + 1, sizeof(*out->member));
	if (!out->story || !out->event || !out->member)
		goto nomem;
	for (size_t s = 0; s < nsb; s++) {
		if (sb[s].articles < 2)
			continue;
		doppel_story *st = &out->story[out->nstory++];
		st->events = &out->event[out->nevent];
		st->count = sb[s].nevents;
		st->articles = sb[s].articles;
		for (size_t k = 0; k < sb[s].nevents; k++) {
			const struct event_build *b = &ev[sb[s].events[k]];
			const uint32_t *mem = order + b->first;
			doppel_event *e = &out->event[out->nevent++];
			e->id = nodes[mem[0]].id;
			e->date = nodes[mem[0]].date;
			e->count = b->count;
			e->members = &out->member[out->nmember];
			for (size_t i = 0; i < b->count; i++) {
				doppel_event_member *m = &out->member[out->nmember++];
				const doppel__node *v = &nodes[mem[i]];
				m->id = v->id;
				m->title = v->title;
				m->date = v->date;
				m->relation = i == 0 ? DOPPEL_REL_NONE : DOPPEL_REL_SAME_EVENT;
				if (i == 0)
					continue;
				/* The derivation it takes part in as the derived side,
				 * the one towards the origin first, the strongest then. */
				const doppel__edge *pick = NULL;
				uint32_t pick_other = 0;
				for (uint32_t a = adj_start[mem[i]]; a < adj_start[mem[i] + 1];
				     a++) {
					const doppel__edge *x = &edges[adj[a]];
					if (!doppel__is_derivation(x->relation))
						continue;
					uint32_t other = x->a == mem[i] ? x->b : x->a;
					bool self_source = x->basis != DOPPEL_BASIS_NONE &&
					                   (x->a == mem[i]) == x->a_source;
					if (self_source)
						continue;
					bool better =
						!pick ||
						(other == mem[0]) > (pick_other == mem[0]) ||
						((other == mem[0]) == (pick_other == mem[0]) &&
					         x->relation < pick->relation);
					if (better) {
						pick = x;
						pick_other = other;
					}
				}
				if (pick) {
					m->relation = pick->relation;
					m->of = nodes[pick_other].id;
				}
			}
		}
		st->id = st->events[0].id;
	}
	goto out;
nomem:
	rc = DOPPEL_E_NOMEM;
out:
	if (rc)
		doppel__stories_free(out);
	for (size_t s = 0; s < nsb; s++) {
		free(sb[s].names);
		free(sb[s].events);
	}
	free(sb);
	free(ev);
	doppel__uf_free(&uf);
	free(degree);
	free(event_of);
	free(order);
	free(adj_start);
	free(adj);
	return rc;
}
