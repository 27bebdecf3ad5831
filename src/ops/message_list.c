/*
 * Paging through a thread's messages
 * (API reference: GET /api/threads/{thread_id}/messages): keyset pages on
 * the clustered key (thread_id, seq), thinned by the filters through the
 * bounded range reads of message_ranges.h, cut at the response cap.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "message_ops.h"
#include "message_ranges.h"
#include "message_table.h"
#include "message_view.h"
#include "page_cache.h"
#include "roles.h"

void
ts_message_query_init(struct ts_message_query *q)
{
	memset(q, 0, sizeof(*q));
	q->limit = TS_DEFAULT_PAGE_LIMIT;
	q->order = TS_ORDER_DESC;
	q->role_mask = TS_ALL_ROLES;
	q->with_details = 1;
}

void
ts_message_query_free(struct ts_message_query *q)
{
	free(q->run_id);
	q->run_id = NULL;
}

void
ts_message_page_free(struct ts_message_page *pg)
{
	ts_db_rows_free(&pg->rows);
	ts_kept_page_release(pg->kept);
	memset(pg, 0, sizeof(*pg));
}

static int
filtered(const struct ts_message_query *q)
{
	return q->role_mask != TS_ALL_ROLES || q->run_id != NULL || q->has_created_after ||
	    q->has_created_before;
}

/* The cursor a page is read from: after, else before (both: after, with
 * before as the far bound). */
static enum ts_cursor_kind
cursor_kind(const struct ts_message_query *q)
{
	return q->has_after ? TS_CURSOR_AFTER : q->has_before ? TS_CURSOR_BEFORE : TS_CURSOR_NONE;
}

int
ts_message_page_cut(struct ts_call *c, size_t n, long long limit, int with_details, int reverse,
    struct ts_message_page *out)
{
	struct ts_message_scratch scratch;
	size_t i, fit, budget = c->cfg->max_response_bytes - TS_LIST_ENVELOPE_BYTES;
	const struct ts_db_cell *tmp;

	out->n = n > (size_t)limit ? (size_t)limit : n;
	if (ts_message_scratch_init(&scratch) != 0)
		return ts_problem_set(&c->problem, TS_E_INTERNAL, NULL);
	fit = ts_message_page_fit(out->cells, out->n, with_details, &scratch, budget);
	ts_message_scratch_free(&scratch);
	if (fit < out->n)
		out->n = fit;
	out->has_more = n > out->n;
	for (i = 0; reverse && i < out->n / 2; i++) {
		tmp = out->cells[i];
		out->cells[i] = out->cells[out->n - 1 - i];
		out->cells[out->n - 1 - i] = tmp;
	}
	return 0;
}

/* Fills out from rows (out's own or its kept page's; message columns from
 * column col, read nearest the cursor first) and cuts the page
 * (ts_message_page_cut). */
static int
take_page(struct ts_call *c, const struct ts_message_query *q, const struct ts_db_rows *rows, size_t col,
    int reverse, struct ts_message_page *out)
{
	size_t n;

	for (n = 0; n < rows->nrows && n < TS_MAX_PAGE_LIMIT + 1; n++)
		out->cells[n] = ts_db_cell(rows, n, col);
	return ts_message_page_cut(c, n, q->limit, q->with_details, reverse, out);
}

/*
 * Access on a page statement's thread columns (row, from TS_PC_OWNER):
 * 0 readable, -1 refused (the call's answer is set), 1 allowed yet read as
 * a caller who may not read it (the long way decides).
 */
static int
page_access(struct ts_call *c, const struct ts_db_cell *row)
{
	if (ts_thread_allows(c, &row[TS_PC_SHARING_FLAG], &row[TS_PC_VISIBILITY], row[TS_PC_OWNER].data,
	    TS_OP_READ) != 0)
		return -1;
	return row[TS_PC_READABLE].data != NULL && strcmp(row[TS_PC_READABLE].data, "1") == 0 ? 0 : 1;
}

/* What the one statement is asked for q: the key its page is kept under. */
static struct ts_page_key
page_key(const struct ts_call *c, const uuid_t tid, const struct ts_message_query *q)
{
	struct ts_page_key k = { tid, q->has_after ? q->after : q->has_before ? q->before : NULL,
		ts_page_scan_for(q->order, cursor_kind(q)).upward, q->limit + 1, ts_call_sub(c) };

	return k;
}

/*
 * Page k when the worker keeps it (include/page_cache.h): the thread's row
 * is read alone and decides, as it is now: no thread is the 404, a refused
 * caller the 401 or 403 (from the row, whatever was kept), and the kept rows
 * are the page while the row_id and page_version are those they were read
 * at. 0 or -1: done; 1: not kept, or no longer the page (forgotten), and
 * the page statement is to run.
 */
static int
kept_page(struct ts_call *c, const struct ts_page_key *k, const struct ts_message_query *q, int reverse,
    struct ts_message_page *out)
{
	struct ts_db_rows thread;
	const struct ts_db_cell *row;
	long long row_id, version;
	enum ts_db_status st;
	int rc;

