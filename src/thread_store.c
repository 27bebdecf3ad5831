/* The threads table's writes (see thread_store.h). */
#include <string.h>

#include "limits.h"
#include "thread_store.h"

enum ts_db_status
ts_thread_store_insert(struct ts_db *db, const struct ts_thread_new *t)
{
	struct ts_db_param p[] = {
		ts_p_blob(t->id, 16),
		ts_p_str(t->owner, strlen(t->owner)),
		t->title != NULL ? ts_p_str(t->title, strlen(t->title)) : ts_p_null(),
		ts_p_int(t->visibility),
		ts_p_str(t->namespace_, strlen(t->namespace_)),
		ts_p_str(t->metadata, strlen(t->metadata)),
		ts_p_blob(t->id, 16),
	};

	return ts_db_exec(db, TS_SQL_THREAD_INSERT, p, sizeof(p) / sizeof(p[0]), NULL, NULL);
}

struct drop_args {
	const unsigned char *id;
	const char *owner;
	int whole;                      /* the thread too, not only its messages */
	unsigned long long done;
};

/*
 * The thread's messages go: at once when there are few (and no purge of
 * older ones is pending, whose rows would count too), else marked dead for
 * the purge. Either way one bounded step. 0 rows: no thread of this owner.
 */
static enum ts_db_status
drop_messages(struct ts_db *db, struct drop_args *a, int *found)
{
	struct ts_db_param p[] = { ts_p_blob(a->id, 16), ts_p_str(a->owner, strlen(a->owner)) };
	struct ts_db_rows state;
	enum ts_db_status st;
	int small;

	if ((st = ts_db_exec(db, TS_SQL_THREAD_PURGE_STATE, p, 2, &state, NULL)) != TS_DB_OK)
		return st;
	*found = state.nrows == 1;
	small = *found && ts_db_cell_ll(&state, 0, 0) <= TS_PURGE_CHUNK && ts_db_cell_ll(&state, 0, 1) == 0;
	ts_db_rows_free(&state);
	if (!*found)
		return TS_DB_OK;
	if (small)
		return ts_db_exec(db, TS_SQL_THREAD_DELETE_MESSAGES, p, 1, NULL, NULL);
	return ts_db_exec(db, TS_SQL_PURGE_MARK, p, 2, NULL, NULL);
}

static enum ts_db_status
drop_txn(struct ts_db *db, void *arg)
{
	struct drop_args *a = arg;
	struct ts_db_param p[] = { ts_p_blob(a->id, 16), ts_p_str(a->owner, strlen(a->owner)) };
	enum ts_db_status st;
	int found;

	a->done = 0;
	if ((st = drop_messages(db, a, &found)) != TS_DB_OK || !found)
		return st;
	if (a->whole)
		return ts_db_exec(db, TS_SQL_THREAD_DELETE, p, 2, NULL, &a->done);
	a->done = 1;
	return ts_db_exec(db, TS_SQL_THREAD_CLEAR_COUNTERS, p, 1, NULL, NULL);
}

static enum ts_db_status
drop(struct ts_db *db, const unsigned char *id, const char *owner, int whole, int *done)
{
	struct drop_args a = { id, owner, whole, 0 };
	enum ts_db_status st = ts_db_transaction(db, drop_txn, &a);

	*done = a.done > 0;
	return st;
}

enum ts_db_status
ts_thread_store_delete(struct ts_db *db, const unsigned char *id, const char *owner, int *done)
{
	return drop(db, id, owner, 1, done);
}

enum ts_db_status
ts_thread_store_clear(struct ts_db *db, const unsigned char *id, const char *owner, int *done)
{
	return drop(db, id, owner, 0, done);
}
