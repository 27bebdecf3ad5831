/*
 * Strict JSON input: every leniency of json-c 0.16 that ts_json_parse closes
 * has its own test here, next to the inputs it must still accept.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "json_in.h"
#include "ts_limits.h"

/* Parses a string literal's bytes (sizeof - 1, so embedded NULs count). */
#define PARSE(lit, outp) ts_json_parse((lit), sizeof(lit) - 1, TS_MAX_JSON_DEPTH, (outp))

/* Asserts that the literal is refused as not strict JSON. */
#define ASSERT_INVALID(lit) assert_status((lit), sizeof(lit) - 1, TS_JSON_INVALID)
/* Asserts that the literal parses. */
#define ASSERT_VALID(lit) assert_status((lit), sizeof(lit) - 1, TS_JSON_OK)

static void
assert_status(const char *text, size_t len, enum ts_json_status want)
{
	struct json_object *o = (struct json_object *)&o;   /* must be reset */
	enum ts_json_status st;

	st = ts_json_parse(text, len, TS_MAX_JSON_DEPTH, &o);
	ck_assert_msg(st == want, "input [%.*s]: status %d, want %d", (int)len, text,
	    (int)st, (int)want);
	if (st != TS_JSON_OK)
		ck_assert_ptr_null(o);
	json_object_put(o);
}

/*
 * Builds n nested arrays (or objects when obj, each the value of "a") around
 * the number 1, or with nothing in the innermost one when empty.
 */
static char *
nested(int n, int obj, int empty)
{
	const char *open = obj ? "{\"a\":" : "[";
	size_t olen = strlen(open), cap = (size_t)n * (olen + 1) + 2, k = 0;
	char *buf = malloc(cap);
	int i;

	ck_assert_ptr_nonnull(buf);
	for (i = 0; i < n; i++) {
		if (empty && i == n - 1)
			buf[k++] = obj ? '{' : '[';
		else {
			memcpy(buf + k, open, olen);
			k += olen;
		}
	}
	if (!empty)
		buf[k++] = '1';
	for (i = 0; i < n; i++)
		buf[k++] = obj ? '}' : ']';
	buf[k] = '\0';
	return buf;
}

static enum ts_json_status
parse_nested(int n, int obj, int empty)
{
	struct json_object *o = NULL;
	enum ts_json_status st;
	char *text = nested(n, obj, empty);

	st = ts_json_parse(text, strlen(text), TS_MAX_JSON_DEPTH, &o);
	json_object_put(o);
	free(text);
	return st;
}

/* ---- accepted ---- */

START_TEST(accepts_simple_object)
{
	struct json_object *o = NULL, *v;

	ck_assert_int_eq(PARSE("{\"a\":1,\"b\":[true,false,null],\"c\":\"x\"}", &o), TS_JSON_OK);
	ck_assert(json_object_is_type(o, json_type_object));
	ck_assert(json_object_object_get_ex(o, "a", &v));
	ck_assert_int_eq(json_object_get_int64(v), 1);
	ck_assert_int_eq(json_object_object_length(o), 3);
	json_object_put(o);
}
END_TEST

START_TEST(accepts_nesting_depth_32_arrays)
{
	ck_assert_int_eq(parse_nested(32, 0, 0), TS_JSON_OK);
}
END_TEST

START_TEST(accepts_nesting_depth_32_objects)
{
	ck_assert_int_eq(parse_nested(32, 1, 0), TS_JSON_OK);
}
END_TEST

START_TEST(rejects_nesting_depth_33_arrays_as_too_deep)
{
	ck_assert_int_eq(parse_nested(33, 0, 0), TS_JSON_TOO_DEEP);
}
END_TEST

START_TEST(rejects_nesting_depth_33_objects_as_too_deep)
{
	ck_assert_int_eq(parse_nested(33, 1, 0), TS_JSON_TOO_DEEP);
}
END_TEST

START_TEST(accepts_nesting_depth_32_with_empty_innermost)
{
	ck_assert_int_eq(parse_nested(32, 0, 1), TS_JSON_OK);
	ck_assert_int_eq(parse_nested(32, 1, 1), TS_JSON_OK);
}
END_TEST

START_TEST(rejects_nesting_depth_33_with_empty_innermost)
{
	/* json-c's own depth limit lets these through (one level short). */
	ck_assert_int_eq(parse_nested(33, 0, 1), TS_JSON_TOO_DEEP);
	ck_assert_int_eq(parse_nested(33, 1, 1), TS_JSON_TOO_DEEP);
}
END_TEST

START_TEST(accepts_mixed_nesting_depth_32)
{
	struct json_object *o = NULL;
	char buf[256];
	size_t k = 0;
	int i;

	/* 16 objects and 16 arrays, alternating: 32 levels. */
	for (i = 0; i < 16; i++) {
		memcpy(buf + k, "{\"x\":[", 6);
		k += 6;
	}
	/* One more level (an empty object) makes 33, even unterminated. */
	memcpy(buf + k, "{}", 2);
	ck_assert_int_eq(ts_json_parse(buf, k + 2, TS_MAX_JSON_DEPTH, &o), TS_JSON_TOO_DEEP);
	buf[k++] = '0';
	for (i = 0; i < 16; i++) {
		memcpy(buf + k, "]}", 2);
		k += 2;
	}
	ck_assert_int_eq(ts_json_parse(buf, k, TS_MAX_JSON_DEPTH, &o), TS_JSON_OK);
	json_object_put(o);
}
END_TEST

