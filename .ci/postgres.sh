#!/usr/bin/env bash
# Installs (when missing) and starts a local PostgreSQL server from Debian's packages, creates
# a superuser role for the tests, and prints the admin DSN the tests read from
# SHOPSYNC_TEST_POSTGRES.
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
ver=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk '{print $1, $2}' | grep -q "^$ver main$"; then
  pg_createcluster "$ver" main >&2
fi
pg_ctlcluster "$ver" main start >&2 2>/dev/null || true
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 1
done
pg_isready -h 127.0.0.1 -p 5432 >&2
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname = 'shopsync'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"CREATE ROLE shopsync LOGIN SUPERUSER PASSWORD 'shopsync'\"" >&2
echo "postgres://shopsync:shopsync@127.0.0.1:5432/postgres?sslmode=disable"
