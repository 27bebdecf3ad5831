/* Unsigned integers in decimal (include/decimal.h). */
#include "decimal.h"

#include <string.h>

size_t
ts_decimal(char out[TS_DECIMAL_MAX], unsigned long long v, int width)
{
	char d[TS_DECIMAL_MAX - 1];
	size_t i = sizeof(d), n;

	/* the digits from the right; the loop stops at 20, which holds any v */
	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while ((v > 0 || (int)(sizeof(d) - i) < width) && i > 0);
	n = sizeof(d) - i;
	memcpy(out, d + i, n);
	out[n] = '\0';
	return n;
}
