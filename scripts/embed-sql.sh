#!/bin/sh
# Writes a C file holding the migrations given as arguments (sql/NNN_name.sql),
# in order. Used by the build: the program carries its schema with it.
set -e
echo '/* Generated from the sql/ files by scripts/embed-sql.sh: do not edit. */'
echo '#include "migrate.h"'
echo 'const struct ts_migration ts_migrations[] = {'
n=0
for f in "$@"; do
	base=$(basename "$f")
	# The number without its leading zeros ("007" would be octal to printf).
	version=$(echo "$base" | sed -n 's/^0*\([0-9][0-9]*\)_.*\.sql$/\1/p')
	[ -n "$version" ] || { echo "embed-sql: bad migration name $base" >&2; exit 1; }
	printf '\t{ %d, "%s",\n' "$version" "$base"
	# Each line becomes a C string literal; backslashes and quotes escaped.
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t  "/' -e 's/$/\\n"/' "$f"
	printf '\t},\n'
	n=$((n + 1))
done
echo '};'
echo "const unsigned int ts_nmigrations = $n;"
