/* The error table (API reference: Errors): the one place an error becomes an
 * HTTP status and code. */
#include "errors.h"

struct ts_error_info {
	int status;
	const char *code;
	const char *message;
};

static const struct ts_error_info errors[TS_E__COUNT] = {
	[TS_E_INVALID_ID] = { 400, "INVALID_ID", "Invalid id" },
	[TS_E_INVALID_JSON] = { 400, "INVALID_JSON", "Request body is not valid JSON" },
	[TS_E_UNAUTHORIZED] = { 401, "UNAUTHORIZED", "Authentication required" },
	[TS_E_INVALID_TOKEN] = { 401, "INVALID_TOKEN", "Invalid or expired token" },
	[TS_E_FORBIDDEN] = { 403, "FORBIDDEN", "Forbidden" },
	[TS_E_PUBLIC_SHARING_DISABLED] = { 403, "PUBLIC_SHARING_DISABLED", "Public sharing is disabled" },
	[TS_E_NOT_FOUND] = { 404, "NOT_FOUND", "Not found" },
	[TS_E_METHOD_NOT_ALLOWED] = { 405, "METHOD_NOT_ALLOWED", "Method not allowed" },
	[TS_E_CONFLICT] = { 409, "CONFLICT", "Conflict" },
	[TS_E_PAYLOAD_TOO_LARGE] = { 413, "PAYLOAD_TOO_LARGE", "Request body too large" },
	[TS_E_URI_TOO_LONG] = { 414, "URI_TOO_LONG", "Query string too long" },
	[TS_E_UNSUPPORTED_MEDIA_TYPE] = { 415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json" },
	[TS_E_VALIDATION] = { 422, "VALIDATION_ERROR", "Validation error" },
	[TS_E_INTERNAL] = { 500, "INTERNAL", "Internal error" },
	[TS_E_SERVICE_UNAVAILABLE] = { 503, "SERVICE_UNAVAILABLE", "Service unavailable" },
};

static const struct ts_error_info *
info(enum ts_error e)
{
	if ((unsigned int)e >= TS_E__COUNT)
		e = TS_E_INTERNAL;
	return &errors[e];
}

int
ts_error_status(enum ts_error e)
{
	return info(e)->status;
}

const char *
ts_error_code(enum ts_error e)
{
	return info(e)->code;
}

const char *
ts_error_message(enum ts_error e)
{
	return info(e)->message;
}
