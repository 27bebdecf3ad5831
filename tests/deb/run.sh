#!/usr/bin/env bash
# The Debian package as an operator meets it, in a clean Debian 12 root. Run
# by scripts/test (step "deb"), as root; usage: tests/deb/run.sh DIR PORT,
# DIR a scratch directory (the builds, the root, the logs), PORT a free TCP
# port on 127.0.0.1 for the root's nginx (a chroot shares the machine's
# network).
#
#  1. While a minimal bookworm root is made (debootstrap, with MariaDB,
#     nginx, curl and the program's libraries in one go; kept in
#     var/cache/deb-root, or TS_DEB_CACHE, and copied, so that a second run
#     on a developer's machine skips it: CI starts from nothing), the
#     package is built from a copy of the sources with dpkg-buildpackage,
#     checked with lintian, and built again with a bumped version.
#  2. In the root (/proc, /dev and a fresh /run mounted, unmounted whatever
#     happens; services are not started by the packages, policy-rc.d): apt
#     installs the package; the user, the modes of the configuration, the
#     directories, the unit (systemd-analyze verify) and the nginx snippet
#     are checked; then, as the README tells an operator, the database and
#     the secrets are made, `threadstore migrate` runs, MariaDB, threadstore
#     (as its user, as the unit would) and nginx with the snippet start, and
#     curl asks for the health, creates a thread, lists it and gets an error
#     body.
#  3. The second build is installed over it (the configuration and secrets
#     stay, the service answers again), then the package is purged: no user,
#     group, configuration, log directory or program is left.
#
# Every daemon is stopped by its own PID file and every mount undone on exit.
set -euo pipefail

TS_PROG=tests/deb
TS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=scripts/lib.sh
. "$TS_ROOT/scripts/lib.sh"

OUT=${1:?usage: tests/deb/run.sh SCRATCH_DIR PORT}
PORT=${2:?usage: tests/deb/run.sh SCRATCH_DIR PORT}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
ROOT=$OUT/root
CACHE=${TS_DEB_CACHE:-$TS_ROOT/var/cache/deb-root}
SUITE=bookworm
# What the root needs besides minbase, fetched in one go: the servers the
# package is tried with, curl, openssl (the README's secret), procps
# (/bin/kill of the unit's ExecReload), systemd (its targets, for
# systemd-analyze verify, and systemd-tmpfiles, for the package's
# tmpfiles entry) and the package's own dependencies.
INCLUDE=mariadb-server,nginx-light,curl,openssl,procps,systemd,adduser
INCLUDE=$INCLUDE,libfcgi0ldbl,libmariadb3,libjson-c5,libuuid1,libjwt0,libinih1,libssl3
MOUNTS=()
FAILS=0
T0=$(date +%s)

fail()
{
	ts_warn "FAIL: $*"
	FAILS=$((FAILS + 1))
}

# Seconds since the start, for the log: the step's budget is ~5 minutes.
elapsed()
{
	printf '%ss' "$(($(date +%s) - T0))"
}

