/*
 * The listen socket of `threadstore serve`, made by us rather than by libfcgi
 * (whose FCGX_OpenSocket binds TCP to every interface and leaves a unix
 * socket's mode to the umask). Only the web server may reach it: libfcgi
 * 2.4.2 lets any peer kill a worker with one record (CVE-2025-23016, see
 * docs and the traps list), so
 *  - "unix:/path.sock": mode 0660, group socket_group when configured;
 *  - "HOST:PORT", "[V6]:PORT", ":PORT", "PORT": a numeric address, loopback
 *    (127.0.0.1) when none is given; the caller restricts peers further with
 *    FCGI_WEB_SERVER_ADDRS.
 */
#ifndef TS_LISTEN_H
#define TS_LISTEN_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/un.h>

#define TS_LISTEN_NAME_MAX 128

struct ts_listener {
	int fd;                 /* the listening socket, -1 when closed */
	int family;             /* AF_UNIX, AF_INET or AF_INET6 */
	int loopback;           /* TCP bound to 127.0.0.0/8 or ::1 */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)]; /* unix only */
	dev_t dev;              /* the socket file we created (unix only) */
	ino_t ino;
	char name[TS_LISTEN_NAME_MAX]; /* for logs: "unix:/x.sock", "127.0.0.1:9000" */
};

enum ts_listen_status { TS_LISTEN_OK = 0, TS_LISTEN_ERROR };

/*
 * Parses spec and opens a listening socket with backlog TS_LISTEN_BACKLOG.
 * group (NULL for none) is the unix socket's group, by name or number. A stale
 * unix socket file is replaced; a path that is not a socket, or a socket a
 * live server still accepts on, is an error. On error writes a message into
 * err and leaves l->fd at -1 with nothing created.
 */
enum ts_listen_status ts_listen_open(const char *spec, const char *group,
    struct ts_listener *l, char *err, size_t errlen);

/*
 * Closes the socket and removes its file if the file is still the one we
 * created. Only the process that opened the listener calls this (never a
 * forked worker). Safe to call twice.
 */
void ts_listen_close(struct ts_listener *l);

#endif
