/*
 * wordnet.c — synonym data from Princeton WordNet 3.0 as Debian's
 * wordnet-base installs it (format: wndb(5WN); morphology: morphy(7WN)).
 *
 * The index files give lemma -> synsets, most frequent sense first; synset
 * members come from inverting them, so the glosses that make up most of
 * data.* are never kept. data.noun is scanned once, for the spelling of
 * each lemma's first sense: WordNet lowercases its index, and only the
 * data files tell "Geneva" the city from "geneva" the gin.
 *
 * Synonym classes join lemmas through the synsets of their first senses
 * (where a thesaurus-driven spinner takes its swaps from), strongest
 * senses first, and stop growing at a size cap, so that polysemy cannot
 * chain the whole vocabulary into one class. The choices below were made
 * by measurement with bench/wnclass.c (see bench/README.md); they can be
 * overridden with -D when measuring variants.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Senses of a lemma, counted per part of speech, that join classes: a
 * spinner that knows the part of speech swaps within the first sense or
 * two of that part of speech. */
#ifndef WN_CLASS_SENSES
#define WN_CLASS_SENSES 2
#endif
/* Largest class union-find may build. */
#ifndef WN_CLASS_CAP
#define WN_CLASS_CAP 60
#endif
/* Synsets with more members join nothing: they are loose groupings
 * ("get", "take", "have" senses) that merge unrelated words. */
#ifndef WN_SYNSET_MAX
#define WN_SYNSET_MAX 12
#endif
/* Nonzero: count senses per part of speech; zero: over all of them in
 * index order (nouns first). */
#ifndef WN_PER_POS
#define WN_PER_POS 0
#endif

/* Nonzero: the cap counts only lemmas that WordNet's sense-tagged corpus
 * has seen; rare ones, which text seldom holds, count against
 * WN_CLASS_MAX alone. */
#ifndef WN_CAP_COMMON
#define WN_CAP_COMMON 1
#endif
#ifndef WN_CLASS_MAX
#define WN_CLASS_MAX 200
#endif

/* Nonzero: common words join classes first. */
#ifndef WN_BY_FREQ
#define WN_BY_FREQ 1
#endif

/* Morphological candidates looked at per word. */
#define MAX_CANDIDATES 16
/* Longest word looked up; WordNet's longest lemma has 71 bytes. */
#define MAX_WORD 80

enum {
	POS_NOUN,
	POS_VERB,
	POS_ADJ,
	POS_ADV,
	NPOS
};

static const char *const pos_names[NPOS] = {"noun", "verb", "adj", "adv"};

#define LEMMA_NAME 0x1u  /* a proper name: first sense capitalized, a noun only */
#define LEMMA_PLACE 0x2u /* a sense of it, capitalized, is a place (noun.location) */
/* WordNet's lexicographer file of places (lexnames(5WN)). */
#define LEX_LOCATION 15

struct lemma {
	uint32_t name;  /* offset into the string pool */
	uint32_t first; /* into senses: synsets in sense order, all parts of speech */
	uint16_t count;
	uint8_t len;
	uint8_t flags;
	uint32_t cls; /* class root + 1, or 0 */
};

/* One irregular form's base; a form's bases are chained in file order. */
struct exc {
	uint32_t form; /* offset into the exception string pool */
	uint32_t base; /* lemma number */
	uint32_t next; /* next base of the same form + 1, or 0 */
	uint8_t pos;
};

struct doppel__wordnet {
	char *pool;
	size_t npool, poolcap;
	struct lemma *lemma;
	size_t nlemma, lemmacap;
	/* open addressing: the high half of the name's hash (hstr) << 32 |
	 * lemma number + 1; a look-up reads a lemma only when the halves
	 * agree */
	uint64_t *lmap;
	size_t nlmap;
	uint32_t *senses; /* synset numbers */
	size_t nsenses, sensescap;
	/* synset key (part of speech, offset) -> dense number, used while
	 * loading only */
	uint64_t *skeys;
	uint32_t *svals;
	size_t nsmap, nsynsets;
	/* synsets [pos_start[p], pos_start[p + 1]) belong to part of speech p */
	uint32_t pos_start[NPOS + 1];
	/* Loaded for its words alone (doppel__wordnet_load_words): a lemma has
	 * one sense for each part of speech it is, a number of that part's
	 * range that stands for no synset. */
	bool words_only;
	/* members of each synset (CSR) */
	uint32_t *mstart, *members;
	/* while loading: senses tagged in WordNet's semantic concordance per
	 * lemma, all parts of speech summed (how common a word is) */
	uint32_t *tagged;
	size_t taggedcap;
	/* exceptions */
	char *epool;
	size_t nepool, epoolcap;
	struct exc *exc;
	size_t nexc, exccap;
	uint32_t *emap; /* open addressing: first exc of a form + 1 */
	size_t nemap;
};

