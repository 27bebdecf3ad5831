/*
 * Field validation shared by every surface's parsers: each check either
 * passes (0) or reports a 422 problem naming the offending value's loc and
 * returns -1. It never answers: the surface renders the problem.
 */
#ifndef TS_VALIDATE_H
#define TS_VALIDATE_H

#include <stddef.h>
#include <json-c/json.h>
#include <uuid/uuid.h>

#include "json_in.h"
#include "problem.h"

/* Number of Unicode code points in a valid UTF-8 string of len bytes. */
size_t ts_utf8_count(const char *s, size_t len);

/*
 * The body must be a JSON object (422 loc ["body"] otherwise). With flaws
 * (the request body's, from ts_json_parse_body), the first value the parser
 * let through for a 422 (a string holding \u0000, an integer json-c would
 * clamp) is reported at its path; NULL for a value inside a checked body.
 */
int ts_v_body(struct ts_problem *p, struct json_object *body, const struct ts_json_flaws *flaws);

/* Every key of body must be in allowed (NULL-terminated): 422 loc ["body", key]. */
int ts_v_known_fields(struct ts_problem *p, struct json_object *body, const char *const *allowed);

/*
 * A string of at most max_points code points without NUL. nullable: JSON null
 * is accepted and *out set to NULL. On success *out borrows from v.
 */
int ts_v_string(struct ts_problem *p, const char *field, struct json_object *v, size_t max_points,
    int nullable, const char **out);

/* A namespace: up to 255 of [A-Za-z0-9._:/-] ("" allowed). */
int ts_v_namespace(struct ts_problem *p, const char *field, struct json_object *v, const char **out);

/* A visibility name: private, unlisted or public (lowercase). */
int ts_v_visibility(struct ts_problem *p, const char *field, struct json_object *v, int *out);

/* A client-supplied UUID (not nil) as a string. */
int ts_v_new_uuid(struct ts_problem *p, const char *field, struct json_object *v, uuid_t out);

/* Metadata: an object of at most 16 keys, keys up to 64 and values strings
 * up to 512 code points (API reference: schema Metadata). */
int ts_v_metadata(struct ts_problem *p, const char *field, struct json_object *v);

/* A JSON object's text for storage ("{}" for NULL); malloc'd, the caller frees. */
char *ts_json_text(struct json_object *v);

#endif
