/*
 * test_facts.c — names, numbers and dates of an article; how two
 * articles' facts agree and disagree; the conflict score of templated
 * reports; the facts of doppel_explain().
 */
#include "testutil.h"

#include "internal.h"

#include <dirent.h>
#include <utf8proc.h>

/* One article with its facts. */
struct art {
	char *text;
	size_t len;
	doppel__features f;
	doppel__facts x;
};

static doppel__wordnet *wordnet;
static doppel__segmenter *segmenter;

static int setup(void **state)
{
	(void)state;
	char err[DOPPEL__ERRLEN];
	if (doppel__wordnet_load(NULL, &wordnet, err))
		fail_msg("%s", err);
	segmenter = doppel__segmenter_new(wordnet, 7);
	return segmenter ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	doppel__segmenter_free(segmenter);
	doppel__wordnet_free(wordnet);
	return 0;
}

/* Extracts the facts of text (copied) into a. */
static void extract(struct art *a, const char *text, size_t len)
{
	memset(a, 0, sizeof(*a));
	a->text = malloc(len + 1);
	assert_non_null(a->text);
	memcpy(a->text, text, len);
	a->text[len] = '\0';
	a->len = len;
	assert_int_equal(doppel__facts_extract(segmenter, a->text, len, 0, NULL, &a->f, &a->x),
	                 DOPPEL_OK);
}

static void extract_str(struct art *a, const char *text)
{
	extract(a, text, strlen(text));
}

/* Reads a file and extracts its facts; false when there is no file. */
static bool extract_file(struct art *a, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	extract(a, buf, n);
	return true;
}

static void art_free(struct art *a)
{
	free(a->text);
	doppel__features_free(&a->f);
	doppel__facts_free(&a->x);
}

/* The fact of kind (0: any) written exactly as s, or NULL. */
static const doppel__fact *fact(const struct art *a, unsigned kind, const char *s)
{
	for (size_t i = 0; i < a->x.nfact; i++) {
		const doppel__fact *f = &a->x.fact[i];
		if ((!kind || f->kind == kind) && f->end - f->start == strlen(s) &&
		    !memcmp(a->text + f->start, s, strlen(s)))
			return f;
	}
	return NULL;
}

/* The bytes [s, e) of a's text equal want. */
static void assert_bytes(const struct art *a, uint32_t s, uint32_t e, const char *want)
{
	assert_true(e >= s);
	assert_int_equal(e - s, strlen(want));
	assert_memory_equal(a->text + s, want, e - s);
}

static void test_lists_sorted(void **state)
{
	(void)state;
	assert_true(doppel__facts_lists_sorted());
	assert_true(doppel__role_word("minister", 8));
	assert_true(doppel__role_word("deputy", 6));
	assert_false(doppel__role_word("varga", 5));
}

/* The lists' words in one table give what a search of each list gives:
 * every word of them, each cut short and lengthened, every string of up
 * to three letters, and a few with other bytes. */
static void test_lists_table(void **state)
{
	(void)state;
	size_t words = 0, listed = 0;
	char buf[64];
	for (const char *w; (w = doppel__facts_list_word(words)); words++) {
		size_t n = strlen(w);
		unsigned bits = doppel__facts_lists(w, n);
		assert_int_equal(bits, doppel__facts_lists_searched(w, n));
		listed += bits != 0;
		assert_int_equal(doppel__facts_lists(w, n - 1),
		                 doppel__facts_lists_searched(w, n - 1));
		snprintf(buf, sizeof(buf), "%ss", w);
		assert_int_equal(doppel__facts_lists(buf, n + 1),
		                 doppel__facts_lists_searched(buf, n + 1));
		memcpy(buf, w, n);
		buf[n] = '\0';
		buf[n + 1] = 'x';
		assert_int_equal(doppel__facts_lists(buf, n + 2),
		                 doppel__facts_lists_searched(buf, n + 2));
	}
	/* and the table of them (2,048 slots) stays under half full */
	assert_true(words > 300 && words < 1024);
	assert_int_equal(listed, words); /* each is in a list, or a number */
	for (unsigned i = 0; i < 26 * 26 * 26 + 26 * 26 + 26; i++) {
		unsigned v = i;
		size_t n = 0;
		do {
			buf[n++] = (char)('a' + v % 26);
			v /= 26;
		} while (v && n < 3);
		assert_int_equal(doppel__facts_lists(buf, n), doppel__facts_lists_searched(buf, n));
	}
	assert_int_equal(doppel__facts_lists("\xc3\xa9t\xc3\xa9", 5), 0);
	assert_int_not_equal(doppel__facts_lists("one", 3), 0);
	assert_int_not_equal(doppel__facts_lists("minister", 8), 0);
}

