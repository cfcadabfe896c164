/*
 * json.c — the JSON shapes of doppel's results, one builder each, shared by
 * the command's --json output and the HTTP service so that the two always
 * agree. Figures are rounded to three decimals.
 */
#include "cli.h"

#include <math.h>
#include <string.h>
#include <time.h>

static double round3(double x)
{
	return round(x * 1000.0) / 1000.0;
}

json_t *date_json(int32_t d)
{
	if (d == DOPPEL_NO_DATE)
		return json_null();
	char buf[11];
	return json_string(doppel_format_date(d, buf));
}

json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static bool is_derivation(doppel_relation r)
{
	return r == DOPPEL_REL_DUPLICATE || r == DOPPEL_REL_COPY || r == DOPPEL_REL_EXCERPT ||
	       r == DOPPEL_REL_REWRITE;
}

/* [start, end] as a JSON array. */
static json_t *span_json(size_t start, size_t end)
{
	json_t *a = json_array();
	json_array_append_new(a, json_integer((json_int_t)start));
	json_array_append_new(a, json_integer((json_int_t)end));
	return a;
}

/* The passages of a derivation: [{"a": [start, end], "b": [start, end]}]. */
static json_t *passages_json(const doppel_passage *p, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "a", span_json(p[i].a_start, p[i].a_end));
		json_object_set_new(o, "b", span_json(p[i].b_start, p[i].b_end));
		json_array_append_new(a, o);
	}
	return a;
}

json_t *group_json(const doppel_group *g)
{
	json_t *members = json_array();
	for (size_t i = 0; i < g->count; i++) {
		const doppel_member *m = &g->members[i];
		json_t *o = json_object();
		json_object_set_new(o, "id", json_string(m->id));
		json_object_set_new(o, "title", str_or_null(m->title));
		json_object_set_new(o, "date", date_json(m->date));
		json_object_set_new(o, "words", json_integer(m->words));
		json_object_set_new(o, "relation",
		                    json_string(i == 0 ? "representative"
		                                       : doppel_relation_name(m->relation)));
		if (i > 0) {
			json_object_set_new(o, "of", json_string(m->of));
			json_object_set_new(o, "direction",
			                    json_string(doppel_direction_name(m->direction)));
			json_object_set_new(o, "jaccard", json_real(round3(m->jaccard)));
			json_object_set_new(o, "containment",
			                    json_real(round3(m->containment)));
		}
		json_array_append_new(members, o);
	}
	json_t *o = json_object();
	json_object_set_new(o, "type", json_string("group"));
	json_object_set_new(o, "group", json_string(g->id));
	json_object_set_new(o, "size", json_integer((json_int_t)g->count));
	json_object_set_new(o, "members", members);
	return o;
}

json_t *match_json(const doppel_match *m)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(m->id));
	json_object_set_new(o, "title", str_or_null(m->title));
	json_object_set_new(o, "date", date_json(m->date));
	json_object_set_new(o, "relation", json_string(doppel_relation_name(m->relation)));
	json_object_set_new(o, "direction", json_string(doppel_direction_name(m->direction)));
	json_object_set_new(o, "basis", json_string(doppel_basis_name(m->basis)));
	json_object_set_new(o, "jaccard", json_real(round3(m->jaccard)));
	json_object_set_new(o, "containment", json_real(round3(m->containment)));
	json_object_set_new(o, "aligned", json_real(round3(m->aligned)));
	json_object_set_new(o, "anchors", json_real(round3(m->anchors)));
	json_object_set_new(o, "names", json_real(round3(m->names)));
	json_object_set_new(o, "topic", json_real(round3(m->topic)));
	if (is_derivation(m->relation) && m->passages)
		json_object_set_new(o, "passages", passages_json(m->passages, m->npassages));
	return o;
}

json_t *matches_json(const doppel_match *m, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, match_json(&m[i]));
	return a;
}

json_t *result_json(const doppel_result *r)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", str_or_null(r->id));
	json_object_set_new(o, "outcome", json_string(doppel_outcome_name(r->outcome)));
	if (r->outcome == DOPPEL_REJECTED)
		json_object_set_new(o, "error", json_string(doppel_strerror(r->error)));
	json_object_set_new(o, "words", json_integer(r->words));
	json_object_set_new(o, "event", str_or_null(r->event));
	json_object_set_new(o, "story", str_or_null(r->story));
	json_object_set_new(o, "relations", matches_json(r->matches, r->count));
	return o;
}

json_t *pair_json(const doppel_pair *p)
{
	json_t *o = json_object();
	json_object_set_new(o, "type", json_string("relation"));
	json_object_set_new(o, "relation", json_string(doppel_relation_name(p->relation)));
	json_object_set_new(o, "a", json_string(p->a));
	json_object_set_new(o, "b", json_string(p->b));
	/* For a derivation with a known direction, a is the source. */
	if (is_derivation(p->relation))
		json_object_set_new(o, "direction", json_string(p->basis ? "a->b" : "unknown"));
	json_object_set_new(o, "basis", json_string(doppel_basis_name(p->basis)));
	json_object_set_new(o, "jaccard", json_real(round3(p->jaccard)));
	json_object_set_new(o, "containment", json_real(round3(p->containment)));
	json_object_set_new(o, "aligned", json_real(round3(p->aligned)));
	json_object_set_new(o, "anchors", json_real(round3(p->anchors)));
	json_object_set_new(o, "names", json_real(round3(p->names)));
	json_object_set_new(o, "topic", json_real(round3(p->topic)));
	if (is_derivation(p->relation) && p->passages)
		json_object_set_new(o, "passages", passages_json(p->passages, p->npassages));
	return o;
}

