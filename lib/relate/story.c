/*
 * story.c — what events and stories are made of: the direction of a
 * derivation, the order of dates, the shapes handed out. Events and
 * stories themselves grow online in the index (index.c), which a scan
 * uses too.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

doppel_basis doppel__derivation_basis(doppel_relation rel, int32_t date_a, int32_t date_b,
                                      unsigned boiler_a, unsigned boiler_b, uint32_t words_a,
                                      uint32_t words_b, bool *a_source)
{
	*a_source = false;
	if (date_a != DOPPEL_NO_DATE && date_b != DOPPEL_NO_DATE && date_a != date_b) {
		*a_source = date_a < date_b;
		return DOPPEL_BASIS_DATE;
	}
	/* Repeated-line boilerplate belongs to a source's site, not to copying. */
	const unsigned added =
		DOPPEL__BOILER_STAMP | DOPPEL__BOILER_APPEAL | DOPPEL__BOILER_TRAILER;
	unsigned ea = boiler_a & added & ~boiler_b, eb = boiler_b & added & ~boiler_a;
	if (ea && !eb) {
		*a_source = false;
		return DOPPEL_BASIS_CONTENT;
	}
	if (eb && !ea) {
		*a_source = true;
		return DOPPEL_BASIS_CONTENT;
	}
	if (rel == DOPPEL_REL_REWRITE && words_a && words_b) {
		if ((double)words_b < 0.8 * words_a) {
			*a_source = true;
			return DOPPEL_BASIS_CONTENT;
		}
		if ((double)words_a < 0.8 * words_b)
			return DOPPEL_BASIS_CONTENT;
	}
	return DOPPEL_BASIS_NONE;
}

void doppel__stories_free(doppel__stories *s)
{
	free(s->story);
	free(s->event);
	free(s->member);
	memset(s, 0, sizeof(*s));
}

int doppel__date_cmp(int32_t a, int32_t b)
{
	if (a == b)
		return 0;
	if (a == DOPPEL_NO_DATE)
		return 1;
	if (b == DOPPEL_NO_DATE)
		return -1;
	return a < b ? -1 : 1;
}
