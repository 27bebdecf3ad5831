/*
 * The database layer against a real MariaDB (the one scripts/test starts;
 * its configuration comes from $TS_CONFIG). Each test is one trap of the
 * MariaDB client closed: lost connections, truncated columns, utf8mb4,
 * lock wait timeouts, transactions rerun whole; and the one-statement
 * create (src/message_store.c) against the general transaction.
 */
#include <check.h>
#include <mysql.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "ids.h"
#include "message_input.h"
#include "message_store.h"
#include "settings_store.h"

static struct ts_config cfg;
static struct ts_db *db;

static void
setup(void)
{
	char err[512];
	const char *path = getenv("TS_CONFIG");

	ck_assert_msg(path != NULL, "TS_CONFIG must name the test configuration");
	ck_assert_msg(ts_config_load(path, &cfg, err, sizeof(err)) == TS_CONFIG_OK, "%s", err);
	db = ts_db_new(&cfg);
	ck_assert_ptr_nonnull(db);
}

static void
teardown(void)
{
	ts_db_free(db);
	ts_config_free(&cfg);
}

/*
 * A second, independent connection: the "other client" of each test. As the
 * database's administrator (root over the socket, as scripts/test sets it
 * up) when admin, since KILL of another user's thread and SET GLOBAL need it.
 */
static MYSQL *
side_connection_as(int admin)
{
	MYSQL *m = mysql_init(NULL);
	const char *user = admin ? "root" : cfg.db_user;
	const char *pw = admin ? getenv("TS_DB_ROOT_PASSWORD") : cfg.db_password;

	ck_assert_ptr_nonnull(m);
	mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	ck_assert_msg(mysql_real_connect(m, cfg.db_socket != NULL ? NULL : cfg.db_host, user,
	    pw, cfg.db_name, cfg.db_port, cfg.db_socket, 0) != NULL,
	    "side connection as %s: %s", user, mysql_error(m));
	return m;
}

static MYSQL *
side_connection(void)
{
	return side_connection_as(0);
}

static void
side_query(MYSQL *m, const char *sql)
{
	ck_assert_msg(mysql_real_query(m, sql, strlen(sql)) == 0, "%s: %s", sql, mysql_error(m));
}

static unsigned long
connection_id(void)
{
	struct ts_db_rows r;
	unsigned long id;

	ck_assert_int_eq(ts_db_exec(db, TS_SQL_CONNECTION_ID, NULL, 0, &r, NULL), TS_DB_OK);
	ck_assert_int_eq(r.nrows, 1);
	id = strtoul(ts_db_cell(&r, 0, 0)->data, NULL, 10);
	ts_db_rows_free(&r);
	return id;
}

static void
kill_connection(unsigned long id)
{
	MYSQL *m = side_connection_as(1);
	char sql[64];

	snprintf(sql, sizeof(sql), "KILL %lu", id);
	side_query(m, sql);
	mysql_close(m);
}

START_TEST(test_killed_connection_is_reopened_for_the_next_statement)
{
	unsigned long before = connection_id(), after;

	kill_connection(before);
	/* A repeatable statement survives: reconnect, prepare again, run. */
	after = connection_id();
	ck_assert_uint_ne(before, after);
	ck_assert_int_eq(ts_db_exec(db, TS_SQL_PING, NULL, 0, NULL, NULL), TS_DB_OK);
}
END_TEST

START_TEST(test_connect_failure_is_unavailable_not_error)
{
	struct ts_config bad = cfg;
	struct ts_db *d;

	bad.db_socket = (char *)(uintptr_t)"/nonexistent/mysqld.sock";
	bad.db_host = NULL;
	d = ts_db_new(&bad);
	ck_assert_int_eq(ts_db_exec(d, TS_SQL_PING, NULL, 0, NULL, NULL), TS_DB_UNAVAILABLE);
	ts_db_free(d);
}
END_TEST

/* Both a long value (beyond the first fetch buffer) and 4-byte UTF-8. */
START_TEST(test_long_utf8mb4_value_round_trips_whole)
{
	static const char name[] = "test_long_value";
	char value[256];
	struct ts_db_param p[3];
	struct ts_db_rows r;
	size_t i, n = 0;

	/* 60 emoji of 4 bytes: 240 bytes, past the 64-byte initial buffer. */
	for (i = 0; i < 60; i++) {
		memcpy(value + n, "\xF0\x9F\x98\x80", 4);
		n += 4;
	}
	value[n] = '\0';
	p[0] = ts_p_str(name, strlen(name));
	p[1] = ts_p_str(value, n);
	p[2] = ts_p_str(value, n);
	ck_assert_int_eq(ts_db_exec(db, TS_SQL_SETTING_PUT, p, 3, NULL, NULL), TS_DB_OK);
	ck_assert_int_eq(ts_db_exec(db, TS_SQL_SETTING_GET, p, 1, &r, NULL), TS_DB_OK);
	ck_assert_int_eq(r.nrows, 1);
	ck_assert_uint_eq(ts_db_cell(&r, 0, 0)->len, n);
	ck_assert_mem_eq(ts_db_cell(&r, 0, 0)->data, value, n);
	ts_db_rows_free(&r);
	ck_assert_int_eq(ts_db_exec_trusted(db, "DELETE FROM system_settings WHERE name = 'test_long_value'"),
	    TS_DB_OK);
}
END_TEST

