/*
 * wordchar.h — what words are made of: letters, marks and digits of every
 * script. Apart from internal.h so that the inline test below, which the
 * text stages call for every character, depends on wordchar.c only.
 */
#ifndef DOPPEL_WORDCHAR_H
#define DOPPEL_WORDCHAR_H

#include <stdbool.h>
#include <stdint.h>

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

#endif
