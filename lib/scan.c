/*
 * scan.c — group the duplicates and copies of a whole corpus.
 *
 * Articles come in batches; each batch is normalized and sketched in
 * parallel and only the signatures and a little metadata are kept. At the
 * end, articles are put in a canonical order (by id) so that nothing below
 * depends on the input order: exact duplicates are collapsed by
 * fingerprint, the remaining signatures go into LSH tables, each article
 * queries the tables in parallel for candidates after it in that order,
 * candidates are verified into relations, and union-find makes groups.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define K2 DOPPEL__VIEW_K

/* An article kept by the scan. id, title and origin share one block; so
 * do the arrays of feat (sentences, words, anchors), when rewrites, events
 * or stories are looked for. */
struct art {
	char *id;
	const char *title;
	const char *origin;
	int32_t date;
	uint32_t words;
	uint32_t shingles;
	uint64_t fingerprint;
	doppel__features feat;
	uint32_t nkeys, nanchors; /* distinct keys and anchors in the views */
	unsigned boilerplate;     /* DOPPEL__BOILER_* kinds the text carried */
};

/* Edges use canonical positions, a < b. */
typedef doppel__edge edge_t;

/* Scratch of one worker thread. */
struct worker {
	doppel__tokens tokens;
	doppel__sketcher sketcher;
	doppel__segmenter *segmenter;
	doppel__features feat;
	doppel__viewer viewer;
	uint32_t *stamp; /* last querying position + 1, per position */
	edge_t *edges;
	size_t nedges, edgecap;
	uint64_t candidates;
	uint64_t verified; /* candidates that passed the view filter */
	int rc;
};

struct doppel_scan {
	doppel_params p;
	unsigned threads, bands, rows;
	doppel__linecount *lc;
	bool adding, finished;

	struct art *arts;
	size_t n, cap;
	uint16_t *sigs; /* n * k */
	size_t sigcap;  /* in articles */
	bool deep;      /* rewrites, events or stories asked for */
	doppel__wordnet *wn;
	uint16_t *ksigs, *asigs; /* n * K2: synonym keys, anchors; made at the end */

	doppel__strmap ids; /* id -> article index */

	/* status of the last batch */
	int *status;
	char **statusmsg;
	size_t nstatus, statuscap;

	struct worker *workers;

	/* results */
	doppel_member *members;
	doppel_group *groups;
	size_t ngroups;
	doppel_pair *pairs;
	size_t npairs;
	doppel__stories stories;

	doppel_stats stats;
	char err[DOPPEL__ERRLEN];
};

doppel_scan *doppel_scan_new(const doppel_params *p)
{
	if (doppel_params_check(p, NULL, 0))
		return NULL;
	doppel_scan *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->p = *p;
	s->threads = p->threads ? p->threads : doppel__ncores();
	if (doppel_params_bands(p, &s->bands, &s->rows))
		goto fail;
	s->workers = calloc(s->threads, sizeof(*s->workers));
	if (!s->workers)
		goto fail;
	s->deep = p->relations &
	          (DOPPEL_FIND_REWRITE | DOPPEL_FIND_SAME_EVENT | DOPPEL_FIND_SAME_STORY);
	for (unsigned t = 0; t < s->threads; t++) {
		struct worker *w = &s->workers[t];
		if (doppel__sketcher_init(&w->sketcher, p->k, p->shingle, p->seed) ||
		    doppel__viewer_init(&w->viewer, p->seed))
			goto fail;
	}
	s->stats.bands = s->bands;
	s->stats.rows = s->rows;
	return s;
fail:
	doppel_scan_free(s);
	return NULL;
}

static void clear_status(doppel_scan *s)
{
	for (size_t i = 0; i < s->nstatus; i++)
		free(s->statusmsg[i]);
	s->nstatus = 0;
}

void doppel_scan_free(doppel_scan *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->arts[i].id);
		free(s->arts[i].feat.anchor); /* the block of all three arrays */
	}
	free(s->arts);
	free(s->sigs);
	free(s->ksigs);
	free(s->asigs);
	doppel__wordnet_free(s->wn);
	free(s->pairs);
	doppel__stories_free(&s->stories);
	doppel__strmap_free(&s->ids);
	free(s->lc);
	clear_status(s);
	free(s->status);
	free(s->statusmsg);
	if (s->workers) {
		for (unsigned t = 0; t < s->threads; t++) {
			doppel__tokens_free(&s->workers[t].tokens);
			doppel__sketcher_free(&s->workers[t].sketcher);
			doppel__viewer_free(&s->workers[t].viewer);
			doppel__segmenter_free(s->workers[t].segmenter);
			doppel__features_free(&s->workers[t].feat);
			free(s->workers[t].stamp);
			free(s->workers[t].edges);
		}
		free(s->workers);
	}
	free(s->members);
	free(s->groups);
	free(s);
}

const char *doppel_scan_errmsg(const doppel_scan *s)
{
	return s ? s->err : "no scan";
}

void doppel_scan_stats(const doppel_scan *s, doppel_stats *out)
{
	*out = s->stats;
}

/* ------------------------------------------------------------- learning */

struct learn_ctx {
	doppel_scan *s;
	const doppel_batch *b;
	doppel__tokens *keys; /* one per article of the batch */
};

static void learn_one(void *ctx, size_t i, unsigned worker)
{
	(void)worker;
	struct learn_ctx *c = ctx;
	const doppel_article *a = doppel_batch_article(c->b, i);
	uint64_t sk = doppel__source_key(a->source, c->s->p.seed);
	/* Out of memory leaves the keys short: fewer lines are learned. */
	(void)doppel__line_keys(a->text, a->text_len, sk, c->s->p.seed, &c->keys[i]);
}

int doppel_scan_learn(doppel_scan *s, const doppel_batch *b)
{
	if (s->adding || s->finished) {
		doppel__errf(s->err, "learning must come before the first add");
		return DOPPEL_E_STATE;
	}
	if (!s->p.boilerplate_min)
		return DOPPEL_OK;
	if (!s->lc && !(s->lc = calloc(1, sizeof(*s->lc))))
		return DOPPEL_E_NOMEM;
	size_t n = doppel_batch_count(b);
	struct learn_ctx c = {s, b, calloc(n ? n : 1, sizeof(doppel__tokens))};
	if (!c.keys)
		return DOPPEL_E_NOMEM;
	doppel__parallel_for(s->threads, n, learn_one, &c);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < c.keys[i].nlines; j++)
			doppel__linecount_add(s->lc, c.keys[i].lines[j]);
		doppel__tokens_free(&c.keys[i]);
	}
	free(c.keys);
	return DOPPEL_OK;
}

/* --------------------------------------------------------------- adding */

static int set_status(doppel_scan *s, size_t i, int rc, const char *msg)
{
	s->status[i] = rc;
	s->statusmsg[i] = msg ? doppel__strdup(msg) : NULL;
	if (msg && !s->statusmsg[i])
		return DOPPEL_E_NOMEM;
	return DOPPEL_OK;
}

struct sketch_ctx {
	doppel_scan *s;
	const doppel_batch *b;
	size_t *slot; /* batch index -> article index, SIZE_MAX if rejected */
};

