# shellcheck shell=bash
# A 3-node MariaDB Galera cluster on loopback, from Debian 12's packages
# (mariadb-server 10.11, galera-4 26.4, rsync for state transfers), for
# tests/galera/run.sh and bench/run --galera. Sourced after scripts/lib.sh,
# never run. Each node's state is in $GALERA_DIR/nodeN: my.cnf, start.sh
# (the tests restart a killed node with it), data, mysqld.sock, mysqld.pid,
# mysqld.log. Only processes named by those PID files are ever stopped.
#
# Ports, from a base B (TS_TEST_PORT_BASE, else 13000): node N serves SQL on
# B+400+N, group communication on B+410+N, IST on B+420+N, SST (rsync) on
# B+430+N.
#
# The nodes run as the mysql user even when started by root: the rsync
# state transfer starts an rsync daemon, which as root would switch to
# "nobody" and could not write the joiner's data directory.

GALERA_NODES=3

# galera_setup DIR PORT_BASE: sets GALERA_DIR, GALERA_BASE and the programs.
galera_setup()
{
	GALERA_DIR=$1
	GALERA_BASE=$2
	ts_mysql_programs
	[ -r /usr/lib/galera/libgalera_smm.so ] || ts_die "galera-4 is not installed (apt-get install galera-4)"
}

galera_sql_port() { printf '%s\n' $((GALERA_BASE + 400 + $1)); }
galera_gcomm_port() { printf '%s\n' $((GALERA_BASE + 410 + $1)); }

# The client as the administrator on node N (unix_socket auth as root).
galera_sql()
{
	local n=$1
	shift
	"$TS_MYSQL_CLIENT" --no-defaults -S "$GALERA_DIR/node$n/mysqld.sock" -u root "$@"
}

# Writes node N's my.cnf and start.sh. The failure detector is quicker than
# Galera's defaults (suspect after 2 s, not 5), so a stopped node stalls
# the cluster for less of the test's time; production keeps the defaults.
galera_write_node()
{
	local n=$1 d=$GALERA_DIR/node$1 i members="" user=mysql

	for ((i = 1; i <= GALERA_NODES; i++)); do
		members+="${members:+,}127.0.0.1:$(galera_gcomm_port "$i")"
	done
	[ "$(id -u)" -eq 0 ] || user=$(id -un)
	mkdir -p "$d/data" "$d/tmp"
	ts_write_conf "$d/my.cnf" <<CNF
# Node $n of the test cluster (written by tests/galera/cluster.sh).
[mariadbd]
user = $user
datadir = $d/data
socket = $d/mysqld.sock
pid-file = $d/mysqld.pid
log-error = $d/mysqld.log
tmpdir = $d/tmp
port = $(galera_sql_port "$n")
bind-address = 127.0.0.1
skip-name-resolve
character-set-server = utf8mb4
collation-server = utf8mb4_unicode_ci
innodb_buffer_pool_size = 64M
innodb_log_file_size = 48M
max_connections = 200
# What Galera needs, and durability: every commit flushed
# (innodb_flush_log_at_trx_commit = 1, not the 0 that is often advised).
binlog_format = ROW
innodb_autoinc_lock_mode = 2
innodb_flush_log_at_trx_commit = 1
wsrep_on = ON
wsrep_provider = /usr/lib/galera/libgalera_smm.so
wsrep_cluster_name = threadstore_test
wsrep_cluster_address = gcomm://$members
wsrep_node_name = node$n
wsrep_node_address = 127.0.0.1:$(galera_gcomm_port "$n")
wsrep_provider_options = "gmcast.listen_addr=tcp://127.0.0.1:$(galera_gcomm_port "$n"); ist.recv_addr=127.0.0.1:$((GALERA_BASE + 420 + n)); gcache.size=128M; evs.suspect_timeout=PT2S; evs.inactive_timeout=PT4S; evs.keepalive_period=PT0.5S; evs.inactive_check_period=PT0.5S"
wsrep_sst_method = rsync
wsrep_sst_receive_address = 127.0.0.1:$((GALERA_BASE + 430 + n))
CNF
	# A node that was killed does not know its position (grastate.dat says
	# seqno -1) and would need a whole state transfer: first it is
	# recovered from InnoDB (--wsrep-recover, as Debian's galera_recovery
	# does for systemd), then started at that position, so it rejoins by IST.
	ts_write_conf "$d/start.sh" 0700 <<SH
#!/usr/bin/env bash
# Starts node $n (written by tests/galera/cluster.sh); "new" bootstraps the cluster.
set -euo pipefail
extra=()
if [ "\${1:-}" = new ]; then
	extra=(--wsrep-new-cluster)
elif [ -f '$d/data/grastate.dat' ] && grep -q '^seqno: *-1' '$d/data/grastate.dat'; then
	rm -f '$d/recover.log'
	'$TS_MYSQLD' --defaults-file='$d/my.cnf' --wsrep-recover --log-error='$d/recover.log' </dev/null >/dev/null 2>&1 3>&- 4>&- || true
	pos=\$(sed -n 's/.*WSREP: Recovered position: *//p' '$d/recover.log' 2>/dev/null | tail -n 1)
	[ -z "\$pos" ] || extra=(--wsrep-start-position="\$pos")
fi
setsid nohup '$TS_MYSQLD' --defaults-file='$d/my.cnf' "\${extra[@]}" </dev/null >>'$d/mysqld.log' 2>&1 3>&- 4>&- &
SH
	[ "$(id -u)" -ne 0 ] || chown -R mysql:mysql "$d"
}

