#!/usr/bin/env bash
# Make sure PostgreSQL answers on 127.0.0.1:5432 and Redis on 127.0.0.1:6379,
# with Redis in maxmemory-policy noeviction (BullMQ loses jobs otherwise).
#
# Used by `npm run demo`, `npm test` and CI, so it must be safe to run again
# and again: services that already answer are left alone. Only as root does
# it install (Debian packages) or start anything; otherwise it says what to
# start and fails, rather than half-working with sudo prompts.
#
# Env: ENSURE_SERVICES_TIMEOUT  seconds to wait for both to answer (default 30)
set -euo pipefail

readonly PgHost=127.0.0.1 PgPort=5432
readonly RedisHost=127.0.0.1 RedisPort=6379
readonly WaitSeconds="${ENSURE_SERVICES_TIMEOUT:-30}"

say() { printf '[services] %s\n' "$*"; }
die() { printf '[services] %s\n' "$*" >&2; exit 1; }

# --- probes -----------------------------------------------------------------
# pg_isready/redis-cli when installed; a raw TCP probe otherwise, so a
# machine that runs the services elsewhere (another container, Homebrew) does
# not need the client tools just to pass this check.

tcp_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

pg_up() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$PgHost" -p "$PgPort" -t 2
  else
    tcp_open "$PgHost" "$PgPort"
  fi
}

# redis_cmd WORD... prints the reply's value lines (redis-cli --raw style).
redis_cmd() {
  if command -v redis-cli >/dev/null 2>&1; then
    timeout 3 redis-cli -h "$RedisHost" -p "$RedisPort" --raw "$@" 2>/dev/null
  else
    # Inline protocol: one line in; keep only value lines of the reply.
    timeout 3 bash -c '
      exec 3<>"/dev/tcp/$1/$2"; shift 2
      printf "%s\r\n" "$*" >&3
      IFS= read -r line <&3; line=${line%$'"'\r'"'}
      case $line in
        "*"*) n=${line#\*}
              for ((i = 0; i < n; i++)); do
                IFS= read -r _ <&3; IFS= read -r v <&3; printf "%s\n" "${v%$'"'\r'"'}"
              done ;;
        "+"*|":"*) printf "%s\n" "${line:1}" ;;
        *) printf "%s\n" "$line"; exit 1 ;;
      esac' _ "$RedisHost" "$RedisPort" "$@" 2>/dev/null
  fi
}

redis_up() { [[ "$(redis_cmd PING || true)" == PONG ]]; }

# --- install and start (root only) -------------------------------------------

apt_updated=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "cannot install $*: no apt-get on this system; install and start it yourself"
  if [[ $apt_updated -eq 0 ]]; then
    say "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    apt_updated=1
  fi
  say "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

latest_pg_version() { ls /etc/postgresql 2>/dev/null | sort -V | tail -1; }

start_postgres() {
  local fresh=0 version hba
  if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    apt_install postgresql
    fresh=1
  fi
  version="$(latest_pg_version)"
  if [[ -z "$version" ]]; then
    # Package present but its cluster was dropped: recreate the default one.
    version="$(ls /usr/lib/postgresql | sort -V | tail -1)"
    say "creating PostgreSQL $version cluster main"
    pg_createcluster "$version" main >/dev/null
    fresh=1
  fi
  if [[ $fresh -eq 1 ]]; then
    # The demo and tests connect as postgres over TCP without a password.
    # Only a cluster this script just created is opened up, and only for
    # loopback: an existing site's authentication is never touched.
    hba="/etc/postgresql/$version/main/pg_hba.conf"
    sed -i -E 's#^(host[[:space:]]+all[[:space:]]+all[[:space:]]+(127\.0\.0\.1/32|::1/128)[[:space:]]+)[a-z0-9-]+#\1trust#' "$hba"
    say "PostgreSQL $version freshly installed: trust auth for 127.0.0.1/::1 in $hba"
  fi
  if pg_ctlcluster "$version" main status >/dev/null 2>&1; then
    if [[ $fresh -eq 1 ]]; then pg_ctlcluster "$version" main reload; fi
    say "PostgreSQL $version/main already running; waiting for it to answer"
  else
    say "starting PostgreSQL $version/main"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
  fi
}

start_redis() {
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  mkdir -p /var/lib/redis /var/log/redis
  say "starting redis-server on $RedisHost:$RedisPort"
  # No persistence: this instance serves the demo/tests/CI, whose data is
  # disposable; production Redis is configured by its operator (see docker/).
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$RedisPort" \
    --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
}

# --- main -----------------------------------------------------------------------

pg_ok=0 redis_ok=0
pg_up && pg_ok=1
redis_up && redis_ok=1

if [[ $pg_ok -eq 0 || $redis_ok -eq 0 ]]; then
  if [[ $(id -u) -ne 0 ]]; then
    [[ $pg_ok -eq 1 ]] || say "PostgreSQL is not answering on $PgHost:$PgPort: start it (e.g. sudo pg_ctlcluster <version> main start, or docker compose -f docker/docker-compose.yml up -d postgres)" >&2
    [[ $redis_ok -eq 1 ]] || say "Redis is not answering on $RedisHost:$RedisPort: start it (e.g. sudo systemctl start redis-server, or docker compose -f docker/docker-compose.yml up -d redis)" >&2
    die "run this script as root to install/start them automatically, or start them yourself and retry"
  fi
  if [[ $pg_ok -eq 0 ]]; then start_postgres; fi
  if [[ $redis_ok -eq 0 ]]; then start_redis; fi
fi

deadline=$((SECONDS + WaitSeconds))
until pg_up; do
  ((SECONDS < deadline)) || die "PostgreSQL still not answering on $PgHost:$PgPort after ${WaitSeconds}s (see /var/log/postgresql/)"
  sleep 1
done
say "PostgreSQL up on $PgHost:$PgPort"
until redis_up; do
  ((SECONDS < deadline)) || die "Redis still not answering on $RedisHost:$RedisPort after ${WaitSeconds}s (see /var/log/redis/)"
  sleep 1
done
say "Redis up on $RedisHost:$RedisPort"

policy="$(redis_cmd CONFIG GET maxmemory-policy | sed -n 2p)"
if [[ "$policy" != noeviction ]]; then
  redis_cmd CONFIG SET maxmemory-policy noeviction >/dev/null \
    || die "could not set Redis maxmemory-policy to noeviction (was '${policy:-unknown}')"
  say "Redis maxmemory-policy was '${policy:-unknown}': set to noeviction (BullMQ needs it)"
else
  say "Redis maxmemory-policy noeviction"
fi