/* Segments an article and keeps a compact copy of its features. */
static int sketch_deep(doppel_scan *s, struct worker *w, const doppel_article *a,
                       struct art *art)
{
	if (!w->segmenter && !(w->segmenter = doppel__segmenter_new(s->wn, s->p.seed)))
		return DOPPEL_E_NOMEM;
	doppel__features *f = &w->feat;
	int rc = doppel__segment(w->segmenter, a->text, a->text_len,
	                         doppel__source_key(a->source, s->p.seed), s->lc,
	                         s->p.boilerplate_min, f);
	if (rc)
		return rc;
	size_t bs = f->nsent * sizeof(*f->sent), bt = f->ntok * sizeof(*f->tok),
	       ba = f->nanchor * sizeof(*f->anchor);
	/* The 8-byte anchors first keep all three arrays aligned. */
	char *block = malloc(ba + bs + bt + 1);
	if (!block)
		return DOPPEL_E_NOMEM;
	doppel__features *k = &art->feat;
	memset(k, 0, sizeof(*k));
	k->anchor = (uint64_t *)(void *)block;
	k->sent = (doppel__sent *)(void *)(block + ba);
	k->tok = (doppel__ftok *)(void *)(block + ba + bs);
	if (ba)
		memcpy(k->anchor, f->anchor, ba);
	if (bs)
		memcpy(k->sent, f->sent, bs);
	if (bt)
		memcpy(k->tok, f->tok, bt);
	k->nanchor = k->anchorcap = f->nanchor;
	k->nsent = k->sentcap = f->nsent;
	k->ntok = k->tokcap = f->ntok;
	k->boilerplate = f->boilerplate;

	return DOPPEL_OK;
}

static void sketch_one(void *ctx, size_t i, unsigned worker)
{
	struct sketch_ctx *c = ctx;
	if (c->slot[i] == SIZE_MAX)
		return;
	doppel_scan *s = c->s;
	struct worker *w = &s->workers[worker];
	const doppel_article *a = doppel_batch_article(c->b, i);
	struct art *art = &s->arts[c->slot[i]];
	doppel__sketch sk = {.sig = s->sigs + c->slot[i] * s->p.k};
	int rc = doppel__normalize(a->text, a->text_len,
	                           doppel__source_key(a->source, s->p.seed), s->lc,
	                           s->p.boilerplate_min, s->p.seed, &w->tokens);
	if (rc == DOPPEL_OK)
		rc = doppel__sketch_tokens(&w->sketcher, &w->tokens, &sk);
	if (rc) {
		/* Treated as an article without content; the error is kept. */
		w->rc = rc;
		memset(sk.sig, 0, s->p.k * sizeof(*sk.sig));
		sk.fingerprint = 0;
		sk.words = sk.shingles = 0;
	}
	art->words = sk.words;
	art->shingles = sk.shingles;
	art->fingerprint = sk.fingerprint;
	art->boilerplate = w->tokens.boilerplate;
	if (s->deep && sk.fingerprint && (rc = sketch_deep(s, w, a, art)))
		w->rc = rc;
}

/* Copies id, title and origin into one block owned by art. */
static int keep_meta(struct art *art, const doppel_article *a)
{
	size_t nid = strlen(a->id) + 1;
	size_t nt = a->title ? strlen(a->title) + 1 : 0;
	size_t no = a->origin ? strlen(a->origin) + 1 : 0;
	char *block = malloc(nid + nt + no);
	if (!block)
		return DOPPEL_E_NOMEM;
	memset(art, 0, sizeof(*art));
	memcpy(block, a->id, nid);
	art->id = block;
	art->title = nt ? memcpy(block + nid, a->title, nt) : NULL;
	art->origin = no ? memcpy(block + nid + nt, a->origin, no) : NULL;
	art->date = a->date;
	return DOPPEL_OK;
}

int doppel_scan_add(doppel_scan *s, const doppel_batch *b)
{
	if (s->finished) {
		doppel__errf(s->err, "the scan is finished; no more articles");
		return DOPPEL_E_STATE;
	}
	s->adding = true;
	clear_status(s);
	size_t nb = doppel_batch_count(b);
	size_t cap = s->statuscap;
	if (doppel__grow((void **)&s->status, &cap, nb, sizeof(*s->status)))
		return DOPPEL_E_NOMEM;
	cap = s->statuscap;
	if (doppel__grow((void **)&s->statusmsg, &cap, nb, sizeof(*s->statusmsg)))
		return DOPPEL_E_NOMEM;
	s->statuscap = cap;
	s->nstatus = nb;
	memset(s->statusmsg, 0, nb * sizeof(*s->statusmsg));

	size_t *slot = doppel__alloc_array(nb ? nb : 1, sizeof(*slot));
	if (!slot)
		return DOPPEL_E_NOMEM;
	int rc = DOPPEL_OK, result = DOPPEL_OK;
	if (doppel__grow((void **)&s->arts, &s->cap, s->n + nb, sizeof(*s->arts)) ||
	    doppel__grow((void **)&s->sigs, &s->sigcap, s->n + nb, s->p.k * sizeof(*s->sigs))) {
		rc = DOPPEL_E_NOMEM;
		goto out;
	}
	if (s->deep && !s->wn) {
		int wrc = doppel__wordnet_load(s->p.wordnet_dir, &s->wn, s->err);
		if (wrc) {
			free(slot);
			return wrc;
		}
	}
	if (s->n + nb >= UINT32_MAX - 1) {
		doppel__errf(s->err, "a scan holds at most %u articles", UINT32_MAX - 2);
		rc = DOPPEL_E_ARG;
		goto out;
	}

	/* Ids first, in batch order, so the first of two equal ids wins. */
	size_t base = s->n;
	for (size_t i = 0; i < nb; i++) {
		const doppel_article *a = doppel_batch_article(b, i);
		slot[i] = SIZE_MAX;
		s->status[i] = DOPPEL_OK;
		if (!a->id || !*a->id) {
			char msg[DOPPEL__ERRLEN];
			doppel__errf(msg, "%s: article without an id",
			             a->origin ? a->origin : "?");
			if ((rc = set_status(s, i, DOPPEL_E_ARG, msg)))
				goto out;
			s->stats.rejected++;
			result = DOPPEL_E_ARG;
			continue;
		}
		uint32_t prev;
		if (doppel__strmap_get(&s->ids, a->id, &prev)) {
			const struct art *first = &s->arts[prev];
			char msg[DOPPEL__ERRLEN];
			doppel__errf(msg, "%s: duplicate id \"%s\" (first at %s); skipped",
			             a->origin ? a->origin : "?", a->id,
			             first->origin ? first->origin : "?");
			if ((rc = set_status(s, i, DOPPEL_E_DUPID, msg)))
				goto out;
			s->stats.rejected++;
			if (result == DOPPEL_OK)
				result = DOPPEL_E_DUPID;
			continue;
		}
		if ((rc = keep_meta(&s->arts[s->n], a)))
			goto out;
		if ((rc = doppel__strmap_put(&s->ids, s->arts[s->n].id, (uint32_t)s->n))) {
			free(s->arts[s->n].id);
			goto out;
		}
		slot[i] = s->n++;
		s->stats.articles++;
		s->stats.bytes += a->text_len;
	}

	double t0 = doppel__now();
	struct sketch_ctx c = {s, b, slot};
	doppel__parallel_for(s->threads, nb, sketch_one, &c);
	s->stats.sketch_seconds += doppel__now() - t0;
	for (unsigned t = 0; t < s->threads; t++) {
		if (s->workers[t].rc == DOPPEL_E_NOMEM) {
			rc = DOPPEL_E_NOMEM;
			goto out;
		}
		s->workers[t].rc = DOPPEL_OK;
	}
	for (size_t i = base; i < s->n; i++)
		if (!s->arts[i].fingerprint)
			s->stats.empty++;
out:
	free(slot);
	if (rc) {
		doppel__errf(s->err, "%s", doppel_strerror(rc));
		return rc;
	}
	if (result == DOPPEL_E_DUPID || result == DOPPEL_E_ARG)
		doppel__errf(s->err, "some articles of the batch were skipped");
	return result;
}

