/*
 * passages.c — the passages two texts share, with byte offsets into each.
 *
 * An excerpt reuses a few passages of its source, verbatim, edited,
 * reworded sentence by sentence or condensed, inside text of its own; the
 * share of the two texts they make may be small. This file finds them for
 * one pair of texts and gives the keys by which an index finds the pairs.
 *
 * Tokenizing: words with their bytes in the text as given, a lemma (the
 * Snowball stem of the folded word, libstemmer), a synonym class where
 * WordNet knows the word (wordnet.c's classes, as segment.c uses them),
 * stop words, sentences.
 *
 * Fingerprints: winnowing over hashed k-grams of content lemmas
 * (Schleimer, Wilkerson, Aiken, "Winnowing: Local Algorithms for Document
 * Fingerprinting", SIGMOD 2003), with a guaranteed detection threshold;
 * and bottom-2 sentence keys for reuse whose k-grams do not survive
 * rewording (Broder, "On the Resemblance and Containment of Documents",
 * 1997).
 *
 * Verification of a pair, local mode. Seeds ("hits": a content word of a
 * and one of b) come from the k-grams of content lemmas the texts share
 * (exact reuse) and from the matching words of sentence pairs whose cosine,
 * weighted by inverse sentence frequency within the pair, is high (edited,
 * reworded and translated reuse: the sentence-level seeding of
 * Sanchez-Perez, Sidorov, Gelbukh, "A Winning Approach to Text Alignment
 * for Text Reuse Detection at PAN 2014", CLEF 2014 notebooks). Hits in the
 * order of b form chains, each hit joining the chain whose last hit is near
 * in both texts. Chains then merge: when both gaps between them are short,
 * or, with their order kept, across a gap of up to bridge_gap words enough
 * of whose words match as lemmas or synonyms. Chains do not merge when one
 * text would stretch past twice the other (a phrase repeated all over a),
 * when they align mostly the same words of b at two places of a (rival
 * alignments), or when they are in the other order in a and each is a
 * passage already (a passage is monotone at that scale; shorter pieces are
 * what edits move). A merged chain is a passage when its longer side has
 * min_words words and min_score of its distinct content keys are found on
 * the other side.
 *
 * Condensed mode, for summaries: chains of sentence pairs in which one
 * text's sentences follow each other and the other's go forward with any
 * gaps (a monotone alignment, as relate.c aligns rewrites), found by
 * dynamic programming. A chain is a condensed passage when its long side
 * skips between several blocks of sentences, holds two to twenty-five times
 * the words of its short side, and its cosines add up; sentences inside a
 * local passage pair only with that passage's other side. A condensed
 * passage spanning most of the long text stands for all of it, and takes
 * in the local passages next to it.
 *
 * Offsets are bytes of the text exactly as given, end exclusive. A passage
 * starts at a word, or at its sentence's first word when only a few content
 * words of the sentence lie before it; it ends after a word, or after its
 * sentence's closing punctuation and quotes. Passages do not overlap in b.
 */
#include "internal.h"
#include "text/wordchar.h"

#include <libstemmer.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* -------------------------------------------------------------- scratch */

/* Grows *p to hold n elements of size (a no-op when it does). */
static int reserve(void *p, size_t *cap, size_t n, size_t size)
{
	if (n <= *cap)
		return DOPPEL_OK;
	return doppel__grow((void **)p, cap, n, size) ? DOPPEL_E_NOMEM : DOPPEL_OK;
}

/* A cache flag beside the DOPPEL__PW_* ones, not given to words: a full
 * stop after the word ends no sentence (an abbreviation, a single letter). */
#define NO_FULL_STOP 0x100

/* What a distinct folded word gives. */
struct pentry {
	uint64_t h; /* hash of the folded word; 0: free slot */
	uint32_t lemma, key, flags;
};

/* A word of the line take_line() reads. The words of a line are all found,
 * folded and hashed before the first is looked up, so that their cache
 * slots are fetched together rather than one miss after another. */
struct line_word {
	size_t at, n;      /* bytes of the line */
	size_t fold, flen; /* the folded form in pg->fold; flen 0: none */
	uint64_t h;        /* its cache key */
	bool ascii;
};

/* A k-gram of a's content lemmas in the hash table of doppel__passages_find. */
struct kslot {
	uint64_t h;     /* 0: free */
	uint32_t first; /* a content position; more in kgnext */
};

/* A key (synonym class or lemma) and its dense number in one comparison. */
struct idslot {
	uint32_t key; /* 0: free */
	uint32_t id;
};

/* Two content words, one of each text, that seed a passage. */
struct hit {
	uint32_t a, b;
	uint32_t exact; /* 1: of a shared k-gram; 0: of a sentence pair */
};

/* Two sentences and their weighted cosine. */
struct spair {
	uint32_t sa, sb;
	float cos;
};

/* A sentence pair's place in the order of the condensed mode's best
 * chains. */
struct ranked {
	float best;
	uint32_t i;
};

/* A chain of seeds, then a passage: content words [a0, a1] of a and
 * [b0, b1] of b (inclusive). */
struct box {
	uint32_t a0, a1, b0, b1;
	uint32_t alast; /* a of the chain's last hit */
	uint32_t nhits, exact;
	float score;
	unsigned mode;
	bool dead;
};

struct doppel__passager {
	const doppel__wordnet *wn;
	struct sb_stemmer *stemmer;
	uint64_t seed;
	struct pentry *cache;
	size_t ncache, used;
	char *fold; /* the folded words of the line being read */
	size_t foldcap;
	struct line_word *lw; /* the words of that line */
	size_t lwcap;

	/* tokenizing: the text and sentence being built */
	doppel__ptext *t;
	const char *text;
	size_t line_next;    /* the byte after the previous line's newline */
	uint32_t sent_w0;    /* first word of the open sentence */
	uint32_t sent_c0;    /* its first content word */
	uint32_t open_end;   /* where the open sentence would end now */
	bool prev_nostop;    /* a full stop after the last word ends no sentence */
	bool prev_lower_end; /* the last word ends with a lowercase ASCII letter */

	/* comparing: dense key numbers and per-key arrays */
	struct idslot *ids;
	size_t idscap;
	uint32_t *kida, *kidb;
	size_t kidacap, kidbcap;
	uint32_t *sfa, *sfb, *stamp, *postoff;
	size_t sfacap, sfbcap, stampcap, postoffcap;
	float *wsq;
	size_t wsqcap;
	uint32_t stamp_now;
	/* sentence key sets and norms */
	uint32_t *aset, *asetoff, *bset, *bsetoff, *post;
	size_t asetcap, asetoffcap, bsetcap, bsetoffcap, postcap;
	float *anorm, *bnorm;
	size_t anormcap, bnormcap;
	/* accumulating cosines */
	float *acc;
	uint32_t *cnt, *touched;
	size_t acccap, cntcap, touchedcap;
	struct spair *pairs;
	size_t npairs, pairscap;
	/* k-grams of a */
	struct kslot *kg;
	size_t kgcap;
	uint32_t *kgnext;
	size_t kgnextcap;
	/* hits, sorted by b */
	struct hit *hits, *hits2;
	size_t nhits, hitscap, hits2cap;
	uint32_t *bstart;
	size_t bstartcap;
	/* chains and passages */
	struct box *box;
	size_t nbox, boxcap;
	uint32_t *open;
	size_t opencap;
	/* the condensed mode's alignment */
	float *best;
	uint32_t *prev;
	struct ranked *order;
	size_t bestcap, prevcap, ordercap;
	uint32_t *acov, *bcov; /* per sentence: the local passage holding it + 1,
	                          or 0 */
	size_t acovcap, bcovcap;
};

/* A passager with an empty word cache; caller owns it: release with
 * doppel__passager_free(). wn is borrowed. */
doppel__passager *doppel__passager_new(const doppel__wordnet *wn, uint64_t seed)
{
	doppel__passager *pg = calloc(1, sizeof(*pg));
	if (!pg)
		return NULL;
	pg->wn = wn;
	pg->seed = seed;
	pg->stemmer = sb_stemmer_new("english", "UTF_8");
	pg->ncache = 4096;
	pg->cache = calloc(pg->ncache, sizeof(*pg->cache));
	if (!pg->stemmer || !pg->cache) {
		doppel__passager_free(pg);
		return NULL;
	}
	return pg;
}

/* Releases pg and everything it holds (NULL: nothing). */
void doppel__passager_free(doppel__passager *pg)
{
	if (!pg)
		return;
	if (pg->stemmer)
		sb_stemmer_delete(pg->stemmer);
	free(pg->cache);
	free(pg->fold);
	free(pg->lw);
	free(pg->ids);
	free(pg->kida);
	free(pg->kidb);
	free(pg->sfa);
	free(pg->sfb);
	free(pg->stamp);
	free(pg->postoff);
	free(pg->wsq);
	free(pg->aset);
	free(pg->asetoff);
	free(pg->bset);
	free(pg->bsetoff);
	free(pg->post);
	free(pg->anorm);
	free(pg->bnorm);
	free(pg->acc);
	free(pg->cnt);
	free(pg->touched);
	free(pg->pairs);
	free(pg->kg);
	free(pg->kgnext);
	free(pg->hits);
	free(pg->hits2);
	free(pg->bstart);
	free(pg->box);
	free(pg->open);
	free(pg->best);
	free(pg->prev);
	free(pg->order);
	free(pg->acov);
	free(pg->bcov);
	free(pg);
}

/* Releases the arrays of t and zeroes it (NULL: nothing). */
void doppel__ptext_free(doppel__ptext *t)
{
	if (!t)
		return;
	free(t->word);
	free(t->content);
	free(t->sent);
	memset(t, 0, sizeof(*t));
}

/* ---------------------------------------------------------------- words */

