/*
 * libFuzzer target: the strict JSON parser (src/json_in.c), for request
 * bodies and token segments, and the flaw walk that turns what it noted into
 * a 422's loc.
 *
 * Invariants, besides the sanitizers:
 *  - whatever ts_json_parse accepts holds no NUL byte, json-c alone accepts
 *    it too, and json-c's serialisation of it parses again to an equal tree;
 *  - ts_json_parse and ts_json_parse_body agree: the same tree, and the body
 *    parser differs only by noting (not refusing) keys holding \u0000;
 *  - a failed parse leaves no tree and no flaws;
 *  - when the body parser noted a flaw, ts_json_find_flaw finds one, and its
 *    path leads through the tree to a real node of the kind it names; when
 *    it finds none, the tree holds no string with a NUL either.
 */
#include <json-c/json.h>

#include "fuzz_common.h"
#include "json_in.h"
#include "ts_limits.h"

/* Whether a string anywhere under o holds a NUL. */
static int
has_nul_string(struct json_object *o)
{
	size_t i, n;

	switch (json_object_get_type(o)) {
	case json_type_string:
		return ts_json_string_has_nul(o);
	case json_type_array:
		n = json_object_array_length(o);
		for (i = 0; i < n; i++)
			if (has_nul_string(json_object_array_get_idx(o, i)))
				return 1;
		return 0;
	case json_type_object: {
		json_object_object_foreach(o, key, val) {
			(void)key;
			if (has_nul_string(val))
				return 1;
		}
		return 0;
	}
	default:
		return 0;
	}
}

/* The node path leads to from root: keys step into objects, indexes into
 * arrays. Aborts when a step does not exist. */
static struct json_object *
follow(struct json_object *root, struct json_object *path, size_t from)
{
	struct json_object *node = root, *step, *next;
	size_t i, n = json_object_array_length(path);

	for (i = from; i < n; i++) {
		step = json_object_array_get_idx(path, i);
		if (json_object_is_type(step, json_type_string)) {
			FUZZ_CHECK(json_object_is_type(node, json_type_object));
			FUZZ_CHECK(json_object_object_get_ex(node, json_object_get_string(step), &next));
		} else {
			FUZZ_CHECK(json_object_is_type(step, json_type_int));
			FUZZ_CHECK(json_object_is_type(node, json_type_array));
			FUZZ_CHECK(json_object_get_int64(step) >= 0 &&
			    (size_t)json_object_get_int64(step) < json_object_array_length(node));
			next = json_object_array_get_idx(node, (size_t)json_object_get_int64(step));
		}
		node = next;
	}
	return node;
}

/* Strict acceptance implies json-c's own, and a faithful round trip. */
static void
check_accepted(const uint8_t *data, size_t size, struct json_object *o)
{
	struct json_object *again = NULL, *lenient;
	struct json_tokener *tok;
	const char *text;
	char *copy;

	FUZZ_CHECK(memchr(data, '\0', size) == NULL);

	/* json-c's depth counts the value inside the innermost container too. */
	copy = fuzz_cstring(data, size);
	FUZZ_CHECK((tok = json_tokener_new_ex(TS_MAX_JSON_DEPTH + 1)) != NULL);
	lenient = json_tokener_parse_ex(tok, copy, (int)size + 1);
	FUZZ_CHECK(json_tokener_get_error(tok) == json_tokener_success);
	json_tokener_free(tok);
	json_object_put(lenient);
	free(copy);

	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	FUZZ_CHECK(ts_json_parse(text, strlen(text), TS_MAX_JSON_DEPTH, &again) == TS_JSON_OK);
	FUZZ_CHECK(json_object_equal(o, again));
	json_object_put(again);
}

/* What the flaw walk reports is really there. */
static void
check_flaws(struct json_object *b, const struct ts_json_flaws *flaws)
{
	struct json_object *path, *node;
	const char *why = NULL;
	int r;

	FUZZ_CHECK((path = json_object_new_array()) != NULL);
	FUZZ_CHECK(json_object_array_add(path, json_object_new_string("body")) == 0);
	r = ts_json_find_flaw(b, flaws, path, &why);
	FUZZ_CHECK(r == 0 || r == 1);
	if (flaws->big_int != 0 || flaws->nul_key_object != 0)
		FUZZ_CHECK(r == 1);
	if (r == 0) {
		FUZZ_CHECK(why == NULL);
		FUZZ_CHECK(json_object_array_length(path) == 1);
		FUZZ_CHECK(!has_nul_string(b));
	} else {
		FUZZ_CHECK(why != NULL);
		node = follow(b, path, 1);
		FUZZ_CHECK(ts_json_string_has_nul(node) ||
		    (flaws->big_int != 0 && (json_object_is_type(node, json_type_int) ||
		    json_object_is_type(node, json_type_double))) ||
		    (flaws->nul_key_object != 0 && json_object_is_type(node, json_type_object)));
	}
	json_object_put(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object *o = NULL, *b = NULL;
	struct ts_json_flaws flaws;
	enum ts_json_status st, st2;

	st = ts_json_parse((const char *)data, size, TS_MAX_JSON_DEPTH, &o);
	FUZZ_CHECK(st == TS_JSON_OK || o == NULL);
	if (st == TS_JSON_OK)
		check_accepted(data, size, o);

	memset(&flaws, 0xA5, sizeof(flaws));
	st2 = ts_json_parse_body((const char *)data, size, TS_MAX_JSON_DEPTH, &b, &flaws);
	if (st == TS_JSON_OK) {
		FUZZ_CHECK(st2 == TS_JSON_OK && flaws.nul_key_object == 0);
		FUZZ_CHECK(json_object_equal(o, b));
	}
	if (st2 != TS_JSON_OK) {
		FUZZ_CHECK(b == NULL && flaws.big_int == 0 && flaws.nul_key_object == 0);
	} else {
		if (flaws.nul_key_object == 0)
			FUZZ_CHECK(st == TS_JSON_OK);
		check_flaws(b, &flaws);
	}
	json_object_put(b);
	json_object_put(o);
	return 0;
}
