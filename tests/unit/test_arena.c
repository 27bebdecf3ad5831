/*
 * The arena surface's pure parts: stored messages grouped into DualMind's
 * turns (never split across pages, nothing lost), a turn rendered with
 * DualMind's members and nulls, and DualMind's turn body checked by /api's
 * parser with the arena's field names in its 422s.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ids.h"
#include "roles.h"
#include "sql.h"

#define MAXM 8

static const unsigned char TID[16] = { 0xf4, 0x7a, 0xc1, 0x0b, 0x58, 0xcc, 0x43, 0x72,
	0xa5, 0x67, 0x0e, 0x02, 0xb2, 0xc3, 0xd4, 0x79 };

/* Messages as a page holds them: cells in enum ts_message_col order. */
static struct ts_db_cell cells[MAXM][TS_MC__COUNT];
static unsigned char ids[MAXM][16];
static const struct ts_db_cell *msgs[MAXM];

static void
cell(struct ts_db_cell *c, const char *s)
{
	c->data = (char *)(uintptr_t)s;
	c->len = s != NULL ? strlen(s) : 0;
}

/* Message i: role, comparison_id (NULL: none), text, model, latency_ms. */
static void
msg(size_t i, int role, const char *cmp, const char *text, const char *model, const char *latency)
{
	static const char *const roles[] = { "0", "1", "2", "3" };

	memset(cells[i], 0, sizeof(cells[i]));
	memset(ids[i], 0, 16);
	ids[i][15] = (unsigned char)(i + 1);
	cells[i][TS_MC_ID].data = (char *)ids[i];
	cells[i][TS_MC_ID].len = 16;
	cells[i][TS_MC_THREAD_ID].data = (char *)(uintptr_t)TID;
	cells[i][TS_MC_THREAD_ID].len = 16;
	cell(&cells[i][TS_MC_ROLE], roles[role]);
	cell(&cells[i][TS_MC_COMPARISON_ID], cmp);
	cell(&cells[i][TS_MC_TEXT], text);
	cell(&cells[i][TS_MC_MODEL], model);
	cell(&cells[i][TS_MC_LATENCY_MS], latency);
	cell(&cells[i][TS_MC_CREATED_AT], "2024-01-15 10:30:00.000");
	msgs[i] = cells[i];
}

#define U TS_ROLE_USER
#define A TS_ROLE_ASSISTANT

START_TEST(dual_turn_is_one_item)
{
	struct ts_arena_turn t[4];
	size_t used;

	msg(0, U, "cmp", "What is AI?", NULL, NULL);
	msg(1, A, "cmp", "AI is...", "m1", "450");
	msg(2, A, "cmp", "Artificial...", "m2", "520");
	ck_assert_uint_eq(ts_arena_group(msgs, 3, 1, t, 4, &used), 1);
	ck_assert_uint_eq(used, 3);
	ck_assert_ptr_eq(t[0].prompt, msgs[0]);
	ck_assert_ptr_eq(t[0].answer[0], msgs[1]);
	ck_assert_ptr_eq(t[0].answer[1], msgs[2]);
}
END_TEST

START_TEST(single_turns_take_one_answer_each)
{
	struct ts_arena_turn t[4];
	size_t used;

	msg(0, U, NULL, "p1", NULL, NULL);
	msg(1, A, NULL, "a1", "m1", NULL);
	msg(2, U, NULL, "p2", NULL, NULL);
	msg(3, A, NULL, "a2", "m1", NULL);
	ck_assert_uint_eq(ts_arena_group(msgs, 4, 1, t, 4, &used), 2);
	ck_assert_ptr_eq(t[1].prompt, msgs[2]);
	ck_assert_ptr_eq(t[1].answer[0], msgs[3]);
	ck_assert_ptr_null(t[1].answer[1]);
	ck_assert_ptr_null(t[1].comparison);
}
END_TEST