struct txn_probe {
	int calls;
	unsigned long kill_id;
};

/* First attempt: our connection is killed mid-transaction; the rerun succeeds. */
static enum ts_db_status
killed_once(struct ts_db *d, void *arg)
{
	struct txn_probe *probe = arg;

	probe->calls++;
	if (probe->calls == 1)
		kill_connection(probe->kill_id);
	return ts_settings_set_public_sharing(d, 0);
}

START_TEST(test_transaction_is_rerun_whole_after_a_lost_connection)
{
	struct txn_probe probe = { 0, 0 };

	probe.kill_id = connection_id();
	ck_assert_int_eq(ts_db_transaction(db, killed_once, &probe), TS_DB_OK);
	ck_assert_int_eq(probe.calls, 2);
}
END_TEST

static enum ts_db_status
deadlock_once(struct ts_db *d, void *arg)
{
	int *calls = arg;

	(*calls)++;
	if (*calls == 1)
		return TS_DB_RETRY;     /* what a deadlock (1213) classifies as */
	return ts_settings_set_public_sharing(d, 0);
}

START_TEST(test_retry_status_reruns_the_transaction)
{
	int calls = 0;

	ck_assert_int_eq(ts_db_transaction(db, deadlock_once, &calls), TS_DB_OK);
	ck_assert_int_eq(calls, 2);
}
END_TEST

struct holder {
	MYSQL *m;
};

static void *
release_later(void *arg)
{
	struct holder *h = arg;

	sleep(2);
	mysql_query(h->m, "COMMIT");
	return NULL;
}

static enum ts_db_status
write_flag(struct ts_db *d, void *arg)
{
	int *calls = arg;

	(*calls)++;
	return ts_settings_set_public_sharing(d, 1);
}

START_TEST(test_lock_wait_timeout_is_rolled_back_and_retried)
{
	struct holder h;
	pthread_t t;
	int calls = 0, on = 0;
	MYSQL *admin = side_connection_as(1);

	/* New sessions wait 1 s for a lock; ours connects after this. */
	side_query(admin, "SET GLOBAL innodb_lock_wait_timeout = 1");
	ts_db_free(db);
	db = ts_db_new(&cfg);
	h.m = side_connection();
	side_query(h.m, "INSERT INTO system_settings (name, value, updated_at) VALUES "
	    "('public_sharing', 'false', UTC_TIMESTAMP(3)) ON DUPLICATE KEY UPDATE value = 'false'");
	side_query(h.m, "START TRANSACTION");
	side_query(h.m, "SELECT value FROM system_settings WHERE name = 'public_sharing' FOR UPDATE");
	mysql_free_result(mysql_store_result(h.m));
	pthread_create(&t, NULL, release_later, &h);
	ck_assert_int_eq(ts_db_transaction(db, write_flag, &calls), TS_DB_OK);
	pthread_join(t, NULL);
	ck_assert_int_ge(calls, 2);
	ck_assert_int_eq(ts_settings_get_public_sharing(db, &on), TS_DB_OK);
	ck_assert_int_eq(on, 1);
	ck_assert_int_eq(ts_settings_set_public_sharing(db, 0), TS_DB_OK);
	side_query(admin, "SET GLOBAL innodb_lock_wait_timeout = 50");
	mysql_close(h.m);
	mysql_close(admin);
}
END_TEST

START_TEST(test_connection_is_utf8mb4_and_utc)
{
	struct ts_db_rows r;

	/* The server may default to latin1 and the system time zone; our session must not. */
	ck_assert_int_eq(ts_db_exec(db, TS_SQL_SESSION_INFO, NULL, 0, &r, NULL), TS_DB_OK);
	ck_assert_str_eq(ts_db_cell(&r, 0, 0)->data, "utf8mb4");
	ck_assert_str_eq(ts_db_cell(&r, 0, 1)->data, "+00:00");
	ts_db_rows_free(&r);
}
END_TEST

/*
 * The oracle for fetched values: the same statement run by the server over
 * the text protocol (PREPARE ... EXECUTE USING), whose values the server
 * formats itself. Every cell of r must be that text byte for byte, NULL
 * where it is NULL: integers, DATETIME(3) with its fractional digits,
 * binary ids, empty strings and long values alike.
 */
static void
assert_rows_are_server_text(const struct ts_db_rows *r, enum ts_sql id, const char *set_vars,
    const char *using)
{
	const char *text = ts_sql_table[id].text;
	MYSQL *m = side_connection();
	char *sql = malloc(2 * strlen(text) + 64);
	MYSQL_RES *res;
	MYSQL_ROW row;
	size_t i = 0, c;

	ck_assert_ptr_nonnull(sql);
	memcpy(sql, "PREPARE s FROM '", 16);
	mysql_real_escape_string(m, sql + 16, text, strlen(text));
	strcat(sql, "'");
	side_query(m, sql);
	free(sql);
	side_query(m, set_vars);
	side_query(m, using);
	res = mysql_store_result(m);
	ck_assert_ptr_nonnull(res);
	ck_assert_uint_eq(mysql_num_fields(res), r->ncols);
	ck_assert_uint_eq(mysql_num_rows(res), r->nrows);
	while ((row = mysql_fetch_row(res)) != NULL) {
		const unsigned long *lens = mysql_fetch_lengths(res);

		for (c = 0; c < r->ncols; c++) {
			const struct ts_db_cell *cell = ts_db_cell(r, i, c);

			if (row[c] == NULL) {
				ck_assert_msg(cell->data == NULL, "row %zu column %zu: NULL expected", i, c);
				continue;
			}
			ck_assert_msg(cell->data != NULL, "row %zu column %zu: a value expected", i, c);
			ck_assert_msg(cell->len == lens[c], "row %zu column %zu: %lu bytes, not %lu",
			    i, c, cell->len, lens[c]);
			ck_assert_msg(memcmp(cell->data, row[c], lens[c]) == 0 && cell->data[lens[c]] == '\0',
			    "row %zu column %zu: other bytes than the server's text", i, c);
		}
		i++;
	}
	mysql_free_result(res);
	mysql_close(m);
}

