/*
 * One result cell as a JSON value, for the surfaces' renderers: a UUID
 * (16 bytes) as its 8-4-4-4-12 string, a string, an integer, each null for
 * SQL NULL; a DATETIME(3) as unix seconds. Each JSON value is a new
 * reference (NULL also out of memory).
 */
#ifndef TS_CELL_JSON_H
#define TS_CELL_JSON_H

#include <json-c/json.h>

#include "db.h"

struct json_object *ts_cell_uuid_json(const struct ts_db_cell *c);
struct json_object *ts_cell_string_json(const struct ts_db_cell *c);
struct json_object *ts_cell_int_json(const struct ts_db_cell *c);

/* Unix seconds (milliseconds dropped); -1 when the cell is not a time. */
long long ts_cell_unix_seconds(const struct ts_db_cell *c);

#endif
