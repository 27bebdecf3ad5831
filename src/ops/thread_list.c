/*
 * Listing threads: the caller's own, or with the public scope the public
 * directory (anyone, while public sharing is on). Keyset pages on row_id,
 * the creation order; one statement and one index per filter combination
 * (src/thread_store.c).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "settings_store.h"
#include "thread_ops.h"
#include "thread_store.h"

void
ts_thread_query_free(struct ts_thread_query *q)
{
	free(q->namespace_);
	q->namespace_ = NULL;
}

void
ts_thread_page_free(struct ts_thread_page *pg)
{
	ts_db_rows_free(&pg->rows);
	memset(pg, 0, sizeof(*pg));
}

size_t
ts_thread_page_row(const struct ts_thread_page *pg, size_t i)
{
	return pg->reverse ? pg->n - 1 - i : i;
}

/* 401 for anonymous own-listings, 403 for the directory while sharing is off. */
static int
listing_allowed(struct ts_call *c, int public_scope)
{
	enum ts_db_status st;
	int on;

	if (!public_scope)
		return ts_call_sub(c) != NULL ? 0 : ts_problem_set(&c->problem, TS_E_UNAUTHORIZED, NULL);
	if ((st = ts_settings_get_public_sharing(c->db, &on)) != TS_DB_OK)
		return ts_call_db(c, st);
	return on ? 0 : ts_problem_set(&c->problem, TS_E_PUBLIC_SHARING_DISABLED, NULL);
}

/* The row_id a page starts beyond: its cursor's, which must name a thread
 * of this listing (422), or the end the scan starts from. */
static int
page_bound(struct ts_call *c, const struct ts_thread_query *q, int upward, long long *bound)
{
	const struct ts_page_request *pr = &q->page;
	struct ts_db_rows r;
	enum ts_db_status st;
	int ok;

	if (pr->kind == TS_CURSOR_NONE) {
		*bound = upward ? 0 : LLONG_MAX;
		return 0;
	}
	if ((st = ts_thread_store_cursor(c->db, pr->cursor, &r)) != TS_DB_OK)
		return ts_call_db(c, st);
	ok = r.nrows == 1 && (q->public_scope
	    ? strcmp(ts_db_cell(&r, 0, 2)->data, "2") == 0
	    : strcmp(ts_db_cell(&r, 0, 1)->data, ts_call_sub(c)) == 0);
	if (ok)
		*bound = strtoll(ts_db_cell(&r, 0, 0)->data, NULL, 10);
	ts_db_rows_free(&r);
	if (!ok) {
		const char *loc[] = { "query", pr->cursor_param, NULL };
		return ts_problem_invalid(&c->problem, loc, "does not name a thread of this listing", "cursor");
	}
	return 0;
}

int
ts_threads_list(struct ts_call *c, const struct ts_thread_query *q, struct ts_problem *invalid,
    struct ts_thread_page *out)
{
	struct ts_thread_page_query pq;
	struct ts_page_scan scan;
	enum ts_db_status st;

	memset(out, 0, sizeof(*out));
	if (listing_allowed(c, q->public_scope) != 0 || ts_call_check(c, invalid) != 0)
		return -1;
	scan = ts_page_scan_for(q->page.order, q->page.kind);
	if (page_bound(c, q, scan.upward, &pq.bound) != 0)
		return -1;
	pq.owner = q->public_scope ? NULL : ts_call_sub(c);
	pq.namespace_ = q->namespace_;
	pq.visibility = q->visibility;
	pq.upward = scan.upward;
	/* One row more than the page tells whether there is more. */
	pq.limit = q->page.limit + 1;
	if ((st = ts_thread_store_page(c->db, &pq, &out->rows)) != TS_DB_OK)
		return ts_call_db(c, st);
	out->n = out->rows.nrows > (size_t)q->page.limit ? (size_t)q->page.limit : out->rows.nrows;
	out->has_more = out->rows.nrows > out->n;
	out->reverse = scan.reverse;
	out->kind = q->page.kind;
	return 0;
}
