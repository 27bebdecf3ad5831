/*
 * Query parameters with their checks: each getter returns 0 when the
 * parameter is absent (the default stays), 1 when it was present and valid,
 * and -1 with a 422 problem at loc ["query", name] (500 out of memory). An
 * empty value for a number, boolean, enumeration or id is a 422
 * (API reference: Requests and responses).
 * query is the request's raw query string (NUL-terminated).
 */
#ifndef TS_PARAMS_H
#define TS_PARAMS_H

#include <uuid/uuid.h>

#include "problem.h"

int ts_q_int(struct ts_problem *p, const char *query, const char *name, long long min, long long max, long long *out);

/* values is NULL-terminated; *out is the index of the match. */
int ts_q_enum(struct ts_problem *p, const char *query, const char *name, const char *const *values, int *out);

int ts_q_uuid(struct ts_problem *p, const char *query, const char *name, uuid_t out);

/* A free string (may be empty); *out is malloc'd and the caller frees it. */
int ts_q_string(struct ts_problem *p, const char *query, const char *name, size_t max_points, char **out);

#endif
