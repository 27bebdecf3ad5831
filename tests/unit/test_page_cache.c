/* A worker's kept pages (src/page_cache.c): what a page is kept under, its
 * copy lent to requests, a body kept with it, and the bounds on how many
 * and how much. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "page_cache.h"
#include "ts_limits.h"

static const unsigned char T1[16] = { 1 }, T2[16] = { 2 }, C1[16] = { 9 };

/* Rows of nrows x 2 cells, "r<i>" and the text fill (or NULL for the second
 * cell when fill is NULL), in one text block as src/db_fetch.c makes them. */
static struct ts_db_rows
make_rows(size_t nrows, const char *fill)
{
	struct ts_db_rows r;
	size_t i, at = 0, room = nrows * (16 + (fill != NULL ? strlen(fill) + 1 : 0)) + 1;

	r.nrows = nrows;
	r.ncols = 2;
	r.cells = calloc(nrows * 2, sizeof(*r.cells));
	r.text = malloc(room);
	ck_assert_ptr_nonnull(r.cells);
	ck_assert_ptr_nonnull(r.text);
	for (i = 0; i < nrows; i++) {
		r.cells[2 * i].data = r.text + at;
		r.cells[2 * i].len = (unsigned long)snprintf(r.text + at, 16, "r%zu", i);
		at += r.cells[2 * i].len + 1;
		if (fill == NULL)
			continue;
		r.cells[2 * i + 1].data = r.text + at;
		r.cells[2 * i + 1].len = strlen(fill);
		memcpy(r.text + at, fill, strlen(fill) + 1);
		at += strlen(fill) + 1;
	}
	return r;
}

static struct ts_page_key
key(const unsigned char *tid, const unsigned char *cursor, const char *caller)
{
	struct ts_page_key k = { tid, cursor, 0, 21, caller };

	return k;
}

START_TEST(test_a_kept_page_is_a_copy_lent_to_each_request)
{
	struct ts_page_cache *pc = ts_page_cache_new();
	struct ts_db_rows rows = make_rows(3, "hello");
	struct ts_page_key k = key(T1, NULL, NULL);
	struct ts_kept_page *put, *a, *b;
	const struct ts_db_rows *kept;
	long long row_id = 0, version = 0;

	put = ts_page_cache_put(pc, &k, &rows, 7, 42);
	ck_assert_ptr_nonnull(put);
	ts_db_rows_free(&rows);         /* the cache keeps its own copy */
	ck_assert_int_eq(ts_page_cache_peek(pc, &k, &row_id, &version), 1);
	ck_assert_int_eq(row_id, 7);
	ck_assert_int_eq(version, 42);
	a = ts_page_cache_lend(pc, &k);
	b = ts_page_cache_lend(pc, &k);
	ck_assert_ptr_eq(a, put);       /* one copy, lent to each */
	ck_assert_ptr_eq(b, put);
	kept = ts_kept_page_rows(a);
	ck_assert_uint_eq(kept->nrows, 3);
	ck_assert_str_eq(kept->cells[4].data, "r2");
	ck_assert_str_eq(kept->cells[5].data, "hello");
	ck_assert_uint_eq(kept->cells[5].len, 5);
	ts_kept_page_release(put);
	ts_kept_page_release(a);
	ts_kept_page_release(b);
	/* Given back by all: still kept. */
	a = ts_page_cache_lend(pc, &k);
	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(ts_kept_page_rows(a)->cells[5].data, "hello");
	ts_kept_page_release(a);
	ts_page_cache_free(pc);
}
END_TEST

