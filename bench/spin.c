/*
 * spin.c — an article spinner, for evaluation sets: swaps a share of an
 * article's content words for WordNet synonyms, as content farms do.
 *
 * usage: spin --rate R --seed S < article.txt > spun.txt
 *
 * A content word is a word of letters that is not a function word. Of
 * those that have a one-word synonym among the first two senses of their
 * WordNet lemma, round(R x content words) are swapped (all of them when
 * fewer qualify), picked at random. Only words in their base form, or a
 * base form plus "s", are swapped, so inflection stays right. The headline
 * line is kept; a "date" line is dropped, as spinners drop dates. The swap
 * rate achieved (swapped / content words) is printed on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static uint64_t rng;

static uint64_t next(void)
{
	uint64_t z = (rng += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

struct word {
	size_t start, len;
	const char *syn; /* chosen synonym, or NULL */
	bool plural;     /* the word is its lemma plus "s" */
};

static bool letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A one-word synonym of w from the first two senses of its lemma. */
static const char *synonym(const doppel__wordnet *wn, const char *w, size_t n, bool *plural)
{
	char low[64];
	if (n >= sizeof(low))
		return NULL;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)(w[i] | 0x20);
	uint32_t lemma;
	size_t base = n;
	*plural = false;
	if (!doppel__wordnet_lemmas(wn, low, n, &lemma, 1))
		return NULL;
	/* the lemma's own spelling must be the word (or the word less "s") */
	uint32_t syn[2];
	size_t ns = doppel__wordnet_synsets(wn, lemma, syn, 2);
	if (ns > 2)
		ns = 2;
	const char *cands[64];
	size_t nc = 0;
	bool is_base = false;
	for (size_t s = 0; s < ns; s++) {
		const char *mem[32];
		size_t nm = doppel__wordnet_members(wn, syn[s], mem, 32);
		for (size_t m = 0; m < nm && m < 32; m++) {
			size_t ml = strlen(mem[m]);
			if (ml == n && memcmp(mem[m], low, n) == 0)
				is_base = true;
			else if (ml + 1 == n && low[n - 1] == 's' && memcmp(mem[m], low, ml) == 0) {
				is_base = true;
				*plural = true;
				base = ml;
			}
		}
		for (size_t m = 0; m < nm && m < 32; m++) {
			if (strchr(mem[m], '_') || strchr(mem[m], '-') ||
			    (strlen(mem[m]) == base && memcmp(mem[m], low, base) == 0))
				continue;
			if (nc < 64)
				cands[nc++] = mem[m];
		}
	}
	if (!is_base || nc == 0)
		return NULL;
	return cands[next() % nc];
}

int main(int argc, char **argv)
{
	double rate = 0.5;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--rate"))
			rate = strtod(argv[i + 1], NULL);
		else if (!strcmp(argv[i], "--seed"))
			rng = strtoull(argv[i + 1], NULL, 10);
	}
	char err[DOPPEL__ERRLEN];
	doppel__wordnet *wn;
	if (doppel__wordnet_load(NULL, &wn, err)) {
		fprintf(stderr, "spin: %s\n", err);
		return 1;
	}
	size_t cap = 1 << 16, len = 0;
	char *text = malloc(cap);
	for (size_t got; text && (got = fread(text + len, 1, cap - len, stdin)) > 0;) {
		len += got;
		if (len == cap)
			text = realloc(text, cap *= 2);
	}
	if (!text)
		return 1;
	/* The first line is the headline; words are taken after it. */
	const char *nl = memchr(text, '\n', len);
	size_t body = nl ? (size_t)(nl - text) + 1 : 0;
	struct word *w = malloc((len / 2 + 1) * sizeof(*w));
	size_t nw = 0, content = 0;
	for (size_t i = body; i < len;) {
		if (!letter(text[i])) {
			i++;
			continue;
		}
		size_t s = i;
		while (i < len && (letter(text[i]) || (text[i] == '\'' && i + 1 < len && letter(text[i + 1]))))
			i++;
		if (memchr(text + s, '\'', i - s))
			continue;
		char low[64];
		size_t n = i - s;
		if (n >= sizeof(low))
			continue;
		for (size_t k = 0; k < n; k++)
			low[k] = (char)(text[s + k] | 0x20);
		if (doppel__stopword(low, n) || (n == 4 && !memcmp(low, "date", 4)))
			continue;
		content++;
		w[nw] = (struct word){s, n, NULL, false};
		bool plural;
		const char *syn = synonym(wn, text + s, n, &plural);
		if (syn) {
			w[nw].syn = syn;
			w[nw].plural = plural;
			nw++;
		}
	}
	/* Keep round(rate x content) swappable words, chosen at random. */
	size_t want = (size_t)(rate * (double)content + 0.5);
	for (size_t i = nw; i > 1; i--) {
		size_t j = next() % i;
		struct word t = w[i - 1];
		w[i - 1] = w[j];
		w[j] = t;
	}
	if (want < nw)
		nw = want;
	/* Back in text order. */
	for (size_t i = 1; i < nw; i++) {
		struct word x = w[i];
		size_t j = i;
		while (j > 0 && w[j - 1].start > x.start) {
			w[j] = w[j - 1];
			j--;
		}
		w[j] = x;
	}
	size_t at = 0;
	fwrite(text, 1, body, stdout);
	at = body;
	for (size_t i = 0; i < nw; i++) {
		/* the text before, without any date line */
		for (size_t p = at; p < w[i].start;) {
			const char *e = memchr(text + p, '\n', w[i].start - p);
			size_t stop = e ? (size_t)(e - text) + 1 : w[i].start;
			if (!(stop - p >= 5 && !memcmp(text + p, "date ", 5)))
				fwrite(text + p, 1, stop - p, stdout);
			p = stop;
		}
		const char *syn = w[i].syn;
		bool cap0 = text[w[i].start] >= 'A' && text[w[i].start] <= 'Z';
		putchar(cap0 && syn[0] >= 'a' && syn[0] <= 'z' ? syn[0] - 32 : syn[0]);
		fputs(syn + 1, stdout);
		if (w[i].plural)
			putchar('s');
		at = w[i].start + w[i].len;
	}
	for (size_t p = at; p < len;) {
		const char *e = memchr(text + p, '\n', len - p);
		size_t stop = e ? (size_t)(e - text) + 1 : len;
		if (!(stop - p >= 5 && !memcmp(text + p, "date ", 5)))
			fwrite(text + p, 1, stop - p, stdout);
		p = stop;
	}
	fprintf(stderr, "%.2f\n", content ? (double)nw / (double)content : 0.0);
	free(w);
	free(text);
	doppel__wordnet_free(wn);
	return 0;
}
