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

/*
 * Values of well-formed JSON that are refused with a 422 rather than a 400
 * (API reference: Requests and responses), noted by ts_json_parse_body for
 * ts_json_find_flaw.
 * Ordinals are 1-based and count in document order; 0 means none.
 */
struct ts_json_flaws {
	size_t big_int;         /* the first integer literal beyond 64 bits,
	                         * which json-c would clamp: its ordinal among
	                         * the number tokens */
	size_t nul_key_object;  /* the first object with a key holding \u0000
	                         * (cut short by json-c): its ordinal among '{' */
};

/*
 * ts_json_parse for a request body: a key holding \u0000 is accepted into
 * flaws instead of refused (keys are compared whole all the same: a key
 * repeated, with or without a \u0000, is TS_JSON_INVALID), and integers
 * beyond 64 bits are noted there. In the tree such a key holds U+0001 U+0001
 * where the text has \u0000 (json-c would cut it there); its body is a 422
 * before any key is used. flaws is zeroed unless the result is TS_JSON_OK.
 */
enum ts_json_status ts_json_parse_body(const char *text, size_t len, int max_depth,
    struct json_object **out, struct ts_json_flaws *flaws);

/*
 * The first value of root (parsed by ts_json_parse_body with flaws), in
 * document order, that is refused although well-formed: a string holding
 * \u0000, the integer flaws->big_int names, the object flaws->nul_key_object
 * names. Returns 1 with the keys and indexes leading to it appended to the
 * array path and *why a static message; 0 when there is none (path as it
 * was); -1 out of memory. A flaw noted but not found in the tree (never
 * expected) is reported at root, so that no noted flaw is let through.
 */
int ts_json_find_flaw(struct json_object *root, const struct ts_json_flaws *flaws,
    struct json_object *path, const char **why);

/* Whether s[0..len) is well-formed UTF-8 (RFC 3629) without NUL bytes. */
int ts_utf8_valid(const char *s, size_t len);

/* Whether a string value holds a NUL (from \u0000): such strings are 422. */
int ts_json_string_has_nul(struct json_object *str);

#endif
