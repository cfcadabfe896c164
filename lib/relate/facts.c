/*
 * facts.c — the facts of an article a reader can check, and how two
 * articles' facts agree or disagree.
 *
 * Names are spans of capitalised words ("Ilse Maria Varga", "National
 * Front for the Liberation of Arvenia"), a role or title kept apart from
 * the person it names ("Deputy Prime Minister" / "Ilse Varga"); numbers
 * keep their range, unit and the thing they count ("1,500 to 2,000
 * volunteers", "$3.2 billion"); dates keep their range and the happening
 * near them. Comparing two articles links the facts they share, also
 * across spellings (Tomasz/Tomas), initials and acronyms, and reports as
 * disagreements one person spelled two ways, the same surname or role with
 * another given name or person, another figure for the same thing counted,
 * another date for the same happening. A cheap score over template slots
 * tells templated reports (same words, other figures) from copies.
 *
 * Nothing here finds words or sentences: segmentation shows each word to
 * this file as it goes (doppel__segment_with), with its folded form, stem
 * and sentence; what lies between two words (punctuation, currency signs)
 * is read from the text.
 */
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ------------------------------------------------------------ word lists */

/* Sorted lists of lowercase words, looked up by binary search. */
#define LIST(a) a, sizeof(a) / sizeof(*a)

/* Words that head a role: the last word of "deputy foreign minister". */
static const char *const role_heads[] = {
	"adviser",        "advisor",        "ambassador",    "analyst",
	"archbishop",     "attorney",       "auditor",       "bishop",
	"captain",        "cardinal",       "ceo",           "chair",
	"chairman",       "chairperson",    "chairwoman",    "chancellor",
	"chief",          "coach",          "colonel",       "commander",
	"commissioner",   "congressman",    "congresswoman", "correspondent",
	"councillor",     "councilor",      "delegate",      "director",
	"economist",      "editor",         "emir",          "envoy",
	"executive",      "general",        "governor",      "imam",
	"inspector",      "judge",          "justice",       "king",
	"lawyer",         "leader",         "lieutenant",    "manager",
	"mayor",          "mediator",       "minister",      "negotiator",
	"officer",        "ombudsman",      "pope",          "premier",
	"president",      "prince",         "princess",      "professor",
	"prosecutor",     "queen",          "rabbi",         "rapporteur",
	"representative", "researcher",     "scientist",     "secretary",
	"senator",        "sergeant",       "sheikh",        "sheriff",
	"speaker",        "spokesman",      "spokesperson",  "spokeswoman",
	"sultan",         "superintendent", "treasurer",     "warden",
};

/* Words that qualify a role before its head. */
static const char *const role_mods[] = {
	"acting",  "assistant", "associate", "chief",    "defence",     "defense",
	"deputy",  "economy",   "education", "energy",   "environment", "executive",
	"finance", "first",     "foreign",   "former",   "grand",       "health",
	"high",    "home",      "interim",   "interior", "junior",      "labor",
	"labour",  "lead",      "local",     "managing", "operations",  "opposition",
	"prime",   "principal", "regional",  "senior",   "special",     "state",
	"supreme", "trade",     "transport", "under",    "vice",
};

/* Titles of address: they mark a person but are no role. */
static const char *const honorifics[] = {
	"dame", "dr", "lady", "lord", "miss", "mme", "mr", "mrs", "ms", "prof", "rev", "sir",
};

/* Lowercase words that may stand inside a name. */
static const char *const connectors[] = {
	"al",  "and", "bin", "da",  "das", "de", "del", "della", "den", "der", "des", "di",
	"dos", "du",  "el",  "for", "ibn", "la", "le",  "of",    "the", "van", "von", "y",
};

/* Of those, the ones a person's name holds (von der Leyen, al-Hassan). */
static const char *const particles[] = {
	"al", "bin", "da", "das", "de",  "del", "della", "den", "der", "des",
	"di", "dos", "du", "el",  "ibn", "la",  "le",    "van", "von", "y",
};

/* Last or inner words of the names of bodies. */
static const char *const org_words[] = {
	"academy",       "aerospace",    "agency",       "air",          "airline",
	"airlines",      "airways",      "alliance",     "army",         "assembly",
	"association",   "authority",    "bank",         "board",        "brigade",
	"bureau",        "capital",      "center",       "centre",       "church",
	"club",          "coalition",    "college",      "commission",   "committee",
	"company",       "congress",     "corp",         "corporation",  "council",
	"court",         "crescent",     "cross",        "daily",        "department",
	"directorate",   "federation",   "forces",       "foundation",   "front",
	"fund",          "gallery",      "group",        "guard",        "holdings",
	"hospital",      "inc",          "industries",   "inspectorate", "institute",
	"international", "laboratory",   "league",       "library",      "ltd",
	"media",         "ministry",     "motors",       "movement",     "museum",
	"nations",       "navy",         "network",      "news",         "observatory",
	"office",        "organisation", "organization", "parliament",   "party",
	"plc",           "police",       "press",        "republic",     "school",
	"senate",        "service",      "society",      "spaceport",    "stadium",
	"station",       "systems",      "technologies", "theater",      "theatre",
	"times",         "tribunal",     "trust",        "union",        "university",
	"works",         "zoo",
};

/* Words of the names of places. */
static const char *const place_words[] = {
	"airport",   "avenue",  "basin",    "bay",       "canyon", "cape",    "city",   "coast",
	"county",    "delta",   "desert",   "district",  "east",   "forest",  "fort",   "gulf",
	"harbor",    "harbour", "heights",  "hills",     "island", "islands", "lake",   "las",
	"los",       "mount",   "mountain", "mountains", "new",    "north",   "ocean",  "pass",
	"peninsula", "port",    "porto",    "province",  "puerto", "region",  "river",  "road",
	"saint",     "san",     "santa",    "santo",     "sea",    "south",   "square", "state",
	"states",    "strait",  "street",   "vale",      "valley", "village", "west",
};

/* A lone name after one of these is a place. */
static const char *const place_preps[] = {
	"across", "around", "at",      "from",   "in",      "inside", "into",
	"near",   "off",    "outside", "toward", "towards", "via",
};

/* A month alone is a date after one of these ("in May"). */
static const char *const date_preps[] = {
	"after", "before", "by",   "during", "early", "from", "in",    "last",
	"late",  "mid",    "next", "of",     "since", "this", "until",
};

/* Words the thing counted may follow: "12.5% of the vote". */
static const char *const count_skips[] = {"of", "the", "with"};

/* Things counted so often that two counts of them are rarely one fact:
 * "30 years" and "five years" say nothing against each other. */
static const char *const generic_things[] = {
	"century", "day",    "days",    "decade", "decades", "hour",
	"hours",   "minute", "minutes", "month",  "months",  "seconds",
	"time",    "times",  "week",    "weeks",  "year",    "years",
};

/* Words that join the two ends of a range. */
static const char *const range_words[] = {"and", "through", "till", "to", "until"};

/* Pronouns that may stand for a person just named, and for a thing. */
static const char *const personal[] = {"he",  "her", "herself", "him",  "himself",
                                       "his", "she", "who",     "whose"};
static const char *const neuter[] = {"it", "its", "itself", "which"};

/* The lists above that win() asks of a word, again and again: the
 * segmenter keeps the answers with each word it knows (doppel__word.lists,
 * from doppel__facts_lists), one bit a list. */
enum word_list {
	WL_ROLE_HEADS,
	WL_ROLE_MODS,
	WL_HONORIFICS,
	WL_CONNECTORS,
	WL_PARTICLES,
	WL_ORG_WORDS,
	WL_PLACE_WORDS,
	WL_PLACE_PREPS,
	WL_DATE_PREPS,
	WL_COUNT_SKIPS,
	WL_GENERIC_THINGS,
	WL_RANGE_WORDS,
	WL_PERSONAL,
	WL_NEUTER,
	WL_NUMBER_WORD, /* not in word_lists: a word of number_words, or "one" */
};
_Static_assert(WL_NUMBER_WORD < 16, "doppel__word.lists holds a bit for each list");

static const struct {
	const char *const *words;
	size_t count;
} word_lists[] = {
	[WL_ROLE_HEADS] = {LIST(role_heads)},
	[WL_ROLE_MODS] = {LIST(role_mods)},
	[WL_HONORIFICS] = {LIST(honorifics)},
	[WL_CONNECTORS] = {LIST(connectors)},
	[WL_PARTICLES] = {LIST(particles)},
	[WL_ORG_WORDS] = {LIST(org_words)},
	[WL_PLACE_WORDS] = {LIST(place_words)},
	[WL_PLACE_PREPS] = {LIST(place_preps)},
	[WL_DATE_PREPS] = {LIST(date_preps)},
	[WL_COUNT_SKIPS] = {LIST(count_skips)},
	[WL_GENERIC_THINGS] = {LIST(generic_things)},
	[WL_RANGE_WORDS] = {LIST(range_words)},
	[WL_PERSONAL] = {LIST(personal)},
	[WL_NEUTER] = {LIST(neuter)},
};

/* Whether a list is in strictly ascending order. */
static bool sorted(const char *const *list, size_t count)
{
	for (size_t i = 1; i < count; i++)
		if (strcmp(list[i - 1], list[i]) >= 0)
			return false;
	return true;
}

static bool number_words_sorted(void);

/* Every list, for the unit tests: the binary search needs them sorted. */
bool doppel__facts_lists_sorted(void)
{
	return sorted(LIST(role_heads)) && sorted(LIST(role_mods)) &&
	       sorted(LIST(honorifics)) && sorted(LIST(connectors)) &&
	       sorted(LIST(particles)) && sorted(LIST(org_words)) &&
	       sorted(LIST(place_words)) && sorted(LIST(place_preps)) &&
	       sorted(LIST(date_preps)) && sorted(LIST(count_skips)) &&
	       sorted(LIST(range_words)) && sorted(LIST(generic_things)) &&
	       sorted(LIST(personal)) && sorted(LIST(neuter)) && number_words_sorted();
}

/* A head or a qualifier of a role. */
bool doppel__role_word(const char *w, size_t n)
{
	return doppel__word_in(LIST(role_heads), w, n) ||
	       doppel__word_in(LIST(role_mods), w, n);
}

/* Units: how a number's unit is written back, and the words that give
 * it. Measures count something themselves ("38 hectares"); money and
 * shares do not. */
static const char *const unit_names[] = {
	"",   "%", "$",  "£",     "€",  "¥",  "km",  "mi", "m",
	"kg", "t", "ha", "acres", "MW", "GW", "mph", "°",
};
#define UNIT_PERCENT 1
#define UNIT_MEASURE 6 /* this one and the ones after it */

static const struct unit_word {
	const char *w;
	uint8_t unit;
} unit_words[] = {
	{"acres", 12},     {"dlrs", 2},       {"dollars", 2},    {"eur", 4},
	{"euro", 4},       {"euros", 4},      {"gbp", 3},        {"gigawatts", 14},
	{"gw", 14},        {"ha", 11},        {"hectares", 11},  {"kg", 9},
	{"kilograms", 9},  {"kilometers", 6}, {"kilometres", 6}, {"km", 6},
	{"megawatts", 13}, {"meters", 8},     {"metres", 8},     {"miles", 7},
	{"mph", 15},       {"mw", 13},        {"pct", 1},        {"percent", 1},
	{"pounds", 3},     {"sterling", 3},   {"stg", 3},        {"tonnes", 10},
	{"tons", 10},      {"usd", 2},        {"yen", 5},        {"degrees", 16},
};

/* The unit a word gives ("pct" %, "stg" £), 0 for none. */
static unsigned unit_of(const char *w, size_t n)
{
	for (size_t i = 0; i < sizeof(unit_words) / sizeof(*unit_words); i++)
		if (doppel__word_cmp(w, n, unit_words[i].w) == 0)
			return unit_words[i].unit;
	return 0;
}

static const struct scale_word {
	const char *w;
	double f;
} scale_words[] = {
	{"billion", 1e9}, {"bln", 1e9},      {"bn", 1e9},        {"million", 1e6},
	{"mln", 1e6},     {"thousand", 1e3}, {"trillion", 1e12},
};

/* The factor of a scale word ("mln" 1e6), 0 for none. */
static double scale_of(const char *w, size_t n)
{
	for (size_t i = 0; i < sizeof(scale_words) / sizeof(*scale_words); i++)
		if (doppel__word_cmp(w, n, scale_words[i].w) == 0)
			return scale_words[i].f;
	return 0;
}

/* Numbers written as words, sorted; "one" is left out, it is mostly no
 * count. */
