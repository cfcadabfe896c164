/*
 * normalize.c — from an article's text to the hashes of its content tokens.
 *
 * The text is taken a line at a time. Each line is first reduced to a
 * cheap ASCII-lowered form (letters and digits, one space between words)
 * that serves three purposes: matching the built-in boilerplate patterns,
 * the key under which repeated lines are counted, and, for a pure-ASCII
 * line, the tokens themselves. Lines with other characters go through
 * utf8proc (NFKC + case fold) before they are split into tokens.
 */
#include "internal.h"
#include "text/wordchar.h"

#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include <utf8proc.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* A line is a candidate for repeated-line boilerplate only when it has
 * between these many words: shorter lines carry no signal ("Photo: AP"
 * counts anyway as a pattern), longer ones are paragraphs of content. */
#define LINE_MIN_WORDS 3
#define LINE_MAX_WORDS 30
/* Appeal patterns apply to lines of at most this many words. */
#define APPEAL_MAX_WORDS 40
/* Update stamps are short. */
#define STAMP_MAX_WORDS 12

/* Headings after which the rest of an article is a list of other articles.
 * Compared with the whole lowered line. */
static const char *const trailer_headings[] = {
	"similar news",
	"related news",
	"related articles",
	"related stories",
	"related",
	"more news",
	"more stories",
	"you may also like",
	"you might also like",
	"recommended",
	"recommended for you",
	"read next",
	"most read",
	"most popular",
	"trending",
	"see also",
	"also read",
	"more from",
	"latest news",
	"other news",
};

/* Phrases of appeals, share prompts and legal lines, found as whole words
 * anywhere in a lowered line of at most APPEAL_MAX_WORDS words. */
static const char *const appeal_phrases[] = {
	"support independent journalism",
	"support our journalism",
	"donate now",
	"donate today",
	"please donate",
	"make a donation",
	"subscribe to our",
	"subscribe now",
	"subscribe today",
	"sign up for our",
	"sign up to our",
	"our newsletter",
	"follow us on",
	"share this article",
	"share this story",
	"share on facebook",
	"share on twitter",
	"click here",
	"all rights reserved",
	"become a patron",
	"become a supporter",
};

/* Phrases that news writes too ("allies which support us in this fight",
 * "to become a member of the board", "will not make a contribution to
 * margins"): an appeal only in a line of at most APPEAL_SHORT_WORDS
 * words, which is the appeal and little more ("Chip in with a donation so
 * we can keep writing."). */
#define APPEAL_SHORT_WORDS 16
static const char *const appeal_short_phrases[] = {
	"support our work", "support us", "make a contribution", "become a member",
	"chip in",          "read more",  "read also",           "share on x",
};

/* Words that mark an advertisement's slot as a short line of its own
 * ("Advertisement", "Advertisement - scroll to continue"): at most
 * MARKER_MAX_WORDS words, where a sentence of news may use them ("In a
 * newspaper advertisement, the company said the offer expires..."). */
#define MARKER_MAX_WORDS 6
static const char *const marker_words[] = {
	"advertisement",
	"sponsored content",
};

static const char *const stamp_prefixes[] = {
	"update ", "updated ", "last updated ", "updated on ", "update at ",
};

/* ----------------------------------------------------------- line counts */

static uint32_t lc_slot(uint64_t key, unsigned row)
{
	return (uint32_t)(doppel__mix64(key + (uint64_t)row * UINT64_C(0x9e3779b97f4a7c15)) &
	                  (DOPPEL__LC_COLS - 1));
}

void doppel__linecount_add(doppel__linecount *lc, uint64_t key)
{
	for (unsigned r = 0; r < DOPPEL__LC_ROWS; r++) {
		uint16_t *c = &lc->c[r][lc_slot(key, r)];
		if (*c < UINT16_MAX)
			(*c)++;
	}
}

unsigned doppel__linecount_get(const doppel__linecount *lc, uint64_t key)
{
	unsigned m = UINT16_MAX;
	for (unsigned r = 0; r < DOPPEL__LC_ROWS; r++) {
		unsigned c = lc->c[r][lc_slot(key, r)];
		if (c < m)
			m = c;
	}
	return m;
}

