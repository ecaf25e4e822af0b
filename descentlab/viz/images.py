"""Figures for the "Images as vectors" page: a picture's R, G and B matrices with every number written
in its cell, a picture drawn with crisp square pixels, and the picture as the column vector
image2vector makes of it."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from descentlab.engine.images import image2vector, pixel_names
from descentlab.viz.figure import figure, grid_axes
from descentlab.viz.style import Style, resolve, style_layout

# full colours dark enough that white numbers stay readable on the brightest cells
CHANNELS = (("R", "red", "#E00000"), ("G", "green", "#008A00"), ("B", "blue", "#0050FF"))


def _square(axes: dict, k: str) -> None:
    # square pixels, row 0 on top, no ticks: a picture, not a plot
    axes[f"xaxis{k}"].update(visible=False, constrain="domain")
    axes[f"yaxis{k}"].update(visible=False, scaleanchor=f"x{k}", scaleratio=1, autorange="reversed",
                             constrain="domain")


def channels_figure(small: np.ndarray, style: Style | None = None, numbers: bool = True) -> go.Figure:
    """The R, G and B matrices of an (s, s, 3) uint8 picture side by side, each a heatmap from black
    (0) to its full colour (255), every cell showing its value when ``numbers``."""
    s = resolve(style)
    pix = np.asarray(small, dtype=np.uint8)
    size = max(pix.shape[:2])
    f = s.text
    titles = [f"{c} ({name})" for c, name, _ in CHANNELS]
    axes, refs, notes = grid_axes(1, 3, horizontal_spacing=0.03, titles=titles, title_font={"size": int(f * 1.1)})
    # a full-width panel is ~350 px: 150 / size keeps three digits inside a cell; never above the page's text
    text_size = max(8, int(min(f * 1.2, 150 / max(size, 1))))
    data = []
    for k, (c, _, color) in enumerate(CHANNELS):
        data.append(dict(type="heatmap", z=pix[..., k], zmin=0, zmax=255, showscale=False,
                         colorscale=[[0.0, "#000000"], [1.0, color]], xgap=1, ygap=1,
                         texttemplate="%{z}" if numbers else None, textfont={"size": text_size},
                         hovertemplate=f"row %{{y}}, col %{{x}}<br>{c} = %{{z}}<extra></extra>", **refs[k]))
    for k in ("", "2", "3"):
        _square(axes, k)
    layout = style_layout(s, legend=False)
    # three square panels share the page's width (~300-500 px each): a taller figure only adds gaps
    layout.update(axes, annotations=notes, height=int(340 + f * 2.4))
    layout["margin"].update(l=8, r=8, b=8, t=int(f * 2.4))
    return figure(data, layout)


def picture_figure(pixels: np.ndarray, title: str | None = None, style: Style | None = None,
                   height: int | None = None) -> go.Figure:
    """One picture with crisp square pixels (a 16 × 16 input stays readable when drawn large)."""
    s = resolve(style)
    axes, refs, _ = grid_axes(1, 1)
    _square(axes, "")
    layout = style_layout(s, title=title, legend=False)
    layout.update(axes, height=height or int(s.fig_height * 0.8))
    layout["margin"].update(l=8, r=8, b=8)
    return figure([dict(type="image", z=np.asarray(pixels, np.uint8),
                        hovertemplate="row %{y}, col %{x}<br>RGB %{z}<extra></extra>", **refs[0])], layout)


def vector_frame(pixels: np.ndarray) -> pd.DataFrame:
    """The picture as image2vector's (h·w·3, 1) column: one row per entry, named px(row, col, channel)."""
    pix = np.asarray(pixels, dtype=np.uint8)
    column = image2vector(pix)[:, 0]
    return pd.DataFrame({"entry": np.arange(column.size), "pixel": pixel_names(pix.shape), "value": column})
