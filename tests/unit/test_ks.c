/*
 * The Knowledge Stack surface's pure parts: datetimes and booleans in the
 * forms its SDKs and FastAPI use, the list query, the create body
 * rewritten into /api's (citations' start_char and materialized_path
 * under /api's names), the message drawn as a ThreadMessageResponse, and
 * the error bodies.
 */
#include <check.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "ks.h"
#include "message_ranges.h"
#include "roles.h"

#define JSON_PLAIN (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

static const char *
loc_of(const struct ts_problem *p)
{
	ck_assert_ptr_nonnull(p->loc);
	return json_object_to_json_string_ext(p->loc, JSON_C_TO_STRING_PLAIN);
}

START_TEST(datetimes_in_every_sdk_form)
{
	char out[TS_DB_TIME_LEN + 1];

	/* JavaScript's toISOString. */
	ck_assert_int_eq(ts_ks_time_parse("2024-01-15T10:30:00.123Z", out), 0);
	ck_assert_str_eq(out, "2024-01-15 10:30:00.123");
	/* Python's "%Y-%m-%dT%H:%M:%S.%f%z": microseconds, +HHMM. */
	ck_assert_int_eq(ts_ks_time_parse("2024-01-15T10:30:00.123000+0000", out), 0);
	ck_assert_str_eq(out, "2024-01-15 10:30:00.123");
	ck_assert_int_eq(ts_ks_time_parse("2024-01-15T11:30:00.000000+0100", out), 0);
	ck_assert_str_eq(out, "2024-01-15 10:30:00.000");
	/* A naive datetime is UTC; digits past the millisecond round up, so
	 * "before" stays strict. */
	ck_assert_int_eq(ts_ks_time_parse("2024-01-15T10:30:00.123456", out), 0);
	ck_assert_str_eq(out, "2024-01-15 10:30:00.124");
	ck_assert_int_eq(ts_ks_time_parse("2024-01-15T10:30:00", out), 0);
	ck_assert_str_eq(out, "2024-01-15 10:30:00.000");
	ck_assert_int_eq(ts_ks_time_parse("2024-01-15T12:30:00-02:00", out), 0);
	ck_assert_str_eq(out, "2024-01-15 14:30:00.000");
}
END_TEST

START_TEST(malformed_datetimes_are_refused)
{
	char out[TS_DB_TIME_LEN + 1];

	ck_assert_int_eq(ts_ks_time_parse("", out), -1);
	ck_assert_int_eq(ts_ks_time_parse("yesterday", out), -1);
	ck_assert_int_eq(ts_ks_time_parse("2024-01-15", out), -1);
	ck_assert_int_eq(ts_ks_time_parse("2024-01-15T10:30:00+01", out), -1);
	ck_assert_int_eq(ts_ks_time_parse("2024-01-15T10:30:00+01000", out), -1);
	ck_assert_int_eq(ts_ks_time_parse("2024-01-15T10:30:00+1x00", out), -1);
	ck_assert_int_eq(ts_ks_time_parse("2024-02-30T10:30:00Z", out), -1);
	ck_assert_int_eq(ts_ks_time_parse("2024-01-15T10:30:00.Z", out), -1);
	ck_assert_int_eq(ts_ks_time_parse(
	    "2024-01-15T10:30:00.1234567890123456789012345678901234567890123456789Z", out), -1);
}
END_TEST

