/*
 * The access matrix as one pure function: no I/O, no state. Every route
 * that reads or writes a thread asks it (API reference: The access matrix).
 */
#ifndef TS_ACCESS_H
#define TS_ACCESS_H

enum ts_visibility { TS_VIS_PRIVATE, TS_VIS_UNLISTED, TS_VIS_PUBLIC };
enum ts_op { TS_OP_READ, TS_OP_WRITE };
enum ts_access {
	TS_ACCESS_ALLOW, TS_ACCESS_UNAUTHORIZED, TS_ACCESS_FORBIDDEN,
	TS_ACCESS_SHARING_OFF           /* a link, while public_sharing is off */
};

/*
 * caller is NULL for an anonymous caller; owner is the thread's owner_id.
 * public_sharing is the site-wide flag (0 or 1).
 */
enum ts_access ts_access_decide(int public_sharing, enum ts_visibility vis,
    const char *caller, const char *owner, enum ts_op op);

/*
 * The same for the holder of a share link that works (neither revoked nor
 * expired) to the thread (API reference: tag shares): reading it is allowed
 * whatever its visibility while public_sharing is on, and for its owner
 * always; otherwise TS_ACCESS_SHARING_OFF. A link never writes: a write is
 * decided as ts_access_decide decides it, as if there were no link.
 */
enum ts_access ts_access_link(int public_sharing, const char *caller, const char *owner, enum ts_op op);

/* "private", "unlisted", "public" <-> enum; returns -1 for an unknown name. */
int ts_visibility_parse(const char *s);
const char *ts_visibility_name(enum ts_visibility v);

#endif
