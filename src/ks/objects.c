/*
 * Stored rows as Knowledge Stack's objects: a message as its
 * ThreadMessageResponse, a page as its PaginatedResponse. Knowledge
 * Stack keeps messages as nodes of a path tree in a tenant; threadstore
 * has threads of messages and no tenants, so the tree is drawn from the
 * thread (the API reference, tag ks, has the mapping):
 *   path_part_id       the message's id (a message is its own node)
 *   parent_path_id     the thread's id (the thread is the message's parent)
 *   materialized_path  "/threads/<thread id>/<sequence>"
 *   sequence           seq
 *   tenant_id          the nil UUID: one store, no tenants
 *   author_tenant_user_id  null: users are JWT subjects, not UUIDs
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ids.h"
#include "json_out.h"
#include "ks.h"
#include "message_json.h"
#include "roles.h"

#define KS_NIL_TENANT "00000000-0000-0000-0000-000000000000"

const char *
ts_ks_role_name(int role)
{
	/* Knowledge Stack has no tool role, and its SDKs refuse a role
	 * outside its three: a tool's output is the assistant's work. */
	switch (role) {
	case TS_ROLE_USER: return "USER";
	case TS_ROLE_SYSTEM: return "SYSTEM";
	default: return "ASSISTANT";
	}
}

/* add_uuid and add_time add a member not yet in o (ts_json_put_new). */
static void
add_uuid(struct json_object *o, const char *key, const struct ts_db_cell *c)
{
	char s[TS_UUID_STR_LEN + 1];

	if (c->data == NULL || c->len != 16) {
		ts_json_put_new(o, key, NULL);
		return;
	}
	ts_uuid_format((const unsigned char *)c->data, s);
	ts_json_put_new(o, key, json_object_new_string_len(s, TS_UUID_STR_LEN));
}

static void
add_time(struct json_object *o, const char *key, const struct ts_db_cell *c)
{
	char iso[TS_ISO_LEN + 1];

	ts_json_put_new(o, key, c->data != NULL && ts_time_db_to_iso(c->data, c->len, iso) == 0
	    ? json_object_new_string_len(iso, TS_ISO_LEN) : NULL);
}

/* The content (EnrichedThreadMessageContent): /api's content object with
 * its citations in Knowledge Stack's form. A new reference or NULL. */
static struct json_object *
content_object(const struct ts_db_cell *c)
{
	struct json_object *o = ts_message_content_json(&c[TS_MC_TEXT], &c[TS_MC_CONTENT_EXTRA]);
	struct json_object *stored, *out, *item;
	size_t i, n;

	if (o == NULL || !json_object_object_get_ex(o, "citations", &stored) ||
	    !json_object_is_type(stored, json_type_array))
		return o;
	n = json_object_array_length(stored);
	if ((out = json_object_new_array_ext((int)n)) == NULL) {
		json_object_put(o);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if ((item = ts_ks_citation_out(json_object_array_get_idx(stored, i))) == NULL) {
			json_object_put(out);
			json_object_put(o);
			return NULL;
		}
		json_object_array_add(out, item);
	}
	json_object_object_add(o, "citations", out);
	return o;
}

/* ThreadMessageDetails is an object: details another surface stored as
 * any other JSON value are shown as null, which the SDKs read. */
static struct json_object *
details_object(const struct ts_db_cell *c, int with_details)
{
	if (!with_details || c->data == NULL || c->len == 0 || c->data[0] != '{')
		return NULL;
	return ts_stored_json(c);
}

struct json_object *
ts_ks_message_object(const struct ts_db_cell *c, int with_details)
{
	struct json_object *o, *content;
	char tid[TS_UUID_STR_LEN + 1], path[TS_UUID_STR_LEN + 48];
	long long seq;

	if (c[TS_MC_ID].data == NULL || c[TS_MC_ID].len != 16 || c[TS_MC_THREAD_ID].data == NULL ||
	    c[TS_MC_THREAD_ID].len != 16 || c[TS_MC_SEQ].data == NULL || c[TS_MC_ROLE].data == NULL)
		return NULL;
	if ((content = content_object(c)) == NULL)
		return NULL;
	if ((o = json_object_new_object()) == NULL) {
		json_object_put(content);
		return NULL;
	}
	seq = strtoll(c[TS_MC_SEQ].data, NULL, 10);
	ts_uuid_format((const unsigned char *)c[TS_MC_THREAD_ID].data, tid);
	snprintf(path, sizeof(path), "/threads/%s/%lld", tid, seq);
	add_uuid(o, "id", &c[TS_MC_ID]);
	add_uuid(o, "thread_id", &c[TS_MC_THREAD_ID]);
	add_uuid(o, "path_part_id", &c[TS_MC_ID]);
	ts_json_put_new(o, "sequence", json_object_new_int64(seq));
	ts_json_put_new(o, "role", json_object_new_string(
	    ts_ks_role_name((int)strtol(c[TS_MC_ROLE].data, NULL, 10))));
	ts_json_put_new(o, "content", content);
	ts_json_put_new(o, "details", details_object(&c[TS_MC_DETAILS], with_details));
	add_uuid(o, "parent_path_id", &c[TS_MC_THREAD_ID]);
	ts_json_put_new(o, "materialized_path", json_object_new_string(path));
	ts_json_put_new(o, "tenant_id", json_object_new_string(KS_NIL_TENANT));
	ts_json_put_new(o, "author_tenant_user_id", NULL);
	add_time(o, "created_at", &c[TS_MC_CREATED_AT]);
	add_time(o, "updated_at", &c[TS_MC_UPDATED_AT]);
	return o;
}

struct json_object *
ts_ks_page_object(struct json_object *items, long long total, long long limit, long long offset)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL) {
		json_object_put(items);
		return NULL;
	}
	json_object_object_add(o, "items", items);
	json_object_object_add(o, "total", json_object_new_int64(total));
	json_object_object_add(o, "limit", json_object_new_int64(limit));
	json_object_object_add(o, "offset", json_object_new_int64(offset));
	return o;
}
