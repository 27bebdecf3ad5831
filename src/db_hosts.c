/*
 * A cluster's addresses and the order a worker tries them in.
 *
 * The order is the listed one: the first address is the preferred node,
 * the others its fallbacks, as HAProxy's single-writer setup has it
 * (README: Running on a Galera cluster). Each threadstore host may list its
 * own nearest node first. An address that refused a connection, timed out,
 * was not ready (not Synced: a joiner, a donor, a node outside the primary
 * component) or lost the connection is moved to the end of the order for
 * TS_DB_HOST_DOWN_SECONDS, so a dead or frozen node costs each worker one
 * connect timeout rather than one a request; it is still tried last, so a
 * request gets 503 only when no address answers. A worker whose connection
 * is on a fallback closes it after TS_DB_FAILBACK_SECONDS, at the start of
 * a request, and tries the first address again: the writes go back to one
 * node once it is back, where writes from two nodes to one thread would
 * conflict at COMMIT and be run again.
 *
 * The state is per worker (struct ts_db_route inside its database handle):
 * workers are processes, and each finds a dead node by itself.
 */
#include <errmsg.h>
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_hosts.h"
#include "sql.h"

/* A node outside the primary component, or not yet synced: "WSREP has
 * not yet prepared node for application use". */
#define ER_WSREP_NOT_READY_NO 1047
#define ER_SERVER_SHUTDOWN_NO 1053

/*
 * Ready: not a Galera node (wsrep off), or a Synced one (wsrep_local_state
 * 4, as clustercheck counts it). A node outside the primary component
 * answers 1047 to the query itself, which is not ready either.
 */
static const char ready_sql[] =
    "SELECT @@GLOBAL.wsrep_on = 0 OR (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
    "WHERE VARIABLE_NAME = 'WSREP_LOCAL_STATE') = '4'";

static const char causal_prefix[] = TS_SQL_CAUSAL_PREFIX;
static const char begin_plain[] = TS_SQL_BEGIN;
static const char begin_causal[] = TS_SQL_BEGIN_CAUSAL;

void
ts_db_hosts_free(struct ts_db_host *hosts, size_t n)
{
	size_t i;

	for (i = 0; hosts != NULL && i < n; i++)
		free(hosts[i].host);
	free(hosts);
}

/* A host name or address: letters, digits, '.', '-', '_' and ':' (IPv6). */
static int
valid_host(const char *s, size_t n, int bracketed)
{
	size_t i;

	if (n == 0 || n > 255)
		return 0;
	for (i = 0; i < n; i++) {
		char ch = s[i];

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		    ch == '.' || ch == '-' || ch == '_' || (bracketed && ch == ':'))
			continue;
		return 0;
	}
	return 1;
}

/* A port: 1 to 65535, digits only. */
static int
parse_port(const char *s, size_t n, unsigned int *out)
{
	unsigned long v = 0;
	size_t i;

	if (n == 0 || n > 5)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v < 1 || v > 65535)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

/* One "host[:port]" of s[0..n), spaces trimmed; 0 or -1 with *why. */
static int
parse_one(const char *s, size_t n, unsigned int default_port, struct ts_db_host *h, const char **why)
{
	const char *host, *colon = NULL;
	size_t hlen;
	int bracketed = 0;

	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	host = s;
	if (n > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', n);

		if (close == NULL) {
			*why = "an IPv6 address needs its closing ]";
			return -1;
		}
		bracketed = 1;
		host = s + 1;
		hlen = (size_t)(close - host);
		if (close + 1 < s + n) {
			if (close[1] != ':') {
				*why = "must be host or host:port, separated by commas";
				return -1;
			}
			colon = close + 1;
		}
	} else {
		colon = memchr(s, ':', n);
		hlen = colon != NULL ? (size_t)(colon - s) : n;
	}
	if (!valid_host(host, hlen, bracketed)) {
		*why = n == 0 ? "has an empty address" : "has an address that is not a host name or IP address";
		return -1;
	}
	h->port = default_port;
	if (colon != NULL && parse_port(colon + 1, (size_t)(s + n - colon - 1), &h->port) != 0) {
		*why = "has a port that is not a number from 1 to 65535";
		return -1;
	}
	h->host = strndup(host, hlen);
	if (h->host == NULL) {
		*why = "out of memory";
		return -1;
	}
	return 0;
}

