/*
 * index_excerpt.c — excerpts, and the passages of every derivation, in the
 * index's engine (so in a scan too).
 *
 * Keys. When an article is added, its passage keys are made from its
 * segmentation, beside the rest of its text work: winnowed k-grams of its
 * content stems and sentence keys (the rules of doppel__passage_keys, over
 * segment.c's words) and, under the database's key rules 2
 * (DOPPEL__PKEY_RULES), window keys: order-free keys of runs of content
 * words, which survive words shuffled inside a passage and sentence ends
 * moved. 4 bytes each. They are posted in a table from each key to the
 * articles that have it, a key in more than EXCERPT_MAX_DF articles
 * keeping only its first (a window key, in more than
 * EXCERPT_MAX_DF_WINDOW, nothing) as too common (as the postings of rare
 * anchors are), and stored with the article (table
 * pkeys), so that opening an index posts them again without reading and
 * tokenizing every text.
 *
 * Candidates: the stored articles the new one shares keys with, each key
 * weighing 1 / (the articles that have it), or 1 / sqrt of that for the
 * origin of a passage many took (ORIGIN_HOLDERS), a winnowed key WINNOW_WEIGHT
 * times a sentence or window key; the best of those that reach
 * EXCERPT_MIN_SCORE_* are compared with doppel__passages_find on the two
 * texts, tokenized for passages (doppel__ptext_make) only then: the
 * candidate's text from the store (or from the caller that keeps the texts
 * of a database in memory), or from a cache of the recent ones, the new
 * article's once.
 *
 * Verdict: a pair the word shingles estimate a duplicate or a copy is one;
 * else passages that tell (passage_relation) make an excerpt, or a
 * rewrite when they are a reworded majority of one text, unless the
 * headlines name other subjects and each side's passages name someone the
 * other text never does (names_apart: two companies' reports of one
 * template); either outranks a same event or same story found before.
 * Then every derivation of the article (duplicate, copy, excerpt,
 * rewrite) gets its passages, byte offsets into both texts as given.
 */
#include "engine.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A passage key in more stored articles than this pairs nothing: common
 * phrases and sentence shapes. */
#define EXCERPT_MAX_DF 20
_Static_assert(EXCERPT_MAX_DF <= DOPPEL__PK_ROOM_MOST, "a list's room is kept by its size");
/* ... a window key, in more than this: two rare words near each other in
 * five articles are a subject's words, not a passage (and would weigh a
 * fifth at most); the lists stay short to read. */
#define EXCERPT_MAX_DF_WINDOW 4
/* A key many articles hold weighs little for each (1 / holders), so a
 * passage that many articles took from one source pairs none of them with
 * it: of 300 outlets that each ran the lead of one of ten Reuters wire
 * reports (`make eval-real`, part 1c), 74 were found to derive from it.
 * The first holder of a key (the earliest: the scan adds in date order) is
 * the passage's origin when the key has ORIGIN_HOLDERS holders or more
 * and half the others or more derive from it (they name it among their
 * sources: a derivation of it, or one of no known direction, as the
 * wire's outlets of its own day are); it then weighs 1 / sqrt(holders).
 * A key that passes EXCERPT_MAX_DF keeps its origin alone, when it has one
 * then, weighed as if EXCERPT_MAX_DF + 1 held it. A template's first
 * report is no origin: the reports after it are no derivations of it.
 * Window keys, common past EXCERPT_MAX_DF_WINDOW, have none. */
#define ORIGIN_HOLDERS 5
/* What a shared key weighs, divided by the articles that have it: a
 * winnowed k-gram of content words is rarer by chance than three words of
 * one sentence. */
#define WINNOW_WEIGHT 1.5f
#define SENTENCE_WEIGHT 1.0f
#define WINDOW_WEIGHT 1.0f
/* A stored article is compared when the keys it shares weigh this much:
 * two sentence keys no other article has, a winnowed one and a little
 * more, or more keys that a few others share; not one winnowed key alone
 * (on generated text, common trigrams: 1.5 costs 40% more time for 10
 * more points of recall on PAN's reworded reuse). Calibrated on PAN 2013
 * and the benchmark corpus (bench/RESULTS.md). */
#define EXCERPT_MIN_SCORE_1 1.75f
/* Under key rules 2, with window keys (reused words share several, where
 * a sentence shares at most a few sentence keys): a little more than two
 * rare window keys, or one with a winnowed key, or a rare sentence key and
 * some. Calibrated as above: at 1.75 two hash functions of window keys
 * made several times the candidates of the benchmark corpus. */
#define EXCERPT_MIN_SCORE_2 2.5f
/* At most this many candidates are compared, the best first: a bound on
 * the time one article takes. */
#define EXCERPT_MAX_CANDIDATES 64
/* Passages that make this share of either text's content words or more
 * are no excerpt (a copy or a rewrite, when the other rules say so). */
#define EXCERPT_MAX_SHARE 0.5
/* A relation from passages needs one passage of which this share of the
 * distinct content keys are on the other side (the finder asks 0.55):
 * news on one subject is written alike, and on Reuters half the pairs
 * the finder passes score under 0.7 (bench/RESULTS.md). */
#define EXCERPT_PASSAGE_SCORE 0.65f
/* ... or this share, for a passage of EXCERPT_LONG_WORDS content words or
 * more on each side: a long passage taken through a translator and back
 * keeps about 60% of its words' keys, and reports of one subject written
 * alike are not that long alike. PAN 2013, translation obfuscation: 799
 * → 803 of 1,000 pairs related; random obfuscation 767 → 770; on Reuters
 * with planted copies, 3 more derivations between originals (two reports
 * of one note offering, and two eurobond issues of one template), no
 * spun copy's edge more. At 40 words: 812 and 775 on PAN, 28 more on
 * Reuters. */
#define EXCERPT_LONG_SCORE 0.6f
#define EXCERPT_LONG_WORDS 60
/* ... or, whatever its share (the finder's least, 0.55, or more), a
 * passage built on sentences: EXCERPT_PAIRED_SENTENCES of its sentences
 * or more pair with the other side's (the finder's seeds, a weighted
 * cosine of 0.3 or more) and one pair reaches EXCERPT_PAIRED_COSINE, when
 * the passages make a minority of both texts. Reuse edited word by word
 * (words dropped, inserted, replaced, shuffled inside a sentence) keeps
 * each sentence's counterpart while it loses the words; reports on one
 * subject share words all over, not sentence by sentence. Measured on
 * the pairs whose passages failed only for their share (`make eval-real`,
 * bench/RESULTS.md): PAN 2013 random obfuscation 765 -> 796 of 1,000 pairs
 * related, translation 812 -> 824, summaries 147 -> 150 of 238; on Reuters
 * with planted copies, 23 more derivations between originals (13 of them
 * pairs stated same event or story before), no spun copy's edge more. Two sentence pairs, or
 * a best cosine of 0.5, let through three to six times as many Reuters
 * pairs for a few more of PAN's. */
#define EXCERPT_PAIRED_SENTENCES 3
#define EXCERPT_PAIRED_COSINE 0.6f
/* Passages with this many distinct numbers on each side, most of them
 * other numbers, are two templated reports, not reuse. */
#define EXCERPT_TEMPLATE_NUMBERS 2
/* Passages that make this share of both texts' content words are the
 * texts' template when their headlines name other subjects. */
#define EXCERPT_TEMPLATE_SHARE 0.8
/* A condensed passage alone makes an excerpt from this many aligned
 * sentence pairs (bench/RESULTS.md: on generated text, three pairs are
 * mostly chance; on PAN 2013, summaries align more). */
#define EXCERPT_SUMMARY_SENTENCES 4
/* A pair that sentence alignment found to be reports of one event or
 * story becomes an excerpt only when its passages keep this share of
 * their words (on their smaller side) in k-grams both texts share: two
 * reports of one event are written alike, and a spun copy of one of them
 * keeps that likeness, not the words, yet the passages it leaves cover
 * less and so made an excerpt of a pair whose unspun passages, covering
 * most of a text, did not. Measured (`make eval-real`, bench/RESULTS.md):
 * of the pairs so related that passages made excerpts, 28 of 308 on
 * Reuters with planted copies keep less (seven with a spun copy, three
 * of them edges the evaluation counts false; between originals, reports
 * of one Brazil debt talk, of one cocoa buffer-stock meeting, two ECU
 * bond issues), 19 of 298 on PAN 2013 (one summary pair less found) and
 * 57 of 294 on ECB+ (reports of one event, same-event either way). */
#define EXCERPT_EVENT_EXACT 0.33

/* Stored articles kept tokenized, direct-mapped by entry. */
#define PTEXT_CACHE 256

