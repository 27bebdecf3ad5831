/*
 * libFuzzer target: route matching (src/router.c) over the application's
 * own table (src/routes.c). The first byte picks the method, the rest is the
 * path (cut at a NUL, as a FastCGI parameter would be).
 *
 * Invariants, besides the sanitizers:
 *  - a matched route serves the method (HEAD through GET), and putting its
 *    parameters into its pattern's placeholders gives back the path exactly:
 *    so each parameter is a non-empty segment of the path, in order;
 *  - a 405 names an Allow set that lacks the method and fits the buffer the
 *    dispatcher gives ts_allow_string;
 *  - a 404 leaves no route behind.
 */
#include "fuzz_common.h"
#include "router.h"

static const enum ts_method methods[] = {
	TS_M_GET, TS_M_HEAD, TS_M_POST, TS_M_PUT, TS_M_PATCH, TS_M_DELETE, TS_M_OPTIONS, TS_M_OTHER
};

/* The pattern with each placeholder replaced by the next parameter. */
static void
check_params_rebuild_path(const struct ts_match *m, const char *path)
{
	const char *p = m->route->pattern;
	char rebuilt[2 * TS_MAX_PATH_BYTES + 2];
	size_t used = 0, k = 0, n;
	const char *close;

	while (*p != '\0') {
		if (*p == '{') {
			FUZZ_CHECK((close = strchr(p, '}')) != NULL);
			FUZZ_CHECK(k < m->nparams);
			n = strlen(m->params[k]);
			FUZZ_CHECK(n > 0 && strchr(m->params[k], '/') == NULL);
			FUZZ_CHECK(used + n < sizeof(rebuilt));
			memcpy(rebuilt + used, m->params[k++], n);
			used += n;
			p = close + 1;
		} else {
			FUZZ_CHECK(used + 1 < sizeof(rebuilt));
			rebuilt[used++] = *p++;
		}
	}
	rebuilt[used] = '\0';
	FUZZ_CHECK(k == m->nparams);
	FUZZ_CHECK(strcmp(rebuilt, path) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ts_match *m;
	enum ts_method method;
	enum ts_match_status st;
	unsigned int want;
	char allow[64], *path;

	if (size < 1)
		return 0;
	method = methods[data[0] % (sizeof(methods) / sizeof(methods[0]))];
	want = method == TS_M_HEAD ? TS_M_GET : (unsigned int)method;
	path = fuzz_cstring(data + 1, size - 1);
	/* The match is large (it holds a copy of the path): not on the stack. */
	FUZZ_CHECK((m = malloc(sizeof(*m))) != NULL);

	st = ts_route_match(ts_routes, ts_nroutes, method, path, m);
	switch (st) {
	case TS_MATCH_OK:
		FUZZ_CHECK(m->route != NULL && (m->route->methods & want) != 0);
		FUZZ_CHECK((m->allow & m->route->methods) == m->route->methods);
		check_params_rebuild_path(m, path);
		break;
	case TS_MATCH_METHOD_NOT_ALLOWED:
		FUZZ_CHECK(m->route == NULL && m->allow != 0 && (m->allow & want) == 0);
		ts_allow_string(m->allow, allow, sizeof(allow));
		FUZZ_CHECK(allow[0] != '\0' && strlen(allow) < sizeof(allow) - 1);
		break;
	case TS_MATCH_NOT_FOUND:
		FUZZ_CHECK(m->route == NULL && m->nparams == 0);
		break;
	default:
		FUZZ_CHECK(!"a match status out of range");
	}
	free(m);
	free(path);
	return 0;
}
