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
/*
 * PAGE_READABLE: whether the caller (a parameter, NULL when anonymous) owns
 * the thread or it is shared (not private, 0, with sharing on). Read from
 * the const tables, it is a constant to the planner: when true the page is
 * the range above; when false only the thread's last message is read
 * (m.seq = t.last_seq, one key lookup) instead of a page nobody will be
 * shown, so a 401 or 403 still comes from this one statement, with the
 * thread's columns. It decides nothing: the access matrix decides on those
 * columns, and a page allowed but read as not readable is read again the
 * long way (API reference: The access matrix).
 */
#define PAGE_READABLE "(BINARY t.owner_id = BINARY ? OR (s.value = 'true' AND t.visibility <> 0))"
#define PAGE_THREAD_COLS "t.owner_id, t.visibility, t.message_count, s.value, " PAGE_READABLE ", " \
	"t.row_id, t.page_version"
#define PAGE_FROM_THREAD " FROM threads t LEFT JOIN system_settings s ON s.name = 'public_sharing'"
#define PAGE_SELECT "SELECT " PAGE_THREAD_COLS ", " MESSAGE_COLS_OF("m.") PAGE_FROM_THREAD
#define PAGE_ONLY_READABLE " AND (" PAGE_READABLE " OR m.seq = t.last_seq)"
#define PAGE_ALL PAGE_SELECT " JOIN messages m FORCE INDEX (PRIMARY) ON m.thread_id = t.id" \
	" AND m.seq > t.cleared_seq" PAGE_ONLY_READABLE " WHERE t.id = ?"
#define PAGE_FROM(cmp) PAGE_SELECT " JOIN messages c ON c.thread_id = t.id AND c.seq > t.cleared_seq" \
	" JOIN messages m FORCE INDEX (PRIMARY) ON m.thread_id = t.id AND m.seq " cmp " c.seq" \
	" AND m.seq > t.cleared_seq" PAGE_ONLY_READABLE " WHERE t.id = ? AND c.id = ?"

/* A read that must see the caller's own writes (TS_SQLF_CAUSAL), safe to repeat. */
#define CAUSAL_READ (TS_SQLF_REPEATABLE | TS_SQLF_CAUSAL)

/*
 * Share links, src/share_store.c (docs/design.md: Share links). A link's
 * columns for its owner (enum ts_share_col); the listings are keyset ranges
 * on row_id, like the thread listings. Parameters: key, [key,] bound, LIMIT.
 */
#define SHARE_COLS "id, thread_id, mode, expires_at, revoked_at, created_at, row_id, thread_row_id, owner_id"
#define THREAD_SHARES(cmp, dir) "SELECT " SHARE_COLS " FROM shares FORCE INDEX (shares_thread)" \
	" WHERE thread_row_id = ? AND row_id " cmp " ? ORDER BY row_id " dir " LIMIT ?"
#define OWN_SHARES(cmp, dir) "SELECT " SHARE_COLS " FROM shares FORCE INDEX (shares_owner)" \
	" WHERE owner_id = ? AND BINARY owner_id = BINARY ? AND row_id " cmp " ? ORDER BY row_id " dir " LIMIT ?"
/* A thread's snapshot links that still show something: not revoked, not
 * expired (the clock is the server's, as for the resolve). */
#define LIVE_SNAPSHOTS(s) s ".revoked_at IS NULL AND " s ".mode = 1 AND (" s ".expires_at IS NULL OR " \
	s ".expires_at > UTC_TIMESTAMP(3))"
/*
 * A snapshot's page: its saved versions and the thread's rows in
 * from < seq < hi (a cursor or through_seq + 1), each a range of a primary
 * key cut at LIMIT, merged with the saved version of a seq first: the
 * caller keeps the first row of each seq (src/ops/shares.c). The k-th seq
 * of the union lies within the first k of one of the branches, so LIMIT
 * rows of each are enough for a page of LIMIT. Parameters: share, lo, hi,
 * LIMIT, thread, lo, hi, LIMIT.
 */
#define SNAPSHOT(dir) "SELECT * FROM (" \
	"(SELECT 1 AS src, " MESSAGE_COLS " FROM share_versions FORCE INDEX (PRIMARY)" \
	" WHERE share_row_id = ? AND seq > ? AND seq < ? ORDER BY seq " dir " LIMIT ?)" \
	" UNION ALL " \
	"(SELECT 0 AS src, " MESSAGE_COLS " FROM messages FORCE INDEX (PRIMARY)" \
	" WHERE thread_id = ? AND seq > ? AND seq < ? ORDER BY seq " dir " LIMIT ?)" \
	") u ORDER BY seq " dir ", src DESC"
