/*
 * test_scan.c — grouping a corpus: relations, representatives, and results
 * that do not depend on input order or thread count.
 */
#include "corpus.h"

/* The planted corpus: 12 originals o0..o11 and derived articles. */
struct planted {
	char *orig[12];
	char *dup, *cut, *ext, *boiler, *extra;
};

static void plant(struct planted *p)
{
	for (int i = 0; i < 12; i++)
		p->orig[i] = corpus_text((uint64_t)i + 1, 400);
	/* o0 reprinted with an update stamp and a donation appeal. */
	char *t = corpus_join("Update: 2024-03-07 09:12 GMT", p->orig[0]);
	p->dup = corpus_join(t, "Support independent journalism: donate today.");
	free(t);
	p->cut = corpus_cut(p->orig[1], 0.55);
	p->extra = corpus_text(999, 200);
	p->ext = corpus_join(p->orig[2], p->extra);
	p->boiler = strdup("Share this article\nUpdate: 2024-01-01 10:00 GMT");
}

static void unplant(struct planted *p)
{
	for (int i = 0; i < 12; i++)
		free(p->orig[i]);
	free(p->dup);
	free(p->cut);
	free(p->ext);
	free(p->extra);
	free(p->boiler);
}

static const char *const orig_ids[12] = {"o0", "o1", "o2", "o3", "o4", "o5",
                                         "o6", "o7", "o8", "o9", "o10", "o11"};

/* Pushes the corpus in order (reverse = false) or reversed. */
static void push_corpus(doppel_batch *b, struct planted *p, bool reverse)
{
	const char *ids[17];
	const char *texts[17];
	const char *dates[17];
	int n = 0;
	for (int i = 0; i < 12; i++) {
		ids[n] = orig_ids[i];
		texts[n] = p->orig[i];
		dates[n++] = i == 0 ? "2024-03-05" : "2024-03-01";
	}
	ids[n] = "dup-of-o0";
	texts[n] = p->dup;
	dates[n++] = "2024-03-06";
	ids[n] = "cut-of-o1";
	texts[n] = p->cut;
	dates[n++] = "2024-03-02";
	ids[n] = "ext-of-o2";
	texts[n] = p->ext;
	dates[n++] = NULL;
	ids[n] = "only-boilerplate";
	texts[n] = p->boiler;
	dates[n++] = NULL;
	for (int i = 0; i < n; i++) {
		int j = reverse ? n - 1 - i : i;
		corpus_push(b, ids[j], texts[j], dates[j], "wire");
	}
}

/* Runs a scan and writes its groups as text into out. */
static void scan_to_text(struct planted *p, bool reverse, unsigned threads,
                         unsigned batch_size, char *out, size_t outlen)
{
	doppel_params par;
	doppel_params_init(&par);
	par.threads = threads;
	doppel_scan *s = doppel_scan_new(&par);
	assert_non_null(s);
	doppel_batch *all = doppel_batch_new(), *b = doppel_batch_new();
	push_corpus(all, p, reverse);
	for (size_t i = 0; i < doppel_batch_count(all); i++) {
		assert_int_equal(doppel_batch_push(b, doppel_batch_article(all, i)), DOPPEL_OK);
		if (doppel_batch_count(b) == batch_size) {
			assert_int_equal(doppel_scan_add(s, b), DOPPEL_OK);
			doppel_batch_clear(b);
		}
	}
	if (doppel_batch_count(b))
		assert_int_equal(doppel_scan_add(s, b), DOPPEL_OK);
	assert_int_equal(doppel_scan_finish(s), DOPPEL_OK);
	size_t len = 0;
	for (size_t g = 0; g < doppel_scan_group_count(s); g++) {
		doppel_group grp;
		assert_int_equal(doppel_scan_group(s, g, &grp), DOPPEL_OK);
		len += (size_t)snprintf(out + len, outlen - len, "[%s]", grp.id);
		for (size_t m = 0; m < grp.count; m++) {
			const doppel_member *mb = &grp.members[m];
			len += (size_t)snprintf(out + len, outlen - len, " %s:%s:%s:%s:%.4f:%.4f",
			                        mb->id, doppel_relation_name(mb->relation),
			                        mb->of ? mb->of : "-",
			                        doppel_direction_name(mb->direction), mb->jaccard,
			                        mb->containment);
		}
		len += (size_t)snprintf(out + len, outlen - len, "\n");
	}
	doppel_stats st;
	doppel_scan_stats(s, &st);
	assert_int_equal(st.articles, 16);
	assert_int_equal(st.empty, 1);
	doppel_batch_free(all);
	doppel_batch_free(b);
	doppel_scan_free(s);
}

