/*
 * views.c — the synonym-key and anchor views of an article, and the
 * verdict on one candidate pair beyond word shingles; shared by the scan
 * and the index so that both judge a pair the same way.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

int doppel__viewer_init(doppel__viewer *v, uint64_t seed)
{
	memset(v, 0, sizeof(*v));
	return doppel__sketcher_init(&v->set, DOPPEL__VIEW_K, 1, seed);
}

void doppel__viewer_free(doppel__viewer *v)
{
	doppel__sketcher_free(&v->set);
	doppel__tokens_free(&v->scratch);
	free(v->v);
	memset(v, 0, sizeof(*v));
}

/* Sketches a set of 64-bit values into DOPPEL__VIEW_K slots. */
static int sketch_set(doppel__viewer *w, size_t n, uint16_t *sig, uint32_t *distinct)
{
	doppel__tokens *t = &w->scratch;
	t->n = 0;
	if (doppel__grow((void **)&t->hash, &t->cap, n + 1, sizeof(*t->hash)))
		return DOPPEL_E_NOMEM;
	for (size_t i = 0; i < n; i++)
		t->hash[t->n++] = doppel__mix64(w->v[i]);
	t->fingerprint = n ? 1 : 0;
	doppel__sketch sk = {.sig = sig};
	int rc = doppel__sketch_tokens(&w->set, t, &sk);
	*distinct = sk.shingles;
	return rc;
}

int doppel__views(doppel__viewer *w, const doppel__features *f, const doppel__rarity *r,
                  uint16_t *ksig, uint32_t *nkeys, uint16_t *asig, uint32_t *nanchors)
{
	if (doppel__grow((void **)&w->v, &w->vcap, f->ntok + f->nanchor + 1, sizeof(*w->v)))
		return DOPPEL_E_NOMEM;
	size_t n = 0;
	for (size_t i = 0; i < f->ntok; i++)
		if (doppel__rarity_df(r, doppel__stem_key(f->tok[i].stem)) <=
		    DOPPEL__VIEW_MAX_DF)
			w->v[n++] = (uint64_t)f->tok[i].key | (UINT64_C(1) << 40);
	int rc = sketch_set(w, n, ksig, nkeys);
	if (rc)
		return rc;
	n = 0;
	for (size_t i = 0; i < f->nanchor; i++)
		if (doppel__rarity_df(r, f->anchor[i]) <= DOPPEL__VIEW_MAX_DF)
			w->v[n++] = f->anchor[i];
	return sketch_set(w, n, asig, nanchors);
}

/* Room in *out for the hashes of every k-gram of n items, and the
 * fingerprints (at most one a k-gram) before them; *grams: how many. */
static int gram_room(size_t n, size_t k, uint32_t **out, size_t *cap, size_t *grams)
{
	*grams = n >= k ? n - k + 1 : 0;
	return doppel__grow((void **)out, cap, 2 * *grams + 1, sizeof(**out));
}

int doppel__contain_keys(const doppel__features *f, uint32_t **out, size_t *n, size_t *cap)
{
	const size_t k = DOPPEL__CONTAIN_K;
	size_t grams;
	*n = 0;
	if (gram_room(f->ntok, k, out, cap, &grams))
		return DOPPEL_E_NOMEM;
	uint32_t *h = *out + grams;
	for (size_t i = 0; i < grams; i++) {
		uint64_t v = 0;
		for (size_t j = 0; j < k; j++)
			v = doppel__mix64(v ^ f->tok[i + j].stem);
		h[i] = (uint32_t)(v >> 32);
	}
	if (grams) {
		/* the k-grams' hashes are done with: their room is the sort's */
		size_t m = doppel__winnow(h, grams, DOPPEL__CONTAIN_W, *out);
		doppel__sort_u32_with(*out, m, h);
		*n = doppel__unique_u32(*out, m);
	}
	return DOPPEL_OK;
}

doppel__lsh *doppel__view_lsh(const doppel_params *p, double threshold, unsigned *bands)
{
	doppel_params vp = *p;
	vp.k = DOPPEL__VIEW_K;
	vp.threshold = threshold;
	unsigned b, r;
	if (doppel_params_bands(&vp, &b, &r))
		return NULL;
	*bands = b;
	return doppel__lsh_new(DOPPEL__VIEW_K, b, r);
}

