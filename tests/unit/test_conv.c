/*
 * The Conversations surface's pure parts: OpenAI-style ids one to one with
 * UUIDs, a client's own item ids named in their conversation, include[]
 * read in every form OpenAI's SDK and curl send, and items normalised the
 * way OpenAI returns them while /api's view is derived.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "conv.h"
#include "ids.h"
#include "query.h"
#include "roles.h"

static const unsigned char U[16] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe };
static const unsigned char OTHER[16] = { 1 };

START_TEST(conversation_ids_round_trip)
{
	char s[TS_CONV_ID_LEN + 1];
	uuid_t u;

	ts_conv_id_format(U, s);
	ck_assert_str_eq(s, "conv_0123456789abcdef1032547698badcfe");
	ck_assert_int_eq(ts_conv_id_parse(s, u), 0);
	ck_assert_mem_eq(u, U, 16);
	ck_assert_int_eq(ts_conv_id_parse("conv_0123456789ABCDEF1032547698BADCFE", u), 0);
	ck_assert_mem_eq(u, U, 16);
	ck_assert_int_eq(ts_conv_id_parse("01234567-89ab-cdef-1032-547698badcfe", u), 0);
	ck_assert_mem_eq(u, U, 16);
	ck_assert_int_eq(ts_conv_id_parse("conv_0123456789abcdef1032547698badcf", u), -1);
	ck_assert_int_eq(ts_conv_id_parse("conv_0123456789abcdef1032547698badcfe0", u), -1);
	ck_assert_int_eq(ts_conv_id_parse("conv_0123456789abcdef1032547698badcfg", u), -1);
	ck_assert_int_eq(ts_conv_id_parse("conv_", u), -1);
	ck_assert_int_eq(ts_conv_id_parse("thread_0123456789abcdef1032547698badcfe", u), -1);
}
END_TEST

START_TEST(item_ids_ours_and_the_clients)
{
	char s[TS_CONV_ITEM_ID_LEN + 1];
	uuid_t u, v;
	int ours;

	ts_conv_item_id_format("message", U, s);
	ck_assert_str_eq(s, "msg_0123456789abcdef1032547698badcfe");
	ts_conv_item_id_format("function_call_output", U, s);
	ck_assert_str_eq(s, "fco_0123456789abcdef1032547698badcfe");
	ts_conv_item_id_format("some_new_type", U, s);
	ck_assert_str_eq(s, "item_0123456789abcdef1032547698badcfe");
	/* Any prefix of ours decodes to the UUID. */
	ck_assert_int_eq(ts_conv_item_id_parse(OTHER, "fc_0123456789abcdef1032547698badcfe", u, &ours), 0);
	ck_assert_int_eq(ours, 1);
	ck_assert_mem_eq(u, U, 16);
	ck_assert_int_eq(ts_conv_item_id_parse(OTHER, "01234567-89ab-cdef-1032-547698badcfe", u, &ours), 0);
	ck_assert_mem_eq(u, U, 16);
	/* OpenAI's 48-hex ids are the client's: a v5 UUID named in the conversation. */
	ck_assert_int_eq(ts_conv_item_id_parse(U, "rs_6806bfca0b2481918a5748308061a2600d3ce51bdffd5476", u, &ours), 0);
	ck_assert_int_eq(ours, 0);
	ck_assert_int_eq(uuid_type(u), UUID_TYPE_DCE_SHA1);
	ck_assert_int_eq(ts_conv_item_id_parse(U, "rs_6806bfca0b2481918a5748308061a2600d3ce51bdffd5476", v, &ours), 0);
	ck_assert_mem_eq(u, v, 16);
	ck_assert_int_eq(ts_conv_item_id_parse(OTHER, "rs_6806bfca0b2481918a5748308061a2600d3ce51bdffd5476", v,
	    &ours), 0);
	ck_assert_int_ne(memcmp(u, v, 16), 0);
	/* A prefix of nine letters is not ours. */
	ck_assert_int_eq(ts_conv_item_id_parse(U, "abcdefghi_0123456789abcdef1032547698badcfe", u, &ours), 0);
	ck_assert_int_eq(ours, 0);
	ck_assert_int_eq(ts_conv_item_id_parse(U, "a b", u, &ours), -1);
	ck_assert_int_eq(ts_conv_item_id_parse(U, "", u, &ours), -1);
	ck_assert_int_eq(ts_conv_item_id_parse(U, "x/y", u, &ours), -1);
}
END_TEST

START_TEST(client_ids_up_to_128_bytes)
{
	char id[130];
	uuid_t u;
	int ours;

	memset(id, 'a', 128);
	id[128] = '\0';
	ck_assert_int_eq(ts_conv_item_id_parse(U, id, u, &ours), 0);
	id[128] = 'a';
	id[129] = '\0';
	ck_assert_int_eq(ts_conv_item_id_parse(U, id, u, &ours), -1);
}
END_TEST

