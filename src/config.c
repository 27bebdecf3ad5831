/*
 * Configuration from an INI file (libinih). Every key is checked as it is
 * read; the first bad one stops loading with a message naming it.
 */
#include <errno.h>
#include <ini.h>
#include <jwt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifdef HAVE_CONFIG_H
#include "ac_config.h"
#endif
#include "config.h"
#include "db_hosts.h"
#include "mounts.h"
#include "ts_limits.h"

/* configure's, in ac_config.h; a build without configure (tests/fuzz) says it. */
#ifndef TS_DEFAULT_CONFIG
#error "TS_DEFAULT_CONFIG is not defined: run ./configure, or define it"
#endif

struct loader {
	struct ts_config *cfg;
	char *err;
	size_t errlen;
	int failed;
	char *secret_file;      /* read after parsing, so env can override */
	char *password_file;
	char *public_key_file;
	char *secret;
	char *hosts;            /* [database] hosts, parsed once every key is read */
	int sync_wait;          /* -1: not set (on with hosts, else off) */
};

const char *
ts_config_resolve_path(const char *explicit_path)
{
	const char *env;

	if (explicit_path != NULL)
		return explicit_path;
	env = getenv("THREADSTORE_CONFIG");
	if (env != NULL && *env != '\0')
		return env;
	return TS_DEFAULT_CONFIG;
}

static int
fail(struct loader *ld, const char *section, const char *key, const char *why)
{
	if (!ld->failed)
		snprintf(ld->err, ld->errlen, "[%s] %s: %s", section, key, why);
	ld->failed = 1;
	return -1;
}

