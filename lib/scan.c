/*
 * scan.c — the relations of a whole corpus: the index's engine over a
 * database in memory, fed in a canonical order.
 *
 * Articles come in batches in any order; each keeps its metadata and its
 * text compressed (in parallel), or only the place a reader can read the
 * text again from (doppel_scan_reread_from), until the scan is finished.
 * Then they go,
 * by date (undated last) then id, into an index opened in memory, which
 * finds every relation of each with those before it and grows events and
 * stories online, exactly as `doppel add` of the same articles in that
 * order does. Groups (articles joined by duplicate and copy relations),
 * pairs and stories are read off what it found.
 */
#include "engine.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

/* Articles handed to the index at a time: large enough to keep the
 * threads of its text work busy, small enough to hold a little text. */
#define FEED_ARTICLES 1024

/* zstd's level for the texts kept between reading and feeding when they
 * are read again for candidates until the end (looking for more than
 * copies): on the benchmark corpus's texts (4.4 KB each) level 1 keeps
 * 0.53 of their bytes, -4 0.90, for 0.36 s more CPU per 88 MB (about 2.5%
 * of a scan for every relation). A text read once, when fed, is kept as
 * it is: the fastest levels saved a few percent of its bytes (-20 about
 * 3 MB of the 10k corpus's 40 MB) for 7% of the CPU of a scan for copies
 * alone. */
#define KEEP_LEVEL 1

/* Stored articles kept segmented and prepared while the index relates the
 * rest (beyond copies); older candidates are segmented again from their
 * kept texts, with the weights they were compared with when added, so the
 * relations do not depend on it. Measured on the 100k benchmark corpus
 * (every relation, 2 threads): a cache of every article peaks at 3.05 GB,
 * of 16,384 at 2.67 GB for 5% more CPU (20,000-30,000 articles segmented
 * again), the same output. */
#define SCAN_CACHE 16384

/* An article kept until the scan is finished. id, title, origin, source
 * and url share one block. */
struct kept {
	char *id;
	const char *title, *origin, *source, *url;
	int32_t date;
	uint32_t words;
	uint8_t *z; /* the text, a zstd frame or (raw) as it is */
	size_t zlen;
	bool raw;
	uint64_t where; /* nonzero: no text kept; the reader reads it again */
	int rc;         /* of compressing it */
};

/* A relation the index found, between kept articles a (the later one in
 * the canonical order) and b; dir is seen from a. Its passages are
 * pass[poff, poff + np), a_* in a. */
struct rel {
	uint32_t a, b;
	doppel_relation relation;
	doppel_direction dir;
	doppel_basis basis;
	float jaccard, containment, aligned, anchors, names, topic;
	size_t poff;
	uint32_t np;
	bool looked; /* passages were looked for */
};

struct doppel_scan {
	doppel_params p;
	const doppel__wordnet *wn; /* the caller's (doppel__scan_set_wordnet), or NULL */
	unsigned threads;
	bool finished;

	struct kept *k;
	size_t n, cap;
	doppel__strmap ids; /* id -> kept article */

	/* status of the last batch */
	int *status;
	char **statusmsg;
	size_t nstatus, statuscap;

	/* results */
	struct rel *rel;
	size_t nrel, relcap;
	doppel_passage *pass;
	size_t npass, passcap;
	doppel_member *members;
	doppel_group *groups;
	size_t ngroups;
	doppel_pair *pairs;
	size_t npairs;
	doppel__stories stories;
	char **strings; /* what stories point to */
	size_t nstrings, stringcap;

	ZSTD_CCtx **cctx; /* one per thread */
	ZSTD_DCtx *dctx;
	ZSTD_DCtx *xdctx;          /* the index's, for the texts read again */
	bool keep_texts;           /* compressed to be kept: candidates may be read again */
	doppel_reader *rr;         /* reads again the texts of articles with a place */
	char kerr[DOPPEL__ERRLEN]; /* why a text could not be read again (kept_text) */
	bool reread;               /* kept until the end: they are (excerpts, SCAN_CACHE) */
	size_t cache;              /* articles kept prepared; 0: SCAN_CACHE */

	doppel_stats stats;
	char err[DOPPEL__ERRLEN];
};

doppel_scan *doppel_scan_new(const doppel_params *p)
{
	if (doppel_params_check(p, NULL, 0))
		return NULL;
	doppel_scan *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->p = *p;
	s->threads = p->threads ? p->threads : doppel__ncores();
	/* beyond copies, candidates may be read again (SCAN_CACHE, excerpts) */
	s->keep_texts = p->relations & ~(DOPPEL_FIND_DUPLICATE | DOPPEL_FIND_COPY);
	unsigned bands, rows;
	s->cctx = calloc(s->threads, sizeof(*s->cctx));
	if (!s->cctx || doppel_params_bands(p, &bands, &rows)) {
		doppel_scan_free(s);
		return NULL;
	}
	s->stats.bands = bands;
	s->stats.rows = rows;
	return s;
}

static void clear_status(doppel_scan *s)
{
	for (size_t i = 0; i < s->nstatus; i++)
		free(s->statusmsg[i]);
	s->nstatus = 0;
}

