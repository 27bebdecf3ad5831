/*
 * /v1 threads (§10): create (with up to 32 first messages), retrieve,
 * modify, delete, each through the /api thread handlers.
 */
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "ids.h"
#include "limits.h"
#include "messages.h"
#include "v1.h"
#include "v1_store.h"
#include "validate.h"

/* The answer of an /api thread handler, as OpenAI's thread. */
static void
respond_thread(struct ts_ctx *ctx)
{
	struct json_object *api = ts_v1_answer(ctx);

	ts_v1_respond(ctx, ts_v1_thread_object(api));
	json_object_put(api);
}

/* Renders thread id through GET /api/threads/{id} (the caller owns it). */
static void
respond_new_thread(struct ts_ctx *ctx, const uuid_t id)
{
	const struct ts_match *saved = ctx->match;
	struct ts_match m;

	memset(&m, 0, sizeof(m));
	m.route = saved->route;
	m.allow = saved->allow;
	ts_uuid_format(id, m.params_buf);
	m.params[0] = m.params_buf;
	m.nparams = 1;
	ctx->match = &m;
	if (ts_v1_call(ctx, ts_h_thread_get, NULL, NULL))
		respond_thread(ctx);
	ctx->match = saved;
}

/* The messages' /api bodies, checked; 0, or -1 answered. Each 422 names
 * its item: ["body", "messages", n, ...]. */
static int
parse_messages(struct ts_ctx *ctx, struct json_object *list, struct json_object **bodies,
    struct ts_message_input *items, size_t n)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		ctx->loc_index = (int)i;
		bodies[i] = ts_v1_message_body(ctx, json_object_array_get_idx(list, i));
		if (bodies[i] == NULL || ts_message_parse(ctx, bodies[i], &items[i]) != 0)
			rc = -1;
	}
	ctx->loc_index = -1;
	return rc;
}

/* Everything a create with messages allocates, freed in one place. */
struct with_messages {
	struct json_object **bodies;    /* the /api bodies; items borrow from them */
	struct ts_message_input *items;
	uuid_t *ids;
	int *existing;
	long long *seqs;
	size_t n;
	char *metadata;
};

static void
with_messages_free(struct with_messages *w)
{
	size_t i;

	for (i = 0; i < w->n; i++) {
		if (w->items != NULL)
			ts_message_input_free(&w->items[i]);
		if (w->bodies != NULL)
			json_object_put(w->bodies[i]);
	}
	free(w->bodies);
	free(w->items);
	free(w->ids);
	free(w->existing);
	free(w->seqs);
	free(w->metadata);
}

/* Thread metadata as stored text: "{}" when absent or null. */
static int
thread_metadata(struct ts_ctx *ctx, char **out)
{
	struct json_object *v = NULL;

	if (json_object_object_get_ex(ctx->body, "metadata", &v) && v != NULL &&
	    ts_v_metadata(ctx, "metadata", v) != 0)
		return -1;
	if ((*out = ts_json_text(v)) == NULL) {
		ts_fail(ctx, TS_E_INTERNAL, NULL);
		return -1;
	}
	return 0;
}

/*
 * Every message is checked before anything is stored; then the thread and
 * its messages go in as one transaction (all or nothing).
 */
