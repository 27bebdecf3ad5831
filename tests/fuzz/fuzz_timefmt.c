/*
 * libFuzzer target: RFC 3339 timestamps from clients (src/timefmt.c: the
 * message list's since/until bounds, /v1's unix seconds) and the database
 * text converter. The input is the timestamp.
 *
 * Invariants, besides the sanitizers:
 *  - what parses comes out as DATETIME(3) text of exactly 23 characters
 *    that goes to the API's ISO form and parses back to itself;
 *  - rounding up never gives an earlier time, and never accepts what
 *    truncating refuses;
 *  - ts_time_unix_seconds agrees with the parsed value.
 */
#include "fuzz_common.h"
#include "timefmt.h"

static void
check_parsed(const char *out, const char *up, long long secs)
{
	char iso[TS_ISO_LEN + 1], back[TS_DB_TIME_LEN + 1];

	FUZZ_CHECK(strlen(out) == TS_DB_TIME_LEN);
	FUZZ_CHECK(ts_time_db_to_iso(out, strlen(out), iso) == 0);
	FUZZ_CHECK(strlen(iso) == TS_ISO_LEN);
	FUZZ_CHECK(ts_time_parse_rfc3339(iso, 0, back) == 0 && strcmp(back, out) == 0);
	FUZZ_CHECK(ts_time_parse_rfc3339(iso, 1, back) == 0 && strcmp(back, out) == 0);
	FUZZ_CHECK(ts_time_unix_seconds(iso) == secs);
	if (up != NULL)
		FUZZ_CHECK(strlen(up) == TS_DB_TIME_LEN && strcmp(up, out) >= 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[TS_DB_TIME_LEN + 1], up[TS_DB_TIME_LEN + 1], iso[TS_ISO_LEN + 1];
	char *s = fuzz_cstring(data, size), *exact;
	int r, r_up;

	r = ts_time_parse_rfc3339(s, 0, out);
	r_up = ts_time_parse_rfc3339(s, 1, up);
	FUZZ_CHECK(r == 0 || r == -1);
	FUZZ_CHECK(r_up == -1 || r == 0);
	if (r == 0)
		check_parsed(out, r_up == 0 ? up : NULL, ts_time_unix_seconds(s));
	free(s);

	/* The database converter reads a counted text: an exact-size copy lets
	 * ASan see any read past its end. */
	exact = malloc(size > 0 ? size : 1);
	FUZZ_CHECK(exact != NULL);
	memcpy(exact, data, size);
	if (ts_time_db_to_iso(exact, size, iso) == 0)
		FUZZ_CHECK(strlen(iso) == TS_ISO_LEN && iso[10] == 'T' && iso[23] == 'Z');
	free(exact);
	return 0;
}