START_TEST(rejects_very_deep_nesting_as_too_deep)
{
	ck_assert_int_eq(parse_nested(100000, 0, 0), TS_JSON_TOO_DEEP);
}
END_TEST

START_TEST(max_depth_argument_counts_outermost_container_as_one)
{
	struct json_object *o = NULL;

	ck_assert_int_eq(ts_json_parse("[1]", 3, 1, &o), TS_JSON_OK);
	json_object_put(o);
	ck_assert_int_eq(ts_json_parse("[[1]]", 5, 1, &o), TS_JSON_TOO_DEEP);
	ck_assert_int_eq(ts_json_parse("{\"a\":{}}", 8, 1, &o), TS_JSON_TOO_DEEP);
	ck_assert_int_eq(ts_json_parse("7", 1, 0, &o), TS_JSON_OK);
	json_object_put(o);
	ck_assert_int_eq(ts_json_parse("[]", 2, 0, &o), TS_JSON_TOO_DEEP);
	ck_assert_int_eq(ts_json_parse("[[]]", 4, 1, &o), TS_JSON_TOO_DEEP);
	ck_assert_int_eq(ts_json_parse("[[]]", 4, 2, &o), TS_JSON_OK);
	json_object_put(o);
}
END_TEST

START_TEST(accepts_scalars_at_top_level)
{
	struct json_object *o = NULL;

	ck_assert_int_eq(PARSE("123", &o), TS_JSON_OK);
	ck_assert(json_object_is_type(o, json_type_int));
	ck_assert_int_eq(json_object_get_int64(o), 123);
	json_object_put(o);
	ck_assert_int_eq(PARSE("-1.5e2", &o), TS_JSON_OK);
	ck_assert(json_object_get_double(o) == -150.0);
	json_object_put(o);
	ck_assert_int_eq(PARSE("true", &o), TS_JSON_OK);
	ck_assert(json_object_get_boolean(o));
	json_object_put(o);
	ck_assert_int_eq(PARSE("\"s\"", &o), TS_JSON_OK);
	ck_assert_str_eq(json_object_get_string(o), "s");
	json_object_put(o);
}
END_TEST

START_TEST(accepts_top_level_null_as_null_pointer)
{
	struct json_object *o = (struct json_object *)&o;

	/* json-c represents null as NULL: success with *out == NULL. */
	ck_assert_int_eq(PARSE("null", &o), TS_JSON_OK);
	ck_assert_ptr_null(o);
	ck_assert(json_object_is_type(o, json_type_null));
}
END_TEST

START_TEST(accepts_buffer_without_terminating_nul)
{
	struct json_object *o = NULL;

	/* Only the first len bytes count, even in the middle of a number. */
	ck_assert_int_eq(ts_json_parse("12345", 2, TS_MAX_JSON_DEPTH, &o), TS_JSON_OK);
	ck_assert_int_eq(json_object_get_int64(o), 12);
	json_object_put(o);
	ck_assert_int_eq(ts_json_parse("[1]xyz", 3, TS_MAX_JSON_DEPTH, &o), TS_JSON_OK);
	json_object_put(o);
	ck_assert_int_eq(ts_json_parse("truex", 4, TS_MAX_JSON_DEPTH, &o), TS_JSON_OK);
	json_object_put(o);
}
END_TEST

START_TEST(accepts_leading_and_trailing_whitespace)
{
	ASSERT_VALID(" \t\r\n{\"a\":1} \t\r\n");
	ASSERT_VALID("\n7\n");
	ASSERT_VALID(" [ 1 , 2 ] ");
	ASSERT_VALID("{ \"a\" : 1 , \"b\" : 2 }");
}
END_TEST

START_TEST(accepts_json_numbers)
{
	ASSERT_VALID("[0,-0,1,-1,0.5,-0.5,1e5,1E5,1e+5,1e-5,1.25E-10,10,190]");
}
END_TEST

START_TEST(accepts_unicode_escapes)
{
	struct json_object *o = NULL;

	ck_assert_int_eq(PARSE("\"caf\\u00e9 \\u20AC\"", &o), TS_JSON_OK);
	ck_assert_str_eq(json_object_get_string(o), "caf\xc3\xa9 \xe2\x82\xac");
	json_object_put(o);
}
END_TEST

START_TEST(accepts_all_simple_escapes)
{
	struct json_object *o = NULL;

	ck_assert_int_eq(PARSE("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", &o), TS_JSON_OK);
	ck_assert_str_eq(json_object_get_string(o), "\"\\/\b\f\n\r\t");
	json_object_put(o);
}
END_TEST

START_TEST(accepts_raw_utf8_emoji)
{
	struct json_object *o = NULL;

	ck_assert_int_eq(PARSE("{\"t\":\"hi \xf0\x9f\x98\x80\"}", &o), TS_JSON_OK);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(o, "t")),
	    "hi \xf0\x9f\x98\x80");
	json_object_put(o);
}
END_TEST

