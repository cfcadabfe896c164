/*
 * fuzz_read.c — the reader on arbitrary bytes, as JSON Lines or as a .txt
 * article (the first byte chooses), every record read to the end.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "doppel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	char path[64];
	snprintf(path, sizeof(path), "/tmp/doppel-fuzz-%d.%s", (int)getpid(),
	         data[0] & 1 ? "txt" : "jsonl");
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data + 1, 1, size - 1, f);
	fclose(f);
	doppel_read_options o;
	doppel_read_options_init(&o);
	o.repair_utf8 = data[0] & 2;
	doppel_reader *r = doppel_reader_new(&o);
	if (r && doppel_reader_add_path(r, path) == DOPPEL_OK) {
		doppel_article a;
		int rc, n = 0;
		while ((rc = doppel_reader_next(r, &a)) != DOPPEL_END && n++ < 100000) {
			if (rc == DOPPEL_OK) {
				/* what the reader hands out is what it says */
				if (strlen(a.text) > a.text_len || !a.id)
					abort();
			} else if (!doppel_reader_errmsg(r)[0]) {
				abort(); /* every error names its place */
			}
		}
	}
	doppel_reader_free(r);
	unlink(path);
	return 0;
}
