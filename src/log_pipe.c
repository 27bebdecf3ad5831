/* A served worker's log lines through the master (log_pipe.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "log_pipe.h"

/*
 * What a pipe may hold before its worker writes to stderr itself: a busy
 * worker's lines (~200 bytes each) over several of the master's turns.
 */
#define LOG_PIPE_BYTES (256 * 1024)

/* "ts=YYYY-MM-DDTHH:MM:SS.mmmZ" (src/log.c): fixed width, so the text's
 * order is the time's. */
#define STAMP_LEN 27

/* Reads per pipe in one drain: a worker writing all the while must not
 * keep the master here. */
#define DRAIN_READS ((LOG_PIPE_BYTES / TS_LOG_PIPE_CHUNK) * 2)

/* How long the master waits for a full, non-blocking stderr: 10 x 100 ms. */
#define OUT_WAITS 10
#define OUT_WAIT_MS 100

int
ts_log_pipe_open(struct ts_log_pipe *p, int *write_fd)
{
	int fds[2];

	p->fd = -1;
	p->more = p->ended = 0;
	p->start = p->len = p->next = 0;
	if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0)
		return -1;
	/* Best effort: with the default 64 KiB a busy worker falls back sooner. */
	(void)fcntl(fds[1], F_SETPIPE_SZ, LOG_PIPE_BYTES);
	p->fd = fds[0];
	*write_fd = fds[1];
	return 0;
}

void
ts_log_pipe_close(struct ts_log_pipe *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	p->more = p->ended = 0;
	p->start = p->len = p->next = 0;
}

/* Lines gathered for out_fd, written in pieces that end at a line's end. */
struct out {
	int fd;
	size_t n;
	char buf[PIPE_BUF];
};

/*
 * Writes all of s, waiting a little for a stderr that is non-blocking and
 * full: the master also supervises, so after OUT_WAITS waits of
 * OUT_WAIT_MS the rest is dropped (nowhere to log that logging failed).
 * A blocking stderr blocks the master, as it blocked a worker's line before.
 */
static void
write_all(int fd, const char *s, size_t n)
{
	struct pollfd pfd;
	unsigned int waits = 0;
	ssize_t w;

	while (n > 0) {
		w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && waits++ < OUT_WAITS) {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			(void)poll(&pfd, 1, OUT_WAIT_MS);
			continue;
		}
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static void
out_flush(struct out *o)
{
	write_all(o->fd, o->buf, o->n);
	o->n = 0;
}

static void
out_line(struct out *o, const char *s, size_t n)
{
	if (o->n + n > sizeof(o->buf))
		out_flush(o);
	if (n > sizeof(o->buf)) {
		write_all(o->fd, s, n);
		return;
	}
	memcpy(o->buf + o->n, s, n);
	o->n += n;
}

/* Reads into p's free room, after moving what is unread to the front. */
static void
refill(struct ts_log_pipe *p)
{
	size_t room;
	ssize_t r;

	if (p->start > 0) {
		memmove(p->buf, p->buf + p->start, p->len);
		p->start = 0;
	}
	room = sizeof(p->buf) - p->len;
	do
		r = read(p->fd, p->buf + p->len, room);
	while (r < 0 && errno == EINTR);
	if (r <= 0) {
		p->more = 0;    /* would block, or the worker is gone */
		return;
	}
	p->len += (size_t)r;
	/* A short read took all there was: writes of a line are whole. */
	p->more = (size_t)r == room;
}

/*
 * The length of p's next whole line, reading more when it has none and
 * may have more (and reads are left, or its worker has ended: then to the
 * end); 0 when there is none.
 */
static size_t
next_line(struct ts_log_pipe *p)
{
	const char *nl;

	for (;;) {
		nl = p->len > 0 ? memchr(p->buf + p->start, '\n', p->len) : NULL;
		if (nl != NULL)
			return (size_t)(nl - (p->buf + p->start)) + 1;
		if (p->len == sizeof(p->buf))
			return p->len;  /* no line of ours is this long: passed on as it is */
		if (p->fd < 0 || !p->more || (p->reads == 0 && !p->ended))
			return 0;
		if (p->reads > 0)
			p->reads--;
		refill(p);
	}
}

/* Whether pipe a's next line goes before pipe b's: by their stamps, and
 * the earlier pipe (index) for lines stamped alike or not stamped. */
static int
goes_first(struct ts_log_pipe *const *p, size_t a, size_t b)
{
	const char *la = p[a]->buf + p[a]->start, *lb = p[b]->buf + p[b]->start;
	int c = 0;

	if (p[a]->next >= STAMP_LEN && p[b]->next >= STAMP_LEN &&
	    memcmp(la, "ts=", 3) == 0 && memcmp(lb, "ts=", 3) == 0)
		c = memcmp(la, lb, STAMP_LEN);
	return c < 0 || (c == 0 && a < b);
}

void
ts_log_pipes_drain(struct ts_log_pipe *const *p, size_t n, int out_fd)
{
	size_t act[TS_LOG_PIPES_MAX];   /* the pipes with a line to write */
	size_t i, k, best, nact = 0;
	struct out o;

	o.fd = out_fd;
	o.n = 0;
	if (n > TS_LOG_PIPES_MAX)
		n = TS_LOG_PIPES_MAX;
	for (i = 0; i < n; i++) {
		p[i]->more = p[i]->fd >= 0;
		p[i]->reads = DRAIN_READS;
		if ((p[i]->next = next_line(p[i])) > 0)
			act[nact++] = i;
	}
	/* A linear pick among the pipes with a line: a turn's lines times the
	 * busy workers (51,200 lines from 256 workers, 256,000 requests a
	 * second, take ~90 ms). */
	while (nact > 0) {
		best = 0;
		for (k = 1; k < nact; k++)
			if (goes_first(p, act[k], act[best]))
				best = k;
		i = act[best];
		out_line(&o, p[i]->buf + p[i]->start, p[i]->next);
		p[i]->start += p[i]->next;
		p[i]->len -= p[i]->next;
		if ((p[i]->next = next_line(p[i])) == 0)
			act[best] = act[--nact];
	}
	out_flush(&o);
}
