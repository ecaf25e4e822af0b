"""Figures for the loss-functions page: L1, L2 and cross-entropy against ŷ for y = 0 and y = 1, and the
cost of one sigmoid unit against one weight w with gradient-descent paths drawn on it."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from descentlab.lessons.loss_functions import DescentPath
from descentlab.viz.arrays import f32
from descentlab.viz.figure import figure, grid_axes
from descentlab.viz.static_chart import pin_axis_fonts
from descentlab.viz.style import (
    BLUE,
    GREEN,
    ORANGE,
    VERMILLION,
    Style,
    resolve,
    style_layout,
)

LOSS_STYLE = {  # name: (legend label, colour, dash)
    "mae": ("L1 = |y − ŷ|", GREEN, "dot"),
    "mse": ("L2 = (y − ŷ)²", BLUE, "dash"),
    "bce": ("cross-entropy", VERMILLION, "solid"),
}
CE_CEILING = 4.0  # cross-entropy → ∞ at the wrong end: the y axis stops here


def _legend_below(layout: dict, s: Style) -> None:
    # below the x titles: subplot titles own the space above the plots
    layout["showlegend"] = True
    layout["legend"].update(orientation="h", x=0.0, xanchor="left", y=-0.2, yanchor="top")
    layout["margin"].update(t=int(s.text * 2.4), b=int(s.text * 6.5))


def loss_curves_figure(yhat, curves: dict, marker_yhat: float | None = None,
                       style: Style | None = None) -> go.Figure:
    """Two panels, y = 0 and y = 1: one line per loss in ``curves`` (descentlab.lessons.loss_functions.loss_curves),
    then, with ``marker_yhat``, one marker per loss at that ŷ."""
    s = resolve(style)
    axes, refs, notes = grid_axes(1, 2, horizontal_spacing=0.12, titles=("true label y = 0", "true label y = 1"),
                                  title_font=dict(size=int(s.text * 0.95)))
    x = f32(yhat)
    data = []
    for panel, y in enumerate((0, 1)):
        for name, per_y in curves.items():
            label, color, dash = LOSS_STYLE[name]
            data.append(dict(type="scatter", x=x, y=f32(per_y[y]), name=label, legendgroup=name,
                             showlegend=panel == 0, mode="lines", line=dict(color=color, width=s.line_width, dash=dash),
                             hovertemplate=f"{label}<br>ŷ = %{{x:.3f}}<br>L = %{{y:.3f}}<extra>y = {y}</extra>",
                             **refs[panel]))
        if marker_yhat is not None:
            for name, per_y in curves.items():
                label, color, _ = LOSS_STYLE[name]
                value = float(np.interp(marker_yhat, yhat, per_y[y]))
                data.append(dict(type="scatter", x=[marker_yhat], y=[min(value, CE_CEILING)], mode="markers",
                                 showlegend=False, legendgroup=name, name=label,
                                 marker=dict(color=color, size=s.marker_size * 2, line=dict(color=s.outline, width=2)),
                                 hovertemplate=f"{label}<br>ŷ = {marker_yhat:.3f}<br>L = {value:.3f}<extra>y = {y}</extra>",
                                 **refs[panel]))
    layout = style_layout(s, legend=True)
    _legend_below(layout, s)
    for k in ("", "2"):
        axes[f"xaxis{k}"].update(title=dict(text="prediction ŷ"), range=[0, 1])
        axes[f"yaxis{k}"].update(range=[0, CE_CEILING])
    axes["yaxis"]["title"] = dict(text="loss L(ŷ, y)")
    layout.update(axes, annotations=notes)
    return figure(data, pin_axis_fonts(layout, s))


def landscape_figure(ws, costs: dict[str, np.ndarray], paths: dict[str, DescentPath], titles: dict[str, str],
                     style: Style | None = None) -> go.Figure:
    """One panel per loss (in ``costs`` order): J(w) as a line, the descent path as numbered markers
    joined by a thin line, its start and end marked. Path points outside the w grid are off-chart."""
    s = resolve(style)
    names = list(costs)
    axes, refs, notes = grid_axes(1, len(names), horizontal_spacing=0.08, titles=[titles[n] for n in names],
                                  title_font=dict(size=int(s.text * 0.95)))
    x = f32(ws)
    data = []
    for panel, name in enumerate(names):
        first, (_, color, _) = panel == 0, LOSS_STYLE[name]
        p, ink = paths[name], s.ink  # the path in the text colour: it reads on light and dark pages
        steps = np.arange(len(p.w))
        data.append(dict(type="scatter", x=x, y=f32(costs[name]), name="J(w)", mode="lines", showlegend=first,
                         legendgroup="curve", line=dict(color=color, width=s.line_width),
                         hovertemplate="w = %{x:.2f}<br>J = %{y:.4~g}<extra></extra>", **refs[panel]))
        data.append(dict(type="scatter", x=f32(p.w), y=f32(p.cost), name="gradient descent", mode="lines+markers",
                         showlegend=first, legendgroup="path", customdata=np.stack([steps, f32(p.slope)], axis=1),
                         line=dict(color=ink, width=max(1.0, s.line_width / 2)),
                         marker=dict(color=ink, size=s.marker_size, line=dict(color=s.outline, width=1)),
                         hovertemplate="step %{customdata[0]}<br>w = %{x:.3f}<br>J = %{y:.4~g}"
                                       "<br>dJ/dw = %{customdata[1]:.2e}<extra></extra>", **refs[panel]))
        for label, i, symbol, size in (("start", 0, "diamond", 3.0), ("end", -1, "star", 2.2)):
            data.append(dict(type="scatter", x=[float(p.w[i])], y=[float(p.cost[i])], name=label, mode="markers",
                             showlegend=first, legendgroup=label,
                             marker=dict(color=GREEN if label == "start" else ORANGE, size=s.marker_size * size,
                                         symbol=symbol, line=dict(color=s.outline, width=2)),
                             hovertemplate=f"{label}: w = %{{x:.3f}}, J = %{{y:.4~g}}<extra></extra>", **refs[panel]))
    layout = style_layout(s, legend=True)
    _legend_below(layout, s)
    for i in range(len(names)):
        k = "" if i == 0 else str(i + 1)
        axes[f"xaxis{k}"].update(title=dict(text="weight w"), range=[float(ws[0]), float(ws[-1])])
    axes["yaxis"]["title"] = dict(text="cost J(w)")
    layout.update(axes, annotations=notes)
    return figure(data, pin_axis_fonts(layout, s))
