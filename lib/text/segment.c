/*
 * segment.c — sentences, content words and anchors of an article.
 *
 * Works on the content lines that normalization keeps (boilerplate rules
 * are shared through doppel__content_lines), on the original text so that
 * capitals, quotes and punctuation are still there. Each distinct word is
 * folded, stemmed (Snowball English, libstemmer) and looked up in WordNet
 * once per thread; a cache keeps the answer.
 */
#include "internal.h"
#include "text/wordchar.h"

#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ----------------------------------------------------------- word cache */

#define WORD_STOP 0x1
#define WORD_DICT 0x2   /* WordNet knows it */
#define WORD_ABBREV 0x4 /* a full stop after it ends no sentence */
#define WORD_WEEKDAY 0x8
#define WORD_DANGLING 0x10 /* no sentence ends with it (doppel__dangling) */

struct word {
	uint64_t h; /* hash of the folded word; 0: free */
	uint32_t stem, key;
	uint16_t flags;
	uint16_t month; /* 1..12 for a month's name */
	uint16_t lists; /* the segmenter's lists function of the word */
};

/* State carried through the words of a line, and on through the next
 * line when the text is wrapped at a fixed width and the sentence goes
 * on there. */
struct line_state {
	uint32_t sent_tok, sent_start;
	bool sentence_start;
	bool in_quote;
	unsigned month; /* the previous word was this month */
	uint32_t month_start;
	bool prev_abbrev; /* the previous word cannot end a sentence */
};

struct doppel__segmenter {
	const doppel__wordnet *wn;
	struct sb_stemmer *stemmer;
	uint64_t seed;
	doppel__lists_fn lists; /* the word lists each cached word is in */
	struct word *cache;
	size_t ncache, used;
	/* per call */
	const char *text;
	doppel__features *f;
	int rc;
	struct line_word *words; /* of the line being segmented */
	size_t nwords, wordscap;
	char *fold; /* their folded forms, each NUL-terminated */
	size_t foldlen, foldcap;
	uint32_t *quote; /* stems of the open quote */
	size_t nquote, quotecap;
	uint32_t *qspan; /* start and end byte of each of those words */
	size_t qspancap;
	uint64_t *sorting; /* room to sort the anchors */
	size_t sortingcap;
	doppel__word_fn on_word; /* per call: who else sees each word */
	void *on_word_ctx;
	/* per call: the width the text is wrapped at (0: it is not), and the
	 * sentence the last line left open */
	size_t wrap;
	struct line_state ls;
	bool open;             /* a line ended with ls's sentence open */
	uint32_t open_end;     /* that line's end, trailing spaces left out */
	uint32_t open_next;    /* the byte after its line break */
	size_t open_chars;     /* its length in characters */
	const char *open_line; /* that line (open_len bytes): a table's row? */
	size_t open_len;
	bool open_dangling; /* it ends with a word no sentence ends with */
	bool took_dangling; /* so does the word take_word() took last */
	bool indents;       /* per call: the text marks its paragraphs by indenting */
};

doppel__segmenter *doppel__segmenter_new(const doppel__wordnet *wn, uint64_t seed)
{
	doppel__segmenter *sg = calloc(1, sizeof(*sg));
	if (!sg)
		return NULL;
	sg->wn = wn;
	sg->seed = seed;
	sg->stemmer = sb_stemmer_new("english", "UTF_8");
	sg->ncache = 4096;
	sg->cache = calloc(sg->ncache, sizeof(*sg->cache));
	if (!sg->stemmer || !sg->cache) {
		doppel__segmenter_free(sg);
		return NULL;
	}
	return sg;
}

void doppel__segmenter_free(doppel__segmenter *sg)
{
	if (!sg)
		return;
	if (sg->stemmer)
		sb_stemmer_delete(sg->stemmer);
	free(sg->cache);
	free(sg->words);
	free(sg->fold);
	free(sg->quote);
	free(sg->qspan);
	free(sg->sorting);
	free(sg);
}

size_t doppel__segmenter_words(const doppel__segmenter *sg)
{
	return sg->used;
}

void doppel__features_free(doppel__features *f)
{
	if (!f)
		return;
	free(f->sent);
	free(f->tok);
	free(f->anchor);
	free(f->span);
	free(f->fslot);
	free(f->fig);
	free(f->ckey);
	free(f->body);
	memset(f, 0, sizeof(*f));
}

/* The home slot of cache key h: its bits above the lowest, which is always
 * set (on the lowest, only odd slots would be homes). */
static size_t cache_home(uint64_t h, size_t mask)
{
	return (size_t)(h >> 1) & mask;
}

