/*
 * Authentication: bearer JWTs against one configured algorithm and key, and
 * REMOTE_USER. Tokens are built here with OpenSSL directly (not with libjwt),
 * so the tests also hold libjwt to the standard formats (RS256 PKCS#1 v1.5,
 * ES256 as raw R||S), and so a test can sign whatever header and claims it
 * needs, repeated keys included. RSA and EC keys are generated at run time.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include "auth.h"
#include "config.h"
#include "ts_limits.h"

/* The clock of every test. */
#define NOW 1700000000L

static char secret[] = "test-secret-0123456789abcdef-0123456789abcdef";
static char claim_role[] = "role";
static char value_admin[] = "admin";
static char claim_groups[] = "groups";
static char value_ts_admins[] = "ts-admins";
static char issuer[] = "https://idp.example";
static char audience[] = "threadstore";

enum signer { SIGN_NONE, SIGN_HS256, SIGN_HS384, SIGN_HS512, SIGN_RS256, SIGN_ES256,
	SIGN_ES256_DER };

/* Keys made by the asymmetric test case's fixture (in the parent process). */
static EVP_PKEY *rsa_key, *rsa_other_key, *ec_key;
static char *rsa_pem, *ec_pem;

static const char hs256_header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

/* ---- helpers ---- */

/* base64url without padding of data[0..len); malloc'd. */
static char *
b64url(const void *data, size_t len)
{
	char *out = malloc(len / 3 * 4 + 8);
	int n, i, k = 0;

	ck_assert_ptr_nonnull(out);
	n = EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	for (i = 0; i < n; i++) {
		if (out[i] == '=')
			break;
		out[k++] = out[i] == '+' ? '-' : out[i] == '/' ? '_' : out[i];
	}
	out[k] = '\0';
	return out;
}

/* The signature of input[0..len) by signer, into sig; returns its length. */
static size_t
sign(enum signer how, const char *key, size_t keylen, const char *input, size_t len,
    unsigned char *sig)
{
	const EVP_MD *md = NULL;
	EVP_MD_CTX *ctx;
	EVP_PKEY *pkey = NULL;
	unsigned char der[256];
	const unsigned char *dp = der;
	unsigned int hlen = 0;
	size_t slen = sizeof(der);
	ECDSA_SIG *es;
	const BIGNUM *r, *s;

	switch (how) {
	case SIGN_NONE:
		return 0;
	case SIGN_HS256:
	case SIGN_HS384:
	case SIGN_HS512:
		md = how == SIGN_HS256 ? EVP_sha256() : how == SIGN_HS384 ? EVP_sha384() :
		    EVP_sha512();
		ck_assert_ptr_nonnull(HMAC(md, key, (int)keylen, (const unsigned char *)input, len,
		    sig, &hlen));
		return hlen;
	case SIGN_RS256:
		pkey = rsa_key;
		break;
	case SIGN_ES256:
	case SIGN_ES256_DER:
		pkey = ec_key;
		break;
	}
	ck_assert_ptr_nonnull(pkey);
	ctx = EVP_MD_CTX_new();
	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, pkey), 1);
	ck_assert_int_eq(EVP_DigestSign(ctx, der, &slen, (const unsigned char *)input, len), 1);
	EVP_MD_CTX_free(ctx);
	if (how == SIGN_RS256 || how == SIGN_ES256_DER) {
		memcpy(sig, der, slen);
		return slen;
	}
	/* JWS ES256 (RFC 7518, section 3.4): R and S as 32 big-endian bytes each. */
	es = d2i_ECDSA_SIG(NULL, &dp, (long)slen);
	ck_assert_ptr_nonnull(es);
	ECDSA_SIG_get0(es, &r, &s);
	ck_assert_int_eq(BN_bn2binpad(r, sig, 32), 32);
	ck_assert_int_eq(BN_bn2binpad(s, sig + 32, 32), 32);
	ECDSA_SIG_free(es);
	return 64;
}

/* A compact JWS of header and claims (JSON text as given), malloc'd. */
static char *
make_token_key(const char *header, const char *claims, enum signer how, const char *key,
    size_t keylen)
{
	char *h = b64url(header, strlen(header)), *c = b64url(claims, strlen(claims)), *s;
	unsigned char sig[512];
	size_t inlen = strlen(h) + 1 + strlen(c), siglen;
	char *input = malloc(inlen + 1), *tok;

	ck_assert_ptr_nonnull(input);
	snprintf(input, inlen + 1, "%s.%s", h, c);
	siglen = sign(how, key, keylen, input, inlen, sig);
	s = siglen > 0 ? b64url(sig, siglen) : strdup("");
	ck_assert_ptr_nonnull(s);
	tok = malloc(inlen + strlen(s) + 2);
	ck_assert_ptr_nonnull(tok);
	snprintf(tok, inlen + strlen(s) + 2, "%s.%s", input, s);
	free(h);
	free(c);
	free(s);
	free(input);
	return tok;
}

static char *
make_token(const char *header, const char *claims, enum signer how)
{
	return make_token_key(header, claims, how, secret, strlen(secret));
}

/* An HS256 token over the claims, signed with the configured secret. */
static char *
hs256(const char *claims)
{
	return make_token(hs256_header, claims, SIGN_HS256);
}

/* Claims {"sub":sub,"exp":exp} plus extra members (",..." or ""). */
static char *
claims_fmt(const char *sub, long exp, const char *extra)
{
	char *buf = NULL;

	ck_assert_int_ge(asprintf(&buf, "{\"sub\":\"%s\",\"exp\":%ld%s}", sub, exp, extra), 0);
	return buf;
}

/* An HS256 token for sub that expires an hour from NOW, with extra claims. */
static char *
hs256_for(const char *sub, const char *extra)
{
	char *claims = claims_fmt(sub, NOW + 3600, extra), *tok = hs256(claims);

	free(claims);
	return tok;
}

static struct ts_config
hs_config(void)
{
	struct ts_config c;

	memset(&c, 0, sizeof(c));
	c.auth_mode = TS_AUTH_JWT;
	c.jwt_alg = JWT_ALG_HS256;
	c.jwt_key = secret;
	c.jwt_key_len = strlen(secret);
	c.leeway = TS_DEFAULT_LEEWAY_SECONDS;
	c.admin_claim = claim_role;
	c.admin_value = value_admin;
	return c;
}

static struct ts_config
pem_config(int alg, char *pem)
{
	struct ts_config c = hs_config();

	c.jwt_alg = alg;
	c.jwt_key = pem;
	c.jwt_key_len = strlen(pem);
	return c;
}

/* Verifies token against cfg at NOW, frees the token, returns the status. */
static enum ts_auth_status
verify(const struct ts_config *cfg, char *token, struct ts_principal *p)
{
	enum ts_auth_status st = ts_auth_verify_jwt(cfg, token, NOW, p);

	if (st != TS_AUTH_OK) {
		ck_assert_int_eq(p->authenticated, 0);
		ck_assert_int_eq(p->is_admin, 0);
		ck_assert_str_eq(p->sub, "");
	}
	free(token);
	return st;
}

/* Asserts the token is refused by the HS256 configuration. */
static void
assert_refused(char *token)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;

	ck_assert_int_eq(verify(&cfg, token, &p), TS_AUTH_INVALID_TOKEN);
}

/* Asserts the token is accepted by the HS256 configuration for sub. */
static void
assert_accepted(char *token, const char *sub)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;

	ck_assert_int_eq(verify(&cfg, token, &p), TS_AUTH_OK);
	ck_assert_int_eq(p.authenticated, 1);
	ck_assert_str_eq(p.sub, sub);
}

static char *
public_pem(EVP_PKEY *k)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *out;
	long n;

	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(PEM_write_bio_PUBKEY(b, k), 1);
	n = BIO_get_mem_data(b, &data);
	out = strndup(data, (size_t)n);
	ck_assert_ptr_nonnull(out);
	BIO_free(b);
	return out;
}

static void
keys_setup(void)
{
	rsa_key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	rsa_other_key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	ec_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	if (rsa_key == NULL || rsa_other_key == NULL || ec_key == NULL)
		abort();
	rsa_pem = public_pem(rsa_key);
	ec_pem = public_pem(ec_key);
}

static void
keys_teardown(void)
{
	EVP_PKEY_free(rsa_key);
	EVP_PKEY_free(rsa_other_key);
	EVP_PKEY_free(ec_key);
	free(rsa_pem);
	free(ec_pem);
	rsa_key = rsa_other_key = ec_key = NULL;
	rsa_pem = ec_pem = NULL;
}

/* ---- HS256: signature and algorithm ---- */

START_TEST(valid_hs256_token_is_accepted)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;

	ck_assert_int_eq(verify(&cfg, hs256_for("alice", ""), &p), TS_AUTH_OK);
	ck_assert_int_eq(p.authenticated, 1);
	ck_assert_int_eq(p.is_admin, 0);
	ck_assert_str_eq(p.sub, "alice");
}
END_TEST

