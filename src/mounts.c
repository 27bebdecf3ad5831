/* The configured mounts of the surfaces that live below a path of their own. */
#include <stdlib.h>
#include <string.h>

#include "mounts.h"

/* Whether path is prefix or lies below it ("/ks" holds "/ks/v1", not "/ksx"). */
static int
under(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

int
ts_mount_overlap(const char *a, const char *b)
{
	return a != NULL && b != NULL && (under(a, b) || under(b, a));
}

/* *path with its first cut bytes replaced by with. */
static int
replace_prefix(char **path, size_t cut, const char *with)
{
	size_t w = strlen(with), rest = strlen(*path + cut);
	char *p = malloc(w + rest + 1);

	if (p == NULL)
		return -1;
	memcpy(p, with, w);
	memcpy(p + w, *path + cut, rest + 1);
	free(*path);
	*path = p;
	return 0;
}

int
ts_mount_rewrite(const struct ts_config *cfg, char **path)
{
	const struct {
		const char *configured, *routes;
	} mounts[] = { { cfg->ks_path, "/ks" }, { cfg->arena_path, "/arena" } };
	size_t i;

	if (*path == NULL)
		return 0;
	for (i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++) {
		if (mounts[i].configured == NULL || strcmp(mounts[i].configured, mounts[i].routes) == 0)
			continue;
		if (under(*path, mounts[i].configured))
			return replace_prefix(path, strlen(mounts[i].configured), mounts[i].routes);
		/* Moved away: the default path is no route at all ("/~" routes nowhere). */
		if (under(*path, mounts[i].routes))
			return replace_prefix(path, 0, "/~");
	}
	return 0;
}