static struct word *cache_slot(struct word *cache, size_t n, uint64_t h)
{
	size_t mask = n - 1;
	size_t i = cache_home(h, mask);
	while (cache[i].h && cache[i].h != h)
		i = (i + 1) & mask;
	return &cache[i];
}

/* The cache key of a folded word. */
static uint64_t word_hash(const doppel__segmenter *sg, const char *w, size_t n)
{
	return doppel__hash(w, n, sg->seed ^ 0x776f7264) | 1;
}

void doppel__segmenter_lists(doppel__segmenter *sg, doppel__lists_fn fn)
{
	if (sg->lists == fn)
		return;
	/* what the cache holds was classified by the other function */
	sg->lists = fn;
	memset(sg->cache, 0, sg->ncache * sizeof(*sg->cache));
	sg->used = 0;
}

/* A hint that the cache slot of h is read soon. */
static void cache_prefetch(const doppel__segmenter *sg, uint64_t h)
{
#if defined(__GNUC__)
	__builtin_prefetch(&sg->cache[cache_home(h, sg->ncache - 1)]);
#else
	(void)sg;
	(void)h;
#endif
}

/* What a folded word (of cache key h) gives: stem, key and flags, from the
 * cache. */
static const struct word *lookup(doppel__segmenter *sg, const char *w, size_t n, uint64_t h)
{
	struct word *slot = cache_slot(sg->cache, sg->ncache, h);
	if (slot->h)
		return slot;
	if ((sg->used + 1) * 2 > sg->ncache) {
		size_t nn = sg->ncache * 2;
		struct word *c = calloc(nn, sizeof(*c));
		if (!c)
			return NULL;
		for (size_t i = 0; i < sg->ncache; i++)
			if (sg->cache[i].h)
				*cache_slot(c, nn, sg->cache[i].h) = sg->cache[i];
		free(sg->cache);
		sg->cache = c;
		sg->ncache = nn;
		slot = cache_slot(sg->cache, sg->ncache, h);
	}
	struct word wd = {.h = h};
	if (doppel__stopword(w, n))
		wd.flags |= WORD_STOP;
	if (doppel__abbreviation(w, n))
		wd.flags |= WORD_ABBREV;
	if (doppel__weekday(w, n))
		wd.flags |= WORD_WEEKDAY;
	if (doppel__dangling(w, n))
		wd.flags |= WORD_DANGLING;
	wd.month = (uint16_t)doppel__month_of(w, n);
	wd.lists = sg->lists ? (uint16_t)sg->lists(w, n) : 0;
	const sb_symbol *st = sb_stemmer_stem(sg->stemmer, (const sb_symbol *)w, (int)n);
	if (!st)
		return NULL;
	int sl = sb_stemmer_length(sg->stemmer);
	wd.stem = (uint32_t)doppel__hash(st, (size_t)sl, sg->seed) & 0x7fffffffu;
	wd.key = wd.stem;
	if (sg->wn && !(wd.flags & WORD_STOP)) {
		uint32_t lemma;
		if (doppel__wordnet_lemmas(sg->wn, w, n, &lemma, 1)) {
			wd.flags |= WORD_DICT;
			/* doppel__wordnet_class(), which a number has none of,
			 * from the lemma just found */
			bool digit = false;
			for (size_t i = 0; i < n; i++)
				digit |= w[i] >= '0' && w[i] <= '9';
			uint32_t cls = digit ? 0 : doppel__wordnet_lemma_class(sg->wn, lemma);
			if (cls)
				wd.key = cls | 0x80000000u;
		}
	}
	*slot = wd;
	sg->used++;
	return slot;
}

uint32_t doppel__segmenter_stem(doppel__segmenter *sg, const char *w, size_t len)
{
	const struct word *wd = lookup(sg, w, len, word_hash(sg, w, len));
	return wd ? wd->stem : 0;
}

/* ------------------------------------------------------------- building */

/* Adds an anchor found at bytes [start, end) of the text. */
static int add_anchor(doppel__features *f, unsigned kind, uint64_t h, size_t start, size_t end)
{
	if (doppel__grow((void **)&f->anchor, &f->anchorcap, f->nanchor + 1,
	                 sizeof(*f->anchor)))
		return DOPPEL_E_NOMEM;
	uint64_t a = ((uint64_t)kind << 61) | (h & ((UINT64_C(1) << 61) - 1));
	f->anchor[f->nanchor++] = a;
	if (f->want_spans) {
		if (doppel__grow((void **)&f->span, &f->spancap, f->nspan + 1,
		                 sizeof(*f->span)))
			return DOPPEL_E_NOMEM;
		f->span[f->nspan++] =
			(struct doppel__span){a, (uint32_t)start, (uint32_t)(end - start)};
	}
	return DOPPEL_OK;
}

