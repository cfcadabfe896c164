/*
 * index.c — a persistent index: the SQLite store plus, in memory, the
 * signatures of every stored article and LSH tables over them, rebuilt from
 * the store on open.
 *
 * A batch is sketched in parallel, then taken article by article in order
 * (compare with everything before it, then store it) inside one
 * transaction. If the transaction fails, the in-memory state is rebuilt
 * from the store, so memory never holds what the database does not.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Line counts are written with a batch when this many seconds have passed
 * since they were last written, and always on close. They are a heuristic:
 * losing the latest counts to a crash only delays boilerplate learning. */
#define LINES_SAVE_SECONDS 10.0

struct entry {
	char *id;      /* id and title share this block */
	const char *title;
	int32_t date;
	uint32_t words, shingles;
	uint64_t fingerprint;
	int64_t num;
	bool alive;
};

struct slot_work {
	doppel__tokens tokens;
	doppel__sketcher sketcher;
	int rc;
};

struct doppel_index {
	doppel_params p;
	unsigned threads, bands, rows;
	bool readonly;
	doppel__store *store;

	struct entry *e;
	size_t n, cap;
	uint16_t *sigs;
	size_t sigcap;
	doppel__strmap ids; /* id -> entry of the live article */
	uint64_t alive;
	doppel__lsh *lsh;

	doppel__linecount *lc;
	bool lc_dirty;
	double lc_saved;

	struct slot_work *workers;

	/* per batch */
	doppel__sketch *bsk;
	uint16_t *bsig;
	int *brc;
	size_t bcap;
	doppel_result *res;
	size_t nres, rescap;
	doppel_match *matches;
	size_t nmatch, matchcap;
	size_t *mstart; /* per result: first match */
	size_t mstartcap;
	uint32_t *stamp;
	size_t stampcap;
	uint32_t gen;
	uint64_t *keys;

	doppel_stats stats;
	char err[DOPPEL__ERRLEN];
};

/* ------------------------------------------------------------ in memory */

static void forget_all(doppel_index *x)
{
	for (size_t i = 0; i < x->n; i++)
		free(x->e[i].id);
	x->n = 0;
	x->alive = 0;
	doppel__strmap_free(&x->ids);
	doppel__lsh_free(x->lsh);
	x->lsh = NULL;
}

/* Appends an entry and indexes it; the signature is copied. */
static int remember(doppel_index *x, int64_t num, const char *id, const char *title,
                    int32_t date, uint32_t words, uint32_t shingles, uint64_t fp,
                    const uint16_t *sig)
{
	const unsigned k = x->p.k;
	if (x->n >= UINT32_MAX - 1)
		return DOPPEL_E_NOMEM;
	if (doppel__grow((void **)&x->e, &x->cap, x->n + 1, sizeof(*x->e)) ||
	    doppel__grow((void **)&x->sigs, &x->sigcap, x->n + 1, k * sizeof(*x->sigs)))
		return DOPPEL_E_NOMEM;
	size_t nid = strlen(id) + 1, nt = title ? strlen(title) + 1 : 0;
	char *block = malloc(nid + nt);
	if (!block)
		return DOPPEL_E_NOMEM;
	memcpy(block, id, nid);
	struct entry *e = &x->e[x->n];
	e->id = block;
	e->title = nt ? memcpy(block + nid, title, nt) : NULL;
	e->date = date;
	e->words = words;
	e->shingles = shingles;
	e->fingerprint = fp;
	e->num = num;
	e->alive = true;
	memcpy(x->sigs + x->n * k, sig, k * sizeof(*sig));
	uint32_t slot = (uint32_t)x->n;
	if (doppel__strmap_put(&x->ids, e->id, slot)) {
		free(block);
		return DOPPEL_E_NOMEM;
	}
	x->n++;
	x->alive++;
	if (fp) {
		doppel__lsh_keys(x->lsh, sig, x->keys);
		if (doppel__lsh_insert(x->lsh, slot, x->keys))
			return DOPPEL_E_NOMEM;
	}
	return DOPPEL_OK;
}

static int load_row(void *ctx, const doppel__row *r)
{
	return remember(ctx, r->num, r->id, r->title, r->date, r->words, r->shingles,
	                r->fingerprint, r->sig);
}

