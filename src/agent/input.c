/*
 * The agent platform's requests as the operations' typed input. A create
 * body is the /api body under other names: it is renamed (one table,
 * `renames`, read both ways) and handed to /api's own parser
 * (ts_message_parse), so every rule on a message (roles, lengths,
 * metadata, integers, parents) is the one /api applies, and a 422 names
 * the field as the client sent it. What only the platform has is checked
 * here: content a string (or null), and the body's copies of the path.
 */
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "ids.h"
#include "params.h"
#include "query.h"
#include "validate.h"

/* The platform's names for /api's fields (API reference: tag agent). */
static const struct {
	const char *agent, *api;
} renames[] = {
	{ "execution_id", "run_id" },
	{ "endpoint_id", "assistant_id" },
	{ "augmentation_id", "comparison_id" },
	{ "artifacts", "attachments" },
};
#define NRENAMES (sizeof(renames) / sizeof(renames[0]))

/* The fields of a create body: the path's copies first (kept out of the
 * /api body), then the message. */
static const char *const echo_fields[] = { "workspace_id", "app_id", "namespace_id", "thread_id", NULL };
static const char *const create_fields[] = {
	"workspace_id", "app_id", "namespace_id", "thread_id",
	"message_id", "role", "content", "source", "execution_id", "augmentation_id", "endpoint_id", "model",
	"token_count", "prompt_tokens", "completion_tokens", "tool_call_id", "tool_calls", "tool_name",
	"artifacts", "metadata", "parent_message_id", NULL
};

const char *
ts_agent_field_name(const char *api_name)
{
	size_t i;

	for (i = 0; i < NRENAMES; i++)
		if (strcmp(api_name, renames[i].api) == 0)
			return renames[i].agent;
	return api_name;
}

static const char *
api_name(const char *agent_name)
{
	size_t i;

	for (i = 0; i < NRENAMES; i++)
		if (strcmp(agent_name, renames[i].agent) == 0)
			return renames[i].api;
	return agent_name;
}

static int
is_echo(const char *key)
{
	size_t i;

	for (i = 0; echo_fields[i] != NULL; i++)
		if (strcmp(key, echo_fields[i]) == 0)
			return 1;
	return 0;
}

/* A copy of a path name in the body: absent, null, or the path's value.
 * want NULL: the path has none (app_id on the routes without an app), so
 * only null may be sent. */
static int
check_echo(struct ts_problem *p, struct json_object *body, const char *field, const char *want)
{
	const char *loc[] = { "body", field, NULL };
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(body, field, &v) || v == NULL)
		return 0;
	if (want != NULL && json_object_is_type(v, json_type_string) && strcmp(json_object_get_string(v), want) == 0)
		return 0;
	return ts_problem_invalid(p, loc,
	    want != NULL ? "must equal the path's value" : "must be null on a path without an app",
	    "value");
}

/* thread_id in the body: absent, null, or the path's thread (any case). */
static int
check_thread(struct ts_problem *p, struct json_object *body, const unsigned char *tid)
{
	static const char *const loc[] = { "body", "thread_id", NULL };
	struct json_object *v = NULL;
	uuid_t u;

	if (!json_object_object_get_ex(body, "thread_id", &v) || v == NULL)
		return 0;
	if (json_object_is_type(v, json_type_string) && ts_uuid_parse(json_object_get_string(v), u) == 0 &&
	    memcmp(u, tid, sizeof(uuid_t)) == 0)
		return 0;
	return ts_problem_invalid(p, loc, "must equal the path's value", "value");
}

static int
check_echoes(struct ts_problem *p, struct json_object *body, const struct ts_agent_path *path,
    const unsigned char *tid)
{
	if (check_echo(p, body, "workspace_id", path->workspace) != 0 || check_echo(p, body, "app_id",
	    path->app) != 0 ||
	    check_echo(p, body, "namespace_id", path->namespace_id) != 0)
		return -1;
	return check_thread(p, body, tid);
}

/* The /api body for a checked create body: renamed, content null as "". */
static struct json_object *
api_body(struct json_object *body)
{
	struct json_object *api = json_object_new_object(), *v;

	if (api == NULL)
		return NULL;
	json_object_object_foreach(body, key, val) {
		if (is_echo(key))
			continue;
		v = strcmp(key, "content") == 0 && val == NULL ? json_object_new_string("") : json_object_get(val);
		if (json_object_object_add(api, api_name(key), v) != 0) {
			json_object_put(v);
			json_object_put(api);
			return NULL;
		}
	}
	return api;
}

/* A 422 from /api's parser at ["body", <api name>, ...] names the field
 * as the platform does. */
static void
rename_loc(struct ts_problem *p)
{
	struct json_object *name;
	const char *agent;

	if (p->error != TS_E_VALIDATION || p->loc == NULL || json_object_array_length(p->loc) < 2)
		return;
	name = json_object_array_get_idx(p->loc, 1);
	if (!json_object_is_type(name, json_type_string))
		return;
	agent = ts_agent_field_name(json_object_get_string(name));
	if (agent != json_object_get_string(name))
		json_object_array_put_idx(p->loc, 1, json_object_new_string(agent));
}

