/*
 * OpenAI's conversation items as the operations' input. An item is kept
 * whole, as the client gave it (normalised the way OpenAI returns it:
 * string content as one text part, a status), for the conversation to
 * return; what /api and /v1/threads show of it is derived here once:
 * a message's text and role, a call's id and name. Everything /api also
 * has (the text's length, the stored JSON) goes through /api's own checks
 * (message_input.h), so the surfaces cannot disagree.
 */
#include <stdlib.h>
#include <string.h>

#include "conv.h"
#include "query.h"
#include "roles.h"
#include "validate.h"

static int
bad(struct ts_problem *p, const char *field, const char *msg, const char *type)
{
	const char *loc[] = { "body", field, NULL };

	return ts_problem_invalid(p, loc, msg, type);
}

/* A present, non-null member, or NULL. */
static struct json_object *
member(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, key, &v);
	return v;
}

/* A member that must be a string of 1 to max bytes with no NUL. */
static int
string_member(struct ts_problem *p, struct json_object *o, const char *key, size_t max, const char **out)
{
	struct json_object *v = member(o, key);
	size_t len;

	if (v == NULL)
		return bad(p, key, "field required", "missing");
	if (!json_object_is_type(v, json_type_string))
		return bad(p, key, "must be a string", "type");
	*out = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	if (len == 0 || len > max || strlen(*out) != len) {
		const char *loc[] = { "body", key, NULL };

		return ts_problem_invalidf(p, loc, "length",
		    "must be a non-empty string without NUL, at most %zu bytes",
		    max);
	}
	return 0;
}

/* Adds key: v (a new reference) when item has no such member. */
static int
default_member(struct json_object *item, const char *key, struct json_object *v)
{
	if (v == NULL)
		return -1;
	if (json_object_object_get_ex(item, key, NULL)) {
		json_object_put(v);
		return 0;
	}
	return json_object_object_add(item, key, v);
}

/* A text part of a message: input_text or output_text, with the members
 * OpenAI returns on output_text (annotations, logprobs) added when absent. */
static int
text_part(struct ts_problem *p, const char *field, struct json_object *part, const char **text, size_t *len)
{
	struct json_object *type = member(part, "type"), *t;
	const char *name;

	*text = NULL;
	if (!json_object_is_type(part, json_type_object) || !json_object_is_type(type, json_type_string))
		return bad(p, field, "each part must be an object with a type", "type");
	name = json_object_get_string(type);
	if (strcmp(name, "input_text") != 0 && strcmp(name, "output_text") != 0)
		return 0;       /* images, files, refusals ...: kept, no text */
	if (!json_object_is_type(t = member(part, "text"), json_type_string))
		return bad(p, field, "a text part needs text, a string", "type");
	if (strcmp(name, "output_text") == 0 &&
	    (default_member(part, "annotations", json_object_new_array()) != 0 ||
	    default_member(part, "logprobs", json_object_new_array()) != 0))
		return ts_problem_set(p, TS_E_INTERNAL, NULL);
	*text = json_object_get_string(t);
	*len = (size_t)json_object_get_string_len(t);
	return 0;
}

/* The text parts of content joined by "\n" (as /v1 joins them), into
 * in->text through /api's text check. */
static int
message_text(struct ts_problem *p, const char *field, struct json_object *content, struct ts_message_input *in)
{
	size_t i, n = json_object_array_length(content), len, used = 0, total = 0;
	const char *t;
	char *buf;

	for (i = 0; i < n; i++) {
		if (text_part(p, field, json_object_array_get_idx(content, i), &t, &len) != 0)
			return -1;
		total += t != NULL ? len + 1 : 0;
	}
	if ((buf = malloc(total + 1)) == NULL)
		return ts_problem_set(p, TS_E_INTERNAL, NULL);
	for (i = 0; i < n; i++) {
		(void)text_part(p, field, json_object_array_get_idx(content, i), &t, &len);
		if (t == NULL)
			continue;
		if (used > 0)
			buf[used++] = '\n';
		memcpy(buf + used, t, len);
		used += len;
	}
	in->text_owner = json_object_new_string_len(buf, (int)used);
	free(buf);
	if (in->text_owner == NULL)
		return ts_problem_set(p, TS_E_INTERNAL, NULL);
	return ts_message_parse_text(p, in->text_owner, in);
}

/* A message item: role user, assistant, system or developer (shown as
 * system where only four roles exist); content a string, kept as one
 * input_text part (output_text for the assistant), or an array of parts. */
