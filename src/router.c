/*
 * Route matching over a static table. A path is split into segments; a
 * pattern matches when every literal segment is equal and every "{name}"
 * placeholder has a non-empty segment. Among matching patterns the most
 * literal one wins, compared segment by segment from the left, so
 * GET .../messages/batch is the batch route's 405 and never an id lookup.
 */
#include <stdio.h>
#include <string.h>

#include "router.h"

/* Splits buf in place on '/', with each segment's length. A leading '/' is
 * required; an empty segment ("//", a trailing "/") or too many segments
 * make the path unroutable. */
static int
split(char *buf, const char **segs, size_t *lens, size_t *nsegs)
{
	char *p, *slash;

	*nsegs = 0;
	if (buf[0] != '/')
		return -1;
	p = buf + 1;
	for (;;) {
		if (*nsegs >= TS_MAX_PATH_SEGMENTS)
			return -1;
		slash = strchr(p, '/');
		if (slash != NULL)
			*slash = '\0';
		if (*p == '\0')
			return -1;
		segs[*nsegs] = p;
		lens[(*nsegs)++] = slash != NULL ? (size_t)(slash - p) : strlen(p);
		if (slash == NULL)
			return 0;
		p = slash + 1;
	}
}

/* Copies s into buf of size bytes; -1 when it does not fit. */
static int
copy_path(char *buf, size_t size, const char *s)
{
	size_t len = strlen(s);

	if (len >= size)
		return -1;
	memcpy(buf, s, len + 1);
	return 0;
}

/*
 * Steps *p, which is at a '/' of a pattern, over the next segment: its
 * start and length. -1 at the pattern's end or at an empty segment.
 * Patterns are read in place: matching runs over the whole table on every
 * request, and a copy and split of each pattern cost more than the rest
 * of the matching together.
 */
static int
pattern_segment(const char **p, const char **seg, size_t *len)
{
	size_t n = 0;

	if (**p != '/')
		return -1;
	*seg = *p + 1;
	while ((*seg)[n] != '\0' && (*seg)[n] != '/')
		n++;
	*len = n;
	*p = *seg + n;
	return n > 0 ? 0 : -1;
}

static int
is_placeholder(const char *seg)
{
	return seg[0] == '{';
}

/*
 * Whether the pattern's segment at p is the literal seg (len bytes): the
 * path's segment is compared in place and the pattern is not scanned past
 * the first difference, as most of the table differs in its first
 * segments. strncmp stops at the pattern's end.
 */
static int
literal_is(const char *p, const char *seg, size_t len)
{
	return p[0] == seg[0] && strncmp(p, seg, len) == 0 && (p[len] == '/' || p[len] == '\0');
}

/*
 * Returns -1 when pattern does not match the path's segments, else a score
 * in which a literal segment further left weighs more than any number to
 * its right.
 */
static int
match_score(const char *pattern, const char *const *segs, const size_t *lens, size_t nsegs)
{
	const char *p = pattern;
	size_t i;
	int score = 0;

	for (i = 0; i < nsegs; i++) {
		if (*p++ != '/')
			return -1;
		if (is_placeholder(p)) {
			p = strchrnul(p, '/');
			continue;
		}
		if (!literal_is(p, segs[i], lens[i]))
			return -1;
		p += lens[i];
		score |= 1 << (TS_MAX_PATH_SEGMENTS - 1 - i);
	}
	return *p == '\0' ? score : -1;
}

static unsigned int
effective_method(enum ts_method m)
{
	/* HEAD is served by the GET handler; the writer drops the body. */
	return m == TS_M_HEAD ? TS_M_GET : (unsigned int)m;
}

static void
capture_params(const char *pattern, const char *const *segs, const size_t *lens, size_t nsegs,
    struct ts_match *m)
{
	const char *p = pattern, *pseg;
	size_t plen, i, used = 0;

	m->nparams = 0;
	for (i = 0; i < nsegs && pattern_segment(&p, &pseg, &plen) == 0; i++) {
		if (!is_placeholder(pseg) || used + lens[i] + 1 > sizeof(m->params_buf))
			continue;
		memcpy(m->params_buf + used, segs[i], lens[i] + 1);
		m->params[m->nparams++] = m->params_buf + used;
		used += lens[i] + 1;
	}
}

enum ts_match_status
ts_route_match(const struct ts_route *table, size_t n, enum ts_method method,
    const char *path, struct ts_match *m)
{
	char buf[TS_MAX_PATH_BYTES + 1];
	const char *segs[TS_MAX_PATH_SEGMENTS];
	size_t lens[TS_MAX_PATH_SEGMENTS], nsegs, i;
	int best = -1, scores[TS_MAX_ROUTES];
	const char *best_pattern = NULL;
	unsigned int want = effective_method(method);

	memset(m, 0, sizeof(*m));
	if (n > TS_MAX_ROUTES || path == NULL || copy_path(buf, sizeof(buf), path) != 0 ||
	    split(buf, segs, lens, &nsegs) != 0)
		return TS_MATCH_NOT_FOUND;
	for (i = 0; i < n; i++) {
		scores[i] = match_score(table[i].pattern, segs, lens, nsegs);
		if (scores[i] > best) {
			best = scores[i];
			best_pattern = table[i].pattern;
		}
	}
	if (best_pattern == NULL)
		return TS_MATCH_NOT_FOUND;
	for (i = 0; i < n; i++) {
		/* The same pattern has the same score: only those are compared. */
		if (scores[i] != best || strcmp(table[i].pattern, best_pattern) != 0)
			continue;
		m->allow |= table[i].methods;
		if ((table[i].methods & want) != 0)
			m->route = &table[i];
	}
	if (m->allow & TS_M_GET)
		m->allow |= TS_M_HEAD;
	if (m->route == NULL)
		return TS_MATCH_METHOD_NOT_ALLOWED;
	capture_params(best_pattern, segs, lens, nsegs, m);
	return TS_MATCH_OK;
}

void
ts_allow_string(unsigned int methods, char *buf, size_t len)
{
	static const enum ts_method order[] = {
		TS_M_GET, TS_M_HEAD, TS_M_POST, TS_M_PUT, TS_M_PATCH, TS_M_DELETE
	};
	size_t i, used = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		int w;
		if ((methods & order[i]) == 0)
			continue;
		w = snprintf(buf + used, len - used, "%s%s", used > 0 ? ", " : "",
		    ts_method_name(order[i]));
		if (w < 0 || (size_t)w >= len - used)
			return;
		used += (size_t)w;
	}
}