START_TEST(test_a_lent_page_outlives_its_place_in_the_cache)
{
	struct ts_page_cache *pc = ts_page_cache_new();
	struct ts_db_rows rows = make_rows(2, "lent"), other = make_rows(1, "next");
	struct ts_page_key k = key(T1, NULL, NULL);
	struct ts_kept_page *a, *b;
	long long r, v;
	size_t len;

	ts_kept_page_release(ts_page_cache_put(pc, &k, &rows, 1, 1));
	a = ts_page_cache_lend(pc, &k);
	/* Dropped, then put again, while a is lent: a stays whole. */
	ts_page_cache_drop(pc, &k);
	ck_assert_int_eq(ts_page_cache_peek(pc, &k, &r, &v), 0);
	b = ts_page_cache_put(pc, &k, &other, 1, 2);
	ck_assert_ptr_ne(a, b);
	ck_assert_str_eq(ts_kept_page_rows(a)->cells[3].data, "lent");
	ck_assert_str_eq(ts_kept_page_rows(b)->cells[1].data, "next");
	/* A body for a page no longer kept is not kept. */
	ts_page_cache_keep_body(pc, a, "t", "{}", 2);
	ck_assert_ptr_null(ts_kept_page_body(a, "t", &len));
	ts_kept_page_release(b);
	ts_page_cache_free(pc);         /* a outlives the cache too */
	ck_assert_str_eq(ts_kept_page_rows(a)->cells[2].data, "r1");
	ts_kept_page_release(a);
	ts_db_rows_free(&rows);
	ts_db_rows_free(&other);
}
END_TEST

START_TEST(test_null_cells_stay_null)
{
	struct ts_page_cache *pc = ts_page_cache_new();
	struct ts_db_rows rows = make_rows(2, NULL);
	struct ts_page_key k = key(T1, NULL, NULL);
	struct ts_kept_page *kp;

	ts_kept_page_release(ts_page_cache_put(pc, &k, &rows, 1, 1));
	kp = ts_page_cache_lend(pc, &k);
	ck_assert_ptr_nonnull(kp);
	ck_assert_ptr_null(ts_kept_page_rows(kp)->cells[1].data);
	ck_assert_str_eq(ts_kept_page_rows(kp)->cells[2].data, "r1");
	ts_kept_page_release(kp);
	ts_db_rows_free(&rows);
	ts_page_cache_free(pc);
}
END_TEST

START_TEST(test_a_body_is_kept_under_its_tag)
{
	struct ts_page_cache *pc = ts_page_cache_new();
	struct ts_db_rows rows = make_rows(2, "x");
	struct ts_page_key k = key(T1, NULL, NULL);
	char long_tag[TS_PAGE_CACHE_TAG_BYTES + 1];
	struct ts_kept_page *kp;
	const char *body;
	size_t len = 0;

	kp = ts_page_cache_put(pc, &k, &rows, 1, 1);
	ck_assert_ptr_null(ts_kept_page_body(kp, "api d1", &len));
	ts_page_cache_keep_body(pc, kp, "api d1", "{\"data\":[1]}", 12);
	body = ts_kept_page_body(kp, "api d1", &len);
	ck_assert_ptr_nonnull(body);
	ck_assert_uint_eq(len, 12);
	ck_assert_int_eq(memcmp(body, "{\"data\":[1]}", 12), 0);
	/* Another tag is another body: none. */
	ck_assert_ptr_null(ts_kept_page_body(kp, "api d0", &len));
	ck_assert_ptr_null(ts_kept_page_body(kp, "api d", &len));
	ts_kept_page_release(kp);
	/* Lent again, the body is there; a new one replaces it. */
	kp = ts_page_cache_lend(pc, &k);
	ck_assert_ptr_nonnull(ts_kept_page_body(kp, "api d1", &len));
	ts_page_cache_keep_body(pc, kp, "v1", "[]", 2);
	ck_assert_ptr_null(ts_kept_page_body(kp, "api d1", &len));
	ck_assert_ptr_nonnull(ts_kept_page_body(kp, "v1", &len));
	ck_assert_uint_eq(len, 2);
	/* A tag too long to keep keeps nothing. */
	memset(long_tag, 't', sizeof(long_tag) - 1);
	long_tag[sizeof(long_tag) - 1] = '\0';
	ts_page_cache_keep_body(pc, kp, long_tag, "{}", 2);
	ck_assert_ptr_null(ts_kept_page_body(kp, long_tag, &len));
	ts_kept_page_release(kp);
	/* A page put again has no body. */
	kp = ts_page_cache_put(pc, &k, &rows, 1, 2);
	ck_assert_ptr_null(ts_kept_page_body(kp, "v1", &len));
	ts_kept_page_release(kp);
	ts_db_rows_free(&rows);
	ts_page_cache_free(pc);
}
END_TEST

