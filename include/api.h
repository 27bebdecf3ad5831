/*
 * The /api surface, threadstore's own wire format
 * (API reference: tag threads; tag messages; tag settings; tag health):
 * a handler per route parses the request into an operation's typed input,
 * calls the operation (thread_ops.h, message_ops.h, settings_ops.h) and
 * renders its result or problem. Handlers live in src/api/, one file per
 * resource.
 */
#ifndef TS_API_H
#define TS_API_H

#include "app.h"
#include "paging.h"

struct ts_message_page;

void ts_h_health(struct ts_ctx *ctx);
void ts_h_settings_get(struct ts_ctx *ctx);
void ts_h_settings_put(struct ts_ctx *ctx);
void ts_h_threads_create(struct ts_ctx *ctx);
void ts_h_threads_list(struct ts_ctx *ctx);
void ts_h_thread_get(struct ts_ctx *ctx);
void ts_h_thread_patch(struct ts_ctx *ctx);
void ts_h_thread_delete(struct ts_ctx *ctx);
void ts_h_message_create(struct ts_ctx *ctx);
void ts_h_messages_batch(struct ts_ctx *ctx);
void ts_h_messages_list(struct ts_ctx *ctx);
void ts_h_messages_context(struct ts_ctx *ctx);
void ts_h_messages_clear(struct ts_ctx *ctx);
void ts_h_message_get(struct ts_ctx *ctx);
void ts_h_message_patch(struct ts_ctx *ctx);
void ts_h_message_delete(struct ts_ctx *ctx);
void ts_h_shares_create(struct ts_ctx *ctx);
void ts_h_shares_list_thread(struct ts_ctx *ctx);
void ts_h_shares_list(struct ts_ctx *ctx);
void ts_h_share_delete(struct ts_ctx *ctx);
/* A link's reader: /api/shared/{token}, whose placeholder is a token, not
 * an id (ts_api_shared_surface). */
void ts_h_shared_get(struct ts_ctx *ctx);
void ts_h_shared_messages(struct ts_ctx *ctx);

/* ---- src/api/render.c: what several /api handlers answer with. */

/* The /api error body for p (API reference: schema Error). */
void ts_api_answer_problem(struct ts_response *res, const struct ts_problem *p);

/* The thread object (API reference: schema Thread) for row `row` of a result
 * with the thread columns (enum ts_thread_col). A new reference, NULL out of
 * memory. */
struct json_object *ts_api_thread_json(const struct ts_db_rows *rows, size_t row);

/* Answers status with o (taken over; NULL: 500). */
void ts_api_answer(struct ts_ctx *ctx, int status, struct json_object *o);

/* Adds Location: <mount><path> (path printf-style). */
void ts_api_location(struct ts_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- src/api/message_page.c: a page of messages (schema MessageList). */

/* How a route shows its page: details or not, as a share link's reader
 * sees it or not, the cursor the page was read with, finish, when not
 * NULL, which adds the route's own members (total, next_cursor) to env,
 * and tag, when not NULL, a name for all of this and of whatever else the
 * body depends on besides the page's rows (the order they are shown in):
 * the body of a page the worker keeps is kept under it and written again
 * while the page is served unchanged (include/page_cache.h). */
struct ts_api_page_shape {
	int with_details;
	int shared;
	enum ts_cursor_kind kind;
	void (*finish)(struct json_object *env, const struct ts_message_page *pg, enum ts_cursor_kind kind);
	const char *tag;
};

/* Answers status with one message, cells in enum ts_message_col order
 * (API reference: schema Message), written as a page writes its messages. */
void ts_api_answer_message(struct ts_ctx *ctx, int status, const struct ts_db_cell *cells, int with_details);

/* Answers 200 with pg (not taken over) in the list envelope. */
void ts_api_answer_messages(struct ts_ctx *ctx, const struct ts_message_page *pg,
    const struct ts_api_page_shape *shape);

/* A route that needs a body: 400 without one (a body-less request never
 * reaches the operation). 0, or -1 answered. JSON null is a body (a 422
 * for the parser). */
int ts_api_need_body(struct ts_ctx *ctx);

#endif
