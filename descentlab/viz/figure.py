"""Figures from plain dicts, skipping plotly.py's validation.

Live charts are rebuilt ~10 times per second, and plotly.py spends 35-90 ms per figure validating
(make_subplots, update_layout, magic-underscore paths) what plotly.js gets as the same JSON anyway.
So builders write traces and layout as nested dicts (numpy arrays as values, no magic underscores,
subplot axes spelled out) and wrap them with ``figure``, which skips validation: ~0.1 ms a trace.
``grid_axes`` reproduces make_subplots' arithmetic (tests/test_viz.py checks it against
make_subplots), so the JSON is what the validated construction gave. plotly.py still validates
subplot axes (xaxis2, yaxis2, ...; ~0.15 ms each): most of what a 12-picture grid costs now.

Inside ``plain_figures()`` (a live frame, descentlab.ui.live.player) ``figure`` skips plotly.py altogether and
returns the dicts as a ``PlainFigure``: even unvalidated, a go.Figure deep-copies its input in and
out and turns every layout image into an object, ~4 ms of the 4.5 ms a live chart cost the server
per frame (descentlab.ui.live.elements serialises the dicts directly).
"""
from __future__ import annotations

import contextlib
import contextvars

import plotly.graph_objects as go

_PLAIN = contextvars.ContextVar("descentlab_plain_figures", default=False)


class _Layout(dict):
    """A layout dict that also reads and writes like go.Figure's layout (``fig.layout.height``)."""

    def __getattr__(self, name):
        return self.get(name)  # None when unset, as plotly.py gives

    def __setattr__(self, name, value):
        self[name] = value


class PlainFigure:
    """A figure as the builders' own dicts: traces in ``data``, ``layout``. Enough of go.Figure for
    the code that draws live charts (``add_trace``, ``layout.x``, ``to_plotly_json``, ``to_dict``)."""

    __slots__ = ("data", "layout")

    def __init__(self, data: list[dict], layout: dict):
        self.data, self.layout = list(data), _Layout(layout)

    def add_trace(self, trace: dict) -> PlainFigure:
        self.data.append(trace)
        return self

    def to_plotly_json(self) -> dict:
        """The figure's dicts, not copies (go.Figure's are copies)."""
        return {"data": self.data, "layout": dict(self.layout)}

    to_dict = to_plotly_json  # what st.plotly_chart reads


@contextlib.contextmanager
def plain_figures():
    """Within this block ``figure`` returns PlainFigure, for figures that go straight to the browser."""
    token = _PLAIN.set(True)
    try:
        yield
    finally:
        _PLAIN.reset(token)


def figure(data: list[dict], layout: dict) -> go.Figure | PlainFigure:
    """``go.Figure`` of dict traces (each with "type") and a dict layout, unvalidated: the builders'
    output is held by tests to what validated construction gives. plotly.py deep-copies both into
    the figure. Later edits to the figure may skip value validation too. Inside plain_figures(): a
    PlainFigure of the same dicts."""
    if _PLAIN.get():
        return PlainFigure(data, layout)
    return go.Figure(dict(data=data, layout=layout), _validate=False)


def drop_none(d: dict) -> dict:
    """A dict without its None values (plotly.py's kwargs treat None as "not set")."""
    return {k: v for k, v in d.items() if v is not None}


def _clamp(v: float) -> float:
    # make_subplots rounds values within 0.01 outside [0, 1] (float error) back onto the edge
    return 0.0 if -0.01 < v < 0.0 else 1.0 if 1.0 < v < 1.01 else v


def _axis_id(n: int) -> str:
    return "" if n == 1 else str(n)


def grid_axes(rows: int = 1, cols: int = 1, horizontal_spacing: float | None = None,
              vertical_spacing: float | None = None, row_heights=None, shared_xaxes: bool = False,
              secondary_y: bool = False, titles=None, title_font: dict | None = None):
    """What ``make_subplots`` (start_cell "top-left", every cell "xy") puts in the layout, as a dict.

    Returns (layout, refs, annotations): the axes (xaxis, yaxis, xaxis2, ...), one
    {"xaxis": "x3", "yaxis": "y3"} per cell in row-major order (with ``secondary_y`` (1 × 1 only) a
    second one for y2), and the subplot-title annotations."""
    has_titles = titles is not None
    if horizontal_spacing is None:
        horizontal_spacing = (0.4 if secondary_y else 0.2) / cols
    if vertical_spacing is None:
        vertical_spacing = (0.5 if has_titles else 0.3) / rows
    max_width = 0.94 if secondary_y else 1.0
    widths = [(max_width - horizontal_spacing * (cols - 1)) / cols] * cols
    if row_heights is None:
        heights = [(1.0 - vertical_spacing * (rows - 1)) / rows] * rows
    else:
        total = float(sum(row_heights))
        heights = [(1.0 - vertical_spacing * (rows - 1)) * (h / total) for h in row_heights][::-1]
    starts_x = [sum(widths[:c]) + c * horizontal_spacing for c in range(cols)]
    starts_y = [sum(heights[:r]) + r * vertical_spacing for r in range(rows)][::-1]  # top row first
    layout, refs, domains, n = {}, [], [], 0
    for r in range(rows):
        for c in range(cols):
            n += 1
            x_dom = [starts_x[c], starts_x[c] + widths[c]]
            y_dom = [_clamp(starts_y[r]), _clamp(starts_y[r] + heights[-1 - r])]
            k = _axis_id(n)
            layout[f"xaxis{k}"] = {"domain": x_dom, "anchor": f"y{k}"}
            layout[f"yaxis{k}"] = {"domain": y_dom, "anchor": f"x{k}"}
            refs.append({"xaxis": f"x{k}", "yaxis": f"y{k}"})
            domains.append((x_dom, y_dom))
    if secondary_y:  # 1 × 1: the right-hand axis overlays y
        layout["yaxis2"] = {"anchor": "x", "overlaying": "y", "side": "right"}
        refs.append({"xaxis": "x", "yaxis": "y2"})
    if shared_xaxes and rows > 1:  # every column's x axes follow its bottom one, labels only there
        for c in range(cols):
            bottom = _axis_id((rows - 1) * cols + c + 1)
            for r in range(rows - 1):
                layout[f"xaxis{_axis_id(r * cols + c + 1)}"].update(matches=f"x{bottom}", showticklabels=False)
    font = title_font if title_font is not None else {"size": 16}
    notes = [{"y": y_dom[1], "xref": "paper", "x": sum(x_dom) / 2.0, "yref": "paper", "text": t, "showarrow": False,
              "font": dict(font), "xanchor": "center", "yanchor": "bottom"}
             for t, (x_dom, y_dom) in zip(titles or (), domains) if t]
    return layout, refs, notes


def colorbar_carrier(colorscale: list, cmin: float, cmax: float, colorbar: dict, name: str | None = None) -> dict:
    """A marker-less trace that only carries a colour bar: for a chart whose coloured part is a
    picture (a layout image), which has no colour bar of its own."""
    return drop_none(dict(type="scatter", x=[None], y=[None], mode="markers", hoverinfo="skip", showlegend=False,
                          name=name, marker=dict(color=[cmin], cmin=cmin, cmax=cmax, showscale=True,
                                                 colorscale=colorscale, colorbar=colorbar)))
