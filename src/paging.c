/* Keyset paging: parameters, the scan direction, the envelope. */
#include <string.h>

#include "paging.h"
#include "params.h"

struct ts_page_scan
ts_page_scan_for(enum ts_order order, enum ts_cursor_kind kind)
{
	struct ts_page_scan s;

	/*
	 * "after" in ascending order and "before" in descending order both read
	 * the keys above the cursor; a before page is read nearest-first and
	 * turned around so it still comes out in the requested order.
	 */
	if (kind == TS_CURSOR_BEFORE) {
		s.upward = order == TS_ORDER_DESC;
		s.reverse = 1;
	} else {
		s.upward = order == TS_ORDER_ASC;
		s.reverse = 0;
	}
	return s;
}

int
ts_page_params(struct ts_problem *p, const char *query, long long max_limit, long long default_limit,
    struct ts_page_request *pr)
{
	static const char *const orders[] = { "asc", "desc", NULL };
	static const char *const names[] = { "after", "before", "cursor" };
	static const enum ts_cursor_kind kinds[] = { TS_CURSOR_AFTER, TS_CURSOR_BEFORE, TS_CURSOR_AFTER };
	int order = TS_ORDER_DESC, rc;
	size_t i;
	uuid_t u;

	memset(pr, 0, sizeof(*pr));
	pr->limit = default_limit;
	if (ts_q_int(p, query, "limit", 1, max_limit, &pr->limit) < 0 ||
	    ts_q_enum(p, query, "order", orders, &order) < 0)
		return -1;
	pr->order = (enum ts_order)order;
	for (i = 0; i < 3; i++) {
		if ((rc = ts_q_uuid(p, query, names[i], u)) < 0)
			return -1;
		if (rc == 0)
			continue;
		if (pr->kind != TS_CURSOR_NONE) {
			const char *loc[] = { "query", names[i], NULL };
			return ts_problem_invalid(p, loc, "after, before and cursor exclude each other", "conflict");
		}
		pr->kind = kinds[i];
		pr->cursor_param = names[i];
		memcpy(pr->cursor, u, sizeof(uuid_t));
	}
	return 0;
}

static struct json_object *
id_of(struct json_object *item)
{
	struct json_object *id = NULL;

	json_object_object_get_ex(item, "id", &id);
	return id != NULL ? json_object_get(id) : NULL;
}

struct json_object *
ts_page_envelope(struct json_object *data, int has_more, enum ts_cursor_kind kind)
{
	size_t n = json_object_array_length(data);

	return ts_page_envelope_ids(data, n > 0 ? id_of(json_object_array_get_idx(data, 0)) : NULL,
	    n > 0 ? id_of(json_object_array_get_idx(data, n - 1)) : NULL, has_more, kind);
}

struct json_object *
ts_page_envelope_ids(struct json_object *data, struct json_object *first,
    struct json_object *last, int has_more, enum ts_cursor_kind kind)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL) {
		json_object_put(data);
		json_object_put(first);
		json_object_put(last);
		return NULL;
	}
	json_object_object_add(o, "object", json_object_new_string("list"));
	json_object_object_add(o, "data", data);
	json_object_object_add(o, "first_id", first);
	json_object_object_add(o, "last_id", last);
	json_object_object_add(o, "has_more", json_object_new_boolean(has_more));
	json_object_object_add(o, "next_cursor",
	    has_more && kind != TS_CURSOR_BEFORE && last != NULL ? json_object_get(last) : NULL);
	return o;
}
