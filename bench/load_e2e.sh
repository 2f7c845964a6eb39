#!/usr/bin/env bash
# Search under load while ingest runs: the real query_service on loopback,
# holding N synthetic Arabic news documents (../shared/anchors/gen_corpus.py),
# answers khabar_load (closed loops, then two open loops) while ingest_service
# streams new documents into it: N/8 fresh ones during each run.
#
#   bench/load_e2e.sh [SHARED_DIR] [N_DOCS] [SECONDS]     (default ../shared 50000 10)
#
# CLOSED_CONCURRENCY="8 32" (the default) runs one closed loop per number of
# requests in flight: in a closed loop the latency is about in-flight / QPS
# (Little's law), so a few points show how much throughput a latency bound
# leaves. CORPUS_JSONL=FILE reuses a gen_corpus.py output with at least
# N + (runs) N/8 lines (e.g. /tmp/khabar_bench_1000000/docs.jsonl from
# scripts/bench_vs_lucene.sh) instead of generating one. TIMELINE_DIR=DIR
# keeps each run's per-request timeline (DIR/runK.txt for the K-th run, from
# 0: "sent_ms latency_ms" per request, khabar_load --timeline_out).
# INGEST_RATE=R paces the ingest during each run at R documents a second
# (ingest_service --max_docs_per_second, batches of R/10), R x SECONDS fresh
# documents a run; unset, it streams N/8 as fast as query_service takes them.
# QUERY_FLAGS="--merge_factor=10 ..." adds flags to query_service's command line.
# Needs a Release build with benchmarks (build/). Prints khabar_load's summary
# lines; the machine's two cores are shared by the service, the ingest and the
# load generator, as the issue's target asks.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${1:-../shared}
n=${2:-50000}
secs=${3:-10}
build=${BUILD_DIR:-build}
anchors=$shared/anchors
[ -f "$anchors/gen_corpus.py" ] || { echo "load_e2e: $anchors/gen_corpus.py not found" >&2; exit 2; }
for b in query_service/query_service ingest_service/ingest_service bench/khabar_load; do
  [ -x "$build/$b" ] || { echo "load_e2e: build $build/$b first (cmake --build $build -j2)" >&2; exit 2; }
done
work=$(mktemp -d)
qpid=""; ipid=""
cleanup() {
  [ -n "$ipid" ] && kill "$ipid" 2>/dev/null || true
  [ -n "$qpid" ] && kill "$qpid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

[ "$n" -ge 8 ] || { echo "load_e2e: N_DOCS must be at least 8" >&2; exit 2; }
read -r -a closed <<< "${CLOSED_CONCURRENCY:-8 32}"
[ "${#closed[@]}" -gt 0 ] || { echo "load_e2e: CLOSED_CONCURRENCY is empty" >&2; exit 2; }
for c in "${closed[@]}"; do
  [[ "$c" =~ ^[1-9][0-9]*$ ]] || { echo "load_e2e: CLOSED_CONCURRENCY: '$c' is not a positive number" >&2; exit 2; }
done
runs=$((${#closed[@]} + 2))
part=$((n / 8))
ingest_flags=()
if [ -n "${INGEST_RATE:-}" ]; then
  [[ "$INGEST_RATE" =~ ^[1-9][0-9]*$ ]] || { echo "load_e2e: INGEST_RATE must be a positive number" >&2; exit 2; }
  part=$((INGEST_RATE * secs))
  ingest_flags=(--max_docs_per_second="$INGEST_RATE" --batch_size=$(((INGEST_RATE + 9) / 10)))
fi
extra=$((runs * part))
echo "corpus: $n + $runs x $part synthetic docs (gen_corpus.py), queries from gen_queries.py"
if [ -n "${CORPUS_JSONL:-}" ]; then
  [ "$(wc -l < "$CORPUS_JSONL")" -ge $((n + extra)) ] ||
    { echo "load_e2e: $CORPUS_JSONL has fewer than $((n + extra)) lines" >&2; exit 2; }
  head -n $((n + extra)) "$CORPUS_JSONL" > "$work/all.jsonl"
else
  python3 "$anchors/gen_corpus.py" $((n + extra)) "$work/all.jsonl" >/dev/null
fi
# Ingested in files of 20,000 lines: ingest_service refuses files over 256 MiB.
chunk() {  # DIR FIRST COUNT: lines FIRST.. of all.jsonl, COUNT of them, as DIR/part*.jsonl
  local last=$(($2 + $3 - 1))
  mkdir -p "$1"
  # sed stops at the range's last line rather than reading the rest of the file.
  sed -n "$2,${last}p;${last}q" "$work/all.jsonl" |
    split -l 20000 -d -a 3 --additional-suffix=.jsonl - "$1/part"
}
head -n "$n" "$work/all.jsonl" > "$work/base.jsonl"
mkdir -p "$work/base"
split -l 20000 -d -a 3 --additional-suffix=.jsonl "$work/base.jsonl" "$work/base/part"
# A fresh part for each run: re-ingesting the same documents would only
# find them unchanged.
for ((k = 0; k < runs; ++k)); do chunk "$work/more$k" $((n + k * part + 1)) "$part"; done
python3 "$anchors/gen_queries.py" "$work/base.jsonl" 1000 "$work/queries.tsv" >/dev/null
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"

# shellcheck source=scripts/lib/start_server.sh
source scripts/lib/start_server.sh
read -r -a query_flags <<< "${QUERY_FLAGS:-}"
start_server query "$build/query_service/query_service" --listen=127.0.0.1:0 \
  ${query_flags[@]+"${query_flags[@]}"}
qpid=$pid_started
"$build/ingest_service/ingest_service" --query_service="$addr" --quiet --progress=off "$work/base" \
  | sed -n 's/^ingested/preload: ingested/p'

if [ -n "${TIMELINE_DIR:-}" ]; then mkdir -p "$TIMELINE_DIR"; fi
load() {  # label, part number, khabar_load flags...
  local label=$1 part=$2 part_file=$work/more$2; shift 2
  "$build/ingest_service/ingest_service" --query_service="$addr" --quiet --progress=off \
    ${ingest_flags[@]+"${ingest_flags[@]}"} "$part_file" > "$work/ingest.out" 2>&1 &
  ipid=$!
  "$build/bench/khabar_load" --target="$addr" --queries="$work/queries.tsv" \
    --duration_seconds="$secs" ${TIMELINE_DIR:+--timeline_out="$TIMELINE_DIR/run$part.txt"} "$@" |
    sed "s#^#$label: #"
  wait "$ipid" || true; ipid=""
  sed -n 's/^ingested/  during it, ingest: ingested/p' "$work/ingest.out"
}
k=0
for c in "${closed[@]}"; do
  load "closed loop, $c in flight" $k --mode=closed --concurrency="$c"
  k=$((k + 1))
done
load "open loop, 2000/s" $k --mode=open --rate=2000
load "open loop, 5000/s" $((k + 1)) --mode=open --rate=5000
