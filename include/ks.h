/*
 * Knowledge Stack's thread messages API under <mount>/ks/v1/...: its
 * paths (/v1/threads/{id}/messages) are OpenAI's too, so it has a mount of
 * its own. A handler parses Knowledge Stack's request (src/ks/input.c,
 * src/ks/query.c) into the operations' typed input (message_ops.h), calls
 * the operation, and renders the stored rows as Knowledge Stack's objects
 * (src/ks/objects.c), or the problem as its error body (src/ks/errors.c).
 * docs/design.md ("The Knowledge Stack surface") has the mapping in prose.
 */
#ifndef TS_KS_H
#define TS_KS_H

#include <json-c/json.h>

#include "app.h"
#include "ts_limits.h"
#include "message_input.h"
#include "message_ops.h"
#include "timefmt.h"

/* The route handlers (src/ks/messages.c). */
void ts_ks_message_create(struct ts_ctx *ctx);
void ts_ks_messages_list(struct ts_ctx *ctx);
void ts_ks_message_get(struct ts_ctx *ctx);

/* ---- src/ks/errors.c */

/* Whether a routed path is under /ks (NULL: no). */
int ts_ks_path(const char *path);

/* Knowledge Stack's code (its ErrorResponse's closed set) for an error. */
const char *ts_ks_error_code(enum ts_error e);

/*
 * Knowledge Stack's error body for p: {"detail": message, "code", "request_id"},
 * and for a 422 FastAPI's {"detail": [{loc, msg, type}], "code", "request_id"}
 * (its HTTPValidationError). request_id is added when the answer is written.
 */
void ts_ks_answer_problem(struct ts_response *res, const struct ts_problem *p);

/* ---- src/ks/input.c: the create body as the operations' input. */

/*
 * A CreateThreadMessageRequest ({role, content, message_id?, details?};
 * an object, its flaws checked with ts_v_body first) as a message to
 * create. It is rewritten into /api's body (lowercase role, citations'
 * start_char as offset and materialized_path as path) and goes through
 * /api's own checks, so the two surfaces store the same message the same
 * way. 0, or -1 with a 422 at ["body", ...]. Free in
 * (ts_message_input_free) either way; its strings borrow from body.
 */
int ts_ks_parse_message(struct ts_problem *p, struct json_object *body, struct ts_message_input *in);

/*
 * One Knowledge Stack citation (item i of content.citations) as /api
 * stores it: a new reference in *out. 0, or -1 with a 422 at
 * ["body", "content", "citations", i, field].
 */
int ts_ks_citation_in(struct ts_problem *p, size_t i, struct json_object *c, struct json_object **out);

/* ---- src/ks/query.c: the query strings. */

/*
 * A boolean as FastAPI reads one (true/false, 1/0, yes/no, on/off, t/f,
 * y/n, any case): 0 absent, 1 read into *out, -1 with a 422 at ["query", name].
 */
int ts_ks_q_bool(struct ts_problem *p, const char *query, const char *name, int *out);

/*
 * A datetime as Knowledge Stack's SDKs send one (JavaScript's toISOString,
 * Python's "%Y-%m-%dT%H:%M:%S.%f%z", so +0000 as well as +00:00 and Z, or
 * no offset at all: UTC) into UTC DATETIME(3) text, rounded up to the next
 * millisecond (a strict "before" keeps its meaning). 0, or -1 when malformed.
 */
int ts_ks_time_parse(const char *s, char out[TS_DB_TIME_LEN + 1]);

/*
 * The list query (limit, offset, before, role, sort_dir, with_details)
 * into q. 0, or -1 with the problem.
 */
int ts_ks_parse_list(struct ts_problem *p, const char *query, struct ts_message_query *q);

/* ---- src/ks/objects.c: stored rows as Knowledge Stack's objects. */

/* The role Knowledge Stack shows: USER, ASSISTANT (also for tool), SYSTEM. */
const char *ts_ks_role_name(int role);

/* A stored citation (/api's form) as an EnrichedCitation: a new reference. */
struct json_object *ts_ks_citation_out(struct json_object *stored);

/* The ThreadMessageResponse of a message (c: enum ts_message_col cells);
 * details null unless with_details. A new reference, NULL out of memory. */
struct json_object *ts_ks_message_object(const struct ts_db_cell *c, int with_details);

/* {items, total, limit, offset}; takes over items. */
struct json_object *ts_ks_page_object(struct json_object *items, long long total, long long limit,
    long long offset);

#endif
