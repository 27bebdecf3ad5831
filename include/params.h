/*
 * Query parameters with their checks (§6.3, §11): each getter returns 0 when
 * the parameter is absent (the default stays), 1 when it was present and
 * valid, and -1 after answering 422 with loc ["query", name]. An empty value
 * for a number, boolean, enumeration or id is a 422.
 */
#ifndef TS_PARAMS_H
#define TS_PARAMS_H

#include <uuid/uuid.h>

#include "app.h"

int ts_q_int(struct ts_ctx *ctx, const char *name, long long min, long long max, long long *out);

/* values is NULL-terminated; *out is the index of the match. */
int ts_q_enum(struct ts_ctx *ctx, const char *name, const char *const *values, int *out);

int ts_q_uuid(struct ts_ctx *ctx, const char *name, uuid_t out);

/* A free string (may be empty); *out is malloc'd and the caller frees it. */
int ts_q_string(struct ts_ctx *ctx, const char *name, size_t max_points, char **out);

#endif
