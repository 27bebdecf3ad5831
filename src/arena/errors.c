/*
 * DualMind's error body for every error under /arena, whoever raised it
 * (router, dispatcher, operation): {"error": <message>, "code": <CODE>},
 * as its controllers answer, with the status of the error. Codes are
 * threadstore's (NOT_FOUND, UNAUTHORIZED, FORBIDDEN, ...) except a fault
 * of the program, which is DualMind's MESSAGES_ERROR with a generic
 * message (never an exception's text). A 422 adds /api's "detail" so a
 * client can see which field was wrong.
 */
#include <string.h>

#include "arena.h"

int
ts_arena_path(const char *path)
{
	return path != NULL && strncmp(path, "/arena", 6) == 0 && (path[6] == '\0' || path[6] == '/');
}

static const char *
code_of(enum ts_error e)
{
	return e == TS_E_INTERNAL ? "MESSAGES_ERROR" : ts_error_code(e);
}

/* Adds key: v to o, taking v over whatever happens; 0 or -1. */
static int
put(struct json_object *o, const char *key, struct json_object *v)
{
	if (v == NULL || json_object_object_add(o, key, v) != 0) {
		json_object_put(v);
		return -1;
	}
	return 0;
}

static void
arena_answer_problem(struct ts_response *res, const struct ts_problem *p)
{
	const char *msg = p->error == TS_E_INTERNAL ? ts_error_message(TS_E_INTERNAL) : ts_problem_message(p);
	struct json_object *o = json_object_new_object();

	if (o == NULL || put(o, "error", json_object_new_string(msg)) != 0 ||
	    put(o, "code", json_object_new_string(code_of(p->error))) != 0 ||
	    (p->error == TS_E_VALIDATION && put(o, "detail", ts_problem_detail(p)) != 0)) {
		json_object_put(o);
		ts_response_error(res, p->error, NULL, NULL); /* out of memory: still an error */
		return;
	}
	if (ts_response_json(res, ts_error_status(p->error), o) != 0)
		ts_response_error(res, p->error, NULL, NULL);
}

const struct ts_surface ts_arena_surface = { arena_answer_problem, ts_path_ids_uuid };