/* ---------------------------------------------------------------- tables */

static uint64_t hstr(const char *s, size_t n)
{
	return doppel__hash(s, n, 0x776e);
}

static int pool_add(char **pool, size_t *npool, size_t *cap, const char *s, size_t n,
                    uint32_t *off)
{
	if (*npool + n + 1 > UINT32_MAX || doppel__grow((void **)pool, cap, *npool + n + 1, 1))
		return DOPPEL_E_NOMEM;
	memcpy(*pool + *npool, s, n);
	(*pool)[*npool + n] = '\0';
	*off = (uint32_t)*npool;
	*npool += n + 1;
	return DOPPEL_OK;
}

/* The lmap entry of lemma k, whose name hashes to h. */
static uint64_t lmap_entry(uint64_t h, uint32_t k)
{
	return (h >> 32) << 32 | ((uint64_t)k + 1);
}

/* Places lemma k (its name's hash h) in the map m of n slots. */
static void lmap_put(uint64_t *m, size_t n, uint64_t h, uint32_t k)
{
	size_t i = (size_t)h & (n - 1);
	while (m[i])
		i = (i + 1) & (n - 1);
	m[i] = lmap_entry(h, k);
}

/* Lemma number of s, whose hash (hstr) is h, or UINT32_MAX. */
static uint32_t lemma_find_h(const doppel__wordnet *wn, const char *s, size_t n, uint64_t h)
{
	if (!wn->nlmap || n > UINT8_MAX)
		return UINT32_MAX;
	const uint64_t tag = h >> 32;
	size_t mask = wn->nlmap - 1, i = (size_t)h & mask;
	for (uint64_t e; (e = wn->lmap[i]); i = (i + 1) & mask) {
		if (e >> 32 != tag)
			continue;
		const struct lemma *l = &wn->lemma[(uint32_t)e - 1];
		if (l->len == n && memcmp(wn->pool + l->name, s, n) == 0)
			return (uint32_t)e - 1;
	}
	return UINT32_MAX;
}

/* Lemma number of s, or UINT32_MAX. */
static uint32_t lemma_find(const doppel__wordnet *wn, const char *s, size_t n)
{
	return lemma_find_h(wn, s, n, hstr(s, n));
}

static int lmap_rebuild(doppel__wordnet *wn, size_t want)
{
	size_t n = 1024;
	while (n < want * 2)
		n *= 2;
	uint64_t *m = calloc(n, sizeof(*m));
	if (!m)
		return DOPPEL_E_NOMEM;
	for (size_t k = 0; k < wn->nlemma; k++) {
		const struct lemma *l = &wn->lemma[k];
		lmap_put(m, n, hstr(wn->pool + l->name, l->len), (uint32_t)k);
	}
	free(wn->lmap);
	wn->lmap = m;
	wn->nlmap = n;
	return DOPPEL_OK;
}

static uint64_t synset_key(unsigned pos, uint32_t offset)
{
	return ((uint64_t)(pos + 1) << 32) | offset;
}

/* The dense number of a synset, or UINT32_MAX. */
static uint32_t synset_find(const doppel__wordnet *wn, unsigned pos, uint32_t offset)
{
	if (!wn->nsmap)
		return UINT32_MAX;
	uint64_t key = synset_key(pos, offset);
	size_t j = (size_t)doppel__mix64(key) & (wn->nsmap - 1);
	while (wn->skeys[j] && wn->skeys[j] != key)
		j = (j + 1) & (wn->nsmap - 1);
	return wn->skeys[j] ? wn->svals[j] : UINT32_MAX;
}

