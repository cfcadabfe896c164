/*
 * evalpan.c — the passage finder (lib/relate/passages.c) on the PAN 2013
 * text alignment training corpus.
 *
 * For every pair of each obfuscation folder, the passages between the
 * source (text a) and the suspicious document (text b) are found and
 * compared with the cases of the pair's XML file:
 * - detection per folder: a pair is detected when at least one passage is
 *   found; for 01-no-plagiarism and for the pairs of 05-summary-obfuscation
 *   without a case, the share of pairs flagged;
 * - PAN's character measures (Potthast, Stein, Barrón-Cedeño, Rosso, "An
 *   Evaluation Framework for Plagiarism Detection", COLING 2010): precision
 *   and recall macro-averaged over detections and cases, a detection
 *   counting the characters it shares with the cases it detects (those it
 *   overlaps in both documents); granularity, the mean number of
 *   detections of a detected case; plagdet = F1 / log2(1 + granularity).
 *   Characters of both documents count. PAN offsets are in characters
 *   (code points); the finder's are UTF-8 bytes, converted here.
 *
 * Usage: evalpan [options] PAN_DIR   (see usage())
 */
#include "internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NFOLDERS 5
static const char *const folders[NFOLDERS] = {
	"01-no-plagiarism",           "02-no-obfuscation",      "03-random-obfuscation",
	"04-translation-obfuscation", "05-summary-obfuscation",
};
/* Detection targets of the positives (the negatives: at most 1% flagged). */
static const double detect_target[NFOLDERS] = {0, 0.98, 0.90, 0.80, 0.60};
#define FLAG_TARGET 0.01
#define PLAGDET_TARGET 0.85

/* A range of characters: [off, off + len). */
struct range {
	uint64_t off, len;
};

/* A case or a detection: a range of the suspicious and of the source
 * document. */
struct span {
	struct range susp, src;
};

/* What is summed over the pairs of a folder (and of all). */
struct stats {
	size_t pairs, positives, pos_detected, negatives, neg_flagged;
	size_t ncase, ndet, cases_detected, gran_sum;
	double prec_sum, rec_sum;
	/* fingerprints: positive and negative pairs sharing a key */
	size_t pos_winnow, pos_sentence, pos_any, neg_any;
	size_t pos_found_any; /* detected and sharing a key: found through an index */
};

/* The whole file at path, NUL-terminated; NULL when unreadable. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		if (n + 65536 + 1 > cap) {
			size_t nc = cap ? cap * 2 : 131072;
			char *nb = realloc(buf, nc);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap = nc;
		}
		size_t r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* The value of attribute name in the element text [p, end) into *v;
 * false when absent or not a number. */
static bool attr_u64(const char *p, const char *end, const char *name, uint64_t *v)
{
	size_t nl = strlen(name);
	for (const char *q = p; q + nl + 2 < end; q++) {
		if (memcmp(q, name, nl) != 0 || q[nl] != '=' || q[nl + 1] != '"')
			continue;
		if (q > p && q[-1] != ' ' && q[-1] != '\t' && q[-1] != '\n')
			continue;
		char *stop;
		errno = 0;
		unsigned long long x = strtoull(q + nl + 2, &stop, 10);
		if (errno || *stop != '"')
			return false;
		*v = x;
		return true;
	}
	return false;
}

/* Whether attribute name of the element [p, end) has the value val. */
static bool attr_is(const char *p, const char *end, const char *name, const char *val)
{
	size_t nl = strlen(name), vl = strlen(val);
	for (const char *q = p; q + nl + vl + 3 <= end; q++)
		if (memcmp(q, name, nl) == 0 && q[nl] == '=' && q[nl + 1] == '"' &&
		    (q == p || q[-1] == ' ' || q[-1] == '\t' || q[-1] == '\n') &&
		    memcmp(q + nl + 2, val, vl) == 0 && q[nl + 2 + vl] == '"')
			return true;
	return false;
}

