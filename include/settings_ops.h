/* The site-wide settings: anyone reads them, admins change them
 * (API reference: GET /api/settings; PUT /api/settings). */
#ifndef TS_SETTINGS_OPS_H
#define TS_SETTINGS_OPS_H

#include "call.h"

int ts_settings_read(struct ts_call *c, int *public_sharing);

/* 401 anonymous, 403 for a caller who is not an admin, then invalid. */
int ts_settings_write(struct ts_call *c, int public_sharing, struct ts_problem *invalid);

/* Whether the database answers (health). */
int ts_database_up(struct ts_call *c);

#endif
