/*
 * test_passages.c — reused passages between two texts (lib/relate/passages.c):
 * words and their bytes, fingerprints, passages with exact byte offsets.
 */
#include "testutil.h"

#include "internal.h"

/* A paragraph of three sentences reused by the tests, and a second one. */
#define WATER                                                                                  \
	"The regional water authority said on Tuesday that the reservoir above Kestrel "       \
	"Valley had fallen to its lowest level in forty years. Engineers will begin "          \
	"releasing water from the northern basin next week to keep the turbines running. "     \
	"Farmers downstream have been told to expect shorter irrigation hours until the "      \
	"autumn rains arrive."
#define LIBRARY                                                                                \
	"The university library will close its main reading room for six months while "        \
	"workers replace the roof and the heating system. Students can borrow laptops and "    \
	"study in the temporary hall beside the sports centre. The rare books collection "     \
	"has been moved to a climate-controlled store outside the city."

/* Unrelated paragraphs to put around them. */
#define SCHOOLS                                                                                \
	"Local schools reopened after the winter break with new timetables for older "         \
	"pupils. The council also approved funding for two additional bus routes serving "     \
	"the eastern suburbs, and parents welcomed the longer lunch break."
#define MUSEUM                                                                                 \
	"In other news, the city museum will extend its opening hours during the summer "      \
	"festival, and tickets for the evening concerts go on sale on Friday at noon."
#define HARBOUR                                                                                \
	"Shares in the largest construction firm rose sharply after it won a contract to "     \
	"rebuild the harbour bridge. Analysts expect the project to take three years and "     \
	"to employ several hundred people from the surrounding towns. The firm's chief "       \
	"executive called it the biggest order in its history."
#define FOOTBALL                                                                               \
	"Meanwhile, the national football team announced its squad for the qualifying "        \
	"match, naming two young strikers for the first time and leaving out the veteran "     \
	"captain, who has been injured since March. The first match is in Oslo on the "        \
	"twelfth of June."

struct fixture {
	doppel__passager *pg;
	doppel__ptext a, b;
	doppel__passage_params params;
	doppel__passage *ps;
	size_t n, cap;
};

/* A fixture with a passager without WordNet and the default parameters. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	f->pg = doppel__passager_new(NULL, 0);
	doppel__passage_defaults(&f->params);
	*state = f;
	return f->pg ? 0 : -1;
}

/* Releases the fixture. */
static int teardown(void **state)
{
	struct fixture *f = *state;
	doppel__ptext_free(&f->a);
	doppel__ptext_free(&f->b);
	doppel__passager_free(f->pg);
	free(f->ps);
	free(f);
	return 0;
}

/* The passages between texts a and b, in f->ps[0..f->n). */
static void find(struct fixture *f, const char *a, const char *b)
{
	assert_int_equal(doppel__ptext_make(f->pg, a, strlen(a), 0, &f->a), DOPPEL_OK);
	assert_int_equal(doppel__ptext_make(f->pg, b, strlen(b), 0, &f->b), DOPPEL_OK);
	assert_int_equal(
		doppel__passages_find(f->pg, &f->a, &f->b, &f->params, &f->ps, &f->n, &f->cap),
		DOPPEL_OK);
}

/* Offset of needle in hay (which must hold it). */
static uint32_t offset_of(const char *hay, const char *needle)
{
	const char *p = strstr(hay, needle);
	assert_non_null(p);
	return (uint32_t)(p - hay);
}

/* Passage i covers exactly `what` in both texts, byte for byte. */
static void assert_exact(const struct fixture *f, size_t i, const char *a, const char *b,
                         const char *what_a, const char *what_b)
{
	const doppel__passage *p = &f->ps[i];
	uint32_t as = offset_of(a, what_a), bs = offset_of(b, what_b);
	assert_int_equal(p->a_start, as);
	assert_int_equal(p->a_end, as + strlen(what_a));
	assert_int_equal(p->b_start, bs);
	assert_int_equal(p->b_end, bs + strlen(what_b));
	assert_memory_equal(a + p->a_start, what_a, strlen(what_a));
	assert_memory_equal(b + p->b_start, what_b, strlen(what_b));
}

/* ------------------------------------------------------------- tokens */

