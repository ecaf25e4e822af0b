"""Figures for the Initialization lab: cost per scheme and the gradient-norm profile over the layers,
the weight matrices (symmetry), distinct units per layer and activation histograms per layer.

One colour per scheme, the same in every figure (``scheme_color``). Every builder returns the same
traces in the same order for the same schemes and network, so live charts update in place.
"""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from descentlab.viz.arrays import f32
from descentlab.viz.figure import drop_none, figure, grid_axes
from descentlab.viz.series import column, iterations, nice_ceiling, positive, thin
from descentlab.viz.style import (
    BLUE,
    DIVERGING_SCALE,
    GREEN,
    GREY,
    PURPLE,
    SKY,
    VERMILLION,
    YELLOW,
    Style,
    colorscale,
    resolve,
    style_layout,
)
from descentlab.viz.training import iteration_axis, last_iteration
from descentlab.viz.variants import marker_sizes, marker_style, variant_symbol

# Okabe-Ito hues chosen by meaning: grey for the dead start, sky for "small", vermillion for "large".
SCHEME_COLORS = {"zeros": GREY, "small": SKY, "scaled": VERMILLION, "xavier": GREEN, "he": BLUE,
                 "constant": PURPLE}
LN2 = math.log(2.0)
MAX_POINTS = 600
LOG_DECADES = 12     # the gradient axis spans at most this many decades below the largest norm
DISPLAY_FLOOR = 1e-8  # weight matrices whose largest |w| is below this are drawn as zeros


def scheme_color(kind: str) -> str:
    return SCHEME_COLORS.get(kind, GREY)


def _short(label: str) -> str:
    """A column title in two short lines ("random<br>× 10"): five columns of a 2/3-wide chart leave
    ~150 px each, less than "random × 0.01" takes at presentation size."""
    return label.replace(" ", "<br>", 1) if len(label) > 8 else label


def _title_notes(notes: list[dict], colors) -> list[dict]:
    for note, color in zip(notes, colors):
        note["font"] = {**note.get("font", {}), "color": color}
    return notes


# ---------------------------------------------------------------- cost and gradients
def training_figure(histories, norms, labels, colors, style: Style | None = None) -> go.Figure:
    """Left: train (solid) and test (dotted) cost per scheme on a log axis, with ln 2 marked — the
    cost of predicting 0.5 for everyone, where zero initialization stays. Right: ‖dW[l]‖ against
    the layer l, log axis: a line falling towards layer 1 is a vanishing gradient, rising an
    exploding one (``norms``: one list per scheme, NaN before the first update). Zeros cannot sit
    on a log axis: they, and norms too small to matter, are open markers on a floor labelled ≈ 0.

    One figure with one legend row for both: two side-by-side legends wrap into the titles in
    presentation mode, and one chart less per frame. Traces: per scheme train cost, test cost;
    then one gradient line per scheme."""
    s = resolve(style)
    axes, (left, right), notes = grid_axes(cols=2, horizontal_spacing=0.12,
                                           titles=["Cost per scheme", "Gradient norm per layer, now"],
                                           title_font=dict(size=int(s.text * 1.05)))
    costs = _cost_traces(histories, labels, colors, left, s)
    data = costs + _gradient_traces(norms, labels, colors, right, s, axes, notes)
    iteration_axis(axes["xaxis"], [last_iteration(histories)])
    # one label per ~2.4 lines of text over the plot's height: none overlap at any size
    plot_px = max(60, s.fig_height - 150)
    ticks = _spaced(_cost_ticks(np.concatenate([t["y"] for t in costs]) if costs else []),
                    int(plot_px / (s.text * 2.4)))
    # at presentation size the long name ran past the plot's height (the lecturer says which line is which)
    name = "cost J" if s.presentation else "cost J (solid train, dotted test)"
    axes["yaxis"].update(drop_none(dict(title=dict(text=name), type="log", tickvals=ticks)))
    notes.append(dict(x=0.01, xref="x domain", y=math.log10(LN2), yref="y", xanchor="left", yanchor="bottom",
                      showarrow=False, text="ln 2 = 0.693: a coin flip", font=dict(color=GREY),
                      bgcolor="rgba(128,128,128,0.12)", yshift=2))
    layout = style_layout(s, title=None, legend=True)
    # the legend at the very top of the figure, the subplot titles below it; room for as many legend
    # rows as the names need on a narrow screen (a projector at 1280 px with the sidebar open)
    layout["margin"]["t"] += int(s.text * 1.7) + int(s.text * 1.9) * (_legend_rows(labels, s) - 1)
    layout["legend"].update(yref="container", y=1.0, yanchor="top")
    layout.update(axes, annotations=notes, shapes=[dict(type="line", x0=0, x1=1, xref="x domain", y0=LN2, y1=LN2,
                                                        yref="y", layer="below",  # under the curves: zeros lies on it
                                                        line=dict(color=GREY, width=1.5, dash="dash"))])
    return figure(data, layout)