/* Flags of x->mxev. */
#define XEV_EVENT 0x1   /* an excerpt of a report of the same event */
#define XEV_DONE 0x2    /* passages looked for */
#define XEV_STORY 0x4   /* an excerpt of a report of the same story */
#define XEV_SIBLING 0x8 /* related through a source of the article's */
#define XEV_MADE 0x10   /* the relation is the passages' verdict */

typedef struct doppel__entry entry_t;

/* ------------------------------------------------------------- lifetime */

int doppel__excerpt_init(doppel_index *x)
{
	if (!x->excerpt || x->pg)
		return DOPPEL_OK;
	doppel__passage_defaults(&x->pp);
	x->pkrules = doppel__store_pkey_rules(x->store);
	x->nptc = PTEXT_CACHE;
	/* The pool is never NULL: a match's passages point into it when
	 * they were looked for, even none. */
	if (!(x->pg = doppel__passager_new(x->wn, x->p.seed)) ||
	    !(x->ptc = calloc(x->nptc, sizeof(*x->ptc))) ||
	    doppel__grow((void **)&x->ppool, &x->poolcap_p, 1, sizeof(*x->ppool))) {
		doppel__errf(x->err, "out of memory");
		return DOPPEL_E_NOMEM;
	}
	return DOPPEL_OK;
}

void doppel__excerpt_forget(doppel_index *x)
{
	x->xposted1 = 0;
	x->npka = 0;
	memset(x->pkfree, 0, sizeof(x->pkfree));
	doppel__shards_clear(x->pk, x->pk ? DOPPEL__SHARDS : 0);
	free(x->pk);
	x->pk = NULL;
	for (size_t i = 0; x->ptc && i < x->nptc; i++)
		x->ptc[i].slot1 = 0;
}

void doppel__excerpt_free(doppel_index *x)
{
	doppel__excerpt_forget(x);
	free(x->pka);
	x->pka = NULL;
	x->pkacap = 0;
	for (size_t i = 0; x->ptc && i < x->nptc; i++)
		doppel__ptext_free(&x->ptc[i].pt);
	free(x->ptc);
	x->ptc = NULL;
	x->nptc = 0;
	doppel__passager_free(x->pg);
	free(x->xscore);
	free(x->xstamp);
	free(x->xcand);
	free(x->ps);
	free(x->ppool);
	free(x->mpoff);
	free(x->mpn);
	free(x->mxev);
	free(x->pkblob);
	free(x->lemmas);
	x->lemmas = NULL;
	x->lemmacap = 0;
	for (size_t i = 0; i < x->bpkncap; i++)
		free(x->bpk[i]);
	doppel__ptext_free(&x->qpt);
	free(x->bpk);
	free(x->bnpk);
	free(x->bpkcap);
	sqlite3_finalize(x->st_pkeys);
}

/* ------------------------------------------------------------- postings */

static bool pslot_hash(const void *slot, uint64_t *h)
{
	const struct doppel__pslot *s = slot;
	*h = doppel__mix32(s->key);
	return s->key != 0;
}

/* The shard of key (hash h: doppel__mix32 of it). */
static inline doppel__shard *pk_shard(const doppel_index *x, uint32_t h)
{
	return &x->pk[doppel__shard32(h)];
}

/* The place of key (hash h) in shard s, which has slots: its own or the
 * free one where it goes. */
static struct doppel__pslot *pk_place(const doppel__shard *s, uint32_t h, uint32_t key)
{
	struct doppel__pslot *t = s->slot;
	size_t j = h & s->mask;
	while (t[j].key && t[j].key != key)
		j = (j + 1) & s->mask;
	return &t[j];
}

/* Gives up the room of the list at off (it moved, or its key became
 * common) to the next list of that room. */
static void list_drop(doppel_index *x, uint32_t off)
{
	const uint32_t room = DOPPEL__PKL_ROOM(x->pka[off]);
	x->pka[off] = x->pkfree[room];
	x->pkfree[room] = off + 1;
}

/* Room for n entries in the list at *off: the lists live in one array,
 * x->pka, each its head then its entries; a list that outgrows its room
 * moves to room given up by another (list_drop) or to the end, and gives
 * up its own. A new list (*off: DOPPEL__PK_LIST) is made the same way. */
static int list_room(doppel_index *x, uint32_t *off, uint32_t n)
{
	const bool made = *off != DOPPEL__PK_LIST;
	const uint32_t head = made ? x->pka[*off] : 0;
	const uint32_t have = DOPPEL__PKL_N(head), room = DOPPEL__PKL_ROOM(head);
	if (n <= room)
		return DOPPEL_OK;
	if (made && room && *off + 1 + room == x->npka) {
		/* the last list grows in place */
		if (doppel__grow((void **)&x->pka, &x->pkacap, x->npka + 1, sizeof(*x->pka)))
			return DOPPEL_E_NOMEM;
		x->npka++;
		x->pka[*off] = have | (room + 1) << 16;
		return DOPPEL_OK;
	}
	uint32_t cap = n < 4 ? n : 2 * room;
	if (cap > EXCERPT_MAX_DF)
		cap = EXCERPT_MAX_DF;
	uint32_t to;
	if (x->pkfree[cap]) {
		to = x->pkfree[cap] - 1;
		x->pkfree[cap] = x->pka[to];
	} else {
		if (x->npka + 1 + cap >= DOPPEL__PK_LIST ||
		    doppel__grow((void **)&x->pka, &x->pkacap, x->npka + 1 + cap,
		                 sizeof(*x->pka)))
			return DOPPEL_E_NOMEM;
		to = (uint32_t)x->npka;
		x->npka += 1 + cap;
	}
	if (have)
		memcpy(x->pka + to + 1, x->pka + *off + 1, have * sizeof(*x->pka));
	x->pka[to] = have | cap << 16;
	if (made)
		list_drop(x, *off);
	*off = to;
	return DOPPEL_OK;
}

/* The shard of key (hash h), with room for one more key; NULL when out
 * of memory. */
static doppel__shard *pk_room(doppel_index *x, uint32_t h)
{
	if (!x->pk && !(x->pk = calloc(DOPPEL__SHARDS, sizeof(*x->pk))))
		return NULL;
	doppel__shard *sh = pk_shard(x, h);
	if (doppel__shard_reserve(sh, sizeof(struct doppel__pslot), pslot_hash))
		return NULL;
	return sh;
}

/* Whether the first of the n holders of list l (l[1..n]) is the origin of
 * a passage the others took (ORIGIN_HOLDERS). */
static bool is_origin(const doppel_index *x, const uint32_t *l, uint32_t n)
{
	/* taken counts every list that names it: fewer rule it out without
	 * reading the holders' lists */
	if (n < ORIGIN_HOLDERS || 2u * x->e[l[1]].taken < n - 1)
		return false;
	uint32_t took = 0;
	for (uint32_t j = 2; j <= n; j++) {
		const entry_t *e = &x->e[l[j]];
		for (uint32_t k = 0; k < e->nsrc; k++) {
			if (e->src[k].slot == l[1]) {
				took++;
				break;
			}
		}
	}
	return 2 * took >= n - 1;
}

/* Posts entry slot under key at its place s in shard sh (pk_room()'s). */
static int post_at(doppel_index *x, doppel__shard *sh, struct doppel__pslot *s, uint32_t key,
                   uint32_t slot)
{
	if (!s->key) {
		s->key = key;
		s->val = slot;
		sh->used++;
		return DOPPEL_OK;
	}
	if (s->val == DOPPEL__PK_COMMON)
		return DOPPEL_OK;
	if (!(s->val & DOPPEL__PK_LIST)) {
		uint32_t off = DOPPEL__PK_LIST;
		if (list_room(x, &off, 2))
			return DOPPEL_E_NOMEM;
		x->pka[off] += 2;
		x->pka[off + 1] = s->val;
		x->pka[off + 2] = slot;
		s->val = DOPPEL__PK_LIST | off;
		return DOPPEL_OK;
	}
	uint32_t off = s->val & ~DOPPEL__PK_LIST;
	const uint32_t n = DOPPEL__PKL_N(x->pka[off]);
	const uint32_t most = doppel__pk32_kind(key, x->pkrules) == DOPPEL__PKEY_WINDOW
	                              ? EXCERPT_MAX_DF_WINDOW
	                              : EXCERPT_MAX_DF;
	if (x->pka[off] & DOPPEL__PKL_COMMON)
		return DOPPEL_OK;
	if (n >= most && (most == EXCERPT_MAX_DF_WINDOW || !is_origin(x, x->pka + off, n))) {
		s->val = DOPPEL__PK_COMMON;
		list_drop(x, off);
		return DOPPEL_OK;
	}
	if (n >= most) {
		/* common: the list keeps the origin alone */
		const uint32_t origin = x->pka[off + 1];
		list_drop(x, off);
		uint32_t one = DOPPEL__PK_LIST;
		if (list_room(x, &one, 1))
			return DOPPEL_E_NOMEM;
		x->pka[one] |= 1u | DOPPEL__PKL_COMMON;
		x->pka[one + 1] = origin;
		s->val = DOPPEL__PK_LIST | one;
		return DOPPEL_OK;
	}
	if (list_room(x, &off, n + 1))
		return DOPPEL_E_NOMEM;
	x->pka[off]++;
	x->pka[off + 1 + n] = slot;
	s->val = DOPPEL__PK_LIST | off;
	return DOPPEL_OK;
}

