/*
 * Share links (API reference: tag shares): the owner's routes
 * (POST and GET /api/threads/{thread_id}/shares, GET /api/shares,
 * DELETE /api/shares/{share_id}) and the reader's JSON routes
 * (GET /api/shared/{token}, .../messages). The operations
 * (src/ops/shares.c) decide and store; this parses and renders.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "ids.h"
#include "ts_limits.h"
#include "share_ops.h"
#include "timefmt.h"
#include "validate.h"

static const char *const mode_names[] = { [TS_SHARE_LIVE] = "live", [TS_SHARE_SNAPSHOT] = "snapshot" };

/* Adds a DATETIME(3) cell as an ISO string, or null. */
static void
add_time(struct json_object *o, const char *key, const struct ts_db_cell *c)
{
	char iso[TS_ISO_LEN + 1];

	json_object_object_add(o, key, c->data != NULL && ts_time_db_to_iso(c->data, c->len, iso) == 0
	    ? json_object_new_string(iso) : NULL);
}

/*
 * The share object (API reference: schema Share) of row `row` (enum
 * ts_share_col); with the token (only right after it was made) also its
 * url below the mount point. A new reference, NULL out of memory.
 */
static struct json_object *
share_json(struct ts_ctx *ctx, const struct ts_db_rows *rows, size_t row, const char *token)
{
	const struct ts_db_cell *c = ts_db_cell(rows, row, 0);
	struct json_object *o = json_object_new_object();
	char id[TS_UUID_STR_LEN + 1], tid[TS_UUID_STR_LEN + 1];
	char url[TS_MAX_PATH_BYTES + TS_SHARE_TOKEN_LEN + 8];

	if (o == NULL || c[TS_SC_ID].len != 16 || c[TS_SC_THREAD_ID].len != 16) {
		json_object_put(o);
		return NULL;
	}
	ts_uuid_format((const unsigned char *)c[TS_SC_ID].data, id);
	ts_uuid_format((const unsigned char *)c[TS_SC_THREAD_ID].data, tid);
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "object", json_object_new_string("share"));
	json_object_object_add(o, "thread_id", json_object_new_string(tid));
	json_object_object_add(o, "mode",
	    json_object_new_string(mode_names[strtol(c[TS_SC_MODE].data, NULL, 10) == TS_SHARE_SNAPSHOT]));
	if (token != NULL) {
		snprintf(url, sizeof(url), "%s/s/%s", ctx->req->mount, token);
		json_object_object_add(o, "url", json_object_new_string(url));
		json_object_object_add(o, "token", json_object_new_string(token));
	}
	add_time(o, "expires_at", &c[TS_SC_EXPIRES_AT]);
	add_time(o, "revoked_at", &c[TS_SC_REVOKED_AT]);
	add_time(o, "created_at", &c[TS_SC_CREATED_AT]);
	return o;
}

/* The create body: {"mode": "live" | "snapshot", "expires_at": null | time}. */
static int
parse_create(struct ts_ctx *ctx, struct ts_problem *p, struct ts_share_input *in)
{
	static const char *const fields[] = { "mode", "expires_at", NULL };
	static const char *const loc_mode[] = { "body", "mode", NULL };
	static const char *const loc_exp[] = { "body", "expires_at", NULL };
	char now[TS_DB_TIME_LEN + 1], latest[TS_DB_TIME_LEN + 1];
	struct json_object *v;
	const char *s;

	if (ts_v_body(p, ctx->body, &ctx->body_flaws) != 0 || ts_v_known_fields(p, ctx->body, fields) != 0)
		return -1;
	if (!json_object_object_get_ex(ctx->body, "mode", &v) || !json_object_is_type(v, json_type_string))
		return ts_problem_invalid(p, loc_mode, "required: \"live\" or \"snapshot\"", "enum");
	s = json_object_get_string(v);
	if (strcmp(s, "live") == 0)
		in->mode = TS_SHARE_LIVE;
	else if (strcmp(s, "snapshot") == 0)
		in->mode = TS_SHARE_SNAPSHOT;
	else
		return ts_problem_invalid(p, loc_mode, "required: \"live\" or \"snapshot\"", "enum");
	if (!json_object_object_get_ex(ctx->body, "expires_at", &v) || v == NULL)
		return 0;
	ts_time_now_db(now);
	ts_time_from_now_db(TS_MAX_SHARE_EXPIRY_SECONDS, latest);
	if (!json_object_is_type(v, json_type_string) ||
	    ts_time_parse_rfc3339(json_object_get_string(v), 0, in->expires_at) != 0)
		return ts_problem_invalid(p, loc_exp, "must be null or an RFC 3339 timestamp", "datetime");
	if (strcmp(in->expires_at, now) <= 0 || strcmp(in->expires_at, latest) > 0)
		return ts_problem_invalid(p, loc_exp, "must lie in the future, at most 366 days ahead", "range");
	in->has_expires = 1;
	return 0;
}

void
ts_h_shares_create(struct ts_ctx *ctx)
{
	struct ts_share_input in;
	struct ts_share_made made;
	struct ts_problem invalid;
	char id[TS_UUID_STR_LEN + 1];
	uuid_t tid;

	if (ts_api_need_body(ctx) != 0)
		return;
	memset(&in, 0, sizeof(in));
	ts_problem_init(&invalid);
	ts_path_uuid(ctx, 0, tid);
	(void)parse_create(ctx, &invalid, &in);
	if (ts_share_create(&ctx->call, tid, &in, &invalid, &made) != 0) {
		ts_answer_failure(ctx);
	} else {
		ts_api_answer(ctx, 201, share_json(ctx, &made.rows, 0, made.token));
		if (!ctx->res->is_error) {
			ts_uuid_format((const unsigned char *)ts_db_cell(&made.rows, 0, TS_SC_ID)->data, id);
			ts_api_location(ctx, "/api/shares/%s", id);
		}
	}
	ts_share_made_free(&made);
	ts_problem_free(&invalid);
}

