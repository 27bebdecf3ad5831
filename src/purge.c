/*
 * The purge (see purge.h). Each step is two or three short statements: the
 * chunk is one range of the primary key, (thread_id, seq) up to the mark,
 * at most TS_PURGE_CHUNK rows. The mark goes only when a chunk came back
 * short and the mark was not raised meanwhile (a new clear of the thread).
 * Several workers may work on one thread at once; their chunks then wait on
 * each other's row locks, which costs time, not correctness. A thread whose
 * cleared rows a live snapshot link still shows waits until the link is
 * revoked or expires. With no dead message left, a step deletes a chunk of
 * a revoked snapshot's saved versions instead.
 */
#include <string.h>

#include "ts_limits.h"
#include "log.h"
#include "purge.h"
#include "share_store.h"

enum ts_purge_result
ts_purge_step(struct ts_db *db)
{
	struct ts_db_rows next;
	unsigned long long deleted = 0;
	enum ts_db_status st;
	enum ts_purge_result res = TS_PURGE_MORE;
	unsigned char tid[16];
	long long through;

	if ((st = ts_db_exec(db, TS_SQL_PURGE_NEXT, NULL, 0, &next, NULL)) != TS_DB_OK)
		goto failed;
	if (next.nrows == 0) {
		int worked;

		ts_db_rows_free(&next);
		/* No dead message left: revoked snapshots' saved versions. */
		if ((st = ts_share_store_purge_step(db, TS_PURGE_CHUNK, &worked)) != TS_DB_OK)
			goto failed;
		return worked ? TS_PURGE_MORE : TS_PURGE_IDLE;
	}
	memcpy(tid, ts_db_cell(&next, 0, 0)->data, sizeof(tid));
	through = ts_db_cell_ll(&next, 0, 1);
	ts_db_rows_free(&next);
	{
		struct ts_db_param p[] = { ts_p_blob(tid, 16), ts_p_int(through), ts_p_int(TS_PURGE_CHUNK) };

		if ((st = ts_db_exec(db, TS_SQL_PURGE_CHUNK, p, 3, NULL, &deleted)) != TS_DB_OK)
			goto failed;
	}
	if (deleted < TS_PURGE_CHUNK) {
		struct ts_db_param p[] = { ts_p_blob(tid, 16), ts_p_int(through) };

		if ((st = ts_db_exec(db, TS_SQL_PURGE_DONE, p, 2, NULL, NULL)) != TS_DB_OK)
			goto failed;
	}
	return res;
failed:
	ts_log(TS_LOG_WARN, "purge: database error %u; trying again later", ts_db_last_errno(db));
	return TS_PURGE_FAILED;
}