/* The plagiarism cases of a PAN XML file: every <feature name="plagiarism"
 * .../> element's offsets. Returns the count (at most max), -1 when the
 * file cannot be read or a case lacks an offset. */
static int read_cases(const char *path, struct span *out, int max)
{
	size_t len;
	char *xml = read_file(path, &len);
	if (!xml)
		return -1;
	int n = 0;
	const char *p = xml, *end = xml + len;
	while ((p = strstr(p, "<feature")) != NULL) {
		const char *close = strchr(p, '>');
		if (!close)
			break;
		if (attr_is(p, close, "name", "plagiarism") && n < max) {
			struct span s;
			if (!attr_u64(p, close, "this_offset", &s.susp.off) ||
			    !attr_u64(p, close, "this_length", &s.susp.len) ||
			    !attr_u64(p, close, "source_offset", &s.src.off) ||
			    !attr_u64(p, close, "source_length", &s.src.len)) {
				n = -1;
				break;
			}
			out[n++] = s;
		}
		p = close + 1;
	}
	(void)end;
	free(xml);
	return n;
}

/* Characters (UTF-8 sequences) in the first off bytes of text. */
static uint64_t chars_before(const char *text, uint32_t off)
{
	uint64_t n = 0;
	for (uint32_t i = 0; i < off; i++)
		n += ((unsigned char)text[i] & 0xC0) != 0x80;
	return n;
}

/* Characters x and y share. */
static uint64_t overlap(struct range x, struct range y)
{
	uint64_t lo = x.off > y.off ? x.off : y.off;
	uint64_t hi = x.off + x.len < y.off + y.len ? x.off + x.len : y.off + y.len;
	return hi > lo ? hi - lo : 0;
}

/* r detects s when they overlap in both documents. */
static bool detects(const struct span *r, const struct span *s)
{
	return overlap(r->susp, s->susp) > 0 && overlap(r->src, s->src) > 0;
}

/* Orders doubles, smallest first. */
static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

/* Orders ranges by their start. */
static int cmp_range(const void *x, const void *y)
{
	const struct range *a = x, *b = y;
	return (a->off > b->off) - (a->off < b->off);
}

/* Length of the union of n ranges (sorted here). */
static uint64_t union_len(struct range *r, size_t n)
{
	qsort(r, n, sizeof(*r), cmp_range);
	uint64_t total = 0, cur_end = 0;
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		uint64_t s = r[i].off, e = r[i].off + r[i].len;
		if (!any || s > cur_end) {
			total += e - s;
			cur_end = e;
			any = true;
		} else if (e > cur_end) {
			total += e - cur_end;
			cur_end = e;
		}
	}
	return total;
}

/* The intersection of x and y (empty when they do not meet). */
static struct range meet(struct range x, struct range y)
{
	uint64_t lo = x.off > y.off ? x.off : y.off;
	uint64_t o = overlap(x, y);
	return (struct range){lo, o};
}

#define MAXSPANS 256

/* Adds one pair's cases and detections to st; the precision of each
 * detection into dprec, the recall of each case into crec. */
static void score_pair(struct stats *st, const struct span *cases, int ncase,
                       const struct span *dets, size_t ndet, double *dprec, double *crec)
{
	struct range su[MAXSPANS], sr[MAXSPANS];
	for (size_t d = 0; d < ndet; d++) {
		size_t nu = 0, nr = 0;
		for (int c = 0; c < ncase; c++) {
			if (!detects(&dets[d], &cases[c]))
				continue;
			su[nu++] = meet(cases[c].susp, dets[d].susp);
			sr[nr++] = meet(cases[c].src, dets[d].src);
		}
		uint64_t size = dets[d].susp.len + dets[d].src.len;
		dprec[d] = size ? (double)(union_len(su, nu) + union_len(sr, nr)) / size : 0;
		st->prec_sum += dprec[d];
		st->ndet++;
	}
	for (int c = 0; c < ncase; c++) {
		size_t nu = 0, nr = 0, found = 0;
		for (size_t d = 0; d < ndet; d++) {
			if (!detects(&dets[d], &cases[c]))
				continue;
			su[nu++] = meet(cases[c].susp, dets[d].susp);
			sr[nr++] = meet(cases[c].src, dets[d].src);
			found++;
		}
		uint64_t size = cases[c].susp.len + cases[c].src.len;
		crec[c] = size ? (double)(union_len(su, nu) + union_len(sr, nr)) / size : 0;
		st->rec_sum += crec[c];
		st->ncase++;
		if (found) {
			st->cases_detected++;
			st->gran_sum += found;
		}
	}
}

