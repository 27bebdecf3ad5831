/*
 * Creating messages (§6.2): one transaction for one message or a batch. The
 * thread row is locked first, so creates in a thread queue there; then
 * parents are checked (422), repeated message_ids compared (200 or 409), seq
 * numbers taken from the thread's counter and the rows inserted.
 */
#include <stdlib.h>
#include <string.h>

#include "ids.h"
#include "message_store.h"
#include "timefmt.h"

static struct ts_db_param
opt_str(const char *s)
{
	return s != NULL ? ts_p_str(s, strlen(s)) : ts_p_null();
}

static struct ts_db_param
opt_int(long long v)
{
	return v >= 0 ? ts_p_int(v) : ts_p_null();
}

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

static enum ts_db_status
insert_one(struct ts_db *db, struct ts_create *c, size_t i, long long seq, const char *now)
{
	struct ts_message_input *in = &c->items[i];
	struct ts_db_param p[TS_MC__COUNT];
	enum ts_db_status st;

	p[TS_MC_THREAD_ID] = ts_p_blob(c->thread_id, 16);
	p[TS_MC_SEQ] = ts_p_int(seq);
	p[TS_MC_ID] = ts_p_blob(c->ids[i], 16);
	p[TS_MC_ROLE] = ts_p_int(in->role);
	p[TS_MC_TEXT] = ts_p_str(in->text, in->text_len);
	p[TS_MC_CONTENT_EXTRA] = opt_str(in->content_extra);
	p[TS_MC_DETAILS] = opt_str(in->details);
	p[TS_MC_METADATA] = opt_str(in->metadata);
	p[TS_MC_ATTACHMENTS] = opt_str(in->attachments);
	p[TS_MC_PARENT_ID] = in->has_parent ? ts_p_blob(in->parent, 16) : ts_p_null();
	p[TS_MC_RUN_ID] = opt_str(in->strs[TS_MS_RUN_ID]);
	p[TS_MC_ASSISTANT_ID] = opt_str(in->strs[TS_MS_ASSISTANT_ID]);
	p[TS_MC_MODEL] = opt_str(in->strs[TS_MS_MODEL]);
	p[TS_MC_SOURCE] = opt_str(in->strs[TS_MS_SOURCE]);
	p[TS_MC_TOOL_CALL_ID] = opt_str(in->strs[TS_MS_TOOL_CALL_ID]);
	p[TS_MC_TOOL_NAME] = opt_str(in->strs[TS_MS_TOOL_NAME]);
	p[TS_MC_TOOL_CALLS] = opt_str(in->tool_calls);
	p[TS_MC_TOKEN_COUNT] = opt_int(in->ints[TS_MI_TOKEN_COUNT]);
	p[TS_MC_PROMPT_TOKENS] = opt_int(in->ints[TS_MI_PROMPT_TOKENS]);
	p[TS_MC_COMPLETION_TOKENS] = opt_int(in->ints[TS_MI_COMPLETION_TOKENS]);
	p[TS_MC_LATENCY_MS] = opt_int(in->ints[TS_MI_LATENCY_MS]);
	p[TS_MC_COMPARISON_ID] = opt_str(in->strs[TS_MS_COMPARISON_ID]);
	p[TS_MC_CREATED_AT] = ts_p_str(now, TS_DB_TIME_LEN);
	p[TS_MC_UPDATED_AT] = ts_p_str(now, TS_DB_TIME_LEN);
	st = ts_db_exec(db, TS_SQL_MESSAGE_INSERT, p, TS_MC__COUNT, NULL, NULL);
	/* A message_id inserted meanwhile in another thread: run again, and the
	 * rerun's check reports the conflict. */
	return st == TS_DB_DUPLICATE ? TS_DB_RETRY : st;
}

/* Takes n contiguous seq numbers from the thread's counter; *first is the first. */
static enum ts_db_status
take_seqs(struct ts_db *db, struct ts_create *c, size_t n, const char *now, long long *first)
{
	struct ts_db_param p[] = { ts_p_int((long long)n), ts_p_int((long long)n),
	    ts_p_str(now, TS_DB_TIME_LEN), ts_p_str(now, TS_DB_TIME_LEN), ts_p_blob(c->thread_id, 16) };
	struct ts_db_rows r;
	enum ts_db_status st;

	if ((st = ts_db_exec(db, TS_SQL_THREAD_NEXT_SEQ, p, 5, NULL, NULL)) != TS_DB_OK)
		return st;
	if ((st = ts_db_exec(db, TS_SQL_THREAD_LAST_SEQ, NULL, 0, &r, NULL)) != TS_DB_OK)
		return st;
	*first = strtoll(ts_db_cell(&r, 0, 0)->data, NULL, 10) - (long long)n + 1;
	ts_db_rows_free(&r);
	return TS_DB_OK;
}

static enum ts_db_status
create_txn(struct ts_db *db, void *arg)
{
	struct ts_create *c = arg;
	struct ts_db_param lp[] = { ts_p_blob(c->thread_id, 16) };
	struct ts_db_rows r;
	char now[TS_DB_TIME_LEN + 1];
	enum ts_db_status st;
	long long seq = 0;
	size_t i, fresh = 0;

	c->outcome = TS_CREATE_OK;
	if ((st = ts_db_exec(db, TS_SQL_THREAD_LOCK, lp, 1, &r, NULL)) != TS_DB_OK)
		return st;
	if (r.nrows != 1)
		c->outcome = TS_CREATE_NO_THREAD;
	ts_db_rows_free(&r);
	if (c->outcome != TS_CREATE_OK)
		return TS_DB_OK;
	if ((st = check_parents(db, c)) != TS_DB_OK || c->outcome != TS_CREATE_OK)
		return st;
	if ((st = check_existing(db, c)) != TS_DB_OK || c->outcome != TS_CREATE_OK)
		return st;
	for (i = 0; i < c->n; i++)
		fresh += !c->existing[i];
	if (fresh == 0)
		return TS_DB_OK;
	ts_time_now_db(now);
	if ((st = take_seqs(db, c, fresh, now, &seq)) != TS_DB_OK)
		return st;
	for (i = 0; i < c->n; i++) {
		if (c->existing[i])
			continue;
		if ((st = insert_one(db, c, i, seq++, now)) != TS_DB_OK)
			return st;
	}
	return TS_DB_OK;
}

enum ts_db_status
ts_messages_create_txn(struct ts_db *db, struct ts_create *c)
{
	return create_txn(db, c);
}

enum ts_db_status
ts_messages_create(struct ts_db *db, struct ts_create *c)
{
	size_t i;

	/* Ids are fixed before the transaction, so a rerun inserts the same ones. */
	for (i = 0; i < c->n; i++) {
		if (c->items[i].has_message_id)
			memcpy(c->ids[i], c->items[i].message_id, 16);
		else
			ts_uuid_generate(c->ids[i]);
	}
	return ts_db_transaction(db, create_txn, c);
}