START_TEST(valid_hs384_and_hs512_tokens_are_accepted_when_configured)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;
	char *claims = claims_fmt("alice", NOW + 60, "");

	cfg.jwt_alg = JWT_ALG_HS384;
	ck_assert_int_eq(verify(&cfg, make_token("{\"alg\":\"HS384\"}", claims, SIGN_HS384), &p),
	    TS_AUTH_OK);
	cfg.jwt_alg = JWT_ALG_HS512;
	ck_assert_int_eq(verify(&cfg, make_token("{\"alg\":\"HS512\"}", claims, SIGN_HS512), &p),
	    TS_AUTH_OK);
	ck_assert_str_eq(p.sub, "alice");
	free(claims);
}
END_TEST

START_TEST(signature_changed_in_the_middle_is_refused)
{
	char *tok = hs256_for("alice", ""), *sig = strrchr(tok, '.') + 1;
	size_t mid = strlen(sig) / 2;

	sig[mid] = sig[mid] == 'A' ? 'B' : 'A';
	assert_refused(tok);
}
END_TEST

START_TEST(signature_changed_anywhere_is_refused)
{
	char *tok = hs256_for("alice", ""), *sig = strrchr(tok, '.') + 1, *copy;
	size_t i, n = strlen(sig);
	const char *subst = "AQgw";     /* values 0, 16, 32, 48: differ in high bits */

	/*
	 * Every position, the last included: its unused low bits are refused
	 * when not zero (non-canonical base64url), so no variant of a
	 * signature string verifies.
	 */
	for (i = 0; i < n; i++) {
		for (const char *c = subst; *c != '\0'; c++) {
			if (sig[i] == *c)
				continue;
			copy = strdup(tok);
			ck_assert_ptr_nonnull(copy);
			copy[(size_t)(sig - tok) + i] = *c;
			assert_refused(copy);
		}
	}
	free(tok);
}
END_TEST

START_TEST(non_canonical_last_signature_character_is_refused)
{
	char *tok = hs256_for("alice", ""), *sig = strrchr(tok, '.') + 1;
	size_t n = strlen(sig);
	const char *alphabet =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	int v = (int)(strchr(alphabet, sig[n - 1]) - alphabet);

	/* 43 characters carry 256 bits: the last one has two unused bits. */
	ck_assert_uint_eq(n % 4, 3);
	ck_assert_int_eq(v & 3, 0);
	sig[n - 1] = alphabet[v | 1];
	assert_refused(tok);
}
END_TEST

START_TEST(claims_changed_after_signing_are_refused)
{
	char *tok = hs256_for("alice", ""), *bob = hs256_for("bob00", "");
	char *dot1 = strchr(tok, '.'), *bdot1 = strchr(bob, '.');

	/* Same length claims: splice bob's claims under alice's signature. */
	ck_assert_uint_eq(strchr(dot1 + 1, '.') - dot1, strchr(bdot1 + 1, '.') - bdot1);
	memcpy(dot1, bdot1, (size_t)(strchr(bdot1 + 1, '.') - bdot1));
	free(bob);
	assert_refused(tok);
}
END_TEST

START_TEST(wrong_secret_is_refused)
{
	char *claims = claims_fmt("alice", NOW + 60, "");

	assert_refused(make_token_key(hs256_header, claims, SIGN_HS256,
	    "another-secret-0123456789abcdef-xyz", 35));
	free(claims);
}
END_TEST

START_TEST(alg_none_unsigned_token_is_refused)
{
	char *claims = claims_fmt("alice", NOW + 60, "");

	/* "header.payload." with an empty signature. */
	assert_refused(make_token("{\"alg\":\"none\",\"typ\":\"JWT\"}", claims, SIGN_NONE));
	assert_refused(make_token("{\"alg\":\"none\"}", claims, SIGN_NONE));
	free(claims);
}
END_TEST

START_TEST(alg_none_with_a_signature_is_refused)
{
	char *claims = claims_fmt("alice", NOW + 60, "");

	assert_refused(make_token("{\"alg\":\"none\"}", claims, SIGN_HS256));
	assert_refused(make_token("{\"alg\":\"None\"}", claims, SIGN_HS256));
	free(claims);
}
END_TEST

START_TEST(hs384_token_is_refused_when_hs256_configured)
{
	char *claims = claims_fmt("alice", NOW + 60, "");

	/* Signed correctly with the configured secret, but with HS384. */
	assert_refused(make_token("{\"alg\":\"HS384\",\"typ\":\"JWT\"}", claims, SIGN_HS384));
	free(claims);
}
END_TEST

START_TEST(header_alg_lying_about_signature_is_refused)
{
	char *claims = claims_fmt("alice", NOW + 60, "");

	/* Header says HS256, signature is HS512 with the same secret. */
	assert_refused(make_token(hs256_header, claims, SIGN_HS512));
	free(claims);
}
END_TEST

START_TEST(alg_in_wrong_case_or_type_is_refused)
{
	char *claims = claims_fmt("alice", NOW + 60, "");

	assert_refused(make_token("{\"alg\":\"hs256\"}", claims, SIGN_HS256));
	assert_refused(make_token("{\"alg\":\"HS256 \"}", claims, SIGN_HS256));
	assert_refused(make_token("{\"alg\":[\"HS256\"]}", claims, SIGN_HS256));
	assert_refused(make_token("{\"alg\":\"HS256\\u0000\"}", claims, SIGN_HS256));
	assert_refused(make_token("{\"typ\":\"JWT\"}", claims, SIGN_HS256));
	free(claims);
}
END_TEST

START_TEST(crit_header_is_refused)
{
	char *claims = claims_fmt("alice", NOW + 60, "");

	assert_refused(make_token("{\"alg\":\"HS256\",\"crit\":[\"exp\"]}", claims, SIGN_HS256));
	free(claims);
}
END_TEST

START_TEST(missing_key_in_configuration_refuses_every_token)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;

	/* Never a NULL key for jwt_decode: it would skip the signature. */
	cfg.jwt_key = NULL;
	cfg.jwt_key_len = 0;
	ck_assert_int_eq(verify(&cfg, hs256_for("alice", ""), &p), TS_AUTH_INVALID_TOKEN);
	cfg = hs_config();
	cfg.jwt_alg = JWT_ALG_NONE;
	ck_assert_int_eq(verify(&cfg, make_token("{\"alg\":\"none\"}",
	    "{\"sub\":\"a\",\"exp\":1800000000}", SIGN_NONE), &p), TS_AUTH_INVALID_TOKEN);
}
END_TEST

/* ---- RS256 / ES256 ---- */

START_TEST(valid_rs256_token_is_accepted)
{
	struct ts_config cfg = pem_config(JWT_ALG_RS256, rsa_pem);
	struct ts_principal p;
	char *claims = claims_fmt("carol", NOW + 60, ",\"role\":\"admin\"");

	ck_assert_int_eq(verify(&cfg, make_token("{\"alg\":\"RS256\",\"typ\":\"JWT\"}", claims,
	    SIGN_RS256), &p), TS_AUTH_OK);
	ck_assert_str_eq(p.sub, "carol");
	ck_assert_int_eq(p.is_admin, 1);
	free(claims);
}
END_TEST

START_TEST(rs256_token_signed_by_another_key_is_refused)
{
	struct ts_config cfg;
	struct ts_principal p;
	char *pem = public_pem(rsa_other_key);
	char *claims = claims_fmt("carol", NOW + 60, "");

	cfg = pem_config(JWT_ALG_RS256, pem);
	ck_assert_int_eq(verify(&cfg, make_token("{\"alg\":\"RS256\"}", claims, SIGN_RS256), &p),
	    TS_AUTH_INVALID_TOKEN);
	free(pem);
	free(claims);
}
END_TEST

START_TEST(rs256_signature_changed_in_the_middle_is_refused)
{
	struct ts_config cfg = pem_config(JWT_ALG_RS256, rsa_pem);
	struct ts_principal p;
	char *claims = claims_fmt("carol", NOW + 60, "");
	char *tok = make_token("{\"alg\":\"RS256\"}", claims, SIGN_RS256);
	char *sig = strrchr(tok, '.') + 1;
	size_t mid = strlen(sig) / 2;

	sig[mid] = sig[mid] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(verify(&cfg, tok, &p), TS_AUTH_INVALID_TOKEN);
	free(claims);
}
END_TEST

/* Sets the unused low bits of the last signature character (RFC 4648,
 * section 3.5). */
static void
make_last_character_non_canonical(char *tok)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	char *sig = strrchr(tok, '.') + 1;
	size_t n = strlen(sig);
	int v = (int)(strchr(alphabet, sig[n - 1]) - alphabet);

	ck_assert_uint_ne(n % 4, 0);
	sig[n - 1] = alphabet[v | 1];
}

