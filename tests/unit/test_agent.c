/*
 * The agent platform surface's pure parts: the path's names as one
 * namespace (one to one, within the namespace limits), the create body
 * renamed onto /api's parser and its 422s named back, the list query, the
 * context body, the delete's timestamp, the message object and the
 * FastAPI error body.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "ids.h"
#include "roles.h"

static const unsigned char TID[16] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe };
#define TID_S "01234567-89ab-cdef-1032-547698badcfe"

static void
path_of(int with_app, struct ts_agent_path *out)
{
	const char *with[] = { "acme", "ws1", "app1", "ns1", TID_S };
	const char *without[] = { "acme", "ws1", "ns1", TID_S };

	ck_assert_int_eq(ts_agent_path_parse(with_app ? with : without, with_app ? 5 : 4, with_app, out), 0);
}

START_TEST(names_join_into_one_namespace)
{
	struct ts_agent_path p;

	path_of(1, &p);
	ck_assert_str_eq(p.namespace_, "acme/ws1/app1/ns1");
	ck_assert_str_eq(p.app, "app1");
	ck_assert_uint_eq(p.thread_idx, 4);
	ck_assert_uint_eq(p.message_idx, 0);
	path_of(0, &p);
	ck_assert_str_eq(p.namespace_, "acme/ws1/ns1");
	ck_assert_ptr_null(p.app);
	ck_assert_uint_eq(p.thread_idx, 3);
}
END_TEST

START_TEST(the_message_placeholder_follows_the_thread)
{
	const char *params[] = { "o", "w", "n", TID_S, TID_S };
	struct ts_agent_path p;

	ck_assert_int_eq(ts_agent_path_parse(params, 5, 0, &p), 0);
	ck_assert_uint_eq(p.message_idx, 4);
	ck_assert_int_eq(ts_agent_path_parse(params, 5, 1, &p), 0);
	ck_assert_uint_eq(p.message_idx, 0);
	ck_assert_str_eq(p.namespace_, "o/w/n/" TID_S);
}
END_TEST

START_TEST(bad_names_are_refused)
{
	char longest[TS_AGENT_MAX_ID_BYTES + 2];
	const char *params[] = { "o", "w", "n", TID_S };
	struct ts_agent_path p;
	const char *bad[] = { "", "a/b", "a b", "a%2Fb", "é", NULL };
	size_t i;

	for (i = 0; bad[i] != NULL; i++) {
		params[1] = bad[i];
		ck_assert_int_eq(ts_agent_path_parse(params, 4, 0, &p), -1);
	}
	memset(longest, 'x', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	params[1] = longest;
	ck_assert_int_eq(ts_agent_path_parse(params, 4, 0, &p), -1);
	longest[TS_AGENT_MAX_ID_BYTES] = '\0';
	ck_assert_int_eq(ts_agent_path_parse(params, 4, 0, &p), 0);
	params[1] = "A-Z.a_z:09";
	ck_assert_int_eq(ts_agent_path_parse(params, 4, 0, &p), 0);
	ck_assert_int_eq(ts_agent_path_parse(params, 3, 0, &p), -1);
}
END_TEST

START_TEST(the_longest_names_fit_a_namespace)
{
	char n[4][TS_AGENT_MAX_ID_BYTES + 1];
	const char *params[5];
	struct ts_agent_path p;
	int i;

	for (i = 0; i < 4; i++) {
		memset(n[i], 'a' + i, TS_AGENT_MAX_ID_BYTES);
		n[i][TS_AGENT_MAX_ID_BYTES] = '\0';
		params[i] = n[i];
	}
	params[4] = TID_S;
	ck_assert_int_eq(ts_agent_path_parse(params, 5, 1, &p), 0);
	ck_assert_uint_eq(strlen(p.namespace_), TS_AGENT_NAMESPACE_LEN);
	ck_assert_uint_le(TS_AGENT_NAMESPACE_LEN, TS_MAX_NAMESPACE_POINTS);
	ck_assert_uint_eq(strspn(p.namespace_, TS_NAMESPACE_CHARS), strlen(p.namespace_));
}
END_TEST

/* With and without an app never give the same namespace: the parts differ
 * in number, and no name holds the separator. */