bool doppel__repeated_has(const doppel__repeated *rep, uint64_t key)
{
	if (!rep)
		return false;
	size_t lo = 0, hi = rep->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (rep->key[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < rep->n && rep->key[lo] == key;
}

size_t doppel__repeated_pick(const doppel__linecount *lc, unsigned min, uint64_t *lines,
                             size_t n)
{
	size_t w = 0;
	if (!lc || !min)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (doppel__linecount_get(lc, lines[i]) >= min)
			lines[w++] = lines[i];
	if (w > 1)
		qsort(lines, w, sizeof(*lines), doppel__cmp_u64);
	size_t u = 0;
	for (size_t i = 0; i < w; i++)
		if (!u || lines[u - 1] != lines[i])
			lines[u++] = lines[i];
	return u;
}

uint64_t doppel__source_key(const char *source, uint64_t seed)
{
	if (!source || !*source)
		return 0;
	return doppel__hash(source, strlen(source), seed ^ UINT64_C(0x736f75726365)) | 1;
}

/* --------------------------------------------------------------- tokens */

void doppel__tokens_free(doppel__tokens *t)
{
	if (!t)
		return;
	free(t->hash);
	free(t->lines);
	free(t->buf);
	free(t->fig);
	memset(t, 0, sizeof(*t));
}

static int push_hash(doppel__tokens *t, uint64_t h)
{
	if (t->n == t->cap &&
	    doppel__grow((void **)&t->hash, &t->cap, t->n + 1, sizeof(*t->hash)))
		return DOPPEL_E_NOMEM;
	t->hash[t->n++] = h;
	return DOPPEL_OK;
}

/* A figure's entry in t->fig: a month, not a number. */
#define FIG_MONTH (UINT64_C(1) << 63)

/* Notes the token just hashed (h) as a figure, or a month (flag
 * FIG_MONTH) that doppel__numbers() keeps beside a number. */
static int push_fig(doppel__tokens *t, uint64_t h, uint64_t flag)
{
	if (t->nfig == t->figcap &&
	    doppel__grow((void **)&t->fig, &t->figcap, t->nfig + 1, sizeof(*t->fig)))
		return DOPPEL_E_NOMEM;
	uint64_t pos = t->n - 1 < INT32_MAX ? t->n - 1 : INT32_MAX; /* below FIG_MONTH */
	t->fig[t->nfig++] = flag | pos << 32 | (uint32_t)h;
	return DOPPEL_OK;
}

static bool has_digit(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] >= '0' && s[i] <= '9')
			return true;
	return false;
}

/* The words that are figures without a digit: numbers written out ("two
 * billion dlrs", "five cts"), a figure as much as 2 or 5 is; and the
 * months, which doppel__numbers() keeps beside a number ("April 1";
 * "may" is a verb too). */
struct fig_word {
	const char *w;
	uint8_t len;
	bool month;
};
static const struct fig_word fig_words[] = {
	{"april", 5, true},    {"august", 6, true},    {"december", 8, true},
	{"eight", 5, false},   {"eighty", 6, false},   {"eleven", 6, false},
	{"february", 8, true}, {"fifty", 5, false},    {"five", 4, false},
	{"forty", 5, false},   {"four", 4, false},     {"hundred", 7, false},
	{"january", 7, true},  {"july", 4, true},      {"june", 4, true},
	{"march", 5, true},    {"may", 3, true},       {"nine", 4, false},
	{"ninety", 6, false},  {"november", 8, true},  {"october", 7, true},
	{"one", 3, false},     {"september", 9, true}, {"seven", 5, false},
	{"seventy", 7, false}, {"six", 3, false},      {"sixty", 5, false},
	{"ten", 3, false},     {"thirty", 6, false},   {"three", 5, false},
	{"twelve", 6, false},  {"twenty", 6, false},   {"two", 3, false},
};
/* For each length 3..9 and first letter, the one or few fig_words of that
 * shape, as a bit set of indexes: a word is told a figure or not by one
 * look-up and, for the few that pass, a comparison or two. Made once. */
#define FIG_MIN 3
#define FIG_MAX 9
static uint64_t fig_shape[FIG_MAX - FIG_MIN + 1][26];
static pthread_once_t fig_once = PTHREAD_ONCE_INIT;

static void fig_shapes(void)
{
	for (size_t i = 0; i < sizeof(fig_words) / sizeof(*fig_words); i++) {
		const struct fig_word *f = &fig_words[i];
		fig_shape[f->len - FIG_MIN][f->w[0] - 'a'] |= UINT64_C(1) << i;
	}
}

_Static_assert(sizeof(fig_words) / sizeof(*fig_words) <= 64, "fig_shape holds 64 words");

/* The figure word w (n bytes, lowered) is, or NULL. */
static const struct fig_word *fig_word(const char *w, size_t n)
{
	if (n < FIG_MIN || n > FIG_MAX || w[0] < 'a' || w[0] > 'z')
		return NULL;
	for (uint64_t m = fig_shape[n - FIG_MIN][w[0] - 'a']; m; m &= m - 1) {
		const struct fig_word *f = &fig_words[__builtin_ctzll(m)];
		/* its first letter is w's; most differ at the second */
		size_t i = 1;
		while (i < n && f->w[i] == w[i])
			i++;
		if (i == n)
			return f;
	}
	return NULL;
}

/* Notes token w (n bytes, hash h, just pushed) when it is a figure;
 * digits: its line has a digit. */
static int note_figure(doppel__tokens *t, const char *w, size_t n, uint64_t h, bool digits)
{
	if (digits && has_digit(w, n))
		return push_fig(t, h, 0);
	const struct fig_word *f = fig_word(w, n);
	return f ? push_fig(t, h, f->month ? FIG_MONTH : 0) : DOPPEL_OK;
}

