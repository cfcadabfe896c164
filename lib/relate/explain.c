/*
 * explain.c — why two articles are related: the same measurements as a
 * scan, kept in a form a person can read: aligned sentences side by side,
 * the passages they share (passages.c), the facts both state, those only
 * one states and those they state two ways (facts.c), each with its
 * sentence in each article; for two stored articles, through the index
 * handle, which keeps WordNet loaded and knows the relation (and the
 * passages) the index stores for them.
 */
#include "engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The public explanation and everything it points to. */
struct expl {
	doppel_explanation pub; /* first: the handle callers hold */
	char **owned;           /* every string, freed with the explanation */
	size_t nowned, ownedcap;
	doppel_aligned *aligned;
	const char **only_a, **only_b;
	doppel_fact *shared, *facts_a, *facts_b;
	/* the four lists of fact pairs, one after the other */
	doppel_fact_pair *pairs;
	size_t npairs, pairscap;
	doppel_passage *passages;
	size_t npassages, passagecap;
	const char **passage_text; /* a's npassages, then b's */
};

void doppel_explanation_free(doppel_explanation *e)
{
	if (!e)
		return;
	struct expl *x = (struct expl *)e;
	for (size_t i = 0; i < x->nowned; i++)
		free(x->owned[i]);
	free(x->owned);
	free(x->aligned);
	free(x->only_a);
	free(x->only_b);
	free(x->shared);
	free(x->facts_a);
	free(x->facts_b);
	free(x->pairs);
	free(x->passages);
	free(x->passage_text);
	free(x);
}

/* A copy of text[start, start + len), owned by the explanation. */
static const char *own(struct expl *x, const char *text, size_t start, size_t len)
{
	if (doppel__grow((void **)&x->owned, &x->ownedcap, x->nowned + 1, sizeof(*x->owned)))
		return NULL;
	char *s = doppel__strndup(text + start, len);
	if (s)
		x->owned[x->nowned++] = s;
	return s;
}

/* Gives the explanation its passages (x->passages) and their texts. */
static int keep_passages(struct expl *x, const doppel_article *a, const doppel_article *b)
{
	size_t n = x->npassages;
	free(x->passage_text);
	x->passage_text = doppel__alloc_array(2 * n + 1, sizeof(*x->passage_text));
	if (!x->passage_text ||
	    doppel__grow((void **)&x->passages, &x->passagecap, n + 1, sizeof(*x->passages)))
		return DOPPEL_E_NOMEM;
	for (size_t i = 0; i < n; i++) {
		const doppel_passage *p = &x->passages[i];
		if (p->a_end > a->text_len || p->b_end > b->text_len)
			return DOPPEL_E_DB; /* stored for other texts: damaged */
		if (!(x->passage_text[i] =
		              own(x, a->text, p->a_start, p->a_end - p->a_start)) ||
		    !(x->passage_text[n + i] =
		              own(x, b->text, p->b_start, p->b_end - p->b_start)))
			return DOPPEL_E_NOMEM;
	}
	x->pub.pair.passages = x->passages;
	x->pub.pair.npassages = n;
	x->pub.passage_a = x->passage_text;
	x->pub.passage_b = x->passage_text + n;
	return DOPPEL_OK;
}

/* The passages a and b share, measured now (as the index measures them,
 * with WordNet wn) into x->passages. */
static int measure_passages(struct expl *x, const doppel__wordnet *wn, const doppel_params *p,
                            const doppel_article *a, const doppel_article *b)
{
	doppel__passager *pg = doppel__passager_new(wn, p->seed);
	doppel__ptext ta = {0}, tb = {0};
	doppel__passage *ps = NULL, pp;
	size_t n = 0, cap = 0;
	doppel__passage_params params;
	doppel__passage_defaults(&params);
	int rc = pg ? DOPPEL_OK : DOPPEL_E_NOMEM;
	if (rc == DOPPEL_OK)
		rc = doppel__ptext_make(pg, a->text, a->text_len, DOPPEL__EXCERPT_PT_FLAGS,
		                        &ta);
	if (rc == DOPPEL_OK)
		rc = doppel__ptext_make(pg, b->text, b->text_len, DOPPEL__EXCERPT_PT_FLAGS,
		                        &tb);
	if (rc == DOPPEL_OK)
		rc = doppel__passages_find(pg, &ta, &tb, &params, &ps, &n, &cap);
	if (rc == DOPPEL_OK &&
	    doppel__grow((void **)&x->passages, &x->passagecap, n + 1, sizeof(*x->passages)))
		rc = DOPPEL_E_NOMEM;
	if (rc == DOPPEL_OK) {
		for (size_t i = 0; i < n; i++) {
			pp = ps[i];
			x->passages[i] =
				(doppel_passage){pp.a_start, pp.a_end, pp.b_start, pp.b_end};
		}
		x->npassages = n;
	}
	free(ps);
	doppel__ptext_free(&ta);
	doppel__ptext_free(&tb);
	doppel__passager_free(pg);
	return rc;
}

