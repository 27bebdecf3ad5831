/*
 * One MariaDB/MySQL connection per worker. It is opened on first use, with
 * utf8mb4, UTC and strict SQL mode, and MYSQL_OPT_RECONNECT explicitly off:
 * a silent reconnect would roll back an open transaction and drop the
 * prepared statements behind our back. Instead a lost connection is noticed
 * here (errors 2006/2013 and kin), closed, and opened again on the next use,
 * with the statements prepared again lazily.
 *
 * Each request brings its deadline (ts_db_set_deadline): no statement starts
 * and no transaction is run again past it, and the server itself stops a
 * statement or a lock wait that runs longer than the request may.
 */
#include <errno.h>
#include <mysql.h>
#include <errmsg.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "db_fetch.h"
#include "db_hosts.h"
#include "ts_limits.h"
#include "log.h"

/* Most parameters one statement takes (the one-statement create binds 35). */
#define TS_DB_MAX_PARAMS 40

/* Server error numbers we act on (mysqld_error.h names). */
#define ER_LOCK_WAIT_TIMEOUT_NO 1205
#define ER_LOCK_DEADLOCK_NO 1213
#define ER_DUP_ENTRY_NO 1062
#define ER_SERVER_SHUTDOWN_NO 1053
/* Galera: the node is not synced or outside the primary component; the
 * statement was refused before it ran. */
#define ER_WSREP_NOT_READY_NO 1047
#define ER_CONNECTION_KILLED_NO 1927
#define ER_CLIENT_INTERACTION_TIMEOUT_NO 4031
/* A statement stopped by max_statement_time (MariaDB) or max_execution_time (MySQL). */
#define ER_STATEMENT_TIMEOUT_NO 1969
#define ER_QUERY_TIMEOUT_NO 3024

struct ts_db {
	const struct ts_config *cfg;
	MYSQL *conn;
	MYSQL_STMT *stmts[TS_SQL__COUNT];
	struct ts_db_fetch *fetch[TS_SQL__COUNT]; /* each statement's fetch state, closed with it */
	int in_txn;
	int lost;               /* the connection died during the last call */
	int unsent;             /* ...and the statement provably never reached the server */
	int check_idle;         /* a request began: look whether the server hung up */
	int idle_watched;       /* the caller polls the socket between requests (ts_db_watch_idle) */
	unsigned long opens;    /* connections opened so far: names the one in conn */
	unsigned int last_errno;
	char last_error[256];   /* the client's text for a failed connect */
	unsigned int limit_s;   /* the request timeout; 0: no deadline */
	struct timespec deadline; /* CLOCK_MONOTONIC, when limit_s > 0 */
	int deadline_logged;    /* this request's "deadline passed" line is written */
	struct ts_db_route route; /* a cluster's addresses: which one, which to pass over */
};

struct ts_db *
ts_db_new(const struct ts_config *cfg)
{
	struct ts_db *db = calloc(1, sizeof(*db));

	if (db != NULL)
		db->cfg = cfg;
	return db;
}

static void
db_close(struct ts_db *db)
{
	size_t i;

	for (i = 0; i < TS_SQL__COUNT; i++) {
		if (db->stmts[i] != NULL)
			mysql_stmt_close(db->stmts[i]);
		db->stmts[i] = NULL;
		ts_db_fetch_free(db->fetch[i]);
		db->fetch[i] = NULL;
	}
	if (db->conn != NULL)
		mysql_close(db->conn);
	db->conn = NULL;
	/* in_txn stays set: a transaction whose connection died must not carry
	 * on over a new one; only ts_db_transaction ends it. */
}

void
ts_db_free(struct ts_db *db)
{
	if (db == NULL)
		return;
	db_close(db);
	free(db);
}

unsigned int
ts_db_last_errno(const struct ts_db *db)
{
	return db->last_errno;
}

const char *
ts_db_connect_error(const struct ts_db *db)
{
	return db->last_error;
}

void
ts_db_set_deadline(struct ts_db *db, const struct timespec *start, unsigned int seconds)
{
	if (db == NULL)
		return;
	db->limit_s = seconds;
	db->deadline = *start;
	db->deadline.tv_sec += (time_t)seconds;
	db->deadline_logged = 0;
	db->check_idle = 1;
}

