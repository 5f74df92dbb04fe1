#!/usr/bin/env bash
# Make sure the servers the tests talk to answer on loopback: PostgreSQL 5432, Redis 6379,
# RabbitMQ 5672, MariaDB 3306. One that does not answer is started with the machine's own
# installation (as root); one that is not installed, or cannot be started, gets a warning and
# the run goes on: the tests that need it then fail saying which server is missing.
# Usage: bash scripts/services.sh   (scripts/test.sh calls it before pytest)
set -uo pipefail

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() { # port seconds
  local i
  for ((i = 0; i < $2 * 4; i++)); do
    answers "$1" && return 0
    sleep 0.25
  done
  return 1
}

warn() { echo "services: warning: $*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo -n "$@"; else return 1; fi
}

ensure() { # name port seconds installed-check start-command...
  local name=$1 port=$2 seconds=$3 check=$4
  shift 4
  if answers "$port"; then return 0; fi
  if ! command -v "$check" >/dev/null 2>&1; then
    warn "$name is not installed and nothing answers on 127.0.0.1:$port; the tests that need it will fail"
    return 0
  fi
  echo "services: starting $name" >&2
  if ! as_root "$@" >/dev/null 2>&1; then
    warn "could not start $name (as root): $*"
    return 0
  fi
  wait_port "$port" "$seconds" || warn "$name was started but does not answer on 127.0.0.1:$port after ${seconds}s"
}

pg_start() { pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start; }
redis_start() {
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
}

export -f pg_start redis_start
ensure PostgreSQL 5432 30 pg_ctlcluster bash -c pg_start
ensure Redis 6379 15 redis-server bash -c redis_start
ensure RabbitMQ 5672 90 rabbitmq-server rabbitmq-server -detached
ensure MariaDB 3306 30 mariadbd start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
exit 0
