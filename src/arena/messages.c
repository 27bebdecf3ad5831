/*
 * <mount>/arena/api/threads/{id}/messages: DualMind's message list, one
 * item per arena turn, oldest first, keyset paged at any size; and a turn
 * written at once. Both over the message operations; a turn is the
 * thread's messages grouped by src/arena/turns.c.
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "message_json.h"
#include "message_ops.h"
#include "page_body.h"
#include "params.h"
#include "sql.h"
#include "ts_limits.h"

/*
 * The messages a page of turns is read from: one /api page of at most
 * 3 * limit + 1, and, only when the response cap cut it inside its first
 * turn, up to TS_ARENA_EXTRA_READS short reads that complete that turn.
 */
struct window {
	struct ts_message_page pg[1 + TS_ARENA_EXTRA_READS];
	size_t npg;
	const struct ts_db_cell *cells[TS_MAX_PAGE_LIMIT + 1 + TS_ARENA_EXTRA_READS * TS_ARENA_TURN_MESSAGES];
	size_t n;
	int has_more;                   /* messages follow the window */
};

/* 3 * TS_ARENA_MAX_PAGE_LIMIT + 1 messages must fit one /api page. */
typedef char ts_arena_window_fits[3 * TS_ARENA_MAX_PAGE_LIMIT + 1 <= TS_MAX_PAGE_LIMIT ? 1 : -1];

static void
window_free(struct window *w)
{
	size_t i;

	for (i = 0; i < w->npg; i++)
		ts_message_page_free(&w->pg[i]);
}

/* Page w->pg[w->npg], just read, appended to the window. */
static void
window_take(struct window *w)
{
	const struct ts_message_page *pg = &w->pg[w->npg++];
	size_t i;

	for (i = 0; i < pg->n; i++)
		w->cells[w->n++] = pg->cells[i];
	w->has_more = pg->has_more;
}

/* limit: turns, 1 to 50 (default 50); cursor: a next_cursor. The
 * messages are read oldest first, as DualMind lists them. */
static int
parse_list(struct ts_problem *p, const char *query, long long *limit, struct ts_message_query *q)
{
	int rc;

	*limit = TS_ARENA_DEFAULT_PAGE_LIMIT;
	q->order = TS_ORDER_ASC;
	q->with_details = 0;    /* the turns show no details: measure without */
	if (ts_q_int(p, query, "limit", 1, TS_ARENA_MAX_PAGE_LIMIT, limit) < 0 ||
	    (rc = ts_q_uuid(p, query, "cursor", q->after)) < 0)
		return -1;
	q->has_after = rc == 1;
	q->after_param = "cursor";
	q->limit = TS_ARENA_TURN_MESSAGES * *limit + 1;
	return 0;
}

/* A few messages more, after the window's last one. */
static int
read_more(struct ts_call *c, const uuid_t tid, struct window *w)
{
	struct ts_message_query q;
	int rc;

	ts_message_query_init(&q);
	q.order = TS_ORDER_ASC;
	q.with_details = 0;
	q.limit = TS_ARENA_TURN_MESSAGES;
	q.has_after = 1;
	q.after_param = "cursor";
	memcpy(q.after, w->cells[w->n - 1][TS_MC_ID].data, sizeof(uuid_t));
	rc = ts_messages_page(c, tid, &q, NULL, &w->pg[w->npg]);
	if (rc == 0)
		window_take(w);
	else
		ts_message_page_free(&w->pg[w->npg]);
	ts_message_query_free(&q);
	return rc;
}

/* The page of turns as DualMind's list, with where the next one starts:
 * after the last message the turns took. */
static void
respond_turns(struct ts_ctx *ctx, const struct ts_arena_turn *turns, size_t nt, const struct window *w,
    size_t used)
{
	struct json_object *items = json_object_new_array_ext((int)nt), *o;
	int has_more = used < w->n || w->has_more;
	size_t i;

	for (i = 0; items != NULL && i < nt; i++) {
		if ((o = ts_arena_turn_object(&turns[i])) == NULL || json_object_array_add(items, o) != 0) {
			json_object_put(o);
			json_object_put(items);
			items = NULL;
		}
	}
	o = ts_arena_list_object(items, has_more, has_more && used > 0 ? ts_message_id_json(w->cells[used - 1]) : NULL);
	if (o == NULL || ts_response_json(ctx->res, 200, o) != 0)
		ts_fail(ctx, TS_E_INTERNAL, NULL);
}

