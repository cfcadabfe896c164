/*
 * tokpass.c — sketch throughput against a plain read-and-tokenize pass
 * over the same corpus, in one process, so the ratio means something on
 * any machine.
 *
 * usage: tokpass CORPUS.jsonl
 *
 * Pass 1 reads every record and tokenizes it (normalization: boilerplate
 * rules, case folding, token hashes). Pass 2 does the same and sketches
 * (shingles, one-permutation MinHash, densification). One thread each.
 */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

static int pass(const char *path, bool sketch, double *secs, uint64_t *bytes, uint64_t *arts)
{
	doppel_reader *r = doppel_reader_new(NULL);
	doppel__tokens t = {0};
	doppel__sketcher sk;
	uint16_t sig[128];
	if (!r || doppel_reader_add_path(r, path) || doppel__sketcher_init(&sk, 128, 3, 0))
		return 1;
	*bytes = *arts = 0;
	double t0 = doppel__now();
	doppel_article a;
	int rc;
	while ((rc = doppel_reader_next(r, &a)) != DOPPEL_END) {
		if (rc)
			continue;
		doppel__normalize(a.text, a.text_len, doppel__source_key(a.source, 0), NULL, 0, 0, &t);
		if (sketch) {
			doppel__sketch out = {.sig = sig};
			doppel__sketch_tokens(&sk, &t, &out);
		}
		*bytes += a.text_len;
		(*arts)++;
	}
	*secs = doppel__now() - t0;
	doppel__tokens_free(&t);
	doppel__sketcher_free(&sk);
	doppel_reader_free(r);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: tokpass CORPUS.jsonl\n");
		return 2;
	}
	double s1, s2;
	uint64_t b, n;
	/* warm the page cache first, then measure each pass */
	if (pass(argv[1], false, &s1, &b, &n) || pass(argv[1], false, &s1, &b, &n) ||
	    pass(argv[1], true, &s2, &b, &n))
		return 1;
	double mb = (double)b / 1e6;
	printf("read+tokenize:         %8.1f MB/s  %9.0f articles/s  (%.2f s, one core)\n",
	       mb / s1, (double)n / s1, s1);
	printf("read+tokenize+sketch:  %8.1f MB/s  %9.0f articles/s  (%.2f s, one core)\n",
	       mb / s2, (double)n / s2, s2);
	printf("sketching alone:       %8.1f MB/s per core\n", mb / (s2 - s1 > 1e-9 ? s2 - s1 : 1e-9));
	printf("sketch pass / tokenize pass throughput: %.2f (target >= 0.50)\n", s1 / s2);
	return 0;
}
