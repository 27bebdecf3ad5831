/*
 * The OpenAI-compatible surface (§10): OpenAI's Assistants API threads and
 * messages under /v1, as a translation layer over the /api handlers. A /v1
 * handler checks what only OpenAI's wire format has, rewrites the body and
 * the query into their /api form, calls the /api handler (which loads the
 * thread, applies the §4 matrix, validates and stores), and reshapes the
 * answer into OpenAI's objects. Errors, wherever they were raised, get
 * OpenAI's body in ts_v1_finish. docs/design.md ("The /v1 surface") has
 * the design in prose.
 */
#ifndef TS_V1_H
#define TS_V1_H

#include <json-c/json.h>

#include "access.h"
#include "app.h"

/* OpenAI's limits where they are tighter than /api's (§10). */
#define TS_V1_MAX_INITIAL_MESSAGES 32   /* POST /v1/threads "messages" */
#define TS_V1_MAX_PAGE_LIMIT 100        /* list "limit" */
#define TS_V1_DEFAULT_PAGE_LIMIT 20
/* A rewritten list query: the kept parameters of the caller's query (whose
 * length the dispatcher capped) plus our own few short ones. */
#define TS_V1_QUERY_EXTRA_BYTES 64

/* The route handlers (src/v1_threads.c, src/v1_messages.c). */
void ts_v1_thread_create(struct ts_ctx *ctx);
void ts_v1_thread_get(struct ts_ctx *ctx);
void ts_v1_thread_modify(struct ts_ctx *ctx);
void ts_v1_thread_delete(struct ts_ctx *ctx);
void ts_v1_message_create(struct ts_ctx *ctx);
void ts_v1_messages_list(struct ts_ctx *ctx);
void ts_v1_message_get(struct ts_ctx *ctx);
void ts_v1_message_modify(struct ts_ctx *ctx);
void ts_v1_message_delete(struct ts_ctx *ctx);

/* Whether a routed path is under /v1 (NULL: no). */
int ts_v1_path(const char *path);

/*
 * Called by the dispatcher for every request under /v1 once the response is
 * complete: an error answer (from the router, the dispatcher's checks or a
 * handler) gets OpenAI's body {"error": {message, type, param, code}}; status
 * and headers stay. The request id stays in X-Request-Id only.
 */
void ts_v1_finish(struct ts_response *res);

/* ---- src/v1_call.c: running an /api handler for a /v1 route. */

/*
 * Runs the /api handler h with body as the request body (the call takes
 * over the reference; NULL: no body) and query as the query string (the
 * caller's, only read though not const, as the request's query is not;
 * NULL: ""), then restores the request's own. Returns 1 when h answered
 * 2xx, else 0 (h's error answer stands).
 */
int ts_v1_call(struct ts_ctx *ctx, ts_handler_fn h, struct json_object *body, char *query);

/* The JSON of the answer h gave, as a new reference; NULL when it has none. */
struct json_object *ts_v1_answer(struct ts_ctx *ctx);

/* Replaces the answer with obj (taken over) as 200 without a Location. */
void ts_v1_respond(struct ts_ctx *ctx, struct json_object *obj);

/* Answers 200 {"id": <path param idx>, "object": object, "deleted": true}. */
void ts_v1_respond_deleted(struct ts_ctx *ctx, size_t idx, const char *object);

/*
 * Called after a /v1 check answered 422 before the /api handler ran: §11
 * puts 404 thread, 401/403 and 404 message before 422, so the thread of the
 * path is loaded for op (and, with_message, its message looked up), and a
 * failure there replaces the 422. Only the failure path pays this round trip.
 */
void ts_v1_settle_order(struct ts_ctx *ctx, enum ts_op op, int with_message);

/* ---- src/v1_input.c: OpenAI's request bodies in their /api form. */

/*
 * A /v1 message create body (role user|assistant, content as a string or
 * text parts, attachments, metadata) as an /api create body: content becomes
 * one text, parts joined by "\n". Returns a new reference, or NULL after
 * answering (422, or 500 out of memory). Honours ctx->loc_index.
 */
struct json_object *ts_v1_message_body(struct ts_ctx *ctx, struct json_object *in);

/*
 * Checks that the body's keys are among allowed (NULL-terminated) and, when
 * the body holds a non-null "metadata", returns {"metadata": ...} for /api
 * (else {}: /api answers an empty update with the object unchanged). NULL
 * after answering 400 (no body, as /api's PATCH), 422 or 500.
 */
struct json_object *ts_v1_metadata_body(struct ts_ctx *ctx, const char *const *allowed);

/* ---- src/v1_objects.c: /api objects reshaped into OpenAI's. */

/* Each takes the /api object (borrowed) and returns a new reference, NULL
 * when it lacks what the /v1 object needs or memory ran out. */
struct json_object *ts_v1_thread_object(struct json_object *api);
struct json_object *ts_v1_message_object(struct json_object *api);
/* The list envelope: data reshaped, first_id, last_id, has_more. */
struct json_object *ts_v1_message_list(struct json_object *api);

#endif