enum ts_db_status
ts_db_ping(struct ts_db *db)
{
	return ts_db_exec(db, TS_SQL_PING, NULL, 0, NULL, NULL);
}

int
ts_db_is_open(const struct ts_db *db)
{
	return db != NULL && db->conn != NULL;
}

static int
past_deadline(const struct ts_db *db)
{
	struct timespec now;

	if (db->limit_s == 0)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > db->deadline.tv_sec ||
	    (now.tv_sec == db->deadline.tv_sec && now.tv_nsec >= db->deadline.tv_nsec);
}

/* The answer once the deadline has passed; logged once a request. */
static enum ts_db_status
timed_out(struct ts_db *db, const char *why)
{
	if (!db->deadline_logged)
		ts_log(TS_LOG_WARN, "db: %s: the request's %u s deadline has passed", why, db->limit_s);
	db->deadline_logged = 1;
	return TS_DB_TIMEOUT;
}

static int
is_connection_error(unsigned int e)
{
	switch (e) {
	case CR_SERVER_GONE_ERROR:
	case CR_SERVER_LOST:
	case CR_CONNECTION_ERROR:
	case CR_CONN_HOST_ERROR:
	case CR_SERVER_LOST_EXTENDED:
	case ER_SERVER_SHUTDOWN_NO:
	case ER_WSREP_NOT_READY_NO:
	case ER_CONNECTION_KILLED_NO:
	case ER_CLIENT_INTERACTION_TIMEOUT_NO:
		return 1;
	default:
		return 0;
	}
}

/*
 * Maps an error number to a status; a lost connection is closed here so the
 * next use opens a new one. The error text goes to the log, never to a client.
 */
static enum ts_db_status
classify(struct ts_db *db, unsigned int e, const char *text, const char *what)
{
	db->last_errno = e;
	if (is_connection_error(e)) {
		struct timespec now;

		ts_log(TS_LOG_WARN, "db: connection lost during %s (%u)", what, e);
		clock_gettime(CLOCK_MONOTONIC, &now);
		ts_db_route_lost(&db->route, db->cfg, e, &now);
		db->lost = 1;
		db_close(db);
		return TS_DB_UNAVAILABLE;
	}
	if (e == ER_STATEMENT_TIMEOUT_NO || e == ER_QUERY_TIMEOUT_NO)
		return timed_out(db, "the server stopped a statement");
	/* A lock wait that ends past the deadline is not worth another try. */
	if (e == ER_LOCK_WAIT_TIMEOUT_NO && past_deadline(db))
		return timed_out(db, "a lock wait timed out");
	if (e == ER_LOCK_DEADLOCK_NO || e == ER_LOCK_WAIT_TIMEOUT_NO)
		return TS_DB_RETRY;
	if (e == ER_DUP_ENTRY_NO)
		return TS_DB_DUPLICATE;
	ts_log(TS_LOG_ERROR, "db: %s failed: %u %s", what, e, text != NULL ? text : "");
	return TS_DB_ERROR;
}

/*
 * Asks the server to stop any statement, and any lock wait, that outlasts
 * the request: one statement per connection, sent right after connecting.
 * MariaDB's max_statement_time covers every statement; MySQL's
 * max_execution_time only SELECTs, so writes rely on the lock wait limit.
 */
static int
set_session_limits(struct ts_db *db, MYSQL *m)
{
	const char *version = mysql_get_server_info(m);
	char sql[160];

	if (db->limit_s == 0)
		return 0;
	if (version != NULL && strstr(version, "MariaDB") != NULL)
		snprintf(sql, sizeof(sql), "SET SESSION max_statement_time = %u, "
		    "SESSION innodb_lock_wait_timeout = %u", db->limit_s, db->limit_s);
	else
		snprintf(sql, sizeof(sql), "SET SESSION max_execution_time = %lu, "
		    "SESSION innodb_lock_wait_timeout = %u", 1000UL * db->limit_s, db->limit_s);
	if (mysql_real_query(m, sql, strlen(sql)) != 0) {
		db->last_errno = mysql_errno(m);
		ts_log(TS_LOG_ERROR, "db: cannot set the statement time limit: %u %s",
		    db->last_errno, mysql_error(m));
		return -1;
	}
	return 0;
}

