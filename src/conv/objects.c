/*
 * Stored rows as OpenAI's Conversations objects: a thread as a
 * conversation, a message as an item. An item stored through
 * /v1/conversations comes back as it was given (TS_MC_ITEM) with its id;
 * a message written through /api or /v1/threads is rendered from its
 * columns as a message item.
 */
#include <stdlib.h>
#include <string.h>

#include "conv.h"
#include "message_json.h"
#include "roles.h"
#include "timefmt.h"

struct json_object *
ts_conv_object(const struct ts_db_rows *rows, size_t row)
{
	const struct ts_db_cell *c = &rows->cells[row * rows->ncols];
	char iso[TS_ISO_LEN + 1], id[TS_CONV_ID_LEN + 1];
	struct json_object *o, *metadata;

	if (c[TS_TC_ID].data == NULL || c[TS_TC_ID].len != 16 || c[TS_TC_CREATED_AT].data == NULL ||
	    ts_time_db_to_iso(c[TS_TC_CREATED_AT].data, c[TS_TC_CREATED_AT].len, iso) != 0)
		return NULL;
	if ((o = json_object_new_object()) == NULL)
		return NULL;
	ts_conv_id_format((const unsigned char *)c[TS_TC_ID].data, id);
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "object", json_object_new_string("conversation"));
	json_object_object_add(o, "created_at", json_object_new_int64(ts_time_unix_seconds(iso)));
	metadata = c[TS_TC_METADATA].data != NULL ? ts_stored_json(&c[TS_TC_METADATA]) : json_object_new_object();
	json_object_object_add(o, "metadata", metadata);
	return o;
}

/* A message written without an item: {type, role, content: [one text
 * part], status}; the assistant's text is output_text, as OpenAI's is. */
static struct json_object *
message_from_columns(const struct ts_db_cell *c)
{
	int role = (int)strtol(c[TS_MC_ROLE].data, NULL, 10);
	struct json_object *o = json_object_new_object(), *parts = json_object_new_array();
	struct json_object *part = json_object_new_object();

	if (o == NULL || parts == NULL || part == NULL) {
		json_object_put(o);
		json_object_put(parts);
		json_object_put(part);
		return NULL;
	}
	json_object_object_add(part, "type", json_object_new_string(
	    role == TS_ROLE_ASSISTANT ? "output_text" : "input_text"));
	json_object_object_add(part, "text", json_object_new_string_len(
	    c[TS_MC_TEXT].data != NULL ? c[TS_MC_TEXT].data : "", (int)c[TS_MC_TEXT].len));
	if (role == TS_ROLE_ASSISTANT) {
		json_object_object_add(part, "annotations", json_object_new_array());
		json_object_object_add(part, "logprobs", json_object_new_array());
	}
	json_object_array_add(parts, part);
	json_object_object_add(o, "type", json_object_new_string("message"));
	json_object_object_add(o, "status", json_object_new_string("completed"));
	json_object_object_add(o, "role", json_object_new_string(ts_role_name(role)));
	json_object_object_add(o, "content", parts);
	return o;
}

struct json_object *
ts_conv_item_object(const struct ts_db_cell *c, unsigned include)
{
	struct json_object *stored, *o, *v;
	char id[TS_CONV_ITEM_ID_LEN + 1];
	const char *type;

	stored = c[TS_MC_ITEM].data != NULL ? ts_stored_parse(&c[TS_MC_ITEM]) : message_from_columns(c);
	if (stored == NULL || c[TS_MC_ID].data == NULL || c[TS_MC_ID].len != 16 ||
	    (o = json_object_new_object()) == NULL) {
		json_object_put(stored);
		return NULL;
	}
	type = json_object_object_get_ex(stored, "type", &v) ? json_object_get_string(v) : "message";
	/* The id first, as OpenAI writes it: the client's own, else ours. */
	if (json_object_object_get_ex(stored, "id", &v) && v != NULL) {
		json_object_object_add(o, "id", json_object_get(v));
	} else {
		ts_conv_item_id_format(type, (const unsigned char *)c[TS_MC_ID].data, id);
		json_object_object_add(o, "id", json_object_new_string(id));
	}
	json_object_object_foreach(stored, key, val) {
		if (strcmp(key, "id") == 0)
			continue;
		/* Returned only when asked for, as OpenAI does. */
		if (strcmp(key, "encrypted_content") == 0 && strcmp(type, "reasoning") == 0 &&
		    !(include & TS_CONV_INCLUDE_ENCRYPTED_REASONING))
			continue;
		json_object_object_add(o, key, json_object_get(val));
	}
	json_object_put(stored);
	return o;
}

/* The "id" of item i of data, a new reference; NULL when data is empty. */
static struct json_object *
id_of(struct json_object *data, size_t i)
{
	struct json_object *v = NULL;

	if (i >= json_object_array_length(data))
		return NULL;
	json_object_object_get_ex(json_object_array_get_idx(data, i), "id", &v);
	return json_object_get(v);
}

struct json_object *
ts_conv_list_of(struct json_object *data, struct json_object *first_id, struct json_object *last_id, int has_more)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL) {
		json_object_put(data);
		json_object_put(first_id);
		json_object_put(last_id);
		return NULL;
	}
	json_object_object_add(o, "object", json_object_new_string("list"));
	json_object_object_add(o, "data", data);
	json_object_object_add(o, "first_id", first_id);
	json_object_object_add(o, "last_id", last_id);
	json_object_object_add(o, "has_more", json_object_new_boolean(has_more));
	return o;
}

struct json_object *
ts_conv_list_object(struct json_object *data, int has_more)
{
	size_t n = json_object_array_length(data);

	return ts_conv_list_of(data, id_of(data, 0), n > 0 ? id_of(data, n - 1) : NULL, has_more);
}