START_TEST(rs256_non_canonical_last_signature_character_is_refused)
{
	struct ts_config cfg = pem_config(JWT_ALG_RS256, rsa_pem);
	struct ts_principal p;
	char *claims = claims_fmt("carol", NOW + 60, "");
	char *tok = make_token("{\"alg\":\"RS256\"}", claims, SIGN_RS256);

	/*
	 * libjwt decodes an RSA signature before checking it, so this one
	 * would verify there: 342 characters for 256 bytes leave 4 spare
	 * bits in the last one. auth.c refuses non-canonical base64url.
	 */
	make_last_character_non_canonical(tok);
	ck_assert_int_eq(verify(&cfg, tok, &p), TS_AUTH_INVALID_TOKEN);
	free(claims);
}
END_TEST

START_TEST(es256_non_canonical_last_signature_character_is_refused)
{
	struct ts_config cfg = pem_config(JWT_ALG_ES256, ec_pem);
	struct ts_principal p;
	char *claims = claims_fmt("dave", NOW + 60, "");
	char *tok = make_token("{\"alg\":\"ES256\"}", claims, SIGN_ES256);

	make_last_character_non_canonical(tok);
	ck_assert_int_eq(verify(&cfg, tok, &p), TS_AUTH_INVALID_TOKEN);
	free(claims);
}
END_TEST

START_TEST(hs256_token_keyed_with_rsa_public_pem_is_refused)
{
	struct ts_config cfg = pem_config(JWT_ALG_RS256, rsa_pem);
	struct ts_principal p;
	char *claims = claims_fmt("mallory", NOW + 60, ",\"role\":\"admin\"");

	/* Algorithm confusion: the attacker knows the public key. */
	ck_assert_int_eq(verify(&cfg, make_token_key(hs256_header, claims, SIGN_HS256,
	    rsa_pem, strlen(rsa_pem)), &p), TS_AUTH_INVALID_TOKEN);
	free(claims);
}
END_TEST

START_TEST(libjwt_alone_accepts_alg_confusion)
{
	char *claims = claims_fmt("mallory", NOW + 60, "");
	char *tok = make_token_key(hs256_header, claims, SIGN_HS256, rsa_pem, strlen(rsa_pem));
	jwt_t *jwt = NULL;

	/*
	 * The trap auth.c closes (traps.md): given the PEM as key, libjwt 1.10
	 * verifies an HS256 token with it. If this starts failing, libjwt
	 * changed; the checks in auth.c stay right either way.
	 */
	ck_assert_int_eq(jwt_decode(&jwt, tok, (const unsigned char *)rsa_pem,
	    (int)strlen(rsa_pem)), 0);
	ck_assert_int_eq(jwt_get_alg(jwt), JWT_ALG_HS256);
	jwt_free(jwt);
	free(tok);
	free(claims);
}
END_TEST

START_TEST(libjwt_alone_accepts_alg_none_without_key)
{
	char *claims = claims_fmt("mallory", NOW + 60, "");
	char *tok = make_token("{\"alg\":\"none\"}", claims, SIGN_NONE);
	jwt_t *jwt = NULL;

	/* The other trap: a NULL key accepts an unsigned token. */
	ck_assert_int_eq(jwt_decode(&jwt, tok, NULL, 0), 0);
	ck_assert_int_eq(jwt_get_alg(jwt), JWT_ALG_NONE);
	jwt_free(jwt);
	free(tok);
	free(claims);
}
END_TEST

START_TEST(valid_es256_token_is_accepted)
{
	struct ts_config cfg = pem_config(JWT_ALG_ES256, ec_pem);
	struct ts_principal p;
	char *claims = claims_fmt("dave", NOW + 60, "");

	ck_assert_int_eq(verify(&cfg, make_token("{\"alg\":\"ES256\",\"typ\":\"JWT\"}", claims,
	    SIGN_ES256), &p), TS_AUTH_OK);
	ck_assert_str_eq(p.sub, "dave");
	free(claims);
}
END_TEST

START_TEST(es256_signature_changed_in_the_middle_is_refused)
{
	struct ts_config cfg = pem_config(JWT_ALG_ES256, ec_pem);
	struct ts_principal p;
	char *claims = claims_fmt("dave", NOW + 60, "");
	char *tok = make_token("{\"alg\":\"ES256\"}", claims, SIGN_ES256);
	char *sig = strrchr(tok, '.') + 1;
	size_t mid = strlen(sig) / 2;

	sig[mid] = sig[mid] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(verify(&cfg, tok, &p), TS_AUTH_INVALID_TOKEN);
	free(claims);
}
END_TEST

START_TEST(es256_token_with_der_signature_is_refused)
{
	struct ts_config cfg = pem_config(JWT_ALG_ES256, ec_pem);
	struct ts_principal p;
	char *claims = claims_fmt("dave", NOW + 60, "");

	/* JWS wants R||S; a DER-encoded ECDSA signature is not a JWS one. */
	ck_assert_int_eq(verify(&cfg, make_token("{\"alg\":\"ES256\"}", claims, SIGN_ES256_DER),
	    &p), TS_AUTH_INVALID_TOKEN);
	free(claims);
}
END_TEST

START_TEST(rs256_token_is_refused_when_es256_configured)
{
	struct ts_config cfg = pem_config(JWT_ALG_ES256, ec_pem);
	struct ts_principal p;
	char *claims = claims_fmt("dave", NOW + 60, "");

	ck_assert_int_eq(verify(&cfg, make_token("{\"alg\":\"RS256\"}", claims, SIGN_RS256), &p),
	    TS_AUTH_INVALID_TOKEN);
	free(claims);
}
END_TEST

/* ---- time claims ---- */

START_TEST(expired_token_is_refused)
{
	char *claims = claims_fmt("alice", NOW - TS_DEFAULT_LEEWAY_SECONDS - 1, "");

	assert_refused(hs256(claims));
	free(claims);
}
END_TEST

START_TEST(expired_token_within_leeway_is_accepted)
{
	char *claims = claims_fmt("alice", NOW - TS_DEFAULT_LEEWAY_SECONDS, "");

	assert_accepted(hs256(claims), "alice");
	free(claims);
	claims = claims_fmt("alice", NOW - 1, "");
	assert_accepted(hs256(claims), "alice");
	free(claims);
}
END_TEST

START_TEST(expired_token_is_refused_without_leeway)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;
	char *claims = claims_fmt("alice", NOW - 1, "");

	cfg.leeway = 0;
	ck_assert_int_eq(verify(&cfg, hs256(claims), &p), TS_AUTH_INVALID_TOKEN);
	free(claims);
	claims = claims_fmt("alice", NOW, "");
	ck_assert_int_eq(verify(&cfg, hs256(claims), &p), TS_AUTH_OK);
	free(claims);
}
END_TEST

START_TEST(nbf_in_the_future_is_refused)
{
	char *claims = claims_fmt("alice", NOW + 3600, ",\"nbf\":1700000031");

	assert_refused(hs256(claims));
	free(claims);
}
END_TEST

START_TEST(nbf_within_leeway_is_accepted)
{
	char *claims = claims_fmt("alice", NOW + 3600, ",\"nbf\":1700000030");

	assert_accepted(hs256(claims), "alice");
	free(claims);
	claims = claims_fmt("alice", NOW + 3600, ",\"nbf\":1600000000");
	assert_accepted(hs256(claims), "alice");
	free(claims);
}
END_TEST

START_TEST(missing_exp_is_refused)
{
	assert_refused(hs256("{\"sub\":\"alice\"}"));
	assert_refused(hs256("{\"sub\":\"alice\",\"iat\":1700000000}"));
}
END_TEST

START_TEST(exp_as_string_is_refused)
{
	assert_refused(hs256("{\"sub\":\"alice\",\"exp\":\"1800000000\"}"));
}
END_TEST

START_TEST(exp_of_other_types_is_refused)
{
	assert_refused(hs256("{\"sub\":\"alice\",\"exp\":true}"));
	assert_refused(hs256("{\"sub\":\"alice\",\"exp\":null}"));
	assert_refused(hs256("{\"sub\":\"alice\",\"exp\":[1800000000]}"));
	assert_refused(hs256("{\"sub\":\"alice\",\"exp\":{}}"));
	assert_refused(hs256("{\"sub\":\"alice\",\"exp\":1e400}"));       /* infinite */
}
END_TEST

START_TEST(exp_as_fraction_is_accepted)
{
	assert_accepted(hs256("{\"sub\":\"alice\",\"exp\":1700000100.5}"), "alice");
	assert_refused(hs256("{\"sub\":\"alice\",\"exp\":1699999969.5}"));
}
END_TEST

START_TEST(huge_exp_does_not_overflow)
{
	/* exp + leeway must not wrap around. */
	assert_accepted(hs256("{\"sub\":\"alice\",\"exp\":9223372036854775807}"), "alice");
	assert_refused(hs256("{\"sub\":\"alice\",\"exp\":-9223372036854775808}"));
	assert_accepted(hs256("{\"sub\":\"alice\",\"exp\":1e300}"), "alice");
}
END_TEST

START_TEST(integer_beyond_int64_in_claims_is_refused)
{
	/*
	 * json-c saturates it, but libjwt's parser (jansson) refuses the
	 * token: either way it never authenticates with a wrapped value.
	 */
	assert_refused(hs256("{\"sub\":\"alice\",\"exp\":99999999999999999999}"));
	assert_refused(hs256("{\"sub\":\"alice\",\"exp\":-99999999999999999999}"));
	assert_refused(hs256("{\"sub\":\"alice\",\"exp\":1800000000,"
	    "\"n\":99999999999999999999}"));
}
END_TEST

