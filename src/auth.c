/*
 * Authentication: who is calling, from a bearer JWT or from REMOTE_USER
 * (API reference: Authentication).
 *
 * libjwt 1.10 only checks the signature, and not safely on its own: with a
 * NULL key it accepts "alg":"none", it does not pin the algorithm (an HS256
 * token keyed with the server's RSA public key PEM verifies), it validates no
 * claim, and its JSON parser keeps the last of repeated keys. So a token is
 * taken apart here first: three base64url segments, header and claims parsed
 * with ts_json_parse (which refuses repeated keys), the header's alg compared
 * with the configured one; only then does jwt_decode check the signature,
 * always with the configured key, and its idea of the algorithm must agree
 * again. The claims used are the ones parsed here, so the signature check and
 * the claim checks read the same bytes.
 *
 * Nothing here logs: a token is a credential and never reaches a log line.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>
#include <jwt.h>
#include <openssl/evp.h>

#include "auth.h"
#include "json_in.h"

/*
 * Nesting allowed in a token's header and claims. Claims such as
 * {"realm_access":{"roles":["admin"]}} need 3; nothing legitimate needs 8.
 */
#define AUTH_MAX_JSON_DEPTH 8

/* Bound for lengths handed to libjwt and OpenSSL as int. */
#define AUTH_INT_LIMIT ((size_t)INT32_MAX)

/* The value of a base64url character (RFC 4648, section 5), or -1. */
static int
b64url_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

/*
 * Whether a segment of len base64url characters ending at last is in the one
 * canonical form: no length that leaves a lone character, and the bits of
 * the last character that fall beyond the data all zero (RFC 4648, section
 * 3.5). Otherwise several strings would stand for one signature, and
 * changing the last character of a signature could leave it valid.
 */
static int
b64url_canonical(size_t len, unsigned char last)
{
	switch (len % 4) {
	case 1:
		return 0;
	case 2:
		return (b64url_value(last) & 0x0F) == 0;
	case 3:
		return (b64url_value(last) & 0x03) == 0;
	default:
		return 1;
	}
}

/*
 * Splits a compact JWS (RFC 7515, section 7.1) of len bytes: exactly three
 * non-empty segments of canonical base64url, no padding. Sets *dot1 and
 * *dot2 to the two dots. Returns 0, or -1 when the token is not of that
 * shape.
 */
static int
split_token(const char *token, size_t len, const char **dot1, const char **dot2)
{
	size_t i, segs = 0, seglen = 0;

	*dot1 = *dot2 = NULL;
	for (i = 0; i <= len; i++) {
		if (i == len || token[i] == '.') {
			if (seglen == 0 || ++segs > 3 ||
			    !b64url_canonical(seglen, (unsigned char)token[i - 1]))
				return -1;
			if (segs == 1)
				*dot1 = token + i;
			else if (segs == 2)
				*dot2 = token + i;
			seglen = 0;
		} else if (b64url_value((unsigned char)token[i]) >= 0)
			seglen++;
		else
			return -1;
	}
	return segs == 3 ? 0 : -1;
}

/*
 * Decodes one unpadded base64url segment (seg[0..len), already checked by
 * split_token) into out, which has room for outsz bytes.
 * Uses OpenSSL's decoder after mapping to the standard alphabet and padding.
 * Returns the decoded length, or -1.
 */
static int
b64url_decode(const char *seg, size_t len, unsigned char *out, size_t outsz)
{
	char buf[TS_MAX_TOKEN_BYTES + 4];
	size_t i, pad;
	int n;

	if (len == 0 || len > TS_MAX_TOKEN_BYTES)
		return -1;
	for (i = 0; i < len; i++) {
		if (seg[i] == '-')
			buf[i] = '+';
		else if (seg[i] == '_')
			buf[i] = '/';
		else
			buf[i] = seg[i];
	}
	pad = (4 - len % 4) % 4;
	for (; i < len + pad; i++)
		buf[i] = '=';
	/* EVP_DecodeBlock writes 3 bytes per 4 characters, padding included. */
	if (outsz < i / 4 * 3)
		return -1;
	n = EVP_DecodeBlock(out, (const unsigned char *)buf, (int)i);
	if (n < 0 || (size_t)n < pad)
		return -1;
	return n - (int)pad;
}

