/*
 * test_beat.c — events and stories join on what few articles share. Two
 * pieces of one beat (a central bank's rate decision and its annual
 * report) share the bank's and the city's names, which sixty other
 * articles of the beat state too: they are neither one event nor one
 * story. Two reports of the rate decision share its rare names and words:
 * one event. The rule itself: evidence of shared names and topic without
 * rare words or rare names in common makes no event and no story.
 */
#include "corpus.h"

#include "internal.h"

static const char *const rate_a =
	"The Norland Central Bank in Varnsund raised its main interest rate by a quarter "
	"point to 4.25 percent on Thursday, citing persistent inflation in services. "
	"Governor Ilse Marken said the bank would watch wage settlements closely before "
	"deciding on further steps. Economists at Skarholm Securities had expected the move.";

/* Another outlet's report of the same decision. */
static const char *const rate_b =
	"Governor Ilse Marken of the Norland Central Bank announced a quarter point rise in "
	"the main interest rate, to 4.25 percent, at a news conference in Varnsund on "
	"Thursday. Inflation in services had stayed too persistent, she said, and wage "
	"settlements would decide further steps. Skarholm Securities had forecast the "
	"increase.";

/* The same bank and city, another piece of news. */
static const char *const report =
	"The Norland Central Bank in Varnsund published its annual report, showing a profit "
	"of 1.2 billion crowns on its foreign reserves. The bank said it would pay a dividend "
	"to the treasury for the first time in six years, and that its staff had grown.";

#define FILLERS 60


static void test_beat_names(void **state)
{
	(void)state;
	doppel_params par;
	doppel_params_init(&par);
	doppel_scan *s = doppel_scan_new(&par);
	assert_non_null(s);
	doppel_batch *b = doppel_batch_new();
	char *filler[FILLERS];
	char ids[FILLERS][16], dates[FILLERS][16];
	for (int i = 0; i < FILLERS; i++) {
		/* the beat's names, with words of their own */
		char *words = corpus_letters((uint64_t)(700 + i), 24);
		size_t n = strlen(words) + 128;
		filler[i] = malloc(n);
		assert_non_null(filler[i]);
		snprintf(filler[i], n, "The Norland Central Bank in Varnsund said %s", words);
		free(words);
		snprintf(ids[i], sizeof(ids[i]), "beat%02d", i);
		snprintf(dates[i], sizeof(dates[i]), "2025-02-%02d", 1 + i % 28);
		corpus_push(b, ids[i], filler[i], dates[i], "wire");
	}
	corpus_push(b, "rate-a", rate_a, "2025-03-06", "wire");
	corpus_push(b, "rate-b", rate_b, "2025-03-06", "daily");
	corpus_push(b, "report", report, "2025-03-10", "wire");
	assert_int_equal(doppel_scan_add(s, b), DOPPEL_OK);
	assert_int_equal(doppel_scan_finish(s), DOPPEL_OK);

	assert_int_equal(test_scan_relation(s, "rate-a", "rate-b"), DOPPEL_REL_SAME_EVENT);
	assert_int_equal(test_scan_relation(s, "rate-a", "report"), DOPPEL_REL_NONE);
	assert_int_equal(test_scan_relation(s, "rate-b", "report"), DOPPEL_REL_NONE);
	for (int i = 0; i < FILLERS; i++)
		free(filler[i]);
	doppel_batch_free(b);
	doppel_scan_free(s);
}

/* One minister on television about the currency and, two days later, at
 * a party conference about inflation: his names in common, little else
 * that few articles share. */
static void test_specific_ground(void **state)
{
	(void)state;
	doppel_params par;
	doppel_params_init(&par);
	doppel__evidence ev = {.anchors = 0.4, .names = 0.98, .topic = 0.3, .keys = 0.06,
	                       .specific = 2, .figures = 1};
	assert_int_equal(doppel__classify_evidence(&par, &ev, 3, 3, 2), DOPPEL_REL_NONE);
	/* most of the facts, weighed by rarity, in common: reports of one event
	 * worded apart */
	ev.anchors = 0.6;
	assert_int_equal(doppel__classify_evidence(&par, &ev, 3, 3, 2), DOPPEL_REL_SAME_EVENT);
	ev.anchors = 0.4;
	/* rare words in common too: one event */
	ev.keys = 0.3;
	assert_int_equal(doppel__classify_evidence(&par, &ev, 3, 3, 2), DOPPEL_REL_SAME_EVENT);
	/* later, the same: one story */
	assert_int_equal(doppel__classify_evidence(&par, &ev, 3, 3, 30), DOPPEL_REL_SAME_STORY);
	/* rare words, but one rare name only: a beat's vocabulary */
	ev.specific = 1;
	assert_int_equal(doppel__classify_evidence(&par, &ev, 3, 3, 30), DOPPEL_REL_NONE);
	/* not measured (doppel_explain on two texts alone): names and topic decide */
	ev.keys = -1;
	ev.specific = -1;
	ev.figures = -1;
	assert_int_equal(doppel__classify_evidence(&par, &ev, 3, 3, 2), DOPPEL_REL_SAME_EVENT);
}

/* A bid rejected one day and, the next, the target asking a regulator to
 * act: the same companies, rare names and rare words in common, and not
 * one figure or quoted word of the first happening. Two chapters of one
 * story; the same evidence the same day is one event. */
static void test_next_chapter(void **state)
{
	(void)state;
	doppel_params par;
	doppel_params_init(&par);
	doppel__evidence ev = {.anchors = 0.45, .names = 0.6, .topic = 0.4, .keys = 0.2,
	                       .specific = 5, .figures = 0};
	assert_int_equal(doppel__classify_evidence(&par, &ev, 8, 8, 1), DOPPEL_REL_SAME_STORY);
	assert_int_equal(doppel__classify_evidence(&par, &ev, 8, 8, 0), DOPPEL_REL_SAME_EVENT);
	/* one rare figure of the happening (a price, a toll) in common */
	ev.figures = 1;
	assert_int_equal(doppel__classify_evidence(&par, &ev, 8, 8, 1), DOPPEL_REL_SAME_EVENT);
}

/* A minister on the currency and, a week later, on inflation: his rare
 * names and a few rare words in common, and little of one subject (a
 * topic cosine of 0.2). No story; the same names on one subject are. */
static void test_story_subject(void **state)
{
	(void)state;
	doppel_params par;
	doppel_params_init(&par);
	doppel__evidence ev = {.anchors = 0.3, .names = 0.5, .topic = 0.2, .keys = 0.2,
	                       .specific = 3, .figures = 0};
	assert_int_equal(doppel__classify_evidence(&par, &ev, 8, 8, 7), DOPPEL_REL_NONE);
	ev.topic = 0.3;
	assert_int_equal(doppel__classify_evidence(&par, &ev, 8, 8, 7), DOPPEL_REL_SAME_STORY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_specific_ground),
		cmocka_unit_test(test_next_chapter),
		cmocka_unit_test(test_story_subject),
		cmocka_unit_test(test_beat_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
