/*
 * wnclass.c — measures WordNet synonym classes (lib/wordnet.c) against
 * what spinners do.
 *
 * usage: wnclass [--samples N] [--seed S] [--dir WORDNET] FILE...
 *
 * The files are plain texts (news articles); their lowercase content words
 * are the sample. Printed:
 *   load        seconds and resident memory that doppel__wordnet_load adds;
 *   agreement   over N (word, synonym) pairs drawn as bench/spin draws them
 *               (a random content word of the texts, a random other
 *               one-word member of one of its lemma's first two synsets),
 *               the share whose classes are equal and nonzero; also for a
 *               careless spinner that takes any synset of the lemma;
 *   sizes       lemmas per class over the whole vocabulary: mean, 95th
 *               percentile, largest; and the mean class size of a text
 *               word (what a shingle of classes blurs in practice);
 *   collisions  over N random pairs of text words with different lemmas
 *               that share no synset, the share with equal nonzero classes.
 * Variants of the class design are compared by building lib/wordnet.c
 * with -DWN_CLASS_SENSES=... and friends (see the top of that file).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "internal.h"

static uint64_t rng_state;

static uint64_t next(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static size_t pick(size_t n)
{
	return (size_t)(next() % n);
}

struct tok {
	char w[48];
	size_t n;
};

static long rss_kb(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long pages = 0, res = 0;
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &res) != 2)
			res = 0;
		fclose(f);
	}
	return res * 4;
}

static int read_words(const char *path, struct tok **toks, size_t *n, size_t *cap)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		perror(path);
		return -1;
	}
	char w[48];
	size_t len = 0;
	int c, prev_end = 1; /* a sentence end came before this word */
	int cap0 = 0;
	while ((c = fgetc(f)) != EOF || len) {
		if (c != EOF && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
			if (len == 0)
				cap0 = c >= 'A' && c <= 'Z';
			if (len < sizeof(w) - 1)
				w[len++] = (char)(c | 0x20);
			continue;
		}
		if (len && len < sizeof(w) - 1 && !(cap0 && !prev_end) &&
		    !doppel__stopword(w, len)) {
			if (doppel__grow((void **)toks, cap, *n + 1, sizeof(**toks))) {
				fclose(f);
				return -1;
			}
			memcpy((*toks)[*n].w, w, len);
			(*toks)[*n].w[len] = '\0';
			(*toks)[*n].n = len;
			(*n)++;
		}
		if (len)
			prev_end = 0;
		len = 0;
		if (c == '.' || c == '!' || c == '?' || c == '\n')
			prev_end = 1;
		if (c == EOF)
			break;
	}
	fclose(f);
	return 0;
}

/* A random one-word member, other than the lemma itself, of one of the
 * first nsyn synsets of w's lemma; NULL when there is none. */
static const char *synonym(const doppel__wordnet *wn, const struct tok *t, size_t nsyn)
{
	uint32_t lemma, syn[256];
	if (!doppel__wordnet_lemmas(wn, t->w, t->n, &lemma, 1))
		return NULL;
	size_t ns = doppel__wordnet_synsets(wn, lemma, syn, 256);
	if (ns > nsyn)
		ns = nsyn;
	if (ns > 256)
		ns = 256;
	const char *cands[512];
	size_t nc = 0;
	const char *mem[64];
	for (size_t s = 0; s < ns; s++) {
		size_t nm = doppel__wordnet_members(wn, syn[s], mem, 64);
		for (size_t m = 0; m < nm && m < 64 && nc < 512; m++)
			if (!strchr(mem[m], '_') && !strchr(mem[m], '-'))
				cands[nc++] = mem[m];
	}
	/* leave out the lemma's own name: members share pool strings, so the
	 * lemma is the candidate whose lemmas() gives the same number */
	size_t keep = 0;
	for (size_t i = 0; i < nc; i++) {
		uint32_t k;
		if (doppel__wordnet_lemmas(wn, cands[i], strlen(cands[i]), &k, 1) && k == lemma)
			continue;
		cands[keep++] = cands[i];
	}
	return keep ? cands[pick(keep)] : NULL;
}