static void test_names(void **state)
{
	(void)state;
	struct art a;
	extract_str(&a, "Negotiators met in Lusanne on Monday. Deputy Prime Minister Ilse Maria "
	                "Varga led the delegation of the National Front for the Liberation of "
	                "Arvenia (NFLA). \"We came to open a road,\" Varga said. Later I. Varga "
	                "left, and the deputy foreign minister Anton Reyk stayed with the NFLA "
	                "team. The mediator, Mariela Duchesne, a former Belgian ambassador, spoke "
	                "at the Palais des Nations. Negotiators will return.");
	/* A title and a name stay apart; "Varga" and "I. Varga" are her. */
	const doppel__fact *v = fact(&a, DOPPEL__FACT_PERSON, "Ilse Maria Varga");
	assert_non_null(v);
	assert_bytes(&a, v->rstart, v->rend, "Deputy Prime Minister");
	assert_int_equal(v->mentions, 3);
	assert_null(fact(&a, 0, "Varga"));
	assert_null(fact(&a, 0, "I. Varga"));
	/* Connectors inside a name; the acronym defined in parentheses and
	 * used alone later is the same body. */
	const doppel__fact *n =
		fact(&a, DOPPEL__FACT_ORG, "National Front for the Liberation of Arvenia");
	assert_non_null(n);
	assert_int_equal(n->mentions, 2);
	assert_null(fact(&a, 0, "NFLA"));
	assert_memory_equal(a.x.str + n->acro, "nfla", 4);
	/* Roles written lowercase before the name, or after it. */
	const doppel__fact *r = fact(&a, DOPPEL__FACT_PERSON, "Anton Reyk");
	assert_non_null(r);
	assert_bytes(&a, r->rstart, r->rend, "deputy foreign minister");
	const doppel__fact *d = fact(&a, DOPPEL__FACT_PERSON, "Mariela Duchesne");
	assert_non_null(d);
	assert_bytes(&a, d->rstart, d->rend, "mediator");
	assert_non_null(fact(&a, 0, "Palais des Nations"));
	assert_non_null(fact(&a, DOPPEL__FACT_PLACE, "Lusanne"));
	/* An ordinary word opening a sentence is no name, nor is a role. */
	assert_null(fact(&a, 0, "Negotiators"));
	assert_null(fact(&a, 0, "Later"));
	assert_null(fact(&a, 0, "Deputy Prime Minister"));
	/* Each name's sentence holds it. */
	for (size_t i = 0; i < a.x.nfact; i++) {
		assert_true(a.x.fact[i].sstart <= a.x.fact[i].start);
		assert_true(a.x.fact[i].end <= a.x.fact[i].send);
	}
	art_free(&a);
}

/* Tickers in a headline's brackets, as wires give them; words in brackets
 * that are not symbols give none. */
static void test_title_tickers(void **state)
{
	(void)state;
	uint64_t t[8], u[8], w[8];
	assert_int_equal(doppel__title_tickers("QUAKER OATS CO <OAT> REGULAR DIVIDEND", 7, t, 8),
	                 1);
	assert_int_equal(doppel__title_tickers("Quaker Oats (NYSE: OAT) sets dividend", 7, u, 8), 1);
	assert_int_equal(doppel__title_tickers("Quaker Oats (OAT.N) sets dividend", 7, w, 8), 1);
	assert_true(t[0] == u[0] && u[0] == w[0]);
	/* the ticker hashes as the headline word does */
	uint64_t s[8];
	assert_int_equal(doppel__title_subjects(NULL, "OAT", 7, s, 8), 1);
	assert_true(s[0] == t[0]);
	assert_int_equal(doppel__title_tickers("UAL (UAL) HERTZ UNIT <HRZ> FILES", 7, t, 8), 2);
	assert_true(t[0] < t[1]);
	assert_int_equal(doppel__title_tickers("(CORRECTED)-BANKERS TRUST <BT> PAYOUT", 7, t, 8), 1);
	assert_int_equal(doppel__title_tickers("<MDS HEALTH GROUP LIMITED> IN PAYOUT", 7, t, 8), 0);
	assert_int_equal(doppel__title_tickers("Rates (update 2) <open", 7, t, 8), 0);
	assert_int_equal(doppel__title_tickers(NULL, 7, t, 8), 0);
	assert_int_equal(doppel__title_tickers("<A> <B> <C>", 7, t, 2), 2);
}

static void test_spelling_variants(void **state)
{
	(void)state;
#define VARIANT(a, b) doppel__spelling_variant(a, strlen(a), b, strlen(b))
	assert_true(VARIANT("tomasz", "tomas"));
	assert_true(VARIANT("mohammed", "muhammad"));
	assert_true(VARIANT("mohamed", "muhammad"));
	assert_true(VARIANT("ødegård", "odegaard"));
	assert_true(VARIANT("ocse", "osce"));
	assert_true(VARIANT("szymańska", "szymanska"));
	assert_true(VARIANT("renner", "reiner"));
	assert_false(VARIANT("brenner", "bremen"));
	assert_false(VARIANT("kim", "kin"));
	assert_false(VARIANT("green", "greens"));
	assert_false(VARIANT("varga", "novak"));
#undef VARIANT
}