/* One side's measurements. */
struct side {
	const doppel_article *art;
	doppel__tokens tokens;
	uint16_t *sig;
	doppel__sketch sk;
	doppel__features feat;
	doppel__facts facts;
	doppel__prepared prep;
};

static void side_free(struct side *s)
{
	doppel__tokens_free(&s->tokens);
	free(s->sig);
	doppel__features_free(&s->feat);
	doppel__facts_free(&s->facts);
	doppel__prepared_free(&s->prep);
}

/* The bytes of the sentence of s that holds byte at. */
static void sentence_at(const struct side *s, uint32_t at, uint32_t *start, uint32_t *end)
{
	const doppel__features *f = &s->feat;
	size_t lo = 0, hi = f->nsent;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (f->sent[mid].start + f->sent[mid].len <= at)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < f->nsent && f->sent[lo].start <= at) {
		*start = f->sent[lo].start;
		*end = f->sent[lo].start + f->sent[lo].len;
	} else {
		*start = *end = at;
	}
}

/* Where side s states bytes [start, end) in sentence [sstart, send). */
static int site(struct expl *x, const struct side *s, uint32_t start, uint32_t end,
                uint32_t sstart, uint32_t send, doppel_fact_site *out)
{
	out->text = own(x, s->art->text, start, end - start);
	out->sentence = own(x, s->art->text, sstart, send - sstart);
	out->start = start;
	out->end = end;
	out->sentence_start = sstart;
	out->sentence_end = send;
	return out->text && out->sentence ? DOPPEL_OK : DOPPEL_E_NOMEM;
}

/* A slot for one more fact pair. */
static doppel_fact_pair *new_pair(struct expl *x)
{
	if (doppel__grow((void **)&x->pairs, &x->pairscap, x->npairs + 1, sizeof(*x->pairs)))
		return NULL;
	doppel_fact_pair *p = &x->pairs[x->npairs++];
	memset(p, 0, sizeof(*p));
	return p;
}

/* The public name of a DOPPEL__DIFFER_* (static), NULL for none. */
static const char *differ_name(unsigned differ)
{
	switch (differ) {
	case DOPPEL__DIFFER_SPELLING:
		return "spelling";
	case DOPPEL__DIFFER_NAME:
		return "name";
	case DOPPEL__DIFFER_NUMBER:
		return "number";
	case DOPPEL__DIFFER_DATE:
		return "date";
	default:
		return NULL;
	}
}

/* The pair of a link of facts.c: a fact of a, of b, or both. */
static int fact_pair(struct expl *x, const struct side *sa, const struct side *sb,
                     const doppel__fact_link *l)
{
	const doppel__fact *fa = l->a >= 0 ? &sa->facts.fact[l->a] : NULL;
	const doppel__fact *fb = l->b >= 0 ? &sb->facts.fact[l->b] : NULL;
	doppel_fact_pair *p = new_pair(x);
	if (!p)
		return DOPPEL_E_NOMEM;
	const doppel__fact *any = fa ? fa : fb;
	/* one side's kind may be surer: a person, a body, a place */
	unsigned kind = any->kind;
	if (fa && fb && fb->kind < fa->kind)
		kind = fb->kind;
	p->kind = doppel__fact_kind_name(kind);
	p->differ = differ_name(l->differ);
	int rc = DOPPEL_OK;
	for (int k = 0; k < 2 && rc == DOPPEL_OK; k++) {
		const doppel__fact *f = k ? fb : fa;
		const struct side *s = k ? sb : sa;
		if (!f)
			continue;
		rc = site(x, s, f->start, f->end, f->sstart, f->send, k ? &p->b : &p->a);
		if (rc == DOPPEL_OK && !p->role && f->rend > f->rstart &&
		    !(p->role = own(x, s->art->text, f->rstart, f->rend - f->rstart)))
			rc = DOPPEL_E_NOMEM;
		if (rc == DOPPEL_OK && !p->what && f->wend > f->wstart &&
		    !(p->what = own(x, s->art->text, f->wstart, f->wend - f->wstart)))
			rc = DOPPEL_E_NOMEM;
	}
	return rc;
}