START_TEST(accepts_raw_utf8_boundaries)
{
	ASSERT_VALID("\"\xc2\x80 \xdf\xbf \xe0\xa0\x80 \xed\x9f\xbf \xee\x80\x80 \xef\xbf\xbf\"");
	ASSERT_VALID("\"\xf0\x90\x80\x80 \xf4\x8f\xbf\xbf\"");
}
END_TEST

START_TEST(accepts_surrogate_pair_escape)
{
	struct json_object *o = NULL;

	ck_assert_int_eq(PARSE("\"\\ud83d\\ude00\"", &o), TS_JSON_OK);
	ck_assert_str_eq(json_object_get_string(o), "\xf0\x9f\x98\x80");
	json_object_put(o);
}
END_TEST

START_TEST(accepts_same_key_in_different_objects)
{
	ASSERT_VALID("{\"a\":{\"a\":1},\"b\":[{\"a\":1},{\"a\":2}],\"c\":{\"a\":{\"a\":[]}}}");
}
END_TEST

START_TEST(accepts_colons_and_quotes_inside_strings)
{
	struct json_object *o = NULL;

	/* Colons inside strings must not count as members. */
	ck_assert_int_eq(PARSE("{\"a:b\":\"c:d\\\":'\",\"e\":[\":\"]}", &o), TS_JSON_OK);
	ck_assert_int_eq(json_object_object_length(o), 2);
	json_object_put(o);
}
END_TEST

START_TEST(accepts_empty_containers_and_strings)
{
	ASSERT_VALID("{}");
	ASSERT_VALID("[]");
	ASSERT_VALID("\"\"");
	ASSERT_VALID("{\"\":\"\"}");
}
END_TEST

/* ---- refused: json-c leniencies ---- */

START_TEST(rejects_empty_input)
{
	struct json_object *o = NULL;

	ck_assert_int_eq(ts_json_parse("", 0, TS_MAX_JSON_DEPTH, &o), TS_JSON_INVALID);
	ck_assert_int_eq(ts_json_parse(NULL, 0, TS_MAX_JSON_DEPTH, &o), TS_JSON_INVALID);
	ck_assert_ptr_null(o);
}
END_TEST

START_TEST(rejects_whitespace_only_input)
{
	ASSERT_INVALID("   ");
	ASSERT_INVALID("\n");
}
END_TEST

START_TEST(rejects_block_comment)
{
	ASSERT_INVALID("/* c */ {\"a\":1}");
	ASSERT_INVALID("{\"a\":1 /* c */}");
	ASSERT_INVALID("{\"a\":1}/* c */");
}
END_TEST

START_TEST(rejects_line_comment)
{
	ASSERT_INVALID("{\"a\":1 // c\n}");
	ASSERT_INVALID("{\"a\":1}\n// c");
}
END_TEST

START_TEST(rejects_trailing_comma_in_array)
{
	ASSERT_INVALID("[1,]");
	ASSERT_INVALID("[1,2,]");
}
END_TEST

START_TEST(rejects_trailing_comma_in_object)
{
	ASSERT_INVALID("{\"a\":1,}");
}
END_TEST

START_TEST(rejects_single_quoted_key)
{
	/* json-c's STRICT mode lets this one through. */
	ASSERT_INVALID("{'a':1}");
}
END_TEST

START_TEST(rejects_single_quoted_value)
{
	ASSERT_INVALID("{\"a\":'x'}");
	ASSERT_INVALID("['a']");
	ASSERT_INVALID("'a'");
}
END_TEST

START_TEST(rejects_wrong_case_true)
{
	ASSERT_INVALID("TRUE");
	ASSERT_INVALID("[True]");
	ASSERT_INVALID("[tRUE]");
}
END_TEST

START_TEST(rejects_wrong_case_false)
{
	ASSERT_INVALID("[FALSE]");
	ASSERT_INVALID("[False]");
}
END_TEST

START_TEST(rejects_wrong_case_null)
{
	ASSERT_INVALID("[Null]");
	ASSERT_INVALID("[NULL]");
	ASSERT_INVALID("nULL");
}
END_TEST

START_TEST(rejects_truncated_or_glued_literals)
{
	ASSERT_INVALID("[tru]");
	ASSERT_INVALID("[truex]");
	ASSERT_INVALID("[true1]");
	ASSERT_INVALID("[nulll]");
	ASSERT_INVALID("nul");
}
END_TEST

START_TEST(rejects_nan)
{
	/* json-c's STRICT mode parses NaN. */
	ASSERT_INVALID("[NaN]");
	ASSERT_INVALID("NaN");
	ASSERT_INVALID("{\"a\":nan}");
}
END_TEST

START_TEST(rejects_infinity)
{
	ASSERT_INVALID("[Infinity]");
	ASSERT_INVALID("Infinity");
}
END_TEST

START_TEST(rejects_negative_infinity)
{
	ASSERT_INVALID("[-Infinity]");
	ASSERT_INVALID("-Infinity");
}
END_TEST

