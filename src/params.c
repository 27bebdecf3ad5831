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
bad(struct ts_problem *p, const char *name, const char *msg, const char *type)
{
	const char *loc[] = { "query", name, NULL };

	return ts_problem_invalid(p, loc, msg, type);
}

/* Fetches the decoded value: 0 absent, 1 found (*v malloc'd), -1 answered. */
static int
fetch(struct ts_problem *p, const char *query, const char *name, char **v)
{
	size_t len;

	switch (ts_query_get(query, strlen(query), name, v, &len)) {
	case TS_QUERY_ABSENT:
		return 0;
	case TS_QUERY_FOUND:
		return 1;
	case TS_QUERY_BAD_ENCODING:
		return bad(p, name, "bad percent-encoding", "encoding");
	case TS_QUERY_NOMEM:
	default:
		return ts_problem_set(p, TS_E_INTERNAL, NULL);
	}
}

int
ts_q_int(struct ts_problem *p, const char *query, const char *name, long long min, long long max, long long *out)
{
	const char *loc[] = { "query", name, NULL };
	char *v, *end;
	long long n;
	int rc = fetch(p, query, name, &v);

	if (rc != 1)
		return rc;
	errno = 0;
	n = strtoll(v, &end, 10);
	/* Digits only: no sign, no blanks, no empty value. */
	if (v[0] < '0' || v[0] > '9' || *end != '\0' || errno != 0 || n < min || n > max) {
		free(v);
		return ts_problem_invalidf(p, loc, "range", "must be an integer between %lld and %lld", min, max);
	}
	free(v);
	*out = n;
	return 1;
}

int
ts_q_enum(struct ts_problem *p, const char *query, const char *name, const char *const *values, int *out)
{
	char *v;
	int i, rc = fetch(p, query, name, &v);

	if (rc != 1)
		return rc;
	for (i = 0; values[i] != NULL; i++)
		if (strcmp(values[i], v) == 0) {
			free(v);
			*out = i;
			return 1;
		}
	free(v);
	return bad(p, name, "not an allowed value", "enum");
}

int
ts_q_uuid(struct ts_problem *p, const char *query, const char *name, uuid_t out)
{
	char *v;
	int rc = fetch(p, query, name, &v);

	if (rc != 1)
		return rc;
	rc = ts_uuid_parse(v, out);
	free(v);
	return rc == 0 ? 1 : bad(p, name, "must be a UUID", "uuid");
}

int
ts_q_string(struct ts_problem *p, const char *query, const char *name, size_t max_points, char **out)
{
	int rc = fetch(p, query, name, out);

	if (rc != 1)
		return rc;
	if (!ts_utf8_valid(*out, strlen(*out))) {
		free(*out);
		*out = NULL;
		return bad(p, name, "must be UTF-8 text", "encoding");
	}
	if (ts_utf8_count(*out, strlen(*out)) > max_points) {
		free(*out);
		*out = NULL;
		return bad(p, name, "too long", "length");
	}
	return 1;
}
