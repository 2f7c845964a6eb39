#!/usr/bin/env python3
"""Scaling of Khabar and Lucene with the corpus size, as a table and an SVG.

usage: plot_scaling.py OUT.svg DIR [DIR...]

Each DIR is an OUTDIR of scripts/bench_vs_lucene.sh (lucene/metrics.json and
khabar/metrics.json for one corpus size). Prints a Markdown table (docs,
indexing docs/s, query p50/p99 ms, index MB without stored text, peak RSS)
and writes OUT.svg: three panels (indexing docs/s, query p50 ms, index MB)
against the number of documents, log-scaled x. Stdlib only (no matplotlib on
the dev VM): the SVG is written by hand.
"""
import json
import math
import os
import sys

SERIES = (("lucene", "Lucene 4.10", "#1f77b4"), ("khabar", "Khabar", "#d62728"))
PANELS = (
    ("docs_per_second", "indexing docs/s (higher is better)"),
    ("query_p50_ms", "query p50 ms, top 10 (lower is better)"),
    ("index_mb", "index MB without stored text (lower is better)"),
)


def load(d, engine):
    with open(os.path.join(d, engine, "metrics.json"), encoding="utf-8") as f:
        m = json.load(f)
    m["index_mb"] = m.get("index_size_mb_without_stored_text", m.get("index_size_mb"))
    return m


def panel(x0, y0, w, h, title, points):
    """points: {engine: [(docs, value), ...]}; returns SVG elements."""
    out = []
    xs = [p[0] for ps in points.values() for p in ps]
    ys = [p[1] for ps in points.values() for p in ps]
    lx0, lx1 = math.log10(min(xs)), math.log10(max(xs))
    if lx1 == lx0:
        lx1 = lx0 + 1
    ymax = max(ys) * 1.15 or 1
    px = lambda v: x0 + 50 + (math.log10(v) - lx0) / (lx1 - lx0) * (w - 70)
    py = lambda v: y0 + h - 30 - v / ymax * (h - 60)
    out.append(f'<rect x="{x0}" y="{y0}" width="{w}" height="{h}" fill="white" stroke="#ccc"/>')
    out.append(f'<text x="{x0 + w / 2}" y="{y0 + 16}" text-anchor="middle" font-size="12">{title}</text>')
    out.append(f'<line x1="{x0 + 50}" y1="{py(0)}" x2="{x0 + w - 20}" y2="{py(0)}" stroke="#888"/>')
    out.append(f'<line x1="{x0 + 50}" y1="{py(0)}" x2="{x0 + 50}" y2="{py(ymax)}" stroke="#888"/>')
    for i in range(5):
        v = ymax * i / 4
        label = f"{v:.0f}" if ymax >= 100 else f"{v:.3g}"
        out.append(f'<text x="{x0 + 46}" y="{py(v) + 4}" text-anchor="end" font-size="10">{label}</text>')
    for v in sorted(set(xs)):
        out.append(f'<text x="{px(v)}" y="{y0 + h - 14}" text-anchor="middle" font-size="10">{v // 1000}k</text>')
    for engine, label, color in SERIES:
        ps = sorted(points.get(engine, []))
        if not ps:
            continue
        path = " ".join(f"{px(a):.1f},{py(b):.1f}" for a, b in ps)
        out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        for a, b in ps:
            out.append(f'<circle cx="{px(a):.1f}" cy="{py(b):.1f}" r="3" fill="{color}"/>')
    return out


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    out_svg, dirs = argv[1], argv[2:]
    rows = []
    for d in dirs:
        rows.append({e: load(d, e) for e, _, _ in SERIES})
    rows.sort(key=lambda r: r["khabar"]["docs"])
    print("| docs | engine | indexing docs/s | query p50 ms | query p99 ms | index MB w/o text | peak RSS MB |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for r in rows:
        for e, label, _ in SERIES:
            m = r[e]
            print(f"| {m['docs']} | {label} | {m['docs_per_second']:.0f} | {m['query_p50_ms']:.3f} | "
                  f"{m['query_p99_ms']:.3f} | {m['index_mb']:.1f} | {m['peak_rss_mb']:.0f} |")
    w, h = 330, 240
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{3 * w + 40}" height="{h + 50}" '
           f'font-family="sans-serif">', f'<rect width="100%" height="100%" fill="white"/>']
    for i, (key, title) in enumerate(PANELS):
        pts = {e: [(r[e]["docs"], r[e][key]) for r in rows] for e, _, _ in SERIES}
        svg += panel(10 + i * (w + 10), 10, w, h, title, pts)
    lx = 20
    for _, label, color in SERIES:
        svg.append(f'<rect x="{lx}" y="{h + 25}" width="14" height="4" fill="{color}"/>')
        svg.append(f'<text x="{lx + 20}" y="{h + 31}" font-size="12">{label}</text>')
        lx += 120
    svg.append("</svg>")
    with open(out_svg, "w", encoding="utf-8") as f:
        f.write("\n".join(svg) + "\n")
    print(f"(plot: {out_svg})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
