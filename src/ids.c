/* UUID parsing and formatting on libuuid. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>

#include "ids.h"

int
ts_uuid_parse(const char *s, uuid_t out)
{
	/* uuid_parse insists on the 8-4-4-4-12 form of exactly 36 characters. */
	if (s == NULL || strlen(s) != TS_UUID_STR_LEN)
		return -1;
	return uuid_parse(s, out) == 0 ? 0 : -1;
}

int
ts_uuid_parse_new(const char *s, uuid_t out)
{
	if (ts_uuid_parse(s, out) != 0 || uuid_is_null(out))
		return -1;
	return 0;
}

void
ts_uuid_format(const uuid_t id, char out[TS_UUID_STR_LEN + 1])
{
	uuid_unparse_lower(id, out);
}

/*
 * One getrandom() a new id: libuuid 2.38's uuid_generate_random costs nine
 * system calls an id (it opens /dev/urandom and reads the pid, uid and tid
 * to seed its fallback generator before calling getrandom() itself). The
 * bytes are the same kernel randomness; libuuid stays the fallback.
 */
void
ts_uuid_generate(uuid_t out)
{
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(uuid_t)) {
		n = getrandom(out + got, sizeof(uuid_t) - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			uuid_generate_random(out);
			return;
		}
		got += (size_t)n;
	}
	out[6] = (unsigned char)((out[6] & 0x0f) | 0x40);      /* version 4 */
	out[8] = (unsigned char)((out[8] & 0x3f) | 0x80);      /* the RFC 4122 variant */
}

static unsigned char rid_prefix[8];
static uint64_t rid_counter;
static int rid_ready;

void
ts_request_ids_reset(void)
{
	uuid_t u;

	uuid_generate_random(u);
	/* bytes 6 and 8 hold the version and variant bits: skip them */
	memcpy(rid_prefix, u, 6);
	memcpy(rid_prefix + 6, u + 10, 2);
	rid_counter = 0;
	rid_ready = 1;
}

void
ts_request_id_new(char out[TS_REQUEST_ID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	uint64_t n;
	int i;

	if (!rid_ready)
		ts_request_ids_reset();
	n = ++rid_counter;
	for (i = 0; i < 8; i++) {
		out[2 * i] = hex[rid_prefix[i] >> 4];
		out[2 * i + 1] = hex[rid_prefix[i] & 15];
	}
	for (i = 31; i >= 16; i--, n >>= 4)
		out[i] = hex[n & 15];
	out[TS_REQUEST_ID_LEN] = '\0';
}
