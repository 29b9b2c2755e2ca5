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
# Each stage's header says how far into this script it starts ("+95 s"), so a CI log shows where
# the time goes.
stage() { echo "== [+${SECONDS} s] $*"; }

stage "typecheck + lint"
npx tsc --noEmit -p .
npx eslint . --max-warnings 0
npm run --silent layers

stage "unit tests"
npx vitest run --project unit --reporter=default --reporter=json --outputFile.json=.reports/unit.json

stage "middle tests (reset core, edge and venue guard in-process: real simulator, SQLite, no build)"
npx vitest run --project middle --reporter=default --reporter=json --outputFile.json=.reports/middle.json

stage "production build (with the fixture secrets in its environment)"
eval "$(npx tsx scripts/print-fixture-env.ts)"
npx next build

stage "integration tests that run alone (load and two-process races)"
npx vitest run --project integration-solo --reporter=default --reporter=json \
  --outputFile.json=.reports/integration-solo.json

stage "integration tests, three files at a time"
npx vitest run --project integration --reporter=default --reporter=json \
  --outputFile.json=.reports/integration.json

stage "browser tests"
PLAYWRIGHT_JSON_OUTPUT_NAME=.reports/e2e.json npx playwright test --reporter=list,json

stage "done"
node scripts/summarise-tests.mjs .reports/unit.json .reports/middle.json \
  .reports/integration-solo.json .reports/integration.json .reports/e2e.json
