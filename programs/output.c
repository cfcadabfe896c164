/*
 * output.c — what the doppel command writes: reports, JSON Lines, progress
 * and messages.
 */
#include "cli.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
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
	        "%llu candidate pairs (%llu aligned), %llu relations; %.1f MB of texts kept; "
	        "%.2f s (%.2f s sketching)\n",
	        (unsigned long long)st->articles, (double)st->bytes / 1e6,
	        (unsigned long long)st->empty, (unsigned long long)c->rejected,
	        (unsigned long long)c->cp1252, (unsigned long long)st->candidates,
	        (unsigned long long)st->verified, (unsigned long long)st->edges,
	        (double)st->kept_bytes / 1e6, seconds, st->sketch_seconds);
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
		const char *arrow = (p.relation == DOPPEL_REL_REWRITE ||
		                     p.relation == DOPPEL_REL_EXCERPT) &&
		                                    p.basis
		                            ? "->"
		                            : "--";
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

/* ------------------------------------------------------------- explain */

/* The text report of an explanation fits one screen: at most this many
 * entries of each list, each sentence on one line of at most REPORT_COLS
 * columns; the JSON has everything. */
#define REPORT_COLS 100
#define REPORT_ALIGNED 3
#define REPORT_DISAGREE 3
#define REPORT_ONLY 2
/* Passages shown side by side, lines of each, words compared in each. */
#define REPORT_PASSAGES 2
#define REPORT_PASSAGE_LINES 3
#define REPORT_PASSAGE_WORDS 400

/* Characters (not bytes) of UTF-8 text. */
static size_t columns(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

/* Prints s on one line in at most cols columns: line breaks, tabs and
 * runs of spaces as one space (none leading), cut at a word boundary with
 * "…" when it is longer. */
static void print_abbrev(const char *s, size_t cols)
{
	size_t n = strlen(s), used = 0, cut = n;
	if (columns(s, n) > cols) {
		size_t last_space = 0;
		for (size_t i = 0; i < n; i++) {
			if (((unsigned char)s[i] & 0xC0) != 0x80 && ++used > cols - 1) {
				cut = i;
				break;
			}
			if (s[i] == ' ')
				last_space = i;
		}
		if (last_space > cut / 2)
			cut = last_space;
	}
	bool space = true; /* nor any at the start */
	for (size_t i = 0; i < cut; i++) {
		bool sp = s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t';
		if (!(sp && space))
			fputc(sp ? ' ' : s[i], stdout);
		space = sp;
	}
	if (cut < n)
		fputs("…", stdout);
}

/* Line breaks, tabs and runs of spaces in s as one space, in place: a
 * name or a quote written over a wrapped line's end shows on one line. */
static void squeeze_spaces(char *s)
{
	char *w = s;
	for (const char *r = s; *r; r++) {
		bool space = *r == ' ' || *r == '\n' || *r == '\r' || *r == '\t';
		if (space && w > s && w[-1] == ' ')
			continue;
		*w++ = space ? ' ' : *r;
	}
	*w = '\0';
}

/* s into out (cap bytes) with squeeze_spaces(), cut if it must be at a
 * character's start. */
static void flat_copy(char *out, size_t cap, const char *s)
{
	size_t n = strlen(s);
	if (n >= cap) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out, s, n);
	out[n] = '\0';
	squeeze_spaces(out);
}

/* A fact as one short phrase: kind, the text as a writes it (and as b
 * writes it when that differs), its role or what it counts. */
static void fact_phrase(const doppel_fact_pair *f, char *buf, size_t cap)
{
	char fa[256], fb[256];
	flat_copy(fa, sizeof(fa), f->a.text ? f->a.text : f->b.text);
	flat_copy(fb, sizeof(fb), f->a.text && f->b.text ? f->b.text : "");
	const char *ta = fa, *tb = *fb && strcmp(fa, fb) ? fb : NULL;
	bool quote = !strcmp(f->kind, "quote");
	int n = snprintf(buf, cap, "%s %s%s%s", f->kind, quote ? "\"" : "", ta,
	                 quote ? "\"" : "");
	if (tb && n >= 0 && (size_t)n < cap)
		n += snprintf(buf + n, cap - (size_t)n, " / %s%s%s", quote ? "\"" : "", tb,
		              quote ? "\"" : "");
	if (f->role && n >= 0 && (size_t)n < cap)
		snprintf(buf + n, cap - (size_t)n, " (%s)", f->role);
}

