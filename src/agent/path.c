/*
 * The agent platform's paths: /v1/orgs/{org_id}/workspaces/{workspace_id}
 * [/apps/{app_id}]/namespaces/{namespace_id}/threads/{thread_id}/...
 * The four names become one threadstore namespace, "org/ws/app/ns" (or
 * "org/ws/ns" without an app): no name may hold "/" and none is empty, so
 * the number of parts tells the two forms apart and the encoding is one
 * to one; a name of TS_AGENT_ID_CHARS only is a namespace's characters.
 * The thread and message ids are threadstore's UUIDs.
 */
#include <string.h>

#include "agent.h"
#include "ids.h"

int
ts_agent_path(const char *path)
{
	return path != NULL && strncmp(path, "/v1/orgs", 8) == 0 && (path[8] == '\0' || path[8] == '/');
}

/* 1 to TS_AGENT_MAX_ID_BYTES of TS_AGENT_ID_CHARS. */
static int
valid_name(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= TS_AGENT_MAX_ID_BYTES && strspn(s, TS_AGENT_ID_CHARS) == n;
}

int
ts_agent_path_parse(const char *const *params, size_t nparams, int with_app, struct ts_agent_path *out)
{
	size_t names = with_app ? 4 : 3, i, used = 0, len;

	memset(out, 0, sizeof(*out));
	if (nparams < names + 1)
		return -1;
	for (i = 0; i < names; i++) {
		if (!valid_name(params[i]))
			return -1;
		len = strlen(params[i]);
		if (i > 0)
			out->namespace_[used++] = '/';
		memcpy(out->namespace_ + used, params[i], len);
		used += len;
	}
	out->namespace_[used] = '\0';
	out->org = params[0];
	out->workspace = params[1];
	out->app = with_app ? params[2] : NULL;
	out->namespace_id = params[names - 1];
	out->thread_idx = names;
	out->message_idx = nparams > names + 1 ? names + 1 : 0;
	return 0;
}

int
ts_agent_path_of(const struct ts_match *m, struct ts_agent_path *out)
{
	int with_app = m->route != NULL && strstr(m->route->pattern, "/apps/") != NULL;

	return ts_agent_path_parse(m->params, m->nparams, with_app, out);
}

int
ts_agent_path_ids(const struct ts_match *m, uuid_t *out)
{
	struct ts_agent_path path;

	if (ts_agent_path_of(m, &path) != 0 || ts_uuid_parse(m->params[path.thread_idx], out[path.thread_idx]) != 0)
		return -1;
	if (path.message_idx != 0 && ts_uuid_parse(m->params[path.message_idx], out[path.message_idx]) != 0)
		return -1;
	return 0;
}
