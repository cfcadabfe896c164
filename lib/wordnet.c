/*
 * wordnet.c — synonym data from Princeton WordNet 3.0 as Debian's
 * wordnet-base installs it (format: wndb(5WN); morphology: morphy(7WN)).
 *
 * Only the index files (lemma -> synsets, most frequent sense first) and
 * the exception lists are read: synset members come from inverting the
 * index, so the 22 MB of glosses in data.* are never touched.
 *
 * Synonym classes join lemmas through the synsets of their first senses
 * (where a thesaurus-driven spinner takes its swaps from), strongest
 * senses first, and stop growing at a size cap, so that polysemy cannot
 * chain the whole vocabulary into one class.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Senses of a lemma that take part in classes. */
#define CLASS_SENSES 3
/* Largest class union-find may build. */
#define CLASS_CAP 100
/* Morphological candidates looked at per word. */
#define MAX_CANDIDATES 16

static const char *const pos_names[4] = {"noun", "verb", "adj", "adv"};

struct lemma {
	uint32_t name;  /* offset into the string pool */
	uint32_t first; /* into senses: synsets in sense order, all parts of speech */
	uint32_t count;
	uint32_t cls;   /* class root + 1 after load */
};

struct doppel__wordnet {
	char *pool;
	size_t npool, poolcap;
	struct lemma *lemma;
	size_t nlemma, lemmacap;
	uint32_t *lmap; /* open addressing: lemma index + 1 */
	size_t nlmap;
	uint32_t *senses; /* synset numbers */
	size_t nsenses, sensescap;
	/* synset key (part of speech, offset) -> dense number */
	uint64_t *skeys;
	uint32_t *svals;
	size_t nsmap, nsynsets;
	/* members of each synset (CSR) */
	uint32_t *mstart, *members;
	/* exceptions: inflected form -> base forms, as "form\0base\0" pairs */
	char *exc;
	size_t nexc, exccap;
	uint32_t *emap; /* open addressing: offset + 1 of the form in exc */
	size_t nemap;
};

/* ---------------------------------------------------------------- tables */

static uint64_t hstr(const char *s, size_t n)
{
	return doppel__hash(s, n, 0x776e);
}

static int pool_add(doppel__wordnet *wn, const char *s, size_t n, uint32_t *off)
{
	if (wn->npool + n + 1 > UINT32_MAX ||
	    doppel__grow((void **)&wn->pool, &wn->poolcap, wn->npool + n + 1, 1))
		return DOPPEL_E_NOMEM;
	memcpy(wn->pool + wn->npool, s, n);
	wn->pool[wn->npool + n] = '\0';
	*off = (uint32_t)wn->npool;
	wn->npool += n + 1;
	return DOPPEL_OK;
}

/* Lemma index of s, or UINT32_MAX. */
static uint32_t lemma_find(const doppel__wordnet *wn, const char *s, size_t n)
{
	if (!wn->nlmap)
		return UINT32_MAX;
	size_t mask = wn->nlmap - 1, i = (size_t)hstr(s, n) & mask;
	while (wn->lmap[i]) {
		const char *name = wn->pool + wn->lemma[wn->lmap[i] - 1].name;
		if (strlen(name) == n && memcmp(name, s, n) == 0)
			return wn->lmap[i] - 1;
		i = (i + 1) & mask;
	}
	return UINT32_MAX;
}

static int lmap_rebuild(doppel__wordnet *wn, size_t want)
{
	size_t n = 1024;
	while (n < want * 2)
		n *= 2;
	uint32_t *m = calloc(n, sizeof(*m));
	if (!m)
		return DOPPEL_E_NOMEM;
	for (size_t k = 0; k < wn->nlemma; k++) {
		const char *name = wn->pool + wn->lemma[k].name;
		size_t i = (size_t)hstr(name, strlen(name)) & (n - 1);
		while (m[i])
			i = (i + 1) & (n - 1);
		m[i] = (uint32_t)k + 1;
	}
	free(wn->lmap);
	wn->lmap = m;
	wn->nlmap = n;
	return DOPPEL_OK;
}

