/* Log lines on stderr: one access line per request, plus errors and warnings. */
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "decimal.h"
#include "log.h"
#include "log_ring.h"

static enum ts_log_level current_level = TS_LOG_INFO;

static const char *const level_names[] = { "error", "warn", "info", "debug" };

void
ts_log_set_level(enum ts_log_level level)
{
	current_level = level;
}

/*
 * The pid of log lines, kept instead of a getpid() system call a line (an
 * access line a request); a fork's child forgets it (pthread_atfork), so a
 * worker's lines carry its own.
 */
static pid_t log_pid;
static int log_pid_hooked;

static void
forget_pid(void)
{
	log_pid = 0;
}

static long
current_pid(void)
{
	if (!log_pid_hooked)
		log_pid_hooked = pthread_atfork(NULL, NULL, forget_pid) == 0;
	if (log_pid == 0 || !log_pid_hooked)
		log_pid = getpid();
	return (long)log_pid;
}

/*
 * The "ts=<utc seconds>" part of a line, formatted once a second: every
 * request writes an access line, and strftime and gmtime_r cost more than
 * the rest of the line.
 */
static time_t stamp_sec = (time_t)-1;
static char stamp[32];

static const char *
stamp_of(time_t sec)
{
	struct tm tm;

	if (sec != stamp_sec) {
		gmtime_r(&sec, &tm);
		if (strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
			stamp[0] = '\0';
		stamp_sec = sec;
	}
	return stamp;
}

/* A line being built; what does not fit is cut. */
struct log_line {
	char buf[2048];
	size_t n;
};

static void
put_str(struct log_line *l, const char *s)
{
	size_t len = strlen(s);

	if (len > sizeof(l->buf) - 1 - l->n)
		len = sizeof(l->buf) - 1 - l->n;
	memcpy(l->buf + l->n, s, len);
	l->n += len;
}

/* v in decimal, at least width digits (zero-padded). */
static void
put_uint(struct log_line *l, unsigned long long v, int width)
{
	char d[TS_DECIMAL_MAX];

	ts_decimal(d, v, width);
	put_str(l, d);
}

/* "ts=<utc> pid=<pid> level=<level> " */
static void
put_prefix(struct log_line *l, enum ts_log_level level)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	put_str(l, "ts=");
	put_str(l, stamp_of(now.tv_sec));
	put_str(l, ".");
	put_uint(l, (unsigned long long)(now.tv_nsec / 1000000L), 3);
	put_str(l, "Z pid=");
	put_uint(l, (unsigned long long)current_pid(), 1);
	put_str(l, " level=");
	put_str(l, level_names[level]);
	put_str(l, " ");
}

/*
 * Where a served worker's lines go: its ring, read by the master
 * (log_reader.h), or NULL for stderr.
 */
static struct ts_log_ring *line_ring;

void
ts_log_to_ring(struct ts_log_ring *ring)
{
	line_ring = ring;
}

/* A line is never more than stderr takes in one piece, nor than a ring holds. */
_Static_assert(sizeof(((struct log_line *)0)->buf) <= PIPE_BUF, "a log line must fit PIPE_BUF");
_Static_assert(sizeof(((struct log_line *)0)->buf) <= TS_LOG_RING_BYTES, "a log line must fit a ring");

/*
 * One write a line keeps lines whole between processes sharing stderr, and
 * a line goes into the ring whole or not at all: a full ring (the master
 * behind) sends it to stderr as before.
 */
static void
emit(struct log_line *l)
{
	l->buf[l->n++] = '\n';
	if (line_ring != NULL && ts_log_ring_put(line_ring, l->buf, l->n) == 0)
		return;
	fwrite(l->buf, 1, l->n, stderr);
}

void
ts_log(enum ts_log_level level, const char *fmt, ...)
{
	struct log_line l;
	va_list ap;
	int n;

	if (level > current_level)
		return;
	l.n = 0;
	put_prefix(&l, level);
	va_start(ap, fmt);
	n = vsnprintf(l.buf + l.n, sizeof(l.buf) - 1 - l.n, fmt, ap);
	va_end(ap);
	if (n > 0)
		l.n += (size_t)n < sizeof(l.buf) - 1 - l.n ? (size_t)n : sizeof(l.buf) - 2 - l.n;
	emit(&l);
}

void
ts_log_escape(const char *s, char *out, size_t outlen)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (outlen == 0)
		return;
	for (; s != NULL && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x21 && c < 0x7f && c != '\\' && c != '"') {
			if (o + 1 >= outlen)
				break;
			out[o++] = (char)c;
		} else {
			if (o + 4 >= outlen)
				break;
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 0xf];
		}
	}
	out[o] = '\0';
}

void
ts_log_access(const char *method, const char *path, int status, double ms,
    const char *request_id)
{
	struct log_line l;
	char epath[512];
	unsigned long long us;

	if (current_level < TS_LOG_INFO)
		return;
	l.n = 0;
	ts_log_escape(path != NULL ? path : "-", epath, sizeof(epath));
	/* Built by hand rather than by printf: this line is written for every
	 * request. The time is in milliseconds with three decimals. */
	us = ms > 0 ? (unsigned long long)(ms * 1000.0 + 0.5) : 0;
	put_prefix(&l, TS_LOG_INFO);
	put_str(&l, "access method=");
	put_str(&l, method);
	put_str(&l, " path=\"");
	put_str(&l, epath);
	put_str(&l, "\" status=");
	put_uint(&l, status > 0 ? (unsigned long long)status : 0, 1);
	put_str(&l, " ms=");
	put_uint(&l, us / 1000, 1);
	put_str(&l, ".");
	put_uint(&l, us % 1000, 3);
	put_str(&l, " rid=");
	put_str(&l, request_id);
	emit(&l);
}
