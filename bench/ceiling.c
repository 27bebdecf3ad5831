/*
 * The ceiling of bench/run: the cheapest FastCGI responder libfcgi allows,
 * behind the same nginx as threadstore. It answers every request with a fixed
 * small JSON body and touches nothing else, so its requests/s are what nginx,
 * the unix socket and libfcgi cost on this machine; threadstore's reads are
 * reported as a fraction of it.
 *
 * With QUERY_STRING "bytes=N" (CEILING_MIN_BYTES <= N <= CEILING_MAX_BYTES)
 * the body is instead a JSON object of exactly N bytes, {"pad":"xx...x"} and
 * a newline, with a Content-Length as threadstore sends: what moving a body
 * as large as a page costs nginx, wrk and libfcgi, with no work behind it.
 * A request body, if any, is read and thrown away, so a POST works too.
 *
 * With CEILING_SQL set, each worker first connects to MariaDB
 * (CEILING_DB_SOCKET, CEILING_DB_USER, CEILING_DB_PASSWORD_FILE,
 * CEILING_DB_NAME), prepares that statement (no parameters: values
 * inlined) and runs it, its rows fetched and dropped, before every answer:
 * the least a worker that blocks on one statement a request can cost, set
 * beside threadstore's 401 and 404, which need one such read to decide.
 *
 * usage: ceiling SOCKET_PATH [WORKERS]
 *
 * Creates the unix socket (removing a stale one), forks WORKERS (default 2)
 * single-threaded processes that accept on it, and waits. SIGTERM or SIGINT
 * to the parent stops the workers and removes the socket.
 *
 * Built by bench/run: cc -O2 -o var/bench/ceiling bench/ceiling.c -lfcgi
 *     $(mariadb_config --cflags --libs)
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <mysql.h>

#define CEILING_MAX_WORKERS 64
/* A sized body: {"pad":""} and a newline are 11 bytes; at least 5 of padding. */
#define CEILING_MIN_BYTES 16
/* Four times a first page of 20 messages (about 14 KB in bench/run). */
#define CEILING_MAX_BYTES 65536
/* Same backlog as threadstore's listen socket (include/ts_limits.h). */
#define CEILING_BACKLOG 128

static volatile sig_atomic_t stopping;

/* The padding of sized bodies, filled with 'x' before the workers fork. */
static char pad[CEILING_MAX_BYTES];

static const char reply[] =
	"Status: 200 OK\r\n"
	"Content-Type: application/json; charset=utf-8\r\n"
	"\r\n"
	"{\"status\":\"ok\"}\n";

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static const char sized_head[] = "{\"pad\":\"";
static const char sized_tail[] = "\"}\n";

/* N of a query string "bytes=N" within the limits, or 0 for any other. */
static long
sized_bytes(const char *qs)
{
	char *end;
	long n;

	if (qs == NULL || strncmp(qs, "bytes=", 6) != 0 || qs[6] < '0' || qs[6] > '9')
		return 0;
	errno = 0;
	n = strtol(qs + 6, &end, 10);
	if (errno != 0 || *end != '\0' || n < CEILING_MIN_BYTES || n > CEILING_MAX_BYTES)
		return 0;
	return n;
}

/* A body of exactly n bytes (sized_bytes' limits): head, padding, tail. */
static void
put_sized(FCGX_Stream *out, long n)
{
	char head[160];
	int len;

	len = snprintf(head, sizeof(head), "Status: 200 OK\r\n"
	    "Content-Type: application/json; charset=utf-8\r\n"
	    "Content-Length: %ld\r\n\r\n", n);
	FCGX_PutStr(head, len, out);
	FCGX_PutStr(sized_head, (int)(sizeof(sized_head) - 1), out);
	FCGX_PutStr(pad, (int)(n - (long)(sizeof(sized_head) - 1) - (long)(sizeof(sized_tail) - 1)), out);
	FCGX_PutStr(sized_tail, (int)(sizeof(sized_tail) - 1), out);
}

/* The first line of path, without its newline, into buf; -1 if none. */
static int
read_secret(const char *path, char *buf, size_t size)
{
	FILE *f = path != NULL ? fopen(path, "r") : NULL;
	int rc = -1;

	if (f != NULL && fgets(buf, (int)size, f) != NULL) {
		buf[strcspn(buf, "\r\n")] = '\0';
		rc = 0;
	}
	if (f != NULL)
		fclose(f);
	return rc;
}

/*
 * A new connection and CEILING_SQL prepared on it, or NULL when CEILING_SQL
 * is unset. Exits the worker when the statement cannot be prepared: a
 * ceiling that skipped it would measure the wrong thing. The statement
 * owns nothing of the connection: close_statement closes both.
 */