/* The slot of hash h in an open-addressing table of n (a power of two)
 * entries: h's own, or the free one where it goes. */
static struct pentry *cache_slot(struct pentry *cache, size_t n, uint64_t h)
{
	/* h's lowest bit is always set: the bits above it spread over every slot */
	size_t mask = n - 1, i = (size_t)(h >> 1) & mask;
	while (cache[i].h && cache[i].h != h)
		i = (i + 1) & mask;
	return &cache[i];
}

/* The lemma number of bytes (never 0; the top bit is the synonym classes'). */
static uint32_t lemma_of(const doppel__passager *pg, const void *p, size_t n)
{
	uint32_t v = (uint32_t)doppel__hash(p, n, pg->seed ^ 0x6c656d6d61) & 0x7fffffffu;
	return v ? v : 1;
}

/* The cache key of a folded word; never 0. */
static uint64_t word_key(const doppel__passager *pg, const char *w, size_t m)
{
	return doppel__hash(w, m, pg->seed ^ 0x7077) | 1;
}

/* Lemma, key and flags of the folded word w (m bytes, cache key h), from
 * the cache; NULL when out of memory. */
static const struct pentry *word_entry(doppel__passager *pg, const char *w, size_t m,
                                       uint64_t h)
{
	struct pentry *slot = cache_slot(pg->cache, pg->ncache, h);
	if (slot->h)
		return slot;
	if ((pg->used + 1) * 2 > pg->ncache) {
		size_t nn = pg->ncache * 2;
		struct pentry *c = calloc(nn, sizeof(*c));
		if (!c)
			return NULL;
		for (size_t i = 0; i < pg->ncache; i++)
			if (pg->cache[i].h)
				*cache_slot(c, nn, pg->cache[i].h) = pg->cache[i];
		free(pg->cache);
		pg->cache = c;
		pg->ncache = nn;
		slot = cache_slot(pg->cache, pg->ncache, h);
	}
	struct pentry e = {.h = h};
	bool ascii = true, digit = false;
	for (size_t i = 0; i < m; i++) {
		unsigned char c = (unsigned char)w[i];
		ascii &= c < 0x80;
		digit |= c >= '0' && c <= '9';
	}
	if (ascii && doppel__stopword(w, m))
		e.flags |= DOPPEL__PW_STOP;
	if (m == 1 || (ascii && doppel__abbreviation(w, m)))
		e.flags |= NO_FULL_STOP;
	if (digit) {
		/* A number is its digits, however it is written: a translation
		 * round trip turns "4,232" into "4232", "5.3" into "5,3", "3."
		 * into "3rd" (PAN 2013, translated reuse: 801 → 810 of 1,000
		 * pairs related, summaries 146 → 148 of 238). */
		e.flags |= DOPPEL__PW_NUMBER;
		char dg[64];
		size_t nd = 0;
		for (size_t i = 0; i < m && nd < sizeof(dg); i++)
			if (w[i] >= '0' && w[i] <= '9')
				dg[nd++] = w[i];
		e.lemma = lemma_of(pg, dg, nd);
	} else {
		const sb_symbol *st =
			sb_stemmer_stem(pg->stemmer, (const sb_symbol *)w, (int)m);
		if (!st)
			return NULL;
		e.lemma = lemma_of(pg, st, (size_t)sb_stemmer_length(pg->stemmer));
	}
	e.key = e.lemma;
	if (pg->wn && ascii && !(e.flags & (DOPPEL__PW_STOP | DOPPEL__PW_NUMBER))) {
		uint32_t cls = doppel__wordnet_class(pg->wn, w, m);
		if (cls)
			e.key = cls | 0x80000000u;
	}
	*slot = e;
	pg->used++;
	return slot;
}

/* Folds the bytes of one word into pg->fold from byte at, the way
 * doppel__normalize folds text (ASCII lowered, other text
 * NFKC-casefolded by utf8proc), leaving out apostrophes and the commas of
 * numbers. *out: its length. */
static int fold_word(doppel__passager *pg, size_t at, const char *w, size_t n, bool ascii,
                     size_t *out)
{
	size_t m = 0;
	if (ascii) {
		if (reserve(&pg->fold, &pg->foldcap, at + n + 1, 1))
			return DOPPEL_E_NOMEM;
		char *f = pg->fold + at;
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)w[i];
			if (c == '\'' || c == ',')
				continue;
			f[m++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
		*out = m;
		return DOPPEL_OK;
	}
	unsigned char *mapped = NULL;
	long r = doppel__fold(w, n, &mapped);
	if (r < 0)
		return (int)r;
	int rc = DOPPEL_OK;
	if (reserve(&pg->fold, &pg->foldcap, at + (size_t)r + 1, 1)) {
		rc = DOPPEL_E_NOMEM;
		goto out;
	}
	for (long i = 0; i < r;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t step =
			utf8proc_iterate(mapped + i, (utf8proc_ssize_t)(r - i), &cp);
		if (step <= 0)
			break;
		if (cp != '\'' && cp != 0x2019 && cp != ',') {
			memcpy(pg->fold + at + m, mapped + i, (size_t)step);
			m += (size_t)step;
		}
		i += step;
	}
	*out = m;
out:
	free(mapped);
	return rc;
}

/* The character at byte i of s (i < n) and its length in *step; a byte
 * that starts no valid character is one U+FFFD. */
static int32_t char_at(const char *s, size_t n, size_t i, size_t *step)
{
	unsigned char c = (unsigned char)s[i];
	*step = 1;
	if (c < 0x80)
		return c;
	utf8proc_int32_t cp;
	utf8proc_ssize_t st = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
	                                       (utf8proc_ssize_t)(n - i), &cp);
	if (st <= 0)
		return 0xFFFD;
	*step = (size_t)st;
	return cp;
}

/* Spaces of every kind, line breaks and the no-break space. */
static bool is_space_cp(int32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == '\f' ||
	       cp == '\v' || cp == 0xA0 || cp == 0x2028 || cp == 0x2029 ||
	       (cp >= 0x2000 && cp <= 0x200B) || cp == 0x3000;
}

/* An ASCII digit. */
static bool is_digit_byte(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* The end of the run of punctuation at byte i of s (n bytes): characters
 * that are neither word characters nor spaces ("." "," "\"" ")" ...). */
static size_t punct_run(const char *s, size_t n, size_t i)
{
	while (i < n) {
		const unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			/* ASCII: a letter or digit, or a space of ASCII, ends it */
			if (doppel__ascii_lower[c] || c == ' ' || (c >= '\t' && c <= '\r'))
				break;
			i++;
			continue;
		}
		size_t step;
		int32_t cp = char_at(s, n, i, &step);
		if (doppel__is_word_cp(cp) || is_space_cp(cp))
			break;
		i += step;
	}
	return i;
}

/* Closes the open sentence (when it has words) at byte end. */
static int close_sentence(doppel__passager *pg, uint32_t end)
{
	doppel__ptext *t = pg->t;
	if (t->nword == pg->sent_w0)
		return DOPPEL_OK;
	if (reserve(&t->sent, &t->sentcap, t->nsent + 1, sizeof(*t->sent)))
		return DOPPEL_E_NOMEM;
	uint32_t s = (uint32_t)t->nsent;
	for (size_t i = pg->sent_w0; i < t->nword; i++)
		t->word[i].sent = s;
	t->sent[t->nsent++] =
		(doppel__psent){pg->sent_w0,           (uint32_t)t->nword,         pg->sent_c0,
	                        (uint32_t)t->ncontent, t->word[pg->sent_w0].start, end};
	pg->sent_w0 = (uint32_t)t->nword;
	pg->sent_c0 = (uint32_t)t->ncontent;
	return DOPPEL_OK;
}

/* Finds the word at bytes [at, at + n) of the line, a possessive 's left
 * out, folded into pg->fold from byte *fold (which moves past it), its
 * cache slot fetched; plain: the word is ASCII letters and digits alone. */
static int fold_line_word(doppel__passager *pg, const char *line, size_t at, size_t n,
                          bool ascii, bool plain, size_t *fold, struct line_word *out)
{
	const char *w = line + at;
	size_t m = n, flen = 0;
	if (plain) {
		/* ASCII letters and digits alone: a letter's bit 0x20 lowers it,
		 * and a digit has it */
		if (reserve(&pg->fold, &pg->foldcap, *fold + n + 1, 1))
			return DOPPEL_E_NOMEM;
		for (size_t i = 0; i < n; i++)
			pg->fold[*fold + i] = (char)(w[i] | 0x20);
		flen = n;
	} else {
		/* A possessive is the word itself: "Valdoria's" is Valdoria. */
		if (m > 2 && (w[m - 1] == 's' || w[m - 1] == 'S') && w[m - 2] == '\'')
			m -= 2;
		else if (m > 4 && (w[m - 1] == 's' || w[m - 1] == 'S') &&
		         memcmp(w + m - 4, "\xe2\x80\x99", 3) == 0)
			m -= 4;
		int rc = fold_word(pg, *fold, w, m, ascii, &flen);
		if (rc)
			return rc;
	}
	*out = (struct line_word){
		.at = at, .n = n, .fold = *fold, .flen = flen, .ascii = ascii};
	if (flen) {
		out->h = word_key(pg, pg->fold + *fold, flen);
		DOPPEL__PREFETCH(&pg->cache[(size_t)(out->h >> 1) & (pg->ncache - 1)]);
	}
	*fold += flen;
	return DOPPEL_OK;
}

/* Adds the word lw of the line (at base in the text), whose first
 * character is cp, of Unicode category cat when it is not ASCII. The
 * caller has made room for it in the words and the content words. */
