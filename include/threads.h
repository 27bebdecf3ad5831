/*
 * The thread resource shared by the thread and message handlers: loading a
 * thread together with the sharing flag and deciding access (§4), and its
 * JSON form (§5).
 */
#ifndef TS_THREADS_H
#define TS_THREADS_H

#include <json-c/json.h>
#include <uuid/uuid.h>

#include "access.h"
#include "app.h"

struct ts_thread {
	struct ts_db_rows rows;         /* owns everything below */
	int public_sharing;
	enum ts_visibility visibility;
	const char *owner;
};

/*
 * Loads the thread id with the public_sharing flag (one round trip) and
 * applies the access matrix for op. Returns 0 with *t filled (release it with
 * ts_thread_release), or -1 after answering 404, 401, 403, 503 or 500.
 */
int ts_thread_load(struct ts_ctx *ctx, const uuid_t id, enum ts_op op, struct ts_thread *t);

void ts_thread_release(struct ts_thread *t);

/*
 * The access matrix for op on a thread read by another statement: flag is
 * the public_sharing setting's cell (read in the same round trip), visibility
 * the thread's, owner its owner_id. Returns 0 when allowed, or -1 after
 * answering 401 or 403.
 */
int ts_thread_access(struct ts_ctx *ctx, const struct ts_db_cell *flag,
    const struct ts_db_cell *visibility, const char *owner, enum ts_op op);

/* The §5 object for row `row` of a result with the thread columns
 * (enum ts_thread_col). Returns a new reference, NULL out of memory. */
struct json_object *ts_thread_json(const struct ts_db_rows *rows, size_t row);

#endif
