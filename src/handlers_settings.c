/*
 * GET /api/settings (anyone) and PUT /api/settings (admins): the site-wide
 * public_sharing flag.
 */
#include <string.h>

#include "handlers.h"
#include "settings_store.h"
#include "validate.h"

static void
respond_settings(struct ts_ctx *ctx, int on)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL) {
		ts_fail(ctx, TS_E_INTERNAL, NULL);
		return;
	}
	json_object_object_add(o, "public_sharing", json_object_new_boolean(on));
	ts_response_json(ctx->res, 200, o);
}

void
ts_h_settings_get(struct ts_ctx *ctx)
{
	enum ts_db_status st;
	int on;

	st = ts_settings_get_public_sharing(ctx->app->db, &on);
	if (st != TS_DB_OK) {
		ts_respond_db_error(ctx, st);
		return;
	}
	respond_settings(ctx, on);
}

/* Validates the PUT body; 0 and *on set, or -1 with the 422 answered. */
static int
parse_settings_body(struct ts_ctx *ctx, int *on)
{
	static const char *const loc_flag[] = { "body", "public_sharing", NULL };
	struct json_object *v = NULL;

	if (ts_v_body_object(ctx) != 0)
		return -1;
	json_object_object_foreach(ctx->body, key, val) {
		if (strcmp(key, "public_sharing") != 0) {
			const char *loc[] = { "body", key, NULL };
			ts_fail_validation(ctx, loc, "unknown field", "unknown_field");
			return -1;
		}
		v = val;
	}
	if (v == NULL) {
		ts_fail_validation(ctx, loc_flag, "field required", "missing");
		return -1;
	}
	if (!json_object_is_type(v, json_type_boolean)) {
		ts_fail_validation(ctx, loc_flag, "must be a boolean", "type");
		return -1;
	}
	*on = json_object_get_boolean(v);
	return 0;
}

void
ts_h_settings_put(struct ts_ctx *ctx)
{
	enum ts_db_status st;
	int on;

	if (!ctx->has_body) {
		ts_fail(ctx, TS_E_INVALID_JSON, "Request body required");
		return;
	}
	if (!ctx->principal.authenticated) {
		ts_fail(ctx, TS_E_UNAUTHORIZED, NULL);
		return;
	}
	if (!ctx->principal.is_admin) {
		ts_fail(ctx, TS_E_FORBIDDEN, "Only admins may change settings");
		return;
	}
	if (parse_settings_body(ctx, &on) != 0)
		return;
	st = ts_settings_set_public_sharing(ctx->app->db, on);
	if (st != TS_DB_OK) {
		ts_respond_db_error(ctx, st);
		return;
	}
	respond_settings(ctx, on);
}
