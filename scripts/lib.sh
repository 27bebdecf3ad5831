# shellcheck shell=bash
# Shell functions shared by scripts/run, scripts/test and bench/run. Sourced,
# never run.
#
# Daemons are started with fds 3 and 4 closed: scripts/test keeps its own
# stdout and stderr there, and a daemon must not hold them open.
#
# Every configuration file they write (threadstore's, nginx's, Apache's,
# MariaDB's start script) is written here, by ts_write_conf through one
# function per kind of file; each script passes only what differs.
#
# The scripts keep every piece of state (a private MariaDB, the threadstore
# master, nginx, Apache) under one directory of the checkout (var/run or
# var/test, var/bench), record every process by its PID file there, and stop only what
# those PID files name. Nothing here touches the system's own services.
#
# The caller sets TS_PROG (the name in messages) and TS_ROOT (the checkout)
# before sourcing, and runs with `set -euo pipefail`.

: "${TS_PROG:=threadstore}"
: "${TS_ROOT:?TS_ROOT must be set before sourcing lib.sh}"

# Build dependencies, by Debian 12 package name. `check` is needed by
# configure itself (the unit tests are part of every build).
# shellcheck disable=SC2034 # used by the scripts that source this file
TS_BUILD_PACKAGES="autoconf automake libtool pkg-config make gcc libc6-dev \
libfcgi-dev libmariadb-dev libjson-c-dev uuid-dev libjwt-dev libinih-dev check \
libssl-dev openssl curl"
# What scripts/run needs to serve (nginx-light is enough: fastcgi is built in),
# and jq, which the README's "Using the API" block uses to keep ids.
# shellcheck disable=SC2034
TS_SERVE_PACKAGES="mariadb-server mariadb-client nginx-light jq"

# Longest unix socket path we accept: sun_path holds 108 bytes with the NUL.
TS_MAX_SOCKET_PATH=100

ts_say()
{
	printf '%s: %s\n' "$TS_PROG" "$*"
}

ts_warn()
{
	printf '%s: warning: %s\n' "$TS_PROG" "$*" >&2
}

ts_die()
{
	printf '%s: error: %s\n' "$TS_PROG" "$*" >&2
	exit 1
}

# Prints the last lines of a log file to stderr, framed, if it exists.
ts_log_tail()
{
	local file=$1 lines=${2:-30}

	if [ -s "$file" ]; then
		printf -- '----- last %s lines of %s -----\n' "$lines" "$file" >&2
		tail -n "$lines" "$file" >&2
		printf -- '----- end of %s -----\n' "$file" >&2
	fi
}

# The path of a program that may live in an sbin directory (not on a normal
# user's PATH): the first of the names found.
ts_find_program()
{
	local name dir

	for name in "$@"; do
		if command -v "$name" >/dev/null 2>&1; then
			command -v "$name"
			return 0
		fi
		for dir in /usr/sbin /sbin /usr/local/sbin /usr/bin; do
			if [ -x "$dir/$name" ]; then
				printf '%s\n' "$dir/$name"
				return 0
			fi
		done
	done
	return 1
}

ts_pkg_installed()
{
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# Whether a package is already provided, by a program or by the package
# itself. Servers count as present when their program is there (the machine
# may have nginx-full rather than nginx-light, or MySQL rather than MariaDB).
ts_pkg_present()
{
	case $1 in
	nginx-light) ts_find_program nginx >/dev/null ;;
	mariadb-server) ts_find_program mariadbd mysqld >/dev/null &&
	    ts_find_program mariadb-install-db mysql_install_db >/dev/null ;;
	mariadb-client) ts_find_program mariadb mysql >/dev/null ;;
	apache2) ts_find_program apache2 >/dev/null ;;
	libfcgi-bin) ts_find_program cgi-fcgi >/dev/null ;;
	nodejs) command -v node >/dev/null 2>&1 ;;
	npm) command -v npm >/dev/null 2>&1 ;;
	*) ts_pkg_installed "$1" ;;
	esac
}

