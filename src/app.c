/*
 * One request from parse to response, in the order of checks
 * (API reference: Order of checks):
 * route (404/405) -> query limit (414) -> path ids (400) -> token (401)
 * -> body size (413) -> media type (415) -> JSON (400) -> the handler: its
 * surface's parser, an operation (thread lookup, access, the 422s,
 * conflicts) and its renderer (docs/design.md: The request path).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "cors.h"
#include "ids.h"
#include "json_in.h"
#include "log.h"
#include "mounts.h"

/* Reads and parses the JSON body of a route that takes one. 0 to go on. */
static int
take_body(struct ts_ctx *ctx)
{
	struct ts_request *req = ctx->req;
	const struct ts_config *cfg = ctx->app->cfg;
	enum ts_json_status js;

	if (!ts_request_has_body(req))
		return 0;  /* the handler decides whether a body was required */
	if (req->content_length > (long long)cfg->max_body_bytes) {
		ts_fail(ctx, TS_E_PAYLOAD_TOO_LARGE, NULL);
		return -1;
	}
	if (!ts_request_is_json(req)) {
		ts_fail(ctx, TS_E_UNSUPPORTED_MEDIA_TYPE, NULL);
		return -1;
	}
	switch (ts_request_read_body(req, cfg->max_body_bytes)) {
	case TS_BODY_OK:
		break;
	case TS_BODY_TOO_LARGE:
		ts_fail(ctx, TS_E_PAYLOAD_TOO_LARGE, NULL);
		return -1;
	case TS_BODY_LENGTH_MISMATCH:
	case TS_BODY_READ_ERROR:
		ts_fail(ctx, TS_E_INVALID_JSON, "Request body length differs from Content-Length");
		return -1;
	}
	js = ts_json_parse_body(req->body, req->body_len, TS_MAX_JSON_DEPTH, &ctx->body,
	    &ctx->body_flaws);
	if (js == TS_JSON_NOMEM) {
		ts_fail(ctx, TS_E_INTERNAL, NULL);
		return -1;
	}
	if (js != TS_JSON_OK) {
		ts_fail(ctx, TS_E_INVALID_JSON, js == TS_JSON_TOO_DEEP
		    ? "Request body is nested too deeply" : NULL);
		return -1;
	}
	ctx->has_body = 1;
	return 0;
}

/*
 * OPTIONS on a route: 204 with Allow, and a CORS preflight's headers when
 * its origin and method are allowed; before the token, which a preflight
 * never carries (API reference: CORS).
 */
static void
answer_options(struct ts_ctx *ctx, unsigned int allow)
{
	char methods[64];

	ts_response_empty(ctx->res, 204);
	ts_allow_string(allow, methods, sizeof(methods));
	if (ts_response_header(ctx->res, "Allow", methods) != 0 ||
	    ts_cors_preflight(&ctx->app->cfg->cors, ctx->req->origin, ctx->req->cors_method, allow,
	    ctx->res) != 0)
		ts_fail(ctx, TS_E_INTERNAL, NULL);
}

static void
dispatch(struct ts_ctx *ctx, struct ts_match *m)
{
	struct ts_request *req = ctx->req;
	const struct ts_config *cfg = ctx->app->cfg;
	char allow[64];

	switch (ts_route_match(ts_routes, ts_nroutes, req->method, req->path, m)) {
	case TS_MATCH_NOT_FOUND:
		ts_fail(ctx, TS_E_NOT_FOUND, NULL);
		return;
	case TS_MATCH_METHOD_NOT_ALLOWED:
		if (req->method == TS_M_OPTIONS) {
			answer_options(ctx, m->allow);
			return;
		}
		ts_fail(ctx, TS_E_METHOD_NOT_ALLOWED, NULL);
		ts_allow_string(m->allow, allow, sizeof(allow));
		ts_response_header(ctx->res, "Allow", allow);
		return;
	case TS_MATCH_OK:
		break;
	}
	ctx->match = m;
	if (req->query_len > cfg->max_query_bytes) {
		ts_fail(ctx, TS_E_URI_TOO_LONG, NULL);
		return;
	}
	if (ctx->surface->path_ids(m, ctx->path_ids) != 0) {
		ts_fail(ctx, TS_E_INVALID_ID, NULL);
		return;
	}
	if (!(m->route->flags & TS_R_IGNORES_AUTH) &&
	    ts_auth_identify_cached(ctx->app->auth_cache, cfg, req->authorization, req->remote_user,
	    time(NULL), &ctx->principal) != TS_AUTH_OK) {
		ts_fail(ctx, TS_E_INVALID_TOKEN, NULL);
		return;
	}
	if ((m->route->flags & TS_R_BODY) && take_body(ctx) != 0)
		return;
	m->route->handler(ctx);
}