/* The thread of test_fetched_cells_are_the_servers_text, as 16 bytes and hex. */
static const char fetch_thread[16] = "\x7e\x57\xda\x7a\x00\x00\x40\x00\x80\x00\x00\x00\x00\x00\x00\xf1";
#define FETCH_THREAD_HEX "7e57da7a0000400080000000000000f1"

/* Reads the messages of the test thread by one range statement; n: LIMIT. */
static void
read_range(enum ts_sql id, long long n, struct ts_db_rows *r)
{
	struct ts_db_param p[5];

	p[0] = ts_p_blob(fetch_thread, 16);
	p[1] = ts_p_int(0);
	/* hi past every seq, 2^64 - 1: as text, since an int parameter is signed */
	p[2] = ts_p_str("18446744073709551615", 20);
	p[3] = ts_p_int(n);
	p[4] = ts_p_int(0);
	ck_assert_int_eq(ts_db_exec(db, id, p, 5, r, NULL), TS_DB_OK);
}

static void
assert_range_is_server_text(enum ts_sql id, long long n)
{
	struct ts_db_rows r;
	char using[160];

	read_range(id, n, &r);
	snprintf(using, sizeof(using), "SET @t = UNHEX('%s'), @lo = 0, @hi = '18446744073709551615', @n = %lld, @o = 0",
	    FETCH_THREAD_HEX, n);
	assert_rows_are_server_text(&r, id, using, "EXECUTE s USING @t, @lo, @hi, @n, @o");
	ts_db_rows_free(&r);
}

/*
 * Messages whose values push every column's fetch: a 1.5 MiB text and
 * 200,000 two-byte characters (longer than any earlier buffer, after a short
 * row and before one), empty strings beside NULLs, integer maxima, DATETIME(3)
 * values with zeros in their fractional digits. Read in both orders, a short
 * result first, then again: each cell is the server's text.
 */
START_TEST(test_fetched_cells_are_the_servers_text)
{
	ck_assert_int_eq(ts_db_exec_trusted(db, "DELETE FROM messages WHERE thread_id = UNHEX('"
	    FETCH_THREAD_HEX "')"), TS_DB_OK);
	ck_assert_int_eq(ts_db_exec_trusted(db, "INSERT INTO messages (thread_id, seq, id, role, "
	    "content_text, content_extra, details, metadata, attachments, parent_message_id, run_id, "
	    "assistant_id, model, source, tool_call_id, tool_name, tool_calls, token_count, prompt_tokens, "
	    "completion_tokens, latency_ms, comparison_id, created_at, updated_at, item) VALUES "
	    "(UNHEX('" FETCH_THREAD_HEX "'), 1, UNHEX('7e57da7a000040008000000000000001'), 0, 'a', "
	    "NULL, NULL, '{}', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
	    "NULL, NULL, '2026-01-02 03:04:05.000', '2026-01-02 03:04:05.007', NULL), "
	    "(UNHEX('" FETCH_THREAD_HEX "'), 2, UNHEX('7e57da7a000040008000000000000002'), 1, "
	    "REPEAT('x', 1572864), '{\"citations\":[]}', REPEAT('\xC3\xA9', 200000), '{\"k\":\"v\"}', '[]', "
	    "UNHEX('7e57da7a000040008000000000000001'), '', '', '', '', '', '', '[]', 4294967295, 0, 1, "
	    "4294967295, '', '2026-12-31 23:59:59.999', '2026-12-31 23:59:59.090', '{}'), "
	    "(UNHEX('" FETCH_THREAD_HEX "'), 3, UNHEX('7e57da7a000040008000000000000003'), 2, '', "
	    "'', '', '', '', UNHEX('00000000000000000000000000000000'), 'run-1 ', 'asst', 'model', "
	    "'src', 'call', 'tool', '', 0, NULL, 0, NULL, 'cmp', '1970-01-01 00:00:01.500', "
	    "'1970-01-01 00:00:01.050', ''), "
	    "(UNHEX('" FETCH_THREAD_HEX "'), 18446744073709551614, UNHEX('7e57da7a000040008000000000000004'), "
	    "255, '\xF0\x9F\x98\x80', NULL, REPEAT('y', 70000), '{}', NULL, NULL, NULL, NULL, NULL, NULL, "
	    "NULL, NULL, NULL, 7, 8, 9, 10, NULL, '9999-12-31 23:59:59.999', '2000-02-29 12:00:00.001', NULL)"),
	    TS_DB_OK);
	assert_range_is_server_text(TS_SQL_RANGE_UP, 1);
	assert_range_is_server_text(TS_SQL_RANGE_UP, 10);
	assert_range_is_server_text(TS_SQL_RANGE_DOWN, 10);
	assert_range_is_server_text(TS_SQL_RANGE_DOWN, 1);
	assert_range_is_server_text(TS_SQL_RANGE_UP, 10);
	ck_assert_int_eq(ts_db_exec_trusted(db, "DELETE FROM messages WHERE thread_id = UNHEX('"
	    FETCH_THREAD_HEX "')"), TS_DB_OK);
}
END_TEST

