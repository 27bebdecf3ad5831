/* The shares table and the snapshots' saved versions (share_store.h). */
#include <string.h>

#include "share_store.h"

struct create_args {
	const struct ts_share_new *n;
	enum ts_share_outcome outcome;
};

static enum ts_db_status
create_txn(struct ts_db *db, void *arg)
{
	struct create_args *a = arg;
	const struct ts_share_new *n = a->n;
	struct ts_db_param lock[] = { ts_p_blob(n->thread_id, 16), ts_p_str(n->owner, strlen(n->owner)) };
	char now[TS_DB_TIME_LEN + 1];
	struct ts_db_rows t;
	enum ts_db_status st;
	int snap = n->mode == TS_SHARE_SNAPSHOT;

	a->outcome = TS_SHARE_MADE;
	ts_time_now_db(now);
	if ((st = ts_db_exec(db, TS_SQL_SHARE_THREAD_LOCK, lock, 2, &t, NULL)) != TS_DB_OK)
		return st;
	if (t.nrows != 1)
		a->outcome = TS_SHARE_NO_THREAD;
	else if (ts_db_cell_ll(&t, 0, 5) >= n->max_links)
		a->outcome = TS_SHARE_TOO_MANY;
	if (a->outcome == TS_SHARE_MADE) {
		const struct ts_db_cell *title = ts_db_cell(&t, 0, 4);
		struct ts_db_param p[] = {
			ts_p_blob(n->id, 16), ts_p_blob(n->token_hash, 32), ts_p_int(ts_db_cell_ll(&t, 0, 0)),
			ts_p_blob(n->thread_id, 16), ts_p_str(n->owner, strlen(n->owner)), ts_p_int(n->mode),
			ts_p_int(snap ? ts_db_cell_ll(&t, 0, 2) : 0), ts_p_int(snap ? ts_db_cell_ll(&t, 0, 1) : 0),
			ts_p_int(snap ? ts_db_cell_ll(&t, 0, 3) : 0),
			snap && title->data != NULL ? ts_p_str(title->data, title->len) : ts_p_null(),
			n->expires_at != NULL ? ts_p_str(n->expires_at, TS_DB_TIME_LEN) : ts_p_null(),
			ts_p_str(now, TS_DB_TIME_LEN),
		};

		st = ts_db_exec(db, TS_SQL_SHARE_INSERT, p, sizeof(p) / sizeof(p[0]), NULL, NULL);
	}
	ts_db_rows_free(&t);
	return st;
}

enum ts_db_status
ts_share_store_create(struct ts_db *db, const struct ts_share_new *n, enum ts_share_outcome *outcome)
{
	struct create_args a = { n, TS_SHARE_MADE };
	enum ts_db_status st = ts_db_transaction(db, create_txn, &a);

	*outcome = a.outcome;
	return st;
}

enum ts_db_status
ts_share_store_get(struct ts_db *db, const unsigned char *id, struct ts_db_rows *rows)
{
	struct ts_db_param p[] = { ts_p_blob(id, 16) };

	return ts_db_exec(db, TS_SQL_SHARE_GET, p, 1, rows, NULL);
}

struct revoke_args {
	const unsigned char *id;
	const char *owner;
};

static enum ts_db_status
revoke_txn(struct ts_db *db, void *arg)
{
	struct revoke_args *a = arg;
	struct ts_db_param p[] = { ts_p_blob(a->id, 16), ts_p_str(a->owner, strlen(a->owner)) };
	enum ts_db_status st;

	if ((st = ts_db_exec(db, TS_SQL_SHARE_PURGE_MARK, p, 2, NULL, NULL)) != TS_DB_OK)
		return st;
	return ts_db_exec(db, TS_SQL_SHARE_REVOKE, p, 2, NULL, NULL);
}

enum ts_db_status
ts_share_store_revoke(struct ts_db *db, const unsigned char *id, const char *owner)
{
	struct revoke_args a = { id, owner };

	return ts_db_transaction(db, revoke_txn, &a);
}

enum ts_db_status
ts_share_store_end_thread(struct ts_db *db, const unsigned char *tid)
{
	struct ts_db_param p[] = { ts_p_blob(tid, 16) };
	enum ts_db_status st;

	if ((st = ts_db_exec(db, TS_SQL_SHARES_PURGE_MARK_THREAD, p, 1, NULL, NULL)) != TS_DB_OK)
		return st;
	return ts_db_exec(db, TS_SQL_SHARES_REVOKE_THREAD, p, 1, NULL, NULL);
}

