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
	TS_SQL_LEASE_TAKE,
	TS_SQL_LEASE_RELEASE,
	TS_SQL_WSREP_ON,
	TS_SQL_MIGRATIONS_APPLIED,
	TS_SQL_MIGRATION_RECORD,
	TS_SQL_THREAD_INSERT,
	TS_SQL_THREAD_GET,
	TS_SQL_THREAD_UPDATE,
	TS_SQL_THREAD_PURGE_STATE,
	TS_SQL_THREAD_DELETE_MESSAGES,
	TS_SQL_PURGE_MARK,
	TS_SQL_THREAD_DELETE,
	TS_SQL_THREAD_CURSOR,
	/* thread listings: one statement per filter combination and direction */
	TS_SQL_THREADS_OWN_UP,
	TS_SQL_THREADS_OWN_DOWN,
	TS_SQL_THREADS_OWN_NS_UP,
	TS_SQL_THREADS_OWN_NS_DOWN,
	TS_SQL_THREADS_OWN_VIS_UP,
	TS_SQL_THREADS_OWN_VIS_DOWN,
	TS_SQL_THREADS_OWN_NS_VIS_UP,
	TS_SQL_THREADS_OWN_NS_VIS_DOWN,
	TS_SQL_THREADS_PUBLIC_UP,
	TS_SQL_THREADS_PUBLIC_DOWN,
	TS_SQL_THREADS_PUBLIC_NS_UP,
	TS_SQL_THREADS_PUBLIC_NS_DOWN,
	/* the operator's commands (src/cli_look.c) */
	TS_SQL_THREADS_ALL_DOWN,
	TS_SQL_STATS_ESTIMATES,
	TS_SQL_STATS_NEWEST,
	TS_SQL_MESSAGE_BY_ID,
	TS_SQL_MESSAGE_IN_THREAD,
	TS_SQL_MESSAGE_READ,
	TS_SQL_MESSAGE_SEQ_OF,
	TS_SQL_THREAD_LOCK,
	TS_SQL_THREAD_NEXT_SEQ,
	TS_SQL_THREAD_LOCK_TIME,
	TS_SQL_THREAD_LAST_SEQ,
	TS_SQL_MESSAGE_INSERT,
	TS_SQL_MESSAGE_CREATE_ONE,
	TS_SQL_MESSAGE_UPDATE,
	TS_SQL_MESSAGE_DELETE,
	TS_SQL_THREAD_AFTER_DELETE,
	TS_SQL_THREAD_CLEAR_COUNTERS,
	TS_SQL_THREAD_PAGE_CHANGED,
	TS_SQL_PAGE_THREAD,
	TS_SQL_MESSAGE_PURGE_ONE,
	TS_SQL_PURGE_NEXT,
	TS_SQL_PURGE_CHUNK,
	TS_SQL_PURGE_DONE,
	/* bounded message ranges (src/message_ranges.c) */
	TS_SQL_RANGE_UP,
	TS_SQL_RANGE_DOWN,
	TS_SQL_RANGE_ROLES_UP,
	TS_SQL_RANGE_ROLES_DOWN,
	TS_SQL_RANGE_RUN_UP,
	TS_SQL_RANGE_RUN_DOWN,
	TS_SQL_RANGE_COUNT,
	TS_SQL_RANGE_ROLES_COUNT,
	TS_SQL_RANGE_RUN_COUNT,
	TS_SQL_TIME_BOUNDS,
	TS_SQL_PAGE_UP,
	TS_SQL_PAGE_DOWN,
	TS_SQL_PAGE_UP_FROM,
	TS_SQL_PAGE_DOWN_FROM,
	/* share links (src/share_store.c) */
	TS_SQL_SHARE_THREAD_LOCK,
	TS_SQL_SHARE_INSERT,
	TS_SQL_SHARE_GET,
	TS_SQL_SHARE_PURGE_MARK,
	TS_SQL_SHARE_REVOKE,
	TS_SQL_SHARES_PURGE_MARK_THREAD,
	TS_SQL_SHARES_REVOKE_THREAD,
	TS_SQL_SHARES_THREAD_UP,
	TS_SQL_SHARES_THREAD_DOWN,
	TS_SQL_SHARES_OWN_UP,
	TS_SQL_SHARES_OWN_DOWN,
	TS_SQL_SHARE_RESOLVE,
	TS_SQL_SNAPSHOT_UP,
	TS_SQL_SNAPSHOT_DOWN,
	TS_SQL_THREAD_SNAPSHOTS_EXCLUSIVE,
	TS_SQL_SHARE_COPY_ON_WRITE,
	TS_SQL_SHARE_PURGE_NEXT,
	TS_SQL_SHARE_PURGE_CHUNK,
	TS_SQL_SHARE_PURGE_DONE,
	TS_SQL__COUNT
};

/* The columns every thread query returns, in this order (src/threads_store.c). */
enum ts_thread_col {
	TS_TC_ID, TS_TC_OWNER, TS_TC_TITLE, TS_TC_VISIBILITY, TS_TC_NAMESPACE,
	TS_TC_METADATA, TS_TC_MESSAGE_COUNT, TS_TC_LAST_MESSAGE_AT, TS_TC_CREATED_AT,
	TS_TC_UPDATED_AT, TS_TC_ROW_ID,
	/* per-role message counts, in enum ts_role order */
	TS_TC_USER_COUNT, TS_TC_ASSISTANT_COUNT, TS_TC_SYSTEM_COUNT, TS_TC_TOOL_COUNT,
	/* messages up to this seq were cleared: reads skip them */
	TS_TC_CLEARED_SEQ,
	TS_TC__COUNT,
	/* TS_SQL_THREAD_GET adds the public_sharing flag after the thread's columns */
	TS_TC_SHARING_FLAG = TS_TC__COUNT
};