START_TEST(answer_no_turn_claims_is_its_own_turn)
{
	struct ts_arena_turn t[4];
	size_t used;

	/* Without a comparison_id a second answer is not model2 ... */
	msg(0, U, NULL, "p", NULL, NULL);
	msg(1, A, NULL, "a", "m1", NULL);
	msg(2, A, NULL, "b", "m2", NULL);
	ck_assert_uint_eq(ts_arena_group(msgs, 3, 1, t, 4, &used), 2);
	ck_assert_ptr_null(t[1].prompt);
	ck_assert_ptr_eq(t[1].answer[0], msgs[2]);
	/* ... nor one whose comparison_id differs. */
	msg(0, U, "x", "p", NULL, NULL);
	msg(1, A, "y", "a", "m1", NULL);
	ck_assert_uint_eq(ts_arena_group(msgs, 2, 1, t, 4, &used), 2);
	ck_assert_ptr_null(t[0].answer[0]);
	/* Two answers sharing one are a turn without a prompt. */
	msg(0, A, "x", "a", "m1", NULL);
	msg(1, A, "x", "b", "m2", NULL);
	ck_assert_uint_eq(ts_arena_group(msgs, 2, 1, t, 4, &used), 1);
	ck_assert_ptr_null(t[0].prompt);
	ck_assert_ptr_eq(t[0].answer[1], msgs[1]);
}
END_TEST

START_TEST(a_prompt_without_one_takes_the_answers_comparison)
{
	struct ts_arena_turn t[4];
	size_t used;

	msg(0, U, NULL, "p", NULL, NULL);
	msg(1, A, "x", "a", "m1", NULL);
	msg(2, A, "x", "b", "m2", NULL);
	ck_assert_uint_eq(ts_arena_group(msgs, 3, 1, t, 4, &used), 1);
	ck_assert_ptr_eq(t[0].comparison, &msgs[1][TS_MC_COMPARISON_ID]);
	ck_assert_ptr_eq(t[0].answer[1], msgs[2]);
}
END_TEST

START_TEST(system_and_tool_messages_are_passed_over)
{
	struct ts_arena_turn t[4];
	size_t used;

	msg(0, TS_ROLE_SYSTEM, NULL, "s", NULL, NULL);
	msg(1, U, NULL, "p", NULL, NULL);
	msg(2, TS_ROLE_TOOL, NULL, "t", NULL, NULL);
	msg(3, A, NULL, "a", NULL, NULL);
	ck_assert_uint_eq(ts_arena_group(msgs, 4, 1, t, 4, &used), 2);
	ck_assert_uint_eq(used, 4);
	ck_assert_ptr_null(t[0].answer[0]);     /* the tool message ended the turn */
}
END_TEST

START_TEST(turn_that_may_grow_is_left_for_the_next_page)
{
	struct ts_arena_turn t[4];
	size_t used;

	msg(0, U, "x", "p", NULL, NULL);
	msg(1, A, "x", "a", "m1", NULL);
	msg(2, A, "x", "b", "m2", NULL);
	msg(3, U, "y", "q", NULL, NULL);
	msg(4, A, "y", "c", "m1", NULL);
	/* More messages follow the page: the second turn may get its model2. */
	ck_assert_uint_eq(ts_arena_group(msgs, 5, 0, t, 4, &used), 1);
	ck_assert_uint_eq(used, 3);
	/* At the thread's end it is whole. */
	ck_assert_uint_eq(ts_arena_group(msgs, 5, 1, t, 4, &used), 2);
	ck_assert_uint_eq(used, 5);
	/* A single turn with its answer cannot grow. */
	msg(0, U, NULL, "p", NULL, NULL);
	msg(1, A, NULL, "a", "m1", NULL);
	ck_assert_uint_eq(ts_arena_group(msgs, 2, 0, t, 4, &used), 1);
	ck_assert_uint_eq(used, 2);
	/* A first turn cut short takes nothing: the caller reads on. */
	msg(0, U, "x", "p", NULL, NULL);
	ck_assert_uint_eq(ts_arena_group(msgs, 1, 0, t, 4, &used), 0);
	ck_assert_uint_eq(used, 0);
}
END_TEST

