/* A message being created as the row stored for it; a stored row's token cost. */
#ifndef TS_MESSAGE_ROW_H
#define TS_MESSAGE_ROW_H

#include <stddef.h>

#include "db.h"
#include "message_input.h"
#include "sql.h"

/*
 * A message being created, as the row stored for it: the cells in enum
 * ts_message_col order, borrowing from the input, the ids and now, with the
 * numbers formatted into the struct. What is inserted and what the 201
 * answer shows are both read from here, so they cannot differ.
 */
struct ts_message_row {
	struct ts_db_cell cells[TS_MC__COUNT];
	char seq[24];
	char role[8];
	char ints[TS_MI__COUNT][24];
};

/* Fills r for item in of thread tid, with id, seq and now (a DATETIME(3)
 * text). r borrows tid, id, now and in's strings: they must outlive it. */
void ts_message_row_fill(struct ts_message_row *r, const unsigned char *tid,
    const unsigned char *id, long long seq, const char *now, const struct ts_message_input *in);

/* The token cost of a row for the context route: token_count, else
 * ceil(code points of the text / 4). */
long long ts_message_cost(const struct ts_db_rows *rows, size_t row);

#endif