static const struct number_word {
	const char *w;
	double v;
} number_words[] = {
	{"dozen", 12},     {"eight", 8},     {"eighteen", 18}, {"eighty", 80},  {"eleven", 11},
	{"fifteen", 15},   {"fifty", 50},    {"five", 5},      {"forty", 40},   {"four", 4},
	{"fourteen", 14},  {"nine", 9},      {"nineteen", 19}, {"ninety", 90},  {"seven", 7},
	{"seventeen", 17}, {"seventy", 70},  {"six", 6},       {"sixteen", 16}, {"sixty", 60},
	{"ten", 10},       {"thirteen", 13}, {"thirty", 30},   {"three", 3},    {"twelve", 12},
	{"twenty", 20},    {"two", 2},
};

/* The value of a number written as a word, 0 for none. */
static double number_word(const char *w, size_t n)
{
	size_t lo = 0, hi = sizeof(number_words) / sizeof(*number_words);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = doppel__word_cmp(w, n, number_words[mid].w);
		if (c == 0)
			return number_words[mid].v;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

/* Whether number_words is in strictly ascending order. */
static bool number_words_sorted(void)
{
	for (size_t i = 1; i < sizeof(number_words) / sizeof(*number_words); i++)
		if (strcmp(number_words[i - 1].w, number_words[i].w) >= 0)
			return false;
	return true;
}

/* Every word of the lists with the bits of the lists that hold it (and
 * WL_NUMBER_WORD's), by open addressing on its hash: what a word is, in
 * one look rather than a search of each list. Made once; the lists' words
 * fill under half of it (test_facts holds them so). */
#define LW_SLOTS 2048
static struct lw_slot {
	const char *w; /* NULL: free */
	size_t n;
	unsigned bits;
} lw_table[LW_SLOTS];
static pthread_once_t lw_once = PTHREAD_ONCE_INIT;

static size_t lw_home(const char *w, size_t n)
{
	return (size_t)doppel__hash(w, n, 0x6c77) & (LW_SLOTS - 1);
}

static void lw_add(const char *w, unsigned bit)
{
	size_t n = strlen(w), i = lw_home(w, n);
	while (lw_table[i].w && !(lw_table[i].n == n && memcmp(lw_table[i].w, w, n) == 0))
		i = (i + 1) & (LW_SLOTS - 1);
	lw_table[i].w = w;
	lw_table[i].n = n;
	lw_table[i].bits |= 1u << bit;
}

static void lw_build(void)
{
	for (unsigned l = 0; l < sizeof(word_lists) / sizeof(*word_lists); l++)
		for (size_t k = 0; k < word_lists[l].count; k++)
			lw_add(word_lists[l].words[k], l);
	for (size_t k = 0; k < sizeof(number_words) / sizeof(*number_words); k++)
		if (number_words[k].v != 0)
			lw_add(number_words[k].w, WL_NUMBER_WORD);
	lw_add("one", WL_NUMBER_WORD);
}

unsigned doppel__facts_lists(const char *w, size_t n)
{
	pthread_once(&lw_once, lw_build);
	for (size_t i = lw_home(w, n); lw_table[i].w; i = (i + 1) & (LW_SLOTS - 1))
		if (lw_table[i].n == n && memcmp(lw_table[i].w, w, n) == 0)
			return lw_table[i].bits;
	return 0;
}

const char *doppel__facts_list_word(size_t i)
{
	for (unsigned l = 0; l < sizeof(word_lists) / sizeof(*word_lists); l++) {
		if (i < word_lists[l].count)
			return word_lists[l].words[i];
		i -= word_lists[l].count;
	}
	return i < sizeof(number_words) / sizeof(*number_words) ? number_words[i].w : NULL;
}

/* doppel__facts_lists() by a search of each list, for the unit tests. */
unsigned doppel__facts_lists_searched(const char *w, size_t n)
{
	unsigned in = 0;
	for (unsigned l = 0; l < sizeof(word_lists) / sizeof(*word_lists); l++)
		if (doppel__word_in(word_lists[l].words, word_lists[l].count, w, n))
			in |= 1u << l;
	if (number_word(w, n) != 0 || doppel__word_cmp(w, n, "one") == 0)
		in |= 1u << WL_NUMBER_WORD;
	return in;
}

/* Static names; "" for an unknown kind. */
const char *doppel__fact_kind_name(unsigned kind)
{
	static const char *const names[] = {"",     "person", "organisation", "place",
	                                    "name", "number", "date"};
	return kind < sizeof(names) / sizeof(*names) ? names[kind] : "";
}

/* Static names; "" for none or an unknown unit. */
const char *doppel__fact_unit_name(unsigned unit)
{
	return unit < sizeof(unit_names) / sizeof(*unit_names) ? unit_names[unit] : "";
}

/* --------------------------------------------------------------- words */

/* A word as this file keeps it. */
struct fword {
	uint32_t start, end, next;
	uint32_t seg;  /* its sentence as segmentation closed it */
	uint32_t sent; /* the same, with lines wrapped at a fixed width
	                   joined (join_wrapped) */
	uint32_t stem;
	uint32_t fold, flen; /* the folded form in scratch->fold */
	uint64_t h;
	uint16_t flags; /* DOPPEL__W_* and FW_* */
	uint8_t month;
	uint8_t used;   /* USED_*: taken by a fact */
	uint16_t lists; /* doppel__word.lists */
};

#define FW_CAPS 0x100    /* capitals only, two letters or more: an acronym */
#define FW_NUMBER 0x200  /* digits with at most one '.', nothing else */
#define FW_TITLE 0x400   /* in a sentence written in title case */
#define FW_POSSESS 0x800 /* followed by a possessive 's */

#define USED_NUMBER 1
#define USED_DATE 2
#define USED_NAME 3
#define USED_ROLE 4

/* A name as written once: its words, its role, its guessed kind. */
struct mention {
	uint32_t first, last;  /* word numbers of the name */
	uint32_t rstart, rend; /* bytes of its role or title (equal: none) */
	uint32_t role;         /* hash of the folded role words, 0: none */
	uint8_t kind;
	bool titled;     /* a role or title of address stands with it */
	bool place_hint; /* after "in", "at", … or a dateline */
	int32_t alias;   /* word number of an acronym defined after it in
	                    parentheses, -1: none */
	int32_t entity;  /* the fact it names */
};

struct doppel__fscratch {
	struct fword *w;
	size_t nw, wcap;
	char *fold;
	size_t flen, fcap;
	struct mention *m;
	size_t nm, mcap;
	uint64_t *seen; /* open addressing: word hash, low 2 bits the marks */
	size_t seencap;
	size_t nseen; /* the slots this article's words use (a power of two) */
};

#define SEEN_LOWER 1u   /* written in lowercase somewhere */
#define SEEN_CAP_MID 2u /* capitalised in mid-sentence somewhere */

/* Keeps the word segmentation shows, with its folded form. */
static int watch_word(void *ctx, const doppel__word *dw)
{
	struct doppel__fscratch *sc = ctx;
	if (doppel__grow((void **)&sc->w, &sc->wcap, sc->nw + 1, sizeof(*sc->w)) ||
	    doppel__grow((void **)&sc->fold, &sc->fcap, sc->flen + dw->flen + 1, 1))
		return DOPPEL_E_NOMEM;
	memcpy(sc->fold + sc->flen, dw->fold, dw->flen);
	sc->fold[sc->flen + dw->flen] = '\0';
	sc->w[sc->nw++] = (struct fword){.start = dw->start,
	                                 .end = dw->end,
	                                 .next = dw->next,
	                                 .seg = dw->sent,
	                                 .sent = dw->sent,
	                                 .stem = dw->stem,
	                                 .fold = (uint32_t)sc->flen,
	                                 .flen = (uint32_t)dw->flen,
	                                 .h = dw->h,
	                                 .flags = dw->flags,
	                                 .month = dw->month,
	                                 .lists = dw->lists};
	sc->flen += dw->flen + 1;
	return DOPPEL_OK;
}

/* Everything one pass over an article's words needs. */
struct run {
	doppel__facts *fx;
	struct doppel__fscratch *sc;
	const char *text;
	size_t len;
	const doppel__features *f;
};

/* The folded form of word i (borrowed from the scratch). */
static const char *wtext(const struct run *r, size_t i)
{
	return r->sc->fold + r->sc->w[i].fold;
}

/* Its length in bytes. */
static size_t wlen(const struct run *r, size_t i)
{
	return r->sc->w[i].flen;
}

/* Word i exists and its folded form is s (a literal: inlined, its length
 * is known where it is called). */
static inline bool wis(const struct run *r, size_t i, const char *s)
{
	const size_t n = strlen(s);
	return i < r->sc->nw && wlen(r, i) == n && memcmp(wtext(r, i), s, n) == 0;
}

/* Word i exists and is a word of word_lists[l]. */
static bool win(const struct run *r, size_t i, enum word_list l)
{
	return i < r->sc->nw && ((unsigned)r->sc->w[i].lists >> l & 1u);
}

/* Word i exists and has one of the flags fl. */
static bool flag(const struct run *r, size_t i, unsigned fl)
{
	return i < r->sc->nw && (r->sc->w[i].flags & fl);
}

/* Spaces of every kind that may stand between words of one line. */
static size_t space_at(const char *t, size_t i, size_t end)
{
	unsigned char c = (unsigned char)t[i];
	if (c == ' ' || c == '\t')
		return 1;
	if (c == 0xC2 && i + 1 < end && (unsigned char)t[i + 1] == 0xA0)
		return 2;
	if (c == 0xE2 && i + 2 < end && (unsigned char)t[i + 1] == 0x80 &&
	    ((unsigned char)t[i + 2] == 0x89 || (unsigned char)t[i + 2] == 0xAF))
		return 3;
	return 0;
}

/* A line break, "\r\n" or "\n", at byte i: its length, else 0. Only
 * between two words that join_wrapped() put in one sentence. */
static size_t wrap_at(const char *t, size_t i, size_t end)
{
	if (t[i] == '\n')
		return 1;
	return t[i] == '\r' && i + 1 < end && t[i + 1] == '\n' ? 2 : 0;
}

/* What stands between word i and word i + 1 of one sentence:
 * the bytes [*g, *g + *gn) with spaces trimmed, and whether there was a
 * space. False when there is no such next word. */
static bool gap(const struct run *r, size_t i, const char **g, size_t *gn, bool *space)
{
	const struct doppel__fscratch *sc = r->sc;
	if (i + 1 >= sc->nw || sc->w[i + 1].sent != sc->w[i].sent)
		return false;
	size_t a = sc->w[i].next, b = sc->w[i + 1].start;
	*space = false;
	size_t s;
	while (a < b && ((s = space_at(r->text, a, b)) || (s = wrap_at(r->text, a, b)))) {
		a += s;
		*space = true;
	}
	while (a < b) {
		size_t j = b - 1;
		while (j > a && ((unsigned char)r->text[j] & 0xC0) == 0x80)
			j--;
		if (!(s = space_at(r->text, j, b)) && r->text[j] != '\n' && r->text[j] != '\r')
			break;
		b = j;
		*space = true;
	}
	*g = r->text + a;
	*gn = b - a;
	return true;
}

/* Word i + 1 follows word i after nothing but spaces. */
static bool plain_next(const struct run *r, size_t i)
{
	const char *g;
	size_t gn;
	bool sp;
	return gap(r, i, &g, &gn, &sp) && gn == 0 && sp;
}

/* The gap after word i is exactly s (spaces aside). */
static bool gap_is(const struct run *r, size_t i, const char *s)
{
	const char *g;
	size_t gn;
	bool sp;
	return gap(r, i, &g, &gn, &sp) && gn == strlen(s) && memcmp(g, s, gn) == 0;
}

/* A dash between two numbers or dates: -, – or —. */
static bool gap_dash(const struct run *r, size_t i)
{
	return gap_is(r, i, "-") || gap_is(r, i, "\xe2\x80\x93") ||
	       gap_is(r, i, "\xe2\x80\x94");
}

/* The currency sign written right before word i: its unit, and its first
 * byte in *at. */
static unsigned currency_before(const struct run *r, size_t i, uint32_t *at)
{
	uint32_t s = r->sc->w[i].start;
	static const struct {
		const char *sign;
		uint8_t unit;
	} signs[] = {{"$", 2}, {"\xc2\xa3", 3}, {"\xe2\x82\xac", 4}, {"\xc2\xa5", 5}};
	for (size_t k = 0; k < sizeof(signs) / sizeof(*signs); k++) {
		size_t n = strlen(signs[k].sign);
		if (s >= n && memcmp(r->text + s - n, signs[k].sign, n) == 0) {
			*at = (uint32_t)(s - n);
			/* "US$": the letters belong to the sign */
			if (i > 0 && r->sc->w[i - 1].next == *at &&
			    (r->sc->w[i - 1].flags & FW_CAPS))
				*at = r->sc->w[i - 1].start;
			return signs[k].unit;
		}
	}
	return 0;
}

/* The value of a number word as folded ("1500", "12.5"). */
static double number_value(const struct run *r, size_t i)
{
	const char *s = wtext(r, i);
	double v = 0, scale = 0;
	for (size_t k = 0; k < wlen(r, i); k++) {
		if (s[k] == '-' || s[k] == '/') {
			/* a fraction, after its whole part or alone: "6-1/16", "1/8" */
			double whole = s[k] == '-' ? v : 0, num = 0, den = 0;
			size_t j = s[k] == '-' ? k + 1 : 0;
			for (; j < wlen(r, i) && s[j] != '/'; j++)
				num = num * 10 + (s[j] - '0');
			for (j++; j < wlen(r, i); j++)
				den = den * 10 + (s[j] - '0');
			return den > 0 ? whole + num / den : v;
		}
		if (s[k] == '.') {
			scale = 1;
			continue;
		}
		if (scale > 0) {
			scale /= 10;
			v += (s[k] - '0') * scale;
		} else {
			v = v * 10 + (s[k] - '0');
		}
	}
	return v;
}

static bool name_word(const struct run *r, size_t i);
static bool starts_clause(const struct run *r, size_t i);

/* --------------------------------------------------------------- facts */

/* The hash of n 64-bit words. */
static uint64_t hash_u64s(const uint64_t *v, size_t n)
{
	return doppel__hash(v, n * sizeof(*v), 0x66616374);
}

/* Appends a copy of fa to the facts. */
static int add_fact(doppel__facts *fx, const doppel__fact *fa)
{
	if (doppel__grow((void **)&fx->fact, &fx->factcap, fx->nfact + 1, sizeof(*fx->fact)))
		return DOPPEL_E_NOMEM;
	fx->fact[fx->nfact++] = *fa;
	return DOPPEL_OK;
}

/* Appends n bytes to fx->str; their offset in *at. */
static int add_str(doppel__facts *fx, const char *s, size_t n, uint32_t *at)
{
	if (doppel__grow((void **)&fx->str, &fx->strcap, fx->strlen + n + 1, 1))
		return DOPPEL_E_NOMEM;
	memcpy(fx->str + fx->strlen, s, n);
	*at = (uint32_t)fx->strlen;
	fx->strlen += n;
	fx->str[fx->strlen] = '\0';
	return DOPPEL_OK;
}

/* The sentence of word i, as bytes. */
static void sentence_of(const struct run *r, size_t i, uint32_t *s, uint32_t *e)
{
	const struct fword *w = &r->sc->w[i];
	if (w->seg < r->f->nsent) {
		*s = r->f->sent[w->seg].start;
		*e = r->f->sent[w->seg].start + r->f->sent[w->seg].len;
	} else {
		*s = w->start;
		*e = w->end;
	}
}

/* A content word near word i for context: not a function word, not a
 * number, not part of a fact's name. */
static bool context_word(const struct run *r, size_t i)
{
	const struct fword *w = &r->sc->w[i];
	return !(w->flags & (DOPPEL__W_STOP | DOPPEL__W_DIGIT)) && w->used != USED_NAME &&
	       w->used != USED_NUMBER && w->used != USED_DATE && !(w->flags & FW_CAPS);
}

/* A word that may name a happening: a content word, not a preposition
 * of place or time. */
static bool happening_word(const struct run *r, size_t k)
{
	return context_word(r, k) && !win(r, k, WL_DATE_PREPS) && !win(r, k, WL_PLACE_PREPS) &&
	       !win(r, k, WL_RANGE_WORDS);
}

/* The happening a date at words [from, to] qualifies: the nearest content
 * word before it in the sentence (within six words), else after (four).
 * A capitalised word is a name's, not a happening's, except where a
 * sentence or a line of a table starts with it: "Pay April 15", "Record
 * March 23" under a dividend are two happenings, not one date twice. */
static size_t happening(const struct run *r, size_t from, size_t to)
{
	const struct fword *w = r->sc->w;
	for (size_t k = from, n = 0; k > 0 && n < 6;) {
		k--;
		if (w[k].sent != w[from].sent)
			break;
		if ((w[k].flags & DOPPEL__W_UPPER) && !starts_clause(r, k))
			continue; /* names in between do not count */
		if (happening_word(r, k))
			return k;
		n++;
	}
	for (size_t k = to + 1, n = 0; k < r->sc->nw && n < 4; k++, n++) {
		if (w[k].sent != w[to].sent)
			break;
		if (happening_word(r, k) && !(w[k].flags & DOPPEL__W_UPPER))
			return k;
	}
	return SIZE_MAX;
}

/* Marks words [from, to] as used by a fact of kind u. */
static void use(const struct run *r, size_t from, size_t to, uint8_t u)
{
	for (size_t k = from; k <= to; k++)
		r->sc->w[k].used = u;
}

/* A day of the month at word i (1 to 31, at most two digits). */
static unsigned day_at(const struct run *r, size_t i)
{
	if (i >= r->sc->nw || !flag(r, i, FW_NUMBER) || wlen(r, i) > 2)
		return 0;
	unsigned d = (unsigned)number_value(r, i);
	return d >= 1 && d <= 31 ? d : 0;
}

/* A year at word i: four digits, 1800 to 2100, no separator. */
static int32_t year_at(const struct run *r, size_t i)
{
	if (i >= r->sc->nw || !flag(r, i, FW_NUMBER) || wlen(r, i) != 4 ||
	    r->sc->w[i].end - r->sc->w[i].start != 4)
		return 0;
	double v = number_value(r, i);
	return v >= 1800 && v <= 2100 ? (int32_t)v : 0;
}

/* A month's name at word i, capitalised ("may" is a verb). */
static unsigned month_at(const struct run *r, size_t i)
{
	return i < r->sc->nw && flag(r, i, DOPPEL__W_UPPER) ? r->sc->w[i].month : 0;
}

/* Records a date written at words [from, to]. */
static int add_date(const struct run *r, size_t from, size_t to, double lo, double hi,
                    int32_t year)
{
	doppel__fact fa = {.kind = DOPPEL__FACT_DATE,
	                   .start = r->sc->w[from].start,
	                   .end = r->sc->w[to].end,
	                   .lo = lo,
	                   .hi = hi,
	                   .year = year};
	sentence_of(r, from, &fa.sstart, &fa.send);
	use(r, from, to, USED_DATE);
	size_t h = happening(r, from, to);
	if (h != SIZE_MAX) {
		fa.wstart = r->sc->w[h].start;
		fa.wend = r->sc->w[h].end;
		fa.what = r->sc->w[h].stem | 1;
	}
	return add_fact(r->fx, &fa);
}

/* Word i opens a range: "from", "between". */
static bool opens_range(const struct run *r, size_t i)
{
	return i > 0 && (wis(r, i - 1, "from") || wis(r, i - 1, "between")) &&
	       plain_next(r, i - 1);
}

/* The word after k that ends a range begun at word i: after a dash, "to",
 * "until", "through", or "and" when "between" opened it. 0 when none. */
static size_t range_end(const struct run *r, size_t i, size_t k)
{
	if (gap_dash(r, k))
		return k + 1;
	if (!plain_next(r, k) || !plain_next(r, k + 1) || !win(r, k + 1, WL_RANGE_WORDS))
		return 0;
	if (wis(r, k + 1, "and") && !(i > 0 && wis(r, i - 1, "between")))
		return 0;
	return k + 2;
}

/* After a day or a month-day at word k of a date begun at word i: "to
 * 7", "- 24", "and May 4" (after "between"). The end's month and day, the
 * last word in *last; false when none. */
static bool date_range_end(const struct run *r, size_t i, size_t k, unsigned month,
                           unsigned *m2, unsigned *d2, size_t *last)
{
	size_t j = range_end(r, i, k);
	if (!j)
		return false;
	if (month_at(r, j) && plain_next(r, j) && day_at(r, j + 1)) {
		*m2 = month_at(r, j);
		*d2 = day_at(r, j + 1);
		*last = j + 1;
		return true;
	}
	if (day_at(r, j) && month) {
		*m2 = month;
		*d2 = day_at(r, j);
		*last = j;
		return true;
	}
	return false;
}

/* A date starting with a month's name at word i ("March 5", "March 5,
 * 2025", "between April 20 and May 4", "August 2024", "in May"); the
 * words it takes in *taken, 0 when it is none. */
static int take_month_date(const struct run *r, size_t i, size_t *taken)
{
	unsigned m = month_at(r, i);
	*taken = 0;
	size_t k = i;
	unsigned d = 0;
	int32_t year = 0;
	if (plain_next(r, i) && day_at(r, i + 1) && !year_at(r, i + 1)) {
		d = day_at(r, i + 1);
		k = i + 1;
		if ((plain_next(r, k) || gap_is(r, k, ",")) && year_at(r, k + 1))
			year = year_at(r, ++k);
	} else if (plain_next(r, i) && year_at(r, i + 1)) {
		year = year_at(r, i + 1);
		k = i + 1;
	} else if (!(i > 0 && r->sc->w[i - 1].sent == r->sc->w[i].sent &&
	             win(r, i - 1, WL_DATE_PREPS))) {
		return DOPPEL_OK; /* a month alone, not after "in", "since", … */
	}
	double lo = m * 32 + d, hi = d ? lo : m * 32 + 31;
	unsigned m2, d2;
	size_t last;
	size_t from = i;
	if (d && date_range_end(r, i, k, m, &m2, &d2, &last) && m2 * 32 + d2 > lo) {
		hi = m2 * 32 + d2;
		k = last;
		if ((plain_next(r, k) || gap_is(r, k, ",")) && year_at(r, k + 1))
			year = year_at(r, ++k);
		if (opens_range(r, i))
			from = i - 1;
	}
	*taken = k - i + 1;
	return add_date(r, from, k, d ? lo : m * 32, hi, year);
}

/* A date written 2025-04-14 at word i; a "date 2025-04-14" line that
 * gives the article's own date is no fact of its text. */
static int take_iso_date(const struct run *r, size_t i, size_t *taken)
{
	int32_t year = year_at(r, i);
	*taken = 0;
	if (!year || !gap_is(r, i, "-") || !flag(r, i + 1, FW_NUMBER) || wlen(r, i + 1) != 2 ||
	    !gap_is(r, i + 1, "-") || !day_at(r, i + 2) || wlen(r, i + 2) != 2)
		return DOPPEL_OK;
	unsigned m = (unsigned)number_value(r, i + 1), d = day_at(r, i + 2);
	if (m < 1 || m > 12)
		return DOPPEL_OK;
	*taken = 3;
	if (i > 0 && wis(r, i - 1, "date") && flag(r, i - 1, DOPPEL__W_START)) {
		use(r, i - 1, i + 2, USED_DATE);
		return DOPPEL_OK;
	}
	return add_date(r, i, i + 2, m * 32 + d, m * 32 + d, year);
}

/* A date starting with a day at word i ("5 March", "from 3 to 7 June"). */
static int take_day_date(const struct run *r, size_t i, size_t *taken)
{
	unsigned d = day_at(r, i);
	*taken = 0;
	if (!d)
		return DOPPEL_OK;
	size_t k = i, j = range_end(r, i, i);
	unsigned d2 = d;
	if (j && day_at(r, j) && plain_next(r, j) && month_at(r, j + 1)) {
		d2 = day_at(r, j);
		k = j;
	}
	if (!plain_next(r, k) || !month_at(r, k + 1) || d2 < d)
		return DOPPEL_OK;
	unsigned m = month_at(r, k + 1);
	k++;
	int32_t year = 0;
	if (plain_next(r, k) && year_at(r, k + 1))
		year = year_at(r, ++k);
	*taken = k - i + 1;
	return add_date(r, d2 > d && opens_range(r, i) ? i - 1 : i, k, m * 32 + d, m * 32 + d2,
	                year);
}

/* A plural noun, as far as spelling tells: "drivers", not "process". */
static bool plural(const struct run *r, size_t j)
{
	const char *s = wtext(r, j);
	size_t n = wlen(r, j);
	if (n == 3 && s[2] == 's' && !strchr("aeiouy", s[0]) && !strchr("aeiouy", s[1]))
		return true; /* "cts", "shs", "pts": abbreviated plurals */
	return n > 3 && s[n - 1] == 's' && s[n - 2] != 's' && s[n - 2] != 'u' &&
	       s[n - 2] != 'i';
}

/* The thing a number counts, after its last word k: up to three content
 * words in a row (after "of the", "(with", …), the first plural among
 * them, else the first. SIZE_MAX when none. */
static size_t counted_thing(const struct run *r, size_t k)
{
	const char *g;
	size_t gn;
	bool sp;
	if (!gap(r, k, &g, &gn, &sp) || gn > 2)
		return SIZE_MAX;
	for (size_t c = 0; c < gn; c++)
		if (g[c] != '-' && g[c] != '(' && g[c] != '%')
			return SIZE_MAX;
	size_t j = k + 1;
	for (int skips = 0; skips < 2 && win(r, j, WL_COUNT_SKIPS) && plain_next(r, j); skips++)
		j++;
	size_t first = SIZE_MAX;
	for (int n = 0; n < 3 && j < r->sc->nw; n++, j++) {
		const struct fword *w = &r->sc->w[j];
		if (w->flags & (DOPPEL__W_STOP | DOPPEL__W_DIGIT | DOPPEL__W_UPPER) ||
		    w->month || scale_of(wtext(r, j), wlen(r, j)) || win(r, j, WL_DATE_PREPS) ||
		    win(r, j, WL_PLACE_PREPS) || win(r, j, WL_RANGE_WORDS))
			break;
		if (plural(r, j))
			return j;
		if (first == SIZE_MAX)
			first = j;
		if (!plain_next(r, j) && !gap_is(r, j, "-"))
			break;
	}
	return first;
}

/* After the number that ends at word *k: a '%', a scale ("million")
 * that multiplies lo and hi (only hi when a range's start is larger: "900,000
 * to 1.8 million"), and a unit, each moving *k on. A number word takes a
 * scale and a unit, not a '%' or a '-'. */
static void number_scale_unit(const struct run *r, bool spelled, bool range, size_t *kp,
                              double *lo, double *hi, unsigned *unit)
{
	const struct fword *w = r->sc->w;
	size_t k = *kp;
	if (!spelled && w[k].next < r->len && r->text[w[k].next] == '%') {
		*unit = UNIT_PERCENT;
	} else if (plain_next(r, k) || (!spelled && gap_is(r, k, "-"))) {
		double s = scale_of(wtext(r, k + 1), wlen(r, k + 1));
		if (s > 0) {
			/* "1.5 to 2 million": both; "900,000 to 1.8 million":
			 * the end only */
			if (!range || *lo <= *hi)
				*lo *= s;
			*hi *= s;
			k++;
		}
		unsigned u = plain_next(r, k) ? unit_of(wtext(r, k + 1), wlen(r, k + 1)) : 0;
		if (!u && plain_next(r, k) && wis(r, k + 1, "per") && plain_next(r, k + 1) &&
		    wis(r, k + 2, "cent")) {
			u = UNIT_PERCENT;
			k++;
		}
		if (u) {
			*unit = u;
			k++;
		}
	}
	*kp = k;
}

/* The number fact of words i..k (from byte start, with unit and values
 * lo..hi), counting word thing (SIZE_MAX: none), in its sentence. */
static int number_fact(const struct run *r, size_t i, size_t k, uint32_t start, unsigned unit,
                       double lo, double hi, size_t thing)
{
	const struct fword *w = r->sc->w;
	doppel__fact fa = {.kind = DOPPEL__FACT_NUMBER,
	                   .unit = (uint8_t)unit,
	                   .start = start,
	                   .end = w[k].end,
	                   .lo = lo,
	                   .hi = hi};
	size_t after = r->len - w[k].next < 2 ? r->len - w[k].next : 2;
	const char *pc = memchr(r->text + w[k].next, '%', after);
	if (unit == UNIT_PERCENT && pc)
		fa.end = (uint32_t)(pc - r->text) + 1;
	if (thing != SIZE_MAX) {
		fa.wstart = w[thing].start;
		fa.wend = w[thing].end;
		fa.what = w[thing].stem | 1;
		/* "a 112-year-old bridge" counts no years */
		if (thing == k + 1 && gap_is(r, k, "-"))
			fa.what = doppel__mix32(fa.what) | 1;
		if (win(r, thing, WL_GENERIC_THINGS))
			fa.flags |= DOPPEL__FACTF_GENERIC;
		fa.end = w[thing].end;
		/* "4,000 (with families)" keeps its bracket */
		if (fa.end < r->len && r->text[fa.end] == ')' &&
		    memchr(r->text + w[k].end, '(', w[thing].start - w[k].end))
			fa.end++;
	} else if (unit >= UNIT_MEASURE) {
		fa.wstart = w[k].start;
		fa.wend = w[k].end;
		fa.what = w[k].stem | 1;
		if (win(r, k, WL_GENERIC_THINGS))
			fa.flags |= DOPPEL__FACTF_GENERIC;
	}
	sentence_of(r, i, &fa.sstart, &fa.send);
	use(r, i, k, USED_NUMBER);
	return add_fact(r->fx, &fa);
}

/* A number at word i (digits, or a number word before a count); dates
 * and years are taken before. *taken: the words it spans, 0 for none. */
static int take_number(const struct run *r, size_t i, size_t *taken)
{
	struct fword *w = r->sc->w;
	*taken = 0;
	double lo;
	bool spelled = !(w[i].flags & FW_NUMBER);
	if (spelled) {
		/* "one" counts when a scale follows: "one billion dlrs" */
		if (!(lo = number_word(wtext(r, i), wlen(r, i))) &&
		    !(wis(r, i, "one") && plain_next(r, i) &&
		      scale_of(wtext(r, i + 1), wlen(r, i + 1))))
			return DOPPEL_OK;
		if (!lo)
			lo = 1;
	} else {
		lo = number_value(r, i);
	}
	uint32_t start = w[i].start;
	unsigned unit = spelled ? 0 : currency_before(r, i, &start);
	size_t k = i;
	/* A model or a route ("Aura 1.7", "Route 66") names no count. */
	if (!spelled && i > 0 && plain_next(r, i - 1) && name_word(r, i - 1) &&
	    !starts_clause(r, i - 1)) {
		use(r, i, i, USED_NUMBER);
		*taken = 1;
		return DOPPEL_OK;
	}
	/* A time of day (10:30) is no count. */
	if (!spelled && gap_is(r, i, ":") && flag(r, i + 1, FW_NUMBER)) {
		use(r, i, i + 1, USED_NUMBER);
		*taken = 2;
		return DOPPEL_OK;
	}
	/* "9–7/8": a whole, a dash and a fraction (segmentation joins a
	 * fraction, and "9-7/8" whole: number_value() reads those) */
	if (!spelled && gap_dash(r, k) && flag(r, k + 1, FW_NUMBER) &&
	    memchr(wtext(r, k + 1), '/', wlen(r, k + 1))) {
		lo += number_value(r, k + 1);
		k++;
	}
	double hi = lo;
	bool range = false;
	if (!spelled) {
		size_t j = range_end(r, i, k);
		uint32_t ignored;
		if (j && flag(r, j, FW_NUMBER) && !year_at(r, j) == !year_at(r, i)) {
			hi = number_value(r, j);
			if (!unit)
				unit = currency_before(r, j, &ignored);
			k = j;
			range = true;
			if (opens_range(r, i) && r->sc->w[i - 1].start < start)
				start = r->sc->w[i - 1].start;
		}
	}
	number_scale_unit(r, spelled, range, &k, &lo, &hi, &unit);
	size_t thing = counted_thing(r, k);
	/* A year written alone is a date, unless it counts something;
	 * "between 2019 and 2023" is one. */
	if (!spelled && !unit && year_at(r, i) && (!range || year_at(r, k)) &&
	    (thing == SIZE_MAX || !plural(r, thing))) {
		*taken = k - i + 1;
		return add_date(r, range && opens_range(r, i) ? i - 1 : i, k,
		                DOPPEL__YEAR_BASE + year_at(r, i),
		                DOPPEL__YEAR_BASE + (range ? year_at(r, k) : year_at(r, i)),
		                year_at(r, i));
	}
	/* "three border crossings": a number word only counts things, or
	 * money and measures */
	if (spelled && !unit && k == i && (thing == SIZE_MAX || !plural(r, thing)))
		return DOPPEL_OK;
	*taken = k - i + 1;
	return number_fact(r, i, k, start, unit, lo, hi, thing);
}

/* --------------------------------------------------------------- marks */

/* The slot of a word hash in the marks, taken when it was free. */
static uint64_t *seen_slot(struct doppel__fscratch *sc, uint64_t h)
{
	uint64_t key = (h & ~UINT64_C(3)) ? (h & ~UINT64_C(3)) : 4;
	size_t mask = sc->nseen - 1, i = (size_t)doppel__mix64(key) & mask;
	while (sc->seen[i] && (sc->seen[i] & ~UINT64_C(3)) != key)
		i = (i + 1) & mask;
	if (!sc->seen[i])
		sc->seen[i] = key;
	return &sc->seen[i];
}

/* The SEEN_* marks of word i's folded form in the article. */
static unsigned seen(const struct run *r, size_t i)
{
	return (unsigned)(*seen_slot(r->sc, r->sc->w[i].h) & 3);
}

/* Word i starts a sentence, or a quotation or clause inside one. */
static bool starts_clause(const struct run *r, size_t i)
{
	const struct fword *w = r->sc->w;
	if ((w[i].flags & DOPPEL__W_START) || i == 0 || w[i - 1].sent != w[i].sent)
		return true;
	for (uint32_t k = w[i - 1].next; k < w[i].start; k++) {
		unsigned char c = (unsigned char)r->text[k];
		if (c == '"' || c == ':' || c == ';' ||
		    (c == 0xE2 && k + 2 < w[i].start && (unsigned char)r->text[k + 1] == 0x80 &&
		     (unsigned char)r->text[k + 2] == 0x9C))
			return true;
	}
	return false;
}

/* Sets FW_* flags from the text and the marks of what each word is
 * elsewhere: lowercase, capitalised in mid-sentence; finds sentences in
 * title case (a headline: most content words capitalised). */
static int mark_words(const struct run *r)
{
	struct doppel__fscratch *sc = r->sc;
	size_t need = 16;
	while (need < 2 * sc->nw)
		need *= 2;
	if (need > sc->seencap) {
		free(sc->seen);
		if (!(sc->seen = doppel__alloc_array(need, sizeof(*sc->seen))))
			return DOPPEL_E_NOMEM;
		sc->seencap = need;
	}
	/* twice the words' slots: a longer article before left more room,
	 * which this one neither clears nor uses */
	sc->nseen = need;
	memset(sc->seen, 0, need * sizeof(*sc->seen));
	for (size_t i = 0; i < sc->nw; i++) {
		struct fword *w = &sc->w[i];
		const char *t = r->text + w->start;
		size_t n = w->end - w->start, caps = 0, dots = 0;
		/* all capitals: the run of them from the first is the word */
		while (caps < n && t[caps] >= 'A' && t[caps] <= 'Z')
			caps++;
		if (n >= 2 && caps == n)
			w->flags |= FW_CAPS;
		const char *fw = sc->fold + w->fold;
		bool number = w->flen > 0 && fw[0] >= '0' && fw[0] <= '9';
		/* digits with one '.', or a fraction as segmentation joins one
		 * ("1/8", "6-1/16": a '-' only before its '/') */
		size_t dashes = 0, slashes = 0;
		for (size_t k = 0; k < w->flen && number; k++) {
			dots += fw[k] == '.';
			dashes += fw[k] == '-';
			slashes += fw[k] == '/';
			number = (fw[k] >= '0' && fw[k] <= '9') ||
			         (fw[k] == '.' && dots == 1) ||
			         (fw[k] == '-' && dashes == 1 && !slashes && !dots) ||
			         (fw[k] == '/' && slashes == 1 && !dots);
		}
		if (number && (dashes ? slashes : 1) && fw[w->flen - 1] >= '0' &&
		    fw[w->flen - 1] <= '9')
			w->flags |= FW_NUMBER;
		if (w->next > w->end)
			w->flags |= FW_POSSESS;
		uint64_t *slot = seen_slot(sc, w->h);
		if (!(w->flags & DOPPEL__W_UPPER))
			*slot |= SEEN_LOWER;
		else if (!starts_clause(r, i) && !(w->flags & FW_CAPS))
			*slot |= SEEN_CAP_MID;
	}
	/* A headline in title case has (nearly) no content word in lowercase;
	 * a sentence has its verbs. */
	for (size_t i = 0; i < sc->nw;) {
		size_t j = i, words = 0, lower = 0;
		for (; j < sc->nw && sc->w[j].sent == sc->w[i].sent; j++) {
			const struct fword *w = &sc->w[j];
			if (w->flags & (DOPPEL__W_STOP | DOPPEL__W_DIGIT))
				continue;
			words++;
			lower += !(w->flags & DOPPEL__W_UPPER);
		}
		if (words >= 4 && lower * 8 <= words)
			for (size_t k = i; k < j; k++)
				sc->w[k].flags |= FW_TITLE;
		i = j;
	}
	return DOPPEL_OK;
}

/* ---------------------------------------------------------- numbers, dates */

/* 1 for Monday to 7 for Sunday. */
static unsigned weekday_of(const char *w, size_t n)
{
	static const char *const days[] = {"monday", "tuesday",  "wednesday", "thursday",
	                                   "friday", "saturday", "sunday"};
	for (unsigned d = 0; d < 7; d++)
		if (doppel__word_cmp(w, n, days[d]) == 0)
			return d + 1;
	return 0;
}

/* Numbers and dates, left to right; their words are marked used. */
static int take_numbers(const struct run *r)
{
	const struct doppel__fscratch *sc = r->sc;
	for (size_t i = 0; i < sc->nw;) {
		const struct fword *w = &sc->w[i];
		size_t taken = 0;
		int rc = DOPPEL_OK;
		if (w->used) {
			i++;
			continue;
		}
		if (month_at(r, i))
			rc = take_month_date(r, i, &taken);
		else if ((w->flags & DOPPEL__W_WEEKDAY) && (w->flags & DOPPEL__W_UPPER)) {
			double day = -(double)weekday_of(wtext(r, i), wlen(r, i));
			rc = add_date(r, i, i, day, day, 0);
			taken = 1;
		}
		if (!rc && !taken && (w->flags & FW_NUMBER))
			rc = take_iso_date(r, i, &taken);
		if (!rc && !taken && (w->flags & FW_NUMBER))
			rc = take_day_date(r, i, &taken);
		/* digits, or a number word ("two" … "twenty", "one") */
		bool spelled = !(w->flags & DOPPEL__W_DIGIT) && w->flen >= 3 && w->flen <= 9 &&
		               win(r, i, WL_NUMBER_WORD);
		if (!rc && !taken && ((w->flags & FW_NUMBER) || spelled))
			rc = take_number(r, i, &taken);
		if (rc)
			return rc;
		i += taken ? taken : 1;
	}
	return DOPPEL_OK;
}

/* ---------------------------------------------------------------- names */

/* Word i is an initial: one capital letter, a full stop, a name ("I.
 * Varga", though "I" alone is a function word). */
static bool initial_at(const struct run *r, size_t i)
{
	const struct fword *w = &r->sc->w[i];
	return w->end - w->start == 1 && (w->flags & DOPPEL__W_UPPER) && !w->used &&
	       gap_is(r, i, ".") && name_word(r, i + 1);
}

/* A capitalised word that may be part of a name. */
static bool name_word(const struct run *r, size_t i)
{
	if (i >= r->sc->nw)
		return false;
	const struct fword *w = &r->sc->w[i];
	if ((w->flags & DOPPEL__W_STOP) && (w->flags & DOPPEL__W_UPPER) &&
	    !(w->flags & FW_TITLE))
		return initial_at(r, i);
	return (w->flags & DOPPEL__W_UPPER) &&
	       !(w->flags &
	         (DOPPEL__W_STOP | DOPPEL__W_DIGIT | DOPPEL__W_WEEKDAY | FW_TITLE)) &&
	       !w->month && !w->used;
}

/* Word i heads a role ("minister"). */
static bool is_head(const struct run *r, size_t i)
{
	return win(r, i, WL_ROLE_HEADS);
}

/* Word i heads or qualifies a role. */
static bool is_role(const struct run *r, size_t i)
{
	return win(r, i, WL_ROLE_HEADS) || win(r, i, WL_ROLE_MODS);
}

/* Word i is a title of address ("Mr", "Dr"). */
static bool is_honorific(const struct run *r, size_t i)
{
	return win(r, i, WL_HONORIFICS);
}

/* Word i may start a name: a capital in mid-sentence; at the start of a
 * sentence a word that no dictionary knows or that is capitalised in
 * mid-sentence elsewhere, and never written in lowercase; an acronym. */
static bool name_start(const struct run *r, size_t i)
{
	if (!name_word(r, i))
		return false;
	if (r->sc->w[i].flags & FW_CAPS)
		return true;
	if (!starts_clause(r, i))
		return true;
	unsigned s = seen(r, i);
	return !(s & SEEN_LOWER) &&
	       (!(r->sc->w[i].flags & DOPPEL__W_DICT) || (s & SEEN_CAP_MID));
}

/* One of the words [a, b] is a word of the sorted list. */
static bool in_words(const struct run *r, size_t a, size_t b, enum word_list l)
{
	for (size_t q = a; q <= b; q++)
		if (win(r, q, l))
			return true;
	return false;
}

/* The last word of the name that starts at word i: capitalised words one
 * space or a hyphen apart ("I. Varga" after an initial), with connectors
 * between them: particles always ("Palais des Nations", "von der
 * Leyen"), "of", "for", "the", "and" only after a word that names a body
 * or place, or a single word ("Bank of England", "National Front for the
 * Liberation of Arvenia"). */
static size_t span_end(const struct run *r, size_t i)
{
	size_t k = i;
	bool joined = false; /* "and" may join after "of" or "for" */
	for (;;) {
		const char *g;
		size_t gn;
		bool sp;
		if (flag(r, k, FW_POSSESS) || !gap(r, k, &g, &gn, &sp))
			break;
		size_t j = k + 1;
		if (name_word(r, j)) {
			bool initial = r->sc->w[k].end - r->sc->w[k].start == 1;
			if ((gn == 0 && sp) || (gn == 1 && g[0] == '-' && !sp) ||
			    (gn == 1 && g[0] == '.' && (initial || is_honorific(r, k)))) {
				k = j;
				continue;
			}
			break;
		}
		if (gn != 0 || !sp)
			break;
		size_t c = j;
		while (c < j + 2 && !flag(r, c, DOPPEL__W_UPPER) && win(r, c, WL_CONNECTORS) &&
		       (plain_next(r, c) || gap_is(r, c, "-")))
			c++;
		if (c == j || !name_word(r, c))
			break;
		bool body =
			in_words(r, i, k, WL_ORG_WORDS) || in_words(r, i, k, WL_PLACE_WORDS);
		bool ok = true;
		for (size_t q = j; q < c && ok; q++) {
			if (win(r, q, WL_PARTICLES))
				continue;
			if (wis(r, q, "and"))
				ok = joined;
			else if (wis(r, q, "the"))
				ok = q > j;
			else
				ok = body || k == i;
		}
		if (!ok)
			break;
		for (size_t q = j; q < c; q++)
			joined |= wis(r, q, "of") || wis(r, q, "for");
		k = c;
	}
	return k;
}

/* Hash of the folded role words [a, b], titles of address left out. */
static uint32_t role_hash(const struct run *r, size_t a, size_t b)
{
	uint64_t h = 0x726f6c65;
	for (size_t q = a; q <= b; q++)
		if (!is_honorific(r, q))
			h = doppel__hash(wtext(r, q), wlen(r, q), h);
	return (uint32_t)h | 1;
}

/* A role written lowercase before word i ("deputy foreign minister
 * Anton Reyk", "Their lawyer, Tomasz …", "UN envoy"): its first word,
 * or SIZE_MAX. */
static size_t role_before(const struct run *r, size_t i)
{
	if (i == 0)
		return SIZE_MAX;
	size_t q = i - 1;
	if (!is_head(r, q) || flag(r, q, DOPPEL__W_UPPER) || r->sc->w[q].used ||
	    !(plain_next(r, q) || gap_is(r, q, ",")))
		return SIZE_MAX;
	/* "UN envoy": an acronym may open the role, though it is a name of
	 * its own too */
	while (q > 0 && (plain_next(r, q - 1) || gap_is(r, q - 1, "-")) &&
	       ((is_role(r, q - 1) && !r->sc->w[q - 1].used) || flag(r, q - 1, FW_CAPS)))
		if (flag(r, --q, FW_CAPS))
			break;
	return q;
}

/* A role in apposition after word k ("…, a former Belgian ambassador,",
 * "…, the UN envoy"): its last word (the head) with its first in *first,
 * or SIZE_MAX. */
static size_t role_after(const struct run *r, size_t k, size_t *first)
{
	if (!gap_is(r, k, ","))
		return SIZE_MAX;
	size_t j = k + 1;
	if ((wis(r, j, "the") || wis(r, j, "a") || wis(r, j, "an") || wis(r, j, "its") ||
	     wis(r, j, "their")) &&
	    plain_next(r, j))
		j++;
	*first = j;
	for (int n = 0; n < 4 && j < r->sc->nw && !r->sc->w[j].used; n++, j++) {
		if (is_head(r, j))
			return j;
		if (!is_role(r, j) &&
		    !(flag(r, j, DOPPEL__W_UPPER) && !flag(r, j, DOPPEL__W_STOP)))
			return SIZE_MAX;
		if (!plain_next(r, j))
			return SIZE_MAX;
	}
	return SIZE_MAX;
}

/* Appends a copy of m to the mentions. */
static int add_mention(struct doppel__fscratch *sc, const struct mention *m)
{
	if (doppel__grow((void **)&sc->m, &sc->mcap, sc->nm + 1, sizeof(*sc->m)))
		return DOPPEL_E_NOMEM;
	sc->m[sc->nm++] = *m;
	return DOPPEL_OK;
}

/* The kind a name of words [a, b] seems to be, by its words alone. */
static uint8_t kind_of_words(const struct run *r, size_t a, size_t b)
{
	if (in_words(r, a, b, WL_ORG_WORDS))
		return DOPPEL__FACT_ORG;
	if (in_words(r, a, b, WL_PLACE_WORDS))
		return DOPPEL__FACT_PLACE;
	if (a == b)
		return flag(r, a, FW_CAPS) ? DOPPEL__FACT_ORG : DOPPEL__FACT_NAME;
	for (size_t q = a; q <= b; q++)
		if (flag(r, q, FW_CAPS) ||
		    (!flag(r, q, DOPPEL__W_UPPER) && !win(r, q, WL_PARTICLES)))
			return DOPPEL__FACT_NAME;
	return b - a < 4 ? DOPPEL__FACT_PERSON : DOPPEL__FACT_NAME;
}

/* The name starting at word i, with its role: a mention (or a role
 * alone, which is no fact). The words after it in *next. */
static int take_name(const struct run *r, size_t i, size_t *next)
{
	struct fword *w = r->sc->w;
	size_t k = span_end(r, i);
	*next = k + 1;
	size_t a = i;
	bool titled = false;
	while (a < k && is_honorific(r, a)) {
		a++;
		titled = true;
	}
	/* A capitalised role at the head of the span: "Deputy Prime Minister
	 * Ilse Varga", "Korvan Foreign Minister …". */
	size_t head = SIZE_MAX;
	for (size_t q = a; q < k; q++) {
		if (!is_role(r, q)) {
			if (q == a)
				continue;
			break;
		}
		if (is_head(r, q))
			head = q;
	}
	bool all_role = true;
	for (size_t q = a; q <= k && all_role; q++)
		all_role = is_role(r, q);
	if (all_role && !titled) {
		use(r, i, k, USED_ROLE);
		return DOPPEL_OK;
	}
	struct mention m = {.alias = -1, .entity = -1};
	size_t rfirst = SIZE_MAX, rlast = SIZE_MAX;
	uint8_t kind = kind_of_words(r, a, k);
	bool body = kind == DOPPEL__FACT_ORG || kind == DOPPEL__FACT_PLACE;
	if (head != SIZE_MAX && !win(r, head + 1, WL_CONNECTORS)) {
		rfirst = a;
		rlast = head;
		a = head + 1;
	} else if (!body && (rfirst = role_before(r, i)) != SIZE_MAX) {
		rlast = i - 1;
	} else if (body || (rlast = role_after(r, k, &rfirst)) == SIZE_MAX) {
		rfirst = rlast = SIZE_MAX;
	}
	if (titled && rfirst == SIZE_MAX)
		m.titled = true;
	if (rfirst != SIZE_MAX) {
		m.titled = true;
		m.rstart = w[rfirst].start;
		m.rend = w[rlast].end;
		m.role = role_hash(r, rfirst, rlast);
		for (size_t q = rfirst; q <= rlast; q++)
			if (r->sc->w[q].used != USED_NAME)
				r->sc->w[q].used = USED_ROLE;
		if (rfirst > k)
			*next = rlast + 1;
	}
	m.first = (uint32_t)a;
	m.last = (uint32_t)k;
	m.kind = kind_of_words(r, a, k);
	if (m.titled && (m.kind == DOPPEL__FACT_NAME || m.kind == DOPPEL__FACT_PERSON))
		m.kind = DOPPEL__FACT_PERSON;
	/* "GENEVA:" opening a line is a dateline: a place. */
	const char *g;
	size_t gn;
	bool sp;
	if (a == k && (w[a].flags & FW_CAPS) && (w[a].flags & DOPPEL__W_START) &&
	    gap(r, a, &g, &gn, &sp) && gn > 0 &&
	    (g[0] == ':' || g[0] == ',' || g[0] == '-' || (unsigned char)g[0] == 0xE2)) {
		m.kind = DOPPEL__FACT_PLACE;
		m.place_hint = true;
	}
	size_t before = rfirst != SIZE_MAX && rfirst < i ? rfirst : i;
	if (before > 0 && plain_next(r, before - 1) && win(r, before - 1, WL_PLACE_PREPS))
		m.place_hint = true;
	/* The names of a list after "in", "at": "at Brisk, Tamar and Olensk" */
	if (r->sc->nm > 0 && before > 0) {
		const struct mention *p = &r->sc->m[r->sc->nm - 1];
		if (p->place_hint && ((p->last + 1 == before && gap_is(r, p->last, ",")) ||
		                      (p->last + 2 == before && (wis(r, before - 1, "and") ||
		                                                 wis(r, before - 1, "or")))))
			m.place_hint = true;
	}
	/* "National Front for the Liberation of Arvenia (NFLA)" */
	if (gap_is(r, k, "(") && flag(r, k + 1, FW_CAPS) && w[k + 1].next < r->len &&
	    r->text[w[k + 1].next] == ')' && !w[k + 1].used) {
		m.alias = (int32_t)(k + 1);
		w[k + 1].used = USED_NAME;
		*next = k + 2;
	}
	use(r, a, k, USED_NAME);
	return add_mention(r->sc, &m);
}

/* Every name of the article, as mentions in text order. */
static int take_names(const struct run *r)
{
	for (size_t i = 0; i < r->sc->nw;) {
		size_t next = i + 1;
		if (!r->sc->w[i].used) {
			bool start = name_start(r, i);
			/* A capitalised role or title may open a name whatever its
			 * place: "Envoy Mariela Duchesne said". */
			if (!start && name_word(r, i) &&
			    (is_role(r, i) || is_honorific(r, i)) && plain_next(r, i) &&
			    name_word(r, i + 1))
				start = true;
			int rc = start ? take_name(r, i, &next) : DOPPEL_OK;
			if (rc)
				return rc;
		}
		i = next;
	}
	return DOPPEL_OK;
}

/* ------------------------------------------------------------- entities */

/* The letters of a folded name as plain ASCII: accents stripped, a few
 * letters written out (ø o, æ ae, ß ss, ł l, đ d, þ th), other
 * characters but spaces and digits dropped. Writes at most cap - 1 bytes
 * and a NUL; returns the length. */
static size_t translit(const char *s, size_t n, char *out, size_t cap)
{
	size_t m = 0;
	for (size_t i = 0; i < n && m + 3 < cap;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t st = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
		                                       (utf8proc_ssize_t)(n - i), &cp);
		if (st <= 0)
			break;
		i += (size_t)st;
		if (cp < 0x80) {
			if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || cp == ' ')
				out[m++] = (char)cp;
			else if (cp >= 'A' && cp <= 'Z')
				out[m++] = (char)(cp + 32);
			continue;
		}
		const char *repl = NULL;
		switch (cp) {
		case 0xF8: /* ø */
		case 0xD8:
			repl = "o";
			break;
		case 0xE6: /* æ */
		case 0xC6:
			repl = "ae";
			break;
		case 0x153: /* œ */
			repl = "oe";
			break;
		case 0xDF: /* ß */
			repl = "ss";
			break;
		case 0x142: /* ł */
		case 0x141:
			repl = "l";
			break;
		case 0x111: /* đ, ð */
		case 0xF0:
			repl = "d";
			break;
		case 0xFE: /* þ */
			repl = "th";
			break;
		case 0x131: /* ı */
			repl = "i";
			break;
		default:
			break;
		}
		if (repl) {
			for (; *repl && m + 1 < cap; repl++)
				out[m++] = *repl;
			continue;
		}
		utf8proc_int32_t dec[4];
		utf8proc_ssize_t nd = utf8proc_decompose_char(
			cp, dec, 4, UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK, NULL);
		for (utf8proc_ssize_t k = 0; k < nd && k < 4 && m + 1 < cap; k++)
			if (dec[k] >= 'a' && dec[k] <= 'z')
				out[m++] = (char)dec[k];
			else if (dec[k] >= 'A' && dec[k] <= 'Z')
				out[m++] = (char)(dec[k] + 32);
	}
	out[m] = '\0';
	return m;
}

