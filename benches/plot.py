#!/usr/bin/env python3
"""Draws the archive benchmark's scaling plot from benches/archive.sh's results.json.

    python3 benches/plot.py [RESULTS.json] [-o docs/benchmarks-scaling.svg] [--run RUN_ID]
                            [--commit SHA_PREFIX]

Two log-log panels against archive size (articles): wall time and peak RSS of
`reprint scan --no-passages` (near-duplicates only) and `reprint scan` (with passages). For each
(size, mode) the latest record is drawn (restricted to one run or commit when asked). Grey dashed
lines are the targets: the time at which the scan would run at 240 MB/s (near-duplicates) and
80 MB/s (with passages), and the memory budget of 1.5 KB per article + 300 MB.

Standard library only: the SVG is written by hand, so this runs on a fresh machine.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from xml.sax.saxutils import escape

MODES = [  # (mode in results.json, legend label, colour, target MB/s)
    ("near-duplicate", "scan --no-passages (near-duplicates)", "#1f77b4", 240.0),
    ("passages", "scan (with passages)", "#d62728", 80.0),
]
GREY = "#888888"
HALO = "stroke='white' stroke-width='2.5' stroke-linejoin='round' paint-order='stroke'"
FONT = "font-family='DejaVu Sans, Helvetica, Arial, sans-serif'"


def load(path: str, run: str | None, commit: str | None) -> dict:
    with open(path) as f:
        recs = json.load(f)
    if run:
        recs = [r for r in recs if r.get("run_id") == run]
    if commit:
        recs = [r for r in recs if r.get("git_commit", "").startswith(commit)]
    latest: dict[tuple[int, str], dict] = {}
    for r in recs:  # records are appended in time order: the last one wins
        latest[(r["articles"], r["mode"])] = r
    return latest


def fmt_num(v: float) -> str:
    if v >= 1e6 and v % 1e6 == 0:
        return f"{v / 1e6:g}M"
    if v >= 1e3 and v % 1e3 == 0:
        return f"{v / 1e3:g}k"
    return f"{v:g}"


def log_ticks(lo: float, hi: float) -> tuple[list[float], float, float]:
    """Tick values at 1, 2, 5 × 10^k covering [lo, hi], and the axis range (decade-aligned
    when that does not waste much room)."""
    a = 10 ** math.floor(math.log10(lo))
    b = 10 ** math.ceil(math.log10(hi))
    ticks = []
    k = a
    while k <= b * 1.0001:
        for m in (1, 2, 5):
            t = k * m
            if a * 0.999 <= t <= b * 1.001:
                ticks.append(t)
        k *= 10
    # Trim the range to the ticks just around the data.
    below = [t for t in ticks if t <= lo * 1.0001]
    above = [t for t in ticks if t >= hi * 0.9999]
    lo_ax, hi_ax = (below[-1] if below else a), (above[0] if above else b)
    return [t for t in ticks if lo_ax <= t <= hi_ax], lo_ax, hi_ax


class Panel:
    def __init__(self, x0, y0, w, h, xr, yr):
        self.x0, self.y0, self.w, self.h = x0, y0, w, h
        self.lx = (math.log10(xr[0]), math.log10(xr[1]))
        self.ly = (math.log10(yr[0]), math.log10(yr[1]))

    def px(self, x: float) -> float:
        return self.x0 + (math.log10(x) - self.lx[0]) / (self.lx[1] - self.lx[0]) * self.w

    def py(self, y: float) -> float:
        return self.y0 + self.h - (math.log10(y) - self.ly[0]) / (self.ly[1] - self.ly[0]) * self.h


def panel_svg(p: Panel, xticks, yticks, title, ylabel, series, refs, failed) -> list[str]:
    out = [f"<rect x='{p.x0}' y='{p.y0}' width='{p.w}' height='{p.h}' fill='white' "
           f"stroke='#333' stroke-width='1'/>"]
    for t in xticks:
        x = p.px(t)
        major = math.log10(t) % 1 == 0
        out.append(f"<line x1='{x:.1f}' y1='{p.y0}' x2='{x:.1f}' y2='{p.y0 + p.h}' "
                   f"stroke='#ddd' stroke-width='{1 if major else 0.5}'/>")
        out.append(f"<line x1='{x:.1f}' y1='{p.y0 + p.h}' x2='{x:.1f}' y2='{p.y0 + p.h + 5}' "
                   f"stroke='#333'/>")
        out.append(f"<text x='{x:.1f}' y='{p.y0 + p.h + 18}' font-size='11' text-anchor='middle' "
                   f"{FONT}>{fmt_num(t)}</text>")
    for t in yticks:
        y = p.py(t)
        major = math.log10(t) % 1 == 0
        out.append(f"<line x1='{p.x0}' y1='{y:.1f}' x2='{p.x0 + p.w}' y2='{y:.1f}' "
                   f"stroke='#ddd' stroke-width='{1 if major else 0.5}'/>")
        out.append(f"<line x1='{p.x0 - 5}' y1='{y:.1f}' x2='{p.x0}' y2='{y:.1f}' stroke='#333'/>")
        out.append(f"<text x='{p.x0 - 8}' y='{y + 4:.1f}' font-size='11' text-anchor='end' "
                   f"{FONT}>{fmt_num(t)}</text>")
    out.append(f"<text x='{p.x0 + p.w / 2}' y='{p.y0 - 10}' font-size='14' font-weight='bold' "
               f"text-anchor='middle' {FONT}>{escape(title)}</text>")
    out.append(f"<text x='{p.x0 + p.w / 2}' y='{p.y0 + p.h + 38}' font-size='12' "
               f"text-anchor='middle' {FONT}>archive size (articles, log scale)</text>")
    cy = p.y0 + p.h / 2
    out.append(f"<text x='{p.x0 - 52}' y='{cy}' font-size='12' text-anchor='middle' "
               f"transform='rotate(-90 {p.x0 - 52} {cy})' {FONT}>{escape(ylabel)}</text>")
    out.append(f"<clipPath id='clip{p.x0}'><rect x='{p.x0}' y='{p.y0}' width='{p.w}' "
               f"height='{p.h}'/></clipPath>")
    for pts, colour, label in refs:
        d = " ".join(f"{p.px(x):.1f},{p.py(y):.1f}" for x, y in pts)
        out.append(f"<polyline points='{d}' fill='none' stroke='{colour}' stroke-width='1.2' "
                   f"stroke-dasharray='5 4' clip-path='url(#clip{p.x0})'/>")
        # Label the line a little right of the panel's middle, just under it.
        x, y = min(pts, key=lambda q: abs(p.px(q[0]) - (p.x0 + 0.62 * p.w)))
        out.append(f"<text x='{p.px(x):.1f}' y='{p.py(y) + 13:.1f}' font-size='10' "
                   f"text-anchor='start' fill='{colour}' {HALO} {FONT}>{escape(label)}</text>")
    for pts, colour in series:
        d = " ".join(f"{p.px(x):.1f},{p.py(y):.1f}" for x, y in pts)
        out.append(f"<polyline points='{d}' fill='none' stroke='{colour}' stroke-width='2.2'/>")
        for i, (x, y) in enumerate(pts):
            out.append(f"<circle cx='{p.px(x):.1f}' cy='{p.py(y):.1f}' r='4' fill='{colour}'/>")
            lab = f"{y:.2f}" if y < 10 else f"{y:.1f}" if y < 100 else f"{y:,.0f}"
            last = i == len(pts) - 1 and len(pts) > 1
            # Above-right of the point; above-left for the last one (the panel's right edge).
            out.append(f"<text x='{p.px(x) + (-8 if last else 7):.1f}' y='{p.py(y) - 7:.1f}' "
                       f"font-size='11' text-anchor='{'end' if last else 'start'}' "
                       f"{HALO} fill='{colour}' {FONT}>{lab}</text>")
    for x, y, colour, label in failed:
        cx, cy, r = p.px(x), p.py(y), 5
        out.append(f"<path d='M{cx - r:.1f},{cy - r:.1f} L{cx + r:.1f},{cy + r:.1f} "
                   f"M{cx - r:.1f},{cy + r:.1f} L{cx + r:.1f},{cy - r:.1f}' stroke='{colour}' "
                   f"stroke-width='2.2'/>")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results", nargs="?", default="target/bench/results.json")
    ap.add_argument("-o", "--output", default="docs/benchmarks-scaling.svg")
    ap.add_argument("--run", help="only records of this run_id")
    ap.add_argument("--commit", help="only records whose git_commit starts with this")
    args = ap.parse_args()

    latest = load(args.results, args.run, args.commit)
    if not latest:
        print(f"plot.py: no usable records in {args.results}", file=sys.stderr)
        return 1
    sizes = sorted({n for n, _ in latest})
    ok = {k: r for k, r in latest.items() if r.get("exit_code") in (0, 1)}
    bad = {k: r for k, r in latest.items() if r.get("exit_code") not in (0, 1)}
    bytes_per_article = (sum(r["archive_bytes"] for r in latest.values())
                         / sum(r["articles"] for r in latest.values()))

    time_series, mem_series, times, mems = [], [], [], []
    failed_t, failed_m = [], []
    for mode, _, colour, _ in MODES:
        pts_t = [(n, ok[(n, mode)]["wall_s"]) for n in sizes if (n, mode) in ok]
        pts_m = [(n, ok[(n, mode)]["peak_rss_bytes"] / 1e6) for n in sizes if (n, mode) in ok]
        if pts_t:
            time_series.append((pts_t, colour))
            mem_series.append((pts_m, colour))
            times += [y for _, y in pts_t]
            mems += [y for _, y in pts_m]
        for n in sizes:
            r = bad.get((n, mode))
            if r is None:
                continue
            cap = f": {r['mem_limit_mb'] / 1024:g} GiB cap" if r.get("mem_limit_mb") else ""
            label = f"{n:,} articles, {mode}, aborted (exit {r['exit_code']}{cap})"
            failed_t.append((n, r["wall_s"], colour, label))
            failed_m.append((n, r["peak_rss_bytes"] / 1e6, colour, label))
            times.append(r["wall_s"])
            mems.append(r["peak_rss_bytes"] / 1e6)
    lo_n, hi_n = min(sizes), max(sizes)
    if lo_n == hi_n:
        lo_n, hi_n = lo_n / 2, hi_n * 2
    # Targets, as smooth curves over the plotted range.
    grid = [lo_n * (hi_n / lo_n) ** (i / 40) for i in range(41)]
    time_refs = [([(n, n * bytes_per_article / 1e6 / mbps) for n in grid], GREY,
                  f"{mbps:g} MB/s") for mode, _, _, mbps in MODES
                 if any(m == mode for _, m in latest)]
    mem_refs = [([(n, (1500 * n + 300e6) / 1e6) for n in grid], GREY,
                 "1.5 KB/article + 300 MB")]
    times += [y for pts, _, _ in time_refs for _, y in pts]
    mems += [y for pts, _, _ in mem_refs for _, y in pts]

    xticks, x0, x1 = log_ticks(lo_n, hi_n)
    tt, t0, t1 = log_ticks(min(times), max(times))
    mt, m0, m1 = log_ticks(min(mems), max(mems))

    W, H = 960, 490
    pw, ph = 360, 300
    p1 = Panel(90, 60, pw, ph, (x0, x1), (t0, t1))
    p2 = Panel(90 + pw + 130, 60, pw, ph, (x0, x1), (m0, m1))

    first = next(iter(latest.values()))
    commits = sorted({r.get("git_commit", "")[:7] or "?" for r in latest.values()})
    machine = first["machine"]
    subtitle = (f"reprint at {', '.join(commits)} on {machine['cpu_model']}, {machine['nproc']} cores"
                f" (shared); one run per point; synthetic archives ≈ "
                f"{bytes_per_article / 1e3:.1f} KB/article")

    svg = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{W}' height='{H}' "
           f"viewBox='0 0 {W} {H}'>",
           f"<rect width='{W}' height='{H}' fill='white'/>"]
    svg += panel_svg(p1, xticks, tt, "Wall time", "wall time (s, log scale)", time_series,
                     time_refs, failed_t)
    svg += panel_svg(p2, xticks, mt, "Peak memory", "peak RSS (MB, log scale)", mem_series,
                     mem_refs, failed_m)
    # Legend, below the panels.
    ly = 60 + ph + 62
    lx = 90
    for mode, label, colour, _ in MODES:
        if not any(m == mode for _, m in latest):
            continue
        svg.append(f"<line x1='{lx}' y1='{ly}' x2='{lx + 28}' y2='{ly}' stroke='{colour}' "
                   f"stroke-width='2.2'/><circle cx='{lx + 14}' cy='{ly}' r='4' fill='{colour}'/>")
        svg.append(f"<text x='{lx + 36}' y='{ly + 4}' font-size='12' {FONT}>{escape(label)}</text>")
        lx += 300
    svg.append(f"<line x1='{lx}' y1='{ly}' x2='{lx + 28}' y2='{ly}' stroke='{GREY}' "
               f"stroke-width='1.2' stroke-dasharray='5 4'/>")
    svg.append(f"<text x='{lx + 36}' y='{ly + 4}' font-size='12' {FONT}>target</text>")
    if failed_t:
        # One legend line for the runs that did not complete (drawn as × where they stopped).
        labels = sorted({lab for _, _, _, lab in failed_t})
        ly += 22
        cx = 90 + 14
        svg.append(f"<path d='M{cx - 5},{ly - 5} L{cx + 5},{ly + 5} M{cx - 5},{ly + 5} "
                   f"L{cx + 5},{ly - 5}' stroke='#333' stroke-width='2.2'/>")
        svg.append(f"<text x='{90 + 36}' y='{ly + 4}' font-size='12' {FONT}>"
                   f"{escape('scan did not complete: ' + '; '.join(labels))}, plotted where it "
                   f"stopped</text>")
    svg.append(f"<text x='{W / 2}' y='{H - 12}' font-size='11' fill='#555' text-anchor='middle' "
               f"{FONT}>{escape(subtitle)}</text>")
    svg.append("</svg>")

    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w") as f:
        f.write("\n".join(svg) + "\n")
    print(f"plot.py: wrote {args.output} ({len(ok)} points, {len(bad)} failed runs, "
          f"sizes {sizes})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
