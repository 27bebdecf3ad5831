/*
 * OpenAI's Conversations API under /v1/conversations: a conversation is a
 * thread and each item a message, over the same operations as /api and
 * /v1/threads (thread_ops.h, message_ops.h). A handler parses OpenAI's
 * request (src/conv/input.c), calls the operation, and renders the stored
 * rows as OpenAI's objects (src/conv/objects.c); errors are /v1's body
 * (src/v1/errors.c). The design in prose:
 * (docs/design.md: The Conversations surface).
 */
#ifndef TS_CONV_H
#define TS_CONV_H

#include <json-c/json.h>
#include <uuid/uuid.h>

#include "app.h"
#include "ts_limits.h"
#include "message_input.h"

/* The route handlers (src/conv/conversations.c, src/conv/items.c). */
void ts_conv_create(struct ts_ctx *ctx);
void ts_conv_list(struct ts_ctx *ctx);
void ts_conv_get(struct ts_ctx *ctx);
void ts_conv_update(struct ts_ctx *ctx);
void ts_conv_delete(struct ts_ctx *ctx);
void ts_conv_items_create(struct ts_ctx *ctx);
void ts_conv_items_list(struct ts_ctx *ctx);
void ts_conv_item_get(struct ts_ctx *ctx);
void ts_conv_item_delete(struct ts_ctx *ctx);

/* Whether a routed path is under /v1/conversations. */
int ts_conv_path(const char *path);

/* ---- src/conv/ids.c: OpenAI-style ids, one to one with the UUIDs. */

/* "conv_" and 32 lowercase hex digits. */
#define TS_CONV_ID_LEN 37
/* The longest item id we write: a prefix of at most 8 letters, "_", 32 hex. */
#define TS_CONV_ITEM_ID_LEN 41

/* "conv_<32 hex>" or a UUID as a conversation's UUID: 0, or -1. */
int ts_conv_id_parse(const char *s, uuid_t out);
void ts_conv_id_format(const unsigned char *id, char out[TS_CONV_ID_LEN + 1]);

/*
 * An item id of conversation conv as the message's UUID: a UUID, or
 * "<letters>_<32 hex>" (an id we gave), or any other id a client gave
 * (1 to TS_CONV_MAX_ITEM_ID_BYTES of [A-Za-z0-9_-]): the UUID named by it
 * in the conversation (a SHA-1 UUID, RFC 9562 version 5), so that the
 * same id finds the same item. *ours: whether it was one of the first two
 * forms. 0, or -1 for anything else.
 */
int ts_conv_item_id_parse(const unsigned char *conv, const char *s, uuid_t out, int *ours);

/* The id we give an item of type `type`: its prefix (msg_, fc_, ...) and
 * the UUID's 32 hex digits. */
void ts_conv_item_id_format(const char *type, const unsigned char *id, char out[TS_CONV_ITEM_ID_LEN + 1]);

/* The surface's path_ids: {conversation_id}, then {item_id} within it. */
int ts_conv_path_ids(const struct ts_match *m, uuid_t *out);

/* ---- src/conv/input.c: OpenAI's items as the operations' input. */

/*
 * One input item of conversation conv as a message to create: the item
 * kept whole (normalised, without an id of ours) for the conversation,
 * and the text, role and call fields /api and /v1/threads show. 0, or -1
 * with a 422 at ["body", ...]. Free in (ts_message_input_free) either way.
 */
int ts_conv_parse_item(struct ts_problem *p, const unsigned char *conv, struct json_object *item,
    struct ts_message_input *in);

/*
 * The items of a create or an add: an array of min to TS_CONV_MAX_ITEMS
 * items (NULL list: none, when min is 0), each parsed for conversation
 * conv; item i's problem at ["body", "items", i, ...]; two items with one
 * id are a 422. *items (n of them) are freed by the caller either way.
 */
int ts_conv_parse_items(struct ts_problem *p, const unsigned char *conv, struct json_object *list, size_t min,
    struct ts_message_input **items, size_t *n);

/* The include[] values (repeated, as OpenAI's SDK sends them): a mask of
 * TS_CONV_INCLUDE_*; an unknown value is a 422 at ["query", "include"]. */
#define TS_CONV_INCLUDE_ENCRYPTED_REASONING 0x1u
int ts_conv_parse_include(struct ts_problem *p, const char *query, unsigned *mask);

/* ---- src/conv/objects.c: stored rows as OpenAI's objects. */

/* {id, object: "conversation", created_at, metadata}: a new reference. */
struct json_object *ts_conv_object(const struct ts_db_rows *rows, size_t row);

/* The item a message row is (c: enum ts_message_col cells), with gated
 * fields only when include asks: a new reference, NULL out of memory. */
struct json_object *ts_conv_item_object(const struct ts_db_cell *c, unsigned include);

/* {object: "list", data, first_id, last_id, has_more}; takes over data. */
struct json_object *ts_conv_list_object(struct json_object *data, int has_more);

/* The same list with its first and last ids given (for data whose items
 * are written text, ts_json_frozen); takes over all three. */
struct json_object *ts_conv_list_of(struct json_object *data, struct json_object *first_id,
    struct json_object *last_id, int has_more);

#endif
