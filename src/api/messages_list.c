/*
 * Reading a thread's messages: the list
 * (API reference: GET /api/threads/{thread_id}/messages) and the
 * conversation context
 * (API reference: POST /api/threads/{thread_id}/messages/context). The
 * operations (src/ops/message_list.c, context.c) read; this parses the
 * query or body and renders.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "ts_limits.h"
#include "message_json.h"
#include "message_ops.h"
#include "message_ranges.h"
#include "params.h"
#include "query.h"
#include "roles.h"
#include "timefmt.h"
#include "validate.h"

/* role=user,assistant: a bit per role; empty items and unknown roles are 422. */
static int
parse_roles(struct ts_problem *p, const char *query, int *mask)
{
	static const char *const loc[] = { "query", "role", NULL };
	char *v = NULL, *item, *save = NULL;
	size_t len;
	int r, rc = 0;

	*mask = TS_ALL_ROLES;
	switch (ts_query_get(query, strlen(query), "role", &v, &len)) {
	case TS_QUERY_ABSENT:
		return 0;
	case TS_QUERY_FOUND:
		break;
	case TS_QUERY_NOMEM:
		return ts_problem_set(p, TS_E_INTERNAL, NULL);
	default:
		return ts_problem_invalid(p, loc, "bad percent-encoding", "encoding");
	}
	*mask = 0;
	if (*v == '\0' || v[len - 1] == ',' || strstr(v, ",,") != NULL || *v == ',')
		rc = -1;
	for (item = strtok_r(v, ",", &save); rc == 0 && item != NULL; item = strtok_r(NULL, ",", &save)) {
		if ((r = ts_role_parse(item)) < 0 || strcmp(item, ts_role_name(r)) != 0)
			rc = -1;
		else
			*mask |= 1 << r;
	}
	free(v);
	if (rc != 0)
		return ts_problem_invalid(p, loc, "must be a comma-separated list of user, assistant, system, tool",
		    "enum");
	return 0;
}

static int
parse_time(struct ts_problem *p, const char *query, const char *name, int round_up, int *has, char *out)
{
	const char *loc[] = { "query", name, NULL };
	char *v = NULL;
	int rc;

	if ((rc = ts_q_string(p, query, name, 64, &v)) <= 0)
		return rc;
	rc = ts_time_parse_rfc3339(v, round_up, out);
	free(v);
	if (rc != 0)
		return ts_problem_invalid(p, loc, "must be an RFC 3339 timestamp", "datetime");
	*has = 1;
	return 1;
}

/* The whole list query into q; 0, or -1 with the problem. */
static int
parse_list_query(struct ts_problem *p, const char *query, struct ts_message_query *q)
{
	static const char *const bools[] = { "false", "true", NULL };
	struct ts_page_request pr;

	if (ts_page_params(p, query, TS_MAX_PAGE_LIMIT, TS_DEFAULT_PAGE_LIMIT, &pr) != 0)
		return -1;
	q->limit = pr.limit;
	q->order = pr.order;
	if (pr.kind == TS_CURSOR_AFTER) {
		q->has_after = 1;
		q->after_param = pr.cursor_param;
		memcpy(q->after, pr.cursor, sizeof(uuid_t));
	} else if (pr.kind == TS_CURSOR_BEFORE) {
		q->has_before = 1;
		q->before_param = pr.cursor_param;
		memcpy(q->before, pr.cursor, sizeof(uuid_t));
	}
	if (ts_q_int(p, query, "offset", 0, TS_MAX_OFFSET, &q->offset) < 0 ||
	    parse_time(p, query, "created_after", 0, &q->has_created_after, q->created_after) < 0 ||
	    parse_time(p, query, "created_before", 1, &q->has_created_before, q->created_before) < 0 ||
	    parse_roles(p, query, &q->role_mask) != 0 ||
	    ts_q_string(p, query, "run_id", TS_MAX_RUN_ID_POINTS, &q->run_id) < 0 ||
	    ts_q_enum(p, query, "with_details", bools, &q->with_details) < 0)
		return -1;
	return 0;
}

/* total (schema MessageList): null when the count stopped at its cap. */
static void
finish_list(struct json_object *env, const struct ts_message_page *pg, enum ts_cursor_kind kind)
{
	(void)kind;
	json_object_object_add(env, "total", pg->total >= 0 ? json_object_new_int64(pg->total) : NULL);
}