def _legend_rows(labels, s: Style, width_px: int = 760) -> int:
    """Rows a horizontal legend of ``labels`` takes in a figure ``width_px`` wide (an estimate:
    ~0.55 em per character plus the line sample and gap)."""
    font = s.text * 0.9
    rows, used = 1, 0.0
    for label in labels:
        item = 0.55 * font * len(label) + 3.2 * font
        if used and used + item > width_px:
            rows, used = rows + 1, 0.0
        used += item
    return rows


def _cost_traces(histories, labels, colors, ref: dict, s: Style) -> list[dict]:
    """Train and test cost per scheme; the train line carries the scheme's marker shape (descentlab.viz.variants):
    zeros and random × 0.01 both sit on the ln 2 line, and only their shapes tell them apart."""
    data = []
    axis_top = nice_ceiling(last_iteration(histories))
    for i, (h, label, color) in enumerate(zip(histories, labels, colors)):
        h = thin(h, MAX_POINTS)  # a dozen curves: fewer points each than the Playground's two
        it = iterations(h)
        for col, dash, width, show in (("cost_train", "solid", s.line_width, True),
                                       ("cost_test", "dot", s.line_width * 0.7, False)):
            split = "train" if col == "cost_train" else "test"
            line = dict(type="scatter", x=it, y=positive(column(h, col)), name=label, mode="lines",
                        legendgroup=label, showlegend=show, line=dict(color=color, width=width, dash=dash),
                        hovertemplate=f"{label} ({split})<br>iteration %{{x}}<br>J = %{{y:.4g}}<extra></extra>",
                        **ref)
            if split == "train":
                sizes = marker_sizes(it, i, len(labels), axis_top, s.marker_size * 1.5)
                line.update(mode="lines+markers", marker=marker_style(i, color, sizes, s.outline, s.line_width))
            data.append(line)
    return data


def _cost_ticks(values) -> list[float] | None:
    """1-2-5 ticks over the data, or every digit when that gives fewer than four: plotly's own log
    ticks label nothing between 0.5 and 1 on a short range, where the costs of interest sit."""
    v = np.asarray(values, float)
    v = v[np.isfinite(v) & (v > 0)]
    if v.size == 0:
        return None
    lo, hi = math.floor(math.log10(v.min())), math.ceil(math.log10(v.max()))
    for mantissas in ((1, 2, 5), (1, 2, 3, 4, 5, 6, 7, 8, 9)):
        ticks = [round(m * 10.0 ** k, 12) for k in range(lo, hi + 1) for m in mantissas]
        inside = [t for t in ticks if v.min() / 1.05 <= t <= v.max() * 1.05]
        if len(inside) >= 4:
            break
    return inside if len(inside) >= 2 else None  # a flat start: plotly's own ticks


_TICK_PRIORITY = {1: 0, 5: 1, 2: 2}  # the round mantissas keep their labels first


def _spaced(ticks: list[float] | None, most: int) -> list[float] | None:
    """At most about ``most`` of ``ticks``, none closer than 1/most of the axis's log span to another:
    every digit from 0.7 to 4 left 0.7, 0.8 and 0.9 on top of each other on a short plot. Round values
    (1, then 5, then 2 of a decade) are kept first."""
    if not ticks or len(ticks) <= 2:
        return ticks
    logs = {t: math.log10(t) for t in ticks}
    gap = (max(logs.values()) - min(logs.values())) / max(most, 2)
    kept: list[float] = []
    for t in sorted(ticks, key=lambda t: (_TICK_PRIORITY.get(round(t / 10.0 ** math.floor(logs[t] + 1e-9)), 3), t)):
        if all(abs(logs[t] - logs[k]) >= gap * 0.999 for k in kept):
            kept.append(t)
    return sorted(kept)