START_TEST(full_page_stops_at_max_turns)
{
	struct ts_arena_turn t[4];
	size_t used;

	msg(0, U, NULL, "p1", NULL, NULL);
	msg(1, A, NULL, "a1", NULL, NULL);
	msg(2, TS_ROLE_SYSTEM, NULL, "s", NULL, NULL);
	msg(3, U, NULL, "p2", NULL, NULL);
	msg(4, A, NULL, "a2", NULL, NULL);
	ck_assert_uint_eq(ts_arena_group(msgs, 5, 0, t, 1, &used), 1);
	ck_assert_uint_eq(used, 3);     /* the system message after it too */
	ck_assert_uint_eq(ts_arena_group(msgs, 0, 1, t, 1, &used), 0);
	ck_assert_uint_eq(used, 0);
}
END_TEST

START_TEST(turn_object_has_dualminds_members_and_nulls)
{
	struct ts_arena_turn t[2];
	struct json_object *o;
	size_t used;

	msg(0, U, NULL, "What is AI?", NULL, NULL);
	msg(1, A, NULL, "AI is artificial intelligence...", "model-uuid-1", "450");
	ck_assert_uint_eq(ts_arena_group(msgs, 2, 1, t, 2, &used), 1);
	o = ts_arena_turn_object(&t[0]);
	ck_assert_str_eq(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
	    "{\"message_id\":\"00000000-0000-0000-0000-000000000001\","
	    "\"thread_id\":\"f47ac10b-58cc-4372-a567-0e02b2c3d479\",\"prompt_text\":\"What is AI?\","
	    "\"model1_id\":\"model-uuid-1\",\"model2_id\":null,"
	    "\"model1_response\":\"AI is artificial intelligence...\",\"model2_response\":null,"
	    "\"comparison_id\":null,\"model1_time_ms\":450,\"model2_time_ms\":null,"
	    "\"created_at\":\"2024-01-15T10:30:00.000Z\"}");
	json_object_put(o);
	/* An answer without a prompt: its own id and time, prompt_text null. */
	msg(0, A, "c", "only", NULL, NULL);
	ck_assert_uint_eq(ts_arena_group(msgs, 1, 1, t, 2, &used), 1);
	o = ts_arena_turn_object(&t[0]);
	ck_assert_str_eq(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
	    "{\"message_id\":\"00000000-0000-0000-0000-000000000001\","
	    "\"thread_id\":\"f47ac10b-58cc-4372-a567-0e02b2c3d479\",\"prompt_text\":null,"
	    "\"model1_id\":null,\"model2_id\":null,\"model1_response\":\"only\",\"model2_response\":null,"
	    "\"comparison_id\":\"c\",\"model1_time_ms\":null,\"model2_time_ms\":null,"
	    "\"created_at\":\"2024-01-15T10:30:00.000Z\"}");
	json_object_put(o);
}
END_TEST

START_TEST(list_object_envelope)
{
	struct json_object *o = ts_arena_list_object(json_object_new_array(), 0, NULL);

	ck_assert_str_eq(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
	    "{\"items\":[],\"has_more\":false,\"next_cursor\":null}");
	json_object_put(o);
}
END_TEST

/* Parses a body expecting a 422 at loc want. */
static void
expect_422(const char *text, const char *want)
{
	struct json_object *body = json_tokener_parse(text);
	struct ts_arena_input in;
	struct ts_problem p;

	ts_problem_init(&p);
	ck_assert_int_eq(ts_arena_parse_turn(&p, TID, body, NULL, &in), -1);
	ck_assert_int_eq(p.error, TS_E_VALIDATION);
	ck_assert_str_eq(json_object_to_json_string_ext(p.loc, JSON_C_TO_STRING_PLAIN), want);
	ts_arena_input_free(&in);
	ts_problem_free(&p);
	json_object_put(body);
}

