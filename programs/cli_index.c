/*
 * cli_index.c — `doppel add` and `doppel query` over an SQLite index.
 *
 * Results of a batch are printed only after the library has committed it,
 * and stdout is flushed then: every article reported as added survives a
 * killed process.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static int open_index(struct cli *c, unsigned flags, doppel_index **x)
{
	char err[512];
	if (!c->db) {
		cli_error("%s: --db FILE is required", c->cmd);
		return EXIT_USAGE;
	}
	if (!c->stored_set)
		flags |= DOPPEL_OPEN_ADOPT;
	int rc = doppel_index_open(x, c->db, &c->params, flags, err, sizeof(err));
	if (rc != DOPPEL_OK) {
		cli_error("%s", err);
		return EXIT_FATAL;
	}
	return EXIT_OK;
}

/* Prints the results of the batch just processed and reports problems. */
static void report(struct cli *c, doppel_index *x, const doppel_batch *b)
{
	for (size_t i = 0; i < doppel_batch_count(b); i++) {
		doppel_result r;
		if (doppel_index_result(x, i, &r) != DOPPEL_OK)
			break;
		const doppel_article *a = doppel_batch_article(b, i);
		const char *where = a->origin ? a->origin : r.id ? r.id : "?";
		if (r.outcome == DOPPEL_REJECTED) {
			c->rejected++;
			if (r.error == DOPPEL_E_DUPID)
				cli_warn(c, "%s: id \"%s\" is already in the index; rejected",
				         where, r.id);
			else
				cli_warn(c, "%s: %s; rejected", where,
				         doppel_strerror(r.error));
		} else if (r.outcome == DOPPEL_SKIPPED) {
			cli_warn(c,
			         "%s: id \"%s\" is already in the index; skipped "
			         "(--replace replaces it)",
			         where, r.id);
		}
		print_result(c, &r, a);
	}
	fflush(stdout);
}

static int run(struct cli *c, bool adding)
{
	if (c->npaths == 0) {
		cli_error("%s: no input (give files, directories or - for stdin)", c->cmd);
		return EXIT_USAGE;
	}
	doppel_index *x = NULL;
	int rc = open_index(c, adding ? DOPPEL_OPEN_CREATE : DOPPEL_OPEN_READONLY, &x);
	if (rc)
		return rc;
	/* an index keeps its texts: no record is read again */
	c->read.no_places = 1;
	doppel_reader *r = cli_reader(c);
	doppel_batch *b = doppel_batch_new();
	struct progress pg;
	progress_start(&pg, c);
	if (!r || !b) {
		rc = EXIT_FATAL;
		goto out;
	}
	uint64_t n = 0;
	bool more = true;
	while (more) {
		doppel_article a;
		int st = doppel_reader_next(r, &a);
		if (st == DOPPEL_END) {
			more = false;
		} else if (st < 0) {
			cli_reader_error(c, r);
			continue;
		} else {
			cli_reader_warning(c, r);
			if (doppel_batch_push(b, &a) != DOPPEL_OK) {
				cli_error("out of memory");
				rc = EXIT_FATAL;
				goto out;
			}
			n++;
		}
		size_t cnt = doppel_batch_count(b);
		if (cnt == 0 || (more && cnt < CLI_BATCH_ARTICLES &&
		                 doppel_batch_bytes(b) < CLI_BATCH_BYTES))
			continue;
		int st2 = adding ? doppel_index_add(x, b, c->on_dup) : doppel_index_query(x, b);
		if (st2 != DOPPEL_OK) {
			cli_error("%s", doppel_index_errmsg(x));
			rc = EXIT_FATAL;
			goto out;
		}
		progress_end(&pg);
		report(c, x, b);
		doppel_batch_clear(b);
		progress_update(&pg, n, doppel_reader_bytes(r),
		                adding ? "adding:" : "querying:");
	}
	progress_end(&pg);
	cli_reader_done(c, r);
	doppel_stats st;
	doppel_index_stats(x, &st);
	print_stats(c, &st, progress_elapsed(&pg));
	if (c->verbose)
		fprintf(stderr, "doppel: the index holds %llu articles\n",
		        (unsigned long long)doppel_index_count(x));
	if (c->rejected)
		rc = EXIT_REJECTED;
out:
	doppel_batch_free(b);
	doppel_reader_free(r);
	doppel_index_close(x);
	return rc;
}

