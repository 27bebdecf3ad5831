/* Stored message rows as json-c objects (API reference: schema Message):
 * for a message answered alone, and the renderer the page view is tested against. */
#include <stdlib.h>
#include <string.h>

#include "ids.h"
#include "json_out.h"
#include "message_json.h"
#include "roles.h"
#include "timefmt.h"


struct json_object *
ts_stored_parse(const struct ts_db_cell *c)
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

struct json_object *
ts_message_content_json(const struct ts_db_cell *text, const struct ts_db_cell *extra)
{
	struct json_object *o = json_object_new_object(), *x = ts_stored_parse(extra), *v;

	if (o == NULL) {
		json_object_put(x);
		return NULL;
	}
	ts_json_put_new(o, "text", json_object_new_string_len(text->data != NULL ? text->data : "", (int)text->len));
	ts_json_put_new(o, "citations", json_object_object_get_ex(x, "citations", &v) && v != NULL
	    ? json_object_get(v) : json_object_new_array());
	ts_json_put_new(o, "references", json_object_object_get_ex(x, "references", &v) && v != NULL
	    ? json_object_get(v) : json_object_new_array());
	ts_json_put_new(o, "is_error", json_object_new_boolean(
	    json_object_object_get_ex(x, "is_error", &v) && json_object_get_boolean(v)));
	json_object_put(x);
	return o;
}

static void
add_uuid(struct json_object *o, const char *key, const struct ts_db_cell *c)
{
	char s[TS_UUID_STR_LEN + 1];

	if (c->data == NULL || c->len != 16) {
		ts_json_put_new(o, key, NULL);
		return;
	}
	ts_uuid_format((const unsigned char *)c->data, s);
	ts_json_put_new(o, key, json_object_new_string_len(s, TS_UUID_STR_LEN));
}

static void
add_time(struct json_object *o, const char *key, const struct ts_db_cell *c)
{
	char iso[TS_ISO_LEN + 1];

	ts_json_put_new(o, key, c->data != NULL && ts_time_db_to_iso(c->data, c->len, iso) == 0
	    ? json_object_new_string_len(iso, TS_ISO_LEN) : NULL);
}

static void
add_str(struct json_object *o, const char *key, const struct ts_db_cell *c)
{
	ts_json_put_new(o, key, c->data != NULL ? json_object_new_string_len(c->data, (int)c->len) : NULL);
}

static void
add_int(struct json_object *o, const char *key, const struct ts_db_cell *c)
{
	ts_json_put_new(o, key, c->data != NULL ? json_object_new_int64(strtoll(c->data, NULL, 10)) : NULL);
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
	ts_json_put_new(o, "object", json_object_new_string("thread.message"));
	add_uuid(o, "thread_id", &c[TS_MC_THREAD_ID]);
	add_int(o, "seq", &c[TS_MC_SEQ]);
	ts_json_put_new(o, "role", json_object_new_string(ts_role_name((int)strtol(c[TS_MC_ROLE].data, NULL, 10))));
	ts_json_put_new(o, "content", ts_message_content_json(&c[TS_MC_TEXT], &c[TS_MC_CONTENT_EXTRA]));
	ts_json_put_new(o, "details", with_details ? stored_json(&c[TS_MC_DETAILS]) : NULL);
	v = stored_json(&c[TS_MC_METADATA]);
	ts_json_put_new(o, "metadata", v != NULL ? v : json_object_new_object());
	v = stored_json(&c[TS_MC_ATTACHMENTS]);
	ts_json_put_new(o, "attachments", v != NULL ? v : json_object_new_array());
	add_uuid(o, "parent_message_id", &c[TS_MC_PARENT_ID]);
	add_str(o, "run_id", &c[TS_MC_RUN_ID]);
	add_str(o, "assistant_id", &c[TS_MC_ASSISTANT_ID]);
	add_str(o, "model", &c[TS_MC_MODEL]);
	add_str(o, "source", &c[TS_MC_SOURCE]);
	add_str(o, "tool_call_id", &c[TS_MC_TOOL_CALL_ID]);
	add_str(o, "tool_name", &c[TS_MC_TOOL_NAME]);
	ts_json_put_new(o, "tool_calls", stored_json(&c[TS_MC_TOOL_CALLS]));
	add_int(o, "token_count", &c[TS_MC_TOKEN_COUNT]);
	add_int(o, "prompt_tokens", &c[TS_MC_PROMPT_TOKENS]);
	add_int(o, "completion_tokens", &c[TS_MC_COMPLETION_TOKENS]);
	add_int(o, "latency_ms", &c[TS_MC_LATENCY_MS]);
	add_str(o, "comparison_id", &c[TS_MC_COMPARISON_ID]);
	add_time(o, "created_at", &c[TS_MC_CREATED_AT]);
	add_time(o, "updated_at", &c[TS_MC_UPDATED_AT]);
	return o;
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
