#!/bin/bash
# Entry point of the db-primary service: the official postgres image's own entry
# point, with the replication password (a docker secret, readable by root only)
# handed to the init script 10-replication.sh, which runs as postgres.
set -euo pipefail
REPLICATION_PASSWORD=$(tr -d '\n' </run/secrets/replication_password)
export REPLICATION_PASSWORD
exec docker-entrypoint.sh "$@"
