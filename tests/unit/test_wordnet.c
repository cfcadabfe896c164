/*
 * test_wordnet.c — morphology, synsets and synonym classes on Debian's
 * WordNet 3.0 data.
 */
#include "testutil.h"

#include "internal.h"

static doppel__wordnet *wn;

static int load(void **state)
{
	(void)state;
	char err[DOPPEL__ERRLEN];
	return doppel__wordnet_load(NULL, &wn, err) == DOPPEL_OK ? 0 : -1;
}

static int unload(void **state)
{
	(void)state;
	doppel__wordnet_free(wn);
	return 0;
}

static uint32_t cls(const char *w)
{
	return doppel__wordnet_class(wn, w, strlen(w));
}

/* The first lemma WordNet's morphology gives for w, as its number. */
static uint32_t lemma(const char *w)
{
	uint32_t k = UINT32_MAX;
	doppel__wordnet_lemmas(wn, w, strlen(w), &k, 1);
	return k;
}

static void test_morphology(void **state)
{
	(void)state;
	assert_int_equal(lemma("asked"), lemma("ask"));
	assert_int_equal(lemma("banned"), lemma("ban"));     /* verb.exc */
	assert_int_equal(lemma("children"), lemma("child")); /* noun.exc */
	assert_int_equal(lemma("better"), lemma("good"));    /* adj.exc */
	assert_int_equal(lemma("ministers"), lemma("minister"));
	assert_int_equal(lemma("stated"), lemma("state")); /* participles: the verb first */
	assert_int_equal(lemma("meetings"), lemma("meeting"));
	assert_int_equal(lemma("taller"), lemma("tall")); /* adjective rule er -> "" */
	assert_int_equal(lemma("women"), lemma("woman"));
	/* A rule applies only when its part of speech has the result:
	 * "-er" is an adjective ending, and "bett" is no adjective. */
	uint32_t ks[16];
	size_t nk = doppel__wordnet_lemmas(wn, "better", 6, ks, 16);
	assert_true(nk >= 2); /* good, well (adv.exc), better itself */
	assert_int_equal(ks[0], lemma("good"));
	bool well = false;
	for (size_t i = 0; i < nk; i++)
		well |= ks[i] == lemma("well");
	assert_true(well);
	assert_int_not_equal(lemma("ask"), UINT32_MAX);
	assert_int_equal(lemma("valdoria"), UINT32_MAX);
	/* A lemma's synsets list the lemma among their members. */
	uint32_t syn[64];
	assert_true(doppel__wordnet_synsets(wn, lemma("automobile"), syn, 64) >= 1);
	const char *members[64];
	size_t m = doppel__wordnet_members(wn, syn[0], members, 64);
	bool car = false;
	for (size_t i = 0; i < m && i < 64; i++)
		car |= strcmp(members[i], "car") == 0;
	assert_true(car);
}

static void test_related(void **state)
{
	(void)state;
	assert_true(doppel__wordnet_related(wn, "car", 3, "automobile", 10));
	assert_true(doppel__wordnet_related(wn, "bought", 6, "purchased", 9));
	assert_true(doppel__wordnet_related(wn, "large", 5, "big", 3));
	/* WordNet 3.0 puts "ban" under "outlaw" (a hypernym) and "banned"
	 * beside "outlawed" (both similar to "illegal"): no shared synset. */
	assert_false(doppel__wordnet_related(wn, "ban", 3, "outlaw", 6));
	assert_true(doppel__wordnet_related(wn, "banned", 6, "prohibited", 10));
	assert_true(doppel__wordnet_related(wn, "ban", 3, "censor", 6));
	assert_false(doppel__wordnet_related(wn, "car", 3, "banana", 6));
	assert_false(doppel__wordnet_related(wn, "election", 8, "river", 5));
}

