/*
 * date.c — calendar dates as days since 1970-01-01 (proleptic Gregorian),
 * after Howard Hinnant's "chrono-Compatible Low-Level Date Algorithms"
 * (days_from_civil and civil_from_days); and the date an article's text
 * states near its start, for articles whose metadata has none.
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

/* ------------------------------------------------------- dates in text */

/* The head of a text where its date is looked for: so far and no further,
 * so that a date quoted in the body does not date the article. */
#define HEAD_BYTES 1000
#define HEAD_LINES 4
/* A date with nothing around it that says what it is counts only on a line
 * this short that does not end a sentence (a byline, a date line), never
 * inside prose. */
#define SHORT_LINE 100

/* ASCII classes, not <ctype.h>: a date's digits and month names are ASCII
 * whatever the locale, and bytes of UTF-8 letters are never letters here. */
static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Days of a calendar date; false when there is no such day. */
static bool civil(int64_t y, unsigned m, unsigned d, int32_t *days)
{
	static const unsigned mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && leap(y)))
		return false;
	*days = (int32_t)days_from_civil(y, m, d);
	return true;
}

/* The number of the n (1..max) digits at s[*i], moved past; -1 when none. */
static int number(const char *s, size_t n, size_t *i, unsigned max)
{
	unsigned k = 0;
	int v = 0;
	while (*i + k < n && k < max && is_digit(s[*i + k]))
		v = v * 10 + (s[*i + k++] - '0');
	if (k == 0 || (*i + k < n && is_digit(s[*i + k])))
		return -1;
	*i += k;
	return v;
}

/* A month name or its abbreviation ("Mar", "Mar.", "Sept") at s[*i],
 * in any case: its number, moved past; 0 when none. */
static unsigned month(const char *s, size_t n, size_t *i)
{
	static const char *const names[12] = {"january",   "february", "march",    "april",
	                                      "may",       "june",     "july",     "august",
	                                      "september", "october",  "november", "december"};
	for (unsigned m = 0; m < 12; m++) {
		size_t full = strlen(names[m]);
		/* the whole name, "sept", or the first three letters */
		const size_t lens[3] = {full, m == 8 ? 4 : 0, 3};
		for (int k = 0; k < 3; k++) {
			size_t l = lens[k], j = 0;
			if (l == 0 || *i + l > n)
				continue;
			while (j < l && lower(s[*i + j]) == names[m][j])
				j++;
			if (j < l || (*i + l < n && is_alpha(s[*i + l])))
				continue;
			*i += l;
			if (l < full && *i < n && s[*i] == '.')
				(*i)++;
			return m + 1;
		}
	}
	return 0;
}

/* Spaces at s[*i], moved past; how many. */
static size_t spaces(const char *s, size_t n, size_t *i)
{
	size_t k = 0;
	while (*i < n && (s[*i] == ' ' || s[*i] == '\t')) {
		(*i)++;
		k++;
	}
	return k;
}

/* "st", "nd", "rd" or "th" after a day, skipped. */
static void ordinal(const char *s, size_t n, size_t *i)
{
	static const char *const suffixes[4] = {"st", "nd", "rd", "th"};
	for (int k = 0; k < 4; k++)
		if (*i + 2 <= n && lower(s[*i]) == suffixes[k][0] &&
		    lower(s[*i + 1]) == suffixes[k][1] &&
		    (*i + 2 == n || !is_alpha(s[*i + 2]))) {
			*i += 2;
			return;
		}
}

/* A four-digit year at s[*i], moved past; -1 when none. */
static int year(const char *s, size_t n, size_t *i)
{
	size_t j = *i;
	int y = number(s, n, &j, 4);
	if (y < 1000 || j - *i != 4)
		return -1;
	*i = j;
	return y;
}

/* "Month D" (with an ordinal after D or not) at s[*i]: month and day. */
static bool month_day(const char *s, size_t n, size_t *i, unsigned *m, int *d)
{
	size_t j = *i;
	if (!(*m = month(s, n, &j)) || !spaces(s, n, &j) || (*d = number(s, n, &j, 2)) < 1)
		return false;
	ordinal(s, n, &j);
	*i = j;
	return true;
}

/* ", YYYY" or " YYYY" after a month and day. */
static int year_after(const char *s, size_t n, size_t *i)
{
	size_t j = *i;
	if (j < n && s[j] == ',')
		j++;
	if (!spaces(s, n, &j))
		return -1;
	int y = year(s, n, &j);
	if (y >= 0)
		*i = j;
	return y;
}

