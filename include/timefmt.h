/* Timestamps: ISO 8601 UTC with milliseconds (2024-01-15T10:30:00.123Z). */
#ifndef TS_TIMEFMT_H
#define TS_TIMEFMT_H

#include <stddef.h>

#define TS_ISO_LEN 24 /* "2024-01-15T10:30:00.123Z" */

/*
 * Converts a database DATETIME(3) text ("2024-01-15 10:30:00.123", UTC) to
 * the ISO form. Returns 0, or -1 when the input is not of that shape.
 */
int ts_time_db_to_iso(const char *db, size_t len, char out[TS_ISO_LEN + 1]);

#endif
