/* Configuration loading: defaults, every kind of bad key, secrets. */
#include <check.h>
#include <jwt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ac_config.h"
#include "config.h"
#include "mounts.h"

static char path[64];
static char err[512];
static struct ts_config cfg;

#define SECRET "0123456789abcdef0123456789abcdef"

static void
write_conf(const char *text)
{
	int fd;
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/ts-test-config-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
}

static enum ts_config_status
load(const char *text)
{
	enum ts_config_status st;

	write_conf(text);
	err[0] = '\0';
	st = ts_config_load(path, &cfg, err, sizeof(err));
	unlink(path);
	return st;
}

static void
teardown(void)
{
	ts_config_free(&cfg);
	unsetenv("THREADSTORE_JWT_SECRET");
	unsetenv("THREADSTORE_DB_PASSWORD");
}

#define MINIMAL "[database]\nname = ts\nuser = ts\n[auth]\nsecret = " SECRET "\n"

START_TEST(test_minimal_config_gets_defaults)
{
	ck_assert_int_eq(load(MINIMAL), TS_CONFIG_OK);
	ck_assert_str_eq(cfg.db_name, "ts");
	ck_assert_str_eq(cfg.db_host, "localhost");
	ck_assert_str_eq(cfg.base_path, "");
	ck_assert_str_eq(cfg.ks_path, "/ks");
	ck_assert_str_eq(cfg.arena_path, "/arena");
	ck_assert_int_eq(cfg.auth_mode, TS_AUTH_JWT);
	ck_assert_int_eq(cfg.jwt_alg, JWT_ALG_HS256);
	ck_assert_int_eq(cfg.leeway, 30);
	ck_assert_str_eq(cfg.admin_claim, "role");
	ck_assert_str_eq(cfg.admin_value, "admin");
	ck_assert_int_eq(cfg.workers, 0); /* sized from the processors by serve */
	ck_assert_int_eq(cfg.max_response_bytes, 8 * 1024 * 1024);
	ck_assert_int_eq(cfg.request_timeout, 5);
	ck_assert_int_eq(cfg.max_requests, 10000);
	ck_assert_int_eq(cfg.max_body_bytes, 1048576);
	ck_assert_int_eq(cfg.max_query_bytes, 8192);
	ck_assert_int_eq(cfg.jwt_key_len, 32);
	ck_assert_int_eq(cfg.page_cache, 1);
}
END_TEST

START_TEST(test_page_cache_is_on_or_off)
{
	ck_assert_int_eq(load(MINIMAL "[server]\npage_cache = off\n"), TS_CONFIG_OK);
	ck_assert_int_eq(cfg.page_cache, 0);
	ts_config_free(&cfg);
	ck_assert_int_eq(load(MINIMAL "[server]\npage_cache = on\n"), TS_CONFIG_OK);
	ck_assert_int_eq(cfg.page_cache, 1);
	ts_config_free(&cfg);
	ck_assert_int_eq(load(MINIMAL "[server]\npage_cache = yes\n"), TS_CONFIG_ERROR);
	ck_assert_ptr_nonnull(strstr(err, "page_cache"));
}
END_TEST