static void test_groups(void **state)
{
	(void)state;
	struct planted p;
	plant(&p);
	char out[4096];
	scan_to_text(&p, false, 1, 100, out, sizeof(out));
	/* Groups by representative date: o1 (03-01) before o2 (03-01, id) before
	 * o0 (03-05). */
	const char *g1 = strstr(out, "[o1] o1:none:-");
	const char *g2 = strstr(out, "[o2] o2:none:-");
	const char *g0 = strstr(out, "[o0] o0:none:-");
	assert_non_null(g0);
	assert_non_null(g1);
	assert_non_null(g2);
	assert_true(g1 < g2 && g2 < g0);
	/* Boilerplate-only differences make a duplicate, the later one derived. */
	assert_non_null(strstr(out, "dup-of-o0:duplicate:o0:from:1.0000:1.0000"));
	assert_non_null(strstr(out, " cut-of-o1:copy:o1:from:"));
	assert_non_null(strstr(out, " ext-of-o2:copy:o2:unknown:"));
	/* Exactly three groups. */
	int lines = 0;
	for (const char *c = out; *c; c++)
		lines += *c == '\n';
	assert_int_equal(lines, 3);
	unplant(&p);
}

static void test_order_and_threads(void **state)
{
	(void)state;
	struct planted p;
	plant(&p);
	char a[4096], b[4096], c[4096];
	scan_to_text(&p, false, 1, 100, a, sizeof(a));
	scan_to_text(&p, true, 2, 3, b, sizeof(b));
	scan_to_text(&p, true, 4, 1, c, sizeof(c));
	assert_string_equal(a, b);
	assert_string_equal(a, c);
	unplant(&p);
}

static void test_duplicate_ids(void **state)
{
	(void)state;
	doppel_params par;
	doppel_params_init(&par);
	doppel_scan *s = doppel_scan_new(&par);
	doppel_batch *b = doppel_batch_new();
	char *t = corpus_text(5, 100);
	doppel_article a = {.id = "x", .text = t, .text_len = strlen(t),
	                    .date = DOPPEL_NO_DATE, .origin = "feed.jsonl:1"};
	assert_int_equal(doppel_batch_push(b, &a), DOPPEL_OK);
	a.origin = "feed.jsonl:9";
	assert_int_equal(doppel_batch_push(b, &a), DOPPEL_OK);
	assert_int_equal(doppel_scan_add(s, b), DOPPEL_E_DUPID);
	const char *msg;
	assert_int_equal(doppel_scan_status(s, 0, &msg), DOPPEL_OK);
	assert_int_equal(doppel_scan_status(s, 1, &msg), DOPPEL_E_DUPID);
	assert_non_null(strstr(msg, "feed.jsonl:9"));
	assert_non_null(strstr(msg, "first at feed.jsonl:1"));
	assert_int_equal(doppel_scan_status(s, 2, &msg), DOPPEL_E_ARG);
	/* The same id in a later batch is caught too. */
	doppel_batch_clear(b);
	assert_int_equal(doppel_batch_push(b, &a), DOPPEL_OK);
	assert_int_equal(doppel_scan_add(s, b), DOPPEL_E_DUPID);
	assert_int_equal(doppel_scan_finish(s), DOPPEL_OK);
	assert_int_equal(doppel_scan_group_count(s), 0);
	doppel_stats st;
	doppel_scan_stats(s, &st);
	assert_int_equal(st.articles, 1);
	assert_int_equal(st.rejected, 2);
	/* No adds after finish. */
	assert_int_equal(doppel_scan_add(s, b), DOPPEL_E_STATE);
	assert_int_equal(doppel_scan_learn(s, b), DOPPEL_E_STATE);
	free(t);
	doppel_batch_free(b);
	doppel_scan_free(s);
	doppel_scan_free(NULL);
	doppel_batch_free(NULL);
}

/* text as a JSON string's content: its newlines escaped (corpus texts
 * hold no other character to escape). Caller frees. */
