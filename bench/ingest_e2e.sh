#!/usr/bin/env bash
# End-to-end ingest throughput: the real ingest_service streams the 10,161
# JawharaFM articles (ANT corpus v1.1, TREC <DOC> files, from ../shared/eval)
# into a real query_service on loopback, both on this machine.
#
#   bench/ingest_e2e.sh [SHARED_DIR] [RUNS]
#
# Prints docs/s and MB/s per run for: parsing alone (--dry_run), ingest into a
# memory-only query_service (analysis on every core, then on one), and ingest into a durable one (--data_dir: every
# ack after fsync of the write-ahead log).
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${1:-../shared}
runs=${2:-3}
build=${BUILD_DIR:-build}
tarball=$shared/eval/ant-jawharafm/raw/antcorpus.data-v1.1.tar.xz
[ -f "$tarball" ] || { echo "ingest_e2e: $tarball not found" >&2; exit 2; }

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target query_service ingest_service >/dev/null
work=$(mktemp -d)
qpid=""
cleanup() { [ -n "$qpid" ] && kill "$qpid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
tar -xJf "$tarball" -C "$work"
corpus=$work/antcorpus.data
rm -f "$corpus/README.md" "$corpus/LICENSE"  # not articles
bytes=$(find "$corpus" -name '*.txt' -printf '%s\n' | awk '{s+=$1} END{print s}')
files=$(find "$corpus" -name '*.txt' | wc -l)
echo "corpus: $files files, $((bytes / 1000000)) MB (ANT JawharaFM, TREC <DOC>)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"

# shellcheck source=scripts/lib/start_server.sh
source scripts/lib/start_server.sh
start_query() {  # extra flags...
  start_server query "$build/query_service/query_service" --listen=127.0.0.1:0 "$@"
  qpid=$pid_started
}
stop_query() { kill "$qpid"; wait "$qpid" 2>/dev/null || true; qpid=""; }

for run in $(seq 1 "$runs"); do
  t0=$(date +%s.%N)
  docs=$("$build/ingest_service/ingest_service" --dry_run "$corpus" 2>/dev/null | wc -l)
  t1=$(date +%s.%N)
  awk -v d="$docs" -v b="$bytes" -v t0="$t0" -v t1="$t1" -v r="$run" 'BEGIN{
    s=t1-t0; printf "run %d  parse only (--dry_run, JSON out): %d docs in %.2fs = %.0f docs/s, %.1f MB/s\n", r, d, s, d/s, b/s/1e6}'

  start_query
  "$build/ingest_service/ingest_service" --query_service="$addr" --quiet --progress=off "$corpus" \
    | sed -n "s/^ingested/run $run  memory-only:  ingested/p"
  stop_query

  start_query --indexing_threads=1
  "$build/ingest_service/ingest_service" --query_service="$addr" --quiet --progress=off "$corpus" \
    | sed -n "s/^ingested/run $run  memory-only, 1 indexing thread:  ingested/p"
  stop_query

  rm -rf "$work/data"
  start_query --data_dir="$work/data"
  "$build/ingest_service/ingest_service" --query_service="$addr" --quiet --progress=off "$corpus" \
    | sed -n "s/^ingested/run $run  durable WAL:  ingested/p"
  stop_query
done
