/*
 * Creating messages (API reference: POST /api/threads/{thread_id}/messages)
 * and batches (API reference: POST /api/threads/{thread_id}/messages/batch):
 * one transaction for one message or a batch: parents are checked (422),
 * repeated message_ids compared (200 or 409; the thread row is locked first
 * then), seq numbers taken from the thread's counter, which locks the
 * thread row until COMMIT, and the rows inserted. Creates in one thread
 * queue on that lock.
 *
 * One message with neither a message_id nor a parent, the common create,
 * is one statement and one round trip (TS_SQL_MESSAGE_CREATE_ONE): the
 * same counter UPDATE and INSERT, with the same parameters, inside a
 * compound statement that begins and commits its own transaction: each
 * round trip saved costs both processes syscalls and a wake-up. When its
 * UPDATE matches nothing, it changes nothing, and the general transaction
 * (START TRANSACTION, UPDATE, INSERT, COMMIT, and more only when needed)
 * runs instead: it tells a thread the caller does not own from a clock
 * behind the thread's. So does a message of more than 8 KiB, which costs
 * MariaDB less that way (CREATE_ONE_MAX_BYTES).
 *
 * The first statement on the thread row matches its owner as well, and
 * nothing is read before it: a caller who does not own the thread learns
 * nothing (not even whether a parent exists) and gets TS_CREATE_NO_THREAD,
 * which the handler turns into the access matrix's answer
 * (API reference: The access matrix). So the owner's create needs no SELECT
 * of the thread beforehand.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ids.h"
#include "message_input.h"
#include "message_json.h"
#include "message_row.h"
#include "message_store.h"
#include "roles.h"
#include "share_store.h"
#include "timefmt.h"

/* Whether the stored row is the same message: role and content alike. */
static int
same_message(const struct ts_db_rows *r, const struct ts_message_input *in)
{
	struct json_object *stored;
	int same;

	if (strtol(ts_db_cell(r, 0, TS_MC_ROLE)->data, NULL, 10) != in->role)
		return 0;
	stored = ts_message_content_json(ts_db_cell(r, 0, TS_MC_TEXT), ts_db_cell(r, 0, TS_MC_CONTENT_EXTRA));
	same = stored != NULL && json_object_equal(stored, in->content);
	json_object_put(stored);
	return same;
}

/*
 * A dead row (cleared, or of a deleted thread, not purged yet) holding a
 * message_id that is used again: it goes now, in this transaction, so the id
 * is free as it would be once purged.
 */
static enum ts_db_status
purge_dead(struct ts_db *db, const struct ts_db_rows *r)
{
	const char *tid = ts_db_cell(r, 0, TS_MC_THREAD_ID)->data;
	struct ts_db_param p[] = { ts_p_blob(tid, 16), ts_p_int(ts_db_cell_ll(r, 0, TS_MC_SEQ)) };
	enum ts_db_status st;

	/* A cleared row a live snapshot shows is saved for it first. */
	if ((st = ts_share_store_save(db, (const unsigned char *)tid,
	    (const unsigned char *)ts_db_cell(r, 0, TS_MC_ID)->data)) != TS_DB_OK)
		return st;
	return ts_db_exec(db, TS_SQL_MESSAGE_PURGE_ONE, p, 2, NULL, NULL);
}

/* Repeated message_ids: mark the items that exist already, or a conflict. */
static enum ts_db_status
check_existing(struct ts_db *db, struct ts_create *c)
{
	struct ts_db_rows r;
	enum ts_db_status st;
	size_t i;

	for (i = 0; i < c->n; i++) {
		struct ts_message_input *in = &c->items[i];
		struct ts_db_param p[] = { ts_p_blob(in->message_id, 16) };

		c->existing[i] = 0;
		if (!in->has_message_id)
			continue;
		if ((st = ts_db_exec(db, TS_SQL_MESSAGE_BY_ID, p, 1, &r, NULL)) != TS_DB_OK)
			return st;
		if (r.nrows == 1 && ts_db_cell_ll(&r, 0, TS_MC_DEAD) != 0) {
			st = purge_dead(db, &r);
			ts_db_rows_free(&r);
			if (st != TS_DB_OK)
				return st;
			continue;
		}
		if (r.nrows == 1) {
			if (memcmp(ts_db_cell(&r, 0, TS_MC_THREAD_ID)->data, c->thread_id, 16) != 0 ||
			    !same_message(&r, in))
				c->outcome = TS_CREATE_CONFLICT;
			c->existing[i] = 1;
		}
		ts_db_rows_free(&r);
		if (c->outcome != TS_CREATE_OK)
			return TS_DB_OK;
	}
	return TS_DB_OK;
}

