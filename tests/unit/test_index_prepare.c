/*
 * test_index_prepare.c — articles prepared ahead (doppel_index_prepare) on
 * another thread, while the index adds, come out exactly as articles the
 * add prepares itself; batches taken into one (doppel_batch_take) keep
 * what was prepared; a lazy handle prepares nothing.
 */
#include "corpus.h"

#include <pthread.h>

#include "internal.h"

enum { NORIG = 12, NART = 4 * NORIG + 5 };

struct fixture {
	char *dir;
	doppel_batch *all; /* every article, in the order they are added */
	char *text[4 * NORIG];
	char id[4 * NORIG][16];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	f->dir = test_tmpdir();
	f->all = doppel_batch_new();
	/* The scenario (rewrites, same-event reports, a storyline) ... */
	doppel_reader *r = doppel_reader_new(NULL);
	assert_int_equal(doppel_reader_add_path(r, test_data("scenario")), DOPPEL_OK);
	doppel_article a;
	while (doppel_reader_next(r, &a) == DOPPEL_OK)
		assert_int_equal(doppel_batch_push(f->all, &a), DOPPEL_OK);
	doppel_reader_free(r);
	/* ... then originals with copies, from two sources, so that the
	 * adds count lines while the other threads read the counts. No line
	 * repeats often enough to become boilerplate: an article prepared
	 * before an earlier one is added would not know it as such (the
	 * header says so), and the results could not be compared. */
	for (int i = 0; i < NORIG; i++) {
		char *orig = corpus_text((uint64_t)i + 900, 240);
		char *cut = corpus_cut(orig, 0.7);
		char tail[2][128];
		snprintf(tail[0], sizeof(tail[0]),
		         "Subscribe to our newsletter for the news of day %d.\n"
		         "Copyright the Morning Ledger, all rights kept, edition %d.", i, i);
		snprintf(tail[1], sizeof(tail[1]), "Read more reports from desk %d every morning.", i);
		char *more = corpus_join(orig, tail[0]);
		char *copy = corpus_join(cut, tail[1]);
		char *texts[4] = {orig, cut, more, copy};
		for (int k = 0; k < 4; k++) {
			int n = 4 * i + k;
			f->text[n] = texts[k];
			snprintf(f->id[n], sizeof(f->id[n]), "p%02d-%d", i, k);
			corpus_push(f->all, f->id[n], f->text[n], k == 1 ? NULL : "2024-03-01",
			            k % 2 ? "ledger" : "courier");
		}
	}
	assert_int_equal(doppel_batch_count(f->all), NART);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	for (int i = 0; i < 4 * NORIG; i++)
		free(f->text[i]);
	doppel_batch_free(f->all);
	test_rmdir(f->dir);
	free(f);
	return 0;
}

static doppel_index *open_db(struct fixture *f, const char *name, unsigned flags)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	doppel_params p;
	doppel_params_init(&p);
	p.threads = 2;
	p.boilerplate_min = 3;
	doppel_index *x = NULL;
	char err[256] = "";
	if (doppel_index_open(&x, path, &p, flags, err, sizeof(err)))
		fail_msg("open %s: %s", path, err);
	return x;
}

/* One line per result: outcome, words, event, story, then every match. */
static void describe(doppel_index *x, size_t n, char *out, size_t cap, size_t *len)
{
	for (size_t i = 0; i < n; i++) {
		doppel_result r;
		assert_int_equal(doppel_index_result(x, i, &r), DOPPEL_OK);
		*len += (size_t)snprintf(out + *len, cap - *len, "%s %d %u %s %s:", r.id,
		                         (int)r.outcome, r.words, r.event ? r.event : "-",
		                         r.story ? r.story : "-");
		for (size_t m = 0; m < r.count; m++) {
			const doppel_match *mt = &r.matches[m];
			*len += (size_t)snprintf(out + *len, cap - *len, " %s/%d/%d/%.4f/%.4f/%.4f",
			                         mt->id, (int)mt->relation, (int)mt->direction,
			                         mt->jaccard, mt->containment, mt->aligned);
		}
		*len += (size_t)snprintf(out + *len, cap - *len, "\n");
		assert_true(*len < cap);
	}
}