int doppel__excerpt_post(doppel_index *x, uint32_t key, uint32_t slot)
{
	const uint32_t h = doppel__mix32(key);
	doppel__shard *sh = pk_room(x, h);
	if (!sh)
		return DOPPEL_E_NOMEM;
	return post_at(x, sh, pk_place(sh, h, key), key, slot);
}

size_t doppel__excerpt_holders(const doppel_index *x, uint32_t key, uint32_t *out, size_t most)
{
	if (!x->pk)
		return 0;
	const uint32_t h = doppel__mix32(key);
	const doppel__shard *sh = pk_shard(x, h);
	if (!sh->slot)
		return 0;
	const struct doppel__pslot *s = pk_place(sh, h, key);
	if (!s->key)
		return 0;
	if (s->val == DOPPEL__PK_COMMON) {
		if (most)
			out[0] = UINT32_MAX;
		return SIZE_MAX;
	}
	if (!(s->val & DOPPEL__PK_LIST)) {
		if (most)
			out[0] = s->val;
		return 1;
	}
	const uint32_t *l = x->pka + (s->val & ~DOPPEL__PK_LIST);
	if (*l & DOPPEL__PKL_COMMON) {
		if (most)
			out[0] = l[1];
		return SIZE_MAX;
	}
	const uint32_t held = DOPPEL__PKL_N(*l);
	for (uint32_t j = 0; j < held && j < most; j++)
		out[j] = l[1 + j];
	return held;
}

/* Posts every key of a blob of 4-byte little-endian keys. */
static int post_blob(doppel_index *x, const uint8_t *blob, size_t len, uint32_t slot)
{
	for (size_t i = 0; i + 4 <= len; i += 4) {
		uint32_t key = (uint32_t)doppel__get_le(blob + i, 4);
		if (key && doppel__excerpt_post(x, key, slot))
			return DOPPEL_E_NOMEM;
	}
	return DOPPEL_OK;
}

int doppel__excerpt_load(doppel_index *x)
{
	if (!x->excerpt)
		return DOPPEL_OK;
	sqlite3 *db = doppel__store_db(x->store);
	sqlite3_stmt *st = NULL;
	/* A database made before excerpts has no keys: its articles are
	 * found as excerpts by the articles added after, not of them. */
	if (sqlite3_prepare_v2(db, "SELECT num, keys FROM pkeys ORDER BY num", -1, &st, NULL) !=
	    SQLITE_OK) {
		sqlite3_finalize(st);
		return DOPPEL_OK;
	}
	int rc = DOPPEL_OK, step;
	size_t slot = 0;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t num = sqlite3_column_int64(st, 0);
		while (slot < x->n && x->e[slot].num < num)
			slot++;
		if (slot == x->n)
			break;
		const entry_t *e = &x->e[slot];
		if (e->num != num || !e->alive || !e->fingerprint)
			continue;
		if ((rc = post_blob(x, sqlite3_column_blob(st, 1),
		                    (size_t)sqlite3_column_bytes(st, 1), (uint32_t)slot)))
			break;
	}
	if (rc == DOPPEL_OK && step != SQLITE_ROW && step != SQLITE_DONE)
		rc = doppel__store_error(x->store, "loading passage keys", x->err);
	sqlite3_finalize(st);
	if (rc == DOPPEL_E_NOMEM)
		doppel__errf(x->err, "out of memory loading passage keys");
	return rc;
}

/* ------------------------------------------------------------ text work */

/* Hash of DOPPEL__FP_K content stems from tok[i]; never 0. */
static uint64_t gram_hash(const doppel__ftok *tok, size_t i)
{
	uint64_t h = UINT64_C(0x9e3779b97f4a7c15);
	for (unsigned j = 0; j < DOPPEL__FP_K; j++)
		h = doppel__mix64(h ^ tok[i + j].stem);
	return h | 1;
}

/* Appends a key made by key rules `rules` to *keys (room made by the
 * caller). */
static void put_key(uint32_t *keys, size_t *n, unsigned rules, unsigned kind, uint64_t h)
{
	keys[(*n)++] =
		doppel__pk32(((uint64_t)kind << 62) | (h & ((UINT64_C(1) << 62) - 1)), rules);
}

/* The winnowed k-grams of the content stems of f (doppel__passage_winnow's
 * rule over segmentation's words), with w's scratch. */
static int winnow_keys(struct doppel__slot_work *w, const doppel__features *f, uint32_t *keys,
                       size_t *n)
{
	if (f->ntok < DOPPEL__FP_K)
		return DOPPEL_OK;
	const size_t ng = f->ntok - DOPPEL__FP_K + 1;
	if (doppel__grow((void **)&w->grams, &w->gramcap, ng, sizeof(*w->grams)))
		return DOPPEL_E_NOMEM;
	uint64_t *h = w->grams;
	for (size_t i = 0; i < ng; i++)
		h[i] = gram_hash(f->tok, i);
	const size_t win = DOPPEL__FP_W < ng ? DOPPEL__FP_W : ng;
	size_t m = SIZE_MAX, last = SIZE_MAX;
	for (size_t st = 0; st + win <= ng; st++) {
		const size_t end = st + win - 1;
		if (m == SIZE_MAX || m < st) {
			m = st;
			for (size_t j = st + 1; j <= end; j++)
				if (h[j] <= h[m])
					m = j;
		} else if (h[end] <= h[m]) {
			m = end;
		}
		if (m != last) {
			put_key(keys, n, 1, DOPPEL__PKEY_WINNOW, h[m]);
			last = m;
		}
	}
	return DOPPEL_OK;
}

/* The sentence keys of f (as doppel__passage_keys makes them): for each
 * sentence of DOPPEL__SKEY_MIN distinct content keys or more, the hash of
 * its DOPPEL__SKEY_B smallest under each of DOPPEL__SKEY_N hash functions,
 * keys of words WordNet does not know first. */
static void sentence_keys(uint64_t seed, unsigned rules, const doppel__features *f,
                          uint32_t *keys, size_t *n)
{
	uint32_t d[DOPPEL__PT_MAX_SENT];
	for (size_t si = 0; si < f->nsent; si++) {
		const doppel__sent *st = &f->sent[si];
		/* its distinct keys, sorted by insertion (sentences are short) */
		size_t nd = 0;
		for (uint32_t t = st->tok; t < st->tok + st->ntok && nd < DOPPEL__PT_MAX_SENT;
		     t++) {
			uint32_t k = f->tok[t].key;
			size_t j = nd;
			while (j > 0 && d[j - 1] > k)
				j--;
			if (j > 0 && d[j - 1] == k)
				continue;
			memmove(d + j + 1, d + j, (nd - j) * sizeof(*d));
			d[j] = k;
			nd++;
		}
		if (nd < DOPPEL__SKEY_MIN)
			continue;
		for (unsigned r = 0; r < DOPPEL__SKEY_N; r++) {
			const uint64_t rs = doppel__mix64(seed + r + 1);
			uint64_t small[DOPPEL__SKEY_B];
			for (unsigned b = 0; b < DOPPEL__SKEY_B; b++)
				small[b] = UINT64_MAX;
			for (size_t j = 0; j < nd; j++) {
				uint64_t v = doppel__mix64(d[j] ^ rs) >> 1;
				if (d[j] & UINT32_C(0x80000000))
					v |= UINT64_C(1) << 63; /* a synonym class */
				if (v >= small[DOPPEL__SKEY_B - 1])
					continue;
				unsigned b = DOPPEL__SKEY_B - 1;
				while (b > 0 && small[b - 1] > v) {
					small[b] = small[b - 1];
					b--;
				}
				small[b] = v;
			}
			put_key(keys, n, rules, DOPPEL__PKEY_SENTENCE,
			        doppel__hash(small, sizeof(small), rs));
		}
	}
}

/* The hash of content key k under the hash function of seed rs, the keys
 * of words WordNet does not know (names, numbers, rare terms) below those
 * of synonym classes. */
static uint64_t ranked_hash(uint32_t k, uint64_t rs)
{
	uint64_t v = doppel__mix64(k ^ rs) >> 1;
	if (k & UINT32_C(0x80000000))
		v |= UINT64_C(1) << 63; /* a synonym class */
	return v;
}

/* The places of the two smallest distinct values of v[from, to) into *i0
 * (the smallest) and *i1 (SIZE_MAX: fewer than two distinct values). */
