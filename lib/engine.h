/*
 * engine.h — the relation engine's state, the doppel_index handle: shared
 * by index.c (the engine: open, add, query, delete), index_read.c (stored
 * articles, relations and stories), index_excerpt.c (passage keys and
 * excerpts), scan.c (the engine over a database in memory) and check.c.
 */
#ifndef DOPPEL_ENGINE_H
#define DOPPEL_ENGINE_H

#include "internal.h"

#include <pthread.h>
#include <sqlite3.h>

/* A derivation with a known direction: the source of an article. */
struct doppel__src {
	uint32_t slot;
	float strength; /* containment + aligned */
	bool whole;     /* the whole text derives: not an excerpt */
	bool directed;  /* slot is the source; else a derivation of no known
	                   direction, kept by the later added of the two */
};

/* An entry whose figures a database made before they were kept lacks. */
#define DOPPEL__FIG_UNKNOWN UINT32_MAX

/* What memory holds of a stored article. */
struct doppel__entry {
	char *id; /* id, title and figures share this block */
	const char *title;
	const uint32_t *fig; /* its figures (doppel__numbers), sorted */
	uint32_t nfig;       /* DOPPEL__FIG_UNKNOWN: not recorded */
	int32_t date;
	int32_t when; /* date, or for an undated article the earliest date of
	                  what it derives from or what derives from it */
	uint32_t words, shingles;
	uint64_t fingerprint;
	int64_t num;
	int64_t event; /* 0: none */
	unsigned boiler;
	bool alive;
	/* Relations beyond copy (index->deep): */
	bool viewed;    /* views, nsent and anchors are known */
	uint16_t taken; /* how many sources lists name it (saturates; a
	                   deleted article's stay counted) */
	uint32_t nkeys, nanchors, nsent;
	uint64_t *anchor; /* sorted; then nfslot packed slots of its facts */
	uint32_t nanchor, nfslot;
	uint32_t ncontain; /* its containment fingerprints */
	bool facts;        /* its facts were extracted (nfslot may be 0) */
	struct doppel__src *src;
	uint32_t nsrc;
};

/* The articles that hold one anchor rare enough to pair reports: n of
 * them, the one in v when n is 1 (most anchors are one article's), else in
 * the list x->pls[v] of room for the power of two at or above n;
 * DOPPEL__PL_COMMON when too many do. */
struct doppel__plist {
	uint64_t key; /* 0: free */
	uint32_t n, v;
};
#define DOPPEL__PL_COMMON UINT32_MAX

/* A stored article segmented and prepared for comparison, kept while it
 * is likely to be a candidate again. */
struct doppel__cached {
	uint32_t slot1; /* slot + 1; 0: empty */
	doppel__features feat;
	doppel__prepared prep;
};

struct doppel__slot_work {
	doppel__tokens tokens;
	doppel__sketcher sketcher;
	doppel__segmenter *segmenter;
	doppel__facts facts;
	uint64_t *grams; /* excerpts: hashes of k-grams of content words */
	size_t gramcap;
	uint32_t *sortbuf; /* and the scratch of sorting its keys */
	size_t sortcap;
	int rc;
};

/* Passage-key postings (index_excerpt.c): a sharded table (internal.h) of
 * 32-bit keys, each with the one article that has it, or the list of those
 * that do, or when too many do the first of them alone (a list flagged
 * DOPPEL__PKL_COMMON) or nothing more. */
struct doppel__pslot {
	uint32_t key; /* 0: free */
	uint32_t val; /* an entry; DOPPEL__PK_LIST | a list; DOPPEL__PK_COMMON */
};
#define DOPPEL__PK_LIST 0x80000000u
#define DOPPEL__PK_COMMON 0xffffffffu
/* A list at x->pka[off]: a head, n | room << 16, then its n entries. */
#define DOPPEL__PKL_N(head) ((head)&0xffffu)
#define DOPPEL__PKL_ROOM(head) (((head) >> 16) & 0x7fffu)
/* A list's head flag: its key is common, the list holds its first holder alone. */
#define DOPPEL__PKL_COMMON 0x80000000u
/* The most room a list has: its key's most holders (index_excerpt.c). */
#define DOPPEL__PK_ROOM_MOST 20

