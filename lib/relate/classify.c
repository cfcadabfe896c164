/*
 * classify.c — from measured similarity to a relation and a direction.
 */
#include "internal.h"

#include <string.h>

doppel_relation doppel__classify(const doppel_params *p, double jaccard, double containment,
                                 bool same_fingerprint)
{
	if (same_fingerprint || jaccard >= p->duplicate_jaccard)
		return DOPPEL_REL_DUPLICATE;
	if (containment >= p->copy_containment)
		return DOPPEL_REL_COPY;
	return DOPPEL_REL_NONE;
}

/* A rewrite published more than event_days after its source: measured on
 * the labelled set, true rewrites align >= 0.83 of the shorter text's
 * sentences at a mean cosine >= 0.54; a follow-up retelling its story
 * aligned 0.5-0.75 at about 0.5. */
#define LATE_REWRITE_ALIGNED 0.8
#define LATE_REWRITE_STRENGTH 0.6

doppel_relation doppel__classify_evidence(const doppel_params *p, const doppel__evidence *ev,
                                          size_t nsent_a, size_t nsent_b, uint32_t apart)
{
	const unsigned want = p->relations;
	size_t shorter = nsent_a < nsent_b ? nsent_a : nsent_b;
	/* One or two aligned sentences can be a shared quote and a shared
	 * fact; three make a pattern. */
	size_t need = shorter < 3 ? shorter : 3;
	/* Far apart in time, a rewrite must align more, and better: a later
	 * chapter of a story retells the first in a few sentences. */
	bool late = apart > p->event_days;
	double min_aligned = late && p->rewrite_aligned < LATE_REWRITE_ALIGNED
	                             ? LATE_REWRITE_ALIGNED
	                             : p->rewrite_aligned;
	if ((want & DOPPEL_FIND_REWRITE) && need > 0 && ev->naligned >= need &&
	    ev->aligned >= min_aligned && (!late || ev->strength >= LATE_REWRITE_STRENGTH))
		return DOPPEL_REL_REWRITE;
	/* Close in time, an event shows either in shared facts or in the same
	 * actors on the same subject. */
	bool actors = ev->names >= p->story_names && ev->topic >= 2.5 * p->story_topic;
	if ((want & DOPPEL_FIND_SAME_EVENT) && apart <= p->event_days &&
	    (ev->anchors >= p->event_anchors || actors))
		return DOPPEL_REL_SAME_EVENT;
	if ((want & DOPPEL_FIND_SAME_STORY) && ev->names >= p->story_names &&
	    ev->topic >= p->story_topic)
		return DOPPEL_REL_SAME_STORY;
	return DOPPEL_REL_NONE;
}

uint32_t doppel__days_apart(int32_t a, int32_t b)
{
	if (a == DOPPEL_NO_DATE || b == DOPPEL_NO_DATE)
		return 0;
	return a > b ? (uint32_t)(a - b) : (uint32_t)(b - a);
}

doppel_direction doppel__direction(int32_t da, int32_t db)
{
	if (da == DOPPEL_NO_DATE || db == DOPPEL_NO_DATE || da == db)
		return DOPPEL_DIR_UNKNOWN;
	return da > db ? DOPPEL_DIR_FROM : DOPPEL_DIR_TO;
}

int doppel__match_cmp(const void *pa, const void *pb)
{
	const doppel_match *a = pa, *b = pb;
	int ra = doppel_relation_rank(a->relation), rb = doppel_relation_rank(b->relation);
	if (ra != rb)
		return ra < rb ? -1 : 1;
	if (a->containment != b->containment)
		return a->containment > b->containment ? -1 : 1;
	if (a->jaccard != b->jaccard)
		return a->jaccard > b->jaccard ? -1 : 1;
	return strcmp(a->id, b->id);
}

static const char *const relation_names[] = {
	"none", "duplicate", "copy", "rewrite", "same-event", "same-story", "excerpt",
};

/* Strength by value: the values are in the order they were added. */
static const int relation_ranks[] = {0, 1, 2, 4, 5, 6, 3};

int doppel_relation_rank(doppel_relation r)
{
	if ((unsigned)r < sizeof(relation_ranks) / sizeof(*relation_ranks))
		return relation_ranks[r];
	return 0;
}

const char *doppel_relation_name(doppel_relation r)
{
	if ((unsigned)r < sizeof(relation_names) / sizeof(*relation_names))
		return relation_names[r];
	return "none";
}

doppel_relation doppel_relation_parse(const char *s)
{
	for (unsigned i = 1; s && i < sizeof(relation_names) / sizeof(*relation_names); i++)
		if (strcmp(s, relation_names[i]) == 0)
			return (doppel_relation)i;
	return DOPPEL_REL_NONE;
}

const char *doppel_basis_name(doppel_basis b)
{
	switch (b) {
	case DOPPEL_BASIS_DATE:
		return "date";
	case DOPPEL_BASIS_CONTENT:
		return "content";
	case DOPPEL_BASIS_NONE:
		break;
	}
	return "none";
}

const char *doppel_direction_name(doppel_direction d)
{
	switch (d) {
	case DOPPEL_DIR_FROM:
		return "from";
	case DOPPEL_DIR_TO:
		return "to";
	case DOPPEL_DIR_UNKNOWN:
		break;
	}
	return "unknown";
}

const char *doppel_outcome_name(doppel_outcome o)
{
	switch (o) {
	case DOPPEL_ADDED:
		return "added";
	case DOPPEL_REPLACED:
		return "replaced";
	case DOPPEL_SKIPPED:
		return "skipped";
	case DOPPEL_QUERIED:
		return "queried";
	case DOPPEL_REJECTED:
		return "rejected";
	}
	return "rejected";
}