static int add_word(doppel__passager *pg, const char *line, size_t linelen, size_t base,
                    const struct line_word *lw, int32_t cp, utf8proc_category_t cat)
{
	doppel__ptext *t = pg->t;
	const size_t at = lw->at, n = lw->n;
	const char *w = line + at;
	if (lw->flen == 0)
		return DOPPEL_OK;
	const struct pentry *e = word_entry(pg, pg->fold + lw->fold, lw->flen, lw->h);
	if (!e)
		return DOPPEL_E_NOMEM;
	uint32_t flags = e->flags & ~(uint32_t)NO_FULL_STOP;
	if (cp < 0x80) {
		if (cp >= 'A' && cp <= 'Z')
			flags |= DOPPEL__PW_UPPER;
		else if (cp >= 'a' && cp <= 'z')
			flags |= DOPPEL__PW_LOWER;
	} else {
		if (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT)
			flags |= DOPPEL__PW_UPPER;
		else if (cat == UTF8PROC_CATEGORY_LL)
			flags |= DOPPEL__PW_LOWER;
	}
	if (!(flags & DOPPEL__PW_STOP))
		t->content[t->ncontent++] = (uint32_t)t->nword;
	t->word[t->nword++] = (doppel__pword){
		(uint32_t)(base + at), (uint32_t)(base + at + n), e->lemma, e->key, 0, flags};
	/* A full stop after an abbreviation or a single letter (an initial,
	 * "e.g.") ends no sentence. */
	pg->prev_nostop = (e->flags & NO_FULL_STOP) != 0;
	unsigned char last = (unsigned char)w[n - 1];
	pg->prev_lower_end = last >= 'a' && last <= 'z';
	pg->open_end = (uint32_t)(base + punct_run(line, linelen, at + n));
	if (t->nword - pg->sent_w0 >= DOPPEL__PT_MAX_SENT)
		return close_sentence(pg, (uint32_t)(base + at + n));
	return DOPPEL_OK;
}

/* An ASCII byte no sentence ends at: any but . ! ? and the bytes beyond
 * ASCII (the ellipsis is one of those). */
static inline bool quiet_byte(unsigned char c)
{
	return c < 0x80 && c != '.' && c != '!' && c != '?';
}

/* What ends a sentence: . ! ? and the ellipsis. */
static bool terminal_cp(int32_t cp)
{
	return cp == '.' || cp == '!' || cp == '?' || cp == 0x2026;
}

/*
 * The bytes [i, to) of a line between two words (to: the next word's
 * start, or the line's end when next_upper is false and to == n): a
 * sentence ends at terminal punctuation followed by a space or the line's
 * end, or glued to a next word that starts with a capital after a word
 * that ends in a lowercase letter ("study.Bachelor").
 */
static int take_gap(doppel__passager *pg, const char *line, size_t n, size_t base, size_t i,
                    size_t to, bool next_upper)
{
	while (i < to) {
		/* the ASCII that ends nothing, at once: spaces, commas, dashes */
		while (i < to && quiet_byte((unsigned char)line[i]))
			i++;
		if (i == to)
			break;
		size_t step;
		int32_t cp = char_at(line, n, i, &step);
		if (terminal_cp(cp) && !(cp == '.' && pg->prev_nostop)) {
			size_t j = punct_run(line, n, i), st;
			bool ends;
			if (j >= n)
				ends = true;
			else if (j < to)
				ends = is_space_cp(char_at(line, n, j, &st));
			else
				ends = next_upper && pg->prev_lower_end;
			if (ends && pg->t->nword > pg->sent_w0)
				return close_sentence(pg, (uint32_t)(base + j));
		}
		i += step;
	}
	return DOPPEL_OK;
}

/* The words of a line into pg->lw (*n of them), folded. */
static int find_line_words(doppel__passager *pg, const char *line, size_t n, size_t *nw)
{
	size_t i = 0, fold = 0;
	*nw = 0;
	while (i < n) {
		/* the next word's start */
		size_t step;
		int32_t cp = char_at(line, n, i, &step);
		if (!doppel__is_word_cp(cp)) {
			i += step;
			continue;
		}
		size_t ws = i;
		/* plain: ASCII letters and digits alone */
		bool ascii = true, digit = false, plain = true;
		while (i < n) {
			unsigned char c = (unsigned char)line[i];
			if (doppel__ascii_lower[c]) {
				i = doppel__ascii_word_run(line, n, i, &digit);
				continue;
			}
			cp = char_at(line, n, i, &step);
			if (doppel__is_word_cp(cp)) {
				ascii &= cp < 0x80;
				plain = false;
				i += step;
				continue;
			}
			/* joiners: an apostrophe inside a word, , and . inside a number */
			size_t st2;
			bool joins = i + step < n &&
			             (((cp == '\'' || cp == 0x2019) &&
			               doppel__is_word_cp(char_at(line, n, i + step, &st2))) ||
			              ((cp == ',' || cp == '.') && digit &&
			               is_digit_byte((unsigned char)line[i - 1]) &&
			               is_digit_byte((unsigned char)line[i + step])));
			if (!joins)
				break;
			ascii &= cp < 0x80;
			plain = false;
			i += step;
		}
		if (reserve(&pg->lw, &pg->lwcap, *nw + 1, sizeof(*pg->lw)))
			return DOPPEL_E_NOMEM;
		int rc =
			fold_line_word(pg, line, ws, i - ws, ascii, plain, &fold, &pg->lw[*nw]);
		if (rc)
			return rc;
		(*nw)++;
	}
	return DOPPEL_OK;
}

/* One line of the text: its words, and the sentence ends in it and before
 * it. */
static int take_line(void *ctx, const char *line, size_t n, const char *low, size_t lowlen,
                     bool ascii_line)
{
	(void)low;
	(void)lowlen;
	(void)ascii_line;
	doppel__passager *pg = ctx;
	const size_t base = (size_t)(line - pg->text);
	int rc;
	/* A skipped line (blank, or boilerplate) ends the open sentence. */
	if (base != pg->line_next && (rc = close_sentence(pg, pg->open_end)))
		return rc;
	pg->line_next = base + n + 1;
	size_t nw;
	if ((rc = find_line_words(pg, line, n, &nw)))
		return rc;
	/* room for every word of the line at once */
	doppel__ptext *t = pg->t;
	if (reserve(&t->word, &t->wordcap, t->nword + nw, sizeof(*t->word)) ||
	    reserve(&t->content, &t->contentcap, t->ncontent + nw, sizeof(*t->content)))
		return DOPPEL_E_NOMEM;
	size_t gap = 0;
	for (size_t k = 0; k < nw; k++) {
		const struct line_word *lw = &pg->lw[k];
		const size_t ws = lw->at;
		size_t st3;
		int32_t first_cp = char_at(line, n, ws, &st3);
		const utf8proc_category_t cat =
			first_cp < 0x80 ? UTF8PROC_CATEGORY_CN : utf8proc_category(first_cp);
		bool upper = first_cp < 0x80 ? (first_cp >= 'A' && first_cp <= 'Z')
		                             : cat == UTF8PROC_CATEGORY_LU;
		bool lower = first_cp < 0x80 ? (first_cp >= 'a' && first_cp <= 'z')
		                             : cat == UTF8PROC_CATEGORY_LL;
		if (k == 0) {
			/* A line that does not go on with a lowercase word ends the
			 * sentence the line before left open. */
			if (!lower && (rc = close_sentence(pg, pg->open_end)))
				return rc;
		} else if ((rc = take_gap(pg, line, n, base, gap, ws, upper))) {
			return rc;
		}
		if ((rc = add_word(pg, line, n, base, lw, first_cp, cat)))
			return rc;
		gap = ws + lw->n;
	}
	if (nw && (rc = take_gap(pg, line, n, base, gap, n, false)))
		return rc;
	return DOPPEL_OK;
}

void doppel__ptext_trim(doppel__ptext *t)
{
	doppel__shrink(&t->word, t->nword, &t->wordcap, sizeof(*t->word));
	doppel__shrink(&t->content, t->ncontent, &t->contentcap, sizeof(*t->content));
	doppel__shrink(&t->sent, t->nsent, &t->sentcap, sizeof(*t->sent));
}

/* Fills t from the lines of text, one call of take_line() a line (through
 * doppel__content_lines() when boilerplate lines are skipped); t keeps its
 * arrays from call to call, and the caller frees them. */
int doppel__ptext_make(doppel__passager *pg, const char *text, size_t len, unsigned flags,
                       doppel__ptext *t)
{
	t->nword = t->ncontent = t->nsent = 0;
	t->len = len;
	if (len >= UINT32_MAX)
		return DOPPEL_E_TOOBIG;
	pg->t = t;
	pg->text = text;
	pg->line_next = 0;
	pg->sent_w0 = pg->sent_c0 = 0;
	pg->open_end = 0;
	pg->prev_nostop = pg->prev_lower_end = false;
	int rc = DOPPEL_OK;
	if (flags & DOPPEL__PT_BOILERPLATE) {
		rc = doppel__content_lines(text, len, 0, NULL, pg->seed, NULL, NULL, false,
		                           take_line, pg);
	} else {
		size_t pos = 0;
		while (pos < len && rc == DOPPEL_OK) {
			const char *nl = memchr(text + pos, '\n', len - pos);
			size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
			/* a line of no words is skipped as doppel__content_lines skips it */
			bool words = false;
			for (size_t i = pos; i < pos + n && !words;) {
				size_t step;
				words = doppel__is_word_cp(char_at(text, pos + n, i, &step));
				i += step;
			}
			if (words)
				rc = take_line(pg, text + pos, n, NULL, 0, false);
			pos += n + 1;
		}
	}
	if (rc == DOPPEL_OK)
		rc = close_sentence(pg, pg->open_end);
	pg->t = NULL;
	pg->text = NULL;
	return rc;
}

