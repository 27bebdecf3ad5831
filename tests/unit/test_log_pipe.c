/* Workers' log lines through the master's pipes: merged by time, none lost. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "log_pipe.h"

/* What ts_log_pipes_drain wrote, from the start of f (owned). */
static char *
drained(struct ts_log_pipe *const *p, size_t n)
{
	FILE *f = tmpfile();
	char *text;
	long len;

	ck_assert_ptr_nonnull(f);
	ts_log_pipes_drain(p, n, fileno(f));
	len = lseek(fileno(f), 0, SEEK_END);
	ck_assert_int_ge(len, 0);
	text = calloc(1, (size_t)len + 1);
	ck_assert_ptr_nonnull(text);
	ck_assert_int_eq(pread(fileno(f), text, (size_t)len, 0), len);
	fclose(f);
	return text;
}

/* A line as src/log.c writes it, stamped at second s, millisecond ms. */
static void
put(int fd, int s, int ms, const char *what)
{
	char line[512];
	int n = snprintf(line, sizeof(line), "ts=2026-12-06T10:00:%02d.%03dZ pid=1 level=info %s\n", s, ms, what);

	ck_assert_int_eq(write(fd, line, (size_t)n), n);
}

START_TEST(test_lines_merge_by_time_and_keep_each_pipes_order)
{
	struct ts_log_pipe a, b, *p[2] = { &a, &b };
	int wa, wb;
	char *out;

	ck_assert_int_eq(ts_log_pipe_open(&a, &wa), 0);
	ck_assert_int_eq(ts_log_pipe_open(&b, &wb), 0);
	put(wa, 1, 1, "a1");
	put(wb, 1, 2, "b2");
	put(wa, 1, 3, "a3");
	put(wb, 1, 3, "b3");    /* stamped like a3: the earlier pipe's first */
	put(wb, 2, 0, "b4");
	put(wa, 1, 999, "a5");
	out = drained(p, 2);
	ck_assert_str_eq(out,
	    "ts=2026-12-06T10:00:01.001Z pid=1 level=info a1\n"
	    "ts=2026-12-06T10:00:01.002Z pid=1 level=info b2\n"
	    "ts=2026-12-06T10:00:01.003Z pid=1 level=info a3\n"
	    "ts=2026-12-06T10:00:01.003Z pid=1 level=info b3\n"
	    "ts=2026-12-06T10:00:01.999Z pid=1 level=info a5\n"
	    "ts=2026-12-06T10:00:02.000Z pid=1 level=info b4\n");
	free(out);
	/* Read once: nothing is written twice. */
	out = drained(p, 2);
	ck_assert_str_eq(out, "");
	free(out);
	close(wa);
	close(wb);
	ts_log_pipe_close(&a);
	ts_log_pipe_close(&b);
}
END_TEST

/* More than one read's worth in one pipe, a line of the other in the middle:
 * every line out, whole and in order. */
