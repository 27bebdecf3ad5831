/* Message bodies validated (§6.2, §7, §11) and stored rows rendered (§6.1). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/printbuf.h>

#include "ids.h"
#include "limits.h"
#include "messages.h"
#include "timefmt.h"
#include "validate.h"


static const char *const role_names[TS_ROLE__COUNT] = { "user", "assistant", "system", "tool" };
static const char *const str_fields[TS_MS__COUNT] = {
	"run_id", "assistant_id", "model", "source", "tool_call_id", "tool_name", "comparison_id"
};
static const char *const int_fields[TS_MI__COUNT] = {
	"token_count", "prompt_tokens", "completion_tokens", "latency_ms"
};

int
ts_role_parse(const char *s)
{
	int i;

	for (i = 0; s != NULL && i < TS_ROLE__COUNT; i++)
		if (strcasecmp(s, role_names[i]) == 0)
			return i;
	return -1;
}

const char *
ts_role_name(int role)
{
	return role >= 0 && role < TS_ROLE__COUNT ? role_names[role] : "user";
}

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
	return json_field(p, "details", json_object_object_get_ex(body, "details", &v) ? v : NULL, 0,
	    &in->details) ||
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
	memset(in, 0, sizeof(*in));
}

/* Parses a stored JSON text (our own canonical output); NULL cell -> NULL. */
static struct json_object *
parse_stored(const struct ts_db_cell *c)
{
	return c->data != NULL ? json_tokener_parse(c->data) : NULL;
}

/*
 * A stored JSON text as a node that serialises as that text, with no parse:
 * the texts were written by json-c (text_of), so they are valid and already
 * in the form a parse and a new serialisation would give. The node owns a
 * copy, so it may outlive the row. Its json-c type (a boolean) never shows:
 * only its serializer is used, and the node is only ever serialised.
 * NULL for SQL NULL (or out of memory).
 */
static struct json_object *
stored_json(const struct ts_db_cell *c)
{
	struct json_object *o;
	char *text;

	if (c->data == NULL)
		return NULL;
	if ((text = strndup(c->data, c->len)) == NULL)
		return NULL;
	if ((o = json_object_new_boolean(0)) == NULL) {
		free(text);
		return NULL;
	}
	json_object_set_serializer(o, json_object_userdata_to_json_string, text, json_object_free_userdata);
	return o;
}

struct json_object *
ts_stored_json(const struct ts_db_cell *c)
{
	return stored_json(c);
}

/* Adds a member whose key is a literal and not yet in o: json-c then neither
 * copies the key nor looks for an existing one. o takes over v. */
static void
put(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add_ex(o, key, v, JSON_C_OBJECT_ADD_KEY_IS_NEW | JSON_C_OBJECT_KEY_IS_CONSTANT);
}

struct json_object *
ts_message_content_json(const struct ts_db_cell *text, const struct ts_db_cell *extra)
{
	struct json_object *o = json_object_new_object(), *x = parse_stored(extra), *v;

	if (o == NULL) {
		json_object_put(x);
		return NULL;
	}
	put(o, "text", json_object_new_string_len(text->data != NULL ? text->data : "", (int)text->len));
	put(o, "citations", json_object_object_get_ex(x, "citations", &v) && v != NULL
	    ? json_object_get(v) : json_object_new_array());
	put(o, "references", json_object_object_get_ex(x, "references", &v) && v != NULL
	    ? json_object_get(v) : json_object_new_array());
	put(o, "is_error", json_object_new_boolean(
	    json_object_object_get_ex(x, "is_error", &v) && json_object_get_boolean(v)));
	json_object_put(x);
	return o;
}

static void
add_uuid(struct json_object *o, const char *key, const struct ts_db_cell *c)
{
	char s[TS_UUID_STR_LEN + 1];

	if (c->data == NULL || c->len != 16) {
		put(o, key, NULL);
		return;
	}
	ts_uuid_format((const unsigned char *)c->data, s);
	put(o, key, json_object_new_string_len(s, TS_UUID_STR_LEN));
}

