/*
 * date.c — calendar dates as days since 1970-01-01 (proleptic Gregorian),
 * after Howard Hinnant's "chrono-Compatible Low-Level Date Algorithms"
 * (days_from_civil and civil_from_days).
 */
#include "internal.h"

#include <string.h>

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int doppel_parse_date(const char *s, size_t len, int32_t *days)
{
	if (!s || len < 10)
		return DOPPEL_E_FORMAT;
	for (int i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return DOPPEL_E_FORMAT;
		} else if (s[i] < '0' || s[i] > '9') {
			return DOPPEL_E_FORMAT;
		}
	}
	/* A longer stamp must go on with a time ("T" or a space) or a zone. */
	if (len > 10 && s[10] != 'T' && s[10] != ' ' && s[10] != 't' && s[10] != 'Z')
		return DOPPEL_E_FORMAT;
	int64_t y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	unsigned m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
	unsigned d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
	static const unsigned mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m < 1 || m > 12 || d < 1)
		return DOPPEL_E_FORMAT;
	unsigned maxd = mdays[m - 1] + (m == 2 && leap(y));
	if (d > maxd)
		return DOPPEL_E_FORMAT;
	*days = (int32_t)days_from_civil(y, m, d);
	return DOPPEL_OK;
}

char *doppel_format_date(int32_t days, char buf[11])
{
	if (days == DOPPEL_NO_DATE) {
		buf[0] = '\0';
		return buf;
	}
	int64_t z = (int64_t)days + 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = (int64_t)yoe + era * 400;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	const unsigned d = doy - (153 * mp + 2) / 5 + 1;
	const unsigned m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	/* Years outside 0..9999 do not fit the format: such a day is clamped
	 * to the first or last day the format holds, whole, so that what is
	 * written is always a date (not 9999-02-29). */
	if (y < 0 || y > 9999) {
		memcpy(buf, y < 0 ? "0000-01-01" : "9999-12-31", 11);
		return buf;
	}
	unsigned yy = (unsigned)y;
	buf[0] = (char)('0' + yy / 1000);
	buf[1] = (char)('0' + yy / 100 % 10);
	buf[2] = (char)('0' + yy / 10 % 10);
	buf[3] = (char)('0' + yy % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + m / 10);
	buf[6] = (char)('0' + m % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + d / 10);
	buf[9] = (char)('0' + d % 10);
	buf[10] = '\0';
	return buf;
}
