#!/usr/bin/env bash
# Installs the system packages the test suite needs when they are missing (Debian's Chromium for
# the browser tests: Playwright's own browser download is not used). Needs root for apt-get.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)

if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing system packages: ${need[*]} — install them with: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "installing system packages: ${need[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