int doppel_scan_status(const doppel_scan *s, size_t i, const char **msg)
{
	if (i >= s->nstatus)
		return DOPPEL_E_ARG;
	if (msg)
		*msg = s->statusmsg[i] ? s->statusmsg[i] : "";
	return s->status[i];
}

/* -------------------------------------------------------------- finding */

struct find_ctx {
	doppel_scan *s;
	const uint32_t *order; /* canonical position -> article index */
	const bool *in_lsh;    /* by canonical position */
	const uint64_t *keys;  /* bands per canonical position */
	const doppel__lsh *lsh;
	/* set per query */
};

struct query_state {
	struct find_ctx *c;
	struct worker *w;
	uint32_t self;
};

static int push_edge(struct worker *w, uint32_t a, uint32_t b, double j, double cont,
                     doppel_relation rel)
{
	if (w->nedges == w->edgecap &&
	    doppel__grow((void **)&w->edges, &w->edgecap, w->nedges + 1, sizeof(*w->edges)))
		return DOPPEL_E_NOMEM;
	w->edges[w->nedges++] = (edge_t){.a = a,
	                                 .b = b,
	                                 .relation = rel,
	                                 .jaccard = (float)j,
	                                 .containment = (float)cont};
	return DOPPEL_OK;
}

static void on_candidate(void *ctx, uint32_t other)
{
	struct query_state *q = ctx;
	struct worker *w = q->w;
	if (other <= q->self || w->stamp[other] == q->self + 1)
		return;
	w->stamp[other] = q->self + 1;
	w->candidates++;
	doppel_scan *s = q->c->s;
	const struct art *a = &s->arts[q->c->order[q->self]];
	const struct art *b = &s->arts[q->c->order[other]];
	double j, cont;
	doppel__compare(s->sigs + (size_t)q->c->order[q->self] * s->p.k, a->shingles,
	                s->sigs + (size_t)q->c->order[other] * s->p.k, b->shingles, s->p.k, &j,
	                &cont);
	doppel_relation rel = doppel__classify(&s->p, j, cont, false);
	if (rel != DOPPEL_REL_NONE && push_edge(w, q->self, other, j, cont, rel))
		w->rc = DOPPEL_E_NOMEM;
}

static void query_one(void *ctx, size_t pos, unsigned worker)
{
	struct find_ctx *c = ctx;
	if (!c->in_lsh[pos])
		return;
	struct query_state q = {c, &c->s->workers[worker], (uint32_t)pos};
	doppel__lsh_query(c->lsh, c->keys + pos * c->s->bands, c->s->p.max_bucket, on_candidate,
	                  &q);
}

struct keys_ctx {
	doppel_scan *s;
	const uint32_t *order;
	const bool *in_lsh;
	uint64_t *keys;
	const doppel__lsh *lsh;
};

static void keys_one(void *ctx, size_t pos, unsigned worker)
{
	(void)worker;
	struct keys_ctx *c = ctx;
	if (c->in_lsh[pos])
		doppel__lsh_keys(c->lsh, c->s->sigs + (size_t)c->order[pos] * c->s->p.k,
		                 c->keys + pos * c->s->bands);
}

/* Sorting helpers: qsort has no context argument, so the canonical order is
 * computed by sorting (pointer to id, index) pairs. */
struct by_id {
	const char *id;
	uint32_t idx;
};

static int cmp_by_id(const void *pa, const void *pb)
{
	return strcmp(((const struct by_id *)pa)->id, ((const struct by_id *)pb)->id);
}

struct by_fp {
	uint64_t fp;
	uint32_t pos;
};

static int cmp_by_fp(const void *pa, const void *pb)
{
	const struct by_fp *a = pa, *b = pb;
	if (a->fp != b->fp)
		return a->fp < b->fp ? -1 : 1;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/* Representative order: earliest date (undated last), most words, id. */
static int rep_cmp(const struct art *a, const struct art *b)
{
	if (a->date != b->date) {
		if (a->date == DOPPEL_NO_DATE)
			return 1;
		if (b->date == DOPPEL_NO_DATE)
			return -1;
		return a->date < b->date ? -1 : 1;
	}
	if (a->words != b->words)
		return a->words > b->words ? -1 : 1;
	return strcmp(a->id, b->id);
}

/* Member order after the representative: date (undated last), then id. */
static int member_cmp(const struct art *a, const struct art *b)
{
	int d = doppel__date_cmp(a->date, b->date);
	return d ? d : strcmp(a->id, b->id);
}

static int edge_cmp(const void *pa, const void *pb)
{
	const edge_t *a = pa, *b = pb;
	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	if (a->b != b->b)
		return a->b < b->b ? -1 : 1;
	return 0;
}

/* Is edge e (seen from its end `self`) a better "of" than the best so far? */
static bool better_of(const edge_t *e, uint32_t other, uint32_t rep, const edge_t *best,
                      uint32_t best_other)
{
	if (!best)
		return true;
	bool to_rep = other == rep, best_rep = best_other == rep;
	if (to_rep != best_rep)
		return to_rep;
	if (e->relation != best->relation)
		return e->relation < best->relation;
	if (e->containment != best->containment)
		return e->containment > best->containment;
	if (e->jaccard != best->jaccard)
		return e->jaccard > best->jaccard;
	return other < best_other;
}

struct group_build {
	uint32_t root;
	uint32_t rep; /* canonical position */
	size_t first; /* into the member position list */
	size_t count;
};

static int cmp_group_build(const void *pa, const void *pb, const doppel_scan *s,
                           const uint32_t *order)
{
	const struct group_build *a = pa, *b = pb;
	return member_cmp(&s->arts[order[a->rep]], &s->arts[order[b->rep]]);
}

/* Insertion sort keeps the code free of global qsort context; group and
 * member counts are sorted through index arrays with merge sort below. */
typedef int (*ctx_cmp)(const void *, const void *, const doppel_scan *, const uint32_t *);

static void merge_sort(void *base, size_t n, size_t size, void *tmp, ctx_cmp cmp,
                       const doppel_scan *s, const uint32_t *order)
{
	if (n < 2)
		return;
	char *b = base, *t = tmp;
	size_t h = n / 2;
	merge_sort(b, h, size, t, cmp, s, order);
	merge_sort(b + h * size, n - h, size, t, cmp, s, order);
	size_t i = 0, j = h, k = 0;
	while (i < h && j < n) {
		if (cmp(b + j * size, b + i * size, s, order) < 0)
			memcpy(t + (k++) * size, b + (j++) * size, size);
		else
			memcpy(t + (k++) * size, b + (i++) * size, size);
	}
	while (i < h)
		memcpy(t + (k++) * size, b + (i++) * size, size);
	while (j < n)
		memcpy(t + (k++) * size, b + (j++) * size, size);
	memcpy(b, t, n * size);
}

static int cmp_member_pos(const void *pa, const void *pb, const doppel_scan *s,
                          const uint32_t *order)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	return member_cmp(&s->arts[order[a]], &s->arts[order[b]]);
}

/* ------------------------------------------------------------- relating */