static void test_numbers(void **state)
{
	(void)state;
	struct art a;
	extract_str(&a, "The agency needs 1,500 to 2,000 volunteers for 3 days. It counted "
	                "4,000 (with families) in the camp, where flour costs £250 a sack and "
	                "prices rose 12.5% last month. Donors pledged $3.2 billion. Between 35 and "
	                "45 unarmed observers will watch three border crossings.");
	const doppel__fact *f = fact(&a, DOPPEL__FACT_NUMBER, "1,500 to 2,000 volunteers");
	assert_non_null(f);
	assert_true(f->lo == 1500 && f->hi == 2000);
	assert_bytes(&a, f->wstart, f->wend, "volunteers");
	f = fact(&a, DOPPEL__FACT_NUMBER, "3 days");
	assert_non_null(f);
	assert_true(f->flags & DOPPEL__FACTF_GENERIC);
	f = fact(&a, DOPPEL__FACT_NUMBER, "4,000 (with families)");
	assert_non_null(f);
	assert_bytes(&a, f->wstart, f->wend, "families");
	f = fact(&a, DOPPEL__FACT_NUMBER, "£250");
	assert_non_null(f);
	assert_string_equal(doppel__fact_unit_name(f->unit), "£");
	f = fact(&a, DOPPEL__FACT_NUMBER, "12.5%");
	assert_non_null(f);
	assert_true(f->lo == 12.5);
	f = fact(&a, DOPPEL__FACT_NUMBER, "$3.2 billion");
	assert_non_null(f);
	assert_true(f->lo == 3.2e9 && f->unit && f->what == 0);
	f = fact(&a, DOPPEL__FACT_NUMBER, "Between 35 and 45 unarmed observers");
	assert_non_null(f);
	assert_true(f->lo == 35 && f->hi == 45);
	assert_non_null(fact(&a, DOPPEL__FACT_NUMBER, "three border crossings"));
	art_free(&a);
	/* A fraction with its whole part, or alone, is one number of its
	 * value. */
	extract_str(&a, "Federal funds traded at 6-1/16 pct, and the bond rose 1/8 point.");
	f = fact(&a, DOPPEL__FACT_NUMBER, "6-1/16 pct");
	assert_non_null(f);
	assert_true(f->lo == 6.0625);
	f = fact(&a, DOPPEL__FACT_NUMBER, "1/8 point");
	assert_non_null(f);
	assert_true(f->lo == 0.125);
	art_free(&a);
	/* ... and after its whole part and a dash that joins no word */
	extract_str(&a, "The notes were priced to yield 9\xe2\x80\x93" "7/8 pct.");
	f = fact(&a, DOPPEL__FACT_NUMBER, "9\xe2\x80\x93" "7/8 pct");
	assert_non_null(f);
	assert_true(f->lo == 9.875);
	art_free(&a);
}

static void test_dates(void **state)
{
	(void)state;
	struct art a;
	extract_str(&a, "date 2025-03-06\n\nThe talks opened on March 5 and a ceasefire holds "
	                "from 3 to 7 June. Convoys run between April 20 and May 4, and a second "
	                "round follows in May. The survey of 2019 was cited on 2025-02-11.");
	const doppel__fact *f = fact(&a, DOPPEL__FACT_DATE, "March 5");
	assert_non_null(f);
	assert_bytes(&a, f->wstart, f->wend, "opened");
	f = fact(&a, DOPPEL__FACT_DATE, "from 3 to 7 June");
	assert_non_null(f);
	assert_true(f->lo == 6 * 32 + 3 && f->hi == 6 * 32 + 7);
	assert_non_null(fact(&a, DOPPEL__FACT_DATE, "between April 20 and May 4"));
	assert_non_null(fact(&a, DOPPEL__FACT_DATE, "May"));
	assert_non_null(fact(&a, DOPPEL__FACT_DATE, "2019"));
	assert_non_null(fact(&a, DOPPEL__FACT_DATE, "2025-02-11"));
	/* The article's own date line is no fact of its text. */
	for (size_t i = 0; i < a.x.nfact; i++)
		assert_true(a.x.fact[i].start > strlen("date 2025-03-06"));
	art_free(&a);
}

/* Articles without a fact, or without a word: nothing to find, nothing
 * to compare, no conflict. */
static void test_no_facts(void **state)
{
	(void)state;
	struct art a, b;
	extract_str(&a, "the cat sat on the mat, and then it slept.");
	extract_str(&b, "");
	assert_int_equal(a.x.nfact, 0);
	assert_int_equal(b.x.nfact, 0);
	assert_int_equal(b.x.nslot, 0);
	doppel__fact_link *l;
	size_t n;
	assert_int_equal(doppel__facts_compare(&a.x, &b.x, &l, &n), DOPPEL_OK);
	assert_int_equal(n, 0);
	free(l);
	doppel__conflict c;
	assert_true(doppel__facts_conflict(&a.x, &b.x, &c) == 0.0);
	assert_int_equal(c.slots, 0);
	art_free(&a);
	art_free(&b);
}

