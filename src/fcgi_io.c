/*
 * Request sources and response sinks over libfcgi (reentrant API) and over
 * plain CGI. Nothing here interprets the bytes: limits and checks belong to
 * request.c and response.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fcgi_io.h"
#include "ts_limits.h"

/* libfcgi counts in int: one call moves at most this many bytes. */
#define FCGI_IO_CHUNK ((size_t)1 << 30)

static const char *
fcgi_param(void *ctx, const char *name)
{
	FCGX_Request *req = ctx;

	return FCGX_GetParam(name, req->envp);
}

static const char *const *
fcgi_envp(void *ctx)
{
	FCGX_Request *req = ctx;

	return (const char *const *)req->envp;
}

/*
 * FCGX_GetStr blocks until it has n bytes or FCGI_STDIN has ended, and
 * returns what it got. A short count of 0 is the end unless the stream
 * recorded an error (the web server went away, a bad record).
 */
static ssize_t
fcgi_read(void *ctx, char *buf, size_t n)
{
	FCGX_Request *req = ctx;
	int got;

	if (n == 0)
		return 0;
	got = FCGX_GetStr(buf, (int)(n > FCGI_IO_CHUNK ? FCGI_IO_CHUNK : n), req->in);
	if (got > 0)
		return got;
	return FCGX_GetError(req->in) != 0 ? -1 : 0;
}

static int
fcgi_write(void *ctx, const char *buf, size_t n)
{
	FCGX_Request *req = ctx;
	size_t part;

	while (n > 0) {
		part = n > FCGI_IO_CHUNK ? FCGI_IO_CHUNK : n;
		if (FCGX_PutStr(buf, (int)part, req->out) != (int)part)
			return -1;
		buf += part;
		n -= part;
	}
	return 0;
}

/*
 * Whether req's FCGI_STDIN has ended with no error. Reads at most one byte
 * past what the request used: a byte there is unread input (a body left
 * unread after a 4xx), and the connection then closes the lingering way.
 */
static int
stdin_at_end(FCGX_Request *req)
{
	if (req->in == NULL || FCGX_GetError(req->in) != 0)
		return 0;
	return FCGX_HasSeenEOF(req->in) == EOF || FCGX_GetChar(req->in) == EOF;
}

/*
 * Reads and drops what is left of req's FCGI_STDIN, at most
 * TS_KEPT_DRAIN_MAX_BYTES. Returns whether the stream ended cleanly.
 */
static int
drain_stdin(FCGX_Request *req)
{
	unsigned long long left = TS_KEPT_DRAIN_MAX_BYTES;
	char buf[16384];
	int got;

	if (req->in == NULL || FCGX_GetError(req->in) != 0)
		return 0;
	while (left > 0 && FCGX_HasSeenEOF(req->in) != EOF) {
		got = FCGX_GetStr(buf, (int)(left < sizeof(buf) ? left : sizeof(buf)), req->in);
		if (got <= 0)
			break;
		left -= (unsigned long long)got;
	}
	return FCGX_GetError(req->in) == 0 && (FCGX_HasSeenEOF(req->in) == EOF || FCGX_GetChar(req->in) == EOF);
}

void
ts_fcgi_finish(FCGX_Request *req)
{
	if (req->keepConnection) {
		/* The next request must start at a record boundary; a stream
		 * that does not end is not worth the connection. */
		if (!drain_stdin(req))
			req->keepConnection = 0;
	} else if (stdin_at_end(req)) {
		/* libfcgi closes a detached request's connection with close() alone. */
		req->detached = 1;
	}
	FCGX_Finish_r(req);
}

void
ts_fcgi_source(FCGX_Request *req, struct ts_request_source *src)
{
	src->param = fcgi_param;
	src->read = fcgi_read;
	src->ctx = req;
	src->envp = fcgi_envp;
}

void
ts_fcgi_sink(FCGX_Request *req, struct ts_response_sink *sink)
{
	sink->write = fcgi_write;
	sink->ctx = req;
}

static const char *
cgi_param(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

static ssize_t
cgi_read(void *ctx, char *buf, size_t n)
{
	ssize_t got;

	(void)ctx;
	do
		got = read(STDIN_FILENO, buf, n);
	while (got < 0 && errno == EINTR);
	return got;
}

static int
cgi_write(void *ctx, const char *buf, size_t n)
{
	ssize_t put;

	(void)ctx;
	while (n > 0) {
		put = write(STDOUT_FILENO, buf, n);
		if (put < 0 && errno == EINTR)
			continue;
		if (put <= 0)
			return -1;
		buf += put;
		n -= (size_t)put;
	}
	return 0;
}

void
ts_cgi_source(struct ts_request_source *src)
{
	src->param = cgi_param;
	src->read = cgi_read;
	src->ctx = NULL;
	src->envp = NULL;
}

void
ts_cgi_sink(struct ts_response_sink *sink)
{
	sink->write = cgi_write;
	sink->ctx = NULL;
}

/*
 * CONTENT_LENGTH as a byte count; 0 when it is not a plain decimal number,
 * or absent without a Transfer-Encoding; the drain's cap for a body sent
 * with a Transfer-Encoding and no length (read to its end).
 */
static unsigned long long
announced_length(void)
{
	const char *s = getenv("CONTENT_LENGTH"), *te = getenv("HTTP_TRANSFER_ENCODING");
	unsigned long long v;
	char *end;

	if ((s == NULL || *s == '\0') && te != NULL && *te != '\0')
		return TS_CGI_DRAIN_MAX_BYTES;
	if (s == NULL || *s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	return errno != 0 || *end != '\0' ? 0 : v;
}

void
ts_cgi_drain_body(void)
{
	unsigned long long left = announced_length();
	char buf[16384];
	ssize_t got;

	if (left > TS_CGI_DRAIN_MAX_BYTES)
		left = TS_CGI_DRAIN_MAX_BYTES;
	while (left > 0) {
		got = cgi_read(NULL, buf, left < sizeof(buf) ? (size_t)left : sizeof(buf));
		if (got <= 0)
			break;
		left -= (unsigned long long)got;
	}
}
