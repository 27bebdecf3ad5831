/*
 * OpenAI's error body for every error under /v1
 * (API reference: tag openai; schema OpenAIError): a problem, whoever
 * raised it, is rendered as {"error": {"message", "type", "param", "code"}}
 * with the status of its error. code is the /api code in lowercase; param
 * names the bad field of a 422 the way OpenAI's SDKs show it
 * ("messages[3].content", "limit").
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "conv.h"
#include "v1.h"

/* A 422's param: loc without its first item ("body", "query", "path",
 * "header"), names joined by ".", indexes as "[n]". */
#define TS_V1_MAX_PARAM_BYTES 512

int
ts_v1_path(const char *path)
{
	return path != NULL && strncmp(path, "/v1", 3) == 0 && (path[3] == '\0' || path[3] == '/');
}

int
ts_conv_path(const char *path)
{
	return path != NULL && strncmp(path, "/v1/conversations", 17) == 0 && (path[17] == '\0' || path[17] == '/');
}

/* OpenAI's error type for a status, one of five
 * (API reference: schema OpenAIError). */
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

/* The lowercase form of an /api error code (API reference: Errors). */
static struct json_object *
lower_code(const char *code)
{
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(buf) - 1 && code[i] != '\0'; i++)
		buf[i] = (char)tolower((unsigned char)code[i]);
	buf[i] = '\0';
	return json_object_new_string(buf);
}

/*
 * The OpenAI error object for p: a 422 names its field in param and
 * message; other errors keep their message.
 */
static struct json_object *
openai_error(const struct ts_problem *p)
{
	struct json_object *o = json_object_new_object();
	char param[TS_V1_MAX_PARAM_BYTES], text[TS_V1_MAX_PARAM_BYTES + 256];
	const char *message = ts_problem_message(p);
	int has_param = 0;

	if (o == NULL)
		return NULL;
	if (p->error == TS_E_VALIDATION && p->loc != NULL) {
		has_param = param_of(p->loc, param, sizeof(param)) == 0;
		if (has_param)
			snprintf(text, sizeof(text), "Invalid '%s': %s", param, message);
		else
			snprintf(text, sizeof(text), "Invalid request body: %s", message);
		message = text;
	}
	json_object_object_add(o, "message", json_object_new_string(message));
	json_object_object_add(o, "type", json_object_new_string(error_type(ts_error_status(p->error))));
	json_object_object_add(o, "param", has_param ? json_object_new_string(param) : NULL);
	json_object_object_add(o, "code", lower_code(ts_error_code(p->error)));
	return o;
}

void
ts_v1_answer_problem(struct ts_response *res, const struct ts_problem *p)
{
	struct json_object *err = openai_error(p), *body = json_object_new_object();

	if (err == NULL || body == NULL) {
		json_object_put(err);
		json_object_put(body);
		ts_response_error(res, p->error, NULL, NULL); /* out of memory: still an error */
		return;
	}
	json_object_object_add(body, "error", err);
	/* No request_id in the body: the X-Request-Id header carries it (the
	 * SDK's err.requestID). */
	if (ts_response_json(res, ts_error_status(p->error), body) != 0)
		ts_response_error(res, p->error, NULL, NULL);
	/* OpenAI's SDK retries a 409 twice unless told not to; neither a
	 * conflict nor a 422 goes away by asking again. */
	if (p->error == TS_E_VALIDATION || ts_error_status(p->error) == 409)
		ts_response_header(res, "x-should-retry", "false");
}

const struct ts_surface ts_v1_surface = { ts_v1_answer_problem, ts_path_ids_uuid };
/* The Conversations API: /v1's errors, OpenAI-style ids (src/conv/ids.c). */
const struct ts_surface ts_conv_surface = { ts_v1_answer_problem, ts_conv_path_ids };