/* Fails naming the first line where got and want differ. */
static void same_lines(const char *got, const char *want)
{
	size_t line = 1;
	while (*got && *got == *want) {
		line += *got == '\n';
		got++;
		want++;
	}
	if (*got || *want) {
		while (line > 1 && got[-1] != '\n') {
			got--;
			want--;
		}
		fail_msg("result line %zu differs:\n got: %.300s\nwant: %.300s", line, got, want);
	}
}

/* The articles [from, to) of the fixture as a new batch. */
static doppel_batch *slice(const struct fixture *f, size_t from, size_t to)
{
	doppel_batch *b = doppel_batch_new();
	for (size_t i = from; i < to; i++)
		assert_int_equal(doppel_batch_push(b, doppel_batch_article(f->all, i)), DOPPEL_OK);
	return b;
}

enum { CAP = 1 << 18 };

/* The reference: one article a batch, each prepared by the add. */
static char *reference(struct fixture *f)
{
	doppel_index *x = open_db(f, "plain.db", DOPPEL_OPEN_CREATE);
	char *out = malloc(CAP);
	size_t len = 0;
	for (size_t i = 0; i < NART; i++) {
		doppel_batch *b = slice(f, i, i + 1);
		assert_int_equal(doppel_index_add(x, b, DOPPEL_DUP_ERROR), DOPPEL_OK);
		describe(x, 1, out, CAP, &len);
		doppel_batch_free(b);
	}
	doppel_index_close(x);
	return out;
}

struct producer {
	doppel_index *x;
	doppel_batch *b[NART];
	size_t ready; /* batches prepared so far */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int rc;
};

static void *prepare_all(void *arg)
{
	struct producer *pr = arg;
	for (size_t i = 0; i < NART; i++) {
		int rc = doppel_index_prepare(pr->x, pr->b[i]);
		pthread_mutex_lock(&pr->mu);
		if (rc)
			pr->rc = rc;
		pr->ready = i + 1;
		pthread_cond_signal(&pr->cv);
		pthread_mutex_unlock(&pr->mu);
	}
	return NULL;
}

/* Two threads prepare (each every other article) while this one adds, as
 * soon as an article is prepared; results equal the reference's. */
static void test_prepared_on_other_threads(void **state)
{
	struct fixture *f = *state;
	char *want = reference(f);
	doppel_index *x = open_db(f, "prepared.db", DOPPEL_OPEN_CREATE);
	struct producer pr[2];
	pthread_t t[2];
	for (int k = 0; k < 2; k++) {
		memset(&pr[k], 0, sizeof(pr[k]));
		pr[k].x = x;
		pthread_mutex_init(&pr[k].mu, NULL);
		pthread_cond_init(&pr[k].cv, NULL);
	}
	/* Thread k prepares the articles i with i % 2 == k; the others of
	 * its list are empty batches. */
	for (size_t i = 0; i < NART; i++)
		for (int k = 0; k < 2; k++)
			pr[k].b[i] = (int)(i % 2) == k ? slice(f, i, i + 1) : doppel_batch_new();
	for (int k = 0; k < 2; k++)
		assert_int_equal(pthread_create(&t[k], NULL, prepare_all, &pr[k]), 0);
	char *got = malloc(CAP);
	size_t len = 0, used = 0;
	for (size_t i = 0; i < NART; i++) {
		struct producer *p = &pr[i % 2];
		pthread_mutex_lock(&p->mu);
		while (p->ready <= i)
			pthread_cond_wait(&p->cv, &p->mu);
		pthread_mutex_unlock(&p->mu);
		doppel__pre *pre = doppel__batch_pre(p->b[i], 0);
		assert_non_null(pre);
		assert_ptr_equal(pre->owner, x);
		assert_int_equal(doppel_index_add(x, p->b[i], DOPPEL_DUP_ERROR), DOPPEL_OK);
		/* used up by the add */
		used += doppel__batch_pre(p->b[i], 0)->owner == NULL;
		describe(x, 1, got, CAP, &len);
	}
	for (int k = 0; k < 2; k++) {
		pthread_join(t[k], NULL);
		assert_int_equal(pr[k].rc, DOPPEL_OK);
		for (size_t i = 0; i < NART; i++)
			doppel_batch_free(pr[k].b[i]);
		pthread_mutex_destroy(&pr[k].mu);
		pthread_cond_destroy(&pr[k].cv);
	}
	assert_int_equal(used, NART);
	same_lines(got, want);
	doppel_index_close(x);
	free(got);
	free(want);
}

