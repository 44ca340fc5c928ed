#!/bin/bash
# /docker-entrypoint-initdb.d/10-replication.sh of db-primary: runs once, when the
# data volume is created.  A role for the standby, a physical replication slot (the
# primary keeps the WAL the standby has not received yet) and the pg_hba.conf rule
# for replication connections from the compose network.
set -euo pipefail
psql -v ON_ERROR_STOP=1 -v pw="$REPLICATION_PASSWORD" \
    --username "$POSTGRES_USER" --dbname postgres <<'SQL'
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD :'pw';
SELECT pg_create_physical_replication_slot('replica1');
SQL
echo "host replication replicator all scram-sha-256" >>"$PGDATA/pg_hba.conf"