/* A quote of one side: the bytes its overlapping anchor spans cover. */
struct quote {
	uint32_t start, end;
	size_t first, count; /* its spans in the side's sorted quote spans */
	int32_t other;       /* the quote of the other side it shares, -1 */
};

/* qsort order of spans: by start, the longer first. */
static int cmp_span_start(const void *pa, const void *pb)
{
	const struct doppel__span *a = pa, *b = pb;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a->len < b->len ? 1 : a->len > b->len ? -1 : 0;
}

/* The quotes of side s: its quote anchors' spans sorted into *spans,
 * overlapping ones merged into *out. */
static int quotes_of(const struct side *s, struct doppel__span **spans, struct quote **out,
                     size_t *nout)
{
	const doppel__features *f = &s->feat;
	size_t n = 0;
	*out = NULL;
	*nout = 0;
	if (!(*spans = doppel__alloc_array(f->nspan + 1, sizeof(**spans))) ||
	    !(*out = doppel__alloc_array(f->nspan + 1, sizeof(**out))))
		return DOPPEL_E_NOMEM;
	for (size_t i = 0; i < f->nspan; i++)
		if (DOPPEL__ANCHOR_KIND(f->span[i].anchor) == DOPPEL__ANCHOR_QUOTE)
			(*spans)[n++] = f->span[i];
	qsort(*spans, n, sizeof(**spans), cmp_span_start);
	for (size_t i = 0; i < n;) {
		struct quote q = {(*spans)[i].start, (*spans)[i].start + (*spans)[i].len, i, 0,
		                  -1};
		size_t j = i;
		for (; j < n && (*spans)[j].start < q.end; j++)
			if ((*spans)[j].start + (*spans)[j].len > q.end)
				q.end = (*spans)[j].start + (*spans)[j].len;
		q.count = j - i;
		(*out)[(*nout)++] = q;
		i = j;
	}
	return DOPPEL_OK;
}

/* Pairs of the quotes two sides share (one anchor in common is enough)
 * and of those only one has, in the order of a's text, then b's. */
static int quote_pairs(struct expl *x, const struct side *sa, const struct side *sb,
                       unsigned which)
{
	struct doppel__span *spans[2] = {NULL, NULL};
	struct quote *q[2] = {NULL, NULL};
	size_t nq[2] = {0, 0};
	int rc;
	if ((rc = quotes_of(sa, &spans[0], &q[0], &nq[0])) ||
	    (rc = quotes_of(sb, &spans[1], &q[1], &nq[1])))
		goto out;
	for (size_t i = 0; i < nq[0]; i++)
		for (size_t j = 0; j < nq[1] && q[0][i].other < 0; j++) {
			if (q[1][j].other >= 0)
				continue;
			for (size_t u = 0; u < q[0][i].count && q[0][i].other < 0; u++)
				for (size_t v = 0; v < q[1][j].count; v++)
					if (spans[0][q[0][i].first + u].anchor ==
					    spans[1][q[1][j].first + v].anchor) {
						q[0][i].other = (int32_t)j;
						q[1][j].other = (int32_t)i;
						break;
					}
		}
	const struct side *side[2] = {sa, sb};
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < nq[k]; i++) {
			const struct quote *qa = &q[k][i];
			bool shared = qa->other >= 0;
			/* which: 0 shared, 1 only a, 2 only b */
			if ((which == 0 && (!shared || k == 1)) ||
			    (which == 1 && (shared || k)) || (which == 2 && (shared || !k)))
				continue;
			doppel_fact_pair *p = new_pair(x);
			if (!p) {
				rc = DOPPEL_E_NOMEM;
				goto out;
			}
			p->kind = "quote";
			for (int h = 0; h < 2 && rc == DOPPEL_OK; h++) {
				const struct quote *qq = h == k   ? qa
				                         : shared ? &q[!k][qa->other]
				                                  : NULL;
				if (!qq)
					continue;
				uint32_t ss, se;
				sentence_at(side[h], qq->start, &ss, &se);
				rc = site(x, side[h], qq->start, qq->end, ss, se,
				          h ? &p->b : &p->a);
			}
			if (rc)
				goto out;
		}
