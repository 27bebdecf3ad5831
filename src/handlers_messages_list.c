/*
 * Reading a thread's messages: the list (§6.3), keyset pages on the
 * clustered key (thread_id, seq), and the conversation context (§6.5), read
 * from the newest backwards a page at a time.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "ids.h"
#include "limits.h"
#include "message_ranges.h"
#include "message_table.h"
#include "messages.h"
#include "paging.h"
#include "params.h"
#include "query.h"
#include "threads.h"
#include "timefmt.h"
#include "validate.h"


struct msg_filters {
	int role_mask;
	char *run_id;                           /* owned; NULL: any */
	int has_after, has_before;
	char after[TS_DB_TIME_LEN + 1];
	char before[TS_DB_TIME_LEN + 1];
};

static void
filters_free(struct msg_filters *f)
{
	free(f->run_id);
}

/* role=user,assistant: a bit per role; empty items and unknown roles are 422. */
static int
read_roles(struct ts_ctx *ctx, int *mask)
{
	static const char *const loc[] = { "query", "role", NULL };
	char *v = NULL, *item, *save = NULL;
	size_t len;
	int r, rc = 0;

	*mask = TS_ALL_ROLES;
	switch (ts_query_get(ctx->req->query, strlen(ctx->req->query), "role", &v, &len)) {
	case TS_QUERY_ABSENT:
		return 0;
	case TS_QUERY_FOUND:
		break;
	default:
		ts_fail_validation(ctx, loc, "bad percent-encoding", "encoding");
		return -1;
	}
	*mask = 0;
	if (*v == '\0' || v[len - 1] == ',' || strstr(v, ",,") != NULL || *v == ',')
		rc = -1;
	for (item = strtok_r(v, ",", &save); rc == 0 && item != NULL; item = strtok_r(NULL, ",", &save)) {
		if ((r = ts_role_parse(item)) < 0 || strcmp(item, ts_role_name(r)) != 0)
			rc = -1;
		else
			*mask |= 1 << r;
	}
	free(v);
	if (rc != 0)
		ts_fail_validation(ctx, loc, "must be a comma-separated list of user, assistant, system, tool", "enum");
	return rc;
}

static int
read_time(struct ts_ctx *ctx, const char *name, int round_up, int *has, char *out)
{
	char *v = NULL;
	int rc;

	if ((rc = ts_q_string(ctx, name, 64, &v)) <= 0)
		return rc;
	rc = ts_time_parse_rfc3339(v, round_up, out);
	free(v);
	if (rc != 0) {
		const char *loc[] = { "query", name, NULL };
		ts_fail_validation(ctx, loc, "must be an RFC 3339 timestamp", "datetime");
		return -1;
	}
	*has = 1;
	return 1;
}

static int
read_filters(struct ts_ctx *ctx, struct msg_filters *f)
{
	if (read_time(ctx, "created_after", 0, &f->has_after, f->after) < 0 ||
	    read_time(ctx, "created_before", 1, &f->has_before, f->before) < 0 ||
	    read_roles(ctx, &f->role_mask) != 0 ||
	    ts_q_string(ctx, "run_id", TS_MAX_RUN_ID_POINTS, &f->run_id) < 0)
		return -1;
	return 0;
}

static int
filtered(const struct msg_filters *f)
{
	return f->role_mask != TS_ALL_ROLES || f->run_id != NULL || f->has_after || f->has_before;
}

/* The range the filters select in thread t, before any cursor (time bounds
 * still to be narrowed by ts_msg_time_bounds): its live messages, after
 * those a clear left for the purge. Borrows f and tid. */
static struct ts_msg_range
filter_range(const unsigned char *tid, const struct ts_thread *t, const struct msg_filters *f, int upward)
{
	struct ts_msg_range r;

	r.tid = tid;
	r.lo = ts_db_cell_ll(&t->rows, 0, TS_TC_CLEARED_SEQ);
	r.hi = LLONG_MAX;
	r.role_mask = f->role_mask;
	r.run_id = f->run_id;
	r.upward = upward;
	return r;
}

/* Turns page around when flip is set. */
static void
reverse_cells(const struct ts_db_cell **page, size_t n, int flip)
{
	size_t i;

	for (i = 0; flip && i < n / 2; i++) {
		const struct ts_db_cell *tmp = page[i];
		page[i] = page[n - 1 - i];
		page[n - 1 - i] = tmp;
	}
}

