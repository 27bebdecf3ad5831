/*
 * Share link operations (share_ops.h): a link is made and managed by the
 * thread's owner; whoever holds one reads that one thread, as the link
 * allows (access.h: ts_access_link), never more.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ids.h"
#include "ts_limits.h"
#include "message_ranges.h"
#include "share_ops.h"
#include "thread_ops.h"

void
ts_share_made_free(struct ts_share_made *m)
{
	ts_db_rows_free(&m->rows);
	memset(m, 0, sizeof(*m));
}

int
ts_share_create(struct ts_call *c, const uuid_t tid, const struct ts_share_input *in,
    struct ts_problem *invalid, struct ts_share_made *out)
{
	unsigned char hash[TS_SHARE_HASH_BYTES];
	struct ts_share_new n;
	enum ts_share_outcome outcome;
	enum ts_db_status st;
	struct ts_thread t;
	uuid_t id;

	memset(out, 0, sizeof(*out));
	/* The owner only (API reference: Order of checks): 404, 401, 403. */
	if (ts_thread_open(c, tid, TS_OP_WRITE, &t) != 0)
		return -1;
	ts_thread_release(&t);
	if (ts_call_check(c, invalid) != 0)
		return -1;
	if (ts_share_token_new(out->token, hash) != 0)
		return ts_problem_set(&c->problem, TS_E_INTERNAL, NULL);
	ts_uuid_generate(id);
	n.id = id;
	n.token_hash = hash;
	n.thread_id = tid;
	n.owner = ts_call_sub(c);
	n.mode = in->mode;
	n.expires_at = in->has_expires ? in->expires_at : NULL;
	n.max_links = TS_MAX_SHARES_PER_THREAD;
	if ((st = ts_share_store_create(c->db, &n, &outcome)) != TS_DB_OK) {
		ts_share_made_free(out);
		return ts_call_db(c, st);
	}
	if (outcome != TS_SHARE_MADE) {
		ts_share_made_free(out);
		if (outcome == TS_SHARE_NO_THREAD)      /* deleted since it was opened */
			return ts_problem_set(&c->problem, TS_E_NOT_FOUND, "Thread not found");
		return ts_problem_set(&c->problem, TS_E_CONFLICT, "The thread has "
		    TS_STR(TS_MAX_SHARES_PER_THREAD) " links that are not revoked; revoke one first");
	}
	if ((st = ts_share_store_get(c->db, id, &out->rows)) != TS_DB_OK || out->rows.nrows != 1) {
		ts_share_made_free(out);
		return st != TS_DB_OK ? ts_call_db(c, st) : ts_problem_set(&c->problem, TS_E_INTERNAL, NULL);
	}
	return 0;
}

size_t
ts_share_page_row(const struct ts_share_page *pg, size_t i)
{
	return pg->reverse ? pg->n - 1 - i : i;
}

void
ts_share_page_free(struct ts_share_page *pg)
{
	ts_db_rows_free(&pg->rows);
	memset(pg, 0, sizeof(*pg));
}

/* The row_id a listing page starts beyond: its cursor's, which must be a
 * link of the listing (422), or the end the scan starts from. */
static int
page_bound(struct ts_call *c, const struct ts_share_page_query *q, const struct ts_page_request *pr,
    long long *bound)
{
	struct ts_db_rows r;
	enum ts_db_status st;
	int ok;

	if (pr->kind == TS_CURSOR_NONE) {
		*bound = q->upward ? 0 : LLONG_MAX;
		return 0;
	}
	if ((st = ts_share_store_get(c->db, pr->cursor, &r)) != TS_DB_OK)
		return ts_call_db(c, st);
	ok = r.nrows == 1 && (q->thread_row_id > 0
	    ? ts_db_cell_ll(&r, 0, TS_SC_THREAD_ROW_ID) == q->thread_row_id
	    : strcmp(ts_db_cell(&r, 0, TS_SC_OWNER)->data, q->owner) == 0);
	if (ok)
		*bound = ts_db_cell_ll(&r, 0, TS_SC_ROW_ID);
	ts_db_rows_free(&r);
	if (!ok) {
		const char *loc[] = { "query", pr->cursor_param, NULL };
		return ts_problem_invalid(&c->problem, loc, "does not name a link of this listing", "cursor");
	}
	return 0;
}

