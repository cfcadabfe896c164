/*
 * spin.c — an article spinner, for evaluation sets: swaps a share of an
 * article's content words for WordNet synonyms, as content farms do.
 *
 * usage: spin --rate R --seed S [--reorder P] < article.txt > spun.txt
 *
 * A content word is a word of letters that is not a function word. Of
 * those that have a one-word synonym among the first two senses of their
 * WordNet lemma, round(R x content words) are swapped (all of them when
 * fewer qualify), picked at random. Only words in their base form, or a
 * base form plus "s", are swapped, so inflection stays right. Capitalized
 * words inside a sentence (names) and synonyms with digits are left alone.
 * The headline line and a "date YYYY-MM-DD" line are kept as they are.
 * With --reorder P, a share P of the sentences made of two clauses of at
 * least four words split by their one comma are flipped ("X, Y." ->
 * "Y, x."). The swap rate achieved (swapped / content words) is printed on
 * stderr.
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
		for (size_t m = 0; m < nm && m < 32; m++)
			if (strpbrk(mem[m], "0123456789"))
				return NULL; /* a number word: "one" is in the synset of "1" */
		for (size_t m = 0; m < nm && m < 32; m++) {
			if (strchr(mem[m], '_') || strchr(mem[m], '-') || strlen(mem[m]) < 3 ||
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

static size_t words_in(const char *s, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && (i == 0 || s[i - 1] == ' '))
			count++;
	return count;
}

/* Writes one sentence [s, s + n) ending in '.', flipped "X, Y." -> "Y, x."
 * with probability p when it has one comma between clauses of at least
 * four words each. */
static void sentence(const char *s, size_t n, double p)
{
	const char *comma = memchr(s, ',', n);
	size_t c = comma ? (size_t)(comma - s) : 0;
	if (p <= 0 || !comma || memchr(comma + 1, ',', n - c - 1) || n < 2 || s[n - 1] != '.' ||
	    c + 2 >= n || s[c + 1] != ' ' || words_in(s, c) < 4 ||
	    words_in(s + c + 2, n - c - 3) < 4 || (double)(next() >> 11) / 9007199254740992.0 >= p) {
		fwrite(s, 1, n, stdout);
		return;
	}
	const char *y = s + c + 2;
	size_t yn = n - c - 3;
	putchar(y[0] >= 'a' && y[0] <= 'z' ? y[0] - 32 : y[0]);
	fwrite(y + 1, 1, yn - 1, stdout);
	fputs(", ", stdout);
	/* X's first letter goes lowercase when X starts with a function word
	 * ("The talks ..."); any other capital may be a name */
	char first = s[0];
	size_t wl = strcspn(s, " ,");
	char low[64];
	if (wl < sizeof(low)) {
		for (size_t i = 0; i < wl; i++)
			low[i] = (char)(s[i] | 0x20);
		if (doppel__stopword(low, wl) && first >= 'A' && first <= 'Z')
			first = (char)(first | 0x20);
	}
	putchar(first);
	fwrite(s + 1, 1, c - 1, stdout);
	putchar('.');
}

/* Writes the spun text, the headline (first body bytes) and date lines as
 * they are, other lines sentence by sentence, some flipped. */
static void emit(const char *t, size_t len, size_t body, double p)
{
	fwrite(t, 1, body, stdout);
	for (size_t at = body; at < len;) {
		const char *e = memchr(t + at, '\n', len - at);
		size_t stop = e ? (size_t)(e - t) : len;
		if (stop - at >= 5 && !memcmp(t + at, "date ", 5)) {
			fwrite(t + at, 1, stop - at, stdout);
		} else {
			/* sentences end at ". " or at the end of the line */
			size_t s = at;
			for (size_t i = at; i < stop; i++) {
				if (t[i] == '.' && (i + 1 == stop || t[i + 1] == ' ')) {
					sentence(t + s, i + 1 - s, p);
					s = i + 1;
					while (s < stop && t[s] == ' ')
						putchar(t[s++]);
					i = s - 1;
				}
			}
			fwrite(t + s, 1, stop - s, stdout);
		}
		if (e)
			putchar('\n');
		at = stop + 1;
	}
}

int main(int argc, char **argv)
{
	double rate = 0.5, reorder = 0.0;
	for (int i = 1; i < argc; i += 2) {
		if (i + 1 >= argc) {
			fprintf(stderr, "usage: spin --rate R --seed S [--reorder P] < in > out\n");
			return 2;
		}
		if (!strcmp(argv[i], "--rate"))
			rate = strtod(argv[i + 1], NULL);
		else if (!strcmp(argv[i], "--seed"))
			rng = strtoull(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--reorder"))
			reorder = strtod(argv[i + 1], NULL);
		else {
			fprintf(stderr, "spin: unknown option %s\n", argv[i]);
			return 2;
		}
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
		if (len == cap) {
			char *t = realloc(text, cap *= 2);
			if (!t)
				free(text);
			text = t;
		}
	}
	if (!text) {
		fprintf(stderr, "spin: out of memory\n");
		return 1;
	}
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
		if (n >= sizeof(low) || n < 3)
			continue;
		for (size_t k = 0; k < n; k++)
			low[k] = (char)(text[s + k] | 0x20);
		if (doppel__stopword(low, n) || (n == 4 && !memcmp(low, "date", 4)))
			continue;
		content++;
		/* names WordNet knows (Geneva) have class 0: not swapped */
		if (!doppel__wordnet_class(wn, low, n))
			continue;
		/* a capital after a word inside a sentence is a name */
		size_t b = s;
		while (b > body && (text[b - 1] == ' ' || text[b - 1] == '"'))
			b--;
		if (text[s] >= 'A' && text[s] <= 'Z' && b > body &&
		    !strchr(".!?\n:", text[b - 1]))
			continue;
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
	char *outbuf = NULL;
	size_t outlen = 0;
	FILE *out = open_memstream(&outbuf, &outlen);
	if (!out) {
		fprintf(stderr, "spin: out of memory\n");
		return 1;
	}
	size_t at = 0;
	fwrite(text, 1, body, out);
	at = body;
	for (size_t i = 0; i < nw; i++) {
		/* the text before, without any date line */
		fwrite(text + at, 1, w[i].start - at, out);
		const char *syn = w[i].syn;
		bool cap0 = text[w[i].start] >= 'A' && text[w[i].start] <= 'Z';
		fputc(cap0 && syn[0] >= 'a' && syn[0] <= 'z' ? syn[0] - 32 : syn[0], out);
		fputs(syn + 1, out);
		if (w[i].plural) {
			size_t sl = strlen(syn);
			char last = syn[sl - 1];
			bool es = last == 's' || last == 'x' || last == 'z' ||
			          (sl > 1 && (last == 'h') && (syn[sl - 2] == 'c' || syn[sl - 2] == 's'));
			fputs(es ? "es" : "s", out);
		}
		at = w[i].start + w[i].len;
	}
	fwrite(text + at, 1, len - at, out);
	if (fclose(out)) {
		fprintf(stderr, "spin: out of memory\n");
		return 1;
	}
	emit(outbuf, outlen, body, reorder);
	free(outbuf);
	fprintf(stderr, "%.2f\n", content ? (double)nw / (double)content : 0.0);
	free(w);
	free(text);
	doppel__wordnet_free(wn);
	return 0;
}