/* A parent must be a message of this thread, or an earlier item of the batch. */
static enum ts_db_status
check_parents(struct ts_db *db, struct ts_create *c)
{
	struct ts_db_rows r;
	enum ts_db_status st;
	size_t i, j;

	for (i = 0; i < c->n; i++) {
		struct ts_message_input *in = &c->items[i];
		struct ts_db_param p[] = { ts_p_blob(in->parent, 16), ts_p_blob(c->thread_id, 16) };
		int found = 0;

		if (!in->has_parent)
			continue;
		for (j = 0; j < i && !found; j++)
			found = memcmp(c->ids[j], in->parent, 16) == 0;
		if (!found) {
			if ((st = ts_db_exec(db, TS_SQL_MESSAGE_SEQ_OF, p, 2, &r, NULL)) != TS_DB_OK)
				return st;
			found = r.nrows == 1;
			ts_db_rows_free(&r);
		}
		if (!found) {
			c->outcome = TS_CREATE_BAD_PARENT;
			c->bad_index = i;
			return TS_DB_OK;
		}
	}
	return TS_DB_OK;
}

/* The counter UPDATE's parameters (counter_params): seven, and one a role. */
#define COUNTER_PARAMS (7 + TS_ROLE__COUNT)

/*
 * The INSERT's parameters (TS_SQL_MESSAGE_INSERT): the row's cells in
 * column order, the seq left out unless with_seq (the one-statement create
 * takes it from the counter). p has room for TS_MC__COUNT; the count.
 */
static size_t
row_params(const struct ts_message_row *row, int with_seq, struct ts_db_param *p)
{
	size_t col, k = 0;

	for (col = 0; col < TS_MC__COUNT; col++) {
		const struct ts_db_cell *cell = &row->cells[col];

		if (col == TS_MC_SEQ && !with_seq)
			continue;
		if (cell->data == NULL)
			p[k++] = ts_p_null();
		else if (col == TS_MC_THREAD_ID || col == TS_MC_ID || col == TS_MC_PARENT_ID)
			p[k++] = ts_p_blob(cell->data, cell->len);
		else
			p[k++] = ts_p_str(cell->data, cell->len);
	}
	return k;
}

/* A duplicate key while inserting: a message_id inserted meanwhile in
 * another thread. Run again, and the rerun's check reports the conflict. */
static enum ts_db_status
insert_status(enum ts_db_status st)
{
	return st == TS_DB_DUPLICATE ? TS_DB_RETRY : st;
}

/* Inserts item i as the row it renders as (ts_message_row_fill). */
static enum ts_db_status
insert_one(struct ts_db *db, struct ts_create *c, size_t i)
{
	struct ts_message_row row;
	struct ts_db_param p[TS_MC__COUNT];
	size_t np;

	ts_message_row_fill(&row, c->thread_id, c->ids[i], c->seqs[i], c->now, &c->items[i]);
	np = row_params(&row, 1, p);
	return insert_status(ts_db_exec(db, TS_SQL_MESSAGE_INSERT, p, np, NULL, NULL));
}

/*
 * The counter UPDATE's parameters: n new messages (all, then per role) at
 * c->now, for the thread if the caller owns it and its newest message is not
 * dated after c->now.
 */
static size_t
counter_params(const struct ts_create *c, size_t n, struct ts_db_param *p)
{
	long long per_role[TS_ROLE__COUNT] = { 0 };
	size_t i, k = 0;
	int r;

	for (i = 0; i < c->n; i++)
		if (!c->existing[i])
			per_role[c->items[i].role]++;
	p[k++] = ts_p_int((long long)n);
	p[k++] = ts_p_int((long long)n);
	for (r = 0; r < TS_ROLE__COUNT; r++)
		p[k++] = ts_p_int(per_role[r]);
	p[k++] = ts_p_str(c->now, TS_DB_TIME_LEN);
	p[k++] = ts_p_str(c->now, TS_DB_TIME_LEN);
	p[k++] = ts_p_blob(c->thread_id, 16);
	p[k++] = ts_p_str(c->owner, strlen(c->owner));
	p[k++] = ts_p_str(c->now, TS_DB_TIME_LEN);
	return k;
}

/*
 * When the counter UPDATE matched nothing: either no thread of this owner,
 * or its newest message is dated after our clock (another writer's clock ran
 * ahead). The thread row is locked and its time read; the new messages then
 * take that time, so created_at never decreases along seq. *again: run the
 * UPDATE once more.
 */
