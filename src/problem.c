/* Problems: what parsers and operations report instead of answering. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "problem.h"
#include "response.h"

void
ts_problem_init(struct ts_problem *p)
{
	memset(p, 0, sizeof(*p));
	p->error = TS_E__COUNT;
}

void
ts_problem_free(struct ts_problem *p)
{
	json_object_put(p->loc);
	ts_problem_init(p);
}

int
ts_problem_is_set(const struct ts_problem *p)
{
	return p->error != TS_E__COUNT;
}

int
ts_problem_set(struct ts_problem *p, enum ts_error e, const char *msg)
{
	ts_problem_free(p);
	p->error = e;
	p->message = msg;
	return -1;
}

int
ts_problem_invalid_at(struct ts_problem *p, struct json_object *loc, const char *msg, const char *type)
{
	if (loc == NULL)
		return ts_problem_set(p, TS_E_INTERNAL, NULL);
	ts_problem_set(p, TS_E_VALIDATION, msg);
	p->loc = loc;
	p->type = type;
	return -1;
}

int
ts_problem_invalid(struct ts_problem *p, const char *const *loc, const char *msg, const char *type)
{
	struct json_object *l = json_object_new_array();

	for (; l != NULL && *loc != NULL; loc++)
		if (json_object_array_add(l, json_object_new_string(*loc)) != 0) {
			json_object_put(l);
			l = NULL;
		}
	return ts_problem_invalid_at(p, l, msg, type);
}

int
ts_problem_invalidf(struct ts_problem *p, const char *const *loc, const char *type, const char *fmt, ...)
{
	va_list ap;

	ts_problem_invalid(p, loc, NULL, type);
	va_start(ap, fmt);
	vsnprintf(p->text, sizeof(p->text), fmt, ap);
	va_end(ap);
	return -1;
}

int
ts_problem_db(struct ts_problem *p, enum ts_db_status st)
{
	int transient = st == TS_DB_UNAVAILABLE || st == TS_DB_TIMEOUT || st == TS_DB_RETRY;

	return ts_problem_set(p, transient ? TS_E_SERVICE_UNAVAILABLE : TS_E_INTERNAL, NULL);
}

void
ts_problem_nest(struct ts_problem *p, const char *name, size_t index)
{
	struct json_object *l;
	size_t i, n;

	if (p->error != TS_E_VALIDATION || p->loc == NULL || (n = json_object_array_length(p->loc)) == 0)
		return;
	if ((l = json_object_new_array_ext((int)n + 2)) == NULL) {
		ts_problem_set(p, TS_E_INTERNAL, NULL);
		return;
	}
	json_object_array_add(l, json_object_get(json_object_array_get_idx(p->loc, 0)));
	json_object_array_add(l, json_object_new_string(name));
	json_object_array_add(l, json_object_new_int64((int64_t)index));
	for (i = 1; i < n; i++)
		json_object_array_add(l, json_object_get(json_object_array_get_idx(p->loc, i)));
	json_object_put(p->loc);
	p->loc = l;
}

void
ts_problem_move(struct ts_problem *dst, struct ts_problem *src)
{
	if (dst == src)
		return;
	ts_problem_free(dst);
	*dst = *src;
	ts_problem_init(src);
}

const char *
ts_problem_message(const struct ts_problem *p)
{
	if (p->text[0] != '\0')
		return p->text;
	return p->message != NULL ? p->message : ts_error_message(p->error);
}

struct json_object *
ts_problem_detail(const struct ts_problem *p)
{
	if (p->error != TS_E_VALIDATION || p->loc == NULL)
		return NULL;
	return ts_detail_at(json_object_get(p->loc), ts_problem_message(p), p->type != NULL ? p->type : "value");
}