static void two_smallest(const uint64_t *v, size_t from, size_t to, size_t *i0, size_t *i1)
{
	size_t a = SIZE_MAX, b = SIZE_MAX;
	for (size_t j = from; j < to; j++) {
		if (a == SIZE_MAX || v[j] < v[a]) {
			b = a;
			a = j;
		} else if (v[j] != v[a] && (b == SIZE_MAX || v[j] < v[b])) {
			b = j;
		}
	}
	*i0 = a;
	*i1 = b;
}

/* The window keys of f (key rules 2, DOPPEL__PKEY_RULES): for each run of
 * DOPPEL__WKEY_W content words (the whole text when it is shorter), the
 * hash of its two smallest distinct ranked hashes, under each of
 * DOPPEL__WKEY_N hash functions, one key each time they change; with w's
 * scratch. At most DOPPEL__WKEY_N keys a content word. The two are
 * followed as the window slides, looked for again only when one leaves
 * it. */
static int window_keys(struct doppel__slot_work *w, uint64_t seed, const doppel__features *f,
                       uint32_t *keys, size_t *n)
{
	if (f->ntok < 2)
		return DOPPEL_OK;
	if (doppel__grow((void **)&w->grams, &w->gramcap, f->ntok, sizeof(*w->grams)))
		return DOPPEL_E_NOMEM;
	uint64_t *v = w->grams;
	const size_t win = f->ntok < DOPPEL__WKEY_W ? f->ntok : DOPPEL__WKEY_W;
	for (unsigned r = 0; r < DOPPEL__WKEY_N; r++) {
		const uint64_t rs = doppel__mix64(seed + DOPPEL__SKEY_N + 1 + r);
		for (size_t j = 0; j < f->ntok; j++)
			v[j] = ranked_hash(f->tok[j].key, rs);
		size_t i0, i1;
		two_smallest(v, 0, win, &i0, &i1);
		uint64_t last0 = UINT64_MAX, last1 = UINT64_MAX;
		for (size_t st = 0;; st++) {
			if (i1 != SIZE_MAX && (v[i0] != last0 || v[i1] != last1)) {
				last0 = v[i0];
				last1 = v[i1];
				put_key(keys, n, 2, DOPPEL__PKEY_WINDOW,
				        doppel__mix64(last0 ^ doppel__mix64(last1 ^ rs)));
			}
			if (st + win >= f->ntok)
				break;
			const size_t in = st + win; /* st leaves, in enters */
			if (i0 == st || i1 == st) {
				two_smallest(v, st + 1, in + 1, &i0, &i1);
			} else if (v[in] < v[i0]) {
				i1 = i0;
				i0 = in;
			} else if (v[in] != v[i0] && (i1 == SIZE_MAX || v[in] < v[i1])) {
				i1 = in;
			}
		}
	}
	return DOPPEL_OK;
}

int doppel__excerpt_keys(const doppel_index *x, struct doppel__slot_work *w,
                         const doppel__features *f, uint32_t **keys, size_t *nkeys, size_t *cap)
{
	*nkeys = 0;
	size_t most = f->ntok + DOPPEL__SKEY_N * f->nsent + 1;
	if (x->pkrules >= 2)
		most += DOPPEL__WKEY_N * f->ntok;
	if (doppel__grow((void **)keys, cap, most, sizeof(**keys)))
		return DOPPEL_E_NOMEM;
	size_t n = 0;
	if (winnow_keys(w, f, *keys, &n))
		return DOPPEL_E_NOMEM;
	sentence_keys(x->p.seed, x->pkrules, f, *keys, &n);
	if (x->pkrules >= 2 && window_keys(w, x->p.seed, f, *keys, &n))
		return DOPPEL_E_NOMEM;
	if (n > 1 && doppel__sort_u32(*keys, n, &w->sortbuf, &w->sortcap))
		return DOPPEL_E_NOMEM;
	size_t u = doppel__unique_u32(*keys, n);
	*nkeys = u;
	/* The room made was for the most keys a text can have, several times
	 * what it has; a prepared article keeps its keys until it is added. */
	doppel__shrink(keys, u, cap, sizeof(**keys));
	return DOPPEL_OK;
}

int doppel__excerpt_batch(doppel_index *x, size_t n)
{
	x->npool_p = 0;
	if (!x->excerpt || n <= x->bpkncap)
		return DOPPEL_OK;
	uint32_t **pk = doppel__realloc_array(x->bpk, n, sizeof(*pk));
	if (pk)
		x->bpk = pk;
	size_t *npk = doppel__realloc_array(x->bnpk, n, sizeof(*npk));
	if (npk)
		x->bnpk = npk;
	size_t *pkcap = doppel__realloc_array(x->bpkcap, n, sizeof(*pkcap));
	if (pkcap)
		x->bpkcap = pkcap;
	if (!pk || !npk || !pkcap)
		return DOPPEL_E_NOMEM;
	for (size_t i = x->bpkncap; i < n; i++) {
		x->bpk[i] = NULL;
		x->bnpk[i] = x->bpkcap[i] = 0;
	}
	x->bpkncap = n;
	return DOPPEL_OK;
}

/* ------------------------------------------------------------ verifying */

/* Stored entry slot tokenized for passages: from the cache, or its text
 * tokenized again (and kept in the cache). NULL on failure, *rc set. */
static const doppel__ptext *ptext_of(doppel_index *x, uint32_t slot, int *rc)
{
	struct doppel__ptcached *c = &x->ptc[slot % x->nptc];
	if (c->slot1 == slot + 1)
		return &c->pt;
	c->slot1 = 0;
	char *text = NULL;
	size_t len = 0;
	if ((*rc = doppel__index_text(x, slot, &text, &len, NULL)))
		return NULL;
	*rc = doppel__ptext_make(x->pg, text, len, DOPPEL__EXCERPT_PT_FLAGS, &c->pt);
	free(text);
	if (*rc)
		return NULL;
	doppel__ptext_trim(&c->pt);
	c->slot1 = slot + 1;
	return &c->pt;
}

/* Whether passages tell an excerpt: one of chained seeds (shared k-grams,
 * sentences that match), or condensed over EXCERPT_SUMMARY_SENTENCES
 * sentence pairs or more; three can be a stock sentence ("Officials
 * declined to comment.") and two that share a few words by chance. */
static bool telling(const doppel__passage *ps, size_t n)
{
	for (size_t j = 0; j < n; j++)
		if ((ps[j].mode & DOPPEL__PASSAGE_LOCAL) ||
		    ps[j].sentences >= EXCERPT_SUMMARY_SENTENCES)
			return true;
	return false;
}

/* Whether byte at lies inside one of the passages' sides (b: b_start,
 * b_end; else a_start, a_end). */
static bool inside(const doppel__passage *ps, size_t n, bool b, uint32_t at)
{
	for (size_t j = 0; j < n; j++)
		if (at >= (b ? ps[j].b_start : ps[j].a_start) &&
		    at < (b ? ps[j].b_end : ps[j].a_end))
			return true;
	return false;
}

/* How many of t's content words lie inside the passages' side (b: b_*,
 * else a_*). */
static size_t covered(const doppel__ptext *t, const doppel__passage *ps, size_t n, bool b)
{
	size_t c = 0;
	for (size_t k = 0; k < t->ncontent; k++)
		c += inside(ps, n, b, t->word[t->content[k]].start);
	return c;
}

/* The distinct numbers (their lemmas) of t inside the passages' side (b:
 * b_*, else a_*), sorted, into out (room for max); how many. */
static size_t passage_numbers(const doppel__ptext *t, const doppel__passage *ps, size_t n,
                              bool b, uint32_t *out, size_t max)
{
	size_t m = 0;
	for (size_t k = 0; k < t->nword && m < max; k++) {
		const doppel__pword *w = &t->word[k];
		if (!(w->flags & DOPPEL__PW_NUMBER))
			continue;
		if (inside(ps, n, b, w->start))
			out[m++] = w->lemma;
	}
	qsort(out, m, sizeof(*out), doppel__cmp_u32);
	return doppel__unique_u32(out, m);
}

/* Templated reports (money-market operations, earnings lines, results)
 * share most of their words, so their passages pass; not their figures.
 * True when the passages hold EXCERPT_TEMPLATE_NUMBERS distinct numbers
 * or more on each side and most of those of the side with fewer are not
 * on the other. */
static bool templated(const doppel__ptext *a, const doppel__ptext *b, const doppel__passage *ps,
                      size_t n)
{
	uint32_t na_[64], nb_[64];
	size_t na = passage_numbers(a, ps, n, false, na_, 64);
	size_t nb = passage_numbers(b, ps, n, true, nb_, 64);
	if (na < EXCERPT_TEMPLATE_NUMBERS || nb < EXCERPT_TEMPLATE_NUMBERS)
		return false;
	size_t both = 0;
	for (size_t i = 0, j = 0; i < na && j < nb;) {
		if (na_[i] == nb_[j]) {
			both++;
			i++;
			j++;
		} else if (na_[i] < nb_[j]) {
			i++;
		} else {
			j++;
		}
	}
	return 2 * both < (na < nb ? na : nb);
}