/* (Re)builds everything in memory from the store. */
static int load_all(doppel_index *x)
{
	forget_all(x);
	x->lsh = doppel__lsh_new(x->p.k, x->bands, x->rows);
	if (!x->lsh) {
		doppel__errf(x->err, "out of memory");
		return DOPPEL_E_NOMEM;
	}
	int rc = doppel__store_load(x->store, x->p.k, load_row, x, x->err);
	if (rc == DOPPEL_E_NOMEM)
		doppel__errf(x->err, "out of memory loading the index");
	if (rc == DOPPEL_OK)
		rc = doppel__store_load_lines(x->store, x->lc, x->err);
	return rc;
}

/* ----------------------------------------------------------- open/close */

int doppel_index_open(doppel_index **out, const char *path, const doppel_params *p,
                      unsigned flags, char *errmsg, size_t errlen)
{
	*out = NULL;
	char err[DOPPEL__ERRLEN] = "";
	int rc = DOPPEL_OK;
	doppel_index *x = NULL;
	if (!path || !p || doppel_params_check(p, err, sizeof(err))) {
		if (!*err)
			doppel__errf(err, "no database path or parameters");
		rc = DOPPEL_E_ARG;
		goto fail;
	}
	x = calloc(1, sizeof(*x));
	if (!x || !(x->lc = calloc(1, sizeof(*x->lc)))) {
		doppel__errf(err, "out of memory");
		rc = DOPPEL_E_NOMEM;
		goto fail;
	}
	x->p = *p;
	x->readonly = flags & DOPPEL_OPEN_READONLY;
	if ((rc = doppel__store_open(&x->store, path, flags, flags & DOPPEL_OPEN_ADOPT,
	                             &x->p, err)))
		goto fail;
	x->threads = x->p.threads ? x->p.threads : doppel__ncores();
	if (doppel_params_bands(&x->p, &x->bands, &x->rows)) {
		doppel__errf(err, "%s: stored parameters out of range", path);
		rc = DOPPEL_E_MISMATCH;
		goto fail;
	}
	x->stats.bands = x->bands;
	x->stats.rows = x->rows;
	x->keys = doppel__alloc_array(x->bands, sizeof(*x->keys));
	x->workers = calloc(x->threads, sizeof(*x->workers));
	if (!x->keys || !x->workers) {
		doppel__errf(err, "out of memory");
		rc = DOPPEL_E_NOMEM;
		goto fail;
	}
	for (unsigned t = 0; t < x->threads; t++)
		if (doppel__sketcher_init(&x->workers[t].sketcher, x->p.k, x->p.shingle,
		                          x->p.seed)) {
			doppel__errf(err, "out of memory");
			rc = DOPPEL_E_NOMEM;
			goto fail;
		}
	if ((rc = load_all(x))) {
		doppel__errf(err, "%s", x->err);
		goto fail;
	}
	x->lc_saved = doppel__now();
	*out = x;
	return DOPPEL_OK;
fail:
	if (errmsg && errlen)
		snprintf(errmsg, errlen, "%s", err);
	doppel_index_close(x);
	return rc;
}

static void free_batch_state(doppel_index *x)
{
	free(x->bsk);
	free(x->bsig);
	free(x->brc);
	free(x->res);
	free(x->matches);
	free(x->mstart);
	free(x->stamp);
}

void doppel_index_close(doppel_index *x)
{
	if (!x)
		return;
	if (x->store && !x->readonly && x->lc_dirty) {
		/* Best effort: the articles are safe already; counts only help. */
		char err[DOPPEL__ERRLEN];
		if (doppel__store_begin(x->store, err) == DOPPEL_OK) {
			if (doppel__store_save_lines(x->store, x->lc, err) == DOPPEL_OK)
				doppel__store_commit(x->store, err);
			else
				doppel__store_rollback(x->store);
		}
	}
	doppel__store_close(x->store);
	forget_all(x);
	free(x->e);
	free(x->sigs);
	free(x->lc);
	free(x->keys);
	if (x->workers) {
		for (unsigned t = 0; t < x->threads; t++) {
			doppel__tokens_free(&x->workers[t].tokens);
			doppel__sketcher_free(&x->workers[t].sketcher);
		}
		free(x->workers);
	}
	free_batch_state(x);
	free(x);
}