/* The dense number of synset (pos, offset), created when new. */
static int synset_id(doppel__wordnet *wn, unsigned pos, uint32_t offset, uint32_t *id)
{
	uint64_t key = synset_key(pos, offset);
	if ((wn->nsynsets + 1) * 2 > wn->nsmap) {
		size_t n = wn->nsmap ? wn->nsmap * 2 : 65536;
		uint64_t *k = calloc(n, sizeof(*k));
		uint32_t *v = calloc(n, sizeof(*v));
		if (!k || !v) {
			free(k);
			free(v);
			return DOPPEL_E_NOMEM;
		}
		for (size_t i = 0; i < wn->nsmap; i++) {
			if (!wn->skeys[i])
				continue;
			size_t j = (size_t)doppel__mix64(wn->skeys[i]) & (n - 1);
			while (k[j])
				j = (j + 1) & (n - 1);
			k[j] = wn->skeys[i];
			v[j] = wn->svals[i];
		}
		free(wn->skeys);
		free(wn->svals);
		wn->skeys = k;
		wn->svals = v;
		wn->nsmap = n;
	}
	size_t j = (size_t)doppel__mix64(key) & (wn->nsmap - 1);
	while (wn->skeys[j] && wn->skeys[j] != key)
		j = (j + 1) & (wn->nsmap - 1);
	if (!wn->skeys[j]) {
		wn->skeys[j] = key;
		wn->svals[j] = (uint32_t)wn->nsynsets++;
	}
	*id = wn->svals[j];
	return DOPPEL_OK;
}

static unsigned synset_pos(const doppel__wordnet *wn, uint32_t syn)
{
	unsigned p = 0;
	while (p + 1 < NPOS && syn >= wn->pos_start[p + 1])
		p++;
	return p;
}

/* --------------------------------------------------------------- loading */

/* Reads a whole file into a NUL-terminated buffer. DOPPEL_E_NOTFOUND when
 * it cannot be opened, DOPPEL_E_IO or DOPPEL_E_NOMEM later. */
static int slurp(const char *path, char **out, size_t *len)
{
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return DOPPEL_E_NOTFOUND;
	int rc = DOPPEL_OK;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (doppel__grow((void **)&buf, &cap, n + 65536 + 1, 1)) {
			rc = DOPPEL_E_NOMEM;
			goto out;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		rc = DOPPEL_E_IO;
		goto out;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
out:
	free(buf);
	fclose(f);
	return rc;
}

static int read_file(const char *dir, const char *name, const char *suffix, char **buf,
                     size_t *len, char *err)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s%s", dir, name, suffix);
	int rc = slurp(path, buf, len);
	if (rc == DOPPEL_E_NOTFOUND)
		doppel__errf(err,
		             "%s: cannot open WordNet data (install Debian's wordnet-base)",
		             path);
	else if (rc == DOPPEL_E_IO)
		doppel__errf(err, "%s: read error", path);
	else if (rc)
		doppel__errf(err, "out of memory reading %s", path);
	return rc;
}

/* Next space-separated field of line [*p, end). */
static bool field(const char **p, const char *end, const char **f, size_t *n)
{
	const char *s = *p;
	while (s < end && *s == ' ')
		s++;
	const char *e = s;
	while (e < end && *e != ' ')
		e++;
	*p = e;
	*f = s;
	*n = (size_t)(e - s);
	return e > s;
}

static bool to_u32(const char *s, size_t n, unsigned base, uint32_t *v)
{
	uint64_t x = 0;
	if (n == 0 || n > 10)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned d;
		if (s[i] >= '0' && s[i] <= '9')
			d = (unsigned)(s[i] - '0');
		else if (base == 16 && s[i] >= 'a' && s[i] <= 'f')
			d = (unsigned)(s[i] - 'a' + 10);
		else
			return false;
		x = x * base + d;
	}
	if (x > UINT32_MAX)
		return false;
	*v = (uint32_t)x;
	return true;
}

/* Splits buf into lines for fn, skipping the license header (lines that
 * start with a space) and blank lines. */
typedef int (*line_fn)(doppel__wordnet *wn, unsigned pos, const char *s, const char *end);

static int each_line(doppel__wordnet *wn, unsigned pos, const char *buf, size_t len, line_fn fn)
{
	const char *p = buf, *end = buf + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *q = p;
		p = nl ? nl + 1 : end;
		if (q == le || *q == ' ')
			continue;
		int rc = fn(wn, pos, q, le);
		if (rc)
			return rc;
	}
	return DOPPEL_OK;
}

/* Adds lemma name (n bytes, hash h: hstr) as number *out. */
static int add_lemma(doppel__wordnet *wn, const char *name, size_t n, uint64_t h, uint32_t *out)
{
	if (doppel__grow((void **)&wn->lemma, &wn->lemmacap, wn->nlemma + 1,
	                 sizeof(*wn->lemma)))
		return DOPPEL_E_NOMEM;
	uint32_t k = (uint32_t)wn->nlemma;
	struct lemma *l = &wn->lemma[k];
	memset(l, 0, sizeof(*l));
	l->len = (uint8_t)n;
	if (pool_add(&wn->pool, &wn->npool, &wn->poolcap, name, n, &l->name))
		return DOPPEL_E_NOMEM;
	wn->nlemma++;
	if ((wn->nlemma + 1) * 2 > wn->nlmap) {
		if (lmap_rebuild(wn, wn->nlemma * 2))
			return DOPPEL_E_NOMEM;
	} else {
		lmap_put(wn->lmap, wn->nlmap, h, k);
	}
	*out = k;
	return DOPPEL_OK;
}