/* The link of a's fact written as sa, or NULL. */
static const doppel__fact_link *link_of(const doppel__fact_link *l, size_t n,
                                        const struct art *a, const struct art *b,
                                        const char *sa, const char *sb)
{
	for (size_t i = 0; i < n; i++) {
		const doppel__fact *fa = l[i].a >= 0 ? &a->x.fact[l[i].a] : NULL;
		const doppel__fact *fb = l[i].b >= 0 ? &b->x.fact[l[i].b] : NULL;
		if ((sa ? fa && fa == fact(a, fa->kind, sa) : !fa) &&
		    (sb ? fb && fb == fact(b, fb->kind, sb) : !fb))
			return &l[i];
	}
	return NULL;
}

static void test_compare_fixture(void **state)
{
	(void)state;
	struct art a, b;
	assert_true(extract_file(&a, test_data("facts/a-wire.txt")));
	assert_true(extract_file(&b, test_data("facts/b-report.txt")));
	doppel__fact_link *l;
	size_t n;
	assert_int_equal(doppel__facts_compare(&a.x, &b.x, &l, &n), DOPPEL_OK);
	/* The envoy spelled two ways is one person, marked as a spelling. */
	const doppel__fact_link *k = link_of(l, n, &a, &b, "Tomasz Brenner", "Tomas Brenner");
	assert_non_null(k);
	assert_int_equal(k->differ, DOPPEL__DIFFER_SPELLING);
	assert_null(link_of(l, n, &a, &b, "Tomasz Brenner", NULL));
	/* Initials, acronyms: the same, no disagreement. */
	k = link_of(l, n, &a, &b, "Ilse Maria Varga", "I. Varga");
	assert_non_null(k);
	assert_int_equal(k->differ, DOPPEL__DIFFER_NONE);
	k = link_of(l, n, &a, &b, "National Front for the Liberation of Arvenia", "NFLA");
	assert_non_null(k);
	assert_int_equal(k->differ, DOPPEL__DIFFER_NONE);
	assert_non_null(link_of(l, n, &a, &b, "United Nations", "UN"));
	/* The range only A gives; another figure for the detainees. */
	assert_non_null(link_of(l, n, &a, &b, "1,500 to 2,000 volunteers", NULL));
	k = link_of(l, n, &a, &b, "240 detainees", "260 detainees");
	assert_non_null(k);
	assert_int_equal(k->differ, DOPPEL__DIFFER_NUMBER);
	assert_non_null(link_of(l, n, &a, &b, "4,000 people", "4,000 people"));
	assert_non_null(link_of(l, n, &a, &b, "March 5", "March 5"));
	assert_non_null(link_of(l, n, &a, &b, NULL, "Hana Okafor"));
	/* Every fact once: a's in order, then b's alone. */
	size_t na = 0, nb = 0;
	for (size_t i = 0; i < n; i++) {
		na += l[i].a >= 0;
		nb += l[i].b >= 0;
		if (i > 0 && l[i].a >= 0)
			assert_int_equal(l[i].a, l[i - 1].a + 1);
	}
	assert_int_equal(na, a.x.nfact);
	assert_int_equal(nb, b.x.nfact);
	free(l);
	art_free(&a);
	art_free(&b);
}

/* Two reports of one template: the Bank of England's money-market
 * operations on two days, the same sentences with other figures. */
static const char *const money_market[2] = {
	"The Bank of England said it had provided the money market with 120 mln stg assistance "
	"in the afternoon session. This brings the Bank's total help so far today to 381 mln stg "
	"and compares with its revised shortage forecast of 450 mln stg. The central bank bought "
	"bills outright in band one at 9.88 pct, comprising 34 mln stg bank bills and 86 mln stg "
	"treasury bills. On March 5 it also bought 15 mln stg of local authority bills in band "
	"two at 9.81 pct.",
	"The Bank of England said it had provided the money market with 95 mln stg assistance "
	"in the afternoon session. This brings the Bank's total help so far today to 210 mln stg "
	"and compares with its revised shortage forecast of 300 mln stg. The central bank bought "
	"bills outright in band one at 9.75 pct, comprising 22 mln stg bank bills and 73 mln stg "
	"treasury bills. On March 6 it also bought 11 mln stg of local authority bills in band "
	"two at 9.69 pct.",
};

