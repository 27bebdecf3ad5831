/*
 * Message operations: add (one, a batch, or a new thread's first ones),
 * read, change and remove one, clear a thread. Reads follow the access
 * matrix; writes need the owner.
 */
#include <stdlib.h>
#include <string.h>

#include "ids.h"
#include "message_input.h"
#include "message_ops.h"
#include "message_row.h"
#include "message_table.h"
#include "thread_store.h"

const struct ts_db_cell *
ts_added_cells(const struct ts_added *a, size_t i)
{
	if (!a->create.existing[i])
		return a->rows[i].cells;
	return a->stored[i].nrows == 1 ? ts_db_cell(&a->stored[i], 0, 0) : NULL;
}

int
ts_added_existing(const struct ts_added *a, size_t i)
{
	return a->create.existing[i];
}

void
ts_added_free(struct ts_added *a)
{
	size_t i;

	for (i = 0; a->stored != NULL && i < a->n; i++)
		ts_db_rows_free(&a->stored[i]);
	free(a->create.ids);
	free(a->create.existing);
	free(a->create.seqs);
	free(a->rows);
	free(a->stored);
	memset(a, 0, sizeof(*a));
}

/* The arrays of an add of n items; 0, or -1 out of memory. */
static int
added_alloc(struct ts_added *a, size_t n)
{
	memset(a, 0, sizeof(*a));
	a->n = n;
	a->create.ids = calloc(n, sizeof(*a->create.ids));
	a->create.existing = calloc(n, sizeof(*a->create.existing));
	a->create.seqs = calloc(n, sizeof(*a->create.seqs));
	a->rows = calloc(n, sizeof(*a->rows));
	a->stored = calloc(n, sizeof(*a->stored));
	return a->create.ids != NULL && a->create.existing != NULL && a->create.seqs != NULL &&
	    a->rows != NULL && a->stored != NULL ? 0 : -1;
}

/* The thread the caller may not write gives 404, 401 or 403; 0 when the
 * caller owns it. */
static int
write_allowed(struct ts_call *c, const uuid_t tid)
{
	struct ts_thread t;

	if (ts_thread_open(c, tid, TS_OP_WRITE, &t) != 0)
		return -1;
	ts_thread_release(&t);
	return 0;
}

/*
 * A create outcome as a result or a problem. A create's first statement is
 * its owner check, so when it matched no thread of the caller's, or the
 * transaction failed, the thread is opened: a caller who may not write it
 * learns only that.
 */
static int
create_outcome(struct ts_call *c, enum ts_db_status st, const struct ts_create *cr, int batch)
{
	static const char *const loc[] = { "body", "parent_message_id", NULL };

	if (st != TS_DB_OK || cr->outcome == TS_CREATE_NO_THREAD) {
		if (write_allowed(c, cr->thread_id) != 0)
			return -1;
		if (st != TS_DB_OK)
			return ts_call_db(c, st);
		/* the caller's thread, gone since the statement */
		return ts_problem_set(&c->problem, TS_E_NOT_FOUND, "Thread not found");
	}
	switch (cr->outcome) {
	case TS_CREATE_OK:
		return 0;
	case TS_CREATE_BAD_PARENT:
		ts_problem_invalid(&c->problem, loc, "must name a message of this thread", "reference");
		if (batch)
			ts_problem_nest(&c->problem, "messages", cr->bad_index);
		return -1;
	case TS_CREATE_CONFLICT:
		return ts_problem_set(&c->problem, TS_E_CONFLICT, "message_id already names another message");
	case TS_CREATE_NO_THREAD:
		break;
	}
	return ts_problem_set(&c->problem, TS_E_INTERNAL, NULL);
}

/* After the commit: new items as the rows inserted (no read back), items
 * that existed as stored now. */
static int
collect_added(struct ts_call *c, struct ts_added *a)
{
	enum ts_db_status st;
	size_t i;

	for (i = 0; i < a->n; i++) {
		if (!a->create.existing[i]) {
			ts_message_row_fill(&a->rows[i], a->create.thread_id, a->create.ids[i], a->create.seqs[i],
			    a->create.now, &a->create.items[i]);
			continue;
		}
		st = ts_message_table_get(c->db, a->create.thread_id, a->create.ids[i], &a->stored[i]);
		if (st != TS_DB_OK)
			return ts_call_db(c, st);
	}
	return 0;
}

