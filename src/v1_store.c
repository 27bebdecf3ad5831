/* A /v1 thread and its initial messages in one transaction. */
#include <string.h>

#include "access.h"
#include "thread_store.h"
#include "v1_store.h"

static enum ts_db_status
store_txn(struct ts_db *db, void *arg)
{
	struct ts_v1_new_thread *t = arg;
	/* Private, no title, namespace "" (§11 /v1). */
	struct ts_thread_new row = { t->id, t->owner, NULL, TS_VIS_PRIVATE, "", t->metadata };
	enum ts_db_status st;

	/* A rerun after a deadlock starts over from a rolled-back state. */
	if ((st = ts_thread_store_insert(db, &row)) != TS_DB_OK ||
	    (st = ts_messages_create_txn(db, t->create)) != TS_DB_OK)
		return st;
	/* Fresh ids, no parents, the caller's own new thread: nothing else can
	 * come out, but if it did, a thread without its messages must not be
	 * committed. */
	return t->create->outcome == TS_CREATE_OK ? TS_DB_OK : TS_DB_ERROR;
}

enum ts_db_status
ts_v1_store_thread(struct ts_db *db, struct ts_v1_new_thread *t)
{
	return ts_db_transaction(db, store_txn, t);
}
