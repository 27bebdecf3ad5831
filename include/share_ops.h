/*
 * The operations on share links (API reference: tag shares), for every
 * surface that serves them (/api's JSON routes and the HTML page): make a
 * link, list a thread's or one's own, revoke one, and read a thread
 * through a link. Each returns 0 with its result, or -1 with the problem
 * in call->problem; `invalid` is the surface parser's problem, reported
 * where the order of checks puts a 422.
 */
#ifndef TS_SHARE_OPS_H
#define TS_SHARE_OPS_H

#include <uuid/uuid.h>

#include "call.h"
#include "message_ops.h"
#include "paging.h"
#include "share_store.h"
#include "share_token.h"

/* What POST .../shares asks for. */
struct ts_share_input {
	enum ts_share_mode mode;
	int has_expires;
	char expires_at[TS_DB_TIME_LEN + 1];    /* DATETIME(3) text */
};

/* A link just made: its row (enum ts_share_col) and its token, which
 * exists nowhere else (only its hash is stored). */
struct ts_share_made {
	struct ts_db_rows rows;
	char token[TS_SHARE_TOKEN_LEN + 1];
};

void ts_share_made_free(struct ts_share_made *m);

/*
 * A link to thread tid of the caller's: 404 thread, 401/403 (owner only),
 * then invalid, then 409 when the thread has TS_MAX_SHARES_PER_THREAD links
 * not revoked already.
 */
int ts_share_create(struct ts_call *c, const uuid_t tid, const struct ts_share_input *in,
    struct ts_problem *invalid, struct ts_share_made *out);

/* A page of links, newest first unless asked: rows in reading order,
 * answer item i at row ts_share_page_row. */
struct ts_share_page {
	struct ts_db_rows rows;
	size_t n;
	int has_more;
	int reverse;
	enum ts_cursor_kind kind;
};

/*
 * Thread tid's links (tid not NULL: 404, 401/403 owner only) or all the
 * caller's (401 anonymous); then invalid; then a cursor that is not a link
 * of the listing is 422.
 */
int ts_shares_list(struct ts_call *c, const unsigned char *tid, const struct ts_page_request *pr,
    struct ts_problem *invalid, struct ts_share_page *out);

size_t ts_share_page_row(const struct ts_share_page *pg, size_t i);
void ts_share_page_free(struct ts_share_page *pg);

/* Revokes link id: 401 anonymous, 404 no such link, 403 another's; a
 * revoked link stays revoked (204 again). */
int ts_share_revoke(struct ts_call *c, const uuid_t id);

/* A link that works, as its reader sees the thread (enum ts_shared_col). */
struct ts_shared {
	struct ts_db_rows rows;
	enum ts_share_mode mode;
};

void ts_shared_release(struct ts_shared *sh);

/*
 * The link whose token is token (len bytes), for reading: a token that is
 * malformed, unknown, revoked or expired, or whose thread is gone, is one
 * and the same 404; then, while public_sharing is off, 403
 * PUBLIC_SHARING_DISABLED for anyone but the owner (ts_access_link).
 */
int ts_shared_open(struct ts_call *c, const char *token, size_t len, struct ts_shared *out);

/* The title, message count and times a reader is shown: the thread's for a
 * live link, the thread's then for a snapshot. Cells of sh->rows. */
const struct ts_db_cell *ts_shared_title(const struct ts_shared *sh);
long long ts_shared_count(const struct ts_shared *sh);

/* A page of a shared thread's messages. Cursors are seqs. */
struct ts_shared_query {
	long long limit;
	enum ts_order order;
	enum ts_cursor_kind kind;       /* TS_CURSOR_AFTER or _BEFORE: cursor set */
	long long cursor;
	int with_details;               /* how the page is measured against the cap */
};

/*
 * Reads limit (1 to TS_MAX_PAGE_LIMIT, default_limit when absent), order
 * (asc by default: reading order) and one of after, before or cursor (a
 * seq, 0 to TS_MAX_SEQ; cursor means after) from the raw query into q. 0,
 * or -1 with the problem (a 422 at ["query", name]).
 */
int ts_shared_query_parse(struct ts_problem *p, const char *query, long long default_limit,
    struct ts_shared_query *q);

/*
 * Messages of the thread sh opened (invalid first: the link was checked):
 * a live link's are the thread's now, a snapshot's the messages it showed
 * when made, as they were. Bounded at any size: one range of the primary
 * key (a snapshot: two, its saved versions beside the thread's rows) of at
 * most limit + 1 rows each. total: the thread's count, or the snapshot's.
 */
int ts_shared_messages(struct ts_call *c, const struct ts_shared *sh, const struct ts_shared_query *q,
    struct ts_problem *invalid, struct ts_message_page *out);

#endif
