#!/usr/bin/env bash
# make up-cluster: the production profile on this machine, every port on 127.0.0.1, everything under
# $SOHOA_CLUSTER_DIR (default ./data/cluster): PostgreSQL 15, Temporal server on it (persistence and
# SQL visibility), its Web UI, MinIO, two sohoa workers, the API, and the demo province.
# Idempotent: a second run starts only what is not running. Stop with make down-cluster.
# SOHOA_CLUSTER_DEMO=0 leaves the demo out; SOHOA_CLUSTER_SKIP_INSTALL=1 skips the install step.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$HERE/env.sh"
t0=$SECONDS
[ "${SOHOA_CLUSTER_SKIP_INSTALL:-0}" = 1 ] || "$HERE/install.sh"
svc() { "$HERE/services.sh" "$@"; }
step() { echo "[$((SECONDS - t0))s] $*"; }

step "PostgreSQL 15 on 127.0.0.1:$PG_PORT ($PGDATA)"; svc start postgres
step "Temporal schemas (temporal-sql-tool: persistence and visibility)"; svc start schemas
step "Temporal server on 127.0.0.1:$TEMPORAL_GRPC_PORT"; svc start temporal
step "Temporal Web UI on 127.0.0.1:$UI_PORT"; svc start ui
step "MinIO on 127.0.0.1:$MINIO_PORT"; svc start minio
step "namespace $NAMESPACE, search attributes, bucket, workflow bundle"
# shellcheck disable=SC2046
(cd "$ROOT" && env $(sohoa_env) node --import tsx scripts/cluster/setup.ts)
step "two workers and the API"; svc start worker-1 worker-2 api
if [ "${SOHOA_CLUSTER_DEMO:-1}" != 0 ]; then
  # shellcheck disable=SC2046
  (cd "$ROOT" && env $(sohoa_env) node --import tsx scripts/cluster/demo.ts)
fi
step "ready"
cat <<EOF

sohoa (cụm Temporal trên PostgreSQL) đang chạy — dừng bằng: make down-cluster
  Bảng điều khiển : http://127.0.0.1:$API_PORT_CLUSTER/   (API: /api, OpenAPI: /docs, /health/ready, /metrics)
  Temporal gRPC   : 127.0.0.1:$TEMPORAL_GRPC_PORT   namespace $NAMESPACE (lưu $RETENTION)
  Temporal Web UI : http://127.0.0.1:$UI_PORT/namespaces/$NAMESPACE/workflows
  MinIO           : http://127.0.0.1:$MINIO_PORT (console http://127.0.0.1:$MINIO_CONSOLE_PORT, khóa trong $SECRETS)
  PostgreSQL      : 127.0.0.1:$PG_PORT (temporal, temporal_visibility)
  Worker          : $(for n in 1 2; do printf 'http://127.0.0.1:%s/health/ready ' $((B + 310 + n)); done)
  Số đo           : Temporal http://127.0.0.1:$TEMPORAL_METRICS_PORT/metrics, SDK $(for n in 1 2; do printf 'http://127.0.0.1:%s/metrics ' $((B + 320 + n)); done)
  Nhật ký         : $LOGS
EOF
