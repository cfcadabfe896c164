/*
 * test_explain_index.c — doppel_index_explain(): two stored articles of
 * DESIGN.md's scenario explained through a writer handle and through a
 * read-only lazy one. The relation, direction and figures are the stored
 * ones where the index stores a relation (B and C are siblings for the
 * index, though alone they look like a rewrite), measured ones elsewhere;
 * WordNet is loaded once per handle, or not at all when the handle holds
 * it; the signatures are never loaded for it.
 */
#include "testutil.h"

#include "engine.h"

static int setup(void **state)
{
	return test_db_setup(state, "explain.db");
}

static const char *const ids[] = {"a-wire", "b-spun", "c-rewrite", "d-independent",
                                  "e-earlier"};

/* The scenario's articles, in the order of ids[]. */
static doppel_batch *scenario(void)
{
	doppel_reader *r = doppel_reader_new(NULL);
	assert_int_equal(doppel_reader_add_path(r, test_data("scenario")), DOPPEL_OK);
	doppel_batch *b = doppel_batch_new();
	doppel_article a;
	while (doppel_reader_next(r, &a) == DOPPEL_OK)
		assert_int_equal(doppel_batch_push(b, &a), DOPPEL_OK);
	doppel_reader_free(r);
	assert_int_equal(doppel_batch_count(b), 5);
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(doppel_batch_article(b, i)->id, ids[i]);
	return b;
}

/* Adds the scenario one article a batch, in date order, as a stream does,
 * plus "a-copy", the wire report again under another id. */
static void add_scenario(doppel_index *x)
{
	static const size_t order[] = {4, 0, 1, 2, 3};
	doppel_batch *all = scenario(), *one = doppel_batch_new();
	for (size_t k = 0; k < 5; k++) {
		doppel_batch_clear(one);
		assert_int_equal(doppel_batch_push(one, doppel_batch_article(all, order[k])),
		                 DOPPEL_OK);
		assert_int_equal(doppel_index_add(x, one, DOPPEL_DUP_ERROR), DOPPEL_OK);
	}
	doppel_article copy = *doppel_batch_article(all, 0);
	copy.id = "a-copy";
	doppel_batch_clear(one);
	assert_int_equal(doppel_batch_push(one, &copy), DOPPEL_OK);
	assert_int_equal(doppel_index_add(x, one, DOPPEL_DUP_ERROR), DOPPEL_OK);
	doppel_batch_free(one);
	doppel_batch_free(all);
}

/* The stored relation of id with other, seen from id, copied: NULL when
 * there is none. */
static bool stored_relation(doppel_index *x, const char *id, const char *other,
                            doppel_match *out)
{
	size_t n;
	const doppel_match *m;
	assert_int_equal(doppel_index_relations(x, id, &n, &m), DOPPEL_OK);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(m[i].id, other)) {
			*out = m[i];
			return true;
		}
	return false;
}

static doppel_explanation *explain(doppel_index *x, const char *a, const char *b)
{
	doppel_explanation *e = NULL;
	int rc = doppel_index_explain(x, a, b, &e);
	if (rc)
		fail_msg("explain %s %s: %s", a, b, doppel_index_errmsg(x));
	assert_non_null(e);
	assert_string_equal(e->pair.a, a);
	assert_string_equal(e->pair.b, b);
	return e;
}

/* Every pair, both ways: a stored relation is reported as stored, with its
 * direction and figures; a pair without one is measured. */
