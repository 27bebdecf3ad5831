/* The response writer: headers, error bodies, HEAD. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "response.h"

struct capture {
	char buf[8192];
	size_t len;
	int sends;
};

static int
capture_put(struct capture *c, const char *b, size_t n)
{
	if (c->len + n >= sizeof(c->buf))
		return -1;
	if (n == 0)
		return 0;       /* b may be NULL: a head without a body */
	memcpy(c->buf + c->len, b, n);
	c->len += n;
	c->buf[c->len] = '\0';
	return 0;
}

static int
capture_send(void *ctx, const char *head, size_t head_len, const char *body, size_t body_len)
{
	struct capture *c = ctx;

	c->sends++;
	if (capture_put(c, head, head_len) != 0 || capture_put(c, body, body_len) != 0)
		return -1;
	return 0;
}

static struct capture cap;
static struct ts_response_sink sink = { capture_send, &cap };
static struct ts_response res;

static void
setup(void)
{
	memset(&cap, 0, sizeof(cap));
	memset(&res, 0, sizeof(res));
}

static void
teardown(void)
{
	ts_response_free(&res);
}

static const char *
body_of(void)
{
	const char *b = strstr(cap.buf, "\r\n\r\n");

	return b != NULL ? b + 4 : "";
}

START_TEST(test_json_response_has_type_length_and_request_id)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "status", json_object_new_string("ok"));
	ck_assert_int_eq(ts_response_json(&res, 200, o), 0);
	ck_assert_int_eq(ts_response_write(&res, "rid1", 0, &sink), 0);
	ck_assert_ptr_nonnull(strstr(cap.buf, "Status: 200 OK\r\n"));
	ck_assert_ptr_nonnull(strstr(cap.buf, "X-Request-Id: rid1\r\n"));
	ck_assert_ptr_nonnull(strstr(cap.buf, "Content-Type: application/json; charset=utf-8\r\n"));
	ck_assert_ptr_nonnull(strstr(cap.buf, "Content-Length: 15\r\n"));
	ck_assert_str_eq(body_of(), "{\"status\":\"ok\"}");
	/* the head and the body in one call: one system call over FastCGI */
	ck_assert_int_eq(cap.sends, 1);
}
END_TEST

START_TEST(test_error_body_carries_the_request_id)
{
	ts_response_error(&res, TS_E_NOT_FOUND, NULL, NULL);
	ck_assert_int_eq(ts_response_write(&res, "abc-1", 0, &sink), 0);
	ck_assert_ptr_nonnull(strstr(cap.buf, "Status: 404 Not Found\r\n"));
	ck_assert_str_eq(body_of(), "{\"error\":\"Not found\",\"code\":\"NOT_FOUND\",\"request_id\":\"abc-1\"}");
}
END_TEST

START_TEST(test_validation_error_has_detail_with_loc)
{
	static const char *const loc[] = { "body", "public_sharing", NULL };
	struct json_object *parsed, *detail, *item;

	ts_response_error(&res, TS_E_VALIDATION, NULL, ts_detail_one(loc, "must be a boolean", "type"));
	ck_assert_int_eq(ts_response_write(&res, "r", 0, &sink), 0);
	ck_assert_ptr_nonnull(strstr(cap.buf, "Status: 422 "));
	parsed = json_tokener_parse(body_of());
	ck_assert_ptr_nonnull(parsed);
	ck_assert(json_object_object_get_ex(parsed, "detail", &detail));
	item = json_object_array_get_idx(detail, 0);
	ck_assert_str_eq(json_object_to_json_string_ext(json_object_object_get(item, "loc"), JSON_C_TO_STRING_PLAIN),
	    "[\"body\",\"public_sharing\"]");
	ck_assert_str_eq(json_object_get_string(json_object_object_get(parsed, "code")), "VALIDATION_ERROR");
	json_object_put(parsed);
}
END_TEST

START_TEST(test_head_sends_headers_with_length_but_no_body)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "public_sharing", json_object_new_boolean(0));
	ts_response_json(&res, 200, o);
	ck_assert_int_eq(ts_response_write(&res, "r", 1, &sink), 0);
	ck_assert_ptr_nonnull(strstr(cap.buf, "Content-Length: 24\r\n"));
	ck_assert_str_eq(body_of(), "");
}
END_TEST

START_TEST(test_extra_headers_are_written)
{
	ts_response_error(&res, TS_E_METHOD_NOT_ALLOWED, NULL, NULL);
	ts_response_header(&res, "Allow", "GET, HEAD");
	ck_assert_int_eq(ts_response_write(&res, "r", 0, &sink), 0);
	ck_assert_ptr_nonnull(strstr(cap.buf, "Allow: GET, HEAD\r\n"));
}
END_TEST

START_TEST(test_unanswered_response_is_a_generic_500)
{
	ck_assert_int_eq(ts_response_write(&res, "r", 0, &sink), 0);
	ck_assert_ptr_nonnull(strstr(cap.buf, "Status: 500 "));
	ck_assert_ptr_nonnull(strstr(body_of(), "\"code\":\"INTERNAL\""));
}
END_TEST

START_TEST(test_no_content_has_no_body_headers)
{
	ts_response_empty(&res, 204);
	ck_assert_int_eq(ts_response_write(&res, "r", 0, &sink), 0);
	ck_assert_ptr_nonnull(strstr(cap.buf, "Status: 204 No Content\r\n"));
	ck_assert_ptr_null(strstr(cap.buf, "Content-Type"));
	ck_assert_str_eq(body_of(), "");
}
END_TEST

static Suite *
make_suite(void)
{
	Suite *s = suite_create("response");
	TCase *tc = tcase_create("write");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_json_response_has_type_length_and_request_id);
	tcase_add_test(tc, test_error_body_carries_the_request_id);
	tcase_add_test(tc, test_validation_error_has_detail_with_loc);
	tcase_add_test(tc, test_head_sends_headers_with_length_but_no_body);
	tcase_add_test(tc, test_extra_headers_are_written);
	tcase_add_test(tc, test_unanswered_response_is_a_generic_500);
	tcase_add_test(tc, test_no_content_has_no_body_headers);
	suite_add_tcase(s, tc);
	return s;
}

#include "check_main.h"
