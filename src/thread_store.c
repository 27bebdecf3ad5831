/* The threads table's writes (see thread_store.h). */
#include <string.h>

#include "access.h"
#include "ts_limits.h"
#include "message_store.h"
#include "share_store.h"
#include "thread_store.h"

enum ts_db_status
ts_thread_store_get(struct ts_db *db, const unsigned char *id, struct ts_db_rows *rows)
{
	struct ts_db_param p[] = { ts_p_blob(id, 16) };

	return ts_db_exec(db, TS_SQL_THREAD_GET, p, 1, rows, NULL);
}

static struct ts_db_param
str_or_null(const char *s)
{
	return s != NULL ? ts_p_str(s, strlen(s)) : ts_p_null();
}

enum ts_db_status
ts_thread_store_update(struct ts_db *db, const unsigned char *id, const char *owner,
    const struct ts_thread_patch *f)
{
	struct ts_db_param p[] = {
		ts_p_int(f->has_title), str_or_null(f->title),
		ts_p_int(f->has_visibility), ts_p_int(f->visibility),
		ts_p_int(f->has_namespace), str_or_null(f->has_namespace ? f->namespace_ : ""),
		ts_p_int(f->has_metadata), str_or_null(f->has_metadata ? f->metadata : "{}"),
		ts_p_blob(id, 16), ts_p_str(owner, strlen(owner)),
	};

	if (!f->has_title && !f->has_visibility && !f->has_namespace && !f->has_metadata)
		return TS_DB_OK;
	return ts_db_exec(db, TS_SQL_THREAD_UPDATE, p, sizeof(p) / sizeof(p[0]), NULL, NULL);
}

enum ts_db_status
ts_thread_store_page_all(struct ts_db *db, long long bound, long long limit, struct ts_db_rows *rows)
{
	struct ts_db_param p[] = { ts_p_int(bound), ts_p_int(limit) };

	return ts_db_exec(db, TS_SQL_THREADS_ALL_DOWN, p, 2, rows, NULL);
}

enum ts_db_status
ts_thread_store_cursor(struct ts_db *db, const unsigned char *id, struct ts_db_rows *rows)
{
	struct ts_db_param p[] = { ts_p_blob(id, 16) };

	return ts_db_exec(db, TS_SQL_THREAD_CURSOR, p, 1, rows, NULL);
}

/*
 * The statement for a listing's filters and direction (src/sql.c): each
 * combination has an index whose range is in row_id order. On the public
 * directory a visibility filter other than public selects nothing, and
 * public itself adds nothing.
 */
static enum ts_sql
page_statement(const struct ts_thread_page_query *q)
{
	static const enum ts_sql own[2][2][2] = {       /* [namespace][visibility][upward] */
		{ { TS_SQL_THREADS_OWN_DOWN, TS_SQL_THREADS_OWN_UP },
		  { TS_SQL_THREADS_OWN_VIS_DOWN, TS_SQL_THREADS_OWN_VIS_UP } },
		{ { TS_SQL_THREADS_OWN_NS_DOWN, TS_SQL_THREADS_OWN_NS_UP },
		  { TS_SQL_THREADS_OWN_NS_VIS_DOWN, TS_SQL_THREADS_OWN_NS_VIS_UP } } };
	static const enum ts_sql pub[2][2] = {          /* [namespace][upward] */
		{ TS_SQL_THREADS_PUBLIC_DOWN, TS_SQL_THREADS_PUBLIC_UP },
		{ TS_SQL_THREADS_PUBLIC_NS_DOWN, TS_SQL_THREADS_PUBLIC_NS_UP } };
	int ns = q->namespace_ != NULL, up = q->upward != 0;

	if (q->owner == NULL)
		return pub[ns][up];
	return own[ns][q->visibility >= 0][up];
}

enum ts_db_status
ts_thread_store_page(struct ts_db *db, const struct ts_thread_page_query *q, struct ts_db_rows *rows)
{
	struct ts_db_param p[6];
	size_t n = 0;

	if (q->owner == NULL && q->visibility >= 0 && q->visibility != TS_VIS_PUBLIC) {
		memset(rows, 0, sizeof(*rows));
		return TS_DB_OK;
	}
	if (q->owner != NULL) {
		p[n++] = ts_p_str(q->owner, strlen(q->owner));
		p[n++] = ts_p_str(q->owner, strlen(q->owner));
	}
	if (q->namespace_ != NULL)
		p[n++] = ts_p_str(q->namespace_, strlen(q->namespace_));
	if (q->owner != NULL && q->visibility >= 0)
		p[n++] = ts_p_int(q->visibility);
	p[n++] = ts_p_int(q->bound);
	p[n++] = ts_p_int(q->limit);
	return ts_db_exec(db, page_statement(q), p, n, rows, NULL);
}

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
 * older ones is pending, whose rows would count too, and, for a clear, no
 * snapshot link still shows them), else marked dead for the purge, which
 * leaves the rows a live snapshot shows alone. Either way one bounded
 * step. 0 rows: no thread of this owner.
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
	small = *found && ts_db_cell_ll(&state, 0, 0) <= TS_PURGE_CHUNK && ts_db_cell_ll(&state, 0, 1) == 0 &&
	    (a->whole || ts_db_cell_ll(&state, 0, 2) == 0);
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
	if (a->whole) {
		/* Its links end with it (at most TS_MAX_SHARES_PER_THREAD). */
		if ((st = ts_share_store_end_thread(db, a->id)) != TS_DB_OK)
			return st;
		return ts_db_exec(db, TS_SQL_THREAD_DELETE, p, 2, NULL, &a->done);
	}
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

/* A new thread and its first messages, for ts_db_transaction. */
struct start_args {
	const char *namespace_;
	const char *metadata;
	struct ts_create *create;
};

static enum ts_db_status
start_txn(struct ts_db *db, void *arg)
{
	struct start_args *a = arg;
	/* Private, no title, in the namespace given ("" but for the agent
	 * platform) (API reference: One storage, one set of rules). */
	struct ts_thread_new row = { a->create->thread_id, a->create->owner, NULL, TS_VIS_PRIVATE, a->namespace_,
	    a->metadata };
	enum ts_db_status st;

	/* A rerun after a deadlock starts over from a rolled-back state. */
	if ((st = ts_thread_store_insert(db, &row)) != TS_DB_OK ||
	    (st = ts_messages_create_txn(db, a->create)) != TS_DB_OK)
		return st;
	/* Fresh ids, no parents, the caller's own new thread: nothing else can
	 * come out, but if it did, a thread without its messages must not be
	 * committed. */
	return a->create->outcome == TS_CREATE_OK ? TS_DB_OK : TS_DB_ERROR;
}

enum ts_db_status
ts_thread_store_insert_with_messages(struct ts_db *db, const char *namespace_, const char *metadata,
    struct ts_create *create)
{
	struct start_args a = { namespace_, metadata, create };

	return ts_db_transaction(db, start_txn, &a);
}