int
ts_shares_list(struct ts_call *c, const unsigned char *tid, const struct ts_page_request *pr,
    struct ts_problem *invalid, struct ts_share_page *out)
{
	struct ts_share_page_query q;
	struct ts_page_scan scan;
	struct ts_thread t;
	enum ts_db_status st;

	memset(out, 0, sizeof(*out));
	memset(&q, 0, sizeof(q));
	if (tid != NULL) {
		if (ts_thread_open(c, tid, TS_OP_WRITE, &t) != 0)
			return -1;
		q.thread_row_id = ts_db_cell_ll(&t.rows, 0, TS_TC_ROW_ID);
		ts_thread_release(&t);
	} else if (ts_call_sub(c) == NULL) {
		return ts_problem_set(&c->problem, TS_E_UNAUTHORIZED, NULL);
	}
	if (ts_call_check(c, invalid) != 0)
		return -1;
	scan = ts_page_scan_for(pr->order, pr->kind);
	q.owner = ts_call_sub(c);
	q.upward = scan.upward;
	if (page_bound(c, &q, pr, &q.bound) != 0)
		return -1;
	/* One row more than the page tells whether there is more. */
	q.limit = pr->limit + 1;
	if ((st = ts_share_store_page(c->db, &q, &out->rows)) != TS_DB_OK)
		return ts_call_db(c, st);
	out->n = out->rows.nrows > (size_t)pr->limit ? (size_t)pr->limit : out->rows.nrows;
	out->has_more = out->rows.nrows > out->n;
	out->reverse = scan.reverse;
	out->kind = pr->kind;
	return 0;
}

int
ts_share_revoke(struct ts_call *c, const uuid_t id)
{
	struct ts_db_rows r;
	enum ts_db_status st;
	int own;

	if (ts_call_sub(c) == NULL)
		return ts_problem_set(&c->problem, TS_E_UNAUTHORIZED, NULL);
	if ((st = ts_share_store_get(c->db, id, &r)) != TS_DB_OK)
		return ts_call_db(c, st);
	if (r.nrows != 1) {
		ts_db_rows_free(&r);
		return ts_problem_set(&c->problem, TS_E_NOT_FOUND, "Share not found");
	}
	own = strcmp(ts_db_cell(&r, 0, TS_SC_OWNER)->data, ts_call_sub(c)) == 0;
	ts_db_rows_free(&r);
	if (!own)
		return ts_problem_set(&c->problem, TS_E_FORBIDDEN, NULL);
	st = ts_share_store_revoke(c->db, id, ts_call_sub(c));
	return st == TS_DB_OK ? 0 : ts_call_db(c, st);
}

void
ts_shared_release(struct ts_shared *sh)
{
	ts_db_rows_free(&sh->rows);
	memset(sh, 0, sizeof(*sh));
}

int
ts_shared_open(struct ts_call *c, const char *token, size_t len, struct ts_shared *out)
{
	unsigned char hash[TS_SHARE_HASH_BYTES];
	const struct ts_db_cell *flag;
	enum ts_db_status st;
	int found;

	memset(out, 0, sizeof(*out));
	/* Malformed, unknown, revoked, expired: one answer, the same bytes. */
	if (ts_share_token_hash(token, len, hash) != 0)
		return ts_problem_set(&c->problem, TS_E_NOT_FOUND, NULL);
	if ((st = ts_share_store_resolve(c->db, hash, &out->rows)) != TS_DB_OK)
		return ts_call_db(c, st);
	/* The row was found by the hash through the index; the comparison in
	 * constant time makes the check itself independent of that lookup. */
	found = out->rows.nrows == 1 && ts_db_cell(&out->rows, 0, TS_SH_TOKEN_HASH)->len == TS_SHARE_HASH_BYTES &&
	    ts_share_hash_equal((const unsigned char *)ts_db_cell(&out->rows, 0, TS_SH_TOKEN_HASH)->data, hash);
	if (!found) {
		ts_shared_release(out);
		return ts_problem_set(&c->problem, TS_E_NOT_FOUND, NULL);
	}
	flag = ts_db_cell(&out->rows, 0, TS_SH_SHARING_FLAG);
	if (ts_call_access(c, ts_access_link(flag->data != NULL && strcmp(flag->data, "true") == 0, ts_call_sub(c),
	    ts_db_cell(&out->rows, 0, TS_SH_OWNER)->data, TS_OP_READ)) != 0) {
		ts_shared_release(out);
		return -1;
	}
	out->mode = ts_db_cell_ll(&out->rows, 0, TS_SH_MODE) == TS_SHARE_SNAPSHOT ? TS_SHARE_SNAPSHOT : TS_SHARE_LIVE;
	return 0;
}