out:
	for (int k = 0; k < 2; k++) {
		free(spans[k]);
		free(q[k]);
	}
	return rc;
}

/* The facts of a and b as the explanation gives them: four lists of
 * pairs (shared, only a, only b, disagreements) and the same in the
 * first shape (kind and text), and the conflict of their slots. */
static int explain_facts(struct expl *x, const struct side *sa, const struct side *sb)
{
	doppel__fact_link *links = NULL;
	size_t nlinks = 0;
	int rc = doppel__facts_compare(&sa->facts, &sb->facts, &links, &nlinks);
	size_t start[5];
	for (unsigned list = 0; list < 4 && rc == DOPPEL_OK; list++) {
		start[list] = x->npairs;
		for (size_t i = 0; i < nlinks && rc == DOPPEL_OK; i++) {
			const doppel__fact_link *l = &links[i];
			unsigned in = l->differ                ? 3
			              : l->a >= 0 && l->b >= 0 ? 0
			              : l->a >= 0              ? 1
			                                       : 2;
			if (in == list)
				rc = fact_pair(x, sa, sb, l);
		}
		if (rc == DOPPEL_OK && list < 3)
			rc = quote_pairs(x, sa, sb, list);
	}
	free(links);
	if (rc)
		return rc;
	start[4] = x->npairs;
	doppel_explanation *e = &x->pub;
	const doppel_fact_pair **lists[4] = {&e->facts_shared, &e->facts_only_a,
	                                     &e->facts_only_b, &e->disagreements};
	size_t *counts[4] = {&e->nfacts_shared, &e->nfacts_only_a, &e->nfacts_only_b,
	                     &e->ndisagreements};
	doppel_fact **old[3] = {&x->shared, &x->facts_a, &x->facts_b};
	size_t *oldn[3] = {&e->nshared, &e->nfacts_a, &e->nfacts_b};
	for (unsigned list = 0; list < 4; list++) {
		*lists[list] = x->pairs + start[list];
		*counts[list] = start[list + 1] - start[list];
		if (list == 3)
			continue;
		if (!(*old[list] = doppel__alloc_array(*counts[list] + 1, sizeof(**old[list]))))
			return DOPPEL_E_NOMEM;
		for (size_t i = 0; i < *counts[list]; i++) {
			const doppel_fact_pair *p = &x->pairs[start[list] + i];
			(*old[list])[i] =
				(doppel_fact){p->kind, list == 2 ? p->b.text : p->a.text};
		}
		*oldn[list] = *counts[list];
	}
	e->conflict = doppel__facts_conflict(&sa->facts, &sb->facts, NULL);
	return DOPPEL_OK;
}

/* Sentences of s that no aligned pair uses (which = 0: a side, 1: b). */
static int unaligned(struct expl *x, const struct side *s, const doppel__pairing *pairs,
                     size_t npairs, int which, const char ***out, size_t *nout)
{
	*out = calloc(s->feat.nsent + 1, sizeof(**out));
	*nout = 0;
	if (!*out)
		return DOPPEL_E_NOMEM;
	for (size_t i = 0; i < s->feat.nsent; i++) {
		bool used = false;
		for (size_t k = 0; k < npairs && !used; k++)
			used = (which ? pairs[k].b : pairs[k].a) == i;
		if (used)
			continue;
		const char *t =
			own(x, s->art->text, s->feat.sent[i].start, s->feat.sent[i].len);
		if (!t)
			return DOPPEL_E_NOMEM;
		(*out)[(*nout)++] = t;
	}
	return DOPPEL_OK;
}

/* Normalizes, sketches and segments both sides, with their facts, and
 * prepares them for sentence alignment over the words they hold. */
