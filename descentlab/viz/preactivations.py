"""An activation g and its derivative g', with where each hidden layer's pre-activations Z[l] sit now.

The point of the chart: a histogram that drifts into the shaded band (|g'| tiny: saturated, or the
ReLU's dead side) is a layer that has stopped passing gradient back.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from descentlab.engine import metrics
from descentlab.engine.activations import Activation, get_activation
from descentlab.viz.arrays import f32
from descentlab.viz.figure import figure, grid_axes
from descentlab.viz.histogram_picture import histogram_image, legend_only
from descentlab.viz.series import nice_ceiling, stepped_value_range
from descentlab.viz.style import (
    GREEN,
    VERMILLION,
    Style,
    layer_colors,
    resolve,
    style_layout,
)

MIN_HALF_RANGE = 4.0
N_BINS = 60
BAR_OPACITY = 0.45
_BAND = "rgba(128,128,128,0.18)"


def _finite_values(layer_stats) -> np.ndarray:
    parts = [np.asarray(d["Z"], float).ravel() for d in layer_stats]
    z = np.concatenate(parts) if parts else np.zeros(0)
    return z[np.isfinite(z)]


def default_z_range(layer_stats) -> tuple[float, float]:
    """Covers the middle 99% of the hidden pre-activations, and at least [-4, 4], each end out to a
    nice_ceiling step: while training moves the values, a live chart keeps its range (and its
    curves) for many frames and only its histograms change."""
    z = _finite_values(layer_stats)
    lo, hi = (np.percentile(z, [0.5, 99.5]) if z.size else (0.0, 0.0))
    return -nice_ceiling(max(-float(lo), MIN_HALF_RANGE)), nice_ceiling(max(float(hi), MIN_HALF_RANGE))


def _percent(share: float) -> str:
    """A share as a whole percent in a fixed width (figure spaces pad it): the note's box keeps its
    size from frame to frame, so a live frame can change its text alone (live_chart.js)."""
    return f"{round(100 * share):>2d}%".replace(" ", "\u2007")


def _curves_range(*curves) -> list[float]:
    """The left axis's range: the curves with 5 % to spare, as Plotly's autorange would give. Fixed,
    so the live histograms' picture can be placed on it (histogram_image)."""
    v = np.concatenate([np.asarray(c, float) for c in curves])
    v = v[np.isfinite(v)]
    lo, hi = (float(v.min()), float(v.max())) if v.size else (0.0, 1.0)
    pad = 0.05 * (hi - lo) if hi > lo else 0.5
    return [lo - pad, hi + pad]


def _runs(mask: np.ndarray, z: np.ndarray) -> list[tuple[float, float]]:
    """Contiguous stretches of z where mask holds, as (start, end)."""
    edges = np.flatnonzero(np.diff(np.r_[0, mask.astype(np.int8), 0]))
    return [(float(z[a]), float(z[b - 1])) for a, b in zip(edges[::2], edges[1::2])]


def _shade(g: Activation, z: np.ndarray) -> tuple[list[dict], list[dict]]:
    """Bands (shapes) and their labels (annotations) where g' vanishes: what add_vrect would add."""
    if g.name == "relu":
        return _bands([(float(z[0]), 0.0)] if z[0] < 0 else [], "g′ = 0", z)
    if not g.saturates:
        return [], []
    with np.errstate(all="ignore"):
        flat = np.abs(g.derivative(z)) < metrics.SATURATION_THRESHOLD
    return _bands(_runs(flat, z), f"|g′| < {metrics.SATURATION_THRESHOLD:g}", z)


def _bands(runs, text: str, z: np.ndarray) -> tuple[list[dict], list[dict]]:
    shapes, notes = [], []
    for a, b in runs:
        shapes.append(dict(type="rect", x0=a, x1=b, xref="x", y0=0, y1=1, yref="y domain", fillcolor=_BAND,
                           line=dict(width=0), layer="below"))
        right = a > z[0]  # a band that starts inside the range is labelled at its right end
        notes.append(dict(text=text, x=b if right else a, xref="x", y=0, yref="y domain",
                          xanchor="right" if right else "left", yanchor="bottom", showarrow=False))
    return shapes, notes


def _layer_activation(name: str, g: Activation) -> Activation:
    # the figure's own object when names match (it may carry a custom leaky-ReLU slope)
    return g if name == g.name else get_activation(name)