const struct ts_db_cell *
ts_shared_title(const struct ts_shared *sh)
{
	return ts_db_cell(&sh->rows, 0, sh->mode == TS_SHARE_SNAPSHOT ? TS_SH_SNAP_TITLE : TS_SH_TITLE);
}

long long
ts_shared_count(const struct ts_shared *sh)
{
	return ts_db_cell_ll(&sh->rows, 0, sh->mode == TS_SHARE_SNAPSHOT ? TS_SH_SNAP_COUNT : TS_SH_MESSAGE_COUNT);
}

/* A snapshot's rows hold a seq's saved version before its row: the first
 * of each seq is what the snapshot shows. */
static size_t
first_of_each_seq(struct ts_message_page *out)
{
	const struct ts_db_cell *row;
	size_t i, n = 0;

	for (i = 0; i < out->rows.nrows && n < TS_MAX_PAGE_LIMIT + 1; i++) {
		row = ts_db_cell(&out->rows, i, 1);
		if (n > 0 && strcmp(out->cells[n - 1][TS_MC_SEQ].data, row[TS_MC_SEQ].data) == 0)
			continue;
		out->cells[n++] = row;
	}
	return n;
}

int
ts_shared_messages(struct ts_call *c, const struct ts_shared *sh, const struct ts_shared_query *q,
    struct ts_problem *invalid, struct ts_message_page *out)
{
	struct ts_page_scan scan = ts_page_scan_for(q->order, q->kind);
	const unsigned char *tid = (const unsigned char *)ts_db_cell(&sh->rows, 0, TS_SH_THREAD_ID)->data;
	int snap = sh->mode == TS_SHARE_SNAPSHOT, asc = q->order == TS_ORDER_ASC;
	struct ts_msg_range r;
	enum ts_db_status st;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (ts_call_check(c, invalid) != 0)
		return -1;
	memset(&r, 0, sizeof(r));
	r.tid = tid;
	r.role_mask = TS_ALL_ROLES;
	r.upward = scan.upward;
	/* A live link shows the thread's messages now; a snapshot those it
	 * showed when made (cleared ones the purge keeps for it included). */
	r.lo = ts_db_cell_ll(&sh->rows, 0, snap ? TS_SH_FROM_SEQ : TS_SH_CLEARED_SEQ);
	r.hi = snap ? ts_db_cell_ll(&sh->rows, 0, TS_SH_THROUGH_SEQ) + 1 : LLONG_MAX;
	/* The cursor in the scan's terms (as apply_cursors does for ids). */
	if ((q->kind == TS_CURSOR_AFTER) == asc) {
		if (q->kind != TS_CURSOR_NONE && q->cursor > r.lo)
			r.lo = q->cursor;
	} else if (q->kind != TS_CURSOR_NONE && q->cursor < r.hi) {
		r.hi = q->cursor;
	}
	out->total = ts_shared_count(sh);
	if (r.hi - r.lo <= 1)
		return 0;       /* nothing can be in the range */
	if (snap)
		st = ts_share_store_snapshot(c->db, ts_db_cell_ll(&sh->rows, 0, TS_SH_ROW_ID), tid, r.lo, r.hi,
		    r.upward, q->limit + 1, &out->rows);
	else
		st = ts_msg_range_read(c->db, &r, q->limit + 1, 0, &out->rows);
	if (st != TS_DB_OK)
		return ts_call_db(c, st);
	if (snap) {
		n = first_of_each_seq(out);
	} else {
		for (n = 0; n < out->rows.nrows && n < TS_MAX_PAGE_LIMIT + 1; n++)
			out->cells[n] = ts_db_cell(&out->rows, n, 0);
	}
	return ts_message_page_cut(c, n, q->limit, q->with_details, scan.reverse, out);
}