/* The killer of test_connection_killed_while_rows_stream: KILLs id once it runs a statement. */
struct stream_killer {
	unsigned long id;
	int killed;
};

static void *
kill_while_executing(void *arg)
{
	struct stream_killer *k = arg;
	MYSQL *m = side_connection_as(1);
	char sql[160];
	int i;

	snprintf(sql, sizeof(sql), "SELECT 1 FROM information_schema.PROCESSLIST WHERE ID = %lu "
	    "AND COMMAND = 'Execute'", k->id);
	for (i = 0; i < 10000 && !k->killed; i++) {
		MYSQL_RES *r;

		side_query(m, sql);
		r = mysql_store_result(m);
		if (r != NULL && mysql_num_rows(r) > 0) {
			snprintf(sql, sizeof(sql), "KILL %lu", k->id);
			side_query(m, sql);
			k->killed = 1;
		}
		mysql_free_result(r);
		if (!k->killed)
			usleep(200);
	}
	mysql_close(m);
	return NULL;
}

/*
 * Rows are read as they come: a connection killed while a result streams
 * fails in mysql_stmt_fetch, with the error on the connection, not the
 * statement. That must still read as a lost connection (2013 or 1927),
 * so the read, safe to repeat, runs again on a new connection and comes
 * back whole, and never as an unknown error (a 500).
 */
START_TEST(test_connection_killed_while_rows_stream_is_reopened_and_read_again)
{
	struct stream_killer k = { 0, 0 };
	struct ts_db_rows r;
	pthread_t t;
	size_t i;

	ck_assert_int_eq(ts_db_exec_trusted(db, "DELETE FROM messages WHERE thread_id = UNHEX('"
	    FETCH_THREAD_HEX "')"), TS_DB_OK);
	/* 32 rows of 1 MiB: the server is still sending when the killer looks. */
	for (i = 0; i < 32; i++) {
		char sql[512];

		snprintf(sql, sizeof(sql), "INSERT INTO messages (thread_id, seq, id, role, content_text, "
		    "metadata, created_at, updated_at) VALUES (UNHEX('" FETCH_THREAD_HEX "'), %zu, "
		    "UNHEX('7e57da7a0000400080000000000001%02zx'), 0, REPEAT('k', 1048576), '{}', "
		    "'2026-01-01 00:00:00.000', '2026-01-01 00:00:00.000')", i + 1, i);
		ck_assert_int_eq(ts_db_exec_trusted(db, sql), TS_DB_OK);
	}
	k.id = connection_id();
	pthread_create(&t, NULL, kill_while_executing, &k);
	read_range(TS_SQL_RANGE_UP, 100, &r);
	pthread_join(t, NULL);
	ck_assert_msg(k.killed, "the statement was never seen running");
	ck_assert_uint_eq(r.nrows, 32);
	for (i = 0; i < r.nrows; i++)
		ck_assert_uint_eq(ts_db_cell(&r, i, 4)->len, 1048576);
	ts_db_rows_free(&r);
	ck_assert_uint_ne(connection_id(), k.id);
	ck_assert_int_eq(ts_db_exec_trusted(db, "DELETE FROM messages WHERE thread_id = UNHEX('"
	    FETCH_THREAD_HEX "')"), TS_DB_OK);
}
END_TEST

/* ---- The one-statement create (TS_SQL_MESSAGE_CREATE_ONE) ---- */

#define CREATE_OWNER "itest-create-owner"
/* Threads of these tests: ...a1 to ...a4, as hex. */
#define CREATE_THREAD_HEX(n) "7e57da7a0000400080000000000000a" #n

/* One text value of the side connection's query (the first row's first
 * column), as a new string; "NULL" for SQL NULL, "" when there is no row. */
static char *
side_value(MYSQL *m, const char *sql)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	char *v;

	side_query(m, sql);
	res = mysql_store_result(m);
	ck_assert_ptr_nonnull(res);
	row = mysql_fetch_row(res);
	v = strdup(row == NULL ? "" : row[0] != NULL ? row[0] : "NULL");
	mysql_free_result(res);
	ck_assert_ptr_nonnull(v);
	return v;
}

/* Asserts that the side connection's query gives want. */
static void
assert_side_value(MYSQL *m, const char *sql, const char *want)
{
	char *v = side_value(m, sql);

	ck_assert_msg(strcmp(v, want) == 0, "%s: \"%s\", not \"%s\"", sql, v, want);
	free(v);
}

