/* UUIDs (libuuid traps) and timestamps. */
#include <check.h>
#include <string.h>

#include "ids.h"
#include "timefmt.h"

START_TEST(test_upper_case_is_accepted_and_rendered_lower)
{
	uuid_t u;
	char s[TS_UUID_STR_LEN + 1];

	ck_assert_int_eq(ts_uuid_parse("6F9619FF-8B86-D011-B42D-00C04FC964FF", u), 0);
	ts_uuid_format(u, s);
	ck_assert_str_eq(s, "6f9619ff-8b86-d011-b42d-00c04fc964ff");
}
END_TEST

START_TEST(test_nil_uuid_parses_but_is_refused_as_a_new_id)
{
	uuid_t u;

	/* As a path id the nil UUID is well-formed (it names nothing: 404)... */
	ck_assert_int_eq(ts_uuid_parse("00000000-0000-0000-0000-000000000000", u), 0);
	/* ...but a client may not create an object with it. */
	ck_assert_int_eq(ts_uuid_parse_new("00000000-0000-0000-0000-000000000000", u), -1);
	ck_assert_int_eq(ts_uuid_parse_new("6f9619ff-8b86-d011-b42d-00c04fc964ff", u), 0);
}
END_TEST

START_TEST(test_malformed_ids_are_refused)
{
	static const char *const bad[] = {
		"{6f9619ff-8b86-d011-b42d-00c04fc964ff}",
		"6f9619ff8b86d011b42d00c04fc964ff",
		"6f9619ff-8b86-d011-b42d-00c04fc964f",
		"6f9619ff-8b86-d011-b42d-00c04fc964fff",
		"6f9619ff-8b86-d011-b42d-00c04fc964fg",
		"6f9619ff-8b86-d011-b42d_00c04fc964ff",
		"",
		"batch",
		NULL
	};
	uuid_t u;
	size_t i;

	for (i = 0; bad[i] != NULL; i++)
		ck_assert_msg(ts_uuid_parse(bad[i], u) == -1, "%s should be refused", bad[i]);
	ck_assert_int_eq(ts_uuid_parse(NULL, u), -1);
}
END_TEST

START_TEST(test_generated_ids_are_distinct_version_4)
{
	uuid_t a, b;
	char s[TS_UUID_STR_LEN + 1];

	ts_uuid_generate(a);
	ts_uuid_generate(b);
	ck_assert(uuid_compare(a, b) != 0);
	ts_uuid_format(a, s);
	ck_assert_int_eq(s[14], '4');
}
END_TEST

START_TEST(test_generated_ids_carry_version_and_variant_bits)
{
	uuid_t a;
	char s[TS_UUID_STR_LEN + 1];
	int i;

	for (i = 0; i < 256; i++) {
		ts_uuid_generate(a);
		ck_assert_int_eq(uuid_type(a), UUID_TYPE_DCE_RANDOM);
		ck_assert_int_eq(uuid_variant(a), UUID_VARIANT_DCE);
		ck_assert(!uuid_is_null(a));
		ts_uuid_format(a, s);
		ck_assert_int_eq(ts_uuid_parse_new(s, a), 0);
	}
}
END_TEST

START_TEST(test_request_ids_share_a_prefix_and_count)
{
	char a[TS_REQUEST_ID_LEN + 1], b[TS_REQUEST_ID_LEN + 1];

	ts_request_ids_reset();
	ts_request_id_new(a);
	ts_request_id_new(b);
	ck_assert_int_eq(strlen(a), TS_REQUEST_ID_LEN);
	ck_assert_int_eq(strspn(a, "0123456789abcdef"), TS_REQUEST_ID_LEN);
	ck_assert_int_eq(strspn(b, "0123456789abcdef"), TS_REQUEST_ID_LEN);
	ck_assert_str_ne(a, b);
	/* one process: the random half is the same, the counter half counts */
	ck_assert_int_eq(memcmp(a, b, 16), 0);
	ck_assert_str_eq(a + 16, "0000000000000001");
	ck_assert_str_eq(b + 16, "0000000000000002");
}
END_TEST

START_TEST(test_request_ids_reset_draws_a_new_prefix)
{
	char a[TS_REQUEST_ID_LEN + 1], b[TS_REQUEST_ID_LEN + 1];

	/* what each forked worker does: its ids must not repeat another's */
	ts_request_ids_reset();
	ts_request_id_new(a);
	ts_request_ids_reset();
	ts_request_id_new(b);
	ck_assert_int_ne(memcmp(a, b, 16), 0);  /* fails once in 2^64 runs */
	ck_assert_str_eq(b + 16, "0000000000000001");
}
END_TEST

START_TEST(test_db_time_to_iso)
{
	char out[TS_ISO_LEN + 1];

	ck_assert_int_eq(ts_time_db_to_iso("2024-01-15 10:30:00.123", 23, out), 0);
	ck_assert_str_eq(out, "2024-01-15T10:30:00.123Z");
	ck_assert_int_eq(ts_time_db_to_iso("2024-01-15 10:30:00", 19, out), 0);
	ck_assert_str_eq(out, "2024-01-15T10:30:00.000Z");
	ck_assert_int_eq(ts_time_db_to_iso("2024-01-15 10:30:00.1", 21, out), 0);
	ck_assert_str_eq(out, "2024-01-15T10:30:00.100Z");
	ck_assert_int_eq(ts_time_db_to_iso("2024-01-15T10:30:00", 19, out), -1);
	ck_assert_int_eq(ts_time_db_to_iso("2024-01-15", 10, out), -1);
}
END_TEST

static Suite *
make_suite(void)
{
	Suite *s = suite_create("ids");
	TCase *tc = tcase_create("uuid");

	tcase_add_test(tc, test_upper_case_is_accepted_and_rendered_lower);
	tcase_add_test(tc, test_nil_uuid_parses_but_is_refused_as_a_new_id);
	tcase_add_test(tc, test_malformed_ids_are_refused);
	tcase_add_test(tc, test_generated_ids_are_distinct_version_4);
	tcase_add_test(tc, test_generated_ids_carry_version_and_variant_bits);
	tcase_add_test(tc, test_request_ids_share_a_prefix_and_count);
	tcase_add_test(tc, test_request_ids_reset_draws_a_new_prefix);
	tcase_add_test(tc, test_db_time_to_iso);
	suite_add_tcase(s, tc);
	return s;
}

#include "check_main.h"
