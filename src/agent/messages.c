/*
 * The agent platform's thread messages: list, create, clear, the context
 * and delete one, each for both path forms (with and without the app).
 * Every handler binds the call to the path's namespace first
 * (ts_call.namespace_), so every operation finds only the threads in it.
 */
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "json_out.h"
#include "message_ops.h"

/* The path of the request (checked by ts_agent_path_ids before the
 * handler runs), its thread id, and the call bound to its namespace. */
static void
bind_path(struct ts_ctx *ctx, struct ts_agent_path *path, uuid_t tid)
{
	(void)ts_agent_path_of(ctx->match, path);
	ts_path_uuid(ctx, path->thread_idx, tid);
	ctx->call.namespace_ = path->namespace_;
}

static void
unbind(struct ts_ctx *ctx)
{
	ctx->call.namespace_ = NULL;    /* it pointed into the handler's frame */
}

/*
 * The page as the platform's list, no larger than the response cap (at
 * least one message: has_more is then true and next_cursor moves on from
 * the last one answered).
 */
static void
respond_list(struct ts_ctx *ctx, const struct ts_agent_path *path, const struct ts_message_page *pg)
{
	struct json_object *list = json_object_new_array_ext((int)pg->n), *o, *id, *last = NULL;
	size_t i, used = TS_LIST_ENVELOPE_BYTES;
	int has_more = pg->has_more, rc = 1;

	for (i = 0; list != NULL && rc == 1 && i < pg->n; i++) {
		id = NULL;
		if ((o = ts_agent_message_object(pg->cells[i], path)) != NULL &&
		    json_object_object_get_ex(o, "message_id", &id))
			json_object_get(id);
		if ((rc = ts_json_list_put_capped(list, o, &used, ctx->call.cfg->max_response_bytes)) == 1) {
			json_object_put(last);
			last = id;
			continue;
		}
		json_object_put(id);
		if (rc < 0) {
			json_object_put(list);
			list = NULL;
		}
		has_more = 1;
	}
	if (list == NULL)
		json_object_put(last);
	if (list == NULL || (o = ts_agent_list_object(list, pg->total, has_more, last)) == NULL ||
	    ts_response_json(ctx->res, 200, o) != 0)
		ts_fail(ctx, TS_E_INTERNAL, NULL);
}

void
ts_agent_messages_list(struct ts_ctx *ctx)
{
	struct ts_agent_path path;
	struct ts_message_query q;
	struct ts_message_page pg;
	struct ts_problem invalid;
	uuid_t tid;

	bind_path(ctx, &path, tid);
	ts_message_query_init(&q);
	ts_problem_init(&invalid);
	(void)ts_agent_parse_list(&invalid, ctx->req->query, &q);
	if (ts_messages_page(&ctx->call, tid, &q, &invalid, &pg) != 0)
		ts_answer_failure(ctx);
	else
		respond_list(ctx, &path, &pg);
	ts_message_page_free(&pg);
	ts_problem_free(&invalid);
	ts_message_query_free(&q);
	unbind(ctx);
}

static void
respond_message(struct ts_ctx *ctx, int status, const struct ts_db_cell *c, const struct ts_agent_path *path)
{
	struct json_object *o = c != NULL ? ts_agent_message_object(c, path) : NULL;

	if (o == NULL || ts_response_json(ctx->res, status, o) != 0)
		ts_fail(ctx, TS_E_INTERNAL, NULL);
}

/* The call's problem is gone (a step that failed is tried another way). */
static void
forget_problem(struct ts_ctx *ctx)
{
	ts_problem_free(&ctx->call.problem);
	ts_problem_init(&ctx->call.problem);
}

/*
 * A message to a thread that does not exist starts it (the platform's
 * threads come into being with their first message): private, the
 * caller's, in the path's namespace. 0 with *row the message as stored,
 * or -1 with the problem; 1: the thread id is taken (the caller adds
 * again: a concurrent first message started it, or it is outside the
 * namespace).
 */
static int
start_thread(struct ts_ctx *ctx, const uuid_t tid, struct ts_message_input *in, struct ts_problem *invalid,
    struct ts_db_rows *row)
{
	struct ts_thread t;

