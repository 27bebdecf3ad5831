/*
 * Every statement threadstore runs. Each is prepared once per connection
 * (src/db.c) and reused; parameters are always bound, never spliced.
 */
#include "sql.h"

#define THREAD_COLS "id, owner_id, title, visibility, namespace, metadata, " \
	"message_count, last_message_at, created_at, updated_at, row_id, " \
	"user_count, assistant_count, system_count, tool_count, cleared_seq"

/*
 * Listing pages: keyset ranges on row_id (creation order, unique). Each
 * combination of filters has its own statement and index (sql/002), whose
 * equality prefix leaves a range already in row_id order: a page reads its
 * rows and no more, however many threads the filters skip.
 * owner_id = ? uses the index; BINARY ... = BINARY ? makes the match exact
 * (utf8mb4_bin ignores trailing spaces: "alice " must not list alice's).
 * Parameters: [owner, owner,] [namespace,] [visibility,] bound, LIMIT.
 */
#define OWN_THREADS(index, filters, cmp, dir) "SELECT " THREAD_COLS " FROM threads FORCE INDEX (" index ")" \
	" WHERE owner_id = ? AND BINARY owner_id = BINARY ?" filters " AND row_id " cmp " ?" \
	" ORDER BY row_id " dir " LIMIT ?"
#define PUBLIC_THREADS(index, filters, cmp, dir) "SELECT " THREAD_COLS " FROM threads FORCE INDEX (" index ")" \
	" WHERE visibility = 2" filters " AND row_id " cmp " ?" \
	" ORDER BY row_id " dir " LIMIT ?"
#define NS " AND namespace = ?"
#define VIS " AND visibility = ?"

/* The message columns (enum ts_message_col), each name after prefix p. */
#define MESSAGE_COLS_OF(p) p "thread_id, " p "seq, " p "id, " p "role, " p "content_text, " \
	p "content_extra, " p "details, " p "metadata, " p "attachments, " p "parent_message_id, " \
	p "run_id, " p "assistant_id, " p "model, " p "source, " p "tool_call_id, " p "tool_name, " \
	p "tool_calls, " p "token_count, " p "prompt_tokens, " p "completion_tokens, " \
	p "latency_ms, " p "comparison_id, " p "created_at, " p "updated_at, " p "item"
#define MESSAGE_COLS MESSAGE_COLS_OF("")

/*
 * Bounded message ranges (src/message_ranges.c): messages of one thread with
 * lo < seq < hi, in seq order, LIMIT ? OFFSET ?. Without a role or run_id
 * filter that is one range of the clustered key. With one, it is a union of
 * one index range per role (an unwanted role is bound to 255, which names no
 * role and reads nothing), each already in seq order and cut at LIMIT, so a
 * page reads at most four times its rows plus its offset, never the thread;
 * only the seqs are merged, then the page's rows are read by primary key.
 * The run_id match is exact: BINARY, since utf8mb4_bin ignores trailing
 * spaces and "run-1 " must not match "run-1".
 * Branch parameters: thread, [run_id, run_id,] role, lo, hi, LIMIT.
 */
#define RANGE_PK(dir) "SELECT " MESSAGE_COLS " FROM messages FORCE INDEX (PRIMARY)" \
	" WHERE thread_id = ? AND seq > ? AND seq < ? ORDER BY seq " dir " LIMIT ? OFFSET ?"
#define ROLE_BRANCH(what, dir) "(SELECT " what " FROM messages FORCE INDEX (messages_role)" \
	" WHERE thread_id = ? AND role = ? AND seq > ? AND seq < ? ORDER BY seq " dir " LIMIT ?)"
#define RUN_BRANCH(what, dir) "(SELECT " what " FROM messages FORCE INDEX (messages_run_role)" \
	" WHERE thread_id = ? AND run_id = ? AND BINARY run_id = BINARY ? AND role = ?" \
	" AND seq > ? AND seq < ? ORDER BY seq " dir " LIMIT ?)"
