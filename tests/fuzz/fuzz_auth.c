/*
 * libFuzzer target: bearer token verification (src/auth.c on libjwt 1.10).
 *
 * The first byte picks the configuration and the way in:
 *   0  the rest is a compact JWS, verified under HS256 (with iss, aud, admin)
 *   1  the same under ES256 with a fixed public key
 *   2  the same under RS256 with a fixed public key (its PEM text is also
 *      what a key-confusion attack would use as an HMAC key)
 *   3  the rest is a whole Authorization header, under HS256
 *   4  the rest is "header JSON" NUL "claims JSON": the harness signs them
 *      with the HS256 secret, so the claim checks and libjwt's own parser
 *      see content the fuzzer chose behind a valid signature
 *
 * Invariants, besides the sanitizers:
 *  - a refused token leaves an anonymous principal behind;
 *  - an accepted one names a subject of 1-255 bytes without NUL, and its
 *    header, decoded here independently, names the configured algorithm;
 *  - under HS256 an accepted token's signature is the HMAC-SHA256 of its
 *    first two segments, computed here with OpenSSL;
 *  - an accepted token's claims hold an exp not more than the leeway in the
 *    past, an nbf (if any) not more than the leeway in the future, the
 *    configured iss and aud, and the sub the principal names.
 */
#include <jwt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "auth.h"
#include "fuzz_common.h"
#include "json_in.h"

#define NOW ((time_t)1700000000)
#define LEEWAY 30

static char hs_secret[] = "fuzz-secret-0123456789abcdef-0123456789";

static char ec_pem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE6Sz1WB2TYV36y7G3oPOSe6LTsgEP\n"
    "xkUcGjzWasV0tsPobB7ppzfR1rlrib1GE27zLG+v73r7+cjk39TLLIyMUg==\n"
    "-----END PUBLIC KEY-----\n";

static char rsa_pem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAs9d9K1tjdyNFMi8b/yDc\n"
    "dzTQwKX11cziIITazTZJL4/mKVbsG0+zy4jSsLXx2E9vOsp+9c9SVqD7e3LzIsko\n"
    "HYWMsSqtc8Bol2048ErRxe4Se5TjzNAYj92nlyssIAPqrNXJCNbcInCi9l7/1BeG\n"
    "DfMJvtQpDDrZVNA6hGdxWtbz/+SK0JOcn5UvGpIuglvEFb59ei9QUZ8kuKilRbYU\n"
    "PoF0p9R64MRlIjuDLLlLnmwKXpAiMnmHtKL/gZMDlSgCZHJlnln3YcIkyFI83gl/\n"
    "ke4EbzWccHb02WRt/Sqc3eOaR+E71ESEekdZ57V8bT0a8tcsxu3PLXTx2AdEQOwy\n"
    "AwIDAQAB\n"
    "-----END PUBLIC KEY-----\n";

static struct ts_config
config(int alg, char *key)
{
	struct ts_config c;

	memset(&c, 0, sizeof(c));
	c.auth_mode = TS_AUTH_JWT;
	c.jwt_alg = alg;
	c.jwt_key = key;
	c.jwt_key_len = strlen(key);
	c.leeway = LEEWAY;
	c.admin_claim = (char *)"role";
	c.admin_value = (char *)"admin";
	if (alg == JWT_ALG_HS256) {
		c.issuer = (char *)"https://issuer.example";
		c.audience = (char *)"threadstore";
	}
	return c;
}

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Unpadded base64url of in[0..n) appended at out; returns the length. */
static size_t
b64url_encode(const unsigned char *in, size_t n, char *out)
{
	size_t i, o = 0;
	unsigned long v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8 | in[i + 2];
		out[o++] = b64url[v >> 18 & 63];
		out[o++] = b64url[v >> 12 & 63];
		out[o++] = b64url[v >> 6 & 63];
		out[o++] = b64url[v & 63];
	}
	if (n - i == 1) {
		v = (unsigned long)in[i] << 16;
		out[o++] = b64url[v >> 18 & 63];
		out[o++] = b64url[v >> 12 & 63];
	} else if (n - i == 2) {
		v = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8;
		out[o++] = b64url[v >> 18 & 63];
		out[o++] = b64url[v >> 12 & 63];
		out[o++] = b64url[v >> 6 & 63];
	}
	return o;
}

/* Decodes an unpadded base64url segment (written independently of
 * src/auth.c); -1 on a character outside the alphabet. */
