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
/* owner_id = ? uses the index; BINARY ... = BINARY ? makes the match exact
 * (utf8mb4_bin ignores trailing spaces: "alice " must not list alice's). */
#define THREAD_FILTERS " AND (? IS NULL OR namespace = ?) AND (? IS NULL OR visibility = ?)"

/* The message columns (enum ts_message_col), each name after prefix p. */
#define MESSAGE_COLS_OF(p) p "thread_id, " p "seq, " p "id, " p "role, " p "content_text, " \
	p "content_extra, " p "details, " p "metadata, " p "attachments, " p "parent_message_id, " \
	p "run_id, " p "assistant_id, " p "model, " p "source, " p "tool_call_id, " p "tool_name, " \
	p "tool_calls, " p "token_count, " p "prompt_tokens, " p "completion_tokens, " \
	p "latency_ms, " p "comparison_id, " p "created_at, " p "updated_at"
#define MESSAGE_COLS MESSAGE_COLS_OF("")

/*
 * Message pages: one range of the clustered key (thread_id, seq). Filters are
 * "? IS NULL OR ..." so one statement serves every combination; the role
 * filter is a bit mask (bit r set: role r wanted; 15 = all).
 */
#define MESSAGE_FILTERS " AND (? IS NULL OR (run_id = ? AND BINARY run_id = BINARY ?))" \
	" AND (? IS NULL OR created_at > ?) AND (? IS NULL OR created_at < ?)" \
	" AND ((? >> role) & 1) = 1"

/*
 * A page of messages in one statement (enum ts_page_col): each row is a
 * message with its thread's owner, visibility and count and the sharing
 * flag. One SELECT with nothing to filter, so MariaDB, which plans a
 * prepared statement again on every run, has little to plan: the thread,
 * the flag and the cursor are const tables (unique keys), and the page is
 * one range of the primary key (thread_id, seq), read in key order, LIMIT
 * rows and no more, however deep. No row at all (no such thread, a cursor
 * from elsewhere, or an empty page) sends the caller to the statements that
 * tell those apart.
 */
#define PAGE_SELECT "SELECT t.owner_id, t.visibility, t.message_count, s.value, " \
	MESSAGE_COLS_OF("m.") " FROM threads t LEFT JOIN system_settings s ON s.name = 'public_sharing'"
