/*
 * The worker model.
 *
 * `threadstore serve`: the master opens the listen socket (listen.c), forks
 * N workers and then only watches them: it never touches the socket again.
 * A worker that dies is replaced at once, so a worker killed by a bad record
 * (libfcgi 2.4.2 aborts on CVE-2025-23016's record, see the traps list)
 * costs the one request it held; a crash loop is slowed down rather than
 * allowed to spin. SIGTERM or SIGINT: the master passes SIGTERM on, waits
 * TS_SHUTDOWN_GRACE_SECONDS, kills stragglers, removes the socket, returns 0.
 * SIGHUP: every worker finishes its request and is replaced (new database
 * connections; the configuration is not read again). A worker still on one
 * request request_timeout + TS_DEADLINE_GRACE_SECONDS after taking it is
 * killed and replaced (see "The scoreboard").
 *
 * A worker is single-threaded: poll the listen socket, FCGX_Accept_r,
 * ts_handle_request, ts_fcgi_finish (FCGX_Finish_r), and after max_requests it exits to be
 * replaced (recycling). Stop signals are always blocked and read from a
 * signalfd polled beside the listen socket (see struct stop_watch), so a
 * SIGTERM is only ever taken between requests, the request in flight always
 * finishes, and a stop is seen however busy the socket is. The listen socket
 * is non-blocking, so a worker that loses the race for a connection to
 * another worker gets EAGAIN from accept() instead of sleeping in it.
 *
 * Started by a web server (mod_fcgid, spawn-fcgi) with the socket on fd 0,
 * the program is one such worker; as CGI it answers one request.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#include <sys/signalfd.h>
#endif

#include <fcgiapp.h>

#include "app.h"
#include "db.h"
#include "fcgi_io.h"
#include "ids.h"
#include "ts_limits.h"
#include "listen.h"
#include "log.h"
#include "purge.h"
#include "server.h"

/*
 * Crash-loop brake: when more than WORKER_CRASH_LIMIT workers die abnormally
 * within WORKER_CRASH_WINDOW_SECONDS, the master starts no worker for
 * WORKER_CRASH_PAUSE_SECONDS (a worker that cannot start, or a client that
 * keeps killing workers, must not make the master spin on fork).
 */
#define WORKER_CRASH_LIMIT 10
#define WORKER_CRASH_WINDOW_SECONDS 1
#define WORKER_CRASH_PAUSE_SECONDS 1
/*
 * How often the master wakes up on its own: to read the scoreboard (a stuck
 * worker is killed at most this late) and to retry a failed fork.
 */
#define MASTER_TICK_SECONDS 0.2

/* libfcgi only reads FCGI_WEB_SERVER_ADDRS (in FCGX_Init), and only checks IPv4 peers. */
#define WEB_SERVER_ADDRS_ENV "FCGI_WEB_SERVER_ADDRS"
#define WEB_SERVER_ADDRS_DEFAULT "127.0.0.1"

static void
on_sigchld(int sig)
{
	(void)sig;
}

/*
 * The scoreboard: one slot per worker, in memory the master maps shared
 * before the first fork. A worker writes the CLOCK_MONOTONIC millisecond at
 * which it takes a connection (before libfcgi reads the request, so a client
 * that sends its request slowly is timed too) and 0 when it has answered.
 * The master reads the slots on its tick and kills a worker whose request is
 * older than request_timeout + TS_DEADLINE_GRACE_SECONDS: by then the worker
 * has had its chance to answer 503 itself, and it is stuck where no deadline
 * reaches (a client that never finishes its body, a hung system call), as
 * php-fpm's request_terminate_timeout does. One writer a slot, read a tick
 * late at worst: relaxed atomics are enough.
 */
typedef _Atomic uint_least64_t ts_slot;

static uint_least64_t
mono_ms(void)
{
	struct timespec ts;
	uint_least64_t ms;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ms = (uint_least64_t)ts.tv_sec * 1000u + (uint_least64_t)ts.tv_nsec / 1000000u;
	return ms != 0 ? ms : 1;        /* 0 means idle */
}