static void test_conflict(void **state)
{
	(void)state;
	struct art t[2], c[2];
	extract_str(&t[0], money_market[0]);
	extract_str(&t[1], money_market[1]);
	/* A true copy: the fixture's report, cut by its last paragraph, with
	 * a share prompt added. */
	assert_true(extract_file(&c[0], test_data("facts/a-wire.txt")));
	const char *cut = strstr(c[0].text, "The NFLA delegation");
	assert_non_null(cut);
	char copy[8192];
	int len = snprintf(copy, sizeof(copy), "%.*s\nShare this article\n",
	                   (int)(cut - c[0].text), c[0].text);
	extract(&c[1], copy, (size_t)len);

	doppel__conflict ct, cc, back;
	double templ = doppel__facts_conflict(&t[0].x, &t[1].x, &ct);
	double same = doppel__facts_conflict(&c[0].x, &c[1].x, &cc);
	print_message("templated: %.2f (%u slots, %u differ); copy: %.2f (%u slots)\n", templ,
	              ct.slots, ct.differ, same, cc.slots);
	/* The templated reports fill the same slots with other figures and
	 * dates; the copy fills them alike. */
	assert_true(templ >= 0.6);
	assert_true(ct.differ >= 5);
	assert_true(ct.numbers >= 4 && ct.dates == 1);
	assert_true(same == 0.0);
	assert_true(cc.agree >= 10);
	/* The same from slots kept apart from their facts. */
	doppel__slot kept[64];
	assert_true(t[0].x.nslot <= 64);
	memcpy(kept, t[0].x.slot, t[0].x.nslot * sizeof(*kept));
	assert_true(doppel__slots_conflict(kept, t[0].x.nslot, t[1].x.slot, t[1].x.nslot, NULL) ==
	            templ);
	/* Symmetric. */
	assert_true(doppel__facts_conflict(&t[1].x, &t[0].x, &back) == templ);
	assert_int_equal(back.differ, ct.differ);
	assert_true(doppel__facts_conflict(&c[1].x, &c[0].x, NULL) == same);
	for (int i = 0; i < 2; i++) {
		art_free(&t[i]);
		art_free(&c[i]);
	}
}

/* Wire text wrapped at a fixed width reads as the same text re-flowed: a
 * number keeps its scale, unit and thing counted across the break, so a
 * copy whose paragraphs were re-flowed fills its slots alike. */
static void test_wrapped_lines(void **state)
{
	(void)state;
	struct art w, f;
	extract_str(&w, "Natural gas exports fell 16.3 pct in the month to 2.51 billion\n"
	                "cubic meters, while reserves declined by 189 mln rand to 5.70\n"
	                "billion rand, the agency said.\n"
	                "    The next paragraph starts here.");
	extract_str(&f, "Natural gas exports fell 16.3 pct in the month to 2.51 billion cubic "
	                "meters, while reserves declined by 189 mln rand to 5.70 billion rand, "
	                "the agency said.");
	const doppel__fact *n = fact(&w, DOPPEL__FACT_NUMBER, "2.51 billion\ncubic meters");
	assert_non_null(n);
	assert_true(n->lo == 2.51e9);
	n = fact(&w, DOPPEL__FACT_NUMBER, "5.70\nbillion rand");
	assert_non_null(n);
	assert_true(n->lo == 5.7e9);
	doppel__conflict c;
	assert_true(doppel__facts_conflict(&w.x, &f.x, &c) == 0.0);
	assert_true(c.agree >= 3);
	/* An indented line starts a paragraph: nothing joins across it. */
	assert_null(fact(&w, DOPPEL__FACT_NUMBER, "rand, the agency said.\n    The"));
	art_free(&w);
	art_free(&f);
}

/* Two companies' dividend notices, word for word alike but for their
 * dates: each line names its happening with its first, capitalised word
 * ("Pay", "Record"). One's payment date is the other's record date: the
 * dates fill the same slots otherwise, and the notices disagree. */
static void test_line_happenings(void **state)
{
	(void)state;
	struct art a, b;
	extract_str(&a, "Qtly div 10 cts vs 10 cts prior\n    Pay April 15\n    Record March 30\n");
	extract_str(&b, "Qtly div 10 cts vs 10 cts prior\n    Pay April 30\n    Record April 15\n");
	doppel__conflict c;
	doppel__facts_conflict(&a.x, &b.x, &c);
	assert_int_equal(c.dates, 2);
	/* the same notice sent twice agrees */
	struct art a2;
	extract_str(&a2, "Qtly div 10 cts vs 10 cts prior\n    Pay April 15\n    Record March 30\n");
	doppel__facts_conflict(&a.x, &a2.x, &c);
	assert_int_equal(c.differ, 0);
	art_free(&a);
	art_free(&a2);
	art_free(&b);
}

/* Templated reports write small figures as words: "six cts", "two
 * billion dlrs", "one billion dlrs". */
