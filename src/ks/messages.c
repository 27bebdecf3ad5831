/*
 * /ks/v1/threads/{thread_id}/messages: create one (201), list a page
 * (newest first, limit/offset and the `before` cursor), get one, over the
 * message operations. Threads themselves are made through /api or /v1
 * (the API reference, tag ks).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ids.h"
#include "json_out.h"
#include "ks.h"
#include "message_ops.h"
#include "page_body.h"
#include "ts_limits.h"
#include "validate.h"

/* Answers status with the message whose cells are c. */
static void
respond_message(struct ts_ctx *ctx, int status, const struct ts_db_cell *c, int with_details)
{
	struct json_object *o = c != NULL ? ts_ks_message_object(c, with_details) : NULL;

	if (o == NULL || ts_response_json(ctx->res, status, o) != 0)
		ts_fail(ctx, TS_E_INTERNAL, NULL);
}

/* Location: where the message is read, below the mount (as /api's 201s say). */
static void
add_location(struct ts_ctx *ctx, const struct ts_db_cell *c)
{
	char tid[TS_UUID_STR_LEN + 1], mid[TS_UUID_STR_LEN + 1], loc[TS_MAX_PATH_BYTES + 128];

	if (c[TS_MC_THREAD_ID].len != 16 || c[TS_MC_ID].len != 16)
		return;
	ts_uuid_format((const unsigned char *)c[TS_MC_THREAD_ID].data, tid);
	ts_uuid_format((const unsigned char *)c[TS_MC_ID].data, mid);
	snprintf(loc, sizeof(loc), "%s/ks/v1/threads/%s/messages/%s", ctx->req->mount, tid, mid);
	ts_response_header(ctx->res, "Location", loc);
}

/*
 * Knowledge Stack answers 201 to a repeat of an idempotent create too (it
 * "returns the existing message"), and its Python SDK reads a body only
 * under the status it documents, so a repeat is 201 here, not /api's 200.
 * A repeat whose message is gone since (deleted by a concurrent request)
 * is the 404 a read of it would be.
 */
void
ts_ks_message_create(struct ts_ctx *ctx)
{
	struct ts_message_input in;
	struct ts_problem invalid;
	struct ts_added a;
	uuid_t tid;

	memset(&in, 0, sizeof(in));
	memset(&a, 0, sizeof(a));
	if (!ctx->has_body) {
		ts_fail(ctx, TS_E_INVALID_JSON, "Request body required");
		return;
	}
	ts_problem_init(&invalid);
	ts_path_uuid(ctx, 0, tid);
	if (ts_v_body(&invalid, ctx->body, &ctx->body_flaws) == 0)
		(void)ts_ks_parse_message(&invalid, ctx->body, &in);
	if (ts_messages_add(&ctx->call, tid, &in, 1, 0, &invalid, &a) != 0)
		ts_answer_failure(ctx);
	else if (ts_added_cells(&a, 0) == NULL)
		ts_fail(ctx, TS_E_NOT_FOUND, "Message not found");
	else {
		respond_message(ctx, 201, ts_added_cells(&a, 0), 1);
		add_location(ctx, ts_added_cells(&a, 0));
	}
	ts_added_free(&a);
	ts_problem_free(&invalid);
	ts_message_input_free(&in);
}

/*
 * The page's items, cut before the one that would take the body past the
 * response cap (at least one item, so an offset walk always moves on).
 * A new array, NULL out of memory.
 */
static struct json_object *
page_items(const struct ts_ctx *ctx, const struct ts_message_page *pg, int with_details)
{
	struct json_object *items = json_object_new_array_ext((int)pg->n);
	size_t i, used = TS_LIST_ENVELOPE_BYTES;
	int rc = 1;

	for (i = 0; items != NULL && rc == 1 && i < pg->n; i++) {
		rc = ts_json_list_put_capped(items, ts_ks_message_object(pg->cells[i], with_details), &used,
		    ctx->call.cfg->max_response_bytes);
		if (rc < 0) {
			json_object_put(items);
			return NULL;
		}
	}
	return items;
}

/* The page as this surface's list, or the body kept with it (page_body.h). */
static void
answer_page(struct ts_ctx *ctx, const struct ts_message_query *q, const struct ts_message_page *pg)
{
	struct json_object *items, *env;
	char tag[TS_PAGE_CACHE_TAG_BYTES];
	const char *kept_tag = NULL;

	/* What the body is made of besides the rows: details or not, the
	 * order, the envelope's limit, offset and total. */
	if (snprintf(tag, sizeof(tag), "ks list d%d o%d l%lld f%lld t%lld", q->with_details, (int)q->order,
	    q->limit, q->offset, pg->total) < (int)sizeof(tag))
		kept_tag = tag;
	if (ts_page_body_answer(ctx, pg, kept_tag))
		return;
	/* total is the thread's count of the roles asked (exact, from
	 * its counters): no filter of this surface makes it unknown. */
	items = page_items(ctx, pg, q->with_details);
	env = items != NULL ? ts_ks_page_object(items, pg->total >= 0 ? pg->total : 0, q->limit, q->offset) : NULL;
	if (env == NULL || ts_response_json(ctx->res, 200, env) != 0)
		ts_fail(ctx, TS_E_INTERNAL, NULL);
	ts_page_body_keep(ctx, pg, kept_tag);
}

void
ts_ks_messages_list(struct ts_ctx *ctx)
{
	struct ts_message_query q;
	struct ts_message_page pg;
	struct ts_problem invalid;
	uuid_t tid;

	ts_message_query_init(&q);
	ts_problem_init(&invalid);
	ts_path_uuid(ctx, 0, tid);
	(void)ts_ks_parse_list(&invalid, ctx->req->query, &q);
	if (ts_messages_page(&ctx->call, tid, &q, &invalid, &pg) != 0)
		ts_answer_failure(ctx);
	else
		answer_page(ctx, &q, &pg);
	ts_message_page_free(&pg);
	ts_problem_free(&invalid);
	ts_message_query_free(&q);
}

void
ts_ks_message_get(struct ts_ctx *ctx)
{
	struct ts_problem invalid;
	struct ts_db_rows row;
	int with_details = 1;
	uuid_t tid, mid;

	ts_problem_init(&invalid);
	ts_path_uuid(ctx, 0, tid);
	ts_path_uuid(ctx, 1, mid);
	(void)ts_ks_q_bool(&invalid, ctx->req->query, "with_details", &with_details);
	if (ts_message_read(&ctx->call, tid, mid, TS_OP_READ, &invalid, &row) != 0)
		ts_answer_failure(ctx);
	else
		respond_message(ctx, 200, ts_db_cell(&row, 0, 0), with_details);
	ts_db_rows_free(&row);
	ts_problem_free(&invalid);
}
