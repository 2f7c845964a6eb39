#!/usr/bin/env bash
# The main job, from a clean clone on Debian 12: install dependencies, build,
# start query_service, ingest the sample articles in data/, answer a query.
#   scripts/demo.sh ["ARABIC QUERY"]
set -euo pipefail
cd "$(dirname "$0")/.."
query=${1:-إنفيديا}

scripts/install-deps.sh
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target query_service ingest_service khabar_search_cli

log=$(mktemp)
"$build/query_service/query_service" --listen=127.0.0.1:0 >"$log" 2>&1 &
qpid=$!
trap 'kill $qpid 2>/dev/null; wait $qpid 2>/dev/null; rm -f "$log"' EXIT
addr=""
for _ in $(seq 1 100); do
  addr=$(sed -n 's/.*listening on //p' "$log" | head -n1)
  [ -n "$addr" ] && break
  kill -0 $qpid 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.1
done
[ -n "$addr" ] || { echo "query_service did not start"; cat "$log"; exit 1; }
echo "== query_service listening on $addr"

echo "== ingesting data/articles"
"$build/ingest_service/ingest_service" --query_service="$addr" data/articles

echo "== search: $query"
"$build/query_service/khabar_search" --query_service="$addr" --page_size=5 "$query"