static int
message_item(struct ts_problem *p, struct json_object *item, struct ts_message_input *in)
{
	static const char *const roles[] = { "user", "assistant", "system", "developer", NULL };
	struct json_object *role = member(item, "role"), *content = member(item, "content"), *parts, *part;
	const char *r;
	int i;

	if (role == NULL)
		return bad(p, "role", "field required", "missing");
	r = json_object_is_type(role, json_type_string) ? json_object_get_string(role) : "";
	for (i = 0; roles[i] != NULL && strcmp(r, roles[i]) != 0; i++)
		;
	if (roles[i] == NULL)
		return bad(p, "role", "must be user, assistant, system or developer", "enum");
	in->role = strcmp(r, "developer") == 0 ? TS_ROLE_SYSTEM : ts_role_parse(r);
	if (content == NULL)
		return bad(p, "content", "field required", "missing");
	if (json_object_is_type(content, json_type_string)) {
		if ((parts = json_object_new_array()) == NULL || (part = json_object_new_object()) == NULL ||
		    json_object_array_add(parts, part) != 0) {
			json_object_put(parts);
			return ts_problem_set(p, TS_E_INTERNAL, NULL);
		}
		json_object_object_add(part, "type", json_object_new_string(
		    in->role == TS_ROLE_ASSISTANT ? "output_text" : "input_text"));
		json_object_object_add(part, "text", json_object_get(content));
		json_object_object_add(item, "content", parts);
		content = parts;
	} else if (!json_object_is_type(content, json_type_array)) {
		return bad(p, "content", "must be a string or an array of parts", "type");
	}
	return message_text(p, "content", content, in);
}

/* function_call: call_id, name, arguments (a string); shown under /api as
 * an assistant message whose tool_calls hold the call, as chat APIs do. */
static int
function_call_item(struct ts_problem *p, struct json_object *item, struct ts_message_input *in)
{
	struct json_object *calls, *call, *fn;
	const char *call_id, *name, *args;

	if (string_member(p, item, "call_id", TS_CONV_MAX_CALL_ID_BYTES, &call_id) != 0 ||
	    string_member(p, item, "name", TS_MAX_MESSAGE_STR_POINTS, &name) != 0)
		return -1;
	if (!json_object_is_type(member(item, "arguments"), json_type_string))
		return bad(p, "arguments", "must be a string", "type");
	args = json_object_get_string(member(item, "arguments"));
	in->role = TS_ROLE_ASSISTANT;
	in->strs[TS_MS_TOOL_NAME] = name;
	calls = json_object_new_array();
	call = json_object_new_object();
	fn = json_object_new_object();
	if (calls == NULL || call == NULL || fn == NULL) {
		json_object_put(calls);
		json_object_put(call);
		json_object_put(fn);
		return ts_problem_set(p, TS_E_INTERNAL, NULL);
	}
	json_object_object_add(fn, "name", json_object_new_string(name));
	json_object_object_add(fn, "arguments", json_object_new_string(args));
	json_object_object_add(call, "id", json_object_new_string(call_id));
	json_object_object_add(call, "type", json_object_new_string("function"));
	json_object_object_add(call, "function", fn);
	json_object_array_add(calls, call);
	in->tool_calls = ts_json_text(calls);
	json_object_put(calls);
	return in->tool_calls != NULL ? 0 : ts_problem_set(p, TS_E_INTERNAL, NULL);
}

/* function_call_output: call_id and output (a string, or parts whose text
 * is shown); under /api a tool message answering call_id. */
static int
function_output_item(struct ts_problem *p, struct json_object *given, struct json_object *item,
    struct ts_message_input *in)
{
	struct json_object *out = member(given, "output");
	const char *call_id;

	if (string_member(p, given, "call_id", TS_CONV_MAX_CALL_ID_BYTES, &call_id) != 0)
		return -1;
	in->role = TS_ROLE_TOOL;
	in->strs[TS_MS_TOOL_CALL_ID] = call_id;
	if (json_object_is_type(out, json_type_string))
		return ts_message_parse_text(p, out, in);
	if (json_object_is_type(out, json_type_array))
		return message_text(p, "output", member(item, "output"), in);
	return bad(p, "output", "must be a string or an array of parts", "type");
}

/* The type: "message" when absent (OpenAI's easy input message). */
static int
item_type(struct ts_problem *p, struct json_object *item, const char **type)
{
	struct json_object *v = member(item, "type");
	size_t i, len;

	if (v == NULL) {
		*type = "message";
		return json_object_object_add(item, "type", json_object_new_string("message")) == 0 ? 0
		    : ts_problem_set(p, TS_E_INTERNAL, NULL);
	}
	if (!json_object_is_type(v, json_type_string))
		return bad(p, "type", "must be a string", "type");
	*type = json_object_get_string(v);
	len = strlen(*type);
	if (len == 0 || len > TS_CONV_MAX_TYPE_BYTES)
		return bad(p, "type", "must be an item type", "enum");
	for (i = 0; i < len; i++)
		if (((*type)[i] < 'a' || (*type)[i] > 'z') && (*type)[i] != '_')
			return bad(p, "type", "must be an item type", "enum");
	/* References point into OpenAI's store, which this is not. */
	if (strcmp(*type, "item_reference") == 0 || strcmp(*type, "compaction_trigger") == 0)
		return bad(p, "type", "item references and compaction triggers are not stored", "unsupported");
	return 0;
}

