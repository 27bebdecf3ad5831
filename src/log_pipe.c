/* A served worker's log lines through the master (log_pipe.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

int
ts_log_pipe_open(struct ts_log_pipe *p, int *write_fd)
{
	int fds[2];

	p->fd = -1;
	p->more = 0;
	p->start = p->len = 0;
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
	p->more = 0;
	p->start = p->len = 0;
}

/* Lines gathered for out_fd, written in pieces that end at a line's end. */
struct out {
	int fd;
	size_t n;
	char buf[PIPE_BUF];
};

static void
write_all(int fd, const char *s, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;         /* nowhere to log that logging failed */
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
 * may have more (and reads are left); 0 when there is none.
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
		if (p->fd < 0 || !p->more || p->reads == 0)
			return 0;
		p->reads--;
		refill(p);
	}
}

/* Whether line a comes before line b: by their stamps, else not. */
static int
earlier(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen < STAMP_LEN || blen < STAMP_LEN || memcmp(a, "ts=", 3) != 0 || memcmp(b, "ts=", 3) != 0)
		return 0;
	return memcmp(a, b, STAMP_LEN) < 0;
}

void
ts_log_pipes_drain(struct ts_log_pipe *const *p, size_t n, int out_fd)
{
	struct out o;
	size_t i, best, len, best_len = 0;

	o.fd = out_fd;
	o.n = 0;
	for (i = 0; i < n; i++) {
		p[i]->more = p[i]->fd >= 0;
		p[i]->reads = DRAIN_READS;
	}
	for (;;) {
		best = n;
		for (i = 0; i < n; i++) {
			len = next_line(p[i]);
			if (len > 0 && (best == n || earlier(p[i]->buf + p[i]->start, len,
			    p[best]->buf + p[best]->start, best_len))) {
				best = i;
				best_len = len;
			}
		}
		if (best == n)
			break;
		out_line(&o, p[best]->buf + p[best]->start, best_len);
		p[best]->start += best_len;
		p[best]->len -= best_len;
	}
	out_flush(&o);
}
