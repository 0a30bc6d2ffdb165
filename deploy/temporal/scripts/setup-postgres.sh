#!/bin/sh
# Creates and migrates Temporal's two PostgreSQL databases (persistence and visibility).
# Runs in the temporalio/admin-tools image before the temporal server starts; adapted from
# temporalio/samples-server compose/scripts/setup-postgres.sh.
#
# Safe to run on every `docker compose up`: `create` ignores an existing database, `setup-schema
# -v 0.0` leaves a newer schema version alone and `update-schema` applies only missing versions
# (so it also upgrades the schema after the image tags are raised).
set -eu

PG_HOST=${POSTGRES_SEEDS:-postgresql}
PG_PORT=${DB_PORT:-5432}
PG_USER=${POSTGRES_USER:-temporal}
export SQL_PASSWORD=${SQL_PASSWORD:-${POSTGRES_PWD:-temporal}}
DB_NAME=${DBNAME:-temporal}
VISIBILITY_DB_NAME=${VISIBILITY_DBNAME:-temporal_visibility}
SCHEMA_DIR=/etc/temporal/schema/postgresql/v12

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$PG_HOST" -u "$PG_USER" -p "$PG_PORT" "$@"
}

echo 'Starting PostgreSQL schema setup...'
echo 'Waiting for PostgreSQL port to be available...'
nc -z -w 10 "$PG_HOST" "$PG_PORT"
echo 'PostgreSQL port is available'

echo "Setting up database '$DB_NAME'..."
sql_tool --db "$DB_NAME" create
sql_tool --db "$DB_NAME" setup-schema -v 0.0
sql_tool --db "$DB_NAME" update-schema -d "$SCHEMA_DIR/temporal/versioned"

echo "Setting up visibility database '$VISIBILITY_DB_NAME'..."
sql_tool --db "$VISIBILITY_DB_NAME" create
sql_tool --db "$VISIBILITY_DB_NAME" setup-schema -v 0.0
sql_tool --db "$VISIBILITY_DB_NAME" update-schema -d "$SCHEMA_DIR/visibility/versioned"

echo 'PostgreSQL schema setup complete'
