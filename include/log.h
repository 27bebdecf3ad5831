/*
 * Logging to stderr: one access line per request and error lines. Values that
 * come from clients are escaped; tokens and passwords are never passed here.
 */
#ifndef TS_LOG_H
#define TS_LOG_H

#include <stddef.h>

#include "config.h"

void ts_log_set_level(enum ts_log_level level);

struct ts_log_ring;

/* Lines go into ring (a served worker's, read by its master: log_reader.h)
 * instead of stderr; NULL: stderr again. A line the ring cannot take
 * whole goes to stderr. */
void ts_log_to_ring(struct ts_log_ring *ring);

/* printf-style message at a level; the text is written as given (no client data). */
void ts_log(enum ts_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The access line: method, escaped path, status, duration in ms, request id. */
void ts_log_access(const char *method, const char *path, int status, double ms,
    const char *request_id);

/* Copies s into out (size outlen), escaping bytes outside printable ASCII,
 * backslash and double quote as \xNN. Always NUL-terminates. */
void ts_log_escape(const char *s, char *out, size_t outlen);

#endif