/* slot is NULL for a worker without a master (inherited socket). */
static void
slot_set(ts_slot *slot, uint_least64_t v)
{
	if (slot != NULL)
		atomic_store_explicit(slot, v, memory_order_relaxed);
}

/*
 * A worker's stop signals (SIGTERM, SIGINT, and SIGUSR1, libfcgi's
 * convention) stay blocked for its whole life and are read, never handled.
 * On Linux a signalfd sits next to the listen socket in the one poll(), so a
 * stop is seen at the next poll even when the listen socket is always ready,
 * at no extra system call per request. (ppoll() with the signals unblocked
 * was not enough: Linux lets a signal in only when no descriptor is ready,
 * so a worker under load never saw SIGTERM.) Without signalfd, poll() wakes
 * every WORKER_STOP_CHECK_MS and sigpending() looks. Either way the request
 * in hand always finishes: the signal is only looked at between requests.
 */
struct stop_watch {
	sigset_t set;
	int fd;                 /* the signalfd, or -1 */
};

/* How often an idle worker without signalfd looks for a stop signal. */
#define WORKER_STOP_CHECK_MS 100

static void
stop_watch_close(struct stop_watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}

/*
 * Sets the worker's dispositions (after FCGX_Init, which installs its own),
 * blocks the stop signals and opens w's descriptor.
 */
static int
worker_signals(struct stop_watch *w)
{
	struct sigaction sa;
	sigset_t other;

	w->fd = -1;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_IGN;
	/* A web server that hangs up is a write error, not a dead worker. */
	if (sigaction(SIGPIPE, &sa, NULL) != 0)
		return -1;
	/* The master restarts workers on SIGHUP; a terminal's hangup must not kill them. */
	if (sigaction(SIGHUP, &sa, NULL) != 0)
		return -1;
	sa.sa_handler = SIG_DFL;
	if (sigaction(SIGCHLD, &sa, NULL) != 0)
		return -1;

	/* A forked worker inherits the master's mask: let the rest through. */
	sigemptyset(&other);
	sigaddset(&other, SIGHUP);
	sigaddset(&other, SIGCHLD);
	if (sigprocmask(SIG_UNBLOCK, &other, NULL) != 0)
		return -1;
	sigemptyset(&w->set);
	sigaddset(&w->set, SIGTERM);
	sigaddset(&w->set, SIGINT);
	sigaddset(&w->set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &w->set, NULL) != 0)
		return -1;
#ifdef __linux__
	if ((w->fd = signalfd(-1, &w->set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0)
		return -1;
#endif
	return 0;
}

/* Whether a stop signal is pending; pfd is w's entry of the last poll(). */
static int
stop_requested(const struct stop_watch *w, const struct pollfd *pfd)
{
	sigset_t pending;

	if (w->fd >= 0)
		return (pfd->revents & POLLIN) != 0;
	if (sigpending(&pending) != 0)
		return 0;
	return sigismember(&pending, SIGTERM) == 1 || sigismember(&pending, SIGINT) == 1 ||
	    sigismember(&pending, SIGUSR1) == 1;
}

static int
set_nonblocking(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0)
		return -1;
	return 0;
}

/* FCGX_Accept_r failures that only mean "no connection for us this time". */
static int
accept_error_is_transient(int rc)
{
	int e = -rc;

#if EWOULDBLOCK != EAGAIN
	if (e == EWOULDBLOCK)
		return 1;
#endif
	return e == EAGAIN || e == EINTR || e == ECONNABORTED || e == EPROTO;
}

/* When the worker purges dead messages next (src/purge.c). */
struct purge_clock {
	uint_least64_t due;     /* mono_ms() of the next step */
	int more;               /* the last step left work: step whenever idle */
};

/*
 * One purge step between requests, under the request deadline and on the
 * scoreboard like a request, so a stuck one is stopped the same way. Only
 * on an open connection: a worker whose database is down must not spend
 * its idle time connecting.
 */