/* A new empty thread of owner with id (hex), its messages gone. */
static void
fresh_thread(MYSQL *m, const char *hex, const char *owner)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "DELETE FROM messages WHERE thread_id = UNHEX('%s')", hex);
	side_query(m, sql);
	snprintf(sql, sizeof(sql), "DELETE FROM threads WHERE id = UNHEX('%s')", hex);
	side_query(m, sql);
	snprintf(sql, sizeof(sql), "INSERT INTO threads (id, owner_id, metadata, created_at, updated_at) "
	    "VALUES (UNHEX('%s'), '%s', '{}', '2026-01-01 00:00:00.000', '2026-01-01 00:00:00.000')", hex, owner);
	side_query(m, sql);
}

static void
hex_id(const char *hex, uuid_t out)
{
	size_t i;

	for (i = 0; i < 16; i++) {
		char two[3] = { hex[2 * i], hex[2 * i + 1], '\0' };

		out[i] = (unsigned char)strtoul(two, NULL, 16);
	}
}

/* Every field a create can set, so each column is compared. */
static const char full_body[] = "{\"role\": \"assistant\", "
	"\"content\": {\"text\": \"h\\u00e9 \\ud83d\\ude00\", \"is_error\": true}, "
	"\"metadata\": {\"k\": \"v\"}, \"details\": {\"d\": [1, 2]}, \"attachments\": [{\"a\": 1}], "
	"\"run_id\": \"run-1\", \"assistant_id\": \"asst\", \"model\": \"m-1\", \"source\": \"src\", "
	"\"tool_call_id\": \"call-1\", \"tool_name\": \"tool\", \"tool_calls\": [{\"id\": \"x\"}], "
	"\"token_count\": 5, \"prompt_tokens\": 6, \"completion_tokens\": 7, \"latency_ms\": 8, "
	"\"comparison_id\": \"cmp-1\"}";

/* One message to create from a JSON body; free with create_done. */
struct one_create {
	struct json_object *body;
	struct ts_message_input in;
	uuid_t id;
	int existing;
	long long seq;
	uuid_t tid;
	struct ts_create c;
};

static void
create_init(struct one_create *o, const char *hex, const char *owner, const char *body)
{
	struct ts_problem pr;

	memset(o, 0, sizeof(*o));
	ts_problem_init(&pr);
	o->body = json_tokener_parse(body);
	ck_assert_ptr_nonnull(o->body);
	ck_assert_int_eq(ts_message_parse(&pr, o->body, &o->in), 0);
	ts_problem_free(&pr);
	hex_id(hex, o->tid);
	o->c.thread_id = o->tid;
	o->c.owner = owner;
	o->c.items = &o->in;
	o->c.n = 1;
	o->c.ids = &o->id;
	o->c.existing = &o->existing;
	o->c.seqs = &o->seq;
}

static void
create_done(struct one_create *o)
{
	ts_message_input_free(&o->in);
	json_object_put(o->body);
}

/* The general transaction alone, as a create with a lookup would run it. */
static enum ts_db_status
general_create(struct ts_db *d, void *arg)
{
	return ts_messages_create_txn(d, arg);
}

/* A thread's counters and its messages' columns but ids and times, as text;
 * then whether every time is the one given. */
static char *
thread_state(MYSQL *m, const char *hex)
{
	char sql[1024];

	snprintf(sql, sizeof(sql), "SELECT CONCAT_WS('|', last_seq, message_count, user_count, assistant_count, "
	    "system_count, tool_count, (SELECT GROUP_CONCAT(CONCAT_WS(',', seq, role, QUOTE(content_text), "
	    "QUOTE(content_extra), QUOTE(details), QUOTE(metadata), QUOTE(attachments), "
	    "QUOTE(parent_message_id), QUOTE(run_id), QUOTE(assistant_id), QUOTE(model), QUOTE(source), "
	    "QUOTE(tool_call_id), QUOTE(tool_name), QUOTE(tool_calls), QUOTE(token_count), "
	    "QUOTE(prompt_tokens), QUOTE(completion_tokens), QUOTE(latency_ms), QUOTE(comparison_id), "
	    "QUOTE(item)) ORDER BY seq SEPARATOR ';') FROM messages WHERE thread_id = threads.id)) "
	    "FROM threads WHERE id = UNHEX('%s')", hex);
	return side_value(m, sql);
}

/* Message seq of thread hex has id and was created and updated at now, the
 * thread's newest message then. */
static void
assert_created(MYSQL *m, const char *hex, long long seq, const uuid_t id, const char *now)
{
	char sql[512], want[160];

	snprintf(sql, sizeof(sql), "SELECT CONCAT_WS('|', LOWER(HEX(m.id)), m.created_at, m.updated_at, "
	    "t.last_message_at, t.updated_at) FROM messages m JOIN threads t ON t.id = m.thread_id "
	    "WHERE m.thread_id = UNHEX('%s') AND m.seq = %lld", hex, seq);
	snprintf(want, sizeof(want), "%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x|%s|%s|%s|%s",
	    id[0], id[1], id[2], id[3], id[4], id[5], id[6], id[7], id[8], id[9], id[10], id[11], id[12], id[13],
	    id[14], id[15], now, now, now, now);
	assert_side_value(m, sql, want);
}

/*
 * The same two messages, one thread created by the one-statement create,
 * the other by the general transaction: the same seqs, counters and
 * columns, each row with its own id and time, the thread's time with it.
 */
