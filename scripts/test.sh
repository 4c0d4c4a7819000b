#!/usr/bin/env bash
# The test command, runnable on a fresh Debian machine with Node 20: installs the dependencies,
# makes sure Postgres and Redis answer on 127.0.0.1 (starting or installing them when root), checks
# lint, formatting and types, then runs every test. Its last line is "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-services.sh
bash scripts/install-deps.sh
echo "[test] lint and format"
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --check .; exit 1; }
echo "[test] type check"
npx tsc --noEmit -p .
echo "[test] mocha"
exec npx mocha "$@"