/* --------------------------------------------------------- fingerprints */

/* Hash of the k content lemmas of t from content word i; never 0. */
static uint64_t kgram_hash(const doppel__ptext *t, size_t i, unsigned k)
{
	uint64_t h = UINT64_C(0x9e3779b97f4a7c15);
	for (unsigned j = 0; j < k; j++)
		h = doppel__mix64(h ^ t->word[t->content[i + j]].lemma);
	return h | 1;
}

/* Winnowing with robust tie-breaking (the rightmost minimum): when the
 * window's minimum is still in it, only the new hash is compared. The
 * fingerprints replace what the caller's *out held (it grows as needed). */
int doppel__passage_winnow(const doppel__ptext *t, unsigned k, unsigned w, doppel__pfp **out,
                           size_t *n, size_t *cap)
{
	*n = 0;
	if (k == 0 || w == 0 || t->ncontent < k)
		return DOPPEL_OK;
	const size_t ng = t->ncontent - k + 1;
	uint64_t *h = doppel__alloc_array(ng, sizeof(*h));
	if (!h)
		return DOPPEL_E_NOMEM;
	int rc = DOPPEL_OK;
	for (size_t i = 0; i < ng; i++)
		h[i] = kgram_hash(t, i, k);
	/* A text of fewer k-grams than a window is one window. */
	const size_t win = w < ng ? w : ng;
	size_t m = SIZE_MAX, last = SIZE_MAX;
	for (size_t s = 0; s + win <= ng; s++) {
		const size_t end = s + win - 1;
		if (m == SIZE_MAX || m < s) {
			/* the minimum left the window: look at all of it again */
			m = s;
			for (size_t j = s + 1; j <= end; j++)
				if (h[j] <= h[m])
					m = j;
		} else if (h[end] <= h[m]) {
			m = end;
		}
		if (m != last) {
			if (reserve(out, cap, *n + 1, sizeof(**out))) {
				rc = DOPPEL_E_NOMEM;
				goto out;
			}
			(*out)[(*n)++] = (doppel__pfp){h[m], (uint32_t)m};
			last = m;
		}
	}
out:
	free(h);
	return rc;
}

/* Inserts x into the sorted a[0..*n) unless it is there, keeping the max
 * smallest. */
static void insert_sorted(uint64_t *a, size_t *n, size_t max, uint64_t x)
{
	size_t i = *n;
	while (i > 0 && a[i - 1] > x)
		i--;
	if ((i > 0 && a[i - 1] == x) || i == max)
		return;
	size_t keep = *n < max ? *n : max - 1;
	memmove(a + i + 1, a + i, (keep - i) * sizeof(*a));
	a[i] = x;
	*n = keep + 1;
}

/* The winnowed fingerprints with the defaults and the sentence keys, tagged
 * by kind, sorted and made unique in the caller's *keys. */
int doppel__passage_keys(const doppel__ptext *t, uint64_t seed, uint64_t **keys, size_t *n,
                         size_t *cap)
{
	*n = 0;
	doppel__pfp *fp = NULL;
	size_t nfp = 0, fpcap = 0;
	int rc = doppel__passage_winnow(t, DOPPEL__FP_K, DOPPEL__FP_W, &fp, &nfp, &fpcap);
	if (rc)
		goto out;
	const uint64_t low = (UINT64_C(1) << 62) - 1;
	if (reserve(keys, cap, nfp + DOPPEL__SKEY_N * t->nsent, sizeof(**keys))) {
		rc = DOPPEL_E_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < nfp; i++)
		(*keys)[(*n)++] = ((uint64_t)DOPPEL__PKEY_WINNOW << 62) | (fp[i].hash & low);
	for (size_t s = 0; s < t->nsent; s++) {
		const doppel__psent *st = &t->sent[s];
		for (unsigned r = 0; r < DOPPEL__SKEY_N; r++) {
			/* The DOPPEL__SKEY_B smallest hashes of the sentence's
			 * distinct keys (a key seen twice stays one), those of
			 * words WordNet does not know (names, numbers, rare
			 * terms: what rewording leaves alone) before the others. */
			uint64_t small[DOPPEL__SKEY_B] = {0};
			size_t ns = 0;
			const uint64_t rs = doppel__mix64(seed + r + 1);
			uint64_t seen[DOPPEL__PT_MAX_SENT];
			size_t nseen = 0;
			for (uint32_t c = st->c0; c < st->c1; c++) {
				uint32_t key = t->word[t->content[c]].key;
				uint64_t x = doppel__mix64(key ^ rs) >> 1;
				if (key & UINT32_C(0x80000000))
					x |= UINT64_C(1) << 63; /* a synonym class */
				insert_sorted(seen, &nseen, DOPPEL__PT_MAX_SENT, x);
				insert_sorted(small, &ns, DOPPEL__SKEY_B, x);
			}
			if (nseen < DOPPEL__SKEY_MIN)
				break;
			uint64_t h = doppel__hash(small, sizeof(small), rs);
			(*keys)[(*n)++] = ((uint64_t)DOPPEL__PKEY_SENTENCE << 62) | (h & low);
		}
	}
	if (*n > 1)
		qsort(*keys, *n, sizeof(**keys), doppel__cmp_u64);
	size_t w = 0;
	for (size_t i = 0; i < *n; i++)
		if (w == 0 || (*keys)[i] != (*keys)[w - 1])
			(*keys)[w++] = (*keys)[i];
	*n = w;
out:
	free(fp);
	return rc;
}

/* --------------------------------------------------------- verification */

/* The defaults documented with doppel__passage_params. */
void doppel__passage_defaults(doppel__passage_params *p)
{
	*p = (doppel__passage_params){
		.seed_k = 3,
		.link_gap = 12,
		.bridge_gap = 30,
		.bridge_match = 0.4,
		.sentence_min = 0.3,
		.min_score = 0.55,
		.min_words = 40,
		.summaries = true,
		.summary_min = 0.3,
		.summary_sentences = 3,
		.summary_evidence = 1.5,
	};
}

#define NONE UINT32_MAX

/* The smallest power of two of at least n (and 16). */
static size_t pow2_at_least(size_t n)
{
	size_t s = 16;
	while (s < n)
		s *= 2;
	return s;
}

/* The dense number of a key, given a new one when unseen. */
static uint32_t key_id(doppel__passager *pg, size_t mask, uint32_t key, uint32_t *nkeys)
{
	size_t i = doppel__mix32(key) & mask;
	while (pg->ids[i].key && pg->ids[i].key != key)
		i = (i + 1) & mask;
	if (!pg->ids[i].key)
		pg->ids[i] = (struct idslot){key, (*nkeys)++};
	return pg->ids[i].id;
}

/* The distinct key numbers of each sentence of t into set (offsets in
 * off, nsent + 1 of them), counting the sentences of each key in sf. */
static void sentence_sets(doppel__passager *pg, const doppel__ptext *t, const uint32_t *kid,
                          uint32_t *set, uint32_t *off, uint32_t *sf)
{
	uint32_t at = 0;
	for (size_t s = 0; s < t->nsent; s++) {
		off[s] = at;
		const uint32_t mark = ++pg->stamp_now;
		for (uint32_t c = t->sent[s].c0; c < t->sent[s].c1; c++) {
			uint32_t k = kid[c];
			if (pg->stamp[k] == mark)
				continue;
			pg->stamp[k] = mark;
			set[at++] = k;
			sf[k]++;
		}
	}
	off[t->nsent] = at;
}

/*
 * Numbers the keys of a's and b's content words densely (kida, kidb),
 * gives each key its weight within the pair (the squared inverse sentence
 * frequency over both texts' sentences, as tf-idf weighs words: a key in
 * many sentences says little about which ones correspond), the key sets
 * and norms of all sentences, and a's postings (the sentences of a that
 * hold each key).
 */
