/*
 * A worker's kept pages (include/page_cache.h): a small table searched in
 * full (TS_PAGE_CACHE_ENTRIES entries, a 16-byte compare each), each entry
 * owning a copy of its key and a reference to its page (a copy of the
 * rows, and a surface's body once written), the one used longest ago
 * giving way when the table or its byte budget is full.
 */
#include <stdlib.h>
#include <string.h>

#include "page_cache.h"
#include "ts_limits.h"

/* Freed by whoever lets go of it last: the cache, or a request it was lent to. */
struct ts_kept_page {
	unsigned refs;
	struct ts_db_rows rows;         /* owned */
	char *body;                     /* owned; NULL: none written */
	size_t body_len;
	char tag[TS_PAGE_CACHE_TAG_BYTES];
};

struct entry {
	int live;
	unsigned char tid[16];
	unsigned char cursor[16];
	int has_cursor;
	int upward;
	long long limit;
	char *caller;                   /* owned; NULL: anonymous */
	struct ts_kept_page *page;      /* a reference; NULL: the thread only */
	size_t bytes;                   /* what the page's rows and body and caller take */
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

void
ts_kept_page_release(struct ts_kept_page *kp)
{
	if (kp == NULL || --kp->refs > 0)
		return;
	ts_db_rows_free(&kp->rows);
	free(kp->body);
	free(kp);
}

static struct ts_kept_page *
lend(struct ts_kept_page *kp)
{
	kp->refs++;
	return kp;
}

static void
forget(struct ts_page_cache *pc, struct entry *e)
{
	if (!e->live)
		return;
	ts_kept_page_release(e->page);
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

struct ts_kept_page *
ts_page_cache_lend(struct ts_page_cache *pc, const struct ts_page_key *k)
{
	struct entry *e = pc != NULL ? find(pc, k) : NULL;

	if (e == NULL || e->page == NULL)
		return NULL;
	e->used = ++pc->tick;
	return lend(e->page);
}

const struct ts_db_rows *
ts_kept_page_rows(const struct ts_kept_page *kp)
{
	return &kp->rows;
}

const char *
ts_kept_page_body(const struct ts_kept_page *kp, const char *tag, size_t *len)
{
	if (kp->body == NULL || strcmp(kp->tag, tag) != 0)
		return NULL;
	*len = kp->body_len;
	return kp->body;
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
oldest_live(struct ts_page_cache *pc, const struct entry *spare)
{
	struct entry *best = NULL;
	size_t i;

	for (i = 0; i < TS_PAGE_CACHE_ENTRIES; i++)
		if (pc->e[i].live && &pc->e[i] != spare && (best == NULL || pc->e[i].used < best->used))
			best = &pc->e[i];
	return best;
}

/* The oldest pages other than spare go until more bytes fit the budget. */
static void
make_room(struct ts_page_cache *pc, const struct entry *spare, size_t more)
{
	struct entry *e;

	while (pc->bytes + more > TS_PAGE_CACHE_BYTES && (e = oldest_live(pc, spare)) != NULL)
		forget(pc, e);
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
	e = oldest_live(pc, NULL);
	forget(pc, e);
	return e;
}

/* A new page holding a copy of rows (text bytes of text), or NULL out of memory. */
static struct ts_kept_page *
new_page(const struct ts_db_rows *rows, size_t text)
{
	struct ts_kept_page *kp = calloc(1, sizeof(*kp));

	if (kp == NULL)
		return NULL;
	if (rows_copy(rows, &kp->rows, text) != 0) {
		free(kp);
		return NULL;
	}
	kp->refs = 1;
	return kp;
}

struct ts_kept_page *
ts_page_cache_put(struct ts_page_cache *pc, const struct ts_page_key *k, const struct ts_db_rows *rows,
    long long row_id, long long version)
{
	struct ts_kept_page *kp = NULL;
	size_t text = 0, bytes;
	struct entry *e;

	if (pc == NULL)
		return NULL;
	ts_page_cache_drop(pc, k);
	if (rows != NULL && rows->nrows > 0)
		text = text_bytes(rows);
	bytes = (rows != NULL ? text + rows->nrows * rows->ncols * sizeof(*rows->cells) : 0) +
	    (k->caller != NULL ? strlen(k->caller) + 1 : 0);
	if (bytes > TS_PAGE_CACHE_PAGE_BYTES)
		return NULL;
	make_room(pc, NULL, bytes);
	e = free_entry(pc);
	if (rows != NULL && rows->nrows > 0 && (kp = new_page(rows, text)) == NULL)
		return NULL;
	if (k->caller != NULL && (e->caller = strdup(k->caller)) == NULL) {
		ts_kept_page_release(kp);
		return NULL;
	}
	memcpy(e->tid, k->tid, 16);
	e->has_cursor = k->cursor != NULL;
	if (k->cursor != NULL)
		memcpy(e->cursor, k->cursor, 16);
	e->upward = k->upward;
	e->limit = k->limit;
	e->page = kp;
	e->row_id = row_id;
	e->version = version;
	e->bytes = bytes;
	e->used = ++pc->tick;
	e->live = 1;
	pc->bytes += bytes;
	return kp != NULL ? lend(kp) : NULL;
}

void
ts_page_cache_keep_body(struct ts_page_cache *pc, struct ts_kept_page *kp, const char *tag, const char *body,
    size_t len)
{
	struct entry *e = NULL;
	size_t i, tag_len = strlen(tag);
	char *copy;

	if (pc == NULL || tag_len >= sizeof(kp->tag))
		return;
	/* Only a page still kept: one that gave way has no entry. */
	for (i = 0; i < TS_PAGE_CACHE_ENTRIES && e == NULL; i++)
		if (pc->e[i].live && pc->e[i].page == kp)
			e = &pc->e[i];
	if (e == NULL || e->bytes - kp->body_len + len > TS_PAGE_CACHE_PAGE_BYTES)
		return;
	/* The old body is given up first: its bytes are room for the new one. */
	pc->bytes -= kp->body_len;
	e->bytes -= kp->body_len;
	free(kp->body);
	kp->body = NULL;
	kp->body_len = 0;
	make_room(pc, e, len);
	if ((copy = malloc(len > 0 ? len : 1)) == NULL)
		return;
	memcpy(copy, body, len);
	memcpy(kp->tag, tag, tag_len + 1);
	kp->body = copy;
	kp->body_len = len;
	e->bytes += len;
	pc->bytes += len;
}
