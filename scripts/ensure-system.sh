#!/usr/bin/env bash
# Installs and starts the system services the test suite needs when they are missing: Debian's
# Chromium and its headless shell for the browser tests (Playwright's own browser download is not
# used; tests/support/chromium.ts prefers the shell, twice as fast per page here) and PostgreSQL
# for the audit/database tests. Needs root for apt-get; prints what to do otherwise.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
# Only faster: installed with the rest as root, else the tests use chromium.
if [ ! -x /usr/lib/chromium/chromium-headless-shell ]; then
  if [ "$(id -u)" -eq 0 ]; then need+=(chromium-headless-shell); else
    echo "note: sudo apt-get install -y chromium-headless-shell makes the browser tests faster" >&2
  fi
fi

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing system packages: ${need[*]} — install them with: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  echo "installing system packages: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# PostgreSQL: start the Debian cluster and make a test role that may create databases (each test
# file creates and drops its own database). Loopback only.
cluster=$(pg_lsclusters --no-header 2>/dev/null | awk 'NR==1 {print $1" "$2}')
if [ -z "$cluster" ]; then
  echo "no PostgreSQL cluster found (pg_lsclusters)" >&2
  exit 1
fi
if ! pg_lsclusters --no-header | awk 'NR==1 {print $4}' | grep -q online; then
  if [ "$(id -u)" -eq 0 ]; then pg_ctlcluster $cluster start; else echo "start PostgreSQL: sudo pg_ctlcluster $cluster start" >&2; exit 1; fi
fi
if [ "$(id -u)" -eq 0 ]; then
  su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='mmp_test'\"" | grep -q 1 ||
    su postgres -c "psql -qc \"CREATE ROLE mmp_test LOGIN CREATEDB PASSWORD 'mmp_test'\""
fi