static int add_token(doppel__features *f, const struct word *w)
{
	if (f->ntok == f->tokcap &&
	    doppel__grow((void **)&f->tok, &f->tokcap, f->ntok + 1, sizeof(*f->tok)))
		return DOPPEL_E_NOMEM;
	f->tok[f->ntok++] = (doppel__ftok){w->stem, w->key};
	return DOPPEL_OK;
}

/* Closes the open sentence (if it has content words) at byte end. */
static int end_sentence(doppel__features *f, uint32_t first_tok, uint32_t start, uint32_t end)
{
	if (f->ntok == first_tok || end <= start)
		return DOPPEL_OK;
	if (doppel__grow((void **)&f->sent, &f->sentcap, f->nsent + 1, sizeof(*f->sent)))
		return DOPPEL_E_NOMEM;
	f->sent[f->nsent++] =
		(doppel__sent){first_tok, (uint32_t)f->ntok - first_tok, start, end - start};
	return DOPPEL_OK;
}

/* Anchors for the words of a closed quote: each run of four. */
static int close_quote(doppel__segmenter *sg)
{
	int rc = DOPPEL_OK;
	/* A short quote (two or three content words) is one anchor. */
	if (sg->nquote >= 2 && sg->nquote < 4)
		rc = add_anchor(
			sg->f, DOPPEL__ANCHOR_QUOTE,
			doppel__hash(sg->quote, sg->nquote * sizeof(*sg->quote), sg->seed),
			sg->qspan[0], sg->qspan[2 * (sg->nquote - 1) + 1]);
	for (size_t i = 0; i + 4 <= sg->nquote && rc == DOPPEL_OK; i++)
		rc = add_anchor(sg->f, DOPPEL__ANCHOR_QUOTE,
		                doppel__hash(sg->quote + i, 4 * sizeof(*sg->quote), sg->seed),
		                sg->qspan[2 * i], sg->qspan[2 * (i + 3) + 1]);
	sg->nquote = 0;
	return rc;
}

static bool is_upper_cp(int32_t cp)
{
	if (cp >= 0 && cp < 0x80)
		return cp >= 'A' && cp <= 'Z';
	utf8proc_category_t c = utf8proc_category(cp);
	return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT;
}

