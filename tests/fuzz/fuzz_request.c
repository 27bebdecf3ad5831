/*
 * libFuzzer target: one whole request through ts_handle_request (src/app.c):
 * CGI parameters -> request (src/request.c) -> route -> query limit -> path
 * ids -> token -> body size, media type and strict JSON -> the handler's
 * validation, up to the database, which here is a socket that does not
 * exist (every query answers 503). Then the response writer.
 *
 * Input: one flags byte (bit 0: base_path "/chat"; bit 1: a 64-byte body
 * cap, so that 413 is reachable), then lines "NAME=VALUE\n" of CGI
 * parameters up to an empty line, then the body.
 *
 * Invariants, besides the sanitizers:
 *  - the response is one status line, headers without CR or LF inside a
 *    value, an empty line, and a body of exactly Content-Length bytes
 *    (none for HEAD), which is a strict JSON object, or under /s/ (the
 *    share page) an HTML document with its Content-Security-Policy and no
 *    script;
 *  - nothing a client sends gives a 500: the only 5xx is the database's 503;
 *  - an error body carries the request id that X-Request-Id names.
 */
#include <jwt.h>

#include "app.h"
#include "db.h"
#include "fuzz_common.h"
#include "json_in.h"
#include "log.h"

#define MAX_PARAMS 16

struct fuzz_source {
	char *names[MAX_PARAMS];
	char *values[MAX_PARAMS];
	size_t nparams;
	const uint8_t *body;
	size_t body_left;
};

struct fuzz_sink {
	char *buf;
	size_t len;
};

static const char *
src_param(void *ctx, const char *name)
{
	struct fuzz_source *s = ctx;
	size_t i;

	for (i = 0; i < s->nparams; i++)
		if (strcmp(s->names[i], name) == 0)
			return s->values[i];
	return NULL;
}

/* The body in short reads, as a web server may deliver it. */
static ssize_t
src_read(void *ctx, char *buf, size_t n)
{
	struct fuzz_source *s = ctx;

	if (n > s->body_left)
		n = s->body_left;
	if (n > 7)
		n = 7;
	memcpy(buf, s->body, n);
	s->body += n;
	s->body_left -= n;
	return (ssize_t)n;
}

static void
sink_put(struct fuzz_sink *k, const char *buf, size_t n)
{
	char *grown = realloc(k->buf, k->len + n + 1);

	FUZZ_CHECK(grown != NULL);
	if (n > 0)
		memcpy(grown + k->len, buf, n);
	k->len += n;
	grown[k->len] = '\0';
	k->buf = grown;
}

/* The whole response in one call, at most once a request (response.h). */
static int
sink_send(void *ctx, const char *head, size_t head_len, const char *body, size_t body_len)
{
	struct fuzz_sink *k = ctx;

	FUZZ_CHECK(k->buf == NULL);
	sink_put(k, head, head_len);
	sink_put(k, body, body_len);
	return 0;
}

/* Splits "NAME=VALUE\n" lines off data until an empty line; the rest is the body. */
static void
parse_input(const uint8_t *data, size_t size, struct fuzz_source *s)
{
	const uint8_t *p = data, *end = data + size, *nl, *eq;

	memset(s, 0, sizeof(*s));
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (nl == p) {
			p++;
			break;
		}
		eq = memchr(p, '=', (size_t)(nl - p));
		if (eq != NULL && s->nparams < MAX_PARAMS) {
			/* A FastCGI parameter is a C string: cut at a NUL. */
			s->names[s->nparams] = fuzz_cstring(p, (size_t)(eq - p));
			s->values[s->nparams++] = fuzz_cstring(eq + 1, (size_t)(nl - eq - 1));
		}
		p = nl < end ? nl + 1 : end;
	}
	s->body = p;
	s->body_left = (size_t)(end - p);
}

/* The value of header name in the head [buf, end), or NULL. */
static const char *
header(const char *buf, const char *end, const char *name, size_t *len)
{
	const char *line = buf, *eol;
	size_t n = strlen(name);

	for (; line < end; line = eol + 2) {
		eol = strstr(line, "\r\n");
		if (eol - line > (long)n + 2 && memcmp(line, name, n) == 0 && line[n] == ':') {
			*len = (size_t)(eol - line) - n - 2;
			return line + n + 2;
		}
	}
	return NULL;
}