/* Batches prepared apart and taken into one add as one batch, as the
 * server groups POSTs: the same results, and every article prepared. */
static void test_take_keeps_prepared(void **state)
{
	struct fixture *f = *state;
	doppel_index *x = open_db(f, "taken.db", DOPPEL_OPEN_CREATE);
	doppel_batch *parts[3] = {slice(f, 0, 2), slice(f, 2, 3), slice(f, 3, 7)};
	doppel_batch *merged = doppel_batch_new();
	for (int k = 0; k < 3; k++) {
		assert_int_equal(doppel_index_prepare(x, parts[k]), DOPPEL_OK);
		assert_int_equal(doppel_batch_take(merged, parts[k]), DOPPEL_OK);
		assert_int_equal(doppel_batch_count(parts[k]), 0);
	}
	assert_int_equal(doppel_batch_count(merged), 7);
	for (size_t i = 0; i < 7; i++) {
		assert_string_equal(doppel_batch_article(merged, i)->id,
		                    doppel_batch_article(f->all, i)->id);
		assert_non_null(doppel__batch_pre(merged, i));
		assert_ptr_equal(doppel__batch_pre(merged, i)->owner, x);
	}
	assert_int_equal(doppel_batch_take(merged, merged), DOPPEL_E_ARG);
	/* an emptied batch adds nothing; an empty one takes nothing */
	assert_int_equal(doppel_batch_take(merged, parts[0]), DOPPEL_OK);
	assert_int_equal(doppel_batch_count(merged), 7);
	doppel_batch *none = doppel_batch_new();
	assert_int_equal(doppel_batch_take(none, parts[1]), DOPPEL_OK);
	assert_int_equal(doppel_batch_count(none), 0);
	doppel_batch_free(none);
	assert_int_equal(doppel_index_add(x, merged, DOPPEL_DUP_ERROR), DOPPEL_OK);
	char *got = malloc(CAP);
	size_t len = 0;
	describe(x, 7, got, CAP, &len);
	doppel_index_close(x);

	/* The same seven in one batch the add prepares itself. */
	x = open_db(f, "taken-plain.db", DOPPEL_OPEN_CREATE);
	doppel_batch *b = slice(f, 0, 7);
	assert_int_equal(doppel_index_add(x, b, DOPPEL_DUP_ERROR), DOPPEL_OK);
	char *want = malloc(CAP);
	len = 0;
	describe(x, 7, want, CAP, &len);
	same_lines(got, want);
	doppel_index_close(x);
	doppel_batch_free(b);
	for (int k = 0; k < 3; k++)
		doppel_batch_free(parts[k]);
	doppel_batch_free(merged);
	free(got);
	free(want);
}

/* Articles of one source ending with the same two lines, each prepared
 * just before its add: the lines they bring are counted as the add would
 * count them (the later ones find them boilerplate), and the stored texts
 * are the texts given. */
