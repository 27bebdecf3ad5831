/* UUIDs (libuuid): client input in any case, output lowercase 8-4-4-4-12. */
#ifndef TS_IDS_H
#define TS_IDS_H

#include <uuid/uuid.h>

#define TS_UUID_STR_LEN 36

/* Parses a client-supplied id: 0 and fills out, or -1 when it is not a UUID
 * (braces, missing hyphens, wrong length). The nil UUID parses (it names nothing: 404). */
int ts_uuid_parse(const char *s, uuid_t out);

/* Like ts_uuid_parse, but refuses the nil UUID (for ids a client creates). */
int ts_uuid_parse_new(const char *s, uuid_t out);

/* Writes the lowercase form into out (37 bytes). */
void ts_uuid_format(const uuid_t id, char out[TS_UUID_STR_LEN + 1]);

/* A new random id. */
void ts_uuid_generate(uuid_t out);

/*
 * Generated request ids: 32 lowercase hex digits, a 64-bit random prefix
 * drawn once per process and a 64-bit counter. They must be unique, not
 * unguessable, and a random UUID per request costs libuuid six system calls.
 * Each worker calls ts_request_ids_reset when it starts (src/server.c), so
 * no two share a prefix; a process that never does draws one at its first id.
 */
#define TS_REQUEST_ID_LEN 32

void ts_request_ids_reset(void);
void ts_request_id_new(char out[TS_REQUEST_ID_LEN + 1]);

#endif
