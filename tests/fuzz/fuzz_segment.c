/*
 * fuzz_segment.c — segmentation with WordNet's synonym classes, rarity
 * weights, preparation, the view sketches and the comparison of two
 * articles, on any bytes (repaired to UTF-8, as the reader would). The
 * first byte says where the rest splits into articles a and b; and the
 * facts of each, compared. Sentences and spans lie inside their text,
 * anchors are sorted and distinct, aligned sentence pairs go forward in
 * both texts, every figure is a share in [0, 1], topic, anchors and names
 * do not depend on which article comes first, facts lie inside their
 * text, and their conflict is a share.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Loaded once: some 40 MB that every input shares, read-only. */
static doppel__wordnet *wn;
static doppel__segmenter *sg;
static doppel__viewer viewer;

/* WordNet and the view sketcher, once for every input. */
static void setup(void)
{
	char err[DOPPEL__ERRLEN];
	if (doppel__wordnet_load(NULL, &wn, err) != DOPPEL_OK) {
		fprintf(stderr, "fuzz_segment: %s\n", err);
		abort();
	}
	if (doppel__viewer_init(&viewer, 0) != DOPPEL_OK)
		abort();
}

/* Sentences, spans and anchors are where and what they should be. */
static void check_features(const doppel__features *f, size_t len)
{
	for (size_t i = 0; i < f->nsent; i++) {
		const doppel__sent *s = &f->sent[i];
		if ((size_t)s->start + s->len > len || (size_t)s->tok + s->ntok > f->ntok)
			abort();
	}
	for (size_t i = 0; i < f->nspan; i++)
		if ((size_t)f->span[i].start + f->span[i].len > len)
			abort();
	for (size_t i = 1; i < f->nanchor; i++)
		if (f->anchor[i - 1] >= f->anchor[i])
			abort();
}

/* A share: finite, in [0, 1] (with rounding). */
static bool share(double x)
{
	return isfinite(x) && x >= 0.0 && x <= 1.0 + 1e-6;
}

/* Every figure of a comparison is a share. */
static void check_evidence(const doppel__evidence *ev)
{
	if (!share(ev->aligned) || !share(ev->anchors) || !share(ev->names) ||
	    !share(ev->topic) || !isfinite(ev->strength))
		abort();
}

/* The pairs of an alignment go forward in both articles. */
static void check_pairs(const doppel__pairing *p, size_t n, size_t na, size_t nb)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i].a >= na || p[i].b >= nb)
			abort();
		if (i && (p[i].a <= p[i - 1].a || p[i].b <= p[i - 1].b))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (!wn)
		setup();
	/* The word cache grows with every new word: start again now and then,
	 * as doppel_index_explain() does. */
	if (sg && doppel__segmenter_words(sg) > (1u << 16)) {
		doppel__segmenter_free(sg);
		sg = NULL;
	}
	if (!sg && !(sg = doppel__segmenter_new(wn, 0)))
		return 0;

	size_t n = size - 1, ka = n * data[0] / 255;
	const char *raw[2] = {(const char *)data + 1, (const char *)data + 1 + ka};
	size_t rawlen[2] = {ka, n - ka};
	char *text[2] = {NULL, NULL};
	size_t len[2];
	doppel__features f[2];
	doppel__prepared p[2];
	memset(f, 0, sizeof(f));
	memset(p, 0, sizeof(p));
	doppel__rarity r = {0};
	doppel__pairing *pairs = NULL;
	for (int i = 0; i < 2; i++) {
		if (!(text[i] = malloc(3 * rawlen[i] + 1)))
			goto out;
		len[i] = doppel__utf8_repair(raw[i], rawlen[i], text[i]);
		f[i].want_spans = true;
		if (doppel__segment(sg, text[i], len[i], 0, NULL, &f[i]) != DOPPEL_OK)
			goto out;
		check_features(&f[i], len[i]);
		if (doppel__rarity_add(&r, &f[i]) != DOPPEL_OK)
			goto out;
	}
	for (int i = 0; i < 2; i++) {
		uint16_t ksig[DOPPEL__VIEW_K], asig[DOPPEL__VIEW_K];
		uint32_t nkeys = 0, nanchors = 0;
		if (doppel__prepare(&f[i], &r, &p[i]) != DOPPEL_OK ||
		    doppel__views(&viewer, &f[i], &r, ksig, &nkeys, asig, &nanchors) !=
		            DOPPEL_OK)
			goto out;
		if (!isfinite(p[i].tnorm) || p[i].nsent != f[i].nsent)
			abort();
	}
	size_t most = f[0].nsent < f[1].nsent ? f[0].nsent : f[1].nsent;
	pairs = calloc(most + 1, sizeof(*pairs));
	doppel__evidence ab, ba;
	if (!pairs ||
	    doppel__compare_prepared(&p[0], &p[1], 0.35, 0.0, &ab, pairs) != DOPPEL_OK ||
	    doppel__compare_prepared(&p[1], &p[0], 0.35, 0.0, &ba, NULL) != DOPPEL_OK)
		goto out;
	check_evidence(&ab);
	check_evidence(&ba);
	if (ab.naligned > most)
		abort();
	check_pairs(pairs, ab.naligned, f[0].nsent, f[1].nsent);
	if (fabs(ab.topic - ba.topic) > 1e-6 || fabs(ab.anchors - ba.anchors) > 1e-6 ||
	    fabs(ab.names - ba.names) > 1e-6)
		abort();

	doppel_params params;
	doppel_params_init(&params);
	doppel__evidence ev;
	doppel_relation rel = DOPPEL_REL_NONE;
	if (doppel__judge(&params, &p[0], f[0].nsent, &p[1], f[1].nsent, 0.0, 0.0, false, 1, NULL,
	                  &ev, &rel) == DOPPEL_OK &&
	    (rel < DOPPEL_REL_NONE || rel > DOPPEL_REL_EXCERPT))
		abort();
	/* Facts, read by a segmentation of their own, and compared. */
	doppel__features ff[2];
	doppel__facts fx[2];
	memset(ff, 0, sizeof(ff));
	memset(fx, 0, sizeof(fx));
	bool facts = true;
	for (int i = 0; i < 2 && facts; i++) {
		facts = doppel__facts_extract(sg, text[i], len[i], 0, NULL, &ff[i], &fx[i]) ==
		        DOPPEL_OK;
		for (size_t k = 0; facts && k < fx[i].nfact; k++)
			if (fx[i].fact[k].start > fx[i].fact[k].end || fx[i].fact[k].end > len[i])
				abort();
	}
	if (facts) {
		doppel__conflict c;
		double share = doppel__facts_conflict(&fx[0], &fx[1], &c);
		if (!(share >= 0.0 && share <= 1.0))
			abort();
	}
	for (int i = 0; i < 2; i++) {
		doppel__facts_free(&fx[i]);
		doppel__features_free(&ff[i]);
	}
out:
	free(pairs);
	for (int i = 0; i < 2; i++) {
		doppel__prepared_free(&p[i]);
		doppel__features_free(&f[i]);
		free(text[i]);
	}
	doppel__rarity_free(&r);
	return 0;
}
