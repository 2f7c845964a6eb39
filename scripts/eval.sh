#!/usr/bin/env bash
# Relevance of Khabar vs the Lucene 4.10 ArabicAnalyzer+BM25 baseline on the
# development sets in ../shared/eval (same docs, same queries, same scorer).
#
#   scripts/eval.sh [SHARED_DIR] [-- khabar_eval flags...]
#
# Prints a markdown table. Needs the dev sets (../shared by default); installs
# Lucene 4.10 and a JDK from Debian when missing (for the baseline).
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${1:-../shared}
shift || true
[ "${1:-}" = "--" ] && shift
eval_dir=$shared/eval
[ -d "$eval_dir" ] || { echo "eval: $eval_dir not found" >&2; exit 2; }

build=${BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target khabar_eval >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# ANT known-item: index the bodies only (the query is the headline).
python3 - "$eval_dir/ant-jawharafm/docs.jsonl.gz" "$work/ant.jsonl" <<'PY'
import gzip, json, sys
with gzip.open(sys.argv[1], "rt", encoding="utf-8") as f, open(sys.argv[2], "w", encoding="utf-8") as o:
    for line in f:
        d = json.loads(line)
        o.write(json.dumps({"id": d["id"], "title": "", "body": d["body"]}, ensure_ascii=False) + "\n")
PY

sets=("arcd|$eval_dir/arcd/docs.jsonl|$eval_dir/arcd/queries.tsv|$eval_dir/arcd/qrels.tsv"
      "ant-jawharafm|$work/ant.jsonl|$eval_dir/ant-jawharafm/known-item/queries.tsv|$eval_dir/ant-jawharafm/known-item/qrels.tsv")

lucene=1
if ! ls /usr/share/java/lucene-core-4*.jar >/dev/null 2>&1 || ! command -v javac >/dev/null; then
  echo "eval: installing Lucene 4.10 and a JDK for the baseline" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get install -y -qq --no-install-recommends liblucene4.10-java default-jdk-headless >/dev/null || lucene=0
fi
if [ $lucene = 1 ]; then
  cp -r "$shared/anchors" "$work/anchors" && chmod -R u+w "$work/anchors"
fi

score() {  # qrels run -> "mrr ndcg r100"
  python3 "$eval_dir/eval.py" "$1" "$2" | awk '/^MRR@10/{m=$2} /^nDCG@10/{n=$2} /^Recall@100/{r=$2} END{print m, n, r}'
}

echo "| set | engine | MRR@10 | nDCG@10 | Recall@100 |"
echo "|---|---|---:|---:|---:|"
for s in "${sets[@]}"; do
  IFS='|' read -r name docs queries qrels <<<"$s"
  "$build/query_service/khabar_eval" "$docs" "$queries" "$work/$name.khabar.trec" "$@" 2>"$work/$name.log"
  read -r m n r <<<"$(score "$qrels" "$work/$name.khabar.trec")"
  echo "| $name | Khabar | $m | $n | $r |"
  if [ $lucene = 1 ]; then
    BENCH_WARMUP_SECONDS=0 BENCH_MIN_PASSES=1 BENCH_MIN_SECONDS=0 JAVA_OPTS=${JAVA_OPTS:--Xmx2g} \
      "$work/anchors/run_lucene" "$docs" "$queries" "$work/lucene_$name" >/dev/null 2>&1
    read -r m n r <<<"$(score "$qrels" "$work/lucene_$name/run.trec")"
    echo "| $name | Lucene 4.10 ArabicAnalyzer+BM25 | $m | $n | $r |"
  fi
done
