/*
 * A worker's kept pages (include/page_cache.h): a small table searched in
 * full (TS_PAGE_CACHE_ENTRIES entries, a 16-byte compare each), each entry
 * owning a copy of its page's rows and of its key, the one used longest ago
 * giving way when the table or its byte budget is full.
 */
#include <stdlib.h>
#include <string.h>

#include "page_cache.h"
#include "ts_limits.h"

struct entry {
	int live;
	unsigned char tid[16];
	unsigned char cursor[16];
	int has_cursor;
	int upward;
	long long limit;
	char *caller;                   /* owned; NULL: anonymous */
	struct ts_db_rows rows;         /* owned */
	size_t bytes;                   /* what rows and caller take */
	long long row_id, version;
	unsigned long long used;        /* the tick of its last use */
};

struct ts_page_cache {
	struct entry e[TS_PAGE_CACHE_ENTRIES];
	size_t bytes;
	unsigned long long tick;
};

/* Bytes of rows' text: each value ends with a NUL (src/db_fetch.c). */
static size_t
text_bytes(const struct ts_db_rows *rows)
{
	size_t i, end = 0, at;
	const struct ts_db_cell *c;

	for (i = 0; i < rows->nrows * rows->ncols; i++) {
		c = &rows->cells[i];
		if (c->data == NULL)
			continue;
		at = (size_t)(c->data - rows->text) + c->len + 1;
		if (at > end)
			end = at;
	}
	return end;
}

/* A copy of src into *dst with its cells pointing into the copy's text;
 * 0, or -1 out of memory (*dst then empty). */
static int
rows_copy(const struct ts_db_rows *src, struct ts_db_rows *dst, size_t text_len)
{
	size_t i, n = src->nrows * src->ncols;

	memset(dst, 0, sizeof(*dst));
	if (n == 0)
		return 0;
	dst->cells = malloc(n * sizeof(*dst->cells));
	dst->text = malloc(text_len > 0 ? text_len : 1);
	if (dst->cells == NULL || dst->text == NULL) {
		ts_db_rows_free(dst);
		memset(dst, 0, sizeof(*dst));
		return -1;
	}
	memcpy(dst->text, src->text, text_len);
	for (i = 0; i < n; i++) {
		dst->cells[i].len = src->cells[i].len;
		dst->cells[i].data = src->cells[i].data != NULL ? dst->text + (src->cells[i].data - src->text) : NULL;
	}
	dst->nrows = src->nrows;
	dst->ncols = src->ncols;
	return 0;
}

static int
same_caller(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

static struct entry *
find(struct ts_page_cache *pc, const struct ts_page_key *k)
{
	struct entry *e;
	size_t i;

	for (i = 0; i < TS_PAGE_CACHE_ENTRIES; i++) {
		e = &pc->e[i];
		if (e->live && memcmp(e->tid, k->tid, 16) == 0 && e->upward == k->upward &&
		    e->limit == k->limit && e->has_cursor == (k->cursor != NULL) &&
		    (k->cursor == NULL || memcmp(e->cursor, k->cursor, 16) == 0) && same_caller(e->caller, k->caller))
			return e;
	}
	return NULL;
}

static void
forget(struct ts_page_cache *pc, struct entry *e)
{
	if (!e->live)
		return;
	ts_db_rows_free(&e->rows);
	free(e->caller);
	pc->bytes -= e->bytes;
	memset(e, 0, sizeof(*e));
}

struct ts_page_cache *
ts_page_cache_new(void)
{
	return calloc(1, sizeof(struct ts_page_cache));
}

void
ts_page_cache_free(struct ts_page_cache *pc)
{
	size_t i;

	if (pc == NULL)
		return;
	for (i = 0; i < TS_PAGE_CACHE_ENTRIES; i++)
		forget(pc, &pc->e[i]);
	free(pc);
}

int
ts_page_cache_peek(struct ts_page_cache *pc, const struct ts_page_key *k, long long *row_id, long long *version)
{
	struct entry *e = pc != NULL ? find(pc, k) : NULL;

	if (e == NULL)
		return 0;
	*row_id = e->row_id;
	*version = e->version;
	return 1;
}

int
ts_page_cache_copy(struct ts_page_cache *pc, const struct ts_page_key *k, struct ts_db_rows *out)
{
	struct entry *e = pc != NULL ? find(pc, k) : NULL;

	if (e == NULL || e->rows.nrows == 0 || rows_copy(&e->rows, out, text_bytes(&e->rows)) != 0)
		return -1;
	e->used = ++pc->tick;
	return 0;
}

void
ts_page_cache_drop(struct ts_page_cache *pc, const struct ts_page_key *k)
{
	struct entry *e = pc != NULL ? find(pc, k) : NULL;

	if (e != NULL)
		forget(pc, e);
}

/* The live entry used longest ago, or NULL when none is live. */
static struct entry *
oldest_live(struct ts_page_cache *pc)
{
	struct entry *best = NULL;
	size_t i;

	for (i = 0; i < TS_PAGE_CACHE_ENTRIES; i++)
		if (pc->e[i].live && (best == NULL || pc->e[i].used < best->used))
			best = &pc->e[i];
	return best;
}

/* A free entry, the oldest page giving way when there is none. */
static struct entry *
free_entry(struct ts_page_cache *pc)
{
	struct entry *e;
	size_t i;

	for (i = 0; i < TS_PAGE_CACHE_ENTRIES; i++)
		if (!pc->e[i].live)
			return &pc->e[i];
	e = oldest_live(pc);
	forget(pc, e);
	return e;
}

void
ts_page_cache_put(struct ts_page_cache *pc, const struct ts_page_key *k, const struct ts_db_rows *rows,
    long long row_id, long long version)
{
	static const struct ts_db_rows none;
	size_t text, bytes;
	struct entry *e;

	if (pc == NULL)
		return;
	if (rows == NULL)
		rows = &none;
	text = text_bytes(rows);
	ts_page_cache_drop(pc, k);
	bytes = text + rows->nrows * rows->ncols * sizeof(*rows->cells) +
	    (k->caller != NULL ? strlen(k->caller) + 1 : 0);
	if (bytes > TS_PAGE_CACHE_PAGE_BYTES)
		return;
	/* Room: the oldest pages go until this one fits the budget. */
	while (pc->bytes + bytes > TS_PAGE_CACHE_BYTES && (e = oldest_live(pc)) != NULL)
		forget(pc, e);
	e = free_entry(pc);
	if (rows_copy(rows, &e->rows, text) != 0)
		return;
	if (k->caller != NULL && (e->caller = strdup(k->caller)) == NULL) {
		ts_db_rows_free(&e->rows);
		memset(e, 0, sizeof(*e));
		return;
	}
	memcpy(e->tid, k->tid, 16);
	e->has_cursor = k->cursor != NULL;
	if (k->cursor != NULL)
		memcpy(e->cursor, k->cursor, 16);
	e->upward = k->upward;
	e->limit = k->limit;
	e->row_id = row_id;
	e->version = version;
	e->bytes = bytes;
	e->used = ++pc->tick;
	e->live = 1;
	pc->bytes += bytes;
}
