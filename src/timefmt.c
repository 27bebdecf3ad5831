/* Database DATETIME(3) text to the API's ISO 8601 form. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "timefmt.h"

/*
 * An ASCII digit: what isdigit(3) accepts in every locale, without its
 * call into libc's locale tables a character (a page of 20 messages
 * converts 40 times of 19 to 23 characters each).
 */
static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int
ts_time_db_to_iso(const char *db, size_t len, char out[TS_ISO_LEN + 1])
{
	/* "YYYY-MM-DD HH:MM:SS" optionally followed by ".fff..." (we keep 3 digits). */
	static const char shape[] = "dddd-dd-dd dd:dd:dd";
	size_t i;

	if (len < sizeof(shape) - 1)
		return -1;
	for (i = 0; i < sizeof(shape) - 1; i++) {
		if (shape[i] == 'd' ? !is_digit(db[i]) : db[i] != shape[i])
			return -1;
	}
	memcpy(out, db, 10);
	out[10] = 'T';
	memcpy(out + 11, db + 11, 8);
	out[19] = '.';
	for (i = 0; i < 3; i++) {
		size_t at = 20 + i;
		out[20 + i] = (len > at && db[19] == '.' && is_digit(db[at])) ? db[at] : '0';
	}
	out[23] = 'Z';
	out[24] = '\0';
	return 0;
}

void
ts_time_now_db(char out[TS_DB_TIME_LEN + 1])
{
	ts_time_from_now_db(0, out);
}

void
ts_time_from_now_db(long long seconds, char out[TS_DB_TIME_LEN + 1])
{
	struct timespec now;
	struct tm tm;
	char stamp[20];

	clock_gettime(CLOCK_REALTIME, &now);
	now.tv_sec += (time_t)seconds;
	gmtime_r(&now.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(out, TS_DB_TIME_LEN + 1, "%s.%03u", stamp, (unsigned int)(now.tv_nsec / 1000000L) % 1000u);
}

/* Reads exactly n digits at *p into *v. */
static int
digits(const char **p, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++, (*p)++) {
		if (!is_digit(**p))
			return -1;
		*v = *v * 10 + (**p - '0');
	}
	return 0;
}

static int
expect(const char **p, char c)
{
	if (**p != c)
		return -1;
	(*p)++;
	return 0;
}

/*
 * Parses an RFC 3339 timestamp into unix seconds (*t), the first three
 * digits of the fraction (*ms) and whether further digits were not all zero
 * (*extra). Returns 0, or -1 when malformed.
 */
static int
parse_rfc3339(const char *s, time_t *t, int *ms_out, int *extra_out)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const char *p = s;
	struct tm tm;
	int y, mo, d, h, mi, sec, ms = 0, oh = 0, om = 0, sign = 0, extra = 0, n;

	if (digits(&p, 4, &y) || expect(&p, '-') || digits(&p, 2, &mo) || expect(&p, '-') ||
	    digits(&p, 2, &d) || (*p != 'T' && *p != 't') || !(p++) ||
	    digits(&p, 2, &h) || expect(&p, ':') || digits(&p, 2, &mi) || expect(&p, ':') ||
	    digits(&p, 2, &sec))
		return -1;
	if (*p == '.') {
		p++;
		if (!is_digit(*p))
			return -1;
		for (n = 0; is_digit(*p); p++, n++) {
			if (n < 3)
				ms = ms * 10 + (*p - '0');
			else if (*p != '0')
				extra = 1;
		}
		for (; n < 3; n++)
			ms *= 10;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (digits(&p, 2, &oh) || expect(&p, ':') || digits(&p, 2, &om) || oh > 23 || om > 59)
			return -1;
	} else {
		return -1;
	}
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 ||
	    sec > 60 || y < 1000)
		return -1;
	/* February 29 only in leap years. */
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*t = timegm(&tm) - (time_t)sign * (oh * 3600 + om * 60);
	*ms_out = ms;
	*extra_out = extra;
	return 0;
}

long long
ts_time_unix_seconds(const char *s)
{
	time_t t;
	int ms, extra;

	return s != NULL && parse_rfc3339(s, &t, &ms, &extra) == 0 ? (long long)t : -1;
}

int
ts_time_parse_rfc3339(const char *s, int round_up, char out[TS_DB_TIME_LEN + 1])
{
	struct tm tm;
	int ms, extra;
	time_t t;
	char stamp[20];

	if (parse_rfc3339(s, &t, &ms, &extra) != 0)
		return -1;
	if (round_up && extra && ++ms == 1000) {
		ms = 0;
		t++;
	}
	if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 1000)
		return -1;
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(out, TS_DB_TIME_LEN + 1, "%s.%03u", stamp, (unsigned int)ms % 1000u);
	return 0;
}