def _log_floor(values) -> tuple[float, float]:
    """(floor, top) for a log axis: a decade below the smallest positive value, but at most
    LOG_DECADES below the largest, and a decade boundary above the largest. Zeros and values under
    the floor are drawn on it (zero initialization with sigmoid leaves gradients of 1e-50 from
    rounding: numerically 0, and 48 decades of axis would squash every other line)."""
    v = np.asarray([x for x in values if np.isfinite(x) and x > 0], float)
    if v.size == 0:
        return 1e-8, 1.0
    hi = math.ceil(math.log10(v.max()))
    lo = max(math.floor(math.log10(v.min())) - 1, hi - LOG_DECADES)
    return 10.0 ** lo, 10.0 ** max(hi, lo + 2)


def _gradient_traces(norms, labels, colors, ref: dict, s: Style, axes: dict, notes: list) -> list[dict]:
    flat = [x for row in norms for x in row]
    floor, top = _log_floor(flat)
    data = []
    for i, (row, label, color) in enumerate(zip(norms, labels, colors)):
        symbol = variant_symbol(i)  # the scheme's shape on its cost curve too
        y = np.asarray(row, float)
        low = (y == 0) | (np.isfinite(y) & (y < floor))
        shown = np.where(low, floor, np.where(np.isfinite(y) & (y > 0), y, np.nan))
        data.append(dict(type="scatter", x=np.arange(1, len(y) + 1, dtype=np.int32), y=f32(shown), name=label,
                         mode="lines+markers", legendgroup=label, showlegend=False,
                         line=dict(color=color, width=s.line_width),
                         marker=dict(color=color, size=s.marker_size * 1.6,
                                     symbol=[f"{symbol}-open" if z else symbol for z in low]),
                         text=[("exactly 0" if v == 0 else f"{v:.1e}: ≈ 0") if z else f"{v:.3g}"
                               for v, z in zip(y, low)],
                         hovertemplate=f"{label}<br>layer %{{x}}<br>‖dW‖ = %{{text}}<extra></extra>", **ref))
    lo, hi = int(round(math.log10(floor))), int(round(math.log10(top)))
    step = max(1, math.ceil((hi - lo) / 6))
    ticks = [10.0 ** k for k in range(lo + step, hi + 1, step)]
    n_layers = max((len(r) for r in norms), default=1)
    axes["xaxis2"].update(title=dict(text="layer l (1 = next to the input)"), tickmode="linear", tick0=1, dtick=1,
                          range=[0.6, n_layers + 0.4])
    axes["yaxis2"].update(title=dict(text="‖dW[l]‖"), type="log", range=[math.log10(floor) - 0.3, math.log10(top)],
                          tickvals=[floor] + ticks,
                          ticktext=["≈ 0"] + [f"1e{int(round(math.log10(t)))}" for t in ticks])
    if not any(np.isfinite(flat)):
        notes.append(dict(text="no update yet:<br>press Step or Play", x=0.5, y=0.5, xref="x2 domain",
                          yref="y2 domain", showarrow=False))
    return data


# ---------------------------------------------------------------- symmetry
def _peak(W: np.ndarray) -> float:
    finite = W[np.isfinite(W)]
    return float(np.abs(finite).max()) if finite.size else 0.0


def _side_by_side(mats) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """The matrices of one layer, side by side with blank columns between them: (z scaled by each
    matrix's own largest |w|, the raw values, the centre column of each block)."""
    rows, cols = mats[0].shape
    gap = max(1, round(cols * 0.3))
    z = np.full((rows, len(mats) * (cols + gap) - gap), np.nan, np.float32)
    raw = z.copy()
    centres = []
    for i, W in enumerate(mats):
        a = i * (cols + gap)
        raw[:, a:a + cols] = f32(W)
        # each matrix relative to its own largest |w|; 1e-50s left by rounding stay neutral, not bold
        z[:, a:a + cols] = f32(np.asarray(W, float) / max(_peak(np.asarray(W, float)), DISPLAY_FLOOR))
        centres.append(a + (cols - 1) / 2)
    return z, raw, centres