static void
respond_list(struct ts_ctx *ctx, const struct ts_message_page *pg, const struct ts_message_query *q)
{
	const enum ts_cursor_kind kind = q->has_before ? TS_CURSOR_BEFORE : q->has_after ? TS_CURSOR_AFTER
	    : TS_CURSOR_NONE;
	char tag[TS_PAGE_CACHE_TAG_BYTES];
	struct ts_api_page_shape shape = { q->with_details, 0, kind, finish_list, NULL };

	/* What the body is made of besides the rows: the order they are shown
	 * in, the envelope's cursor and total. */
	if (snprintf(tag, sizeof(tag), "api list d%d o%d k%d t%lld", q->with_details, (int)q->order, (int)kind,
	    pg->total) < (int)sizeof(tag))
		shape.tag = tag;
	ts_api_answer_messages(ctx, pg, &shape);
}

void
ts_h_messages_list(struct ts_ctx *ctx)
{
	struct ts_message_query q;
	struct ts_message_page pg;
	struct ts_problem invalid;
	uuid_t tid;

	ts_message_query_init(&q);
	ts_problem_init(&invalid);
	ts_path_uuid(ctx, 0, tid);
	(void)parse_list_query(&invalid, ctx->req->query, &q);
	if (ts_messages_page(&ctx->call, tid, &q, &invalid, &pg) != 0)
		ts_answer_failure(ctx);
	else
		respond_list(ctx, &pg, &q);
	ts_message_page_free(&pg);
	ts_problem_free(&invalid);
	ts_message_query_free(&q);
}

static int
parse_context_body(struct ts_ctx *ctx, struct ts_problem *p, struct ts_context_query *q)
{
	static const char *const fields[] = { "max_tokens", "include_system", "max_messages", NULL };
	static const char *const loc_max[] = { "body", "max_tokens", NULL };
	static const char *const loc_sys[] = { "body", "include_system", NULL };
	static const char *const loc_count[] = { "body", "max_messages", NULL };
	struct json_object *body = ctx->body, *v;

	if (ts_v_body(p, body, &ctx->body_flaws) != 0 || ts_v_known_fields(p, body, fields) != 0)
		return -1;
	if (!json_object_object_get_ex(body, "max_tokens", &v) || !json_object_is_type(v, json_type_int) ||
	    (q->max_tokens = json_object_get_int64(v)) < 1 || q->max_tokens > TS_MAX_CONTEXT_TOKENS)
		return ts_problem_invalid(p, loc_max, "required, an integer from 1 to " TS_STR(TS_MAX_CONTEXT_TOKENS),
		    "range");
	if (json_object_object_get_ex(body, "include_system", &v) && v != NULL) {
		if (!json_object_is_type(v, json_type_boolean))
			return ts_problem_invalid(p, loc_sys, "must be a boolean", "type");
		q->include_system = json_object_get_boolean(v);
	}
	if (json_object_object_get_ex(body, "max_messages", &v) && v != NULL &&
	    (!json_object_is_type(v, json_type_int) || (q->max_messages = json_object_get_int64(v)) < 1 ||
	    q->max_messages > TS_MAX_CONTEXT_MESSAGES))
		return ts_problem_invalid(p, loc_count, "must be an integer from 1 to " TS_STR(TS_MAX_CONTEXT_MESSAGES),
		    "range");
	return 0;
}

static void
respond_context(struct ts_ctx *ctx, const struct ts_context *cx)
{
	struct json_object *o = json_object_new_object(), *list = json_object_new_array_ext((int)cx->count);
	size_t i;

	for (i = 0; list != NULL && i < cx->count; i++)
		json_object_array_add(list, ts_message_json_cells(cx->picked[i], 1));
	if (o == NULL || list == NULL) {
		json_object_put(o);
		json_object_put(list);
		ts_fail(ctx, TS_E_INTERNAL, NULL);
		return;
	}
	json_object_object_add(o, "object", json_object_new_string("thread.context"));
	json_object_object_add(o, "messages", list);
	json_object_object_add(o, "total_tokens", json_object_new_int64(cx->used));
	json_object_object_add(o, "message_count", json_object_new_int64((int64_t)cx->count));
	json_object_object_add(o, "truncated", json_object_new_boolean(cx->truncated));
	ts_api_answer(ctx, 200, o);
}

void
ts_h_messages_context(struct ts_ctx *ctx)
{
	struct ts_context_query q = { 0, TS_DEFAULT_CONTEXT_MESSAGES, 0 };
	struct ts_problem invalid;
	struct ts_context cx;
	uuid_t tid;

	if (ts_api_need_body(ctx) != 0)
		return;
	ts_problem_init(&invalid);
	ts_path_uuid(ctx, 0, tid);
	(void)parse_context_body(ctx, &invalid, &q);
	if (ts_messages_context(&ctx->call, tid, &q, &invalid, &cx) != 0)
		ts_answer_failure(ctx);
	else
		respond_context(ctx, &cx);
	ts_context_free(&cx);
	ts_problem_free(&invalid);
}