/* The dense number of synset (pos, offset), created when new. */
static int synset_id(doppel__wordnet *wn, unsigned pos, uint32_t offset, uint32_t *id)
{
	uint64_t key = ((uint64_t)(pos + 1) << 32) | offset;
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

/* --------------------------------------------------------------- loading */

/* Reads a whole file into a NUL-terminated buffer. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (doppel__grow((void **)&buf, &cap, n + 65536 + 1, 1)) {
			free(buf);
			fclose(f);
			return NULL;
		}
		size_t got = fread(buf + n, 1, 65536, f);
		n += got;
		if (got < 65536)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
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

static bool to_u32(const char *s, size_t n, uint32_t *v)
{
	uint64_t x = 0;
	if (n == 0 || n > 10)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	if (x > UINT32_MAX)
		return false;
	*v = (uint32_t)x;
	return true;
}

/* One index.POS file: "lemma pos synset_cnt p_cnt [ptr...] sense_cnt
 * tagsense_cnt offset..." per line; license lines start with a space. */
static int load_index(doppel__wordnet *wn, const char *dir, unsigned pos, char *err)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/index.%s", dir, pos_names[pos]);
	size_t len;
	char *buf = slurp(path, &len);
	if (!buf) {
		doppel__errf(err, "%s: cannot read WordNet data (install Debian's wordnet-base)",
		             path);
		return DOPPEL_E_NOTFOUND;
	}
	int rc = DOPPEL_OK;
	const char *p = buf, *end = buf + len;
	while (p < end && rc == DOPPEL_OK) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *q = p;
		p = nl ? nl + 1 : end;
		if (*q == ' ' || q == le)
			continue;
		const char *f;
		size_t n;
		uint32_t synset_cnt, p_cnt, dummy;
		if (!field(&q, le, &f, &n))
			continue;
		const char *name = f;
		size_t name_len = n;
		if (!field(&q, le, &f, &n) || !field(&q, le, &f, &n) || !to_u32(f, n, &synset_cnt) ||
		    !field(&q, le, &f, &n) || !to_u32(f, n, &p_cnt))
			continue;
		for (uint32_t i = 0; i < p_cnt; i++)
			field(&q, le, &f, &n);
		if (!field(&q, le, &f, &n) || !to_u32(f, n, &dummy) || !field(&q, le, &f, &n))
			continue;
		uint32_t k = lemma_find(wn, name, name_len);
		if (k == UINT32_MAX) {
			if (doppel__grow((void **)&wn->lemma, &wn->lemmacap, wn->nlemma + 1,
			                 sizeof(*wn->lemma))) {
				rc = DOPPEL_E_NOMEM;
				break;
			}
			k = (uint32_t)wn->nlemma;
			struct lemma *l = &wn->lemma[k];
			memset(l, 0, sizeof(*l));
			if ((rc = pool_add(wn, name, name_len, &l->name)))
				break;
			wn->nlemma++;
			if ((wn->nlemma + 1) * 2 > wn->nlmap && (rc = lmap_rebuild(wn, wn->nlemma * 2)))
				break;
			size_t mask = wn->nlmap - 1, i = (size_t)hstr(name, name_len) & mask;
			while (wn->lmap[i])
				i = (i + 1) & mask;
			wn->lmap[i] = k + 1;
		}
		/* Senses of this part of speech go after those of earlier files;
		 * a lemma's senses must be contiguous, so they are appended and
		 * the lemma's range moved to the end when it grows. */
		struct lemma *l = &wn->lemma[k];
		size_t need = wn->nsenses + l->count + synset_cnt;
		if (doppel__grow((void **)&wn->senses, &wn->sensescap, need, sizeof(*wn->senses))) {
			rc = DOPPEL_E_NOMEM;
			break;
		}
		if (l->count && l->first + l->count != wn->nsenses) {
			memmove(wn->senses + wn->nsenses, wn->senses + l->first,
			        l->count * sizeof(*wn->senses));
			l->first = (uint32_t)wn->nsenses;
			wn->nsenses += l->count;
		} else if (!l->count) {
			l->first = (uint32_t)wn->nsenses;
		}
		for (uint32_t i = 0; i < synset_cnt && rc == DOPPEL_OK; i++) {
			uint32_t off, id;
			if (!field(&q, le, &f, &n) || !to_u32(f, n, &off))
				break;
			if ((rc = synset_id(wn, pos, off, &id)))
				break;
			wn->senses[wn->nsenses++] = id;
			l->count++;
		}
	}
	free(buf);
	if (rc == DOPPEL_E_NOMEM)
		doppel__errf(err, "out of memory reading %s", path);
	return rc;
}

static const char *exc_form(const doppel__wordnet *wn, uint32_t off)
{
	return wn->exc + off;
}

