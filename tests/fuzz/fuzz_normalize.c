/*
 * fuzz_normalize.c — normalization, segmentation and sketching on any
 * bytes that are valid UTF-8 (the reader guarantees that much), and the
 * UTF-8 validator and repairer on all bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char *fixed = malloc(3 * size + 1);
	if (!fixed)
		return 0;
	size_t bad;
	size_t n = doppel__utf8_repair(s, size, fixed);
	if (!doppel__utf8_valid(fixed, n, &bad))
		abort(); /* a repair is always valid */
	if (doppel__utf8_valid(s, size, &bad) && (n != size || memcmp(fixed, s, n) != 0))
		abort(); /* valid input is left as it is */

	doppel__tokens t = {0};
	doppel__sketcher sk;
	uint16_t sig[64];
	if (doppel__normalize(fixed, n, 1, NULL, 0, &t) == DOPPEL_OK &&
	    doppel__sketcher_init(&sk, 64, 3, 0) == DOPPEL_OK) {
		doppel__sketch out = {.sig = sig};
		if (doppel__sketch_tokens(&sk, &t, &out) == DOPPEL_OK && (out.fingerprint == 0) != (t.n == 0))
			abort();
		doppel__sketcher_free(&sk);
	}
	doppel__segmenter *sg = doppel__segmenter_new(NULL, 0);
	doppel__features f = {0};
	f.want_spans = true;
	if (sg && doppel__segment(sg, fixed, n, 0, NULL, &f) == DOPPEL_OK) {
		for (size_t i = 0; i < f.nsent; i++)
			if ((size_t)f.sent[i].start + f.sent[i].len > n)
				abort();
		for (size_t i = 0; i < f.nspan; i++)
			if ((size_t)f.span[i].start + f.span[i].len > n)
				abort();
	}
	doppel__features_free(&f);
	doppel__segmenter_free(sg);
	doppel__tokens_free(&t);
	free(fixed);
	return 0;
}