void doppel_scan_free(doppel_scan *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->k[i].id);
		free(s->k[i].z);
	}
	free(s->k);
	doppel__strmap_free(&s->ids);
	clear_status(s);
	free(s->status);
	free(s->statusmsg);
	free(s->rel);
	free(s->pass);
	free(s->members);
	free(s->groups);
	free(s->pairs);
	doppel__stories_free(&s->stories);
	for (size_t i = 0; i < s->nstrings; i++)
		free(s->strings[i]);
	free(s->strings);
	for (unsigned t = 0; s->cctx && t < s->threads; t++)
		ZSTD_freeCCtx(s->cctx[t]);
	free(s->cctx);
	ZSTD_freeDCtx(s->dctx);
	ZSTD_freeDCtx(s->xdctx);
	free(s);
}

const char *doppel_scan_errmsg(const doppel_scan *s)
{
	return s ? s->err : "no scan";
}

void doppel_scan_stats(const doppel_scan *s, doppel_stats *out)
{
	*out = s->stats;
}

int doppel_scan_learn(doppel_scan *s, const doppel_batch *b)
{
	(void)b;
	if (s->n || s->finished) {
		doppel__errf(s->err, "learning must come before the first add");
		return DOPPEL_E_STATE;
	}
	return DOPPEL_OK;
}

/* --------------------------------------------------------------- adding */

static int set_status(doppel_scan *s, size_t i, int rc, const char *msg)
{
	s->status[i] = rc;
	s->statusmsg[i] = msg ? doppel__strdup(msg) : NULL;
	return msg && !s->statusmsg[i] ? DOPPEL_E_NOMEM : DOPPEL_OK;
}

/* Copies id, title, origin, source and url into one block owned by k. */
static int keep_meta(struct kept *k, const doppel_article *a)
{
	const char *str[5] = {a->id, a->title, a->origin, a->source, a->url};
	size_t len[5], total = 0;
	for (int i = 0; i < 5; i++)
		total += len[i] = str[i] ? strlen(str[i]) + 1 : 0;
	char *block = malloc(total);
	if (!block)
		return DOPPEL_E_NOMEM;
	memset(k, 0, sizeof(*k));
	const char *at[5] = {NULL};
	for (int i = 0, off = 0; i < 5; off += (int)len[i], i++)
		if (str[i])
			at[i] = memcpy(block + off, str[i], len[i]);
	k->id = block;
	k->title = at[1];
	k->origin = at[2];
	k->source = at[3];
	k->url = at[4];
	k->date = a->date;
	return DOPPEL_OK;
}

struct compress_ctx {
	doppel_scan *s;
	const doppel_batch *b;
	const size_t *slot; /* batch index -> kept article, SIZE_MAX if rejected */
};

/* The articles a scan beyond copies keeps prepared (SCAN_CACHE unless a
 * test set another). */
static size_t scan_cache(const doppel_scan *s)
{
	return s->cache ? s->cache : SCAN_CACHE;
}

/* Keeps one article's text: compressed with the worker's own context
 * (making a context for each text costs more than compressing a short
 * one) when it is read again, else as it is. */
static void compress_one(void *ctx, size_t i, unsigned worker)
{
	struct compress_ctx *c = ctx;
	if (c->slot[i] == SIZE_MAX)
		return;
	const doppel_article *a = doppel_batch_article(c->b, i);
	struct kept *k = &c->s->k[c->slot[i]];
	if (c->s->rr && a->where) {
		k->where = a->where; /* read again when needed */
		k->rc = DOPPEL_OK;
		return;
	}
	k->rc = DOPPEL_E_NOMEM;
	/* Without excerpts, the texts of the first SCAN_CACHE articles are
	 * read again only if more come: read once, most likely. */
	const doppel_scan *s = c->s;
	bool keep = s->keep_texts &&
	            ((s->p.relations & DOPPEL_FIND_EXCERPT) || c->slot[i] >= scan_cache(s));
	if (!keep) {
		/* NUL-terminated: a batch to feed may take it as it is */
		if (!(k->z = malloc(a->text_len + 1)))
			return;
		memcpy(k->z, a->text, a->text_len);
		k->z[a->text_len] = '\0';
		k->zlen = a->text_len;
		k->raw = true;
		k->rc = DOPPEL_OK;
		return;
	}
	ZSTD_CCtx **cc = &c->s->cctx[worker];
	size_t bound = ZSTD_compressBound(a->text_len);
	if ((!*cc && !(*cc = ZSTD_createCCtx())) || !(k->z = malloc(bound ? bound : 1)))
		return;
	size_t n = ZSTD_compressCCtx(*cc, k->z, bound, a->text, a->text_len, KEEP_LEVEL);
	if (ZSTD_isError(n))
		return; /* only a too small buffer, which bound prevents */
	/* kept for the whole scan: no more room than the frame takes (the
	 * bound is the text's own size) */
	void *z = realloc(k->z, n ? n : 1);
	if (z)
		k->z = z;
	k->zlen = n;
	k->rc = DOPPEL_OK;
}

/* Whether article a of the batch is taken: it has an id not seen before.
 * Otherwise its status says why not. */