/* The client's own id, if any: ours decodes to its UUID; another is kept
 * in the item, and the UUID is named by it (ts_conv_item_id_parse). */
static int
item_id(struct ts_problem *p, const unsigned char *conv, struct json_object *item, struct ts_message_input *in)
{
	struct json_object *v = member(item, "id");
	int is_ours;

	if (v == NULL) {
		json_object_object_del(item, "id");
		return 0;
	}
	if (!json_object_is_type(v, json_type_string) ||
	    ts_conv_item_id_parse(conv, json_object_get_string(v), in->message_id, &is_ours) != 0)
		return bad(p, "id", "must be an id of letters, digits, _ and -, at most "
		    TS_STR(TS_CONV_MAX_ITEM_ID_BYTES) " bytes", "value");
	in->has_message_id = 1;
	if (is_ours)
		json_object_object_del(item, "id");
	return 0;
}

/*
 * The fields /api shows, by type. Strings the input borrows are read from
 * given (the request body, which outlives the input); item is the copy
 * being normalised for storage, freed once its text is taken.
 */
static int
parse_kind(struct ts_problem *p, const char *type, struct json_object *given, struct json_object *item,
    struct ts_message_input *in)
{
	if (strcmp(type, "message") == 0)
		return message_item(p, item, in);
	if (strcmp(type, "function_call") == 0)
		return function_call_item(p, given, in);
	if (strcmp(type, "function_call_output") == 0)
		return function_output_item(p, given, item, in);
	/* Every other type is kept as given: an assistant message with no text. */
	in->role = TS_ROLE_ASSISTANT;
	return 0;
}

int
ts_conv_parse_item(struct ts_problem *p, const unsigned char *conv, struct json_object *given,
    struct ts_message_input *in)
{
	struct json_object *item = NULL;
	const char *type = "message";
	int rc = -1;

	if (ts_message_input_init(p, in) != 0)
		return -1;
	if (!json_object_is_type(given, json_type_object))
		return bad(p, "type", "each item must be an object", "type");
	/* A deep copy: the normalising below must not change the body. */
	if (json_object_deep_copy(given, &item, NULL) != 0)
		return ts_problem_set(p, TS_E_INTERNAL, NULL);
	if (item_type(p, item, &type) != 0 || item_id(p, conv, item, in) != 0 ||
	    parse_kind(p, type, given, item, in) != 0)
		goto out;
	if (in->text == NULL)
		in->text = "";  /* calls, reasoning ...: no text of their own */
	if (default_member(item, "status", json_object_new_string("completed")) != 0) {
		ts_problem_set(p, TS_E_INTERNAL, NULL);
		goto out;
	}
	if ((in->item = ts_json_text(item)) == NULL) {
		ts_problem_set(p, TS_E_INTERNAL, NULL);
		goto out;
	}
	if (strlen(in->item) > TS_CONV_MAX_ITEM_BYTES) {
		bad(p, "type", "an item is at most " TS_STR(TS_CONV_MAX_ITEM_BYTES) " bytes of JSON", "length");
		goto out;
	}
	rc = ts_message_input_seal(p, in);
out:
	json_object_put(item);
	return rc;
}

/* The names OpenAI's SDK and a hand-written query use for include. */
static const char *const include_names[] = { "include%5B%5D", "include[]", "include", NULL };

/* The values OpenAI documents; only reasoning.encrypted_content changes
 * what is returned (everything else is stored and always returned). */
static const char *const include_values[] = {
	"reasoning.encrypted_content", "file_search_call.results", "web_search_call.results",
	"web_search_call.action.sources", "message.input_image.image_url",
	"computer_call_output.output.image_url", "code_interpreter_call.outputs",
	"message.output_text.logprobs", NULL
};

int
ts_conv_parse_include(struct ts_problem *p, const char *query, unsigned *mask)
{
	static const char *const loc[] = { "query", "include", NULL };
	struct ts_query_iter it;
	char *v;
	size_t len, n = 0;
	int i;

	*mask = 0;
	ts_query_iter_init(&it, query, strlen(query), include_names);
	while (ts_query_iter_next(&it, &v, &len) == TS_QUERY_FOUND) {
		for (i = 0; include_values[i] != NULL && strcmp(v, include_values[i]) != 0; i++)
			;
		free(v);
		if (include_values[i] == NULL || ++n > TS_CONV_MAX_INCLUDES)
			return ts_problem_invalid(p, loc, "must be values OpenAI documents for include", "enum");
		if (i == 0)
			*mask |= TS_CONV_INCLUDE_ENCRYPTED_REASONING;
	}
	if (it.status == TS_QUERY_BAD_ENCODING)
		return ts_problem_invalid(p, loc, "bad percent-encoding", "value");
	return it.status == TS_QUERY_NOMEM ? ts_problem_set(p, TS_E_INTERNAL, NULL) : 0;
}