START_TEST(test_many_lines_all_out_whole)
{
	struct ts_log_pipe *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	struct ts_log_pipe *p[2] = { a, b };
	char what[200], *out, *line, *save = NULL;
	int wa, wb, i, n = 0, b_at = -1;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(ts_log_pipe_open(a, &wa), 0);
	ck_assert_int_eq(ts_log_pipe_open(b, &wb), 0);
	memset(what, 'x', sizeof(what) - 1);
	what[sizeof(what) - 1] = '\0';
	for (i = 0; i < 200; i++)
		put(wa, i / 1000, i % 1000, what);      /* 200 x ~250 bytes: > TS_LOG_PIPE_CHUNK, < 64 KiB */
	put(wb, 0, 100, "from b");
	close(wa);      /* the worker ended: what it wrote is still read */
	out = drained(p, 2);
	for (line = strtok_r(out, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		ck_assert_msg(strncmp(line, "ts=2026-12-06T10:00:00.", 23) == 0, "a cut line: %s", line);
		if (strstr(line, "from b") != NULL)
			b_at = n;
		n++;
	}
	ck_assert_int_eq(n, 201);
	ck_assert_int_eq(b_at, 101);    /* after a's 0.100, stamped alike: a is the earlier pipe */
	free(out);
	close(wb);
	ts_log_pipe_close(a);
	ts_log_pipe_close(b);
	free(a);
	free(b);
}
END_TEST

/* An ended worker's pipe is read to its end in one drain, however much it
 * holds (a pipe can be larger than one drain's share of reads). */
START_TEST(test_ended_pipe_read_to_the_end)
{
	struct ts_log_pipe *a = malloc(sizeof(*a)), *p[1] = { a };
	char what[200], *out, *c;
	int wa, i, n = 0;

	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(ts_log_pipe_open(a, &wa), 0);
	ck_assert_int_ge(fcntl(wa, F_SETPIPE_SZ, 1024 * 1024), 1024 * 1024);
	memset(what, 'y', sizeof(what) - 1);
	what[sizeof(what) - 1] = '\0';
	for (i = 0; i < 3000; i++)
		put(wa, i / 1000, i % 1000, what);      /* ~750 KB */
	close(wa);
	a->ended = 1;
	out = drained(p, 1);
	for (c = out; (c = strchr(c, '\n')) != NULL; c++)
		n++;
	ck_assert_int_eq(n, 3000);
	free(out);
	ts_log_pipe_close(a);
	free(a);
}
END_TEST

/* A line without a stamp is passed on, not lost. */
START_TEST(test_unstamped_line_passed_on)
{
	struct ts_log_pipe a, *p[1] = { &a };
	int wa;
	char *out;

	ck_assert_int_eq(ts_log_pipe_open(&a, &wa), 0);
	ck_assert_int_eq(write(wa, "not ours\n", 9), 9);
	put(wa, 0, 0, "ours");
	out = drained(p, 1);
	ck_assert_str_eq(out, "not ours\nts=2026-12-06T10:00:00.000Z pid=1 level=info ours\n");
	free(out);
	close(wa);
	ts_log_pipe_close(&a);
}
END_TEST

/* ts_log_to_fd: lines into the pipe; one the pipe cannot take whole goes to
 * stderr instead of being lost. */
START_TEST(test_full_pipe_falls_back_to_stderr)
{
	struct ts_log_pipe a, *p[1] = { &a };
	FILE *err = tmpfile();
	char fill[4096], *out, text[512];
	int wa, saved = dup(STDERR_FILENO);
	ssize_t got;

	ck_assert_ptr_nonnull(err);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_eq(ts_log_pipe_open(&a, &wa), 0);
	ck_assert_int_ge(fcntl(wa, F_SETPIPE_SZ, 4096), 4096);
	fflush(stderr);
	ck_assert_int_ge(dup2(fileno(err), STDERR_FILENO), 0);
	ts_log_to_fd(wa);
	ts_log(TS_LOG_WARN, "into the pipe");
	/* Fill what is left of the pipe. */
	memset(fill, '\n', sizeof(fill));
	while (write(wa, fill, 1) == 1)
		continue;
	ts_log(TS_LOG_WARN, "the pipe is full");
	ts_log_to_fd(-1);
	fflush(stderr);
	ck_assert_int_ge(dup2(saved, STDERR_FILENO), 0);
	close(saved);
	got = pread(fileno(err), text, sizeof(text) - 1, 0);
	ck_assert_int_gt(got, 0);
	text[got] = '\0';
	ck_assert_ptr_nonnull(strstr(text, "level=warn the pipe is full\n"));
	ck_assert_ptr_null(strstr(text, "into the pipe"));
	fclose(err);
	close(wa);
	out = drained(p, 1);
	ck_assert_ptr_nonnull(strstr(out, "level=warn into the pipe\n"));
	ck_assert_ptr_null(strstr(out, "the pipe is full"));
	free(out);
	ts_log_pipe_close(&a);
}
END_TEST

static Suite *
make_suite(void)
{
	Suite *s = suite_create("log_pipe");
	TCase *tc = tcase_create("pipes");

	tcase_add_test(tc, test_lines_merge_by_time_and_keep_each_pipes_order);
	tcase_add_test(tc, test_many_lines_all_out_whole);
	tcase_add_test(tc, test_ended_pipe_read_to_the_end);
	tcase_add_test(tc, test_unstamped_line_passed_on);
	tcase_add_test(tc, test_full_pipe_falls_back_to_stderr);
	suite_add_tcase(s, tc);
	return s;
}

#include "check_main.h"