	memset(row, 0, sizeof(*row));
	/* The id is chosen here, so that the message can be read back. */
	if (!in->has_message_id) {
		uuid_generate_random(in->message_id);
		in->has_message_id = 1;
	}
	if (ts_thread_start(&ctx->call, tid, "{}", in, 1, invalid, &t) != 0)
		return ctx->call.problem.error == TS_E_CONFLICT ? 1 : -1;
	ts_thread_release(&t);
	return ts_message_read(&ctx->call, tid, in->message_id, TS_OP_READ, NULL, row);
}

/* Whether thread tid exists in any namespace (a failure to tell counts as
 * yes): what tells a thread taken outside the path's namespace (404) from
 * a client's message id that names another thread's message (409). */
static int
exists_elsewhere(struct ts_ctx *ctx, const uuid_t tid)
{
	struct ts_call c = ctx->call;
	struct ts_thread t;
	int exists;

	c.namespace_ = NULL;
	ts_problem_init(&c.problem);    /* the copy's own; ctx's stays */
	if (ts_thread_open(&c, tid, TS_OP_READ, &t) == 0)
		ts_thread_release(&t);
	exists = c.problem.error != TS_E_NOT_FOUND;
	ts_problem_free(&c.problem);
	return exists;
}

void
ts_agent_message_create(struct ts_ctx *ctx)
{
	struct ts_agent_path path;
	struct ts_message_input in;
	struct json_object *api = NULL;
	struct ts_problem invalid, taken;
	struct ts_db_rows row;
	struct ts_added a;
	int client_id, rc;
	uuid_t tid;

	bind_path(ctx, &path, tid);
	memset(&in, 0, sizeof(in));
	memset(&row, 0, sizeof(row));
	memset(&a, 0, sizeof(a));
	ts_problem_init(&invalid);
	ts_problem_init(&taken);
	if (!ctx->has_body) {
		ts_fail(ctx, TS_E_INVALID_JSON, "Request body required");
		goto out;
	}
	(void)ts_agent_parse_create(&invalid, ctx->body, &ctx->body_flaws, &path, tid, &in, &api);
	client_id = in.has_message_id;
	if ((rc = ts_messages_add(&ctx->call, tid, &in, 1, 0, &invalid, &a)) == 0) {
		respond_message(ctx, ts_added_existing(&a, 0) ? 200 : 201, ts_added_cells(&a, 0), &path);
		goto out;
	}
	if (ctx->call.problem.error != TS_E_NOT_FOUND || uuid_is_null(tid)) {
		ts_answer_failure(ctx);
		goto out;
	}
	forget_problem(ctx);
	if ((rc = start_thread(ctx, tid, &in, &invalid, &row)) == 0) {
		respond_message(ctx, 201, ts_db_cell(&row, 0, 0), &path);
		goto out;
	}
	if (rc < 0) {
		ts_answer_failure(ctx);
		goto out;
	}
	/* Taken: add again. A 404 then means the thread is outside the
	 * namespace, unless it is nowhere and the client's message id was
	 * what clashed. */
	ts_problem_move(&taken, &ctx->call.problem);
	in.has_message_id = client_id;
	ts_added_free(&a);
	if (ts_messages_add(&ctx->call, tid, &in, 1, 0, &invalid, &a) == 0)
		respond_message(ctx, ts_added_existing(&a, 0) ? 200 : 201, ts_added_cells(&a, 0), &path);
	else if (ctx->call.problem.error == TS_E_NOT_FOUND && client_id && !exists_elsewhere(ctx, tid))
		ts_answer_problem(ctx, &taken);
	else
		ts_answer_failure(ctx);
out:
	ts_db_rows_free(&row);
	ts_added_free(&a);
	ts_message_input_free(&in);
	json_object_put(api);   /* after the input, which borrows from it */
	ts_problem_free(&taken);
	ts_problem_free(&invalid);
	unbind(ctx);
}