/* Both listings: a thread's links (tid) or the caller's (NULL). */
static void
list_shares(struct ts_ctx *ctx, const unsigned char *tid)
{
	struct ts_page_request pr;
	struct ts_share_page pg;
	struct ts_problem invalid;
	struct json_object *data, *item;
	size_t i;

	ts_problem_init(&invalid);
	(void)ts_page_params(&invalid, ctx->req->query, TS_MAX_PAGE_LIMIT, TS_DEFAULT_PAGE_LIMIT, &pr);
	if (ts_shares_list(&ctx->call, tid, &pr, &invalid, &pg) != 0) {
		ts_answer_failure(ctx);
	} else {
		data = json_object_new_array_ext((int)pg.n);
		for (i = 0; data != NULL && i < pg.n; i++) {
			item = share_json(ctx, &pg.rows, ts_share_page_row(&pg, i), NULL);
			if (item == NULL || json_object_array_add(data, item) != 0) {
				json_object_put(item);
				json_object_put(data);
				data = NULL;
			}
		}
		ts_api_answer(ctx, 200, data != NULL ? ts_page_envelope(data, pg.has_more, pg.kind) : NULL);
	}
	ts_share_page_free(&pg);
	ts_problem_free(&invalid);
}

void
ts_h_shares_list_thread(struct ts_ctx *ctx)
{
	uuid_t tid;

	ts_path_uuid(ctx, 0, tid);
	list_shares(ctx, tid);
}

void
ts_h_shares_list(struct ts_ctx *ctx)
{
	list_shares(ctx, NULL);
}

void
ts_h_share_delete(struct ts_ctx *ctx)
{
	uuid_t id;

	ts_path_uuid(ctx, 0, id);
	if (ts_share_revoke(&ctx->call, id) != 0)
		ts_answer_failure(ctx);
	else
		ts_response_empty(ctx->res, 204);
}

/* The link of the route's {token}: 0, or -1 answered. */
static int
open_link(struct ts_ctx *ctx, struct ts_shared *sh)
{
	const char *token = ctx->match->nparams > 0 ? ctx->match->params[0] : "";

	if (ts_shared_open(&ctx->call, token, strlen(token), sh) == 0)
		return 0;
	ts_answer_failure(ctx);
	return -1;
}

/* The thread as a link's reader sees it (API reference: schema SharedThread):
 * nothing of its owner, id, namespace or metadata. */
static struct json_object *
shared_thread_json(const struct ts_shared *sh)
{
	struct json_object *o = json_object_new_object();
	const struct ts_db_cell *title = ts_shared_title(sh);

	if (o == NULL)
		return NULL;
	json_object_object_add(o, "object", json_object_new_string("shared.thread"));
	json_object_object_add(o, "mode", json_object_new_string(mode_names[sh->mode == TS_SHARE_SNAPSHOT]));
	json_object_object_add(o, "title", title->data != NULL ? json_object_new_string_len(title->data,
	    (int)title->len) : NULL);
	json_object_object_add(o, "message_count", json_object_new_int64(ts_shared_count(sh)));
	add_time(o, "created_at", ts_db_cell(&sh->rows, 0, TS_SH_THREAD_CREATED_AT));
	add_time(o, "shared_at", ts_db_cell(&sh->rows, 0, TS_SH_CREATED_AT));
	add_time(o, "expires_at", ts_db_cell(&sh->rows, 0, TS_SH_EXPIRES_AT));
	return o;
}

void
ts_h_shared_get(struct ts_ctx *ctx)
{
	struct ts_shared sh;

	if (open_link(ctx, &sh) != 0)
		return;
	ts_api_answer(ctx, 200, shared_thread_json(&sh));
	ts_shared_release(&sh);
}

/* A page of shared messages (API reference: schema SharedMessageList) adds
 * next_cursor, the last item's seq, and the total the link shows. */
static void
finish_shared(struct json_object *env, const struct ts_message_page *pg, enum ts_cursor_kind kind)
{
	const struct ts_db_cell *last = pg->n > 0 ? &pg->cells[pg->n - 1][TS_MC_SEQ] : NULL;

	json_object_object_add(env, "next_cursor", pg->has_more && kind != TS_CURSOR_BEFORE && last != NULL
	    ? json_object_new_string_len(last->data, (int)last->len) : NULL);
	json_object_object_add(env, "total", json_object_new_int64(pg->total));
}

static void
respond_shared(struct ts_ctx *ctx, const struct ts_message_page *pg, const struct ts_shared_query *q)
{
	const struct ts_api_page_shape shape = { q->with_details, 1, q->kind, finish_shared, NULL };

	ts_api_answer_messages(ctx, pg, &shape);
}

void
ts_h_shared_messages(struct ts_ctx *ctx)
{
	struct ts_shared_query q;
	struct ts_message_page pg;
	struct ts_problem invalid;
	struct ts_shared sh;

	memset(&pg, 0, sizeof(pg));
	ts_problem_init(&invalid);
	(void)ts_shared_query_parse(&invalid, ctx->req->query, TS_DEFAULT_PAGE_LIMIT, &q);
	if (open_link(ctx, &sh) == 0) {
		if (ts_shared_messages(&ctx->call, &sh, &q, &invalid, &pg) != 0)
			ts_answer_failure(ctx);
		else
			respond_shared(ctx, &pg, &q);
		ts_shared_release(&sh);
	}
	ts_message_page_free(&pg);
	ts_problem_free(&invalid);
}
