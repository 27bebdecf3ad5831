/*
 * The operations on threads (API reference: tag threads), for every
 * surface: open a thread under the access matrix, create, change, remove,
 * list. Each takes typed input and returns 0 with its result, or -1 with
 * the problem in call->problem. An `invalid` argument is the problem the
 * surface's parser found in the request (or none): the operation reports it
 * at the point the order of checks puts a 422, after 401/403/404
 * (API reference: Order of checks).
 */
#ifndef TS_THREAD_OPS_H
#define TS_THREAD_OPS_H

#include <uuid/uuid.h>

#include "access.h"
#include "call.h"
#include "paging.h"

/* A thread as stored, with the sharing flag read in the same round trip. */
struct ts_thread {
	struct ts_db_rows rows;         /* owns everything below: the thread
	                                 * columns (enum ts_thread_col) */
	int public_sharing;
	enum ts_visibility visibility;
	const char *owner;
};

void ts_thread_release(struct ts_thread *t);

/* The answer for a thread that is not there: -1 with 404 NOT_FOUND. */
int ts_thread_missing(struct ts_call *c);

/* Thread id for op: 404 when there is none, then 401 or 403
 * (API reference: The access matrix). */
int ts_thread_open(struct ts_call *c, const uuid_t id, enum ts_op op, struct ts_thread *t);

/*
 * The access matrix for op on a thread read by another statement: flag the
 * sharing flag's cell, visibility the thread's cell, owner its owner_id.
 * 0 when allowed, else -1 with 401 or 403.
 */
int ts_thread_allows(struct ts_call *c, const struct ts_db_cell *flag,
    const struct ts_db_cell *visibility, const char *owner, enum ts_op op);

/* The writable fields of a thread as a request gave them. */
struct ts_thread_input {
	int has_id, has_title, has_visibility, has_namespace, has_metadata;
	uuid_t id;
	const char *title;              /* borrowed; NULL: no title */
	int visibility;
	const char *namespace_;         /* borrowed */
	char *metadata;                 /* canonical JSON text (owned) */
};

void ts_thread_input_free(struct ts_thread_input *in);

/*
 * Creates a thread of the caller's (401 anonymous, before invalid). A
 * client id that exists already: the caller's own is returned as it is
 * (*created 0: the request was a repeat), another's is 409. *out is the
 * thread as stored.
 */
int ts_thread_create(struct ts_call *c, const struct ts_thread_input *in, struct ts_problem *invalid,
    struct ts_thread *out, int *created);

/* Changes the fields in of the caller's thread id; *out as stored after. */
int ts_thread_change(struct ts_call *c, const uuid_t id, const struct ts_thread_input *in,
    struct ts_problem *invalid, struct ts_thread *out);

/* Deletes the caller's thread id and its messages, at any size. */
int ts_thread_remove(struct ts_call *c, const uuid_t id);

/* A listing: the caller's own threads, or the public directory. */
struct ts_thread_query {
	int public_scope;               /* decided before the 401/403 checks */
	struct ts_page_request page;
	char *namespace_;               /* NULL: any (owned) */
	int visibility;                 /* -1: any */
};

void ts_thread_query_free(struct ts_thread_query *q);

/* A page of threads: rows in reading order; answer row i of n at
 * ts_thread_page_row. has_more: there are threads beyond the page. */
struct ts_thread_page {
	struct ts_db_rows rows;
	size_t n;
	int has_more;
	int reverse;
	enum ts_cursor_kind kind;
};

/* 401 for an anonymous own listing, 403 for the directory while sharing
 * is off; then invalid; then a cursor not of this listing is 422. */
int ts_threads_list(struct ts_call *c, const struct ts_thread_query *q, struct ts_problem *invalid,
    struct ts_thread_page *out);

/* The row (of out->rows) that is answer item i. */
size_t ts_thread_page_row(const struct ts_thread_page *pg, size_t i);

void ts_thread_page_free(struct ts_thread_page *pg);

#endif
