/* Field validation: one 422 with loc per bad value
 * (API reference: schema ValidationDetail; schema Metadata). */
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "ids.h"
#include "ts_limits.h"
#include "problem.h"
#include "validate.h"


size_t
ts_utf8_count(const char *s, size_t len)
{
	size_t i, n = 0;

	/* Count every byte that does not continue a sequence. */
	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

static int
fail_at(struct ts_problem *p, const char *a, const char *b, const char *msg, const char *type)
{
	const char *loc[4] = { "body", a, b, NULL };

	return ts_problem_invalid(p, loc, msg, type);
}

/* The first flaw of a request body (see ts_v_body); 0 when there is none. */
static int
body_flaw(struct ts_problem *p, struct json_object *body, const struct ts_json_flaws *flaws)
{
	struct json_object *loc = json_object_new_array();
	const char *why;
	int r = -1;

	if (loc != NULL && json_object_array_add(loc, json_object_new_string("body")) == 0)
		r = ts_json_find_flaw(body, flaws, loc, &why);
	if (r == 0) {
		json_object_put(loc);
		return 0;
	}
	if (r == 1)
		return ts_problem_invalid_at(p, loc, why, "value");
	json_object_put(loc);
	return ts_problem_set(p, TS_E_INTERNAL, NULL);
}

int
ts_v_body(struct ts_problem *p, struct json_object *body, const struct ts_json_flaws *flaws)
{
	static const char *const loc[] = { "body", NULL };

	if (!json_object_is_type(body, json_type_object))
		return ts_problem_invalid(p, loc, "must be an object", "type");
	return flaws != NULL ? body_flaw(p, body, flaws) : 0;
}

int
ts_v_known_fields(struct ts_problem *p, struct json_object *body, const char *const *allowed)
{
	json_object_object_foreach(body, key, val) {
		const char *const *a;
		(void)val;
		for (a = allowed; *a != NULL; a++)
			if (strcmp(*a, key) == 0)
				break;
		if (*a == NULL)
			return fail_at(p, key, NULL, "unknown or read-only field", "unknown_field");
	}
	return 0;
}

int
ts_v_string(struct ts_problem *p, const char *field, struct json_object *v, size_t max_points,
    int nullable, const char **out)
{
	const char *s;
	size_t len;

	*out = NULL;
	if (v == NULL && nullable)
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return fail_at(p, field, NULL, "must be a string", "type");
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	if (strlen(s) != len)
		return fail_at(p, field, NULL, "must not contain NUL characters", "value");
	if (ts_utf8_count(s, len) > max_points)
		return fail_at(p, field, NULL, "too long", "length");
	*out = s;
	return 0;
}

int
ts_v_namespace(struct ts_problem *p, const char *field, struct json_object *v, const char **out)
{
	if (ts_v_string(p, field, v, TS_MAX_NAMESPACE_POINTS, 0, out) != 0)
		return -1;
	if (strspn(*out, TS_NAMESPACE_CHARS) != strlen(*out))
		return fail_at(p, field, NULL, "may only contain " TS_NAMESPACE_CHARS_TEXT, "value");
	return 0;
}

int
ts_v_visibility(struct ts_problem *p, const char *field, struct json_object *v, int *out)
{
	if (!json_object_is_type(v, json_type_string) ||
	    (*out = ts_visibility_parse(json_object_get_string(v))) < 0)
		return fail_at(p, field, NULL, "must be private, unlisted or public", "enum");
	return 0;
}

int
ts_v_new_uuid(struct ts_problem *p, const char *field, struct json_object *v, uuid_t out)
{
	if (!json_object_is_type(v, json_type_string) ||
	    ts_uuid_parse_new(json_object_get_string(v), out) != 0)
		return fail_at(p, field, NULL, "must be a UUID (not the nil UUID)", "uuid");
	return 0;
}

int
ts_v_metadata(struct ts_problem *p, const char *field, struct json_object *v)
{
	if (!json_object_is_type(v, json_type_object))
		return fail_at(p, field, NULL, "must be an object", "type");
	if (json_object_object_length(v) > TS_MAX_METADATA_KEYS)
		return fail_at(p, field, NULL, "at most " TS_STR(TS_MAX_METADATA_KEYS) " keys", "length");
	json_object_object_foreach(v, key, val) {
		const char *s;
		size_t len;

		if (ts_utf8_count(key, strlen(key)) > TS_MAX_METADATA_KEY_POINTS)
			return fail_at(p, field, key,
			    "key longer than " TS_STR(TS_MAX_METADATA_KEY_POINTS) " characters", "length");
		if (!json_object_is_type(val, json_type_string))
			return fail_at(p, field, key, "must be a string", "type");
		s = json_object_get_string(val);
		len = (size_t)json_object_get_string_len(val);
		if (strlen(s) != len)
			return fail_at(p, field, key, "must not contain NUL characters", "value");
		if (ts_utf8_count(s, len) > TS_MAX_METADATA_VALUE_POINTS)
			return fail_at(p, field, key, "longer than " TS_STR(TS_MAX_METADATA_VALUE_POINTS) " characters",
			    "length");
	}
	return 0;
}

char *
ts_json_text(struct json_object *v)
{
	const char *t;

	if (v == NULL)
		return strdup("{}");
	t = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	return t != NULL ? strdup(t) : NULL;
}