START_TEST(test_bodies_count_in_the_byte_bounds)
{
	struct ts_page_cache *pc = ts_page_cache_new();
	struct ts_db_rows rows = make_rows(1, "x");
	size_t quarter = TS_PAGE_CACHE_PAGE_BYTES / 4, i, kept = 0, len;
	char *body = malloc(TS_PAGE_CACHE_PAGE_BYTES);
	unsigned char tid[16] = { 0 };
	struct ts_page_key k;
	struct ts_kept_page *kp;
	long long r, v;

	ck_assert_ptr_nonnull(body);
	memset(body, 'b', TS_PAGE_CACHE_PAGE_BYTES);
	/* A body that would take the page past its bound is not kept. */
	k = key(T1, NULL, NULL);
	kp = ts_page_cache_put(pc, &k, &rows, 1, 1);
	ts_page_cache_keep_body(pc, kp, "t", body, TS_PAGE_CACHE_PAGE_BYTES);
	ck_assert_ptr_null(ts_kept_page_body(kp, "t", &len));
	ts_kept_page_release(kp);
	ts_page_cache_drop(pc, &k);
	/* Bodies of a quarter of a page's bound each: the budget holds only some pages. */
	for (i = 0; i < TS_PAGE_CACHE_ENTRIES; i++) {
		tid[0] = (unsigned char)(i + 1);
		k = key(tid, NULL, NULL);
		kp = ts_page_cache_put(pc, &k, &rows, 1, 1);
		ts_page_cache_keep_body(pc, kp, "t", body, quarter);
		ck_assert_ptr_nonnull(ts_kept_page_body(kp, "t", &len));
		ts_kept_page_release(kp);
	}
	for (i = 0; i < TS_PAGE_CACHE_ENTRIES; i++) {
		tid[0] = (unsigned char)(i + 1);
		k = key(tid, NULL, NULL);
		kept += (size_t)ts_page_cache_peek(pc, &k, &r, &v);
	}
	ck_assert_uint_le(kept * quarter, TS_PAGE_CACHE_BYTES);
	ck_assert_uint_ge(kept, TS_PAGE_CACHE_BYTES / (quarter + 64) - 1);
	ck_assert_int_eq(ts_page_cache_peek(pc, &k, &r, &v), 1);    /* the newest */
	free(body);
	ts_db_rows_free(&rows);
	ts_page_cache_free(pc);
}
END_TEST

START_TEST(test_thread_cursor_direction_limit_and_caller_each_name_another_page)
{
	struct ts_page_cache *pc = ts_page_cache_new();
	struct ts_db_rows rows = make_rows(1, "x");
	struct ts_page_key k = key(T1, NULL, "alice"), other;
	long long r, v;

	ts_kept_page_release(ts_page_cache_put(pc, &k, &rows, 1, 1));
	ck_assert_int_eq(ts_page_cache_peek(pc, &k, &r, &v), 1);
	other = key(T2, NULL, "alice");
	ck_assert_int_eq(ts_page_cache_peek(pc, &other, &r, &v), 0);
	other = key(T1, C1, "alice");
	ck_assert_int_eq(ts_page_cache_peek(pc, &other, &r, &v), 0);
	other = key(T1, NULL, NULL);
	ck_assert_int_eq(ts_page_cache_peek(pc, &other, &r, &v), 0);
	other = key(T1, NULL, "alicE");
	ck_assert_int_eq(ts_page_cache_peek(pc, &other, &r, &v), 0);
	other = key(T1, NULL, "alice");
	other.upward = 1;
	ck_assert_int_eq(ts_page_cache_peek(pc, &other, &r, &v), 0);
	other.upward = 0;
	other.limit = 22;
	ck_assert_int_eq(ts_page_cache_peek(pc, &other, &r, &v), 0);
	ts_page_cache_drop(pc, &k);
	ck_assert_int_eq(ts_page_cache_peek(pc, &k, &r, &v), 0);
	ts_db_rows_free(&rows);
	ts_page_cache_free(pc);
}
END_TEST