# The Debian mirror this machine uses (deb.debian.org unless its apt
# sources name another).
mirror()
{
	local uri

	uri=$(grep -hoE '^(URIs: *|deb +(\[[^]]*\] +)?)https?://[^ ]+/debian/?( |$)' \
	    /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | grep -oE 'https?://[^ ]+' | head -1 || true)
	printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

in_root()
{
	chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/root "$@"
}

# ---------------------------------------------------------------- the root

# Makes the cached root when it is missing or was made for another list.
make_cached_root()
{
	local want

	want="$SUITE minbase $INCLUDE $(mirror)"
	if [ -f "$CACHE/stamp" ] && [ "$(cat "$CACHE/stamp")" = "$want" ] && [ -x "$CACHE/root/usr/sbin/mariadbd" ]; then
		ts_say "using the cached root $CACHE/root"
		return 0
	fi
	rm -rf "$CACHE"
	mkdir -p "$CACHE"
	ts_say "debootstrap --variant=minbase $SUITE from $(mirror)"
	debootstrap --variant=minbase --include="$INCLUDE" "$SUITE" "$CACHE/root.tmp" "$(mirror)" ||
	    { ts_log_tail "$CACHE/root.tmp/debootstrap/debootstrap.log" 30; return 1; }
	mv "$CACHE/root.tmp" "$CACHE/root"
	printf '%s\n' "$want" >"$CACHE/stamp"
}

make_root()
{
	make_cached_root || return 1
	rm -rf "$ROOT"
	cp -a "$CACHE/root" "$ROOT"
	# No package starts a service in the root: MariaDB, nginx and
	# threadstore are started by hand below (no systemd runs there).
	printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
	chmod 0755 "$ROOT/usr/sbin/policy-rc.d"
	# The root's nginx must not take port 80 of the machine.
	rm -f "$ROOT/etc/nginx/sites-enabled/default"
}

mount_root()
{
	mount -t proc proc "$ROOT/proc" && MOUNTS+=("$ROOT/proc")
	mount --bind /dev "$ROOT/dev" && MOUNTS+=("$ROOT/dev")
	mount -t tmpfs -o mode=0755,size=64m tmpfs "$ROOT/run" && MOUNTS+=("$ROOT/run")
	mkdir -p "$ROOT/run/lock"
}

unmount_root()
{
	local i

	for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
		umount "${MOUNTS[i]}" 2>/dev/null || umount -l "${MOUNTS[i]}" ||
		    ts_warn "could not unmount ${MOUNTS[i]}"
	done
	MOUNTS=()
}

stop_daemons()
{
	[ -d "$ROOT/run" ] || return 0
	ts_stop_pidfile "nginx in the root" "$ROOT/run/nginx.pid" nginx 10
	ts_stop_pidfile "threadstore in the root" "$OUT/threadstore.pid" threadstore 40
	ts_stop_pidfile "mariadbd in the root" "$ROOT/run/mysqld/mysqld.pid" mariadbd 30
}

on_exit()
{
	local rc=$?

	set +e
	stop_daemons
	unmount_root
	if [ "$rc" -ne 0 ] || [ "$FAILS" -ne 0 ]; then
		ts_warn "the package test FAILED after $(elapsed); logs in $OUT"
		[ "$rc" -ne 0 ] || rc=1
	fi
	exit "$rc"
}

# ---------------------------------------------------------------- the package

# Builds the package from a copy of the sources (never the checkout's own
# tree), then again with the version bumped, for the upgrade.
build_packages()
{
	local src=$OUT/build/threadstore version

	ts_snapshot_sources "$src"
	# The unit tests ran before this step: nocheck.
	(cd "$src" && DEB_BUILD_OPTIONS="nocheck parallel=$(ts_jobs)" dpkg-buildpackage -us -uc -b) \
	    >"$OUT/build-1.log" 2>&1 || { ts_log_tail "$OUT/build-1.log" 40; return 1; }
	version=$(cd "$src" && dpkg-parsechangelog -S Version)
	mkdir -p "$OUT/debs-1" "$OUT/debs-2"
	mv "$OUT/build/"*.deb "$OUT/build/"*.changes "$OUT/build/"*.buildinfo "$OUT/debs-1/"
	ts_say "built threadstore $version ($(elapsed)); lintian"
	lintian --fail-on error,warning "$OUT/debs-1/"*.changes >"$OUT/lintian.log" 2>&1 ||
	    { cat "$OUT/lintian.log" >&2; fail "lintian found errors or warnings"; }

	# The same tree, built again (no clean: only the packaging steps rerun)
	# with one more changelog entry.
	{
		printf 'threadstore (%s+1) unstable; urgency=medium\n\n  * Test upgrade.\n\n' "$version"
		printf ' -- threadstore tests <tests@threadstore.example>  %s\n\n' "$(date -R)"
		cat "$src/debian/changelog"
	} >"$OUT/changelog" && mv "$OUT/changelog" "$src/debian/changelog"
	(cd "$src" && DEB_BUILD_OPTIONS="nocheck parallel=$(ts_jobs)" dpkg-buildpackage -us -uc -b -nc) \
	    >"$OUT/build-2.log" 2>&1 || { ts_log_tail "$OUT/build-2.log" 40; return 1; }
	mv "$OUT/build/"*.deb "$OUT/debs-2/"
	ts_say "built threadstore $version+1 ($(elapsed))"
}

# The first .deb of a build, copied into the root's /tmp; prints its path there.
deb_in_root()
{
	local deb

	deb=$(find "$OUT/debs-$1" -name 'threadstore_*.deb' | head -1)
	[ -n "$deb" ] || ts_die "no threadstore .deb in $OUT/debs-$1"
	cp "$deb" "$ROOT/tmp/"
	printf '/tmp/%s\n' "${deb##*/}"
}

# mode_is PATH MODE OWNER:GROUP
mode_is()
{
	local have

	# The root's names, not the machine's: stat in the root.
	have=$(in_root stat -c '%a %U:%G' "$1" 2>/dev/null || echo missing)
	[ "$have" = "$2 $3" ] || fail "$1 is $have, not $2 $3"
}

check_installed()
{
	local out

	in_root getent passwd threadstore >/dev/null || fail "no user threadstore"
	in_root getent group threadstore >/dev/null || fail "no group threadstore"
	mode_is /etc/threadstore 750 root:threadstore
	mode_is /etc/threadstore/threadstore.conf 640 root:threadstore
	mode_is /var/log/threadstore 2750 threadstore:adm
	grep -qx /etc/threadstore/threadstore.conf "$ROOT/var/lib/dpkg/info/threadstore.conffiles" ||
	    fail "threadstore.conf is not a conffile"
	[ -f "$ROOT/etc/nginx/snippets/threadstore.conf" ] || fail "no nginx snippet"
	! grep -Eq '^ *(password|secret) *=' "$ROOT/etc/threadstore/threadstore.conf" ||
	    fail "the installed configuration holds a secret"
	[ -d "$ROOT/run/threadstore" ] || fail "systemd-tmpfiles did not make /run/threadstore"
	# The unit as systemd reads it, against the root's files.
	systemd-analyze verify --man=no --root="$ROOT" /lib/systemd/system/threadstore.service \
	    >"$OUT/verify.log" 2>&1 || { cat "$OUT/verify.log" >&2; fail "systemd-analyze verify failed"; }
	# A user who may not read the configuration learns why, naming it once.
	out=$(in_root setpriv --reuid nobody --regid nogroup --clear-groups threadstore check-config 2>&1 || true)
	case $out in
	*"configuration /etc/threadstore/threadstore.conf: cannot be read: Permission denied"*) ;;
	*) fail "check-config as nobody said: $out" ;;
	esac
}