START_TEST(rejects_non_json_numbers)
{
	ASSERT_INVALID("[01]");
	ASSERT_INVALID("[1.]");     /* json-c's STRICT mode parses this */
	ASSERT_INVALID("1.");
	ASSERT_INVALID("[.5]");
	ASSERT_INVALID("[+1]");
	ASSERT_INVALID("[0x10]");
	ASSERT_INVALID("[1e]");
	ASSERT_INVALID("[1e+]");
	ASSERT_INVALID("[1.e5]");
	ASSERT_INVALID("[-]");
	ASSERT_INVALID("[--1]");
	ASSERT_INVALID("[- 1]");
	ASSERT_INVALID("[1.2.3]");
	ASSERT_INVALID("[1e5e5]");
	ASSERT_INVALID("[00]");
	ASSERT_INVALID("-");
}
END_TEST

START_TEST(rejects_text_after_value)
{
	ASSERT_INVALID("{\"a\":1} x");
	ASSERT_INVALID("{\"a\":1}}");
	ASSERT_INVALID("[1][2]");
	ASSERT_INVALID("[1] [2]");
	ASSERT_INVALID("1 2");
	ASSERT_INVALID("\"a\" \"b\"");
	ASSERT_INVALID("{},");
	ASSERT_INVALID("true false");
}
END_TEST

START_TEST(rejects_non_json_whitespace)
{
	ASSERT_INVALID("\f[1]");
	ASSERT_INVALID("[1]\f");
	ASSERT_INVALID("\v[1]");
	ASSERT_INVALID("[1]\v");
	ASSERT_INVALID("[1,\xc2\xa0" "2]");     /* U+00A0 no-break space */
}
END_TEST

START_TEST(rejects_byte_order_mark)
{
	ASSERT_INVALID("\xef\xbb\xbf{}");
}
END_TEST

START_TEST(rejects_unterminated_input)
{
	ASSERT_INVALID("[1");
	ASSERT_INVALID("{\"a\":");
	ASSERT_INVALID("{\"a\"");
	ASSERT_INVALID("\"abc");
	ASSERT_INVALID("\"abc\\");
	ASSERT_INVALID("[");
	ASSERT_INVALID("{");
}
END_TEST

START_TEST(rejects_structural_errors)
{
	ASSERT_INVALID("{\"a\" 1}");
	ASSERT_INVALID("{\"a\":1 \"b\":2}");
	ASSERT_INVALID("[1 2]");
	ASSERT_INVALID("{1:2}");
	ASSERT_INVALID("{\"a\"::1}");
	ASSERT_INVALID("[1:2]");
	ASSERT_INVALID("{\"a\":1,,\"b\":2}");
	ASSERT_INVALID("[,1]");
	ASSERT_INVALID("]");
	ASSERT_INVALID(":");
	ASSERT_INVALID("{\"a\"}");
	ASSERT_INVALID("{\"a\":}");
}
END_TEST

START_TEST(rejects_overlong_utf8)
{
	ASSERT_INVALID("\"\xc0\x80\"");             /* json-c accepts this */
	ASSERT_INVALID("\"\xc1\xbf\"");
	ASSERT_INVALID("\"\xe0\x80\x80\"");
	ASSERT_INVALID("\"\xe0\x9f\xbf\"");
	ASSERT_INVALID("\"\xf0\x80\x80\x80\"");
	ASSERT_INVALID("\"\xf0\x8f\xbf\xbf\"");
}
END_TEST

START_TEST(rejects_utf8_encoded_surrogates)
{
	ASSERT_INVALID("\"\xed\xa0\x80\"");         /* U+D800; json-c accepts this */
	ASSERT_INVALID("\"\xed\xbf\xbf\"");         /* U+DFFF */
	ASSERT_INVALID("\"\xed\xa0\xbd\xed\xb8\x80\""); /* CESU-8 pair */
}
END_TEST

START_TEST(rejects_utf8_above_u10ffff)
{
	ASSERT_INVALID("\"\xf4\x90\x80\x80\"");     /* json-c accepts this */
	ASSERT_INVALID("\"\xf5\x80\x80\x80\"");
	ASSERT_INVALID("\"\xf8\x88\x80\x80\x80\"");
}
END_TEST

START_TEST(rejects_truncated_utf8)
{
	ASSERT_INVALID("\"\xe2\x82\"");
	ASSERT_INVALID("\"\xf0\x9f\x98\"");
	ASSERT_INVALID("\"\xc3\"");
	ASSERT_INVALID("\"a\xf0\x9f");              /* cut at the end of the buffer */
	ASSERT_INVALID("\"\xe2\x82 x\"");
}
END_TEST

START_TEST(rejects_stray_utf8_bytes)
{
	ASSERT_INVALID("\"\x80\"");
	ASSERT_INVALID("\"\xbf\"");
	ASSERT_INVALID("\"\xfe\"");
	ASSERT_INVALID("\"\xff\"");
	ASSERT_INVALID("[1,\xc3\xa9]");             /* non-ASCII outside a string */
}
END_TEST

START_TEST(rejects_lone_high_surrogate_escape)
{
	/* json-c turns these into U+FFFD without an error. */
	ASSERT_INVALID("\"\\ud800\"");
	ASSERT_INVALID("\"\\uD800x\"");
	ASSERT_INVALID("\"\\ud800\\u0041\"");
	ASSERT_INVALID("\"\\ud800\\ud800\"");
	ASSERT_INVALID("\"\\udbff\\\"\"");
}
END_TEST