/* Whether word k of t is a name: a capitalised word that is neither a
 * function word, a number, nor the first word of its sentence. */
static bool is_name(const doppel__ptext *t, size_t k)
{
	const doppel__pword *w = &t->word[k];
	return (w->flags & DOPPEL__PW_UPPER) &&
	       !(w->flags & (DOPPEL__PW_STOP | DOPPEL__PW_NUMBER)) && t->sent[w->sent].w0 != k;
}

/* Whether a name of t inside the passages' side (b: b_*, else a_*) is no
 * word of o (whose lemmas, sorted, are ol[0..nol)). */
static bool own_name(const doppel__ptext *t, const doppel__passage *ps, size_t n, bool b,
                     const uint32_t *ol, size_t nol)
{
	for (size_t k = 0; k < t->nword; k++) {
		if (is_name(t, k) && inside(ps, n, b, t->word[k].start) &&
		    !bsearch(&t->word[k].lemma, ol, nol, sizeof(*ol), doppel__cmp_u32))
			return true;
	}
	return false;
}

/* The lemmas of t's words, sorted, into x->lemmas; how many, or SIZE_MAX
 * when out of memory. */
static size_t sorted_lemmas(doppel_index *x, const doppel__ptext *t)
{
	if (doppel__grow((void **)&x->lemmas, &x->lemmacap, t->nword + 1, sizeof(*x->lemmas)))
		return SIZE_MAX;
	for (size_t k = 0; k < t->nword; k++)
		x->lemmas[k] = t->word[k].lemma;
	qsort(x->lemmas, t->nword, sizeof(*x->lemmas), doppel__cmp_u32);
	return t->nword;
}

/* Whether each side's passages name someone the other text never names
 * (*apart): with headlines that name other subjects, two companies'
 * reports of one template ("Torchmark said it sold 100 mln dlrs of
 * sinking fund debentures ...", "RJR Nabisco said it sold ..."), where a
 * passage taken from another article, its names and all, names nobody
 * of its own (a padded copy and its donor). */
static int names_apart(doppel_index *x, const doppel__ptext *a, const doppel__ptext *b,
                       const doppel__passage *ps, size_t n, bool *apart)
{
	*apart = false;
	size_t nl = sorted_lemmas(x, b);
	if (nl == SIZE_MAX)
		return DOPPEL_E_NOMEM;
	if (!own_name(a, ps, n, false, x->lemmas, nl))
		return DOPPEL_OK;
	if ((nl = sorted_lemmas(x, a)) == SIZE_MAX)
		return DOPPEL_E_NOMEM;
	*apart = own_name(b, ps, n, true, x->lemmas, nl);
	return DOPPEL_OK;
}

/* A number of a passage in its place: the lemmas of the words before and
 * after it, and its own. */
struct placed {
	uint64_t place;
	uint32_t value;
};

static int cmp_placed(const void *x, const void *y)
{
	const struct placed *a = x, *b = y;
	if (a->place != b->place)
		return a->place < b->place ? -1 : 1;
	return (a->value > b->value) - (a->value < b->value);
}

/* Numbers that tell a template's figures, at most this many a side. */
#define PLACED_MAX 128

/* The numbers of t inside the passages' side (b: b_*, else a_*) with
 * their places, sorted, into out (room for PLACED_MAX); how many. */
static size_t placed_numbers(const doppel__ptext *t, const doppel__passage *ps, size_t n,
                             bool b, struct placed *out)
{
	size_t m = 0;
	for (size_t k = 0; k < t->nword && m < PLACED_MAX; k++) {
		const doppel__pword *w = &t->word[k];
		if (!(w->flags & DOPPEL__PW_NUMBER) || !inside(ps, n, b, w->start))
			continue;
		uint64_t before = k > 0 ? t->word[k - 1].lemma : 0;
		uint64_t after = k + 1 < t->nword ? t->word[k + 1].lemma : 0;
		out[m++] = (struct placed){before << 32 | after, w->lemma};
	}
	qsort(out, m, sizeof(*out), cmp_placed);
	return m;
}

/* A periodic report written from one template quotes the figures of the
 * report before it ("rose on March 6 to 3.879 billion dlrs from 3.467
 * billion"), so half their numbers are each other's and templated() lets
 * them pass; in the same places, though, their figures differ ("to 3.467
 * billion" and "to 3.879 billion"). True when, among the numbers of a's
 * passages whose place (the word before and the word after) b's passages
 * have too, EXCERPT_TEMPLATE_NUMBERS or more hold other figures there,
 * and more than twice as many as hold the same. Reuse keeps its figures
 * where they stood; a translation round trip rewrites how they are
 * written, so a margin. */
static bool figures_moved(const doppel__ptext *a, const doppel__ptext *b,
                          const doppel__passage *ps, size_t n)
{
	struct placed pa[PLACED_MAX], pb[PLACED_MAX];
	size_t na = placed_numbers(a, ps, n, false, pa);
	size_t nb = placed_numbers(b, ps, n, true, pb);
	size_t agree = 0, differ = 0;
	for (size_t i = 0, j = 0; i < na;) {
		/* the run of a's numbers in one place, and b's there */
		size_t i1 = i;
		while (i1 < na && pa[i1].place == pa[i].place)
			i1++;
		while (j < nb && pb[j].place < pa[i].place)
			j++;
		size_t j1 = j;
		while (j1 < nb && pb[j1].place == pa[i].place)
			j1++;
		for (size_t k = i; k < i1 && j1 > j; k++) {
			bool same = false;
			for (size_t m = j; m < j1 && !same; m++)
				same = pb[m].value == pa[k].value;
			agree += same;
			differ += !same;
		}
		i = i1;
		j = j1;
	}
	return differ >= EXCERPT_TEMPLATE_NUMBERS && differ > 2 * agree;
}

/* Whether the passages make a minority of both texts' content words. */
static bool minority(const doppel__ptext *a, const doppel__ptext *b, const doppel__passage *ps,
                     size_t n)
{
	return (double)covered(a, ps, n, false) < EXCERPT_MAX_SHARE * (double)a->ncontent &&
	       (double)covered(b, ps, n, true) < EXCERPT_MAX_SHARE * (double)b->ncontent;
}

/* Whether the passages make `share` of both texts' content words or
 * more. */
static bool cover_both(const doppel__ptext *a, const doppel__ptext *b,
                       const doppel__passage *ps, size_t n, double share)
{
	return (double)covered(a, ps, n, false) >= share * (double)a->ncontent &&
	       (double)covered(b, ps, n, true) >= share * (double)b->ncontent;
}

/* Whether the passages make EXCERPT_MAX_SHARE of both texts' content
 * words or more. */
static bool most_of_both(const doppel__ptext *a, const doppel__ptext *b,
                         const doppel__passage *ps, size_t n)
{
	return cover_both(a, b, ps, n, EXCERPT_MAX_SHARE);
}

/* The passages' content words in word k-grams both texts share (*exact)
 * and on the side where they cover fewer (*least). */
static void exact_words(const doppel__ptext *a, const doppel__ptext *b,
                        const doppel__passage *ps, size_t n, uint32_t *exact, size_t *least)
{
	size_t ca = covered(a, ps, n, false), cb = covered(b, ps, n, true);
	*least = ca < cb ? ca : cb;
	*exact = 0;
	for (size_t j = 0; j < n; j++)
		*exact += ps[j].exact;
}

/* Whether the passages keep EXCERPT_EVENT_EXACT of their content words
 * (on the side where they cover fewer) in word k-grams both texts share. */
static bool kept_words(const doppel__ptext *a, const doppel__ptext *b,
                       const doppel__passage *ps, size_t n)
{
	uint32_t exact;
	size_t least;
	exact_words(a, b, ps, n, &exact, &least);
	return (double)exact >= EXCERPT_EVENT_EXACT * (double)least;
}

/* Whether a passage scores EXCERPT_PASSAGE_SCORE, or EXCERPT_LONG_SCORE
 * over EXCERPT_LONG_WORDS content words on each side; or, when the
 * passages make a minority of both texts, is built on sentence pairs
 * (EXCERPT_PAIRED_SENTENCES, one at EXCERPT_PAIRED_COSINE). */
