/*
 * The two renderers of the message object (src/message_json.c, src/message_view.c) agree byte for
 * byte: ts_message_json_cells, which builds the object (one message, the
 * context, a batch), and ts_message_view_json, which writes it straight
 * from the cells (the list's pages). Also the size the response cap uses
 * (ts_message_size_within) is the rendered size, or an upper bound of it.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "message_json.h"
#include "message_view.h"

#define FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

static const unsigned char tid[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static const unsigned char mid[16] = { 0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99, 0x88,
	0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0x00 };

static void
set(struct ts_db_cell *c, int col, const char *text)
{
	c[col].data = (char *)(uintptr_t)text;
	c[col].len = text != NULL ? strlen(text) : 0;
}

/* A message with only what every row has: ids, seq, role, text, times. */
static void
minimal(struct ts_db_cell *c)
{
	memset(c, 0, sizeof(*c) * TS_MC__COUNT);
	c[TS_MC_THREAD_ID].data = (char *)(uintptr_t)tid;
	c[TS_MC_THREAD_ID].len = 16;
	c[TS_MC_ID].data = (char *)(uintptr_t)mid;
	c[TS_MC_ID].len = 16;
	set(c, TS_MC_SEQ, "42");
	set(c, TS_MC_ROLE, "1");
	set(c, TS_MC_TEXT, "hello");
	set(c, TS_MC_METADATA, "{}");
	set(c, TS_MC_CREATED_AT, "2026-01-02 03:04:05.678");
	set(c, TS_MC_UPDATED_AT, "2026-01-02 03:04:05.678");
}

/* Every column set, with text that needs escaping. */
static void
full(struct ts_db_cell *c)
{
	minimal(c);
	c[TS_MC_PARENT_ID].data = (char *)(uintptr_t)tid;
	c[TS_MC_PARENT_ID].len = 16;
	set(c, TS_MC_ROLE, "3");
	set(c, TS_MC_TEXT, "quote \" backslash \\ slash / tab \t nl \n ctl \x01 é 😀 </script>");
	set(c, TS_MC_CONTENT_EXTRA, "{\"citations\":[{\"chunk_id\":\"c\",\"quote\":\"q\",\"offset\":0,\"length\":1}],"
	    "\"is_error\":true}");
	set(c, TS_MC_DETAILS, "{\"deep\":[1,[2,[3,{\"k\":null}]]],\"s\":\"a/b\"}");
	set(c, TS_MC_METADATA, "{\"k\":\"v \\\"x\\\"\"}");
	set(c, TS_MC_ATTACHMENTS, "[{\"file_id\":\"f\",\"tools\":[]}]");
	set(c, TS_MC_RUN_ID, "run \"1\"");
	set(c, TS_MC_ASSISTANT_ID, "asst_1");
	set(c, TS_MC_MODEL, "m/1");
	set(c, TS_MC_SOURCE, "web");
	set(c, TS_MC_TOOL_CALL_ID, "call_1");
	set(c, TS_MC_TOOL_NAME, "search");
	set(c, TS_MC_TOOL_CALLS, "[{\"id\":\"call_1\",\"type\":\"function\"}]");
	set(c, TS_MC_TOKEN_COUNT, "12");
	set(c, TS_MC_PROMPT_TOKENS, "0");
	set(c, TS_MC_COMPLETION_TOKENS, "2147483647");
	set(c, TS_MC_LATENCY_MS, "250");
	set(c, TS_MC_COMPARISON_ID, "cmp");
}

/* Both renderings of c, compared; and the cap's size against them. */
static void
check_agree(const struct ts_db_cell *c, int with_details)
{
	struct ts_message_scratch sc;
	struct ts_message_view v;
	struct json_object *built, *view;
	const char *a, *b;
	size_t exact;

	ck_assert_int_eq(ts_message_scratch_init(&sc), 0);
	built = ts_message_json_cells(c, with_details);
	v.cells = c;
	v.with_details = with_details;
	v.shared = 0;
	v.scratch = &sc;
	view = ts_message_view_json(&v);
	ck_assert_ptr_nonnull(built);
	ck_assert_ptr_nonnull(view);
	a = json_object_to_json_string_ext(built, FLAGS);
	b = json_object_to_json_string_ext(view, FLAGS);
	ck_assert_str_eq(a, b);
	/* With no room the size is exact; with room it may be a bound. */
	exact = ts_message_size_within(c, with_details, &sc, 0);
	ck_assert_uint_eq(exact, strlen(a));
	ck_assert_uint_ge(ts_message_size_within(c, with_details, &sc, SIZE_MAX), strlen(a));
	json_object_put(built);
	json_object_put(view);
	ts_message_scratch_free(&sc);
}

