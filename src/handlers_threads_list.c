/*
 * GET /api/threads: the caller's own threads, or with scope=public the public
 * directory (anyone, while public sharing is on). Keyset pages on row_id,
 * the creation order, newest first by default.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "limits.h"
#include "paging.h"
#include "params.h"
#include "query.h"
#include "settings_store.h"
#include "thread_store.h"
#include "threads.h"


struct list_query {
	int public_scope;
	struct ts_page_request page;
	char *namespace_;       /* NULL: no filter (owned) */
	int visibility;         /* -1: no filter */
	long long bound;        /* row_id the scan starts beyond */
};

/* Whether the raw query asks for the public directory (decided before the
 * 401/403 checks, which come before any 422 in §11's order). */
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

/* 401 for anonymous own-listings, 403 for the directory while sharing is off. */
static int
check_listing_access(struct ts_ctx *ctx, int public_scope)
{
	enum ts_db_status st;
	int on;

	if (!public_scope) {
		if (ctx->principal.authenticated)
			return 0;
		ts_fail(ctx, TS_E_UNAUTHORIZED, NULL);
		return -1;
	}
	if ((st = ts_settings_get_public_sharing(ctx->app->db, &on)) != TS_DB_OK) {
		ts_respond_db_error(ctx, st);
		return -1;
	}
	if (on)
		return 0;
	ts_fail(ctx, TS_E_PUBLIC_SHARING_DISABLED, NULL);
	return -1;
}

/* Resolves the cursor to its row_id; it must name a thread of this listing. */
static int
resolve_cursor(struct ts_ctx *ctx, struct list_query *q)
{
	struct ts_db_rows r;
	enum ts_db_status st;
	int ok;

	if (q->page.kind == TS_CURSOR_NONE) {
		q->bound = ts_page_scan_for(q->page.order, q->page.kind).upward ? 0 : LLONG_MAX;
		return 0;
	}
	if ((st = ts_thread_store_cursor(ctx->app->db, q->page.cursor, &r)) != TS_DB_OK) {
		ts_respond_db_error(ctx, st);
		return -1;
	}
	ok = r.nrows == 1 && (q->public_scope
	    ? strcmp(ts_db_cell(&r, 0, 2)->data, "2") == 0
	    : strcmp(ts_db_cell(&r, 0, 1)->data, ctx->principal.sub) == 0);
	if (ok)
		q->bound = strtoll(ts_db_cell(&r, 0, 0)->data, NULL, 10);
	ts_db_rows_free(&r);
	if (!ok) {
		const char *loc[] = { "query", q->page.cursor_param, NULL };
		ts_fail_validation(ctx, loc, "does not name a thread of this listing", "cursor");
		return -1;
	}
	return 0;
}

static int
read_query(struct ts_ctx *ctx, struct list_query *q)
{
	static const char *const scopes[] = { "public", NULL };
	static const char *const visibilities[] = { "private", "unlisted", "public", NULL };
	int scope;

	q->visibility = -1;
	if (ts_q_enum(ctx, "scope", scopes, &scope) < 0 ||
	    ts_page_params(ctx, TS_MAX_PAGE_LIMIT, TS_DEFAULT_PAGE_LIMIT, &q->page) != 0 ||
	    ts_q_string(ctx, "namespace", TS_MAX_NAMESPACE_POINTS, &q->namespace_) < 0 ||
	    ts_q_enum(ctx, "visibility", visibilities, &q->visibility) < 0)
		return -1;
	/* Only namespace characters: the column's collation ignores trailing
	 * spaces, so "org " would otherwise match "org". */
	if (q->namespace_ != NULL && strspn(q->namespace_, TS_NAMESPACE_CHARS) != strlen(q->namespace_)) {
		static const char *const loc[] = { "query", "namespace", NULL };
		ts_fail_validation(ctx, loc, "may only contain A-Z a-z 0-9 . _ : / -", "value");
		return -1;
	}
	return resolve_cursor(ctx, q);
}

static enum ts_db_status
fetch_page(struct ts_ctx *ctx, const struct list_query *q, int upward, struct ts_db_rows *rows)
{
	struct ts_thread_page_query pq;

	pq.owner = q->public_scope ? NULL : ctx->principal.sub;
	pq.namespace_ = q->namespace_;
	pq.visibility = q->visibility;
	pq.bound = q->bound;
	pq.upward = upward;
	/* One row more than the page tells whether there is more. */
	pq.limit = q->page.limit + 1;
	return ts_thread_store_page(ctx->app->db, &pq, rows);
}

static void
respond_page(struct ts_ctx *ctx, const struct list_query *q, const struct ts_db_rows *rows,
    int reverse)
{
	size_t n = rows->nrows > (size_t)q->page.limit ? (size_t)q->page.limit : rows->nrows;
	struct json_object *data = json_object_new_array_ext((int)n), *env;
	size_t i;

	for (i = 0; data != NULL && i < n; i++) {
		struct json_object *t = ts_thread_json(rows, reverse ? n - 1 - i : i);
		if (t == NULL || json_object_array_add(data, t) != 0) {
			json_object_put(t);
			json_object_put(data);
			data = NULL;
		}
	}
	env = data != NULL ? ts_page_envelope(data, rows->nrows > n, q->page.kind) : NULL;
	if (env == NULL || ts_response_json(ctx->res, 200, env) != 0)
		ts_fail(ctx, TS_E_INTERNAL, NULL);
}

void
ts_h_threads_list(struct ts_ctx *ctx)
{
	struct list_query q;
	struct ts_db_rows rows;
	struct ts_page_scan scan;
	enum ts_db_status st;

	memset(&q, 0, sizeof(q));
	q.public_scope = wants_public(ctx->req);
	if (check_listing_access(ctx, q.public_scope) != 0 || read_query(ctx, &q) != 0)
		goto out;
	scan = ts_page_scan_for(q.page.order, q.page.kind);
	if ((st = fetch_page(ctx, &q, scan.upward, &rows)) != TS_DB_OK) {
		ts_respond_db_error(ctx, st);
		goto out;
	}
	respond_page(ctx, &q, &rows, scan.reverse);
	ts_db_rows_free(&rows);
out:
	free(q.namespace_);
}
