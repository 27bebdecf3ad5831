/* Message bodies validated into a ts_message_input or a ts_message_patch
 * (API reference: schema Message; schema Metadata; Order of checks). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ids.h"
#include "ts_limits.h"
#include "message_input.h"
#include "message_json.h"
#include "roles.h"
#include "validate.h"

static const char *const str_fields[TS_MS__COUNT] = {
	"run_id", "assistant_id", "model", "source", "tool_call_id", "tool_name", "comparison_id"
};
static const char *const int_fields[TS_MI__COUNT] = {
	"token_count", "prompt_tokens", "completion_tokens", "latency_ms"
};


static int
bad(struct ts_problem *p, const char *a, const char *b, const char *msg, const char *type)
{
	const char *loc[4] = { "body", a, b, NULL };

	return ts_problem_invalid(p, loc, msg, type);
}

/* An integer in [0, 2^31-1]: booleans and doubles are not integers. */
static int
int_field(struct ts_problem *p, const char *a, const char *b, struct json_object *v, long long *out)
{
	long long n;

	if (!json_object_is_type(v, json_type_int))
		return bad(p, a, b, "must be an integer", "type");
	n = json_object_get_int64(v);
	if (n < 0 || n > TS_MAX_INT_FIELD)
		return bad(p, a, b, "must be between 0 and " TS_STR(TS_MAX_INT_FIELD), "range");
	*out = n;
	return 0;
}

static char *
text_of(struct json_object *v)
{
	const char *t = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);

	return t != NULL ? strdup(t) : NULL;
}

/* A citation: chunk_id, quote, offset, length required; the rest kept as given.
 * Every problem with one is reported at ["body", "content", "citations"]. */
static int
check_citation(struct ts_problem *p, struct json_object *c)
{
	struct json_object *v;
	long long n;

	if (!json_object_is_type(c, json_type_object))
		return bad(p, "content", "citations", "each citation must be an object", "type");
	if (!json_object_object_get_ex(c, "chunk_id", &v) || v == NULL)
		return bad(p, "content", "citations", "chunk_id is required", "missing");
	if (!json_object_object_get_ex(c, "quote", &v) || v == NULL)
		return bad(p, "content", "citations", "quote is required", "missing");
	if (!json_object_is_type(v, json_type_string))
		return bad(p, "content", "citations", "quote must be a string", "type");
	if ((size_t)json_object_get_string_len(v) > TS_MAX_MESSAGE_TEXT_BYTES)
		return bad(p, "content", "citations", "quote longer than " TS_STR(TS_MAX_MESSAGE_TEXT_BYTES) " bytes",
		    "length");
	if (!json_object_object_get_ex(c, "offset", &v) || v == NULL)
		return bad(p, "content", "citations", "offset is required", "missing");
	if (int_field(p, "content", "citations", v, &n) != 0)
		return -1;
	if (!json_object_object_get_ex(c, "length", &v) || v == NULL)
		return bad(p, "content", "citations", "length is required", "missing");
	return int_field(p, "content", "citations", v, &n);
}

/* The text: at most 512 KiB of UTF-8, no NUL. */
static int
check_text(struct ts_problem *p, const char *b, struct json_object *v, struct ts_message_input *in)
{
	if (!json_object_is_type(v, json_type_string))
		return bad(p, "content", b, "must be a string", "type");
	in->text = json_object_get_string(v);
	in->text_len = (size_t)json_object_get_string_len(v);
	if (strlen(in->text) != in->text_len)
		return bad(p, "content", b, "must not contain NUL characters", "value");
	if (in->text_len > TS_MAX_MESSAGE_TEXT_BYTES)
		return bad(p, "content", b, "longer than " TS_STR(TS_MAX_MESSAGE_TEXT_BYTES) " bytes", "length");
	return 0;
}