/* Edit distance of two short strings with swaps of neighbours (optimal
 * string alignment); stops counting above 3. */
static unsigned edit_distance(const char *a, size_t an, const char *b, size_t bn)
{
	if (an > 63 || bn > 63)
		return an == bn && memcmp(a, b, an) == 0 ? 0 : 4;
	unsigned row[3][64];
	for (size_t j = 0; j <= bn; j++)
		row[0][j] = (unsigned)j;
	for (size_t i = 1; i <= an; i++) {
		unsigned *cur = row[i % 3], *prev = row[(i - 1) % 3], *prev2 = row[(i + 1) % 3];
		cur[0] = (unsigned)i;
		for (size_t j = 1; j <= bn; j++) {
			unsigned cost = a[i - 1] != b[j - 1];
			unsigned v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (prev[j - 1] + cost < v)
				v = prev[j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    prev2[j - 2] + 1 < v)
				v = prev2[j - 2] + 1;
			cur[j] = v;
		}
	}
	unsigned d = row[an % 3][bn];
	return d > 3 ? 4 : d;
}

/* The consonant skeleton of a transliterated word: its first letter,
 * then the others without vowels and h, z as s, q and c as k, w as v,
 * a letter repeated once. */
static size_t skeleton(const char *s, size_t n, char *out)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (i > 0 && strchr("aeiouyh", c))
			continue;
		c = c == 'z' ? 's' : c == 'q' || c == 'c' ? 'k' : c == 'w' ? 'v' : c;
		if (m == 0 || out[m - 1] != c)
			out[m++] = c;
	}
	return m;
}