	if (!ts_page_cache_peek(c->pages, k, &row_id, &version))
		return 1;
	if ((st = ts_message_table_page_thread(c->db, k->tid, k->caller, &thread)) != TS_DB_OK)
		return ts_call_db(c, st);
	if (thread.nrows != 1) {
		ts_db_rows_free(&thread);
		return ts_thread_missing(c);
	}
	row = ts_db_cell(&thread, 0, 0);
	if ((rc = page_access(c, row)) < 0) {
		ts_db_rows_free(&thread);
		return -1;
	}
	if (rc == 0 && row[TS_PC_ROW_ID].data != NULL && row[TS_PC_PAGE_VERSION].data != NULL &&
	    strtoll(row[TS_PC_ROW_ID].data, NULL, 10) == row_id &&
	    strtoll(row[TS_PC_PAGE_VERSION].data, NULL, 10) == version &&
	    (out->kept = ts_page_cache_lend(c->pages, k)) != NULL) {
		out->total = strtoll(row[TS_PC_MESSAGE_COUNT].data, NULL, 10);
		ts_db_rows_free(&thread);
		return take_page(c, q, ts_kept_page_rows(out->kept), TS_PC_MESSAGE, reverse, out);
	}
	ts_db_rows_free(&thread);
	ts_page_cache_drop(c->pages, k);
	return 1;
}

/* Keeps page k's rows (NULL: the thread only), read at the thread's row_id
 * and page_version in the row's columns: the kept page lent, or NULL. */
static struct ts_kept_page *
keep_page(struct ts_call *c, const struct ts_page_key *k, const struct ts_db_cell *row,
    const struct ts_db_rows *rows)
{
	if (row[TS_PC_ROW_ID].data == NULL || row[TS_PC_PAGE_VERSION].data == NULL)
		return NULL;
	return ts_page_cache_put(c->pages, k, rows, strtoll(row[TS_PC_ROW_ID].data, NULL, 10),
	    strtoll(row[TS_PC_PAGE_VERSION].data, NULL, 10));
}

/*
 * An unfiltered page in one statement (TS_SQL_PAGE_*): the rows come with
 * the thread's owner and visibility and the sharing flag, read in the same
 * round trip, and access is decided on them (a forbidden thread's rows are
 * dropped here, never answered). 0 or -1: done; 1: no row came back, which
 * the statement cannot tell apart (no such thread, a cursor that is not a
 * message of the thread, an empty page), or the statement read the caller
 * as one who may not read the thread while the access matrix allows it
 * (then the row is not the page), so the caller asks the statements that
 * can, in the order of checks (API reference: Order of checks). A 401 or
 * 403 reads one message, not a page (PAGE_READABLE in sql.c). A page read
 * before is served from the worker's kept pages while the thread has not
 * changed (kept_page), and a page read is kept.
 */
static int
one_statement_page(struct ts_call *c, const uuid_t tid, const struct ts_message_query *q,
    struct ts_message_page *out)
{
	struct ts_page_scan scan = ts_page_scan_for(q->order, cursor_kind(q));
	const struct ts_page_key k = page_key(c, tid, q);
	const struct ts_db_cell *first;
	enum ts_db_status st;
	int rc;

	if ((rc = kept_page(c, &k, q, scan.reverse, out)) != 1)
		return rc;
	st = ts_message_table_page(c->db, tid, k.cursor, k.caller, scan.upward, k.limit, &out->rows);
	if (st != TS_DB_OK)
		return ts_call_db(c, st);
	if (out->rows.nrows == 0) {
		ts_db_rows_free(&out->rows);
		return 1;
	}
	first = ts_db_cell(&out->rows, 0, 0);
	if ((rc = page_access(c, first)) != 0) {
		/* Refused: the next refusal needs the thread's row alone. */
		if (rc < 0)
			(void)keep_page(c, &k, first, NULL);
		/* Allowed, yet read as a caller who may not read it: not the page. */
		if (rc > 0)
			ts_db_rows_free(&out->rows);
		return rc;
	}
	out->kept = keep_page(c, &k, first, &out->rows);
	out->total = strtoll(first[TS_PC_MESSAGE_COUNT].data, NULL, 10);
	return take_page(c, q, &out->rows, TS_PC_MESSAGE, scan.reverse, out);
}

/* The seq of cursor message id, which must be a live message of the thread. */
static int
cursor_seq(struct ts_call *c, const uuid_t tid, const unsigned char *id, const char *param, long long *seq)
{
	enum ts_db_status st;

	if ((st = ts_message_table_seq(c->db, tid, id, seq)) != TS_DB_OK)
		return ts_call_db(c, st);
	if (*seq == 0) {
		const char *loc[] = { "query", param, NULL };
		return ts_problem_invalid(&c->problem, loc, "does not name a message of this thread", "cursor");
	}
	return 0;
}

