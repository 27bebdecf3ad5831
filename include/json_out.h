/*
 * JSON string values appended to a json-c printbuf with json-c's own bytes.
 * A value json-c would copy unchanged between its quotes is appended as it
 * is; any other goes through json-c's serialiser, which does all escaping.
 */
#ifndef TS_JSON_OUT_H
#define TS_JSON_OUT_H

#include <stddef.h>

#include <json-c/json.h>
#include <json-c/printbuf.h>

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

#endif
