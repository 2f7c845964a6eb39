#!/usr/bin/env python3
"""Per-query latencies of a side-by-side run, Khabar against Lucene.

    scripts/per_query_ratios.py /tmp/khabar_bench_200000 [--set term] [--top 15]

Reads DIR/{khabar,lucene}/latencies_ms.txt and DIR/queries.tsv (or
DIR/term/... with --set term), as written by scripts/bench_vs_lucene.sh.
Execution i ran query i mod Q (both harnesses cycle through the queries in
file order), so each query's latency is the median of its executions. Prints
the slowest queries for Khabar with their ratio to Lucene, the share of
Khabar's total time they take, and the quartiles of the per-query ratios:
where a tail comes from a handful of queries, this names them.
"""
import argparse
import statistics
import sys
from pathlib import Path

from bench_compare import read_latencies, read_queries  # as the harnesses read them


def per_query(path, n):
    runs = {}
    for i, ms in enumerate(read_latencies(path)):
        runs.setdefault(i % n, []).append(ms)
    if len(runs) != n:
        sys.exit(f"{path}: {len(runs)} queries timed, {n} in the query file")
    return [statistics.median(runs[q]) for q in range(n)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", type=Path)
    ap.add_argument("--set", choices=["mixed", "term"], default="mixed")
    ap.add_argument("--top", type=int, default=15)
    a = ap.parse_args()
    d = a.dir / "term" if a.set == "term" else a.dir
    queries = [text for _, text in read_queries(d / "queries.tsv")]
    n = len(queries)
    k = per_query(d / "khabar" / "latencies_ms.txt", n)
    lu = per_query(d / "lucene" / "latencies_ms.txt", n)
    total = sum(k)
    order = sorted(range(n), key=lambda q: -k[q])
    print(f"{n} queries; sum of per-query medians: Khabar {total:.2f} ms, Lucene {sum(lu):.2f} ms")
    print("khabar_ms  lucene_ms  ratio  share  query")
    for q in order[: a.top]:
        print(f"{k[q]:9.3f}  {lu[q]:9.3f}  {k[q] / lu[q]:5.2f}  {k[q] / total:5.1%}  {queries[q]}")
    ratios = sorted(k[q] / lu[q] for q in range(n))
    print("per-query ratio quartiles: %.2f %.2f %.2f" % (ratios[n // 4], ratios[n // 2], ratios[3 * n // 4]))


if __name__ == "__main__":
    main()
