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

#define TS_DB_TIME_LEN 23 /* "2024-01-15 10:30:00.123" */

/* The current UTC time as DATETIME(3) text. */
void ts_time_now_db(char out[TS_DB_TIME_LEN + 1]);

/* The UTC time seconds from now (a small number of years at most) as
 * DATETIME(3) text. */
void ts_time_from_now_db(long long seconds, char out[TS_DB_TIME_LEN + 1]);

/*
 * Parses an RFC 3339 timestamp with any offset ("2024-01-15T10:30:00.5+02:00",
 * "...Z") into UTC DATETIME(3) text. Digits beyond milliseconds are dropped,
 * or, with round_up, round the value up to the next millisecond (so a strict
 * "before" bound keeps its meaning). Returns 0, or -1 when malformed.
 */
int ts_time_parse_rfc3339(const char *s, int round_up, char out[TS_DB_TIME_LEN + 1]);

/* An RFC 3339 timestamp as whole unix seconds (the fraction dropped), or -1
 * when malformed. For /v1, whose timestamps are unix seconds
 * (API reference: Objects). */
long long ts_time_unix_seconds(const char *s);

#endif