/* "lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt
 * synset_offset..." (wndb(5WN)). Malformed lines are skipped: the files are
 * WordNet's own, and one odd line should not cost the whole vocabulary. */
static int index_line(doppel__wordnet *wn, unsigned pos, const char *q, const char *le)
{
	const char *f, *name;
	size_t n, name_len;
	uint32_t synset_cnt, p_cnt, sense_cnt, tagsense_cnt;
	if (!field(&q, le, &name, &name_len) || name_len > UINT8_MAX ||
	    !field(&q, le, &f, &n) || !field(&q, le, &f, &n) ||
	    !to_u32(f, n, 10, &synset_cnt) || !field(&q, le, &f, &n) ||
	    !to_u32(f, n, 10, &p_cnt))
		return DOPPEL_OK;
	for (uint32_t i = 0; i < p_cnt; i++)
		field(&q, le, &f, &n);
	if (!field(&q, le, &f, &n) || !to_u32(f, n, 10, &sense_cnt) || !field(&q, le, &f, &n) ||
	    !to_u32(f, n, 10, &tagsense_cnt))
		return DOPPEL_OK;
	const uint64_t h = hstr(name, name_len);
	uint32_t k = lemma_find_h(wn, name, name_len, h);
	if (k == UINT32_MAX) {
		if (add_lemma(wn, name, name_len, h, &k) ||
		    doppel__grow((void **)&wn->tagged, &wn->taggedcap, wn->nlemma,
		                 sizeof(*wn->tagged)))
			return DOPPEL_E_NOMEM;
		wn->tagged[k] = 0;
	}
	wn->tagged[k] += tagsense_cnt;
	/* A lemma's senses must be contiguous: those of this part of speech
	 * go after the ones of earlier files, so the lemma's range moves to
	 * the end of the array when it is not there already. */
	struct lemma *l = &wn->lemma[k];
	if (l->count + (size_t)synset_cnt > UINT16_MAX)
		return DOPPEL_OK;
	if (doppel__grow((void **)&wn->senses, &wn->sensescap,
	                 wn->nsenses + l->count + synset_cnt, sizeof(*wn->senses)))
		return DOPPEL_E_NOMEM;
	if (l->count && l->first + l->count != wn->nsenses) {
		memmove(wn->senses + wn->nsenses, wn->senses + l->first,
		        l->count * sizeof(*wn->senses));
		l->first = (uint32_t)wn->nsenses;
		wn->nsenses += l->count;
	} else if (!l->count) {
		l->first = (uint32_t)wn->nsenses;
	}
	if (wn->words_only) {
		/* what has_pos() asks: the part of speech, not the synsets */
		if (synset_cnt) {
			wn->senses[wn->nsenses++] = (uint32_t)wn->nsynsets++;
			l->count++;
		}
		return DOPPEL_OK;
	}
	for (uint32_t i = 0; i < synset_cnt; i++) {
		uint32_t off, id;
		if (!field(&q, le, &f, &n) || !to_u32(f, n, 10, &off))
			break;
		if (synset_id(wn, pos, off, &id))
			return DOPPEL_E_NOMEM;
		wn->senses[wn->nsenses++] = id;
		l->count++;
	}
	return DOPPEL_OK;
}

/*
 * "synset_offset lex_filenum ss_type w_cnt word lex_id [word lex_id...]
 * ..." of data.noun: a lemma whose first sense spells it with a capital and
 * that is a noun only is a proper name (Geneva, Washington, China); a
 * place when a sense of it so spelled is one (LEX_LOCATION: Jordan, the
 * river first, then the country).
 */