/* A stored article tokenized for passages, kept while it is likely to be
 * a candidate again. */
struct doppel__ptcached {
	uint32_t slot1; /* slot + 1; 0: empty */
	doppel__ptext pt;
};

/* Where a stored article's text comes from in a database that keeps
 * none: the caller that keeps them (a scan). *text is the caller's
 * (free()); so is *source when source is not NULL (NULL: the article
 * names none). */
typedef int (*doppel__text_fn)(void *ctx, const char *id, char **text, size_t *len,
                               char **source);

struct doppel_index {
	doppel_params p;
	unsigned threads, bands, rows;
	bool readonly;
	bool loaded; /* signatures in memory (DOPPEL_OPEN_LAZY defers it) */
	bool deep;   /* rewrites, events or stories asked for */
	doppel__store *store;

	struct doppel__entry *e;
	size_t n, cap;
	uint16_t *sigs;
	size_t sigcap;
	doppel__strmap ids; /* id -> entry of the live article */
	uint64_t alive;
	doppel__lsh *lsh;

	doppel__linecount *lc;
	bool lc_dirty;
	double lc_saved;
	/* doppel_index_prepare() reads lc on other threads: they hold this
	 * for reading, and the thread that adds holds it to change lc. */
	pthread_rwlock_t lc_lock;
	bool lc_lock_made;
	bool eager;                      /* loaded at open and writable: prepare may run */
	pthread_mutex_t pool_mu;         /* guards pool */
	struct doppel__slot_work **pool; /* prepare's scratch, one per caller */
	size_t npool, poolcap;

	/* Relations beyond copy (and a search for copies alone, which reads
	 * WordNet on first need: titles_apart() in index.c) */
	doppel__wordnet *wn;
	bool wn_borrowed;    /* wn is the caller's (doppel__index_open_memory) */
	bool wn_failed;      /* copies alone: WordNet could not be read */
	doppel__tokens btok; /* copies alone: the probe's text tokenized again */
	uint32_t *body;      /* and its tokens' hashes (low 32 bits), sorted */
	size_t nbody, bodycap;
	uint32_t *bodysort; /* the scratch of sorting them */
	size_t bodysortcap;
	doppel__segmenter *segm; /* the calling thread's */
	doppel__viewer viewer;
	doppel__rarity rar;
	/* Rarity counts are saved a part at a time (DOPPEL__RARITY_PARTS;
	 * index.c, save_counts). A part is dirty while the articles counted
	 * since open (rar_learned) differ from those it was saved with. */
	uint64_t rar_learned;
	uint64_t rar_clean[DOPPEL__RARITY_PARTS];  /* rar_learned at its last save */
	uint16_t rar_saving[DOPPEL__RARITY_PARTS]; /* parts saved by the open
	                                              transaction, at rar_learned */
	size_t nrar_saving;
	uint8_t rar_written[DOPPEL__RARITY_PARTS]; /* saved since open */
	size_t nrar_written;
	uint64_t rar_seq;        /* of the last part saved */
	unsigned rar_next;       /* the part to look at next */
	double rar_saved;        /* when a part was last saved */
	bool rar_legacy;         /* rows of earlier layouts remain (the whole table,
	                       64 parts) */
	bool lc_saving;          /* the open transaction saves the line counts */
	uint16_t *ksigs, *asigs; /* per entry, DOPPEL__VIEW_K slots each */
	size_t vcap;
	doppel__lsh *lk, *la;
	unsigned kb, ab;
	uint64_t *kkeys, *akeys;
	doppel__shard *pl; /* of struct doppel__plist: DOPPEL__SHARDS, or NULL */
	uint32_t **pls;    /* the anchors' lists of two or more (doppel__plist) */
	size_t npls, plscap;
	/* Containment fingerprints (doppel__contain_keys) of the stored
	 * articles: a multimap in shards (internal.h), each cell (uint64_t)
	 * the fingerprint (high 32 bits) and entry + 1 (low); 0: free.
	 * DOPPEL__SHARDS of them, or NULL. */
	doppel__shard *wcell;
	/* Headlines (title_key), as the containment fingerprints: each cell
	 * the headline's key (high 32 bits) and entry + 1 (low); NULL when
	 * no stored article has a headline. */
	doppel__shard *tcell;
	uint32_t *wfp; /* the probe's fingerprints, sorted, unique */
	size_t nwfp, wfpcap;
	uint64_t *whit; /* entries that share rare anchors with the probe,
	                    once an anchor */
	size_t nwhit, whitcap;
	/* The entries that share containment fingerprints with the probe:
	 * how many, and how many of them few entries hold, by entry (valid
	 * where gen is wgen); and which, in the order met. */
	struct doppel__wmet {
		uint32_t gen, shared, rare;
	} * wmet;
	size_t wmetcap;
	uint32_t wgen;
	uint32_t *wlist;
	size_t nwlist, wlistcap;
	int64_t *evstory; /* event num -> story num; 0: no such event */
	size_t evcap;
	struct doppel__cached *cache; /* ncache entries, by slot */
	size_t ncache;
	uint64_t *lines; /* a stored article's repeated lines */
	size_t linescap;
	uint8_t *wblob; /* and the weights it was compared with */
	size_t wblobcap;
	sqlite3_stmt *st_lines;
	sqlite3_stmt *st_event, *st_story, *st_rel, *st_views, *st_refresh, *st_count;
	sqlite3_stmt *st_members; /* the articles of one event */

