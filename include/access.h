/*
 * The access matrix as one pure function: no I/O, no state. Every route
 * that reads or writes a thread asks it (API reference: The access matrix).
 */
#ifndef TS_ACCESS_H
#define TS_ACCESS_H

enum ts_visibility { TS_VIS_PRIVATE, TS_VIS_UNLISTED, TS_VIS_PUBLIC };
enum ts_op { TS_OP_READ, TS_OP_WRITE };
enum ts_access { TS_ACCESS_ALLOW, TS_ACCESS_UNAUTHORIZED, TS_ACCESS_FORBIDDEN };

/*
 * caller is NULL for an anonymous caller; owner is the thread's owner_id.
 * public_sharing is the site-wide flag (0 or 1).
 */
enum ts_access ts_access_decide(int public_sharing, enum ts_visibility vis,
    const char *caller, const char *owner, enum ts_op op);

/* "private", "unlisted", "public" <-> enum; returns -1 for an unknown name. */
int ts_visibility_parse(const char *s);
const char *ts_visibility_name(enum ts_visibility v);

#endif
