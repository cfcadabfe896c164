/*
 * index.c — a persistent index: the SQLite store plus, in memory, the
 * signatures of every stored article and LSH tables over them, rebuilt from
 * the store on open.
 *
 * A batch is sketched (and segmented, for relations beyond copy) in
 * parallel, or ahead on the caller's threads (doppel_index_prepare), then
 * taken article by article in order (compare with everything before it,
 * then store it with its relations, event and story) inside one
 * transaction. If the transaction fails, the in-memory state is rebuilt
 * from the store, so memory never holds what the database does not.
 *
 * Relations beyond copy: each article's synonym-key and anchor views are
 * stored and kept in memory with their own LSH tables, and its rare
 * anchors in postings. A candidate's sentences are segmented again from
 * its stored text when needed (a cache keeps the recent ones). Word and
 * anchor rarity comes from the articles added so far (saved a part at a
 * time, see save_counts), so figures may differ slightly from a scan of
 * the same corpus, whose weights come from the whole of it.
 */
/* pthread_rwlockattr_setkind_np, where the C library has it */
#define _GNU_SOURCE
#include "engine.h"
#include "text/wordchar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Line and rarity counts are written with a batch when this many seconds
 * have passed since they were last written, and always on close. They are
 * heuristics: losing the latest counts to a crash only delays learning. */
#define LINES_SAVE_SECONDS 10.0
/* ... the rarity counts a part at a time: every part within
 * LINES_SAVE_SECONDS, or, for a table that takes longer to write at this
 * many bytes a second, within the time it takes. The 320 MB of counts of
 * a million articles are a part of 312 KB every 78 ms, not 32 MB a second
 * of writes (and of checkpoints). */
#define RARITY_SAVE_BYTES_PER_SECOND (4.0 * 1024 * 1024)
/* Rows of the rarity table: part p at RARITY_ROW0 + p. Rows below are the
 * layouts of earlier versions (row 1 the whole table, rows 2 to 65 in 64
 * parts): read first, then deleted once every part is written again. */
#define RARITY_ROW0 4096

/* Stored articles kept segmented, direct-mapped by entry: a news stream's
 * candidates are mostly recent articles, which map to distinct places. */
#define CACHE_SIZE 8192

#define K2 DOPPEL__VIEW_K

/* Subjects read from a headline, at most. */
#define TITLE_SUBJECTS 8
/* Words of a headline, at most, for titles_apart() and count_headline(). */
#define TITLE_WORDS 32

typedef struct doppel__entry entry_t;

/* ------------------------------------------------------------ in memory */

static void forget_all(doppel_index *x)
{
	for (size_t i = 0; i < x->n; i++) {
		free(x->e[i].id);
		free(x->e[i].anchor);
		free(x->e[i].src);
	}
	x->n = 0;
	x->alive = 0;
	doppel__strmap_free(&x->ids);
	doppel__lsh_free(x->lsh);
	doppel__lsh_free(x->lk);
	doppel__lsh_free(x->la);
	x->lsh = x->lk = x->la = NULL;
	for (size_t i = 0; i < x->npls; i++)
		free(x->pls[i]);
	free(x->pls);
	doppel__shards_clear(x->pl, x->pl ? DOPPEL__SHARDS : 0);
	free(x->pl);
	x->pl = NULL;
	x->pls = NULL;
	x->npls = x->plscap = 0;
	doppel__shards_clear(x->wcell, x->wcell ? DOPPEL__SHARDS : 0);
	free(x->wcell);
	x->wcell = NULL;
	doppel__shards_clear(x->tcell, x->tcell ? DOPPEL__SHARDS : 0);
	free(x->tcell);
	x->tcell = NULL;
	free(x->evstory);
	x->evstory = NULL;
	x->evcap = 0;
	doppel__rarity_free(&x->rar);
	doppel__excerpt_forget(x);
	if (x->cache)
		for (size_t i = 0; i < x->ncache; i++) {
			doppel__prepared_free(&x->cache[i].prep);
			x->cache[i].slot1 = 0;
		}
}

static bool cell_hash(const void *slot, uint64_t *h)
{
	const uint64_t c = *(const uint64_t *)slot;
	*h = doppel__mix64(c >> 32);
	return c != 0;
}

/* The shard of the cells of a containment fingerprint whose hash
 * (doppel__mix64) is h; x->wcell is not NULL. Its cells start at
 * h & the shard's mask. */
static inline doppel__shard *cell_shard(const doppel_index *x, uint64_t h)
{
	return &x->wcell[doppel__shard64(h)];
}

/* Asks for the first cell of fingerprint fp ahead of its reading. A
 * macro: GCC took the function of that name for one without effect and
 * dropped every call (DOPPEL__PREFETCH). */
#define CELL_PREFETCH(x, fp)                                                                   \
	do {                                                                                   \
		const uint64_t h_ = doppel__mix64(fp);                                         \
		const doppel__shard *s_ = cell_shard((x), h_);                                 \
		if (s_->slot)                                                                  \
			DOPPEL__PREFETCH((const uint64_t *)s_->slot + (h_ & s_->mask));        \
	} while (0)

/* Fingerprints looked up or posted this far ahead of the one at hand have
 * their cells fetched meanwhile: each is a miss of the cache in a table
 * of tens of megabytes. */
#define CONTAIN_AHEAD 8

/* How many entries a containment fingerprint is posted for at most: the
 * content words' DOPPEL__VIEW_MAX_DF, the tokens' (copies alone)
 * CONTAIN_TOKEN_MAX_DF, since a run of every word (stop words too) that
 * many articles share is a stock phrase sooner. On the 100k generated
 * corpus: 13.8 → 13.1 s CPU for copies alone (2 threads), the same
 * relations but one; on Reuters with planted copies, the same recall. */
#define CONTAIN_TOKEN_MAX_DF 16

static inline size_t contain_max_df(const doppel_index *x)
{
	return x->deep ? DOPPEL__VIEW_MAX_DF : CONTAIN_TOKEN_MAX_DF;
}

/* Posts entry slot under key in the cells *t (made on first need),
 * unless max entries hold it already. */
static int cells_post(doppel__shard **t, uint32_t key, uint32_t slot, size_t max)
{
	if (!*t && !(*t = calloc(DOPPEL__SHARDS, sizeof(**t))))
		return DOPPEL_E_NOMEM;
	const uint64_t h = doppel__mix64(key);
	doppel__shard *s = &(*t)[doppel__shard64(h)];
	if (doppel__shard_reserve(s, sizeof(uint64_t), cell_hash))
		return DOPPEL_E_NOMEM;
	uint64_t *cell = s->slot;
	size_t j = (size_t)h & s->mask;
	unsigned held = 0;
	for (; cell[j]; j = (j + 1) & s->mask)
		if ((uint32_t)(cell[j] >> 32) == key && ++held >= max)
			return DOPPEL_OK;
	cell[j] = (uint64_t)key << 32 | (slot + 1);
	s->used++;
	return DOPPEL_OK;
}

/* The entries posted under key in the cells t (NULL: none), at most max
 * of them, into out; how many. */
static size_t cells_held(const doppel__shard *t, uint32_t key, uint32_t *out, size_t max)
{
	if (!t)
		return 0;
	const uint64_t h = doppel__mix64(key);
	const doppel__shard *s = &t[doppel__shard64(h)];
	if (!s->slot)
		return 0;
	const uint64_t *cell = s->slot;
	size_t n = 0;
	for (size_t j = (size_t)h & s->mask; cell[j] && n < max; j = (j + 1) & s->mask)
		if ((uint32_t)(cell[j] >> 32) == key)
			out[n++] = (uint32_t)(cell[j] & UINT32_MAX) - 1;
	return n;
}

/* Posts entry slot under containment fingerprint fp, unless
 * contain_max_df() entries hold it already: a run of words that many
 * articles share (a template's line) pairs nothing. */
static int contain_post(doppel_index *x, uint32_t fp, uint32_t slot)
{
	return cells_post(&x->wcell, fp, slot, contain_max_df(x));
}

/* Articles one headline is posted for at most; a headline that many
 * articles give ("Qtly dividend", a column's name) leads to none. */
#define TITLE_MAX_DF 4

/* The key of a headline: the hash of its words, ASCII letters folded, any
 * run of other ASCII bytes one space; 0 for none (no headline, or no
 * letter or digit in it). A reprint and a cut copy keep their source's
 * headline; a cut copy of a templated report, a few lines every report
 * of the template has, has nothing else of its own. */
static uint32_t title_key(const char *title, uint64_t seed)
{
	if (!title)
		return 0;
	char buf[256];
	size_t n = 0;
	bool gap = false;
	for (const unsigned char *p = (const unsigned char *)title; *p && n < sizeof(buf);
	     p++) {
		unsigned char c = *p;
		if (c >= 0x80 || (c >= '0' && c <= '9') || doppel__ascii_lower[c]) {
			if (gap && n)
				buf[n++] = ' ';
			gap = false;
			if (n < sizeof(buf))
				buf[n++] = c < 0x80 && doppel__ascii_lower[c]
				                   ? (char)doppel__ascii_lower[c]
				                   : (char)c;
		} else {
			gap = true;
		}
	}
	if (!n)
		return 0;
	uint32_t k = (uint32_t)doppel__hash(buf, n, seed ^ UINT64_C(0x7469746c65));
	return k ? k : 1;
}

/* Appends an entry and indexes it; the signature is copied. */
static int remember(doppel_index *x, const doppel__row *r)
{
	const unsigned k = x->p.k;
	if (x->n >= UINT32_MAX - 1)
		return DOPPEL_E_NOMEM;
	if (doppel__grow((void **)&x->e, &x->cap, x->n + 1, sizeof(*x->e)) ||
	    doppel__grow((void **)&x->sigs, &x->sigcap, x->n + 1, k * sizeof(*x->sigs)))
		return DOPPEL_E_NOMEM;
	/* Its figures after the id and title, 4-byte aligned. */
	size_t nid = strlen(r->id) + 1, nt = r->title ? strlen(r->title) + 1 : 0;
	size_t off = (nid + nt + 3) & ~(size_t)3;
	size_t nfig = r->figured ? r->nfig : 0;
	char *block = malloc(off + nfig * sizeof(*r->fig));
	if (!block)
		return DOPPEL_E_NOMEM;
	memcpy(block, r->id, nid);
	if (nfig)
		memcpy(block + off, r->fig, nfig * sizeof(*r->fig));
	entry_t *e = &x->e[x->n];
	*e = (entry_t){.id = block,
	               .title = nt ? memcpy(block + nid, r->title, nt) : NULL,
	               .fig = nfig ? (const uint32_t *)(void *)(block + off) : NULL,
	               .nfig = r->figured ? r->nfig : DOPPEL__FIG_UNKNOWN,
	               .date = r->date,
	               .when = r->date,
	               .words = r->words,
	               .shingles = r->shingles,
	               .fingerprint = r->fingerprint,
	               .num = r->num,
	               .event = r->event,
	               .boiler = r->boiler,
	               .alive = true};
	memcpy(x->sigs + x->n * k, r->sig, k * sizeof(*r->sig));
	uint32_t slot = (uint32_t)x->n;
	if (doppel__strmap_put(&x->ids, e->id, slot)) {
		free(block);
		return DOPPEL_E_NOMEM;
	}
	x->n++;
	x->alive++;
	if (r->fingerprint) {
		doppel__lsh_keys(x->lsh, r->sig, x->keys);
		if (doppel__lsh_insert(x->lsh, slot, x->keys))
			return DOPPEL_E_NOMEM;
	}
	uint32_t tk = r->fingerprint ? title_key(r->title, x->p.seed) : 0;
	if (tk && cells_post(&x->tcell, tk, slot, TITLE_MAX_DF))
		return DOPPEL_E_NOMEM;
	/* A search for copies alone meets contained copies by the tokens'
	 * fingerprints; one for more, by the content words' (remember_views). */
	if (!x->deep && r->fingerprint) {
		e = &x->e[slot];
		e->ncontain = r->nckey;
		for (uint32_t i = 0; i < r->nckey; i++) {
			if (i + CONTAIN_AHEAD < r->nckey && x->wcell)
				CELL_PREFETCH(x, r->ckey[i + CONTAIN_AHEAD]);
			if (contain_post(x, r->ckey[i], slot))
				return DOPPEL_E_NOMEM;
		}
	}
	return DOPPEL_OK;
}

static int load_row(void *ctx, const doppel__row *r)
{
	return remember(ctx, r);
}

static bool plist_hash(const void *slot, uint64_t *h)
{
	const struct doppel__plist *l = slot;
	*h = doppel__mix64(l->key);
	return l->key != 0;
}

/* The postings list of an anchor; created when create is set. NULL when
 * absent (or out of memory, when creating). */
static struct doppel__plist *plist(doppel_index *x, uint64_t key, bool create)
{
	if (!key)
		key = 1;
	if (create && !x->pl && !(x->pl = calloc(DOPPEL__SHARDS, sizeof(*x->pl))))
		return NULL;
	if (!x->pl)
		return NULL;
	const uint64_t h = doppel__mix64(key);
	doppel__shard *s = &x->pl[doppel__shard64(h)];
	if (create && doppel__shard_reserve(s, sizeof(struct doppel__plist), plist_hash))
		return NULL;
	if (!s->slot)
		return NULL;
	struct doppel__plist *t = s->slot;
	size_t j = (size_t)h & s->mask;
	while (t[j].key && t[j].key != key)
		j = (j + 1) & s->mask;
	if (t[j].key)
		return &t[j];
	if (!create)
		return NULL;
	t[j].key = key;
	s->used++;
	return &t[j];
}

/* The articles of l (l->n of them, unless common). */
static const uint32_t *plist_slots(const doppel_index *x, const struct doppel__plist *l)
{
	return l->n == 1 ? &l->v : x->pls[l->v];
}

/* Adds slot to l: in place while it is the only one, then in a list whose
 * room doubles; l becomes common past DOPPEL__VIEW_MAX_DF. */
static int plist_post(doppel_index *x, struct doppel__plist *l, uint32_t slot)
{
	if (l->n == DOPPEL__PL_COMMON)
		return DOPPEL_OK; /* too common to pair anything */
	if (l->n >= DOPPEL__VIEW_MAX_DF) {
		free(x->pls[l->v]);
		x->pls[l->v] = NULL; /* its number is not used again */
		l->n = DOPPEL__PL_COMMON;
		return DOPPEL_OK;
	}
	if (l->n == 0) {
		l->v = slot;
		l->n = 1;
		return DOPPEL_OK;
	}
	if (l->n == 1) {
		uint32_t *s = malloc(2 * sizeof(*s));
		if (!s || x->npls >= UINT32_MAX ||
		    doppel__grow((void **)&x->pls, &x->plscap, x->npls + 1, sizeof(*x->pls))) {
			free(s);
			return DOPPEL_E_NOMEM;
		}
		s[0] = l->v;
		l->v = (uint32_t)x->npls;
		x->pls[x->npls++] = s;
	} else if ((l->n & (l->n - 1)) == 0) {
		uint32_t *s = doppel__realloc_array(x->pls[l->v], 2 * (size_t)l->n, sizeof(*s));
		if (!s)
			return DOPPEL_E_NOMEM;
		x->pls[l->v] = s;
	}
	x->pls[l->v][l->n++] = slot;
	return DOPPEL_OK;
}

/* Room for exactly n items of size bytes at *p (*cap of them now): an
 * array a scan knows the final length of takes no more, where doubling
 * would leave up to half of it unused. Nothing when it has the room. */
static int presize(void **p, size_t *cap, size_t n, size_t size)
{
	if (n <= *cap)
		return DOPPEL_OK;
	void *q = doppel__realloc_array(*p, n, size);
	if (!q)
		return DOPPEL_E_NOMEM;
	*p = q;
	*cap = n;
	return DOPPEL_OK;
}

/* Room in the view sketches for n entries: grown by doubling, or (exact,
 * a scan that knows its final count) to n alone. */
static int views_room(doppel_index *x, size_t n, bool exact)
{
	if (n <= x->vcap)
		return DOPPEL_OK;
	size_t kcap = x->vcap, acap = x->vcap;
	void **ks = (void **)&x->ksigs, **as = (void **)&x->asigs;
	const size_t size = K2 * sizeof(*x->ksigs);
	if (exact ? presize(ks, &kcap, n, size) || presize(as, &acap, n, size)
	          : doppel__grow(ks, &kcap, n, size) || doppel__grow(as, &acap, n, size))
		return DOPPEL_E_NOMEM;
	x->vcap = kcap < acap ? kcap : acap;
	return DOPPEL_OK;
}

