/*
 * The thread resource (§5): create, list (own or the public directory), get,
 * patch, delete. Access is decided by ts_thread_load (the §4 matrix).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "ids.h"
#include "limits.h"
#include "params.h"
#include "query.h"
#include "settings_store.h"
#include "thread_store.h"
#include "threads.h"
#include "validate.h"


/* The writable fields of a thread as a request gave them. */
struct thread_fields {
	int has_id, has_title, has_visibility, has_namespace, has_metadata;
	uuid_t id;
	const char *title;      /* borrowed from the body; NULL: null */
	int visibility;
	const char *namespace_;
	char *metadata;         /* canonical JSON text (owned) */
};

/*
 * Reads and validates the fields of a create (patch == 0) or patch body.
 * Explicit null means "not set" on create; on patch it clears the title and
 * is a 422 for the fields that cannot be empty.
 */
static int
parse_fields(struct ts_ctx *ctx, int patch, struct thread_fields *f)
{
	static const char *const create_fields[] = { "id", "title", "visibility", "namespace", "metadata", NULL };
	static const char *const patch_fields[] = { "title", "visibility", "namespace", "metadata", NULL };
	struct json_object *v;

	memset(f, 0, sizeof(*f));
	if (ts_v_body_object(ctx) != 0 || ts_v_known_fields(ctx, patch ? patch_fields : create_fields) != 0)
		return -1;
	if (json_object_object_get_ex(ctx->body, "id", &v) && v != NULL) {
		if (ts_v_new_uuid(ctx, "id", v, f->id) != 0)
			return -1;
		f->has_id = 1;
	}
	if (json_object_object_get_ex(ctx->body, "title", &v) && (v != NULL || patch)) {
		if (ts_v_string(ctx, "title", v, TS_MAX_TITLE_POINTS, 1, &f->title) != 0)
			return -1;
		f->has_title = 1;
	}
	if (json_object_object_get_ex(ctx->body, "visibility", &v) && (v != NULL || patch)) {
		if (ts_v_visibility(ctx, "visibility", v, &f->visibility) != 0)
			return -1;
		f->has_visibility = 1;
	}
	if (json_object_object_get_ex(ctx->body, "namespace", &v) && (v != NULL || patch)) {
		if (ts_v_namespace(ctx, "namespace", v, &f->namespace_) != 0)
			return -1;
		f->has_namespace = 1;
	}
	if (json_object_object_get_ex(ctx->body, "metadata", &v) && (v != NULL || patch)) {
		if (ts_v_metadata(ctx, "metadata", v) != 0)
			return -1;
		if ((f->metadata = ts_json_text(v)) == NULL) {
			ts_fail(ctx, TS_E_INTERNAL, NULL);
			return -1;
		}
		f->has_metadata = 1;
	}
	return 0;
}

/* Answers status with the thread id as it is in the database now. */
static void
respond_thread(struct ts_ctx *ctx, const uuid_t id, int status)
{
	struct ts_db_rows rows;
	struct json_object *o;
	char sid[TS_UUID_STR_LEN + 1], location[TS_MAX_PATH_BYTES + 64];
	enum ts_db_status st;

	st = ts_thread_store_get(ctx->app->db, id, &rows);
	if (st != TS_DB_OK) {
		ts_respond_db_error(ctx, st);
		return;
	}
	if (rows.nrows != 1) {
		ts_db_rows_free(&rows);
		ts_fail(ctx, TS_E_NOT_FOUND, "Thread not found");
		return;
	}
	o = ts_thread_json(&rows, 0);
	ts_db_rows_free(&rows);
	if (o == NULL || ts_response_json(ctx->res, status, o) != 0) {
		ts_fail(ctx, TS_E_INTERNAL, NULL);
		return;
	}
	if (status == 201) {
		ts_uuid_format(id, sid);
		snprintf(location, sizeof(location), "%s/api/threads/%s", ctx->req->mount, sid);
		ts_response_header(ctx->res, "Location", location);
	}
}

