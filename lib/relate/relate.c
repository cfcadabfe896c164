/*
 * relate.c — the evidence between two articles beyond shared shingles:
 * which sentences align in order (rewrites), which names, numbers, quotes
 * and dates they share (same event), which actors and topic (same story).
 *
 * Words and anchors are weighted by rarity in the articles seen, so that
 * "said" or the current year count for little and a surname or a quote
 * for much.
 */
#include "internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Small corpora lean on a flat prior: with N articles, the corpus idf
 * counts N / (N + PRIOR_DOCS) of the weight. */
#define PRIOR_DOCS 20.0
#define PRIOR_WEIGHT 2.0

/* Anchor kinds do not weigh the same: a shared quote says more than a
 * shared date. */
static double kind_factor(unsigned kind)
{
	switch (kind) {
	case DOPPEL__ANCHOR_QUOTE:
		return 1.5;
	case DOPPEL__ANCHOR_DATE:
		return 0.5;
	default:
		return 1.0;
	}
}

/* ---------------------------------------------------------------- sorting */

/* A key with its weight, and the document frequency the weight was
 * made from (doppel__prepare). */
struct kw {
	uint32_t key;
	float w;
	uint32_t df;
};

/* Below this many items insertion sorts faster than radix passes. */
#define SORT_SMALL 24

/*
 * Sorts n items by key, keeping the order of equal keys: dot() pairs
 * repeated keys in that order, and sums of squares add in it. tmp has
 * room for n items. Insertion for a few, else LSD radix by bytes (each
 * pass stable); a pass whose byte is the same in every key is skipped.
 */
static void sort_kw(struct kw *a, struct kw *tmp, size_t n)
{
	if (n <= SORT_SMALL) {
		for (size_t i = 1; i < n; i++) {
			struct kw x = a[i];
			size_t j = i;
			for (; j > 0 && a[j - 1].key > x.key; j--)
				a[j] = a[j - 1];
			a[j] = x;
		}
		return;
	}
	size_t count[4][256] = {{0}};
	for (size_t i = 0; i < n; i++)
		for (unsigned d = 0; d < 4; d++)
			count[d][(a[i].key >> (8 * d)) & 0xff]++;
	struct kw *src = a, *dst = tmp;
	for (unsigned d = 0; d < 4; d++) {
		size_t *c = count[d];
		if (c[(a[0].key >> (8 * d)) & 0xff] == n)
			continue;
		size_t at = 0;
		for (unsigned b = 0; b < 256; b++) {
			size_t m = c[b];
			c[b] = at;
			at += m;
		}
		for (size_t i = 0; i < n; i++)
			dst[c[(src[i].key >> (8 * d)) & 0xff]++] = src[i];
		struct kw *t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof(*a));
}

/* The topic of p: its n keys (all sentences') with their weights, sorted
 * by key, stably, into tkeys and tweights, and their norm; tmp and scratch
 * have room for n each. */
static void topic_vector(doppel__prepared *p, size_t n, struct kw *tmp, struct kw *scratch)
{
	for (size_t i = 0; i < n; i++)
		tmp[i] = (struct kw){p->keys[i], p->weights[i], 0};
	sort_kw(tmp, scratch, n);
	double sq = 0;
	for (size_t i = 0; i < n; i++) {
		p->tkeys[i] = tmp[i].key;
		p->tweights[i] = tmp[i].w;
		sq += (double)tmp[i].w * tmp[i].w;
	}
	p->tnorm = sqrt(sq);
}

/* --------------------------------------------------------------- rarity */

/* A key's shard is the top bits of its hash (internal.h), so that the
 * keys of one part (the top DOPPEL__RARITY_PART_BITS bits) lie in one run
 * of shards; its home in the shard, the low bits. */
_Static_assert(DOPPEL__SHARD_BITS >= DOPPEL__RARITY_PART_BITS, "a part is a run of shards");
#define PART_SHARDS (DOPPEL__SHARDS / DOPPEL__RARITY_PARTS)

static bool rslot_hash(const void *slot, uint64_t *h)
{
	const struct doppel__rslot *s = slot;
	const uint64_t key = doppel__rslot_key(s);
	*h = doppel__mix64(key);
	return key != 0;
}

/* The slot of key (hash h) in shard s, which has slots: its own or the
 * free one where it goes. */
