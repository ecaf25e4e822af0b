"""Figures of the learning-rate page: a sweep's cost curves and final costs, one neuron's cost
surface with gradient-descent paths, the cost along a deep network's gradient, and schedules.

A sweep colours each learning rate by its position on a log scale (blue = small, vermillion =
large: mid-lightness hues that read on light and dark pages) and draws the same colour in every
chart; a colour bar names the scale. Builders keep a fixed number of traces for a given number of
rates / paths, so live charts update in place.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from descentlab.viz.arrays import f32
from descentlab.viz.figure import drop_none, figure, grid_axes
from descentlab.viz.series import nice_ceiling, stepped_value_range, thin_index
from descentlab.viz.style import (
    GREY,
    PURPLE,
    Style,
    class_color,
    colorscale,
    resolve,
    scale_lut,
    style_layout,
)
from descentlab.viz.text import log_ticks, power_label
from descentlab.viz.training import iteration_axis, last_iteration

RATE_SCALE = [[0.0, "#0072B2"], [0.35, "#009E73"], [0.7, "#E69F00"], [1.0, "#D55E00"]]
DIVERGED_COLOR = "#C4151C"  # a deeper red than the scale's end, with an x: never read as a rate
SURFACE_SCALE = [[0.0, "#F7FBFF"], [0.35, "#C6DBEF"], [0.7, "#6BAED6"], [1.0, "#2171B5"]]
MAX_POINTS = 250  # per curve: a live payload grows with it, and 250 still follow every visible bend


def _hex(rgb) -> str:
    return "#{:02X}{:02X}{:02X}".format(*(int(c) for c in rgb))


def rate_positions(rates, low: float | None = None, high: float | None = None) -> np.ndarray:
    """Where each rate sits on the log colour scale, in [0, 1] (the sweep's range by default)."""
    lg = np.log10(np.asarray(rates, float))
    lo = np.log10(low) if low else lg.min()
    hi = np.log10(high) if high else lg.max()
    return np.clip((lg - lo) / (hi - lo), 0.0, 1.0) if hi > lo else np.zeros_like(lg)


def rate_colors(rates, low: float | None = None, high: float | None = None) -> list[str]:
    """One colour per learning rate from RATE_SCALE, by log position."""
    lut = scale_lut(RATE_SCALE)
    idx = np.rint(rate_positions(rates, low, high) * (len(lut) - 1)).astype(int)
    return [_hex(lut[i]) for i in idx]


def rank_colors(n: int) -> list[str]:
    """n colours spread evenly over RATE_SCALE, for a few rates sorted small to large (on a log
    position two close rates would get two nearly equal colours)."""
    lut = scale_lut(RATE_SCALE)
    idx = np.rint(np.linspace(0, 1, n) * (len(lut) - 1)).astype(int) if n > 1 else np.zeros(1, int)
    return [_hex(lut[i]) for i in idx]


def _decades(low: float, high: float) -> list[float]:
    lo, hi = int(np.floor(np.log10(low) + 1e-9)), int(np.ceil(np.log10(high) - 1e-9))
    return [10.0**e for e in range(lo, hi + 1)]


def _log_axis(values, title: str) -> dict:
    """A log y axis labelled as descentlab.viz.text.log_ticks says: 0.1, 0.2, 0.5 written out under two decades,
    the decades above (plotly's own labels read "2, 1, 5" for 0.2, 1, 0.5, and every digit in a tall
    chart)."""
    v = np.asarray(values, float)
    v = v[np.isfinite(v) & (v > 0)]
    ticks = log_ticks(v.min() / 1.5, v.max() * 1.5) if v.size else {}  # plotly pads the data's range
    return dict(title=dict(text=title), type="log", exponentformat="power", **ticks)


def _cost_range(costs, keep, log_y: bool) -> list | None:
    """A y range that holds the runs in ``keep`` (and the start): an exploding run leaves through the
    top instead of squashing every other curve onto the floor."""
    c = np.asarray(costs, float)
    kept = c[:, keep] if c.ndim == 2 else c[keep]
    kept = kept[np.isfinite(kept) & ((kept > 0) if log_y else True)]
    allc = c[np.isfinite(c) & ((c > 0) if log_y else True)]
    if not kept.size or not allc.size:
        return None
    lo, hi = float(allc.min()), float(kept.max())
    # whole half-decades (log) or nice_ceiling (linear): the axis moves only now and then while the
    # sweep plays, so most frames only grow the lines (descentlab.ui.live.elements canvas_lines); room for the best ring
    if log_y:
        return stepped_value_range([lo, hi], log=True, room=0.12)
    lo = min(lo, 0.0)
    return [lo, lo + nice_ceiling(1.1 * (hi - lo) or 1.0)]


def _cost_axis(values, y_range: list | None, log_y: bool) -> dict:
    """The training-cost y axis over ``y_range`` (from _cost_range). Its log ticks follow the range,
    which spans at least a decade: labels at 1, 2, 5 or at every decade, never plotly's bare digits."""
    if not log_y:
        return drop_none(dict(title=dict(text="cost J (train)"), range=y_range))
    axis = _log_axis(values, "cost J (train)")
    if y_range is not None:
        axis.update(range=y_range, dtick="D2" if y_range[1] - y_range[0] < 2 else 1)
    return axis


def _colorbar_trace(rates, s: Style, axes: dict) -> dict:
    """An invisible trace that only carries the learning-rate colour bar."""
    lo, hi = float(np.min(rates)), float(np.max(rates))
    lg = [np.log10(lo), np.log10(hi) if hi > lo else np.log10(lo) + 1]
    ticks = [t for t in _decades(lo, hi) if lo * 0.999 <= t <= hi * 1.001] or [lo]
    return dict(type="scatter", x=[None, None], y=[None, None], mode="markers", showlegend=False,
                hoverinfo="skip", **axes,
                marker=dict(color=lg, cmin=lg[0], cmax=lg[1], colorscale=colorscale(RATE_SCALE), showscale=True,
                            colorbar=dict(title=dict(text="α", side="top"), thickness=int(s.text * 0.9),
                                          len=0.9, tickvals=list(np.log10(ticks)),
                                          ticktext=[power_label(t) for t in ticks])))


def _log_x(rates) -> dict:
    lo, hi = float(np.min(rates)), float(np.max(rates))
    ticks = _decades(lo, hi)
    return dict(type="log", tickvals=ticks, ticktext=[power_label(t) for t in ticks],
                range=[np.log10(lo) - 0.15, np.log10(hi) + 0.15], title=dict(text="learning rate α"))


def sweep_curves_figure(iterations, costs, rates, diverged_at=None, log_y: bool = True,
                        style: Style | None = None) -> go.Figure:
    """Training cost vs iteration, one line per learning rate (costs: (n, K), NaN after a run stops),
    an x where a run diverged, and the colour bar. Traces: K lines, the diverged marks, the colour bar."""
    s = resolve(style)
    it = np.asarray(iterations)
    costs = np.asarray(costs, float).reshape(len(it), -1)
    idx = thin_index(len(it), MAX_POINTS)
    it_t, c_t = it[idx].astype(np.int32), costs[idx]  # int32: half the JSON of int64
    colors = rate_colors(rates)
    data = []
    for k, (lr, color) in enumerate(zip(rates, colors)):
        y = c_t[:, k]
        y = np.where(np.isfinite(y) & ((y > 0) if log_y else True), y, np.nan)
        data.append(dict(type="scatter", x=it_t, y=f32(y), mode="lines",
                         name=f"α = {lr:.3g}", line=dict(color=color, width=s.line_width * 0.8), showlegend=False,
                         hovertemplate=f"α = {lr:.3g}<br>iteration %{{x}}<br>J = %{{y:.4g}}<extra></extra>"))
    at = np.asarray(diverged_at if diverged_at is not None else [-1] * len(rates))
    bad = at >= 0
    # diverged: an x at the iteration it happened, along the top (a hidden [0, 1] axis over the plot)
    data.append(dict(type="scatter", x=at[bad].astype(np.int32), y=np.full(int(bad.sum()), 0.95), yaxis="y2",
                     mode="markers", name="diverged", text=[f"α = {rates[k]:.3g} diverged at iteration {at[k]}"
                                                            for k in np.flatnonzero(bad)],
                     marker=dict(symbol="x-thin", size=s.marker_size * 2.2, line=dict(width=3, color=DIVERGED_COLOR),
                                 color=DIVERGED_COLOR),
                     hovertemplate="%{text}<extra></extra>", showlegend=bool(bad.any())))
    data.append(_colorbar_trace(rates, s, {}))
    layout = style_layout(s, title="Training cost, one line per learning rate", legend=bool(bad.any()))
    layout["xaxis"] = {}
    iteration_axis(layout["xaxis"], it, stepped=True)
    layout["yaxis"] = _cost_axis(costs[:, ~bad], _cost_range(costs, ~bad, log_y), log_y)
    layout["yaxis2"] = dict(overlaying="y", range=[0, 1], visible=False, fixedrange=True)
    return figure(data, layout)


def final_cost_figure(rates, final_cost, diverged, start_cost: float, best: int | None = None,
                      marks=(), log_y: bool = True, style: Style | None = None) -> go.Figure:
    """Cost now vs learning rate on a log axis: a point per rate in its colour, diverged rates as red
    x's along the top, the best rate ringed, and a dashed line at the cost before training.
    ``marks``: rates to point out (e.g. a preset's), drawn as dotted verticals.
    Traces: the curve, the diverged marks, the best ring."""
    s = resolve(style)
    rates = np.asarray(rates, float)
    cost = np.asarray(final_cost, float)
    bad = np.asarray(diverged, bool) | ~np.isfinite(cost)
    colors = np.array(rate_colors(rates), dtype=object)
    ok = ~bad
    y_ok = np.where(cost[ok] > 0, cost[ok], np.nan) if log_y else cost[ok]
    data = [dict(type="scatter", x=rates[ok], y=f32(y_ok), mode="lines+markers", name="cost now",
                 line=dict(color=GREY, width=s.line_width * 0.6),
                 marker=dict(color=list(colors[ok]), size=s.marker_size * 1.8, line=dict(width=1, color=GREY)),
                 hovertemplate="α = %{x:.3g}<br>J = %{y:.4g}<extra></extra>", showlegend=False)]
    # diverged: on a hidden [0, 1] axis over the plot, so they sit along the top whatever the costs
    data.append(dict(type="scatter", x=rates[bad], y=np.full(int(bad.sum()), 0.94), yaxis="y2", mode="markers+text",
                     name="diverged", text=["diverged"] * int(bad.sum()) if bad.sum() <= 3 else None,
                     # to the left of its mark and not clipped by the plot: the largest rates sit at the
                     # right edge, where "diverged" was cut
                     textposition="bottom left", cliponaxis=False,
                     textfont=dict(color=DIVERGED_COLOR, size=int(s.text * 0.8)),
                     marker=dict(symbol="x-thin", size=s.marker_size * 2.4, line=dict(width=3, color=DIVERGED_COLOR)),
                     hovertemplate="α = %{x:.3g}: diverged<extra></extra>", showlegend=bool(bad.any())))
    bx, by = ([rates[best]], [cost[best]]) if best is not None and ok[best] else ([], [])
    data.append(dict(type="scatter", x=bx, y=by, mode="markers", name=f"best α = {rates[best]:.3g}" if bx else "best",
                     marker=dict(symbol="circle-open", size=s.marker_size * 4, color=s.ink, line=dict(width=3)),
                     cliponaxis=False,  # the ring is wider than the point: whole, at the plot's edge too
                     hovertemplate="best: α = %{x:.3g}<br>J = %{y:.4g}<extra></extra>", showlegend=bool(bx)))
    layout = style_layout(s, title="Cost now vs learning rate", legend=True)
    layout["xaxis"] = _log_x(rates)
    shown = np.r_[cost[ok], start_cost]
    layout["yaxis"] = _cost_axis(shown, _cost_range(shown, np.ones(shown.size, bool), log_y), log_y)
    layout["yaxis2"] = dict(overlaying="y", range=[0, 1], visible=False, fixedrange=True)
    shapes = [dict(type="line", xref="x domain", x0=0, x1=1, yref="y", y0=start_cost, y1=start_cost,
                   line=dict(color=GREY, width=1.5, dash="dash"))]
    # above the line at the left, clear of the markers of the small rates that barely moved from it
    notes = [dict(xref="x domain", x=0.0, yref="y", y=np.log10(start_cost) if log_y and start_cost > 0 else start_cost,
                  text="cost before training", showarrow=False, xanchor="left", yanchor="bottom",
                  yshift=s.marker_size, font=dict(color=GREY))]
    for r in marks:
        shapes.append(dict(type="line", xref="x", x0=r, x1=r, yref="paper", y0=0, y1=1,
                           line=dict(color=GREY, width=1.5, dash="dot")))
    layout.update(shapes=shapes, annotations=notes)
    return figure(data, layout)


def surface_figure(w1, w2, cost, paths, w_min=None, step: int | None = None, style: Style | None = None) -> go.Figure:
    """Contours of J(w1, w2) with gradient-descent paths. ``paths``: list of dicts with label,
    points (n, 2), color. Colour and lines follow log J, so the flat floor and the steep walls both
    show. Traces: the contour, then per path its line and its current point, then the minimum."""
    s = resolve(style)
    J = np.asarray(cost, float)
    logJ = np.log10(np.maximum(J, 1e-6))
    levels = np.linspace(np.nanmin(logJ), np.nanmax(logJ), 22)
    data = [dict(type="contour", x=f32(w1), y=f32(w2), z=f32(logJ), customdata=f32(J), showscale=False,
                 colorscale=colorscale(SURFACE_SCALE), ncontours=22, name="J",
                 contours=dict(start=float(levels[0]), end=float(levels[-1]), size=float(levels[1] - levels[0]),
                               coloring="fill", showlines=True),
                 line=dict(color="rgba(60,60,60,0.35)", width=0.8),
                 hovertemplate="w₁ %{x:.2f}, w₂ %{y:.2f}<br>J = %{customdata:.4g}<extra></extra>")]
    for p in paths:
        pts = np.asarray(p["points"], float).reshape(-1, 2)
        data.append(dict(type="scatter", x=f32(pts[:, 0]), y=f32(pts[:, 1]), mode="lines+markers", name=p["label"],
                         legendgroup=p["label"], line=dict(color=p["color"], width=s.line_width * 0.8),
                         marker=dict(size=s.marker_size * 0.8, color=p["color"]),
                         hovertemplate=p["label"] + "<br>step %{pointNumber}: w = (%{x:.3f}, %{y:.3f})<extra></extra>"))
        data.append(dict(type="scatter", x=f32(pts[-1:, 0]), y=f32(pts[-1:, 1]), mode="markers", showlegend=False,
                         legendgroup=p["label"], hoverinfo="skip",
                         marker=dict(size=s.marker_size * 2.2, color=p["color"], line=dict(width=2, color="#FFFFFF"))))
    wm = [] if w_min is None else [float(w_min[0])]
    data.append(dict(type="scatter", x=wm, y=[] if w_min is None else [float(w_min[1])], mode="markers",
                     name="minimum", marker=dict(symbol="star", size=s.marker_size * 2.6, color="#FFFFFF",
                                                 line=dict(width=1.5, color="#31333F")),
                     hovertemplate="minimum of J<br>w = (%{x:.3f}, %{y:.3f})<extra></extra>"))
    title = "Cost surface J(w₁, w₂), bias b = 0" + ("" if step is None else f" · step {step}")
    layout = style_layout(s, title=title, legend=True)
    # equal scales (a circle looks round), the plot shrinking to fit rather than the range growing
    layout["xaxis"] = dict(title=dict(text="w₁"), range=[float(w1[0]), float(w1[-1])], showgrid=False, zeroline=False,
                           constrain="domain")
    layout["yaxis"] = dict(title=dict(text="w₂"), range=[float(w2[0]), float(w2[-1])], showgrid=False, zeroline=False,
                           scaleanchor="x", scaleratio=1, constrain="domain")
    layout["height"] = int(s.fig_height * 1.35)
    return figure(data, layout)


def path_cost_figure(paths, style: Style | None = None) -> go.Figure:
    """J after each step of every path (log axis), in the paths' colours. Traces: one per path."""
    s = resolve(style)
    data = []
    for p in paths:
        c = np.asarray(p["costs"], float)
        data.append(dict(type="scatter", x=np.arange(len(c)), y=f32(np.where(c > 0, c, np.nan)), mode="lines+markers",
                         name=p["label"], line=dict(color=p["color"], width=s.line_width),
                         marker=dict(size=s.marker_size * 0.6), showlegend=False,
                         hovertemplate=p["label"] + "<br>step %{x}<br>J = %{y:.4g}<extra></extra>"))
    layout = style_layout(s, title="Cost after each step")
    layout["xaxis"] = dict(title=dict(text="step"), rangemode="tozero")
    costs = np.concatenate([np.asarray(p["costs"], float) for p in paths]) if paths else np.ones(1)
    layout["yaxis"] = _log_axis(costs, "cost J")
    finite = costs[np.isfinite(costs) & (costs > 0)]
    if finite.size:  # up to 100x the start: a diverging path leaves through the top
        start = max(float(np.asarray(p["costs"], float)[0]) for p in paths)
        lo, hi = np.log10(finite.min()), np.log10(min(finite.max(), 100 * start))
        layout["yaxis"]["range"] = [lo - 0.05 * max(hi - lo, 0.1), hi + 0.08 * max(hi - lo, 0.1)]
    layout["height"] = int(s.fig_height * 1.35)
    return figure(data, layout)


def slice_figure(t, cost, cost0: float, grad_norm: float, landings, style: Style | None = None) -> go.Figure:
    """J(θ - t g/‖g‖) along the gradient direction, its tangent J(θ) - t‖g‖ (what the gradient
    promises), and where one step of each learning rate lands (t = α‖g‖). ``landings``: list of
    (label, t, cost there, colour). Traces: the slice, the tangent, one marker per landing."""
    s = resolve(style)
    t = np.asarray(t, float)
    data = [dict(type="scatter", x=f32(t), y=f32(cost), mode="lines", name="J along −g",
                 line=dict(color=PURPLE, width=s.line_width),
                 hovertemplate="t = %{x:.3g}<br>J = %{y:.4g}<extra></extra>"),
            dict(type="scatter", x=f32(t), y=f32(cost0 - t * grad_norm), mode="lines", name="tangent J − t‖g‖",
                 line=dict(color=GREY, width=s.line_width * 0.7, dash="dash"), hoverinfo="skip")]
    for label, at, c, color in landings:
        data.append(dict(type="scatter", x=[at], y=[c], mode="markers", name=label,
                         marker=dict(size=s.marker_size * 2.2, color=color, line=dict(width=1.5, color="#FFFFFF")),
                         hovertemplate=label + "<br>t = %{x:.3g}<br>J = %{y:.4g}<extra></extra>"))
    layout = style_layout(s, title="Cost along the gradient direction", legend=True)
    lo = float(np.nanmin(cost))
    hi = float(max(cost0, np.nanmax(np.where(t <= (max(a for _, a, _, _ in landings) if landings else t[-1]),
                                                cost, -np.inf))))
    pad = 0.15 * (hi - lo if hi > lo else 1.0)
    layout["xaxis"] = dict(title=dict(text="distance t moved along −g/‖g‖"), zeroline=True)
    layout["yaxis"] = dict(title=dict(text="cost J (train)"), range=[lo - pad, hi + pad])
    return figure(data, layout)


def schedules_figure(rates: dict, histories: dict, style: Style | None = None) -> go.Figure:
    """Learning rate (top) and training cost (bottom, log) over iterations, one colour per schedule
    (the first, the constant reference, dashed).
    ``rates``: {label: (iterations, α_t)}, the schedule itself (exact between recorded rows);
    ``histories``: {label: trainer history DataFrame}. Traces: per schedule, its rate then its cost."""
    s = resolve(style)
    axes, (top, bottom), notes = grid_axes(rows=2, shared_xaxes=True, vertical_spacing=0.1, row_heights=[0.4, 0.6])
    data, costs = [], []
    for i, (label, h) in enumerate(histories.items()):
        t, alpha = rates[label]
        color = class_color(i)
        dash = "dash" if i == 0 else "solid"  # the reference (constant) stays visible where a schedule follows it
        data.append(dict(type="scatter", x=np.asarray(t), y=f32(alpha), mode="lines", name=label, legendgroup=label,
                         line=dict(color=color, width=s.line_width, dash=dash),
                         hovertemplate=label + "<br>iteration %{x}<br>α = %{y:.4g}<extra></extra>", **top))
        idx = thin_index(len(h), MAX_POINTS)
        c = h["cost_train"].to_numpy(dtype=float)[idx]
        costs.append(c)
        data.append(dict(type="scatter", x=h["iteration"].to_numpy()[idx], y=f32(np.where(c > 0, c, np.nan)),
                         mode="lines", name=label, legendgroup=label, showlegend=False,
                         line=dict(color=color, width=s.line_width, dash=dash),
                         hovertemplate=label + "<br>iteration %{x}<br>J = %{y:.4g}<extra></extra>", **bottom))
    axes["yaxis"].update(title=dict(text="learning rate α"), rangemode="tozero")
    axes["yaxis2"].update(_log_axis(np.concatenate(costs) if costs else [], "cost J (train)"))
    last = [last_iteration(histories.values())]
    iteration_axis(axes["xaxis"], last, titled=False)
    iteration_axis(axes["xaxis2"], last)
    layout = style_layout(s, title="Learning-rate schedules on the same run", legend=True)
    layout.update(axes, annotations=notes, height=int(s.fig_height * 1.4))
    return figure(data, layout)
