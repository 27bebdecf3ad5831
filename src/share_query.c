/*
 * The query of a shared thread's page, the same for the JSON route and the
 * HTML page (API reference: GET /api/shared/{token}/messages): limit,
 * order, and a seq as the cursor (after, before, or cursor for after).
 */
#include <string.h>

#include "ts_limits.h"
#include "params.h"
#include "share_ops.h"

int
ts_shared_query_parse(struct ts_problem *p, const char *query, long long default_limit,
    struct ts_shared_query *q)
{
	static const char *const orders[] = { "asc", "desc", NULL };
	static const char *const names[] = { "after", "before", "cursor" };
	static const enum ts_cursor_kind kinds[] = { TS_CURSOR_AFTER, TS_CURSOR_BEFORE, TS_CURSOR_AFTER };
	long long seq;
	int order = TS_ORDER_ASC, rc;
	size_t i;

	memset(q, 0, sizeof(*q));
	q->limit = default_limit;
	q->order = TS_ORDER_ASC;
	q->with_details = 1;
	if (ts_q_int(p, query, "limit", 1, TS_MAX_PAGE_LIMIT, &q->limit) < 0 ||
	    ts_q_enum(p, query, "order", orders, &order) < 0)
		return -1;
	q->order = (enum ts_order)order;
	for (i = 0; i < 3; i++) {
		if ((rc = ts_q_int(p, query, names[i], 0, TS_MAX_SEQ, &seq)) < 0)
			return -1;
		if (rc == 0)
			continue;
		if (q->kind != TS_CURSOR_NONE) {
			const char *loc[] = { "query", names[i], NULL };
			return ts_problem_invalid(p, loc, "after, before and cursor exclude each other", "conflict");
		}
		q->kind = kinds[i];
		q->cursor = seq;
	}
	return 0;
}