/*
 * Opens a connection to one server (host and port, or socket) into *out.
 * A cluster's connection only reads and writes for as long as the request
 * may take, so a node that froze answers 2013 and the worker moves on
 * before the master kills it (src/server.c).
 */
static enum ts_db_status
open_server(struct ts_db *db, const char *host, unsigned int port, const char *socket, MYSQL **out)
{
	const struct ts_config *c = db->cfg;
	unsigned int connect_timeout = TS_DB_CONNECT_TIMEOUT_SECONDS;
	unsigned int rw_timeout = c->db_nhosts > 0 && db->limit_s > 0 ? db->limit_s + 1 : TS_DB_RW_TIMEOUT_SECONDS;
	my_bool reconnect = 0;
	MYSQL *m;

	*out = NULL;
	m = mysql_init(NULL);
	if (m == NULL)
		return TS_DB_ERROR;
	mysql_options(m, MYSQL_OPT_RECONNECT, &reconnect);
	mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
	mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &rw_timeout);
	mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &rw_timeout);
	/* Every session speaks UTC and refuses to truncate data silently,
	 * and reports a SET of last_insert_id in the statement's OK packet
	 * (ts_db_tracked_insert_id). */
	mysql_options(m, MYSQL_INIT_COMMAND,
	    "SET SESSION time_zone = '+00:00', SESSION sql_mode = "
	    "'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', "
	    "SESSION session_track_system_variables = 'last_insert_id'");
	/* No CLIENT_MULTI_STATEMENTS: one statement per call, always. */
	if (mysql_real_connect(m, host, c->db_user, c->db_password, c->db_name, port, socket, 0) == NULL) {
		db->last_errno = mysql_errno(m);
		snprintf(db->last_error, sizeof(db->last_error), "%s", mysql_error(m));
		ts_log(TS_LOG_WARN, "db: cannot connect (%u)", db->last_errno);
		mysql_close(m);
		return TS_DB_UNAVAILABLE;
	}
	if (set_session_limits(db, m) != 0) {
		mysql_close(m);
		return is_connection_error(db->last_errno) ? TS_DB_UNAVAILABLE : TS_DB_ERROR;
	}
	*out = m;
	return TS_DB_OK;
}

/*
 * A cluster ([database] hosts): the addresses in the route's order
 * (src/db_hosts.c), the first that answers and is ready wins; one that
 * does not is passed over for a while. 503 only when none answers.
 */