static bool is_digit_ascii(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Folds one word (the bytes of the original) onto the end of sg->fold;
 * apostrophes and number separators are dropped, letters case-folded.
 * *out is the folded length; a NUL follows. */
static int fold_word(doppel__segmenter *sg, const char *w, size_t n, bool ascii, size_t *out)
{
	if (sg->foldlen + 4 * n + 8 > sg->foldcap &&
	    doppel__grow((void **)&sg->fold, &sg->foldcap, sg->foldlen + 4 * n + 8, 1))
		return DOPPEL_E_NOMEM;
	char *fold = sg->fold + sg->foldlen;
	size_t m = 0;
	if (ascii) {
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)w[i];
			if (c == '\'' || c == ',')
				continue;
			fold[m++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
		fold[m] = '\0';
		*out = m;
		return DOPPEL_OK;
	}
	unsigned char *mapped = NULL;
	long r = doppel__fold(w, n, &mapped);
	if (r < 0)
		return (int)r;
	if (doppel__grow((void **)&sg->fold, &sg->foldcap, sg->foldlen + (size_t)r + 1, 1)) {
		free(mapped);
		return DOPPEL_E_NOMEM;
	}
	fold = sg->fold + sg->foldlen;
	for (long i = 0; i < r;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t step =
			utf8proc_iterate(mapped + i, (utf8proc_ssize_t)(r - i), &cp);
		if (step <= 0)
			break;
		if (cp != '\'' && cp != 0x2019 && cp != ',') {
			memcpy(fold + m, mapped + i, (size_t)step);
			m += (size_t)step;
		}
		i += step;
	}
	free(mapped);
	fold[m] = '\0';
	*out = m;
	return DOPPEL_OK;
}

static bool opening_quote(int32_t cp)
{
	return cp == 0x201C || cp == 0x00AB || cp == 0x201E;
}

static bool closing_quote(int32_t cp)
{
	return cp == 0x201D || cp == 0x00BB;
}

/*
 * A word of a line. The words of a line are all found and folded before
 * the first is looked up, so that the cache slots of the line are fetched
 * together rather than one miss after another.
 */
struct line_word {
	size_t at, scanned; /* bytes of the line the word spans */
	size_t len;         /* of those, the word without a possessive 's */
	size_t fold, flen;  /* its folded form in sg->fold */
	uint64_t h;         /* the cache key of the folded form */
	bool upper, digit;
};

/* Records the word at bytes [at, at + scanned) of line, folded. */
static int push_word(doppel__segmenter *sg, const char *line, size_t at, size_t scanned,
                     bool upper, bool digit, bool ascii)
{
	if (sg->nwords == sg->wordscap && doppel__grow((void **)&sg->words, &sg->wordscap,
	                                               sg->nwords + 1, sizeof(*sg->words)))
		return DOPPEL_E_NOMEM;
	const char *w = line + at;
	size_t n = scanned;
	/* A possessive is the word itself: "Valdoria's" is Valdoria. */
	if (n > 2 && (w[n - 1] == 's' || w[n - 1] == 'S') && w[n - 2] == '\'')
		n -= 2;
	else if (n > 4 && (w[n - 1] == 's' || w[n - 1] == 'S') &&
	         memcmp(w + n - 4, "\xe2\x80\x99", 3) == 0)
		n -= 4;
	/* Only what is left decides how the word is folded. */
	if (!ascii && n < scanned) {
		ascii = true;
		for (size_t i = 0; i < n; i++)
			ascii &= (unsigned char)w[i] < 0x80;
	}
	size_t m = 0;
	int rc = fold_word(sg, w, n, ascii, &m);
	if (rc)
		return rc;
	uint64_t h = word_hash(sg, sg->fold + sg->foldlen, m);
	cache_prefetch(sg, h);
	sg->words[sg->nwords++] =
		(struct line_word){at, scanned, n, sg->foldlen, m, h, upper, digit};
	sg->foldlen += m + 1;
	return DOPPEL_OK;
}

/* The character at byte i of line (i < n) and its length; a byte that
 * starts no valid character counts as U+FFFD. */
static int32_t char_at(const char *line, size_t n, size_t i, size_t *step)
{
	unsigned char c = (unsigned char)line[i];
	*step = 1;
	if (c < 0x80)
		return c;
	utf8proc_int32_t cp;
	utf8proc_ssize_t st = utf8proc_iterate((const utf8proc_uint8_t *)line + i,
	                                       (utf8proc_ssize_t)(n - i), &cp);
	if (st <= 0)
		return 0xFFFD;
	*step = (size_t)st;
	return cp;
}

/* Whether a fraction's digits, a / and more digits, start at byte i of
 * line (n bytes). */
static bool fraction_at(const char *line, size_t n, size_t i)
{
	size_t j = i;
	while (j < n && is_digit_ascii((unsigned char)line[j]))
		j++;
	return j > i && j + 1 < n && line[j] == '/' &&
	       is_digit_ascii((unsigned char)line[j + 1]);
}

/* Finds, folds and hashes the words of a line into sg->words. */
static int find_words(doppel__segmenter *sg, const char *line, size_t n)
{
	sg->nwords = sg->foldlen = 0;
	size_t wstart = 0, i = 0;
	bool in_word = false, upper = false, digit = false, ascii = true;
	while (i < n) {
		unsigned char c = (unsigned char)line[i];
		/* Letters and digits of ASCII need no more thought: a run of
		 * them at once. */
		if (in_word && doppel__ascii_lower[c]) {
			i = doppel__ascii_word_run(line, n, i, &digit);
			continue;
		}
		size_t step;
		int32_t cp = char_at(line, n, i, &step);
		bool word_cp = doppel__is_word_cp(cp);
		/* Joiners inside a word: apostrophes; inside a number: , and .,
		 * and the / of a fraction, with the - before its whole part
		 * ("1/8", "6-1/16": two rates a sixteenth apart are two numbers,
		 * not one "16"; "2025-02-11" stays three). */
		bool joins = in_word && i + 1 < n &&
		             (((cp == '\'' || cp == 0x2019) &&
		               doppel__is_word_cp((unsigned char)line[i + 1])) ||
		              ((cp == ',' || cp == '.' || cp == '/' ||
		                (cp == '-' && fraction_at(line, n, i + 1))) &&
		               digit && is_digit_ascii((unsigned char)line[i - 1]) &&
		               is_digit_ascii((unsigned char)line[i + 1])));
		if (word_cp || joins) {
			if (!in_word) {
				in_word = true;
				wstart = i;
				upper = is_upper_cp(cp);
				digit = false;
				ascii = true;
			}
			if (cp >= '0' && cp <= '9')
				digit = true;
			ascii &= c < 0x80;
			i += step;
			continue;
		}
		if (in_word) {
			in_word = false;
			int rc = push_word(sg, line, wstart, i - wstart, upper, digit, ascii);
			if (rc)
				return rc;
		}
		i += step;
	}
	if (in_word)
		return push_word(sg, line, wstart, n - wstart, upper, digit, ascii);
	return DOPPEL_OK;
}

/* Handles one word: content word, anchors. */
static int take_word(doppel__segmenter *sg, struct line_state *ls, const char *line,
                     const struct line_word *lw)
{
	const size_t m = lw->flen;
	if (m == 0)
		return DOPPEL_OK;
	const char *fw = sg->fold + lw->fold;
	doppel__features *f = sg->f;
	const size_t start = (size_t)(line + lw->at - sg->text), end = start + lw->len;
	const struct word *wd = lookup(sg, fw, m, lw->h);
	if (!wd)
		return DOPPEL_E_NOMEM;
	sg->took_dangling = (wd->flags & WORD_DANGLING) != 0;
	const bool upper = lw->upper, digit = lw->digit;
	int rc;
	if (sg->on_word) {
		doppel__word w = {
			.start = (uint32_t)start,
			.end = (uint32_t)end,
			.next = (uint32_t)(start + lw->scanned),
			.sent = (uint32_t)f->nsent,
			.stem = wd->stem,
			.h = lw->h,
			.fold = fw,
			.flen = m,
			.month = (uint8_t)wd->month,
			.lists = wd->lists,
			.flags = (uint16_t)((upper ? DOPPEL__W_UPPER : 0) |
		                            (digit ? DOPPEL__W_DIGIT : 0) |
		                            (wd->flags & WORD_STOP ? DOPPEL__W_STOP : 0) |
		                            (wd->flags & WORD_DICT ? DOPPEL__W_DICT : 0) |
		                            (wd->flags & WORD_WEEKDAY ? DOPPEL__W_WEEKDAY : 0) |
		                            (ls->sentence_start ? DOPPEL__W_START : 0) |
		                            (ls->in_quote ? DOPPEL__W_QUOTED : 0))};
		if ((rc = sg->on_word(sg->on_word_ctx, &w)))
			return rc;
	}
	ls->prev_abbrev = (lw->len == 1 && upper) || (wd->flags & WORD_ABBREV);
	unsigned month = wd->month;
	if (digit) {
		if (ls->month && m <= 2) {
			char *stop;
			unsigned long day = strtoul(fw, &stop, 10);
			if (stop == fw + m && day >= 1 && day <= 31 &&
			    (rc = add_anchor(f, DOPPEL__ANCHOR_DATE, ls->month * 32 + day,
			                     ls->month_start, end)))
				return rc;
		}
		if ((m >= 2 || memchr(fw, '.', m)) &&
		    (rc = add_anchor(f, DOPPEL__ANCHOR_NUMBER, doppel__hash(fw, m, sg->seed),
		                     start, end)))
			return rc;
	}
	/* A capital in mid-sentence marks a name; at the start of a sentence
	 * only a word that no dictionary knows does. Titles ("Dr", "Mr") are
	 * abbreviations, not names. */
	if (upper && !digit && !month && !(wd->flags & WORD_WEEKDAY) &&
	    !(wd->flags & WORD_STOP) && !ls->prev_abbrev &&
	    (!ls->sentence_start || (sg->wn && !(wd->flags & WORD_DICT)))) {
		if ((rc = add_anchor(f, DOPPEL__ANCHOR_NAME, doppel__hash(fw, m, sg->seed),
		                     start, end)))
			return rc;
	}
	ls->month = month;
	ls->month_start = (uint32_t)start;
	ls->sentence_start = false;
	if (wd->flags & WORD_STOP)
		return DOPPEL_OK;
	if (ls->in_quote) {
		if (doppel__grow((void **)&sg->quote, &sg->quotecap, sg->nquote + 1,
		                 sizeof(*sg->quote)))
			return DOPPEL_E_NOMEM;
		if (doppel__grow((void **)&sg->qspan, &sg->qspancap, 2 * sg->nquote + 2,
		                 sizeof(*sg->qspan)))
			return DOPPEL_E_NOMEM;
		sg->qspan[2 * sg->nquote] = (uint32_t)start;
		sg->qspan[2 * sg->nquote + 1] = (uint32_t)end;
		sg->quote[sg->nquote++] = wd->stem;
	}
	return add_token(f, wd);
}

/* The bytes [i, to) of a line between two words (to: the next word's
 * start or the line's end): quotes and sentence ends. */
static int take_gap(doppel__segmenter *sg, struct line_state *ls, const char *line, size_t n,
                    size_t i, size_t to)
{
	doppel__features *f = sg->f;
	const uint32_t base = (uint32_t)(line - sg->text);
	int rc;
	while (i < to) {
		/* the ASCII that neither quotes nor ends anything, at once */
		for (unsigned char c; i < to && (c = (unsigned char)line[i]) < 0x80 &&
		                      c != '"' && c != '.' && c != '!' && c != '?';)
			i++;
		if (i == to)
			break;
		size_t step;
		int32_t cp = char_at(line, n, i, &step);
		/* Quotes: curly ones open and close; a straight one toggles. */
		if (opening_quote(cp) || (cp == '"' && !ls->in_quote)) {
			ls->in_quote = true;
			sg->nquote = 0;
		} else if (closing_quote(cp) || cp == '"') {
			ls->in_quote = false;
			if ((rc = close_quote(sg)))
				return rc;
		}
		/* Sentence ends: . ! ? followed by a space or the line's end, not
		 * after an abbreviation or an initial. What is skipped here is
		 * never part of a word. */
		if ((cp == '.' || cp == '!' || cp == '?' || cp == 0x2026) &&
		    !(cp == '.' && ls->prev_abbrev)) {
			size_t j = i + step;
			/* closing quotes and brackets belong to the sentence */
			bool closes = false;
			while (j < n && (line[j] == '"' || line[j] == '\'' || line[j] == ')' ||
			                 (unsigned char)line[j] >= 0x80)) {
				utf8proc_int32_t q;
				utf8proc_ssize_t qs =
					utf8proc_iterate((const utf8proc_uint8_t *)line + j,
				                         (utf8proc_ssize_t)(n - j), &q);
				if (qs <= 0 || !(q == '"' || q == '\'' || q == ')' ||
				                 closing_quote(q) || q == 0x2019))
					break;
				closes |= q == '"' || closing_quote(q);
				j += (size_t)qs;
			}
			/* a lowercase word next goes on with the sentence: the full
			 * stop closed an abbreviation ("Wisc. assembly plant") */
			size_t k = j;
			while (k < n && (line[k] == ' ' || line[k] == '\t'))
				k++;
			bool lower_next = k > j && k < n && line[k] >= 'a' && line[k] <= 'z';
			if ((j >= n || line[j] == ' ' || line[j] == '\t') && !lower_next) {
				/* the quote closed with the sentence ("... time.") */
				if (closes && ls->in_quote) {
					ls->in_quote = false;
					if ((rc = close_quote(sg)))
						return rc;
				}
				if ((rc = end_sentence(f, ls->sent_tok, ls->sent_start,
				                       base + (uint32_t)j)))
					return rc;
				ls->sent_tok = (uint32_t)f->ntok;
				while (j < n && (line[j] == ' ' || line[j] == '\t'))
					j++;
				ls->sent_start = base + (uint32_t)j;
				ls->sentence_start = true;
				i = j;
				continue;
			}
		}
		i += step;
	}
	return DOPPEL_OK;
}

/*
 * Text wrapped at a fixed width (wire copy, mail, plain-text archives)
 * breaks its sentences, names and quotes at the end of every line. A text
 * is taken as wrapped when its lines of at most WRAP_MAX characters reach
 * a width of WRAP_MIN or more, and two of them or more come within
 * WRAP_FULL of that width with another line right after (at least twice
 * as many as there are longer lines: paragraphs written one to a line are
 * not wrapped). A line then goes on into the next when the next is not
 * indented and its first word would have fitted on it within the width
 * (a wrapping tool breaks the line only before a word that does not fit):
 * headings, table rows and a paragraph's short last line stay lines.
 */
#define WRAP_MIN 50
#define WRAP_MAX 100
#define WRAP_FULL 12

/* The characters of n bytes of UTF-8 (a stray byte counts as one),
 * counted no further than max + 1. */
static size_t chars_upto(const char *s, size_t n, size_t max)
{
	return doppel__chars_upto(s, n, max);
}

static size_t chars_of(const char *s, size_t n)
{
	return chars_upto(s, n, SIZE_MAX - 1);
}

/* The characters of a line from its first that is not a space or a tab
 * to its trimmed end; WRAP_MAX + 1 for any more than WRAP_MAX (counted no
 * further: a paragraph written on one line, most of the bytes of a text
 * that is not wrapped). */
static size_t line_chars(const char *line, size_t n)
{
	size_t end = doppel__trim_end(line, n), i = 0;
	while (i < end && (line[i] == ' ' || line[i] == '\t'))
		i++;
	return chars_upto(line + i, end - i, WRAP_MAX);
}

/* The width text is wrapped at, in characters; 0 when it is not wrapped.
 * A paragraph's indentation is left out: one tool wraps the indented line
 * within the width, another indents it after wrapping. */
static size_t wrap_width(const char *text, size_t len)
{
	size_t width = 0, nlong = 0, full = 0, prev = 0;
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - text) - pos : len - pos;
		size_t c = line_chars(text + pos, n);
		if (c > WRAP_MAX)
			nlong++;
		else if (c > width)
			width = c;
		pos += n + 1;
	}
	if (width < WRAP_MIN)
		return 0;
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - text) - pos : len - pos;
		size_t c = line_chars(text + pos, n);
		full += c > 0 && prev + WRAP_FULL > width && prev <= width;
		prev = c;
		pos += n + 1;
	}
	return full >= 2 && full >= 2 * nlong ? width : 0;
}