START_TEST(test_one_statement_create_writes_what_the_general_transaction_writes)
{
	MYSQL *m = side_connection();
	const char *body[2] = { full_body, "{\"role\": \"user\", \"content\": \"second\"}" };
	char *fast, *general;
	int i;

	fresh_thread(m, CREATE_THREAD_HEX(1), CREATE_OWNER);
	fresh_thread(m, CREATE_THREAD_HEX(2), CREATE_OWNER);
	for (i = 0; i < 2; i++) {
		struct one_create a, b;

		create_init(&a, CREATE_THREAD_HEX(1), CREATE_OWNER, body[i]);
		ck_assert_int_eq(ts_messages_create(db, &a.c), TS_DB_OK);
		ck_assert_int_eq(a.c.outcome, TS_CREATE_OK);
		ck_assert_int_eq(a.seq, i + 1);
		ck_assert_int_eq(a.existing, 0);
		assert_created(m, CREATE_THREAD_HEX(1), a.seq, a.id, a.c.now);
		create_init(&b, CREATE_THREAD_HEX(2), CREATE_OWNER, body[i]);
		ts_uuid_generate(b.id);
		ck_assert_int_eq(ts_db_transaction(db, general_create, &b.c), TS_DB_OK);
		ck_assert_int_eq(b.c.outcome, TS_CREATE_OK);
		ck_assert_int_eq(b.seq, a.seq);
		assert_created(m, CREATE_THREAD_HEX(2), b.seq, b.id, b.c.now);
		create_done(&a);
		create_done(&b);
	}
	fast = thread_state(m, CREATE_THREAD_HEX(1));
	general = thread_state(m, CREATE_THREAD_HEX(2));
	ck_assert_str_eq(fast, general);
	free(fast);
	free(general);
	mysql_close(m);
}
END_TEST

/*
 * The one statement answers its seq in its OK packet, as the tracked
 * session variable last_insert_id (src/db.c). A statement answered with an
 * OK that SET nothing reports none: no value is left over from the one
 * before.
 */
START_TEST(test_tracked_insert_id_is_the_answers_own)
{
	unsigned long long v = 7;

	ck_assert_int_eq(ts_db_exec_trusted(db, "SET last_insert_id = 42"), TS_DB_OK);
	ck_assert_int_eq(ts_db_tracked_insert_id(db, &v), 0);
	ck_assert_uint_eq(v, 42);
	ck_assert_int_eq(ts_db_exec_trusted(db, "DO 1"), TS_DB_OK);
	ck_assert_int_eq(ts_db_tracked_insert_id(db, &v), -1);
}
END_TEST

/*
 * A server that tracks nothing (as one without session tracking would):
 * the seq is asked for on the same connection, and creates still take 1,
 * 2, and a stranger's thread still changes nothing.
 */
START_TEST(test_one_statement_create_without_tracking_asks_for_its_seq)
{
	MYSQL *m = side_connection();
	struct one_create o;
	int i;

	fresh_thread(m, CREATE_THREAD_HEX(5), CREATE_OWNER);
	fresh_thread(m, CREATE_THREAD_HEX(6), "itest-someone-else");
	ck_assert_int_eq(ts_db_exec_trusted(db, "SET SESSION session_track_system_variables = ''"), TS_DB_OK);
	for (i = 1; i <= 2; i++) {
		create_init(&o, CREATE_THREAD_HEX(5), CREATE_OWNER, full_body);
		ck_assert_int_eq(ts_messages_create(db, &o.c), TS_DB_OK);
		ck_assert_int_eq(o.c.outcome, TS_CREATE_OK);
		ck_assert_int_eq(o.seq, i);
		ck_assert_int_eq(ts_db_tracked_insert_id(db, &(unsigned long long){ 0 }), -1);
		assert_created(m, CREATE_THREAD_HEX(5), o.seq, o.id, o.c.now);
		create_done(&o);
	}
	create_init(&o, CREATE_THREAD_HEX(6), CREATE_OWNER, full_body);
	ck_assert_int_eq(ts_messages_create(db, &o.c), TS_DB_OK);
	ck_assert_int_eq(o.c.outcome, TS_CREATE_NO_THREAD);
	assert_side_value(m, "SELECT message_count FROM threads WHERE id = UNHEX('" CREATE_THREAD_HEX(6) "')", "0");
	create_done(&o);
	mysql_close(m);
}
END_TEST

/* A thread of another owner: nothing changes, and the answer is no thread. */
START_TEST(test_one_statement_create_into_a_strangers_thread_changes_nothing)
{
	MYSQL *m = side_connection();
	struct one_create o;
	char *before, *after;

	fresh_thread(m, CREATE_THREAD_HEX(3), "itest-someone-else");
	before = thread_state(m, CREATE_THREAD_HEX(3));
	create_init(&o, CREATE_THREAD_HEX(3), CREATE_OWNER, full_body);
	ck_assert_int_eq(ts_messages_create(db, &o.c), TS_DB_OK);
	ck_assert_int_eq(o.c.outcome, TS_CREATE_NO_THREAD);
	after = thread_state(m, CREATE_THREAD_HEX(3));
	ck_assert_str_eq(before, after);
	assert_side_value(m, "SELECT updated_at FROM threads WHERE id = UNHEX('" CREATE_THREAD_HEX(3) "')",
	    "2026-01-01 00:00:00.000");
	/* Our connection holds no transaction, so nothing waits on that row. */
	ck_assert_int_eq(ts_db_exec_trusted(db, "SET SESSION innodb_lock_wait_timeout = 1"), TS_DB_OK);
	side_query(m, "SET SESSION innodb_lock_wait_timeout = 1");
	side_query(m, "UPDATE threads SET title = 'reachable' WHERE id = UNHEX('" CREATE_THREAD_HEX(3) "')");
	create_done(&o);
	free(before);
	free(after);
	mysql_close(m);
}
END_TEST

