/*
 * OpenAI's request bodies (API reference: tag openai) as the operations'
 * typed input. What only OpenAI's format has is checked here (the roles
 * OpenAI allows, text parts, the fields its create and modify take); every
 * value /api also has (text length, metadata, attachments) goes through the
 * same checks as /api's (message_input.h, validate.h), so the two surfaces
 * cannot disagree.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "message_input.h"
#include "roles.h"
#include "v1.h"
#include "validate.h"

static int
bad(struct ts_problem *p, const char *field, const char *msg, const char *type)
{
	const char *loc[] = { "body", field, NULL };

	return ts_problem_invalid(p, loc, msg, type);
}

/* The text of one part: {"type": "text", "text": "..."} and nothing else. */
static int
part_text(struct ts_problem *p, struct json_object *part, const char **text, size_t *len)
{
	struct json_object *type = NULL, *t = NULL;

	if (!json_object_is_type(part, json_type_object) ||
	    !json_object_object_get_ex(part, "type", &type) || !json_object_is_type(type, json_type_string))
		return bad(p, "content", "each part must be an object with a type", "type");
	if (strcmp(json_object_get_string(type), "text") != 0)
		return bad(p, "content", "only text parts are supported", "unsupported");
	json_object_object_foreach(part, key, val) {
		(void)val;
		if (strcmp(key, "type") != 0 && strcmp(key, "text") != 0)
			return bad(p, "content", "a text part has only type and text", "unknown_field");
	}
	if (!json_object_object_get_ex(part, "text", &t) || !json_object_is_type(t, json_type_string))
		return bad(p, "content", "a text part needs text, a string", "type");
	*text = json_object_get_string(t);
	*len = (size_t)json_object_get_string_len(t);
	return 0;
}

/*
 * content as one string: a string as it is (a new reference), text parts
 * joined by "\n" (API reference: schema OpenAIMessageCreate). The joined
 * text is no longer than the body it came from, which the dispatcher
 * capped; the message text limit applies to it.
 */
static int
content_text(struct ts_problem *p, struct json_object *v, struct json_object **out)
{
	const char *t;
	size_t n, i, len, total = 0, used = 0;
	char *buf;

	if (json_object_is_type(v, json_type_string)) {
		*out = json_object_get(v);
		return 0;
	}
	if (!json_object_is_type(v, json_type_array) || (n = json_object_array_length(v)) == 0)
		return bad(p, "content", "must be a string or a non-empty array of text parts", "type");
	for (i = 0; i < n; i++) {
		if (part_text(p, json_object_array_get_idx(v, i), &t, &len) != 0)
			return -1;
		total += len + (i > 0);
	}
	if ((buf = malloc(total + 1)) == NULL)
		return ts_problem_set(p, TS_E_INTERNAL, NULL);
	for (i = 0; i < n; i++) {
		/* checked in the loop above: cannot fail */
		(void)part_text(p, json_object_array_get_idx(v, i), &t, &len);
		if (i > 0)
			buf[used++] = '\n';
		memcpy(buf + used, t, len);
		used += len;
	}
	*out = json_object_new_string_len(buf, (int)used);
	free(buf);
	return *out != NULL ? 0 : ts_problem_set(p, TS_E_INTERNAL, NULL);
}

/* role: user or assistant; OpenAI takes these two, /api's system and tool
 * stay /api's (API reference: schema OpenAIMessageCreate). */
static int
parse_role(struct ts_problem *p, struct json_object *body, struct ts_message_input *in)
{
	struct json_object *v = NULL;
	const char *role;

	if (!json_object_object_get_ex(body, "role", &v) || v == NULL)
		return bad(p, "role", "field required", "missing");
	role = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
	if (strcasecmp(role, "user") != 0 && strcasecmp(role, "assistant") != 0)
		return bad(p, "role", "must be user or assistant", "enum");
	in->role = ts_role_parse(role);
	return 0;
}

/* A present, non-null member, or NULL. */
static struct json_object *
member(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, key, &v);
	return v;
}

int
ts_v1_parse_message(struct ts_problem *p, struct json_object *body, struct ts_message_input *in)
{
	static const char *const fields[] = { "role", "content", "attachments", "metadata", NULL };
	struct json_object *v;

	if (ts_message_input_init(p, in) != 0 || ts_v_body(p, body, NULL) != 0 ||
	    ts_v_known_fields(p, body, fields) != 0 || parse_role(p, body, in) != 0)
		return -1;
	if ((v = member(body, "content")) == NULL)
		return bad(p, "content", "field required", "missing");
	if (content_text(p, v, &in->text_owner) != 0 || ts_message_parse_text(p, in->text_owner, in) != 0)
		return -1;
	/* In /api's order: metadata, then attachments. */
	if ((v = member(body, "metadata")) != NULL) {
		if (ts_v_metadata(p, "metadata", v) != 0)
			return -1;
		free(in->metadata);
		if ((in->metadata = ts_json_text(v)) == NULL)
			return ts_problem_set(p, TS_E_INTERNAL, NULL);
	}
	if (ts_message_parse_json(p, "attachments", member(body, "attachments"), 1, &in->attachments) != 0)
		return -1;
	return ts_message_input_seal(p, in);
}

int
ts_v1_parse_update(struct ts_problem *p, struct json_object *body, const struct ts_json_flaws *flaws,
    const char *const *allowed, char **metadata)
{
	struct json_object *v;

	*metadata = NULL;
	if (ts_v_body(p, body, flaws) != 0 || ts_v_known_fields(p, body, allowed) != 0)
		return -1;
	/* Replaces the whole object; tool_resources is not stored
	 * (API reference: schema OpenAIThreadModify). */
	if ((v = member(body, "metadata")) == NULL)
		return 0;
	if (ts_v_metadata(p, "metadata", v) != 0)
		return -1;
	return (*metadata = ts_json_text(v)) != NULL ? 0 : ts_problem_set(p, TS_E_INTERNAL, NULL);
}