START_TEST(booleans_as_fastapi_reads_them)
{
	struct ts_problem p;
	int v = 7;

	ts_problem_init(&p);
	ck_assert_int_eq(ts_ks_q_bool(&p, "x=1", "with_details", &v), 0);
	ck_assert_int_eq(v, 7);
	ck_assert_int_eq(ts_ks_q_bool(&p, "with_details=False", "with_details", &v), 1);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(ts_ks_q_bool(&p, "with_details=yes", "with_details", &v), 1);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(ts_ks_q_bool(&p, "with_details=0", "with_details", &v), 1);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(ts_ks_q_bool(&p, "with_details=TRUE", "with_details", &v), 1);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(ts_problem_is_set(&p), 0);
	ck_assert_int_eq(ts_ks_q_bool(&p, "with_details=maybe", "with_details", &v), -1);
	ck_assert_str_eq(loc_of(&p), "[\"query\",\"with_details\"]");
	ck_assert_str_eq(p.type, "bool_parsing");
	ts_problem_free(&p);
	ck_assert_int_eq(ts_ks_q_bool(&p, "with_details=", "with_details", &v), -1);
	ts_problem_free(&p);
}
END_TEST

START_TEST(list_query_defaults_and_values)
{
	struct ts_message_query q;
	struct ts_problem p;

	ts_problem_init(&p);
	ts_message_query_init(&q);
	ck_assert_int_eq(ts_ks_parse_list(&p, "", &q), 0);
	ck_assert_int_eq(q.limit, 20);
	ck_assert_int_eq(q.offset, 0);
	ck_assert_int_eq(q.order, TS_ORDER_DESC);
	ck_assert_int_eq(q.role_mask, TS_ALL_ROLES);
	ck_assert_int_eq(q.with_details, 1);
	ck_assert_int_eq(q.has_created_before, 0);
	ts_message_query_free(&q);

	ts_message_query_init(&q);
	ck_assert_int_eq(ts_ks_parse_list(&p, "limit=100&offset=7&sort_dir=ASC&role=ASSISTANT&with_details=false"
	    "&before=2024-01-15T10%3A30%3A00.123000%2B0000", &q), 0);
	ck_assert_int_eq(q.limit, 100);
	ck_assert_int_eq(q.offset, 7);
	ck_assert_int_eq(q.order, TS_ORDER_ASC);
	/* Tool messages are shown as ASSISTANT, so they are listed as such. */
	ck_assert_int_eq(q.role_mask, (1 << TS_ROLE_ASSISTANT) | (1 << TS_ROLE_TOOL));
	ck_assert_int_eq(q.with_details, 0);
	ck_assert_int_eq(q.has_created_before, 1);
	ck_assert_int_eq(q.time_is_cursor, 1);
	ck_assert_str_eq(q.created_before, "2024-01-15 10:30:00.123");
	ts_message_query_free(&q);
}
END_TEST

static void
list_refused(const char *query, const char *loc)
{
	struct ts_message_query q;
	struct ts_problem p;

	ts_problem_init(&p);
	ts_message_query_init(&q);
	ck_assert_msg(ts_ks_parse_list(&p, query, &q) == -1, "%s passed", query);
	ck_assert_int_eq(p.error, TS_E_VALIDATION);
	ck_assert_str_eq(loc_of(&p), loc);
	ts_problem_free(&p);
	ts_message_query_free(&q);
}

START_TEST(bad_list_queries_are_422s_at_their_parameter)
{
	list_refused("limit=0", "[\"query\",\"limit\"]");
	list_refused("limit=101", "[\"query\",\"limit\"]");
	list_refused("limit=ten", "[\"query\",\"limit\"]");
	list_refused("offset=-1", "[\"query\",\"offset\"]");
	list_refused("offset=100001", "[\"query\",\"offset\"]");
	list_refused("sort_dir=asc", "[\"query\",\"sort_dir\"]");
	list_refused("role=user", "[\"query\",\"role\"]");
	list_refused("role=TOOL", "[\"query\",\"role\"]");
	list_refused("before=last%20week", "[\"query\",\"before\"]");
	list_refused("before=", "[\"query\",\"before\"]");
	list_refused("with_details=2", "[\"query\",\"with_details\"]");
}
END_TEST

static void
parse_ok(const char *text, struct ts_message_input *in, struct json_object **body)
{
	struct ts_problem p;

	ts_problem_init(&p);
	*body = json_tokener_parse(text);
	ck_assert_ptr_nonnull(*body);
	ck_assert_msg(ts_ks_parse_message(&p, *body, in) == 0, "%s: %s", text, ts_problem_message(&p));
	ts_problem_free(&p);
}

