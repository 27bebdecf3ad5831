/*
 * Every limit threadstore enforces on untrusted input, in one place.
 * Configurable limits take their defaults from here; the hard ceilings keep a
 * configuration mistake from turning a limit off.
 */
#ifndef TS_LIMITS_H
#define TS_LIMITS_H

/* Request body: default 1 MiB, 413 above it (API reference: Limits). */
#define TS_DEFAULT_MAX_BODY_BYTES (1024 * 1024)
/* Largest body a configuration may allow: keeps one request's memory bounded. */
#define TS_CEILING_MAX_BODY_BYTES (64 * 1024 * 1024)
/*
 * As plain CGI, the part of an announced body left unread (a 413 answered
 * before reading it) is read and dropped up to this many bytes: the web
 * server writes the whole body before it reads the answer, and drops the
 * answer if the program went away first (mod_cgid: "Broken pipe", an empty
 * reply). Above the largest body a configuration allows, so every 413 arrives.
 */
#define TS_CGI_DRAIN_MAX_BYTES TS_CEILING_MAX_BODY_BYTES
/* Query string: default 8 KiB, 414 above it (API reference: Limits). */
#define TS_DEFAULT_MAX_QUERY_BYTES 8192
#define TS_CEILING_MAX_QUERY_BYTES (64 * 1024)
/* JSON nesting: the outermost object or array is depth 1; 32 passes, 33 is 400. */
#define TS_MAX_JSON_DEPTH 32
/* Text of one message, in UTF-8 bytes; 422 above it (API reference: Limits). */
#define TS_MAX_MESSAGE_TEXT_BYTES 524288   /* 512 KiB; a literal, for TS_STR */
/* Writes a limit into an error message at compile time: TS_STR(TS_MAX_BATCH)
 * is "100". Only for limits that are plain integer literals. */
#define TS_STR_(x) #x
#define TS_STR(x) TS_STR_(x)

/* Threads (API reference: schema Thread): a title of at most 512 code points;
 * a namespace of at most 255 of TS_NAMESPACE_CHARS (the column compares
 * ignoring trailing spaces, so no space may be in one). */
#define TS_MAX_TITLE_POINTS 512
#define TS_MAX_NAMESPACE_POINTS 255
#define TS_NAMESPACE_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:/-"
#define TS_NAMESPACE_CHARS_TEXT "A-Z a-z 0-9 . _ : / -"
/* Metadata (API reference: schema Metadata): at most 16 keys of at most 64
 * code points, values of at most 512. */
#define TS_MAX_METADATA_KEYS 16
#define TS_MAX_METADATA_KEY_POINTS 64
#define TS_MAX_METADATA_VALUE_POINTS 512
/* Listing pages: limit 1 to 200, default 20; offset 0 to 100,000
 * (API reference: GET /api/threads; GET /api/threads/{thread_id}/messages). */
#define TS_MAX_PAGE_LIMIT 200
#define TS_DEFAULT_PAGE_LIMIT 20
#define TS_MAX_OFFSET 100000
/* run_id as a filter, like the stored strings: at most 255 code points. */
#define TS_MAX_RUN_ID_POINTS 255
/* A message's optional strings (run_id, model, tool_name, ...), in code points. */
#define TS_MAX_MESSAGE_STR_POINTS 255
/* A message's counts (token_count, latency_ms, ...): 0 to 2^31 - 1. */
#define TS_MAX_INT_FIELD 2147483647
/* A batch creates 1 to 100 messages
 * (API reference: POST /api/threads/{thread_id}/messages/batch). */
#define TS_MAX_BATCH 100
/* OpenAI's limits under /v1, where they are tighter than /api's. */
#define TS_V1_MAX_INITIAL_MESSAGES 32   /* POST /v1/threads "messages" */
#define TS_V1_MAX_PAGE_LIMIT 100        /* list "limit" */
#define TS_V1_DEFAULT_PAGE_LIMIT 20
/* Knowledge Stack's thread messages (/ks): list "limit" 1 to 100, default
 * 20, as its API reference gives them. */
#define TS_KS_MAX_PAGE_LIMIT 100
#define TS_KS_DEFAULT_PAGE_LIMIT 20
/* OpenAI's Conversations (/v1/conversations): items per create (both
 * routes), an item's canonical JSON, a client's own item id, a type name,
 * the include[] values one request may repeat (eight exist). */
