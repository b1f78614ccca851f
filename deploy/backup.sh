#!/usr/bin/env bash
# A consistent backup of tuquan: the database (pg_dump, one snapshot) and the media.
#
#   deploy/backup.sh BACKUP_DIRECTORY
#
# Reads DATABASE_URL and MEDIA_ROOT from the environment (source /etc/tuquan/tuquan.env).
# Writes BACKUP_DIRECTORY/tuquan-YYYYmmddTHHMMSSZ/ with database.dump (pg_dump's
# custom format), media.tar.gz (local media only; S3 media: see docs/deployment.md)
# and SHA256SUMS. The dump is taken in one transaction snapshot while the portal
# runs, so reports, notices and ledger rows in it agree with each other.
#
# Never in a backup: FIELD_ENCRYPTION_KEY. Reporters' contacts are sealed with it,
# so a stolen backup reveals no contact; keep the key apart (docs/deployment.md).
set -euo pipefail
umask 077

target_root=${1:?usage: backup.sh BACKUP_DIRECTORY}
: "${DATABASE_URL:?DATABASE_URL must be set}"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
target="$target_root/tuquan-$stamp"
mkdir -p "$target.partial"

pg_dump --format=custom --compress=6 --no-owner --no-privileges \
    --file="$target.partial/database.dump" "$DATABASE_URL"

if [ "${MEDIA_STORAGE:-local}" = "local" ] && [ -d "${MEDIA_ROOT:-}" ]; then
    tar -C "$MEDIA_ROOT" -czf "$target.partial/media.tar.gz" .
fi

(cd "$target.partial" && sha256sum -- * > SHA256SUMS)
# Only a complete backup gets its final name.
mv "$target.partial" "$target"
echo "$target"