/* The seq of a cursor message; it must be a message of this thread (422). */
static int
cursor_seq(struct ts_ctx *ctx, const unsigned char *tid, const struct ts_page_request *pr, long long *seq)
{
	enum ts_db_status st;

	if ((st = ts_message_table_seq(ctx->app->db, tid, pr->cursor, seq)) != TS_DB_OK) {
		ts_respond_db_error(ctx, st);
		return -1;
	}
	if (*seq == 0) {
		const char *loc[] = { "query", pr->cursor_param, NULL };
		ts_fail_validation(ctx, loc, "does not name a message of this thread", "cursor");
		return -1;
	}
	return 0;
}

/*
 * total (§6.3): the thread's counters when unfiltered or filtered by role
 * only (exact at any size); with run_id or created_* filters a count of the
 * range that stops past TS_MAX_EXACT_FILTERED_TOTAL (then -1: null).
 */
static int
count_total(struct ts_ctx *ctx, const struct ts_thread *t, const struct msg_filters *f,
    const struct ts_msg_range *r, long long *total)
{
	enum ts_db_status st;
	int role;

	if (f->run_id == NULL && !f->has_after && !f->has_before) {
		*total = 0;
		for (role = 0; role < TS_ROLE__COUNT; role++)
			if (f->role_mask & (1 << role))
				*total += ts_db_cell_ll(&t->rows, 0, TS_TC_USER_COUNT + role);
		return 0;
	}
	if ((st = ts_msg_range_count(ctx->app->db, r, TS_MAX_EXACT_FILTERED_TOTAL, total)) != TS_DB_OK) {
		ts_respond_db_error(ctx, st);
		return -1;
	}
	return 0;
}

/* How many of nrows rows read (limit + 1 at most) the page shows. */
static size_t
page_len(size_t nrows, const struct ts_page_request *pr)
{
	return nrows > (size_t)pr->limit ? (size_t)pr->limit : nrows;
}

/*
 * page[i] points at the message cells of row i, in the order to answer;
 * a row beyond limit only says there is more. The messages are views of
 * the cells (ts_message_view_json): the rows and views outlive the
 * serialisation, which happens here, in ts_response_json.
 */
static void
respond_list(struct ts_ctx *ctx, const struct ts_db_cell *const *page, size_t nrows,
    const struct ts_page_request *pr, int with_details, long long total)
{
	struct ts_message_view views[TS_MAX_PAGE_LIMIT + 1];
	struct ts_message_scratch scratch;
	size_t n = page_len(nrows, pr), i;
	struct json_object *data, *env;

	if (ts_message_scratch_init(&scratch) != 0) {
		ts_fail(ctx, TS_E_INTERNAL, NULL);
		return;
	}
	data = json_object_new_array_ext((int)n);
	for (i = 0; data != NULL && i < n; i++) {
		views[i].cells = page[i];
		views[i].with_details = with_details;
		views[i].scratch = &scratch;
		json_object_array_add(data, ts_message_view_json(&views[i]));
	}
	env = data != NULL ? ts_page_envelope_ids(data, n > 0 ? ts_message_id_json(page[0]) : NULL,
	    n > 0 ? ts_message_id_json(page[n - 1]) : NULL, nrows > n, pr->kind) : NULL;
	if (env == NULL) {
		ts_fail(ctx, TS_E_INTERNAL, NULL);
	} else {
		json_object_object_add(env, "total", total >= 0 ? json_object_new_int64(total) : NULL);
		ts_response_json(ctx->res, 200, env);
	}
	ts_message_scratch_free(&scratch);
}

/* What the query string of a list asks for. */
struct list_query {
	struct ts_page_request pr;
	struct ts_page_scan scan;
	long long offset;
	struct msg_filters f;
	int with_details;
};

/* Reads the whole query; 0, or -1 after answering 422. Free q->f after. */
static int
read_list_query(struct ts_ctx *ctx, struct list_query *q)
{
	memset(q, 0, sizeof(*q));
	if (ts_page_params(ctx, TS_MAX_PAGE_LIMIT, TS_DEFAULT_PAGE_LIMIT, &q->pr) != 0 ||
	    ts_q_int(ctx, "offset", 0, TS_MAX_OFFSET, &q->offset) < 0 || read_filters(ctx, &q->f) != 0 ||
	    ts_q_with_details(ctx, &q->with_details) != 0)
		return -1;
	q->scan = ts_page_scan_for(q->pr.order, q->pr.kind);
	return 0;
}