static int take_id(doppel_scan *s, const doppel_article *a, size_t i, bool *taken)
{
	char msg[DOPPEL__ERRLEN];
	uint32_t prev;
	*taken = false;
	if (!a->id || !*a->id) {
		doppel__errf(msg, "%s: article without an id", a->origin ? a->origin : "?");
		s->stats.rejected++;
		return set_status(s, i, DOPPEL_E_ARG, msg);
	}
	if (doppel__strmap_get(&s->ids, a->id, &prev)) {
		const char *first = s->k[prev].origin;
		doppel__errf(msg, "%s: duplicate id \"%s\" (first at %s); skipped",
		             a->origin ? a->origin : "?", a->id, first ? first : "?");
		s->stats.rejected++;
		return set_status(s, i, DOPPEL_E_DUPID, msg);
	}
	*taken = true;
	return DOPPEL_OK;
}

int doppel_scan_add(doppel_scan *s, const doppel_batch *b)
{
	if (s->finished) {
		doppel__errf(s->err, "the scan is finished; no more articles");
		return DOPPEL_E_STATE;
	}
	clear_status(s);
	size_t nb = doppel_batch_count(b), cap = s->statuscap;
	if (doppel__grow((void **)&s->status, &cap, nb, sizeof(*s->status)))
		return DOPPEL_E_NOMEM;
	cap = s->statuscap;
	if (doppel__grow((void **)&s->statusmsg, &cap, nb, sizeof(*s->statusmsg)))
		return DOPPEL_E_NOMEM;
	s->statuscap = cap;
	s->nstatus = nb;
	memset(s->statusmsg, 0, nb * sizeof(*s->statusmsg));
	if (s->n + nb >= UINT32_MAX - 1) {
		doppel__errf(s->err, "a scan holds at most %u articles", UINT32_MAX - 2);
		return DOPPEL_E_ARG;
	}
	size_t *slot = doppel__alloc_array(nb ? nb : 1, sizeof(*slot));
	if (!slot || doppel__grow((void **)&s->k, &s->cap, s->n + nb, sizeof(*s->k))) {
		free(slot);
		return DOPPEL_E_NOMEM;
	}
	/* Ids first, in batch order, so the first of two equal ids wins. */
	int rc = DOPPEL_OK, result = DOPPEL_OK;
	size_t base = s->n;
	for (size_t i = 0; i < nb && rc == DOPPEL_OK; i++) {
		const doppel_article *a = doppel_batch_article(b, i);
		bool taken;
		slot[i] = SIZE_MAX;
		s->status[i] = DOPPEL_OK;
		if ((rc = take_id(s, a, i, &taken)) || !taken) {
			if (result == DOPPEL_OK || s->status[i] == DOPPEL_E_ARG)
				result = s->status[i];
			continue;
		}
		if ((rc = keep_meta(&s->k[s->n], a)))
			break;
		if ((rc = doppel__strmap_put(&s->ids, s->k[s->n].id, (uint32_t)s->n))) {
			free(s->k[s->n].id);
			break;
		}
		slot[i] = s->n++;
		s->stats.articles++;
		s->stats.bytes += a->text_len;
	}
	if (rc == DOPPEL_OK) {
		double t0 = doppel__now();
		struct compress_ctx c = {s, b, slot};
		doppel__parallel_for(s->threads, nb, compress_one, &c);
		s->stats.sketch_seconds += doppel__now() - t0;
		for (size_t i = base; i < s->n; i++) {
			if (s->k[i].rc)
				rc = s->k[i].rc;
			s->stats.kept_bytes += s->k[i].zlen;
		}
	}
	free(slot);
	if (rc) {
		doppel__errf(s->err, "%s", doppel_strerror(rc));
		return rc;
	}
	if (result != DOPPEL_OK)
		doppel__errf(s->err, "some articles of the batch were skipped");
	return result;
}

int doppel_scan_status(const doppel_scan *s, size_t i, const char **msg)
{
	if (i >= s->nstatus)
		return DOPPEL_E_ARG;
	if (msg)
		*msg = s->statusmsg[i] ? s->statusmsg[i] : "";
	return s->status[i];
}

/* -------------------------------------------------------------- feeding */

/* The canonical order: date (undated last), then id. */
static int order_cmp(const void *pa, const void *pb, const struct kept *k)
{
	const struct kept *a = &k[*(const uint32_t *)pa], *b = &k[*(const uint32_t *)pb];
	int d = doppel__date_cmp(a->date, b->date);
	return d ? d : strcmp(a->id, b->id);
}

/* Merge sort of kept-article numbers (qsort has no context argument). */
static void sort_order(uint32_t *v, uint32_t *tmp, size_t n, const struct kept *k)
{
	if (n < 2)
		return;
	size_t h = n / 2, i = 0, j = h, w = 0;
	sort_order(v, tmp, h, k);
	sort_order(v + h, tmp, n - h, k);
	while (i < h && j < n)
		tmp[w++] = order_cmp(&v[j], &v[i], k) < 0 ? v[j++] : v[i++];
	while (i < h)
		tmp[w++] = v[i++];
	while (j < n)
		tmp[w++] = v[j++];
	memcpy(v, tmp, n * sizeof(*v));
}

/* The text of kept article k, decompressed with *dctx (made when NULL),
 * copied when kept as it is, or read again by s's reader (a message in
 * err, errlen bytes, when it cannot be), into *text (caller's, free()) of
 * *len bytes, NUL-terminated. */