uint64_t doppel_index_count(const doppel_index *x)
{
	return x ? x->alive : 0;
}

void doppel_index_stats(const doppel_index *x, doppel_stats *out)
{
	*out = x->stats;
}

const char *doppel_index_errmsg(const doppel_index *x)
{
	return x ? x->err : "no index";
}

/* --------------------------------------------------------------- sketch */

struct sketch_ctx {
	doppel_index *x;
	const doppel_batch *b;
};

static void sketch_one(void *ctx, size_t i, unsigned worker)
{
	struct sketch_ctx *c = ctx;
	doppel_index *x = c->x;
	struct slot_work *w = &x->workers[worker];
	const doppel_article *a = doppel_batch_article(c->b, i);
	doppel__sketch *sk = &x->bsk[i];
	sk->sig = x->bsig + i * x->p.k;
	int rc = doppel__normalize(a->text, a->text_len,
	                           doppel__source_key(a->source, x->p.seed), x->lc,
	                           x->p.boilerplate_min, x->p.seed, &w->tokens);
	if (rc == DOPPEL_OK)
		rc = doppel__sketch_tokens(&w->sketcher, &w->tokens, sk);
	x->brc[i] = rc;
}

/* Prepares per-batch state and sketches every article of b. */
static int sketch_batch(doppel_index *x, const doppel_batch *b)
{
	size_t n = doppel_batch_count(b);
	const unsigned k = x->p.k;
	size_t cap = x->bcap;
	if (n > cap) {
		free(x->bsk);
		free(x->bsig);
		free(x->brc);
		x->bsk = doppel__alloc_array(n, sizeof(*x->bsk));
		x->bsig = doppel__alloc_array(n, k * sizeof(*x->bsig));
		x->brc = doppel__alloc_array(n, sizeof(*x->brc));
		x->bcap = n;
		if (!x->bsk || !x->bsig || !x->brc) {
			x->bcap = 0;
			doppel__errf(x->err, "out of memory");
			return DOPPEL_E_NOMEM;
		}
	}
	if (doppel__grow((void **)&x->res, &x->rescap, n, sizeof(*x->res)) ||
	    doppel__grow((void **)&x->mstart, &x->mstartcap, n + 1, sizeof(*x->mstart))) {
		doppel__errf(x->err, "out of memory");
		return DOPPEL_E_NOMEM;
	}
	x->nres = 0;
	x->nmatch = 0;
	double t0 = doppel__now();
	struct sketch_ctx c = {x, b};
	doppel__parallel_for(x->threads, n, sketch_one, &c);
	x->stats.sketch_seconds += doppel__now() - t0;
	for (size_t i = 0; i < n; i++) {
		if (x->brc[i] == DOPPEL_E_NOMEM) {
			doppel__errf(x->err, "out of memory");
			return DOPPEL_E_NOMEM;
		}
	}
	return DOPPEL_OK;
}

/* ---------------------------------------------------------------- match */

struct match_ctx {
	doppel_index *x;
	const doppel__sketch *sk;
	int32_t date;
	int rc;
};

static void on_candidate(void *ctx, uint32_t other)
{
	struct match_ctx *c = ctx;
	doppel_index *x = c->x;
	const struct entry *e = &x->e[other];
	if (!e->alive || x->stamp[other] == x->gen)
		return;
	x->stamp[other] = x->gen;
	x->stats.candidates++;
	double j, cont;
	doppel__compare(c->sk->sig, c->sk->shingles, x->sigs + (size_t)other * x->p.k,
	                e->shingles, x->p.k, &j, &cont);
	bool same = c->sk->fingerprint == e->fingerprint;
	if (same)
		j = cont = 1.0;
	doppel_relation rel = doppel__classify(&x->p, j, cont, same);
	if (rel == DOPPEL_REL_NONE)
		return;
	if (doppel__grow((void **)&x->matches, &x->matchcap, x->nmatch + 1,
	                 sizeof(*x->matches))) {
		c->rc = DOPPEL_E_NOMEM;
		return;
	}
	x->stats.edges++;
	x->matches[x->nmatch++] = (doppel_match){
		.id = e->id,
		.title = e->title,
		.date = e->date,
		.relation = rel,
		.direction = doppel__direction(c->date, e->date),
		.jaccard = j,
		.containment = cont,
	};
}

