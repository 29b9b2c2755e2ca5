#!/usr/bin/env bash
# Demo mode: the production build served against the built-in exchange simulator with fictional
# accounts (MMP_DEMO=1 ignores any ./mmp.config.json). Open http://127.0.0.1:${PORT:-3000}.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 MMP_DEMO=1
unset MMP_CONFIG
[ -x node_modules/.bin/next ] || npm install --no-audit --no-fund
# The build's own output (~60 lines) goes to a file, shown only if it fails: the terminal ends
# with what a new user needs, the URL and the demo users.
build_log=$(mktemp)
echo "  Building the app (about a minute)…"
npx next build > "$build_log" 2>&1 || { cat "$build_log"; exit 1; }
rm -f "$build_log"
echo
echo "  MMP risk desk (demo) on http://127.0.0.1:${PORT:-3000}  — Ctrl-C stops it"
echo
exec npx next start -H "${HOST:-127.0.0.1}" -p "${PORT:-3000}"