START_TEST(a_create_body_is_stored_under_the_api_names)
{
	struct ts_message_input in;
	struct json_object *body;

	parse_ok("{\"role\": \"ASSISTANT\", \"message_id\": \"0b7e2a56-4d61-4bd4-9b0e-5e0e8e4f7a11\","
	    " \"content\": {\"text\": \"Paris.\", \"is_error\": false, \"references\": [{\"ref_type\": \"DOCUMENT\"}],"
	    " \"citations\": [{\"chunk_id\": \"3f7c1a52-0d44-4d1f-8e38-0f3d6c1a9b20\", \"quote\": \"the capital\","
	    " \"start_char\": 12, \"length\": 11, \"start_ms\": null, \"materialized_path\": \"/kb/geo\"}]},"
	    " \"details\": {\"steps\": []}}", &in, &body);
	ck_assert_int_eq(in.role, TS_ROLE_ASSISTANT);
	ck_assert_int_eq(in.has_message_id, 1);
	ck_assert_str_eq(in.text, "Paris.");
	ck_assert_str_eq(in.details, "{\"steps\":[]}");
	ck_assert_str_eq(in.content_extra, "{\"is_error\":false,\"references\":[{\"ref_type\":\"DOCUMENT\"}],"
	    "\"citations\":[{\"chunk_id\":\"3f7c1a52-0d44-4d1f-8e38-0f3d6c1a9b20\",\"quote\":\"the capital\","
	    "\"offset\":12,\"length\":11,\"path\":\"/kb/geo\"}]}");
	ts_message_input_free(&in);
	json_object_put(body);

	parse_ok("{\"role\": \"SYSTEM\", \"content\": {\"text\": \"\"}, \"details\": null, \"message_id\": null}",
	    &in, &body);
	ck_assert_int_eq(in.role, TS_ROLE_SYSTEM);
	ck_assert_int_eq(in.has_message_id, 0);
	ck_assert_ptr_null(in.details);
	ck_assert_ptr_null(in.content_extra);
	ts_message_input_free(&in);
	json_object_put(body);
}
END_TEST

static void
refused(const char *text, const char *loc)
{
	struct ts_message_input in;
	struct json_object *body = json_tokener_parse(text);
	struct ts_problem p;

	ck_assert_ptr_nonnull(body);
	ts_problem_init(&p);
	ck_assert_msg(ts_ks_parse_message(&p, body, &in) == -1, "%s passed", text);
	ck_assert_int_eq(p.error, TS_E_VALIDATION);
	ck_assert_str_eq(loc_of(&p), loc);
	ts_problem_free(&p);
	ts_message_input_free(&in);
	json_object_put(body);
}

#define CHUNK "\"chunk_id\": \"3f7c1a52-0d44-4d1f-8e38-0f3d6c1a9b20\""