# ---------------------------------------------------------------- operating it

start_mariadb()
{
	install -d -o "$(stat -c %u "$ROOT/var/lib/mysql")" -m 0755 "$ROOT/run/mysqld"
	# No TCP: the chroot shares the machine's network; the socket is enough.
	chroot "$ROOT" /usr/sbin/mariadbd --user=mysql --skip-networking \
	    --socket=/run/mysqld/mysqld.sock --pid-file=/run/mysqld/mysqld.pid \
	    >"$OUT/mariadbd.log" 2>&1 3>&- 4>&- &
	ts_wait_for 60 "MariaDB in the root" in_root mariadb-admin --protocol=socket ping ||
	    { ts_log_tail "$OUT/mariadbd.log" 30; return 1; }
}

# What README "The Debian package" tells an operator to do after installing.
configure_as_operator()
{
	local password

	password=$(in_root openssl rand -hex 24)
	in_root mariadb <<EOF
CREATE DATABASE threadstore CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER 'threadstore'@'localhost' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON threadstore.* TO 'threadstore'@'localhost';
EOF
	printf '%s\n' "$password" >"$ROOT/etc/threadstore/db.password"
	in_root sh -c 'openssl rand -hex 32 > /etc/threadstore/jwt.secret'
	in_root chown root:threadstore /etc/threadstore/db.password /etc/threadstore/jwt.secret
	in_root chmod 0640 /etc/threadstore/db.password /etc/threadstore/jwt.secret
	in_root threadstore check-config || return 1
	in_root threadstore migrate >"$OUT/migrate.log" 2>&1 || { cat "$OUT/migrate.log" >&2; return 1; }
	ts_write_conf "$ROOT/etc/nginx/sites-enabled/threadstore-test" <<EOF
server {
	listen 127.0.0.1:$PORT;
	include snippets/threadstore.conf;
}
EOF
}

