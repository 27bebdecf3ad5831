/*
 * Why a request cannot be answered as asked: an error of the one error
 * table (errors.h) with, for a 422, the path of the bad value (`loc`) and
 * its type. Parsers and operations report a problem and return; they never
 * answer. The surface the request came in through renders it once, in its
 * own wire format: /api's error body or OpenAI's under /v1
 * (API reference: schema Error; schema OpenAIError).
 */
#ifndef TS_PROBLEM_H
#define TS_PROBLEM_H

#include <stddef.h>
#include <json-c/json.h>

#include "db.h"
#include "errors.h"

#define TS_PROBLEM_TEXT_BYTES 128

struct ts_problem {
	enum ts_error error;            /* TS_E__COUNT while there is none */
	const char *message;            /* static; NULL: the generic one or text */
	char text[TS_PROBLEM_TEXT_BYTES]; /* a message composed at run time */
	struct json_object *loc;        /* a 422's path (owned); NULL otherwise */
	const char *type;               /* a 422's detail type (static) */
};

/* No problem. A problem must be freed (ts_problem_free) once it is set. */
void ts_problem_init(struct ts_problem *p);
void ts_problem_free(struct ts_problem *p);
int ts_problem_is_set(const struct ts_problem *p);

/* Each sets the problem (replacing any) and returns -1, so that a parser
 * can `return ts_problem_set(...)`. msg NULL: the error's generic message. */
int ts_problem_set(struct ts_problem *p, enum ts_error e, const char *msg);

/* 422 for the value at loc (NULL-terminated names, e.g. {"body", "role", NULL}). */
int ts_problem_invalid(struct ts_problem *p, const char *const *loc, const char *msg, const char *type);

/* The same with loc a JSON array of names and indexes (taken over). */
int ts_problem_invalid_at(struct ts_problem *p, struct json_object *loc, const char *msg,
    const char *type);

/* The same as ts_problem_invalid with a message composed by printf. */
int ts_problem_invalidf(struct ts_problem *p, const char *const *loc, const char *type,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * A database failure: 503 for what passes (the server unreachable, the
 * request's deadline, a lock wait or deadlock outside a transaction), 500
 * for the rest.
 */
int ts_problem_db(struct ts_problem *p, enum ts_db_status st);

/*
 * Item `index` of the array `name` had the problem: a 422's loc
 * ["body", ...] becomes ["body", name, index, ...]. Other problems stay.
 */
void ts_problem_nest(struct ts_problem *p, const char *name, size_t index);

/* Moves src into dst (dst freed first); src is left with no problem. */
void ts_problem_move(struct ts_problem *dst, struct ts_problem *src);

/* The message to show: the composed text, the given one, or the generic one. */
const char *ts_problem_message(const struct ts_problem *p);

/* A 422's detail array [{loc, msg, type}] as a new reference; NULL for any
 * other problem, or out of memory. */
struct json_object *ts_problem_detail(const struct ts_problem *p);

#endif