/* What starts a date at s[i] and how far it goes. */
struct found {
	int32_t days;
	size_t end;
	bool time; /* an ISO date with a time after it */
};

/*
 * A date with a year starting at s[i]: "2024-03-05" (with a time after it or
 * not), "March 5, 2024", "March 5 2024", "5 March 2024", "5 Mar. 2024".
 */
static bool full_date(const char *s, size_t n, size_t i, struct found *f)
{
	if (i > 0 && (is_alpha(s[i - 1]) || is_digit(s[i - 1])))
		return false;
	size_t j = i;
	unsigned m;
	int d, y;
	if (is_digit(s[i])) {
		if (n - i >= 10 && doppel_parse_date(s + i, 10, &f->days) == DOPPEL_OK) {
			f->end = i + 10;
			/* a time: "T09:12", " 09:12" */
			f->time = n - i >= 16 && (s[i + 10] == 'T' || s[i + 10] == ' ') &&
			          is_digit(s[i + 11]) && is_digit(s[i + 12]) &&
			          s[i + 13] == ':' && is_digit(s[i + 14]) &&
			          is_digit(s[i + 15]);
			return f->time || n - i == 10 ||
			       !(is_alpha(s[i + 10]) || is_digit(s[i + 10]));
		}
		if ((d = number(s, n, &j, 2)) < 1)
			return false;
		ordinal(s, n, &j);
		if (!spaces(s, n, &j) || !(m = month(s, n, &j)))
			return false;
		if (j < n && s[j] == ',')
			j++;
		if (!spaces(s, n, &j) || (y = year(s, n, &j)) < 0)
			return false;
	} else {
		if (!month_day(s, n, &j, &m, &d) || (y = year_after(s, n, &j)) < 0)
			return false;
	}
	f->end = j;
	f->time = false;
	return (j == n || !is_alpha(s[j])) && civil(y, m, (unsigned)d, &f->days);
}

/* Whether word (lower case) is in s[0..n), in any case. */
static bool has_word(const char *s, size_t n, const char *word)
{
	size_t w = strlen(word);
	for (size_t i = 0; i + w <= n; i++) {
		size_t j = 0;
		while (j < w && lower(s[i + j]) == word[j])
			j++;
		if (j == w && (i == 0 || !is_alpha(s[i - 1])))
			return true;
	}
	return false;
}

/*
 * A dateline at the start of a line: a place in capitals, a comma, a month
 * and day (and a year or not), an agency in brackets or not, then a dash:
 * "GENEVA, March 5 (Reuters) -", "NEW YORK, Jan. 3, 2024 -". Year is -1
 * when it gives none.
 */
static bool dateline(const char *s, size_t n, unsigned *m, int *d, int *y)
{
	size_t i = 0, caps = 0;
	spaces(s, n, &i);
	for (; i < n && s[i] != ','; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			caps++;
		/* bytes of UTF-8 letters (SÃO PAULO) pass; lower case does not */
		else if (!(c == ' ' || c == '.' || c == '-' || c == '\'' ||
		           (unsigned char)c >= 0x80))
			return false;
		if (i > 40)
			return false;
	}
	if (caps < 2 || i >= n)
		return false;
	i++;
	spaces(s, n, &i);
	if (!month_day(s, n, &i, m, d))
		return false;
	*y = year_after(s, n, &i);
	spaces(s, n, &i);
	if (i < n && s[i] == '(') {
		const char *close = memchr(s + i, ')', n - i);
		if (!close || close - (s + i) > 40)
			return false;
		i = (size_t)(close - s) + 1;
		spaces(s, n, &i);
	}
	return (i < n && s[i] == '-') || (n - i >= 3 && memcmp(s + i, "\xe2\x80", 2) == 0 &&
	                                  (s[i + 2] == '\x93' || s[i + 2] == '\x94'));
}

/* A "date YYYY-MM-DD" marker leading the line. */
static bool marker(const char *s, size_t n, int32_t *days)
{
	size_t i = 0;
	spaces(s, n, &i);
	if (n - i < 5 || !has_word(s + i, 4, "date") || !spaces(s, n, (i += 4, &i)))
		return false;
	return n - i >= 10 && doppel_parse_date(s + i, 10, days) == DOPPEL_OK &&
	       (n - i == 10 || s[i + 10] == ' ' || s[i + 10] == '\t' || s[i + 10] == '\r');
}

