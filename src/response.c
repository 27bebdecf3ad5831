/* The only writer of status lines, headers and error bodies
 * (API reference: Errors). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decimal.h"
#include "json_out.h"
#include "response.h"

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

static void
clear_body(struct ts_response *res)
{
	json_object_put(res->body_json);
	free(res->body_buf);
	res->body_json = NULL;
	res->body_buf = NULL;
	res->body = NULL;
	res->body_len = 0;
	res->content_type = NULL;
}

int
ts_response_json(struct ts_response *res, int status, struct json_object *obj)
{
	const char *text;
	size_t len;

	clear_body(res);
	res->status = status;
	res->is_error = 0;
	if (obj == NULL)
		return -1;
	text = json_object_to_json_string_length(obj, TS_JSON_BODY_FLAGS, &len);
	if (text == NULL) {
		json_object_put(obj);
		return -1;
	}
	/* The text lives in obj's print buffer until obj is put: the response
	 * keeps obj rather than copying a page's bytes once more. */
	res->body_json = obj;
	res->body = text;
	res->body_len = len;
	return 0;
}

int
ts_response_null(struct ts_response *res, int status)
{
	clear_body(res);
	res->status = status;
	res->is_error = 0;
	res->body = res->body_buf = strdup("null");
	res->body_len = res->body != NULL ? 4 : 0;
	return res->body != NULL ? 0 : -1;
}

int
ts_response_text(struct ts_response *res, int status, const char *content_type, char *body, size_t len,
    enum ts_error error)
{
	clear_body(res);
	if (body == NULL) {
		ts_response_error(res, TS_E_INTERNAL, NULL, NULL);
		return -1;
	}
	res->status = status;
	res->is_error = error != TS_E__COUNT;
	res->error = error;
	res->body = res->body_buf = body;
	res->body_len = len;
	res->content_type = content_type;
	return 0;
}

void
ts_response_empty(struct ts_response *res, int status)
{
	clear_body(res);
	res->status = status;
}

int
ts_response_error(struct ts_response *res, enum ts_error e, const char *msg,
    struct json_object *detail)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL) {
		json_object_put(detail);
		res->status = ts_error_status(e);
		return -1;
	}
	json_object_object_add(o, "error", json_object_new_string(msg != NULL ? msg : ts_error_message(e)));
	json_object_object_add(o, "code", json_object_new_string(ts_error_code(e)));
	/* request_id is filled in by ts_response_write, which knows it. */
	if (detail != NULL)
		json_object_object_add(o, "detail", detail);
	return ts_response_error_body(res, e, o);
}

int
ts_response_error_body(struct ts_response *res, enum ts_error e, struct json_object *body)
{
	int rc = ts_response_json(res, ts_error_status(e), body);

	res->is_error = 1;
	res->error = e;
	return rc;
}

int
ts_response_header(struct ts_response *res, const char *name, const char *value)
{
	char *v;

	if (res->nheaders >= TS_MAX_RESPONSE_HEADERS)
		return -1;
	v = strdup(value);
	if (v == NULL)
		return -1;
	res->headers[res->nheaders].name = name;
	res->headers[res->nheaders].value = v;
	res->nheaders++;
	return 0;
}

void
ts_response_drop_header(struct ts_response *res, const char *name)
{
	size_t i, kept = 0;

	for (i = 0; i < res->nheaders; i++) {
		if (strcmp(res->headers[i].name, name) == 0) {
			free(res->headers[i].value);
			continue;
		}
		res->headers[kept++] = res->headers[i];
	}
	res->nheaders = kept;
}

struct json_object *
ts_detail_at(struct json_object *loc, const char *msg, const char *type)
{
	struct json_object *arr = json_object_new_array();
	struct json_object *item = json_object_new_object();

	if (arr == NULL || item == NULL || loc == NULL) {
		json_object_put(arr);
		json_object_put(item);
		json_object_put(loc);
		return NULL;
	}
	json_object_object_add(item, "loc", loc);
	json_object_object_add(item, "msg", json_object_new_string(msg));
	json_object_object_add(item, "type", json_object_new_string(type));
	json_object_array_add(arr, item);
	return arr;
}

struct json_object *
ts_detail_one(const char *const *loc, const char *msg, const char *type)
{
	struct json_object *l = json_object_new_array();

	for (; l != NULL && *loc != NULL; loc++)
		json_object_array_add(l, json_object_new_string(*loc));
	return ts_detail_at(l, msg, type);
}