START_TEST(nbf_and_iat_of_wrong_type_are_refused)
{
	assert_refused(hs256("{\"sub\":\"alice\",\"exp\":1800000000,\"nbf\":\"0\"}"));
	assert_refused(hs256("{\"sub\":\"alice\",\"exp\":1800000000,\"nbf\":null}"));
	assert_refused(hs256("{\"sub\":\"alice\",\"exp\":1800000000,\"iat\":\"1700000000\"}"));
	assert_refused(hs256("{\"sub\":\"alice\",\"exp\":1800000000,\"iat\":false}"));
	assert_accepted(hs256("{\"sub\":\"alice\",\"exp\":1800000000,\"iat\":1700000000}"),
	    "alice");
}
END_TEST

/* ---- sub ---- */

START_TEST(missing_sub_is_refused)
{
	assert_refused(hs256("{\"exp\":1800000000}"));
}
END_TEST

START_TEST(empty_sub_is_refused)
{
	assert_refused(hs256_for("", ""));
}
END_TEST

START_TEST(sub_of_256_bytes_is_refused)
{
	char sub[TS_MAX_SUB_BYTES + 2];

	memset(sub, 'x', TS_MAX_SUB_BYTES + 1);
	sub[TS_MAX_SUB_BYTES + 1] = '\0';
	assert_refused(hs256_for(sub, ""));
}
END_TEST

START_TEST(sub_of_255_bytes_is_accepted)
{
	char sub[TS_MAX_SUB_BYTES + 1];

	memset(sub, 'x', TS_MAX_SUB_BYTES);
	sub[TS_MAX_SUB_BYTES] = '\0';
	assert_accepted(hs256_for(sub, ""), sub);
}
END_TEST

START_TEST(sub_as_number_is_refused)
{
	assert_refused(hs256("{\"sub\":42,\"exp\":1800000000}"));
	assert_refused(hs256("{\"sub\":null,\"exp\":1800000000}"));
	assert_refused(hs256("{\"sub\":[\"alice\"],\"exp\":1800000000}"));
}
END_TEST

START_TEST(sub_with_nul_is_refused)
{
	assert_refused(hs256("{\"sub\":\"alice\\u0000admin\",\"exp\":1800000000}"));
}
END_TEST

START_TEST(sub_with_escapes_and_unicode_is_accepted)
{
	assert_accepted(hs256("{\"sub\":\"caf\\u00e9 \xf0\x9f\x98\x80\",\"exp\":1800000000}"),
	    "caf\xc3\xa9 \xf0\x9f\x98\x80");
}
END_TEST

/* ---- repeated keys ---- */

START_TEST(duplicate_key_in_header_is_refused)
{
	char *claims = claims_fmt("alice", NOW + 60, "");

	assert_refused(make_token("{\"alg\":\"HS256\",\"alg\":\"HS256\"}", claims, SIGN_HS256));
	assert_refused(make_token("{\"alg\":\"none\",\"alg\":\"HS256\"}", claims, SIGN_HS256));
	assert_refused(make_token("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"typ\":\"JWT\"}", claims,
	    SIGN_HS256));
	free(claims);
}
END_TEST

START_TEST(duplicate_key_in_claims_is_refused)
{
	/* jansson (inside libjwt) keeps the last one, json-c too: refuse both. */
	assert_refused(hs256("{\"sub\":\"alice\",\"sub\":\"bob\",\"exp\":1800000000}"));
	assert_refused(hs256("{\"sub\":\"alice\",\"exp\":1,\"exp\":1800000000}"));
	assert_refused(hs256("{\"sub\":\"alice\",\"exp\":1800000000,"
	    "\"role\":\"user\",\"r\\u006fle\":\"admin\"}"));
	assert_refused(hs256("{\"sub\":\"alice\",\"exp\":1800000000,"
	    "\"x\":{\"k\":1,\"k\":2}}"));
}
END_TEST

/* ---- malformed tokens ---- */

START_TEST(token_with_two_segments_is_refused)
{
	char *tok = hs256_for("alice", "");

	*strrchr(tok, '.') = '\0';
	assert_refused(tok);
}
END_TEST

START_TEST(token_with_four_segments_is_refused)
{
	char *tok = hs256_for("alice", ""), *longer = NULL;

	ck_assert_int_ge(asprintf(&longer, "%s.AAAA", tok), 0);
	free(tok);
	assert_refused(longer);
}
END_TEST

START_TEST(token_with_empty_segments_is_refused)
{
	char *tok = hs256_for("alice", "");
	char *dot1 = strchr(tok, '.'), *dup = NULL;

	ck_assert_int_ge(asprintf(&dup, "%s", dot1), 0);        /* ".claims.sig" */
	assert_refused(dup);
	dup = NULL;
	ck_assert_int_ge(asprintf(&dup, "%.*s..%s", (int)(dot1 - tok), tok,
	    strrchr(tok, '.') + 1), 0);
	assert_refused(dup);
	free(tok);
	assert_refused(strdup(".."));
	assert_refused(strdup(""));
}
END_TEST

START_TEST(token_with_bad_base64_is_refused)
{
	char *tok;

	tok = hs256_for("alice", "");
	tok[3] = '!';
	assert_refused(tok);
	tok = hs256_for("alice", "");
	tok[strchr(tok, '.') - tok + 2] = '+';          /* standard, not url, alphabet */
	assert_refused(tok);
	tok = hs256_for("alice", "");
	tok[strchr(tok, '.') - tok + 2] = ' ';
	assert_refused(tok);
}
END_TEST

START_TEST(token_with_padding_is_refused)
{
	char *tok = hs256_for("alice", ""), *padded = NULL, *dot2 = strrchr(tok, '.');

	/* Base64url in JWS has no '=' padding. */
	ck_assert_int_ge(asprintf(&padded, "%s=", tok), 0);
	assert_refused(padded);
	padded = NULL;
	ck_assert_int_ge(asprintf(&padded, "%.*s=%s", (int)(dot2 - tok), tok, dot2), 0);
	assert_refused(padded);
	free(tok);
}
END_TEST

START_TEST(segment_of_impossible_length_is_refused)
{
	char *tok = hs256_for("alice", ""), *longer = NULL, *dot1 = strchr(tok, '.');

	/* A header one character longer: len % 4 == 1 decodes to nothing. */
	ck_assert_int_ge(asprintf(&longer, "%.*sAAAAA%s", (int)(dot1 - tok), tok, dot1), 0);
	free(tok);
	assert_refused(longer);
}
END_TEST

START_TEST(non_json_header_is_refused)
{
	char *claims = claims_fmt("alice", NOW + 60, "");

	assert_refused(make_token("alg=HS256", claims, SIGN_HS256));
	assert_refused(make_token("{\"alg\":\"HS256\",}", claims, SIGN_HS256));
	assert_refused(make_token("{'alg':'HS256'}", claims, SIGN_HS256));
	assert_refused(make_token("{\"alg\":\"HS256\"}x", claims, SIGN_HS256));
	assert_refused(make_token("{\"alg\":\"HS256\"", claims, SIGN_HS256));
	free(claims);
}
END_TEST

START_TEST(header_that_is_not_an_object_is_refused)
{
	char *claims = claims_fmt("alice", NOW + 60, "");

	assert_refused(make_token("[\"HS256\"]", claims, SIGN_HS256));
	assert_refused(make_token("\"HS256\"", claims, SIGN_HS256));
	assert_refused(make_token("null", claims, SIGN_HS256));
	free(claims);
}
END_TEST

START_TEST(claims_that_are_not_an_object_are_refused)
{
	assert_refused(hs256("[{\"sub\":\"alice\",\"exp\":1800000000}]"));
	assert_refused(hs256("\"alice\""));
	assert_refused(hs256("{\"sub\":\"alice\",\"exp\":1800000000"));
	assert_refused(hs256("{\"sub\":\"alice\",\"exp\":1800000000}x"));
}
END_TEST

START_TEST(token_longer_than_limit_is_refused)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;
	char *pad, *extra = NULL, *tok = NULL, *last_ok = NULL;
	size_t n, len = 0;

	/* Grow a padding claim until the token passes TS_MAX_TOKEN_BYTES. */
	for (n = 6000; len <= TS_MAX_TOKEN_BYTES; n++) {
		pad = malloc(n + 1);
		ck_assert_ptr_nonnull(pad);
		memset(pad, 'x', n);
		pad[n] = '\0';
		ck_assert_int_ge(asprintf(&extra, ",\"pad\":\"%s\"", pad), 0);
		free(pad);
		free(last_ok);
		last_ok = tok;
		tok = hs256_for("alice", extra);
		free(extra);
		len = strlen(tok);
	}
	ck_assert_uint_gt(strlen(tok), TS_MAX_TOKEN_BYTES);
	ck_assert_uint_le(strlen(last_ok), TS_MAX_TOKEN_BYTES);
	ck_assert_int_eq(verify(&cfg, last_ok, &p), TS_AUTH_OK);
	ck_assert_int_eq(verify(&cfg, tok, &p), TS_AUTH_INVALID_TOKEN);
}
END_TEST

