#!/bin/bash
# Entry point of the Odoo containers of the production profile (see odoo.prod.conf).
#   huatai-prod-entrypoint http|cron|init [more odoo options]
# Runs as root only to read the docker secrets (bind-mounted files that may be
# readable by root only), writes the effective configuration for the user odoo,
# then runs Odoo as odoo.
set -euo pipefail

role=${1:-http}
shift || true
template=/etc/odoo/huatai-prod.conf
conf=/run/huatai-odoo.conf
db=${HUATAI_DB:-huatai}
modules=huatai_complaints,huatai_reports

secret() {
    if [ ! -r "/run/secrets/$1" ]; then
        echo "prod-entrypoint: missing secret $1 (deploy/secrets/README.md)" >&2
        exit 1
    fi
    tr -d '\n' <"/run/secrets/$1"
}

install -o odoo -g odoo -m 0600 "$template" "$conf"
{
    echo
    echo "admin_passwd = $(secret odoo_admin_password)"
    echo "db_password = $(secret db_password)"
    echo "db_name = $db"
    echo "dbfilter = ^$db\$"
} >>"$conf"
chown odoo:odoo /var/lib/odoo

as_odoo() {
    exec setpriv --reuid=odoo --regid=odoo --init-groups -- "$@"
}

case "$role" in
http)
    as_odoo odoo -c "$conf" "$@"
    ;;
cron)
    as_odoo odoo -c "$conf" --no-http --workers=0 \
        --max-cron-threads="${HUATAI_CRON_THREADS:-2}" "$@"
    ;;
init)
    export PGPASSWORD
    PGPASSWORD=$(secret db_password)
    host=$(sed -n 's/^db_host *= *//p' "$template")
    if psql -h "$host" -U odoo -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
        echo "prod-entrypoint: updating $modules in $db"
        as_odoo odoo -c "$conf" -u "$modules" --stop-after-init --no-http --workers=0 "$@"
    fi
    echo "prod-entrypoint: creating $db with $modules (no demo data, zh_CN)"
    if ! setpriv --reuid=odoo --regid=odoo --init-groups -- \
        odoo -c "$conf" -i "$modules" --load-language=zh_CN \
        --stop-after-init --no-http --workers=0 "$@"; then
        echo "prod-entrypoint: creating $db failed: dropping the half-made database" >&2
        dropdb -h "$host" -U odoo --if-exists "$db"
        exit 1
    fi
    ;;
*)
    echo "prod-entrypoint: unknown role $role (http, cron or init)" >&2
    exit 2
    ;;
esac
