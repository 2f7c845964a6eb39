#!/usr/bin/env bash
# Two cores against one for indexing (issue 5: "with both cores, at least
# 1.7x Khabar's own single-thread figure"), in alternating rounds so that the
# VM's drift hits both sides alike.
#
#   bench/cores_ratio.sh DOCS.jsonl QUERIES.tsv [ROUNDS] [BASE_KHABAR_BENCH]
#
# Each round runs khabar_bench once with the defaults (two indexing threads
# here, background merges) and once with --indexing_threads=1
# --background_merges=false (merges inside the writer), one query pass each,
# and prints index_seconds (loading plus the forced merge) and the ratio.
# BASE_KHABAR_BENCH, another build's khabar_bench, adds a two-core run of it
# to every round (an A/B of an indexing change). Ends with the means.
# KHABAR_BENCH overrides the binary measured ($BUILD_DIR/bench/khabar_bench,
# BUILD_DIR defaulting to build).
set -euo pipefail
docs=${1:?usage: cores_ratio.sh DOCS.jsonl QUERIES.tsv [ROUNDS] [BASE_KHABAR_BENCH]}
queries=${2:?usage: cores_ratio.sh DOCS.jsonl QUERIES.tsv [ROUNDS] [BASE_KHABAR_BENCH]}
rounds=${3:-5}
base=${4:-}
build=${BUILD_DIR:-build}
bench=${KHABAR_BENCH:-$build/bench/khabar_bench}
[ -x "$bench" ] || { echo "cores_ratio: $bench not built (cmake --build $build --target khabar_bench)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# run NAME BINARY FLAGS...: one indexing run; prints its index_seconds.
run() {
  local name=$1 bin=$2
  shift 2
  BENCH_MAX_PASSES=1 BENCH_MIN_PASSES=1 BENCH_WARMUP_SECONDS=0 BENCH_MIN_SECONDS=0 \
    "$bin" "$@" "$docs" "$queries" "$work/$name" >"$work/$name.log" 2>&1 ||
    { echo "cores_ratio: $name failed:" >&2; tail -5 "$work/$name.log" >&2; exit 1; }
  python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['index_seconds'])" "$work/$name/raw.json"
}

: >"$work/rounds"
for r in $(seq 1 "$rounds"); do
  b="-"
  [ -n "$base" ] && b=$(run base "$base")
  two=$(run two "$bench")
  one=$(run one "$bench" --indexing_threads=1 --background_merges=false)
  echo "$r $two $one $b" >>"$work/rounds"
  python3 -c "import sys; r,t,o,b=sys.argv[1:]; print(f'round {r}: two cores {float(t):.2f} s, one core {float(o):.2f} s, ratio {float(o)/float(t):.2f}x' + ('' if b == '-' else f', base two cores {float(b):.2f} s'))" "$r" "$two" "$one" "$b"
done
python3 - "$work/rounds" <<'EOF'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
two = [float(r[1]) for r in rows]
one = [float(r[2]) for r in rows]
ratios = [o / t for o, t in zip(one, two)]
print(f"mean: two cores {statistics.mean(two):.2f} s, one core {statistics.mean(one):.2f} s, "
      f"ratio {statistics.mean(ratios):.2f}x (rounds {min(ratios):.2f}-{max(ratios):.2f}x)")
if rows[0][3] != "-":
    base = [float(r[3]) for r in rows]
    print(f"base two cores {statistics.mean(base):.2f} s: this build / base "
          f"{statistics.mean(t / b for t, b in zip(two, base)):.3f} per round on average, "
          f"base ratio {statistics.mean(o / b for o, b in zip(one, base)):.2f}x")
EOF