START_TEST(bad_create_bodies_are_422s_at_their_field)
{
	refused("{\"content\": {\"text\": \"x\"}}", "[\"body\",\"role\"]");
	refused("{\"role\": \"user\", \"content\": {\"text\": \"x\"}}", "[\"body\",\"role\"]");
	refused("{\"role\": \"TOOL\", \"content\": {\"text\": \"x\"}}", "[\"body\",\"role\"]");
	refused("{\"role\": \"USER\"}", "[\"body\",\"content\"]");
	refused("{\"role\": \"USER\", \"content\": \"x\"}", "[\"body\",\"content\"]");
	refused("{\"role\": \"USER\", \"content\": {}}", "[\"body\",\"content\",\"text\"]");
	refused("{\"role\": \"USER\", \"content\": {\"text\": 1}}", "[\"body\",\"content\",\"text\"]");
	refused("{\"role\": \"USER\", \"content\": {\"text\": \"x\", \"is_error\": 1}}",
	    "[\"body\",\"content\",\"is_error\"]");
	refused("{\"role\": \"USER\", \"content\": {\"text\": \"x\", \"references\": {}}}",
	    "[\"body\",\"content\",\"references\"]");
	refused("{\"role\": \"USER\", \"content\": {\"text\": \"x\", \"extra\": 1}}",
	    "[\"body\",\"content\",\"extra\"]");
	refused("{\"role\": \"USER\", \"content\": {\"text\": \"x\"}, \"metadata\": {}}", "[\"body\",\"metadata\"]");
	refused("{\"role\": \"USER\", \"content\": {\"text\": \"x\"}, \"details\": []}", "[\"body\",\"details\"]");
	refused("{\"role\": \"USER\", \"content\": {\"text\": \"x\"}, \"message_id\": \"nope\"}",
	    "[\"body\",\"message_id\"]");
	refused("{\"role\": \"USER\", \"content\": {\"text\": \"x\"}, \"message_id\": "
	    "\"00000000-0000-0000-0000-000000000000\"}", "[\"body\",\"message_id\"]");
	refused("{\"role\": \"USER\", \"content\": {\"text\": \"x\", \"citations\": {}}}",
	    "[\"body\",\"content\",\"citations\"]");
	refused("{\"role\": \"USER\", \"content\": {\"text\": \"x\", \"citations\": [1]}}",
	    "[\"body\",\"content\",\"citations\",0]");
	refused("{\"role\": \"USER\", \"content\": {\"text\": \"x\", \"citations\": [{" CHUNK ", \"quote\": \"q\","
	    " \"length\": 1}]}}", "[\"body\",\"content\",\"citations\",0,\"start_char\"]");
	refused("{\"role\": \"USER\", \"content\": {\"text\": \"x\", \"citations\": [{" CHUNK ", \"quote\": \"q\","
	    " \"start_char\": -1, \"length\": 1}]}}", "[\"body\",\"content\",\"citations\",0,\"start_char\"]");
	refused("{\"role\": \"USER\", \"content\": {\"text\": \"x\", \"citations\": [{" CHUNK ", \"quote\": \"q\","
	    " \"start_char\": 0, \"length\": 1.5}]}}", "[\"body\",\"content\",\"citations\",0,\"length\"]");
	refused("{\"role\": \"USER\", \"content\": {\"text\": \"x\", \"citations\": [{\"chunk_id\": \"c1\","
	    " \"quote\": \"q\", \"start_char\": 0, \"length\": 1}]}}",
	    "[\"body\",\"content\",\"citations\",0,\"chunk_id\"]");
	/* /api's names are not Knowledge Stack's: offset next to start_char
	 * would be two values for one. */
	refused("{\"role\": \"USER\", \"content\": {\"text\": \"x\", \"citations\": [{" CHUNK ", \"quote\": \"q\","
	    " \"start_char\": 0, \"offset\": 0, \"length\": 1}]}}",
	    "[\"body\",\"content\",\"citations\",0,\"offset\"]");
	refused("{\"role\": \"USER\", \"content\": {\"text\": \"x\", \"citations\": [{" CHUNK ", \"quote\": \"q\","
	    " \"start_char\": 0, \"length\": 1}, {" CHUNK ", \"quote\": 3, \"start_char\": 0, \"length\": 1}]}}",
	    "[\"body\",\"content\",\"citations\",1,\"quote\"]");
	refused("{\"role\": \"USER\", \"content\": {\"text\": \"x\", \"citations\": [{" CHUNK ", \"quote\": \"q\","
	    " \"start_char\": 0, \"length\": 1, \"document_id\": \"d\"}]}}",
	    "[\"body\",\"content\",\"citations\",0,\"document_id\"]");
}
END_TEST

