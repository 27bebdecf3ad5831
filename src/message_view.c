/* A page's messages written straight from the row cells, and what they
 * weigh against the response cap (API reference: schema Message; Limits). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/printbuf.h>

#include "ids.h"
#include "json_out.h"
#include "ts_limits.h"
#include "message_json.h"
#include "message_view.h"
#include "roles.h"
#include "timefmt.h"

/*
 * Message views: a page's messages written straight from the row cells.
 *
 * ts_message_json_cells builds 24 json-c members per message; json-c 0.16
 * starts every object with 16 hash buckets and grows them twice for those
 * 24 keys, and the whole tree is freed again right after one serialisation.
 * A view is instead one node whose serializer writes the same members in
 * the same order. Free text that needs escaping, content with stored
 * extras and integers that are not plain decimal text go through json-c
 * (set on a scratch json-c value and serialised by it: its escaping, its
 * number format); written here are the braces, commas and our constant
 * keys, as json-c writes them with JSON_C_TO_STRING_PLAIN, and the values
 * whose text needs no escaping: free text json-c would copy unchanged
 * (ts_json_append_str), ids and times from our own formatters, plain
 * integers, null, our constant names and stored JSON text, a short one in
 * the same append as its key (append_pair, is_plain_decimal).
 */

/* How a member's value is written. */
enum view_kind {
	VK_UUID, VK_OBJECT_NAME, VK_INT, VK_ROLE, VK_CONTENT, VK_DETAILS,
	VK_STORED_OR_OBJECT, VK_STORED_OR_ARRAY, VK_STR, VK_STORED, VK_TIME
};

/* The message object's members, in ts_message_json_cells' order; keys with their
 * separator and quotes, as json-c writes them in plain mode, their lengths,
 * and the member when it is null, written in one piece (a message has a
 * dozen null members, most of them). */
#define MEMBER(key, kind, col) { key, key "null", sizeof(key) - 1, kind, col }
static const struct view_member {
	const char *key;
	const char *key_null;
	size_t keylen;
	enum view_kind kind;
	enum ts_message_col col;
} view_members[] = {
	MEMBER("{\"id\":", VK_UUID, TS_MC_ID),
	MEMBER(",\"object\":", VK_OBJECT_NAME, TS_MC_ID),
	MEMBER(",\"thread_id\":", VK_UUID, TS_MC_THREAD_ID),
	MEMBER(",\"seq\":", VK_INT, TS_MC_SEQ),
	MEMBER(",\"role\":", VK_ROLE, TS_MC_ROLE),
	MEMBER(",\"content\":", VK_CONTENT, TS_MC_TEXT),
	MEMBER(",\"details\":", VK_DETAILS, TS_MC_DETAILS),
	MEMBER(",\"metadata\":", VK_STORED_OR_OBJECT, TS_MC_METADATA),
	MEMBER(",\"attachments\":", VK_STORED_OR_ARRAY, TS_MC_ATTACHMENTS),
	MEMBER(",\"parent_message_id\":", VK_UUID, TS_MC_PARENT_ID),
	MEMBER(",\"run_id\":", VK_STR, TS_MC_RUN_ID),
	MEMBER(",\"assistant_id\":", VK_STR, TS_MC_ASSISTANT_ID),
	MEMBER(",\"model\":", VK_STR, TS_MC_MODEL),
	MEMBER(",\"source\":", VK_STR, TS_MC_SOURCE),
	MEMBER(",\"tool_call_id\":", VK_STR, TS_MC_TOOL_CALL_ID),
	MEMBER(",\"tool_name\":", VK_STR, TS_MC_TOOL_NAME),
	MEMBER(",\"tool_calls\":", VK_STORED, TS_MC_TOOL_CALLS),
	MEMBER(",\"token_count\":", VK_INT, TS_MC_TOKEN_COUNT),
	MEMBER(",\"prompt_tokens\":", VK_INT, TS_MC_PROMPT_TOKENS),
	MEMBER(",\"completion_tokens\":", VK_INT, TS_MC_COMPLETION_TOKENS),
	MEMBER(",\"latency_ms\":", VK_INT, TS_MC_LATENCY_MS),
	MEMBER(",\"comparison_id\":", VK_STR, TS_MC_COMPARISON_ID),
	MEMBER(",\"created_at\":", VK_TIME, TS_MC_CREATED_AT),
	MEMBER(",\"updated_at\":", VK_TIME, TS_MC_UPDATED_AT),
};
#undef MEMBER

int
ts_message_scratch_init(struct ts_message_scratch *sc)
{
	sc->str = json_object_new_string("");
	sc->num = json_object_new_int64(0);
	if (sc->str == NULL || sc->num == NULL) {
		ts_message_scratch_free(sc);
		return -1;
	}
	return 0;
}

void
ts_message_scratch_free(struct ts_message_scratch *sc)
{
	json_object_put(sc->str);
	json_object_put(sc->num);
	sc->str = sc->num = NULL;
}

