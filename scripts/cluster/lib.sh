# Sourced by services.sh, backup.sh and restore.sh: how each cluster process is started and stopped.
# Each runs in the background with its pid in $SOHOA_CLUSTER_DIR/run and its log in
# $SOHOA_CLUSTER_DIR/logs; each start waits until the process answers and does nothing when it already
# runs; each stop is SIGTERM, then SIGKILL after a grace.
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
ALL=(postgres temporal ui minio worker-1 worker-2 api)

# A killed process whose parent is gone may stay a zombie (nothing reaps it here): that is not alive.
alive() { local st; st=$(ps -o stat= -p "$1" 2>/dev/null) && [ "${st:0:1}" != Z ]; }
pid_of() { local f="$RUN/$1.pid"; [ -f "$f" ] && alive "$(cat "$f")" && cat "$f"; }
running() { [ -n "$(pid_of "$1")" ]; }

# A process in its own session (Ctrl-C of the caller leaves it), its output appended to its log.
daemon() {
  local name=$1; shift
  echo "--- $(date -Is) start" >> "$LOGS/$name.log"
  setsid "$@" >> "$LOGS/$name.log" 2>&1 < /dev/null &
  echo $! > "$RUN/$name.pid"
}

stop_pid() { # name grace-seconds
  local name=$1 grace=$2 pid; pid=$(pid_of "$name") || true
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq $((grace * 10))); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then echo "$name: no exit after ${grace}s, SIGKILL" >&2; kill -KILL "$pid" 2>/dev/null || true; fi
    while alive "$pid"; do sleep 0.1; done
  fi
  rm -f "$RUN/$name.pid"
}

wait_for() { # name seconds command...: until the command succeeds, the process dies, or time is up
  local name=$1 secs=$2; shift 2
  for _ in $(seq $((secs * 5))); do
    "$@" >/dev/null 2>&1 && return 0
    running "$name" || { echo "$name exited; last lines of $LOGS/$name.log:" >&2; tail -20 "$LOGS/$name.log" >&2; return 1; }
    sleep 0.2
  done
  echo "$name did not answer in ${secs}s; last lines of $LOGS/$name.log:" >&2; tail -20 "$LOGS/$name.log" >&2; return 1
}
http_ok() { curl -fsS -o /dev/null --max-time 2 "$1"; }

