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
 * SIGHUP: the master passes it on, and every worker retires after its
 * request and is replaced (new database connections; the configuration is
 * not read again). A worker still on one request request_timeout +
 * TS_DEADLINE_GRACE_SECONDS after taking it is killed and replaced (the
 * scoreboard, include/worker.h).
 *
 * A worker (src/worker.c) retires after max_requests, to be replaced
 * (recycling). One that holds connections the web server keeps open asks
 * for its successor at once (TS_SLOT_RETIRING) and drains them; the master
 * then watches it as a drainer, beside the slots, and kills it if it is
 * still there TS_KEEPALIVE_DRAIN_SECONDS + request_timeout +
 * TS_DEADLINE_GRACE_SECONDS later.
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
#include "log_reader.h"
#include "purge.h"
#include "server.h"
#include "worker.h"

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

static int
set_nonblocking(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0)
		return -1;
	return 0;
}

/* What the master knows about its workers. */
struct master {
	const struct ts_config *cfg;
	struct ts_listener *lis;
	pid_t *pids;                    /* one slot per worker, 0 when empty */
	ts_slot *board;                 /* the scoreboard, shared with the workers */
	unsigned char *overdue;         /* per slot: killed for its deadline */
	pid_t *drainers;                /* retired workers draining kept connections, 0 when empty */
	uint_least64_t *drain_since;    /* per drainer: ts_mono_ms() when it retired */
	/* The readers of the workers' log rings: logs[d] drainer d's, logs[nworkers + i]
	 * slot i's (older processes first, for lines stamped alike); entries of log_pool. */
	struct ts_log_reader **logs;
	struct ts_log_reader *log_pool;
	struct ts_log_ring *log_rings;  /* the readers' rings, shared with the workers */
	unsigned int nworkers;          /* slots, and drainers at most */
	unsigned int live;              /* workers in slots */
	unsigned int draining;          /* drainers */
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

static struct ts_log_reader **
slot_log(struct master *m, unsigned int i)
{
	return &m->logs[m->nworkers + i];
}

static struct ts_log_reader **
drainer_log(struct master *m, unsigned int d)
{
	return &m->logs[d];
}

_Static_assert(2 * TS_CEILING_WORKERS <= TS_LOG_READERS_MAX, "a drain reads every worker's ring");

/* Every worker's lines so far, to the master's stderr (log_reader.h). */
static void
drain_logs(struct master *m)
{
	ts_log_readers_drain(m->logs, 2 * (size_t)m->nworkers, STDERR_FILENO);
}

/* Slot i's reader, opened afresh: the ring its worker writes into. */
static struct ts_log_ring *
open_slot_log(struct master *m, unsigned int i)
{
	return ts_log_reader_open(*slot_log(m, i));
}

/* The child side of a fork: never returns into the caller's code. */
static void __attribute__((noreturn))
worker_main(struct master *m, unsigned int i, struct ts_log_ring *log)
{
	int status;

#ifdef __linux__
	/* A master killed with SIGKILL must not leave workers serving alone. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != m->self)
		_exit(EXIT_SUCCESS);
#endif
	ts_log_to_ring(log);
	status = ts_worker_run(m->cfg, m->lis->fd, &m->board[i]);
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
	struct ts_log_ring *log;
	unsigned int i;
	pid_t pid;

	now_mono(&now);
	if (elapsed_s(&now, &m->paused_until) > 0)
		return;
	for (i = 0; i < m->nworkers; i++) {
		if (m->pids[i] != 0)
			continue;
		log = open_slot_log(m, i);
		fflush(NULL);
		atomic_store_explicit(&m->board[i], 0, memory_order_relaxed);
		m->overdue[i] = 0;
		pid = fork();
		if (pid < 0) {
			ts_log(TS_LOG_ERROR, "fork: %s; retrying in %d s", strerror(errno),
			    WORKER_CRASH_PAUSE_SECONDS);
			ts_log_reader_close(*slot_log(m, i));
			m->paused_until = now;
			m->paused_until.tv_sec += WORKER_CRASH_PAUSE_SECONDS;
			return;
		}
		if (pid == 0)
			worker_main(m, i, log);
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

/* Says how worker pid ended (status st); counts a crash. overdue: killed on purpose. */
static void
log_exit(struct master *m, pid_t pid, int st, int overdue)
{
	{
		if (overdue) {
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

/* A worker that exited, until the master has said so. */
struct reaped {
	pid_t pid;
	int st;
	int overdue;                    /* killed for its deadline (log_exit) */
	struct ts_log_reader *log;        /* its reader, to read to the end and close */
};

/* Workers reaped at a time before saying so: one drain of the rings for all. */
#define REAP_BATCH 32

/* Everything the ended workers wrote, then each reader closed and each end said. */
static void
report_reaped(struct master *m, const struct reaped *r, size_t n)
{
	size_t k;

	if (n == 0)
		return;
	drain_logs(m);
	for (k = 0; k < n; k++) {
		ts_log_reader_close(r[k].log);
		log_exit(m, r[k].pid, r[k].st, r[k].overdue);
	}
}

/* Marks pid's reader ended (read to its end) and notes it in r. */
static void
note_reaped(struct reaped *r, pid_t pid, int st, int overdue, struct ts_log_reader *log)
{
	log->ended = 1;
	r->pid = pid;
	r->st = st;
	r->overdue = overdue;
	r->log = log;
}

/* Collects every exited worker and drainer and frees its place; what each
 * wrote to its ring is logged before how it ended. */
static void
reap(struct master *m)
{
	struct reaped r[REAP_BATCH];
	unsigned int i;
	size_t n = 0;
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (i = 0; i < m->nworkers; i++) {
			if (m->pids[i] == pid) {
				m->pids[i] = 0;
				m->live--;
				note_reaped(&r[n++], pid, st, m->overdue[i], *slot_log(m, i));
				break;
			}
			if (m->drainers[i] == pid) {
				m->drainers[i] = 0;
				m->draining--;
				note_reaped(&r[n++], pid, st, m->drain_since[i] == 0, *drainer_log(m, i));
				break;
			}
		}
		if (n == REAP_BATCH) {
			report_reaped(m, r, n);
			n = 0;
		}
	}
	report_reaped(m, r, n);
}

/*
 * Moves each worker that retired with kept connections (TS_SLOT_RETIRING)
 * out of its slot, so spawn_missing starts its successor now. With every
 * drainer place taken it stays in its slot until it exits.
 */
static void
release_retiring(struct master *m)
{
	struct ts_log_reader *free_reader;
	unsigned int i, d;

	for (i = 0; i < m->nworkers; i++) {
		if (m->pids[i] == 0 ||
		    atomic_load_explicit(&m->board[i], memory_order_relaxed) != TS_SLOT_RETIRING)
			continue;
		for (d = 0; d < m->nworkers && m->drainers[d] != 0; d++)
			continue;
		if (d == m->nworkers)
			return;
		m->drainers[d] = m->pids[i];
		m->drain_since[d] = ts_mono_ms();
		/* Its reader goes with it; the slot takes the free place's. */
		free_reader = *drainer_log(m, d);
		*drainer_log(m, d) = *slot_log(m, i);
		*slot_log(m, i) = free_reader;
		m->draining++;
		m->pids[i] = 0;
		m->live--;
		atomic_store_explicit(&m->board[i], 0, memory_order_relaxed);
	}
}

/* Kills every drainer still there past its drain time, request deadline and grace. */
static void
kill_overdue_drainers(struct master *m)
{
	uint_least64_t now = ts_mono_ms();
	uint_least64_t limit = 1000u * ((uint_least64_t)TS_KEEPALIVE_DRAIN_SECONDS +
	    m->cfg->request_timeout + TS_DEADLINE_GRACE_SECONDS);
	unsigned int d;

	for (d = 0; d < m->nworkers; d++) {
		if (m->drainers[d] == 0 || m->drain_since[d] == 0 || now - m->drain_since[d] <= limit)
			continue;
		ts_log(TS_LOG_WARN, "worker %ld still draining its kept connections after %.1f s: "
		    "killing it", (long)m->drainers[d], (double)(now - m->drain_since[d]) / 1000.0);
		if (kill(m->drainers[d], SIGKILL) == 0)
			m->drain_since[d] = 0;
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

/* sig to every drainer too (a stop: they close what they still hold). */
static void
signal_all(struct master *m, int sig)
{
	unsigned int d;

	signal_workers(m, sig);
	for (d = 0; d < m->nworkers; d++)
		if (m->drainers[d] != 0)
			kill(m->drainers[d], sig);
}

/* Waits for pid, which was sent SIGKILL. */
static void
wait_killed(pid_t *pid)
{
	if (*pid == 0)
		return;
	while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
		continue;
	*pid = 0;
}

/* Kills every worker whose request has outlived its deadline and the grace. */
static void
kill_overdue(struct master *m)
{
	uint_least64_t now = ts_mono_ms(), since;
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
	ts_log(TS_LOG_INFO, "stopping %u workers", m->live + m->draining);
	signal_all(m, SIGTERM);
	now_mono(&start);
	for (;;) {
		reap(m);
		if (m->live == 0 && m->draining == 0)
			return;
		now_mono(&now);
		left = TS_SHUTDOWN_GRACE_SECONDS - elapsed_s(&start, &now);
		if (left <= 0)
			break;
		/* A worker stuck past its deadline need not hold the stop up. */
		kill_overdue(m);
		drain_logs(m);
		wait_signal(set, left < MASTER_TICK_SECONDS ? left : MASTER_TICK_SECONDS);
	}
	ts_log(TS_LOG_WARN, "%u workers still busy after %d s: killing them", m->live,
	    TS_SHUTDOWN_GRACE_SECONDS);
	signal_all(m, SIGKILL);
	for (i = 0; i < m->nworkers; i++) {
		wait_killed(&m->pids[i]);
		wait_killed(&m->drainers[i]);
	}
	m->live = 0;
	m->draining = 0;
}

/* The log readers' places, each closed, with its ring. -1 out of memory. */
static int
log_readers_new(struct master *m, unsigned int nworkers)
{
	unsigned int k;

	if ((m->log_pool = calloc(2 * (size_t)nworkers, sizeof(*m->log_pool))) == NULL ||
	    (m->logs = calloc(2 * (size_t)nworkers, sizeof(*m->logs))) == NULL ||
	    (m->log_rings = ts_log_rings_new(2 * (size_t)nworkers)) == NULL)
		return -1;
	for (k = 0; k < 2 * nworkers; k++) {
		ts_log_reader_init(&m->log_pool[k], ts_log_ring_at(m->log_rings, k));
		m->logs[k] = &m->log_pool[k];
	}
	return 0;
}

/* Closes and frees them, after a last read. */
static void
log_readers_free(struct master *m)
{
	unsigned int k;

	if (m->logs != NULL) {
		/* Every worker is gone: each ring is read to its end. */
		for (k = 0; k < 2 * m->nworkers; k++)
			m->logs[k]->ended = 1;
		drain_logs(m);
		for (k = 0; k < 2 * m->nworkers; k++)
			ts_log_reader_close(m->logs[k]);
	}
	free(m->logs);
	free(m->log_pool);
	ts_log_rings_free(m->log_rings, 2 * (size_t)m->nworkers);
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
	    (m.overdue = calloc(nworkers, sizeof(*m.overdue))) == NULL ||
	    (m.drainers = calloc(nworkers, sizeof(*m.drainers))) == NULL ||
	    (m.drain_since = calloc(nworkers, sizeof(*m.drain_since))) == NULL ||
	    log_readers_new(&m, nworkers) != 0) {
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
			signal_workers(&m, SIGHUP);
		}
		reap(&m);
		drain_logs(&m);
		release_retiring(&m);
		kill_overdue(&m);
		kill_overdue_drainers(&m);
	}
	stop_workers(&m, &set);
	rc = 0;
out:
	ts_listen_close(&lis);
	if (m.board != NULL)
		munmap(m.board, nworkers * sizeof(*m.board));
	free(m.pids);
	free(m.overdue);
	free(m.drainers);
	free(m.drain_since);
	log_readers_free(&m);
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
	return ts_worker_run(cfg, STDIN_FILENO, NULL);
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
