/*
 * The agent platform's error body, FastAPI's, for every error under
 * /v1/orgs: a 422 is {"detail": [{loc, msg, type, input, ctx}]} as the
 * platform's document shows it, anything else {"detail": "<message>"}
 * (FastAPI's HTTPException) with the status of the error table. We do not
 * keep the value a 422 refused, so input is null, and ctx is {}.
 */
#include "agent.h"

/* The detail items of a 422, with input and ctx added to each. */
static struct json_object *
validation_detail(const struct ts_problem *p)
{
	struct json_object *detail = ts_problem_detail(p), *item;
	size_t i, n;

	if (detail == NULL)
		return NULL;
	n = json_object_array_length(detail);
	for (i = 0; i < n; i++) {
		item = json_object_array_get_idx(detail, i);
		json_object_object_add(item, "input", NULL);
		json_object_object_add(item, "ctx", json_object_new_object());
	}
	return detail;
}

struct json_object *
ts_agent_error_body(const struct ts_problem *p)
{
	struct json_object *body = json_object_new_object(), *detail;

	if (body == NULL)
		return NULL;
	if (p->error == TS_E_VALIDATION && p->loc != NULL)
		detail = validation_detail(p);
	else
		detail = json_object_new_string(ts_problem_message(p));
	if (detail == NULL) {
		json_object_put(body);
		return NULL;
	}
	json_object_object_add(body, "detail", detail);
	return body;
}

static void
answer_problem(struct ts_response *res, const struct ts_problem *p)
{
	struct json_object *body = ts_agent_error_body(p);

	/* No request_id in the body: FastAPI's has none; X-Request-Id has it. */
	if (body == NULL || ts_response_json(res, ts_error_status(p->error), body) != 0)
		ts_response_error(res, p->error, NULL, NULL); /* out of memory: still an error */
}

const struct ts_surface ts_agent_surface = { answer_problem, ts_agent_path_ids };