static struct doppel__rslot *rarity_find(const doppel__shard *s, uint64_t h, uint64_t key)
{
	struct doppel__rslot *slot = s->slot;
	size_t i = (size_t)h & s->mask;
	uint64_t k;
	while ((k = doppel__rslot_key(&slot[i])) != 0 && k != key)
		i = (i + 1) & s->mask;
	return &slot[i];
}

static int rarity_shards(doppel__rarity *r)
{
	if (!r->shard && !(r->shard = calloc(DOPPEL__SHARDS, sizeof(*r->shard))))
		return DOPPEL_E_NOMEM;
	return DOPPEL_OK;
}

int doppel__rarity_reserve(doppel__rarity *r, size_t want)
{
	if (!want)
		return DOPPEL_OK;
	if (rarity_shards(r))
		return DOPPEL_E_NOMEM;
	/* a shard's share, and some: shards fill a little apart */
	size_t each = want / DOPPEL__SHARDS;
	each += each / 8 + 8;
	for (size_t i = 0; i < DOPPEL__SHARDS; i++)
		if (doppel__shard_reserve_n(&r->shard[i], sizeof(struct doppel__rslot),
		                            rslot_hash, each))
			return DOPPEL_E_NOMEM;
	return DOPPEL_OK;
}

static int rarity_bump(doppel__rarity *r, uint64_t key)
{
	if (key == 0)
		key = 1;
	if (rarity_shards(r))
		return DOPPEL_E_NOMEM;
	const uint64_t h = doppel__mix64(key);
	doppel__shard *s = &r->shard[doppel__shard64(h)];
	if (doppel__shard_reserve(s, sizeof(struct doppel__rslot), rslot_hash))
		return DOPPEL_E_NOMEM;
	struct doppel__rslot *slot = rarity_find(s, h, key);
	if (!doppel__rslot_key(slot)) {
		slot->klo = (uint32_t)key;
		slot->khi = (uint32_t)(key >> 32);
		s->used++;
		r->used++;
	}
	slot->df++;
	return DOPPEL_OK;
}

/* How many keys ahead doppel__rarity_add() fetches a slot. */
#define RARITY_AHEAD 8

/* A hint that the home slot of key is read soon. */
#define RARITY_PREFETCH(r, key)                                                                \
	do {                                                                                   \
		const uint64_t h_ = doppel__mix64((key) ? (key) : 1);                          \
		const doppel__shard *s_ =                                                      \
			(r)->shard ? &(r)->shard[doppel__shard64(h_)] : NULL;                  \
		if (s_ && s_->slot)                                                            \
			DOPPEL__PREFETCH((const struct doppel__rslot *)s_->slot +              \
			                 (h_ & s_->mask));                                     \
	} while (0)

int doppel__rarity_add(doppel__rarity *r, const doppel__features *f)
{
	/* Distinct stems, counted in ascending order: the table's layout, and
	 * so the saved blob, depends on the order of insertion. */
	uint32_t *d = doppel__alloc_array(2 * f->ntok + 1, sizeof(*d));
	if (!d)
		return DOPPEL_E_NOMEM;
	for (size_t i = 0; i < f->ntok; i++)
		d[i] = f->tok[i].stem;
	doppel__sort_u32_with(d, f->ntok, d + f->ntok);
	const size_t nd = doppel__unique_u32(d, f->ntok);
	/* Every key lands on a slot of its own, in a table larger than the
	 * caches: the slots of the next keys are fetched while one is counted. */
	int rc = DOPPEL_OK;
	for (size_t i = 0; i < nd && rc == DOPPEL_OK; i++) {
		if (i + RARITY_AHEAD < nd)
			RARITY_PREFETCH(r, doppel__stem_key(d[i + RARITY_AHEAD]));
		rc = rarity_bump(r, doppel__stem_key(d[i]));
	}
	free(d);
	for (size_t i = 0; i < f->nanchor && rc == DOPPEL_OK; i++) {
		if (i + RARITY_AHEAD < f->nanchor)
			RARITY_PREFETCH(r, f->anchor[i + RARITY_AHEAD]);
		rc = rarity_bump(r, f->anchor[i]);
	}
	if (rc == DOPPEL_OK)
		r->docs++;
	return rc;
}

int doppel__rarity_count(doppel__rarity *r, const uint64_t *keys, size_t n)
{
	int rc = DOPPEL_OK;
	for (size_t i = 0; i < n && rc == DOPPEL_OK; i++)
		rc = rarity_bump(r, keys[i]);
	return rc;
}

