/*
 * test_date.c — calendar dates to days since 1970-01-01 and back; the
 * date a text states near its start, and which one wins.
 */
#include "testutil.h"

#include <time.h>

#include "internal.h"

static int32_t parse_ok(const char *s)
{
	int32_t d = 77;
	assert_int_equal(doppel_parse_date(s, strlen(s), &d), DOPPEL_OK);
	return d;
}

static void assert_refused(const char *s)
{
	int32_t d = 77;
	assert_int_equal(doppel_parse_date(s, strlen(s), &d), DOPPEL_E_FORMAT);
	assert_int_equal(d, 77); /* untouched */
}

static void test_known_days(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("1970-01-01"), 0);
	assert_int_equal(parse_ok("1970-01-02"), 1);
	assert_int_equal(parse_ok("1969-12-31"), -1);
	assert_int_equal(parse_ok("1900-01-01"), -25567);
	assert_int_equal(parse_ok("2000-01-01"), 10957);
	assert_int_equal(parse_ok("2000-02-29"), 11016);
	assert_int_equal(parse_ok("2024-03-05"), 19787);
	assert_int_equal(parse_ok("2038-01-19"), 24855);
	assert_int_equal(parse_ok("0000-01-01"), -719528);
	assert_int_equal(parse_ok("9999-12-31"), 2932896);
}

static void test_leap_years(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("2024-02-29") + 1, parse_ok("2024-03-01"));
	assert_int_equal(parse_ok("2023-02-28") + 1, parse_ok("2023-03-01"));
	parse_ok("2000-02-29"); /* divisible by 400 */
	parse_ok("1600-02-29");
	parse_ok("0000-02-29");
	assert_refused("1900-02-29"); /* by 100, not by 400 */
	assert_refused("2100-02-29");
	assert_refused("2023-02-29");
	assert_refused("2024-02-30");
	assert_int_equal(parse_ok("2025-01-01") - parse_ok("2024-01-01"), 366);
	assert_int_equal(parse_ok("2024-01-01") - parse_ok("2023-01-01"), 365);
}

static void test_invalid(void **state)
{
	(void)state;
	assert_refused("2024-13-01");
	assert_refused("2024-00-10");
	assert_refused("2024-01-00");
	assert_refused("2024-01-32");
	assert_refused("2024-04-31");
	assert_refused("2024-06-31");
	assert_refused("2024-09-31");
	assert_refused("2024-11-31");
	assert_refused("2024-4-1");
	assert_refused("24-04-01");
	assert_refused("2024/04/01");
	assert_refused("2024-04-01x");
	assert_refused("2024-04-0a");
	assert_refused("-024-04-01");
	assert_refused(" 2024-04-01");
	assert_refused("");
	int32_t d = 77;
	assert_int_equal(doppel_parse_date(NULL, 10, &d), DOPPEL_E_FORMAT);
	/* len counts: a valid date cut short is refused */
	assert_int_equal(doppel_parse_date("2024-04-01", 9, &d), DOPPEL_E_FORMAT);
	assert_int_equal(d, 77);
}

static void test_longer_stamps(void **state)
{
	(void)state;
	int32_t day = parse_ok("2024-04-01");
	assert_int_equal(parse_ok("2024-04-01T23:59:59+02:00"), day);
	assert_int_equal(parse_ok("2024-04-01T00:00:00Z"), day);
	assert_int_equal(parse_ok("2024-04-01 09:12 GMT"), day);
	assert_int_equal(parse_ok("2024-04-01Z"), day);
	/* only the first len bytes are read: no NUL needed */
	int32_t d;
	assert_int_equal(doppel_parse_date("2024-04-01garbage", 10, &d), DOPPEL_OK);
	assert_int_equal(d, day);
}

