/*
 * test_read.c — the reader: formats, metadata in .txt files, and every
 * kind of bad input, each reported with its place and skipped.
 */
#include "testutil.h"

#include <zstd.h>

#include <stdlib.h>

#include "internal.h"

struct fx {
	char *dir;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	f->dir = test_tmpdir();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	test_rmdir(f->dir);
	free(f);
	return 0;
}

static const char *path_in(struct fx *f, const char *name)
{
	static char buf[4][1024];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", f->dir, name);
	return buf[k];
}

static void put(struct fx *f, const char *name, const char *data, size_t len)
{
	test_write(path_in(f, name), data, len);
}

static doppel_reader *reader(const doppel_read_options *o, const char *path)
{
	doppel_reader *r = doppel_reader_new(o);
	assert_non_null(r);
	assert_int_equal(doppel_reader_add_path(r, path), DOPPEL_OK);
	return r;
}

static void test_jsonl_with_bad_lines(void **state)
{
	struct fx *f = *state;
	const char data[] = "{\"id\":\"a\",\"title\":\"T\",\"text\":\"First text.\",\"date\":\"2024-03-05\","
	                    "\"source\":\"wire\",\"url\":\"http://x/a\"}\n"
	                    "{\"id\":\"b\",\"text\":broken}\n"
	                    "\n"
	                    "{\"id\":\"c\",\"text\":\"bad \xff byte\"}\n"
	                    "{\"id\":\"d\",\"text\":\"  \"}\n"
	                    "{\"id\":\"e\",\"text\":\"x\",\"date\":\"2024-02-30\"}\n"
	                    "{\"id\":5,\"text\":\"numbered\",\"date\":\"2024-02-29T10:00:00Z\"}\n"
	                    "[1,2]\n"
	                    "{\"text\":\"no id\"}\n"
	                    "{\"id\":\"f\",\"text\":7}\n"
	                    "{\"id\":\"g\",\"text\":\"nul \\u0000 escaped\"}\n";
	put(f, "feed.jsonl", data, sizeof(data) - 1);
	doppel_reader *r = reader(NULL, path_in(f, "feed.jsonl"));
	doppel_article a;
	assert_int_equal(doppel_reader_next(r, &a), DOPPEL_OK);
	assert_string_equal(a.id, "a");
	assert_string_equal(a.title, "T");
	assert_string_equal(a.text, "First text.");
	assert_int_equal(a.text_len, 11);
	assert_string_equal(a.source, "wire");
	assert_string_equal(a.url, "http://x/a");
	char d[11];
	assert_string_equal(doppel_format_date(a.date, d), "2024-03-05");
	assert_non_null(strstr(a.origin, "feed.jsonl:1"));

	assert_int_equal(doppel_reader_next(r, &a), DOPPEL_E_JSON);
	assert_non_null(strstr(doppel_reader_errmsg(r), "feed.jsonl:2: "));
	/* line 3 is blank: skipped without a word */
	assert_int_equal(doppel_reader_next(r, &a), DOPPEL_E_UTF8);
	assert_non_null(strstr(doppel_reader_errmsg(r), "feed.jsonl:4: invalid UTF-8 at byte 22"));
	assert_int_equal(doppel_reader_next(r, &a), DOPPEL_E_EMPTY);
	assert_non_null(strstr(doppel_reader_errmsg(r), "feed.jsonl:5"));
	assert_int_equal(doppel_reader_next(r, &a), DOPPEL_E_FORMAT);
	assert_non_null(strstr(doppel_reader_errmsg(r), "2024-02-30"));
	assert_int_equal(doppel_reader_next(r, &a), DOPPEL_OK);
	assert_string_equal(a.id, "5");
	assert_string_equal(doppel_format_date(a.date, d), "2024-02-29");
	assert_int_equal(doppel_reader_next(r, &a), DOPPEL_E_JSON); /* not an object */
	assert_int_equal(doppel_reader_next(r, &a), DOPPEL_OK);     /* no id: FILE:LINE */
	assert_non_null(strstr(a.id, "feed.jsonl:9"));
	assert_int_equal(doppel_reader_next(r, &a), DOPPEL_E_JSON); /* text not a string */
	assert_non_null(strstr(doppel_reader_errmsg(r), "\"text\""));
	assert_int_equal(doppel_reader_next(r, &a), DOPPEL_E_JSON); /* \u0000 refused */
	assert_int_equal(doppel_reader_next(r, &a), DOPPEL_END);
	assert_int_equal(doppel_reader_bytes(r), sizeof(data) - 1);
	doppel_reader_free(r);
	doppel_reader_free(NULL);
}