# As the unit runs it: its user and group, www-data beside them for the
# socket, stderr to the log directory (the journal, under systemd).
start_threadstore()
{
	in_root install -d -o threadstore -g threadstore -m 0755 /run/threadstore
	chroot "$ROOT" /bin/sh -c 'exec setpriv --reuid threadstore --regid threadstore \
	    --groups www-data /usr/bin/threadstore serve >>/var/log/threadstore/threadstore.log 2>&1' 3>&- 4>&- &
	printf '%s\n' "$!" >"$OUT/threadstore.pid"
	ts_wait_for 30 "threadstore's socket" test -S "$ROOT/run/threadstore/threadstore.sock" ||
	    { ts_log_tail "$ROOT/var/log/threadstore/threadstore.log" 20; return 1; }
}

# The port is in the kernel's ephemeral range on many machines: a client's
# connection elsewhere may hold it for a moment, so a failed bind is retried.
start_nginx()
{
	local i

	in_root nginx -t >"$OUT/nginx-t.log" 2>&1 || { cat "$OUT/nginx-t.log" >&2; return 1; }
	for i in 1 2 3 4 5 6 7 8 9 10; do
		if in_root nginx >>"$OUT/nginx-start.log" 2>&1 3>&- 4>&-; then
			return 0
		fi
		ts_warn "nginx could not start (try $i): $(tail -1 "$OUT/nginx-start.log")"
		sleep 2
	done
	return 1
}

# request METHOD PATH [BODY]: prints "STATUS BODY".
request()
{
	local args=(-s -m 10 -o "$OUT/body" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $TOKEN")

	[ -z "${3:-}" ] || args+=(-H 'Content-Type: application/json' -d "$3")
	printf '%s %s\n' "$(curl "${args[@]}" "http://127.0.0.1:$PORT/chat$2" || true)" "$(cat "$OUT/body" 2>/dev/null)"
}

expect()
{
	local what=$1 want=$2 got=$3 pattern=$4

	case $got in
	"$want "*$pattern*) ts_say "ok: $what" ;;
	*) fail "$what: expected $want with $pattern, got: ${got:0:300}" ;;
	esac
}

talk_through_nginx()
{
	local r id

	TOKEN=$(in_root threadstore token --sub alice)
	ts_wait_for 20 "health through nginx" ts_http_ok "http://127.0.0.1:$PORT/chat/api/health" || true
	expect "health" 200 "$(request GET /api/health)" '"ok"'
	r=$(request POST /api/threads '{"title": "Trip ideas", "visibility": "unlisted"}')
	expect "create a thread" 201 "$r" '"Trip ideas"'
	id=$(printf '%s' "$r" | grep -oE '"id": ?"[0-9a-f-]{36}"' | head -1 | grep -oE '[0-9a-f-]{36}' || true)
	[ -n "$id" ] || fail "no thread id in: ${r:0:300}"
	expect "list threads" 200 "$(request GET /api/threads)" "$id"
	expect "an error body" 400 "$(request GET /api/threads/not-a-uuid)" '"code"'
	TOKEN=not-a-token
	expect "an unauthenticated call" 401 "$(request GET /api/threads)" '"code"'
}

