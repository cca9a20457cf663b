#!/usr/bin/env bash
# Backup of a running cluster, taken online: pg_dump of Temporal's two databases (each dump is one
# consistent snapshot), then the artifact bucket through the S3 API, then sohoa's data folder (users,
# notice outbox). The databases first: every object a workflow refers to was written before the
# workflow recorded it, so the bucket copied later holds all of them.
# Usage: scripts/cluster/backup.sh [DIR]   (default $SOHOA_CLUSTER_DIR/backups/<time>); prints DIR.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
out=${1:-$CLUSTER_DIR/backups/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"; out=$(cd "$out" && pwd)
t0=$SECONDS
for db in temporal temporal_visibility; do
  PGPASSWORD="$TEMPORAL_DB_PASSWORD" "$PG_BIN/pg_dump" -h 127.0.0.1 -p "$PG_PORT" -U "$TEMPORAL_DB_USER" \
    --format=custom --compress=6 --file="$out/$db.dump" "$db"
done
# shellcheck disable=SC2046
(cd "$ROOT" && env $(sohoa_env) node --import tsx scripts/cluster/bucket.ts dump "$out/bucket" > "$out/bucket.log")
tar -C "$SOHOA_DIR" -czf "$out/sohoa-data.tgz" .
cat > "$out/backup.json" <<JSON
{"at":"$(date -u +%FT%TZ)","temporalServer":"$(cat "$BIN/.temporal-server.version")","namespace":"$NAMESPACE","seconds":$((SECONDS - t0)),
 "bytes":{"temporal":$(stat -c %s "$out/temporal.dump"),"temporal_visibility":$(stat -c %s "$out/temporal_visibility.dump"),"bucket":$(du -sb "$out/bucket" | cut -f1),"sohoaData":$(stat -c %s "$out/sohoa-data.tgz")}}
JSON
echo "$out"