/* The rules are in internal.h; names longer than 127 letters are only
 * ever variants when equal once transliterated. */
bool doppel__spelling_variant(const char *a, size_t na, const char *b, size_t nb)
{
	char ta[128], tb[128];
	size_t la = translit(a, na, ta, sizeof(ta)), lb = translit(b, nb, tb, sizeof(tb));
	if (la == 0 || lb == 0)
		return false;
	if (la == lb && memcmp(ta, tb, la) == 0)
		return true;
	if (ta[0] != tb[0])
		return false;
	size_t shorter = la < lb ? la : lb;
	/* "Green" and "Greens" are two words, not two spellings */
	if (la != lb && memcmp(ta, tb, shorter) == 0 && (la > lb ? ta : tb)[shorter] == 's')
		return false;
	unsigned d = edit_distance(ta, la, tb, lb);
	if ((shorter >= 4 && d <= 1) || (shorter >= 8 && d <= 2))
		return true;
	if (memchr(ta, ' ', la) || memchr(tb, ' ', lb))
		return false;
	char sa[128], sb[128];
	size_t ka = skeleton(ta, la, sa), kb = skeleton(tb, lb, sb);
	return ka == kb && memcmp(sa, sb, ka) == 0 && (ka >= 3 || (ka == 2 && shorter >= 5));
}