/* Words and their bytes, flags, lemmas; sentence ends. */
static void test_words(void **state)
{
	struct fixture *f = *state;
	const char *text = "Valdoria's minister met 1,200 farmers \xe2\x80\x94 near Lake\n"
			   "Orla. \xe2\x80\x9cIt\xe2\x80\x99s late,\xe2\x80\x9d she said.\r\n"
			   "Mr. Chen left.";
	assert_int_equal(doppel__ptext_make(f->pg, text, strlen(text), 0, &f->a), DOPPEL_OK);
	const doppel__ptext *t = &f->a;
	/* Valdoria's minister met 1,200 farmers near Lake Orla | It's late she
	 * said | Mr Chen left */
	assert_int_equal(t->nword, 15);
	const char *words[] = {
		"Valdoria's", "minister",        "met",  "1,200", "farmers", "near", "Lake",
		"Orla",       "It\xe2\x80\x99s", "late", "she",   "said",    "Mr",   "Chen",
		"left"};
	for (size_t i = 0; i < 15; i++) {
		assert_int_equal(t->word[i].end - t->word[i].start, strlen(words[i]));
		assert_memory_equal(text + t->word[i].start, words[i], strlen(words[i]));
	}
	/* The possessive is the word itself; numbers are numbers. */
	assert_int_equal(t->word[0].flags & DOPPEL__PW_UPPER, DOPPEL__PW_UPPER);
	assert_int_equal(t->word[3].flags & DOPPEL__PW_NUMBER, DOPPEL__PW_NUMBER);
	assert_int_equal(t->word[10].flags & DOPPEL__PW_STOP, DOPPEL__PW_STOP);
	/* A line that goes on with a capital ends the sentence before it
	 * (a headline, a list item), even "Lake\nOrla"; the abbreviation ends
	 * no sentence; the quote's full stop does, and the CRLF stays out of
	 * it. A sentence starts at its first word. */
	assert_int_equal(t->nsent, 4);
	assert_int_equal(t->sent[0].end, offset_of(text, "\nOrla"));
	assert_int_equal(t->sent[1].start, offset_of(text, "Orla"));
	assert_int_equal(t->sent[2].start, offset_of(text, "It\xe2\x80\x99s"));
	assert_int_equal(t->sent[2].end, offset_of(text, "\r\n"));
	assert_int_equal(t->sent[3].start, offset_of(text, "Mr."));
	assert_int_equal(t->sent[3].end, strlen(text));
	/* The same word, in another case and with a possessive, has the same
	 * lemma. */
	const char *other = "VALDORIA farmer";
	assert_int_equal(doppel__ptext_make(f->pg, other, strlen(other), 0, &f->b), DOPPEL_OK);
	assert_int_equal(f->b.word[0].lemma, t->word[0].lemma);
	assert_int_equal(f->b.word[1].lemma, t->word[4].lemma);
	/* A number is its digits, however a translation wrote it; other
	 * digits are another number. */
	const char *numbers = "1200 farmers, the 3rd week, 1,201 farmers";
	assert_int_equal(doppel__ptext_make(f->pg, numbers, strlen(numbers), 0, &f->b),
	                 DOPPEL_OK);
	assert_int_equal(f->b.word[0].flags & DOPPEL__PW_NUMBER, DOPPEL__PW_NUMBER);
	assert_int_equal(f->b.word[0].lemma, t->word[3].lemma);
	assert_int_equal(f->b.word[3].flags & DOPPEL__PW_NUMBER, DOPPEL__PW_NUMBER);
	assert_int_not_equal(f->b.word[5].lemma, t->word[3].lemma);
	const char *ordinal = "the 3. week";
	assert_int_equal(doppel__ptext_make(f->pg, ordinal, strlen(ordinal), 0, &f->a),
	                 DOPPEL_OK);
	assert_int_equal(f->a.word[1].lemma, f->b.word[3].lemma);
}

/* -------------------------------------------------------- fingerprints */