/* content: a string, or {text, citations?, references?, is_error?}. */
static int
parse_content(struct ts_problem *p, struct json_object *v, struct ts_message_input *in)
{
	struct json_object *extra, *f;
	size_t i;

	if (v == NULL)
		return bad(p, "content", NULL, "field required", "missing");
	if (json_object_is_type(v, json_type_string))
		return check_text(p, NULL, v, in);
	if (!json_object_is_type(v, json_type_object))
		return bad(p, "content", NULL, "must be a string or an object", "type");
	json_object_object_foreach(v, key, val) {
		(void)val;
		if (strcmp(key, "text") != 0 && strcmp(key, "citations") != 0 &&
		    strcmp(key, "references") != 0 && strcmp(key, "is_error") != 0)
			return bad(p, "content", key, "unknown field", "unknown_field");
	}
	if (!json_object_object_get_ex(v, "text", &f) || f == NULL)
		return bad(p, "content", "text", "field required", "missing");
	if (check_text(p, "text", f, in) != 0)
		return -1;
	if (json_object_object_get_ex(v, "citations", &f) && f != NULL) {
		if (!json_object_is_type(f, json_type_array))
			return bad(p, "content", "citations", "must be an array", "type");
		for (i = 0; i < json_object_array_length(f); i++)
			if (check_citation(p, json_object_array_get_idx(f, i)) != 0)
				return -1;
	}
	if (json_object_object_get_ex(v, "references", &f) && f != NULL &&
	    !json_object_is_type(f, json_type_array))
		return bad(p, "content", "references", "must be an array", "type");
	if (json_object_object_get_ex(v, "is_error", &f) && f != NULL &&
	    !json_object_is_type(f, json_type_boolean))
		return bad(p, "content", "is_error", "must be a boolean", "type");
	/* What is stored beside the text: the content object minus text. */
	extra = json_object_new_object();
	json_object_object_foreach(v, k2, v2) {
		if (strcmp(k2, "text") != 0 && v2 != NULL)
			json_object_object_add(extra, k2, json_object_get(v2));
	}
	if (json_object_object_length(extra) > 0)
		in->content_extra = text_of(extra);
	json_object_put(extra);
	return 0;
}

/* An optional JSON value stored as text: arrays for attachments/tool_calls. */
static int
json_field(struct ts_problem *p, const char *name, struct json_object *v, int must_be_array, char **out)
{
	if (v == NULL)
		return 0;
	if (must_be_array && !json_object_is_type(v, json_type_array))
		return bad(p, name, NULL, "must be an array", "type");
	if ((*out = text_of(v)) == NULL)
		return ts_problem_set(p, TS_E_INTERNAL, NULL);
	return 0;
}

static int
parse_optional(struct ts_problem *p, struct json_object *body, struct ts_message_input *in)
{
	struct json_object *v;
	size_t i;

	for (i = 0; i < TS_MS__COUNT; i++)
		if (json_object_object_get_ex(body, str_fields[i], &v) &&
		    ts_v_string(p, str_fields[i], v, TS_MAX_MESSAGE_STR_POINTS, 1, &in->strs[i]) != 0)
			return -1;
	for (i = 0; i < TS_MI__COUNT; i++)
		if (json_object_object_get_ex(body, int_fields[i], &v) && v != NULL &&
		    int_field(p, int_fields[i], NULL, v, &in->ints[i]) != 0)
			return -1;
	if (json_object_object_get_ex(body, "parent_message_id", &v) && v != NULL) {
		if (!json_object_is_type(v, json_type_string) ||
		    ts_uuid_parse(json_object_get_string(v), in->parent) != 0)
			return bad(p, "parent_message_id", NULL, "must be a UUID", "uuid");
		in->has_parent = 1;
	}
	if (json_object_object_get_ex(body, "metadata", &v) && v != NULL) {
		if (ts_v_metadata(p, "metadata", v) != 0)
			return -1;
		free(in->metadata);
		if ((in->metadata = text_of(v)) == NULL)
			return ts_problem_set(p, TS_E_INTERNAL, NULL);
	}
	return json_field(p, "details", json_object_object_get_ex(body, "details", &v) ? v : NULL, 0, &in->details) ||
	    json_field(p, "attachments", json_object_object_get_ex(body, "attachments", &v) ? v : NULL, 1,
	    &in->attachments) ||
	    json_field(p, "tool_calls", json_object_object_get_ex(body, "tool_calls", &v) ? v : NULL, 1,
	    &in->tool_calls)
	    ? -1 : 0;
}

int
ts_message_parse(struct ts_problem *p, struct json_object *body, struct ts_message_input *in)
{
	static const char *const fields[] = {
		"role", "content", "message_id", "details", "metadata", "attachments",
		"parent_message_id", "run_id", "assistant_id", "model", "source", "tool_call_id",
		"tool_name", "tool_calls", "token_count", "prompt_tokens", "completion_tokens",
		"latency_ms", "comparison_id", NULL
	};
	struct json_object *v;

	if (ts_message_input_init(p, in) != 0 || ts_v_body(p, body, NULL) != 0 ||
	    ts_v_known_fields(p, body, fields) != 0)
		return -1;
	if (!json_object_object_get_ex(body, "role", &v) || v == NULL)
		return bad(p, "role", NULL, "field required", "missing");
	if (!json_object_is_type(v, json_type_string) || (in->role = ts_role_parse(json_object_get_string(v))) < 0)
		return bad(p, "role", NULL, "must be user, assistant, system or tool", "enum");
	if (parse_content(p, json_object_object_get_ex(body, "content", &v) ? v : NULL, in) != 0)
		return -1;
	if (json_object_object_get_ex(body, "message_id", &v) && v != NULL) {
		if (ts_v_new_uuid(p, "message_id", v, in->message_id) != 0)
			return -1;
		in->has_message_id = 1;
	}
	if (parse_optional(p, body, in) != 0)
		return -1;
	return ts_message_input_seal(p, in);
}

