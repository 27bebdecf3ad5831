/*
 * Cross-origin requests from browser apps on other origins
 * (API reference: CORS): the configured allow-list of origins, the
 * preflight answer to OPTIONS, and the headers of every other answer.
 * No credentials mode: a browser app sends its token in Authorization, so
 * Access-Control-Allow-Credentials is never sent, and "*" is safe to offer.
 */
#ifndef TS_CORS_H
#define TS_CORS_H

#include <stddef.h>

#include "ts_limits.h"

struct ts_response;

/* The cors_origins key. Empty (no origin, any == 0) by default: no CORS
 * header is ever sent. The strings are owned and freed by ts_cors_free. */
struct ts_cors {
	char *origins[TS_MAX_CORS_ORIGINS];
	size_t n;
	int any;                /* "*": every origin, answered with "*" */
};

enum ts_cors_status {
	TS_CORS_OK = 0,
	TS_CORS_BAD_ORIGIN,     /* not scheme://host[:port] as a browser sends it */
	TS_CORS_TOO_MANY,       /* more than TS_MAX_CORS_ORIGINS */
	TS_CORS_STAR_NOT_ALONE, /* "*" beside other origins */
	TS_CORS_NOMEM
};

/*
 * Parses the cors_origins value: "*" alone, or origins separated by spaces
 * (none leaves the list empty). Replaces what c held; on error c is empty.
 */
enum ts_cors_status ts_cors_parse(const char *value, struct ts_cors *c);

/* Whether s is one origin as browsers serialise it: http or https, a
 * lowercase host name or a bracketed IPv6 address, an optional port other
 * than the scheme's default, no path, at most TS_MAX_CORS_ORIGIN_BYTES. */
int ts_cors_valid_origin(const char *s);

/* Whether an Origin request header (NULL when absent) is allowed. Exact
 * comparison: an origin is never matched by prefix, suffix or pattern. */
int ts_cors_allows(const struct ts_cors *c, const char *origin);

/*
 * The headers of any answer: Access-Control-Allow-Origin (the origin itself,
 * or "*") and Access-Control-Expose-Headers for an allowed origin, and
 * Vary: Origin whenever a list is configured (the answer depends on the
 * Origin header). Nothing when c is empty. 0, or -1 when res is full.
 */
int ts_cors_headers(const struct ts_cors *c, const char *origin, struct ts_response *res);

/*
 * A preflight's own headers: Access-Control-Allow-Methods (allow, a mask of
 * enum ts_method), -Allow-Headers and -Max-Age, only when the origin is
 * allowed and the requested method (Access-Control-Request-Method, NULL when
 * absent) is one of allow. 0, or -1 when res is full.
 */
int ts_cors_preflight(const struct ts_cors *c, const char *origin, const char *method,
    unsigned int allow, struct ts_response *res);

void ts_cors_free(struct ts_cors *c);

#endif