/* n made-up content words from seed into buf (room for 8 bytes a word). */
static size_t made_up_words(char *buf, unsigned seed, size_t n)
{
	size_t len = 0;
	uint32_t x = seed * 2654435761u + 1;
	for (size_t i = 0; i < n; i++) {
		x = x * 1664525u + 1013904223u;
		buf[len++] = (char)('b' + (x >> 8) % 20);
		buf[len++] = (char)('a' + (x >> 13) % 5 * 4);
		buf[len++] = (char)('k' + (x >> 17) % 12);
		buf[len++] = (char)('b' + (x >> 21) % 20);
		buf[len++] = 'o';
		buf[len++] = (char)('m' + (x >> 25) % 10);
		buf[len++] = ' ';
	}
	buf[len] = '\0';
	return len;
}

/* Whether two lists of fingerprints share a hash. */
static bool share_winnowed(const doppel__pfp *x, size_t nx, const doppel__pfp *y, size_t ny)
{
	for (size_t i = 0; i < nx; i++)
		for (size_t j = 0; j < ny; j++)
			if (x[i].hash == y[j].hash)
				return true;
	return false;
}

/* A shared run of w + k - 1 content words always shares a fingerprint;
 * the density stays within winnowing's bounds. */
static void test_winnow_guarantee(void **state)
{
	struct fixture *f = *state;
	const unsigned k = DOPPEL__FP_K, w = DOPPEL__FP_W, t = w + k - 1;
	char a[4096], b[4096], shared[1024];
	doppel__pfp *fa = NULL, *fb = NULL;
	size_t na = 0, nb = 0, capa = 0, capb = 0;
	for (unsigned trial = 0; trial < 40; trial++) {
		/* different words around a shared run of exactly t words */
		size_t la = made_up_words(a, 1000 + trial, 30 + trial);
		size_t lb = made_up_words(b, 2000 + trial, 50 + trial % 7);
		made_up_words(shared, 3000 + trial, t);
		snprintf(a + la, sizeof(a) - la, "%s", shared);
		la = strlen(a);
		made_up_words(a + la, 4000 + trial, 25);
		snprintf(b + lb, sizeof(b) - lb, "%s", shared);
		lb = strlen(b);
		made_up_words(b + lb, 5000 + trial, 40);
		assert_int_equal(doppel__ptext_make(f->pg, a, strlen(a), 0, &f->a), DOPPEL_OK);
		assert_int_equal(doppel__ptext_make(f->pg, b, strlen(b), 0, &f->b), DOPPEL_OK);
		assert_int_equal(doppel__passage_winnow(&f->a, k, w, &fa, &na, &capa),
		                 DOPPEL_OK);
		assert_int_equal(doppel__passage_winnow(&f->b, k, w, &fb, &nb, &capb),
		                 DOPPEL_OK);
		assert_true(share_winnowed(fa, na, fb, nb));
		/* positions are content words where the k-gram starts */
		for (size_t i = 0; i < na; i++)
			assert_true(fa[i].pos + k <= f->a.ncontent);
		/* about 2 / (w + 1) of the k-grams, never one a window more */
		size_t grams = f->a.ncontent - k + 1;
		assert_true(na <= grams - w + 1);
		assert_true(na >= (grams + w - 1) / w);
	}
	/* Unrelated texts share no fingerprint. */
	made_up_words(a, 77, 200);
	made_up_words(b, 78, 200);
	assert_int_equal(doppel__ptext_make(f->pg, a, strlen(a), 0, &f->a), DOPPEL_OK);
	assert_int_equal(doppel__ptext_make(f->pg, b, strlen(b), 0, &f->b), DOPPEL_OK);
	assert_int_equal(doppel__passage_winnow(&f->a, k, w, &fa, &na, &capa), DOPPEL_OK);
	assert_int_equal(doppel__passage_winnow(&f->b, k, w, &fb, &nb, &capb), DOPPEL_OK);
	assert_false(share_winnowed(fa, na, fb, nb));
	free(fa);
	free(fb);
}