START_TEST(bad_turn_bodies_name_the_arena_field)
{
	expect_422("{\"model1_response\": \"a\"}", "[\"body\",\"prompt_text\"]");
	expect_422("{\"prompt_text\": 1, \"model1_response\": \"a\"}", "[\"body\",\"prompt_text\"]");
	expect_422("{\"prompt_text\": \"p\"}", "[\"body\",\"model1_response\"]");
	expect_422("{\"prompt_text\": \"p\", \"model1_response\": \"a\", \"model1_time_ms\": -1}",
	    "[\"body\",\"model1_time_ms\"]");
	expect_422("{\"prompt_text\": \"p\", \"model1_response\": \"a\", \"model1_time_ms\": true}",
	    "[\"body\",\"model1_time_ms\"]");
	expect_422("{\"prompt_text\": \"p\", \"model1_response\": \"a\", \"model1_id\": 5}",
	    "[\"body\",\"model1_id\"]");
	expect_422("{\"prompt_text\": \"p\", \"model1_response\": \"a\", \"model2_id\": \"m\"}",
	    "[\"body\",\"model2_response\"]");
	expect_422("{\"prompt_text\": \"p\", \"model1_response\": \"a\", \"model2_response\": 2}",
	    "[\"body\",\"model2_response\"]");
	expect_422("{\"prompt_text\": \"p\", \"model1_response\": \"a\", \"comparison_id\": []}",
	    "[\"body\",\"comparison_id\"]");
	expect_422("{\"prompt_text\": \"p\", \"model1_response\": \"a\", \"message_id\": \"nope\"}",
	    "[\"body\",\"message_id\"]");
	expect_422("{\"prompt_text\": \"p\", \"model1_response\": \"a\", \"created_at\": \"x\"}",
	    "[\"body\",\"created_at\"]");
	expect_422("{\"prompt_text\": \"p\", \"model1_response\": \"a\", "
	    "\"thread_id\": \"00000000-0000-0000-0000-000000000001\"}", "[\"body\",\"thread_id\"]");
	expect_422("{\"prompt_text\": {\"text\": \"p\"}, \"model1_response\": \"a\"}", "[\"body\",\"prompt_text\"]");
	expect_422("[]", "[\"body\"]");
}
END_TEST

static struct json_object *
parse_ok(const char *text, struct ts_arena_input *in)
{
	struct json_object *body = json_tokener_parse(text);
	struct ts_problem p;

	ts_problem_init(&p);
	ck_assert_int_eq(ts_arena_parse_turn(&p, TID, body, NULL, in), 0);
	ts_problem_free(&p);
	return body;
}

START_TEST(dual_turn_body_is_three_linked_messages)
{
	struct ts_arena_input in;
	struct json_object *body = parse_ok("{\"thread_id\": \"F47AC10B-58CC-4372-A567-0E02B2C3D479\","
	    "\"prompt_text\": \"What is AI?\", \"model1_id\": \"m1\", \"model2_id\": \"m2\","
	    "\"model1_response\": \"A\", \"model2_response\": \"B\", \"model1_time_ms\": 450,"
	    "\"model2_time_ms\": 520}", &in);

	ck_assert_uint_eq(in.n, 3);
	ck_assert_int_eq(in.items[0].role, TS_ROLE_USER);
	ck_assert_int_eq(in.items[1].role, TS_ROLE_ASSISTANT);
	ck_assert_str_eq(in.items[0].text, "What is AI?");
	ck_assert_str_eq(in.items[2].text, "B");
	ck_assert_str_eq(in.items[1].strs[TS_MS_MODEL], "m1");
	ck_assert_int_eq(in.items[2].ints[TS_MI_LATENCY_MS], 520);
	/* A comparison_id made for the turn, shared by its three messages. */
	ck_assert_ptr_nonnull(in.items[0].strs[TS_MS_COMPARISON_ID]);
	ck_assert_str_eq(in.items[1].strs[TS_MS_COMPARISON_ID], in.items[0].strs[TS_MS_COMPARISON_ID]);
	ck_assert_str_eq(in.items[2].strs[TS_MS_COMPARISON_ID], in.items[0].strs[TS_MS_COMPARISON_ID]);
	/* The answers name the prompt as their parent. */
	ck_assert_int_eq(in.items[0].has_message_id, 1);
	ck_assert_int_eq(in.items[1].has_parent, 1);
	ck_assert_mem_eq(in.items[1].parent, in.items[0].message_id, 16);
	ck_assert_mem_eq(in.items[2].parent, in.items[0].message_id, 16);
	ck_assert_int_eq(in.items[1].has_message_id, 0);
	ts_arena_input_free(&in);
	json_object_put(body);
}
END_TEST

