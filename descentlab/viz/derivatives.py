"""The Derivatives page's chart: f(x) on the left, f'(x) on the right as the rule's formula (a line),
with the central difference (f(x + h) − f(x − h)) / 2h computed from f alone drawn over it as dots."""
from __future__ import annotations

import plotly.graph_objects as go

from descentlab.lessons.derivatives import Curves
from descentlab.viz.arrays import f32
from descentlab.viz.figure import figure, grid_axes
from descentlab.viz.static_chart import pin_axis_fonts
from descentlab.viz.style import BLUE, ORANGE, Style, resolve, style_layout


def derivative_figure(c: Curves, style: Style | None = None) -> go.Figure:
    """Three traces: f (left), f' (right, line), the central difference (right, dots); the legend says
    which is which, so the titles stay short enough for a projector's half screen."""
    s = resolve(style)
    axes, (left, right), notes = grid_axes(1, 2, horizontal_spacing=0.1,
                                           titles=(f"f(x) = {c.entry.label}",
                                                   f"f′(x); dots: h = {c.h:g}"),
                                           title_font=dict(size=int(s.text * 0.95)))
    x = f32(c.x)
    data = [
        dict(type="scatter", x=x, y=f32(c.f), mode="lines", name="f(x)", **left,
             line=dict(color=BLUE, width=s.line_width),
             hovertemplate="x = %{x:.3f}<br>f(x) = %{y:.4f}<extra></extra>"),
        dict(type="scatter", x=x, y=f32(c.df), mode="lines", name="f′(x), by the rule", **right,
             line=dict(color=ORANGE, width=s.line_width),
             hovertemplate="x = %{x:.3f}<br>f′(x) = %{y:.4f}<extra></extra>"),
        dict(type="scatter", x=f32(c.x_check), y=f32(c.numerical), mode="markers",
             name="(f(x+h) − f(x−h)) / 2h", **right,
             marker=dict(color=ORANGE, size=s.marker_size + 3, line=dict(color=s.outline, width=1.5)),
             customdata=f32(c.analytic),
             hovertemplate=("x = %{x:.3f}<br>central difference = %{y:.6f}"
                            "<br>the rule = %{customdata:.6f}<extra></extra>")),
    ]
    layout = style_layout(s, legend=True)
    layout["legend"].update(orientation="h", x=0.0, y=-0.22, xanchor="left", yanchor="top")
    for ax in ("xaxis", "xaxis2"):
        axes[ax]["title"] = dict(text="x")
        axes[ax]["zeroline"] = True
    for ax in ("yaxis", "yaxis2"):
        axes[ax]["zeroline"] = True
    axes["xaxis2"]["matches"] = "x"
    layout["margin"]["t"] = int(s.text * 2.4)  # room for the panel titles only
    layout["margin"]["b"] = int(s.text * 6.5)  # the x titles, then the legend under them
    layout.update(axes, annotations=notes)
    return figure(data, pin_axis_fonts(layout, s))
