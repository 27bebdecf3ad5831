/*
 * The OpenAI-compatible surface (API reference: tag openai): OpenAI's
 * Assistants API threads and messages under /v1, over the same operations
 * as /api (thread_ops.h, message_ops.h). A /v1 handler parses OpenAI's
 * request into the operation's typed input (src/v1/input.c), calls the
 * operation, and renders its result as OpenAI's objects (src/v1/objects.c)
 * or its problem as OpenAI's error body (src/v1/errors.c). Why it is built
 * so is in the design notes (docs/design.md: The /v1 surface).
 */
#ifndef TS_V1_H
#define TS_V1_H

#include <json-c/json.h>

#include "app.h"
#include "ts_limits.h"
#include "message_input.h"

/* The route handlers (src/v1/threads.c, src/v1/messages.c). */
void ts_v1_thread_create(struct ts_ctx *ctx);
void ts_v1_thread_get(struct ts_ctx *ctx);
void ts_v1_thread_modify(struct ts_ctx *ctx);
void ts_v1_thread_delete(struct ts_ctx *ctx);
void ts_v1_message_create(struct ts_ctx *ctx);
void ts_v1_messages_list(struct ts_ctx *ctx);
void ts_v1_message_get(struct ts_ctx *ctx);
void ts_v1_message_modify(struct ts_ctx *ctx);
void ts_v1_message_delete(struct ts_ctx *ctx);

/* ---- src/v1/errors.c */

/* Whether a routed path is under /v1 (NULL: no). */
int ts_v1_path(const char *path);

/*
 * OpenAI's error body {"error": {message, type, param, code}} for p, with
 * the status of p's error. The request id stays in X-Request-Id only.
 */
void ts_v1_answer_problem(struct ts_response *res, const struct ts_problem *p);

/* ---- src/v1/input.c: OpenAI's request bodies as the operations' input. */

/*
 * A /v1 message (role user|assistant, content as a string or text parts,
 * attachments, metadata) as a message to create: content becomes one text,
 * parts joined by "\n". 0, or -1 with a 422 at ["body", ...]. Free in
 * (ts_message_input_free) either way.
 */
int ts_v1_parse_message(struct ts_problem *p, struct json_object *body, struct ts_message_input *in);

/*
 * An update body: keys among allowed (NULL-terminated); *metadata the new
 * metadata's canonical text when it holds a non-null "metadata" (NULL: no
 * change; OpenAI's update replaces the whole map). 0, or -1 with the problem.
 */
int ts_v1_parse_update(struct ts_problem *p, struct json_object *body, const struct ts_json_flaws *flaws,
    const char *const *allowed, char **metadata);

/* ---- src/v1/objects.c: stored rows as OpenAI's objects. */

/* Each a new reference, NULL out of memory. */
struct json_object *ts_v1_thread_object(const struct ts_db_rows *rows, size_t row);
/* c: the message columns (enum ts_message_col). */
struct json_object *ts_v1_message_object(const struct ts_db_cell *c);
/* The list envelope {object, data, first_id, last_id, has_more}. */
struct json_object *ts_v1_message_list(const struct ts_db_cell *const *cells, size_t n, int has_more);
/* {"id", "object": object, "deleted": true} */
struct json_object *ts_v1_deleted(const unsigned char *id, const char *object);

#endif
