/*
 * jsonl.cpp — one JSON Lines record through simdjson's On-Demand API, behind
 * the C interface declared in internal.h.
 *
 * The library's only C++: simdjson parses news records several times faster
 * than a parser that builds a tree (its stage 1 finds every structural
 * character and validates UTF-8 with SIMD instructions; see Langdale and
 * Lemire, "Parsing Gigabytes of JSON per Second", VLDB Journal 28, 2019).
 * It is built without exceptions: every simdjson call here returns an error
 * code, and nothing can unwind through the C callers.
 *
 * On-Demand only looks at what it is asked for, so a value no field wants
 * would go unchecked; every value is visited (valid_value) so that a line
 * that is not JSON is an error wherever its fault is, as it always was.
 */
#include <simdjson.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

extern "C" {
#include "internal.h"
}

using namespace simdjson;

static_assert(DOPPEL__JSON_PADDING >= SIMDJSON_PADDING, "lines need simdjson's padding");

/* A parser kept from line to line: its buffers grow to the longest line
 * seen, and are given back after a line longer than this. */
static const size_t keep_capacity = 4u << 20;

struct doppel__json {
	ondemand::parser parser;
	/* Unescaped strings, each NUL-terminated: what a record hands out.
	 * Holds a line's length plus padding, which no set of its strings
	 * can exceed: an unescaped string is never longer than its escaped
	 * form, and its terminator takes the place of a quote. */
	uint8_t *arena;
	size_t arenacap;
};

/* Declared in internal.h; the parser allocates its buffers at the first line. */
doppel__json *doppel__json_new(void)
{
	return new (std::nothrow) doppel__json();
}

void doppel__json_free(doppel__json *j)
{
	if (!j)
		return;
	std::free(j->arena);
	delete j;
}

/* What went wrong, in the words of the messages the reader prints. */
static const char *what(error_code e)
{
	switch (e) {
	case TAPE_ERROR:
	case INCORRECT_TYPE:
		return "unexpected character";
	case UNCLOSED_STRING:
		return "a string is not closed";
	case UNESCAPED_CHARS:
		return "a control character inside a string";
	case STRING_ERROR:
		return "a bad escape in a string";
	case NUMBER_ERROR:
	case NUMBER_OUT_OF_RANGE:
		return "a malformed number";
	case T_ATOM_ERROR:
	case F_ATOM_ERROR:
	case N_ATOM_ERROR:
		return "a malformed literal";
	case DEPTH_ERROR:
		return "nested too deep";
	case EMPTY:
		return "no value";
	case INCOMPLETE_ARRAY_OR_OBJECT:
		return "an object or array is not closed, or more follows it";
	default:
		return error_message(e);
	}
}

/* Writes "broken JSON at byte N: why" into msg; without "at byte N" when
 * the fault was found before iteration began (doc NULL), where simdjson
 * keeps no position. */
static int broken(ondemand::document *doc, const char *line, size_t len, error_code e,
                  char *msg, size_t msglen)
{
	const char *at = nullptr;
	if (doc && !doc->current_location().get(at) && at >= line && at <= line + len)
		std::snprintf(msg, msglen, "broken JSON at byte %zu: %s", (size_t)(at - line),
		              what(e));
	else if (doc)
		std::snprintf(msg, msglen, "broken JSON at byte %zu: %s", len, what(e));
	else
		std::snprintf(msg, msglen, "broken JSON: %s", what(e));
	return DOPPEL_E_JSON;
}

/* How deep a record's arrays and objects may nest. */
static const unsigned MAX_NESTING = 64;

/*
 * Visits a value no field wants, checking it the way a full parse would:
 * strings are unescaped into the arena at dst and dropped, numbers and
 * literals parsed, containers walked; depth: the containers around it.
 */
static error_code valid_value(ondemand::parser &parser, ondemand::value v, uint8_t *dst,
                              unsigned depth)
{
	/* Arrays and objects nested deeper than this are refused: each level
	 * is a frame of this function's, and the stack is not endless. */
	if (depth > MAX_NESTING)
		return DEPTH_ERROR;
	ondemand::json_type t;
	error_code e = v.type().get(t);
	if (e)
		return e;
	switch (t) {
	case ondemand::json_type::object: {
		ondemand::object o;
		if ((e = v.get_object().get(o)))
			return e;
		for (auto fr : o) {
			ondemand::field f;
			std::string_view key;
			if ((e = std::move(fr).get(f)) || (e = f.unescaped_key().get(key)) ||
			    (e = valid_value(parser, f.value(), dst, depth + 1)))
				return e;
		}
		return SUCCESS;
	}
	case ondemand::json_type::array: {
		ondemand::array a;
		if ((e = v.get_array().get(a)))
			return e;
		for (auto item : a) {
			ondemand::value x;
			if ((e = std::move(item).get(x)) ||
			    (e = valid_value(parser, x, dst, depth + 1)))
				return e;
		}
		return SUCCESS;
	}
	case ondemand::json_type::string: {
		ondemand::raw_json_string raw;
		std::string_view s;
		uint8_t *p = dst;
		if ((e = v.get_raw_json_string().get(raw)))
			return e;
		return parser.unescape(raw, p).get(s);
	}
	case ondemand::json_type::number: {
		ondemand::number n;
		return v.get_number().get(n);
	}
	case ondemand::json_type::boolean: {
		bool b;
		return v.get_bool().get(b);
	}
	case ondemand::json_type::null: {
		bool is;
		if ((e = v.is_null().get(is)))
			return e;
		return is ? SUCCESS : N_ATOM_ERROR;
	}
	}
	return INCORRECT_TYPE;
}

