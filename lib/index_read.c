/*
 * index_read.c — what an index tells about what it stores: an article,
 * its relations, the list of stories and one story with its events.
 * Everything here reads the database only, so a handle opened with
 * DOPPEL_OPEN_READONLY | DOPPEL_OPEN_LAZY answers at once, whatever the
 * size of the index, and never waits for a writer (WAL).
 */
#include "engine.h"

#include <stdlib.h>
#include <string.h>

void doppel__index_read_free(doppel_index *x)
{
	free(x->got_block);
	x->got_block = NULL;
	free(x->rm);
	x->rm = NULL;
	x->nrm = x->rmcap = 0;
	free(x->rpass);
	x->rpass = NULL;
	x->nrpass = x->rpasscap = 0;
	free(x->si);
	x->si = NULL;
	x->nsi = x->sicap = 0;
	doppel__stories_free(&x->st);
	for (size_t i = 0; i < 2; i++) {
		sqlite3_finalize(x->st_label[i]);
		x->st_label[i] = NULL;
	}
}

const char *doppel__index_keep(doppel_index *x, const char *s)
{
	if (!s)
		return NULL;
	char *c = doppel__strdup(s);
	if (!c ||
	    doppel__grow((void **)&x->owned, &x->ownedcap, x->nowned + 1, sizeof(*x->owned))) {
		free(c);
		return NULL;
	}
	x->owned[x->nowned++] = c;
	return c;
}

void doppel__index_drop_kept(doppel_index *x)
{
	for (size_t i = 0; i < x->nowned; i++)
		free(x->owned[i]);
	x->nowned = 0;
}

static int prepare(doppel_index *x, sqlite3_stmt **st, const char *sql)
{
	if (sqlite3_prepare_v2(doppel__store_db(x->store), sql, -1, st, NULL) != SQLITE_OK)
		return doppel__store_error(x->store, "reading the index", x->err);
	return DOPPEL_OK;
}

/* A text column kept until the next call. */
static const char *keep_col(doppel_index *x, sqlite3_stmt *st, int col, int *rc)
{
	const char *s = (const char *)sqlite3_column_text(st, col);
	if (!s)
		return NULL;
	const char *k = doppel__index_keep(x, s);
	if (!k)
		*rc = DOPPEL_E_NOMEM;
	return k;
}

static int32_t date_col(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL
	               ? DOPPEL_NO_DATE
	               : (int32_t)sqlite3_column_int(st, col);
}

/* Asked twice for every article added: the statement is kept. */
const char *doppel__index_label(doppel_index *x, bool story, int64_t num)
{
	sqlite3_stmt **st = &x->st_label[story];
	if (!num || (!*st && prepare(x, st,
	                             story ? "SELECT label FROM stories WHERE num = ?"
	                                   : "SELECT label FROM events WHERE num = ?")))
		return NULL;
	sqlite3_bind_int64(*st, 1, num);
	const char *s = NULL;
	int rc = DOPPEL_OK;
	if (sqlite3_step(*st) == SQLITE_ROW)
		s = keep_col(x, *st, 0, &rc);
	sqlite3_reset(*st);
	return s;
}

/* Starts a read call: what the last one returned is released. */
static void begin_read(doppel_index *x)
{
	doppel__index_drop_kept(x);
	x->nres = 0;
}

int doppel_index_get(doppel_index *x, const char *id, doppel_stored *out)
{
	begin_read(x);
	free(x->got_block);
	x->got_block = NULL;
	sqlite3_stmt *st = NULL;
	int rc = prepare(x, &st,
	                 "SELECT a.num, a.id, a.title, a.date, a.source, a.url, a.words,"
	                 " a.added, e.label, s.label FROM articles a"
	                 " LEFT JOIN events e ON e.num = a.event"
	                 " LEFT JOIN stories s ON s.num = e.story WHERE a.id = ?");
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step != SQLITE_ROW) {
		rc = step == SQLITE_DONE
		             ? DOPPEL_E_NOTFOUND
		             : doppel__store_error(x->store, "reading an article", x->err);
		if (rc == DOPPEL_E_NOTFOUND)
			doppel__errf(x->err, "no article %s", id);
		sqlite3_finalize(st);
		return rc;
	}
	memset(out, 0, sizeof(*out));
	int64_t num = sqlite3_column_int64(st, 0);
	doppel_article *a = &out->article;
	a->id = keep_col(x, st, 1, &rc);
	a->title = keep_col(x, st, 2, &rc);
	a->date = date_col(st, 3);
	a->source = keep_col(x, st, 4, &rc);
	a->url = keep_col(x, st, 5, &rc);
	out->words = (uint32_t)sqlite3_column_int64(st, 6);
	out->added = sqlite3_column_int64(st, 7);
	out->event = keep_col(x, st, 8, &rc);
	out->story = keep_col(x, st, 9, &rc);
	sqlite3_finalize(st);
	if (rc) {
		doppel__errf(x->err, "out of memory");
		return rc;
	}
	char *source = NULL;
	size_t len = 0;
	if ((rc = doppel__store_text(x->store, num, &x->got_block, &len, &source, x->err)))
		return rc;
	free(source);
	a->text = x->got_block;
	a->text_len = len;
	return DOPPEL_OK;
}