/* Gives entry slot its views and anchors and indexes them. */
static int remember_views(doppel_index *x, uint32_t slot, const uint16_t *ksig, uint32_t nkeys,
                          const uint16_t *asig, uint32_t nanchors, uint32_t nsent,
                          const uint64_t *anchor, size_t nanchor, const uint64_t *fslot,
                          size_t nfslot, bool facts, const uint32_t *fp, size_t nfp)
{
	if (views_room(x, x->n, false))
		return DOPPEL_E_NOMEM;
	entry_t *e = &x->e[slot];
	memcpy(x->ksigs + (size_t)slot * K2, ksig, K2 * sizeof(*ksig));
	memcpy(x->asigs + (size_t)slot * K2, asig, K2 * sizeof(*asig));
	e->nkeys = nkeys;
	e->nanchors = nanchors;
	e->nsent = nsent;
	free(e->anchor);
	e->anchor = NULL;
	e->nanchor = e->nfslot = 0;
	if (nanchor + nfslot) {
		if (!(e->anchor = doppel__alloc_array(nanchor + nfslot, sizeof(*e->anchor))))
			return DOPPEL_E_NOMEM;
		if (nanchor)
			memcpy(e->anchor, anchor, nanchor * sizeof(*anchor));
		if (nfslot)
			memcpy(e->anchor + nanchor, fslot, nfslot * sizeof(*fslot));
		e->nanchor = (uint32_t)nanchor;
		e->nfslot = (uint32_t)nfslot;
	}
	e->facts = facts;
	e->viewed = true;
	if (!e->fingerprint)
		return DOPPEL_OK;
	if (nkeys) {
		doppel__lsh_keys(x->lk, ksig, x->kkeys);
		if (doppel__lsh_insert(x->lk, slot, x->kkeys))
			return DOPPEL_E_NOMEM;
	}
	if (nanchors) {
		doppel__lsh_keys(x->la, asig, x->akeys);
		if (doppel__lsh_insert(x->la, slot, x->akeys))
			return DOPPEL_E_NOMEM;
	}
	e->ncontain = (uint32_t)nfp;
	for (size_t i = 0; i < nfp; i++) {
		if (i + CONTAIN_AHEAD < nfp && x->wcell)
			CELL_PREFETCH(x, fp[i + CONTAIN_AHEAD]);
		if (contain_post(x, fp[i], slot))
			return DOPPEL_E_NOMEM;
	}
	for (size_t i = 0; i < nanchor; i++) {
		if (DOPPEL__ANCHOR_KIND(anchor[i]) == DOPPEL__ANCHOR_DATE)
			continue;
		struct doppel__plist *l = plist(x, anchor[i], true);
		if (!l || plist_post(x, l, slot))
			return DOPPEL_E_NOMEM;
	}
	return DOPPEL_OK;
}

/* The entry of stored article num (entries are in num order). */
static bool slot_of(const doppel_index *x, int64_t num, uint32_t *slot)
{
	size_t lo = 0, hi = x->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (x->e[mid].num < num)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < x->n && x->e[lo].num == num) {
		*slot = (uint32_t)lo;
		return true;
	}
	return false;
}

/* Notes that entry d derives from entry src (directed), or that the two,
 * d added after src, are a derivation of no known direction. */
static int add_source(doppel_index *x, uint32_t d, uint32_t src, float strength,
                      doppel_relation rel, bool directed)
{
	entry_t *e = &x->e[d];
	struct doppel__src *g = doppel__realloc_array(e->src, e->nsrc + 1, sizeof(*e->src));
	if (!g)
		return DOPPEL_E_NOMEM;
	e->src = g;
	e->src[e->nsrc++] =
		(struct doppel__src){src, strength, rel != DOPPEL_REL_EXCERPT, directed};
	x->e[src].taken = (uint16_t)(x->e[src].taken + (x->e[src].taken < UINT16_MAX));
	return DOPPEL_OK;
}

/* Two articles of one derivation: an undated one takes the other's date
 * when it is earlier than what it has. */
static void infer_when(entry_t *a, entry_t *b)
{
	if (a->date == DOPPEL_NO_DATE && b->date != DOPPEL_NO_DATE &&
	    (a->when == DOPPEL_NO_DATE || b->date < a->when))
		a->when = b->date;
	if (b->date == DOPPEL_NO_DATE && a->date != DOPPEL_NO_DATE &&
	    (b->when == DOPPEL_NO_DATE || a->date < b->when))
		b->when = a->date;
}

static int set_event_story(doppel_index *x, int64_t event, int64_t story)
{
	if (event <= 0)
		return DOPPEL_OK;
	size_t need = (size_t)event + 1;
	if (need > x->evcap) {
		size_t cap = x->evcap;
		if (doppel__grow((void **)&x->evstory, &cap, need, sizeof(*x->evstory)))
			return DOPPEL_E_NOMEM;
		memset(x->evstory + x->evcap, 0, (cap - x->evcap) * sizeof(*x->evstory));
		x->evcap = cap;
	}
	x->evstory[event] = story;
	return DOPPEL_OK;
}

static int64_t story_of_event(const doppel_index *x, int64_t event)
{
	return event > 0 && (size_t)event < x->evcap ? x->evstory[event] : 0;
}

static void le16(const uint8_t *b, uint16_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (uint16_t)doppel__get_le(b + 2 * i, 2);
}

/* Each article's views (keys, anchors, facts and containment keys), from
 * the views table. */
static int load_views(doppel_index *x)
{
	sqlite3 *db = doppel__store_db(x->store);
	sqlite3_stmt *st = NULL;
	int rc = DOPPEL_OK, step;
	uint16_t ks[K2], as[K2];
	uint64_t *anch = NULL;
	size_t anchcap = 0;
	/* A database opened read-only may predate the facts column. */
	if (sqlite3_prepare_v2(db,
	                       "SELECT num, ksig, nkeys, asig, nanchors, nsent, anchors, facts,"
	                       " contain FROM views ORDER BY num",
	                       -1, &st, NULL) != SQLITE_OK &&
	    sqlite3_prepare_v2(db,
	                       "SELECT num, ksig, nkeys, asig, nanchors, nsent, anchors, NULL,"
	                       " NULL FROM views ORDER BY num",
	                       -1, &st, NULL) != SQLITE_OK)
		return doppel__store_error(x->store, "loading views", x->err);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		uint32_t slot;
		if (!slot_of(x, sqlite3_column_int64(st, 0), &slot))
			continue;
		const uint8_t *kb = sqlite3_column_blob(st, 1),
			      *ab = sqlite3_column_blob(st, 3);
		const uint8_t *an = sqlite3_column_blob(st, 6);
		size_t nan = (size_t)sqlite3_column_bytes(st, 6) / 8;
		const uint8_t *fb = sqlite3_column_blob(st, 7);
		bool facts = sqlite3_column_type(st, 7) == SQLITE_BLOB;
		size_t nfs = facts ? (size_t)sqlite3_column_bytes(st, 7) / 8 : 0;
		const uint8_t *cb = sqlite3_column_blob(st, 8);
		size_t nfp = (size_t)sqlite3_column_bytes(st, 8) / 4;
		if (!kb || !ab || sqlite3_column_bytes(st, 1) != 2 * K2 ||
		    sqlite3_column_bytes(st, 3) != 2 * K2)
			continue; /* damaged: the article takes part in copies only */
		le16(kb, ks, K2);
		le16(ab, as, K2);
		if (doppel__grow((void **)&anch, &anchcap, nan + nfs + 1, sizeof(*anch))) {
			rc = DOPPEL_E_NOMEM;
			break;
		}
		for (size_t i = 0; i < nan; i++)
			anch[i] = doppel__get_le(an + 8 * i, 8);
		for (size_t i = 0; i < nfs; i++)
			anch[nan + i] = doppel__get_le(fb + 8 * i, 8);
		if (doppel__grow((void **)&x->wfp, &x->wfpcap, nfp + 1, sizeof(*x->wfp))) {
			rc = DOPPEL_E_NOMEM;
			break;
		}
		for (size_t i = 0; i < nfp; i++)
			x->wfp[i] = (uint32_t)doppel__get_le(cb + 4 * i, 4);
		if ((rc = remember_views(x, slot, ks, (uint32_t)sqlite3_column_int64(st, 2), as,
		                         (uint32_t)sqlite3_column_int64(st, 4),
		                         (uint32_t)sqlite3_column_int64(st, 5), anch, nan,
		                         anch + nan, nfs, facts, x->wfp, nfp)))
			break;
	}
	if (rc == DOPPEL_OK && step != SQLITE_DONE)
		rc = doppel__store_error(x->store, "loading views", x->err);
	sqlite3_finalize(st);
	free(anch);
	return rc;
}

/* Each derivation's source and strength (or, of no known direction, its
 * earlier added article, kept by the later), and the dates undated articles
 * take from their derivations. */
static int load_sources(doppel_index *x)
{
	sqlite3 *db = doppel__store_db(x->store);
	sqlite3_stmt *st = NULL;
	int rc = DOPPEL_OK, step;
	if (sqlite3_prepare_v2(
		    db,
		    "SELECT a, b, a_source,"
		    " containment + CASE WHEN relation <= 2 THEN 1 ELSE aligned END, basis,"
		    " relation"
		    " FROM relations"
		    " WHERE relation IN (1, 2, 3, 6)",
		    -1, &st, NULL) != SQLITE_OK)
		return doppel__store_error(x->store, "loading relations", x->err);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		uint32_t sa, sb;
		if (!slot_of(x, sqlite3_column_int64(st, 0), &sa) ||
		    !slot_of(x, sqlite3_column_int64(st, 1), &sb))
			continue;
		infer_when(&x->e[sa], &x->e[sb]);
		bool directed = sqlite3_column_int(st, 4) != DOPPEL_BASIS_NONE;
		/* undirected: kept by the later added, as link_sources() keeps it */
		bool a_source = directed ? sqlite3_column_int(st, 2) != 0 : sa < sb;
		float strength = (float)sqlite3_column_double(st, 3);
		doppel_relation rel = (doppel_relation)sqlite3_column_int(st, 5);
		if ((rc = add_source(x, a_source ? sb : sa, a_source ? sa : sb, strength, rel,
		                     directed)))
			break;
	}
	if (rc == DOPPEL_OK && step != SQLITE_DONE)
		rc = doppel__store_error(x->store, "loading relations", x->err);
	sqlite3_finalize(st);
	return rc;
}

/* The story of each event. */
static int load_events(doppel_index *x)
{
	sqlite3 *db = doppel__store_db(x->store);
	sqlite3_stmt *st = NULL;
	int rc = DOPPEL_OK, step;
	if (sqlite3_prepare_v2(db, "SELECT num, story FROM events", -1, &st, NULL) != SQLITE_OK)
		return doppel__store_error(x->store, "loading events", x->err);
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		if ((rc = set_event_story(x, sqlite3_column_int64(st, 0),
		                          sqlite3_column_int64(st, 1))))
			break;
	if (rc == DOPPEL_OK && step != SQLITE_DONE)
		rc = doppel__store_error(x->store, "loading events", x->err);
	sqlite3_finalize(st);
	return rc;
}

/* The word counts of rarity, whole and in parts. */
static int load_rarity(doppel_index *x)
{
	sqlite3 *db = doppel__store_db(x->store);
	sqlite3_stmt *st = NULL;
	int rc = DOPPEL_OK, step = SQLITE_DONE;
	/* Rows from RARITY_ROW0 on hold the parts; below, the layouts of
	 * earlier versions, read first (row 1 the counts whole, then 64
	 * parts), so that the parts, newer, set the counts of their keys
	 * last. Articles counted are those of the newest part. A damaged row
	 * is skipped: counting its keys starts again. */
	if (sqlite3_prepare_v2(db, "SELECT sum(length(counts)) FROM rarity", -1, &st, NULL) !=
	    SQLITE_OK)
		return doppel__store_error(x->store, "loading word counts", x->err);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    doppel__rarity_reserve(&x->rar, (size_t)sqlite3_column_int64(st, 0) / 12))
		rc = DOPPEL_E_NOMEM;
	sqlite3_finalize(st);
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(db, "SELECT id, counts FROM rarity ORDER BY id", -1, &st,
	                       NULL) != SQLITE_OK)
		return doppel__store_error(x->store, "loading word counts", x->err);
	x->rar_legacy = false;
	x->rar_seq = 0;
	uint32_t docs = 0;
	while (rc == DOPPEL_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const uint8_t *blob = sqlite3_column_blob(st, 1);
		size_t len = (size_t)sqlite3_column_bytes(st, 1);
		const sqlite3_int64 id = sqlite3_column_int64(st, 0);
		x->rar_legacy |= id < RARITY_ROW0;
		if (id == 1) {
			rc = doppel__rarity_load(&x->rar, blob, len);
			docs = x->rar.docs;
			continue;
		}
		uint64_t seq;
		uint32_t part_docs;
		int prc = doppel__rarity_load_part(&x->rar, blob, len, &seq, &part_docs);
		if (prc == DOPPEL_E_NOMEM)
			rc = prc;
		else if (prc == DOPPEL_OK && seq >= x->rar_seq) {
			x->rar_seq = seq;
			docs = part_docs;
		}
	}
	if (rc == DOPPEL_OK && step != SQLITE_ROW && step != SQLITE_DONE)
		rc = doppel__store_error(x->store, "loading word counts", x->err);
	sqlite3_finalize(st);
	x->rar.docs = docs;
	/* Counts read in an earlier layout are written again in parts: every
	 * part is dirty. */
	x->rar_learned = 0;
	for (size_t p = 0; p < DOPPEL__RARITY_PARTS; p++) {
		x->rar_clean[p] = x->rar_legacy ? UINT64_MAX : 0;
		x->rar_written[p] = 0;
	}
	x->nrar_written = x->nrar_saving = 0;
	return rc;
}

/* Views, sources, events and rarity counts, after the articles. */
static int load_deep(doppel_index *x)
{
	int rc = load_views(x);
	if (rc == DOPPEL_OK)
		rc = load_sources(x);
	if (rc == DOPPEL_OK)
		rc = load_events(x);
	if (rc == DOPPEL_OK)
		rc = load_rarity(x);
	return rc;
}

/* (Re)builds everything in memory from the store. */
static int load_all(doppel_index *x)
{
	forget_all(x);
	x->lsh = doppel__lsh_new(x->p.k, x->bands, x->rows);
	if (x->deep) {
		x->lk = doppel__view_lsh(&x->p, DOPPEL__KEYS_THRESHOLD, &x->kb);
		x->la = doppel__view_lsh(&x->p, DOPPEL__ANCHORS_THRESHOLD, &x->ab);
		free(x->kkeys);
		free(x->akeys);
		x->kkeys = doppel__alloc_array(x->kb + 1, sizeof(*x->kkeys));
		x->akeys = doppel__alloc_array(x->ab + 1, sizeof(*x->akeys));
	}
	if (!x->lsh || (x->deep && (!x->lk || !x->la || !x->kkeys || !x->akeys))) {
		doppel__errf(x->err, "out of memory");
		return DOPPEL_E_NOMEM;
	}
	int rc = doppel__store_load(x->store, x->p.k, load_row, x, x->err);
	if (rc == DOPPEL_OK && x->deep)
		rc = load_deep(x);
	/* the sources before the passage keys: a common key keeps its first
	 * holder when the others derive from it (index_excerpt.c) */
	else if (rc == DOPPEL_OK && x->excerpt)
		rc = load_sources(x);
	if (rc == DOPPEL_OK)
		rc = doppel__excerpt_load(x);
	if (rc == DOPPEL_E_NOMEM)
		doppel__errf(x->err, "out of memory loading the index");
	if (rc == DOPPEL_OK) {
		pthread_rwlock_wrlock(&x->lc_lock);
		rc = doppel__store_load_lines(x->store, x->lc, x->err);
		pthread_rwlock_unlock(&x->lc_lock);
	}
	return rc;
}

/* Loads what add and query need, once. */
static int ensure_loaded(doppel_index *x)
{
	if (x->loaded)
		return DOPPEL_OK;
	int rc;
	if ((x->deep || x->excerpt) && !x->wn &&
	    (rc = doppel__wordnet_load(x->p.wordnet_dir, &x->wn, x->err)))
		return rc;
	if ((rc = doppel__excerpt_init(x)))
		return rc;
	if (x->deep && !x->segm) {
		if (!(x->segm = doppel__segmenter_new(x->wn, x->p.seed)) ||
		    doppel__viewer_init(&x->viewer, x->p.seed) ||
		    !(x->cache = calloc(x->ncache, sizeof(*x->cache)))) {
			doppel__errf(x->err, "out of memory");
			return DOPPEL_E_NOMEM;
		}
	}
	if ((rc = load_all(x)))
		return rc;
	x->loaded = true;
	x->lc_saved = doppel__now();
	return DOPPEL_OK;
}

/* ----------------------------------------------------------- open/close */

/* Scratch of a thread that prepares. */
static void work_free(struct doppel__slot_work *w)
{
	if (!w)
		return;
	doppel__tokens_free(&w->tokens);
	doppel__sketcher_free(&w->sketcher);
	doppel__segmenter_free(w->segmenter);
	doppel__facts_free(&w->facts);
	free(w->grams);
	free(w->sortbuf);
	free(w);
}

/* The lock of the line counts prefers the thread that changes them: the
 * threads that prepare, one article at a time, then wait for it. */