# Installs the packages that are missing: apt-get update, then one
# apt-get install. Not root: prints the command to run and exits 1.
ts_ensure_packages()
{
	local pkg missing="" rc=0 policy=/usr/sbin/policy-rc.d made_policy=0

	for pkg in "$@"; do
		ts_pkg_present "$pkg" || missing="$missing $pkg"
	done
	missing=${missing# }
	[ -n "$missing" ] || return 0

	if [ "$(id -u)" -ne 0 ]; then
		printf '%s: these packages are missing: %s\n' "$TS_PROG" "$missing" >&2
		printf '%s: run as root:\n  apt-get update && apt-get install -y --no-install-recommends %s\n' \
		    "$TS_PROG" "$missing" >&2
		exit 1
	fi
	command -v apt-get >/dev/null 2>&1 ||
	    ts_die "missing packages ($missing) and no apt-get: install them by hand"

	ts_say "installing: $missing"
	# Installing mariadb-server, nginx or apache2 would start the system's
	# own services (on port 80 and 3306); we run private instances instead.
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\n# written by threadstore %s during apt-get install\nexit 101\n' \
		    "$TS_PROG" >"$policy"
		chmod 0755 "$policy"
		made_policy=1
	fi
	export DEBIAN_FRONTEND=noninteractive
	# shellcheck disable=SC2086 # the list is split on purpose
	if ! apt-get update; then
		rc=1
		ts_warn "apt-get update failed"
	elif ! apt-get install -y --no-install-recommends $missing; then
		rc=1
	fi
	[ "$made_policy" -eq 0 ] || rm -f "$policy"
	[ "$rc" -eq 0 ] || ts_die "apt-get install of $missing failed"
}

# A random secret of 32 bytes, hex-encoded (64 characters).
ts_gen_secret()
{
	local s=""

	if command -v openssl >/dev/null 2>&1; then
		s=$(openssl rand -hex 32 2>/dev/null) || s=""
	fi
	if [ -z "$s" ]; then
		s=$(head -c 32 /dev/urandom | od -An -v -tx1 | tr -d ' \n')
	fi
	[ "${#s}" -eq 64 ] || ts_die "could not generate a random secret"
	printf '%s' "$s"
}

# Writes value to path with mode 0600, no trailing newline, atomically.
ts_write_secret()
{
	local path=$1 value=$2

	(umask 077 && printf '%s' "$value" >"$path.tmp") && mv -f "$path.tmp" "$path"
	chmod 0600 "$path"
}

# Reads a secret file, or creates it with a new random secret.
ts_secret_file()
{
	local path=$1

	if [ ! -s "$path" ]; then
		ts_write_secret "$path" "$(ts_gen_secret)"
	fi
	chmod 0600 "$path"
	cat "$path"
}

ts_check_socket_path()
{
	[ "${#1}" -le "$TS_MAX_SOCKET_PATH" ] ||
	    ts_die "socket path $1 is ${#1} bytes, over the ${TS_MAX_SOCKET_PATH}-byte limit of unix sockets: use a checkout with a shorter path"
}

# The live PID named by a PID file, or failure (no file, stale, or reused by
# another program). The optional second argument is a string the process's
# command line must contain.
ts_pid_alive()
{
	local pidfile=$1 expect=${2:-} pid cmd

	[ -s "$pidfile" ] || return 1
	pid=$(tr -dc '0-9' <"$pidfile")
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
	if [ -n "$expect" ] && [ -r "/proc/$pid/cmdline" ]; then
		cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline")
		case $cmd in
		*"$expect"*) ;;
		*) return 1 ;;
		esac
	fi
	printf '%s\n' "$pid"
}

# Stops the process a PID file names: SIGTERM, then SIGKILL after timeout
# seconds. Quiet when it is not running. Removes the PID file.
ts_stop_pidfile()
{
	local name=$1 pidfile=$2 expect=${3:-} timeout=${4:-30} pid i

	if ! pid=$(ts_pid_alive "$pidfile" "$expect"); then
		rm -f "$pidfile"
		return 0
	fi
	ts_say "stopping $name (pid $pid)"
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < timeout * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		ts_warn "$name (pid $pid) did not stop within ${timeout}s: sending SIGKILL"
		kill -KILL "$pid" 2>/dev/null || true
		sleep 0.2
	fi
	rm -f "$pidfile"
}

# Polls a command until it succeeds: ts_wait_for SECONDS DESCRIPTION CMD...
# Fails (returns 1) at the timeout.
ts_wait_for()
{
	local timeout=$1 what=$2 i
	shift 2

	for ((i = 0; i < timeout * 5; i++)); do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.2
	done
	ts_warn "timed out after ${timeout}s waiting for $what"
	return 1
}

# Whether something accepts TCP connections on 127.0.0.1:port.
ts_port_busy()
{
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# HTTP status of a GET (000 when nothing answers).
ts_http_status()
{
	curl -s -o /dev/null -m 5 -w '%{http_code}' "$1" 2>/dev/null || true
}

ts_http_ok()
{
	[ "$(ts_http_status "$1")" = 200 ]
}

# Writes stdin to a configuration file, atomically (a temporary file, then
# mv), with the mode given (optional; else the umask's). The one way the
# scripts write their configuration: ts_write_conf PATH [MODE] <<EOF ...
ts_write_conf()
{
	local path=$1 mode=${2:-}

	cat >"$path.tmp" || ts_die "writing $path failed"
	[ -z "$mode" ] || chmod "$mode" "$path.tmp"
	mv -f "$path.tmp" "$path"
}

# ---------------------------------------------------------------- building

# Runs autogen.sh when configure is missing or older than its inputs.
ts_autogen_if_needed()
{
	local dir=$1

	if [ ! -x "$dir/configure" ] || [ "$dir/configure.ac" -nt "$dir/configure" ] ||
	    [ "$dir/Makefile.am" -nt "$dir/Makefile.in" ] || [ ! -f "$dir/Makefile.in" ]; then
		ts_say "running autogen.sh in $dir"
		(cd "$dir" && ./autogen.sh) || ts_die "autogen.sh failed"
	fi
}

# Copies the checkout's sources (what git tracks or would add; not the
# in-tree build, not var/) to an empty directory DEST, for a build apart
# from the checkout's own.
ts_snapshot_sources()
{
	local dest=$1

	rm -rf "$dest"
	mkdir -p "$dest"
	if command -v git >/dev/null 2>&1 && git -C "$TS_ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		(cd "$TS_ROOT" && git ls-files -z --cached --others --exclude-standard |
		    tar --null --ignore-failed-read -T - -cf -) 2>/dev/null | tar -C "$dest" -xf -
	else
		(cd "$TS_ROOT" && tar --exclude=./var --exclude=./.git --exclude=node_modules -cf - .) |
		    tar -C "$dest" -xf -
		if [ -f "$dest/Makefile" ]; then
			make -C "$dest" distclean >/dev/null 2>&1 || true
		fi
	fi
	[ -f "$dest/configure.ac" ] || ts_die "copying the sources to $dest failed"
}