/* Fills the next match of x->rm from a row of doppel_index_relations()'s
 * query, for an article of event; its passages go to x->rpass, their
 * first at poff[x->nrm - 1]. */
static int relation_row(doppel_index *x, sqlite3_stmt *st, int64_t event, size_t **poff,
                        size_t *poffcap)
{
	int rc = DOPPEL_OK;
	if (doppel__grow((void **)&x->rm, &x->rmcap, x->nrm + 1, sizeof(*x->rm)))
		return DOPPEL_E_NOMEM;
	doppel_match *m = &x->rm[x->nrm++];
	memset(m, 0, sizeof(*m));
	m->id = keep_col(x, st, 0, &rc);
	m->title = keep_col(x, st, 1, &rc);
	m->date = date_col(st, 2);
	m->relation = (doppel_relation)sqlite3_column_int(st, 3);
	m->basis = (doppel_basis)sqlite3_column_int(st, 4);
	if (m->basis != DOPPEL_BASIS_NONE)
		m->direction = sqlite3_column_int(st, 5) ? DOPPEL_DIR_TO : DOPPEL_DIR_FROM;
	m->jaccard = sqlite3_column_double(st, 6);
	m->containment = sqlite3_column_double(st, 7);
	m->aligned = sqlite3_column_double(st, 8);
	m->anchors = sqlite3_column_double(st, 9);
	m->names = sqlite3_column_double(st, 10);
	m->topic = sqlite3_column_double(st, 11);
	/* Two articles an event put together since report one event. */
	if (m->relation == DOPPEL_REL_SAME_STORY && event &&
	    sqlite3_column_int64(st, 12) == event)
		m->relation = DOPPEL_REL_SAME_EVENT;
	/* Passages as stored: a is the row's a, the article added later. */
	if (doppel__grow((void **)poff, poffcap, x->nrm, sizeof(**poff)))
		return DOPPEL_E_NOMEM;
	size_t first = (*poff)[x->nrm - 1] = x->nrpass;
	const uint8_t *blob = sqlite3_column_blob(st, 14);
	int prc = doppel__passages_unpack(blob, blob ? (size_t)sqlite3_column_bytes(st, 14) : 0,
	                                  sqlite3_column_int(st, 13) == 0, &x->rpass,
	                                  &x->nrpass, &x->rpasscap);
	if (prc == DOPPEL_E_NOMEM ||
	    doppel__grow((void **)&x->rpass, &x->rpasscap, x->nrpass + 1, sizeof(*x->rpass)))
		return DOPPEL_E_NOMEM;
	if (prc)
		x->nrpass = first; /* damaged: none shown */
	m->npassages = x->nrpass - first;
	/* NULL: passages were not looked for; an empty blob: none found */
	m->passages = sqlite3_column_type(st, 14) == SQLITE_BLOB ? x->rpass : NULL;
	return rc;
}

