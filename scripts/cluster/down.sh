#!/usr/bin/env bash
# make down-cluster: stops every process of the cluster, the API first and PostgreSQL last; the data
# stays in $SOHOA_CLUSTER_DIR for the next make up-cluster (rm -rf it to start afresh).
set -euo pipefail
"$(dirname "${BASH_SOURCE[0]}")/services.sh" stop all
echo "cụm đã dừng (stopped)"