/*
 * Decodes and strictly parses one segment as a JSON object. Returns a new
 * reference the caller puts, or NULL.
 */
static struct json_object *
segment_object(const char *seg, size_t len)
{
	unsigned char buf[TS_MAX_TOKEN_BYTES];
	struct json_object *o = NULL;
	int n;

	if ((n = b64url_decode(seg, len, buf, sizeof(buf))) <= 0)
		return NULL;
	if (ts_json_parse((const char *)buf, (size_t)n, AUTH_MAX_JSON_DEPTH, &o) != TS_JSON_OK)
		return NULL;
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* Whether v is a JSON string with exactly the bytes of s. */
static int
string_equals(struct json_object *v, const char *s)
{
	size_t n = strlen(s);

	return json_object_is_type(v, json_type_string) &&
	    (size_t)json_object_get_string_len(v) == n &&
	    memcmp(json_object_get_string(v), s, n) == 0;
}

/*
 * Whether v is the string s or an array holding the string s. With
 * only_strings, an array holding anything but strings does not match.
 */
static int
string_or_member(struct json_object *v, const char *s, int only_strings)
{
	struct json_object *e;
	size_t i, n;
	int found = 0;

	if (json_object_is_type(v, json_type_string))
		return string_equals(v, s);
	if (!json_object_is_type(v, json_type_array))
		return 0;
	n = json_object_array_length(v);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(v, i);
		if (only_strings && !json_object_is_type(e, json_type_string))
			return 0;
		if (string_equals(e, s))
			found = 1;
	}
	return found;
}

/*
 * A NumericDate (RFC 7519, section 2): a JSON number, integer or not. Sets
 * *t and returns 0, or -1 when v is not a finite number. Integers beyond
 * int64 come out of json-c saturated, which still compares the right way.
 */
static int
numeric_date(struct json_object *v, double *t)
{
	if (json_object_is_type(v, json_type_int))
		*t = (double)json_object_get_int64(v);
	else if (json_object_is_type(v, json_type_double))
		*t = json_object_get_double(v);
	else
		return -1;
	return isfinite(*t) ? 0 : -1;
}

/* A verified token's time claims (NumericDates). */
struct token_times {
	double exp;
	int has_nbf;
	double nbf;
};

/* Reads exp (required), nbf and iat (optional; iat only has to be a number). */
static int
read_times(struct json_object *claims, struct token_times *tt)
{
	struct json_object *v;
	double t;

	memset(tt, 0, sizeof(*tt));
	if (!json_object_object_get_ex(claims, "exp", &v) || numeric_date(v, &tt->exp) == -1)
		return -1;
	if (json_object_object_get_ex(claims, "nbf", &v)) {
		if (numeric_date(v, &tt->nbf) == -1)
			return -1;
		tt->has_nbf = 1;
	}
	if (json_object_object_get_ex(claims, "iat", &v) && numeric_date(v, &t) == -1)
		return -1;
	return 0;
}

/* Whether now is inside the token's validity: up to exp + leeway inclusive,
 * and from nbf - leeway when there is an nbf. */
static int
times_valid(const struct ts_config *cfg, const struct token_times *tt, time_t now)
{
	double leeway = cfg->leeway > 0 ? (double)cfg->leeway : 0;

	if ((double)now - leeway > tt->exp)
		return 0;
	return !tt->has_nbf || (double)now + leeway >= tt->nbf;
}

/*
 * Checks the claims of a token whose signature has been verified and fills
 * p->sub and p->is_admin, and *tt. Returns 0, or -1 when a claim is missing
 * or bad.
 */
static int
check_claims(const struct ts_config *cfg, struct json_object *claims, time_t now,
    struct ts_principal *p, struct token_times *tt)
{
	struct json_object *v, *sub;
	size_t len;

