/*
 * The statement table against the page version (sql/006_page_version.sql):
 * a worker serves a page it kept only while the thread's row_id and
 * page_version are what they were when it read the page, so every change a
 * page can show must move page_version. These checks make each statement
 * that writes a thread or a message say how it does.
 */
#include <check.h>
#include <string.h>

#include "sql.h"

#define BUMP "page_version = page_version + 1"

/*
 * Every statement that writes messages, and what moves the page version
 * with it. A statement added to the table that writes messages fails
 * test_every_message_write_is_accounted_for until it is listed here.
 */
static const struct {
	enum ts_sql id;
	const char *how;
} message_writes[] = {
	{ TS_SQL_MESSAGE_INSERT, "THREAD_NEXT_SEQ, in the same transaction (message_store.c)" },
	{ TS_SQL_MESSAGE_CREATE_ONE, "THREAD_NEXT_SEQ, in the same statement" },
	{ TS_SQL_MESSAGE_UPDATE, "THREAD_PAGE_CHANGED, in the same transaction (message_table.c)" },
	{ TS_SQL_MESSAGE_DELETE, "THREAD_AFTER_DELETE, in the same transaction (message_table.c)" },
	{ TS_SQL_THREAD_DELETE_MESSAGES, "the thread's row goes with them (THREAD_DELETE)" },
	{ TS_SQL_MESSAGE_PURGE_ONE, "a dead row: at or below cleared_seq, or of a deleted thread" },
	{ TS_SQL_PURGE_CHUNK, "dead rows: at or below cleared_seq, or of a deleted thread" },
};

static int
writes_messages(const char *sql)
{
	return strstr(sql, "INSERT INTO messages ") != NULL || strstr(sql, "UPDATE messages ") != NULL ||
	    strstr(sql, "DELETE FROM messages ") != NULL || strstr(sql, "DELETE m FROM messages ") != NULL;
}

static int
listed(enum ts_sql id)
{
	size_t i;

	for (i = 0; i < sizeof(message_writes) / sizeof(message_writes[0]); i++)
		if (message_writes[i].id == id)
			return 1;
	return 0;
}

START_TEST(test_every_thread_update_moves_the_page_version)
{
	int id, updates = 0;

	for (id = 0; id < TS_SQL__COUNT; id++) {
		const char *sql = ts_sql_table[id].text;

		if (sql == NULL || strstr(sql, "UPDATE threads ") == NULL)
			continue;
		updates++;
		ck_assert_msg(strstr(sql, BUMP) != NULL, "statement %d updates threads without " BUMP ": %s", id,
		    sql);
	}
	/* The create's counters, a PATCH, the counters after a delete, a clear, a message's change. */
	ck_assert_int_ge(updates, 5);
}
END_TEST

START_TEST(test_every_message_write_is_accounted_for)
{
	int id;
	size_t i;

	for (id = 0; id < TS_SQL__COUNT; id++) {
		const char *sql = ts_sql_table[id].text;

		if (sql != NULL && writes_messages(sql))
			ck_assert_msg(listed((enum ts_sql)id), "statement %d writes messages and does not say how "
			    "the page version moves with it: %s", id, sql);
	}
	for (i = 0; i < sizeof(message_writes) / sizeof(message_writes[0]); i++)
		ck_assert_msg(writes_messages(ts_sql_table[message_writes[i].id].text),
		    "statement %d is listed but writes no messages", (int)message_writes[i].id);
}
END_TEST

START_TEST(test_the_writes_that_carry_the_bump_carry_it)
{
	ck_assert_ptr_nonnull(strstr(ts_sql_table[TS_SQL_THREAD_NEXT_SEQ].text, BUMP));
	ck_assert_ptr_nonnull(strstr(ts_sql_table[TS_SQL_MESSAGE_CREATE_ONE].text, BUMP));
	ck_assert_ptr_nonnull(strstr(ts_sql_table[TS_SQL_THREAD_AFTER_DELETE].text, BUMP));
	ck_assert_ptr_nonnull(strstr(ts_sql_table[TS_SQL_THREAD_PAGE_CHANGED].text, BUMP));
}
END_TEST

static Suite *
make_suite(void)
{
	Suite *s = suite_create("sql");
	TCase *tc = tcase_create("page_version");

	tcase_add_test(tc, test_every_thread_update_moves_the_page_version);
	tcase_add_test(tc, test_every_message_write_is_accounted_for);
	tcase_add_test(tc, test_the_writes_that_carry_the_bump_carry_it);
	suite_add_tcase(s, tc);
	return s;
}

#include "check_main.h"
