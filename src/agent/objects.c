/*
 * Stored rows as the agent platform's objects: a message with its path's
 * workspace, app and namespace, /api's columns under the platform's names
 * (the same table as the parser's, ts_agent_field_name), the list
 * envelope with total and next_cursor, and a message as a model's context.
 */
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "cell_json.h"
#include "ids.h"
#include "message_json.h"
#include "roles.h"
#include "timefmt.h"

static struct json_object *
time_or_null(const struct ts_db_cell *c)
{
	char iso[TS_ISO_LEN + 1];

	if (c->data == NULL || ts_time_db_to_iso(c->data, c->len, iso) != 0)
		return NULL;
	return json_object_new_string(iso);
}

/* A stored JSON text, or fallback (a new empty container, or NULL: null). */
static struct json_object *
stored_or(const struct ts_db_cell *c, struct json_object *fallback)
{
	if (c->data == NULL)
		return fallback;
	json_object_put(fallback);
	return ts_stored_json(c);
}

static int
role_of(const struct ts_db_cell *c)
{
	return (int)strtol(c[TS_MC_ROLE].data != NULL ? c[TS_MC_ROLE].data : "0", NULL, 10);
}

static struct json_object *
text_of(const struct ts_db_cell *c)
{
	return json_object_new_string_len(c[TS_MC_TEXT].data != NULL ? c[TS_MC_TEXT].data : "", (int)c[TS_MC_TEXT].len);
}

/* Adds the column of an /api field under the platform's name for it. */
static void
add_column(struct json_object *o, const char *api_name, struct json_object *v)
{
	json_object_object_add(o, ts_agent_field_name(api_name), v);
}

struct json_object *
ts_agent_message_object(const struct ts_db_cell *c, const struct ts_agent_path *path)
{
	struct json_object *o;

	if (c[TS_MC_ID].data == NULL || (o = json_object_new_object()) == NULL)
		return NULL;
	json_object_object_add(o, "message_id", ts_cell_uuid_json(&c[TS_MC_ID]));
	json_object_object_add(o, "thread_id", ts_cell_uuid_json(&c[TS_MC_THREAD_ID]));
	/* The thread is in the path's namespace (the call is bound to it). */
	json_object_object_add(o, "workspace_id", json_object_new_string(path->workspace));
	json_object_object_add(o, "app_id", path->app != NULL ? json_object_new_string(path->app) : NULL);
	json_object_object_add(o, "namespace_id", json_object_new_string(path->namespace_id));
	json_object_object_add(o, "role", json_object_new_string(ts_role_name(role_of(c))));
	json_object_object_add(o, "content", text_of(c));
	add_column(o, "source", ts_cell_string_json(&c[TS_MC_SOURCE]));
	add_column(o, "run_id", ts_cell_string_json(&c[TS_MC_RUN_ID]));
	add_column(o, "comparison_id", ts_cell_string_json(&c[TS_MC_COMPARISON_ID]));
	add_column(o, "assistant_id", ts_cell_string_json(&c[TS_MC_ASSISTANT_ID]));
	add_column(o, "model", ts_cell_string_json(&c[TS_MC_MODEL]));
	add_column(o, "token_count", ts_cell_int_json(&c[TS_MC_TOKEN_COUNT]));
	add_column(o, "prompt_tokens", ts_cell_int_json(&c[TS_MC_PROMPT_TOKENS]));
	add_column(o, "completion_tokens", ts_cell_int_json(&c[TS_MC_COMPLETION_TOKENS]));
	add_column(o, "tool_call_id", ts_cell_string_json(&c[TS_MC_TOOL_CALL_ID]));
	add_column(o, "tool_calls", stored_or(&c[TS_MC_TOOL_CALLS], NULL));
	add_column(o, "tool_name", ts_cell_string_json(&c[TS_MC_TOOL_NAME]));
	add_column(o, "attachments", stored_or(&c[TS_MC_ATTACHMENTS], json_object_new_array()));
	add_column(o, "metadata", stored_or(&c[TS_MC_METADATA], json_object_new_object()));
	add_column(o, "parent_message_id", ts_cell_uuid_json(&c[TS_MC_PARENT_ID]));
	json_object_object_add(o, "created_at", time_or_null(&c[TS_MC_CREATED_AT]));
	return o;
}

struct json_object *
ts_agent_context_message(const struct ts_db_cell *c)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL)
		return NULL;
	json_object_object_add(o, "role", json_object_new_string(ts_role_name(role_of(c))));
	json_object_object_add(o, "content", text_of(c));
	if (c[TS_MC_TOOL_CALLS].data != NULL)
		json_object_object_add(o, "tool_calls", ts_stored_json(&c[TS_MC_TOOL_CALLS]));
	if (c[TS_MC_TOOL_CALL_ID].data != NULL)
		json_object_object_add(o, "tool_call_id", ts_cell_string_json(&c[TS_MC_TOOL_CALL_ID]));
	return o;
}

struct json_object *
ts_agent_list_object(struct json_object *messages, long long total, int has_more, struct json_object *last_id)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL) {
		json_object_put(messages);
		json_object_put(last_id);
		return NULL;
	}
	if (!has_more) {
		json_object_put(last_id);
		last_id = NULL;
	}
	json_object_object_add(o, "total", total >= 0 ? json_object_new_int64(total) : NULL);
	json_object_object_add(o, "has_more", json_object_new_boolean(has_more));
	json_object_object_add(o, "next_cursor", last_id);
	json_object_object_add(o, "messages", messages);
	return o;
}
