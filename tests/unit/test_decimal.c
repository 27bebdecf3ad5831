/* ts_decimal: digits, zero padding, the extremes, and the width cap. */
#include <check.h>
#include <limits.h>
#include <string.h>

#include "decimal.h"

START_TEST(test_plain_values)
{
	char d[TS_DECIMAL_MAX];

	ck_assert_uint_eq(ts_decimal(d, 0, 1), 1);
	ck_assert_str_eq(d, "0");
	ck_assert_uint_eq(ts_decimal(d, 7, 0), 1);
	ck_assert_str_eq(d, "7");
	ck_assert_uint_eq(ts_decimal(d, 200, 1), 3);
	ck_assert_str_eq(d, "200");
	ck_assert_uint_eq(ts_decimal(d, 1234567890, 1), 10);
	ck_assert_str_eq(d, "1234567890");
}
END_TEST

START_TEST(test_zero_padding)
{
	char d[TS_DECIMAL_MAX];

	ck_assert_uint_eq(ts_decimal(d, 5, 3), 3);
	ck_assert_str_eq(d, "005");
	ck_assert_uint_eq(ts_decimal(d, 0, 3), 3);
	ck_assert_str_eq(d, "000");
	/* a value wider than width is never cut */
	ck_assert_uint_eq(ts_decimal(d, 12345, 3), 5);
	ck_assert_str_eq(d, "12345");
}
END_TEST

START_TEST(test_extremes)
{
	char d[TS_DECIMAL_MAX];

	ck_assert_uint_eq(ts_decimal(d, ULLONG_MAX, 1), 20);
	ck_assert_str_eq(d, "18446744073709551615");
	/* a width past the buffer stops at 20 digits, NUL-terminated */
	memset(d, 'x', sizeof(d));
	ck_assert_uint_eq(ts_decimal(d, 42, 99), 20);
	ck_assert_str_eq(d, "00000000000000000042");
}
END_TEST

static Suite *
make_suite(void)
{
	Suite *s = suite_create("decimal");
	TCase *tc = tcase_create("decimal");

	tcase_add_test(tc, test_plain_values);
	tcase_add_test(tc, test_zero_padding);
	tcase_add_test(tc, test_extremes);
	suite_add_tcase(s, tc);
	return s;
}

#include "check_main.h"
