/*
 * fuzz_zstd.c — the reader on zstd input. The first byte chooses: bit 0 a
 * .txt.zst article (else .jsonl.zst), bit 1 the rest compressed here
 * (else the rest is the .zst file as it is: frame headers, blocks and
 * checksums of any shape), bit 2 UTF-8 repair; with bit 1, bit 3 cuts the
 * compressed file short by 1 to 64 bytes (the second byte says how many).
 * Compressed here, the records must be those the uncompressed file gives,
 * field by field, and their errors as many; cut short, the file must end
 * in an error, never in a record the whole file lacks.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What a reader gave: each record's fields joined, and the errors. */
struct outcome {
	char *text;
	size_t len, cap;
	unsigned errors, records;
};

/* Adds one field (NULL: "(null)") and a separator to o. */
static void append(struct outcome *o, const char *s, size_t n)
{
	if (!s) {
		s = "(null)";
		n = 6;
	}
	if (o->len + n + 2 > o->cap) {
		size_t cap = 2 * (o->len + n + 2);
		char *t = realloc(o->text, cap);
		if (!t)
			abort();
		o->text = t;
		o->cap = cap;
	}
	memcpy(o->text + o->len, s, n);
	o->len += n;
	o->text[o->len++] = '\x1f';
}

/* Reads every record of path into o. */
static void read_all(const char *path, bool repair, struct outcome *o)
{
	doppel_read_options opt;
	doppel_read_options_init(&opt);
	opt.repair_utf8 = repair;
	opt.max_record_bytes = 1 << 20;
	doppel_reader *r = doppel_reader_new(&opt);
	if (!r || doppel_reader_add_path(r, path) != DOPPEL_OK)
		abort();
	doppel_article a;
	int rc, n = 0;
	while ((rc = doppel_reader_next(r, &a)) != DOPPEL_END && n++ < 100000) {
		if (rc == DOPPEL_OK) {
			o->records++;
			char date[11];
			/* A missing id is "FILE:LINE": the file's name differs. */
			size_t pn = strlen(path);
			if (a.id && strncmp(a.id, path, pn) == 0 && a.id[pn] == ':')
				append(o, a.id + pn, strlen(a.id + pn));
			else
				append(o, a.id, a.id ? strlen(a.id) : 0);
			append(o, a.title, a.title ? strlen(a.title) : 0);
			append(o, a.text, a.text_len);
			/* "" when undated: only what it wrote */
			doppel_format_date(a.date, date);
			append(o, date, strlen(date));
			append(o, a.source, a.source ? strlen(a.source) : 0);
			append(o, a.url, a.url ? strlen(a.url) : 0);
		} else if (rc < 0) {
			o->errors++;
			if (strncmp(doppel_reader_errmsg(r), path, strlen(path)) != 0 &&
			    rc != DOPPEL_E_NOMEM)
				abort(); /* every error names its file */
		} else {
			abort();
		}
	}
	doppel_reader_free(r);
}

/* Writes n bytes to path; false when it cannot. */
static bool write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return false;
	bool ok = fwrite(p, 1, n, f) == n;
	return fclose(f) == 0 && ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	const bool txt = data[0] & 1, compress = data[0] & 2, repair = data[0] & 4,
		   cut = data[0] & 8;
	const uint8_t *rest = data + 2;
	size_t n = size - 2;
	char dir[] = "/tmp/doppel-fuzz-zstd-XXXXXX";
	if (!mkdtemp(dir))
		return 0;
	char plain[64], packed[80];
	snprintf(plain, sizeof(plain), "%s/in.%s", dir, txt ? "txt" : "jsonl");
	snprintf(packed, sizeof(packed), "%s.zst", plain);
	struct outcome whole = {0}, z = {0};
	if (!compress) {
		if (write_file(packed, rest, n))
			read_all(packed, repair, &z);
	} else {
		size_t bound = ZSTD_compressBound(n);
		uint8_t *buf = malloc(bound);
		if (!buf)
			abort();
		size_t zn = ZSTD_compress(buf, bound, rest, n, 1);
		if (ZSTD_isError(zn))
			abort();
		size_t drop = cut ? 1 + data[1] % 64 : 0;
		if (drop > zn)
			drop = zn;
		if (write_file(plain, rest, n) && write_file(packed, buf, zn - drop)) {
			read_all(plain, repair, &whole);
			read_all(packed, repair, &z);
			if (!cut && (z.errors != whole.errors || z.len != whole.len ||
			             (z.len && memcmp(z.text, whole.text, z.len) != 0)))
				abort(); /* compressed or not, the same records */
			if (cut && drop < zn && z.errors == 0)
				abort(); /* a file cut short is an error */
			if (cut && z.records > whole.records)
				abort();
		}
		free(buf);
		unlink(plain);
	}
	unlink(packed);
	rmdir(dir);
	free(whole.text);
	free(z.text);
	return 0;
}