static uint32_t cls(const doppel__wordnet *wn, const char *w)
{
	return doppel__wordnet_class(wn, w, strlen(w));
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	size_t samples = 20000;
	const char *dir = NULL;
	int first = argc;
	rng_state = 1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--samples") && i + 1 < argc)
			samples = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			rng_state = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
			dir = argv[++i];
		else {
			first = i;
			break;
		}
	}
	if (first >= argc || samples == 0) {
		fprintf(stderr, "usage: wnclass [--samples N] [--seed S] [--dir WORDNET] FILE...\n");
		return 2;
	}
	char err[DOPPEL__ERRLEN];
	doppel__wordnet *wn;
	long rss0 = rss_kb();
	double t0 = doppel__now();
	if (doppel__wordnet_load(dir, &wn, err)) {
		fprintf(stderr, "wnclass: %s\n", err);
		return 1;
	}
	double t1 = doppel__now();
	long rss1 = rss_kb();
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("load        %.3f s, +%.1f MB resident (peak %.1f MB)\n", t1 - t0,
	       (double)(rss1 - rss0) / 1024.0, (double)ru.ru_maxrss / 1024.0);

	struct tok *toks = NULL;
	size_t ntok = 0, tokcap = 0;
	for (int i = first; i < argc; i++)
		if (read_words(argv[i], &toks, &ntok, &tokcap))
			return 1;
	/* only words WordNet knows */
	size_t keep = 0;
	for (size_t i = 0; i < ntok; i++) {
		uint32_t k;
		if (doppel__wordnet_lemmas(wn, toks[i].w, toks[i].n, &k, 1))
			toks[keep++] = toks[i];
	}
	ntok = keep;
	if (!ntok) {
		fprintf(stderr, "wnclass: no WordNet words in the texts\n");
		return 1;
	}

	/* agreement */
	static const size_t nsyns[2] = {2, 256};
	for (int v = 0; v < 2; v++) {
		size_t agree = 0, zero = 0, tried = 0, drawn = 0;
		while (drawn < samples && tried < samples * 50) {
			tried++;
			const struct tok *t = &toks[pick(ntok)];
			const char *s = synonym(wn, t, nsyns[v]);
			if (!s)
				continue;
			drawn++;
			uint32_t a = doppel__wordnet_class(wn, t->w, t->n), b = cls(wn, s);
			if (a == 0)
				zero++;
			agree += a && a == b;
#ifdef SHOW_FAIL
			if (v == 0 && !(a && a == b) && drawn % 50 == 0)
				fprintf(stderr, "%s -> %s\n", t->w, s);
#endif
		}
		printf("agreement   %.3f over %zu pairs from %s (word in class 0: %.3f)\n",
		       drawn ? (double)agree / (double)drawn : 0.0, drawn,
		       v == 0 ? "the first two synsets" : "any synset",
		       drawn ? (double)zero / (double)drawn : 0.0);
	}

	/* sizes: every lemma, through the members of every synset */
	uint32_t *all = NULL;
	size_t nall = 0, allcap = 0;
	for (uint32_t s = 0;; s++) {
		const char *mem[256];
		size_t nm = doppel__wordnet_members(wn, s, mem, 256);
		if (!nm)
			break;
		for (size_t m = 0; m < nm && m < 256; m++) {
			uint32_t k;
			/* count each lemma once: at the synset that is its first sense */
			if (!doppel__wordnet_lemmas(wn, mem[m], strlen(mem[m]), &k, 1))
				continue;
			uint32_t first_syn;
			if (doppel__wordnet_synsets(wn, k, &first_syn, 1) && first_syn != s)
				continue;
			uint32_t c = cls(wn, mem[m]);
			if (!c)
				continue;
			if (doppel__grow((void **)&all, &allcap, nall + 1, sizeof(*all)))
				return 1;
			all[nall++] = c;
		}
	}
	qsort(all, nall, sizeof(*all), cmp_u32);
	uint32_t *sizes = doppel__alloc_array(nall + 1, sizeof(*sizes));
	size_t nclass = 0;
	for (size_t i = 0; i < nall;) {
		size_t j = i;
		while (j < nall && all[j] == all[i])
			j++;
		sizes[nclass++] = (uint32_t)(j - i);
		i = j;
	}
	qsort(sizes, nclass, sizeof(*sizes), cmp_u32);
	size_t singles = 0;
	for (size_t i = 0; i < nclass; i++)
		singles += sizes[i] == 1;
	printf("sizes       %zu lemmas in %zu classes: mean %.2f, 95th percentile %u, "
	       "max %u, singletons %.2f\n",
	       nall, nclass, (double)nall / (double)nclass, sizes[nclass * 95 / 100],
	       sizes[nclass - 1], (double)singles / (double)nclass);
	/* a text word's class size, by binary search in the sorted lemma classes */
	double sum = 0;
	size_t counted = 0;
	for (size_t i = 0; i < ntok; i++) {
		uint32_t c = doppel__wordnet_class(wn, toks[i].w, toks[i].n);
		if (!c)
			continue;
		size_t lo = 0, hi = nall;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (all[mid] < c)
				lo = mid + 1;
			else
				hi = mid;
		}
		size_t j = lo;
		while (j < nall && all[j] == c)
			j++;
		sum += (double)(j - lo);
		counted++;
	}
	printf("text words  %zu, mean size of their class %.2f\n", ntok,
	       counted ? sum / (double)counted : 0.0);

	/* collisions */
	size_t pairs = 0, same = 0;
	for (size_t i = 0; i < samples * 50 && pairs < samples; i++) {
		const struct tok *a = &toks[pick(ntok)], *b = &toks[pick(ntok)];
		uint32_t ka, kb;
		doppel__wordnet_lemmas(wn, a->w, a->n, &ka, 1);
		doppel__wordnet_lemmas(wn, b->w, b->n, &kb, 1);
		if (ka == kb || doppel__wordnet_related(wn, a->w, a->n, b->w, b->n))
			continue;
		pairs++;
		uint32_t ca = doppel__wordnet_class(wn, a->w, a->n);
		same += ca && ca == doppel__wordnet_class(wn, b->w, b->n);
	}
	printf("collisions  %.4f of %zu unrelated text word pairs share a class\n",
	       pairs ? (double)same / (double)pairs : 0.0, pairs);

	free(sizes);
	free(all);
	free(toks);
	doppel__wordnet_free(wn);
	return 0;
}
