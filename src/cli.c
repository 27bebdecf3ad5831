/*
 * The command line: with no subcommand the program is a FastCGI worker on an
 * inherited socket (mod_fcgid, spawn-fcgi) or a one-shot CGI program; the
 * subcommands serve, migrate, check and change settings, mint tokens, and
 * give the operator a quick look at the database (cli_look.c).
 */
#include <errno.h>
#include <fcgiapp.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ac_config.h"
#include "auth.h"
#include "cli.h"
#include "cli_look.h"
#include "config.h"
#include "db.h"
#include "ts_limits.h"
#include "log.h"
#include "migrate.h"
#include "server.h"
#include "settings_store.h"

/* Exit statuses: 0 done, 1 the work failed, 2 bad usage or configuration. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

static const char usage_text[] =
    "usage: threadstore [--config FILE]                  (FastCGI on fd 0, or CGI)\n"
    "       threadstore serve [--config FILE] [--listen unix:PATH|HOST:PORT]\n"
    "                         [--workers N] [--pidfile FILE]\n"
    "       threadstore migrate [--config FILE]\n"
    "       threadstore check-config [--config FILE]\n"
    "       threadstore settings [public_sharing on|off] [--config FILE]\n"
    "       threadstore token --sub ID [--admin] [--ttl SECONDS] [--config FILE]\n"
    "       threadstore threads list [--owner ID] [--limit N] [--after THREAD] [--config FILE]\n"
    "       threadstore threads show THREAD [--config FILE]\n"
    "       threadstore stats [--config FILE]\n"
    "       threadstore --version | --help\n";

struct options {
	const char *config;
	const char *config_path;        /* the file read: --config, the environment or the default */
	const char *listen;
	const char *pidfile;
	const char *sub;
	const char *owner;
	const char *after;
	long limit;             /* threads list --limit; 0: the default */
	long workers;           /* 0: from the configuration */
	long ttl;
	int admin;
	int nargs;              /* positional arguments after the subcommand */
	char **args;
};

static int
parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "listen", required_argument, NULL, 'l' },
		{ "workers", required_argument, NULL, 'w' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "sub", required_argument, NULL, 's' },
		{ "admin", no_argument, NULL, 'a' },
		{ "ttl", required_argument, NULL, 't' },
		{ "owner", required_argument, NULL, 'o' },
		{ "after", required_argument, NULL, 'f' },
		{ "limit", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->ttl = 3600;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': o->config = optarg; break;
		case 'l': o->listen = optarg; break;
		case 'p': o->pidfile = optarg; break;
		case 's': o->sub = optarg; break;
		case 'o': o->owner = optarg; break;
		case 'f': o->after = optarg; break;
		case 'n':
			if (parse_long(optarg, 1, TS_MAX_PAGE_LIMIT, &o->limit) != 0) {
				fprintf(stderr, "threadstore: --limit must be a number from 1 to %d\n",
				    TS_MAX_PAGE_LIMIT);
				return -1;
			}
			break;
		case 'a': o->admin = 1; break;
		case 'w':
			if (parse_long(optarg, 1, TS_CEILING_WORKERS, &o->workers) != 0) {
				fprintf(stderr, "threadstore: --workers must be a number from 1 to %d\n",
				    TS_CEILING_WORKERS);
				return -1;
			}
			break;
		case 't':
			if (parse_long(optarg, 1, TS_MAX_TOKEN_TTL_SECONDS, &o->ttl) != 0) {
				fprintf(stderr, "threadstore: --ttl must be a number of seconds from 1 to %ld\n",
				    TS_MAX_TOKEN_TTL_SECONDS);
				return -1;
			}
			break;
		default:
			return -1;
		}
	}
	o->nargs = argc - optind;
	o->args = argv + optind;
	return 0;
}

static int
load_config(struct options *o, struct ts_config *cfg)
{
	const char *path = ts_config_resolve_path(o->config);
	char err[512];

	o->config_path = path;
	if (ts_config_load(path, cfg, err, sizeof(err)) != TS_CONFIG_OK) {
		fprintf(stderr, "threadstore: configuration %s: %s\n", path, err);
		/* Only the default path can be a surprise: say how to name another. */
		if (strcmp(path, TS_DEFAULT_CONFIG) == 0 && access(path, F_OK) != 0)
			fprintf(stderr, "threadstore: create it from %s.example, or name another file with "
			    "--config FILE or THREADSTORE_CONFIG\n", path);
		return -1;
	}
	ts_log_set_level(cfg->log_level);
	return 0;
}

