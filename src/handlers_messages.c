/*
 * Messages (§6.2, §6.4): create one, create a batch, read one, patch, delete
 * one, clear the thread. Reads follow the access matrix; writes need the owner.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "ids.h"
#include "limits.h"
#include "message_store.h"
#include "message_table.h"
#include "messages.h"
#include "params.h"
#include "threads.h"
#include "validate.h"


/* with_details=true|false (default true). Returns 0, or -1 answered. */
int
ts_q_with_details(struct ts_ctx *ctx, int *with_details)
{
	static const char *const bools[] = { "false", "true", NULL };
	int v = 1;

	if (ts_q_enum(ctx, "with_details", bools, &v) < 0)
		return -1;
	*with_details = v;
	return 0;
}

/* Answers status with o (taken over), and a Location header for a 201. */
static void
answer_message(struct ts_ctx *ctx, const unsigned char *tid, const unsigned char *mid, int status,
    struct json_object *o)
{
	char ts[TS_UUID_STR_LEN + 1], ms[TS_UUID_STR_LEN + 1], loc[TS_MAX_PATH_BYTES + 128];

	if (o == NULL || ts_response_json(ctx->res, status, o) != 0) {
		ts_fail(ctx, TS_E_INTERNAL, NULL);
		return;
	}
	if (status == 201) {
		ts_uuid_format(tid, ts);
		ts_uuid_format(mid, ms);
		snprintf(loc, sizeof(loc), "%s/api/threads/%s/messages/%s", ctx->req->mount, ts, ms);
		ts_response_header(ctx->res, "Location", loc);
	}
}

/*
 * Message id of thread tid as stored now, rendered with details. NULL after
 * answering, or, when it is not there, NULL with *gone set and nothing answered.
 */
static struct json_object *
stored_message(struct ts_ctx *ctx, const unsigned char *tid, const unsigned char *mid, int *gone)
{
	struct ts_db_rows r;
	struct json_object *o;
	enum ts_db_status st;

	if ((st = ts_message_table_get(ctx->app->db, tid, mid, &r)) != TS_DB_OK) {
		ts_respond_db_error(ctx, st);
		return NULL;
	}
	if ((*gone = r.nrows != 1)) {
		ts_db_rows_free(&r);
		return NULL;
	}
	if ((o = ts_message_json(&r, 0, 1)) == NULL)
		ts_fail(ctx, TS_E_INTERNAL, NULL);
	ts_db_rows_free(&r);
	return o;
}

/*
 * Item i of a create, rendered: a new one from the row it was inserted as
 * (no read back), one that existed already as stored (NULL with *gone set
 * if it was deleted meanwhile). Otherwise NULL after answering.
 */
static struct json_object *
created_message(struct ts_ctx *ctx, const struct ts_create *c, size_t i, int *gone)
{
	struct ts_message_row row;
	struct json_object *o;

	*gone = 0;
	if (c->existing[i])
		return stored_message(ctx, c->thread_id, c->ids[i], gone);
	ts_message_row_fill(&row, c->thread_id, c->ids[i], c->seqs[i], c->now, &c->items[i]);
	if ((o = ts_message_json_cells(row.cells, 1)) == NULL)
		ts_fail(ctx, TS_E_INTERNAL, NULL);
	return o;
}

/*
 * Whether the path's thread refuses the caller a write: then 404, 401 or
 * 403 is answered (§4), replacing any answer given so far, which §11 puts
 * after them (a 422, a database error). 0: the caller owns it, nothing answered.
 */
static int
write_refused(struct ts_ctx *ctx, const unsigned char *tid)
{
	struct ts_thread t;

	if (ts_thread_load(ctx, tid, TS_OP_WRITE, &t) != 0)
		return 1;
	ts_thread_release(&t);
	return 0;
}

/*
 * Maps a create outcome that is not a success to its answer; 0 when it is
 * one. A create's first statement is its owner check (src/message_store.c),
 * so when it matched no thread of the caller's, or the transaction failed,
 * the thread is loaded: a caller who may not write it learns only that.
 */