static void test_spelled_figures(void **state)
{
	(void)state;
	struct art a, b;
	extract_str(&a, "Qtly div six cts vs six cts prior. The Fed arranged two billion dlrs "
	                "of repurchases.");
	extract_str(&b, "Qtly div four cts vs four cts prior. The Fed arranged one billion dlrs "
	                "of repurchases.");
	const doppel__fact *n = fact(&a, DOPPEL__FACT_NUMBER, "six cts");
	assert_non_null(n);
	assert_true(n->lo == 6);
	n = fact(&a, DOPPEL__FACT_NUMBER, "two billion dlrs of repurchases");
	assert_non_null(n);
	assert_true(n->lo == 2e9);
	n = fact(&b, DOPPEL__FACT_NUMBER, "one billion dlrs of repurchases");
	assert_non_null(n);
	assert_true(n->lo == 1e9);
	/* "one" alone counts nothing; "two weeks" has no unit. */
	struct art c;
	extract_str(&c, "One of them left after two weeks.");
	assert_null(fact(&c, DOPPEL__FACT_NUMBER, "One"));
	doppel__conflict k;
	doppel__facts_conflict(&a.x, &b.x, &k);
	assert_true(k.numbers >= 2);
	/* Packed as the index keeps them, the slots conflict alike. */
	uint64_t pa[64], pb[64];
	assert_true(a.x.nslot <= 64 && b.x.nslot <= 64);
	size_t na = doppel__slots_pack(a.x.slot, a.x.nslot, pa);
	size_t nb = doppel__slots_pack(b.x.slot, b.x.nslot, pb);
	doppel__conflict pk;
	doppel__packed_conflict(pa, na, pb, nb, &pk);
	assert_int_equal(pk.numbers, k.numbers);
	assert_int_equal(pk.agree, k.agree);
	art_free(&a);
	art_free(&b);
	art_free(&c);
}

/* ------------------------------------------------------- in-house stories */

/* Role and title words, written out here apart from facts.c's lists. */
static const char *const role_words[] = {
	"ambassador", "chairman", "chief",     "commander",      "commissioner", "councillor",
	"deputy",     "director", "envoy",     "executive",      "governor",     "judge",
	"lawyer",     "leader",   "manager",   "mayor",          "mediator",     "minister",
	"negotiator", "officer",  "president", "prime",          "professor",    "secretary",
	"senator",    "spokesman", "spokeswoman", "superintendent",
};

/* A name's words as the test compares them: accents stripped, lowercase. */
static void plain(const char *s, size_t n, char *out, size_t cap)
{
	utf8proc_uint8_t *m = NULL;
	utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &m,
	                                  UTF8PROC_COMPOSE | UTF8PROC_STRIPMARK |
	                                          UTF8PROC_CASEFOLD);
	assert_true(r >= 0);
	snprintf(out, cap, "%s", (const char *)m);
	free(m);
}

/* Checks the names of one article: no role word is a person's name or a
 * name on its own. */
static void check_roles(const struct art *a, const char *path)
{
	for (size_t i = 0; i < a->x.nfact; i++) {
		const doppel__fact *f = &a->x.fact[i];
		if (!DOPPEL__FACT_IS_NAME(f->kind))
			continue;
		const char *name = a->x.str + f->name;
		bool single = !memchr(name, ' ', f->nlen);
		if (f->kind != DOPPEL__FACT_PERSON && !single)
			continue;
		for (size_t w = 0; w < f->nlen;) {
			size_t e = w;
			while (e < f->nlen && name[e] != ' ')
				e++;
			for (size_t k = 0; k < sizeof(role_words) / sizeof(*role_words); k++)
				if (e - w == strlen(role_words[k]) &&
				    !memcmp(name + w, role_words[k], e - w))
					fail_msg("%s: role word in the name \"%.*s\"", path, (int)f->nlen,
					         name);
			w = e + 1;
		}
	}
}

/* Every person two articles name with the same surname and given name,
 * accents aside, is reported as one person. */
static void check_persons(const struct art *a, const struct art *b, const char *pa,
                          const char *pb)
{
	doppel__fact_link *l;
	size_t n;
	assert_int_equal(doppel__facts_compare(&a->x, &b->x, &l, &n), DOPPEL_OK);
	for (size_t i = 0; i < a->x.nfact; i++) {
		const doppel__fact *p = &a->x.fact[i];
		if (p->kind != DOPPEL__FACT_PERSON || !p->given)
			continue;
		char np[256], nq[256];
		plain(a->x.str + p->name, p->nlen, np, sizeof(np));
		for (size_t j = 0; j < b->x.nfact; j++) {
			const doppel__fact *q = &b->x.fact[j];
			if (q->kind != DOPPEL__FACT_PERSON)
				continue;
			plain(b->x.str + q->name, q->nlen, nq, sizeof(nq));
			if (strcmp(np, nq))
				continue;
			bool linked = false;
			for (size_t k = 0; k < n; k++)
				linked |= l[k].a == (int32_t)i && l[k].b == (int32_t)j;
			if (!linked)
				fail_msg("%s and %s: \"%s\" not matched across the articles", pa, pb,
				         np);
		}
	}
	free(l);
}

/* The names written one way in one article and another way in the other
 * on purpose (tests/data/eval/README*.md, tests/data/scenario/README.md):
 * one person or body, marked as a spelling. */