static int
write_pidfile(const char *path)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) != 0) {
		fprintf(stderr, "threadstore: cannot write pidfile %s\n", path);
		return -1;
	}
	return 0;
}

static int
cmd_serve(const struct options *o, struct ts_config *cfg)
{
	const char *listen = o->listen != NULL ? o->listen : cfg->listen;
	unsigned int workers = o->workers > 0 ? (unsigned int)o->workers : cfg->workers;
	int rc;

	if (listen == NULL) {
		fprintf(stderr, "threadstore: serve needs --listen or [server] listen\n");
		return EXIT_USAGE;
	}
	if (o->pidfile != NULL && write_pidfile(o->pidfile) != 0)
		return EXIT_FAIL;
	rc = ts_serve(cfg, listen, workers);
	if (o->pidfile != NULL)
		unlink(o->pidfile);
	return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

/*
 * Connects at once, so that an unreachable database is said first, with
 * where the command looked, the client library's reason and where to fix
 * it. NULL after saying so.
 */
static struct ts_db *
open_db(const struct options *o, const struct ts_config *cfg)
{
	struct ts_db *db = ts_db_new(cfg);
	char where[320];

	if (db == NULL) {
		fputs("threadstore: out of memory\n", stderr);
		return NULL;
	}
	if (ts_db_connect(db) == TS_DB_OK)
		return db;
	if (cfg->db_socket != NULL)
		snprintf(where, sizeof(where), "socket %s", cfg->db_socket);
	else if (cfg->db_port != 0)
		snprintf(where, sizeof(where), "%s port %u", cfg->db_host, cfg->db_port);
	else
		snprintf(where, sizeof(where), "%s", cfg->db_host);
	fprintf(stderr, "threadstore: cannot connect to database '%s' as '%s' on %s: %s\n"
	    "threadstore: is MariaDB running there, and are [database] host/port/socket, user, "
	    "password (or THREADSTORE_DB_PASSWORD) and name right in %s?\n",
	    cfg->db_name, cfg->db_user, where, *ts_db_connect_error(db) != '\0' ? ts_db_connect_error(db)
	    : "no reason given", o->config_path);
	ts_db_free(db);
	return NULL;
}

static int
cmd_migrate(const struct options *o, struct ts_config *cfg)
{
	struct ts_db *db = open_db(o, cfg);
	int rc;

	if (db == NULL)
		return EXIT_FAIL;
	rc = ts_migrate(db, stdout);
	ts_db_free(db);
	return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

static int
cmd_settings(const struct options *o, struct ts_config *cfg)
{
	struct ts_db *db;
	enum ts_db_status st;
	int on = 0, set = 0;

	if (o->nargs == 2 && strcmp(o->args[0], "public_sharing") == 0 &&
	    (strcmp(o->args[1], "on") == 0 || strcmp(o->args[1], "off") == 0)) {
		set = 1;
		on = strcmp(o->args[1], "on") == 0;
	} else if (o->nargs != 0) {
		fprintf(stderr, "threadstore: settings takes nothing or `public_sharing on|off`\n%s", usage_text);
		return EXIT_USAGE;
	}
	if ((db = open_db(o, cfg)) == NULL)
		return EXIT_FAIL;
	st = set ? ts_settings_set_public_sharing(db, on) : ts_settings_get_public_sharing(db, &on);
	if (st != TS_DB_OK)
		ts_look_db_failure(db, st, set ? "settings public_sharing" : "settings");
	ts_db_free(db);
	if (st != TS_DB_OK)
		return EXIT_FAIL;
	printf("public_sharing %s\n", on ? "on" : "off");
	return EXIT_OK;
}

static int
cmd_token(const struct options *o, struct ts_config *cfg)
{
	char *token;

	if (o->sub == NULL || *o->sub == '\0' || strlen(o->sub) > TS_MAX_SUB_BYTES) {
		fprintf(stderr, "threadstore: token needs --sub ID (1 to %d bytes)\n", TS_MAX_SUB_BYTES);
		return EXIT_USAGE;
	}
	token = ts_auth_mint(cfg, o->sub, o->admin, o->ttl, time(NULL));
	if (token == NULL) {
		fprintf(stderr, "threadstore: token needs [auth] mode jwt with an HS256/HS384/HS512 secret\n");
		return EXIT_FAIL;
	}
	printf("%s\n", token);
	free(token);
	return EXIT_OK;
}

static int
cmd_threads(const struct options *o, struct ts_config *cfg)
{
	struct ts_look_args a = { o->owner, o->after, o->limit, o->nargs, o->args };
	struct ts_db *db;
	int rc;

	if (ts_look_threads_check(&a) != 0) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if ((db = open_db(o, cfg)) == NULL)
		return EXIT_FAIL;
	rc = ts_look_threads(db, &a, stdout);
	ts_db_free(db);
	return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

static int
cmd_stats(const struct options *o, struct ts_config *cfg)
{
	struct ts_db *db;
	int rc;

	if (o->nargs != 0) {
		fprintf(stderr, "threadstore: stats takes no arguments\n%s", usage_text);
		return EXIT_USAGE;
	}
	if ((db = open_db(o, cfg)) == NULL)
		return EXIT_FAIL;
	rc = ts_look_stats(db, stdout);
	ts_db_free(db);
	return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

/*
 * Started by a web server without a usable configuration: the reason went to
 * stderr (the web server's error log); a CGI caller gets a generic 500.
 */
static int
run_unconfigured(void)
{
	if (FCGX_IsCGI())
		fputs("Status: 500 Internal Server Error\r\n"
		    "Content-Type: application/json; charset=utf-8\r\n"
		    "X-Request-Id: unconfigured\r\n\r\n"
		    "{\"error\":\"Internal error\",\"code\":\"INTERNAL\",\"request_id\":\"unconfigured\"}",
		    stdout);
	return EXIT_USAGE;
}

/* No subcommand: started by a web server. */
static int
run_as_web_program(struct ts_config *cfg)
{
	/* FCGX_IsCGI is false when fd 0 is a listening socket. */
	if (FCGX_IsCGI())
		return ts_serve_cgi(cfg) == 0 ? EXIT_OK : EXIT_FAIL;
	return ts_serve_inherited(cfg) == 0 ? EXIT_OK : EXIT_FAIL;
}

int
ts_cli_main(int argc, char **argv)
{
	const char *cmd = argc > 1 && argv[1][0] != '-' ? argv[1] : NULL;
	struct ts_config cfg;
	struct options o;
	int rc;

	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("threadstore %s\n", PACKAGE_VERSION);
		return EXIT_OK;
	}
	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		fputs(usage_text, stdout);
		return EXIT_OK;
	}
	if (cmd != NULL && strcmp(cmd, "serve") != 0 && strcmp(cmd, "migrate") != 0 &&
	    strcmp(cmd, "check-config") != 0 && strcmp(cmd, "settings") != 0 &&
	    strcmp(cmd, "token") != 0 && strcmp(cmd, "threads") != 0 && strcmp(cmd, "stats") != 0) {
		fprintf(stderr, "threadstore: unknown command %s\n%s", cmd, usage_text);
		return EXIT_USAGE;
	}
	if (parse_options(cmd != NULL ? argc - 1 : argc, cmd != NULL ? argv + 1 : argv, &o) != 0) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if (load_config(&o, &cfg) != 0)
		return cmd == NULL ? run_unconfigured() : EXIT_USAGE;
	if (cmd == NULL)
		rc = run_as_web_program(&cfg);
	else if (strcmp(cmd, "serve") == 0)
		rc = cmd_serve(&o, &cfg);
	else if (strcmp(cmd, "migrate") == 0)
		rc = cmd_migrate(&o, &cfg);
	else if (strcmp(cmd, "settings") == 0)
		rc = cmd_settings(&o, &cfg);
	else if (strcmp(cmd, "token") == 0)
		rc = cmd_token(&o, &cfg);
	else if (strcmp(cmd, "threads") == 0)
		rc = cmd_threads(&o, &cfg);
	else if (strcmp(cmd, "stats") == 0)
		rc = cmd_stats(&o, &cfg);
	else {
		printf("configuration OK\n");
		rc = EXIT_OK;
	}
	ts_config_free(&cfg);
	return rc;
}
