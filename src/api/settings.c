/*
 * GET /api/settings (anyone) and PUT /api/settings (admins): the site-wide
 * public_sharing flag.
 */
#include <string.h>

#include "api.h"
#include "settings_ops.h"
#include "validate.h"

static void
respond_settings(struct ts_ctx *ctx, int on)
{
	struct json_object *o = json_object_new_object();

	if (o != NULL)
		json_object_object_add(o, "public_sharing", json_object_new_boolean(on));
	ts_api_answer(ctx, 200, o);
}

void
ts_h_settings_get(struct ts_ctx *ctx)
{
	int on;

	if (ts_settings_read(&ctx->call, &on) != 0)
		ts_answer_failure(ctx);
	else
		respond_settings(ctx, on);
}

/* The PUT body: {"public_sharing": bool} and nothing else. */
static int
parse_settings_body(struct ts_ctx *ctx, struct ts_problem *p, int *on)
{
	static const char *const loc_flag[] = { "body", "public_sharing", NULL };
	struct json_object *v = NULL;

	if (ts_v_body(p, ctx->body, &ctx->body_flaws) != 0)
		return -1;
	json_object_object_foreach(ctx->body, key, val) {
		if (strcmp(key, "public_sharing") != 0) {
			const char *loc[] = { "body", key, NULL };
			return ts_problem_invalid(p, loc, "unknown field", "unknown_field");
		}
		v = val;
	}
	if (v == NULL)
		return ts_problem_invalid(p, loc_flag, "field required", "missing");
	if (!json_object_is_type(v, json_type_boolean))
		return ts_problem_invalid(p, loc_flag, "must be a boolean", "type");
	*on = json_object_get_boolean(v);
	return 0;
}

void
ts_h_settings_put(struct ts_ctx *ctx)
{
	struct ts_problem invalid;
	int on = 0;

	if (ts_api_need_body(ctx) != 0)
		return;
	ts_problem_init(&invalid);
	(void)parse_settings_body(ctx, &invalid, &on);
	if (ts_settings_write(&ctx->call, on, &invalid) != 0)
		ts_answer_failure(ctx);
	else
		respond_settings(ctx, on);
	ts_problem_free(&invalid);
}
