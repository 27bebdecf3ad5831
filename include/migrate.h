/* Schema migrations: the numbered files of sql/, compiled into the program. */
#ifndef TS_MIGRATE_H
#define TS_MIGRATE_H

#include <stdio.h>

#include "db.h"

struct ts_migration {
	int version;
	const char *name;       /* file name, e.g. "001_initial.sql" */
	const char *sql;        /* statements separated by ";" at the end of a line */
};

/* Generated from the sql/ files at build time (src/migrations_data.c). */
extern const struct ts_migration ts_migrations[];
extern const unsigned int ts_nmigrations;

/* Applies every migration not yet recorded in schema_migrations, in order,
 * under the migration lease; says what it did on out. Returns 0 or -1. */
int ts_migrate(struct ts_db *db, FILE *out);

#endif
