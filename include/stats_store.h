/*
 * What `threadstore stats` shows: a quick look at a live database, from
 * figures the server keeps anyway, so that it costs the same at any size
 * (no COUNT(*), which reads every row of a 10-million-row table).
 */
#ifndef TS_STATS_STORE_H
#define TS_STATS_STORE_H

#include "db.h"
#include "timefmt.h"

struct ts_stats {
	/* InnoDB's estimates of the rows of threads and messages
	 * (information_schema.TABLES.TABLE_ROWS): they lag behind recent
	 * writes and may be off by tens of percent; -1 when unknown. */
	long long threads_estimate;
	long long messages_estimate;
	/* Threads ever created, deleted ones included: the highest row_id
	 * (exact; 0 when none was). */
	long long threads_created;
	char newest_thread_at[TS_ISO_LEN + 1];  /* "" when there is none */
	long long schema_version;               /* the newest migration applied; 0 none */
};

/* Fills *s with three bounded statements. TS_DB_OK or the failure. */
enum ts_db_status ts_stats_read(struct ts_db *db, struct ts_stats *s);

#endif