static bool strong(const doppel__ptext *a, const doppel__ptext *b, const doppel__passage *ps,
                   size_t n)
{
	bool paired = false;
	for (size_t j = 0; j < n; j++) {
		if (ps[j].score >= EXCERPT_PASSAGE_SCORE)
			return true;
		if (ps[j].score >= EXCERPT_LONG_SCORE &&
		    covered(a, &ps[j], 1, false) >= EXCERPT_LONG_WORDS &&
		    covered(b, &ps[j], 1, true) >= EXCERPT_LONG_WORDS)
			return true;
		paired |= (ps[j].mode & DOPPEL__PASSAGE_LOCAL) &&
		          ps[j].sentences >= EXCERPT_PAIRED_SENTENCES &&
		          ps[j].cosine >= EXCERPT_PAIRED_COSINE;
	}
	return paired && minority(a, b, ps, n);
}

/*
 * What passages ps (n of them; a_* in a, b_* in b) that pass tell of a
 * pair the shingles did not relate, under p: an excerpt when they make a
 * minority of both texts' content words. When they make
 * EXCERPT_MAX_SHARE of one or more, one holds a
 * large part of the other, reworded (fewer than half its words in k-grams
 * both share): a rewrite, as that relation is defined (it comes first,
 * from sentence alignment, and passages measure the part more closely);
 * with the same words, a copy the word shingles (the rule of copies)
 * did not find: an excerpt. NONE when no passage is strong() (formulaic
 * news: markets, results, filings written alike), or the passages do not
 * tell, or tell two templated reports (their figures differ, or differ
 * in the same places).
 */
static doppel_relation passage_relation(const doppel_params *p, const doppel__ptext *a,
                                        const doppel__ptext *b, const doppel__passage *ps,
                                        size_t n)
{
	if (!strong(a, b, ps, n) || !telling(ps, n) || !a->ncontent || !b->ncontent ||
	    templated(a, b, ps, n) || figures_moved(a, b, ps, n))
		return DOPPEL_REL_NONE;
	if (minority(a, b, ps, n))
		return DOPPEL_REL_EXCERPT;
	uint32_t exact;
	size_t least;
	exact_words(a, b, ps, n, &exact, &least);
	bool reworded = 2.0 * exact < (double)least;
	return reworded && (p->relations & DOPPEL_FIND_REWRITE) ? DOPPEL_REL_REWRITE
	                                                        : DOPPEL_REL_EXCERPT;
}

/* The passages of the probe q (text b) and stored entry slot (text a) into
 * x->ps; *n of them. */
static int passages_with(doppel_index *x, const doppel__ptext *q, uint32_t slot, size_t *n,
                         const doppel__ptext **other)
{
	int rc = DOPPEL_OK;
	*n = 0;
	const doppel__ptext *o = ptext_of(x, slot, &rc);
	if (!o)
		return rc;
	*other = o;
	x->stats.verified++;
	rc = doppel__passages_find(x->pg, o, q, &x->pp, &x->ps, n, &x->pscap);
	if (rc == DOPPEL_E_NOMEM)
		doppel__errf(x->err, "out of memory");
	return rc;
}

/* Keeps the n passages of x->ps as match k's, seen from the probe: its
 * bytes are each passage's b side, the stored article's its a side. */
static int keep_passages(doppel_index *x, size_t k, size_t n)
{
	if (doppel__grow((void **)&x->ppool, &x->poolcap_p, x->npool_p + n + 1,
	                 sizeof(*x->ppool))) {
		doppel__errf(x->err, "out of memory");
		return DOPPEL_E_NOMEM;
	}
	x->mpoff[k] = x->npool_p;
	x->mpn[k] = (uint32_t)n;
	/* (the pool has room for one more: mpoff stays inside it) */
	x->mxev[k] |= XEV_DONE;
	for (size_t j = 0; j < n; j++) {
		const doppel__passage *p = &x->ps[j];
		x->ppool[x->npool_p++] =
			(doppel_passage){p->b_start, p->b_end, p->a_start, p->a_end};
	}
	return DOPPEL_OK;
}

/* Makes room for the per-match state of every match in the pool. */
static int reserve_matches(doppel_index *x)
{
	size_t need = x->nmatch + 1;
	if (need <= x->mpcap)
		return DOPPEL_OK;
	size_t cap = 2 * x->mpcap > need ? 2 * x->mpcap : need + 64;
	size_t *off = doppel__realloc_array(x->mpoff, cap, sizeof(*off));
	if (off)
		x->mpoff = off;
	uint32_t *pn = doppel__realloc_array(x->mpn, cap, sizeof(*pn));
	if (pn)
		x->mpn = pn;
	uint8_t *ev = doppel__realloc_array(x->mxev, cap, sizeof(*ev));
	if (ev)
		x->mxev = ev;
	if (!off || !pn || !ev) {
		doppel__errf(x->err, "out of memory");
		return DOPPEL_E_NOMEM;
	}
	x->mpcap = cap;
	return DOPPEL_OK;
}

/* A candidate: a stored entry and the weight of the keys it shares. */
struct xcand {
	float score;
	uint32_t slot;
};

/* The best score first, then the earlier entry. */
static int cmp_cand(const void *pa, const void *pb)
{
	const struct xcand *a = pa, *b = pb;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return a->slot < b->slot ? -1 : a->slot > b->slot;
}

/* Asks the memory for the table slot where key would be. A macro: as a
 * function, GCC dropped it (DOPPEL__PREFETCH). */
#define PREFETCH_SLOT(x, key)                                                                  \
	do {                                                                                   \
		const uint32_t h_ = doppel__mix32(key);                                        \
		const doppel__shard *s_ = pk_shard((x), h_);                                   \
		if (s_->slot)                                                                  \
			DOPPEL__PREFETCH(&((struct doppel__pslot *)s_->slot)[h_ & s_->mask]);  \
	} while (0)

/* Adds w to the score of entry slot, noting the entries met. */
static int meet(doppel_index *x, uint32_t slot, float w, size_t *nmet)
{
	if (x->xstamp[slot] != x->xgen) {
		x->xstamp[slot] = x->xgen;
		x->xscore[slot] = 0.0f;
		if (doppel__grow((void **)&x->xcand, &x->xcandcap, *nmet + 1,
		                 sizeof(*x->xcand)))
			return DOPPEL_E_NOMEM;
		x->xcand[(*nmet)++] = slot;
	}
	x->xscore[slot] += w;
	return DOPPEL_OK;
}

/* The stored entries the keys of batch article i meet, scored, the best
 * EXCERPT_MAX_CANDIDATES of those that reach EXCERPT_MIN_SCORE_1 (under key rules 1) or _2 into
 * *out (caller frees), *n of them. When the article is being added (self:
 * the entry it is about to be; NO_SELF when queried), each key is posted
 * for it once its holders are read, at the place just looked up: the
 * article's own keys are distinct, so it meets none of them, and the
 * table comes out as doppel__excerpt_post() of each key in turn would
 * leave it, for one look at each place instead of two. */
#define NO_SELF UINT32_MAX
static int candidates(doppel_index *x, size_t i, uint32_t self, struct xcand **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (x->xcap < x->n) {
		size_t c1 = x->xcap, c2 = x->xcap;
		if (doppel__grow((void **)&x->xscore, &c1, x->n, sizeof(*x->xscore)) ||
		    doppel__grow((void **)&x->xstamp, &c2, x->n, sizeof(*x->xstamp)))
			return DOPPEL_E_NOMEM;
		size_t cap = c1 < c2 ? c1 : c2;
		memset(x->xstamp + x->xcap, 0, (cap - x->xcap) * sizeof(*x->xstamp));
		x->xcap = cap;
	}
	if (++x->xgen == 0) {
		memset(x->xstamp, 0, x->xcap * sizeof(*x->xstamp));
		x->xgen = 1;
	}
	size_t nmet = 0;
	const uint32_t *keys = x->bpk[i];
	/* The table is far bigger than the caches: its slots are asked for
	 * ahead, a few keys before they are read. */
	const size_t ahead = 8;
	for (size_t k = 0; k < ahead && k < x->bnpk[i] && x->pk; k++)
		PREFETCH_SLOT(x, keys[k]);
	for (size_t k = 0; k < x->bnpk[i] && (x->pk || self != NO_SELF); k++) {
		if (k + ahead < x->bnpk[i] && x->pk)
			PREFETCH_SLOT(x, keys[k + ahead]);
		const uint32_t h = doppel__mix32(keys[k]);
		doppel__shard *sh = self != NO_SELF ? pk_room(x, h) : pk_shard(x, h);
		if (!sh)
			return DOPPEL_E_NOMEM;
		if (!sh->slot)
			continue;
		struct doppel__pslot *s = pk_place(sh, h, keys[k]);
		if (s->key && s->val != DOPPEL__PK_COMMON) {
			const unsigned kind = doppel__pk32_kind(keys[k], x->pkrules);
			float w = kind == DOPPEL__PKEY_WINNOW   ? WINNOW_WEIGHT
			          : kind == DOPPEL__PKEY_WINDOW ? WINDOW_WEIGHT
			                                        : SENTENCE_WEIGHT;
			if (!(s->val & DOPPEL__PK_LIST)) {
				if (meet(x, s->val, w, &nmet))
					return DOPPEL_E_NOMEM;
			} else {
				const uint32_t *l = x->pka + (s->val & ~DOPPEL__PK_LIST);
				const bool common = *l & DOPPEL__PKL_COMMON;
				const uint32_t held =
					common ? EXCERPT_MAX_DF + 1 : DOPPEL__PKL_N(*l);
				const uint32_t first = common || is_origin(x, l, held) ? 2 : 1;
				if (first == 2 && meet(x, l[1], w / sqrtf((float)held), &nmet))
					return DOPPEL_E_NOMEM;
				for (uint32_t j = first; !common && j <= held; j++)
					if (meet(x, l[j], w / (float)held, &nmet))
						return DOPPEL_E_NOMEM;
			}
		}
		if (self != NO_SELF && post_at(x, sh, s, keys[k], self))
			return DOPPEL_E_NOMEM;
	}
	const float least = x->pkrules >= 2 ? EXCERPT_MIN_SCORE_2 : EXCERPT_MIN_SCORE_1;
	size_t m = 0;
	for (size_t k = 0; k < nmet; k++) {
		const entry_t *e = &x->e[x->xcand[k]];
		m += x->xscore[x->xcand[k]] >= least && e->alive && e->fingerprint;
	}
	if (!m)
		return DOPPEL_OK;
	struct xcand *c = doppel__alloc_array(m, sizeof(*c));
	if (!c)
		return DOPPEL_E_NOMEM;
	m = 0;
	for (size_t k = 0; k < nmet; k++) {
		uint32_t slot = x->xcand[k];
		const entry_t *e = &x->e[slot];
		if (x->xscore[slot] >= least && e->alive && e->fingerprint)
			c[m++] = (struct xcand){x->xscore[slot], slot};
	}
	qsort(c, m, sizeof(*c), cmp_cand);
	x->stats.candidates += m;
	*out = c;
	*n = m < EXCERPT_MAX_CANDIDATES ? m : EXCERPT_MAX_CANDIDATES;
	return DOPPEL_OK;
}

