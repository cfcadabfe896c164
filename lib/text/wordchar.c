/*
 * wordchar.c — the tables and the Unicode test behind wordchar.h.
 */
#include "text/wordchar.h"

#include <utf8proc.h>

#define LOWER4(c)                                                                              \
	DOPPEL__LOWER1(c), DOPPEL__LOWER1(c + 1), DOPPEL__LOWER1(c + 2), DOPPEL__LOWER1(c + 3)
#define LOWER16(c) LOWER4(c), LOWER4(c + 4), LOWER4(c + 8), LOWER4(c + 12)
#define LOWER64(c) LOWER16(c), LOWER16(c + 16), LOWER16(c + 32), LOWER16(c + 48)
const char doppel__ascii_lower[256] = {LOWER64(0), LOWER64(64), LOWER64(128), LOWER64(192)};

bool doppel__is_word_cp_unicode(int32_t cp)
{
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return true;
	default:
		return false;
	}
}