/* One POS.exc file: "form base [base...]". */
static int load_exc(doppel__wordnet *wn, const char *dir, unsigned pos)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s.exc", dir, pos_names[pos]);
	size_t len;
	char *buf = slurp(path, &len);
	if (!buf)
		return DOPPEL_OK; /* morphology rules still work without them */
	int rc = DOPPEL_OK;
	const char *p = buf, *end = buf + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *q = p;
		p = nl ? nl + 1 : end;
		const char *f, *b;
		size_t n, bn;
		if (!field(&q, le, &f, &n) || !field(&q, le, &b, &bn))
			continue;
		/* form\0base\0 */
		if (doppel__grow((void **)&wn->exc, &wn->exccap, wn->nexc + n + bn + 2, 1)) {
			rc = DOPPEL_E_NOMEM;
			break;
		}
		memcpy(wn->exc + wn->nexc, f, n);
		wn->exc[wn->nexc + n] = '\0';
		memcpy(wn->exc + wn->nexc + n + 1, b, bn);
		wn->exc[wn->nexc + n + 1 + bn] = '\0';
		wn->nexc += n + bn + 2;
	}
	free(buf);
	return rc;
}

static int build_emap(doppel__wordnet *wn)
{
	size_t count = 0;
	for (size_t o = 0; o < wn->nexc;) {
		o += strlen(wn->exc + o) + 1;
		o += strlen(wn->exc + o) + 1;
		count++;
	}
	size_t n = 1024;
	while (n < count * 2)
		n *= 2;
	wn->emap = calloc(n, sizeof(*wn->emap));
	if (!wn->emap)
		return DOPPEL_E_NOMEM;
	wn->nemap = n;
	for (size_t o = 0; o < wn->nexc;) {
		const char *form = wn->exc + o;
		size_t i = (size_t)hstr(form, strlen(form)) & (n - 1);
		/* the first entry of a form wins (nouns before verbs) */
		bool seen = false;
		while (wn->emap[i]) {
			seen |= strcmp(exc_form(wn, wn->emap[i] - 1), form) == 0;
			i = (i + 1) & (n - 1);
		}
		if (!seen)
			wn->emap[i] = (uint32_t)o + 1;
		o += strlen(form) + 1;
		o += strlen(wn->exc + o) + 1;
	}
	return DOPPEL_OK;
}

/* Synset members (CSR), then the classes. */
static int build_members_and_classes(doppel__wordnet *wn)
{
	wn->mstart = calloc(wn->nsynsets + 2, sizeof(*wn->mstart));
	wn->members = doppel__alloc_array(wn->nsenses + 1, sizeof(*wn->members));
	doppel__uf uf = {0};
	if (!wn->mstart || !wn->members || doppel__uf_init(&uf, wn->nlemma ? wn->nlemma : 1))
		return DOPPEL_E_NOMEM;
	for (size_t k = 0; k < wn->nlemma; k++)
		for (uint32_t s = 0; s < wn->lemma[k].count; s++)
			wn->mstart[wn->senses[wn->lemma[k].first + s] + 1]++;
	for (size_t s = 0; s < wn->nsynsets; s++)
		wn->mstart[s + 1] += wn->mstart[s];
	uint32_t *fill = doppel__alloc_array(wn->nsynsets + 1, sizeof(*fill));
	if (!fill) {
		doppel__uf_free(&uf);
		return DOPPEL_E_NOMEM;
	}
	memcpy(fill, wn->mstart, wn->nsynsets * sizeof(*fill));
	for (size_t k = 0; k < wn->nlemma; k++)
		for (uint32_t s = 0; s < wn->lemma[k].count; s++)
			wn->members[fill[wn->senses[wn->lemma[k].first + s]]++] = (uint32_t)k;
	free(fill);

	/* Join lemmas through the synsets of their first senses, first senses
	 * first: the strongest links are made before the size cap stops a
	 * class from growing. A link needs the synset among the first senses
	 * of one of the two lemmas. */
	for (uint32_t s = 0; s < CLASS_SENSES; s++) {
		for (size_t k = 0; k < wn->nlemma; k++) {
			const struct lemma *l = &wn->lemma[k];
			if (s >= l->count)
				continue;
			uint32_t syn = wn->senses[l->first + s];
			for (uint32_t m = wn->mstart[syn]; m < wn->mstart[syn + 1]; m++) {
				uint32_t o = wn->members[m];
				uint32_t ra = doppel__uf_find(&uf, (uint32_t)k), rb = doppel__uf_find(&uf, o);
				if (ra != rb && uf.size[ra] + uf.size[rb] <= CLASS_CAP)
					doppel__uf_union(&uf, ra, rb);
			}
		}
	}
	for (size_t k = 0; k < wn->nlemma; k++)
		wn->lemma[k].cls = doppel__uf_find(&uf, (uint32_t)k) + 1;
	doppel__uf_free(&uf);
	return DOPPEL_OK;
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
	free(wn->exc);
	free(wn->emap);
	free(wn);
}

