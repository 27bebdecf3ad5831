/*
 * Where the surfaces whose own paths would collide with threadstore's are
 * mounted (API reference: Mount point): Knowledge Stack's /v1/threads and
 * DualMind's /api/threads live below ks_path and arena_path, "/ks" and
 * "/arena" unless configured. The route table holds the default paths; a
 * request under a configured one is routed as if it came under the
 * default, and the default itself is then not served.
 */
#ifndef TS_MOUNTS_H
#define TS_MOUNTS_H

#include "config.h"

/* Whether one of two mount paths is the other or lies inside it. */
int ts_mount_overlap(const char *a, const char *b);

/*
 * Rewrites *path (owned; may be NULL) from a configured mount to the
 * default one the routes name. 0, or -1 out of memory (*path unchanged).
 */
int ts_mount_rewrite(const struct ts_config *cfg, char **path);

#endif
