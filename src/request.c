/*
 * FastCGI/CGI parameters -> struct ts_request. Nothing here trusts the web
 * server's CONTENT_LENGTH alone: the body is read to its end under a cap and
 * must have exactly the announced length.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "ids.h"
#include "request.h"

static const struct {
	const char *name;
	enum ts_method method;
} methods[] = {
	{ "GET", TS_M_GET }, { "HEAD", TS_M_HEAD }, { "POST", TS_M_POST },
	{ "PUT", TS_M_PUT }, { "PATCH", TS_M_PATCH }, { "DELETE", TS_M_DELETE },
	{ "OPTIONS", TS_M_OPTIONS },
};

const char *
ts_method_name(enum ts_method m)
{
	size_t i;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (methods[i].method == m)
			return methods[i].name;
	return "OTHER";
}

static enum ts_method
parse_method(const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(s, methods[i].name) == 0)
			return methods[i].method;
	return TS_M_OTHER;
}

/*
 * strdup of a parameter capped at cap bytes; NULL stays NULL. A longer value
 * is cut at cap, which its consumer still sees as too long where that matters
 * (the Authorization cap lies above the token limit).
 */
static int
copy_param(const char *v, size_t cap, char **out)
{
	*out = NULL;
	if (v == NULL)
		return 0;
	*out = strndup(v, cap);
	return *out == NULL ? -1 : 0;
}

/* A caller's request id is kept when it is 1-64 of [A-Za-z0-9._-]. */
static int
sane_request_id(const char *s)
{
	size_t n = 0;

	if (s == NULL)
		return 0;
	for (; s[n] != '\0'; n++) {
		unsigned char c = (unsigned char)s[n];
		if (n >= TS_MAX_REQUEST_ID_LEN)
			return 0;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return n > 0;
}

_Static_assert(TS_REQUEST_ID_LEN <= TS_MAX_REQUEST_ID_LEN, "a generated request id must fit");

static void
set_request_id(struct ts_request *req, const char *given)
{
	if (sane_request_id(given)) {
		memcpy(req->request_id, given, strlen(given) + 1);
		return;
	}
	ts_request_id_new(req->request_id);
}

/* Content-Length: -1 when absent, -2 when it is not a plain decimal number. */
static long long
parse_content_length(const char *s)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return -1;
	if (*s < '0' || *s > '9')
		return -2;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0)
		return -2;
	return v;
}

/* The parameters a request is made of, gathered once (gather_params). */
enum req_param {
	RP_REQUEST_METHOD, RP_X_REQUEST_ID, RP_CONTENT_LENGTH, RP_TRANSFER_ENCODING,
	RP_QUERY_STRING, RP_CONTENT_TYPE, RP_AUTHORIZATION, RP_ORIGIN, RP_CORS_METHOD,
	RP_REMOTE_USER, RP_AUTH_TYPE, RP_REQUEST_URI, RP_PATH_INFO, RP_DOCUMENT_URI,
	RP__COUNT
};

#define RP_NAME(s) { s, sizeof(s) - 1 }
static const struct {
	const char *name;
	size_t len;
} param_names[RP__COUNT] = {
	[RP_REQUEST_METHOD] = RP_NAME("REQUEST_METHOD"),
	[RP_X_REQUEST_ID] = RP_NAME("HTTP_X_REQUEST_ID"),
	[RP_CONTENT_LENGTH] = RP_NAME("CONTENT_LENGTH"),
	[RP_TRANSFER_ENCODING] = RP_NAME("HTTP_TRANSFER_ENCODING"),
	[RP_QUERY_STRING] = RP_NAME("QUERY_STRING"),
	[RP_CONTENT_TYPE] = RP_NAME("CONTENT_TYPE"),
	[RP_AUTHORIZATION] = RP_NAME("HTTP_AUTHORIZATION"),
	[RP_ORIGIN] = RP_NAME("HTTP_ORIGIN"),
	[RP_CORS_METHOD] = RP_NAME("HTTP_ACCESS_CONTROL_REQUEST_METHOD"),
	[RP_REMOTE_USER] = RP_NAME("REMOTE_USER"),
	[RP_AUTH_TYPE] = RP_NAME("AUTH_TYPE"),
	[RP_REQUEST_URI] = RP_NAME("REQUEST_URI"),
	[RP_PATH_INFO] = RP_NAME("PATH_INFO"),
	[RP_DOCUMENT_URI] = RP_NAME("DOCUMENT_URI"),
};
#undef RP_NAME