/* "Bearer <tok>", malloc'd. */
static char *
bearer(const char *tok)
{
	char *h = NULL;

	ck_assert_int_ge(asprintf(&h, "Bearer %s", tok), 0);
	return h;
}

START_TEST(cached_token_gives_the_same_principal)
{
	struct ts_config cfg = hs_config();
	struct ts_auth_cache *c = ts_auth_cache_new(&cfg);
	struct ts_principal p;
	char *tok = hs256_for("alice", ",\"role\":\"admin\""), *h = bearer(tok);

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(ts_auth_identify_cached(c, &cfg, h, NULL, NOW, &p), TS_AUTH_OK);
	memset(&p, 0x41, sizeof(p));
	ck_assert_int_eq(ts_auth_identify_cached(c, &cfg, h, NULL, NOW + 60, &p), TS_AUTH_OK);
	ck_assert_int_eq(p.authenticated, 1);
	ck_assert_int_eq(p.is_admin, 1);
	ck_assert_str_eq(p.sub, "alice");
	ts_auth_cache_free(c);
	free(h);
	free(tok);
}
END_TEST

START_TEST(cached_token_still_expires)
{
	struct ts_config cfg = hs_config();
	struct ts_auth_cache *c = ts_auth_cache_new(&cfg);
	struct ts_principal p;
	char *tok = hs256_for("alice", ""), *h = bearer(tok);

	ck_assert_int_eq(ts_auth_identify_cached(c, &cfg, h, NULL, NOW, &p), TS_AUTH_OK);
	memset(&p, 0x41, sizeof(p));
	ck_assert_int_eq(ts_auth_identify_cached(c, &cfg, h, NULL, NOW + 7200, &p), TS_AUTH_INVALID_TOKEN);
	ck_assert_int_eq(p.authenticated, 0);
	ck_assert_str_eq(p.sub, "");
	ts_auth_cache_free(c);
	free(h);
	free(tok);
}
END_TEST

START_TEST(cached_token_still_not_yet_valid_before_nbf)
{
	struct ts_config cfg = hs_config();
	struct ts_auth_cache *c = ts_auth_cache_new(&cfg);
	struct ts_principal p;
	char extra[64], *tok, *h;

	snprintf(extra, sizeof(extra), ",\"nbf\":%ld", (long)NOW + 600);
	tok = hs256_for("alice", extra);
	h = bearer(tok);
	ck_assert_int_eq(ts_auth_identify_cached(c, &cfg, h, NULL, NOW + 600, &p), TS_AUTH_OK);
	ck_assert_int_eq(ts_auth_identify_cached(c, &cfg, h, NULL, NOW, &p), TS_AUTH_INVALID_TOKEN);
	ts_auth_cache_free(c);
	free(h);
	free(tok);
}
END_TEST

START_TEST(cache_of_another_config_is_not_used)
{
	struct ts_config cfg = hs_config(), strict = hs_config();
	struct ts_auth_cache *c = ts_auth_cache_new(&cfg);
	struct ts_principal p;
	char aud[] = "threadstore", *tok = hs256_for("alice", ""), *h = bearer(tok);

	strict.audience = aud;
	ck_assert_int_eq(ts_auth_identify_cached(c, &cfg, h, NULL, NOW, &p), TS_AUTH_OK);
	/* No aud claim: the strict configuration refuses it, cache or not. */
	ck_assert_int_eq(ts_auth_identify_cached(c, &strict, h, NULL, NOW, &p), TS_AUTH_INVALID_TOKEN);
	ts_auth_cache_free(c);
	free(h);
	free(tok);
}
END_TEST

START_TEST(bad_token_is_refused_every_time_with_a_cache)
{
	struct ts_config cfg = hs_config();
	struct ts_auth_cache *c = ts_auth_cache_new(&cfg);
	struct ts_principal p;
	char *tok = hs256_for("alice", ""), *h;

	tok[strlen(tok) / 2 + 4] = tok[strlen(tok) / 2 + 4] == 'A' ? 'B' : 'A';
	h = bearer(tok);
	ck_assert_int_eq(ts_auth_identify_cached(c, &cfg, h, NULL, NOW, &p), TS_AUTH_INVALID_TOKEN);
	ck_assert_int_eq(ts_auth_identify_cached(c, &cfg, h, NULL, NOW, &p), TS_AUTH_INVALID_TOKEN);
	ts_auth_cache_free(c);
	free(h);
	free(tok);
}
END_TEST

START_TEST(cache_keeps_answering_past_its_size)
{
	struct ts_config cfg = hs_config();
	struct ts_auth_cache *c = ts_auth_cache_new(&cfg);
	struct ts_principal p;
	char sub[16], *tok, *h;
	int round, i;

	for (round = 0; round < 2; round++) {
		for (i = 0; i < TS_AUTH_CACHE_ENTRIES + 3; i++) {
			snprintf(sub, sizeof(sub), "user%d", i);
			tok = hs256_for(sub, "");
			h = bearer(tok);
			ck_assert_int_eq(ts_auth_identify_cached(c, &cfg, h, NULL, NOW, &p), TS_AUTH_OK);
			ck_assert_str_eq(p.sub, sub);
			free(h);
			free(tok);
		}
	}
	ts_auth_cache_free(c);
}
END_TEST

START_TEST(failure_leaves_principal_anonymous)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;
	char *tok = hs256_for("alice", ",\"role\":\"admin\"");

	memset(&p, 0x41, sizeof(p));
	/* A valid token checked at a time it has expired. */
	ck_assert_int_eq(ts_auth_verify_jwt(&cfg, tok, NOW + 7200, &p), TS_AUTH_INVALID_TOKEN);
	ck_assert_int_eq(p.authenticated, 0);
	ck_assert_int_eq(p.is_admin, 0);
	ck_assert_str_eq(p.sub, "");
	free(tok);
}
END_TEST

/* ---- iss, aud, admin ---- */

START_TEST(issuer_matching_is_accepted)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;

	cfg.issuer = issuer;
	ck_assert_int_eq(verify(&cfg, hs256_for("alice", ",\"iss\":\"https://idp.example\""), &p),
	    TS_AUTH_OK);
}
END_TEST

START_TEST(issuer_mismatched_or_missing_is_refused)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;

	cfg.issuer = issuer;
	ck_assert_int_eq(verify(&cfg, hs256_for("alice", ",\"iss\":\"https://evil.example\""),
	    &p), TS_AUTH_INVALID_TOKEN);
	ck_assert_int_eq(verify(&cfg, hs256_for("alice", ",\"iss\":\"https://idp.example/\""),
	    &p), TS_AUTH_INVALID_TOKEN);
	ck_assert_int_eq(verify(&cfg, hs256_for("alice", ""), &p), TS_AUTH_INVALID_TOKEN);
	ck_assert_int_eq(verify(&cfg, hs256_for("alice", ",\"iss\":[\"https://idp.example\"]"),
	    &p), TS_AUTH_INVALID_TOKEN);
	ck_assert_int_eq(verify(&cfg, hs256_for("alice",
	    ",\"iss\":\"https://idp.example\\u0000x\""), &p), TS_AUTH_INVALID_TOKEN);
}
END_TEST

START_TEST(issuer_not_configured_is_not_checked)
{
	assert_accepted(hs256_for("alice", ",\"iss\":\"anyone\""), "alice");
}
END_TEST

START_TEST(audience_matching_string_is_accepted)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;

	cfg.audience = audience;
	ck_assert_int_eq(verify(&cfg, hs256_for("alice", ",\"aud\":\"threadstore\""), &p),
	    TS_AUTH_OK);
}
END_TEST

START_TEST(audience_in_array_is_accepted)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;

	cfg.audience = audience;
	ck_assert_int_eq(verify(&cfg, hs256_for("alice", ",\"aud\":[\"other\",\"threadstore\"]"),
	    &p), TS_AUTH_OK);
}
END_TEST

START_TEST(audience_mismatched_or_missing_is_refused)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;

	cfg.audience = audience;
	ck_assert_int_eq(verify(&cfg, hs256_for("alice", ",\"aud\":\"other\""), &p),
	    TS_AUTH_INVALID_TOKEN);
	ck_assert_int_eq(verify(&cfg, hs256_for("alice", ",\"aud\":[\"other\",\"x\"]"), &p),
	    TS_AUTH_INVALID_TOKEN);
	ck_assert_int_eq(verify(&cfg, hs256_for("alice", ",\"aud\":[]"), &p),
	    TS_AUTH_INVALID_TOKEN);
	ck_assert_int_eq(verify(&cfg, hs256_for("alice", ",\"aud\":[\"threadstore\",7]"), &p),
	    TS_AUTH_INVALID_TOKEN);
	ck_assert_int_eq(verify(&cfg, hs256_for("alice", ",\"aud\":\"THREADSTORE\""), &p),
	    TS_AUTH_INVALID_TOKEN);
	ck_assert_int_eq(verify(&cfg, hs256_for("alice", ""), &p), TS_AUTH_INVALID_TOKEN);
}
END_TEST