static void
purge_between_requests(struct ts_app *app, ts_slot *slot, struct purge_clock *pc)
{
	struct timespec start;
	enum ts_purge_result r = TS_PURGE_IDLE;

	pc->more = 0;
	pc->due = mono_ms() + TS_PURGE_IDLE_MS;
	if (!ts_db_is_open(app->db))
		return;
	clock_gettime(CLOCK_MONOTONIC, &start);
	ts_db_set_deadline(app->db, &start, app->cfg->request_timeout);
	slot_set(slot, mono_ms());
	r = ts_purge_step(app->db);
	slot_set(slot, 0);
	pc->more = r == TS_PURGE_MORE;
}

/* How long poll() may wait: until a stop check (without signalfd) or the
 * next purge step, whichever is first; -1 for no limit. */
static int
poll_timeout(const struct stop_watch *stop, const struct purge_clock *pc)
{
	uint_least64_t now = mono_ms();
	int t = stop->fd >= 0 ? -1 : WORKER_STOP_CHECK_MS;
	long until = pc->more ? 0 : (pc->due > now ? (long)(pc->due - now) : 0);

	return t < 0 || until < t ? (int)until : t;
}

/*
 * One worker's life on listen_fd (already non-blocking). Returns the exit
 * status: EXIT_SUCCESS after a stop signal or max_requests, EXIT_FAILURE when
 * the worker cannot go on (the master then counts it as a crash).
 */
static int
worker_loop(const struct ts_config *cfg, int listen_fd, ts_slot *slot)
{
	struct ts_app app;
	struct ts_request_source src;
	struct ts_response_sink sink;
	struct stop_watch stop;
	FCGX_Request req;
	struct pollfd pfd[2];
	struct purge_clock pc = { 0, 0 };
	unsigned long served = 0;
	int rc, status = EXIT_FAILURE, req_ready = 0;

	memset(&app, 0, sizeof(app));
	stop.fd = -1;
	app.cfg = cfg;
	/* A forked worker must not go on with its parent's request ids. */
	ts_request_ids_reset();
	if ((rc = FCGX_Init()) != 0) {
		ts_log(TS_LOG_ERROR, "worker: FCGX_Init failed (%d)", rc);
		goto out;
	}
	if (worker_signals(&stop) != 0) {
		ts_log(TS_LOG_ERROR, "worker: signals: %s", strerror(errno));
		goto out;
	}
	/* Lazy: the connection opens with the first request that needs it. */
	if ((app.db = ts_db_new(cfg)) == NULL ||
	    (app.auth_cache = ts_auth_cache_new(cfg)) == NULL) {
		ts_log(TS_LOG_ERROR, "worker: out of memory");
		goto out;
	}
	if (FCGX_InitRequest(&req, listen_fd, 0) != 0) {
		ts_log(TS_LOG_ERROR, "worker: FCGX_InitRequest failed");
		goto out;
	}
	req_ready = 1;
	ts_log(TS_LOG_DEBUG, "worker started");

	pfd[0].fd = listen_fd;
	pfd[0].events = POLLIN;
	pfd[1].fd = stop.fd;    /* -1 without signalfd: poll() skips it */
	pfd[1].events = POLLIN;
	pfd[1].revents = 0;
	for (;;) {
		rc = poll(pfd, 2, poll_timeout(&stop, &pc));
		if (rc < 0 && errno != EINTR) {
			ts_log(TS_LOG_ERROR, "worker: poll: %s", strerror(errno));
			goto out;
		}
		/* Looked at first: a busy listen socket must not hide a stop. */
		if (stop_requested(&stop, &pfd[1]))
			break;
		/* Requests first: the purge only takes time no request is waiting for. */
		if (rc == 0 && (pc.more || mono_ms() >= pc.due))
			purge_between_requests(&app, slot, &pc);
		if (rc <= 0)
			continue;
		if (pfd[0].revents & (POLLERR | POLLNVAL)) {
			ts_log(TS_LOG_ERROR, "worker: the listen socket failed");
			goto out;
		}
		if (!(pfd[0].revents & POLLIN))
			continue;
		slot_set(slot, mono_ms());
		rc = FCGX_Accept_r(&req);
		if (rc < 0) {
			slot_set(slot, 0);
			if (accept_error_is_transient(rc))
				continue;
			ts_log(TS_LOG_ERROR, "worker: accept failed: %s",
			    rc > -10000 && rc < -9990 ? "libfcgi error" : strerror(-rc));
			goto out;
		}
		ts_fcgi_source(&req, &src);
		ts_fcgi_sink(&req, &sink);
		ts_handle_request(&app, &src, &sink);
		ts_fcgi_finish(&req);
		slot_set(slot, 0);
		served++;
		if (cfg->max_requests > 0 && served >= cfg->max_requests) {
			ts_log(TS_LOG_DEBUG, "worker recycled after %lu requests", served);
			break;
		}
	}
	status = EXIT_SUCCESS;
out:
	if (req_ready)
		FCGX_Free(&req, 1);
	stop_watch_close(&stop);
	ts_db_free(app.db);
	ts_auth_cache_free(app.auth_cache);
	return status;
}

