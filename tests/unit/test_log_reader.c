/* Workers' log lines through the master's readers of their rings:
 * merged by time, none lost, none cut. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/wait.h>

#include "log.h"
#include "log_reader.h"
#include "log_ring.h"

/* Two rings for each test's readers (unmapped by the next test's process). */
static struct ts_log_ring *rings;

static void
setup(void)
{
	rings = ts_log_rings_new(2);
	ck_assert_ptr_nonnull(rings);
}

static void
teardown(void)
{
	ts_log_rings_free(rings, 2);
}

/* Reader p on ring i, opened: the ring its worker writes into. */
static struct ts_log_ring *
open_reader(struct ts_log_reader *p, size_t i)
{
	ts_log_reader_init(p, ts_log_ring_at(rings, i));
	return ts_log_reader_open(p);
}

/* What ts_log_readers_drain wrote, from the start of f (owned). */
static char *
drained(struct ts_log_reader *const *p, size_t n)
{
	FILE *f = tmpfile();
	char *text;
	long len;

	ck_assert_ptr_nonnull(f);
	ts_log_readers_drain(p, n, fileno(f));
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
put(struct ts_log_ring *r, int s, int ms, const char *what)
{
	char line[512];
	int n = snprintf(line, sizeof(line), "ts=2026-12-06T10:00:%02d.%03dZ pid=1 level=info %s\n", s, ms, what);

	ck_assert_int_eq(ts_log_ring_put(r, line, (size_t)n), 0);
}

START_TEST(test_lines_merge_by_time_and_keep_each_readers_order)
{
	struct ts_log_reader a, b, *p[2] = { &a, &b };
	struct ts_log_ring *wa = open_reader(&a, 0), *wb = open_reader(&b, 1);
	char *out;

	put(wa, 1, 1, "a1");
	put(wb, 1, 2, "b2");
	put(wa, 1, 3, "a3");
	put(wb, 1, 3, "b3");    /* stamped like a3: the earlier reader's first */
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
	ts_log_reader_close(&a);
	ts_log_reader_close(&b);
}
END_TEST

/* More than one read's worth in one reader, a line of the other in the middle:
 * every line out, whole and in order. */
START_TEST(test_many_lines_all_out_whole)
{
	struct ts_log_reader *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	struct ts_log_reader *p[2] = { a, b };
	char what[200], *out, *line, *save = NULL;
	struct ts_log_ring *wa, *wb;
	int i, n = 0, b_at = -1;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	wa = open_reader(a, 0);
	wb = open_reader(b, 1);
	memset(what, 'x', sizeof(what) - 1);
	what[sizeof(what) - 1] = '\0';
	for (i = 0; i < 200; i++)
		put(wa, i / 1000, i % 1000, what);      /* 200 x ~250 bytes: > TS_LOG_READER_CHUNK */
	put(wb, 0, 100, "from b");
	out = drained(p, 2);
	for (line = strtok_r(out, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		ck_assert_msg(strncmp(line, "ts=2026-12-06T10:00:00.", 23) == 0, "a cut line: %s", line);
		if (strstr(line, "from b") != NULL)
			b_at = n;
		n++;
	}
	ck_assert_int_eq(n, 201);
	ck_assert_int_eq(b_at, 101);    /* after a's 0.100, stamped alike: a is the earlier reader */
	free(out);
	ts_log_reader_close(a);
	ts_log_reader_close(b);
	free(a);
	free(b);
}
END_TEST

/*
 * A worker killed (SIGKILL) after writing a full ring: every line it wrote
 * is read, whole, in one drain once it is marked ended, as the master does
 * after reaping it; a line it could not put went nowhere half-written.
 */
START_TEST(test_killed_writers_ring_read_to_the_end)
{
	struct ts_log_reader *a = malloc(sizeof(*a)), *p[1] = { a };
	struct ts_log_ring *wa;
	char *out, *c;
	size_t len;
	int i, n = 0, st;
	pid_t pid;

	ck_assert_ptr_nonnull(a);
	wa = open_reader(a, 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char what[200], line[512];

		memset(what, 'y', sizeof(what) - 1);
		what[sizeof(what) - 1] = '\0';
		/* Until the ring is full, then its death. */
		for (i = 0;; i++) {
			int n_put = snprintf(line, sizeof(line), "ts=2026-12-06T10:00:%02d.%03dZ pid=2 level=info %s\n",
			    i / 1000 % 60, i % 1000, what);

			if (ts_log_ring_put(wa, line, (size_t)n_put) != 0)
				break;
		}
		raise(SIGKILL);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	a->ended = 1;
	out = drained(p, 1);
	/* Lines of one length: as many as the ring holds, each whole. */
	len = strcspn(out, "\n") + 1;
	for (c = out; *c != '\0'; c += len, n++) {
		ck_assert_msg(strncmp(c, "ts=", 3) == 0 && strcspn(c, "\n") + 1 == len, "a cut line at %d", n);
	}
	ck_assert_int_eq(n, TS_LOG_RING_BYTES / len);
	free(out);
	ts_log_reader_close(a);
	free(a);
}
END_TEST

/* A line without a stamp is passed on, not lost. */
START_TEST(test_unstamped_line_passed_on)
{
	struct ts_log_reader a, *p[1] = { &a };
	struct ts_log_ring *wa = open_reader(&a, 0);
	char *out;

	ck_assert_int_eq(ts_log_ring_put(wa, "not ours\n", 9), 0);
	put(wa, 0, 0, "ours");
	out = drained(p, 1);
	ck_assert_str_eq(out, "not ours\nts=2026-12-06T10:00:00.000Z pid=1 level=info ours\n");
	free(out);
	ts_log_reader_close(&a);
}
END_TEST

/* ts_log_to_ring: lines into the ring; one the ring cannot take whole goes
 * to stderr instead of being lost. */
START_TEST(test_full_ring_falls_back_to_stderr)
{
	struct ts_log_reader a, *p[1] = { &a };
	struct ts_log_ring *wa = open_reader(&a, 0);
	FILE *err = tmpfile();
	char *out, text[512];
	int saved = dup(STDERR_FILENO);
	ssize_t got;

	ck_assert_ptr_nonnull(err);
	ck_assert_int_ge(saved, 0);
	fflush(stderr);
	ck_assert_int_ge(dup2(fileno(err), STDERR_FILENO), 0);
	ts_log_to_ring(wa);
	ts_log(TS_LOG_WARN, "into the ring");
	/* Fill what is left of the ring. */
	while (ts_log_ring_put(wa, "\n", 1) == 0)
		continue;
	ts_log(TS_LOG_WARN, "the ring is full");
	ts_log_to_ring(NULL);
	fflush(stderr);
	ck_assert_int_ge(dup2(saved, STDERR_FILENO), 0);
	close(saved);
	got = pread(fileno(err), text, sizeof(text) - 1, 0);
	ck_assert_int_gt(got, 0);
	text[got] = '\0';
	ck_assert_ptr_nonnull(strstr(text, "level=warn the ring is full\n"));
	ck_assert_ptr_null(strstr(text, "into the ring"));
	fclose(err);
	out = drained(p, 1);
	ck_assert_ptr_nonnull(strstr(out, "level=warn into the ring\n"));
	ck_assert_ptr_null(strstr(out, "the ring is full"));
	free(out);
	ts_log_reader_close(&a);
}
END_TEST

/* Pieces of every length across the ring's end, many times round: each
 * taken back as put; a piece that does not fit is refused whole. */
START_TEST(test_ring_wraps_around_byte_for_byte)
{
	struct ts_log_ring *r = ts_log_ring_at(rings, 0);
	static char in[3000], back[3000];
	size_t i, n, off, got, total = 0;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (char)('a' + i % 26);
	for (i = 0; total < 4 * TS_LOG_RING_BYTES; i++) {
		off = i % 13;
		n = 1 + (i * 7919) % (sizeof(in) - off);
		ck_assert_int_eq(ts_log_ring_put(r, in + off, n), 0);
		got = ts_log_ring_take(r, back, sizeof(back));
		ck_assert_uint_eq(got, n);
		ck_assert_int_eq(memcmp(back, in + off, n), 0);
		total += n;
	}
	/* Full: what does not fit is not written at all. */
	while (ts_log_ring_put(r, in, 1000) == 0)
		total++;
	ck_assert_int_eq(ts_log_ring_put(r, in, 1000), -1);
	got = 0;
	while ((n = ts_log_ring_take(r, back, sizeof(back))) > 0) {
		ck_assert_int_eq(memcmp(back, in, n < 1000 ? n : 1000), 0);
		got += n;
	}
	ck_assert_uint_eq(got, (TS_LOG_RING_BYTES / 1000) * 1000);
	/* Reset: empty again. */
	ck_assert_int_eq(ts_log_ring_put(r, in, 10), 0);
	ts_log_ring_reset(r);
	ck_assert_uint_eq(ts_log_ring_take(r, back, sizeof(back)), 0);
}
END_TEST

/* A writer in another process putting numbered lines while this one takes
 * them: every line arrives, whole and in order, none twice. */
START_TEST(test_ring_between_processes_loses_and_cuts_nothing)
{
	struct ts_log_ring *r = ts_log_ring_at(rings, 1);
	enum { LINES = 200000 };
	static char buf[TS_LOG_READER_CHUNK + 64];
	size_t have = 0, got, room;
	long next = 0, v;
	char *nl, *end;
	int st;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char line[64];

		for (long k = 0; k < LINES; k++) {
			int len = snprintf(line, sizeof(line), "line %ld %s\n", k, k % 3 ? "x" : "a longer one");

			while (ts_log_ring_put(r, line, (size_t)len) != 0)
				continue;       /* the reader is behind: wait for room */
		}
		_exit(0);
	}
	while (next < LINES) {
		room = TS_LOG_READER_CHUNK - have;
		got = ts_log_ring_take(r, buf + have, room);
		have += got;
		buf[have] = '\0';
		/* Whole lines only: the last one taken ends with its newline. */
		while ((nl = memchr(buf, '\n', have)) != NULL) {
			ck_assert_int_eq(strncmp(buf, "line ", 5), 0);
			v = strtol(buf + 5, &end, 10);
			ck_assert_int_eq(v, next);
			next++;
			have -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, have);
		}
		/* Taking all there was ends at a line's end: lines are put whole. */
		if (got < room)
			ck_assert_uint_eq(have, 0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_uint_eq(ts_log_ring_take(r, buf, TS_LOG_READER_CHUNK), 0);
}
END_TEST

static Suite *
make_suite(void)
{
	Suite *s = suite_create("log_reader");
	TCase *tc = tcase_create("readers");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_lines_merge_by_time_and_keep_each_readers_order);
	tcase_add_test(tc, test_many_lines_all_out_whole);
	tcase_add_test(tc, test_killed_writers_ring_read_to_the_end);
	tcase_add_test(tc, test_unstamped_line_passed_on);
	tcase_add_test(tc, test_full_ring_falls_back_to_stderr);
	tcase_add_test(tc, test_ring_wraps_around_byte_for_byte);
	tcase_add_test(tc, test_ring_between_processes_loses_and_cuts_nothing);
	suite_add_tcase(s, tc);
	return s;
}

#include "check_main.h"
