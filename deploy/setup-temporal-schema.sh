#!/bin/sh
# Creates Temporal's two databases on PostgreSQL and brings their schemas to the version
# the admin-tools image ships. Safe to run again: existing databases are kept and only
# missing schema versions are applied.
set -eu
schema=/etc/temporal/schema/postgresql/v12
for db in temporal temporal_visibility; do
  temporal-sql-tool --plugin "$SQL_PLUGIN" --ep "$SQL_HOST" -p "$SQL_PORT" \
    -u "$POSTGRES_USER" --pw "$POSTGRES_PASSWORD" --db "$db" create-database || true
done
temporal-sql-tool --plugin "$SQL_PLUGIN" --ep "$SQL_HOST" -p "$SQL_PORT" \
  -u "$POSTGRES_USER" --pw "$POSTGRES_PASSWORD" --db temporal setup-schema -v 0.0
temporal-sql-tool --plugin "$SQL_PLUGIN" --ep "$SQL_HOST" -p "$SQL_PORT" \
  -u "$POSTGRES_USER" --pw "$POSTGRES_PASSWORD" --db temporal update-schema -d "$schema/temporal/versioned"
temporal-sql-tool --plugin "$SQL_PLUGIN" --ep "$SQL_HOST" -p "$SQL_PORT" \
  -u "$POSTGRES_USER" --pw "$POSTGRES_PASSWORD" --db temporal_visibility setup-schema -v 0.0
temporal-sql-tool --plugin "$SQL_PLUGIN" --ep "$SQL_HOST" -p "$SQL_PORT" \
  -u "$POSTGRES_USER" --pw "$POSTGRES_PASSWORD" --db temporal_visibility update-schema -d "$schema/visibility/versioned"