START_TEST(test_surface_mounts)
{
	char *routed;

	ck_assert_int_eq(load(MINIMAL "[server]\nks_path = /kb/v2\narena_path = /duel\n"), TS_CONFIG_OK);
	ck_assert_str_eq(cfg.ks_path, "/kb/v2");
	routed = strdup("/kb/v2/v1/threads/x/messages");
	ck_assert_int_eq(ts_mount_rewrite(&cfg, &routed), 0);
	ck_assert_str_eq(routed, "/ks/v1/threads/x/messages");
	free(routed);
	/* The default routed is no longer served once the surface has moved. */
	routed = strdup("/ks/v1/threads/x/messages");
	ck_assert_int_eq(ts_mount_rewrite(&cfg, &routed), 0);
	ck_assert_str_eq(routed, "/~/ks/v1/threads/x/messages");
	free(routed);
	routed = strdup("/duel/api/threads/x/messages");
	ck_assert_int_eq(ts_mount_rewrite(&cfg, &routed), 0);
	ck_assert_str_eq(routed, "/arena/api/threads/x/messages");
	free(routed);
	routed = strdup("/duelx/api");
	ck_assert_int_eq(ts_mount_rewrite(&cfg, &routed), 0);
	ck_assert_str_eq(routed, "/duelx/api");
	free(routed);
	routed = NULL;
	ck_assert_int_eq(ts_mount_rewrite(&cfg, &routed), 0);
	ts_config_free(&cfg);
	ck_assert_int_eq(load(MINIMAL "[server]\nks_path = /v1/ks\n"), TS_CONFIG_ERROR);
	ck_assert_ptr_nonnull(strstr(err, "ks_path"));
	ck_assert_int_eq(load(MINIMAL "[server]\narena_path = /api\n"), TS_CONFIG_ERROR);
	/* the share page's path is taken too; a longer name starting with it is not */
	ck_assert_int_eq(load(MINIMAL "[server]\nks_path = /s\n"), TS_CONFIG_ERROR);
	ck_assert_int_eq(load(MINIMAL "[server]\narena_path = /s/arena\n"), TS_CONFIG_ERROR);
	ck_assert_int_eq(load(MINIMAL "[server]\nks_path = /search\n"), TS_CONFIG_OK);
	ts_config_free(&cfg);
	ck_assert_int_eq(load(MINIMAL "[server]\narena_path =\n"), TS_CONFIG_ERROR);
	ck_assert_int_eq(load(MINIMAL "[server]\narena_path = /x/\n"), TS_CONFIG_ERROR);
	ck_assert_int_eq(load(MINIMAL "[server]\nks_path = /a\narena_path = /a/b\n"), TS_CONFIG_ERROR);
	ck_assert_ptr_nonnull(strstr(err, "arena_path"));
	/* With the defaults nothing is rewritten. */
	ck_assert_int_eq(load(MINIMAL), TS_CONFIG_OK);
	routed = strdup("/ks/v1/threads");
	ck_assert_int_eq(ts_mount_rewrite(&cfg, &routed), 0);
	ck_assert_str_eq(routed, "/ks/v1/threads");
	free(routed);
}
END_TEST

START_TEST(test_unknown_key_is_named)
{
	ck_assert_int_eq(load(MINIMAL "[server]\nworkerz = 3\n"), TS_CONFIG_ERROR);
	ck_assert_ptr_nonnull(strstr(err, "workerz"));
}
END_TEST

START_TEST(test_unknown_section_is_named)
{
	ck_assert_int_eq(load(MINIMAL "[serve]\nworkers = 3\n"), TS_CONFIG_ERROR);
	ck_assert_ptr_nonnull(strstr(err, "serve"));
}
END_TEST

START_TEST(test_out_of_range_numbers_are_refused)
{
	ck_assert_int_eq(load(MINIMAL "[server]\nworkers = 257\n"), TS_CONFIG_ERROR);
	ck_assert_ptr_nonnull(strstr(err, "workers"));
	ck_assert_int_eq(load(MINIMAL "[server]\nmax_response_bytes = 65535\n"), TS_CONFIG_ERROR);
	ck_assert_ptr_nonnull(strstr(err, "max_response_bytes"));
	ck_assert_int_eq(load(MINIMAL "[server]\nrequest_timeout = 0\n"), TS_CONFIG_ERROR);
	ck_assert_ptr_nonnull(strstr(err, "request_timeout"));
	ck_assert_int_eq(load(MINIMAL "[server]\nrequest_timeout = 301\n"), TS_CONFIG_ERROR);
	ck_assert_int_eq(load(MINIMAL "[server]\nworkers = 3x\n"), TS_CONFIG_ERROR);
	ck_assert_int_eq(load(MINIMAL "[server]\nmax_body_bytes = 99999999999999999999\n"), TS_CONFIG_ERROR);
	ck_assert_ptr_nonnull(strstr(err, "max_body_bytes"));
	ck_assert_int_eq(load(MINIMAL "[database]\nport = 70000\n"), TS_CONFIG_ERROR);
	ck_assert_ptr_nonnull(strstr(err, "port"));
}
END_TEST