/* A person's name as given names and surname. */
struct pname {
	const char *given, *sur;
	size_t gn, sn;
};

/* The given names and surname of a name of x (borrowed from x->str);
 * a name of one word is a surname. */
static struct pname pname_of(const doppel__facts *x, const doppel__fact *fa)
{
	const char *s = x->str + fa->name;
	if (fa->given == 0 || fa->given + 1 >= fa->nlen)
		return (struct pname){NULL, s, 0, fa->nlen};
	return (struct pname){s, s + fa->given + 1, fa->given, fa->nlen - fa->given - 1};
}

#define REL_NONE 0
#define REL_SAME 1     /* one person, spelled alike (or with initials) */
#define REL_SPELLING 2 /* one person, spelled two ways */
#define REL_OTHER 3    /* the same surname, another given name */

static size_t first_word(const char *s, size_t n)
{
	const char *sp = memchr(s, ' ', n);
	return sp ? (size_t)(sp - s) : n;
}

/* How two persons' names relate. */
static int person_rel(const struct pname *a, const struct pname *b)
{
	bool sur_same = a->sn == b->sn && memcmp(a->sur, b->sur, a->sn) == 0;
	if (!sur_same && !doppel__spelling_variant(a->sur, a->sn, b->sur, b->sn))
		return REL_NONE;
	bool spelled = !sur_same;
	if (a->gn && b->gn && !(a->gn == b->gn && memcmp(a->given, b->given, a->gn) == 0)) {
		size_t fa = first_word(a->given, a->gn), fb = first_word(b->given, b->gn);
		char ia[128], ib[128];
		size_t la = translit(a->given, fa, ia, sizeof(ia));
		size_t lb = translit(b->given, fb, ib, sizeof(ib));
		bool initial = la > 0 && lb > 0 && (la == 1 || lb == 1) && ia[0] == ib[0];
		if (!(fa == fb && memcmp(a->given, b->given, fa) == 0) && !initial) {
			if (!doppel__spelling_variant(a->given, fa, b->given, fb))
				return REL_OTHER;
			spelled = true;
		}
	}
	return spelled ? REL_SPELLING : REL_SAME;
}