int doppel_index_relations(doppel_index *x, const char *id, size_t *count,
                           const doppel_match **out)
{
	begin_read(x);
	*count = 0;
	*out = NULL;
	x->nrm = 0;
	sqlite3_stmt *st = NULL;
	int rc = prepare(x, &st, "SELECT num, event FROM articles WHERE id = ?");
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	int64_t num = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	int64_t event = step == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
	sqlite3_finalize(st);
	if (step == SQLITE_DONE) {
		doppel__errf(x->err, "no article %s", id);
		return DOPPEL_E_NOTFOUND;
	}
	if (step != SQLITE_ROW)
		return doppel__store_error(x->store, "reading relations", x->err);
	/* Rows where it is a (added later than b) and where it is b. */
	if ((rc = prepare(x, &st,
	                  doppel__store_has_passages(x->store)
	                          ? "SELECT o.id, o.title, o.date, r.relation, r.basis,"
	                            " r.a_source = r.side, r.jaccard, r.containment, r.aligned,"
	                            " r.anchors, r.names, r.topic, o.event, r.side, r.passages"
	                            " FROM (SELECT *, 1 AS side, b AS other FROM relations"
	                            "  WHERE a = ?1 UNION ALL"
	                            "  SELECT *, 0 AS side, a AS other FROM relations"
	                            "  WHERE b = ?1) r JOIN articles o ON o.num = r.other"
	                          : "SELECT o.id, o.title, o.date, r.relation, r.basis,"
	                            " r.a_source = r.side, r.jaccard, r.containment, r.aligned,"
	                            " r.anchors, r.names, r.topic, o.event, r.side, NULL"
	                            " FROM (SELECT *, 1 AS side, b AS other FROM relations"
	                            "  WHERE a = ?1 UNION ALL"
	                            "  SELECT *, 0 AS side, a AS other FROM relations"
	                            "  WHERE b = ?1) r JOIN articles o ON o.num = r.other")))
		return rc;
	sqlite3_bind_int64(st, 1, num);
	size_t *poff = NULL, poffcap = 0;
	x->nrpass = 0;
	while (rc == DOPPEL_OK && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = relation_row(x, st, event, &poff, &poffcap);
	for (size_t k = 0; rc == DOPPEL_OK && k < x->nrm; k++)
		if (x->rm[k].passages)
			x->rm[k].passages = x->rpass + poff[k];
	free(poff);
	if (rc == DOPPEL_OK && step != SQLITE_DONE)
		rc = doppel__store_error(x->store, "reading relations", x->err);
	sqlite3_finalize(st);
	if (rc == DOPPEL_E_NOMEM)
		doppel__errf(x->err, "out of memory");
	if (rc)
		return rc;
	if (x->nrm > 1)
		qsort(x->rm, x->nrm, sizeof(*x->rm), doppel__match_cmp);
	*count = x->nrm;
	*out = x->rm;
	return DOPPEL_OK;
}

int doppel_index_stories(doppel_index *x, int32_t since, size_t limit, size_t *count,
                         const doppel_story_info **out)
{
	begin_read(x);
	*count = 0;
	*out = NULL;
	x->nsi = 0;
	sqlite3_stmt *st = NULL;
	int rc = prepare(x, &st,
	                 "SELECT label, title, first, last, events, articles FROM stories"
	                 " WHERE articles >= 2 AND (?1 IS NULL OR last >= ?1)"
	                 " ORDER BY first IS NULL, first, label LIMIT ?2");
	if (rc)
		return rc;
	if (since != DOPPEL_NO_DATE)
		sqlite3_bind_int(st, 1, since);
	sqlite3_bind_int64(st, 2, limit ? (sqlite3_int64)limit : -1);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (doppel__grow((void **)&x->si, &x->sicap, x->nsi + 1, sizeof(*x->si))) {
			rc = DOPPEL_E_NOMEM;
			break;
		}
		doppel_story_info *s = &x->si[x->nsi++];
		s->id = keep_col(x, st, 0, &rc);
		s->title = keep_col(x, st, 1, &rc);
		s->first = date_col(st, 2);
		s->last = date_col(st, 3);
		s->events = (size_t)sqlite3_column_int64(st, 4);
		s->articles = (size_t)sqlite3_column_int64(st, 5);
	}
	if (rc == DOPPEL_OK && step != SQLITE_DONE)
		rc = doppel__store_error(x->store, "reading stories", x->err);
	sqlite3_finalize(st);
	if (rc == DOPPEL_E_NOMEM)
		doppel__errf(x->err, "out of memory");
	if (rc)
		return rc;
	*count = x->nsi;
	*out = x->si;
	return DOPPEL_OK;
}

/* ---------------------------------------------------------------- story */

/* A member of a story being assembled. */
struct smem {
	int64_t num, event;
	const char *id, *title, *elabel;
	int32_t date;
	uint32_t words;
	uint32_t degree; /* derivations it takes part in */
};

/* A relation inside one event of a story, by article number. */
struct sedge {
	int64_t a, b;
	doppel_relation relation;
	doppel_basis basis;
	bool a_source;
};

/* Members by event, the origin of each first (date, derivations, words,
 * id), then the others by date and id. */
static int smem_cmp(const void *pa, const void *pb)
{
	const struct smem *a = pa, *b = pb;
	if (a->event != b->event)
		return a->event < b->event ? -1 : 1;
	int d = doppel__date_cmp(a->date, b->date);
	if (d)
		return d;
	if (a->degree != b->degree)
		return a->degree > b->degree ? -1 : 1;
	if (a->words != b->words)
		return a->words > b->words ? -1 : 1;
	return strcmp(a->id, b->id);
}