START_TEST(the_two_forms_never_collide)
{
	const char *with[] = { "a", "b", "c", "d", TID_S };
	const char *without[] = { "a", "b", "c", TID_S };
	struct ts_agent_path p, q;

	ck_assert_int_eq(ts_agent_path_parse(with, 5, 1, &p), 0);
	ck_assert_int_eq(ts_agent_path_parse(without, 4, 0, &q), 0);
	ck_assert_str_ne(p.namespace_, q.namespace_);
}
END_TEST

static int
create(const char *text, struct ts_message_input *in, struct ts_problem *p, struct json_object **api)
{
	struct json_object *body = json_tokener_parse(text);
	struct ts_agent_path path;
	int rc;

	path_of(1, &path);
	ts_problem_init(p);
	rc = ts_agent_parse_create(p, body, NULL, &path, TID, in, api);
	/* the input borrows from the /api body, not from this one */
	json_object_put(body);
	return rc;
}

START_TEST(a_create_body_lands_in_apis_fields)
{
	struct ts_message_input in;
	struct ts_problem p;
	struct json_object *api;

	ck_assert_int_eq(create("{\"workspace_id\": \"ws1\", \"app_id\": \"app1\", \"namespace_id\": \"ns1\","
	    " \"thread_id\": \"" TID_S "\", \"role\": \"assistant\", \"content\": \"hi\","
	    " \"source\": \"user_input\", \"execution_id\": \"run-1\", \"endpoint_id\": \"ep\","
	    " \"augmentation_id\": \"aug\", \"model\": \"m\", \"token_count\": 3, \"prompt_tokens\": 1,"
	    " \"completion_tokens\": 2, \"tool_calls\": [{}], \"artifacts\": [{\"k\": 1}],"
	    " \"metadata\": {\"a\": \"b\"}}", &in, &p, &api), 0);
	ck_assert_int_eq(in.role, TS_ROLE_ASSISTANT);
	ck_assert_str_eq(in.text, "hi");
	ck_assert_str_eq(in.strs[TS_MS_RUN_ID], "run-1");
	ck_assert_str_eq(in.strs[TS_MS_ASSISTANT_ID], "ep");
	ck_assert_str_eq(in.strs[TS_MS_COMPARISON_ID], "aug");
	ck_assert_str_eq(in.strs[TS_MS_SOURCE], "user_input");
	ck_assert_int_eq(in.ints[TS_MI_TOKEN_COUNT], 3);
	ck_assert_str_eq(in.attachments, "[{\"k\":1}]");
	ck_assert_str_eq(in.tool_calls, "[{}]");
	ck_assert_str_eq(in.metadata, "{\"a\":\"b\"}");
	ts_message_input_free(&in);
	json_object_put(api);
	ts_problem_free(&p);
}
END_TEST

START_TEST(null_content_is_the_empty_text)
{
	struct ts_message_input in;
	struct ts_problem p;
	struct json_object *api;

	ck_assert_int_eq(create("{\"role\": \"assistant\", \"content\": null, \"tool_calls\": [{\"id\": \"c\"}]}",
	    &in, &p, &api), 0);
	ck_assert_uint_eq(in.text_len, 0);
	ts_message_input_free(&in);
	json_object_put(api);
	ts_problem_free(&p);
}
END_TEST

/* The body is refused with a 422 at loc (JSON text). */
static void
refused(const char *text, const char *loc)
{
	struct ts_message_input in;
	struct ts_problem p;
	struct json_object *api;

	ck_assert_int_eq(create(text, &in, &p, &api), -1);
	ck_assert_int_eq(p.error, TS_E_VALIDATION);
	ck_assert_str_eq(json_object_to_json_string_ext(p.loc, JSON_C_TO_STRING_PLAIN), loc);
	ts_message_input_free(&in);
	json_object_put(api);
	ts_problem_free(&p);
}

