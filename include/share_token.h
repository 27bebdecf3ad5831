/*
 * Share link tokens (API reference: tag shares): TS_SHARE_TOKEN_BYTES from
 * OpenSSL's RAND_bytes, written as TS_SHARE_TOKEN_LEN base64url characters
 * without padding. The database keeps only the SHA-256 of the token's text,
 * and finds a link by it through a unique index; nothing else about a token
 * is ever stored or logged.
 */
#ifndef TS_SHARE_TOKEN_H
#define TS_SHARE_TOKEN_H

#include <stddef.h>

#include "ts_limits.h"

#define TS_SHARE_HASH_BYTES 32

/* A new token and its hash. 0, or -1 when no randomness could be had. */
int ts_share_token_new(char token[TS_SHARE_TOKEN_LEN + 1], unsigned char hash[TS_SHARE_HASH_BYTES]);

/*
 * Whether s (len bytes) is a token as ts_share_token_new writes them:
 * exactly TS_SHARE_TOKEN_LEN base64url characters, the last one's two
 * unused bits zero (so that one token has one spelling). 0 with its hash,
 * or -1 (which a caller answers as a link that does not exist).
 */
int ts_share_token_hash(const char *s, size_t len, unsigned char hash[TS_SHARE_HASH_BYTES]);

/* Two hashes compared in constant time: 1 when equal. */
int ts_share_hash_equal(const unsigned char *a, const unsigned char *b);

#endif
