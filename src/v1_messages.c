/*
 * /v1 messages (§10): create, list, retrieve, modify, delete, each through
 * the /api message handlers. Query parameters /v1 does not know are dropped
 * before the /api handler sees them (§11: unknown parameters are ignored).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "ids.h"
#include "message_table.h"
#include "params.h"
#include "query.h"
#include "v1.h"

/* What /api's one-message routes read: never the details, /v1 has none. */
#define TS_V1_MESSAGE_QUERY "with_details=false"

/* The answer of an /api message handler, as OpenAI's message. */
static void
respond_message(struct ts_ctx *ctx)
{
	struct json_object *api = ts_v1_answer(ctx);

	ts_v1_respond(ctx, ts_v1_message_object(api));
	json_object_put(api);
}

void
ts_v1_message_create(struct ts_ctx *ctx)
{
	struct json_object *body = NULL;

	/* No body: /api's handler answers 400 as it does for its own route. */
	if (ctx->has_body && (body = ts_v1_message_body(ctx, ctx->body)) == NULL) {
		ts_v1_settle_order(ctx, TS_OP_WRITE, 0);
		return;
	}
	if (ts_v1_call(ctx, ts_h_message_create, body, NULL))
		respond_message(ctx);
}

/* Whether the raw query item p[0..n) is one of names' parameters. */
static int
kept(const char *p, size_t n, const char *const *names)
{
	const char *eq = memchr(p, '=', n);
	size_t klen = eq != NULL ? (size_t)(eq - p) : n;

	for (; *names != NULL; names++)
		if (strlen(*names) == klen && memcmp(*names, p, klen) == 0)
			return 1;
	return 0;
}

/*
 * The /api list query: the caller's items named in names (order, after,
 * before, run_id),
 * copied undecoded (so /api reads and checks them as it does its own), then
 * the checked limit and with_details=false. NULL out of memory.
 */
static char *
list_query(const struct ts_request *req, long long limit, const char *const *names)
{
	const char *p = req->query, *end = req->query + req->query_len, *amp;
	size_t cap = req->query_len + TS_V1_QUERY_EXTRA_BYTES, used = 0, n;
	char *q = malloc(cap);

	if (q == NULL)
		return NULL;
	for (; p < end; p = amp + 1) {
		amp = memchr(p, '&', (size_t)(end - p));
		if (amp == NULL)
			amp = end;
		n = (size_t)(amp - p);
		if (!kept(p, n, names))
			continue;
		memcpy(q + used, p, n);
		used += n;
		q[used++] = '&';
	}
	/* At most the whole query plus this tail: cap holds both. */
	snprintf(q + used, cap - used, "limit=%lld&with_details=false", limit);
	return q;
}

/* Whether the raw query holds parameter name, whatever its value. */
static int
has_param(const struct ts_request *req, const char *name)
{
	char *v = NULL;
	size_t len;
	enum ts_query_status st = ts_query_get(req->query, req->query_len, name, &v, &len);

	free(v);
	return st != TS_QUERY_ABSENT;
}

/* The seq of message mid in the routed thread; 0 answered, -1 answered. */
static int
stop_seq(struct ts_ctx *ctx, const uuid_t mid, long long *seq)
{
	static const char *const loc[] = { "query", "before", NULL };
	enum ts_db_status st;
	uuid_t tid;

	ts_uuid_parse(ctx->match->params[0], tid);
	if ((st = ts_message_table_seq(ctx->app->db, tid, mid, seq)) != TS_DB_OK) {
		ts_respond_db_error(ctx, st);
		return -1;
	}
	if (*seq == 0) {
		ts_fail_validation(ctx, loc, "does not name a message of this thread", "cursor");
		return -1;
	}
	return 0;
}

/* The id of item i of data, or JSON null when there is no such item. */
static struct json_object *
id_at(struct json_object *data, size_t i)
{
	struct json_object *id = NULL;

	if (i < json_object_array_length(data))
		json_object_object_get_ex(json_object_array_get_idx(data, i), "id", &id);
	return json_object_get(id);
}