/* Appends the matches of one sketched article to the batch's pool. */
static int find_matches(doppel_index *x, const doppel__sketch *sk, int32_t date)
{
	if (!sk->fingerprint || !x->n)
		return DOPPEL_OK;
	if (x->stampcap < x->n) {
		size_t cap = x->stampcap;
		if (doppel__grow((void **)&x->stamp, &cap, x->n, sizeof(*x->stamp)))
			return DOPPEL_E_NOMEM;
		memset(x->stamp + x->stampcap, 0, (cap - x->stampcap) * sizeof(*x->stamp));
		x->stampcap = cap;
	}
	if (++x->gen == 0) {
		memset(x->stamp, 0, x->stampcap * sizeof(*x->stamp));
		x->gen = 1;
	}
	struct match_ctx c = {x, sk, date, DOPPEL_OK};
	doppel__lsh_keys(x->lsh, sk->sig, x->keys);
	doppel__lsh_query(x->lsh, x->keys, x->p.max_bucket, on_candidate, &c);
	return c.rc;
}

/* Opens result i; its matches are the pool's from here on. */
static doppel_result *begin_result(doppel_index *x, const doppel_article *a,
                                   doppel_outcome o, int err, uint32_t words)
{
	doppel_result *r = &x->res[x->nres];
	x->mstart[x->nres] = x->nmatch;
	x->nres++;
	*r = (doppel_result){.id = a->id, .outcome = o, .error = err, .words = words};
	return r;
}

/* Points each result at its matches, sorted strongest first, once the
 * pool no longer moves. */
static void finish_results(doppel_index *x)
{
	x->mstart[x->nres] = x->nmatch;
	for (size_t i = 0; i < x->nres; i++) {
		doppel_result *r = &x->res[i];
		r->count = x->mstart[i + 1] - x->mstart[i];
		r->matches = r->count ? x->matches + x->mstart[i] : NULL;
		if (r->count > 1)
			qsort(x->matches + x->mstart[i], r->count, sizeof(*x->matches),
			      doppel__match_cmp);
	}
}

/* ------------------------------------------------------------ add/query */

int doppel_index_query(doppel_index *x, const doppel_batch *b)
{
	int rc = sketch_batch(x, b);
	if (rc)
		return rc;
	for (size_t i = 0; i < doppel_batch_count(b); i++) {
		const doppel_article *a = doppel_batch_article(b, i);
		if (x->brc[i]) {
			begin_result(x, a, DOPPEL_REJECTED, x->brc[i], 0);
			continue;
		}
		begin_result(x, a, DOPPEL_QUERIED, DOPPEL_OK, x->bsk[i].words);
		if ((rc = find_matches(x, &x->bsk[i], a->date))) {
			doppel__errf(x->err, "out of memory");
			return rc;
		}
	}
	finish_results(x);
	return DOPPEL_OK;
}

