/*
 * test_read.c — the reader: formats, metadata in .txt files, and every
 * kind of bad input, each reported with its place and skipped.
 */
#include "testutil.h"

#include <zstd.h>

#include <stdlib.h>
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

/* Lines of every length across the reader's 1 MiB reads: each comes out
 * whole, once, in order. */
static void test_lines_across_reads(void **state)
{
	struct fx *f = *state;
	FILE *out = fopen(path_in(f, "many.jsonl"), "wb");
	assert_non_null(out);
	const int nrec = 9000;
	for (int i = 0; i < nrec; i++) {
		fprintf(out, "{\"id\":\"m%d\",\"text\":\"", i);
		for (int k = 0; k < (i * 37) % 700 + 1; k++)
			fputc('a' + k % 26, out);
		fputs("\"}\n", out);
	}
	fclose(out);
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

