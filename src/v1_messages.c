/*
 * /v1 messages (§10): create, list, retrieve, modify, delete, each through
 * the /api message handlers. Query parameters /v1 does not know are dropped
 * before the /api handler sees them (§11: unknown parameters are ignored).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "params.h"
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
 * The /api list query: the caller's order, after, before and run_id items,
 * copied undecoded (so /api reads and checks them as it does its own), then
 * the checked limit and with_details=false. NULL out of memory.
 */
static char *
list_query(const struct ts_request *req, long long limit)
{
	static const char *const names[] = { "order", "after", "before", "run_id", NULL };
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

void
ts_v1_messages_list(struct ts_ctx *ctx)
{
	struct json_object *api;
	long long limit = TS_V1_DEFAULT_PAGE_LIMIT;
	char *query;

	/* OpenAI's cap is below /api's, so it is checked here. */
	if (ts_q_int(ctx, "limit", 1, TS_V1_MAX_PAGE_LIMIT, &limit) < 0) {
		ts_v1_settle_order(ctx, TS_OP_READ, 0);
		return;
	}
	if ((query = list_query(ctx->req, limit)) == NULL) {
		ts_fail(ctx, TS_E_INTERNAL, NULL);
		return;
	}
	if (ts_v1_call(ctx, ts_h_messages_list, NULL, query)) {
		api = ts_v1_answer(ctx);
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