START_TEST(citations_read_back_in_either_form)
{
	struct json_object *given = json_tokener_parse("{" CHUNK ", \"quote\": \"q\", \"start_char\": 4,"
	    " \"length\": 1, \"end_ms\": 900, \"materialized_path\": \"/kb/doc\"}");
	struct json_object *stored, *shown;
	struct ts_problem p;

	ts_problem_init(&p);
	ck_assert_int_eq(ts_ks_citation_in(&p, 0, given, &stored), 0);
	ck_assert_str_eq(json_object_to_json_string_ext(stored, JSON_PLAIN),
	    "{\"chunk_id\":\"3f7c1a52-0d44-4d1f-8e38-0f3d6c1a9b20\",\"quote\":\"q\",\"offset\":4,\"length\":1,"
	    "\"end_ms\":900,\"path\":\"/kb/doc\"}");
	shown = ts_ks_citation_out(stored);
	ck_assert_str_eq(json_object_to_json_string_ext(shown, JSON_PLAIN),
	    "{\"chunk_id\":\"3f7c1a52-0d44-4d1f-8e38-0f3d6c1a9b20\",\"quote\":\"q\",\"start_char\":4,\"length\":1,"
	    "\"start_ms\":null,\"end_ms\":900,\"document_id\":null,\"document_version_id\":null,"
	    "\"document_name\":null,\"version_number\":null,\"path_part_id\":null,\"materialized_path\":\"/kb/doc\"}");
	json_object_put(shown);
	json_object_put(stored);
	json_object_put(given);
	/* One /api stored with a key of its own: kept, after the known ones. */
	stored = json_tokener_parse("{\"page\": 3, \"chunk_id\": \"c\", \"quote\": \"q\", \"offset\": 0, \"length"
	    "\": 2}");
	shown = ts_ks_citation_out(stored);
	ck_assert_str_eq(json_object_to_json_string_ext(shown, JSON_PLAIN),
	    "{\"chunk_id\":\"c\",\"quote\":\"q\",\"start_char\":0,\"length\":2,\"start_ms\":null,\"end_ms\":null,"
	    "\"document_id\":null,\"document_version_id\":null,\"document_name\":null,\"version_number\":null,"
	    "\"path_part_id\":null,\"materialized_path\":null,\"page\":3}");
	json_object_put(shown);
	json_object_put(stored);
}
END_TEST

static const unsigned char TID[16] = { 0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x42, 0x22, 0x83, 0x33,
	0x44, 0x44, 0x44, 0x44, 0x44, 0x44 };
static const unsigned char MID[16] = { 0x55, 0x55, 0x55, 0x55, 0x66, 0x66, 0x46, 0x66, 0x87, 0x77,
	0x88, 0x88, 0x88, 0x88, 0x88, 0x88 };

static void
cell(struct ts_db_cell *c, const void *data, size_t len)
{
	c->data = (char *)(uintptr_t)data;
	c->len = (unsigned long)len;
}

static void
cells_of(struct ts_db_cell *c, const char *role, const char *extra, const char *details)
{
	memset(c, 0, sizeof(struct ts_db_cell) * TS_MC__COUNT);
	cell(&c[TS_MC_THREAD_ID], TID, 16);
	cell(&c[TS_MC_ID], MID, 16);
	cell(&c[TS_MC_SEQ], "7", 1);
	cell(&c[TS_MC_ROLE], role, strlen(role));
	cell(&c[TS_MC_TEXT], "hi", 2);
	if (extra != NULL)
		cell(&c[TS_MC_CONTENT_EXTRA], extra, strlen(extra));
	if (details != NULL)
		cell(&c[TS_MC_DETAILS], details, strlen(details));
	cell(&c[TS_MC_METADATA], "{}", 2);
	cell(&c[TS_MC_CREATED_AT], "2024-01-15 10:30:00.123", 23);
	cell(&c[TS_MC_UPDATED_AT], "2024-01-15 10:30:01.000", 23);
}

