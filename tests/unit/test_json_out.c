/*
 * ts_json_append_str writes exactly what json-c writes for a string object
 * holding the same bytes, whichever of its two paths (appended as it is,
 * or escaped by json-c) a value takes: every byte value at every position
 * of short strings, long strings, invalid UTF-8, NUL bytes, and one scratch
 * value reused across all of them.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"

#define SERVED (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

/* The flag sets compared: the one responses use, json-c's default escaping
 * of '/', and the layout flags, which must not change a string. */
static const int flag_sets[] = {
	SERVED, JSON_C_TO_STRING_PLAIN, JSON_C_TO_STRING_SPACED, JSON_C_TO_STRING_PRETTY,
};
#define NFLAGS (sizeof(flag_sets) / sizeof(flag_sets[0]))

/* Shared by every comparison of a test, so the escaping path sees its
 * scratch value set to longer and shorter strings in turn. */
static struct json_object *scratch;

static void
setup(void)
{
	scratch = json_object_new_string("");
	ck_assert_ptr_nonnull(scratch);
}

static void
teardown(void)
{
	json_object_put(scratch);
}

/*
 * ts_json_append_str against json-c for s under flags, after a prefix
 * already in the buffer. Asserts only on a difference: a passing Check
 * assertion costs a write to the runner, and this runs half a million times.
 */
static void
check_same(const char *s, size_t len, int flags)
{
	struct json_object *ref = json_object_new_string_len(s, (int)len);
	struct printbuf *pb = printbuf_new();
	const char *want;
	size_t want_len;
	int plain;

	if (ref == NULL || pb == NULL)
		ck_abort_msg("out of memory");
	want = json_object_to_json_string_length(ref, flags, &want_len);
	if (want == NULL || printbuf_memappend(pb, "[", 1) < 0)
		ck_abort_msg("json-c failed");
	if (ts_json_append_str(pb, scratch, s, len, flags) != 0)
		ck_abort_msg("ts_json_append_str failed (length %zu, flags %d)", len, flags);
	if ((size_t)pb->bpos != want_len + 1 || memcmp(pb->buf + 1, want, want_len) != 0)
		ck_abort_msg("differs from json-c (length %zu, flags %d): %s", len, flags, want);
	plain = want_len == len + 2 && memcmp(want + 1, s, len) == 0;
	if (ts_json_str_is_plain(s, len, flags) != plain)
		ck_abort_msg("plain is not %d (length %zu, flags %d): %s", plain, len, flags, want);
	printbuf_free(pb);
	json_object_put(ref);
}

static void
check_all_flags(const char *s, size_t len)
{
	size_t f;

	for (f = 0; f < NFLAGS; f++)
		check_same(s, len, flag_sets[f]);
}

/* Strings of len bytes of fill with one byte of every value at every
 * position: up to 19 bytes, two 8-byte words and a tail. */
static void
check_every_byte_at_every_position(unsigned char fill, size_t maxlen)
{
	char s[64];
	size_t len, pos;
	int b;

	ck_assert_uint_le(maxlen, sizeof(s));
	for (len = 1; len <= maxlen; len++)
		for (pos = 0; pos < len; pos++)
			for (b = 0; b < 256; b++) {
				memset(s, fill, len);
				s[pos] = (char)b;
				check_all_flags(s, len);
			}
}

START_TEST(every_byte_at_every_position_of_ascii_text)
{
	check_every_byte_at_every_position('a', 19);
}
END_TEST

START_TEST(every_byte_at_every_position_of_non_ascii_bytes)
{
	/* 0x80 alone is invalid UTF-8, 0x7f is DEL: json-c copies both. */
	check_every_byte_at_every_position(0x80, 19);
	check_every_byte_at_every_position(0x7f, 19);
	check_every_byte_at_every_position(0xff, 19);
	check_every_byte_at_every_position(0x20, 19);
}
END_TEST

START_TEST(empty_string_after_longer_ones)
{
	check_all_flags("a\"b", 3);
	check_all_flags("", 0);
	check_all_flags("x\n", 2);
	check_all_flags("", 0);
}
END_TEST

START_TEST(invalid_utf8_and_nul_bytes)
{
	static const char *const cases[] = {
		"\xc3", "\xc3\x28", "\xe2\x82", "\xf0\x9f\x98", "\xed\xa0\x80", "\xc0\xaf", "\xf8\x88\x80\x80\x80",
		"\xfe\xff", "caf\xc3\xa9 \xf0\x9f\x98\x80", "</script>", "a/b", "\x7f\x80\xff",
	};
	static const char nul[] = "a\0b\0";
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_all_flags(cases[i], strlen(cases[i]));
	check_all_flags(nul, sizeof(nul) - 1);
	check_all_flags(nul, 1);
}
END_TEST

START_TEST(long_strings_on_both_paths)
{
	/* Around the inline copy's size, and far past it. */
	static const size_t lens[] = { 250, 253, 254, 255, 256, 257, 1000, 70000 };
	char *s = malloc(70000);
	size_t i, j;

	ck_assert_ptr_nonnull(s);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		for (j = 0; j < lens[i]; j++)
			s[j] = (char)(0x20 + j % 0x60);        /* '"', '/', '\\' among them */
		check_all_flags(s, lens[i]);
		for (j = 0; j < lens[i]; j++)
			s[j] = (char)(j % 2 ? 'x' : 0xe9);     /* plain, not UTF-8 */
		check_all_flags(s, lens[i]);
		s[lens[i] - 1] = '\n';                         /* escaped only at the end */
		check_all_flags(s, lens[i]);
	}
	free(s);
}
END_TEST

