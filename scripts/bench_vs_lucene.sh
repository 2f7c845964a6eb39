#!/usr/bin/env bash
# Khabar against the Lucene anchor, side by side on the same files (issue 5).
#
#   scripts/bench_vs_lucene.sh [N_DOCS]        # default 10000
#
# 1. generates N_DOCS synthetic Arabic news articles with
#    ../shared/anchors/gen_corpus.py (seed 42) and 200 queries with
#    gen_queries.py (seed 7, known-item qrels), as the anchors' README does;
#    both are reused from an earlier run of the same N;
# 2. runs ../shared/anchors/run_lucene (Lucene 4.10 ArabicAnalyzer + BM25),
#    then build/bench/khabar_bench, one after the other, on those files;
# 3. prints the figures with their Khabar/Lucene ratios and a per-query-type
#    table (scripts/bench_compare.py), also written to OUTDIR/comparison.md.
#
# Env: QUERY_SET (mixed: the 200 generated queries of 2-4 words, the default;
# term: the first word of each, one-word queries, written to OUTDIR/term/ with
# their own results and no relevance figures: the qrels are for the whole
# queries), BENCH_OUT (default /tmp/khabar_bench_N), KHABAR_BENCH (the binary;
# default build/bench/khabar_bench, built if missing), KHABAR_BENCH_FLAGS
# (engine flags for it, e.g. --exact_hits_up_to=0), ANCHORS (default
# ../shared/anchors), the BENCH_* knobs of both harnesses, JAVA_OPTS.
# Needs: scripts/install-deps.sh --bench (Lucene jars, JDK, hunspell-ar).
# Single-threaded wall-clock figures: run nothing else meanwhile; the load
# average before each engine is printed with the table.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-10000}
[[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [N_DOCS]  (N_DOCS a positive integer, got '$n')" >&2; exit 2; }
anchors=${ANCHORS:-$root/../shared/anchors}
if [ ! -f "$anchors/run_lucene" ] || [ ! -f "$anchors/gen_corpus.py" ]; then
  echo "bench_vs_lucene: skipped: the anchors are not at $anchors" \
       "(run_lucene, gen_corpus.py; set ANCHORS=/path/to/shared/anchors)" >&2
  exit 0
fi
anchors=$(cd "$anchors" && pwd)
out=${BENCH_OUT:-/tmp/khabar_bench_$n}
mkdir -p "$out"

if [ ! -f /usr/share/hunspell/ar.dic ]; then
  echo "bench_vs_lucene: /usr/share/hunspell/ar.dic missing: the corpus vocabulary will differ" \
       "from the anchors' reference (scripts/install-deps.sh --bench installs hunspell-ar)" >&2
fi
seeds=()
[ -d "$anchors/../seeds" ] && seeds=(--seeds-dir "$anchors/../seeds")
docs=$out/docs.jsonl queries=$out/queries.tsv qrels=$out/qrels.tsv
if [ ! -s "$docs" ] || [ "$(cat "$out/corpus.stamp" 2>/dev/null)" != "$n" ]; then
  echo "== corpus: $n docs -> $docs" >&2
  python3 "$anchors/gen_corpus.py" "$n" "$docs" "${seeds[@]}"
  python3 "$anchors/gen_queries.py" "$docs" 200 "$queries" --qrels "$qrels"
  echo "$n" > "$out/corpus.stamp"
fi

query_set=${QUERY_SET:-mixed}
case "$query_set" in
  mixed) ;;
  term)
    # The generated queries' first words: Lucene runs each as a one-clause
    # BooleanQuery (a TermQuery), Khabar as a one-word query (stem + exact form).
    mkdir -p "$out/term"
    awk -F'\t' '{ split($2, w, " "); print $1 "\t" w[1] }' "$queries" > "$out/term/queries.tsv"
    queries=$out/term/queries.tsv
    qrels=""
    out=$out/term
    ;;
  *) echo "bench_vs_lucene: QUERY_SET must be mixed or term, got '$query_set'" >&2; exit 2 ;;
esac

bin=${KHABAR_BENCH:-$root/build/bench/khabar_bench}
if [ ! -x "$bin" ]; then
  echo "== building khabar_bench" >&2
  cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$root/build" -j2 --target khabar_bench >/dev/null
fi

# run_lucene compiles LuceneBench.java next to itself; run a private copy so
# the shared folder stays read-only.
mkdir -p "$out/anchors"
cp "$anchors/run_lucene" "$anchors/LuceneBench.java" "$anchors/finalize.py" "$out/anchors/"

load() { cut -d' ' -f1-3 /proc/loadavg; }
note="Machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; corpus: gen_corpus.py $n"
note+=" ($(du -m "$docs" | cut -f1) MB), $(wc -l < "$queries") queries (gen_queries.py"
[ "$query_set" = term ] && note+=", first word of each"
note+=")."
for engine in lucene khabar; do
  mkdir -p "$out/$engine"
  rm -f "$out/$engine/metrics.json"
  l=$(load)
  note+=" Load average before $engine: $l."
  echo "== $engine (load average $l)" >&2
  start=$(date +%s)
  if [ "$engine" = lucene ]; then
    "$out/anchors/run_lucene" "$docs" "$queries" "$out/lucene" > "$out/lucene/log.txt" 2>&1 \
      || { tail -5 "$out/lucene/log.txt" >&2; echo "bench_vs_lucene: run_lucene failed" >&2; exit 1; }
  else
    # shellcheck disable=SC2086  # KHABAR_BENCH_FLAGS: extra engine flags, split on spaces
    "$bin" ${KHABAR_BENCH_FLAGS:-} "$docs" "$queries" "$out/khabar" > "$out/khabar/log.txt" 2>&1 \
      || { tail -5 "$out/khabar/log.txt" >&2; echo "bench_vs_lucene: khabar_bench failed" >&2; exit 1; }
  fi
  echo "   done in $(( $(date +%s) - start ))s" >&2
done
python3 "$root/scripts/bench_compare.py" "$out" "$queries" ${qrels:+"$qrels"} --note "$note"
echo "(also in $out/comparison.md)" >&2
