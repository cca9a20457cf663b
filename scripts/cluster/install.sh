#!/usr/bin/env bash
# What the cluster profile needs, pinned and idempotent: PostgreSQL 15 from Debian (no service is
# started: scripts/cluster/services.sh runs its own), the Temporal server, its SQL tool and Web UI
# (go install, cached in .tools/bin with version stamps), the pinned Node, the Temporal CLI and MinIO.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
scripts/install-system-deps.sh cluster
scripts/install-tools.sh node temporal minio cluster
