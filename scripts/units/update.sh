#!/usr/bin/env bash
# Installs the pinned unit datasets (scripts/units/requirements.txt) into a venv under .tools and
# extracts domain/data/units/ from them. To update: change the versions and hashes in requirements.txt
# (pip download <pkg>==<version> --no-deps, then sha256sum), run this script, read the diff of
# domain/data/units/ (index.json counts, crosscheck.json), run the units tests, commit.
# A second run with the same versions changes no file.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV="$PWD/.tools/units-venv"
REQ=scripts/units/requirements.txt
stamp="$VENV/.requirements.sha256"
want=$(sha256sum "$REQ" | cut -d' ' -f1)
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  python3 -m venv --clear "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r "$REQ"
  echo "$want" > "$stamp"
fi
"$VENV/bin/python" scripts/units/extract.py domain/data/units
du -sh domain/data/units | cut -f1 | xargs echo "domain/data/units:"