/*
 * Answers the page in rows, whose message columns start at column col, in
 * the order asked. The page stops before the message that would take the
 * body past the response cap (counted in reading order, nearest the cursor
 * first); the messages left out are then "more".
 */
static void
respond_page_rows(struct ts_ctx *ctx, const struct ts_db_rows *rows, size_t col,
    const struct list_query *q, long long total)
{
	const struct ts_db_cell *page[TS_MAX_PAGE_LIMIT + 1];
	struct ts_message_scratch scratch;
	struct ts_page_request pr = q->pr;
	size_t n = 0, i, fit, budget;

	for (i = 0; i < rows->nrows && n < TS_MAX_PAGE_LIMIT + 1; i++)
		page[n++] = ts_db_cell(rows, i, col);
	budget = ctx->app->cfg->max_response_bytes - TS_LIST_ENVELOPE_BYTES;
	if (ts_message_scratch_init(&scratch) != 0) {
		ts_fail(ctx, TS_E_INTERNAL, NULL);
		return;
	}
	fit = ts_message_page_fit(page, page_len(n, &pr), q->with_details, &scratch, budget);
	ts_message_scratch_free(&scratch);
	if (fit < page_len(n, &pr))
		pr.limit = (long long)fit;      /* n > limit: has_more */
	/* rows are read nearest-first; a before page is turned around */
	reverse_cells(page, page_len(n, &pr), q->scan.reverse);
	respond_list(ctx, page, n, &pr, q->with_details, total);
}

/*
 * An unfiltered page, in one statement (TS_SQL_PAGE_*): the page's rows come
 * with the thread's owner and visibility and the sharing flag, read in the
 * same round trip, and access is decided on them (a forbidden thread's rows
 * are dropped here, never answered). Returns 0 when answered; 1 when no row
 * came back, which the statement cannot tell apart (no such thread, a cursor
 * that is not a message of the thread, an empty page): the caller then asks
 * the statements that can, in §11's order.
 */
static int
list_page(struct ts_ctx *ctx, const unsigned char *tid, const struct list_query *q)
{
	const struct ts_db_cell *first;
	struct ts_db_rows rows;
	enum ts_db_status st;

	st = ts_message_table_page(ctx->app->db, tid, q->pr.kind != TS_CURSOR_NONE ? q->pr.cursor : NULL,
	    q->scan.upward, q->pr.limit + 1, &rows);
	if (st != TS_DB_OK) {
		ts_respond_db_error(ctx, st);
		return 0;
	}
	if (rows.nrows == 0) {
		ts_db_rows_free(&rows);
		return 1;
	}
	first = ts_db_cell(&rows, 0, 0);
	if (ts_thread_access(ctx, &first[TS_PC_SHARING_FLAG], &first[TS_PC_VISIBILITY],
	    first[TS_PC_OWNER].data, TS_OP_READ) == 0)
		respond_page_rows(ctx, &rows, TS_PC_MESSAGE, q,
		    strtoll(first[TS_PC_MESSAGE_COUNT].data, NULL, 10));
	ts_db_rows_free(&rows);
	return 0;
}

