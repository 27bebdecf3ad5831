/*
 * Arena turns as DualMind's message objects, member for member in the
 * order of its API reference (GET /api/threads/{id}/messages): what a
 * single-model turn lacks is null, never missing.
 */
#include <stdlib.h>

#include "arena.h"
#include "ids.h"
#include "sql.h"
#include "timefmt.h"

/* json_object_object_add consumes v, also when o is NULL. */
static void
put(struct json_object *o, const char *key, struct json_object *v)
{
	if (o == NULL || json_object_object_add(o, key, v) != 0)
		json_object_put(v);
}

/* Cell col of message c (NULL: null) as a string. */
static struct json_object *
str(const struct ts_db_cell *c, int col)
{
	return c != NULL && c[col].data != NULL ? json_object_new_string_len(c[col].data, (int)c[col].len) : NULL;
}

static struct json_object *
uuid_of(const struct ts_db_cell *c, int col)
{
	char s[TS_UUID_STR_LEN + 1];

	if (c == NULL || c[col].data == NULL || c[col].len != 16)
		return NULL;
	ts_uuid_format((const unsigned char *)c[col].data, s);
	return json_object_new_string_len(s, TS_UUID_STR_LEN);
}

static struct json_object *
int_of(const struct ts_db_cell *c, int col)
{
	return c != NULL && c[col].data != NULL ? json_object_new_int64(strtoll(c[col].data, NULL, 10)) : NULL;
}

static struct json_object *
time_of(const struct ts_db_cell *c, int col)
{
	char iso[TS_ISO_LEN + 1];

	if (c == NULL || c[col].data == NULL || ts_time_db_to_iso(c[col].data, c[col].len, iso) != 0)
		return NULL;
	return json_object_new_string_len(iso, TS_ISO_LEN);
}

struct json_object *
ts_arena_turn_object(const struct ts_arena_turn *t)
{
	/* The turn's own message: its prompt, else its first answer. */
	const struct ts_db_cell *head = t->prompt != NULL ? t->prompt : t->answer[0];
	const struct ts_db_cell *a1 = t->answer[0], *a2 = t->answer[1];
	struct json_object *o;

	if (head == NULL || (o = json_object_new_object()) == NULL)
		return NULL;
	put(o, "message_id", uuid_of(head, TS_MC_ID));
	put(o, "thread_id", uuid_of(head, TS_MC_THREAD_ID));
	put(o, "prompt_text", str(t->prompt, TS_MC_TEXT));
	put(o, "model1_id", str(a1, TS_MC_MODEL));
	put(o, "model2_id", str(a2, TS_MC_MODEL));
	put(o, "model1_response", str(a1, TS_MC_TEXT));
	put(o, "model2_response", str(a2, TS_MC_TEXT));
	put(o, "comparison_id", t->comparison != NULL
	    ? json_object_new_string_len(t->comparison->data, (int)t->comparison->len) : NULL);
	put(o, "model1_time_ms", int_of(a1, TS_MC_LATENCY_MS));
	put(o, "model2_time_ms", int_of(a2, TS_MC_LATENCY_MS));
	put(o, "created_at", time_of(head, TS_MC_CREATED_AT));
	return o;
}

struct json_object *
ts_arena_list_object(struct json_object *items, int has_more, struct json_object *next_cursor)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL || items == NULL) {
		json_object_put(o);
		json_object_put(items);
		json_object_put(next_cursor);
		return NULL;
	}
	put(o, "items", items);
	put(o, "has_more", json_object_new_boolean(has_more));
	put(o, "next_cursor", next_cursor);
	return o;
}