static void
add_time(struct json_object *o, const char *key, const struct ts_db_cell *c)
{
	char iso[TS_ISO_LEN + 1];

	put(o, key, c->data != NULL && ts_time_db_to_iso(c->data, c->len, iso) == 0
	    ? json_object_new_string_len(iso, TS_ISO_LEN) : NULL);
}

static void
add_str(struct json_object *o, const char *key, const struct ts_db_cell *c)
{
	put(o, key, c->data != NULL ? json_object_new_string_len(c->data, (int)c->len) : NULL);
}

static void
add_int(struct json_object *o, const char *key, const struct ts_db_cell *c)
{
	put(o, key, c->data != NULL ? json_object_new_int64(strtoll(c->data, NULL, 10)) : NULL);
}

struct json_object *
ts_message_json(const struct ts_db_rows *rows, size_t row, int with_details)
{
	return ts_message_json_cells(&rows->cells[row * rows->ncols], with_details);
}

struct json_object *
ts_message_json_cells(const struct ts_db_cell *c, int with_details)
{
	struct json_object *o = json_object_new_object(), *v;

	if (o == NULL)
		return NULL;
	add_uuid(o, "id", &c[TS_MC_ID]);
	put(o, "object", json_object_new_string("thread.message"));
	add_uuid(o, "thread_id", &c[TS_MC_THREAD_ID]);
	add_int(o, "seq", &c[TS_MC_SEQ]);
	put(o, "role", json_object_new_string(ts_role_name((int)strtol(c[TS_MC_ROLE].data, NULL, 10))));
	put(o, "content", ts_message_content_json(&c[TS_MC_TEXT], &c[TS_MC_CONTENT_EXTRA]));
	put(o, "details", with_details ? stored_json(&c[TS_MC_DETAILS]) : NULL);
	v = stored_json(&c[TS_MC_METADATA]);
	put(o, "metadata", v != NULL ? v : json_object_new_object());
	v = stored_json(&c[TS_MC_ATTACHMENTS]);
	put(o, "attachments", v != NULL ? v : json_object_new_array());
	add_uuid(o, "parent_message_id", &c[TS_MC_PARENT_ID]);
	add_str(o, "run_id", &c[TS_MC_RUN_ID]);
	add_str(o, "assistant_id", &c[TS_MC_ASSISTANT_ID]);
	add_str(o, "model", &c[TS_MC_MODEL]);
	add_str(o, "source", &c[TS_MC_SOURCE]);
	add_str(o, "tool_call_id", &c[TS_MC_TOOL_CALL_ID]);
	add_str(o, "tool_name", &c[TS_MC_TOOL_NAME]);
	put(o, "tool_calls", stored_json(&c[TS_MC_TOOL_CALLS]));
	add_int(o, "token_count", &c[TS_MC_TOKEN_COUNT]);
	add_int(o, "prompt_tokens", &c[TS_MC_PROMPT_TOKENS]);
	add_int(o, "completion_tokens", &c[TS_MC_COMPLETION_TOKENS]);
	add_int(o, "latency_ms", &c[TS_MC_LATENCY_MS]);
	add_str(o, "comparison_id", &c[TS_MC_COMPARISON_ID]);
	add_time(o, "created_at", &c[TS_MC_CREATED_AT]);
	add_time(o, "updated_at", &c[TS_MC_UPDATED_AT]);
	return o;
}

/*
 * Message views: a page's messages written straight from the row cells.
 *
 * ts_message_json_cells builds 24 json-c members per message; json-c 0.16
 * starts every object with 16 hash buckets and grows them twice for those
 * 24 keys, and the whole tree is freed again right after one serialisation.
 * A view is instead one node whose serializer writes the same members in
 * the same order. Free text, stored JSON's fallbacks and integers that are
 * not plain decimal text go through json-c (set on a scratch json-c value
 * and serialised by it: its escaping, its number format); written here are
 * the braces, commas and our constant keys, as json-c writes them with
 * JSON_C_TO_STRING_PLAIN, and the values whose text needs no escaping: ids
 * and times from our own formatters, plain integers, null
 * (append_plain_string, is_plain_decimal).
 */

