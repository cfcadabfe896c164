/*
 * utf8.c — UTF-8 validation and repair (RFC 3629).
 */
#include "internal.h"

#include <string.h>

/* Length of the valid sequence at s (at most n bytes), 0 when invalid. */
static size_t seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return c ? 1 : 0;
	if (c < 0xC2 || c > 0xF4)
		return 0;
	if (c < 0xE0) {
		if (n < 2 || (s[1] & 0xC0) != 0x80)
			return 0;
		return 2;
	}
	if (c < 0xF0) {
		if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if (c == 0xE0 && s[1] < 0xA0) /* overlong */
			return 0;
		if (c == 0xED && s[1] > 0x9F) /* surrogates */
			return 0;
		return 3;
	}
	if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
		return 0;
	if (c == 0xF0 && s[1] < 0x90) /* overlong */
		return 0;
	if (c == 0xF4 && s[1] > 0x8F) /* above U+10FFFF */
		return 0;
	return 4;
}

bool doppel__utf8_valid(const char *str, size_t n, size_t *bad)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		/* ASCII fast path, 8 bytes at a time: no high bit, no zero byte. */
		if (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			const uint64_t lo = UINT64_C(0x0101010101010101),
				       hi = UINT64_C(0x8080808080808080);
			if (!(w & hi) && !((w - lo) & ~w & hi)) {
				i += 8;
				continue;
			}
		}
		size_t k = seq_len(s + i, n - i);
		if (!k) {
			if (bad)
				*bad = i;
			return false;
		}
		i += k;
	}
	return true;
}

size_t doppel__utf8_repair(const char *str, size_t n, char *out)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, w = 0;
	while (i < n) {
		if (s[i] == 0) {
			i++;
			continue;
		}
		size_t k = seq_len(s + i, n - i);
		if (k) {
			memcpy(out + w, s + i, k);
			w += k;
			i += k;
		} else {
			memcpy(out + w, "\xEF\xBF\xBD", 3);
			w += 3;
			i++;
		}
	}
	out[w] = '\0';
	return w;
}
