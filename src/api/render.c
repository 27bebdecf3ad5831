/* What the /api handlers share: the error body, the thread object, answers
 * and their Location (API reference: schema Error; schema Thread). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "api.h"
#include "ids.h"
#include "timefmt.h"

void
ts_api_answer_problem(struct ts_response *res, const struct ts_problem *p)
{
	if (p->error == TS_E_VALIDATION) {
		struct json_object *detail = ts_problem_detail(p);

		if (detail != NULL) {
			ts_response_error(res, TS_E_VALIDATION, NULL, detail);
			return;
		}
		ts_response_error(res, TS_E_INTERNAL, NULL, NULL);
		return;
	}
	ts_response_error(res, p->error, ts_problem_message(p), NULL);
}

const struct ts_surface ts_api_surface = { ts_api_answer_problem, ts_path_ids_uuid };
const struct ts_surface ts_api_shared_surface = { ts_api_answer_problem, ts_path_ids_none };

void
ts_api_answer(struct ts_ctx *ctx, int status, struct json_object *o)
{
	if (o == NULL || ts_response_json(ctx->res, status, o) != 0)
		ts_fail(ctx, TS_E_INTERNAL, NULL);
}

void
ts_api_location(struct ts_ctx *ctx, const char *fmt, ...)
{
	char path[TS_MAX_PATH_BYTES + 128], loc[sizeof(path) + TS_MAX_PATH_BYTES];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	snprintf(loc, sizeof(loc), "%s%s", ctx->req->mount, path);
	ts_response_header(ctx->res, "Location", loc);
}

int
ts_api_need_body(struct ts_ctx *ctx)
{
	if (ctx->has_body)
		return 0;
	ts_fail(ctx, TS_E_INVALID_JSON, "Request body required");
	return -1;
}

/* Adds a DATETIME(3) cell as an ISO string, or null. */
static void
add_time(struct json_object *o, const char *key, const struct ts_db_cell *c)
{
	char iso[TS_ISO_LEN + 1];

	if (c->data == NULL || ts_time_db_to_iso(c->data, c->len, iso) != 0) {
		json_object_object_add(o, key, NULL);
		return;
	}
	json_object_object_add(o, key, json_object_new_string(iso));
}

static void
add_string_or_null(struct json_object *o, const char *key, const struct ts_db_cell *c)
{
	json_object_object_add(o, key,
	    c->data != NULL ? json_object_new_string_len(c->data, (int)c->len) : NULL);
}

struct json_object *
ts_api_thread_json(const struct ts_db_rows *rows, size_t row)
{
	const struct ts_db_cell *c = &rows->cells[row * rows->ncols];
	struct json_object *o = json_object_new_object(), *meta;
	char id[TS_UUID_STR_LEN + 1];

	if (o == NULL || c[TS_TC_ID].len != 16) {
		json_object_put(o);
		return NULL;
	}
	ts_uuid_format((const unsigned char *)c[TS_TC_ID].data, id);
	/* Stored metadata is our own canonical JSON text. */
	meta = json_tokener_parse(c[TS_TC_METADATA].data != NULL ? c[TS_TC_METADATA].data : "{}");
	if (!json_object_is_type(meta, json_type_object)) {
		json_object_put(meta);
		meta = json_object_new_object();
	}
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "object", json_object_new_string("thread"));
	add_string_or_null(o, "owner_id", &c[TS_TC_OWNER]);
	add_string_or_null(o, "title", &c[TS_TC_TITLE]);
	json_object_object_add(o, "visibility", json_object_new_string(
	    ts_visibility_name((enum ts_visibility)strtol(c[TS_TC_VISIBILITY].data, NULL, 10))));
	add_string_or_null(o, "namespace", &c[TS_TC_NAMESPACE]);
	json_object_object_add(o, "metadata", meta);
	json_object_object_add(o, "message_count",
	    json_object_new_int64(strtoll(c[TS_TC_MESSAGE_COUNT].data, NULL, 10)));
	add_time(o, "last_message_at", &c[TS_TC_LAST_MESSAGE_AT]);
	add_time(o, "created_at", &c[TS_TC_CREATED_AT]);
	add_time(o, "updated_at", &c[TS_TC_UPDATED_AT]);
	return o;
}