START_TEST(minimal_message_agrees)
{
	struct ts_db_cell c[TS_MC__COUNT];

	minimal(c);
	check_agree(c, 0);
	check_agree(c, 1);
}
END_TEST

START_TEST(full_message_agrees_with_and_without_details)
{
	struct ts_db_cell c[TS_MC__COUNT];

	full(c);
	check_agree(c, 0);
	check_agree(c, 1);
}
END_TEST

START_TEST(every_role_and_null_column_agrees)
{
	static const char *const roles[] = { "0", "1", "2", "3" };
	struct ts_db_cell c[TS_MC__COUNT];
	size_t r;
	int col;

	for (r = 0; r < 4; r++) {
		full(c);
		set(c, TS_MC_ROLE, roles[r]);
		check_agree(c, 1);
	}
	/* Each optional column alone left NULL. */
	for (col = TS_MC_CONTENT_EXTRA; col < TS_MC_CREATED_AT; col++) {
		full(c);
		if (col == TS_MC_METADATA)
			continue;       /* never NULL in a stored row */
		c[col].data = NULL;
		c[col].len = 0;
		check_agree(c, 1);
		check_agree(c, 0);
	}
}
END_TEST

START_TEST(empty_and_long_texts_agree)
{
	struct ts_db_cell c[TS_MC__COUNT];
	char *big = malloc(70000);
	size_t i;

	ck_assert_ptr_nonnull(big);
	for (i = 0; i < 69999; i++)
		big[i] = (char)(i % 95 + 32);
	big[69999] = '\0';
	minimal(c);
	set(c, TS_MC_TEXT, "");
	check_agree(c, 1);
	set(c, TS_MC_TEXT, big);
	check_agree(c, 1);
	free(big);
}
END_TEST

/* Stored JSON texts longer than what is written in one piece with its key
 * (128 bytes), and just around it. */
START_TEST(long_stored_json_agrees)
{
	static const size_t lens[] = { 90, 100, 104, 105, 106, 107, 110, 200, 5000 };
	struct ts_db_cell c[TS_MC__COUNT];
	char *meta = malloc(5001), *details = malloc(5001);
	size_t i, n;

	ck_assert_ptr_nonnull(meta);
	ck_assert_ptr_nonnull(details);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		n = lens[i];
		/* {"k":"xxx...x"}: n bytes in all */
		memcpy(meta, "{\"k\":\"", 6);
		memset(meta + 6, 'x', n - 8);
		memcpy(meta + n - 2, "\"}", 3);
		memcpy(details, "[\"", 2);
		memset(details + 2, 'y', n - 4);
		memcpy(details + n - 2, "\"]", 3);
		full(c);
		set(c, TS_MC_METADATA, meta);
		set(c, TS_MC_DETAILS, details);
		set(c, TS_MC_ATTACHMENTS, details);
		set(c, TS_MC_TOOL_CALLS, details);
		check_agree(c, 1);
		check_agree(c, 0);
	}
	free(meta);
	free(details);
}
END_TEST

static Suite *
make_suite(void)
{
	Suite *s = suite_create("message_render");
	TCase *tc = tcase_create("message_render");

	tcase_add_test(tc, minimal_message_agrees);
	tcase_add_test(tc, full_message_agrees_with_and_without_details);
	tcase_add_test(tc, every_role_and_null_column_agrees);
	tcase_add_test(tc, empty_and_long_texts_agree);
	tcase_add_test(tc, long_stored_json_agrees);
	suite_add_tcase(s, tc);
	return s;
}

#include "check_main.h"
