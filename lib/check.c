/*
 * check.c — doppel_index_check(): is what a database stores what its
 * articles give?
 *
 * SQLite checks its own structure (integrity_check). Then the stored
 * articles are read in the order they were added and given, with their
 * stored texts, to an index in memory with the stored parameters: the one
 * engine, which finds what an index found when they were added, since
 * what each article dropped and the weights it was compared with depend
 * only on the articles before it. Each article's signature and its
 * relations with the articles before it are compared with what is stored.
 * An index whose articles were deleted or replaced had others before them
 * once: its differences are reported, and the caller is told about those
 * articles (doppel_check.gaps).
 */
#include "engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Articles related again at a time. */
#define CHECK_BATCH 256

/* One relation written the same way from the store and from the engine,
 * readable: the relation, the other article, which is the source. */
static char *relation_key(const char *other, int relation, int this_source)
{
	size_t n = strlen(other) + 64;
	char *k = malloc(n);
	if (k)
		snprintf(k, n, "%s with %s, %s",
		         doppel_relation_name((doppel_relation)relation), other,
		         this_source < 0 ? "direction unknown"
		         : this_source   ? "this the source"
		                         : "the other the source");
	return k;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct keys {
	char **v;
	size_t n, cap;
};

static int keys_push(struct keys *k, char *s)
{
	if (!s || doppel__grow((void **)&k->v, &k->cap, k->n + 1, sizeof(*k->v))) {
		free(s);
		return DOPPEL_E_NOMEM;
	}
	k->v[k->n++] = s;
	return DOPPEL_OK;
}

static void keys_clear(struct keys *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->v[i]);
	k->n = 0;
}

/* The first difference found, kept for the report: "WHO: WHAT" (a
 * relation key, when given, in parentheses). */
static void note(doppel_check *out, const char *who, const char *what, const char *key)
{
	if (out->first[0])
		return;
	if (key)
		snprintf(out->first, sizeof(out->first), "%s: %s (%s)", who, what, key);
	else
		snprintf(out->first, sizeof(out->first), "%s: %s", who, what);
}

/* Compares the relations stored for article num (with the articles added
 * before it) with those the engine found for it (r). */
static int compare_relations(doppel_index *x, sqlite3_stmt *st, int64_t num,
                             const doppel_result *r, doppel_check *out, struct keys *a,
                             struct keys *b)
{
	keys_clear(a);
	keys_clear(b);
	sqlite3_bind_int64(st, 1, num);
	int rc = DOPPEL_OK, step;
	while (rc == DOPPEL_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *other = (const char *)sqlite3_column_text(st, 0);
		int basis = sqlite3_column_int(st, 3);
		int source = basis == DOPPEL_BASIS_NONE ? -1 : sqlite3_column_int(st, 2);
		rc = keys_push(
			a, relation_key(other ? other : "", sqlite3_column_int(st, 1), source));
	}
	sqlite3_reset(st);
	if (rc == DOPPEL_OK && step != SQLITE_DONE)
		return doppel__store_error(x->store, "reading relations", x->err);
	for (size_t m = 0; rc == DOPPEL_OK && m < r->count; m++) {
		const doppel_match *mt = &r->matches[m];
		int source =
			mt->basis == DOPPEL_BASIS_NONE ? -1 : mt->direction == DOPPEL_DIR_TO;
		rc = keys_push(b, relation_key(mt->id, mt->relation, source));
	}
	if (rc)
		return rc;
	out->relations += a->n;
	if (a->n > 1)
		qsort(a->v, a->n, sizeof(*a->v), cmp_str);
	if (b->n > 1)
		qsort(b->v, b->n, sizeof(*b->v), cmp_str);
	size_t i = 0, j = 0;
	while (i < a->n || j < b->n) {
		int c = i == a->n ? 1 : j == b->n ? -1 : strcmp(a->v[i], b->v[j]);
		if (c < 0) {
			out->missing++;
			note(out, r->id, "a stored relation is not found again", a->v[i]);
			i++;
		} else if (c > 0) {
			out->extra++;
			note(out, r->id, "a relation found again is not stored", b->v[j]);
			j++;
		} else {
			i++;
			j++;
		}
	}
	return DOPPEL_OK;
}

struct pending {
	int64_t num;
	void *sig; /* the stored signature, then the stored figures */
	size_t sigbytes, figbytes;
	bool figured; /* figures were stored (not NULL) */
};

/* Compares the signature and the figures stored for an article (p) with
 * those y made from its text when it added it (at slot). */
