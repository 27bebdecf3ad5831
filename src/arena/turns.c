/*
 * Stored messages grouped into DualMind's arena turns. The grouping looks
 * only at neighbours in seq order, so a page of turns is a page of
 * messages read once, and a turn is never split across two pages: a turn
 * that could still grow past the messages read is left for the next page.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "roles.h"
#include "sql.h"

static int
role_of(const struct ts_db_cell *c)
{
	return c[TS_MC_ROLE].data != NULL ? (int)strtol(c[TS_MC_ROLE].data, NULL, 10) : -1;
}

/* The message's comparison_id cell, NULL when it has none. */
static const struct ts_db_cell *
comparison_of(const struct ts_db_cell *c)
{
	return c[TS_MC_COMPARISON_ID].data != NULL ? &c[TS_MC_COMPARISON_ID] : NULL;
}

static int
same(const struct ts_db_cell *a, const struct ts_db_cell *b)
{
	return a != NULL && b != NULL && a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

/*
 * Whether answer m joins turn t: the first answer unless the two
 * comparison ids differ (a single-model turn has none); the second only
 * with the turn's own, non-null comparison_id, the link of a dual turn.
 */
static int
joins(const struct ts_arena_turn *t, const struct ts_db_cell *m)
{
	const struct ts_db_cell *cmp = comparison_of(m);

	if (role_of(m) != TS_ROLE_ASSISTANT || t->answer[1] != NULL)
		return 0;
	if (t->answer[0] == NULL)
		return t->comparison == NULL || cmp == NULL || same(t->comparison, cmp);
	return same(t->comparison, cmp);
}

static void
join(struct ts_arena_turn *t, const struct ts_db_cell *m)
{
	t->answer[t->answer[0] == NULL ? 0 : 1] = m;
	if (t->comparison == NULL)
		t->comparison = comparison_of(m);
}

/* No message can join t any more. */
static int
full(const struct ts_arena_turn *t)
{
	return t->answer[1] != NULL || (t->answer[0] != NULL && t->comparison == NULL);
}

size_t
ts_arena_group(const struct ts_db_cell *const *msgs, size_t n, int ended, struct ts_arena_turn *out,
    size_t max, size_t *used)
{
	size_t i = 0, j, nt = 0;
	struct ts_arena_turn t;
	int role;

	*used = 0;
	while (i < n && nt < max) {
		role = role_of(msgs[i]);
		if (role != TS_ROLE_USER && role != TS_ROLE_ASSISTANT) {
			*used = ++i;    /* system and tool messages are no turn */
			continue;
		}
		memset(&t, 0, sizeof(t));
		if (role == TS_ROLE_USER) {
			t.prompt = msgs[i];
			t.comparison = comparison_of(msgs[i]);
		} else {
			join(&t, msgs[i]);
		}
		for (j = i + 1; j < n && joins(&t, msgs[j]); j++)
			join(&t, msgs[j]);
		if (j == n && !ended && !full(&t))
			break;          /* the next page may hold more of it */
		out[nt++] = t;
		*used = i = j;
	}
	/* A full page takes the messages that are no turn after it too, so
	 * that has_more does not promise a turn for them alone. */
	while (nt == max && i < n && (role = role_of(msgs[i])) != TS_ROLE_USER && role != TS_ROLE_ASSISTANT)
		*used = ++i;
	return nt;
}
