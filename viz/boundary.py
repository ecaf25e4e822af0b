"""The decision boundary: what the network predicts over the input plane, with the data on top.

Payload matters here (this chart is redrawn every frame): the surface is sent as float32 (or uint8)
with x0/dx instead of coordinate arrays, points as float32, and above ``GL_THRESHOLD`` points the
markers switch to WebGL (Scattergl) so the browser stays smooth.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from engine.features import FEATURES

from .arrays import f32
from .figure import figure
from .style import (BINARY_SCALE, SEQUENTIAL_SCALE, Style, class_color, colorscale, hex_to_rgb, resolve,
                    style_layout)

GL_THRESHOLD = 1000
_PLANE_LABELS = (FEATURES["x1"].label, FEATURES["x2"].label)
_EXPANDED_LABELS = {f.label for f in FEATURES.values()} - set(_PLANE_LABELS)


def plane_axis_titles(dataset) -> tuple[str, str]:
    """The feature names when they name the plane's two coordinates (x₁/x₂, or a CSV's two columns);
    otherwise (e.g. x₁², sin x₁ were added) the plane is still the raw x₁, x₂."""
    names = tuple(dataset.feature_names)
    if len(names) == 2 and not (set(names) & _EXPANDED_LABELS):
        return names
    return _PLANE_LABELS


def _class_label(dataset, c: int) -> str:
    name = str(dataset.class_names[c]) if c < len(dataset.class_names) else str(c)
    return f"class {name}" if name.isdigit() else name


def _grid_geometry(grid) -> dict:
    x1, x2 = np.asarray(grid["x1"], float), np.asarray(grid["x2"], float)
    dx = float(x1[1] - x1[0]) if len(x1) > 1 else 1.0
    dy = float(x2[1] - x2[0]) if len(x2) > 1 else 1.0
    return dict(x0=float(x1[0]), dx=dx, y0=float(x2[0]), dy=dy)


def class_mix_image(probabilities: np.ndarray, discretize: bool = False) -> np.ndarray:
    """(k, r, r) class probabilities -> (r, r, 3) uint8: class colours mixed by probability
    (argmax colour when ``discretize``). Rows stay in x2 order."""
    P = np.clip(np.nan_to_num(f32(probabilities)), 0.0, None)
    k = P.shape[0]
    colors = np.array([hex_to_rgb(class_color(c)) for c in range(k)], np.float32)
    if discretize:
        return colors[P.argmax(axis=0)].astype(np.uint8)
    total = P.sum(axis=0, keepdims=True)
    P = np.divide(P, total, out=np.full_like(P, 1.0 / k), where=total > 0)  # mse outputs need not sum to 1
    return np.clip(np.tensordot(P, colors, axes=(0, 0)), 0, 255).round().astype(np.uint8)


def _surface(grid, task: str, discretize: bool, dataset) -> dict:
    out = np.asarray(grid["output"])
    geo = _grid_geometry(grid)
    t1, t2 = plane_axis_titles(dataset)
    where = f"{t1} %{{x:.2f}}, {t2} %{{y:.2f}}"
    if task == "multiclass":
        return dict(type="image", z=class_mix_image(out, discretize), colormodel="rgb", name="prediction",
                    hovertemplate=where + "<extra></extra>", **geo)
    if task == "regression":
        return dict(type="heatmap", z=f32(out), coloraxis="coloraxis", name="prediction",
                    hovertemplate=where + "<br>ŷ = %{z:.3f}<extra></extra>", **geo)
    c0, c1 = BINARY_SCALE[0][1], BINARY_SCALE[-1][1]
    if discretize:  # two levels: which side of 0.5
        return dict(type="heatmap", z=(out > 0.5).astype(np.uint8), zmin=0, zmax=1, showscale=False,
                    name="prediction", colorscale=[[0, c0], [0.5, c0], [0.5, c1], [1, c1]],
                    hovertemplate=where + "<br>predicted %{z}<extra></extra>", **geo)
    # whole percent as uint8: a quarter of float32's bytes, 101 levels are smooth to the eye, and the
    # hover can still print the probability (as a percentage)
    pct = np.rint(np.clip(np.nan_to_num(out, nan=0.5), 0, 1) * 100).astype(np.uint8)
    return dict(type="heatmap", z=pct, zmin=0, zmax=100, colorscale=colorscale(BINARY_SCALE),
                name="prediction",
                colorbar=dict(title=dict(text="P(y=1)", side="right"), thickness=14, len=0.85,
                              tickvals=[0, 50, 100], ticktext=["0", "0.5", "1"]),
                hovertemplate=where + "<br>P(y=1) ≈ %{z}%<extra></extra>", **geo)


def _point_traces(dataset, which: str, s: Style, gl: bool) -> list[dict]:
    pts = dataset.points_train if which == "train" else dataset.points_test
    if pts is None or pts.shape[1] == 0:
        return []
    kind = "scattergl" if gl else "scatter"
    test = which == "test"
    marker = dict(size=s.marker_size * (1.15 if test else 1.0), symbol="diamond" if test else "circle")
    line = dict(width=1.5 if test else 1.0, color=s.ink if test else s.outline)
    t1, t2 = plane_axis_titles(dataset)
    where = f"{t1} %{{x:.2f}}, {t2} %{{y:.2f}}"
    xy = f32(pts)
    if dataset.task == "regression":
        y = f32(dataset.Y_train if which == "train" else dataset.Y_test)[0]
        return [dict(type=kind, x=xy[0], y=xy[1], mode="markers", name=f"{which} data",
                     marker=dict(marker, line=line, color=y, coloraxis="coloraxis"),
                     hovertemplate=f"{which}<br>{where}<br>y = %{{marker.color:.3f}}<extra></extra>")]
    labels = dataset.labels_train if which == "train" else dataset.labels_test
    traces = []
    for c in range(len(dataset.class_names)):
        m = labels == c
        name = _class_label(dataset, c) + (" (test)" if test else "")
        traces.append(dict(type=kind, x=xy[0, m], y=xy[1, m], mode="markers", name=name,
                           marker=dict(marker, line=dict(line), color=class_color(c)),
                           hovertemplate=f"{name}<br>{where}<extra></extra>"))
    return traces


def decision_figure(grid: dict, dataset, show_test: bool = True, discretize: bool = False,
                    points: str = "train", style: Style | None = None) -> go.Figure:
    """The prediction surface from ``trainer.decision_grid`` with the data on top.

    binary: Heatmap of P(y=1) in whole percent, uint8 (discretize: 0/1, two colours split at 0.5);
    multiclass: an RGB Image (uint8) mixing class colours by probability (discretize: the argmax
    colour); regression: float32 Heatmap of ŷ with points coloured by their target on the same
    colour axis. ``points``: "train" draws the
    training points (one trace per class, filled, thin outline) and, with ``show_test``, the test
    points (diamonds with a dark outline); "none" draws the surface only. Trace order: surface,
    train traces, test traces."""
    if points not in ("train", "none"):
        raise ValueError(f"points must be 'train' or 'none'; got {points!r}")
    s = resolve(style)
    regression = dataset.task == "regression"
    data = [_surface(grid, dataset.task, discretize, dataset)]
    which = [] if points == "none" else ["train"] + (["test"] if show_test else [])
    n_points = sum(0 if getattr(dataset, f"points_{w}") is None else getattr(dataset, f"points_{w}").shape[1]
                   for w in which)
    for w in which:
        data += _point_traces(dataset, w, s, gl=n_points > GL_THRESHOLD)
    layout = style_layout(s, title="Prediction" if regression else "Decision boundary",
                          legend=not regression and points != "none")
    if regression:
        y = np.asarray(dataset.Y_train, float)
        lo, hi = (float(np.nanmin(y)), float(np.nanmax(y))) if y.size else (0.0, 1.0)
        layout["coloraxis"] = dict(colorscale=colorscale(SEQUENTIAL_SCALE), cmin=lo,
                                   cmax=hi if hi > lo else lo + 1,
                                   colorbar=dict(title=dict(text="y", side="right"), thickness=14, len=0.85))
    geo = _grid_geometry(grid)
    r1, r2 = len(grid["x1"]), len(grid["x2"])
    t1, t2 = plane_axis_titles(dataset)
    layout["xaxis"] = dict(title=dict(text=t1), range=[geo["x0"] - geo["dx"] / 2, geo["x0"] + (r1 - 0.5) * geo["dx"]],
                           constrain="domain", showgrid=False, zeroline=False)
    layout["yaxis"] = dict(title=dict(text=t2), range=[geo["y0"] - geo["dy"] / 2, geo["y0"] + (r2 - 0.5) * geo["dy"]],
                           scaleanchor="x", scaleratio=1, constrain="domain", showgrid=False, zeroline=False,
                           autorange=False)
    return figure(data, layout)
