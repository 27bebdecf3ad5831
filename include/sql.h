/*
 * Every SQL statement the program runs, as an enum and a table of
 * parameterised text (src/sql.c). No SQL is ever built from request data.
 */
#ifndef TS_SQL_H
#define TS_SQL_H

enum ts_sql {
	TS_SQL_PING,
	TS_SQL_CONNECTION_ID,
	TS_SQL_SESSION_INFO,
	TS_SQL_SETTING_GET,
	TS_SQL_SETTING_PUT,
	TS_SQL_LOCK_GET,
	TS_SQL_LOCK_RELEASE,
	TS_SQL_MIGRATIONS_APPLIED,
	TS_SQL_MIGRATION_RECORD,
	TS_SQL_THREAD_INSERT,
	TS_SQL_THREAD_GET,
	TS_SQL_THREAD_UPDATE,
	TS_SQL_THREAD_DELETE_MESSAGES,
	TS_SQL_THREAD_DELETE,
	TS_SQL_THREAD_CURSOR,
	TS_SQL_THREADS_OWN_UP,
	TS_SQL_THREADS_OWN_DOWN,
	TS_SQL_THREADS_PUBLIC_UP,
	TS_SQL_THREADS_PUBLIC_DOWN,
	TS_SQL__COUNT
};

/* The columns every thread query returns, in this order (src/threads_store.c). */
enum ts_thread_col {
	TS_TC_ID, TS_TC_OWNER, TS_TC_TITLE, TS_TC_VISIBILITY, TS_TC_NAMESPACE,
	TS_TC_METADATA, TS_TC_MESSAGE_COUNT, TS_TC_LAST_MESSAGE_AT, TS_TC_CREATED_AT,
	TS_TC_UPDATED_AT, TS_TC_ROW_ID,
	TS_TC__COUNT,
	/* TS_SQL_THREAD_GET adds the public_sharing flag after the thread's columns */
	TS_TC_SHARING_FLAG = TS_TC__COUNT
};

enum ts_sql_flags {
	TS_SQLF_NONE = 0,
	TS_SQLF_REPEATABLE = 1 << 0 /* safe to run again after a lost connection */
};

struct ts_sql_stmt {
	const char *text;
	unsigned int flags;
};

extern const struct ts_sql_stmt ts_sql_table[TS_SQL__COUNT];

#endif
