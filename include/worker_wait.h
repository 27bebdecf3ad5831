/*
 * What a worker waits on between requests (src/worker_wait.c): the listen
 * socket, its signalfd, its idle database connection and the connections
 * the web server keeps open, as an array of struct pollfd whose entries the
 * worker fills and reads as it would for poll().
 *
 * On Linux the wait is an epoll instance, for two costs poll() paid on
 * every request (bench/README.md, round 17): each poll() looked at every
 * descriptor twice and hooked itself onto each one's wait queue, and every
 * idle worker polled the shared listen socket, so a new connection woke them
 * all and all but one found nothing to accept. Here an entry's descriptor
 * is registered once, until it changes, and the listen socket with
 * EPOLLEXCLUSIVE, which wakes one waiting worker a connection. Elsewhere it
 * is poll() as before.
 *
 * An entry is named by its index. The wait registers pfd[i].fd when it
 * differs from the descriptor it holds for i; a descriptor that was closed
 * and whose number came back for a new socket looks the same, so whoever
 * closes the descriptor of entry i (libfcgi ending a connection, the
 * database layer reconnecting) must say so with ts_worker_wait_forget.
 */
#ifndef TS_WORKER_WAIT_H
#define TS_WORKER_WAIT_H

#include <poll.h>
#include <stddef.h>

/* The most entries a wait holds. */
#define TS_WORKER_WAIT_MAX 64

struct ts_worker_wait {
	int ep;                         /* the epoll instance; -1: poll() */
	size_t exclusive;               /* the entry registered with EPOLLEXCLUSIVE */
	int fd[TS_WORKER_WAIT_MAX];     /* what each entry has registered, -1 none */
};

/* Opens w; entry `exclusive` (the listen socket's) wakes one waiter at a
 * time. 0, or -1 with errno (w is then closed). */
int ts_worker_wait_open(struct ts_worker_wait *w, size_t exclusive);

void ts_worker_wait_close(struct ts_worker_wait *w);

/*
 * Waits up to timeout_ms (-1: no limit) for one of pfd[0..n) (n at most
 * TS_WORKER_WAIT_MAX; fd -1: not watched) to be readable, as poll() does:
 * sets each entry's revents (POLLIN, POLLERR, POLLHUP) and returns how many
 * are set, 0 on timeout, -1 with errno (EINTR included).
 */
int ts_worker_wait(struct ts_worker_wait *w, struct pollfd *pfd, size_t n, int timeout_ms);

/* Entry i's descriptor was closed: what w registered for it is gone. */
void ts_worker_wait_forget(struct ts_worker_wait *w, size_t i);

#endif
