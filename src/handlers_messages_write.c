/* PATCH and DELETE of one message, and clearing a thread (§6.4); owner only. */
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "ids.h"
#include "message_table.h"
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
	if ((st = ts_message_table_get(ctx->app->db, tid, mid, row)) != TS_DB_OK) {
		ts_respond_db_error(ctx, st);
		return -1;
	}
	if (row->nrows != 1) {
		ts_db_rows_free(row);
		ts_fail(ctx, TS_E_NOT_FOUND, "Message not found");
		return -1;
	}
	return 0;
}

void
ts_h_message_patch(struct ts_ctx *ctx)
{
	struct ts_message_patch mp;
	struct ts_message_change change;
	struct ts_db_rows row, after;
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
	change.has_text = mp.has_text;
	change.text = mp.text;
	change.text_len = mp.text_len;
	change.has_extra = mp.has_extra;
	change.content_extra = mp.content_extra;
	change.has_metadata = mp.has_metadata;
	change.metadata = mp.metadata;
	change.has_details = mp.has_details;
	change.details = mp.details;
	if ((st = ts_message_table_update(ctx->app->db, tid, mid, &change)) != TS_DB_OK ||
	    (st = ts_message_table_get(ctx->app->db, tid, mid, &after)) != TS_DB_OK) {
		ts_respond_db_error(ctx, st);
		goto out;
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

void
ts_h_message_delete(struct ts_ctx *ctx)
{
	struct ts_db_rows row;
	enum ts_db_status st;
	int role, deleted;
	uuid_t tid, mid;

	if (load_message(ctx, tid, mid, &row) != 0)
		return;
	role = (int)ts_db_cell_ll(&row, 0, TS_MC_ROLE);
	ts_db_rows_free(&row);
	if ((st = ts_message_table_delete(ctx->app->db, tid, mid, role, &deleted)) != TS_DB_OK)
		ts_respond_db_error(ctx, st);
	else if (!deleted)
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