static void check_pairs(doppel_index *x)
{
	size_t nstored = 0;
	for (size_t i = 0; i < 5; i++)
		for (size_t j = 0; j < 5; j++) {
			if (i == j)
				continue;
			doppel_match m;
			bool stored = stored_relation(x, ids[i], ids[j], &m);
			doppel_explanation *e = explain(x, ids[i], ids[j]);
			assert_int_equal(e->stored, stored);
			if (stored) {
				nstored++;
				assert_int_equal(e->pair.relation, m.relation);
				assert_int_equal(e->pair.basis, m.basis);
				int a_source = m.direction == DOPPEL_DIR_TO     ? 1
				               : m.direction == DOPPEL_DIR_FROM ? 0
				                                                : -1;
				assert_int_equal(e->a_source, a_source);
				assert_true(e->pair.jaccard == m.jaccard);
				assert_true(e->pair.containment == m.containment);
				assert_true(e->pair.aligned == m.aligned);
				assert_true(e->pair.anchors == m.anchors);
				assert_true(e->pair.names == m.names);
				assert_true(e->pair.topic == m.topic);
			}
			doppel_explanation_free(e);
		}
	assert_true(nstored >= 16);

	/* Siblings for the index, a rewrite for two articles alone. */
	doppel_explanation *e = explain(x, "b-spun", "c-rewrite");
	assert_int_equal(e->stored, 1);
	assert_int_equal(e->pair.relation, DOPPEL_REL_SAME_EVENT);
	assert_int_equal(e->a_source, -1);
	assert_true(e->naligned >= 3);
	doppel_explanation_free(e);

	e = explain(x, "c-rewrite", "a-wire");
	assert_int_equal(e->pair.relation, DOPPEL_REL_REWRITE);
	assert_int_equal(e->pair.basis, DOPPEL_BASIS_DATE);
	assert_int_equal(e->a_source, 0); /* b, the wire, is the source */
	assert_true(e->naligned >= 3);
	assert_true(e->nshared > 0);
	doppel_explanation_free(e);

	/* A duplicate found on word shingles: the index measured nothing else,
	 * the explanation measures the rest. */
	doppel_match m;
	assert_true(stored_relation(x, "a-copy", "a-wire", &m));
	assert_int_equal(m.relation, DOPPEL_REL_DUPLICATE);
	assert_true(m.aligned == 0 && m.topic == 0);
	e = explain(x, "a-copy", "a-wire");
	assert_int_equal(e->stored, 1);
	assert_int_equal(e->pair.relation, DOPPEL_REL_DUPLICATE);
	assert_true(e->pair.jaccard == m.jaccard);
	assert_true(e->pair.aligned > 0.99);
	assert_true(e->pair.topic > 0.99);
	assert_int_equal(e->nonly_a, 0);
	doppel_explanation_free(e);
}

/* The pair the index stores nothing for is measured as doppel_explain()
 * measures the two articles. */
static void check_unstored(doppel_index *x)
{
	doppel_match m;
	assert_false(stored_relation(x, "d-independent", "e-earlier", &m));
	doppel_explanation *e = explain(x, "d-independent", "e-earlier");
	assert_int_equal(e->stored, 0);

	doppel_batch *b = scenario();
	doppel_params p;
	doppel_index_params(x, &p);
	doppel_explanation *alone = NULL;
	char err[256];
	int rc = doppel_explain(&p, doppel_batch_article(b, 3), doppel_batch_article(b, 4), &alone,
	                        err, sizeof(err));
	assert_int_equal(rc, DOPPEL_OK);
	assert_int_equal(alone->stored, 0);
	assert_int_equal(e->pair.relation, alone->pair.relation);
	assert_true(e->pair.jaccard == alone->pair.jaccard);
	assert_true(e->pair.topic == alone->pair.topic);
	assert_int_equal(e->naligned, alone->naligned);
	assert_int_equal(e->nshared, alone->nshared);
	doppel_explanation_free(alone);
	doppel_explanation_free(e);
	doppel_batch_free(b);
}

static void check_unknown(doppel_index *x)
{
	doppel_explanation *e = (doppel_explanation *)&e;
	assert_int_equal(doppel_index_explain(x, "a-wire", "nope", &e), DOPPEL_E_NOTFOUND);
	assert_null(e);
	assert_string_equal(doppel_index_errmsg(x), "b: no article nope");
	assert_int_equal(doppel_index_explain(x, "nope", "a-wire", &e), DOPPEL_E_NOTFOUND);
	assert_string_equal(doppel_index_errmsg(x), "a: no article nope");
	assert_int_equal(doppel_index_explain(x, "a-wire", NULL, &e), DOPPEL_E_ARG);
	assert_int_equal(doppel_index_explain(NULL, "a-wire", "b-spun", &e), DOPPEL_E_ARG);
}

