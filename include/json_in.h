/*
 * Strict JSON input (RFC 8259) on top of json-c, closing json-c's leniency:
 * comments, trailing commas, single quotes, wrong-case literals, NaN/Infinity,
 * text after the value, invalid UTF-8, lone surrogates and repeated keys are
 * all refused; nesting is capped.
 */
#ifndef TS_JSON_IN_H
#define TS_JSON_IN_H

#include <stddef.h>
#include <json-c/json.h>

enum ts_json_status {
	TS_JSON_OK = 0,
	TS_JSON_INVALID,        /* not strict JSON: 400 INVALID_JSON */
	TS_JSON_TOO_DEEP,       /* deeper than max_depth: 400 INVALID_JSON */
	TS_JSON_NOMEM
};

/*
 * Parses text[0..len) as one JSON value, at most max_depth levels deep (the
 * outermost object or array is level 1). On success *out is a new reference
 * the caller puts; on failure *out is NULL. A top-level `null` is TS_JSON_OK
 * with *out NULL: check the type, not the pointer. Object keys holding
 * \u0000 are refused (json-c would cut them). Read integers with
 * json_object_get_int64 (json_object_get_int saturates 99999999999999999999
 * to a value inside int32 range) and check doubles with isfinite (1e400).
 */
enum ts_json_status ts_json_parse(const char *text, size_t len, int max_depth,
    struct json_object **out);

/* Whether s[0..len) is well-formed UTF-8 (RFC 3629) without NUL bytes. */
int ts_utf8_valid(const char *s, size_t len);

/* Whether a string value holds a NUL (from \u0000): such strings are 422. */
int ts_json_string_has_nul(struct json_object *str);

#endif
