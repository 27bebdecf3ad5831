/* Share link tokens (share_token.h). */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "share_token.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* The token's bytes as base64url without padding: 32 bytes, 43 characters. */
static void
encode(const unsigned char *in, size_t n, char *out)
{
	size_t i, o = 0;
	unsigned int v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned int)in[i] << 16 | (unsigned int)in[i + 1] << 8 | in[i + 2];
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = alphabet[v >> 6 & 63];
		out[o++] = alphabet[v & 63];
	}
	if (n - i == 2) {
		v = (unsigned int)in[i] << 16 | (unsigned int)in[i + 1] << 8;
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = alphabet[v >> 6 & 63];
	} else if (n - i == 1) {
		v = (unsigned int)in[i] << 16;
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
	}
	out[o] = '\0';
}

static int
digest(const char *s, size_t len, unsigned char hash[TS_SHARE_HASH_BYTES])
{
	unsigned int n = 0;

	return EVP_Digest(s, len, hash, &n, EVP_sha256(), NULL) == 1 && n == TS_SHARE_HASH_BYTES ? 0 : -1;
}

int
ts_share_token_new(char token[TS_SHARE_TOKEN_LEN + 1], unsigned char hash[TS_SHARE_HASH_BYTES])
{
	unsigned char raw[TS_SHARE_TOKEN_BYTES];
	int rc;

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return -1;
	encode(raw, sizeof(raw), token);
	OPENSSL_cleanse(raw, sizeof(raw));
	rc = digest(token, TS_SHARE_TOKEN_LEN, hash);
	return rc;
}

int
ts_share_token_hash(const char *s, size_t len, unsigned char hash[TS_SHARE_HASH_BYTES])
{
	const char *last;

	if (s == NULL || len != TS_SHARE_TOKEN_LEN || strspn(s, alphabet) < len)
		return -1;
	/* 32 bytes fill 42 characters and 4 bits of the 43rd: its low two of
	 * six bits are always zero as written. */
	last = strchr(alphabet, s[len - 1]);
	if (last == NULL || (last - alphabet) % 4 != 0)
		return -1;
	return digest(s, len, hash);
}

int
ts_share_hash_equal(const unsigned char *a, const unsigned char *b)
{
	return CRYPTO_memcmp(a, b, TS_SHARE_HASH_BYTES) == 0;
}