int
ts_messages_add(struct ts_call *c, const uuid_t tid, struct ts_message_input *items, size_t n,
    int batch, struct ts_problem *invalid, struct ts_added *out)
{
	enum ts_db_status st;

	memset(out, 0, sizeof(*out));
	/* The add below matches thread and owner only: a call bound to a
	 * namespace opens the thread first, so that one outside it is 404. */
	if (c->namespace_ != NULL && write_allowed(c, tid) != 0)
		return -1;
	/* Writes need a caller; the thread's own answer (404, 401) first. */
	if (ts_call_sub(c) == NULL) {
		if (write_allowed(c, tid) != 0)
			return -1;
		return ts_problem_set(&c->problem, TS_E_UNAUTHORIZED, NULL);
	}
	if (invalid != NULL && ts_problem_is_set(invalid))
		return write_allowed(c, tid) != 0 ? -1 : ts_call_check(c, invalid);
	if (added_alloc(out, n) != 0)
		return ts_problem_set(&c->problem, TS_E_INTERNAL, NULL);
	out->create.thread_id = tid;
	out->create.owner = ts_call_sub(c);
	out->create.items = items;
	out->create.n = n;
	st = ts_messages_create(c->db, &out->create);
	if (create_outcome(c, st, &out->create, batch) != 0 || collect_added(c, out) != 0)
		return -1;
	/* A repeat whose message was deleted since: a batch leaves it out. */
	if (!batch && ts_added_cells(out, 0) == NULL)
		return ts_problem_set(&c->problem, TS_E_NOT_FOUND, "Message not found");
	return 0;
}

int
ts_thread_start(struct ts_call *c, const unsigned char *tid, const char *metadata, struct ts_message_input *items,
    size_t n, struct ts_problem *invalid, struct ts_thread *out)
{
	struct ts_added a;
	enum ts_db_status st;
	enum ts_create_outcome outcome;
	int client_ids = 0;
	uuid_t id;
	size_t i;

	memset(out, 0, sizeof(*out));
	/* 401 before any 422 (API reference: Order of checks). */
	if (ts_call_sub(c) == NULL)
		return ts_problem_set(&c->problem, TS_E_UNAUTHORIZED, NULL);
	if (ts_call_check(c, invalid) != 0)
		return -1;
	if (added_alloc(&a, n) != 0) {
		ts_added_free(&a);
		return ts_problem_set(&c->problem, TS_E_INTERNAL, NULL);
	}
	if (tid != NULL)
		memcpy(id, tid, sizeof(uuid_t));
	else
		ts_uuid_generate(id);
	for (i = 0; i < n; i++) {
		if (items[i].has_message_id)
			memcpy(a.create.ids[i], items[i].message_id, sizeof(uuid_t));
		else
			ts_uuid_generate(a.create.ids[i]);
		client_ids |= items[i].has_message_id;
	}
	a.create.thread_id = id;
	a.create.owner = ts_call_sub(c);
	a.create.items = items;
	a.create.n = n;
	st = ts_thread_store_insert_with_messages(c->db, c->namespace_ != NULL ? c->namespace_ : "", metadata,
	    &a.create);
	outcome = a.create.outcome;
	ts_added_free(&a);
	/* A client's message id that names another thread's message: the
	 * store rolls the thread back (it reports the outcome, not an error). */
	if (st != TS_DB_OK && outcome == TS_CREATE_CONFLICT)
		return ts_problem_set(&c->problem, TS_E_CONFLICT, "message_id already names another message");
	/* A client's thread id that is taken (a thread of another namespace or
	 * owner, or one started by a concurrent request). */
	if (st == TS_DB_DUPLICATE && tid != NULL)
		return ts_problem_set(&c->problem, TS_E_CONFLICT, "A thread with this id already exists");
	/* In a new thread no seq can race: a duplicate is a client's id that
	 * names another thread's message (the store reports it as a retry). */
	if (st == TS_DB_RETRY && client_ids)
		return ts_problem_set(&c->problem, TS_E_CONFLICT, "an item id names a message that exists already");
	if (st != TS_DB_OK)
		return ts_call_db(c, st);
	return ts_thread_open(c, id, TS_OP_READ, out);
}

/*
 * A read outside a namespace, in one statement: 1 when it found no row (no
 * thread, no message: the caller tells them apart the longer way), else
 * the outcome of the read, with *row filled on success.
 */
static int
read_in_one(struct ts_call *c, const uuid_t tid, const uuid_t mid, struct ts_problem *invalid,
    struct ts_db_rows *row)
{
	const struct ts_db_cell *r;
	enum ts_db_status st;

