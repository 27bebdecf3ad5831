/* The messages table's statements about existing messages (message_table.h). */
#include <string.h>

#include "message_table.h"
#include "roles.h"
#include "share_store.h"

enum ts_db_status
ts_message_table_get(struct ts_db *db, const unsigned char *tid, const unsigned char *mid,
    struct ts_db_rows *rows)
{
	struct ts_db_param p[] = { ts_p_blob(mid, 16), ts_p_blob(tid, 16) };

	return ts_db_exec(db, TS_SQL_MESSAGE_IN_THREAD, p, 2, rows, NULL);
}

enum ts_db_status
ts_message_table_read(struct ts_db *db, const unsigned char *tid, const unsigned char *mid,
    struct ts_db_rows *rows)
{
	struct ts_db_param p[] = { ts_p_blob(mid, 16), ts_p_blob(tid, 16) };

	return ts_db_exec(db, TS_SQL_MESSAGE_READ, p, 2, rows, NULL);
}

enum ts_db_status
ts_message_table_seq(struct ts_db *db, const unsigned char *tid, const unsigned char *mid,
    long long *seq)
{
	struct ts_db_param p[] = { ts_p_blob(mid, 16), ts_p_blob(tid, 16) };
	struct ts_db_rows r;
	enum ts_db_status st;

	*seq = 0;
	if ((st = ts_db_exec(db, TS_SQL_MESSAGE_SEQ_OF, p, 2, &r, NULL)) != TS_DB_OK)
		return st;
	if (r.nrows == 1)
		*seq = ts_db_cell_ll(&r, 0, 0);
	ts_db_rows_free(&r);
	return TS_DB_OK;
}

static struct ts_db_param
text_or_null(const char *s)
{
	return s != NULL ? ts_p_str(s, strlen(s)) : ts_p_null();
}

struct update_args {
	const unsigned char *tid;
	const unsigned char *mid;
	const struct ts_message_change *c;
};

/* A live snapshot that shows the message keeps it as it was (one check,
 * which locks the thread's row, share_store.h); then the change, and the
 * thread's page version with it (sql/006_page_version.sql). */
static enum ts_db_status
update_txn(struct ts_db *db, void *arg)
{
	struct update_args *a = arg;
	const struct ts_message_change *c = a->c;
	struct ts_db_param p[] = {
		ts_p_int(c->has_text), c->has_text ? ts_p_str(c->text, c->text_len) : ts_p_str("", 0),
		ts_p_int(c->has_extra), text_or_null(c->content_extra),
		ts_p_int(c->has_metadata), c->has_metadata ? text_or_null(c->metadata) : ts_p_str("{}", 2),
		ts_p_int(c->has_details), text_or_null(c->details),
		ts_p_int(c->has_text),
		ts_p_blob(a->mid, 16), ts_p_blob(a->tid, 16),
	};
	struct ts_db_param thread = ts_p_blob(a->tid, 16);
	enum ts_db_status st;

	if ((st = ts_share_store_before_write(db, a->tid, a->mid)) != TS_DB_OK ||
	    (st = ts_db_exec(db, TS_SQL_MESSAGE_UPDATE, p, sizeof(p) / sizeof(p[0]), NULL, NULL)) != TS_DB_OK)
		return st;
	return ts_db_exec(db, TS_SQL_THREAD_PAGE_CHANGED, &thread, 1, NULL, NULL);
}

enum ts_db_status
ts_message_table_update(struct ts_db *db, const unsigned char *tid, const unsigned char *mid,
    const struct ts_message_change *c)
{
	struct update_args a = { tid, mid, c };

	return ts_db_transaction(db, update_txn, &a);
}

struct delete_args {
	const unsigned char *tid;
	const unsigned char *mid;
	int role;                       /* roles never change */
	unsigned long long deleted;
};

static enum ts_db_status
delete_txn(struct ts_db *db, void *arg)
{
	struct delete_args *a = arg;
	struct ts_db_param one[] = { ts_p_blob(a->mid, 16), ts_p_blob(a->tid, 16) };
	struct ts_db_param counters[2 + TS_ROLE__COUNT];
	enum ts_db_status st;
	size_t n = 0;
	int r;

	if ((st = ts_share_store_before_write(db, a->tid, a->mid)) != TS_DB_OK ||
	    (st = ts_db_exec(db, TS_SQL_MESSAGE_DELETE, one, 2, NULL, &a->deleted)) != TS_DB_OK ||
	    a->deleted == 0)
		return st;
	counters[n++] = ts_p_int((long long)a->deleted);
	for (r = 0; r < TS_ROLE__COUNT; r++)
		counters[n++] = ts_p_int(r == a->role ? (long long)a->deleted : 0);
	counters[n++] = ts_p_blob(a->tid, 16);
	return ts_db_exec(db, TS_SQL_THREAD_AFTER_DELETE, counters, n, NULL, NULL);
}

enum ts_db_status
ts_message_table_delete(struct ts_db *db, const unsigned char *tid, const unsigned char *mid, int role,
    int *deleted)
{
	struct delete_args a = { tid, mid, role, 0 };
	enum ts_db_status st = ts_db_transaction(db, delete_txn, &a);

	*deleted = a.deleted > 0;
	return st;
}

enum ts_db_status
ts_message_table_page(struct ts_db *db, const unsigned char *tid, const unsigned char *cursor,
    const char *caller, int upward, long long limit, struct ts_db_rows *rows)
{
	static const enum ts_sql ids[2][2] = {
		{ TS_SQL_PAGE_DOWN, TS_SQL_PAGE_UP }, { TS_SQL_PAGE_DOWN_FROM, TS_SQL_PAGE_UP_FROM } };
	struct ts_db_param p[5];
	size_t n = 0;

	p[n++] = caller != NULL ? ts_p_str(caller, strlen(caller)) : ts_p_null();
	p[n] = p[n - 1];        /* PAGE_READABLE twice: the column and the join */
	n++;
	p[n++] = ts_p_blob(tid, 16);
	if (cursor != NULL)
		p[n++] = ts_p_blob(cursor, 16);
	p[n++] = ts_p_int(limit);
	return ts_db_exec(db, ids[cursor != NULL][upward != 0], p, n, rows, NULL);
}

enum ts_db_status
ts_message_table_page_thread(struct ts_db *db, const unsigned char *tid, const char *caller,
    struct ts_db_rows *rows)
{
	struct ts_db_param p[2];

	p[0] = caller != NULL ? ts_p_str(caller, strlen(caller)) : ts_p_null();
	p[1] = ts_p_blob(tid, 16);
	return ts_db_exec(db, TS_SQL_PAGE_THREAD, p, 2, rows, NULL);
}
