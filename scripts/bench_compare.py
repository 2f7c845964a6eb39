#!/usr/bin/env python3
"""Khabar vs Lucene side by side, from two anchors-style result folders.

usage: bench_compare.py OUTROOT QUERIES.tsv [QRELS.tsv] [--note TEXT]

Reads OUTROOT/lucene/ and OUTROOT/khabar/ (metrics.json, latencies_ms.txt,
run.trec, as written by ../shared/anchors/run_lucene and khabar_bench), prints
one table with the Khabar/Lucene ratio of every figure, a per-query-type table
and, with QRELS, MRR@10 and Recall@10 of both runs; writes the same as
OUTROOT/comparison.md. Stdlib only.

Query types: gen_queries.py does not label its queries, so they are grouped by
their number of words (2, 3 or 4). latencies_ms.txt lists every timed execution
in order, pass after pass over QUERIES.tsv, so execution i is query i mod N.
"""
import json
import math
import os
import sys

ENGINES = ("lucene", "khabar")
# Other anchors, shown in an extra table when OUTROOT/<engine>/metrics.json
# exists (../shared/anchors/run_all with ENGINES="xapian fts5" OUTROOT).
OTHERS = (("xapian", "Xapian"), ("fts5", "SQLite FTS5"), ("pg", "PostgreSQL"))


def pct(sorted_vals, p):  # nearest rank, as finalize.py
    k = max(0, min(len(sorted_vals) - 1, int(math.ceil(p / 100.0 * len(sorted_vals))) - 1))
    return sorted_vals[k]


def read_queries(path):
    # As the harnesses read them: lines with a tab after a non-empty qid.
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n").rstrip("\r")
            tab = line.find("\t")
            if tab > 0:
                out.append((line[:tab], line[tab + 1:]))
    return out


def read_latencies(path):
    with open(path) as fh:
        return [float(x) for x in fh if x.strip()]


def relevance(qrels_path, run_path):
    q = {}
    with open(qrels_path, encoding="utf-8") as fh:
        for line in fh:
            p = line.split()
            if len(p) >= 4 and float(p[3]) > 0:
                q.setdefault(p[0], set()).add(p[2])
    run = {}
    with open(run_path, encoding="utf-8") as fh:
        for line in fh:
            p = line.split()
            if len(p) >= 6:
                run.setdefault(p[0], []).append((-float(p[4]), int(p[3]), p[2]))
    mrr = rec = 0.0
    for qid, rel in q.items():
        ranked = [d for _, _, d in sorted(run.get(qid, []))][:10]
        for i, d in enumerate(ranked):
            if d in rel:
                mrr += 1.0 / (i + 1)
                break
        rec += len(rel.intersection(ranked)) / len(rel)
    n = max(1, len(q))
    return {"MRR@10": mrr / n, "Recall@10": rec / n}


def fmt(v, nd):
    return "-" if v is None else ("%%.%df" % nd) % v


def ratio(k, l):
    if k is None or l is None or l == 0:
        return "-"
    return "%.2f" % (k / l)