/* Parses a decimal in [min, max]; 0 on success. */
static int
parse_number(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	if (*s == '\0')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
set_string(char **dst, const char *value)
{
	char *v = strdup(value);

	if (v == NULL)
		return -1;
	free(*dst);
	*dst = v;
	return 0;
}

static int
database_key(struct loader *ld, const char *name, const char *value)
{
	struct ts_config *c = ld->cfg;
	long long n;

	if (strcmp(name, "host") == 0)
		return set_string(&c->db_host, value);
	if (strcmp(name, "socket") == 0)
		return set_string(&c->db_socket, value);
	if (strcmp(name, "user") == 0)
		return set_string(&c->db_user, value);
	if (strcmp(name, "password") == 0)
		return set_string(&c->db_password, value);
	if (strcmp(name, "password_file") == 0)
		return set_string(&ld->password_file, value);
	if (strcmp(name, "name") == 0)
		return set_string(&c->db_name, value);
	if (strcmp(name, "port") == 0) {
		if (parse_number(value, 1, 65535, &n) != 0)
			return fail(ld, "database", name, "must be a port number (1-65535)");
		c->db_port = (unsigned int)n;
		return 0;
	}
	if (strcmp(name, "hosts") == 0)
		return set_string(&ld->hosts, value);
	if (strcmp(name, "sync_wait") == 0) {
		if (strcmp(value, "on") == 0 || strcmp(value, "off") == 0) {
			ld->sync_wait = value[1] == 'n';
			return 0;
		}
		return fail(ld, "database", name, "must be on or off");
	}
	return fail(ld, "database", name, "unknown key");
}

static const char *const algorithms[] = { "HS256", "HS384", "HS512", "RS256", "ES256" };

static int
auth_key(struct loader *ld, const char *name, const char *value)
{
	struct ts_config *c = ld->cfg;
	long long n;
	size_t i;

	if (strcmp(name, "mode") == 0) {
		if (strcmp(value, "jwt") == 0)
			c->auth_mode = TS_AUTH_JWT;
		else if (strcmp(value, "remote_user") == 0)
			c->auth_mode = TS_AUTH_REMOTE_USER;
		else
			return fail(ld, "auth", name, "must be jwt or remote_user");
		return 0;
	}
	if (strcmp(name, "algorithm") == 0) {
		for (i = 0; i < sizeof(algorithms) / sizeof(algorithms[0]); i++)
			if (strcmp(value, algorithms[i]) == 0)
				break;
		if (i == sizeof(algorithms) / sizeof(algorithms[0]))
			return fail(ld, "auth", name, "must be HS256, HS384, HS512, RS256 or ES256");
		c->jwt_alg = (int)jwt_str_alg(value);
		return 0;
	}
	if (strcmp(name, "secret") == 0)
		return set_string(&ld->secret, value);
	if (strcmp(name, "secret_file") == 0)
		return set_string(&ld->secret_file, value);
	if (strcmp(name, "public_key_file") == 0)
		return set_string(&ld->public_key_file, value);
	if (strcmp(name, "issuer") == 0)
		return set_string(&c->issuer, value);
	if (strcmp(name, "audience") == 0)
		return set_string(&c->audience, value);
	if (strcmp(name, "admin_claim") == 0)
		return *value == '\0' ? fail(ld, "auth", name, "must not be empty")
		    : set_string(&c->admin_claim, value);
	if (strcmp(name, "admin_value") == 0)
		return set_string(&c->admin_value, value);
	if (strcmp(name, "leeway") == 0) {
		if (parse_number(value, 0, TS_CEILING_LEEWAY_SECONDS, &n) != 0)
			return fail(ld, "auth", name, "must be a number of seconds (0-3600)");
		c->leeway = (long)n;
		return 0;
	}
	return fail(ld, "auth", name, "unknown key");
}

/* base_path is "" or "/seg[/seg...]" of URL-safe characters, no trailing '/'. */
static int
valid_base_path(const char *s)
{
	size_t n = strlen(s);

	if (n == 0)
		return 1;
	if (s[0] != '/' || s[n - 1] == '/' || strstr(s, "//") != NULL || n > 256)
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._~-/") == n;
}

/*
 * A surface's own mount below base_path: one or more segments like
 * base_path's, never /api, /v1 or /s (the share page) or under them
 * (their routes would be shadowed), nor the root.
 */
static int
valid_surface_path(const char *s)
{
	static const char *const taken[] = { "/api", "/v1", "/s", NULL };
	size_t i, n;

	if (s[0] == '\0' || !valid_base_path(s))
		return 0;
	for (i = 0; taken[i] != NULL; i++) {
		n = strlen(taken[i]);
		if (strncmp(s, taken[i], n) == 0 && (s[n] == '\0' || s[n] == '/'))
			return 0;
	}
	return 1;
}

/* cors_origins (API reference: CORS): "*" alone, or exact origins. */
static int
cors_origins_key(struct loader *ld, const char *value)
{
	switch (ts_cors_parse(value, &ld->cfg->cors)) {
	case TS_CORS_OK:
		return 0;
	case TS_CORS_BAD_ORIGIN:
		return fail(ld, "server", "cors_origins",
		    "each origin must be http(s)://host[:port] as a browser sends it: lowercase, "
		    "no path, no trailing slash, no default port");
	case TS_CORS_TOO_MANY:
		return fail(ld, "server", "cors_origins", "at most " TS_STR(TS_MAX_CORS_ORIGINS) " origins");
	case TS_CORS_STAR_NOT_ALONE:
		return fail(ld, "server", "cors_origins", "* must be the only value");
	case TS_CORS_NOMEM:
		break;
	}
	return -1;
}

static int
server_key(struct loader *ld, const char *name, const char *value)
{
	struct ts_config *c = ld->cfg;
	static const char *const levels[] = { "error", "warn", "info", "debug" };
	long long n;
	int i;

	if (strcmp(name, "base_path") == 0) {
		if (!valid_base_path(value))
			return fail(ld, "server", name, "must be empty or like /chat (no trailing slash)");
		return set_string(&c->base_path, value);
	}
	if (strcmp(name, "ks_path") == 0 || strcmp(name, "arena_path") == 0) {
		if (!valid_surface_path(value))
			return fail(ld, "server", name,
			    "must be like /ks (no trailing slash), outside /api, /v1 and /s");
		return set_string(name[0] == 'k' ? &c->ks_path : &c->arena_path, value);
	}
	if (strcmp(name, "listen") == 0)
		return set_string(&c->listen, value);
	if (strcmp(name, "socket_group") == 0)
		return set_string(&c->socket_group, value);
	if (strcmp(name, "workers") == 0) {
		if (parse_number(value, 0, TS_CEILING_WORKERS, &n) != 0)
			return fail(ld, "server", name, "must be a number from 0 (sized from the processors) to 256");
		c->workers = (unsigned int)n;
		return 0;
	}
	if (strcmp(name, "max_requests") == 0) {
		if (parse_number(value, 0, 1000000000LL, &n) != 0)
			return fail(ld, "server", name, "must be a number (0 means never recycle)");
		c->max_requests = (unsigned long)n;
		return 0;
	}
	if (strcmp(name, "max_body_bytes") == 0) {
		if (parse_number(value, 1024, TS_CEILING_MAX_BODY_BYTES, &n) != 0)
			return fail(ld, "server", name, "must be a number from 1024 to 67108864");
		c->max_body_bytes = (size_t)n;
		return 0;
	}
	if (strcmp(name, "max_query_bytes") == 0) {
		if (parse_number(value, 256, TS_CEILING_MAX_QUERY_BYTES, &n) != 0)
			return fail(ld, "server", name, "must be a number from 256 to 65536");
		c->max_query_bytes = (size_t)n;
		return 0;
	}
	if (strcmp(name, "max_response_bytes") == 0) {
		if (parse_number(value, TS_FLOOR_MAX_RESPONSE_BYTES, TS_CEILING_MAX_RESPONSE_BYTES, &n) != 0)
			return fail(ld, "server", name, "must be a number from 65536 to 268435456");
		c->max_response_bytes = (size_t)n;
		return 0;
	}
	if (strcmp(name, "request_timeout") == 0) {
		if (parse_number(value, 1, TS_CEILING_REQUEST_TIMEOUT_SECONDS, &n) != 0)
			return fail(ld, "server", name, "must be a number of seconds from 1 to 300");
		c->request_timeout = (unsigned int)n;
		return 0;
	}
	if (strcmp(name, "page_cache") == 0) {
		if (strcmp(value, "on") == 0 || strcmp(value, "off") == 0) {
			c->page_cache = value[1] == 'n';
			return 0;
		}
		return fail(ld, "server", name, "must be on or off");
	}
	if (strcmp(name, "cors_origins") == 0)
		return cors_origins_key(ld, value);
	if (strcmp(name, "log_level") == 0) {
		for (i = 0; i < 4; i++)
			if (strcmp(value, levels[i]) == 0) {
				c->log_level = (enum ts_log_level)i;
				return 0;
			}
		return fail(ld, "server", name, "must be error, warn, info or debug");
	}
	return fail(ld, "server", name, "unknown key");
}

/* inih callback: nonzero to continue. */
static int
on_key(void *user, const char *section, const char *name, const char *value)
{
	struct loader *ld = user;
	int rc;

	if (ld->failed)
		return 0;
	if (strcmp(section, "database") == 0)
		rc = database_key(ld, name, value);
	else if (strcmp(section, "auth") == 0)
		rc = auth_key(ld, name, value);
	else if (strcmp(section, "server") == 0)
		rc = server_key(ld, name, value);
	else
		rc = fail(ld, section, name, "unknown section");
	if (rc != 0 && !ld->failed)
		fail(ld, section, name, "out of memory");
	return !ld->failed;
}

/* Reads a whole secret or key file, at most TS_MAX_SECRET_FILE_BYTES.
 * A trailing newline is dropped for secrets (strip != 0). */
static int
read_file(const char *path, int strip, char **out, size_t *outlen)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n;

	if (f == NULL)
		return -1;
	buf = malloc(TS_MAX_SECRET_FILE_BYTES + 1);
	if (buf == NULL) {
		fclose(f);
		return -1;
	}
	n = fread(buf, 1, TS_MAX_SECRET_FILE_BYTES + 1, f);
	fclose(f);
	if (n > TS_MAX_SECRET_FILE_BYTES) {
		free(buf);
		return -1;
	}
	while (strip && n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	*out = buf;
	*outlen = n;
	return 0;
}

static void
set_defaults(struct ts_config *c)
{
	memset(c, 0, sizeof(*c));
	c->auth_mode = TS_AUTH_JWT;
	c->jwt_alg = (int)JWT_ALG_HS256;
	c->leeway = TS_DEFAULT_LEEWAY_SECONDS;
	c->workers = 0;
	c->max_requests = TS_DEFAULT_MAX_REQUESTS;
	c->max_body_bytes = TS_DEFAULT_MAX_BODY_BYTES;
	c->max_query_bytes = TS_DEFAULT_MAX_QUERY_BYTES;
	c->max_response_bytes = TS_DEFAULT_MAX_RESPONSE_BYTES;
	c->request_timeout = TS_DEFAULT_REQUEST_TIMEOUT_SECONDS;
	c->log_level = TS_LOG_INFO;
	c->page_cache = 1;
}

static int
fill_missing_strings(struct ts_config *c)
{
	if (c->base_path == NULL && set_string(&c->base_path, "") != 0)
		return -1;
	if (c->ks_path == NULL && set_string(&c->ks_path, "/ks") != 0)
		return -1;
	if (c->arena_path == NULL && set_string(&c->arena_path, "/arena") != 0)
		return -1;
	if (c->admin_claim == NULL && set_string(&c->admin_claim, "role") != 0)
		return -1;
	if (c->admin_value == NULL && set_string(&c->admin_value, "admin") != 0)
		return -1;
	return 0;
}

/* Secrets: the environment wins over the file, the file over the inline value. */
static int
resolve_db_password(struct loader *ld)
{
	struct ts_config *c = ld->cfg;
	const char *env = getenv("THREADSTORE_DB_PASSWORD");
	size_t len;

	if (env != NULL)
		return set_string(&c->db_password, env) == 0 ? 0 : fail(ld, "database", "password", "out of memory");
	if (ld->password_file != NULL) {
		free(c->db_password);
		c->db_password = NULL;
		if (read_file(ld->password_file, 1, &c->db_password, &len) != 0)
			return fail(ld, "database", "password_file", "cannot be read");
	}
	return 0;
}

static int
resolve_jwt_key(struct loader *ld)
{
	struct ts_config *c = ld->cfg;
	const char *env = getenv("THREADSTORE_JWT_SECRET");
	int hmac = c->jwt_alg == JWT_ALG_HS256 || c->jwt_alg == JWT_ALG_HS384 || c->jwt_alg == JWT_ALG_HS512;

	if (c->auth_mode != TS_AUTH_JWT)
		return 0;
	if (!hmac) {
		if (ld->public_key_file == NULL)
			return fail(ld, "auth", "public_key_file", "required for RS256 and ES256");
		if (read_file(ld->public_key_file, 0, &c->jwt_key, &c->jwt_key_len) != 0)
			return fail(ld, "auth", "public_key_file", "cannot be read");
		return 0;
	}
	if (env != NULL && *env != '\0') {
		if ((c->jwt_key = strdup(env)) == NULL)
			return fail(ld, "auth", "secret", "out of memory");
		c->jwt_key_len = strlen(env);
	} else if (ld->secret_file != NULL) {
		if (read_file(ld->secret_file, 1, &c->jwt_key, &c->jwt_key_len) != 0)
			return fail(ld, "auth", "secret_file", "cannot be read");
	} else if (ld->secret != NULL) {
		c->jwt_key = ld->secret;
		c->jwt_key_len = strlen(ld->secret);
		ld->secret = NULL;
	} else {
		return fail(ld, "auth", "secret",
		    "required for HS256/HS384/HS512 (or secret_file, or THREADSTORE_JWT_SECRET)");
	}
	if (c->jwt_key_len < TS_MIN_HMAC_SECRET_BYTES)
		return fail(ld, "auth", "secret", "must be at least 32 bytes");
	return 0;
}

/*
 * A cluster's addresses (src/db_hosts.c) win over host and socket, as
 * socket wins over host; port is the default port of an address without
 * one. sync_wait is on for a list of two or more unless set, else off
 * unless set.
 */
static int
check_hosts(struct loader *ld)
{
	struct ts_config *c = ld->cfg;
	const char *why = NULL;

	if (ld->hosts != NULL && ts_db_hosts_parse(ld->hosts, c->db_port, &c->db_hosts, &c->db_nhosts, &why) != 0)
		return fail(ld, "database", "hosts", why);
	c->db_sync_wait = ld->sync_wait >= 0 ? ld->sync_wait : c->db_nhosts > 1;
	return 0;
}

static int
check_required(struct loader *ld)
{
	struct ts_config *c = ld->cfg;

	if (c->db_name == NULL || *c->db_name == '\0')
		return fail(ld, "database", "name", "required");
	if (c->db_user == NULL || *c->db_user == '\0')
		return fail(ld, "database", "user", "required");
	if (check_hosts(ld) != 0)
		return -1;
	if (c->db_hosts == NULL && c->db_host == NULL && c->db_socket == NULL &&
	    set_string(&c->db_host, "localhost") != 0)
		return fail(ld, "database", "host", "out of memory");
	if (ts_mount_overlap(c->ks_path, c->arena_path))
		return fail(ld, "server", "arena_path", "must not be ks_path, or inside it, or hold it");
	return 0;
}

enum ts_config_status
ts_config_load(const char *path, struct ts_config *cfg, char *err, size_t errlen)
{
	struct loader ld;
	int rc;

	set_defaults(cfg);
	memset(&ld, 0, sizeof(ld));
	ld.cfg = cfg;
	ld.sync_wait = -1;
	ld.err = err;
	ld.errlen = errlen;
	errno = 0;
	rc = ini_parse(path, on_key, &ld);
	/* The caller names the file; the message says what is wrong with it. */
	if (rc < 0)
		snprintf(err, errlen, "cannot be read: %s", errno != 0 ? strerror(errno) : "out of memory");
	else if (rc > 0 && !ld.failed)
		snprintf(err, errlen, "line %d: not an INI line", rc);
	if (rc == 0 && !ld.failed) {
		if (fill_missing_strings(cfg) != 0)
			fail(&ld, "config", "-", "out of memory");
		else if (check_required(&ld) == 0 && resolve_db_password(&ld) == 0)
			resolve_jwt_key(&ld);
	}
	free(ld.secret_file);
	free(ld.password_file);
	free(ld.public_key_file);
	free(ld.secret);
	free(ld.hosts);
	if (rc != 0 || ld.failed) {
		ts_config_free(cfg);
		return TS_CONFIG_ERROR;
	}
	return TS_CONFIG_OK;
}

void
ts_config_free(struct ts_config *c)
{
	free(c->db_host);
	free(c->db_socket);
	ts_db_hosts_free(c->db_hosts, c->db_nhosts);
	free(c->db_user);
	free(c->db_password);
	free(c->db_name);
	if (c->jwt_key != NULL)
		explicit_bzero(c->jwt_key, c->jwt_key_len);
	free(c->jwt_key);
	free(c->issuer);
	free(c->audience);
	free(c->admin_claim);
	free(c->admin_value);
	free(c->base_path);
	free(c->ks_path);
	free(c->arena_path);
	free(c->listen);
	free(c->socket_group);
	ts_cors_free(&c->cors);
	memset(c, 0, sizeof(*c));
}