static int push_line(doppel__tokens *t, uint64_t key)
{
	if (t->nlines == t->linescap &&
	    doppel__grow((void **)&t->lines, &t->linescap, t->nlines + 1, sizeof(*t->lines)))
		return DOPPEL_E_NOMEM;
	t->lines[t->nlines++] = key;
	return DOPPEL_OK;
}

/*
 * The lowered form of one line, written to out (capacity >= len + 1):
 * ASCII letters lowered, ASCII digits kept, apostrophes dropped, every
 * other ASCII byte a word break; bytes of other characters kept as they
 * are. Words are separated by one space, with none leading or trailing.
 */
struct lowered {
	size_t len;
	unsigned words;
	bool ascii;
	bool has_bits; /* bits holds its words' (words_bits) */
	uint64_t bits;
};

/* What lower_line writes of a byte inside a word: an ASCII letter
 * lowered, a digit, a byte of another character as it is; 0 for a byte
 * that is no part of a word. */
#define WRITE1(c) ((c) >= 0x80 ? (c) : DOPPEL__LOWER1(c))
#define WRITE4(c) WRITE1(c), WRITE1(c + 1), WRITE1(c + 2), WRITE1(c + 3)
#define WRITE16(c) WRITE4(c), WRITE4(c + 4), WRITE4(c + 8), WRITE4(c + 12)
#define WRITE64(c) WRITE16(c), WRITE16(c + 16), WRITE16(c + 32), WRITE16(c + 48)
static const unsigned char lower_write[256] = {WRITE64(0), WRITE64(64), WRITE64(128),
                                               WRITE64(192)};

/* Without a branch per byte (a word's end costs no misprediction): each
 * byte is written where the next one goes, and the length only grows by
 * what is kept. */
static struct lowered lower_line(const char *s, size_t n, char *out)
{
	size_t len = 0;
	unsigned words = 0, in_word = 0, high = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		/* A curly apostrophe (U+2019, E2 80 99) joins like '. */
		if (c == 0xE2 && in_word && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
		    (unsigned char)s[i + 2] == 0x99) {
			i += 2;
			continue;
		}
		unsigned char v = lower_write[c];
		unsigned part = v != 0, starts = part & (in_word ^ 1);
		out[len] = ' ';
		len += starts & (len != 0);
		out[len] = (char)v;
		len += part;
		words += starts;
		/* inside a word an apostrophe joins; elsewhere it breaks nothing more */
		in_word = part | (in_word & (c == '\''));
		high |= c;
	}
	out[len] = '\0';
	return (struct lowered){len, words, high < 0x80, false, 0};
}

/*
 * The number of words lower_line() finds in a line, counted the same way
 * without writing anything, so that a line of more than max_words words
 * costs little: the count stops soon after max_words (then it is only
 * known to be above). A curly apostrophe needs no rule of its own here:
 * inside a word it joins, elsewhere it starts one, just as any other
 * character's bytes.
 */
static unsigned count_words(const char *s, size_t n, unsigned max_words)
{
	unsigned words = 0, in_word = 0;
	size_t i = 0;
#if defined(__SSE2__)
	/* Sixteen bytes at a time where they hold no apostrophe: a word
	 * starts at a word byte (a letter, a digit, any byte of a character
	 * beyond ASCII) after one that is not. */
	while (i + 16 <= n && words <= max_words) {
		const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		if (_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\''))))
			break;
		const __m128i word = _mm_or_si128(
			_mm_or_si128(_mm_cmplt_epi8(v, _mm_setzero_si128()),
		                     _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
		                                   _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)))),
			_mm_and_si128(_mm_cmpgt_epi8(_mm_or_si128(v, _mm_set1_epi8(0x20)),
		                                     _mm_set1_epi8('a' - 1)),
		                      _mm_cmplt_epi8(_mm_or_si128(v, _mm_set1_epi8(0x20)),
		                                     _mm_set1_epi8('z' + 1))));
		unsigned m = (unsigned)_mm_movemask_epi8(word);
		words += (unsigned)__builtin_popcount(m & ~((m << 1) | in_word));
		in_word = m >> 15;
		i += 16;
	}
	if (words > max_words)
		return words;
#endif
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned part = lower_write[c] != 0;
		words += part & (in_word ^ 1);
		in_word = part | (in_word & (c == '\''));
		if ((i & 63) == 63 && words > max_words)
			break;
	}
	return words;
}

static bool starts_with(const char *s, size_t n, const char *p)
{
	size_t m = strlen(p);
	return n >= m && memcmp(s, p, m) == 0;
}

static bool is_trailer(const char *low, size_t n)
{
	for (size_t i = 0; i < sizeof(trailer_headings) / sizeof(*trailer_headings); i++) {
		const char *h = trailer_headings[i];
		if (strlen(h) == n && memcmp(low, h, n) == 0)
			return true;
	}
	return false;
}

