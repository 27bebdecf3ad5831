/* Settings and health: the operations that touch no thread. */
#include "settings_ops.h"
#include "settings_store.h"

int
ts_settings_read(struct ts_call *c, int *public_sharing)
{
	enum ts_db_status st = ts_settings_get_public_sharing(c->db, public_sharing);

	return st == TS_DB_OK ? 0 : ts_call_db(c, st);
}

int
ts_settings_write(struct ts_call *c, int public_sharing, struct ts_problem *invalid)
{
	enum ts_db_status st;

	if (ts_call_sub(c) == NULL)
		return ts_problem_set(&c->problem, TS_E_UNAUTHORIZED, NULL);
	if (!c->caller->is_admin)
		return ts_problem_set(&c->problem, TS_E_FORBIDDEN, "Only admins may change settings");
	if (ts_call_check(c, invalid) != 0)
		return -1;
	st = ts_settings_set_public_sharing(c->db, public_sharing);
	return st == TS_DB_OK ? 0 : ts_call_db(c, st);
}

int
ts_database_up(struct ts_call *c)
{
	return ts_db_ping(c->db) == TS_DB_OK;
}
