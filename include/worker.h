/*
 * One worker of `threadstore serve` (or the one program a web server
 * started on an inherited socket): it polls the listen socket, the
 * connections the web server keeps open between requests, and its stop
 * signals, and answers one request at a time (src/worker.c).
 */
#ifndef TS_WORKER_H
#define TS_WORKER_H

#include <stdint.h>

#include "config.h"

/*
 * The scoreboard: one slot per worker, in memory the master maps shared
 * before the first fork. A worker writes the CLOCK_MONOTONIC millisecond at
 * which it starts on a request (before libfcgi reads it, so a client that
 * sends its request slowly is timed too) and 0 when it has answered.
 * The master reads the slots on its tick and kills a worker whose request is
 * older than request_timeout + TS_DEADLINE_GRACE_SECONDS: by then the worker
 * has had its chance to answer 503 itself, and it is stuck where no deadline
 * reaches (a client that never finishes its body, a hung system call), as
 * php-fpm's request_terminate_timeout does. One writer a slot, read a tick
 * late at worst: relaxed atomics are enough.
 *
 * TS_SLOT_RETIRING: the worker retires while it still holds kept
 * connections, and asks to be replaced now; it never writes the slot again
 * (the master gives the slot to its successor and times the retiring worker
 * by TS_KEEPALIVE_DRAIN_SECONDS instead).
 */
typedef _Atomic uint_least64_t ts_slot;
#define TS_SLOT_RETIRING UINT64_MAX

/* CLOCK_MONOTONIC in milliseconds, never 0 (0 is an idle slot). */
uint_least64_t ts_mono_ms(void);

/*
 * Serves FastCGI requests on listen_fd (non-blocking) until a stop signal,
 * or until it retires (max_requests, SIGHUP) and its kept connections are
 * closed. slot is NULL for a worker without a master. Returns the exit
 * status: EXIT_SUCCESS, or EXIT_FAILURE when the worker cannot go on (the
 * master then counts it as a crash).
 */
int ts_worker_run(const struct ts_config *cfg, int listen_fd, ts_slot *slot);

#endif