static char *json_text(const char *text)
{
	char *out = malloc(2 * strlen(text) + 1), *o = out;
	for (const char *p = text; *p; p++) {
		if (*p == '\n') {
			*o++ = '\\';
			*o++ = 'n';
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

/* A scan that reads its texts again from their file (doppel_scan_reread_from)
 * states what a scan that keeps them does, keeps none, and fails, naming
 * the file, when the file changed before the scan was finished. */
static void test_texts_read_again(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	char path[600];
	snprintf(path, sizeof(path), "%s/feed.jsonl", dir);
	char *t = corpus_text(11, 300), *c = corpus_cut(t, 0.6);
	char *orig = json_text(t), *cut = json_text(c);
	free(t);
	free(c);
	size_t cap = strlen(orig) + strlen(cut) + 200, n = 0;
	char *jsonl = malloc(cap);
	n += (size_t)snprintf(jsonl + n, cap - n, "{\"id\":\"o\",\"text\":\"%s\"}\n", orig);
	n += (size_t)snprintf(jsonl + n, cap - n, "{\"id\":\"c\",\"text\":\"%s\"}\n", cut);
	test_write(path, jsonl, n);
	char rel[2][160];
	for (int again = 0; again < 3; again++) {
		doppel_read_options ro;
		doppel_read_options_init(&ro);
		doppel_reader *r = doppel_reader_new(&ro);
		assert_int_equal(doppel_reader_add_path(r, path), DOPPEL_OK);
		doppel_params par;
		doppel_params_init(&par);
		doppel_scan *s = doppel_scan_new(&par);
		if (again)
			assert_int_equal(doppel_scan_reread_from(s, r), DOPPEL_OK);
		doppel_batch *b = doppel_batch_new();
		doppel_article a;
		while (doppel_reader_next(r, &a) == DOPPEL_OK)
			assert_int_equal(doppel_batch_push(b, &a), DOPPEL_OK);
		assert_int_equal(doppel_batch_count(b), 2);
		assert_int_equal(doppel_scan_add(s, b), DOPPEL_OK);
		/* a reader is named before the first article */
		assert_int_equal(doppel_scan_reread_from(s, r), DOPPEL_E_STATE);
		doppel_stats st;
		doppel_scan_stats(s, &st);
		if (again) {
			assert_int_equal(st.kept_bytes, 0);
		} else {
			assert_true(st.kept_bytes > 0);
		}
		if (again == 2) {
			/* the file is written over before the scan relates */
			jsonl[20] = jsonl[20] == 'a' ? 'b' : 'a';
			test_write(path, jsonl, n - 1);
			assert_int_equal(doppel_scan_finish(s), DOPPEL_E_IO);
			assert_non_null(strstr(doppel_scan_errmsg(s), path));
			assert_non_null(strstr(doppel_scan_errmsg(s), "changed"));
		} else {
			assert_int_equal(doppel_scan_finish(s), DOPPEL_OK);
			assert_int_equal(doppel_scan_group_count(s), 1);
			doppel_group g;
			assert_int_equal(doppel_scan_group(s, 0, &g), DOPPEL_OK);
			snprintf(rel[again], sizeof(rel[again]), "%s %s %zu", g.members[0].id,
			         g.members[1].id, g.count);
		}
		doppel_batch_free(b);
		doppel_scan_free(s);
		doppel_reader_free(r);
	}
	assert_string_equal(rel[0], "o c 2");
	assert_string_equal(rel[0], rel[1]);
	free(orig);
	free(cut);
	free(jsonl);
	test_rmdir(dir);
}

/* A line repeated in many articles of one source is learned as boilerplate
 * as articles come, in their order: once eight earlier articles of the
 * source had it, later short articles that share only it are not copies,
 * while the first ones, which kept it, still look alike. */
static void test_learned_boilerplate(void **state)
{
	(void)state;
	const char *tag = "Follow the Riverside Courier on social media for more updates.";
	doppel_params par;
	doppel_params_init(&par);
	doppel_scan *s = doppel_scan_new(&par);
	doppel_batch *b = doppel_batch_new();
	char *texts[20];
	char ids[20][16];
	for (int i = 0; i < 20; i++) {
		/* bodies short beside the line: before it is learned, the
		 * articles' containment in each other is sure to be a copy's */
		char *body = corpus_letters((uint64_t)(100 + i), 4);
		texts[i] = corpus_join(body, tag);
		free(body);
		snprintf(ids[i], sizeof(ids[i]), "c%02d", i);
		corpus_push(b, ids[i], texts[i], NULL, "courier");
	}
	assert_int_equal(doppel_scan_add(s, b), DOPPEL_OK);
	assert_int_equal(doppel_scan_finish(s), DOPPEL_OK);
	size_t early = 0;
	for (size_t g = 0; g < doppel_scan_group_count(s); g++) {
		doppel_group grp;
		assert_int_equal(doppel_scan_group(s, g, &grp), DOPPEL_OK);
		size_t late = 0;
		for (size_t m = 0; m < grp.count; m++) {
			late += strcmp(grp.members[m].id, "c08") >= 0;
			early += strcmp(grp.members[m].id, "c08") < 0;
		}
		assert_true(late <= 1);
	}
	assert_true(early >= 2);
	for (int i = 0; i < 20; i++)
		free(texts[i]);
	doppel_batch_free(b);
	doppel_scan_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_order_and_threads),
		cmocka_unit_test(test_duplicate_ids),
		cmocka_unit_test(test_learned_boilerplate),
		cmocka_unit_test(test_texts_read_again),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