void
ts_h_messages_list(struct ts_ctx *ctx)
{
	struct ts_thread t;
	struct list_query q;
	struct ts_msg_range r;
	struct ts_db_rows rows;
	enum ts_db_status st;
	long long cursor, total;
	uuid_t tid;

	ts_uuid_parse(ctx->match->params[0], tid);
	if (read_list_query(ctx, &q) == 0 && !filtered(&q.f) && q.offset == 0 &&
	    list_page(ctx, tid, &q) == 0) {
		filters_free(&q.f);
		return;
	}
	/*
	 * Filters or an offset, a bad query, or no row from list_page: the
	 * thread first, in its own statement, then the query again: §11 puts
	 * the thread's 404/401/403 before a 422 on the query, so an answer
	 * given above is dropped.
	 */
	filters_free(&q.f);
	ts_response_free(ctx->res);
	if (ts_thread_load(ctx, tid, TS_OP_READ, &t) != 0)
		return;
	if (read_list_query(ctx, &q) != 0)
		goto out;
	r = filter_range(tid, &t, &q.f, q.scan.upward);
	if ((st = ts_msg_time_bounds(ctx->app->db, &r, q.f.has_after ? q.f.after : NULL,
	    q.f.has_before ? q.f.before : NULL)) != TS_DB_OK) {
		ts_respond_db_error(ctx, st);
		goto out;
	}
	if (count_total(ctx, &t, &q.f, &r, &total) != 0)
		goto out;
	if (q.pr.kind != TS_CURSOR_NONE) {
		if (cursor_seq(ctx, tid, &q.pr, &cursor) != 0)
			goto out;
		if (q.scan.upward && cursor > r.lo)
			r.lo = cursor;
		else if (!q.scan.upward && cursor < r.hi)
			r.hi = cursor;
	}
	if ((st = ts_msg_range_read(ctx->app->db, &r, q.pr.limit + 1, q.offset, &rows)) != TS_DB_OK) {
		ts_respond_db_error(ctx, st);
		goto out;
	}
	respond_page_rows(ctx, &rows, 0, &q, total);
	ts_db_rows_free(&rows);
out:
	filters_free(&q.f);
	ts_thread_release(&t);
}

/* The context's selection so far. */
struct selection {
	struct json_object *picked;     /* message objects, any order */
	long long budget;               /* tokens left */
	long long used;
	long long count, max_count;     /* messages taken, and max_messages */
	long long cleared;              /* the thread's messages up to here were cleared */
	size_t bytes, max_bytes;        /* their rendered size, and the cap */
	struct ts_message_scratch scratch;
	int truncated;
};

/* Whether row i of rows still fits (tokens, max_messages, the response cap);
 * if so it is taken. */
static int
take_row(struct selection *s, const struct ts_db_rows *rows, size_t i)
{
	long long cost = ts_message_cost(rows, i);
	size_t room = s->max_bytes > s->bytes ? s->max_bytes - s->bytes : 0, size;

	if (s->count >= s->max_count || cost > s->budget)
		return 0;
	size = ts_message_size_within(ts_db_cell(rows, i, 0), 1, &s->scratch, room) + 1;
	/* the first message is answered whole, whatever its size (§11 Bounds) */
	if (size > room && s->count > 0)
		return 0;
	s->budget -= cost;
	s->used += cost;
	s->count++;
	s->bytes += size;
	json_object_array_add(s->picked, ts_message_json(rows, i, 1));
	return 1;
}

/*
 * Takes messages of role_mask newest first while they fit, a page at a time;
 * stops at the first that does not fit. A page asks for one message more
 * than max_messages still allows, so the read stays within what is returned
 * plus one page.
 */
static int
take_newest(struct ts_ctx *ctx, const unsigned char *tid, int role_mask, struct selection *s)
{
	struct ts_msg_range r;
	struct ts_db_rows rows;
	enum ts_db_status st;
	long long want;
	size_t i;

	r.tid = tid;
	r.lo = s->cleared;
	r.hi = LLONG_MAX;
	r.role_mask = role_mask;
	r.run_id = NULL;
	r.upward = 0;
	for (;;) {
		want = s->max_count - s->count + 1;
		if ((st = ts_msg_range_read(ctx->app->db, &r, want < TS_CONTEXT_PAGE ? want : TS_CONTEXT_PAGE,
		    0, &rows)) != TS_DB_OK) {
			ts_respond_db_error(ctx, st);
			return -1;
		}
		for (i = 0; i < rows.nrows; i++) {
			if (!take_row(s, &rows, i)) {
				s->truncated = 1;
				ts_db_rows_free(&rows);
				return 0;
			}
			r.hi = ts_db_cell_ll(&rows, i, TS_MC_SEQ);
		}
		i = rows.nrows;
		ts_db_rows_free(&rows);
		if (i < (size_t)(want < TS_CONTEXT_PAGE ? want : TS_CONTEXT_PAGE))
			return 0;
	}
}

static int
by_seq(const void *a, const void *b)
{
	long long sa = json_object_get_int64(json_object_object_get(*(struct json_object *const *)a, "seq"));
	long long sb = json_object_get_int64(json_object_object_get(*(struct json_object *const *)b, "seq"));

	return sa < sb ? -1 : sa > sb;
}