int doppel__wordnet_load(const char *dir, doppel__wordnet **out, char *err)
{
	*out = NULL;
	if (!dir)
		dir = DOPPEL__WORDNET_DIR;
	doppel__wordnet *wn = calloc(1, sizeof(*wn));
	if (!wn) {
		doppel__errf(err, "out of memory");
		return DOPPEL_E_NOMEM;
	}
	int rc = DOPPEL_OK;
	for (unsigned pos = 0; pos < 4 && rc == DOPPEL_OK; pos++)
		rc = load_index(wn, dir, pos, err);
	for (unsigned pos = 0; pos < 4 && rc == DOPPEL_OK; pos++)
		rc = load_exc(wn, dir, pos);
	if (rc == DOPPEL_OK && ((rc = build_emap(wn)) || (rc = build_members_and_classes(wn))))
		doppel__errf(err, "out of memory loading WordNet");
	if (rc) {
		doppel__wordnet_free(wn);
		return rc;
	}
	*out = wn;
	return DOPPEL_OK;
}

/* ------------------------------------------------------------- lookups */

/* Detachment rules of morphy(7WN): suffix -> ending, per part of speech. */
static const struct {
	const char *suffix, *ending;
} rules[] = {
	{"s", ""},    {"ses", "s"}, {"xes", "x"}, {"zes", "z"},  {"ches", "ch"},
	{"shes", "sh"}, {"men", "man"}, {"ies", "y"}, {"es", "e"}, {"es", ""},
	{"ed", "e"},  {"ed", ""},   {"ing", "e"}, {"ing", ""},   {"er", ""},
	{"est", ""},  {"er", "e"},  {"est", "e"},
};

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

size_t doppel__wordnet_lemmas(const doppel__wordnet *wn, const char *word, size_t len,
                              uint32_t *out, size_t max)
{
	if (!wn || len == 0 || len > 60)
		return 0;
	size_t n = 0;
	/* exceptions first: they are the irregular forms */
	size_t i = (size_t)hstr(word, len) & (wn->nemap - 1);
	while (wn->emap[i]) {
		const char *form = exc_form(wn, wn->emap[i] - 1);
		if (strlen(form) == len && memcmp(form, word, len) == 0) {
			const char *base = form + len + 1;
			n = add_candidate(out, n, max, lemma_find(wn, base, strlen(base)));
			break;
		}
		i = (i + 1) & (wn->nemap - 1);
	}
	/* A participle ("stated", "rising") is also an adjective lemma; the
	 * verb it comes from is what a synonym swap keeps, so it goes first. */
	bool participle = (len > 4 && memcmp(word + len - 2, "ed", 2) == 0) ||
	                  (len > 5 && memcmp(word + len - 3, "ing", 3) == 0);
	if (!participle)
		n = add_candidate(out, n, max, lemma_find(wn, word, len));
	char buf[64];
	for (size_t r = 0; r < sizeof(rules) / sizeof(*rules); r++) {
		size_t sl = strlen(rules[r].suffix), el = strlen(rules[r].ending);
		if (len <= sl || memcmp(word + len - sl, rules[r].suffix, sl) != 0 ||
		    len - sl + el >= sizeof(buf))
			continue;
		memcpy(buf, word, len - sl);
		memcpy(buf + len - sl, rules[r].ending, el);
		n = add_candidate(out, n, max, lemma_find(wn, buf, len - sl + el));
	}
	if (participle)
		n = add_candidate(out, n, max, lemma_find(wn, word, len));
	return n < max ? n : max;
}

size_t doppel__wordnet_synsets(const doppel__wordnet *wn, uint32_t lemma, uint32_t *out,
                               size_t max)
{
	if (!wn || lemma >= wn->nlemma)
		return 0;
	const struct lemma *l = &wn->lemma[lemma];
	for (uint32_t i = 0; i < l->count && i < max; i++)
		out[i] = wn->senses[l->first + i];
	return l->count;
}

size_t doppel__wordnet_members(const doppel__wordnet *wn, uint32_t synset,
                               const char **out, size_t max)
{
	if (!wn || synset >= wn->nsynsets)
		return 0;
	size_t n = wn->mstart[synset + 1] - wn->mstart[synset];
	for (size_t i = 0; i < n && i < max; i++)
		out[i] = wn->pool + wn->lemma[wn->members[wn->mstart[synset] + i]].name;
	return n;
}

uint32_t doppel__wordnet_class(const doppel__wordnet *wn, const char *word, size_t len)
{
	if (!wn || doppel__stopword(word, len))
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
					if (wn->senses[x->first + s] == wn->senses[y->first + t])
						return true;
		}
	}
	return false;
}