static int number_keys(doppel__passager *pg, const doppel__ptext *a, const doppel__ptext *b,
                       uint32_t *nkeys)
{
	const size_t na = a->ncontent, nb = b->ncontent;
	const size_t slots = pow2_at_least(2 * (na + nb));
	if (reserve(&pg->ids, &pg->idscap, slots, sizeof(*pg->ids)) ||
	    reserve(&pg->kida, &pg->kidacap, na, sizeof(*pg->kida)) ||
	    reserve(&pg->kidb, &pg->kidbcap, nb, sizeof(*pg->kidb)))
		return DOPPEL_E_NOMEM;
	memset(pg->ids, 0, slots * sizeof(*pg->ids));
	uint32_t nk = 0;
	for (size_t i = 0; i < na; i++)
		pg->kida[i] = key_id(pg, slots - 1, a->word[a->content[i]].key, &nk);
	for (size_t i = 0; i < nb; i++)
		pg->kidb[i] = key_id(pg, slots - 1, b->word[b->content[i]].key, &nk);
	*nkeys = nk;
	if (reserve(&pg->sfa, &pg->sfacap, nk, sizeof(*pg->sfa)) ||
	    reserve(&pg->sfb, &pg->sfbcap, nk, sizeof(*pg->sfb)) ||
	    reserve(&pg->stamp, &pg->stampcap, nk, sizeof(*pg->stamp)) ||
	    reserve(&pg->wsq, &pg->wsqcap, nk, sizeof(*pg->wsq)) ||
	    reserve(&pg->postoff, &pg->postoffcap, nk + 1, sizeof(*pg->postoff)) ||
	    reserve(&pg->aset, &pg->asetcap, na, sizeof(*pg->aset)) ||
	    reserve(&pg->bset, &pg->bsetcap, nb, sizeof(*pg->bset)) ||
	    reserve(&pg->post, &pg->postcap, na, sizeof(*pg->post)) ||
	    reserve(&pg->asetoff, &pg->asetoffcap, a->nsent + 1, sizeof(*pg->asetoff)) ||
	    reserve(&pg->bsetoff, &pg->bsetoffcap, b->nsent + 1, sizeof(*pg->bsetoff)) ||
	    reserve(&pg->anorm, &pg->anormcap, a->nsent, sizeof(*pg->anorm)) ||
	    reserve(&pg->bnorm, &pg->bnormcap, b->nsent, sizeof(*pg->bnorm)))
		return DOPPEL_E_NOMEM;
	memset(pg->sfa, 0, nk * sizeof(*pg->sfa));
	memset(pg->sfb, 0, nk * sizeof(*pg->sfb));
	memset(pg->stamp, 0, nk * sizeof(*pg->stamp));
	pg->stamp_now = 0;
	sentence_sets(pg, a, pg->kida, pg->aset, pg->asetoff, pg->sfa);
	sentence_sets(pg, b, pg->kidb, pg->bset, pg->bsetoff, pg->sfb);
	const double sents = (double)(a->nsent + b->nsent) + 1;
	for (uint32_t k = 0; k < nk; k++) {
		double w = log(sents / (pg->sfa[k] + pg->sfb[k] + 0.5));
		pg->wsq[k] = (float)(w * w);
	}
	for (size_t s = 0; s < a->nsent; s++) {
		double sum = 0;
		for (uint32_t x = pg->asetoff[s]; x < pg->asetoff[s + 1]; x++)
			sum += pg->wsq[pg->aset[x]];
		pg->anorm[s] = (float)sqrt(sum);
	}
	for (size_t s = 0; s < b->nsent; s++) {
		double sum = 0;
		for (uint32_t x = pg->bsetoff[s]; x < pg->bsetoff[s + 1]; x++)
			sum += pg->wsq[pg->bset[x]];
		pg->bnorm[s] = (float)sqrt(sum);
	}
	/* a's postings, by counting */
	uint32_t at = 0;
	for (uint32_t k = 0; k < nk; k++) {
		pg->postoff[k] = at;
		at += pg->sfa[k];
	}
	pg->postoff[nk] = at;
	for (size_t s = 0; s < a->nsent; s++)
		for (uint32_t x = pg->asetoff[s]; x < pg->asetoff[s + 1]; x++)
			pg->post[pg->postoff[pg->aset[x]]++] = (uint32_t)s;
	/* the fill moved each offset to the next key's start */
	for (uint32_t k = nk; k > 0; k--)
		pg->postoff[k] = pg->postoff[k - 1];
	pg->postoff[0] = 0;
	return DOPPEL_OK;
}

/* The sentence pairs of a and b sharing at least two keys whose weighted
 * cosine reaches lo, into pg->pairs in the order of b. */
static int sentence_pairs(doppel__passager *pg, const doppel__ptext *a, const doppel__ptext *b,
                          double lo)
{
	pg->npairs = 0;
	if (reserve(&pg->acc, &pg->acccap, a->nsent, sizeof(*pg->acc)) ||
	    reserve(&pg->cnt, &pg->cntcap, a->nsent, sizeof(*pg->cnt)) ||
	    reserve(&pg->touched, &pg->touchedcap, a->nsent, sizeof(*pg->touched)))
		return DOPPEL_E_NOMEM;
	memset(pg->acc, 0, a->nsent * sizeof(*pg->acc));
	memset(pg->cnt, 0, a->nsent * sizeof(*pg->cnt));
	for (size_t sb = 0; sb < b->nsent; sb++) {
		if (pg->bnorm[sb] <= 0)
			continue;
		size_t nt = 0;
		for (uint32_t x = pg->bsetoff[sb]; x < pg->bsetoff[sb + 1]; x++) {
			const uint32_t k = pg->bset[x];
			const float w = pg->wsq[k];
			for (uint32_t y = pg->postoff[k]; y < pg->postoff[k + 1]; y++) {
				const uint32_t sa = pg->post[y];
				if (!pg->cnt[sa])
					pg->touched[nt++] = sa;
				pg->acc[sa] += w;
				pg->cnt[sa]++;
			}
		}
		for (size_t t = 0; t < nt; t++) {
			const uint32_t sa = pg->touched[t];
			const double cos =
				pg->acc[sa] / ((double)pg->anorm[sa] * pg->bnorm[sb]);
			if (pg->cnt[sa] >= 2 && cos >= lo) {
				if (reserve(&pg->pairs, &pg->pairscap, pg->npairs + 1,
				            sizeof(*pg->pairs)))
					return DOPPEL_E_NOMEM;
				pg->pairs[pg->npairs++] =
					(struct spair){sa, (uint32_t)sb, (float)cos};
			}
			pg->acc[sa] = 0;
			pg->cnt[sa] = 0;
		}
	}
	return DOPPEL_OK;
}

/* Appends hit (ia, ib) to pg->hits. */
static int push_hit(doppel__passager *pg, uint32_t ia, uint32_t ib, uint32_t exact)
{
	if (reserve(&pg->hits, &pg->hitscap, pg->nhits + 1, sizeof(*pg->hits)))
		return DOPPEL_E_NOMEM;
	pg->hits[pg->nhits++] = (struct hit){ia, ib, exact};
	return DOPPEL_OK;
}

/* At most this many places in a of one k-gram seed a place in b: a
 * phrase repeated all over a is no evidence of where b took it from. */
#define KGRAM_MAX_PLACES 4

/* Hits of the k-grams of content lemmas that a and b share: every word of
 * each shared k-gram. */
static int kgram_hits(doppel__passager *pg, const doppel__ptext *a, const doppel__ptext *b,
                      unsigned k)
{
	if (k == 0 || a->ncontent < k || b->ncontent < k)
		return DOPPEL_OK;
	const size_t na = a->ncontent - k + 1, nb = b->ncontent - k + 1;
	const size_t slots = pow2_at_least(2 * na), mask = slots - 1;
	if (reserve(&pg->kg, &pg->kgcap, slots, sizeof(*pg->kg)) ||
	    reserve(&pg->kgnext, &pg->kgnextcap, na, sizeof(*pg->kgnext)))
		return DOPPEL_E_NOMEM;
	memset(pg->kg, 0, slots * sizeof(*pg->kg));
	for (size_t i = 0; i < na; i++) {
		const uint64_t h = kgram_hash(a, i, k);
		size_t s = (size_t)(h >> 1) & mask; /* the lowest bit is always set */
		while (pg->kg[s].h && pg->kg[s].h != h)
			s = (s + 1) & mask;
		pg->kgnext[i] = pg->kg[s].h ? pg->kg[s].first : NONE;
		pg->kg[s] = (struct kslot){h, (uint32_t)i};
	}
	for (size_t j = 0; j < nb; j++) {
		const uint64_t h = kgram_hash(b, j, k);
		size_t s = (size_t)(h >> 1) & mask;
		while (pg->kg[s].h && pg->kg[s].h != h)
			s = (s + 1) & mask;
		if (!pg->kg[s].h)
			continue;
		unsigned places = 0;
		for (uint32_t i = pg->kg[s].first; i != NONE && places < KGRAM_MAX_PLACES;
		     i = pg->kgnext[i], places++)
			for (unsigned t = 0; t < k; t++)
				if (push_hit(pg, i + t, (uint32_t)j + t, 1))
					return DOPPEL_E_NOMEM;
	}
	return DOPPEL_OK;
}

/* Hits of the sentence pairs whose cosine reaches min: each content word
 * of b's sentence with a word of the same key in a's. */
static int sentence_hits(doppel__passager *pg, const doppel__ptext *a, const doppel__ptext *b,
                         double min)
{
	for (size_t p = 0; p < pg->npairs; p++) {
		const struct spair *sp = &pg->pairs[p];
		if (sp->cos < min)
			continue;
		const doppel__psent *sa = &a->sent[sp->sa], *sb = &b->sent[sp->sb];
		for (uint32_t j = sb->c0; j < sb->c1; j++)
			for (uint32_t i = sa->c0; i < sa->c1; i++)
				if (pg->kida[i] == pg->kidb[j]) {
					if (push_hit(pg, i, j, 0))
						return DOPPEL_E_NOMEM;
					break;
				}
	}
	return DOPPEL_OK;
}

/* Sorts the hits by b, then a (a counting sort by b, then insertion
 * within each b), without repeats. */
static int sort_hits(doppel__passager *pg, size_t nb)
{
	const size_t n = pg->nhits;
	if (reserve(&pg->hits2, &pg->hits2cap, n, sizeof(*pg->hits2)) ||
	    reserve(&pg->bstart, &pg->bstartcap, nb + 1, sizeof(*pg->bstart)))
		return DOPPEL_E_NOMEM;
	memset(pg->bstart, 0, (nb + 1) * sizeof(*pg->bstart));
	for (size_t i = 0; i < n; i++)
		pg->bstart[pg->hits[i].b + 1]++;
	for (size_t j = 0; j < nb; j++)
		pg->bstart[j + 1] += pg->bstart[j];
	for (size_t i = 0; i < n; i++)
		pg->hits2[pg->bstart[pg->hits[i].b]++] = pg->hits[i];
	/* bstart[j] is now the end of b = j's hits */
	size_t w = 0, from = 0;
	for (size_t j = 0; j < nb; j++) {
		const size_t to = pg->bstart[j];
		struct hit *h = pg->hits2 + from;
		const size_t m = to - from;
		for (size_t x = 1; x < m; x++) {
			struct hit v = h[x];
			size_t y = x;
			for (; y > 0 && h[y - 1].a > v.a; y--)
				h[y] = h[y - 1];
			h[y] = v;
		}
		for (size_t x = 0; x < m; x++)
			if (x == 0 || h[x].a != h[x - 1].a)
				pg->hits[w++] = h[x];
			else
				pg->hits[w - 1].exact |= h[x].exact;
		from = to;
	}
	pg->nhits = w;
	return DOPPEL_OK;
}