/* Whether text marks its paragraphs by indenting their first lines: two
 * lines or more are indented after a line that is not blank, and no line
 * is blank between two that are not. */
static bool indents_paragraphs(const char *text, size_t len)
{
	size_t indented = 0;
	bool prev = false, seen = false, gap = false;
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - text) - pos : len - pos;
		size_t end = doppel__trim_end(text + pos, n);
		bool blank = true;
		for (size_t i = 0; i < end && blank; i++)
			blank = text[pos + i] == ' ' || text[pos + i] == '\t';
		if (blank) {
			gap = seen;
		} else {
			if (gap)
				return false;
			indented += prev && (text[pos] == ' ' || text[pos] == '\t');
			seen = true;
		}
		prev = !blank;
		pos += n + 1;
	}
	return indented >= 2;
}

/* Whether a line (n bytes) sets words in columns: a tab, or two spaces
 * not after a sentence's end (typed prose puts two there), between two of
 * its words, as a table's rows do and wrapped prose does not. A table as
 * wide as the text's prose, its rows as full, stays rows. */
static bool columns(const char *line, size_t n)
{
	size_t i = 0;
	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	n = doppel__trim_end(line, n);
	for (size_t start = i; i + 1 < n; i++) {
		if (line[i] == '\t')
			return true;
		/* a run of spaces, from its first: after a sentence's end, prose */
		if (line[i] == ' ' && line[i + 1] == ' ' && i > start && line[i - 1] != ' ' &&
		    !strchr(".!?:;\")'", line[i - 1]))
			return true;
	}
	return false;
}