static void test_format(void **state)
{
	(void)state;
	char buf[11];
	assert_string_equal(doppel_format_date(0, buf), "1970-01-01");
	assert_string_equal(doppel_format_date(-1, buf), "1969-12-31");
	assert_string_equal(doppel_format_date(19787, buf), "2024-03-05");
	assert_string_equal(doppel_format_date(11016, buf), "2000-02-29");
	assert_string_equal(doppel_format_date(-719528, buf), "0000-01-01");
	assert_string_equal(doppel_format_date(2932896, buf), "9999-12-31");
	assert_ptr_equal(doppel_format_date(DOPPEL_NO_DATE, buf), buf);
	assert_string_equal(buf, "");
}

/* Every day of years 0 to 9999 formats and parses back to itself, and
 * consecutive days format in increasing order. */
static void test_round_trip(void **state)
{
	(void)state;
	char buf[11], prev[11] = "";
	int32_t d;
	for (int32_t day = -719528; day <= 2932896; day++) {
		doppel_format_date(day, buf);
		assert_int_equal(strlen(buf), 10);
		assert_int_equal(doppel_parse_date(buf, 10, &d), DOPPEL_OK);
		if (d != day)
			fail_msg("%s parsed as %d, not %d", buf, (int)d, (int)day);
		if (strcmp(prev, buf) >= 0)
			fail_msg("%s does not follow %s", buf, prev);
		memcpy(prev, buf, sizeof(buf));
	}
}

/* The C library agrees on every day of 1901 to 2099 (timegm range). */
static void test_against_gmtime(void **state)
{
	(void)state;
	char buf[11], want[16];
	for (int32_t day = -25202; day < 47482; day++) {
		time_t t = (time_t)day * 86400;
		struct tm tm;
		assert_non_null(gmtime_r(&t, &tm));
		assert_int_equal(strftime(want, sizeof(want), "%Y-%m-%d", &tm), 10);
		assert_string_equal(doppel_format_date(day, buf), want);
	}
}

/* The date doppel__text_date finds in text ("" for none), and its kind. */
static const char *text_date(const char *text, int *kind)
{
	static char buf[11];
	int32_t d = DOPPEL_NO_DATE;
	*kind = doppel__text_date(text, strlen(text), &d);
	if (*kind == DOPPEL__DATE_NONE && d != DOPPEL_NO_DATE)
		fail_msg("no date found, yet the date was set");
	return doppel_format_date(d, buf);
}

static void assert_text_date(const char *text, const char *want, int want_kind)
{
	int kind;
	const char *got = text_date(text, &kind);
	if (strcmp(got, want) != 0 || kind != want_kind)
		fail_msg("\"%s\": got \"%s\" (kind %d), want \"%s\" (kind %d)", text, got, kind,
		         want, want_kind);
}

/* Each form on its own. */
static void test_text_date_forms(void **state)
{
	(void)state;
	assert_text_date("date 2024-03-05\nBody.", "2024-03-05", DOPPEL__DATE_MARKER);
	assert_text_date("Update: 2024-03-07 09:12 GMT\n\nBody.", "2024-03-07",
	                 DOPPEL__DATE_UPDATE);
	assert_text_date("Updated March 7, 2024\n\nBody.", "2024-03-07", DOPPEL__DATE_UPDATE);
	assert_text_date("Published March 5, 2024\n\nBody.", "2024-03-05",
	                 DOPPEL__DATE_PUBLISHED);
	assert_text_date("By Jo Lind. Published: 5 March 2024, 10:00\nBody.", "2024-03-05",
	                 DOPPEL__DATE_PUBLISHED);
	assert_text_date("first PUBLISHED on Sept. 30, 2023\nBody.", "2023-09-30",
	                 DOPPEL__DATE_PUBLISHED);
	assert_text_date("2024-03-05T09:12:00Z\nBody.", "2024-03-05", DOPPEL__DATE_STAMP);
	assert_text_date("Posted 2024-03-05 09:12 by the desk\nBody.", "2024-03-05",
	                 DOPPEL__DATE_STAMP);
	assert_text_date("5 Mar 2024\nBody.", "2024-03-05", DOPPEL__DATE_LOOSE);
	assert_text_date("Jo Lind | 5th Mar. 2024\nBody.", "2024-03-05", DOPPEL__DATE_LOOSE);
	assert_text_date("Jo Lind, March 5 2024\nBody.", "2024-03-05", DOPPEL__DATE_LOOSE);
	assert_text_date("2024-03-05\r\nBody.", "2024-03-05", DOPPEL__DATE_LOOSE);
	assert_text_date("GENEVA, March 5, 2024 (Reuters) - The envoy said.", "2024-03-05",
	                 DOPPEL__DATE_DATELINE);
	assert_text_date("NEW YORK, Jan. 3, 2024 \xe2\x80\x94 Shares fell.", "2024-01-03",
	                 DOPPEL__DATE_DATELINE);
	assert_text_date("Plain text without a date.", "", DOPPEL__DATE_NONE);
	assert_text_date("", "", DOPPEL__DATE_NONE);
}

