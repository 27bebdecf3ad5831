/* Paging and time-filter logic: the scan a page needs, RFC 3339 bounds, code points. */
#include <check.h>
#include <string.h>

#include "json_in.h"
#include "paging.h"
#include "timefmt.h"
#include "validate.h"

START_TEST(test_after_pages_scan_in_the_requested_order)
{
	struct ts_page_scan s = ts_page_scan_for(TS_ORDER_ASC, TS_CURSOR_AFTER);

	ck_assert_int_eq(s.upward, 1);
	ck_assert_int_eq(s.reverse, 0);
	s = ts_page_scan_for(TS_ORDER_DESC, TS_CURSOR_AFTER);
	ck_assert_int_eq(s.upward, 0);
	ck_assert_int_eq(s.reverse, 0);
}
END_TEST

START_TEST(test_first_pages_scan_like_after_pages)
{
	struct ts_page_scan s = ts_page_scan_for(TS_ORDER_DESC, TS_CURSOR_NONE);

	ck_assert_int_eq(s.upward, 0);
	ck_assert_int_eq(s.reverse, 0);
	s = ts_page_scan_for(TS_ORDER_ASC, TS_CURSOR_NONE);
	ck_assert_int_eq(s.upward, 1);
}
END_TEST

START_TEST(test_before_pages_read_nearest_first_and_turn_around)
{
	/* desc, before X: the items newer than X, nearest first, shown newest first. */
	struct ts_page_scan s = ts_page_scan_for(TS_ORDER_DESC, TS_CURSOR_BEFORE);

	ck_assert_int_eq(s.upward, 1);
	ck_assert_int_eq(s.reverse, 1);
	s = ts_page_scan_for(TS_ORDER_ASC, TS_CURSOR_BEFORE);
	ck_assert_int_eq(s.upward, 0);
	ck_assert_int_eq(s.reverse, 1);
}
END_TEST

START_TEST(test_rfc3339_with_offsets_becomes_utc)
{
	char out[TS_DB_TIME_LEN + 1];

	ck_assert_int_eq(ts_time_parse_rfc3339("2024-01-15T10:30:00Z", 0, out), 0);
	ck_assert_str_eq(out, "2024-01-15 10:30:00.000");
	ck_assert_int_eq(ts_time_parse_rfc3339("2024-01-15T10:30:00.5+02:00", 0, out), 0);
	ck_assert_str_eq(out, "2024-01-15 08:30:00.500");
	ck_assert_int_eq(ts_time_parse_rfc3339("2024-01-01T00:30:00-01:00", 0, out), 0);
	ck_assert_str_eq(out, "2024-01-01 01:30:00.000");
	ck_assert_int_eq(ts_time_parse_rfc3339("2024-01-01T00:10:00+01:00", 0, out), 0);
	ck_assert_str_eq(out, "2023-12-31 23:10:00.000");
	ck_assert_int_eq(ts_time_parse_rfc3339("2024-02-29T12:00:00Z", 0, out), 0);
}
END_TEST

START_TEST(test_sub_millisecond_digits_round_the_right_way)
{
	char out[TS_DB_TIME_LEN + 1];

	/* "after" drops them; "before" rounds up, so a strict bound keeps its meaning. */
	ck_assert_int_eq(ts_time_parse_rfc3339("2024-01-15T10:30:00.123456Z", 0, out), 0);
	ck_assert_str_eq(out, "2024-01-15 10:30:00.123");
	ck_assert_int_eq(ts_time_parse_rfc3339("2024-01-15T10:30:00.123456Z", 1, out), 0);
	ck_assert_str_eq(out, "2024-01-15 10:30:00.124");
	ck_assert_int_eq(ts_time_parse_rfc3339("2024-01-15T10:30:00.123000Z", 1, out), 0);
	ck_assert_str_eq(out, "2024-01-15 10:30:00.123");
	ck_assert_int_eq(ts_time_parse_rfc3339("2024-01-15T10:30:59.9995Z", 1, out), 0);
	ck_assert_str_eq(out, "2024-01-15 10:31:00.000");
}
END_TEST

START_TEST(test_malformed_timestamps_are_refused)
{
	static const char *const bad[] = {
		"2024-01-15", "2024-01-15T10:30:00", "2024-01-15 10:30:00Z", "2024-13-01T00:00:00Z",
		"2024-01-32T00:00:00Z", "2024-01-15T24:00:00Z", "2024-01-15T10:30:00.Z",
		"2024-01-15T10:30:00+0200", "2024-01-15T10:30:00Zx", "", "yesterday",
		"2023-02-29T00:00:00Z", "2100-02-29T00:00:00Z", NULL
	};
	char out[TS_DB_TIME_LEN + 1];
	size_t i;

	for (i = 0; bad[i] != NULL; i++)
		ck_assert_msg(ts_time_parse_rfc3339(bad[i], 0, out) == -1, "%s should be refused", bad[i]);
}
END_TEST

START_TEST(test_code_points_not_bytes)
{
	ck_assert_uint_eq(ts_utf8_count("abc", 3), 3);
	ck_assert_uint_eq(ts_utf8_count("\xF0\x9F\x98\x80", 4), 1);        /* one emoji */
	ck_assert_uint_eq(ts_utf8_count("e\xCC\x81", 3), 2);               /* e + combining acute */
	ck_assert_uint_eq(ts_utf8_count("\xE4\xB8\xAD\xE6\x96\x87", 6), 2); /* two CJK */
}
END_TEST

START_TEST(test_utf8_validity)
{
	ck_assert(ts_utf8_valid("plain", 5));
	ck_assert(ts_utf8_valid("\xF0\x9F\x98\x80", 4));
	ck_assert(!ts_utf8_valid("\xC0\x80", 2));          /* overlong NUL */
	ck_assert(!ts_utf8_valid("\xED\xA0\x80", 3));      /* a surrogate */
	ck_assert(!ts_utf8_valid("\xF0\x9F\x98", 3));      /* cut short */
	ck_assert(!ts_utf8_valid("a\0b", 3));              /* NUL */
}
END_TEST

static Suite *
make_suite(void)
{
	Suite *s = suite_create("paging");
	TCase *tc = tcase_create("paging");

	tcase_add_test(tc, test_after_pages_scan_in_the_requested_order);
	tcase_add_test(tc, test_first_pages_scan_like_after_pages);
	tcase_add_test(tc, test_before_pages_read_nearest_first_and_turn_around);
	tcase_add_test(tc, test_rfc3339_with_offsets_becomes_utc);
	tcase_add_test(tc, test_sub_millisecond_digits_round_the_right_way);
	tcase_add_test(tc, test_malformed_timestamps_are_refused);
	tcase_add_test(tc, test_code_points_not_bytes);
	tcase_add_test(tc, test_utf8_validity);
	suite_add_tcase(s, tc);
	return s;
}

#include "check_main.h"
