/*
 * The message resource's data: the create body validated into a
 * ts_message_input (§6.2), and the §6.1 JSON form of a stored row.
 */
#ifndef TS_MESSAGES_H
#define TS_MESSAGES_H

#include <json-c/json.h>
#include <uuid/uuid.h>

#include "db.h"
#include "problem.h"
#include "sql.h"

enum ts_role { TS_ROLE_USER, TS_ROLE_ASSISTANT, TS_ROLE_SYSTEM, TS_ROLE_TOOL, TS_ROLE__COUNT };

/* Case-insensitive; -1 for an unknown role. */
int ts_role_parse(const char *s);
const char *ts_role_name(int role);

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
	struct json_object *content;    /* the full §6.1 content object (owned ref) */
	char *content_extra;            /* citations/references/is_error as JSON, or NULL */
	char *details;                  /* JSON text, or NULL */
	char *metadata;                 /* JSON text, "{}" when not given */
	char *attachments;              /* JSON text, or NULL (rendered []) */
	char *tool_calls;               /* JSON text, or NULL */
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

/* A validated PATCH body (§6.4): content, metadata, details, is_error. */
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

/*
 * A stored JSON text (a cell json-c wrote: metadata, attachments, details,
 * tool_calls) as a node that serialises as that very text, without a
 * parse; good only for serialising. A new reference; NULL for SQL NULL or
 * out of memory.
 */
struct json_object *ts_stored_json(const struct ts_db_cell *c);

/* The content object (text, citations, references, is_error) a stored row
 * renders; a new reference. */
struct json_object *ts_message_content_json(const struct ts_db_cell *text,
    const struct ts_db_cell *extra);

/* The §6.1 object for row `row` of a result with the message columns; details
 * rendered null unless with_details. A new reference, NULL out of memory;
 * it holds no pointer into rows. */
struct json_object *ts_message_json(const struct ts_db_rows *rows, size_t row, int with_details);

/*
 * The same for one row's cells, TS_MC__COUNT of them in enum ts_message_col
 * order. The stored JSON texts (metadata, attachments, details, tool_calls)
 * are copied in as they are, not parsed again: json-c wrote them (the create
 * and patch paths store json_object_to_json_string_ext's output), so they
 * are valid JSON in the very form a parse and a new serialisation would give.
 * Such a member is only good for serialising (see messages.c, stored_json).
 */
struct json_object *ts_message_json_cells(const struct ts_db_cell *c, int with_details);

/*
 * The same §6.1 object for a page answered at once, without building it:
 * a node whose serializer writes every member from the cells, in
 * ts_message_json_cells' order and with the same bytes. The node borrows
 * the view, which borrows the cells and the scratch values: all of them
 * must outlive its serialisation, and the node is good for nothing else
 * (it has no members to look up: the list envelope takes its first and
 * last ids from ts_message_id_json). A page's views share the scratch values.
 */
struct ts_message_scratch {
	struct json_object *str;        /* owned */
	struct json_object *empty;      /* owned; always "" */
	struct json_object *num;        /* owned */
};

struct ts_message_view {
	const struct ts_db_cell *cells; /* borrowed: TS_MC__COUNT cells */
	int with_details;
	struct ts_message_scratch *scratch; /* borrowed */
};

/* 0, or -1 out of memory (nothing then to free). */
int ts_message_scratch_init(struct ts_message_scratch *sc);
void ts_message_scratch_free(struct ts_message_scratch *sc);

/* A new reference, NULL out of memory. */
struct json_object *ts_message_view_json(struct ts_message_view *v);

/*
 * The rendered size of the message whose cells are c, or an upper bound of
 * it when that bound is at most room (cheap: no rendering).
 */
size_t ts_message_size_within(const struct ts_db_cell *c, int with_details,
    struct ts_message_scratch *sc, size_t room);

/*
 * How many of the n messages of page (cells in enum ts_message_col order),
 * taken in that order, fit in budget bytes once rendered: at least one when
 * n > 0, since a list always moves on (§11 Bounds, the response cap).
 */
size_t ts_message_page_fit(const struct ts_db_cell *const *page, size_t n, int with_details,
    struct ts_message_scratch *sc, size_t budget);

/* The "id" member of the message whose cells are c: a new reference, NULL
 * for a null id (or out of memory). */
struct json_object *ts_message_id_json(const struct ts_db_cell *c);

/*
 * A message being created, as the row stored for it: the cells in enum
 * ts_message_col order, borrowing from the input, the ids and now, with the
 * numbers formatted into the struct. What is inserted and what the 201
 * answer shows are both read from here, so they cannot differ.
 */
struct ts_message_row {
	struct ts_db_cell cells[TS_MC__COUNT];
	char seq[24];
	char role[8];
	char ints[TS_MI__COUNT][24];
};

/* Fills r for item in of thread tid, with id, seq and now (a DATETIME(3)
 * text). r borrows tid, id, now and in's strings: they must outlive it. */
void ts_message_row_fill(struct ts_message_row *r, const unsigned char *tid,
    const unsigned char *id, long long seq, const char *now, const struct ts_message_input *in);

/* The token cost of a row for the context route: token_count, else
 * ceil(code points of the text / 4). */
long long ts_message_cost(const struct ts_db_rows *rows, size_t row);

#endif
