/*
 * Bounded reads of a thread's messages: a range of seq numbers, optionally
 * thinned by roles and a run_id, read in seq order
 * (API reference: GET /api/threads/{thread_id}/messages).
 * Whatever the filters, a read touches at most (offset + limit + 1) rows per
 * role asked for (four at most), never the rest of the thread: each filter
 * has an index whose range is already in seq order (sql/002), and time
 * filters become seq bounds first (ts_msg_time_bounds).
 */
#ifndef TS_MESSAGE_RANGES_H
#define TS_MESSAGE_RANGES_H

#include <stddef.h>

#include "db.h"
#include "roles.h"

/* Every role: the mask with nothing filtered out. */
#define TS_ALL_ROLES ((1 << TS_ROLE__COUNT) - 1)

/* What a range selects. Borrows tid and run_id. */
struct ts_msg_range {
	const unsigned char *tid;       /* the thread (16 bytes) */
	long long lo, hi;               /* lo < seq < hi */
	int role_mask;                  /* bit r set: role r wanted */
	const char *run_id;             /* NULL: any run */
	int upward;                     /* ascending from lo, else descending from hi */
};

/*
 * Reads up to limit rows of r after skipping offset, with the message
 * columns (enum ts_message_col), into rows (the caller frees them).
 */
enum ts_db_status ts_msg_range_read(struct ts_db *db, const struct ts_msg_range *r,
    long long limit, long long offset, struct ts_db_rows *rows);

/* Counts r's messages, stopping at cap + 1: *count is the count, or -1 when
 * there are more than cap. Reads at most (cap + 1) rows per role. */
enum ts_db_status ts_msg_range_count(struct ts_db *db, const struct ts_msg_range *r,
    long long cap, long long *count);

/*
 * Narrows r->lo and r->hi to the messages created strictly after `after`
 * and strictly before `before` (DATETIME(3) texts; NULL: no bound), with
 * one indexed lookup: created_at never decreases along seq.
 */
enum ts_db_status ts_msg_time_bounds(struct ts_db *db, struct ts_msg_range *r,
    const char *after, const char *before);

#endif