/*
 * Error bodies end with "}" and were built without request_id; it is added
 * here as the last key, so the body's request_id always equals the header.
 * The id is of [A-Za-z0-9._-] only, so it needs no escaping.
 */
static int
add_request_id(struct ts_response *res, const char *request_id)
{
	size_t idlen = strlen(request_id);
	size_t extra = sizeof(",\"request_id\":\"\"") - 1 + idlen;
	char *b;

	if (res->body == NULL || res->body_len < 2 || res->body[res->body_len - 1] != '}')
		return 0;
	if (res->body_json != NULL) {
		/* json-c's text: this small body gets a buffer of its own. */
		if ((b = malloc(res->body_len + extra + 1)) == NULL)
			return -1;
		memcpy(b, res->body, res->body_len);
		json_object_put(res->body_json);
		res->body_json = NULL;
	} else if ((b = realloc(res->body_buf, res->body_len + extra + 1)) == NULL) {
		return -1;
	}
	memcpy(b + res->body_len - 1, ",\"request_id\":\"", 15);
	memcpy(b + res->body_len - 1 + 15, request_id, idlen);
	memcpy(b + res->body_len - 1 + 15 + idlen, "\"}", 3);
	res->body = res->body_buf = b;
	res->body_len += extra;
	return 0;
}

/* The head of a response being built; a head that does not fit is refused. */
struct head {
	char buf[TS_RESPONSE_HEAD_BYTES];
	size_t n;
	int over;
};

static void
head_put(struct head *h, const char *s, size_t len)
{
	if (h->over || len > sizeof(h->buf) - h->n) {
		h->over = 1;
		return;
	}
	memcpy(h->buf + h->n, s, len);
	h->n += len;
}

static void
head_str(struct head *h, const char *s)
{
	head_put(h, s, strlen(s));
}

static void
head_uint(struct head *h, unsigned long long v)
{
	char d[TS_DECIMAL_MAX];

	head_put(h, d, ts_decimal(d, v, 1));
}

/* A header line (names and values are our own, never with a line break). */
static void
head_line(struct head *h, const char *name, const char *value)
{
	head_str(h, name);
	head_put(h, ": ", 2);
	head_str(h, value);
	head_put(h, "\r\n", 2);
}

/*
 * The status line, headers and blank line are put together by hand in one
 * buffer and handed over with the body in one call: this runs for every
 * request, and snprintf a line cost more than the rest of the writing.
 */
int
ts_response_write(struct ts_response *res, const char *request_id, int head_only,
    const struct ts_response_sink *sink)
{
	struct head h;
	size_t i;

	/* Not initialised whole: the buffer is large and written from the start. */
	h.n = 0;
	h.over = 0;
	if (res->status == 0)
		ts_response_error(res, TS_E_INTERNAL, NULL, NULL);
	if (res->is_error && res->content_type == NULL && add_request_id(res, request_id) != 0)
		return -1;
	head_str(&h, "Status: ");
	head_uint(&h, (unsigned long long)res->status);
	head_put(&h, " ", 1);
	head_str(&h, reason(res->status));
	head_str(&h, "\r\nX-Request-Id: ");
	head_str(&h, request_id);
	head_put(&h, "\r\n", 2);
	if (res->body != NULL) {
		head_line(&h, "Content-Type",
		    res->content_type != NULL ? res->content_type : "application/json; charset=utf-8");
		head_str(&h, "Content-Length: ");
		head_uint(&h, (unsigned long long)res->body_len);
		head_put(&h, "\r\n", 2);
	}
	for (i = 0; i < res->nheaders; i++)
		head_line(&h, res->headers[i].name, res->headers[i].value);
	head_put(&h, "\r\n", 2);
	if (h.over)
		return -1;
	if (head_only || res->body == NULL)
		return sink->send(sink->ctx, h.buf, h.n, NULL, 0);
	return sink->send(sink->ctx, h.buf, h.n, res->body, res->body_len);
}

void
ts_response_free(struct ts_response *res)
{
	size_t i;

	clear_body(res);
	for (i = 0; i < res->nheaders; i++)
		free(res->headers[i].value);
	memset(res, 0, sizeof(*res));
}
