/*
 * DualMind's turn body (its admin API's message fields, without the
 * thread in the path) as the prompt and answers /api stores. Nothing is
 * checked here that /api checks: each message is built as an /api create
 * body and parsed by ts_message_parse, and a problem it finds is renamed
 * to the arena field the value came from, so the surfaces cannot disagree.
 */
#include <string.h>

#include "arena.h"
#include "ids.h"
#include "validate.h"

/* Which arena field each /api field of a message comes from; the text
 * (content) first. */
struct field_map {
	const char *api, *arena;
};

static const struct field_map prompt_fields[] = {
	{ "content", "prompt_text" }, { "message_id", "message_id" }, { "comparison_id", "comparison_id" },
	{ NULL, NULL }
};
static const struct field_map model1_fields[] = {
	{ "content", "model1_response" }, { "model", "model1_id" }, { "latency_ms", "model1_time_ms" },
	{ "comparison_id", "comparison_id" }, { NULL, NULL }
};
static const struct field_map model2_fields[] = {
	{ "content", "model2_response" }, { "model", "model2_id" }, { "latency_ms", "model2_time_ms" },
	{ "comparison_id", "comparison_id" }, { NULL, NULL }
};
static const struct field_map *const slot_fields[TS_ARENA_TURN_MESSAGES] = {
	prompt_fields, model1_fields, model2_fields
};
/* The names that derive an answer's id from the client's message_id. */
static const char *const slot_names[TS_ARENA_TURN_MESSAGES] = { "prompt", "model1", "model2" };

/* What the body gives beside the fields: ids the messages share. */
struct turn_ids {
	int has_client_id;              /* message_id was a valid UUID */
	uuid_t prompt;                  /* the prompt's id: the client's or a new one */
	char prompt_text[TS_UUID_STR_LEN + 1];
	const char *comparison;         /* a dual turn's generated comparison_id, or NULL */
	char comparison_text[TS_UUID_STR_LEN + 1];
};

static struct json_object *
member(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, key, &v);
	return v;
}

static int
bad(struct ts_problem *p, const char *field, const char *msg, const char *type)
{
	const char *loc[] = { "body", field, NULL };

	return ts_problem_invalid(p, loc, msg, type);
}

/* thread_id, DualMind's admin body's, may repeat the path's thread. */
static int
check_thread(struct ts_problem *p, const unsigned char *tid, struct json_object *v)
{
	uuid_t id;

	if (v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_string) || ts_uuid_parse(json_object_get_string(v), id) != 0 ||
	    memcmp(id, tid, sizeof(uuid_t)) != 0)
		return bad(p, "thread_id", "must be the thread of the path, or left out", "value");
	return 0;
}

/*
 * The ids of the turn: the prompt's is the client's message_id or a new
 * one (the answers name it as their parent); a dual turn without a
 * comparison_id gets one, as DualMind's dual chat always has one, made
 * from the client's message_id when there is one, so a repeat is the same.
 */
static void
turn_ids(struct json_object *body, int dual, struct turn_ids *ids)
{
	struct json_object *mid = member(body, "message_id");
	uuid_t cmp;

	memset(ids, 0, sizeof(*ids));
	ids->has_client_id = json_object_is_type(mid, json_type_string) &&
	    ts_uuid_parse_new(json_object_get_string(mid), ids->prompt) == 0;
	if (!ids->has_client_id)
		ts_uuid_generate(ids->prompt);
	ts_uuid_format(ids->prompt, ids->prompt_text);
	if (!dual || member(body, "comparison_id") != NULL)
		return;
	if (ids->has_client_id)
		uuid_generate_sha1(cmp, ids->prompt, "comparison", strlen("comparison"));
	else
		ts_uuid_generate(cmp);
	ts_uuid_format(cmp, ids->comparison_text);
	ids->comparison = ids->comparison_text;
}

static int
add_string(struct json_object *o, const char *key, const char *s)
{
	struct json_object *v = json_object_new_string(s);

	if (v == NULL || json_object_object_add(o, key, v) != 0) {
		json_object_put(v);
		return -1;
	}
	return 0;
}

/*
 * Message `slot` of the turn as an /api create body: the arena fields it
 * maps, as given (a null stays "not set"), its role, and the ids. NULL out
 * of memory.
 */