static void test_prepared_lines_and_texts(void **state)
{
	struct fixture *f = *state;
	enum { N = 8 };
	char *text[N], id[N][8];
	doppel_batch *b[N];
	for (int i = 0; i < N; i++) {
		char *body = corpus_text((uint64_t)i + 4000, 200);
		text[i] = corpus_join(body, "Subscribe to our newsletter for the news of the day.\n"
		                            "Copyright the Morning Ledger, all rights kept.");
		free(body);
		snprintf(id[i], sizeof(id[i]), "m%d", i);
		b[i] = doppel_batch_new();
		corpus_push(b[i], id[i], text[i], "2024-05-02", "ledger");
	}
	char *out[2];
	for (int run = 0; run < 2; run++) {
		doppel_index *x = open_db(f, run ? "lines-prepared.db" : "lines-plain.db",
		                          DOPPEL_OPEN_CREATE);
		out[run] = malloc(CAP);
		size_t len = 0;
		for (int i = 0; i < N; i++) {
			doppel_batch *one = doppel_batch_new();
			assert_int_equal(doppel_batch_push(one, doppel_batch_article(b[i], 0)), DOPPEL_OK);
			if (run)
				assert_int_equal(doppel_index_prepare(x, one), DOPPEL_OK);
			assert_int_equal(doppel_index_add(x, one, DOPPEL_DUP_ERROR), DOPPEL_OK);
			describe(x, 1, out[run], CAP, &len);
			doppel_batch_free(one);
		}
		for (int i = 0; i < N; i++) {
			doppel_stored st;
			assert_int_equal(doppel_index_get(x, id[i], &st), DOPPEL_OK);
			assert_int_equal(st.article.text_len, strlen(text[i]));
			assert_memory_equal(st.article.text, text[i], st.article.text_len);
		}
		doppel_index_close(x);
	}
	same_lines(out[1], out[0]);
	/* The lines became boilerplate: the last article counts fewer words
	 * than the first (their bodies are the same length), so lines were
	 * counted at all. */
	unsigned w0 = 0, w7 = 0;
	const char *l7 = strstr(out[0], "\nm7 ");
	assert_non_null(l7);
	assert_int_equal(sscanf(out[0], "m0 %*d %u", &w0), 1);
	assert_int_equal(sscanf(l7 + 1, "m7 %*d %u", &w7), 1);
	assert_true(w7 < w0);
	for (int i = 0; i < N; i++) {
		free(text[i]);
		doppel_batch_free(b[i]);
	}
	free(out[0]);
	free(out[1]);
}

/* A lazy handle, and a read-only one, prepare nothing; a batch prepared
 * for one handle is prepared again by another's add. (The lazy writer has
 * a database of its own: one writer per database.) */
static void test_prepare_needs_a_loaded_writer(void **state)
{
	struct fixture *f = *state;
	doppel_index *w = open_db(f, "lazy.db", DOPPEL_OPEN_CREATE);
	doppel_index *lazy = open_db(f, "lazy2.db", DOPPEL_OPEN_CREATE | DOPPEL_OPEN_LAZY);
	doppel_index *ro = open_db(f, "lazy.db", DOPPEL_OPEN_READONLY);
	doppel_batch *b = slice(f, 0, 3);
	assert_int_equal(doppel_index_prepare(lazy, b), DOPPEL_OK);
	assert_int_equal(doppel_index_prepare(ro, b), DOPPEL_OK);
	for (size_t i = 0; i < 3; i++)
		assert_null(doppel__batch_pre(b, i));
	assert_int_equal(doppel_index_prepare(NULL, b), DOPPEL_E_ARG);
	assert_int_equal(doppel_index_prepare(w, b), DOPPEL_OK);
	/* another handle's add does the work itself and leaves them */
	assert_int_equal(doppel_index_add(lazy, b, DOPPEL_DUP_ERROR), DOPPEL_OK);
	for (size_t i = 0; i < 3; i++)
		assert_ptr_equal(doppel__batch_pre(b, i)->owner, w);
	doppel_result r;
	assert_int_equal(doppel_index_result(lazy, 0, &r), DOPPEL_OK);
	assert_int_equal(r.outcome, DOPPEL_ADDED);
	doppel_batch_free(b);
	doppel_index_close(ro);
	doppel_index_close(lazy);
	doppel_index_close(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_prepared_on_other_threads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_take_keeps_prepared, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prepared_lines_and_texts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prepare_needs_a_loaded_writer, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
