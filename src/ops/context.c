/*
 * The conversation context: the newest messages that fit a token budget,
 * max_messages and the response cap, read from the newest backwards a page
 * at a time, so the read stays within what is returned plus one page
 * (API reference: POST /api/threads/{thread_id}/messages/context).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "message_ops.h"
#include "message_ranges.h"
#include "message_row.h"
#include "message_view.h"
#include "roles.h"

void
ts_context_free(struct ts_context *cx)
{
	size_t i;

	for (i = 0; i < cx->npages; i++)
		ts_db_rows_free(&cx->pages[i]);
	free(cx->pages);
	free(cx->picked);
	memset(cx, 0, sizeof(*cx));
}

/* What the selection so far allows. */
struct selection {
	struct ts_context *cx;
	long long budget;               /* tokens left */
	long long max_count;
	size_t bytes, max_bytes;        /* the rendered size so far, and the cap */
	struct ts_message_scratch scratch;
};

/* Whether row i of rows still fits (tokens, max_messages, the response cap);
 * if so it is taken. */
static int
take_row(struct selection *s, const struct ts_db_rows *rows, size_t i)
{
	struct ts_context *cx = s->cx;
	long long cost = ts_message_cost(rows, i);
	size_t room = s->max_bytes > s->bytes ? s->max_bytes - s->bytes : 0, size;

	if ((long long)cx->count >= s->max_count || cost > s->budget)
		return 0;
	size = ts_message_size_within(ts_db_cell(rows, i, 0), 1, &s->scratch, room) + 1;
	/* the first message is answered whole, whatever its size
	 * (API reference: Limits) */
	if (size > room && cx->count > 0)
		return 0;
	s->budget -= cost;
	cx->used += cost;
	s->bytes += size;
	cx->picked[cx->count++] = ts_db_cell(rows, i, 0);
	return 1;
}

/* Room for one more page read and for every message max_messages allows. */
static int
grow(struct ts_context *cx)
{
	struct ts_db_rows *p;

	if (cx->npages < cx->cap_pages)
		return 0;
	if ((p = realloc(cx->pages, (cx->cap_pages * 2 + 2) * sizeof(*p))) == NULL)
		return -1;
	cx->pages = p;
	cx->cap_pages = cx->cap_pages * 2 + 2;
	return 0;
}

/*
 * Takes messages of role_mask newest first while they fit, a page at a
 * time; stops at the first that does not fit. A page asks for one message
 * more than max_messages still allows.
 */
static int
take_newest(struct ts_call *c, const uuid_t tid, long long cleared, int role_mask, struct selection *s)
{
	struct ts_context *cx = s->cx;
	struct ts_msg_range r;
	struct ts_db_rows *rows;
	enum ts_db_status st;
	long long want;
	size_t i, got;

	r.tid = tid;
	r.lo = cleared;
	r.hi = LLONG_MAX;
	r.role_mask = role_mask;
	r.run_id = NULL;
	r.upward = 0;
	for (;;) {
		want = s->max_count - (long long)cx->count + 1;
		if (want > TS_CONTEXT_PAGE)
			want = TS_CONTEXT_PAGE;
		if (grow(cx) != 0)
			return ts_problem_set(&c->problem, TS_E_INTERNAL, NULL);
		rows = &cx->pages[cx->npages];
		if ((st = ts_msg_range_read(c->db, &r, want, 0, rows)) != TS_DB_OK)
			return ts_call_db(c, st);
		cx->npages++;
		for (i = 0; i < rows->nrows; i++) {
			if (!take_row(s, rows, i)) {
				cx->truncated = 1;
				return 0;
			}
			r.hi = ts_db_cell_ll(rows, i, TS_MC_SEQ);
		}
		got = rows->nrows;
		if (got < (size_t)want)
			return 0;
	}
}

static int
by_seq(const void *a, const void *b)
{
	long long sa = strtoll((*(const struct ts_db_cell *const *)a)[TS_MC_SEQ].data, NULL, 10);
	long long sb = strtoll((*(const struct ts_db_cell *const *)b)[TS_MC_SEQ].data, NULL, 10);

	return sa < sb ? -1 : sa > sb;
}

int
ts_messages_context(struct ts_call *c, const uuid_t tid, const struct ts_context_query *q,
    struct ts_problem *invalid, struct ts_context *out)
{
	struct ts_thread t;
	struct selection s;
	long long cleared;
	int rc;

	memset(out, 0, sizeof(*out));
	if (ts_thread_open(c, tid, TS_OP_READ, &t) != 0)
		return -1;
	cleared = ts_db_cell_ll(&t.rows, 0, TS_TC_CLEARED_SEQ);
	ts_thread_release(&t);
	if (ts_call_check(c, invalid) != 0)
		return -1;
	memset(&s, 0, sizeof(s));
	s.cx = out;
	s.budget = q->max_tokens;
	s.max_count = q->max_messages;
	s.max_bytes = c->cfg->max_response_bytes - TS_LIST_ENVELOPE_BYTES;
	if ((out->picked = calloc((size_t)q->max_messages, sizeof(*out->picked))) == NULL ||
	    ts_message_scratch_init(&s.scratch) != 0)
		return ts_problem_set(&c->problem, TS_E_INTERNAL, NULL);
	/* System messages first when asked; the rest of the budget to the tail. */
	rc = (q->include_system && take_newest(c, tid, cleared, 1 << TS_ROLE_SYSTEM, &s) != 0) ||
	    take_newest(c, tid, cleared, q->include_system ? TS_ALL_ROLES & ~(1 << TS_ROLE_SYSTEM)
	    : TS_ALL_ROLES, &s) != 0;
	ts_message_scratch_free(&s.scratch);
	if (rc)
		return -1;
	qsort(out->picked, out->count, sizeof(*out->picked), by_seq);
	return 0;
}
