/*
 * Every statement threadstore runs. Each is prepared once per connection
 * (src/db.c) and reused; parameters are always bound, never spliced.
 */
#include "sql.h"

#define THREAD_COLS "id, owner_id, title, visibility, namespace, metadata, " \
	"message_count, last_message_at, created_at, updated_at, row_id"

/*
 * Listing pages: keyset ranges on row_id (creation order, unique). Optional
 * filters are "? IS NULL OR col = ?" so one prepared statement serves every
 * combination; the range on (owner_id, row_id) or (visibility, row_id) is
 * what the index answers, the filters only thin the rows it yields.
 */
#define THREAD_FILTERS " AND (? IS NULL OR namespace = ?) AND (? IS NULL OR visibility = ?)"

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
	[TS_SQL_THREAD_INSERT] = {
		"INSERT INTO threads (id, owner_id, title, visibility, namespace, metadata, "
		"created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))",
		TS_SQLF_NONE },
	/* The thread and the sharing flag in one round trip (§4: no cache). */
	[TS_SQL_THREAD_GET] = {
		"SELECT " THREAD_COLS ", "
		"(SELECT value FROM system_settings WHERE name = 'public_sharing') "
		"FROM threads WHERE id = ?",
		TS_SQLF_REPEATABLE },
	/* Each field changes only when its flag is set, in one statement, so two
	 * PATCHes of different fields cannot undo each other. */
	[TS_SQL_THREAD_UPDATE] = {
		"UPDATE threads SET "
		"title = CASE WHEN ? THEN ? ELSE title END, "
		"visibility = CASE WHEN ? THEN ? ELSE visibility END, "
		"namespace = CASE WHEN ? THEN ? ELSE namespace END, "
		"metadata = CASE WHEN ? THEN ? ELSE metadata END, "
		"updated_at = UTC_TIMESTAMP(3) WHERE id = ? AND owner_id = ?",
		TS_SQLF_NONE },
	[TS_SQL_THREAD_DELETE_MESSAGES] = {
		"DELETE FROM messages WHERE thread_id = ?", TS_SQLF_NONE },
	[TS_SQL_THREAD_DELETE] = {
		"DELETE FROM threads WHERE id = ? AND owner_id = ?", TS_SQLF_NONE },
	[TS_SQL_THREAD_CURSOR] = {
		"SELECT row_id, owner_id, visibility FROM threads WHERE id = ?",
		TS_SQLF_REPEATABLE },
	[TS_SQL_THREADS_OWN_UP] = {
		"SELECT " THREAD_COLS " FROM threads WHERE owner_id = ? AND row_id > ?"
		THREAD_FILTERS " ORDER BY row_id ASC LIMIT ?",
		TS_SQLF_REPEATABLE },
	[TS_SQL_THREADS_OWN_DOWN] = {
		"SELECT " THREAD_COLS " FROM threads WHERE owner_id = ? AND row_id < ?"
		THREAD_FILTERS " ORDER BY row_id DESC LIMIT ?",
		TS_SQLF_REPEATABLE },
	[TS_SQL_THREADS_PUBLIC_UP] = {
		"SELECT " THREAD_COLS " FROM threads WHERE visibility = 2 AND row_id > ?"
		THREAD_FILTERS " ORDER BY row_id ASC LIMIT ?",
		TS_SQLF_REPEATABLE },
	[TS_SQL_THREADS_PUBLIC_DOWN] = {
		"SELECT " THREAD_COLS " FROM threads WHERE visibility = 2 AND row_id < ?"
		THREAD_FILTERS " ORDER BY row_id DESC LIMIT ?",
		TS_SQLF_REPEATABLE },
};
