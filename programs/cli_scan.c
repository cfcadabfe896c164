/*
 * cli_scan.c — `doppel scan`: group the duplicates and copies of a corpus.
 *
 * When every input is a file or directory (not stdin) and repeated-line
 * boilerplate is on, the inputs are read twice: a first cheap pass counts
 * the short lines of each source, the second sketches with those counts.
 */
#include "cli.h"

#include <string.h>

static bool reads_stdin(const struct cli *c)
{
	for (int i = 0; i < c->npaths; i++)
		if (strcmp(c->paths[i], "-") == 0)
			return true;
	return false;
}

/* First pass: count repeated lines. Reader errors are reported by the
 * second pass, so they are passed over here. */
static int learn_pass(struct cli *c, doppel_scan *s, doppel_batch *b,
                      struct progress *pg)
{
	doppel_reader *r = cli_reader(c);
	if (!r)
		return EXIT_FATAL;
	int rc = EXIT_OK;
	uint64_t n = 0;
	for (;;) {
		doppel_article a;
		int st = doppel_reader_next(r, &a);
		if (st == DOPPEL_END)
			break;
		if (st < 0)
			continue;
		if (doppel_batch_push(b, &a) != DOPPEL_OK) {
			cli_error("out of memory");
			rc = EXIT_FATAL;
			goto out;
		}
		n++;
		if (doppel_batch_count(b) >= CLI_BATCH_ARTICLES ||
		    doppel_batch_bytes(b) >= CLI_BATCH_BYTES) {
			if (doppel_scan_learn(s, b) != DOPPEL_OK) {
				cli_error("%s", doppel_scan_errmsg(s));
				rc = EXIT_FATAL;
				goto out;
			}
			doppel_batch_clear(b);
			progress_update(pg, n, doppel_reader_bytes(r), "learning boilerplate:");
		}
	}
	if (doppel_batch_count(b) && doppel_scan_learn(s, b) != DOPPEL_OK) {
		cli_error("%s", doppel_scan_errmsg(s));
		rc = EXIT_FATAL;
	}
out:
	doppel_batch_clear(b);
	doppel_reader_free(r);
	return rc;
}

/* Hands a batch to the scan and reports the articles it skipped. */
static int take_batch(struct cli *c, doppel_scan *s, doppel_batch *b)
{
	int rc = doppel_scan_add(s, b);
	if (rc == DOPPEL_E_DUPID || rc == DOPPEL_E_ARG) {
		for (size_t i = 0; i < doppel_batch_count(b); i++) {
			const char *msg;
			if (doppel_scan_status(s, i, &msg) != DOPPEL_OK) {
				c->rejected++;
				cli_warn(c, "%s", msg);
			}
		}
	} else if (rc != DOPPEL_OK) {
		cli_error("%s", doppel_scan_errmsg(s));
		return EXIT_FATAL;
	}
	doppel_batch_clear(b);
	return EXIT_OK;
}

int cli_scan(struct cli *c)
{
	if (c->npaths == 0) {
		cli_error("scan: no input (give files, directories or - for stdin)");
		return EXIT_USAGE;
	}
	int rc = EXIT_OK;
	doppel_reader *r = NULL;
	doppel_batch *b = doppel_batch_new();
	doppel_scan *s = doppel_scan_new(&c->params);
	struct progress pg;
	progress_start(&pg, c);
	double t0 = pg.start;
	if (!b || !s) {
		cli_error("out of memory");
		rc = EXIT_FATAL;
		goto out;
	}
	if (c->params.boilerplate_min && !reads_stdin(c) &&
	    (rc = learn_pass(c, s, b, &pg)))
		goto out;
	if (!(r = cli_reader(c))) {
		rc = EXIT_FATAL;
		goto out;
	}
	uint64_t n = 0;
	for (;;) {
		doppel_article a;
		int st = doppel_reader_next(r, &a);
		if (st == DOPPEL_END)
			break;
		if (st < 0) {
			cli_reader_error(c, r);
			continue;
		}
		if (doppel_batch_push(b, &a) != DOPPEL_OK) {
			cli_error("out of memory");
			rc = EXIT_FATAL;
			goto out;
		}
		n++;
		if (doppel_batch_count(b) >= CLI_BATCH_ARTICLES ||
		    doppel_batch_bytes(b) >= CLI_BATCH_BYTES) {
			if ((rc = take_batch(c, s, b)))
				goto out;
			progress_update(&pg, n, doppel_reader_bytes(r), "sketching:");
		}
	}
	if (doppel_batch_count(b) && (rc = take_batch(c, s, b)))
		goto out;
	progress_update(&pg, n, doppel_reader_bytes(r), "grouping:");
	if (doppel_scan_finish(s) != DOPPEL_OK) {
		cli_error("%s", doppel_scan_errmsg(s));
		rc = EXIT_FATAL;
		goto out;
	}
	progress_end(&pg);
	for (size_t i = 0; i < doppel_scan_group_count(s); i++) {
		doppel_group g;
		if (doppel_scan_group(s, i, &g) == DOPPEL_OK)
			print_group(c, i, &g);
	}
	doppel_stats st;
	doppel_scan_stats(s, &st);
	print_stats(c, &st, pg.last > t0 ? pg.last - t0 : 0.0);
	if (c->rejected)
		rc = EXIT_REJECTED;
out:
	progress_end(&pg);
	doppel_reader_free(r);
	doppel_scan_free(s);
	doppel_batch_free(b);
	return rc;
}