START_TEST(admin_claim_marks_admin)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;

	ck_assert_int_eq(verify(&cfg, hs256_for("root", ",\"role\":\"admin\""), &p), TS_AUTH_OK);
	ck_assert_int_eq(p.is_admin, 1);
	ck_assert_int_eq(verify(&cfg, hs256_for("root", ",\"role\":[\"user\",\"admin\"]"), &p),
	    TS_AUTH_OK);
	ck_assert_int_eq(p.is_admin, 1);
}
END_TEST

START_TEST(other_admin_claim_values_are_not_admin)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;

	ck_assert_int_eq(verify(&cfg, hs256_for("bob", ",\"role\":\"user\""), &p), TS_AUTH_OK);
	ck_assert_int_eq(p.is_admin, 0);
	ck_assert_int_eq(verify(&cfg, hs256_for("bob", ",\"role\":\"Admin\""), &p), TS_AUTH_OK);
	ck_assert_int_eq(p.is_admin, 0);
	ck_assert_int_eq(verify(&cfg, hs256_for("bob", ",\"role\":true"), &p), TS_AUTH_OK);
	ck_assert_int_eq(p.is_admin, 0);
	ck_assert_int_eq(verify(&cfg, hs256_for("bob", ",\"roles\":\"admin\""), &p), TS_AUTH_OK);
	ck_assert_int_eq(p.is_admin, 0);
	/* libjwt's parser (jansson) refuses \u0000 anywhere: no token at all. */
	ck_assert_int_eq(verify(&cfg, hs256_for("bob", ",\"role\":\"admin\\u0000\""), &p),
	    TS_AUTH_INVALID_TOKEN);
	ck_assert_int_eq(verify(&cfg, hs256_for("bob", ""), &p), TS_AUTH_OK);
	ck_assert_int_eq(p.is_admin, 0);
}
END_TEST

START_TEST(configured_admin_claim_and_value_are_used)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;

	cfg.admin_claim = claim_groups;
	cfg.admin_value = value_ts_admins;
	ck_assert_int_eq(verify(&cfg, hs256_for("root", ",\"groups\":[\"staff\",\"ts-admins\"]"),
	    &p), TS_AUTH_OK);
	ck_assert_int_eq(p.is_admin, 1);
	ck_assert_int_eq(verify(&cfg, hs256_for("root", ",\"role\":\"admin\""), &p), TS_AUTH_OK);
	ck_assert_int_eq(p.is_admin, 0);
}
END_TEST

/* ---- Authorization header and modes ---- */

static enum ts_auth_status
identify(const struct ts_config *cfg, const char *scheme, const char *token,
    const char *remote_user, struct ts_principal *p)
{
	char *header = NULL;
	enum ts_auth_status st;

	/* The header is scheme immediately followed by the token. */
	if (scheme == NULL)
		return ts_auth_identify(cfg, NULL, remote_user, NOW, p);
	ck_assert_int_ge(asprintf(&header, "%s%s", scheme, token), 0);
	st = ts_auth_identify(cfg, header, remote_user, NOW, p);
	free(header);
	return st;
}

START_TEST(no_authorization_header_is_anonymous)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;

	ck_assert_int_eq(identify(&cfg, NULL, NULL, NULL, &p), TS_AUTH_OK);
	ck_assert_int_eq(p.authenticated, 0);
	ck_assert_int_eq(p.is_admin, 0);
	ck_assert_str_eq(p.sub, "");
}
END_TEST

START_TEST(empty_authorization_header_is_anonymous)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;

	/* Apache setups that copy the header pass "" when there is none. */
	ck_assert_int_eq(ts_auth_identify(&cfg, "", NULL, NOW, &p), TS_AUTH_OK);
	ck_assert_int_eq(p.authenticated, 0);
	ck_assert_int_eq(ts_auth_identify(&cfg, "  ", NULL, NOW, &p), TS_AUTH_OK);
	ck_assert_int_eq(p.authenticated, 0);
}
END_TEST

START_TEST(bearer_scheme_is_case_insensitive)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;
	char *tok = hs256_for("alice", "");

	ck_assert_int_eq(identify(&cfg, "Bearer ", tok, NULL, &p), TS_AUTH_OK);
	ck_assert_str_eq(p.sub, "alice");
	ck_assert_int_eq(identify(&cfg, "bearer ", tok, NULL, &p), TS_AUTH_OK);
	ck_assert_int_eq(p.authenticated, 1);
	ck_assert_int_eq(identify(&cfg, "BEARER ", tok, NULL, &p), TS_AUTH_OK);
	ck_assert_int_eq(identify(&cfg, "bEaReR ", tok, NULL, &p), TS_AUTH_OK);
	free(tok);
}
END_TEST

START_TEST(bearer_with_several_spaces_is_accepted)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;
	char *tok = hs256_for("alice", "");

	ck_assert_int_eq(identify(&cfg, "Bearer   ", tok, NULL, &p), TS_AUTH_OK);
	{
		/* trailing spaces after the token are ignored too */
		char *header = NULL;
		ck_assert_int_ge(asprintf(&header, "Bearer %s  ", tok), 0);
		ck_assert_int_eq(ts_auth_identify(&cfg, header, NULL, NOW, &p), TS_AUTH_OK);
		free(header);
	}
	ck_assert_str_eq(p.sub, "alice");
	free(tok);
}
END_TEST

START_TEST(other_scheme_is_invalid)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;
	char *tok = hs256_for("alice", "");

	ck_assert_int_eq(ts_auth_identify(&cfg, "Basic x", NULL, NOW, &p), TS_AUTH_INVALID_TOKEN);
	ck_assert_int_eq(ts_auth_identify(&cfg, "Basic YWxpY2U6cHc=", NULL, NOW, &p),
	    TS_AUTH_INVALID_TOKEN);
	ck_assert_int_eq(identify(&cfg, "Token ", tok, NULL, &p), TS_AUTH_INVALID_TOKEN);
	ck_assert_int_eq(identify(&cfg, "Bearerx ", tok, NULL, &p), TS_AUTH_INVALID_TOKEN);
	ck_assert_int_eq(identify(&cfg, "Bearer\t", tok, NULL, &p), TS_AUTH_INVALID_TOKEN);
	ck_assert_int_eq(identify(&cfg, "", tok, NULL, &p), TS_AUTH_INVALID_TOKEN);
	ck_assert_int_eq(p.authenticated, 0);
	free(tok);
}
END_TEST

START_TEST(bearer_without_token_is_invalid)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;

	ck_assert_int_eq(ts_auth_identify(&cfg, "Bearer ", NULL, NOW, &p), TS_AUTH_INVALID_TOKEN);
	ck_assert_int_eq(ts_auth_identify(&cfg, "Bearer", NULL, NOW, &p), TS_AUTH_INVALID_TOKEN);
	ck_assert_int_eq(ts_auth_identify(&cfg, "Bearer    ", NULL, NOW, &p),
	    TS_AUTH_INVALID_TOKEN);
	ck_assert_int_eq(p.authenticated, 0);
}
END_TEST

START_TEST(bearer_with_two_tokens_is_invalid)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;
	char *tok = hs256_for("alice", ""), *two = NULL;

	ck_assert_int_ge(asprintf(&two, "%s %s", tok, tok), 0);
	ck_assert_int_eq(identify(&cfg, "Bearer ", two, NULL, &p), TS_AUTH_INVALID_TOKEN);
	free(two);
	free(tok);
}
END_TEST

START_TEST(bad_bearer_token_is_invalid_not_anonymous)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;

	ck_assert_int_eq(ts_auth_identify(&cfg, "Bearer abc.def.ghi", NULL, NOW, &p),
	    TS_AUTH_INVALID_TOKEN);
	ck_assert_int_eq(ts_auth_identify(&cfg, "Bearer x", NULL, NOW, &p), TS_AUTH_INVALID_TOKEN);
}
END_TEST

START_TEST(over_long_bearer_token_is_invalid)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;
	char *header = malloc(TS_MAX_TOKEN_BYTES + 16);

	ck_assert_ptr_nonnull(header);
	memcpy(header, "Bearer ", 7);
	memset(header + 7, 'A', TS_MAX_TOKEN_BYTES + 1);
	header[7 + TS_MAX_TOKEN_BYTES + 1] = '\0';
	ck_assert_int_eq(ts_auth_identify(&cfg, header, NULL, NOW, &p), TS_AUTH_INVALID_TOKEN);
	free(header);
}
END_TEST

START_TEST(jwt_mode_ignores_remote_user)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;

	ck_assert_int_eq(ts_auth_identify(&cfg, NULL, "mallory", NOW, &p), TS_AUTH_OK);
	ck_assert_int_eq(p.authenticated, 0);
	ck_assert_str_eq(p.sub, "");
}
END_TEST