int doppel__rarity_save_part(const doppel__rarity *r, unsigned part, uint64_t seq,
                             uint8_t **blob, size_t *len)
{
	/* The part's keys are those of its run of shards. */
	const doppel__shard *sh = r->shard ? r->shard + (size_t)part * PART_SHARDS : NULL;
	size_t count = 0;
	for (size_t k = 0; sh && k < PART_SHARDS; k++)
		count += sh[k].used;
	uint8_t *b = malloc(12 + count * 12);
	if (!b)
		return DOPPEL_E_NOMEM;
	doppel__put_le(b, r->docs, 4);
	doppel__put_le(b + 4, seq, 8);
	size_t w = 12;
	for (size_t k = 0; sh && k < PART_SHARDS; k++) {
		const struct doppel__rslot *slot = sh[k].slot;
		for (size_t i = 0; slot && i <= sh[k].mask; i++) {
			const uint64_t key = doppel__rslot_key(&slot[i]);
			if (!key)
				continue;
			doppel__put_le(b + w, key, 8);
			doppel__put_le(b + w + 8, slot[i].df, 4);
			w += 12;
		}
	}
	*blob = b;
	*len = w;
	return DOPPEL_OK;
}

void doppel__rarity_each(const doppel__rarity *r,
                         void (*fn)(void *ctx, uint64_t key, uint32_t df), void *ctx)
{
	for (size_t k = 0; r->shard && k < DOPPEL__SHARDS; k++) {
		const struct doppel__rslot *slot = r->shard[k].slot;
		for (size_t i = 0; slot && i <= r->shard[k].mask; i++) {
			const uint64_t key = doppel__rslot_key(&slot[i]);
			if (key)
				fn(ctx, key, slot[i].df);
		}
	}
}

/* Sets the counts of the pairs of a blob from byte `at` on. */
static int set_counts(doppel__rarity *r, const uint8_t *blob, size_t len, size_t at)
{
	for (size_t w = at; w + 12 <= len; w += 12) {
		uint64_t key = doppel__get_le(blob + w, 8);
		if (rarity_bump(r, key))
			return DOPPEL_E_NOMEM;
		const uint64_t k = key ? key : 1, h = doppel__mix64(k);
		rarity_find(&r->shard[doppel__shard64(h)], h, k)->df =
			(uint32_t)doppel__get_le(blob + w + 8, 4);
	}
	return DOPPEL_OK;
}

int doppel__rarity_load_part(doppel__rarity *r, const uint8_t *blob, size_t len, uint64_t *seq,
                             uint32_t *docs)
{
	if (len < 12 || len % 12)
		return DOPPEL_E_FORMAT;
	*docs = (uint32_t)doppel__get_le(blob, 4);
	*seq = doppel__get_le(blob + 4, 8);
	return set_counts(r, blob, len, 12);
}

int doppel__rarity_load(doppel__rarity *r, const uint8_t *blob, size_t len)
{
	if (len < 4 || (len - 4) % 12)
		return DOPPEL_OK; /* a damaged blob: counting starts again */
	int rc = set_counts(r, blob, len, 4);
	if (rc == DOPPEL_OK)
		r->docs = (uint32_t)doppel__get_le(blob, 4);
	return rc;
}

void doppel__rarity_free(doppel__rarity *r)
{
	doppel__shards_clear(r->shard, r->shard ? DOPPEL__SHARDS : 0);
	free(r->shard);
	memset(r, 0, sizeof(*r));
}

uint32_t doppel__rarity_df(const doppel__rarity *r, uint64_t key)
{
	if (!r || !r->shard)
		return 0;
	const uint64_t k = key ? key : 1, h = doppel__mix64(k);
	const doppel__shard *s = &r->shard[doppel__shard64(h)];
	if (!s->slot)
		return 0;
	const struct doppel__rslot *slot = rarity_find(s, h, k);
	return doppel__rslot_key(slot) ? slot->df : 0;
}

/* The weight of a key df of docs articles have: what
 * doppel__rarity_weight() gives, and what counts stored with a prepared
 * article give again (doppel__prepared_set_counts). */
static double weight_of(uint32_t docs, uint32_t df)
{
	double n = docs;
	double idf = log((n + 1.0) / ((double)df + 0.5));
	if (idf < 0)
		idf = 0;
	return (n * idf + PRIOR_DOCS * PRIOR_WEIGHT) / (n + PRIOR_DOCS);
}