/*
 * A thread whose newest message is dated after our clock (another
 * writer's clock ran ahead): the one statement matches nothing, the
 * general transaction takes the thread's time, so created_at never goes
 * back along seq.
 */
START_TEST(test_one_statement_create_after_a_message_from_the_future_takes_its_time)
{
	static const char future[] = "2099-01-02 03:04:05.678";
	MYSQL *m = side_connection();
	struct one_create o;

	fresh_thread(m, CREATE_THREAD_HEX(4), CREATE_OWNER);
	side_query(m, "UPDATE threads SET last_message_at = '2099-01-02 03:04:05.678' "
	    "WHERE id = UNHEX('" CREATE_THREAD_HEX(4) "')");
	create_init(&o, CREATE_THREAD_HEX(4), CREATE_OWNER, full_body);
	ck_assert_int_eq(ts_messages_create(db, &o.c), TS_DB_OK);
	ck_assert_int_eq(o.c.outcome, TS_CREATE_OK);
	ck_assert_int_eq(o.seq, 1);
	ck_assert_str_eq(o.c.now, future);
	assert_created(m, CREATE_THREAD_HEX(4), 1, o.id, future);
	assert_side_value(m, "SELECT CONCAT_WS('|', last_seq, message_count, assistant_count) FROM threads "
	    "WHERE id = UNHEX('" CREATE_THREAD_HEX(4) "')", "1|1|1");
	create_done(&o);
	mysql_close(m);
}
END_TEST

/* How many creates each racer makes. */
#define RACE_CREATES 50

struct racer {
	struct ts_db *db;
	long long seqs[RACE_CREATES];
	int failed;
};

static void *
race_creates(void *arg)
{
	struct racer *r = arg;
	int i;

	for (i = 0; i < RACE_CREATES; i++) {
		struct one_create o;

		create_init(&o, CREATE_THREAD_HEX(1), CREATE_OWNER, "{\"role\": \"user\", \"content\": \"race\"}");
		if (ts_messages_create(r->db, &o.c) != TS_DB_OK || o.c.outcome != TS_CREATE_OK)
			r->failed++;
		r->seqs[i] = o.seq;
		create_done(&o);
	}
	return NULL;
}

/* Two connections creating into one thread at once: seqs 1 to 2N, each once. */
START_TEST(test_racing_one_statement_creates_take_every_seq_once)
{
	MYSQL *m = side_connection();
	struct racer r[2];
	char seen[2 * RACE_CREATES + 1] = { 0 }, want[32];
	int i, k;

	fresh_thread(m, CREATE_THREAD_HEX(1), CREATE_OWNER);
	ck_assert_int_eq(ts_db_ping(db), TS_DB_OK);
	memset(r, 0, sizeof(r));
	r[0].db = db;
	r[1].db = ts_db_new(&cfg);
	ck_assert_ptr_nonnull(r[1].db);
	{
		pthread_t t;

		pthread_create(&t, NULL, race_creates, &r[1]);
		race_creates(&r[0]);
		pthread_join(t, NULL);
	}
	ts_db_free(r[1].db);
	for (k = 0; k < 2; k++) {
		ck_assert_int_eq(r[k].failed, 0);
		for (i = 0; i < RACE_CREATES; i++) {
			long long s = r[k].seqs[i];

			ck_assert_msg(s >= 1 && s <= 2 * RACE_CREATES && !seen[s], "seq %lld twice or out of range", s);
			seen[s] = 1;
			/* Each connection's own seqs rise. */
			ck_assert(i == 0 || s > r[k].seqs[i - 1]);
		}
	}
	snprintf(want, sizeof(want), "%d|%d|%d|%d", 2 * RACE_CREATES, 2 * RACE_CREATES, 2 * RACE_CREATES,
	    2 * RACE_CREATES);
	assert_side_value(m, "SELECT CONCAT_WS('|', t.last_seq, t.message_count, COUNT(m.seq), MAX(m.seq)) "
	    "FROM threads t JOIN messages m ON m.thread_id = t.id WHERE t.id = UNHEX('" CREATE_THREAD_HEX(1) "')",
	    want);
	mysql_close(m);
}
END_TEST

/* With sync_wait, the statement begins its transaction causally: it must
 * still prepare (SET STATEMENT inside a compound statement) and run. */
START_TEST(test_one_statement_create_with_sync_wait_runs)
{
	MYSQL *m = side_connection();
	struct one_create o;

	fresh_thread(m, CREATE_THREAD_HEX(2), CREATE_OWNER);
	ts_db_free(db);
	cfg.db_sync_wait = 1;
	db = ts_db_new(&cfg);
	create_init(&o, CREATE_THREAD_HEX(2), CREATE_OWNER, full_body);
	ck_assert_int_eq(ts_messages_create(db, &o.c), TS_DB_OK);
	ck_assert_int_eq(o.c.outcome, TS_CREATE_OK);
	ck_assert_int_eq(o.seq, 1);
	assert_created(m, CREATE_THREAD_HEX(2), 1, o.id, o.c.now);
	create_done(&o);
	mysql_close(m);
}
END_TEST