/* Things that look like dates and are not, or are not the article's. */
static void test_text_date_refused(void **state)
{
	(void)state;
	/* not calendar dates */
	assert_text_date("Update: 2024-02-30 09:12 GMT\nBody.", "", DOPPEL__DATE_NONE);
	assert_text_date("Published February 30, 2024\nBody.", "", DOPPEL__DATE_NONE);
	assert_text_date("31 Apr 2024\nBody.", "", DOPPEL__DATE_NONE);
	/* glued to words or numbers */
	assert_text_date("date 2024-03-05GENEVA: Body.", "", DOPPEL__DATE_NONE);
	assert_text_date("Ref 2024-03-05GENEVA\nBody.", "", DOPPEL__DATE_NONE);
	assert_text_date("Ref 5 Mar 2024a\nBody.", "", DOPPEL__DATE_NONE);
	assert_text_date("ref 12024-03-05\nBody.", "", DOPPEL__DATE_NONE);
	assert_text_date("5 Marchers 2024\nBody.", "", DOPPEL__DATE_NONE);
	assert_text_date("Mar 5 20245\nBody.", "", DOPPEL__DATE_NONE);
	/* a bare date inside a sentence, or on a long line, is the subject */
	assert_text_date("The date 2024-03-05 was set.\nBody.", "", DOPPEL__DATE_NONE);
	assert_text_date("The treaty of 12 January 2019 is the basis of the talks that began on "
	                 "Monday between the two delegations in Geneva, the envoy said\nBody.",
	                 "", DOPPEL__DATE_NONE);
	/* a dateline needs a place in capitals and a dash */
	assert_text_date("Geneva, March 5 (Reuters) - Body.", "", DOPPEL__DATE_NONE);
	assert_text_date("GENEVA, March 5, 2024 the envoy said.", "", DOPPEL__DATE_NONE);
	/* a year too short */
	assert_text_date("5 Mar 24\nBody.", "", DOPPEL__DATE_NONE);
}

/* Only the head counts: four non-blank lines within 1,000 bytes. */
static void test_text_date_head(void **state)
{
	(void)state;
	assert_text_date("One.\n\nTwo.\n\nThree.\n\n5 Mar 2024\nFive.", "2024-03-05",
	                 DOPPEL__DATE_LOOSE);
	assert_text_date("One.\nTwo.\nThree.\nFour.\n5 Mar 2024\n", "", DOPPEL__DATE_NONE);
	assert_text_date("One.\nTwo.\nThree.\nFour.\ndate 2024-03-05\n", "", DOPPEL__DATE_NONE);
	char text[1200];
	memset(text, 'x', sizeof(text));
	for (size_t i = 80; i < 990; i += 80)
		text[i] = ' ';
	memcpy(text + 990, " Update: 2024-03-07 09:12", 25);
	text[sizeof(text) - 1] = '\0';
	/* the stamp starts in the head but runs past its end */
	assert_text_date(text, "", DOPPEL__DATE_NONE);
	memcpy(text + 900, " Update: 2024-03-07 09:12", 25);
	assert_text_date(text, "2024-03-07", DOPPEL__DATE_UPDATE);
}

