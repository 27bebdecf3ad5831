/*
 * A served worker's log lines on their way through the master: the
 * master's reader of each worker's ring.
 *
 * Each worker the master forks writes its lines (src/log.c) into a ring in
 * memory it shares with the master (log_ring.h) instead of the log file
 * every worker shares: an append to a file seven other processes append to
 * cost a worker far more (bench/README.md, round 12; the rings were pipes
 * until round 15), and a copy into a ring costs it no system call at all.
 * The master reads every ring on each of its turns and after a worker
 * ends, and writes the lines to its stderr in the order of their time
 * stamps, so a worker that dies, even by SIGKILL, loses none of the lines
 * it wrote.
 */
#ifndef TS_LOG_READER_H
#define TS_LOG_READER_H

#include <stddef.h>

#include "log_ring.h"

/* What is read from a ring at a time; a line is at most 2 KiB (src/log.c). */
#define TS_LOG_READER_CHUNK 16384

/* The most readers one drain reads: a slot's and a drainer's per worker. */
#define TS_LOG_READERS_MAX 512

struct ts_log_reader {
	struct ts_log_ring *ring;       /* its ring, for good (ts_log_reader_init) */
	int open;                       /* a worker has it (ts_log_reader_open) */
	int ended;                      /* its worker has exited: read it to the end */
	int more;                       /* the last read filled the room: there may be more */
	unsigned int reads;             /* reads left in the current drain (unless ended) */
	size_t start, len;              /* unread lines: buf[start .. start + len) */
	size_t next;                    /* the length of the next whole line, 0 if none */
	char buf[TS_LOG_READER_CHUNK];
};

/* p, closed, reading ring (which it keeps). */
void ts_log_reader_init(struct ts_log_reader *p, struct ts_log_ring *ring);

/* Opens p for a new worker, empty: its ring, for the worker to write
 * into (ts_log_to_ring). */
struct ts_log_ring *ts_log_reader_open(struct ts_log_reader *p);

/* Closes p (after ts_log_readers_drain has read what was left), once its
 * worker is gone. */
void ts_log_reader_close(struct ts_log_reader *p);

/*
 * Reads every open reader of p[0..n) (n at most TS_LOG_READERS_MAX) until each
 * would block, has ended or has had its share of reads (a reader marked
 * ended is read to its end), and writes the whole lines read to out_fd,
 * merged by their time stamps (each reader's own lines stay in their order;
 * alike, the lower index first), in writes of at most PIPE_BUF bytes that
 * end at a line's end. Lines are in time order within one drain; a line
 * that waits for the next drain, or that a worker wrote to stderr itself,
 * may come after a later one.
 */
void ts_log_readers_drain(struct ts_log_reader *const *p, size_t n, int out_fd);

#endif