#define TS_CONV_MAX_ITEMS 20
#define TS_CONV_MAX_ITEM_BYTES 1048576
#define TS_CONV_MAX_ITEM_ID_BYTES 128
#define TS_CONV_MAX_TYPE_BYTES 64
#define TS_CONV_MAX_CALL_ID_BYTES 64
#define TS_CONV_MAX_INCLUDES 16
/* DualMind's arena list (<mount>/arena): a page of 1 to 50 turns, 50 by
 * default (the original answers a whole thread; most fit in one page). A
 * turn is at most 3 messages (a prompt, two answers), so a page reads at
 * most 3 * limit + 1 messages, one /api page (TS_MAX_PAGE_LIMIT); when the
 * response cap cuts a page inside its first turn, at most
 * TS_ARENA_EXTRA_READS more reads of TS_ARENA_TURN_MESSAGES complete it. */
#define TS_ARENA_MAX_PAGE_LIMIT 50
#define TS_ARENA_DEFAULT_PAGE_LIMIT 50
#define TS_ARENA_TURN_MESSAGES 3
#define TS_ARENA_EXTRA_READS 3
/* The agent platform (/v1/orgs/...): an org, workspace, app or namespace
 * id is 1 to 60 of TS_AGENT_ID_CHARS, so that the four joined by "/" fit
 * a thread's namespace (4 * 60 + 3 <= TS_MAX_NAMESPACE_POINTS). Its list
 * takes limit 1 to 200, default 50, oldest first unless asked. */
#define TS_AGENT_MAX_ID_BYTES 60
#define TS_AGENT_ID_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-"
#define TS_AGENT_DEFAULT_PAGE_LIMIT 50
/* The context route: max_tokens 1 to 10,000,000; max_messages 1 to 10,000,
 * default 1,000; read from the newest TS_CONTEXT_PAGE at a time
 * (API reference: POST /api/threads/{thread_id}/messages/context). */
#define TS_MAX_CONTEXT_TOKENS 10000000
#define TS_MAX_CONTEXT_MESSAGES 10000
#define TS_DEFAULT_CONTEXT_MESSAGES 1000
#define TS_CONTEXT_PAGE 50
/*
 * Share links (API reference: tag shares). A token is TS_SHARE_TOKEN_BYTES
 * random bytes (OpenSSL's RAND_bytes), written as TS_SHARE_TOKEN_LEN
 * base64url characters without padding; anything else in its place is a
 * link that does not exist. A thread has at most TS_MAX_SHARES_PER_THREAD
 * links that are not revoked (expired ones count until revoked), which
 * bounds what a change or delete of one of its messages checks, and what
 * deleting the thread revokes. expires_at lies after now and at most
 * TS_MAX_SHARE_EXPIRY_SECONDS ahead. The page shows TS_SHARE_PAGE_DEFAULT
 * messages unless asked for 1 to TS_MAX_PAGE_LIMIT.
 */
#define TS_SHARE_TOKEN_BYTES 32
/* A seq as a shared page's cursor: 0 to 2^63 - 1 (seq is BIGINT). */
#define TS_MAX_SEQ 9223372036854775807LL
#define TS_SHARE_TOKEN_LEN 43
#define TS_MAX_SHARES_PER_THREAD 20
#define TS_MAX_SHARE_EXPIRY_SECONDS (366LL * 24 * 3600)
#define TS_SHARE_PAGE_DEFAULT 50
/* The share page's og:description: the first message's first code points. */
#define TS_SHARE_EXCERPT_POINTS 200
/* `threadstore token --ttl`: at most a year and a day. */
#define TS_MAX_TOKEN_TTL_SECONDS (366L * 24 * 3600)

/* A bearer token longer than this is refused before any decoding. */
#define TS_MAX_TOKEN_BYTES 8192
/* `sub` is a user id of at most 255 bytes (API reference: Authentication). */
#define TS_MAX_SUB_BYTES 255
/* A caller's X-Request-Id is kept only if it has at most 64 of [A-Za-z0-9._-]. */
#define TS_MAX_REQUEST_ID_LEN 64
/* The routed path; no route is anywhere near this long. */
#define TS_MAX_PATH_BYTES 2048
/* Most segments a route pattern or a routed path may have: the agent
 * platform's longest route (/v1/orgs/{org}/workspaces/{ws}/apps/{app}/
 * namespaces/{ns}/threads/{id}/messages/{mid}) has 13. */