# Builds in the checkout. ts_build any: configure (without options) only if
# never configured. ts_build exact ARGS...: (re)configure unless the tree was
# configured with exactly these arguments.
ts_build()
{
	local mode=$1 want have
	shift

	ts_autogen_if_needed "$TS_ROOT"
	want="$*"
	if [ -f "$TS_ROOT/config.status" ] && [ -f "$TS_ROOT/Makefile" ] &&
	    [ ! "$TS_ROOT/configure" -nt "$TS_ROOT/config.status" ]; then
		have=$(cd "$TS_ROOT" && ./config.status --config | tr -d "'")
		if [ "$mode" = any ] || [ "$have" = "$want" ]; then
			want=SKIP
		fi
	fi
	if [ "$want" != SKIP ]; then
		ts_say "configuring: ./configure $*"
		(cd "$TS_ROOT" && ./configure "$@") || ts_die "configure failed (see $TS_ROOT/config.log)"
	fi
	ts_say "building"
	make -C "$TS_ROOT" -j"$(ts_jobs)" || ts_die "the build failed"
	[ -x "$TS_ROOT/src/threadstore" ] || ts_die "the build did not produce src/threadstore"
}

ts_jobs()
{
	local n
	n=$(nproc 2>/dev/null || echo 2)
	printf '%s\n' "$n"
}

# ---------------------------------------------------------------- MariaDB

# The client command as the administrator (the OS user, by unix_socket auth).
ts_mysql()
{
	"$TS_MYSQL_CLIENT" --no-defaults -S "$TS_MYSQL_SOCKET" -u "$(id -un)" "$@"
}

# Sets TS_MYSQLD, TS_MYSQL_CLIENT and TS_MYSQL_INSTALL_DB.
ts_mysql_programs()
{
	TS_MYSQLD=$(ts_find_program mariadbd mysqld) || ts_die "mariadbd not found (apt-get install mariadb-server)"
	TS_MYSQL_CLIENT=$(ts_find_program mariadb mysql) || ts_die "the mariadb client was not found (apt-get install mariadb-client)"
	TS_MYSQL_INSTALL_DB=$(ts_find_program mariadb-install-db mysql_install_db) ||
	    ts_die "mariadb-install-db not found (apt-get install mariadb-server)"
}

# Writes the command that starts the private server into $dir/mysql-start.sh
# (tests restart the server with it). Arguments: state dir, TCP port or "",
# then any further mysqld options (they come last, so they win).
ts_mysql_write_start_script()
{
	local dir=$1 port=$2 net user_opt="" opt extra=""
	shift 2

	if [ -n "$port" ]; then
		net="--port=$port --bind-address=127.0.0.1"
	else
		net="--skip-networking"
	fi
	[ "$(id -u)" -ne 0 ] || user_opt="--user=root"
	for opt in "$@"; do
		extra+=" \\"$'\n\t'"$opt"
	done
	ts_write_conf "$dir/mysql-start.sh" 0700 <<EOF
#!/usr/bin/env bash
# Starts the private MariaDB of $dir (written by scripts/lib.sh).
set -euo pipefail
mkdir -p '$dir/mysql-tmp'
setsid nohup '$TS_MYSQLD' --no-defaults $user_opt \\
	--datadir='$dir/mysql' \\
	--socket='$dir/mysqld.sock' \\
	--pid-file='$dir/mysqld.pid' \\
	--log-error='$dir/mysqld.log' \\
	--tmpdir='$dir/mysql-tmp' \\
	$net \\
	--skip-name-resolve \\
	--character-set-server=utf8mb4 \\
	--collation-server=utf8mb4_unicode_ci \\
	--innodb-buffer-pool-size=64M \\
	--innodb-log-file-size=48M \\
	--innodb-flush-log-at-trx-commit=2 \\
	--max-connections=200$extra \\
	</dev/null >>'$dir/mysqld.log' 2>&1 3>&- 4>&- &
EOF
}