#define PAGE_ALL PAGE_SELECT " JOIN messages m FORCE INDEX (PRIMARY) ON m.thread_id = t.id WHERE t.id = ?"
#define PAGE_FROM(cmp) PAGE_SELECT " JOIN messages c ON c.thread_id = t.id" \
	" JOIN messages m FORCE INDEX (PRIMARY) ON m.thread_id = t.id AND m.seq " cmp " c.seq" \
	" WHERE t.id = ? AND c.id = ?"

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
		"updated_at = UTC_TIMESTAMP(3) WHERE id = ? AND BINARY owner_id = BINARY ?",
		TS_SQLF_NONE },
	[TS_SQL_THREAD_DELETE_MESSAGES] = {
		"DELETE FROM messages WHERE thread_id = ?", TS_SQLF_NONE },
	[TS_SQL_THREAD_DELETE] = {
		"DELETE FROM threads WHERE id = ? AND BINARY owner_id = BINARY ?", TS_SQLF_NONE },
	[TS_SQL_THREAD_CURSOR] = {
		"SELECT row_id, owner_id, visibility FROM threads WHERE id = ?",
		TS_SQLF_REPEATABLE },
	[TS_SQL_THREADS_OWN_UP] = {
		"SELECT " THREAD_COLS " FROM threads WHERE owner_id = ? AND BINARY owner_id = BINARY ? AND row_id > ?"
		THREAD_FILTERS " ORDER BY row_id ASC LIMIT ?",
		TS_SQLF_REPEATABLE },
	[TS_SQL_THREADS_OWN_DOWN] = {
		"SELECT " THREAD_COLS " FROM threads WHERE owner_id = ? AND BINARY owner_id = BINARY ? AND row_id < ?"
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
	[TS_SQL_MESSAGE_BY_ID] = {
		"SELECT " MESSAGE_COLS " FROM messages WHERE id = ?", TS_SQLF_REPEATABLE },
	[TS_SQL_MESSAGE_IN_THREAD] = {
		"SELECT " MESSAGE_COLS " FROM messages WHERE id = ? AND thread_id = ?",
		TS_SQLF_REPEATABLE },
	[TS_SQL_MESSAGE_SEQ_OF] = {
		"SELECT seq FROM messages WHERE id = ? AND thread_id = ?", TS_SQLF_REPEATABLE },
	/*
	 * seq allocation: the thread row's lock orders concurrent writers, and
	 * LAST_INSERT_ID(expr) hands back the new counter with no gap or reuse.
	 * n messages at once take n contiguous numbers.
	 */
	/* Creates in one thread queue here first, so the idempotency check that
	 * follows reads a snapshot taken after any racing create committed.
	 * Both statements match the owner too: a create's first statement is
	 * also its access check (src/message_store.c). */
	[TS_SQL_THREAD_LOCK] = {
		"SELECT last_seq FROM threads WHERE id = ? AND BINARY owner_id = BINARY ? FOR UPDATE",
		TS_SQLF_NONE },
	[TS_SQL_THREAD_NEXT_SEQ] = {
		"UPDATE threads SET last_seq = LAST_INSERT_ID(last_seq + ?), "
		"message_count = message_count + ?, last_message_at = ?, updated_at = ? "
		"WHERE id = ? AND BINARY owner_id = BINARY ?",
		TS_SQLF_NONE },
	[TS_SQL_THREAD_LAST_SEQ] = { "SELECT LAST_INSERT_ID()", TS_SQLF_NONE },
	[TS_SQL_MESSAGE_INSERT] = {
		"INSERT INTO messages (" MESSAGE_COLS ") VALUES "
		"(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		TS_SQLF_NONE },
	[TS_SQL_MESSAGE_UPDATE] = {
		"UPDATE messages SET "
		"content_text = CASE WHEN ? THEN ? ELSE content_text END, "
		"content_extra = CASE WHEN ? THEN ? ELSE content_extra END, "
		"metadata = CASE WHEN ? THEN ? ELSE metadata END, "
		"details = CASE WHEN ? THEN ? ELSE details END, "
		"updated_at = UTC_TIMESTAMP(3) WHERE id = ? AND thread_id = ?",
		TS_SQLF_NONE },
	[TS_SQL_MESSAGE_DELETE] = {
		"DELETE FROM messages WHERE id = ? AND thread_id = ?", TS_SQLF_NONE },
	/* Counters after deleting: the count, and the newest remaining message's time. */
	[TS_SQL_THREAD_AFTER_DELETE] = {
		"UPDATE threads SET message_count = message_count - ?, "
		"last_message_at = (SELECT created_at FROM messages WHERE thread_id = ? "
		"ORDER BY seq DESC LIMIT 1), updated_at = UTC_TIMESTAMP(3) WHERE id = ?",
		TS_SQLF_NONE },
	[TS_SQL_THREAD_CLEAR_COUNTERS] = {
		"UPDATE threads SET message_count = 0, last_message_at = NULL, "
		"updated_at = UTC_TIMESTAMP(3) WHERE id = ?", TS_SQLF_NONE },
	[TS_SQL_MESSAGES_UP] = {
		"SELECT " MESSAGE_COLS " FROM messages WHERE thread_id = ? AND seq > ?"
		MESSAGE_FILTERS " ORDER BY seq ASC LIMIT ? OFFSET ?", TS_SQLF_REPEATABLE },
	[TS_SQL_MESSAGES_DOWN] = {
		"SELECT " MESSAGE_COLS " FROM messages WHERE thread_id = ? AND seq < ?"
		MESSAGE_FILTERS " ORDER BY seq DESC LIMIT ? OFFSET ?", TS_SQLF_REPEATABLE },
	/* parameters: thread, LIMIT */
	[TS_SQL_PAGE_UP] = { PAGE_ALL " ORDER BY m.seq ASC LIMIT ?", TS_SQLF_REPEATABLE },
	[TS_SQL_PAGE_DOWN] = { PAGE_ALL " ORDER BY m.seq DESC LIMIT ?", TS_SQLF_REPEATABLE },
	/* parameters: thread, cursor, LIMIT */
	[TS_SQL_PAGE_UP_FROM] = { PAGE_FROM(">") " ORDER BY m.seq ASC LIMIT ?", TS_SQLF_REPEATABLE },
	[TS_SQL_PAGE_DOWN_FROM] = { PAGE_FROM("<") " ORDER BY m.seq DESC LIMIT ?", TS_SQLF_REPEATABLE },
	[TS_SQL_MESSAGES_COUNT] = {
		"SELECT COUNT(*) FROM messages WHERE thread_id = ?" MESSAGE_FILTERS,
		TS_SQLF_REPEATABLE },
};
