/* A cluster's addresses: the order a worker tries them in, failing back, and
 * the causal texts of read-your-writes (src/db_hosts.c). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "db_hosts.h"

static struct ts_config cfg;
static struct ts_db_route route;

static void
setup(void)
{
	const char *why = NULL;

	memset(&cfg, 0, sizeof(cfg));
	memset(&route, 0, sizeof(route));
	ck_assert_int_eq(ts_db_hosts_parse("n1:3306, n2:3306, n3:3306", 0, &cfg.db_hosts, &cfg.db_nhosts, &why), 0);
}

static void
teardown(void)
{
	ts_db_hosts_free(cfg.db_hosts, cfg.db_nhosts);
}

static struct timespec
at(long s)
{
	struct timespec t = { s, 0 };

	return t;
}

static void
assert_order(long now, size_t a, size_t b, size_t c)
{
	size_t order[TS_MAX_DB_HOSTS];
	struct timespec t = at(now);

	ck_assert_uint_eq(ts_db_route_order(&route, &cfg, &t, order), 3);
	ck_assert_uint_eq(order[0], a);
	ck_assert_uint_eq(order[1], b);
	ck_assert_uint_eq(order[2], c);
}

START_TEST(test_listed_order_first)
{
	assert_order(100, 0, 1, 2);
}
END_TEST

/* A node that failed goes to the end for TS_DB_HOST_DOWN_SECONDS, and is
 * still tried: 503 only when no address answers. */
START_TEST(test_failed_address_is_passed_over_for_a_while)
{
	struct timespec t = at(100);

	ts_db_route_down(&route, 0, &t);
	assert_order(100, 1, 2, 0);
	assert_order(100 + TS_DB_HOST_DOWN_SECONDS - 1, 1, 2, 0);
	assert_order(100 + TS_DB_HOST_DOWN_SECONDS, 0, 1, 2);
	ts_db_route_down(&route, 0, &t);
	ts_db_route_down(&route, 1, &t);
	assert_order(101, 2, 0, 1);
	ts_db_route_up(&route, 0, &t);
	assert_order(101, 0, 2, 1);
}
END_TEST

/* Losing a node (gone, shut down, not ready) passes it over; a KILL of the
 * one connection does not. */
START_TEST(test_lost_node_is_passed_over_not_a_killed_connection)
{
	struct timespec t = at(100);

	ts_db_route_up(&route, 1, &t);
	ts_db_route_lost(&route, &cfg, 1927, &t);
	assert_order(100, 0, 1, 2);
	ts_db_route_lost(&route, &cfg, 1047, &t);
	assert_order(100, 0, 2, 1);
	ts_db_route_up(&route, 0, &t);
	ts_db_route_lost(&route, &cfg, 2013, &t);
	assert_order(100, 2, 0, 1);
}
END_TEST

START_TEST(test_fallback_connection_fails_back_after_a_while)
{
	struct timespec t = at(100), later = at(100 + TS_DB_FAILBACK_SECONDS);

	ts_db_route_up(&route, 0, &t);
	ck_assert_int_eq(ts_db_route_fail_back(&route, &cfg, &later), 0);
	ts_db_route_down(&route, 0, &t);
	ts_db_route_up(&route, 1, &t);
	ck_assert_int_eq(ts_db_route_fail_back(&route, &cfg, &t), 0);
	ck_assert_int_eq(ts_db_route_fail_back(&route, &cfg, &later), 1);
	/* Not while the first address failed lately. */
	ts_db_route_down(&route, 0, &later);
	ck_assert_int_eq(ts_db_route_fail_back(&route, &cfg, &later), 0);
}
END_TEST

START_TEST(test_causal_texts_only_with_sync_wait)
{
	char *mem = NULL;
	const char *t;

	t = ts_db_causal_text(&cfg, "SELECT 1", 1, &mem);
	ck_assert_str_eq(t, "SELECT 1");
	ck_assert_ptr_null(mem);
	ck_assert_str_eq(ts_db_begin_text(&cfg), "START TRANSACTION");
	cfg.db_sync_wait = 1;
	t = ts_db_causal_text(&cfg, "SELECT 1", 0, &mem);
	ck_assert_str_eq(t, "SELECT 1");
	ck_assert_ptr_null(mem);
	t = ts_db_causal_text(&cfg, "SELECT 1", 1, &mem);
	ck_assert_str_eq(t, "SET STATEMENT wsrep_sync_wait = 1 FOR SELECT 1");
	ck_assert_ptr_eq(t, mem);
	free(mem);
	ck_assert_str_eq(ts_db_begin_text(&cfg), "SET STATEMENT wsrep_sync_wait = 1 FOR START TRANSACTION");
}
END_TEST

static Suite *
make_suite(void)
{
	Suite *s = suite_create("db_hosts");
	TCase *tc = tcase_create("route");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_listed_order_first);
	tcase_add_test(tc, test_failed_address_is_passed_over_for_a_while);
	tcase_add_test(tc, test_lost_node_is_passed_over_not_a_killed_connection);
	tcase_add_test(tc, test_fallback_connection_fails_back_after_a_while);
	tcase_add_test(tc, test_causal_texts_only_with_sync_wait);
	suite_add_tcase(s, tc);
	return s;
}

#include "check_main.h"
