/*
 * lexicon.c — the fixed English word lists of the text stages: function
 * words, abbreviations that a full stop does not end a sentence after,
 * month and weekday names. Lowercase ASCII; the lists are sorted where
 * they are searched by halving.
 */
#include "internal.h"

/* English function words: left out of the content words. Sorted. */
static const char *const stopwords[] = {
	"a",       "about",     "above",   "after",      "again", "against", "all",     "also",
	"am",      "an",        "and",     "any",        "are",   "as",      "at",      "be",
	"because", "been",      "before",  "being",      "below", "between", "both",    "but",
	"by",      "can",       "could",   "did",        "do",    "does",    "doing",   "down",
	"during",  "each",      "few",     "for",        "from",  "further", "had",     "has",
	"have",    "having",    "he",      "her",        "here",  "hers",    "herself", "him",
	"himself", "his",       "how",     "i",          "if",    "in",      "into",    "is",
	"it",      "its",       "itself",  "just",       "may",   "me",      "might",   "more",
	"most",    "must",      "my",      "myself",     "no",    "nor",     "not",     "now",
	"of",      "off",       "on",      "once",       "only",  "or",      "other",   "our",
	"ours",    "ourselves", "out",     "over",       "own",   "said",    "same",    "says",
	"she",     "should",    "so",      "some",       "such",  "than",    "that",    "the",
	"their",   "theirs",    "them",    "themselves", "then",  "there",   "these",   "they",
	"this",    "those",     "through", "to",         "too",   "under",   "until",   "up",
	"upon",    "very",      "was",     "we",         "were",  "what",    "when",    "where",
	"which",   "while",     "who",     "whom",       "why",   "will",    "with",    "would",
	"you",     "your",      "yours",   "yourself",
};

/* Words no sentence ends with: articles, prepositions and conjunctions
 * that want a word after them. A line that ends with one goes on into the
 * next (segment.c). Sorted. */
static const char *const dangling[] = {
	"a",    "about", "against", "among", "an",   "and", "as",   "at",    "between",
	"but",  "by",    "during",  "for",   "from", "in",  "into", "nor",   "of",
	"onto", "or",    "per",     "than",  "the",  "to",  "upon", "whose", "with",
};

/* Words before a full stop that does not end a sentence. Sorted. */
static const char *const abbreviations[] = {
	"al",  "apr", "aug", "capt", "co",  "col", "corp", "dec", "dept", "dr",   "est",
	"etc", "feb", "fig", "gen",  "gov", "inc", "jan",  "jr",  "jul",  "jun",  "lt",
	"ltd", "mar", "mr",  "mrs",  "ms",  "mt",  "no",   "nov", "oct",  "pres", "prof",
	"rep", "sen", "sep", "sept", "sgt", "sr",  "st",   "vs",
};

static const char *const months[] = {
	"january", "february", "march",     "april",   "may",      "june",
	"july",    "august",   "september", "october", "november", "december",
};

static const char *const weekdays[] = {
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
};

/* One pass over both words, as memcmp() over the shorter and then the
 * lengths would order them: these are short words, mostly told apart by
 * their first byte, where a call of strlen() and one of memcmp() cost more
 * than the comparison. */
int doppel__word_cmp(const char *w, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char a = (unsigned char)w[i], b = (unsigned char)s[i];
		if (b == 0)
			return 1;
		if (a != b)
			return a < b ? -1 : 1;
	}
	return s[n] ? -1 : 0;
}

bool doppel__word_in(const char *const *list, size_t count, const char *w, size_t n)
{
	size_t lo = 0, hi = count;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = doppel__word_cmp(w, n, list[mid]);
		if (c == 0)
			return true;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

bool doppel__stopword(const char *w, size_t n)
{
	return doppel__word_in(stopwords, sizeof(stopwords) / sizeof(*stopwords), w, n);
}

bool doppel__dangling(const char *w, size_t n)
{
	return doppel__word_in(dangling, sizeof(dangling) / sizeof(*dangling), w, n);
}

bool doppel__abbreviation(const char *w, size_t n)
{
	return doppel__word_in(abbreviations, sizeof(abbreviations) / sizeof(*abbreviations), w,
	                       n);
}

unsigned doppel__month_of(const char *w, size_t n)
{
	for (unsigned i = 0; i < 12; i++)
		if (doppel__word_cmp(w, n, months[i]) == 0)
			return i + 1;
	return 0;
}

bool doppel__weekday(const char *w, size_t n)
{
	for (size_t i = 0; i < sizeof(weekdays) / sizeof(*weekdays); i++)
		if (doppel__word_cmp(w, n, weekdays[i]) == 0)
			return true;
	return false;
}
