"""Thumbnails of the lab's data sets for the home page's "What deep networks are for": a point set as
its points (coloured by class, or by the target value for a regression), a picture set as a 3 × 3
montage of its pictures; one small panel per data set, its name above it."""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from descentlab.engine.datasets import Dataset
from descentlab.viz.arrays import f32
from descentlab.viz.figure import figure, grid_axes
from descentlab.viz.style import SEQUENTIAL_SCALE, Style, class_color, colorscale, resolve, style_layout
from descentlab.viz.text import plotly_text

MONTAGE = 3  # pictures per side of an image set's thumbnail


def _montage(d: Dataset, k: int = MONTAGE) -> np.ndarray:
    """k × k of the set's first pictures as one (k·h, k·w, 3) uint8 image, a 1-pixel white gap between."""
    h, w, c = d.image_shape
    X = np.asarray(d.X_train[:, :k * k], dtype=np.float64)
    lo, hi = X.min(), X.max()
    pics = ((X - lo) / (hi - lo if hi > lo else 1.0) * 255).round().astype(np.uint8).T.reshape(-1, h, w, c)
    out = np.full((k * (h + 1) - 1, k * (w + 1) - 1, 3), 255, dtype=np.uint8)
    for i, p in enumerate(pics):
        r, col = divmod(i, k)
        out[r * (h + 1):r * (h + 1) + h, col * (w + 1):col * (w + 1) + w] = p if c == 3 else p[..., :1]
    return out


def _points(d: Dataset, ref: dict, s: Style) -> dict:
    P = d.points_train
    if d.task == "regression":
        marker = dict(color=f32(d.Y_train[0]), colorscale=colorscale(SEQUENTIAL_SCALE), size=4)
    else:
        marker = dict(color=[class_color(int(k)) for k in d.labels_train], size=4)
    return dict(type="scatter", x=f32(P[0]), y=f32(P[1]), mode="markers", marker=marker,
                hoverinfo="skip", showlegend=False, **ref)


def thumbnails_figure(datasets: list[Dataset], cols: int, style: Style | None = None,
                      panel: int = 110) -> go.Figure:
    """One panel per data set, ``cols`` to a row, each about ``panel`` pixels tall; titles are the names."""
    s = resolve(style)
    n = len(datasets)
    cols = max(1, min(cols, n))
    rows = max(1, math.ceil(n / cols))
    small = int(s.text * 0.85)
    axes, refs, notes = grid_axes(rows, cols, horizontal_spacing=0.06, vertical_spacing=0.28 / rows,
                                  titles=[plotly_text(d.name) for d in datasets], title_font=dict(size=small))
    data = []
    for d, ref in zip(datasets, refs):
        if d.image_shape is not None:
            data.append(dict(type="image", z=_montage(d), hoverinfo="skip", **ref))
        else:
            data.append(_points(d, ref, s))
    for key, axis in axes.items():
        axis.update(visible=False)
        if key.startswith("yaxis"):  # square panels: a circle looks round
            axis.update(scaleanchor="x" + key[5:], constrain="domain")
    layout = style_layout(s, legend=False)
    layout["height"] = rows * (panel + int(small * 1.8)) + int(s.text * 0.8)
    layout["margin"].update(l=4, r=4, t=int(small * 1.8), b=4)
    layout.update(axes, annotations=notes)
    return figure(data, layout)
