/*
 * cli_scan.c — `doppel scan`, `doppel stories` and `doppel explain`: the
 * commands that work on articles given on the command line, not an index.
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

/* Reads, sketches and finishes a scan of c->paths. On success *out is the
 * finished scan (the caller frees it); on failure an exit code. */
static int run_scan(struct cli *c, doppel_scan **out)
{
	*out = NULL;
	if (c->npaths == 0) {
		cli_error("%s: no input (give files, directories or - for stdin)", c->cmd);
		return EXIT_USAGE;
	}
	int rc = EXIT_OK;
	doppel_reader *r = NULL;
	doppel_batch *b = doppel_batch_new();
	doppel_scan *s = doppel_scan_new(&c->params);
	struct progress pg;
	progress_start(&pg, c);
	if (!b || !s) {
		cli_error("out of memory");
		rc = EXIT_FATAL;
		goto out;
	}
	if (c->params.boilerplate_min && !reads_stdin(c) && (rc = learn_pass(c, s, b, &pg)))
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
	progress_update(&pg, n, doppel_reader_bytes(r), "relating:");
	if (doppel_scan_finish(s) != DOPPEL_OK) {
		cli_error("%s", doppel_scan_errmsg(s));
		rc = EXIT_FATAL;
		goto out;
	}
	doppel_stats st;
	doppel_scan_stats(s, &st);
	progress_end(&pg);
	print_stats(c, &st, progress_elapsed(&pg));
	*out = s;
	s = NULL;
out:
	progress_end(&pg);
	doppel_reader_free(r);
	doppel_scan_free(s);
	doppel_batch_free(b);
	return rc;
}

int cli_scan(struct cli *c)
{
	doppel_scan *s;
	int rc = run_scan(c, &s);
	if (rc)
		return rc;
	for (size_t i = 0; i < doppel_scan_group_count(s); i++) {
		doppel_group g;
		if (doppel_scan_group(s, i, &g) == DOPPEL_OK)
			print_group(c, i, &g);
	}
	print_pairs(c, s);
	doppel_scan_free(s);
	return c->rejected ? EXIT_REJECTED : EXIT_OK;
}

int cli_stories(struct cli *c)
{
	doppel_scan *s;
	int rc = run_scan(c, &s);
	if (rc)
		return rc;
	for (size_t i = 0; i < doppel_scan_story_count(s); i++) {
		doppel_story st;
		if (doppel_scan_story(s, i, &st) == DOPPEL_OK)
			print_story(c, i, &st);
	}
	doppel_scan_free(s);
	return c->rejected ? EXIT_REJECTED : EXIT_OK;
}

/* The first article of a path, copied into b. */
static int first_article(struct cli *c, const char *path, doppel_batch *b)
{
	doppel_reader *r = doppel_reader_new(&c->read);
	if (!r || doppel_reader_add_path(r, path) != DOPPEL_OK) {
		cli_error("%s", r ? doppel_reader_errmsg(r) : "out of memory");
		doppel_reader_free(r);
		return EXIT_FATAL;
	}
	int rc = EXIT_OK;
	for (;;) {
		doppel_article a;
		int st = doppel_reader_next(r, &a);
		if (st == DOPPEL_END) {
			cli_error("explain: %s holds no article", path);
			rc = EXIT_FATAL;
			break;
		}
		if (st < 0) {
			cli_reader_error(c, r);
			continue;
		}
		if (doppel_batch_push(b, &a) != DOPPEL_OK) {
			cli_error("out of memory");
			rc = EXIT_FATAL;
		}
		break;
	}
	doppel_reader_free(r);
	return rc;
}

int cli_explain(struct cli *c)
{
	if (c->npaths != 2) {
		cli_error("explain: give two articles (files, or JSON Lines whose first record "
		          "is taken)");
		return EXIT_USAGE;
	}
	doppel_batch *b = doppel_batch_new();
	if (!b) {
		cli_error("out of memory");
		return EXIT_FATAL;
	}
	int rc = first_article(c, c->paths[0], b);
	if (rc == EXIT_OK)
		rc = first_article(c, c->paths[1], b);
	if (rc == EXIT_OK) {
		doppel_explanation *e = NULL;
		char err[512];
		if (doppel_explain(&c->params, doppel_batch_article(b, 0),
		                   doppel_batch_article(b, 1), &e, err, sizeof(err)) != DOPPEL_OK) {
			cli_error("%s", err);
			rc = EXIT_FATAL;
		} else {
			print_explanation(c, e);
			doppel_explanation_free(e);
		}
	}
	doppel_batch_free(b);
	return rc;
}
