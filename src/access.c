/* The access matrix (API reference: The access matrix): a pure function of
 * its arguments. */
#include <string.h>

#include "access.h"

enum ts_access
ts_access_decide(int public_sharing, enum ts_visibility vis, const char *caller,
    const char *owner, enum ts_op op)
{
	int is_owner = caller != NULL && owner != NULL && strcmp(caller, owner) == 0;

	/* Shared threads are readable by anyone while sharing is on; writes never are. */
	if (op == TS_OP_READ && public_sharing &&
	    (vis == TS_VIS_PUBLIC || vis == TS_VIS_UNLISTED))
		return TS_ACCESS_ALLOW;
	if (caller == NULL)
		return TS_ACCESS_UNAUTHORIZED;
	return is_owner ? TS_ACCESS_ALLOW : TS_ACCESS_FORBIDDEN;
}

enum ts_access
ts_access_link(int public_sharing, const char *caller, const char *owner, enum ts_op op)
{
	int is_owner = caller != NULL && owner != NULL && strcmp(caller, owner) == 0;

	if (op == TS_OP_WRITE)
		return ts_access_decide(public_sharing, TS_VIS_PRIVATE, caller, owner, op);
	return public_sharing || is_owner ? TS_ACCESS_ALLOW : TS_ACCESS_SHARING_OFF;
}

static const char *const visibility_names[] = {
	[TS_VIS_PRIVATE] = "private",
	[TS_VIS_UNLISTED] = "unlisted",
	[TS_VIS_PUBLIC] = "public",
};

int
ts_visibility_parse(const char *s)
{
	int i;

	for (i = 0; i < 3; i++)
		if (s != NULL && strcmp(s, visibility_names[i]) == 0)
			return i;
	return -1;
}

const char *
ts_visibility_name(enum ts_visibility v)
{
	return (unsigned int)v < 3 ? visibility_names[v] : "private";
}