# Starts (or finds running) the private MariaDB of a state dir.
# Arguments: state dir, TCP port ("" for no networking), then any further
# mysqld options.
ts_mysql_start()
{
	local dir=$1 port=$2 pid i
	shift 2

	ts_mysql_programs
	TS_MYSQL_SOCKET=$dir/mysqld.sock
	TS_MYSQL_PIDFILE=$dir/mysqld.pid
	ts_check_socket_path "$TS_MYSQL_SOCKET"
	ts_mysql_write_start_script "$dir" "$port" "$@"

	if pid=$(ts_pid_alive "$TS_MYSQL_PIDFILE" "--datadir=$dir/mysql"); then
		ts_say "MariaDB already running (pid $pid)"
	else
		if [ ! -d "$dir/mysql/mysql" ]; then
			ts_say "creating the MariaDB data directory $dir/mysql"
			rm -rf "$dir/mysql"
			mkdir -p "$dir/mysql"
			local install_opts=(--no-defaults --datadir="$dir/mysql" --skip-test-db
			    --auth-root-authentication-method=socket)
			[ "$(id -u)" -ne 0 ] || install_opts+=(--user=root)
			if ! "$TS_MYSQL_INSTALL_DB" "${install_opts[@]}" >"$dir/mysql-install.log" 2>&1; then
				ts_log_tail "$dir/mysql-install.log" 40
				rm -rf "$dir/mysql"
				ts_die "mariadb-install-db failed"
			fi
		fi
		if [ -n "$port" ] && ts_port_busy "$port"; then
			ts_die "port $port is in use by another program: MariaDB cannot listen there"
		fi
		rm -f "$TS_MYSQL_PIDFILE"
		ts_say "starting MariaDB (socket $TS_MYSQL_SOCKET${port:+, 127.0.0.1:$port})"
		: >>"$dir/mysqld.log"
		bash "$dir/mysql-start.sh"
	fi
	for ((i = 0; i < 600; i++)); do
		if ts_mysql -N -B -e 'SELECT 1' >/dev/null 2>&1; then
			return 0
		fi
		if [ "$i" -gt 20 ] && ! ts_pid_alive "$TS_MYSQL_PIDFILE" >/dev/null &&
		    ! ts_mysqld_in_dir "$dir" >/dev/null; then
			ts_log_tail "$dir/mysqld.log" 40
			ts_die "MariaDB exited during start-up (log: $dir/mysqld.log)"
		fi
		sleep 0.1
	done
	ts_log_tail "$dir/mysqld.log" 40
	ts_die "MariaDB did not answer on $TS_MYSQL_SOCKET within 60 s (log: $dir/mysqld.log)"
}

# A mariadbd whose command line names this state dir (before it wrote its
# PID file). Reads /proc; no pgrep needed.
ts_mysqld_in_dir()
{
	local dir=$1 p cmd

	for p in /proc/[0-9]*; do
		cmd=$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null) || continue
		case $cmd in
		*mysqld*"--datadir=$dir/mysql "*|*mariadbd*"--datadir=$dir/mysql "*)
			printf '%s\n' "${p#/proc/}"
			return 0
			;;
		esac
	done
	return 1
}

ts_mysql_stop()
{
	local dir=$1

	ts_stop_pidfile MariaDB "$dir/mysqld.pid" "--datadir=$dir/mysql" 60
}

# Creates the database and its user (idempotent). With "fresh" as the last
# argument the database is dropped first. Arguments: db name, user,
# password, [fresh].
ts_mysql_setup_db()
{
	local db=$1 user=$2 pass=$3 fresh=${4:-}
	local sql=""

	case $db$user in
	*[!A-Za-z0-9_]*) ts_die "database and user names must be [A-Za-z0-9_]" ;;
	esac
	case $pass in
	*[!A-Za-z0-9]*) ts_die "the database password must be alphanumeric" ;;
	esac
	[ "$fresh" != fresh ] || sql="DROP DATABASE IF EXISTS \`$db\`;"
	sql="$sql
