/*
 * The operations on messages (API reference: tag messages), for every
 * surface: add one or a batch (all or nothing), start a thread with its
 * first messages, read, change and remove one, clear a thread, page through
 * a thread, and pick the context. Each returns 0 with its result, or -1 with
 * the problem in call->problem; `invalid` is the surface parser's problem,
 * reported where the order of checks puts a 422, after 404 thread, 401/403
 * and 404 message (API reference: Order of checks). Results hold the rows
 * as stored; the surface renders them.
 */
#ifndef TS_MESSAGE_OPS_H
#define TS_MESSAGE_OPS_H

#include <stddef.h>
#include <uuid/uuid.h>

#include "call.h"
#include "message_store.h"
#include "message_input.h"
#include "message_row.h"
#include "paging.h"
#include "thread_ops.h"

/* What an add stored: item i is new (its row as inserted) or existed
 * already (as stored now; gone if deleted since the commit). */
struct ts_added {
	size_t n;
	struct ts_create create;        /* ids, existing, seqs, now */
	struct ts_message_row *rows;    /* n: the new items' rows */
	struct ts_db_rows *stored;      /* n: the existing items as stored now */
};

/* Item i's cells (enum ts_message_col), or NULL when it is gone. */
const struct ts_db_cell *ts_added_cells(const struct ts_added *a, size_t i);
/* Whether item i existed already (an idempotent repeat). */
int ts_added_existing(const struct ts_added *a, size_t i);
void ts_added_free(struct ts_added *a);

/*
 * Adds items[0..n) to the caller's thread tid in one transaction. The
 * owner's add reads nothing first: the transaction's first statement
 * matches thread and owner together (src/message_store.c); only an add
 * that cannot go on (invalid, an anonymous caller, no match) opens the
 * thread to give the access matrix's answer first
 * (API reference: The access matrix). A parent outside the thread is 422
 * at ["body", (batch: "messages", i,) "parent_message_id"]; a message_id
 * naming another message 409.
 */
int ts_messages_add(struct ts_call *c, const uuid_t tid, struct ts_message_input *items, size_t n,
    int batch, struct ts_problem *invalid, struct ts_added *out);

/*
 * A new private thread of the caller's, tid (NULL: a new id), in the
 * call's namespace (none: ""), with metadata (canonical JSON text) and its
 * first messages (client ids kept), all or nothing; 401 anonymous, before
 * invalid; a client id that names another thread's message, or a tid that
 * names a thread already, is 409. *out is the thread as stored.
 */
int ts_thread_start(struct ts_call *c, const unsigned char *tid, const char *metadata,
    struct ts_message_input *items, size_t n, struct ts_problem *invalid, struct ts_thread *out);

/* Message mid of thread tid, opened for op: 404 thread, 401/403, 404
 * message, then invalid. *row: the message columns; free it. */
int ts_message_read(struct ts_call *c, const uuid_t tid, const uuid_t mid, enum ts_op op,
    struct ts_problem *invalid, struct ts_db_rows *row);

/* Changes message mid of the caller's thread tid (mp's is_error merged
 * here); *after: the message as stored after the change. */
int ts_message_change(struct ts_call *c, const uuid_t tid, const uuid_t mid,
    struct ts_message_patch *mp, struct ts_problem *invalid, struct ts_db_rows *after);

int ts_message_remove(struct ts_call *c, const uuid_t tid, const uuid_t mid);

/* Clears the caller's thread tid, at any size (src/thread_store.c). */
int ts_messages_clear(struct ts_call *c, const uuid_t tid);

/* What a page of messages asks for. Cursors are message ids of the thread;
 * both bounds at once select the messages between them (no /api route
 * sends both). */
struct ts_message_query {
	long long limit;
	enum ts_order order;
	int has_after, has_before;
	const char *after_param, *before_param; /* the names a 422 shows (static) */
	uuid_t after, before;
	long long offset;
	int role_mask;                  /* TS_ALL_ROLES: any */
	char *run_id;                   /* owned; NULL: any */
	int has_created_after, has_created_before;
	char created_after[TS_DB_TIME_LEN + 1];
	char created_before[TS_DB_TIME_LEN + 1];
	int with_details;               /* how the page is measured against the cap */
	int time_is_cursor;             /* created_* bound the page as a cursor does,
	                                 * not the listing: total counts the thread's
	                                 * messages of role_mask, exact from its
	                                 * counters (Knowledge Stack's `before`) */
};

void ts_message_query_init(struct ts_message_query *q);
void ts_message_query_free(struct ts_message_query *q);

/* A page: cells[i] the message answered at i, in the order asked; has_more
 * (also when the response cap cut the page); total: -1 when not known
 * (a filtered count past TS_MAX_EXACT_FILTERED_TOTAL); kept: the worker's
 * kept copy of this very page (include/page_cache.h), lent until the page
 * is freed, or NULL: a surface may keep its body there, or find it kept. */
struct ts_message_page {
	struct ts_db_rows rows;         /* owns what cells point into, unless kept lends them */
	struct ts_kept_page *kept;      /* lent; NULL: none */
	const struct ts_db_cell *cells[TS_MAX_PAGE_LIMIT + 1];
	size_t n;
	int has_more;
	long long total;
};

int ts_messages_page(struct ts_call *c, const uuid_t tid, const struct ts_message_query *q,
    struct ts_problem *invalid, struct ts_message_page *out);

void ts_message_page_free(struct ts_message_page *pg);

/*
 * Cuts a page whose out->cells[0..n) are the messages read nearest the
 * cursor first (at most limit + 1 of them): at most limit, fewer where the
 * response cap stops the page (counted in reading order), turned around
 * when the scan read them backwards (reverse). The messages left out are
 * "more" (has_more). 0, or -1 with the problem.
 */
int ts_message_page_cut(struct ts_call *c, size_t n, long long limit, int with_details, int reverse,
    struct ts_message_page *out);

/* The context: the newest messages that fit max_tokens and max_messages
 * (and the response cap), system messages first if asked
 * (API reference: POST /api/threads/{thread_id}/messages/context). */
struct ts_context_query {
	long long max_tokens;
	long long max_messages;
	int include_system;
};

struct ts_context {
	struct ts_db_rows *pages;       /* owned: the pages read */
	size_t npages, cap_pages;
	const struct ts_db_cell **picked; /* owned array; cells in seq order */
	size_t count, cap_picked;
	long long used;                 /* their tokens */
	int truncated;
};

int ts_messages_context(struct ts_call *c, const uuid_t tid, const struct ts_context_query *q,
    struct ts_problem *invalid, struct ts_context *out);

void ts_context_free(struct ts_context *cx);

#endif
