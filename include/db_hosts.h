/*
 * A cluster's database addresses ([database] hosts) and the order a worker
 * tries them in (src/db_hosts.c): the first address that answers and is
 * ready for use wins; an address that failed is passed over for a while; a
 * worker on a fallback address goes back to the first one after a while.
 * Also the read-your-writes texts ([database] sync_wait): Galera's causal
 * wait put in front of the statements that must see the caller's own writes.
 *
 * With no `hosts` key nothing here is used: the single server of `host`,
 * `port` or `socket` is connected to as before, never checked for a
 * cluster's readiness.
 */
#ifndef TS_DB_HOSTS_H
#define TS_DB_HOSTS_H

#include <stddef.h>
#include <time.h>

#include "config.h"
#include "ts_limits.h"

/*
 * Parses "host[:port], host[:port], ..." (an IPv6 address in brackets,
 * "[::1]:3306"); default_port for an address without one (0: the client
 * library's default). On success *out holds *n addresses (1 to
 * TS_MAX_DB_HOSTS), owned by the caller (ts_db_hosts_free), and 0 is
 * returned; on error -1, nothing allocated, *why says what is wrong.
 */
int ts_db_hosts_parse(const char *list, unsigned int default_port, struct ts_db_host **out, size_t *n,
    const char **why);
void ts_db_hosts_free(struct ts_db_host *hosts, size_t n);

/*
 * A worker's route through the addresses: where it is connected, and until
 * when each address that failed is passed over (CLOCK_MONOTONIC). Zeroed
 * memory is a valid route.
 */
struct ts_db_route {
	size_t current;                 /* the address of the open connection */
	struct timespec opened;         /* when that connection was opened */
	struct timespec down_until[TS_MAX_DB_HOSTS];
};

/*
 * The order to try the addresses in, written into order (room for
 * TS_MAX_DB_HOSTS); returns how many. Listed order, the addresses that
 * failed in the last TS_DB_HOST_DOWN_SECONDS moved to the end (still tried:
 * a 503 only when none answers).
 */
size_t ts_db_route_order(const struct ts_db_route *r, const struct ts_config *cfg, const struct timespec *now,
    size_t *order);

/* Address i answered and is ready: the connection is on it from now. */
void ts_db_route_up(struct ts_db_route *r, size_t i, const struct timespec *now);

/* Address i did not answer, or is not ready: pass it over for a while. */
void ts_db_route_down(struct ts_db_route *r, size_t i, const struct timespec *now);

/*
 * Whether an open connection on a fallback address should be closed at the
 * start of a request, so the next one tries the first address again: after
 * TS_DB_FAILBACK_SECONDS on it. Never for the first address, or without
 * `hosts`.
 */
int ts_db_route_fail_back(const struct ts_db_route *r, const struct ts_config *cfg, const struct timespec *now);

/*
 * The connection on the current address was lost with error e: a node
 * that went away, shut down or left the primary component (not a KILL of
 * the one connection, nor an idle timeout) is passed over for a while.
 */
void ts_db_route_lost(struct ts_db_route *r, const struct ts_config *cfg, unsigned int e,
    const struct timespec *now);

/*
 * Whether the server of a new connection m (a MYSQL *) is ready for use:
 * not a Galera node, or a Synced one. 0 ready; else -1 and *e the error
 * number (0 when it answered "not synced").
 */
int ts_db_node_ready(void *m, unsigned int *e);

/*
 * The text to prepare for a statement: with sync_wait on and causal set,
 * "SET STATEMENT wsrep_sync_wait = 1 FOR " and the text, in memory the
 * caller frees (*to_free; NULL out of memory is reported as NULL); else the
 * text itself and *to_free NULL.
 */
const char *ts_db_causal_text(const struct ts_config *cfg, const char *text, int causal, char **to_free);

/* The statement that starts a transaction: causal with sync_wait on. */
const char *ts_db_begin_text(const struct ts_config *cfg);

#endif
