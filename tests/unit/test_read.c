/*
 * test_read.c — the reader: formats, metadata in .txt files, and every
 * kind of bad input, each reported with its place and skipped.
 */
#include "testutil.h"

#include <zstd.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

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

	assert_null(doppel_reader_warning(r));
	assert_int_equal(doppel_reader_next(r, &a), DOPPEL_E_JSON);
	assert_non_null(strstr(doppel_reader_errmsg(r), "feed.jsonl:2: broken JSON at byte 17: "));
	/* line 3 is blank: skipped without a word; line 4 is not UTF-8 */
	assert_int_equal(doppel_reader_next(r, &a), DOPPEL_OK);
	assert_string_equal(a.text, "bad \xc3\xbf byte");
	assert_non_null(strstr(doppel_reader_warning(r),
	                       "feed.jsonl:4: not UTF-8 (byte 22); read as Windows-1252"));
	assert_int_equal(doppel_reader_next(r, &a), DOPPEL_E_EMPTY);
	assert_null(doppel_reader_warning(r));
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
	assert_int_equal(doppel_reader_next(r, &a), DOPPEL_OK); /* \u0000 is a space */
	assert_string_equal(a.text, "nul   escaped");
	assert_int_equal(doppel_reader_next(r, &a), DOPPEL_END);
	assert_int_equal(doppel_reader_bytes(r), sizeof(data) - 1);
	doppel_read_stats st;
	doppel_reader_stats(r, &st);
	assert_int_equal(st.records, 5);
	assert_int_equal(st.rejected, 5);
	assert_int_equal(st.cp1252, 1);
	assert_int_equal(st.repaired, 0);
	assert_int_equal(st.bytes, sizeof(data) - 1);
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

/* t from its first byte that is not white space. */
static const char *skip_white(const char *t)
{
	while (*t == ' ' || *t == '\t' || *t == '\r' || *t == '\n')
		t++;
	return t;
}

/* The body of a .txt article's text: from its first byte that is not
 * white space (the reader blanks a title, a date line and a date marker
 * out of the text, spaces in their place). */
static const char *body(const doppel_article *a)
{
	return skip_white(a->text);
}

/* A .txt article's text keeps the file's offsets: as long as the file
 * (n bytes), each byte the file's, or a space where the reader blanked
 * something out (a byte order mark, a title, a date marker, a NUL). */
static void assert_offsets_kept(const doppel_article *a, const char *file, size_t n)
{
	assert_int_equal(a->text_len, n);
	for (size_t i = 0; i < n; i++)
		if (a->text[i] != file[i] && a->text[i] != ' ')
			fail_msg("byte %zu: 0x%02x, not the file's 0x%02x", i,
			         (unsigned char)a->text[i], (unsigned char)file[i]);
}

/* What is left of a .txt article's text read from file (n bytes) without
 * the bytes the reader blanked out, from its first byte that is not white
 * space, in buf (n + 1 bytes). */
