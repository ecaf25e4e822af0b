"""The broadcasting picture: a, b and the result as grids of numbered cells. For element-wise operations
a and b are drawn at the result's shape, their own cells solid and the repeats broadcasting makes faded;
a matrix product or a failed operation draws each array at its own shape."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from descentlab.lessons.broadcasting import Outcome, as_grid, stretched
from descentlab.viz.figure import figure, grid_axes
from descentlab.viz.static_chart import pin_axis_fonts
from descentlab.viz.style import (
    BLUE,
    GREEN,
    ORANGE,
    VERMILLION,
    Style,
    resolve,
    rgba,
    style_layout,
)

FADED = 0.22  # opacity of a repeated cell: visibly the same value, visibly not stored
GAP = 0.1  # horizontal space between panels (paper fraction), where the operator signs go
SIGNS = {"np.dot": "dot", "*": "∗"}  # between the panels (∗ sits on the midline where * floats high)
CELL_HEIGHT = 3.2  # a grid row, in multiples of the font size


def _cells(values: np.ndarray) -> list[list[str]]:
    return [[f"{v:.4g}" for v in row] for row in values]


def _grid_trace(values: np.ndarray, own: np.ndarray, color: str, ref: dict, name: str, s: Style) -> dict:
    """One heatmap: z = 1 for the array's own cells, 0 for repeats; the colour scale does the fading."""
    r, c = values.shape
    return dict(type="heatmap", z=own.astype(np.uint8), zmin=0, zmax=1, showscale=False,
                colorscale=[[0.0, rgba(color, FADED)], [1.0, color]], xgap=3, ygap=3,
                x=np.arange(c), y=np.arange(r), text=_cells(values), texttemplate="%{text}",
                textfont=dict(size=s.text), name=name,
                customdata=np.where(own, "own value", "repeated by broadcasting"),
                hovertemplate=f"{name}[%{{y}}, %{{x}}] = %{{text}}<br>%{{customdata}}<extra></extra>", **ref)


def _shape_text(shape: tuple[int, ...]) -> str:
    return "scalar ()" if shape == () else str(shape)


def broadcast_figure(out: Outcome, style: Style | None = None) -> go.Figure:
    """Three panels: a, b, result (empty with a ✗ when numpy refused). Traces: a, b, then the result
    when there is one."""
    s = resolve(style)
    ok = out.result is not None
    stretch = ok and out.elementwise and out.result.ndim <= 2
    sa, sb = out.a.shape, out.b.shape
    as_column = " as a column" if not out.elementwise and len(sb) == 1 else ""
    titles = [f"a {_shape_text(sa)}" + (f" → {_shape_text(out.result.shape)}" if stretch and sa != out.result.shape else ""),
              f"b {_shape_text(sb)}" + (f" → {_shape_text(out.result.shape)}" if stretch and sb != out.result.shape
                                        else as_column),
              f"result {_shape_text(out.result.shape)}" if ok else "no result"]
    axes, refs, notes = grid_axes(1, 3, horizontal_spacing=GAP, titles=titles, title_font=dict(size=int(s.text * 0.95)))
    data = []
    for arr, color, ref, name in ((out.a, BLUE, refs[0], "a"), (out.b, ORANGE, refs[1], "b")):
        if stretch:
            values, own = stretched(arr, out.result.shape)
        else:
            # in a product a 1-D b is used as a column (its values meet a's rows), so draw it as one
            column = name == "b" and arr.ndim == 1 and not out.elementwise
            values = arr.reshape(-1, 1) if column else arr.reshape(as_grid(arr.shape))
            own = np.ones(values.shape, bool)
        data.append(_grid_trace(values, own, color, ref, name, s))
    has_result = ok and out.result.ndim <= 2
    if has_result:
        res = out.result.reshape(as_grid(out.result.shape))
        data.append(_grid_trace(res, np.ones(res.shape, bool), GREEN, refs[2], "result", s))
    else:
        x_dom = axes["xaxis3"]["domain"]  # paper coordinates: an axis without traces is not drawn
        notes.append(dict(text="✗", x=sum(x_dom) / 2, y=0.5, xref="paper", yref="paper", showarrow=False,
                          font=dict(size=s.text * 4, color=rgba(VERMILLION, 0.9))))
    for x, sign in ((1 / 3 - GAP * 2 / 3 + GAP / 2, SIGNS.get(out.op, out.op)), (2 / 3 - GAP / 3 + GAP / 2, "=")):
        notes.append(dict(text=f"<b>{sign}</b>", x=x, y=0.5, xref="paper", yref="paper", showarrow=False,
                          font=dict(size=int(s.text * 1.6)), xanchor="center"))
    layout = style_layout(s)
    # rows of a fixed height whatever the page width, and every panel on the same row/column scale, so
    # a (1, n) array looks one row high next to an (m, n) one
    rows = max(t["z"].shape[0] for t in data)
    cols = max(t["z"].shape[1] for t in data)
    layout["margin"].update(t=int(s.text * 3.6), b=int(s.text * 0.8))
    layout["height"] = rows * int(s.text * CELL_HEIGHT) + layout["margin"]["t"] + layout["margin"]["b"]
    shapes = [t["z"].shape for t in data] + [(0, 0)] * (3 - len(data))  # (0, 0): the empty result panel
    for i, (r, c) in enumerate(shapes):
        k = "" if i == 0 else str(i + 1)
        bare = dict(showgrid=False, zeroline=False, showline=False, ticks="", tickfont=dict(size=int(s.text * 0.7)))
        # index labels for the panel's own rows and columns only
        axes[f"xaxis{k}"].update(bare, side="top", range=[-0.5, cols - 0.5], tickmode="array", tickvals=list(range(c)))
        axes[f"yaxis{k}"].update(bare, range=[rows - 0.5, -0.5], tickmode="array", tickvals=list(range(r)))
    for note in notes[:3]:  # the panel titles: above the column numbers
        note["yshift"] = int(s.text * 1.3)
    layout.update(axes, annotations=notes)
    return figure(data, pin_axis_fonts(layout, s))
