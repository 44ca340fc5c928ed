#!/bin/bash
# Entry point of the db-replica service: on the first start, clone db-primary with
# pg_basebackup (-R writes standby.signal and primary_conninfo, -S uses the slot
# made by primary-init.sh), then run PostgreSQL as a hot standby that streams the
# primary's WAL.  A failed clone is wiped so that the next start tries again.
set -euo pipefail
PGDATA=${PGDATA:-/var/lib/postgresql/data}
primary=${PRIMARY_HOST:-db-primary}
port=${PRIMARY_PORT:-5432}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    PGPASSWORD=$(tr -d '\n' </run/secrets/replication_password)
    export PGPASSWORD
    until pg_isready -q -h "$primary" -p "$port"; do
        echo "replica: waiting for $primary:$port"
        sleep 2
    done
    mkdir -p "$PGDATA"
    chown postgres:postgres "$PGDATA"
    chmod 0700 "$PGDATA"
    echo "replica: cloning $primary with pg_basebackup"
    if ! gosu postgres pg_basebackup -h "$primary" -p "$port" -U replicator \
        -D "$PGDATA" -X stream -S replica1 -R --checkpoint=fast; then
        echo "replica: pg_basebackup failed: data directory wiped, retrying later" >&2
        find "$PGDATA" -mindepth 1 -delete
        exit 1
    fi
    unset PGPASSWORD
fi
# a hot standby needs at least the primary's max_connections
exec docker-entrypoint.sh postgres -c hot_standby=on \
    -c max_connections="${PG_MAX_CONNECTIONS:-300}"