double doppel__rarity_weight(const doppel__rarity *r, uint64_t key)
{
	return weight_of(r ? r->docs : 0, doppel__rarity_df(r, key));
}

/* ------------------------------------------------------------- prepared */

void doppel__prepared_free(doppel__prepared *p)
{
	free(p->keys);
	free(p->weights);
	free(p->sstart);
	free(p->snorm);
	free(p->aweight);
	free(p->tkeys);
	free(p->tweights);
	free(p->counts);
	memset(p, 0, sizeof(*p));
}

void doppel__prepared_drop_counts(doppel__prepared *p)
{
	free(p->counts);
	p->counts = NULL;
	p->ncounts = 0;
}

/* Weights of the stems of one article, each looked up (and its logarithm
 * taken) once however often the stem recurs: open addressing on the stem,
 * which is at most 31 bits, so that an all-ones slot is free. */
struct stem_weights {
	struct kw *slot;
	size_t mask;
};

#define STEM_FREE UINT32_MAX

static int stem_weights_init(struct stem_weights *sw, size_t ntok)
{
	size_t n = 16;
	while (n < 2 * ntok)
		n *= 2;
	sw->slot = doppel__alloc_array(n, sizeof(*sw->slot));
	if (!sw->slot)
		return DOPPEL_E_NOMEM;
	for (size_t i = 0; i < n; i++)
		sw->slot[i].key = STEM_FREE;
	sw->mask = n - 1;
	return DOPPEL_OK;
}

/* The weight of stem (and in *df the count it was made from). */
static float stem_weight(struct stem_weights *sw, const doppel__rarity *r, uint32_t stem,
                         uint32_t *df)
{
	const uint32_t docs = r ? r->docs : 0;
	if (stem == STEM_FREE) {
		*df = doppel__rarity_df(r, doppel__stem_key(stem));
		return (float)weight_of(docs, *df);
	}
	size_t i = doppel__mix32(stem) & sw->mask;
	while (sw->slot[i].key != stem) {
		if (sw->slot[i].key == STEM_FREE) {
			sw->slot[i].key = stem;
			sw->slot[i].df = doppel__rarity_df(r, doppel__stem_key(stem));
			sw->slot[i].w = (float)weight_of(docs, sw->slot[i].df);
			break;
		}
		i = (i + 1) & sw->mask;
	}
	*df = sw->slot[i].df;
	return sw->slot[i].w;
}

/* Appends v to out as a varint (seven bits a byte, low first). */
static uint8_t *put_varint(uint8_t *out, uint64_t v)
{
	while (v >= 0x80) {
		*out++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*out++ = (uint8_t)v;
	return out;
}

/* A varint of [*at, end) into *v, moving *at past it; false when cut short
 * or over 32 bits. */
static bool get_varint32(const uint8_t **at, const uint8_t *end, uint32_t *v)
{
	uint64_t x = 0;
	for (unsigned shift = 0; *at < end && shift < 35; shift += 7) {
		uint8_t b = *(*at)++;
		x |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = (uint32_t)x;
			return x <= UINT32_MAX;
		}
	}
	return false;
}