/* Whether the lowered line low holds phrase p as whole words (words are
 * one space apart in it). */
static bool has_phrase(const char *low, const char *p)
{
	size_t n = strlen(p);
	for (const char *at = strstr(low, p); at; at = strstr(at + 1, p))
		if ((at == low || at[-1] == ' ') && (at[n] == ' ' || at[n] == '\0'))
			return true;
	return false;
}

#define COUNT(a) (sizeof(a) / sizeof(*(a)))

/* One bit of 64 for a word of n bytes (by its length and first two
 * letters): the words of a line as a set of bits, which hold every word
 * of a phrase the line may hold. */
static unsigned word_bit(const char *w, size_t n)
{
	unsigned b = (unsigned char)w[0] * 7u + (unsigned)n * 5u;
	if (n > 1)
		b += (unsigned char)w[1] * 13u;
	return b & 63;
}

/* The bits of the words of s (n bytes, words one space apart). */
static uint64_t words_bits(const char *s, size_t n)
{
	uint64_t bits = 0;
	size_t start = 0;
	for (size_t i = 0; i <= n; i++)
		if (i == n || s[i] == ' ') {
			if (i > start)
				bits |= UINT64_C(1) << word_bit(s + start, i - start);
			start = i + 1;
		}
	return bits;
}

/* The bits of each phrase of the lists, made once. */
static uint64_t appeal_bits[COUNT(appeal_phrases)],
	appeal_short_bits[COUNT(appeal_short_phrases)], marker_bits[COUNT(marker_words)];
static pthread_once_t phrase_once = PTHREAD_ONCE_INIT;

static void phrase_bits(void)
{
	for (size_t i = 0; i < COUNT(appeal_phrases); i++)
		appeal_bits[i] = words_bits(appeal_phrases[i], strlen(appeal_phrases[i]));
	for (size_t i = 0; i < COUNT(appeal_short_phrases); i++)
		appeal_short_bits[i] =
			words_bits(appeal_short_phrases[i], strlen(appeal_short_phrases[i]));
	for (size_t i = 0; i < COUNT(marker_words); i++)
		marker_bits[i] = words_bits(marker_words[i], strlen(marker_words[i]));
}

/* Whether low (with the bits of its words, line) holds one of the n
 * phrases of list (bits: theirs); a phrase with a word the line cannot
 * have is not looked for. */
static bool has_any(const char *low, uint64_t line, const char *const *list,
                    const uint64_t *bits, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!(bits[i] & ~line) && has_phrase(low, list[i]))
			return true;
	return false;
}

/* Pattern boilerplate: appeals and share prompts, advertisement markers,
 * update stamps. low is the lowered line followed by a space. Returns the
 * kind found, 0 for content. */
static unsigned pattern_boilerplate(const char *low, size_t n, struct lowered lw)
{
	pthread_once(&phrase_once, phrase_bits);
	const uint64_t line = lw.has_bits                    ? lw.bits
	                      : lw.words <= APPEAL_MAX_WORDS ? words_bits(low, n)
	                                                     : 0;
	if ((lw.words <= APPEAL_MAX_WORDS &&
	     has_any(low, line, appeal_phrases, appeal_bits, COUNT(appeal_phrases))) ||
	    (lw.words <= APPEAL_SHORT_WORDS &&
	     has_any(low, line, appeal_short_phrases, appeal_short_bits,
	             COUNT(appeal_short_phrases))) ||
	    (lw.words <= MARKER_MAX_WORDS &&
	     has_any(low, line, marker_words, marker_bits, COUNT(marker_words))))
		return DOPPEL__BOILER_APPEAL;
	if (lw.words <= STAMP_MAX_WORDS && strpbrk(low, "0123456789")) {
		for (size_t i = 0; i < COUNT(stamp_prefixes); i++)
			if (starts_with(low, n + 1, stamp_prefixes[i]))
				return DOPPEL__BOILER_STAMP;
	}
	return 0;
}

/* Room for the tokens and figures of a line of n bytes: at most one word
 * for every two bytes. */
static int reserve_line(doppel__tokens *t, size_t n)
{
	size_t most = n / 2 + 1;
	if ((t->n + most > t->cap &&
	     doppel__grow((void **)&t->hash, &t->cap, t->n + most, sizeof(*t->hash))) ||
	    (t->nfig + most > t->figcap &&
	     doppel__grow((void **)&t->fig, &t->figcap, t->nfig + most, sizeof(*t->fig))))
		return DOPPEL_E_NOMEM;
	return DOPPEL_OK;
}

/* The token of the lowered word w (n bytes, digit: it has one), into t
 * (reserve_line() made room). */
