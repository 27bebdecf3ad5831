/*
 * Stored rows as OpenAI's objects (API reference: Objects): unix-second
 * timestamps, content as a parts array, the list envelope without
 * next_cursor and total. The stored JSON texts (metadata, attachments) are
 * copied in as they are.
 */
#include <string.h>

#include "cell_json.h"
#include "ids.h"
#include "message_json.h"
#include "roles.h"
#include "timefmt.h"
#include "v1.h"

/* A stored JSON text, or fallback (a new empty object or array) for none. */
static struct json_object *
stored_or(const struct ts_db_cell *c, struct json_object *fallback)
{
	if (c->data == NULL)
		return fallback;
	json_object_put(fallback);
	return ts_stored_json(c);
}

struct json_object *
ts_v1_thread_object(const struct ts_db_rows *rows, size_t row)
{
	const struct ts_db_cell *c = &rows->cells[row * rows->ncols];
	long long created = ts_cell_unix_seconds(&c[TS_TC_CREATED_AT]);
	struct json_object *o;

	if (created < 0 || (o = json_object_new_object()) == NULL)
		return NULL;
	json_object_object_add(o, "id", ts_cell_uuid_json(&c[TS_TC_ID]));
	json_object_object_add(o, "object", json_object_new_string("thread"));
	json_object_object_add(o, "created_at", json_object_new_int64(created));
	json_object_object_add(o, "metadata", stored_or(&c[TS_TC_METADATA], json_object_new_object()));
	/* Not stored: always the empty object OpenAI shows for none
	 * (API reference: Objects). */
	json_object_object_add(o, "tool_resources", json_object_new_object());
	return o;
}

/* [{"type": "text", "text": {"value": <the text>, "annotations": []}}] */
static struct json_object *
content_parts(const struct ts_db_cell *text)
{
	struct json_object *parts = json_object_new_array(), *part = json_object_new_object();
	struct json_object *inner = json_object_new_object();

	if (parts == NULL || part == NULL || inner == NULL) {
		json_object_put(parts);
		json_object_put(part);
		json_object_put(inner);
		return NULL;
	}
	json_object_object_add(inner, "value",
	    json_object_new_string_len(text->data != NULL ? text->data : "", (int)text->len));
	json_object_object_add(inner, "annotations", json_object_new_array());
	json_object_object_add(part, "type", json_object_new_string("text"));
	json_object_object_add(part, "text", inner);
	json_object_array_add(parts, part);
	return parts;
}

struct json_object *
ts_v1_message_object(const struct ts_db_cell *c)
{
	struct json_object *o, *parts;
	long long created = ts_cell_unix_seconds(&c[TS_MC_CREATED_AT]);

	if (created < 0 || (parts = content_parts(&c[TS_MC_TEXT])) == NULL)
		return NULL;
	if ((o = json_object_new_object()) == NULL) {
		json_object_put(parts);
		return NULL;
	}
	json_object_object_add(o, "id", ts_cell_uuid_json(&c[TS_MC_ID]));
	json_object_object_add(o, "object", json_object_new_string("thread.message"));
	json_object_object_add(o, "created_at", json_object_new_int64(created));
	json_object_object_add(o, "thread_id", ts_cell_uuid_json(&c[TS_MC_THREAD_ID]));
	/* Stored messages are whole: nothing is ever in progress here. */
	json_object_object_add(o, "status", json_object_new_string("completed"));
	json_object_object_add(o, "incomplete_details", NULL);
	json_object_object_add(o, "completed_at", json_object_new_int64(created));
	json_object_object_add(o, "incomplete_at", NULL);
	json_object_object_add(o, "role", json_object_new_string(ts_role_name((int)strtol(
	    c[TS_MC_ROLE].data != NULL ? c[TS_MC_ROLE].data : "0", NULL, 10))));
	json_object_object_add(o, "content", parts);
	json_object_object_add(o, "assistant_id", ts_cell_string_json(&c[TS_MC_ASSISTANT_ID]));
	json_object_object_add(o, "run_id", ts_cell_string_json(&c[TS_MC_RUN_ID]));
	json_object_object_add(o, "attachments", stored_or(&c[TS_MC_ATTACHMENTS], json_object_new_array()));
	json_object_object_add(o, "metadata", stored_or(&c[TS_MC_METADATA], json_object_new_object()));
	return o;
}

struct json_object *
ts_v1_message_list(const struct ts_db_cell *const *cells, size_t n, int has_more)
{
	struct json_object *data = json_object_new_array_ext((int)n), *list = json_object_new_object(), *item;
	size_t i;

	for (i = 0; data != NULL && list != NULL && i < n; i++) {
		if ((item = ts_v1_message_object(cells[i])) == NULL)
			break;
		json_object_array_add(data, item);
	}
	if (data == NULL || list == NULL || i < n) {
		json_object_put(data);
		json_object_put(list);
		return NULL;
	}
	json_object_object_add(list, "object", json_object_new_string("list"));
	json_object_object_add(list, "data", data);
	json_object_object_add(list, "first_id", n > 0 ? ts_cell_uuid_json(&cells[0][TS_MC_ID]) : NULL);
	json_object_object_add(list, "last_id", n > 0 ? ts_cell_uuid_json(&cells[n - 1][TS_MC_ID]) : NULL);
	json_object_object_add(list, "has_more", json_object_new_boolean(has_more));
	return list;
}

struct json_object *
ts_v1_deleted(const unsigned char *id, const char *object)
{
	struct json_object *o = json_object_new_object();
	char s[TS_UUID_STR_LEN + 1];

	if (o == NULL)
		return NULL;
	ts_uuid_format(id, s);
	json_object_object_add(o, "id", json_object_new_string(s));
	json_object_object_add(o, "object", json_object_new_string(object));
	json_object_object_add(o, "deleted", json_object_new_boolean(1));
	return o;
}
