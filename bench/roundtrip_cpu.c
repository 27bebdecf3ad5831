/*
 * What a statement's round trip costs its client: K connections each
 * executing the same prepared statement N times, once from K processes
 * that each wait in libmariadb's blocking calls (as threadstore's workers
 * do), once from one process that drives all K with libmariadb's
 * non-blocking API and one poll() (as an event loop would). Both keep K
 * statements in flight, so MariaDB sees the same load; the difference in
 * the clients' CPU per statement is what serving several requests per
 * wake-up would save on the database side (bench/README.md, round 13).
 *
 * usage: roundtrip_cpu SOCKET USER PASSWORD_FILE DATABASE K N SQL
 *
 * Prints, per mode, the clients' CPU microseconds per statement (user and
 * system, from getrusage, warm-up excluded), their context switches per
 * statement and statements per second (the blocking clients' over the
 * slowest one's time):
 *   blocking    <us> <switches> <per s>
 *   nonblocking <us> <switches> <per s>
 *
 * Built by hand: cc -O2 -o var/bench/roundtrip_cpu bench/roundtrip_cpu.c
 *     $(mariadb_config --cflags --libs)
 */
#include <mysql.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WARMUP 100
#define MAX_K 64

struct args {
	const char *sock, *user, *db, *sql;
	char password[256];
	long k, n;
};

/* One connection of the non-blocking mode. */
struct conn {
	MYSQL *m;
	MYSQL_STMT *s;
	int status;             /* what libmariadb waits for, 0 when a call is done */
	int storing;            /* in store_result, else in execute */
	long left;              /* executions still to start or finish */
};

struct tally {
	double cpu_us;
	long switches;
	double wall;            /* seconds */
};

