#!/usr/bin/env bash
# threadstore on a 3-node MariaDB Galera cluster, proven with faults
# (README: Running on a Galera cluster). scripts/test runs it as its
# `galera` and `haproxy` steps; by hand: tests/galera/run.sh [galera|haproxy|all].
#
#  1. starts a 3-node cluster on loopback from Debian's packages
#     (tests/galera/cluster.sh): node 1 bootstraps, 2 and 3 join by rsync
#     state transfer
#  2. runs `threadstore migrate` from two configurations at once, one
#     against node 1 and one against node 2 (the migration lease)
#  3. starts two `threadstore serve`, A with hosts = node1, node2, node3 and
#     B with node2, node3, node1, each with 2 workers on its own socket
#  4. tests/galera/faults.mjs drives idempotent creates and batches
#     through both (FastCGI, clients retrying the same request on any
#     error) and plain creates (sent once), kills node 2 with SIGKILL and
#     restarts it (it rejoins by IST),
#     stops node 1 with SIGSTOP for 8 s and lets it go on, then checks
#     every node with SQL: the same rows everywhere, every acknowledged
#     message present once with its seq, seqs gap-free, counters right
#  5. haproxy: conf/haproxy-galera.cfg.example with its paths and ports
#     put in (single writer: node 1, the others as backups, health by
#     mysql-check), a third threadstore through it, node 1 killed: the
#     creates go on through a backup
#
# The figures go to var/test/galera/results.txt. Exits non-zero on any
# failure, including a cluster that cannot start. Stops what it started.
set -euo pipefail

TS_PROG=tests/galera
TS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=scripts/lib.sh
. "$TS_ROOT/scripts/lib.sh"
# shellcheck source=tests/galera/cluster.sh
. "$TS_ROOT/tests/galera/cluster.sh"

STATE=$TS_ROOT/var/test/galera
PORT_BASE=${TS_TEST_PORT_BASE:-13000}
HAPROXY_PORT=$((PORT_BASE + 440))
DB_NAME=threadstore_galera
DB_USER=ts_galera
BIN=${TS_BIN:-$TS_ROOT/src/threadstore}
MODE=${1:-all}
# The fault run's length (s); the whole step stays within about 4 minutes.
LOAD_SECONDS=${GALERA_LOAD_SECONDS:-45}

unset THREADSTORE_JWT_SECRET THREADSTORE_DB_PASSWORD THREADSTORE_CONFIG

stop_everything()
{
	local i

	for i in a b c; do
		ts_serve_stop "$STATE/ts-$i"
	done
	ts_stop_pidfile HAProxy "$STATE/haproxy/haproxy.pid" haproxy 10
	[ -z "${GALERA_DIR:-}" ] || galera_stop_all
}

on_exit()
{
	local rc=$?

	trap - EXIT
	set +e
	stop_everything
	exit "$rc"
}

# The configuration of instance $1 (a, b or c): [database] lines, then keys.
write_ts_conf()
{
	local name=$1 db=$2 dir=$STATE/ts-$1

	mkdir -p "$dir"
	ts_write_conf "$dir/threadstore.conf" 0600 <<CONF
# threadstore $name of the Galera test (tests/galera/run.sh).
[database]
$db
user = $DB_USER
password_file = $STATE/db.password
name = $DB_NAME

[auth]
mode = jwt
algorithm = HS256
secret_file = $STATE/jwt.secret

[server]
workers = 2
request_timeout = 5
log_level = info
CONF
}

start_instance()
{
	local name=$1 dir=$STATE/ts-$1

	ts_check_socket_path "$dir/ts.sock"
	: >"$dir/threadstore.log"
	ts_serve_start "$BIN" "$dir/threadstore.conf" "$dir/ts.sock" 2 "$dir" "$dir/threadstore.log"
}