static int measure_sides(const doppel_params *p, doppel__segmenter *sg,
                         doppel__sketcher *sketcher, doppel__rarity *rar, struct side *side)
{
	int rc;
	for (int i = 0; i < 2; i++) {
		struct side *s = &side[i];
		uint64_t src = doppel__source_key(s->art->source, p->seed);
		if (!(s->sig = doppel__alloc_array(p->k, sizeof(*s->sig))))
			return DOPPEL_E_NOMEM;
		s->sk.sig = s->sig;
		s->feat.want_spans = true;
		if ((rc = doppel__normalize(s->art->text, s->art->text_len, src, NULL, p->seed,
		                            &s->tokens)) ||
		    (rc = doppel__sketch_tokens(sketcher, &s->tokens, &s->sk)) ||
		    (rc = doppel__facts_extract(sg, s->art->text, s->art->text_len, src, NULL,
		                                &s->feat, &s->facts)) ||
		    (rc = doppel__rarity_add(rar, &s->feat)))
			return rc;
	}
	for (int i = 0; i < 2; i++)
		if (doppel__prepare(&side[i].feat, rar, &side[i].prep))
			return DOPPEL_E_NOMEM;
	return DOPPEL_OK;
}

/* What the scan measures of the two sides: the evidence ev of their
 * aligned sentences (pairs, which holds room for the shorter side's
 * sentences), Jaccard and containment in j, c. The relation is the
 * engine's (engine_verdict). */
static int measure_pair(const doppel_params *p, const struct side *side, doppel__pairing *pairs,
                        doppel__evidence *ev, double *j, double *c)
{
	int rc = doppel__compare_prepared(&side[0].prep, &side[1].prep, p->sentence_min, 0.0,
	                                  ev, pairs);
	if (rc)
		return rc;
	*j = *c = 0;
	if (side[0].sk.fingerprint && side[1].sk.fingerprint)
		doppel__compare(side[0].sig, side[0].sk.shingles, side[1].sig,
		                side[1].sk.shingles, p->k, j, c);
	if (side[0].sk.fingerprint && side[0].sk.fingerprint == side[1].sk.fingerprint)
		*j = *c = 1.0;
	return DOPPEL_OK;
}

/* The relation the engine states for a and b alone: a scan of the two
 * (its rules of templated reports, headlines and passages, which the
 * measurements here do not all apply), with its basis and which of the
 * two is the source (*a_source: 1 a, 0 b, -1 not known). */
static int engine_verdict(const doppel_params *p, const doppel__wordnet *wn,
                          const doppel_article *a, const doppel_article *b,
                          doppel_relation *rel, doppel_basis *basis, int *a_source)
{
	*rel = DOPPEL_REL_NONE;
	*basis = DOPPEL_BASIS_NONE;
	*a_source = -1;
	/* ids of their own: the two may carry the same one */
	doppel_article aa = *a, bb = *b;
	aa.id = "a";
	bb.id = "b";
	doppel_scan *s = doppel_scan_new(p);
	doppel_batch *batch = doppel_batch_new();
	int rc = s && batch ? DOPPEL_OK : DOPPEL_E_NOMEM;
	if (s && wn)
		doppel__scan_set_wordnet(s, wn); /* loaded once for both */
	if (rc == DOPPEL_OK && (rc = doppel_batch_push(batch, &aa)) == DOPPEL_OK &&
	    (rc = doppel_batch_push(batch, &bb)) == DOPPEL_OK &&
	    (rc = doppel_scan_add(s, batch)) == DOPPEL_OK &&
	    (rc = doppel_scan_finish(s)) == DOPPEL_OK && doppel_scan_pair_count(s) > 0) {
		doppel_pair pair;
		if ((rc = doppel_scan_pair(s, 0, &pair)) == DOPPEL_OK) {
			*rel = pair.relation;
			*basis = pair.basis;
			if (pair.basis != DOPPEL_BASIS_NONE)
				*a_source = !strcmp(pair.a, "a");
		}
	}
	doppel_batch_free(batch);
	doppel_scan_free(s);
	return rc;
}

/* The aligned sentences of the explanation, as texts x owns. */
static int keep_aligned(struct expl *x, const struct side *side, const doppel__pairing *pairs,
                        size_t naligned)
{
	x->aligned = calloc(naligned + 1, sizeof(*x->aligned));
	if (!x->aligned)
		return DOPPEL_E_NOMEM;
	for (size_t k = 0; k < naligned; k++) {
		const doppel__sent *sa = &side[0].feat.sent[pairs[k].a];
		const doppel__sent *sb = &side[1].feat.sent[pairs[k].b];
		const char *ta = own(x, side[0].art->text, sa->start, sa->len);
		const char *tb = own(x, side[1].art->text, sb->start, sb->len);
		if (!ta || !tb)
			return DOPPEL_E_NOMEM;
		x->aligned[k] = (doppel_aligned){ta, tb, pairs[k].score};
	}
	x->pub.naligned = naligned;
	x->pub.aligned = x->aligned;
	return DOPPEL_OK;
}