START_TEST(test_a_page_put_again_replaces_the_one_kept)
{
	struct ts_page_cache *pc = ts_page_cache_new();
	struct ts_db_rows a = make_rows(1, "old"), b = make_rows(1, "new");
	struct ts_page_key k = key(T1, C1, NULL);
	struct ts_kept_page *kp;
	long long r, v;

	ts_kept_page_release(ts_page_cache_put(pc, &k, &a, 1, 1));
	ts_kept_page_release(ts_page_cache_put(pc, &k, &b, 1, 2));
	ck_assert_int_eq(ts_page_cache_peek(pc, &k, &r, &v), 1);
	ck_assert_int_eq(v, 2);
	kp = ts_page_cache_lend(pc, &k);
	ck_assert_str_eq(ts_kept_page_rows(kp)->cells[1].data, "new");
	ts_kept_page_release(kp);
	ts_db_rows_free(&a);
	ts_db_rows_free(&b);
	ts_page_cache_free(pc);
}
END_TEST

START_TEST(test_the_page_used_longest_ago_gives_way)
{
	struct ts_page_cache *pc = ts_page_cache_new();
	struct ts_db_rows rows = make_rows(1, "x");
	unsigned char tids[TS_PAGE_CACHE_ENTRIES + 1][16];
	struct ts_page_key k;
	long long r, v;
	size_t i;

	memset(tids, 0, sizeof(tids));
	for (i = 0; i <= TS_PAGE_CACHE_ENTRIES; i++) {
		tids[i][0] = (unsigned char)(i + 1);
		tids[i][1] = 0x55;
	}
	for (i = 0; i < TS_PAGE_CACHE_ENTRIES; i++) {
		k = key(tids[i], NULL, NULL);
		ts_kept_page_release(ts_page_cache_put(pc, &k, &rows, 1, (long long)i));
	}
	/* The first page is used again: the second is now the oldest. */
	k = key(tids[0], NULL, NULL);
	ts_kept_page_release(ts_page_cache_lend(pc, &k));
	k = key(tids[TS_PAGE_CACHE_ENTRIES], NULL, NULL);
	ts_kept_page_release(ts_page_cache_put(pc, &k, &rows, 1, 99));
	ck_assert_int_eq(ts_page_cache_peek(pc, &k, &r, &v), 1);
	k = key(tids[0], NULL, NULL);
	ck_assert_int_eq(ts_page_cache_peek(pc, &k, &r, &v), 1);
	k = key(tids[1], NULL, NULL);
	ck_assert_int_eq(ts_page_cache_peek(pc, &k, &r, &v), 0);
	k = key(tids[2], NULL, NULL);
	ck_assert_int_eq(ts_page_cache_peek(pc, &k, &r, &v), 1);
	ts_db_rows_free(&rows);
	ts_page_cache_free(pc);
}
END_TEST