START_TEST(single_turn_body_keeps_nulls_unset)
{
	struct ts_arena_input in;
	struct json_object *body = parse_ok("{\"prompt_text\": \"p\", \"model1_id\": null, \"model1_response\": \"a\","
	    "\"model2_id\": null, \"model2_response\": null, \"model2_time_ms\": null, \"comparison_id\": null}", &in);

	ck_assert_uint_eq(in.n, 2);
	ck_assert_ptr_null(in.items[0].strs[TS_MS_COMPARISON_ID]);
	ck_assert_ptr_null(in.items[1].strs[TS_MS_MODEL]);
	ck_assert_int_eq(in.items[1].ints[TS_MI_LATENCY_MS], -1);
	ts_arena_input_free(&in);
	json_object_put(body);
}
END_TEST

START_TEST(client_message_id_makes_a_repeat_the_same_turn)
{
	static const char text[] = "{\"message_id\": \"9b2d7c1e-0000-4000-8000-000000000001\", \"prompt_text\": \"p\","
	    "\"model1_response\": \"a\", \"model2_response\": \"b\"}";
	struct ts_arena_input in, again;
	struct json_object *b1 = parse_ok(text, &in), *b2 = parse_ok(text, &again);
	size_t i;

	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(in.items[i].has_message_id, 1);
		ck_assert_mem_eq(in.items[i].message_id, again.items[i].message_id, 16);
	}
	ck_assert_mem_ne(in.items[1].message_id, in.items[2].message_id, 16);
	ck_assert_str_eq(in.items[0].strs[TS_MS_COMPARISON_ID], again.items[0].strs[TS_MS_COMPARISON_ID]);
	ts_arena_input_free(&in);
	ts_arena_input_free(&again);
	json_object_put(b1);
	json_object_put(b2);
}
END_TEST

START_TEST(arena_paths)
{
	ck_assert_int_eq(ts_arena_path("/arena/api/threads"), 1);
	ck_assert_int_eq(ts_arena_path("/arena"), 1);
	ck_assert_int_eq(ts_arena_path("/arenas"), 0);
	ck_assert_int_eq(ts_arena_path("/api/threads"), 0);
	ck_assert_int_eq(ts_arena_path(NULL), 0);
}
END_TEST

static Suite *
make_suite(void)
{
	Suite *s = suite_create("arena");
	TCase *tc = tcase_create("arena");

	tcase_add_test(tc, dual_turn_is_one_item);
	tcase_add_test(tc, single_turns_take_one_answer_each);
	tcase_add_test(tc, answer_no_turn_claims_is_its_own_turn);
	tcase_add_test(tc, a_prompt_without_one_takes_the_answers_comparison);
	tcase_add_test(tc, system_and_tool_messages_are_passed_over);
	tcase_add_test(tc, turn_that_may_grow_is_left_for_the_next_page);
	tcase_add_test(tc, full_page_stops_at_max_turns);
	tcase_add_test(tc, turn_object_has_dualminds_members_and_nulls);
	tcase_add_test(tc, list_object_envelope);
	tcase_add_test(tc, bad_turn_bodies_name_the_arena_field);
	tcase_add_test(tc, dual_turn_body_is_three_linked_messages);
	tcase_add_test(tc, single_turn_body_keeps_nulls_unset);
	tcase_add_test(tc, client_message_id_makes_a_repeat_the_same_turn);
	tcase_add_test(tc, arena_paths);
	suite_add_tcase(s, tc);
	return s;
}

#include "check_main.h"
