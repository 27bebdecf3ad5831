/*
 * JSON string values appended to a json-c printbuf with json-c's own bytes.
 * A value json-c would copy unchanged between its quotes is appended as it
 * is; any other goes through json-c's serialiser, which does all escaping.
 */
#ifndef TS_JSON_OUT_H
#define TS_JSON_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>
#include <json-c/printbuf.h>

/*
 * Adds to o a member whose key is a literal (it lives as long as the
 * program) and not yet in o: json-c then neither copies the key nor looks
 * for one already there. o takes over v. A key given twice would be
 * written twice: only for objects being built, each key once.
 */
static inline void
ts_json_put_new(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add_ex(o, key, v, JSON_C_OBJECT_ADD_KEY_IS_NEW | JSON_C_OBJECT_KEY_IS_CONSTANT);
}

/* How every response body is serialised (ts_response_json). */
#define TS_JSON_BODY_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

/*
 * o serialised once, with TS_JSON_BODY_FLAGS, and given back as a node
 * that writes that text (a copy it owns), *len its length: an item
 * measured against the response cap is then not serialised a second time
 * inside its envelope. The node's json-c type (a boolean) never shows; it
 * is only ever serialised, so nothing may read members from it. Takes o
 * (put, whatever happens); NULL when o is NULL or out of memory.
 */
struct json_object *ts_json_frozen(struct json_object *o, size_t *len);

/*
 * Puts item o (taken over) at the end of list as its written text
 * (ts_json_frozen) when the list's body, *used bytes so far (the envelope's
 * allowance included), still fits cap with it; the first item of a list
 * always goes in, so a page cut by the cap still moves on. 1: put in,
 * *used grown; 0: it does not fit; -1: o is NULL or out of memory. o is let
 * go unless put in.
 */
int ts_json_list_put_capped(struct json_object *list, struct json_object *o, size_t *used, size_t cap);

/*
 * 1 when json-c 0.16 writes the len bytes at s, as a string value
 * serialised with flags, unchanged between its two quotes; else 0. Its
 * json_escape_str rewrites '"', '\\', every byte below 0x20 (NUL included)
 * and '/' unless flags has JSON_C_TO_STRING_NOSLASHESCAPE; it copies 0x7f
 * and every byte from 0x80 as they are, valid UTF-8 or not.
 */
int ts_json_str_is_plain(const char *s, size_t len, int flags);

/*
 * Appends to pb the string value of the len bytes at s (NUL bytes
 * included), byte for byte what json-c writes for a string object holding
 * them serialised with flags. scratch is a json-c string the caller owns and
 * keeps across calls (to spare an allocation a value): the escaping path
 * sets it to s, the plain path leaves it alone. 0, or -1 out of memory or
 * when len exceeds what a printbuf can take.
 */
int ts_json_append_str(struct printbuf *pb, struct json_object *scratch, const char *s, size_t len,
    int flags);

/*
 * Appends the len bytes at s to pb: 0, or -1 out of memory or when len
 * exceeds what a printbuf can take. When they fit in the room pb has, they
 * are copied in place, as json-c's own printbuf_memappend_fast does (a
 * page makes some 500 small appends, and the call was most of their cost);
 * otherwise printbuf_memappend grows the buffer.
 */
static inline int
ts_json_append_raw(struct printbuf *pb, const char *s, size_t len)
{
	if (pb->size > pb->bpos && len < (size_t)(pb->size - pb->bpos)) {
		memcpy(pb->buf + pb->bpos, s, len);
		pb->bpos += (int)len;
		pb->buf[pb->bpos] = '\0';
		return 0;
	}
	return len <= INT32_MAX && printbuf_memappend(pb, s, (int)len) >= 0 ? 0 : -1;
}

#endif
