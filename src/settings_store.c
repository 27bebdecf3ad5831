/* The public_sharing flag in system_settings ("true"/"false"; no row = off). */
#include <string.h>

#include "settings_store.h"

static const char flag_name[] = "public_sharing";

enum ts_db_status
ts_settings_get_public_sharing(struct ts_db *db, int *on)
{
	struct ts_db_param p[] = { ts_p_str(flag_name, sizeof(flag_name) - 1) };
	struct ts_db_rows rows;
	enum ts_db_status st;

	*on = 0;
	st = ts_db_exec(db, TS_SQL_SETTING_GET, p, 1, &rows, NULL);
	if (st != TS_DB_OK)
		return st;
	if (rows.nrows == 1 && ts_db_cell(&rows, 0, 0)->data != NULL)
		*on = strcmp(ts_db_cell(&rows, 0, 0)->data, "true") == 0;
	ts_db_rows_free(&rows);
	return TS_DB_OK;
}

enum ts_db_status
ts_settings_set_public_sharing(struct ts_db *db, int on)
{
	const char *v = on ? "true" : "false";
	struct ts_db_param p[] = {
		ts_p_str(flag_name, sizeof(flag_name) - 1),
		ts_p_str(v, strlen(v)),
		ts_p_str(v, strlen(v)),
	};

	return ts_db_exec(db, TS_SQL_SETTING_PUT, p, 3, NULL, NULL);
}