static int noun_line(doppel__wordnet *wn, unsigned pos, const char *q, const char *le)
{
	const char *f;
	size_t n;
	uint32_t off, lexfile, w_cnt;
	if (!field(&q, le, &f, &n) || !to_u32(f, n, 10, &off) || !field(&q, le, &f, &n) ||
	    !to_u32(f, n, 10, &lexfile) || !field(&q, le, &f, &n) || !field(&q, le, &f, &n) ||
	    !to_u32(f, n, 16, &w_cnt))
		return DOPPEL_OK;
	uint32_t syn = synset_find(wn, pos, off);
	if (syn == UINT32_MAX)
		return DOPPEL_OK;
	for (uint32_t w = 0; w < w_cnt; w++) {
		const char *lex;
		size_t ln;
		if (!field(&q, le, &f, &n) || !field(&q, le, &lex, &ln))
			break;
		if (n > MAX_WORD || !(f[0] >= 'A' && f[0] <= 'Z'))
			continue;
		char low[MAX_WORD];
		for (size_t i = 0; i < n; i++)
			low[i] = (f[i] >= 'A' && f[i] <= 'Z') ? (char)(f[i] | 0x20) : f[i];
		uint32_t k = lemma_find(wn, low, n);
		if (k == UINT32_MAX)
			continue;
		struct lemma *l = &wn->lemma[k];
		if (lexfile == LEX_LOCATION)
			l->flags |= LEMMA_PLACE;
		if (l->count && wn->senses[l->first] == syn &&
		    wn->senses[l->first + l->count - 1] < wn->pos_start[POS_NOUN + 1])
			l->flags |= LEMMA_NAME;
	}
	return DOPPEL_OK;
}

/* Looks up a form, whose hash (hstr) is h; the first of its chain + 1,
 * or 0. */
static uint32_t exc_find_h(const doppel__wordnet *wn, const char *s, size_t n, uint64_t h,
                           size_t *slot)
{
	size_t mask = wn->nemap - 1, i = (size_t)h & mask;
	while (wn->emap[i]) {
		const char *form = wn->epool + wn->exc[wn->emap[i] - 1].form;
		/* forms hold no NUL (exc_line): the one after a form's bytes
		 * stops the comparison where the form is shorter than s */
		size_t k = 0;
		while (k < n && form[k] && form[k] == s[k])
			k++;
		if (k == n && form[n] == '\0')
			break;
		i = (i + 1) & mask;
	}
	if (slot)
		*slot = i;
	return wn->emap[i];
}

static uint32_t exc_find(const doppel__wordnet *wn, const char *s, size_t n, size_t *slot)
{
	return exc_find_h(wn, s, n, hstr(s, n), slot);
}

/* "form base [base...]" of POS.exc. Bases that are no lemma are dropped. */
static int exc_line(doppel__wordnet *wn, unsigned pos, const char *q, const char *le)
{
	const char *form, *b;
	size_t fn, bn;
	if (!field(&q, le, &form, &fn) || memchr(form, '\0', fn))
		return DOPPEL_OK;
	while (field(&q, le, &b, &bn)) {
		uint32_t base = lemma_find(wn, b, bn);
		if (base == UINT32_MAX)
			continue;
		if ((wn->nexc + 1) * 2 > wn->nemap)
			return DOPPEL_OK; /* the map is sized for far more than WordNet has */
		if (doppel__grow((void **)&wn->exc, &wn->exccap, wn->nexc + 1,
		                 sizeof(*wn->exc)))
			return DOPPEL_E_NOMEM;
		struct exc *e = &wn->exc[wn->nexc];
		memset(e, 0, sizeof(*e));
		e->base = base;
		e->pos = (uint8_t)pos;
		size_t slot;
		uint32_t head = exc_find(wn, form, fn, &slot);
		if (head) {
			uint32_t last = head - 1;
			while (wn->exc[last].next)
				last = wn->exc[last].next - 1;
			wn->exc[last].next = (uint32_t)wn->nexc + 1;
			e->form = wn->exc[head - 1].form;
		} else {
			if (pool_add(&wn->epool, &wn->nepool, &wn->epoolcap, form, fn,
			             &e->form))
				return DOPPEL_E_NOMEM;
			wn->emap[slot] = (uint32_t)wn->nexc + 1;
		}
		wn->nexc++;
	}
	return DOPPEL_OK;
}