/* How a member's value is written. */
enum view_kind {
	VK_UUID, VK_OBJECT_NAME, VK_INT, VK_ROLE, VK_CONTENT, VK_DETAILS,
	VK_STORED_OR_OBJECT, VK_STORED_OR_ARRAY, VK_STR, VK_STORED, VK_TIME
};

/* The members of §6.1, in ts_message_json_cells' order; keys with their
 * separator and quotes, as json-c writes them in plain mode. */
static const struct view_member {
	const char *key;
	enum view_kind kind;
	enum ts_message_col col;
} view_members[] = {
	{ "{\"id\":", VK_UUID, TS_MC_ID },
	{ ",\"object\":", VK_OBJECT_NAME, TS_MC_ID },
	{ ",\"thread_id\":", VK_UUID, TS_MC_THREAD_ID },
	{ ",\"seq\":", VK_INT, TS_MC_SEQ },
	{ ",\"role\":", VK_ROLE, TS_MC_ROLE },
	{ ",\"content\":", VK_CONTENT, TS_MC_TEXT },
	{ ",\"details\":", VK_DETAILS, TS_MC_DETAILS },
	{ ",\"metadata\":", VK_STORED_OR_OBJECT, TS_MC_METADATA },
	{ ",\"attachments\":", VK_STORED_OR_ARRAY, TS_MC_ATTACHMENTS },
	{ ",\"parent_message_id\":", VK_UUID, TS_MC_PARENT_ID },
	{ ",\"run_id\":", VK_STR, TS_MC_RUN_ID },
	{ ",\"assistant_id\":", VK_STR, TS_MC_ASSISTANT_ID },
	{ ",\"model\":", VK_STR, TS_MC_MODEL },
	{ ",\"source\":", VK_STR, TS_MC_SOURCE },
	{ ",\"tool_call_id\":", VK_STR, TS_MC_TOOL_CALL_ID },
	{ ",\"tool_name\":", VK_STR, TS_MC_TOOL_NAME },
	{ ",\"tool_calls\":", VK_STORED, TS_MC_TOOL_CALLS },
	{ ",\"token_count\":", VK_INT, TS_MC_TOKEN_COUNT },
	{ ",\"prompt_tokens\":", VK_INT, TS_MC_PROMPT_TOKENS },
	{ ",\"completion_tokens\":", VK_INT, TS_MC_COMPLETION_TOKENS },
	{ ",\"latency_ms\":", VK_INT, TS_MC_LATENCY_MS },
	{ ",\"comparison_id\":", VK_STR, TS_MC_COMPARISON_ID },
	{ ",\"created_at\":", VK_TIME, TS_MC_CREATED_AT },
	{ ",\"updated_at\":", VK_TIME, TS_MC_UPDATED_AT },
};

int
ts_message_scratch_init(struct ts_message_scratch *sc)
{
	sc->str = json_object_new_string("");
	sc->empty = json_object_new_string("");
	sc->num = json_object_new_int64(0);
	if (sc->str == NULL || sc->empty == NULL || sc->num == NULL) {
		ts_message_scratch_free(sc);
		return -1;
	}
	return 0;
}

void
ts_message_scratch_free(struct ts_message_scratch *sc)
{
	json_object_put(sc->str);
	json_object_put(sc->empty);
	json_object_put(sc->num);
	sc->str = sc->empty = sc->num = NULL;
}

/* Appends json-c's serialisation of v (NULL: null) to pb. */
static int
append_json(struct printbuf *pb, struct json_object *v, int flags)
{
	size_t len;
	const char *t = json_object_to_json_string_length(v, flags, &len);

	return t != NULL && len <= INT32_MAX && printbuf_memappend(pb, t, (int)len) >= 0 ? 0 : -1;
}

static int
append_raw(struct printbuf *pb, const char *s, size_t len)
{
	return len <= INT32_MAX && printbuf_memappend(pb, s, (int)len) >= 0 ? 0 : -1;
}

