/* PATCH and DELETE of one message, and clearing a thread (§6.4); owner only. */
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "ids.h"
#include "messages.h"
#include "thread_store.h"
#include "threads.h"

/* Loads the path's thread for writing and its message; 0, or -1 answered. */
static int
load_message(struct ts_ctx *ctx, uuid_t tid, uuid_t mid, struct ts_db_rows *row)
{
	struct ts_thread t;
	enum ts_db_status st;

	ts_uuid_parse(ctx->match->params[0], tid);
	ts_uuid_parse(ctx->match->params[1], mid);
	if (ts_thread_load(ctx, tid, TS_OP_WRITE, &t) != 0)
		return -1;
	ts_thread_release(&t);
	{
		struct ts_db_param p[] = { ts_p_blob(mid, 16), ts_p_blob(tid, 16) };
		if ((st = ts_db_exec(ctx->app->db, TS_SQL_MESSAGE_IN_THREAD, p, 2, row, NULL)) != TS_DB_OK) {
			ts_respond_db_error(ctx, st);
			return -1;
		}
	}
	if (row->nrows != 1) {
		ts_db_rows_free(row);
		ts_fail(ctx, TS_E_NOT_FOUND, "Message not found");
		return -1;
	}
	return 0;
}

static struct ts_db_param
opt_text(const char *s)
{
	return s != NULL ? ts_p_str(s, strlen(s)) : ts_p_null();
}

void
ts_h_message_patch(struct ts_ctx *ctx)
{
	struct ts_message_patch mp;
	struct ts_db_rows row, after;
	struct ts_db_param p[10];
	enum ts_db_status st;
	uuid_t tid, mid;

	memset(&mp, 0, sizeof(mp));
	if (!ctx->has_body) {
		ts_fail(ctx, TS_E_INVALID_JSON, "Request body required");
		return;
	}
	if (load_message(ctx, tid, mid, &row) != 0)
		return;
	if (ts_message_parse_patch(ctx, ts_db_cell(&row, 0, TS_MC_CONTENT_EXTRA), &mp) != 0)
		goto out;
	p[0] = ts_p_int(mp.has_text);
	p[1] = mp.has_text ? ts_p_str(mp.text, mp.text_len) : ts_p_str("", 0);
	p[2] = ts_p_int(mp.has_extra);
	p[3] = opt_text(mp.content_extra);
	p[4] = ts_p_int(mp.has_metadata);
	p[5] = mp.has_metadata ? opt_text(mp.metadata) : ts_p_str("{}", 2);
	p[6] = ts_p_int(mp.has_details);
	p[7] = opt_text(mp.details);
	p[8] = ts_p_blob(mid, 16);
	p[9] = ts_p_blob(tid, 16);
	if ((st = ts_db_exec(ctx->app->db, TS_SQL_MESSAGE_UPDATE, p, 10, NULL, NULL)) != TS_DB_OK) {
		ts_respond_db_error(ctx, st);
		goto out;
	}
	{
		struct ts_db_param q[] = { ts_p_blob(mid, 16), ts_p_blob(tid, 16) };
		if ((st = ts_db_exec(ctx->app->db, TS_SQL_MESSAGE_IN_THREAD, q, 2, &after, NULL)) != TS_DB_OK) {
			ts_respond_db_error(ctx, st);
			goto out;
		}
	}
	if (after.nrows == 1)
		ts_response_json(ctx->res, 200, ts_message_json(&after, 0, 1));
	else
		ts_fail(ctx, TS_E_NOT_FOUND, "Message not found");
	ts_db_rows_free(&after);
out:
	ts_message_patch_free(&mp);
	ts_db_rows_free(&row);
}

struct delete_args {
	const unsigned char *tid;
	const unsigned char *mid;
	int role;                       /* the message's role (roles never change) */
	unsigned long long deleted;
};

/* Deletes and keeps the thread's counters true, in one transaction. */
static enum ts_db_status
delete_txn(struct ts_db *db, void *arg)
{
	struct delete_args *a = arg;
	struct ts_db_param one[] = { ts_p_blob(a->mid, 16), ts_p_blob(a->tid, 16) };
	struct ts_db_param counters[2 + TS_ROLE__COUNT];
	enum ts_db_status st;
	size_t n = 0;
	int r;

	if ((st = ts_db_exec(db, TS_SQL_MESSAGE_DELETE, one, 2, NULL, &a->deleted)) != TS_DB_OK ||
	    a->deleted == 0)
		return st;
	counters[n++] = ts_p_int((long long)a->deleted);
	for (r = 0; r < TS_ROLE__COUNT; r++)
		counters[n++] = ts_p_int(r == a->role ? (long long)a->deleted : 0);
	counters[n++] = ts_p_blob(a->tid, 16);
	return ts_db_exec(db, TS_SQL_THREAD_AFTER_DELETE, counters, n, NULL, NULL);
}

void
ts_h_message_delete(struct ts_ctx *ctx)
{
	struct ts_db_rows row;
	struct delete_args a;
	enum ts_db_status st;
	uuid_t tid, mid;

	if (load_message(ctx, tid, mid, &row) != 0)
		return;
	a.role = (int)ts_db_cell_ll(&row, 0, TS_MC_ROLE);
	ts_db_rows_free(&row);
	a.tid = tid;
	a.mid = mid;
	a.deleted = 0;
	if ((st = ts_db_transaction(ctx->app->db, delete_txn, &a)) != TS_DB_OK)
		ts_respond_db_error(ctx, st);
	else if (a.deleted == 0)
		ts_fail(ctx, TS_E_NOT_FOUND, "Message not found");
	else
		ts_response_empty(ctx->res, 204);
}

void
ts_h_messages_clear(struct ts_ctx *ctx)
{
	struct ts_thread t;
	enum ts_db_status st;
	int done;
	uuid_t tid;

	ts_uuid_parse(ctx->match->params[0], tid);
	if (ts_thread_load(ctx, tid, TS_OP_WRITE, &t) != 0)
		return;
	ts_thread_release(&t);
	if ((st = ts_thread_store_clear(ctx->app->db, tid, ctx->principal.sub, &done)) != TS_DB_OK)
		ts_respond_db_error(ctx, st);
	else if (!done)
		ts_fail(ctx, TS_E_NOT_FOUND, "Thread not found");
	else
		ts_response_empty(ctx->res, 204);
}
