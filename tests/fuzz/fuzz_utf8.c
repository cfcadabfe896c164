/*
 * fuzz_utf8.c — validation and repair agree on arbitrary bytes: repair
 * leaves valid text alone, gives valid text for anything, keeps the valid
 * prefix before the first bad byte, and is its own fixed point; both agree
 * with a byte-by-byte decoder written from RFC 3629.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Length of the well-formed sequence at s (n bytes left), 0 if none. */
static size_t rfc_seq(const uint8_t *s, size_t n)
{
	uint8_t c = s[0];
	size_t k;
	uint8_t lo = 0x80, hi = 0xBF; /* range of the second byte */
	if (c >= 0x01 && c <= 0x7F)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		k = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		k = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		k = 4;
	else
		return 0;
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (n < k || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < k; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return k;
}

static int rfc_valid(const uint8_t *s, size_t n, size_t *bad)
{
	for (size_t i = 0; i < n;) {
		size_t k = rfc_seq(s + i, n - i);
		if (!k) {
			*bad = i;
			return 0;
		}
		i += k;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	size_t bad = SIZE_MAX, ref_bad = SIZE_MAX;
	bool ok = doppel__utf8_valid(s, size, &bad);
	if (ok != (bool)rfc_valid(data, size, &ref_bad) || (!ok && bad != ref_bad))
		abort();
	char *out = malloc(3 * size + 1);
	if (!out)
		abort();
	size_t n = doppel__utf8_repair(s, size, out);
	size_t bad2;
	if (n > 3 * size || out[n] != '\0' || !doppel__utf8_valid(out, n, &bad2))
		abort();
	if (ok && (n != size || memcmp(out, s, size) != 0))
		abort();
	if (!ok && (memcmp(out, s, bad) != 0 || (n == size && memcmp(out, s, size) == 0)))
		abort();
	/* repaired text is a fixed point of repair */
	char *again = malloc(3 * n + 1);
	if (!again)
		abort();
	size_t m = doppel__utf8_repair(out, n, again);
	if (m != n || memcmp(again, out, n) != 0)
		abort();
	free(out);
	free(again);
	return 0;
}
