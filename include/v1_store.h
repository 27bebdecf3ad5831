/*
 * Storing a thread created through /v1 together with its initial messages
 * (§10 POST /v1/threads with "messages"): one transaction, all or nothing.
 */
#ifndef TS_V1_STORE_H
#define TS_V1_STORE_H

#include "db.h"
#include "message_store.h"

/* The caller owns everything; create->ids must be filled (fresh ids). */
struct ts_v1_new_thread {
	const unsigned char *id;
	const char *owner;              /* the caller's sub */
	const char *metadata;           /* canonical JSON text of the object */
	struct ts_create *create;       /* the messages, create->thread_id == id */
};

/*
 * Inserts the thread (private, title null, namespace "", §11) and its
 * messages in one transaction, with the message store's own transaction body,
 * so seq, message_count and last_message_at are what /api would make.
 */
enum ts_db_status ts_v1_store_thread(struct ts_db *db, struct ts_v1_new_thread *t);

#endif
