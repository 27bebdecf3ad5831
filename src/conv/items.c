/*
 * /v1/conversations/{id}/items: add up to 20 items, list them (newest
 * first by default, keyset paged at any size), retrieve and delete one,
 * over the message operations. Items are messages of the thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conv.h"
#include "json_out.h"
#include "message_ops.h"
#include "page_body.h"
#include "params.h"
#include "query.h"
#include "validate.h"

/*
 * Renders the items into a list answer and sends it: no more than the
 * response cap (at least one item; has_more is then true, as a page the
 * cap cut short says everywhere).
 */
static void
respond_items(struct ts_ctx *ctx, const struct ts_db_cell *const *cells, size_t n, int has_more, unsigned include)
{
	struct json_object *data = json_object_new_array_ext((int)n), *o, *id, *first = NULL, *last = NULL;
	size_t i, used = TS_LIST_ENVELOPE_BYTES;
	int rc = 1;

	for (i = 0; data != NULL && rc == 1 && i < n; i++) {
		if (cells[i] == NULL)
			continue;       /* deleted since it was added */
		id = NULL;
		if ((o = ts_conv_item_object(cells[i], include)) != NULL && json_object_object_get_ex(o, "id", &id))
			json_object_get(id);
		if ((rc = ts_json_list_put_capped(data, o, &used, ctx->call.cfg->max_response_bytes)) == 1) {
			if (json_object_array_length(data) == 1)
				first = json_object_get(id);
			json_object_put(last);
			last = id;
			continue;
		}
		json_object_put(id);
		if (rc < 0) {
			json_object_put(data);
			data = NULL;
		}
		has_more = 1;
	}
	if (data == NULL) {
		json_object_put(first);
		json_object_put(last);
	}
	if (data == NULL || (o = ts_conv_list_of(data, first, last, has_more)) == NULL ||
	    ts_response_json(ctx->res, 200, o) != 0)
		ts_fail(ctx, TS_E_INTERNAL, NULL);
}

void
ts_conv_items_create(struct ts_ctx *ctx)
{
	static const char *const fields[] = { "items", NULL };
	struct ts_message_input *items = NULL;
	const struct ts_db_cell **cells = NULL;
	struct json_object *list = NULL;
	struct ts_problem invalid;
	struct ts_added a;
	unsigned include = 0;
	size_t n = 0, i;
	uuid_t tid;

	memset(&a, 0, sizeof(a));
	ts_problem_init(&invalid);
	ts_path_uuid(ctx, 0, tid);
	if (ts_conv_parse_include(&invalid, ctx->req->query, &include) == 0) {
		if (ctx->has_body && ts_v_body(&invalid, ctx->body, &ctx->body_flaws) == 0 &&
		    ts_v_known_fields(&invalid, ctx->body, fields) == 0)
			json_object_object_get_ex(ctx->body, "items", &list);
		if (!ts_problem_is_set(&invalid))
			(void)ts_conv_parse_items(&invalid, tid, list, 1, &items, &n);
	}
	if (ts_messages_add(&ctx->call, tid, items, n, 1, &invalid, &a) != 0) {
		ts_answer_failure(ctx);
	} else if ((cells = calloc(n, sizeof(*cells))) == NULL) {
		ts_fail(ctx, TS_E_INTERNAL, NULL);
	} else {
		for (i = 0; i < n; i++)
			cells[i] = ts_added_cells(&a, i);
		respond_items(ctx, cells, n, 0, include);
	}
	free(cells);
	ts_added_free(&a);
	ts_problem_free(&invalid);
	for (i = 0; i < n; i++)
		ts_message_input_free(&items[i]);
	free(items);
}

/* limit (1 to 100, default 20), order (default desc), after: an item id
 * of this conversation, in the order asked (OpenAI's SDK pages on with
 * after=<last_id>). */