void
ts_arena_messages_list(struct ts_ctx *ctx)
{
	struct ts_arena_turn turns[TS_ARENA_MAX_PAGE_LIMIT];
	struct ts_message_query q;
	struct ts_problem invalid;
	struct window w;
	long long limit;
	size_t nt, used, extra = 0;
	char tag[TS_PAGE_CACHE_TAG_BYTES];
	uuid_t tid;

	memset(&w, 0, sizeof(w));
	ts_message_query_init(&q);
	ts_problem_init(&invalid);
	ts_path_uuid(ctx, 0, tid);
	(void)parse_list(&invalid, ctx->req->query, &limit, &q);
	if (ts_messages_page(&ctx->call, tid, &q, &invalid, &w.pg[0]) != 0) {
		ts_message_page_free(&w.pg[0]);
		ts_answer_failure(ctx);
		goto out;
	}
	/* The rows are what the body is made of, given the number of turns
	 * asked: a body is kept only when this first page alone made it. */
	snprintf(tag, sizeof(tag), "arena list l%lld", limit);
	window_take(&w);
	if (ts_page_body_answer(ctx, &w.pg[0], tag))
		goto out;
	for (;;) {
		nt = ts_arena_group(w.cells, w.n, !w.has_more, turns, (size_t)limit, &used);
		/* Only a page the response cap cut inside its first turn takes
		 * nothing; a turn has at most three messages, so it ends within
		 * three more reads of at least one message each. */
		if (used > 0 || !w.has_more || extra++ == TS_ARENA_EXTRA_READS)
			break;
		if (read_more(&ctx->call, tid, &w) != 0) {
			ts_answer_failure(ctx);
			goto out;
		}
	}
	respond_turns(ctx, turns, nt, &w, used);
	if (w.npg == 1)
		ts_page_body_keep(ctx, &w.pg[0], tag);
out:
	window_free(&w);
	ts_problem_free(&invalid);
	ts_message_query_free(&q);
}

/* The turn as written (or as stored, for a repeat): its messages grouped
 * as a list groups them, so the answer is the item the list will show. */
static void
respond_turn(struct ts_ctx *ctx, const struct ts_added *a, int status)
{
	const struct ts_db_cell *cells[TS_ARENA_TURN_MESSAGES];
	struct ts_arena_turn turn;
	struct json_object *o = NULL;
	size_t i, n = 0, used;

	for (i = 0; i < a->n; i++)
		if ((cells[n] = ts_added_cells(a, i)) != NULL)
			n++;    /* a repeat's message deleted since is left out */
	if (ts_arena_group(cells, n, 1, &turn, 1, &used) == 1)
		o = ts_arena_turn_object(&turn);
	if (o == NULL) {
		ts_fail(ctx, TS_E_NOT_FOUND, "Message not found");
		return;
	}
	if (ts_response_json(ctx->res, status, o) != 0)
		ts_fail(ctx, TS_E_INTERNAL, NULL);
}

void
ts_arena_turn_create(struct ts_ctx *ctx)
{
	struct ts_arena_input in;
	struct ts_problem invalid;
	struct ts_added a;
	uuid_t tid;

	if (!ctx->has_body) {
		ts_fail(ctx, TS_E_INVALID_JSON, "Request body required");
		return;
	}
	memset(&a, 0, sizeof(a));
	ts_problem_init(&invalid);
	ts_path_uuid(ctx, 0, tid);
	(void)ts_arena_parse_turn(&invalid, tid, ctx->body, &ctx->body_flaws, &in);
	if (ts_messages_add(&ctx->call, tid, in.items, in.n, 1, &invalid, &a) != 0)
		ts_answer_failure(ctx);
	else
		respond_turn(ctx, &a, ts_added_existing(&a, 0) ? 200 : 201);
	ts_added_free(&a);
	ts_problem_free(&invalid);
	ts_arena_input_free(&in);
}