static int unpack_kept(const doppel_scan *s, const struct kept *k, ZSTD_DCtx **dctx,
                       char **text, size_t *len, char *err, size_t errlen)
{
	*text = NULL;
	if (k->where)
		return doppel_reader_reread(s->rr, k->where, text, len, err, errlen);
	if (k->raw) {
		if (!k->z)
			return DOPPEL_E_STATE;
		char *t = malloc(k->zlen + 1);
		if (!t)
			return DOPPEL_E_NOMEM;
		memcpy(t, k->z, k->zlen);
		t[k->zlen] = '\0';
		*text = t;
		*len = k->zlen;
		return DOPPEL_OK;
	}
	unsigned long long n = ZSTD_getFrameContentSize(k->z, k->zlen);
	if (!k->z || n == ZSTD_CONTENTSIZE_ERROR || n == ZSTD_CONTENTSIZE_UNKNOWN)
		return DOPPEL_E_STATE; /* not what compress_one() made */
	char *t = malloc((size_t)n + 1);
	if (!t || (!*dctx && !(*dctx = ZSTD_createDCtx()))) {
		free(t);
		return DOPPEL_E_NOMEM;
	}
	size_t got = ZSTD_decompressDCtx(*dctx, t, (size_t)n, k->z, k->zlen);
	if (ZSTD_isError(got) || got != n) {
		free(t);
		return DOPPEL_E_STATE;
	}
	t[n] = '\0';
	*text = t;
	*len = (size_t)n;
	return DOPPEL_OK;
}

/* The text of the kept article with this id, for the index in memory,
 * which keeps none (doppel__text_fn). */
static int kept_text(void *ctx, const char *id, char **text, size_t *len, char **source)
{
	doppel_scan *s = ctx;
	uint32_t i;
	if (!doppel__strmap_get(&s->ids, id, &i))
		return DOPPEL_E_NOTFOUND;
	int rc = unpack_kept(s, &s->k[i], &s->xdctx, text, len, s->kerr, sizeof(s->kerr));
	if (rc == DOPPEL_OK && source && s->k[i].source &&
	    !(*source = doppel__strdup(s->k[i].source))) {
		free(*text);
		*text = NULL;
		rc = DOPPEL_E_NOMEM;
	}
	return rc;
}

/* Puts the kept articles order[from, to) into b, texts decompressed (or
 * as they are); the kept texts are dropped unless they are read again, a
 * text kept as it is going to the batch itself. */
static int fill_batch(doppel_scan *s, const uint32_t *order, size_t from, size_t to,
                      doppel_batch *b, char *err, size_t errlen)
{
	doppel_batch_clear(b);
	for (size_t i = from; i < to; i++) {
		struct kept *k = &s->k[order[i]];
		char *text = (char *)k->z;
		size_t len = k->zlen;
		int rc = k->raw ? (k->z ? DOPPEL_OK : DOPPEL_E_STATE)
		                : unpack_kept(s, k, &s->dctx, &text, &len, err, errlen);
		if (rc)
			return rc;
		doppel_article a = {.id = k->id,
		                    .title = k->title,
		                    .text = text,
		                    .text_len = len,
		                    .date = k->date,
		                    .source = k->source,
		                    .url = k->url,
		                    .origin = k->origin};
		if (k->where) {
			/* read again for the batch, which takes it */
			if ((rc = doppel__batch_adopt(b, &a, text)))
				free(text);
			if (rc)
				return rc;
			continue;
		}
		if (k->raw && !s->reread) {
			/* read once: the batch takes the text as it is, the
			 * other strings stay the kept article's */
			if ((rc = doppel__batch_adopt(b, &a, text)))
				return rc;
			k->z = NULL;
			continue;
		}
		rc = doppel_batch_push(b, &a);
		if (!k->raw)
			free(text);
		if (!s->reread) {
			free(k->z);
			k->z = NULL;
		}
		if (rc)
			return rc;
	}
	return DOPPEL_OK;
}

/* Keeps the relations of the articles the index just added. */
static int keep_relations(doppel_scan *s, doppel_index *x, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		doppel_result r;
		uint32_t self, other;
		if (doppel_index_result(x, i, &r) || r.outcome != DOPPEL_ADDED ||
		    !doppel__strmap_get(&s->ids, r.id, &self))
			continue;
		s->k[self].words = r.words;
		if (doppel__grow((void **)&s->rel, &s->relcap, s->nrel + r.count,
		                 sizeof(*s->rel)))
			return DOPPEL_E_NOMEM;
		for (size_t m = 0; m < r.count; m++) {
			const doppel_match *x_m = &r.matches[m];
			if (!doppel__strmap_get(&s->ids, x_m->id, &other))
				continue;
			if (x_m->npassages &&
			    doppel__grow((void **)&s->pass, &s->passcap,
			                 s->npass + x_m->npassages, sizeof(*s->pass)))
				return DOPPEL_E_NOMEM;
			if (x_m->npassages)
				memcpy(s->pass + s->npass, x_m->passages,
				       x_m->npassages * sizeof(*s->pass));
			s->rel[s->nrel++] = (struct rel){.a = self,
			                                 .b = other,
			                                 .relation = x_m->relation,
			                                 .dir = x_m->direction,
			                                 .basis = x_m->basis,
			                                 .jaccard = (float)x_m->jaccard,
			                                 .containment = (float)x_m->containment,
			                                 .aligned = (float)x_m->aligned,
			                                 .anchors = (float)x_m->anchors,
			                                 .names = (float)x_m->names,
			                                 .topic = (float)x_m->topic,
			                                 .poff = s->npass,
			                                 .np = (uint32_t)x_m->npassages,
			                                 .looked = x_m->passages != NULL};
			s->npass += x_m->npassages;
		}
	}
	return DOPPEL_OK;
}

