/*
 * What a worker holds for its lifetime (configuration, database handle) and
 * what a handler sees for one request.
 */
#ifndef TS_APP_H
#define TS_APP_H

#include "auth.h"
#include "call.h"
#include "config.h"
#include "db.h"
#include "json_in.h"
#include "request.h"
#include "response.h"
#include "router.h"

#include <uuid/uuid.h>

struct ts_app {
	const struct ts_config *cfg;
	struct ts_db *db;
	struct ts_auth_cache *auth_cache; /* owned; NULL: tokens verified in full every time */
	struct ts_page_cache *pages;    /* owned; NULL: no page is kept (page_cache.h) */
};

/*
 * A surface: one wire format over the shared operations (/api's own, the
 * OpenAI-compatible /v1). Its handlers parse requests and render results;
 * this renders a problem as its error answer.
 */
struct ts_surface {
	void (*answer_problem)(struct ts_response *res, const struct ts_problem *p);
	/* The route's placeholders as UUIDs, into out[0..m->nparams): 0, or
	 * -1 when one is not an id of this surface (400 INVALID_ID). */
	int (*path_ids)(const struct ts_match *m, uuid_t *out);
};

/* path_ids for a surface whose ids are plain UUIDs (/api, /v1 threads). */
int ts_path_ids_uuid(const struct ts_match *m, uuid_t *out);

/* path_ids for routes whose placeholder is a share token, which the
 * operation checks (a malformed one is a link that does not exist, 404). */
int ts_path_ids_none(const struct ts_match *m, uuid_t *out);

extern const struct ts_surface ts_api_surface;     /* src/api/ */
extern const struct ts_surface ts_v1_surface;      /* src/v1/ */
extern const struct ts_surface ts_conv_surface;    /* src/conv/, errors as /v1's */
extern const struct ts_surface ts_arena_surface;   /* src/arena/, DualMind's errors */
extern const struct ts_surface ts_ks_surface;      /* src/ks/: Knowledge Stack's */
extern const struct ts_surface ts_api_shared_surface; /* /api/shared/{token}: /api's errors */
extern const struct ts_surface ts_page_surface;    /* src/page/: the share page, HTML */

/* The surface a routed path belongs to. */
const struct ts_surface *ts_surface_of(const char *path);

struct ts_ctx {
	struct ts_app *app;
	struct ts_request *req;
	struct ts_response *res;
	const struct ts_surface *surface;
	struct ts_principal principal;
	struct ts_call call;      /* what operations get: db, limits, principal */
	const struct ts_match *match;
	uuid_t path_ids[TS_MAX_PATH_SEGMENTS]; /* the match's ids, decoded by the surface */
	int has_body;             /* a JSON body was sent and parsed */
	struct json_object *body; /* the parsed body, NULL for none or JSON null
	                           * (owned by the dispatcher) */
	struct ts_json_flaws body_flaws; /* values parsed that are 422s (ts_v_body) */
};

/*
 * Handles one request from parse to response: route, limits, authentication,
 * body, handler. Writes the response to sink and the access line to the log.
 */
void ts_handle_request(struct ts_app *app, const struct ts_request_source *src,
    const struct ts_response_sink *sink);

/*
 * Answers with problem p in the request's surface's format, adding the
 * headers the error calls for (WWW-Authenticate on 401s, Retry-After on
 * 503). p stays the caller's.
 */
void ts_answer_problem(struct ts_ctx *ctx, const struct ts_problem *p);

/* Answers with the operation's problem (ctx->call.problem). */
void ts_answer_failure(struct ts_ctx *ctx);

/* Answers with error e (msg NULL: the generic message). */
void ts_fail(struct ts_ctx *ctx, enum ts_error e, const char *msg);

/* The path parameter idx as a UUID (decoded by the surface's path_ids
 * before the handler runs). */
void ts_path_uuid(const struct ts_ctx *ctx, size_t idx, uuid_t out);

#endif