/* Facts as a list of phrases separated by "; ", wrapped, in at most
 * max_lines lines; "… and N more" when they do not fit. */
static void print_fact_list(const char *label, const doppel_fact_pair *f, size_t n,
                            size_t max_lines)
{
	printf("%s (%zu):", label, n);
	const size_t more = 16; /* room for " … and N more" */
	size_t col = strlen(label) + 8, lines = 1;
	for (size_t i = 0; i < n; i++) {
		char phrase[256];
		fact_phrase(&f[i], phrase, sizeof(phrase));
		size_t w = columns(phrase, strlen(phrase)) + 2;
		if (w > REPORT_COLS - 4) {
			phrase[REPORT_COLS / 2] = '\0';
			while (((unsigned char)phrase[strlen(phrase) - 1] & 0xC0) == 0x80 ||
			       ((unsigned char)phrase[strlen(phrase) - 1] & 0xC0) == 0xC0)
				phrase[strlen(phrase) - 1] = '\0';
			w = columns(phrase, strlen(phrase)) + 3;
		}
		if (i)
			fputc(';', stdout);
		bool last = i + 1 == n;
		if (col + w + (lines == max_lines && !last ? more : 0) > REPORT_COLS) {
			if (++lines > max_lines) {
				printf(" … and %zu more", n - i);
				break;
			}
			fputs("\n  ", stdout);
			col = 2;
		}
		printf(" %s", phrase);
		col += w;
	}
	fputc('\n', stdout);
}

/* The facts only one article states: each with its sentence, then the
 * rest as a list. */
static void print_only(const char *label, const doppel_fact_pair *f, size_t n, bool in_a)
{
	printf("%s (%zu):\n", label, n);
	size_t shown = n <= REPORT_ONLY + 1 ? n : REPORT_ONLY;
	for (size_t i = 0; i < shown; i++) {
		char phrase[256];
		fact_phrase(&f[i], phrase, sizeof(phrase));
		fputs("  ", stdout);
		print_abbrev(phrase, 40);
		size_t w = columns(phrase, strlen(phrase));
		printf("%*s  ", (int)(w < 40 ? 40 - w : 0), "");
		print_abbrev(in_a ? f[i].a.sentence : f[i].b.sentence, REPORT_COLS - 46);
		fputc('\n', stdout);
	}
	if (shown < n)
		print_fact_list("  and", f + shown, n - shown, 2);
}

/* The words of s (runs of bytes other than spaces), at most max, as
 * [start, end) byte offsets into *at (pairs; caller frees). */
static size_t split_words(const char *s, size_t max, size_t **at)
{
	size_t n = 0, len = strlen(s);
	*at = malloc(2 * (max + 1) * sizeof(**at));
	if (!*at)
		return 0;
	for (size_t i = 0; i < len && n < max;) {
		while (i < len && isspace((unsigned char)s[i]))
			i++;
		if (i == len)
			break;
		size_t st = i;
		while (i < len && !isspace((unsigned char)s[i]))
			i++;
		(*at)[2 * n] = st;
		(*at)[2 * n + 1] = i;
		n++;
	}
	return n;
}

/* Whether two words are the same word: their letters and digits alike,
 * ASCII case folded, punctuation aside. */
static bool same_word(const char *a, size_t na, const char *b, size_t nb)
{
	size_t i = 0, j = 0;
	for (;;) {
		while (i < na && (unsigned char)a[i] < 0x80 && !isalnum((unsigned char)a[i]))
			i++;
		while (j < nb && (unsigned char)b[j] < 0x80 && !isalnum((unsigned char)b[j]))
			j++;
		if (i == na || j == nb)
			return i == na && j == nb;
		if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[j]))
			return false;
		i++;
		j++;
	}
}

/* Marks in keep_a and keep_b the words of a and b a longest common
 * subsequence keeps: the words neither side changed. */