START_TEST(a_message_as_a_thread_message_response)
{
	struct ts_db_cell c[TS_MC__COUNT];
	struct json_object *o;

	cells_of(c, "1",
	    "{\"is_error\":true,\"citations\":[{\"chunk_id\":\"c\",\"quote\":\"q\",\"offset\":1,\"length\":1}]}",
	    "{\"steps\":[]}");
	o = ts_ks_message_object(c, 1);
	ck_assert_str_eq(json_object_to_json_string_ext(o, JSON_PLAIN),
	    "{\"id\":\"55555555-6666-4666-8777-888888888888\",\"thread_id\":\"11111111-2222-4222-8333-444444444444\","
	    "\"path_part_id\":\"55555555-6666-4666-8777-888888888888\",\"sequence\":7,\"role\":\"ASSISTANT\","
	    "\"content\":{\"text\":\"hi\",\"citations\":[{\"chunk_id\":\"c\",\"quote\":\"q\",\"start_char\":1,\"le"
	    "ngth\":1,"
	    "\"start_ms\":null,\"end_ms\":null,\"document_id\":null,\"document_version_id\":null,\"document_name\""
	    ":null,"
	    "\"version_number\":null,\"path_part_id\":null,\"materialized_path\":null}],\"references\":[],"
	    "\"is_error\":true},\"details\":{\"steps\":[]},"
	    "\"parent_path_id\":\"11111111-2222-4222-8333-444444444444\","
	    "\"materialized_path\":\"/threads/11111111-2222-4222-8333-444444444444/7\","
	    "\"tenant_id\":\"00000000-0000-0000-0000-000000000000\",\"author_tenant_user_id\":null,"
	    "\"created_at\":\"2024-01-15T10:30:00.123Z\",\"updated_at\":\"2024-01-15T10:30:01.000Z\"}");
	json_object_put(o);
}
END_TEST

START_TEST(details_only_when_asked_and_only_objects)
{
	struct ts_db_cell c[TS_MC__COUNT];
	struct json_object *o, *v;

	cells_of(c, "0", NULL, "{\"steps\":[]}");
	o = ts_ks_message_object(c, 0);
	ck_assert(json_object_object_get_ex(o, "details", &v) && v == NULL);
	ck_assert(json_object_object_get_ex(o, "role", &v));
	ck_assert_str_eq(json_object_get_string(v), "USER");
	json_object_put(o);
	/* /api stores any JSON value as details; the SDKs read an object. */
	cells_of(c, "2", NULL, "[1,2]");
	o = ts_ks_message_object(c, 1);
	ck_assert(json_object_object_get_ex(o, "details", &v) && v == NULL);
	ck_assert(json_object_object_get_ex(o, "content", &v));
	ck_assert_str_eq(json_object_to_json_string_ext(v, JSON_PLAIN),
	    "{\"text\":\"hi\",\"citations\":[],\"references\":[],\"is_error\":false}");
	json_object_put(o);
}
END_TEST

START_TEST(roles_are_the_three_of_message_role)
{
	ck_assert_str_eq(ts_ks_role_name(TS_ROLE_USER), "USER");
	ck_assert_str_eq(ts_ks_role_name(TS_ROLE_ASSISTANT), "ASSISTANT");
	ck_assert_str_eq(ts_ks_role_name(TS_ROLE_SYSTEM), "SYSTEM");
	ck_assert_str_eq(ts_ks_role_name(TS_ROLE_TOOL), "ASSISTANT");
}
END_TEST

START_TEST(the_page_envelope)
{
	struct json_object *o = ts_ks_page_object(json_object_new_array(), 42, 20, 40);

	ck_assert_str_eq(json_object_to_json_string_ext(o, JSON_PLAIN),
	    "{\"items\":[],\"total\":42,\"limit\":20,\"offset\":40}");
	json_object_put(o);
}
END_TEST

