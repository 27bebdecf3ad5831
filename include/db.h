/*
 * The database layer: one MariaDB/MySQL connection per worker, opened lazily,
 * utf8mb4 and UTC; every statement of the SQL table prepared once per
 * connection and reused. MYSQL_OPT_RECONNECT stays off: a lost connection is
 * detected here, reopened and its statements prepared again.
 */
#ifndef TS_DB_H
#define TS_DB_H

#include <stddef.h>
#include <stdlib.h>
#include <time.h>

#include "config.h"
#include "sql.h"

enum ts_db_status {
	TS_DB_OK = 0,
	TS_DB_UNAVAILABLE,      /* the server cannot be reached: 503 */
	TS_DB_RETRY,            /* deadlock or lock wait timeout: run the transaction again */
	TS_DB_DUPLICATE,        /* a unique key was violated (1062) */
	TS_DB_ERROR,            /* anything else: 500, details logged */
	TS_DB_TIMEOUT           /* the request's deadline passed; nothing was
	                         * committed by the call that says so: 503 */
};

struct ts_db;

/* A statement parameter. Strings and blobs are borrowed for the call. */
enum ts_db_param_type { TS_DBP_NULL, TS_DBP_STR, TS_DBP_BLOB, TS_DBP_INT };
struct ts_db_param {
	enum ts_db_param_type type;
	const void *data;
	unsigned long len;
	long long i;
};

/* A result cell: data is NUL-terminated (and may hold binary bytes). */
struct ts_db_cell {
	char *data;             /* NULL for SQL NULL */
	unsigned long len;
};

/* A whole result set in memory; ts_db_rows_free releases it. */
struct ts_db_rows {
	size_t nrows;
	size_t ncols;
	struct ts_db_cell *cells; /* nrows * ncols, row-major */
	char *text;               /* one block that the cells point into */
};

static inline const struct ts_db_cell *
ts_db_cell(const struct ts_db_rows *r, size_t row, size_t col)
{
	return &r->cells[row * r->ncols + col];
}

/* A cell holding an integer, as a number; 0 for SQL NULL. */
static inline long long
ts_db_cell_ll(const struct ts_db_rows *r, size_t row, size_t col)
{
	const struct ts_db_cell *c = ts_db_cell(r, row, col);

	return c->data != NULL ? strtoll(c->data, NULL, 10) : 0;
}

/* Makes a handle; no connection is opened until first use. NULL out of memory.
 * The config must outlive the handle. */
struct ts_db *ts_db_new(const struct ts_config *cfg);
void ts_db_free(struct ts_db *db);

/*
 * Starts a request: its deadline is seconds after start (CLOCK_MONOTONIC),
 * 0 for none (the command-line tools). Past the deadline no statement is
 * started and no transaction run again: they return TS_DB_TIMEOUT, as does
 * a statement the server stopped for running too long. A connection opened
 * while a deadline is set asks the server to stop any statement, and any
 * lock wait, after `seconds` (MariaDB max_statement_time; MySQL
 * max_execution_time, which covers SELECTs, and innodb_lock_wait_timeout on
 * both). Call it once per request before its first statement: it also makes
 * the first statement check that the server has not closed the connection
 * while it was idle. start is copied; db may be NULL.
 */
void ts_db_set_deadline(struct ts_db *db, const struct timespec *start, unsigned int seconds);

/* Whether the database answers (a round trip; connects when needed). */
enum ts_db_status ts_db_ping(struct ts_db *db);

/* Whether the connection is open now (nothing is sent to find out). */
int ts_db_is_open(const struct ts_db *db);

/*
 * Between requests a caller that waits in poll() anyway (the worker) can
 * watch the connection there, sparing every request the look of its own
 * (a system call): ts_db_watch_idle says it does, so that the first
 * statement of a request no longer looks. It then polls ts_db_idle_fd (-1:
 * none open) for POLLIN whenever it waits, and calls ts_db_hung_up when it
 * is readable: an idle connection has nothing to read, so the server
 * closed it (a restart, a KILL, wait_timeout), and it is closed here
 * before any statement is sent on it.
 */
void ts_db_watch_idle(struct ts_db *db);
int ts_db_idle_fd(const struct ts_db *db);
/* A number that changes whenever ts_db_idle_fd's connection is a new one:
 * a new socket may come back under a closed one's descriptor number. */
