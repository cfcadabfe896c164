/*
 * test_utf8.c — UTF-8 validation (RFC 3629, NUL refused) and repair, each
 * against a slow decoder written from the RFC's table; Windows-1252
 * decoding against code points written out from the WHATWG index; NUL
 * bytes and byte order marks.
 */
#include "testutil.h"

#include "internal.h"

/* Length of the well-formed sequence at s, 0 when ill-formed: RFC 3629,
 * section 4, byte by byte. NUL counts as ill-formed here. */
static size_t ref_seq(const unsigned char *s, size_t n)
{
	static const struct {
		unsigned char lo[4], hi[4];
		size_t len;
	} rows[] = {
		{{0x01}, {0x7F}, 1},
		{{0xC2, 0x80}, {0xDF, 0xBF}, 2},
		{{0xE0, 0xA0, 0x80}, {0xE0, 0xBF, 0xBF}, 3},
		{{0xE1, 0x80, 0x80}, {0xEC, 0xBF, 0xBF}, 3},
		{{0xED, 0x80, 0x80}, {0xED, 0x9F, 0xBF}, 3},
		{{0xEE, 0x80, 0x80}, {0xEF, 0xBF, 0xBF}, 3},
		{{0xF0, 0x90, 0x80, 0x80}, {0xF0, 0xBF, 0xBF, 0xBF}, 4},
		{{0xF1, 0x80, 0x80, 0x80}, {0xF3, 0xBF, 0xBF, 0xBF}, 4},
		{{0xF4, 0x80, 0x80, 0x80}, {0xF4, 0x8F, 0xBF, 0xBF}, 4},
	};
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		size_t k = rows[r].len, i;
		if (n < k)
			continue;
		for (i = 0; i < k; i++)
			if (s[i] < rows[r].lo[i] || s[i] > rows[r].hi[i])
				break;
		if (i == k)
			return k;
	}
	return 0;
}

static bool ref_valid(const char *str, size_t n, size_t *bad)
{
	const unsigned char *s = (const unsigned char *)str;
	for (size_t i = 0; i < n;) {
		size_t k = ref_seq(s + i, n - i);
		if (!k) {
			*bad = i;
			return false;
		}
		i += k;
	}
	return true;
}

static void assert_valid(const char *s, size_t n)
{
	size_t bad = 12345;
	assert_true(doppel__utf8_valid(s, n, &bad));
	assert_int_equal(bad, 12345); /* untouched */
}

static void assert_bad_at(const char *s, size_t n, size_t at)
{
	size_t bad = 12345;
	assert_false(doppel__utf8_valid(s, n, &bad));
	assert_int_equal(bad, at);
	assert_false(doppel__utf8_valid(s, n, NULL)); /* bad may be NULL */
}

static void test_valid(void **state)
{
	(void)state;
	assert_valid("", 0);
	assert_valid("plain ascii text, long enough for the fast path", 47);
	assert_valid("\xc2\x80", 2);             /* U+0080, the first of two bytes */
	assert_valid("\xdf\xbf", 2);             /* U+07FF */
	assert_valid("\xe0\xa0\x80", 3);         /* U+0800 */
	assert_valid("\xed\x9f\xbf", 3);         /* U+D7FF, below the surrogates */
	assert_valid("\xee\x80\x80", 3);         /* U+E000, above them */
	assert_valid("\xef\xbf\xbd", 3);         /* U+FFFD */
	assert_valid("\xf0\x90\x80\x80", 4);     /* U+10000 */
	assert_valid("\xf4\x8f\xbf\xbf", 4);     /* U+10FFFF, the last */
	assert_valid("caf\xc3\xa9 \xe2\x82\xac 5 \xf0\x9f\x98\x80 done, then ascii", 33);
	/* a length that cuts off a NUL after the end */
	assert_valid("abc\0", 3);
}

static void test_invalid(void **state)
{
	(void)state;
	assert_bad_at("\x80", 1, 0);                 /* lone continuation */
	assert_bad_at("ab\xbf", 3, 2);
	assert_bad_at("ab\xc0\xaf", 4, 2);           /* overlong '/' */
	assert_bad_at("\xc1\xbf", 2, 0);             /* overlong two bytes */
	assert_bad_at("\xe0\x80\xaf", 3, 0);         /* overlong three bytes */
	assert_bad_at("\xe0\x9f\xbf", 3, 0);         /* overlong U+07FF */
	assert_bad_at("\xf0\x80\x80\xaf", 4, 0);     /* overlong four bytes */
	assert_bad_at("\xf0\x8f\xbf\xbf", 4, 0);     /* overlong U+FFFF */
	assert_bad_at("x\xed\xa0\x80", 4, 1);        /* U+D800 */
	assert_bad_at("\xed\xbf\xbf", 3, 0);         /* U+DFFF */
	assert_bad_at("\xf4\x90\x80\x80", 4, 0);     /* U+110000 */
	assert_bad_at("\xf5\x80\x80\x80", 4, 0);
	assert_bad_at("\xfe", 1, 0);
	assert_bad_at("\xff", 1, 0);
	assert_bad_at("\xe2\x82", 2, 0);             /* cut short at the end */
	assert_bad_at("\xe2\x82z", 3, 0);            /* cut short by ASCII */
	assert_bad_at("\xf0\x9f\x98", 3, 0);
	assert_bad_at("\xc3\xa9\xc3", 3, 2);
	/* NUL bytes: in the 8-byte fast path, in the tail, alone */
	assert_bad_at("\0", 1, 0);
	assert_bad_at("abcdefghij\0klmnopqrstu", 22, 10);
	assert_bad_at("abc\0efgh", 8, 3);
	assert_bad_at("abcdefgh\0", 9, 8);
	/* a bad byte in the second word of the fast path */
	assert_bad_at("01234567abcdef\x80h", 16, 14);
	/* after multibyte characters the offset still counts bytes */
	assert_bad_at("\xc3\xa9\xc3\xa9\xc3\xa9\xff", 7, 6);
}