/*
 * A string value, escaped by json-c. The empty string has its own value:
 * json-c 0.16 loses the buffer of a string set to "" after a longer one
 * (it keeps the length's sign that says the buffer is its own).
 */
static int
append_str(struct printbuf *pb, struct ts_message_scratch *sc, const char *s, size_t len, int flags)
{
	if (len == 0)
		return append_json(pb, sc->empty, flags);
	if (len > INT32_MAX || json_object_set_string_len(sc->str, s, (int)len) == 0)
		return -1;
	return append_json(pb, sc->str, flags);
}

/*
 * Text from our own formatters that JSON needs no escape for (a UUID's hex
 * digits and hyphens, an ISO time's digits and "-:.TZ"), quoted as it is:
 * json-c's escaping pass would only copy it, character by character, and a
 * page has some hundred of them.
 */
static int
append_plain_string(struct printbuf *pb, const char *s, size_t len)
{
	char q[TS_ISO_LEN > TS_UUID_STR_LEN ? TS_ISO_LEN + 2 : TS_UUID_STR_LEN + 2];

	if (len + 2 > sizeof(q))
		return -1;
	q[0] = '"';
	memcpy(q + 1, s, len);
	q[len + 1] = '"';
	return append_raw(pb, q, len + 2);
}

/*
 * Whether the database's text of an integer column is already its JSON
 * number: 1 to 18 digits, no sign, no leading zero (what MariaDB sends for
 * the unsigned columns here). Anything else goes through json-c.
 */
static int
is_plain_decimal(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > 18 || (len > 1 && s[0] == '0'))
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* A nullable cell as a string, a number, a UUID or a time. */
static int
append_cell(struct printbuf *pb, struct ts_message_scratch *sc, enum view_kind kind,
    const struct ts_db_cell *c, int flags)
{
	char s[TS_ISO_LEN > TS_UUID_STR_LEN ? TS_ISO_LEN + 1 : TS_UUID_STR_LEN + 1];

	if (c->data == NULL)
		return append_raw(pb, "null", 4);
	switch (kind) {
	case VK_INT:
		if (is_plain_decimal(c->data, c->len))
			return append_raw(pb, c->data, c->len);
		if (json_object_set_int64(sc->num, strtoll(c->data, NULL, 10)) == 0)
			return -1;
		return append_json(pb, sc->num, flags);
	case VK_UUID:
		if (c->len != 16)
			return append_raw(pb, "null", 4);
		ts_uuid_format((const unsigned char *)c->data, s);
		return append_plain_string(pb, s, TS_UUID_STR_LEN);
	case VK_TIME:
		if (ts_time_db_to_iso(c->data, c->len, s) != 0)
			return append_raw(pb, "null", 4);
		return append_plain_string(pb, s, TS_ISO_LEN);
	default:
		return append_str(pb, sc, c->data, c->len, flags);
	}
}

/* A stored JSON text as it is (see stored_json); fallback when it is NULL. */
static int
append_stored(struct printbuf *pb, const struct ts_db_cell *c, const char *fallback, int flags)
{
	if (c->data != NULL)
		return append_raw(pb, c->data, c->len);
	return fallback != NULL ? append_raw(pb, fallback, strlen(fallback)) : append_json(pb, NULL, flags);
}

/*
 * content: without stored extras it is {"text":..., "citations":[],
 * "references":[], "is_error":false}; with them, the object
 * ts_message_content_json builds (which parses them), serialised by json-c.
 */
static int
append_content(struct printbuf *pb, struct ts_message_scratch *sc, const struct ts_db_cell *c, int flags)
{
	static const char tail[] = ",\"citations\":[],\"references\":[],\"is_error\":false}";
	const struct ts_db_cell *text = &c[TS_MC_TEXT];
	struct json_object *o;
	int rc;

	if (c[TS_MC_CONTENT_EXTRA].data == NULL)
		return append_raw(pb, "{\"text\":", 8) != 0 ||
		    append_str(pb, sc, text->data != NULL ? text->data : "", text->len, flags) != 0 ||
		    append_raw(pb, tail, sizeof(tail) - 1) != 0 ? -1 : 0;
	if ((o = ts_message_content_json(text, &c[TS_MC_CONTENT_EXTRA])) == NULL)
		return -1;
	rc = append_json(pb, o, flags);
	json_object_put(o);
	return rc;
}

