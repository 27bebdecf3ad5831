/*
 * /v1 threads (API reference: tag openai): create (with up to 32 first
 * messages), retrieve, modify, delete, over the thread operations.
 */
#include <stdlib.h>
#include <string.h>

#include "ids.h"
#include "ts_limits.h"
#include "message_input.h"
#include "message_ops.h"
#include "thread_ops.h"
#include "v1.h"
#include "validate.h"

/* Answers 200 with the thread as OpenAI's object, a /v1 create too: no 201,
 * no Location (API reference: POST /v1/threads). */
static void
respond_thread(struct ts_ctx *ctx, struct ts_thread *t)
{
	struct json_object *o = ts_v1_thread_object(&t->rows, 0);

	if (o == NULL || ts_response_json(ctx->res, 200, o) != 0)
		ts_fail(ctx, TS_E_INTERNAL, NULL);
	ts_thread_release(t);
}

/* What a create asks for: metadata and the first messages. */
struct create_input {
	char *metadata;                 /* canonical text; "{}" when absent */
	struct ts_message_input *items;
	size_t n;                       /* items allocated (all freed) */
};

static void
create_input_free(struct create_input *in)
{
	size_t i;

	for (i = 0; i < in->n; i++)
		ts_message_input_free(&in->items[i]);
	free(in->items);
	free(in->metadata);
}

/* The messages of a create (an array, checked to be one), each checked; item i's problem at
 * ["body", "messages", i, ...]. */
static int
parse_messages(struct ts_problem *p, struct json_object *list, struct create_input *in)
{
	size_t i, n = json_object_array_length(list);

	if (n == 0)
		return 0;
	if ((in->items = calloc(n, sizeof(*in->items))) == NULL)
		return ts_problem_set(p, TS_E_INTERNAL, NULL);
	for (i = 0; i < n; i++) {
		in->n = i + 1;
		if (ts_v1_parse_message(p, json_object_array_get_idx(list, i), &in->items[i]) != 0) {
			ts_problem_nest(p, "messages", i);
			return -1;
		}
	}
	return 0;
}

static int
parse_create(struct ts_ctx *ctx, struct ts_problem *p, struct create_input *in)
{
	static const char *const fields[] = { "messages", "metadata", "tool_resources", NULL };
	static const char *const loc[] = { "body", "messages", NULL };
	struct json_object *list = NULL, *v = NULL;

	if (ctx->has_body) {
		if (ts_v_body(p, ctx->body, &ctx->body_flaws) != 0 || ts_v_known_fields(p, ctx->body, fields) != 0)
			return -1;
		json_object_object_get_ex(ctx->body, "messages", &list);
		json_object_object_get_ex(ctx->body, "metadata", &v);
	}
	if (list != NULL && (!json_object_is_type(list, json_type_array) ||
	    json_object_array_length(list) > TS_V1_MAX_INITIAL_MESSAGES))
		return ts_problem_invalid(p, loc,
		    "must be an array of at most " TS_STR(TS_V1_MAX_INITIAL_MESSAGES) " messages", "length");
	/* The thread's metadata first, then its messages. */
	if (v != NULL && ts_v_metadata(p, "metadata", v) != 0)
		return -1;
	if ((in->metadata = ts_json_text(v)) == NULL)
		return ts_problem_set(p, TS_E_INTERNAL, NULL);
	return list != NULL ? parse_messages(p, list, in) : 0;
}

void
ts_v1_thread_create(struct ts_ctx *ctx)
{
	struct ts_thread_input f;
	struct create_input in;
	struct ts_problem invalid;
	struct ts_thread t;
	int rc, created;

	memset(&in, 0, sizeof(in));
	memset(&f, 0, sizeof(f));
	ts_problem_init(&invalid);
	(void)parse_create(ctx, &invalid, &in);
	if (in.n > 0) {
		rc = ts_thread_start(&ctx->call, NULL, in.metadata, in.items, in.n, &invalid, &t);
	} else {
		/* No messages: a thread as POST /api/threads makes it. */
		f.has_metadata = in.metadata != NULL;
		f.metadata = in.metadata;
		rc = ts_thread_create(&ctx->call, &f, &invalid, &t, &created);
	}
	if (rc != 0)
		ts_answer_failure(ctx);
	else
		respond_thread(ctx, &t);
	ts_problem_free(&invalid);
	create_input_free(&in);
}

void
ts_v1_thread_get(struct ts_ctx *ctx)
{
	struct ts_thread t;
	uuid_t id;

	ts_path_uuid(ctx, 0, id);
	if (ts_thread_open(&ctx->call, id, TS_OP_READ, &t) != 0)
		ts_answer_failure(ctx);
	else
		respond_thread(ctx, &t);
}

void
ts_v1_thread_modify(struct ts_ctx *ctx)
{
	static const char *const fields[] = { "metadata", "tool_resources", NULL };
	struct ts_thread_input f;
	struct ts_problem invalid;
	struct ts_thread t;
	uuid_t id;

	/* As on /api's PATCH: an update needs a body, {} at least. */
	if (!ctx->has_body) {
		ts_fail(ctx, TS_E_INVALID_JSON, "Request body required");
		return;
	}
	memset(&f, 0, sizeof(f));
	ts_problem_init(&invalid);
	ts_path_uuid(ctx, 0, id);
	if (ts_v1_parse_update(&invalid, ctx->body, &ctx->body_flaws, fields, &f.metadata) == 0)
		f.has_metadata = f.metadata != NULL;
	if (ts_thread_change(&ctx->call, id, &f, &invalid, &t) != 0)
		ts_answer_failure(ctx);
	else
		respond_thread(ctx, &t);
	ts_problem_free(&invalid);
	ts_thread_input_free(&f);
}

void
ts_v1_thread_delete(struct ts_ctx *ctx)
{
	struct json_object *o;
	uuid_t id;

	ts_path_uuid(ctx, 0, id);
	if (ts_thread_remove(&ctx->call, id) != 0) {
		ts_answer_failure(ctx);
		return;
	}
	if ((o = ts_v1_deleted(id, "thread.deleted")) == NULL || ts_response_json(ctx->res, 200, o) != 0)
		ts_fail(ctx, TS_E_INTERNAL, NULL);
}