/* A writer that adds rewrites holds WordNet: explaining loads none. */
static void test_writer(void **state)
{
	struct test_db *f = *state;
	doppel_index *x = test_open_index(f->db, DOPPEL_FIND_ALL, DOPPEL_OPEN_CREATE);
	add_scenario(x);
	assert_non_null(x->wn);
	check_unknown(x);
	check_pairs(x);
	check_unstored(x);
	assert_null(x->xwn);
	assert_int_equal(x->xloads, 0);
	doppel_index_close(x);
}

/* A read-only lazy handle loads WordNet on the first explanation, once,
 * and never the signatures. */
static void test_lazy_reader(void **state)
{
	struct test_db *f = *state;
	doppel_index *w = test_open_index(f->db, DOPPEL_FIND_ALL, DOPPEL_OPEN_CREATE);
	add_scenario(w);
	doppel_index_close(w);

	unsigned lazy = DOPPEL_OPEN_READONLY | DOPPEL_OPEN_LAZY;
	doppel_index *r = test_open_index(f->db, DOPPEL_FIND_ALL, lazy);
	check_unknown(r);
	assert_int_equal(r->xloads, 0); /* an unknown id costs no WordNet */
	doppel_explanation *e = explain(r, "a-wire", "b-spun");
	assert_int_equal(e->stored, 1);
	assert_int_equal(e->pair.relation, DOPPEL_REL_REWRITE);
	assert_int_equal(e->a_source, 1);
	doppel_explanation_free(e);
	assert_int_equal(r->xloads, 1);
	const void *wn = r->xwn;
	assert_non_null(wn);
	check_pairs(r);
	check_unstored(r);
	assert_int_equal(r->xloads, 1);
	assert_ptr_equal(r->xwn, wn);
	assert_false(r->loaded);
	assert_null(r->wn);
	doppel_index_close(r);
}

/* A writer of duplicates and copies only has no WordNet: it loads its
 * own for explaining, once, and still reports what it stores. */
static void test_copies_only(void **state)
{
	struct test_db *f = *state;
	doppel_index *x =
		test_open_index(f->db, DOPPEL_FIND_DUPLICATE | DOPPEL_FIND_COPY, DOPPEL_OPEN_CREATE);
	add_scenario(x);
	assert_null(x->wn);
	doppel_explanation *e = explain(x, "a-wire", "a-copy");
	assert_int_equal(e->stored, 1);
	assert_int_equal(e->pair.relation, DOPPEL_REL_DUPLICATE);
	doppel_explanation_free(e);
	e = explain(x, "a-wire", "c-rewrite");
	assert_int_equal(e->stored, 0);
	assert_int_equal(e->pair.relation, DOPPEL_REL_NONE); /* not looked for */
	assert_true(e->naligned >= 3);                         /* but aligned */
	doppel_explanation_free(e);
	assert_int_equal(x->xloads, 1);
	doppel_index_close(x);

	/* Without WordNet data: an I/O error, not an unknown article. */
	doppel_params p;
	doppel_params_init(&p);
	p.wordnet_dir = f->dir;
	char err[256] = "";
	assert_int_equal(doppel_index_open(&x, f->db, &p, DOPPEL_OPEN_READONLY | DOPPEL_OPEN_LAZY,
	                                   err, sizeof(err)),
	                 DOPPEL_OK);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(doppel_index_explain(x, "a-wire", "a-copy", &e), DOPPEL_E_IO);
		assert_null(e);
		assert_non_null(strstr(doppel_index_errmsg(x), f->dir));
	}
	assert_int_equal(x->xloads, 0);
	doppel_index_close(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_writer, setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(test_lazy_reader, setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(test_copies_only, setup, test_db_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