/*
 * Chains: the hits in the order of b, each joining the open chain it lies
 * nearest to when it is at most link content words past the chain's end
 * in b and at most link words from the chain's last hit in a; otherwise it
 * opens a chain. The chain is not required to go forward in a: edits
 * shuffle words within a few places.
 */
static int chain_hits(doppel__passager *pg, unsigned link)
{
	pg->nbox = 0;
	size_t nopen = 0;
	for (size_t x = 0; x < pg->nhits; x++) {
		const struct hit h = pg->hits[x];
		uint32_t best = NONE, bestd = UINT32_MAX;
		for (size_t o = 0; o < nopen; o++) {
			const struct box *c = &pg->box[pg->open[o]];
			if (h.b - c->b1 > link) {
				pg->open[o--] = pg->open[--nopen];
				continue;
			}
			uint32_t da = h.a < c->alast ? c->alast - h.a : h.a - c->alast;
			if (da > link)
				continue;
			uint32_t d = da + (h.b - c->b1);
			if (d < bestd) {
				bestd = d;
				best = pg->open[o];
			}
		}
		if (best != NONE) {
			struct box *c = &pg->box[best];
			if (h.a < c->a0)
				c->a0 = h.a;
			if (h.a > c->a1)
				c->a1 = h.a;
			c->b1 = h.b;
			c->alast = h.a;
			c->nhits++;
			c->exact += h.exact;
			continue;
		}
		if (reserve(&pg->box, &pg->boxcap, pg->nbox + 1, sizeof(*pg->box)) ||
		    reserve(&pg->open, &pg->opencap, nopen + 1, sizeof(*pg->open)))
			return DOPPEL_E_NOMEM;
		pg->box[pg->nbox] = (struct box){
			h.a, h.a, h.b, h.b, h.a, 1, h.exact, 0, DOPPEL__PASSAGE_LOCAL, false};
		pg->open[nopen++] = (uint32_t)pg->nbox++;
	}
	return DOPPEL_OK;
}

/* Of the content words [from, to] of one text (key numbers kid), how many
 * have a key that the words [ofrom, oto] of the other text (okid) have. */
static size_t matching(doppel__passager *pg, const uint32_t *kid, uint32_t from, uint32_t to,
                       const uint32_t *okid, uint32_t ofrom, uint32_t oto)
{
	if (from > to || ofrom > oto)
		return 0;
	const uint32_t mark = ++pg->stamp_now;
	for (uint32_t i = ofrom; i <= oto; i++)
		pg->stamp[okid[i]] = mark;
	size_t m = 0;
	for (uint32_t i = from; i <= to; i++)
		m += pg->stamp[kid[i]] == mark;
	return m;
}

/* A local passage's extent in one text is at most this many times its
 * extent in the other (plus link_gap words). */
#define LOCAL_MAX_RATIO 2

/* Words of t from content word c0 to content word c1. */
static uint32_t words_between(const doppel__ptext *t, uint32_t c0, uint32_t c1)
{
	return t->content[c1] - t->content[c0] + 1;
}

/* Words of chain c in the text where it is longer. */
static uint32_t chain_words(const doppel__ptext *a, const doppel__ptext *b, const struct box *c)
{
	uint32_t wa = words_between(a, c->a0, c->a1), wb = words_between(b, c->b0, c->b1);
	return wa > wb ? wa : wb;
}

/* Distance between the intervals [a0, a1] and [b0, b1]: the words
 * between them, 0 when they touch or overlap. */
static uint32_t gap_between(uint32_t a0, uint32_t a1, uint32_t b0, uint32_t b1)
{
	if (b0 > a1)
		return b0 - a1 - 1;
	if (a0 > b1)
		return a0 - b1 - 1;
	return 0;
}

/*
 * Whether chain q (starting in b at or after p) continues chain p: both
 * gaps (in a and in b) at most link words (and not over the same words of
 * b at two places of a), or, with the order kept in a,
 * at most bridge_gap words of which enough match the other side's gap
 * as lemmas or synonyms (wording changed in place).
 */
static bool bridged(doppel__passager *pg, const doppel__ptext *a, const doppel__ptext *b,
                    const struct box *p, const struct box *q, const doppel__passage_params *pp)
{
	const uint32_t gb = gap_between(p->b0, p->b1, q->b0, q->b1);
	const uint32_t ga = gap_between(p->a0, p->a1, q->a0, q->a1);
	if (ga > pp->bridge_gap || gb > pp->bridge_gap)
		return false;
	/* Reuse keeps about the length of what it reuses: chains over the
	 * same words of b at several places of a (a phrase a repeats) are
	 * rival alignments, and together they would stretch a. */
	const uint32_t la =
		(p->a1 > q->a1 ? p->a1 : q->a1) - (p->a0 < q->a0 ? p->a0 : q->a0) + 1;
	const uint32_t lb =
		(p->b1 > q->b1 ? p->b1 : q->b1) - (p->b0 < q->b0 ? p->b0 : q->b0) + 1;
	if (la > LOCAL_MAX_RATIO * lb + pp->link_gap ||
	    lb > LOCAL_MAX_RATIO * la + pp->link_gap)
		return false;
	const bool overlap_a = p->a0 <= q->a1 && q->a0 <= p->a1;
	const bool inside_b =
		(q->b0 >= p->b0 && q->b1 <= p->b1) || (p->b0 >= q->b0 && p->b1 <= q->b1);
	if (inside_b && !overlap_a && ga > pp->link_gap / 2)
		return false;
	/* Two chains in the other order in a that are passages each stay two
	 * passages; a shorter piece is words or a sentence an edit moved. */
	if (q->a1 < p->a0 && chain_words(a, b, p) >= pp->min_words &&
	    chain_words(a, b, q) >= pp->min_words)
		return false;
	if (ga <= pp->link_gap && gb <= pp->link_gap)
		return true;
	if (q->a0 <= p->a1 || q->b0 <= p->b1)
		return false;
	size_t m =
		matching(pg, pg->kidb, p->b1 + 1, q->b0 - 1, pg->kida, p->a1 + 1, q->a0 - 1) +
		matching(pg, pg->kida, p->a1 + 1, q->a0 - 1, pg->kidb, p->b1 + 1, q->b0 - 1);
	return (double)m >= pp->bridge_match * (ga + gb);
}

/* Merges chains that continue each other until none do. */
static void merge_chains(doppel__passager *pg, const doppel__ptext *a, const doppel__ptext *b,
                         const doppel__passage_params *pp)
{
	bool changed = true;
	while (changed) {
		changed = false;
		for (size_t i = 0; i < pg->nbox; i++) {
			struct box *p = &pg->box[i];
			if (p->dead)
				continue;
			for (size_t j = i + 1; j < pg->nbox; j++) {
				struct box *q = &pg->box[j];
				if (q->dead)
					continue;
				if (q->b0 > p->b1 + pp->bridge_gap + 1)
					break;
				if (!bridged(pg, a, b, p, q, pp))
					continue;
				if (q->a0 < p->a0)
					p->a0 = q->a0;
				if (q->a1 > p->a1)
					p->a1 = q->a1;
				if (q->b1 > p->b1)
					p->b1 = q->b1;
				p->nhits += q->nhits;
				p->exact += q->exact;
				q->dead = true;
				changed = true;
			}
		}
	}
}

/* The sentence pairs seeding chain c (their cosine at least min): how many,
 * and their best cosine, into ps. */
static void box_pairs(const doppel__passager *pg, const doppel__ptext *a,
                      const doppel__ptext *b, const struct box *c, double min,
                      doppel__passage *ps)
{
	ps->sentences = 0;
	ps->cosine = 0;
	for (size_t i = 0; i < pg->npairs; i++) {
		const struct spair *sp = &pg->pairs[i];
		const doppel__psent *sa = &a->sent[sp->sa], *sb = &b->sent[sp->sb];
		if (sp->cos < min || sa->c1 <= c->a0 || sa->c0 > c->a1 || sb->c1 <= c->b0 ||
		    sb->c0 > c->b1)
			continue;
		ps->sentences++;
		if (sp->cos > ps->cosine)
			ps->cosine = sp->cos;
	}
}

/* Of the distinct keys of the content words [from, to] of one text (key
 * numbers kid), how many the words [ofrom, oto] of the other text (okid)
 * have, into *m; returns the number of distinct keys. */
static size_t matching_distinct(doppel__passager *pg, const uint32_t *kid, uint32_t from,
                                uint32_t to, const uint32_t *okid, uint32_t ofrom, uint32_t oto,
                                size_t *m)
{
	const uint32_t other = ++pg->stamp_now, seen = ++pg->stamp_now;
	for (uint32_t i = ofrom; i <= oto; i++)
		pg->stamp[okid[i]] = other;
	size_t n = 0;
	*m = 0;
	for (uint32_t i = from; i <= to; i++) {
		uint32_t k = kid[i];
		if (pg->stamp[k] == seen)
			continue;
		n++;
		*m += pg->stamp[k] == other;
		pg->stamp[k] = seen;
	}
	return n;
}

/* The share of the distinct keys of both extents of c that the other
 * extent has (a name repeated all over a passage counts once). */
static float box_score(doppel__passager *pg, const struct box *c)
{
	size_t ma, mb;
	size_t na = matching_distinct(pg, pg->kida, c->a0, c->a1, pg->kidb, c->b0, c->b1, &ma);
	size_t nb = matching_distinct(pg, pg->kidb, c->b0, c->b1, pg->kida, c->a0, c->a1, &mb);
	return (float)((double)(ma + mb) / (double)(na + nb));
}