/*
 * The explanation of a and b measured with segmenter sg (over WordNet);
 * p is checked. A message in err (DOPPEL__ERRLEN) on failure.
 */
static int explain_pair(const doppel_params *p, doppel__segmenter *sg,
                        const doppel__wordnet *wn, const doppel_article *a,
                        const doppel_article *b, doppel_explanation **out, char *err)
{
	*out = NULL;
	int rc = DOPPEL_OK;
	doppel__sketcher sketcher = {0};
	doppel__rarity rar = {0};
	doppel__pairing *pairs = NULL;
	struct side side[2] = {{.art = a}, {.art = b}};
	struct expl *x = calloc(1, sizeof(*x));
	if (!x || doppel__sketcher_init(&sketcher, p->k, p->shingle, p->seed))
		goto nomem;
	if ((rc = measure_sides(p, sg, &sketcher, &rar, side)))
		goto fail;
	size_t maxpairs = side[0].feat.nsent < side[1].feat.nsent ? side[0].feat.nsent
	                                                          : side[1].feat.nsent;
	pairs = doppel__alloc_array(maxpairs + 1, sizeof(*pairs));
	if (!pairs)
		goto nomem;
	doppel__evidence ev;
	double j, c;
	doppel_relation rel;
	if ((rc = measure_pair(p, side, pairs, &ev, &j, &c)) ||
	    (rc = measure_passages(x, wn, p, a, b)))
		goto fail;
	doppel_basis basis;
	int a_source;
	if ((rc = engine_verdict(p, wn, a, b, &rel, &basis, &a_source)))
		goto fail;

	doppel_explanation *e = &x->pub;
	e->pair = (doppel_pair){.a = a->id,
	                        .b = b->id,
	                        .relation = rel,
	                        .jaccard = j,
	                        .containment = c,
	                        .aligned = ev.aligned,
	                        .anchors = ev.anchors,
	                        .names = ev.names,
	                        .topic = ev.topic};
	e->pair.basis = basis;
	e->a_source = a_source;
	if ((rc = keep_passages(x, a, b)))
		goto fail;
	if ((rc = keep_aligned(x, side, pairs, ev.naligned)) ||
	    (rc = unaligned(x, &side[0], pairs, ev.naligned, 0, &x->only_a, &e->nonly_a)) ||
	    (rc = unaligned(x, &side[1], pairs, ev.naligned, 1, &x->only_b, &e->nonly_b)) ||
	    (rc = explain_facts(x, &side[0], &side[1])))
		goto fail;
	e->only_a = x->only_a;
	e->only_b = x->only_b;
	e->shared = x->shared;
	e->facts_a = x->facts_a;
	e->facts_b = x->facts_b;
	*out = e;
	x = NULL;
	goto out;
nomem:
	rc = DOPPEL_E_NOMEM;
fail:
	doppel__errf(err, "explaining %s and %s: %s", a->id ? a->id : "?", b->id ? b->id : "?",
	             doppel_strerror(rc));
out:
	if (x)
		doppel_explanation_free(&x->pub);
	free(pairs);
	for (int i = 0; i < 2; i++)
		side_free(&side[i]);
	doppel__rarity_free(&rar);
	doppel__sketcher_free(&sketcher);
	return rc;
}

int doppel_explain(const doppel_params *p, const doppel_article *a, const doppel_article *b,
                   doppel_explanation **out, char *errmsg, size_t errlen)
{
	char err[DOPPEL__ERRLEN] = "";
	*out = NULL;
	if (!p || !a || !b || !a->text || !b->text ||
	    doppel_params_check(p, err, sizeof(err))) {
		if (!*err)
			doppel__errf(err, "explain needs parameters and two articles");
		if (errmsg && errlen)
			snprintf(errmsg, errlen, "%s", err);
		return DOPPEL_E_ARG;
	}
	doppel__wordnet *wn = NULL;
	doppel__segmenter *sg = NULL;
	int rc = doppel__wordnet_load(p->wordnet_dir, &wn, err);
	if (rc == DOPPEL_OK && !(sg = doppel__segmenter_new(wn, p->seed))) {
		doppel__errf(err, "explaining %s and %s: %s", a->id ? a->id : "?",
		             b->id ? b->id : "?", doppel_strerror(DOPPEL_E_NOMEM));
		rc = DOPPEL_E_NOMEM;
	}
	if (rc == DOPPEL_OK)
		rc = explain_pair(p, sg, wn, a, b, out, err);
	if (rc && errmsg && errlen)
		snprintf(errmsg, errlen, "%s", err);
	doppel__segmenter_free(sg);
	doppel__wordnet_free(wn);
	return rc;
}