static int
create_failed(struct ts_ctx *ctx, enum ts_db_status st, const struct ts_create *c, int batch)
{
	if (st != TS_DB_OK || c->outcome == TS_CREATE_NO_THREAD) {
		if (write_refused(ctx, c->thread_id))
			return -1;
		if (st != TS_DB_OK)
			ts_respond_db_error(ctx, st);
		else    /* the caller's thread, gone since the statement */
			ts_fail(ctx, TS_E_NOT_FOUND, "Thread not found");
		return -1;
	}
	switch (c->outcome) {
	case TS_CREATE_OK:
		return 0;
	case TS_CREATE_NO_THREAD:
		break;          /* answered above */
	case TS_CREATE_BAD_PARENT: {
		static const char *const loc[] = { "body", "parent_message_id", NULL };
		ctx->loc_index = batch ? (int)c->bad_index : -1;
		ts_fail_validation(ctx, loc, "must name a message of this thread", "reference");
		ctx->loc_index = -1;
		return -1;
	}
	case TS_CREATE_CONFLICT:
		ts_fail(ctx, TS_E_CONFLICT, "message_id already names another message");
		return -1;
	}
	return -1;
}

/* The path's thread id, loaded for op; 0 or -1 answered. */
static int
load_path_thread(struct ts_ctx *ctx, enum ts_op op, uuid_t tid)
{
	struct ts_thread t;

	ts_uuid_parse(ctx->match->params[0], tid);
	if (ts_thread_load(ctx, tid, op, &t) != 0)
		return -1;
	ts_thread_release(&t);
	return 0;
}

/*
 * One message. The owner's create, the common case, reads nothing first:
 * the body is validated, then the transaction's first statement matches
 * the thread and its owner together (src/message_store.c), and only a
 * body that fails, or a statement that matches nothing, loads the thread
 * to give the §11 answer. Anonymous callers are answered from the load.
 */
void
ts_h_message_create(struct ts_ctx *ctx)
{
	struct ts_message_input in;
	struct ts_create c;
	uuid_t tid, id;
	int existing = 0, gone;
	long long seq = 0;
	struct json_object *o;
	enum ts_db_status st;

	memset(&in, 0, sizeof(in));
	if (!ctx->has_body) {
		ts_fail(ctx, TS_E_INVALID_JSON, "Request body required");
		return;
	}
	ts_uuid_parse(ctx->match->params[0], tid);
	if (!ctx->principal.authenticated) {
		/* writes need a caller: the load answers 404 or 401 */
		if (!write_refused(ctx, tid))
			ts_fail(ctx, TS_E_UNAUTHORIZED, NULL);
		goto out;
	}
	if (ts_message_parse(ctx, ctx->body, &in) != 0) {
		(void)write_refused(ctx, tid);  /* a refusal replaces the 422 */
		goto out;
	}
	memset(&c, 0, sizeof(c));
	c.thread_id = tid;
	c.owner = ctx->principal.sub;
	c.items = &in;
	c.n = 1;
	c.ids = &id;
	c.existing = &existing;
	c.seqs = &seq;
	st = ts_messages_create(ctx->app->db, &c);
	if (create_failed(ctx, st, &c, 0) != 0)
		goto out;
	if ((o = created_message(ctx, &c, 0, &gone)) != NULL)
		answer_message(ctx, tid, id, existing ? 200 : 201, o);
	else if (gone)
		ts_fail(ctx, TS_E_NOT_FOUND, "Message not found");
out:
	ts_message_input_free(&in);
}

/* Validates every item of a batch; 0, or -1 answered. */
static int
parse_batch(struct ts_ctx *ctx, struct json_object *list, struct ts_message_input *items, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		ctx->loc_index = (int)i;
		if (ts_message_parse(ctx, json_object_array_get_idx(list, i), &items[i]) != 0) {
			ctx->loc_index = -1;
			return -1;
		}
		for (j = 0; j < i; j++)
			if (items[i].has_message_id && items[j].has_message_id &&
			    memcmp(items[i].message_id, items[j].message_id, 16) == 0) {
				static const char *const loc[] = { "body", "message_id", NULL };
				ts_fail_validation(ctx, loc, "repeats an earlier item's message_id", "duplicate");
				ctx->loc_index = -1;
				return -1;
			}
	}
	ctx->loc_index = -1;
	return 0;
}

/*
 * Renders the created batch, in the given order, as stored. Like a page, the
 * answer stops before the item that would take it past the response cap (an
 * item repeated idempotently comes back as stored, details and all); it then
 * says "has_more": true, and the rest, all created, are read with the list.
 */
