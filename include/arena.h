/*
 * DualMind's arena message list under <mount>/arena: a thread read as
 * arena turns (a prompt and the answers of one or two models), and a turn
 * written at once, over the same operations as /api (message_ops.h). A
 * turn is stored as threadstore messages: the user's prompt and one or two
 * assistant answers, each with its model and latency_ms, sharing a
 * comparison_id. The parser (src/arena/input.c) turns DualMind's body into
 * /api message bodies and lets /api's own parser check them; the renderer
 * (src/arena/turns.c, objects.c) groups stored messages into turns.
 * docs/design.md ("The arena surface") has the design in prose.
 */
#ifndef TS_ARENA_H
#define TS_ARENA_H

#include <stddef.h>

#include <json-c/json.h>
#include <uuid/uuid.h>

#include "app.h"
#include "ts_limits.h"
#include "message_input.h"

/* The route handlers (src/arena/messages.c). */
void ts_arena_messages_list(struct ts_ctx *ctx);
void ts_arena_turn_create(struct ts_ctx *ctx);

/* Whether a routed path is under /arena. */
int ts_arena_path(const char *path);

/* ---- src/arena/turns.c: stored messages grouped into turns. */

/*
 * One arena turn: the user's prompt and up to two answers, each the cells
 * of a stored message (enum ts_message_col). A turn has a prompt or a
 * first answer (an answer no prompt claims is a turn of its own).
 */
struct ts_arena_turn {
	const struct ts_db_cell *prompt;        /* NULL: answers without a prompt */
	const struct ts_db_cell *answer[2];     /* model1, model2; NULL: none */
	const struct ts_db_cell *comparison;    /* the turn's comparison_id cell; NULL: none */
};

/*
 * Groups msgs[0..n) (one thread's messages in seq order) into at most max
 * turns, in order. A user message opens a turn; the assistant messages
 * right after it join it while they fit (docs/design.md, "The arena
 * surface"): the first when its comparison_id does not differ from the
 * prompt's, the second only with the turn's non-null comparison_id.
 * System and tool messages are no turn and are passed over. ended: msgs
 * run to the thread's end, so a turn at the end of msgs is whole;
 * otherwise a turn that could still grow past msgs is left for the next
 * page. *used: how many messages the turns (and the messages passed over)
 * took; the next page starts after msgs[*used - 1]. Returns the count.
 */
size_t ts_arena_group(const struct ts_db_cell *const *msgs, size_t n, int ended, struct ts_arena_turn *out,
    size_t max, size_t *used);

/* ---- src/arena/objects.c: turns as DualMind's objects. */

/* {message_id, thread_id, prompt_text, model1_id, model2_id,
 * model1_response, model2_response, comparison_id, model1_time_ms,
 * model2_time_ms, created_at}: a new reference, NULL out of memory. */
struct json_object *ts_arena_turn_object(const struct ts_arena_turn *t);

/* {items, has_more, next_cursor}; takes over items and next_cursor
 * (NULL: null). A new reference, NULL out of memory. */
struct json_object *ts_arena_list_object(struct json_object *items, int has_more, struct json_object *next_cursor);

/* ---- src/arena/input.c: a turn's body as the operations' input. */

/*
 * A turn to write: the prompt and one or two answers as /api message
 * inputs. bodies[] are the /api bodies built from DualMind's fields; the
 * inputs borrow from them, so both are freed together
 * (ts_arena_input_free).
 */
struct ts_arena_input {
	size_t n;                                       /* 2 or 3 once parsed */
	struct json_object *bodies[TS_ARENA_TURN_MESSAGES]; /* owned refs */
	struct ts_message_input items[TS_ARENA_TURN_MESSAGES];
};

/*
 * DualMind's turn body (prompt_text, model1_id, model1_response,
 * model1_time_ms, the same for model2, comparison_id, message_id,
 * thread_id) for thread tid: each message is checked by /api's own parser
 * (ts_message_parse), and its problem named by the arena field it came
 * from. 0, or -1 with a 422 at ["body", ...]. Free in either way.
 */
int ts_arena_parse_turn(struct ts_problem *p, const unsigned char *tid, struct json_object *body,
    const struct ts_json_flaws *flaws, struct ts_arena_input *in);

void ts_arena_input_free(struct ts_arena_input *in);

#endif
