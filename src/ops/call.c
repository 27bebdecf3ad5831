/* What every operation shares: who asks, and the order of the 422s. */
#include "call.h"

const char *
ts_call_sub(const struct ts_call *c)
{
	return c->caller != NULL && c->caller->authenticated ? c->caller->sub : NULL;
}

int
ts_call_check(struct ts_call *c, struct ts_problem *invalid)
{
	if (invalid == NULL || !ts_problem_is_set(invalid))
		return 0;
	ts_problem_move(&c->problem, invalid);
	return -1;
}

int
ts_call_db(struct ts_call *c, enum ts_db_status st)
{
	return ts_problem_db(&c->problem, st);
}

int
ts_call_access(struct ts_call *c, enum ts_access a)
{
	switch (a) {
	case TS_ACCESS_ALLOW:
		return 0;
	case TS_ACCESS_UNAUTHORIZED:
		return ts_problem_set(&c->problem, TS_E_UNAUTHORIZED, NULL);
	case TS_ACCESS_SHARING_OFF:
		return ts_problem_set(&c->problem, TS_E_PUBLIC_SHARING_DISABLED, NULL);
	case TS_ACCESS_FORBIDDEN:
		break;
	}
	return ts_problem_set(&c->problem, TS_E_FORBIDDEN, NULL);
}
