/*
 * Field validation shared by the resources: each check either passes or
 * answers 422 VALIDATION_ERROR with the offending value's loc, and returns -1
 * so the handler just returns. loc arrays are NULL-terminated.
 */
#ifndef TS_VALIDATE_H
#define TS_VALIDATE_H

#include <stddef.h>
#include <json-c/json.h>
#include <uuid/uuid.h>

#include "app.h"

/* Number of Unicode code points in a valid UTF-8 string of len bytes. */
size_t ts_utf8_count(const char *s, size_t len);

/* The body must be a JSON object: 422 loc ["body"] otherwise. */
int ts_v_body_object(struct ts_ctx *ctx);

/* Every key of the body must be in allowed (NULL-terminated): 422 loc ["body", key]. */
int ts_v_known_fields(struct ts_ctx *ctx, const char *const *allowed);

/*
 * A string of at most max_points code points without NUL. nullable: JSON null
 * is accepted and *out set to NULL. On success *out borrows from v.
 */
int ts_v_string(struct ts_ctx *ctx, const char *field, struct json_object *v, size_t max_points,
    int nullable, const char **out);

/* A namespace: up to 255 of [A-Za-z0-9._:/-] ("" allowed). */
int ts_v_namespace(struct ts_ctx *ctx, const char *field, struct json_object *v, const char **out);

/* A visibility name: private, unlisted or public (lowercase). */
int ts_v_visibility(struct ts_ctx *ctx, const char *field, struct json_object *v, int *out);

/* A client-supplied UUID (not nil) as a string. */
int ts_v_new_uuid(struct ts_ctx *ctx, const char *field, struct json_object *v, uuid_t out);

/* §7 metadata: an object of at most 16 keys, keys up to 64 and values strings
 * up to 512 code points. */
int ts_v_metadata(struct ts_ctx *ctx, const char *field, struct json_object *v);

/* A JSON object's text for storage ("{}" for NULL); malloc'd, the caller frees. */
char *ts_json_text(struct json_object *v);

#endif