static void compare_signature(const doppel_index *y, uint32_t slot, const struct pending *p,
                              const char *id, doppel_check *out)
{
	const unsigned k = y->p.k;
	const uint16_t *sig = y->sigs + (size_t)slot * k;
	const uint8_t *blob = p->sig;
	bool same = p->sig && p->sigbytes == 2 * (size_t)k;
	for (unsigned i = 0; same && i < k; i++)
		same = (uint16_t)doppel__get_le(blob + 2 * i, 2) == sig[i];
	const struct doppel__entry *e = &y->e[slot];
	const uint8_t *fig = blob + p->sigbytes;
	bool figures = !p->figured ||
	               (e->nfig != DOPPEL__FIG_UNKNOWN && p->figbytes == 4 * (size_t)e->nfig);
	for (uint32_t i = 0; p->figured && figures && i < e->nfig; i++)
		figures = (uint32_t)doppel__get_le(fig + 4 * i, 4) == e->fig[i];
	if (!same || !figures) {
		out->signatures++;
		note(out, id,
		     !same ? "its signature, made again from its text, differs"
		           : "its figures, made again from its text, differ",
		     NULL);
	}
}

/* Relates the articles of b (stored numbers and signatures in p) again
 * in y and compares. */
static int check_batch(doppel_index *x, doppel_index *y, doppel_batch *b,
                       const struct pending *p, sqlite3_stmt *rel, doppel_check *out,
                       struct keys *ka, struct keys *kb)
{
	size_t n = doppel_batch_count(b);
	if (!n)
		return DOPPEL_OK;
	uint32_t first = (uint32_t)y->n;
	int rc = doppel_index_add(y, b, DOPPEL_DUP_ERROR);
	if (rc) {
		doppel__errf(x->err, "%s", doppel_index_errmsg(y));
		return rc;
	}
	for (size_t i = 0; i < n && rc == DOPPEL_OK; i++) {
		doppel_result r;
		if (doppel_index_result(y, i, &r) || r.outcome != DOPPEL_ADDED) {
			out->signatures++;
			note(out, doppel_batch_article(b, i)->id, "cannot be related again",
			     NULL);
			continue;
		}
		compare_signature(y, first + (uint32_t)i, &p[i], r.id, out);
		rc = compare_relations(x, rel, p[i].num, &r, out, ka, kb);
	}
	return rc;
}

static int integrity(doppel_index *x, doppel_check *out)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(doppel__store_db(x->store), "PRAGMA integrity_check", -1, &st,
	                       NULL) != SQLITE_OK)
		return doppel__store_error(x->store, "checking integrity", x->err);
	out->integrity = sqlite3_step(st) == SQLITE_ROW &&
	                 strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
	if (!out->integrity)
		note(out, "SQLite's integrity check",
		     sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0)
		                                : "no answer",
		     NULL);
	sqlite3_finalize(st);
	return DOPPEL_OK;
}

/* Reads every stored article in number order and checks it, a batch at a
 * time. */
static int check_articles(doppel_index *x, doppel_index *y, doppel_check *out)
{
	sqlite3 *db = doppel__store_db(x->store);
	sqlite3_stmt *art = NULL, *rel = NULL;
	doppel_batch *b = doppel_batch_new();
	struct pending p[CHECK_BATCH];
	struct keys ka = {0}, kb = {0};
	size_t np = 0;
	int rc = DOPPEL_OK, step;
	memset(p, 0, sizeof(p));
	if (!b) {
		rc = DOPPEL_E_NOMEM;
		goto out;
	}
	/* A database made before figures were kept has not their column. */
	if ((sqlite3_prepare_v2(db,
	                        "SELECT num, id, title, date, source, url, signature, figures"
	                        " FROM articles ORDER BY num",
	                        -1, &art, NULL) != SQLITE_OK &&
	     sqlite3_prepare_v2(db,
	                        "SELECT num, id, title, date, source, url, signature, NULL"
	                        " FROM articles ORDER BY num",
	                        -1, &art, NULL) != SQLITE_OK) ||
	    sqlite3_prepare_v2(db,
	                       "SELECT o.id, r.relation, r.a_source, r.basis FROM relations r"
	                       " JOIN articles o ON o.num = r.b WHERE r.a = ?",
	                       -1, &rel, NULL) != SQLITE_OK) {
		rc = doppel__store_error(x->store, "reading articles", x->err);
		goto out;
	}
	while (rc == DOPPEL_OK && (step = sqlite3_step(art)) == SQLITE_ROW) {
		int64_t num = sqlite3_column_int64(art, 0);
		char *text = NULL, *source = NULL;
		size_t len = 0;
		if ((rc = doppel__store_text(x->store, num, &text, &len, &source, x->err)))
			break;
		doppel_article a = {
			.id = (const char *)sqlite3_column_text(art, 1),
			.title = (const char *)sqlite3_column_text(art, 2),
			.text = text,
			.text_len = len,
			.date = sqlite3_column_type(art, 3) == SQLITE_NULL
		                        ? DOPPEL_NO_DATE
		                        : (int32_t)sqlite3_column_int(art, 3),
			.source = source,
			.url = (const char *)sqlite3_column_text(art, 5),
		};
		size_t sb = (size_t)sqlite3_column_bytes(art, 6);
		size_t fb = (size_t)sqlite3_column_bytes(art, 7);
		p[np] = (struct pending){num, malloc(sb + fb + 1), sb, fb,
		                         sqlite3_column_type(art, 7) == SQLITE_BLOB};
		if (p[np].sig && sb)
			memcpy(p[np].sig, sqlite3_column_blob(art, 6), sb);
		if (p[np].sig && fb)
			memcpy((char *)p[np].sig + sb, sqlite3_column_blob(art, 7), fb);
		rc = p[np].sig ? doppel_batch_push(b, &a) : DOPPEL_E_NOMEM;
		np++;
		out->articles++;
		free(text);
		free(source);
		if (rc == DOPPEL_OK && np == CHECK_BATCH) {
			rc = check_batch(x, y, b, p, rel, out, &ka, &kb);
			for (size_t i = 0; i < np; i++)
				free(p[i].sig);
			np = 0;
			doppel_batch_clear(b);
		}
	}
	if (rc == DOPPEL_OK && step != SQLITE_DONE)
		rc = doppel__store_error(x->store, "reading articles", x->err);
	if (rc == DOPPEL_OK)
		rc = check_batch(x, y, b, p, rel, out, &ka, &kb);
out:
	for (size_t i = 0; i < np; i++)
		free(p[i].sig);
	keys_clear(&ka);
	keys_clear(&kb);
	free(ka.v);
	free(kb.v);
	sqlite3_finalize(art);
	sqlite3_finalize(rel);
	doppel_batch_free(b);
	return rc;
}