START_TEST(query_iterator_reads_every_form_in_order)
{
	static const char *const names[] = { "include%5B%5D", "include[]", "include", NULL };
	const char *q = "include%5B%5D=a&limit=2&include[]=b&x=include&include=c%2Ed&includes=no";
	struct ts_query_iter it;
	char *v;
	size_t len;

	ts_query_iter_init(&it, q, strlen(q), names);
	ck_assert_int_eq(ts_query_iter_next(&it, &v, &len), TS_QUERY_FOUND);
	ck_assert_str_eq(v, "a");
	free(v);
	ck_assert_int_eq(ts_query_iter_next(&it, &v, &len), TS_QUERY_FOUND);
	ck_assert_str_eq(v, "b");
	free(v);
	ck_assert_int_eq(ts_query_iter_next(&it, &v, &len), TS_QUERY_FOUND);
	ck_assert_str_eq(v, "c.d");
	ck_assert_uint_eq(len, 3);
	free(v);
	ck_assert_int_eq(ts_query_iter_next(&it, &v, &len), TS_QUERY_ABSENT);
	ck_assert_ptr_null(v);
	ts_query_iter_init(&it, "include=%zz", 11, names);
	ck_assert_int_eq(ts_query_iter_next(&it, &v, &len), TS_QUERY_BAD_ENCODING);
	ck_assert_int_eq(it.status, TS_QUERY_BAD_ENCODING);
}
END_TEST

START_TEST(include_values)
{
	struct ts_problem p;
	unsigned mask;

	ts_problem_init(&p);
	ck_assert_int_eq(ts_conv_parse_include(&p, "", &mask), 0);
	ck_assert_uint_eq(mask, 0);
	ck_assert_int_eq(ts_conv_parse_include(&p, "include%5B%5D=message.output_text.logprobs", &mask), 0);
	ck_assert_uint_eq(mask, 0);
	ck_assert_int_eq(ts_conv_parse_include(&p,
	    "include%5B%5D=file_search_call.results&include%5B%5D=reasoning.encrypted_content", &mask), 0);
	ck_assert_uint_eq(mask, TS_CONV_INCLUDE_ENCRYPTED_REASONING);
	ck_assert_int_eq(ts_conv_parse_include(&p, "include=reasoning", &mask), -1);
	ck_assert_int_eq(p.error, TS_E_VALIDATION);
	ck_assert_str_eq(json_object_to_json_string(p.loc), "[ \"query\", \"include\" ]");
	ts_problem_free(&p);
}
END_TEST

/* Parses the item text as conversation U's, expecting success. */
static void
parse_ok(const char *text, struct ts_message_input *in)
{
	struct json_object *item = json_tokener_parse(text);
	struct ts_problem p;

	ck_assert_ptr_nonnull(item);
	ts_problem_init(&p);
	ck_assert_msg(ts_conv_parse_item(&p, U, item, in) == 0, "%s: %s", text, ts_problem_message(&p));
	ts_problem_free(&p);
	/* The input borrows from the body: it outlives the input in a request. */
	json_object_put(item);
}

START_TEST(a_string_message_is_one_text_part)
{
	struct json_object *body = json_tokener_parse("{\"role\": \"assistant\", \"content\": \"hi\"}");
	struct ts_message_input in;
	struct ts_problem p;

	ts_problem_init(&p);
	ck_assert_int_eq(ts_conv_parse_item(&p, U, body, &in), 0);
	ck_assert_int_eq(in.role, TS_ROLE_ASSISTANT);
	ck_assert_str_eq(in.text, "hi");
	ck_assert_str_eq(in.item, "{\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"hi\","
	    "\"annotations\":[],\"logprobs\":[]}],\"type\":\"message\",\"status\":\"completed\"}");
	ck_assert_int_eq(in.has_message_id, 0);
	ts_message_input_free(&in);
	/* The body itself is not changed by the normalising. */
	ck_assert_str_eq(json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN),
	    "{\"role\":\"assistant\",\"content\":\"hi\"}");
	json_object_put(body);
	ts_problem_free(&p);
}
END_TEST

START_TEST(developer_is_system_and_parts_are_joined)
{
	struct json_object *body = json_tokener_parse("{\"role\": \"developer\", \"content\": [{\"type\": \"input_"
	    "text\","
	    " \"text\": \"a\"}, {\"type\": \"input_image\", \"image_url\": \"u\"}, {\"type\": \"input_text\", \"te"
	    "xt\": \"b\"}]}");
	struct ts_message_input in;
	struct ts_problem p;

	ts_problem_init(&p);
	ck_assert_int_eq(ts_conv_parse_item(&p, U, body, &in), 0);
	ck_assert_int_eq(in.role, TS_ROLE_SYSTEM);
	ck_assert_uint_eq(in.text_len, 3);
	ck_assert_int_eq(memcmp(in.text, "a\nb", 3), 0);
	ck_assert_ptr_nonnull(strstr(in.item, "\"role\":\"developer\""));
	ts_message_input_free(&in);
	json_object_put(body);
	ts_problem_free(&p);
}
END_TEST