/* Synset members (CSR), then the classes. */
static int build_members_and_classes(doppel__wordnet *wn)
{
	int rc = DOPPEL_E_NOMEM;
	uint32_t *fill = NULL;
	uint64_t *order = NULL;
	uint32_t *common = NULL; /* per class root: lemmas with tagged senses */
	doppel__uf uf = {0};
	wn->mstart = calloc(wn->nsynsets + 2, sizeof(*wn->mstart));
	wn->members = doppel__alloc_array(wn->nsenses + 1, sizeof(*wn->members));
	fill = doppel__alloc_array(wn->nsynsets + 1, sizeof(*fill));
	order = doppel__alloc_array(wn->nlemma + 1, sizeof(*order));
	common = doppel__alloc_array(wn->nlemma + 1, sizeof(*common));
	if (!wn->mstart || !wn->members || !fill || !order || !common ||
	    doppel__uf_init(&uf, wn->nlemma ? wn->nlemma : 1))
		goto out;
	/* Common words first, so that the size cap stops the growth of
	 * classes at rare words rather than at the words spinners swap. */
	for (size_t k = 0; k < wn->nlemma; k++)
		order[k] = ((uint64_t)(WN_BY_FREQ ? UINT32_MAX - wn->tagged[k] : 0) << 32) | k;
	qsort(order, wn->nlemma, sizeof(*order), doppel__cmp_u64);
	for (size_t k = 0; k < wn->nlemma; k++)
		common[k] = WN_CAP_COMMON ? wn->tagged[k] > 0 : 1;
	for (size_t k = 0; k < wn->nlemma; k++)
		for (uint32_t s = 0; s < wn->lemma[k].count; s++)
			wn->mstart[wn->senses[wn->lemma[k].first + s] + 1]++;
	for (size_t s = 0; s < wn->nsynsets; s++)
		wn->mstart[s + 1] += wn->mstart[s];
	memcpy(fill, wn->mstart, wn->nsynsets * sizeof(*fill));
	for (size_t k = 0; k < wn->nlemma; k++)
		for (uint32_t s = 0; s < wn->lemma[k].count; s++)
			wn->members[fill[wn->senses[wn->lemma[k].first + s]]++] = (uint32_t)k;

	/* Join lemmas through the synsets of their first senses, first senses
	 * first: the strongest links are made before the size cap stops a
	 * class from growing. Names join nothing. */
	for (uint32_t rank = 0; rank < WN_CLASS_SENSES; rank++) {
		for (size_t i = 0; i < wn->nlemma; i++) {
			uint32_t k = (uint32_t)order[i];
			const struct lemma *l = &wn->lemma[k];
			if (l->flags & LEMMA_NAME)
				continue;
			uint32_t r = 0;
			unsigned prev = NPOS;
			for (uint32_t s = 0; s < l->count; s++) {
				uint32_t syn = wn->senses[l->first + s];
				if (WN_PER_POS) {
					unsigned p = synset_pos(wn, syn);
					r = p == prev ? r + 1 : 0;
					prev = p;
				} else {
					r = s;
				}
				if (r != rank ||
				    wn->mstart[syn + 1] - wn->mstart[syn] > WN_SYNSET_MAX)
					continue;
				for (uint32_t m = wn->mstart[syn]; m < wn->mstart[syn + 1];
				     m++) {
					uint32_t o = wn->members[m];
					if (wn->lemma[o].flags & LEMMA_NAME)
						continue;
					uint32_t ra = doppel__uf_find(&uf, k);
					uint32_t rb = doppel__uf_find(&uf, o);
					if (ra == rb ||
					    common[ra] + common[rb] > WN_CLASS_CAP ||
					    uf.size[ra] + uf.size[rb] > WN_CLASS_MAX)
						continue;
					doppel__uf_union(&uf, ra, rb);
					common[doppel__uf_find(&uf, ra)] =
						common[ra] + common[rb];
				}
			}
		}
	}
	for (size_t k = 0; k < wn->nlemma; k++)
		wn->lemma[k].cls = (wn->lemma[k].flags & LEMMA_NAME)
		                           ? 0
		                           : doppel__uf_find(&uf, (uint32_t)k) + 1;
	rc = DOPPEL_OK;
out:
	free(fill);
	free(order);
	free(common);
	free(wn->tagged);
	wn->tagged = NULL;
	doppel__uf_free(&uf);
	return rc;
}

void doppel__wordnet_free(doppel__wordnet *wn)
{
	if (!wn)
		return;
	free(wn->pool);
	free(wn->lemma);
	free(wn->lmap);
	free(wn->senses);
	free(wn->skeys);
	free(wn->svals);
	free(wn->mstart);
	free(wn->members);
	free(wn->tagged);
	free(wn->epool);
	free(wn->exc);
	free(wn->emap);
	free(wn);
}

/* Loads WordNet from dir; words: its words and their forms only (the
 * index and exception files), without the synsets' members and the
 * synonym classes that data.noun and the classes make. */