def activation_figure(activation, layer_stats, z_range=None, style: Style | None = None,
                      live: bool = False) -> go.Figure:
    """g(z) and g'(z) as lines, and one histogram (share of values per bin, right axis) of Z[l] for
    each HIDDEN layer of ``trainer.layer_statistics()`` (the last entry, the output layer, is
    skipped). Shaded: |g'| < SATURATION_THRESHOLD for saturating g, z <= 0 for ReLU. One annotation
    per hidden layer: "layer l: x% saturated, y% dead". Values beyond the z range are counted in the
    edge bins, so a pile-up at an edge means "more out there". The right axis ends at a stepped value.

    Traces, in order: g, g', then one Bar per hidden layer. ``live`` (a frame while training plays):
    the histograms are one picture (histogram_image) and the bars stay empty, for the legend; hover
    shows each bin's share once paused."""
    s = resolve(style)
    g = activation if isinstance(activation, Activation) else get_activation(activation)
    hidden = list(layer_stats)[:-1]
    lo, hi = z_range if z_range is not None else default_z_range(hidden)
    z = np.linspace(lo, hi, 401)
    with np.errstate(all="ignore"):
        gz, dz = f32(g.forward(z)), f32(g.derivative(z))
    axes, (left, right), notes = grid_axes(secondary_y=True)
    zf = f32(z)
    data = [dict(type="scatter", x=zf, y=gz, name="g(z)", mode="lines", line=dict(color=GREEN, width=s.line_width),
                 hovertemplate="z = %{x:.2f}<br>g(z) = %{y:.3f}<extra></extra>", **left),
            dict(type="scatter", x=zf, y=dz, name="g′(z)", mode="lines",
                 line=dict(color=VERMILLION, width=s.line_width, dash="dash"),
                 hovertemplate="z = %{x:.2f}<br>g′(z) = %{y:.3f}<extra></extra>", **left)]
    edges = np.linspace(lo, hi, N_BINS + 1)
    centres, width = f32((edges[:-1] + edges[1:]) / 2), float(edges[1] - edges[0])
    colors = layer_colors(len(hidden))
    shares = []
    for i, d in enumerate(hidden):
        l, Z = d["layer"], np.asarray(d["Z"], float)
        finite = Z[np.isfinite(Z)]
        counts, _ = np.histogram(np.clip(finite, lo, hi), bins=edges)
        shares.append(f32(counts / max(finite.size, 1)))
        bars = legend_only(centres) if live else dict(
            x=centres, y=shares[-1], hovertemplate=f"Z[{l}]<br>z ≈ %{{x:.2f}}<br>%{{y:.1%}} of values<extra></extra>")
        data.append(dict(type="bar", **bars, width=width, name=f"Z[{l}]", opacity=BAR_OPACITY,
                         marker=dict(color=colors[i], line=dict(width=0)), **right))
        act = _layer_activation(d["activation"], g)
        with np.errstate(all="ignore"):
            sat, dead = metrics.saturated_fraction(act, Z), metrics.dead_fraction(act, Z)
        # two shorter lines at presentation size: one line ran past a narrow chart's edge
        sep, step = ("<br>", 0.15) if s.presentation else (" ", 0.075)
        notes.append(dict(text=f"<span style='color:{colors[i]}'>■</span> layer {l}:{sep}{_percent(sat)} saturated, "
                               f"{_percent(dead)} dead", xref="paper", yref="paper", x=0.01, y=0.99 - step * i,
                          xanchor="left", yanchor="top", showarrow=False, bgcolor="rgba(128,128,128,0.12)",
                          align="left", **({"font": dict(size=int(s.text * 0.8))} if s.presentation else {})))
    shapes, labels = _shade(g, z)
    layout = style_layout(s, title=f"{g.label}: g and g′", legend=True)
    axes["xaxis"].update(title=dict(text="z (pre-activation)"), range=[lo, hi])
    axes["yaxis"].update(title=dict(text="g(z), g′(z)"), range=_curves_range(gz, dz))
    top = stepped_value_range(np.concatenate(shares) if shares else np.zeros(1))
    axes["yaxis2"].update(title=dict(text="share of Z values"), tickformat=".0%", range=top,
                          showgrid=False, tickmode="auto", nticks=5)
    layout.update(axes, barmode="overlay", bargap=0, annotations=notes + labels)
    if live and shares:
        layout["images"] = [histogram_image(edges, shares, colors, BAR_OPACITY, top[1], axes["yaxis"]["range"])]
    if shapes:
        layout["shapes"] = shapes
    return figure(data, layout)