#define UNION4(b) b " UNION ALL " b " UNION ALL " b " UNION ALL " b
/* parameters: the four branches, LIMIT, OFFSET, thread */
#define MERGED(b, dir) "SELECT " MESSAGE_COLS_OF("m.") " FROM messages m JOIN (" UNION4(b) \
	" ORDER BY seq " dir " LIMIT ? OFFSET ?) k ON m.thread_id = ? AND m.seq = k.seq ORDER BY m.seq " dir
/* Counting stops at LIMIT (in each branch): a total is exact up to a cap. */
#define COUNT_PK "SELECT COUNT(*) FROM (SELECT 1 FROM messages FORCE INDEX (PRIMARY)" \
	" WHERE thread_id = ? AND seq > ? AND seq < ? LIMIT ?) x"
#define COUNT_MERGED(b) "SELECT COUNT(*) FROM (" UNION4(b) ") x"
/* A created_at bound as a seq: the newest message at or before (< for the
 * second) a time. created_at never decreases along seq (src/message_store.c). */
#define SEQ_AT(cmp) "(SELECT seq FROM messages FORCE INDEX (messages_created)" \
	" WHERE thread_id = ? AND created_at " cmp " ? ORDER BY created_at DESC, seq DESC LIMIT 1)"

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
#define PAGE_ALL PAGE_SELECT " JOIN messages m FORCE INDEX (PRIMARY) ON m.thread_id = t.id" \
	" AND m.seq > t.cleared_seq WHERE t.id = ?"
