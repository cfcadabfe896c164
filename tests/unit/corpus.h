/*
 * corpus.h — small synthetic articles for the scan and index tests: words
 * drawn from a large made-up vocabulary, so unrelated articles share
 * almost no shingles, and derived copies made by cutting, extending and
 * decorating an original.
 */
#ifndef DOPPEL_TEST_CORPUS_H
#define DOPPEL_TEST_CORPUS_H

#include "testutil.h"

static inline uint64_t corpus_rand(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* An article of nwords words in sentences of 12 words, lines of 4
 * sentences; the caller frees it. */
static inline char *corpus_text(uint64_t seed, size_t nwords)
{
	size_t cap = nwords * 10 + 16, len = 0;
	char *t = malloc(cap);
	assert_non_null(t);
	uint64_t s = seed;
	for (size_t i = 0; i < nwords; i++) {
		unsigned w = (unsigned)(corpus_rand(&s) % 60000);
		len += (size_t)snprintf(t + len, cap - len, "%s%s%c%u",
		                        i == 0 ? "" : (i % 48 == 0 ? ".\n" : (i % 12 == 0 ? ". " : " ")),
		                        "", "bdfgklmnprstvz"[w % 14], w);
	}
	len += (size_t)snprintf(t + len, cap - len, ".");
	return t;
}

/* The same with words of letters only ("bakiro"): text that states no
 * numbers, for tests where two different texts must not differ in their
 * facts. */
static inline char *corpus_letters(uint64_t seed, size_t nwords)
{
	size_t cap = nwords * 12 + 16, len = 0;
	char *t = malloc(cap);
	assert_non_null(t);
	uint64_t s = seed;
	for (size_t i = 0; i < nwords; i++) {
		unsigned w = (unsigned)(corpus_rand(&s) % 60000);
		len += (size_t)snprintf(t + len, cap - len, "%s",
		                        i == 0 ? "" : (i % 48 == 0 ? ".\n" : (i % 12 == 0 ? ". " : " ")));
		for (int k = 0; k < 3; k++, w /= 40)
			len += (size_t)snprintf(t + len, cap - len, "%c%c", "bdfgklmnprstvz"[w % 8],
			                        "aeiou"[w / 8 % 5]);
	}
	len += (size_t)snprintf(t + len, cap - len, ".");
	return t;
}

/* The first `keep` bytes of text, cut back to a line end. */
static inline char *corpus_cut(const char *text, double keep)
{
	size_t n = (size_t)((double)strlen(text) * keep);
	while (n > 0 && text[n] != '\n')
		n--;
	return strndup(text, n);
}

static inline char *corpus_join(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	char *t = malloc(na + nb + 2);
	assert_non_null(t);
	snprintf(t, na + nb + 2, "%s\n%s", a, b);
	return t;
}

static inline void corpus_push(doppel_batch *b, const char *id, const char *text,
                               const char *date, const char *source)
{
	doppel_article a = {0};
	a.id = id;
	a.text = text;
	a.text_len = strlen(text);
	a.source = source;
	a.origin = id;
	a.date = DOPPEL_NO_DATE;
	if (date)
		assert_int_equal(doppel_parse_date(date, strlen(date), &a.date), DOPPEL_OK);
	assert_int_equal(doppel_batch_push(b, &a), DOPPEL_OK);
}

#endif