/* Keys are sorted and unique; a shared paragraph shares both kinds. */
static void test_keys(void **state)
{
	struct fixture *f = *state;
	const char *a = SCHOOLS "\n" WATER "\n" MUSEUM;
	const char *b = HARBOUR "\n" WATER "\n" FOOTBALL;
	uint64_t *ka = NULL, *kb = NULL;
	size_t na = 0, nb = 0, capa = 0, capb = 0;
	assert_int_equal(doppel__ptext_make(f->pg, a, strlen(a), 0, &f->a), DOPPEL_OK);
	assert_int_equal(doppel__ptext_make(f->pg, b, strlen(b), 0, &f->b), DOPPEL_OK);
	assert_int_equal(doppel__passage_keys(&f->a, 0, &ka, &na, &capa), DOPPEL_OK);
	assert_int_equal(doppel__passage_keys(&f->b, 0, &kb, &nb, &capb), DOPPEL_OK);
	/* sorted, unique, of both kinds; the shared paragraph shares some of
	 * each kind */
	size_t shared[4] = {0};
	for (size_t i = 1; i < na; i++)
		assert_true(ka[i - 1] < ka[i]);
	for (size_t i = 0, j = 0; i < na && j < nb;) {
		if (ka[i] == kb[j]) {
			shared[DOPPEL__PKEY_KIND(ka[i])]++;
			i++;
			j++;
		} else if (ka[i] < kb[j]) {
			i++;
		} else {
			j++;
		}
	}
	assert_true(shared[DOPPEL__PKEY_WINNOW] >= 1);
	/* three sentences of the paragraph, DOPPEL__SKEY_N keys each */
	assert_int_equal(shared[DOPPEL__PKEY_SENTENCE], 3 * DOPPEL__SKEY_N);
	assert_int_equal(shared[0] + shared[3], 0);
	free(ka);
	free(kb);
}

/* ----------------------------------------------------------- passages */

/* A paragraph copied into another text: one passage, exact bytes. */
static void test_verbatim(void **state)
{
	struct fixture *f = *state;
	const char *a = SCHOOLS "\n" WATER "\n" MUSEUM;
	const char *b = HARBOUR " " WATER "\n\n" FOOTBALL;
	find(f, a, b);
	assert_int_equal(f->n, 1);
	assert_exact(f, 0, a, b, WATER, WATER);
	assert_true(f->ps[0].score > 0.99f);
	assert_int_equal(f->ps[0].mode, DOPPEL__PASSAGE_LOCAL);
	/* and the other way round */
	find(f, b, a);
	assert_int_equal(f->n, 1);
	assert_exact(f, 0, b, a, WATER, WATER);
}

/* Words inserted, dropped and replaced: still one passage, exact bytes. */
static void test_edited(void **state)
{
	struct fixture *f = *state;
	/* words inserted (big, much), dropped (the, the), replaced (said ->
	 * announced, fallen -> dropped, begin -> start, have been -> were) */
#define WATER_EDITED                                                                           \
	"The regional water authority announced on Tuesday that the big reservoir above "      \
	"Kestrel Valley had dropped to its lowest level in forty years. Engineers will start " \
	"releasing water from the northern basin next week to keep turbines running. Farmers " \
	"downstream were told to expect much shorter irrigation hours until autumn rains "     \
	"arrive."
	const char *a = SCHOOLS "\n" WATER "\n" MUSEUM;
	const char *b = HARBOUR "\n" WATER_EDITED "\n" FOOTBALL;
	find(f, a, b);
	assert_int_equal(f->n, 1);
	assert_exact(f, 0, a, b, WATER, WATER_EDITED);
	assert_true(f->ps[0].score > 0.8f);
}

/* Shared paragraphs in another order: a passage each. */
static void test_reordered(void **state)
{
	struct fixture *f = *state;
	const char *a = SCHOOLS "\n" WATER "\n" MUSEUM " " HARBOUR "\n" LIBRARY "\n" FOOTBALL;
	const char *b = FOOTBALL "\n" LIBRARY "\n" HARBOUR "\n" SCHOOLS "\n" WATER;
	/* b shares more than the two paragraphs: only these two may make
	 * passages of their own */
	const char *a2 = SCHOOLS "\n" WATER "\n" MUSEUM "\n" LIBRARY;
	const char *b2 = HARBOUR "\n" LIBRARY "\n" FOOTBALL "\n" WATER;
	find(f, a2, b2);
	assert_int_equal(f->n, 2);
	/* in the order of b: the library first, then the water */
	assert_exact(f, 0, a2, b2, LIBRARY, LIBRARY);
	assert_exact(f, 1, a2, b2, WATER, WATER);
	/* three shared paragraphs in another order are three passages or
	 * fewer merged ones, each exact in both texts */
	find(f, a, b);
	assert_true(f->n >= 2);
	for (size_t i = 0; i < f->n; i++) {
		size_t len = f->ps[i].a_end - f->ps[i].a_start;
		assert_int_equal(len, f->ps[i].b_end - f->ps[i].b_start);
		assert_memory_equal(a + f->ps[i].a_start, b + f->ps[i].b_start, len);
	}
}

