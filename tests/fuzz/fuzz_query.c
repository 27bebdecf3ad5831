/*
 * libFuzzer target: query-string lookup with %-decoding (src/query.c) and
 * the checked getters on top of it (src/params.c, src/paging.c). The input
 * is the raw query string, cut at a NUL as the web server's C string is.
 *
 * Invariants, besides the sanitizers:
 *  - ts_query_get agrees with a plain second implementation written here
 *    (split on '&', the last match wins, decode): same status, same bytes;
 *  - a decoded value holds no NUL and is never longer than the input;
 *  - a getter answers 422 exactly when it returns -1, and a value it
 *    returns is within the bounds it was given.
 */
#include "app.h"
#include "fuzz_common.h"
#include "hexdigit.h"
#include "paging.h"
#include "params.h"
#include "query.h"

/* The parameter names the handlers read, and two that are not used. */
static const char *const names[] = {
	"limit", "order", "after", "before", "cursor", "scope", "visibility",
	"with_details", "offset", "namespace", "run_id", "role", "a", "x_y",
};

/* The reference decoder: -1 on a bad escape or a decoded NUL. */
static int
ref_decode(const char *s, size_t n, char *out, size_t *outlen)
{
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (n - i < 3 || (hi = ts_hex_digit((unsigned char)s[i + 1])) < 0 ||
			    (lo = ts_hex_digit((unsigned char)s[i + 2])) < 0 || hi * 16 + lo == 0)
				return -1;
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else
			out[o++] = s[i] == '+' ? ' ' : s[i];
	}
	*outlen = o;
	return 0;
}

/* The reference lookup: the value of the last "name" or "name=..." segment. */
static enum ts_query_status
ref_get(const char *q, size_t len, const char *name, char *out, size_t *outlen)
{
	size_t start = 0, end, klen, nlen = strlen(name);
	const char *val = NULL;
	size_t vlen = 0;

	while (start < len) {
		for (end = start; end < len && q[end] != '&'; end++)
			continue;
		for (klen = 0; start + klen < end && q[start + klen] != '='; klen++)
			continue;
		if (klen == nlen && memcmp(q + start, name, nlen) == 0) {
			val = start + klen < end ? q + start + klen + 1 : q + end;
			vlen = (size_t)(q + end - val);
		}
		start = end + 1;
	}
	if (val == NULL)
		return TS_QUERY_ABSENT;
	return ref_decode(val, vlen, out, outlen) == 0 ? TS_QUERY_FOUND : TS_QUERY_BAD_ENCODING;
}

static void
check_lookup(const uint8_t *data, size_t size, const char *name, char *ref)
{
	enum ts_query_status st, want;
	size_t outlen = 99, reflen = 0;
	char *out = (char *)1;

	st = ts_query_get((const char *)data, size, name, &out, &outlen);
	want = ref_get((const char *)data, size, name, ref, &reflen);
	FUZZ_CHECK(st == want);
	if (st == TS_QUERY_FOUND) {
		FUZZ_CHECK(out != NULL && outlen <= size && strlen(out) == outlen);
		FUZZ_CHECK(outlen == reflen && memcmp(out, ref, outlen) == 0);
	} else
		FUZZ_CHECK(out == NULL && outlen == 0);
	free(out);
}

/* A getter's answer: -1 exactly when it answered 422. */
/* rc -1 exactly when a problem was reported, and then a 422 (or a 500
 * out of memory) naming the parameter under "query". */
static void
check_problem(struct ts_problem *p, int rc)
{
	FUZZ_CHECK(rc >= -1 && rc <= 1);
	FUZZ_CHECK((rc == -1) == ts_problem_is_set(p));
	FUZZ_CHECK(!ts_problem_is_set(p) || p->error == TS_E_VALIDATION || p->error == TS_E_INTERNAL);
	if (p->error == TS_E_VALIDATION)
		FUZZ_CHECK(strcmp(json_object_get_string(json_object_array_get_idx(p->loc, 0)), "query") == 0);
	ts_problem_free(p);
}

static void
check_getters(const char *query)
{
	static const char *const orders[] = { "asc", "desc", NULL };
	struct ts_page_request pr;
	struct ts_problem p;
	long long n = -7;
	char *s = NULL;
	uuid_t u;
	int rc, e = -1;

	ts_problem_init(&p);
	rc = ts_q_int(&p, query, "limit", 1, 100, &n);
	FUZZ_CHECK(rc != 1 || (n >= 1 && n <= 100));
	FUZZ_CHECK(rc == 1 || n == -7);
	check_problem(&p, rc);
	rc = ts_q_enum(&p, query, "order", orders, &e);
	FUZZ_CHECK(rc != 1 || e == 0 || e == 1);
	check_problem(&p, rc);
	check_problem(&p, ts_q_uuid(&p, query, "after", u));
	rc = ts_q_string(&p, query, "namespace", 255, &s);
	FUZZ_CHECK((rc == 1) == (s != NULL));
	FUZZ_CHECK(s == NULL || ts_utf8_valid(s, strlen(s)));
	free(s);
	check_problem(&p, rc);
	rc = ts_page_params(&p, query, 100, 20, &pr);
	FUZZ_CHECK(rc == -1 || (pr.limit >= 1 && pr.limit <= 100));
	FUZZ_CHECK(rc == -1 || (pr.kind == TS_CURSOR_NONE) == (pr.cursor_param == NULL));
	check_problem(&p, rc == 0 ? 0 : -1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *query, *ref;
	size_t i, len;

	/* The parsers see the query as the C string the web server passed. */
	query = fuzz_cstring(data, size);
	len = strlen(query);
	ref = malloc(len + 1);
	FUZZ_CHECK(ref != NULL);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		check_lookup((const uint8_t *)query, len, names[i], ref);
	free(ref);
	check_getters(query);
	free(query);
	return 0;
}