START_TEST(bad_create_bodies_are_422s_named_as_sent)
{
	refused("{\"content\": \"x\"}", "[\"body\",\"role\"]");
	refused("{\"role\": \"robot\", \"content\": \"x\"}", "[\"body\",\"role\"]");
	refused("{\"role\": \"user\", \"content\": {\"text\": \"x\"}}", "[\"body\",\"content\"]");
	refused("{\"role\": \"user\", \"content\": \"x\", \"execution_id\": 5}", "[\"body\",\"execution_id\"]");
	refused("{\"role\": \"user\", \"content\": \"x\", \"artifacts\": {}}", "[\"body\",\"artifacts\"]");
	refused("{\"role\": \"user\", \"content\": \"x\", \"token_count\": -1}", "[\"body\",\"token_count\"]");
	refused("{\"role\": \"user\", \"content\": \"x\", \"run_id\": \"r\"}", "[\"body\",\"run_id\"]");
	refused("{\"role\": \"user\", \"content\": \"x\", \"workspace_id\": \"other\"}", "[\"body\",\"workspace_id\"]");
	refused("{\"role\": \"user\", \"content\": \"x\", \"app_id\": 1}", "[\"body\",\"app_id\"]");
	refused("{\"role\": \"user\", \"content\": \"x\", \"thread_id\": \"01234567-89ab-cdef-1032-547698badcff\"}",
	    "[\"body\",\"thread_id\"]");
	refused("{\"role\": \"user\", \"content\": \"x\", \"metadata\": {\"k\": 1}}", "[\"body\",\"metadata\",\"k\"]");
	refused("[1]", "[\"body\"]");
}
END_TEST

START_TEST(list_query_defaults_and_bounds)
{
	struct ts_message_query q;
	struct ts_problem p;

	ts_problem_init(&p);
	ts_message_query_init(&q);
	ck_assert_int_eq(ts_agent_parse_list(&p, "", &q), 0);
	ck_assert_int_eq(q.limit, TS_AGENT_DEFAULT_PAGE_LIMIT);
	ck_assert_int_eq(q.order, TS_ORDER_ASC);
	ck_assert_int_eq(q.has_after, 0);
	ck_assert_int_eq(ts_agent_parse_list(&p, "ascending=false&limit=200&cursor=" TID_S, &q), 0);
	ck_assert_int_eq(q.order, TS_ORDER_DESC);
	ck_assert_int_eq(q.limit, 200);
	ck_assert_int_eq(q.has_after, 1);
	ck_assert_mem_eq(q.after, TID, 16);
	ck_assert_int_eq(ts_agent_parse_list(&p, "limit=201", &q), -1);
	ck_assert_str_eq(json_object_to_json_string_ext(p.loc, JSON_C_TO_STRING_PLAIN), "[\"query\",\"limit\"]");
	ck_assert_int_eq(ts_agent_parse_list(&p, "ascending=yes", &q), -1);
	ck_assert_int_eq(ts_agent_parse_list(&p, "cursor=abc", &q), -1);
	ck_assert_str_eq(json_object_to_json_string_ext(p.loc, JSON_C_TO_STRING_PLAIN), "[\"query\",\"cursor\"]");
	ts_problem_free(&p);
	ts_message_query_free(&q);
}
END_TEST