/* Closes the sentence a line left open (sg->open). */
static int close_open(doppel__segmenter *sg)
{
	int rc;
	sg->open = false;
	if (sg->ls.in_quote && (rc = close_quote(sg)))
		return rc;
	return end_sentence(sg->f, sg->ls.sent_tok, sg->ls.sent_start, sg->open_end);
}

/* Whether a line's first word (at byte at) starts with a lowercase letter
 * and only quotes or brackets come before it. */
static bool starts_lower(const char *line, size_t n, size_t at)
{
	size_t step;
	for (size_t i = 0; i < at; i += step) {
		int32_t q = char_at(line, n, i, &step);
		if (q != '"' && q != '\'' && q != '(' && q != 0x2018 && !opening_quote(q))
			return false;
	}
	int32_t cp = char_at(line, n, at, &step);
	if (cp < 0x80)
		return cp >= 'a' && cp <= 'z';
	return utf8proc_category(cp) == UTF8PROC_CATEGORY_LL;
}

/*
 * Whether the sentence the last line left open goes on into this one (n
 * bytes, not indented, with words): when the text is wrapped and the
 * line's first word did not fit on the last (see WRAP_MIN); and, wrapped
 * or not, when the line starts with a lowercase letter, or the last ended
 * with an article, preposition or conjunction (doppel__dangling); and
 * whatever it starts with in a text that indents its paragraphs
 * (indents_paragraphs); unless either is a table's row. A sentence starts
 * with neither, and wire copy is wrapped more raggedly than its widest
 * line tells, or too short to tell at all: of the 8,691 Reuters texts
 * taken as wrapped, 1,794 lines start lowercase after a line whose next
 * word would have fitted and 8,083 first lines (their datelines cut off)
 * end without a stop before an unindented line that would have; in the
 * 1,360 texts too short to tell, 448 lines start lowercase.
 */
