/*
 * What a worker holds for its lifetime (configuration, database handle) and
 * what a handler sees for one request.
 */
#ifndef TS_APP_H
#define TS_APP_H

#include "auth.h"
#include "config.h"
#include "db.h"
#include "json_in.h"
#include "request.h"
#include "response.h"
#include "router.h"

struct ts_app {
	const struct ts_config *cfg;
	struct ts_db *db;
	struct ts_auth_cache *auth_cache; /* owned; NULL: tokens verified in full every time */
};

struct ts_ctx {
	struct ts_app *app;
	struct ts_request *req;
	struct ts_response *res;
	struct ts_principal principal;
	const struct ts_match *match;
	int has_body;             /* a JSON body was sent and parsed */
	int loc_index;            /* >= 0 while validating item n of a batch: a
	                           * 422's loc becomes ["body", "messages", n, ...] */
	struct json_object *body; /* the parsed body, NULL for none or JSON null
	                           * (owned by the dispatcher) */
	struct ts_json_flaws body_flaws; /* what ts_v_body_object answers 422 for */
	int body_flaws_checked;   /* ts_v_body_object looked at body_flaws once */
};

/*
 * Handles one request from parse to response: route, limits, authentication,
 * body, handler. Writes the response to sink and the access line to the log.
 */
void ts_handle_request(struct ts_app *app, const struct ts_request_source *src,
    const struct ts_response_sink *sink);

/* Maps a database failure to its response (503 with Retry-After, or 500). */
void ts_respond_db_error(struct ts_ctx *ctx, enum ts_db_status st);

/* Answers with error e (msg NULL: the generic message), adding the headers
 * the error calls for (WWW-Authenticate on 401s, Retry-After on 503). */
void ts_fail(struct ts_ctx *ctx, enum ts_error e, const char *msg);

/* Answers 422 VALIDATION_ERROR for one bad value at loc (NULL-terminated). */
void ts_fail_validation(struct ts_ctx *ctx, const char *const *loc, const char *msg,
    const char *type);

#endif