/* Two reports of one event: no passage. */
static void test_same_topic(void **state)
{
	struct fixture *f = *state;
	/* Two reports of one flood, each in its own words: the same names,
	 * numbers and days, one pair of sentences much alike, no reuse. */
	const char *a =
		"Heavy rain caused the river Lune to burst its banks on Sunday night, flooding "
		"more than two hundred homes in the lower town of Kirkby. Firefighters rescued "
		"an elderly couple from the roof of their cottage on Mill Lane, and mayor Anna "
		"Berg opened the school gym as a shelter. Officials warned that more rain is "
		"expected on Wednesday and asked residents to move valuables upstairs.";
	const char *b =
		"In Kirkby, residents of the lower town spent Monday clearing mud after the river "
		"Lune flooded two hundred homes on Sunday night. Mayor Anna Berg promised an "
		"inquiry into the flood defences, which were built decades ago. Many families "
		"are still sleeping in the school gym, where volunteers hand out blankets. "
		"Forecasters expect more rain on Wednesday.";
	find(f, a, b);
	assert_int_equal(f->n, 0);
}

/* Offsets are bytes of UTF-8, not characters. */
static void test_non_ascii(void **state)
{
	struct fixture *f = *state;
#define CAFE                                                                                   \
	"\xc3\x89"                                                                             \
	"douard, le caf\xc3\xa9 de la rue de la Lune \xc3\xa0 Montr\xc3\xa9"                   \
	"al, a "                                                                               \
	"rouvert jeudi "                                                                       \
	"apr\xc3\xa8s l\xe2\x80\x99incendie qui avait d\xc3\xa9truit sa cuisine en mars. La "  \
	"propri\xc3\xa9taire, H\xc3\xa9l\xc3\xa8ne Dufresne, a dit que la \xc2\xab nouvelle "  \
	"\xc2\xbb carte garde les cr\xc3\xaapes qui ont fait la r\xc3\xa9putation de la "      \
	"maison. Les habitu\xc3\xa9s faisaient la queue avant l\xe2\x80\x99"                   \
	"aube, et les "                                                                        \
	"premiers clients ont re\xc3\xa7u un caf\xc3\xa9 offert par l\xe2\x80\x99\xc3\xa9"     \
	"quipe."
	/* Text before the passage in characters of two, three and four
	 * bytes, so that byte and character offsets differ. */
	const char *a = "\xc3\x86r\xc3\xb8sk\xc3\xb8"
			"bing \xe2\x80\x94 \xe6\x9d\xb1\xe4\xba\xac "
			"\xf0\x9f\x8c\x8a na\xc3\xafve r\xc3\xa9sum\xc3\xa9 des nouvelles du "
			"port.\n" CAFE "\nZ\xc3\xbcrich: \xc3\xa9t\xc3\xa9 chaud, "
			"pr\xc3\xa9visions \xc3\xa0 la hausse.";
	const char *b = "\xce\x91\xce\xb8\xce\xae\xce\xbd\xce\xb1: \xcf\x83\xcf\x8d\xce\xbd"
			"\xce\xbf\xce\xb4\xce\xbf\xcf\x82 \xcf\x85\xcf\x80\xce\xbf\xcf\x85"
			"\xcf\x81\xce\xb3\xcf\x8e\xce\xbd. " CAFE " Fin.";
	find(f, a, b);
	assert_int_equal(f->n, 1);
	assert_exact(f, 0, a, b, CAFE, CAFE);
	/* the offsets are bytes, not characters */
	assert_true(f->ps[0].a_start > 40);
}