# The nodes' state: under var/test/galera, unless the mysql user (the
# nodes run as it when we are root) cannot reach it there, as when a
# directory above the checkout is private; then in /tmp, named by the ports.
cluster_dir()
{
	if [ "$(id -u)" -eq 0 ] && ! runuser -u mysql -- test -x "$STATE" 2>/dev/null; then
		printf '/tmp/threadstore-galera-%s\n' "$PORT_BASE"
	else
		printf '%s\n' "$STATE/cluster"
	fi
}

setup_cluster()
{
	local pw n

	ts_ensure_packages mariadb-server mariadb-client galera-4 rsync haproxy
	command -v node >/dev/null 2>&1 || ts_die "node is missing"
	mkdir -p "$STATE"
	chmod 0711 "$STATE"
	galera_setup "$(cluster_dir)" "$PORT_BASE"
	stop_everything
	rm -rf "$STATE"
	mkdir -p "$STATE"
	chmod 0711 "$STATE"
	ts_write_secret "$STATE/jwt.secret" "$(ts_gen_secret)"
	pw=$(ts_secret_file "$STATE/db.password")
	SECONDS=0
	galera_start_fresh
	ts_say "the cluster is up: 3 nodes Synced in ${SECONDS}s"
	echo "cluster start (bootstrap + 2 rsync SSTs): ${SECONDS}s" >>"$STATE/results.txt"
	galera_sql 1 -e "CREATE DATABASE \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$pw';
GRANT ALL PRIVILEGES ON \`$DB_NAME\`.* TO '$DB_USER'@'127.0.0.1';" ||
	    ts_die "creating the database on the cluster failed"
	for n in 1 2 3; do
		[ "$(galera_sql "$n" -N -B -e "SELECT COUNT(*) FROM mysql.user WHERE user = '$DB_USER'")" = 1 ] ||
		    ts_die "node $n does not have the user created on node 1"
	done
}

run_galera()
{
	local a b c rc=0

	a="hosts = 127.0.0.1:$(galera_sql_port 1), 127.0.0.1:$(galera_sql_port 2), 127.0.0.1:$(galera_sql_port 3)"
	b="hosts = 127.0.0.1:$(galera_sql_port 2), 127.0.0.1:$(galera_sql_port 3), 127.0.0.1:$(galera_sql_port 1)"
	write_ts_conf a "$a"
	write_ts_conf b "$b"
	# Two hosts migrate at once, through two nodes: one applies, one waits.
	"$BIN" migrate --config "$STATE/ts-a/threadstore.conf" >"$STATE/migrate-a.out" 2>&1 &
	c=$!
	"$BIN" migrate --config "$STATE/ts-b/threadstore.conf" >"$STATE/migrate-b.out" 2>&1 || rc=1
	wait "$c" || rc=1
	cat "$STATE/migrate-a.out" "$STATE/migrate-b.out"
	[ "$rc" -eq 0 ] || ts_die "threadstore migrate failed on the cluster"
	[ "$(cat "$STATE"/migrate-*.out | grep -c '^applying 001_')" = 1 ] ||
	    ts_die "the first migration was applied other than once"
	start_instance a
	start_instance b
	TS_GALERA_DIR=$GALERA_DIR TS_GALERA_BASE=$PORT_BASE TS_MYSQL_CLIENT=$TS_MYSQL_CLIENT \
	    TS_BIN=$BIN TS_GALERA_STATE=$STATE TS_GALERA_DB=$DB_NAME TS_GALERA_LOAD_SECONDS=$LOAD_SECONDS \
	    timeout 300 node "$TS_ROOT/tests/galera/faults.mjs" 3>&- 4>&-
}

# conf/haproxy-galera.cfg.example as it is, but for its paths and ports.
write_haproxy_conf()
{
	local n sed_args=()

	mkdir -p "$STATE/haproxy"
	sed_args=(-e "s#^\(\tpidfile \).*#\1$STATE/haproxy/haproxy.pid#"
	    -e "s#^\(\tbind \)127.0.0.1:3306#\1127.0.0.1:$HAPROXY_PORT#"
	    -e "s#/usr/local/lib/threadstore/haproxy-galera-check#$TS_ROOT/conf/haproxy-galera-check.example#")
	for n in 1 2 3; do
		sed_args+=(-e "s#10\.0\.0\.$n:3306#127.0.0.1:$(galera_sql_port "$n")#")
	done
	sed "${sed_args[@]}" "$TS_ROOT/conf/haproxy-galera.cfg.example" | ts_write_conf "$STATE/haproxy/haproxy.cfg"
	grep -q "127.0.0.1:$(galera_sql_port 3)" "$STATE/haproxy/haproxy.cfg" ||
	    ts_die "conf/haproxy-galera.cfg.example no longer has the addresses this test replaces"
}

haproxy_routes_to_node1()
{
	[ "$("$TS_MYSQL_CLIENT" --no-defaults -h 127.0.0.1 -P "$HAPROXY_PORT" -u "$DB_USER" \
	    -p"$(cat "$STATE/db.password")" -N -B -e 'SELECT @@wsrep_node_name' 2>/dev/null)" = node1 ]
}

run_haproxy()
{
	local haproxy n

	haproxy=$(ts_find_program haproxy) || ts_die "haproxy not found (apt-get install haproxy)"
	for n in 1 2 3; do
		galera_synced "$n" || ts_die "node $n is not Synced before the HAProxy step"
	done
	galera_sql 1 -e "CREATE USER IF NOT EXISTS 'haproxy_check'@'127.0.0.1'" || ts_die "creating haproxy_check failed"
	write_haproxy_conf
	"$haproxy" -c -q -f "$STATE/haproxy/haproxy.cfg" || ts_die "HAProxy rejects $STATE/haproxy/haproxy.cfg"
	! ts_port_busy "$HAPROXY_PORT" || ts_die "port $HAPROXY_PORT is in use by another program"
	ts_say "starting HAProxy on 127.0.0.1:$HAPROXY_PORT (single writer: node 1, backups 2 and 3)"
	setsid nohup "$haproxy" -db -f "$STATE/haproxy/haproxy.cfg" </dev/null >>"$STATE/haproxy/haproxy.log" 2>&1 3>&- 4>&- &
	echo "$!" >"$STATE/haproxy/haproxy.pid"
	if ! ts_wait_for 20 "HAProxy to route to node 1" haproxy_routes_to_node1; then
		ts_log_tail "$STATE/haproxy/haproxy.log" 20
		ts_die "HAProxy does not route to node 1"
	fi
	write_ts_conf c "host = 127.0.0.1
port = $HAPROXY_PORT
sync_wait = on"
	start_instance c
	TS_GALERA_DIR=$GALERA_DIR TS_MYSQL_CLIENT=$TS_MYSQL_CLIENT TS_BIN=$BIN TS_GALERA_STATE=$STATE \
	    TS_GALERA_DB=$DB_NAME TS_GALERA_LOAD_SECONDS=25 TS_GALERA_MODE=haproxy TS_HAPROXY_PORT=$HAPROXY_PORT \
	    TS_GALERA_USER=$DB_USER timeout 200 node "$TS_ROOT/tests/galera/faults.mjs" 3>&- 4>&-
}

# Runs a step in a subshell, so that a failure (ts_die) ends the step only;
# its status goes to $STATE/<step>.rc for scripts/test to record.
step()
{
	local name=$1 rc=0

	(set -e; "run_$name") || rc=$?
	echo "$rc" >"$STATE/$name.rc"
	if [ "$rc" -eq 0 ]; then
		ts_say "$name: PASSED"
	else
		ts_warn "$name: FAILED"
	fi
	return "$rc"
}

main()
{
	local rc=0

	trap on_exit EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	case $MODE in
	galera | haproxy | all) ;;
	*)
		echo "usage: tests/galera/run.sh [galera|haproxy|all]" >&2
		exit 2
		;;
	esac
	setup_cluster
	if [ "$MODE" != haproxy ]; then
		step galera || rc=1
	fi
	if [ "$MODE" != galera ]; then
		step haproxy || rc=1
	fi
	ts_say "figures (also in $STATE/results.txt):"
	cat "$STATE/results.txt"
	return "$rc"
}

main