#define PAGE_FROM(cmp) PAGE_SELECT " JOIN messages c ON c.thread_id = t.id AND c.seq > t.cleared_seq" \
	" JOIN messages m FORCE INDEX (PRIMARY) ON m.thread_id = t.id AND m.seq " cmp " c.seq" \
	" AND m.seq > t.cleared_seq WHERE t.id = ? AND c.id = ?"

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
	/* A thread whose id names one deleted moments ago, whose messages are not
	 * all purged yet, numbers its messages on after them (and reads skip
	 * them): parameters id, owner, title, visibility, namespace, metadata, id. */
	[TS_SQL_THREAD_INSERT] = {
		"INSERT INTO threads (id, owner_id, title, visibility, namespace, metadata, "
		"last_seq, cleared_seq, created_at, updated_at) "
		"SELECT ?, ?, ?, ?, ?, ?, COALESCE(MAX(through_seq), 0), COALESCE(MAX(through_seq), 0), "
		"UTC_TIMESTAMP(3), UTC_TIMESTAMP(3) FROM message_purges WHERE thread_id = ?",
		TS_SQLF_NONE },
	/* The thread and the sharing flag in one round trip, never cached: a
	 * change of the flag is seen by every worker at once
	 * (API reference: The access matrix). */
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
	/*
	 * Deleting a thread or clearing its messages (src/thread_store.c): a
	 * small thread's messages go in the request; a larger one's are marked
	 * dead up to its last seq, in O(1), and workers delete them later a
	 * chunk at a time (src/purge.c). The state locks the owner's row and
	 * says how many messages it has and whether a purge is pending.
	 */
	[TS_SQL_THREAD_PURGE_STATE] = {
		"SELECT t.message_count, EXISTS (SELECT 1 FROM message_purges p WHERE p.thread_id = t.id) "
		"FROM threads t WHERE t.id = ? AND BINARY t.owner_id = BINARY ? FOR UPDATE",
		TS_SQLF_NONE },
	[TS_SQL_THREAD_DELETE_MESSAGES] = {
		"DELETE FROM messages WHERE thread_id = ?", TS_SQLF_NONE },
	/* parameters: thread, owner */
	[TS_SQL_PURGE_MARK] = {
		"INSERT INTO message_purges (thread_id, through_seq) "
		"SELECT id, last_seq FROM threads WHERE id = ? AND BINARY owner_id = BINARY ? AND last_seq > 0 "
		"ON DUPLICATE KEY UPDATE through_seq = GREATEST(through_seq, VALUES(through_seq))",
		TS_SQLF_NONE },
	[TS_SQL_THREAD_DELETE] = {
		"DELETE FROM threads WHERE id = ? AND BINARY owner_id = BINARY ?", TS_SQLF_NONE },
	[TS_SQL_THREAD_CURSOR] = {
		"SELECT row_id, owner_id, visibility FROM threads WHERE id = ?",
		TS_SQLF_REPEATABLE },
	[TS_SQL_THREADS_OWN_UP] = { OWN_THREADS("threads_owner", "", ">", "ASC"), TS_SQLF_REPEATABLE },
	[TS_SQL_THREADS_OWN_DOWN] = { OWN_THREADS("threads_owner", "", "<", "DESC"), TS_SQLF_REPEATABLE },
	[TS_SQL_THREADS_OWN_NS_UP] = { OWN_THREADS("threads_owner_ns", NS, ">", "ASC"), TS_SQLF_REPEATABLE },
	[TS_SQL_THREADS_OWN_NS_DOWN] = { OWN_THREADS("threads_owner_ns", NS, "<", "DESC"), TS_SQLF_REPEATABLE },
	[TS_SQL_THREADS_OWN_VIS_UP] = { OWN_THREADS("threads_owner_vis", VIS, ">", "ASC"), TS_SQLF_REPEATABLE },
	[TS_SQL_THREADS_OWN_VIS_DOWN] = { OWN_THREADS("threads_owner_vis", VIS, "<", "DESC"), TS_SQLF_REPEATABLE },
	[TS_SQL_THREADS_OWN_NS_VIS_UP] = {
		OWN_THREADS("threads_owner_ns_vis", NS VIS, ">", "ASC"), TS_SQLF_REPEATABLE },
	[TS_SQL_THREADS_OWN_NS_VIS_DOWN] = {
		OWN_THREADS("threads_owner_ns_vis", NS VIS, "<", "DESC"), TS_SQLF_REPEATABLE },
	[TS_SQL_THREADS_PUBLIC_UP] = { PUBLIC_THREADS("threads_public", "", ">", "ASC"), TS_SQLF_REPEATABLE },
	[TS_SQL_THREADS_PUBLIC_DOWN] = { PUBLIC_THREADS("threads_public", "", "<", "DESC"), TS_SQLF_REPEATABLE },
	[TS_SQL_THREADS_PUBLIC_NS_UP] = { PUBLIC_THREADS("threads_public_ns", NS, ">", "ASC"), TS_SQLF_REPEATABLE },
	[TS_SQL_THREADS_PUBLIC_NS_DOWN] = {
		PUBLIC_THREADS("threads_public_ns", NS, "<", "DESC"), TS_SQLF_REPEATABLE },
	/* `threadstore threads list` without --owner: every thread, newest
	 * first, one range of the primary key. Parameters: bound, LIMIT. */
	[TS_SQL_THREADS_ALL_DOWN] = {
		"SELECT " THREAD_COLS " FROM threads FORCE INDEX (PRIMARY)"
		" WHERE row_id < ? ORDER BY row_id DESC LIMIT ?", TS_SQLF_REPEATABLE },
	/* `threadstore stats`: InnoDB's row estimates, read from its statistics
	 * without touching a row (COUNT(*) would read every one of them). */
	[TS_SQL_STATS_ESTIMATES] = {
		"SELECT TABLE_NAME, TABLE_ROWS FROM information_schema.TABLES"
		" WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('threads', 'messages')"
		" ORDER BY TABLE_NAME DESC", TS_SQLF_REPEATABLE },
	/* the newest thread's creation and the highest row_id ever given
	 * (threads created, deleted ones included): the end of the primary key */
	[TS_SQL_STATS_NEWEST] = {
		"SELECT created_at, row_id FROM threads ORDER BY row_id DESC LIMIT 1", TS_SQLF_REPEATABLE },
	/* By id in any thread, with whether it is dead (cleared, or its thread
	 * deleted) and only waits to be purged (src/message_store.c). */
	[TS_SQL_MESSAGE_BY_ID] = {
		"SELECT " MESSAGE_COLS_OF("m.") ", t.id IS NULL OR m.seq <= t.cleared_seq OR p.thread_id IS NOT NULL "
		"FROM messages m LEFT JOIN threads t ON t.id = m.thread_id "
		"LEFT JOIN message_purges p ON p.thread_id = m.thread_id AND p.through_seq >= m.seq "
		"WHERE m.id = ?", TS_SQLF_REPEATABLE },
	/* A live message of a thread (not cleared): parameters message, thread. */
	[TS_SQL_MESSAGE_IN_THREAD] = {
		"SELECT " MESSAGE_COLS_OF("m.") " FROM messages m JOIN threads t ON t.id = m.thread_id "
		"WHERE m.id = ? AND m.thread_id = ? AND m.seq > t.cleared_seq",
		TS_SQLF_REPEATABLE },
	[TS_SQL_MESSAGE_SEQ_OF] = {
		"SELECT m.seq FROM messages m JOIN threads t ON t.id = m.thread_id "
		"WHERE m.id = ? AND m.thread_id = ? AND m.seq > t.cleared_seq", TS_SQLF_REPEATABLE },
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
	/*
	 * The counters for n new messages (n, then n per role). The new
	 * messages' time must not be before the thread's newest message's
	 * (created_at follows seq, which the created_* filters rely on): when it
	 * would be (another worker's clock ran ahead), nothing changes and the
	 * caller takes the thread's time instead (TS_SQL_THREAD_LOCK_TIME).
	 */
	[TS_SQL_THREAD_NEXT_SEQ] = {
		"UPDATE threads SET last_seq = LAST_INSERT_ID(last_seq + ?), "
		"message_count = message_count + ?, user_count = user_count + ?, "
		"assistant_count = assistant_count + ?, system_count = system_count + ?, "
		"tool_count = tool_count + ?, last_message_at = ?, updated_at = ? "
		"WHERE id = ? AND BINARY owner_id = BINARY ? "
		"AND (last_message_at IS NULL OR last_message_at <= ?)",
		TS_SQLF_NONE },
	[TS_SQL_THREAD_LOCK_TIME] = {
		"SELECT last_message_at FROM threads WHERE id = ? AND BINARY owner_id = BINARY ? FOR UPDATE",
		TS_SQLF_NONE },
	[TS_SQL_THREAD_LAST_SEQ] = { "SELECT LAST_INSERT_ID()", TS_SQLF_NONE },
	[TS_SQL_MESSAGE_INSERT] = {
		"INSERT INTO messages (" MESSAGE_COLS ") VALUES "
		"(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		TS_SQLF_NONE },
	[TS_SQL_MESSAGE_UPDATE] = {
		"UPDATE messages SET "
		"content_text = CASE WHEN ? THEN ? ELSE content_text END, "
		"content_extra = CASE WHEN ? THEN ? ELSE content_extra END, "
		"metadata = CASE WHEN ? THEN ? ELSE metadata END, "
		"details = CASE WHEN ? THEN ? ELSE details END, "
		/* a new text no longer matches a conversation item's parts: the
		 * conversation shows the message from its columns from now on */
		"item = CASE WHEN ? THEN NULL ELSE item END, "
		"updated_at = UTC_TIMESTAMP(3) WHERE id = ? AND thread_id = ?",
		TS_SQLF_NONE },
	[TS_SQL_MESSAGE_DELETE] = {
		"DELETE m FROM messages m JOIN threads t ON t.id = m.thread_id "
		"WHERE m.id = ? AND m.thread_id = ? AND m.seq > t.cleared_seq", TS_SQLF_NONE },
	/* Counters after deleting: the counts (all, then per role), and the newest
	 * remaining message's time. */
	[TS_SQL_THREAD_AFTER_DELETE] = {
		"UPDATE threads SET message_count = message_count - ?, user_count = user_count - ?, "
		"assistant_count = assistant_count - ?, system_count = system_count - ?, "
		"tool_count = tool_count - ?, "
		"last_message_at = (SELECT m.created_at FROM messages m WHERE m.thread_id = threads.id "
		"AND m.seq > threads.cleared_seq ORDER BY m.seq DESC LIMIT 1), "
		"updated_at = UTC_TIMESTAMP(3) WHERE id = ?",
		TS_SQLF_NONE },
	[TS_SQL_THREAD_CLEAR_COUNTERS] = {
		"UPDATE threads SET cleared_seq = last_seq, message_count = 0, user_count = 0, "
		"assistant_count = 0, system_count = 0, tool_count = 0, last_message_at = NULL, "
		"updated_at = UTC_TIMESTAMP(3) WHERE id = ?", TS_SQLF_NONE },
	/* A dead row in the way of a message_id used again: parameters thread, seq. */
	[TS_SQL_MESSAGE_PURGE_ONE] = {
		"DELETE FROM messages WHERE thread_id = ? AND seq = ?", TS_SQLF_NONE },
	/* The purge (src/purge.c): a thread with dead messages, a chunk of them
	 * (one range of the primary key), and the mark once nothing is left. */
	[TS_SQL_PURGE_NEXT] = {
		"SELECT thread_id, through_seq FROM message_purges LIMIT 1", TS_SQLF_REPEATABLE },
	[TS_SQL_PURGE_CHUNK] = {
		"DELETE FROM messages WHERE thread_id = ? AND seq <= ? ORDER BY seq LIMIT ?", TS_SQLF_REPEATABLE },
	[TS_SQL_PURGE_DONE] = {
		"DELETE FROM message_purges WHERE thread_id = ? AND through_seq = ?", TS_SQLF_REPEATABLE },
	[TS_SQL_RANGE_UP] = { RANGE_PK("ASC"), TS_SQLF_REPEATABLE },
	[TS_SQL_RANGE_DOWN] = { RANGE_PK("DESC"), TS_SQLF_REPEATABLE },
	[TS_SQL_RANGE_ROLES_UP] = { MERGED(ROLE_BRANCH("seq", "ASC"), "ASC"), TS_SQLF_REPEATABLE },
	[TS_SQL_RANGE_ROLES_DOWN] = { MERGED(ROLE_BRANCH("seq", "DESC"), "DESC"), TS_SQLF_REPEATABLE },
	[TS_SQL_RANGE_RUN_UP] = { MERGED(RUN_BRANCH("seq", "ASC"), "ASC"), TS_SQLF_REPEATABLE },
	[TS_SQL_RANGE_RUN_DOWN] = { MERGED(RUN_BRANCH("seq", "DESC"), "DESC"), TS_SQLF_REPEATABLE },
	[TS_SQL_RANGE_COUNT] = { COUNT_PK, TS_SQLF_REPEATABLE },
	[TS_SQL_RANGE_ROLES_COUNT] = { COUNT_MERGED(ROLE_BRANCH("1", "ASC")), TS_SQLF_REPEATABLE },
	[TS_SQL_RANGE_RUN_COUNT] = { COUNT_MERGED(RUN_BRANCH("1", "ASC")), TS_SQLF_REPEATABLE },
	/* parameters: thread, created_after (NULL: none), thread, created_before */
	[TS_SQL_TIME_BOUNDS] = { "SELECT " SEQ_AT("<=") ", " SEQ_AT("<"), TS_SQLF_REPEATABLE },
	/* parameters: thread, LIMIT */
	[TS_SQL_PAGE_UP] = { PAGE_ALL " ORDER BY m.seq ASC LIMIT ?", TS_SQLF_REPEATABLE },
	[TS_SQL_PAGE_DOWN] = { PAGE_ALL " ORDER BY m.seq DESC LIMIT ?", TS_SQLF_REPEATABLE },
	/* parameters: thread, cursor, LIMIT */
	[TS_SQL_PAGE_UP_FROM] = { PAGE_FROM(">") " ORDER BY m.seq ASC LIMIT ?", TS_SQLF_REPEATABLE },
	[TS_SQL_PAGE_DOWN_FROM] = { PAGE_FROM("<") " ORDER BY m.seq DESC LIMIT ?", TS_SQLF_REPEATABLE },
};