/* The columns every message query returns, in this order. */
enum ts_message_col {
	TS_MC_THREAD_ID, TS_MC_SEQ, TS_MC_ID, TS_MC_ROLE, TS_MC_TEXT, TS_MC_CONTENT_EXTRA,
	TS_MC_DETAILS, TS_MC_METADATA, TS_MC_ATTACHMENTS, TS_MC_PARENT_ID, TS_MC_RUN_ID,
	TS_MC_ASSISTANT_ID, TS_MC_MODEL, TS_MC_SOURCE, TS_MC_TOOL_CALL_ID, TS_MC_TOOL_NAME,
	TS_MC_TOOL_CALLS, TS_MC_TOKEN_COUNT, TS_MC_PROMPT_TOKENS, TS_MC_COMPLETION_TOKENS,
	TS_MC_LATENCY_MS, TS_MC_COMPARISON_ID, TS_MC_CREATED_AT, TS_MC_UPDATED_AT,
	TS_MC_ITEM,     /* a conversation item's JSON without its id; NULL otherwise */
	TS_MC__COUNT,
	/* TS_SQL_MESSAGE_BY_ID adds whether the row is dead (cleared or its
	 * thread deleted, still to be purged) after the message's columns */
	TS_MC_DEAD = TS_MC__COUNT
};

/*
 * The columns of a page statement (TS_SQL_PAGE_*): the thread's owner_id,
 * visibility and message_count, the sharing flag, whether the page was
 * read for a caller who may read it (TS_PC_READABLE, 1 or 0; see
 * PAGE_READABLE in sql.c), and the thread's row_id and page_version (what
 * a kept page is checked against, src/page_cache.c) on every row, then the
 * message columns (enum ts_message_col) from TS_PC_MESSAGE on.
 * TS_SQL_PAGE_THREAD reads the thread's columns alone, up to TS_PC_MESSAGE.
 */
enum ts_page_col {
	TS_PC_OWNER, TS_PC_VISIBILITY, TS_PC_MESSAGE_COUNT, TS_PC_SHARING_FLAG,
	TS_PC_READABLE, TS_PC_ROW_ID, TS_PC_PAGE_VERSION,
	TS_PC_MESSAGE,
	TS_PC__COUNT = TS_PC_MESSAGE + TS_MC__COUNT
};

/*
 * The columns of TS_SQL_MESSAGE_READ: the message columns (enum
 * ts_message_col), then its thread's owner_id and visibility and the
 * sharing flag, so that the row is read as one message.
 */
enum ts_read_col {
	TS_RC_OWNER = TS_MC__COUNT, TS_RC_VISIBILITY, TS_RC_SHARING_FLAG,
	TS_RC__COUNT
};

/* The columns of a share as its owner sees it (TS_SQL_SHARE_GET, the listings). */
enum ts_share_col {
	TS_SC_ID, TS_SC_THREAD_ID, TS_SC_MODE, TS_SC_EXPIRES_AT, TS_SC_REVOKED_AT, TS_SC_CREATED_AT,
	TS_SC_ROW_ID, TS_SC_THREAD_ROW_ID, TS_SC_OWNER,
	TS_SC__COUNT
};

/*
 * The columns of TS_SQL_SHARE_RESOLVE: a link that works now, its thread and
 * the sharing flag, in one round trip.
 */
enum ts_shared_col {
	TS_SH_ROW_ID, TS_SH_TOKEN_HASH, TS_SH_MODE, TS_SH_FROM_SEQ, TS_SH_THROUGH_SEQ, TS_SH_SNAP_COUNT,
	TS_SH_SNAP_TITLE, TS_SH_EXPIRES_AT, TS_SH_CREATED_AT,
	TS_SH_THREAD_ID, TS_SH_OWNER, TS_SH_TITLE, TS_SH_MESSAGE_COUNT, TS_SH_CLEARED_SEQ,
	TS_SH_THREAD_CREATED_AT, TS_SH_SHARING_FLAG,
	TS_SH__COUNT
};

enum ts_sql_flags {
	TS_SQLF_NONE = 0,
	TS_SQLF_REPEATABLE = 1 << 0, /* safe to run again after a lost connection */
	/*
	 * Must see every write acknowledged before it: the caller's own
	 * earlier writes (read-your-writes), a cursor from an earlier page,
	 * the sharing flag just changed. On a cluster with sync_wait it waits
	 * for its node to catch up first (src/db_hosts.c); else it changes
	 * nothing. Statements inside a transaction need no flag: the
	 * transaction's start waits instead.
	 */
	TS_SQLF_CAUSAL = 1 << 1
};

/*
 * How a transaction starts; with sync_wait (src/db_hosts.c), causally: it
 * sees every write the cluster acknowledged before it began. A statement
 * that is a whole transaction by itself starts its own the same way.
 */
#define TS_SQL_CAUSAL_PREFIX "SET STATEMENT wsrep_sync_wait = 1 FOR "
#define TS_SQL_BEGIN "START TRANSACTION"
#define TS_SQL_BEGIN_CAUSAL TS_SQL_CAUSAL_PREFIX TS_SQL_BEGIN

struct ts_sql_stmt {
	const char *text;
	unsigned int flags;
};

extern const struct ts_sql_stmt ts_sql_table[TS_SQL__COUNT];

/*
 * With sync_wait, the text prepared instead of ts_sql_table's (NULL: that
 * text, prefixed when TS_SQLF_CAUSAL): a statement that begins its own
 * transaction begins it with TS_SQL_BEGIN_CAUSAL.
 */
extern const char *const ts_sql_causal[TS_SQL__COUNT];

#endif