/* Adds the sums of from to to. */
static void add_stats(struct stats *to, const struct stats *from)
{
	to->pairs += from->pairs;
	to->positives += from->positives;
	to->pos_detected += from->pos_detected;
	to->negatives += from->negatives;
	to->neg_flagged += from->neg_flagged;
	to->ncase += from->ncase;
	to->ndet += from->ndet;
	to->cases_detected += from->cases_detected;
	to->gran_sum += from->gran_sum;
	to->prec_sum += from->prec_sum;
	to->rec_sum += from->rec_sum;
	to->pos_winnow += from->pos_winnow;
	to->pos_sentence += from->pos_sentence;
	to->pos_any += from->pos_any;
	to->neg_any += from->neg_any;
	to->pos_found_any += from->pos_found_any;
}

/* Precision, recall, granularity and plagdet of st. */
static void measures(const struct stats *st, double *p, double *r, double *g, double *pd)
{
	*p = st->ndet ? st->prec_sum / (double)st->ndet : 0;
	*r = st->ncase ? st->rec_sum / (double)st->ncase : 0;
	*g = st->cases_detected ? (double)st->gran_sum / (double)st->cases_detected : 1;
	double f = *p + *r > 0 ? 2 * *p * *r / (*p + *r) : 0;
	*pd = f / log2(1 + *g);
}

/* Whether two sorted key lists share a key of kind (0: any). */
static bool share_key(const uint64_t *x, size_t nx, const uint64_t *y, size_t ny, unsigned kind)
{
	for (size_t i = 0, j = 0; i < nx && j < ny;) {
		if (x[i] == y[j]) {
			if (!kind || DOPPEL__PKEY_KIND(x[i]) == kind)
				return true;
			i++;
			j++;
		} else if (x[i] < y[j]) {
			i++;
		} else {
			j++;
		}
	}
	return false;
}

/* One document read and tokenized. */
struct doc {
	char *text;
	size_t len;
	doppel__ptext t;
	uint64_t *keys;
	size_t nkeys, keyscap;
};

struct run {
	const char *dir;
	doppel__passager *pg;
	doppel__passage_params params;
	unsigned ptflags;
	bool dump, keys, list;
	double t_tok, t_find;
	double *took; /* each pair's time to find its passages */
	size_t ntook, tookcap;
	size_t words, tokdocs, keycount, winnowcount, contentwords;
	doppel__passage *ps;
	size_t nps, pscap;
};

/* Reads and tokenizes document sub/name into d (and its keys with --keys),
 * timing the tokenizing; d's memory is released by free_doc(). */
static int load_doc(struct run *run, const char *sub, const char *name, struct doc *d)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s/%s", run->dir, sub, name);
	d->text = read_file(path, &d->len);
	if (!d->text) {
		fprintf(stderr, "evalpan: cannot read %s\n", path);
		return -1;
	}
	double t0 = doppel__now();
	int rc = doppel__ptext_make(run->pg, d->text, d->len, run->ptflags, &d->t);
	run->t_tok += doppel__now() - t0;
	run->words += d->t.nword;
	run->tokdocs++;
	if (rc) {
		fprintf(stderr, "evalpan: %s: %s\n", path, doppel_strerror(rc));
		return -1;
	}
	if (run->keys) {
		if (doppel__passage_keys(&d->t, 0, &d->keys, &d->nkeys, &d->keyscap))
			return -1;
		run->keycount += d->nkeys;
		for (size_t i = 0; i < d->nkeys; i++)
			run->winnowcount +=
				DOPPEL__PKEY_KIND(d->keys[i]) == DOPPEL__PKEY_WINNOW;
		run->contentwords += d->t.ncontent;
	}
	return 0;
}

