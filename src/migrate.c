/*
 * Applies the migrations compiled in from sql/ that schema_migrations does not
 * list yet, in version order, under the migration lease (a row, not a named
 * lock: src/migrate_lease.c) so two concurrent runs, also on two nodes of a
 * Galera cluster, cannot both apply one. Migration text comes from our own
 * files, never from a request, so it runs as plain statements (DDL), split
 * at ";" line ends. On Galera the DDL runs in total order isolation (TOI),
 * replicated to every node before it returns.
 */
#include <stdlib.h>
#include <string.h>

#include "ts_limits.h"
#include "migrate.h"
#include "migrate_lease.h"

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
apply_missing(struct ts_db *db, const char *holder, FILE *out)
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
		/* Renewed before each migration: it must not expire in one. */
		if (ts_lease_take(db, holder, 0) != TS_DB_OK) {
			fprintf(out, "lost the migration lease before %s; try again\n", m->name);
			rc = -1;
			break;
		}
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

/*
 * On a Galera node, DDL in this session runs in total order isolation
 * whatever the server's default (an operator may have set RSU, which
 * changes one node only). Elsewhere nothing is done.
 */
static int
replicated_ddl(struct ts_db *db)
{
	struct ts_db_rows r;
	int galera;

	if (ts_db_exec(db, TS_SQL_WSREP_ON, NULL, 0, &r, NULL) != TS_DB_OK)
		return 0;       /* no such variable: not MariaDB with wsrep */
	galera = r.nrows == 1 && ts_db_cell_ll(&r, 0, 0) == 1;
	ts_db_rows_free(&r);
	if (galera && ts_db_exec_trusted(db, "SET SESSION wsrep_OSU_method = 'TOI'") != TS_DB_OK)
		return -1;
	return 0;
}

int
ts_migrate(struct ts_db *db, FILE *out)
{
	char holder[TS_LEASE_HOLDER_MAX];
	enum ts_db_status st;
	int rc;

	if (ts_db_connect(db) != TS_DB_OK || replicated_ddl(db) != 0 || ts_lease_bootstrap(db) != 0) {
		fprintf(out, "cannot reach the database (see the log)\n");
		return -1;
	}
	ts_lease_holder(holder);
	st = ts_lease_take(db, holder, TS_MIGRATE_WAIT_SECONDS);
	if (st == TS_DB_RETRY) {
		fprintf(out, "another migration holds the lease; try again\n");
		return -1;
	}
	if (st != TS_DB_OK) {
		fprintf(out, "cannot reach the database (see the log)\n");
		return -1;
	}
	rc = ts_db_exec_trusted(db, bootstrap_sql) == TS_DB_OK ? apply_missing(db, holder, out) : -1;
	ts_lease_release(db, holder);
	return rc;
}
