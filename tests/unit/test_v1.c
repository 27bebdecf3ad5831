/*
 * The /v1 layer's pure parts: OpenAI's error body made from a §2 answer,
 * the objects reshaped from /api JSON, unix seconds from /api timestamps,
 * and which paths are /v1.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "timefmt.h"
#include "v1.h"

static struct ts_response res;

static void
setup(void)
{
	memset(&res, 0, sizeof(res));
}

static void
teardown(void)
{
	ts_response_free(&res);
}

/* The body as parsed JSON; the caller puts it. */
static struct json_object *
body(void)
{
	ck_assert_ptr_nonnull(res.body);
	return json_tokener_parse(res.body);
}

static const char *
err_field(struct json_object *b, const char *key)
{
	struct json_object *e, *v;

	ck_assert(json_object_object_get_ex(b, "error", &e));
	ck_assert(json_object_object_get_ex(e, key, &v));
	return v != NULL ? json_object_get_string(v) : NULL;
}

START_TEST(not_found_becomes_not_found_error)
{
	struct json_object *b;

	ts_response_error(&res, TS_E_NOT_FOUND, "Thread not found", NULL);
	ts_v1_finish(&res);
	b = body();
	ck_assert_int_eq(res.status, 404);
	ck_assert_int_eq(res.is_error, 0);      /* no request_id is appended */
	ck_assert_int_eq(json_object_object_length(b), 1);
	ck_assert_str_eq(err_field(b, "message"), "Thread not found");
	ck_assert_str_eq(err_field(b, "type"), "not_found_error");
	ck_assert_str_eq(err_field(b, "code"), "not_found");
	ck_assert_ptr_null(err_field(b, "param"));
	json_object_put(b);
}
END_TEST