enum ts_db_status
ts_share_store_page(struct ts_db *db, const struct ts_share_page_query *q, struct ts_db_rows *rows)
{
	struct ts_db_param p[4];
	size_t n = 0;
	enum ts_sql id;

	if (q->thread_row_id > 0) {
		p[n++] = ts_p_int(q->thread_row_id);
		id = q->upward ? TS_SQL_SHARES_THREAD_UP : TS_SQL_SHARES_THREAD_DOWN;
	} else {
		p[n++] = ts_p_str(q->owner, strlen(q->owner));
		p[n++] = ts_p_str(q->owner, strlen(q->owner));
		id = q->upward ? TS_SQL_SHARES_OWN_UP : TS_SQL_SHARES_OWN_DOWN;
	}
	p[n++] = ts_p_int(q->bound);
	p[n++] = ts_p_int(q->limit);
	return ts_db_exec(db, id, p, n, rows, NULL);
}

enum ts_db_status
ts_share_store_resolve(struct ts_db *db, const unsigned char *hash, struct ts_db_rows *rows)
{
	struct ts_db_param p[] = { ts_p_blob(hash, 32) };

	return ts_db_exec(db, TS_SQL_SHARE_RESOLVE, p, 1, rows, NULL);
}

enum ts_db_status
ts_share_store_snapshot(struct ts_db *db, long long share_row_id, const unsigned char *tid, long long lo,
    long long hi, int upward, long long limit, struct ts_db_rows *rows)
{
	struct ts_db_param p[] = {
		ts_p_int(share_row_id), ts_p_int(lo), ts_p_int(hi), ts_p_int(limit),
		ts_p_blob(tid, 16), ts_p_int(lo), ts_p_int(hi), ts_p_int(limit),
	};

	return ts_db_exec(db, upward ? TS_SQL_SNAPSHOT_UP : TS_SQL_SNAPSHOT_DOWN, p, 8, rows, NULL);
}

enum ts_db_status
ts_share_store_save(struct ts_db *db, const unsigned char *tid, const unsigned char *mid)
{
	struct ts_db_param p[] = { ts_p_blob(mid, 16), ts_p_blob(tid, 16) };

	return ts_db_exec(db, TS_SQL_SHARE_COPY_ON_WRITE, p, 2, NULL, NULL);
}

enum ts_db_status
ts_share_store_before_write(struct ts_db *db, const unsigned char *tid, const unsigned char *mid)
{
	struct ts_db_param p[] = { ts_p_blob(tid, 16) };
	struct ts_db_rows r;
	enum ts_db_status st;
	int snapshots;

	st = ts_db_exec(db, TS_SQL_THREAD_SNAPSHOTS_EXCLUSIVE, p, 1, &r, NULL);
	if (st != TS_DB_OK)
		return st;
	snapshots = r.nrows == 1 && ts_db_cell_ll(&r, 0, 0) != 0;
	ts_db_rows_free(&r);
	return snapshots ? ts_share_store_save(db, tid, mid) : TS_DB_OK;
}

enum ts_db_status
ts_share_store_purge_step(struct ts_db *db, long long chunk, int *worked)
{
	struct ts_db_rows next;
	unsigned long long deleted = 0;
	enum ts_db_status st;
	long long share;

	*worked = 0;
	if ((st = ts_db_exec(db, TS_SQL_SHARE_PURGE_NEXT, NULL, 0, &next, NULL)) != TS_DB_OK)
		return st;
	if (next.nrows == 0) {
		ts_db_rows_free(&next);
		return TS_DB_OK;
	}
	share = ts_db_cell_ll(&next, 0, 0);
	ts_db_rows_free(&next);
	*worked = 1;
	{
		struct ts_db_param p[] = { ts_p_int(share), ts_p_int(chunk) };

		if ((st = ts_db_exec(db, TS_SQL_SHARE_PURGE_CHUNK, p, 2, NULL, &deleted)) != TS_DB_OK)
			return st;
	}
	if (deleted < (unsigned long long)chunk) {
		struct ts_db_param p[] = { ts_p_int(share) };

		return ts_db_exec(db, TS_SQL_SHARE_PURGE_DONE, p, 1, NULL, NULL);
	}
	return TS_DB_OK;
}