static inline void hash_word(doppel__tokens *t, const char *w, size_t n, unsigned digit)
{
	uint64_t h = doppel__hash(w, n, t->seed);
	t->hash[t->n++] = h;
	if (digit)
		push_fig(t, h, 0);
	/* most words have no figure word's length and first letter: told
	 * here, without a call */
	else if (n >= FIG_MIN && n <= FIG_MAX && w[0] >= 'a' && w[0] <= 'z' &&
	         fig_shape[n - FIG_MIN][w[0] - 'a'])
		note_figure(t, w, n, h, false);
}

/* Where lower_hash() is in a line: what it wrote, and the word it is in. */
struct lowering {
	size_t len, ws; /* bytes written; where the open word starts */
	unsigned words, high, digit;
	bool in_word;
	uint64_t bits; /* of the words done (words_bits) */
};

/* The open word of g is done: its token into t. */
static inline void end_word(struct lowering *g, const char *out, doppel__tokens *t)
{
	if (t)
		hash_word(t, out + g->ws, g->len - g->ws, g->digit);
	g->bits |= UINT64_C(1) << word_bit(out + g->ws, g->len - g->ws);
	g->in_word = false;
}

/* Starts a word at out's end (a space before it unless first). */
static inline void start_word(struct lowering *g, char *out)
{
	if (g->len)
		out[g->len++] = ' ';
	g->ws = g->len;
	g->words++;
	g->digit = 0;
	g->in_word = true;
}

/* lower_line()'s rule for the bytes [i, to) of s (n bytes; to <= n), a byte
 * at a time; returns where it stopped (past to when a curly apostrophe
 * crosses it). */
static size_t lower_bytes(struct lowering *g, const char *s, size_t n, size_t i, size_t to,
                          char *out, doppel__tokens *t)
{
	for (; i < to; i++) {
		unsigned char c = (unsigned char)s[i];
		g->high |= c;
		if (c == 0xE2 && g->in_word && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
		    (unsigned char)s[i + 2] == 0x99) {
			i += 2;
			continue;
		}
		unsigned char v = lower_write[c];
		if (v) {
			if (!g->in_word)
				start_word(g, out);
			out[g->len++] = (char)v;
			g->digit |= (unsigned)(c - '0') < 10;
		} else if (g->in_word && c != '\'') {
			end_word(g, out, t);
		}
	}
	return i;
}

#if defined(__SSE2__)
/* Sixteen bytes of ASCII without an apostrophe (s), the way lower_bytes()
 * takes them, a run of word bytes at a time: the runs are found by
 * comparisons of the whole block, and each is copied lowered at once.
 * out has 16 bytes of room past what is written. */
static void lower_block(struct lowering *g, const char *s, char *out, doppel__tokens *t)
{
	const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
	const __m128i upper = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('A' - 1)),
	                                    _mm_cmplt_epi8(v, _mm_set1_epi8('Z' + 1)));
	const __m128i lower = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('a' - 1)),
	                                    _mm_cmplt_epi8(v, _mm_set1_epi8('z' + 1)));
	const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
	                                    _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
	const __m128i word = _mm_or_si128(_mm_or_si128(upper, lower), digit);
	/* twice the block: a run is copied as the sixteen bytes from its
	 * start */
	unsigned char low[32];
	_mm_storeu_si128((__m128i *)(void *)low,
	                 _mm_add_epi8(v, _mm_and_si128(upper, _mm_set1_epi8(0x20))));
	unsigned bits = (unsigned)_mm_movemask_epi8(word);
	const unsigned digits = (unsigned)_mm_movemask_epi8(digit);
	if (g->in_word && !(bits & 1))
		end_word(g, out, t);
	while (bits) {
		unsigned from = (unsigned)__builtin_ctz(bits);
		unsigned run = (unsigned)__builtin_ctz(~(bits >> from));
		unsigned to = from + run;
		if (!g->in_word)
			start_word(g, out);
		/* all sixteen copied, the run kept: out has the room */
		_mm_storeu_si128((__m128i *)(void *)(out + g->len),
		                 _mm_loadu_si128((const __m128i *)(const void *)(low + from)));
		g->len += run;
		g->digit |= (digits >> from) & ((1u << run) - 1);
		if (to < 16)
			end_word(g, out, t);
		bits &= to < 16 ? ~((1u << to) - 1) : 0;
	}
}
#endif

/*
 * lower_line() and the tokens of the line in the same pass: each word, as
 * it ends, is hashed into t (with t->seed), which reserve_line() made room
 * for. The tokens are those of an ASCII line (the words of its lowered
 * form); the caller takes them back when the line turns out not to be
 * ASCII, or is dropped. With t NULL, the lowered line alone, sixteen
 * bytes at a time. out has room for 16 bytes past the line's.
 */
