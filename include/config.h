/*
 * Configuration: an INI file (libinih) plus secrets from files or the
 * environment. Loading validates every key; a bad or missing one is an error
 * message naming it, never a crash.
 */
#ifndef TS_CONFIG_H
#define TS_CONFIG_H

#include <stddef.h>

#include "cors.h"

enum ts_auth_mode { TS_AUTH_JWT, TS_AUTH_REMOTE_USER };

enum ts_log_level { TS_LOG_ERROR, TS_LOG_WARN, TS_LOG_INFO, TS_LOG_DEBUG };

/* One address of a cluster ([database] hosts). */
struct ts_db_host {
	char *host;
	unsigned int port;      /* 0: the client library's default */
};

/* All strings are owned by the struct and freed by ts_config_free. */
struct ts_config {
	/* [database] */
	char *db_host;          /* NULL with db_socket set: connect by socket */
	unsigned int db_port;   /* 0: the client library's default */
	char *db_socket;
	struct ts_db_host *db_hosts; /* a cluster's addresses in order, or NULL (src/db_hosts.c) */
	size_t db_nhosts;
	int db_sync_wait;       /* read-your-writes on a cluster: Galera's causal wait */
	char *db_user;
	char *db_password;      /* from password, password_file or THREADSTORE_DB_PASSWORD */
	char *db_name;
	/* [auth] */
	enum ts_auth_mode auth_mode;
	int jwt_alg;            /* a jwt_alg_t; HS256/384/512, RS256 or ES256 */
	char *jwt_key;          /* the secret, or the public key PEM text */
	size_t jwt_key_len;
	char *issuer;           /* NULL: not checked */
	char *audience;         /* NULL: not checked */
	long leeway;            /* seconds */
	char *admin_claim;
	char *admin_value;
	/* [server] */
	char *base_path;        /* "" or "/prefix" without a trailing slash */
	char *ks_path;          /* Knowledge Stack's surface, below base_path ("/ks") */
	char *arena_path;       /* DualMind's arena surface, below base_path ("/arena") */
	char *listen;           /* serve's default --listen, or NULL */
	char *socket_group;     /* group of the unix socket, or NULL */
	unsigned int workers;    /* 0: sized from the processor count at start */
	unsigned long max_requests;
	int page_cache;         /* workers keep the pages they read (src/page_cache.c) */
	size_t max_body_bytes;
	size_t max_query_bytes;
	size_t max_response_bytes; /* lists and context stop before passing it */
	unsigned int request_timeout; /* seconds: the per-request deadline */
	enum ts_log_level log_level;
	struct ts_cors cors;    /* cors_origins: empty by default */
};

enum ts_config_status { TS_CONFIG_OK = 0, TS_CONFIG_ERROR };

/*
 * Which file to read: the explicit path if not NULL, then $THREADSTORE_CONFIG,
 * then the installed default, sysconfdir/threadstore/threadstore.conf
 * (TS_DEFAULT_CONFIG of ac_config.h). The returned string is static or the
 * argument.
 */
const char *ts_config_resolve_path(const char *explicit_path);

/* Fills *cfg from the file at path. On error writes a message naming the key
 * (or why the file cannot be read, without its path: the caller names it)
 * into err and leaves *cfg freed (safe to ts_config_free again). */
enum ts_config_status ts_config_load(const char *path, struct ts_config *cfg,
    char *err, size_t errlen);

void ts_config_free(struct ts_config *cfg);

#endif
