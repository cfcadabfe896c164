/*
 * params.c — parameters, their defaults, the LSH layout they imply, and the
 * names of status codes and versions.
 */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "internal.h"

#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <zstd.h>

void doppel_params_init(doppel_params *p)
{
	memset(p, 0, sizeof(*p));
	p->shingle = 3;
	p->k = 128;
	p->seed = 0;
	p->threshold = 0.3;
	p->duplicate_jaccard = 0.8;
	p->copy_containment = 0.5;
	p->threads = 0;
	p->boilerplate_min = 8;
	p->max_bucket = 1000;
	p->relations = DOPPEL_FIND_ALL;
	p->rewrite_aligned = 0.7;
	p->sentence_min = 0.35;
	p->event_anchors = 0.3;
	p->story_names = 0.25;
	p->story_topic = 0.25;
	p->event_days = 3;
	p->window_days = 400;
	p->wordnet_dir = NULL;
}

int doppel_params_check(const doppel_params *p, char *msg, size_t msglen)
{
	const char *bad = NULL;
	if (!p)
		bad = "no parameters";
	else if (p->shingle < 1 || p->shingle > 16)
		bad = "shingle must be between 1 and 16 words";
	else if (p->k < 16 || p->k > 1024 || p->k % 8)
		bad = "k must be a multiple of 8 between 16 and 1024";
	else if (!(p->threshold > 0.0 && p->threshold < 1.0))
		bad = "threshold must be between 0 and 1 (exclusive)";
	else if (!(p->duplicate_jaccard > 0.0 && p->duplicate_jaccard <= 1.0))
		bad = "duplicate Jaccard must be in (0, 1]";
	else if (!(p->copy_containment > 0.0 && p->copy_containment <= 1.0))
		bad = "copy containment must be in (0, 1]";
	else if (p->threads > 256)
		bad = "threads must be at most 256";
	else if (p->max_bucket < 1)
		bad = "max bucket must be at least 1";
	else if (!p->relations || (p->relations & ~(unsigned)DOPPEL_FIND_ALL))
		bad = "relations must name at least one of duplicate, copy, excerpt, "
		      "rewrite, same-event, same-story";
	else if (!(p->rewrite_aligned > 0.0 && p->rewrite_aligned <= 1.0) ||
	         !(p->sentence_min > 0.0 && p->sentence_min <= 1.0) ||
	         !(p->event_anchors > 0.0 && p->event_anchors <= 1.0) ||
	         !(p->story_names > 0.0 && p->story_names <= 1.0) ||
	         !(p->story_topic >= 0.0 && p->story_topic <= 1.0))
		bad = "relation thresholds must be in (0, 1]";
	if (bad && msg && msglen)
		snprintf(msg, msglen, "%s", bad);
	return bad ? DOPPEL_E_ARG : DOPPEL_OK;
}

/* Points of the trapezoid rule over an interval. */
#define AREA_STEPS 100

/* s^r at the AREA_STEPS + 1 points of [lo, hi], for r = 1 .. k: pw[(r - 1)
 * * (AREA_STEPS + 1) + i]. Every (b, r) of one r shares them. */
static void powers(double lo, double hi, unsigned k, double *pw)
{
	const double h = (hi - lo) / AREA_STEPS;
	for (unsigned r = 1; r <= k; r++)
		for (int i = 0; i <= AREA_STEPS; i++)
			pw[(size_t)(r - 1) * (AREA_STEPS + 1) + (size_t)i] =
				pow(lo + h * i, (double)r);
}

/* Trapezoid rule over [lo, hi] of the probability that two signatures of
 * Jaccard s share one of b bands of r rows, 1 - (1 - s^r)^b (or of 1 - that
 * when miss), the s^r given (powers). */
static double area(double lo, double hi, const double *sr, unsigned b, bool miss)
{
	double h = (hi - lo) / AREA_STEPS, sum = 0.0;
	for (int i = 0; i <= AREA_STEPS; i++) {
		double v = 1.0 - pow(1.0 - sr[i], (double)b);
		if (miss)
			v = 1.0 - v;
		sum += (i == 0 || i == AREA_STEPS) ? v / 2 : v;
	}
	return sum * h;
}