static const struct planted {
	const char *a, *b, *in_a, *in_b;
} planted[] = {
	{"eval/s01/orig.txt", "eval/s01/indep.txt", "Marit Ødegård", "Marit Odegaard"},
	{"eval/s02/orig.txt", "eval/s02/indep.txt", "Tobías Renner", "Tobias Reiner"},
	{"eval/s03/orig.txt", "eval/s03/indep.txt", "Mikael Sundqvist", "Mikael Sundkvist"},
	{"eval/s04/orig.txt", "eval/s04/indep.txt", "Dagmar Novotná", "Dagmar Novotna"},
	{"eval/s05/orig.txt", "eval/s05/indep.txt", "Ingrid Falkenrath", "Ingrid Falkenrat"},
	{"eval/s06/orig.txt", "eval/s06/indep.txt", "João Pestana", "João Pestanha"},
	{"eval/s07/orig.txt", "eval/s07/indep.txt", "Sigrún Hallsdóttir", "Sigrun Hallsdottir"},
	{"eval/s07/orig.txt", "eval/s07/indep.txt", "Frederik Lundgaard", "Frederik Lundgård"},
	{"eval/s08/orig.txt", "eval/s08/indep.txt", "Anneliese Brandt", "Anneliese Brand"},
	{"eval/s09/orig.txt", "eval/s09/indep.txt", "Zoltán Varga", "Zoltan Varga"},
	{"eval/s10/orig.txt", "eval/s10/indep.txt", "Ewa Szymańska", "Ewa Szymanska"},
	{"eval/s11/orig.txt", "eval/s11/indep.txt", "Katrine Solheim", "Katrin Solheim"},
	{"eval/s13/orig.txt", "eval/s13/indep.txt", "Gareth Pryce", "Gareth Price"},
	{"eval/s14/orig.txt", "eval/s14/indep.txt", "Inés Carvalho", "Inês Carvalho"},
	{"eval/s15/orig.txt", "eval/s15/indep.txt", "Mikael Östberg", "Michael Östberg"},
	{"eval/s16/orig.txt", "eval/s16/indep.txt", "Elin Rask", "Elin Rasch"},
	{"eval/s18/orig.txt", "eval/s18/indep.txt", "Nadia Osterberg", "Nadia Österberg"},
	{"eval/s19/orig.txt", "eval/s19/indep.txt", "Milena Horvat", "Milena Horvath"},
	{"eval/s20/orig.txt", "eval/s20/indep.txt", "Bronwen Ellis", "Bronwyn Ellis"},
	{"scenario/a-wire.txt", "scenario/d-independent.txt", "Anton Reyk", "Anton Reik"},
	{"facts/a-wire.txt", "facts/b-report.txt", "Tomasz Brenner", "Tomas Brenner"},
};

static void test_planted_spellings(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(planted) / sizeof(*planted); i++) {
		const struct planted *p = &planted[i];
		struct art a, b;
		char pa[4096];
		snprintf(pa, sizeof(pa), "%s", test_data(p->a));
		assert_true(extract_file(&a, pa));
		assert_true(extract_file(&b, test_data(p->b)));
		doppel__fact_link *l;
		size_t n;
		assert_int_equal(doppel__facts_compare(&a.x, &b.x, &l, &n), DOPPEL_OK);
		const doppel__fact_link *k = link_of(l, n, &a, &b, p->in_a, p->in_b);
		if (!k || k->differ != DOPPEL__DIFFER_SPELLING)
			fail_msg("%s: \"%s\" and \"%s\" are not one person spelled two ways", p->a,
			         p->in_a, p->in_b);
		const doppel__fact *fa = &a.x.fact[k->a];
		assert_int_equal(fa->kind, DOPPEL__FACT_PERSON);
		free(l);
		art_free(&a);
		art_free(&b);
	}
}

/* The .txt files of dir, sorted; returns how many (at most max). */
static size_t txt_files(const char *dir, char names[][256], size_t max)
{
	DIR *d = opendir(dir);
	size_t n = 0;
	if (!d)
		return 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < max) {
		size_t len = strlen(e->d_name);
		if (len > 4 && !strcmp(e->d_name + len - 4, ".txt"))
			snprintf(names[n++], 256, "%s/%s", dir, e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), (int (*)(const void *, const void *))strcmp);
	return n;
}

/* The articles of one story: no role word as a name; every pair names its
 * persons alike. Returns the number of articles. */
