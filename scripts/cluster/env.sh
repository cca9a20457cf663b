# Sourced by every cluster script: where the cluster lives, its ports and its secrets.
# SOHOA_CLUSTER_DIR (default ./data/cluster) holds everything; SOHOA_CLUSTER_PORT_BASE (default 17000)
# places every port on 127.0.0.1, so a second cluster (the tests') can run beside the first.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CLUSTER_DIR="$(mkdir -p "${SOHOA_CLUSTER_DIR:-$ROOT/data/cluster}" && cd "${SOHOA_CLUSTER_DIR:-$ROOT/data/cluster}" && pwd)"
BIN="$ROOT/.tools/bin"
# The project's pinned Node (scripts/install-tools.sh node), as make gives it, also when run by hand.
if [ -x "$ROOT/.tools/node/bin/node" ]; then export PATH="$ROOT/.tools/node/bin:$PATH"; fi
PG_BIN=/usr/lib/postgresql/15/bin
B=${SOHOA_CLUSTER_PORT_BASE:-17000}
export PG_PORT=$((B + 432))
export TEMPORAL_GRPC_PORT=$((B + 233)) TEMPORAL_HTTP_PORT=$((B + 243)) TEMPORAL_HISTORY_PORT=$((B + 234))
export TEMPORAL_MATCHING_PORT=$((B + 235)) TEMPORAL_WORKER_PORT=$((B + 239)) TEMPORAL_METRICS_PORT=$((B + 290))
export TEMPORAL_MEMBERSHIP_FRONTEND=$((B + 933)) TEMPORAL_MEMBERSHIP_HISTORY=$((B + 934))
export TEMPORAL_MEMBERSHIP_MATCHING=$((B + 935)) TEMPORAL_MEMBERSHIP_WORKER=$((B + 939)) TEMPORAL_PPROF_PORT=$((B + 936))
export UI_PORT=$((B + 280)) MINIO_PORT=$((B + 900)) MINIO_CONSOLE_PORT=$((B + 901)) API_PORT_CLUSTER=$((B + 300))
# Each worker i (1, 2) answers /health/* on B+310+i and serves the SDK's Prometheus metrics on B+320+i.
WORKERS=(worker-1 worker-2)
export NAMESPACE=${SOHOA_CLUSTER_NAMESPACE:-quangnam}
# Closed books stay listed (reports count them) and auditable for the retention: longer than the project.
export RETENTION=${SOHOA_CLUSTER_RETENTION:-1095d}
# History shards are fixed for the life of the cluster; 64 serve a province with room (see docs/operations.md).
export NUM_HISTORY_SHARDS=${SOHOA_CLUSTER_SHARDS:-64}
export BUCKET=sohoa
RUN="$CLUSTER_DIR/run" LOGS="$CLUSTER_DIR/logs" SOHOA_DIR="$CLUSTER_DIR/sohoa" MINIO_DIR="$CLUSTER_DIR/minio"
mkdir -p "$RUN" "$LOGS" "$SOHOA_DIR" "$MINIO_DIR"

# PostgreSQL refuses to run as root: as root it runs as the `postgres` user, and its data folder must
# be reachable by that user (it is not when the checkout sits under a private home).
if [ "$(id -u)" -eq 0 ]; then
  PG_USER=postgres
  if runuser -u postgres -- test -x "$CLUSTER_DIR"; then PGDATA="$CLUSTER_DIR/pg"
  else PGDATA="/var/tmp/sohoa-pg-$(echo "$CLUSTER_DIR" | sha256sum | cut -c1-12)/pg"; fi
else
  PG_USER=$(id -un); PGDATA="$CLUSTER_DIR/pg"
fi
PG_SOCKETS="$(dirname "$PGDATA")/pg-sockets"
# The server writes its own log: beside its data when the checkout is out of its reach.
if [ "$(dirname "$PGDATA")" = "$CLUSTER_DIR" ]; then PG_LOG="$LOGS/postgres.log"; else PG_LOG="$(dirname "$PGDATA")/postgres.log"; fi

# Secrets are made once per cluster and kept beside it (mode 600).
SECRETS="$CLUSTER_DIR/secrets.env"
if [ ! -f "$SECRETS" ]; then
  umask 077
  {
    echo "PG_SUPERUSER_PASSWORD=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    echo "TEMPORAL_DB_PASSWORD=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    echo "MINIO_ROOT_USER=sohoa"
    echo "MINIO_ROOT_PASSWORD=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  } > "$SECRETS"
  umask 022
fi
# shellcheck disable=SC1090
set -a; . "$SECRETS"; set +a
export TEMPORAL_DB_USER=temporal

# What the sohoa processes (workers, API, setup) are given.
sohoa_env() {
  local plan="$SOHOA_DIR/plan.env"
  [ -f "$plan" ] && cat "$plan"
  cat <<EOF
TEMPORAL_ADDRESS=127.0.0.1:$TEMPORAL_GRPC_PORT
TEMPORAL_NAMESPACE=$NAMESPACE
SOHOA_DATA_DIR=$SOHOA_DIR
SOHOA_STORAGE=s3
S3_ENDPOINT=http://127.0.0.1:$MINIO_PORT
S3_BUCKET=$BUCKET
S3_ACCESS_KEY=$MINIO_ROOT_USER
S3_SECRET_KEY=$MINIO_ROOT_PASSWORD
API_HOST=127.0.0.1
API_PORT=$API_PORT_CLUSTER
SOHOA_CLUSTER_RETENTION=$RETENTION
AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
EOF
}
