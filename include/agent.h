/*
 * The agent platform's thread messages under
 * /v1/orgs/{org_id}/workspaces/{workspace_id}[/apps/{app_id}]/namespaces/
 * {namespace_id}/threads/{thread_id}/messages: list, create, clear, the
 * context, delete one, over the same operations as /api (message_ops.h).
 * The path's org, workspace, app and namespace name one threadstore
 * namespace (src/agent/path.c); the call is bound to it, so a thread
 * outside it is not found. A handler parses the request
 * (src/agent/input.c), calls the operation and renders the stored rows as
 * the platform's objects (src/agent/objects.c); errors are FastAPI's
 * {"detail": ...} (src/agent/errors.c). docs/design.md ("The agent
 * platform surface") has the design in prose.
 */
#ifndef TS_AGENT_H
#define TS_AGENT_H

#include <json-c/json.h>
#include <uuid/uuid.h>

#include "app.h"
#include "ts_limits.h"
#include "message_input.h"
#include "message_ops.h"
#include "timefmt.h"

/* The route handlers (src/agent/messages.c), each for both path forms. */
void ts_agent_messages_list(struct ts_ctx *ctx);
void ts_agent_message_create(struct ts_ctx *ctx);
void ts_agent_messages_clear(struct ts_ctx *ctx);
void ts_agent_messages_context(struct ts_ctx *ctx);
void ts_agent_message_delete(struct ts_ctx *ctx);

extern const struct ts_surface ts_agent_surface;

/* Whether a routed path is under /v1/orgs. */
int ts_agent_path(const char *path);

/* ---- src/agent/path.c: the path's names and ids. */

/* The namespace the four names make: "org/ws/app/ns", or "org/ws/ns"
 * without an app; at most 4 ids and 3 separators. */
#define TS_AGENT_NAMESPACE_LEN (4 * TS_AGENT_MAX_ID_BYTES + 3)

/* Where a route's placeholders are (the app is NULL on the routes without
 * one); the names point into the match. */
struct ts_agent_path {
	const char *org, *workspace, *app, *namespace_id;
	size_t thread_idx;              /* the placeholder of {thread_id} */
	size_t message_idx;             /* of {message_id}; 0: none */
	char namespace_[TS_AGENT_NAMESPACE_LEN + 1];
};

/*
 * The placeholders of a match on one of the surface's routes (with_app:
 * the route has /apps/{app_id}). 0, or -1 when a name is not 1 to
 * TS_AGENT_MAX_ID_BYTES of TS_AGENT_ID_CHARS, or there are too few.
 */
int ts_agent_path_parse(const char *const *params, size_t nparams, int with_app, struct ts_agent_path *out);

/* The same for a routed match (with_app from its route's pattern). */
int ts_agent_path_of(const struct ts_match *m, struct ts_agent_path *out);

/* The surface's path_ids: the names checked, {thread_id} and
 * {message_id} as UUIDs at their placeholders' indexes. */
int ts_agent_path_ids(const struct ts_match *m, uuid_t *out);

/* ---- src/agent/input.c: the platform's requests as the operations' input. */

/*
 * A create body into in, through /api's own message checks: the
 * platform's names (execution_id, endpoint_id, augmentation_id,
 * artifacts) become /api's, and a problem's loc names them back.
 * workspace_id, app_id, namespace_id and thread_id, when sent, must be
 * the path's. *api: the /api body built (the input borrows from it; the
 * caller puts it, after the input is done with). 0, or -1 with a 422.
 */
int ts_agent_parse_create(struct ts_problem *p, struct json_object *body, const struct ts_json_flaws *flaws,
    const struct ts_agent_path *path, const unsigned char *tid, struct ts_message_input *in,
    struct json_object **api);

/* The list query: ascending (true, false; default true), limit (1 to
 * TS_MAX_PAGE_LIMIT, default TS_AGENT_DEFAULT_PAGE_LIMIT), cursor (a
 * next_cursor: a message id). */
int ts_agent_parse_list(struct ts_problem *p, const char *query, struct ts_message_query *q);

/* The context body (optional; body NULL: none): the path echoes, and
 * max_tokens, max_messages, include_system (default true). */
int ts_agent_parse_context(struct ts_problem *p, struct json_object *body, const struct ts_json_flaws *flaws,
    const struct ts_agent_path *path, const unsigned char *tid, struct ts_context_query *q);

/* The delete's timestamp query parameter (RFC 3339) as DATETIME(3) text:
 * 1 given, 0 absent, -1 with a 422. */
int ts_agent_parse_timestamp(struct ts_problem *p, const char *query, char out[TS_DB_TIME_LEN + 1]);

/* The platform's name of an /api body field (execution_id for run_id),
 * or name itself. */
const char *ts_agent_field_name(const char *api_name);

/* ---- src/agent/objects.c: stored rows as the platform's objects. */

/* A message (c: enum ts_message_col cells) of the thread at path: a new
 * reference, NULL out of memory. */
struct json_object *ts_agent_message_object(const struct ts_db_cell *c, const struct ts_agent_path *path);

/* A message as context for a model: {role, content}, with tool_calls and
 * tool_call_id when set, as chat APIs take them. A new reference. */
struct json_object *ts_agent_context_message(const struct ts_db_cell *c);

/* {total, has_more, next_cursor, messages}; takes over messages and
 * last_id (the last message's "message_id", given since the messages may
 * be written text, ts_json_frozen). total -1: null. next_cursor: last_id
 * when has_more. */
struct json_object *ts_agent_list_object(struct json_object *messages, long long total, int has_more,
    struct json_object *last_id);

/* The FastAPI error body for p: a 422's {"detail": [{loc, msg, type,
 * input, ctx}]}, any other {"detail": "<message>"}. A new reference. */
struct json_object *ts_agent_error_body(const struct ts_problem *p);

#endif