/* Fills the name of fa from the words [a, b]: folded words one space
 * apart, the given names' length, and the initials of a name of several
 * words (an acronym's own letters for one word in capitals). */
static int name_string(const struct run *r, size_t a, size_t b, doppel__fact *fa)
{
	doppel__facts *fx = r->fx;
	uint32_t at = (uint32_t)fx->strlen, ignored;
	for (size_t q = a; q <= b; q++) {
		if (q > a && add_str(fx, " ", 1, &ignored))
			return DOPPEL_E_NOMEM;
		if (q == b)
			fa->given = q > a ? (uint32_t)(fx->strlen - at - 1) : 0;
		if (add_str(fx, wtext(r, q), wlen(r, q), &ignored))
			return DOPPEL_E_NOMEM;
	}
	fa->name = at;
	fa->nlen = (uint32_t)(fx->strlen - at);
	fa->acro = (uint32_t)fx->strlen;
	fa->acrolen = 0;
	if (a == b) {
		if (flag(r, a, FW_CAPS)) {
			fa->acro = at;
			fa->acrolen = fa->nlen;
		}
		return DOPPEL_OK;
	}
	for (size_t q = a; q <= b; q++) {
		if (!flag(r, q, DOPPEL__W_UPPER) || wlen(r, q) == 0)
			continue;
		const char *t = wtext(r, q);
		size_t n = 1;
		while (n < wlen(r, q) && ((unsigned char)t[n] & 0xC0) == 0x80)
			n++;
		if (add_str(fx, t, n, &ignored))
			return DOPPEL_E_NOMEM;
	}
	fa->acrolen = (uint32_t)(fx->strlen - fa->acro);
	return DOPPEL_OK;
}

/* The an bytes at a of x's strings equal the bn bytes at b of y's. */
static bool same_str(const doppel__facts *x, uint32_t a, uint32_t an, const doppel__facts *y,
                     uint32_t b, uint32_t bn)
{
	return an == bn && memcmp(x->str + a, y->str + b, an) == 0;
}

/* A new fact for mention m; its number in *out. */
static int new_entity(const struct run *r, const struct mention *m, size_t *out)
{
	doppel__fact fa = {.kind = m->kind,
	                   .mentions = 1,
	                   .start = r->sc->w[m->first].start,
	                   .end = r->sc->w[m->last].end,
	                   .rstart = m->rstart,
	                   .rend = m->rend,
	                   .role = m->role};
	if (fa.kind == DOPPEL__FACT_NAME && m->place_hint)
		fa.kind = DOPPEL__FACT_PLACE;
	sentence_of(r, m->first, &fa.sstart, &fa.send);
	int rc = name_string(r, m->first, m->last, &fa);
	if (rc == DOPPEL_OK && m->alias >= 0) {
		fa.acro = (uint32_t)r->fx->strlen;
		fa.acrolen = r->sc->w[m->alias].flen;
		rc = add_str(r->fx, wtext(r, (size_t)m->alias), fa.acrolen, &fa.acro);
	}
	*out = r->fx->nfact;
	return rc ? rc : add_fact(r->fx, &fa);
}

/* No lowercase letter in bytes [s, e) of t: "GENEVA", "NFLA". */
static bool shouted(const char *t, uint32_t s, uint32_t e)
{
	for (uint32_t k = s; k < e; k++)
		if (t[k] >= 'a' && t[k] <= 'z')
			return false;
	return true;
}

/* Counts mention m towards entity e: the role it gives, a fuller
 * (written: its name, with given names) or less shouted way of writing
 * the name, the strongest kind. */
