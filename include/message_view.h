/*
 * A page of messages rendered from the row cells without building json-c
 * objects, and the rendered size of a message, for the response cap.
 */
#ifndef TS_MESSAGE_VIEW_H
#define TS_MESSAGE_VIEW_H

#include <stddef.h>

#include <json-c/json.h>

#include "db.h"
#include "sql.h"

/*
 * The same message object for a page answered at once, without building it:
 * a node whose serializer writes every member from the cells, in
 * ts_message_json_cells' order and with the same bytes. The node borrows
 * the view, which borrows the cells and the scratch values: all of them
 * must outlive its serialisation, and the node is good for nothing else
 * (it has no members to look up: the list envelope takes its first and
 * last ids from ts_message_id_json). A page's views share the scratch values.
 */
struct ts_message_scratch {
	struct json_object *str;        /* owned; ts_json_append_str's scratch */
	struct json_object *num;        /* owned */
};

struct ts_message_view {
	const struct ts_db_cell *cells; /* borrowed: TS_MC__COUNT cells */
	int with_details;
	int shared;                     /* as a link's reader sees it (API
	                                 * reference: schema SharedMessage):
	                                 * "shared.message", no thread_id */
	struct ts_message_scratch *scratch; /* borrowed */
};

/* 0, or -1 out of memory (nothing then to free). */
int ts_message_scratch_init(struct ts_message_scratch *sc);
void ts_message_scratch_free(struct ts_message_scratch *sc);

/* A new reference, NULL out of memory. */
struct json_object *ts_message_view_json(struct ts_message_view *v);

/*
 * The rendered size of the message whose cells are c, or an upper bound of
 * it when that bound is at most room (cheap: no rendering).
 */
size_t ts_message_size_within(const struct ts_db_cell *c, int with_details,
    struct ts_message_scratch *sc, size_t room);

/*
 * How many of the n messages of page (cells in enum ts_message_col order),
 * taken in that order, fit in budget bytes once rendered: at least one when
 * n > 0, since a list always moves on (the response cap)
 * (API reference: Limits).
 */
size_t ts_message_page_fit(const struct ts_db_cell *const *page, size_t n, int with_details,
    struct ts_message_scratch *sc, size_t budget);

#endif
