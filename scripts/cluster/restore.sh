#!/usr/bin/env bash
# Restores a backup made by backup.sh into this cluster, replacing everything it holds: every
# process stops, PostgreSQL's data folder, the bucket and sohoa's data folder are wiped, the two
# databases are restored with pg_restore (then brought to this server's schema version, a no-op when
# it is the same), the bucket and the data folder are copied back, and the cluster starts again.
# Books carry on from where the backup saw them: their timers and pending work are in the database.
# Usage: scripts/cluster/restore.sh --yes DIR
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ "${1:-}" = --yes ] && [ -n "${2:-}" ] || { echo "usage: $0 --yes BACKUP_DIR (replaces everything in $CLUSTER_DIR)" >&2; exit 2; }
src=$(cd "$2" && pwd)
for f in temporal.dump temporal_visibility.dump bucket/index.json sohoa-data.tgz; do
  [ -e "$src/$f" ] || { echo "$src/$f is missing: not a backup of scripts/cluster/backup.sh" >&2; exit 2; }
done
t0=$SECONDS
for ((i = ${#ALL[@]} - 1; i >= 0; i--)); do stop "${ALL[i]}"; done
rm -rf "$PGDATA" "$MINIO_DIR/data" "$SOHOA_DIR"; mkdir -p "$SOHOA_DIR"
start_postgres
for db in temporal temporal_visibility; do
  psql_su -c "CREATE DATABASE $db OWNER $TEMPORAL_DB_USER"
  PGPASSWORD="$TEMPORAL_DB_PASSWORD" "$PG_BIN/pg_restore" -h 127.0.0.1 -p "$PG_PORT" -U "$TEMPORAL_DB_USER" \
    --dbname="$db" --no-owner --exit-on-error "$src/$db.dump"
done
schemas
start_minio
# shellcheck disable=SC2046
(cd "$ROOT" && env $(sohoa_env) node --import tsx scripts/cluster/bucket.ts load "$src/bucket")
tar -C "$SOHOA_DIR" -xzf "$src/sohoa-data.tgz"
for s in temporal ui worker-1 worker-2 api; do start "$s"; done
echo "restored $src in $((SECONDS - t0)) s"