/* The next batch made ready while the index relates the one before it:
 * texts decompressed, then, on a thread of its own (prepare), their text
 * work done ahead (doppel_index_prepare); on the thread that adds, the
 * index does that work itself. */
struct ahead {
	doppel_scan *s;
	doppel_index *x;
	const uint32_t *order;
	size_t from, to;
	doppel_batch *b;
	bool prepare;
	int rc;
	char err[DOPPEL__ERRLEN]; /* why a text could not be read again */
};

static void *make_ready(void *arg)
{
	struct ahead *j = arg;
	j->rc = fill_batch(j->s, j->order, j->from, j->to, j->b, j->err, sizeof(j->err));
	if (j->rc == DOPPEL_OK && j->prepare)
		j->rc = doppel_index_prepare(j->x, j->b);
	return NULL;
}

/* Starts making batch `from` ready, on a thread when there are two or
 * more; *started says whether one was. */
static void start_ahead(struct ahead *j, size_t from, bool threaded, pthread_t *t,
                        bool *started)
{
	j->from = from;
	j->to = from + FEED_ARTICLES < j->s->n ? from + FEED_ARTICLES : j->s->n;
	j->prepare = threaded;
	*started = threaded && pthread_create(t, NULL, make_ready, j) == 0;
	if (!*started)
		make_ready(j);
}

/*
 * Feeds every kept article to an index in memory, in canonical order.
 * With two threads or more, the text work of the next batch runs beside
 * the relating of this one; with one, the index does it as it adds. What
 * the index relates does not depend on it (an article whose dropped lines
 * came out otherwise when it was made ready is done again by the index),
 * only how long it takes.
 */
static int feed(doppel_scan *s, doppel_index *x)
{
	int rc = DOPPEL_OK;
	uint32_t *order = doppel__alloc_array(s->n + 1, sizeof(*order));
	uint32_t *tmp = doppel__alloc_array(s->n + 1, sizeof(*tmp));
	struct ahead job[2] = {{s, x, order, 0, 0, doppel_batch_new(), false, DOPPEL_OK, ""},
	                       {s, x, order, 0, 0, doppel_batch_new(), false, DOPPEL_OK, ""}};
	if (!order || !tmp || !job[0].b || !job[1].b) {
		rc = DOPPEL_E_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < s->n; i++)
		order[i] = (uint32_t)i;
	sort_order(order, tmp, s->n, s->k);
	bool threaded = s->threads > 1, started = false;
	pthread_t t;
	if (s->n)
		start_ahead(&job[0], 0, false, &t, &started);
	for (size_t from = 0, k = 0; from < s->n; from += FEED_ARTICLES, k ^= 1) {
		struct ahead *j = &job[k];
		if (started)
			pthread_join(t, NULL);
		started = false;
		if ((rc = j->rc)) {
			if (*j->err)
				doppel__errf(s->err, "%s", j->err);
			break;
		}
		if (threaded && j->to < s->n)
			start_ahead(&job[k ^ 1], j->to, true, &t, &started);
		if ((rc = doppel_index_add(x, j->b, DOPPEL_DUP_ERROR))) {
			/* a text that could not be read again says why */
			doppel__errf(s->err, "%s", *s->kerr ? s->kerr : doppel_index_errmsg(x));
			break;
		}
		rc = keep_relations(s, x, j->to - j->from);
		if (rc)
			break;
		/* On one thread the next batch's texts are read once this one
		 * is added, and the index does their text work as it adds them:
		 * done ahead, with the counts of lines of before, a tenth of
		 * them came out with other lines repeated and were done again. */
		if (!threaded && j->to < s->n)
			start_ahead(&job[k ^ 1], j->to, false, &t, &started);
	}
	if (started)
		pthread_join(t, NULL);
out:
	doppel_batch_free(job[0].b);
	doppel_batch_free(job[1].b);
	free(order);
	free(tmp);
	return rc;
}

/* --------------------------------------------------------------- groups */

/* Representative order: earliest date (undated last), most words, id. */
static int rep_cmp(const struct kept *a, const struct kept *b)
{
	int d = doppel__date_cmp(a->date, b->date);
	if (d)
		return d;
	if (a->words != b->words)
		return a->words > b->words ? -1 : 1;
	return strcmp(a->id, b->id);
}

/* Is r (seen from one end, other the far end) a better "of" than best?
 * The representative first, then the stronger relation, the figures, the
 * smaller id. */
static bool better_of(const struct kept *k, const struct rel *r, uint32_t other, uint32_t rep,
                      const struct rel *best, uint32_t best_other)
{
	if (!best)
		return true;
	bool to_rep = other == rep, best_rep = best_other == rep;
	if (to_rep != best_rep)
		return to_rep;
	if (r->relation != best->relation)
		return doppel__stronger(r->relation, best->relation);
	if (r->containment != best->containment)
		return r->containment > best->containment;
	if (r->jaccard != best->jaccard)
		return r->jaccard > best->jaccard;
	return strcmp(k[other].id, k[best_other].id) < 0;
}

static bool is_copy(const struct rel *r)
{
	return r->relation == DOPPEL_REL_DUPLICATE || r->relation == DOPPEL_REL_COPY;
}