int doppel__prepare(const doppel__features *f, const doppel__rarity *r, doppel__prepared *p)
{
	memset(p, 0, sizeof(*p));
	/* the counts: docs, then a df a key and an anchor, 5 bytes at most each */
	p->counts = doppel__alloc_array(5 * ((size_t)f->ntok + f->nanchor + 1), 1);
	p->nsent = f->nsent;
	p->keys = doppel__alloc_array(f->ntok + 1, sizeof(*p->keys));
	p->weights = doppel__alloc_array(f->ntok + 1, sizeof(*p->weights));
	p->sstart = doppel__alloc_array(f->nsent + 1, sizeof(*p->sstart));
	p->snorm = doppel__alloc_array(f->nsent + 1, sizeof(*p->snorm));
	p->aweight = doppel__alloc_array(f->nanchor + 1, sizeof(*p->aweight));
	/* the items being sorted, then room for the sort */
	struct kw *tmp = doppel__alloc_array(2 * f->ntok + 1, sizeof(*tmp));
	struct stem_weights sw = {0};
	if (!p->keys || !p->weights || !p->sstart || !p->snorm || !p->aweight || !tmp ||
	    !p->counts || stem_weights_init(&sw, f->ntok)) {
		free(tmp);
		doppel__prepared_free(p);
		return DOPPEL_E_NOMEM;
	}
	struct kw *scratch = tmp + f->ntok;
	uint8_t *c = put_varint(p->counts, r ? r->docs : 0);
	size_t at = 0;
	for (size_t s = 0; s < f->nsent; s++) {
		const doppel__sent *se = &f->sent[s];
		for (uint32_t t = 0; t < se->ntok; t++) {
			const doppel__ftok *tk = &f->tok[se->tok + t];
			tmp[t].key = tk->key;
			tmp[t].w = stem_weight(&sw, r, tk->stem, &tmp[t].df);
		}
		sort_kw(tmp, scratch, se->ntok);
		p->sstart[s] = (uint32_t)at;
		double sq = 0;
		for (uint32_t t = 0; t < se->ntok; t++) {
			p->keys[at] = tmp[t].key;
			p->weights[at++] = tmp[t].w;
			c = put_varint(c, tmp[t].df);
			sq += (double)tmp[t].w * tmp[t].w;
		}
		p->snorm[s] = (float)sqrt(sq);
	}
	free(sw.slot);
	p->sstart[f->nsent] = (uint32_t)at;
	/* The whole article's keys, sorted once: the topic cosine of every
	 * comparison is then a merge. */
	p->tkeys = doppel__alloc_array(at + 1, sizeof(*p->tkeys));
	p->tweights = doppel__alloc_array(at + 1, sizeof(*p->tweights));
	if (!p->tkeys || !p->tweights) {
		free(tmp);
		doppel__prepared_free(p);
		return DOPPEL_E_NOMEM;
	}
	topic_vector(p, at, tmp, scratch);
	free(tmp);
	p->anchor = f->anchor;
	p->nanchor = f->nanchor;
	for (size_t i = 0; i < f->nanchor; i++) {
		unsigned kind = DOPPEL__ANCHOR_KIND(f->anchor[i]);
		/* The totals add the weights as kept, so that weights stored
		 * and set again (doppel__prepared_set_weights) give them too. */
		uint32_t df = doppel__rarity_df(r, f->anchor[i]);
		p->aweight[i] = (float)(weight_of(r ? r->docs : 0, df) * kind_factor(kind));
		c = put_varint(c, df);
		p->anchors_total += p->aweight[i];
		if (kind == DOPPEL__ANCHOR_NAME)
			p->names_total += p->aweight[i];
	}
	p->ncounts = (size_t)(c - p->counts);
	return DOPPEL_OK;
}

size_t doppel__prepared_weights_size(const doppel__prepared *p)
{
	return 4 * ((size_t)p->sstart[p->nsent] + p->nanchor);
}

void doppel__prepared_weights_put(const doppel__prepared *p, uint8_t *out)
{
	size_t nk = p->sstart[p->nsent];
	uint32_t bits;
	for (size_t i = 0; i < nk; i++, out += 4) {
		memcpy(&bits, &p->weights[i], 4);
		doppel__put_le(out, bits, 4);
	}
	for (size_t i = 0; i < p->nanchor; i++, out += 4) {
		memcpy(&bits, &p->aweight[i], 4);
		doppel__put_le(out, bits, 4);
	}
}

/* What the weights of p give, once set again: each sentence's norm, the
 * topic and the anchors' totals, as doppel__prepare() makes them. */
static int reweigh(doppel__prepared *p)
{
	size_t nk = p->sstart[p->nsent];
	for (size_t s = 0; s < p->nsent; s++) {
		double sq = 0;
		for (uint32_t i = p->sstart[s]; i < p->sstart[s + 1]; i++)
			sq += (double)p->weights[i] * p->weights[i];
		p->snorm[s] = (float)sqrt(sq);
	}
	/* The topic's keys again, in the order doppel__prepare() sorts them:
	 * by key, stably, which the weights do not change. */
	struct kw *tmp = doppel__alloc_array(2 * nk + 1, sizeof(*tmp));
	if (!tmp)
		return DOPPEL_E_NOMEM;
	topic_vector(p, nk, tmp, tmp + nk);
	free(tmp);
	p->anchors_total = p->names_total = 0;
	for (size_t i = 0; i < p->nanchor; i++) {
		p->anchors_total += p->aweight[i];
		if (DOPPEL__ANCHOR_KIND(p->anchor[i]) == DOPPEL__ANCHOR_NAME)
			p->names_total += p->aweight[i];
	}
	return DOPPEL_OK;
}

