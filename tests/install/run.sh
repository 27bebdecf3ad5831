#!/usr/bin/env bash
# What `make install` puts on a machine, and whether a rebuild after
# ./configure with other options takes effect. Run by scripts/test (step
# "install") after the checkout's own build; usage: tests/install/run.sh DIR,
# DIR being an empty scratch directory (everything it writes stays there).
#
#  1. A copy of the sources is configured in a separate build directory with
#     --prefix=DIR/prefix-a and two objects are built; then configured again
#     with --prefix=DIR/prefix-b --enable-werror: both objects must be built
#     again, with -Werror, and src/config.o must hold prefix-b's default
#     configuration path, not prefix-a's. A third configure with the same
#     options must rebuild nothing.
#  2. The checkout's build is installed with DESTDIR=DIR/root: the program,
#     the man page, the example configuration (with this installation's
#     paths) and the systemd unit (running this installation's program), and
#     never a threadstore.conf; then `make uninstall` must leave no file.
set -euo pipefail

TS_PROG=tests/install
TS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=scripts/lib.sh
. "$TS_ROOT/scripts/lib.sh"

OUT=${1:?usage: tests/install/run.sh SCRATCH_DIR}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
FAILS=0

fail()
{
	ts_warn "FAIL: $*"
	FAILS=$((FAILS + 1))
}

# The value of a make variable of the checkout's Makefile, fully expanded.
make_var()
{
	# shellcheck disable=SC2016 # $(...) is make's, expanded by make
	printf 'ts-print-var:\n\t@echo $(%s)\n' "$1" |
	    make -s --no-print-directory -C "$TS_ROOT" -f Makefile -f - ts-print-var
}

# configure_and_make LOG CONFIGURE-ARGS...: configures the scratch build and
# builds the two probe objects verbosely, the compiler lines going to LOG.
configure_and_make()
{
	local log=$1
	shift

	(cd "$OUT/build" && "$OUT/src/configure" "$@" >"$OUT/configure.out" 2>&1) ||
	    { ts_log_tail "$OUT/configure.out" 20; ts_die "configure $* failed"; }
	make -C "$OUT/build" V=1 src/config.o src/ids.o >"$log" 2>&1 ||
	    { ts_log_tail "$log" 20; ts_die "make after configure $* failed"; }
}

# Compiler lines in a make log that built the given object.
compiled()
{
	grep -E "(^| )gcc .* -o $2( |$)|(^| )cc .* -o $2( |$)|-c .* -o $2( |$)" "$1" || true
}

check_reconfigure()
{
	local a=$OUT/prefix-a b=$OUT/prefix-b obj

	ts_say "rebuild after ./configure with other options"
	ts_snapshot_sources "$OUT/src"
	(cd "$OUT/src" && ./autogen.sh) >"$OUT/autogen.out" 2>&1 ||
	    { ts_log_tail "$OUT/autogen.out" 20; ts_die "autogen.sh failed in $OUT/src"; }
	mkdir -p "$OUT/build"
	configure_and_make "$OUT/make-a.log" --prefix="$a"
	grep -aq "$a/etc/threadstore/threadstore.conf" "$OUT/build/src/config.o" ||
	    fail "configure --prefix=$a: src/config.o lacks $a/etc/threadstore/threadstore.conf"
	! grep -q -- '-Werror' "$OUT/make-a.log" || fail "configure without --enable-werror compiled with -Werror"

	configure_and_make "$OUT/make-b.log" --prefix="$b" --enable-werror
	for obj in src/config.o src/ids.o; do
		compiled "$OUT/make-b.log" "$obj" | grep -q -- '-Werror' ||
		    fail "after configure --enable-werror, $obj was not rebuilt with -Werror"
	done
	grep -aq "$b/etc/threadstore/threadstore.conf" "$OUT/build/src/config.o" ||
	    fail "after configure --prefix=$b, src/config.o lacks $b/etc/threadstore/threadstore.conf"
	! grep -aq "$a/etc" "$OUT/build/src/config.o" || fail "after configure --prefix=$b, src/config.o still names $a"

	configure_and_make "$OUT/make-c.log" --prefix="$b" --enable-werror
	for obj in src/config.o src/ids.o; do
		[ -z "$(compiled "$OUT/make-c.log" "$obj")" ] || fail "configure with the same options rebuilt $obj"
	done
}

check_install()
{
	local root=$OUT/root bindir sysconfdir mandir unitdir conf left

	ts_say "make install DESTDIR=$root"
	bindir=$(make_var bindir)
	sysconfdir=$(make_var sysconfdir)
	mandir=$(make_var mandir)
	unitdir=$(make_var systemdunitdir)
	[ -n "$unitdir" ] || fail "the checkout was configured --without-systemdunitdir; the unit is not installed"
	make -C "$TS_ROOT" --no-print-directory install DESTDIR="$root" >"$OUT/install.log" 2>&1 ||
	    { ts_log_tail "$OUT/install.log" 20; ts_die "make install failed"; }

	[ -x "$root$bindir/threadstore" ] || fail "no program in $bindir"
	grep -aq "$sysconfdir/threadstore/threadstore.conf" "$root$bindir/threadstore" ||
	    fail "the installed program does not default to $sysconfdir/threadstore/threadstore.conf"
	grep -q "^\.Pa $sysconfdir/threadstore/threadstore.conf" "$root$mandir/man1/threadstore.1" ||
	    fail "the man page in $mandir/man1 does not name $sysconfdir/threadstore/threadstore.conf"
	conf=$root$sysconfdir/threadstore/threadstore.conf.example
	if [ -f "$conf" ]; then
		grep -q "^password_file = $sysconfdir/threadstore/db.password\$" "$conf" ||
		    fail "the example configuration does not keep its secrets in $sysconfdir/threadstore"
	else
		fail "no example configuration in $sysconfdir/threadstore"
	fi
	[ ! -e "$root$sysconfdir/threadstore/threadstore.conf" ] || fail "make install wrote a threadstore.conf"
	if [ -n "$unitdir" ]; then
		grep -q "^ExecStart=$bindir/threadstore serve\$" "$root$unitdir/threadstore.service" ||
		    fail "the unit in $unitdir does not start $bindir/threadstore"
	fi

	make -C "$TS_ROOT" --no-print-directory uninstall DESTDIR="$root" >>"$OUT/install.log" 2>&1 ||
	    fail "make uninstall failed"
	left=$(find "$root" -type f | head -5)
	[ -z "$left" ] || fail "make uninstall left files: $left"
}

rm -rf "$OUT"
mkdir -p "$OUT"
check_reconfigure
check_install
if [ "$FAILS" -ne 0 ]; then
	ts_warn "$FAILS check(s) failed"
	exit 1
fi
ts_say "make install and reconfiguring: all checks passed"
