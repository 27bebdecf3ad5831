/*
 * The error model (API reference: Errors): every error threadstore answers
 * with is one of these, and this table is the only place that maps it to an
 * HTTP status and code.
 */
#ifndef TS_ERRORS_H
#define TS_ERRORS_H

enum ts_error {
	TS_E_INVALID_ID,
	TS_E_INVALID_JSON,
	TS_E_UNAUTHORIZED,
	TS_E_INVALID_TOKEN,
	TS_E_FORBIDDEN,
	TS_E_PUBLIC_SHARING_DISABLED,
	TS_E_NOT_FOUND,
	TS_E_METHOD_NOT_ALLOWED,
	TS_E_CONFLICT,
	TS_E_PAYLOAD_TOO_LARGE,
	TS_E_URI_TOO_LONG,
	TS_E_UNSUPPORTED_MEDIA_TYPE,
	TS_E_VALIDATION,
	TS_E_INTERNAL,
	TS_E_SERVICE_UNAVAILABLE,
	TS_E__COUNT
};

int ts_error_status(enum ts_error e);
/* The error's code, e.g. "NOT_FOUND" (API reference: schema ErrorCode). */
const char *ts_error_code(enum ts_error e);
/* A generic message for the error, used when the handler gives none. */
const char *ts_error_message(enum ts_error e);

#endif
