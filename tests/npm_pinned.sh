# shellcheck shell=sh
# Sourced by the test steps that run an npm package (tests/openapi,
# tests/openai): installs the directory's pinned devDependencies with
# `npm ci` (exact versions from package-lock.json, from the npm registry)
# unless node_modules already holds exactly them. Run from that directory.

# Whether every devDependency is installed at exactly the pinned version.
npm_pinned_installed()
{
	[ -f node_modules/.package-lock.json ] || return 1
	# find -newer: POSIX sh's test has no -nt.
	[ -z "$(find package-lock.json -newer node_modules/.package-lock.json)" ] || return 1
	node -e '
		const fs = require("fs");
		const want = JSON.parse(fs.readFileSync("package.json", "utf8")).devDependencies || {};
		for (const [name, version] of Object.entries(want)) {
			let have;
			try {
				have = JSON.parse(fs.readFileSync("node_modules/" + name + "/package.json", "utf8")).version;
			} catch (e) {
				process.exit(1);
			}
			if (have !== version)
				process.exit(1);
		}
	'
}

# Returns 0 when the pinned packages are there (installing them if needed).
npm_pinned_ensure()
{
	if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
		echo "$1: node and npm are needed (Debian: apt-get install nodejs npm)" >&2
		return 1
	fi
	npm_pinned_installed && return 0
	echo "$1: installing the pinned packages (npm ci)"
	if ! npm ci --no-audit --no-fund; then
		echo "$1: npm ci failed" >&2
		return 1
	fi
}
