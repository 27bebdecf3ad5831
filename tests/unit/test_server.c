/* The worker model's pure parts: the default worker count. */
#include <check.h>
#include <limits.h>

#include "ts_limits.h"
#include "server.h"

START_TEST(test_default_workers_are_four_per_processor)
{
	ck_assert_uint_eq(ts_workers_for_cpus(2), 2 * TS_WORKERS_PER_CPU);
	ck_assert_uint_eq(ts_workers_for_cpus(8), 8 * TS_WORKERS_PER_CPU);
	ck_assert_uint_eq(ts_workers_for_cpus(16), 16 * TS_WORKERS_PER_CPU);
}
END_TEST

START_TEST(test_default_workers_never_fall_below_the_floor)
{
	ck_assert_uint_eq(ts_workers_for_cpus(1), TS_MIN_DEFAULT_WORKERS);
	/* sysconf() failing (-1) or saying 0 counts as one processor. */
	ck_assert_uint_eq(ts_workers_for_cpus(0), TS_MIN_DEFAULT_WORKERS);
	ck_assert_uint_eq(ts_workers_for_cpus(-1), TS_MIN_DEFAULT_WORKERS);
	ck_assert_uint_eq(ts_workers_for_cpus(LONG_MIN), TS_MIN_DEFAULT_WORKERS);
}
END_TEST

START_TEST(test_default_workers_never_pass_the_cap_even_on_huge_counts)
{
	ck_assert_uint_eq(ts_workers_for_cpus(17), TS_MAX_DEFAULT_WORKERS);
	ck_assert_uint_eq(ts_workers_for_cpus(1024), TS_MAX_DEFAULT_WORKERS);
	/* cpus * 4 would overflow a long. */
	ck_assert_uint_eq(ts_workers_for_cpus(LONG_MAX), TS_MAX_DEFAULT_WORKERS);
}
END_TEST

START_TEST(test_default_workers_of_this_machine_are_within_bounds)
{
	unsigned int n = ts_default_workers();

	ck_assert_uint_ge(n, TS_MIN_DEFAULT_WORKERS);
	ck_assert_uint_le(n, TS_MAX_DEFAULT_WORKERS);
	ck_assert_uint_le(TS_MAX_DEFAULT_WORKERS, TS_CEILING_WORKERS);
}
END_TEST

static Suite *
make_suite(void)
{
	Suite *s = suite_create("server");
	TCase *tc = tcase_create("default_workers");

	tcase_add_test(tc, test_default_workers_are_four_per_processor);
	tcase_add_test(tc, test_default_workers_never_fall_below_the_floor);
	tcase_add_test(tc, test_default_workers_never_pass_the_cap_even_on_huge_counts);
	tcase_add_test(tc, test_default_workers_of_this_machine_are_within_bounds);
	suite_add_tcase(s, tc);
	return s;
}

#include "check_main.h"
