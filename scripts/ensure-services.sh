#!/usr/bin/env bash
# Starts the local services the tests use when they are down (PostgreSQL for the store tests).
# Safe to run repeatedly; says what to do when it cannot start something.
set -u
url="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
if [ -n "${TEST_DATABASE_URL:-}" ]; then exit 0; fi   # someone else's server: not ours to start
if command -v pg_isready >/dev/null 2>&1; then
  if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
    echo "PostgreSQL is down; starting it for the store tests..." >&2
    if [ -d /etc/postgresql ] && command -v pg_ctlcluster >/dev/null 2>&1; then
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start >/dev/null 2>&1 || true
    fi
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
  pg_isready -h 127.0.0.1 -p 5432 -q || echo "warning: PostgreSQL is not reachable at $url; the store tests will fail. Start it, or set TEST_DATABASE_URL." >&2
fi
exit 0
