/* The four roles a message can have: stored as their number, shown by name. */
#ifndef TS_ROLES_H
#define TS_ROLES_H

enum ts_role { TS_ROLE_USER, TS_ROLE_ASSISTANT, TS_ROLE_SYSTEM, TS_ROLE_TOOL, TS_ROLE__COUNT };

/* Case-insensitive; -1 for an unknown role. */
int ts_role_parse(const char *s);
/* The name of a stored role; "user" for a number out of range. */
const char *ts_role_name(int role);

#endif
