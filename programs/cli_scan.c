/*
 * cli_scan.c — `doppel scan`, `doppel stories` and `doppel explain`: the
 * commands that work on articles given on the command line, not an index.
 *
 * The inputs are read, and the scan keeps each article's text compressed,
 * or for an article of an uncompressed file only where it lies, to be read
 * again by the same reader; it relates them all when it is finished
 * (doppel_scan_finish).
 */
#include "cli.h"

#include <pthread.h>
#include <string.h>

/*
 * Reading overlaps with the library's work: while one batch is learned or
 * sketched on a thread of its own, the next one is read. The thread is
 * joined before the next batch is handed over, so messages come out in the
 * same order whatever the timing.
 */
struct feed {
	struct cli *c;
	doppel_scan *s;
	doppel_batch *batch[2];
	int cur; /* the batch being filled */
	pthread_t thread;
	bool working;  /* batch[!cur] has been handed over */
	bool threaded; /* ... to a thread, to be joined */
	int status;    /* of the library call on batch[!cur] */
};

static void *feed_work(void *arg)
{
	struct feed *f = arg;
	doppel_batch *b = f->batch[!f->cur];
	f->status = doppel_scan_add(f->s, b);
	return NULL;
}

/* Waits for the batch handed over and reports the articles it skipped. */
static int feed_wait(struct feed *f)
{
	if (!f->working)
		return EXIT_OK;
	if (f->threaded)
		pthread_join(f->thread, NULL);
	f->working = false;
	doppel_batch *b = f->batch[!f->cur];
	int rc = EXIT_OK;
	if (f->status == DOPPEL_E_DUPID || f->status == DOPPEL_E_ARG) {
		for (size_t i = 0; i < doppel_batch_count(b); i++) {
			const char *msg;
			if (doppel_scan_status(f->s, i, &msg) != DOPPEL_OK) {
				f->c->rejected++;
				cli_warn(f->c, "%s", msg);
			}
		}
	} else if (f->status != DOPPEL_OK) {
		cli_error("%s", doppel_scan_errmsg(f->s));
		rc = EXIT_FATAL;
	}
	doppel_batch_clear(b);
	return rc;
}

/* Hands the batch being filled over and starts filling the other one. */
static int feed_hand(struct feed *f)
{
	int rc = feed_wait(f);
	if (rc)
		return rc;
	f->cur = !f->cur;
	f->working = true;
	f->threaded = pthread_create(&f->thread, NULL, feed_work, f) == 0;
	if (!f->threaded)
		feed_work(f); /* no thread to be had: do it here */
	return EXIT_OK;
}

/* Reads every input into the scan with r. */
static int feed_all(struct cli *c, doppel_scan *s, doppel_reader *r, struct progress *pg)
{
	struct feed f = {.c = c, .s = s};
	f.batch[0] = doppel_batch_new();
	f.batch[1] = doppel_batch_new();
	int rc = EXIT_OK;
	if (!f.batch[0] || !f.batch[1]) {
		cli_error("out of memory");
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
		cli_reader_warning(c, r);
		doppel_batch *b = f.batch[f.cur];
		if (doppel_batch_push(b, &a) != DOPPEL_OK) {
			cli_error("out of memory");
			rc = EXIT_FATAL;
			goto out;
		}
		n++;
		if (doppel_batch_count(b) >= CLI_BATCH_ARTICLES ||
		    doppel_batch_bytes(b) >= CLI_BATCH_BYTES) {
			if ((rc = feed_hand(&f)))
				goto out;
			progress_update(pg, n, doppel_reader_bytes(r), "reading:");
		}
	}
	if (doppel_batch_count(f.batch[f.cur]))
		rc = feed_hand(&f);
	cli_reader_done(c, r);
out:;
	int wrc = feed_wait(&f);
	if (rc == EXIT_OK)
		rc = wrc;
	doppel_batch_free(f.batch[0]);
	doppel_batch_free(f.batch[1]);
	return rc;
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
	doppel_scan *s = doppel_scan_new(&c->params);
	struct progress pg;
	progress_start(&pg, c);
	if (!s) {
		cli_error("out of memory");
		return EXIT_FATAL;
	}
	/* The reader reads texts again while the scan relates: it lives as
	 * long. */
	doppel_reader *r = cli_reader(c);
	if (!r) {
		rc = EXIT_FATAL;
		goto out;
	}
	if (doppel_scan_reread_from(s, r) != DOPPEL_OK) {
		cli_error("%s", doppel_scan_errmsg(s));
		rc = EXIT_FATAL;
		goto out;
	}
	if ((rc = feed_all(c, s, r, &pg)))
		goto out;
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
	doppel_scan_free(s);
	doppel_reader_free(r);
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
	if (c->db && c->npaths == 0)
		return cli_stories_db(c);
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
		cli_reader_warning(c, r);
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
	if (c->db)
		return cli_explain_stored(c);
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
		                   doppel_batch_article(b, 1), &e, err,
		                   sizeof(err)) != DOPPEL_OK) {
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
