#!/usr/bin/env bash
# The whole test suite, as CI runs it: static checks, unit tests, in-process middle tests, a
# production build, integration tests (real simulator + real app server over HTTP) and browser
# tests (Debian Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

[ -x node_modules/.bin/next ] || npm install --no-audit --no-fund
bash scripts/ensure-system.sh

mkdir -p .reports
echo "== typecheck + lint"
npx tsc --noEmit -p .
npx eslint . --max-warnings 0
npm run --silent layers

echo "== unit tests"
npx vitest run --project unit --reporter=default --reporter=json --outputFile.json=.reports/unit.json

echo "== middle tests (reset core, edge and venue guard in-process: real simulator, SQLite, no build)"
npx vitest run --project middle --reporter=default --reporter=json --outputFile.json=.reports/middle.json

echo "== production build (with the fixture secrets in its environment)"
eval "$(npx tsx scripts/print-fixture-env.ts)"
npx next build

echo "== integration tests"
npx vitest run --project integration --reporter=default --reporter=json --outputFile.json=.reports/integration.json

echo "== browser tests"
PLAYWRIGHT_JSON_OUTPUT_NAME=.reports/e2e.json npx playwright test --reporter=list,json

node scripts/summarise-tests.mjs .reports/unit.json .reports/middle.json .reports/integration.json .reports/e2e.json
