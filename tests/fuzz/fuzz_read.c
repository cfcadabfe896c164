/*
 * fuzz_read.c — the reader on arbitrary bytes, every record read to the
 * end. The first byte chooses: bit 0 a .txt article (else JSON Lines),
 * bit 1 UTF-8 repair, bit 2 a 64-byte record limit, bit 3 the file read
 * through a directory walk, bit 4 strict UTF-8. The rest is the file.
 * Every article is read again from the file and must be the same text.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_string(const char *s)
{
	if (s && !doppel__utf8_valid(s, strlen(s), NULL))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	char dir[] = "/tmp/doppel-fuzz-XXXXXX";
	if (!mkdtemp(dir))
		return 0;
	const bool txt = data[0] & 1, walk = data[0] & 8;
	char path[64];
	snprintf(path, sizeof(path), "%s/sub/in.%s", dir, txt ? "txt" : "jsonl");
	char sub[48];
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	FILE *f = NULL;
	if (mkdir(sub, 0700) == 0)
		f = fopen(path, "wb");
	if (f) {
		fwrite(data + 1, 1, size - 1, f);
		fclose(f);
		doppel_read_options o;
		doppel_read_options_init(&o);
		o.repair_utf8 = data[0] & 2;
		o.strict_utf8 = data[0] & 16;
		if (data[0] & 4)
			o.max_record_bytes = 64;
		doppel_reader *r = doppel_reader_new(&o);
		const char *arg = walk ? dir : path;
		if (r && doppel_reader_add_path(r, arg) == DOPPEL_OK) {
			doppel_article a;
			int rc, n = 0;
			while ((rc = doppel_reader_next(r, &a)) != DOPPEL_END && n++ < 100000) {
				if (rc == DOPPEL_OK) {
					/* what the reader hands out is what it says */
					if (!a.id || !a.text || strlen(a.text) != a.text_len)
						abort();
					if (!doppel__utf8_valid(a.text, a.text_len, NULL))
						abort();
					check_string(a.id);
					check_string(a.title);
					check_string(a.source);
					check_string(a.url);
					if (txt && (strcmp(a.id, walk ? "sub/in" : "in") != 0 ||
					            (walk ? !a.source || strcmp(a.source, "sub")
					                  : a.source != NULL)))
						abort();
					if (txt && a.title && strlen(a.title) > 200)
						abort();
					/* a .txt text in UTF-8 keeps the file's offsets: each
					 * byte the file's, or a space where something was
					 * blanked out (title, date marker, mark, NUL) */
					if (txt && doppel__utf8_valid((const char *)data + 1, size - 1, NULL)) {
						if (a.text_len != size - 1)
							abort();
						for (size_t i = 0; i < a.text_len; i++)
							if (a.text[i] != (char)data[1 + i] && a.text[i] != ' ')
								abort();
					}
					/* a record of a plain file can be read again, the
					 * same byte for byte */
					char *again, err[256];
					size_t len;
					if (a.where == 0 ||
					    doppel_reader_reread(r, a.where, &again, &len, err,
					                         sizeof(err)) != DOPPEL_OK)
						abort();
					if (len != a.text_len ||
					    memcmp(again, a.text, len) != 0)
						abort();
					free(again);
					if (a.date != DOPPEL_NO_DATE) {
						char buf[11];
						int32_t back;
						doppel_format_date(a.date, buf);
						if (doppel_parse_date(buf, 10, &back) || back != a.date)
							abort();
					}
				} else if (rc > 0 || strncmp(doppel_reader_errmsg(r), path,
				                             strlen(path)) != 0) {
					/* every error names its place, and only errors are < 0 */
					if (rc != DOPPEL_E_NOMEM)
						abort();
				}
			}
		}
		doppel_reader_free(r);
		unlink(path);
	}
	rmdir(sub);
	rmdir(dir);
	return 0;
}
