/*
 * Thread operations: the access matrix applied to a thread read with the
 * sharing flag (one round trip, no cache), and create, change, remove.
 */
#include <stdlib.h>
#include <string.h>

#include "ids.h"
#include "thread_ops.h"
#include "thread_store.h"

void
ts_thread_release(struct ts_thread *t)
{
	ts_db_rows_free(&t->rows);
	memset(t, 0, sizeof(*t));
}

void
ts_thread_input_free(struct ts_thread_input *in)
{
	free(in->metadata);
	memset(in, 0, sizeof(*in));
}

int
ts_thread_allows(struct ts_call *c, const struct ts_db_cell *flag, const struct ts_db_cell *visibility,
    const char *owner, enum ts_op op)
{
	int public_sharing = flag->data != NULL && strcmp(flag->data, "true") == 0;
	enum ts_visibility v = (enum ts_visibility)strtol(visibility->data, NULL, 10);

	return ts_call_access(c, ts_access_decide(public_sharing, v, ts_call_sub(c), owner, op));
}

/* Whether a namespace cell holds exactly ns (byte for byte). */
static int
in_namespace(const struct ts_db_cell *cell, const char *ns)
{
	size_t len = strlen(ns);

	return cell->data != NULL && cell->len == len && memcmp(cell->data, ns, len) == 0;
}

/* Thread id as stored; 404 when there is none (or it is outside the
 * call's namespace). */
static int
read_thread(struct ts_call *c, const uuid_t id, struct ts_thread *t)
{
	const struct ts_db_cell *flag;
	enum ts_db_status st;

	memset(t, 0, sizeof(*t));
	if ((st = ts_thread_store_get(c->db, id, &t->rows)) != TS_DB_OK)
		return ts_call_db(c, st);
	if (t->rows.nrows != 1) {
		ts_thread_release(t);
		return ts_thread_missing(c);
	}
	/* Outside the call's namespace a thread is not there at all: its
	 * answer is the 404 of no thread, before the access matrix. */
	if (c->namespace_ != NULL && !in_namespace(ts_db_cell(&t->rows, 0, TS_TC_NAMESPACE), c->namespace_)) {
		ts_thread_release(t);
		return ts_thread_missing(c);
	}
	flag = ts_db_cell(&t->rows, 0, TS_TC_SHARING_FLAG);
	t->public_sharing = flag->data != NULL && strcmp(flag->data, "true") == 0;
	t->visibility = (enum ts_visibility)ts_db_cell_ll(&t->rows, 0, TS_TC_VISIBILITY);
	t->owner = ts_db_cell(&t->rows, 0, TS_TC_OWNER)->data;
	return 0;
}

int
ts_thread_missing(struct ts_call *c)
{
	return ts_problem_set(&c->problem, TS_E_NOT_FOUND, "Thread not found");
}

int
ts_thread_open(struct ts_call *c, const uuid_t id, enum ts_op op, struct ts_thread *t)
{
	if (read_thread(c, id, t) != 0)
		return -1;
	if (ts_thread_allows(c, ts_db_cell(&t->rows, 0, TS_TC_SHARING_FLAG),
	    ts_db_cell(&t->rows, 0, TS_TC_VISIBILITY), t->owner, op) == 0)
		return 0;
	ts_thread_release(t);
	return -1;
}

int
ts_thread_create(struct ts_call *c, const struct ts_thread_input *in, struct ts_problem *invalid,
    struct ts_thread *out, int *created)
{
	struct ts_thread_new row;
	enum ts_db_status st;
	uuid_t id;

	memset(out, 0, sizeof(*out));
	*created = 0;
	/* 401 before any 422 (API reference: Order of checks). */
	if (ts_call_sub(c) == NULL)
		return ts_problem_set(&c->problem, TS_E_UNAUTHORIZED, NULL);
	if (ts_call_check(c, invalid) != 0)
		return -1;
	if (in->has_id)
		memcpy(id, in->id, sizeof(id));
	else
		ts_uuid_generate(id);
	row.id = id;
	row.owner = ts_call_sub(c);
	row.title = in->has_title ? in->title : NULL;
	row.visibility = in->has_visibility ? in->visibility : TS_VIS_PRIVATE;
	row.namespace_ = in->has_namespace ? in->namespace_ : "";
	row.metadata = in->has_metadata ? in->metadata : "{}";
	st = ts_thread_store_insert(c->db, &row);
	if (st != TS_DB_OK && !(st == TS_DB_DUPLICATE && in->has_id))
		return ts_call_db(c, st);
	*created = st == TS_DB_OK;
	if (read_thread(c, id, out) != 0 && (*created || c->problem.error != TS_E_NOT_FOUND))
		return -1;
	/* A client id that is already taken: a repeat of the caller's own
	 * create, or someone else's thread (or one gone since), which is all
	 * a 409 tells. */
	if (!*created && (out->owner == NULL || strcmp(out->owner, row.owner) != 0)) {
		ts_thread_release(out);
		return ts_problem_set(&c->problem, TS_E_CONFLICT, "A thread with this id already exists");
	}
	return 0;
}

int
ts_thread_change(struct ts_call *c, const uuid_t id, const struct ts_thread_input *in,
    struct ts_problem *invalid, struct ts_thread *out)
{
	struct ts_thread_patch patch;
	enum ts_db_status st;

	if (ts_thread_open(c, id, TS_OP_WRITE, out) != 0)
		return -1;
	ts_thread_release(out);
	if (ts_call_check(c, invalid) != 0)
		return -1;
	patch.has_title = in->has_title;
	patch.title = in->title;
	patch.has_visibility = in->has_visibility;
	patch.visibility = in->visibility;
	patch.has_namespace = in->has_namespace;
	patch.namespace_ = in->namespace_;
	patch.has_metadata = in->has_metadata;
	patch.metadata = in->metadata;
	if ((st = ts_thread_store_update(c->db, id, ts_call_sub(c), &patch)) != TS_DB_OK)
		return ts_call_db(c, st);
	return read_thread(c, id, out);
}

int
ts_thread_remove(struct ts_call *c, const uuid_t id)
{
	struct ts_thread t;
	enum ts_db_status st;
	int deleted;

	if (ts_thread_open(c, id, TS_OP_WRITE, &t) != 0)
		return -1;
	ts_thread_release(&t);
	if ((st = ts_thread_store_delete(c->db, id, ts_call_sub(c), &deleted)) != TS_DB_OK)
		return ts_call_db(c, st);
	return deleted ? 0 : ts_problem_set(&c->problem, TS_E_NOT_FOUND, "Thread not found");
}