START_TEST(rejects_lone_low_surrogate_escape)
{
	ASSERT_INVALID("\"\\udc00\"");
	ASSERT_INVALID("\"\\uDFFF\"");
	ASSERT_INVALID("\"\\ude00\\ud83d\"");       /* pair in the wrong order */
}
END_TEST

START_TEST(rejects_invalid_escapes)
{
	ASSERT_INVALID("\"\\x41\"");
	ASSERT_INVALID("\"\\a\"");
	ASSERT_INVALID("\"\\u00\"");
	ASSERT_INVALID("\"\\u00g0\"");
	ASSERT_INVALID("\"\\U0041\"");
	ASSERT_INVALID("\"\\'\"");
}
END_TEST

START_TEST(rejects_unescaped_tab_in_string)
{
	ASSERT_INVALID("\"a\tb\"");                 /* json-c accepts this */
}
END_TEST

START_TEST(rejects_unescaped_newline_in_string)
{
	ASSERT_INVALID("\"a\nb\"");
	ASSERT_INVALID("{\"a\rb\":1}");
}
END_TEST

START_TEST(rejects_unescaped_control_characters_in_string)
{
	ASSERT_INVALID("\"\x01\"");
	ASSERT_INVALID("\"\x1f\"");
	ASSERT_INVALID("\"\x1b[31m\"");
}
END_TEST

START_TEST(accepts_del_character_in_string)
{
	/* RFC 8259 only requires escaping U+0000 to U+001F. */
	ASSERT_VALID("\"\x7f\"");
}
END_TEST

START_TEST(rejects_nul_byte_outside_string)
{
	ASSERT_INVALID("[1]\0");
	ASSERT_INVALID("\0[1]");
	ASSERT_INVALID("[1,\0 2]");
	ASSERT_INVALID("{\"a\":1}\0{\"b\":2}");
}
END_TEST

START_TEST(rejects_nul_byte_inside_string)
{
	ASSERT_INVALID("\"a\0b\"");
	ASSERT_INVALID("{\"a\0\":1}");
}
END_TEST

START_TEST(rejects_duplicate_key_top_level)
{
	/* json-c keeps the last value silently. */
	ASSERT_INVALID("{\"a\":1,\"a\":2}");
	ASSERT_INVALID("{\"a\":1,\"b\":2,\"a\":1}");
}
END_TEST

START_TEST(rejects_duplicate_key_nested)
{
	ASSERT_INVALID("{\"x\":{\"y\":{\"a\":1,\"a\":1}}}");
	ASSERT_INVALID("[{\"ok\":1},{\"a\":1,\"a\":2}]");
	ASSERT_INVALID("{\"x\":[[[{\"a\":{},\"b\":0,\"a\":{}}]]]}");
}
END_TEST

START_TEST(rejects_duplicate_key_equal_after_unescaping)
{
	ASSERT_INVALID("{\"a\":1,\"\\u0061\":2}");
	ASSERT_INVALID("{\"\\u00e9\":1,\"\xc3\xa9\":2}");
	ASSERT_INVALID("{\"a/b\":1,\"a\\/b\":2}");
}
END_TEST

START_TEST(rejects_duplicate_key_with_different_values)
{
	ASSERT_INVALID("{\"role\":\"user\",\"role\":\"admin\"}");
	ASSERT_INVALID("{\"a\":null,\"a\":null}");
	ASSERT_INVALID("{\"\":1,\"\":2}");
}
END_TEST

START_TEST(rejects_key_with_escaped_nul)
{
	/* json-c keys are C strings: "a\u0000b" would become "a". */
	ASSERT_INVALID("{\"a\\u0000b\":1}");
	ASSERT_INVALID("{\"a\\u0000b\" :1}");
	ASSERT_INVALID("{\"a\\u0000b\":1,\"a\\u0000c\":2}");
}
END_TEST

START_TEST(string_with_escaped_nul_parses_and_is_flagged)
{
	struct json_object *o = NULL, *v;

	/* A value with \u0000 is well-formed JSON; callers answer 422. */
	ck_assert_int_eq(PARSE("{\"t\":\"a\\u0000b\",\"u\":\"ab\"}", &o), TS_JSON_OK);
	v = json_object_object_get(o, "t");
	ck_assert_int_eq(json_object_get_string_len(v), 3);
	ck_assert(ts_json_string_has_nul(v));
	ck_assert(!ts_json_string_has_nul(json_object_object_get(o, "u")));
	json_object_put(o);
	ck_assert_int_eq(PARSE("[\"\\u0000\"]", &o), TS_JSON_OK);
	ck_assert(ts_json_string_has_nul(json_object_array_get_idx(o, 0)));
	json_object_put(o);
}
END_TEST

/* The flaw ts_json_parse_body + ts_json_find_flaw report for text, as the
 * path (JSON text of the array) and message; "" when there is none. */
