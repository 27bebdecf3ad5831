/*
 * /v1/conversations: create (with up to 20 first items), list (the
 * caller's own, as Azure's variant has it), retrieve, update, delete, over
 * the thread operations. A conversation is a private thread of the caller's.
 */
#include <stdlib.h>
#include <string.h>

#include "conv.h"
#include "message_ops.h"
#include "params.h"
#include "query.h"
#include "thread_ops.h"
#include "validate.h"

/* Answers 200 with the thread as a conversation (a create too: OpenAI's
 * routes answer 200 everywhere). */
static void
respond_conversation(struct ts_ctx *ctx, struct ts_thread *t)
{
	struct json_object *o = ts_conv_object(&t->rows, 0);

	if (o == NULL || ts_response_json(ctx->res, 200, o) != 0)
		ts_fail(ctx, TS_E_INTERNAL, NULL);
	ts_thread_release(t);
}

/* What a create asks for: metadata and the first items. */
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

/* The items of a create or an add, at most TS_CONV_MAX_ITEMS (at least
 * min); item i's problem at ["body", "items", i, ...]. conv: the
 * conversation the items go to (a create's is not known yet: nil). */
/* Two items of one request with the same id would be one message. */
static int
unique_ids(struct ts_problem *p, const struct ts_message_input *items, size_t n)
{
	static const char *const loc[] = { "body", "id", NULL };
	size_t i, j;

	for (j = 1; j < n; j++)
		for (i = 0; i < j; i++)
			if (items[i].has_message_id && items[j].has_message_id &&
			    memcmp(items[i].message_id, items[j].message_id, sizeof(uuid_t)) == 0) {
				ts_problem_invalid(p, loc, "repeats the id of an earlier item", "value");
				ts_problem_nest(p, "items", j);
				return -1;
			}
	return 0;
}

int
ts_conv_parse_items(struct ts_problem *p, const unsigned char *conv, struct json_object *list, size_t min,
    struct ts_message_input **items, size_t *n)
{
	static const char *const loc[] = { "body", "items", NULL };
	size_t i, len;

	*items = NULL;
	*n = 0;
	if (list == NULL && min > 0)
		return ts_problem_invalid(p, loc, "field required", "missing");
	if (list == NULL)
		return 0;
	if (!json_object_is_type(list, json_type_array) || (len = json_object_array_length(list)) < min ||
	    len > TS_CONV_MAX_ITEMS)
		return ts_problem_invalidf(p, loc, "length", "must be an array of %zu to " TS_STR(TS_CONV_MAX_ITEMS)
		    " items", min);
	if (len == 0)
		return 0;
	if ((*items = calloc(len, sizeof(**items))) == NULL)
		return ts_problem_set(p, TS_E_INTERNAL, NULL);
	for (i = 0; i < len; i++) {
		*n = i + 1;
		if (ts_conv_parse_item(p, conv, json_object_array_get_idx(list, i), &(*items)[i]) != 0) {
			ts_problem_nest(p, "items", i);
			return -1;
		}
	}
	return unique_ids(p, *items, len);
}

static int
parse_create(struct ts_ctx *ctx, struct ts_problem *p, const uuid_t conv, struct create_input *in)
{
	static const char *const fields[] = { "items", "metadata", NULL };
	struct json_object *list = NULL, *v = NULL;

	/* OpenAI's SDK sends create(null) with no body at all. */
	if (ctx->has_body) {
		if (ts_v_body(p, ctx->body, &ctx->body_flaws) != 0 || ts_v_known_fields(p, ctx->body, fields) != 0)
			return -1;
		json_object_object_get_ex(ctx->body, "items", &list);
		json_object_object_get_ex(ctx->body, "metadata", &v);
	}
	if (v != NULL && ts_v_metadata(p, "metadata", v) != 0)
		return -1;
	if ((in->metadata = ts_json_text(v)) == NULL)
		return ts_problem_set(p, TS_E_INTERNAL, NULL);
	return ts_conv_parse_items(p, conv, list, 0, &in->items, &in->n);
}

void
ts_conv_create(struct ts_ctx *ctx)
{
	struct ts_thread_input f;
	struct create_input in;
	struct ts_problem invalid;
	struct ts_thread t;
	int rc, created;

	memset(&in, 0, sizeof(in));
	memset(&f, 0, sizeof(f));
	ts_problem_init(&invalid);
	/* The thread's id is chosen here, so that a client's own item ids are
	 * named in it (ts_conv_item_id_parse) before anything is stored. */
	f.has_id = 1;
	uuid_generate_random(f.id);
	(void)parse_create(ctx, &invalid, f.id, &in);
	f.has_metadata = in.metadata != NULL;
	f.metadata = in.metadata;
	if (in.n > 0)
		rc = ts_thread_start(&ctx->call, f.id, in.metadata, in.items, in.n, &invalid, &t);
	else
		rc = ts_thread_create(&ctx->call, &f, &invalid, &t, &created);
	if (rc != 0)
		ts_answer_failure(ctx);
	else
		respond_conversation(ctx, &t);
	f.metadata = NULL;      /* in's */
	ts_problem_free(&invalid);
	create_input_free(&in);
}

void
ts_conv_get(struct ts_ctx *ctx)
{
	struct ts_thread t;
	uuid_t id;

	ts_path_uuid(ctx, 0, id);
	if (ts_thread_open(&ctx->call, id, TS_OP_READ, &t) != 0)
		ts_answer_failure(ctx);
	else
		respond_conversation(ctx, &t);
}

