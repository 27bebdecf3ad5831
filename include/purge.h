/*
 * Deleting dead messages (a deleted thread's, or those a clear left) in the
 * background: a request only marks them (message_purges, sql/003), so its
 * cost does not grow with the thread; workers delete them between requests,
 * one bounded chunk at a time.
 */
#ifndef TS_PURGE_H
#define TS_PURGE_H

#include "db.h"

enum ts_purge_result {
	TS_PURGE_IDLE,          /* nothing was left to delete */
	TS_PURGE_MORE,          /* a chunk went; there may be more */
	TS_PURGE_FAILED         /* a database error (logged); try again later */
};

/* Deletes at most TS_PURGE_CHUNK dead messages of one marked thread. */
enum ts_purge_result ts_purge_step(struct ts_db *db);

#endif