static void merge_into(const struct run *r, doppel__fact *e, const struct mention *m,
                       const doppel__fact *written)
{
	if (e->mentions < UINT16_MAX)
		e->mentions++;
	if (!e->role && m->role) {
		e->role = m->role;
		e->rstart = m->rstart;
		e->rend = m->rend;
	}
	bool fuller = written && written->given && !e->given;
	bool quieter = shouted(r->text, e->start, e->end) && !flag(r, m->first, FW_CAPS);
	if (fuller || quieter) {
		e->start = r->sc->w[m->first].start;
		e->end = r->sc->w[m->last].end;
		sentence_of(r, m->first, &e->sstart, &e->send);
	}
	if (fuller) {
		e->name = written->name;
		e->nlen = written->nlen;
		e->given = written->given;
	}
	if (e->kind != DOPPEL__FACT_PERSON) {
		if (m->kind == DOPPEL__FACT_ORG || m->kind == DOPPEL__FACT_PERSON)
			e->kind = m->kind;
		else if (e->kind == DOPPEL__FACT_NAME &&
		         (m->kind == DOPPEL__FACT_PLACE || m->place_hint))
			e->kind = DOPPEL__FACT_PLACE;
	}
}

/* One of two names of several words ends the other: "Red Crescent" and
 * "Arvenian Red Crescent". */
static bool tail_of(const doppel__facts *fx, const doppel__fact *x, const doppel__fact *y)
{
	const doppel__fact *lo = x->nlen < y->nlen ? x : y, *hi = x->nlen < y->nlen ? y : x;
	const char *l = fx->str + lo->name, *h = fx->str + hi->name;
	return memchr(l, ' ', lo->nlen) && hi->nlen > lo->nlen &&
	       h[hi->nlen - lo->nlen - 1] == ' ' &&
	       memcmp(h + hi->nlen - lo->nlen, l, lo->nlen) == 0;
}

/* Which the first pronoun after mention m points to: 1 a person (he,
 * she, his, her, ", who"), -1 a thing (it, its, ", which"), 0 none seen
 * within fifteen words. */
static int pronoun_after(const struct run *r, const struct mention *m)
{
	for (size_t k = m->last + 1; k < r->sc->nw && k <= m->last + 15; k++) {
		bool relative = wis(r, k, "who") || wis(r, k, "whose") || wis(r, k, "which");
		if (relative && k != m->last + 1)
			continue; /* only right after the name */
		if (win(r, k, WL_PERSONAL))
			return 1;
		if (win(r, k, WL_NEUTER))
			return -1;
	}
	return 0;
}

/* A name taken for a person by its shape alone ("Aldberg Kalk") that no
 * role or title marks, that is never named by its last word alone, and
 * that the pronouns after it call "it" more than "he" or "she", is no
 * person. */
static int check_persons(const struct run *r, size_t base)
{
	doppel__facts *fx = r->fx;
	size_t n = fx->nfact - base;
	int *votes = doppel__alloc_array(n + 1, sizeof(*votes));
	bool *sure = doppel__alloc_array(n + 1, sizeof(*sure));
	if (!votes || !sure) {
		free(votes);
		free(sure);
		return DOPPEL_E_NOMEM;
	}
	memset(votes, 0, (n + 1) * sizeof(*votes));
	memset(sure, 0, (n + 1) * sizeof(*sure));
	for (size_t i = 0; i < r->sc->nm; i++) {
		const struct mention *m = &r->sc->m[i];
		if (m->entity < (int32_t)base ||
		    fx->fact[m->entity].kind != DOPPEL__FACT_PERSON)
			continue;
		size_t e = (size_t)m->entity - base;
		sure[e] |= m->titled || m->first == m->last;
		votes[e] += pronoun_after(r, m);
	}
	for (size_t e = 0; e < n; e++)
		if (!sure[e] && votes[e] < 0)
			fx->fact[base + e].kind = DOPPEL__FACT_NAME;
	free(votes);
	free(sure);
	return DOPPEL_OK;
}

/* The facts the mentions name: persons first (full names and titled
 * ones, merged when the surname is the same and the given names agree),
 * then other names of several words, then single words: a person's
 * surname, an acronym of a body named in full, or a name of its own. */
static int build_entities(const struct run *r)
{
	struct doppel__fscratch *sc = r->sc;
	doppel__facts *fx = r->fx;
	const size_t base = fx->nfact;
	for (int pass = 0; pass < 3; pass++) {
		for (size_t i = 0; i < sc->nm; i++) {
			struct mention *m = &sc->m[i];
			bool person = m->kind == DOPPEL__FACT_PERSON &&
			              (m->last > m->first || m->titled);
			bool several = m->last > m->first;
			if (m->entity >= 0 || (pass == 0 && !person) || (pass == 1 && !several))
				continue;
			size_t found = SIZE_MAX;
			size_t mark = fx->strlen;
			doppel__fact probe = {0};
			if (name_string(r, m->first, m->last, &probe))
				return DOPPEL_E_NOMEM;
			const char *fold = fx->str + probe.name;
			for (size_t e = base; e < fx->nfact && found == SIZE_MAX; e++) {
				const doppel__fact *x = &fx->fact[e];
				if (pass == 0) {
					struct pname a = pname_of(fx, x),
						     b = pname_of(fx, &probe);
					if (x->kind == DOPPEL__FACT_PERSON &&
					    person_rel(&a, &b) == REL_SAME)
						found = e;
				} else if (pass == 2 && x->kind == DOPPEL__FACT_PERSON &&
				           !flag(r, m->first, FW_CAPS)) {
					struct pname a = pname_of(fx, x);
					if (a.sn == probe.nlen &&
					    memcmp(a.sur, fold, a.sn) == 0)
						found = e;
				} else if (x->kind != DOPPEL__FACT_PERSON &&
				           (same_str(fx, x->name, x->nlen, fx, probe.name,
				                     probe.nlen) ||
				            (pass == 1 && tail_of(fx, x, &probe)) ||
				            (pass == 2 && flag(r, m->first, FW_CAPS) &&
				             same_str(fx, x->acro, x->acrolen, fx, probe.name,
				                      probe.nlen)))) {
					found = e;
				}
			}
			if (found != SIZE_MAX) {
				merge_into(r, &fx->fact[found], m, &probe);
				/* the probe's words stay only when the entity took them */
				if (fx->fact[found].name != probe.name)
					fx->strlen = mark;
				m->entity = (int32_t)found;
				continue;
			}
			fx->strlen = mark;
			if (pass == 0)
				m->kind = DOPPEL__FACT_PERSON;
			size_t e;
			int rc = new_entity(r, m, &e);
			if (rc)
				return rc;
			m->entity = (int32_t)e;
		}
	}
	return check_persons(r, base);
}

/* ---------------------------------------------------------------- slots */

#define SLOT_NAME 1u
#define SLOT_NUMBER 2u
#define SLOT_DATE 3u

/* Appends a slot of kind SLOT_*: the hash of the key words, the hash of
 * the value words. */
static int add_slot(doppel__facts *fx, unsigned kind, const uint64_t *key, size_t nkey,
                    const uint64_t *value, size_t nvalue)
{
	if (doppel__grow((void **)&fx->slot, &fx->slotcap, fx->nslot + 1, sizeof(*fx->slot)))
		return DOPPEL_E_NOMEM;
	uint64_t k = hash_u64s(key, nkey);
	k = (k & ~(UINT64_C(3) << 62)) | ((uint64_t)kind << 62);
	fx->slot[fx->nslot++] = (doppel__slot){k, hash_u64s(value, nvalue)};
	return DOPPEL_OK;
}

/* The stems of the n nearest context words before word i (dir < 0) or
 * after it (dir > 0) in its sentence; 0 where there are none. */
static void context(const struct run *r, size_t i, int dir, uint64_t *out, int n)
{
	const struct fword *w = r->sc->w;
	int got = 0;
	for (size_t k = i; got < n;) {
		if (dir < 0 ? k == 0 : k + 1 >= r->sc->nw)
			break;
		k = dir < 0 ? k - 1 : k + 1;
		if (w[k].sent != w[i].sent)
			break;
		if (context_word(r, k))
			out[got++] = w[k].stem | 1;
	}
	for (; got < n; got++)
		out[got] = 0;
}

/* qsort order of slots: key, then value. */
static int cmp_slot(const void *pa, const void *pb)
{
	const doppel__slot *a = pa, *b = pb;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->value < b->value ? -1 : a->value > b->value;
}

/* The bits of a double, to hash it. */
static uint64_t bits(double d)
{
	uint64_t u;
	memcpy(&u, &d, sizeof(u));
	return u;
}

/* Word number of the first word at or after byte b. */
static size_t word_at(const struct run *r, uint32_t b)
{
	size_t lo = 0, hi = r->sc->nw;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (r->sc->w[mid].start < b)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The template slots of the article, sorted, repeats removed. */
static int make_slots(const struct run *r)
{
	doppel__facts *fx = r->fx;
	int rc = DOPPEL_OK;
	for (size_t i = 0; i < fx->nfact && rc == DOPPEL_OK; i++) {
		const doppel__fact *fa = &fx->fact[i];
		if (fa->kind == DOPPEL__FACT_NUMBER) {
			/* by the thing counted; a number that counts nothing by the
			 * words either side */
			uint64_t key[4] = {fa->unit, fa->what, 0, 0};
			if (!fa->what) {
				context(r, word_at(r, fa->start), -1, key + 2, 1);
				context(r, word_at(r, fa->end) - 1, 1, key + 3, 1);
			}
			uint64_t value[2] = {bits(fa->lo), bits(fa->hi)};
			rc = add_slot(fx, SLOT_NUMBER, key, 4, value, 2);
		} else if (fa->kind == DOPPEL__FACT_DATE) {
			uint64_t key[1] = {fa->what};
			uint64_t value[3] = {bits(fa->lo), bits(fa->hi),
			                     (uint64_t)(int64_t)fa->year};
			rc = add_slot(fx, SLOT_DATE, key, 1, value, 3);
		}
	}
	for (size_t i = 0; i < r->sc->nm && rc == DOPPEL_OK; i++) {
		const struct mention *m = &r->sc->m[i];
		if (m->entity < 0)
			continue;
		const doppel__fact *e = &fx->fact[m->entity];
		uint64_t key[4];
		context(r, m->first, -1, key, 2);
		context(r, m->last, 1, key + 2, 2);
		struct pname pn = pname_of(fx, e);
		uint64_t value[1] = {e->kind == DOPPEL__FACT_PERSON
		                             ? doppel__hash(pn.sur, pn.sn, 0)
		                             : doppel__hash(fx->str + e->name, e->nlen, 0)};
		rc = add_slot(fx, SLOT_NAME, key, 4, value, 1);
	}
	if (rc)
		return rc;
	if (fx->nslot > 1)
		qsort(fx->slot, fx->nslot, sizeof(*fx->slot), cmp_slot);
	size_t w = 0;
	for (size_t i = 0; i < fx->nslot; i++)
		if (w == 0 || cmp_slot(&fx->slot[w - 1], &fx->slot[i]))
			fx->slot[w++] = fx->slot[i];
	fx->nslot = w;
	return DOPPEL_OK;
}

/* -------------------------------------------------------------- extract */

/* Names first, in order of first mention, then numbers and dates. */
static int cmp_fact(const void *pa, const void *pb)
{
	const doppel__fact *a = pa, *b = pb;
	bool na = DOPPEL__FACT_IS_NAME(a->kind), nb = DOPPEL__FACT_IS_NAME(b->kind);
	if (na != nb)
		return na ? -1 : 1;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a->end < b->end ? -1 : a->end > b->end;
}

/*
 * Wire text is often wrapped at a fixed width; segmentation carries a
 * sentence over a line's end when it can tell the width (segment.c,
 * WRAP_MIN), and ends a sentence with every line otherwise: "2.51
 * billion" / "cubic meters" or "February" / "27 to 16.39 mln" then stand
 * in two sentences, and the same figure reads otherwise in a copy whose
 * paragraphs were re-flowed.
 * Two lines are one sentence here when the first does not end one (no
 * full stop, question or exclamation mark before the break), the second
 * is not indented (a new paragraph) and starts with a lowercase word or
 * a number (a capital may start a sentence of a headline's next line).
 */
static void join_wrapped(const struct run *r)
{
	struct fword *w = r->sc->w;
	uint32_t sent = 0;
	for (size_t i = 0; i < r->sc->nw; i++) {
		bool wrapped = false;
		if (i > 0 && w[i].seg != w[i - 1].seg && !(w[i].flags & DOPPEL__W_UPPER)) {
			unsigned breaks = 0;
			bool end = false;
			uint32_t k = w[i - 1].next;
			for (; k < w[i].start; k++) {
				char c = r->text[k];
				breaks += c == '\n';
				end |= c == '.' || c == '!' || c == '?';
			}
			char before = r->text[w[i].start - 1];
			wrapped = breaks == 1 && !end && before != ' ' && before != '\t';
		}
		if (i > 0 && w[i].seg != w[i - 1].seg && !wrapped)
			sent++;
		w[i].sent = sent;
		if (wrapped)
			w[i].flags &= (uint16_t)~DOPPEL__W_START;
	}
}

/* Segments with a watcher that keeps the words, then finds numbers and
 * dates, names, the facts they name, and the slots. */
int doppel__facts_extract(doppel__segmenter *sg, const char *text, size_t len,
                          uint64_t source_key, const doppel__repeated *rep, doppel__features *f,
                          doppel__facts *out)
{
	out->nfact = out->strlen = out->nslot = 0;
	if (!out->scratch && !(out->scratch = calloc(1, sizeof(*out->scratch))))
		return DOPPEL_E_NOMEM;
	struct doppel__fscratch *sc = out->scratch;
	sc->nw = sc->flen = sc->nm = 0;
	doppel__segmenter_lists(sg, doppel__facts_lists);
	int rc = doppel__segment_with(sg, text, len, source_key, rep, f, watch_word, sc);
	if (rc)
		return rc;
	const struct run r = {out, sc, text, len, f};
	join_wrapped(&r);
	if ((rc = mark_words(&r)) || (rc = take_numbers(&r)) || (rc = take_names(&r)) ||
	    (rc = build_entities(&r)))
		return rc;
	/* Sorting moves the names: the mentions follow them by start. */
	for (size_t i = 0; i < sc->nm; i++)
		if (sc->m[i].entity >= 0)
			sc->m[i].entity = (int32_t)out->fact[sc->m[i].entity].start;
	if (out->nfact > 1)
		qsort(out->fact, out->nfact, sizeof(*out->fact), cmp_fact);
	/* the names come first */
	size_t names = 0;
	while (names < out->nfact && DOPPEL__FACT_IS_NAME(out->fact[names].kind))
		names++;
	for (size_t i = 0; i < sc->nm; i++) {
		if (sc->m[i].entity < 0)
			continue;
		/* two names never start at one word */
		uint32_t start = (uint32_t)sc->m[i].entity;
		size_t lo = 0, hi = names;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (out->fact[mid].start < start)
				lo = mid + 1;
			else
				hi = mid;
		}
		sc->m[i].entity =
			lo < out->nfact && out->fact[lo].start == start ? (int32_t)lo : -1;
	}
	return make_slots(&r);
}

