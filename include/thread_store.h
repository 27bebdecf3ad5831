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

#endif