/*
 * after and before together: the items between the two. OpenAI's SDK pages
 * on from a page asked for with before by adding after=<its last id> and
 * keeping before, so this is what makes `for await` work from such a page.
 * The /api page that follows `after` is cut where `before` stands (by seq,
 * in the page's order); if anything was cut there is no more. Returns 0, or
 * -1 answered (a `before` that names no message of the thread is a 422).
 */
static int
cut_at_before(struct ts_ctx *ctx, struct json_object *api, const uuid_t before)
{
	struct json_object *data = NULL, *v;
	char *order = NULL;
	size_t len, keep, n;
	long long stop, seq;
	int asc;

	if (stop_seq(ctx, before, &stop) != 0)
		return -1;
	if (ts_query_get(ctx->req->query, ctx->req->query_len, "order", &order, &len) == TS_QUERY_NOMEM) {
		ts_fail(ctx, TS_E_INTERNAL, NULL);
		return -1;
	}
	/* /api has refused any order but asc and desc already. */
	asc = order != NULL && strcmp(order, "asc") == 0;
	free(order);
	if (!json_object_object_get_ex(api, "data", &data) || !json_object_is_type(data, json_type_array))
		return 0;       /* ts_v1_message_list answers the malformed case */
	n = json_object_array_length(data);
	for (keep = 0; keep < n; keep++) {
		if (!json_object_object_get_ex(json_object_array_get_idx(data, keep), "seq", &v))
			break;
		seq = json_object_get_int64(v);
		if (asc ? seq >= stop : seq <= stop)
			break;
	}
	if (keep == n)
		return 0;
	json_object_array_del_idx(data, keep, n - keep);
	json_object_object_add(api, "has_more", json_object_new_boolean(0));
	json_object_object_add(api, "first_id", id_at(data, 0));
	json_object_object_add(api, "last_id", keep > 0 ? id_at(data, keep - 1) : NULL);
	return 0;
}

void
ts_v1_messages_list(struct ts_ctx *ctx)
{
	static const char *const names[] = { "order", "after", "before", "run_id", NULL };
	static const char *const range_names[] = { "order", "after", "run_id", NULL };
	struct json_object *api;
	long long limit = TS_V1_DEFAULT_PAGE_LIMIT;
	int range = has_param(ctx->req, "after") && has_param(ctx->req, "before");
	uuid_t before;
	char *query;

	/* OpenAI's cap is below /api's, so it is checked here, and so is the
	 * before of a range, which /api does not see. */
	if (ts_q_int(ctx, "limit", 1, TS_V1_MAX_PAGE_LIMIT, &limit) < 0 ||
	    (range && ts_q_uuid(ctx, "before", before) < 0)) {
		ts_v1_settle_order(ctx, TS_OP_READ, 0);
		return;
	}
	if ((query = list_query(ctx->req, limit, range ? range_names : names)) == NULL) {
		ts_fail(ctx, TS_E_INTERNAL, NULL);
		return;
	}
	if (ts_v1_call(ctx, ts_h_messages_list, NULL, query)) {
		api = ts_v1_answer(ctx);
		if (!range || cut_at_before(ctx, api, before) == 0)
			ts_v1_respond(ctx, ts_v1_message_list(api));
		json_object_put(api);
	}
	free(query);
}

void
ts_v1_message_get(struct ts_ctx *ctx)
{
	char query[] = TS_V1_MESSAGE_QUERY;

	if (ts_v1_call(ctx, ts_h_message_get, NULL, query))
		respond_message(ctx);
}

void
ts_v1_message_modify(struct ts_ctx *ctx)
{
	static const char *const fields[] = { "metadata", NULL };
	struct json_object *body = ts_v1_metadata_body(ctx, fields);

	if (body == NULL) {
		ts_v1_settle_order(ctx, TS_OP_WRITE, 1);
		return;
	}
	if (ts_v1_call(ctx, ts_h_message_patch, body, NULL))
		respond_message(ctx);
}

void
ts_v1_message_delete(struct ts_ctx *ctx)
{
	if (ts_v1_call(ctx, ts_h_message_delete, NULL, NULL))
		ts_v1_respond_deleted(ctx, 1, "thread.message.deleted");
}
