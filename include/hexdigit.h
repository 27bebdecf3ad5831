/* One hexadecimal digit, for the decoders of %XX (query strings) and \uXXXX
 * (JSON text), which read their input byte by byte. */
#ifndef TS_HEXDIGIT_H
#define TS_HEXDIGIT_H

/* The value of the hex digit c (either case), or -1 when c is not one. */
static inline int
ts_hex_digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