# Creates node 1's data directory (the others get theirs by state transfer).
galera_install()
{
	local d=$GALERA_DIR/node1 opts

	opts=(--defaults-file="$d/my.cnf" --skip-test-db --auth-root-authentication-method=socket)
	if ! "$TS_MYSQL_INSTALL_DB" "${opts[@]}" >"$GALERA_DIR/install.log" 2>&1; then
		ts_log_tail "$GALERA_DIR/install.log" 30
		ts_die "mariadb-install-db failed for the cluster's first node"
	fi
}

# The node's wsrep_local_state_comment ("Synced", "Joining", ...); empty
# when it does not answer.
galera_state()
{
	galera_sql "$1" -N -B -e "SHOW STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null | cut -f2
}

galera_synced()
{
	[ "$(galera_state "$1")" = Synced ]
}

# galera_start N [new]: starts node N and waits (up to 120 s) until it is
# Synced, by state transfer when it joins.
galera_start()
{
	local n=$1 mode=${2:-} d=$GALERA_DIR/node$1 port pid

	port=$(galera_sql_port "$n")
	if pid=$(ts_pid_alive "$d/mysqld.pid" "$d/my.cnf"); then
		ts_die "node $n is already running (pid $pid)"
	fi
	for p in "$port" "$(galera_gcomm_port "$n")" $((GALERA_BASE + 420 + n)) $((GALERA_BASE + 430 + n)); do
		! ts_port_busy "$p" || ts_die "port $p is in use by another program: node $n cannot start"
	done
	ts_say "starting Galera node $n (127.0.0.1:$port${mode:+, bootstrapping the cluster})"
	: >>"$d/mysqld.log"
	bash "$d/start.sh" "$mode"
	if ! ts_wait_for 120 "node $n to be Synced" galera_synced "$n"; then
		ts_log_tail "$d/mysqld.log" 40
		ts_die "Galera node $n did not reach Synced (log: $d/mysqld.log)"
	fi
}

galera_stop()
{
	ts_stop_pidfile "Galera node $1" "$GALERA_DIR/node$1/mysqld.pid" "$GALERA_DIR/node$1/my.cnf" 60
}

# Stops every node, the last one too (a whole cluster stopped cleanly).
galera_stop_all()
{
	local n

	for ((n = GALERA_NODES; n >= 1; n--)); do
		# A node stopped with SIGSTOP by a test that failed must go on to stop.
		local pid
		if pid=$(ts_pid_alive "$GALERA_DIR/node$n/mysqld.pid" "$GALERA_DIR/node$n/my.cnf"); then
			kill -CONT "$pid" 2>/dev/null || true
		fi
		galera_stop "$n"
	done
}

# A fresh cluster: data directories anew, node 1 bootstrapped, 2 and 3
# joined by state transfer, one after the other (one donor at a time).
galera_start_fresh()
{
	local n

	rm -rf "$GALERA_DIR"
	mkdir -p "$GALERA_DIR"
	for ((n = 1; n <= GALERA_NODES; n++)); do
		ts_check_socket_path "$GALERA_DIR/node$n/mysqld.sock"
		galera_write_node "$n"
	done
	if [ "$(id -u)" -eq 0 ] && ! runuser -u mysql -- test -w "$GALERA_DIR/node1/data"; then
		ts_die "the mysql user cannot reach $GALERA_DIR (a directory above it is not searchable)"
	fi
	galera_install
	galera_start 1 new
	for ((n = 2; n <= GALERA_NODES; n++)); do
		galera_start "$n"
	done
	[ "$(galera_sql 1 -N -B -e "SHOW STATUS LIKE 'wsrep_cluster_size'" | cut -f2)" = "$GALERA_NODES" ] ||
	    ts_die "the cluster does not have $GALERA_NODES nodes"
}
