/* Log lines: the access line's fields, built by hand, and a cut long line. */
#include <check.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

/* Runs fn with stderr going to a file, and returns what it wrote (owned). */
static char *
captured(void (*fn)(void))
{
	static char buf[8192];
	FILE *f = tmpfile();
	int saved = dup(STDERR_FILENO);
	size_t n;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(saved, 0);
	fflush(stderr);
	ck_assert_int_ge(dup2(fileno(f), STDERR_FILENO), 0);
	fn();
	fflush(stderr);
	ck_assert_int_ge(dup2(saved, STDERR_FILENO), 0);
	close(saved);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return strdup(buf);
}

static void
matches(const char *text, const char *pattern)
{
	regex_t re;

	ck_assert_int_eq(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
	ck_assert_msg(regexec(&re, text, 0, NULL, 0) == 0, "%s does not match %s", text, pattern);
	regfree(&re);
}

static void
access_lines(void)
{
	ts_log_access("GET", "/api/threads/x \"q\"", 200, 12.3456, "rid-1");
	ts_log_access("POST", NULL, 503, 0.0004, "r2");
	ts_log_access("GET", "/", 404, 1234.5, "r3");
}

START_TEST(test_access_line_fields)
{
	char *out = captured(access_lines);
	char pid[32];

	snprintf(pid, sizeof(pid), " pid=%ld ", (long)getpid());
	matches(out, "^ts=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z pid=[0-9]+ level=info "
	    "access method=GET path=\"/api/threads/x\\\\x20\\\\x22q\\\\x22\" status=200 ms=12\\.346 rid=rid-1\n");
	ck_assert_ptr_nonnull(strstr(out, pid));
	ck_assert_ptr_nonnull(strstr(out, "level=info access method=POST path=\"-\" status=503 ms=0.000 rid=r2\n"));
	ck_assert_ptr_nonnull(strstr(out, "access method=GET path=\"/\" status=404 ms=1234.500 rid=r3\n"));
	free(out);
}
END_TEST

static void
long_line(void)
{
	char big[4000];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ts_log(TS_LOG_WARN, "x=%d %s", 42, big);
}

START_TEST(test_long_line_is_cut_and_ends_with_newline)
{
	char *out = captured(long_line);
	size_t n = strlen(out);

	matches(out, "^ts=[^ ]+ pid=[0-9]+ level=warn x=42 a+\n$");
	ck_assert_uint_lt(n, 2048 + 1);
	ck_assert_uint_gt(n, 2000);
	free(out);
}
END_TEST

static Suite *
make_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("lines");

	tcase_add_test(tc, test_access_line_fields);
	tcase_add_test(tc, test_long_line_is_cut_and_ends_with_newline);
	suite_add_tcase(s, tc);
	return s;
}

#include "check_main.h"