static void
check_response(const struct fuzz_sink *k, int head_only)
{
	const char *head_end, *line, *eol, *cl, *ct, *rid, *body;
	struct json_object *o = NULL, *v;
	size_t body_len, n, rid_len;
	int status;

	FUZZ_CHECK(k->buf != NULL && strncmp(k->buf, "Status: ", 8) == 0);
	status = (int)strtol(k->buf + 8, NULL, 10);
	FUZZ_CHECK(status >= 200 && status <= 599 && status != 500);
	FUZZ_CHECK((head_end = strstr(k->buf, "\r\n\r\n")) != NULL);
	head_end += 2;
	/* Every header line is "Name: value" with no CR or LF inside. */
	for (line = k->buf; line < head_end; line = eol + 2) {
		eol = strstr(line, "\r\n");
		FUZZ_CHECK(memchr(line, '\n', (size_t)(eol - line)) == NULL);
		FUZZ_CHECK(memchr(line, '\r', (size_t)(eol - line)) == NULL);
		FUZZ_CHECK(memchr(line, ':', (size_t)(eol - line)) != NULL);
	}
	body = head_end + 2;
	body_len = k->len - (size_t)(body - k->buf);
	FUZZ_CHECK((rid = header(k->buf, head_end, "X-Request-Id", &rid_len)) != NULL);
	if ((cl = header(k->buf, head_end, "Content-Length", &n)) == NULL) {
		FUZZ_CHECK(body_len == 0);
		return;
	}
	if (head_only) {
		FUZZ_CHECK(body_len == 0);
		return;
	}
	FUZZ_CHECK(strtoul(cl, NULL, 10) == body_len);
	/* The share page (/s/...) answers HTML, errors included: a whole
	 * document with its policy and no script; every other body is JSON. */
	if ((ct = header(k->buf, head_end, "Content-Type", &n)) != NULL && n >= 9 && memcmp(ct, "text/html", 9) == 0) {
		FUZZ_CHECK(header(k->buf, head_end, "Content-Security-Policy", &n) != NULL);
		FUZZ_CHECK(body_len > 15 && memcmp(body, "<!DOCTYPE html>", 15) == 0);
		FUZZ_CHECK(memmem(body, body_len, "<script", 7) == NULL);
		return;
	}
	FUZZ_CHECK(ts_json_parse(body, body_len, 64, &o) == TS_JSON_OK);
	FUZZ_CHECK(json_object_is_type(o, json_type_object));
	if (status >= 400 && json_object_object_get_ex(o, "request_id", &v))
		FUZZ_CHECK(strlen(json_object_get_string(v)) == rid_len &&
		    memcmp(json_object_get_string(v), rid, rid_len) == 0);
	json_object_put(o);
}

static struct ts_config cfg;
static struct ts_app app;

/* One configuration for the whole run: a database that cannot be reached. */
static void
setup(void)
{
	static char secret[] = "fuzz-secret-0123456789abcdef-0123456789";

	if (app.cfg != NULL)
		return;
	cfg.auth_mode = TS_AUTH_JWT;
	cfg.jwt_alg = JWT_ALG_HS256;
	cfg.jwt_key = secret;
	cfg.jwt_key_len = strlen(secret);
	cfg.leeway = 30;
	cfg.admin_claim = (char *)"role";
	cfg.admin_value = (char *)"admin";
	cfg.db_socket = (char *)"/nonexistent/threadstore-fuzz.sock";
	cfg.db_user = (char *)"fuzz";
	cfg.db_name = (char *)"fuzz";
	cfg.max_body_bytes = TS_DEFAULT_MAX_BODY_BYTES;
	cfg.max_query_bytes = TS_DEFAULT_MAX_QUERY_BYTES;
	/*
	 * The database's failures log an error line per input. The log writes
	 * to the stdio stream stderr: point that at /dev/null. libFuzzer, the
	 * sanitizers and FUZZ_CHECK still write to descriptor 2.
	 */
	ts_log_set_level(TS_LOG_ERROR);
	FUZZ_CHECK((stderr = fopen("/dev/null", "w")) != NULL);
	app.cfg = &cfg;
	FUZZ_CHECK((app.db = ts_db_new(&cfg)) != NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ts_request_source src;
	struct fuzz_source fs;
	struct fuzz_sink sink = { NULL, 0 };
	struct ts_response_sink rs = { sink_send, &sink };
	const char *method;
	size_t i;

	if (size < 1)
		return 0;
	setup();
	cfg.base_path = (char *)((data[0] & 1) ? "/chat" : "");
	cfg.max_body_bytes = (data[0] & 2) ? 64 : TS_DEFAULT_MAX_BODY_BYTES;
	parse_input(data + 1, size - 1, &fs);
	src.param = src_param;
	src.read = src_read;
	src.ctx = &fs;
	src.envp = NULL;

	ts_handle_request(&app, &src, &rs);
	method = src_param(&fs, "REQUEST_METHOD");
	check_response(&sink, method != NULL && strcmp(method, "HEAD") == 0);

	free(sink.buf);
	for (i = 0; i < fs.nparams; i++) {
		free(fs.names[i]);
		free(fs.values[i]);
	}
	return 0;
}