/* Appends json-c's serialisation of v (NULL: null) to pb. */
static int
append_json(struct printbuf *pb, struct json_object *v, int flags)
{
	size_t len;
	const char *t = json_object_to_json_string_length(v, flags, &len);

	return t != NULL ? ts_json_append_raw(pb, t, len) : -1;
}

static int
append_raw(struct printbuf *pb, const char *s, size_t len)
{
	return ts_json_append_raw(pb, s, len);
}

/* A string value: as it is when json-c would not change it, else escaped
 * by json-c on the scratch string (src/json_out.c). */
static int
append_str(struct printbuf *pb, struct ts_message_scratch *sc, const char *s, size_t len, int flags)
{
	return ts_json_append_str(pb, sc->str, s, len, flags);
}

static int
append_key(struct printbuf *pb, const struct view_member *m)
{
	return append_raw(pb, m->key, m->keylen);
}

static int
append_null(struct printbuf *pb, const struct view_member *m)
{
	return append_raw(pb, m->key_null, m->keylen + 4);
}

/*
 * The longest key and value written by one append_pair: the longest key
 * (21 bytes) and a quoted UUID (38) with room to spare.
 */
#define PAIR_BYTES 128

/*
 * A member's key and a value that needs no escaping, quoted or not, in one
 * printbuf_memappend: each append is a call of some 45 instructions, and
 * most of a message's 24 members are a key and a short value of our own
 * (an id, a time, a number, null, a role). The values are text JSON takes
 * as it is: a UUID's hex digits and hyphens, an ISO time's digits and
 * "-:.TZ", plain decimal text, our constant names, stored JSON text. A
 * value too long for the buffer is written after its key.
 */
static int
append_pair(struct printbuf *pb, const struct view_member *m, const char *v, size_t vlen, int quoted)
{
	char buf[PAIR_BYTES];
	size_t n = m->keylen;

	if (vlen > sizeof(buf) - n - (quoted ? 2 : 0))
		return append_key(pb, m) != 0 || (quoted && append_raw(pb, "\"", 1) != 0) ||
		    append_raw(pb, v, vlen) != 0 || (quoted && append_raw(pb, "\"", 1) != 0) ? -1 : 0;
	memcpy(buf, m->key, n);
	if (quoted)
		buf[n++] = '"';
	memcpy(buf + n, v, vlen);
	n += vlen;
	if (quoted)
		buf[n++] = '"';
	return append_raw(pb, buf, n);
}

/*
 * Whether the database's text of an integer column is already its JSON
 * number: 1 to 18 digits, no sign, no leading zero (what MariaDB sends for
 * the unsigned columns here). Anything else goes through json-c.
 */
static int
is_plain_decimal(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > 18 || (len > 1 && s[0] == '0'))
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* A nullable cell as a string, a number, a UUID or a time, after its key. */
static int
append_cell(struct printbuf *pb, struct ts_message_scratch *sc, const struct view_member *m,
    const struct ts_db_cell *c, int flags)
{
	char s[TS_ISO_LEN > TS_UUID_STR_LEN ? TS_ISO_LEN + 1 : TS_UUID_STR_LEN + 1];

	if (c->data == NULL)
		return append_null(pb, m);
	switch (m->kind) {
	case VK_INT:
		if (is_plain_decimal(c->data, c->len))
			return append_pair(pb, m, c->data, c->len, 0);
		if (json_object_set_int64(sc->num, strtoll(c->data, NULL, 10)) == 0)
			return -1;
		return append_key(pb, m) != 0 ? -1 : append_json(pb, sc->num, flags);
	case VK_UUID:
		if (c->len != 16)
			return append_null(pb, m);
		ts_uuid_format((const unsigned char *)c->data, s);
		return append_pair(pb, m, s, TS_UUID_STR_LEN, 1);
	case VK_TIME:
		if (ts_time_db_to_iso(c->data, c->len, s) != 0)
			return append_null(pb, m);
		return append_pair(pb, m, s, TS_ISO_LEN, 1);
	default:
		return append_key(pb, m) != 0 ? -1 : append_str(pb, sc, c->data, c->len, flags);
	}
}

/* A stored JSON text as it is (see stored_json), after its key; fallback
 * (NULL: null) when it is NULL. */
static int
append_stored(struct printbuf *pb, const struct view_member *m, const struct ts_db_cell *c,
    const char *fallback)
{
	if (c->data != NULL)
		return append_pair(pb, m, c->data, c->len, 0);
	if (fallback == NULL)
		return append_null(pb, m);
	return append_pair(pb, m, fallback, strlen(fallback), 0);
}

/*
 * content, after its key: without stored extras it is {"text":...,
 * "citations":[], "references":[], "is_error":false}; with them, the object
 * ts_message_content_json builds (which parses them), serialised by json-c.
 */