/*
 * v[i] = the value of param_names[i], or NULL. With the whole environment
 * at hand, one pass over it (the first of a repeated name wins, as
 * FCGX_GetParam's does); otherwise one lookup a name.
 */
static void
gather_params(const struct ts_request_source *src, const char *v[RP__COUNT])
{
	const char *const *env = src->envp != NULL ? src->envp(src->ctx) : NULL;
	size_t i, n;
	const char *eq;

	memset(v, 0, RP__COUNT * sizeof(v[0]));
	if (env == NULL) {
		for (i = 0; i < RP__COUNT; i++)
			v[i] = src->param(src->ctx, param_names[i].name);
		return;
	}
	for (; *env != NULL; env++) {
		if ((eq = strchr(*env, '=')) == NULL)
			continue;
		n = (size_t)(eq - *env);
		for (i = 0; i < RP__COUNT; i++) {
			if (v[i] == NULL && param_names[i].len == n && memcmp(*env, param_names[i].name, n) == 0) {
				v[i] = eq + 1;
				break;
			}
		}
	}
}

/*
 * The routed path. With a base_path configured, the raw REQUEST_URI (before
 * '?') must start with it. Otherwise PATH_INFO (what Apache's SCRIPT_NAME
 * split and nginx's fastcgi_split_path_info give), else the URI itself.
 */
static int
route_path(struct ts_request *req, const char *const *v, const char *base_path)
{
	const char *src = v[RP_REQUEST_URI];
	const char *pi = v[RP_PATH_INFO];
	size_t n, blen = strlen(base_path);

	if (blen == 0 && pi != NULL && *pi != '\0') {
		src = pi;
	} else {
		if (src == NULL)
			src = v[RP_DOCUMENT_URI];
		if (src == NULL)
			return 0;
		if (blen > 0) {
			if (strncmp(src, base_path, blen) != 0 || src[blen] != '/')
				return 0;
			src += blen;
		}
	}
	n = strcspn(src, "?");
	if (n == 0 || n > TS_MAX_PATH_BYTES)
		return 0;
	req->path = strndup(src, n);
	return req->path == NULL ? -1 : 0;
}

/* The mount point: what REQUEST_URI has before the routed path. */
static int
mount_point(struct ts_request *req, const char *uri, const char *base_path)
{
	size_t n, plen;

	if (uri != NULL && req->path != NULL) {
		n = strcspn(uri, "?");
		plen = strlen(req->path);
		if (n >= plen && memcmp(uri + n - plen, req->path, plen) == 0) {
			req->mount = strndup(uri, n - plen);
			return req->mount == NULL ? -1 : 0;
		}
	}
	req->mount = strdup(base_path);
	return req->mount == NULL ? -1 : 0;
}