static struct json_object *
api_body(struct json_object *body, size_t slot, const struct turn_ids *ids)
{
	struct json_object *o = json_object_new_object(), *v;
	const struct field_map *f;
	char id[TS_UUID_STR_LEN + 1];
	uuid_t derived;
	int rc = o == NULL ? -1 : 0;

	for (f = slot_fields[slot]; rc == 0 && f->api != NULL; f++)
		if (json_object_object_get_ex(body, f->arena, &v))
			rc = json_object_object_add(o, f->api, json_object_get(v));
	if (rc == 0)
		rc = add_string(o, "role", slot == 0 ? "user" : "assistant");
	if (rc == 0 && ids->comparison != NULL)
		rc = add_string(o, "comparison_id", ids->comparison);
	if (rc == 0 && slot == 0 && member(body, "message_id") == NULL)
		rc = add_string(o, "message_id", ids->prompt_text);
	if (rc == 0 && slot > 0) {
		rc = add_string(o, "parent_message_id", ids->prompt_text);
		if (rc == 0 && ids->has_client_id) {
			/* An answer's id follows from the prompt's: repeating the
			 * request repeats the turn, as /api's message_id does. */
			uuid_generate_sha1(derived, ids->prompt, slot_names[slot], strlen(slot_names[slot]));
			ts_uuid_format(derived, id);
			rc = add_string(o, "message_id", id);
		}
	}
	if (rc != 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* A 422 of /api's parser at ["body", <api field>, ...] named by the arena
 * field of that slot instead. */
static void
rename_loc(struct ts_problem *p, size_t slot)
{
	struct json_object *name = p->loc != NULL ? json_object_array_get_idx(p->loc, 1) : NULL;
	const struct field_map *f;

	if (p->error != TS_E_VALIDATION || !json_object_is_type(name, json_type_string))
		return;
	for (f = slot_fields[slot]; f->api != NULL; f++)
		if (strcmp(json_object_get_string(name), f->api) == 0) {
			json_object_array_put_idx(p->loc, 1, json_object_new_string(f->arena));
			return;
		}
}

int
ts_arena_parse_turn(struct ts_problem *p, const unsigned char *tid, struct json_object *body,
    const struct ts_json_flaws *flaws, struct ts_arena_input *in)
{
	static const char *const fields[] = {
		"thread_id", "prompt_text", "model1_id", "model2_id", "model1_response", "model2_response",
		"comparison_id", "model1_time_ms", "model2_time_ms", "message_id", NULL
	};
	struct turn_ids ids;
	size_t slot, n;
	int dual;

	memset(in, 0, sizeof(*in));
	if (ts_v_body(p, body, flaws) != 0 || ts_v_known_fields(p, body, fields) != 0 ||
	    check_thread(p, tid, member(body, "thread_id")) != 0)
		return -1;
	/* DualMind's texts are strings; /api would also take a content object. */
	for (slot = 0; slot < TS_ARENA_TURN_MESSAGES; slot++) {
		struct json_object *v = member(body, slot_fields[slot][0].arena);

		if (v != NULL && !json_object_is_type(v, json_type_string))
			return bad(p, slot_fields[slot][0].arena, "must be a string", "type");
	}
	dual = member(body, "model2_response") != NULL;
	if (!dual && (member(body, "model2_id") != NULL || member(body, "model2_time_ms") != NULL))
		return bad(p, "model2_response", "required with model2_id or model2_time_ms", "missing");
	turn_ids(body, dual, &ids);
	n = dual ? 3 : 2;
	for (slot = 0; slot < n; slot++) {
		if ((in->bodies[slot] = api_body(body, slot, &ids)) == NULL)
			return ts_problem_set(p, TS_E_INTERNAL, NULL);
		in->n = slot + 1;
		if (ts_message_parse(p, in->bodies[slot], &in->items[slot]) != 0) {
			rename_loc(p, slot);
			return -1;
		}
	}
	return 0;
}

void
ts_arena_input_free(struct ts_arena_input *in)
{
	size_t i;

	for (i = 0; i < in->n; i++) {
		ts_message_input_free(&in->items[i]);
		json_object_put(in->bodies[i]);
	}
	memset(in, 0, sizeof(*in));
}