/* Articles whose numbers skip some: deleted or replaced ones. */
static int count_gaps(doppel_index *x, doppel_check *out)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(doppel__store_db(x->store),
	                       "SELECT coalesce(max(num), 0) - count(*) FROM articles", -1, &st,
	                       NULL) != SQLITE_OK)
		return doppel__store_error(x->store, "counting articles", x->err);
	if (sqlite3_step(st) == SQLITE_ROW)
		out->gaps = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return DOPPEL_OK;
}

/* The stored text of article id, for excerpts the engine verifies on
 * both texts (a doppel__text_fn over the database checked). */
static int stored_text(void *ctx, const char *id, char **text, size_t *len, char **source)
{
	doppel_stored st;
	int rc = doppel_index_get(ctx, id, &st);
	if (rc)
		return rc;
	if (!(*text = doppel__strndup(st.article.text, st.article.text_len)))
		return DOPPEL_E_NOMEM;
	*len = st.article.text_len;
	if (source && st.article.source && !(*source = doppel__strdup(st.article.source))) {
		free(*text);
		*text = NULL;
		return DOPPEL_E_NOMEM;
	}
	return DOPPEL_OK;
}

int doppel_index_check(const char *path, const doppel_params *p, doppel_check *out,
                       char *errmsg, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	doppel_index *x = NULL, *y = NULL;
	char err[DOPPEL__ERRLEN] = "";
	int rc = doppel_index_open(&x, path, p,
	                           DOPPEL_OPEN_READONLY | DOPPEL_OPEN_LAZY | DOPPEL_OPEN_ADOPT,
	                           err, sizeof(err));
	if (rc)
		goto out;
	/* Related again with the relations it was written with, when it
	 * says (and not mixed): else with those of p. */
	unsigned stored;
	doppel_params q = x->p;
	if ((rc = doppel__store_relations(x->store, &stored, err)))
		goto out;
	bool ours;
	if ((rc = doppel__store_rules(x->store, &ours, err)))
		goto out;
	out->rules = !ours;
	if (stored == DOPPEL__RELATIONS_MIXED)
		out->mixed = 1;
	else if (stored)
		q.relations = stored;
	out->relations_checked = q.relations;
	if ((rc = integrity(x, out)) || (rc = count_gaps(x, out)) ||
	    (rc = doppel__index_open_memory(&y, &q, (size_t)doppel_index_count(x),
	                                    (size_t)doppel_index_count(x), stored_text, x, NULL,
	                                    err)))
		goto out;
	/* Its passage keys made again by the rules it was written with (the
	 * index in memory is new: it holds no keys yet). */
	y->pkrules = doppel__store_pkey_rules(x->store);
	rc = check_articles(x, y, out);
out:
	if (rc && !*err && x)
		doppel__errf(err, "%s", x->err);
	if (rc && errmsg && errlen)
		snprintf(errmsg, errlen, "%s", err);
	doppel_index_close(y);
	doppel_index_close(x);
	return rc;
}
