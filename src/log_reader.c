/* A served worker's log lines through the master (log_reader.h). */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "log_reader.h"

/* "ts=YYYY-MM-DDTHH:MM:SS.mmmZ" (src/log.c): fixed width, so the text's
 * order is the time's. */
#define STAMP_LEN 27

/* Reads per reader in one drain: a worker writing all the while must not
 * keep the master here. */
#define DRAIN_READS ((TS_LOG_RING_BYTES / TS_LOG_READER_CHUNK) * 2)

/* How long the master waits for a full, non-blocking stderr: 10 x 100 ms. */
#define OUT_WAITS 10
#define OUT_WAIT_MS 100

void
ts_log_reader_init(struct ts_log_reader *p, struct ts_log_ring *ring)
{
	memset(p, 0, offsetof(struct ts_log_reader, buf));
	p->ring = ring;
}

struct ts_log_ring *
ts_log_reader_open(struct ts_log_reader *p)
{
	ts_log_reader_close(p);
	p->open = 1;
	return p->ring;
}

void
ts_log_reader_close(struct ts_log_reader *p)
{
	/* Its worker is gone (or never was): nobody writes into the ring. */
	if (p->ring != NULL)
		ts_log_ring_reset(p->ring);
	p->open = 0;
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
refill(struct ts_log_reader *p)
{
	size_t room, r;

	if (p->start > 0) {
		memmove(p->buf, p->buf + p->start, p->len);
		p->start = 0;
	}
	room = sizeof(p->buf) - p->len;
	r = ts_log_ring_take(p->ring, p->buf + p->len, room);
	p->len += r;
	/* A short take took all there was: lines are put whole. */
	p->more = r == room;
}

/*
 * The length of p's next whole line, reading more when it has none and
 * may have more (and reads are left, or its worker has ended: then to the
 * end); 0 when there is none.
 */
static size_t
next_line(struct ts_log_reader *p)
{
	const char *nl;

	for (;;) {
		nl = p->len > 0 ? memchr(p->buf + p->start, '\n', p->len) : NULL;
		if (nl != NULL)
			return (size_t)(nl - (p->buf + p->start)) + 1;
		if (p->len == sizeof(p->buf))
			return p->len;  /* no line of ours is this long: passed on as it is */
		if (!p->open || !p->more || (p->reads == 0 && !p->ended))
			return 0;
		if (p->reads > 0)
			p->reads--;
		refill(p);
	}
}

/* Whether reader a's next line goes before reader b's: by their stamps,
 * and the earlier reader (index) for lines stamped alike or not stamped. */
static int
goes_first(struct ts_log_reader *const *p, size_t a, size_t b)
{
	const char *la = p[a]->buf + p[a]->start, *lb = p[b]->buf + p[b]->start;
	int c = 0;

	if (p[a]->next >= STAMP_LEN && p[b]->next >= STAMP_LEN &&
	    memcmp(la, "ts=", 3) == 0 && memcmp(lb, "ts=", 3) == 0)
		c = memcmp(la, lb, STAMP_LEN);
	return c < 0 || (c == 0 && a < b);
}

void
ts_log_readers_drain(struct ts_log_reader *const *p, size_t n, int out_fd)
{
	size_t act[TS_LOG_READERS_MAX];   /* the readers with a line to write */
	size_t i, k, best, nact = 0;
	struct out o;

	o.fd = out_fd;
	o.n = 0;
	if (n > TS_LOG_READERS_MAX)
		n = TS_LOG_READERS_MAX;
	for (i = 0; i < n; i++) {
		p[i]->more = p[i]->open;
		p[i]->reads = DRAIN_READS;
		if ((p[i]->next = next_line(p[i])) > 0)
			act[nact++] = i;
	}
	/* A linear pick among the readers with a line: a turn's lines times the
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
