/*
 * A single-writer, single-reader ring in shared memory (include/log_ring.h).
 * head and tail count every byte ever read and written (they never wrap in
 * practice: 2^64 bytes); a byte's place is its count modulo the size. The
 * writer alone moves tail, after the bytes are in place (release), and the
 * reader alone moves head, after it has copied them out (release), so each
 * side reads the other's counter with acquire and never sees a byte before
 * it is there, nor overwrites one before it is read. A writer that dies
 * mid-line never moved tail past it: the reader sees whole lines only.
 */
#include <stdalign.h>
#include <stdatomic.h>
#include <string.h>

#include <sys/mman.h>

#include "log_ring.h"

/* The counters are shared between processes: only a lock-free atomic is
 * (a lock would live in one process). size_t is unsigned long here. */
_Static_assert(ATOMIC_LONG_LOCK_FREE == 2, "the log ring needs lock-free atomic counters");
_Static_assert(sizeof(size_t) == sizeof(unsigned long), "size_t is unsigned long");

struct ts_log_ring {
	/* Each counter on its own cache line: the two sides write one each. */
	alignas(64) atomic_size_t head;
	alignas(64) atomic_size_t tail;
	alignas(64) char data[TS_LOG_RING_BYTES];
};


struct ts_log_ring *
ts_log_rings_new(size_t n)
{
	void *p = mmap(NULL, n * sizeof(struct ts_log_ring), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
	    -1, 0); /* cppcheck-suppress invalidFunctionArg ; -1: no file */

	if (p == MAP_FAILED)
		return NULL;
	/* Anonymous memory starts zeroed: every ring empty. */
	return p;
}

void
ts_log_rings_free(struct ts_log_ring *rings, size_t n)
{
	if (rings != NULL)
		munmap(rings, n * sizeof(*rings));
}

struct ts_log_ring *
ts_log_ring_at(struct ts_log_ring *rings, size_t i)
{
	return &rings[i];
}

int
ts_log_ring_put(struct ts_log_ring *r, const char *line, size_t n)
{
	size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
	size_t at = tail % TS_LOG_RING_BYTES, first;

	if (n > TS_LOG_RING_BYTES - (tail - head))
		return -1;
	first = n < TS_LOG_RING_BYTES - at ? n : TS_LOG_RING_BYTES - at;
	memcpy(r->data + at, line, first);
	memcpy(r->data, line + first, n - first);
	atomic_store_explicit(&r->tail, tail + n, memory_order_release);
	return 0;
}

size_t
ts_log_ring_take(struct ts_log_ring *r, char *buf, size_t room)
{
	size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	size_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
	size_t at = head % TS_LOG_RING_BYTES, n = tail - head, first;

	if (n > room)
		n = room;
	first = n < TS_LOG_RING_BYTES - at ? n : TS_LOG_RING_BYTES - at;
	memcpy(buf, r->data + at, first);
	memcpy(buf + first, r->data, n - first);
	atomic_store_explicit(&r->head, head + n, memory_order_release);
	return n;
}

void
ts_log_ring_reset(struct ts_log_ring *r)
{
	atomic_store_explicit(&r->head, 0, memory_order_relaxed);
	atomic_store_explicit(&r->tail, 0, memory_order_release);
}
