/* FastCGI parameters -> request: path under a mount, ids, body reading. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"

/* A fake web server: a NULL-terminated list of name/value pairs and a body. */
struct fake {
	const char *const *env;
	const char *body;
	size_t body_len;
	size_t pos;
	size_t chunk;           /* bytes per read call, to exercise short reads */
};

static const char *
fake_param(void *ctx, const char *name)
{
	struct fake *f = ctx;
	size_t i;

	for (i = 0; f->env[i] != NULL; i += 2)
		if (strcmp(f->env[i], name) == 0)
			return f->env[i + 1];
	return NULL;
}

static ssize_t
fake_read(void *ctx, char *buf, size_t n)
{
	struct fake *f = ctx;
	size_t left = f->body_len - f->pos;

	if (n > left)
		n = left;
	if (f->chunk > 0 && n > f->chunk)
		n = f->chunk;
	memcpy(buf, f->body + f->pos, n);
	f->pos += n;
	return (ssize_t)n;
}

static struct ts_request req;
static struct fake fk;
static struct ts_request_source src = { fake_param, fake_read, &fk, NULL };

static void
init_with(const char *const *env, const char *body, const char *base)
{
	memset(&fk, 0, sizeof(fk));
	fk.env = env;
	fk.body = body;
	fk.body_len = body != NULL ? strlen(body) : 0;
	fk.chunk = 3;
	ck_assert_int_eq(ts_request_init(&req, &src, base), 0);
}

static void
teardown(void)
{
	ts_request_free(&req);
}

START_TEST(test_path_from_request_uri_at_root)
{
	static const char *const env[] = { "REQUEST_METHOD", "GET", "REQUEST_URI", "/api/health?x=1",
	    "QUERY_STRING", "x=1", NULL };

	init_with(env, NULL, "");
	ck_assert_int_eq(req.method, TS_M_GET);
	ck_assert_str_eq(req.path, "/api/health");
	ck_assert_str_eq(req.query, "x=1");
	ck_assert_int_eq(req.query_len, 3);
}
END_TEST

START_TEST(test_path_below_base_path)
{
	static const char *const env[] = { "REQUEST_METHOD", "GET", "REQUEST_URI", "/chat/api/health", NULL };

	init_with(env, NULL, "/chat");
	ck_assert_str_eq(req.path, "/api/health");
}
END_TEST

START_TEST(test_path_outside_base_path_is_unroutable)
{
	static const char *const env[] = { "REQUEST_METHOD", "GET", "REQUEST_URI", "/chatter/api/health", NULL };

	init_with(env, NULL, "/chat");
	ck_assert_ptr_null(req.path);
}
END_TEST

START_TEST(test_path_info_when_no_base_path)
{
	static const char *const env[] = { "REQUEST_METHOD", "GET", "SCRIPT_NAME", "/chat/threadstore.fcgi",
	    "PATH_INFO", "/api/settings", "REQUEST_URI", "/chat/api/settings", NULL };

	init_with(env, NULL, "");
	ck_assert_str_eq(req.path, "/api/settings");
}
END_TEST

START_TEST(test_sane_request_id_is_kept)
{
	static const char *const env[] = { "REQUEST_METHOD", "GET", "REQUEST_URI", "/",
	    "HTTP_X_REQUEST_ID", "abc-DEF_1.2", NULL };

	init_with(env, NULL, "");
	ck_assert_str_eq(req.request_id, "abc-DEF_1.2");
}
END_TEST

START_TEST(test_insane_request_id_is_replaced)
{
	static const char *const env[] = { "REQUEST_METHOD", "GET", "REQUEST_URI", "/",
	    "HTTP_X_REQUEST_ID", "has space", NULL };

	init_with(env, NULL, "");
	ck_assert_int_eq(strlen(req.request_id), 32);
	ck_assert_int_eq(strspn(req.request_id, "0123456789abcdef"), 32);
}
END_TEST

START_TEST(test_request_id_of_65_chars_is_replaced)
{
	static char long_id[66];
	static const char *env[] = { "REQUEST_METHOD", "GET", "REQUEST_URI", "/",
	    "HTTP_X_REQUEST_ID", long_id, NULL };

	memset(long_id, 'a', 65);
	long_id[65] = '\0';
	init_with(env, NULL, "");
	ck_assert_int_eq(strlen(req.request_id), 32);
	long_id[64] = '\0';
	ts_request_free(&req);
	init_with(env, NULL, "");
	ck_assert_str_eq(req.request_id, long_id);
}
END_TEST

START_TEST(test_body_read_exactly)
{
	static const char *const env[] = { "REQUEST_METHOD", "PUT", "REQUEST_URI", "/",
	    "CONTENT_LENGTH", "11", "CONTENT_TYPE", "application/json", NULL };

	init_with(env, "{\"a\": true}", "");
	ck_assert(ts_request_has_body(&req));
	ck_assert_int_eq(ts_request_read_body(&req, 1024), TS_BODY_OK);
	ck_assert_str_eq(req.body, "{\"a\": true}");
	ck_assert_int_eq(req.body_len, 11);
}
END_TEST

