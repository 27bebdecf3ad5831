/* Log lines on stderr: one access line per request, plus errors and warnings. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

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

/* Writes "ts=<utc> pid=<pid> level=<level> " into buf. */
static int
log_prefix(char *buf, size_t len, enum ts_log_level level)
{
	struct timespec now;
	struct tm tm;
	char stamp[32];

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	return snprintf(buf, len, "ts=%s.%03ldZ pid=%ld level=%s ", stamp,
	    now.tv_nsec / 1000000L, current_pid(), level_names[level]);
}

void
ts_log(enum ts_log_level level, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	int n;

	if (level > current_level)
		return;
	n = log_prefix(line, sizeof(line), level);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	/* One fprintf per line keeps lines whole between processes sharing stderr. */
	fprintf(stderr, "%s\n", line);
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
	char epath[512];

	if (current_level < TS_LOG_INFO)
		return;
	ts_log_escape(path != NULL ? path : "-", epath, sizeof(epath));
	ts_log(TS_LOG_INFO, "access method=%s path=\"%s\" status=%d ms=%.3f rid=%s",
	    method, epath, status, ms, request_id);
}