static const char *unblanked(const doppel_article *a, const char *file, size_t n, char *buf)
{
	size_t m = 0;
	for (size_t i = 0; i < n && i < a->text_len; i++)
		if (a->text[i] == file[i] || file[i] == ' ')
			buf[m++] = a->text[i];
	buf[m] = '\0';
	return skip_white(buf);
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
	assert_string_equal(body(&x), "GENEVA: The envoy spoke on Monday.\nMore text.\n");
	assert_int_equal(doppel_reader_next(r, &x), DOPPEL_E_EMPTY);
	assert_non_null(strstr(doppel_reader_errmsg(r), "empty.txt"));
	assert_int_equal(doppel_reader_next(r, &x), DOPPEL_OK);
	assert_string_equal(x.id, "wire/a");
	assert_string_equal(x.source, "wire");
	assert_string_equal(x.title, "Talks end with a deal");
	assert_string_equal(doppel_format_date(x.date, d), "2024-03-05");
	assert_string_equal(body(&x), "GENEVA: The envoy said.\n");
	assert_int_equal(doppel_reader_next(r, &x), DOPPEL_OK);
	assert_string_equal(x.id, "wire/c");
	assert_null(x.title);
	assert_int_equal(x.date, DOPPEL_NO_DATE);
	/* a NUL byte reads as a space: same length, nothing to warn of */
	assert_int_equal(doppel_reader_next(r, &x), DOPPEL_OK);
	assert_string_equal(body(&x), "Has a   NUL byte");
	assert_null(doppel_reader_warning(r));
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

/* A JSON Lines file r.jsonl of n records "r0".."r<n-1>", every third with a
 * longer text (in Windows-1252 when marked), every fifth after a byte
 * order mark when marked; its length. */
static size_t ranged_file(struct fx *f, int n, bool marked)
{
	char data[8192];
	size_t len = 0;
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(data + len, sizeof(data) - len,
		                        "%s{\"id\":\"r%d\",\"text\":\"record %d%s\"}\n",
		                        marked && i % 5 == 0 ? "\xef\xbb\xbf" : "", i, i,
		                        i % 3    ? ""
		                        : marked ? " caf\xe9 in Windows-1252"
		                                 : " with a longer text");
	assert_true(len < sizeof(data));
	put(f, "r.jsonl", data, len);
	return len;
}

/* A reader of the k-th of the ranges [bounds[k], bounds[k + 1]) of r.jsonl. */
static doppel_reader *range_reader(struct fx *f, const uint64_t *bounds, int k)
{
	doppel_reader *r = doppel_reader_new(NULL);
	assert_int_equal(
		doppel_reader_add_range(r, path_in(f, "r.jsonl"), bounds[k], bounds[k + 1]),
		DOPPEL_OK);
	return r;
}

/* Disjoint ranges that cover a file give every record exactly once,
 * wherever the cuts fall (inside a line, on a newline, after it). */
static void test_ranges(void **state)
{
	struct fx *f = *state;
	const size_t len = ranged_file(f, 40, false);
	for (size_t cut1 = 0; cut1 <= len; cut1 += 7) {
		size_t cut2 = cut1 + (len - cut1) / 2;
		uint64_t bounds[4] = {0, cut1, cut2, len};
		int seen[40] = {0};
		for (int k = 0; k < 3; k++) {
			doppel_reader *r = range_reader(f, bounds, k);
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

/* Reads the next record, which must be an article. */
static void next_ok(doppel_reader *r, doppel_article *a)
{
	int rc = doppel_reader_next(r, a);
	if (rc != DOPPEL_OK)
		fail_msg("expected an article, got %d: %s", rc, doppel_reader_errmsg(r));
	/* text is NUL-terminated at text_len and holds no NUL before it */
	assert_non_null(a->text);
	assert_int_equal(strlen(a->text), a->text_len);
	assert_non_null(a->id);
}

/* Reads the next record, which must be the error code with msg in its
 * message. */
static void next_err(doppel_reader *r, int code, const char *msg)
{
	doppel_article a;
	int rc = doppel_reader_next(r, &a);
	if (rc != code || !strstr(doppel_reader_errmsg(r), msg))
		fail_msg("expected %d \"%s\", got %d \"%s\"", code, msg, rc, doppel_reader_errmsg(r));
}

static void next_end(doppel_reader *r)
{
	doppel_article a;
	int rc = doppel_reader_next(r, &a);
	if (rc != DOPPEL_END)
		fail_msg("expected the end, got %d: %s", rc, doppel_reader_errmsg(r));
	/* and it stays at the end */
	assert_int_equal(doppel_reader_next(r, &a), DOPPEL_END);
}

static const char *date_str(int32_t d)
{
	static char buf[11];
	return doppel_format_date(d, buf);
}

/* Every custom field name, and the default names then ignored. */
static void test_custom_fields(void **state)
{
	struct fx *f = *state;
	const char data[] = "{\"doc\":\"x1\",\"head\":\"H\",\"body\":\"the body\",\"when\":\"2023-12-31\","
	                    "\"outlet\":\"wire\",\"link\":\"http://x\",\"id\":\"no\",\"text\":\"no\","
	                    "\"title\":\"no\",\"date\":\"bad\",\"source\":\"no\",\"url\":\"no\"}\n"
	                    "{\"doc\":null,\"head\":null,\"body\":\"second\",\"when\":null,"
	                    "\"outlet\":null,\"link\":null}\n"
	                    "{\"doc\":\"x3\",\"text\":\"only the default name\"}\n"
	                    "{\"doc\":\"x4\",\"body\":\"t\",\"head\":3}\n"
	                    "{\"doc\":\"x5\",\"body\":\"t\",\"link\":[]}\n"
	                    "{\"doc\":\"x6\",\"body\":\"t\",\"outlet\":true}\n"
	                    "{\"doc\":\"x7\",\"body\":\"t\",\"when\":20240101}\n"
	                    "{\"doc\":\"x8\",\"body\":\"t\",\"when\":\"March 5\"}\n";
	put(f, "custom.ndjson", data, sizeof(data) - 1);
	doppel_read_options o;
	doppel_read_options_init(&o);
	o.id_field = "doc";
	o.title_field = "head";
	o.text_field = "body";
	o.date_field = "when";
	o.source_field = "outlet";
	o.url_field = "link";
	doppel_reader *r = reader(&o, path_in(f, "custom.ndjson"));
	doppel_article a;
	next_ok(r, &a);
	assert_string_equal(a.id, "x1");
	assert_string_equal(a.title, "H");
	assert_string_equal(a.text, "the body");
	assert_string_equal(date_str(a.date), "2023-12-31");
	assert_string_equal(a.source, "wire");
	assert_string_equal(a.url, "http://x");
	next_ok(r, &a); /* null is "not given" for every optional field */
	assert_non_null(strstr(a.id, "custom.ndjson:2"));
	assert_string_equal(a.origin, a.id);
	assert_null(a.title);
	assert_null(a.source);
	assert_null(a.url);
	assert_int_equal(a.date, DOPPEL_NO_DATE);
	next_err(r, DOPPEL_E_JSON, "custom.ndjson:3: field \"body\" is missing");
	next_err(r, DOPPEL_E_JSON, "custom.ndjson:4: field \"head\" must be a string");
	next_err(r, DOPPEL_E_JSON, "custom.ndjson:5: field \"link\" must be a string");
	next_err(r, DOPPEL_E_JSON, "custom.ndjson:6: field \"outlet\" must be a string");
	next_err(r, DOPPEL_E_JSON, "custom.ndjson:7: field \"when\" must be a string");
	next_err(r, DOPPEL_E_FORMAT, "custom.ndjson:8: field \"when\": \"March 5\"");
	next_end(r);
	doppel_reader_free(r);
}

static void test_ids(void **state)
{
	struct fx *f = *state;
	const char data[] = "{\"id\":42,\"text\":\"a\"}\n"
	                    "{\"id\":-7,\"text\":\"b\"}\n"
	                    "{\"id\":9007199254740993,\"text\":\"c\"}\n"
	                    "{\"id\":1.5,\"text\":\"d\"}\n"
	                    "{\"id\":\"\",\"text\":\"e\"}\n"
	                    "{\"id\":true,\"text\":\"f\"}\n"
	                    "{\"id\":null,\"text\":\"g\"}\n"
	                    "  {\"text\":\"h\", \"id\":\"spaced\"}  \r\n";
	put(f, "ids.jsonl", data, sizeof(data) - 1);
	doppel_reader *r = reader(NULL, path_in(f, "ids.jsonl"));
	doppel_article a;
	next_ok(r, &a);
	assert_string_equal(a.id, "42");
	next_ok(r, &a);
	assert_string_equal(a.id, "-7");
	next_ok(r, &a);
	assert_string_equal(a.id, "9007199254740993");
	next_err(r, DOPPEL_E_JSON, "ids.jsonl:4: field \"id\"");
	next_err(r, DOPPEL_E_JSON, "ids.jsonl:5: field \"id\"");
	next_err(r, DOPPEL_E_JSON, "ids.jsonl:6: field \"id\"");
	next_ok(r, &a);
	assert_non_null(strstr(a.id, "ids.jsonl:7"));
	next_ok(r, &a);
	assert_string_equal(a.id, "spaced");
	assert_string_equal(a.text, "h");
	next_end(r);
	doppel_reader_free(r);
}

/* A bad byte and a raw NUL byte in JSON lines: the bad byte's line is read
 * as Windows-1252 with a warning, refused with its offset (strict), or
 * repaired; the NUL is a space in every mode; the records around them come
 * out either way. */
static void test_utf8_records(void **state)
{
	(void)state;
	const char *path = test_data("read/utf8.jsonl");
	doppel_reader *r = reader(NULL, path);
	doppel_article a;
	char want[4400];
	next_ok(r, &a);
	assert_string_equal(a.id, "u1");
	next_ok(r, &a);
	assert_string_equal(a.text, "bad \xc3\xbf byte");
	snprintf(want, sizeof(want), "%s:2: not UTF-8 (byte 23); read as Windows-1252", path);
	assert_string_equal(doppel_reader_warning(r), want);
	next_ok(r, &a);
	assert_string_equal(a.text, "nul   byte");
	assert_null(doppel_reader_warning(r));
	next_ok(r, &a);
	assert_string_equal(a.id, "u4");
	next_end(r);
	doppel_reader_free(r);

	doppel_read_options o;
	doppel_read_options_init(&o);
	o.strict_utf8 = 1;
	o.repair_utf8 = 1; /* strict wins */
	r = reader(&o, path);
	next_ok(r, &a);
	snprintf(want, sizeof(want), "%s:2: invalid UTF-8 at byte 23", path);
	next_err(r, DOPPEL_E_UTF8, want);
	assert_ptr_equal(strstr(doppel_reader_errmsg(r), path), doppel_reader_errmsg(r));
	next_ok(r, &a);
	assert_string_equal(a.text, "nul   byte");
	next_ok(r, &a);
	assert_string_equal(a.id, "u4");
	next_end(r);
	doppel_reader_free(r);

	doppel_read_options_init(&o);
	o.repair_utf8 = 1;
	r = reader(&o, path);
	next_ok(r, &a);
	next_ok(r, &a);
	assert_string_equal(a.text, "bad \xef\xbf\xbd byte");
	assert_null(doppel_reader_warning(r));
	next_ok(r, &a);
	assert_string_equal(a.text, "nul   byte");
	next_ok(r, &a);
	assert_string_equal(a.id, "u4");
	next_end(r);
	doppel_read_stats st;
	doppel_reader_stats(r, &st);
	assert_int_equal(st.repaired, 1);
	assert_int_equal(st.cp1252, 0);
	doppel_reader_free(r);
}

static void test_txt_repair(void **state)
{
	struct fx *f = *state;
	const char t[] = "Headline \xff here\n\nBody with a \0 NUL and \xc0\xaf an overlong.\n";
	put(f, "bad.txt", t, sizeof(t) - 1);
	doppel_article a;
	doppel_reader *r = reader(NULL, path_in(f, "bad.txt"));
	next_ok(r, &a);
	assert_string_equal(a.title, "Headline \xc3\xbf here");
	assert_string_equal(body(&a), "Body with a   NUL and \xc3\x80\xc2\xaf an overlong.\n");
	char want[4400];
	snprintf(want, sizeof(want), "%s: not UTF-8 (byte 9); read as Windows-1252",
	         path_in(f, "bad.txt"));
	assert_string_equal(doppel_reader_warning(r), want);
	next_end(r);
	doppel_reader_free(r);
	doppel_read_options o;
	doppel_read_options_init(&o);
	o.strict_utf8 = 1;
	r = reader(&o, path_in(f, "bad.txt"));
	snprintf(want, sizeof(want), "%s: invalid UTF-8 at byte 9", path_in(f, "bad.txt"));
	next_err(r, DOPPEL_E_UTF8, want);
	next_end(r);
	doppel_reader_free(r);
	doppel_read_options_init(&o);
	o.repair_utf8 = 1;
	r = reader(&o, path_in(f, "bad.txt"));
	next_ok(r, &a);
	assert_string_equal(a.title, "Headline \xef\xbf\xbd here");
	assert_string_equal(body(&a), "Body with a   NUL and \xef\xbf\xbd\xef\xbf\xbd an overlong.\n");
	size_t bad;
	assert_true(doppel__utf8_valid(a.text, a.text_len, &bad));
	next_end(r);
	doppel_reader_free(r);
}

/* Title and date in .txt files: what is there is read, nothing required. */
static void test_txt_heuristics(void **state)
{
	struct fx *f = *state;
	char longline[300];
	memset(longline, 'w', sizeof(longline));
	for (size_t i = 5; i < sizeof(longline); i += 6)
		longline[i] = ' ';
	longline[sizeof(longline) - 1] = '\0';
	char title201[202], only_title_then_long[600], long_title[300], long_body[320];
	memset(title201, 'T', 201);
	title201[201] = '\0';
	snprintf(only_title_then_long, sizeof(only_title_then_long), "Short title\n%s\n", longline);
	snprintf(long_title, sizeof(long_title), "%s\n\nBody.\n", title201);
	snprintf(long_body, sizeof(long_body), "%s\n", longline);
	const struct {
		const char *in, *title, *date, *text;
	} cases[] = {
		/* headline, blank line, date line, body */
		{"Talks end with a deal\n\ndate 2024-03-05\n\nGENEVA: The envoy said.\n",
		 "Talks end with a deal", "2024-03-05", "GENEVA: The envoy said.\n"},
		/* a date leading the first paragraph, no headline */
		{" date 2024-03-05 GENEVA: The envoy said on Monday.\nMore.\n", NULL, "2024-03-05",
		 "GENEVA: The envoy said on Monday.\nMore.\n"},
		/* headline, then the dated paragraph right after it */
		{"Talks end\n date 2024-03-05 GENEVA: The envoy said.\n", "Talks end", "2024-03-05",
		 "GENEVA: The envoy said.\n"},
		/* a date line first, then the headline */
		{"date 2024-03-05\nTalks end\n\nBody.\n", "Talks end", "2024-03-05", "Body.\n"},
		/* blank lines before everything */
		{"\n\n  Spaced title  \n\nBody.\n", "Spaced title", "", "Body.\n"},
		/* sentences, not headlines: . ! ? and a quote closing them */
		{"He said \"no.\"\n\nBody.\n", NULL, "", "He said \"no.\"\n\nBody.\n"},
		{"He asked \xe2\x80\x9cwhy?\xe2\x80\x9d\n\nBody.\n", NULL, "",
		 "He asked \xe2\x80\x9cwhy?\xe2\x80\x9d\n\nBody.\n"},
		{"Is it over?\n\nBody.\n", NULL, "", "Is it over?\n\nBody.\n"},
		{"It is over!\n\nBody.\n", NULL, "", "It is over!\n\nBody.\n"},
		{"As follows:\n\nBody.\n", NULL, "", "As follows:\n\nBody.\n"},
		/* a quote without a sentence end inside is a headline */
		{"Minister: \"We stay\"\n\nBody.\n", "Minister: \"We stay\"", "", "Body.\n"},
		/* the only short line before a body of long lines */
		{only_title_then_long, "Short title", "", long_body},
		/* two short lines: prose, not a headline */
		{"Short line\nanother short line.\n", NULL, "", "Short line\nanother short line.\n"},
		/* nothing after it: the headline is the text */
		{"Only a headline\n", NULL, "", "Only a headline\n"},
		{"Only a headline\n\n\n", NULL, "", "Only a headline\n\n\n"},
		/* over 200 bytes */
		{long_title, NULL, "", long_title},
		/* the marker in any case, with spaces around */
		{"DATE   2024-03-05  \nBody.\n", NULL, "2024-03-05", "Body.\n"},
		{"\tDate\t2024-03-05\nBody.\n", NULL, "2024-03-05", "Body.\n"},
		/* not a calendar date: not a marker, left in the text */
		{"date 2024-02-30\n\nBody.\n", NULL, "", "date 2024-02-30\n\nBody.\n"},
		/* not a marker: glued to a word, or a date not at a line start */
		{"Title\n\ndate 2024-03-05GENEVA: Body.\n", "Title", "", "date 2024-03-05GENEVA: Body.\n"},
		{"Title\n\nThe date 2024-03-05 was set.\n", "Title", "", "The date 2024-03-05 was set.\n"},
		/* a date line in the first lines after the title */
		{"Title\n\nOne.\n\nTwo.\n\ndate 2024-03-05\n\nThree.\n", "Title", "2024-03-05",
		 "One.\n\nTwo.\n\n \n\nThree.\n"},
		/* but not far down the text */
		{"Title\n\nOne.\nTwo.\nThree.\nFour.\ndate 2024-03-05\n", "Title", "",
		 "One.\nTwo.\nThree.\nFour.\ndate 2024-03-05\n"},
		/* only the first marker counts */
		{"date 2024-03-05\n\nBody.\ndate 2024-03-06\n", NULL, "2024-03-05",
		 "Body.\ndate 2024-03-06\n"},
		/* a longer stamp after the marker is not a marker, but a time stamp
		 * dates the text it stays in */
		{"date 2024-03-05T10:00\n\nBody.\n", NULL, "2024-03-05",
		 "date 2024-03-05T10:00\n\nBody.\n"},
		/* no newline at the end */
		{"date 2024-03-05", NULL, NULL, NULL},
		{"Title\n\ndate 2024-03-05", NULL, NULL, NULL},
		{"plain text", NULL, "", "plain text"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		put(f, "h.txt", cases[i].in, strlen(cases[i].in));
		doppel_reader *r = reader(NULL, path_in(f, "h.txt"));
		doppel_article a;
		int rc = doppel_reader_next(r, &a);
		if (!cases[i].text) {
			/* nothing but metadata: an empty text */
			if (rc != DOPPEL_E_EMPTY)
				fail_msg("case %zu: got %d, not DOPPEL_E_EMPTY", i, rc);
			assert_non_null(strstr(doppel_reader_errmsg(r), "h.txt: empty text"));
		} else {
			if (rc != DOPPEL_OK)
				fail_msg("case %zu: %s", i, doppel_reader_errmsg(r));
			if (cases[i].title == NULL ? a.title != NULL
			                           : !a.title || strcmp(a.title, cases[i].title))
				fail_msg("case %zu: title \"%s\"", i, a.title ? a.title : "(null)");
			if (strcmp(date_str(a.date), cases[i].date))
				fail_msg("case %zu: date \"%s\"", i, date_str(a.date));
			const size_t n = strlen(cases[i].in);
			char left[700];
			assert_true(n < sizeof(left));
			assert_offsets_kept(&a, cases[i].in, n);
			const char *text = unblanked(&a, cases[i].in, n, left);
			if (strcmp(text, cases[i].text))
				fail_msg("case %zu: text \"%s\"", i, text);
			assert_string_equal(a.id, "h");
			assert_null(a.source);
			assert_non_null(strstr(a.origin, "h.txt"));
		}
		next_end(r);
		doppel_reader_free(r);
	}
}

/* The fixture tree: byte order, hidden and foreign files skipped, ids and
 * sources relative to the argument, errors in place. */
static void test_walk_fixture(void **state)
{
	(void)state;
	char root[4200];
	snprintf(root, sizeof(root), "%s", test_data("read/news"));
	/* with a trailing slash the ids are the same */
	for (int slash = 0; slash < 2; slash++) {
		char arg[4300];
		snprintf(arg, sizeof(arg), "%s%s", root, slash ? "/" : "");
		doppel_reader *r = reader(NULL, arg);
		doppel_article a;
		char want[4400];
		next_ok(r, &a);
		assert_string_equal(a.id, "B");
		assert_null(a.title); /* ends in ."  */
		assert_null(a.source);
		snprintf(want, sizeof(want), "%s/B.txt", root);
		assert_string_equal(a.origin, want);
		next_ok(r, &a);
		assert_string_equal(a.id, "a/x");
		assert_string_equal(a.source, "a");
		assert_string_equal(a.title, "A story in a folder");
		assert_string_equal(date_str(a.date), "2024-03-05");
		assert_string_equal(body(&a), "GENEVA: The envoy met both delegations.\n");
		next_ok(r, &a);
		assert_string_equal(a.id, "a-b");
		assert_string_equal(date_str(a.date), "2024-03-06");
		assert_string_equal(body(&a), "GENEVA: The envoy spoke on Tuesday.\nShe said talks would go on.\n");
		next_ok(r, &a);
		assert_string_equal(a.id, "a");
		assert_string_equal(a.title, "Talks resume in Geneva");
		assert_string_equal(date_str(a.date), "2024-03-07");
		assert_string_equal(body(&a), "GENEVA: The talks resumed.\n");
		next_ok(r, &a);
		assert_string_equal(a.id, "deep/er/c");
		assert_string_equal(a.source, "deep/er");
		assert_null(a.title);
		snprintf(want, sizeof(want), "%s/empty.txt: empty text", root);
		next_err(r, DOPPEL_E_EMPTY, want);
		next_ok(r, &a);
		assert_string_equal(a.id, "j1");
		assert_string_equal(a.title, "First");
		assert_string_equal(a.source, "wire");
		assert_string_equal(a.url, "http://example.org/j1");
		snprintf(want, sizeof(want), "%s/feed.jsonl:1", root);
		assert_string_equal(a.origin, want);
		snprintf(want, sizeof(want), "%s/feed.jsonl:2: ", root);
		next_err(r, DOPPEL_E_JSON, want);
		next_ok(r, &a);
		assert_string_equal(a.id, "j3");
		next_ok(r, &a);
		assert_string_equal(a.id, "\xc3\xa4");
		next_end(r);
		doppel_reader_free(r);
	}
}

static void test_crlf(void **state)
{
	(void)state;
	doppel_reader *r = reader(NULL, test_data("read/crlf.txt"));
	doppel_article a;
	next_ok(r, &a);
	assert_string_equal(a.id, "crlf");
	assert_string_equal(a.title, "Title line");
	assert_string_equal(date_str(a.date), "2024-02-29");
	assert_string_equal(body(&a), "Body with CRLF line ends.\r\n");
	next_end(r);
	doppel_reader_free(r);
}

/* Several paths, in the order added, each error in its place. */
static void test_paths_in_order(void **state)
{
	struct fx *f = *state;
	const char one[] = "{\"id\":\"1\",\"text\":\"one\"}\n";
	put(f, "one.jsonl", one, sizeof(one) - 1);
	put(f, "two.txt", "two\n", 4);
	put(f, "plain", "x", 1);
	doppel_reader *r = doppel_reader_new(NULL);
	assert_int_equal(doppel_reader_add_path(r, path_in(f, "two.txt")), DOPPEL_OK);
	assert_int_equal(doppel_reader_add_path(r, path_in(f, "nothere")), DOPPEL_OK);
	assert_int_equal(doppel_reader_add_path(r, path_in(f, "plain/x.jsonl")), DOPPEL_OK);
	assert_int_equal(doppel_reader_add_path(r, path_in(f, "one.jsonl")), DOPPEL_OK);
	assert_int_equal(doppel_reader_add_path(r, ""), DOPPEL_E_ARG);
	assert_int_equal(doppel_reader_add_path(r, NULL), DOPPEL_E_ARG);
	assert_int_equal(doppel_reader_add_path(NULL, "x"), DOPPEL_E_ARG);
	doppel_article a;
	next_ok(r, &a);
	assert_string_equal(a.id, "two");
	assert_string_equal(body(&a), "two\n");
	char want[4400];
	snprintf(want, sizeof(want), "%s: no such file or directory", path_in(f, "nothere"));
	next_err(r, DOPPEL_E_NOTFOUND, want);
	assert_string_equal(doppel_reader_errmsg(r), want);
	/* a path that cannot be reached is an I/O error, named */
	next_err(r, DOPPEL_E_IO, "plain/x.jsonl: ");
	next_ok(r, &a);
	assert_string_equal(a.id, "1");
	next_end(r);
	assert_int_equal(doppel_reader_bytes(r), 4 + sizeof(one) - 1);
	doppel_reader_free(r);
	/* an empty reader ends at once; errmsg is never NULL */
	r = doppel_reader_new(NULL);
	assert_non_null(doppel_reader_errmsg(r));
	next_end(r);
	doppel_reader_free(r);
}

static void test_empty_inputs(void **state)
{
	struct fx *f = *state;
	put(f, "empty.jsonl", "", 0);
	put(f, "blank.jsonl", "\n  \n\t\r\n\n", 8);
	put(f, "ws.txt", " \n\t\n  \r\n", 8);
	const char e[] = "{\"id\":\"a\",\"text\":\"\"}\n{\"id\":\"b\",\"text\":\" \\n\\t \"}\n";
	put(f, "emptytext.jsonl", e, sizeof(e) - 1);
	assert_int_equal(mkdir(path_in(f, "nothing"), 0755), 0);
	doppel_reader *r = doppel_reader_new(NULL);
	assert_int_equal(doppel_reader_add_path(r, path_in(f, "empty.jsonl")), DOPPEL_OK);
	assert_int_equal(doppel_reader_add_path(r, path_in(f, "blank.jsonl")), DOPPEL_OK);
	assert_int_equal(doppel_reader_add_path(r, path_in(f, "nothing")), DOPPEL_OK);
	assert_int_equal(doppel_reader_add_path(r, path_in(f, "ws.txt")), DOPPEL_OK);
	assert_int_equal(doppel_reader_add_path(r, path_in(f, "emptytext.jsonl")), DOPPEL_OK);
	next_err(r, DOPPEL_E_EMPTY, "ws.txt: empty text");
	next_err(r, DOPPEL_E_EMPTY, "emptytext.jsonl:1: empty text");
	next_err(r, DOPPEL_E_EMPTY, "emptytext.jsonl:2: empty text");
	next_end(r);
	doppel_reader_free(r);
}

/* Standard input: JSON Lines, or one text with its title and date. */
static void test_stdin(void **state)
{
	struct fx *f = *state;
	const char j[] = "{\"id\":\"s1\",\"text\":\"from stdin\"}\nnot json\n";
	put(f, "in.jsonl", j, sizeof(j) - 1);
	assert_non_null(freopen(path_in(f, "in.jsonl"), "rb", stdin));
	doppel_reader *r = reader(NULL, "-");
	doppel_article a;
	next_ok(r, &a);
	assert_string_equal(a.id, "s1");
	assert_string_equal(a.origin, "-:1");
	assert_int_equal(a.where, 0); /* standard input is read once */
	next_err(r, DOPPEL_E_JSON, "-:2: ");
	next_end(r);
	assert_int_equal(doppel_reader_bytes(r), sizeof(j) - 1);
	doppel_reader_free(r);

	const char t[] = "Stdin headline\n\n date 2024-03-05 GENEVA: The text.\n";
	put(f, "in.txt", t, sizeof(t) - 1);
	assert_non_null(freopen(path_in(f, "in.txt"), "rb", stdin));
	doppel_read_options o;
	doppel_read_options_init(&o);
	o.stdin_format = 1;
	r = reader(&o, "-");
	next_ok(r, &a);
	assert_string_equal(a.id, "-");
	assert_null(a.source);
	assert_string_equal(a.title, "Stdin headline");
	assert_string_equal(date_str(a.date), "2024-03-05");
	assert_string_equal(body(&a), "GENEVA: The text.\n");
	assert_int_equal(a.where, 0);
	next_end(r);
	doppel_reader_free(r);
}

static size_t compress_into(char **out, const char *data, size_t len)
{
	size_t cap = ZSTD_compressBound(len);
	*out = malloc(cap);
	assert_non_null(*out);
	size_t n = ZSTD_compress(*out, cap, data, len, 1);
	assert_false(ZSTD_isError(n));
	return n;
}

/* zstd: a stream that decodes to many buffers, two frames, a .txt.zst,
 * an empty file, and a stream cut short — reported, then the next path. */
static void test_zstd_streams(void **state)
{
	struct fx *f = *state;
	const int nrec = 30000;
	size_t cap = (size_t)nrec * 64, len = 0;
	char *plain = malloc(cap);
	assert_non_null(plain);
	for (int i = 0; i < nrec; i++)
		len += (size_t)snprintf(plain + len, cap - len,
		                        "{\"id\":\"r%d\",\"text\":\"record number %d\"}\n", i, i);
	char *z1, *z2;
	size_t half = len / 2;
	while (plain[half - 1] != '\n')
		half++;
	size_t n1 = compress_into(&z1, plain, half);
	size_t n2 = compress_into(&z2, plain + half, len - half);
	FILE *out = fopen(path_in(f, "two.jsonl.zst"), "wb");
	assert_non_null(out);
	assert_int_equal(fwrite(z1, 1, n1, out), n1);
	assert_int_equal(fwrite(z2, 1, n2, out), n2);
	assert_int_equal(fclose(out), 0);
	/* the first frame, cut in the middle */
	put(f, "cut.jsonl.zst", z1, n1 / 2);
	put(f, "empty.jsonl.zst", "", 0);
	char *zt;
	const char t[] = "Compressed title\n\ndate 2024-01-02\n\nCompressed body.\n";
	size_t nt = compress_into(&zt, t, sizeof(t) - 1);
	assert_int_equal(mkdir(path_in(f, "d"), 0755), 0);
	put(f, "d/art.txt.zst", zt, nt);

	doppel_reader *r = doppel_reader_new(NULL);
	assert_int_equal(doppel_reader_add_path(r, path_in(f, "two.jsonl.zst")), DOPPEL_OK);
	assert_int_equal(doppel_reader_add_path(r, path_in(f, "cut.jsonl.zst")), DOPPEL_OK);
	assert_int_equal(doppel_reader_add_path(r, path_in(f, "empty.jsonl.zst")), DOPPEL_OK);
	assert_int_equal(doppel_reader_add_path(r, path_in(f, "d")), DOPPEL_OK);
	doppel_article a;
	for (int i = 0; i < nrec; i++) {
		next_ok(r, &a);
		char id[16];
		snprintf(id, sizeof(id), "r%d", i);
		assert_string_equal(a.id, id);
	}
	int before_cut = 0, rc;
	while ((rc = doppel_reader_next(r, &a)) == DOPPEL_OK)
		before_cut++;
	assert_int_equal(rc, DOPPEL_E_IO);
	assert_non_null(strstr(doppel_reader_errmsg(r), "cut.jsonl.zst: zstd: "));
	assert_true(before_cut < nrec / 2);
	next_ok(r, &a);
	assert_string_equal(a.id, "art");
	assert_string_equal(a.title, "Compressed title");
	assert_string_equal(date_str(a.date), "2024-01-02");
	assert_string_equal(body(&a), "Compressed body.\n");
	next_end(r);
	doppel_reader_free(r);
	free(z1);
	free(z2);
	free(zt);
	free(plain);
}

/* A .txt over the limit is refused and the next path is read. */
static void test_txt_too_big(void **state)
{
	struct fx *f = *state;
	char big[5000];
	memset(big, 'x', sizeof(big));
	put(f, "big.txt", big, sizeof(big));
	put(f, "small.txt", "small\n", 6);
	doppel_read_options o;
	doppel_read_options_init(&o);
	o.max_record_bytes = 4096;
	doppel_reader *r = reader(&o, path_in(f, "big.txt"));
	assert_int_equal(doppel_reader_add_path(r, path_in(f, "small.txt")), DOPPEL_OK);
	next_err(r, DOPPEL_E_TOOBIG, "big.txt: article over 4096 bytes");
	doppel_article a;
	next_ok(r, &a);
	assert_string_equal(a.id, "small");
	next_end(r);
	doppel_reader_free(r);
}

/* A link back up the tree is not followed round and round. */
static void test_symlink_loop(void **state)
{
	struct fx *f = *state;
	assert_int_equal(mkdir(path_in(f, "top"), 0755), 0);
	assert_int_equal(mkdir(path_in(f, "top/sub"), 0755), 0);
	put(f, "top/sub/a.txt", "text\n", 5);
	assert_int_equal(symlink("..", path_in(f, "top/sub/up")), 0);
	doppel_reader *r = reader(NULL, path_in(f, "top"));
	doppel_article a;
	next_ok(r, &a);
	assert_string_equal(a.id, "sub/a");
	next_end(r);
	doppel_reader_free(r);
}


/* The bytes of a fixture file; caller frees. */
static char *slurp(const char *path, size_t *len)
{
	FILE *in = fopen(path, "rb");
	assert_non_null(in);
	char *buf = malloc(1 << 16);
	assert_non_null(buf);
	*len = fread(buf, 1, 1 << 16, in);
	fclose(in);
	return buf;
}

/* A Windows-1252 file: decoded whole, with one warning naming it; counted;
 * refused with --strict-utf8. */
static void test_cp1252_txt(void **state)
{
	(void)state;
	const char *path = test_data("read/cp1252.txt");
	doppel_reader *r = reader(NULL, path);
	doppel_article a;
	next_ok(r, &a);
	assert_string_equal(a.title, "Council \xe2\x80\x9cpauses\xe2\x80\x99 the caf\xc3\xa9 tax");
	assert_string_equal(date_str(a.date), "2024-05-02");
	assert_string_equal(body(&a), "The council said the \xc2\xa3" "5 levy on caf\xc3\xa9 terraces "
	                            "would wait \xe2\x80\x93 \xe2\x80\x9c" "for now\xe2\x80\x9d.\n");
	char want[4400];
	snprintf(want, sizeof(want), "%s: not UTF-8 (byte 8); read as Windows-1252", path);
	assert_string_equal(doppel_reader_warning(r), want);
	next_end(r);
	assert_null(doppel_reader_warning(r));
	doppel_read_stats st;
	doppel_reader_stats(r, &st);
	assert_int_equal(st.records, 1);
	assert_int_equal(st.cp1252, 1);
	assert_int_equal(st.rejected, 0);
	doppel_reader_free(r);

	doppel_read_options o;
	doppel_read_options_init(&o);
	o.strict_utf8 = 1;
	r = reader(&o, path);
	snprintf(want, sizeof(want), "%s: invalid UTF-8 at byte 8", path);
	next_err(r, DOPPEL_E_UTF8, want);
	next_end(r);
	doppel_reader_stats(r, &st);
	assert_int_equal(st.rejected, 1);
	assert_int_equal(st.cp1252, 0);
	doppel_reader_free(r);
}

/* A JSON line with Windows-1252 bytes inside its strings is decoded whole
 * and then parsed; the valid line after it is left alone, and its
 * \u0000 reads as a space. */
static void test_cp1252_jsonl(void **state)
{
	(void)state;
	const char *path = test_data("read/cp1252.jsonl");
	doppel_reader *r = reader(NULL, path);
	doppel_article a;
	next_ok(r, &a);
	assert_string_equal(a.id, "c1");
	assert_string_equal(a.title, "Caf\xc3\xa9 tax");
	assert_string_equal(a.text, "The \xc2\xa3" "5 levy on caf\xc3\xa9 terraces \xe2\x80\x93 "
	                            "\xe2\x80\x9c" "for now\xe2\x80\x9d.");
	assert_string_equal(date_str(a.date), "2024-05-02");
	char want[4400];
	snprintf(want, sizeof(want), "%s:1: not UTF-8 (byte 23); read as Windows-1252", path);
	assert_string_equal(doppel_reader_warning(r), want);
	next_ok(r, &a);
	assert_string_equal(a.id, "c2");
	assert_string_equal(a.text, "Plain UTF-8 caf\xc3\xa9 and a   escape.");
	assert_null(doppel_reader_warning(r));
	next_end(r);
	doppel_reader_free(r);
}

/* A NUL byte in a .txt file reads as a space: the text keeps the file's
 * length and offsets. */
static void test_nul_txt(void **state)
{
	(void)state;
	size_t n;
	char *file = slurp(test_data("read/nul.txt"), &n);
	doppel_reader *r = reader(NULL, test_data("read/nul.txt"));
	doppel_article a;
	next_ok(r, &a);
	assert_string_equal(a.title, "Harbour fees rise");
	assert_string_equal(body(&a), "The port raised its fees on Monday. It said costs had doubled.\n");
	assert_null(doppel_reader_warning(r));
	/* the text is the file, its title blanked out, the NUL a space in its
	 * place */
	assert_int_equal(file[19 + 35], '\0');
	file[19 + 35] = ' ';
	assert_offsets_kept(&a, file, n);
	assert_memory_equal(a.text, "                 \n\n", 19);
	assert_memory_equal(a.text + 19, file + 19, n - 19);
	next_end(r);
	doppel_reader_free(r);
	free(file);
}

/* A byte order mark and CRLF line ends: the mark is blanked out, the CRs stay
 * in the text byte for byte, and normalizing and segmenting it give what
 * the same file with LF line ends gives. */
static void test_bom_crlf(void **state)
{
	(void)state;
	size_t n;
	char *file = slurp(test_data("read/bom-crlf.txt"), &n);
	doppel_reader *r = reader(NULL, test_data("read/bom-crlf.txt"));
	doppel_reader *lf = reader(NULL, test_data("read/lf.txt"));
	doppel_article a, b;
	next_ok(r, &a);
	next_ok(lf, &b);
	assert_string_equal(a.title, "Ferry line reopens");
	assert_string_equal(date_str(a.date), "2024-06-10");
	assert_string_equal(body(&a), "The ferry to Orla runs again.\r\nTickets are on sale.\r\n");
	/* offsets are the file's: the mark is three spaces */
	assert_offsets_kept(&a, file, n);
	assert_memory_equal(a.text, "   ", 3);
	assert_null(doppel_reader_warning(r));
	assert_string_equal(b.title, a.title);
	assert_int_equal(b.date, a.date);

	doppel__tokens ta = {0}, tb = {0};
	assert_int_equal(doppel__normalize(a.text, a.text_len, 0, NULL, 0, &ta), DOPPEL_OK);
	assert_int_equal(doppel__normalize(b.text, b.text_len, 0, NULL, 0, &tb), DOPPEL_OK);
	assert_int_equal(ta.n, 10);
	assert_int_equal(ta.n, tb.n);
	assert_memory_equal(ta.hash, tb.hash, ta.n * sizeof(*ta.hash));
	assert_true(ta.fingerprint == tb.fingerprint);
	doppel__tokens_free(&ta);
	doppel__tokens_free(&tb);

	doppel__segmenter *sg = doppel__segmenter_new(NULL, 0);
	assert_non_null(sg);
	doppel__features fa = {0}, fb = {0};
	assert_int_equal(doppel__segment(sg, a.text, a.text_len, 0, NULL, &fa), DOPPEL_OK);
	assert_int_equal(doppel__segment(sg, b.text, b.text_len, 0, NULL, &fb), DOPPEL_OK);
	assert_int_equal(fa.nsent, 2);
	assert_int_equal(fa.nsent, fb.nsent);
	assert_int_equal(fa.ntok, fb.ntok);
	assert_int_equal(fa.nanchor, fb.nanchor);
	assert_memory_equal(fa.anchor, fb.anchor, fa.nanchor * sizeof(*fa.anchor));
	/* the second sentence starts after the CR LF, not at the CR */
	assert_memory_equal(a.text + fa.sent[1].start, "Tickets", 7);
	doppel__features_free(&fa);
	doppel__features_free(&fb);
	doppel__segmenter_free(sg);

	next_end(r);
	next_end(lf);
	doppel_reader_free(r);
	doppel_reader_free(lf);
	free(file);
}

/* A byte order mark opening a JSON line is dropped too. */
static void test_bom_jsonl(void **state)
{
	struct fx *f = *state;
	const char data[] = "\xef\xbb\xbf{\"id\":\"b1\",\"text\":\"first\"}\r\n"
	                    "\xef\xbb\xbf{\"id\":\"b2\",\"text\":\"second\"}\n"
	                    "\xef\xbb\xbf\n"
	                    "{\"id\":\"b3\",\"text\":\"x\",\"other\":broken}\n"
	                    "{\"id\":\"b4\",\"text\":\"x\"} more\n";
	put(f, "bom.jsonl", data, sizeof(data) - 1);
	doppel_reader *r = reader(NULL, path_in(f, "bom.jsonl"));
	doppel_article a;
	next_ok(r, &a);
	assert_string_equal(a.id, "b1");
	next_ok(r, &a);
	assert_string_equal(a.id, "b2");
	/* a value no field wants is checked all the same */
	next_err(r, DOPPEL_E_JSON, "bom.jsonl:4: broken JSON at byte 30: ");
	next_err(r, DOPPEL_E_JSON, "bom.jsonl:5: broken JSON");
	next_end(r);
	doppel_reader_free(r);
}

/* Dates in loose text, one fixture per form; a date field always wins. */
static void test_text_dates(void **state)
{
	(void)state;
	const struct {
		const char *file, *date;
	} cases[] = {
		{"read/dates/dateline-no-year.txt", ""},
		{"read/dates/dateline.txt", "2024-03-05"},
		{"read/dates/day-month.txt", "2024-03-05"},
		{"read/dates/deep.txt", ""},
		{"read/dates/iso-time.txt", "2024-03-05"},
		{"read/dates/published.txt", "2024-03-05"},
		{"read/dates/update.txt", "2024-03-07"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		doppel_reader *r = reader(NULL, test_data(cases[i].file));
		doppel_article a;
		next_ok(r, &a);
		if (strcmp(date_str(a.date), cases[i].date) != 0)
			fail_msg("%s: date \"%s\", not \"%s\"", cases[i].file, date_str(a.date),
			         cases[i].date);
		assert_string_equal(a.title, "Border deal lets aid convoys roll");
		next_end(r);
		doppel_reader_free(r);
	}
	/* the stamp stays in the text: only a date marker is taken out */
	doppel_reader *r = reader(NULL, test_data("read/dates/update.txt"));
	doppel_article a;
	next_ok(r, &a);
	assert_memory_equal(body(&a), "Update: 2024-03-07 09:12 GMT\n", 29);
	doppel_reader_free(r);

	r = reader(NULL, test_data("read/dates/dates.jsonl"));
	next_ok(r, &a);
	assert_string_equal(a.id, "j-update");
	assert_string_equal(date_str(a.date), "2024-03-07");
	next_ok(r, &a);
	assert_string_equal(a.id, "j-meta");
	assert_string_equal(date_str(a.date), "2024-03-01");
	next_ok(r, &a);
	assert_string_equal(a.id, "j-marker");
	assert_string_equal(date_str(a.date), "2024-03-04");
	/* in JSON the marker stays in the text */
	assert_string_equal(a.text, "date 2024-03-04\nAid convoys will cross from Monday.");
	next_end(r);
	doppel_reader_free(r);
}

/* many.jsonl: nrec records "m0".., record i's text (i * step) % most + 1
 * letters "abc..."; when odd, every tenth text starts "caf\xe9 " (not
 * UTF-8) and every seventh ends " nul " and a NUL byte. */
static void many_lines(struct fx *f, int nrec, int step, int most, bool odd)
{
	FILE *out = fopen(path_in(f, "many.jsonl"), "wb");
	assert_non_null(out);
	for (int i = 0; i < nrec; i++) {
		fprintf(out, "{\"id\":\"m%d\",\"text\":\"%s", i,
		        odd && i % 10 == 0 ? "caf\xe9 " : "");
		for (int k = 0; k < (i * step) % most + 1; k++)
			fputc('a' + k % 26, out);
		if (odd && i % 7 == 0)
			fwrite(" nul \0\"}\n", 1, 9, out);
		else
			fputs("\"}\n", out);
	}
	fclose(out);
}

/* Lines of every length across the reader's 1 MiB reads: each comes out
 * whole, once, in order. */
static void test_lines_across_reads(void **state)
{
	struct fx *f = *state;
	const int nrec = 9000;
	many_lines(f, nrec, 37, 700, false);
	doppel_reader *r = reader(NULL, path_in(f, "many.jsonl"));
	doppel_article a;
	for (int i = 0; i < nrec; i++) {
		next_ok(r, &a);
		char id[16];
		snprintf(id, sizeof(id), "m%d", i);
		assert_string_equal(a.id, id);
		assert_int_equal(a.text_len, (size_t)((i * 37) % 700 + 1));
		assert_int_equal(a.text[a.text_len - 1], 'a' + (int)((a.text_len - 1) % 26));
	}
	next_end(r);
	doppel_reader_free(r);
}

/* ----------------------------------------------------------- reading again */

/* An article as doppel_reader_next() gave it: its where, and copies of its
 * id and text taken before the next call. */
struct copy {
	uint64_t where;
	char *id;
	char *text;
	size_t len;
};

struct copies {
	struct copy *v;
	size_t n, cap;
};

static void keep(struct copies *c, const doppel_article *a)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->v = realloc(c->v, c->cap * sizeof(*c->v));
		assert_non_null(c->v);
	}
	char *t = malloc(a->text_len + 1);
	assert_non_null(t);
	memcpy(t, a->text, a->text_len + 1);
	c->v[c->n++] = (struct copy){a->where, strdup(a->id), t, a->text_len};
}

static void copies_free(struct copies *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].id);
		free(c->v[i].text);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

/* Reads r to its end, keeping a copy of every article, each of which must
 * have a where of its own. Returns how many records were bad. */
static int read_all(doppel_reader *r, struct copies *c)
{
	doppel_article a;
	int rc, errors = 0;
	size_t first = c->n;
	while ((rc = doppel_reader_next(r, &a)) != DOPPEL_END) {
		if (rc != DOPPEL_OK) {
			errors++;
			continue;
		}
		if (a.where == 0)
			fail_msg("%s: no where", a.origin);
		keep(c, &a);
	}
	for (size_t i = first; i < c->n; i++)
		for (size_t j = first; j < i; j++)
			if (c->v[i].where == c->v[j].where)
				fail_msg("%s and %s have one where", c->v[i].id, c->v[j].id);
	return errors;
}

/* Reads a copy's record again: 0 when it is the text byte for byte, else
 * a message in msg (usable from any thread). */
static int reread_differs(doppel_reader *r, const struct copy *k, char *msg, size_t msglen)
{
	char *text, err[400];
	size_t len;
	int rc = doppel_reader_reread(r, k->where, &text, &len, err, sizeof(err));
	if (rc != DOPPEL_OK) {
		snprintf(msg, msglen, "%s: reread gave %d: %s", k->id, rc, err);
		return 1;
	}
	int differs = len != k->len || memcmp(text, k->text, len) != 0 || text[len] != '\0';
	if (differs)
		snprintf(msg, msglen,
		         "%s: read again as \"%.80s\" (%zu bytes), not \"%.80s\" (%zu)", k->id,
		         text, len, k->text, k->len);
	free(text);
	return differs;
}

static void assert_reread(doppel_reader *r, const struct copy *k)
{
	char msg[512];
	if (reread_differs(r, k, msg, sizeof(msg)))
		fail_msg("%s", msg);
}

/* Every copy read again, last first, then in a scattered order. */
static void assert_all_reread(doppel_reader *r, const struct copies *c)
{
	for (size_t i = c->n; i-- > 0;)
		assert_reread(r, &c->v[i]);
	for (size_t i = 0; i < c->n; i++)
		assert_reread(r, &c->v[(i * 7 + 3) % c->n]);
}

/* A JSON Lines file of every kind of line, and lines longer than one read
 * of the file: len bytes, caller frees. */
static char *mixed_lines(size_t *len)
{
	static const char head[] =
		"{\"id\":\"a\",\"title\":\"T\",\"text\":\"First text.\",\"date\":\"2024-03-05\"}\n"
		"{\"id\":\"w\",\"title\":\"caf\xe9\",\"text\":\"caf\xe9 \x93quoted\x94 \x81 end\"}\n"
		"{\"id\":\"n\",\"text\":\"nul \0 byte \0\0 here\"}\n"
		"\xef\xbb\xbf{\"id\":\"bom\",\"text\":\"after a mark\"}\n"
		"{\"id\":\"crlf\",\"text\":\"windows line\"}\r\n"
		"\n"
		"   \t \r\n"
		"{\"id\":\"esc\",\"text\":\"caf\\u00e9 \\u0000 tab\\t \\u201cq\\u201d \\ud83d\\ude00 "
		"nl\\n \\\"x\\\"\"}\n"
		"{\"id\":42,\"text\":\"integer id\"}\n"
		"{\"id\":\"bad\",\"text\":broken}\n"
		"{\"text\":\"no id; date 2024-03-06\"}\n"
		"\xef\xbb\xbf\n"
		"\xef\xbb\xbf{\"id\":\"bom-nul\",\"text\":\"mark \0 and \xff byte\"}\n";
	static const char tail[] = "{\"id\":\"last\",\"text\":\"no newline at the end\"}";
	const size_t long1 = 200000, long2 = 1500000;
	size_t cap = sizeof(head) + sizeof(tail) + long1 + long2 + 200, n = sizeof(head) - 1;
	char *data = malloc(cap);
	assert_non_null(data);
	memcpy(data, head, n);
	const size_t lens[2] = {long1, long2};
	for (int k = 0; k < 2; k++) {
		n += (size_t)snprintf(data + n, cap - n, "{\"id\":\"long%d\",\"text\":\"", k);
		for (size_t i = 0; i < lens[k]; i++)
			data[n++] = "long line \xe2\x80\x94 "[i % 15];
		n += (size_t)snprintf(data + n, cap - n, "\"}\n");
	}
	memcpy(data + n, tail, sizeof(tail) - 1);
	*len = n + sizeof(tail) - 1;
	return data;
}

/* Every article of a JSON Lines file read again, byte for byte: while the
 * reader reads (which leaves what it handed out as it was), after its
 * end, in any order, with each way of reading text that is not UTF-8. */
static void test_reread_jsonl(void **state)
{
	struct fx *f = *state;
	size_t len;
	char *data = mixed_lines(&len);
	put(f, "mixed.jsonl", data, len);
	free(data);
	for (int mode = 0; mode < 3; mode++) {
		doppel_read_options o;
		doppel_read_options_init(&o);
		o.repair_utf8 = mode == 1;
		o.strict_utf8 = mode == 2;
		doppel_reader *r = reader(&o, path_in(f, "mixed.jsonl"));
		struct copies c = {0};
		doppel_article a;
		int rc, errors = 0;
		while ((rc = doppel_reader_next(r, &a)) != DOPPEL_END) {
			if (rc != DOPPEL_OK) {
				errors++;
				continue;
			}
			assert_true(a.where != 0);
			keep(&c, &a);
			char warn[600], msg[600];
			const char *w = doppel_reader_warning(r);
			snprintf(warn, sizeof(warn), "%s", w ? w : "");
			snprintf(msg, sizeof(msg), "%s", doppel_reader_errmsg(r));
			doppel_read_stats before, after;
			doppel_reader_stats(r, &before);
			assert_reread(r, &c.v[c.n - 1]);
			assert_reread(r, &c.v[0]);
			assert_reread(r, &c.v[c.n / 2]);
			/* the article handed out and the reader are as they were */
			assert_string_equal(a.id, c.v[c.n - 1].id);
			assert_int_equal(a.text_len, c.v[c.n - 1].len);
			assert_memory_equal(a.text, c.v[c.n - 1].text, a.text_len + 1);
			w = doppel_reader_warning(r);
			assert_string_equal(w ? w : "", warn);
			assert_string_equal(doppel_reader_errmsg(r), msg);
			doppel_reader_stats(r, &after);
			assert_memory_equal(&before, &after, sizeof(before));
		}
		/* bad: "bad"; strict: "w" and "bom-nul" too */
		assert_int_equal(errors, mode == 2 ? 3 : 1);
		assert_int_equal(c.n, mode == 2 ? 10 : 12);
		assert_string_equal(c.v[0].id, "a");
		assert_string_equal(c.v[c.n - 1].id, "last");
		for (size_t i = 0; i < c.n; i++)
			if (strcmp(c.v[i].id, "w") == 0)
				assert_non_null(strstr(
					c.v[i].text, mode == 1 ? "caf\xef\xbf\xbd \xef\xbf\xbd"
							       : "caf\xc3\xa9 \xe2\x80\x9c"));
		assert_all_reread(r, &c);
		doppel_read_stats st;
		doppel_reader_stats(r, &st);
		assert_int_equal(st.records, c.n);
		assert_int_equal(st.cp1252, mode == 0 ? 2 : 0);
		assert_int_equal(st.repaired, mode == 1 ? 2 : 0);
		doppel_reader_free(r);
		copies_free(&c);
	}
}

/* .txt files read again as they were first given: byte order mark, title,
 * date line and date marker blanked, NUL bytes as spaces, Windows-1252 or
 * repaired; with the fixture tree's JSON Lines files among them. */
static void test_reread_txt(void **state)
{
	struct fx *f = *state;
	assert_int_equal(mkdir(path_in(f, "t"), 0755), 0);
	assert_int_equal(mkdir(path_in(f, "t/wire"), 0755), 0);
	const char marked[] =
		"\xef\xbb\xbf date 2024-03-05\nHeadline of it\n\nBody, first part.\n";
	const char leading[] =
		"\xef\xbb\xbfHeadline\r\n\r\n date 2024-03-06 GENEVA: the body.\r\n";
	const char cp[] = "Caf\xe9 tax \x93paused\x94\n\ndate 2024-05-02\n\nThe \xa3 levy.\n";
	const char nul[] = "Title\n\nA \0 NUL, and another \0.\n";
	put(f, "t/marked.txt", marked, sizeof(marked) - 1);
	put(f, "t/wire/leading.txt", leading, sizeof(leading) - 1);
	put(f, "t/wire/cp.txt", cp, sizeof(cp) - 1);
	put(f, "t/nul.txt", nul, sizeof(nul) - 1);
	for (int repair = 0; repair < 2; repair++) {
		doppel_read_options o;
		doppel_read_options_init(&o);
		o.repair_utf8 = repair;
		doppel_reader *r = reader(&o, path_in(f, "t"));
		assert_int_equal(doppel_reader_add_path(r, test_data("read")), DOPPEL_OK);
		assert_int_equal(doppel_reader_add_path(r, path_in(f, "t/wire/cp.txt")),
		                 DOPPEL_OK);
		struct copies c = {0};
		int errors = read_all(r, &c);
		assert_int_equal(errors, 2); /* news/empty.txt, a bad line of news/feed.jsonl */
		assert_true(c.n > 25);
		assert_string_equal(c.v[0].id, "marked");
		/* the date line and the title are blanked, the mark too */
		assert_memory_equal(c.v[0].text, "                   \n              \n\nBody",
		                    39);
		assert_string_equal(c.v[2].id, "wire/cp");
		assert_non_null(
			strstr(c.v[2].text, repair ? "The \xef\xbf\xbd" : "The \xc2\xa3"));
		assert_all_reread(r, &c);
		doppel_reader_free(r);
		copies_free(&c);
	}
}

/* Readers given ranges of one file: each reads its own articles again. */
static void test_reread_ranges(void **state)
{
	struct fx *f = *state;
	const size_t len = ranged_file(f, 60, true);
	const uint64_t bounds[4] = {0, len / 3 + 1, len / 2 + 4, len};
	int seen = 0;
	for (int k = 0; k < 3; k++) {
		doppel_reader *r = range_reader(f, bounds, k);
		struct copies c = {0};
		assert_int_equal(read_all(r, &c), 0);
		seen += (int)c.n;
		assert_all_reread(r, &c);
		doppel_reader_free(r);
		copies_free(&c);
	}
	assert_int_equal(seen, 60);
}

/* Under a record limit: the lines after one over it (longer than a read
 * of the file) keep their places, and one of just the limit reads again. */
static void test_reread_limit(void **state)
{
	struct fx *f = *state;
	const size_t big = 5u << 19, cap = big + 400;
	char *data = malloc(cap);
	assert_non_null(data);
	size_t len = (size_t)snprintf(data, cap,
	                              "{\"id\":\"a\",\"text\":\"before\"}\n"
	                              "{\"id\":\"big\",\"text\":\"");
	memset(data + len, 'x', big);
	len += big;
	len += (size_t)snprintf(data + len, cap - len, "\"}\n{\"id\":\"c\",\"text\":\"");
	/* a line of 100 bytes */
	memset(data + len, 'y', 100 - 20);
	len += 100 - 20;
	len += (size_t)snprintf(data + len, cap - len,
	                        "\"}\n{\"id\":\"d\",\"text\":\"after\"}");
	put(f, "limit.jsonl", data, len);
	free(data);
	for (size_t limit = 99; limit <= 100; limit++) {
		doppel_read_options o;
		doppel_read_options_init(&o);
		o.max_record_bytes = limit;
		doppel_reader *r = reader(&o, path_in(f, "limit.jsonl"));
		struct copies c = {0};
		assert_int_equal(read_all(r, &c), limit == 100 ? 1 : 2);
		assert_int_equal(c.n, limit == 100 ? 3 : 2);
		assert_string_equal(c.v[c.n - 1].id, "d");
		assert_all_reread(r, &c);
		doppel_reader_free(r);
		copies_free(&c);
	}
}

/* No where for standard input and compressed files; a where this reader
 * did not give is refused. */
/* Writes data into the FIFO at fifo, then closes it. */
struct fifo_feed {
	const char *fifo;
	const char *data;
	size_t len;
};

static void *feed_fifo(void *arg)
{
	const struct fifo_feed *ff = arg;
	FILE *w = fopen(ff->fifo, "wb");
	if (w) {
		fwrite(ff->data, 1, ff->len, w);
		fclose(w);
	}
	return NULL;
}

/* A FIFO's records are read once: they have no place to be read again
 * from (reading again would wait for a writer that is gone). */
static void test_reread_fifo(void **state)
{
	struct fx *f = *state;
	const char data[] = "{\"id\":\"p1\",\"text\":\"through a pipe\"}\n";
	const char *fifo = path_in(f, "pipe.jsonl");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	struct fifo_feed ff = {fifo, data, sizeof(data) - 1};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, feed_fifo, &ff), 0);
	doppel_reader *r = reader(NULL, fifo);
	doppel_article a;
	next_ok(r, &a);
	assert_string_equal(a.id, "p1");
	assert_int_equal(a.where, 0);
	next_end(r);
	pthread_join(t, NULL);
	doppel_reader_free(r);
}

static void test_reread_no_place(void **state)
{
	struct fx *f = *state;
	const char plain[] = "{\"id\":\"z1\",\"text\":\"compressed text\"}\n";
	char *z;
	size_t zn = compress_into(&z, plain, sizeof(plain) - 1);
	put(f, "c.jsonl.zst", z, zn);
	free(z);
	const char t[] = "Title\n\nCompressed body.\n";
	zn = compress_into(&z, t, sizeof(t) - 1);
	put(f, "t.txt.zst", z, zn);
	free(z);
	put(f, "in.jsonl", plain, sizeof(plain) - 1);
	put(f, "one.txt", t, sizeof(t) - 1);

	doppel_reader *r = reader(NULL, path_in(f, "c.jsonl.zst"));
	assert_int_equal(doppel_reader_add_path(r, path_in(f, "t.txt.zst")), DOPPEL_OK);
	doppel_article a;
	next_ok(r, &a);
	assert_int_equal(a.where, 0);
	next_ok(r, &a);
	assert_string_equal(a.id, "t");
	assert_int_equal(a.where, 0);
	next_end(r);
	char *text = (char *)1, err[512];
	size_t len = 1;
	assert_int_equal(doppel_reader_reread(r, 0, &text, &len, err, sizeof(err)),
	                 DOPPEL_E_ARG);
	assert_null(text);
	assert_int_equal(len, 0);
	assert_true(err[0] != '\0');
	/* no file was read that can be read again */
	assert_int_equal(
		doppel_reader_reread(r, UINT64_C(1) << 40, &text, &len, err, sizeof(err)),
		DOPPEL_E_ARG);
	assert_int_equal(doppel_reader_reread(r, 1, &text, &len, NULL, 0), DOPPEL_E_ARG);
	doppel_reader_free(r);

	/* (standard input: test_stdin) */
	doppel_read_options o;

	/* asked for no places, a reader gives none */
	doppel_read_options_init(&o);
	o.no_places = 1;
	r = reader(&o, path_in(f, "in.jsonl"));
	assert_int_equal(doppel_reader_add_path(r, path_in(f, "one.txt")), DOPPEL_OK);
	next_ok(r, &a);
	assert_int_equal(a.where, 0);
	next_ok(r, &a);
	assert_int_equal(a.where, 0);
	next_end(r);
	assert_int_equal(
		doppel_reader_reread(r, UINT64_C(1) << 40, &text, &len, err, sizeof(err)),
		DOPPEL_E_ARG);
	doppel_reader_free(r);

	/* one file of each kind read: numbers past them, and a byte inside
	 * a .txt file, are not places this reader gave */
	r = reader(NULL, path_in(f, "in.jsonl"));
	assert_int_equal(doppel_reader_add_path(r, path_in(f, "one.txt")), DOPPEL_OK);
	next_ok(r, &a);
	uint64_t line = a.where;
	next_ok(r, &a);
	uint64_t txt = a.where;
	next_end(r);
	assert_true(line != 0 && txt != 0 && line != txt);
	assert_int_equal(doppel_reader_reread(r, line, &text, &len, err, sizeof(err)),
	                 DOPPEL_OK);
	assert_string_equal(text, "compressed text");
	assert_int_equal(len, 15);
	free(text);
	assert_int_equal(doppel_reader_reread(r, txt, &text, &len, err, sizeof(err)),
	                 DOPPEL_OK);
	assert_int_equal(len, sizeof(t) - 1);
	free(text);
	const uint64_t wrong[] = {txt + 5, (UINT64_C(3) << 40), (UINT64_C(99) << 40) | 7,
	                          UINT64_MAX};
	for (size_t i = 0; i < sizeof(wrong) / sizeof(*wrong); i++) {
		text = (char *)1;
		err[0] = '\0';
		if (doppel_reader_reread(r, wrong[i], &text, &len, err, sizeof(err)) !=
		    DOPPEL_E_ARG)
			fail_msg("where %#llx: not refused", (unsigned long long)wrong[i]);
		assert_null(text);
		assert_true(err[0] != '\0');
	}
	/* a line past the file's end holds no record */
	assert_int_equal(doppel_reader_reread(r, line + sizeof(plain) - 1, &text, &len, err,
	                                      sizeof(err)),
	                 DOPPEL_E_ARG);
	assert_non_null(strstr(err, "in.jsonl"));
	assert_int_equal(doppel_reader_reread(NULL, line, &text, &len, err, sizeof(err)),
	                 DOPPEL_E_ARG);
	assert_int_equal(doppel_reader_reread(r, line, NULL, &len, err, sizeof(err)),
	                 DOPPEL_E_ARG);
	assert_int_equal(doppel_reader_reread(r, line, &text, NULL, err, sizeof(err)),
	                 DOPPEL_E_ARG);
	/* and a bad call leaves the good ones working */
	assert_int_equal(doppel_reader_reread(r, line, &text, &len, err, 1), DOPPEL_OK);
	free(text);
	doppel_reader_free(r);
}

/* Sets the time of last change of path back by an hour. */
static void age(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	struct timespec times[2] = {st.st_atim, st.st_mtim};
	times[1].tv_sec -= 3600;
	assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
}

/* Reads the record again, which must fail with code and a message holding
 * want. */
static void reread_err(doppel_reader *r, uint64_t where, int code, const char *want)
{
	char *text = NULL, err[512] = "";
	size_t len;
	int rc = doppel_reader_reread(r, where, &text, &len, err, sizeof(err));
	if (rc != code || !strstr(err, want))
		fail_msg("expected %d \"%s\", got %d \"%s\"", code, want, rc, err);
	assert_null(text);
}

/* A record whose bytes changed after it was read is not read again: a
 * longer first line (which moves the second), a byte changed in place,
 * the file gone. Records whose bytes are what they were still are: in a
 * file only touched, one with lines added at its end, beside a changed
 * record. */
static void test_reread_changed(void **state)
{
	struct fx *f = *state;
	const char two[] = "{\"id\":\"1\",\"text\":\"one\"}\n{\"id\":\"2\",\"text\":\"two\"}\n";
	const char names[][16] = {"grown.jsonl", "aged.jsonl", "gone.jsonl",     "grown.txt",
	                          "aged.txt",    "same.jsonl", "appended.jsonl", "edited.jsonl"};
	const size_t nnames = sizeof(names) / sizeof(*names);
	doppel_reader *r = doppel_reader_new(NULL);
	for (size_t i = 0; i < nnames; i++) {
		put(f, names[i], two, sizeof(two) - 1);
		assert_int_equal(doppel_reader_add_path(r, path_in(f, names[i])), DOPPEL_OK);
	}
	struct copies c = {0};
	assert_int_equal(read_all(r, &c), 0);
	/* two records of each JSON Lines file, one of each .txt */
	assert_int_equal(c.n, 14);
	assert_string_equal(c.v[6].id, "grown");
	assert_string_equal(c.v[7].id, "aged");
	/* read once before the change: the file may be kept open */
	assert_reread(r, &c.v[0]);
	assert_reread(r, &c.v[6]);
	const char more[] =
		"{\"id\":\"1\",\"text\":\"one, and more\"}\n{\"id\":\"2\",\"text\":\"two\"}\n";
	put(f, "grown.jsonl", more, sizeof(more) - 1);
	put(f, "grown.txt", more, sizeof(more) - 1);
	age(path_in(f, "aged.jsonl"));
	age(path_in(f, "aged.txt"));
	assert_int_equal(unlink(path_in(f, "gone.jsonl")), 0);
	/* a line added at the end; one byte of the second record changed in
	 * place (the same size) */
	const char added[] = "{\"id\":\"1\",\"text\":\"one\"}\n{\"id\":\"2\",\"text\":\"two\"}\n"
	                     "{\"id\":\"3\",\"text\":\"three\"}\n";
	put(f, "appended.jsonl", added, sizeof(added) - 1);
	char edited[sizeof(two)];
	memcpy(edited, two, sizeof(two));
	edited[sizeof(two) - 5] = 'O'; /* "two" -> "twO" */
	put(f, "edited.jsonl", edited, sizeof(two) - 1);
	char want[1200];
	snprintf(want, sizeof(want),
	         "%s: changed since it was read; cannot read the record at byte 24 again",
	         path_in(f, "grown.jsonl"));
	/* the file read last first: kept open, it is checked all the same */
	reread_err(r, c.v[6].where, DOPPEL_E_IO, path_in(f, "grown.txt"));
	reread_err(r, c.v[1].where, DOPPEL_E_IO, want);
	reread_err(r, c.v[0].where, DOPPEL_E_IO, path_in(f, "grown.jsonl"));
	reread_err(r, c.v[4].where, DOPPEL_E_IO, path_in(f, "gone.jsonl"));
	reread_err(r, c.v[13].where, DOPPEL_E_IO, path_in(f, "edited.jsonl"));
	reread_err(r, c.v[13].where, DOPPEL_E_IO, "changed since it was read");
	/* bytes that are what they were read again: touched only, lines
	 * added after them, an unchanged neighbour of a changed record */
	assert_reread(r, &c.v[2]);
	assert_reread(r, &c.v[3]);
	assert_reread(r, &c.v[7]);
	assert_reread(r, &c.v[8]);
	assert_reread(r, &c.v[9]);
	assert_reread(r, &c.v[10]);
	assert_reread(r, &c.v[11]);
	assert_reread(r, &c.v[12]);
	doppel_reader_free(r);
	copies_free(&c);
}

/* One thread's rereads: every copy of some lists, twice. */
struct rereader {
	doppel_reader *r;
	const struct copies *c[2]; /* the second may be NULL */
	int backward;
	int bad;
	char msg[512];
};

static void *rereads(void *arg)
{
	struct rereader *t = arg;
	for (int round = 0; round < 2; round++)
		for (int l = 0; l < 2 && t->c[l]; l++)
			for (size_t i = 0; i < t->c[l]->n; i++) {
				size_t k = t->backward ? t->c[l]->n - 1 - i : i;
				if (reread_differs(t->r, &t->c[l]->v[k], t->msg,
				                   sizeof(t->msg))) {
					t->bad++;
					return NULL;
				}
			}
	return NULL;
}

static void start(pthread_t th[2], struct rereader t[2])
{
	for (int k = 0; k < 2; k++)
		assert_int_equal(pthread_create(&th[k], NULL, rereads, &t[k]), 0);
}

static void join(pthread_t th[2], struct rereader t[2])
{
	for (int k = 0; k < 2; k++) {
		assert_int_equal(pthread_join(th[k], NULL), 0);
		if (t[k].bad)
			fail_msg("thread %d: %s", k, t[k].msg);
	}
}

/* Two threads read a file's records again at once, while the reader goes
 * on with other files and the reading thread rereads those. */
static void test_reread_threads(void **state)
{
	struct fx *f = *state;
	const int nrec = 3000;
	many_lines(f, nrec, 53, 900, true);
	assert_int_equal(mkdir(path_in(f, "texts"), 0755), 0);
	for (int i = 0; i < 80; i++) {
		char name[64], text[128];
		snprintf(name, sizeof(name), "texts/t%02d.txt", i);
		int n = snprintf(text, sizeof(text),
		                 "Title %d\n\ndate 2024-03-%02d\n\nText %d %s.\n", i,
		                 i % 28 + 1, i, i % 3 ? "plain" : "caf\xe9");
		put(f, name, text, (size_t)n);
	}
	doppel_reader *r = reader(NULL, path_in(f, "many.jsonl"));
	assert_int_equal(doppel_reader_add_path(r, path_in(f, "texts")), DOPPEL_OK);
	/* the threads read lines while this one adds to texts */
	struct copies lines = {0}, texts = {0};
	doppel_article a;
	for (int i = 0; i < nrec; i++) {
		next_ok(r, &a);
		keep(&lines, &a);
	}
	struct rereader t[2] = {{r, {&lines, NULL}, 0, 0, ""}, {r, {&lines, NULL}, 1, 0, ""}};
	pthread_t th[2];
	start(th, t);
	int rc;
	while ((rc = doppel_reader_next(r, &a)) == DOPPEL_OK) {
		keep(&texts, &a);
		assert_reread(r, &texts.v[texts.n - 1]);
		assert_reread(r, &texts.v[texts.n / 3]);
		assert_reread(r, &lines.v[texts.n * 31]);
	}
	assert_int_equal(rc, DOPPEL_END);
	join(th, t);
	assert_int_equal(texts.n, 80);
	/* and all at once after the end, the .txt files among them */
	t[0].c[1] = t[1].c[1] = &texts;
	start(th, t);
	join(th, t);
	doppel_reader_free(r);
	copies_free(&lines);
	copies_free(&texts);
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
		cmocka_unit_test_setup_teardown(test_custom_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ids, setup, teardown),
		cmocka_unit_test(test_utf8_records),
		cmocka_unit_test_setup_teardown(test_txt_repair, setup, teardown),
		cmocka_unit_test_setup_teardown(test_txt_heuristics, setup, teardown),
		cmocka_unit_test(test_walk_fixture),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test_setup_teardown(test_paths_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_inputs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stdin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zstd_streams, setup, teardown),
		cmocka_unit_test_setup_teardown(test_txt_too_big, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_loop, setup, teardown),
		cmocka_unit_test(test_cp1252_txt),
		cmocka_unit_test(test_cp1252_jsonl),
		cmocka_unit_test(test_nul_txt),
		cmocka_unit_test(test_bom_crlf),
		cmocka_unit_test_setup_teardown(test_bom_jsonl, setup, teardown),
		cmocka_unit_test(test_text_dates),
		cmocka_unit_test_setup_teardown(test_lines_across_reads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reread_jsonl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reread_txt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reread_ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reread_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reread_no_place, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reread_fifo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reread_changed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reread_threads, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