START_TEST(remote_user_mode_trusts_remote_user)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;

	cfg.auth_mode = TS_AUTH_REMOTE_USER;
	ck_assert_int_eq(ts_auth_identify(&cfg, NULL, "erin", NOW, &p), TS_AUTH_OK);
	ck_assert_int_eq(p.authenticated, 1);
	ck_assert_int_eq(p.is_admin, 0);
	ck_assert_str_eq(p.sub, "erin");
}
END_TEST

START_TEST(remote_user_mode_ignores_authorization)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;
	char *tok = hs256_for("alice", "");

	cfg.auth_mode = TS_AUTH_REMOTE_USER;
	ck_assert_int_eq(ts_auth_identify(&cfg, "Bearer garbage", "erin", NOW, &p), TS_AUTH_OK);
	ck_assert_str_eq(p.sub, "erin");
	ck_assert_int_eq(ts_auth_identify(&cfg, "Basic x", NULL, NOW, &p), TS_AUTH_OK);
	ck_assert_int_eq(p.authenticated, 0);
	/* Not even a valid token authenticates in this mode. */
	ck_assert_int_eq(identify(&cfg, "Bearer ", tok, NULL, &p), TS_AUTH_OK);
	ck_assert_int_eq(p.authenticated, 0);
	free(tok);
}
END_TEST

START_TEST(remote_user_mode_without_user_is_anonymous)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;

	cfg.auth_mode = TS_AUTH_REMOTE_USER;
	ck_assert_int_eq(ts_auth_identify(&cfg, NULL, NULL, NOW, &p), TS_AUTH_OK);
	ck_assert_int_eq(p.authenticated, 0);
	ck_assert_int_eq(ts_auth_identify(&cfg, NULL, "", NOW, &p), TS_AUTH_OK);
	ck_assert_int_eq(p.authenticated, 0);
}
END_TEST

START_TEST(remote_user_of_256_bytes_is_invalid)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;
	char user[TS_MAX_SUB_BYTES + 2];

	cfg.auth_mode = TS_AUTH_REMOTE_USER;
	memset(user, 'u', TS_MAX_SUB_BYTES);
	user[TS_MAX_SUB_BYTES] = '\0';
	ck_assert_int_eq(ts_auth_identify(&cfg, NULL, user, NOW, &p), TS_AUTH_OK);
	ck_assert_str_eq(p.sub, user);
	user[TS_MAX_SUB_BYTES] = 'u';
	user[TS_MAX_SUB_BYTES + 1] = '\0';
	ck_assert_int_eq(ts_auth_identify(&cfg, NULL, user, NOW, &p), TS_AUTH_INVALID_TOKEN);
	ck_assert_int_eq(p.authenticated, 0);
}
END_TEST

/*
 * The forgery of the issue: nginx's fastcgi_params fill REMOTE_USER from any
 * "Authorization: Basic" header; without AUTH_TYPE nothing vouches for it.
 */
START_TEST(remote_user_without_auth_type_is_not_vouched_for)
{
	ck_assert_ptr_null(ts_auth_server_user("victim", NULL));
	ck_assert_ptr_null(ts_auth_server_user("victim", ""));
	ck_assert_ptr_null(ts_auth_server_user("victim", " \t "));
}
END_TEST

START_TEST(remote_user_with_auth_type_is_vouched_for)
{
	const char *u = "erin";

	ck_assert_ptr_eq(ts_auth_server_user(u, "Basic"), u);
	ck_assert_ptr_eq(ts_auth_server_user(u, "Digest"), u);
	ck_assert_ptr_eq(ts_auth_server_user(u, "sso"), u);
}
END_TEST

START_TEST(auth_type_without_remote_user_is_anonymous)
{
	ck_assert_ptr_null(ts_auth_server_user(NULL, "Basic"));
	ck_assert_ptr_null(ts_auth_server_user("", "Basic"));
	ck_assert_ptr_null(ts_auth_server_user(NULL, NULL));
}
END_TEST

/* The whole path in remote_user mode: the parameters, then identify. */
static enum ts_auth_status
identify_params(const struct ts_config *cfg, const char *authorization,
    const char *remote_user, const char *auth_type, struct ts_principal *p)
{
	return ts_auth_identify(cfg, authorization, ts_auth_server_user(remote_user, auth_type),
	    NOW, p);
}

START_TEST(forged_basic_header_is_anonymous_in_remote_user_mode)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;

	cfg.auth_mode = TS_AUTH_REMOTE_USER;
	/* "curl -u victim:wrong" through nginx's stock parameters. */
	ck_assert_int_eq(identify_params(&cfg, "Basic dmljdGltOndyb25n", "victim", NULL, &p),
	    TS_AUTH_OK);
	ck_assert_int_eq(p.authenticated, 0);
	ck_assert_str_eq(p.sub, "");
	ck_assert_int_eq(identify_params(&cfg, "Basic dmljdGltOndyb25n", "victim", "", &p),
	    TS_AUTH_OK);
	ck_assert_int_eq(p.authenticated, 0);
}
END_TEST

START_TEST(authenticated_remote_user_is_the_caller_in_remote_user_mode)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;

	cfg.auth_mode = TS_AUTH_REMOTE_USER;
	ck_assert_int_eq(identify_params(&cfg, "Basic ZXJpbjpyaWdodA==", "erin", "Basic", &p),
	    TS_AUTH_OK);
	ck_assert_int_eq(p.authenticated, 1);
	ck_assert_int_eq(p.is_admin, 0);
	ck_assert_str_eq(p.sub, "erin");
}
END_TEST

/* ---- minting ---- */

START_TEST(minted_token_verifies)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;
	char *tok = ts_auth_mint(&cfg, "alice", 0, 3600, NOW);

	ck_assert_ptr_nonnull(tok);
	ck_assert_int_eq(ts_auth_verify_jwt(&cfg, tok, NOW, &p), TS_AUTH_OK);
	ck_assert_str_eq(p.sub, "alice");
	ck_assert_int_eq(p.is_admin, 0);
	free(tok);
}
END_TEST

START_TEST(minted_admin_token_is_admin)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;
	char *tok = ts_auth_mint(&cfg, "root", 1, 60, NOW);

	ck_assert_ptr_nonnull(tok);
	ck_assert_int_eq(ts_auth_verify_jwt(&cfg, tok, NOW, &p), TS_AUTH_OK);
	ck_assert_int_eq(p.is_admin, 1);
	free(tok);
}
END_TEST

START_TEST(minted_token_expires_after_ttl)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;
	char *tok = ts_auth_mint(&cfg, "alice", 0, 600, NOW);

	ck_assert_ptr_nonnull(tok);
	ck_assert_int_eq(ts_auth_verify_jwt(&cfg, tok, NOW + 600 + TS_DEFAULT_LEEWAY_SECONDS, &p),
	    TS_AUTH_OK);
	ck_assert_int_eq(ts_auth_verify_jwt(&cfg, tok, NOW + 601 + TS_DEFAULT_LEEWAY_SECONDS, &p),
	    TS_AUTH_INVALID_TOKEN);
	free(tok);
}
END_TEST

START_TEST(minted_token_carries_issuer_and_audience)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;
	char *tok;

	cfg.issuer = issuer;
	cfg.audience = audience;
	tok = ts_auth_mint(&cfg, "alice", 0, 60, NOW);
	ck_assert_ptr_nonnull(tok);
	ck_assert_int_eq(ts_auth_verify_jwt(&cfg, tok, NOW, &p), TS_AUTH_OK);
	free(tok);
}
END_TEST

START_TEST(minted_hs512_token_verifies)
{
	struct ts_config cfg = hs_config();
	struct ts_principal p;
	char *tok;

	cfg.jwt_alg = JWT_ALG_HS512;
	tok = ts_auth_mint(&cfg, "alice", 0, 60, NOW);
	ck_assert_ptr_nonnull(tok);
	ck_assert_int_eq(ts_auth_verify_jwt(&cfg, tok, NOW, &p), TS_AUTH_OK);
	cfg.jwt_alg = JWT_ALG_HS256;
	ck_assert_int_eq(ts_auth_verify_jwt(&cfg, tok, NOW, &p), TS_AUTH_INVALID_TOKEN);
	free(tok);
}
END_TEST

START_TEST(mint_refuses_bad_requests)
{
	struct ts_config cfg = hs_config();
	char sub[TS_MAX_SUB_BYTES + 2];

	memset(sub, 's', sizeof(sub) - 1);
	sub[sizeof(sub) - 1] = '\0';
	ck_assert_ptr_null(ts_auth_mint(&cfg, "", 0, 60, NOW));
	ck_assert_ptr_null(ts_auth_mint(&cfg, NULL, 0, 60, NOW));
	ck_assert_ptr_null(ts_auth_mint(&cfg, sub, 0, 60, NOW));
	ck_assert_ptr_null(ts_auth_mint(&cfg, "alice", 0, 0, NOW));
	ck_assert_ptr_null(ts_auth_mint(&cfg, "alice", 0, -5, NOW));
	cfg.admin_claim = (char *)(uintptr_t)"sub";
	ck_assert_ptr_null(ts_auth_mint(&cfg, "alice", 1, 60, NOW));   /* claim clash */
	cfg = hs_config();
	cfg.jwt_key = NULL;
	cfg.jwt_key_len = 0;
	ck_assert_ptr_null(ts_auth_mint(&cfg, "alice", 0, 60, NOW));
}
END_TEST