static doppel_direction flip(doppel_direction d)
{
	return d == DOPPEL_DIR_TO ? DOPPEL_DIR_FROM : d == DOPPEL_DIR_FROM ? DOPPEL_DIR_TO : d;
}

/* One group's member: what it is, and the relation that puts it there. */
static void fill_member(const doppel_scan *s, doppel_member *m, uint32_t p, uint32_t rep,
                        const uint32_t *adj_start, const uint32_t *adj)
{
	const struct kept *a = &s->k[p];
	*m = (doppel_member){.id = a->id,
	                     .title = a->title,
	                     .origin = a->origin,
	                     .date = a->date,
	                     .words = a->words};
	if (p == rep)
		return;
	const struct rel *best = NULL;
	uint32_t best_other = 0;
	for (uint32_t e = adj_start[p]; e < adj_start[p + 1]; e++) {
		const struct rel *r = &s->rel[adj[e]];
		uint32_t other = r->a == p ? r->b : r->a;
		if (better_of(s->k, r, other, rep, best, best_other)) {
			best = r;
			best_other = other;
		}
	}
	/* Every member of a component of two or more has a relation. */
	m->relation = best->relation;
	m->of = s->k[best_other].id;
	m->direction = best->a == p ? best->dir : flip(best->dir);
	m->jaccard = best->jaccard;
	m->containment = best->containment;
}

/*
 * Groups: the articles joined by duplicate and copy relations, the
 * representative first (earliest, longest, smallest id), the rest by date
 * and id; groups ordered by representative.
 */
static int make_groups(doppel_scan *s)
{
	const size_t n = s->n;
	int rc = DOPPEL_E_NOMEM;
	doppel__uf uf = {0};
	uint32_t *adj_start = calloc(n + 2, sizeof(*adj_start));
	uint32_t *adj = doppel__alloc_array(2 * s->nrel + 1, sizeof(*adj));
	uint32_t *rep = doppel__alloc_array(n + 1, sizeof(*rep));
	uint32_t *mem = doppel__alloc_array(n + 1, sizeof(*mem));
	uint32_t *tmp = doppel__alloc_array(n + 1, sizeof(*tmp));
	uint32_t *first = NULL, *bucket = NULL;
	if (!adj_start || !adj || !rep || !mem || !tmp || doppel__uf_init(&uf, n ? n : 1))
		goto out;
	for (size_t e = 0; e < s->nrel; e++)
		if (is_copy(&s->rel[e])) {
			doppel__uf_union(&uf, s->rel[e].a, s->rel[e].b);
			adj_start[s->rel[e].a + 2]++;
			adj_start[s->rel[e].b + 2]++;
		}
	for (size_t p = 0; p < n; p++)
		adj_start[p + 2] += adj_start[p + 1];
	for (size_t e = 0; e < s->nrel; e++)
		if (is_copy(&s->rel[e])) {
			adj[adj_start[s->rel[e].a + 1]++] = (uint32_t)e;
			adj[adj_start[s->rel[e].b + 1]++] = (uint32_t)e;
		}
	/* The representative of each component, at its root. */
	size_t nmembers = 0;
	for (size_t p = 0; p < n; p++)
		rep[p] = UINT32_MAX;
	for (size_t p = 0; p < n; p++) {
		uint32_t r = doppel__uf_find(&uf, (uint32_t)p);
		if (uf.size[r] < 2)
			continue;
		mem[nmembers++] = (uint32_t)p;
		if (rep[r] == UINT32_MAX || rep_cmp(&s->k[p], &s->k[rep[r]]) < 0)
			rep[r] = (uint32_t)p;
	}
	/* Members by component (representative first, the rest by date and
	 * id), components by representative: the members in that order,
	 * then bucketed by their component's root, each bucket in order. */
	sort_order(mem, tmp, nmembers, s->k);
	first = calloc(n + 2, sizeof(*first));
	bucket = doppel__alloc_array(nmembers + 1, sizeof(*bucket));
	s->members = calloc(nmembers + 1, sizeof(*s->members));
	s->groups = calloc(nmembers / 2 + 1, sizeof(*s->groups));
	if (!first || !bucket || !s->members || !s->groups)
		goto out;
	for (size_t i = 0; i < nmembers; i++)
		first[doppel__uf_find(&uf, mem[i]) + 2]++;
	for (size_t r = 0; r < n; r++)
		first[r + 2] += first[r + 1];
	for (size_t i = 0; i < nmembers; i++)
		bucket[first[doppel__uf_find(&uf, mem[i]) + 1]++] = mem[i];
	/* now first[r] .. first[r + 1] is component r's bucket */
	size_t at = 0;
	for (size_t i = 0; i < nmembers; i++) {
		uint32_t p = mem[i], r = doppel__uf_find(&uf, p);
		if (rep[r] != p)
			continue;
		doppel_group *g = &s->groups[s->ngroups++];
		g->id = s->k[p].id;
		g->members = &s->members[at];
		fill_member(s, &s->members[at++], p, p, adj_start, adj);
		for (uint32_t j = first[r]; j < first[r + 1]; j++)
			if (bucket[j] != p)
				fill_member(s, &s->members[at++], bucket[j], p, adj_start, adj);
		g->count = (size_t)(&s->members[at] - g->members);
	}
	rc = DOPPEL_OK;
out:
	free(first);
	free(bucket);
	doppel__uf_free(&uf);
	free(adj_start);
	free(adj);
	free(rep);
	free(mem);
	free(tmp);
	return rc;
}

