/* Query-string lookup with percent-decoding; the last occurrence wins. */
#include <stdlib.h>
#include <string.h>

#include "hexdigit.h"
#include "query.h"

/* Decodes s[0..n) into a new string; NULL on a bad escape or a decoded NUL. */
static char *
decode(const char *s, size_t n, size_t *outlen, int *bad)
{
	char *out = malloc(n + 1);
	size_t i, o = 0;

	*bad = 0;
	if (out == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int hi, lo;
			/* Two hex digits must follow. */
			if (i + 2 >= n || (hi = ts_hex_digit((unsigned char)s[i + 1])) < 0 ||
			    (lo = ts_hex_digit((unsigned char)s[i + 2])) < 0)
				goto bad;
			c = (char)(hi * 16 + lo);
			if (c == '\0')
				goto bad;
			i += 2;
		}
		out[o++] = c;
	}
	out[o] = '\0';
	*outlen = o;
	return out;
bad:
	free(out);
	*bad = 1;
	return NULL;
}

enum ts_query_status
ts_query_get(const char *query, size_t len, const char *name, char **out, size_t *outlen)
{
	const char *p = query, *end = query + len;
	const char *val = NULL;
	size_t vlen = 0, namelen = strlen(name);
	int found = 0, bad;

	*out = NULL;
	*outlen = 0;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *pend = amp != NULL ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(pend - p));
		const char *kend = eq != NULL ? eq : pend;

		/* Parameter names are ours and plain ASCII: compared undecoded. */
		if ((size_t)(kend - p) == namelen && memcmp(p, name, namelen) == 0) {
			found = 1;
			val = eq != NULL ? eq + 1 : pend;
			vlen = (size_t)(pend - val);
		}
		p = pend + 1;
	}
	if (!found)
		return TS_QUERY_ABSENT;
	*out = decode(val, vlen, outlen, &bad);
	if (*out == NULL)
		return bad ? TS_QUERY_BAD_ENCODING : TS_QUERY_NOMEM;
	return TS_QUERY_FOUND;
}

/* Whether the key p[0..n) is one of names. */
static int
key_in(const char *p, size_t n, const char *const *names)
{
	size_t i;

	for (i = 0; names[i] != NULL; i++)
		if (strlen(names[i]) == n && memcmp(p, names[i], n) == 0)
			return 1;
	return 0;
}

void
ts_query_iter_init(struct ts_query_iter *it, const char *query, size_t len, const char *const *names)
{
	it->p = query;
	it->end = query + len;
	it->names = names;
	it->status = TS_QUERY_ABSENT;
}

enum ts_query_status
ts_query_iter_next(struct ts_query_iter *it, char **out, size_t *outlen)
{
	int bad;

	*out = NULL;
	*outlen = 0;
	while (it->status == TS_QUERY_ABSENT && it->p < it->end) {
		const char *amp = memchr(it->p, '&', (size_t)(it->end - it->p));
		const char *pend = amp != NULL ? amp : it->end;
		const char *eq = memchr(it->p, '=', (size_t)(pend - it->p));
		const char *kend = eq != NULL ? eq : pend, *key = it->p;

		it->p = pend + 1;
		if (!key_in(key, (size_t)(kend - key), it->names))
			continue;
		eq = eq != NULL ? eq + 1 : pend;
		if ((*out = decode(eq, (size_t)(pend - eq), outlen, &bad)) != NULL)
			return TS_QUERY_FOUND;
		it->status = bad ? TS_QUERY_BAD_ENCODING : TS_QUERY_NOMEM;
	}
	return it->status;
}
