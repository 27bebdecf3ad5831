/*
 * The worker model. `threadstore serve`: a master owns the listen socket and
 * N single-threaded workers accept on it; the master restarts a worker that
 * dies and recycles one after max_requests; SIGTERM drains and exits.
 * Started by a web server, the program is one worker on the inherited socket
 * (stdin), or answers a single CGI request.
 */
#ifndef TS_SERVER_H
#define TS_SERVER_H

#include "config.h"

/* The worker count when none is configured: TS_WORKERS_PER_CPU per online
 * processor, within TS_MIN_DEFAULT_WORKERS..TS_MAX_DEFAULT_WORKERS. */
unsigned int ts_default_workers(void);

/* The same for a given processor count (below 1: unknown, counted as 1). */
unsigned int ts_workers_for_cpus(long cpus);

/* Serves on listen_spec ("unix:/path.sock" or "host:port") with nworkers. */
int ts_serve(const struct ts_config *cfg, const char *listen_spec, unsigned int nworkers);

/* Serves FastCGI on an inherited socket (fd 0) until told to stop. */
int ts_serve_inherited(const struct ts_config *cfg);

/* Answers one plain CGI request from the environment and stdin. */
int ts_serve_cgi(const struct ts_config *cfg);

#endif
