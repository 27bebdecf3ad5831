/*
 * The shares table and the versions snapshots keep (sql/005): the
 * statements that create, find, list and revoke share links, read a
 * snapshot's page, and save a message before a write that a live snapshot
 * would see. No request context here (docs/design.md: Share links).
 */
#ifndef TS_SHARE_STORE_H
#define TS_SHARE_STORE_H

#include "db.h"
#include "timefmt.h"

enum ts_share_mode { TS_SHARE_LIVE, TS_SHARE_SNAPSHOT };

/* A link to make; every pointer borrowed for the call. */
struct ts_share_new {
	const unsigned char *id;        /* 16 bytes */
	const unsigned char *token_hash; /* 32 bytes: SHA-256 of the token */
	const unsigned char *thread_id; /* 16 bytes */
	const char *owner;              /* who must own the thread */
	enum ts_share_mode mode;
	const char *expires_at;         /* DATETIME(3) text, NULL: never */
	int max_links;                  /* links of the thread not revoked, at most */
};

enum ts_share_outcome {
	TS_SHARE_MADE,
	TS_SHARE_NO_THREAD,             /* no thread of this owner */
	TS_SHARE_TOO_MANY               /* max_links are not revoked already */
};

/*
 * Makes the link in one transaction: the owner's thread row locked (so no
 * message is changed between what a snapshot records and its insert), the
 * cap checked, the row inserted; a snapshot records the thread's cleared
 * and last seq, its count and title.
 */
enum ts_db_status ts_share_store_create(struct ts_db *db, const struct ts_share_new *n,
    enum ts_share_outcome *outcome);

/* Link id with its owner's columns (enum ts_share_col), or no row. The
 * caller frees rows. */
enum ts_db_status ts_share_store_get(struct ts_db *db, const unsigned char *id, struct ts_db_rows *rows);

/* Revokes link id of owner, if not revoked yet, and hands a snapshot's
 * saved versions to the purge; one transaction. */
enum ts_db_status ts_share_store_revoke(struct ts_db *db, const unsigned char *id, const char *owner);

/* Inside a transaction that deletes thread tid: revokes its links. */
enum ts_db_status ts_share_store_end_thread(struct ts_db *db, const unsigned char *tid);

/* A listing page: a thread's links (thread_row_id > 0) or an owner's,
 * keyset beyond bound in the scan's direction, limit rows at most. */
struct ts_share_page_query {
	long long thread_row_id;        /* 0: the owner's links */
	const char *owner;
	long long bound;
	int upward;
	long long limit;
};

enum ts_db_status ts_share_store_page(struct ts_db *db, const struct ts_share_page_query *q,
    struct ts_db_rows *rows);

/* The link whose token hashes to hash, if it works now (not revoked, not
 * expired), with its thread and the sharing flag (enum ts_shared_col). */
enum ts_db_status ts_share_store_resolve(struct ts_db *db, const unsigned char *hash, struct ts_db_rows *rows);

/*
 * A snapshot's rows with lo < seq < hi, nearest the scan's start first: its
 * saved versions and thread tid's rows, up to limit of each, a seq's saved
 * version before its row (column 0 says which: 1 saved), the message
 * columns from column 1.
 */
enum ts_db_status ts_share_store_snapshot(struct ts_db *db, long long share_row_id, const unsigned char *tid,
    long long lo, long long hi, int upward, long long limit, struct ts_db_rows *rows);

/*
 * Inside the transaction of a change or delete of message mid of thread
 * tid, before it: locks the thread row for update (the transaction updates
 * it next: the counters after a delete, page_version after a change; a
 * shared lock here would deadlock two changes of one thread), and when a
 * snapshot link of the thread is not revoked, saves the message as it is
 * for each live snapshot that shows it and has not saved it yet.
 */
enum ts_db_status ts_share_store_before_write(struct ts_db *db, const unsigned char *tid,
    const unsigned char *mid);

/* The same for a dead row about to be purged out of turn (its message_id
 * used again): no lock, since no new snapshot can show a dead row. */
enum ts_db_status ts_share_store_save(struct ts_db *db, const unsigned char *tid, const unsigned char *mid);

/* One step of the purge of revoked snapshots' versions: 1 when there was
 * one to take, 0 when none was left. */
enum ts_db_status ts_share_store_purge_step(struct ts_db *db, long long chunk, int *worked);

#endif
