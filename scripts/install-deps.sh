#!/usr/bin/env bash
# Installs the npm dependencies when node_modules is missing or older than the lock file.
# `npm ci` first; npm 11 may refuse it ("Missing: ... from lock file") because it leaves other
# platforms' optional packages out of the lock it writes (npm/cli#4828), and then `npm install`
# installs the same locked versions.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f node_modules/.package-lock.json ] && [ ! package-lock.json -nt node_modules/.package-lock.json ]; then
  exit 0
fi
echo "[deps] installing dependencies"
if ! npm ci --no-audit --no-fund --loglevel=error 2>/tmp/tongdai-npm-ci.err; then
  if grep -q "can only install packages when your package.json and package-lock.json" /tmp/tongdai-npm-ci.err; then
    echo "[deps] npm ci refused the lock file (npm/cli#4828); installing the locked versions with npm install"
    npm install --no-audit --no-fund --loglevel=error
  else
    cat /tmp/tongdai-npm-ci.err >&2
    exit 1
  fi
fi
