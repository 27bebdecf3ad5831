/*
 * A worker: single-threaded, one request at a time.
 *
 * It waits (include/worker_wait.h: epoll on Linux, the listen socket
 * waking one worker at a time) on the listen socket, the connections the
 * web server keeps open between requests (FastCGI keep-alive: nginx's
 * fastcgi_keep_conn sets FCGI_KEEP_CONN, and libfcgi then leaves the
 * connection open after the answer), a signalfd for its signals, and its
 * database connection, which is readable while idle only when the server
 * closed it (then closed at once, so no request looks for that itself). A readable kept connection holds
 * the next request; a readable listen socket a new connection, taken with a
 * non-blocking accept (a worker that loses the race to another gets EAGAIN
 * rather than sleeping in accept()). Kept connections are served in turn,
 * so none waits behind another for more than one round; a worker holding
 * TS_MAX_WORKER_CONNECTIONS stops accepting and leaves new connections to
 * the others.
 *
 * Without keep-alive (Apache, nginx's default) a worker holds nothing
 * between requests, and this is the poll-accept-answer-close loop it always
 * was.
 *
 * Signals are always blocked and read between requests (see struct
 * stop_watch): SIGTERM, SIGINT and SIGUSR1 (libfcgi's convention) stop the
 * worker after the request in hand, closing its connections; SIGHUP, and
 * reaching max_requests, retire it. A retiring worker with no kept
 * connection exits at once. One that holds some must not close them: the
 * web server may be sending a request on one at that moment, and nginx does
 * not send a POST twice. It stops accepting, asks the master for its
 * successor at once (TS_SLOT_RETIRING on the scoreboard), and answers on
 * its kept connections until the web server has closed each (nginx's
 * keepalive_time and keepalive_timeout), for at most
 * TS_KEEPALIVE_DRAIN_SECONDS.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/signalfd.h>
#endif

#include <fcgiapp.h>

#include "app.h"
#include "db.h"
#include "fcgi_io.h"
#include "ids.h"
#include "log.h"
#include "page_cache.h"
#include "purge.h"
#include "ts_limits.h"
#include "worker.h"
#include "worker_wait.h"

uint_least64_t
ts_mono_ms(void)
{
	struct timespec ts;
	uint_least64_t ms;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ms = (uint_least64_t)ts.tv_sec * 1000u + (uint_least64_t)ts.tv_nsec / 1000000u;
	return ms != 0 ? ms : 1;        /* 0 means idle */
}

/* slot is NULL for a worker without a master, or one that retired. */
static void
slot_set(ts_slot *slot, uint_least64_t v)
{
	if (slot != NULL)
		atomic_store_explicit(slot, v, memory_order_relaxed);
}

/*
 * A worker's signals (SIGTERM, SIGINT, SIGUSR1: stop; SIGHUP: retire) stay
 * blocked for its whole life and are read with sigtimedwait between
 * requests, never handled. On Linux a signalfd sits in the one poll(), so a
 * signal is seen at the next poll even when a socket is always ready, at no
 * system call per request. (ppoll() with the signals unblocked was not
 * enough: Linux lets a signal in only when no descriptor is ready, so a
 * worker under load never saw SIGTERM.) Without signalfd, poll() wakes every
 * WORKER_SIGNAL_CHECK_MS and looks. Either way the request in hand always
 * finishes.
 */
struct stop_watch {
	sigset_t set;
	int fd;                 /* the signalfd, or -1 */
};

/* How often an idle worker without signalfd looks for a signal. */
#define WORKER_SIGNAL_CHECK_MS 100

enum worker_signal {
	WS_NONE,
	WS_RETIRE,
	WS_STOP
};

static void
stop_watch_close(struct stop_watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}

/*
 * Sets the worker's dispositions (after FCGX_Init, which installs its own),
 * blocks its signals and opens w's descriptor.
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
	sa.sa_handler = SIG_DFL;
	if (sigaction(SIGCHLD, &sa, NULL) != 0 || sigaction(SIGHUP, &sa, NULL) != 0)
		return -1;
	/* A forked worker inherits the master's mask: let SIGCHLD through. */
	sigemptyset(&other);
	sigaddset(&other, SIGCHLD);
	if (sigprocmask(SIG_UNBLOCK, &other, NULL) != 0)
		return -1;
	sigemptyset(&w->set);
	sigaddset(&w->set, SIGTERM);
	sigaddset(&w->set, SIGINT);
	sigaddset(&w->set, SIGUSR1);
	sigaddset(&w->set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &w->set, NULL) != 0)
		return -1;
