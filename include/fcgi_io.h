/*
 * Adapters between the transports and the request/response interfaces: a
 * ts_request_source and a ts_response_sink over one libfcgi request (the
 * reentrant FCGX_* API only), or over plain CGI (the environment, fd 0 and
 * fd 1).
 */
#ifndef TS_FCGI_IO_H
#define TS_FCGI_IO_H

#include <fcgiapp.h>

#include "request.h"
#include "response.h"

/*
 * Fills src and sink for the accepted request req. Both borrow req: they are
 * valid until FCGX_Finish_r(req) and own nothing. Parameters come from
 * req->envp (freed by libfcgi at FCGX_Finish_r), the body from req->in, the
 * response goes to req->out.
 */
void ts_fcgi_source(FCGX_Request *req, struct ts_request_source *src);
void ts_fcgi_sink(FCGX_Request *req, struct ts_response_sink *sink);

/*
 * FCGX_Finish_r, without libfcgi's lingering close when it is not needed.
 * libfcgi closes a connection by shutdown(), then waiting up to 2 s for the
 * web server to close its end, reading whatever it still sends: 3 system
 * calls and a sleep of the worker per request. That wait matters only when
 * unread input is left (close() with unread data resets the connection, and
 * the web server may lose the answer); when FCGI_STDIN has been read to its
 * end (a GET's empty stream is already buffered with the parameters), the
 * web server sends nothing more, and a plain close() is clean.
 *
 * A connection the web server keeps (FCGI_KEEP_CONN) stays open, with the
 * unread rest of FCGI_STDIN read and dropped first (TS_KEPT_DRAIN_MAX_BYTES;
 * beyond that, or on a broken stream, it is closed).
 */
void ts_fcgi_finish(FCGX_Request *req);

/*
 * The same over plain CGI: parameters from getenv(3) (owned by the
 * environment), the body from fd 0, the response to fd 1. They own nothing.
 */
void ts_cgi_source(struct ts_request_source *src);
void ts_cgi_sink(struct ts_response_sink *sink);

/*
 * After a CGI answer: reads and drops what is left on fd 0 of the body that
 * CONTENT_LENGTH announced (or of one sent with Transfer-Encoding and no
 * length, to its end), at most TS_CGI_DRAIN_MAX_BYTES, so that the web
 * server, which writes the whole body before it reads the answer, still
 * delivers an answer given before the body was read (a 413). Reads nothing
 * when no body was announced, so it never waits on a terminal.
 */
void ts_cgi_drain_body(void);

#endif
