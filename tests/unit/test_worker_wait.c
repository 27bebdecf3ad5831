/* A worker's wait (src/worker_wait.c): poll()'s answers from an epoll
 * instance, descriptors that change under an entry, and the one that
 * comes back under a closed one's number. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <stdio.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "worker_wait.h"

static void
entries(struct pollfd *pfd, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		pfd[i].fd = -1;
		pfd[i].events = POLLIN;
		pfd[i].revents = 0;
	}
}

/* Closes pipe a and opens pipe b whose read end takes a's read end's
 * number, as a new socket takes a closed one's. */
static void
reopen_under_same_number(int a[2], int b[2])
{
	int fd = a[0];

	close(a[0]);
	close(a[1]);
	ck_assert_int_eq(pipe(b), 0);
	if (b[0] != fd) {
		ck_assert_int_eq(dup2(b[0], fd), fd);
		close(b[0]);
		b[0] = fd;
	}
}

START_TEST(test_reports_the_readable_entries_as_poll_does)
{
	struct ts_worker_wait w;
	struct pollfd pfd[3];
	int a[2], b[2];

	ck_assert_int_eq(ts_worker_wait_open(&w, 0), 0);
#ifdef __linux__
	ck_assert_int_ge(w.ep, 0);
#endif
	ck_assert_int_eq(pipe(a), 0);
	ck_assert_int_eq(pipe(b), 0);
	entries(pfd, 3);
	pfd[0].fd = a[0];
	pfd[2].fd = b[0];
	ck_assert_int_eq(ts_worker_wait(&w, pfd, 3, 0), 0);
	ck_assert_int_eq(write(b[1], "x", 1), 1);
	ck_assert_int_eq(ts_worker_wait(&w, pfd, 3, 1000), 1);
	ck_assert_int_eq(pfd[0].revents, 0);
	ck_assert_int_eq(pfd[1].revents, 0);
	ck_assert(pfd[2].revents & POLLIN);
	/* Level-triggered: still readable until read. */
	ck_assert_int_eq(ts_worker_wait(&w, pfd, 3, 0), 1);
	/* The writer gone: readable and hung up. */
	close(a[1]);
	ck_assert_int_eq(ts_worker_wait(&w, pfd, 3, 0), 2);
	ck_assert(pfd[0].revents & POLLHUP);
	close(a[0]);
	close(b[0]);
	close(b[1]);
	ts_worker_wait_close(&w);
}
END_TEST

/* An entry that moves to another descriptor, and one no longer watched. */
START_TEST(test_follows_an_entry_to_its_new_descriptor)
{
	struct ts_worker_wait w;
	struct pollfd pfd[2];
	int a[2], b[2];

	ck_assert_int_eq(ts_worker_wait_open(&w, 0), 0);
	ck_assert_int_eq(pipe(a), 0);
	ck_assert_int_eq(pipe(b), 0);
	ck_assert_int_eq(write(a[1], "x", 1), 1);
	entries(pfd, 2);
	pfd[1].fd = a[0];
	ck_assert_int_eq(ts_worker_wait(&w, pfd, 2, 0), 1);
	/* Now b, which has nothing: a's readiness must not show there. */
	pfd[1].fd = b[0];
	ck_assert_int_eq(ts_worker_wait(&w, pfd, 2, 0), 0);
	ck_assert_int_eq(write(b[1], "y", 1), 1);
	ck_assert_int_eq(ts_worker_wait(&w, pfd, 2, 0), 1);
	ck_assert(pfd[1].revents & POLLIN);
	/* Not watched: nothing, though b is readable. */
	pfd[1].fd = -1;
	ck_assert_int_eq(ts_worker_wait(&w, pfd, 2, 0), 0);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
	ts_worker_wait_close(&w);
}
END_TEST

/*
 * The trap the wait's users must mind: a closed descriptor leaves the epoll
 * instance, and a new socket may get its number. Forgotten, the entry is
 * registered again and the new socket is watched; the number alone would
 * have said nothing changed.
 */
START_TEST(test_a_forgotten_entry_watches_a_new_descriptor_under_an_old_number)
{
	struct ts_worker_wait w;
	struct pollfd pfd[1];
	int a[2], b[2];

	ck_assert_int_eq(ts_worker_wait_open(&w, 0), 0);
	ck_assert_int_eq(pipe(a), 0);
	entries(pfd, 1);
	pfd[0].fd = a[0];
	ck_assert_int_eq(ts_worker_wait(&w, pfd, 1, 0), 0);
	reopen_under_same_number(a, b);
	ck_assert_int_eq(write(b[1], "z", 1), 1);
	ts_worker_wait_forget(&w, 0);
	ck_assert_int_eq(ts_worker_wait(&w, pfd, 1, 1000), 1);
	ck_assert(pfd[0].revents & POLLIN);
	close(b[0]);
	close(b[1]);
	ts_worker_wait_close(&w);
}
END_TEST

