/* The four roles a message can have, by name and by stored number. */
#include <stddef.h>
#include <strings.h>

#include "roles.h"

static const char *const role_names[TS_ROLE__COUNT] = { "user", "assistant", "system", "tool" };


int
ts_role_parse(const char *s)
{
	int i;

	for (i = 0; s != NULL && i < TS_ROLE__COUNT; i++)
		if (strcasecmp(s, role_names[i]) == 0)
			return i;
	return -1;
}

const char *
ts_role_name(int role)
{
	return role >= 0 && role < TS_ROLE__COUNT ? role_names[role] : "user";
}
