/*
 * wordchar.h — what words are made of: letters, marks and digits of every
 * script. Apart from internal.h so that the inline test below, which the
 * text stages call for every character, depends on wordchar.c only.
 */
#ifndef DOPPEL_WORDCHAR_H
#define DOPPEL_WORDCHAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ASCII letters lowered and digits as they are; 0 for any other byte
 * (a table entry, and the byte tables of normalize.c, are made of it). */
#define DOPPEL__LOWER1(c)                                                                      \
	((c) >= 'A' && (c) <= 'Z'                                   ? (c) + 32                 \
	 : ((c) >= 'a' && (c) <= 'z') || ((c) >= '0' && (c) <= '9') ? (c)                      \
	                                                            : 0)

/* DOPPEL__LOWER1 of every byte. */
extern const char doppel__ascii_lower[256];

/* The Unicode categories of letters, marks and digits decide. */
bool doppel__is_word_cp_unicode(int32_t cp);

/* ASCII, most of any text, is answered without looking categories up (the
 * same answer: letters and digits). */
static inline bool doppel__is_word_cp(int32_t cp)
{
	if (cp >= 0 && cp < 0x80)
		return doppel__ascii_lower[cp] != 0;
	return doppel__is_word_cp_unicode(cp);
}

/*
 * The end of the run of ASCII letters and digits of s (n bytes) from byte
 * i, sixteen bytes at a time where there are sixteen; *digit is set when
 * the run has a digit. What a loop of doppel__ascii_lower[c] != 0 over
 * the bytes gives.
 */
static inline size_t doppel__ascii_word_run(const char *s, size_t n, size_t i, bool *digit)
{
#if defined(__SSE2__)
	while (i + 16 <= n) {
		const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		const __m128i low = _mm_or_si128(v, _mm_set1_epi8(0x20)); /* A-Z to a-z */
		const __m128i letter =
			_mm_and_si128(_mm_cmpgt_epi8(low, _mm_set1_epi8('a' - 1)),
		                      _mm_cmplt_epi8(low, _mm_set1_epi8('z' + 1)));
		const __m128i dig = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
		                                  _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
		const unsigned word = (unsigned)_mm_movemask_epi8(_mm_or_si128(letter, dig));
		const unsigned digits = (unsigned)_mm_movemask_epi8(dig);
		if (word == 0xffff) {
			*digit |= digits != 0;
			i += 16;
			continue;
		}
		const unsigned run = (unsigned)__builtin_ctz(~word);
		*digit |= (digits & ((1u << run) - 1)) != 0;
		return i + run;
	}
#endif
	for (; i < n; i++) {
		const unsigned char c = (unsigned char)s[i];
		if (!doppel__ascii_lower[c])
			break;
		*digit |= c <= '9';
	}
	return i;
}

/* The characters of s (n bytes of UTF-8; a stray byte counts as one),
 * counted no further than max + 1: min(characters, max + 1). */
static inline size_t doppel__chars_upto(const char *s, size_t n, size_t max)
{
	size_t c = 0, i = 0;
#if defined(__SSE2__)
	for (; i + 16 <= n && c <= max; i += 16) {
		const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		/* a continuation byte is 10xxxxxx: as a signed byte, below -64;
		 * the others are counted as ones summed by _mm_sad_epu8 */
		const __m128i starts = _mm_andnot_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(-64)),
		                                        _mm_set1_epi8(1));
		const __m128i sums = _mm_sad_epu8(starts, _mm_setzero_si128());
		c += (size_t)_mm_cvtsi128_si32(sums) +
		     (size_t)_mm_cvtsi128_si32(_mm_srli_si128(sums, 8));
	}
#endif
	for (; i < n && c <= max; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c <= max ? c : max + 1;
}

#endif
