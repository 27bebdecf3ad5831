/*
 * PATCH and DELETE of one message
 * (API reference: /api/threads/{thread_id}/messages/{message_id}), and
 * clearing a thread (API reference: DELETE /api/threads/{thread_id}/messages);
 * owner only.
 */
#include <string.h>

#include "api.h"
#include "message_input.h"
#include "message_json.h"
#include "message_ops.h"
#include "validate.h"

void
ts_h_message_patch(struct ts_ctx *ctx)
{
	struct ts_message_patch mp;
	struct ts_problem invalid;
	struct ts_db_rows after;
	uuid_t tid, mid;

	if (ts_api_need_body(ctx) != 0)
		return;
	memset(&mp, 0, sizeof(mp));
	ts_problem_init(&invalid);
	ts_path_uuid(ctx, 0, tid);
	ts_path_uuid(ctx, 1, mid);
	if (ts_v_body(&invalid, ctx->body, &ctx->body_flaws) == 0)
		(void)ts_message_parse_patch(&invalid, ctx->body, &mp);
	if (ts_message_change(&ctx->call, tid, mid, &mp, &invalid, &after) != 0)
		ts_answer_failure(ctx);
	else
		ts_api_answer(ctx, 200, ts_message_json(&after, 0, 1));
	ts_db_rows_free(&after);
	ts_problem_free(&invalid);
	ts_message_patch_free(&mp);
}

void
ts_h_message_delete(struct ts_ctx *ctx)
{
	uuid_t tid, mid;

	ts_path_uuid(ctx, 0, tid);
	ts_path_uuid(ctx, 1, mid);
	if (ts_message_remove(&ctx->call, tid, mid) != 0)
		ts_answer_failure(ctx);
	else
		ts_response_empty(ctx->res, 204);
}

void
ts_h_messages_clear(struct ts_ctx *ctx)
{
	uuid_t tid;

	ts_path_uuid(ctx, 0, tid);
	if (ts_messages_clear(&ctx->call, tid) != 0)
		ts_answer_failure(ctx);
	else
		ts_response_empty(ctx->res, 204);
}
