/*
 * What MariaDB charges for one statement, as threadstore runs it: prepared
 * once on one connection, then executed again and again, its rows fetched
 * and dropped. bench/run uses it to set the page's statement beside the
 * least any page's statement could ask of MariaDB (the floors in
 * bench/README.md), on the same server in the same run.
 *
 * usage: statement_cpu SOCKET USER PASSWORD_FILE DATABASE MYSQLD_PID N SQL
 *
 * Runs SQL (no parameters: values inlined) 200 times to warm up, then N
 * times, and prints "us rows": mariadbd's CPU time (user and system, from
 * /proc/MYSQLD_PID/stat) per execution over the N, and the rows of one
 * execution. Run it on an otherwise idle server: every other client's work
 * is counted too.
 *
 * Built by bench/run: cc -O2 -o var/bench/statement_cpu bench/statement_cpu.c
 *     $(mariadb_config --cflags --libs)
 */
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WARMUP 200

/* mariadbd's CPU time in clock ticks (utime + stime), or -1. */
static long long
cpu_ticks(long pid)
{
	char path[64], buf[2048], *p;
	unsigned long long utime, stime;
	size_t n;
	FILE *f;
	int field;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* After "pid (comm) ": state is field 3, utime 14 and stime 15. */
	if ((p = strrchr(buf, ')')) == NULL)
		return -1;
	for (field = 2; field < 14 && p != NULL; field++)
		p = strchr(p + 1, ' ');
	if (p == NULL || sscanf(p, " %llu %llu", &utime, &stime) != 2)
		return -1;
	return (long long)(utime + stime);
}

/* The first line of path, without its newline, into buf. */
static int
read_secret(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	if (f == NULL || fgets(buf, (int)size, f) == NULL) {
		if (f != NULL)
			fclose(f);
		return -1;
	}
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

/* Executes s once, fetching every row; returns the rows, or -1. */
static long
run_once(MYSQL_STMT *s)
{
	long rows;

	if (mysql_stmt_execute(s) != 0 || mysql_stmt_store_result(s) != 0)
		return -1;
	rows = (long)mysql_stmt_num_rows(s);
	mysql_stmt_free_result(s);
	return rows;
}

int
main(int argc, char *argv[])
{
	char password[256];
	long long t0, t1;
	long pid, n, i, rows = 0;
	MYSQL *m;
	MYSQL_STMT *s;

	if (argc != 8) {
		fprintf(stderr, "usage: statement_cpu SOCKET USER PASSWORD_FILE DATABASE MYSQLD_PID N SQL\n");
		return 2;
	}
	pid = strtol(argv[5], NULL, 10);
	n = strtol(argv[6], NULL, 10);
	if (pid <= 0 || n <= 0 || read_secret(argv[3], password, sizeof(password)) != 0) {
		fprintf(stderr, "statement_cpu: bad pid, count or password file\n");
		return 2;
	}
	if ((m = mysql_init(NULL)) == NULL ||
	    mysql_real_connect(m, NULL, argv[2], password, argv[4], 0, argv[1], 0) == NULL) {
		fprintf(stderr, "statement_cpu: connect: %s\n", m != NULL ? mysql_error(m) : "out of memory");
		return 1;
	}
	if ((s = mysql_stmt_init(m)) == NULL || mysql_stmt_prepare(s, argv[7], strlen(argv[7])) != 0) {
		fprintf(stderr, "statement_cpu: prepare: %s\n", s != NULL ? mysql_stmt_error(s) : "out of memory");
		mysql_close(m);
		return 1;
	}
	t0 = 0;
	for (i = 0; i < WARMUP + n; i++) {
		if (i == WARMUP)
			t0 = cpu_ticks(pid);
		if ((rows = run_once(s)) < 0) {
			fprintf(stderr, "statement_cpu: execute: %s\n", mysql_stmt_error(s));
			break;
		}
	}
	t1 = cpu_ticks(pid);
	mysql_stmt_close(s);
	mysql_close(m);
	if (rows < 0 || t0 < 0 || t1 < 0)
		return 1;
	printf("%.1f %ld\n", 1e6 * (double)(t1 - t0) / (double)sysconf(_SC_CLK_TCK) / (double)n, rows);
	return 0;
}
