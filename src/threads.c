/* Loading a thread under the access matrix, and its JSON form. */
#include <stdlib.h>
#include <string.h>

#include "ids.h"
#include "thread_store.h"
#include "threads.h"
#include "timefmt.h"

void
ts_thread_release(struct ts_thread *t)
{
	ts_db_rows_free(&t->rows);
	memset(t, 0, sizeof(*t));
}

int
ts_thread_access(struct ts_ctx *ctx, const struct ts_db_cell *flag, const struct ts_db_cell *visibility,
    const char *owner, enum ts_op op)
{
	const char *caller = ctx->principal.authenticated ? ctx->principal.sub : NULL;
	int public_sharing = flag->data != NULL && strcmp(flag->data, "true") == 0;
	enum ts_visibility v = (enum ts_visibility)strtol(visibility->data, NULL, 10);

	switch (ts_access_decide(public_sharing, v, caller, owner, op)) {
	case TS_ACCESS_ALLOW:
		return 0;
	case TS_ACCESS_UNAUTHORIZED:
		ts_fail(ctx, TS_E_UNAUTHORIZED, NULL);
		break;
	case TS_ACCESS_FORBIDDEN:
		ts_fail(ctx, TS_E_FORBIDDEN, NULL);
		break;
	}
	return -1;
}

int
ts_thread_load(struct ts_ctx *ctx, const uuid_t id, enum ts_op op, struct ts_thread *t)
{
	const struct ts_db_cell *flag;
	enum ts_db_status st;

	memset(t, 0, sizeof(*t));
	st = ts_thread_store_get(ctx->app->db, id, &t->rows);
	if (st != TS_DB_OK) {
		ts_respond_db_error(ctx, st);
		return -1;
	}
	if (t->rows.nrows != 1) {
		ts_thread_release(t);
		ts_fail(ctx, TS_E_NOT_FOUND, "Thread not found");
		return -1;
	}
	flag = ts_db_cell(&t->rows, 0, TS_TC_SHARING_FLAG);
	t->public_sharing = flag->data != NULL && strcmp(flag->data, "true") == 0;
	t->visibility = (enum ts_visibility)strtol(ts_db_cell(&t->rows, 0, TS_TC_VISIBILITY)->data, NULL, 10);
	t->owner = ts_db_cell(&t->rows, 0, TS_TC_OWNER)->data;
	if (ts_thread_access(ctx, flag, ts_db_cell(&t->rows, 0, TS_TC_VISIBILITY), t->owner, op) == 0)
		return 0;
	ts_thread_release(t);
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
ts_thread_json(const struct ts_db_rows *rows, size_t row)
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
