"""Image data: sample pictures with what the network thinks of them, and the first layer's weights as
pictures (what each hidden unit "looks for" in an image).

Columns of X are images flattened by image2vector (C order: channel fastest, then column, then row),
so reshaping a column to (h, w, c) gives the picture back.
"""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from descentlab.viz.arrays import f32
from descentlab.viz.figure import figure, grid_axes
from descentlab.viz.style import (
    DIVERGING_SCALE,
    GREEN,
    VERMILLION,
    Style,
    colorscale,
    resolve,
    style_layout,
)
from descentlab.viz.text import plotly_text


def _pictures(X: np.ndarray, shape) -> np.ndarray:
    """(n_x, m) columns -> (m, h, w, c) uint8. Data already in [0, 1] is shown as is; normalized
    data (shifted / scaled) is stretched per image to [0, 1] so it stays viewable."""
    X = f32(X)
    imgs = X.T.reshape(-1, *shape)
    if X.size and (X.min() < 0 or X.max() > 1):
        lo = imgs.min(axis=(1, 2, 3), keepdims=True)
        span = imgs.max(axis=(1, 2, 3), keepdims=True) - lo
        imgs = (imgs - lo) / np.where(span > 0, span, 1)
    imgs = (np.clip(imgs, 0, 1) * 255).round().astype(np.uint8)
    return np.repeat(imgs, 3, axis=3) if imgs.shape[3] == 1 else imgs


def _grid(n: int, s: Style) -> tuple[int, int]:
    cols = min(n, 4 if s.presentation else 6) or 1
    return math.ceil(n / cols) or 1, cols


def images_figure(dataset, probabilities, n: int = 12, split: str = "test",
                  style: Style | None = None) -> go.Figure:
    """The first n images of ``split`` ("test", else "train") with their true label and the
    predicted probability as titles (✓ / ✗ for right / wrong). ``probabilities`` is the network's
    output A[L] for that split: (1, m) or (m,) for binary, (k, m) for multiclass. n Image traces."""
    if dataset.image_shape is None:
        raise ValueError(f"dataset {dataset.name!r} has no images (image_shape is None)")
    s = resolve(style)
    test = split == "test" and dataset.m_test > 0
    X, labels = (dataset.X_test, dataset.labels_test) if test else (dataset.X_train, dataset.labels_train)
    split = "test" if test else "train"
    P = np.atleast_2d(f32(probabilities))
    n = max(0, min(n, X.shape[1], P.shape[1]))
    imgs = _pictures(X[:, :n], dataset.image_shape)
    titles = []
    for i in range(n):
        if P.shape[0] == 1:
            pred, conf = int(P[0, i] > 0.5), float(P[0, i])
            prob = f"P({plotly_text(dataset.class_names[1])}) = {conf:.2f}"
        else:
            pred = int(P[:, i].argmax())
            prob = f"P = {float(P[pred, i]):.2f}"
        ok = pred == labels[i]
        mark = f"<span style='color:{GREEN if ok else VERMILLION}'>{'✓' if ok else '✗'}</span>"
        titles.append(f"{mark} {plotly_text(dataset.class_names[labels[i]])}<br>{prob}")
    rows, cols = _grid(n, s)
    small = int(s.text * 0.75)
    axes, refs, notes = grid_axes(rows, cols, horizontal_spacing=0.02, vertical_spacing=0.12 if s.presentation else 0.1,
                                  titles=titles or None, title_font=dict(size=small))
    data = [dict(type="image", z=imgs[i], hoverinfo="skip", **refs[i]) for i in range(n)]
    layout = style_layout(s, title=f"{split.capitalize()} images", legend=False)
    # room above the first row for the two-line titles, below the figure title
    layout["height"] = max(s.fig_height, int(rows * s.text * 8))
    layout["margin"]["t"] += int(small * 2.6)
    layout.update(_quiet(axes), annotations=notes)
    return figure(data, layout)


def first_layer_weights_figure(W1: np.ndarray, image_shape, n: int = 8,
                               style: Style | None = None) -> go.Figure:
    """Each of the first n hidden units' weights W[1][j, :] as a picture: reshaped to the image, summed
    over colour channels (shape is in brightness), divided by its own max |w| so every unit uses the
    full diverging scale (blue = bright pixels push the unit up, orange = push it down).
    n Heatmap traces sharing one colour axis in [-1, 1]."""
    s = resolve(style)
    W1 = f32(W1)
    h, w, c = image_shape
    n = max(0, min(n, W1.shape[0]))
    maps = W1[:n].reshape(n, h, w, c).sum(axis=3)
    peak = np.abs(maps).max(axis=(1, 2), keepdims=True)
    maps = np.divide(maps, peak, out=np.zeros_like(maps), where=peak > 0)
    rows, cols = _grid(n, s)
    axes, refs, notes = grid_axes(rows, cols, horizontal_spacing=0.02, vertical_spacing=0.1,
                                  titles=[f"unit {j + 1}" for j in range(n)] or None,
                                  title_font=dict(size=int(s.text * 0.8)))
    data = [dict(type="heatmap", z=maps[j], coloraxis="coloraxis",
                 hovertemplate=f"unit {j + 1}<br>row %{{y}}, col %{{x}}<br>w/max|w| = %{{z:.2f}}<extra></extra>",
                 **refs[j]) for j in range(n)]
    axes = _quiet(axes)
    for j in range(n):  # square pixels, row 0 of the picture on top
        k = "" if j == 0 else str(j + 1)
        axes[f"yaxis{k}"].update(scaleanchor=f"x{k}", scaleratio=1, autorange="reversed")
    layout = style_layout(s, title="First-layer weights", legend=False)
    layout.update(axes, annotations=notes, height=max(s.fig_height, int(rows * s.text * 7)),
                  coloraxis=dict(colorscale=colorscale(DIVERGING_SCALE), cmin=-1, cmax=1,
                                 colorbar=dict(title=dict(text="w / max|w|", side="right"), thickness=14, len=0.85)))
    return figure(data, layout)


def _quiet(axes: dict) -> dict:
    """A grid of pictures: hidden axes, square-pixel friendly (``constrain``)."""
    for axis in axes.values():
        axis.update(visible=False, constrain="domain")
    return axes
