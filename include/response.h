/*
 * The only writer of status lines, headers and error bodies. A handler fills
 * a ts_response; ts_response_write turns it into the CGI/FastCGI response.
 */
#ifndef TS_RESPONSE_H
#define TS_RESPONSE_H

#include <stddef.h>
#include <json-c/json.h>

#include "errors.h"
#include "ts_limits.h"

struct ts_header {
	const char *name;       /* static string */
	char *value;            /* owned */
};

struct ts_response {
	int status;             /* 0 until a handler answered */
	enum ts_error error;    /* meaningful when is_error */
	int is_error;
	const char *body;       /* the body, or NULL for no body: body_buf,
	                         * or json-c's text of body_json */
	size_t body_len;
	char *body_buf;         /* owned memory of body, or NULL */
	struct json_object *body_json; /* when set, holds body's text (one reference) */
	const char *content_type; /* static; NULL: JSON (every route but the page) */
	struct ts_header headers[TS_MAX_RESPONSE_HEADERS];
	size_t nheaders;
};

/*
 * Where the serialised response goes: send takes the whole of it, the head
 * and the body (body_len 0: none), in one call, made at most once a
 * request, so a transport can hand it to the kernel in one system call
 * (src/fcgi_io.c). 0, or -1 on a write error.
 */
struct ts_response_sink {
	int (*send)(void *ctx, const char *head, size_t head_len, const char *body, size_t body_len);
	void *ctx;
};

/* Answers status with the JSON text of obj. Takes over the caller's reference
 * to obj (it is put, whatever the result). Returns 0, -1 on lack of memory. */
int ts_response_json(struct ts_response *res, int status, struct json_object *obj);

/* Answers status with the JSON text null (what a route that returns
 * nothing answers on FastAPI: the agent platform's deletes). 0, -1 on
 * lack of memory. */
int ts_response_null(struct ts_response *res, int status);

/* Answers status with body (len bytes of content_type, a static string;
 * the body is taken over, whatever the result; NULL: 500). error: the
 * error it answers (TS_E__COUNT: none). 0, or -1 when body is NULL. */
int ts_response_text(struct ts_response *res, int status, const char *content_type, char *body, size_t len,
    enum ts_error error);

/* Answers with no body (204, or a 200 HEAD handled by the writer). */
void ts_response_empty(struct ts_response *res, int status);

/* Answers with the /api error body (API reference: schema Error). msg NULL
 * means the error's generic message.
 * detail, if not NULL, is an array of {loc, msg, type}; the call takes over
 * the reference. The request id is filled in at write time. */
int ts_response_error(struct ts_response *res, enum ts_error e, const char *msg,
    struct json_object *detail);

/* Answers with error e's status and a surface's own error body (an object,
 * taken over); like ts_response_error's, it gets "request_id" as its last
 * member when written. 0, or -1 out of memory. */
int ts_response_error_body(struct ts_response *res, enum ts_error e, struct json_object *body);

/* Adds a header; the value is copied. Returns 0 or -1 when full or out of memory. */
int ts_response_header(struct ts_response *res, const char *name, const char *value);

/* Removes every header called name (case-sensitive: our own names). */
void ts_response_drop_header(struct ts_response *res, const char *name);

/*
 * A one-item validation detail array: loc given as a NULL-terminated list of
 * strings (the path of the bad value), msg and type
 * (API reference: schema ValidationDetail). Returns a new reference, or NULL
 * out of memory.
 */
struct json_object *ts_detail_one(const char *const *loc, const char *msg, const char *type);

/* The same with loc given as a JSON array (of strings and indexes), which
 * the call takes over. */
struct json_object *ts_detail_at(struct json_object *loc, const char *msg, const char *type);

/*
 * Writes the CGI-style response: status, Content-Type, Content-Length,
 * X-Request-Id, the extra headers, and the body unless head_only.
 * JSON error bodies get request_id here. Returns 0 or -1 on a write error.
 */
int ts_response_write(struct ts_response *res, const char *request_id, int head_only,
    const struct ts_response_sink *sink);

void ts_response_free(struct ts_response *res);

#endif
