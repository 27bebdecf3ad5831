/*
 * Messages: create one
 * (API reference: POST /api/threads/{thread_id}/messages), create a batch
 * (API reference: POST /api/threads/{thread_id}/messages/batch), read one
 * (API reference: GET /api/threads/{thread_id}/messages/{message_id}). The
 * operations (src/ops/messages.c) decide access and store; this parses and
 * renders.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "ids.h"
#include "ts_limits.h"
#include "message_input.h"
#include "message_json.h"
#include "message_ops.h"
#include "params.h"
#include "validate.h"

/* with_details=true|false (default true). */
static int
parse_with_details(struct ts_problem *p, const char *query, int *with_details)
{
	static const char *const bools[] = { "false", "true", NULL };
	int v = 1;

	if (ts_q_enum(p, query, "with_details", bools, &v) < 0)
		return -1;
	*with_details = v;
	return 0;
}

/* Answers status with the message whose cells are c (all details); a 201
 * names where it is. */
static void
respond_message(struct ts_ctx *ctx, const struct ts_db_cell *c, int status, int with_details)
{
	char ts[TS_UUID_STR_LEN + 1], ms[TS_UUID_STR_LEN + 1];

	ts_api_answer_message(ctx, status, c, with_details);
	if (status == 201 && !ctx->res->is_error) {
		ts_uuid_format((const unsigned char *)c[TS_MC_THREAD_ID].data, ts);
		ts_uuid_format((const unsigned char *)c[TS_MC_ID].data, ms);
		ts_api_location(ctx, "/api/threads/%s/messages/%s", ts, ms);
	}
}

void
ts_h_message_create(struct ts_ctx *ctx)
{
	struct ts_message_input in;
	struct ts_problem invalid;
	struct ts_added a;
	uuid_t tid;

	if (ts_api_need_body(ctx) != 0)
		return;
	ts_problem_init(&invalid);
	ts_path_uuid(ctx, 0, tid);
	if (ts_v_body(&invalid, ctx->body, &ctx->body_flaws) == 0)
		(void)ts_message_parse(&invalid, ctx->body, &in);
	else
		memset(&in, 0, sizeof(in));
	if (ts_messages_add(&ctx->call, tid, &in, 1, 0, &invalid, &a) != 0)
		ts_answer_failure(ctx);
	else
		respond_message(ctx, ts_added_cells(&a, 0), ts_added_existing(&a, 0) ? 200 : 201, 1);
	ts_added_free(&a);
	ts_problem_free(&invalid);
	ts_message_input_free(&in);
}

/* The items of a batch body {"messages": [...]}, each checked; a problem
 * in item i is at ["body", "messages", i, ...]. */
static int
parse_batch(struct ts_ctx *ctx, struct ts_problem *p, struct ts_message_input **items, size_t *n)
{
	static const char *const fields[] = { "messages", NULL };
	static const char *const loc[] = { "body", "messages", NULL };
	static const char *const dup[] = { "body", "message_id", NULL };
	struct json_object *list = NULL;
	size_t i, j;

	if (ts_v_body(p, ctx->body, &ctx->body_flaws) != 0 || ts_v_known_fields(p, ctx->body, fields) != 0)
		return -1;
	if (!json_object_object_get_ex(ctx->body, "messages", &list) ||
	    !json_object_is_type(list, json_type_array) ||
	    json_object_array_length(list) < 1 || json_object_array_length(list) > TS_MAX_BATCH)
		return ts_problem_invalid(p, loc, "must be an array of 1 to " TS_STR(TS_MAX_BATCH) " messages",
		    "length");
	if ((*items = calloc(json_object_array_length(list), sizeof(**items))) == NULL)
		return ts_problem_set(p, TS_E_INTERNAL, NULL);
	for (i = 0; i < json_object_array_length(list); i++) {
		*n = i + 1;
		if (ts_message_parse(p, json_object_array_get_idx(list, i), &(*items)[i]) != 0)
			break;
		for (j = 0; j < i; j++)
			if ((*items)[i].has_message_id && (*items)[j].has_message_id &&
			    memcmp((*items)[i].message_id, (*items)[j].message_id, 16) == 0) {
				ts_problem_invalid(p, dup, "repeats an earlier item's message_id", "duplicate");
				break;
			}
		if (ts_problem_is_set(p))
			break;
	}
	if (ts_problem_is_set(p)) {
		ts_problem_nest(p, "messages", i);
		return -1;
	}
	return 0;
}

/*
 * The created batch, in the given order, as stored. Like a page, the answer
 * stops before the item that would take it past the response cap; it then
 * says "has_more": true, and the rest, all created, are read with the list.
 * An item repeated idempotently but deleted since is left out.
 */
static void
respond_batch(struct ts_ctx *ctx, const struct ts_added *a)
{
	struct json_object *data = json_object_new_array(), *o = json_object_new_object(), *m;
	const struct ts_db_cell *c;
	size_t i, len, used = TS_LIST_ENVELOPE_BYTES;
	int cut = 0;

	for (i = 0; data != NULL && o != NULL && i < a->n; i++) {
		if ((c = ts_added_cells(a, i)) == NULL)
			continue;
		if ((m = ts_message_json_cells(c, 1)) == NULL)
			break;
		json_object_to_json_string_length(m, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
		used += len + 1;
		if (used > ctx->app->cfg->max_response_bytes && json_object_array_length(data) > 0) {
			json_object_put(m);
			cut = 1;
			break;
		}
		json_object_array_add(data, m);
	}
	if (data == NULL || o == NULL || (i < a->n && !cut)) {
		json_object_put(data);
		json_object_put(o);
		ts_fail(ctx, TS_E_INTERNAL, NULL);
		return;
	}
	json_object_object_add(o, "object", json_object_new_string("list"));
	json_object_object_add(o, "data", data);
	if (cut)
		json_object_object_add(o, "has_more", json_object_new_boolean(1));
	ts_api_answer(ctx, 201, o);
}

void
ts_h_messages_batch(struct ts_ctx *ctx)
{
	struct ts_message_input *items = NULL;
	struct ts_problem invalid;
	struct ts_added a;
	size_t n = 0, i;
	uuid_t tid;

	if (ts_api_need_body(ctx) != 0)
		return;
	ts_problem_init(&invalid);
	ts_path_uuid(ctx, 0, tid);
	(void)parse_batch(ctx, &invalid, &items, &n);
	if (ts_messages_add(&ctx->call, tid, items, n, 1, &invalid, &a) != 0)
		ts_answer_failure(ctx);
	else
		respond_batch(ctx, &a);
	ts_added_free(&a);
	ts_problem_free(&invalid);
	for (i = 0; i < n; i++)
		ts_message_input_free(&items[i]);
	free(items);
}

void
ts_h_message_get(struct ts_ctx *ctx)
{
	struct ts_problem invalid;
	struct ts_db_rows row;
	uuid_t tid, mid;
	int with_details = 1;

	ts_problem_init(&invalid);
	ts_path_uuid(ctx, 0, tid);
	ts_path_uuid(ctx, 1, mid);
	(void)parse_with_details(&invalid, ctx->req->query, &with_details);
	if (ts_message_read(&ctx->call, tid, mid, TS_OP_READ, &invalid, &row) != 0)
		ts_answer_failure(ctx);
	else
		respond_message(ctx, ts_db_cell(&row, 0, 0), 200, with_details);
	ts_db_rows_free(&row);
	ts_problem_free(&invalid);
}
