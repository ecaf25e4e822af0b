"""The activation gallery's chart: g(z) on the left, g'(z) on the right, any number of activations
overlaid, with the central-difference estimate of g' drawn as dots on top of the analytic line.

Each activation keeps one colour whatever else is selected (its place in the registry), so toggling
the selection never repaints the others.
"""
from __future__ import annotations

import plotly.graph_objects as go

from descentlab.engine.activations import ACTIVATIONS, get_activation
from descentlab.lessons.activation_properties import Curves
from descentlab.viz.arrays import f32
from descentlab.viz.figure import figure, grid_axes
from descentlab.viz.static_chart import pin_axis_fonts
from descentlab.viz.style import (
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    PURPLE,
    SKY,
    TEAL,
    VERMILLION,
    WINE,
    Style,
    resolve,
    style_layout,
)

# Okabe-Ito without its yellow (too faint on white for a thin line), then two of Paul Tol's.
GALLERY_COLORS = (BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, GREY, WINE, TEAL)


def activation_color(name: str) -> str:
    names = list(ACTIVATIONS)
    i = names.index(name) if name in names else len(names)
    return GALLERY_COLORS[i % len(GALLERY_COLORS)]


def gallery_figure(curves: list[Curves], style: Style | None = None) -> go.Figure:
    """Two panels sharing the z axis. Per activation, in order: g (left), g' (right), the numerical
    g' dots (right; kinks, where the estimate is the mean of two slopes, drawn as ✕)."""
    s = resolve(style)
    axes, (left, right), notes = grid_axes(1, 2, horizontal_spacing=0.09,
                                           titles=("g(z)", "g′(z): line = formula, dots = central difference"),
                                           title_font=dict(size=int(s.text * 0.95)))
    data = []
    for c in curves:
        g, color = get_activation(c.name), activation_color(c.name)
        z = f32(c.z)
        common = dict(legendgroup=c.name, mode="lines", line=dict(color=color, width=s.line_width))
        data.append(dict(type="scatter", x=z, y=f32(c.g), name=g.label, showlegend=True, **common, **left,
                         hovertemplate=f"{g.label}<br>z = %{{x:.2f}}<br>g(z) = %{{y:.4f}}<extra></extra>"))
        data.append(dict(type="scatter", x=z, y=f32(c.dg), name=f"{g.label} g′", showlegend=False, **common, **right,
                         hovertemplate=f"{g.label}<br>z = %{{x:.2f}}<br>g′(z) = %{{y:.4f}}<extra></extra>"))
        ck = c.check
        symbols = ["x" if k else "circle" for k in ck.kink]
        data.append(dict(type="scatter", x=f32(ck.z), y=f32(ck.numerical), name=f"{g.label} numerical",
                         legendgroup=c.name, showlegend=False, mode="markers", **right,
                         marker=dict(color=color, size=s.marker_size + 1, symbol=symbols,
                                     line=dict(color=s.outline, width=1)),
                         customdata=f32(ck.analytic),
                         hovertemplate=(f"{g.label}<br>z = %{{x:.2f}}<br>central difference = %{{y:.6f}}"
                                        "<br>formula = %{customdata:.6f}<extra></extra>")))
    layout = style_layout(s, legend=True)
    # a vertical legend right of the plots: plotly widens the margin for it, so it never covers a curve
    layout["legend"].update(orientation="v", x=1.01, y=1.0, xanchor="left", yanchor="top")
    for ax in ("xaxis", "xaxis2"):
        axes[ax]["title"] = dict(text="z")
    axes["xaxis2"]["matches"] = "x"
    layout["margin"]["t"] = int(s.text * 2.4)  # room for the panel titles only
    layout.update(axes, annotations=notes)
    return figure(data, pin_axis_fonts(layout, s))
