"""Weights: their distribution over training time (TensorBoard's histogram view), the current
histogram of W[l] and b[l], and a weight matrix as a heatmap.

Bins are shared across time so a column-to-column change means the weights moved, not the bins.
Counts are drawn as log(1 + count): one bin holding most weights would otherwise wash out the rest.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from descentlab.viz.arrays import f32
from descentlab.viz.figure import colorbar_carrier, drop_none, figure
from descentlab.viz.histogram_picture import histogram_image, legend_only
from descentlab.viz.png import png_uri
from descentlab.viz.series import nice_ceiling, stepped_value_range
from descentlab.viz.style import (
    BLUE,
    DIVERGING_SCALE,
    ORANGE,
    SEQUENTIAL_SCALE,
    Style,
    colorscale,
    resolve,
    scale_lut,
    style_layout,
)

N_BINS = 40
BAR_OPACITY = 0.7


def n_bins(size: int) -> int:
    """About 2√n bins, between 10 and N_BINS: 12 weights in 40 bins would be mostly empty rows."""
    return int(np.clip(round(2 * np.sqrt(max(size, 1))), 10, N_BINS))


def _finite(a) -> np.ndarray:
    a = np.asarray(a, float).ravel()
    return a[np.isfinite(a)]


def _histograms(values: np.ndarray, sizes, edges: np.ndarray) -> np.ndarray:
    """``np.histogram(_finite(part), edges)[0]`` of each consecutive part of ``values`` (``sizes`` long)
    as the columns of one (bins, parts) matrix, in one pass: a loop costs ~40 µs per snapshot."""
    n, k = len(edges) - 1, len(sizes)
    part = np.repeat(np.arange(k), sizes)
    keep = np.isfinite(values) & (values >= edges[0]) & (values <= edges[-1])  # what np.histogram counts
    b = np.minimum(np.searchsorted(edges, values[keep], side="right") - 1, n - 1)  # last bin: right edge in
    return np.bincount(b * k + part[keep], minlength=n * k).reshape(n, k)


def weights_over_time_figure(snapshots_params, layer: int, style: Style | None = None,
                             live: bool = False) -> go.Figure:
    """Histogram of W[layer] at every snapshot as one Heatmap: x = iteration (exactly the snapshot
    iterations), y = weight value (stepped bins shared across time, stepped_bins), colour =
    log(1 + count) up to a stepped count. The axes end at stepped values.

    ``snapshots_params`` is a list of (iteration, params) pairs, e.g.
    ``[(i, trainer.params_at(i)) for i in trainer.snapshots.iterations]``. ``live`` (a frame while
    training plays): the heatmap is one picture (over_time_image) and the trace carries only the
    colour bar; hover shows each cell's count once paused."""
    s = resolve(style)
    items = list(snapshots_params)
    Ws = [np.asarray(p[f"W{layer}"], float).ravel() for _, p in items]
    values = np.concatenate(Ws) if Ws else np.zeros(0)
    edges = stepped_bins([values], n_bins(Ws[0].size if Ws else 0))
    counts = _histograms(values, [W.size for W in Ws], edges)
    its = np.array([it for it, _ in items], np.int32)
    centres = f32((edges[:-1] + edges[1:]) / 2)
    top_count = nice_ceiling(max(int(counts.max()) if counts.size else 1, 1))
    zmax = float(np.log1p(top_count))
    ticks = [t for t in (0, 1, 10, 100, 1_000, 10_000, 100_000) if t <= top_count]
    x_range = [0.0, _iteration_top(its)]
    z = f32(np.where(counts > 0, np.log1p(counts), np.nan))  # empty bins stay transparent
    bar = dict(title=dict(text="count", side="right"), thickness=14, len=0.85,
               tickvals=np.log1p(ticks).tolist(), ticktext=[f"{t:,}" for t in ticks])
    if live:  # the cells are a picture; a heatmap without values would draw no colour bar
        trace = colorbar_carrier(colorscale(SEQUENTIAL_SCALE), 0.0, zmax, bar)
    else:
        trace = dict(type="heatmap", x=its, y=centres, z=z, customdata=counts.astype(np.int32), zmin=0,
                     zmax=zmax, hoverongaps=False, colorscale=colorscale(SEQUENTIAL_SCALE), colorbar=bar,
                     hovertemplate="iteration %{x}<br>w ≈ %{y:.3g}<br>%{customdata} weights<extra></extra>")
    layout = style_layout(s, title=f"W[{layer}] over time", legend=False)
    layout.update(xaxis=dict(title=dict(text="iteration"), range=x_range),
                  yaxis=dict(title=dict(text=f"W[{layer}] value"), range=[float(edges[0]), float(edges[-1])]))
    if live:
        layout["images"] = [over_time_image(its, counts, edges, zmax, x_range)]
    return figure([trace], layout)