/*
 * The path as the access line shows it: a share link's token is a secret,
 * so the segment after /s/ or /api/shared/ is written as {token}, whatever
 * follows it (API reference: tag shares).
 */
static const char *
loggable_path(const char *path, char *buf, size_t len)
{
	static const char *const prefixes[] = { "/s/", "/api/shared/", NULL };
	const char *rest;
	size_t i, n;

	for (i = 0; path != NULL && prefixes[i] != NULL; i++) {
		n = strlen(prefixes[i]);
		if (strncmp(path, prefixes[i], n) != 0)
			continue;
		rest = strchr(path + n, '/');
		snprintf(buf, len, "%s{token}%s", prefixes[i], rest != NULL ? rest : "");
		return buf;
	}
	return path;
}

static double
elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) * 1000.0 +
	    (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

void
ts_handle_request(struct ts_app *app, const struct ts_request_source *src,
    const struct ts_response_sink *sink)
{
	struct ts_request req;
	struct ts_response res;
	struct ts_match match;
	struct ts_ctx ctx;
	char logged[TS_MAX_PATH_BYTES + 16];

	memset(&res, 0, sizeof(res));
	memset(&ctx, 0, sizeof(ctx));
	ctx.app = app;
	ctx.req = &req;
	ctx.res = &res;
	ctx.surface = &ts_api_surface;
	ctx.call.db = app->db;
	ctx.call.cfg = app->cfg;
	ctx.call.caller = &ctx.principal;
	ctx.call.pages = app->pages;
	ts_problem_init(&ctx.call.problem);
	if (ts_request_init(&req, src, app->cfg->base_path) != 0) {
		ts_fail(&ctx, TS_E_INTERNAL, NULL);
	} else {
		/* The deadline runs from the request's start
		 * (API reference: Limits). */
		ts_db_set_deadline(app->db, &req.started, app->cfg->request_timeout);
		if (ts_mount_rewrite(app->cfg, &req.path) != 0) {
			ts_fail(&ctx, TS_E_INTERNAL, NULL);
		} else {
			ctx.surface = ts_surface_of(req.path);
			dispatch(&ctx, &match);
		}
	}
	if (res.status == 0)
		ts_fail(&ctx, TS_E_INTERNAL, NULL);     /* a handler that answered nothing */
	/* Every answer, errors too: a page must be able to read a 401's body. */
	if (ts_cors_headers(&app->cfg->cors, req.origin, &res) != 0)
		ts_log(TS_LOG_WARN, "no room for the CORS headers rid=%s", req.request_id);
	if (ts_response_write(&res, req.request_id, req.method == TS_M_HEAD, sink) != 0)
		ts_log(TS_LOG_WARN, "response not delivered rid=%s", req.request_id);
	ts_log_access(ts_method_name(req.method), loggable_path(req.path, logged, sizeof(logged)), res.status,
	    elapsed_ms(&req.started), req.request_id);
	json_object_put(ctx.body);
	ts_problem_free(&ctx.call.problem);
	ts_response_free(&res);
	ts_request_free(&req);
}
