/* UUID parsing and formatting on libuuid. */
#include <string.h>

#include "ids.h"

int
ts_uuid_parse(const char *s, uuid_t out)
{
	/* uuid_parse insists on the 8-4-4-4-12 form of exactly 36 characters. */
	if (s == NULL || strlen(s) != TS_UUID_STR_LEN)
		return -1;
	return uuid_parse(s, out) == 0 ? 0 : -1;
}

int
ts_uuid_parse_new(const char *s, uuid_t out)
{
	if (ts_uuid_parse(s, out) != 0 || uuid_is_null(out))
		return -1;
	return 0;
}

void
ts_uuid_format(const uuid_t id, char out[TS_UUID_STR_LEN + 1])
{
	uuid_unparse_lower(id, out);
}

void
ts_uuid_generate(uuid_t out)
{
	uuid_generate_random(out);
}