/* A client id that exists already: 200 for the caller's own, 409 otherwise. */
static void
respond_existing(struct ts_ctx *ctx, const uuid_t id)
{
	struct ts_db_rows rows;
	enum ts_db_status st;
	int own;

	st = ts_thread_store_get(ctx->app->db, id, &rows);
	if (st != TS_DB_OK) {
		ts_respond_db_error(ctx, st);
		return;
	}
	own = rows.nrows == 1 && strcmp(ts_db_cell(&rows, 0, TS_TC_OWNER)->data, ctx->principal.sub) == 0;
	ts_db_rows_free(&rows);
	if (!own) {
		ts_fail(ctx, TS_E_CONFLICT, "A thread with this id already exists");
		return;
	}
	respond_thread(ctx, id, 200);
}

void
ts_h_threads_create(struct ts_ctx *ctx)
{
	struct thread_fields f;
	struct ts_thread_new row;
	enum ts_db_status st;

	memset(&f, 0, sizeof(f));
	if (!ctx->principal.authenticated) {
		ts_fail(ctx, TS_E_UNAUTHORIZED, NULL);
		return;
	}
	if (ctx->has_body && parse_fields(ctx, 0, &f) != 0)
		goto out;
	if (!f.has_id)
		ts_uuid_generate(f.id);
	row.id = f.id;
	row.owner = ctx->principal.sub;
	row.title = f.has_title ? f.title : NULL;
	row.visibility = f.has_visibility ? f.visibility : TS_VIS_PRIVATE;
	row.namespace_ = f.has_namespace ? f.namespace_ : "";
	row.metadata = f.has_metadata ? f.metadata : "{}";
	st = ts_thread_store_insert(ctx->app->db, &row);
	if (st == TS_DB_DUPLICATE && f.has_id)
		respond_existing(ctx, f.id);
	else if (st != TS_DB_OK)
		ts_respond_db_error(ctx, st);
	else
		respond_thread(ctx, f.id, 201);
out:
	free(f.metadata);
}

void
ts_h_thread_get(struct ts_ctx *ctx)
{
	struct ts_thread t;
	uuid_t id;

	ts_uuid_parse(ctx->match->params[0], id);
	if (ts_thread_load(ctx, id, TS_OP_READ, &t) != 0)
		return;
	if (ts_response_json(ctx->res, 200, ts_thread_json(&t.rows, 0)) != 0)
		ts_fail(ctx, TS_E_INTERNAL, NULL);
	ts_thread_release(&t);
}

void
ts_h_thread_patch(struct ts_ctx *ctx)
{
	struct thread_fields f;
	struct ts_thread t;
	struct ts_thread_patch patch;
	enum ts_db_status st;
	uuid_t id;

	memset(&f, 0, sizeof(f));
	if (!ctx->has_body) {
		ts_fail(ctx, TS_E_INVALID_JSON, "Request body required");
		return;
	}
	ts_uuid_parse(ctx->match->params[0], id);
	if (ts_thread_load(ctx, id, TS_OP_WRITE, &t) != 0)
		return;
	ts_thread_release(&t);
	if (parse_fields(ctx, 1, &f) != 0)
		goto out;
	patch.has_title = f.has_title;
	patch.title = f.title;
	patch.has_visibility = f.has_visibility;
	patch.visibility = f.visibility;
	patch.has_namespace = f.has_namespace;
	patch.namespace_ = f.namespace_;
	patch.has_metadata = f.has_metadata;
	patch.metadata = f.metadata;
	if ((st = ts_thread_store_update(ctx->app->db, id, ctx->principal.sub, &patch)) != TS_DB_OK) {
		ts_respond_db_error(ctx, st);
		goto out;
	}
	respond_thread(ctx, id, 200);
out:
	free(f.metadata);
}

void
ts_h_thread_delete(struct ts_ctx *ctx)
{
	struct ts_thread t;
	enum ts_db_status st;
	int deleted;
	uuid_t id;

	ts_uuid_parse(ctx->match->params[0], id);
	if (ts_thread_load(ctx, id, TS_OP_WRITE, &t) != 0)
		return;
	ts_thread_release(&t);
	st = ts_thread_store_delete(ctx->app->db, id, ctx->principal.sub, &deleted);
	if (st != TS_DB_OK)
		ts_respond_db_error(ctx, st);
	else if (!deleted)
		ts_fail(ctx, TS_E_NOT_FOUND, "Thread not found");
	else
		ts_response_empty(ctx->res, 204);
}
