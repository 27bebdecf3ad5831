/* GET /api/health: 200 {"status":"ok"} while the database answers, else 503. */
#include "api.h"
#include "settings_ops.h"

void
ts_h_health(struct ts_ctx *ctx)
{
	struct json_object *o = json_object_new_object();
	int up = ts_database_up(&ctx->call);

	if (o == NULL) {
		ts_fail(ctx, TS_E_INTERNAL, NULL);
		return;
	}
	json_object_object_add(o, "status", json_object_new_string(up ? "ok" : "unavailable"));
	ts_response_json(ctx->res, up ? 200 : 503, o);
	if (!up)
		ts_response_header(ctx->res, "Retry-After", "1");
}
