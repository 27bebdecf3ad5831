/*
 * Read by cppcheck before every file (`make lint`, --include). cppcheck is
 * not given the system headers (they would slow it down and bring their own
 * findings), so it only knows the system's types from its own library
 * files, and two shapes matter here:
 *
 * - uuid_t is an array: without this, every `uuid_t id; ts_path_uuid(ctx, 0,
 *   id);` would look like a read of an uninitialised value;
 * - gid_t is unsigned on Linux (cppcheck's posix.cfg says signed, so
 *   `v < (long long)(gid_t)-1` in src/listen.c would look always false).
 *
 * Both as <uuid/uuid.h> and glibc define them.
 */
typedef unsigned char uuid_t[16];
typedef unsigned int gid_t;
