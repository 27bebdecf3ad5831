#!/bin/sh
# Runs every *.test.mjs here: threadstore's share pages opened in Debian's
# headless Chromium (/usr/bin/chromium, package chromium), driven through
# the DevTools protocol by puppeteer-core, which never downloads a browser
# of its own, and checked with axe-core; both pinned in package.json and
# package-lock.json. Screenshots go to var/test/artifacts/browser.
# Needs scripts/test's environment (TS_BASE_URL, TS_CONFIG, ...). A browser
# that cannot start fails the run.
set -u

cd "$(dirname "$0")" || exit 1

# shellcheck source=tests/npm_pinned.sh
. ../npm_pinned.sh
# puppeteer-core has no browser to fetch; say so to anything that asks.
PUPPETEER_SKIP_DOWNLOAD=1
export PUPPETEER_SKIP_DOWNLOAD
npm_pinned_ensure run.sh || exit 1
if [ ! -x "${TS_CHROMIUM:-/usr/bin/chromium}" ]; then
	echo "run.sh: ${TS_CHROMIUM:-/usr/bin/chromium} is missing (apt-get install chromium)" >&2
	exit 1
fi
exec node --test ./*.test.mjs
