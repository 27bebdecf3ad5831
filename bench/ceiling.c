/*
 * The ceiling of bench/run: the cheapest FastCGI responder libfcgi allows,
 * behind the same nginx as threadstore. It answers every request with a fixed
 * small JSON body and touches nothing else, so its requests/s are what nginx,
 * the unix socket and libfcgi cost on this machine; threadstore's reads are
 * reported as a fraction of it.
 *
 * usage: ceiling SOCKET_PATH [WORKERS]
 *
 * Creates the unix socket (removing a stale one), forks WORKERS (default 2)
 * single-threaded processes that accept on it, and waits. SIGTERM or SIGINT
 * to the parent stops the workers and removes the socket.
 *
 * Built by bench/run: cc -O2 -o var/bench/ceiling bench/ceiling.c -lfcgi
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

#define CEILING_MAX_WORKERS 64
/* Same backlog as threadstore's listen socket (include/limits.h). */
#define CEILING_BACKLOG 128

static volatile sig_atomic_t stopping;

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

static void
worker(int fd, const sigset_t *mask)
{
	FCGX_Request req;

	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	sigprocmask(SIG_SETMASK, mask, NULL);
	if (FCGX_InitRequest(&req, fd, 0) != 0)
		_exit(1);
	while (FCGX_Accept_r(&req) >= 0) {
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
