/* Creating messages: one or a batch, all or nothing, in one transaction. */
#ifndef TS_MESSAGE_STORE_H
#define TS_MESSAGE_STORE_H

#include <stddef.h>
#include <uuid/uuid.h>

#include "db.h"
#include "message_input.h"
#include "timefmt.h"

enum ts_create_outcome {
	TS_CREATE_OK,           /* created (items marked existing were returned as stored) */
	TS_CREATE_NO_THREAD,    /* no thread of this owner: gone, or never the caller's */
	TS_CREATE_BAD_PARENT,   /* items[bad_index]'s parent is not in the thread: 422 */
	TS_CREATE_CONFLICT      /* a message_id names another message: 409 */
};

/* The caller owns every array; n items, ids and existing of n entries. */
struct ts_create {
	const unsigned char *thread_id;
	const char *owner;      /* the caller, who must own the thread */
	struct ts_message_input *items;
	size_t n;
	uuid_t *ids;            /* out: the id of each item */
	int *existing;          /* out: item i existed already (idempotent repeat) */
	long long *seqs;        /* out: the seq each new item was stored with */
	char now[TS_DB_TIME_LEN + 1]; /* out: created_at/updated_at of the new items */
	enum ts_create_outcome outcome;
	size_t bad_index;
};

enum ts_db_status ts_messages_create(struct ts_db *db, struct ts_create *c);

/*
 * The body of ts_messages_create's transaction, for a caller that creates
 * messages inside a transaction of its own (a /v1 thread with its first
 * messages). c->ids must be filled; run it only inside ts_db_transaction.
 */
enum ts_db_status ts_messages_create_txn(struct ts_db *db, struct ts_create *c);

#endif