int
ts_request_init(struct ts_request *req, const struct ts_request_source *src,
    const char *base_path)
{
	const char *v[RP__COUNT];
	const char *q, *te;

	memset(req, 0, sizeof(*req));
	req->src = src;
	clock_gettime(CLOCK_MONOTONIC, &req->started);
	gather_params(src, v);
	req->method = parse_method(v[RP_REQUEST_METHOD]);
	set_request_id(req, v[RP_X_REQUEST_ID]);
	req->content_length = parse_content_length(v[RP_CONTENT_LENGTH]);
	te = v[RP_TRANSFER_ENCODING];
	if (req->content_length == -1 && te != NULL && *te != '\0')
		req->content_length = TS_LENGTH_UNKNOWN;
	q = v[RP_QUERY_STRING];
	req->query_len = q != NULL ? strlen(q) : 0;
	/* An over-long query is kept only as its length: the dispatcher answers 414. */
	req->query = req->query_len <= TS_CEILING_MAX_QUERY_BYTES ? strdup(q != NULL ? q : "") : strdup("");
	if (req->query == NULL ||
	    copy_param(v[RP_CONTENT_TYPE], TS_MAX_HEADER_BYTES, &req->content_type) != 0 ||
	    copy_param(v[RP_AUTHORIZATION], TS_MAX_TOKEN_BYTES + sizeof("Bearer  "), &req->authorization) != 0 ||
	    copy_param(v[RP_ORIGIN], TS_MAX_CORS_ORIGIN_BYTES + 1, &req->origin) != 0 ||
	    copy_param(v[RP_CORS_METHOD], TS_MAX_METHOD_NAME_BYTES, &req->cors_method) != 0 ||
	    copy_param(ts_auth_server_user(v[RP_REMOTE_USER], v[RP_AUTH_TYPE]), TS_MAX_HEADER_BYTES,
	    &req->remote_user) != 0 ||
	    route_path(req, v, base_path) != 0 || mount_point(req, v[RP_REQUEST_URI], base_path) != 0)
		return -1;
	return 0;
}

int
ts_request_has_body(const struct ts_request *req)
{
	return req->content_length > 0 || req->content_length == -2 ||
	    req->content_length == TS_LENGTH_UNKNOWN;
}

/*
 * Reads want bytes, or up to the end of the body when it is shorter, into
 * req->body (allocated with room for want and a NUL).
 */
static enum ts_body_status
read_upto(struct ts_request *req, size_t want)
{
	size_t got = 0;
	ssize_t n;

	req->body = malloc(want + 1);
	if (req->body == NULL)
		return TS_BODY_READ_ERROR;
	while (got < want) {
		n = req->src->read(req->src->ctx, req->body + got, want - got);
		if (n < 0)
			return TS_BODY_READ_ERROR;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	req->body[got] = '\0';
	req->body_len = got;
	return TS_BODY_OK;
}

enum ts_body_status
ts_request_read_body(struct ts_request *req, size_t max_bytes)
{
	enum ts_body_status st;

	if (req->body != NULL)
		return TS_BODY_OK;
	if (req->content_length == -2)
		return TS_BODY_LENGTH_MISMATCH;
	if (req->content_length == TS_LENGTH_UNKNOWN) {
		/* To its end, one byte past the cap to notice a larger body. */
		if ((st = read_upto(req, max_bytes + 1)) != TS_BODY_OK)
			return st;
		return req->body_len > max_bytes ? TS_BODY_TOO_LARGE : TS_BODY_OK;
	}
	if (req->content_length > (long long)max_bytes)
		return TS_BODY_TOO_LARGE;
	if (req->content_length <= 0) {
		/* No announced body: nothing is read, so an empty POST cannot block. */
		req->body = strdup("");
		return req->body == NULL ? TS_BODY_READ_ERROR : TS_BODY_OK;
	}
	/* One byte more than announced, to notice a longer body. */
	if ((st = read_upto(req, (size_t)req->content_length + 1)) != TS_BODY_OK)
		return st;
	if (req->body_len != (size_t)req->content_length)
		return TS_BODY_LENGTH_MISMATCH;
	return TS_BODY_OK;
}

int
ts_request_is_json(const struct ts_request *req)
{
	static const char json[] = "application/json";
	const char *ct = req->content_type, *rest;

	if (ct == NULL)
		return 0;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (strncasecmp(ct, json, sizeof(json) - 1) != 0)
		return 0;
	rest = ct + sizeof(json) - 1;
	while (*rest == ' ' || *rest == '\t')
		rest++;
	return *rest == '\0' || *rest == ';';
}

void
ts_request_free(struct ts_request *req)
{
	free(req->path);
	free(req->mount);
	free(req->query);
	free(req->content_type);
	free(req->authorization);
	free(req->origin);
	free(req->cors_method);
	free(req->remote_user);
	free(req->body);
	memset(req, 0, sizeof(*req));
}
