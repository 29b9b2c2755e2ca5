#!/usr/bin/env bash
# npm run bench: a fresh production build (made like scripts/test-all.sh makes it, with the test
# fixtures' environment), then every benchmark figure in one run (bench/run.ts), on 127.0.0.1.
# Writes bench/results.json and bench/results.md and prints the table. BENCH_SKIP_BUILD=1 reuses
# an existing .next build (only when you know it is current).
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

# A thousand SSE streams need a socket each, on both ends: raise the soft open-files limit.
ulimit -n 65535 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

[ -x node_modules/.bin/next ] || npm install --no-audit --no-fund
if ! command -v "${CHROMIUM_PATH:-chromium}" >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || true
  else
    echo "chromium is missing (sudo apt-get install -y chromium): page weight and LCP will be skipped" >&2
  fi
fi

# The fixtures' environment (account secrets, the audit key) for the build and for the servers the
# benchmarks start, whether or not the build is reused.
eval "$(npx tsx scripts/print-fixture-env.ts)"

if [ "${BENCH_SKIP_BUILD:-}" = "1" ] && [ -f .next/BUILD_ID ]; then
  echo "== reusing the existing production build (BENCH_SKIP_BUILD=1)"
else
  echo "== production build"
  # Another checkout's build in the same .next (e.g. a concurrent test run) makes `next build`
  # refuse at once: wait for it rather than fail.
  for attempt in 1 2 3 4 5 6; do
    if npx next build 2>&1 | tee /tmp/mmp-bench-build.$$.log; then break; fi
    if [ "$attempt" -lt 6 ] && grep -q "Another next build process is already running" /tmp/mmp-bench-build.$$.log; then
      echo "another build is running; retrying in 20 s"; sleep 20
    else
      rm -f /tmp/mmp-bench-build.$$.log; exit 1
    fi
  done
  rm -f /tmp/mmp-bench-build.$$.log
fi

# The framework's floor (bench/floor.ts): the smallest App Router app, built with the same
# Next.js. Outside the repository: inside it, the bundler takes the repository as the project root
# (and its instrumentation.ts). node_modules is hard-linked, not copied.
export BENCH_FLOOR_DIR="${TMPDIR:-/tmp}/mmp-bench-floor"
if [ "${BENCH_SKIP_BUILD:-}" = "1" ] && [ -f "$BENCH_FLOOR_DIR/.next/BUILD_ID" ]; then
  echo "== reusing the floor app's build"
else
  echo "== floor app build"
  rm -rf "$BENCH_FLOOR_DIR" && mkdir -p "$BENCH_FLOOR_DIR"
  cp -r bench/floor-app/. "$BENCH_FLOOR_DIR/"
  cp -al node_modules "$BENCH_FLOOR_DIR/node_modules" 2>/dev/null || cp -r node_modules "$BENCH_FLOOR_DIR/node_modules"
  (cd "$BENCH_FLOOR_DIR" && npx next build > build.log 2>&1) || { tail -20 "$BENCH_FLOOR_DIR/build.log"; exit 1; }
fi

echo "== benchmarks (about 15 minutes)"
exec npx tsx --conditions=react-server bench/run.ts
