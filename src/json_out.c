/*
 * JSON string values appended to a json-c printbuf (include/json_out.h).
 * Only the decision "json-c would change nothing here" is ours; every escape
 * is json-c's.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"

/*
 * The longest plain value that is copied, with its quotes, through a buffer
 * on the stack so that it costs one printbuf_memappend (a page's names,
 * roles and short texts). A longer one takes three appends (a quote, the
 * bytes, a quote), a cost its length outweighs.
 */
#define PLAIN_INLINE_BYTES 256

/* Whether json-c rewrites the byte c (include/json_out.h). */
static int
escaped_byte(unsigned char c, int slash_escaped)
{
	return c < 0x20 || c == '"' || c == '\\' || (c == '/' && slash_escaped);
}

/*
 * The same question for 8 bytes at once, for about twice what one byte
 * costs alone (about 30 instructions a word against 14 a byte, with gcc 12
 * -O2): a page's texts are most of the bytes it scans.
 * below(w, n) is Bit Twiddling Hacks' "hasless": nonzero exactly when a
 * byte of w is below n (n at most 0x80); a byte equal to c is a zero byte
 * of w ^ (c in every byte). The byte order of w does not matter.
 */
#define EVERY_BYTE(b) (UINT64_C(0x0101010101010101) * (b))

static uint64_t
below(uint64_t w, unsigned int n)
{
	return (w - EVERY_BYTE(n)) & ~w & EVERY_BYTE(0x80);
}

static int
escaped_in_word(uint64_t w, int slash_escaped)
{
	uint64_t hit = below(w, 0x20) | below(w ^ EVERY_BYTE('"'), 1) | below(w ^ EVERY_BYTE('\\'), 1);

	if (slash_escaped)
		hit |= below(w ^ EVERY_BYTE('/'), 1);
	return hit != 0;
}

int
ts_json_str_is_plain(const char *s, size_t len, int flags)
{
	int slash_escaped = (flags & JSON_C_TO_STRING_NOSLASHESCAPE) == 0;
	uint64_t w;
	size_t i = 0;

	for (; len - i >= sizeof(w); i += sizeof(w)) {
		memcpy(&w, s + i, sizeof(w));   /* any alignment */
		if (escaped_in_word(w, slash_escaped))
			return 0;
	}
	for (; i < len; i++)
		if (escaped_byte((unsigned char)s[i], slash_escaped))
			return 0;
	return 1;
}

/* '"' + s + '"'; len is at most INT32_MAX - 2. */
static int
append_plain(struct printbuf *pb, const char *s, size_t len)
{
	char q[PLAIN_INLINE_BYTES];

	if (len + 2 <= sizeof(q)) {
		q[0] = '"';
		memcpy(q + 1, s, len);
		q[len + 1] = '"';
		return ts_json_append_raw(pb, q, len + 2);
	}
	return ts_json_append_raw(pb, "\"", 1) != 0 || ts_json_append_raw(pb, s, len) != 0 ||
	    ts_json_append_raw(pb, "\"", 1) != 0 ? -1 : 0;
}

/*
 * json-c's serialisation of s, set on scratch. Never reached with the empty
 * string, which is plain: json-c 0.16 loses the buffer of a string set to ""
 * after a longer one (it drops the length's sign that says the buffer is
 * its own).
 */
static int
append_escaped(struct printbuf *pb, struct json_object *scratch, const char *s, size_t len, int flags)
{
	const char *t;
	size_t n;

	if (json_object_set_string_len(scratch, s, (int)len) == 0)
		return -1;
	t = json_object_to_json_string_length(scratch, flags, &n);
	return t != NULL ? ts_json_append_raw(pb, t, n) : -1;
}

int
ts_json_append_str(struct printbuf *pb, struct json_object *scratch, const char *s, size_t len,
    int flags)
{
	if (len > INT32_MAX - 2)
		return -1;
	if (ts_json_str_is_plain(s, len, flags))
		return append_plain(pb, s, len);
	return append_escaped(pb, scratch, s, len, flags);
}

struct json_object *
ts_json_frozen(struct json_object *o, size_t *len)
{
	struct json_object *node = NULL;
	const char *text;
	char *copy = NULL;

	*len = 0;
	if (o != NULL && (text = json_object_to_json_string_length(o, TS_JSON_BODY_FLAGS, len)) != NULL &&
	    (copy = strndup(text, *len)) != NULL && (node = json_object_new_boolean(0)) != NULL) {
		/* json-c's own serializer for a text node: it writes the
		 * userdata as it is and frees it with the node. */
		json_object_set_serializer(node, json_object_userdata_to_json_string, copy, json_object_free_userdata);
		copy = NULL;
	}
	free(copy);
	json_object_put(o);
	return node;
}

int
ts_json_list_put_capped(struct json_object *list, struct json_object *o, size_t *used, size_t cap)
{
	size_t len;

	if ((o = ts_json_frozen(o, &len)) == NULL)
		return -1;
	/* len + 1: the comma before it. */
	if (json_object_array_length(list) > 0 && *used + len + 1 > cap) {
		json_object_put(o);
		return 0;
	}
	if (json_object_array_add(list, o) != 0) {
		json_object_put(o);
		return -1;
	}
	*used += len + 1;
	return 1;
}