/* ---------------------------------------------------------------- index */

/* Words the segmenter of explanations caches before it starts afresh: a
 * long-lived reader meets an open vocabulary (names, numbers, typos), and
 * the cache, 50 to 100 bytes a word, would grow without end. Starting again
 * costs the stemming of the words met next, microseconds each. */
#define EXPLAIN_MAX_WORDS (1u << 17)

/* A stored article as explaining needs it. */
struct stored {
	doppel_article art;
	int64_t num, event;
	char *text, *source;
};

static void stored_free(struct stored *s)
{
	free(s->text);
	free(s->source);
}

/* The stored article id, side "a" or "b" of the explanation. */
static int read_stored(doppel_index *x, const char *id, const char *side, struct stored *s)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(doppel__store_db(x->store),
	                       "SELECT num, date, event FROM articles WHERE id = ?", -1, &st,
	                       NULL) != SQLITE_OK)
		return doppel__store_error(x->store, "reading an article", x->err);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		s->num = sqlite3_column_int64(st, 0);
		s->art.date = sqlite3_column_type(st, 1) == SQLITE_NULL
		                      ? DOPPEL_NO_DATE
		                      : (int32_t)sqlite3_column_int(st, 1);
		s->event = sqlite3_column_int64(st, 2);
	}
	int rc = DOPPEL_OK;
	if (step == SQLITE_ROW) {
		/* In the read transaction of st: the text of the same snapshot. */
		rc = doppel__store_text(x->store, s->num, &s->text, &s->art.text_len,
		                        &s->source, x->err);
		if (rc == DOPPEL_E_NOTFOUND)
			rc = DOPPEL_E_DB; /* a stored article without its text */
	} else if (step == SQLITE_DONE) {
		doppel__errf(x->err, "%s: no article %s", side, id);
		rc = DOPPEL_E_NOTFOUND;
	} else {
		rc = doppel__store_error(x->store, "reading an article", x->err);
	}
	sqlite3_finalize(st);
	s->art.id = id;
	s->art.text = s->text;
	s->art.source = s->source;
	return rc;
}

/* Replaces the measured relation of e by the one the index stores for
 * a and b, when it stores one, with its passages when it stores them. */