static int
append_member(struct printbuf *pb, const struct ts_message_view *v, const struct view_member *m, int flags)
{
	static const struct ts_db_cell null_cell = { NULL, 0 };
	const struct ts_db_cell *c = &v->cells[m->col];
	const char *role;

	if (append_raw(pb, m->key, strlen(m->key)) != 0)
		return -1;
	switch (m->kind) {
	case VK_OBJECT_NAME:
		return append_str(pb, v->scratch, "thread.message", 14, flags);
	case VK_ROLE:
		role = ts_role_name((int)strtol(c->data, NULL, 10));
		return append_str(pb, v->scratch, role, strlen(role), flags);
	case VK_CONTENT:
		return append_content(pb, v->scratch, v->cells, flags);
	case VK_DETAILS:
		return append_stored(pb, v->with_details ? c : &null_cell, NULL, flags);
	case VK_STORED_OR_OBJECT:
		return append_stored(pb, c, "{}", flags);
	case VK_STORED_OR_ARRAY:
		return append_stored(pb, c, "[]", flags);
	case VK_STORED:
		return append_stored(pb, c, NULL, flags);
	default:
		return append_cell(pb, v->scratch, m->kind, c, flags);
	}
}

static int
view_to_json(struct json_object *jso, struct printbuf *pb, int level, int flags)
{
	const struct ts_message_view *v = json_object_get_userdata(jso);
	size_t i;

	(void)level;
	for (i = 0; i < sizeof(view_members) / sizeof(view_members[0]); i++)
		if (append_member(pb, v, &view_members[i], flags) != 0)
			return -1;
	return append_raw(pb, "}", 1);
}

struct json_object *
ts_message_view_json(struct ts_message_view *v)
{
	/* Its json-c type never shows (as for stored_json's nodes). */
	struct json_object *o = json_object_new_boolean(0);

	if (o != NULL)
		json_object_set_serializer(o, view_to_json, v, NULL);
	return o;
}

/*
 * Most bytes the §6.1 object of cells can take, without rendering it: every
 * cell escaped at worst (a control byte becomes six) plus the member names
 * and punctuation. Stored JSON texts are copied as they are, so this is
 * loose, but it settles almost every page without a second rendering.
 */
static size_t
view_size_bound(const struct ts_db_cell *c)
{
	size_t total = TS_MESSAGE_FIXED_BYTES;
	int i;

	for (i = 0; i < TS_MC__COUNT; i++)
		total += 6 * (size_t)c[i].len;
	return total;
}

/* The exact length of the view's serialisation (0 out of memory). */
static size_t
view_size(struct ts_message_view *v)
{
	struct printbuf *pb = printbuf_new();
	struct json_object *o = ts_message_view_json(v);
	size_t n = 0;

	if (pb != NULL && o != NULL && view_to_json(o, pb, 0,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE) == 0)
		n = (size_t)pb->bpos;
	json_object_put(o);
	if (pb != NULL)
		printbuf_free(pb);
	return n;
}

size_t
ts_message_size_within(const struct ts_db_cell *c, int with_details, struct ts_message_scratch *sc,
    size_t room)
{
	struct ts_message_view v;
	size_t bound = view_size_bound(c);

	if (bound <= room)
		return bound;
	v.cells = c;
	v.with_details = with_details;
	v.scratch = sc;
	return view_size(&v);
}

size_t
ts_message_page_fit(const struct ts_db_cell *const *page, size_t n, int with_details,
    struct ts_message_scratch *sc, size_t budget)
{
	size_t i, used = 0;

	for (i = 0; i < n; i++) {
		used += ts_message_size_within(page[i], with_details, sc, budget - (used < budget ? used : budget)) + 1;
		if (used > budget)
			return i > 0 ? i : 1;
	}
	return n;
}