/* An update: metadata is required and replaces the map (null: empty). */
static int
parse_update(struct ts_ctx *ctx, struct ts_problem *p, struct ts_thread_input *f)
{
	static const char *const fields[] = { "metadata", NULL };
	static const char *const loc[] = { "body", "metadata", NULL };
	struct json_object *v = NULL;

	if (!ctx->has_body)
		return ts_problem_invalid(p, loc, "field required", "missing");
	if (ts_v_body(p, ctx->body, &ctx->body_flaws) != 0 || ts_v_known_fields(p, ctx->body, fields) != 0)
		return -1;
	if (!json_object_object_get_ex(ctx->body, "metadata", &v))
		return ts_problem_invalid(p, loc, "field required", "missing");
	if (v != NULL && ts_v_metadata(p, "metadata", v) != 0)
		return -1;
	if ((f->metadata = ts_json_text(v)) == NULL)
		return ts_problem_set(p, TS_E_INTERNAL, NULL);
	f->has_metadata = 1;
	return 0;
}

void
ts_conv_update(struct ts_ctx *ctx)
{
	struct ts_thread_input f;
	struct ts_problem invalid;
	struct ts_thread t;
	uuid_t id;

	memset(&f, 0, sizeof(f));
	ts_problem_init(&invalid);
	ts_path_uuid(ctx, 0, id);
	(void)parse_update(ctx, &invalid, &f);
	if (ts_thread_change(&ctx->call, id, &f, &invalid, &t) != 0)
		ts_answer_failure(ctx);
	else
		respond_conversation(ctx, &t);
	ts_problem_free(&invalid);
	ts_thread_input_free(&f);
}

void
ts_conv_delete(struct ts_ctx *ctx)
{
	struct json_object *o;
	char s[TS_CONV_ID_LEN + 1];
	uuid_t id;

	ts_path_uuid(ctx, 0, id);
	if (ts_thread_remove(&ctx->call, id) != 0) {
		ts_answer_failure(ctx);
		return;
	}
	ts_conv_id_format(id, s);
	if ((o = json_object_new_object()) == NULL) {
		ts_fail(ctx, TS_E_INTERNAL, NULL);
		return;
	}
	json_object_object_add(o, "id", json_object_new_string(s));
	json_object_object_add(o, "object", json_object_new_string("conversation.deleted"));
	json_object_object_add(o, "deleted", json_object_new_boolean(1));
	if (ts_response_json(ctx->res, 200, o) != 0)
		ts_fail(ctx, TS_E_INTERNAL, NULL);
}

/* A cursor: a conversation id (conv_... or a UUID); 1 present, 0 absent. */
static int
cursor(struct ts_problem *p, const char *query, const char *name, uuid_t out)
{
	const char *loc[] = { "query", name, NULL };
	char *v = NULL;
	size_t len;
	enum ts_query_status st = ts_query_get(query, strlen(query), name, &v, &len);
	int rc = 0;

	if (st == TS_QUERY_NOMEM)
		return ts_problem_set(p, TS_E_INTERNAL, NULL);
	if (st != TS_QUERY_ABSENT)
		rc = st == TS_QUERY_FOUND && ts_conv_id_parse(v, out) == 0 ? 1
		    : ts_problem_invalid(p, loc, "must be a conversation id", "value");
	free(v);
	return rc;
}

/* limit (1 to 100, default 20), order (default desc), after or before. */
static int
parse_list(struct ts_problem *p, const char *query, struct ts_thread_query *q)
{
	static const char *const orders[] = { "asc", "desc", NULL };
	static const char *const loc[] = { "query", "before", NULL };
	int order = TS_ORDER_DESC, a, b;
	uuid_t u;

	q->page.limit = TS_V1_DEFAULT_PAGE_LIMIT;
	if (ts_q_int(p, query, "limit", 1, TS_V1_MAX_PAGE_LIMIT, &q->page.limit) < 0 ||
	    ts_q_enum(p, query, "order", orders, &order) < 0 ||
	    (a = cursor(p, query, "after", q->page.cursor)) < 0 || (b = cursor(p, query, "before", u)) < 0)
		return -1;
	q->page.order = (enum ts_order)order;
	if (a && b)
		return ts_problem_invalid(p, loc, "after and before cannot be used together", "value");
	q->page.kind = a ? TS_CURSOR_AFTER : b ? TS_CURSOR_BEFORE : TS_CURSOR_NONE;
	q->page.cursor_param = a ? "after" : "before";
	if (b)
		memcpy(q->page.cursor, u, sizeof(uuid_t));
	return 0;
}

void
ts_conv_list(struct ts_ctx *ctx)
{
	struct ts_thread_query q;
	struct ts_thread_page pg;
	struct ts_problem invalid;
	struct json_object *data, *o;
	size_t i;

	memset(&q, 0, sizeof(q));
	memset(&pg, 0, sizeof(pg));
	q.visibility = -1;
	ts_problem_init(&invalid);
	(void)parse_list(&invalid, ctx->req->query, &q);
	if (ts_threads_list(&ctx->call, &q, &invalid, &pg) != 0) {
		ts_answer_failure(ctx);
		goto out;
	}
	data = json_object_new_array_ext((int)pg.n);
	for (i = 0; data != NULL && i < pg.n; i++) {
		o = ts_conv_object(&pg.rows, ts_thread_page_row(&pg, i));
		if (o == NULL || json_object_array_add(data, o) != 0) {
			json_object_put(o);
			json_object_put(data);
			data = NULL;
		}
	}
	if (data == NULL || (o = ts_conv_list_object(data, pg.has_more)) == NULL ||
	    ts_response_json(ctx->res, 200, o) != 0)
		ts_fail(ctx, TS_E_INTERNAL, NULL);
out:
	ts_thread_page_free(&pg);
	ts_problem_free(&invalid);
	ts_thread_query_free(&q);
}
