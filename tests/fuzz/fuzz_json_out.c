/*
 * libFuzzer target: stored text written as JSON strings (src/json_out.c)
 * and the message list's pages that write them (src/message_view.c). The
 * first byte picks the flags (bit 0: json-c's default escaping of '/'
 * instead of the responses' JSON_C_TO_STRING_NOSLASHESCAPE); the rest is
 * the text, any bytes, NUL and invalid UTF-8 included, as a cell may hold.
 *
 * Invariants, besides the sanitizers:
 *  - ts_json_append_str writes exactly json-c's serialisation of a string
 *    object holding the text, and calls it plain exactly when that is the
 *    text between two quotes;
 *  - a message whose text, run_id and model are the text renders the same
 *    bytes from its view (the list's pages) as from the json-c object
 *    (ts_message_json_cells), and the size the response cap takes is its
 *    length.
 */
#include "fuzz_common.h"
#include "json_out.h"
#include "message_json.h"
#include "message_view.h"

static const unsigned char ids[16] = { 0x8e, 0x44, 0x4e, 0x08, 0xbe, 0x8f, 0x41, 0xac,
	0x9f, 0x14, 0x12, 0x2e, 0xa7, 0x48, 0x75, 0x19 };

static void
set(struct ts_db_cell *c, int col, const char *text, size_t len)
{
	c[col].data = (char *)(uintptr_t)text;
	c[col].len = len;
}

static void
check_string(struct json_object *scratch, const char *s, size_t len, int flags)
{
	struct json_object *ref = json_object_new_string_len(s, (int)len);
	struct printbuf *pb = printbuf_new();
	const char *want;
	size_t want_len;

	FUZZ_CHECK(ref != NULL && pb != NULL);
	want = json_object_to_json_string_length(ref, flags, &want_len);
	FUZZ_CHECK(want != NULL);
	FUZZ_CHECK(ts_json_append_str(pb, scratch, s, len, flags) == 0);
	FUZZ_CHECK((size_t)pb->bpos == want_len && memcmp(pb->buf, want, want_len) == 0);
	FUZZ_CHECK(ts_json_str_is_plain(s, len, flags) ==
	    (want_len == len + 2 && memcmp(want + 1, s, len) == 0));
	printbuf_free(pb);
	json_object_put(ref);
}

/* The view of cells against the json-c object, as a list's page writes it. */
static void
check_view(const struct ts_db_cell *c, int flags)
{
	struct ts_message_scratch sc;
	struct ts_message_view v;
	struct json_object *built, *view;
	const char *a, *b;
	size_t alen, blen;

	FUZZ_CHECK(ts_message_scratch_init(&sc) == 0);
	built = ts_message_json_cells(c, 1);
	v.cells = c;
	v.with_details = 1;
	v.shared = 0;
	v.scratch = &sc;
	view = ts_message_view_json(&v);
	FUZZ_CHECK(built != NULL && view != NULL);
	a = json_object_to_json_string_length(built, flags, &alen);
	b = json_object_to_json_string_length(view, flags, &blen);
	FUZZ_CHECK(a != NULL && b != NULL && alen == blen && memcmp(a, b, alen) == 0);
	/* The cap measures the responses' form. */
	FUZZ_CHECK(!(flags & JSON_C_TO_STRING_NOSLASHESCAPE) || ts_message_size_within(c, 1, &sc, 0) == alen);
	json_object_put(built);
	json_object_put(view);
	ts_message_scratch_free(&sc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ts_db_cell c[TS_MC__COUNT];
	struct json_object *scratch;
	const char *s;
	size_t len;
	int flags;

	if (size < 1)
		return 0;
	flags = JSON_C_TO_STRING_PLAIN | (data[0] & 1 ? 0 : JSON_C_TO_STRING_NOSLASHESCAPE);
	/* The text ends where libFuzzer's buffer ends: ASan sees a read past it. */
	len = size - 1;
	s = len > 0 ? (const char *)data + 1 : "";
	scratch = json_object_new_string("");
	FUZZ_CHECK(scratch != NULL);
	/* Twice, so the escaping path also sees its scratch value reused. */
	check_string(scratch, s, len, flags);
	check_string(scratch, s, len / 2, flags);
	json_object_put(scratch);

	memset(c, 0, sizeof(c));
	set(c, TS_MC_ID, (const char *)ids, 16);
	set(c, TS_MC_THREAD_ID, (const char *)ids, 16);
	set(c, TS_MC_SEQ, "7", 1);
	set(c, TS_MC_ROLE, "1", 1);
	set(c, TS_MC_METADATA, "{}", 2);
	set(c, TS_MC_CREATED_AT, "2026-01-02 03:04:05.678", 23);
	set(c, TS_MC_UPDATED_AT, "2026-01-02 03:04:05.678", 23);
	set(c, TS_MC_TEXT, s, len);
	set(c, TS_MC_RUN_ID, s, len / 2);
	set(c, TS_MC_MODEL, s, len);
	check_view(c, flags);
	return 0;
}