START_TEST(context_body_is_optional_with_defaults)
{
	struct ts_context_query q;
	struct ts_agent_path path;
	struct ts_problem p;
	struct json_object *b;

	path_of(0, &path);
	ts_problem_init(&p);
	ck_assert_int_eq(ts_agent_parse_context(&p, NULL, NULL, &path, TID, &q), 0);
	ck_assert_int_eq(q.max_tokens, TS_MAX_CONTEXT_TOKENS);
	ck_assert_int_eq(q.max_messages, TS_DEFAULT_CONTEXT_MESSAGES);
	ck_assert_int_eq(q.include_system, 1);
	b = json_tokener_parse("{\"workspace_id\": \"ws1\", \"app_id\": null, \"namespace_id\": \"ns1\","
	    " \"thread_id\": \"" TID_S "\", \"max_tokens\": 10, \"max_messages\": 2, \"include_system\": false}");
	ck_assert_int_eq(ts_agent_parse_context(&p, b, NULL, &path, TID, &q), 0);
	ck_assert_int_eq(q.max_tokens, 10);
	ck_assert_int_eq(q.max_messages, 2);
	ck_assert_int_eq(q.include_system, 0);
	json_object_put(b);
	b = json_tokener_parse("{\"app_id\": \"app1\"}");
	ck_assert_int_eq(ts_agent_parse_context(&p, b, NULL, &path, TID, &q), -1);
	json_object_put(b);
	b = json_tokener_parse("{\"max_tokens\": 0}");
	ck_assert_int_eq(ts_agent_parse_context(&p, b, NULL, &path, TID, &q), -1);
	ck_assert_str_eq(json_object_to_json_string_ext(p.loc, JSON_C_TO_STRING_PLAIN), "[\"body\",\"max_tokens\"]");
	json_object_put(b);
	ts_problem_free(&p);
}
END_TEST

START_TEST(timestamp_is_rfc3339_to_the_millisecond)
{
	char ts[TS_DB_TIME_LEN + 1];
	struct ts_problem p;

	ts_problem_init(&p);
	ck_assert_int_eq(ts_agent_parse_timestamp(&p, "", ts), 0);
	ck_assert_int_eq(ts_agent_parse_timestamp(&p, "timestamp=2024-01-15T10:30:00.123Z", ts), 1);
	ck_assert_str_eq(ts, "2024-01-15 10:30:00.123");
	ck_assert_int_eq(ts_agent_parse_timestamp(&p, "timestamp=2024-01-15T12:30:00.123%2B02:00", ts), 1);
	ck_assert_str_eq(ts, "2024-01-15 10:30:00.123");
	ck_assert_int_eq(ts_agent_parse_timestamp(&p, "timestamp=yesterday", ts), -1);
	ck_assert_str_eq(json_object_to_json_string_ext(p.loc, JSON_C_TO_STRING_PLAIN), "[\"query\",\"timestamp\"]");
	ts_problem_free(&p);
}
END_TEST

/* A message row's cells, the few set that the object shows. */
static void
set(struct ts_db_cell *c, int col, const void *data, unsigned long len)
{
	c[col].data = (char *)(uintptr_t)data;
	c[col].len = len;
}

static void
cells_of(struct ts_db_cell *c)
{
	memset(c, 0, sizeof(*c) * TS_MC__COUNT);
	set(c, TS_MC_ID, TID, 16);
	set(c, TS_MC_THREAD_ID, TID, 16);
	set(c, TS_MC_ROLE, "1", 1);
	set(c, TS_MC_TEXT, "hello", 5);
	set(c, TS_MC_RUN_ID, "r1", 2);
	set(c, TS_MC_TOKEN_COUNT, "7", 1);
	set(c, TS_MC_CREATED_AT, "2024-01-15 10:30:00.123", 23);
}

START_TEST(message_object_has_the_documents_fields)
{
	struct ts_db_cell c[TS_MC__COUNT];
	struct ts_agent_path path;
	struct json_object *o;

	cells_of(c);
	path_of(0, &path);
	o = ts_agent_message_object(c, &path);
	ck_assert_str_eq(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
	    "{\"message_id\":\"" TID_S "\",\"thread_id\":\"" TID_S "\",\"workspace_id\":\"ws1\","
	    "\"app_id\":null,\"namespace_id\":\"ns1\",\"role\":\"assistant\",\"content\":\"hello\","
	    "\"source\":null,\"execution_id\":\"r1\",\"augmentation_id\":null,\"endpoint_id\":null,"
	    "\"model\":null,\"token_count\":7,\"prompt_tokens\":null,\"completion_tokens\":null,"
	    "\"tool_call_id\":null,\"tool_calls\":null,\"tool_name\":null,\"artifacts\":[],\"metadata\":{},"
	    "\"parent_message_id\":null,\"created_at\":\"2024-01-15T10:30:00.123Z\"}");
	json_object_put(o);
	o = ts_agent_context_message(c);
	ck_assert_str_eq(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
	    "{\"role\":\"assistant\",\"content\":\"hello\"}");
	json_object_put(o);
}
END_TEST

