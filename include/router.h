/*
 * A static table of routes: method, pattern, handler. Patterns are literal
 * segments and "{name}" placeholders, which hold ids (each surface decodes
 * its own, struct ts_surface.path_ids) or a share link's token. A literal
 * segment wins over a placeholder (GET .../messages/batch is 405, not a lookup).
 */
#ifndef TS_ROUTER_H
#define TS_ROUTER_H

#include <stddef.h>

#include "ts_limits.h"
#include "request.h"

struct ts_ctx;
typedef void (*ts_handler_fn)(struct ts_ctx *ctx);

enum ts_route_flags {
	TS_R_NONE = 0,
	TS_R_IGNORES_AUTH = 1 << 0, /* never looks at Authorization (health) */
	TS_R_BODY = 1 << 1          /* reads a JSON body */
};

struct ts_route {
	unsigned int methods;   /* a mask of enum ts_method */
	const char *pattern;
	ts_handler_fn handler;
	unsigned int flags;
};

enum ts_match_status { TS_MATCH_OK, TS_MATCH_NOT_FOUND, TS_MATCH_METHOD_NOT_ALLOWED };

struct ts_match {
	const struct ts_route *route;
	unsigned int allow;     /* methods the matched pattern serves (405's Allow) */
	/* Placeholder values, pointing into params_buf. */
	const char *params[TS_MAX_PATH_SEGMENTS];
	size_t nparams;
	char params_buf[TS_MAX_PATH_BYTES + 1];
};

/* Matches method and path against the table (n entries). HEAD matches GET. */
enum ts_match_status ts_route_match(const struct ts_route *table, size_t n,
    enum ts_method method, const char *path, struct ts_match *m);

/* Writes the Allow header value for a mask ("GET, HEAD, PUT"). */
void ts_allow_string(unsigned int methods, char *buf, size_t len);

/* The application's route table. */
extern const struct ts_route ts_routes[];
extern const size_t ts_nroutes;

#endif