static void test_repair_and_fields(void **state)
{
	struct fx *f = *state;
	const char data[] = "{\"doc\":\"x1\",\"body\":\"caf\xe9 ok\",\"when\":\"2023-12-31\"}\n";
	put(f, "custom.ndjson", data, sizeof(data) - 1);
	doppel_read_options o;
	doppel_read_options_init(&o);
	o.id_field = "doc";
	o.text_field = "body";
	o.date_field = "when";
	o.repair_utf8 = 1;
	doppel_reader *r = reader(&o, path_in(f, "custom.ndjson"));
	doppel_article a;
	assert_int_equal(doppel_reader_next(r, &a), DOPPEL_OK);
	assert_string_equal(a.id, "x1");
	assert_string_equal(a.text, "caf\xef\xbf\xbd ok");
	size_t bad;
	assert_true(doppel__utf8_valid(a.text, a.text_len, &bad));
	doppel_reader_free(r);
}

static void test_txt_metadata(void **state)
{
	struct fx *f = *state;
	assert_int_equal(mkdir(path_in(f, "news"), 0755), 0);
	assert_int_equal(mkdir(path_in(f, "news/wire"), 0755), 0);
	const char a[] = "Talks end with a deal\n\ndate 2024-03-05\n\nGENEVA: The envoy said.\n";
	const char b[] = " date 2024-03-06 GENEVA: The envoy spoke on Monday.\nMore text.\n";
	const char c[] = "No headline here, just a sentence that ends.\nAnd another one.\n";
	const char bad[] = "Has a \0 NUL byte";
	put(f, "news/wire/a.txt", a, sizeof(a) - 1);
	put(f, "news/b.txt", b, sizeof(b) - 1);
	put(f, "news/wire/c.txt", c, sizeof(c) - 1);
	put(f, "news/wire/d.txt", bad, sizeof(bad) - 1);
	put(f, "news/wire/ignored.csv", "x", 1);
	put(f, "news/empty.txt", "", 0);
	doppel_reader *r = reader(NULL, path_in(f, "news"));
	doppel_article x;
	char d[11];
	/* Sorted walk: b.txt, empty.txt, then wire/. */
	assert_int_equal(doppel_reader_next(r, &x), DOPPEL_OK);
	assert_string_equal(x.id, "b");
	assert_null(x.source);
	assert_null(x.title);
	assert_string_equal(doppel_format_date(x.date, d), "2024-03-06");
	assert_string_equal(x.text, "GENEVA: The envoy spoke on Monday.\nMore text.\n");
	assert_int_equal(doppel_reader_next(r, &x), DOPPEL_E_EMPTY);
	assert_non_null(strstr(doppel_reader_errmsg(r), "empty.txt"));
	assert_int_equal(doppel_reader_next(r, &x), DOPPEL_OK);
	assert_string_equal(x.id, "wire/a");
	assert_string_equal(x.source, "wire");
	assert_string_equal(x.title, "Talks end with a deal");
	assert_string_equal(doppel_format_date(x.date, d), "2024-03-05");
	assert_string_equal(x.text, "GENEVA: The envoy said.\n");
	assert_int_equal(doppel_reader_next(r, &x), DOPPEL_OK);
	assert_string_equal(x.id, "wire/c");
	assert_null(x.title);
	assert_int_equal(x.date, DOPPEL_NO_DATE);
	assert_int_equal(doppel_reader_next(r, &x), DOPPEL_E_UTF8);
	assert_non_null(strstr(doppel_reader_errmsg(r), "d.txt: invalid UTF-8 at byte 6 (a NUL byte)"));
	assert_int_equal(doppel_reader_next(r, &x), DOPPEL_END);
	doppel_reader_free(r);

	/* A file given directly: its name is its id. */
	r = reader(NULL, path_in(f, "news/wire/a.txt"));
	assert_int_equal(doppel_reader_next(r, &x), DOPPEL_OK);
	assert_string_equal(x.id, "a");
	doppel_reader_free(r);
}

