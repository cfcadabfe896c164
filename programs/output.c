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

void progress_update(struct progress *p, uint64_t articles, uint64_t bytes,
                     const char *phase)
{
	if (!p->on)
		return;
	double t = now();
	if (t - p->last < 0.5)
		return;
	p->last = t;
	double dt = t - p->start > 1e-9 ? t - p->start : 1e-9;
	fprintf(stderr, "\r\033[Kdoppel: %s %llu articles, %.1f MB, %.0f articles/s, %.1f MB/s",
	        phase, (unsigned long long)articles, (double)bytes / 1e6,
	        (double)articles / dt, (double)bytes / 1e6 / dt);
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

/* Figures are shown with two decimals and written to JSON with three. */
static double round3(double x)
{
	return round(x * 1000.0) / 1000.0;
}

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

static json_t *date_json(int32_t d)
{
	if (d == DOPPEL_NO_DATE)
		return json_null();
	char buf[11];
	return json_string(doppel_format_date(d, buf));
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static void emit_json(json_t *o)
{
	json_dumpf(o, stdout, JSON_COMPACT | JSON_REAL_PRECISION(6));
	fputc('\n', stdout);
	json_decref(o);
}

void print_group(const struct cli *c, size_t index, const doppel_group *g)
{
	if (c->json) {
		json_t *members = json_array();
		for (size_t i = 0; i < g->count; i++) {
			const doppel_member *m = &g->members[i];
			json_t *o = json_object();
			json_object_set_new(o, "id", json_string(m->id));
			json_object_set_new(o, "title", str_or_null(m->title));
			json_object_set_new(o, "date", date_json(m->date));
			json_object_set_new(o, "words", json_integer(m->words));
			json_object_set_new(o, "relation",
			                    json_string(i == 0 ? "representative"
			                                       : doppel_relation_name(m->relation)));
			if (i > 0) {
				json_object_set_new(o, "of", json_string(m->of));
				json_object_set_new(o, "direction",
				                    json_string(doppel_direction_name(m->direction)));
				json_object_set_new(o, "jaccard", json_real(round3(m->jaccard)));
				json_object_set_new(o, "containment",
				                    json_real(round3(m->containment)));
			}
			json_array_append_new(members, o);
		}
		json_t *o = json_object();
		json_object_set_new(o, "type", json_string("group"));
		json_object_set_new(o, "group", json_string(g->id));
		json_object_set_new(o, "size", json_integer((json_int_t)g->count));
		json_object_set_new(o, "members", members);
		emit_json(o);
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
			printf("%s of %s  J=%.2f C=%.2f", doppel_relation_name(m->relation), m->of,
			       m->jaccard, m->containment);
		if (m->title)
			print_title(stdout, m->title, 60);
		fputc('\n', stdout);
	}
}

void print_result(const struct cli *c, const doppel_result *r,
                  const doppel_article *a)
{
	if (c->json) {
		json_t *rels = json_array();
		for (size_t i = 0; i < r->count; i++) {
			const doppel_match *m = &r->matches[i];
			json_t *o = json_object();
			json_object_set_new(o, "id", json_string(m->id));
			json_object_set_new(o, "relation",
			                    json_string(doppel_relation_name(m->relation)));
			json_object_set_new(o, "direction",
			                    json_string(doppel_direction_name(m->direction)));
			json_object_set_new(o, "jaccard", json_real(round3(m->jaccard)));
			json_object_set_new(o, "containment", json_real(round3(m->containment)));
			json_object_set_new(o, "date", date_json(m->date));
			json_array_append_new(rels, o);
		}
		json_t *o = json_object();
		json_object_set_new(o, "id", str_or_null(r->id));
		json_object_set_new(o, "outcome", json_string(doppel_outcome_name(r->outcome)));
		if (r->outcome == DOPPEL_REJECTED)
			json_object_set_new(o, "error", json_string(doppel_strerror(r->error)));
		json_object_set_new(o, "words", json_integer(r->words));
		json_object_set_new(o, "relations", rels);
		emit_json(o);
		return;
	}
	printf("%s: %s", r->id ? r->id : a->origin ? a->origin : "?",
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
	        "doppel: %llu articles (%.1f MB), %llu without content, %llu rejected; "
	        "%llu candidate pairs (%llu aligned), %llu relations; %.2f s (%.2f s sketching)\n",
	        (unsigned long long)st->articles, (double)st->bytes / 1e6,
	        (unsigned long long)st->empty, (unsigned long long)c->rejected,
	        (unsigned long long)st->candidates, (unsigned long long)st->verified,
	        (unsigned long long)st->edges, seconds,
	        st->sketch_seconds);
}

/* ------------------------------------------------------ relations, stories */

static bool is_derivation(doppel_relation r)
{
	return r == DOPPEL_REL_DUPLICATE || r == DOPPEL_REL_COPY || r == DOPPEL_REL_REWRITE;
}

static json_t *pair_json(const doppel_pair *p)
{
	json_t *o = json_object();
	json_object_set_new(o, "type", json_string("relation"));
	json_object_set_new(o, "relation", json_string(doppel_relation_name(p->relation)));
	json_object_set_new(o, "a", json_string(p->a));
	json_object_set_new(o, "b", json_string(p->b));
	/* For a derivation with a known direction, a is the source. */
	if (is_derivation(p->relation))
		json_object_set_new(o, "direction", json_string(p->basis ? "a->b" : "unknown"));
	json_object_set_new(o, "basis", json_string(doppel_basis_name(p->basis)));
	json_object_set_new(o, "jaccard", json_real(round3(p->jaccard)));
	json_object_set_new(o, "containment", json_real(round3(p->containment)));
	json_object_set_new(o, "aligned", json_real(round3(p->aligned)));
	json_object_set_new(o, "anchors", json_real(round3(p->anchors)));
	json_object_set_new(o, "names", json_real(round3(p->names)));
	json_object_set_new(o, "topic", json_real(round3(p->topic)));
	return o;
}

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

static const char *role(const doppel_event_member *m, size_t i)
{
	if (i == 0)
		return "origin";
	return m->relation == DOPPEL_REL_SAME_EVENT ? "independent" : "derived";
}

void print_story(const struct cli *c, size_t index, const doppel_story *st)
{
	if (c->json) {
		json_t *events = json_array();
		for (size_t e = 0; e < st->count; e++) {
			const doppel_event *ev = &st->events[e];
			json_t *members = json_array();
			for (size_t i = 0; i < ev->count; i++) {
				const doppel_event_member *m = &ev->members[i];
				json_t *o = json_object();
				json_object_set_new(o, "id", json_string(m->id));
				json_object_set_new(o, "title", str_or_null(m->title));
				json_object_set_new(o, "date", date_json(m->date));
				json_object_set_new(o, "role", json_string(role(m, i)));
				if (i > 0)
					json_object_set_new(o, "relation",
					                    json_string(doppel_relation_name(m->relation)));
				if (m->of)
					json_object_set_new(o, "of", json_string(m->of));
				json_array_append_new(members, o);
			}
			json_t *o = json_object();
			json_object_set_new(o, "event", json_string(ev->id));
			json_object_set_new(o, "date", date_json(ev->date));
			json_object_set_new(o, "members", members);
			json_array_append_new(events, o);
		}
		json_t *o = json_object();
		json_object_set_new(o, "type", json_string("story"));
		json_object_set_new(o, "story", json_string(st->id));
		json_object_set_new(o, "articles", json_integer((json_int_t)st->articles));
		json_object_set_new(o, "events", events);
		emit_json(o);
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
			printf("    %s  %-11s %s", d, role(m, i), m->id);
			if (m->of)
				printf("  (%s of %s)", doppel_relation_name(m->relation), m->of);
			if (m->title)
				print_title(stdout, m->title, 50);
			fputc('\n', stdout);
		}
	}
}

static json_t *facts_json(const doppel_fact *f, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "kind", json_string(f[i].kind));
		json_object_set_new(o, "text", json_string(f[i].text));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *strings_json(const char *const *s, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(s[i]));
	return a;
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
		json_t *o = pair_json(p);
		json_object_set_new(o, "type", json_string("explanation"));
		json_object_set_new(o, "source",
		                    e->a_source < 0 ? json_null()
		                                    : json_string(e->a_source ? p->a : p->b));
		json_t *al = json_array();
		for (size_t i = 0; i < e->naligned; i++) {
			json_t *x = json_object();
			json_object_set_new(x, "a", json_string(e->aligned[i].a));
			json_object_set_new(x, "b", json_string(e->aligned[i].b));
			json_object_set_new(x, "score", json_real(round3(e->aligned[i].score)));
			json_array_append_new(al, x);
		}
		json_object_set_new(o, "aligned_sentences", al);
		json_object_set_new(o, "only_a", strings_json(e->only_a, e->nonly_a));
		json_object_set_new(o, "only_b", strings_json(e->only_b, e->nonly_b));
		json_object_set_new(o, "shared_facts", facts_json(e->shared, e->nshared));
		json_object_set_new(o, "facts_only_a", facts_json(e->facts_a, e->nfacts_a));
		json_object_set_new(o, "facts_only_b", facts_json(e->facts_b, e->nfacts_b));
		emit_json(o);
		return;
	}
	printf("%s and %s: %s", p->a, p->b, doppel_relation_name(p->relation));
	if (e->a_source >= 0)
		printf(", %s derives from %s (by %s)", e->a_source ? p->b : p->a,
		       e->a_source ? p->a : p->b, doppel_basis_name(p->basis));
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
