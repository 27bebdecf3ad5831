#!/bin/sh
# Validates docs/openapi.yaml with Redocly CLI (an OpenAPI 3.1 linter from
# npm, pinned in package.json and package-lock.json). Rules: redocly.yaml;
# the problems ignored on purpose, and why: .redocly.lint-ignore.yaml.
# Installs the pinned linter with `npm ci` when node_modules is missing or
# does not match the lock file. The last line is the count the CI reads.
set -u

cd "$(dirname "$0")" || exit 1

SPEC=../../docs/openapi.yaml
# No usage reports and no update checks: CI reaches only the npm registry.
REDOCLY_TELEMETRY=off
REDOCLY_SUPPRESS_UPDATE_NOTICE=true
export REDOCLY_TELEMETRY REDOCLY_SUPPRESS_UPDATE_NOTICE

result()
{
	if [ "$1" -eq 0 ]; then
		echo "openapi: 1 passed, 0 failed"
	else
		echo "openapi: 0 passed, 1 failed"
	fi
	exit "$1"
}

# shellcheck source=tests/npm_pinned.sh
. ../npm_pinned.sh
npm_pinned_ensure validate.sh || result 1

out=$(mktemp) || result 1
trap 'rm -f "$out"' EXIT
./node_modules/.bin/redocly lint --config redocly.yaml --lint-config error "$SPEC" >"$out" 2>&1
status=$?
# Drop Redocly's boxed Node.js 20 end-of-life banner; keep everything else.
sed '/╔/,/╚/d' "$out"
if [ "$status" -ne 0 ]; then
	echo "validate.sh: redocly lint found errors in docs/openapi.yaml (exit $status)" >&2
	result 1
fi
result 0
