/*
 * The operator's quick look at a live database (docs/threadstore.1):
 * `threadstore threads list`, `threadstore threads show ID` and
 * `threadstore stats`. Every read is bounded: a listing is one keyset page
 * of at most TS_MAX_PAGE_LIMIT threads, and the statistics are figures the
 * server keeps (stats_store.h), never a count over a table.
 */
#ifndef TS_CLI_LOOK_H
#define TS_CLI_LOOK_H

#include <stdio.h>

#include "db.h"

struct ts_look_args {
	const char *owner;      /* threads list --owner, or NULL: every owner */
	const char *after;      /* threads list --after ID: the page after that thread */
	long limit;             /* threads list --limit; 0: the default */
	int nargs;              /* the words after `threads`: list | show ID */
	char **args;
};

/* Whether a's words and options make a threads command; prints what is
 * wrong to stderr otherwise. 0 when they do. */
int ts_look_threads_check(const struct ts_look_args *a);

/*
 * Runs `threads list` or `threads show` on db, the threads as the API's
 * Thread objects (API reference: schema Thread), one JSON line per thread
 * for list (and where the next page starts, on stderr), indented for show
 * (with the per-role counts). Returns 0, or 1 after saying on stderr what
 * failed.
 */
int ts_look_threads(struct ts_db *db, const struct ts_look_args *a, FILE *out);

/* Runs `stats`: one "name value" line per figure. 0, or 1 after saying why. */
int ts_look_stats(struct ts_db *db, FILE *out);

/* Says on stderr why a statement of the operator's commands failed, with
 * what to do about it (a missing table: run migrate). */
void ts_look_db_failure(struct ts_db *db, enum ts_db_status st, const char *what);

#endif