START_TEST(test_body_shorter_than_content_length)
{
	static const char *const env[] = { "REQUEST_METHOD", "PUT", "REQUEST_URI", "/",
	    "CONTENT_LENGTH", "20", NULL };

	init_with(env, "{\"a\": true}", "");
	ck_assert_int_eq(ts_request_read_body(&req, 1024), TS_BODY_LENGTH_MISMATCH);
}
END_TEST

START_TEST(test_body_longer_than_content_length)
{
	static const char *const env[] = { "REQUEST_METHOD", "PUT", "REQUEST_URI", "/",
	    "CONTENT_LENGTH", "5", NULL };

	init_with(env, "{\"a\": true}", "");
	ck_assert_int_eq(ts_request_read_body(&req, 1024), TS_BODY_LENGTH_MISMATCH);
}
END_TEST

START_TEST(test_content_length_over_cap_is_not_read)
{
	static const char *const env[] = { "REQUEST_METHOD", "PUT", "REQUEST_URI", "/",
	    "CONTENT_LENGTH", "1025", NULL };

	init_with(env, "{}", "");
	ck_assert_int_eq(ts_request_read_body(&req, 1024), TS_BODY_TOO_LARGE);
	ck_assert_int_eq(fk.pos, 0);
}
END_TEST

START_TEST(test_bad_content_length)
{
	static const char *const env[] = { "REQUEST_METHOD", "PUT", "REQUEST_URI", "/",
	    "CONTENT_LENGTH", "12abc", NULL };

	init_with(env, "{}", "");
	ck_assert(ts_request_has_body(&req));
	ck_assert_int_eq(ts_request_read_body(&req, 1024), TS_BODY_LENGTH_MISMATCH);
}
END_TEST

START_TEST(test_empty_post_reads_nothing)
{
	static const char *const env[] = { "REQUEST_METHOD", "POST", "REQUEST_URI", "/",
	    "CONTENT_LENGTH", "0", NULL };

	init_with(env, "ignored", "");
	ck_assert(!ts_request_has_body(&req));
	ck_assert_int_eq(ts_request_read_body(&req, 1024), TS_BODY_OK);
	ck_assert_int_eq(fk.pos, 0);
}
END_TEST

START_TEST(test_chunked_body_without_length_is_read_to_its_end)
{
	static const char *const env[] = { "REQUEST_METHOD", "POST", "REQUEST_URI", "/",
	    "HTTP_TRANSFER_ENCODING", "chunked", NULL };

	init_with(env, "{\"a\": true}", "");
	ck_assert(ts_request_has_body(&req));
	ck_assert_int_eq(ts_request_read_body(&req, 1024), TS_BODY_OK);
	ck_assert_str_eq(req.body, "{\"a\": true}");
	ck_assert_int_eq(req.body_len, 11);
}
END_TEST

START_TEST(test_chunked_body_over_cap_is_too_large)
{
	static const char *const env[] = { "REQUEST_METHOD", "POST", "REQUEST_URI", "/",
	    "HTTP_TRANSFER_ENCODING", "chunked", NULL };

	init_with(env, "{\"a\": true}", "");
	ck_assert_int_eq(ts_request_read_body(&req, 10), TS_BODY_TOO_LARGE);
	ck_assert_int_eq(fk.pos, 11);
}
END_TEST

START_TEST(test_content_length_wins_over_transfer_encoding)
{
	static const char *const env[] = { "REQUEST_METHOD", "POST", "REQUEST_URI", "/",
	    "CONTENT_LENGTH", "2", "HTTP_TRANSFER_ENCODING", "chunked", NULL };

	init_with(env, "{}", "");
	ck_assert_int_eq(ts_request_read_body(&req, 1024), TS_BODY_OK);
	ck_assert_str_eq(req.body, "{}");
}
END_TEST

START_TEST(test_json_media_type_rules)
{
	static const char *env[] = { "REQUEST_METHOD", "PUT", "REQUEST_URI", "/",
	    "CONTENT_TYPE", NULL, NULL };
	static const char *const yes[] = { "application/json", "Application/JSON; charset=utf-8",
	    "application/json;charset=UTF-8", NULL };
	static const char *const no[] = { "text/plain", "application/jsonx", "application/json-patch+json",
	    "", NULL };
	size_t i;

	for (i = 0; yes[i] != NULL; i++) {
		env[5] = yes[i];
		init_with(env, NULL, "");
		ck_assert_msg(ts_request_is_json(&req), "%s should be JSON", yes[i]);
		ts_request_free(&req);
	}
	for (i = 0; no[i] != NULL; i++) {
		env[5] = no[i];
		init_with(env, NULL, "");
		ck_assert_msg(!ts_request_is_json(&req), "%s should not be JSON", no[i]);
		ts_request_free(&req);
	}
	env[5] = NULL;
	init_with(env, NULL, "");
}
END_TEST