START_TEST(calls_show_as_tool_calls_and_tool_messages)
{
	struct json_object *call = json_tokener_parse("{\"type\": \"function_call\", \"call_id\": \"c1\", \"name\""
	    ": \"f\","
	    " \"arguments\": \"{}\", \"id\": \"fc_0123456789abcdef1032547698badcfe\"}");
	struct json_object *out = json_tokener_parse("{\"type\": \"function_call_output\", \"call_id\": \"c1\","
	    " \"output\": \"42\", \"id\": \"fco_from_openai_1\"}");
	struct ts_message_input in;
	struct ts_problem p;

	ts_problem_init(&p);
	ck_assert_int_eq(ts_conv_parse_item(&p, U, call, &in), 0);
	ck_assert_int_eq(in.role, TS_ROLE_ASSISTANT);
	ck_assert_str_eq(in.text, "");
	ck_assert_str_eq(in.strs[TS_MS_TOOL_NAME], "f");
	ck_assert_str_eq(in.tool_calls,
	    "[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]");
	/* An id of ours is the message's id and is not kept in the item. */
	ck_assert_int_eq(in.has_message_id, 1);
	ck_assert_mem_eq(in.message_id, U, 16);
	ck_assert_ptr_null(strstr(in.item, "\"id\""));
	ts_message_input_free(&in);
	ck_assert_int_eq(ts_conv_parse_item(&p, U, out, &in), 0);
	ck_assert_int_eq(in.role, TS_ROLE_TOOL);
	ck_assert_str_eq(in.strs[TS_MS_TOOL_CALL_ID], "c1");
	ck_assert_uint_eq(in.text_len, 2);
	/* The client's own id is kept. */
	ck_assert_ptr_nonnull(strstr(in.item, "\"id\":\"fco_from_openai_1\""));
	ts_message_input_free(&in);
	json_object_put(call);
	json_object_put(out);
	ts_problem_free(&p);
}
END_TEST

/* Parses text expecting a 422 whose loc is want. */
static void
refused(const char *text, const char *want)
{
	struct json_object *item = json_tokener_parse(text);
	struct ts_message_input in;
	struct ts_problem p;

	ts_problem_init(&p);
	ck_assert_int_eq(ts_conv_parse_item(&p, U, item, &in), -1);
	ck_assert_int_eq(p.error, TS_E_VALIDATION);
	ck_assert_str_eq(json_object_to_json_string_ext(p.loc, JSON_C_TO_STRING_PLAIN), want);
	ts_message_input_free(&in);
	json_object_put(item);
	ts_problem_free(&p);
}

START_TEST(bad_items_are_422s_at_their_field)
{
	struct ts_message_input in;

	refused("{\"content\": \"x\"}", "[\"body\",\"role\"]");
	refused("{\"role\": \"tool\", \"content\": \"x\"}", "[\"body\",\"role\"]");
	refused("{\"role\": \"user\"}", "[\"body\",\"content\"]");
	refused("{\"role\": \"user\", \"content\": 3}", "[\"body\",\"content\"]");
	refused("{\"role\": \"user\", \"content\": [3]}", "[\"body\",\"content\"]");
	refused("{\"type\": \"item_reference\", \"id\": \"msg_1\"}", "[\"body\",\"type\"]");
	refused("{\"type\": \"Reasoning\"}", "[\"body\",\"type\"]");
	refused("{\"type\": \"function_call\", \"name\": \"f\", \"arguments\": \"{}\"}", "[\"body\",\"call_id\"]");
	refused("{\"type\": \"function_call\", \"call_id\": \"c\", \"name\": \"f\", \"arguments\": {}}",
	    "[\"body\",\"arguments\"]");
	refused("{\"type\": \"function_call_output\", \"call_id\": \"c\", \"output\": 1}", "[\"body\",\"output\"]");
	refused("{\"type\": \"reasoning\", \"id\": \"has space\"}", "[\"body\",\"id\"]");
	refused("[]", "[\"body\",\"type\"]");
	parse_ok("{\"type\": \"web_search_call\", \"action\": {\"type\": \"search\"}}", &in);
	ck_assert_int_eq(in.role, TS_ROLE_ASSISTANT);
	ck_assert_str_eq(in.item,
	    "{\"type\":\"web_search_call\",\"action\":{\"type\":\"search\"},\"status\":\"completed\"}");
	ts_message_input_free(&in);
}
END_TEST

static Suite *
make_suite(void)
{
	Suite *s = suite_create("conv");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, conversation_ids_round_trip);
	tcase_add_test(tc, item_ids_ours_and_the_clients);
	tcase_add_test(tc, client_ids_up_to_128_bytes);
	tcase_add_test(tc, query_iterator_reads_every_form_in_order);
	tcase_add_test(tc, include_values);
	tcase_add_test(tc, a_string_message_is_one_text_part);
	tcase_add_test(tc, developer_is_system_and_parts_are_joined);
	tcase_add_test(tc, calls_show_as_tool_calls_and_tool_messages);
	tcase_add_test(tc, bad_items_are_422s_at_their_field);
	suite_add_tcase(s, tc);
	return s;
}

#include "check_main.h"