def main():
    args = [a for a in sys.argv[1:]]
    note = None
    if "--note" in args:
        i = args.index("--note")
        note = args[i + 1]
        del args[i:i + 2]
    if len(args) not in (2, 3):
        sys.exit(__doc__)
    root, qpath = args[0], args[1]
    qrels = args[2] if len(args) == 3 else None
    m = {e: json.load(open(os.path.join(root, e, "metrics.json"), encoding="utf-8")) for e in ENGINES}
    L, K = m["lucene"], m["khabar"]
    lines = []
    if note:
        lines += [note, ""]
    lines += ["| figure | Lucene | Khabar | Khabar/Lucene | better |", "|---|---:|---:|---:|---|"]
    rows = [
        ("docs", "docs", 0, None),
        ("index_seconds (read+parse+index until query-ready)", "index_seconds", 2, "lower"),
        ("parse-only seconds (not in index_seconds' ratio)", "parse_seconds", 2, None),
        ("indexing docs/s", "docs_per_second", 0, "higher"),
        ("query p50 ms", "query_p50_ms", 4, "lower"),
        ("query p95 ms", "query_p95_ms", 4, "lower"),
        ("query p99 ms", "query_p99_ms", 4, "lower"),
        ("query mean ms", "query_mean_ms", 4, "lower"),
        ("QPS (1 thread)", "qps", 0, "higher"),
        ("index size MB (Lucene: RAMDirectory; Khabar: memory_bytes)", "index_size_mb", 1, "lower"),
        ("peak RSS MB (Lucene: whole JVM)", "peak_rss_mb", 0, "lower"),
    ]
    for label, key, nd, better in rows:
        lv, kv = L.get(key), K.get(key)
        lines.append("| %s | %s | %s | %s | %s |" % (label, fmt(lv, nd), fmt(kv, nd),
                                                    ratio(kv, lv) if better else "", better or ""))
    kt = K.get("index_size_mb_without_stored_text")
    lines.append("| index MB without stored text (Lucene stores only the id) | %s | %s | %s | lower |"
                 % (fmt(L.get("index_size_mb"), 1), fmt(kt, 1), ratio(kt, L.get("index_size_mb"))))
    lh = L.get("jvm_heap_used_after_gc_mb")
    if lh is not None:
        lines.append("| Lucene live heap after GC MB | %s | | | |" % fmt(lh, 0))
    if K.get("bytes_per_posting") is not None:
        lines.append("| Khabar bytes per posting (without stored text) | | %s | | |"
                     % fmt(K["bytes_per_posting"], 1))
    if qrels:
        rel = {e: relevance(qrels, os.path.join(root, e, "run.trec")) for e in ENGINES}
        for key in ("MRR@10", "Recall@10"):
            lines.append("| %s (known-item qrels) | %s | %s | %s | higher |" % (
                key, fmt(rel["lucene"][key], 3), fmt(rel["khabar"][key], 3),
                ratio(rel["khabar"][key], rel["lucene"][key])))

    queries = read_queries(qpath)
    n = len(queries)
    if n:
        groups = {}
        for i, (_, text) in enumerate(queries):
            groups.setdefault(len(text.split()), []).append(i)
        lat = {e: read_latencies(os.path.join(root, e, "latencies_ms.txt")) for e in ENGINES}
        lines += ["", "Per query type (words per query; every timed execution):", "",
                  "| words | queries | Lucene p50 | Khabar p50 | p50 ratio | Lucene p99 | Khabar p99 | p99 ratio |",
                  "|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for w in sorted(groups):
            members = set(groups[w])
            s = {}
            for e in ENGINES:
                v = sorted(x for i, x in enumerate(lat[e]) if i % n in members)
                s[e] = (pct(v, 50), pct(v, 99)) if v else (None, None)
            lines.append("| %d | %d | %s | %s | %s | %s | %s | %s |" % (
                w, len(members), fmt(s["lucene"][0], 4), fmt(s["khabar"][0], 4),
                ratio(s["khabar"][0], s["lucene"][0]), fmt(s["lucene"][1], 4),
                fmt(s["khabar"][1], 4), ratio(s["khabar"][1], s["lucene"][1])))
    present = [(e, label) for e, label in OTHERS
               if os.path.exists(os.path.join(root, e, "metrics.json"))]
    if present:
        engines = [("lucene", "Lucene 4.10"), ("khabar", "Khabar")] + present
        mm = dict(m)
        for e, _ in present:
            mm[e] = json.load(open(os.path.join(root, e, "metrics.json"), encoding="utf-8"))
        rel = {}
        if qrels:
            rel = {e: relevance(qrels, os.path.join(root, e, "run.trec")) for e, _ in engines
                   if os.path.exists(os.path.join(root, e, "run.trec"))}
        lines += ["", "All engines (each one's own harness, same files; memory as each reports it):", "",
                  "| engine | indexing docs/s | query p50 ms | query p99 ms | index MB | peak RSS MB | MRR@10 |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for e, label in engines:
            x = mm[e]
            size = x.get("index_size_mb_without_stored_text", x.get("index_size_mb"))
            lines.append("| %s | %s | %s | %s | %s | %s | %s |" % (
                label, fmt(x.get("docs_per_second"), 0), fmt(x.get("query_p50_ms"), 4),
                fmt(x.get("query_p99_ms"), 4), fmt(size, 1), fmt(x.get("peak_rss_mb"), 0),
                fmt(rel[e]["MRR@10"], 3) if e in rel else "-"))
    text = "\n".join(lines)
    print(text)
    with open(os.path.join(root, "comparison.md"), "w", encoding="utf-8") as fh:
        fh.write(text + "\n")


if __name__ == "__main__":
    main()