void
ts_agent_messages_clear(struct ts_ctx *ctx)
{
	struct ts_agent_path path;
	uuid_t tid;

	bind_path(ctx, &path, tid);
	if (ts_messages_clear(&ctx->call, tid) != 0)
		ts_answer_failure(ctx);
	else if (ts_response_null(ctx->res, 200) != 0)
		ts_fail(ctx, TS_E_INTERNAL, NULL);
	unbind(ctx);
}

static void
respond_context(struct ts_ctx *ctx, const struct ts_context *cx)
{
	struct json_object *o = json_object_new_object(), *list = json_object_new_array_ext((int)cx->count), *m;
	size_t i;

	for (i = 0; o != NULL && list != NULL && i < cx->count; i++) {
		if ((m = ts_agent_context_message(cx->picked[i])) == NULL)
			break;
		json_object_array_add(list, m);
	}
	if (o == NULL || list == NULL || i < cx->count) {
		json_object_put(o);
		json_object_put(list);
		ts_fail(ctx, TS_E_INTERNAL, NULL);
		return;
	}
	json_object_object_add(o, "messages", list);
	json_object_object_add(o, "total_tokens", json_object_new_int64(cx->used));
	json_object_object_add(o, "message_count", json_object_new_int64((int64_t)cx->count));
	json_object_object_add(o, "truncated", json_object_new_boolean(cx->truncated));
	if (ts_response_json(ctx->res, 200, o) != 0)
		ts_fail(ctx, TS_E_INTERNAL, NULL);
}

void
ts_agent_messages_context(struct ts_ctx *ctx)
{
	struct ts_agent_path path;
	struct ts_context_query q;
	struct ts_problem invalid;
	struct ts_context cx;
	uuid_t tid;

	bind_path(ctx, &path, tid);
	ts_problem_init(&invalid);
	/* The body is optional: the document's example sends only the path's
	 * copies. */
	(void)ts_agent_parse_context(&invalid, ctx->has_body ? ctx->body : NULL, &ctx->body_flaws, &path, tid, &q);
	if (ts_messages_context(&ctx->call, tid, &q, &invalid, &cx) != 0)
		ts_answer_failure(ctx);
	else
		respond_context(ctx, &cx);
	ts_context_free(&cx);
	ts_problem_free(&invalid);
	unbind(ctx);
}

/* The message's created_at is the timestamp given (to the millisecond):
 * 0, or -1 with 404, as for a key that names no message. */
static int
timestamp_matches(struct ts_ctx *ctx, const struct ts_db_rows *row, const char *ts)
{
	const struct ts_db_cell *c = ts_db_cell(row, 0, TS_MC_CREATED_AT);

	if (c->data != NULL && c->len == strlen(ts) && memcmp(c->data, ts, c->len) == 0)
		return 0;
	return ts_problem_set(&ctx->call.problem, TS_E_NOT_FOUND, "Message not found");
}

void
ts_agent_message_delete(struct ts_ctx *ctx)
{
	struct ts_agent_path path;
	struct ts_problem invalid;
	struct ts_db_rows row;
	char ts[TS_DB_TIME_LEN + 1];
	uuid_t tid, mid;
	int has_ts;

	bind_path(ctx, &path, tid);
	ts_path_uuid(ctx, path.message_idx, mid);
	memset(&row, 0, sizeof(row));
	ts_problem_init(&invalid);
	has_ts = ts_agent_parse_timestamp(&invalid, ctx->req->query, ts);
	/* With a timestamp (or a bad one, a 422 after the 404s) the message is
	 * read first, to be checked against it. */
	if ((has_ts != 0 && (ts_message_read(&ctx->call, tid, mid, TS_OP_WRITE, &invalid, &row) != 0 ||
	    timestamp_matches(ctx, &row, ts) != 0)) || ts_message_remove(&ctx->call, tid, mid) != 0)
		ts_answer_failure(ctx);
	else if (ts_response_null(ctx->res, 200) != 0)
		ts_fail(ctx, TS_E_INTERNAL, NULL);
	ts_db_rows_free(&row);
	ts_problem_free(&invalid);
	unbind(ctx);
}
