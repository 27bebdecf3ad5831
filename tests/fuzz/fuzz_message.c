/*
 * libFuzzer target: message bodies (src/message_input.c, src/validate.c,
 * src/v1/input.c), which fuzz_request cannot reach: their operations load
 * the thread from the database first. The first byte picks the way in, the
 * rest is the request body, parsed as the dispatcher parses it:
 *   0  POST /api/.../messages: ts_v_body, then ts_message_parse
 *   1  POST /v1/.../messages: ts_v_body, then ts_v1_parse_message
 *   2  PATCH /api/.../messages/{id}: ts_message_parse_patch, no stored content
 *   3  the same, merged into stored content {"citations":[],"is_error":true}
 *
 * Invariants, besides the sanitizers:
 *  - a parser fails exactly when it reported a problem, and then a 422
 *    whose rendered body is strict JSON with a loc under "body";
 *  - what passes is within the contract: the text is UTF-8 without NUL
 *    and at most 512 KiB, strings at most 255 code points without NUL,
 *    counts in [0, 2^31-1], and every JSON text kept for storage (content
 *    extras, metadata, details, attachments, tool calls) parses strictly
 *    again, metadata as an object of at most 16 keys.
 */
#include "fuzz_common.h"
#include "json_in.h"
#include "ts_limits.h"
#include "message_input.h"
#include "problem.h"
#include "response.h"
#include "roles.h"
#include "v1.h"
#include "validate.h"

/* A kept JSON text (NULL allowed) parses strictly; is_type -1: any type. */
static void
check_json_text(const char *text, int type)
{
	struct json_object *o = NULL;

	if (text == NULL)
		return;
	FUZZ_CHECK(ts_json_parse(text, strlen(text), TS_MAX_JSON_DEPTH + 1, &o) == TS_JSON_OK);
	FUZZ_CHECK(type < 0 || json_object_is_type(o, (enum json_type)type));
	json_object_put(o);
}

static void
check_text(const char *text, size_t len)
{
	FUZZ_CHECK(text != NULL && strlen(text) == len && len <= TS_MAX_MESSAGE_TEXT_BYTES);
	FUZZ_CHECK(len == 0 || ts_utf8_valid(text, len));
}

static void
check_metadata(const char *text)
{
	struct json_object *o = NULL;

	check_json_text(text, json_type_object);
	if (text != NULL) {
		FUZZ_CHECK(ts_json_parse(text, strlen(text), TS_MAX_JSON_DEPTH + 1, &o) == TS_JSON_OK);
		FUZZ_CHECK(json_object_object_length(o) <= 16);
		json_object_put(o);
	}
}

static void
check_input(const struct ts_message_input *in)
{
	struct json_object *t;
	size_t i;

	FUZZ_CHECK(in->role >= 0 && in->role < TS_ROLE__COUNT);
	check_text(in->text, in->text_len);
	FUZZ_CHECK(json_object_object_get_ex(in->content, "text", &t));
	FUZZ_CHECK((size_t)json_object_get_string_len(t) == in->text_len &&
	    memcmp(json_object_get_string(t), in->text, in->text_len) == 0);
	check_json_text(in->content_extra, json_type_object);
	check_json_text(in->details, -1);
	check_metadata(in->metadata);
	check_json_text(in->attachments, json_type_array);
	check_json_text(in->tool_calls, json_type_array);
	for (i = 0; i < TS_MS__COUNT; i++)
		FUZZ_CHECK(in->strs[i] == NULL ||
		    ts_utf8_count(in->strs[i], strlen(in->strs[i])) <= 255);
	for (i = 0; i < TS_MI__COUNT; i++)
		FUZZ_CHECK(in->ints[i] >= -1 && in->ints[i] <= 2147483647LL);
}

/* rc -1 exactly when a problem was reported: a 422 whose /api body is
 * strict JSON with a loc under "body". */
static void
check_problem(struct ts_problem *p, int rc)
{
	struct ts_response res;
	struct json_object *o = NULL, *detail, *loc, *first;

	FUZZ_CHECK(rc == 0 || rc == -1);
	FUZZ_CHECK((rc == -1) == ts_problem_is_set(p));
	if (rc == 0)
		return;
	FUZZ_CHECK(p->error == TS_E_VALIDATION);
	memset(&res, 0, sizeof(res));
	FUZZ_CHECK(ts_response_error(&res, TS_E_VALIDATION, NULL, ts_problem_detail(p)) == 0);
	FUZZ_CHECK(res.status == 422 && res.body != NULL);
	FUZZ_CHECK(ts_json_parse(res.body, res.body_len, TS_MAX_JSON_DEPTH, &o) == TS_JSON_OK);
	FUZZ_CHECK(json_object_object_get_ex(o, "detail", &detail));
	FUZZ_CHECK(json_object_object_get_ex(json_object_array_get_idx(detail, 0), "loc", &loc));
	first = json_object_array_get_idx(loc, 0);
	FUZZ_CHECK(strcmp(json_object_get_string(first), "body") == 0);
	json_object_put(o);
	ts_response_free(&res);
	ts_problem_free(p);
}

static void
create(struct json_object *body, const struct ts_json_flaws *flaws, int v1)
{
	struct ts_message_input in;
	struct ts_problem p;
	int rc;

	memset(&in, 0, sizeof(in));
	ts_problem_init(&p);
	rc = ts_v_body(&p, body, flaws);
	if (rc == 0)
		rc = v1 ? ts_v1_parse_message(&p, body, &in) : ts_message_parse(&p, body, &in);
	check_problem(&p, rc);
	if (rc == 0)
		check_input(&in);
	ts_message_input_free(&in);
}

static void
patch(struct json_object *body, const struct ts_json_flaws *flaws, int with_stored)
{
	static char stored[] = "{\"citations\":[],\"is_error\":true}";
	struct ts_db_cell cell = { NULL, 0 };
	struct ts_message_patch mp;
	struct ts_problem p;
	int rc;

	memset(&mp, 0, sizeof(mp));
	ts_problem_init(&p);
	if (with_stored) {
		cell.data = stored;
		cell.len = sizeof(stored) - 1;
	}
	rc = ts_v_body(&p, body, flaws);
	if (rc == 0)
		rc = ts_message_parse_patch(&p, body, &mp);
	check_problem(&p, rc);
	if (rc == 0) {
		FUZZ_CHECK(ts_message_patch_merge_error(&mp, &cell) == 0);
		if (mp.has_text)
			check_text(mp.text, mp.text_len);
		check_json_text(mp.content_extra, json_type_object);
		check_metadata(mp.metadata);
		check_json_text(mp.details, -1);
	}
	ts_message_patch_free(&mp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object *body = NULL;
	struct ts_json_flaws flaws;
	int mode;

	if (size < 2)
		return 0;
	mode = data[0] % 4;
	/* As the dispatcher's take_body: only a parsed body reaches a handler. */
	if (ts_json_parse_body((const char *)data + 1, size - 1, TS_MAX_JSON_DEPTH, &body, &flaws) != TS_JSON_OK)
		return 0;
	if (mode < 2)
		create(body, &flaws, mode == 1);
	else
		patch(body, &flaws, mode == 3);
	json_object_put(body);
	return 0;
}