START_TEST(error_bodies)
{
	struct ts_response res;
	struct ts_problem p;
	const char *loc[] = { "body", "role", NULL };

	memset(&res, 0, sizeof(res));
	ts_problem_init(&p);
	ts_problem_set(&p, TS_E_NOT_FOUND, "Thread not found");
	ts_ks_answer_problem(&res, &p);
	ck_assert_int_eq(res.status, 404);
	ck_assert_int_eq(res.is_error, 1);
	ck_assert_str_eq(res.body, "{\"detail\":\"Thread not found\",\"code\":\"not_found\"}");
	ts_problem_free(&p);
	ts_response_free(&res);

	memset(&res, 0, sizeof(res));
	ts_problem_invalid(&p, loc, "Input should be 'USER', 'ASSISTANT' or 'SYSTEM'", "enum");
	ts_ks_answer_problem(&res, &p);
	ck_assert_int_eq(res.status, 422);
	ck_assert_str_eq(res.body, "{\"detail\":[{\"loc\":[\"body\",\"role\"],"
	    "\"msg\":\"Input should be 'USER', 'ASSISTANT' or 'SYSTEM'\",\"type\":\"enum\"}],"
	    "\"code\":\"unprocessable_entity\"}");
	ts_problem_free(&p);
	ts_response_free(&res);
}
END_TEST

START_TEST(every_error_has_a_code_of_the_closed_set)
{
	static const char *const set[] = { "error", "bad_request", "permission_limit", "unauthorized", "forbidden",
		"not_found", "conflict", "run_busy", "unprocessable_entity", "too_many_requests", "quota_exceeded",
		"not_implemented", "service_configuration_error", "quota_period_missing", "internal_error",
		"service_unavailable", NULL };
	int e, i, found;

	for (e = 0; e < TS_E__COUNT; e++) {
		for (i = 0, found = 0; set[i] != NULL; i++)
			found |= strcmp(ts_ks_error_code((enum ts_error)e), set[i]) == 0;
		ck_assert_msg(found, "error %d: %s", e, ts_ks_error_code((enum ts_error)e));
	}
	ck_assert_str_eq(ts_ks_error_code(TS_E_INVALID_TOKEN), "unauthorized");
	ck_assert_str_eq(ts_ks_error_code(TS_E_SERVICE_UNAVAILABLE), "service_unavailable");
}
END_TEST

START_TEST(paths_of_the_surface)
{
	ck_assert_int_eq(ts_ks_path("/ks/v1/threads/x/messages"), 1);
	ck_assert_int_eq(ts_ks_path("/ks"), 1);
	ck_assert_int_eq(ts_ks_path("/ksx/v1"), 0);
	ck_assert_int_eq(ts_ks_path("/v1/threads"), 0);
	ck_assert_int_eq(ts_ks_path(NULL), 0);
}
END_TEST

static Suite *
make_suite(void)
{
	Suite *s = suite_create("ks");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, datetimes_in_every_sdk_form);
	tcase_add_test(tc, malformed_datetimes_are_refused);
	tcase_add_test(tc, booleans_as_fastapi_reads_them);
	tcase_add_test(tc, list_query_defaults_and_values);
	tcase_add_test(tc, bad_list_queries_are_422s_at_their_parameter);
	tcase_add_test(tc, a_create_body_is_stored_under_the_api_names);
	tcase_add_test(tc, bad_create_bodies_are_422s_at_their_field);
	tcase_add_test(tc, citations_read_back_in_either_form);
	tcase_add_test(tc, a_message_as_a_thread_message_response);
	tcase_add_test(tc, details_only_when_asked_and_only_objects);
	tcase_add_test(tc, roles_are_the_three_of_message_role);
	tcase_add_test(tc, the_page_envelope);
	tcase_add_test(tc, error_bodies);
	tcase_add_test(tc, every_error_has_a_code_of_the_closed_set);
	tcase_add_test(tc, paths_of_the_surface);
	suite_add_tcase(s, tc);
	return s;
}

#include "check_main.h"