/* A lock wait timeout inside the statement: rolled back by it, run again. */
START_TEST(test_one_statement_create_waits_out_a_lock_and_is_run_again)
{
	MYSQL *admin = side_connection_as(1);
	struct holder h;
	struct one_create o;
	pthread_t t;

	side_query(admin, "SET GLOBAL innodb_lock_wait_timeout = 1");
	ts_db_free(db);
	db = ts_db_new(&cfg);
	h.m = side_connection();
	fresh_thread(h.m, CREATE_THREAD_HEX(3), CREATE_OWNER);
	side_query(h.m, "START TRANSACTION");
	side_query(h.m, "SELECT id FROM threads WHERE id = UNHEX('" CREATE_THREAD_HEX(3) "') FOR UPDATE");
	mysql_free_result(mysql_store_result(h.m));
	pthread_create(&t, NULL, release_later, &h);
	create_init(&o, CREATE_THREAD_HEX(3), CREATE_OWNER, full_body);
	ck_assert_int_eq(ts_messages_create(db, &o.c), TS_DB_OK);
	pthread_join(t, NULL);
	side_query(admin, "SET GLOBAL innodb_lock_wait_timeout = 50");
	ck_assert_int_eq(o.c.outcome, TS_CREATE_OK);
	ck_assert_int_eq(o.seq, 1);
	assert_side_value(h.m, "SELECT CONCAT_WS('|', last_seq, message_count) FROM threads "
	    "WHERE id = UNHEX('" CREATE_THREAD_HEX(3) "')", "1|1");
	create_done(&o);
	mysql_close(h.m);
	mysql_close(admin);
}
END_TEST

/*
 * A connection lost while the statement runs: it may have committed, so it
 * is never run again (503, as a COMMIT lost). Here it waits on a lock when
 * it is killed, so nothing was written.
 */
START_TEST(test_one_statement_create_lost_midway_is_not_run_again)
{
	MYSQL *m = side_connection();
	struct stream_killer k = { 0, 0 };
	struct one_create o;
	pthread_t t;

	fresh_thread(m, CREATE_THREAD_HEX(4), CREATE_OWNER);
	side_query(m, "START TRANSACTION");
	side_query(m, "SELECT id FROM threads WHERE id = UNHEX('" CREATE_THREAD_HEX(4) "') FOR UPDATE");
	mysql_free_result(mysql_store_result(m));
	k.id = connection_id();
	pthread_create(&t, NULL, kill_while_executing, &k);
	create_init(&o, CREATE_THREAD_HEX(4), CREATE_OWNER, full_body);
	ck_assert_int_eq(ts_messages_create(db, &o.c), TS_DB_UNAVAILABLE);
	pthread_join(t, NULL);
	ck_assert(k.killed);
	side_query(m, "COMMIT");
	assert_side_value(m, "SELECT CONCAT_WS('|', last_seq, message_count, (SELECT COUNT(*) FROM messages "
	    "WHERE thread_id = threads.id)) FROM threads WHERE id = UNHEX('" CREATE_THREAD_HEX(4) "')", "0|0|0");
	create_done(&o);
	mysql_close(m);
}
END_TEST

static Suite *
make_suite(void)
{
	Suite *s = suite_create("db");
	TCase *tc = tcase_create("mariadb");

	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_killed_connection_is_reopened_for_the_next_statement);
	tcase_add_test(tc, test_connect_failure_is_unavailable_not_error);
	tcase_add_test(tc, test_long_utf8mb4_value_round_trips_whole);
	tcase_add_test(tc, test_transaction_is_rerun_whole_after_a_lost_connection);
	tcase_add_test(tc, test_retry_status_reruns_the_transaction);
	tcase_add_test(tc, test_lock_wait_timeout_is_rolled_back_and_retried);
	tcase_add_test(tc, test_connection_is_utf8mb4_and_utc);
	tcase_add_test(tc, test_fetched_cells_are_the_servers_text);
	tcase_add_test(tc, test_connection_killed_while_rows_stream_is_reopened_and_read_again);
	tcase_add_test(tc, test_one_statement_create_writes_what_the_general_transaction_writes);
	tcase_add_test(tc, test_tracked_insert_id_is_the_answers_own);
	tcase_add_test(tc, test_one_statement_create_without_tracking_asks_for_its_seq);
	tcase_add_test(tc, test_one_statement_create_into_a_strangers_thread_changes_nothing);
	tcase_add_test(tc, test_one_statement_create_after_a_message_from_the_future_takes_its_time);
	tcase_add_test(tc, test_racing_one_statement_creates_take_every_seq_once);
	tcase_add_test(tc, test_one_statement_create_with_sync_wait_runs);
	tcase_add_test(tc, test_one_statement_create_waits_out_a_lock_and_is_run_again);
	tcase_add_test(tc, test_one_statement_create_lost_midway_is_not_run_again);
	suite_add_tcase(s, tc);
	return s;
}

#include "../unit/check_main.h"
