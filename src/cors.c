/*
 * Cross-origin requests (API reference: CORS). The allow-list is exact
 * origins, checked once when the configuration is read; a request's Origin
 * header is only ever compared with them byte for byte, and only a listed
 * origin (or "*") is written back, never the header as it came.
 */
#include <stdlib.h>
#include <string.h>

#include "cors.h"
#include "request.h"
#include "response.h"
#include "router.h"

/*
 * Request headers a browser app may send: ours and the ones the openai
 * package adds (its x-stainless-* telemetry and OpenAI-*), so that it works
 * from a page as well (API reference: Requests and responses).
 */
static const char allow_headers[] =
    "Authorization, Content-Type, Idempotency-Key, X-Request-Id, "
    "OpenAI-Beta, OpenAI-Organization, OpenAI-Project, "
    "X-Stainless-Arch, X-Stainless-Lang, X-Stainless-OS, X-Stainless-Package-Version, "
    "X-Stainless-Retry-Count, X-Stainless-Runtime, X-Stainless-Runtime-Version, "
    "X-Stainless-Timeout, X-Stainless-Helper-Method, X-Stainless-Poll-Helper";

/* Response headers a page may read besides the safelisted ones. */
static const char expose_headers[] =
    "X-Request-Id, Location, Retry-After, WWW-Authenticate, Allow, x-should-retry";

static int
is_host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static int
is_ipv6_char(char c)
{
	return (c >= 'a' && c <= 'f') || (c >= '0' && c <= '9') || c == ':' || c == '.';
}

/* The host: a lowercase name, or [IPv6]; returns its length, 0 when bad. */
static size_t
host_length(const char *s)
{
	size_t n = 0;

	if (s[0] == '[') {
		for (n = 1; is_ipv6_char(s[n]); n++)
			;
		return n > 1 && s[n] == ']' ? n + 1 : 0;
	}
	while (is_host_char(s[n]))
		n++;
	if (n == 0 || s[0] == '.' || s[0] == '-' || s[n - 1] == '.')
		return 0;
	return n;
}

/* ":port" at the end of an origin: 1-65535 without a leading zero, and not
 * the scheme's default, which a browser leaves out of its Origin header. */
static int
valid_port(const char *s, int https)
{
	long v = 0;
	size_t n;

	if (s[0] != ':' || s[1] < '1' || s[1] > '9')
		return 0;
	for (n = 1; s[n] >= '0' && s[n] <= '9'; n++) {
		if (n > 5)
			return 0;
		v = v * 10 + (s[n] - '0');
	}
	return s[n] == '\0' && v <= 65535 && v != (https ? 443 : 80);
}

int
ts_cors_valid_origin(const char *s)
{
	int https;
	size_t n;

	if (strlen(s) > TS_MAX_CORS_ORIGIN_BYTES)
		return 0;
	if (strncmp(s, "https://", 8) == 0)
		https = 1;
	else if (strncmp(s, "http://", 7) == 0)
		https = 0;
	else
		return 0;
	s += https ? 8 : 7;
	if ((n = host_length(s)) == 0)
		return 0;
	s += n;
	return *s == '\0' || valid_port(s, https);
}

void
ts_cors_free(struct ts_cors *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->origins[i]);
	memset(c, 0, sizeof(*c));
}

/* Adds the origin s[0..len) to c. */
static enum ts_cors_status
add_origin(struct ts_cors *c, const char *s, size_t len)
{
	char *o;

	if (len == 1 && s[0] == '*') {
		if (c->n > 0)
			return TS_CORS_STAR_NOT_ALONE;
		c->any = 1;
		return TS_CORS_OK;
	}
	if (c->any)
		return TS_CORS_STAR_NOT_ALONE;
	if (c->n >= TS_MAX_CORS_ORIGINS)
		return TS_CORS_TOO_MANY;
	if (len > TS_MAX_CORS_ORIGIN_BYTES)
		return TS_CORS_BAD_ORIGIN;
	if ((o = strndup(s, len)) == NULL)
		return TS_CORS_NOMEM;
	if (!ts_cors_valid_origin(o)) {
		free(o);
		return TS_CORS_BAD_ORIGIN;
	}
	c->origins[c->n++] = o;
	return TS_CORS_OK;
}

enum ts_cors_status
ts_cors_parse(const char *value, struct ts_cors *c)
{
	enum ts_cors_status st = TS_CORS_OK;
	size_t len;

	ts_cors_free(c);
	while (st == TS_CORS_OK && *value != '\0') {
		value += strspn(value, " \t");
		len = strcspn(value, " \t");
		if (len > 0)
			st = add_origin(c, value, len);
		value += len;
	}
	if (st != TS_CORS_OK)
		ts_cors_free(c);
	return st;
}

int
ts_cors_allows(const struct ts_cors *c, const char *origin)
{
	size_t i;

	if (origin == NULL)
		return 0;
	if (c->any)
		return 1;
	for (i = 0; i < c->n; i++)
		if (strcmp(c->origins[i], origin) == 0)
			return 1;
	return 0;
}

int
ts_cors_headers(const struct ts_cors *c, const char *origin, struct ts_response *res)
{
	/* With "*" the answer is the same for every origin, and for none:
	 * sent always, so a cache cannot keep an answer without it. */
	if (c->any)
		return ts_response_header(res, "Access-Control-Allow-Origin", "*") != 0 ||
		    ts_response_header(res, "Access-Control-Expose-Headers", expose_headers) != 0 ? -1 : 0;
	if (c->n == 0)
		return 0;
	if (ts_response_header(res, "Vary", "Origin") != 0)
		return -1;
	if (!ts_cors_allows(c, origin))
		return 0;
	return ts_response_header(res, "Access-Control-Allow-Origin", origin) != 0 ||
	    ts_response_header(res, "Access-Control-Expose-Headers", expose_headers) != 0 ? -1 : 0;
}

/* Whether method names one of the methods in allow (case-sensitive, as
 * method names are). */
static int
method_in(const char *method, unsigned int allow)
{
	unsigned int bit;

	for (bit = 1; bit <= TS_M_DELETE; bit <<= 1)
		if ((allow & bit) != 0 && strcmp(ts_method_name((enum ts_method)bit), method) == 0)
			return 1;
	return 0;
}

int
ts_cors_preflight(const struct ts_cors *c, const char *origin, const char *method,
    unsigned int allow, struct ts_response *res)
{
	char methods[64];

	if (!ts_cors_allows(c, origin) || method == NULL || !method_in(method, allow))
		return 0;
	ts_allow_string(allow, methods, sizeof(methods));
	return ts_response_header(res, "Access-Control-Allow-Methods", methods) != 0 ||
	    ts_response_header(res, "Access-Control-Allow-Headers", allow_headers) != 0 ||
	    ts_response_header(res, "Access-Control-Max-Age", TS_STR(TS_CORS_MAX_AGE_SECONDS)) != 0 ? -1 : 0;
}
