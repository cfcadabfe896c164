/*
 * classify.c — from measured similarity to a relation and a direction.
 */
#include "internal.h"

#include <string.h>

doppel_relation doppel__classify(const doppel_params *p, double jaccard,
                                 double containment, bool same_fingerprint)
{
	if (same_fingerprint || jaccard >= p->duplicate_jaccard)
		return DOPPEL_REL_DUPLICATE;
	if (containment >= p->copy_containment)
		return DOPPEL_REL_COPY;
	return DOPPEL_REL_NONE;
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
	/* Lower relation numbers are stronger (duplicate before copy). */
	if (a->relation != b->relation)
		return a->relation < b->relation ? -1 : 1;
	if (a->containment != b->containment)
		return a->containment > b->containment ? -1 : 1;
	if (a->jaccard != b->jaccard)
		return a->jaccard > b->jaccard ? -1 : 1;
	return strcmp(a->id, b->id);
}

static const char *const relation_names[] = {
	"none", "duplicate", "copy", "rewrite", "same-event", "same-story",
};

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