/* Takes a value a field wants: a string into the arena at *dst (moved past
 * it and its terminator, with U+0000 read as a space), an integer, or null;
 * anything else, once checked, is only named as such. */
static error_code take_value(ondemand::parser &parser, ondemand::value v, uint8_t *&dst,
                             doppel__json_field *out)
{
	ondemand::json_type t;
	error_code e = v.type().get(t);
	if (e)
		return e;
	*out = doppel__json_field{};
	switch (t) {
	case ondemand::json_type::string: {
		ondemand::raw_json_string raw;
		std::string_view s;
		if ((e = v.get_raw_json_string().get(raw)) ||
		    (e = parser.unescape(raw, dst).get(s)))
			return e;
		char *p = reinterpret_cast<char *>(dst) - s.size();
		*dst++ = '\0';
		/* a NUL would end the C string early: it reads as a space */
		char *z = p, *end = p + s.size();
		while ((z = static_cast<char *>(std::memchr(z, 0, (size_t)(end - z)))))
			*z++ = ' ';
		out->kind = DOPPEL__JSON_STRING;
		out->str = p;
		out->len = s.size();
		return SUCCESS;
	}
	case ondemand::json_type::number: {
		int64_t i;
		if (!v.get_int64().get(i)) {
			out->kind = DOPPEL__JSON_INTEGER;
			out->num = i;
			return SUCCESS;
		}
		out->kind = DOPPEL__JSON_OTHER;
		return valid_value(parser, v, dst, 0);
	}
	case ondemand::json_type::null: {
		bool is;
		if ((e = v.is_null().get(is)))
			return e;
		out->kind = DOPPEL__JSON_NULL;
		return is ? SUCCESS : N_ATOM_ERROR;
	}
	default:
		out->kind = DOPPEL__JSON_OTHER;
		return valid_value(parser, v, dst, 0);
	}
}

int doppel__json_parse(doppel__json *j, const char *line, size_t len, const char *const *names,
                       size_t n, doppel__json_field *out, char *msg, size_t msglen)
{
	for (size_t i = 0; i < n; i++)
		out[i] = doppel__json_field{};
	if (len > SIZE_MAX - DOPPEL__JSON_PADDING)
		return DOPPEL_E_NOMEM;
	size_t need = len + DOPPEL__JSON_PADDING;
	if (need > j->arenacap || (j->arenacap > keep_capacity && need <= keep_capacity)) {
		void *p = std::realloc(j->arena, need);
		if (!p) {
			std::snprintf(msg, msglen, "out of memory");
			return DOPPEL_E_NOMEM;
		}
		j->arena = static_cast<uint8_t *>(p);
		j->arenacap = need;
	}
	if (j->parser.capacity() > keep_capacity && len <= keep_capacity &&
	    j->parser.allocate(keep_capacity) != SUCCESS) {
		std::snprintf(msg, msglen, "out of memory");
		return DOPPEL_E_NOMEM;
	}

	ondemand::document doc;
	error_code e = j->parser.iterate(line, len, len + DOPPEL__JSON_PADDING).get(doc);
	if (e == UTF8_ERROR)
		return DOPPEL_E_UTF8;
	if (e == MEMALLOC || e == CAPACITY) {
		std::snprintf(msg, msglen, "out of memory");
		return DOPPEL_E_NOMEM;
	}
	if (e)
		return broken(nullptr, line, len, e, msg, msglen);
	ondemand::json_type t;
	if ((e = doc.type().get(t)))
		return broken(&doc, line, len, e, msg, msglen);
	if (t != ondemand::json_type::object) {
		std::snprintf(msg, msglen, "a record must be a JSON object");
		return DOPPEL_E_JSON;
	}
	ondemand::object obj;
	if ((e = doc.get_object().get(obj)))
		return broken(&doc, line, len, e, msg, msglen);
	uint8_t *dst = j->arena;
	for (auto fr : obj) {
		ondemand::field f;
		std::string_view key;
		if ((e = std::move(fr).get(f)) || (e = f.unescaped_key().get(key)))
			return broken(&doc, line, len, e, msg, msglen);
		size_t i = 0;
		while (i < n && !(std::strlen(names[i]) == key.size() &&
		                  std::memcmp(names[i], key.data(), key.size()) == 0))
			i++;
		/* the last of repeated keys counts, as in a parser that builds an
		 * object; what the earlier one took stays in the arena unused */
		e = i < n ? take_value(j->parser, f.value(), dst, &out[i])
		          : valid_value(j->parser, f.value(), dst, 0);
		if (e)
			return broken(&doc, line, len, e, msg, msglen);
	}
	/* nothing may follow the object: at the end, there is no location */
	const char *rest;
	if (doc.current_location().get(rest) != OUT_OF_BOUNDS)
		return broken(&doc, line, len, TAPE_ERROR, msg, msglen);
	return DOPPEL_OK;
}