static int make_locks(doppel_index *x)
{
	pthread_rwlockattr_t a;
	if (pthread_rwlockattr_init(&a))
		return -1;
#ifdef __GLIBC__
	pthread_rwlockattr_setkind_np(&a, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
#endif
	int rc = pthread_rwlock_init(&x->lc_lock, &a);
	pthread_rwlockattr_destroy(&a);
	if (rc)
		return -1;
	if (pthread_mutex_init(&x->pool_mu, NULL)) {
		pthread_rwlock_destroy(&x->lc_lock);
		return -1;
	}
	x->lc_lock_made = true;
	return 0;
}

int doppel_index_open(doppel_index **out, const char *path, const doppel_params *p,
                      unsigned flags, char *errmsg, size_t errlen)
{
	*out = NULL;
	char err[DOPPEL__ERRLEN] = "";
	int rc = DOPPEL_OK;
	doppel_index *x = NULL;
	if (!path || !p || doppel_params_check(p, err, sizeof(err))) {
		if (!*err)
			doppel__errf(err, "no database path or parameters");
		rc = DOPPEL_E_ARG;
		goto fail;
	}
	x = calloc(1, sizeof(*x));
	if (!x || !(x->lc = calloc(1, sizeof(*x->lc)))) {
		doppel__errf(err, "out of memory");
		rc = DOPPEL_E_NOMEM;
		goto fail;
	}
	if (make_locks(x)) {
		doppel__errf(err, "cannot make a lock");
		rc = DOPPEL_E_NOMEM;
		goto fail;
	}
	x->p = *p;
	x->readonly = flags & DOPPEL_OPEN_READONLY;
	x->ncache = CACHE_SIZE;
	x->deep = p->relations &
	          (DOPPEL_FIND_REWRITE | DOPPEL_FIND_SAME_EVENT | DOPPEL_FIND_SAME_STORY);
	x->excerpt = p->relations & DOPPEL_FIND_EXCERPT;
	if ((rc = doppel__store_open(&x->store, path, flags, flags & DOPPEL_OPEN_ADOPT, &x->p,
	                             err)))
		goto fail;
	x->threads = x->p.threads ? x->p.threads : doppel__ncores();
	if ((rc = doppel_params_bands(&x->p, &x->bands, &x->rows))) {
		if (rc == DOPPEL_E_NOMEM) {
			doppel__errf(err, "out of memory");
			goto fail;
		}
		doppel__errf(err, "%s: stored parameters out of range", path);
		rc = DOPPEL_E_MISMATCH;
		goto fail;
	}
	x->stats.bands = x->bands;
	x->stats.rows = x->rows;
	x->keys = doppel__alloc_array(x->bands, sizeof(*x->keys));
	x->workers = calloc(x->threads, sizeof(*x->workers));
	if (!x->keys || !x->workers) {
		doppel__errf(err, "out of memory");
		rc = DOPPEL_E_NOMEM;
		goto fail;
	}
	for (unsigned t = 0; t < x->threads; t++)
		if (doppel__sketcher_init(&x->workers[t].sketcher, x->p.k, x->p.shingle,
		                          x->p.seed)) {
			doppel__errf(err, "out of memory");
			rc = DOPPEL_E_NOMEM;
			goto fail;
		}
	if (!(flags & DOPPEL_OPEN_LAZY) && (rc = ensure_loaded(x))) {
		doppel__errf(err, "%s", x->err);
		goto fail;
	}
	x->eager = !(flags & DOPPEL_OPEN_LAZY) && !x->readonly;
	*out = x;
	return DOPPEL_OK;
fail:
	if (errmsg && errlen)
		snprintf(errmsg, errlen, "%s", err);
	doppel_index_close(x);
	return rc;
}

static void free_batch_state(doppel_index *x)
{
	free(x->bsk);
	free(x->bsig);
	free(x->brc);
	free(x->bboiler);
	free(x->bpre);
	free(x->blines);
	free(x->bnlines);
	free(x->brep);
	free(x->brepat);
	for (size_t i = 0; i < x->bfeatcap; i++)
		doppel__features_free(&x->bfeat[i]);
	free(x->bfeat);
	free(x->res);
	free(x->matches);
	free(x->mslot);
	free(x->mstart);
	free(x->stamp);
	doppel__index_drop_kept(x);
	free(x->owned);
}

/* Writes one part of the rarity counts (row RARITY_ROW0 + part). */
static int save_part(doppel_index *x, unsigned part)
{
	uint8_t *blob = NULL;
	size_t len = 0;
	if (doppel__rarity_save_part(&x->rar, part, x->rar_seq + 1, &blob, &len)) {
		doppel__errf(x->err, "out of memory");
		return DOPPEL_E_NOMEM;
	}
	int rc = DOPPEL_OK;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(doppel__store_db(x->store),
	                       "INSERT OR REPLACE INTO rarity(id, counts) VALUES(?, ?)", -1,
	                       &st, NULL) != SQLITE_OK) {
		rc = doppel__store_error(x->store, "saving word counts", x->err);
	} else {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)part + RARITY_ROW0);
		sqlite3_bind_blob64(st, 2, blob, len, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = doppel__store_error(x->store, "saving word counts", x->err);
		sqlite3_finalize(st);
	}
	free(blob);
	if (rc == DOPPEL_OK) {
		x->rar_seq++;
		x->rar_saving[x->nrar_saving++] = (uint16_t)part;
	}
	return rc;
}

static bool part_dirty(const doppel_index *x, unsigned p)
{
	return x->rar_clean[p] != x->rar_learned;
}

/* Seconds between two parts' saves: every part within LINES_SAVE_SECONDS,
 * or within the time RARITY_SAVE_BYTES_PER_SECOND takes to write them all. */
static double part_interval(const doppel_index *x)
{
	double cycle = (double)x->rar.used * 12.0 / RARITY_SAVE_BYTES_PER_SECOND;
	if (cycle < LINES_SAVE_SECONDS)
		cycle = LINES_SAVE_SECONDS;
	return cycle / DOPPEL__RARITY_PARTS;
}

/*
 * Saves, inside the open transaction, the line counts when due and the
 * rarity counts a part at a time: one dirty part when its turn has come
 * (part_interval), so that no batch writes them all (tens of megabytes
 * for 100k articles). With force (on close) every dirty part is saved.
 * What was saved counts as such only once the transaction commits
 * (counts_saved).
 */
static int save_counts(doppel_index *x, bool force)
{
	double now = doppel__now();
	x->lc_saving = false;
	x->nrar_saving = 0;
	int rc = DOPPEL_OK;
	if (x->lc_dirty && (force || now - x->lc_saved >= LINES_SAVE_SECONDS)) {
		if ((rc = doppel__store_save_lines(x->store, x->lc, x->err)))
			return rc;
		x->lc_saving = true;
	}
	if (force) {
		for (unsigned p = 0; p < DOPPEL__RARITY_PARTS && rc == DOPPEL_OK; p++)
			if (part_dirty(x, p))
				rc = save_part(x, p);
	} else if (now - x->rar_saved >= part_interval(x)) {
		for (unsigned k = 0; k < DOPPEL__RARITY_PARTS; k++) {
			unsigned p = (x->rar_next + k) % DOPPEL__RARITY_PARTS;
			if (!part_dirty(x, p))
				continue;
			rc = save_part(x, p);
			x->rar_next = (p + 1) % DOPPEL__RARITY_PARTS;
			break;
		}
	}
	/* Every part is in its row now: the rows of earlier layouts are out
	 * of date. */
	size_t written = x->nrar_written;
	for (size_t k = 0; k < x->nrar_saving; k++)
		written += !x->rar_written[x->rar_saving[k]];
	if (rc == DOPPEL_OK && x->rar_legacy && written == DOPPEL__RARITY_PARTS) {
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(doppel__store_db(x->store),
		                       "DELETE FROM rarity WHERE id < ?", -1, &st,
		                       NULL) != SQLITE_OK) {
			rc = doppel__store_error(x->store, "saving word counts", x->err);
		} else {
			sqlite3_bind_int64(st, 1, RARITY_ROW0);
			if (sqlite3_step(st) != SQLITE_DONE)
				rc = doppel__store_error(x->store, "saving word counts",
				                         x->err);
			sqlite3_finalize(st);
		}
	}
	return rc;
}

/* What save_counts() saved is in the database: the transaction committed. */
static void counts_saved(doppel_index *x)
{
	double now = doppel__now();
	if (x->lc_saving) {
		x->lc_dirty = false;
		x->lc_saved = now;
	}
	for (size_t k = 0; k < x->nrar_saving; k++) {
		unsigned p = x->rar_saving[k];
		x->rar_clean[p] = x->rar_learned;
		if (!x->rar_written[p]) {
			x->rar_written[p] = 1;
			x->nrar_written++;
		}
	}
	if (x->nrar_saving)
		x->rar_saved = now;
	if (x->nrar_written == DOPPEL__RARITY_PARTS)
		x->rar_legacy = false;
	x->lc_saving = false;
	x->nrar_saving = 0;
}

void doppel_index_close(doppel_index *x)
{
	if (!x)
		return;
	if (x->store && !x->readonly && x->loaded) {
		/* Best effort: the articles are safe already; counts only help. */
		char err[DOPPEL__ERRLEN];
		if (doppel__store_begin(x->store, err) == DOPPEL_OK) {
			if (save_counts(x, true) == DOPPEL_OK)
				doppel__store_commit(x->store, err);
			else
				doppel__store_rollback(x->store);
		}
	}
	sqlite3_finalize(x->st_event);
	sqlite3_finalize(x->st_story);
	sqlite3_finalize(x->st_rel);
	sqlite3_finalize(x->st_members);
	sqlite3_finalize(x->st_views);
	sqlite3_finalize(x->st_refresh);
	sqlite3_finalize(x->st_count);
	sqlite3_finalize(x->st_lines);
	doppel__index_read_free(x);
	doppel__excerpt_free(x);
	doppel__store_close(x->store);
	forget_all(x);
	if (x->cache)
		for (size_t i = 0; i < x->ncache; i++)
			doppel__features_free(&x->cache[i].feat);
	free(x->cache);
	free(x->ksigs);
	free(x->asigs);
	free(x->kkeys);
	free(x->akeys);
	free(x->wfp);
	free(x->wmet);
	free(x->wlist);
	free(x->whit);
	doppel__segmenter_free(x->segm);
	doppel__viewer_free(&x->viewer);
	if (!x->wn_borrowed)
		doppel__wordnet_free(x->wn);
	doppel__tokens_free(&x->btok);
	free(x->body);
	free(x->bodysort);
	doppel__segmenter_free(x->xsegm);
	doppel__wordnet_free(x->xwn);
	free(x->e);
	free(x->sigs);
	free(x->lines);
	free(x->wblob);
	free(x->lc);
	free(x->keys);
	if (x->workers) {
		for (unsigned t = 0; t < x->threads; t++) {
			doppel__tokens_free(&x->workers[t].tokens);
			doppel__sketcher_free(&x->workers[t].sketcher);
			doppel__segmenter_free(x->workers[t].segmenter);
			doppel__facts_free(&x->workers[t].facts);
			free(x->workers[t].grams);
			free(x->workers[t].sortbuf);
		}
		free(x->workers);
	}
	for (size_t i = 0; i < x->npool; i++)
		work_free(x->pool[i]);
	free(x->pool);
	if (x->lc_lock_made) {
		pthread_rwlock_destroy(&x->lc_lock);
		pthread_mutex_destroy(&x->pool_mu);
	}
	free_batch_state(x);
	free(x);
}

