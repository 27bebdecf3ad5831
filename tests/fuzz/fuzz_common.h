/*
 * Shared by the libFuzzer targets in tests/fuzz: the entry point's
 * prototype, a checked invariant that names itself when it breaks, and the
 * fuzzer's bytes as a C string.
 */
#ifndef TS_FUZZ_COMMON_H
#define TS_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * An invariant: when it does not hold, say which and abort, which libFuzzer
 * reports as a crash and saves the input for. Written to file descriptor 2
 * itself, as the sanitizers write, so that a target may point the stdio
 * stream stderr elsewhere.
 */
#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		dprintf(2, "%s:%d: invariant broken: %s\n",		\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

/* The input as a NUL-terminated copy (cut at its first NUL, as a CGI
 * parameter would be); the caller frees it. Aborts out of memory. */
static inline char *
fuzz_cstring(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	FUZZ_CHECK(s != NULL);
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
