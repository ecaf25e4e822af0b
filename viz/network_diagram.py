"""The network as a diagram (TensorFlow Playground style): units in columns, weights as lines, and each
unit's output over the input plane drawn as a small picture on its node.

Edges are grouped into EDGE_BUCKETS width buckets × 2 signs, each bucket one Scatter of
gap-separated segments: the trace count is fixed whatever the weights, so Plotly.react can update
the chart in place, and a 64 × 64 layer costs 12 traces instead of 4,096.
"""
from __future__ import annotations

import functools

import numpy as np
import plotly.graph_objects as go

from .arrays import f32
from .figure import drop_none, figure
from .png import png_uri
from .style import (BINARY_SCALE, CLASS_COLORS, DIVERGING_SCALE, NEGATIVE, NEUTRAL, POSITIVE,
                    SEQUENTIAL_SCALE, Style, class_color, colorscale, resolve, rgba, scale_lut, style_layout)

EDGE_BUCKETS = 6
MAX_ROWS = 64          # a column taller than this is squeezed to fit
MAX_PICTURES = 200     # above this many units, pictures are skipped (encoding and payload)
MAX_EDGES = 2500       # above this many weights, only the strongest (relative to their layer) are drawn
PICTURE_LEVELS = 32    # colours per unit picture: smooth enough, and the PNGs compress 3x better
_WIDTHS = np.array([0.4, 0.9, 1.6, 2.5, 3.6, 5.0])


def _positions(sizes) -> tuple[list[np.ndarray], int]:
    """y of every unit per column (top to bottom, centred on 0) and the plot height in rows."""
    rows = min(max(sizes), MAX_ROWS)
    ys = []
    for n in sizes:
        gap = 1.0 if n <= rows else (rows - 1) / (n - 1)
        ys.append(((n - 1) / 2 - np.arange(n)) * gap)
    return ys, rows


def _edges(params, sizes, ys):
    """All weights as arrays (x0, y0, x1, y1, w), strongest first kept when there are too many."""
    parts = []
    for l in range(1, len(sizes)):
        W = np.asarray(params[f"W{l}"], float)
        i, j = np.indices(W.shape)
        i, j = i.ravel(), j.ravel()
        w = np.nan_to_num(W.ravel())
        peak = np.abs(w).max() if w.size else 0.0
        rel = np.abs(w) / peak if peak > 0 else np.zeros_like(w)
        parts.append(np.stack([np.full(w.size, l - 1.0), ys[l - 1][j], np.full(w.size, float(l)), ys[l][i],
                               w, rel]))
    e = np.concatenate(parts, axis=1)
    dropped = max(0, e.shape[1] - MAX_EDGES)
    if dropped:
        e = e[:, np.argpartition(-e[5], MAX_EDGES - 1)[:MAX_EDGES]]
    return e[:5], dropped