	if (read_times(claims, tt) == -1 || !times_valid(cfg, tt, now))
		return -1;

	if (!json_object_object_get_ex(claims, "sub", &sub) ||
	    !json_object_is_type(sub, json_type_string) || ts_json_string_has_nul(sub))
		return -1;
	len = (size_t)json_object_get_string_len(sub);
	if (len == 0 || len > TS_MAX_SUB_BYTES)
		return -1;

	if (cfg->issuer != NULL) {
		if (!json_object_object_get_ex(claims, "iss", &v) ||
		    !string_equals(v, cfg->issuer))
			return -1;
	}
	if (cfg->audience != NULL) {
		if (!json_object_object_get_ex(claims, "aud", &v) ||
		    !string_or_member(v, cfg->audience, 1))
			return -1;
	}

	memcpy(p->sub, json_object_get_string(sub), len);
	p->sub[len] = '\0';
	p->is_admin = cfg->admin_claim != NULL && cfg->admin_value != NULL &&
	    json_object_object_get_ex(claims, cfg->admin_claim, &v) &&
	    string_or_member(v, cfg->admin_value, 0);
	return 0;
}

/* ts_auth_verify_jwt, which also gives the token's time claims. */
static enum ts_auth_status
verify_jwt(const struct ts_config *cfg, const char *token, time_t now,
    struct ts_principal *p, struct token_times *tt)
{
	enum ts_auth_status st = TS_AUTH_INVALID_TOKEN;
	struct json_object *header = NULL, *claims = NULL, *alg;
	const char *dot1, *dot2, *algname;
	jwt_t *jwt = NULL;
	size_t len;

	memset(p, 0, sizeof(*p));
	if (cfg == NULL || token == NULL)
		goto out;
	/* Size first: nothing is decoded from an over-long token. */
	len = strnlen(token, TS_MAX_TOKEN_BYTES + 1);
	if (len > TS_MAX_TOKEN_BYTES)
		goto out;
	/* Never hand libjwt a NULL key: it would skip the signature. */
	if (cfg->jwt_key == NULL || cfg->jwt_key_len == 0 || cfg->jwt_key_len > AUTH_INT_LIMIT)
		goto out;
	if (cfg->jwt_alg == JWT_ALG_NONE || (algname = jwt_alg_str(cfg->jwt_alg)) == NULL)
		goto out;

	if (split_token(token, len, &dot1, &dot2) == -1)
		goto out;
	if ((header = segment_object(token, (size_t)(dot1 - token))) == NULL)
		goto out;
	if ((claims = segment_object(dot1 + 1, (size_t)(dot2 - dot1 - 1))) == NULL)
		goto out;

	if (!json_object_object_get_ex(header, "alg", &alg) || !string_equals(alg, algname))
		goto out;
	/* RFC 7515, section 4.1.11: extensions we do not implement must not be
	 * ignored. */
	if (json_object_object_get_ex(header, "crit", NULL))
		goto out;

	if (jwt_decode(&jwt, token, (const unsigned char *)cfg->jwt_key,
	    (int)cfg->jwt_key_len) != 0)
		goto out;
	if (jwt_get_alg(jwt) != (jwt_alg_t)cfg->jwt_alg)
		goto out;

	if (check_claims(cfg, claims, now, p, tt) == -1)
		goto out;
	p->authenticated = 1;
	st = TS_AUTH_OK;
out:
	if (st != TS_AUTH_OK)
		memset(p, 0, sizeof(*p));
	if (jwt != NULL)
		jwt_free(jwt);
	json_object_put(header);
	json_object_put(claims);
	return st;
}

enum ts_auth_status
ts_auth_verify_jwt(const struct ts_config *cfg, const char *token, time_t now,
    struct ts_principal *p)
{
	struct token_times tt;

	return verify_jwt(cfg, token, now, p, &tt);
}

/*
 * The cache of verified tokens (see auth.h): a token verified once is the
 * same bytes under the same key and configuration the next time, so only
 * its times need checking again. Only successes are kept; an entry is the
 * exact token bytes (compared whole), the principal they gave and their
 * time claims. A full cache replaces its entries in turn.
 */