struct json_object *
ts_message_id_json(const struct ts_db_cell *c)
{
	char s[TS_UUID_STR_LEN + 1];

	if (c[TS_MC_ID].data == NULL || c[TS_MC_ID].len != 16)
		return NULL;
	ts_uuid_format((const unsigned char *)c[TS_MC_ID].data, s);
	return json_object_new_string_len(s, TS_UUID_STR_LEN);
}

static void
cell_set(struct ts_db_cell *c, const void *data, size_t len)
{
	c->data = (char *)(uintptr_t)data;
	c->len = data != NULL ? (unsigned long)len : 0;
}

static void
cell_str(struct ts_db_cell *c, const char *s)
{
	cell_set(c, s, s != NULL ? strlen(s) : 0);
}

/* A number formatted into buf (at least 21 bytes); v < 0 is SQL NULL. */
static void
cell_int(struct ts_db_cell *c, char *buf, size_t size, long long v)
{
	if (v < 0) {
		cell_set(c, NULL, 0);
		return;
	}
	cell_set(c, buf, (size_t)snprintf(buf, size, "%lld", v));
}

void
ts_message_row_fill(struct ts_message_row *r, const unsigned char *tid, const unsigned char *id,
    long long seq, const char *now, const struct ts_message_input *in)
{
	static const enum ts_message_col str_cols[TS_MS__COUNT] = {
		TS_MC_RUN_ID, TS_MC_ASSISTANT_ID, TS_MC_MODEL, TS_MC_SOURCE,
		TS_MC_TOOL_CALL_ID, TS_MC_TOOL_NAME, TS_MC_COMPARISON_ID
	};
	static const enum ts_message_col int_cols[TS_MI__COUNT] = {
		TS_MC_TOKEN_COUNT, TS_MC_PROMPT_TOKENS, TS_MC_COMPLETION_TOKENS, TS_MC_LATENCY_MS
	};
	/* cppcheck-suppress ctuuninitvar ; r->cells is the address of the array
	 * this function fills, nothing is read from it */
	struct ts_db_cell *c = r->cells;
	size_t i;

	cell_set(&c[TS_MC_THREAD_ID], tid, 16);
	cell_int(&c[TS_MC_SEQ], r->seq, sizeof(r->seq), seq);
	cell_set(&c[TS_MC_ID], id, 16);
	cell_int(&c[TS_MC_ROLE], r->role, sizeof(r->role), in->role);
	cell_set(&c[TS_MC_TEXT], in->text, in->text_len);
	cell_str(&c[TS_MC_CONTENT_EXTRA], in->content_extra);
	cell_str(&c[TS_MC_DETAILS], in->details);
	cell_str(&c[TS_MC_METADATA], in->metadata);
	cell_str(&c[TS_MC_ATTACHMENTS], in->attachments);
	cell_set(&c[TS_MC_PARENT_ID], in->has_parent ? in->parent : NULL, 16);
	for (i = 0; i < TS_MS__COUNT; i++)
		cell_str(&c[str_cols[i]], in->strs[i]);
	cell_str(&c[TS_MC_TOOL_CALLS], in->tool_calls);
	for (i = 0; i < TS_MI__COUNT; i++)
		cell_int(&c[int_cols[i]], r->ints[i], sizeof(r->ints[i]), in->ints[i]);
	cell_set(&c[TS_MC_CREATED_AT], now, TS_DB_TIME_LEN);
	cell_set(&c[TS_MC_UPDATED_AT], now, TS_DB_TIME_LEN);
}

long long
ts_message_cost(const struct ts_db_rows *rows, size_t row)
{
	const struct ts_db_cell *c = &rows->cells[row * rows->ncols];

	if (c[TS_MC_TOKEN_COUNT].data != NULL)
		return strtoll(c[TS_MC_TOKEN_COUNT].data, NULL, 10);
	return (long long)((ts_utf8_count(c[TS_MC_TEXT].data, c[TS_MC_TEXT].len) + 3) / 4);
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
	    : parse_stored(stored_extra);
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