/* [database] hosts: a cluster's addresses in order, each with its port or
 * the `port` key's; sync_wait follows the list unless set. */
START_TEST(test_cluster_hosts_are_parsed_in_order)
{
	ck_assert_int_eq(load("[database]\nname = ts\nuser = ts\nport = 3307\n"
	    "hosts = db1.example:3306, 10.0.0.2 ,[::1]:3310, db4\n[auth]\nsecret = " SECRET "\n"), TS_CONFIG_OK);
	ck_assert_uint_eq(cfg.db_nhosts, 4);
	ck_assert_str_eq(cfg.db_hosts[0].host, "db1.example");
	ck_assert_uint_eq(cfg.db_hosts[0].port, 3306);
	ck_assert_str_eq(cfg.db_hosts[1].host, "10.0.0.2");
	ck_assert_uint_eq(cfg.db_hosts[1].port, 3307);
	ck_assert_str_eq(cfg.db_hosts[2].host, "::1");
	ck_assert_uint_eq(cfg.db_hosts[2].port, 3310);
	ck_assert_str_eq(cfg.db_hosts[3].host, "db4");
	ck_assert_int_eq(cfg.db_sync_wait, 1);
	ts_config_free(&cfg);
	/* One address (HAProxy in front of the cluster): sync_wait as set. */
	ck_assert_int_eq(load(MINIMAL "[database]\nhosts = 127.0.0.1:3306\n"), TS_CONFIG_OK);
	ck_assert_uint_eq(cfg.db_nhosts, 1);
	ck_assert_int_eq(cfg.db_sync_wait, 0);
	ts_config_free(&cfg);
	ck_assert_int_eq(load(MINIMAL "[database]\nhosts = 127.0.0.1:3306\nsync_wait = on\n"), TS_CONFIG_OK);
	ck_assert_int_eq(cfg.db_sync_wait, 1);
	ts_config_free(&cfg);
	ck_assert_int_eq(load(MINIMAL "[database]\nhosts = a, b\nsync_wait = off\n"), TS_CONFIG_OK);
	ck_assert_int_eq(cfg.db_sync_wait, 0);
	ts_config_free(&cfg);
	/* hosts wins over host and socket, as socket wins over host. */
	ck_assert_int_eq(load(MINIMAL "[database]\nhost = h\nsocket = /run/mysqld/mysqld.sock\nhosts = a, b\n"),
	    TS_CONFIG_OK);
	ck_assert_uint_eq(cfg.db_nhosts, 2);
	ck_assert_str_eq(cfg.db_hosts[0].host, "a");
}
END_TEST

/* The single server stays the default: no list, no causal wait. */
START_TEST(test_single_server_has_no_cluster_settings)
{
	ck_assert_int_eq(load(MINIMAL "[database]\nhost = db.example\nport = 3306\n"), TS_CONFIG_OK);
	ck_assert_ptr_null(cfg.db_hosts);
	ck_assert_uint_eq(cfg.db_nhosts, 0);
	ck_assert_int_eq(cfg.db_sync_wait, 0);
	ck_assert_str_eq(cfg.db_host, "db.example");
}
END_TEST