START_TEST(test_pages_stay_within_their_byte_bounds)
{
	struct ts_page_cache *pc = ts_page_cache_new();
	char *big = malloc(TS_PAGE_CACHE_PAGE_BYTES), *fill = malloc(TS_PAGE_CACHE_PAGE_BYTES / 4);
	struct ts_db_rows huge, quarter;
	unsigned char tid[16] = { 0 };
	struct ts_page_key k = key(T1, NULL, NULL);
	long long r, v;
	size_t i, kept = 0;

	ck_assert_ptr_nonnull(big);
	ck_assert_ptr_nonnull(fill);
	memset(big, 'b', TS_PAGE_CACHE_PAGE_BYTES - 1);
	big[TS_PAGE_CACHE_PAGE_BYTES - 1] = '\0';
	huge = make_rows(1, big);
	ck_assert_ptr_null(ts_page_cache_put(pc, &k, &huge, 1, 1));
	ck_assert_int_eq(ts_page_cache_peek(pc, &k, &r, &v), 0);     /* too large to keep */
	/* Pages of a quarter of the largest each: the budget holds only some. */
	memset(fill, 'q', TS_PAGE_CACHE_PAGE_BYTES / 4 - 1);
	fill[TS_PAGE_CACHE_PAGE_BYTES / 4 - 1] = '\0';
	quarter = make_rows(1, fill);
	for (i = 0; i < TS_PAGE_CACHE_ENTRIES; i++) {
		tid[0] = (unsigned char)(i + 1);
		k = key(tid, NULL, NULL);
		ts_kept_page_release(ts_page_cache_put(pc, &k, &quarter, 1, 1));
	}
	for (i = 0; i < TS_PAGE_CACHE_ENTRIES; i++) {
		tid[0] = (unsigned char)(i + 1);
		k = key(tid, NULL, NULL);
		kept += (size_t)ts_page_cache_peek(pc, &k, &r, &v);
	}
	ck_assert_uint_le(kept * (TS_PAGE_CACHE_PAGE_BYTES / 4), TS_PAGE_CACHE_BYTES);
	ck_assert_uint_ge(kept, TS_PAGE_CACHE_BYTES / (TS_PAGE_CACHE_PAGE_BYTES / 4) - 1);
	/* The newest are the ones kept. */
	ck_assert_int_eq(ts_page_cache_peek(pc, &k, &r, &v), 1);
	ts_db_rows_free(&huge);
	ts_db_rows_free(&quarter);
	free(big);
	free(fill);
	ts_page_cache_free(pc);
}
END_TEST

START_TEST(test_a_thread_kept_alone_is_no_page)
{
	struct ts_page_cache *pc = ts_page_cache_new();
	struct ts_db_rows rows = make_rows(2, "x");
	struct ts_page_key k = key(T1, NULL, NULL), other = key(T2, NULL, NULL);
	struct ts_kept_page *kp;
	long long r = 0, v = 0;
	size_t i;

	/* A refused or missing thread: kept with its row_id and version, no rows. */
	ck_assert_ptr_null(ts_page_cache_put(pc, &k, NULL, 5, 6));
	ck_assert_int_eq(ts_page_cache_peek(pc, &k, &r, &v), 1);
	ck_assert_int_eq(r, 5);
	ck_assert_int_eq(v, 6);
	ck_assert_ptr_null(ts_page_cache_lend(pc, &k));
	ts_page_cache_drop(pc, &k);
	ck_assert_int_eq(ts_page_cache_peek(pc, &k, &r, &v), 0);
	/* Nothing stays counted: the whole budget is there for pages again. */
	for (i = 0; i < 2 * TS_PAGE_CACHE_ENTRIES; i++)
		ck_assert_ptr_null(ts_page_cache_put(pc, &k, NULL, 1, (long long)i));
	ts_page_cache_drop(pc, &k);
	ts_kept_page_release(ts_page_cache_put(pc, &other, &rows, 1, 1));
	kp = ts_page_cache_lend(pc, &other);
	ck_assert_ptr_nonnull(kp);
	ck_assert_uint_eq(ts_kept_page_rows(kp)->nrows, 2);
	ts_kept_page_release(kp);
	ts_db_rows_free(&rows);
	ts_page_cache_free(pc);
}
END_TEST

static Suite *
make_suite(void)
{
	Suite *s = suite_create("page_cache");
	TCase *tc = tcase_create("page_cache");

	tcase_add_test(tc, test_a_kept_page_is_a_copy_lent_to_each_request);
	tcase_add_test(tc, test_a_lent_page_outlives_its_place_in_the_cache);
	tcase_add_test(tc, test_null_cells_stay_null);
	tcase_add_test(tc, test_a_body_is_kept_under_its_tag);
	tcase_add_test(tc, test_bodies_count_in_the_byte_bounds);
	tcase_add_test(tc, test_thread_cursor_direction_limit_and_caller_each_name_another_page);
	tcase_add_test(tc, test_a_page_put_again_replaces_the_one_kept);
	tcase_add_test(tc, test_the_page_used_longest_ago_gives_way);
	tcase_add_test(tc, test_pages_stay_within_their_byte_bounds);
	tcase_add_test(tc, test_a_thread_kept_alone_is_no_page);
	suite_add_tcase(s, tc);
	return s;
}

#include "check_main.h"
