/*
 * One HTTP request as FastCGI or CGI hands it over: parameters are copied out
 * of the environment into this struct, the body is read on demand under a cap.
 * ts_request_free releases everything a request owns.
 */
#ifndef TS_REQUEST_H
#define TS_REQUEST_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "ts_limits.h"

enum ts_method {
	TS_M_GET = 1 << 0,
	TS_M_HEAD = 1 << 1,
	TS_M_POST = 1 << 2,
	TS_M_PUT = 1 << 3,
	TS_M_PATCH = 1 << 4,
	TS_M_DELETE = 1 << 5,
	TS_M_OPTIONS = 1 << 6,  /* no route serves it: the dispatcher answers a
	                         * known path's OPTIONS (API reference: CORS) */
	TS_M_OTHER = 1 << 7
};

/* Where a request's parameters and body come from (FastCGI or plain CGI). */
struct ts_request_source {
	/* Returns the named parameter or NULL; the string lives as long as the request. */
	const char *(*param)(void *ctx, const char *name);
	/* Reads up to n body bytes; returns the count, 0 at the end, -1 on error. */
	ssize_t (*read)(void *ctx, char *buf, size_t n);
	void *ctx;
	/* The whole environment as "NAME=value" strings, NULL-terminated and
	 * living as long as the request; or NULL: then param is asked one name
	 * at a time. One pass over it costs less than a lookup per name. */
	const char *const *(*envp)(void *ctx);
};

enum ts_body_status {
	TS_BODY_OK = 0,
	TS_BODY_TOO_LARGE,      /* Content-Length or the bytes sent exceed the cap: 413 */
	TS_BODY_LENGTH_MISMATCH,/* fewer or more bytes than Content-Length: 400 */
	TS_BODY_READ_ERROR      /* the web server went away */
};

/*
 * content_length of a body sent without Content-Length (Transfer-Encoding:
 * chunked): plain CGI under Apache passes such a body on stdin with only
 * HTTP_TRANSFER_ENCODING. It is read to its end, under the cap.
 */
#define TS_LENGTH_UNKNOWN (-3)

struct ts_request {
	enum ts_method method;
	char *path;             /* routed path, below the mount point (owned) */
	char *mount;            /* the mount point as the client saw it, "" at the
	                         * root, for Location headers (owned) */
	char *query;            /* raw query string, "" when none (owned) */
	size_t query_len;
	char *content_type;     /* NULL when absent (owned) */
	long long content_length; /* -1 when absent, -2 when not a number,
	                           * TS_LENGTH_UNKNOWN: see below */
	char *authorization;    /* NULL when absent (owned) */
	char *origin;           /* Origin, NULL when absent; cut at
	                         * TS_MAX_CORS_ORIGIN_BYTES + 1 (owned) */
	char *cors_method;      /* Access-Control-Request-Method, NULL when
	                         * absent (owned) */
	char *remote_user;      /* REMOTE_USER when the web server says it
	                         * authenticated (AUTH_TYPE set), else NULL:
	                         * ts_auth_server_user (owned) */
	char request_id[TS_MAX_REQUEST_ID_LEN + 1];
	char *body;             /* NUL-terminated, NULL until read (owned) */
	size_t body_len;
	struct timespec started;
	const struct ts_request_source *src;
};

/*
 * Fills req from the source. base_path is the configured mount prefix ("" for
 * none). Returns 0, or -1 when memory ran out. A path that is not below
 * base_path is kept as NULL (the router answers 404).
 */
int ts_request_init(struct ts_request *req, const struct ts_request_source *src,
    const char *base_path);

/*
 * Reads the body under max_bytes; idempotent. A body of unknown length
 * (TS_LENGTH_UNKNOWN) is read to its end, or to one byte past max_bytes
 * (then TS_BODY_TOO_LARGE).
 */
enum ts_body_status ts_request_read_body(struct ts_request *req, size_t max_bytes);

/* Whether the request carries a body (Content-Length > 0, or a body of unknown length). */
int ts_request_has_body(const struct ts_request *req);

/* Whether Content-Type is application/json (case-insensitive, parameters allowed). */
int ts_request_is_json(const struct ts_request *req);

/* Frees everything the request owns; the struct can be initialised again. */
void ts_request_free(struct ts_request *req);

/* The method's name, for logs. */
const char *ts_method_name(enum ts_method m);

#endif