int
ts_db_hosts_parse(const char *list, unsigned int default_port, struct ts_db_host **out, size_t *n,
    const char **why)
{
	struct ts_db_host *hosts = calloc(TS_MAX_DB_HOSTS, sizeof(*hosts));
	const char *p = list;
	size_t count = 0;

	if (hosts == NULL) {
		*why = "out of memory";
		return -1;
	}
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);

		if (count == TS_MAX_DB_HOSTS) {
			*why = "lists more than 16 addresses";
			goto fail;
		}
		if (parse_one(p, len, default_port, &hosts[count], why) != 0)
			goto fail;
		count++;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	*out = hosts;
	*n = count;
	return 0;
fail:
	ts_db_hosts_free(hosts, count);
	return -1;
}

static int
before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* Whether address i failed less than TS_DB_HOST_DOWN_SECONDS ago. */
static int
passed_over(const struct ts_db_route *r, size_t i, const struct timespec *now)
{
	return before(now, &r->down_until[i]);
}

size_t
ts_db_route_order(const struct ts_db_route *r, const struct ts_config *cfg, const struct timespec *now,
    size_t *order)
{
	size_t i, k = 0;
	int pass;

	/* First the addresses not passed over, in listed order; then the others. */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < cfg->db_nhosts && i < TS_MAX_DB_HOSTS; i++)
			if (passed_over(r, i, now) == pass)
				order[k++] = i;
	return k;
}

void
ts_db_route_up(struct ts_db_route *r, size_t i, const struct timespec *now)
{
	if (i >= TS_MAX_DB_HOSTS)
		return;
	r->current = i;
	r->opened = *now;
	r->down_until[i].tv_sec = 0;
	r->down_until[i].tv_nsec = 0;
}

void
ts_db_route_down(struct ts_db_route *r, size_t i, const struct timespec *now)
{
	if (i >= TS_MAX_DB_HOSTS)
		return;
	r->down_until[i] = *now;
	r->down_until[i].tv_sec += TS_DB_HOST_DOWN_SECONDS;
}

void
ts_db_route_lost(struct ts_db_route *r, const struct ts_config *cfg, unsigned int e, const struct timespec *now)
{
	if (cfg->db_nhosts == 0)
		return;
	switch (e) {
	case ER_WSREP_NOT_READY_NO:
	case ER_SERVER_SHUTDOWN_NO:
	case CR_SERVER_GONE_ERROR:
	case CR_SERVER_LOST:
	case CR_CONNECTION_ERROR:
	case CR_CONN_HOST_ERROR:
	case CR_SERVER_LOST_EXTENDED:
		ts_db_route_down(r, r->current, now);
		break;
	default:
		break;
	}
}

int
ts_db_node_ready(void *conn, unsigned int *e)
{
	MYSQL *m = conn;
	MYSQL_RES *res;
	MYSQL_ROW row;
	int ready;

	*e = 0;
	if (mysql_real_query(m, ready_sql, sizeof(ready_sql) - 1) != 0 || (res = mysql_store_result(m)) == NULL) {
		*e = mysql_errno(m);
		return -1;
	}
	row = mysql_fetch_row(res);
	ready = row != NULL && row[0] != NULL && strcmp(row[0], "1") == 0;
	mysql_free_result(res);
	return ready ? 0 : -1;
}

int
ts_db_route_fail_back(const struct ts_db_route *r, const struct ts_config *cfg, const struct timespec *now)
{
	if (cfg->db_nhosts < 2 || r->current == 0)
		return 0;
	/* Not while the first address is still passed over: it failed lately. */
	if (passed_over(r, 0, now))
		return 0;
	return now->tv_sec - r->opened.tv_sec >= TS_DB_FAILBACK_SECONDS;
}

const char *
ts_db_causal_text(const struct ts_config *cfg, const char *text, int causal, char **to_free)
{
	size_t n;

	*to_free = NULL;
	if (!cfg->db_sync_wait || !causal)
		return text;
	n = sizeof(causal_prefix) - 1 + strlen(text) + 1;
	if ((*to_free = malloc(n)) == NULL)
		return NULL;
	snprintf(*to_free, n, "%s%s", causal_prefix, text);
	return *to_free;
}

const char *
ts_db_begin_text(const struct ts_config *cfg)
{
	return cfg->db_sync_wait ? begin_causal : begin_plain;
}