static struct lowered lower_hash(const char *s, size_t n, char *out, doppel__tokens *t)
{
	struct lowering g = {0};
	size_t i = 0;
#if defined(__SSE2__)
	while (i + 16 <= n) {
		const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		/* other than ASCII, or an apostrophe: a byte at a time */
		if (_mm_movemask_epi8(
			    _mm_or_si128(v, _mm_cmpeq_epi8(v, _mm_set1_epi8('\''))))) {
			i = lower_bytes(&g, s, n, i, i + 16, out, t);
			continue;
		}
		lower_block(&g, s + i, out, t);
		i += 16;
	}
#endif
	lower_bytes(&g, s, n, i, n, out, t);
	if (g.in_word)
		end_word(&g, out, t);
	out[g.len] = '\0';
	return (struct lowered){g.len, g.words, g.high < 0x80, true, g.bits};
}

/*
 * Tokens of a line with non-ASCII characters: NFKC + case fold through
 * utf8proc, then words are runs of letters, marks and digits; an
 * apostrophe inside a word joins its halves. Token bytes are gathered in
 * t->buf so that the hash sees the folded word without apostrophes.
 */
long doppel__fold(const char *s, size_t n, unsigned char **out)
{
	utf8proc_uint8_t *folded = NULL;
	utf8proc_ssize_t m =
		utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &folded,
	                     UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
	                             UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
	if (m < 0)
		return m == UTF8PROC_ERROR_NOMEM ? DOPPEL_E_NOMEM : DOPPEL_E_UTF8;
	*out = folded;
	return (long)m;
}

/* One folded word of a line with non-ASCII characters, as a token. */
static int push_word(doppel__tokens *t, const char *w, size_t n, uint64_t seed)
{
	uint64_t h = doppel__hash(w, n, seed);
	if (push_hash(t, h) || note_figure(t, w, n, h, true))
		return DOPPEL_E_NOMEM;
	return DOPPEL_OK;
}

int doppel__tokens_unicode(const char *s, size_t n, uint64_t seed, doppel__tokens *t)
{
	unsigned char *folded = NULL;
	long m = doppel__fold(s, n, &folded);
	if (m < 0)
		return (int)m;
	int rc = DOPPEL_OK;
	if (doppel__grow((void **)&t->buf, &t->bufcap, (size_t)m + 1, 1)) {
		rc = DOPPEL_E_NOMEM;
		goto out;
	}
	size_t w = 0;
	bool in_word = false;
	for (long i = 0; i < m;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t step =
			utf8proc_iterate(folded + i, (utf8proc_ssize_t)(m - i), &cp);
		if (step <= 0) {
			rc = DOPPEL_E_UTF8;
			goto out;
		}
		if (doppel__is_word_cp(cp)) {
			memcpy(t->buf + w, folded + i, (size_t)step);
			w += (size_t)step;
			in_word = true;
		} else if ((cp == '\'' || cp == 0x2019) && in_word) {
			/* joined: nothing to copy */
		} else {
			if (w && push_word(t, t->buf, w, seed)) {
				rc = DOPPEL_E_NOMEM;
				goto out;
			}
			w = 0;
			in_word = false;
		}
		i += step;
	}
	if (w && push_word(t, t->buf, w, seed))
		rc = DOPPEL_E_NOMEM;
out:
	free(folded);
	return rc;
}

/* The key under which a lowered line is counted as possible boilerplate:
 * learning and lookup must agree, so both ask here. False for a line that
 * is not counted (no source, too few or too many words). */
static bool line_key(uint64_t source_key, const char *low, struct lowered lw, uint64_t seed,
                     uint64_t *key)
{
	if (!source_key || lw.words < LINE_MIN_WORDS || lw.words > LINE_MAX_WORDS)
		return false;
	*key = source_key ^ doppel__hash(low, lw.len, seed);
	return true;
}

/* No rule looks at a line of more words than this: such a line is content
 * whatever it says. */
#define RULES_MAX_WORDS APPEAL_MAX_WORDS
_Static_assert(STAMP_MAX_WORDS <= RULES_MAX_WORDS && LINE_MAX_WORDS <= RULES_MAX_WORDS,
               "a boilerplate rule looks at longer lines than RULES_MAX_WORDS");

/* The boilerplate kind of one lowered line (0: content), and the line's
 * key when it is counted (*has_key). Stops at a trailer heading. */
static unsigned line_rules(char *low, struct lowered lw, uint64_t source_key,
                           const doppel__repeated *rep, uint64_t seed, bool *has_key,
                           uint64_t *key)
{
	*has_key = false;
	if (is_trailer(low, lw.len))
		return DOPPEL__BOILER_TRAILER;
	low[lw.len] = ' ';
	low[lw.len + 1] = '\0';
	unsigned kind = pattern_boilerplate(low, lw.len, lw);
	low[lw.len] = '\0';
	if (kind)
		return kind;
	if (line_key(source_key, low, lw, seed, key)) {
		*has_key = true;
		if (doppel__repeated_has(rep, *key))
			return DOPPEL__BOILER_REPEATED;
	}
	return 0;
}

/* doppel__content_lines(), and when hashed is set (with want_lowered),
 * the tokens of every kept ASCII line hashed into it as the line is
 * lowered (lower_hash): fn then has only the other lines to tokenize. */
