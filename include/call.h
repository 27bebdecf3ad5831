/*
 * What every operation is given: the database, the configured limits and
 * who is asking; and where it reports why it failed. No request, no
 * response: a surface parses its request into typed input, calls the
 * operation, and renders the result or the problem in its own format.
 */
#ifndef TS_CALL_H
#define TS_CALL_H

#include "access.h"
#include "auth.h"
#include "config.h"
#include "db.h"
#include "page_cache.h"
#include "problem.h"

struct ts_call {
	struct ts_db *db;
	const struct ts_config *cfg;
	const struct ts_principal *caller;
	/* A surface whose paths name the namespace (the agent platform's
	 * org/workspace/app/namespace) sets it: a thread in another namespace
	 * is not found, and a thread started by ts_thread_start goes into it.
	 * NULL: any namespace, and "" for a new thread. Borrowed. */
	const char *namespace_;
	/* The worker's kept pages (page_cache.h), borrowed; NULL: none kept. */
	struct ts_page_cache *pages;
	struct ts_problem problem;      /* set when an operation returns -1 */
};

/* The caller's sub when authenticated, else NULL. */
const char *ts_call_sub(const struct ts_call *c);

/*
 * Where an operation reaches the 422s in the contract's order: the parser's
 * problem (invalid, NULL or unset: none) becomes the call's, and -1 is
 * returned; 0 when there is none.
 */
int ts_call_check(struct ts_call *c, struct ts_problem *invalid);

/* An access decision (access.h) as the call's answer: 0 when allowed,
 * else -1 with 401 UNAUTHORIZED, 403 FORBIDDEN or, for a link while
 * sharing is off, 403 PUBLIC_SHARING_DISABLED. */
int ts_call_access(struct ts_call *c, enum ts_access a);

/* The call's problem for a database failure (ts_problem_db); -1. */
int ts_call_db(struct ts_call *c, enum ts_db_status st);

#endif
