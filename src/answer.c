/*
 * What every surface's handler answers a problem with: the surface's own
 * error body, plus the headers the error calls for. Kept apart from the
 * dispatcher (src/app.c), which only calls handlers.
 */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "ids.h"
#include "ts_limits.h"

void
ts_answer_problem(struct ts_ctx *ctx, const struct ts_problem *p)
{
	char retry[16];

	ctx->surface->answer_problem(ctx->res, p);
	if (p->error == TS_E_UNAUTHORIZED)
		ts_response_header(ctx->res, "WWW-Authenticate", "Bearer");
	else if (p->error == TS_E_INVALID_TOKEN)
		ts_response_header(ctx->res, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
	else if (p->error == TS_E_SERVICE_UNAVAILABLE) {
		snprintf(retry, sizeof(retry), "%d", TS_RETRY_AFTER_SECONDS);
		ts_response_header(ctx->res, "Retry-After", retry);
	}
}

void
ts_answer_failure(struct ts_ctx *ctx)
{
	if (!ts_problem_is_set(&ctx->call.problem))
		ts_problem_set(&ctx->call.problem, TS_E_INTERNAL, NULL);
	ts_answer_problem(ctx, &ctx->call.problem);
}

void
ts_fail(struct ts_ctx *ctx, enum ts_error e, const char *msg)
{
	struct ts_problem p;

	ts_problem_init(&p);
	ts_problem_set(&p, e, msg);
	ts_answer_problem(ctx, &p);
	ts_problem_free(&p);
}

void
ts_path_uuid(const struct ts_ctx *ctx, size_t idx, uuid_t out)
{
	if (idx < ctx->match->nparams)
		memcpy(out, ctx->path_ids[idx], sizeof(uuid_t));
	else
		memset(out, 0, sizeof(uuid_t));
}

int
ts_path_ids_uuid(const struct ts_match *m, uuid_t *out)
{
	size_t i;

	for (i = 0; i < m->nparams; i++)
		if (ts_uuid_parse(m->params[i], out[i]) != 0)
			return -1;
	return 0;
}

int
ts_path_ids_none(const struct ts_match *m, uuid_t *out)
{
	(void)m;
	(void)out;
	return 0;
}