struct auth_cache_entry {
	size_t len;                     /* 0: empty */
	char token[TS_MAX_TOKEN_BYTES];
	struct token_times times;
	struct ts_principal p;
};

struct ts_auth_cache {
	const struct ts_config *cfg;
	size_t next;                    /* the entry replaced next */
	struct auth_cache_entry entries[TS_AUTH_CACHE_ENTRIES];
};

struct ts_auth_cache *
ts_auth_cache_new(const struct ts_config *cfg)
{
	struct ts_auth_cache *c = calloc(1, sizeof(*c));

	if (c != NULL)
		c->cfg = cfg;
	return c;
}

void
ts_auth_cache_free(struct ts_auth_cache *c)
{
	if (c != NULL)
		explicit_bzero(c, sizeof(*c));
	free(c);
}

static struct auth_cache_entry *
cache_find(struct ts_auth_cache *c, const char *token, size_t len)
{
	size_t i;

	for (i = 0; i < TS_AUTH_CACHE_ENTRIES; i++)
		if (c->entries[i].len == len && memcmp(c->entries[i].token, token, len) == 0)
			return &c->entries[i];
	return NULL;
}

/* Verifies token (len bytes, NUL-terminated), through the cache when there
 * is one for this configuration. */
static enum ts_auth_status
verify_cached(struct ts_auth_cache *c, const struct ts_config *cfg, const char *token,
    size_t len, time_t now, struct ts_principal *p)
{
	struct auth_cache_entry *e;
	struct token_times tt;

	if (c == NULL || c->cfg != cfg || len == 0 || len > TS_MAX_TOKEN_BYTES)
		return verify_jwt(cfg, token, now, p, &tt);
	if ((e = cache_find(c, token, len)) != NULL) {
		if (!times_valid(cfg, &e->times, now)) {
			memset(p, 0, sizeof(*p));
			return TS_AUTH_INVALID_TOKEN;
		}
		*p = e->p;
		return TS_AUTH_OK;
	}
	if (verify_jwt(cfg, token, now, p, &tt) != TS_AUTH_OK)
		return TS_AUTH_INVALID_TOKEN;
	e = &c->entries[c->next];
	c->next = (c->next + 1) % TS_AUTH_CACHE_ENTRIES;
	memcpy(e->token, token, len);
	e->len = len;
	e->times = tt;
	e->p = *p;
	return TS_AUTH_OK;
}

/* Whether s holds something besides blanks. */
static int
has_text(const char *s)
{
	if (s == NULL)
		return 0;
	while (*s == ' ' || *s == '\t')
		s++;
	return *s != '\0';
}

const char *
ts_auth_server_user(const char *remote_user, const char *auth_type)
{
	/*
	 * nginx's stock fastcgi_params send REMOTE_USER from any client's
	 * "Authorization: Basic" header, verified or not; AUTH_TYPE is never
	 * sent by it, and Apache sets it exactly when a module authenticated
	 * the request. So AUTH_TYPE is the web server's word that it checked
	 * the user, and without it REMOTE_USER is only the client's claim.
	 */
	if (!has_text(auth_type) || remote_user == NULL || remote_user[0] == '\0')
		return NULL;
	return remote_user;
}

enum ts_auth_status
ts_auth_identify(const struct ts_config *cfg, const char *authorization,
    const char *remote_user, time_t now, struct ts_principal *p)
{
	return ts_auth_identify_cached(NULL, cfg, authorization, remote_user, now, p);
}