/* What the master knows about its workers. */
struct master {
	const struct ts_config *cfg;
	struct ts_listener *lis;
	pid_t *pids;                    /* one slot per worker, 0 when empty */
	ts_slot *board;                 /* the scoreboard, shared with the workers */
	unsigned char *overdue;         /* per slot: killed for its deadline */
	unsigned int nworkers;
	unsigned int live;
	pid_t self;
	struct timespec crash_window;   /* start of the current counting window */
	unsigned int crashes;           /* abnormal deaths in that window */
	struct timespec paused_until;   /* no fork before this (crash-loop brake) */
	int stopping;
};

static double
elapsed_s(const struct timespec *from, const struct timespec *to)
{
	return (double)(to->tv_sec - from->tv_sec) +
	    (double)(to->tv_nsec - from->tv_nsec) / 1e9;
}

static void
now_mono(struct timespec *ts)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
}

/* The child side of a fork: never returns into the caller's code. */
static void __attribute__((noreturn))
worker_main(struct master *m, unsigned int i)
{
	int status;

#ifdef __linux__
	/* A master killed with SIGKILL must not leave workers serving alone. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != m->self)
		_exit(EXIT_SUCCESS);
#endif
	status = worker_loop(m->cfg, m->lis->fd, &m->board[i]);
	/*
	 * exit(), not _exit(): a sanitizer build checks the worker for leaks
	 * here. The master flushed stdio before fork, so nothing is written
	 * twice.
	 */
	exit(status);
}

static void
spawn_missing(struct master *m)
{
	struct timespec now;
	unsigned int i;
	pid_t pid;

	now_mono(&now);
	if (elapsed_s(&now, &m->paused_until) > 0)
		return;
	for (i = 0; i < m->nworkers; i++) {
		if (m->pids[i] != 0)
			continue;
		fflush(NULL);
		atomic_store_explicit(&m->board[i], 0, memory_order_relaxed);
		m->overdue[i] = 0;
		pid = fork();
		if (pid < 0) {
			ts_log(TS_LOG_ERROR, "fork: %s; retrying in %d s", strerror(errno),
			    WORKER_CRASH_PAUSE_SECONDS);
			m->paused_until = now;
			m->paused_until.tv_sec += WORKER_CRASH_PAUSE_SECONDS;
			return;
		}
		if (pid == 0)
			worker_main(m, i);
		m->pids[i] = pid;
		m->live++;
	}
}

/* Counts an abnormal death and pulls the crash-loop brake when needed. */
static void
count_crash(struct master *m)
{
	struct timespec now;

	now_mono(&now);
	if (m->crashes == 0 || elapsed_s(&m->crash_window, &now) >= WORKER_CRASH_WINDOW_SECONDS) {
		m->crash_window = now;
		m->crashes = 0;
	}
	if (++m->crashes > WORKER_CRASH_LIMIT) {
		ts_log(TS_LOG_WARN, "more than %d workers died within %d s: pausing %d s before "
		    "starting more", WORKER_CRASH_LIMIT, WORKER_CRASH_WINDOW_SECONDS,
		    WORKER_CRASH_PAUSE_SECONDS);
		m->paused_until = now;
		m->paused_until.tv_sec += WORKER_CRASH_PAUSE_SECONDS;
		m->crashes = 0;
	}
}