	if ((st = ts_message_table_read(c->db, tid, mid, row)) != TS_DB_OK)
		return ts_call_db(c, st);
	if (row->nrows != 1) {
		ts_db_rows_free(row);
		return 1;
	}
	r = ts_db_cell(row, 0, 0);
	if (ts_thread_allows(c, &r[TS_RC_SHARING_FLAG], &r[TS_RC_VISIBILITY], r[TS_RC_OWNER].data,
	    TS_OP_READ) != 0 || ts_call_check(c, invalid) != 0) {
		ts_db_rows_free(row);
		return -1;
	}
	return 0;
}

int
ts_message_read(struct ts_call *c, const uuid_t tid, const uuid_t mid, enum ts_op op,
    struct ts_problem *invalid, struct ts_db_rows *row)
{
	struct ts_thread t;
	enum ts_db_status st;
	int rc;

	memset(row, 0, sizeof(*row));
	/* A namespace is checked on the thread's row (read_thread): the long way. */
	if (op == TS_OP_READ && c->namespace_ == NULL && (rc = read_in_one(c, tid, mid, invalid, row)) != 1)
		return rc;
	if (ts_thread_open(c, tid, op, &t) != 0)
		return -1;
	ts_thread_release(&t);
	if ((st = ts_message_table_get(c->db, tid, mid, row)) != TS_DB_OK)
		return ts_call_db(c, st);
	if (row->nrows != 1) {
		ts_db_rows_free(row);
		return ts_problem_set(&c->problem, TS_E_NOT_FOUND, "Message not found");
	}
	if (ts_call_check(c, invalid) != 0) {
		ts_db_rows_free(row);
		return -1;
	}
	return 0;
}

int
ts_message_change(struct ts_call *c, const uuid_t tid, const uuid_t mid,
    struct ts_message_patch *mp, struct ts_problem *invalid, struct ts_db_rows *after)
{
	struct ts_message_change change;
	struct ts_db_rows row;
	enum ts_db_status st;
	int merged;

	memset(after, 0, sizeof(*after));
	if (ts_message_read(c, tid, mid, TS_OP_WRITE, invalid, &row) != 0)
		return -1;
	merged = ts_message_patch_merge_error(mp, ts_db_cell(&row, 0, TS_MC_CONTENT_EXTRA));
	ts_db_rows_free(&row);
	if (merged != 0)
		return ts_problem_set(&c->problem, TS_E_INTERNAL, NULL);
	change.has_text = mp->has_text;
	change.text = mp->text;
	change.text_len = mp->text_len;
	change.has_extra = mp->has_extra;
	change.content_extra = mp->content_extra;
	change.has_metadata = mp->has_metadata;
	change.metadata = mp->metadata;
	change.has_details = mp->has_details;
	change.details = mp->details;
	if ((st = ts_message_table_update(c->db, tid, mid, &change)) != TS_DB_OK ||
	    (st = ts_message_table_get(c->db, tid, mid, after)) != TS_DB_OK)
		return ts_call_db(c, st);
	if (after->nrows != 1) {
		ts_db_rows_free(after);
		return ts_problem_set(&c->problem, TS_E_NOT_FOUND, "Message not found");
	}
	return 0;
}

int
ts_message_remove(struct ts_call *c, const uuid_t tid, const uuid_t mid)
{
	struct ts_db_rows row;
	enum ts_db_status st;
	int role, deleted;

	if (ts_message_read(c, tid, mid, TS_OP_WRITE, NULL, &row) != 0)
		return -1;
	role = (int)ts_db_cell_ll(&row, 0, TS_MC_ROLE);
	ts_db_rows_free(&row);
	if ((st = ts_message_table_delete(c->db, tid, mid, role, &deleted)) != TS_DB_OK)
		return ts_call_db(c, st);
	return deleted ? 0 : ts_problem_set(&c->problem, TS_E_NOT_FOUND, "Message not found");
}

int
ts_messages_clear(struct ts_call *c, const uuid_t tid)
{
	enum ts_db_status st;
	int done;

	if (write_allowed(c, tid) != 0)
		return -1;
	if ((st = ts_thread_store_clear(c->db, tid, ts_call_sub(c), &done)) != TS_DB_OK)
		return ts_call_db(c, st);
	return done ? 0 : ts_problem_set(&c->problem, TS_E_NOT_FOUND, "Thread not found");
}
