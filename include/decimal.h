/*
 * Unsigned integers in decimal without printf: the access line and the
 * response head are written on every request, and snprintf cost them more
 * than the rest of their work (docs/design.md: The request path).
 */
#ifndef TS_DECIMAL_H
#define TS_DECIMAL_H

#include <stddef.h>

/* Room for any unsigned long long in decimal (20 digits), with a NUL. */
#define TS_DECIMAL_MAX 21

/*
 * Writes v into out in decimal, zero-padded to at least width digits (width
 * above 20 counts as 20), NUL-terminated; returns the number of digits.
 */
size_t ts_decimal(char out[TS_DECIMAL_MAX], unsigned long long v, int width);

#endif
