/* What a worker waits on between requests (include/worker_wait.h). */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/epoll.h>
#endif

#include "worker_wait.h"

int
ts_worker_wait_open(struct ts_worker_wait *w, size_t exclusive)
{
	size_t i;

	w->exclusive = exclusive;
	for (i = 0; i < TS_WORKER_WAIT_MAX; i++)
		w->fd[i] = -1;
#ifdef __linux__
	/* Without an instance (out of descriptors or memory) poll() serves. */
	w->ep = epoll_create1(EPOLL_CLOEXEC);
#else
	w->ep = -1;
#endif
	return 0;
}

void
ts_worker_wait_close(struct ts_worker_wait *w)
{
	if (w->ep >= 0)
		close(w->ep);
	w->ep = -1;
}

void
ts_worker_wait_forget(struct ts_worker_wait *w, size_t i)
{
	if (i < TS_WORKER_WAIT_MAX)
		w->fd[i] = -1;
}

#ifdef __linux__
/* Registers fd for entry i; EPOLLEXCLUSIVE for the exclusive entry, where
 * the kernel has it (Linux 4.5). */
static int
add(struct ts_worker_wait *w, int fd, size_t i)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN | (i == w->exclusive ? EPOLLEXCLUSIVE : 0);
	ev.data.u32 = (uint32_t)i;
	if (epoll_ctl(w->ep, EPOLL_CTL_ADD, fd, &ev) == 0)
		return 0;
	if (errno == EINVAL && (ev.events & EPOLLEXCLUSIVE)) {
		ev.events = EPOLLIN;
		return epoll_ctl(w->ep, EPOLL_CTL_ADD, fd, &ev);
	}
	if (errno == EEXIST) {
		/* Registered under another entry and not forgotten: take it over. */
		(void)epoll_ctl(w->ep, EPOLL_CTL_DEL, fd, NULL);
		return epoll_ctl(w->ep, EPOLL_CTL_ADD, fd, &ev);
	}
	return -1;
}

/* Whether an entry other than i has fd registered. */
static int
held_elsewhere(const struct ts_worker_wait *w, int fd, size_t i)
{
	size_t k;

	for (k = 0; k < TS_WORKER_WAIT_MAX; k++)
		if (k != i && w->fd[k] == fd)
			return 1;
	return 0;
}

/*
 * Brings entry i's registration to pfd->fd. A descriptor that cannot be
 * registered (closed) is reported as poll() reports it, POLLNVAL; returns
 * 1 then, else 0.
 */
static int
sync_entry(struct ts_worker_wait *w, struct pollfd *pfd, size_t i)
{
	if (w->fd[i] == pfd->fd)
		return 0;
	/* Fails when it was closed since: it is gone from the instance anyway.
	 * Its number taken since by another entry's new socket (a close not
	 * forgotten) is that entry's now, and stays registered. */
	if (w->fd[i] >= 0 && !held_elsewhere(w, w->fd[i], i))
		(void)epoll_ctl(w->ep, EPOLL_CTL_DEL, w->fd[i], NULL);
	w->fd[i] = -1;
	if (pfd->fd < 0)
		return 0;
	if (add(w, pfd->fd, i) != 0) {
		pfd->revents = POLLNVAL;
		return 1;
	}
	w->fd[i] = pfd->fd;
	return 0;
}

static int
epoll_wait_entries(struct ts_worker_wait *w, struct pollfd *pfd, size_t n, int timeout_ms)
{
	struct epoll_event ev[TS_WORKER_WAIT_MAX];
	int got, k, ready = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		pfd[i].revents = 0;
		ready += sync_entry(w, &pfd[i], i);
	}
	got = epoll_wait(w->ep, ev, (int)n, ready > 0 ? 0 : timeout_ms);
	if (got < 0)
		return ready > 0 ? ready : -1;
	for (k = 0; k < got; k++) {
		i = ev[k].data.u32;
		if (i >= n || pfd[i].fd < 0)
			continue;
		if (pfd[i].revents == 0)
			ready++;
		/* EPOLLIN, EPOLLERR and EPOLLHUP are poll()'s bits. */
		pfd[i].revents |= (short)(ev[k].events & (EPOLLIN | EPOLLERR | EPOLLHUP));
	}
	return ready;
}
#endif

int
ts_worker_wait(struct ts_worker_wait *w, struct pollfd *pfd, size_t n, int timeout_ms)
{
	if (n > TS_WORKER_WAIT_MAX) {
		errno = EINVAL;
		return -1;
	}
#ifdef __linux__
	if (w->ep >= 0)
		return epoll_wait_entries(w, pfd, n, timeout_ms);
#endif
	return poll(pfd, (nfds_t)n, timeout_ms);
}