bool doppel__views_close(const uint16_t *ka, uint32_t nka, const uint16_t *aa, uint32_t naa,
                         const uint16_t *kb, uint32_t nkb, const uint16_t *ab, uint32_t nab)
{
	double jk, ja, unused;
	doppel__compare(ka, nka, kb, nkb, DOPPEL__VIEW_K, &jk, &unused);
	doppel__compare(aa, naa, ab, nab, DOPPEL__VIEW_K, &ja, &unused);
	return ja >= DOPPEL__ANCHORS_MIN || jk >= DOPPEL__KEYS_MIN;
}

/* Rare names an updated report shares with the one it updates, at the
 * least (with most of its figures: doppel__updated). Measured on the
 * Reuters development corpus: of the 1,187 templated pairs of originals
 * the engine had called duplicate or copy, 94 (8%) share two names in at
 * most DOPPEL__SPECIFIC_DF articles (mostly two items of one company the
 * same day); on ECB+, versions of one report that update a toll share
 * place and person names. */
#define UPDATE_SPECIFIC 2

int doppel__judge(const doppel_params *p, const doppel__prepared *a, size_t nsent_a,
                  const doppel__prepared *b, size_t nsent_b, double jaccard, double containment,
                  bool same_fingerprint, uint32_t apart, const doppel__against *against,
                  doppel__evidence *ev, doppel_relation *rel)
{
	*rel = DOPPEL_REL_NONE;
	double min_topic =
		(p->relations & DOPPEL_FIND_REWRITE) ? DOPPEL__REWRITE_MIN_TOPIC : 2.0;
	if (doppel__compare_prepared(a, b, p->sentence_min, min_topic, ev, NULL))
		return DOPPEL_E_NOMEM;
	if (against && against->keys >= 0) {
		ev->keys = against->keys;
		ev->specific = (int)against->specific;
		ev->figures = (int)against->figures;
	}
	/* Word shingles first: a pair met through a view may still be a
	 * copy. */
	doppel_relation r = doppel__classify(p, jaccard, containment, same_fingerprint);
	if (!(p->relations & (1u << r)))
		r = DOPPEL_REL_NONE;
	if (r == DOPPEL_REL_NONE)
		r = doppel__classify_evidence(p, ev, nsent_a, nsent_b, apart);
	/* Words in common with facts that are not: two reports of one
	 * template, which are no more one event or story than they are
	 * copies. Reports that share less text may differ in a figure and
	 * still tell one event. */
	bool verbatim = same_fingerprint || containment >= p->copy_containment ||
	                jaccard >= p->duplicate_jaccard;
	if ((verbatim || r == DOPPEL_REL_REWRITE) && doppel__templated(against, verbatim)) {
		/* A report sent again with a figure updated or corrected keeps
		 * the rare names of its happening; a templated report of another
		 * day or company shares only the names of its beat, or none. */
		if ((p->relations & DOPPEL_FIND_SAME_EVENT) && apart <= p->event_days &&
		    against->specific >= UPDATE_SPECIFIC && doppel__updated(against))
			*rel = DOPPEL_REL_SAME_EVENT;
		return DOPPEL_OK;
	}
	/* Headlines that each name a subject the other article never names
	 * (against->subjects) tell two happenings of one beat, not one event
	 * or story: two issuers' notes sold the same day, two companies'
	 * ratings cut. Measured (`make eval-real`, bench/RESULTS.md): on
	 * Reuters, 425 same-event and same-story relations between originals
	 * fewer, and of 25 of them read at random 24 joined other companies'
	 * reports of one template or beat (one was two steps of Italy's
	 * government crisis); the labelled pairs lose one wrong same-story
	 * (two oil companies' jet-fuel contracts) and no right relation;
	 * ECB+ (no headlines), PAN and the spun copies do not move. */
	if ((r == DOPPEL_REL_SAME_EVENT || r == DOPPEL_REL_SAME_STORY) && against &&
	    against->subjects)
		return DOPPEL_OK;
	*rel = r;
	return DOPPEL_OK;
}
