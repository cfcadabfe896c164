/*
 * test_date.c — calendar dates to days since 1970-01-01 and back.
 */
#include "testutil.h"

#include <time.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_days),     cmocka_unit_test(test_leap_years),
		cmocka_unit_test(test_invalid),        cmocka_unit_test(test_longer_stamps),
		cmocka_unit_test(test_format),         cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_against_gmtime),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