/* Collects every exited worker and frees its slot. */
static void
reap(struct master *m)
{
	unsigned int i;
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (i = 0; i < m->nworkers && m->pids[i] != pid; i++)
			continue;
		if (i == m->nworkers)
			continue;
		m->pids[i] = 0;
		m->live--;
		if (m->overdue[i]) {
			/* Killed on purpose: not a crash, so no brake. */
			ts_log(TS_LOG_INFO, "worker %ld killed for its deadline%s", (long)pid,
			    m->stopping ? "" : "; starting a new one");
		} else if (WIFEXITED(st) && WEXITSTATUS(st) == EXIT_SUCCESS) {
			ts_log(TS_LOG_DEBUG, "worker %ld exited", (long)pid);
		} else if (WIFEXITED(st)) {
			ts_log(TS_LOG_WARN, "worker %ld exited with status %d", (long)pid,
			    WEXITSTATUS(st));
			count_crash(m);
		} else if (WIFSIGNALED(st)) {
			ts_log(TS_LOG_WARN, "worker %ld killed by signal %d (%s)%s%s", (long)pid,
			    WTERMSIG(st), strsignal(WTERMSIG(st)),
			    WCOREDUMP(st) ? ", core dumped" : "",
			    m->stopping ? "" : "; starting a new one");
			if (!m->stopping)
				count_crash(m);
		}
	}
}

static void
signal_workers(struct master *m, int sig)
{
	unsigned int i;

	for (i = 0; i < m->nworkers; i++)
		if (m->pids[i] != 0)
			kill(m->pids[i], sig);
}

/* Kills every worker whose request has outlived its deadline and the grace. */
static void
kill_overdue(struct master *m)
{
	uint_least64_t now = mono_ms(), since;
	uint_least64_t limit = 1000u * ((uint_least64_t)m->cfg->request_timeout + TS_DEADLINE_GRACE_SECONDS);
	unsigned int i;

	if (m->cfg->request_timeout == 0)
		return;
	for (i = 0; i < m->nworkers; i++) {
		if (m->pids[i] == 0 || m->overdue[i])
			continue;
		since = atomic_load_explicit(&m->board[i], memory_order_relaxed);
		if (since == 0 || since > now || now - since <= limit)
			continue;
		ts_log(TS_LOG_WARN, "worker %ld has been on one request for %.1f s "
		    "(request_timeout %u s + %d s): killing it", (long)m->pids[i],
		    (double)(now - since) / 1000.0, m->cfg->request_timeout, TS_DEADLINE_GRACE_SECONDS);
		if (kill(m->pids[i], SIGKILL) == 0)
			m->overdue[i] = 1;
	}
}

/* Waits for one of set, at most seconds; returns the signal or 0. */
static int
wait_signal(const sigset_t *set, double seconds)
{
	struct timespec ts;
	int sig;

	if (seconds < 0)
		seconds = 0;
	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	sig = sigtimedwait(set, NULL, &ts);
	return sig < 0 ? 0 : sig;
}