static int
read_secret(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (f == NULL)
		return -1;
	ok = fgets(buf, (int)size, f) != NULL;
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	return ok ? 0 : -1;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct tally
self_usage(void)
{
	struct rusage ru;
	struct tally t;

	getrusage(RUSAGE_SELF, &ru);
	t.cpu_us = (double)ru.ru_utime.tv_sec * 1e6 + (double)ru.ru_utime.tv_usec +
	    (double)ru.ru_stime.tv_sec * 1e6 + (double)ru.ru_stime.tv_usec;
	t.switches = ru.ru_nvcsw + ru.ru_nivcsw;
	t.wall = now_s();
	return t;
}

/* A connection with the statement prepared and warmed up, or exits. */
static MYSQL_STMT *
open_stmt(const struct args *a, int nonblocking, MYSQL **mp)
{
	MYSQL *m = mysql_init(NULL);
	MYSQL_STMT *s;
	long i;

	if (m == NULL || (nonblocking && mysql_options(m, MYSQL_OPT_NONBLOCK, 0) != 0) ||
	    mysql_real_connect(m, NULL, a->user, a->password, a->db, 0, a->sock, 0) == NULL) {
		fprintf(stderr, "roundtrip_cpu: connect: %s\n", m != NULL ? mysql_error(m) : "no memory");
		exit(1);
	}
	if ((s = mysql_stmt_init(m)) == NULL || mysql_stmt_prepare(s, a->sql, strlen(a->sql)) != 0) {
		fprintf(stderr, "roundtrip_cpu: prepare: %s\n", s != NULL ? mysql_stmt_error(s) : "no memory");
		exit(1);
	}
	for (i = 0; i < WARMUP; i++) {
		if (mysql_stmt_execute(s) != 0 || mysql_stmt_store_result(s) != 0) {
			fprintf(stderr, "roundtrip_cpu: execute: %s\n", mysql_stmt_error(s));
			exit(1);
		}
		mysql_stmt_free_result(s);
	}
	*mp = m;
	return s;
}

/* K processes, each blocking on its own connection; their tallies summed. */
static struct tally
run_blocking(const struct args *a, double *secs)
{
	struct tally sum = { 0, 0, 0 }, t0, t1;
	int fds[2];
	long i, j;
	MYSQL *m;
	MYSQL_STMT *s;

	if (pipe(fds) != 0)
		exit(1);
	for (i = 0; i < a->k; i++) {
		if (fork() != 0)
			continue;
		s = open_stmt(a, 0, &m);
		t0 = self_usage();
		for (j = 0; j < a->n; j++) {
			if (mysql_stmt_execute(s) != 0 || mysql_stmt_store_result(s) != 0)
				_exit(1);
			mysql_stmt_free_result(s);
		}
		t1 = self_usage();
		t1.cpu_us -= t0.cpu_us;
		t1.switches -= t0.switches;
		t1.wall -= t0.wall;
		if (write(fds[1], &t1, sizeof(t1)) != (ssize_t)sizeof(t1))
			_exit(1);
		mysql_stmt_close(s);
		mysql_close(m);
		_exit(0);
	}
	close(fds[1]);
	while (read(fds[0], &t1, sizeof(t1)) == (ssize_t)sizeof(t1)) {
		sum.cpu_us += t1.cpu_us;
		sum.switches += t1.switches;
		if (t1.wall > sum.wall)
			sum.wall = t1.wall;
	}
	while (wait(NULL) > 0)
		;
	*secs = sum.wall;
	close(fds[0]);
	return sum;
}

/* Starts c's next execution, or its store of the rows; status as returned. */
static void
step(struct conn *c, int ready)
{
	int ret = 0;

	for (;;) {
		if (!c->storing)
			c->status = ready < 0 ? mysql_stmt_execute_start(&ret, c->s) :
			    mysql_stmt_execute_cont(&ret, c->s, ready);
		else
			c->status = ready < 0 ? mysql_stmt_store_result_start(&ret, c->s) :
			    mysql_stmt_store_result_cont(&ret, c->s, ready);
		if (c->status != 0)
			return;
		if (ret != 0) {
			fprintf(stderr, "roundtrip_cpu: %s\n", mysql_stmt_error(c->s));
			exit(1);
		}
		ready = -1;
		if (!c->storing) {
			c->storing = 1;
			continue;
		}
		mysql_stmt_free_result(c->s);
		c->storing = 0;
		if (--c->left == 0)
			return;
	}
}

/* One process, K non-blocking connections, one poll() for all. */
static struct tally
run_nonblocking(const struct args *a, double *secs)
{
	struct conn c[MAX_K];
	struct pollfd pfd[MAX_K];
	struct tally t0, t1;
	long i, active;
	double start;
	int ready;

	for (i = 0; i < a->k; i++) {
		c[i].s = open_stmt(a, 1, &c[i].m);
		c[i].storing = 0;
		c[i].left = a->n;
	}
	start = now_s();
	t0 = self_usage();
	for (i = 0; i < a->k; i++)
		step(&c[i], -1);
	for (;;) {
		for (i = 0, active = 0; i < a->k; i++) {
			pfd[i].fd = c[i].left > 0 ? (int)mysql_get_socket(c[i].m) : -1;
			pfd[i].events = (short)(((c[i].status & MYSQL_WAIT_READ) ? POLLIN : 0) |
			    ((c[i].status & MYSQL_WAIT_WRITE) ? POLLOUT : 0) |
			    ((c[i].status & MYSQL_WAIT_EXCEPT) ? POLLPRI : 0));
			pfd[i].revents = 0;
			active += c[i].left > 0;
		}
		if (active == 0)
			break;
		if (poll(pfd, (nfds_t)a->k, -1) < 0)
			exit(1);
		for (i = 0; i < a->k; i++) {
			if (pfd[i].revents == 0)
				continue;
			ready = ((pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) ? MYSQL_WAIT_READ : 0) |
			    ((pfd[i].revents & POLLOUT) ? MYSQL_WAIT_WRITE : 0) |
			    ((pfd[i].revents & POLLPRI) ? MYSQL_WAIT_EXCEPT : 0);
			step(&c[i], ready);
		}
	}
	t1 = self_usage();
	*secs = now_s() - start;
	for (i = 0; i < a->k; i++) {
		mysql_stmt_close(c[i].s);
		mysql_close(c[i].m);
	}
	t1.cpu_us -= t0.cpu_us;
	t1.switches -= t0.switches;
	return t1;
}

static void
report(const char *mode, const struct args *a, struct tally t, double secs)
{
	double n = (double)a->k * (double)a->n;

	printf("%-11s %.1f %.2f %.0f\n", mode, t.cpu_us / n, (double)t.switches / n, n / secs);
}

int
main(int argc, char *argv[])
{
	struct args a;
	struct tally t;
	double secs;

	if (argc != 8) {
		fprintf(stderr, "usage: roundtrip_cpu SOCKET USER PASSWORD_FILE DATABASE K N SQL\n");
		return 2;
	}
	a.sock = argv[1];
	a.user = argv[2];
	a.db = argv[4];
	a.k = strtol(argv[5], NULL, 10);
	a.n = strtol(argv[6], NULL, 10);
	a.sql = argv[7];
	if (a.k < 1 || a.k > MAX_K || a.n < 1 || read_secret(argv[3], a.password, sizeof(a.password)) != 0) {
		fprintf(stderr, "roundtrip_cpu: K from 1 to %d, N above 0, a readable password file\n", MAX_K);
		return 2;
	}
	fflush(stdout);
	t = run_blocking(&a, &secs);
	report("blocking", &a, t, secs);
	fflush(stdout);
	t = run_nonblocking(&a, &secs);
	report("nonblocking", &a, t, secs);
	return 0;
}