START_TEST(mint_refuses_public_key_algorithms)
{
	struct ts_config cfg = pem_config(JWT_ALG_RS256, rsa_pem);

	ck_assert_ptr_null(ts_auth_mint(&cfg, "alice", 0, 60, NOW));
	cfg = pem_config(JWT_ALG_ES256, ec_pem);
	ck_assert_ptr_null(ts_auth_mint(&cfg, "alice", 0, 60, NOW));
}
END_TEST

static Suite *
make_suite(void)
{
	Suite *s = suite_create("auth");
	TCase *hs = tcase_create("hs");
	TCase *pk = tcase_create("public_key");
	TCase *tm = tcase_create("time");
	TCase *cl = tcase_create("claims");
	TCase *bad = tcase_create("malformed");
	TCase *hdr = tcase_create("identify");
	TCase *mint = tcase_create("mint");

	tcase_add_test(hs, valid_hs256_token_is_accepted);
	tcase_add_test(hs, valid_hs384_and_hs512_tokens_are_accepted_when_configured);
	tcase_add_test(hs, signature_changed_in_the_middle_is_refused);
	tcase_add_test(hs, signature_changed_anywhere_is_refused);
	tcase_add_test(hs, non_canonical_last_signature_character_is_refused);
	tcase_add_test(hs, claims_changed_after_signing_are_refused);
	tcase_add_test(hs, wrong_secret_is_refused);
	tcase_add_test(hs, alg_none_unsigned_token_is_refused);
	tcase_add_test(hs, alg_none_with_a_signature_is_refused);
	tcase_add_test(hs, hs384_token_is_refused_when_hs256_configured);
	tcase_add_test(hs, header_alg_lying_about_signature_is_refused);
	tcase_add_test(hs, alg_in_wrong_case_or_type_is_refused);
	tcase_add_test(hs, crit_header_is_refused);
	tcase_add_test(hs, missing_key_in_configuration_refuses_every_token);
	suite_add_tcase(s, hs);

	/* RSA key generation is slow under valgrind. */
	tcase_set_timeout(pk, 120);
	tcase_add_unchecked_fixture(pk, keys_setup, keys_teardown);
	tcase_add_test(pk, valid_rs256_token_is_accepted);
	tcase_add_test(pk, rs256_token_signed_by_another_key_is_refused);
	tcase_add_test(pk, rs256_signature_changed_in_the_middle_is_refused);
	tcase_add_test(pk, rs256_non_canonical_last_signature_character_is_refused);
	tcase_add_test(pk, es256_non_canonical_last_signature_character_is_refused);
	tcase_add_test(pk, hs256_token_keyed_with_rsa_public_pem_is_refused);
	tcase_add_test(pk, libjwt_alone_accepts_alg_confusion);
	tcase_add_test(pk, libjwt_alone_accepts_alg_none_without_key);
	tcase_add_test(pk, valid_es256_token_is_accepted);
	tcase_add_test(pk, es256_signature_changed_in_the_middle_is_refused);
	tcase_add_test(pk, es256_token_with_der_signature_is_refused);
	tcase_add_test(pk, rs256_token_is_refused_when_es256_configured);
	tcase_add_test(pk, mint_refuses_public_key_algorithms);
	suite_add_tcase(s, pk);

	tcase_add_test(tm, expired_token_is_refused);
	tcase_add_test(tm, expired_token_within_leeway_is_accepted);
	tcase_add_test(tm, expired_token_is_refused_without_leeway);
	tcase_add_test(tm, nbf_in_the_future_is_refused);
	tcase_add_test(tm, nbf_within_leeway_is_accepted);
	tcase_add_test(tm, missing_exp_is_refused);
	tcase_add_test(tm, exp_as_string_is_refused);
	tcase_add_test(tm, exp_of_other_types_is_refused);
	tcase_add_test(tm, exp_as_fraction_is_accepted);
	tcase_add_test(tm, huge_exp_does_not_overflow);
	tcase_add_test(tm, integer_beyond_int64_in_claims_is_refused);
	tcase_add_test(tm, nbf_and_iat_of_wrong_type_are_refused);
	suite_add_tcase(s, tm);

	tcase_add_test(cl, missing_sub_is_refused);
	tcase_add_test(cl, empty_sub_is_refused);
	tcase_add_test(cl, sub_of_256_bytes_is_refused);
	tcase_add_test(cl, sub_of_255_bytes_is_accepted);
	tcase_add_test(cl, sub_as_number_is_refused);
	tcase_add_test(cl, sub_with_nul_is_refused);
	tcase_add_test(cl, sub_with_escapes_and_unicode_is_accepted);
	tcase_add_test(cl, duplicate_key_in_header_is_refused);
	tcase_add_test(cl, duplicate_key_in_claims_is_refused);
	tcase_add_test(cl, issuer_matching_is_accepted);
	tcase_add_test(cl, issuer_mismatched_or_missing_is_refused);
	tcase_add_test(cl, issuer_not_configured_is_not_checked);
	tcase_add_test(cl, audience_matching_string_is_accepted);
	tcase_add_test(cl, audience_in_array_is_accepted);
	tcase_add_test(cl, audience_mismatched_or_missing_is_refused);
	tcase_add_test(cl, admin_claim_marks_admin);
	tcase_add_test(cl, other_admin_claim_values_are_not_admin);
	tcase_add_test(cl, configured_admin_claim_and_value_are_used);
	suite_add_tcase(s, cl);

	tcase_add_test(bad, token_with_two_segments_is_refused);
	tcase_add_test(bad, token_with_four_segments_is_refused);
	tcase_add_test(bad, token_with_empty_segments_is_refused);
	tcase_add_test(bad, token_with_bad_base64_is_refused);
	tcase_add_test(bad, token_with_padding_is_refused);
	tcase_add_test(bad, segment_of_impossible_length_is_refused);
	tcase_add_test(bad, non_json_header_is_refused);
	tcase_add_test(bad, header_that_is_not_an_object_is_refused);
	tcase_add_test(bad, claims_that_are_not_an_object_are_refused);
	tcase_add_test(bad, token_longer_than_limit_is_refused);
	tcase_add_test(bad, failure_leaves_principal_anonymous);
	suite_add_tcase(s, bad);

	tcase_add_test(hdr, no_authorization_header_is_anonymous);
	tcase_add_test(hdr, empty_authorization_header_is_anonymous);
	tcase_add_test(hdr, bearer_scheme_is_case_insensitive);
	tcase_add_test(hdr, bearer_with_several_spaces_is_accepted);
	tcase_add_test(hdr, other_scheme_is_invalid);
	tcase_add_test(hdr, bearer_without_token_is_invalid);
	tcase_add_test(hdr, bearer_with_two_tokens_is_invalid);
	tcase_add_test(hdr, bad_bearer_token_is_invalid_not_anonymous);
	tcase_add_test(hdr, over_long_bearer_token_is_invalid);
	tcase_add_test(hdr, jwt_mode_ignores_remote_user);
	tcase_add_test(hdr, remote_user_mode_trusts_remote_user);
	tcase_add_test(hdr, remote_user_mode_ignores_authorization);
	tcase_add_test(hdr, remote_user_mode_without_user_is_anonymous);
	tcase_add_test(hdr, remote_user_of_256_bytes_is_invalid);
	tcase_add_test(hdr, remote_user_without_auth_type_is_not_vouched_for);
	tcase_add_test(hdr, remote_user_with_auth_type_is_vouched_for);
	tcase_add_test(hdr, auth_type_without_remote_user_is_anonymous);
	tcase_add_test(hdr, forged_basic_header_is_anonymous_in_remote_user_mode);
	tcase_add_test(hdr, authenticated_remote_user_is_the_caller_in_remote_user_mode);
	suite_add_tcase(s, hdr);

	tcase_add_test(mint, minted_token_verifies);
	tcase_add_test(mint, minted_admin_token_is_admin);
	tcase_add_test(mint, minted_token_expires_after_ttl);
	tcase_add_test(mint, minted_token_carries_issuer_and_audience);
	tcase_add_test(mint, minted_hs512_token_verifies);
	tcase_add_test(mint, mint_refuses_bad_requests);
	tcase_add_test(hdr, cached_token_gives_the_same_principal);
	tcase_add_test(hdr, cached_token_still_expires);
	tcase_add_test(hdr, cached_token_still_not_yet_valid_before_nbf);
	tcase_add_test(hdr, cache_of_another_config_is_not_used);
	tcase_add_test(hdr, bad_token_is_refused_every_time_with_a_cache);
	tcase_add_test(hdr, cache_keeps_answering_past_its_size);
	suite_add_tcase(s, mint);
	return s;
}

#include "check_main.h"