struct relate_ctx {
	doppel_scan *s;
	const uint32_t *order;
	const doppel__prepared *prep;  /* by position */
	const uint64_t *kkeys, *akeys; /* band keys by position */
	const bool *in_k, *in_a;
	const doppel__lsh *lk, *la;
	unsigned kb, ab;
	const uint64_t *e1; /* sorted a << 32 | b of the E1 edges */
	size_t ne1;
	const struct posting *post; /* rare anchors, sorted */
	size_t npost;
};

/* One article holding one rare anchor. */
struct posting {
	uint64_t anchor;
	uint32_t pos;
};

struct relate_query {
	struct relate_ctx *c;
	struct worker *w;
	uint32_t self;
	bool sure; /* met through a rare anchor, close in time: no view filter */
};

/* Verifies one candidate pair beyond duplicate and copy. */
static void on_related(void *ctx, uint32_t other)
{
	struct relate_query *q = ctx;
	struct worker *w = q->w;
	struct relate_ctx *c = q->c;
	doppel_scan *s = c->s;
	if (other <= q->self || w->stamp[other] == q->self + 1)
		return;
	w->stamp[other] = q->self + 1;
	uint64_t pk = (uint64_t)q->self << 32 | other;
	if (bsearch(&pk, c->e1, c->ne1, sizeof(*c->e1), doppel__cmp_u64))
		return;
	const struct art *a = &s->arts[c->order[q->self]];
	const struct art *b = &s->arts[c->order[other]];
	uint32_t apart = doppel__days_apart(a->date, b->date);
	if (s->p.window_days && apart > s->p.window_days)
		return;
	w->candidates++;
	/* The views' signatures first: sentence alignment costs a thousand
	 * times more than comparing 2 x K2 slots. */
	const uint16_t *ka = s->ksigs + (size_t)c->order[q->self] * K2;
	const uint16_t *kb = s->ksigs + (size_t)c->order[other] * K2;
	const uint16_t *aa = s->asigs + (size_t)c->order[q->self] * K2;
	const uint16_t *ab = s->asigs + (size_t)c->order[other] * K2;
	if (!q->sure &&
	    !doppel__views_close(ka, a->nkeys, aa, a->nanchors, kb, b->nkeys, ab, b->nanchors))
		return;
	w->verified++;
	double j, cont;
	doppel__compare(s->sigs + (size_t)c->order[q->self] * s->p.k, a->shingles,
	                s->sigs + (size_t)c->order[other] * s->p.k, b->shingles, s->p.k, &j,
	                &cont);
	doppel__evidence ev;
	doppel_relation rel;
	if (doppel__judge(&s->p, &c->prep[q->self], a->feat.nsent, &c->prep[other],
	                  b->feat.nsent, j, cont, a->fingerprint == b->fingerprint, apart, &ev,
	                  &rel)) {
		w->rc = DOPPEL_E_NOMEM;
		return;
	}
	if (rel == DOPPEL_REL_NONE)
		return;
	if (push_edge(w, q->self, other, j, cont, rel)) {
		w->rc = DOPPEL_E_NOMEM;
		return;
	}
	edge_t *e = &w->edges[w->nedges - 1];
	e->aligned = (float)ev.aligned;
	e->anchors = (float)ev.anchors;
	e->names = (float)ev.names;
	e->topic = (float)ev.topic;
}