unsigned long ts_db_idle_serial(const struct ts_db *db);
void ts_db_hung_up(struct ts_db *db);

/* Opens the connection if it is not open. */
enum ts_db_status ts_db_connect(struct ts_db *db);

/*
 * Runs the prepared statement id with params. If out is not NULL the result
 * set is stored there (the caller frees it). affected, if not NULL, gets the
 * affected-row count. Outside a transaction a statement marked safe to repeat
 * is run again once after a lost connection, and any statement is when the
 * connection was found dead before the statement reached the server.
 */
enum ts_db_status ts_db_exec(struct ts_db *db, enum ts_sql id, const struct ts_db_param *params,
    size_t nparams, struct ts_db_rows *out, unsigned long long *affected);

/*
 * Runs fn inside one transaction, COMMIT included in the retried part (on
 * Galera a write conflict surfaces at COMMIT). A deadlock, lock wait timeout
 * or a connection lost before COMMIT reruns fn whole, a bounded number of
 * times with a short backoff, and never once the request's deadline has
 * passed (TS_DB_TIMEOUT). fn returns TS_DB_OK to commit; any other status
 * rolls back and is returned (TS_DB_RETRY asks for another attempt).
 */
typedef enum ts_db_status (*ts_db_txn_fn)(struct ts_db *db, void *arg);
enum ts_db_status ts_db_transaction(struct ts_db *db, ts_db_txn_fn fn, void *arg);

/*
 * The same for a transaction that is one statement: fn runs (ts_db_exec)
 * a compound statement that begins the transaction, commits it, and rolls
 * it back on any error it meets (TS_SQL_MESSAGE_CREATE_ONE), in one round
 * trip. A deadlock or lock wait timeout reruns fn as above. A connection
 * lost once the statement was sent is never rerun: it may have committed
 * (TS_DB_UNAVAILABLE, as for a connection lost during COMMIT); one that
 * never reached the server, or that a Galera node refused as not ready,
 * runs again on a new connection, as a transaction whose connection was
 * lost before COMMIT does. After any failure a ROLLBACK is sent if the
 * connection is open, for a statement the server stopped before its
 * handler ran.
 */
enum ts_db_status ts_db_transaction_statement(struct ts_db *db, ts_db_txn_fn fn, void *arg);

/*
 * The LAST_INSERT_ID the last run of statement id reported: an AUTO_INCREMENT
 * value, or what LAST_INSERT_ID(expr) set. The server sends it with the
 * statement's answer, so reading it costs no round trip. 0 if none.
 */
unsigned long long ts_db_insert_id(const struct ts_db *db, enum ts_sql id);

/*
 * The value of the session variable last_insert_id the last statement SET,
 * as the server reported it in that statement's OK packet (every
 * connection tracks it: src/db.c), into *v: 0, or -1 when that answer
 * reported none (the statement did not SET it, or the server does not
 * track it). Costs no round trip.
 */
int ts_db_tracked_insert_id(struct ts_db *db, unsigned long long *v);

/* Runs a statement from a trusted source (migrations) as text. */
enum ts_db_status ts_db_exec_trusted(struct ts_db *db, const char *sql);

/* The MySQL error number of the last failure, for logs and tests. */
unsigned int ts_db_last_errno(const struct ts_db *db);

/* The client library's text for the last failed connect ("Access denied
 * for user ...", "Can't connect to ..."), "" when none; for the operator's
 * commands. Owned by db, valid until the next connect. */
const char *ts_db_connect_error(const struct ts_db *db);

void ts_db_rows_free(struct ts_db_rows *rows);

/* Parameter constructors. */
static inline struct ts_db_param ts_p_str(const char *s, unsigned long len)
{ struct ts_db_param p = { TS_DBP_STR, s, len, 0 }; return p; }
static inline struct ts_db_param ts_p_blob(const void *b, unsigned long len)
{ struct ts_db_param p = { TS_DBP_BLOB, b, len, 0 }; return p; }
static inline struct ts_db_param ts_p_int(long long i)
{ struct ts_db_param p = { TS_DBP_INT, NULL, 0, i }; return p; }
static inline struct ts_db_param ts_p_null(void)
{ struct ts_db_param p = { TS_DBP_NULL, NULL, 0, 0 }; return p; }

#endif
