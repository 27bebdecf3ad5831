/*
 * Creating the FastCGI listen socket: parse the --listen spec, bind, set the
 * unix socket's mode and group, listen. See listen.h for why we do it
 * ourselves.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <grp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ts_limits.h"
#include "listen.h"

/* The unix socket's mode: owner and group (the web server's) only. */
#define LISTEN_SOCKET_MODE 0660
/* The umask in force while binding, so the file never exists with more. */
#define LISTEN_BIND_UMASK 0117
/* "host" part of a TCP spec, brackets excluded; INET6_ADDRSTRLEN is 46. */
#define LISTEN_HOST_MAX 64
#define LISTEN_DEFAULT_HOST "127.0.0.1"

static void
listener_reset(struct ts_listener *l)
{
	memset(l, 0, sizeof(*l));
	l->fd = -1;
}

/* Group by name, else by number. Returns 0 or -1 with a message in err. */
static int
resolve_group(const char *group, gid_t *gid, char *err, size_t errlen)
{
	struct group *gr;
	char *end;
	long long v;

	errno = 0;
	/* cppcheck-suppress getgrnamCalled ; called once, while the listener is set up,
	 * and the program has no threads */
	gr = getgrnam(group);
	if (gr != NULL) {
		*gid = gr->gr_gid;
		return 0;
	}
	if (group[0] >= '0' && group[0] <= '9') {
		errno = 0;
		v = strtoll(group, &end, 10);
		if (errno == 0 && *end == '\0' && v >= 0 && v < (long long)(gid_t)-1) {
			*gid = (gid_t)v;
			return 0;
		}
	}
	snprintf(err, errlen, "socket_group: unknown group '%s'", group);
	return -1;
}

/*
 * Makes room for the socket file: nothing there is fine, a stale socket (no
 * one accepts on it) is removed, anything else is an error.
 */