upgrade()
{
	local deb before state

	before=$(md5sum <"$ROOT/etc/threadstore/jwt.secret")
	ts_stop_pidfile "threadstore in the root" "$OUT/threadstore.pid" threadstore 40
	deb=$(deb_in_root 2)
	ts_say "upgrading to $deb ($(elapsed))"
	in_root apt-get install -y --no-install-recommends "$deb" >"$OUT/upgrade.log" 2>&1 ||
	    { ts_log_tail "$OUT/upgrade.log" 30; fail "the upgrade failed"; return 0; }
	# shellcheck disable=SC2016 # dpkg-query's format, not the shell's
	state=$(in_root dpkg-query -W -f '${Version} ${db:Status-Abbrev}' threadstore)
	case $state in
	*+1\ ii*) ;;
	*) fail "after the upgrade: $state" ;;
	esac
	[ "$(md5sum <"$ROOT/etc/threadstore/jwt.secret")" = "$before" ] || fail "the upgrade changed jwt.secret"
	mode_is /etc/threadstore/threadstore.conf 640 root:threadstore
	start_threadstore || { fail "threadstore does not start after the upgrade"; return 0; }
	ts_wait_for 20 "health after the upgrade" ts_http_ok "http://127.0.0.1:$PORT/chat/api/health" ||
	    fail "no health after the upgrade"
}

purge()
{
	local path

	ts_stop_pidfile "threadstore in the root" "$OUT/threadstore.pid" threadstore 40
	ts_say "purging ($(elapsed))"
	in_root apt-get purge -y threadstore >"$OUT/purge.log" 2>&1 ||
	    { ts_log_tail "$OUT/purge.log" 30; fail "apt-get purge failed"; return 0; }
	! in_root getent passwd threadstore >/dev/null || fail "the user threadstore is left after purge"
	! in_root getent group threadstore >/dev/null || fail "the group threadstore is left after purge"
	for path in /etc/threadstore /var/log/threadstore /run/threadstore /usr/bin/threadstore \
	    /etc/nginx/snippets/threadstore.conf /lib/systemd/system/threadstore.service; do
		[ ! -e "$ROOT$path" ] || fail "$path is left after purge"
	done
	[ -z "$(in_root dpkg-statoverride --list | grep threadstore || true)" ] || fail "statoverrides are left"
}

main()
{
	local deb bootstrap_pid rc=0

	ts_say "building the package while the root is made"
	make_root >"$OUT/root.log" 2>&1 &
	bootstrap_pid=$!
	build_packages || rc=1
	wait "$bootstrap_pid" || { ts_log_tail "$OUT/root.log" 30; ts_die "making the bookworm root failed"; }
	[ "$rc" -eq 0 ] || ts_die "building the package failed"
	ts_say "root ready ($(elapsed))"

	mount_root
	deb=$(deb_in_root 1)
	in_root apt-get install -y --no-install-recommends "$deb" >"$OUT/install.log" 2>&1 ||
	    { ts_log_tail "$OUT/install.log" 30; ts_die "apt-get install $deb failed in the root"; }
	ts_say "installed $deb ($(elapsed))"
	check_installed
	start_mariadb || ts_die "MariaDB does not start in the root"
	configure_as_operator || ts_die "configuring threadstore as the README says failed"
	start_threadstore || ts_die "threadstore does not start in the root"
	start_nginx || ts_die "nginx does not start in the root"
	talk_through_nginx
	upgrade
	purge
	[ "$FAILS" -eq 0 ] || ts_die "$FAILS check(s) failed"
	ts_say "the Debian package: all checks passed in $(elapsed)"
}

[ "$(id -u)" -eq 0 ] || ts_die "needs root (debootstrap, chroot, mount)"
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
rm -rf "$OUT/root" "$OUT/build" "$OUT/debs-1" "$OUT/debs-2"
main