static int content_lines(const char *text, size_t len, uint64_t source_key,
                         const doppel__repeated *rep, uint64_t seed, doppel__tokens *t,
                         unsigned *seen, bool want_lowered, doppel__tokens *hashed,
                         doppel__line_fn fn, void *ctx)
{
	if (t)
		t->nlines = 0;
	if (seen)
		*seen = 0;
	int rc = DOPPEL_OK;
	/* No line is longer than the text: one scratch buffer does for all
	 * (with the room lower_hash() writes past a line). */
	char *low = malloc(len + 2 + 16);
	if (!low)
		return DOPPEL_E_NOMEM;

	size_t pos = 0;
	while (pos < len) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		pos += n + 1;

		/* A long line is content whatever it says: unless its words are
		 * wanted, it is not lowered at all. */
		if (!want_lowered) {
			unsigned words = count_words(line, n, RULES_MAX_WORDS);
			if (words == 0)
				continue;
			if (words > RULES_MAX_WORDS) {
				if ((rc = fn(ctx, line, n, NULL, 0, false)))
					goto out;
				continue;
			}
		}
		size_t n0 = 0, f0 = 0;
		if (hashed) {
			n0 = hashed->n;
			f0 = hashed->nfig;
			if (reserve_line(hashed, n)) {
				rc = DOPPEL_E_NOMEM;
				goto out;
			}
		}
		struct lowered lw = lower_hash(line, n, low, hashed);
		unsigned kind = 0;
		if (lw.words && lw.words <= RULES_MAX_WORDS) {
			bool has_key;
			uint64_t key;
			kind = line_rules(low, lw, source_key, rep, seed, &has_key, &key);
			/* A repeated line's key is kept too: counts go on growing. */
			if (has_key && t && push_line(t, key)) {
				rc = DOPPEL_E_NOMEM;
				goto out;
			}
			if (seen)
				*seen |= kind;
		}
		if (hashed && (kind || !lw.ascii)) {
			hashed->n = n0; /* dropped, or tokenized by fn */
			hashed->nfig = f0;
		}
		if (kind == DOPPEL__BOILER_TRAILER)
			break;
		if (kind || lw.words == 0)
			continue;
		if (want_lowered)
			rc = fn(ctx, line, n, low, lw.len, lw.ascii);
		else
			rc = fn(ctx, line, n, NULL, 0, false);
		if (rc)
			goto out;
	}
out:
	free(low);
	return rc;
}

int doppel__content_lines(const char *text, size_t len, uint64_t source_key,
                          const doppel__repeated *rep, uint64_t seed, doppel__tokens *t,
                          unsigned *seen, bool want_lowered, doppel__line_fn fn, void *ctx)
{
	return content_lines(text, len, source_key, rep, seed, t, seen, want_lowered, NULL, fn,
	                     ctx);
}

/* The word being gathered in t->buf (w bytes) as a token; none when
 * empty. */
static int flush_word(doppel__tokens *t, size_t *w)
{
	int rc = *w ? push_word(t, t->buf, *w, t->seed) : DOPPEL_OK;
	*w = 0;
	return rc;
}

/*
 * The tokens of a line whose characters other than ASCII are all Latin-1
 * letters (U+00C0-U+00FF but the signs x and /), the no-break space and
 * the typographic quotes, dashes and ellipsis, folded without utf8proc:
 * what doppel__tokens_unicode() gives such a line (NFKC and case folding
 * leave those letters as they are, but capitals lowered and "ss" for
 * sharp s; the rest are no word characters, the right single quote
 * joins inside a word as ' does). 1 when the line was such a line, 0
 * (nothing pushed) when utf8proc must fold it, or an error.
 */
static int tokens_latin(const char *line, size_t n, doppel__tokens *t)
{
	const unsigned char *s = (const unsigned char *)line;
	const size_t n0 = t->n, f0 = t->nfig;
	/* a word's folded bytes are at most its bytes (ss is two for two) */
	if (doppel__grow((void **)&t->buf, &t->bufcap, n + 1, 1))
		return DOPPEL_E_NOMEM;
	size_t w = 0;
	bool in_word = false;
	int rc = DOPPEL_OK;
	for (size_t i = 0; i < n && rc == DOPPEL_OK; i++) {
		unsigned char c = s[i], v = lower_write[c];
		if (c < 0x80) {
			if (v) {
				t->buf[w++] = (char)v;
				in_word = true;
			} else if (!(c == '\'' && in_word)) {
				rc = flush_word(t, &w);
				in_word = false;
			}
			continue;
		}
		unsigned char d = i + 1 < n ? s[i + 1] : 0, e = i + 2 < n ? s[i + 2] : 0;
		if (c == 0xC3 && d >= 0x80 && d <= 0xBF && d != 0x97 && d != 0xB7) {
			i++;
			if (d == 0x9F) { /* sharp s */
				t->buf[w++] = 's';
				t->buf[w++] = 's';
			} else {
				t->buf[w++] = (char)0xC3;
				t->buf[w++] = (char)(d < 0x9F ? d + 0x20 : d);
			}
			in_word = true;
			continue;
		}
		bool space = c == 0xC2 && d == 0xA0;
		bool punct = c == 0xE2 && d == 0x80 &&
		             (e == 0x93 || e == 0x94 || e == 0x98 || e == 0x99 || e == 0x9C ||
		              e == 0x9D || e == 0xA6);
		if (!space && !punct) {
			t->n = n0;
			t->nfig = f0;
			return 0;
		}
		i += space ? 1 : 2;
		if (punct && e == 0x99 && in_word)
			continue; /* joins */
		rc = flush_word(t, &w);
		in_word = false;
	}
	if (rc == DOPPEL_OK)
		rc = flush_word(t, &w);
	return rc ? rc : 1;
}