/* The match of entry slot among [from, nmatch), or SIZE_MAX. */
static size_t match_of(const doppel_index *x, size_t from, uint32_t slot)
{
	for (size_t k = from; k < x->nmatch; k++)
		if (x->mslot[k] == slot)
			return k;
	return SIZE_MAX;
}

/* The direction of derivation match k of an article dated date (boiler,
 * words): as settle() gives it; an undated article may take the other's
 * date. */
static void direct(doppel_index *x, size_t k, const doppel_article *a, const doppel__sketch *sk,
                   unsigned boiler, int32_t *when)
{
	doppel_match *m = &x->matches[k];
	const entry_t *e = &x->e[x->mslot[k]];
	bool mine;
	m->basis = doppel__derivation_basis(m->relation, a->date, e->date, boiler, e->boiler,
	                                    sk->words, e->words, &mine);
	m->direction = m->basis == DOPPEL_BASIS_NONE ? DOPPEL_DIR_UNKNOWN
	               : mine                        ? DOPPEL_DIR_TO
	                                             : DOPPEL_DIR_FROM;
	if (a->date != DOPPEL_NO_DATE)
		return;
	int32_t d = e->when != DOPPEL_NO_DATE ? e->when : e->date;
	if (d != DOPPEL_NO_DATE && (*when == DOPPEL_NO_DATE || d < *when))
		*when = d;
}

/* The words of the article being added or queried, tokenized on first
 * need (most articles have no candidate: their keys alone are enough). */
static int probe_words(doppel_index *x, const doppel_article *a, const doppel__ptext **q)
{
	if (!x->qpt_made) {
		int rc = doppel__ptext_make(x->pg, a->text, a->text_len,
		                            DOPPEL__EXCERPT_PT_FLAGS, &x->qpt);
		if (rc) {
			if (rc == DOPPEL_E_NOMEM)
				doppel__errf(x->err, "out of memory");
			return rc;
		}
		x->qpt_made = true;
	}
	*q = &x->qpt;
	return DOPPEL_OK;
}

/* Verifies candidate entry slot of the probe (batch article i): a
 * duplicate or a copy by its shingles, or an excerpt by its passages,
 * added to the matches or raising the one it has. */
static int verify(doppel_index *x, const doppel_article *a, const doppel__sketch *sk,
                  unsigned boiler, size_t from, uint32_t slot, int32_t *when,
                  doppel__veto_fn vetoes, void *ctx)
{
	size_t k = match_of(x, from, slot);
	if (k != SIZE_MAX && doppel__is_derivation(x->matches[k].relation))
		return DOPPEL_OK; /* its passages come with the others' */
	const doppel__ptext *q = NULL, *o = NULL;
	size_t n;
	int rc = probe_words(x, a, &q);
	if (rc == DOPPEL_OK)
		rc = passages_with(x, q, slot, &n, &o);
	if (rc || !n)
		return rc;
	const entry_t *e = &x->e[slot];
	doppel_relation rel = DOPPEL_REL_NONE;
	double j = 0.0, cont = 0.0;
	unsigned veto = 0;
	bool asked = false;
	if (k == SIZE_MAX) {
		doppel__compare(sk->sig, sk->shingles, x->sigs + (size_t)slot * x->p.k,
		                e->shingles, x->p.k, &j, &cont);
		bool same = sk->fingerprint == e->fingerprint;
		if (same)
			j = cont = 1.0;
		/* Words that make a copy the shingles' candidates missed (a
		 * short text inside a long one: their Jaccard is low) are one,
		 * by the same rule, facts and all. When the facts say no (one
		 * states figures the other lacks, as two templated reports do,
		 * and as a long text does around the part it took), passages
		 * may still tell an excerpt, their own figures agreeing. */
		rel = doppel__classify(
			&x->p, j,
			same ? cont
			     : doppel__containment_low(j, sk->shingles, e->shingles, x->p.k),
			same);
		if (rel != DOPPEL_REL_NONE && !(x->p.relations & (1u << rel)))
			return DOPPEL_OK;
		if (rel != DOPPEL_REL_NONE) {
			veto = vetoes(ctx, slot);
			asked = true;
			if (veto & DOPPEL__VETO_TEMPLATED)
				rel = DOPPEL_REL_NONE;
		}
	}
	const bool made = rel == DOPPEL_REL_NONE;
	if (made) {
		if ((rel = passage_relation(&x->p, o, q, x->ps, n)) == DOPPEL_REL_NONE)
			return DOPPEL_OK;
		if (!asked)
			veto = vetoes(ctx, slot);
		/* Passages that make nearly all of both texts, whose headlines
		 * name other subjects: one template, as the rule of rewrites
		 * and copies says (two companies' notices, word for word alike).
		 * All of one text only is an article taken whole into another
		 * (a padded copy); a paragraph taken into a short report makes
		 * most of both, not all. Any passages, when the subjects are
		 * places and the headlines name no other: one template's
		 * reports of two countries ("... credit guarantees for
		 * Morocco", "... for Jordan"), whose shared paragraph is the
		 * template's; a passage taken from a report on one place
		 * names it. */
		if ((veto & DOPPEL__VETO_SUBJECTS) &&
		    ((veto & DOPPEL__VETO_PLACES) ||
		     cover_both(o, q, x->ps, n, EXCERPT_TEMPLATE_SHARE)))
			return DOPPEL_OK;
		bool apart = false;
		if ((veto & DOPPEL__VETO_SUBJECTS) &&
		    (rc = names_apart(x, o, q, x->ps, n, &apart))) {
			doppel__errf(x->err, "out of memory");
			return rc;
		}
		if (apart)
			return DOPPEL_OK;
	}
	/* A same event or story found before becomes an excerpt, not a
	 * rewrite (sentence alignment judged that already: two rewrites of
	 * one source are reports of one event, settle() says), and not when
	 * the passages make most of both texts (a report re-sent with its
	 * figures updated stays a report of its event). */
	if (k != SIZE_MAX && (rel != DOPPEL_REL_EXCERPT || most_of_both(o, q, x->ps, n) ||
	                      !kept_words(o, q, x->ps, n)))
		return DOPPEL_OK;
	bool event = k != SIZE_MAX && x->matches[k].relation == DOPPEL_REL_SAME_EVENT;
	bool story = k != SIZE_MAX && x->matches[k].relation == DOPPEL_REL_SAME_STORY;
	if (k == SIZE_MAX) {
		if (!doppel__index_push_match(x, slot, rel, j, cont) || reserve_matches(x)) {
			doppel__errf(x->err, "out of memory");
			return DOPPEL_E_NOMEM;
		}
		k = x->nmatch - 1;
		x->mpn[k] = 0;
	} else {
		x->matches[k].relation = rel;
	}
	x->mxev[k] = (event ? XEV_EVENT : story ? XEV_STORY : 0) | (made ? XEV_MADE : 0);
	direct(x, k, a, sk, boiler, when);
	return keep_passages(x, k, n);
}

