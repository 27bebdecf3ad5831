/* CORS: which cors_origins values load, which Origin headers match, and
 * which headers an answer and a preflight get (API reference: CORS). */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "cors.h"
#include "request.h"
#include "response.h"

static const char *
header(const struct ts_response *res, const char *name)
{
	size_t i;

	for (i = 0; i < res->nheaders; i++)
		if (strcmp(res->headers[i].name, name) == 0)
			return res->headers[i].value;
	return NULL;
}

START_TEST(test_valid_origins_load)
{
	struct ts_cors c;

	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(ts_cors_parse("https://a.example  http://localhost:3000\thttp://[::1]:8080", &c),
	    TS_CORS_OK);
	ck_assert_uint_eq(c.n, 3);
	ck_assert_str_eq(c.origins[1], "http://localhost:3000");
	ck_assert_int_eq(ts_cors_parse("", &c), TS_CORS_OK);
	ck_assert_uint_eq(c.n, 0);
	ck_assert_int_eq(ts_cors_parse("*", &c), TS_CORS_OK);
	ck_assert_int_eq(c.any, 1);
	ts_cors_free(&c);
}
END_TEST

START_TEST(test_bad_origins_are_refused)
{
	static const char *const bad[] = {
		"https://a.example/", "https://a.example/app", "HTTPS://a.example", "https://A.example",
		"ftp://a.example", "https://", "a.example", "https://a.example:443", "http://a.example:80",
		"https://a.example:0", "https://a.example:65536", "https://a.example:08080",
		"https://user@a.example", "https://.example", "https://a.example.", "https://[]",
		"null", "https://*.example", "https://a.example?x", NULL
	};
	struct ts_cors c;
	size_t i;

	memset(&c, 0, sizeof(c));
	for (i = 0; bad[i] != NULL; i++) {
		ck_assert_msg(!ts_cors_valid_origin(bad[i]), "%s was taken for an origin", bad[i]);
		ck_assert_int_eq(ts_cors_parse(bad[i], &c), TS_CORS_BAD_ORIGIN);
		ck_assert_uint_eq(c.n, 0);
	}
}
END_TEST

START_TEST(test_star_must_stand_alone)
{
	struct ts_cors c;

	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(ts_cors_parse("* https://a.example", &c), TS_CORS_STAR_NOT_ALONE);
	ck_assert_int_eq(ts_cors_parse("https://a.example *", &c), TS_CORS_STAR_NOT_ALONE);
	ck_assert_int_eq(c.any, 0);
	ck_assert_uint_eq(c.n, 0);
}
END_TEST

START_TEST(test_too_many_or_too_long_origins_are_refused)
{
	char buf[TS_MAX_CORS_ORIGINS * 32 + 64], host[TS_MAX_CORS_ORIGIN_BYTES + 2];
	struct ts_cors c;
	size_t used = 0;
	int i;

	memset(&c, 0, sizeof(c));
	for (i = 0; i <= TS_MAX_CORS_ORIGINS; i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "https://h%d.example ", i);
	ck_assert_int_eq(ts_cors_parse(buf, &c), TS_CORS_TOO_MANY);
	ck_assert_uint_eq(c.n, 0);
	memcpy(host, "https://", 8);
	memset(host + 8, 'a', sizeof(host) - 9);
	host[sizeof(host) - 1] = '\0';
	ck_assert_int_eq(ts_cors_parse(host, &c), TS_CORS_BAD_ORIGIN);
}
END_TEST

START_TEST(test_origin_matches_exactly)
{
	struct ts_cors c;

	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(ts_cors_parse("https://a.example http://localhost:3000", &c), TS_CORS_OK);
	ck_assert(ts_cors_allows(&c, "https://a.example"));
	ck_assert(ts_cors_allows(&c, "http://localhost:3000"));
	ck_assert(!ts_cors_allows(&c, NULL));
	ck_assert(!ts_cors_allows(&c, "https://a.example.evil"));
	ck_assert(!ts_cors_allows(&c, "https://evil.a.example"));
	ck_assert(!ts_cors_allows(&c, "http://a.example"));
	ck_assert(!ts_cors_allows(&c, "https://a.example:8443"));
	ck_assert(!ts_cors_allows(&c, "http://localhost"));
	ck_assert(!ts_cors_allows(&c, "https://A.example"));
	ck_assert(!ts_cors_allows(&c, "null"));
	ck_assert(!ts_cors_allows(&c, ""));
	ts_cors_free(&c);
}
END_TEST

START_TEST(test_empty_configuration_adds_nothing)
{
	struct ts_cors c;
	struct ts_response res;

	memset(&c, 0, sizeof(c));
	memset(&res, 0, sizeof(res));
	ck_assert(!ts_cors_allows(&c, "https://a.example"));
	ck_assert_int_eq(ts_cors_headers(&c, "https://a.example", &res), 0);
	ck_assert_int_eq(ts_cors_preflight(&c, "https://a.example", "GET", TS_M_GET, &res), 0);
	ck_assert_uint_eq(res.nheaders, 0);
}
END_TEST