int doppel__prepared_set_weights(doppel__prepared *p, const uint8_t *blob, size_t len)
{
	size_t nk = p->sstart[p->nsent];
	if (len != doppel__prepared_weights_size(p))
		return DOPPEL_E_FORMAT;
	for (size_t i = 0; i < nk; i++, blob += 4) {
		uint32_t bits = (uint32_t)doppel__get_le(blob, 4);
		memcpy(&p->weights[i], &bits, 4);
	}
	for (size_t i = 0; i < p->nanchor; i++, blob += 4) {
		uint32_t bits = (uint32_t)doppel__get_le(blob, 4);
		memcpy(&p->aweight[i], &bits, 4);
	}
	return reweigh(p);
}

int doppel__prepared_set_counts(doppel__prepared *p, const uint8_t *blob, size_t len)
{
	const size_t nk = p->sstart[p->nsent], nv = nk + p->nanchor;
	const uint8_t *at = blob, *end = blob + len;
	uint32_t docs = 0, df = 0;
	/* the whole blob is checked before a weight changes */
	if (!get_varint32(&at, end, &docs))
		return DOPPEL_E_FORMAT;
	for (size_t i = 0; i < nv; i++)
		if (!get_varint32(&at, end, &df))
			return DOPPEL_E_FORMAT;
	if (at != end)
		return DOPPEL_E_FORMAT;
	at = blob;
	get_varint32(&at, end, &docs);
	for (size_t i = 0; i < nk; i++) {
		get_varint32(&at, end, &df);
		p->weights[i] = (float)weight_of(docs, df);
	}
	for (size_t i = 0; i < p->nanchor; i++) {
		get_varint32(&at, end, &df);
		unsigned kind = DOPPEL__ANCHOR_KIND(p->anchor[i]);
		p->aweight[i] = (float)(weight_of(docs, df) * kind_factor(kind));
	}
	return reweigh(p);
}

/* ------------------------------------------------------------ comparing */

/* Weighted dot product of two sorted key lists (a key repeated in both
 * counts once per pairing). */
static double dot(const uint32_t *ka, const float *wa, size_t na, const uint32_t *kb,
                  const float *wb, size_t nb)
{
	double sum = 0;
	size_t i = 0, j = 0;
	/* The steps without a branch to guess: most keys are in one list only. */
	while (i < na && j < nb) {
		const uint32_t x = ka[i], y = kb[j];
		if (x == y)
			sum += (double)wa[i] * wb[j];
		i += x <= y;
		j += y <= x;
	}
	return sum;
}

static double sentence_cosine(const doppel__prepared *a, size_t i, const doppel__prepared *b,
                              size_t j)
{
	double na = a->snorm[i], nb = b->snorm[j];
	if (na <= 0 || nb <= 0)
		return 0;
	size_t ai = a->sstart[i], bj = b->sstart[j];
	return dot(a->keys + ai, a->weights + ai, a->sstart[i + 1] - ai, b->keys + bj,
	           b->weights + bj, b->sstart[j + 1] - bj) /
	       (na * nb);
}

/* A sentence's keys as a set of SENT_SIG_WORDS * 64 bits, one for each
 * key by a multiplicative hash: two sentences whose sets do not meet have
 * no key in common, and the dot product of their weights is 0. */
#define SENT_SIG_WORDS 4

static void sentence_sig(const doppel__prepared *p, size_t s, uint64_t *sig)
{
	for (unsigned k = 0; k < SENT_SIG_WORDS; k++)
		sig[k] = 0;
	for (uint32_t t = p->sstart[s]; t < p->sstart[s + 1]; t++) {
		const uint32_t bit = (p->keys[t] * UINT32_C(0x9e3779b1)) >> 24;
		sig[bit >> 6] |= UINT64_C(1) << (bit & 63);
	}
}

static bool sigs_meet(const uint64_t *a, const uint64_t *b)
{
	uint64_t any = 0;
	for (unsigned k = 0; k < SENT_SIG_WORDS; k++)
		any |= a[k] & b[k];
	return any != 0;
}

/* Topic: cosine over all keys of each article. */
static double topic_cosine(const doppel__prepared *a, const doppel__prepared *b)
{
	size_t na = a->sstart[a->nsent], nb = b->sstart[b->nsent];
	if (a->tnorm <= 0 || b->tnorm <= 0)
		return 0;
	return dot(a->tkeys, a->tweights, na, b->tkeys, b->tweights, nb) /
	       (a->tnorm * b->tnorm);
}