OVER_TIME_COLUMNS = 600  # picture columns across the iteration axis: more than its drawn width in px
OVER_TIME_ROWS = 128     # picture rows (each bin a whole number of them): bin edges stay sharp when drawn
_OVER_TIME_LEVELS = 64
_OVER_TIME_PALETTE = scale_lut(SEQUENTIAL_SCALE, _OVER_TIME_LEVELS).tobytes() + bytes(3)  # + empty: transparent
_OVER_TIME_ALPHA = bytes([255] * _OVER_TIME_LEVELS + [0])


def over_time_image(its: np.ndarray, counts: np.ndarray, edges: np.ndarray, zmax: float, x_range) -> dict:
    """The heatmap of ``counts`` (bins x snapshots) as a palette PNG over the whole x range: column
    by column, the snapshot whose cell (from midpoint to midpoint, as Plotly's heatmap draws it)
    holds that column's iteration; each bin a band of rows; empty bins and iterations after the
    last cell transparent. Spanning the axis's range, the image stays where it is while the run
    grows, so a live frame swaps its picture alone."""
    n_bins = counts.shape[0]
    x0, x1 = x_range
    t = x0 + (np.arange(OVER_TIME_COLUMNS) + 0.5) * ((x1 - x0) / OVER_TIME_COLUMNS)
    levels = np.full((n_bins, OVER_TIME_COLUMNS), _OVER_TIME_LEVELS, np.uint8)  # the transparent entry
    if len(its):
        first, last = _cells_span(its)
        shown = (t >= first) & (t <= last)
        c = counts[:, np.searchsorted((its[1:] + its[:-1]) / 2, t)]
        level = np.rint(np.log1p(c) / (zmax or 1.0) * (_OVER_TIME_LEVELS - 1)).clip(0, _OVER_TIME_LEVELS - 1)
        levels = np.where((c > 0) & shown, level, _OVER_TIME_LEVELS).astype(np.uint8)
    rows = np.repeat(levels[::-1], max(1, OVER_TIME_ROWS // max(n_bins, 1)), axis=0)  # top bin first
    return dict(source=png_uri(rows, _OVER_TIME_PALETTE, level=1, alpha=_OVER_TIME_ALPHA), xref="x", yref="y",
                x=float(x0), y=float(edges[-1]), sizex=float(x1 - x0), sizey=float(edges[-1] - edges[0]),
                sizing="stretch", layer="above", name="weights over time")


def _cells_span(its: np.ndarray) -> tuple[float, float]:
    """Where the heatmap's first cell starts and its last ends: half a step beyond the first and last
    snapshot (half an iteration with one snapshot), as Plotly draws a heatmap's cells."""
    its = np.asarray(its, float)
    if len(its) < 2:
        return its[0] - 0.5, its[0] + 0.5
    return its[0] - (its[1] - its[0]) / 2, its[-1] + (its[-1] - its[-2]) / 2


def _iteration_top(its: np.ndarray) -> float:
    """Where the iteration axis ends: past the last snapshot's cell, at a nice_ceiling step."""
    return nice_ceiling(max(_cells_span(its)[1], 1.0)) if len(its) else 1.0


def stepped_bins(arrays, n_bins: int = N_BINS) -> np.ndarray:
    """n_bins + 1 edges from 0 or below the smallest finite value to 0 or above the largest, each end
    a nice_ceiling step: while training moves the weights a live chart's bins stay put, and a frame
    changes only the counts ([-0.5, 0.5] when every value is 0)."""
    vals = [v for v in (_finite(a) for a in arrays) if v.size]
    lo = min((float(v.min()) for v in vals), default=0.0)
    hi = max((float(v.max()) for v in vals), default=0.0)
    lo = -nice_ceiling(min(-lo, 1e300)) if lo < 0 else 0.0
    hi = nice_ceiling(min(hi, 1e300)) if hi > 0 else 0.0
    if hi - lo <= 0:
        lo, hi = -0.5, 0.5
    return np.linspace(lo, hi, n_bins + 1)


def weight_histogram_figure(params, layer: int, style: Style | None = None, live: bool = False) -> go.Figure:
    """The current distribution of W[layer] and b[layer] on shared, stepped bins (stepped_bins); the
    count axis ends at a stepped value. Two Bar traces: W, b. ``live`` (a frame while training plays):
    the bars are one picture (histogram_image) and the traces stay empty, for the legend."""
    s = resolve(style)
    W, b = _finite(params[f"W{layer}"]), _finite(params[f"b{layer}"])
    edges = stepped_bins([W, b], n_bins(W.size))
    centres, width = f32((edges[:-1] + edges[1:]) / 2), float(edges[1] - edges[0])
    data, counts, colors = [], [], (BLUE, ORANGE)
    for (name, vals), color in zip(((f"W[{layer}]", W), (f"b[{layer}]", b)), colors):
        counts.append(np.histogram(vals, bins=edges)[0].astype(np.int32))
        bars = legend_only(centres) if live else dict(
            x=centres, y=counts[-1], hovertemplate=f"{name}<br>value ≈ %{{x:.3g}}<br>%{{y}} values<extra></extra>")
        data.append(dict(type="bar", **bars, width=width, name=f"{name} ({vals.size})", opacity=BAR_OPACITY,
                         marker=dict(color=color, line=dict(width=0))))
    layout = style_layout(s, title=f"Layer {layer}: weights and biases", legend=True)
    top = stepped_value_range(np.concatenate(counts))
    layout.update(barmode="overlay", bargap=0, xaxis=dict(title=dict(text="value"), range=[edges[0], edges[-1]]),
                  yaxis=drop_none(dict(title=dict(text="count"), range=top, dtick=1 if top[1] <= 8 else None)))  # counts: whole ticks
    if live:
        layout["images"] = [histogram_image(edges, counts, list(colors), BAR_OPACITY, top[1], top)]
    return figure(data, layout)


def weight_matrix_figure(W, layer: int | None = None, style: Style | None = None) -> go.Figure:
    """W as a heatmap, one row per unit (unit 1 on top), one column per input; blue positive, orange
    negative, symmetric around 0. Identical rows (zero initialization) show as identical stripes."""
    s = resolve(style)
    W = f32(W)
    peak = float(np.nanmax(np.abs(W))) if W.size and np.isfinite(W).any() else 0.0
    peak = peak if np.isfinite(peak) and peak > 0 else 1.0
    name = f"W[{layer}]" if layer is not None else "W"
    trace = dict(type="heatmap", z=W, x0=1, dx=1, y0=1, dy=1, colorscale=colorscale(DIVERGING_SCALE), zmin=-peak,
                 zmax=peak, colorbar=dict(title=dict(text="w", side="right"), thickness=14, len=0.85),
                 xgap=1 if W.shape[1] <= 32 else 0, ygap=1 if W.shape[0] <= 32 else 0,
                 hovertemplate=f"{name}<br>unit %{{y}}, input %{{x}}<br>w = %{{z:.4g}}<extra></extra>")
    layout = style_layout(s, title=f"{name} ({W.shape[0]} × {W.shape[1]})", legend=False)
    layout["xaxis"] = drop_none(dict(title=dict(text="input (unit of the previous layer)"), showgrid=False,
                                     zeroline=False, dtick=1 if W.shape[1] <= 16 else None))
    layout["yaxis"] = drop_none(dict(title=dict(text="unit"), autorange="reversed", showgrid=False, zeroline=False,
                                     dtick=1 if W.shape[0] <= 16 else None))
    return figure([trace], layout)