/* Whether the article a and match k's entry both have a date. */
static bool dated(const doppel_index *x, const doppel_article *a, size_t k)
{
	return a->date != DOPPEL_NO_DATE && x->e[x->mslot[k]].date != DOPPEL_NO_DATE;
}

/*
 * The excerpts among matches [from, nmatch) that the article a shares with
 * an article derived from one of its own sources
 * (doppel__index_through_passage): two articles that took one passage from
 * a third resemble each other through it, as two rewrites of one report do
 * (a spun copy of a report, and a later report that quotes a paragraph of
 * it). Such an excerpt goes back to the relation the pair had before its
 * passages were looked at (same event or story, without passages), or is
 * dropped. A chain stays a chain: a passage the source itself took from
 * the other article makes no sibling. A rewrite the passages made (after
 * settle() looked at the article's rewrites) is asked what settle() asks
 * of one (doppel__index_through), between dated articles, and becomes the
 * same event.
 */
static void excerpt_siblings(doppel_index *x, const doppel_article *a, size_t from)
{
	/* Decided first, each against the relations as they came: a sibling
	 * is not the source of another. */
	for (size_t i = from; i < x->nmatch; i++) {
		const doppel_match *m = &x->matches[i];
		bool rewrite = m->relation == DOPPEL_REL_REWRITE && (x->mxev[i] & XEV_MADE);
		if (m->relation != DOPPEL_REL_EXCERPT && !rewrite)
			continue;
		bool sibling = false;
		for (size_t k = from; k < x->nmatch && !sibling; k++)
			sibling = rewrite ? dated(x, a, k) && doppel__index_through(x, a, k, i)
			                  : doppel__index_through_passage(x, a, k, i);
		if (sibling)
			x->mxev[i] |= XEV_SIBLING;
	}
	for (size_t i = from; i < x->nmatch; i++) {
		doppel_match *m = &x->matches[i];
		if (!(x->mxev[i] & XEV_SIBLING))
			continue;
		if (m->relation == DOPPEL_REL_REWRITE ||
		    (x->mxev[i] & (XEV_EVENT | XEV_STORY))) {
			m->relation =
				m->relation == DOPPEL_REL_REWRITE || (x->mxev[i] & XEV_EVENT)
					? DOPPEL_REL_SAME_EVENT
					: DOPPEL_REL_SAME_STORY;
			m->basis = DOPPEL_BASIS_NONE;
			m->direction = DOPPEL_DIR_UNKNOWN;
			x->mpn[i] = 0;
			x->mxev[i] = 0;
		}
	}
	size_t w = from;
	for (size_t i = from; i < x->nmatch; i++) {
		if (x->mxev[i] & XEV_SIBLING)
			continue; /* an excerpt of no event or story: dropped */
		x->matches[w] = x->matches[i];
		x->mslot[w] = x->mslot[i];
		x->mpoff[w] = x->mpoff[i];
		x->mpn[w] = x->mpn[i];
		x->mxev[w++] = x->mxev[i];
	}
	x->nmatch = w;
}

int doppel__excerpt_find(doppel_index *x, size_t i, bool adding, const doppel_article *a,
                         const doppel__sketch *sk, unsigned boiler, size_t from, int32_t *when,
                         doppel__veto_fn vetoes, void *ctx)
{
	if (!x->excerpt)
		return DOPPEL_OK;
	x->xposted1 = 0;
	int rc = reserve_matches(x);
	if (rc)
		return rc;
	for (size_t k = from; k < x->nmatch; k++) {
		x->mpn[k] = 0;
		x->mxev[k] = 0;
	}
	x->qpt_made = false;
	if (!sk->fingerprint)
		return DOPPEL_OK;
	struct xcand *c = NULL;
	size_t nc = 0;
	if (adding && x->n >= NO_SELF) {
		doppel__errf(x->err, "too many articles");
		return DOPPEL_E_NOMEM;
	}
	if ((rc = candidates(x, i, adding ? (uint32_t)x->n : NO_SELF, &c, &nc))) {
		doppel__errf(x->err, "out of memory");
		return rc;
	}
	if (adding)
		x->xposted1 = (uint32_t)x->n + 1;
	for (size_t k = 0; k < nc && rc == DOPPEL_OK; k++)
		rc = verify(x, a, sk, boiler, from, c[k].slot, when, vetoes, ctx);
	free(c);
	if (rc == DOPPEL_OK)
		excerpt_siblings(x, a, from);
	/* Every derivation's passages. */
	for (size_t k = from; k < x->nmatch && rc == DOPPEL_OK; k++) {
		if (!doppel__is_derivation(x->matches[k].relation) || (x->mxev[k] & XEV_DONE))
			continue;
		size_t n;
		const doppel__ptext *q = NULL, *o = NULL;
		if ((rc = probe_words(x, a, &q)) == DOPPEL_OK &&
		    (rc = passages_with(x, q, x->mslot[k], &n, &o)) == DOPPEL_OK)
			rc = keep_passages(x, k, n);
	}
	return rc;
}

/* ------------------------------------------------------------- keeping */

int doppel__excerpt_remember(doppel_index *x, size_t i, uint32_t slot, int64_t num)
{
	if (!x->excerpt)
		return DOPPEL_OK;
	const uint32_t *keys = x->bpk[i];
	size_t n = x->bnpk[i];
	/* Its keys were posted as candidates() looked them up, unless that
	 * did not run for it. */
	for (size_t k = 0; k < n && x->xposted1 != slot + 1; k++) {
		if (k + 8 < n && x->pk)
			PREFETCH_SLOT(x, keys[k + 8]);
		if (doppel__excerpt_post(x, keys[k], slot)) {
			doppel__errf(x->err, "out of memory");
			return DOPPEL_E_NOMEM;
		}
	}
	x->xposted1 = 0;
	/* Its words, when they were needed, for the next articles: in a
	 * stream their candidates are mostly recent articles. */
	if (x->qpt_made) {
		struct doppel__ptcached *c = &x->ptc[slot % x->nptc];
		doppel__ptext t = c->pt;
		c->pt = x->qpt;
		x->qpt = t;
		doppel__ptext_trim(&c->pt);
		c->slot1 = slot + 1;
		x->qpt_made = false;
	}
	/* A database in memory (a scan's) is never opened again. */
	if (!doppel__store_keeps_texts(x->store) || !n)
		return DOPPEL_OK;
	if (!x->st_pkeys &&
	    sqlite3_prepare_v2(doppel__store_db(x->store),
	                       "INSERT OR REPLACE INTO pkeys(num, keys) VALUES(?, ?)", -1,
	                       &x->st_pkeys, NULL) != SQLITE_OK)
		return doppel__store_error(x->store, "storing passage keys", x->err);
	if (doppel__grow((void **)&x->pkblob, &x->pkblobcap, 4 * n, 1)) {
		doppel__errf(x->err, "out of memory");
		return DOPPEL_E_NOMEM;
	}
	for (size_t k = 0; k < n; k++)
		doppel__put_le(x->pkblob + 4 * k, keys[k], 4);
	sqlite3_stmt *st = x->st_pkeys;
	sqlite3_bind_int64(st, 1, num);
	sqlite3_bind_blob64(st, 2, x->pkblob, 4 * n, SQLITE_STATIC);
	int step = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (step != SQLITE_DONE)
		return doppel__store_error(x->store, "storing passage keys", x->err);
	return DOPPEL_OK;
}

const uint8_t *doppel__excerpt_blob(doppel_index *x, size_t k, size_t *len)
{
	*len = 0;
	if (!x->excerpt || k >= x->nmatch || !(x->mxev[k] & XEV_DONE))
		return NULL;
	size_t n = x->mpn[k];
	if (doppel__grow((void **)&x->pkblob, &x->pkblobcap, 16 * n + 1, 1))
		return NULL;
	for (size_t j = 0; j < n; j++) {
		const doppel_passage *p = &x->ppool[x->mpoff[k] + j];
		doppel__put_le(x->pkblob + 16 * j, p->a_start, 4);
		doppel__put_le(x->pkblob + 16 * j + 4, p->a_end, 4);
		doppel__put_le(x->pkblob + 16 * j + 8, p->b_start, 4);
		doppel__put_le(x->pkblob + 16 * j + 12, p->b_end, 4);
	}
	*len = 16 * n;
	return x->pkblob;
}

void doppel__excerpt_attach(doppel_index *x)
{
	if (!x->excerpt)
		return;
	for (size_t k = 0; k < x->nmatch && k < x->mpcap; k++) {
		doppel_match *m = &x->matches[k];
		m->npassages = x->mpn[k];
		m->passages = x->mxev[k] & XEV_DONE ? x->ppool + x->mpoff[k] : NULL;
	}
}
