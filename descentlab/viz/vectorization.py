"""Figures for the "Vectorization" page: for-loop vs numpy times per operation (log axis, speed-up
written on the bars) and the speed-up against the size. Inputs are descentlab.lessons.vectorization.Timing
objects (or anything with the same attributes)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from descentlab.viz.figure import figure
from descentlab.viz.style import (
    BLUE,
    GREY,
    VERMILLION,
    Style,
    layer_colors,
    resolve,
    style_layout,
)

LOOP_COLOR, NUMPY_COLOR = VERMILLION, BLUE


def format_seconds(t: float) -> str:
    """3 significant digits in the unit that fits: 12.3 µs, 4.56 ms, 1.23 s."""
    if not math.isfinite(t):
        return "–"
    for unit, factor in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if t >= factor:
            return f"{t / factor:.3g} {unit}"
    return f"{t * 1e9:.3g} ns"


def format_speedup(x: float) -> str:
    return f"×{x:,.0f}" if x >= 10 else f"×{x:.1f}"


def _two_lines(label: str) -> str:
    """"Logistic-regression step" -> "Logistic-regression<br>step": long labels break instead of tilting."""
    head, _, tail = label.rpartition(" ")
    return f"{head}<br>{tail}" if head and len(label) > 12 else label


def timings_figure(timings, labels: dict[str, str], style: Style | None = None) -> go.Figure:
    """Two bars per operation (for-loop, numpy) on a log time axis; the loop bar carries the speed-up.
    Loop bars that were extrapolated from a prefix are hatched."""
    s = resolve(style)
    names = [_two_lines(labels.get(t.op, t.op)) for t in timings]
    loop = np.array([t.loop_seconds for t in timings], float)
    vec = np.array([t.vector_seconds for t in timings], float)
    hatched = ["/" if t.extrapolated else "" for t in timings]
    n = timings[0].n if timings else 0
    data = [
        dict(type="bar", x=names, y=loop, name="Python for-loop", marker=dict(color=LOOP_COLOR,
             pattern=dict(shape=hatched, fgcolor="#FFFFFF", solidity=0.35)),
             text=[f"<b>{format_speedup(t.speedup)}</b>" for t in timings], textposition="outside", cliponaxis=False,
             textfont=dict(size=int(s.text * 1.05)),
             customdata=[[format_seconds(x), "extrapolated from " + f"{t.loop_fraction:.0%} of the work"
                          if t.extrapolated else "measured"] for x, t in zip(loop, timings)],
             hovertemplate="%{x}<br>for-loop: %{customdata[0]} (%{customdata[1]})<extra></extra>"),
        dict(type="bar", x=names, y=vec, name="numpy (vectorized)", marker=dict(color=NUMPY_COLOR),
             customdata=[format_seconds(x) for x in vec],
             hovertemplate="%{x}<br>numpy: %{customdata}<extra></extra>"),
    ]
    # short: a legend's title does not wrap, and at presentation size a longer one ran past the chart
    layout = style_layout(s, title=f"Time per operation, n = {n:,}", legend=True)
    top = float(np.nanmax(loop)) if len(loop) else 1.0
    bottom = float(np.nanmin(vec)) if len(vec) else 1e-6
    lo, hi = math.floor(math.log10(bottom) - 0.5), math.ceil(math.log10(top) + 0.8)
    decades = [10.0 ** k for k in range(lo, hi + 1)]  # one labelled tick per decade: 1 µs, 10 µs, ...
    layout.update(barmode="group", bargap=0.25,
                  xaxis=dict(tickfont=dict(size=int(s.text * 0.95)), tickangle=0),
                  yaxis=dict(type="log", title=dict(text="time (log scale; lower is faster)"), tickvals=decades,
                             ticktext=[format_seconds(d) for d in decades],
                             range=[math.log10(bottom) - 0.5, math.log10(top) + 0.8]))
    return figure(data, layout)


def speedup_figure(timings, labels: dict[str, str], style: Style | None = None) -> go.Figure:
    """numpy's speed-up against n, one line per operation, log-log, with ×1 (no gain) dotted."""
    s = resolve(style)
    ops = list(dict.fromkeys(t.op for t in timings))
    data = []
    for op, color in zip(ops, layer_colors(len(ops))):
        pts = sorted((t.n, t.speedup) for t in timings if t.op == op)
        data.append(dict(type="scatter", x=[p[0] for p in pts], y=[p[1] for p in pts], mode="lines+markers",
                         name=labels.get(op, op), line=dict(color=color, width=s.line_width),
                         marker=dict(size=s.marker_size * 1.3, color=color),
                         hovertemplate=f"{labels.get(op, op)}<br>n = %{{x:,}}<br>speed-up ×%{{y:,.1f}}<extra></extra>"))
    layout = style_layout(s, title="How much faster numpy is, by size", legend=True)
    layout.update(xaxis=dict(type="log", title=dict(text="n (elements of work)"), exponentformat="power"),
                  yaxis=dict(type="log", title=dict(text="speed-up (loop time / numpy time)")),
                  shapes=[dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=1, y1=1,
                               line=dict(color=GREY, dash="dot", width=1.5))])
    return figure(data, layout)


def timings_table(timings, labels: dict[str, str]) -> pd.DataFrame:
    """One row per operation: arrays, both times, speed-up, how much of the loop really ran."""
    return pd.DataFrame([{
        "operation": labels.get(t.op, t.op), "arrays": t.shapes,
        "for-loop": format_seconds(t.loop_seconds) + (" *" if t.extrapolated else ""),
        "numpy": format_seconds(t.vector_seconds), "speed-up": format_speedup(t.speedup),
        "loop ran on": f"{t.loop_fraction:.0%} of the work" if t.extrapolated else "all of it",
        "same numbers": "✓" if t.agree else "✗"} for t in timings])


def measured_caption(timings, now: float | None = None, cores: int | None = None) -> str:
    """When these (shared) timings were measured and how busy the server was: a loop and numpy slow
    down differently under load, so a ratio measured on a busy server is not the one the course quotes."""
    import math
    import os
    import time

    if not timings:
        return ""
    now = time.time() if now is None else now
    cores = cores or os.cpu_count() or 1
    oldest = min(t.measured_at for t in timings)
    seconds = max(0.0, now - oldest)
    ago = ("just now" if seconds < 60 else f"{seconds / 60:.0f} minute{'s' if seconds >= 90 else ''} ago"
           if seconds < 3600 else f"{seconds / 3600:.1f} hours ago")
    load = max((t.load for t in timings if not math.isnan(t.load)), default=math.nan)
    busy = "" if math.isnan(load) else (
        f", while the server's load was {load:.1f} on {cores} core{'s' if cores > 1 else ''}"
        + (" (busy: both sides ran slower, and not by the same factor)" if load > 0.75 * cores else ""))
    return (f"Measured {ago}{busy}. Each time is the best of several runs; press Measure again for a "
            "fresh measurement of your own.")