static bool goes_on(const doppel__segmenter *sg, const char *line, size_t n, uint32_t base)
{
	if (!sg->open || base != sg->open_next || n == 0 || line[0] == ' ' || line[0] == '\t' ||
	    sg->nwords == 0)
		return false;
	bool on = (sg->wrap &&
	           sg->open_chars + 1 + chars_of(line, sg->words[0].at + sg->words[0].scanned) >
	                   sg->wrap) ||
	          sg->indents || sg->open_dangling || starts_lower(line, n, sg->words[0].at);
	/* rows are looked for only then: most lines never need it */
	return on && !columns(sg->open_line, sg->open_len) && !columns(line, n);
}

/* One content line: words, sentence ends and quotes. */
static int segment_line(void *ctx, const char *line, size_t n, const char *low, size_t lowlen,
                        bool ascii)
{
	(void)low;
	(void)lowlen;
	(void)ascii;
	doppel__segmenter *sg = ctx;
	doppel__features *f = sg->f;
	int rc = find_words(sg, line, n);
	if (rc)
		return rc;
	const uint32_t base = (uint32_t)(line - sg->text);
	bool on = goes_on(sg, line, n, base);
	if (sg->open && !on && (rc = close_open(sg)))
		return rc;
	if (!on)
		sg->ls = (struct line_state){(uint32_t)f->ntok, base, true, false, 0, 0, false};
	else if (sg->ls.sent_tok == f->ntok)
		sg->ls.sent_start = base; /* the last line ended its sentence */
	struct line_state *ls = &sg->ls;
	size_t i = 0;
	for (size_t k = 0; k < sg->nwords; k++) {
		const struct line_word *lw = &sg->words[k];
		if ((rc = take_gap(sg, ls, line, n, i, lw->at)) ||
		    (rc = take_word(sg, ls, line, lw)))
			return rc;
		i = lw->at + lw->scanned;
	}
	if ((rc = take_gap(sg, ls, line, n, i, n)))
		return rc;
	/* The line's end ends the sentence unless the next line goes on
	 * with it. */
	size_t end = doppel__trim_end(line, n);
	sg->open = true;
	sg->open_end = base + (uint32_t)end;
	sg->open_next = base + (uint32_t)n + 1;
	sg->open_chars = sg->wrap ? chars_of(line, end) : 0;
	sg->open_line = line;
	sg->open_len = n;
	/* the line's last word, when it ends the line, as take_word() found it */
	const struct line_word *last = sg->nwords ? &sg->words[sg->nwords - 1] : NULL;
	sg->open_dangling =
		last && last->flen > 0 && last->at + last->scanned == end && sg->took_dangling;
	return DOPPEL_OK;
}

