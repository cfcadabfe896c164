/*
 * utf8.c — UTF-8 validation and repair (RFC 3629), and Windows-1252, the
 * encoding of text that is not UTF-8 (its bytes 0x80..0x9F hold the curly
 * quotes, dashes and euro sign that make most such files invalid UTF-8).
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

/*
 * Windows-1252 bytes 0x80..0x9F as Unicode code points, from the WHATWG
 * Encoding Standard's index-windows-1252 (https://encoding.spec.whatwg.org/),
 * where the five bytes the code page leaves undefined decode to the C1
 * controls of the same value. Bytes 0xA0..0xFF are Latin-1: U+00A0..U+00FF.
 */
static const uint16_t cp1252_high[32] = {
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
	0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
	0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

size_t doppel__cp1252_to_utf8(const char *str, size_t n, char *out)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char *o = (unsigned char *)out;
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned c = s[i];
		if (c < 0x80) {
			o[w++] = c ? (unsigned char)c : ' ';
			continue;
		}
		unsigned cp = c < 0xA0 ? cp1252_high[c - 0x80] : c;
		if (cp < 0x800) {
			o[w++] = (unsigned char)(0xC0 | cp >> 6);
			o[w++] = (unsigned char)(0x80 | (cp & 0x3F));
		} else {
			o[w++] = (unsigned char)(0xE0 | cp >> 12);
			o[w++] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
			o[w++] = (unsigned char)(0x80 | (cp & 0x3F));
		}
	}
	o[w] = '\0';
	return w;
}

size_t doppel__nul_to_space(char *s, size_t n)
{
	size_t count = 0;
	for (char *p = s, *end = s + n; (p = memchr(p, '\0', (size_t)(end - p))); p++) {
		*p = ' ';
		count++;
	}
	return count;
}

size_t doppel__bom_len(const char *s, size_t n)
{
	return n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}