static size_t check_story(const char *dir)
{
	char names[32][256];
	size_t n = txt_files(dir, names, 32);
	struct art *arts = calloc(n + 1, sizeof(*arts));
	assert_non_null(arts);
	for (size_t i = 0; i < n; i++) {
		assert_true(extract_file(&arts[i], names[i]));
		check_roles(&arts[i], names[i]);
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			if (i != j)
				check_persons(&arts[i], &arts[j], names[i], names[j]);
	for (size_t i = 0; i < n; i++)
		art_free(&arts[i]);
	free(arts);
	return n;
}

static void test_in_house_stories(void **state)
{
	(void)state;
	size_t total = 0;
	char dir[4096];
	for (int s = 1; s <= 22; s++) {
		char name[32];
		snprintf(name, sizeof(name), "eval/s%02d", s);
		snprintf(dir, sizeof(dir), "%s", test_data(name));
		total += check_story(dir);
	}
	snprintf(dir, sizeof(dir), "%s", test_data("scenario"));
	total += check_story(dir);
	snprintf(dir, sizeof(dir), "%s", test_data("facts"));
	total += check_story(dir);
	const char *sources[] = {"click-digest", "coast-post", "harbor-wire", "metro-times",
	                         "valley-daily"};
	for (size_t i = 0; i < sizeof(sources) / sizeof(*sources); i++) {
		char name[64];
		snprintf(name, sizeof(name), "../../examples/news/%s", sources[i]);
		snprintf(dir, sizeof(dir), "%s", test_data(name));
		total += check_story(dir);
	}
	/* 22 stories of 8, the scenario's 5, the fixture's 2, the examples' 26 */
	assert_int_equal(total, 22 * 8 + 5 + 2 + 26);
}

/* ------------------------------------------------------------- explain */

static void test_explain(void **state)
{
	(void)state;
	struct art a, b;
	assert_true(extract_file(&a, test_data("facts/a-wire.txt")));
	assert_true(extract_file(&b, test_data("facts/b-report.txt")));
	doppel_params p;
	doppel_params_init(&p);
	doppel_article aa = {.id = "a", .text = a.text, .text_len = a.len, .date = DOPPEL_NO_DATE};
	doppel_article ab = {.id = "b", .text = b.text, .text_len = b.len, .date = DOPPEL_NO_DATE};
	doppel_explanation *e = NULL;
	char err[256];
	assert_int_equal(doppel_explain(&p, &aa, &ab, &e, err, sizeof(err)), DOPPEL_OK);
	/* The envoy: one disagreement of spelling, with both sentences. */
	const doppel_fact_pair *brenner = NULL;
	for (size_t i = 0; i < e->ndisagreements; i++)
		if (e->disagreements[i].a.text && !strcmp(e->disagreements[i].a.text, "Tomasz Brenner"))
			brenner = &e->disagreements[i];
	assert_non_null(brenner);
	assert_string_equal(brenner->kind, "person");
	assert_string_equal(brenner->differ, "spelling");
	assert_string_equal(brenner->b.text, "Tomas Brenner");
	assert_memory_equal(a.text + brenner->a.start, "Tomasz Brenner", 14);
	assert_memory_equal(b.text + brenner->b.start, "Tomas Brenner", 13);
	assert_true(brenner->a.sentence_start <= brenner->a.start &&
	            brenner->a.end <= brenner->a.sentence_end);
	assert_memory_equal(a.text + brenner->a.sentence_start, brenner->a.sentence,
	                    brenner->a.sentence_end - brenner->a.sentence_start);
	assert_non_null(strstr(brenner->b.sentence, "UN envoy Tomas Brenner"));
	/* The range: a fact only A states. */
	bool range = false;
	for (size_t i = 0; i < e->nfacts_only_a; i++) {
		const doppel_fact_pair *f = &e->facts_only_a[i];
		assert_null(f->b.text);
		if (!strcmp(f->a.text, "1,500 to 2,000 volunteers")) {
			range = true;
			assert_string_equal(f->kind, "number");
			assert_string_equal(f->what, "volunteers");
		}
	}
	assert_true(range);
	/* Shared: the quote, and the minister with her role. */
	bool quote = false, varga = false;
	for (size_t i = 0; i < e->nfacts_shared; i++) {
		const doppel_fact_pair *f = &e->facts_shared[i];
		assert_non_null(f->a.text);
		assert_non_null(f->b.text);
		quote |= !strcmp(f->kind, "quote") && strstr(f->a.text, "open a road");
		if (!strcmp(f->a.text, "Ilse Maria Varga")) {
			varga = true;
			assert_string_equal(f->b.text, "I. Varga");
			assert_string_equal(f->role, "Deputy Prime Minister");
		}
	}
	assert_true(quote && varga);
	/* The first shape lists the same facts. */
	assert_int_equal(e->nshared, e->nfacts_shared);
	assert_int_equal(e->nfacts_a, e->nfacts_only_a);
	assert_int_equal(e->nfacts_b, e->nfacts_only_b);
	for (size_t i = 0; i < e->nfacts_b; i++)
		assert_string_equal(e->facts_b[i].text, e->facts_only_b[i].b.text);
	assert_true(e->conflict >= 0 && e->conflict <= 1);
	doppel_explanation_free(e);
	art_free(&a);
	art_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lists_sorted),
		cmocka_unit_test(test_lists_table),
		cmocka_unit_test(test_line_happenings),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_title_tickers),
		cmocka_unit_test(test_spelling_variants),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_no_facts),
		cmocka_unit_test(test_compare_fixture),
		cmocka_unit_test(test_conflict),
		cmocka_unit_test(test_wrapped_lines),
		cmocka_unit_test(test_spelled_figures),
		cmocka_unit_test(test_planted_spellings),
		cmocka_unit_test(test_in_house_stories),
		cmocka_unit_test(test_explain),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