def symmetry_figure(matrices, distinct, labels, colors, hidden_sizes, style: Style | None = None) -> go.Figure:
    """W[1] and W[2] of every scheme as heatmaps, side by side (rows = units, unit 1 on top; blue
    positive, orange negative; each matrix scaled to its own largest |w|, the hover gives the real
    value). Identical rows are identical stripes. Under each matrix: how many of the layer's units
    differ, and the largest |w|.

    ``matrices``: per scheme a list of W[l] (the same layers for every scheme); ``distinct``: per
    scheme the distinct-unit count of those layers; ``hidden_sizes``: n[l] of the hidden layers (an
    output layer shown gets no count). Traces: per layer one heatmap and one outline trace.

    Drawn for speed (it is redrawn every frame): one subplot row per layer (a dozen subplots cost
    the browser several times more), the changing texts as x tick labels rather than annotations,
    and the outlines as one line trace rather than shapes."""
    s = resolve(style)
    n_rows = len(matrices[0])
    axes, refs, _ = grid_axes(rows=n_rows, vertical_spacing=0.32 if n_rows > 1 else None)
    small = dict(size=int(s.text * 0.85))
    data, notes = [], []
    for r in range(n_rows):
        z, raw, centres = _side_by_side([m[r] for m in matrices])
        rows_, cols_ = np.asarray(matrices[0][r]).shape
        data.append(dict(type="heatmap", z=z, customdata=raw, x0=0, dx=1, y0=1, dy=1,
                         colorscale=colorscale(DIVERGING_SCALE), zmin=-1, zmax=1, showscale=False,
                         xgap=1 if z.shape[1] <= 64 else 0, ygap=1 if z.shape[0] <= 32 else 0, hoverongaps=False,
                         hovertemplate=f"W[{r + 1}] unit %{{y}}<br>w = %{{customdata:.4g}}<extra></extra>",
                         **refs[r]))
        # an outline per matrix: an all-zero matrix is near-white cells that would vanish on a light page
        xs, ys = [], []
        for x in centres:
            x0, x1, y0, y1 = x - cols_ / 2, x + cols_ / 2, 0.5, rows_ + 0.5
            xs += [x0, x1, x1, x0, x0, None]
            ys += [y0, y0, y1, y1, y0, None]
        data.append(dict(type="scatter", x=xs, y=ys, mode="lines", line=dict(color=GREY, width=1),
                         hoverinfo="skip", showlegend=False, **refs[r]))
        texts = []
        for c in range(len(matrices)):
            W = np.asarray(matrices[c][r], float)
            count = f"{distinct[c][r]}/{rows_} distinct" if r < len(hidden_sizes) else "output"
            peak = _peak(W)
            texts.append(f"{count}<br>{'all 0' if peak == 0 else f'|w|≤{peak:.2g}'}"
                         + ("≈0" if 0 < peak < DISPLAY_FLOOR else ""))
            if r == 0:  # fixed from frame to frame: Plotly.react leaves unchanged annotations alone
                notes.append(dict(text=_short(labels[c]), x=centres[c], xref=refs[0]["xaxis"], y=1,
                                  yref=f"{refs[0]['yaxis']} domain", yanchor="bottom", showarrow=False,
                                  font=dict(size=int(s.text * 1.05), color=colors[c]), yshift=2))
        k = "" if r == 0 else str(r + 1)
        axes[f"xaxis{k}"].update(range=[-0.5, z.shape[1] - 0.5], tickmode="array", tickvals=centres, ticktext=texts,
                                 tickfont=small, tickangle=0, ticklabeloverflow="allow", ticks="", showgrid=False,
                                 zeroline=False, showline=False)
        axes[f"yaxis{k}"].update(autorange="reversed", showticklabels=False, ticks="", showgrid=False,
                                 zeroline=False, title=dict(text=f"W[{r + 1}] {rows_}×{cols_}"))
    layout = style_layout(s, title=None, legend=False)
    layout["height"] = int(s.fig_height * (1.1 if n_rows > 1 else 0.65))
    layout["margin"].update(t=int(s.text * 3.2), b=int(s.text * 2.8))
    layout.update(axes, annotations=notes)
    return figure(data, layout)


def distinct_units_figure(counts, hidden_sizes, labels, colors, style: Style | None = None) -> go.Figure:
    """Distinct units per hidden layer, one bar per scheme, up to the layer's size n[l] (the top of
    the axis): zero (or any constant) initialization stays at 1 however long it trains. One Bar
    per scheme."""
    s = resolve(style)
    x = [f"layer {l}<br>n = {n}" for l, n in enumerate(hidden_sizes, start=1)]
    data = [dict(type="bar", x=x, y=np.asarray(c, np.int32), name=label, marker=dict(color=color),
                 text=[str(v) for v in c], textposition="outside", cliponaxis=False,
                 hovertemplate=f"{label}<br>%{{x}}: %{{y}} distinct units<extra></extra>")
            for c, label, color in zip(counts, labels, colors)]
    layout = style_layout(s, title="Distinct units per layer", legend=False)
    top = max(hidden_sizes, default=1)
    layout.update(barmode="group", bargap=0.25, bargroupgap=0.05,
                  xaxis=dict(title=dict(text="hidden layer (n = its units)")),
                  yaxis=dict(title=dict(text="distinct units"), range=[0, top * 1.15], rangemode="tozero"))
    return figure(data, layout)


