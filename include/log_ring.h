/*
 * A worker's log lines in memory it shares with the master (src/log_ring.c):
 * a ring that one writer, the worker, fills and one reader, the master,
 * empties. A line costs the worker a copy and no system call, and what it
 * wrote outlives it, even a SIGKILL: the master reads the ring to the end
 * after reaping it (log_reader.h). A line is in the ring whole or not at all.
 */
#ifndef TS_LOG_RING_H
#define TS_LOG_RING_H

#include <stddef.h>

/* What one ring holds: a busy worker's lines over several of the master's turns. */
#define TS_LOG_RING_BYTES (256 * 1024)

struct ts_log_ring;

/* n empty rings in one shared mapping, made before the workers are forked
 * so that each sees them; NULL with errno. */
struct ts_log_ring *ts_log_rings_new(size_t n);

/* Unmaps what ts_log_rings_new(n) made; NULL is nothing. */
void ts_log_rings_free(struct ts_log_ring *rings, size_t n);

/* The i-th ring of rings. */
struct ts_log_ring *ts_log_ring_at(struct ts_log_ring *rings, size_t i);

/* The writer's: appends line (n bytes, n <= TS_LOG_RING_BYTES); 0, or -1
 * when it does not fit (the reader is behind), and then nothing is written. */
int ts_log_ring_put(struct ts_log_ring *r, const char *line, size_t n);

/* The reader's: moves up to room bytes of what is written into buf, in the
 * order written; the count (0: nothing written since the last take). */
size_t ts_log_ring_take(struct ts_log_ring *r, char *buf, size_t room);

/* Empties r for its next writer; only while none writes into it. */
void ts_log_ring_reset(struct ts_log_ring *r);

#endif