static void common_words(const char *a, const size_t *wa, size_t na, const char *b,
                         const size_t *wb, size_t nb, bool *keep_a, bool *keep_b)
{
	uint16_t *t = calloc((na + 1) * (nb + 1), sizeof(*t));
	memset(keep_a, 0, na * sizeof(*keep_a));
	memset(keep_b, 0, nb * sizeof(*keep_b));
	if (!t)
		return;
#define T(i, j) t[(i) * (nb + 1) + (j)]
	for (size_t i = na; i-- > 0;)
		for (size_t j = nb; j-- > 0;)
			T(i, j) = same_word(a + wa[2 * i], wa[2 * i + 1] - wa[2 * i],
			                    b + wb[2 * j], wb[2 * j + 1] - wb[2 * j])
			                  ? (uint16_t)(T(i + 1, j + 1) + 1)
			          : T(i + 1, j) > T(i, j + 1) ? T(i + 1, j)
			                                      : T(i, j + 1);
	for (size_t i = 0, j = 0; i < na && j < nb;) {
		if (same_word(a + wa[2 * i], wa[2 * i + 1] - wa[2 * i], b + wb[2 * j],
		              wb[2 * j + 1] - wb[2 * j])) {
			keep_a[i++] = true;
			keep_b[j++] = true;
		} else if (T(i + 1, j) >= T(i, j + 1)) {
			i++;
		} else {
			j++;
		}
	}
#undef T
	free(t);
}

/* The words of s, changed ones in [brackets] (runs of them together),
 * cut into lines of at most cols columns, at most lines of them, the last
 * ending in "…" when words are left (or more is set: s has more than w):
 * into out[lines][buf], empty when unused. */
static void wrap_marked(const char *s, const size_t *w, size_t n, const bool *keep, bool more,
                        size_t cols, size_t lines, char out[][400])
{
	for (size_t l = 0; l < lines; l++)
		out[l][0] = '\0';
	size_t l = 0, used = 0, len = 0, placed = 0;
	for (size_t i = 0; i < n && l < lines; i++, placed++) {
		bool open = !keep[i] && (i == 0 || keep[i - 1]);
		bool close = !keep[i] && (i + 1 == n || keep[i + 1]);
		size_t wl = w[2 * i + 1] - w[2 * i];
		size_t wc = columns(s + w[2 * i], wl) + open + close + (used ? 1 : 0);
		if (used && used + wc > cols) {
			if (++l == lines)
				break;
			used = len = 0;
			wc -= 1;
		}
		if (len + wl + 8 >= sizeof(out[0]))
			continue;
		char *o = out[l] + len;
		if (used)
			*o++ = ' ';
		if (open)
			*o++ = '[';
		memcpy(o, s + w[2 * i], wl);
		o += wl;
		if (close)
			*o++ = ']';
		*o = '\0';
		len = (size_t)(o - out[l]);
		used += wc;
	}
	if (placed == n && !more)
		return;
	/* more words than lines: the last line says so */
	size_t last = l < lines ? l : lines - 1;
	size_t ln = strlen(out[last]);
	if (ln + 4 < sizeof(out[0]))
		memcpy(out[last] + ln, " …", sizeof(" …"));
}

/* A line of at most cols columns, padded with spaces to cols. */
static void print_padded(const char *s, size_t cols)
{
	size_t c = columns(s, strlen(s));
	fputs(s, stdout);
	for (; c < cols; c++)
		fputc(' ', stdout);
}

/* The passages of an explanation side by side, A left and B right, the
 * words one changed in [brackets]; the first REPORT_PASSAGES, a few lines
 * each. */