# ---------------------------------------------------------------- activations per layer
_SHARE_TICKS = (0.01, 0.05, 0.2, 0.5, 1.0)
# Light yellow to mid blue, monotone in lightness: unlike SEQUENTIAL_SCALE's near-black end, a full
# bin (zeros: every value in one bin) stays visible on a dark page too.
SHARE_SCALE = [[0.0, YELLOW], [0.4, SKY], [1.0, BLUE]]


def activation_histograms_figure(studies, colors, steps: int, style: Style | None = None) -> go.Figure:
    """Glorot & Bengio's picture, as heatmaps: for every scheme (columns) at initialization (top)
    and after ``steps`` updates (bottom), one row per hidden layer (layer 1 on top), x the value of
    A[l], colour the share of the layer's values in that bin (square-root scale, so a thin tail
    still shows; empty bins are left blank). Deep layers narrowing to 0: the signal dies away;
    piling up at ±1 (tanh) or 0/1 (sigmoid): saturated units. Traces: one heatmap per panel,
    row-major (the start row first)."""
    s = resolve(style)
    n_cols = len(studies)
    titles = [_short(st.label) for st in studies] + [""] * n_cols
    axes, refs, notes = grid_axes(rows=2, cols=n_cols, horizontal_spacing=0.2 / max(n_cols - 1, 1) if n_cols > 1
                                  else None, vertical_spacing=0.22, titles=titles,
                                  title_font=dict(size=int(s.text * 1.05)))
    _title_notes(notes, colors)
    data = []
    for r, when in enumerate(("start", "after")):
        for c, st in enumerate(studies):
            snap = getattr(st, when)
            k = r * n_cols + c
            centres = f32((st.edges[:-1] + st.edges[1:]) / 2)
            share = np.asarray(snap.shares, float)
            z = f32(np.where(share > 0, np.sqrt(share), np.nan))
            layers = np.arange(1, share.shape[0] + 1, dtype=np.int32)
            std = [[f"{v:.3g}"] * share.shape[1] for v in snap.std]  # one text per cell: the row's std
            data.append(dict(type="heatmap", x=centres, y=layers, z=z, customdata=f32(share), text=std,
                             coloraxis="coloraxis", hoverongaps=False, **refs[k],
                             hovertemplate=f"{st.label}, iteration {snap.iteration}<br>layer %{{y}}, A ≈ %{{x:.3g}}: "
                                           "%{customdata:.1%} of its values<br>std of A[%{y}]: %{text}<extra></extra>"))
            suffix = "" if k == 0 else str(k + 1)
            axes[f"xaxis{suffix}"].update(nticks=3, exponentformat="power", showgrid=False, zeroline=False,
                                          tickfont=dict(size=int(s.text * 0.75)),
                                          range=[float(st.edges[0]), float(st.edges[-1])])
            axes[f"yaxis{suffix}"].update(drop_none(dict(
                autorange="reversed", dtick=1 if share.shape[0] <= 8 else None, showgrid=False, zeroline=False,
                tickfont=dict(size=int(s.text * 0.75)),
                title=dict(text="at start: layer" if r == 0 else f"after {steps:,}: layer") if c == 0 else None)))
            if r == 1 and st.diverged_at is not None:
                notes.append(dict(text=f"diverged at {st.diverged_at}", xref=f"{refs[k]['xaxis']} domain",
                                  yref=f"{refs[k]['yaxis']} domain", x=0.5, y=0.5, showarrow=False,
                                  font=dict(color=VERMILLION), bgcolor="rgba(128,128,128,0.25)"))
    layout = style_layout(s, title=None, legend=False)
    layout["height"] = int(s.fig_height * 1.15)
    layout["margin"]["t"] = int(s.text * 3.4)
    layout.update(axes, annotations=notes, coloraxis=dict(
        colorscale=colorscale(SHARE_SCALE), cmin=0.0, cmax=1.0,
        colorbar=dict(title=dict(text="share", side="right"), thickness=14, len=0.8,
                      tickvals=[math.sqrt(t) for t in _SHARE_TICKS], ticktext=[f"{t:.0%}" for t in _SHARE_TICKS])))
    return figure(data, layout)


__all__ = ["SCHEME_COLORS", "scheme_color", "training_figure", "symmetry_figure",
           "distinct_units_figure", "activation_histograms_figure"]