START_TEST(test_unknown_method)
{
	static const char *const env[] = { "REQUEST_METHOD", "TRACE", "REQUEST_URI", "/", NULL };

	init_with(env, NULL, "");
	ck_assert_int_eq(req.method, TS_M_OTHER);
}
END_TEST

START_TEST(test_options_and_cors_headers_are_read)
{
	static char long_origin[TS_MAX_CORS_ORIGIN_BYTES + 40];
	static const char *env[] = { "REQUEST_METHOD", "OPTIONS", "REQUEST_URI", "/api/threads",
		"HTTP_ORIGIN", "https://app.example", "HTTP_ACCESS_CONTROL_REQUEST_METHOD", "POST", NULL };

	init_with(env, NULL, "");
	ck_assert_int_eq(req.method, TS_M_OPTIONS);
	ck_assert_str_eq(req.origin, "https://app.example");
	ck_assert_str_eq(req.cors_method, "POST");
	ts_request_free(&req);
	/* An over-long Origin is kept cut one byte past the longest origin
	 * the configuration takes, so it can match none. */
	memcpy(long_origin, "https://", 8);
	memset(long_origin + 8, 'a', sizeof(long_origin) - 9);
	env[5] = long_origin;
	init_with(env, NULL, "");
	ck_assert_uint_eq(strlen(req.origin), TS_MAX_CORS_ORIGIN_BYTES + 1);
}
END_TEST

/* The same parameters as one environment array ("NAME=value"), as libfcgi
 * hands them over: read in one pass, with the same result as one lookup a name. */
static const char *const *env_given;

static const char *const *
fake_envp(void *ctx)
{
	(void)ctx;
	return env_given;
}

START_TEST(test_environment_in_one_pass)
{
	static const char *const envp[] = {
		"SCRIPT_NAME=/x", "HTTP_ORIGINX=https://no.example", "BROKEN",
		"REQUEST_METHOD=OPTIONS", "REQUEST_URI=/chat/api/threads?limit=2",
		"QUERY_STRING=limit=2", "HTTP_ORIGIN=https://a.example",
		"HTTP_ORIGIN=https://second.example", "HTTP_ACCESS_CONTROL_REQUEST_METHOD=POST",
		"CONTENT_TYPE=application/json", "CONTENT_LENGTH=", "HTTP_AUTHORIZATION=Bearer t",
		"HTTP_X_REQUEST_ID=rid-1", "REMOTE_USER=alice", "AUTH_TYPE=Basic", "HTTP_X=a=b", NULL
	};
	struct ts_request_source env_src = { fake_param, fake_read, &fk, fake_envp };
	struct ts_request r;

	env_given = envp;

	ck_assert_int_eq(ts_request_init(&r, &env_src, "/chat"), 0);
	ck_assert_int_eq(r.method, TS_M_OPTIONS);
	ck_assert_str_eq(r.path, "/api/threads");
	ck_assert_str_eq(r.mount, "/chat");
	ck_assert_str_eq(r.query, "limit=2");
	ck_assert_str_eq(r.origin, "https://a.example");
	ck_assert_str_eq(r.cors_method, "POST");
	ck_assert_str_eq(r.content_type, "application/json");
	ck_assert_int_eq(r.content_length, -1);
	ck_assert_str_eq(r.authorization, "Bearer t");
	ck_assert_str_eq(r.request_id, "rid-1");
	ck_assert_str_eq(r.remote_user, "alice");
	ts_request_free(&r);
}
END_TEST

static Suite *
make_suite(void)
{
	Suite *s = suite_create("request");
	TCase *tc = tcase_create("parse");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_path_from_request_uri_at_root);
	tcase_add_test(tc, test_path_below_base_path);
	tcase_add_test(tc, test_path_outside_base_path_is_unroutable);
	tcase_add_test(tc, test_path_info_when_no_base_path);
	tcase_add_test(tc, test_sane_request_id_is_kept);
	tcase_add_test(tc, test_insane_request_id_is_replaced);
	tcase_add_test(tc, test_request_id_of_65_chars_is_replaced);
	tcase_add_test(tc, test_body_read_exactly);
	tcase_add_test(tc, test_body_shorter_than_content_length);
	tcase_add_test(tc, test_body_longer_than_content_length);
	tcase_add_test(tc, test_content_length_over_cap_is_not_read);
	tcase_add_test(tc, test_bad_content_length);
	tcase_add_test(tc, test_empty_post_reads_nothing);
	tcase_add_test(tc, test_chunked_body_without_length_is_read_to_its_end);
	tcase_add_test(tc, test_chunked_body_over_cap_is_too_large);
	tcase_add_test(tc, test_content_length_wins_over_transfer_encoding);
	tcase_add_test(tc, test_json_media_type_rules);
	tcase_add_test(tc, test_unknown_method);
	tcase_add_test(tc, test_options_and_cors_headers_are_read);
	tcase_add_test(tc, test_environment_in_one_pass);
	suite_add_tcase(s, tc);
	return s;
}

#include "check_main.h"
