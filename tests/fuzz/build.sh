#!/bin/sh
# Builds the libFuzzer targets of tests/fuzz with clang, ASan and UBSan
# (Debian 12: apt-get install clang libclang-rt-14-dev). Run from anywhere;
# the targets land in var/fuzz of the checkout, or in $1.
#
#   tests/fuzz/build.sh && var/fuzz/fuzz_json_in tests/fuzz/corpus/json_in
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/var/fuzz}
command -v clang >/dev/null 2>&1 || { echo "build.sh: clang is missing (apt-get install clang libclang-rt-14-dev)" >&2; exit 1; }
jobs=$(nproc 2>/dev/null || echo 2)
exec make -C "$root" -f tests/fuzz/fuzz.mk OUT="$out" -j"$jobs" --no-print-directory