static void
assert_flaw(const char *text, const char *want_path, const char *want_why)
{
	struct ts_json_flaws fl;
	struct json_object *o = NULL, *path = json_object_new_array();
	const char *why;
	int r;

	ck_assert_int_eq(ts_json_parse_body(text, strlen(text), TS_MAX_JSON_DEPTH, &o, &fl), TS_JSON_OK);
	r = ts_json_find_flaw(o, &fl, path, &why);
	if (*want_path == '\0') {
		ck_assert_int_eq(r, 0);
		ck_assert_int_eq((int)json_object_array_length(path), 0);
	} else {
		ck_assert_int_eq(r, 1);
		ck_assert_str_eq(json_object_to_json_string_ext(path, JSON_C_TO_STRING_PLAIN), want_path);
		ck_assert_str_eq(why, want_why);
	}
	json_object_put(path);
	json_object_put(o);
}

START_TEST(body_flaws_name_the_first_refused_value)
{
	const char *nul = "must not contain \\u0000", *big = "integer out of range";

	assert_flaw("{\"a\":[1,{\"b\":\"x\\u0000\"}]}", "[\"a\",1,\"b\"]", nul);
	assert_flaw("[\"ok\",\"\\u0000\"]", "[1]", nul);
	assert_flaw("\"\\u0000\"", "[]", nul);
	/* json-c would clamp these to INT64_MIN / UINT64_MAX */
	assert_flaw("{\"n\":[0,18446744073709551616]}", "[\"n\",1]", big);
	assert_flaw("{\"n\":-9223372036854775809}", "[\"n\"]", big);
	assert_flaw("{\"a\":1.5,\"b\":2,\"c\":99999999999999999999}", "[\"c\"]", big);
	/* the extremes json-c holds exactly, and any fraction or exponent */
	assert_flaw("[18446744073709551615,-9223372036854775808,1e400,123456789012345678901.5]", "", "");
	/* the first in document order wins */
	assert_flaw("{\"x\":\"\\u0000\",\"y\":99999999999999999999}", "[\"x\"]", nul);
	assert_flaw("{\"y\":99999999999999999999,\"x\":\"\\u0000\"}", "[\"y\"]", big);
	assert_flaw("{\"a\":\"b\",\"c\":[true,null,{}]}", "", "");
}
END_TEST

START_TEST(body_key_with_nul_names_its_object)
{
	const char *why = "a key must not contain \\u0000";

	assert_flaw("{\"m\":{\"k\\u0000\":\"v\"}}", "[\"m\"]", why);
	assert_flaw("{\"a\":{},\"b\":[{\"c\":1},{\"\\u0000\":2}]}", "[\"b\",1]", why);
	/* keys that collide once cut are still this 422, not a repeated key */
	assert_flaw("{\"a\\u0000b\":1,\"a\\u0000c\":2}", "[]", why);
}
END_TEST

/*
 * Found by tests/fuzz/fuzz_json_in: json-c cut keys at \u0000, so a cut key
 * could collide with another and drop its member, the repeated-key check was
 * skipped, and the flaw walk then counted objects other than the lexer had.
 * A repeated key or a key holding \u0000 got past both checks.
 */
static enum ts_json_status
body_status(const char *text, struct json_object **o)
{
	struct ts_json_flaws fl;

	return ts_json_parse_body(text, strlen(text), TS_MAX_JSON_DEPTH, o, &fl);
}

START_TEST(body_key_with_nul_hides_neither_a_repeated_key_nor_itself)
{
	const char *why = "a key must not contain \\u0000";
	struct json_object *o = NULL;

	/* a repeated key before the object with the NUL key: 400 */
	ck_assert_int_eq(body_status("[{\"a\":{},\"a\":1},{\"\\u0000\":1}]", &o), TS_JSON_INVALID);
	ck_assert_ptr_null(o);
	ck_assert_int_eq(body_status("{\"m\":{},\"m\":{\"k\\u0000\":1}}", &o), TS_JSON_INVALID);
	/* a key repeated with its NUL is a repeated key too */
	ck_assert_int_eq(body_status("{\"a\\u0000\":1,\"a\\u0000\":2}", &o), TS_JSON_INVALID);
	/* "a\u0000" cut to "a" no longer replaces the earlier "a" and its objects */
	assert_flaw("{\"a\":{\"b\":{}},\"c\":{\"\\u0000\":1},\"a\\u0000\":2}", "[\"c\"]", why);
	/* keys differing only after the NUL stay apart, also from \u0001 */
	assert_flaw("{\"a\\u0000\":1,\"a\\u0001\\u0001\":2,\"a\\u0001\":3}", "[]", why);
	/* found in review: a repeated key anywhere with a NUL key elsewhere */
	ck_assert_int_eq(body_status("{\"role\":\"user\",\"role\":\"system\",\"k\":{\"\\u0000\":1}}", &o),
	    TS_JSON_INVALID);
	ck_assert_int_eq(body_status("{\"x\":1,\"x\":2,\"n\":99999999999999999999,\"c\":{\"\\u0000\":0}}", &o),
	    TS_JSON_INVALID);
	/* outside request bodies (JWT payloads) any key with \u0000 is refused */
	ck_assert_int_eq(PARSE("{\"m\":{\"k\\u0000\":1}}", &o), TS_JSON_INVALID);
}
END_TEST

