/* Query-string lookup: decoding, repeats, bad escapes. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"

static enum ts_query_status
get(const char *q, const char *name, char **v)
{
	size_t len;

	return ts_query_get(q, strlen(q), name, v, &len);
}

START_TEST(test_finds_a_plain_value)
{
	char *v;

	ck_assert_int_eq(get("limit=20&order=asc", "order", &v), TS_QUERY_FOUND);
	ck_assert_str_eq(v, "asc");
	free(v);
}
END_TEST

START_TEST(test_absent_parameter)
{
	char *v;

	ck_assert_int_eq(get("limit=20", "order", &v), TS_QUERY_ABSENT);
	ck_assert_ptr_null(v);
	ck_assert_int_eq(get("", "order", &v), TS_QUERY_ABSENT);
}
END_TEST

START_TEST(test_name_must_match_whole)
{
	char *v;

	ck_assert_int_eq(get("xlimit=1&limitx=2", "limit", &v), TS_QUERY_ABSENT);
}
END_TEST

START_TEST(test_last_repeat_wins)
{
	char *v;

	ck_assert_int_eq(get("limit=1&limit=2&limit=3", "limit", &v), TS_QUERY_FOUND);
	ck_assert_str_eq(v, "3");
	free(v);
}
END_TEST

START_TEST(test_empty_value_and_bare_name)
{
	char *v;

	ck_assert_int_eq(get("run_id=", "run_id", &v), TS_QUERY_FOUND);
	ck_assert_str_eq(v, "");
	free(v);
	ck_assert_int_eq(get("run_id", "run_id", &v), TS_QUERY_FOUND);
	ck_assert_str_eq(v, "");
	free(v);
}
END_TEST

START_TEST(test_percent_and_plus_decoding)
{
	char *v;

	ck_assert_int_eq(get("ns=org%2Fteam+a%3A1", "ns", &v), TS_QUERY_FOUND);
	ck_assert_str_eq(v, "org/team a:1");
	free(v);
	ck_assert_int_eq(get("t=2024-01-01T00%3A00%3A00%2B02%3A00", "t", &v), TS_QUERY_FOUND);
	ck_assert_str_eq(v, "2024-01-01T00:00:00+02:00");
	free(v);
}
END_TEST

START_TEST(test_bad_escapes_are_rejected)
{
	char *v;

	ck_assert_int_eq(get("a=%zz", "a", &v), TS_QUERY_BAD_ENCODING);
	ck_assert_int_eq(get("a=%4", "a", &v), TS_QUERY_BAD_ENCODING);
	ck_assert_int_eq(get("a=%", "a", &v), TS_QUERY_BAD_ENCODING);
	/* A decoded NUL would cut the value short: refused. */
	ck_assert_int_eq(get("a=x%00y", "a", &v), TS_QUERY_BAD_ENCODING);
}
END_TEST

static Suite *
make_suite(void)
{
	Suite *s = suite_create("query");
	TCase *tc = tcase_create("get");

	tcase_add_test(tc, test_finds_a_plain_value);
	tcase_add_test(tc, test_absent_parameter);
	tcase_add_test(tc, test_name_must_match_whole);
	tcase_add_test(tc, test_last_repeat_wins);
	tcase_add_test(tc, test_empty_value_and_bare_name);
	tcase_add_test(tc, test_percent_and_plus_decoding);
	tcase_add_test(tc, test_bad_escapes_are_rejected);
	suite_add_tcase(s, tc);
	return s;
}

#include "check_main.h"