	struct doppel__slot_work *workers;

	/* Excerpts and passages (index_excerpt.c) */
	bool excerpt;     /* DOPPEL_FIND_EXCERPT asked for */
	unsigned pkrules; /* the rules of the passage keys (the store's) */
	doppel__passage_params pp;
	doppel__passager *pg; /* the adding thread's */
	doppel__ptext qpt;    /* the words of the article being added */
	bool qpt_made;
	doppel__shard *pk; /* of struct doppel__pslot: DOPPEL__SHARDS, or NULL */
	uint32_t *pka;     /* the lists, each a head and its entries */
	size_t npka, pkacap;
	/* Room given up by lists that moved or whose key became common, by
	 * its size: the offset + 1 of the first (0: none), each linking to the
	 * next through its head word. */
	uint32_t pkfree[DOPPEL__PK_ROOM_MOST + 1];
	struct doppel__ptcached *ptc; /* by slot */
	size_t nptc;
	float *xscore; /* per entry: score of the probe's shared keys */
	uint32_t *xstamp;
	size_t xcap;
	uint32_t xgen;
	uint32_t *xcand;
	size_t xcandcap;
	/* The entry + 1 that candidates() posted the keys of the article being
	 * added for (0: none), which doppel__excerpt_remember() then need not
	 * post. */
	uint32_t xposted1;
	doppel__passage *ps; /* scratch of doppel__passages_find */
	size_t pscap;
	doppel_passage *ppool; /* the passages of the matches */
	size_t npool_p, poolcap_p;
	size_t *mpoff; /* per match: first passage in pool, count */
	uint32_t *mpn;
	uint8_t *mxev; /* per match: an excerpt of a report of one event */
	size_t mpcap;
	doppel__text_fn text_fn;
	bool reread; /* in memory, articles fall out of the cache (their weights kept) */
	/* In memory: the articles a scan will add, 0 once the first batch
	 * sized the containment cells for them (presize_cells). */
	size_t expect;
	void *text_ctx;
	uint8_t *pkblob;
	size_t pkblobcap;
	uint32_t *lemmas; /* a text's word lemmas, sorted (names_apart) */
	size_t lemmacap;
	sqlite3_stmt *st_pkeys;