# --- PostgreSQL 15 (Debian), its own data folder, port and socket folder; no system service.
# From / : the postgres user may not enter the checkout (a private temp or home folder).
as_pg() { if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u "$PG_USER" -- "$@"); else "$@"; fi; }
psql_su() { as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKETS" -p "$PG_PORT" -U postgres -d postgres "$@"; }

start_postgres() {
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    mkdir -p "$PGDATA" "$PG_SOCKETS"; chmod 700 "$PGDATA"
    if [ "$(id -u)" -eq 0 ]; then
      chown "$PG_USER" "$PGDATA" "$PG_SOCKETS"
      # The fallback outside the checkout (env.sh) is the postgres user's own folder.
      [ "$(dirname "$PGDATA")" = "$CLUSTER_DIR" ] || chown "$PG_USER" "$(dirname "$PGDATA")"
    fi
    local pw; pw=$(mktemp); echo "$PG_SUPERUSER_PASSWORD" > "$pw"; [ "$(id -u)" -eq 0 ] && chown "$PG_USER" "$pw"
    as_pg "$PG_BIN/initdb" -D "$PGDATA" -U postgres --pwfile="$pw" --auth-local=peer --auth-host=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 > "$LOGS/initdb.log"
    rm -f "$pw"
    # Loopback only; enough connections for Temporal's pools (persistence 20 and visibility 10 per service).
    cat >> "$PGDATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCKETS'
max_connections = 200
shared_buffers = 256MB
EOF
    sed -i 's/^local\s\+all\s\+all\s\+peer$/local all all peer map=owner/' "$PGDATA/pg_hba.conf"
    echo "owner $PG_USER postgres" >> "$PGDATA/pg_ident.conf"
  fi
  mkdir -p "$PG_SOCKETS"; [ "$(id -u)" -eq 0 ] && chown "$PG_USER" "$PG_SOCKETS"
  if ! as_pg "$PG_BIN/pg_ctl" status -D "$PGDATA" >/dev/null 2>&1; then
    touch "$PG_LOG"; [ "$(id -u)" -eq 0 ] && chown "$PG_USER" "$PG_LOG"
    as_pg "$PG_BIN/pg_ctl" start -D "$PGDATA" -l "$PG_LOG" -w -t 60 > /dev/null || { tail -20 "$PG_LOG" >&2; return 1; }
  fi
  head -1 "$PGDATA/postmaster.pid" > "$RUN/postgres.pid"
  # Temporal's own role, allowed to create its two databases (temporal-sql-tool create-database).
  psql_su -c "DO \$\$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$TEMPORAL_DB_USER') THEN
      CREATE ROLE $TEMPORAL_DB_USER LOGIN CREATEDB PASSWORD '$TEMPORAL_DB_PASSWORD';
    END IF; END \$\$;"
}
stop_postgres() {
  if as_pg "$PG_BIN/pg_ctl" status -D "$PGDATA" >/dev/null 2>&1; then as_pg "$PG_BIN/pg_ctl" stop -D "$PGDATA" -m fast -w -t 60 > /dev/null; fi
  rm -f "$RUN/postgres.pid"
}

# --- Temporal's two databases, created and brought to the schema this server version ships.
# Its log (every statement) goes to logs/schemas.log; a failure shows the end of it.
sql_tool() {
  SQL_PASSWORD="$TEMPORAL_DB_PASSWORD" "$BIN/temporal-sql-tool" --plugin postgres12 --ep 127.0.0.1 -p "$PG_PORT" \
    -u "$TEMPORAL_DB_USER" "$@" >> "$LOGS/schemas.log" 2>&1 || { tail -20 "$LOGS/schemas.log" >&2; return 1; }
}
schemas() {
  local db schema
  for pair in temporal:temporal temporal_visibility:visibility; do
    db=${pair%%:*} schema=postgresql/v12/${pair##*:}
    if [ -z "$(psql_su -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
      sql_tool --db "$db" create-database
    fi
    if [ -z "$(psql_su -d "$db" -tAc "SELECT 1 FROM pg_tables WHERE tablename = 'schema_version'")" ]; then
      sql_tool --db "$db" setup-schema -v 0.0
    fi
    sql_tool --db "$db" update-schema --schema-name "$schema"
    echo "$db: schema $(psql_su -d "$db" -tAc "SELECT curr_version FROM schema_version")"
  done
}

# --- Temporal server: every service in one process; its config file is a template it renders itself
# from the variables of env.sh (the database password never lands on disk).
temporal_health() { "$BIN/temporal" operator cluster health --address "127.0.0.1:$TEMPORAL_GRPC_PORT" --command-timeout 2s | grep -q SERVING; }
start_temporal() {
  running temporal && return 0
  TEMPORAL_DYNAMIC_CONFIG="$ROOT/scripts/cluster/dynamicconfig.yaml" \
    daemon temporal "$BIN/temporal-server" --config-file "$ROOT/scripts/cluster/temporal.yaml" --allow-no-auth start
  wait_for temporal 120 temporal_health
}

# --- Temporal Web UI server (github.com/temporalio/ui-server/v2), assets embedded in the binary.
start_ui() {
  running ui && return 0
  [ -x "$BIN/temporal-ui-server" ] || { echo "ui: $BIN/temporal-ui-server is not built, skipped (the CLI: $BIN/temporal)"; return 0; }
  # The UI server reads <config>/<env>.yaml, a template it renders itself (like the Temporal server).
  daemon ui "$BIN/temporal-ui-server" --root "$ROOT/scripts/cluster" --config . --env ui start
  wait_for ui 30 http_ok "http://127.0.0.1:$UI_PORT/healthz"
}

# --- MinIO: the artifact store.
start_minio() {
  running minio && return 0
  daemon minio env MINIO_BROWSER=on MINIO_UPDATE=off \
    "$BIN/minio" server --quiet --address "127.0.0.1:$MINIO_PORT" --console-address "127.0.0.1:$MINIO_CONSOLE_PORT" "$MINIO_DIR/data"
  wait_for minio 60 http_ok "http://127.0.0.1:$MINIO_PORT/minio/health/live"
}

# --- sohoa: two workers on the same task queue, and the API.
node_daemon() { # name script extra-env...
  local name=$1 script=$2; shift 2
  # shellcheck disable=SC2046
  daemon "$name" env $(sohoa_env) "$@" node --import tsx "$ROOT/$script"
}
# Memory of each worker (bench:cluster measures it): Node 24 gives every V8 heap a 64 MB young
# generation on a machine of this size, and a worker has three (main, workflows, tsx's loader); 16 MB
# each (semi-space 8 MB) costs little CPU; old generations stop at 768 MB, as in clients/config.ts
# (WORKER_NODE_FLAGS). The books' cache is split between the two workers.
WORKER_SEMI_SPACE_MB=${SOHOA_CLUSTER_WORKER_SEMI_SPACE_MB:-8}
WORKER_CACHE=${SOHOA_CLUSTER_WORKER_CACHE:-100}
start_worker() { # worker-N
  local name=$1 n=${1#worker-}
  running "$name" && return 0
  node_daemon "$name" workers/main.ts WORKER_HEALTH_PORT=$((B + 310 + n)) WORKER_METRICS_PORT=$((B + 320 + n)) \
    NODE_OPTIONS="--max-semi-space-size=$WORKER_SEMI_SPACE_MB --max-old-space-size=768" WORKER_MAX_CACHED_WORKFLOWS="$WORKER_CACHE"
  wait_for "$name" 120 http_ok "http://127.0.0.1:$((B + 310 + n))/health/ready"
}
start_api() {
  running api && return 0
  node_daemon api api/main.ts
  wait_for api 120 http_ok "http://127.0.0.1:$API_PORT_CLUSTER/health/ready"
}

start() {
  case $1 in
    postgres) start_postgres ;;
    schemas) schemas ;;
    temporal) start_temporal ;;
    ui) start_ui ;;
    minio) start_minio ;;
    worker-*) start_worker "$1" ;;
    api) start_api ;;
    *) echo "unknown service: $1" >&2; exit 2 ;;
  esac
}
stop() {
  case $1 in
    postgres) stop_postgres ;;
    # The server hands its shards over on SIGTERM; the workers drain their tasks (shutdownGraceTime 10 s).
    temporal) stop_pid temporal 40 ;;
    worker-*) stop_pid "$1" 30 ;;
    *) stop_pid "$1" 20 ;;
  esac
}
status() {
  local pid; pid=$(pid_of "$1") || true
  if [ -n "$pid" ]; then printf '%-10s running (pid %s)\n' "$1" "$pid"; else printf '%-10s stopped\n' "$1"; fi
}