/* A passage starts at its sentence's start when at most this many content
 * words of the sentence (or a quarter of them) lie before its first
 * matched word, and ends at its sentence's end likewise: the words a seed
 * did not reach are most often the reused sentence's too. */
#define SNAP_WORDS 2

/* How many content words of sentence s may lie outside a passage that still
 * starts or ends with s. */
static uint32_t snap(const doppel__psent *s)
{
	uint32_t q = (s->c1 - s->c0) / 4;
	return q > SNAP_WORDS ? q : SNAP_WORDS;
}

/* The byte a passage starting at content word c starts at. */
static uint32_t start_byte(const doppel__ptext *t, uint32_t c)
{
	const doppel__pword *w = &t->word[t->content[c]];
	const doppel__psent *s = &t->sent[w->sent];
	return c - s->c0 <= snap(s) ? s->start : w->start;
}

/* The byte after a passage ending at content word c. */
static uint32_t end_byte(const doppel__ptext *t, uint32_t c)
{
	const doppel__pword *w = &t->word[t->content[c]];
	const doppel__psent *s = &t->sent[w->sent];
	return s->c1 - 1 - c <= snap(s) ? s->end : w->end;
}

/* Orders passages by their start in b. */
static int cmp_passage(const void *x, const void *y)
{
	const doppel__passage *p = x, *q = y;
	if (p->b_start != q->b_start)
		return p->b_start < q->b_start ? -1 : 1;
	return (p->a_start > q->a_start) - (p->a_start < q->a_start);
}

/* Folds passage q into p: the extents of both, the evidence of both. */
static void fold_into(doppel__passage *p, const doppel__passage *q)
{
	if (q->a_start < p->a_start)
		p->a_start = q->a_start;
	if (q->a_end > p->a_end)
		p->a_end = q->a_end;
	if (q->b_start < p->b_start)
		p->b_start = q->b_start;
	if (q->b_end > p->b_end)
		p->b_end = q->b_end;
	if (q->score > p->score)
		p->score = q->score;
	p->mode |= q->mode;
	p->exact += q->exact;
	p->sentences += q->sentences;
	if (q->cosine > p->cosine)
		p->cosine = q->cosine;
}

/* Keeps the passages that do not overlap in b: of two that do, they merge
 * when they overlap in a too, else the one of more matched text stays. */
static void resolve_overlaps(doppel__passage *ps, size_t *n)
{
	if (*n < 2)
		return;
	qsort(ps, *n, sizeof(*ps), cmp_passage);
	size_t w = 0;
	for (size_t i = 0; i < *n; i++) {
		doppel__passage q = ps[i];
		if (w > 0 && q.b_start < ps[w - 1].b_end) {
			doppel__passage *p = &ps[w - 1];
			if (q.a_start < p->a_end && p->a_start < q.a_end) {
				fold_into(p, &q);
				continue;
			}
			double wp = p->score * (double)(p->b_end - p->b_start);
			double wq = q.score * (double)(q.b_end - q.b_start);
			if (wq > wp)
				*p = q;
			continue;
		}
		ps[w++] = q;
	}
	*n = w;
}

/* Bytes between two sentences that follow each other: the spaces and
 * line breaks after a full stop. */
#define ADJACENT_BYTES 3

/* Whether [s1, e1) ends at most ADJACENT_BYTES before [s2, e2) starts, or
 * they overlap. */
static bool touches(uint32_t s1, uint32_t e1, uint32_t s2, uint32_t e2)
{
	return s2 <= e1 + ADJACENT_BYTES && s1 <= e2 + ADJACENT_BYTES;
}

/* A condensed passage takes in the local passages next to it on its short
 * side whose other side lies within its long side: the sentences of a
 * summary copied rather than condensed. */
static void absorb_local(doppel__passage *ps, size_t *n)
{
	for (size_t i = 0; i < *n; i++) {
		if (!(ps[i].mode & DOPPEL__PASSAGE_SUMMARY))
			continue;
		for (size_t j = 0; j < *n; j++) {
			doppel__passage *c = &ps[i], *l = &ps[j];
			if (j == i || (l->mode & DOPPEL__PASSAGE_SUMMARY))
				continue;
			const bool b_short = c->b_end - c->b_start < c->a_end - c->a_start;
			const bool fits =
				b_short ? touches(c->b_start, c->b_end, l->b_start, l->b_end) &&
						  l->a_start >= c->a_start &&
						  l->a_end <= c->a_end
					: touches(c->a_start, c->a_end, l->a_start, l->a_end) &&
						  l->b_start >= c->b_start &&
						  l->b_end <= c->b_end;
			if (!fits)
				continue;
			fold_into(c, l);
			ps[j] = ps[--*n];
			if (i == *n)
				i = j;
			j = (size_t)-1; /* look again: the passage grew */
		}
	}
}

/* ------------------------------------------------------------ condensed */

/* In a condensed passage, the short side's aligned sentences may have at
 * most this many unaligned sentences between two of them. */
#define CONDENSED_SKIP 1
/* The pairs of one short-side sentence that the alignment considers: its
 * best few. */
#define CONDENSED_CHOICES 4
/* A condensed passage's long side has at least this many times the words
 * of its short side; reuse of about the same length is the local mode's. */
#define CONDENSED_RATIO 2
/* ... and at most this many: a summary condenses an article, not the
 * scattered sentences of a long text. */
#define CONDENSED_MAX_RATIO 25

/* Best first; ties in the order of the pairs. */
static int cmp_ranked(const void *x, const void *y)
{
	const struct ranked *p = x, *q = y;
	if (p->best != q->best)
		return p->best > q->best ? -1 : 1;
	return (p->i > q->i) - (p->i < q->i);
}

/* A sentence pair seen from the condensed text: its sentence (s), the
 * other text's (l), their cosine. */
struct cpair {
	uint32_t s, l;
	float cos;
};

/* Orders pairs by short-side sentence, then best cosine first. */
static int cmp_cpair(const void *x, const void *y)
{
	const struct cpair *p = x, *q = y;
	if (p->s != q->s)
		return p->s < q->s ? -1 : 1;
	if (p->cos != q->cos)
		return p->cos > q->cos ? -1 : 1;
	return (p->l > q->l) - (p->l < q->l);
}

/* Appends to *out the condensed passage of the chain whose short side
 * runs over sentences b[0]..b[1] of sh and long side over b[2]..b[3] of lo
 * (len pairs, cosines adding up to cossum), when its sides' words and
 * evidence are those of a summary (see condensed()). */
static int emit_condensed(doppel__passager *pg, const doppel__ptext *sh,
                          const doppel__ptext *lo, const doppel__passage_params *p,
                          bool swapped, const uint32_t b[4], size_t len, double cossum,
                          doppel__passage **out, size_t *nout, size_t *cap)
{
	const uint32_t s0 = b[0], s1 = b[1], l0 = b[2], l1 = b[3];
	const doppel__psent *ss0 = &sh->sent[s0], *ss1 = &sh->sent[s1];
	const doppel__psent *ls0 = &lo->sent[l0], *ls1 = &lo->sent[l1];
	const uint32_t lw = ls1->w1 - ls0->w0, sw = ss1->w1 - ss0->w0;
	if (lw < CONDENSED_RATIO * sw || lw > CONDENSED_MAX_RATIO * sw || sw < p->min_words ||
	    cossum < p->summary_evidence)
		return DOPPEL_OK;
	const uint32_t *kid_s = swapped ? pg->kida : pg->kidb;
	const uint32_t *kid_l = swapped ? pg->kidb : pg->kida;
	size_t m = matching(pg, kid_s, ss0->c0, ss1->c1 - 1, kid_l, ls0->c0, ls1->c1 - 1);
	float score = (float)((double)m / (double)(ss1->c1 - ss0->c0));
	if (reserve(out, cap, *nout + 1, sizeof(**out)))
		return DOPPEL_E_NOMEM;
	/* A summary condenses an article: aligned sentences spread over
	 * most of the long text stand for all of it. */
	if (2 * (ls1->c1 - ls0->c0) >= lo->ncontent) {
		ls0 = &lo->sent[0];
		ls1 = &lo->sent[lo->nsent - 1];
	}
	doppel__passage ps = {.a_start = ls0->start,
	                      .a_end = ls1->end,
	                      .b_start = ss0->start,
	                      .b_end = ss1->end,
	                      .score = score,
	                      .mode = DOPPEL__PASSAGE_SUMMARY,
	                      .sentences = (uint32_t)len,
	                      .cosine = (float)(cossum / (double)len)};
	if (swapped) {
		ps.a_start = ss0->start;
		ps.a_end = ss1->end;
		ps.b_start = ls0->start;
		ps.b_end = ls1->end;
	}
	(*out)[(*nout)++] = ps;
	return DOPPEL_OK;
}

/*
 * Condensed passages with `sh` the short (condensed) text and `lo` the long
 * one: chains of sentence pairs in which the short text's sentences follow
 * each other (at most CONDENSED_SKIP unaligned between two) and the long
 * text's go forward with any gaps, found by dynamic programming over the
 * pairs (the best total cosine ending at each pair), best chain first.
 * A chain is a passage when it has at least p->summary_sentences blocks on
 * its long side (it condenses: a run of adjacent sentences, or the
 * sentences of one local passage, is one block of reuse in place), holds
 * CONDENSED_RATIO to CONDENSED_MAX_RATIO times the words of its short side
 * on its long side, and its cosines add up to p->summary_evidence. cp
 * holds the pairs (n of them), sorted here; lcov, the local passage of each
 * sentence of the long text. swapped: sh is a (the passage's a and b sides
 * are exchanged).
 */
