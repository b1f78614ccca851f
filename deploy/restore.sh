#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into an empty database and media directory.
#
#   deploy/restore.sh BACKUP  TARGET_DATABASE_URL  [TARGET_MEDIA_ROOT]
#
# The target database must exist and be empty (createdb -O tuquan tuquan). The
# restore is one transaction: it lands whole or not at all. Then, with the same
# FIELD_ENCRYPTION_KEY as the backed-up portal, run `manage.py migrate` (a no-op
# unless the code is newer) and start the services (docs/deployment.md).
set -euo pipefail

backup=${1:?usage: restore.sh BACKUP TARGET_DATABASE_URL [TARGET_MEDIA_ROOT]}
database=${2:?usage: restore.sh BACKUP TARGET_DATABASE_URL [TARGET_MEDIA_ROOT]}
media=${3:-}

(cd "$backup" && sha256sum --check --quiet SHA256SUMS)

tables=$(psql "$database" -tAc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
if [ "$tables" != "0" ]; then
    echo "restore.sh: the target database is not empty ($tables tables); refusing" >&2
    exit 1
fi

pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
    --dbname="$database" "$backup/database.dump"
psql "$database" -q -c "ANALYZE"

if [ -n "$media" ] && [ -f "$backup/media.tar.gz" ]; then
    mkdir -p "$media"
    tar -C "$media" -xzf "$backup/media.tar.gz"
fi
echo "restored $backup"
