/*
 * The /v1 surface's pure parts: OpenAI's error body made from a problem,
 * the objects rendered from stored cells, unix seconds from /api
 * timestamps, and which paths are /v1.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "problem.h"
#include "sql.h"
#include "timefmt.h"
#include "v1.h"

static struct ts_response res;

/* Renders the problem e (msg; loc NULL: not a 422) as /v1 does. */
static void
answer(enum ts_error e, const char *msg, const char *const *loc, const char *type)
{
	struct ts_problem p;

	ts_problem_init(&p);
	if (loc != NULL)
		ts_problem_invalid(&p, loc, msg, type);
	else
		ts_problem_set(&p, e, msg);
	ts_v1_answer_problem(&res, &p);
	ts_problem_free(&p);
}

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

	answer(TS_E_NOT_FOUND, "Thread not found", NULL, NULL);
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
		answer(cases[i].e, NULL, NULL, NULL);
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
	static const char *const loc[] = { "body", "content", NULL };
	struct ts_problem p;
	struct json_object *b;

	/* An item of a batch: ["body", "messages", 3, "content"]. */
	ts_problem_init(&p);
	ts_problem_invalid(&p, loc, "field required", "missing");
	ts_problem_nest(&p, "messages", 3);
	ts_v1_answer_problem(&res, &p);
	ts_problem_free(&p);
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

	answer(TS_E_VALIDATION, "must be an object", loc, "type");
	b = body();
	ck_assert_ptr_null(err_field(b, "param"));
	ck_assert_str_eq(err_field(b, "message"), "Invalid request body: must be an object");
	json_object_put(b);
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

/* A stored message's cells: text "a\nb", role tool, run_id "r". */
static void
message_cells(struct ts_db_cell *c)
{
	static const unsigned char tid[16] = { 0x0b, 0x6f, 0x7e, 0x3a, 0x5c, 0x1d, 0x4e, 0x2f,
		0x9a, 0x8b, 0x7c, 0x6d, 0x5e, 0x4f, 0x3a, 0x2b };
	static const unsigned char mid[16] = { 0x5d, 0x0c, 0x3f, 0x1e, 0x8a, 0x7b, 0x4c, 0x6d,
		0x9e, 0x2f, 0x1a, 0x0b, 0x9c, 0x8d, 0x7e, 0x6f };
	static const struct { int col; const char *text; } cols[] = {
		{ TS_MC_SEQ, "1" }, { TS_MC_ROLE, "3" }, { TS_MC_TEXT, "a\nb" },
		{ TS_MC_METADATA, "{\"k\":\"v\"}" }, { TS_MC_RUN_ID, "r" },
		{ TS_MC_CREATED_AT, "2024-01-15 10:30:00.123" }, { TS_MC_UPDATED_AT, "2024-01-15 10:31:00.000" },
	};
	size_t i;

	memset(c, 0, sizeof(struct ts_db_cell) * TS_MC__COUNT);
	c[TS_MC_THREAD_ID].data = (char *)(uintptr_t)tid;
	c[TS_MC_THREAD_ID].len = 16;
	c[TS_MC_ID].data = (char *)(uintptr_t)mid;
	c[TS_MC_ID].len = 16;
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		c[cols[i].col].data = (char *)(uintptr_t)cols[i].text;
		c[cols[i].col].len = strlen(cols[i].text);
	}
}

START_TEST(message_object_from_cells)
{
	struct ts_db_cell c[TS_MC__COUNT];
	struct json_object *m;

	message_cells(c);
	m = ts_v1_message_object(c);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
	    "{\"id\":\"5d0c3f1e-8a7b-4c6d-9e2f-1a0b9c8d7e6f\",\"object\":\"thread.message\","
	    "\"created_at\":1705314600,\"thread_id\":\"0b6f7e3a-5c1d-4e2f-9a8b-7c6d5e4f3a2b\","
	    "\"status\":\"completed\",\"incomplete_details\":null,\"completed_at\":1705314600,"
	    "\"incomplete_at\":null,\"role\":\"tool\",\"content\":[{\"type\":\"text\",\"text\":"
	    "{\"value\":\"a\\nb\",\"annotations\":[]}}],\"assistant_id\":null,\"run_id\":\"r\","
	    "\"attachments\":[],\"metadata\":{\"k\":\"v\"}}");
	json_object_put(m);
}
END_TEST

START_TEST(object_without_a_timestamp_is_refused)
{
	struct ts_db_cell c[TS_MC__COUNT];
	const struct ts_db_cell *page[1] = { c };

	message_cells(c);
	c[TS_MC_CREATED_AT].data = NULL;
	ck_assert_ptr_null(ts_v1_message_object(c));
	ck_assert_ptr_null(ts_v1_message_list(page, 1, 0));
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
	tcase_add_test(tc, v1_paths);
	tcase_add_test(tc, unix_seconds_of_api_timestamps);
	tcase_add_test(tc, message_object_from_cells);
	tcase_add_test(tc, object_without_a_timestamp_is_refused);
	suite_add_tcase(s, tc);
	return s;
}

#include "check_main.h"
