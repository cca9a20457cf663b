#!/usr/bin/env bash
# Starts, stops and restarts the cluster's processes (scripts/cluster/lib.sh says how).
# Usage: scripts/cluster/services.sh start|stop|restart|status NAME...
#   NAME: postgres schemas temporal ui minio worker-1 worker-2 api (or `all`, in start order)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cmd=${1:-}; shift || true
names=("$@"); [ "${names[0]:-}" = all ] && names=("${ALL[@]}")
case $cmd in
  start) for n in "${names[@]}"; do start "$n"; done ;;
  stop) for ((i = ${#names[@]} - 1; i >= 0; i--)); do stop "${names[i]}"; done ;;
  restart) for n in "${names[@]}"; do stop "$n"; start "$n"; done ;;
  status) for n in "${names[@]:-${ALL[@]}}"; do status "$n"; done ;;
  *) echo "usage: $0 start|stop|restart|status NAME... (postgres temporal ui minio worker-1 worker-2 api | all)" >&2; exit 2 ;;
esac
