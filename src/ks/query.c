/*
 * Knowledge Stack's query parameters, read the way its server (FastAPI)
 * reads them and its two SDKs write them: booleans in any of pydantic's
 * spellings, datetimes in JavaScript's and Python's forms, the enums in
 * capitals. Unknown parameters are ignored, as everywhere in threadstore.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ks.h"
#include "params.h"
#include "query.h"
#include "roles.h"

/* The longest datetime we read: "2024-01-15T10:30:00.123456789+00:00" and room. */
#define KS_MAX_TIME_BYTES 64

static int
bad(struct ts_problem *p, const char *name, const char *msg, const char *type)
{
	const char *loc[] = { "query", name, NULL };

	return ts_problem_invalid(p, loc, msg, type);
}

int
ts_ks_q_bool(struct ts_problem *p, const char *query, const char *name, int *out)
{
	static const char *const yes[] = { "true", "1", "yes", "on", "t", "y", NULL };
	static const char *const no[] = { "false", "0", "no", "off", "f", "n", NULL };
	enum ts_query_status st;
	char *v = NULL;
	size_t len, i;
	int found = -1;

	if ((st = ts_query_get(query, strlen(query), name, &v, &len)) == TS_QUERY_ABSENT)
		return 0;
	if (st == TS_QUERY_NOMEM)
		return ts_problem_set(p, TS_E_INTERNAL, NULL);
	for (i = 0; v != NULL && found < 0 && yes[i] != NULL; i++)
		if (strcasecmp(v, yes[i]) == 0)
			found = 1;
	for (i = 0; v != NULL && found < 0 && no[i] != NULL; i++)
		if (strcasecmp(v, no[i]) == 0)
			found = 0;
	free(v);
	if (found < 0)
		return bad(p, name, "Input should be a valid boolean", "bool_parsing");
	*out = found;
	return 1;
}

/* Where a datetime's offset starts: past "YYYY-MM-DDTHH:MM:SS" and a
 * fraction; NULL when s is shorter than that. */
static const char *
offset_of(const char *s)
{
	const char *o;

	if (strlen(s) < 19)
		return NULL;
	o = s + 19;
	if (*o == '.')
		for (o++; isdigit((unsigned char)*o); o++)
			;
	return o;
}

int
ts_ks_time_parse(const char *s, char out[TS_DB_TIME_LEN + 1])
{
	char buf[KS_MAX_TIME_BYTES + 8];
	const char *o;
	size_t head;

	if (strlen(s) > KS_MAX_TIME_BYTES || (o = offset_of(s)) == NULL)
		return -1;
	head = (size_t)(o - s);
	/* RFC 3339 is what the shared parser reads: a missing offset is UTC
	 * (a naive datetime, as Python's SDK sends one), and "+HHMM" gets
	 * its colon. */
	if (*o == '\0')
		snprintf(buf, sizeof(buf), "%sZ", s);
	else if ((*o == '+' || *o == '-') && strlen(o) == 5 && strspn(o + 1, "0123456789") == 4)
		snprintf(buf, sizeof(buf), "%.*s%.3s:%s", (int)head, s, o, o + 3);
	else
		snprintf(buf, sizeof(buf), "%s", s);
	return ts_time_parse_rfc3339(buf, 1, out);
}

/* before: only messages created strictly before it (a cursor). */
static int
parse_before(struct ts_problem *p, const char *query, struct ts_message_query *q)
{
	char *v = NULL;
	int rc;

	if ((rc = ts_q_string(p, query, "before", KS_MAX_TIME_BYTES, &v)) <= 0)
		return rc;
	rc = ts_ks_time_parse(v, q->created_before);
	free(v);
	if (rc != 0)
		return bad(p, "before", "Input should be a valid datetime", "datetime_parsing");
	q->has_created_before = 1;
	/* A cursor narrows the page, not the listing: total stays the
	 * thread's count, read from its counters (message_ops.h). */
	q->time_is_cursor = 1;
	return 0;
}

/* role: one of the three; ASSISTANT includes the tool messages, which this
 * surface shows as ASSISTANT (ts_ks_role_name). */
static int
parse_role(struct ts_problem *p, const char *query, int *mask)
{
	static const char *const roles[] = { "USER", "ASSISTANT", "SYSTEM", NULL };
	int r, rc;

	if ((rc = ts_q_enum(p, query, "role", roles, &r)) <= 0)
		return rc;
	*mask = r == 0 ? 1 << TS_ROLE_USER : r == 1 ? (1 << TS_ROLE_ASSISTANT) | (1 << TS_ROLE_TOOL)
	    : 1 << TS_ROLE_SYSTEM;
	return 0;
}

int
ts_ks_parse_list(struct ts_problem *p, const char *query, struct ts_message_query *q)
{
	static const char *const dirs[] = { "ASC", "DESC", NULL };
	int dir = 1;

	q->limit = TS_KS_DEFAULT_PAGE_LIMIT;
	q->order = TS_ORDER_DESC;
	if (ts_q_int(p, query, "limit", 1, TS_KS_MAX_PAGE_LIMIT, &q->limit) < 0 ||
	    ts_q_int(p, query, "offset", 0, TS_MAX_OFFSET, &q->offset) < 0 ||
	    parse_before(p, query, q) < 0 || parse_role(p, query, &q->role_mask) < 0 ||
	    ts_q_enum(p, query, "sort_dir", dirs, &dir) < 0 ||
	    ts_ks_q_bool(p, query, "with_details", &q->with_details) < 0)
		return -1;
	q->order = dir == 0 ? TS_ORDER_ASC : TS_ORDER_DESC;
	return 0;
}