/* Every position of a bad byte in texts of every length up to 40, so both
 * the 8-byte words and the tail see it. */
static void test_every_position(void **state)
{
	(void)state;
	char buf[48];
	for (size_t n = 1; n <= 40; n++) {
		for (size_t at = 0; at < n; at++) {
			static const char bad[] = {'\0', '\x80', '\xff', '\xc0'};
			for (size_t b = 0; b < sizeof(bad); b++) {
				memset(buf, 'a', n);
				buf[at] = bad[b];
				assert_bad_at(buf, n, at);
			}
		}
		memset(buf, 'a', n);
		assert_valid(buf, n);
	}
}

/* A small deterministic generator (xorshift64). */
static uint64_t next_rand(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Random bytes biased toward UTF-8 shapes: validation agrees with the
 * reference, repair gives valid text that keeps every valid prefix, and
 * repair changes nothing in valid text. */
static void test_random_against_reference(void **state)
{
	(void)state;
	static const unsigned char pieces[] = {'a', ' ', 0x00, 0x7F, 0x80, 0xBF, 0xC2, 0xDF, 0xE0,
	                                       0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xA0, 0x9F, 0x90, 0x8F};
	uint64_t x = UINT64_C(0x9E3779B97F4A7C15);
	char in[64], out[3 * 64 + 1], again[3 * 3 * 64 + 1];
	int valid = 0;
	for (int round = 0; round < 200000; round++) {
		size_t n = next_rand(&x) % sizeof(in);
		for (size_t i = 0; i < n; i++) {
			uint64_t v = next_rand(&x);
			in[i] = (char)(v % 3 == 0 ? pieces[(v >> 8) % sizeof(pieces)] : (v >> 16) & 0xFF);
		}
		size_t bad = 0, ref_bad = 0;
		bool ok = doppel__utf8_valid(in, n, &bad);
		assert_int_equal(ok, ref_valid(in, n, &ref_bad));
		size_t m = doppel__utf8_repair(in, n, out);
		assert_true(m <= 3 * n);
		assert_int_equal(out[m], '\0');
		assert_true(ref_valid(out, m, &ref_bad));
		if (ok) {
			valid++;
			assert_int_equal(m, n);
			assert_memory_equal(out, in, n);
		} else {
			assert_int_equal(bad, ref_bad);
			assert_memory_equal(out, in, bad); /* the valid prefix is kept */
			/* repaired text is a fixed point */
			size_t m2 = doppel__utf8_repair(out, m, again);
			assert_int_equal(m2, m);
			assert_memory_equal(again, out, m);
		}
	}
	assert_true(valid > 1000); /* the generator does make valid text */
}

static void test_repair(void **state)
{
	(void)state;
	char out[64];
	size_t n = doppel__utf8_repair("a\xff" "b\0c\xe2\x82", 7, out);
	assert_string_equal(out, "a\xef\xbf\xbd" "bc\xef\xbf\xbd\xef\xbf\xbd");
	assert_int_equal(n, strlen(out));
	/* one U+FFFD per bad byte; valid neighbours are kept */
	n = doppel__utf8_repair("\xc0\xaf\xc3\xa9", 4, out);
	assert_string_equal(out, "\xef\xbf\xbd\xef\xbf\xbd\xc3\xa9");
	/* a surrogate is three bad bytes */
	n = doppel__utf8_repair("\xed\xa0\x80!", 4, out);
	assert_int_equal(n, 10);
	assert_string_equal(out, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd!");
	/* NULs alone: dropped, nothing put in their place */
	n = doppel__utf8_repair("\0\0x\0", 4, out);
	assert_int_equal(n, 1);
	assert_string_equal(out, "x");
	n = doppel__utf8_repair("", 0, out);
	assert_int_equal(n, 0);
	assert_string_equal(out, "");
	/* the worst case fills exactly 3 * n + 1 bytes */
	memset(out, 'z', sizeof(out));
	n = doppel__utf8_repair("\xff\xff\xff\xff", 4, out);
	assert_int_equal(n, 12);
	assert_int_equal(out[12], '\0');
	assert_int_equal(out[13], 'z');
}

/* The code point of the UTF-8 sequence at s (valid, 1 to 3 bytes), and
 * its length in *len. */
static unsigned decode_one(const unsigned char *s, size_t *len)
{
	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	if (s[0] < 0xE0) {
		*len = 2;
		return (unsigned)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
	}
	*len = 3;
	return (unsigned)(s[0] & 0x0F) << 12 | (unsigned)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
}

/* Every byte decodes to its code point: ASCII and 0xA0..0xFF to themselves,
 * 0x80..0x9F by the table, the five undefined bytes to C1 controls; NUL to
 * a space. The output is valid UTF-8 and fits 3 * n + 1 bytes. */
static void test_cp1252_every_byte(void **state)
{
	(void)state;
	static const struct {
		unsigned char byte;
		unsigned cp;
	} known[] = {
		{0x80, 0x20AC}, /* euro sign */
		{0x81, 0x0081}, /* undefined: C1 control */
		{0x85, 0x2026}, /* ellipsis */
		{0x8D, 0x008D}, {0x8F, 0x008F}, {0x90, 0x0090},
		{0x91, 0x2018}, /* curly quotes */
		{0x92, 0x2019}, {0x93, 0x201C}, {0x94, 0x201D},
		{0x96, 0x2013}, /* en dash */
		{0x97, 0x2014}, /* em dash */
		{0x99, 0x2122}, /* trade mark */
		{0x9D, 0x009D}, {0x9F, 0x0178},
		{0xA3, 0x00A3}, /* pound sign */
		{0xE9, 0x00E9}, /* e acute */
		{0xFF, 0x00FF},
	};
	unsigned char in[256];
	for (int i = 0; i < 256; i++)
		in[i] = (unsigned char)i;
	char out[3 * 256 + 1];
	memset(out, 'z', sizeof(out));
	size_t n = doppel__cp1252_to_utf8((const char *)in, 256, out);
	assert_true(n < sizeof(out));
	assert_int_equal(out[n], '\0');
	size_t bad;
	assert_true(doppel__utf8_valid(out, n, &bad));
	unsigned cps[256];
	size_t at = 0;
	for (int i = 0; i < 256; i++) {
		size_t len;
		cps[i] = decode_one((const unsigned char *)out + at, &len);
		at += len;
	}
	assert_int_equal(at, n);
	assert_int_equal(cps[0], ' ');
	for (unsigned i = 1; i < 0x80; i++)
		assert_int_equal(cps[i], i);
	for (unsigned i = 0xA0; i < 0x100; i++)
		assert_int_equal(cps[i], i);
	for (size_t k = 0; k < sizeof(known) / sizeof(*known); k++)
		assert_int_equal(cps[known[k].byte], known[k].cp);
	/* 0x80..0x9F never decode to a byte's own value except where the
	 * code page leaves it undefined */
	int c1 = 0;
	for (unsigned i = 0x80; i < 0xA0; i++)
		c1 += cps[i] == i;
	assert_int_equal(c1, 5);

	/* the worst case fills exactly 3 * n + 1 bytes */
	memset(out, 'z', sizeof(out));
	n = doppel__cp1252_to_utf8("\x80\x80", 2, out);
	assert_int_equal(n, 6);
	assert_string_equal(out, "\xe2\x82\xac\xe2\x82\xac");
	assert_int_equal(out[7], 'z');
	n = doppel__cp1252_to_utf8("", 0, out);
	assert_int_equal(n, 0);
	assert_string_equal(out, "");
	n = doppel__cp1252_to_utf8("caf\xe9 \x93ok\x94", 9, out);
	assert_string_equal(out, "caf\xc3\xa9 \xe2\x80\x9cok\xe2\x80\x9d");
}

static void test_nul_and_bom(void **state)
{
	(void)state;
	char s[] = "a\0b\0\0c";
	assert_int_equal(doppel__nul_to_space(s, 6), 3);
	assert_memory_equal(s, "a b  c", 6);
	assert_int_equal(doppel__nul_to_space(s, 6), 0);
	char z[1] = {0};
	assert_int_equal(doppel__nul_to_space(z, 1), 1);
	assert_int_equal(z[0], ' ');
	assert_int_equal(doppel__nul_to_space(z, 0), 0);
	assert_int_equal(doppel__bom_len("\xef\xbb\xbfx", 4), 3);
	assert_int_equal(doppel__bom_len("\xef\xbb\xbf", 3), 3);
	assert_int_equal(doppel__bom_len("\xef\xbb", 2), 0);
	assert_int_equal(doppel__bom_len("x\xef\xbb\xbf", 4), 0);
	assert_int_equal(doppel__bom_len("", 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_every_position),
		cmocka_unit_test(test_random_against_reference),
		cmocka_unit_test(test_repair),
		cmocka_unit_test(test_cp1252_every_byte),
		cmocka_unit_test(test_nul_and_bom),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