def _segments(e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Edges -> float32 x, y as (n, 4) rows [x0, xm, x1, gap]; the midpoint is where an edge's hover
    lives. A bucket's trace takes its rows, raveled.

    The gap is NaN, the typed-array form of a None separator (plotly.js breaks the line at any
    non-numeric value): numpy arrays skip plotly.py's per-element validation and ship as base64."""
    gap = np.full(e.shape[1], np.nan)
    xs = f32(np.stack([e[0], (e[0] + e[2]) / 2, e[2], gap], axis=1))
    ys = f32(np.stack([e[1], (e[1] + e[3]) / 2, e[3], gap], axis=1))
    return xs, ys


def _edge_traces(e: np.ndarray, s: Style) -> list[dict]:
    w = e[4]
    top = float(np.abs(w).max()) if w.size else 0.0
    edges = np.linspace(0.0, top if top > 0 else 1.0, EDGE_BUCKETS + 1)
    bucket = np.minimum((np.abs(w) / (edges[-1]) * EDGE_BUCKETS).astype(int), EDGE_BUCKETS - 1)
    scale = 1.5 if s.presentation else 1.0
    xs, ys = _segments(e)  # once for all edges: per-bucket numpy calls add up at 10 frames a second
    traces = []
    for sign, color, word in ((1, POSITIVE, "positive"), (-1, NEGATIVE, "negative")):
        side = (w >= 0) if sign > 0 else (w < 0)
        line_color = rgba(color, 0.75)
        for b in range(EDGE_BUCKETS):
            m = (bucket == b) & side
            lo, hi = sorted((sign * edges[b], sign * edges[b + 1]))
            rng = f"{lo:+.3g} … {hi:+.3g}"
            traces.append(dict(
                type="scatter", x=xs[m].ravel(), y=ys[m].ravel(), mode="lines", hoverinfo="text", hoveron="points",
                showlegend=False, line=dict(color=line_color, width=float(_WIDTHS[b] * scale)),
                name=f"{word} weights, |w| bucket {b + 1}", meta=[float(edges[b]), float(edges[b + 1])],
                hovertext=f"{int(m.sum())} {word} weights<br>w in {rng}"))
    return traces


@functools.cache
def _palette(kind: str, j: int = 0) -> bytes:
    """PICTURE_LEVELS RGB triples of a scale (the PNG's PLTE). Bytes are immutable, so a process-wide
    cache is safe; j: the class of a multiclass output unit (neutral -> its colour)."""
    scale = {"binary": BINARY_SCALE, "regression": SEQUENTIAL_SCALE}.get(kind) or [[0, NEUTRAL], [1, class_color(j)]]
    return scale_lut(scale, PICTURE_LEVELS).tobytes()


def _unit_levels(values: np.ndarray, activation: str, output_of: str | None):
    """(n, r, r) unit outputs -> (levels (n, r, r) uint8 in [0, PICTURE_LEVELS), one palette per unit).

    Bounded activations keep a fixed scale (a sigmoid unit stuck at 0.5 looks neutral); unbounded
    ones are scaled by the layer's largest |value|, so the layer's units compare with each other."""
    v = np.nan_to_num(f32(values))
    n, k = v.shape[0], PICTURE_LEVELS
    if output_of == "multiclass":  # output unit j: neutral -> class j's colour
        t, palettes = v, [_palette("multiclass", j) for j in range(n)]
    elif output_of == "regression":
        lo, hi = float(v.min()), float(v.max())
        t, palettes = (v - lo) / (hi - lo if hi > lo else 1.0), [_palette("regression")] * n
    else:
        if activation in ("sigmoid", "softmax"):
            t = v
        elif activation == "tanh":
            t = (v + 1) / 2
        else:
            t = 0.5 + v / (2 * (float(np.abs(v).max()) or 1.0))
        palettes = [_palette("binary")] * n
    return np.rint(np.clip(t, 0, 1) * (k - 1)).astype(np.uint8), palettes


def _pictures(network, unit_grids, ys, task) -> list[dict]:
    L, images = network.L, []
    for l in range(1, L + 1):
        levels, palettes = _unit_levels(unit_grids["layers"][l - 1], network.activations[l].name,
                                    task if l == L and task in ("multiclass", "regression") else None)
        gap = ys[l][0] - ys[l][1] if len(ys[l]) > 1 else 1.0
        size = 0.84 * min(1.0, gap)
        for i in range(levels.shape[0]):  # rows of the grid go up in x2; rows of a PNG go down
            images.append(dict(source=png_uri(levels[i, ::-1], palettes[i]), xref="x", yref="y", x=float(l),
                               y=float(ys[l][i]), sizex=size, sizey=size, xanchor="center", yanchor="middle",
                               sizing="contain", layer="above"))
    return images


def _output_names(network, task, class_names) -> list[str]:
    n = network.layer_sizes[-1]
    if task == "regression" or (task is None and network.loss.name in ("mse", "mae")):
        return ["ŷ"] * n
    if n == 1:
        return ["P(y=1)"]
    names = [str(c) for c in (class_names or ())]
    names += [str(j) for j in range(len(names), n)]
    return [f"class {c}" if c.isdigit() else c for c in names[:n]]


def _node_traces(network, ys, rows, feature_names, outs, s: Style) -> list[dict]:
    """Input nodes (labelled), hidden + output units (hover: layer, unit, bias), output labels."""
    sizes, L = list(network.layer_sizes), network.L
    node = s.marker_size * 2.2
    names = [str(n) for n in feature_names] if feature_names is not None else []
    names += [f"x{j + 1}" for j in range(len(names), sizes[0])]
    show_names = sizes[0] <= 16
    inputs = drop_none(dict(
        type="scatter", x=np.zeros(sizes[0], np.float32), y=f32(ys[0]),
        mode="markers+text" if show_names else "markers",
        text=names[:sizes[0]] if show_names else None, textposition="middle left", cliponaxis=False,
        marker=dict(size=node if sizes[0] <= rows else max(2.0, node * rows / sizes[0]), color=NEUTRAL,
                    line=dict(color=s.ink, width=1 if sizes[0] <= rows else 0), symbol="square"),
        hovertext=[f"input {j + 1}: {names[j]}" for j in range(sizes[0])], hoverinfo="text", name="inputs",
        showlegend=False))
    lx = np.concatenate([np.full(sizes[l], l, np.float32) for l in range(1, L + 1)])
    ly = np.concatenate([ys[l] for l in range(1, L + 1)]).astype(np.float32)
    info = np.concatenate([np.stack([np.full(sizes[l], l), np.arange(1, sizes[l] + 1),
                                     np.asarray(network.params[f"b{l}"], float)[:, 0]], axis=1)
                           for l in range(1, L + 1)])
    info = f32(info)
    units = dict(
        type="scatter", x=lx, y=ly, mode="markers", customdata=info, showlegend=False, name="units",
        marker=dict(size=node, symbol="square", color=info[:, 2], colorscale=colorscale(DIVERGING_SCALE), cmid=0,
                    line=dict(color=s.ink, width=1)),
        hovertemplate="layer %{customdata[0]:.0f}, unit %{customdata[1]:.0f}<br>b = %{customdata[2]:.4g}"
                      "<extra></extra>")
    coloured = len(outs) > 1 and outs[0] != "ŷ"
    labels = dict(type="scatter", x=np.full(sizes[-1], L + 0.45, np.float32), y=ys[-1].astype(np.float32),
                  mode="text", text=outs, textposition="middle right", cliponaxis=False, showlegend=False,
                  hoverinfo="skip", name="outputs",
                  textfont=dict(color=[CLASS_COLORS[j % len(CLASS_COLORS)] for j in range(len(outs))]
                                if coloured else s.ink))
    return [inputs, units, labels]


def network_figure(network, unit_grids: dict | None = None, iteration_label: str = "",
                   feature_names=None, task: str | None = None, class_names=None, dataset=None,
                   style: Style | None = None) -> go.Figure:
    """The network as a diagram. Traces, always in this order: 2 × EDGE_BUCKETS edge buckets
    (positive then negative, thin to thick; each trace's ``meta`` is its [low, high] |w| range),
    input nodes (labelled with ``feature_names``), hidden + output units (hover: layer, unit, bias),
    output labels (``class_names``; ``task`` picks "ŷ" for regression). ``dataset`` fills in any of
    feature_names / task / class_names not given. With ``unit_grids`` (trainer.unit_grids) each unit
    carries its picture as a layout image, unless there are more than MAX_PICTURES units (then a
    note says so)."""
    if dataset is not None:
        feature_names = dataset.feature_names if feature_names is None else feature_names
        task, class_names = task or dataset.task, class_names or dataset.class_names
    s = resolve(style)
    sizes, L = list(network.layer_sizes), network.L
    ys, rows = _positions(sizes)
    e, dropped = _edges(network.params, sizes, ys)
    outs = _output_names(network, task, class_names)
    data = _edge_traces(e, s) + _node_traces(network, ys, rows, feature_names, outs, s)
    top = rows / 2
    notes = []
    n_units = sum(sizes[1:])
    pictures = unit_grids is not None and n_units <= MAX_PICTURES
    if unit_grids is not None and not pictures:
        notes.append(f"unit pictures hidden: {n_units} units (max {MAX_PICTURES})")
    if dropped:
        notes.append(f"showing the {MAX_EDGES:,} strongest of {e.shape[1] + dropped:,} weights")
    if sizes[0] > 16:
        notes.append(f"{sizes[0]} inputs")
    names = ["input"] + [f"{'output' if l == L else f'layer {l}'}<br>{network.activations[l].name}"
                         for l in range(1, L + 1)]
    heads = [dict(x=l, y=1.0, xref="x", yref="paper", yanchor="bottom", showarrow=False, text=names[l])
             for l in range(L + 1)]
    if notes:
        heads.append(dict(x=0, y=-0.02, xref="paper", yref="paper", xanchor="left", yanchor="top",
                          text=" · ".join(notes), showarrow=False))
    layout = style_layout(s, title="Network" + (f" · {iteration_label}" if iteration_label else ""), legend=False)
    # the column headers (two lines) sit in the top margin, above the plot area
    layout["height"] = max(s.fig_height, int(min(rows, 24) * s.text * 2.2))
    layout["margin"]["t"] += int(s.text * 2.2)
    layout.update(annotations=heads, hovermode="closest",
                  xaxis=dict(visible=False, range=[-0.9, L + 0.9], fixedrange=True),
                  yaxis=dict(visible=False, range=[-top, top], fixedrange=True))
    if pictures:
        layout["images"] = _pictures(network, unit_grids, ys, task)
    return figure(data, layout)
