/*
 * index.h — the doppel_index handle, shared by index.c (open, add, query,
 * delete) and index_read.c (stored articles, relations and stories).
 */
#ifndef DOPPEL_INDEX_INTERNAL_H
#define DOPPEL_INDEX_INTERNAL_H

#include "internal.h"

#include <pthread.h>
#include <sqlite3.h>

/* A derivation with a known direction: the source of an article. */
struct doppel__src {
	uint32_t slot;
	float strength; /* containment + aligned */
};

/* What memory holds of a stored article. */
struct doppel__entry {
	char *id; /* id and title share this block */
	const char *title;
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
	bool viewed; /* views, nsent and anchors are known */
	uint32_t nkeys, nanchors, nsent;
	uint64_t *anchor; /* sorted; then nfslot packed slots of its facts */
	uint32_t nanchor, nfslot;
	uint32_t ncontain; /* its containment fingerprints */
	bool facts;        /* its facts were extracted (nfslot may be 0) */
	struct doppel__src *src;
	uint32_t nsrc;
};

/* The articles that hold one anchor rare enough to pair reports. */
struct doppel__plist {
	uint64_t key; /* 0: free */
	uint32_t n, cap;
	uint32_t *slot;
};

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
	int rc;
};

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

	/* Relations beyond copy */
	doppel__wordnet *wn;
	doppel__segmenter *segm; /* the calling thread's */
	doppel__viewer viewer;
	doppel__rarity rar;
	/* Rarity counts are saved a part at a time (DOPPEL__RARITY_PARTS):
	 * bit p of a mask is part p. */
	uint64_t rar_dirty;      /* changed since saved */
	uint64_t rar_written;    /* saved since open */
	uint64_t rar_saving;     /* saved by the open transaction */
	uint64_t rar_seq;        /* of the last part saved */
	unsigned rar_next;       /* the part to look at next */
	double rar_saved;        /* when a part was last saved */
	bool rar_whole;          /* the database still holds them whole (row 1) */
	bool lc_saving;          /* the open transaction saves the line counts */
	uint16_t *ksigs, *asigs; /* per entry, DOPPEL__VIEW_K slots each */
	size_t vcap;
	doppel__lsh *lk, *la;
	unsigned kb, ab;
	uint64_t *kkeys, *akeys;
	struct doppel__plist *pl;
	size_t npl, plused;
	/* Containment fingerprints (doppel__contain_keys) of the stored
	 * articles: a multimap by open addressing, each cell the fingerprint
	 * (high 32 bits) and entry + 1 (low); 0: free. */
	uint64_t *wcell;
	size_t nwcell, wused;
	uint32_t *wfp; /* the probe's fingerprints, sorted, unique */
	size_t nwfp, wfpcap;
	uint64_t *whit; /* entries that share them, one a fingerprint: the
	                    entry above a bit set when few hold it */
	size_t nwhit, whitcap;
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

	struct doppel__slot_work *workers;

	/* per batch */
	doppel__sketch *bsk;
	uint16_t *bsig;
	int *brc;
	unsigned *bboiler;
	const doppel__pre **bpre; /* what doppel_index_prepare() made, or NULL */
	doppel__features *bfeat;
	size_t bcap, bfeatcap;
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
	doppel_story_info *si;
	size_t nsi, sicap;
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

/* An index in memory for a scan of n articles: no file, no texts, every
 * article's features kept (a cache of n), ready for doppel_index_prepare()
 * beside doppel_index_add(). Messages go to err (DOPPEL__ERRLEN). */
int doppel__index_open_memory(doppel_index **out, const doppel_params *p, size_t n, char *err);

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