static void test_classes(void **state)
{
	(void)state;
	/* Classic spinner swaps that land in one class. */
	assert_int_equal(cls("car"), cls("automobile"));
	assert_int_equal(cls("help"), cls("assist"));
	assert_int_equal(cls("ban"), cls("prohibition")); /* first senses: nouns first */
	assert_int_equal(cls("outlaw"), cls("criminalize"));
	assert_int_equal(cls("big"), cls("large"));
	assert_int_equal(cls("buy"), cls("purchase"));
	assert_int_equal(cls("begin"), cls("start"));
	assert_int_equal(cls("show"), cls("demonstrate"));
	assert_int_equal(cls("show"), cls("shows"));
	assert_int_not_equal(cls("car"), 0);
	/* Unrelated words do not. */
	const char *words[] = {"car", "banana", "election", "river", "court", "storm",
	                       "hospital", "budget"};
	for (size_t i = 0; i < 8; i++)
		for (size_t j = i + 1; j < 8; j++)
			assert_int_not_equal(cls(words[i]), cls(words[j]));
	/* Function words and numbers are immutable: class 0. */
	assert_int_equal(cls("the"), 0);
	assert_int_equal(cls("2024"), 0);
	assert_int_equal(cls("valdoria"), 0);
	/* A proper name (first sense "Geneva", the city) is no synonym of
	 * gin, whatever the second sense says. */
	assert_int_equal(cls("geneva"), 0);
	assert_int_equal(cls("washington"), 0);
	assert_int_not_equal(cls("gin"), 0);
}

/* WordNet loaded for its words alone gives every word the lemmas the whole
 * of it gives (the parts of speech its morphology asks about included),
 * and no synsets. */
static void test_words_alone(void **state)
{
	(void)state;
	doppel__wordnet *words = NULL;
	char err[DOPPEL__ERRLEN];
	assert_int_equal(doppel__wordnet_load_words(NULL, &words, err), DOPPEL_OK);
	const char *forms[] = {"asked",   "banned",   "children", "better", "ministers",
	                       "stated",  "meetings", "taller",   "women",  "meeting",
	                       "building", "united",  "quaker",   "oats",   "valdoria",
	                       "dividend", "regular", "set",      "issues", "eurobond",
	                       "running",  "faxes",   "studies",  "going",  "unibancorp"};
	for (size_t i = 0; i < sizeof(forms) / sizeof(*forms); i++) {
		uint32_t a[16], b[16];
		size_t na = doppel__wordnet_lemmas(wn, forms[i], strlen(forms[i]), a, 16);
		size_t nb = doppel__wordnet_lemmas(words, forms[i], strlen(forms[i]), b, 16);
		assert_int_equal(na, nb);
		if (na)
			assert_memory_equal(a, b, na * sizeof(*a));
	}
	uint32_t k = UINT32_MAX, syn[8];
	doppel__wordnet_lemmas(words, "automobile", 10, &k, 1);
	assert_int_not_equal(k, UINT32_MAX);
	assert_int_equal(doppel__wordnet_synsets(words, k, syn, 8), 0);
	doppel__wordnet_free(words);
}

/* Places: proper names (a noun only, first sense capitalized) one of
 * whose capitalized senses is a location; a person's name, a word of
 * prose, or a place loaded with the words alone, is none. */
static void test_places(void **state)
{
	(void)state;
	const char *places[] = {"jordan", "yemen", "morocco", "geneva", "algeria"};
	const char *others[] = {"reagan", "lloyd", "bank", "wheat", "turkey", "credit"};
	for (size_t i = 0; i < sizeof(places) / sizeof(*places); i++)
		assert_true(doppel__wordnet_place(wn, lemma(places[i])));
	for (size_t i = 0; i < sizeof(others) / sizeof(*others); i++)
		assert_false(doppel__wordnet_place(wn, lemma(others[i])));
	assert_false(doppel__wordnet_place(wn, UINT32_MAX));
	doppel__wordnet *words = NULL;
	char err[DOPPEL__ERRLEN];
	assert_int_equal(doppel__wordnet_load_words(NULL, &words, err), DOPPEL_OK);
	uint32_t k = UINT32_MAX;
	doppel__wordnet_lemmas(words, "jordan", 6, &k, 1);
	assert_int_not_equal(k, UINT32_MAX);
	assert_false(doppel__wordnet_place(words, k));
	doppel__wordnet_free(words);
}

static void test_missing(void **state)
{
	(void)state;
	doppel__wordnet *none = (doppel__wordnet *)1;
	char err[DOPPEL__ERRLEN];
	assert_int_equal(doppel__wordnet_load("/nonexistent/wordnet", &none, err),
	                 DOPPEL_E_NOTFOUND);
	assert_null(none);
	assert_non_null(strstr(err, "/nonexistent/wordnet/index.noun"));
	assert_non_null(strstr(err, "wordnet-base"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_morphology),
		cmocka_unit_test(test_related),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_words_alone),
		cmocka_unit_test(test_places),
		cmocka_unit_test(test_missing),
	};
	return cmocka_run_group_tests(tests, load, unload);
}