const char *member_role(const doppel_event_member *m, size_t i)
{
	if (i == 0)
		return "origin";
	return m->relation == DOPPEL_REL_SAME_EVENT ? "independent" : "derived";
}

json_t *story_json(const doppel_story *st)
{
	json_t *events = json_array();
	for (size_t e = 0; e < st->count; e++) {
		const doppel_event *ev = &st->events[e];
		json_t *members = json_array();
		for (size_t i = 0; i < ev->count; i++) {
			const doppel_event_member *m = &ev->members[i];
			json_t *o = json_object();
			json_object_set_new(o, "id", json_string(m->id));
			json_object_set_new(o, "title", str_or_null(m->title));
			json_object_set_new(o, "date", date_json(m->date));
			json_object_set_new(o, "role", json_string(member_role(m, i)));
			if (i > 0)
				json_object_set_new(
					o, "relation",
					json_string(doppel_relation_name(m->relation)));
			if (m->of)
				json_object_set_new(o, "of", json_string(m->of));
			json_array_append_new(members, o);
		}
		json_t *o = json_object();
		json_object_set_new(o, "event", json_string(ev->id));
		json_object_set_new(o, "date", date_json(ev->date));
		json_object_set_new(o, "members", members);
		json_array_append_new(events, o);
	}
	json_t *o = json_object();
	json_object_set_new(o, "type", json_string("story"));
	json_object_set_new(o, "story", json_string(st->id));
	json_object_set_new(o, "articles", json_integer((json_int_t)st->articles));
	json_object_set_new(o, "events", events);
	return o;
}

json_t *story_info_json(const doppel_story_info *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(s->id));
	json_object_set_new(o, "title", str_or_null(s->title));
	json_object_set_new(o, "first", date_json(s->first));
	json_object_set_new(o, "last", date_json(s->last));
	json_object_set_new(o, "events", json_integer((json_int_t)s->events));
	json_object_set_new(o, "articles", json_integer((json_int_t)s->articles));
	return o;
}

json_t *stored_json(const doppel_stored *s)
{
	const doppel_article *a = &s->article;
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(a->id));
	json_object_set_new(o, "title", str_or_null(a->title));
	json_object_set_new(o, "text", json_stringn(a->text, a->text_len));
	json_object_set_new(o, "date", date_json(a->date));
	json_object_set_new(o, "source", str_or_null(a->source));
	json_object_set_new(o, "url", str_or_null(a->url));
	json_object_set_new(o, "words", json_integer(s->words));
	json_object_set_new(o, "event", str_or_null(s->event));
	json_object_set_new(o, "story", str_or_null(s->story));
	/* RFC 3339 in UTC: what a reader of the JSON can parse without help. */
	char when[32] = "";
	time_t t = (time_t)s->added;
	struct tm tm;
	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_set_new(o, "added", json_string(when));
	return o;
}

/* Where one article states a fact; null when it does not. */
static json_t *site_json(const doppel_fact_site *s)
{
	if (!s->text)
		return json_null();
	json_t *o = json_object();
	json_object_set_new(o, "text", json_string(s->text));
	json_object_set_new(o, "at", span_json(s->start, s->end));
	json_object_set_new(o, "sentence", json_string(s->sentence));
	json_object_set_new(o, "sentence_at", span_json(s->sentence_start, s->sentence_end));
	return o;
}

/* The n facts of one list of an explanation. */
static json_t *fact_pairs_json(const doppel_fact_pair *f, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "kind", json_string(f[i].kind));
		json_object_set_new(o, "role", str_or_null(f[i].role));
		json_object_set_new(o, "what", str_or_null(f[i].what));
		if (f[i].differ)
			json_object_set_new(o, "differ", json_string(f[i].differ));
		json_object_set_new(o, "a", site_json(&f[i].a));
		json_object_set_new(o, "b", site_json(&f[i].b));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *strings_json(const char *const *s, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(s[i]));
	return a;
}

json_t *explanation_json(const doppel_explanation *e)
{
	const doppel_pair *p = &e->pair;
	json_t *o = pair_json(p);
	json_object_set_new(o, "type", json_string("explanation"));
	json_object_set_new(o, "source",
	                    e->a_source < 0 ? json_null()
	                                    : json_string(e->a_source ? p->a : p->b));
	json_object_set_new(o, "stored", json_boolean(e->stored));
	json_object_set_new(o, "passages", passages_json(p->passages, p->npassages));
	json_t *al = json_array();
	for (size_t i = 0; i < e->naligned; i++) {
		json_t *x = json_object();
		json_object_set_new(x, "a", json_string(e->aligned[i].a));
		json_object_set_new(x, "b", json_string(e->aligned[i].b));
		json_object_set_new(x, "score", json_real(round3(e->aligned[i].score)));
		json_array_append_new(al, x);
	}
	json_object_set_new(o, "aligned_sentences", al);
	json_object_set_new(o, "only_a", strings_json(e->only_a, e->nonly_a));
	json_object_set_new(o, "only_b", strings_json(e->only_b, e->nonly_b));
	json_t *facts = json_object();
	json_object_set_new(facts, "shared",
	                    fact_pairs_json(e->facts_shared, e->nfacts_shared));
	json_object_set_new(facts, "only_a",
	                    fact_pairs_json(e->facts_only_a, e->nfacts_only_a));
	json_object_set_new(facts, "only_b",
	                    fact_pairs_json(e->facts_only_b, e->nfacts_only_b));
	json_object_set_new(facts, "disagreements",
	                    fact_pairs_json(e->disagreements, e->ndisagreements));
	json_object_set_new(o, "facts", facts);
	json_object_set_new(o, "conflict", json_real(round3(e->conflict)));
	return o;
}
