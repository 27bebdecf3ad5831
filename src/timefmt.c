/* Database DATETIME(3) text to the API's ISO 8601 form. */
#include <ctype.h>
#include <string.h>

#include "timefmt.h"

int
ts_time_db_to_iso(const char *db, size_t len, char out[TS_ISO_LEN + 1])
{
	/* "YYYY-MM-DD HH:MM:SS" optionally followed by ".fff..." (we keep 3 digits). */
	static const char shape[] = "dddd-dd-dd dd:dd:dd";
	size_t i;

	if (len < sizeof(shape) - 1)
		return -1;
	for (i = 0; i < sizeof(shape) - 1; i++) {
		if (shape[i] == 'd' ? !isdigit((unsigned char)db[i]) : db[i] != shape[i])
			return -1;
	}
	memcpy(out, db, 10);
	out[10] = 'T';
	memcpy(out + 11, db + 11, 8);
	out[19] = '.';
	for (i = 0; i < 3; i++) {
		size_t at = 20 + i;
		out[20 + i] = (len > at && db[19] == '.' && isdigit((unsigned char)db[at])) ? db[at] : '0';
	}
	out[23] = 'Z';
	out[24] = '\0';
	return 0;
}