int doppel_params_bands(const doppel_params *p, unsigned *bands, unsigned *rows)
{
	if (doppel_params_check(p, NULL, 0))
		return DOPPEL_E_ARG;
	double *below = doppel__alloc_array((size_t)p->k * (AREA_STEPS + 1), sizeof(*below));
	double *above = doppel__alloc_array((size_t)p->k * (AREA_STEPS + 1), sizeof(*above));
	if (!below || !above) {
		free(below);
		free(above);
		return DOPPEL_E_NOMEM;
	}
	powers(0.0, p->threshold, p->k, below);
	powers(p->threshold, 1.0, p->k, above);
	double best = INFINITY;
	unsigned bb = 1, br = 1;
	for (unsigned b = 1; b <= p->k; b++) {
		for (unsigned r = 1; b * r <= p->k; r++) {
			const size_t at = (size_t)(r - 1) * (AREA_STEPS + 1);
			double fp = area(0.0, p->threshold, below + at, b, false);
			double fn = area(p->threshold, 1.0, above + at, b, true);
			if (fp + fn < best) {
				best = fp + fn;
				bb = b;
				br = r;
			}
		}
	}
	free(below);
	free(above);
	*bands = bb;
	*rows = br;
	return DOPPEL_OK;
}

size_t doppel__stored_params(const doppel_params *p, doppel__kv *out)
{
	size_t n = 0;
	out[n].key = "format_version";
	snprintf(out[n++].value, sizeof(out->value), "%d", DOPPEL_FORMAT_VERSION);
	out[n].key = "shingle";
	snprintf(out[n++].value, sizeof(out->value), "%u", p->shingle);
	out[n].key = "k";
	snprintf(out[n++].value, sizeof(out->value), "%u", p->k);
	out[n].key = "seed";
	snprintf(out[n++].value, sizeof(out->value), "%llu", (unsigned long long)p->seed);
	out[n].key = "signature_bits";
	snprintf(out[n++].value, sizeof(out->value), "16");
	out[n].key = "hash";
	snprintf(out[n++].value, sizeof(out->value), "xxh3-64");
	out[n].key = "normalize_version";
	snprintf(out[n++].value, sizeof(out->value), "%d", DOPPEL__NORMALIZE_VERSION);
	out[n].key = "unicode";
	snprintf(out[n++].value, sizeof(out->value), "%s", utf8proc_unicode_version());
	return n;
}

const char *doppel_strerror(int code)
{
	switch (code) {
	case DOPPEL_OK:
		return "success";
	case DOPPEL_END:
		return "no more records";
	case DOPPEL_E_NOMEM:
		return "out of memory";
	case DOPPEL_E_IO:
		return "input/output error";
	case DOPPEL_E_ARG:
		return "invalid argument";
	case DOPPEL_E_UTF8:
		return "invalid UTF-8";
	case DOPPEL_E_JSON:
		return "malformed JSON";
	case DOPPEL_E_EMPTY:
		return "empty text";
	case DOPPEL_E_TOOBIG:
		return "record too large";
	case DOPPEL_E_DUPID:
		return "duplicate id";
	case DOPPEL_E_DB:
		return "database error";
	case DOPPEL_E_NOTDB:
		return "not a doppel database";
	case DOPPEL_E_MISMATCH:
		return "database parameters differ";
	case DOPPEL_E_READONLY:
		return "database is read-only";
	case DOPPEL_E_NOTFOUND:
		return "not found";
	case DOPPEL_E_FORMAT:
		return "malformed field";
	case DOPPEL_E_STATE:
		return "call out of order";
	case DOPPEL_E_BUSY:
		return "database is in use by another writer";
	default:
		return "unknown error";
	}
}

const char *doppel_version(void)
{
	return DOPPEL_VERSION_STRING;
}

char *doppel_dependency_versions(char *buf, size_t size)
{
	unsigned x = XXH_versionNumber();
	snprintf(buf, size,
	         "utf8proc %s (Unicode %s), xxhash %u.%u.%u, sqlite %s, jansson %s, zstd %s",
	         utf8proc_version(), utf8proc_unicode_version(), x / 10000, (x / 100) % 100,
	         x % 100, sqlite3_libversion(), jansson_version_str(), ZSTD_versionString());
	return buf;
}