int doppel__compare_prepared(const doppel__prepared *a, const doppel__prepared *b,
                             double min_sentence, double min_topic, doppel__evidence *ev,
                             doppel__pairing *pairs)
{
	memset(ev, 0, sizeof(*ev));
	ev->keys = -1;
	ev->specific = -1;
	ev->figures = -1;
	const size_t n = a->nsent, m = b->nsent;
	/* Anchors: both lists are sorted. */
	double shared = 0, shared_names = 0, names_b = 0;
	for (size_t i = 0, j = 0; i < a->nanchor && j < b->nanchor;) {
		if (a->anchor[i] == b->anchor[j]) {
			double w = (a->aweight[i] + b->aweight[j]) / 2;
			shared += w;
			if (DOPPEL__ANCHOR_KIND(a->anchor[i]) == DOPPEL__ANCHOR_NAME)
				shared_names += w;
			i++;
			j++;
		} else if (a->anchor[i] < b->anchor[j]) {
			i++;
		} else {
			j++;
		}
	}
	names_b = b->names_total;
	double amin = a->anchors_total < b->anchors_total ? a->anchors_total : b->anchors_total;
	double nmin = a->names_total < names_b ? a->names_total : names_b;
	ev->anchors = amin > 0 ? shared / amin : 0;
	ev->names = nmin > 0 ? shared_names / nmin : 0;
	if (ev->anchors > 1)
		ev->anchors = 1;
	if (ev->names > 1)
		ev->names = 1;
	ev->topic = topic_cosine(a, b);
	if (n == 0 || m == 0 || ev->topic < min_topic)
		return DOPPEL_OK;

	/* Alignment: best total score of an order-preserving one-to-one
	 * matching of sentences whose cosine reaches min_sentence. */
	double *dp = doppel__alloc_array((n + 1) * (m + 1), sizeof(*dp));
	uint64_t *sig = doppel__alloc_array((n + m) * SENT_SIG_WORDS, sizeof(*sig));
	if (!dp || !sig) {
		free(dp);
		free(sig);
		return DOPPEL_E_NOMEM;
	}
	for (size_t i = 0; i < n; i++)
		sentence_sig(a, i, sig + i * SENT_SIG_WORDS);
	for (size_t j = 0; j < m; j++)
		sentence_sig(b, j, sig + (n + j) * SENT_SIG_WORDS);
	const size_t w = m + 1;
	for (size_t j = 0; j <= m; j++)
		dp[j] = 0;
	for (size_t i = 1; i <= n; i++) {
		dp[i * w] = 0;
		for (size_t j = 1; j <= m; j++) {
			double best = dp[(i - 1) * w + j];
			if (dp[i * w + j - 1] > best)
				best = dp[i * w + j - 1];
			/* sentences of no key in common have a cosine of 0 */
			double s = sigs_meet(sig + (i - 1) * SENT_SIG_WORDS,
			                     sig + (n + j - 1) * SENT_SIG_WORDS)
			                   ? sentence_cosine(a, i - 1, b, j - 1)
			                   : 0.0;
			if (s >= min_sentence && dp[(i - 1) * w + j - 1] + s > best)
				best = dp[(i - 1) * w + j - 1] + s;
			dp[i * w + j] = best;
		}
	}
	/* Walk back to count (and list) the aligned pairs. */
	size_t i = n, j = m, count = 0;
	while (i > 0 && j > 0) {
		double cur = dp[i * w + j];
		if (cur == dp[(i - 1) * w + j]) {
			i--;
		} else if (cur == dp[i * w + j - 1]) {
			j--;
		} else {
			if (pairs)
				pairs[count] = (doppel__pairing){
					(uint32_t)(i - 1), (uint32_t)(j - 1),
					(float)(cur - dp[(i - 1) * w + j - 1])};
			count++;
			i--;
			j--;
		}
	}
	double total = dp[n * w + m];
	free(dp);
	free(sig);
	if (pairs) {
		for (size_t x = 0; x < count / 2; x++) {
			doppel__pairing t = pairs[x];
			pairs[x] = pairs[count - 1 - x];
			pairs[count - 1 - x] = t;
		}
	}
	ev->naligned = count;
	ev->aligned = (double)count / (double)(n < m ? n : m);
	ev->strength = count ? total / (double)count : 0;
	return DOPPEL_OK;
}