enum ts_auth_status
ts_auth_identify_cached(struct ts_auth_cache *cache, const struct ts_config *cfg,
    const char *authorization, const char *remote_user, time_t now, struct ts_principal *p)
{
	char token[TS_MAX_TOKEN_BYTES + 1];
	const char *s;
	size_t len, n;

	memset(p, 0, sizeof(*p));

	if (cfg->auth_mode == TS_AUTH_REMOTE_USER) {
		/*
		 * The web server vouches for remote_user (the request parser
		 * keeps it only with AUTH_TYPE: ts_auth_server_user);
		 * Authorization is the web server's business.
		 */
		if (remote_user == NULL || remote_user[0] == '\0')
			return TS_AUTH_OK;
		len = strnlen(remote_user, TS_MAX_SUB_BYTES + 1);
		if (len > TS_MAX_SUB_BYTES)
			return TS_AUTH_INVALID_TOKEN;
		memcpy(p->sub, remote_user, len);
		p->sub[len] = '\0';
		p->authenticated = 1;
		return TS_AUTH_OK;
	}

	if (authorization == NULL)
		return TS_AUTH_OK;
	/*
	 * An empty value counts as no header: some Apache setups pass an
	 * empty HTTP_AUTHORIZATION on every request.
	 */
	s = authorization;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0')
		return TS_AUTH_OK;

	/* RFC 7235, section 2.1: scheme (case-insensitive), 1*SP, token68. */
	if (strncasecmp(s, "Bearer", 6) != 0 || s[6] != ' ')
		return TS_AUTH_INVALID_TOKEN;
	s += 6;
	while (*s == ' ')
		s++;
	len = strcspn(s, " \t");
	if (len == 0 || len > TS_MAX_TOKEN_BYTES)
		return TS_AUTH_INVALID_TOKEN;
	for (n = len; s[n] == ' ' || s[n] == '\t'; n++)
		continue;
	if (s[n] != '\0')
		return TS_AUTH_INVALID_TOKEN;
	memcpy(token, s, len);
	token[len] = '\0';
	return verify_cached(cache, cfg, token, len, now, p);
}

char *
ts_auth_mint(const struct ts_config *cfg, const char *sub, int admin, long ttl_seconds,
    time_t now)
{
	const long long_max = (long)(~0UL >> 1);
	jwt_t *jwt = NULL;
	char *out = NULL;
	size_t sublen;

	switch (cfg->jwt_alg) {
	case JWT_ALG_HS256:
	case JWT_ALG_HS384:
	case JWT_ALG_HS512:
		break;
	default:
		return NULL;
	}
	if (cfg->jwt_key == NULL || cfg->jwt_key_len == 0 || cfg->jwt_key_len > AUTH_INT_LIMIT)
		return NULL;
	if (sub == NULL)
		return NULL;
	sublen = strnlen(sub, TS_MAX_SUB_BYTES + 1);
	if (sublen == 0 || sublen > TS_MAX_SUB_BYTES)
		return NULL;
	/* libjwt stores integer claims as long. */
	if (now < 0 || (time_t)(long)now != now || ttl_seconds <= 0 ||
	    (long)now > long_max - ttl_seconds)
		return NULL;
	if (admin && (cfg->admin_claim == NULL || cfg->admin_value == NULL))
		return NULL;

	if (jwt_new(&jwt) != 0)
		goto out;
	if (jwt_set_alg(jwt, (jwt_alg_t)cfg->jwt_alg, (const unsigned char *)cfg->jwt_key,
	    (int)cfg->jwt_key_len) != 0)
		goto out;
	/* jwt_add_grant refuses a claim already set: an admin_claim of "sub" fails. */
	if (jwt_add_grant(jwt, "sub", sub) != 0 ||
	    jwt_add_grant_int(jwt, "iat", (long)now) != 0 ||
	    jwt_add_grant_int(jwt, "exp", (long)now + ttl_seconds) != 0)
		goto out;
	if (cfg->issuer != NULL && jwt_add_grant(jwt, "iss", cfg->issuer) != 0)
		goto out;
	if (cfg->audience != NULL && jwt_add_grant(jwt, "aud", cfg->audience) != 0)
		goto out;
	if (admin && jwt_add_grant(jwt, cfg->admin_claim, cfg->admin_value) != 0)
		goto out;
	/* libjwt 1.10 builds the string with malloc(): the caller's free() matches. */
	out = jwt_encode_str(jwt);
out:
	if (jwt != NULL)
		jwt_free(jwt);
	return out;
}