uint64_t doppel_index_count(const doppel_index *x)
{
	if (!x)
		return 0;
	if (x->loaded)
		return x->alive;
	/* A lazy handle counts in the database. */
	sqlite3_stmt *st = NULL;
	uint64_t n = 0;
	if (sqlite3_prepare_v2(doppel__store_db(x->store), "SELECT count(*) FROM articles", -1,
	                       &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

void doppel_index_stats(const doppel_index *x, doppel_stats *out)
{
	*out = x->stats;
}

void doppel_index_params(const doppel_index *x, doppel_params *out)
{
	*out = x->p;
}

const char *doppel_index_errmsg(const doppel_index *x)
{
	return x ? x->err : "no index";
}

void doppel__index_set_cache(doppel_index *x, size_t n)
{
	if (!x->cache && n)
		x->ncache = n;
}

int doppel__index_open_memory(doppel_index **out, const doppel_params *p, size_t ncache,
                              size_t articles, doppel__text_fn text_fn, void *ctx,
                              const doppel__wordnet *wn, char *err)
{
	int rc = doppel_index_open(out, ":memory:", p, DOPPEL_OPEN_LAZY | DOPPEL__OPEN_MEMORY,
	                           err, DOPPEL__ERRLEN);
	if (rc)
		return rc;
	doppel_index *x = *out;
	if (wn) {
		/* read only, as every thread of the index reads its own */
		x->wn = (doppel__wordnet *)(uintptr_t)wn;
		x->wn_borrowed = true;
	}
	x->ncache = ncache ? ncache : 1;
	x->text_fn = text_fn;
	x->reread = text_fn && articles > x->ncache;
	x->expect = articles;
	x->text_ctx = ctx;
	if ((rc = ensure_loaded(x))) {
		doppel__errf(err, "%s", x->err);
		doppel_index_close(x);
		*out = NULL;
		return rc;
	}
	x->eager = true;
	return DOPPEL_OK;
}

/* --------------------------------------------------------------- sketch */

struct sketch_ctx {
	doppel_index *x;
	const doppel_batch *b;
};

/* Normalizes, sketches and (deep) segments one article with w's scratch,
 * dropping the repeated lines rep holds: what doppel_index_prepare() does
 * ahead and sketch_batch() does itself. */
static int sketch_article(const doppel_index *x, struct doppel__slot_work *w,
                          const doppel_article *a, const doppel__repeated *rep,
                          doppel__sketch *sk, unsigned *boiler, doppel__features *f)
{
	uint64_t skey = doppel__source_key(a->source, x->p.seed);
	int rc = doppel__normalize(a->text, a->text_len, skey, rep, x->p.seed, &w->tokens);
	if (rc == DOPPEL_OK)
		rc = doppel__sketch_tokens(&w->sketcher, &w->tokens, sk);
	if (rc == DOPPEL_OK) {
		size_t nn = doppel__numbers(&w->tokens, &f->fig, &f->figcap);
		if (nn == (size_t)-1)
			rc = DOPPEL_E_NOMEM;
		f->nfig = rc == DOPPEL_OK ? nn : 0;
		sk->fig = f->fig;
		sk->nfig = (uint32_t)f->nfig;
	}
	/* The token fingerprints, posted by a search for copies alone; a
	 * database on disk keeps them for one opened so later. */
	f->nckey = 0;
	if (rc == DOPPEL_OK && (!x->deep || doppel__store_keeps_texts(x->store)))
		rc = doppel__sketch_keys(&w->sketcher, &f->ckey, &f->nckey, &f->ckeycap);
	sk->ckey = f->ckey;
	sk->nckey = rc == DOPPEL_OK ? (uint32_t)f->nckey : 0;
	/* Copies alone: the tokens, which the headline rule may ask of it
	 * as a probe (probe_body), so that it is not tokenized again. */
	if (rc == DOPPEL_OK && !x->deep) {
		const doppel__tokens *t = &w->tokens;
		if (doppel__grow((void **)&f->body, &f->bodycap, t->n + 1, sizeof(*f->body))) {
			rc = DOPPEL_E_NOMEM;
		} else {
			for (size_t i = 0; i < t->n; i++)
				f->body[i] = (uint32_t)t->hash[i];
			f->nbody = t->n;
		}
	}
	*boiler = rc == DOPPEL_OK ? w->tokens.boilerplate : 0;
	f->nsent = f->ntok = f->nanchor = f->nfslot = 0;
	if (rc == DOPPEL_OK && (x->deep || x->excerpt) && sk->fingerprint) {
		/* The facts come with the segmentation, in the same pass over
		 * the words; only their template slots are kept. */
		if (!w->segmenter && !(w->segmenter = doppel__segmenter_new(x->wn, x->p.seed)))
			rc = DOPPEL_E_NOMEM;
		else
			rc = doppel__facts_extract(w->segmenter, a->text, a->text_len, skey,
			                           rep, f, &w->facts);
		if (rc == DOPPEL_OK && doppel__grow((void **)&f->fslot, &f->fslotcap,
		                                    w->facts.nslot + 1, sizeof(*f->fslot)))
			rc = DOPPEL_E_NOMEM;
		if (rc == DOPPEL_OK)
			f->nfslot = doppel__slots_pack(w->facts.slot, w->facts.nslot, f->fslot);
	}
	return rc;
}

/* The repeated lines of article i of the batch, as sketch_batch decided. */
static doppel__repeated batch_rep(const doppel_index *x, size_t i)
{
	return (doppel__repeated){x->brep + x->brepat[i], x->brepat[i + 1] - x->brepat[i]};
}

static bool same_rep(const doppel__repeated *a, const uint64_t *b, size_t nb)
{
	return a->n == nb && (!nb || memcmp(a->key, b, nb * sizeof(*b)) == 0);
}

/* Takes what doppel_index_prepare() left for article i, if it was made
 * for x and dropped the lines the batch decided; the features are
 * swapped, so that both keep their buffers. */
static bool take_pre(doppel_index *x, const doppel_batch *b, size_t i)
{
	doppel__pre *pre = doppel__batch_pre(b, i);
	doppel__repeated rep = batch_rep(x, i);
	if (!pre || pre->owner != x || !pre->sketched || !same_rep(&rep, pre->rep, pre->nrep))
		return false;
	doppel__sketch *sk = &x->bsk[i];
	*sk = pre->sk;
	sk->sig = x->bsig + i * x->p.k;
	memcpy(sk->sig, pre->sig, x->p.k * sizeof(*sk->sig));
	x->bboiler[i] = pre->boiler;
	doppel__features f = x->bfeat[i];
	x->bfeat[i] = pre->feat;
	pre->feat = f;
	if (x->excerpt) {
		uint32_t *pk = x->bpk[i];
		size_t cap = x->bpkcap[i];
		x->bpk[i] = pre->pk;
		x->bnpk[i] = pre->npk;
		x->bpkcap[i] = pre->pkcap;
		pre->pk = pk;
		pre->npk = 0;
		pre->pkcap = cap;
	}
	x->brc[i] = pre->rc;
	x->bpre[i] = pre;
	pre->owner = NULL; /* used up */
	return true;
}

static void sketch_one(void *ctx, size_t i, unsigned worker)
{
	struct sketch_ctx *c = ctx;
	doppel_index *x = c->x;
	x->bpre[i] = NULL;
	if (take_pre(x, c->b, i))
		return;
	doppel__sketch *sk = &x->bsk[i];
	sk->sig = x->bsig + i * x->p.k;
	doppel__repeated rep = batch_rep(x, i);
	const doppel_article *a = doppel_batch_article(c->b, i);
	x->brc[i] = sketch_article(x, &x->workers[worker], a, &rep, sk, &x->bboiler[i],
	                           &x->bfeat[i]);
	if (x->excerpt) {
		x->bnpk[i] = 0;
		if (x->brc[i] == DOPPEL_OK && sk->fingerprint)
			x->brc[i] =
				doppel__excerpt_keys(x, &x->workers[worker], &x->bfeat[i],
			                             &x->bpk[i], &x->bnpk[i], &x->bpkcap[i]);
	}
	/* A prepared article whose dropped lines the batch changed keeps its
	 * compressed text for the store. */
	doppel__pre *pre = doppel__batch_pre(c->b, i);
	if (pre && pre->owner == x && pre->ztext)
		x->bpre[i] = pre;
}

/* A prepare caller's scratch, from the pool or new; NULL when out of
 * memory. */
static struct doppel__slot_work *pool_get(doppel_index *x)
{
	struct doppel__slot_work *w = NULL;
	pthread_mutex_lock(&x->pool_mu);
	if (x->npool)
		w = x->pool[--x->npool];
	pthread_mutex_unlock(&x->pool_mu);
	if (w)
		return w;
	if (!(w = calloc(1, sizeof(*w))))
		return NULL;
	if (doppel__sketcher_init(&w->sketcher, x->p.k, x->p.shingle, x->p.seed)) {
		free(w);
		return NULL;
	}
	return w;
}

static void pool_put(doppel_index *x, struct doppel__slot_work *w)
{
	pthread_mutex_lock(&x->pool_mu);
	bool kept =
		!doppel__grow((void **)&x->pool, &x->poolcap, x->npool + 1, sizeof(*x->pool));
	if (kept)
		x->pool[x->npool++] = w;
	pthread_mutex_unlock(&x->pool_mu);
	if (!kept)
		work_free(w);
}

/* The text work of doppel_index_prepare() for one article: its lines'
 * keys, the repeated ones by the counts of now, then the text without
 * them. The thread that adds checks the repeated lines again. */
static int prepare_one(doppel_index *x, struct doppel__slot_work *w, const doppel_article *a,
                       doppel__pre *pre)
{
	doppel__tokens *t = &w->tokens;
	int rc = doppel__line_keys(a->text, a->text_len,
	                           doppel__source_key(a->source, x->p.seed), x->p.seed, t);
	if (rc)
		return rc;
	if (t->nlines && (!(pre->lines = doppel__alloc_array(t->nlines, sizeof(*pre->lines))) ||
	                  !(pre->rep = doppel__alloc_array(t->nlines, sizeof(*pre->rep)))))
		return DOPPEL_E_NOMEM;
	if (t->nlines) {
		memcpy(pre->lines, t->lines, t->nlines * sizeof(*t->lines));
		memcpy(pre->rep, t->lines, t->nlines * sizeof(*t->lines));
	}
	pre->nlines = t->nlines;
	pre->lines_known = true;
	pthread_rwlock_rdlock(&x->lc_lock);
	pre->nrep = doppel__repeated_pick(x->lc, x->p.boilerplate_min, pre->rep, pre->nlines);
	pthread_rwlock_unlock(&x->lc_lock);
	doppel__repeated rep = {pre->rep, pre->nrep};
	rc = sketch_article(x, w, a, &rep, &pre->sk, &pre->boiler, &pre->feat);
	if (rc == DOPPEL_OK && x->excerpt && pre->sk.fingerprint)
		rc = doppel__excerpt_keys(x, w, &pre->feat, &pre->pk, &pre->npk, &pre->pkcap);
	return rc;
}

int doppel_index_prepare(doppel_index *x, doppel_batch *b)
{
	if (!x || !b)
		return DOPPEL_E_ARG;
	if (!x->eager)
		return DOPPEL_OK;
	struct doppel__slot_work *w = pool_get(x);
	if (!w)
		return DOPPEL_E_NOMEM;
	int rc = DOPPEL_OK;
	const size_t k = x->p.k;
	for (size_t i = 0; i < doppel_batch_count(b) && rc == DOPPEL_OK; i++) {
		doppel__pre *pre = doppel__batch_pre(b, i);
		if (pre && pre->owner == x)
			continue;
		if (!(pre = calloc(1, sizeof(*pre) + k * sizeof(*pre->sig)))) {
			rc = DOPPEL_E_NOMEM;
			break;
		}
		pre->sk.sig = pre->sig;
		/* One article at a time, so that the thread that adds waits at
		 * most that long to count lines. */
		const doppel_article *a = doppel_batch_article(b, i);
		pre->rc = prepare_one(x, w, a, pre);
		/* What storing it needs (a database in memory keeps no text). */
		if (pre->rc == DOPPEL_OK && doppel__store_keeps_texts(x->store) &&
		    doppel__store_compress(a->text, a->text_len, &pre->ztext, &pre->zlen))
			pre->rc = DOPPEL_E_NOMEM;
		if (pre->rc == DOPPEL_E_NOMEM) {
			doppel__pre_free(pre);
			rc = DOPPEL_E_NOMEM;
			break;
		}
		pre->owner = x;
		pre->sketched = true;
		doppel__batch_set_pre(b, i, pre);
	}
	pool_put(x, w);
	return rc;
}

struct lines_ctx {
	doppel_index *x;
	const doppel_batch *b;
	int rc;
};

/* The keys of article i's lines, from what prepare found or read now. */
static void lines_one(void *ctx, size_t i, unsigned worker)
{
	struct lines_ctx *c = ctx;
	doppel_index *x = c->x;
	const doppel__pre *pre = doppel__batch_pre(c->b, i);
	const uint64_t *lines;
	size_t n;
	if (pre && pre->owner == x && pre->lines_known) {
		lines = pre->lines;
		n = pre->nlines;
	} else {
		const doppel_article *a = doppel_batch_article(c->b, i);
		doppel__tokens *t = &x->workers[worker].tokens;
		if (doppel__line_keys(a->text, a->text_len,
		                      doppel__source_key(a->source, x->p.seed), x->p.seed, t)) {
			c->rc = DOPPEL_E_NOMEM;
			t->nlines = 0;
		}
		lines = t->lines;
		n = t->nlines;
	}
	x->bnlines[i] = n;
	x->blines[i] = NULL;
	if (n && !(x->blines[i] = doppel__alloc_array(n, sizeof(*lines))))
		c->rc = DOPPEL_E_NOMEM;
	else if (n)
		memcpy(x->blines[i], lines, n * sizeof(*lines));
}

/* Will article i be stored (as add_one decides), so that its lines count? */
static bool will_store(const doppel_index *x, const doppel_article *a, doppel_on_dup on_dup,
                       doppel__strmap *seen, size_t i)
{
	if (!a->id || !*a->id)
		return false;
	uint32_t old;
	bool dup = (doppel__strmap_get(&x->ids, a->id, &old) && x->e[old].alive) ||
	           doppel__strmap_get(seen, a->id, &old);
	if (dup && on_dup != DOPPEL_DUP_REPLACE)
		return false;
	(void)doppel__strmap_put(seen, a->id, (uint32_t)i);
	return true;
}

/*
 * The repeated lines of every article of b, in order: the keys of its
 * lines that its source's earlier articles (those of this batch before it
 * included) had boilerplate_min times. When learn is set, each article
 * that will be stored then counts its lines, so that what an article
 * drops does not depend on how the articles were cut into batches.
 */
static int batch_repeated(doppel_index *x, const doppel_batch *b, doppel_on_dup on_dup,
                          bool learn)
{
	size_t n = doppel_batch_count(b), total = 0;
	struct lines_ctx c = {x, b, DOPPEL_OK};
	doppel__parallel_for(x->threads, n, lines_one, &c);
	for (size_t i = 0; i < n; i++)
		total += x->bnlines[i];
	size_t cap = x->brepcap;
	if (c.rc || doppel__grow((void **)&x->brep, &cap, total + 1, sizeof(*x->brep)))
		return DOPPEL_E_NOMEM;
	x->brepcap = cap;
	doppel__strmap seen = {0};
	size_t at = 0;
	x->brepat[0] = 0;
	for (size_t i = 0; i < n; i++) {
		size_t nl = x->bnlines[i];
		if (nl)
			memcpy(x->brep + at, x->blines[i], nl * sizeof(*x->brep));
		at += doppel__repeated_pick(x->lc, x->p.boilerplate_min, x->brep + at, nl);
		x->brepat[i + 1] = at;
		if (learn && nl && x->p.boilerplate_min &&
		    will_store(x, doppel_batch_article(b, i), on_dup, &seen, i)) {
			pthread_rwlock_wrlock(&x->lc_lock);
			for (size_t j = 0; j < nl; j++)
				doppel__linecount_add(x->lc, x->blines[i][j]);
			pthread_rwlock_unlock(&x->lc_lock);
			x->lc_dirty = true;
		}
		free(x->blines[i]);
		x->blines[i] = NULL;
	}
	doppel__strmap_free(&seen);
	return DOPPEL_OK;
}

/* Prepares per-batch state and sketches every article of b; when learn is
 * set, the lines of the articles to store are counted first. */
static int sketch_batch(doppel_index *x, const doppel_batch *b, doppel_on_dup on_dup,
                        bool learn)
{
	int rc = ensure_loaded(x);
	if (rc)
		return rc;
	doppel__index_drop_kept(x);
	size_t n = doppel_batch_count(b);
	const unsigned k = x->p.k;
	size_t cap = x->bcap;
	if (n > cap) {
		free(x->bsk);
		free(x->bsig);
		free(x->brc);
		free(x->bboiler);
		free(x->bpre);
		x->bsk = doppel__alloc_array(n, sizeof(*x->bsk));
		x->bpre = doppel__alloc_array(n, sizeof(*x->bpre));
		x->bsig = doppel__alloc_array(n, k * sizeof(*x->bsig));
		x->brc = doppel__alloc_array(n, sizeof(*x->brc));
		x->bboiler = doppel__alloc_array(n, sizeof(*x->bboiler));
		x->bcap = n;
		if (!x->bsk || !x->bsig || !x->brc || !x->bboiler || !x->bpre) {
			x->bcap = 0;
			doppel__errf(x->err, "out of memory");
			return DOPPEL_E_NOMEM;
		}
	}
	if (n > x->bfeatcap) {
		doppel__features *f = doppel__realloc_array(x->bfeat, n, sizeof(*f));
		if (!f) {
			doppel__errf(x->err, "out of memory");
			return DOPPEL_E_NOMEM;
		}
		memset(f + x->bfeatcap, 0, (n - x->bfeatcap) * sizeof(*f));
		x->bfeat = f;
		x->bfeatcap = n;
	}
	if (doppel__grow((void **)&x->res, &x->rescap, n, sizeof(*x->res)) ||
	    doppel__grow((void **)&x->mstart, &x->mstartcap, n + 1, sizeof(*x->mstart)) ||
	    doppel__grow((void **)&x->blines, &x->blinescap, n, sizeof(*x->blines)) ||
	    doppel__grow((void **)&x->bnlines, &x->bnlinescap, n, sizeof(*x->bnlines)) ||
	    doppel__grow((void **)&x->brepat, &x->brepatcap, n + 1, sizeof(*x->brepat))) {
		doppel__errf(x->err, "out of memory");
		return DOPPEL_E_NOMEM;
	}
	x->nres = 0;
	x->nmatch = 0;
	if (doppel__excerpt_batch(x, n)) {
		doppel__errf(x->err, "out of memory");
		return DOPPEL_E_NOMEM;
	}
	double t0 = doppel__now();
	if (batch_repeated(x, b, on_dup, learn)) {
		doppel__errf(x->err, "out of memory");
		return DOPPEL_E_NOMEM;
	}
	struct sketch_ctx c = {x, b};
	doppel__parallel_for(x->threads, n, sketch_one, &c);
	x->stats.sketch_seconds += doppel__now() - t0;
	for (size_t i = 0; i < n; i++) {
		if (x->brc[i] == DOPPEL_E_NOMEM) {
			doppel__errf(x->err, "out of memory");
			return DOPPEL_E_NOMEM;
		}
	}
	return DOPPEL_OK;
}

/* ---------------------------------------------------------------- match */

/* The article being compared with the index. */
struct probe {
	const doppel_article *a;
	const doppel__sketch *sk;
	unsigned boiler;
	/* relations beyond copy */
	const doppel__features *f;
	doppel__prepared prep;
	uint16_t ksig[K2], asig[K2];
	uint32_t nkeys, nanchors;
	bool sure;            /* met through a rare anchor, close in time: no view filter */
	bool contained;       /* met through containment fingerprints (on_contained) */
	doppel__repeated rep; /* the repeated lines its text dropped */
	uint64_t subjects[TITLE_SUBJECTS]; /* its headline's (doppel__title_subjects), */
	size_t nsubjects;                  /* found on first need: it meets many */
	bool subjects_found;               /* entries */
	uint64_t places[TITLE_SUBJECTS];   /* and its headline's place names */
	size_t nplaces;                    /* (doppel__title_places), the same */
	bool body_made;                    /* x->body holds its text's tokens (titles_apart) */
	uint64_t title[TITLE_WORDS];       /* its headline's words no dictionary knows, */
	size_t ntitle;                     /* and tickers (titles_apart), found on */
	bool title_found;                  /* first need */
	int rc;
};

struct match_ctx {
	doppel_index *x;
	struct probe *q;
};

/* By the low 32 bits only. */
static int cmp_u64_low(const void *pa, const void *pb)
{
	uint32_t a = (uint32_t) * (const uint64_t *)pa, b = (uint32_t) * (const uint64_t *)pb;
	return a < b ? -1 : a > b;
}

/* Whether any of the n sorted subjects s is among the sorted anchors a
 * (n2 of them). */
static bool any_of(const uint64_t *s, size_t n, const uint64_t *a, size_t n2)
{
	for (size_t i = 0; i < n; i++)
		if (bsearch(&s[i], a, n2, sizeof(*a), doppel__cmp_u64))
			return true;
	return false;
}

/* Of the n subjects s of a headline, those that few articles name into
 * out: in their texts ("Qtly" heads a dividend's text as often as its
 * headline) and in their headlines ("PAYOUT", "QTLY", "UPS": words of a
 * headline's template that no dictionary knows and texts seldom write; on
 * the Reuters development corpus, two companies' dividend notices shared
 * "PAYOUT" as a subject and were not apart). */
static size_t rare_subjects(const doppel_index *x, const uint64_t *s, size_t n, uint64_t *out)
{
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		if (doppel__rarity_df(&x->rar, s[i]) <= DOPPEL__SPECIFIC_DF &&
		    doppel__rarity_df(&x->rar, doppel__headline_key(s[i])) <=
		            DOPPEL__SPECIFIC_DF)
			out[w++] = s[i];
	return w;
}

/* Counts the subjects of an article's headline (doppel__headline_key):
 * what rare_subjects() asks of a headline's words. */
static int count_headline(doppel_index *x, const char *title)
{
	uint64_t s[2 * TITLE_WORDS];
	size_t np;
	size_t n = doppel__title_places(x->wn, title, x->p.seed, NULL, NULL, s, s + TITLE_WORDS,
	                                &np, TITLE_WORDS);
	memmove(s + n, s + TITLE_WORDS, np * sizeof(*s));
	n += np;
	qsort(s, n, sizeof(*s), doppel__cmp_u64);
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (i == 0 || s[i] != s[i - 1])
			s[m++] = doppel__headline_key(s[i]);
	return doppel__rarity_count(&x->rar, s, m);
}

/* Most tickers of a headline taken as its subjects. */
#define TITLE_TICKERS 4

/* The n subjects s of a headline with its tickers (doppel__title_tickers:
 * a listed company's symbol, whatever a dictionary says of its letters,
 * as "OAT" of Quaker Oats) added, sorted (room for TITLE_TICKERS more);
 * how many. */
static size_t with_tickers(const doppel_index *x, const char *title, uint64_t *s, size_t n)
{
	size_t m = n + doppel__title_tickers(title, x->p.seed, s + n, TITLE_TICKERS);
	if (m > n)
		qsort(s, m, sizeof(*s), doppel__cmp_u64);
	return m;
}

/* Whether many articles write folded word w, or its plural, as a word of
 * their text (doppel__common_fn; ctx is the index, which segments). On
 * the Reuters development corpus, the "500 MLN DLR" of two issuers'
 * shelf filings made them share a subject, and not be apart: the texts
 * write "500 mln dlrs" (and "dlrs" has no stem "dlr": no vowel). */
static bool common_word(void *ctx, const char *w, size_t len)
{
	doppel_index *x = ctx;
	char plural[40];
	if (!x->segm || len + 1 >= sizeof(plural))
		return false;
	memcpy(plural, w, len);
	plural[len] = 's';
	for (size_t n = len; n <= len + 1; n++) {
		uint32_t stem = doppel__segmenter_stem(x->segm, plural, n);
		if (stem &&
		    doppel__rarity_df(&x->rar, doppel__stem_key(stem)) > DOPPEL__SPECIFIC_DF)
			return true;
	}
	return false;
}

/* The subjects of a headline that few articles name into out and its
 * place names that few articles name (doppel__title_places) into places
 * (room for TITLE_SUBJECTS each), *nplaces of them; how many subjects. */
static size_t subjects_places_of(doppel_index *x, const char *title, uint64_t *out,
                                 uint64_t *places, size_t *nplaces)
{
	size_t n = doppel__title_places(x->wn, title, x->p.seed, common_word, x, out, places,
	                                nplaces, TITLE_SUBJECTS);
	*nplaces = rare_subjects(x, places, *nplaces, places);
	return rare_subjects(x, out, n, out);
}

/* x->body: the hashes (low 32 bits) of the tokens of the probe's text,
 * sorted; made on first need, from those its sketch kept (copies alone)
 * or by tokenizing its text again. */
static bool probe_body(doppel_index *x, struct probe *q)
{
	if (q->body_made)
		return true;
	const doppel__features *f = q->f;
	size_t n = f->nbody;
	if (x->deep) {
		uint64_t skey = doppel__source_key(q->a->source, x->p.seed);
		if (doppel__normalize(q->a->text, q->a->text_len, skey, &q->rep, x->p.seed,
		                      &x->btok))
			return false;
		n = x->btok.n;
	}
	if (doppel__grow((void **)&x->body, &x->bodycap, n + 1, sizeof(*x->body)))
		return false;
	if (x->deep)
		for (size_t i = 0; i < n; i++)
			x->body[i] = (uint32_t)x->btok.hash[i];
	else
		memcpy(x->body, f->body, n * sizeof(*x->body));
	if (doppel__sort_u32(x->body, n, &x->bodysort, &x->bodysortcap))
		return false;
	x->nbody = n;
	q->body_made = true;
	return true;
}

/* The words w[0..n) (headline words, as anchors) that are not among
 * o[0..no) nor in the probe's text, into out; how many. */
static size_t own_words(const doppel_index *x, const uint64_t *w, size_t n, const uint64_t *o,
                        size_t no, uint64_t *out)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t low = (uint32_t)w[i];
		if (!bsearch(&w[i], o, no, sizeof(*o), doppel__cmp_u64) &&
		    !bsearch(&low, x->body, x->nbody, sizeof(*x->body), doppel__cmp_u32))
			out[m++] = w[i];
	}
	return m;
}

/* The headlines of the probe and of entry e each name a subject (a rare
 * word no dictionary knows, or a ticker; failing those, a rare place
 * name: "CCC WHEAT CREDIT GUARANTEES FOR NORTH YEMEN") and none the other
 * article names, in its headline or its text: two companies' dividends,
 * two issuers' offerings, two countries' credits (*by_places: apart by
 * their places). Place names count only when neither headline has another
 * subject: more subjects would be more chances to name one the other
 * article names too, and a text's first word, often its subject, is no
 * name anchor. */
static bool subjects_apart(doppel_index *x, struct probe *q, const entry_t *e, bool *by_places)
{
	*by_places = false;
	if (!q->subjects_found) {
		q->nsubjects = doppel__title_places(x->wn, q->a->title, x->p.seed, common_word,
		                                    x, q->subjects, q->places, &q->nplaces,
		                                    TITLE_SUBJECTS);
		q->subjects_found = true;
	}
	uint64_t sa[TITLE_SUBJECTS + TITLE_TICKERS], sb[TITLE_SUBJECTS + TITLE_TICKERS];
	uint64_t pa[TITLE_SUBJECTS], pb[TITLE_SUBJECTS];
	size_t na = rare_subjects(x, q->subjects, q->nsubjects, sa);
	na = with_tickers(x, q->a->title, sa, na);
	size_t npa = na ? 0 : rare_subjects(x, q->places, q->nplaces, pa);
	if (!na && !npa)
		return false; /* the probe's headline names nothing apart */
	size_t npb;
	size_t nb = subjects_places_of(x, e->title, sb, pb, &npb);
	nb = with_tickers(x, e->title, sb, nb);
	if (!na && !nb) {
		memcpy(sa, pa, npa * sizeof(*sa));
		na = npa;
		memcpy(sb, pb, npb * sizeof(*sb));
		nb = npb;
		*by_places = true;
	}
	bool apart = na && nb && !any_of(sa, na, sb, nb) &&
	             !any_of(sa, na, e->anchor, e->nanchor) &&
	             !any_of(sb, nb, q->f->anchor, q->f->nanchor);
	*by_places &= apart;
	return apart;
}

/*
 * Looking for copies alone, nothing is segmented: the headlines of the
 * probe and of entry e each name a word no dictionary knows, or give a
 * ticker, that the other headline does not, and the entry's such word is
 * one the probe's text never names (two companies' dividend notices,
 * word for word the same below them; two issuers' filings of one
 * template, each naming its issuer in its own text). Asked of a pair
 * whose texts are a copy's, so the probe's text stands for both where
 * they are one.
 * The words are first taken whatever a dictionary says, so that WordNet
 * is read only when a pair may be apart (once; never again if it cannot
 * be read: then no pair is).
 */
static bool titles_apart(doppel_index *x, struct probe *q, const entry_t *e)
{
	if (!q->a->title || !e->title || !strcmp(q->a->title, e->title))
		return false;
	uint64_t a[TITLE_WORDS], b[TITLE_WORDS], ao[TITLE_WORDS], bo[TITLE_WORDS];
	size_t na = doppel__title_subjects(NULL, q->a->title, x->p.seed, a, TITLE_WORDS);
	size_t nb = doppel__title_subjects(NULL, e->title, x->p.seed, b, TITLE_WORDS);
	if (!na || !nb || !probe_body(x, q))
		return false;
	/* The other's own words are missing from the probe's text; so are
	 * the probe's when the two texts are one (a copy under a headline of
	 * its own), not when they are two (each report names its subject in
	 * its own text: two issuers' filings of one template). */
	double j, cont;
	doppel__compare(q->sk->sig, q->sk->shingles, x->sigs + (size_t)(e - x->e) * x->p.k,
	                e->shingles, x->p.k, &j, &cont);
	size_t nao = 0, nbo = own_words(x, b, nb, a, na, bo);
	if (j >= x->p.duplicate_jaccard)
		nao = own_words(x, a, na, b, nb, ao);
	else
		for (size_t i = 0; i < na; i++)
			if (!bsearch(&a[i], b, nb, sizeof(*b), doppel__cmp_u64))
				ao[nao++] = a[i];
	if (!nao || !nbo)
		return false;
	if (!x->wn && !x->wn_failed) {
		char err[DOPPEL__ERRLEN];
		x->wn_failed =
			doppel__wordnet_load_words(x->p.wordnet_dir, &x->wn, err) != DOPPEL_OK;
	}
	if (!x->wn)
		return false; /* no dictionary: no pair is apart by its headlines */
	/* the probe's, once: it meets many entries */
	if (!q->title_found) {
		q->ntitle = doppel__title_subjects(x->wn, q->a->title, x->p.seed, q->title,
		                                   TITLE_WORDS - TITLE_TICKERS);
		q->ntitle = with_tickers(x, q->a->title, q->title, q->ntitle);
		q->title_found = true;
	}
	nb = doppel__title_subjects(x->wn, e->title, x->p.seed, b, TITLE_WORDS - TITLE_TICKERS);
	nb = with_tickers(x, e->title, b, nb);
	/* subjects among the words of each that are its own */
	return any_of(ao, nao, q->title, q->ntitle) && any_of(bo, nbo, b, nb);
}

/* What the facts of the probe and of entry e say against relating them. */
static void facts_against(doppel_index *x, struct probe *q, const entry_t *e,
                          doppel__against *g)
{
	doppel__facts_side a = {.slot = q->f->fslot,
	                        .nslot = q->f->nfslot,
	                        .anchor = q->f->anchor,
	                        .nanchor = q->f->nanchor,
	                        .words = q->sk->words,
	                        .known = x->deep && q->sk->fingerprint};
	doppel__facts_side b = {.slot = e->anchor ? e->anchor + e->nanchor : NULL,
	                        .nslot = e->nfslot,
	                        .anchor = e->anchor,
	                        .nanchor = e->nanchor,
	                        .words = e->words,
	                        .known = e->facts};
	doppel__facts_against(&a, &b, g);
	if (e->nfig != DOPPEL__FIG_UNKNOWN)
		g->token_figures = (int)doppel__figures_unstated(
			q->sk->fig, q->sk->nfig, q->sk->words, e->fig, e->nfig, e->words);
	g->keys = -1;
	if (g->known)
		g->subjects = subjects_apart(x, q, e, &g->places);
	else if (g->token_figures == 0)
		g->subjects = titles_apart(x, q, e);
	if (!x->deep || !q->sk->fingerprint || !e->viewed)
		return;
	g->specific = doppel__shared_specific(q->f->anchor, q->f->nanchor, e->anchor,
	                                      e->nanchor, &x->rar, &g->figures);
	double unused;
	size_t other = (size_t)(e - x->e);
	doppel__compare(q->ksig, q->nkeys, x->ksigs + other * K2, e->nkeys, K2, &g->keys,
	                &unused);
}

/* The containment of the probe and entry e that decides a copy
 * (doppel__containment_low), from their shingles' Jaccard j. */
static double decided(const doppel_index *x, const struct probe *q, const entry_t *e, double j)
{
	return doppel__containment_low(j, q->sk->shingles, e->shingles, x->p.k);
}

/* The probe and entry other as a duplicate or a copy, by their shingles'
 * Jaccard j and containment cont (decide: the containment that decides),
 * unless their facts or figures say two reports from one template. */
static void judge_copy(struct match_ctx *c, uint32_t other, double j, double cont,
                       double decide)
{
	doppel_index *x = c->x;
	struct probe *q = c->q;
	const entry_t *e = &x->e[other];
	bool same = q->sk->fingerprint == e->fingerprint;
	if (same)
		j = cont = decide = 1.0;
	doppel_relation rel = doppel__classify(&x->p, j, decide, same);
	if (rel == DOPPEL_REL_NONE || !(x->p.relations & (1u << rel)))
		return;
	doppel__against g;
	facts_against(x, q, e, &g);
	if (doppel__templated(&g, true))
		return;
	if (!doppel__index_push_match(x, other, rel, j, cont))
		q->rc = DOPPEL_E_NOMEM;
}

/* Entry other, met for the first time for this probe, judged by the rule
 * of copies: the containment that decides is decided()'s, or, when the
 * way it was met vouches for it (vouched), the estimate itself, which
 * must reach the containment of a copy. */
static void meet_copy(struct match_ctx *c, uint32_t other, bool vouched)
{
	doppel_index *x = c->x;
	struct probe *q = c->q;
	const entry_t *e = &x->e[other];
	if (!e->alive || !e->fingerprint || x->stamp[other] == x->gen)
		return;
	x->stamp[other] = x->gen;
	x->stats.candidates++;
	double j, cont;
	doppel__compare(q->sk->sig, q->sk->shingles, x->sigs + (size_t)other * x->p.k,
	                e->shingles, x->p.k, &j, &cont);
	if (!vouched)
		judge_copy(c, other, j, cont, decided(x, q, e, j));
	else if (cont >= x->p.copy_containment)
		judge_copy(c, other, j, cont, cont);
}

static void on_shingles(void *ctx, uint32_t other)
{
	meet_copy(ctx, other, false);
}

/* What the facts of the probe and entry other, which its passages met,
 * say against them (doppel__veto_fn; ctx is a struct match_ctx): two
 * templated reports, as on_shingles() asks of a duplicate or a copy
 * (DOPPEL__VETO_TEMPLATED); headlines that name subjects the other
 * article never names (DOPPEL__VETO_SUBJECTS). */
static unsigned copy_vetoes(void *ctx, uint32_t other)
{
	struct match_ctx *c = ctx;
	doppel__against g;
	facts_against(c->x, c->q, &c->x->e[other], &g);
	return (doppel__templated(&g, true) ? DOPPEL__VETO_TEMPLATED : 0) |
	       (g.subjects ? DOPPEL__VETO_SUBJECTS : 0) | (g.places ? DOPPEL__VETO_PLACES : 0);
}

/* The repeated lines stored article num dropped when it was added, into
 * x->lines (sorted keys); none for a database that did not keep them. */
static int stored_repeated(doppel_index *x, int64_t num, doppel__repeated *rep,
                           const uint8_t **weights, size_t *nweights)
{
	*rep = (doppel__repeated){NULL, 0};
	*weights = NULL;
	*nweights = 0;
	if (!x->st_lines && sqlite3_prepare_v2(doppel__store_db(x->store),
	                                       "SELECT lines, weights FROM views WHERE num = ?",
	                                       -1, &x->st_lines, NULL) != SQLITE_OK)
		return DOPPEL_OK; /* an older database: nothing was kept */
	sqlite3_bind_int64(x->st_lines, 1, num);
	int rc = DOPPEL_OK;
	if (sqlite3_step(x->st_lines) == SQLITE_ROW) {
		const uint8_t *blob = sqlite3_column_blob(x->st_lines, 0);
		size_t n = (size_t)sqlite3_column_bytes(x->st_lines, 0) / 8;
		const uint8_t *w = sqlite3_column_blob(x->st_lines, 1);
		size_t nw = (size_t)sqlite3_column_bytes(x->st_lines, 1);
		if ((n &&
		     doppel__grow((void **)&x->lines, &x->linescap, n, sizeof(*x->lines))) ||
		    (nw && doppel__grow((void **)&x->wblob, &x->wblobcap, nw, 1)))
			rc = DOPPEL_E_NOMEM;
		for (size_t i = 0; rc == DOPPEL_OK && i < n; i++)
			x->lines[i] = doppel__get_le(blob + 8 * i, 8);
		if (rc == DOPPEL_OK) {
			*rep = (doppel__repeated){x->lines, n};
			if (w && nw) {
				memcpy(x->wblob, w, nw);
				*weights = x->wblob;
				*nweights = nw;
			}
		}
	}
	sqlite3_reset(x->st_lines);
	return rc;
}

int doppel__index_text(doppel_index *x, uint32_t slot, char **text, size_t *len, char **source)
{
	const entry_t *e = &x->e[slot];
	char *unused = NULL;
	int rc;
	if (x->text_fn) {
		rc = x->text_fn(x->text_ctx, e->id, text, len, source);
		if (rc == DOPPEL_E_NOMEM)
			doppel__errf(x->err, "out of memory");
		else if (rc)
			doppel__errf(x->err, "article %s: no text kept", e->id);
		return rc;
	}
	rc = doppel__store_text(x->store, e->num, text, len, source ? source : &unused, x->err);
	free(unused);
	return rc;
}

/* What a cached article keeps once prepared: the prepared keys, weights
 * and anchors, and its count of sentences. Its sentences, words, spans
 * and fact slots are dropped (comparisons read only the prepared form;
 * the fact slots live in the entry's views), so are the counts its weights
 * came from (stored already), and its anchors take no more room than they
 * fill: most of an article's state in memory otherwise. */
static void compact_cached(struct doppel__cached *c)
{
	doppel__features *f = &c->feat;
	doppel__prepared_drop_counts(&c->prep);
	free(f->sent);
	free(f->tok);
	free(f->span);
	free(f->fslot);
	free(f->fig);
	free(f->ckey);
	f->sent = NULL;
	f->tok = NULL;
	f->span = NULL;
	f->fslot = NULL;
	f->fig = NULL;
	f->ckey = NULL;
	f->sentcap = f->tokcap = f->spancap = f->fslotcap = f->figcap = f->ckeycap = 0;
	f->ntok = f->nspan = f->nfslot = f->nfig = f->nckey = 0;
	if (f->anchorcap > f->nanchor && f->nanchor) {
		uint64_t *an = realloc(f->anchor, f->nanchor * sizeof(*an));
		if (an) {
			f->anchor = an;
			f->anchorcap = f->nanchor;
			c->prep.anchor = an;
		}
	}
}

/*
 * A stored article segmented and prepared with the weights of when it was
 * added: from the cache, or segmented again from its stored text
 * (dropping the lines it dropped then) and given back the weights stored
 * with its views. Either way the same figures: what an index finds does
 * not depend on what its cache holds. (A database made before the weights
 * were stored weighs such an article by the counts of now.)
 */
static const struct doppel__cached *prepared_of(doppel_index *x, uint32_t slot, int *rc)
{
	struct doppel__cached *c = &x->cache[slot % x->ncache];
	if (c->slot1 == slot + 1)
		return c;
	doppel__prepared_free(&c->prep);
	c->slot1 = 0;
	char *text = NULL, *source = NULL;
	size_t len = 0;
	doppel__repeated rep;
	const uint8_t *w;
	size_t nw;
	*rc = stored_repeated(x, x->e[slot].num, &rep, &w, &nw);
	if (*rc == DOPPEL_OK)
		*rc = doppel__index_text(x, slot, &text, &len, &source);
	if (*rc == DOPPEL_OK)
		*rc = doppel__segment(x->segm, text, len, doppel__source_key(source, x->p.seed),
		                      &rep, &c->feat);
	if (*rc == DOPPEL_OK)
		*rc = doppel__prepare(&c->feat, &x->rar, &c->prep);
	if (*rc == DOPPEL_OK && nw &&
	    (doppel__store_keeps_texts(x->store)
	             ? doppel__prepared_set_weights(&c->prep, w, nw)
	             : doppel__prepared_set_counts(&c->prep, w, nw)) == DOPPEL_E_NOMEM)
		*rc = DOPPEL_E_NOMEM;
	free(text);
	free(source);
	if (*rc)
		return NULL;
	compact_cached(c);
	c->slot1 = slot + 1;
	return c;
}

static void on_views(void *ctx, uint32_t other)
{
	struct match_ctx *c = ctx;
	doppel_index *x = c->x;
	struct probe *q = c->q;
	const entry_t *e = &x->e[other];
	if (q->rc || !e->alive || !e->viewed || !e->fingerprint || x->stamp[other] == x->gen)
		return;
	x->stamp[other] = x->gen;
	uint32_t apart = doppel__days_apart(q->a->date, e->date);
	if (x->p.window_days && apart > x->p.window_days)
		return;
	x->stats.candidates++;
	if (!q->sure && !doppel__views_close(q->ksig, q->nkeys, q->asig, q->nanchors,
	                                     x->ksigs + (size_t)other * K2, e->nkeys,
	                                     x->asigs + (size_t)other * K2, e->nanchors))
		return;
	x->stats.verified++;
	int rc = DOPPEL_OK;
	const struct doppel__cached *o = prepared_of(x, other, &rc);
	if (!o) {
		q->rc = rc;
		return;
	}
	double j, cont;
	doppel__compare(q->sk->sig, q->sk->shingles, x->sigs + (size_t)other * x->p.k,
	                e->shingles, x->p.k, &j, &cont);
	doppel__evidence ev;
	doppel_relation rel;
	doppel__against g;
	facts_against(x, q, e, &g);
	/* Met through containment fingerprints, most of the smaller's in the
	 * other: the estimate stands as it is. */
	double decide = q->contained ? cont : decided(x, q, e, j);
	if ((rc = doppel__judge(&x->p, &q->prep, q->f->nsent, &o->prep, o->feat.nsent, j,
	                        decide, q->sk->fingerprint == e->fingerprint, apart, &g, &ev,
	                        &rel))) {
		q->rc = rc;
		return;
	}
	if (rel == DOPPEL_REL_NONE)
		return;
	doppel_match *m = doppel__index_push_match(x, other, rel, j, cont);
	if (!m) {
		q->rc = DOPPEL_E_NOMEM;
		return;
	}
	m->aligned = ev.aligned;
	m->anchors = ev.anchors;
	m->names = ev.names;
	m->topic = ev.topic;
}

/*
 * A stored article that shares `shared` containment fingerprints with the
 * probe (`rare` of them held by at most CONTAIN_RARE articles): judged,
 * whatever its views say, when they are most of the smaller's
 * fingerprints and its word shingles hold the smaller as a copy's would.
 * One shared fingerprint is a run of words, not a copy: a notice of a
 * dozen words ("Qtly div 17 cts vs 17 cts") has one or two, and so do
 * hundreds of others; unless the smaller has no other and few articles
 * hold it (a sentence cut out of one article). Measured on the Reuters
 * development corpus with planted copies: the cut copies the shingles'
 * LSH missed share 7 of 8 to 6 of 6 of theirs, or their one; the pairs
 * met wrongly 1 of 1 (held by many) to 2 of 3.
 */
#define CONTAIN_SHARED 2
#define CONTAIN_SHARE 0.75
#define CONTAIN_RARE 2
/* The tokens' fingerprints (copies alone) span every word: where a cut
 * copy joins two sentences that were apart, the one or two fingerprints
 * across the join are its own, a large part of a short cut's dozen
 * (Reuters with planted copies: at 0.6, 3 of the 18 cut copies missed are
 * found, for 4 more wrong pairs of 2,000). */
#define CONTAIN_SHARE_TOKENS 0.6

static void on_contained(struct match_ctx *c, uint32_t other, size_t shared, size_t rare,
                         size_t mine)
{
	doppel_index *x = c->x;
	struct probe *q = c->q;
	const entry_t *e = &x->e[other];
	if (q->rc || !e->alive || (x->deep && !e->viewed) || !e->fingerprint ||
	    x->stamp[other] == x->gen)
		return;
	size_t smaller = e->ncontain < mine ? e->ncontain : mine;
	bool alone = shared == smaller && rare == shared;
	/* Copies alone: a cut of a few lines has two or three fingerprints,
	 * one of them across its join; one rare in common is a lead, which
	 * the signatures must vouch for on their own. */
	bool vouched = (shared >= CONTAIN_SHARED || alone) &&
	               (double)shared >= (x->deep ? CONTAIN_SHARE : CONTAIN_SHARE_TOKENS) *
	                                         (double)smaller;
	bool lead = !x->deep && shared == rare && 2 * shared >= smaller;
	if (!vouched && !lead)
		return;
	double j, cont;
	doppel__compare(q->sk->sig, q->sk->shingles, x->sigs + (size_t)other * x->p.k,
	                e->shingles, x->p.k, &j, &cont);
	if (cont < x->p.copy_containment)
		return;
	if (!x->deep) {
		x->stamp[other] = x->gen;
		x->stats.candidates++;
		judge_copy(c, other, j, cont, vouched ? cont : decided(x, q, e, j));
		return;
	}
	q->sure = q->contained = true;
	on_views(c, other);
	q->sure = q->contained = false;
}

/* Notes that the probe meets entry slot (flag: the high bits) once more. */
static bool hit(doppel_index *x, uint32_t slot, uint64_t flag)
{
	if (doppel__grow((void **)&x->whit, &x->whitcap, x->nwhit + 1, sizeof(*x->whit)))
		return false;
	x->whit[x->nwhit++] = flag << 32 | slot;
	return true;
}

/* The entries met, in order, each once: [*i, *k) of x->whit. */
static bool next_met(const doppel_index *x, size_t *i, size_t *k)
{
	*i = *k;
	if (*i >= x->nwhit)
		return false;
	for (*k = *i; *k < x->nwhit && (uint32_t)x->whit[*k] == (uint32_t)x->whit[*i]; (*k)++)
		;
	return true;
}

/*
 * Candidates through containment fingerprints, rare anchors, and the
 * views. An entry that shares one rare anchor with the probe is no
 * candidate of the postings: an event or a story needs two rare names in
 * common (doppel__classify_evidence), and one anchor from lists of up to
 * DOPPEL__VIEW_MAX_DF articles pairs long undated documents by the
 * thousand (PAN: 7 times the time of the scan).
 */
#define POSTED_SHARED 2

#define CONTAIN_MEET 8

/* Sorts the few values v[0..n) in place: by insertion, since the cells'
 * order along a probe is already theirs but where it wraps. */
static void sort_few(uint32_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		uint32_t x = v[i];
		size_t j = i;
		for (; j && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* Counts, for the entries that hold fingerprint fp, one more shared and
 * (when few hold it) one more rare; the first time an entry is met it is
 * listed. */
static bool meet_holders(doppel_index *x, uint32_t fp)
{
	uint32_t holder[DOPPEL__VIEW_MAX_DF];
	const size_t full = contain_max_df(x);
	size_t n = cells_held(x->wcell, fp, holder, full);
	/* As many as contain_post() posts: a run of words many articles
	 * share ("Officials declined to comment.") or a text copied many
	 * times. Only the first CONTAIN_MEET of them (the earliest added,
	 * the lowest entries: the cells' order along the probe is the order
	 * of adding, but where it wraps past the shard's end) are met
	 * through it: a text's copies meet its first ones. */
	if (n >= full) {
		sort_few(holder, n);
		n = CONTAIN_MEET;
	}
	for (size_t i = 0; i < n; i++) {
		struct doppel__wmet *m = &x->wmet[holder[i]];
		if (m->gen != x->wgen) {
			*m = (struct doppel__wmet){x->wgen, 0, 0};
			if (doppel__grow((void **)&x->wlist, &x->wlistcap, x->nwlist + 1,
			                 sizeof(*x->wlist)))
				return false;
			x->wlist[x->nwlist++] = holder[i];
		}
		m->shared++;
		m->rare += n <= CONTAIN_RARE;
	}
	return true;
}

/* The entries that share one of the probe's containment fingerprints
 * fp[0..n) (sorted, each once), judged by on_contained() in the order of
 * their slots. */
static void find_contained(struct match_ctx *c, const uint32_t *fp, size_t n)
{
	doppel_index *x = c->x;
	if (!x->wcell || !n)
		return;
	if (x->wmetcap < x->n) {
		size_t cap = x->wmetcap;
		if (doppel__grow((void **)&x->wmet, &cap, x->n, sizeof(*x->wmet))) {
			c->q->rc = DOPPEL_E_NOMEM;
			return;
		}
		memset(x->wmet + x->wmetcap, 0, (cap - x->wmetcap) * sizeof(*x->wmet));
		x->wmetcap = cap;
	}
	if (++x->wgen == 0) {
		memset(x->wmet, 0, x->wmetcap * sizeof(*x->wmet));
		x->wgen = 1;
	}
	x->nwlist = 0;
	for (size_t i = 0; i < n; i++) {
		/* the cells of a fingerprint a few ahead, on the way meanwhile */
		if (i + CONTAIN_AHEAD < n)
			CELL_PREFETCH(x, fp[i + CONTAIN_AHEAD]);
		if (!meet_holders(x, fp[i])) {
			c->q->rc = DOPPEL_E_NOMEM;
			return;
		}
	}
	/* Most share a run of words or two: only the others are judged, in
	 * the order of their slots. */
	size_t k = 0;
	for (size_t i = 0; i < x->nwlist; i++) {
		const struct doppel__wmet *m = &x->wmet[x->wlist[i]];
		if (m->shared >= CONTAIN_SHARED || m->rare == m->shared)
			x->wlist[k++] = x->wlist[i];
	}
	if (k > 32)
		qsort(x->wlist, k, sizeof(*x->wlist), doppel__cmp_u32);
	else
		sort_few(x->wlist, k);
	for (size_t i = 0; i < k && !c->q->rc; i++) {
		const struct doppel__wmet *m = &x->wmet[x->wlist[i]];
		on_contained(c, x->wlist[i], m->shared, m->rare, n);
	}
}

static void find_deep(doppel_index *x, struct probe *q)
{
	struct match_ctx c = {x, q};
	size_t i, k;
	find_contained(&c, x->wfp, x->nwfp);
	if (q->rc)
		return;
	/* Rare anchors: within the event window when both are dated. */
	x->nwhit = 0;
	for (i = 0; (x->p.relations & DOPPEL_FIND_SAME_EVENT) && i < q->f->nanchor; i++) {
		uint64_t an = q->f->anchor[i];
		if (DOPPEL__ANCHOR_KIND(an) == DOPPEL__ANCHOR_DATE)
			continue;
		const struct doppel__plist *l = plist(x, an, false);
		if (!l || l->n == DOPPEL__PL_COMMON)
			continue;
		const uint32_t *held = plist_slots(x, l);
		for (uint32_t n = 0; n < l->n; n++) {
			const entry_t *e = &x->e[held[n]];
			if ((e->date == DOPPEL_NO_DATE) == (q->a->date == DOPPEL_NO_DATE) &&
			    doppel__days_apart(q->a->date, e->date) <= x->p.event_days &&
			    !hit(x, held[n], 0))
				goto nomem;
		}
	}
	if (x->nwhit > 1)
		qsort(x->whit, x->nwhit, sizeof(*x->whit), cmp_u64_low);
	/* Undated, nothing bounds the postings in time: their candidates pass
	 * the views' filter as the LSH's do. */
	q->sure = q->a->date != DOPPEL_NO_DATE;
	for (k = 0; !q->rc && next_met(x, &i, &k);)
		if (k - i >= POSTED_SHARED)
			on_views(&c, (uint32_t)x->whit[i]);
	q->sure = false;
	if (q->nkeys && !q->rc) {
		doppel__lsh_keys(x->lk, q->ksig, x->kkeys);
		doppel__lsh_query(x->lk, x->kkeys, x->p.max_bucket, on_views, &c);
	}
	if (q->nanchors && !q->rc) {
		doppel__lsh_keys(x->la, q->asig, x->akeys);
		doppel__lsh_query(x->la, x->akeys, x->p.max_bucket, on_views, &c);
	}
	return;
nomem:
	q->rc = DOPPEL_E_NOMEM;
}

/* How closely an article derives from another: containment, plus the
 * share of sentences aligned, which a duplicate or a copy (held verbatim)
 * has whole without their being aligned. */
static double strength(const doppel_match *m)
{
	bool verbatim = m->relation == DOPPEL_REL_DUPLICATE || m->relation == DOPPEL_REL_COPY;
	return m->containment + (verbatim ? 1.0 : m->aligned);
}

/* Whether an article derived from entry `source` resembles entry `other`
 * (as much as `strength`) through it: other derives from the source, at
 * least as closely; or, when the dates tell the
 * source (dated), neither derives from the other and their words are not
 * a copy's (two near-copies of one text are each a source; the source's
 * own source is one too). Two undated copies of one text tell no source
 * from each other by their contents alone. */
static bool resembles_through(const doppel_index *x, uint32_t source, uint32_t other,
                              bool dated, float strength)
{
	const entry_t *s = &x->e[source], *o = &x->e[other];
	for (uint32_t i = 0; i < o->nsrc; i++)
		if (o->src[i].directed && o->src[i].slot == source)
			return o->src[i].strength >= strength;
	if (!dated)
		return false;
	for (uint32_t i = 0; i < s->nsrc; i++)
		if (s->src[i].directed && s->src[i].slot == other)
			return false;
	double j, cont;
	doppel__compare(x->sigs + (size_t)source * x->p.k, s->shingles,
	                x->sigs + (size_t)other * x->p.k, o->shingles, x->p.k, &j, &cont);
	cont = doppel__containment_low(j, s->shingles, o->shingles, x->p.k);
	return doppel__classify(&x->p, j, cont, s->fingerprint == o->fingerprint) ==
	       DOPPEL_REL_NONE;
}

/* Whether entries a and b are duplicates of one text: what derives from
 * one derives as much from the other (a spun copy of a text the wire sent
 * three times is a rewrite of each, not of one and a sibling of the
 * others). */
static bool duplicates(const doppel_index *x, uint32_t a, uint32_t b)
{
	const entry_t *ea = &x->e[a], *eb = &x->e[b];
	if (!ea->fingerprint || !eb->fingerprint)
		return false; /* no shingles to compare */
	if (ea->fingerprint == eb->fingerprint)
		return true;
	double j, cont;
	doppel__compare(x->sigs + (size_t)a * x->p.k, ea->shingles,
	                x->sigs + (size_t)b * x->p.k, eb->shingles, x->p.k, &j, &cont);
	return doppel__classify(&x->p, j, cont, false) == DOPPEL_REL_DUPLICATE;
}

/* Whether derivation z (with entry slot) ties the article to an article
 * of the same date with no direction found: either may be the other's
 * source, and what else the article resembles less it resembles through
 * that twin, as through a source (a spun copy published the day of its
 * report, beside another report of the story). */
static bool same_day_twin(const doppel_index *x, const doppel_article *a, const doppel_match *z,
                          uint32_t slot)
{
	return doppel__is_derivation(z->relation) && z->direction == DOPPEL_DIR_UNKNOWN &&
	       a->date != DOPPEL_NO_DATE && a->date == x->e[slot].date;
}

bool doppel__index_through_passage(const doppel_index *x, const doppel_article *a, size_t k,
                                   size_t i)
{
	const doppel_match *z = &x->matches[k], *m = &x->matches[i];
	bool twin = same_day_twin(x, a, z, x->mslot[k]);
	bool dated = z->direction == DOPPEL_DIR_FROM && z->basis == DOPPEL_BASIS_DATE;
	if (k == i || m->relation != DOPPEL_REL_EXCERPT ||
	    !doppel__is_derivation(z->relation) || z->relation == DOPPEL_REL_DUPLICATE ||
	    (!dated && !twin) || duplicates(x, x->mslot[k], x->mslot[i]))
		return false;
	const entry_t *o = &x->e[x->mslot[i]];
	for (uint32_t j = 0; j < o->nsrc; j++)
		if (o->src[j].directed && o->src[j].slot == x->mslot[k])
			return z->relation != DOPPEL_REL_EXCERPT || o->src[j].whole;
	return false;
}

bool doppel__index_through(const doppel_index *x, const doppel_article *a, size_t k, size_t i)
{
	const doppel_match *z = &x->matches[k], *m = &x->matches[i];
	bool twin = same_day_twin(x, a, z, x->mslot[k]);
	if (k == i || !doppel__is_derivation(z->relation) ||
	    (z->direction != DOPPEL_DIR_FROM && !twin) || strength(z) <= strength(m))
		return false;
	return !duplicates(x, x->mslot[k], x->mslot[i]) &&
	       resembles_through(x, x->mslot[k], x->mslot[i],
	                         z->basis == DOPPEL_BASIS_DATE || twin, (float)strength(m));
}

/*
 * Directions of the derivations among matches [from, nmatch), then the
 * rules the scan applies to a whole corpus, for this one article: an
 * undated article takes the earliest date of what it derives from or what
 * derives from it, and its same-event relations are checked again with
 * it. An article that derives from a source is a sibling (same event) of
 * what else it resembles less, not its rewrite: two rewrites of one
 * source, or a rewrite of one report and another outlet's report of the
 * event, resemble each other through the source (on the Reuters corpus
 * with planted copies, 14 of the 19 derivations wrongly stated with a spun
 * copy). A chain stays a chain: the source's own source is a source.
 */
static int32_t settle(doppel_index *x, struct probe *q, size_t from)
{
	const doppel_article *a = q->a;
	int32_t when = a->date;
	for (size_t i = from; i < x->nmatch; i++) {
		doppel_match *m = &x->matches[i];
		const entry_t *e = &x->e[x->mslot[i]];
		if (doppel__is_derivation(m->relation) && a->date == DOPPEL_NO_DATE &&
		    e->when != DOPPEL_NO_DATE && (when == DOPPEL_NO_DATE || e->when < when))
			when = e->when;
		m->basis = DOPPEL_BASIS_NONE;
		m->direction = DOPPEL_DIR_UNKNOWN;
		if (!doppel__is_derivation(m->relation))
			continue;
		bool mine;
		m->basis = doppel__derivation_basis(m->relation, a->date, e->date, q->boiler,
		                                    e->boiler, q->sk->words, e->words, &mine);
		if (m->basis != DOPPEL_BASIS_NONE)
			m->direction = mine ? DOPPEL_DIR_TO : DOPPEL_DIR_FROM;
		if (a->date == DOPPEL_NO_DATE && e->date != DOPPEL_NO_DATE &&
		    (when == DOPPEL_NO_DATE || e->date < when))
			when = e->date;
	}
	size_t w = from;
	for (size_t i = from; i < x->nmatch; i++) {
		doppel_match m = x->matches[i];
		uint32_t slot = x->mslot[i];
		const entry_t *e = &x->e[slot];
		if (m.relation == DOPPEL_REL_SAME_EVENT &&
		    (a->date == DOPPEL_NO_DATE || e->date == DOPPEL_NO_DATE) &&
		    doppel__days_apart(when, e->when) > x->p.event_days) {
			if (!(x->p.relations & DOPPEL_FIND_SAME_STORY) ||
			    m.names < x->p.story_names || m.topic < x->p.story_topic)
				continue;
			m.relation = DOPPEL_REL_SAME_STORY;
		}
		x->matches[w] = m;
		x->mslot[w++] = slot;
	}
	x->nmatch = w;
	for (size_t i = from; i < x->nmatch; i++) {
		doppel_match *m = &x->matches[i];
		if (m->relation != DOPPEL_REL_REWRITE)
			continue;
		bool sibling = false;
		for (size_t k = from; k < x->nmatch && !sibling; k++)
			sibling = doppel__index_through(x, a, k, i);
		if (sibling) {
			m->relation = DOPPEL_REL_SAME_EVENT;
			m->basis = DOPPEL_BASIS_NONE;
			m->direction = DOPPEL_DIR_UNKNOWN;
		}
	}
	return when;
}

/* Starts a new round of candidates: none is marked as met. */
static int new_generation(doppel_index *x)
{
	if (x->stampcap < x->n) {
		size_t cap = x->stampcap;
		if (doppel__grow((void **)&x->stamp, &cap, x->n, sizeof(*x->stamp)))
			return DOPPEL_E_NOMEM;
		memset(x->stamp + x->stampcap, 0, (cap - x->stampcap) * sizeof(*x->stamp));
		x->stampcap = cap;
	}
	if (++x->gen == 0) {
		memset(x->stamp, 0, x->stampcap * sizeof(*x->stamp));
		x->gen = 1;
	}
	return DOPPEL_OK;
}

/* The stored articles under the probe's headline, when fewer than
 * TITLE_MAX_DF give it: a copy of one by their shingles' containment (the
 * rule of copies, facts and all), which the LSH misses when the text is
 * short against the other's, and the containment fingerprints when it is
 * made of lines many articles share. */
static void find_titled(struct match_ctx *c)
{
	doppel_index *x = c->x;
	struct probe *q = c->q;
	uint32_t tk = title_key(q->a->title, x->p.seed);
	if (!tk)
		return;
	uint32_t held[TITLE_MAX_DF];
	size_t n = cells_held(x->tcell, tk, held, TITLE_MAX_DF);
	if (n >= TITLE_MAX_DF)
		return;
	for (size_t i = 0; i < n && !q->rc; i++)
		meet_copy(c, held[i], true);
}

/* Compares one sketched article with the index; its matches go to the
 * pool after those of the results before it. */
static int find_matches(doppel_index *x, struct probe *q, bool learn)
{
	if (!q->sk->fingerprint || !x->n)
		goto deep;
	if (new_generation(x))
		return DOPPEL_E_NOMEM;
	struct match_ctx c = {x, q};
	doppel__lsh_keys(x->lsh, q->sk->sig, x->keys);
	doppel__lsh_query(x->lsh, x->keys, x->p.max_bucket, on_shingles, &c);
	if (q->rc)
		return q->rc;
	find_titled(&c);
	if (q->rc)
		return q->rc;
	/* Copies alone: a cut copy or an extract the LSH missed, through the
	 * tokens' fingerprints. */
	if (!x->deep) {
		find_contained(&c, q->sk->ckey, q->sk->nckey);
		return q->rc;
	}
deep:
	if (!x->deep || !q->sk->fingerprint)
		return DOPPEL_OK;
	int rc;
	if (learn &&
	    ((rc = doppel__rarity_add(&x->rar, q->f)) || (rc = count_headline(x, q->a->title))))
		return rc;
	if (learn)
		x->rar_learned++; /* every part is dirty: its keys may be in any */
	if ((rc = doppel__prepare(q->f, &x->rar, &q->prep)) ||
	    (rc = doppel__views(&x->viewer, q->f, &x->rar, q->ksig, &q->nkeys, q->asig,
	                        &q->nanchors)) ||
	    (rc = doppel__contain_keys(q->f, &x->wfp, &x->nwfp, &x->wfpcap)))
		return rc;
	if (!x->n)
		return DOPPEL_OK;
	/* A candidate the shingles did not relate may still be a rewrite or
	 * a report of the same event; one they related is not met again. */
	if (new_generation(x))
		return DOPPEL_E_NOMEM;
	for (size_t k = x->mstart[x->nres - 1]; k < x->nmatch; k++)
		x->stamp[x->mslot[k]] = x->gen;
	find_deep(x, q);
	return q->rc;
}

/* Opens result i; its matches are the pool's from here on. */
static doppel_result *begin_result(doppel_index *x, const doppel_article *a, doppel_outcome o,
                                   int err, uint32_t words)
{
	doppel_result *r = &x->res[x->nres];
	x->mstart[x->nres] = x->nmatch;
	x->nres++;
	*r = (doppel_result){.id = a->id, .outcome = o, .error = err, .words = words};
	return r;
}

/* Points each result at its matches, sorted strongest first, once the
 * pool no longer moves. */
static void finish_results(doppel_index *x)
{
	x->mstart[x->nres] = x->nmatch;
	doppel__excerpt_attach(x);
	for (size_t i = 0; i < x->nres; i++) {
		doppel_result *r = &x->res[i];
		r->count = x->mstart[i + 1] - x->mstart[i];
		r->matches = r->count ? x->matches + x->mstart[i] : NULL;
		if (r->count > 1)
			qsort(x->matches + x->mstart[i], r->count, sizeof(*x->matches),
			      doppel__match_cmp);
	}
}

/* Does match i put the article in the other's event? A derivation or a
 * report of the same event does. An excerpt, which may take a passage of
 * another event's report, only when the pair reports one event too, and
 * then it chooses the event but merges none: a page of passages from two
 * reports is not one event. */
static bool joins_event(const doppel_index *x, size_t i, bool merging)
{
	doppel_relation r = x->matches[i].relation;
	if (r == DOPPEL_REL_EXCERPT)
		return !merging && (x->mxev[i] & 1);
	return doppel__is_derivation(r) || r == DOPPEL_REL_SAME_EVENT;
}

/* Of the matches [from, nmatch), the strongest that puts the article in an
 * event (kind 0) or only in a story (kind 1); SIZE_MAX when none. */
static size_t best_match(const doppel_index *x, size_t from, int kind)
{
	size_t best = SIZE_MAX;
	for (size_t i = from; i < x->nmatch; i++) {
		const doppel_match *m = &x->matches[i];
		if (!x->e[x->mslot[i]].event)
			continue;
		if (kind == 0 && !joins_event(x, i, false))
			continue;
		if (kind == 1 && m->relation != DOPPEL_REL_SAME_STORY)
			continue;
		if (best == SIZE_MAX)
			best = i;
		else if (kind == 1
		                 ? m->names > x->matches[best].names
		                 : (doppel__stronger(m->relation, x->matches[best].relation) ||
		                    (m->relation == x->matches[best].relation &&
		                     strength(m) > strength(&x->matches[best]))))
			best = i;
	}
	return best;
}

/* ------------------------------------------------------------ add/query */

int doppel_index_query(doppel_index *x, const doppel_batch *b)
{
	int rc = sketch_batch(x, b, DOPPEL_DUP_SKIP, false);
	if (rc)
		return rc;
	for (size_t i = 0; i < doppel_batch_count(b); i++) {
		const doppel_article *a = doppel_batch_article(b, i);
		if (x->brc[i]) {
			begin_result(x, a, DOPPEL_REJECTED, x->brc[i], 0);
			continue;
		}
		doppel_result *r =
			begin_result(x, a, DOPPEL_QUERIED, DOPPEL_OK, x->bsk[i].words);
		size_t from = x->nmatch;
		struct probe q = {.a = a,
		                  .sk = &x->bsk[i],
		                  .boiler = x->bboiler[i],
		                  .f = &x->bfeat[i],
		                  .rep = batch_rep(x, i)};
		rc = find_matches(x, &q, false);
		doppel__prepared_free(&q.prep);
		if (rc) {
			if (rc == DOPPEL_E_NOMEM)
				doppel__errf(x->err, "out of memory");
			return rc;
		}
		int32_t when = settle(x, &q, from);
		struct match_ctx mc = {x, &q};
		if ((rc = doppel__excerpt_find(x, i, false, a, q.sk, q.boiler, from, &when,
		                               copy_vetoes, &mc)))
			return rc;
		if (x->deep) {
			size_t ev = best_match(x, from, 0), st = best_match(x, from, 1);
			int64_t event = ev != SIZE_MAX ? x->e[x->mslot[ev]].event : 0;
			int64_t story =
				story_of_event(x, event            ? event
			                          : st != SIZE_MAX ? x->e[x->mslot[st]].event
			                                           : 0);
			r->event = event ? doppel__index_label(x, false, event)
			                 : doppel__index_keep(x, a->id);
			r->story = story ? doppel__index_label(x, true, story)
			                 : doppel__index_keep(x, a->id);
		}
	}
	finish_results(x);
	return DOPPEL_OK;
}

static int prepare_stmt(doppel_index *x, sqlite3_stmt **st, const char *sql)
{
	if (*st)
		return DOPPEL_OK;
	if (sqlite3_prepare_v2(doppel__store_db(x->store), sql, -1, st, NULL) != SQLITE_OK)
		return doppel__store_error(x->store, "prepare", x->err);
	return DOPPEL_OK;
}

static int step_done(doppel_index *x, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return doppel__store_error(x->store, what, x->err);
	return DOPPEL_OK;
}

/* Inserts an event or a story labelled with an article's id. A story
 * label is unique: when the id labels a story already (an article deleted
 * or replaced and added again), "~" and a number are appended. */
static int new_group(doppel_index *x, bool story, const doppel_article *a, int64_t in,
                     int64_t *num)
{
	int rc = story ? prepare_stmt(x, &x->st_story,
	                              "INSERT INTO stories(label, title, events, articles)"
	                              " VALUES(?1 || CASE WHEN EXISTS(SELECT 1 FROM stories"
	                              " WHERE label = ?1) THEN '~' || (SELECT max(num) + 1"
	                              " FROM stories) ELSE '' END, ?2, 0, 0)")
	               : prepare_stmt(x, &x->st_event,
	                              "INSERT INTO events(label, story) VALUES(?1, ?2)");
	if (rc)
		return rc;
	sqlite3_stmt *st = story ? x->st_story : x->st_event;
	sqlite3_bind_text(st, 1, a->id, -1, SQLITE_STATIC);
	if (!story)
		sqlite3_bind_int64(st, 2, in);
	else if (a->title)
		sqlite3_bind_text(st, 2, a->title, -1, SQLITE_STATIC);
	if ((rc = step_done(x, st, story ? "adding a story" : "adding an event")))
		return rc;
	*num = sqlite3_last_insert_rowid(doppel__store_db(x->store));
	return DOPPEL_OK;
}

/* Recounts a story's dates, events and articles. */
static int refresh_story(doppel_index *x, int64_t story)
{
	if (!story)
		return DOPPEL_OK;
	int rc = prepare_stmt(
		x, &x->st_refresh,
		"UPDATE stories SET (first, last, events, articles) ="
		" (SELECT min(a.date), max(a.date), count(DISTINCT a.event), count(*)"
		"  FROM events e JOIN articles a ON a.event = e.num WHERE e.story = ?1)"
		" WHERE num = ?1");
	if (rc)
		return rc;
	sqlite3_bind_int64(x->st_refresh, 1, story);
	return step_done(x, x->st_refresh, "counting a story");
}

/* Counts one more article, dated date, into a story: what
 * refresh_story() would find after it, without reading the story's
 * articles again. */
static int count_in_story(doppel_index *x, int64_t story, int32_t date, bool new_event)
{
	int rc = prepare_stmt(
		x, &x->st_count,
		"UPDATE stories SET articles = articles + 1, events = events + ?2,"
		" first = CASE WHEN ?3 IS NULL OR (first IS NOT NULL AND first <= ?3)"
		"  THEN first ELSE ?3 END,"
		" last = CASE WHEN ?3 IS NULL OR (last IS NOT NULL AND last >= ?3)"
		"  THEN last ELSE ?3 END WHERE num = ?1");
	if (rc)
		return rc;
	sqlite3_bind_int64(x->st_count, 1, story);
	sqlite3_bind_int(x->st_count, 2, new_event);
	if (date != DOPPEL_NO_DATE)
		sqlite3_bind_int(x->st_count, 3, date);
	return step_done(x, x->st_count, "counting a story");
}

/* Moves the articles of event gone into event keep, and recounts both
 * stories. */
static int merge_events(doppel_index *x, int64_t keep, int64_t gone)
{
	/* The articles of gone, through the index on articles.event, before
	 * they move: a merge costs its members, not the whole index. */
	int rc = prepare_stmt(x, &x->st_members, "SELECT num FROM articles WHERE event = ?");
	if (rc)
		return rc;
	sqlite3_bind_int64(x->st_members, 1, gone);
	int step;
	while ((step = sqlite3_step(x->st_members)) == SQLITE_ROW) {
		uint32_t slot;
		if (slot_of(x, sqlite3_column_int64(x->st_members, 0), &slot))
			x->e[slot].event = keep;
	}
	sqlite3_reset(x->st_members);
	if (step != SQLITE_DONE)
		return doppel__store_error(x->store, "merging events", x->err);
	char sql[160];
	snprintf(sql, sizeof(sql),
	         "UPDATE articles SET event = %lld WHERE event = %lld;"
	         "DELETE FROM events WHERE num = %lld;",
	         (long long)keep, (long long)gone, (long long)gone);
	if (sqlite3_exec(doppel__store_db(x->store), sql, NULL, NULL, NULL) != SQLITE_OK)
		return doppel__store_error(x->store, "merging events", x->err);
	int64_t sg = story_of_event(x, gone);
	if (gone > 0 && (size_t)gone < x->evcap)
		x->evstory[gone] = 0;
	rc = refresh_story(x, sg);
	return rc ? rc : refresh_story(x, story_of_event(x, keep));
}

/* Stores the views and the relations of the article just stored. */
static int store_deep(doppel_index *x, int64_t num, const struct probe *q, size_t from)
{
	int rc = prepare_stmt(x, &x->st_rel,
	                      "INSERT OR REPLACE INTO relations(a, b, relation, basis,"
	                      " a_source, jaccard, containment, aligned, anchors, names, topic,"
	                      " passages) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
	if (rc)
		return rc;
	for (size_t i = from; i < x->nmatch; i++) {
		const doppel_match *m = &x->matches[i];
		sqlite3_stmt *st = x->st_rel;
		sqlite3_bind_int64(st, 1, num);
		sqlite3_bind_int64(st, 2, x->e[x->mslot[i]].num);
		sqlite3_bind_int(st, 3, m->relation);
		sqlite3_bind_int(st, 4, m->basis);
		sqlite3_bind_int(st, 5, m->direction == DOPPEL_DIR_TO);
		sqlite3_bind_double(st, 6, m->jaccard);
		sqlite3_bind_double(st, 7, m->containment);
		sqlite3_bind_double(st, 8, m->aligned);
		sqlite3_bind_double(st, 9, m->anchors);
		sqlite3_bind_double(st, 10, m->names);
		sqlite3_bind_double(st, 11, m->topic);
		size_t plen;
		const uint8_t *passages = doppel__excerpt_blob(x, i, &plen);
		if (passages)
			sqlite3_bind_blob64(st, 12, passages, plen, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(st, 12);
		if ((rc = step_done(x, st, "storing a relation")))
			return rc;
	}
	if (!x->deep || !q->sk->fingerprint)
		return DOPPEL_OK;
	if ((rc = prepare_stmt(x, &x->st_views,
	                       "INSERT OR REPLACE INTO views(num, ksig, nkeys, asig, nanchors,"
	                       " nsent, anchors, lines, facts, weights, contain)"
	                       " VALUES(?,?,?,?,?,?,?,?,?,?,?)")))
		return rc;
	/* A database in memory (a scan's) is never opened again: of its views
	 * only the lines and weights are read (stored_repeated), for articles
	 * fallen out of the cache; memory holds the rest, which is neither
	 * packed nor stored. */
	const bool again = doppel__store_keeps_texts(x->store);
	const size_t nsig = again ? K2 : 0, nanchor = again ? q->f->nanchor : 0;
	const size_t nfslot = again ? q->f->nfslot : 0, nwfp = again ? x->nwfp : 0;
	/* The weights it was compared with, which keep_prepared() put in the
	 * cache: read again from its text later, it takes them back. A
	 * database in memory whose cache holds every article (!x->reread)
	 * reads nothing again. */
	const doppel__prepared *pw = &x->cache[(x->n - 1) % x->ncache].prep;
	/* In memory, as the counts they were made from, in fewer bytes
	 * (doppel__prepared_set_counts). */
	size_t nw = again ? doppel__prepared_weights_size(pw) : x->reread ? pw->ncounts : 0;
	uint8_t kb[2 * K2], ab[2 * K2];
	for (size_t i = 0; i < nsig; i++) {
		doppel__put_le(kb + 2 * i, q->ksig[i], 2);
		doppel__put_le(ab + 2 * i, q->asig[i], 2);
	}
	uint8_t *an = malloc(8 * (nanchor + q->rep.n + nfslot) + nw + 4 * nwfp + 1);
	if (!an) {
		doppel__errf(x->err, "out of memory");
		return DOPPEL_E_NOMEM;
	}
	for (size_t i = 0; i < nanchor; i++)
		doppel__put_le(an + 8 * i, q->f->anchor[i], 8);
	uint8_t *lines = an + 8 * nanchor;
	for (size_t i = 0; i < q->rep.n; i++)
		doppel__put_le(lines + 8 * i, q->rep.key[i], 8);
	uint8_t *facts = lines + 8 * q->rep.n;
	for (size_t i = 0; i < nfslot; i++)
		doppel__put_le(facts + 8 * i, q->f->fslot[i], 8);
	uint8_t *weights = facts + 8 * nfslot;
	if (nw && again)
		doppel__prepared_weights_put(pw, weights);
	else if (nw)
		memcpy(weights, pw->counts, nw);
	uint8_t *contain = weights + nw;
	for (size_t i = 0; i < nwfp; i++)
		doppel__put_le(contain + 4 * i, x->wfp[i], 4);
	sqlite3_stmt *st = x->st_views;
	sqlite3_bind_int64(st, 1, num);
	sqlite3_bind_blob(st, 2, kb, (int)(2 * nsig), SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, q->nkeys);
	sqlite3_bind_blob(st, 4, ab, (int)(2 * nsig), SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, q->nanchors);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)q->f->nsent);
	sqlite3_bind_blob64(st, 7, an, 8 * nanchor, SQLITE_STATIC);
	if (q->rep.n)
		sqlite3_bind_blob64(st, 8, lines, 8 * q->rep.n, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 8);
	/* an empty blob, not NULL: the facts were extracted and hold none */
	sqlite3_bind_blob64(st, 9, facts, 8 * nfslot, SQLITE_STATIC);
	if (nw)
		sqlite3_bind_blob64(st, 10, weights, nw, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 10);
	sqlite3_bind_blob64(st, 11, contain, 4 * nwfp, SQLITE_STATIC);
	rc = step_done(x, st, "storing views");
	free(an);
	return rc;
}

/* The article about to be stored keeps its segmentation in the cache, at
 * the entry it is about to get: in a stream the next articles' candidates
 * are mostly recent ones. Takes q->prep. */
static void keep_prepared(doppel_index *x, struct probe *q, size_t i)
{
	if (!x->deep || !q->sk->fingerprint) {
		doppel__prepared_free(&q->prep);
		return;
	}
	uint32_t slot = (uint32_t)x->n;
	struct doppel__cached *c = &x->cache[slot % x->ncache];
	doppel__prepared_free(&c->prep);
	/* Swap the features: the batch slot takes the old arrays for reuse;
	 * the prepared article's anchors move with their array. */
	doppel__features old = c->feat;
	c->feat = x->bfeat[i];
	x->bfeat[i] = old;
	q->f = &c->feat;
	c->prep = q->prep;
	c->prep.anchor = c->feat.anchor;
	memset(&q->prep, 0, sizeof(q->prep));
	c->slot1 = slot + 1;
}

/* Decides whether article i of the batch is added: a missing id, a text
 * that failed or a duplicate id (as on_dup says) gives its result here and
 * sets *done; a replaced article is deleted first. */
static int admit(doppel_index *x, const doppel_article *a, size_t i, doppel_on_dup on_dup,
                 doppel_outcome *outcome, bool *done)
{
	const doppel__sketch *sk = &x->bsk[i];
	*done = true;
	*outcome = DOPPEL_ADDED;
	if (!a->id || !*a->id || x->brc[i]) {
		begin_result(x, a, DOPPEL_REJECTED,
		             !a->id || !*a->id ? DOPPEL_E_ARG : x->brc[i], 0);
		x->stats.rejected++;
		return DOPPEL_OK;
	}
	uint32_t old;
	if (doppel__strmap_get(&x->ids, a->id, &old) && x->e[old].alive) {
		if (on_dup == DOPPEL_DUP_SKIP) {
			begin_result(x, a, DOPPEL_SKIPPED, DOPPEL_OK, sk->words);
			return DOPPEL_OK;
		}
		if (on_dup == DOPPEL_DUP_ERROR) {
			begin_result(x, a, DOPPEL_REJECTED, DOPPEL_E_DUPID, sk->words);
			x->stats.rejected++;
			return DOPPEL_OK;
		}
		int rc = doppel__store_delete(x->store, x->e[old].num, x->err);
		if (rc)
			return rc;
		x->e[old].alive = false;
		x->alive--;
		if ((rc = refresh_story(x, story_of_event(x, x->e[old].event))))
			return rc;
		*outcome = DOPPEL_REPLACED;
	}
	*done = false;
	return DOPPEL_OK;
}

/* The event and story a new article starts in: the event of its best
 * same-event match, or a new event in the story of its best same-story
 * match, or a new event in a new story. */
static int choose_event(doppel_index *x, const doppel_article *a, size_t from, int64_t *event,
                        int64_t *story, bool *new_event)
{
	size_t ev = best_match(x, from, 0);
	*new_event = ev == SIZE_MAX;
	if (!*new_event) {
		*event = x->e[x->mslot[ev]].event;
		*story = story_of_event(x, *event);
		return DOPPEL_OK;
	}
	size_t st = best_match(x, from, 1);
	if (st != SIZE_MAX)
		*story = story_of_event(x, x->e[x->mslot[st]].event);
	int rc = DOPPEL_OK;
	if ((!*story && (rc = new_group(x, true, a, 0, story))) ||
	    (rc = new_group(x, false, a, *story, event)) ||
	    (rc = set_event_story(x, *event, *story)))
		return rc;
	return DOPPEL_OK;
}

/* The sources of the derivations article self takes part in, found as
 * matches from..nmatch (and those of no known direction, kept by self),
 * and the dates it lends or borrows. */
static int link_sources(doppel_index *x, uint32_t self, size_t from)
{
	for (size_t k = from; k < x->nmatch; k++)
		if (doppel__is_derivation(x->matches[k].relation))
			infer_when(&x->e[self], &x->e[x->mslot[k]]);
	for (size_t k = from; k < x->nmatch; k++) {
		const doppel_match *m = &x->matches[k];
		if (!doppel__is_derivation(m->relation))
			continue;
		bool directed = m->basis != DOPPEL_BASIS_NONE;
		bool mine = directed && m->direction == DOPPEL_DIR_TO;
		if (add_source(x, mine ? x->mslot[k] : self, mine ? self : x->mslot[k],
		               (float)strength(m), m->relation, directed)) {
			doppel__errf(x->err, "out of memory");
			return DOPPEL_E_NOMEM;
		}
	}
	return DOPPEL_OK;
}

/* After article self is stored: the other events it joins merge into the
 * oldest, its story counts it, and its result r names event and story. */
static int settle_events(doppel_index *x, const doppel_article *a, doppel_result *r,
                         uint32_t self, size_t from, int64_t story, bool new_event)
{
	bool merged = false;
	int rc;
	for (size_t k = from; k < x->nmatch; k++) {
		int64_t other = x->e[x->mslot[k]].event;
		if (!joins_event(x, k, true) || !other || other == x->e[self].event)
			continue;
		int64_t keep = other < x->e[self].event ? other : x->e[self].event;
		int64_t gone = keep == other ? x->e[self].event : other;
		if ((rc = merge_events(x, keep, gone)))
			return rc;
		merged = true;
	}
	int64_t event = x->e[self].event;
	if (!merged && (rc = count_in_story(x, story, a->date, new_event)))
		return rc;
	r->event = doppel__index_label(x, false, event);
	r->story = doppel__index_label(x, true, story_of_event(x, event));
	return DOPPEL_OK;
}

/* Finds the matches of article i (views, then excerpts) and the date it
 * is known by; on failure frees what q prepared. */
static int relate_new(doppel_index *x, const doppel_article *a, size_t i, struct probe *q,
                      size_t from, int32_t *when)
{
	int rc = find_matches(x, q, true);
	if (rc) {
		doppel__prepared_free(&q->prep);
		if (rc == DOPPEL_E_NOMEM)
			doppel__errf(x->err, "out of memory");
		return rc;
	}
	*when = settle(x, q, from);
	struct match_ctx mc = {x, q};
	rc = doppel__excerpt_find(x, i, true, a, q->sk, q->boiler, from, when, copy_vetoes,
	                          &mc);
	if (rc)
		doppel__prepared_free(&q->prep);
	return rc;
}

/* Adds one sketched article inside the open transaction. */
static int add_one(doppel_index *x, const doppel_article *a, size_t i, doppel_on_dup on_dup)
{
	const doppel__sketch *sk = &x->bsk[i];
	doppel_outcome outcome;
	bool done;
	int rc = admit(x, a, i, on_dup, &outcome, &done);
	if (rc || done)
		return rc;
	doppel_result *r = begin_result(x, a, outcome, DOPPEL_OK, sk->words);
	size_t from = x->nmatch;
	struct probe q = {.a = a,
	                  .sk = sk,
	                  .boiler = x->bboiler[i],
	                  .f = &x->bfeat[i],
	                  .rep = batch_rep(x, i)};
	int32_t when;
	if ((rc = relate_new(x, a, i, &q, from, &when)))
		return rc;
	int64_t event = 0, story = 0;
	bool new_event = false, deep = x->deep && sk->fingerprint;
	if (deep && (rc = choose_event(x, a, from, &event, &story, &new_event))) {
		doppel__prepared_free(&q.prep);
		return rc;
	}
	int64_t num;
	const doppel__pre *pre = x->bpre[i];
	if ((rc = doppel__store_put(x->store, a, sk, x->p.k, q.boiler, event,
	                            pre ? pre->ztext : NULL, pre ? pre->zlen : 0, &num,
	                            x->err))) {
		doppel__prepared_free(&q.prep);
		return rc;
	}
	keep_prepared(x, &q, i);
	doppel__row row = {.num = num,
	                   .id = a->id,
	                   .title = a->title,
	                   .date = a->date,
	                   .words = sk->words,
	                   .shingles = sk->shingles,
	                   .fingerprint = sk->fingerprint,
	                   .sig = sk->sig,
	                   .boiler = q.boiler,
	                   .event = event,
	                   .fig = sk->fig,
	                   .nfig = sk->nfig,
	                   .figured = true,
	                   .ckey = sk->ckey,
	                   .nckey = sk->nckey};
	if ((rc = remember(x, &row))) {
		doppel__errf(x->err, "out of memory");
		return rc;
	}
	uint32_t self = (uint32_t)(x->n - 1);
	x->e[self].when = when;
	if (sk->fingerprint && (rc = doppel__excerpt_remember(x, i, self, num)))
		return rc;
	if ((rc = store_deep(x, num, &q, from)))
		return rc;
	if (deep && remember_views(x, self, q.ksig, q.nkeys, q.asig, q.nanchors,
	                           (uint32_t)q.f->nsent, q.f->anchor, q.f->nanchor, q.f->fslot,
	                           q.f->nfslot, true, x->wfp, x->nwfp)) {
		doppel__errf(x->err, "out of memory");
		return DOPPEL_E_NOMEM;
	}
	if ((rc = link_sources(x, self, from)))
		return rc;
	if (deep && (rc = settle_events(x, a, r, self, from, story, new_event)))
		return rc;
	if (deep && x->cache && x->cache[self % x->ncache].slot1 == self + 1)
		compact_cached(&x->cache[self % x->ncache]);
	x->stats.articles++;
	x->stats.bytes += a->text_len;
	if (!sk->fingerprint)
		x->stats.empty++;
	return DOPPEL_OK;
}

/* Makes memory agree with the database again after a failed transaction. */
static int reload_after_failure(doppel_index *x)
{
	char keep[DOPPEL__ERRLEN];
	memcpy(keep, x->err, sizeof(keep));
	doppel__store_rollback(x->store);
	if (load_all(x) != DOPPEL_OK) {
		char both[DOPPEL__ERRLEN];
		snprintf(both, sizeof(both), "%.200s; reloading the index failed: %.200s", keep,
		         x->err);
		memcpy(keep, both, sizeof(keep));
	}
	memcpy(x->err, keep, sizeof(keep));
	x->nres = 0;
	return DOPPEL_OK;
}

/* Room for n entries, their signatures and (with relations beyond copy)
 * their view sketches. */
static int presize_entries(doppel_index *x, size_t n)
{
	if (presize((void **)&x->e, &x->cap, n, sizeof(*x->e)) ||
	    presize((void **)&x->sigs, &x->sigcap, n, x->p.k * sizeof(*x->sigs)))
		return DOPPEL_E_NOMEM;
	return x->deep ? views_room(x, n, true) : DOPPEL_OK;
}

/* Sizes the entries (presize_entries) and the containment cells (copies
 * alone) for the x->expect articles of a scan, the cells by the
 * fingerprints of the batch's: the tables are made once, not doubled
 * again and again as they fill. Where memory runs short, the rest grow as
 * they fill. */
static int presize_cells(doppel_index *x, size_t n)
{
	size_t keys = 0, sketched = 0;
	for (size_t i = 0; i < n; i++)
		if (!x->brc[i] && x->bsk[i].fingerprint) {
			keys += x->bsk[i].nckey;
			sketched++;
		}
	size_t expect = x->expect;
	x->expect = 0;
	if (presize_entries(x, x->n + expect))
		return DOPPEL_E_NOMEM;
	if (x->deep || !sketched || x->wcell)
		return DOPPEL_OK;
	if (!(x->wcell = calloc(DOPPEL__SHARDS, sizeof(*x->wcell))))
		return DOPPEL_E_NOMEM;
	size_t want = keys / sketched * expect / DOPPEL__SHARDS + 1;
	for (size_t s = 0; s < DOPPEL__SHARDS; s++)
		if (doppel__shard_reserve_n(&x->wcell[s], sizeof(uint64_t), cell_hash, want))
			break;
	return DOPPEL_OK;
}

int doppel_index_add(doppel_index *x, const doppel_batch *b, doppel_on_dup on_dup)
{
	if (x->readonly) {
		doppel__errf(x->err, "the index was opened read-only");
		return DOPPEL_E_READONLY;
	}
	int rc = sketch_batch(x, b, on_dup, true);
	if (rc)
		return rc;
	size_t n = doppel_batch_count(b);
	if (x->expect && (rc = presize_cells(x, n))) {
		doppel__errf(x->err, "out of memory");
		return rc;
	}
	if ((rc = doppel__store_begin(x->store, x->err)))
		return rc;
	for (size_t i = 0; i < n && rc == DOPPEL_OK; i++)
		rc = add_one(x, doppel_batch_article(b, i), i, on_dup);
	if (rc == DOPPEL_OK)
		rc = save_counts(x, false);
	if (rc == DOPPEL_OK)
		rc = doppel__store_commit(x->store, x->err);
	if (rc) {
		reload_after_failure(x);
		return rc;
	}
	counts_saved(x);
	finish_results(x);
	return DOPPEL_OK;
}

int doppel_index_result(const doppel_index *x, size_t i, doppel_result *out)
{
	if (!x || i >= x->nres)
		return DOPPEL_E_ARG;
	*out = x->res[i];
	return DOPPEL_OK;
}

int doppel_index_delete(doppel_index *x, const char *id)
{
	if (x->readonly) {
		doppel__errf(x->err, "the index was opened read-only");
		return DOPPEL_E_READONLY;
	}
	sqlite3 *db = doppel__store_db(x->store);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db,
	                       "SELECT a.num, e.story FROM articles a LEFT JOIN events e"
	                       " ON e.num = a.event WHERE a.id = ?",
	                       -1, &st, NULL) != SQLITE_OK)
		return doppel__store_error(x->store, "finding an article", x->err);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	int64_t num = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	int64_t story = step == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
	sqlite3_finalize(st);
	if (step == SQLITE_DONE) {
		doppel__errf(x->err, "no article %s", id);
		return DOPPEL_E_NOTFOUND;
	}
	if (step != SQLITE_ROW)
		return doppel__store_error(x->store, "finding an article", x->err);
	int rc = doppel__store_begin(x->store, x->err);
	if (rc)
		return rc;
	if ((rc = doppel__store_delete(x->store, num, x->err)) ||
	    (rc = refresh_story(x, story)) || (rc = doppel__store_commit(x->store, x->err))) {
		doppel__store_rollback(x->store);
		return rc;
	}
	uint32_t slot;
	if (x->loaded && slot_of(x, num, &slot) && x->e[slot].alive) {
		x->e[slot].alive = false;
		x->alive--;
	}
	return DOPPEL_OK;
}