/* Releases what load_doc() gave d. */
static void free_doc(struct doc *d)
{
	free(d->text);
	doppel__ptext_free(&d->t);
	free(d->keys);
	memset(d, 0, sizeof(*d));
}

/* Evaluates every pair of one folder into st. */
static int eval_folder(struct run *run, int fi, struct stats *st)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s/pairs", run->dir, folders[fi]);
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "evalpan: cannot read %s\n", path);
		return -1;
	}
	char line[1024];
	int rc = 0;
	while (fgets(line, sizeof(line), f)) {
		char susp[512], src[512];
		if (sscanf(line, "%511s %511s", susp, src) != 2)
			continue;
		struct doc ds = {0}, da = {0};
		struct span cases[MAXSPANS], dets[MAXSPANS];
		char xml[4096];
		snprintf(xml, sizeof(xml), "%s/%s/%.*s-%.*s.xml", run->dir, folders[fi],
		         (int)(strlen(susp) - 4), susp, (int)(strlen(src) - 4), src);
		int ncase = read_cases(xml, cases, MAXSPANS);
		if (ncase < 0) {
			fprintf(stderr, "evalpan: cannot read the cases of %s\n", xml);
			rc = -1;
			break;
		}
		if (load_doc(run, "susp", susp, &ds) || load_doc(run, "src", src, &da)) {
			free_doc(&ds);
			free_doc(&da);
			rc = -1;
			break;
		}
		double t0 = doppel__now();
		int frc = doppel__passages_find(run->pg, &da.t, &ds.t, &run->params, &run->ps,
		                                &run->nps, &run->pscap);
		double took = doppel__now() - t0;
		run->t_find += took;
		if (run->ntook == run->tookcap &&
		    doppel__grow((void **)&run->took, &run->tookcap, run->ntook + 1,
		                 sizeof(*run->took))) {
			free_doc(&ds);
			free_doc(&da);
			rc = -1;
			break;
		}
		run->took[run->ntook++] = took;
		if (frc) {
			fprintf(stderr, "evalpan: %s %s: %s\n", susp, src,
			        doppel_strerror(frc));
			free_doc(&ds);
			free_doc(&da);
			rc = -1;
			break;
		}
		size_t ndet = run->nps < MAXSPANS ? run->nps : MAXSPANS;
		for (size_t i = 0; i < ndet; i++) {
			const doppel__passage *p = &run->ps[i];
			uint64_t so = chars_before(ds.text, p->b_start),
				 ao = chars_before(da.text, p->a_start);
			dets[i].susp = (struct range){so, chars_before(ds.text, p->b_end) - so};
			dets[i].src = (struct range){ao, chars_before(da.text, p->a_end) - ao};
		}
		st->pairs++;
		if (ncase > 0) {
			st->positives++;
			st->pos_detected += ndet > 0;
		} else {
			st->negatives++;
			st->neg_flagged += ndet > 0;
		}
		if (run->keys) {
			bool w = share_key(ds.keys, ds.nkeys, da.keys, da.nkeys,
			                   DOPPEL__PKEY_WINNOW);
			bool s = share_key(ds.keys, ds.nkeys, da.keys, da.nkeys,
			                   DOPPEL__PKEY_SENTENCE);
			if (ncase > 0) {
				st->pos_winnow += w;
				st->pos_sentence += s;
				st->pos_any += w || s;
				st->pos_found_any += (w || s) && ndet > 0;
			} else {
				st->neg_any += w || s;
			}
		}
		double dprec[MAXSPANS], crec[MAXSPANS];
		score_pair(st, cases, ncase, dets, ndet, dprec, crec);
		if (run->list)
			for (size_t i = 0; i < ndet; i++) {
				bool hit = false;
				for (int c = 0; c < ncase; c++)
					hit |= detects(&dets[i], &cases[c]);
				const doppel__passage *p = &run->ps[i];
				printf("passage %s %s %.3f %u %u %u %.3f %llu %llu %.3f %s %s\n",
				       folders[fi], hit ? "TP" : "FP", p->score, p->mode,
				       p->exact, p->sentences, p->cosine,
				       (unsigned long long)dets[i].susp.len,
				       (unsigned long long)dets[i].src.len, dprec[i], susp,
				       src);
			}
		if (run->list)
			for (int c = 0; c < ncase; c++)
				printf("case %s %.3f %llu %llu %s %s\n", folders[fi], crec[c],
				       (unsigned long long)cases[c].susp.len,
				       (unsigned long long)cases[c].src.len, susp, src);
		if (run->dump && ((ncase > 0) != (ndet > 0) || ndet != (size_t)ncase)) {
			printf("%s %s %s: %d cases, %zu passages\n", folders[fi], susp, src,
			       ncase, ndet);
			for (int c = 0; c < ncase; c++)
				printf("  case   susp %llu+%llu src %llu+%llu\n",
				       (unsigned long long)cases[c].susp.off,
				       (unsigned long long)cases[c].susp.len,
				       (unsigned long long)cases[c].src.off,
				       (unsigned long long)cases[c].src.len);
			for (size_t i = 0; i < ndet; i++) {
				bool hit = false;
				for (int c = 0; c < ncase; c++)
					hit |= detects(&dets[i], &cases[c]);
				printf("  found  susp %llu+%llu src %llu+%llu score %.2f mode %u "
				       "exact %u sentences %u cosine %.2f %s\n",
				       (unsigned long long)dets[i].susp.off,
				       (unsigned long long)dets[i].susp.len,
				       (unsigned long long)dets[i].src.off,
				       (unsigned long long)dets[i].src.len, run->ps[i].score,
				       run->ps[i].mode, run->ps[i].exact, run->ps[i].sentences,
				       run->ps[i].cosine, hit ? "TP" : "FP");
			}
		}
		free_doc(&ds);
		free_doc(&da);
	}
	fclose(f);
	return rc;
}