START_TEST(types_follow_the_status)
{
	static const struct { enum ts_error e; const char *type, *code; } cases[] = {
		{ TS_E_INVALID_ID, "invalid_request_error", "invalid_id" },
		{ TS_E_UNAUTHORIZED, "authentication_error", "unauthorized" },
		{ TS_E_INVALID_TOKEN, "authentication_error", "invalid_token" },
		{ TS_E_FORBIDDEN, "permission_error", "forbidden" },
		{ TS_E_METHOD_NOT_ALLOWED, "invalid_request_error", "method_not_allowed" },
		{ TS_E_PAYLOAD_TOO_LARGE, "invalid_request_error", "payload_too_large" },
		{ TS_E_INTERNAL, "server_error", "internal" },
		{ TS_E_SERVICE_UNAVAILABLE, "server_error", "service_unavailable" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct json_object *b;

		ts_response_free(&res);
		ts_response_error(&res, cases[i].e, NULL, NULL);
		ts_v1_finish(&res);
		b = body();
		ck_assert_int_eq(res.status, ts_error_status(cases[i].e));
		ck_assert_str_eq(err_field(b, "type"), cases[i].type);
		ck_assert_str_eq(err_field(b, "code"), cases[i].code);
		json_object_put(b);
	}
}
END_TEST

START_TEST(validation_names_the_field_in_param)
{
	struct json_object *detail = json_object_new_array(), *item = json_object_new_object();
	struct json_object *loc = json_object_new_array(), *b;

	json_object_array_add(loc, json_object_new_string("body"));
	json_object_array_add(loc, json_object_new_string("messages"));
	json_object_array_add(loc, json_object_new_int(3));
	json_object_array_add(loc, json_object_new_string("content"));
	json_object_object_add(item, "loc", loc);
	json_object_object_add(item, "msg", json_object_new_string("field required"));
	json_object_object_add(item, "type", json_object_new_string("missing"));
	json_object_array_add(detail, item);
	ts_response_error(&res, TS_E_VALIDATION, NULL, detail);
	ts_v1_finish(&res);
	b = body();
	ck_assert_int_eq(res.status, 422);
	ck_assert_str_eq(err_field(b, "param"), "messages[3].content");
	ck_assert_str_eq(err_field(b, "message"), "Invalid 'messages[3].content': field required");
	ck_assert_str_eq(err_field(b, "code"), "validation_error");
	json_object_put(b);
}
END_TEST

START_TEST(validation_of_the_whole_body_has_no_param)
{
	static const char *const loc[] = { "body", NULL };
	struct json_object *b;

	ts_response_error(&res, TS_E_VALIDATION, NULL, ts_detail_one(loc, "must be an object", "type"));
	ts_v1_finish(&res);
	b = body();
	ck_assert_ptr_null(err_field(b, "param"));
	json_object_put(b);
}
END_TEST

START_TEST(success_is_left_alone_and_no_answer_is_a_500)
{
	ts_response_json(&res, 200, json_object_new_object());
	ts_v1_finish(&res);
	ck_assert_str_eq(res.body, "{}");
	ts_response_free(&res);
	ts_v1_finish(&res);
	ck_assert_int_eq(res.status, 500);
	ck_assert_ptr_nonnull(strstr(res.body, "\"server_error\""));
}
END_TEST

START_TEST(v1_paths)
{
	ck_assert(ts_v1_path("/v1"));
	ck_assert(ts_v1_path("/v1/threads"));
	ck_assert(!ts_v1_path("/v10/threads"));
	ck_assert(!ts_v1_path("/api/threads"));
	ck_assert(!ts_v1_path(NULL));
}
END_TEST

START_TEST(unix_seconds_of_api_timestamps)
{
	ck_assert_int_eq(ts_time_unix_seconds("1970-01-01T00:00:00.000Z"), 0);
	ck_assert_int_eq(ts_time_unix_seconds("2024-01-15T10:30:00.999Z"), 1705314600);
	ck_assert_int_eq(ts_time_unix_seconds("2024-01-15T10:30:00Z"), 1705314600);
	ck_assert_int_eq(ts_time_unix_seconds("2024-01-15 10:30:00.123"), -1);
	ck_assert_int_eq(ts_time_unix_seconds(""), -1);
	ck_assert_int_eq(ts_time_unix_seconds(NULL), -1);
}
END_TEST

START_TEST(message_object_from_api_json)
{
	struct json_object *api = json_tokener_parse(
	    "{\"id\":\"5d0c3f1e-8a7b-4c6d-9e2f-1a0b9c8d7e6f\",\"object\":\"thread.message\","
	    "\"thread_id\":\"0b6f7e3a-5c1d-4e2f-9a8b-7c6d5e4f3a2b\",\"seq\":1,\"role\":\"tool\","
	    "\"content\":{\"text\":\"a\\nb\",\"citations\":[],\"references\":[],\"is_error\":false},"
	    "\"metadata\":{\"k\":\"v\"},\"attachments\":[],\"run_id\":\"r\",\"assistant_id\":null,"
	    "\"created_at\":\"2024-01-15T10:30:00.123Z\",\"updated_at\":\"2024-01-15T10:31:00.000Z\"}");
	struct json_object *m = ts_v1_message_object(api), *v, *part;

	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(json_object_object_length(m), 14);
	ck_assert(json_object_object_get_ex(m, "created_at", &v));
	ck_assert_int_eq(json_object_get_int64(v), 1705314600);
	ck_assert(json_object_object_get_ex(m, "completed_at", &v));
	ck_assert_int_eq(json_object_get_int64(v), 1705314600);
	ck_assert(json_object_object_get_ex(m, "role", &v));
	ck_assert_str_eq(json_object_get_string(v), "tool");
	ck_assert(json_object_object_get_ex(m, "content", &v));
	part = json_object_array_get_idx(v, 0);
	ck_assert_str_eq(json_object_to_json_string_ext(part, JSON_C_TO_STRING_PLAIN),
	    "{\"type\":\"text\",\"text\":{\"value\":\"a\\nb\",\"annotations\":[]}}");
	ck_assert(!json_object_object_get_ex(m, "seq", NULL));
	json_object_put(m);
	json_object_put(api);
}
END_TEST

START_TEST(object_without_a_timestamp_is_refused)
{
	struct json_object *api = json_tokener_parse("{\"id\":\"x\",\"metadata\":{}}");

	ck_assert_ptr_null(ts_v1_thread_object(api));
	ck_assert_ptr_null(ts_v1_message_object(api));
	ck_assert_ptr_null(ts_v1_message_list(api));
	json_object_put(api);
}
END_TEST

static Suite *
make_suite(void)
{
	Suite *s = suite_create("v1");
	TCase *tc = tcase_create("v1");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, not_found_becomes_not_found_error);
	tcase_add_test(tc, types_follow_the_status);
	tcase_add_test(tc, validation_names_the_field_in_param);
	tcase_add_test(tc, validation_of_the_whole_body_has_no_param);
	tcase_add_test(tc, success_is_left_alone_and_no_answer_is_a_500);
	tcase_add_test(tc, v1_paths);
	tcase_add_test(tc, unix_seconds_of_api_timestamps);
	tcase_add_test(tc, message_object_from_api_json);
	tcase_add_test(tc, object_without_a_timestamp_is_refused);
	suite_add_tcase(s, tc);
	return s;
}

#include "check_main.h"