START_TEST(every_byte_value_in_one_string)
{
	char s[256];
	int b;

	for (b = 0; b < 256; b++)
		s[b] = (char)b;
	check_all_flags(s, sizeof(s));
	check_all_flags(s + 0x20, sizeof(s) - 0x20);
}
END_TEST

START_TEST(too_long_is_refused_bad)
{
	struct printbuf *pb = printbuf_new();

	ck_assert_ptr_nonnull(pb);
	/* Refused on its length alone, before any byte is read. */
	ck_assert_int_eq(ts_json_append_str(pb, scratch, "", (size_t)INT32_MAX, SERVED), -1);
	ck_assert_int_eq(pb->bpos, 0);
	printbuf_free(pb);
}
END_TEST

/* An item as a surface builds it: nested, with '/', escapes and a number. */
static struct json_object *
sample_item(void)
{
	struct json_object *o = json_object_new_object(), *a = json_object_new_array();

	json_object_object_add(o, "path", json_object_new_string("a/b \"q\" \x01 \xc3\xa9"));
	json_object_object_add(o, "n", json_object_new_int64(-42));
	json_object_array_add(a, json_object_new_double(1.5));
	json_object_array_add(a, NULL);
	json_object_object_add(o, "list", a);
	return o;
}

START_TEST(frozen_item_writes_what_the_item_writes)
{
	struct json_object *want = json_object_new_array(), *got = json_object_new_array(), *node;
	size_t len, want_len, got_len;
	const char *w, *g;

	node = ts_json_frozen(sample_item(), &len);
	ck_assert_ptr_nonnull(node);
	ck_assert_uint_eq(len, strlen(json_object_to_json_string_ext(node, SERVED)));
	/* Twice in an envelope, as a list holds its items, against the items
	 * themselves: the same bytes, with '/' as the served flags leave it. */
	json_object_array_add(got, node);
	json_object_array_add(got, ts_json_frozen(sample_item(), &len));
	json_object_array_add(want, sample_item());
	json_object_array_add(want, sample_item());
	w = json_object_to_json_string_length(want, SERVED, &want_len);
	g = json_object_to_json_string_length(got, SERVED, &got_len);
	ck_assert_str_eq(g, w);
	ck_assert_uint_eq(got_len, want_len);
	ck_assert_ptr_nonnull(strstr(g, "a/b"));
	json_object_put(want);
	json_object_put(got);
}
END_TEST

START_TEST(frozen_null_is_null)
{
	size_t len = 7;

	ck_assert_ptr_null(ts_json_frozen(NULL, &len));
	ck_assert_uint_eq(len, 0);
}
END_TEST

START_TEST(list_put_capped_takes_the_first_and_stops_at_the_cap)
{
	struct json_object *list = json_object_new_array(), *probe = sample_item();
	size_t item_len = strlen(json_object_to_json_string_ext(probe, SERVED)), used = 10;

	json_object_put(probe);
	/* The first goes in even past the cap, and counts its comma. */
	ck_assert_int_eq(ts_json_list_put_capped(list, sample_item(), &used, 5), 1);
	ck_assert_uint_eq(used, 10 + item_len + 1);
	/* A second fits exactly at the cap, a third does not and is let go. */
	ck_assert_int_eq(ts_json_list_put_capped(list, sample_item(), &used, 10 + 2 * (item_len + 1)), 1);
	ck_assert_int_eq(ts_json_list_put_capped(list, sample_item(), &used, 10 + 3 * (item_len + 1) - 1), 0);
	ck_assert_uint_eq(used, 10 + 2 * (item_len + 1));
	ck_assert_uint_eq(json_object_array_length(list), 2);
	/* No item (its maker out of memory) is an error, and changes nothing. */
	ck_assert_int_eq(ts_json_list_put_capped(list, NULL, &used, SIZE_MAX), -1);
	ck_assert_uint_eq(json_object_array_length(list), 2);
	json_object_put(list);
}
END_TEST

static Suite *
make_suite(void)
{
	Suite *s = suite_create("json_out");
	TCase *tc = tcase_create("json_out");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, every_byte_at_every_position_of_ascii_text);
	tcase_add_test(tc, every_byte_at_every_position_of_non_ascii_bytes);
	tcase_add_test(tc, empty_string_after_longer_ones);
	tcase_add_test(tc, invalid_utf8_and_nul_bytes);
	tcase_add_test(tc, long_strings_on_both_paths);
	tcase_add_test(tc, every_byte_value_in_one_string);
	tcase_add_test(tc, too_long_is_refused_bad);
	tcase_add_test(tc, frozen_item_writes_what_the_item_writes);
	tcase_add_test(tc, frozen_null_is_null);
	tcase_add_test(tc, list_put_capped_takes_the_first_and_stops_at_the_cap);
	suite_add_tcase(s, tc);
	return s;
}

#include "check_main.h"
