/*
 * Query-string lookup. Values are percent-decoded ('+' is a space) into
 * buffers the caller owns; a repeated parameter: the last one wins.
 */
#ifndef TS_QUERY_H
#define TS_QUERY_H

#include <stddef.h>

enum ts_query_status {
	TS_QUERY_ABSENT = 0,    /* no such parameter */
	TS_QUERY_FOUND,         /* *out is a malloc'd NUL-terminated value */
	TS_QUERY_BAD_ENCODING,  /* bad %xx escape, or a decoded NUL */
	TS_QUERY_NOMEM
};

/* Looks up name in the raw query of length len. The caller frees *out. */
enum ts_query_status ts_query_get(const char *query, size_t len, const char *name,
    char **out, size_t *outlen);

/*
 * Every value of a repeated parameter, in order: a name is one of names
 * (NULL-terminated, compared undecoded, so "include%5B%5D" and
 * "include[]" are two names). ts_query_iter_next returns TS_QUERY_FOUND
 * with a malloc'd *out, or TS_QUERY_ABSENT at the end; a bad escape or
 * no memory stops it with that status, kept in it->status.
 */
struct ts_query_iter {
	const char *p, *end;
	const char *const *names;
	enum ts_query_status status;
};

void ts_query_iter_init(struct ts_query_iter *it, const char *query, size_t len, const char *const *names);
enum ts_query_status ts_query_iter_next(struct ts_query_iter *it, char **out, size_t *outlen);

#endif