/* Found by tests/fuzz/fuzz_json_in: the lexer's notes outlived a refusal. */
START_TEST(body_flaws_are_zero_when_the_body_is_refused)
{
	static const char *const texts[] = {
		"", "[99999999999999999999,", "[99999999999999999999]]",
		"{\"k\\u0000\":1,}", "{\"a\":1,\"a\":99999999999999999999}",
	};
	struct ts_json_flaws fl;
	struct json_object *o = NULL;
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		memset(&fl, 0xA5, sizeof(fl));
		ck_assert_int_ne(ts_json_parse_body(texts[i], strlen(texts[i]), TS_MAX_JSON_DEPTH,
		    &o, &fl), TS_JSON_OK);
		ck_assert_ptr_null(o);
		ck_assert_uint_eq(fl.big_int, 0);
		ck_assert_uint_eq(fl.nul_key_object, 0);
	}
}
END_TEST

START_TEST(string_has_nul_is_false_for_non_strings)
{
	struct json_object *o = NULL;

	ck_assert(!ts_json_string_has_nul(NULL));
	ck_assert_int_eq(PARSE("[1,\"\"]", &o), TS_JSON_OK);
	ck_assert(!ts_json_string_has_nul(o));
	ck_assert(!ts_json_string_has_nul(json_object_array_get_idx(o, 0)));
	ck_assert(!ts_json_string_has_nul(json_object_array_get_idx(o, 1)));
	json_object_put(o);
}
END_TEST

START_TEST(huge_integer_saturates_out_of_int32_range)
{
	struct json_object *o = NULL;

	/*
	 * json-c 0.16 parses 99999999999999999999 without an error as the
	 * saturated uint64 18446744073709551615; json_object_get_int64 gives
	 * INT64_MAX and json_object_get_int gives INT32_MAX, which a range
	 * check on an int would accept. Callers read integers with
	 * json_object_get_int64 and range-check that: it is outside every
	 * int32 range, so they answer 422.
	 */
	ck_assert_int_eq(PARSE("99999999999999999999", &o), TS_JSON_OK);
	ck_assert(json_object_is_type(o, json_type_int));
	ck_assert(json_object_get_int64(o) == INT64_MAX);
	ck_assert(json_object_get_int64(o) > INT32_MAX);
	ck_assert(json_object_get_uint64(o) == UINT64_MAX);
	ck_assert_int_eq(json_object_get_int(o), INT32_MAX);        /* the trap */
	json_object_put(o);

	ck_assert_int_eq(PARSE("-99999999999999999999", &o), TS_JSON_OK);
	ck_assert(json_object_get_int64(o) == INT64_MIN);
	ck_assert(json_object_get_int64(o) < INT32_MIN);
	json_object_put(o);

	ck_assert_int_eq(PARSE("2147483648", &o), TS_JSON_OK);
	ck_assert(json_object_get_int64(o) == 2147483648LL);
	json_object_put(o);
}
END_TEST

START_TEST(huge_exponent_parses_as_infinite_double)
{
	struct json_object *o = NULL;

	/* Valid JSON; the double is infinite, so callers check isfinite. */
	ck_assert_int_eq(PARSE("1e400", &o), TS_JSON_OK);
	ck_assert(json_object_is_type(o, json_type_double));
	ck_assert(isinf(json_object_get_double(o)));
	json_object_put(o);
}
END_TEST

START_TEST(failure_leaves_out_null)
{
	struct json_object *o = (struct json_object *)&o;

	ck_assert_int_eq(PARSE("{\"a\":1,\"a\":2}", &o), TS_JSON_INVALID);
	ck_assert_ptr_null(o);
	o = (struct json_object *)&o;
	ck_assert_int_eq(ts_json_parse("[[1]]", 5, 1, &o), TS_JSON_TOO_DEEP);
	ck_assert_ptr_null(o);
}
END_TEST

START_TEST(accepts_large_document)
{
	enum { N = 20000 };
	struct json_object *o = NULL;
	char *buf = malloc((size_t)N * 16 + 8);
	size_t k = 0;
	int i, n;

	ck_assert_ptr_nonnull(buf);
	buf[k++] = '{';
	for (i = 0; i < N; i++) {
		n = snprintf(buf + k, 16, "%s\"k%d\":%d", i ? "," : "", i, i);
		k += (size_t)n;
	}
	buf[k++] = '}';
	ck_assert_int_eq(ts_json_parse(buf, k, TS_MAX_JSON_DEPTH, &o), TS_JSON_OK);
	ck_assert_int_eq(json_object_object_length(o), N);
	json_object_put(o);
	/* The same document with the last key repeating the first. */
	n = snprintf(buf + k - 1, 16, ",\"k0\":1}");
	k += (size_t)n - 1;
	ck_assert_int_eq(ts_json_parse(buf, k, TS_MAX_JSON_DEPTH, &o), TS_JSON_INVALID);
	free(buf);
}
END_TEST