	/* per batch */
	doppel__sketch *bsk;
	uint16_t *bsig;
	int *brc;
	unsigned *bboiler;
	const doppel__pre **bpre; /* what doppel_index_prepare() made, or NULL */
	doppel__features *bfeat;
	size_t bcap, bfeatcap;
	uint32_t **bpk; /* excerpts: each article's passage keys */
	size_t *bnpk, *bpkcap;
	size_t bpkncap;
	uint64_t **blines; /* per article: its lines' keys */
	size_t *bnlines;
	size_t blinescap, bnlinescap;
	uint64_t *brep; /* the repeated lines of all articles, in order */
	size_t *brepat; /* article i's are brep[brepat[i] .. brepat[i + 1]) */
	size_t brepcap, brepatcap;
	doppel_result *res;
	size_t nres, rescap;
	doppel_match *matches;
	uint32_t *mslot; /* per match: the other article's entry */
	size_t nmatch, matchcap, mslotcap;
	size_t *mstart; /* per result: first match */
	size_t mstartcap;
	uint32_t *stamp;
	size_t stampcap;
	uint32_t gen;
	uint64_t *keys;
	char **owned; /* strings results point to, freed at the next call */
	size_t nowned, ownedcap;

	/* read side (index_read.c): valid until the next call */
	doppel_stored got;
	char *got_block;
	doppel_match *rm;
	size_t nrm, rmcap;
	doppel_passage *rpass; /* the passages of rm */
	size_t nrpass, rpasscap;
	doppel_story_info *si;
	size_t nsi, sicap;
	sqlite3_stmt *st_label[2]; /* an event's label, a story's */
	doppel__stories st;

	doppel_stats stats;
	char err[DOPPEL__ERRLEN];

	/* explain (doppel_index_explain) */
	doppel__wordnet *xwn;     /* loaded when the handle had none in wn */
	doppel__segmenter *xsegm; /* over xwn */
	unsigned xloads;          /* times xwn was loaded */
};

/* Keeps n articles segmented instead of the default, when called before a
 * lazy handle is first used: tests make it small, so that candidates are
 * read again from the store. */
void doppel__index_set_cache(doppel_index *x, size_t n);

/* The text of stored entry slot: from the store, or from whoever keeps
 * the texts of a database that keeps none (x->text_fn); its source too
 * when source is not NULL. Caller owns *text and *source (free); a
 * message in x->err on failure. */
int doppel__index_text(doppel_index *x, uint32_t slot, char **text, size_t *len, char **source);

/* The articles a scan looking beyond copies keeps prepared (tests: its
 * relations must not depend on it); 0: its default. Before
 * doppel_scan_finish(). */
void doppel__scan_set_cache(doppel_scan *s, size_t n);

/* WordNet as loaded by the caller, for the scan to read instead of loading
 * its own (explaining two articles, which has it loaded already); it must
 * outlive the scan. Before doppel_scan_finish(). */
void doppel__scan_set_wordnet(doppel_scan *s, const doppel__wordnet *wn);

/* An index in memory for a scan of `articles` articles: no file, no texts,
 * the features of n kept (a cache of n), ready for doppel_index_prepare()
 * beside doppel_index_add(). text_fn (with ctx) gives a stored article's
 * text when excerpts or an article fallen out of the cache need it (when
 * the articles are more than n, the index keeps each one's weights to
 * prepare it again); NULL: none, and the cache must hold every article.
 * wn: WordNet loaded by the caller, read and not freed (it must outlive the
 * index); NULL: the index loads its own. Messages go to err
 * (DOPPEL__ERRLEN). */
