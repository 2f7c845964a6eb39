#!/usr/bin/env bash
# Intersection and phrase queries, Khabar against Lucene 4.10 on the same
# files (issue 5's targets for them: p50 at most 1/2 of Lucene's, p99 no
# worse). The anchors' harness asks only bag-of-words (OR) queries, so the
# Lucene side is bench/lucene/LuceneQueryTypes.java: LuceneBench's indexing,
# with the query lines asked as every word required (BooleanQuery of MUST
# clauses) or as one PhraseQuery; Khabar's is khabar_bench with
# BENCH_QUERY_MODE=and|phrase (the default operator AND; the line as one
# quoted phrase).
#
#   bench/query_types.sh [N_DOCS] [MODES]     (default 50000 "and phrase")
#
# Reuses the corpus and the 200 queries of scripts/bench_vs_lucene.sh N_DOCS
# (BENCH_OUT, default /tmp/khabar_bench_N), making them first if missing.
# Prints, per mode, p50/p99/mean of each engine with Khabar/Lucene ratios
# and how many queries matched anything in each. Single-threaded wall-clock
# figures: run nothing else meanwhile. Needs scripts/install-deps.sh --bench.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-50000}
modes=${2:-and phrase}
[[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [N_DOCS] [MODES]" >&2; exit 2; }
anchors=${ANCHORS:-$root/../shared/anchors}
[ -f "$anchors/gen_corpus.py" ] || { echo "query_types: skipped: no anchors at $anchors" >&2; exit 0; }
out=${BENCH_OUT:-/tmp/khabar_bench_$n}
docs=$out/docs.jsonl queries=$out/queries.tsv
if [ ! -s "$docs" ] || [ "$(cat "$out/corpus.stamp" 2>/dev/null)" != "$n" ]; then
  # The corpus is bench_vs_lucene.sh's (its first step; its OR comparison
  # runs too, a few more minutes, and lands in $out/comparison.md).
  BENCH_OUT=$out QUERY_SET=mixed "$root/scripts/bench_vs_lucene.sh" "$n" >/dev/null
fi
bench=${KHABAR_BENCH:-$root/build/bench/khabar_bench}
[ -x "$bench" ] || cmake --build "$root/build" -j2 --target khabar_bench >/dev/null
core=$(ls /usr/share/java/lucene-core-4*.jar 2>/dev/null | head -1 || true)
common=$(ls /usr/share/java/lucene-analyzers-common-4*.jar 2>/dev/null | head -1 || true)
[ -n "$core" ] && [ -n "$common" ] ||
  { echo "query_types: Lucene jars not found (scripts/install-deps.sh --bench)" >&2; exit 1; }
jars="$core:$common"
classes=$out/query_types/classes
mkdir -p "$classes"
javac -nowarn -encoding UTF-8 -cp "$jars" -d "$classes" "$root/bench/lucene/LuceneQueryTypes.java"

stats() {  # latencies file -> "p50 p99 mean" (nearest rank, as the anchors' finalize.py)
  python3 - "$1" <<'PY'
import math, sys
v = sorted(float(x) for x in open(sys.argv[1]).read().split())
def pct(p): return v[max(0, min(len(v) - 1, math.ceil(p / 100 * len(v)) - 1))]
print(f"{pct(50):.4f} {pct(99):.4f} {sum(v) / len(v):.4f}")
PY
}
echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores;" \
     "corpus: gen_corpus.py $n, $(wc -l < "$queries") queries (gen_queries.py, 2-4 words); top 10"
echo
echo "| mode | Lucene p50 | Khabar p50 | p50 ratio | Lucene p99 | Khabar p99 | p99 ratio | Lucene mean | Khabar mean | queries matched (L / K) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
for mode in $modes; do
  dir=$out/query_types/$mode
  mkdir -p "$dir"
  lucene=$(java ${JAVA_OPTS:--Xmx8g} -cp "$classes:$jars" LuceneQueryTypes "$docs" "$queries" "$mode" \
             "$dir/lucene_latencies_ms.txt")
  BENCH_QUERY_MODE=$mode "$bench" ${KHABAR_BENCH_FLAGS:-} "$docs" "$queries" "$dir/khabar" \
    >/dev/null 2>"$dir/khabar.log"
  read -r lp50 lp99 lmean <<< "$(stats "$dir/lucene_latencies_ms.txt")"
  read -r kp50 kp99 kmean <<< "$(stats "$dir/khabar/latencies_ms.txt")"
  lmatched=$(sed -n 's/.*queries_with_hits=\([0-9]*\).*/\1/p' <<< "$lucene")
  kmatched=$(cut -d' ' -f1 "$dir/khabar/run.trec" | sort -u | wc -l)
  ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
  echo "| $mode | $lp50 | $kp50 | **$(ratio "$kp50" "$lp50")** | $lp99 | $kp99 | **$(ratio "$kp99" "$lp99")** | $lmean | $kmean | $lmatched / $kmatched |"
done
