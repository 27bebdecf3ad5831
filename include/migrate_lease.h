/*
 * The migration lease (src/migrate_lease.c): who may apply migrations now,
 * as a row of the database rather than a named lock, so that it holds
 * across the nodes of a Galera cluster.
 */
#ifndef TS_MIGRATE_LEASE_H
#define TS_MIGRATE_LEASE_H

#include <stddef.h>

#include "db.h"

/* A holder's name: host name, process id and a random part. */
#define TS_LEASE_HOLDER_MAX 128

/* Creates the lease's table and row when missing (idempotent DDL, which a
 * Galera cluster runs on every node in total order). 0 or -1. */
int ts_lease_bootstrap(struct ts_db *db);

/* Fills holder (TS_LEASE_HOLDER_MAX bytes) with this process's name. */
void ts_lease_holder(char *holder);

/*
 * Takes the lease for TS_MIGRATE_LEASE_SECONDS, or renews it when holder
 * holds it, waiting up to wait_s seconds while another holds it.
 * TS_DB_OK taken, TS_DB_RETRY another holds it still, else the error.
 */
enum ts_db_status ts_lease_take(struct ts_db *db, const char *holder, unsigned int wait_s);

/* Frees the lease if holder holds it. */
void ts_lease_release(struct ts_db *db, const char *holder);

#endif
