/*
 * Running an /api handler on behalf of a /v1 route: the request's body and
 * query are swapped for their /api form for the length of the call, and the
 * handler's answer is then read back and replaced by OpenAI's object.
 */
#include <stdint.h>
#include <string.h>

#include "ids.h"
#include "limits.h"
#include "message_table.h"
#include "threads.h"
#include "v1.h"

int
ts_v1_call(struct ts_ctx *ctx, ts_handler_fn h, struct json_object *body, char *query)
{
	char empty[1] = "";
	struct json_object *saved_body = ctx->body;
	int saved_has_body = ctx->has_body;
	char *saved_query = ctx->req->query;
	size_t saved_len = ctx->req->query_len;

	/* The handler only reads these; the request's own are put back below,
	 * so the dispatcher still frees what it owns. */
	ctx->body = body;
	ctx->has_body = body != NULL;
	ctx->req->query = query != NULL ? query : empty;
	ctx->req->query_len = strlen(ctx->req->query);
	h(ctx);
	ctx->body = saved_body;
	ctx->has_body = saved_has_body;
	ctx->req->query = saved_query;
	ctx->req->query_len = saved_len;
	json_object_put(body);
	return !ctx->res->is_error && ctx->res->status >= 200 && ctx->res->status < 300;
}

/*
 * The /api answer is our own output, so json-c's tokener needs none of
 * json_in's checks; but a stored value may nest as deep as a request body
 * (TS_MAX_JSON_DEPTH) below the list envelope, the message and its field,
 * deeper than the tokener's default of 32 levels.
 */
#define TS_V1_ANSWER_DEPTH (TS_MAX_JSON_DEPTH + 8)

struct json_object *
ts_v1_answer(struct ts_ctx *ctx)
{
	struct json_tokener *tok;
	struct json_object *o;

	if (ctx->res->body == NULL || ctx->res->body_len > (size_t)INT32_MAX ||
	    (tok = json_tokener_new_ex(TS_V1_ANSWER_DEPTH)) == NULL)
		return NULL;
	o = json_tokener_parse_ex(tok, ctx->res->body, (int)ctx->res->body_len);
	json_tokener_free(tok);
	return o;
}

void
ts_v1_respond(struct ts_ctx *ctx, struct json_object *obj)
{
	if (obj == NULL || ts_response_json(ctx->res, 200, obj) != 0) {
		ts_fail(ctx, TS_E_INTERNAL, NULL);
		return;
	}
	/* /v1 creates answer 200 and name no Location (§11). */
	ts_response_drop_header(ctx->res, "Location");
}

void
ts_v1_respond_deleted(struct ts_ctx *ctx, size_t idx, const char *object)
{
	struct json_object *o = json_object_new_object();
	char id[TS_UUID_STR_LEN + 1];
	uuid_t u;

	if (o == NULL || idx >= ctx->match->nparams || ts_uuid_parse(ctx->match->params[idx], u) != 0) {
		json_object_put(o);
		ts_fail(ctx, TS_E_INTERNAL, NULL);
		return;
	}
	ts_uuid_format(u, id);
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "object", json_object_new_string(object));
	json_object_object_add(o, "deleted", json_object_new_boolean(1));
	ts_v1_respond(ctx, o);
}

void
ts_v1_settle_order(struct ts_ctx *ctx, enum ts_op op, int with_message)
{
	struct ts_thread t;
	enum ts_db_status st;
	long long seq;
	uuid_t tid, mid;

	if (!ctx->res->is_error || ctx->res->error != TS_E_VALIDATION)
		return;         /* a 500 (out of memory) stands as it is */
	if (ctx->match->nparams < 1 || ts_uuid_parse(ctx->match->params[0], tid) != 0)
		return;
	if (ts_thread_load(ctx, tid, op, &t) != 0)
		return;         /* 404, 401, 403 or 503 replaced the 422 */
	ts_thread_release(&t);
	if (!with_message || ctx->match->nparams < 2 || ts_uuid_parse(ctx->match->params[1], mid) != 0)
		return;
	if ((st = ts_message_table_seq(ctx->app->db, tid, mid, &seq)) != TS_DB_OK) {
		ts_respond_db_error(ctx, st);
		return;
	}
	if (seq == 0)
		ts_fail(ctx, TS_E_NOT_FOUND, "Message not found");
}