/* CRLF and LF line ends: passages end before the line break. */
static void test_crlf(void **state)
{
	struct fixture *f = *state;
	/* The paragraph broken over lines, CRLF in a and LF in b: each passage
	 * ends after the full stop, before the line break. */
#define WATER_L1 "The regional water authority said on Tuesday that the reservoir above Kestrel"
#define WATER_L2                                                                               \
	"Valley had fallen to its lowest level in forty years. Engineers will begin "          \
	"releasing water from the northern basin next week to keep the turbines running."
#define WATER_L3                                                                               \
	"Farmers downstream have been told to expect shorter irrigation hours until the "      \
	"autumn rains arrive."
	const char *a = SCHOOLS "\r\n\r\n" WATER_L1 "\r\n" WATER_L2 "\r\n" WATER_L3
				"\r\n\r\n" MUSEUM "\r\n";
	const char *b = HARBOUR "\n" WATER_L1 "\n" WATER_L2 "\n" WATER_L3 "\n" FOOTBALL "\n";
	find(f, a, b);
	assert_int_equal(f->n, 1);
	assert_exact(f, 0, a, b, WATER_L1 "\r\n" WATER_L2 "\r\n" WATER_L3,
	             WATER_L1 "\n" WATER_L2 "\n" WATER_L3);
}

/* A summary of an article inside another text: a condensed passage. */
static void test_condensed(void **state)
{
	struct fixture *f = *state;
	/* An article, and a summary of it inside another text: each summary
	 * sentence condenses one or two of the article's, in order. */
	const char *a =
		"The city council voted on Monday to close the old Harlow bridge to cars from "
		"next spring. The bridge was opened in 1911 and was widened once, in the "
		"sixties. Its iron railings were made in a foundry that closed long ago. "
		"Inspectors found deep cracks in two of the bridge's steel supports last month. "
		"They used drones and ultrasound scanners for the first time. Their full report "
		"runs to three hundred pages and was published on the council's website. "
		"The bridge carries about twelve thousand vehicles a day between the harbour "
		"district and the city centre. Rush-hour traffic often backs up to the ring "
		"road, and local radio stations give daily updates on the queues. Shop owners "
		"in the harbour district fear that the closure will keep customers away. The "
		"council said a free shuttle bus will run every ten minutes while the bridge "
		"is closed. The buses will be painted in the colours of the city's football "
		"club, and drivers are being recruited from a private company. Cyclists and "
		"pedestrians will still be allowed to cross. Repairs are expected to cost "
		"about forty million euros and to take two years. The regional government has "
		"promised to pay half of the cost. A European fund may cover part of the rest; "
		"talks with its officials began in the autumn. Engineers will first "
		"replace the damaged supports and then resurface the whole deck. The mayor "
		"said the decision was difficult but that safety had to come first. "
		"Opposition members criticised the council for ignoring earlier warnings about "
		"the state of the bridge. A public meeting about the closure will be held in "
		"the town hall next Thursday.";
	const char *b =
		"Weather: sunny spells in the morning, showers later in the day.\n"
		"The council will close the cracked Harlow bridge to cars next spring, after "
		"inspectors found cracks in its steel supports. Harbour district shop owners "
		"fear losing customers, though a free shuttle bus will run during the closure. "
		"The repairs will cost forty million euros, half paid by the regional "
		"government, and will take two years. The mayor said safety had to come first, "
		"while opposition members said earlier warnings were ignored.\n"
		"Sport: the rowing club won three medals at the national championships.";
	find(f, a, b);
	assert_int_equal(f->n, 1);
	const doppel__passage *p = &f->ps[0];
	assert_true(p->mode & DOPPEL__PASSAGE_SUMMARY);
	/* b: the summary's four sentences, exactly; a: the article */
	const char *summary = strstr(b, "The council will close");
	const char *end = strstr(b, "were ignored.") + strlen("were ignored.");
	assert_int_equal(p->b_start, summary - b);
	assert_int_equal(p->b_end, end - b);
	assert_true(p->a_start <= 100);
	assert_true(p->a_end >= strlen(a) - 200);
}

/* Texts without words. */
static void test_empty(void **state)
{
	struct fixture *f = *state;
	find(f, "", WATER);
	assert_int_equal(f->n, 0);
	find(f, "...  \n\n !!", "");
	assert_int_equal(f->n, 0);
	assert_int_equal(f->a.nword, 0);
	assert_int_equal(f->a.nsent, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_words, setup, teardown),
		cmocka_unit_test_setup_teardown(test_winnow_guarantee, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verbatim, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reordered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_topic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_non_ascii, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crlf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_condensed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
