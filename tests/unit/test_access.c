/* The access matrix, every combination: visibility x flag x caller x op
 * (API reference: The access matrix). */
#include <check.h>

#include "access.h"

enum caller { ANON, OWNER, OTHER };

static const char *
caller_name(enum caller c)
{
	return c == ANON ? NULL : c == OWNER ? "alice" : "bob";
}

/* The expected result, written from the API reference's tables rather than
 * from the code (API reference: The access matrix). */
static enum ts_access
expected(int flag, enum ts_visibility vis, enum caller c, enum ts_op op)
{
	if (op == TS_OP_WRITE)
		return c == ANON ? TS_ACCESS_UNAUTHORIZED : c == OWNER ? TS_ACCESS_ALLOW : TS_ACCESS_FORBIDDEN;
	if (flag && vis != TS_VIS_PRIVATE)
		return TS_ACCESS_ALLOW;
	return c == ANON ? TS_ACCESS_UNAUTHORIZED : c == OWNER ? TS_ACCESS_ALLOW : TS_ACCESS_FORBIDDEN;
}

START_TEST(test_every_combination_matches_the_table)
{
	int flag, vis, c, op, n = 0;

	for (flag = 0; flag <= 1; flag++)
		for (vis = TS_VIS_PRIVATE; vis <= TS_VIS_PUBLIC; vis++)
			for (c = ANON; c <= OTHER; c++)
				for (op = TS_OP_READ; op <= TS_OP_WRITE; op++) {
					enum ts_access got = ts_access_decide(flag, (enum ts_visibility)vis,
					    caller_name((enum caller)c), "alice", (enum ts_op)op);
					ck_assert_msg(got == expected(flag, (enum ts_visibility)vis, (enum caller)c,
					    (enum ts_op)op),
					    "flag=%d vis=%d caller=%d op=%d got %d", flag, vis, c, op, got);
					n++;
				}
	ck_assert_int_eq(n, 36);
}
END_TEST

START_TEST(test_rows_of_the_section_4_table)
{
	/* on/public/anonymous 200; on/unlisted/anonymous 200; on/private/anonymous 401 */
	ck_assert_int_eq(ts_access_decide(1, TS_VIS_PUBLIC, NULL, "alice", TS_OP_READ), TS_ACCESS_ALLOW);
	ck_assert_int_eq(ts_access_decide(1, TS_VIS_UNLISTED, NULL, "alice", TS_OP_READ), TS_ACCESS_ALLOW);
	ck_assert_int_eq(ts_access_decide(1, TS_VIS_PRIVATE, NULL, "alice", TS_OP_READ), TS_ACCESS_UNAUTHORIZED);
	ck_assert_int_eq(ts_access_decide(1, TS_VIS_PRIVATE, "bob", "alice", TS_OP_READ), TS_ACCESS_FORBIDDEN);
	ck_assert_int_eq(ts_access_decide(0, TS_VIS_PUBLIC, NULL, "alice", TS_OP_READ), TS_ACCESS_UNAUTHORIZED);
	ck_assert_int_eq(ts_access_decide(0, TS_VIS_PUBLIC, "bob", "alice", TS_OP_READ), TS_ACCESS_FORBIDDEN);
	ck_assert_int_eq(ts_access_decide(0, TS_VIS_PUBLIC, "alice", "alice", TS_OP_READ), TS_ACCESS_ALLOW);
}
END_TEST

START_TEST(test_public_thread_is_never_writable_by_others)
{
	ck_assert_int_eq(ts_access_decide(1, TS_VIS_PUBLIC, "bob", "alice", TS_OP_WRITE), TS_ACCESS_FORBIDDEN);
	ck_assert_int_eq(ts_access_decide(1, TS_VIS_PUBLIC, NULL, "alice", TS_OP_WRITE), TS_ACCESS_UNAUTHORIZED);
}
END_TEST

START_TEST(test_owner_comparison_is_exact_bytes)
{
	/* A prefix or a case variant of the owner is another user. */
	ck_assert_int_eq(ts_access_decide(0, TS_VIS_PRIVATE, "alic", "alice", TS_OP_READ), TS_ACCESS_FORBIDDEN);
	ck_assert_int_eq(ts_access_decide(0, TS_VIS_PRIVATE, "Alice", "alice", TS_OP_READ), TS_ACCESS_FORBIDDEN);
}
END_TEST

START_TEST(test_visibility_names_round_trip)
{
	ck_assert_int_eq(ts_visibility_parse("private"), TS_VIS_PRIVATE);
	ck_assert_int_eq(ts_visibility_parse("unlisted"), TS_VIS_UNLISTED);
	ck_assert_int_eq(ts_visibility_parse("public"), TS_VIS_PUBLIC);
	ck_assert_int_eq(ts_visibility_parse("Public"), -1);
	ck_assert_int_eq(ts_visibility_parse(""), -1);
	ck_assert_str_eq(ts_visibility_name(TS_VIS_UNLISTED), "unlisted");
}
END_TEST

/* A link's holder (API reference: tag shares): every combination of the
 * flag, the caller and the op, against the documented rule. */
START_TEST(test_link_every_combination)
{
	int flag, c, op, n = 0;

	for (flag = 0; flag <= 1; flag++)
		for (c = ANON; c <= OTHER; c++)
			for (op = TS_OP_READ; op <= TS_OP_WRITE; op++) {
				enum ts_access want, got = ts_access_link(flag, caller_name((enum caller)c), "alice",
				    (enum ts_op)op);

				if (op == TS_OP_WRITE)  /* a link never writes: as without one */
					want = c == ANON ? TS_ACCESS_UNAUTHORIZED : c == OWNER ? TS_ACCESS_ALLOW
					    : TS_ACCESS_FORBIDDEN;
				else
					want = flag || c == OWNER ? TS_ACCESS_ALLOW : TS_ACCESS_SHARING_OFF;
				ck_assert_msg(got == want, "flag=%d caller=%d op=%d got %d", flag, c, op, got);
				n++;
			}
	ck_assert_int_eq(n, 12);
}
END_TEST

START_TEST(test_link_bad_no_write_for_anyone_but_the_owner)
{
	ck_assert_int_eq(ts_access_link(1, "bob", "alice", TS_OP_WRITE), TS_ACCESS_FORBIDDEN);
	ck_assert_int_eq(ts_access_link(1, NULL, "alice", TS_OP_WRITE), TS_ACCESS_UNAUTHORIZED);
	ck_assert_int_eq(ts_access_link(0, "Alice", "alice", TS_OP_READ), TS_ACCESS_SHARING_OFF);
}
END_TEST

static Suite *
make_suite(void)
{
	Suite *s = suite_create("access");
	TCase *tc = tcase_create("matrix");

	tcase_add_test(tc, test_every_combination_matches_the_table);
	tcase_add_test(tc, test_rows_of_the_section_4_table);
	tcase_add_test(tc, test_public_thread_is_never_writable_by_others);
	tcase_add_test(tc, test_owner_comparison_is_exact_bytes);
	tcase_add_test(tc, test_visibility_names_round_trip);
	tcase_add_test(tc, test_link_every_combination);
	tcase_add_test(tc, test_link_bad_no_write_for_anyone_but_the_owner);
	suite_add_tcase(s, tc);
	return s;
}

#include "check_main.h"
