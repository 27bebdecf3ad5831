/*
 * One message, and a page of messages as /api answers it, the data array and the list
 * envelope (API reference: schema MessageList), shared by a thread's
 * message list and a share link's (src/api/messages_list.c,
 * src/api/shares.c), each adding its own members.
 */
#include "api.h"
#include "message_json.h"
#include "message_ops.h"
#include "message_view.h"
#include "page_body.h"
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

void
ts_api_answer_messages(struct ts_ctx *ctx, const struct ts_message_page *pg, const struct ts_api_page_shape *shape)
{
	/* The views outlive the array that serializes them: until the answer is written. */
	struct ts_message_view views[TS_MAX_PAGE_LIMIT + 1];
	struct ts_message_scratch scratch;
	struct json_object *data, *env;
	size_t i;

	if (ts_page_body_answer(ctx, pg, shape->tag))
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
	ts_page_body_keep(ctx, pg, shape->tag);
}
