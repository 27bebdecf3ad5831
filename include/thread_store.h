/*
 * The threads table: the statements that create and delete a thread, in one
 * place for every surface (/api, /v1). No request context here: callers pass
 * what the row holds.
 */
#ifndef TS_THREAD_STORE_H
#define TS_THREAD_STORE_H

#include "db.h"

/* A thread to insert; every pointer is borrowed for the call. */
struct ts_thread_new {
	const unsigned char *id;        /* 16 bytes */
	const char *owner;
	const char *title;              /* NULL: no title */
	int visibility;                 /* enum ts_visibility */
	const char *namespace_;
	const char *metadata;           /* canonical JSON text of the object */
};

/*
 * The thread id with the public_sharing flag, in one round trip (no cache:
 * a change of either is seen at once). rows holds the thread columns (enum
 * ts_thread_col) and TS_TC_SHARING_FLAG; no row when there is no such
 * thread. The caller frees rows.
 */
enum ts_db_status ts_thread_store_get(struct ts_db *db, const unsigned char *id, struct ts_db_rows *rows);

/* The fields a PATCH changes; a field changes only when its has_ is set. */
struct ts_thread_patch {
	int has_title, has_visibility, has_namespace, has_metadata;
	const char *title;              /* NULL: no title */
	int visibility;
	const char *namespace_;
	const char *metadata;           /* canonical JSON text */
};

/* Changes thread id of owner, in one statement (two PATCHes of different
 * fields cannot undo each other). Nothing to change: nothing is sent. */
enum ts_db_status ts_thread_store_update(struct ts_db *db, const unsigned char *id, const char *owner,
    const struct ts_thread_patch *p);

/* A listing cursor: the thread's row_id, owner and visibility (columns 0-2),
 * or no row. The caller frees rows. */
enum ts_db_status ts_thread_store_cursor(struct ts_db *db, const unsigned char *id, struct ts_db_rows *rows);

/* One page of a listing: the caller's own threads (owner set) or the public
 * directory (owner NULL), filtered, keyset beyond bound in the scan's
 * direction; limit rows at most, with the thread columns. */
struct ts_thread_page_query {
	const char *owner;              /* NULL: the public directory */
	const char *namespace_;         /* NULL: any */
	int visibility;                 /* -1: any */
	long long bound;                /* row_id the scan starts beyond */
	int upward;
	long long limit;
};

enum ts_db_status ts_thread_store_page(struct ts_db *db, const struct ts_thread_page_query *q,
    struct ts_db_rows *rows);

/* The operator's listing of every thread, newest first: limit rows with
 * row_id below bound, with the thread columns. The caller frees rows. */
enum ts_db_status ts_thread_store_page_all(struct ts_db *db, long long bound, long long limit,
    struct ts_db_rows *rows);

/*
 * Inserts t. TS_DB_DUPLICATE when the id exists. An id whose thread was
 * deleted moments ago, with messages still to purge, numbers its messages
 * on after the old ones (which no read shows).
 */
enum ts_db_status ts_thread_store_insert(struct ts_db *db, const struct ts_thread_new *t);

/*
 * Deletes thread id of owner, or (clear) only its messages, in one
 * transaction whose cost does not grow with the thread: up to
 * TS_PURGE_CHUNK messages are deleted at once; more are marked dead and
 * purged later (src/purge.c), unseen by every read meanwhile. A cleared
 * thread numbers its next message after its old last. *done: 1, or 0 when
 * there was no such thread of that owner.
 */
enum ts_db_status ts_thread_store_delete(struct ts_db *db, const unsigned char *id, const char *owner,
    int *done);
enum ts_db_status ts_thread_store_clear(struct ts_db *db, const unsigned char *id, const char *owner,
    int *done);

/*
 * A new private thread (no title) in namespace_ of create->owner with id
 * create->thread_id and metadata (canonical JSON text), and its messages
 * create->items (create->ids filled: fresh ids), in one transaction, with
 * the message store's own transaction body: seq, message_count and
 * last_message_at are what adding them one by one would make.
 */
struct ts_create;
enum ts_db_status ts_thread_store_insert_with_messages(struct ts_db *db, const char *namespace_,
    const char *metadata, struct ts_create *create);

#endif
