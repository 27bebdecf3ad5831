/*
 * Stored message rows as json-c objects (API reference: schema Message),
 * built member by member.
 * Pages are written by message_view.h instead; the two agree byte for byte
 * (tests/unit/test_message_render.c).
 */
#ifndef TS_MESSAGE_JSON_H
#define TS_MESSAGE_JSON_H

#include <stddef.h>

#include <json-c/json.h>

#include "db.h"
#include "sql.h"

/* A stored JSON text parsed into a new reference; NULL for SQL NULL. */
struct json_object *ts_stored_parse(const struct ts_db_cell *c);

/*
 * A stored JSON text (a cell json-c wrote: metadata, attachments, details,
 * tool_calls) as a node that serialises as that very text, without a
 * parse; good only for serialising. A new reference; NULL for SQL NULL or
 * out of memory.
 */
struct json_object *ts_stored_json(const struct ts_db_cell *c);

/* The content object (text, citations, references, is_error) a stored row
 * renders; a new reference. */
struct json_object *ts_message_content_json(const struct ts_db_cell *text,
    const struct ts_db_cell *extra);

/* The message object for row `row` of a result with the message columns; details
 * rendered null unless with_details. A new reference, NULL out of memory;
 * it holds no pointer into rows. */
struct json_object *ts_message_json(const struct ts_db_rows *rows, size_t row, int with_details);

/*
 * The same for one row's cells, TS_MC__COUNT of them in enum ts_message_col
 * order. The stored JSON texts (metadata, attachments, details, tool_calls)
 * are copied in as they are, not parsed again: json-c wrote them (the create
 * and patch paths store json_object_to_json_string_ext's output), so they
 * are valid JSON in the very form a parse and a new serialisation would give.
 * Such a member is only good for serialising (see message_json.c, stored_json).
 */
struct json_object *ts_message_json_cells(const struct ts_db_cell *c, int with_details);

/* The "id" member of the message whose cells are c: a new reference, NULL
 * for a null id (or out of memory). */
struct json_object *ts_message_id_json(const struct ts_db_cell *c);

#endif
