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
