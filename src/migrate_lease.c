/*
 * The migration lease: the one row of schema_migration_lease, with its
 * holder and when the lease expires. Taking it is a conditional UPDATE
 * (free, expired, or ours), which is what makes it work on a Galera
 * cluster, where GET_LOCK locks one node only: two hosts starting at once
 * on two nodes both change the row locally, their write sets conflict at
 * certification, and one of them gets 1213 (or, retried by the node as an
 * autocommit statement, finds the row taken and changes nothing). Either
 * way exactly one holds the lease; the others wait and try again.
 *
 * A lease expires after TS_MIGRATE_LEASE_SECONDS, so a migrator that died
 * does not block every later start for good; the holder renews it before
 * each migration. A migration longer than that (an ALTER of a huge table)
 * could let a second migrator in: its DDL would then fail on what the first
 * created, and it stops with an error, never applying a migration twice
 * (schema_migrations' primary key).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ids.h"
#include "ts_limits.h"
#include "migrate_lease.h"

/* How often a waiting migrator tries the lease again. */
#define LEASE_POLL_MS 250
/* The bootstrap's statements may lose a race on a cluster (1213): retries. */
#define LEASE_BOOTSTRAP_ATTEMPTS 5
/* Taking or renewing the lease may too, to another migrator's DDL. */
#define LEASE_CONFLICT_ATTEMPTS 20

static const char *const bootstrap_sql[] = {
	"CREATE TABLE IF NOT EXISTS schema_migration_lease ("
	" id TINYINT UNSIGNED NOT NULL, holder VARCHAR(255) NOT NULL, expires_at DATETIME(3) NOT NULL,"
	" PRIMARY KEY (id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
	"INSERT IGNORE INTO schema_migration_lease (id, holder, expires_at) VALUES (1, '', '1970-01-02')",
	NULL
};

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

int
ts_lease_bootstrap(struct ts_db *db)
{
	enum ts_db_status st = TS_DB_ERROR;
	size_t i;
	int attempt;

	for (i = 0; bootstrap_sql[i] != NULL; i++) {
		for (attempt = 0; attempt < LEASE_BOOTSTRAP_ATTEMPTS; attempt++) {
			st = ts_db_exec_trusted(db, bootstrap_sql[i]);
			if (st != TS_DB_RETRY)
				break;
			sleep_ms(LEASE_POLL_MS);
		}
		if (st != TS_DB_OK)
			return -1;
	}
	return 0;
}

void
ts_lease_holder(char *holder)
{
	char host[64] = "";
	uuid_t r;
	char hex[33];
	size_t i;

	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "?");
	host[sizeof(host) - 1] = '\0';
	ts_uuid_generate(r);
	for (i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", r[i]);
	snprintf(holder, TS_LEASE_HOLDER_MAX, "%s:%ld:%s", host, (long)getpid(), hex);
}

enum ts_db_status
ts_lease_take(struct ts_db *db, const char *holder, unsigned int wait_s)
{
	struct ts_db_param p[] = { ts_p_str(holder, strlen(holder)), ts_p_int(TS_MIGRATE_LEASE_SECONDS),
	    ts_p_str(holder, strlen(holder)) };
	unsigned long polls = (unsigned long)wait_s * 1000 / LEASE_POLL_MS, waited = 0;
	unsigned int conflicts = 0;
	enum ts_db_status st;

	for (;;) {
		unsigned long long changed = 0;

		st = ts_db_exec(db, TS_SQL_LEASE_TAKE, p, 3, NULL, &changed);
		if (st == TS_DB_OK && changed == 1)
			return TS_DB_OK;
		/*
		 * 1213: the UPDATE lost to a concurrent write of the row, or to
		 * another migrator's DDL, which on Galera aborts what it
		 * conflicts with: not an answer, so try again soon (also when
		 * renewing, which waits for nothing else).
		 */
		if (st == TS_DB_RETRY && conflicts < LEASE_CONFLICT_ATTEMPTS) {
			conflicts++;
			sleep_ms(LEASE_POLL_MS / 10);
			continue;
		}
		if (st != TS_DB_OK && st != TS_DB_RETRY && st != TS_DB_UNAVAILABLE)
			return st;
		/* Held by another: wait for it to be freed or to expire. */
		if (waited++ >= polls)
			return st == TS_DB_UNAVAILABLE ? st : TS_DB_RETRY;
		sleep_ms(LEASE_POLL_MS);
	}
}

void
ts_lease_release(struct ts_db *db, const char *holder)
{
	struct ts_db_param p[] = { ts_p_str(holder, strlen(holder)) };

	ts_db_exec(db, TS_SQL_LEASE_RELEASE, p, 1, NULL, NULL);
}