/* Time of doppel__passages_find on a pair of texts of at least `words`
 * words each, made of the sources (a) and suspicious documents (b) of the
 * first pairs of 02, 03 and 04 in turn, so that b reuses passages of a. */
static int speed(struct run *run, size_t words)
{
	char *ta = NULL, *tb = NULL;
	size_t la = 0, lb = 0;
	doppel__ptext a = {0}, b = {0};
	FILE *pf[3] = {NULL, NULL, NULL};
	int rc = -1;
	for (int i = 0; i < 3; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s/pairs", run->dir, folders[i + 1]);
		if (!(pf[i] = fopen(path, "r")))
			goto out;
	}
	for (int turn = 0; a.nword < words || b.nword < words; turn++) {
		char line[1024], susp[512], src[512];
		if (!fgets(line, sizeof(line), pf[turn % 3]) ||
		    sscanf(line, "%511s %511s", susp, src) != 2)
			goto out;
		const char *names[2] = {src, susp}, *subs[2] = {"src", "susp"};
		char **texts[2] = {&ta, &tb};
		size_t *lens[2] = {&la, &lb};
		const size_t have[2] = {a.nword, b.nword};
		for (int k = 0; k < 2; k++) {
			if (have[k] >= words)
				continue;
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s/%s", run->dir, subs[k], names[k]);
			size_t n;
			char *s = read_file(path, &n);
			if (!s)
				goto out;
			char *nt = realloc(*texts[k], *lens[k] + n + 2);
			if (!nt) {
				free(s);
				goto out;
			}
			memcpy(nt + *lens[k], s, n);
			nt[*lens[k] + n] = '\n';
			*lens[k] += n + 1;
			nt[*lens[k]] = '\0';
			*texts[k] = nt;
			free(s);
		}
		if (doppel__ptext_make(run->pg, ta, la, run->ptflags, &a) ||
		    doppel__ptext_make(run->pg, tb, lb, run->ptflags, &b))
			goto out;
	}
	/* The best of five rounds: the machine may be shared. */
	const int reps = 100;
	double tok = 1e9, find = 1e9;
	for (int round = 0; round < 5; round++) {
		double t0 = doppel__now();
		for (int r = 0; r < reps; r++)
			if (doppel__ptext_make(run->pg, tb, lb, run->ptflags, &b))
				goto out;
		double t1 = doppel__now();
		for (int r = 0; r < reps; r++)
			if (doppel__passages_find(run->pg, &a, &b, &run->params, &run->ps,
			                          &run->nps, &run->pscap))
				goto out;
		double t2 = doppel__now();
		if ((t1 - t0) / reps < tok)
			tok = (t1 - t0) / reps;
		if ((t2 - t1) / reps < find)
			find = (t2 - t1) / reps;
	}
	printf("speed (best of 5 rounds of %d): a %zu words, b %zu words, %zu passages: find "
	       "%.3f ms a pair, tokenize %.3f ms for b (%.1f us per 1,000 words)\n",
	       reps, a.nword, b.nword, run->nps, find * 1e3, tok * 1e3,
	       tok * 1e9 / (double)b.nword);
	rc = 0;
out:
	for (int i = 0; i < 3; i++)
		if (pf[i])
			fclose(pf[i]);
	free(ta);
	free(tb);
	doppel__ptext_free(&a);
	doppel__ptext_free(&b);
	if (rc)
		fprintf(stderr, "evalpan: the speed pair could not be made\n");
	return rc;
}

