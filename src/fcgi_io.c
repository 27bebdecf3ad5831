/*
 * Request sources and response sinks over libfcgi (reentrant API) and over
 * plain CGI. Nothing here interprets the bytes: limits and checks belong to
 * request.c and response.c.
 */
#include <sys/uio.h>

#include <errno.h>
#include <fastcgi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/*
 * Settles what is left of req's FCGI_STDIN before the request ends. Safe to
 * run twice: the second time the stream has ended (or the connection is no
 * longer kept, and at most one byte is read).
 */
static void
settle_stdin(FCGX_Request *req)
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
}

/* An iovec over bytes writev only reads (its iov_base is not const). */
static struct iovec
iov_of(const void *p, size_t n)
{
	struct iovec v;

	v.iov_base = (void *)(uintptr_t)p;
	v.iov_len = n;
	return v;
}

/*
 * Writes all of iov[0..n) to fd, going on after a short write or EINTR (the
 * web server's socket blocks, as libfcgi's does). 0, or -1 on an error.
 * iov's entries are consumed.
 */
static int
writev_all(int fd, struct iovec *iov, int n)
{
	ssize_t put;
	size_t done;

	while (n > 0) {
		put = writev(fd, iov, n);
		if (put < 0 && errno == EINTR)
			continue;
		if (put <= 0)
			return -1;
		for (done = (size_t)put; n > 0 && done >= iov->iov_len; iov++, n--)
			done -= iov->iov_len;
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + done;
			iov->iov_len -= done;
		}
	}
	return 0;
}

/* A record header of type for req, announcing len bytes and pad bytes of padding. */
static FCGI_Header
record_header(const FCGX_Request *req, unsigned char type, size_t len, size_t pad)
{
	FCGI_Header h;

	h.version = FCGI_VERSION_1;
	h.type = type;
	h.requestIdB1 = (unsigned char)((req->requestId >> 8) & 0xff);
	h.requestIdB0 = (unsigned char)(req->requestId & 0xff);
	h.contentLengthB1 = (unsigned char)((len >> 8) & 0xff);
	h.contentLengthB0 = (unsigned char)(len & 0xff);
	h.paddingLength = (unsigned char)pad;
	h.reserved = 0;
	return h;
}

/*
 * What one writev carries at most: FCGI_STDOUT records of RECORD_BYTES
 * (a header, the bytes, padding: three entries each), with the stream's
 * end and FCGI_END_REQUEST in one more. A body of up to about 1.3 MB goes
 * in one system call; a larger one in as many as it needs.
 */
#define RECORD_BYTES (FCGI_MAX_LENGTH & ~(size_t)7)
#define SEND_RECORDS 21
#define SEND_IOV (3 * SEND_RECORDS + 2)

/* The records being put together for one writev. */
struct send_batch {
	struct iovec iov[SEND_IOV];
	FCGI_Header headers[SEND_RECORDS];
	int niov;
	int nrec;
};

/*
 * Adds the FCGI_STDOUT records of buf[0..n) to b, writing b out whenever
 * it is full. 0, or -1 on a write error.
 */
static int
add_stdout(FCGX_Request *req, struct send_batch *b, const char *buf, size_t n)
{
	static const char zeros[8];
	size_t part, pad;

	while (n > 0) {
		if (b->nrec == SEND_RECORDS) {
			if (writev_all(req->ipcFd, b->iov, b->niov) != 0)
				return -1;
			b->niov = b->nrec = 0;
		}
		part = n > RECORD_BYTES ? RECORD_BYTES : n;
		/* libfcgi pads every record to a multiple of 8 bytes; so do we. */
		pad = (8 - part % 8) % 8;
		b->headers[b->nrec] = record_header(req, FCGI_STDOUT, part, pad);
		b->iov[b->niov++] = iov_of(&b->headers[b->nrec++], FCGI_HEADER_LEN);
		b->iov[b->niov++] = iov_of(buf, part);
		if (pad > 0)
			b->iov[b->niov++] = iov_of(zeros, pad);
		buf += part;
		n -= part;
	}
	return 0;
}

/*
 * The whole response in one system call (up to SEND_IOV's size): libfcgi
 * writes through a buffer of 8 KB, so a page of 13 KB cost the worker two
 * write()s and the web server two wake-ups, and the end of the stream
 * waited for FCGX_Finish_r. Here the FCGI_STDOUT records, the empty one
 * that ends the stream and FCGI_END_REQUEST go out together, framed with
 * libfcgi's own definitions (fastcgi.h), and libfcgi's writer is marked
 * closed so that FCGX_Finish_r adds nothing (FCGX_FClose does nothing for
 * a stream it has closed; FCGI_STDERR, never written, sends nothing).
 *
 * What is left of FCGI_STDIN is dealt with first, as ts_fcgi_finish does
 * (which then finds nothing to do): the web server has the request's end
 * as soon as it reads this, so the input must be settled before, as it
 * was when libfcgi sent everything from FCGX_Finish_r.
 */
static int
fcgi_send(void *ctx, const char *head, size_t head_len, const char *body, size_t body_len)
{
	FCGX_Request *req = ctx;
	FCGI_EndRequestRecord end[1];
	FCGI_Header eos;
	struct send_batch b;
	int rc;

	settle_stdin(req);
	b.niov = b.nrec = 0;
	rc = add_stdout(req, &b, head, head_len);
	if (rc == 0)
		rc = add_stdout(req, &b, body, body_len);
	if (rc == 0) {
		eos = record_header(req, FCGI_STDOUT, 0, 0);
		memset(end, 0, sizeof(end));
		end->header = record_header(req, FCGI_END_REQUEST, sizeof(end->body), 0);
		end->body.protocolStatus = FCGI_REQUEST_COMPLETE;
		b.iov[b.niov++] = iov_of(&eos, sizeof(eos));
		b.iov[b.niov++] = iov_of(end, sizeof(end));
		rc = writev_all(req->ipcFd, b.iov, b.niov);
	}
	/* Either way libfcgi must not write to this stream again: after an
	 * error the records are cut short and the connection is not kept. */
	req->out->wasFCloseCalled = 1;
	req->out->isClosed = 1;
	if (rc != 0)
		req->keepConnection = 0;
	return rc;
}

void
ts_fcgi_finish(FCGX_Request *req)
{
	settle_stdin(req);
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
	sink->send = fcgi_send;
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

/* The head and the body to fd 1 in one writev. */
static int
cgi_send(void *ctx, const char *head, size_t head_len, const char *body, size_t body_len)
{
	struct iovec iov[2];

	(void)ctx;
	iov[0] = iov_of(head, head_len);
	iov[1] = iov_of(body, body_len);
	return writev_all(STDOUT_FILENO, iov, body_len > 0 ? 2 : 1);
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
	sink->send = cgi_send;
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
