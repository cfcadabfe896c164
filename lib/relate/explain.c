/*
 * explain.c — why two articles are related: the same measurements as a
 * scan, kept in a form a person can read: aligned sentences side by side,
 * the facts both carry, and what each has that the other lacks; for two
 * stored articles, through the index handle, which keeps WordNet loaded
 * and knows the relation the index stores for them.
 */
#include "index.h"

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

/* One side's measurements. */
struct side {
	const doppel_article *art;
	doppel__tokens tokens;
	uint16_t *sig;
	doppel__sketch sk;
	doppel__features feat;
	doppel__prepared prep;
};

static void side_free(struct side *s)
{
	doppel__tokens_free(&s->tokens);
	free(s->sig);
	doppel__features_free(&s->feat);
	doppel__prepared_free(&s->prep);
}

static const char *kind_name(unsigned kind)
{
	switch (kind) {
	case DOPPEL__ANCHOR_NAME:
		return "name";
	case DOPPEL__ANCHOR_NUMBER:
		return "number";
	case DOPPEL__ANCHOR_QUOTE:
		return "quote";
	default:
		return "date";
	}
}

static int cmp_span_start(const void *pa, const void *pb)
{
	const struct doppel__span *a = pa, *b = pb;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a->len < b->len ? 1 : a->len > b->len ? -1 : 0;
}

/*
 * Facts of side s whose anchors are (in_other true) or are not (false) in
 * the other side's anchors, as written in s: overlapping spans (the
 * four-word runs of one quote) merge into one fact.
 */
