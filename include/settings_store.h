/* The system_settings table: the public_sharing flag (a missing row means off). */
#ifndef TS_SETTINGS_STORE_H
#define TS_SETTINGS_STORE_H

#include "db.h"

enum ts_db_status ts_settings_get_public_sharing(struct ts_db *db, int *on);
enum ts_db_status ts_settings_set_public_sharing(struct ts_db *db, int on);

#endif
