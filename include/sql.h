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
	TS_SQL__COUNT
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