START_TEST(test_allowed_origin_is_echoed_with_vary)
{
	struct ts_cors c;
	struct ts_response res;

	memset(&c, 0, sizeof(c));
	memset(&res, 0, sizeof(res));
	ck_assert_int_eq(ts_cors_parse("https://a.example", &c), TS_CORS_OK);
	ck_assert_int_eq(ts_cors_headers(&c, "https://a.example", &res), 0);
	ck_assert_str_eq(header(&res, "Access-Control-Allow-Origin"), "https://a.example");
	ck_assert_str_eq(header(&res, "Vary"), "Origin");
	ck_assert_ptr_nonnull(strstr(header(&res, "Access-Control-Expose-Headers"), "X-Request-Id"));
	ck_assert_ptr_null(header(&res, "Access-Control-Allow-Credentials"));
	ts_response_free(&res);
	ts_cors_free(&c);
}
END_TEST

START_TEST(test_disallowed_origin_gets_only_vary)
{
	struct ts_cors c;
	struct ts_response res;

	memset(&c, 0, sizeof(c));
	memset(&res, 0, sizeof(res));
	ck_assert_int_eq(ts_cors_parse("https://a.example", &c), TS_CORS_OK);
	ck_assert_int_eq(ts_cors_headers(&c, "https://b.example", &res), 0);
	ck_assert_int_eq(ts_cors_preflight(&c, "https://b.example", "GET", TS_M_GET, &res), 0);
	ck_assert_uint_eq(res.nheaders, 1);
	ck_assert_str_eq(header(&res, "Vary"), "Origin");
	ts_response_free(&res);
	ts_cors_free(&c);
}
END_TEST

START_TEST(test_star_answers_star_without_credentials)
{
	struct ts_cors c;
	struct ts_response res;

	memset(&c, 0, sizeof(c));
	memset(&res, 0, sizeof(res));
	ck_assert_int_eq(ts_cors_parse("*", &c), TS_CORS_OK);
	ck_assert_int_eq(ts_cors_headers(&c, "https://anyone.example", &res), 0);
	ck_assert_str_eq(header(&res, "Access-Control-Allow-Origin"), "*");
	ck_assert_ptr_null(header(&res, "Access-Control-Allow-Credentials"));
	ck_assert_ptr_null(header(&res, "Vary"));
	ts_response_free(&res);
	ts_cors_free(&c);
}
END_TEST

START_TEST(test_preflight_allows_only_the_routes_methods)
{
	struct ts_cors c;
	struct ts_response res;

	memset(&c, 0, sizeof(c));
	memset(&res, 0, sizeof(res));
	ck_assert_int_eq(ts_cors_parse("https://a.example", &c), TS_CORS_OK);
	ck_assert_int_eq(ts_cors_preflight(&c, "https://a.example", "DELETE", TS_M_GET | TS_M_HEAD | TS_M_PUT,
	    &res), 0);
	ck_assert_int_eq(ts_cors_preflight(&c, "https://a.example", "put", TS_M_GET | TS_M_HEAD | TS_M_PUT,
	    &res), 0);
	ck_assert_int_eq(ts_cors_preflight(&c, "https://a.example", NULL, TS_M_GET, &res), 0);
	ck_assert_uint_eq(res.nheaders, 0);
	ck_assert_int_eq(ts_cors_preflight(&c, "https://a.example", "PUT", TS_M_GET | TS_M_HEAD | TS_M_PUT,
	    &res), 0);
	ck_assert_str_eq(header(&res, "Access-Control-Allow-Methods"), "GET, HEAD, PUT");
	ck_assert_ptr_nonnull(strstr(header(&res, "Access-Control-Allow-Headers"), "Authorization"));
	ck_assert_ptr_nonnull(strstr(header(&res, "Access-Control-Allow-Headers"), "X-Stainless-Retry-Count"));
	ck_assert_str_eq(header(&res, "Access-Control-Max-Age"), "600");
	ts_response_free(&res);
	ts_cors_free(&c);
}
END_TEST

static Suite *
make_suite(void)
{
	Suite *s = suite_create("cors");
	TCase *tc = tcase_create("cors");

	tcase_add_test(tc, test_valid_origins_load);
	tcase_add_test(tc, test_bad_origins_are_refused);
	tcase_add_test(tc, test_star_must_stand_alone);
	tcase_add_test(tc, test_too_many_or_too_long_origins_are_refused);
	tcase_add_test(tc, test_origin_matches_exactly);
	tcase_add_test(tc, test_empty_configuration_adds_nothing);
	tcase_add_test(tc, test_allowed_origin_is_echoed_with_vary);
	tcase_add_test(tc, test_disallowed_origin_gets_only_vary);
	tcase_add_test(tc, test_star_answers_star_without_credentials);
	tcase_add_test(tc, test_preflight_allows_only_the_routes_methods);
	suite_add_tcase(s, tc);
	return s;
}

#include "check_main.h"