static void print_passages(const doppel_explanation *e)
{
	const doppel_pair *p = &e->pair;
	printf("\npassages (%zu; [words] one side changed):\n", p->npassages);
	const size_t cols = (REPORT_COLS - 5) / 2;
	for (size_t k = 0; k < p->npassages && k < REPORT_PASSAGES; k++) {
		const doppel_passage *ps = &p->passages[k];
		printf("  A bytes %zu-%zu, B bytes %zu-%zu:\n", ps->a_start, ps->a_end,
		       ps->b_start, ps->b_end);
		const char *ta = e->passage_a[k], *tb = e->passage_b[k];
		size_t *wa = NULL, *wb = NULL;
		size_t na = split_words(ta, REPORT_PASSAGE_WORDS, &wa);
		size_t nb = split_words(tb, REPORT_PASSAGE_WORDS, &wb);
		bool *keep = calloc(na + nb + 1, sizeof(*keep));
		if (wa && wb && keep) {
			char la[REPORT_PASSAGE_LINES][400], lb[REPORT_PASSAGE_LINES][400];
			common_words(ta, wa, na, tb, wb, nb, keep, keep + na);
			wrap_marked(ta, wa, na, keep, na == REPORT_PASSAGE_WORDS, cols,
			            REPORT_PASSAGE_LINES, la);
			wrap_marked(tb, wb, nb, keep + na, nb == REPORT_PASSAGE_WORDS, cols,
			            REPORT_PASSAGE_LINES, lb);
			for (size_t l = 0; l < REPORT_PASSAGE_LINES; l++) {
				if (!la[l][0] && !lb[l][0])
					break;
				fputs("  ", stdout);
				print_padded(la[l], cols);
				fputs(" | ", stdout);
				fputs(lb[l], stdout);
				fputc('\n', stdout);
			}
		}
		free(wa);
		free(wb);
		free(keep);
	}
	if (p->npassages > REPORT_PASSAGES)
		printf("  … and %zu more\n", p->npassages - REPORT_PASSAGES);
}

/* How a disagreement differs, in words. */
static const char *differ_phrase(const char *differ)
{
	if (!strcmp(differ, "spelling"))
		return "spelled two ways";
	if (!strcmp(differ, "name"))
		return "another name";
	if (!strcmp(differ, "number"))
		return "another figure";
	if (!strcmp(differ, "date"))
		return "another date";
	return differ;
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
	       "topic %.2f  conflict %.2f\n",
	       p->jaccard, p->containment, p->aligned, p->anchors, p->names, p->topic,
	       e->conflict);
	printf("\naligned sentences (%zu):\n", e->naligned);
	for (size_t i = 0; i < e->naligned && i < REPORT_ALIGNED; i++) {
		printf("  [%.2f] A: ", e->aligned[i].score);
		print_abbrev(e->aligned[i].a, REPORT_COLS - 12);
		fputs("\n         B: ", stdout);
		print_abbrev(e->aligned[i].b, REPORT_COLS - 12);
		fputc('\n', stdout);
	}
	if (e->naligned > REPORT_ALIGNED)
		printf("  … and %zu more\n", e->naligned - REPORT_ALIGNED);
	if (p->npassages)
		print_passages(e);
	printf("\ndisagreements (%zu):\n", e->ndisagreements);
	for (size_t i = 0; i < e->ndisagreements && i < REPORT_DISAGREE; i++) {
		const doppel_fact_pair *f = &e->disagreements[i];
		char line[512];
		int n = snprintf(line, sizeof(line), "%s, %s: A \"%s\", B \"%s\"", f->kind,
		                 differ_phrase(f->differ), f->a.text, f->b.text);
		const char *note = f->role                    ? f->role
		                   : !strcmp(f->kind, "date") ? f->what
		                                              : NULL;
		if (note && n >= 0 && (size_t)n < sizeof(line))
			snprintf(line + n, sizeof(line) - (size_t)n, " (%s)", note);
		fputs("  ", stdout);
		print_abbrev(line, REPORT_COLS - 2);
		fputs("\n    A: ", stdout);
		print_abbrev(f->a.sentence, REPORT_COLS - 7);
		fputs("\n    B: ", stdout);
		print_abbrev(f->b.sentence, REPORT_COLS - 7);
		fputc('\n', stdout);
	}
	if (e->ndisagreements > REPORT_DISAGREE)
		print_fact_list("  and", e->disagreements + REPORT_DISAGREE,
		                e->ndisagreements - REPORT_DISAGREE, 1);
	fputc('\n', stdout);
	print_fact_list("shared facts", e->facts_shared, e->nfacts_shared, 3);
	print_only("facts only in A", e->facts_only_a, e->nfacts_only_a, true);
	print_only("facts only in B", e->facts_only_b, e->nfacts_only_b, false);
	printf("\nsentences only in A: %zu, only in B: %zu (--json lists them)\n", e->nonly_a,
	       e->nonly_b);
}