static enum ts_db_status
catch_up_time(struct ts_db *db, struct ts_create *c, int *again)
{
	struct ts_db_param p[] = { ts_p_blob(c->thread_id, 16), ts_p_str(c->owner, strlen(c->owner)) };
	struct ts_db_rows r;
	enum ts_db_status st;
	const struct ts_db_cell *last;

	*again = 0;
	if ((st = ts_db_exec(db, TS_SQL_THREAD_LOCK_TIME, p, 2, &r, NULL)) != TS_DB_OK)
		return st;
	if (r.nrows != 1) {
		c->outcome = TS_CREATE_NO_THREAD;
	} else {
		last = ts_db_cell(&r, 0, 0);
		if (last->data != NULL && last->len == TS_DB_TIME_LEN && strcmp(last->data, c->now) > 0)
			memcpy(c->now, last->data, TS_DB_TIME_LEN + 1);
		*again = 1;
	}
	ts_db_rows_free(&r);
	return TS_DB_OK;
}

/*
 * Takes n contiguous seq numbers from the thread's counter and counts the
 * messages in, in one statement that also locks the thread row until COMMIT
 * (so no seq becomes visible after a higher one). *first is the first
 * number: LAST_INSERT_ID(expr) hands the new counter back with the
 * statement's answer. 0 rows changed: no such thread of this owner, or a
 * clock behind the thread's (catch_up_time).
 */
static enum ts_db_status
take_seqs(struct ts_db *db, struct ts_create *c, size_t n, long long *first)
{
	struct ts_db_param p[COUNTER_PARAMS];
	unsigned long long changed = 0;
	enum ts_db_status st;
	size_t np;
	int again;

	np = counter_params(c, n, p);
	if ((st = ts_db_exec(db, TS_SQL_THREAD_NEXT_SEQ, p, np, NULL, &changed)) != TS_DB_OK)
		return st;
	if (changed != 1) {
		if ((st = catch_up_time(db, c, &again)) != TS_DB_OK || !again)
			return st;
		np = counter_params(c, n, p);
		if ((st = ts_db_exec(db, TS_SQL_THREAD_NEXT_SEQ, p, np, NULL, &changed)) != TS_DB_OK)
			return st;
		if (changed != 1) {
			c->outcome = TS_CREATE_NO_THREAD;
			return TS_DB_OK;
		}
	}
	*first = (long long)ts_db_insert_id(db, TS_SQL_THREAD_NEXT_SEQ) - (long long)n + 1;
	return TS_DB_OK;
}

/* Whether any item names its own message_id (an idempotent create) or a parent. */
static int
any_lookup(const struct ts_create *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->items[i].has_message_id || c->items[i].has_parent)
			return 1;
	return 0;
}

/*
 * Locks the thread row, if the caller owns it, before the checks that read
 * messages: the repeated-message_id check then reads a snapshot taken after
 * any racing create of the same id committed, and a parent is looked up
 * only in the caller's own thread.
 */
static enum ts_db_status
lock_thread(struct ts_db *db, struct ts_create *c)
{
	struct ts_db_param p[] = { ts_p_blob(c->thread_id, 16), ts_p_str(c->owner, strlen(c->owner)) };
	struct ts_db_rows r;
	enum ts_db_status st;

	if ((st = ts_db_exec(db, TS_SQL_THREAD_LOCK, p, 2, &r, NULL)) != TS_DB_OK)
		return st;
	if (r.nrows != 1)
		c->outcome = TS_CREATE_NO_THREAD;
	ts_db_rows_free(&r);
	return TS_DB_OK;
}

/*
 * The transaction. Without message_ids or parents there is nothing to look
 * up, so no early lock: the counter's UPDATE is the first statement; it
 * checks the owner, locks the thread row and takes the numbers, and the
 * INSERTs follow, all before COMMIT.
 */
static enum ts_db_status
create_txn(struct ts_db *db, void *arg)
{
	struct ts_create *c = arg;
	enum ts_db_status st;
	long long seq = 0;
	size_t i, fresh = 0;

	c->outcome = TS_CREATE_OK;
	if (any_lookup(c) && ((st = lock_thread(db, c)) != TS_DB_OK || c->outcome != TS_CREATE_OK))
		return st;
	if ((st = check_parents(db, c)) != TS_DB_OK || c->outcome != TS_CREATE_OK)
		return st;
	if ((st = check_existing(db, c)) != TS_DB_OK || c->outcome != TS_CREATE_OK)
		return st;
	for (i = 0; i < c->n; i++)
		fresh += !c->existing[i];
	if (fresh == 0)
		return TS_DB_OK;
	ts_time_now_db(c->now);
	if ((st = take_seqs(db, c, fresh, &seq)) != TS_DB_OK || c->outcome != TS_CREATE_OK)
		return st;
	for (i = 0; i < c->n; i++) {
		if (c->existing[i])
			continue;
		c->seqs[i] = seq++;
		if ((st = insert_one(db, c, i)) != TS_DB_OK)
			return st;
	}
	return TS_DB_OK;
}