/* ---------------------------------------------------------------- pairs */

static int cmp_pair(const void *pa, const void *pb)
{
	const doppel_pair *a = pa, *b = pb;
	if (a->relation != b->relation)
		return doppel__stronger(a->relation, b->relation) ? -1 : 1;
	int c = strcmp(a->a, b->a);
	return c ? c : strcmp(a->b, b->b);
}

/* The event of each article the stories hold (by id): events numbered
 * from 1 in the order of the stories. */
static int map_events(const doppel_scan *s, doppel__strmap *ev)
{
	const doppel__stories *o = &s->stories;
	for (size_t e = 0; e < o->nevent; e++)
		for (size_t m = 0; m < o->event[e].count; m++)
			if (doppel__strmap_put(ev, o->event[e].members[m].id, (uint32_t)e + 1))
				return DOPPEL_E_NOMEM;
	return DOPPEL_OK;
}

/* Two articles that ended in one event report it: a same-story relation
 * stated before their events merged is same-event, as an index reads it
 * (doppel_index_relations). */
static doppel_relation final_relation(const doppel__strmap *ev, const struct rel *r,
                                      const char *a, const char *b)
{
	uint32_t ea, eb;
	if (r->relation == DOPPEL_REL_SAME_STORY && doppel__strmap_get(ev, a, &ea) &&
	    doppel__strmap_get(ev, b, &eb) && ea == eb)
		return DOPPEL_REL_SAME_EVENT;
	return r->relation;
}

/* Every relation as a pair: the source first when the direction is
 * known, else the smaller id first. After make_stories(). */
static int make_pairs(doppel_scan *s)
{
	doppel__strmap ev = {0};
	s->pairs = calloc(s->nrel + 1, sizeof(*s->pairs));
	if (!s->pairs ||
	    doppel__grow((void **)&s->pass, &s->passcap, s->npass + 1, sizeof(*s->pass)) ||
	    map_events(s, &ev)) {
		doppel__strmap_free(&ev);
		return DOPPEL_E_NOMEM;
	}
	for (size_t i = 0; i < s->nrel; i++) {
		const struct rel *r = &s->rel[i];
		const char *a = s->k[r->a].id, *b = s->k[r->b].id;
		bool swap = r->basis != DOPPEL_BASIS_NONE ? r->dir == DOPPEL_DIR_FROM
		                                          : strcmp(a, b) > 0;
		/* The passages of a relation are its pair's alone: turned in place
		 * when b of the relation is the pair's a. */
		doppel_passage *ps = r->looked ? s->pass + r->poff : NULL;
		for (uint32_t j = 0; swap && j < r->np; j++)
			ps[j] = (doppel_passage){ps[j].b_start, ps[j].b_end, ps[j].a_start,
			                         ps[j].a_end};
		s->pairs[s->npairs++] = (doppel_pair){.a = swap ? b : a,
		                                      .b = swap ? a : b,
		                                      .relation = final_relation(&ev, r, a, b),
		                                      .basis = r->basis,
		                                      .jaccard = r->jaccard,
		                                      .containment = r->containment,
		                                      .aligned = r->aligned,
		                                      .anchors = r->anchors,
		                                      .names = r->names,
		                                      .topic = r->topic,
		                                      .npassages = r->np,
		                                      .passages = ps};
	}
	doppel__strmap_free(&ev);
	qsort(s->pairs, s->npairs, sizeof(*s->pairs), cmp_pair);
	return DOPPEL_OK;
}

/* -------------------------------------------------------------- stories */

/* A copy of str that lives as long as the scan; NULL stays NULL. */
static const char *keep_string(doppel_scan *s, const char *str, int *rc)
{
	if (!str)
		return NULL;
	char *c = doppel__strdup(str);
	if (!c || doppel__grow((void **)&s->strings, &s->stringcap, s->nstrings + 1,
	                       sizeof(*s->strings))) {
		free(c);
		*rc = DOPPEL_E_NOMEM;
		return NULL;
	}
	return s->strings[s->nstrings++] = c;
}

/* Appends story st (borrowed from the index) to s->stories, copied. */
static int keep_story(doppel_scan *s, const doppel_story *st)
{
	doppel__stories *o = &s->stories;
	size_t nm = 0;
	for (size_t e = 0; e < st->count; e++)
		nm += st->events[e].count;
	doppel_story *story = doppel__realloc_array(o->story, o->nstory + 1, sizeof(*story));
	if (story)
		o->story = story;
	doppel_event *ev = doppel__realloc_array(o->event, o->nevent + st->count, sizeof(*ev));
	if (ev)
		o->event = ev;
	doppel_event_member *m = doppel__realloc_array(o->member, o->nmember + nm, sizeof(*m));
	if (m)
		o->member = m;
	if (!story || (!ev && st->count) || (!m && nm))
		return DOPPEL_E_NOMEM;
	int rc = DOPPEL_OK;
	for (size_t e = 0; e < st->count; e++) {
		const doppel_event *se = &st->events[e];
		doppel_event *de = &o->event[o->nevent + e];
		*de = *se;
		de->id = keep_string(s, se->id, &rc);
		for (size_t j = 0; j < se->count; j++) {
			doppel_event_member *dm = &o->member[o->nmember + j];
			*dm = se->members[j];
			dm->id = keep_string(s, dm->id, &rc);
			dm->title = keep_string(s, dm->title, &rc);
			dm->of = keep_string(s, dm->of, &rc);
		}
		o->nmember += se->count;
	}
	o->story[o->nstory] = *st;
	o->story[o->nstory].id = keep_string(s, st->id, &rc);
	o->nstory++;
	o->nevent += st->count;
	return rc;
}