int
ts_message_input_init(struct ts_problem *p, struct ts_message_input *in)
{
	size_t i;

	memset(in, 0, sizeof(*in));
	for (i = 0; i < TS_MI__COUNT; i++)
		in->ints[i] = -1;
	if ((in->metadata = strdup("{}")) == NULL)
		return ts_problem_set(p, TS_E_INTERNAL, NULL);
	return 0;
}

int
ts_message_input_seal(struct ts_problem *p, struct ts_message_input *in)
{
	struct ts_db_cell text, extra;

	text.data = (char *)(uintptr_t)in->text;
	text.len = (unsigned long)in->text_len;
	extra.data = in->content_extra;
	extra.len = in->content_extra != NULL ? strlen(in->content_extra) : 0;
	in->content = ts_message_content_json(&text, &extra);
	return in->content != NULL ? 0 : ts_problem_set(p, TS_E_INTERNAL, NULL);
}

int
ts_message_parse_text(struct ts_problem *p, struct json_object *v, struct ts_message_input *in)
{
	return check_text(p, NULL, v, in);
}

int
ts_message_parse_json(struct ts_problem *p, const char *field, struct json_object *v, int must_be_array,
    char **out)
{
	return json_field(p, field, v, must_be_array, out);
}

void
ts_message_input_free(struct ts_message_input *in)
{
	json_object_put(in->content);
	json_object_put(in->text_owner);
	free(in->content_extra);
	free(in->details);
	free(in->metadata);
	free(in->attachments);
	free(in->tool_calls);
	free(in->item);
	memset(in, 0, sizeof(*in));
}


int
ts_message_parse_patch(struct ts_problem *p, struct json_object *body, struct ts_message_patch *mp)
{
	static const char *const fields[] = { "content", "metadata", "details", "is_error", NULL };
	struct ts_message_input in;
	struct json_object *v;

	memset(mp, 0, sizeof(*mp));
	memset(&in, 0, sizeof(in));
	if (ts_v_known_fields(p, body, fields) != 0)
		return -1;
	if (json_object_object_get_ex(body, "content", &v)) {
		if (parse_content(p, v, &in) != 0) {
			free(in.content_extra);
			return -1;
		}
		mp->has_text = mp->has_extra = 1;
		mp->text = in.text;
		mp->text_len = in.text_len;
		mp->content_extra = in.content_extra;
	}
	if (json_object_object_get_ex(body, "is_error", &v)) {
		if (!json_object_is_type(v, json_type_boolean))
			return bad(p, "is_error", NULL, "must be a boolean", "type");
		mp->has_is_error = 1;
		mp->is_error = json_object_get_boolean(v);
	}
	if (json_object_object_get_ex(body, "metadata", &v)) {
		if (ts_v_metadata(p, "metadata", v) != 0)
			return -1;
		if ((mp->metadata = text_of(v)) == NULL)
			return ts_problem_set(p, TS_E_INTERNAL, NULL);
		mp->has_metadata = 1;
	}
	if (json_object_object_get_ex(body, "details", &v)) {
		mp->details = v != NULL ? text_of(v) : NULL;
		mp->has_details = 1;
	}
	return 0;
}

int
ts_message_patch_merge_error(struct ts_message_patch *mp, const struct ts_db_cell *stored_extra)
{
	struct json_object *extra;

	if (!mp->has_is_error)
		return 0;
	/* Merged into the content kept beside the text (new or stored). */
	extra = mp->has_extra ? (mp->content_extra != NULL ? json_tokener_parse(mp->content_extra) : NULL)
	    : ts_stored_parse(stored_extra);
	if (extra == NULL)
		extra = json_object_new_object();
	if (extra == NULL)
		return -1;
	json_object_object_add(extra, "is_error", json_object_new_boolean(mp->is_error));
	free(mp->content_extra);
	mp->content_extra = text_of(extra);
	mp->has_extra = 1;
	mp->has_is_error = 0;
	json_object_put(extra);
	return mp->content_extra != NULL ? 0 : -1;
}

void
ts_message_patch_free(struct ts_message_patch *mp)
{
	free(mp->content_extra);
	free(mp->metadata);
	free(mp->details);
	memset(mp, 0, sizeof(*mp));
}