#define TS_MAX_PATH_SEGMENTS 16
/* Routes in one table (src/routes.c): the matcher keeps a score for each. */
#define TS_MAX_ROUTES 128
/* Headers we copy out of the FastCGI parameters (Content-Type and such). */
#define TS_MAX_HEADER_BYTES 1024
/* Response headers one response may carry besides the fixed ones: a
 * preflight's seven CORS headers and an error's own fit, and so do a share
 * page's security headers beside an answer's three CORS headers. */
#define TS_MAX_RESPONSE_HEADERS 20
/* Room for a response's status line and headers: every header at
 * TS_MAX_HEADER_BYTES, and the status, type and length lines. */
#define TS_RESPONSE_HEAD_BYTES ((TS_MAX_RESPONSE_HEADERS + 4) * (TS_MAX_HEADER_BYTES + 4))
/*
 * cors_origins (API reference: CORS): at most 32 origins of at most 300
 * bytes each (a 253-byte host name, a scheme and a port). An Origin request
 * header longer than that is kept cut, so it matches none.
 */
#define TS_MAX_CORS_ORIGINS 32
#define TS_MAX_CORS_ORIGIN_BYTES 300
/* A preflight's answer may be cached by the browser this long (seconds);
 * Chromium caps it at 7200, so more would promise nothing. */
#define TS_CORS_MAX_AGE_SECONDS 600
/* Access-Control-Request-Method is a method name: it is copied at most this long. */
#define TS_MAX_METHOD_NAME_BYTES 16
/* A worker's default recycling point and the ceiling on the worker count. */
#define TS_DEFAULT_MAX_REQUESTS 10000
#define TS_CEILING_WORKERS 256
/*
 * The default worker count is TS_WORKERS_PER_CPU per online processor, at
 * least TS_MIN_DEFAULT_WORKERS and at most TS_MAX_DEFAULT_WORKERS: a worker
 * spends most of a request waiting on MariaDB (a create on its durable
 * COMMIT), so one per core leaves the cores idle, and the cap keeps the
 * default within MariaDB's default max_connections (151) with room to spare.
 */
#define TS_WORKERS_PER_CPU 4
#define TS_MIN_DEFAULT_WORKERS 4
#define TS_MAX_DEFAULT_WORKERS 64
/*
 * Response cap (API reference: Limits): lists and the context stop before the
 * item that would take the body past it; a single larger item is still
 * answered whole.
 * Configurable (max_response_bytes) between the floor and the ceiling.
 */
#define TS_DEFAULT_MAX_RESPONSE_BYTES (8 * 1024 * 1024)
#define TS_FLOOR_MAX_RESPONSE_BYTES (64 * 1024)
#define TS_CEILING_MAX_RESPONSE_BYTES (256 * 1024 * 1024)
/* What a list's envelope may add to its items (ids, has_more, total...). */
#define TS_LIST_ENVELOPE_BYTES 512
/* A message object's member names, punctuation and fixed-width values. */
#define TS_MESSAGE_FIXED_BYTES 1024
/* A filtered list's total is counted up to this; beyond it, null
 * (API reference: schema MessageList). */
#define TS_MAX_EXACT_FILTERED_TOTAL 10000
/*
 * The per-request deadline in seconds (request_timeout): MariaDB stops a
 * statement that runs longer (max_statement_time), and the master replaces a
 * worker still busy with one request this long after it started, plus
 * TS_DEADLINE_GRACE_SECONDS for the worker to answer 503 itself first.
 */
#define TS_DEFAULT_REQUEST_TIMEOUT_SECONDS 5
#define TS_CEILING_REQUEST_TIMEOUT_SECONDS 300
#define TS_DEADLINE_GRACE_SECONDS 2
/*
 * The purge of dead messages (src/purge.c): a step deletes at most
 * TS_PURGE_CHUNK rows (tens of milliseconds), so a worker purging is back
 * to requests quickly; an idle worker looks for work every
 * TS_PURGE_IDLE_MS, and while work remains steps again whenever no request
 * is waiting.
 */