static int
read_context_body(struct ts_ctx *ctx, long long *max_tokens, int *include_system,
    long long *max_messages)
{
	static const char *const fields[] = { "max_tokens", "include_system", "max_messages", NULL };
	static const char *const loc_max[] = { "body", "max_tokens", NULL };
	static const char *const loc_sys[] = { "body", "include_system", NULL };
	static const char *const loc_count[] = { "body", "max_messages", NULL };
	struct json_object *v;

	if (ts_v_body_object(ctx) != 0 || ts_v_known_fields(ctx, fields) != 0)
		return -1;
	if (!json_object_object_get_ex(ctx->body, "max_tokens", &v) || !json_object_is_type(v, json_type_int) ||
	    (*max_tokens = json_object_get_int64(v)) < 1 || *max_tokens > TS_MAX_CONTEXT_TOKENS) {
		ts_fail_validation(ctx, loc_max, "required, an integer from 1 to " TS_STR(TS_MAX_CONTEXT_TOKENS), "range");
		return -1;
	}
	*include_system = 0;
	if (json_object_object_get_ex(ctx->body, "include_system", &v) && v != NULL) {
		if (!json_object_is_type(v, json_type_boolean)) {
			ts_fail_validation(ctx, loc_sys, "must be a boolean", "type");
			return -1;
		}
		*include_system = json_object_get_boolean(v);
	}
	*max_messages = TS_DEFAULT_CONTEXT_MESSAGES;
	if (json_object_object_get_ex(ctx->body, "max_messages", &v) && v != NULL) {
		if (!json_object_is_type(v, json_type_int) || (*max_messages = json_object_get_int64(v)) < 1 ||
		    *max_messages > TS_MAX_CONTEXT_MESSAGES) {
			ts_fail_validation(ctx, loc_count, "must be an integer from 1 to " TS_STR(TS_MAX_CONTEXT_MESSAGES), "range");
			return -1;
		}
	}
	return 0;
}

void
ts_h_messages_context(struct ts_ctx *ctx)
{
	struct ts_thread t;
	struct selection s;
	struct json_object *o;
	long long max_tokens, max_messages, cleared;
	int include_system, rc;
	uuid_t tid;

	if (!ctx->has_body) {
		ts_fail(ctx, TS_E_INVALID_JSON, "Request body required");
		return;
	}
	ts_uuid_parse(ctx->match->params[0], tid);
	if (ts_thread_load(ctx, tid, TS_OP_READ, &t) != 0)
		return;
	cleared = ts_db_cell_ll(&t.rows, 0, TS_TC_CLEARED_SEQ);
	ts_thread_release(&t);
	if (read_context_body(ctx, &max_tokens, &include_system, &max_messages) != 0)
		return;
	memset(&s, 0, sizeof(s));
	if (ts_message_scratch_init(&s.scratch) != 0 || (s.picked = json_object_new_array()) == NULL) {
		ts_message_scratch_free(&s.scratch);
		ts_fail(ctx, TS_E_INTERNAL, NULL);
		return;
	}
	s.budget = max_tokens;
	s.cleared = cleared;
	s.max_count = max_messages;
	s.max_bytes = ctx->app->cfg->max_response_bytes - TS_LIST_ENVELOPE_BYTES;
	/* System messages first when asked; the rest of the budget to the tail. */
	rc = (include_system && take_newest(ctx, tid, 1 << TS_ROLE_SYSTEM, &s) != 0) ||
	    take_newest(ctx, tid, include_system ? TS_ALL_ROLES & ~(1 << TS_ROLE_SYSTEM) : TS_ALL_ROLES, &s) != 0;
	ts_message_scratch_free(&s.scratch);
	if (rc) {
		json_object_put(s.picked);
		return;
	}
	json_object_array_sort(s.picked, by_seq);
	o = json_object_new_object();
	json_object_object_add(o, "object", json_object_new_string("thread.context"));
	json_object_object_add(o, "messages", s.picked);
	json_object_object_add(o, "total_tokens", json_object_new_int64(s.used));
	json_object_object_add(o, "message_count", json_object_new_int64((int64_t)json_object_array_length(s.picked)));
	json_object_object_add(o, "truncated", json_object_new_boolean(s.truncated));
	ts_response_json(ctx->res, 200, o);
}