/* Stronger kinds win wherever they are in the head; the first of a kind. */
static void test_text_date_precedence(void **state)
{
	(void)state;
	const char *all = "Jo Lind | 1 Mar 2024\n"
	                  "GENEVA, March 2 (Reuters) - Talks.\n"
	                  "Update: 2024-03-03 09:12 GMT\n"
	                  "2024-03-04T09:12:00Z Published March 5, 2024\n";
	assert_text_date(all, "2024-03-05", DOPPEL__DATE_PUBLISHED);
	assert_text_date("date 2024-03-06\nPublished March 5, 2024\n", "2024-03-06",
	                 DOPPEL__DATE_MARKER);
	assert_text_date("Update: 2024-03-03 09:12 GMT\n2024-03-04T09:12:00Z\n", "2024-03-04",
	                 DOPPEL__DATE_STAMP);
	assert_text_date("GENEVA, March 2, 2024 (Reuters) - Talks.\nUpdate: 2024-03-03 09:12\n",
	                 "2024-03-03", DOPPEL__DATE_UPDATE);
	assert_text_date("Jo Lind | 1 Mar 2024\nGENEVA, March 2, 2024 (Reuters) - Talks.\n",
	                 "2024-03-02", DOPPEL__DATE_DATELINE);
	assert_text_date("Update: 2024-03-03 09:12\nUpdate: 2024-03-09 10:00\n", "2024-03-03",
	                 DOPPEL__DATE_UPDATE);
}

/* A dateline without a year takes the nearest year of another date. */
static void test_text_date_dateline_year(void **state)
{
	(void)state;
	/* from a loose date in the head */
	assert_text_date("Jo Lind | 1 Mar 2024\nGENEVA, March 2 (Reuters) - Talks.\n",
	                 "2024-03-02", DOPPEL__DATE_DATELINE);
	/* from a date deep in the body; across a new year */
	assert_text_date("PARIS, Dec. 31 (AFP) - Talks.\nOne.\nTwo.\nThree.\nFour.\n"
	                 "The deal of January 2, 2025 holds.",
	                 "2024-12-31", DOPPEL__DATE_DATELINE);
	assert_text_date("PARIS, Jan. 2 (AFP) - Talks.\nThe deal of 30 December 2024 holds.",
	                 "2025-01-02", DOPPEL__DATE_DATELINE);
	/* February 29 only in a leap year near the other date */
	assert_text_date("ROME, Feb. 29 - Talks.\nThe deal of 1 March 2023 holds.", "2024-02-29",
	                 DOPPEL__DATE_DATELINE);
	/* the public wrapper says the same */
	int32_t d = 5;
	assert_int_equal(doppel_text_date("GENEVA, March 5 (Reuters) - x.\n5 Mar 2024\n", 42, &d),
	                 DOPPEL_OK);
	assert_string_equal(doppel_format_date(d, (char[11]){0}), "2024-03-05");
	d = 5;
	assert_int_equal(doppel_text_date("No date.", 8, &d), DOPPEL_END);
	assert_int_equal(d, 5);
	assert_int_equal(doppel_text_date(NULL, 0, &d), DOPPEL_E_ARG);
	/* no other date: undated */
	assert_text_date("GENEVA, March 5 (Reuters) - Talks went on.\nNo year here.\n", "",
	                 DOPPEL__DATE_NONE);
	/* a stronger date is not overruled */
	assert_text_date("Update: 2024-03-07 09:12\nGENEVA, March 5 (Reuters) - Talks.\n",
	                 "2024-03-07", DOPPEL__DATE_UPDATE);
	/* UTF-8 capitals in the place name */
	assert_text_date("S\xc3\x83O PAULO, May 4 - Talks.\n2024-05-05\n", "2024-05-04",
	                 DOPPEL__DATE_DATELINE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_date_forms),
		cmocka_unit_test(test_text_date_refused),
		cmocka_unit_test(test_text_date_head),
		cmocka_unit_test(test_text_date_precedence),
		cmocka_unit_test(test_text_date_dateline_year),
		cmocka_unit_test(test_known_days),     cmocka_unit_test(test_leap_years),
		cmocka_unit_test(test_invalid),        cmocka_unit_test(test_longer_stamps),
		cmocka_unit_test(test_format),         cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_against_gmtime),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
