/*
 * The pages a worker keeps (docs/design.md: The page cache).
 *
 * A page of a thread's messages read in one statement (TS_SQL_PAGE_*) is
 * kept with the thread's row_id and page_version as the statement read
 * them. Asked for the same page again (same thread, cursor, direction,
 * LIMIT and caller), the worker reads the thread's row alone
 * (TS_SQL_PAGE_THREAD, a point read) and serves the kept rows when row_id
 * and page_version are still the same: every change a page can show moves
 * page_version in the transaction that makes it (sql/006_page_version.sql;
 * tests/unit/test_sql.c checks the statements, tests/e2e/page_cache.test.mjs
 * each kind of change), and a thread deleted and made again has another
 * row_id. Access is decided on the thread's row just read, never on what
 * was kept, so a change of visibility or of the sharing flag is seen at
 * once. Nothing is shared between workers; each keeps its own.
 *
 * A kept page is lent, not copied: the request holds a reference until its
 * page is freed, so a page that gives way meanwhile lives until then. A
 * surface that has written a kept page's body keeps the bytes with it under
 * a tag naming everything else the body was made from, and writes them
 * again while the page is served unchanged.
 */
#ifndef TS_PAGE_CACHE_H
#define TS_PAGE_CACHE_H

#include <stddef.h>

#include "db.h"

struct ts_page_cache;

/* A kept page lent to a request (ts_page_cache_lend, ts_page_cache_put). */
struct ts_kept_page;

/* What a page statement was asked: the page's identity. */
struct ts_page_key {
	const unsigned char *tid;       /* 16 bytes */
	const unsigned char *cursor;    /* 16 bytes, NULL: from the start */
	int upward;
	long long limit;
	const char *caller;             /* the caller's subject, NULL when anonymous */
};

/* An empty cache; NULL out of memory. */
struct ts_page_cache *ts_page_cache_new(void);

/* Frees pc; pages still lent live until they are given back. */
void ts_page_cache_free(struct ts_page_cache *pc);

/* Whether pc keeps the page k; then *row_id and *version are the thread's
 * when it was read. */
int ts_page_cache_peek(struct ts_page_cache *pc, const struct ts_page_key *k, long long *row_id,
    long long *version);

/* The kept page k, lent (give it back with ts_kept_page_release); NULL when
 * it is not kept or kept as the thread only. */
struct ts_kept_page *ts_page_cache_lend(struct ts_page_cache *pc, const struct ts_page_key *k);

/* Forgets page k. */
void ts_page_cache_drop(struct ts_page_cache *pc, const struct ts_page_key *k);

/* Keeps a copy of rows as page k, read at the thread's row_id and version
 * (rows NULL: the thread only, for a page refused or of no thread, so that
 * the next such answer takes the thread's row alone), in place of the page
 * used longest ago when full; a page too large to keep, or no memory, keeps
 * nothing. Returns the kept page lent, or NULL when only the thread or
 * nothing was kept. */
struct ts_kept_page *ts_page_cache_put(struct ts_page_cache *pc, const struct ts_page_key *k,
    const struct ts_db_rows *rows, long long row_id, long long version);

/* The kept rows: read-only, valid while kp is lent. */
const struct ts_db_rows *ts_kept_page_rows(const struct ts_kept_page *kp);

/* The body written for kp under tag (a surface's name for everything the
 * body was made from besides the rows), or NULL; *len its length. */
const char *ts_kept_page_body(const struct ts_kept_page *kp, const char *tag, size_t *len);

/* Keeps a copy of body as kp's body under tag, in place of any other, when
 * kp is still kept and the page and body fit its bounds (TS_PAGE_CACHE_*);
 * otherwise nothing. */
void ts_page_cache_keep_body(struct ts_page_cache *pc, struct ts_kept_page *kp, const char *tag,
    const char *body, size_t len);

/* Gives a lent page back; NULL is nothing. */
void ts_kept_page_release(struct ts_kept_page *kp);

#endif
