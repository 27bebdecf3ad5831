/*
 * threadstore threads list/show and stats (cli_look.h). The threads are
 * printed as the API renders them, as JSON, with the terminal controls a
 * stored title could carry (DEL, the C1 range) escaped as well: the text
 * comes from clients and must not drive the operator's terminal.
 */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cli_look.h"
#include "ids.h"
#include "ts_limits.h"
#include "settings_store.h"
#include "stats_store.h"
#include "thread_store.h"

/* A page of `threads list` unless --limit says otherwise. */
#define LOOK_DEFAULT_LIMIT 20
/* MySQL's "table doesn't exist": the schema was never migrated. */
#define ER_NO_SUCH_TABLE 1146

void
ts_look_db_failure(struct ts_db *db, enum ts_db_status st, const char *what)
{
	if (st == TS_DB_UNAVAILABLE)
		fprintf(stderr, "threadstore: %s: the database connection failed (%s)\n", what,
		    *ts_db_connect_error(db) != '\0' ? ts_db_connect_error(db) : "lost");
	else if (ts_db_last_errno(db) == ER_NO_SUCH_TABLE)
		fprintf(stderr, "threadstore: %s: the schema is missing; run `threadstore migrate` first\n", what);
	else
		fprintf(stderr, "threadstore: %s failed (MySQL error %u; the log line above has the details)\n",
		    what, ts_db_last_errno(db));
}

/* Writes text (JSON) with DEL and the C1 controls (U+0080-U+009F, which
 * JSON leaves as they are) as \u escapes, which JSON reads back the same. */
static void
put_safe(const char *text, FILE *out)
{
	const unsigned char *p = (const unsigned char *)text;

	for (; *p != '\0'; p++) {
		if (*p == 0x7f)
			fputs("\\u007f", out);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			fprintf(out, "\\u%04x", (unsigned int)*++p);
		else
			putc(*p, out);
	}
}

static int
print_json(struct json_object *o, int flags, FILE *out)
{
	if (o == NULL) {
		fputs("threadstore: out of memory\n", stderr);
		return 1;
	}
	put_safe(json_object_to_json_string_ext(o, flags | JSON_C_TO_STRING_NOSLASHESCAPE), out);
	putc('\n', out);
	json_object_put(o);
	return 0;
}

int
ts_look_threads_check(const struct ts_look_args *a)
{
	uuid_t id;
	int list = a->nargs == 1 && strcmp(a->args[0], "list") == 0;
	int show = a->nargs == 2 && strcmp(a->args[0], "show") == 0;

	if (!list && !show) {
		fputs("threadstore: threads needs `list` or `show ID`\n", stderr);
		return -1;
	}
	if (show && (a->owner != NULL || a->after != NULL || a->limit != 0)) {
		fputs("threadstore: threads show takes only a thread id\n", stderr);
		return -1;
	}
	if ((show && ts_uuid_parse(a->args[1], id) != 0) || (a->after != NULL && ts_uuid_parse(a->after, id) != 0)) {
		fprintf(stderr, "threadstore: %s is not a thread id (a UUID such as "
		    "0190a0b0-1c2d-7e3f-8a9b-0c1d2e3f4a5b)\n", show ? a->args[1] : a->after);
		return -1;
	}
	if (a->owner != NULL && (*a->owner == '\0' || strlen(a->owner) > TS_MAX_SUB_BYTES)) {
		fprintf(stderr, "threadstore: --owner must be a user id of 1 to %d bytes\n", TS_MAX_SUB_BYTES);
		return -1;
	}
	return 0;
}

/* The row_id a listing continues below: the --after thread's, or the top. */
static int
list_bound(struct ts_db *db, const struct ts_look_args *a, long long *bound)
{
	struct ts_db_rows rows;
	enum ts_db_status st;
	uuid_t id;
	int found;

	*bound = 0x7fffffffffffffffLL;
	if (a->after == NULL)
		return 0;
	ts_uuid_parse(a->after, id);
	if ((st = ts_thread_store_cursor(db, id, &rows)) != TS_DB_OK) {
		ts_look_db_failure(db, st, "threads list");
		return -1;
	}
	found = rows.nrows > 0;
	if (!found)
		fprintf(stderr, "threadstore: no thread %s (deleted since?); list again without --after\n",
		    a->after);
	else
		*bound = ts_db_cell_ll(&rows, 0, 0);
	ts_db_rows_free(&rows);
	return found ? 0 : -1;
}

