/*
 * Every statement threadstore runs. Each is prepared once per connection
 * (src/db.c) and reused; parameters are always bound, never spliced.
 */
#include "sql.h"

const struct ts_sql_stmt ts_sql_table[TS_SQL__COUNT] = {
	[TS_SQL_PING] = { "SELECT 1", TS_SQLF_REPEATABLE },
	/* for log lines and the fault tests, which KILL a worker's connection */
	[TS_SQL_CONNECTION_ID] = { "SELECT CONNECTION_ID()", TS_SQLF_REPEATABLE },
	/* what check-config reports and the tests assert: utf8mb4, UTC */
	[TS_SQL_SESSION_INFO] = {
		"SELECT @@character_set_connection, @@session.time_zone, VERSION()",
		TS_SQLF_REPEATABLE },
	[TS_SQL_SETTING_GET] = {
		"SELECT value FROM system_settings WHERE name = ?",
		TS_SQLF_REPEATABLE },
	[TS_SQL_SETTING_PUT] = {
		"INSERT INTO system_settings (name, value, updated_at) "
		"VALUES (?, ?, UTC_TIMESTAMP(3)) "
		"ON DUPLICATE KEY UPDATE value = ?, updated_at = UTC_TIMESTAMP(3)",
		/* writing the same value twice is harmless */
		TS_SQLF_REPEATABLE },
	[TS_SQL_LOCK_GET] = { "SELECT GET_LOCK(?, ?)", TS_SQLF_NONE },
	[TS_SQL_LOCK_RELEASE] = { "SELECT RELEASE_LOCK(?)", TS_SQLF_NONE },
	[TS_SQL_MIGRATIONS_APPLIED] = {
		"SELECT version FROM schema_migrations ORDER BY version", TS_SQLF_REPEATABLE },
	[TS_SQL_MIGRATION_RECORD] = {
		"INSERT INTO schema_migrations (version, name, applied_at) "
		"VALUES (?, ?, UTC_TIMESTAMP(3))", TS_SQLF_NONE },
};