static struct smem *find_member(struct smem *m, size_t n, int64_t num)
{
	for (size_t i = 0; i < n; i++)
		if (m[i].num == num)
			return &m[i];
	return NULL;
}

/* Events in date order of their origins, then by id. */
static int event_cmp(const void *pa, const void *pb)
{
	const doppel_event *a = pa, *b = pb;
	int d = doppel__date_cmp(a->date, b->date);
	return d ? d : strcmp(a->id, b->id);
}

/* The member's relation within its event [first, end) whose origin is
 * mem[first]: the derivation it takes part in as the derived side, the
 * one towards the origin first, the strongest then; else same event. */
static void member_relation(struct smem *mem, size_t first, size_t end, size_t k,
                            const struct sedge *edge, size_t nedge, doppel_event_member *m)
{
	const struct sedge *pick = NULL;
	int64_t pick_other = 0, self = mem[k].num, origin = mem[first].num;
	for (size_t e = 0; e < nedge; e++) {
		const struct sedge *g = &edge[e];
		if (!doppel__is_derivation(g->relation) || (g->a != self && g->b != self))
			continue;
		bool self_a = g->a == self;
		int64_t other = self_a ? g->b : g->a;
		if (g->basis != DOPPEL_BASIS_NONE && self_a == g->a_source)
			continue; /* it is the source */
		bool to_origin = other == origin;
		bool better = !pick || to_origin > (pick_other == origin) ||
		              (to_origin == (pick_other == origin) &&
		               doppel__stronger(g->relation, pick->relation));
		if (better) {
			pick = g;
			pick_other = other;
		}
	}
	m->relation = DOPPEL_REL_SAME_EVENT;
	if (pick) {
		const struct smem *o = find_member(mem + first, end - first, pick_other);
		m->relation = pick->relation;
		m->of = o ? o->id : NULL;
	}
}

/* The number of the story labelled id: DOPPEL_E_NOTFOUND when none is. */
static int story_num(doppel_index *x, const char *id, int64_t *story)
{
	sqlite3_stmt *st = NULL;
	int step, rc = prepare(x, &st, "SELECT num FROM stories WHERE label = ?");
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	*story = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (step == SQLITE_DONE) {
		doppel__errf(x->err, "no story %s", id);
		return DOPPEL_E_NOTFOUND;
	}
	if (step != SQLITE_ROW)
		return doppel__store_error(x->store, "reading a story", x->err);
	return DOPPEL_OK;
}

/* The articles of story, in *mem (its strings kept by x). */
static int read_members(doppel_index *x, int64_t story, struct smem **mem, size_t *nmem)
{
	size_t memcap = 0;
	sqlite3_stmt *st = NULL;
	int step, rc;
	if ((rc = prepare(x, &st,
	                  "SELECT a.num, a.event, a.id, a.title, a.date, a.words, e.label"
	                  " FROM events e JOIN articles a ON a.event = e.num"
	                  " WHERE e.story = ? ORDER BY a.num")))
		return rc;
	sqlite3_bind_int64(st, 1, story);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (doppel__grow((void **)mem, &memcap, *nmem + 1, sizeof(**mem))) {
			rc = DOPPEL_E_NOMEM;
			break;
		}
		struct smem *m = &(*mem)[(*nmem)++];
		memset(m, 0, sizeof(*m));
		m->num = sqlite3_column_int64(st, 0);
		m->event = sqlite3_column_int64(st, 1);
		m->id = keep_col(x, st, 2, &rc);
		m->title = keep_col(x, st, 3, &rc);
		m->date = date_col(st, 4);
		m->words = (uint32_t)sqlite3_column_int64(st, 5);
		m->elabel = keep_col(x, st, 6, &rc);
	}
	if (rc == DOPPEL_OK && step != SQLITE_DONE)
		rc = doppel__store_error(x->store, "reading a story", x->err);
	sqlite3_finalize(st);
	return rc;
}

/* The relations that stay inside one event of story, in *edge; each
 * derivation counts in the degree of both its members. */