int cli_add(struct cli *c)
{
	return run(c, true);
}

int cli_query(struct cli *c)
{
	return run(c, false);
}

int cli_stories_db(struct cli *c)
{
	doppel_index *x = NULL;
	int rc = open_index(c, DOPPEL_OPEN_READONLY | DOPPEL_OPEN_LAZY, &x);
	if (rc)
		return rc;
	size_t n = 0;
	const doppel_story_info *si = NULL;
	if (doppel_index_stories(x, DOPPEL_NO_DATE, 0, &n, &si) != DOPPEL_OK) {
		cli_error("%s", doppel_index_errmsg(x));
		doppel_index_close(x);
		return EXIT_FATAL;
	}
	/* Each story call reuses the handle's memory: copy the ids first. */
	char **ids = calloc(n + 1, sizeof(*ids));
	for (size_t i = 0; ids && i < n; i++)
		if (!(ids[i] = strdup(si[i].id)))
			rc = EXIT_FATAL;
	if (!ids)
		rc = EXIT_FATAL;
	for (size_t i = 0; rc == EXIT_OK && i < n; i++) {
		doppel_story st;
		if (doppel_index_story(x, ids[i], &st) != DOPPEL_OK) {
			cli_error("%s", doppel_index_errmsg(x));
			rc = EXIT_FATAL;
			break;
		}
		print_story(c, i, &st);
	}
	if (rc && !ids)
		cli_error("out of memory");
	for (size_t i = 0; ids && i < n; i++)
		free(ids[i]);
	free(ids);
	doppel_index_close(x);
	return rc;
}

int cli_explain_stored(struct cli *c)
{
	doppel_index *x = NULL;
	int rc = open_index(c, DOPPEL_OPEN_READONLY | DOPPEL_OPEN_LAZY, &x);
	if (rc)
		return rc;
	doppel_explanation *e = NULL;
	if (doppel_index_explain(x, c->paths[0], c->paths[1], &e) != DOPPEL_OK) {
		cli_error("explain: %s", doppel_index_errmsg(x));
		rc = EXIT_FATAL;
	} else {
		print_explanation(c, e);
	}
	doppel_explanation_free(e);
	doppel_index_close(x);
	return rc;
}

int cli_check(struct cli *c)
{
	doppel_check k;
	char err[512];
	if (doppel_index_check(c->db, &c->params, &k, err, sizeof(err)) != DOPPEL_OK) {
		cli_error("%s", err);
		return EXIT_FATAL;
	}
	bool sound = k.integrity && !k.signatures &&
	             (k.mixed || k.rules || (!k.missing && !k.extra));
	printf("%s: %s\n", c->db, sound ? "sound" : "NOT SOUND");
	printf("  integrity check: %s\n", k.integrity ? "ok" : "failed");
	printf("  articles: %llu, signatures made again that differ: %llu\n",
	       (unsigned long long)k.articles, (unsigned long long)k.signatures);
	printf("  relations: %llu stored, %llu not found again, %llu found again but not "
	       "stored\n",
	       (unsigned long long)k.relations, (unsigned long long)k.missing,
	       (unsigned long long)k.extra);
	if (k.mixed)
		printf("  written by runs that looked for different relations: related again "
		       "with the relations of this run, so relation differences are expected\n");
	if (k.rules)
		printf("  relations written by another version's rules (an older doppel): related "
		       "again by this version's, so relation differences are expected\n");
	if (k.gaps)
		printf("  %llu articles were deleted or replaced: the others were related beside "
		       "them once, so some differences are expected\n",
		       (unsigned long long)k.gaps);
	if (k.first[0])
		printf("  first difference: %s\n", k.first);
	return sound ? EXIT_OK : EXIT_FATAL;
}