static void
create_with_messages(struct ts_ctx *ctx, struct json_object *list)
{
	static const char *const loc[] = { "body", "messages", NULL };
	struct with_messages w;
	struct ts_v1_new_thread nt;
	struct ts_create c;
	enum ts_db_status st;
	uuid_t id;
	size_t i;

	memset(&w, 0, sizeof(w));
	if (!json_object_is_type(list, json_type_array) ||
	    json_object_array_length(list) > TS_V1_MAX_INITIAL_MESSAGES) {
		ts_fail_validation(ctx, loc, "must be an array of at most " TS_STR(TS_V1_MAX_INITIAL_MESSAGES) " messages", "length");
		return;
	}
	w.n = json_object_array_length(list);
	w.bodies = calloc(w.n, sizeof(*w.bodies));
	w.items = calloc(w.n, sizeof(*w.items));
	w.ids = calloc(w.n, sizeof(*w.ids));
	w.existing = calloc(w.n, sizeof(*w.existing));
	w.seqs = calloc(w.n, sizeof(*w.seqs));
	if (w.bodies == NULL || w.items == NULL || w.ids == NULL || w.existing == NULL ||
	    w.seqs == NULL) {
		ts_fail(ctx, TS_E_INTERNAL, NULL);
		goto out;
	}
	if (thread_metadata(ctx, &w.metadata) != 0 || parse_messages(ctx, list, w.bodies, w.items, w.n) != 0)
		goto out;
	ts_uuid_generate(id);
	for (i = 0; i < w.n; i++)
		ts_uuid_generate(w.ids[i]);
	memset(&c, 0, sizeof(c));
	c.thread_id = id;
	c.owner = ctx->principal.sub;
	c.items = w.items;
	c.n = w.n;
	c.ids = w.ids;
	c.existing = w.existing;
	c.seqs = w.seqs;
	nt.id = id;
	nt.owner = ctx->principal.sub;
	nt.metadata = w.metadata;
	nt.create = &c;
	st = ts_v1_store_thread(ctx->app->db, &nt);
	if (st != TS_DB_OK)
		ts_respond_db_error(ctx, st);
	else if (c.outcome != TS_CREATE_OK)
		ts_fail(ctx, TS_E_INTERNAL, NULL); /* fresh ids, no parents: cannot happen */
	else
		respond_new_thread(ctx, id);
out:
	with_messages_free(&w);
}

void
ts_v1_thread_create(struct ts_ctx *ctx)
{
	static const char *const fields[] = { "messages", "metadata", "tool_resources", NULL };
	struct json_object *list = NULL, *metadata = NULL, *body;

	/* §11: 401 before any 422. */
	if (!ctx->principal.authenticated) {
		ts_fail(ctx, TS_E_UNAUTHORIZED, NULL);
		return;
	}
	if (ctx->has_body && (ts_v_body_object(ctx) != 0 || ts_v_known_fields(ctx, fields) != 0))
		return;
	if (ctx->has_body && json_object_object_get_ex(ctx->body, "messages", &list) && list != NULL &&
	    !(json_object_is_type(list, json_type_array) && json_object_array_length(list) == 0)) {
		create_with_messages(ctx, list);
		return;
	}
	/* No messages: exactly POST /api/threads with the metadata. */
	if ((body = json_object_new_object()) == NULL) {
		ts_fail(ctx, TS_E_INTERNAL, NULL);
		return;
	}
	if (ctx->has_body && json_object_object_get_ex(ctx->body, "metadata", &metadata) && metadata != NULL)
		json_object_object_add(body, "metadata", json_object_get(metadata));
	if (ts_v1_call(ctx, ts_h_threads_create, body, NULL))
		respond_thread(ctx);
}

void
ts_v1_thread_get(struct ts_ctx *ctx)
{
	if (ts_v1_call(ctx, ts_h_thread_get, NULL, NULL))
		respond_thread(ctx);
}

void
ts_v1_thread_modify(struct ts_ctx *ctx)
{
	static const char *const fields[] = { "metadata", "tool_resources", NULL };
	struct json_object *body = ts_v1_metadata_body(ctx, fields);

	if (body == NULL) {
		ts_v1_settle_order(ctx, TS_OP_WRITE, 0);
		return;
	}
	if (ts_v1_call(ctx, ts_h_thread_patch, body, NULL))
		respond_thread(ctx);
}

void
ts_v1_thread_delete(struct ts_ctx *ctx)
{
	if (ts_v1_call(ctx, ts_h_thread_delete, NULL, NULL))
		ts_v1_respond_deleted(ctx, 0, "thread.deleted");
}