/* The tokens of one content line that content_lines() did not hash as it
 * lowered it (a line with other than ASCII), into the doppel__tokens
 * passed as ctx. */
static int hash_line(void *ctx, const char *line, size_t n, const char *low, size_t lowlen,
                     bool ascii)
{
	(void)low;
	(void)lowlen;
	doppel__tokens *t = ctx;
	if (ascii)
		return DOPPEL_OK;
	int rc = tokens_latin(line, n, t);
	if (rc < 0)
		return rc;
	return rc ? DOPPEL_OK : doppel__tokens_unicode(line, n, t->seed, t);
}

int doppel__normalize(const char *text, size_t len, uint64_t source_key,
                      const doppel__repeated *rep, uint64_t seed, doppel__tokens *t)
{
	pthread_once(&fig_once, fig_shapes);
	t->n = 0;
	t->nfig = 0;
	t->fingerprint = 0;
	t->seed = seed;
	int rc = content_lines(text, len, source_key, rep, seed, t, &t->boilerplate, true, t,
	                       hash_line, t);
	if (rc == DOPPEL_OK && t->n) {
		t->fingerprint = doppel__hash(t->hash, t->n * sizeof(*t->hash), seed);
		if (t->fingerprint == 0)
			t->fingerprint = 1;
	}
	return rc;
}

/* doppel__line_keys(), each line lowered sixteen bytes at a time
 * (lower_hash) or, bytewise, a byte at a time (lower_line). */
static int line_keys(const char *text, size_t len, uint64_t source_key, uint64_t seed,
                     doppel__tokens *t, bool bytewise)
{
	t->nlines = 0;
	if (!source_key)
		return DOPPEL_OK;
	/* with the room lower_hash() writes past a line */
	char *low = malloc(len + 2 + 16);
	if (!low)
		return DOPPEL_E_NOMEM;
	int rc = DOPPEL_OK;
	size_t pos = 0;
	while (pos < len) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		pos += n + 1;
		unsigned words = count_words(line, n, LINE_MAX_WORDS);
		if (words < LINE_MIN_WORDS || words > LINE_MAX_WORDS)
			continue;
		struct lowered lw =
			bytewise ? lower_line(line, n, low) : lower_hash(line, n, low, NULL);
		uint64_t key;
		if (!line_key(source_key, low, lw, seed, &key))
			continue;
		if (push_line(t, key)) {
			rc = DOPPEL_E_NOMEM;
			break;
		}
	}
	free(low);
	return rc;
}

int doppel__line_keys(const char *text, size_t len, uint64_t source_key, uint64_t seed,
                      doppel__tokens *t)
{
	return line_keys(text, len, source_key, seed, t, false);
}

int doppel__line_keys_bytewise(const char *text, size_t len, uint64_t source_key, uint64_t seed,
                               doppel__tokens *t)
{
	return line_keys(text, len, source_key, seed, t, true);
}

/* Whether t->fig[i] is a number at token position pos. */
static bool number_at(const doppel__tokens *t, size_t i, uint64_t pos)
{
	return i < t->nfig && !(t->fig[i] & FIG_MONTH) && (t->fig[i] >> 32) == pos;
}

size_t doppel__numbers(const doppel__tokens *t, uint32_t **out, size_t *cap)
{
	if (doppel__grow((void **)out, cap, t->nfig + 1, sizeof(**out)))
		return (size_t)-1;
	uint32_t *v = *out;
	size_t m = 0;
	/* Entries are in token order: a month's neighbours in the stream are
	 * its neighbours here, if they are numbers. */
	for (size_t i = 0; i < t->nfig; i++) {
		uint64_t pos = (t->fig[i] & ~FIG_MONTH) >> 32;
		if (!(t->fig[i] & FIG_MONTH) || (i && number_at(t, i - 1, pos - 1)) ||
		    number_at(t, i + 1, pos + 1))
			v[m++] = (uint32_t)t->fig[i];
	}
	if (m > 1)
		qsort(v, m, sizeof(*v), doppel__cmp_u32);
	return doppel__unique_u32(v, m);
}
