#!/usr/bin/env bash
# Smoke test of khabar_bench (ctest khabar_bench_smoke): 20 documents and 5
# queries written here, no warm-up, 3 timed passes. Checks that metrics.json
# has every key of the anchors' finalize.py, that run.trec is well-formed
# (qid Q0 docid rank score tag; ranks 1..n, scores not increasing, known ids),
# that latencies_ms.txt has one line per timed execution, and, when
# ../shared/anchors/finalize.py and python3 are there, that finalize.py
# writes the same metrics.json byte for byte; then that bench/cores_ratio.sh
# runs a round on the same files.
#
#   bench/khabar_bench_smoke_test.sh build/bench/khabar_bench [SOURCE_DIR]
set -euo pipefail
bench=$1
src=${2:-$(cd "$(dirname "$0")/.." && pwd)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

words=(غزة قطر الاقتصاد النفط الانتخابات المدرسة الطاقة الشمسية المياه الزراعة
       الصحة المستشفى الجامعة الطلاب الحكومة البرلمان الرياضة الكرة المنتخب السياحة)
: > "$tmp/docs.jsonl"
for i in $(seq 0 19); do
  a=${words[$i]}; b=${words[$(( (i * 7 + 3) % 20 ))]}; c=${words[$(( (i * 3 + 1) % 20 ))]}
  printf '{"id": "d%02d", "title": "%s و%s", "body": "قال مسؤول إن %s و%s في %s.\\nوأضاف أن %s تحتاج إلى دعم %s.", "lang": "ar"}\n' \
    "$i" "$a" "$b" "$a" "$b" "$c" "$c" "$a" >> "$tmp/docs.jsonl"
done
printf 'q1\tغزة قطر\nq2\tالنفط والطاقة\nq3\tالمستشفى الجامعة الطلاب\nq4\tكلمةغيرموجودة\nq5\tالرياضة\n' > "$tmp/queries.tsv"

BENCH_MIN_SECONDS=0 BENCH_WARMUP_SECONDS=0 BENCH_MIN_PASSES=3 BENCH_RUN_DEPTH=5 \
  "$bench" "$tmp/docs.jsonl" "$tmp/queries.tsv" "$tmp/out" > "$tmp/stdout" 2> "$tmp/stderr" \
  || { cat "$tmp/stderr" >&2; fail "khabar_bench exited with $?"; }
out=$tmp/out
for f in raw.json latencies_ms.txt run.trec metrics.json; do
  [ -s "$out/$f" ] || fail "$f missing or empty"
done

# Every key finalize.py writes, plus the engine extras the brief asks for.
for key in engine docs index_seconds docs_per_second mb_per_second peak_rss_mb index_size_mb \
           query_p50_ms query_p95_ms query_p99_ms qps query_mean_ms query_executions docs_mb \
           parse_seconds segments index_memory_bytes bytes_per_posting analysis ranking; do
  grep -q "^ \"$key\": " "$out/metrics.json" || fail "metrics.json has no \"$key\""
done
grep -q '^ "docs": 20,$' "$out/metrics.json" || fail "metrics.json: docs is not 20"
grep -q '^ "query_executions": 15,$' "$out/metrics.json" || fail "metrics.json: not 5 queries x 3 passes"
[ "$(grep -c . "$out/latencies_ms.txt")" -eq 15 ] || fail "latencies_ms.txt: not 15 lines"
grep -vqE '^[0-9]+\.[0-9]{6}$' "$out/latencies_ms.txt" && fail "latencies_ms.txt: a line is not %.6f"
grep -q '"engine": "khabar-' "$tmp/stdout" || fail "no summary line on stdout"

# run.trec: qid Q0 docid rank score tag, per query ranks 1..n (n <= 5) with
# scores not increasing; q4 matches nothing.
awk -v qfile="$tmp/queries.tsv" '
  BEGIN { FS = " "; while ((getline l < qfile) > 0) { split(l, p, "\t"); known[p[1]] = 1 } }
  NF != 6 || $2 != "Q0" || !($1 in known) || $3 !~ /^d[0-9][0-9]$/ || $4 !~ /^[0-9]+$/ ||
    $5 !~ /^-?[0-9]+\.[0-9][0-9][0-9][0-9][0-9][0-9]$/ || $6 == "" { print "bad line " NR ": " $0; bad = 1; next }
  $1 != q { q = $1; if (q in seen) { print "qid " q " not contiguous"; bad = 1 } seen[q] = 1; r = 0; last = "" }
  { r++; if ($4 != r) { print "line " NR ": rank " $4 ", want " r; bad = 1 }
    if (last != "" && $5 + 0 > last + 0) { print "line " NR ": score rises"; bad = 1 }
    if (r > 5) { print "line " NR ": deeper than BENCH_RUN_DEPTH"; bad = 1 }
    last = $5 }
  END { if (!("q1" in seen) || !("q5" in seen)) { print "q1 or q5 has no hits"; bad = 1 }
        if ("q4" in seen) { print "q4 should match nothing"; bad = 1 }
        exit bad }' "$out/run.trec" || fail "run.trec is not well-formed"
grep -q '^q1 Q0 d00 1 ' "$out/run.trec" || fail "q1 (غزة قطر) does not rank d00 (title غزة وقطر) first"

# The same metrics.json as the anchors' own finalize.py, when it is here.
finalize=$src/../shared/anchors/finalize.py
if [ -f "$finalize" ] && command -v python3 >/dev/null; then
  mkdir "$tmp/py" && cp "$out/raw.json" "$out/latencies_ms.txt" "$tmp/py/"
  python3 "$finalize" "$tmp/py" > /dev/null
  cmp "$out/metrics.json" "$tmp/py/metrics.json" || {
    diff "$out/metrics.json" "$tmp/py/metrics.json" >&2; fail "metrics.json differs from finalize.py's"; }
  echo "metrics.json is byte-identical to finalize.py's"
else
  echo "note: $finalize or python3 absent; finalize.py comparison skipped"
fi

# A bad knob is a usage error naming it.
if BENCH_K=zero "$bench" "$tmp/docs.jsonl" "$tmp/queries.tsv" "$tmp/out2" 2> "$tmp/err2"; then
  fail "BENCH_K=zero accepted"
fi
grep -q "BENCH_K" "$tmp/err2" || fail "BENCH_K=zero: message does not name BENCH_K"
# bench/cores_ratio.sh on the same files: one round (the binary against itself
# as the base), the ratio and the means printed.
if command -v python3 > /dev/null; then
  KHABAR_BENCH="$bench" "$src/bench/cores_ratio.sh" "$tmp/docs.jsonl" "$tmp/queries.tsv" 1 "$bench" \
    > "$tmp/ratio" 2>&1 || { cat "$tmp/ratio" >&2; fail "cores_ratio.sh failed"; }
  grep -q "^round 1: two cores .* ratio .*x, base two cores" "$tmp/ratio" ||
    { cat "$tmp/ratio" >&2; fail "cores_ratio.sh: no round line"; }
  grep -q "^mean: .* ratio .*x" "$tmp/ratio" || { cat "$tmp/ratio" >&2; fail "cores_ratio.sh: no mean"; }
fi
echo "khabar_bench smoke: ok"
