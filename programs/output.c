/*
 * output.c — what the doppel command writes: reports, JSON Lines, progress
 * and messages.
 */
#include "cli.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("doppel: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_warn(const struct cli *c, const char *fmt, ...)
{
	if (c->quiet)
		return;
	va_list ap;
	fputs("doppel: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_reader_error(struct cli *c, const doppel_reader *r)
{
	c->rejected++;
	cli_warn(c, "%s", doppel_reader_errmsg(r));
}

void cli_reader_warning(const struct cli *c, const doppel_reader *r)
{
	const char *w = doppel_reader_warning(r);
	if (w)
		cli_warn(c, "%s", w);
}

void cli_reader_done(struct cli *c, const doppel_reader *r)
{
	doppel_read_stats rs;
	doppel_reader_stats(r, &rs);
	c->cp1252 += rs.cp1252;
}

doppel_reader *cli_reader(struct cli *c)
{
	doppel_reader *r = doppel_reader_new(&c->read);
	if (!r) {
		cli_error("out of memory");
		return NULL;
	}
	for (int i = 0; i < c->npaths; i++) {
		if (doppel_reader_add_path(r, c->paths[i]) != DOPPEL_OK) {
			cli_error("%s", doppel_reader_errmsg(r));
			doppel_reader_free(r);
			return NULL;
		}
	}
	return r;
}

/* ------------------------------------------------------------- progress */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void progress_start(struct progress *p, const struct cli *c)
{
	p->on = c->progress > 0 || (c->progress < 0 && isatty(STDERR_FILENO));
	p->start = p->last = now();
	p->articles = 0;
}

void progress_update(struct progress *p, uint64_t articles, uint64_t bytes, const char *phase)
{
	if (!p->on)
		return;
	double t = now();
	if (t - p->last < 0.5)
		return;
	p->last = t;
	double dt = t - p->start > 1e-9 ? t - p->start : 1e-9;
	fprintf(stderr, "\r\033[Kdoppel: %s %llu articles, %.1f MB, %.0f articles/s, %.1f MB/s",
	        phase, (unsigned long long)articles, (double)bytes / 1e6, (double)articles / dt,
	        (double)bytes / 1e6 / dt);
	fflush(stderr);
	p->articles = articles;
}

double progress_elapsed(const struct progress *p)
{
	return now() - p->start;
}

void progress_end(struct progress *p)
{
	if (p->on && p->last > p->start) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
}

/* ----------------------------------------------------------------- text */

static void date_text(int32_t d, char buf[11])
{
	if (d == DOPPEL_NO_DATE)
		memcpy(buf, "----------", 11);
	else
		doppel_format_date(d, buf);
}

/* Prints at most max bytes of a UTF-8 title, cut at a character boundary. */
static void print_title(FILE *f, const char *t, size_t max)
{
	size_t n = strlen(t);
	if (n <= max) {
		fprintf(f, "  \"%s\"", t);
		return;
	}
	while (max > 0 && ((unsigned char)t[max] & 0xC0) == 0x80)
		max--;
	fprintf(f, "  \"%.*s…\"", (int)max, t);
}

static void emit_json(json_t *o)
{
	json_dumpf(o, stdout, CLI_JSON_FLAGS);
	fputc('\n', stdout);
	json_decref(o);
}

void print_group(const struct cli *c, size_t index, const doppel_group *g)
{
	if (c->json) {
		emit_json(group_json(g));
		return;
	}
	if (index > 0)
		fputc('\n', stdout);
	printf("group %zu: %zu articles, representative %s\n", index + 1, g->count, g->id);
	size_t idw = 0;
	for (size_t i = 0; i < g->count; i++) {
		size_t n = strlen(g->members[i].id);
		idw = n > idw ? n : idw;
	}
	for (size_t i = 0; i < g->count; i++) {
		const doppel_member *m = &g->members[i];
		char d[11];
		date_text(m->date, d);
		printf("  %s  %-*s  ", d, (int)idw, m->id);
		if (i == 0)
			printf("representative, %u words", m->words);
		else
			printf("%s of %s  J=%.2f C=%.2f", doppel_relation_name(m->relation),
			       m->of, m->jaccard, m->containment);
		if (m->title)
			print_title(stdout, m->title, 60);
		fputc('\n', stdout);
	}
}

void print_result(const struct cli *c, const doppel_result *r, const doppel_article *a)
{
	if (c->json) {
		emit_json(result_json(r));
		return;
	}
	printf("%s: %s",
	       r->id       ? r->id
	       : a->origin ? a->origin
	                   : "?",
	       doppel_outcome_name(r->outcome));
	if (r->outcome == DOPPEL_REJECTED)
		printf(" (%s)", doppel_strerror(r->error));
	fputc('\n', stdout);
	for (size_t i = 0; i < r->count; i++) {
		const doppel_match *m = &r->matches[i];
		printf("  %s of %s  J=%.2f C=%.2f", doppel_relation_name(m->relation), m->id,
		       m->jaccard, m->containment);
		if (m->direction == DOPPEL_DIR_FROM)
			printf("  (%s is earlier)", m->id);
		else if (m->direction == DOPPEL_DIR_TO)
			printf("  (%s is later)", m->id);
		fputc('\n', stdout);
	}
}

void print_stats(const struct cli *c, const doppel_stats *st, double seconds)
{
	if (!c->verbose)
		return;
	fprintf(stderr,
	        "doppel: shingle=%u k=%u seed=%llu threshold=%.2f -> bands=%u rows=%u; "
	        "duplicate J>=%.2f, copy C>=%.2f; boilerplate-min=%u; threads=%u\n",
	        c->params.shingle, c->params.k, (unsigned long long)c->params.seed,
	        c->params.threshold, st->bands, st->rows, c->params.duplicate_jaccard,
	        c->params.copy_containment, c->params.boilerplate_min,
	        c->params.threads ? c->params.threads
	                          : (unsigned)sysconf(_SC_NPROCESSORS_ONLN));
	fprintf(stderr,
	        "doppel: %llu articles (%.1f MB), %llu without content, %llu rejected, "
	        "%llu read as Windows-1252; "
	        "%llu candidate pairs (%llu aligned), %llu relations; %.2f s (%.2f s sketching)\n",
	        (unsigned long long)st->articles, (double)st->bytes / 1e6,
	        (unsigned long long)st->empty, (unsigned long long)c->rejected,
	        (unsigned long long)c->cp1252, (unsigned long long)st->candidates,
	        (unsigned long long)st->verified, (unsigned long long)st->edges, seconds,
	        st->sketch_seconds);
}

/* ------------------------------------------------------ relations, stories */

void print_pairs(const struct cli *c, const doppel_scan *s)
{
	size_t n = doppel_scan_pair_count(s), shown = 0;
	for (size_t i = 0; i < n; i++) {
		doppel_pair p;
		if (doppel_scan_pair(s, i, &p) != DOPPEL_OK)
			break;
		if (c->json) {
			emit_json(pair_json(&p));
			continue;
		}
		/* Duplicates and copies are in the groups already. */
		if (p.relation == DOPPEL_REL_DUPLICATE || p.relation == DOPPEL_REL_COPY)
			continue;
		if (shown++ == 0)
			printf("%srelations:\n", doppel_scan_group_count(s) ? "\n" : "");
		const char *arrow = p.relation == DOPPEL_REL_REWRITE && p.basis ? "->" : "--";
		printf("  %-10s  %s %s %s  aligned=%.2f anchors=%.2f names=%.2f topic=%.2f",
		       doppel_relation_name(p.relation), p.a, arrow, p.b, p.aligned, p.anchors,
		       p.names, p.topic);
		if (p.basis)
			printf("  (direction by %s)", doppel_basis_name(p.basis));
		fputc('\n', stdout);
	}
}

void print_story(const struct cli *c, size_t index, const doppel_story *st)
{
	if (c->json) {
		emit_json(story_json(st));
		return;
	}
	if (index > 0)
		fputc('\n', stdout);
	printf("story %zu: %zu articles in %zu event%s\n", index + 1, st->articles, st->count,
	       st->count == 1 ? "" : "s");
	for (size_t e = 0; e < st->count; e++) {
		const doppel_event *ev = &st->events[e];
		char d[11];
		date_text(ev->date, d);
		printf("  %s  event %s\n", d, ev->id);
		for (size_t i = 0; i < ev->count; i++) {
			const doppel_event_member *m = &ev->members[i];
			date_text(m->date, d);
			printf("    %s  %-11s %s", d, member_role(m, i), m->id);
			if (m->of)
				printf("  (%s of %s)", doppel_relation_name(m->relation),
				       m->of);
			if (m->title)
				print_title(stdout, m->title, 50);
			fputc('\n', stdout);
		}
	}
}

static void print_facts(const char *label, const doppel_fact *f, size_t n)
{
	printf("%s (%zu):", label, n);
	for (size_t i = 0; i < n; i++)
		printf("%s %s \"%s\"", i ? ";" : "", f[i].kind, f[i].text);
	fputc('\n', stdout);
}

void print_explanation(const struct cli *c, const doppel_explanation *e)
{
	const doppel_pair *p = &e->pair;
	if (c->json) {
		emit_json(explanation_json(e));
		return;
	}
	printf("%s and %s: %s", p->a, p->b, doppel_relation_name(p->relation));
	if (e->a_source >= 0)
		printf(", %s derives from %s (by %s)", e->a_source ? p->b : p->a,
		       e->a_source ? p->a : p->b, doppel_basis_name(p->basis));
	if (e->stored)
		printf(", as the index stores it");
	else if (c->db)
		printf(" (the index stores no relation of the two: measured now)");
	printf("\n  jaccard %.2f  containment %.2f  aligned %.2f  anchors %.2f  names %.2f  "
	       "topic %.2f\n",
	       p->jaccard, p->containment, p->aligned, p->anchors, p->names, p->topic);
	printf("\naligned sentences (%zu):\n", e->naligned);
	for (size_t i = 0; i < e->naligned; i++)
		printf("  [%.2f] A: %s\n         B: %s\n", e->aligned[i].score, e->aligned[i].a,
		       e->aligned[i].b);
	printf("\n");
	print_facts("shared facts", e->shared, e->nshared);
	print_facts("facts only in A", e->facts_a, e->nfacts_a);
	print_facts("facts only in B", e->facts_b, e->nfacts_b);
	printf("\nsentences only in A (%zu):\n", e->nonly_a);
	for (size_t i = 0; i < e->nonly_a; i++)
		printf("  %s\n", e->only_a[i]);
	printf("sentences only in B (%zu):\n", e->nonly_b);
	for (size_t i = 0; i < e->nonly_b; i++)
		printf("  %s\n", e->only_b[i]);
}