static int condensed(doppel__passager *pg, const doppel__ptext *sh, const doppel__ptext *lo,
                     struct cpair *cp, size_t n, const uint32_t *lcov,
                     const doppel__passage_params *p, bool swapped, doppel__passage **out,
                     size_t *nout, size_t *cap)
{
	if (n == 0)
		return DOPPEL_OK;
	qsort(cp, n, sizeof(*cp), cmp_cpair);
	/* keep the best CONDENSED_CHOICES pairs of each short sentence */
	size_t w = 0;
	for (size_t i = 0, run = 0; i < n; i++) {
		run = i > 0 && cp[i].s == cp[i - 1].s ? run + 1 : 0;
		if (run < CONDENSED_CHOICES)
			cp[w++] = cp[i];
	}
	n = w;
	if (reserve(&pg->best, &pg->bestcap, n, sizeof(*pg->best)) ||
	    reserve(&pg->prev, &pg->prevcap, n, sizeof(*pg->prev)) ||
	    reserve(&pg->order, &pg->ordercap, n, sizeof(*pg->order)))
		return DOPPEL_E_NOMEM;
	float *best = pg->best;
	uint32_t *prev = pg->prev;
	struct ranked *order = pg->order;
	for (size_t i = 0; i < n; i++) {
		best[i] = cp[i].cos;
		prev[i] = NONE;
		for (size_t j = i; j-- > 0;) {
			if (cp[j].s + CONDENSED_SKIP + 1 < cp[i].s)
				break;
			if (cp[j].s == cp[i].s || cp[j].l >= cp[i].l)
				continue;
			if (best[j] + cp[i].cos > best[i]) {
				best[i] = best[j] + cp[i].cos;
				prev[i] = (uint32_t)j;
			}
		}
		order[i] = (struct ranked){best[i], (uint32_t)i};
	}
	qsort(order, n, sizeof(*order), cmp_ranked);
	/* Chains best first, each ending at the best pair not yet used and
	 * stopping before a used one; best[] < 0 marks a used pair. */
	for (size_t o = 0; o < n; o++) {
		const uint32_t top = order[o].i;
		if (best[top] < 0)
			continue;
		size_t len = 0, blocks = 0, run = 0, maxrun = 0;
		double cossum = 0;
		uint32_t first = top;
		for (uint32_t i = top; i != NONE && best[i] >= 0; i = prev[i]) {
			first = i;
			len++;
			run++;
			cossum += cp[i].cos;
			const bool last = prev[i] == NONE || best[prev[i]] < 0;
			const uint32_t l = cp[i].l, pl = last ? 0 : cp[prev[i]].l;
			if (last || (pl + 1 < l && (lcov[l] == 0 || lcov[l] != lcov[pl]))) {
				blocks++;
				if (run > maxrun)
					maxrun = run;
				run = 0;
			}
		}
		const uint32_t s0 = cp[first].s, s1 = cp[top].s;
		const uint32_t l0 = cp[first].l, l1 = cp[top].l;
		/* nothing of the short text's span is aligned again (cp is in
		 * the order of s) */
		for (size_t i = first; i-- > 0 && cp[i].s >= s0;)
			best[i] = -1;
		for (size_t i = first; i < n && cp[i].s <= s1; i++)
			best[i] = -1;
		if (len < p->summary_sentences)
			continue;
		if (blocks < p->summary_sentences || 2 * maxrun > len)
			continue;
		int rc = emit_condensed(pg, sh, lo, p, swapped,
		                        (const uint32_t[4]){s0, s1, l0, l1}, len, cossum, out,
		                        nout, cap);
		if (rc)
			return rc;
	}
	return DOPPEL_OK;
}

/* Which local passage (its number + 1, or 0) holds each sentence of a and
 * of b, into pg->acov and pg->bcov. */
static int mark_cover(doppel__passager *pg, const doppel__ptext *a, const doppel__ptext *b,
                      const doppel__passage *ps, size_t n)
{
	if (reserve(&pg->acov, &pg->acovcap, a->nsent, sizeof(*pg->acov)) ||
	    reserve(&pg->bcov, &pg->bcovcap, b->nsent, sizeof(*pg->bcov)))
		return DOPPEL_E_NOMEM;
	memset(pg->acov, 0, a->nsent * sizeof(*pg->acov));
	memset(pg->bcov, 0, b->nsent * sizeof(*pg->bcov));
	for (size_t i = 0; i < n; i++) {
		for (size_t s = 0; s < a->nsent; s++)
			if (a->sent[s].start < ps[i].a_end && ps[i].a_start < a->sent[s].end)
				pg->acov[s] = (uint32_t)i + 1;
		for (size_t s = 0; s < b->nsent; s++)
			if (b->sent[s].start < ps[i].b_end && ps[i].b_start < b->sent[s].end)
				pg->bcov[s] = (uint32_t)i + 1;
	}
	return DOPPEL_OK;
}

/* Condensed passages both ways: b condensing a, and a condensing b. The
 * local passages are trusted: a sentence inside one pairs only with the
 * sentences of its other side (a sentence copied in one place is not
 * condensed in another). */
static int condensed_both(doppel__passager *pg, const doppel__ptext *a, const doppel__ptext *b,
                          const doppel__passage_params *p, doppel__passage **out, size_t *n,
                          size_t *cap)
{
	size_t np = 0;
	for (size_t i = 0; i < pg->npairs; i++)
		np += pg->pairs[i].cos >= p->summary_min;
	if (np == 0)
		return DOPPEL_OK;
	struct cpair *cp = doppel__alloc_array(np, sizeof(*cp));
	if (!cp)
		return DOPPEL_E_NOMEM;
	int rc = DOPPEL_OK;
	for (int way = 0; way < 2 && rc == DOPPEL_OK; way++) {
		size_t k = 0;
		for (size_t i = 0; i < pg->npairs; i++) {
			const struct spair *sp = &pg->pairs[i];
			const uint32_t ca = pg->acov[sp->sa], cb = pg->bcov[sp->sb];
			if (sp->cos >= p->summary_min && ca == cb)
				cp[k++] = way == 0 ? (struct cpair){sp->sb, sp->sa, sp->cos}
				                   : (struct cpair){sp->sa, sp->sb, sp->cos};
		}
		rc = way == 0 ? condensed(pg, b, a, cp, k, pg->acov, p, false, out, n, cap)
		              : condensed(pg, a, b, cp, k, pg->bcov, p, true, out, n, cap);
	}
	free(cp);
	return rc;
}

/* Local passages first (seeds, chains, merged chains, those long and
 * matched enough), their overlaps resolved; then condensed passages, which
 * take in the local ones they continue. The passages replace what the
 * caller's *out held (it grows as needed). */
int doppel__passages_find(doppel__passager *pg, const doppel__ptext *a, const doppel__ptext *b,
                          const doppel__passage_params *p, doppel__passage **out, size_t *n,
                          size_t *cap)
{
	*n = 0;
	if (a->ncontent == 0 || b->ncontent == 0)
		return DOPPEL_OK;
	uint32_t nkeys;
	int rc = number_keys(pg, a, b, &nkeys);
	if (rc)
		return rc;
	double lo = p->sentence_min;
	if (p->summaries && p->summary_min < lo)
		lo = p->summary_min;
	pg->nhits = 0;
	if ((rc = sentence_pairs(pg, a, b, lo)) || (rc = kgram_hits(pg, a, b, p->seed_k)) ||
	    (rc = sentence_hits(pg, a, b, p->sentence_min)) ||
	    (rc = sort_hits(pg, b->ncontent)) || (rc = chain_hits(pg, p->link_gap)))
		return rc;
	merge_chains(pg, a, b, p);
	for (size_t i = 0; i < pg->nbox; i++) {
		struct box *c = &pg->box[i];
		if (c->dead || c->nhits < 2)
			continue;
		uint32_t wa = words_between(a, c->a0, c->a1),
			 wb = words_between(b, c->b0, c->b1);
		if ((wa > wb ? wa : wb) < p->min_words)
			continue;
		c->score = box_score(pg, c);
		if (c->score < p->min_score)
			continue;
		if (reserve(out, cap, *n + 1, sizeof(**out)))
			return DOPPEL_E_NOMEM;
		doppel__passage ps = {.a_start = start_byte(a, c->a0),
		                      .a_end = end_byte(a, c->a1),
		                      .b_start = start_byte(b, c->b0),
		                      .b_end = end_byte(b, c->b1),
		                      .score = c->score,
		                      .mode = c->mode,
		                      .exact = c->exact};
		box_pairs(pg, a, b, c, p->sentence_min, &ps);
		(*out)[(*n)++] = ps;
	}
	resolve_overlaps(*out, n);
	if (p->summaries) {
		if ((rc = mark_cover(pg, a, b, *out, *n)) ||
		    (rc = condensed_both(pg, a, b, p, out, n, cap)))
			return rc;
		absorb_local(*out, n);
		resolve_overlaps(*out, n);
	}
	return DOPPEL_OK;
}

int doppel__passages_unpack(const uint8_t *blob, size_t len, bool swap, doppel_passage **out,
                            size_t *n, size_t *cap)
{
	if (len % 16)
		return DOPPEL_E_FORMAT;
	size_t m = len / 16;
	if (m && doppel__grow((void **)out, cap, *n + m, sizeof(**out)))
		return DOPPEL_E_NOMEM;
	for (size_t j = 0; j < m; j++) {
		size_t v[4];
		for (int f = 0; f < 4; f++)
			v[f] = (size_t)doppel__get_le(blob + 16 * j + 4 * (size_t)f, 4);
		if (v[1] < v[0] || v[3] < v[2])
			return DOPPEL_E_FORMAT;
		(*out)[(*n)++] = swap ? (doppel_passage){v[2], v[3], v[0], v[1]}
		                      : (doppel_passage){v[0], v[1], v[2], v[3]};
	}
	return DOPPEL_OK;
}