int doppel__index_open_memory(doppel_index **out, const doppel_params *p, size_t n,
                              size_t articles, doppel__text_fn text_fn, void *ctx,
                              const doppel__wordnet *wn, char *err);

/* A match of the article being added or queried with entry slot, in the
 * pool of matches; NULL when out of memory. */
static inline doppel_match *doppel__index_push_match(doppel_index *x, uint32_t slot,
                                                     doppel_relation rel, double j, double cont)
{
	if (doppel__grow((void **)&x->matches, &x->matchcap, x->nmatch + 1,
	                 sizeof(*x->matches)) ||
	    doppel__grow((void **)&x->mslot, &x->mslotcap, x->nmatch + 1, sizeof(*x->mslot)))
		return NULL;
	const struct doppel__entry *e = &x->e[slot];
	x->stats.edges++;
	x->mslot[x->nmatch] = slot;
	doppel_match *m = &x->matches[x->nmatch++];
	*m = (doppel_match){.id = e->id,
	                    .title = e->title,
	                    .date = e->date,
	                    .relation = rel,
	                    .jaccard = j,
	                    .containment = cont};
	return m;
}

/* Whether the article a being added or queried resembles the entry of
 * match i through the entry of match k, a stronger derivation it takes
 * from (a source by date, or a twin of its day): what settle() asks of a
 * rewrite before it makes the two siblings (same event). */
bool doppel__index_through(const doppel_index *x, const doppel_article *a, size_t k, size_t i);

/* The same for an excerpt, match i: the article shares its passage with
 * match i's entry through match k's, from which both derive (the article
 * by date, or as a twin of its day), one of the two derivations of the
 * whole text (a copy or a rewrite: every passage of the derived text is
 * the source's). Not when the article is a duplicate of match k's entry:
 * what derives from one of two duplicates derives from the other. Undated
 * texts, whose directions come from their contents alone, make no such
 * excerpt. */
bool doppel__index_through_passage(const doppel_index *x, const doppel_article *a, size_t k,
                                   size_t i);

/* ----------------------------------------------------- index_excerpt.c */

/* The postings key of a passage key made by key rules `rules`
 * (DOPPEL__PKEY_RULES): its kind and the rest of its hash; never 0. A
 * winnowed key has the top bit set and 31 bits of its hash; under rules 1
 * a sentence key has the other 31 bits, under rules 2 a sentence key has
 * bit 30 clear and a window key bit 30 set, and 30 bits of their hash. */
static inline uint32_t doppel__pk32(uint64_t key, unsigned rules)
{
	uint32_t k = (uint32_t)(key & 0x7fffffffu);
	unsigned kind = DOPPEL__PKEY_KIND(key);
	if (kind == DOPPEL__PKEY_WINNOW)
		k |= 0x80000000u;
	else if (rules >= 2)
		k = (k & 0x3fffffffu) | (kind == DOPPEL__PKEY_WINDOW ? 0x40000000u : 0);
	return k ? k : 1;
}

/* The kind (DOPPEL__PKEY_*) of a postings key made by key rules `rules`. */
static inline unsigned doppel__pk32_kind(uint32_t k, unsigned rules)
{
	if (k & 0x80000000u)
		return DOPPEL__PKEY_WINNOW;
	return rules >= 2 && (k & 0x40000000u) ? DOPPEL__PKEY_WINDOW : DOPPEL__PKEY_SENTENCE;
}

/* Loads WordNet's passager and the caches when excerpts are asked for. */
int doppel__excerpt_init(doppel_index *x);
/* Everything excerpts keep in memory, dropped (forget) or freed. */
void doppel__excerpt_forget(doppel_index *x);
void doppel__excerpt_free(doppel_index *x);
/* Posts entry slot under passage key (key != 0); DOPPEL_E_NOMEM. */
int doppel__excerpt_post(doppel_index *x, uint32_t key, uint32_t slot);
/* The entries posted under key, in the order posted, up to most of them
 * into out: how many there are; 0 for a key never posted, SIZE_MAX for
 * one held by too many (common), with out[0] (most >= 1) the origin it
 * keeps (index_excerpt.c, ORIGIN_HOLDERS) or UINT32_MAX. */
