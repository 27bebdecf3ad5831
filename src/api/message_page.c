/*
 * One message, and a page of messages as /api answers it, the data array and the list
 * envelope (API reference: schema MessageList), shared by a thread's
 * message list and a share link's (src/api/messages_list.c,
 * src/api/shares.c), each adding its own members.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "message_json.h"
#include "message_ops.h"
#include "message_view.h"
#include "page_cache.h"
#include "paging.h"
#include "ts_limits.h"

void
ts_api_answer_message(struct ts_ctx *ctx, int status, const struct ts_db_cell *cells, int with_details)
{
	/* The view outlives its node: until the answer is written, below. */
	struct ts_message_view view;
	struct ts_message_scratch scratch;

	if (ts_message_scratch_init(&scratch) != 0) {
		ts_fail(ctx, TS_E_INTERNAL, NULL);
		return;
	}
	view.cells = cells;
	view.with_details = with_details;
	view.shared = 0;
	view.scratch = &scratch;
	ts_api_answer(ctx, status, ts_message_view_json(&view));
	ts_message_scratch_free(&scratch);
}

/* The body kept with pg's kept page under shape's tag, answered again: 0,
 * or -1 when there is none. */
static int
answer_kept(struct ts_ctx *ctx, const struct ts_message_page *pg, const struct ts_api_page_shape *shape)
{
	const char *kept;
	char *body;
	size_t len;

	if (pg->kept == NULL || shape->tag == NULL || (kept = ts_kept_page_body(pg->kept, shape->tag, &len)) == NULL)
		return -1;
	/* A copy: the response outlives the page's loan. */
	if ((body = malloc(len > 0 ? len : 1)) != NULL)
		memcpy(body, kept, len);
	if (ts_response_text(ctx->res, 200, NULL, body, len, TS_E__COUNT) != 0)
		ts_fail(ctx, TS_E_INTERNAL, NULL);
	return 0;
}

void
ts_api_answer_messages(struct ts_ctx *ctx, const struct ts_message_page *pg, const struct ts_api_page_shape *shape)
{
	/* The views outlive the array that serializes them: until the answer is written. */
	struct ts_message_view views[TS_MAX_PAGE_LIMIT + 1];
	struct ts_message_scratch scratch;
	struct json_object *data, *env;
	size_t i;

	if (answer_kept(ctx, pg, shape) == 0)
		return;
	if (ts_message_scratch_init(&scratch) != 0) {
		ts_fail(ctx, TS_E_INTERNAL, NULL);
		return;
	}
	data = json_object_new_array_ext((int)pg->n);
	for (i = 0; data != NULL && i < pg->n; i++) {
		views[i].cells = pg->cells[i];
		views[i].with_details = shape->with_details;
		views[i].shared = shape->shared;
		views[i].scratch = &scratch;
		json_object_array_add(data, ts_message_view_json(&views[i]));
	}
	env = data != NULL ? ts_page_envelope_ids(data, pg->n > 0 ? ts_message_id_json(pg->cells[0]) : NULL,
	    pg->n > 0 ? ts_message_id_json(pg->cells[pg->n - 1]) : NULL, pg->has_more, shape->kind) : NULL;
	if (env != NULL && shape->finish != NULL)
		shape->finish(env, pg, shape->kind);
	ts_api_answer(ctx, 200, env);
	ts_message_scratch_free(&scratch);
	if (pg->kept != NULL && shape->tag != NULL && ctx->res->status == 200 && !ctx->res->is_error &&
	    ctx->res->body != NULL)
		ts_page_cache_keep_body(ctx->call.pages, pg->kept, shape->tag, ctx->res->body, ctx->res->body_len);
}
