/*
 * Fetching a prepared statement's result set (src/db_fetch.c), for the
 * database layer (src/db.c) only: every value comes out as the text the
 * client library would give for it, NUL-terminated, in memory that the
 * rows own.
 */
#ifndef TS_DB_FETCH_H
#define TS_DB_FETCH_H

#include <mysql.h>

#include "db.h"

enum ts_db_fetch_status {
	TS_DB_FETCH_OK = 0,
	TS_DB_FETCH_NOMEM,              /* out of memory */
	TS_DB_FETCH_CLIENT_ERROR        /* the client library failed: its error is on the statement,
	                                 * or on the connection for a row that did not arrive */
};

/*
 * What one prepared statement's results need to be fetched: its columns,
 * binds and fetch buffers, kept from one run of the statement to the next.
 * Owned by whoever keeps the statement, freed with ts_db_fetch_free when
 * the statement is closed (NULL is fine).
 */
struct ts_db_fetch;

void ts_db_fetch_free(struct ts_db_fetch *f);

/*
 * Fetches the whole result set of s, just executed, into out (the caller
 * frees it with ts_db_rows_free); a statement without a result set gives
 * empty rows. *f is s's fetch state: NULL on the statement's first run, made
 * here and kept in *f for the next runs of s (and made again when the
 * columns differ). On failure out is empty. Either way the caller then
 * reads the error, if any, and drops what is left of the result
 * (mysql_stmt_free_result) before the next statement.
 */
enum ts_db_fetch_status ts_db_fetch_all(struct ts_db_fetch **f, MYSQL_STMT *s, struct ts_db_rows *out);

#endif