static void
respond_batch(struct ts_ctx *ctx, const struct ts_create *c)
{
	struct json_object *data = json_object_new_array(), *o = json_object_new_object(), *m;
	size_t i, len, used = TS_LIST_ENVELOPE_BYTES;
	int gone, cut = 0;

	if (o == NULL || data == NULL) {
		json_object_put(data);
		json_object_put(o);
		ts_fail(ctx, TS_E_INTERNAL, NULL);
		return;
	}
	for (i = 0; i < c->n; i++) {
		if ((m = created_message(ctx, c, i, &gone)) == NULL && !gone) {
			json_object_put(data);
			json_object_put(o);
			return;
		}
		/* an existing item deleted since the commit is left out */
		if (m == NULL)
			continue;
		json_object_to_json_string_length(m, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
		used += len + 1;
		if (used > ctx->app->cfg->max_response_bytes && json_object_array_length(data) > 0) {
			json_object_put(m);
			cut = 1;
			break;
		}
		json_object_array_add(data, m);
	}
	json_object_object_add(o, "object", json_object_new_string("list"));
	json_object_object_add(o, "data", data);
	if (cut)
		json_object_object_add(o, "has_more", json_object_new_boolean(1));
	if (ts_response_json(ctx->res, 201, o) != 0)
		ts_fail(ctx, TS_E_INTERNAL, NULL);
}

void
ts_h_messages_batch(struct ts_ctx *ctx)
{
	static const char *const fields[] = { "messages", NULL };
	static const char *const loc[] = { "body", "messages", NULL };
	struct ts_message_input *items = NULL;
	struct json_object *list = NULL;
	struct ts_create c;
	uuid_t tid, *ids = NULL;
	int *existing = NULL;
	long long *seqs = NULL;
	size_t n = 0, i;
	enum ts_db_status st;

	if (!ctx->has_body) {
		ts_fail(ctx, TS_E_INVALID_JSON, "Request body required");
		return;
	}
	if (load_path_thread(ctx, TS_OP_WRITE, tid) != 0 || ts_v_body_object(ctx) != 0 ||
	    ts_v_known_fields(ctx, fields) != 0)
		return;
	if (!json_object_object_get_ex(ctx->body, "messages", &list) ||
	    !json_object_is_type(list, json_type_array) ||
	    (n = json_object_array_length(list)) < 1 || n > TS_MAX_BATCH) {
		ts_fail_validation(ctx, loc, "must be an array of 1 to " TS_STR(TS_MAX_BATCH) " messages", "length");
		return;
	}
	items = calloc(n, sizeof(*items));
	ids = calloc(n, sizeof(*ids));
	existing = calloc(n, sizeof(*existing));
	seqs = calloc(n, sizeof(*seqs));
	if (items == NULL || ids == NULL || existing == NULL || seqs == NULL) {
		ts_fail(ctx, TS_E_INTERNAL, NULL);
		goto out;
	}
	if (parse_batch(ctx, list, items, n) != 0)
		goto out;
	memset(&c, 0, sizeof(c));
	c.thread_id = tid;
	c.owner = ctx->principal.sub;
	c.items = items;
	c.n = n;
	c.ids = ids;
	c.existing = existing;
	c.seqs = seqs;
	st = ts_messages_create(ctx->app->db, &c);
	if (create_failed(ctx, st, &c, 1) == 0)
		respond_batch(ctx, &c);
out:
	for (i = 0; items != NULL && i < n; i++)
		ts_message_input_free(&items[i]);
	free(items);
	free(ids);
	free(existing);
	free(seqs);
}

void
ts_h_message_get(struct ts_ctx *ctx)
{
	struct ts_db_rows r;
	enum ts_db_status st;
	uuid_t tid, mid;
	int with_details;

	if (load_path_thread(ctx, TS_OP_READ, tid) != 0)
		return;
	ts_uuid_parse(ctx->match->params[1], mid);
	if ((st = ts_message_table_get(ctx->app->db, tid, mid, &r)) != TS_DB_OK) {
		ts_respond_db_error(ctx, st);
		return;
	}
	/* 404 message comes before 422 in §11's order. */
	if (r.nrows != 1)
		ts_fail(ctx, TS_E_NOT_FOUND, "Message not found");
	else if (ts_q_with_details(ctx, &with_details) == 0)
		answer_message(ctx, tid, mid, 200, ts_message_json(&r, 0, with_details));
	ts_db_rows_free(&r);
}