START_TEST(test_bad_cluster_hosts_are_refused)
{
	static const char *const bad[] = {
		"hosts = \n", "hosts = a,,b\n", "hosts = a, \n", "hosts = a:0\n", "hosts = a:65536\n",
		"hosts = a:33o6\n", "hosts = a:\n", "hosts = [::1\n", "hosts = [::1]x\n", "hosts = a b\n",
		"hosts = a;b\n", "hosts = ::1\n", "hosts = a/b\n",
		"hosts = h1,h2,h3,h4,h5,h6,h7,h8,h9,h10,h11,h12,h13,h14,h15,h16,h17\n",
		"sync_wait = yes\n", "sync_wait = 1\n", NULL
	};
	char text[512];
	size_t i;

	for (i = 0; bad[i] != NULL; i++) {
		snprintf(text, sizeof(text), MINIMAL "[database]\n%s", bad[i]);
		ck_assert_msg(load(text) == TS_CONFIG_ERROR, "accepted: %s", bad[i]);
		ck_assert_msg(strstr(err, strncmp(bad[i], "sync", 4) == 0 ? "sync_wait" : "hosts") != NULL,
		    "%s: %s", bad[i], err);
	}
	/* Sixteen is the most. */
	ck_assert_int_eq(load(MINIMAL "[database]\nhosts = h1,h2,h3,h4,h5,h6,h7,h8,h9,h10,h11,h12,h13,h14,h15,h16\n"),
	    TS_CONFIG_OK);
	ck_assert_uint_eq(cfg.db_nhosts, 16);
}
END_TEST

START_TEST(test_missing_database_name_is_named)
{
	ck_assert_int_eq(load("[database]\nuser = ts\n[auth]\nsecret = " SECRET "\n"), TS_CONFIG_ERROR);
	ck_assert_ptr_nonnull(strstr(err, "name"));
}
END_TEST

START_TEST(test_missing_secret_is_named)
{
	ck_assert_int_eq(load("[database]\nname = ts\nuser = ts\n"), TS_CONFIG_ERROR);
	ck_assert_ptr_nonnull(strstr(err, "secret"));
}
END_TEST

START_TEST(test_short_secret_is_refused)
{
	ck_assert_int_eq(load("[database]\nname = ts\nuser = ts\n[auth]\nsecret = short\n"), TS_CONFIG_ERROR);
	ck_assert_ptr_nonnull(strstr(err, "32 bytes"));
}
END_TEST

START_TEST(test_environment_secret_wins)
{
	setenv("THREADSTORE_JWT_SECRET", "ffffffffffffffffffffffffffffffffffffffff", 1);
	ck_assert_int_eq(load(MINIMAL), TS_CONFIG_OK);
	ck_assert_int_eq(cfg.jwt_key_len, 40);
	ck_assert_int_eq(cfg.jwt_key[0], 'f');
}
END_TEST

START_TEST(test_secret_file_and_password_file)
{
	char sf[] = "/tmp/ts-secret-XXXXXX";
	char text[512];
	int fd = mkstemp(sf);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, SECRET "\n", sizeof(SECRET)), (ssize_t)sizeof(SECRET));
	close(fd);
	snprintf(text, sizeof(text), "[database]\nname = ts\nuser = ts\npassword_file = %s\n"
	    "[auth]\nsecret_file = %s\n", sf, sf);
	ck_assert_int_eq(load(text), TS_CONFIG_OK);
	unlink(sf);
	ck_assert_int_eq(cfg.jwt_key_len, 32);      /* the newline is dropped */
	ck_assert_str_eq(cfg.db_password, SECRET);
}
END_TEST

START_TEST(test_unreadable_secret_file_is_named)
{
	ck_assert_int_eq(load("[database]\nname = ts\nuser = ts\n[auth]\nsecret_file = /nonexistent/x\n"),
	    TS_CONFIG_ERROR);
	ck_assert_ptr_nonnull(strstr(err, "secret_file"));
}
END_TEST

START_TEST(test_bad_algorithm_and_mode)
{
	ck_assert_int_eq(load(MINIMAL "algorithm = none\n"), TS_CONFIG_ERROR);
	ck_assert_ptr_nonnull(strstr(err, "algorithm"));
	ck_assert_int_eq(load(MINIMAL "mode = ldap\n"), TS_CONFIG_ERROR);
	ck_assert_ptr_nonnull(strstr(err, "mode"));
}
END_TEST