static int read_edges(doppel_index *x, int64_t story, struct smem *mem, size_t nmem,
                      struct sedge **edge, size_t *nedge)
{
	size_t edgecap = 0;
	sqlite3_stmt *st = NULL;
	int step, rc;
	if ((rc = prepare(
		     x, &st,
		     "SELECT r.a, r.b, r.relation, r.basis, r.a_source FROM relations r"
		     " JOIN articles p ON p.num = r.a JOIN articles q ON q.num = r.b"
		     " JOIN events e ON e.num = p.event"
		     " WHERE e.story = ? AND p.event = q.event AND r.relation IN (1, 2, 3, 4, 6)")))
		return rc;
	sqlite3_bind_int64(st, 1, story);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (doppel__grow((void **)edge, &edgecap, *nedge + 1, sizeof(**edge))) {
			rc = DOPPEL_E_NOMEM;
			break;
		}
		struct sedge *g = &(*edge)[(*nedge)++];
		*g = (struct sedge){sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
		                    (doppel_relation)sqlite3_column_int(st, 2),
		                    (doppel_basis)sqlite3_column_int(st, 3),
		                    sqlite3_column_int(st, 4) != 0};
		struct smem *a = find_member(mem, nmem, g->a),
			    *b = find_member(mem, nmem, g->b);
		if (a && b && doppel__is_derivation(g->relation)) {
			a->degree++;
			b->degree++;
		}
	}
	if (rc == DOPPEL_OK && step != SQLITE_DONE)
		rc = doppel__store_error(x->store, "reading a story", x->err);
	sqlite3_finalize(st);
	return rc;
}

/* The members i..j of one event after its origin (mem[i]): by date, then
 * id. */
static void order_after_origin(struct smem *mem, size_t i, size_t j)
{
	for (size_t p = i + 2; p < j; p++) {
		struct smem v = mem[p];
		size_t q = p;
		while (q > i + 1) {
			int d = doppel__date_cmp(mem[q - 1].date, v.date);
			if (d < 0 || (d == 0 && strcmp(mem[q - 1].id, v.id) <= 0))
				break;
			mem[q] = mem[q - 1];
			q--;
		}
		mem[q] = v;
	}
}

/* Fills x->st with the one story labelled id, from its members (sorted by
 * event, origin first) and their relations. */
static int build_story(doppel_index *x, const char *id, struct smem *mem, size_t nmem,
                       const struct sedge *edge, size_t nedge)
{
	size_t nev = 0;
	for (size_t i = 0; i < nmem; i++)
		nev += i == 0 || mem[i].event != mem[i - 1].event;
	doppel__stories *s = &x->st;
	s->story = calloc(1, sizeof(*s->story));
	s->event = calloc(nev + 1, sizeof(*s->event));
	s->member = calloc(nmem + 1, sizeof(*s->member));
	if (!s->story || !s->event || !s->member)
		return DOPPEL_E_NOMEM;
	for (size_t i = 0; i < nmem;) {
		size_t j = i + 1;
		while (j < nmem && mem[j].event == mem[i].event)
			j++;
		order_after_origin(mem, i, j);
		doppel_event *ev = &s->event[s->nevent++];
		ev->id = mem[i].elabel ? mem[i].elabel : mem[i].id;
		ev->date = mem[i].date;
		ev->count = j - i;
		ev->members = &s->member[s->nmember];
		for (size_t k = i; k < j; k++) {
			doppel_event_member *m = &s->member[s->nmember++];
			m->id = mem[k].id;
			m->title = mem[k].title;
			m->date = mem[k].date;
			m->relation = DOPPEL_REL_NONE;
			if (k > i)
				member_relation(mem, i, j, k, edge, nedge, m);
		}
		i = j;
	}
	qsort(s->event, s->nevent, sizeof(*s->event), event_cmp);
	s->nstory = 1;
	s->story->id = doppel__index_keep(x, id);
	s->story->count = s->nevent;
	s->story->events = s->event;
	s->story->articles = nmem;
	return s->story->id ? DOPPEL_OK : DOPPEL_E_NOMEM;
}

int doppel_index_story(doppel_index *x, const char *id, doppel_story *out)
{
	begin_read(x);
	doppel__stories_free(&x->st);
	struct smem *mem = NULL;
	struct sedge *edge = NULL;
	size_t nmem = 0, nedge = 0;
	int64_t story;
	int rc = story_num(x, id, &story);
	if (rc)
		return rc;
	if ((rc = read_members(x, story, &mem, &nmem)) == DOPPEL_OK &&
	    (rc = read_edges(x, story, mem, nmem, &edge, &nedge)) == DOPPEL_OK) {
		if (nmem)
			qsort(mem, nmem, sizeof(*mem), smem_cmp);
		if ((rc = build_story(x, id, mem, nmem, edge, nedge)) == DOPPEL_OK)
			*out = *x->st.story;
	}
	if (rc == DOPPEL_E_NOMEM)
		doppel__errf(x->err, "out of memory");
	free(mem);
	free(edge);
	return rc;
}