static Suite *
make_suite(void)
{
	Suite *s = suite_create("json_in");
	TCase *ok = tcase_create("accepted");
	TCase *bad = tcase_create("refused");
	TCase *val = tcase_create("values");

	tcase_add_test(ok, accepts_simple_object);
	tcase_add_test(ok, accepts_nesting_depth_32_arrays);
	tcase_add_test(ok, accepts_nesting_depth_32_objects);
	tcase_add_test(ok, accepts_nesting_depth_32_with_empty_innermost);
	tcase_add_test(ok, accepts_mixed_nesting_depth_32);
	tcase_add_test(ok, max_depth_argument_counts_outermost_container_as_one);
	tcase_add_test(ok, accepts_scalars_at_top_level);
	tcase_add_test(ok, accepts_top_level_null_as_null_pointer);
	tcase_add_test(ok, accepts_buffer_without_terminating_nul);
	tcase_add_test(ok, accepts_leading_and_trailing_whitespace);
	tcase_add_test(ok, accepts_json_numbers);
	tcase_add_test(ok, accepts_unicode_escapes);
	tcase_add_test(ok, accepts_all_simple_escapes);
	tcase_add_test(ok, accepts_raw_utf8_emoji);
	tcase_add_test(ok, accepts_raw_utf8_boundaries);
	tcase_add_test(ok, accepts_surrogate_pair_escape);
	tcase_add_test(ok, accepts_same_key_in_different_objects);
	tcase_add_test(ok, accepts_colons_and_quotes_inside_strings);
	tcase_add_test(ok, accepts_empty_containers_and_strings);
	tcase_add_test(ok, accepts_del_character_in_string);
	tcase_add_test(ok, accepts_large_document);
	suite_add_tcase(s, ok);

	tcase_add_test(bad, rejects_nesting_depth_33_arrays_as_too_deep);
	tcase_add_test(bad, rejects_nesting_depth_33_objects_as_too_deep);
	tcase_add_test(bad, rejects_nesting_depth_33_with_empty_innermost);
	tcase_add_test(bad, rejects_very_deep_nesting_as_too_deep);
	tcase_add_test(bad, rejects_empty_input);
	tcase_add_test(bad, rejects_whitespace_only_input);
	tcase_add_test(bad, rejects_block_comment);
	tcase_add_test(bad, rejects_line_comment);
	tcase_add_test(bad, rejects_trailing_comma_in_array);
	tcase_add_test(bad, rejects_trailing_comma_in_object);
	tcase_add_test(bad, rejects_single_quoted_key);
	tcase_add_test(bad, rejects_single_quoted_value);
	tcase_add_test(bad, rejects_wrong_case_true);
	tcase_add_test(bad, rejects_wrong_case_false);
	tcase_add_test(bad, rejects_wrong_case_null);
	tcase_add_test(bad, rejects_truncated_or_glued_literals);
	tcase_add_test(bad, rejects_nan);
	tcase_add_test(bad, rejects_infinity);
	tcase_add_test(bad, rejects_negative_infinity);
	tcase_add_test(bad, rejects_non_json_numbers);
	tcase_add_test(bad, rejects_text_after_value);
	tcase_add_test(bad, rejects_non_json_whitespace);
	tcase_add_test(bad, rejects_byte_order_mark);
	tcase_add_test(bad, rejects_unterminated_input);
	tcase_add_test(bad, rejects_structural_errors);
	tcase_add_test(bad, rejects_overlong_utf8);
	tcase_add_test(bad, rejects_utf8_encoded_surrogates);
	tcase_add_test(bad, rejects_utf8_above_u10ffff);
	tcase_add_test(bad, rejects_truncated_utf8);
	tcase_add_test(bad, rejects_stray_utf8_bytes);
	tcase_add_test(bad, rejects_lone_high_surrogate_escape);
	tcase_add_test(bad, rejects_lone_low_surrogate_escape);
	tcase_add_test(bad, rejects_invalid_escapes);
	tcase_add_test(bad, rejects_unescaped_tab_in_string);
	tcase_add_test(bad, rejects_unescaped_newline_in_string);
	tcase_add_test(bad, rejects_unescaped_control_characters_in_string);
	tcase_add_test(bad, rejects_nul_byte_outside_string);
	tcase_add_test(bad, rejects_nul_byte_inside_string);
	tcase_add_test(bad, rejects_duplicate_key_top_level);
	tcase_add_test(bad, rejects_duplicate_key_nested);
	tcase_add_test(bad, rejects_duplicate_key_equal_after_unescaping);
	tcase_add_test(bad, rejects_duplicate_key_with_different_values);
	tcase_add_test(bad, rejects_key_with_escaped_nul);
	tcase_add_test(bad, failure_leaves_out_null);
	suite_add_tcase(s, bad);

	tcase_add_test(val, string_with_escaped_nul_parses_and_is_flagged);
	tcase_add_test(val, string_has_nul_is_false_for_non_strings);
	tcase_add_test(val, body_flaws_name_the_first_refused_value);
	tcase_add_test(val, body_key_with_nul_names_its_object);
	tcase_add_test(val, body_flaws_are_zero_when_the_body_is_refused);
	tcase_add_test(val, body_key_with_nul_hides_neither_a_repeated_key_nor_itself);
	tcase_add_test(val, huge_integer_saturates_out_of_int32_range);
	tcase_add_test(val, huge_exponent_parses_as_infinite_double);
	suite_add_tcase(s, val);
	return s;
}

#include "check_main.h"
