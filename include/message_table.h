/*
 * The messages table's statements about existing messages: one message of a
 * thread, its seq, a change, a delete, and the one-statement page. Creating
 * messages is message_store.h's; filtered ranges are message_ranges.h's.
 * No request context here. Every read skips the dead messages a clear or a
 * delete left for the purge (src/purge.c).
 */
#ifndef TS_MESSAGE_TABLE_H
#define TS_MESSAGE_TABLE_H

#include <stddef.h>

#include "db.h"

/* Message mid of thread tid and what deciding its reader's access needs
 * (enum ts_read_col), in one statement; no row when either is not there.
 * The caller frees rows. */
enum ts_db_status ts_message_table_read(struct ts_db *db, const unsigned char *tid,
    const unsigned char *mid, struct ts_db_rows *rows);

/* Message mid of thread tid, with the message columns (enum
 * ts_message_col); no row when there is none. The caller frees rows. */
enum ts_db_status ts_message_table_get(struct ts_db *db, const unsigned char *tid,
    const unsigned char *mid, struct ts_db_rows *rows);

/* The seq of message mid of thread tid; *seq = 0 when there is none. */
enum ts_db_status ts_message_table_seq(struct ts_db *db, const unsigned char *tid,
    const unsigned char *mid, long long *seq);

/* What a PATCH changes; a field changes only when its has_ is set. Borrowed. */
struct ts_message_change {
	int has_text;
	const char *text;
	size_t text_len;
	int has_extra;
	const char *content_extra;      /* NULL: none */
	int has_metadata;
	const char *metadata;
	int has_details;
	const char *details;            /* NULL: null */
};

/* Changes message mid of thread tid in one transaction, which first saves
 * the message for the live snapshot links that show it (share_store.h). */
enum ts_db_status ts_message_table_update(struct ts_db *db, const unsigned char *tid,
    const unsigned char *mid, const struct ts_message_change *c);

/* Deletes message mid (of role `role`) of thread tid and keeps the thread's
 * counters true, in one transaction, which first saves the message for the
 * live snapshot links that show it. *deleted: 0 when it was not there. */
enum ts_db_status ts_message_table_delete(struct ts_db *db, const unsigned char *tid,
    const unsigned char *mid, int role, int *deleted);

/*
 * An unfiltered page in one statement: up to limit messages of thread tid
 * beyond message cursor (NULL: from the start) in the scan's direction, each
 * row with the thread's owner, visibility and count and the sharing flag
 * first (enum ts_page_col). No row at all: no such thread, a cursor that is
 * not a live message of it, or an empty page. For a caller (its subject,
 * NULL when anonymous) who neither owns the thread nor may read it shared,
 * the row is the thread's last message alone, with TS_PC_READABLE 0.
 */
enum ts_db_status ts_message_table_page(struct ts_db *db, const unsigned char *tid,
    const unsigned char *cursor, const char *caller, int upward, long long limit, struct ts_db_rows *rows);

/*
 * The same thread columns alone (up to TS_PC_MESSAGE) for the same caller:
 * one row, or none when there is no such thread. What a kept page is
 * checked against (src/page_cache.c).
 */
enum ts_db_status ts_message_table_page_thread(struct ts_db *db, const unsigned char *tid,
    const char *caller, struct ts_db_rows *rows);

#endif