/* A line that ends like a sentence: prose, not a date line. */
static bool sentence_end(const char *s, size_t n)
{
	n = doppel__trim_end(s, n);
	return n > 0 && (s[n - 1] == '.' || s[n - 1] == '!' || s[n - 1] == '?');
}

/* The first date with a year anywhere in s: where a dateline takes its
 * year from. */
static bool any_date(const char *s, size_t n, int32_t *days)
{
	struct found f;
	for (size_t i = 0; i < n; i++)
		if ((is_digit(s[i]) || is_alpha(s[i])) && full_date(s, n, i, &f)) {
			*days = f.days;
			return true;
		}
	return false;
}

/* Month and day in the year (ref's, or the one before or after) that puts
 * them nearest to ref; false when none of the three has that day. */
static bool nearest_year(unsigned m, int d, int32_t ref, int32_t *days)
{
	char buf[11];
	doppel_format_date(ref, buf);
	int64_t y = (buf[0] - '0') * 1000 + (buf[1] - '0') * 100 + (buf[2] - '0') * 10 +
	            (buf[3] - '0');
	int64_t best = INT64_MAX;
	for (int64_t k = y - 1; k <= y + 1; k++) {
		int32_t c;
		if (!civil(k, m, (unsigned)d, &c))
			continue;
		int64_t dist = (int64_t)c - ref;
		dist = dist < 0 ? -dist : dist;
		if (dist < best) {
			best = dist;
			*days = c;
		}
	}
	return best != INT64_MAX;
}

int doppel__text_date(const char *text, size_t len, int32_t *days)
{
	size_t head = len < HEAD_BYTES ? len : HEAD_BYTES;
	int best = DOPPEL__DATE_NONE;
	int32_t found = DOPPEL_NO_DATE;
	unsigned dl_month = 0;
	int dl_day = 0;
	for (size_t pos = 0, lines = 0; pos < head && lines < HEAD_LINES;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t e = nl ? (size_t)(nl - text) : len;
		/* a line is read to its end, or to the end of the head */
		const char *s = text + pos;
		size_t n = (e < head ? e : head) - pos, full = e - pos;
		pos = e + 1;
		size_t k = 0;
		spaces(s, n, &k);
		if (k == n || (n - k == 1 && s[k] == '\r'))
			continue;
		lines++;
		int32_t d;
		if (marker(s, n, &d)) {
			*days = d;
			return DOPPEL__DATE_MARKER;
		}
		unsigned m;
		int day, y;
		if (best < DOPPEL__DATE_DATELINE && dl_month == 0 &&
		    dateline(s, n, &m, &day, &y)) {
			if (y >= 0 && civil(y, m, (unsigned)day, &d)) {
				best = DOPPEL__DATE_DATELINE;
				found = d;
			} else if (y < 0) {
				dl_month = m;
				dl_day = day;
			}
		}
		for (size_t i = 0; i < n; i++) {
			struct found f;
			if (!(is_digit(s[i]) || is_alpha(s[i])) || !full_date(s, n, i, &f))
				continue;
			/* what the line says before the date names it */
			int kind = has_word(s, i, "published") ? DOPPEL__DATE_PUBLISHED
			           : has_word(s, i, "update")  ? DOPPEL__DATE_UPDATE
			           : f.time                    ? DOPPEL__DATE_STAMP
			           : full <= SHORT_LINE && !sentence_end(s, full)
			                   ? DOPPEL__DATE_LOOSE
			                   : DOPPEL__DATE_NONE;
			if (kind > best) {
				best = kind;
				found = f.days;
			}
			i = f.end - 1;
		}
	}
	if (best < DOPPEL__DATE_DATELINE && dl_month) {
		int32_t ref = found, d = DOPPEL_NO_DATE;
		if ((best != DOPPEL__DATE_NONE || any_date(text, len, &ref)) &&
		    nearest_year(dl_month, dl_day, ref, &d)) {
			best = DOPPEL__DATE_DATELINE;
			found = d;
		}
	}
	if (best != DOPPEL__DATE_NONE)
		*days = found;
	return best;
}

int doppel_text_date(const char *text, size_t len, int32_t *days)
{
	if (!text || !days)
		return DOPPEL_E_ARG;
	return doppel__text_date(text, len, days) != DOPPEL__DATE_NONE ? DOPPEL_OK : DOPPEL_END;
}