CREATE DATABASE IF NOT EXISTS \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$user'@'localhost' IDENTIFIED BY '$pass';
ALTER USER '$user'@'localhost' IDENTIFIED BY '$pass';
CREATE USER IF NOT EXISTS '$user'@'127.0.0.1' IDENTIFIED BY '$pass';
ALTER USER '$user'@'127.0.0.1' IDENTIFIED BY '$pass';
GRANT ALL PRIVILEGES ON \`$db\`.* TO '$user'@'localhost';
GRANT ALL PRIVILEGES ON \`$db\`.* TO '$user'@'127.0.0.1';
FLUSH PRIVILEGES;"
	ts_mysql -e "$sql" || ts_die "creating database $db and user $user failed"
}

# ---------------------------------------------------------------- threadstore

# Writes threadstore's configuration (mode 0600) for the state dir's
# MariaDB (its socket, db.password) and jwt.secret. Arguments: file, state
# dir, database user, database name, FastCGI socket, then the further
# [server] keys as key=value (base_path=, workers=2, ...).
ts_threadstore_write_conf()
{
	local file=$1 dir=$2 user=$3 name=$4 sock=$5 kv server=""
	shift 5

	for kv in "$@"; do
		kv="${kv%%=*} = ${kv#*=}"
		server+="${kv% }"$'\n'
	done
	ts_write_conf "$file" 0600 <<EOF
# Written by $TS_PROG (scripts/lib.sh); rewritten on every start. See
# conf/threadstore.conf.example for every key.
[database]
socket = $dir/mysqld.sock
user = $user
password_file = $dir/db.password
name = $name

[auth]
mode = jwt
algorithm = HS256
secret_file = $dir/jwt.secret

[server]
${server}listen = unix:$sock
log_level = info
EOF
}

# The line scripts/run prints for README.md's "Using the API" block, which
# uses exactly these variables: the API's URL ($1, ending in /api) and a
# token ($2). tests/readme/run.sh evaluates the same line, so the two agree.
ts_api_exports()
{
	printf 'export API=%s TOKEN=%s\n' "$1" "$2"
}

# Starts `threadstore serve` unless the PID file names a live master.
# Arguments: binary, config, socket path, workers, state dir, log file,
# then optional VAR=value environment assignments for the master.
ts_serve_start()
{
	local bin=$1 conf=$2 sock=$3 workers=$4 dir=$5 log=$6 pidfile pid i wflag=()
	shift 6

	pidfile=$dir/threadstore.pid
	ts_check_socket_path "$sock"
	if pid=$(ts_pid_alive "$pidfile" serve); then
		ts_say "threadstore already running (pid $pid)"
		return 0
	fi
	rm -f "$pidfile"
	# "default": the configuration's count (or the program's default).
	[ "$workers" = default ] || wflag=(--workers "$workers")
	ts_say "starting threadstore serve (unix:$sock, $workers workers, log $log)"
	: >>"$log"
	env "$@" setsid nohup "$bin" serve --config "$conf" --listen "unix:$sock" \
	    "${wflag[@]}" --pidfile "$pidfile" </dev/null >>"$log" 2>&1 3>&- 4>&- &
	for ((i = 0; i < 200; i++)); do
		if [ -S "$sock" ] && ts_pid_alive "$pidfile" >/dev/null; then
			return 0
		fi
		if [ "$i" -gt 5 ] && ! kill -0 "$!" 2>/dev/null; then
			ts_log_tail "$log" 30
			ts_die "threadstore serve exited during start-up (log: $log)"
		fi
		sleep 0.1
	done
	ts_log_tail "$log" 30
	ts_die "threadstore did not create $sock within 20 s (log: $log)"
}

ts_serve_stop()
{
	local dir=$1

	ts_stop_pidfile threadstore "$dir/threadstore.pid" serve 45
}

# ---------------------------------------------------------------- nginx

# The locations that answer nginx's own errors in the API's JSON shape
# (API reference: schema Error):
# error_page sends each status to an internal location that returns the
# body, with X-Request-Id and, on 429 and 503, Retry-After. The request id
# is the caller's X-Request-Id when it is sane, as in threadstore's own
# answers, else nginx's $request_id ($ts_request_id, mapped in
# ts_nginx_write_conf). 502 and 504 (threadstore down or overloaded) become
# 503 SERVICE_UNAVAILABLE. nginx sends no 408: it closes a connection that
# times out. threadstore's own answers pass unchanged
# (fastcgi_intercept_errors off), so only nginx's errors come here. Keep in
# step with conf/nginx.conf.example.
ts_nginx_error_pages()
{
	local status code msg retry tab='		'

	printf '%s# nginx'\''s own errors, as the API'\''s JSON error body.\n' "$tab"
	printf '%serror_page 400 494 =400 /.threadstore-error/400;\n' "$tab"
	printf '%serror_page 404 =404 /.threadstore-error/404;\n' "$tab"
	printf '%serror_page 413 =413 /.threadstore-error/413;\n' "$tab"
	printf '%serror_page 414 =414 /.threadstore-error/414;\n' "$tab"
	printf '%serror_page 429 =429 /.threadstore-error/429;\n' "$tab"
	printf '%serror_page 500 =500 /.threadstore-error/500;\n' "$tab"
	printf '%serror_page 502 503 504 =503 /.threadstore-error/503;\n' "$tab"
	while IFS='|' read -r status code msg retry; do
		printf '%slocation = /.threadstore-error/%s {\n' "$tab" "$status"
		printf '%s\tinternal;\n' "$tab"
		printf '%s\tdefault_type "application/json; charset=utf-8";\n' "$tab"
		# $ts_request_id is nginx's variable, for nginx to expand.
		# shellcheck disable=SC2016
		printf '%s\tadd_header X-Request-Id $ts_request_id always;\n' "$tab"
		[ -z "$retry" ] || printf '%s\tadd_header Retry-After %s always;\n' "$tab" "$retry"
		# shellcheck disable=SC2016 # $ts_request_id is nginx's, as above
		printf '%s\treturn %s '\''{"error": "%s", "code": "%s", "request_id": "$ts_request_id"}'\'';\n' \
		    "$tab" "$status" "$msg" "$code"
		printf '%s}\n' "$tab"
	done <<'EOT'
400|BAD_REQUEST|Bad request|
404|NOT_FOUND|Not found|
413|PAYLOAD_TOO_LARGE|Request body too large|
414|URI_TOO_LONG|Request line too long|
429|RATE_LIMITED|Too many requests|1
500|INTERNAL|Internal error|
503|SERVICE_UNAVAILABLE|Service unavailable|1
EOT
}

# Writes $dir/nginx/nginx.conf. Arguments: state dir, port, mount prefix
# ("" for the site root, or like /chat), FastCGI socket path, then optional
# per-client limits: concurrent requests per address (default 256), request
# rate per address (default 1000r/s) and its burst (default 2000).
#
# The defaults suit a development machine and the test suite, whose tests
# fire bursts of 64 concurrent requests from 127.0.0.1; a test that loops
# for seconds paces itself under the rate (keepalive.test.mjs's writers: 800
# a second at most; unpaced they reached 1,900 on a fast machine). A
# real site takes the smaller figures of conf/nginx.conf.example (32
# requests, 50r/s, burst 200).
ts_nginx_write_conf()
{
	local dir=$1 port=$2 mount=$3 sock=$4 conn=${5:-256} rate=${6:-1000r/s} burst=${7:-2000}
	local location limits errors main http

	limits="			limit_conn ts_conn $conn;
			limit_req zone=ts_req burst=$burst nodelay;"
	if [ -z "$mount" ]; then
		location="		# Mounted at the site root: threadstore routes REQUEST_URI's path.
		location / {
$limits
			include /etc/nginx/fastcgi_params;
			fastcgi_pass threadstore;
		}"
	else
		location="		# Mounted under $mount: PATH_INFO is the part after the prefix,
		# SCRIPT_NAME the prefix (fastcgi_params sets SCRIPT_NAME from it).
		location $mount/ {
$limits
			fastcgi_split_path_info ^($mount)(/.*)\$;
			include /etc/nginx/fastcgi_params;
			fastcgi_param PATH_INFO \$fastcgi_path_info;
			fastcgi_pass threadstore;
		}"
	fi
	errors=$(ts_nginx_error_pages)
	main="# Room for thousands of connections (a proxied request holds two).
worker_rlimit_nofile 10000;"
	http="	# Above threadstore's own limits (1 MiB body, 8 KiB query), so that
	# threadstore answers every limit error itself, in JSON.
	client_max_body_size 8m;
	client_body_buffer_size 1m;
	large_client_header_buffers 4 32k;

	# A client that stalls is dropped: 10 s for the request header, and
	# between two reads of the body or two writes of the answer.
	client_header_timeout 10s;
	client_body_timeout 10s;
	send_timeout 10s;
	keepalive_timeout 30s;
	reset_timedout_connection on;

	# Per client address: requests in progress, and a rate with a burst;
	# over either, 429 RATE_LIMITED.
	limit_conn_zone \$binary_remote_addr zone=ts_conn:10m;
	limit_req_zone \$binary_remote_addr zone=ts_req:10m rate=$rate;
	limit_conn_status 429;
	limit_req_status 429;

	# The request id of nginx's own error answers: the caller's when sane
	# (at most 64 of [A-Za-z0-9._-]), as threadstore does, else nginx's.
	map \$http_x_request_id \$ts_request_id {
		\"~^[A-Za-z0-9._-]{1,64}\$\" \$http_x_request_id;
		default \$request_id;
	}

	# threadstore's responses pass unchanged (errors included). nginx reads
	# a whole request body before it passes the request on, so a slow client
	# never holds a threadstore worker.
	fastcgi_intercept_errors off;
	fastcgi_request_buffering on;
	fastcgi_pass_request_headers on;
	fastcgi_connect_timeout 5s;
	fastcgi_read_timeout 60s;

	# FastCGI keep-alive, the opt-in of conf/nginx.conf.example, on here so
	# that every end-to-end test runs over kept connections (README:
	# Keep-alive between nginx and threadstore); nginx closes each within
	# keepalive_time, before a retiring worker's drain (30 s) ends.
	upstream threadstore {
		server unix:$sock;
		keepalive 8;
		keepalive_time 20s;
		keepalive_timeout 10s;
	}
	fastcgi_keep_conn on;"
	ts_nginx_write "$dir" 2 4096 "$dir/nginx/access.log" "$main" "$http" "		listen 127.0.0.1:$port;
		server_name localhost;

$location

$errors"
}

# Writes $dir/nginx/nginx.conf: the part every caller shares (the PID file,
# logs and temporary files in $dir/nginx, workers as root when started as
# root, daemon) around what the caller passes. Arguments: state
# dir, worker processes, worker connections, the access log's path or
# "off", lines for the main context, lines for the http context, the
# server block's lines.
ts_nginx_write()
{
	local dir=$1 workers=$2 connections=$3 access=$4 main=$5 http=$6 server=$7
	local ndir=$dir/nginx user_line=""

	mkdir -p "$ndir/tmp"
	# nginx started as root would run its workers as nobody; ours must reach
	# a socket in the checkout, which belongs to the same user. Development
	# and tests only: conf/nginx.conf.example runs them as www-data.
	[ "$(id -u)" -ne 0 ] || user_line="user root root;"
	ts_write_conf "$ndir/nginx.conf" <<EOF
# Generated by scripts/lib.sh for $TS_PROG; rewritten on every start.
$user_line
worker_processes $workers;
$main
daemon on;
pid $ndir/nginx.pid;
error_log $ndir/error.log warn;

events {
	worker_connections $connections;
}

http {
	access_log $access;
	client_body_temp_path $ndir/tmp/body;
	fastcgi_temp_path $ndir/tmp/fastcgi;
	proxy_temp_path $ndir/tmp/proxy;
	uwsgi_temp_path $ndir/tmp/uwsgi;
	scgi_temp_path $ndir/tmp/scgi;
	default_type application/octet-stream;
	server_tokens off;

$http

	server {
$server
	}
}
EOF
}

# Starts the private nginx of a state dir (or finds it running).
ts_nginx_start()
{
	local dir=$1 port=$2 ndir pid nginx

	ndir=$dir/nginx
	nginx=$(ts_find_program nginx) || ts_die "nginx not found (apt-get install nginx-light)"
	if pid=$(ts_pid_alive "$ndir/nginx.pid" nginx); then
		ts_say "nginx already running (pid $pid)"
		return 0
	fi
	if ts_port_busy "$port"; then
		ts_die "port $port is in use by another program (set another port)"
	fi
	: >>"$ndir/error.log"
	# nginx writes to error.log itself; its stderr goes there too (appending).
	# shellcheck disable=SC2094
	if ! "$nginx" -t -q -p "$ndir" -e "$ndir/error.log" -c "$ndir/nginx.conf" 2>>"$ndir/error.log"; then
		ts_log_tail "$ndir/error.log" 20
		ts_die "nginx rejected its configuration $ndir/nginx.conf"
	fi
	ts_say "starting nginx on 127.0.0.1:$port"
	# shellcheck disable=SC2094
	if ! "$nginx" -p "$ndir" -e "$ndir/error.log" -c "$ndir/nginx.conf" 2>>"$ndir/error.log" 3>&- 4>&-; then
		ts_log_tail "$ndir/error.log" 20
		ts_die "nginx did not start (log: $ndir/error.log)"
	fi
	if ! ts_wait_for 10 "nginx's PID file" ts_pid_alive "$ndir/nginx.pid"; then
		ts_log_tail "$ndir/error.log" 20
		ts_die "nginx did not start (log: $ndir/error.log)"
	fi
}

ts_nginx_stop()
{
	local dir=$1

	ts_stop_pidfile nginx "$dir/nginx/nginx.pid" nginx 15
}

# ---------------------------------------------------------------- Apache

# The user and group Apache's children run as (Debian: www-data).
ts_apache_user()
{
	local u=""

	if [ -r /etc/apache2/envvars ]; then
		u=$(sed -n 's/^export APACHE_RUN_USER=//p' /etc/apache2/envvars | tr -d "\"'")
	fi
	printf '%s\n' "${u:-www-data}"
}

ts_apache_group()
{
	local g=""

	if [ -r /etc/apache2/envvars ]; then
		g=$(sed -n 's/^export APACHE_RUN_GROUP=//p' /etc/apache2/envvars | tr -d "\"'")
	fi
	printf '%s\n' "${g:-www-data}"
}

# Writes $dir/apache/apache2.conf: mod_proxy_fcgi mounting the API under a
# prefix. Arguments: state dir, port, mount prefix (like /chat), socket path.
ts_apache_write_conf()
{
	local dir=$1 port=$2 mount=$3 sock=$4 adir mods user_lines=""

	adir=$dir/apache
	mkdir -p "$adir"
	mods=/usr/lib/apache2/modules
	if [ "$(id -u)" -eq 0 ]; then
		user_lines="User $(ts_apache_user)
Group $(ts_apache_group)"
	fi
	ts_write_conf "$adir/apache2.conf" <<EOF
# Generated by scripts/lib.sh for $TS_PROG; rewritten on every start.
ServerRoot "$adir"
DefaultRuntimeDir "$adir"
PidFile "$adir/apache2.pid"
ErrorLog "$adir/error.log"
LogLevel warn
LogFormat "%h %l %u %t \"%r\" %>s %b %{X-Request-Id}o" ts
CustomLog "$adir/access.log" ts
Listen 127.0.0.1:$port
ServerName 127.0.0.1
$user_lines
Timeout 60
StartServers 1
ServerLimit 2
ThreadsPerChild 16
MaxRequestWorkers 32

LoadModule mpm_event_module $mods/mod_mpm_event.so
LoadModule authz_core_module $mods/mod_authz_core.so
LoadModule proxy_module $mods/mod_proxy.so
LoadModule proxy_fcgi_module $mods/mod_proxy_fcgi.so
LoadModule headers_module $mods/mod_headers.so
LoadModule unique_id_module $mods/mod_unique_id.so

# Above threadstore's limits (1 MiB body, 8 KiB query), so that threadstore
# answers every limit error itself, in JSON.
LimitRequestBody 8388608
LimitRequestLine 32768
LimitRequestFieldSize 32768

# Apache's own errors in the API's JSON shape, as in
# conf/apache-proxy-fcgi.conf.example (which says why): the request id is
# the md5 of mod_unique_id's UNIQUE_ID; 502 and 504 keep their status.
# The whole server is threadstore's, so every error page is set here.
ErrorDocument 400 '{"error": "Bad request", "code": "BAD_REQUEST", "request_id": "%{md5:%{reqenv:UNIQUE_ID}}"}'
ErrorDocument 401 '{"error": "Authentication required", "code": "UNAUTHORIZED", "request_id": "%{md5:%{reqenv:UNIQUE_ID}}"}'
ErrorDocument 403 '{"error": "Forbidden", "code": "FORBIDDEN", "request_id": "%{md5:%{reqenv:UNIQUE_ID}}"}'
ErrorDocument 404 '{"error": "Not found", "code": "NOT_FOUND", "request_id": "%{md5:%{reqenv:UNIQUE_ID}}"}'
ErrorDocument 413 '{"error": "Request body too large", "code": "PAYLOAD_TOO_LARGE", "request_id": "%{md5:%{reqenv:UNIQUE_ID}}"}'
ErrorDocument 414 '{"error": "Request line too long", "code": "URI_TOO_LONG", "request_id": "%{md5:%{reqenv:UNIQUE_ID}}"}'
ErrorDocument 500 '{"error": "Internal error", "code": "INTERNAL", "request_id": "%{md5:%{reqenv:UNIQUE_ID}}"}'
ErrorDocument 502 '{"error": "Service unavailable", "code": "SERVICE_UNAVAILABLE", "request_id": "%{md5:%{reqenv:UNIQUE_ID}}"}'
ErrorDocument 503 '{"error": "Service unavailable", "code": "SERVICE_UNAVAILABLE", "request_id": "%{md5:%{reqenv:UNIQUE_ID}}"}'
ErrorDocument 504 '{"error": "Service unavailable", "code": "SERVICE_UNAVAILABLE", "request_id": "%{md5:%{reqenv:UNIQUE_ID}}"}'
Header always set Content-Type "application/json; charset=utf-8" "expr=-z resp('X-Request-Id')"
Header always set X-Request-Id "expr=%{md5:%{reqenv:UNIQUE_ID}}" "expr=-z resp('X-Request-Id')"
Header always set Retry-After 1 "expr=%{REQUEST_STATUS} -in {'502', '503', '504'} && -z resp('Retry-After')"

<Location "$mount/">
	Require all granted
	# Pass Authorization on to the program (Apache drops it by default).
	CGIPassAuth On
	# mod_proxy_fcgi sets no PATH_INFO for a ProxyPass: give the program
	# the part after the prefix, and the prefix as SCRIPT_NAME.
	ProxyFCGISetEnvIf "reqenv('REQUEST_URI') =~ m#^$mount(/[^?]*)#" PATH_INFO "\$1"
	ProxyFCGISetEnvIf "true" SCRIPT_NAME "$mount"
</Location>
ProxyPass "$mount/" "unix:$sock|fcgi://localhost/"
EOF
}

ts_apache_start()
{
	local dir=$1 port=$2 adir pid apache

	adir=$dir/apache
	apache=$(ts_find_program apache2 httpd) || ts_die "apache2 not found (apt-get install apache2)"
	if pid=$(ts_pid_alive "$adir/apache2.pid" apache2); then
		ts_say "Apache already running (pid $pid)"
		return 0
	fi
	rm -f "$adir/apache2.pid"
	if ts_port_busy "$port"; then
		ts_die "port $port is in use by another program: Apache cannot listen there"
	fi
	: >>"$adir/error.log"
	if ! "$apache" -t -f "$adir/apache2.conf" >>"$adir/error.log" 2>&1; then
		ts_log_tail "$adir/error.log" 20
		ts_die "Apache rejected its configuration $adir/apache2.conf"
	fi
	ts_say "starting Apache on 127.0.0.1:$port"
	if ! "$apache" -f "$adir/apache2.conf" -k start >>"$adir/error.log" 2>&1 3>&- 4>&- ||
	    ! ts_wait_for 15 "Apache's PID file" ts_pid_alive "$adir/apache2.pid"; then
		ts_log_tail "$adir/error.log" 20
		ts_die "Apache did not start (log: $adir/error.log)"
	fi
}

ts_apache_stop()
{
	local dir=$1

	ts_stop_pidfile Apache "$dir/apache/apache2.pid" apache2 20
}