/*
 * total (API reference: schema MessageList): the thread's counters when unfiltered or filtered by role
 * only (exact at any size), or when the created_* bounds are a cursor's
 * (q->time_is_cursor); with run_id or created_* filters a count of the
 * range that stops past TS_MAX_EXACT_FILTERED_TOTAL (then -1: null).
 */
static int
count_total(struct ts_call *c, const struct ts_thread *t, const struct ts_message_query *q,
    const struct ts_msg_range *r, long long *total)
{
	enum ts_db_status st;
	int role;

	if (q->run_id == NULL && (q->time_is_cursor || (!q->has_created_after && !q->has_created_before))) {
		*total = 0;
		for (role = 0; role < TS_ROLE__COUNT; role++)
			if (q->role_mask & (1 << role))
				*total += ts_db_cell_ll(&t->rows, 0, TS_TC_USER_COUNT + role);
		return 0;
	}
	if ((st = ts_msg_range_count(c->db, r, TS_MAX_EXACT_FILTERED_TOTAL, total)) != TS_DB_OK)
		return ts_call_db(c, st);
	return 0;
}

/* Narrows r to the messages beyond the cursors, in the scan's terms: in
 * ascending order after means above, before below; descending, the other
 * way round. */
static int
apply_cursors(struct ts_call *c, const uuid_t tid, const struct ts_message_query *q, struct ts_msg_range *r)
{
	int asc = q->order == TS_ORDER_ASC;
	long long seq;

	if (q->has_after) {
		if (cursor_seq(c, tid, q->after, q->after_param, &seq) != 0)
			return -1;
		if (asc && seq > r->lo)
			r->lo = seq;
		else if (!asc && seq < r->hi)
			r->hi = seq;
	}
	if (q->has_before) {
		if (cursor_seq(c, tid, q->before, q->before_param, &seq) != 0)
			return -1;
		if (asc && seq < r->hi)
			r->hi = seq;
		else if (!asc && seq > r->lo)
			r->lo = seq;
	}
	return 0;
}

/* Filters, an offset, both cursors, or no row from the one statement: the
 * thread in its own statement first: its 404/401/403 come before a 422
 * (API reference: Order of checks). */
static int
range_page(struct ts_call *c, const uuid_t tid, const struct ts_message_query *q,
    struct ts_problem *invalid, struct ts_message_page *out)
{
	struct ts_page_scan scan = ts_page_scan_for(q->order, cursor_kind(q));
	struct ts_thread t;
	struct ts_msg_range r;
	enum ts_db_status st;
	int rc = -1;

	if (ts_thread_open(c, tid, TS_OP_READ, &t) != 0)
		return -1;
	if (ts_call_check(c, invalid) != 0)
		goto out;
	r.tid = tid;
	r.lo = ts_db_cell_ll(&t.rows, 0, TS_TC_CLEARED_SEQ);
	r.hi = LLONG_MAX;
	r.role_mask = q->role_mask;
	r.run_id = q->run_id;
	r.upward = scan.upward;
	if ((st = ts_msg_time_bounds(c->db, &r, q->has_created_after ? q->created_after : NULL,
	    q->has_created_before ? q->created_before : NULL)) != TS_DB_OK) {
		ts_call_db(c, st);
		goto out;
	}
	if (count_total(c, &t, q, &r, &out->total) != 0 || apply_cursors(c, tid, q, &r) != 0)
		goto out;
	/*
	 * A thread with no message (new, or cleared) has an empty page: its
	 * message_count moves in the transaction of every insert, delete and
	 * clear, so the range read would find nothing. (A cursor has already
	 * been refused above: an empty thread has no message to name.)
	 */
	if (ts_db_cell_ll(&t.rows, 0, TS_TC_MESSAGE_COUNT) == 0) {
		rc = take_page(c, q, &out->rows, 0, scan.reverse, out);
		goto out;
	}
	if ((st = ts_msg_range_read(c->db, &r, q->limit + 1, q->offset, &out->rows)) != TS_DB_OK) {
		ts_call_db(c, st);
		goto out;
	}
	rc = take_page(c, q, &out->rows, 0, scan.reverse, out);
out:
	ts_thread_release(&t);
	return rc;
}

int
ts_messages_page(struct ts_call *c, const uuid_t tid, const struct ts_message_query *q,
    struct ts_problem *invalid, struct ts_message_page *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	/* The one statement reads no namespace: a call bound to one takes the
	 * path that opens the thread (one round trip more, no more rows). */
	if (c->namespace_ == NULL && (invalid == NULL || !ts_problem_is_set(invalid)) && !filtered(q) &&
	    q->offset == 0 && !(q->has_after && q->has_before)) {
		if ((rc = one_statement_page(c, tid, q, out)) != 1)
			return rc;
		/* No thread: the next ask for it takes the thread's row alone. */
		if ((rc = range_page(c, tid, q, invalid, out)) != 0 && c->problem.error == TS_E_NOT_FOUND) {
			const struct ts_page_key k = page_key(c, tid, q);

			(void)ts_page_cache_put(c->pages, &k, NULL, 0, 0);
		}
		return rc;
	}
	return range_page(c, tid, q, invalid, out);
}