int
ts_agent_parse_create(struct ts_problem *p, struct json_object *body, const struct ts_json_flaws *flaws,
    const struct ts_agent_path *path, const unsigned char *tid, struct ts_message_input *in,
    struct json_object **api)
{
	static const char *const loc[] = { "body", "content", NULL };
	struct json_object *v = NULL;

	*api = NULL;
	if (ts_message_input_init(p, in) != 0 || ts_v_body(p, body, flaws) != 0 ||
	    ts_v_known_fields(p, body, create_fields) != 0 || check_echoes(p, body, path, tid) != 0)
		return -1;
	/* The platform's content is text; /api's object form is not its. */
	if (json_object_object_get_ex(body, "content", &v) && v != NULL && !json_object_is_type(v, json_type_string))
		return ts_problem_invalid(p, loc, "must be a string", "type");
	if ((*api = api_body(body)) == NULL)
		return ts_problem_set(p, TS_E_INTERNAL, NULL);
	ts_message_input_free(in);
	if (ts_message_parse(p, *api, in) != 0) {
		rename_loc(p);
		return -1;
	}
	return 0;
}

int
ts_agent_parse_list(struct ts_problem *p, const char *query, struct ts_message_query *q)
{
	static const char *const bools[] = { "false", "true", NULL };
	int ascending = 1, rc;

	q->limit = TS_AGENT_DEFAULT_PAGE_LIMIT;
	q->with_details = 0;    /* the platform's message has no details */
	if (ts_q_enum(p, query, "ascending", bools, &ascending) < 0 ||
	    ts_q_int(p, query, "limit", 1, TS_MAX_PAGE_LIMIT, &q->limit) < 0 ||
	    (rc = ts_q_uuid(p, query, "cursor", q->after)) < 0)
		return -1;
	q->order = ascending ? TS_ORDER_ASC : TS_ORDER_DESC;
	q->has_after = rc == 1;
	q->after_param = "cursor";
	return 0;
}

/* An optional integer member in [min, max]: 0 (absent or null: *out
 * unchanged), or -1 with a 422. */
static int
int_member(struct ts_problem *p, struct json_object *body, const char *field, long long min, long long max,
    const char *msg, long long *out)
{
	const char *loc[] = { "body", field, NULL };
	struct json_object *v = NULL;
	long long n;

	if (!json_object_object_get_ex(body, field, &v) || v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_int) || (n = json_object_get_int64(v)) < min || n > max)
		return ts_problem_invalid(p, loc, msg, "range");
	*out = n;
	return 0;
}

int
ts_agent_parse_context(struct ts_problem *p, struct json_object *body, const struct ts_json_flaws *flaws,
    const struct ts_agent_path *path, const unsigned char *tid, struct ts_context_query *q)
{
	static const char *const fields[] = { "workspace_id", "app_id", "namespace_id", "thread_id", "max_tokens",
	    "max_messages", "include_system", NULL };
	static const char *const loc_sys[] = { "body", "include_system", NULL };
	struct json_object *v = NULL;

	/* No budget asked: every message up to max_messages (the ceilings). */
	q->max_tokens = TS_MAX_CONTEXT_TOKENS;
	q->max_messages = TS_DEFAULT_CONTEXT_MESSAGES;
	q->include_system = 1;
	if (body == NULL)
		return 0;
	if (ts_v_body(p, body, flaws) != 0 || ts_v_known_fields(p, body, fields) != 0 ||
	    check_echoes(p, body, path, tid) != 0 ||
	    int_member(p, body, "max_tokens", 1, TS_MAX_CONTEXT_TOKENS,
	    "must be an integer from 1 to " TS_STR(TS_MAX_CONTEXT_TOKENS), &q->max_tokens) != 0 ||
	    int_member(p, body, "max_messages", 1, TS_MAX_CONTEXT_MESSAGES,
	    "must be an integer from 1 to " TS_STR(TS_MAX_CONTEXT_MESSAGES), &q->max_messages) != 0)
		return -1;
	if (json_object_object_get_ex(body, "include_system", &v) && v != NULL) {
		if (!json_object_is_type(v, json_type_boolean))
			return ts_problem_invalid(p, loc_sys, "must be a boolean", "type");
		q->include_system = json_object_get_boolean(v);
	}
	return 0;
}

int
ts_agent_parse_timestamp(struct ts_problem *p, const char *query, char out[TS_DB_TIME_LEN + 1])
{
	static const char *const loc[] = { "query", "timestamp", NULL };
	char *v = NULL;
	int rc;

	/* 64 code points: any RFC 3339 text is shorter. */
	if ((rc = ts_q_string(p, query, "timestamp", 64, &v)) <= 0)
		return rc;
	rc = ts_time_parse_rfc3339(v, 0, out);
	free(v);
	if (rc != 0)
		return ts_problem_invalid(p, loc, "must be an ISO 8601 timestamp", "datetime");
	return 1;
}