/* Sorts n anchors: insertion sort in runs of eight, then merges of runs
 * (qsort's indirect comparisons cost more than all of it). tmp has room
 * for n. */
static void sort_anchors(uint64_t *a, uint64_t *tmp, size_t n)
{
	const size_t run = 8;
	for (size_t lo = 0; lo < n; lo += run) {
		size_t hi = lo + run < n ? lo + run : n;
		for (size_t i = lo + 1; i < hi; i++) {
			uint64_t x = a[i];
			size_t j = i;
			for (; j > lo && a[j - 1] > x; j--)
				a[j] = a[j - 1];
			a[j] = x;
		}
	}
	uint64_t *src = a, *dst = tmp;
	for (size_t w = run; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n,
			       hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				dst[k++] = src[j] < src[i] ? src[j++] : src[i++];
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
		}
		uint64_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof(*a));
}

int doppel__segment(doppel__segmenter *sg, const char *text, size_t len, uint64_t source_key,
                    const doppel__repeated *rep, doppel__features *f)
{
	return doppel__segment_with(sg, text, len, source_key, rep, f, NULL, NULL);
}

int doppel__segment_with(doppel__segmenter *sg, const char *text, size_t len,
                         uint64_t source_key, const doppel__repeated *rep, doppel__features *f,
                         doppel__word_fn fn, void *ctx)
{
	f->nsent = f->ntok = f->nanchor = f->nspan = 0;
	f->boilerplate = 0;
	if (len >= UINT32_MAX)
		return DOPPEL_E_TOOBIG;
	sg->text = text;
	sg->f = f;
	sg->nquote = 0;
	sg->on_word = fn;
	sg->on_word_ctx = ctx;
	sg->open = false;
	sg->wrap = wrap_width(text, len);
	sg->indents = indents_paragraphs(text, len);
	int rc = doppel__content_lines(text, len, source_key, rep, sg->seed, NULL,
	                               &f->boilerplate, false, segment_line, sg);
	if (!rc && sg->open)
		rc = close_open(sg);
	sg->open = false;
	sg->on_word = NULL;
	sg->on_word_ctx = NULL;
	if (rc)
		return rc;
	if (f->nanchor > 1) {
		if (doppel__grow((void **)&sg->sorting, &sg->sortingcap, f->nanchor,
		                 sizeof(*sg->sorting)))
			return DOPPEL_E_NOMEM;
		sort_anchors(f->anchor, sg->sorting, f->nanchor);
		size_t w = 1;
		for (size_t i = 1; i < f->nanchor; i++)
			if (f->anchor[i] != f->anchor[w - 1])
				f->anchor[w++] = f->anchor[i];
		f->nanchor = w;
	}
	return DOPPEL_OK;
}
