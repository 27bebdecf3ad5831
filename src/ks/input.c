/*
 * Knowledge Stack's CreateThreadMessageRequest as the operations' input.
 * What Knowledge Stack names differently is checked here, in its own
 * terms (its field names in each 422's loc); the body is then rewritten
 * into /api's and goes through /api's own checks (message_input.h), so
 * that the two surfaces cannot store one message two ways: a role in
 * lowercase, a citation's start_char as offset and its materialized_path
 * as path (the names /api stores and shows).
 */
#include <string.h>

#include "ks.h"
#include "validate.h"

/* A present, non-null member, or NULL. */
static struct json_object *
member(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, key, &v);
	return v;
}

static int
bad(struct ts_problem *p, const char *a, const char *b, const char *msg, const char *type)
{
	const char *loc[] = { "body", a, b, NULL };

	return ts_problem_invalid(p, loc, msg, type);
}

/* Knowledge Stack's MessageRole (its three values, exactly) as /api's name. */
static int
parse_role(struct ts_problem *p, struct json_object *v, const char **out)
{
	static const char *const ks[] = { "USER", "ASSISTANT", "SYSTEM", NULL };
	static const char *const api[] = { "user", "assistant", "system" };
	const char *s;
	size_t i;

	if (v == NULL)
		return bad(p, "role", NULL, "field required", "missing");
	s = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
	for (i = 0; ks[i] != NULL; i++)
		if (strcmp(s, ks[i]) == 0) {
			*out = api[i];
			return 0;
		}
	return bad(p, "role", NULL, "Input should be 'USER', 'ASSISTANT' or 'SYSTEM'", "enum");
}

/* content.citations, each rewritten (null: none); *out a new array or NULL. */
static int
parse_citations(struct ts_problem *p, struct json_object *v, struct json_object **out)
{
	struct json_object *arr, *c;
	size_t i, n;

	*out = NULL;
	if (v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_array))
		return bad(p, "content", "citations", "must be an array", "type");
	n = json_object_array_length(v);
	if ((arr = json_object_new_array_ext((int)n)) == NULL)
		return ts_problem_set(p, TS_E_INTERNAL, NULL);
	for (i = 0; i < n; i++) {
		if (ts_ks_citation_in(p, i, json_object_array_get_idx(v, i), &c) != 0) {
			json_object_put(arr);
			return -1;
		}
		json_object_array_add(arr, c);
	}
	*out = arr;
	return 0;
}

/* content: an object (ThreadMessageContent) as /api's content object: the
 * same members, the citations rewritten. *out a new reference. */
static int
parse_content(struct ts_problem *p, struct json_object *v, struct json_object **out)
{
	struct json_object *o, *citations;

	*out = NULL;
	if (v == NULL)
		return bad(p, "content", NULL, "field required", "missing");
	if (!json_object_is_type(v, json_type_object))
		return bad(p, "content", NULL, "must be an object with text", "type");
	if (parse_citations(p, member(v, "citations"), &citations) != 0)
		return -1;
	if ((o = json_object_new_object()) == NULL) {
		json_object_put(citations);
		return ts_problem_set(p, TS_E_INTERNAL, NULL);
	}
	/* Everything else as given: /api checks text, references, is_error
	 * and any unknown member at the same loc. */
	json_object_object_foreach(v, key, val) {
		if (strcmp(key, "citations") != 0)
			json_object_object_add(o, key, json_object_get(val));
	}
	if (citations != NULL)
		json_object_object_add(o, "citations", citations);
	*out = o;
	return 0;
}

/*
 * The request rewritten as /api's body into *out (a new reference). Its
 * strings are the request's own json-c strings (shared references), so
 * what the input borrows from it lives as long as the request body.
 */
static int
api_body(struct ts_problem *p, struct json_object *body, struct json_object **out)
{
	static const char *const known[] = { "message_id", "role", "content", "details", NULL };
	struct json_object *o, *content, *v;
	const char *role = NULL;

	*out = NULL;
	if (ts_v_known_fields(p, body, known) != 0 || parse_role(p, member(body, "role"), &role) != 0)
		return -1;
	/* ThreadMessageDetails is an object; null or absent: none. */
	if ((v = member(body, "details")) != NULL && !json_object_is_type(v, json_type_object))
		return bad(p, "details", NULL, "must be an object", "type");
	if (parse_content(p, member(body, "content"), &content) != 0)
		return -1;
	if ((o = json_object_new_object()) == NULL) {
		json_object_put(content);
		return ts_problem_set(p, TS_E_INTERNAL, NULL);
	}
	json_object_object_add(o, "role", json_object_new_string(role));
	json_object_object_add(o, "content", content);
	if ((v = member(body, "message_id")) != NULL)
		json_object_object_add(o, "message_id", json_object_get(v));
	if ((v = member(body, "details")) != NULL)
		json_object_object_add(o, "details", json_object_get(v));
	*out = o;
	return 0;
}

int
ts_ks_parse_message(struct ts_problem *p, struct json_object *body, struct ts_message_input *in)
{
	struct json_object *api = NULL;
	int rc;

	if (ts_message_input_init(p, in) != 0)
		return -1;
	if (api_body(p, body, &api) != 0)
		return -1;
	ts_message_input_free(in);      /* ts_message_parse starts afresh */
	rc = ts_message_parse(p, api, in);
	json_object_put(api);
	return rc;
}