/* Whether the thread has a snapshot link not revoked, with the thread row
 * locked, so that no link is made between this check and the write
 * (a link's creation locks the row for update). */
#define THREAD_SNAPSHOTS "SELECT EXISTS (SELECT 1 FROM shares s FORCE INDEX (shares_live)" \
	" WHERE s.thread_id = t.id AND s.revoked_at IS NULL AND s.mode = 1) FROM threads t WHERE t.id = ?"

/*
 * The counters for n new messages (n, then n per role). The new messages'
 * time must not be before the thread's newest message's (created_at follows
 * seq, which the created_* filters rely on): when it would be (another
 * worker's clock ran ahead), nothing changes and the caller takes the
 * thread's time instead (TS_SQL_THREAD_LOCK_TIME). Parameters: n, n, n per
 * role, now, now, thread, owner, now.
 */
#define THREAD_NEXT_SEQ "UPDATE threads SET last_seq = LAST_INSERT_ID(last_seq + ?), " \
	"message_count = message_count + ?, user_count = user_count + ?, " \
	"assistant_count = assistant_count + ?, system_count = system_count + ?, " \
	"tool_count = tool_count + ?, last_message_at = ?, updated_at = ?, " \
	"page_version = page_version + 1 " \
	"WHERE id = ? AND BINARY owner_id = BINARY ? " \
	"AND (last_message_at IS NULL OR last_message_at <= ?)"
/* A message row: every column a parameter (enum ts_message_col), but the
 * seq, which is the expression given. */
#define MESSAGE_INSERT(seq) "INSERT INTO messages (" MESSAGE_COLS ") VALUES (?, " seq ", " \
	"?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
/*
 * A create of one message with nothing to look up (src/message_store.c),
 * in one round trip: the transaction, THREAD_NEXT_SEQ and MESSAGE_INSERT
 * as one compound statement, the row taking the seq the UPDATE handed to
 * LAST_INSERT_ID. It answers that seq, or 0 when the UPDATE matched
 * nothing, which is rolled back, so nothing changed; the caller then runs
 * the general transaction, which tells a thread not the caller's from a
 * clock behind the thread's. The answer is the session variable
 * last_insert_id, SET last, which every connection tracks
 * (session_track_system_variables, src/db.c): it comes in the statement's
 * one OK packet. A SELECT of it would be a result set before that OK, which
 * the server sends apart: the worker woke for the row, then often waited
 * again for the OK. On any error the handler rolls back before
 * the error reaches the client (a deadlock, a lock wait timeout, a
 * conflict at COMMIT): no transaction is left open. Parameters:
 * THREAD_NEXT_SEQ's, then MESSAGE_INSERT's but the seq.
 */