/* The options, on stderr. */
static void usage(void)
{
	fprintf(stderr,
	        "usage: evalpan [options] PAN_DIR\n"
	        "  --no-wordnet      no synonym classes\n"
	        "  --boilerplate     skip boilerplate lines as doppel__normalize does\n"
	        "  --only NN         only the folder starting with NN (01..05)\n"
	        "  --set KEY=VALUE   a doppel__passage_params field (seed_k, link_gap,\n"
	        "                    bridge_gap, bridge_match, sentence_min, min_score,\n"
	        "                    min_words, summaries, summary_min, summary_sentences,\n"
	        "                    summary_evidence)\n"
	        "  --keys            also candidate recall and density of the fingerprints\n"
	        "  --speed           time a pair of 5,000-word texts\n"
	        "  --dump            print the pairs whose passages do not match the cases\n"
	        "  --list            print every passage: folder, TP or FP, score, mode,\n"
	        "                    exact, sentences, cosine, characters in susp and src,\n"
	        "                    its precision, the pair; and every case: recall\n");
}

/* Sets one parameter from "key=value"; false for an unknown key or a bad
 * value. */
static bool set_param(doppel__passage_params *p, const char *kv)
{
	const char *eq = strchr(kv, '=');
	if (!eq)
		return false;
	char *stop;
	errno = 0;
	double v = strtod(eq + 1, &stop);
	if (errno || *stop || stop == eq + 1 || v < 0)
		return false;
	size_t kl = (size_t)(eq - kv);
#define KEY(name) (kl == strlen(#name) && memcmp(kv, #name, kl) == 0)
	if (KEY(seed_k))
		p->seed_k = (unsigned)v;
	else if (KEY(link_gap))
		p->link_gap = (unsigned)v;
	else if (KEY(bridge_gap))
		p->bridge_gap = (unsigned)v;
	else if (KEY(bridge_match))
		p->bridge_match = v;
	else if (KEY(sentence_min))
		p->sentence_min = v;
	else if (KEY(min_score))
		p->min_score = v;
	else if (KEY(min_words))
		p->min_words = (unsigned)v;
	else if (KEY(summaries))
		p->summaries = v != 0;
	else if (KEY(summary_min))
		p->summary_min = v;
	else if (KEY(summary_sentences))
		p->summary_sentences = (unsigned)v;
	else if (KEY(summary_evidence))
		p->summary_evidence = v;
	else
		return false;
#undef KEY
	return true;
}

