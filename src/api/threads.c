/*
 * The thread resource: create, get, patch, delete
 * (API reference: POST /api/threads; /api/threads/{thread_id}). The
 * operations (src/ops/threads.c) decide access and store; this parses and
 * renders.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "ids.h"
#include "ts_limits.h"
#include "thread_ops.h"
#include "validate.h"

/*
 * Reads the fields of a create (patch == 0) or patch body into f. Explicit
 * null means "not set" on create; on patch it clears the title and is a
 * 422 for the fields that cannot be empty. 0, or -1 with the problem.
 */
static int
parse_fields(struct ts_ctx *ctx, struct ts_problem *p, int patch, struct ts_thread_input *f)
{
	static const char *const create_fields[] = { "id", "title", "visibility", "namespace", "metadata", NULL };
	static const char *const patch_fields[] = { "title", "visibility", "namespace", "metadata", NULL };
	struct json_object *body = ctx->body, *v;

	if (ts_v_body(p, body, &ctx->body_flaws) != 0 ||
	    ts_v_known_fields(p, body, patch ? patch_fields : create_fields) != 0)
		return -1;
	if (json_object_object_get_ex(body, "id", &v) && v != NULL) {
		if (ts_v_new_uuid(p, "id", v, f->id) != 0)
			return -1;
		f->has_id = 1;
	}
	if (json_object_object_get_ex(body, "title", &v) && (v != NULL || patch)) {
		if (ts_v_string(p, "title", v, TS_MAX_TITLE_POINTS, 1, &f->title) != 0)
			return -1;
		f->has_title = 1;
	}
	if (json_object_object_get_ex(body, "visibility", &v) && (v != NULL || patch)) {
		if (ts_v_visibility(p, "visibility", v, &f->visibility) != 0)
			return -1;
		f->has_visibility = 1;
	}
	if (json_object_object_get_ex(body, "namespace", &v) && (v != NULL || patch)) {
		if (ts_v_namespace(p, "namespace", v, &f->namespace_) != 0)
			return -1;
		f->has_namespace = 1;
	}
	if (json_object_object_get_ex(body, "metadata", &v) && (v != NULL || patch)) {
		if (ts_v_metadata(p, "metadata", v) != 0)
			return -1;
		if ((f->metadata = ts_json_text(v)) == NULL)
			return ts_problem_set(p, TS_E_INTERNAL, NULL);
		f->has_metadata = 1;
	}
	return 0;
}

/* Answers status with the thread; a 201 names where it is. */
static void
respond_thread(struct ts_ctx *ctx, struct ts_thread *t, int status)
{
	char id[TS_UUID_STR_LEN + 1];

	ts_api_answer(ctx, status, ts_api_thread_json(&t->rows, 0));
	if (status == 201 && !ctx->res->is_error) {
		ts_uuid_format((const unsigned char *)ts_db_cell(&t->rows, 0, TS_TC_ID)->data, id);
		ts_api_location(ctx, "/api/threads/%s", id);
	}
	ts_thread_release(t);
}

void
ts_h_threads_create(struct ts_ctx *ctx)
{
	struct ts_thread_input f;
	struct ts_problem invalid;
	struct ts_thread t;
	int created;

	memset(&f, 0, sizeof(f));
	ts_problem_init(&invalid);
	if (ctx->has_body)
		(void)parse_fields(ctx, &invalid, 0, &f);
	if (ts_thread_create(&ctx->call, &f, &invalid, &t, &created) != 0)
		ts_answer_failure(ctx);
	else
		respond_thread(ctx, &t, created ? 201 : 200);
	ts_problem_free(&invalid);
	ts_thread_input_free(&f);
}

void
ts_h_thread_get(struct ts_ctx *ctx)
{
	struct ts_thread t;
	uuid_t id;

	ts_path_uuid(ctx, 0, id);
	if (ts_thread_open(&ctx->call, id, TS_OP_READ, &t) != 0)
		ts_answer_failure(ctx);
	else
		respond_thread(ctx, &t, 200);
}

void
ts_h_thread_patch(struct ts_ctx *ctx)
{
	struct ts_thread_input f;
	struct ts_problem invalid;
	struct ts_thread t;
	uuid_t id;

	if (ts_api_need_body(ctx) != 0)
		return;
	memset(&f, 0, sizeof(f));
	ts_problem_init(&invalid);
	ts_path_uuid(ctx, 0, id);
	(void)parse_fields(ctx, &invalid, 1, &f);
	if (ts_thread_change(&ctx->call, id, &f, &invalid, &t) != 0)
		ts_answer_failure(ctx);
	else
		respond_thread(ctx, &t, 200);
	ts_problem_free(&invalid);
	ts_thread_input_free(&f);
}

void
ts_h_thread_delete(struct ts_ctx *ctx)
{
	uuid_t id;

	ts_path_uuid(ctx, 0, id);
	if (ts_thread_remove(&ctx->call, id) != 0)
		ts_answer_failure(ctx);
	else
		ts_response_empty(ctx->res, 204);
}