static int collect_facts(struct expl *x, const struct side *s, const struct side *o,
                         bool in_other, doppel_fact **out, size_t *nout)
{
	const doppel__features *f = &s->feat;
	struct doppel__span *sel = doppel__alloc_array(f->nspan + 1, sizeof(*sel));
	if (!sel)
		return DOPPEL_E_NOMEM;
	size_t n = 0;
	for (size_t i = 0; i < f->nspan; i++) {
		bool there = o->feat.nanchor &&
		             bsearch(&f->span[i].anchor, o->feat.anchor, o->feat.nanchor,
		                     sizeof(*o->feat.anchor), doppel__cmp_u64);
		if (there == in_other)
			sel[n++] = f->span[i];
	}
	qsort(sel, n, sizeof(*sel), cmp_span_start);
	*out = calloc(n + 1, sizeof(**out));
	*nout = 0;
	if (!*out) {
		free(sel);
		return DOPPEL_E_NOMEM;
	}
	for (size_t i = 0; i < n;) {
		uint32_t start = sel[i].start, end = sel[i].start + sel[i].len;
		unsigned kind = DOPPEL__ANCHOR_KIND(sel[i].anchor);
		size_t j = i + 1;
		while (j < n && sel[j].start < end) {
			if (sel[j].start + sel[j].len > end)
				end = sel[j].start + sel[j].len;
			j++;
		}
		/* The same name or number said twice is one fact. */
		const char *t = s->art->text + start;
		bool seen = false;
		for (size_t k = 0; k < *nout && !seen; k++)
			seen = strlen((*out)[k].text) == end - start &&
			       memcmp((*out)[k].text, t, end - start) == 0;
		if (!seen) {
			const char *copy = own(x, s->art->text, start, end - start);
			if (!copy) {
				free(sel);
				return DOPPEL_E_NOMEM;
			}
			(*out)[(*nout)++] = (doppel_fact){kind_name(kind), copy};
		}
		i = j;
	}
	free(sel);
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

/*
 * The explanation of a and b measured with segmenter sg (over WordNet);
 * p is checked. A message in err (DOPPEL__ERRLEN) on failure.
 */
static int explain_pair(const doppel_params *p, doppel__segmenter *sg, const doppel_article *a,
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
	for (int i = 0; i < 2; i++) {
		struct side *s = &side[i];
		uint64_t src = doppel__source_key(s->art->source, p->seed);
		if (!(s->sig = doppel__alloc_array(p->k, sizeof(*s->sig))))
			goto nomem;
		s->sk.sig = s->sig;
		s->feat.want_spans = true;
		if ((rc = doppel__normalize(s->art->text, s->art->text_len, src, NULL, p->seed,
		                            &s->tokens)) ||
		    (rc = doppel__sketch_tokens(&sketcher, &s->tokens, &s->sk)) ||
		    (rc = doppel__segment(sg, s->art->text, s->art->text_len, src, NULL,
		                          &s->feat)) ||
		    (rc = doppel__rarity_add(&rar, &s->feat)))
			goto fail;
	}
	for (int i = 0; i < 2; i++)
		if (doppel__prepare(&side[i].feat, &rar, &side[i].prep))
			goto nomem;

	size_t maxpairs = side[0].feat.nsent < side[1].feat.nsent ? side[0].feat.nsent
	                                                          : side[1].feat.nsent;
	pairs = doppel__alloc_array(maxpairs + 1, sizeof(*pairs));
	if (!pairs)
		goto nomem;
	doppel__evidence ev;
	if ((rc = doppel__compare_prepared(&side[0].prep, &side[1].prep, p->sentence_min, 0.0,
	                                   &ev, pairs)))
		goto fail;
	double j = 0, c = 0;
	bool same = side[0].sk.fingerprint && side[0].sk.fingerprint == side[1].sk.fingerprint;
	if (side[0].sk.fingerprint && side[1].sk.fingerprint)
		doppel__compare(side[0].sig, side[0].sk.shingles, side[1].sig,
		                side[1].sk.shingles, p->k, &j, &c);
	if (same)
		j = c = 1.0;
	doppel_relation rel = doppel__classify(p, j, c, same);
	if (!(p->relations & (1u << rel)))
		rel = DOPPEL_REL_NONE;
	if (rel == DOPPEL_REL_NONE)
		rel = doppel__classify_evidence(p, &ev, side[0].feat.nsent, side[1].feat.nsent,
		                                doppel__days_apart(a->date, b->date));

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
	e->a_source = -1;
	if (rel == DOPPEL_REL_DUPLICATE || rel == DOPPEL_REL_COPY ||
	    rel == DOPPEL_REL_REWRITE) {
		bool a_source;
		e->pair.basis = doppel__derivation_basis(
			rel, a->date, b->date, side[0].feat.boilerplate,
			side[1].feat.boilerplate, side[0].sk.words, side[1].sk.words,
			&a_source);
		if (e->pair.basis != DOPPEL_BASIS_NONE)
			e->a_source = a_source;
	}
	x->aligned = calloc(ev.naligned + 1, sizeof(*x->aligned));
	if (!x->aligned)
		goto nomem;
	for (size_t k = 0; k < ev.naligned; k++) {
		const doppel__sent *sa = &side[0].feat.sent[pairs[k].a];
		const doppel__sent *sb = &side[1].feat.sent[pairs[k].b];
		const char *ta = own(x, a->text, sa->start, sa->len);
		const char *tb = own(x, b->text, sb->start, sb->len);
		if (!ta || !tb)
			goto nomem;
		x->aligned[k] = (doppel_aligned){ta, tb, pairs[k].score};
	}
	e->naligned = ev.naligned;
	e->aligned = x->aligned;
	if ((rc = unaligned(x, &side[0], pairs, ev.naligned, 0, &x->only_a, &e->nonly_a)) ||
	    (rc = unaligned(x, &side[1], pairs, ev.naligned, 1, &x->only_b, &e->nonly_b)) ||
	    (rc = collect_facts(x, &side[0], &side[1], true, &x->shared, &e->nshared)) ||
	    (rc = collect_facts(x, &side[0], &side[1], false, &x->facts_a, &e->nfacts_a)) ||
	    (rc = collect_facts(x, &side[1], &side[0], false, &x->facts_b, &e->nfacts_b)))
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
		rc = explain_pair(p, sg, a, b, out, err);
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
 * a and b, when it stores one. */
static int take_stored(doppel_index *x, const struct stored *a, const struct stored *b,
                       doppel_explanation *e)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(doppel__store_db(x->store),
	                       "SELECT a, relation, basis, a_source, jaccard, containment,"
	                       " aligned, anchors, names, topic FROM relations"
	                       " WHERE (a = ?1 AND b = ?2) OR (a = ?2 AND b = ?1)",
	                       -1, &st, NULL) != SQLITE_OK)
		return doppel__store_error(x->store, "reading relations", x->err);
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
	}
	sqlite3_finalize(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return doppel__store_error(x->store, "reading relations", x->err);
	return DOPPEL_OK;
}

/* The segmenter explaining uses on x: the handle's own when it has
 * loaded WordNet to add, else one over WordNet loaded once for explaining. */
static int index_segmenter(doppel_index *x, doppel__segmenter **out)
{
	if (x->segm) {
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
	doppel_explanation *e = NULL;
	int rc;
	if ((rc = read_stored(x, id_a, "a", &side[0])) ||
	    (rc = read_stored(x, id_b, "b", &side[1])) || (rc = index_segmenter(x, &sg)) ||
	    (rc = explain_pair(&x->p, sg, &side[0].art, &side[1].art, &e, x->err)) ||
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