static int
clear_stale_socket(const struct sockaddr_un *sun, char *err, size_t errlen)
{
	struct stat st;
	int fd, rc;

	if (lstat(sun->sun_path, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", sun->sun_path, strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "%s exists and is not a socket", sun->sun_path);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	rc = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	close(fd);
	if (rc == 0) {
		snprintf(err, errlen, "%s: another server is listening on it", sun->sun_path);
		return -1;
	}
	if (errno != ECONNREFUSED) {
		snprintf(err, errlen, "%s: %s", sun->sun_path, strerror(errno));
		return -1;
	}
	if (unlink(sun->sun_path) != 0 && errno != ENOENT) {
		snprintf(err, errlen, "cannot remove stale socket %s: %s", sun->sun_path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

static enum ts_listen_status
open_unix(const char *path, const char *group, struct ts_listener *l, char *err,
    size_t errlen)
{
	struct sockaddr_un sun;
	struct stat st;
	mode_t old_umask;
	gid_t gid = 0;
	size_t len = strlen(path);
	int fd = -1, rc, created = 0;

	if (len == 0) {
		snprintf(err, errlen, "listen: empty unix socket path");
		goto fail;
	}
	if (len >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "listen: unix socket path longer than %zu bytes",
		    sizeof(sun.sun_path) - 1);
		goto fail;
	}
	if (group != NULL && resolve_group(group, &gid, err, errlen) != 0)
		goto fail;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, len + 1);
	if (clear_stale_socket(&sun, err, errlen) != 0)
		goto fail;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		goto fail;
	}
	old_umask = umask(LISTEN_BIND_UMASK);
	rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old_umask);
	if (rc != 0) {
		snprintf(err, errlen, "bind %s: %s", path, strerror(errno));
		goto fail;
	}
	created = 1;
	/* Explicitly too: some systems ignore the umask for sockets. */
	if (chmod(path, LISTEN_SOCKET_MODE) != 0) {
		snprintf(err, errlen, "chmod %s: %s", path, strerror(errno));
		goto fail;
	}
	if (group != NULL && chown(path, (uid_t)-1, gid) != 0) {
		snprintf(err, errlen, "chown %s to group %s: %s", path, group, strerror(errno));
		goto fail;
	}
	if (lstat(path, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (listen(fd, TS_LISTEN_BACKLOG) != 0) {
		snprintf(err, errlen, "listen %s: %s", path, strerror(errno));
		goto fail;
	}
	l->fd = fd;
	l->family = AF_UNIX;
	l->dev = st.st_dev;
	l->ino = st.st_ino;
	memcpy(l->path, path, len + 1);
	snprintf(l->name, sizeof(l->name), "unix:%s", path);
	return TS_LISTEN_OK;
fail:
	if (created)
		unlink(path);
	if (fd >= 0)
		close(fd);
	return TS_LISTEN_ERROR;
}

/* "1".."65535", digits only. */
static int
parse_port(const char *s)
{
	char *end;
	long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > 65535)
		return -1;
	return (int)v;
}

/*
 * Splits a TCP spec into host and port: "[v6]:port", "host:port", ":port"
 * or "port". An empty host is LISTEN_DEFAULT_HOST.
 */
static int
split_tcp_spec(const char *spec, char *host, size_t hostlen, int *port, char *err,
    size_t errlen)
{
	const char *colon, *close_br, *h = spec, *p;
	size_t n;

	if (spec[0] == '[') {
		close_br = strchr(spec, ']');
		if (close_br == NULL || close_br[1] != ':') {
			snprintf(err, errlen, "listen: expected [address]:port");
			return -1;
		}
		h = spec + 1;
		n = (size_t)(close_br - h);
		p = close_br + 2;
	} else if ((colon = strrchr(spec, ':')) != NULL) {
		n = (size_t)(colon - spec);
		if (memchr(spec, ':', n) != NULL) {
			snprintf(err, errlen,
			    "listen: write an IPv6 address in brackets, as [::1]:9000");
			return -1;
		}
		p = colon + 1;
	} else {
		n = 0;
		p = spec;
	}
	if (n == 0) {
		h = LISTEN_DEFAULT_HOST;
		n = strlen(h);
	}
	if (n >= hostlen) {
		snprintf(err, errlen, "listen: address too long");
		return -1;
	}
	memcpy(host, h, n);
	host[n] = '\0';
	if ((*port = parse_port(p)) < 0) {
		snprintf(err, errlen, "listen: bad port '%s' (expected 1-65535)", p);
		return -1;
	}
	return 0;
}

static int
is_loopback(const struct sockaddr *sa)
{
	const struct sockaddr_in *in4;
	const struct sockaddr_in6 *in6;

	if (sa->sa_family == AF_INET) {
		in4 = (const struct sockaddr_in *)sa;
		return (ntohl(in4->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		in6 = (const struct sockaddr_in6 *)sa;
		return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
	}
	return 0;
}

static enum ts_listen_status
open_tcp(const char *spec, struct ts_listener *l, char *err, size_t errlen)
{
	struct addrinfo hints, *ai = NULL;
	unsigned char probe[sizeof(struct in6_addr)];
	char host[LISTEN_HOST_MAX], portstr[8];
	int fd = -1, port, one = 1, rc;

	if (split_tcp_spec(spec, host, sizeof(host), &port, err, errlen) != 0)
		goto fail;
	/* Strict dotted quad or IPv6 text: getaddrinfo alone takes "0" or "127.1" too. */
	if (inet_pton(strchr(host, ':') != NULL ? AF_INET6 : AF_INET, host, probe) != 1) {
		snprintf(err, errlen,
		    "listen: '%s' is not a numeric IPv4 or IPv6 address (use 127.0.0.1:PORT)",
		    host);
		goto fail;
	}
	snprintf(portstr, sizeof(portstr), "%d", port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	rc = getaddrinfo(host, portstr, &hints, &ai);
	if (rc != 0 || ai == NULL) {
		snprintf(err, errlen,
		    "listen: '%s' is not a numeric IPv4 or IPv6 address (use 127.0.0.1:PORT)",
		    host);
		goto fail;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		goto fail;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0) {
		snprintf(err, errlen, "SO_REUSEADDR: %s", strerror(errno));
		goto fail;
	}
	if (ai->ai_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) != 0) {
		snprintf(err, errlen, "IPV6_V6ONLY: %s", strerror(errno));
		goto fail;
	}
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		snprintf(err, errlen, "bind %s: %s", spec, strerror(errno));
		goto fail;
	}
	if (listen(fd, TS_LISTEN_BACKLOG) != 0) {
		snprintf(err, errlen, "listen %s: %s", spec, strerror(errno));
		goto fail;
	}
	l->fd = fd;
	l->family = ai->ai_family;
	l->loopback = is_loopback(ai->ai_addr);
	snprintf(l->name, sizeof(l->name), ai->ai_family == AF_INET6 ? "[%s]:%d" : "%s:%d",
	    host, port);
	freeaddrinfo(ai);
	return TS_LISTEN_OK;
fail:
	if (ai != NULL)
		freeaddrinfo(ai);
	if (fd >= 0)
		close(fd);
	return TS_LISTEN_ERROR;
}

enum ts_listen_status
ts_listen_open(const char *spec, const char *group, struct ts_listener *l, char *err,
    size_t errlen)
{
	static const char unix_prefix[] = "unix:";

	listener_reset(l);
	if (spec == NULL || *spec == '\0') {
		snprintf(err, errlen, "listen: empty address");
		return TS_LISTEN_ERROR;
	}
	if (strncmp(spec, unix_prefix, sizeof(unix_prefix) - 1) == 0)
		return open_unix(spec + sizeof(unix_prefix) - 1, group, l, err, errlen);
	if (spec[0] == '/') {
		snprintf(err, errlen, "listen: write a unix socket as unix:%s", spec);
		return TS_LISTEN_ERROR;
	}
	return open_tcp(spec, l, err, errlen);
}

void
ts_listen_close(struct ts_listener *l)
{
	struct stat st;

	if (l->fd >= 0) {
		close(l->fd);
		l->fd = -1;
	}
	/* Remove the file only if nobody has replaced it since. */
	if (l->family == AF_UNIX && l->path[0] != '\0' && lstat(l->path, &st) == 0 &&
	    S_ISSOCK(st.st_mode) && st.st_dev == l->dev && st.st_ino == l->ino)
		unlink(l->path);
	l->path[0] = '\0';
}
