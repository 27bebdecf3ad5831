/* Route matching: literals beat placeholders, 404 vs 405, Allow, params. */
#include <check.h>
#include <string.h>

#include "router.h"

static void h_a(struct ts_ctx *c) { (void)c; }
static void h_b(struct ts_ctx *c) { (void)c; }

static const struct ts_route table[] = {
	{ TS_M_GET, "/api/health", h_a, 0 },
	{ TS_M_GET, "/api/settings", h_a, 0 },
	{ TS_M_PUT, "/api/settings", h_b, 0 },
	{ TS_M_GET | TS_M_POST, "/api/threads/{thread_id}/messages", h_a, 0 },
	{ TS_M_GET | TS_M_PATCH | TS_M_DELETE, "/api/threads/{thread_id}/messages/{message_id}", h_a, 0 },
	{ TS_M_POST, "/api/threads/{thread_id}/messages/batch", h_b, 0 },
};
#define N (sizeof(table) / sizeof(table[0]))

START_TEST(test_literal_route_matches)
{
	struct ts_match m;

	ck_assert_int_eq(ts_route_match(table, N, TS_M_GET, "/api/health", &m), TS_MATCH_OK);
	ck_assert_ptr_eq(m.route, &table[0]);
	ck_assert_int_eq(m.nparams, 0);
}
END_TEST

START_TEST(test_method_picks_the_handler)
{
	struct ts_match m;

	ck_assert_int_eq(ts_route_match(table, N, TS_M_PUT, "/api/settings", &m), TS_MATCH_OK);
	ck_assert_ptr_eq(m.route, &table[2]);
}
END_TEST

START_TEST(test_head_is_served_by_get)
{
	struct ts_match m;

	ck_assert_int_eq(ts_route_match(table, N, TS_M_HEAD, "/api/settings", &m), TS_MATCH_OK);
	ck_assert_ptr_eq(m.route, &table[1]);
}
END_TEST

START_TEST(test_unknown_path_is_not_found)
{
	struct ts_match m;

	ck_assert_int_eq(ts_route_match(table, N, TS_M_GET, "/api/nothing", &m), TS_MATCH_NOT_FOUND);
	ck_assert_int_eq(ts_route_match(table, N, TS_M_GET, "/", &m), TS_MATCH_NOT_FOUND);
	ck_assert_int_eq(ts_route_match(table, N, TS_M_GET, "", &m), TS_MATCH_NOT_FOUND);
	ck_assert_int_eq(ts_route_match(table, N, TS_M_GET, NULL, &m), TS_MATCH_NOT_FOUND);
}
END_TEST

START_TEST(test_trailing_slash_and_double_slash_are_not_found)
{
	struct ts_match m;

	ck_assert_int_eq(ts_route_match(table, N, TS_M_GET, "/api/health/", &m), TS_MATCH_NOT_FOUND);
	ck_assert_int_eq(ts_route_match(table, N, TS_M_GET, "/api//health", &m), TS_MATCH_NOT_FOUND);
}
END_TEST

START_TEST(test_wrong_method_gives_405_with_allow)
{
	struct ts_match m;
	char allow[64];

	ck_assert_int_eq(ts_route_match(table, N, TS_M_DELETE, "/api/settings", &m),
	    TS_MATCH_METHOD_NOT_ALLOWED);
	ts_allow_string(m.allow, allow, sizeof(allow));
	ck_assert_str_eq(allow, "GET, HEAD, PUT");
}
END_TEST

START_TEST(test_placeholders_capture_segments)
{
	struct ts_match m;

	ck_assert_int_eq(ts_route_match(table, N, TS_M_PATCH, "/api/threads/T1/messages/M2", &m), TS_MATCH_OK);
	ck_assert_int_eq(m.nparams, 2);
	ck_assert_str_eq(m.params[0], "T1");
	ck_assert_str_eq(m.params[1], "M2");
}
END_TEST

START_TEST(test_literal_segment_wins_over_id)
{
	struct ts_match m;
	char allow[64];

	/* GET .../messages/batch is the batch route's 405, not a message lookup. */
	ck_assert_int_eq(ts_route_match(table, N, TS_M_GET, "/api/threads/T1/messages/batch", &m),
	    TS_MATCH_METHOD_NOT_ALLOWED);
	ts_allow_string(m.allow, allow, sizeof(allow));
	ck_assert_str_eq(allow, "POST");
	ck_assert_int_eq(ts_route_match(table, N, TS_M_POST, "/api/threads/T1/messages/batch", &m), TS_MATCH_OK);
	ck_assert_ptr_eq(m.route, &table[5]);
}
END_TEST

START_TEST(test_too_many_segments_is_not_found)
{
	struct ts_match m;

	ck_assert_int_eq(ts_route_match(table, N, TS_M_GET, "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q", &m),
	    TS_MATCH_NOT_FOUND);
}
END_TEST

static Suite *
make_suite(void)
{
	Suite *s = suite_create("router");
	TCase *tc = tcase_create("match");

	tcase_add_test(tc, test_literal_route_matches);
	tcase_add_test(tc, test_method_picks_the_handler);
	tcase_add_test(tc, test_head_is_served_by_get);
	tcase_add_test(tc, test_unknown_path_is_not_found);
	tcase_add_test(tc, test_trailing_slash_and_double_slash_are_not_found);
	tcase_add_test(tc, test_wrong_method_gives_405_with_allow);
	tcase_add_test(tc, test_placeholders_capture_segments);
	tcase_add_test(tc, test_literal_segment_wins_over_id);
	tcase_add_test(tc, test_too_many_segments_is_not_found);
	suite_add_tcase(s, tc);
	return s;
}

#include "check_main.h"