/* SIGTERM to every worker, SIGKILL after the grace period, then all reaped. */
static void
stop_workers(struct master *m, const sigset_t *set)
{
	struct timespec start, now;
	double left;
	unsigned int i;

	m->stopping = 1;
	ts_log(TS_LOG_INFO, "stopping %u workers", m->live);
	signal_workers(m, SIGTERM);
	now_mono(&start);
	for (;;) {
		reap(m);
		if (m->live == 0)
			return;
		now_mono(&now);
		left = TS_SHUTDOWN_GRACE_SECONDS - elapsed_s(&start, &now);
		if (left <= 0)
			break;
		/* A worker stuck past its deadline need not hold the stop up. */
		kill_overdue(m);
		wait_signal(set, left < MASTER_TICK_SECONDS ? left : MASTER_TICK_SECONDS);
	}
	ts_log(TS_LOG_WARN, "%u workers still busy after %d s: killing them", m->live,
	    TS_SHUTDOWN_GRACE_SECONDS);
	signal_workers(m, SIGKILL);
	for (i = 0; i < m->nworkers; i++) {
		if (m->pids[i] != 0) {
			while (waitpid(m->pids[i], NULL, 0) < 0 && errno == EINTR)
				continue;
			m->pids[i] = 0;
		}
	}
	m->live = 0;
}

/* Restricts TCP peers through libfcgi when the operator has not. */
static void
restrict_tcp_peers(const struct ts_listener *lis)
{
	if (lis->family == AF_UNIX)
		return;
	if (getenv(WEB_SERVER_ADDRS_ENV) == NULL) {
		if (setenv(WEB_SERVER_ADDRS_ENV, WEB_SERVER_ADDRS_DEFAULT, 0) != 0)
			ts_log(TS_LOG_WARN, "cannot set %s", WEB_SERVER_ADDRS_ENV);
		else if (!lis->loopback)
			ts_log(TS_LOG_WARN, "%s is not loopback but %s is unset: only %s may "
			    "connect; set it to the web server's address", lis->name,
			    WEB_SERVER_ADDRS_ENV, WEB_SERVER_ADDRS_DEFAULT);
	}
	if (lis->family == AF_INET6 && !lis->loopback)
		ts_log(TS_LOG_WARN, "libfcgi does not check IPv6 peers against %s: anyone who "
		    "reaches %s can send FastCGI records", WEB_SERVER_ADDRS_ENV, lis->name);
}

unsigned int
ts_workers_for_cpus(long cpus)
{
	/* Compared before multiplying: a huge count must not overflow. */
	if (cpus > TS_MAX_DEFAULT_WORKERS / TS_WORKERS_PER_CPU)
		return TS_MAX_DEFAULT_WORKERS;
	if (cpus < 1)
		cpus = 1;       /* sysconf failed: assume the smallest machine */
	if (cpus * TS_WORKERS_PER_CPU < TS_MIN_DEFAULT_WORKERS)
		return TS_MIN_DEFAULT_WORKERS;
	return (unsigned int)(cpus * TS_WORKERS_PER_CPU);
}

unsigned int
ts_default_workers(void)
{
	return ts_workers_for_cpus(sysconf(_SC_NPROCESSORS_ONLN));
}

