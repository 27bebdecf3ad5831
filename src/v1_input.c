/*
 * OpenAI's request bodies (§10) rewritten into their /api form. Only what
 * /api cannot know is checked here (the roles OpenAI allows, text parts,
 * the fields OpenAI's create and modify take); every value /api also has
 * (text length, metadata, attachments) is left to the /api validators, so
 * the two surfaces cannot disagree on them.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "validate.h"
#include "v1.h"

static int
bad(struct ts_ctx *ctx, const char *field, const char *msg, const char *type)
{
	const char *loc[] = { "body", field, NULL };

	ts_fail_validation(ctx, loc, msg, type);
	return -1;
}

/* The text of one part: {"type": "text", "text": "..."} and nothing else. */
static int
part_text(struct ts_ctx *ctx, struct json_object *part, const char **text, size_t *len)
{
	struct json_object *type = NULL, *t = NULL;

	if (!json_object_is_type(part, json_type_object) ||
	    !json_object_object_get_ex(part, "type", &type) || !json_object_is_type(type, json_type_string))
		return bad(ctx, "content", "each part must be an object with a type", "type");
	if (strcmp(json_object_get_string(type), "text") != 0)
		return bad(ctx, "content", "only text parts are supported", "unsupported");
	json_object_object_foreach(part, key, val) {
		(void)val;
		if (strcmp(key, "type") != 0 && strcmp(key, "text") != 0)
			return bad(ctx, "content", "a text part has only type and text", "unknown_field");
	}
	if (!json_object_object_get_ex(part, "text", &t) || !json_object_is_type(t, json_type_string))
		return bad(ctx, "content", "a text part needs text, a string", "type");
	*text = json_object_get_string(t);
	*len = (size_t)json_object_get_string_len(t);
	return 0;
}

/*
 * content as one string: a string as it is, text parts joined by "\n" (§11).
 * The joined text is no longer than the body it came from, which the
 * dispatcher capped; /api then applies the message text limit to it.
 */
static struct json_object *
content_text(struct ts_ctx *ctx, struct json_object *v)
{
	struct json_object *out;
	const char *t;
	size_t n, i, len, total = 0, used = 0;
	char *buf;

	if (json_object_is_type(v, json_type_string))
		return json_object_get(v);
	if (!json_object_is_type(v, json_type_array) || (n = json_object_array_length(v)) == 0) {
		bad(ctx, "content", "must be a string or a non-empty array of text parts", "type");
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (part_text(ctx, json_object_array_get_idx(v, i), &t, &len) != 0)
			return NULL;
		total += len + (i > 0);
	}
	if ((buf = malloc(total + 1)) == NULL) {
		ts_fail(ctx, TS_E_INTERNAL, NULL);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		/* checked in the loop above: cannot fail */
		(void)part_text(ctx, json_object_array_get_idx(v, i), &t, &len);
		if (i > 0)
			buf[used++] = '\n';
		memcpy(buf + used, t, len);
		used += len;
	}
	out = json_object_new_string_len(buf, (int)used);
	free(buf);
	if (out == NULL)
		ts_fail(ctx, TS_E_INTERNAL, NULL);
	return out;
}

/* Copies in[key] into out when it is present and not null. */
static void
copy_field(struct json_object *out, struct json_object *in, const char *key)
{
	struct json_object *v = NULL;

	if (json_object_object_get_ex(in, key, &v) && v != NULL)
		json_object_object_add(out, key, json_object_get(v));
}

/* role and content into out; 0, or -1 answered. */
static int
role_and_content(struct ts_ctx *ctx, struct json_object *in, struct json_object *out)
{
	struct json_object *v = NULL, *text;
	const char *role;

	if (!json_object_object_get_ex(in, "role", &v) || v == NULL)
		return bad(ctx, "role", "field required", "missing");
	role = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
	/* OpenAI takes these two; /api's system and tool stay /api's (§10). */
	if (strcasecmp(role, "user") != 0 && strcasecmp(role, "assistant") != 0)
		return bad(ctx, "role", "must be user or assistant", "enum");
	json_object_object_add(out, "role", json_object_get(v));
	if (!json_object_object_get_ex(in, "content", &v) || v == NULL)
		return bad(ctx, "content", "field required", "missing");
	if ((text = content_text(ctx, v)) == NULL)
		return -1;
	json_object_object_add(out, "content", text);
	return 0;
}

struct json_object *
ts_v1_message_body(struct ts_ctx *ctx, struct json_object *in)
{
	static const char *const fields[] = { "role", "content", "attachments", "metadata", NULL };
	struct json_object *saved = ctx->body, *out = NULL;

	/* The shared checks read ctx->body; point it at this message. */
	ctx->body = in;
	if (ts_v_body_object(ctx) != 0 || ts_v_known_fields(ctx, fields) != 0)
		goto out;
	if ((out = json_object_new_object()) == NULL) {
		ts_fail(ctx, TS_E_INTERNAL, NULL);
		goto out;
	}
	if (role_and_content(ctx, in, out) != 0) {
		json_object_put(out);
		out = NULL;
		goto out;
	}
	copy_field(out, in, "attachments");
	copy_field(out, in, "metadata");
out:
	ctx->body = saved;
	return out;
}

struct json_object *
ts_v1_metadata_body(struct ts_ctx *ctx, const char *const *allowed)
{
	struct json_object *out = json_object_new_object();

	if (out == NULL) {
		ts_fail(ctx, TS_E_INTERNAL, NULL);
		return NULL;
	}
	if (!ctx->has_body) {
		/* As on /api's PATCH: an update needs a body, {} at least. */
		json_object_put(out);
		ts_fail(ctx, TS_E_INVALID_JSON, "Request body required");
		return NULL;
	}
	if (ts_v_body_object(ctx) != 0 || ts_v_known_fields(ctx, allowed) != 0) {
		json_object_put(out);
		return NULL;
	}
	/* Replaces the whole object (§11); tool_resources is not stored. */
	copy_field(out, ctx->body, "metadata");
	return out;
}
