#!/bin/sh
# Runs every *.test.mjs here (sdk.test.mjs, conversations.test.mjs): threadstore's /v1 surface
# driven by the official openai npm package, pinned in package.json and
# package-lock.json (6.49.0: the newest release that still runs on Node.js
# 20 and still has beta.threads).
# Needs scripts/test's environment (TS_BASE_URL, TS_JWT_SECRET, ...).
# Installs the pinned package with `npm ci` when node_modules does not match.
set -u

cd "$(dirname "$0")" || exit 1

# shellcheck source=tests/npm_pinned.sh
. ../npm_pinned.sh
npm_pinned_ensure run.sh || exit 1
# No telemetry of any kind exists in the SDK; keep it off any proxy anyway.
unset OPENAI_API_KEY OPENAI_BASE_URL OPENAI_ORG_ID OPENAI_PROJECT_ID
exec node --test ./*.test.mjs
