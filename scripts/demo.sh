#!/usr/bin/env bash
# The main job, runnable on a fresh Debian machine with Node 20: installs the dependencies, makes
# sure Postgres and Redis answer on 127.0.0.1 (starting or installing them when root), migrates,
# then either
#   - with ARI_URL set (a configured Asterisk): runs the engine and worker against it until Ctrl-C, or
#   - by default: runs the ARI simulator + engine + worker, places demo calls and prints what happened.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-services.sh
bash scripts/install-deps.sh
echo "[demo] migrating the database"
npx tsx scripts/migrate.ts
exec npx tsx scripts/demo.ts "$@"
