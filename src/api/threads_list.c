/*
 * GET /api/threads: the caller's own threads, or with scope=public the
 * public directory (src/ops/thread_list.c). Newest first by default.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "ts_limits.h"
#include "params.h"
#include "query.h"
#include "thread_ops.h"

/* Whether the raw query asks for the public directory: decided before the
 * 401/403 checks, which come before any 422
 * (API reference: Choices where the contract is silent). */
static int
wants_public(const struct ts_request *req)
{
	char *v = NULL;
	size_t len;
	int yes = ts_query_get(req->query, strlen(req->query), "scope", &v, &len) == TS_QUERY_FOUND &&
	    strcmp(v, "public") == 0;

	free(v);
	return yes;
}

static int
parse_query(struct ts_problem *p, const char *query, struct ts_thread_query *q)
{
	static const char *const scopes[] = { "public", NULL };
	static const char *const visibilities[] = { "private", "unlisted", "public", NULL };
	static const char *const loc[] = { "query", "namespace", NULL };
	int scope;

	if (ts_q_enum(p, query, "scope", scopes, &scope) < 0 ||
	    ts_page_params(p, query, TS_MAX_PAGE_LIMIT, TS_DEFAULT_PAGE_LIMIT, &q->page) != 0 ||
	    ts_q_string(p, query, "namespace", TS_MAX_NAMESPACE_POINTS, &q->namespace_) < 0 ||
	    ts_q_enum(p, query, "visibility", visibilities, &q->visibility) < 0)
		return -1;
	/* Only namespace characters: the column's collation ignores trailing
	 * spaces, so "org " would otherwise match "org". */
	if (q->namespace_ != NULL && strspn(q->namespace_, TS_NAMESPACE_CHARS) != strlen(q->namespace_))
		return ts_problem_invalid(p, loc, "may only contain " TS_NAMESPACE_CHARS_TEXT, "value");
	return 0;
}

static void
respond_page(struct ts_ctx *ctx, const struct ts_thread_page *pg)
{
	struct json_object *data = json_object_new_array_ext((int)pg->n), *t;
	size_t i;

	for (i = 0; data != NULL && i < pg->n; i++) {
		t = ts_api_thread_json(&pg->rows, ts_thread_page_row(pg, i));
		if (t == NULL || json_object_array_add(data, t) != 0) {
			json_object_put(t);
			json_object_put(data);
			data = NULL;
		}
	}
	ts_api_answer(ctx, 200, data != NULL ? ts_page_envelope(data, pg->has_more, pg->kind) : NULL);
}

void
ts_h_threads_list(struct ts_ctx *ctx)
{
	struct ts_thread_query q;
	struct ts_thread_page pg;
	struct ts_problem invalid;

	memset(&q, 0, sizeof(q));
	q.visibility = -1;
	q.public_scope = wants_public(ctx->req);
	ts_problem_init(&invalid);
	(void)parse_query(&invalid, ctx->req->query, &q);
	if (ts_threads_list(&ctx->call, &q, &invalid, &pg) != 0)
		ts_answer_failure(ctx);
	else
		respond_page(ctx, &pg);
	ts_thread_page_free(&pg);
	ts_problem_free(&invalid);
	ts_thread_query_free(&q);
}