static int
threads_list(struct ts_db *db, const struct ts_look_args *a, FILE *out)
{
	long long limit = a->limit > 0 ? a->limit : LOOK_DEFAULT_LIMIT, bound;
	struct ts_thread_page_query q;
	struct ts_db_rows rows;
	enum ts_db_status st;
	size_t i, shown;
	int rc = 0;

	if (list_bound(db, a, &bound) != 0)
		return 1;
	/* One row more than shown says whether another page follows. */
	if (a->owner != NULL) {
		memset(&q, 0, sizeof(q));
		q.owner = a->owner;
		q.visibility = -1;
		q.bound = bound;
		q.limit = limit + 1;
		st = ts_thread_store_page(db, &q, &rows);
	} else {
		st = ts_thread_store_page_all(db, bound, limit + 1, &rows);
	}
	if (st != TS_DB_OK) {
		ts_look_db_failure(db, st, "threads list");
		return 1;
	}
	shown = rows.nrows > (size_t)limit ? (size_t)limit : rows.nrows;
	for (i = 0; i < shown && rc == 0; i++)
		rc = print_json(ts_api_thread_json(&rows, i), JSON_C_TO_STRING_PLAIN, out);
	if (rc == 0 && rows.nrows > shown) {
		char last[TS_UUID_STR_LEN + 1];

		ts_uuid_format((const unsigned char *)ts_db_cell(&rows, shown - 1, TS_TC_ID)->data, last);
		fprintf(stderr, "threadstore: more threads: add --after %s\n", last);
	}
	ts_db_rows_free(&rows);
	return rc;
}

static int
threads_show(struct ts_db *db, const char *idtext, FILE *out)
{
	static const char *const roles[] = { "user", "assistant", "system", "tool" };
	struct json_object *o, *counts;
	struct ts_db_rows rows;
	enum ts_db_status st;
	uuid_t id;
	size_t r;

	ts_uuid_parse(idtext, id);
	if ((st = ts_thread_store_get(db, id, &rows)) != TS_DB_OK) {
		ts_look_db_failure(db, st, "threads show");
		return 1;
	}
	if (rows.nrows == 0) {
		fprintf(stderr, "threadstore: no thread %s\n", idtext);
		ts_db_rows_free(&rows);
		return 1;
	}
	o = ts_api_thread_json(&rows, 0);
	counts = json_object_new_object();
	for (r = 0; o != NULL && counts != NULL && r < sizeof(roles) / sizeof(roles[0]); r++)
		json_object_object_add(counts, roles[r],
		    json_object_new_int64(ts_db_cell_ll(&rows, 0, TS_TC_USER_COUNT + r)));
	if (o != NULL && counts != NULL)
		json_object_object_add(o, "role_counts", counts);
	else
		json_object_put(counts);
	ts_db_rows_free(&rows);
	return print_json(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED, out);
}

int
ts_look_threads(struct ts_db *db, const struct ts_look_args *a, FILE *out)
{
	if (strcmp(a->args[0], "show") == 0)
		return threads_show(db, a->args[1], out);
	return threads_list(db, a, out);
}

static void
print_estimate(FILE *out, const char *name, long long n)
{
	if (n < 0)
		fprintf(out, "%-18s unknown (no InnoDB statistics)\n", name);
	else
		fprintf(out, "%-18s ~%lld (estimate: InnoDB statistics)\n", name, n);
}

int
ts_look_stats(struct ts_db *db, FILE *out)
{
	struct ts_stats s;
	enum ts_db_status st;
	int sharing;

	if ((st = ts_stats_read(db, &s)) != TS_DB_OK ||
	    (st = ts_settings_get_public_sharing(db, &sharing)) != TS_DB_OK) {
		ts_look_db_failure(db, st, "stats");
		return 1;
	}
	print_estimate(out, "threads", s.threads_estimate);
	print_estimate(out, "messages", s.messages_estimate);
	fprintf(out, "threads_created    %lld (exact, deleted ones included)\n", s.threads_created);
	fprintf(out, "newest_thread_at   %s\n", s.newest_thread_at[0] != '\0' ? s.newest_thread_at : "-");
	fprintf(out, "schema_version     %lld\n", s.schema_version);
	fprintf(out, "public_sharing     %s\n", sharing ? "on" : "off");
	return 0;
}
