/*
 * A message body validated: the create body into a ts_message_input
 * (API reference: POST /api/threads/{thread_id}/messages), the change body
 * into a ts_message_patch
 * (API reference: PATCH /api/threads/{thread_id}/messages/{message_id}).
 * Validators report a
 * problem; they never answer.
 */
#ifndef TS_MESSAGE_INPUT_H
#define TS_MESSAGE_INPUT_H

#include <json-c/json.h>
#include <uuid/uuid.h>

#include "db.h"
#include "problem.h"
#include "roles.h"

/* Optional integers are -1 when not set. */
enum ts_msg_int { TS_MI_TOKEN_COUNT, TS_MI_PROMPT_TOKENS, TS_MI_COMPLETION_TOKENS,
	TS_MI_LATENCY_MS, TS_MI__COUNT };
/* Optional strings (at most 255 characters), NULL when not set. */
enum ts_msg_str { TS_MS_RUN_ID, TS_MS_ASSISTANT_ID, TS_MS_MODEL, TS_MS_SOURCE,
	TS_MS_TOOL_CALL_ID, TS_MS_TOOL_NAME, TS_MS_COMPARISON_ID, TS_MS__COUNT };

/*
 * A validated message to create, whatever surface it came through. Strings
 * are borrowed from the parsed request body (which outlives the input), or
 * from text_owner; the JSON texts are owned and freed by
 * ts_message_input_free.
 */
struct ts_message_input {
	int has_message_id;
	uuid_t message_id;
	int role;
	const char *text;
	size_t text_len;
	struct json_object *text_owner; /* a string text borrows from, when not
	                                 * the body (owned ref; NULL: none) */
	struct json_object *content;    /* the full content object (owned ref) */
	char *content_extra;            /* citations/references/is_error as JSON, or NULL */
	char *details;                  /* JSON text, or NULL */
	char *metadata;                 /* JSON text, "{}" when not given */
	char *attachments;              /* JSON text, or NULL (rendered []) */
	char *tool_calls;               /* JSON text, or NULL */
	char *item;                     /* a conversation item's JSON text, or NULL */
	int has_parent;
	uuid_t parent;
	const char *strs[TS_MS__COUNT];
	long long ints[TS_MI__COUNT];
};

/*
 * Validates one /api create body (an object; the flaws of the request body
 * are the caller's to check first, with ts_v_body). Returns 0, or -1 with a
 * 422 problem at ["body", ...]. Free in either way.
 */
int ts_message_parse(struct ts_problem *p, struct json_object *body, struct ts_message_input *in);

void ts_message_input_free(struct ts_message_input *in);

/*
 * The pieces, for a surface whose body differs: _init empties in (metadata
 * "{}", no integers); _text checks v as the message text (a string of at
 * most TS_MAX_MESSAGE_TEXT_BYTES, no NUL; loc ["body", "content"]); _json
 * keeps an optional JSON value as text (NULL v: none; must_be_array: 422
 * otherwise, at ["body", field]); _seal builds in->content from the text
 * and content_extra once everything is set. Each: 0, or -1 with the problem.
 */
int ts_message_input_init(struct ts_problem *p, struct ts_message_input *in);
int ts_message_parse_text(struct ts_problem *p, struct json_object *v, struct ts_message_input *in);
int ts_message_parse_json(struct ts_problem *p, const char *field, struct json_object *v,
    int must_be_array, char **out);
int ts_message_input_seal(struct ts_problem *p, struct ts_message_input *in);

/* A validated PATCH body: content, metadata, details, is_error. */
struct ts_message_patch {
	int has_text;
	const char *text;               /* borrowed from the request body */
	size_t text_len;
	int has_extra;
	char *content_extra;            /* owned; NULL: none */
	int has_is_error;               /* until merged into content_extra */
	int is_error;
	int has_metadata;
	char *metadata;                 /* owned */
	int has_details;
	char *details;                  /* owned; NULL: null */
};

/*
 * Validates a PATCH body (an object, checked with ts_v_body first). Returns
 * 0, or -1 with a 422 problem. ts_message_patch_free frees, either way.
 */
int ts_message_parse_patch(struct ts_problem *p, struct json_object *body, struct ts_message_patch *mp);

/* Merges a patch's is_error into the content kept beside the text: the
 * patch's new content, else the stored one (stored_extra). 0, -1 out of memory. */
int ts_message_patch_merge_error(struct ts_message_patch *mp, const struct ts_db_cell *stored_extra);
void ts_message_patch_free(struct ts_message_patch *mp);

#endif
