/* `threadstore stats`: bounded figures of a live database (stats_store.h). */
#include <string.h>

#include "stats_store.h"

static enum ts_db_status
read_estimates(struct ts_db *db, struct ts_stats *s)
{
	struct ts_db_rows rows;
	enum ts_db_status st;
	size_t i;

	st = ts_db_exec(db, TS_SQL_STATS_ESTIMATES, NULL, 0, &rows, NULL);
	if (st != TS_DB_OK)
		return st;
	for (i = 0; i < rows.nrows; i++) {
		const struct ts_db_cell *name = ts_db_cell(&rows, i, 0);
		long long n = ts_db_cell(&rows, i, 1)->data != NULL ? ts_db_cell_ll(&rows, i, 1) : -1;

		if (name->data != NULL && strcmp(name->data, "threads") == 0)
			s->threads_estimate = n;
		else if (name->data != NULL && strcmp(name->data, "messages") == 0)
			s->messages_estimate = n;
	}
	ts_db_rows_free(&rows);
	return TS_DB_OK;
}

static enum ts_db_status
read_newest(struct ts_db *db, struct ts_stats *s)
{
	struct ts_db_rows rows;
	const struct ts_db_cell *at;
	enum ts_db_status st;

	st = ts_db_exec(db, TS_SQL_STATS_NEWEST, NULL, 0, &rows, NULL);
	if (st != TS_DB_OK)
		return st;
	if (rows.nrows == 1) {
		at = ts_db_cell(&rows, 0, 0);
		if (at->data == NULL || ts_time_db_to_iso(at->data, at->len, s->newest_thread_at) != 0)
			s->newest_thread_at[0] = '\0';
		s->threads_created = ts_db_cell_ll(&rows, 0, 1);
	}
	ts_db_rows_free(&rows);
	return TS_DB_OK;
}

/* The migrations applied are few (one a schema change), in version order. */
static enum ts_db_status
read_schema_version(struct ts_db *db, struct ts_stats *s)
{
	struct ts_db_rows rows;
	enum ts_db_status st;

	st = ts_db_exec(db, TS_SQL_MIGRATIONS_APPLIED, NULL, 0, &rows, NULL);
	if (st != TS_DB_OK)
		return st;
	if (rows.nrows > 0)
		s->schema_version = ts_db_cell_ll(&rows, rows.nrows - 1, 0);
	ts_db_rows_free(&rows);
	return TS_DB_OK;
}

enum ts_db_status
ts_stats_read(struct ts_db *db, struct ts_stats *s)
{
	enum ts_db_status st;

	memset(s, 0, sizeof(*s));
	s->threads_estimate = s->messages_estimate = -1;
	if ((st = read_schema_version(db, s)) != TS_DB_OK || (st = read_estimates(db, s)) != TS_DB_OK)
		return st;
	return read_newest(db, s);
}