static int take_stored(doppel_index *x, const struct stored *a, const struct stored *b,
                       doppel_explanation *e)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(
		    doppel__store_db(x->store),
		    doppel__store_has_passages(x->store)
			    ? "SELECT a, relation, basis, a_source, jaccard,"
			      " containment, aligned, anchors, names, topic, passages"
			      " FROM relations"
			      " WHERE (a = ?1 AND b = ?2) OR (a = ?2 AND b = ?1)"
			    : "SELECT a, relation, basis, a_source, jaccard,"
			      " containment, aligned, anchors, names, topic, NULL"
			      " FROM relations"
			      " WHERE (a = ?1 AND b = ?2) OR (a = ?2 AND b = ?1)",
		    -1, &st, NULL) != SQLITE_OK)
		return doppel__store_error(x->store, "reading relations", x->err);
	int rc = DOPPEL_OK;
	sqlite3_bind_int64(st, 1, a->num);
	sqlite3_bind_int64(st, 2, b->num);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		doppel_pair *p = &e->pair;
		double fig[4];
		bool measured = false;
		for (int i = 0; i < 4; i++) {
			fig[i] = sqlite3_column_double(st, 6 + i);
			measured |= fig[i] != 0;
		}
		p->relation = (doppel_relation)sqlite3_column_int(st, 1);
		p->basis = (doppel_basis)sqlite3_column_int(st, 2);
		bool row_a = sqlite3_column_int64(st, 0) == a->num;
		bool a_source = (sqlite3_column_int(st, 3) != 0) == row_a;
		e->a_source = p->basis == DOPPEL_BASIS_NONE ? -1 : a_source;
		p->jaccard = sqlite3_column_double(st, 4);
		p->containment = sqlite3_column_double(st, 5);
		/* Those of a duplicate or copy found on shingles alone are not
		 * measured in the index: the ones measured now stay. */
		if (measured ||
		    !(p->relation == DOPPEL_REL_DUPLICATE || p->relation == DOPPEL_REL_COPY)) {
			p->aligned = fig[0];
			p->anchors = fig[1];
			p->names = fig[2];
			p->topic = fig[3];
		}
		/* As doppel_index_relations() tells it: two articles an event put
		 * together report one event. */
		if (p->relation == DOPPEL_REL_SAME_STORY && a->event && a->event == b->event)
			p->relation = DOPPEL_REL_SAME_EVENT;
		e->stored = 1;
		/* The passages it stores, a_* in the row's a (added later). */
		if (sqlite3_column_type(st, 10) == SQLITE_BLOB) {
			struct expl *ex = (struct expl *)e;
			ex->npassages = 0;
			rc = doppel__passages_unpack(sqlite3_column_blob(st, 10),
			                             (size_t)sqlite3_column_bytes(st, 10),
			                             !row_a, &ex->passages, &ex->npassages,
			                             &ex->passagecap);
			if (rc == DOPPEL_OK)
				rc = keep_passages(ex, &a->art, &b->art);
			if (rc == DOPPEL_E_FORMAT || rc == DOPPEL_E_DB) {
				doppel__errf(x->err,
				             "the passages stored for %s and %s are damaged",
				             a->art.id, b->art.id);
				rc = DOPPEL_E_DB;
			}
		}
	}
	sqlite3_finalize(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return doppel__store_error(x->store, "reading relations", x->err);
	if (rc == DOPPEL_E_NOMEM)
		doppel__errf(x->err, "out of memory");
	return rc;
}

/* The segmenter explaining uses on x: the handle's own when it has
 * loaded WordNet to add, else one over WordNet loaded once for explaining;
 * *wn the WordNet it uses. */
static int index_segmenter(doppel_index *x, doppel__segmenter **out, const doppel__wordnet **wn)
{
	if (x->segm) {
		*wn = x->wn;
		/* Adding loaded it after an explanation did: one is enough. */
		doppel__segmenter_free(x->xsegm);
		doppel__wordnet_free(x->xwn);
		x->xsegm = NULL;
		x->xwn = NULL;
		*out = x->segm;
		return DOPPEL_OK;
	}
	if (x->xsegm && doppel__segmenter_words(x->xsegm) > EXPLAIN_MAX_WORDS) {
		doppel__segmenter_free(x->xsegm);
		x->xsegm = NULL;
	}
	if (!x->xwn) {
		int rc = doppel__wordnet_load(x->p.wordnet_dir, &x->xwn, x->err);
		if (rc)
			return rc == DOPPEL_E_NOTFOUND ? DOPPEL_E_IO : rc;
		x->xloads++;
	}
	if (!x->xsegm && !(x->xsegm = doppel__segmenter_new(x->xwn, x->p.seed))) {
		doppel__errf(x->err, "out of memory");
		return DOPPEL_E_NOMEM;
	}
	*out = x->xsegm;
	*wn = x->xwn;
	return DOPPEL_OK;
}

int doppel_index_explain(doppel_index *x, const char *id_a, const char *id_b,
                         doppel_explanation **out)
{
	if (out)
		*out = NULL;
	if (!x)
		return DOPPEL_E_ARG;
	if (!id_a || !id_b || !out) {
		doppel__errf(x->err, "explain needs two article ids");
		return DOPPEL_E_ARG;
	}
	struct stored side[2] = {{.num = 0}, {.num = 0}};
	doppel__segmenter *sg = NULL;
	const doppel__wordnet *wn = NULL;
	doppel_explanation *e = NULL;
	int rc;
	if ((rc = read_stored(x, id_a, "a", &side[0])) ||
	    (rc = read_stored(x, id_b, "b", &side[1])) || (rc = index_segmenter(x, &sg, &wn)) ||
	    (rc = explain_pair(&x->p, sg, wn, &side[0].art, &side[1].art, &e, x->err)) ||
	    (rc = take_stored(x, &side[0], &side[1], e)))
		goto out;
	*out = e;
	e = NULL;
out:
	doppel_explanation_free(e);
	stored_free(&side[0]);
	stored_free(&side[1]);
	return rc;
}
