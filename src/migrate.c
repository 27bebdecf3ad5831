/*
 * Applies the migrations compiled in from sql/ that schema_migrations does not
 * list yet, in version order, under a named lock so two concurrent runs
 * cannot both apply one. Migration text comes from our own files, never from
 * a request, so it runs as plain statements (DDL), split at ";" line ends.
 */
#include <stdlib.h>
#include <string.h>

#include "migrate.h"

static const char lock_name[] = "threadstore_migrate";
#define MIGRATE_LOCK_TIMEOUT_SECONDS 60

/* The table that records what was applied exists before anything else. */
static const char bootstrap_sql[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INT NOT NULL, name VARCHAR(255) NOT NULL, applied_at DATETIME(3) NOT NULL,"
    " PRIMARY KEY (version)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";

static int
is_applied(const struct ts_db_rows *applied, int version)
{
	size_t i;

	for (i = 0; i < applied->nrows; i++) {
		const struct ts_db_cell *c = ts_db_cell(applied, i, 0);
		if (c->data != NULL && strtol(c->data, NULL, 10) == version)
			return 1;
	}
	return 0;
}

/* Runs each statement of one migration; comment-only chunks are skipped. */
static int
run_statements(struct ts_db *db, const char *sql)
{
	char *copy = strdup(sql), *p, *end;
	int rc = 0;

	if (copy == NULL)
		return -1;
	for (p = copy; p != NULL && *p != '\0'; p = end) {
		char *stmt = p, *line;
		int has_code = 0;

		end = strstr(p, ";\n");
		if (end != NULL) {
			*end = '\0';
			end += 2;
		}
		/* A chunk is code if any line in it is neither blank nor a comment. */
		for (line = stmt; line != NULL && *line != '\0'; ) {
			size_t skip = strspn(line, " \t\r\n");
			if (line[skip] != '\0' && strncmp(line + skip, "--", 2) != 0)
				has_code = 1;
			line = strchr(line, '\n');
			if (line != NULL)
				line++;
		}
		if (has_code && ts_db_exec_trusted(db, stmt) != TS_DB_OK) {
			rc = -1;
			break;
		}
	}
	free(copy);
	return rc;
}

static int
apply_missing(struct ts_db *db, FILE *out)
{
	struct ts_db_rows applied;
	unsigned int i, done = 0;
	int rc = 0;

	if (ts_db_exec(db, TS_SQL_MIGRATIONS_APPLIED, NULL, 0, &applied, NULL) != TS_DB_OK)
		return -1;
	for (i = 0; i < ts_nmigrations; i++) {
		const struct ts_migration *m = &ts_migrations[i];
		struct ts_db_param p[2];

		if (is_applied(&applied, m->version))
			continue;
		fprintf(out, "applying %s\n", m->name);
		p[0] = ts_p_int(m->version);
		p[1] = ts_p_str(m->name, strlen(m->name));
		if (run_statements(db, m->sql) != 0 ||
		    ts_db_exec(db, TS_SQL_MIGRATION_RECORD, p, 2, NULL, NULL) != TS_DB_OK) {
			fprintf(out, "migration %s failed (see the log)\n", m->name);
			rc = -1;
			break;
		}
		done++;
	}
	if (rc == 0)
		fprintf(out, done == 0 ? "schema is up to date (%u migrations)\n"
		    : "applied %u of %u migrations\n", done == 0 ? ts_nmigrations : done, ts_nmigrations);
	ts_db_rows_free(&applied);
	return rc;
}

int
ts_migrate(struct ts_db *db, FILE *out)
{
	struct ts_db_param lp[2] = { ts_p_str(lock_name, sizeof(lock_name) - 1),
	    ts_p_int(MIGRATE_LOCK_TIMEOUT_SECONDS) };
	struct ts_db_rows r;
	int locked, rc;

	if (ts_db_exec(db, TS_SQL_LOCK_GET, lp, 2, &r, NULL) != TS_DB_OK) {
		fprintf(out, "cannot reach the database (see the log)\n");
		return -1;
	}
	locked = r.nrows == 1 && ts_db_cell(&r, 0, 0)->data != NULL &&
	    strcmp(ts_db_cell(&r, 0, 0)->data, "1") == 0;
	ts_db_rows_free(&r);
	if (!locked) {
		fprintf(out, "another migration holds the lock; try again\n");
		return -1;
	}
	rc = ts_db_exec_trusted(db, bootstrap_sql) == TS_DB_OK ? apply_missing(db, out) : -1;
	if (ts_db_exec(db, TS_SQL_LOCK_RELEASE, lp, 1, &r, NULL) == TS_DB_OK)
		ts_db_rows_free(&r);
	return rc;
}