/* Options, then every folder's pairs, the table, the fingerprints and the
 * speed pair. Exit status 0, or 1 when a file cannot be read, 2 for bad
 * options. */
int main(int argc, char **argv)
{
	struct run run = {0};
	doppel__passage_defaults(&run.params);
	bool wordnet = true, do_speed = false;
	const char *only = NULL;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--no-wordnet") == 0) {
			wordnet = false;
		} else if (strcmp(argv[i], "--boilerplate") == 0) {
			run.ptflags |= DOPPEL__PT_BOILERPLATE;
		} else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
			only = argv[++i];
		} else if (strcmp(argv[i], "--set") == 0 && i + 1 < argc) {
			if (!set_param(&run.params, argv[++i])) {
				fprintf(stderr, "evalpan: bad --set %s\n", argv[i]);
				return 2;
			}
		} else if (strcmp(argv[i], "--keys") == 0) {
			run.keys = true;
		} else if (strcmp(argv[i], "--speed") == 0) {
			do_speed = true;
		} else if (strcmp(argv[i], "--dump") == 0) {
			run.dump = true;
		} else if (strcmp(argv[i], "--list") == 0) {
			run.list = true;
		} else {
			usage();
			return 2;
		}
	}
	if (i + 1 != argc) {
		usage();
		return 2;
	}
	run.dir = argv[i];
	doppel__wordnet *wn = NULL;
	char err[DOPPEL__ERRLEN];
	if (wordnet && doppel__wordnet_load(NULL, &wn, err)) {
		fprintf(stderr, "evalpan: %s (run with --no-wordnet)\n", err);
		return 1;
	}
	run.pg = doppel__passager_new(wn, 0);
	if (!run.pg) {
		fprintf(stderr, "evalpan: out of memory\n");
		return 1;
	}
	const doppel__passage_params *pp = &run.params;
	printf("PAN 2013 text alignment, training corpus: %s\n", run.dir);
	printf("params: seed_k %u link_gap %u bridge_gap %u bridge_match %.2f sentence_min %.2f "
	       "min_score %.2f min_words %u summaries %d summary_min %.2f summary_sentences %u "
	       "summary_evidence %.2f%s%s\n",
	       pp->seed_k, pp->link_gap, pp->bridge_gap, pp->bridge_match, pp->sentence_min,
	       pp->min_score, pp->min_words, pp->summaries, pp->summary_min,
	       pp->summary_sentences, pp->summary_evidence, wn ? "" : ", no WordNet",
	       run.ptflags & DOPPEL__PT_BOILERPLATE ? ", boilerplate skipped" : "");
	struct stats st[NFOLDERS] = {{0}}, all = {0};
	int rc = 0;
	double t0 = doppel__now();
	for (int fi = 0; fi < NFOLDERS && !rc; fi++) {
		if (only && strncmp(folders[fi], only, strlen(only)) != 0)
			continue;
		rc = eval_folder(&run, fi, &st[fi]);
		add_stats(&all, &st[fi]);
	}
	double wall = doppel__now() - t0;
	if (rc)
		goto out;
	printf("\n%-27s %6s %18s %9s %6s %6s %6s %7s\n", "folder", "pairs", "detected",
	       "target", "prec", "rec", "gran", "plagdet");
	for (int fi = 0; fi < NFOLDERS; fi++) {
		const struct stats *s = &st[fi];
		if (!s->pairs)
			continue;
		double p, r, g, pd;
		measures(s, &p, &r, &g, &pd);
		char det[64], tgt[32];
		if (s->positives && s->negatives)
			snprintf(det, sizeof(det), "%.3f, %.3f flagged",
			         (double)s->pos_detected / (double)s->positives,
			         (double)s->neg_flagged / (double)s->negatives);
		else if (s->positives)
			snprintf(det, sizeof(det), "%.3f",
			         (double)s->pos_detected / (double)s->positives);
		else
			snprintf(det, sizeof(det), "%.3f flagged",
			         (double)s->neg_flagged / (double)s->negatives);
		if (s->positives)
			snprintf(tgt, sizeof(tgt), ">= %.2f", detect_target[fi]);
		else
			snprintf(tgt, sizeof(tgt), "<= %.2f", FLAG_TARGET);
		if (s->positives)
			printf("%-27s %6zu %18s %9s %6.3f %6.3f %6.3f %7.3f\n", folders[fi],
			       s->pairs, det, tgt, p, r, g, pd);
		else
			printf("%-27s %6zu %18s %9s %6s %6s %6s %7s   (%zu passages)\n",
			       folders[fi], s->pairs, det, tgt, "-", "-", "-", "-", s->ndet);
	}
	double p, r, g, pd;
	measures(&all, &p, &r, &g, &pd);
	char tgt[32];
	snprintf(tgt, sizeof(tgt), ">= %.2f", PLAGDET_TARGET);
	printf("%-27s %6zu %18s %9s %6.3f %6.3f %6.3f %7.3f   (plagdet %s)\n", "overall",
	       all.pairs, "", "", p, r, g, pd, tgt);
	if (run.keys) {
		printf("\nfingerprints: %.1f keys per 1,000 words: %.1f winnowed (k=%d, w=%d; "
		       "%.3f a content word, %.0f%% of the words are content words), %.1f "
		       "sentence keys (%d a sentence)\n",
		       1000.0 * (double)run.keycount / (double)run.words,
		       1000.0 * (double)run.winnowcount / (double)run.words, DOPPEL__FP_K,
		       DOPPEL__FP_W, (double)run.winnowcount / (double)run.contentwords,
		       100.0 * (double)run.contentwords / (double)run.words,
		       1000.0 * (double)(run.keycount - run.winnowcount) / (double)run.words,
		       DOPPEL__SKEY_N);
		for (int fi = 0; fi < NFOLDERS; fi++) {
			const struct stats *s = &st[fi];
			if (!s->pairs)
				continue;
			if (!s->positives) {
				printf("  %-27s negatives sharing a key: %.3f\n", folders[fi],
				       (double)s->neg_any / (double)s->negatives);
				continue;
			}
			printf("  %-27s positives sharing a key: winnow %.3f, sentence %.3f, "
			       "either %.3f (and detected %.3f); negatives %.3f\n",
			       folders[fi],
			       s->positives ? (double)s->pos_winnow / (double)s->positives : 0,
			       s->positives ? (double)s->pos_sentence / (double)s->positives
			                    : 0,
			       s->positives ? (double)s->pos_any / (double)s->positives : 0,
			       s->positives ? (double)s->pos_found_any / (double)s->positives
			                    : 0,
			       s->negatives ? (double)s->neg_any / (double)s->negatives : 0);
		}
	}
	printf("\ntime: %.1f s for %zu pairs; per pair %.3f ms tokenizing both texts "
	       "(%.0f words a text), %.3f ms finding passages\n",
	       wall, all.pairs, 1e3 * run.t_tok / (double)all.pairs,
	       (double)run.words / (double)run.tokdocs, 1e3 * run.t_find / (double)all.pairs);
	if (run.ntook) {
		qsort(run.took, run.ntook, sizeof(*run.took), cmp_double);
		printf("finding passages per pair: median %.3f ms, 99th percentile %.3f ms, "
		       "most %.3f ms\n",
		       1e3 * run.took[run.ntook / 2], 1e3 * run.took[run.ntook * 99 / 100],
		       1e3 * run.took[run.ntook - 1]);
	}
	if (do_speed)
		rc = speed(&run, 5000);
out:
	free(run.ps);
	free(run.took);
	doppel__passager_free(run.pg);
	doppel__wordnet_free(wn);
	return rc ? 1 : 0;
}