static enum ts_db_status
open_cluster(struct ts_db *db, MYSQL **out)
{
	size_t order[TS_MAX_DB_HOSTS], n, k;
	enum ts_db_status st = TS_DB_UNAVAILABLE;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	n = ts_db_route_order(&db->route, db->cfg, &now, order);
	for (k = 0; k < n; k++) {
		const struct ts_db_host *h = &db->cfg->db_hosts[order[k]];

		st = open_server(db, h->host, h->port, NULL, out);
		if (st == TS_DB_OK && ts_db_node_ready(*out, &db->last_errno) != 0) {
			ts_log(TS_LOG_WARN, "db: %s:%u is not ready for use (%u)", h->host, h->port, db->last_errno);
			mysql_close(*out);
			*out = NULL;
			st = TS_DB_UNAVAILABLE;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (st == TS_DB_OK) {
			ts_db_route_up(&db->route, order[k], &now);
			if (order[k] != 0)
				ts_log(TS_LOG_WARN, "db: connected to %s:%u, not the first address", h->host, h->port);
			return TS_DB_OK;
		}
		ts_db_route_down(&db->route, order[k], &now);
	}
	return st;
}

enum ts_db_status
ts_db_connect(struct ts_db *db)
{
	const struct ts_config *c = db->cfg;
	enum ts_db_status st;
	MYSQL *m;

	if (db->conn != NULL)
		return TS_DB_OK;
	if (c->db_nhosts > 0)
		st = open_cluster(db, &m);
	else
		st = open_server(db, c->db_socket != NULL ? NULL : c->db_host, c->db_port, c->db_socket, &m);
	if (st != TS_DB_OK)
		return st;
	db->conn = m;
	db->opens++;
	db->lost = 0;
	return TS_DB_OK;
}

void
ts_db_watch_idle(struct ts_db *db)
{
	db->idle_watched = 1;
}

int
ts_db_idle_fd(const struct ts_db *db)
{
	return db != NULL && db->conn != NULL ? (int)mysql_get_socket(db->conn) : -1;
}

unsigned long
ts_db_idle_serial(const struct ts_db *db)
{
	return db != NULL ? db->opens : 0;
}

void
ts_db_hung_up(struct ts_db *db)
{
	if (db == NULL || db->conn == NULL)
		return;
	ts_log(TS_LOG_WARN, "db: the server closed the idle connection; opening a new one");
	db_close(db);
}

/*
 * At the first statement of a request: an idle connection has nothing to
 * read, so a readable one was closed by the server (a restart, a KILL,
 * wait_timeout) or holds its parting error. It is dropped before anything is
 * sent on it, and the statement goes to a new connection, whatever it is.
 * A watched connection was looked at by the caller's own wait (the worker's
 * poll), which costs no system call of its own.
 */
static void
drop_if_closed(struct ts_db *db)
{
	struct pollfd p;
	struct timespec now;

	if (!db->check_idle || db->conn == NULL)
		return;
	db->check_idle = 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (ts_db_route_fail_back(&db->route, db->cfg, &now)) {
		ts_log(TS_LOG_INFO, "db: going back to the first database address");
		db_close(db);
		return;
	}
	if (db->idle_watched)
		return;
	p.fd = (int)mysql_get_socket(db->conn);
	p.events = POLLIN;
	p.revents = 0;
	if (p.fd < 0 || poll(&p, 1, 0) <= 0)
		return;
	ts_log(TS_LOG_WARN, "db: the server closed the idle connection; opening a new one");
	db_close(db);
}

/*
 * The text to prepare for statement id. With sync_wait, a statement that
 * must see the caller's own writes waits for the node to catch up
 * (src/db_hosts.c), and one that begins its own transaction begins it so.
 * *to_free as for ts_db_causal_text.
 */
static const char *
statement_text(const struct ts_db *db, enum ts_sql id, char **to_free)
{
	const struct ts_sql_stmt *q = &ts_sql_table[id];

	*to_free = NULL;
	if (db->cfg->db_sync_wait && ts_sql_causal[id] != NULL)
		return ts_sql_causal[id];
	return ts_db_causal_text(db->cfg, q->text, (q->flags & TS_SQLF_CAUSAL) != 0, to_free);
}

static enum ts_db_status
prepared(struct ts_db *db, enum ts_sql id, MYSQL_STMT **out)
{
	MYSQL_STMT *s = db->stmts[id];

	if (s == NULL) {
		char *causal = NULL;
		const char *text = statement_text(db, id, &causal);

		if (text == NULL)
			return TS_DB_ERROR;
		s = mysql_stmt_init(db->conn);
		if (s == NULL) {
			free(causal);
			return classify(db, mysql_errno(db->conn), mysql_error(db->conn), "stmt_init");
		}
		if (mysql_stmt_prepare(s, text, strlen(text)) != 0) {
			unsigned int e = mysql_stmt_errno(s);
			char msg[256];
			snprintf(msg, sizeof(msg), "%s", mysql_stmt_error(s));
			mysql_stmt_close(s);
			free(causal);
			return classify(db, e, msg, "prepare");
		}
		free(causal);
		db->stmts[id] = s;
	}
	*out = s;
	return TS_DB_OK;
}

static enum ts_db_status
stmt_fail(struct ts_db *db, MYSQL_STMT *s, const char *what)
{
	/* Read the error before anything else touches the statement. A row
	 * read as it comes (src/db_fetch.c) that fails leaves its error on the
	 * connection only: a lost connection or a statement the server stopped
	 * midway is classified from there. */
	if (mysql_stmt_errno(s) == 0 && db->conn != NULL && mysql_errno(db->conn) != 0)
		return classify(db, mysql_errno(db->conn), mysql_error(db->conn), what);
	return classify(db, mysql_stmt_errno(s), mysql_stmt_error(s), what);
}

/*
 * Binds p to s. mysql_stmt_bind_param copies the MYSQL_BIND array but not
 * what its length pointers point at, which mysql_stmt_execute reads: b and
 * lens belong to the caller and must live until the statement has run.
 */
static enum ts_db_status
bind_params(struct ts_db *db, MYSQL_STMT *s, const struct ts_db_param *p, size_t n,
    MYSQL_BIND *b, unsigned long *lens)
{
	size_t i;

	if (n > TS_DB_MAX_PARAMS || mysql_stmt_param_count(s) != n) {
		ts_log(TS_LOG_ERROR, "db: statement expects %lu parameters, got %zu",
		    mysql_stmt_param_count(s), n);
		return TS_DB_ERROR;
	}
	if (n == 0)
		return TS_DB_OK;
	memset(b, 0, n * sizeof(*b));
	for (i = 0; i < n; i++) {
		switch (p[i].type) {
		case TS_DBP_NULL:
			b[i].buffer_type = MYSQL_TYPE_NULL;
			break;
		case TS_DBP_INT:
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = (void *)(uintptr_t)&p[i].i;
			break;
		case TS_DBP_STR:
		case TS_DBP_BLOB:
			b[i].buffer_type = p[i].type == TS_DBP_STR ? MYSQL_TYPE_STRING : MYSQL_TYPE_BLOB;
			b[i].buffer = (void *)(uintptr_t)p[i].data;
			b[i].buffer_length = p[i].len;
			lens[i] = p[i].len;
			b[i].length = &lens[i];
			break;
		}
	}
	if (mysql_stmt_bind_param(s, b) != 0)
		return stmt_fail(db, s, "bind");
	return TS_DB_OK;
}

/*
 * The results after a statement's first, read and dropped: a compound
 * statement (BEGIN NOT ATOMIC ... END) sends the result of each SELECT in
 * it, then its own answer, an OK packet. Only then is the connection ready
 * for the next statement. An error among them is the statement's: it
 * failed after its first result.
 */
static enum ts_db_status
rest_of_results(struct ts_db *db, MYSQL_STMT *s)
{
	int rc;

	while (mysql_stmt_more_results(s)) {
		if ((rc = mysql_stmt_next_result(s)) > 0)
			return stmt_fail(db, s, "next result");
		if (rc < 0)
			break;
		mysql_stmt_free_result(s);
	}
	return TS_DB_OK;
}

/* Fetches the whole (first) result set of an executed statement into out. */
static enum ts_db_status
fetch_all(struct ts_db *db, enum ts_sql id, MYSQL_STMT *s, struct ts_db_rows *out)
{
	enum ts_db_fetch_status fs = ts_db_fetch_all(&db->fetch[id], s, out);
	enum ts_db_status st = TS_DB_OK, rest;

	if (fs == TS_DB_FETCH_CLIENT_ERROR)
		st = stmt_fail(db, s, "fetch");
	else if (fs != TS_DB_FETCH_OK)
		st = TS_DB_ERROR;
	/* Whatever is left of the result is read and dropped: the connection
	 * is ready for the next statement (unless classify closed it). */
	if (db->conn == NULL)
		return st;
	mysql_stmt_free_result(s);
	if ((rest = rest_of_results(db, s)) != TS_DB_OK && st == TS_DB_OK) {
		ts_db_rows_free(out);
		st = rest;
	}
	return st;
}

static enum ts_db_status
exec_once(struct ts_db *db, enum ts_sql id, const struct ts_db_param *params, size_t n,
    struct ts_db_rows *out, unsigned long long *affected)
{
	MYSQL_BIND binds[TS_DB_MAX_PARAMS];
	unsigned long lens[TS_DB_MAX_PARAMS];
	MYSQL_STMT *s = NULL;
	enum ts_db_status st;

	/* Inside a transaction whose connection died, every statement fails
	 * until the transaction is rerun: no silent autocommit on a new one. */
	if (db->in_txn && db->conn == NULL)
		return TS_DB_UNAVAILABLE;
	/* Until it is executed, the statement has not run, whatever fails. */
	db->unsent = 1;
	if (!db->in_txn)
		drop_if_closed(db);
	if ((st = ts_db_connect(db)) != TS_DB_OK)
		return st;
	if ((st = prepared(db, id, &s)) != TS_DB_OK)
		return st;
	if ((st = bind_params(db, s, params, n, binds, lens)) != TS_DB_OK)
		return st;
	db->unsent = 0;
	if (mysql_stmt_execute(s) != 0) {
		/* Connector/C says 2006 when it could not send the command (a
		 * connection lost after sending is 2013): it never ran. Nor did
		 * one a Galera node refused as not ready (1047). */
		db->unsent = mysql_stmt_errno(s) == CR_SERVER_GONE_ERROR ||
		    mysql_stmt_errno(s) == ER_WSREP_NOT_READY_NO;
		return stmt_fail(db, s, "execute");
	}
	if (affected != NULL)
		*affected = mysql_stmt_affected_rows(s);
	if (out != NULL)
		return fetch_all(db, id, s, out);
	mysql_stmt_free_result(s);
	return rest_of_results(db, s);
}

enum ts_db_status
ts_db_exec(struct ts_db *db, enum ts_sql id, const struct ts_db_param *params,
    size_t nparams, struct ts_db_rows *out, unsigned long long *affected)
{
	enum ts_db_status st;
	int in_txn = db->in_txn;

	if (past_deadline(db))
		return timed_out(db, "statement not started");
	db->lost = 0;
	st = exec_once(db, id, params, nparams, out, affected);
	/* A connection that died between requests (server restart, KILL, idle
	 * timeout) is reopened once for a statement that never reached the
	 * server, and for one that is safe to repeat. */
	if (st == TS_DB_UNAVAILABLE && db->lost && !in_txn &&
	    (db->unsent || (ts_sql_table[id].flags & TS_SQLF_REPEATABLE)))
		st = exec_once(db, id, params, nparams, out, affected);
	return st;
}

static void
backoff(int attempt)
{
	/* 2, 4, 8 ... ms plus up to as much jitter, so racing writers spread out. */
	long ms = 1L << (attempt < 6 ? attempt : 6);
	struct timespec ts;

	ms += rand() % (ms + 1);
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
}

static enum ts_db_status
begin(struct ts_db *db)
{
	/* With sync_wait, causal: the transaction sees every write the
	 * cluster acknowledged before it began (src/db_hosts.c). */
	const char *start = ts_db_begin_text(db->cfg);
	enum ts_db_status st;

	drop_if_closed(db);
	if ((st = ts_db_connect(db)) != TS_DB_OK)
		return st;
	if (mysql_real_query(db->conn, start, strlen(start)) != 0)
		return classify(db, mysql_errno(db->conn), mysql_error(db->conn), "begin");
	db->in_txn = 1;
	return TS_DB_OK;
}

static void
rollback(struct ts_db *db)
{
	if (db->conn != NULL)
		mysql_rollback(db->conn);
	db->in_txn = 0;
}

/*
 * One run of a transaction: START TRANSACTION, fn, COMMIT. *settled: the
 * connection died during COMMIT, so the outcome is unknown and the
 * transaction must never run again.
 */
static enum ts_db_status
run_begun(struct ts_db *db, ts_db_txn_fn fn, void *arg, int *settled)
{
	enum ts_db_status st;

	if ((st = begin(db)) != TS_DB_OK || (st = fn(db, arg)) != TS_DB_OK)
		return st;
	/* COMMIT is inside the retry: Galera reports conflicts here. */
	if (mysql_commit(db->conn) == 0) {
		db->in_txn = 0;
		return TS_DB_OK;
	}
	st = classify(db, mysql_errno(db->conn), mysql_error(db->conn), "commit");
	*settled = st == TS_DB_UNAVAILABLE;
	return st;
}

/*
 * Runs a transaction until it commits, fails for good or gives up: fn
 * between START TRANSACTION and COMMIT (begun), or fn alone, whose one
 * statement is the whole transaction.
 */
static enum ts_db_status
run_transaction(struct ts_db *db, ts_db_txn_fn fn, void *arg, int begun)
{
	enum ts_db_status st = TS_DB_ERROR;
	int attempt;

	for (attempt = 1; attempt <= TS_DB_MAX_TXN_ATTEMPTS; attempt++) {
		int settled = 0;

		/* Work the client has stopped waiting for is not started again. */
		if (past_deadline(db))
			return timed_out(db, "transaction not started");
		db->lost = 0;
		db->in_txn = 0;
		st = begun ? run_begun(db, fn, arg, &settled) : fn(db, arg);
		if (st == TS_DB_OK || settled)
			return st;
		/* The error was read above; only now may ROLLBACK clear it. A
		 * statement that is a whole transaction rolls back by itself on
		 * an error it sees, but not when the server stopped it. */
		rollback(db);
		/* A connection lost before COMMIT took the transaction with it:
		 * run it again; so is a statement that is a whole transaction
		 * and never reached the server, or that a Galera node refused
		 * (1047). Lost once sent, it may have committed: never. */
		if (st == TS_DB_RETRY || (st == TS_DB_UNAVAILABLE && db->lost && (begun || db->unsent))) {
			backoff(attempt);
			continue;
		}
		return st;
	}
	ts_log(TS_LOG_WARN, "db: transaction gave up after %d attempts", TS_DB_MAX_TXN_ATTEMPTS);
	return st == TS_DB_RETRY ? TS_DB_UNAVAILABLE : st;
}

enum ts_db_status
ts_db_transaction(struct ts_db *db, ts_db_txn_fn fn, void *arg)
{
	return run_transaction(db, fn, arg, 1);
}

enum ts_db_status
ts_db_transaction_statement(struct ts_db *db, ts_db_txn_fn fn, void *arg)
{
	return run_transaction(db, fn, arg, 0);
}

enum ts_db_status
ts_db_exec_trusted(struct ts_db *db, const char *sql)
{
	enum ts_db_status st;
	MYSQL_RES *r;

	if ((st = ts_db_connect(db)) != TS_DB_OK)
		return st;
	if (mysql_real_query(db->conn, sql, strlen(sql)) != 0)
		return classify(db, mysql_errno(db->conn), mysql_error(db->conn), "migration statement");
	r = mysql_store_result(db->conn);
	if (r != NULL)
		mysql_free_result(r);
	return TS_DB_OK;
}

unsigned long long
ts_db_insert_id(const struct ts_db *db, enum ts_sql id)
{
	return db->stmts[id] != NULL ? (unsigned long long)mysql_stmt_insert_id(db->stmts[id]) : 0;
}

int
ts_db_tracked_insert_id(struct ts_db *db, unsigned long long *v)
{
	const char *data;
	size_t len;
	int is_name = 1, ours = 0;
	char text[24];
	char *end;

	if (db->conn == NULL ||
	    mysql_session_track_get_first(db->conn, SESSION_TRACK_SYSTEM_VARIABLES, &data, &len) != 0)
		return -1;
	/* name, value, name, value ... */
	do {
		if (is_name) {
			ours = len == strlen("last_insert_id") && memcmp(data, "last_insert_id", len) == 0;
		} else if (ours) {
			if (len == 0 || len >= sizeof(text))
				return -1;
			memcpy(text, data, len);
			text[len] = '\0';
			errno = 0;
			*v = strtoull(text, &end, 10);
			return errno != 0 || *end != '\0' || text[0] < '0' || text[0] > '9' ? -1 : 0;
		}
		is_name = !is_name;
	} while (mysql_session_track_get_next(db->conn, SESSION_TRACK_SYSTEM_VARIABLES, &data, &len) == 0);
	return -1;
}

void
ts_db_rows_free(struct ts_db_rows *rows)
{
	if (rows == NULL)
		return;
	free(rows->text);
	free(rows->cells);
	memset(rows, 0, sizeof(*rows));
}
