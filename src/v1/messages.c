/*
 * /v1 messages (API reference: tag openai): create, list, retrieve, modify,
 * delete, over the message operations. Query parameters /v1 does not know
 * are ignored, as /api ignores those it does not know
 * (API reference: One storage, one set of rules).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "message_input.h"
#include "message_ops.h"
#include "page_body.h"
#include "params.h"
#include "v1.h"
#include "validate.h"

/* Answers 200 with the message whose cells are c (a /v1 create too). */
static void
respond_message(struct ts_ctx *ctx, const struct ts_db_cell *c)
{
	struct json_object *o = ts_v1_message_object(c);

	if (o == NULL || ts_response_json(ctx->res, 200, o) != 0)
		ts_fail(ctx, TS_E_INTERNAL, NULL);
}

void
ts_v1_message_create(struct ts_ctx *ctx)
{
	struct ts_message_input in;
	struct ts_problem invalid;
	struct ts_added a;
	uuid_t tid;

	/* As on /api: a create needs a body. */
	if (!ctx->has_body) {
		ts_fail(ctx, TS_E_INVALID_JSON, "Request body required");
		return;
	}
	ts_problem_init(&invalid);
	ts_path_uuid(ctx, 0, tid);
	if (ts_v_body(&invalid, ctx->body, &ctx->body_flaws) == 0)
		(void)ts_v1_parse_message(&invalid, ctx->body, &in);
	else
		memset(&in, 0, sizeof(in));
	if (ts_messages_add(&ctx->call, tid, &in, 1, 0, &invalid, &a) != 0)
		ts_answer_failure(ctx);
	else
		respond_message(ctx, ts_added_cells(&a, 0));
	ts_added_free(&a);
	ts_problem_free(&invalid);
	ts_message_input_free(&in);
}

/*
 * OpenAI's list query: limit (1 to 100, default 20), order, after,
 * before, run_id. after and before together give the items between them:
 * OpenAI's SDK pages on from a page asked for with before by adding
 * after=<its last id> and keeping before, so that is what makes `for
 * await` work from such a page.
 */
static int
parse_list_query(struct ts_problem *p, const char *query, struct ts_message_query *q)
{
	static const char *const orders[] = { "asc", "desc", NULL };
	int order = TS_ORDER_DESC, rc;

	q->limit = TS_V1_DEFAULT_PAGE_LIMIT;
	q->with_details = 0;    /* /v1 has none: the cap is measured without */
	if (ts_q_int(p, query, "limit", 1, TS_V1_MAX_PAGE_LIMIT, &q->limit) < 0 ||
	    ts_q_enum(p, query, "order", orders, &order) < 0)
		return -1;
	q->order = (enum ts_order)order;
	if ((rc = ts_q_uuid(p, query, "after", q->after)) < 0)
		return -1;
	q->has_after = rc;
	q->after_param = "after";
	if ((rc = ts_q_uuid(p, query, "before", q->before)) < 0)
		return -1;
	q->has_before = rc;
	q->before_param = "before";
	return ts_q_string(p, query, "run_id", TS_MAX_RUN_ID_POINTS, &q->run_id) < 0 ? -1 : 0;
}

void
ts_v1_messages_list(struct ts_ctx *ctx)
{
	struct ts_message_query q;
	struct ts_message_page pg;
	struct ts_problem invalid;
	struct json_object *o;
	char tag[32];
	uuid_t tid;

	ts_message_query_init(&q);
	ts_problem_init(&invalid);
	ts_path_uuid(ctx, 0, tid);
	(void)parse_list_query(&invalid, ctx->req->query, &q);
	/* What the body is made of besides the rows: the order they are shown in. */
	snprintf(tag, sizeof(tag), "v1 list o%d a%d b%d", (int)q.order, q.has_after, q.has_before);
	if (ts_messages_page(&ctx->call, tid, &q, &invalid, &pg) != 0) {
		ts_answer_failure(ctx);
	} else if (!ts_page_body_answer(ctx, &pg, tag)) {
		if ((o = ts_v1_message_list(pg.cells, pg.n, pg.has_more)) == NULL ||
		    ts_response_json(ctx->res, 200, o) != 0)
			ts_fail(ctx, TS_E_INTERNAL, NULL);
		ts_page_body_keep(ctx, &pg, tag);
	}
	ts_message_page_free(&pg);
	ts_problem_free(&invalid);
	ts_message_query_free(&q);
}

void
ts_v1_message_get(struct ts_ctx *ctx)
{
	struct ts_db_rows row;
	uuid_t tid, mid;

	ts_path_uuid(ctx, 0, tid);
	ts_path_uuid(ctx, 1, mid);
	if (ts_message_read(&ctx->call, tid, mid, TS_OP_READ, NULL, &row) != 0)
		ts_answer_failure(ctx);
	else
		respond_message(ctx, ts_db_cell(&row, 0, 0));
	ts_db_rows_free(&row);
}

void
ts_v1_message_modify(struct ts_ctx *ctx)
{
	static const char *const fields[] = { "metadata", NULL };
	struct ts_message_patch mp;
	struct ts_problem invalid;
	struct ts_db_rows after;
	uuid_t tid, mid;

	if (!ctx->has_body) {
		ts_fail(ctx, TS_E_INVALID_JSON, "Request body required");
		return;
	}
	memset(&mp, 0, sizeof(mp));
	ts_problem_init(&invalid);
	ts_path_uuid(ctx, 0, tid);
	ts_path_uuid(ctx, 1, mid);
	if (ts_v1_parse_update(&invalid, ctx->body, &ctx->body_flaws, fields, &mp.metadata) == 0)
		mp.has_metadata = mp.metadata != NULL;
	if (ts_message_change(&ctx->call, tid, mid, &mp, &invalid, &after) != 0)
		ts_answer_failure(ctx);
	else
		respond_message(ctx, ts_db_cell(&after, 0, 0));
	ts_db_rows_free(&after);
	ts_problem_free(&invalid);
	ts_message_patch_free(&mp);
}

void
ts_v1_message_delete(struct ts_ctx *ctx)
{
	struct json_object *o;
	uuid_t tid, mid;

	ts_path_uuid(ctx, 0, tid);
	ts_path_uuid(ctx, 1, mid);
	if (ts_message_remove(&ctx->call, tid, mid) != 0) {
		ts_answer_failure(ctx);
		return;
	}
	if ((o = ts_v1_deleted(mid, "thread.message.deleted")) == NULL || ts_response_json(ctx->res, 200, o) != 0)
		ts_fail(ctx, TS_E_INTERNAL, NULL);
}