#define TS_PURGE_CHUNK 1000
#define TS_PURGE_IDLE_MS 1000
/* Clock leeway for exp/nbf, default 30 s (API reference: Authentication), and
 * its ceiling. */
#define TS_DEFAULT_LEEWAY_SECONDS 30
#define TS_CEILING_LEEWAY_SECONDS 3600
/* HMAC secrets shorter than this are refused at start: a short key is guessable. */
#define TS_MIN_HMAC_SECRET_BYTES 32
/* Secrets and key files read from disk. */
#define TS_MAX_SECRET_FILE_BYTES (64 * 1024)
/* 503 answers tell clients to come back after this many seconds. */
#define TS_RETRY_AFTER_SECONDS 1
/* Connecting to the database: short, so a dead server gives a fast 503. */
#define TS_DB_CONNECT_TIMEOUT_SECONDS 2
#define TS_DB_RW_TIMEOUT_SECONDS 30
/*
 * A cluster ([database] hosts, src/db_hosts.c): at most this many
 * addresses; one that failed is passed over this long (a node killed or
 * stopped costs one connect timeout per worker, not one a request); a
 * worker on a fallback address goes back to the first after this long.
 */
#define TS_MAX_DB_HOSTS 16
/*
 * The migration lease (src/migrate_lease.c): held this long unless renewed
 * (each migration renews it), and waited for this long by a second
 * `threadstore migrate` before it gives up.
 */
#define TS_MIGRATE_LEASE_SECONDS 600
#define TS_MIGRATE_WAIT_SECONDS 60
#define TS_DB_HOST_DOWN_SECONDS 5
#define TS_DB_FAILBACK_SECONDS 60
/* Transactions that hit a deadlock or lock wait timeout are run again this often. */
#define TS_DB_MAX_TXN_ATTEMPTS 8
/*
 * Pages a worker keeps (src/page_cache.c): at most this many, of at most
 * TS_PAGE_CACHE_BYTES of rows and written bodies in all, each page with its
 * body at most TS_PAGE_CACHE_PAGE_BYTES (a larger page is not kept, a
 * larger body is not kept with its page). A worker's resident memory stays
 * under 8 MiB with them (bench/README.md: Memory). A body's tag is shorter
 * than TS_PAGE_CACHE_TAG_BYTES.
 */
#define TS_PAGE_CACHE_ENTRIES 64
#define TS_PAGE_CACHE_BYTES (1024 * 1024)
#define TS_PAGE_CACHE_PAGE_BYTES (128 * 1024)
#define TS_PAGE_CACHE_TAG_BYTES 64
/*
 * FastCGI keep-alive (nginx's fastcgi_keep_conn): a worker holds at most
 * this many connections the web server keeps open between requests, and
 * stops accepting new ones at the limit (other workers take them). Each is
 * a descriptor in the worker's poll(); the web server closes the extra ones
 * (nginx keeps its `keepalive` idle connections per process).
 */
#define TS_MAX_WORKER_CONNECTIONS 32
/*
 * A worker that retires (max_requests, SIGHUP) while it holds kept
 * connections stops accepting, is replaced at once, and goes on answering
 * on them until the web server closes each, for at most this long: only the
 * web server may close a kept connection safely (one it is about to send a
 * request on would lose that request, and nginx does not send a POST
 * twice). Above nginx's keepalive_time in conf/nginx.conf.example (20 s).
 */
#define TS_KEEPALIVE_DRAIN_SECONDS 30
/*
 * A request on a kept connection whose body was left unread (a 413, a 401
 * before the body) has the rest read and dropped, up to this many bytes,
 * so the next request on the connection starts at a record boundary; past
 * it the connection is closed instead.
 */
#define TS_KEPT_DRAIN_MAX_BYTES TS_CEILING_MAX_BODY_BYTES
/* Seconds a stopping master waits for workers to finish before SIGKILL. */
#define TS_SHUTDOWN_GRACE_SECONDS 30
/* Listen backlog of the FastCGI socket. */
#define TS_LISTEN_BACKLOG 128

#endif