#ifdef __linux__
	if ((w->fd = signalfd(-1, &w->set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0)
		return -1;
#endif
	return 0;
}

/*
 * Takes every pending signal of w; pfd is w's entry of the last poll(). A
 * stop outranks a retirement.
 */
static enum worker_signal
take_signals(const struct stop_watch *w, const struct pollfd *pfd)
{
	static const struct timespec now = { 0, 0 };
	enum worker_signal got = WS_NONE;
	int sig;

	if (w->fd >= 0 && !(pfd->revents & POLLIN))
		return WS_NONE;
	/* sigtimedwait dequeues; the signalfd is then no longer readable. */
	while ((sig = sigtimedwait(&w->set, NULL, &now)) > 0) {
		if (sig != SIGHUP)
			return WS_STOP;
		got = WS_RETIRE;
	}
	return got;
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
	uint_least64_t due;     /* ts_mono_ms() of the next step */
	int more;               /* the last step left work: step whenever idle */
};

/* A worker's state, for its life. */
struct worker {
	const struct ts_config *cfg;
	struct ts_app app;
	struct stop_watch stop;
	struct purge_clock pc;
	ts_slot *slot;                  /* NULL without a master, or once retiring */
	int listen_fd;
	/* Its connections: one being accepted or answered, the rest kept by
	 * the web server (ipcFd >= 0 between requests); conn[0..nconn) are
	 * initialised. */
	FCGX_Request conn[TS_MAX_WORKER_CONNECTIONS];
	struct ts_worker_wait wait;     /* what it waits on: the entries below */
	unsigned long db_serial;        /* the database connection the wait has (ts_db_idle_serial) */
	unsigned int nconn;
	unsigned int next;              /* where the next round of kept connections starts */
	unsigned long served;
	int retiring;
	uint_least64_t retire_by;       /* ts_mono_ms() when a retiring worker closes what is left */
};

/* pollfd entries before the connections': the listen socket, the signalfd,
 * the database connection (watched while idle: include/db.h). */
#define POLL_LISTEN 0
#define POLL_SIGNALS 1
#define POLL_DB 2
#define POLL_CONNS 3
_Static_assert(POLL_CONNS + TS_MAX_WORKER_CONNECTIONS <= TS_WORKER_WAIT_MAX, "a wait holds every entry");

static unsigned int
kept_connections(const struct worker *w)
{
	unsigned int i, n = 0;

	for (i = 0; i < w->nconn; i++)
		if (w->conn[i].ipcFd >= 0)
			n++;
	return n;
}

/*
 * One purge step between requests, under the request deadline and on the
 * scoreboard like a request, so a stuck one is stopped the same way. Only
 * on an open connection: a worker whose database is down must not spend
 * its idle time connecting.
 */
static void
purge_between_requests(struct worker *w)
{
	struct timespec start;
	enum ts_purge_result r;

	w->pc.more = 0;
	w->pc.due = ts_mono_ms() + TS_PURGE_IDLE_MS;
	if (!ts_db_is_open(w->app.db))
		return;
	clock_gettime(CLOCK_MONOTONIC, &start);
	ts_db_set_deadline(w->app.db, &start, w->cfg->request_timeout);
	slot_set(w->slot, ts_mono_ms());
	r = ts_purge_step(w->app.db);
	slot_set(w->slot, 0);
	w->pc.more = r == TS_PURGE_MORE;
}

/* How long poll() may wait: until a signal check (without signalfd), the
 * next purge step or a retiring worker's last moment; -1 for no limit. */
static int
poll_timeout(const struct worker *w)
{
	uint_least64_t now = ts_mono_ms();
	long t = w->stop.fd >= 0 ? -1 : WORKER_SIGNAL_CHECK_MS;
	long until = w->pc.more ? 0 : (w->pc.due > now ? (long)(w->pc.due - now) : 0);

	if (t < 0 || until < t)
		t = until;
	if (w->retiring) {
		until = w->retire_by > now ? (long)(w->retire_by - now) : 0;
		if (until < t)
			t = until;
	}
	return (int)t;
}

/*
 * Retires w: no more new connections. With none kept it exits at the next
 * turn of its loop; otherwise the master is asked for a successor now, and
 * w answers on its kept connections until they are closed or
 * TS_KEEPALIVE_DRAIN_SECONDS have passed.
 */
static void
retire(struct worker *w, const char *why)
{
	if (w->retiring)
		return;
	w->retiring = 1;
	w->retire_by = ts_mono_ms() + 1000u * TS_KEEPALIVE_DRAIN_SECONDS;
	if (kept_connections(w) == 0) {
		ts_log(TS_LOG_DEBUG, "worker retiring (%s)", why);
		return;
	}
	ts_log(TS_LOG_DEBUG, "worker retiring (%s); answering on %u kept connections until "
	    "the web server closes them", why, kept_connections(w));
	slot_set(w->slot, TS_SLOT_RETIRING);
	w->slot = NULL;
}

/* Whether a retiring w is done: nothing kept, or no time left. */
static int
retired(const struct worker *w)
{
	return w->retiring && (kept_connections(w) == 0 || ts_mono_ms() >= w->retire_by);
}

/* Answers the request req has just read, then finishes it (keeping the
 * connection when the web server asked to). */
static void
answer(struct worker *w, FCGX_Request *req)
{
	struct ts_request_source src;
	struct ts_response_sink sink;

	ts_fcgi_source(req, &src);
	ts_fcgi_sink(req, &sink);
	ts_handle_request(&w->app, &src, &sink);
	ts_fcgi_finish(req);
	slot_set(w->slot, 0);
	w->served++;
	if (w->cfg->max_requests > 0 && w->served >= w->cfg->max_requests)
		retire(w, "max_requests");
}

/*
 * The next request on kept connection req. Reading it never accepts
 * (listen_sock -1: on the web server's close libfcgi's fallback accept
 * fails at once), so a connection that ended is just closed.
 */
static void
take_kept(struct worker *w, FCGX_Request *req)
{
	slot_set(w->slot, ts_mono_ms());
	req->listen_sock = -1;
	if (FCGX_Accept_r(req) < 0) {
		slot_set(w->slot, 0);
		return;
	}
	answer(w, req);
}

/* A new connection and its first request. 0, or -1 when the listen socket
 * failed. */
static int
take_new(struct worker *w)
{
	FCGX_Request *req = NULL;
	unsigned int i;
	int rc;

	for (i = 0; i < w->nconn && req == NULL; i++)
		if (w->conn[i].ipcFd < 0)
			req = &w->conn[i];
	if (req == NULL)
		return 0;       /* at the limit: not polled for, a race */
	slot_set(w->slot, ts_mono_ms());
	req->listen_sock = w->listen_fd;
	rc = FCGX_Accept_r(req);
	if (rc < 0) {
		slot_set(w->slot, 0);
		if (accept_error_is_transient(rc))
			return 0;
		ts_log(TS_LOG_ERROR, "worker: accept failed: %s",
		    rc > -10000 && rc < -9990 ? "libfcgi error" : strerror(-rc));
		return -1;
	}
	answer(w, req);
	return 0;
}

/* The poll set: the listen socket while accepting, the signals, the
 * database connection, and every kept connection (-1 entries are skipped
 * by poll). */
static nfds_t
fill_pollfds(const struct worker *w, struct pollfd *pfd)
{
	unsigned int i, kept = kept_connections(w);

	pfd[POLL_LISTEN].fd = !w->retiring && kept < w->nconn ? w->listen_fd : -1;
	pfd[POLL_SIGNALS].fd = w->stop.fd;
	pfd[POLL_DB].fd = ts_db_idle_fd(w->app.db);
	for (i = 0; i < w->nconn; i++)
		pfd[POLL_CONNS + i].fd = w->conn[i].ipcFd;
	for (i = 0; i < POLL_CONNS + w->nconn; i++) {
		pfd[i].events = POLLIN;
		pfd[i].revents = 0;
	}
	return POLL_CONNS + w->nconn;
}

/* The next request on kept connection i; a connection it ended (libfcgi
 * closes it) leaves the wait, whose number a new one may take next. */
static void
take_kept_at(struct worker *w, unsigned int i)
{
	int fd = w->conn[i].ipcFd;

	take_kept(w, &w->conn[i]);
	if (w->conn[i].ipcFd != fd)
		ts_worker_wait_forget(&w->wait, POLL_CONNS + i);
}

/* One round: each kept connection with a request, in turn from w->next,
 * then a new connection. 0, or -1 when the worker cannot go on. */
static int
serve_ready(struct worker *w, const struct pollfd *pfd)
{
	unsigned int k, i;

	if (pfd[POLL_LISTEN].revents & (POLLERR | POLLNVAL)) {
		ts_log(TS_LOG_ERROR, "worker: the listen socket failed");
		return -1;
	}
	for (k = 0; k < w->nconn; k++) {
		i = (w->next + k) % w->nconn;
		if (pfd[POLL_CONNS + i].fd >= 0 && pfd[POLL_CONNS + i].revents != 0 &&
		    w->conn[i].ipcFd == pfd[POLL_CONNS + i].fd)
			take_kept_at(w, i);
	}
	w->next = (w->next + 1) % w->nconn;
	if (!w->retiring && (pfd[POLL_LISTEN].revents & POLLIN))
		return take_new(w);
	return 0;
}

static int
worker_start(struct worker *w)
{
	int rc;

	/* A forked worker must not go on with its parent's request ids. */
	ts_request_ids_reset();
	if ((rc = FCGX_Init()) != 0) {
		ts_log(TS_LOG_ERROR, "worker: FCGX_Init failed (%d)", rc);
		return -1;
	}
	if (worker_signals(&w->stop) != 0) {
		ts_log(TS_LOG_ERROR, "worker: signals: %s", strerror(errno));
		return -1;
	}
	/* Lazy: the connection opens with the first request that needs it. */
	if ((w->app.db = ts_db_new(w->cfg)) == NULL ||
	    (w->app.auth_cache = ts_auth_cache_new(w->cfg)) == NULL ||
	    (w->cfg->page_cache && (w->app.pages = ts_page_cache_new()) == NULL)) {
		ts_log(TS_LOG_ERROR, "worker: out of memory");
		return -1;
	}
	ts_db_watch_idle(w->app.db);
	ts_worker_wait_open(&w->wait, POLL_LISTEN);
	for (w->nconn = 0; w->nconn < TS_MAX_WORKER_CONNECTIONS; w->nconn++) {
		if (FCGX_InitRequest(&w->conn[w->nconn], w->listen_fd, 0) != 0) {
			ts_log(TS_LOG_ERROR, "worker: FCGX_InitRequest failed");
			return -1;
		}
	}
	return 0;
}

/* Closes every connection w holds and frees what it owns. */
static void
worker_end(struct worker *w)
{
	unsigned int i;

	for (i = 0; i < w->nconn; i++)
		FCGX_Free(&w->conn[i], 1);
	ts_worker_wait_close(&w->wait);
	stop_watch_close(&w->stop);
	ts_db_free(w->app.db);
	ts_auth_cache_free(w->app.auth_cache);
	ts_page_cache_free(w->app.pages);
}

int
ts_worker_run(const struct ts_config *cfg, int listen_fd, ts_slot *slot)
{
	struct pollfd pfd[POLL_CONNS + TS_MAX_WORKER_CONNECTIONS];
	struct worker *w;
	nfds_t nfds;
	int rc, status = EXIT_FAILURE;

	/* Some 32 libfcgi requests: on the heap, not the stack. */
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		ts_log(TS_LOG_ERROR, "worker: out of memory");
		return EXIT_FAILURE;
	}
	w->cfg = cfg;
	w->app.cfg = cfg;
	w->slot = slot;
	w->listen_fd = listen_fd;
	w->stop.fd = -1;
	w->wait.ep = -1;
	if (worker_start(w) != 0)
		goto out;
	ts_log(TS_LOG_DEBUG, "worker started");
	for (;;) {
		if (retired(w))
			break;
		nfds = fill_pollfds(w, pfd);
		/* A new database connection may have an old one's number. */
		if (ts_db_idle_serial(w->app.db) != w->db_serial) {
			w->db_serial = ts_db_idle_serial(w->app.db);
			ts_worker_wait_forget(&w->wait, POLL_DB);
		}
		rc = ts_worker_wait(&w->wait, pfd, nfds, poll_timeout(w));
		if (rc < 0 && errno != EINTR) {
			ts_log(TS_LOG_ERROR, "worker: poll: %s", strerror(errno));
			goto out;
		}
		/* Looked at first: a busy socket must not hide a stop. */
		switch (take_signals(&w->stop, &pfd[POLL_SIGNALS])) {
		case WS_STOP:
			status = EXIT_SUCCESS;
			goto out;
		case WS_RETIRE:
			retire(w, "SIGHUP");
			break;
		case WS_NONE:
			break;
		}
		if (retired(w))
			break;
		/* Before any request: a hung-up connection is not the next one's. */
		if (pfd[POLL_DB].fd >= 0 && pfd[POLL_DB].revents != 0)
			ts_db_hung_up(w->app.db);
		/* Requests first: the purge only takes time no request is waiting for. */
		if (rc == 0 && (w->pc.more || ts_mono_ms() >= w->pc.due))
			purge_between_requests(w);
		if (rc > 0 && serve_ready(w, pfd) != 0)
			goto out;
	}
	if (kept_connections(w) > 0)
		ts_log(TS_LOG_WARN, "worker retiring: closing %u kept connections the web server "
		    "left open for %d s", kept_connections(w), TS_KEEPALIVE_DRAIN_SECONDS);
	ts_log(TS_LOG_DEBUG, "worker retired after %lu requests", w->served);
	status = EXIT_SUCCESS;
out:
	worker_end(w);
	free(w);
	return status;
}