START_TEST(list_envelope_gives_next_cursor_only_with_more)
{
	struct json_object *m = json_object_new_array(), *item = json_object_new_object(), *o;

	json_object_object_add(item, "message_id", json_object_new_string("x"));
	json_object_array_add(m, item);
	/* The cursor is the id given, not one read from the messages. */
	o = ts_agent_list_object(json_object_get(m), 9, 1, json_object_new_string("y"));
	ck_assert_str_eq(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
	    "{\"total\":9,\"has_more\":true,\"next_cursor\":\"y\",\"messages\":[{\"message_id\":\"x\"}]}");
	json_object_put(o);
	/* The last id given without more: no cursor, and the id is let go. */
	o = ts_agent_list_object(m, -1, 0, json_object_new_string("x"));
	ck_assert_str_eq(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
	    "{\"total\":null,\"has_more\":false,\"next_cursor\":null,\"messages\":[{\"message_id\":\"x\"}]}");
	json_object_put(o);
}
END_TEST

START_TEST(error_bodies_are_fastapis)
{
	static const char *const loc[] = { "body", "role", NULL };
	struct ts_problem p;
	struct json_object *o;

	ts_problem_init(&p);
	ts_problem_invalid(&p, loc, "field required", "missing");
	o = ts_agent_error_body(&p);
	ck_assert_str_eq(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
	    "{\"detail\":[{\"loc\":[\"body\",\"role\"],\"msg\":\"field required\",\"type\":\"missing\","
	    "\"input\":null,\"ctx\":{}}]}");
	json_object_put(o);
	ts_problem_set(&p, TS_E_NOT_FOUND, "Thread not found");
	o = ts_agent_error_body(&p);
	ck_assert_str_eq(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
	    "{\"detail\":\"Thread not found\"}");
	json_object_put(o);
	ts_problem_free(&p);
}
END_TEST

START_TEST(platform_names_for_apis_fields)
{
	ck_assert_str_eq(ts_agent_field_name("run_id"), "execution_id");
	ck_assert_str_eq(ts_agent_field_name("attachments"), "artifacts");
	ck_assert_str_eq(ts_agent_field_name("role"), "role");
	ck_assert_int_eq(ts_agent_path("/v1/orgs/a"), 1);
	ck_assert_int_eq(ts_agent_path("/v1/orgs"), 1);
	ck_assert_int_eq(ts_agent_path("/v1/orgsx"), 0);
	ck_assert_int_eq(ts_agent_path("/v1/threads"), 0);
}
END_TEST

static Suite *
make_suite(void)
{
	Suite *s = suite_create("agent");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, names_join_into_one_namespace);
	tcase_add_test(tc, the_message_placeholder_follows_the_thread);
	tcase_add_test(tc, bad_names_are_refused);
	tcase_add_test(tc, the_longest_names_fit_a_namespace);
	tcase_add_test(tc, the_two_forms_never_collide);
	tcase_add_test(tc, a_create_body_lands_in_apis_fields);
	tcase_add_test(tc, null_content_is_the_empty_text);
	tcase_add_test(tc, bad_create_bodies_are_422s_named_as_sent);
	tcase_add_test(tc, list_query_defaults_and_bounds);
	tcase_add_test(tc, context_body_is_optional_with_defaults);
	tcase_add_test(tc, timestamp_is_rfc3339_to_the_millisecond);
	tcase_add_test(tc, message_object_has_the_documents_fields);
	tcase_add_test(tc, list_envelope_gives_next_cursor_only_with_more);
	tcase_add_test(tc, error_bodies_are_fastapis);
	tcase_add_test(tc, platform_names_for_apis_fields);
	suite_add_tcase(s, tc);
	return s;
}

#include "check_main.h"
