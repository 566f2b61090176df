#!/usr/bin/env bash
# Starts the local services the tests use when they are down: PostgreSQL (the store tests, and the
# CDR tests' cdr_pgsql tables) and MariaDB (the CDR tests' FreePBX table).
# Safe to run repeatedly; says what to do when it cannot start something. A service whose URL is
# set in the environment (TEST_DATABASE_URL, TEST_MYSQL_URL) is someone else's: not ours to start.
set -u

# PostgreSQL
url="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
if [ -z "${TEST_DATABASE_URL:-}" ] && command -v pg_isready >/dev/null 2>&1; then
  if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
    echo "PostgreSQL is down; starting it for the store tests..." >&2
    if [ -d /etc/postgresql ] && command -v pg_ctlcluster >/dev/null 2>&1; then
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start >/dev/null 2>&1 || true
    fi
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
  pg_isready -h 127.0.0.1 -p 5432 -q || echo "warning: PostgreSQL is not reachable at $url; the store tests will fail. Start it, or set TEST_DATABASE_URL." >&2
fi

# MariaDB
mysql_url="${TEST_MYSQL_URL:-mysql://root@127.0.0.1:3306/test}"
mysql_up() {
  if command -v mariadb-admin >/dev/null 2>&1; then
    mariadb-admin --host=127.0.0.1 --port=3306 --user=root --connect-timeout=2 ping >/dev/null 2>&1
  else
    # No client tools: a TCP connect that the server answers will do.
    timeout 2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/3306' >/dev/null 2>&1
  fi
}
if [ -z "${TEST_MYSQL_URL:-}" ] && [ -x /usr/sbin/mariadbd ]; then
  if ! mysql_up; then
    echo "MariaDB is down; starting it for the CDR tests..." >&2
    # Its socket folder lives in /run, which a reboot empties; my.cnf's `user = mysql` drops root.
    if [ ! -d /run/mysqld ] && id mysql >/dev/null 2>&1; then install -d -o mysql -g mysql /run/mysqld; fi
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd >/dev/null 2>&1 || true
    for _ in $(seq 1 30); do mysql_up && break; sleep 1; done
  fi
  mysql_up || echo "warning: MariaDB is not reachable at $mysql_url; the CDR tests will fail. Start it (start-stop-daemon --start --background --exec /usr/sbin/mariadbd), or set TEST_MYSQL_URL." >&2
fi
exit 0