enum ts_db_status
ts_messages_create_txn(struct ts_db *db, struct ts_create *c)
{
	return create_txn(db, c);
}

/*
 * The most bytes a row binds (its cells) for the one-statement create.
 * MariaDB writes every parameter of a statement inside a compound
 * statement out again as an escaped literal, for its logs whether they are
 * on or not (sp_instr_stmt::execute, subst_spvars): about 34 instructions
 * a byte, measured with callgrind. Measured as MariaDB's CPU time per
 * create, the one statement still costs less at 8 KiB (10 to 30%), about
 * the same at 16 KiB, 15 to 35% more at 32 KiB; threadstore's is ~50 us
 * less at every size.
 */
#define CREATE_ONE_MAX_BYTES (8 * 1024)

/* What a row binds, in bytes. */
static size_t
row_bytes(const struct ts_message_row *row)
{
	size_t col, n = 0;

	for (col = 0; col < TS_MC__COUNT; col++)
		n += row->cells[col].len;
	return n;
}

/*
 * The seq TS_SQL_MESSAGE_CREATE_ONE answered (0: nothing changed), into
 * *seq. It comes tracked in the statement's OK packet; a server that does
 * not track it is asked on the same connection, where LAST_INSERT_ID()
 * still holds it. The statement has run by now, perhaps committed, so a
 * failure here is an error, never a reason to run it again.
 */
static enum ts_db_status
answered_seq(struct ts_db *db, long long *seq)
{
	struct ts_db_rows r;
	enum ts_db_status st;
	unsigned long long v;

	if (ts_db_tracked_insert_id(db, &v) == 0) {
		if (v > (unsigned long long)LLONG_MAX)
			return TS_DB_ERROR;
		*seq = (long long)v;
		return TS_DB_OK;
	}
	st = ts_db_exec(db, TS_SQL_THREAD_LAST_SEQ, NULL, 0, &r, NULL);
	if (st != TS_DB_OK || r.nrows != 1) {
		if (st == TS_DB_OK)
			ts_db_rows_free(&r);
		return TS_DB_ERROR;
	}
	*seq = ts_db_cell_ll(&r, 0, 0);
	ts_db_rows_free(&r);
	return TS_DB_OK;
}

/*
 * One message with nothing to look up, in one statement and one round trip
 * (TS_SQL_MESSAGE_CREATE_ONE): the counter UPDATE and the INSERT of
 * create_txn, with the same parameters, in a transaction of their own.
 * c->seqs[0] is the new seq, or 0 when the UPDATE matched nothing (no
 * thread of this owner, or a clock behind the thread's: nothing changed,
 * and the general transaction tells the two apart) or when the row is
 * larger than CREATE_ONE_MAX_BYTES (nothing was sent).
 */
static enum ts_db_status
create_one(struct ts_db *db, void *arg)
{
	struct ts_create *c = arg;
	struct ts_message_row row;
	struct ts_db_param p[COUNTER_PARAMS + TS_MC__COUNT];
	enum ts_db_status st;
	size_t np;

	c->outcome = TS_CREATE_OK;
	c->existing[0] = 0;
	c->seqs[0] = 0;
	ts_time_now_db(c->now);
	/* The seq cell is not bound: the statement takes it from the counter. */
	ts_message_row_fill(&row, c->thread_id, c->ids[0], -1, c->now, &c->items[0]);
	if (row_bytes(&row) > CREATE_ONE_MAX_BYTES)
		return TS_DB_OK;
	np = counter_params(c, 1, p);
	np += row_params(&row, 0, p + np);
	st = insert_status(ts_db_exec(db, TS_SQL_MESSAGE_CREATE_ONE, p, np, NULL, NULL));
	if (st != TS_DB_OK)
		return st;
	return answered_seq(db, &c->seqs[0]);
}

enum ts_db_status
ts_messages_create(struct ts_db *db, struct ts_create *c)
{
	enum ts_db_status st;
	size_t i;

	/* Ids are fixed before the transaction, so a rerun inserts the same ones. */
	for (i = 0; i < c->n; i++) {
		if (c->items[i].has_message_id)
			memcpy(c->ids[i], c->items[i].message_id, 16);
		else
			ts_uuid_generate(c->ids[i]);
	}
	if (c->n == 1 && !any_lookup(c)) {
		st = ts_db_transaction_statement(db, create_one, c);
		if (st != TS_DB_OK || c->seqs[0] > 0)
			return st;
	}
	return ts_db_transaction(db, create_txn, c);
}