static int load(const char *dir, bool words, doppel__wordnet **out, char *err)
{
	*out = NULL;
	if (!dir)
		dir = DOPPEL__WORDNET_DIR;
	char *buf = NULL;
	size_t len;
	int rc = DOPPEL_E_NOMEM;
	doppel__wordnet *wn = calloc(1, sizeof(*wn));
	if (!wn)
		goto nomem;
	wn->words_only = words;
	for (unsigned pos = 0; pos < NPOS; pos++) {
		wn->pos_start[pos] = (uint32_t)wn->nsynsets;
		if ((rc = read_file(dir, "index.", pos_names[pos], &buf, &len, err)))
			goto out;
		if ((rc = each_line(wn, pos, buf, len, index_line)))
			goto nomem;
		free(buf);
		buf = NULL;
	}
	wn->pos_start[NPOS] = (uint32_t)wn->nsynsets;

	if (!words && (rc = read_file(dir, "data.", "noun", &buf, &len, err)))
		goto out;
	if (!words && (rc = each_line(wn, POS_NOUN, buf, len, noun_line)))
		goto nomem;
	free(buf);
	buf = NULL;
	/* only the loading needs (pos, offset) -> number */
	free(wn->skeys);
	free(wn->svals);
	wn->skeys = NULL;
	wn->svals = NULL;
	wn->nsmap = 0;

	/* WordNet 3.0 has 5,900 forms with 6,100 bases: one map, sized for
	 * ten times that, never grows. */
	wn->nemap = 131072;
	if (!(wn->emap = calloc(wn->nemap, sizeof(*wn->emap))))
		goto nomem;
	for (unsigned pos = 0; pos < NPOS; pos++) {
		if ((rc = read_file(dir, pos_names[pos], ".exc", &buf, &len, err)))
			goto out;
		if ((rc = each_line(wn, pos, buf, len, exc_line)))
			goto nomem;
		free(buf);
		buf = NULL;
	}
	if (!words && (rc = build_members_and_classes(wn)))
		goto nomem;
	*out = wn;
	wn = NULL;
	rc = DOPPEL_OK;
	goto out;
nomem:
	rc = DOPPEL_E_NOMEM;
	doppel__errf(err, "out of memory loading WordNet from %s", dir);
out:
	free(buf);
	doppel__wordnet_free(wn);
	return rc;
}

int doppel__wordnet_load(const char *dir, doppel__wordnet **out, char *err)
{
	return load(dir, false, out, err);
}

int doppel__wordnet_load_words(const char *dir, doppel__wordnet **out, char *err)
{
	return load(dir, true, out, err);
}

/* ------------------------------------------------------------- lookups */

/* Detachment rules of morphy(7WN): suffix -> ending, per part of speech. */
#define RULE(suffix, ending, pos)                                                              \
	{                                                                                      \
		suffix, ending, sizeof(suffix) - 1, sizeof(ending) - 1, pos                    \
	}
static const struct rule {
	const char *suffix, *ending;
	size_t sl, el; /* their lengths */
	unsigned pos;
} rules[] = {
	RULE("s", "", POS_NOUN),      RULE("ses", "s", POS_NOUN),
	RULE("xes", "x", POS_NOUN),   RULE("zes", "z", POS_NOUN),
	RULE("ches", "ch", POS_NOUN), RULE("shes", "sh", POS_NOUN),
	RULE("men", "man", POS_NOUN), RULE("ies", "y", POS_NOUN),
	RULE("s", "", POS_VERB),      RULE("ies", "y", POS_VERB),
	RULE("es", "e", POS_VERB),    RULE("es", "", POS_VERB),
	RULE("ed", "e", POS_VERB),    RULE("ed", "", POS_VERB),
	RULE("ing", "e", POS_VERB),   RULE("ing", "", POS_VERB),
	RULE("er", "", POS_ADJ),      RULE("est", "", POS_ADJ),
	RULE("er", "e", POS_ADJ),     RULE("est", "e", POS_ADJ),
};
#undef RULE

static bool has_pos(const doppel__wordnet *wn, uint32_t k, unsigned pos)
{
	const struct lemma *l = &wn->lemma[k];
	for (uint32_t s = 0; s < l->count; s++) {
		uint32_t syn = wn->senses[l->first + s];
		if (syn >= wn->pos_start[pos] && syn < wn->pos_start[pos + 1])
			return true;
	}
	return false;
}

static size_t add_candidate(uint32_t *out, size_t n, size_t max, uint32_t k)
{
	if (k == UINT32_MAX)
		return n;
	for (size_t i = 0; i < n && i < max; i++)
		if (out[i] == k)
			return n;
	if (n < max)
		out[n] = k;
	return n + 1;
}

static size_t apply_rules(const doppel__wordnet *wn, const char *word, size_t len,
                          uint32_t *out, size_t n, size_t max)
{
	char buf[MAX_WORD + 8];
	for (size_t r = 0; r < sizeof(rules) / sizeof(*rules); r++) {
		const size_t sl = rules[r].sl, el = rules[r].el;
		if (len <= sl)
			continue;
		/* a suffix of a few letters: compared here, not by a call */
		size_t i = 0;
		while (i < sl && word[len - sl + i] == rules[r].suffix[i])
			i++;
		if (i < sl)
			continue;
		memcpy(buf, word, len - sl);
		memcpy(buf + len - sl, rules[r].ending, el);
		uint32_t k = lemma_find(wn, buf, len - sl + el);
		if (k != UINT32_MAX && has_pos(wn, k, rules[r].pos))
			n = add_candidate(out, n, max, k);
	}
	return n;
}

