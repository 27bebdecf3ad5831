/* Result cells as JSON values, shared by the surfaces' renderers. */
#include <stdlib.h>

#include "cell_json.h"
#include "ids.h"
#include "timefmt.h"

struct json_object *
ts_cell_uuid_json(const struct ts_db_cell *c)
{
	char s[TS_UUID_STR_LEN + 1];

	if (c->data == NULL || c->len != 16)
		return NULL;
	ts_uuid_format((const unsigned char *)c->data, s);
	return json_object_new_string(s);
}

struct json_object *
ts_cell_string_json(const struct ts_db_cell *c)
{
	return c->data != NULL ? json_object_new_string_len(c->data, (int)c->len) : NULL;
}

struct json_object *
ts_cell_int_json(const struct ts_db_cell *c)
{
	return c->data != NULL ? json_object_new_int64(strtoll(c->data, NULL, 10)) : NULL;
}

long long
ts_cell_unix_seconds(const struct ts_db_cell *c)
{
	char iso[TS_ISO_LEN + 1];

	if (c->data == NULL || ts_time_db_to_iso(c->data, c->len, iso) != 0)
		return -1;
	return ts_time_unix_seconds(iso);
}
