/*
 * OpenAI's error body for every error under /v1 (§10, §11): the §2 answer,
 * whoever raised it, is rewritten into
 * {"error": {"message", "type", "param", "code"}} with the same status and
 * headers. code is the §2 code in lowercase; param names the bad field of a
 * 422 the way OpenAI's SDKs show it ("messages[3].content", "limit").
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "v1.h"

/* A 422's param: loc without its first item ("body", "query", "path",
 * "header"), names joined by ".", indexes as "[n]". */
#define TS_V1_MAX_PARAM_BYTES 512

int
ts_v1_path(const char *path)
{
	return path != NULL && strncmp(path, "/v1", 3) == 0 && (path[3] == '\0' || path[3] == '/');
}

/* OpenAI's error type for a status (the five of §11). */
static const char *
error_type(int status)
{
	switch (status) {
	case 401: return "authentication_error";
	case 403: return "permission_error";
	case 404: return "not_found_error";
	default: return status >= 500 ? "server_error" : "invalid_request_error";
	}
}

/* Writes the param of loc into buf; 0, or -1 when loc names no field. */
static int
param_of(struct json_object *loc, char *buf, size_t len)
{
	size_t i, n = json_object_array_length(loc), used = 0;
	int w;

	buf[0] = '\0';
	for (i = 1; i < n; i++) {
		struct json_object *item = json_object_array_get_idx(loc, i);

		if (json_object_is_type(item, json_type_int))
			w = snprintf(buf + used, len - used, "[%lld]", (long long)json_object_get_int64(item));
		else
			w = snprintf(buf + used, len - used, "%s%s", used > 0 ? "." : "",
			    json_object_get_string(item));
		if (w < 0 || (size_t)w >= len - used)
			break;  /* a longer name is cut, never overrun */
		used += (size_t)w;
	}
	return used > 0 ? 0 : -1;
}

/* The lowercase form of a §2 code. */
static struct json_object *
lower_code(const char *code)
{
	char buf[64];
	size_t i;

	for (i = 0; code[i] != '\0' && i < sizeof(buf) - 1; i++)
		buf[i] = (char)tolower((unsigned char)code[i]);
	buf[i] = '\0';
	return json_object_new_string(buf);
}

/*
 * The OpenAI error object for a parsed §2 body: a 422 names its first
 * detail's field in param and message; other errors keep their message.
 */
static struct json_object *
openai_error(struct json_object *api, enum ts_error e)
{
	struct json_object *o = json_object_new_object(), *detail, *loc, *first, *msg;
	char param[TS_V1_MAX_PARAM_BYTES], text[TS_V1_MAX_PARAM_BYTES + 256];
	const char *message = ts_error_message(e);
	int has_param = 0;

	if (o == NULL)
		return NULL;
	if (json_object_object_get_ex(api, "error", &msg) && json_object_is_type(msg, json_type_string))
		message = json_object_get_string(msg);
	if (json_object_object_get_ex(api, "detail", &detail) &&
	    (first = json_object_array_get_idx(detail, 0)) != NULL &&
	    json_object_object_get_ex(first, "msg", &msg) && json_object_object_get_ex(first, "loc", &loc)) {
		has_param = param_of(loc, param, sizeof(param)) == 0;
		if (has_param)
			snprintf(text, sizeof(text), "Invalid '%s': %s", param, json_object_get_string(msg));
		else
			snprintf(text, sizeof(text), "Invalid request body: %s", json_object_get_string(msg));
		message = text;
	}
	json_object_object_add(o, "message", json_object_new_string(message));
	json_object_object_add(o, "type", json_object_new_string(error_type(ts_error_status(e))));
	json_object_object_add(o, "param", has_param ? json_object_new_string(param) : NULL);
	json_object_object_add(o, "code", lower_code(ts_error_code(e)));
	return o;
}

void
ts_v1_finish(struct ts_response *res)
{
	struct json_object *api, *err, *body;
	enum ts_error e;
	int status;

	if (res->status == 0)
		ts_response_error(res, TS_E_INTERNAL, NULL, NULL);
	if (!res->is_error)
		return;
	e = res->error;
	status = res->status;
	/* The §2 body is our own output; parsed back, never shown raw. */
	api = res->body != NULL ? json_tokener_parse(res->body) : NULL;
	err = openai_error(api, e);
	json_object_put(api);
	body = json_object_new_object();
	if (err == NULL || body == NULL) {
		json_object_put(err);
		json_object_put(body);
		return;         /* out of memory: the §2 body stays, still an error */
	}
	json_object_object_add(body, "error", err);
	/* ts_response_json clears is_error: no request_id is appended at write
	 * time; the X-Request-Id header carries it (the SDK's err.requestID). */
	if (ts_response_json(res, status, body) != 0)
		ts_response_error(res, e, NULL, NULL);
}
