#!/usr/bin/env bash
# Runs README.md's "Using the API" block as a newcomer would: after the
# export line scripts/run prints (the same ts_api_exports of scripts/lib.sh),
# against the test services of scripts/test (TS_BASE_URL, TS_BIN,
# TS_CONFIG), in bash with errexit and pipefail, every curl with
# --fail-with-body. Exits non-zero when the block is missing, when a call
# fails, or when fewer calls ran than the block has, so the README cannot
# drift from the program.
set -euo pipefail

TS_PROG=tests/readme/run.sh
TS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=scripts/lib.sh
. "$TS_ROOT/scripts/lib.sh"

: "${TS_BASE_URL:?run under scripts/test, or after . var/test/env.sh}"
: "${TS_BIN:?}" "${TS_CONFIG:?}"
command -v jq >/dev/null || ts_die "jq is missing (scripts/test installs it)"

# The first sh block below the heading, up to its closing fence.
block=$(awk '/^## Using the API$/ { s = 1; next }
	s && /^## / { exit }
	s && /^```sh$/ { b = 1; next }
	b && /^```$/ { exit }
	b { print }' "$TS_ROOT/README.md")
[ -n "$block" ] || ts_die "README.md has no sh block under \"## Using the API\""
want=$(grep -c 'curl ' <<<"$block")

calls=$(mktemp)
trap 'rm -f "$calls"' EXIT
token=$("$TS_BIN" token --config "$TS_CONFIG" --sub readme --ttl 600)
eval "$(ts_api_exports "$TS_BASE_URL/api" "$token")"

# Every call must succeed: an HTTP error makes curl, and so the block, fail.
curl()
{
	echo "$*" >>"$TS_README_CALLS"
	command curl --fail-with-body --show-error "$@"
}
export -f curl
export TS_README_CALLS=$calls

ts_say "running README.md's \"Using the API\" block ($want calls) against $API"
bash -euo pipefail -c "$block"
echo
got=$(wc -l <"$calls")
[ "$got" -eq "$want" ] || ts_die "$got of the block's $want calls ran"
ts_say "all $got calls of README.md's \"Using the API\" block succeeded"