static int cmp_posting(const void *pa, const void *pb)
{
	const struct posting *a = pa, *b = pb;
	if (a->anchor != b->anchor)
		return a->anchor < b->anchor ? -1 : 1;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/*
 * Independent reports of one event may share no more than a name or two,
 * too little for the anchor view's LSH. Articles that share an anchor rare
 * enough (in at most DOPPEL__VIEW_MAX_DF articles, dates left out) and are both
 * dated within event_days are compared without the view filter.
 */
static void rare_anchor_pairs(struct relate_ctx *c, struct relate_query *q)
{
	doppel_scan *s = c->s;
	const struct art *a = &s->arts[c->order[q->self]];
	if (a->date == DOPPEL_NO_DATE || !c->npost)
		return;
	q->sure = true;
	for (size_t i = 0; i < a->feat.nanchor; i++) {
		struct posting key = {a->feat.anchor[i], 0};
		/* first posting of this anchor */
		size_t lo = 0, hi = c->npost;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (cmp_posting(&c->post[mid], &key) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t k = lo; k < c->npost && c->post[k].anchor == key.anchor; k++) {
			uint32_t other = c->post[k].pos;
			const struct art *b = &s->arts[c->order[other]];
			if (other > q->self && b->date != DOPPEL_NO_DATE &&
			    doppel__days_apart(a->date, b->date) <= s->p.event_days)
				on_related(q, other);
		}
	}
	q->sure = false;
}

static void relate_one(void *ctx, size_t pos, unsigned worker)
{
	struct relate_ctx *c = ctx;
	struct relate_query q = {c, &c->s->workers[worker], (uint32_t)pos, false};
	unsigned mb = c->s->p.max_bucket;
	if (c->s->p.relations & DOPPEL_FIND_SAME_EVENT)
		rare_anchor_pairs(c, &q);
	if (c->in_k[pos])
		doppel__lsh_query(c->lk, c->kkeys + pos * c->kb, mb, on_related, &q);
	if (c->in_a[pos])
		doppel__lsh_query(c->la, c->akeys + pos * c->ab, mb, on_related, &q);
}

struct prep_ctx {
	doppel_scan *s;
	const uint32_t *order;
	const doppel__rarity *r;
	doppel__prepared *prep;
	int rc;
};

static void prepare_one(void *ctx, size_t pos, unsigned worker)
{
	(void)worker;
	struct prep_ctx *c = ctx;
	if (doppel__prepare(&c->s->arts[c->order[pos]].feat, c->r, &c->prep[pos]))
		c->rc = DOPPEL_E_NOMEM; /* any worker's write says the same */
}

struct views_ctx {
	doppel_scan *s;
	const uint32_t *order;
	const doppel__rarity *r;
	int rc;
};

/* The synonym-key and anchor sketches of the article at position pos. */
static void views_one(void *ctx, size_t pos, unsigned worker)
{
	struct views_ctx *c = ctx;
	doppel_scan *s = c->s;
	uint32_t idx = c->order[pos];
	struct art *a = &s->arts[idx];
	if (doppel__views(&s->workers[worker].viewer, &a->feat, c->r,
	                  s->ksigs + (size_t)idx * K2, &a->nkeys, s->asigs + (size_t)idx * K2,
	                  &a->nanchors))
		c->rc = DOPPEL_E_NOMEM;
}

static int cmp_pair(const void *pa, const void *pb)
{
	const doppel_pair *a = pa, *b = pb;
	if (a->relation != b->relation)
		return a->relation < b->relation ? -1 : 1;
	int c = strcmp(a->a, b->a);
	return c ? c : strcmp(a->b, b->b);
}

/* Fills s->pairs from the edges of both stages. */
static int make_pairs(doppel_scan *s, const uint32_t *order, const edge_t *e, size_t ne)
{
	s->pairs = calloc(ne + 1, sizeof(*s->pairs));
	if (!s->pairs)
		return DOPPEL_E_NOMEM;
	for (size_t i = 0; i < ne; i++) {
		if (!(s->p.relations & (1u << e[i].relation)))
			continue;
		const struct art *a = &s->arts[order[e[i].a]], *b = &s->arts[order[e[i].b]];
		doppel_pair *p = &s->pairs[s->npairs++];
		*p = (doppel_pair){.a = a->id,
		                   .b = b->id,
		                   .relation = e[i].relation,
		                   .basis = e[i].basis,
		                   .jaccard = e[i].jaccard,
		                   .containment = e[i].containment,
		                   .aligned = e[i].aligned,
		                   .anchors = e[i].anchors,
		                   .names = e[i].names,
		                   .topic = e[i].topic};
		if (e[i].basis != DOPPEL_BASIS_NONE && !e[i].a_source) {
			p->a = b->id;
			p->b = a->id;
		}
	}
	qsort(s->pairs, s->npairs, sizeof(*s->pairs), cmp_pair);
	return DOPPEL_OK;
}

/* Direction of every derivation edge. */
static void set_bases(doppel_scan *s, const uint32_t *order, edge_t *e, size_t ne)
{
	for (size_t i = 0; i < ne; i++) {
		if (e[i].relation == DOPPEL_REL_SAME_EVENT ||
		    e[i].relation == DOPPEL_REL_SAME_STORY)
			continue;
		const struct art *a = &s->arts[order[e[i].a]], *b = &s->arts[order[e[i].b]];
		e[i].basis = doppel__derivation_basis(e[i].relation, a->date, b->date,
		                                      a->boilerplate, b->boilerplate, a->words,
		                                      b->words, &e[i].a_source);
	}
}

/* Strength of a derivation edge, to compare two of them. */
static double strength(const edge_t *e)
{
	return e->containment + e->aligned;
}

/*
 * Two rewrites of one source resemble each other too, but neither derives
 * from the other: a derivation between x and y is relabelled same-event
 * when some z is, by a known direction, the source of both, and both match
 * z at least as strongly as they match each other.
 */
static int siblings(edge_t *e, size_t ne, size_t n)
{
	/* For each article, the derivation edges where it is the derived side
	 * with a known source. */
	uint32_t *start = calloc(n + 2, sizeof(*start));
	uint32_t *list = doppel__alloc_array(ne + 1, sizeof(*list));
	if (!start || !list) {
		free(start);
		free(list);
		return DOPPEL_E_NOMEM;
	}
	for (size_t i = 0; i < ne; i++)
		if (doppel__is_derivation(e[i].relation) && e[i].basis != DOPPEL_BASIS_NONE)
			start[(e[i].a_source ? e[i].b : e[i].a) + 1]++;
	for (size_t v = 0; v < n; v++)
		start[v + 1] += start[v];
	uint32_t *fill = doppel__alloc_array(n + 1, sizeof(*fill));
	if (!fill) {
		free(start);
		free(list);
		return DOPPEL_E_NOMEM;
	}
	memcpy(fill, start, n * sizeof(*fill));
	for (size_t i = 0; i < ne; i++)
		if (doppel__is_derivation(e[i].relation) && e[i].basis != DOPPEL_BASIS_NONE)
			list[fill[e[i].a_source ? e[i].b : e[i].a]++] = (uint32_t)i;
	free(fill);
	for (size_t i = 0; i < ne; i++) {
		/* Two reprints are duplicates of each other whatever their
		 * source; only a rewrite between siblings is misleading. */
		if (e[i].relation != DOPPEL_REL_REWRITE)
			continue;
		bool sibling = false;
		for (uint32_t p = start[e[i].a]; p < start[e[i].a + 1] && !sibling; p++) {
			const edge_t *ea = &e[list[p]];
			uint32_t za = ea->a_source ? ea->a : ea->b;
			for (uint32_t q = start[e[i].b]; q < start[e[i].b + 1] && !sibling;
			     q++) {
				const edge_t *eb = &e[list[q]];
				uint32_t zb = eb->a_source ? eb->a : eb->b;
				sibling = za == zb && strength(ea) >= strength(&e[i]) &&
				          strength(eb) >= strength(&e[i]);
			}
		}
		if (sibling) {
			e[i].relation = DOPPEL_REL_SAME_EVENT;
			e[i].basis = DOPPEL_BASIS_NONE;
		}
	}
	free(start);
	free(list);
	return DOPPEL_OK;
}

/*
 * An article without a date (spun copies often drop it) was compared as
 * if it were close in time to everything. Now that derivations are known,
 * it takes the earliest date of the articles it derives from or that
 * derive from it, and same-event relations are checked again with that
 * date: too far apart, they become same-story (when the names say so) or
 * nothing.
 */
static int recheck_undated(doppel_scan *s, const uint32_t *order, edge_t *e, size_t *ne)
{
	const size_t n = s->n;
	int32_t *when = doppel__alloc_array(n + 1, sizeof(*when));
	if (!when)
		return DOPPEL_E_NOMEM;
	for (size_t p = 0; p < n; p++)
		when[p] = s->arts[order[p]].date;
	for (size_t i = 0; i < *ne; i++) {
		if (e[i].relation > DOPPEL_REL_REWRITE)
			continue;
		int32_t da = s->arts[order[e[i].a]].date, db = s->arts[order[e[i].b]].date;
		if (da == DOPPEL_NO_DATE && db != DOPPEL_NO_DATE &&
		    (when[e[i].a] == DOPPEL_NO_DATE || db < when[e[i].a]))
			when[e[i].a] = db;
		if (db == DOPPEL_NO_DATE && da != DOPPEL_NO_DATE &&
		    (when[e[i].b] == DOPPEL_NO_DATE || da < when[e[i].b]))
			when[e[i].b] = da;
	}
	size_t w = 0;
	for (size_t i = 0; i < *ne; i++) {
		edge_t x = e[i];
		if (x.relation == DOPPEL_REL_SAME_EVENT &&
		    doppel__days_apart(when[x.a], when[x.b]) > s->p.event_days) {
			bool story = (s->p.relations & DOPPEL_FIND_SAME_STORY) &&
			             x.names >= s->p.story_names && x.topic >= s->p.story_topic;
			if (!story)
				continue;
			x.relation = DOPPEL_REL_SAME_STORY;
		}
		e[w++] = x;
	}
	*ne = w;
	free(when);
	return DOPPEL_OK;
}

/*
 * Two articles that events put together (each reporting the event with
 * some third) report the same event, whatever their own evidence said.
 */
static int pairs_follow_events(doppel_scan *s)
{
	doppel__strmap event = {0};
	uint32_t e = 0;
	int rc = DOPPEL_OK;
	for (size_t i = 0; i < s->stories.nstory && rc == DOPPEL_OK; i++)
		for (size_t j = 0; j < s->stories.story[i].count && rc == DOPPEL_OK; j++, e++)
			for (size_t m = 0;
			     m < s->stories.story[i].events[j].count && rc == DOPPEL_OK; m++)
				rc = doppel__strmap_put(
					&event, s->stories.story[i].events[j].members[m].id, e);
	for (size_t i = 0; i < s->npairs && rc == DOPPEL_OK; i++) {
		doppel_pair *p = &s->pairs[i];
		uint32_t ea, eb;
		if (p->relation == DOPPEL_REL_SAME_STORY &&
		    doppel__strmap_get(&event, p->a, &ea) &&
		    doppel__strmap_get(&event, p->b, &eb) && ea == eb)
			p->relation = DOPPEL_REL_SAME_EVENT;
	}
	doppel__strmap_free(&event);
	if (rc == DOPPEL_OK)
		qsort(s->pairs, s->npairs, sizeof(*s->pairs), cmp_pair);
	return rc;
}

/*
 * Rewrites, same-event and same-story relations (when asked for), then
 * pairs and stories. e1 are the duplicate and copy edges found so far.
 */
static int relate_all(doppel_scan *s, const uint32_t *order, edge_t *e1, size_t n1)
{
	const size_t n = s->n;
	int rc = DOPPEL_OK;
	doppel__rarity rar = {0};
	doppel__prepared *prep = NULL;
	doppel__lsh *lk = NULL, *la = NULL;
	uint64_t *kkeys = NULL, *akeys = NULL, *e1keys = NULL;
	bool *in_k = NULL, *in_a = NULL;
	struct posting *post = NULL;
	edge_t *all = NULL;
	doppel__node *nodes = NULL;
	size_t nall = n1;

	if (!s->deep) {
		set_bases(s, order, e1, n1);
		return make_pairs(s, order, e1, n1);
	}
	for (size_t p = 0; p < n; p++)
		if ((rc = doppel__rarity_add(&rar, &s->arts[order[p]].feat)))
			goto out;
	prep = calloc(n + 1, sizeof(*prep));
	in_k = calloc(n + 1, sizeof(*in_k));
	in_a = calloc(n + 1, sizeof(*in_a));
	e1keys = doppel__alloc_array(n1 + 1, sizeof(*e1keys));
	if (!prep || !in_k || !in_a || !e1keys)
		goto nomem;
	struct prep_ctx pc = {s, order, &rar, prep, DOPPEL_OK};
	doppel__parallel_for(s->threads, n, prepare_one, &pc);
	if (pc.rc)
		goto nomem;
	s->ksigs = doppel__alloc_array(n + 1, K2 * sizeof(*s->ksigs));
	s->asigs = doppel__alloc_array(n + 1, K2 * sizeof(*s->asigs));
	if (!s->ksigs || !s->asigs)
		goto nomem;
	struct views_ctx vc = {s, order, &rar, DOPPEL_OK};
	doppel__parallel_for(s->threads, n, views_one, &vc);
	if (vc.rc)
		goto nomem;
	for (size_t i = 0; i < n1; i++)
		e1keys[i] = (uint64_t)e1[i].a << 32 | e1[i].b;
	qsort(e1keys, n1, sizeof(*e1keys), doppel__cmp_u64);

	unsigned kb = 0, ab = 0;
	lk = doppel__view_lsh(&s->p, DOPPEL__KEYS_THRESHOLD, &kb);
	la = doppel__view_lsh(&s->p, DOPPEL__ANCHORS_THRESHOLD, &ab);
	kkeys = doppel__alloc_array(n + 1, kb * sizeof(*kkeys));
	akeys = doppel__alloc_array(n + 1, ab * sizeof(*akeys));
	if (!lk || !la || !kkeys || !akeys)
		goto nomem;
	for (size_t p = 0; p < n; p++) {
		const struct art *a = &s->arts[order[p]];
		if (!a->fingerprint)
			continue;
		in_k[p] = a->nkeys > 0;
		in_a[p] = a->nanchors > 0;
		if (in_k[p]) {
			doppel__lsh_keys(lk, s->ksigs + (size_t)order[p] * K2, kkeys + p * kb);
			if (doppel__lsh_insert(lk, (uint32_t)p, kkeys + p * kb))
				goto nomem;
		}
		if (in_a[p]) {
			doppel__lsh_keys(la, s->asigs + (size_t)order[p] * K2, akeys + p * ab);
			if (doppel__lsh_insert(la, (uint32_t)p, akeys + p * ab))
				goto nomem;
		}
	}
	for (unsigned t = 0; t < s->threads; t++) {
		struct worker *w = &s->workers[t];
		free(w->stamp);
		w->stamp = calloc(n + 1, sizeof(*w->stamp));
		w->nedges = 0;
		w->candidates = 0;
		w->verified = 0;
		if (!w->stamp)
			goto nomem;
	}
	size_t npost = 0;
	for (size_t p = 0; p < n; p++) {
		const doppel__features *f = &s->arts[order[p]].feat;
		for (size_t i = 0; i < f->nanchor; i++)
			npost += DOPPEL__ANCHOR_KIND(f->anchor[i]) != DOPPEL__ANCHOR_DATE &&
			         doppel__rarity_df(&rar, f->anchor[i]) <= DOPPEL__VIEW_MAX_DF;
	}
	post = doppel__alloc_array(npost + 1, sizeof(*post));
	if (!post)
		goto nomem;
	npost = 0;
	for (size_t p = 0; p < n; p++) {
		const doppel__features *f = &s->arts[order[p]].feat;
		for (size_t i = 0; i < f->nanchor; i++)
			if (DOPPEL__ANCHOR_KIND(f->anchor[i]) != DOPPEL__ANCHOR_DATE &&
			    doppel__rarity_df(&rar, f->anchor[i]) <= DOPPEL__VIEW_MAX_DF)
				post[npost++] = (struct posting){f->anchor[i], (uint32_t)p};
	}
	qsort(post, npost, sizeof(*post), cmp_posting);
	struct relate_ctx rc_ = {s,  order, prep, kkeys,  akeys, in_k, in_a, lk,
	                         la, kb,    ab,   e1keys, n1,    post, npost};
	doppel__parallel_for(s->threads, n, relate_one, &rc_);
	for (unsigned t = 0; t < s->threads; t++) {
		if (s->workers[t].rc)
			goto nomem;
		nall += s->workers[t].nedges;
		s->stats.candidates += s->workers[t].candidates;
		s->stats.verified += s->workers[t].verified;
	}
	all = doppel__alloc_array(nall + 1, sizeof(*all));
	if (!all)
		goto nomem;
	if (n1)
		memcpy(all, e1, n1 * sizeof(*all));
	nall = n1;
	for (unsigned t = 0; t < s->threads; t++) {
		struct worker *w = &s->workers[t];
		if (w->nedges)
			memcpy(all + nall, w->edges, w->nedges * sizeof(*all));
		nall += w->nedges;
		free(w->stamp);
		w->stamp = NULL;
	}
	qsort(all, nall, sizeof(*all), edge_cmp);
	if ((rc = recheck_undated(s, order, all, &nall)))
		goto out;
	s->stats.edges = nall;
	set_bases(s, order, all, nall);
	if ((rc = siblings(all, nall, n)))
		goto out;
	if ((rc = make_pairs(s, order, all, nall)))
		goto out;

	nodes = calloc(n + 1, sizeof(*nodes));
	if (!nodes)
		goto nomem;
	for (size_t p = 0; p < n; p++) {
		const struct art *a = &s->arts[order[p]];
		nodes[p] = (doppel__node){a->id,    a->title,       a->date,
		                          a->words, a->feat.anchor, a->feat.nanchor};
	}
	if ((rc = doppel__build_stories(nodes, n, all, nall, &s->p, &rar, &s->stories)))
		goto out;
	rc = pairs_follow_events(s);
	goto out;
nomem:
	rc = DOPPEL_E_NOMEM;
out:
	if (prep)
		for (size_t p = 0; p < n; p++)
			doppel__prepared_free(&prep[p]);
	free(prep);
	doppel__rarity_free(&rar);
	doppel__lsh_free(lk);
	doppel__lsh_free(la);
	free(kkeys);
	free(akeys);
	free(e1keys);
	free(in_k);
	free(in_a);
	free(post);
	free(all);
	free(nodes);
	return rc;
}

/* Exact-duplicate classes up to this size give every member the edges
 * their LSH member found; bigger ones keep them on that member only. */
#define SHARED_CLASS_MAX 16

/*
 * Only one member of a class of exact duplicates went into the LSH tables;
 * the edges it found hold, with the same figures, for the other members.
 * byfp is sorted by fingerprint, the class's LSH member first.
 */
static int share_class_edges(const struct by_fp *byfp, size_t nfp, size_t n, edge_t **edges,
                             size_t *nedges)
{
	uint32_t *first = doppel__alloc_array(n + 1, sizeof(*first)); /* class start */
	uint32_t *size = doppel__alloc_array(n + 1, sizeof(*size));
	if (!first || !size) {
		free(first);
		free(size);
		return DOPPEL_E_NOMEM;
	}
	for (size_t p = 0; p < n; p++)
		size[p] = 0;
	for (size_t i = 0; i < nfp;) {
		size_t j = i + 1;
		while (j < nfp && byfp[j].fp == byfp[i].fp)
			j++;
		if (j - i >= 2 && j - i <= SHARED_CLASS_MAX) {
			first[byfp[i].pos] = (uint32_t)i;
			size[byfp[i].pos] = (uint32_t)(j - i);
		}
		i = j;
	}
	size_t extra = 0, ne = *nedges;
	for (size_t e = 0; e < ne; e++) {
		const edge_t *x = &(*edges)[e];
		extra += size[x->a] ? size[x->a] - 1 : 0;
		extra += size[x->b] ? size[x->b] - 1 : 0;
	}
	int rc = DOPPEL_OK;
	edge_t *grown =
		extra ? doppel__realloc_array(*edges, ne + extra, sizeof(**edges)) : *edges;
	if (!grown) {
		rc = DOPPEL_E_NOMEM;
		goto out;
	}
	*edges = grown;
	for (size_t e = 0; e < ne; e++) {
		for (int side = 0; side < 2; side++) {
			edge_t x = grown[e];
			uint32_t rep = side ? x.b : x.a, other = side ? x.a : x.b;
			if (!size[rep])
				continue;
			for (uint32_t m = 1; m < size[rep]; m++) {
				uint32_t mem = byfp[first[rep] + m].pos;
				if (mem == other)
					continue; /* the class's own duplicate edge */
				edge_t y = x;
				y.a = mem < other ? mem : other;
				y.b = mem < other ? other : mem;
				grown[(*nedges)++] = y;
			}
		}
	}
out:
	free(first);
	free(size);
	return rc;
}

int doppel_scan_finish(doppel_scan *s)
{
	if (s->finished) {
		doppel__errf(s->err, "the scan is finished already");
		return DOPPEL_E_STATE;
	}
	s->finished = true;
	const size_t n = s->n;
	const unsigned k = s->p.k;
	int rc = DOPPEL_OK;
	uint32_t *order = NULL, *adj_start = NULL, *mpos = NULL, *mtmp = NULL;
	bool *in_lsh = NULL;
	uint64_t *keys = NULL;
	struct by_id *byid = NULL;
	struct by_fp *byfp = NULL;
	edge_t *edges = NULL, *adj = NULL;
	struct group_build *gb = NULL, *gtmp = NULL;
	doppel__lsh *lsh = NULL;
	doppel__uf uf = {0};
	size_t nedges = 0;

	/* Canonical order by id. */
	order = doppel__alloc_array(n ? n : 1, sizeof(*order));
	byid = doppel__alloc_array(n ? n : 1, sizeof(*byid));
	in_lsh = calloc(n ? n : 1, sizeof(*in_lsh));
	if (!order || !byid || !in_lsh)
		goto nomem;
	for (size_t i = 0; i < n; i++)
		byid[i] = (struct by_id){s->arts[i].id, (uint32_t)i};
	qsort(byid, n, sizeof(*byid), cmp_by_id);
	for (size_t p = 0; p < n; p++)
		order[p] = byid[p].idx;
	free(byid);
	byid = NULL;

	/* Exact duplicates: one fingerprint class, one member in the LSH. */
	byfp = doppel__alloc_array(n ? n : 1, sizeof(*byfp));
	if (!byfp)
		goto nomem;
	size_t nfp = 0;
	for (size_t p = 0; p < n; p++)
		if (s->arts[order[p]].fingerprint)
			byfp[nfp++] =
				(struct by_fp){s->arts[order[p]].fingerprint, (uint32_t)p};
	qsort(byfp, nfp, sizeof(*byfp), cmp_by_fp);
	struct worker *w0 = &s->workers[0];
	for (size_t i = 0; i < nfp;) {
		size_t j = i + 1;
		while (j < nfp && byfp[j].fp == byfp[i].fp)
			j++;
		in_lsh[byfp[i].pos] = true;
		for (size_t m = i + 1; m < j; m++)
			if (push_edge(w0, byfp[i].pos, byfp[m].pos, 1.0, 1.0,
			              DOPPEL_REL_DUPLICATE))
				goto nomem;
		i = j;
	}

	/* LSH over the rest, inserted in canonical order. */
	lsh = doppel__lsh_new(k, s->bands, s->rows);
	keys = doppel__alloc_array(n ? n : 1, s->bands * sizeof(*keys));
	if (!lsh || !keys)
		goto nomem;
	struct keys_ctx kc = {s, order, in_lsh, keys, lsh};
	doppel__parallel_for(s->threads, n, keys_one, &kc);
	for (size_t p = 0; p < n; p++)
		if (in_lsh[p] && doppel__lsh_insert(lsh, (uint32_t)p, keys + p * s->bands))
			goto nomem;

	for (unsigned t = 0; t < s->threads; t++) {
		free(s->workers[t].stamp);
		s->workers[t].stamp = calloc(n ? n : 1, sizeof(uint32_t));
		if (!s->workers[t].stamp)
			goto nomem;
	}
	struct find_ctx fc = {s, order, in_lsh, keys, lsh};
	doppel__parallel_for(s->threads, n, query_one, &fc);
	doppel__lsh_free(lsh);
	lsh = NULL;
	free(keys);
	keys = NULL;

	/* Gather the edges of all workers, in a canonical order. */
	for (unsigned t = 0; t < s->threads; t++) {
		if (s->workers[t].rc)
			goto nomem;
		nedges += s->workers[t].nedges;
		s->stats.candidates += s->workers[t].candidates;
	}
	edges = doppel__alloc_array(nedges ? nedges : 1, sizeof(*edges));
	if (!edges)
		goto nomem;
	nedges = 0;
	for (unsigned t = 0; t < s->threads; t++) {
		if (s->workers[t].nedges)
			memcpy(edges + nedges, s->workers[t].edges,
			       s->workers[t].nedges * sizeof(*edges));
		nedges += s->workers[t].nedges;
		free(s->workers[t].edges);
		s->workers[t].edges = NULL;
		s->workers[t].nedges = s->workers[t].edgecap = 0;
		free(s->workers[t].stamp);
		s->workers[t].stamp = NULL;
	}
	if (share_class_edges(byfp, nfp, n, &edges, &nedges))
		goto nomem;
	free(byfp);
	byfp = NULL;
	qsort(edges, nedges, sizeof(*edges), edge_cmp);
	/* A pair met through two class members is one edge. */
	if (nedges) {
		size_t w = 1;
		for (size_t e = 1; e < nedges; e++)
			if (edges[e].a != edges[w - 1].a || edges[e].b != edges[w - 1].b)
				edges[w++] = edges[e];
		nedges = w;
	}
	s->stats.edges = nedges;

	/* Components. */
	if (doppel__uf_init(&uf, n ? n : 1))
		goto nomem;
	for (size_t e = 0; e < nedges; e++)
		doppel__uf_union(&uf, edges[e].a, edges[e].b);

	/* Adjacency by position: every edge listed at both ends. */
	adj_start = calloc(n + 1, sizeof(*adj_start));
	adj = doppel__alloc_array(nedges ? 2 * nedges : 1, sizeof(*adj));
	if (!adj_start || !adj)
		goto nomem;
	for (size_t e = 0; e < nedges; e++) {
		adj_start[edges[e].a + 1]++;
		adj_start[edges[e].b + 1]++;
	}
	for (size_t p = 0; p < n; p++)
		adj_start[p + 1] += adj_start[p];
	{
		uint32_t *fill = doppel__alloc_array(n ? n : 1, sizeof(*fill));
		if (!fill)
			goto nomem;
		memcpy(fill, adj_start, n * sizeof(*fill));
		for (size_t e = 0; e < nedges; e++) {
			adj[fill[edges[e].a]++] = edges[e];
			adj[fill[edges[e].b]++] = edges[e];
		}
		free(fill);
	}

	/* Groups: components of two or more, found in canonical order. */
	size_t ngroups = 0, nmembers = 0;
	uint32_t *gindex = doppel__alloc_array(n ? n : 1, sizeof(*gindex));
	if (!gindex)
		goto nomem;
	for (size_t p = 0; p < n; p++)
		gindex[p] = UINT32_MAX;
	for (size_t p = 0; p < n; p++) {
		uint32_t r = doppel__uf_find(&uf, (uint32_t)p);
		if (uf.size[r] < 2)
			continue;
		if (gindex[r] == UINT32_MAX)
			gindex[r] = (uint32_t)ngroups++;
		nmembers++;
	}
	gb = calloc(ngroups ? ngroups : 1, sizeof(*gb));
	mpos = doppel__alloc_array(nmembers ? nmembers : 1, sizeof(*mpos));
	if (!gb || !mpos) {
		free(gindex);
		goto nomem;
	}
	for (size_t p = 0; p < n; p++) {
		uint32_t r = doppel__uf_find(&uf, (uint32_t)p);
		if (uf.size[r] >= 2)
			gb[gindex[r]].count++;
	}
	for (size_t g = 0, at = 0; g < ngroups; g++) {
		gb[g].first = at;
		at += gb[g].count;
		gb[g].count = 0;
	}
	for (size_t p = 0; p < n; p++) {
		uint32_t r = doppel__uf_find(&uf, (uint32_t)p);
		if (uf.size[r] < 2)
			continue;
		struct group_build *g = &gb[gindex[r]];
		mpos[g->first + g->count++] = (uint32_t)p;
		if (g->count == 1 || rep_cmp(&s->arts[order[p]], &s->arts[order[g->rep]]) < 0)
			g->rep = (uint32_t)p;
	}
	free(gindex);

	/* Members of a group: representative first, the rest by date, id. */
	mtmp = doppel__alloc_array(nmembers ? nmembers : 1, sizeof(*mtmp));
	gtmp = doppel__alloc_array(ngroups ? ngroups : 1, sizeof(*gtmp));
	s->members = calloc(nmembers ? nmembers : 1, sizeof(*s->members));
	s->groups = calloc(ngroups ? ngroups : 1, sizeof(*s->groups));
	if (!mtmp || !gtmp || !s->members || !s->groups)
		goto nomem;
	merge_sort(gb, ngroups, sizeof(*gb), gtmp, cmp_group_build, s, order);
	size_t at = 0;
	for (size_t g = 0; g < ngroups; g++) {
		uint32_t *mp = mpos + gb[g].first;
		size_t cnt = gb[g].count;
		/* Put the representative first, sort the rest. */
		for (size_t i = 0; i < cnt; i++) {
			if (mp[i] == gb[g].rep) {
				uint32_t t = mp[0];
				mp[0] = mp[i];
				mp[i] = t;
				break;
			}
		}
		merge_sort(mp + 1, cnt - 1, sizeof(*mp), mtmp, cmp_member_pos, s, order);
		doppel_group *out = &s->groups[g];
		out->members = &s->members[at];
		out->count = cnt;
		out->id = s->arts[order[gb[g].rep]].id;
		for (size_t i = 0; i < cnt; i++) {
			uint32_t p = mp[i];
			const struct art *a = &s->arts[order[p]];
			doppel_member *m = &s->members[at + i];
			m->id = a->id;
			m->title = a->title;
			m->origin = a->origin;
			m->date = a->date;
			m->words = a->words;
			if (i == 0)
				continue;
			const edge_t *best = NULL;
			uint32_t best_other = 0;
			for (uint32_t e = adj_start[p]; e < adj_start[p + 1]; e++) {
				uint32_t other = adj[e].a == p ? adj[e].b : adj[e].a;
				if (better_of(&adj[e], other, gb[g].rep, best, best_other)) {
					best = &adj[e];
					best_other = other;
				}
			}
			/* Every member of a component of two or more has an edge. */
			const struct art *o = &s->arts[order[best_other]];
			m->relation = best->relation;
			m->of = o->id;
			bool a_source;
			doppel_basis basis = doppel__derivation_basis(
				best->relation, a->date, o->date, a->boilerplate,
				o->boilerplate, a->words, o->words, &a_source);
			m->direction = basis == DOPPEL_BASIS_NONE ? DOPPEL_DIR_UNKNOWN
			               : a_source                 ? DOPPEL_DIR_TO
			                                          : DOPPEL_DIR_FROM;
			m->jaccard = best->jaccard;
			m->containment = best->containment;
		}
		at += cnt;
	}
	s->ngroups = ngroups;
	if ((rc = relate_all(s, order, edges, nedges)))
		doppel__errf(s->err, "%s while relating %zu articles", doppel_strerror(rc), n);
	goto out;

nomem:
	rc = DOPPEL_E_NOMEM;
	doppel__errf(s->err, "out of memory while grouping %zu articles", n);
out:
	doppel__uf_free(&uf);
	doppel__lsh_free(lsh);
	free(order);
	free(in_lsh);
	free(keys);
	free(byid);
	free(byfp);
	free(edges);
	free(adj);
	free(adj_start);
	free(gb);
	free(gtmp);
	free(mpos);
	free(mtmp);
	return rc;
}

size_t doppel_scan_group_count(const doppel_scan *s)
{
	return s ? s->ngroups : 0;
}

int doppel_scan_group(const doppel_scan *s, size_t i, doppel_group *out)
{
	if (!s || i >= s->ngroups)
		return DOPPEL_E_ARG;
	*out = s->groups[i];
	return DOPPEL_OK;
}

size_t doppel_scan_pair_count(const doppel_scan *s)
{
	return s ? s->npairs : 0;
}

int doppel_scan_pair(const doppel_scan *s, size_t i, doppel_pair *out)
{
	if (!s || i >= s->npairs)
		return DOPPEL_E_ARG;
	*out = s->pairs[i];
	return DOPPEL_OK;
}

size_t doppel_scan_story_count(const doppel_scan *s)
{
	return s ? s->stories.nstory : 0;
}

int doppel_scan_story(const doppel_scan *s, size_t i, doppel_story *out)
{
	if (!s || i >= s->stories.nstory)
		return DOPPEL_E_ARG;
	*out = s->stories.story[i];
	return DOPPEL_OK;
}
