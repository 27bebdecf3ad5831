/*
 * Bounded reads of a thread's messages: which statement of the SQL table
 * serves a range, and its parameters (src/sql.c, "Bounded message ranges").
 */
#include <string.h>

#include "message_ranges.h"
#include "roles.h"
#include "timefmt.h"

/* Bound to a branch whose role is not wanted: names no role, reads nothing. */
#define NO_ROLE 255
/* Most parameters a range statement takes (four run_id branches of 7, 3 more). */
#define RANGE_MAX_PARAMS 32

static int
merged(const struct ts_msg_range *r)
{
	return r->role_mask != TS_ALL_ROLES || r->run_id != NULL;
}

/* The four branches' parameters (one per role), each cut at limit rows. */
static size_t
branch_params(const struct ts_msg_range *r, long long limit, struct ts_db_param *p)
{
	size_t n = 0;
	int role;

	for (role = 0; role < TS_ROLE__COUNT; role++) {
		p[n++] = ts_p_blob(r->tid, 16);
		if (r->run_id != NULL) {
			p[n++] = ts_p_str(r->run_id, strlen(r->run_id));
			p[n++] = ts_p_str(r->run_id, strlen(r->run_id));
		}
		p[n++] = ts_p_int((r->role_mask & (1 << role)) ? role : NO_ROLE);
		p[n++] = ts_p_int(r->lo);
		p[n++] = ts_p_int(r->hi);
		p[n++] = ts_p_int(limit);
	}
	return n;
}

enum ts_db_status
ts_msg_range_read(struct ts_db *db, const struct ts_msg_range *r, long long limit,
    long long offset, struct ts_db_rows *rows)
{
	struct ts_db_param p[RANGE_MAX_PARAMS];
	enum ts_sql id;
	size_t n = 0;

	if (!merged(r)) {
		p[n++] = ts_p_blob(r->tid, 16);
		p[n++] = ts_p_int(r->lo);
		p[n++] = ts_p_int(r->hi);
		p[n++] = ts_p_int(limit);
		p[n++] = ts_p_int(offset);
		id = r->upward ? TS_SQL_RANGE_UP : TS_SQL_RANGE_DOWN;
		return ts_db_exec(db, id, p, n, rows, NULL);
	}
	/* Each branch yields what the page could need: its offset and its rows. */
	n = branch_params(r, offset + limit, p);
	p[n++] = ts_p_int(limit);
	p[n++] = ts_p_int(offset);
	p[n++] = ts_p_blob(r->tid, 16);
	if (r->run_id != NULL)
		id = r->upward ? TS_SQL_RANGE_RUN_UP : TS_SQL_RANGE_RUN_DOWN;
	else
		id = r->upward ? TS_SQL_RANGE_ROLES_UP : TS_SQL_RANGE_ROLES_DOWN;
	return ts_db_exec(db, id, p, n, rows, NULL);
}

enum ts_db_status
ts_msg_range_count(struct ts_db *db, const struct ts_msg_range *r, long long cap,
    long long *count)
{
	struct ts_db_param p[RANGE_MAX_PARAMS];
	struct ts_db_rows rows;
	enum ts_db_status st;
	enum ts_sql id;
	size_t n = 0;

	if (!merged(r)) {
		p[n++] = ts_p_blob(r->tid, 16);
		p[n++] = ts_p_int(r->lo);
		p[n++] = ts_p_int(r->hi);
		p[n++] = ts_p_int(cap + 1);
		id = TS_SQL_RANGE_COUNT;
	} else {
		n = branch_params(r, cap + 1, p);
		id = r->run_id != NULL ? TS_SQL_RANGE_RUN_COUNT : TS_SQL_RANGE_ROLES_COUNT;
	}
	if ((st = ts_db_exec(db, id, p, n, &rows, NULL)) != TS_DB_OK)
		return st;
	*count = rows.nrows == 1 ? ts_db_cell_ll(&rows, 0, 0) : 0;
	if (*count > cap)
		*count = -1;
	ts_db_rows_free(&rows);
	return TS_DB_OK;
}

enum ts_db_status
ts_msg_time_bounds(struct ts_db *db, struct ts_msg_range *r, const char *after, const char *before)
{
	struct ts_db_param p[] = {
		ts_p_blob(r->tid, 16), after != NULL ? ts_p_str(after, TS_DB_TIME_LEN) : ts_p_null(),
		ts_p_blob(r->tid, 16), before != NULL ? ts_p_str(before, TS_DB_TIME_LEN) : ts_p_null() };
	struct ts_db_rows rows;
	enum ts_db_status st;
	const struct ts_db_cell *c;
	long long seq;

	if (after == NULL && before == NULL)
		return TS_DB_OK;
	if ((st = ts_db_exec(db, TS_SQL_TIME_BOUNDS, p, 4, &rows, NULL)) != TS_DB_OK)
		return st;
	/* created after: beyond the newest message at or before the time (none:
	 * from the start); created before: up to the newest before it (none:
	 * nothing is). */
	c = ts_db_cell(&rows, 0, 0);
	if (after != NULL && c->data != NULL && (seq = ts_db_cell_ll(&rows, 0, 0)) > r->lo)
		r->lo = seq;
	c = ts_db_cell(&rows, 0, 1);
	if (before != NULL) {
		seq = c->data != NULL ? ts_db_cell_ll(&rows, 0, 1) + 1 : 1;
		if (seq < r->hi)
			r->hi = seq;
	}
	ts_db_rows_free(&rows);
	return TS_DB_OK;
}