int
ts_serve(const struct ts_config *cfg, const char *listen_spec, unsigned int nworkers)
{
	struct ts_listener lis;
	struct master m;
	struct sigaction sa, old_chld;
	sigset_t set, old_mask;
	char err[256];
	int sig, rc = EXIT_FAILURE, have_mask = 0, have_chld = 0;

	memset(&m, 0, sizeof(m));
	memset(&lis, 0, sizeof(lis));
	lis.fd = -1;
	lis.family = AF_UNSPEC;
	if (nworkers == 0)
		nworkers = cfg->workers > 0 ? cfg->workers : ts_default_workers();
	if (nworkers > TS_CEILING_WORKERS) {
		ts_log(TS_LOG_ERROR, "at most %d workers", TS_CEILING_WORKERS);
		goto out;
	}
	if (listen_spec == NULL)
		listen_spec = cfg->listen;
	if (listen_spec == NULL) {
		ts_log(TS_LOG_ERROR, "no listen address: give --listen or [server] listen");
		goto out;
	}
	if (ts_listen_open(listen_spec, cfg->socket_group, &lis, err, sizeof(err)) !=
	    TS_LISTEN_OK) {
		ts_log(TS_LOG_ERROR, "%s", err);
		goto out;
	}
	if (set_nonblocking(lis.fd) != 0) {
		ts_log(TS_LOG_ERROR, "listen socket: %s", strerror(errno));
		goto out;
	}
	restrict_tcp_peers(&lis);
	if ((m.pids = calloc(nworkers, sizeof(*m.pids))) == NULL ||
	    (m.overdue = calloc(nworkers, sizeof(*m.overdue))) == NULL) {
		ts_log(TS_LOG_ERROR, "out of memory");
		goto out;
	}
	/* Zero-filled, so every slot starts idle. */
	m.board = mmap(NULL, nworkers * sizeof(*m.board), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0); /* cppcheck-suppress invalidFunctionArg ; -1: no file */
	if (m.board == MAP_FAILED) {
		m.board = NULL;
		ts_log(TS_LOG_ERROR, "scoreboard: %s", strerror(errno));
		goto out;
	}
	m.cfg = cfg;
	m.lis = &lis;
	m.nworkers = nworkers;
	m.self = getpid();

	/* The master takes its signals synchronously, with sigtimedwait. */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, &old_mask) != 0) {
		ts_log(TS_LOG_ERROR, "sigprocmask: %s", strerror(errno));
		goto out;
	}
	have_mask = 1;
	/* A handler, so a blocked SIGCHLD stays pending rather than discarded. */
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_sigchld;
	sa.sa_flags = SA_NOCLDSTOP;
	if (sigaction(SIGCHLD, &sa, &old_chld) != 0) {
		ts_log(TS_LOG_ERROR, "sigaction: %s", strerror(errno));
		goto out;
	}
	have_chld = 1;
	signal(SIGPIPE, SIG_IGN);

	ts_log(TS_LOG_INFO, "listening on %s with %u workers", lis.name, nworkers);
	for (;;) {
		spawn_missing(&m);
		sig = wait_signal(&set, MASTER_TICK_SECONDS);
		if (sig == SIGTERM || sig == SIGINT) {
			ts_log(TS_LOG_INFO, "%s: shutting down", strsignal(sig));
			break;
		}
		if (sig == SIGHUP) {
			ts_log(TS_LOG_INFO, "SIGHUP: restarting workers");
			signal_workers(&m, SIGTERM);
		}
		reap(&m);
		kill_overdue(&m);
	}
	stop_workers(&m, &set);
	rc = 0;
out:
	ts_listen_close(&lis);
	if (m.board != NULL)
		munmap(m.board, nworkers * sizeof(*m.board));
	free(m.pids);
	free(m.overdue);
	if (have_chld)
		sigaction(SIGCHLD, &old_chld, NULL);
	if (have_mask)
		sigprocmask(SIG_SETMASK, &old_mask, NULL);
	return rc;
}

int
ts_serve_inherited(const struct ts_config *cfg)
{
	/*
	 * Our poll-then-accept loop needs a non-blocking socket; the web server
	 * gave this socket to us (and to copies of us) only.
	 */
	if (set_nonblocking(STDIN_FILENO) != 0) {
		ts_log(TS_LOG_ERROR, "fd 0: %s", strerror(errno));
		return EXIT_FAILURE;
	}
	return worker_loop(cfg, STDIN_FILENO, NULL);
}

int
ts_serve_cgi(const struct ts_config *cfg)
{
	struct ts_app app;
	struct ts_request_source src;
	struct ts_response_sink sink;

	signal(SIGPIPE, SIG_IGN);
	memset(&app, 0, sizeof(app));
	app.cfg = cfg;
	if ((app.db = ts_db_new(cfg)) == NULL) {
		ts_log(TS_LOG_ERROR, "out of memory");
		return EXIT_FAILURE;
	}
	ts_cgi_source(&src);
	ts_cgi_sink(&sink);
	ts_handle_request(&app, &src, &sink);
	ts_cgi_drain_body();
	/* Plain CGI has no idle time: each request takes one purge step after
	 * its answer, so dead messages still go (src/purge.c). */
	fflush(stdout);
	if (ts_db_is_open(app.db))
		ts_purge_step(app.db);
	ts_db_free(app.db);
	return 0;
}
