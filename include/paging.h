/*
 * Keyset paging shared by the thread and message lists: the page
 * parameters, the scan a page needs, and the list envelope
 * (API reference: schema MessageList; schema ThreadList).
 */
#ifndef TS_PAGING_H
#define TS_PAGING_H

#include <json-c/json.h>
#include <uuid/uuid.h>

#include "problem.h"

enum ts_order { TS_ORDER_ASC, TS_ORDER_DESC };
enum ts_cursor_kind { TS_CURSOR_NONE, TS_CURSOR_AFTER, TS_CURSOR_BEFORE };

struct ts_page_request {
	long long limit;
	enum ts_order order;
	enum ts_cursor_kind kind;
	const char *cursor_param;       /* "after", "before" or "cursor" (static) */
	uuid_t cursor;
};

/*
 * How to read a page: scan keys upwards (key > bound, ascending) or
 * downwards (key < bound, descending) from the cursor, and whether the rows
 * read must be reversed to come out in the requested order.
 */
struct ts_page_scan {
	int upward;
	int reverse;
};

/* The scan for an order and a cursor kind; a pure function. */
struct ts_page_scan ts_page_scan_for(enum ts_order order, enum ts_cursor_kind kind);

/* Reads limit, order, after, before, cursor from the raw query; any two
 * cursors together are 422. Returns 0, or -1 with the problem. */
int ts_page_params(struct ts_problem *p, const char *query, long long max_limit, long long default_limit,
    struct ts_page_request *pr);

/*
 * The list envelope around data (an array of objects with "id"; the call
 * takes over the reference): first_id, last_id, has_more, and next_cursor
 * (last_id when has_more, except on before pages). Returns a new reference.
 */
struct json_object *ts_page_envelope(struct json_object *data, int has_more,
    enum ts_cursor_kind kind);

/*
 * The same envelope for items that are not objects with "id" (message
 * views): first and last are the first and last items' ids (new references
 * the call takes over; NULL for an empty page or a null id).
 */
struct json_object *ts_page_envelope_ids(struct json_object *data, struct json_object *first,
    struct json_object *last, int has_more, enum ts_cursor_kind kind);

#endif