START_TEST(test_rs256_needs_public_key_file)
{
	ck_assert_int_eq(load("[database]\nname = ts\nuser = ts\n[auth]\nalgorithm = RS256\n"), TS_CONFIG_ERROR);
	ck_assert_ptr_nonnull(strstr(err, "public_key_file"));
}
END_TEST

START_TEST(test_remote_user_mode_needs_no_secret)
{
	ck_assert_int_eq(load("[database]\nname = ts\nuser = ts\n[auth]\nmode = remote_user\n"), TS_CONFIG_OK);
	ck_assert_int_eq(cfg.auth_mode, TS_AUTH_REMOTE_USER);
}
END_TEST

START_TEST(test_base_path_shapes)
{
	ck_assert_int_eq(load(MINIMAL "[server]\nbase_path = /chat\n"), TS_CONFIG_OK);
	ck_assert_str_eq(cfg.base_path, "/chat");
	ts_config_free(&cfg);
	ck_assert_int_eq(load(MINIMAL "[server]\nbase_path = /chat/\n"), TS_CONFIG_ERROR);
	ck_assert_ptr_nonnull(strstr(err, "base_path"));
	ck_assert_int_eq(load(MINIMAL "[server]\nbase_path = chat\n"), TS_CONFIG_ERROR);
}
END_TEST

START_TEST(test_missing_file)
{
	ck_assert_int_eq(ts_config_load("/nonexistent/threadstore.conf", &cfg, err, sizeof(err)),
	    TS_CONFIG_ERROR);
	/* The reason, once, and not the path: the caller names the file. */
	ck_assert_str_eq(err, "cannot be read: No such file or directory");
}
END_TEST

START_TEST(test_resolve_order)
{
	ck_assert_str_eq(ts_config_resolve_path("/x.conf"), "/x.conf");
	setenv("THREADSTORE_CONFIG", "/env.conf", 1);
	ck_assert_str_eq(ts_config_resolve_path(NULL), "/env.conf");
	unsetenv("THREADSTORE_CONFIG");
	ck_assert_str_eq(ts_config_resolve_path(NULL), TS_DEFAULT_CONFIG);
	ck_assert_ptr_nonnull(strstr(TS_DEFAULT_CONFIG, "/threadstore/threadstore.conf"));
}
END_TEST

static Suite *
make_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("load");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_minimal_config_gets_defaults);
	tcase_add_test(tc, test_page_cache_is_on_or_off);
	tcase_add_test(tc, test_surface_mounts);
	tcase_add_test(tc, test_unknown_key_is_named);
	tcase_add_test(tc, test_unknown_section_is_named);
	tcase_add_test(tc, test_out_of_range_numbers_are_refused);
	tcase_add_test(tc, test_missing_database_name_is_named);
	tcase_add_test(tc, test_missing_secret_is_named);
	tcase_add_test(tc, test_short_secret_is_refused);
	tcase_add_test(tc, test_environment_secret_wins);
	tcase_add_test(tc, test_secret_file_and_password_file);
	tcase_add_test(tc, test_unreadable_secret_file_is_named);
	tcase_add_test(tc, test_bad_algorithm_and_mode);
	tcase_add_test(tc, test_rs256_needs_public_key_file);
	tcase_add_test(tc, test_remote_user_mode_needs_no_secret);
	tcase_add_test(tc, test_base_path_shapes);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_resolve_order);
	tcase_add_test(tc, test_cluster_hosts_are_parsed_in_order);
	tcase_add_test(tc, test_single_server_has_no_cluster_settings);
	tcase_add_test(tc, test_bad_cluster_hosts_are_refused);
	suite_add_tcase(s, tc);
	return s;
}

#include "check_main.h"