static void test_missing_and_zstd(void **state)
{
	struct fx *f = *state;
	const char plain[] = "{\"id\":\"z1\",\"text\":\"compressed text\"}\n"
	                     "{\"id\":\"z2\",\"text\":\"more compressed text\"}\n";
	char z[512];
	size_t zn = ZSTD_compress(z, sizeof(z), plain, sizeof(plain) - 1, 3);
	assert_false(ZSTD_isError(zn));
	put(f, "c.jsonl.zst", z, zn);
	put(f, "broken.jsonl.zst", "not zstd at all", 15);
	doppel_reader *r = doppel_reader_new(NULL);
	assert_int_equal(doppel_reader_add_path(r, path_in(f, "nothere.jsonl")), DOPPEL_OK);
	assert_int_equal(doppel_reader_add_path(r, path_in(f, "broken.jsonl.zst")), DOPPEL_OK);
	assert_int_equal(doppel_reader_add_path(r, path_in(f, "c.jsonl.zst")), DOPPEL_OK);
	doppel_article a;
	assert_int_equal(doppel_reader_next(r, &a), DOPPEL_E_NOTFOUND);
	assert_non_null(strstr(doppel_reader_errmsg(r), "nothere.jsonl: no such file"));
	assert_int_equal(doppel_reader_next(r, &a), DOPPEL_E_IO);
	assert_non_null(strstr(doppel_reader_errmsg(r), "broken.jsonl.zst: zstd"));
	assert_int_equal(doppel_reader_next(r, &a), DOPPEL_OK);
	assert_string_equal(a.id, "z1");
	assert_int_equal(doppel_reader_next(r, &a), DOPPEL_OK);
	assert_string_equal(a.text, "more compressed text");
	assert_int_equal(doppel_reader_next(r, &a), DOPPEL_END);
	assert_int_equal(doppel_reader_bytes(r), sizeof(plain) - 1);
	doppel_reader_free(r);
}

/* A 50 MB article, in one JSON line and in one .txt file; and the size
 * limit, after which reading goes on. */
static void test_huge(void **state)
{
	struct fx *f = *state;
	const size_t big = 50u << 20;
	char *text = malloc(big + 64);
	assert_non_null(text);
	for (size_t i = 0; i < big; i++)
		text[i] = "abcdefgh ij.\n"[i % 13];
	text[big] = '\0';
	put(f, "big.txt", text, big);
	FILE *out = fopen(path_in(f, "big.jsonl"), "wb");
	assert_non_null(out);
	fputs("{\"id\":\"big\",\"text\":\"", out);
	for (size_t i = 0; i < big; i++)
		fputc(text[i] == '\n' ? ' ' : text[i], out);
	fputs("\"}\n{\"id\":\"after\",\"text\":\"small\"}\n", out);
	fclose(out);
	doppel_article a;
	doppel_reader *r = reader(NULL, path_in(f, "big.txt"));
	assert_int_equal(doppel_reader_add_path(r, path_in(f, "big.jsonl")), DOPPEL_OK);
	assert_int_equal(doppel_reader_next(r, &a), DOPPEL_OK);
	assert_int_equal(a.text_len, big);
	assert_int_equal(doppel_reader_next(r, &a), DOPPEL_OK);
	assert_string_equal(a.id, "big");
	assert_int_equal(a.text_len, big);
	assert_int_equal(doppel_reader_next(r, &a), DOPPEL_OK);
	assert_string_equal(a.id, "after");
	doppel_reader_free(r);

	doppel_read_options o;
	doppel_read_options_init(&o);
	o.max_record_bytes = 1u << 20;
	r = reader(&o, path_in(f, "big.jsonl"));
	assert_int_equal(doppel_reader_next(r, &a), DOPPEL_E_TOOBIG);
	assert_non_null(strstr(doppel_reader_errmsg(r), "big.jsonl:1"));
	assert_int_equal(doppel_reader_next(r, &a), DOPPEL_OK);
	assert_string_equal(a.id, "after");
	doppel_reader_free(r);
	free(text);
}

/* Disjoint ranges that cover a file give every record exactly once,
 * wherever the cuts fall (inside a line, on a newline, after it). */
