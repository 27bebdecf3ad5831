/* Query parameters, decoded and checked; a bad one is a 422 naming it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ids.h"
#include "json_in.h"
#include "params.h"
#include "query.h"
#include "validate.h"

static int
bad(struct ts_ctx *ctx, const char *name, const char *msg, const char *type)
{
	const char *loc[] = { "query", name, NULL };

	ts_fail_validation(ctx, loc, msg, type);
	return -1;
}

/* Fetches the decoded value: 0 absent, 1 found (*v malloc'd), -1 answered. */
static int
fetch(struct ts_ctx *ctx, const char *name, char **v)
{
	size_t len;

	switch (ts_query_get(ctx->req->query, strlen(ctx->req->query), name, v, &len)) {
	case TS_QUERY_ABSENT:
		return 0;
	case TS_QUERY_FOUND:
		return 1;
	case TS_QUERY_BAD_ENCODING:
		return bad(ctx, name, "bad percent-encoding", "encoding");
	case TS_QUERY_NOMEM:
	default:
		ts_fail(ctx, TS_E_INTERNAL, NULL);
		return -1;
	}
}

int
ts_q_int(struct ts_ctx *ctx, const char *name, long long min, long long max, long long *out)
{
	char *v, *end, msg[96];
	long long n;
	int rc = fetch(ctx, name, &v);

	if (rc != 1)
		return rc;
	errno = 0;
	n = strtoll(v, &end, 10);
	/* Digits only: no sign, no blanks, no empty value. */
	if (v[0] < '0' || v[0] > '9' || *end != '\0' || errno != 0 || n < min || n > max) {
		free(v);
		snprintf(msg, sizeof(msg), "must be an integer between %lld and %lld", min, max);
		return bad(ctx, name, msg, "range");
	}
	free(v);
	*out = n;
	return 1;
}

int
ts_q_enum(struct ts_ctx *ctx, const char *name, const char *const *values, int *out)
{
	char *v;
	int i, rc = fetch(ctx, name, &v);

	if (rc != 1)
		return rc;
	for (i = 0; values[i] != NULL; i++)
		if (strcmp(values[i], v) == 0) {
			free(v);
			*out = i;
			return 1;
		}
	free(v);
	return bad(ctx, name, "not an allowed value", "enum");
}

int
ts_q_uuid(struct ts_ctx *ctx, const char *name, uuid_t out)
{
	char *v;
	int rc = fetch(ctx, name, &v);

	if (rc != 1)
		return rc;
	rc = ts_uuid_parse(v, out);
	free(v);
	return rc == 0 ? 1 : bad(ctx, name, "must be a UUID", "uuid");
}

int
ts_q_string(struct ts_ctx *ctx, const char *name, size_t max_points, char **out)
{
	int rc = fetch(ctx, name, out);

	if (rc != 1)
		return rc;
	if (!ts_utf8_valid(*out, strlen(*out))) {
		free(*out);
		*out = NULL;
		return bad(ctx, name, "must be UTF-8 text", "encoding");
	}
	if (ts_utf8_count(*out, strlen(*out)) > max_points) {
		free(*out);
		*out = NULL;
		return bad(ctx, name, "too long", "length");
	}
	return 1;
}