/* Frees what x holds and zeroes it; x itself is the caller's. */
void doppel__facts_free(doppel__facts *x)
{
	if (!x)
		return;
	if (x->scratch) {
		free(x->scratch->w);
		free(x->scratch->fold);
		free(x->scratch->m);
		free(x->scratch->seen);
		free(x->scratch);
	}
	free(x->fact);
	free(x->str);
	free(x->slot);
	memset(x, 0, sizeof(*x));
}

/* -------------------------------------------------------------- compare */

/* How a name x of article a relates to a name y of article b: REL_*. */
static int name_rel(const doppel__facts *a, const doppel__fact *x, const doppel__facts *b,
                    const doppel__fact *y)
{
	const char *sx = a->str + x->name, *sy = b->str + y->name;
	bool px = x->kind == DOPPEL__FACT_PERSON, py = y->kind == DOPPEL__FACT_PERSON;
	bool wx = !memchr(sx, ' ', x->nlen) && !(x->acrolen && x->acro == x->name);
	bool wy = !memchr(sy, ' ', y->nlen) && !(y->acrolen && y->acro == y->name);
	/* Persons, and a lone word that may be the other's surname. */
	if ((px && py) || (px && wy) || (py && wx)) {
		struct pname nx = pname_of(a, x), ny = pname_of(b, y);
		return person_rel(&nx, &ny);
	}
	if (same_str(a, x->name, x->nlen, b, y->name, y->nlen))
		return REL_SAME;
	if (px || py)
		return REL_NONE;
	/* An acronym and the words it stands for, or two that one defines. */
	if ((x->acrolen && same_str(a, x->acro, x->acrolen, b, y->name, y->nlen)) ||
	    (y->acrolen && same_str(b, y->acro, y->acrolen, a, x->name, x->nlen)) ||
	    (x->acrolen && y->acrolen && x->acro != x->name && y->acro != y->name &&
	     same_str(a, x->acro, x->acrolen, b, y->acro, y->acrolen)))
		return REL_SAME;
	return doppel__spelling_variant(sx, x->nlen, sy, y->nlen) ? REL_SPELLING : REL_NONE;
}

/* The lower end of a number's or date's range. */
static double lower(const doppel__fact *x)
{
	return x->lo < x->hi ? x->lo : x->hi;
}

/* The upper end. */
static double upper(const doppel__fact *x)
{
	return x->lo < x->hi ? x->hi : x->lo;
}

/* The two ranges share a value. */
static bool overlap(const doppel__fact *x, const doppel__fact *y)
{
	return lower(x) <= upper(y) && lower(y) <= upper(x);
}

/* The same kind of date: a month and day, a weekday, a year alone. */
static int date_shape(const doppel__fact *x)
{
	return x->lo >= DOPPEL__YEAR_BASE ? 3 : x->lo < 0 ? 2 : 1;
}

/* Tiers of linking, strongest first. */
enum tier {
	T_SAME,
	T_CLOSE,
	T_OTHER,
	T_ROLE,
	T_END
};

/* Whether facts x (of a) and y (of b) link at tier t, and how they
 * differ then. */
static bool links(const doppel__facts *a, const doppel__fact *x, const doppel__facts *b,
                  const doppel__fact *y, enum tier t, unsigned *differ)
{
	*differ = DOPPEL__DIFFER_NONE;
	if (DOPPEL__FACT_IS_NAME(x->kind) && DOPPEL__FACT_IS_NAME(y->kind)) {
		if (t == T_ROLE) {
			*differ = DOPPEL__DIFFER_NAME;
			return x->kind == DOPPEL__FACT_PERSON &&
			       y->kind == DOPPEL__FACT_PERSON && x->role && x->role == y->role;
		}
		int rel = name_rel(a, x, b, y);
		if (rel == REL_SPELLING)
			*differ = DOPPEL__DIFFER_SPELLING;
		else if (rel == REL_OTHER)
			*differ = DOPPEL__DIFFER_NAME;
		return (t == T_SAME && rel == REL_SAME) ||
		       (t == T_CLOSE && rel == REL_SPELLING) ||
		       (t == T_OTHER && rel == REL_OTHER);
	}
	if (x->kind == DOPPEL__FACT_NUMBER && y->kind == DOPPEL__FACT_NUMBER) {
		if (x->unit != y->unit)
			return false;
		bool same_what = x->what && x->what == y->what;
		bool specific = same_what && !(x->flags & DOPPEL__FACTF_GENERIC);
		if (t == T_SAME)
			return x->lo == y->lo && x->hi == y->hi &&
			       (!x->what || !y->what || same_what);
		if (t == T_CLOSE)
			return specific && overlap(x, y);
		*differ = DOPPEL__DIFFER_NUMBER;
		return t == T_OTHER && specific;
	}
	if (x->kind == DOPPEL__FACT_DATE && y->kind == DOPPEL__FACT_DATE) {
		if (date_shape(x) != date_shape(y))
			return false;
		bool years = !x->year || !y->year || x->year == y->year;
		if (t == T_SAME)
			return years && x->lo == y->lo && x->hi == y->hi;
		if (t == T_CLOSE)
			return (years || date_shape(x) == 3) && date_shape(x) != 2 &&
			       overlap(x, y);
		*differ = DOPPEL__DIFFER_DATE;
		return t == T_OTHER && x->what && x->what == y->what;
	}
	return false;
}

/* Links tier by tier, strongest first, so that an exact match is never
 * taken by a weaker one; within a tier each fact of a takes the first
 * free fact of b. O(na * nb) per tier: explaining only, never the
 * engine's hot path. */
int doppel__facts_compare(const doppel__facts *a, const doppel__facts *b,
                          doppel__fact_link **out, size_t *nout)
{
	*out = NULL;
	*nout = 0;
	int32_t *la = doppel__alloc_array(a->nfact + 1, sizeof(*la));
	int32_t *lb = doppel__alloc_array(b->nfact + 1, sizeof(*lb));
	unsigned *how = doppel__alloc_array(a->nfact + 1, sizeof(*how));
	doppel__fact_link *links_out =
		doppel__alloc_array(a->nfact + b->nfact + 1, sizeof(*links_out));
	int rc = DOPPEL_OK;
	if (!la || !lb || !how || !links_out) {
		rc = DOPPEL_E_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < a->nfact; i++)
		la[i] = -1;
	for (size_t j = 0; j < b->nfact; j++)
		lb[j] = -1;
	for (enum tier t = T_SAME; t < T_END; t++) {
		for (size_t i = 0; i < a->nfact; i++) {
			for (size_t j = 0; j < b->nfact && la[i] < 0; j++) {
				unsigned differ;
				if (lb[j] < 0 &&
				    links(a, &a->fact[i], b, &b->fact[j], t, &differ)) {
					la[i] = (int32_t)j;
					lb[j] = (int32_t)i;
					how[i] = differ;
				}
			}
		}
	}
	size_t n = 0;
	for (size_t i = 0; i < a->nfact; i++)
		links_out[n++] = (doppel__fact_link){(int32_t)i, la[i], la[i] < 0 ? 0 : how[i]};
	for (size_t j = 0; j < b->nfact; j++)
		if (lb[j] < 0)
			links_out[n++] = (doppel__fact_link){-1, (int32_t)j, 0};
	*out = links_out;
	*nout = n;
	links_out = NULL;
out:
	free(la);
	free(lb);
	free(how);
	free(links_out);
	return rc;
}

/* ------------------------------------------------------------- conflict */

double doppel__facts_conflict(const doppel__facts *a, const doppel__facts *b,
                              doppel__conflict *c)
{
	return doppel__slots_conflict(a->slot, a->nslot, b->slot, b->nslot, c);
}

/* Counts one slot both articles fill: kind, and whether a value is
 * common. */
static void count_slot(doppel__conflict *k, unsigned kind, bool common)
{
	k->slots++;
	if (common) {
		k->agree++;
		return;
	}
	k->differ++;
	k->names += kind == SLOT_NAME;
	k->numbers += kind == SLOT_NUMBER;
	k->dates += kind == SLOT_DATE;
}

double doppel__slots_conflict(const doppel__slot *sa, size_t na, const doppel__slot *sb,
                              size_t nb, doppel__conflict *c)
{
	doppel__conflict k = {0};
	size_t i = 0, j = 0;
	while (i < na && j < nb) {
		uint64_t ka = sa[i].key, kb = sb[j].key;
		if (ka != kb) {
			if (ka < kb)
				i++;
			else
				j++;
			continue;
		}
		size_t ie = i, je = j;
		while (ie < na && sa[ie].key == ka)
			ie++;
		while (je < nb && sb[je].key == ka)
			je++;
		bool common = false;
		for (size_t p = i, q = j; p < ie && q < je && !common;) {
			uint64_t va = sa[p].value, vb = sb[q].value;
			common = va == vb;
			p += va <= vb;
			q += vb <= va;
		}
		count_slot(&k, (unsigned)(ka >> 62), common);
		i = ie;
		j = je;
	}
	if (c)
		*c = k;
	return k.slots ? (double)k.differ / k.slots : 0.0;
}

/* ---------------------------------------------------------------- packed */

size_t doppel__slots_pack(const doppel__slot *in, size_t n, uint64_t *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] =
			(in[i].key >> 32) << 32 | (uint32_t)(in[i].value ^ (in[i].value >> 32));
	if (n > 1)
		qsort(out, n, sizeof(*out), doppel__cmp_u64);
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		if (w == 0 || out[w - 1] != out[i])
			out[w++] = out[i];
	return w;
}

void doppel__packed_conflict(const uint64_t *a, size_t na, const uint64_t *b, size_t nb,
                             doppel__conflict *c)
{
	doppel__conflict k = {0};
	size_t i = 0, j = 0;
	while (i < na && j < nb) {
		uint64_t ka = a[i] >> 32, kb = b[j] >> 32;
		if (ka != kb) {
			if (ka < kb)
				i++;
			else
				j++;
			continue;
		}
		size_t ie = i, je = j;
		while (ie < na && a[ie] >> 32 == ka)
			ie++;
		while (je < nb && b[je] >> 32 == ka)
			je++;
		/* the values of one key are sorted as the whole words are */
		bool common = false;
		for (size_t p = i, q = j; p < ie && q < je && !common;) {
			uint64_t va = a[p], vb = b[q];
			common = va == vb;
			p += va <= vb;
			q += vb <= va;
		}
		count_slot(&k, (unsigned)(ka >> 30), common);
		i = ie;
		j = je;
	}
	*c = k;
}
