/*
 * fuzz_date.c — the date parser on any bytes, and the formatter on any
 * day number. A date taken formats back to the ten characters it was read
 * from; a formatted day of years 0 to 9999 parses back to the same day;
 * a longer stamp is taken only when a time or a zone follows the day.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Days of 0000-01-01 and 9999-12-31, the years the format holds. */
#define FIRST_DAY (-719528)
#define LAST_DAY 2932896

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = calloc(size ? size : 1, 1);
	if (!s)
		return 0;
	if (size)
		memcpy(s, data, size);
	int32_t days = 12345;
	int rc = doppel_parse_date(s, size, &days);
	if (rc == DOPPEL_OK) {
		char buf[11];
		doppel_format_date(days, buf);
		if (size < 10 || memcmp(buf, s, 10) != 0)
			abort();
		if (size > 10 && !strchr("Tt Z", s[10]))
			abort();
		if (days < FIRST_DAY || days > LAST_DAY)
			abort();
	} else if (rc != DOPPEL_E_FORMAT || days != 12345) {
		abort(); /* a refusal leaves *days alone */
	}

	/* Any day number: formatting writes ten characters and a NUL. */
	if (size >= 4) {
		int32_t d = (int32_t)doppel__get_le(data, 4);
		char buf[12];
		buf[11] = 'x';
		doppel_format_date(d, buf);
		if (buf[11] != 'x')
			abort();
		if (d == DOPPEL_NO_DATE) {
			if (buf[0])
				abort();
		} else {
			int32_t back = 0;
			if (strlen(buf) != 10 || doppel_parse_date(buf, 10, &back) != DOPPEL_OK)
				abort();
			if (d >= FIRST_DAY && d <= LAST_DAY && back != d)
				abort();
		}
	}
	free(s);
	return 0;
}