static void test_ranges(void **state)
{
	struct fx *f = *state;
	char data[4096];
	size_t len = 0;
	for (int i = 0; i < 40; i++)
		len += (size_t)snprintf(data + len, sizeof(data) - len,
		                        "{\"id\":\"r%d\",\"text\":\"record %d%s\"}\n", i, i,
		                        i % 3 ? "" : " with a longer text");
	put(f, "r.jsonl", data, len);
	for (size_t cut1 = 0; cut1 <= len; cut1 += 7) {
		size_t cut2 = cut1 + (len - cut1) / 2;
		uint64_t bounds[4] = {0, cut1, cut2, len};
		int seen[40] = {0};
		for (int k = 0; k < 3; k++) {
			doppel_reader *r = doppel_reader_new(NULL);
			assert_int_equal(doppel_reader_add_range(r, path_in(f, "r.jsonl"), bounds[k],
			                                         bounds[k + 1]),
			                 DOPPEL_OK);
			doppel_article a;
			int rc;
			while ((rc = doppel_reader_next(r, &a)) != DOPPEL_END) {
				assert_int_equal(rc, DOPPEL_OK);
				seen[strtol(a.id + 1, NULL, 10)]++;
			}
			doppel_reader_free(r);
		}
		for (int i = 0; i < 40; i++)
			assert_int_equal(seen[i], 1);
	}
	doppel_reader *r = doppel_reader_new(NULL);
	assert_int_equal(doppel_reader_add_range(r, "x.jsonl.zst", 0, 10), DOPPEL_E_ARG);
	assert_int_equal(doppel_reader_add_range(r, "-", 0, 10), DOPPEL_E_ARG);
	doppel_reader_free(r);
}

static void test_dates(void **state)
{
	(void)state;
	int32_t d;
	char buf[11];
	assert_int_equal(doppel_parse_date("1970-01-01", 10, &d), DOPPEL_OK);
	assert_int_equal(d, 0);
	assert_int_equal(doppel_parse_date("1969-12-31", 10, &d), DOPPEL_OK);
	assert_int_equal(d, -1);
	assert_int_equal(doppel_parse_date("2000-02-29", 10, &d), DOPPEL_OK);
	assert_string_equal(doppel_format_date(d, buf), "2000-02-29");
	assert_int_equal(doppel_parse_date("2024-03-05", 10, &d), DOPPEL_OK);
	assert_int_equal(d, 19787);
	assert_int_equal(doppel_parse_date("1900-02-29", 10, &d), DOPPEL_E_FORMAT);
	assert_int_equal(doppel_parse_date("2023-02-29", 10, &d), DOPPEL_E_FORMAT);
	assert_int_equal(doppel_parse_date("2024-13-01", 10, &d), DOPPEL_E_FORMAT);
	assert_int_equal(doppel_parse_date("2024-04-31", 10, &d), DOPPEL_E_FORMAT);
	assert_int_equal(doppel_parse_date("2024-4-1", 8, &d), DOPPEL_E_FORMAT);
	assert_int_equal(doppel_parse_date("2024-04-01x", 11, &d), DOPPEL_E_FORMAT);
	assert_int_equal(doppel_parse_date("2024-04-01T23:59:59+02:00", 25, &d), DOPPEL_OK);
	assert_string_equal(doppel_format_date(DOPPEL_NO_DATE, buf), "");
}

static void test_utf8(void **state)
{
	(void)state;
	size_t bad = 99;
	assert_true(doppel__utf8_valid("plain ascii text, long enough for words", 39, &bad));
	assert_true(doppel__utf8_valid("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9, &bad));
	assert_false(doppel__utf8_valid("ab\xc0\xaf", 4, &bad)); /* overlong */
	assert_int_equal(bad, 2);
	assert_false(doppel__utf8_valid("\xed\xa0\x80", 3, &bad)); /* surrogate */
	assert_false(doppel__utf8_valid("\xf4\x90\x80\x80", 4, &bad)); /* > U+10FFFF */
	assert_false(doppel__utf8_valid("abcdefghij\0kl", 13, &bad));  /* NUL */
	assert_int_equal(bad, 10);
	assert_false(doppel__utf8_valid("\xe2\x82", 2, &bad)); /* cut short */
	char out[64];
	size_t n = doppel__utf8_repair("a\xff" "b\0c\xe2\x82", 7, out);
	assert_string_equal(out, "a\xef\xbf\xbd" "bc\xef\xbf\xbd\xef\xbf\xbd");
	assert_int_equal(n, strlen(out));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_jsonl_with_bad_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_repair_and_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_txt_metadata, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_and_zstd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_huge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ranges, setup, teardown),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