static int
append_content(struct printbuf *pb, struct ts_message_scratch *sc, const struct view_member *m,
    const struct ts_db_cell *c, int flags)
{
	static const char tail[] = ",\"citations\":[],\"references\":[],\"is_error\":false}";
	const struct ts_db_cell *text = &c[TS_MC_TEXT];
	struct json_object *o;
	int rc;

	if (c[TS_MC_CONTENT_EXTRA].data == NULL)
		return append_pair(pb, m, "{\"text\":", 8, 0) != 0 ||
		    append_str(pb, sc, text->data != NULL ? text->data : "", text->len, flags) != 0 ||
		    append_raw(pb, tail, sizeof(tail) - 1) != 0 ? -1 : 0;
	if ((o = ts_message_content_json(text, &c[TS_MC_CONTENT_EXTRA])) == NULL)
		return -1;
	rc = append_key(pb, m) != 0 ? -1 : append_json(pb, o, flags);
	json_object_put(o);
	return rc;
}

static int
append_member(struct printbuf *pb, const struct ts_message_view *v, const struct view_member *m, int flags)
{
	static const struct ts_db_cell null_cell = { NULL, 0 };
	const struct ts_db_cell *c = &v->cells[m->col];
	const char *role;

	switch (m->kind) {
	case VK_OBJECT_NAME:
		return append_pair(pb, m, v->shared ? "shared.message" : "thread.message", 14, 1);
	case VK_ROLE:
		role = ts_role_name((int)strtol(c->data, NULL, 10));
		return append_pair(pb, m, role, strlen(role), 1);
	case VK_CONTENT:
		return append_content(pb, v->scratch, m, v->cells, flags);
	case VK_DETAILS:
		return append_stored(pb, m, v->with_details ? c : &null_cell, NULL);
	case VK_STORED_OR_OBJECT:
		return append_stored(pb, m, c, "{}");
	case VK_STORED_OR_ARRAY:
		return append_stored(pb, m, c, "[]");
	case VK_STORED:
		return append_stored(pb, m, c, NULL);
	default:
		return append_cell(pb, v->scratch, m, c, flags);
	}
}

static int
view_to_json(struct json_object *jso, struct printbuf *pb, int level, int flags)
{
	const struct ts_message_view *v = json_object_get_userdata(jso);
	size_t i;

	(void)level;
	for (i = 0; i < sizeof(view_members) / sizeof(view_members[0]); i++) {
		/* A link's reader is not told which thread it reads. */
		if (v->shared && view_members[i].col == TS_MC_THREAD_ID)
			continue;
		if (append_member(pb, v, &view_members[i], flags) != 0)
			return -1;
	}
	return append_raw(pb, "}", 1);
}

struct json_object *
ts_message_view_json(struct ts_message_view *v)
{
	/* Its json-c type never shows (as for stored_json's nodes). */
	struct json_object *o = json_object_new_boolean(0);

	if (o != NULL)
		json_object_set_serializer(o, view_to_json, v, NULL);
	return o;
}

/*
 * Most bytes the message object of cells can take, without rendering it: every
 * cell escaped at worst (a control byte becomes six) plus the member names
 * and punctuation. Stored JSON texts are copied as they are, so this is
 * loose, but it settles almost every page without a second rendering.
 */
static size_t
view_size_bound(const struct ts_db_cell *c)
{
	size_t total = TS_MESSAGE_FIXED_BYTES;
	int i;

	for (i = 0; i < TS_MC__COUNT; i++)
		total += 6 * (size_t)c[i].len;
	return total;
}

/* The exact length of the view's serialisation (0 out of memory). */
static size_t
view_size(struct ts_message_view *v)
{
	struct printbuf *pb = printbuf_new();
	struct json_object *o = ts_message_view_json(v);
	size_t n = 0;

	if (pb != NULL && o != NULL && view_to_json(o, pb, 0,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE) == 0)
		n = (size_t)pb->bpos;
	json_object_put(o);
	if (pb != NULL)
		printbuf_free(pb);
	return n;
}

size_t
ts_message_size_within(const struct ts_db_cell *c, int with_details, struct ts_message_scratch *sc,
    size_t room)
{
	struct ts_message_view v;
	size_t bound = view_size_bound(c);

	if (bound <= room)
		return bound;
	v.cells = c;
	v.with_details = with_details;
	v.shared = 0;   /* the larger of the two forms: a bound for both */
	v.scratch = sc;
	return view_size(&v);
}

size_t
ts_message_page_fit(const struct ts_db_cell *const *page, size_t n, int with_details,
    struct ts_message_scratch *sc, size_t budget)
{
	size_t i, used = 0;

	for (i = 0; i < n; i++) {
		used += ts_message_size_within(page[i], with_details, sc, budget - (used < budget ? used : budget)) + 1;
		if (used > budget)
			return i > 0 ? i : 1;
	}
	return n;
}