/* Stories as the index built them. Events and members point into arrays
 * that grow as stories are copied: they are set once all are in. */
static int make_stories(doppel_scan *s, doppel_index *x)
{
	size_t count = 0;
	const doppel_story_info *info;
	int rc = doppel_index_stories(x, DOPPEL_NO_DATE, 0, &count, &info);
	char **ids = rc ? NULL : calloc(count + 1, sizeof(*ids));
	if (!rc && !ids)
		rc = DOPPEL_E_NOMEM;
	for (size_t i = 0; i < count && rc == DOPPEL_OK; i++)
		if (!(ids[i] = doppel__strdup(info[i].id)))
			rc = DOPPEL_E_NOMEM;
	for (size_t i = 0; i < count && rc == DOPPEL_OK; i++) {
		doppel_story st;
		if ((rc = doppel_index_story(x, ids[i], &st)) == DOPPEL_OK)
			rc = keep_story(s, &st);
	}
	for (size_t i = 0; ids && i < count; i++)
		free(ids[i]);
	free(ids);
	if (rc)
		return rc;
	doppel__stories *o = &s->stories;
	for (size_t i = 0, e = 0, m = 0; i < o->nstory; i++) {
		o->story[i].events = &o->event[e];
		for (size_t j = 0; j < o->story[i].count; j++, e++) {
			o->event[e].members = &o->member[m];
			m += o->event[e].count;
		}
	}
	return DOPPEL_OK;
}

int doppel_scan_reread_from(doppel_scan *s, doppel_reader *r)
{
	if (!s)
		return DOPPEL_E_ARG;
	if (s->n) {
		doppel__errf(s->err, "a scan's reader is named before its first article");
		return DOPPEL_E_STATE;
	}
	s->rr = r;
	return DOPPEL_OK;
}

void doppel__scan_set_cache(doppel_scan *s, size_t n)
{
	s->cache = n;
}

void doppel__scan_set_wordnet(doppel_scan *s, const doppel__wordnet *wn)
{
	s->wn = wn;
}

int doppel_scan_finish(doppel_scan *s)
{
	if (s->finished) {
		doppel__errf(s->err, "the scan is finished already");
		return DOPPEL_E_STATE;
	}
	s->finished = true;
	doppel_index *x = NULL;
	char err[DOPPEL__ERRLEN] = "";
	size_t most = scan_cache(s);
	size_t ncache = s->keep_texts && s->n > most ? most : s->n;
	s->reread = (s->p.relations & DOPPEL_FIND_EXCERPT) || ncache < s->n;
	int rc = doppel__index_open_memory(&x, &s->p, ncache, s->n,
	                                   s->reread ? kept_text : NULL, s, s->wn, err);
	if (rc) {
		doppel__errf(s->err, "%s", err);
		return rc;
	}
	if ((rc = feed(s, x)) == DOPPEL_OK && (rc = make_groups(s)) == DOPPEL_OK &&
	    (rc = make_stories(s, x)) == DOPPEL_OK)
		rc = make_pairs(s);
	doppel_stats st;
	doppel_index_stats(x, &st);
	s->stats.empty = st.empty;
	s->stats.candidates = st.candidates;
	s->stats.verified = st.verified;
	s->stats.edges = s->nrel;
	s->stats.sketch_seconds += st.sketch_seconds;
	if (rc && !*s->err)
		doppel__errf(s->err, "%s while relating %zu articles", doppel_strerror(rc),
		             s->n);
	doppel_index_close(x);
	for (size_t i = 0; i < s->n; i++) {
		free(s->k[i].z);
		s->k[i].z = NULL;
	}
	s->rr = NULL; /* no text is read again: the reader may go */
	return rc;
}

size_t doppel_scan_group_count(const doppel_scan *s)
{
	return s ? s->ngroups : 0;
}

int doppel_scan_group(const doppel_scan *s, size_t i, doppel_group *out)
{
	if (!s || i >= s->ngroups)
		return DOPPEL_E_ARG;
	*out = s->groups[i];
	return DOPPEL_OK;
}

size_t doppel_scan_pair_count(const doppel_scan *s)
{
	return s ? s->npairs : 0;
}

int doppel_scan_pair(const doppel_scan *s, size_t i, doppel_pair *out)
{
	if (!s || i >= s->npairs)
		return DOPPEL_E_ARG;
	*out = s->pairs[i];
	return DOPPEL_OK;
}

size_t doppel_scan_story_count(const doppel_scan *s)
{
	return s ? s->stories.nstory : 0;
}

int doppel_scan_story(const doppel_scan *s, size_t i, doppel_story *out)
{
	if (!s || i >= s->stories.nstory)
		return DOPPEL_E_ARG;
	*out = s->stories.story[i];
	return DOPPEL_OK;
}