/*
 * A close nobody forgot: entry 1's descriptor closed, its number taken by
 * a new socket that entry 0 now watches. Letting entry 1 go must not take
 * entry 0's registration with it.
 */
START_TEST(test_an_entry_let_go_keeps_its_number_for_the_entry_that_took_it)
{
	struct ts_worker_wait w;
	struct pollfd pfd[2];
	int a[2], b[2];

	ck_assert_int_eq(ts_worker_wait_open(&w, 0), 0);
	ck_assert_int_eq(pipe(a), 0);
	entries(pfd, 2);
	pfd[1].fd = a[0];
	ck_assert_int_eq(ts_worker_wait(&w, pfd, 2, 0), 0);
	reopen_under_same_number(a, b);
	pfd[0].fd = b[0];
	pfd[1].fd = -1;
	ck_assert_int_eq(ts_worker_wait(&w, pfd, 2, 0), 0);
	ck_assert_int_eq(write(b[1], "w", 1), 1);
	ck_assert_int_eq(ts_worker_wait(&w, pfd, 2, 1000), 1);
	ck_assert(pfd[0].revents & POLLIN);
	close(b[0]);
	close(b[1]);
	ts_worker_wait_close(&w);
}
END_TEST

/* A descriptor that is not open is reported as poll() reports it. */
START_TEST(test_a_closed_descriptor_is_pollnval)
{
	struct ts_worker_wait w;
	struct pollfd pfd[1];
	int a[2];

	ck_assert_int_eq(ts_worker_wait_open(&w, 0), 0);
	ck_assert_int_eq(pipe(a), 0);
	close(a[0]);
	close(a[1]);
	entries(pfd, 1);
	pfd[0].fd = a[0];
	ck_assert_int_eq(ts_worker_wait(&w, pfd, 1, 1000), 1);
	ck_assert(pfd[0].revents & POLLNVAL);
	ts_worker_wait_close(&w);
}
END_TEST

/*
 * The exclusive entry: two processes wait on one listening socket, one
 * connection arrives, and one of them is woken (EPOLLEXCLUSIVE); the other
 * sleeps on to its timeout and finds nothing. With poll() both would wake
 * and both see the connection (neither accepts it). Each child says
 * whether its wait saw it.
 */
static int
wait_once(int lis, int ms)
{
	struct ts_worker_wait w;
	struct pollfd pfd[1];
	int rc;

	ts_worker_wait_open(&w, 0);
	entries(pfd, 1);
	pfd[0].fd = lis;
	rc = ts_worker_wait(&w, pfd, 1, ms);
	ts_worker_wait_close(&w);
	return rc;
}

START_TEST(test_a_connection_wakes_one_of_two_waiters)
{
	struct sockaddr_un sa;
	socklen_t len = sizeof(sa);
	int lis, c, woken = 0, k, st;
	pid_t pid[2];

	lis = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(lis, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	/* The abstract namespace: nothing to remove afterwards. */
	snprintf(sa.sun_path + 1, sizeof(sa.sun_path) - 1, "ts-wait-%d", (int)getpid());
	ck_assert_int_eq(bind(lis, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(lis, 8), 0);
	for (k = 0; k < 2; k++) {
		pid[k] = fork();
		ck_assert_int_ge(pid[k], 0);
		if (pid[k] == 0)
			_exit(wait_once(lis, 1500) > 0 ? 1 : 0);
	}
	usleep(300000);         /* both children waiting */
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_eq(connect(c, (struct sockaddr *)&sa, len), 0);
	for (k = 0; k < 2; k++) {
		ck_assert_int_eq(waitpid(pid[k], &st, 0), pid[k]);
		ck_assert(WIFEXITED(st));
		woken += WEXITSTATUS(st);
	}
#ifdef __linux__
	ck_assert_int_eq(woken, 1);
#else
	ck_assert_int_eq(woken, 2);
#endif
	close(c);
	close(lis);
}
END_TEST

static Suite *
worker_wait_suite(void)
{
	Suite *s = suite_create("worker_wait");
	TCase *tc = tcase_create("wait");

	tcase_add_test(tc, test_reports_the_readable_entries_as_poll_does);
	tcase_add_test(tc, test_follows_an_entry_to_its_new_descriptor);
	tcase_add_test(tc, test_a_forgotten_entry_watches_a_new_descriptor_under_an_old_number);
	tcase_add_test(tc, test_an_entry_let_go_keeps_its_number_for_the_entry_that_took_it);
	tcase_add_test(tc, test_a_closed_descriptor_is_pollnval);
	tcase_add_test(tc, test_a_connection_wakes_one_of_two_waiters);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(worker_wait_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