size_t doppel__wordnet_lemmas(const doppel__wordnet *wn, const char *word, size_t len,
                              uint32_t *out, size_t max)
{
	if (!wn || !word || len == 0 || len > MAX_WORD)
		return 0;
	size_t n = 0;
	/* exceptions first: they are the irregular forms */
	const uint64_t h = hstr(word, len);
	uint32_t e = exc_find_h(wn, word, len, h, NULL);
	for (; e; e = wn->exc[e - 1].next)
		n = add_candidate(out, n, max, wn->exc[e - 1].base);
	/* A past participle ("stated", "united") is also an adjective lemma;
	 * the verb it comes from is what a synonym swap keeps, so it goes
	 * first. An -ing form that is a noun ("meeting", "building") is
	 * mostly that noun in news text. */
	uint32_t self = lemma_find_h(wn, word, len, h);
	bool verb_first = len > 4 && memcmp(word + len - 2, "ed", 2) == 0;
	if (len > 5 && memcmp(word + len - 3, "ing", 3) == 0)
		verb_first = self == UINT32_MAX || !has_pos(wn, self, POS_NOUN);
	if (!verb_first)
		n = add_candidate(out, n, max, self);
	n = apply_rules(wn, word, len, out, n, max);
	if (verb_first)
		n = add_candidate(out, n, max, self);
	return n < max ? n : max;
}

bool doppel__wordnet_place(const doppel__wordnet *wn, uint32_t lemma)
{
	return wn && lemma < wn->nlemma &&
	       (wn->lemma[lemma].flags & (LEMMA_NAME | LEMMA_PLACE)) ==
	               (LEMMA_NAME | LEMMA_PLACE);
}

size_t doppel__wordnet_synsets(const doppel__wordnet *wn, uint32_t lemma, uint32_t *out,
                               size_t max)
{
	if (!wn || wn->words_only || lemma >= wn->nlemma)
		return 0;
	const struct lemma *l = &wn->lemma[lemma];
	for (uint32_t i = 0; i < l->count && i < max; i++)
		out[i] = wn->senses[l->first + i];
	return l->count;
}

size_t doppel__wordnet_members(const doppel__wordnet *wn, uint32_t synset, const char **out,
                               size_t max)
{
	if (!wn || synset >= wn->nsynsets)
		return 0;
	size_t n = wn->mstart[synset + 1] - wn->mstart[synset];
	for (size_t i = 0; i < n && i < max; i++)
		out[i] = wn->pool + wn->lemma[wn->members[wn->mstart[synset] + i]].name;
	return n;
}

uint32_t doppel__wordnet_lemma_class(const doppel__wordnet *wn, uint32_t lemma)
{
	return wn && lemma < wn->nlemma ? wn->lemma[lemma].cls : 0;
}

uint32_t doppel__wordnet_class(const doppel__wordnet *wn, const char *word, size_t len)
{
	if (!wn || !word || doppel__stopword(word, len))
		return 0;
	for (size_t i = 0; i < len; i++)
		if (word[i] >= '0' && word[i] <= '9')
			return 0;
	uint32_t k;
	if (!doppel__wordnet_lemmas(wn, word, len, &k, 1))
		return 0;
	return wn->lemma[k].cls;
}

bool doppel__wordnet_related(const doppel__wordnet *wn, const char *a, size_t alen,
                             const char *b, size_t blen)
{
	uint32_t la[MAX_CANDIDATES], lb[MAX_CANDIDATES];
	size_t na = doppel__wordnet_lemmas(wn, a, alen, la, MAX_CANDIDATES);
	size_t nb = doppel__wordnet_lemmas(wn, b, blen, lb, MAX_CANDIDATES);
	for (size_t i = 0; i < na; i++) {
		const struct lemma *x = &wn->lemma[la[i]];
		for (size_t j = 0; j < nb; j++) {
			const struct lemma *y = &wn->lemma[lb[j]];
			for (uint32_t s = 0; s < x->count; s++)
				for (uint32_t t = 0; t < y->count; t++)
					if (wn->senses[x->first + s] ==
					    wn->senses[y->first + t])
						return true;
		}
	}
	return false;
}
