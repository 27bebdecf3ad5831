/* A message being created as the row stored for it, and a stored row's token cost. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "message_input.h"
#include "message_row.h"
#include "timefmt.h"
#include "validate.h"


static void
cell_set(struct ts_db_cell *c, const void *data, size_t len)
{
	c->data = (char *)(uintptr_t)data;
	c->len = data != NULL ? (unsigned long)len : 0;
}

static void
cell_str(struct ts_db_cell *c, const char *s)
{
	cell_set(c, s, s != NULL ? strlen(s) : 0);
}

/* A number formatted into buf (at least 21 bytes); v < 0 is SQL NULL. */
static void
cell_int(struct ts_db_cell *c, char *buf, size_t size, long long v)
{
	if (v < 0) {
		cell_set(c, NULL, 0);
		return;
	}
	cell_set(c, buf, (size_t)snprintf(buf, size, "%lld", v));
}

void
ts_message_row_fill(struct ts_message_row *r, const unsigned char *tid, const unsigned char *id,
    long long seq, const char *now, const struct ts_message_input *in)
{
	static const enum ts_message_col str_cols[TS_MS__COUNT] = {
		TS_MC_RUN_ID, TS_MC_ASSISTANT_ID, TS_MC_MODEL, TS_MC_SOURCE,
		TS_MC_TOOL_CALL_ID, TS_MC_TOOL_NAME, TS_MC_COMPARISON_ID
	};
	static const enum ts_message_col int_cols[TS_MI__COUNT] = {
		TS_MC_TOKEN_COUNT, TS_MC_PROMPT_TOKENS, TS_MC_COMPLETION_TOKENS, TS_MC_LATENCY_MS
	};
	/* cppcheck-suppress ctuuninitvar ; r->cells is the address of the array
	 * this function fills, nothing is read from it */
	struct ts_db_cell *c = r->cells;
	size_t i;

	cell_set(&c[TS_MC_THREAD_ID], tid, 16);
	cell_int(&c[TS_MC_SEQ], r->seq, sizeof(r->seq), seq);
	cell_set(&c[TS_MC_ID], id, 16);
	cell_int(&c[TS_MC_ROLE], r->role, sizeof(r->role), in->role);
	cell_set(&c[TS_MC_TEXT], in->text, in->text_len);
	cell_str(&c[TS_MC_CONTENT_EXTRA], in->content_extra);
	cell_str(&c[TS_MC_DETAILS], in->details);
	cell_str(&c[TS_MC_METADATA], in->metadata);
	cell_str(&c[TS_MC_ATTACHMENTS], in->attachments);
	cell_set(&c[TS_MC_PARENT_ID], in->has_parent ? in->parent : NULL, 16);
	for (i = 0; i < TS_MS__COUNT; i++)
		cell_str(&c[str_cols[i]], in->strs[i]);
	cell_str(&c[TS_MC_TOOL_CALLS], in->tool_calls);
	for (i = 0; i < TS_MI__COUNT; i++)
		cell_int(&c[int_cols[i]], r->ints[i], sizeof(r->ints[i]), in->ints[i]);
	cell_set(&c[TS_MC_CREATED_AT], now, TS_DB_TIME_LEN);
	cell_set(&c[TS_MC_UPDATED_AT], now, TS_DB_TIME_LEN);
	cell_str(&c[TS_MC_ITEM], in->item);
}

long long
ts_message_cost(const struct ts_db_rows *rows, size_t row)
{
	const struct ts_db_cell *c = &rows->cells[row * rows->ncols];

	if (c[TS_MC_TOKEN_COUNT].data != NULL)
		return strtoll(c[TS_MC_TOKEN_COUNT].data, NULL, 10);
	return (long long)((ts_utf8_count(c[TS_MC_TEXT].data, c[TS_MC_TEXT].len) + 3) / 4);
}
