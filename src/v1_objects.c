/*
 * The /api objects (§5, §6.1, §6.3) reshaped into OpenAI's (§10): unix-second
 * timestamps, content as a parts array, the list envelope without
 * next_cursor and total. The input is the /api handler's JSON, parsed back,
 * so /v1 follows whatever /api renders without knowing how it is built.
 */
#include "timefmt.h"
#include "v1.h"

/* A copy of api[key] (a new reference), or NULL when absent or null. */
static struct json_object *
field(struct json_object *api, const char *key)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(api, key, &v);
	return json_object_get(v);
}

/* api[key] as unix seconds; -1 when it is missing or not a timestamp. */
static long long
seconds_of(struct json_object *api, const char *key)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(api, key, &v);
	/* Milliseconds are dropped: OpenAI's created_at is whole seconds. */
	return json_object_is_type(v, json_type_string) ? ts_time_unix_seconds(json_object_get_string(v)) : -1;
}

struct json_object *
ts_v1_thread_object(struct json_object *api)
{
	struct json_object *o;
	long long created = seconds_of(api, "created_at");

	if (created < 0 || (o = json_object_new_object()) == NULL)
		return NULL;
	json_object_object_add(o, "id", field(api, "id"));
	json_object_object_add(o, "object", json_object_new_string("thread"));
	json_object_object_add(o, "created_at", json_object_new_int64(created));
	json_object_object_add(o, "metadata", field(api, "metadata"));
	/* Not stored (§11): always the empty object OpenAI shows for none. */
	json_object_object_add(o, "tool_resources", json_object_new_object());
	return o;
}

/* [{"type": "text", "text": {"value": <content.text>, "annotations": []}}] */
static struct json_object *
content_parts(struct json_object *api)
{
	struct json_object *content = NULL, *text = NULL, *parts, *part, *inner;

	if (!json_object_object_get_ex(api, "content", &content) ||
	    !json_object_object_get_ex(content, "text", &text))
		return NULL;
	parts = json_object_new_array();
	part = json_object_new_object();
	inner = json_object_new_object();
	if (parts == NULL || part == NULL || inner == NULL) {
		json_object_put(parts);
		json_object_put(part);
		json_object_put(inner);
		return NULL;
	}
	json_object_object_add(inner, "value", json_object_get(text));
	json_object_object_add(inner, "annotations", json_object_new_array());
	json_object_object_add(part, "type", json_object_new_string("text"));
	json_object_object_add(part, "text", inner);
	json_object_array_add(parts, part);
	return parts;
}

struct json_object *
ts_v1_message_object(struct json_object *api)
{
	struct json_object *o, *parts;
	long long created = seconds_of(api, "created_at");

	if (created < 0 || (parts = content_parts(api)) == NULL)
		return NULL;
	if ((o = json_object_new_object()) == NULL) {
		json_object_put(parts);
		return NULL;
	}
	json_object_object_add(o, "id", field(api, "id"));
	json_object_object_add(o, "object", json_object_new_string("thread.message"));
	json_object_object_add(o, "created_at", json_object_new_int64(created));
	json_object_object_add(o, "thread_id", field(api, "thread_id"));
	/* Stored messages are whole: nothing is ever in progress here. */
	json_object_object_add(o, "status", json_object_new_string("completed"));
	json_object_object_add(o, "incomplete_details", NULL);
	json_object_object_add(o, "completed_at", json_object_new_int64(created));
	json_object_object_add(o, "incomplete_at", NULL);
	json_object_object_add(o, "role", field(api, "role"));
	json_object_object_add(o, "content", parts);
	json_object_object_add(o, "assistant_id", field(api, "assistant_id"));
	json_object_object_add(o, "run_id", field(api, "run_id"));
	json_object_object_add(o, "attachments", field(api, "attachments"));
	json_object_object_add(o, "metadata", field(api, "metadata"));
	return o;
}

struct json_object *
ts_v1_message_list(struct json_object *api)
{
	struct json_object *data = NULL, *out, *list, *item;
	size_t i, n;

	if (!json_object_object_get_ex(api, "data", &data) || !json_object_is_type(data, json_type_array))
		return NULL;
	n = json_object_array_length(data);
	out = json_object_new_array_ext((int)n);
	list = json_object_new_object();
	for (i = 0; out != NULL && list != NULL && i < n; i++) {
		if ((item = ts_v1_message_object(json_object_array_get_idx(data, i))) == NULL)
			break;
		json_object_array_add(out, item);
	}
	if (out == NULL || list == NULL || i < n) {
		json_object_put(out);
		json_object_put(list);
		return NULL;
	}
	json_object_object_add(list, "object", json_object_new_string("list"));
	json_object_object_add(list, "data", out);
	/* The /api envelope's ids and has_more already mean what OpenAI's do,
	 * on before pages too (§6.3, §11). */
	json_object_object_add(list, "first_id", field(api, "first_id"));
	json_object_object_add(list, "last_id", field(api, "last_id"));
	json_object_object_add(list, "has_more", field(api, "has_more"));
	return list;
}