#define CREATE_ONE(begin) "BEGIN NOT ATOMIC " \
	"DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END; " \
	begin "; " THREAD_NEXT_SEQ "; " \
	"IF ROW_COUNT() <> 1 THEN ROLLBACK; SET last_insert_id = 0; " \
	"ELSE " MESSAGE_INSERT("LAST_INSERT_ID()") "; COMMIT; SET last_insert_id = LAST_INSERT_ID(); END IF; END"

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
		CAUSAL_READ },
	[TS_SQL_SETTING_PUT] = {
		"INSERT INTO system_settings (name, value, updated_at) "
		"VALUES (?, ?, UTC_TIMESTAMP(3)) "
		"ON DUPLICATE KEY UPDATE value = ?, updated_at = UTC_TIMESTAMP(3)",
		/* writing the same value twice is harmless */
		TS_SQLF_REPEATABLE },
	/*
	 * The migration lease (src/migrate_lease.c): one row, taken by a
	 * conditional UPDATE when it is free, expired or already ours (a
	 * renewal), and freed only by its holder. GET_LOCK would lock one
	 * Galera node only; two UPDATEs of one row on two nodes conflict at
	 * certification and one of them loses. The expiry always moves on, by
	 * a millisecond at least, so a renewal within the same millisecond
	 * still counts as a changed row. Parameters: holder, seconds, holder;
	 * release: holder.
	 */
	[TS_SQL_LEASE_TAKE] = {
		"UPDATE schema_migration_lease SET holder = ?, expires_at = "
		"GREATEST(UTC_TIMESTAMP(3) + INTERVAL ? SECOND, expires_at + INTERVAL 1000 MICROSECOND) "
		"WHERE id = 1 AND (holder = '' OR holder = ? OR expires_at < UTC_TIMESTAMP(3))",
		TS_SQLF_NONE },
	[TS_SQL_LEASE_RELEASE] = {
		"UPDATE schema_migration_lease SET holder = '', expires_at = UTC_TIMESTAMP(3) "
		"WHERE id = 1 AND holder = ?", TS_SQLF_REPEATABLE },
	/* Whether the server is a Galera node (an error on MySQL: not one). */
	[TS_SQL_WSREP_ON] = { "SELECT @@GLOBAL.wsrep_on", TS_SQLF_REPEATABLE },
	[TS_SQL_MIGRATIONS_APPLIED] = {
		"SELECT version FROM schema_migrations ORDER BY version", CAUSAL_READ },
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
		CAUSAL_READ },
	/* Each field changes only when its flag is set, in one statement, so two
	 * PATCHes of different fields cannot undo each other. */
	[TS_SQL_THREAD_UPDATE] = {
		"UPDATE threads SET "
		"title = CASE WHEN ? THEN ? ELSE title END, "
		"visibility = CASE WHEN ? THEN ? ELSE visibility END, "
		"namespace = CASE WHEN ? THEN ? ELSE namespace END, "
		"metadata = CASE WHEN ? THEN ? ELSE metadata END, "
		"updated_at = UTC_TIMESTAMP(3), page_version = page_version + 1 "
		"WHERE id = ? AND BINARY owner_id = BINARY ?",
		TS_SQLF_NONE },
	/*
	 * Deleting a thread or clearing its messages (src/thread_store.c): a
	 * small thread's messages go in the request; a larger one's are marked
	 * dead up to its last seq, in O(1), and workers delete them later a
	 * chunk at a time (src/purge.c). The state locks the owner's row and
	 * says how many messages it has, whether a purge is pending, and
	 * whether a snapshot link may still show them (then a clear only marks).
	 */
	[TS_SQL_THREAD_PURGE_STATE] = {
		"SELECT t.message_count, EXISTS (SELECT 1 FROM message_purges p WHERE p.thread_id = t.id), "
		"EXISTS (SELECT 1 FROM shares s FORCE INDEX (shares_live) WHERE s.thread_id = t.id "
		"AND s.revoked_at IS NULL AND s.mode = 1) "
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
		CAUSAL_READ },
	[TS_SQL_THREADS_OWN_UP] = { OWN_THREADS("threads_owner", "", ">", "ASC"), CAUSAL_READ },
	[TS_SQL_THREADS_OWN_DOWN] = { OWN_THREADS("threads_owner", "", "<", "DESC"), CAUSAL_READ },
	[TS_SQL_THREADS_OWN_NS_UP] = { OWN_THREADS("threads_owner_ns", NS, ">", "ASC"), CAUSAL_READ },
	[TS_SQL_THREADS_OWN_NS_DOWN] = { OWN_THREADS("threads_owner_ns", NS, "<", "DESC"), CAUSAL_READ },
	[TS_SQL_THREADS_OWN_VIS_UP] = { OWN_THREADS("threads_owner_vis", VIS, ">", "ASC"), CAUSAL_READ },
	[TS_SQL_THREADS_OWN_VIS_DOWN] = { OWN_THREADS("threads_owner_vis", VIS, "<", "DESC"), CAUSAL_READ },
	[TS_SQL_THREADS_OWN_NS_VIS_UP] = {
		OWN_THREADS("threads_owner_ns_vis", NS VIS, ">", "ASC"), CAUSAL_READ },
	[TS_SQL_THREADS_OWN_NS_VIS_DOWN] = {
		OWN_THREADS("threads_owner_ns_vis", NS VIS, "<", "DESC"), CAUSAL_READ },
	[TS_SQL_THREADS_PUBLIC_UP] = { PUBLIC_THREADS("threads_public", "", ">", "ASC"), CAUSAL_READ },
	[TS_SQL_THREADS_PUBLIC_DOWN] = { PUBLIC_THREADS("threads_public", "", "<", "DESC"), CAUSAL_READ },
	[TS_SQL_THREADS_PUBLIC_NS_UP] = { PUBLIC_THREADS("threads_public_ns", NS, ">", "ASC"), CAUSAL_READ },
	[TS_SQL_THREADS_PUBLIC_NS_DOWN] = {
		PUBLIC_THREADS("threads_public_ns", NS, "<", "DESC"), CAUSAL_READ },
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
		"WHERE m.id = ?", CAUSAL_READ },
	/* A live message of a thread (not cleared): parameters message, thread. */
	[TS_SQL_MESSAGE_IN_THREAD] = {
		"SELECT " MESSAGE_COLS_OF("m.") " FROM messages m JOIN threads t ON t.id = m.thread_id "
		"WHERE m.id = ? AND m.thread_id = ? AND m.seq > t.cleared_seq",
		CAUSAL_READ },
	/*
	 * A message to be read, with what its access decision needs (enum
	 * ts_read_col), in one statement: the thread, the flag and the message
	 * are const tables (unique keys). No row: no such thread or message
	 * (parameters: message, thread).
	 */
	[TS_SQL_MESSAGE_READ] = {
		"SELECT " MESSAGE_COLS_OF("m.") ", t.owner_id, t.visibility, s.value FROM threads t "
		"LEFT JOIN system_settings s ON s.name = 'public_sharing' "
		"JOIN messages m ON m.thread_id = t.id AND m.seq > t.cleared_seq "
		"WHERE m.id = ? AND t.id = ?",
		CAUSAL_READ },
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
	[TS_SQL_THREAD_NEXT_SEQ] = { THREAD_NEXT_SEQ, TS_SQLF_NONE },
	[TS_SQL_THREAD_LOCK_TIME] = {
		"SELECT last_message_at FROM threads WHERE id = ? AND BINARY owner_id = BINARY ? FOR UPDATE",
		TS_SQLF_NONE },
	[TS_SQL_THREAD_LAST_SEQ] = { "SELECT LAST_INSERT_ID()", TS_SQLF_NONE },
	[TS_SQL_MESSAGE_INSERT] = { MESSAGE_INSERT("?"), TS_SQLF_NONE },
	[TS_SQL_MESSAGE_CREATE_ONE] = { CREATE_ONE(TS_SQL_BEGIN), TS_SQLF_NONE },
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
		"updated_at = UTC_TIMESTAMP(3), page_version = page_version + 1 WHERE id = ?",
		TS_SQLF_NONE },
	[TS_SQL_THREAD_CLEAR_COUNTERS] = {
		"UPDATE threads SET cleared_seq = last_seq, message_count = 0, user_count = 0, "
		"assistant_count = 0, system_count = 0, tool_count = 0, last_message_at = NULL, "
		"updated_at = UTC_TIMESTAMP(3), page_version = page_version + 1 WHERE id = ?", TS_SQLF_NONE },
	/* A change to one of the thread's messages that moved no counter. */
	[TS_SQL_THREAD_PAGE_CHANGED] = {
		"UPDATE threads SET page_version = page_version + 1 WHERE id = ?", TS_SQLF_NONE },
	/* A dead row in the way of a message_id used again: parameters thread, seq. */
	[TS_SQL_MESSAGE_PURGE_ONE] = {
		"DELETE FROM messages WHERE thread_id = ? AND seq = ?", TS_SQLF_NONE },
	/* The purge (src/purge.c): a thread with dead messages, a chunk of them
	 * (one range of the primary key), and the mark once nothing is left. */
	/* A mark whose rows no live snapshot still shows: a snapshot holds a
	 * cleared thread's rows until it is revoked or expires. */
	[TS_SQL_PURGE_NEXT] = {
		"SELECT p.thread_id, p.through_seq FROM message_purges p WHERE NOT EXISTS ("
		"SELECT 1 FROM shares s FORCE INDEX (shares_live) WHERE s.thread_id = p.thread_id AND "
		LIVE_SNAPSHOTS("s") " AND s.from_seq < p.through_seq) LIMIT 1", TS_SQLF_REPEATABLE },
	[TS_SQL_PURGE_CHUNK] = {
		"DELETE FROM messages WHERE thread_id = ? AND seq <= ? ORDER BY seq LIMIT ?", TS_SQLF_REPEATABLE },
	[TS_SQL_PURGE_DONE] = {
		"DELETE FROM message_purges WHERE thread_id = ? AND through_seq = ?", TS_SQLF_REPEATABLE },
	[TS_SQL_RANGE_UP] = { RANGE_PK("ASC"), CAUSAL_READ },
	[TS_SQL_RANGE_DOWN] = { RANGE_PK("DESC"), CAUSAL_READ },
	[TS_SQL_RANGE_ROLES_UP] = { MERGED(ROLE_BRANCH("seq", "ASC"), "ASC"), CAUSAL_READ },
	[TS_SQL_RANGE_ROLES_DOWN] = { MERGED(ROLE_BRANCH("seq", "DESC"), "DESC"), CAUSAL_READ },
	[TS_SQL_RANGE_RUN_UP] = { MERGED(RUN_BRANCH("seq", "ASC"), "ASC"), CAUSAL_READ },
	[TS_SQL_RANGE_RUN_DOWN] = { MERGED(RUN_BRANCH("seq", "DESC"), "DESC"), CAUSAL_READ },
	[TS_SQL_RANGE_COUNT] = { COUNT_PK, CAUSAL_READ },
	[TS_SQL_RANGE_ROLES_COUNT] = { COUNT_MERGED(ROLE_BRANCH("1", "ASC")), CAUSAL_READ },
	[TS_SQL_RANGE_RUN_COUNT] = { COUNT_MERGED(RUN_BRANCH("1", "ASC")), CAUSAL_READ },
	/* parameters: thread, created_after (NULL: none), thread, created_before */
	[TS_SQL_TIME_BOUNDS] = { "SELECT " SEQ_AT("<=") ", " SEQ_AT("<"), CAUSAL_READ },
	/* parameters: caller, caller, thread, LIMIT */
	[TS_SQL_PAGE_UP] = { PAGE_ALL " ORDER BY m.seq ASC LIMIT ?", CAUSAL_READ },
	[TS_SQL_PAGE_DOWN] = { PAGE_ALL " ORDER BY m.seq DESC LIMIT ?", CAUSAL_READ },
	/* parameters: caller, caller, thread, cursor, LIMIT */
	[TS_SQL_PAGE_UP_FROM] = { PAGE_FROM(">") " ORDER BY m.seq ASC LIMIT ?", CAUSAL_READ },
	[TS_SQL_PAGE_DOWN_FROM] = { PAGE_FROM("<") " ORDER BY m.seq DESC LIMIT ?", CAUSAL_READ },
	/* The page statements' thread columns alone, to check a kept page
	 * (src/page_cache.c); parameters: caller, thread. */
	[TS_SQL_PAGE_THREAD] = { "SELECT " PAGE_THREAD_COLS PAGE_FROM_THREAD " WHERE t.id = ?", CAUSAL_READ },
	/* A new link: the owner's thread locked (links and message writes of
	 * one thread queue here), what a snapshot records, and how many links
	 * of the thread are not revoked (the cap). Parameters: thread, owner. */
	[TS_SQL_SHARE_THREAD_LOCK] = {
		"SELECT t.row_id, t.last_seq, t.cleared_seq, t.message_count, t.title, "
		"(SELECT COUNT(*) FROM shares s FORCE INDEX (shares_live) WHERE s.thread_id = t.id "
		"AND s.revoked_at IS NULL) "
		"FROM threads t WHERE t.id = ? AND BINARY t.owner_id = BINARY ? FOR UPDATE", TS_SQLF_NONE },
	[TS_SQL_SHARE_INSERT] = {
		"INSERT INTO shares (id, token_hash, thread_row_id, thread_id, owner_id, mode, from_seq, "
		"through_seq, message_count, title, expires_at, created_at) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", TS_SQLF_NONE },
	[TS_SQL_SHARE_GET] = { "SELECT " SHARE_COLS " FROM shares WHERE id = ?", CAUSAL_READ },
	/* A snapshot's saved versions go to the purge when it is revoked:
	 * parameters share, owner (run before the revoke below). */
	[TS_SQL_SHARE_PURGE_MARK] = {
		"INSERT INTO share_purges (share_row_id) SELECT row_id FROM shares WHERE id = ? "
		"AND BINARY owner_id = BINARY ? AND revoked_at IS NULL AND mode = 1 "
		"ON DUPLICATE KEY UPDATE share_row_id = VALUES(share_row_id)", TS_SQLF_NONE },
	[TS_SQL_SHARE_REVOKE] = {
		"UPDATE shares SET revoked_at = UTC_TIMESTAMP(3) WHERE id = ? AND BINARY owner_id = BINARY ? "
		"AND revoked_at IS NULL", TS_SQLF_NONE },
	/* Deleting a thread ends its links, in the same transaction: at most
	 * TS_MAX_SHARES_PER_THREAD rows. Parameter: thread. */
	[TS_SQL_SHARES_PURGE_MARK_THREAD] = {
		"INSERT INTO share_purges (share_row_id) SELECT row_id FROM shares FORCE INDEX (shares_live) "
		"WHERE thread_id = ? AND revoked_at IS NULL AND mode = 1 "
		"ON DUPLICATE KEY UPDATE share_row_id = VALUES(share_row_id)", TS_SQLF_NONE },
	[TS_SQL_SHARES_REVOKE_THREAD] = {
		"UPDATE shares FORCE INDEX (shares_live) SET revoked_at = UTC_TIMESTAMP(3) "
		"WHERE thread_id = ? AND revoked_at IS NULL", TS_SQLF_NONE },
	[TS_SQL_SHARES_THREAD_UP] = { THREAD_SHARES(">", "ASC"), CAUSAL_READ },
	[TS_SQL_SHARES_THREAD_DOWN] = { THREAD_SHARES("<", "DESC"), CAUSAL_READ },
	[TS_SQL_SHARES_OWN_UP] = { OWN_SHARES(">", "ASC"), CAUSAL_READ },
	[TS_SQL_SHARES_OWN_DOWN] = { OWN_SHARES("<", "DESC"), CAUSAL_READ },
	/* A link that works now (not revoked, not expired), found by the hash
	 * of its token in one probe, with its thread (by row_id: never reused)
	 * and the sharing flag (enum ts_shared_col). */
	[TS_SQL_SHARE_RESOLVE] = {
		"SELECT s.row_id, s.token_hash, s.mode, s.from_seq, s.through_seq, s.message_count, s.title, "
		"s.expires_at, s.created_at, t.id, t.owner_id, t.title, t.message_count, t.cleared_seq, "
		"t.created_at, (SELECT value FROM system_settings WHERE name = 'public_sharing') "
		"FROM shares s JOIN threads t ON t.row_id = s.thread_row_id "
		"WHERE s.token_hash = ? AND s.revoked_at IS NULL "
		"AND (s.expires_at IS NULL OR s.expires_at > UTC_TIMESTAMP(3))", CAUSAL_READ },
	[TS_SQL_SNAPSHOT_UP] = { SNAPSHOT("ASC"), CAUSAL_READ },
	[TS_SQL_SNAPSHOT_DOWN] = { SNAPSHOT("DESC"), CAUSAL_READ },
	/* Before a message is changed or deleted (update lock: the thread's
	 * row is updated next, page_version or the delete's counters, so
	 * changes of one thread queue here as its creates do). */
	[TS_SQL_THREAD_SNAPSHOTS_EXCLUSIVE] = { THREAD_SNAPSHOTS " FOR UPDATE", TS_SQLF_NONE },
	/*
	 * Copy-on-write: a message of a thread as it is now, saved for every
	 * live snapshot that shows it and has no saved version of it yet (a
	 * later change keeps the first one: the snapshot shows the message as
	 * it was when the link was made). One probe of messages_id and at most
	 * TS_MAX_SHARES_PER_THREAD links. Parameters: message, thread.
	 */
	[TS_SQL_SHARE_COPY_ON_WRITE] = {
		"INSERT INTO share_versions (share_row_id, " MESSAGE_COLS ") "
		"SELECT s.row_id, " MESSAGE_COLS_OF("m.") " FROM shares s FORCE INDEX (shares_live) "
		"JOIN messages m ON m.id = ? AND m.thread_id = s.thread_id "
		"WHERE s.thread_id = ? AND " LIVE_SNAPSHOTS("s") " AND s.from_seq < m.seq AND s.through_seq >= m.seq "
		"ON DUPLICATE KEY UPDATE share_row_id = share_versions.share_row_id", TS_SQLF_NONE },
	/* The purge of revoked snapshots' versions (src/purge.c). */
	[TS_SQL_SHARE_PURGE_NEXT] = { "SELECT share_row_id FROM share_purges LIMIT 1", TS_SQLF_REPEATABLE },
	[TS_SQL_SHARE_PURGE_CHUNK] = {
		"DELETE FROM share_versions WHERE share_row_id = ? ORDER BY seq LIMIT ?", TS_SQLF_REPEATABLE },
	[TS_SQL_SHARE_PURGE_DONE] = { "DELETE FROM share_purges WHERE share_row_id = ?", TS_SQLF_REPEATABLE },
};

const char *const ts_sql_causal[TS_SQL__COUNT] = {
	[TS_SQL_MESSAGE_CREATE_ONE] = CREATE_ONE(TS_SQL_BEGIN_CAUSAL),
};
