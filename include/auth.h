/*
 * Authentication: a bearer JWT verified with libjwt against the one
 * configured algorithm and key, or REMOTE_USER when configured so
 * (API reference: Authentication).
 */
#ifndef TS_AUTH_H
#define TS_AUTH_H

#include <time.h>

#include "config.h"
#include "ts_limits.h"

struct ts_principal {
	int authenticated;              /* 0: anonymous */
	int is_admin;
	char sub[TS_MAX_SUB_BYTES + 1];
};

enum ts_auth_status {
	TS_AUTH_OK = 0,         /* *p filled (possibly anonymous) */
	TS_AUTH_INVALID_TOKEN   /* a credential was given and is bad: 401 INVALID_TOKEN */
};

/*
 * Decides who the caller is. authorization is the raw Authorization header
 * (NULL when absent; an empty or all-blank header counts as absent, since
 * some Apache setups pass an empty one on every request), remote_user the
 * user the web server authenticated, as ts_auth_server_user gives it (NULL
 * when none; used only in remote_user mode, where one longer than 255 bytes
 * is TS_AUTH_INVALID_TOKEN). now is the current time (a parameter so tests
 * can move the clock).
 */
enum ts_auth_status ts_auth_identify(const struct ts_config *cfg, const char *authorization,
    const char *remote_user, time_t now, struct ts_principal *p);

/*
 * The user a web server vouches for, from the REMOTE_USER and AUTH_TYPE
 * parameters (either may be NULL): remote_user when it is non-empty and
 * AUTH_TYPE holds something besides blanks, else NULL (anonymous). A web
 * server that authenticated the request sets AUTH_TYPE (Apache always;
 * nginx only where the site says so with fastcgi_param); nginx's stock
 * REMOTE_USER alone is whatever a client's Basic header claims. Returns
 * remote_user itself, not a copy.
 */
const char *ts_auth_server_user(const char *remote_user, const char *auth_type);

/*
 * A worker's cache of verified tokens, so a client sending the same token
 * on every request pays for its signature and JSON once. Keyed by the exact
 * token bytes; only tokens that verified are kept, with the principal they
 * gave and their exp and nbf, which are checked against now (with leeway)
 * on every use, as a full verification would. At most TS_AUTH_CACHE_ENTRIES
 * tokens (replaced in turn). It belongs to one configuration (the cfg given
 * to ts_auth_cache_new; with any other cfg it is not used), and the
 * configuration must not change while it lives (a worker's never does).
 */
#define TS_AUTH_CACHE_ENTRIES 16

struct ts_auth_cache;

/* NULL out of memory; ts_auth_cache_free frees (NULL is fine). */
struct ts_auth_cache *ts_auth_cache_new(const struct ts_config *cfg);
void ts_auth_cache_free(struct ts_auth_cache *c);

/* ts_auth_identify through cache (NULL: no cache). */
enum ts_auth_status ts_auth_identify_cached(struct ts_auth_cache *cache,
    const struct ts_config *cfg, const char *authorization, const char *remote_user,
    time_t now, struct ts_principal *p);

/*
 * Verifies one compact JWT (no "Bearer "). Rejects: over-long tokens, a header
 * alg other than the configured one (none included), a bad signature, repeated
 * keys in header or claims, missing/non-numeric exp, expired or not-yet-valid
 * tokens (with leeway), iss/aud mismatch when configured, a bad sub.
 */
enum ts_auth_status ts_auth_verify_jwt(const struct ts_config *cfg, const char *token,
    time_t now, struct ts_principal *p);

/*
 * Mints an HS* token with the configured secret (the `token` subcommand).
 * Returns a malloc'd token the caller frees, or NULL when the configuration
 * is not HS* or memory ran out.
 */
char *ts_auth_mint(const struct ts_config *cfg, const char *sub, int admin, long ttl_seconds,
    time_t now);

#endif