/* Adds one sketched article inside the open transaction. */
static int add_one(doppel_index *x, const doppel_article *a, const doppel__sketch *sk,
                   int brc, doppel_on_dup on_dup)
{
	if (!a->id || !*a->id) {
		begin_result(x, a, DOPPEL_REJECTED, DOPPEL_E_ARG, 0);
		x->stats.rejected++;
		return DOPPEL_OK;
	}
	if (brc) {
		begin_result(x, a, DOPPEL_REJECTED, brc, 0);
		x->stats.rejected++;
		return DOPPEL_OK;
	}
	doppel_outcome outcome = DOPPEL_ADDED;
	uint32_t old;
	if (doppel__strmap_get(&x->ids, a->id, &old) && x->e[old].alive) {
		if (on_dup == DOPPEL_DUP_SKIP) {
			begin_result(x, a, DOPPEL_SKIPPED, DOPPEL_OK, sk->words);
			return DOPPEL_OK;
		}
		if (on_dup == DOPPEL_DUP_ERROR) {
			begin_result(x, a, DOPPEL_REJECTED, DOPPEL_E_DUPID, sk->words);
			x->stats.rejected++;
			return DOPPEL_OK;
		}
		int rc = doppel__store_delete(x->store, x->e[old].num, x->err);
		if (rc)
			return rc;
		x->e[old].alive = false;
		x->alive--;
		outcome = DOPPEL_REPLACED;
	}
	begin_result(x, a, outcome, DOPPEL_OK, sk->words);
	int rc = find_matches(x, sk, a->date);
	if (rc) {
		doppel__errf(x->err, "out of memory");
		return rc;
	}
	int64_t num;
	if ((rc = doppel__store_put(x->store, a, sk, x->p.k, &num, x->err)))
		return rc;
	if ((rc = remember(x, num, a->id, a->title, a->date, sk->words, sk->shingles,
	                   sk->fingerprint, sk->sig))) {
		doppel__errf(x->err, "out of memory");
		return rc;
	}
	x->stats.articles++;
	x->stats.bytes += a->text_len;
	if (!sk->fingerprint)
		x->stats.empty++;
	return DOPPEL_OK;
}

/* Counts the candidate boilerplate lines of the batch's added articles. */
static int learn_lines(doppel_index *x, const doppel_batch *b)
{
	if (!x->p.boilerplate_min)
		return DOPPEL_OK;
	doppel__tokens *t = &x->workers[0].tokens;
	for (size_t i = 0; i < x->nres; i++) {
		if (x->res[i].outcome != DOPPEL_ADDED && x->res[i].outcome != DOPPEL_REPLACED)
			continue;
		const doppel_article *a = doppel_batch_article(b, i);
		int rc = doppel__line_keys(a->text, a->text_len,
		                           doppel__source_key(a->source, x->p.seed), x->p.seed,
		                           t);
		if (rc)
			return rc;
		for (size_t j = 0; j < t->nlines; j++)
			doppel__linecount_add(x->lc, t->lines[j]);
		if (t->nlines)
			x->lc_dirty = true;
	}
	return DOPPEL_OK;
}

int doppel_index_add(doppel_index *x, const doppel_batch *b, doppel_on_dup on_dup)
{
	if (x->readonly) {
		doppel__errf(x->err, "the index was opened read-only");
		return DOPPEL_E_READONLY;
	}
	int rc = sketch_batch(x, b);
	if (rc)
		return rc;
	size_t n = doppel_batch_count(b);
	if ((rc = doppel__store_begin(x->store, x->err)))
		return rc;
	for (size_t i = 0; i < n && rc == DOPPEL_OK; i++)
		rc = add_one(x, doppel_batch_article(b, i), &x->bsk[i], x->brc[i], on_dup);
	if (rc == DOPPEL_OK)
		rc = learn_lines(x, b);
	bool save_lines = rc == DOPPEL_OK && x->lc_dirty &&
	                  doppel__now() - x->lc_saved >= LINES_SAVE_SECONDS;
	if (save_lines)
		rc = doppel__store_save_lines(x->store, x->lc, x->err);
	if (rc == DOPPEL_OK)
		rc = doppel__store_commit(x->store, x->err);
	if (rc) {
		/* Nothing of the batch is stored: make memory agree again. */
		char keep[DOPPEL__ERRLEN];
		memcpy(keep, x->err, sizeof(keep));
		doppel__store_rollback(x->store);
		if (load_all(x) != DOPPEL_OK) {
			char both[DOPPEL__ERRLEN];
			snprintf(both, sizeof(both), "%.200s; reloading the index failed: %.200s",
			         keep, x->err);
			memcpy(keep, both, sizeof(keep));
		}
		memcpy(x->err, keep, sizeof(keep));
		x->nres = 0;
		return rc;
	}
	if (save_lines) {
		x->lc_dirty = false;
		x->lc_saved = doppel__now();
	}
	finish_results(x);
	return DOPPEL_OK;
}

int doppel_index_result(const doppel_index *x, size_t i, doppel_result *out)
{
	if (!x || i >= x->nres)
		return DOPPEL_E_ARG;
	*out = x->res[i];
	return DOPPEL_OK;
}
