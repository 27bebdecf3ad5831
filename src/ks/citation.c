/*
 * A citation in Knowledge Stack's form and in the form threadstore stores
 * (the API reference's citation: chunk_id, quote, offset, length, and the
 * optional document_id ... path). One table names both, so a citation
 * written through either surface reads back through both: start_char is
 * stored as offset, materialized_path as path; every other member keeps
 * its name.
 */
#include <string.h>

#include "ids.h"
#include "ks.h"

/* A present, non-null member, or NULL. */
static struct json_object *
member(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, key, &v);
	return v;
}

/* A 422 at ["body", "content", "citations", i, field] (field NULL: the item). */
static int
bad_citation(struct ts_problem *p, size_t i, const char *field, const char *msg, const char *type)
{
	struct json_object *loc = json_object_new_array();

	if (loc == NULL)
		return ts_problem_set(p, TS_E_INTERNAL, NULL);
	json_object_array_add(loc, json_object_new_string("body"));
	json_object_array_add(loc, json_object_new_string("content"));
	json_object_array_add(loc, json_object_new_string("citations"));
	json_object_array_add(loc, json_object_new_int64((int64_t)i));
	if (field != NULL)
		json_object_array_add(loc, json_object_new_string(field));
	return ts_problem_invalid_at(p, loc, msg, type);
}

/* The kinds of value a citation's members hold. */
enum kind { K_UUID, K_STRING, K_INT };

/* A citation's members as Knowledge Stack names them (Citation, and the
 * EnrichedCitation a client read and writes back), the name /api stores
 * each under, and whether it is required. */
static const struct {
	const char *name, *stored;
	enum kind kind;
	int required;
} fields[] = {
	{ "chunk_id", "chunk_id", K_UUID, 1 },
	{ "quote", "quote", K_STRING, 1 },
	{ "start_char", "offset", K_INT, 1 },
	{ "length", "length", K_INT, 1 },
	{ "start_ms", "start_ms", K_INT, 0 },
	{ "end_ms", "end_ms", K_INT, 0 },
	{ "document_id", "document_id", K_UUID, 0 },
	{ "document_version_id", "document_version_id", K_UUID, 0 },
	{ "document_name", "document_name", K_STRING, 0 },
	{ "version_number", "version_number", K_INT, 0 },
	{ "path_part_id", "path_part_id", K_UUID, 0 },
	{ "materialized_path", "path", K_STRING, 0 },
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

/* Member v of citation i is of field f's kind: 0, or -1 with the 422. */
static int
check_value(struct ts_problem *p, size_t i, size_t f, struct json_object *v)
{
	uuid_t u;
	long long n;

	switch (fields[f].kind) {
	case K_UUID:
		if (!json_object_is_type(v, json_type_string) || ts_uuid_parse(json_object_get_string(v), u) != 0)
			return bad_citation(p, i, fields[f].name, "must be a UUID", "uuid");
		return 0;
	case K_STRING:
		if (!json_object_is_type(v, json_type_string))
			return bad_citation(p, i, fields[f].name, "must be a string", "type");
		return 0;
	case K_INT:
		if (!json_object_is_type(v, json_type_int))
			return bad_citation(p, i, fields[f].name, "must be an integer", "type");
		n = json_object_get_int64(v);
		if (n < 0 || n > TS_MAX_INT_FIELD)
			return bad_citation(p, i, fields[f].name, "must be between 0 and " TS_STR(TS_MAX_INT_FIELD),
			    "range");
		return 0;
	}
	return 0;
}

/* The field of fields[] called key, or NFIELDS. */
static size_t
field_of(const char *key)
{
	size_t f;

	for (f = 0; f < NFIELDS && strcmp(fields[f].name, key) != 0; f++)
		;
	return f;
}

int
ts_ks_citation_in(struct ts_problem *p, size_t i, struct json_object *c, struct json_object **out)
{
	struct json_object *o, *v;
	size_t f;

	*out = NULL;
	if (!json_object_is_type(c, json_type_object))
		return bad_citation(p, i, NULL, "each citation must be an object", "type");
	/* /api's own names (offset, path) are unknown here: a citation
	 * holding both names of one value would be two answers to one question. */
	json_object_object_foreach(c, key, val) {
		(void)val;
		if (field_of(key) == NFIELDS)
			return bad_citation(p, i, key, "unknown field", "unknown_field");
	}
	for (f = 0; f < NFIELDS; f++) {
		if ((v = member(c, fields[f].name)) == NULL && fields[f].required)
			return bad_citation(p, i, fields[f].name, "field required", "missing");
		if (v != NULL && check_value(p, i, f, v) != 0)
			return -1;
	}
	if ((o = json_object_new_object()) == NULL)
		return ts_problem_set(p, TS_E_INTERNAL, NULL);
	/* Explicit nulls are "not set", as everywhere in threadstore. */
	for (f = 0; f < NFIELDS; f++)
		if ((v = member(c, fields[f].name)) != NULL)
			json_object_object_add(o, fields[f].stored, json_object_get(v));
	*out = o;
	return 0;
}

/* The field of fields[] stored as key, or NFIELDS. */
static size_t
stored_field(const char *key)
{
	size_t f;

	for (f = 0; f < NFIELDS && strcmp(fields[f].stored, key) != 0; f++)
		;
	return f;
}

struct json_object *
ts_ks_citation_out(struct json_object *stored)
{
	struct json_object *o = json_object_new_object(), *v;
	size_t f;

	if (o == NULL)
		return NULL;
	/* Every EnrichedCitation member, null where not stored (FastAPI
	 * writes its optional members as null). */
	for (f = 0; f < NFIELDS; f++) {
		v = member(stored, fields[f].stored);
		json_object_object_add(o, fields[f].name, v != NULL ? json_object_get(v) : NULL);
	}
	/* What else /api stored with it, as given ("citations keep extra
	 * keys"), unless it would shadow a member shown above. */
	if (json_object_is_type(stored, json_type_object)) {
		json_object_object_foreach(stored, key, val) {
			if (stored_field(key) == NFIELDS && field_of(key) == NFIELDS)
				json_object_object_add(o, key, json_object_get(val));
		}
	}
	return o;
}