static MYSQL_STMT *
prepare_statement(void)
{
	const char *sql = getenv("CEILING_SQL");
	char password[256];
	MYSQL_STMT *s;
	MYSQL *m;

	if (sql == NULL || *sql == '\0')
		return NULL;
	if (read_secret(getenv("CEILING_DB_PASSWORD_FILE"), password, sizeof(password)) != 0) {
		fprintf(stderr, "ceiling: cannot read CEILING_DB_PASSWORD_FILE\n");
		_exit(1);
	}
	if ((m = mysql_init(NULL)) == NULL ||
	    mysql_real_connect(m, NULL, getenv("CEILING_DB_USER"), password, getenv("CEILING_DB_NAME"), 0,
		getenv("CEILING_DB_SOCKET"), 0) == NULL) {
		fprintf(stderr, "ceiling: connect: %s\n", m != NULL ? mysql_error(m) : "out of memory");
		_exit(1);
	}
	if ((s = mysql_stmt_init(m)) == NULL || mysql_stmt_prepare(s, sql, strlen(sql)) != 0) {
		fprintf(stderr, "ceiling: prepare: %s\n", s != NULL ? mysql_stmt_error(s) : "out of memory");
		_exit(1);
	}
	return s;
}

static void
close_statement(MYSQL_STMT *s)
{
	MYSQL *m = s->mysql;

	mysql_stmt_close(s);
	mysql_close(m);
}

/* Runs the prepared statement once, its rows fetched and dropped; -1 on error. */
static int
run_statement(MYSQL_STMT *s)
{
	if (mysql_stmt_execute(s) != 0 || mysql_stmt_store_result(s) != 0)
		return -1;
	mysql_stmt_free_result(s);
	return 0;
}

/*
 * Runs *s, on a new connection once if its own was lost (bench/run kills
 * the bench user's connections between its steps, as threadstore's
 * workers reconnect); exits the worker on a second failure.
 */
static void
run_or_reconnect(MYSQL_STMT **s)
{
	if (run_statement(*s) == 0)
		return;
	close_statement(*s);
	*s = prepare_statement();
	if (run_statement(*s) != 0) {
		fprintf(stderr, "ceiling: execute: %s\n", mysql_stmt_error(*s));
		_exit(1);
	}
}

/* Reads the request body to its end and drops it. */
static void
discard_body(FCGX_Stream *in)
{
	char buf[4096];

	while (FCGX_GetStr(buf, (int)sizeof(buf), in) > 0)
		continue;
}

static void
worker(int fd, const sigset_t *mask)
{
	FCGX_Request req;
	MYSQL_STMT *stmt;
	long n;

	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	sigprocmask(SIG_SETMASK, mask, NULL);
	if (FCGX_InitRequest(&req, fd, 0) != 0)
		_exit(1);
	stmt = prepare_statement();
	while (FCGX_Accept_r(&req) >= 0) {
		discard_body(req.in);
		if (stmt != NULL)
			run_or_reconnect(&stmt);
		if ((n = sized_bytes(FCGX_GetParam("QUERY_STRING", req.envp))) > 0)
			put_sized(req.out, n);
		else
			FCGX_PutStr(reply, (int)(sizeof(reply) - 1), req.out);
		FCGX_Finish_r(&req);
	}
	_exit(0);
}

int
main(int argc, char *argv[])
{
	pid_t pids[CEILING_MAX_WORKERS];
	struct sigaction sa;
	sigset_t block, old;
	const char *path;
	char *end;
	long n = 2;
	int fd, i, rc = 1;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: ceiling SOCKET_PATH [WORKERS]\n");
		return 2;
	}
	path = argv[1];
	if (argc == 3) {
		errno = 0;
		n = strtol(argv[2], &end, 10);
		if (errno != 0 || *end != '\0' || n < 1 || n > CEILING_MAX_WORKERS) {
			fprintf(stderr, "ceiling: WORKERS must be 1-%d\n", CEILING_MAX_WORKERS);
			return 2;
		}
	}
	if (path[0] != '/') {
		fprintf(stderr, "ceiling: SOCKET_PATH must be absolute\n");
		return 2;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* Blocked until sigsuspend, so a signal cannot slip in before the wait. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);

	if (FCGX_Init() != 0) {
		fprintf(stderr, "ceiling: FCGX_Init failed\n");
		return 1;
	}
	(void)unlink(path);
	if ((fd = FCGX_OpenSocket(path, CEILING_BACKLOG)) < 0) {
		fprintf(stderr, "ceiling: cannot listen on %s\n", path);
		return 1;
	}
	/* Only this user (nginx runs as the same one in bench/run). */
	(void)chmod(path, 0600);
	memset(pad, 'x', sizeof(pad));

	for (i = 0; i < n; i++) {
		if ((pids[i] = fork()) < 0) {
			perror("ceiling: fork");
			n = i;
			goto out;
		}
		if (pids[i] == 0)
			worker(fd, &old);
	}
	fprintf(stderr, "ceiling: %ld workers on %s\n", n, path);
	while (!stopping)
		sigsuspend(&old);
	rc = 0;
out:
	for (i = 0; i < n; i++)
		(void)kill(pids[i], SIGTERM);
	for (i = 0; i < n; i++)
		(void)waitpid(pids[i], NULL, 0);
	(void)unlink(path);
	return rc;
}
