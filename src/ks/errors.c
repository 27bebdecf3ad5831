/*
 * Knowledge Stack's error bodies for every error under /ks, whoever raised
 * it (router, dispatcher, operation): its ErrorResponse
 * {"detail": "...", "code": "...", "request_id": "..."} with the status
 * of threadstore's error, and for a 422 the body its SDKs read as
 * HTTPValidationError, {"detail": [{loc, msg, type}]}, with code and
 * request_id beside it (Knowledge Stack: "every non-2xx body is
 * {detail, code, request_id}").
 */
#include <string.h>

#include "ks.h"

int
ts_ks_path(const char *path)
{
	return path != NULL && strncmp(path, "/ks", 3) == 0 && (path[3] == '\0' || path[3] == '/');
}

const char *
ts_ks_error_code(enum ts_error e)
{
	/* Every value is one of the ErrorResponse's closed set: a client
	 * branching on code never meets a value its SDK refuses. */
	switch (e) {
	case TS_E_UNAUTHORIZED:
	case TS_E_INVALID_TOKEN:
		return "unauthorized";
	case TS_E_FORBIDDEN:
	case TS_E_PUBLIC_SHARING_DISABLED:
		return "forbidden";
	case TS_E_NOT_FOUND:
		return "not_found";
	case TS_E_CONFLICT:
		return "conflict";
	case TS_E_VALIDATION:
		return "unprocessable_entity";
	case TS_E_SERVICE_UNAVAILABLE:
		return "service_unavailable";
	case TS_E_METHOD_NOT_ALLOWED:
		return "error";
	case TS_E_INVALID_ID:
	case TS_E_INVALID_JSON:
	case TS_E_PAYLOAD_TOO_LARGE:
	case TS_E_URI_TOO_LONG:
	case TS_E_UNSUPPORTED_MEDIA_TYPE:
		return "bad_request";
	default:
		return "internal_error";
	}
}

void
ts_ks_answer_problem(struct ts_response *res, const struct ts_problem *p)
{
	struct json_object *body = json_object_new_object(), *detail = NULL;

	if (body != NULL && p->error == TS_E_VALIDATION)
		detail = ts_problem_detail(p);
	else if (body != NULL)
		detail = json_object_new_string(ts_problem_message(p));
	if (body == NULL || detail == NULL) {
		json_object_put(body);
		json_object_put(detail);
		ts_response_error(res, TS_E_INTERNAL, NULL, NULL); /* out of memory: still an error */
		return;
	}
	json_object_object_add(body, "detail", detail);
	json_object_object_add(body, "code", json_object_new_string(ts_ks_error_code(p->error)));
	if (ts_response_error_body(res, p->error, body) != 0)
		ts_response_error(res, TS_E_INTERNAL, NULL, NULL);
}

const struct ts_surface ts_ks_surface = { ts_ks_answer_problem, ts_path_ids_uuid };