static long
b64url_decode(const char *s, size_t n, unsigned char *out)
{
	unsigned long acc = 0;
	size_t i, o = 0;
	int bits = 0;
	const char *c;

	for (i = 0; i < n; i++) {
		if (s[i] == '\0' || (c = strchr(b64url, s[i])) == NULL)
			return -1;
		acc = (acc << 6 | (unsigned long)(c - b64url)) & 0xFFFFFF;
		if ((bits += 6) >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	return (long)o;
}

/* Segment i (0-2) of a compact token, decoded and parsed as JSON (i < 2) or
 * left raw in *raw (i == 2). */
static struct json_object *
segment(const char *token, int i, unsigned char *raw, long *rawlen)
{
	const char *p = token, *dot;
	struct json_object *o = NULL;
	long n;

	for (; i > 0; i--) {
		FUZZ_CHECK((p = strchr(p, '.')) != NULL);
		p++;
	}
	dot = strchr(p, '.');
	n = b64url_decode(p, dot != NULL ? (size_t)(dot - p) : strlen(p), raw);
	FUZZ_CHECK(n > 0);
	if (rawlen != NULL) {
		*rawlen = n;
		return NULL;
	}
	FUZZ_CHECK(ts_json_parse((const char *)raw, (size_t)n, 8, &o) == TS_JSON_OK);
	FUZZ_CHECK(json_object_is_type(o, json_type_object));
	return o;
}

static double
number(struct json_object *claims, const char *key)
{
	struct json_object *v;

	FUZZ_CHECK(json_object_object_get_ex(claims, key, &v));
	FUZZ_CHECK(json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double));
	return json_object_get_double(v);
}

/* What must hold of a token the configuration accepted. */
static void
check_accepted(const struct ts_config *cfg, const char *token, const struct ts_principal *p)
{
	unsigned char *raw, mac[EVP_MAX_MD_SIZE];
	struct json_object *header, *claims, *v;
	unsigned int maclen = 0;
	long siglen;
	size_t n = strlen(p->sub);

	FUZZ_CHECK(p->authenticated && n > 0 && n <= TS_MAX_SUB_BYTES);
	FUZZ_CHECK((raw = malloc(strlen(token) + 1)) != NULL);
	header = segment(token, 0, raw, NULL);
	FUZZ_CHECK(json_object_object_get_ex(header, "alg", &v));
	FUZZ_CHECK(strcmp(json_object_get_string(v), jwt_alg_str(cfg->jwt_alg)) == 0);
	claims = segment(token, 1, raw, NULL);
	FUZZ_CHECK(number(claims, "exp") >= (double)(NOW - LEEWAY));
	if (json_object_object_get_ex(claims, "nbf", NULL))
		FUZZ_CHECK(number(claims, "nbf") <= (double)(NOW + LEEWAY));
	FUZZ_CHECK(json_object_object_get_ex(claims, "sub", &v));
	FUZZ_CHECK(strcmp(json_object_get_string(v), p->sub) == 0);
	if (cfg->issuer != NULL) {
		FUZZ_CHECK(json_object_object_get_ex(claims, "iss", &v));
		FUZZ_CHECK(strcmp(json_object_get_string(v), cfg->issuer) == 0);
	}
	if (cfg->audience != NULL)
		FUZZ_CHECK(json_object_object_get_ex(claims, "aud", &v));
	if (cfg->jwt_alg == JWT_ALG_HS256) {
		segment(token, 2, raw, &siglen);
		FUZZ_CHECK(HMAC(EVP_sha256(), cfg->jwt_key, (int)cfg->jwt_key_len,
		    (const unsigned char *)token, (size_t)(strrchr(token, '.') - token),
		    mac, &maclen) != NULL);
		FUZZ_CHECK((long)maclen == siglen && CRYPTO_memcmp(mac, raw, maclen) == 0);
	}
	json_object_put(header);
	json_object_put(claims);
	free(raw);
}

/* Mode 4: "header" NUL "claims" signed here with the HS256 secret. */
static char *
sign(const uint8_t *data, size_t size, const struct ts_config *cfg)
{
	const uint8_t *nul = memchr(data, '\0', size);
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	size_t hlen, o;
	char *t;

	if (nul == NULL)
		return NULL;
	hlen = (size_t)(nul - data);
	FUZZ_CHECK((t = malloc(size / 3 * 4 + 8 + 2 * EVP_MAX_MD_SIZE)) != NULL);
	o = b64url_encode(data, hlen, t);
	t[o++] = '.';
	o += b64url_encode(nul + 1, size - hlen - 1, t + o);
	FUZZ_CHECK(HMAC(EVP_sha256(), cfg->jwt_key, (int)cfg->jwt_key_len,
	    (const unsigned char *)t, o, mac, &maclen) != NULL);
	t[o++] = '.';
	o += b64url_encode(mac, maclen, t + o);
	t[o] = '\0';
	return t;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ts_principal anonymous;
	struct ts_principal p;
	struct ts_config cfg;
	enum ts_auth_status st;
	char *s, *token;
	int mode;

	if (size < 1)
		return 0;
	mode = data[0] % 5;
	cfg = mode == 1 ? config(JWT_ALG_ES256, ec_pem) :
	    mode == 2 ? config(JWT_ALG_RS256, rsa_pem) : config(JWT_ALG_HS256, hs_secret);
	s = fuzz_cstring(data + 1, size - 1);
	if (mode == 3) {
		st = ts_auth_identify(&cfg, s, NULL, NOW, &p);
		token = s;
		if (p.authenticated) {
			/* What follows "Bearer" and blanks, up to the trailing blanks. */
			token = s + strspn(s, " \t") + 6;
			token += strspn(token, " ");
			token[strcspn(token, " \t")] = '\0';
		}
	} else {
		token = mode == 4 ? sign(data + 1, size - 1, &cfg) : s;
		if (token == NULL) {
			free(s);
			return 0;
		}
		st = ts_auth_verify_jwt(&cfg, token, NOW, &p);
	}
	FUZZ_CHECK(st == TS_AUTH_OK || st == TS_AUTH_INVALID_TOKEN);
	if (st != TS_AUTH_OK)
		FUZZ_CHECK(memcmp(&p, &anonymous, sizeof(p)) == 0);
	else if (p.authenticated)
		check_accepted(&cfg, token, &p);
	else
		FUZZ_CHECK(mode == 3);  /* no credential given: anonymous */
	if (mode == 4)
		free(token);
	free(s);
	return 0;
}