static int
parse_list(struct ts_problem *p, const char *query, const unsigned char *conv, struct ts_message_query *q)
{
	static const char *const orders[] = { "asc", "desc", NULL };
	static const char *const loc[] = { "query", "after", NULL };
	int order = TS_ORDER_DESC, is_ours;
	enum ts_query_status st;
	char *v = NULL;
	size_t len;

	q->limit = TS_V1_DEFAULT_PAGE_LIMIT;
	q->with_details = 0;
	if (ts_q_int(p, query, "limit", 1, TS_V1_MAX_PAGE_LIMIT, &q->limit) < 0 ||
	    ts_q_enum(p, query, "order", orders, &order) < 0)
		return -1;
	q->order = (enum ts_order)order;
	q->after_param = "after";
	if ((st = ts_query_get(query, strlen(query), "after", &v, &len)) == TS_QUERY_NOMEM)
		return ts_problem_set(p, TS_E_INTERNAL, NULL);
	if (st != TS_QUERY_ABSENT) {
		q->has_after = st == TS_QUERY_FOUND && ts_conv_item_id_parse(conv, v, q->after, &is_ours) == 0;
		free(v);
		if (!q->has_after)
			return ts_problem_invalid(p, loc, "must be an item id", "value");
	}
	return 0;
}

void
ts_conv_items_list(struct ts_ctx *ctx)
{
	struct ts_message_query q;
	struct ts_message_page pg;
	struct ts_problem invalid;
	unsigned include = 0;
	char tag[48];
	uuid_t tid;

	ts_message_query_init(&q);
	ts_problem_init(&invalid);
	ts_path_uuid(ctx, 0, tid);
	if (parse_list(&invalid, ctx->req->query, tid, &q) == 0)
		(void)ts_conv_parse_include(&invalid, ctx->req->query, &include);
	/* What the body is made of besides the rows: the order they are
	 * shown in, the fields include adds. */
	snprintf(tag, sizeof(tag), "conv items o%d a%d i%u", (int)q.order, q.has_after, include);
	if (ts_messages_page(&ctx->call, tid, &q, &invalid, &pg) != 0) {
		ts_answer_failure(ctx);
	} else if (!ts_page_body_answer(ctx, &pg, tag)) {
		respond_items(ctx, pg.cells, pg.n, pg.has_more, include);
		ts_page_body_keep(ctx, &pg, tag);
	}
	ts_message_page_free(&pg);
	ts_problem_free(&invalid);
	ts_message_query_free(&q);
}

void
ts_conv_item_get(struct ts_ctx *ctx)
{
	struct ts_problem invalid;
	struct ts_db_rows row;
	struct json_object *o;
	unsigned include = 0;
	uuid_t tid, mid;

	ts_problem_init(&invalid);
	ts_path_uuid(ctx, 0, tid);
	ts_path_uuid(ctx, 1, mid);
	(void)ts_conv_parse_include(&invalid, ctx->req->query, &include);
	if (ts_message_read(&ctx->call, tid, mid, TS_OP_READ, &invalid, &row) != 0)
		ts_answer_failure(ctx);
	else if ((o = ts_conv_item_object(ts_db_cell(&row, 0, 0), include)) == NULL ||
	    ts_response_json(ctx->res, 200, o) != 0)
		ts_fail(ctx, TS_E_INTERNAL, NULL);
	ts_db_rows_free(&row);
	ts_problem_free(&invalid);
}

/* Answers the conversation the item was in, as OpenAI's delete does. */
void
ts_conv_item_delete(struct ts_ctx *ctx)
{
	struct json_object *o;
	struct ts_thread t;
	uuid_t tid, mid;

	ts_path_uuid(ctx, 0, tid);
	ts_path_uuid(ctx, 1, mid);
	if (ts_message_remove(&ctx->call, tid, mid) != 0 || ts_thread_open(&ctx->call, tid, TS_OP_READ, &t) != 0) {
		ts_answer_failure(ctx);
		return;
	}
	if ((o = ts_conv_object(&t.rows, 0)) == NULL || ts_response_json(ctx->res, 200, o) != 0)
		ts_fail(ctx, TS_E_INTERNAL, NULL);
	ts_thread_release(&t);
}
