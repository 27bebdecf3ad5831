/*
 * The FastCGI sink (src/fcgi_io.c) over a real libfcgi request: a child
 * accepts and answers with libfcgi as a worker does, the test reads the
 * records as a web server would. The response must be the head and the
 * body in FCGI_STDOUT records, then the stream's end and FCGI_END_REQUEST,
 * and nothing from libfcgi after them: a second request on a kept
 * connection is answered in turn, a closed one ends there.
 */
#include <check.h>
#include <errno.h>
#include <fastcgi.h>
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "fcgi_io.h"

#define HEAD "Status: 200 OK\r\nContent-Type: text/plain\r\n\r\n"

/* A body of n bytes of a pattern, so a misplaced record shows. */
static char *
pattern(size_t n)
{
	char *b = malloc(n);
	size_t i;

	ck_assert_ptr_nonnull(b);
	for (i = 0; i < n; i++)
		b[i] = (char)('a' + (i * 7 + i / 251) % 26);
	return b;
}

static void
put_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		ck_assert_int_gt(w, 0);
		p += w;
		n -= (size_t)w;
	}
}

/* Reads exactly n bytes; 0, or -1 at the end of the stream. */
static int
get_all(int fd, void *buf, size_t n)
{
	char *p = buf;
	ssize_t r;

	while (n > 0) {
		r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static void
put_record(int fd, unsigned char type, const void *content, size_t len)
{
	FCGI_Header h;

	memset(&h, 0, sizeof(h));
	h.version = FCGI_VERSION_1;
	h.type = type;
	h.requestIdB0 = 1;
	h.contentLengthB1 = (unsigned char)(len >> 8);
	h.contentLengthB0 = (unsigned char)len;
	put_all(fd, &h, sizeof(h));
	if (len > 0)
		put_all(fd, content, len);
}

/* A GET as a web server sends it, keeping the connection or not. */
static void
send_request(int fd, int keep)
{
	FCGI_BeginRequestBody b;
	static const char params[] = "\016\003REQUEST_METHODGET";

	memset(&b, 0, sizeof(b));
	b.roleB0 = FCGI_RESPONDER;
	b.flags = keep ? FCGI_KEEP_CONN : 0;
	put_record(fd, FCGI_BEGIN_REQUEST, &b, sizeof(b));
	put_record(fd, FCGI_PARAMS, params, sizeof(params) - 1);
	put_record(fd, FCGI_PARAMS, NULL, 0);
	put_record(fd, FCGI_STDIN, NULL, 0);
}

/*
 * Reads one response: its FCGI_STDOUT content into *out (malloc'd, *n
 * bytes), checking every record's padding, up to FCGI_END_REQUEST.
 */
static void
read_response(int fd, char **out, size_t *n)
{
	FCGI_Header h;
	FCGI_EndRequestBody end;
	char pad[255];
	size_t len, cap = 0;
	int ended = 0;

	*out = NULL;
	*n = 0;
	for (;;) {
		ck_assert_int_eq(get_all(fd, &h, sizeof(h)), 0);
		ck_assert_int_eq(h.version, FCGI_VERSION_1);
		ck_assert_int_eq(h.requestIdB1 * 256 + h.requestIdB0, 1);
		len = (size_t)h.contentLengthB1 * 256 + h.contentLengthB0;
		ck_assert_int_eq(h.paddingLength, (8 - len % 8) % 8);
		if (h.type == FCGI_END_REQUEST) {
			ck_assert_int_eq(len, sizeof(end));
			ck_assert_int_eq(get_all(fd, &end, sizeof(end)), 0);
			ck_assert_int_eq(end.protocolStatus, FCGI_REQUEST_COMPLETE);
			ck_assert_msg(ended, "FCGI_END_REQUEST before the stream's end");
			return;
		}
		ck_assert_int_eq(h.type, FCGI_STDOUT);
		ck_assert_msg(!ended, "FCGI_STDOUT after the stream's end");
		if (len == 0) {
			ended = 1;
			continue;
		}
		if (*n + len > cap) {
			cap = (*n + len) * 2;
			*out = realloc(*out, cap);
			ck_assert_ptr_nonnull(*out);
		}
		ck_assert_int_eq(get_all(fd, *out + *n, len), 0);
		*n += len;
		ck_assert_int_eq(get_all(fd, pad, h.paddingLength), 0);
	}
}

/*
 * The worker's side, in a child: accepts on listen_fd and answers each
 * request with HEAD and body_len bytes of the pattern (a HEAD-only answer
 * when body_len is 0), keeping the connection as asked, requests times.
 */
static void
serve(int listen_fd, size_t body_len, int requests)
{
	FCGX_Request req;
	struct ts_response_sink sink;
	char *body = body_len > 0 ? pattern(body_len) : NULL;
	int i;

	if (FCGX_InitRequest(&req, listen_fd, 0) != 0)
		_exit(2);
	for (i = 0; i < requests; i++) {
		if (i > 0)
			req.listen_sock = -1;   /* the next request on the kept connection */
		if (FCGX_Accept_r(&req) != 0)
			_exit(3);
		ts_fcgi_sink(&req, &sink);
		if (sink.send(sink.ctx, HEAD, strlen(HEAD), body, body_len) != 0)
			_exit(4);
		ts_fcgi_finish(&req);
	}
	free(body);
	_exit(0);
}

struct exchange {
	char dir[64];
	int client;
	pid_t child;
};

static void
start(struct exchange *x, size_t body_len, int requests)
{
	struct sockaddr_un sa;
	char path[96];
	int listen_fd;

	snprintf(x->dir, sizeof(x->dir), "/tmp/ts-fcgi-io.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(x->dir));
	snprintf(path, sizeof(path), "%s/s", x->dir);
	ck_assert_int_eq(FCGX_Init(), 0);
	listen_fd = FCGX_OpenSocket(path, 5);
	ck_assert_int_ge(listen_fd, 0);
	x->child = fork();
	ck_assert_int_ge(x->child, 0);
	if (x->child == 0)
		serve(listen_fd, body_len, requests);
	close(listen_fd);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	x->client = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(x->client, 0);
	ck_assert_int_eq(connect(x->client, (struct sockaddr *)&sa, sizeof(sa)), 0);
}

/* The child ended well and the connection is closed with nothing more on it. */
static void
finish(struct exchange *x)
{
	char c, path[96];
	int status;

	ck_assert_int_eq(read(x->client, &c, 1), 0);
	close(x->client);
	ck_assert_int_eq(waitpid(x->child, &status, 0), x->child);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the worker's side failed: %d", status);
	snprintf(path, sizeof(path), "%s/s", x->dir);
	unlink(path);
	rmdir(x->dir);
}

static void
check_response(int fd, size_t body_len)
{
	char *got, *want = pattern(body_len + 1);
	size_t n;

	read_response(fd, &got, &n);
	ck_assert_uint_eq(n, strlen(HEAD) + body_len);
	ck_assert_int_eq(memcmp(got, HEAD, strlen(HEAD)), 0);
	ck_assert_msg(memcmp(got + strlen(HEAD), want, body_len) == 0, "the body differs");
	free(got);
	free(want);
}

/* A body larger than one record and than one writev's batch (21 records),
 * then a second request on the kept connection: libfcgi added nothing
 * between them and reads the next request as it should. */
START_TEST(test_large_body_on_a_kept_connection)
{
	struct exchange x;
	size_t len = 1500 * 1000 + 3;

	start(&x, len, 2);
	send_request(x.client, 1);
	check_response(x.client, len);
	send_request(x.client, 0);
	check_response(x.client, len);
	finish(&x);
}
END_TEST

/* A small answer on a connection not kept: the records, then the close. */
START_TEST(test_small_body_then_close)
{
	struct exchange x;

	start(&x, 13, 1);
	send_request(x.client, 0);
	check_response(x.client, 13);
	finish(&x);
}
END_TEST

/* The head alone (a HEAD, a 204): no body record, the stream still ends. */
START_TEST(test_head_only)
{
	struct exchange x;

	start(&x, 0, 1);
	send_request(x.client, 0);
	check_response(x.client, 0);
	finish(&x);
}
END_TEST

static Suite *
make_suite(void)
{
	Suite *s = suite_create("fcgi_io");
	TCase *tc = tcase_create("send");

	signal(SIGPIPE, SIG_IGN);
	tcase_add_test(tc, test_large_body_on_a_kept_connection);
	tcase_add_test(tc, test_small_body_then_close);
	tcase_add_test(tc, test_head_only);
	suite_add_tcase(s, tc);
	return s;
}

#include "check_main.h"