size_t doppel__excerpt_holders(const doppel_index *x, uint32_t key, uint32_t *out, size_t most);
/* The postings of the passage keys stored with the articles. */
int doppel__excerpt_load(doppel_index *x);
/* The passage keys of an article segmented into f, with w's scratch,
 * into *keys (sorted, unique 32-bit postings keys; *cap grown with
 * doppel__grow). */
int doppel__excerpt_keys(const doppel_index *x, struct doppel__slot_work *w,
                         const doppel__features *f, uint32_t **keys, size_t *nkeys,
                         size_t *cap);
/* Makes room for the words and keys of n batch articles. */
int doppel__excerpt_batch(doppel_index *x, size_t n);
/*
 * After settle(): the excerpts of the article of batch index i (a, its
 * sketch sk and boilerplate boiler) among the entries its passage keys
 * meet, then the passages of every derivation among the matches [from,
 * nmatch). An excerpt of an undated article may give it an earlier date
 * in *when. A candidate whose word shingles make a duplicate or a copy is
 * one unless vetoes(ctx, its entry) says the two are templated reports
 * (the rule of the shingles' own candidates); passages of a candidate
 * whose headlines name other subjects (DOPPEL__VETO_SUBJECTS) tell no
 * excerpt when each side's passages name someone the other text never
 * does (two companies' reports of one template), nor any when those
 * subjects are places (DOPPEL__VETO_PLACES). When adding (not a
 * query), the article's passage keys are posted for the entry it is about
 * to be (x->n) as they are looked up.
 */
#define DOPPEL__VETO_TEMPLATED 0x1u /* doppel__templated() of the two */
#define DOPPEL__VETO_SUBJECTS                                                                  \
	0x2u                     /* their headlines name subjects the
                                       other article never names */
#define DOPPEL__VETO_PLACES 0x4u /* ... and those are places (no passage tells) */
typedef unsigned (*doppel__veto_fn)(void *ctx, uint32_t slot);
int doppel__excerpt_find(doppel_index *x, size_t i, bool adding, const doppel_article *a,
                         const doppel__sketch *sk, unsigned boiler, size_t from, int32_t *when,
                         doppel__veto_fn vetoes, void *ctx);
/* The article of batch index i stored as entry slot, number num: its keys
 * posted (unless doppel__excerpt_find() posted them) and saved, its words
 * (when they were needed) kept for the next articles. */
int doppel__excerpt_remember(doppel_index *x, size_t i, uint32_t slot, int64_t num);
/* The passages of match k as the relations table keeps them; NULL and 0
 * for none. The blob is x's, valid until the next call. */
const uint8_t *doppel__excerpt_blob(doppel_index *x, size_t k, size_t *len);
/* Points each match of the pool at its passages, once the pool of
 * passages no longer moves. */
void doppel__excerpt_attach(doppel_index *x);
/* Lines that are boilerplate by the built-in rules (appeals, update
 * stamps, what follows a trailer heading) make no passage: the
 * tokenizing of texts for passages, in the engine and in explanations. */
#define DOPPEL__EXCERPT_PT_FLAGS DOPPEL__PT_BOILERPLATE

/* Keeps a copy of s until the next call on x; NULL when out of memory. */
const char *doppel__index_keep(doppel_index *x, const char *s);
/* Frees the strings kept for the last call. */
void doppel__index_drop_kept(doppel_index *x);
/* Frees what the read side holds. */
void doppel__index_read_free(doppel_index *x);
/* The label of an event or a story (kept until the next call); NULL when
 * there is none. */
const char *doppel__index_label(doppel_index *x, bool story, int64_t num);

#endif
