"""The decision boundary: what the network predicts over the input plane, with the data on top.

Payload matters here (this chart is redrawn every frame): the surface is sent as float32 (or uint8)
with x0/dx instead of coordinate arrays, points as float32, and above ``GL_THRESHOLD`` points the
markers switch to WebGL (Scattergl) so the browser stays smooth.
"""
from __future__ import annotations

import hashlib

import numpy as np
import plotly.graph_objects as go

from descentlab.engine.features import FEATURES
from descentlab.viz.arrays import f32
from descentlab.viz.figure import colorbar_carrier, figure
from descentlab.viz.png import png_uri
from descentlab.viz.series import nice_ceiling
from descentlab.viz.style import (
    BINARY_SCALE,
    DIVERGING_SCALE,
    NEUTRAL,
    SEQUENTIAL_SCALE,
    Style,
    class_color,
    colorscale,
    hex_to_rgb,
    resolve,
    scale_lut,
    style_layout,
)
from descentlab.viz.text import plotly_text

GL_THRESHOLD = 1000
_PLANE_LABELS = (FEATURES["x1"].label, FEATURES["x2"].label)
_EXPANDED_LABELS = {f.label for f in FEATURES.values()} - set(_PLANE_LABELS)
# The surface is drawn paler than the points (as in TensorFlow Playground): where the network is
# right, a point sits on its own colour and would otherwise vanish into it.
SURFACE_TINT = 0.4  # share of white mixed into the surface


def _pale(lut: np.ndarray) -> np.ndarray:
    return np.rint(lut * (1 - SURFACE_TINT) + 255 * SURFACE_TINT).astype(np.uint8)


_BINARY_LUT = _pale(scale_lut(BINARY_SCALE, 101))
_BINARY_ENDS = _BINARY_LUT[[0, -1]]
_SEQUENTIAL_LUT = _pale(scale_lut(SEQUENTIAL_SCALE, 256))


def plane_axis_titles(dataset) -> tuple[str, str]:
    """The feature names when they name the plane's two coordinates (x₁/x₂, or a CSV's two columns);
    otherwise (e.g. x₁², sin x₁ were added) the plane is still the raw x₁, x₂. As Plotly text (a CSV's
    column names are the user's)."""
    names = tuple(dataset.feature_names)
    if len(names) == 2 and not (set(names) & _EXPANDED_LABELS):
        return tuple(plotly_text(n) for n in names)
    return _PLANE_LABELS


def _class_label(dataset, c: int) -> str:
    name = str(dataset.class_names[c]) if c < len(dataset.class_names) else str(c)
    return plotly_text(f"class {name}" if name.isdigit() else name)  # a CSV's labels are the user's


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


def surface_rgb(grid, task: str, discretize: bool = False, value_range=(0.0, 1.0)) -> np.ndarray:
    """The prediction over the plane as an (r, r, 3) uint8 picture, rows in x2 order.

    binary: P(y=1) on the binary scale in whole percent (discretize: two colours split at 0.5);
    multiclass: class colours mixed by probability (discretize: the argmax colour); regression: ŷ
    on the sequential scale over ``value_range`` (the targets' range, shared with the points)."""
    indexed = _surface_levels(grid, task, discretize, value_range)
    if indexed is None:
        return _pale(class_mix_image(np.asarray(grid["output"]), discretize))
    levels, lut = indexed
    return lut[levels]


def surface_png(grid, task: str, discretize: bool = False, value_range=(0.0, 1.0)) -> str:
    """``surface_rgb``'s picture as a PNG data URI, row 0 at the top. A picture whose colours come from
    one scale is an indexed PNG (a byte a pixel, the scale as its palette, zlib level 1): the same
    pixels for a quarter of the encoding work (multiclass mixes colours: RGB)."""
    indexed = _surface_levels(grid, task, discretize, value_range)
    if indexed is None:
        return png_uri(surface_rgb(grid, task, discretize, value_range)[::-1])
    levels, lut = indexed
    return png_uri(levels[::-1], lut.tobytes(), level=1)


def _surface_levels(grid, task: str, discretize: bool, value_range) -> tuple[np.ndarray, np.ndarray] | None:
    """(levels (r, r) uint8, the scale's colours (k, 3) uint8) of a binary or regression surface; None
    for multiclass."""
    out = np.asarray(grid["output"])
    if task == "multiclass":
        return None
    if task == "regression":
        lo, hi = value_range
        t = (np.nan_to_num(f32(out)) - lo) / (hi - lo if hi > lo else 1.0)
        return np.rint(np.clip(t, 0, 1) * 255).astype(np.uint8), _SEQUENTIAL_LUT
    p = np.clip(np.nan_to_num(f32(out), nan=0.5), 0, 1)
    if discretize:
        return (p > 0.5).astype(np.uint8), _BINARY_ENDS
    return np.rint(p * 100).astype(np.uint8), _BINARY_LUT  # 101 levels are smooth to the eye


def _surface_image(grid, source: str) -> dict:
    """The picture (a PNG data URI) as a layout image over the grid's cells. Plotly redraws a changed
    layout image alone; a changed heatmap trace recomputes every trace, the data points included (~8x slower)."""
    g = _grid_geometry(grid)
    r1, r2 = len(grid["x1"]), len(grid["x2"])
    return dict(source=source, xref="x", yref="y", x=g["x0"] - g["dx"] / 2,
                y=g["y0"] + (r2 - 0.5) * g["dy"], sizex=r1 * g["dx"], sizey=r2 * g["dy"], sizing="stretch",
                layer="below")


def _binary_colorbar(presentation: bool = False) -> dict:
    """A marker-less trace that only carries the P(y=1) colour bar (the surface is an image), its name
    on top: beside the bar, rotated, it set Plotly's automatic margins and the legend's against each
    other, and every full redraw of the chart ran Plotly's margin loop to its limit (2.4-3 s a draw on
    a busy machine, 0.1-0.35 s with the name on top). At presentation size the bar is thinner."""
    bar = dict(title=dict(text="P(y=1)", side="top"), thickness=10 if presentation else 14, len=0.75,
               tickvals=[0, 0.5, 1])
    return colorbar_carrier([[i / 10, "rgb({},{},{})".format(*_BINARY_LUT[i * 10])] for i in range(11)], 0.0, 1.0,
                            bar, name="P(y=1)")


# ---- one unit's output, big (trainer.unit_grid): TensorFlow Playground's "the neuron becomes the picture"
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_FUNCTION = {"sigmoid": "σ", "relu": "ReLU", "leaky_relu": "LeakyReLU", "elu": "ELU", "gelu": "GELU"}


def unit_name(l: int, j: int) -> str:
    """a[l]_j as text, j counted from 1 as the course counts units (``j`` is the row, from 0)."""
    return f"a[{l}]{str(j + 1).translate(_SUBSCRIPT)}"


def unit_title(l: int, j: int, activation: str, short: bool = False) -> str:
    """ "a[2]₃ = tanh(z[2]₃) over the input plane" (j is the row of A[l], from 0); ``short``: without
    "over the input plane" (a projector's type: the whole title ran past a third of the screen)."""
    sub, a = str(j + 1).translate(_SUBSCRIPT), unit_name(l, j)
    if activation == "linear":
        formula = f"z[{l}]{sub}"
    elif activation == "softmax":
        formula = f"softmax(z[{l}]){sub}"
    else:
        formula = f"{_FUNCTION.get(activation, activation)}(z[{l}]{sub})"
    return f"{a} = {formula}" + ("" if short else " over the input plane")


def unit_scale(values: np.ndarray, activation: str, j: int = 0) -> tuple[list, float, float]:
    """(colour scale, lo, hi) for a unit's output over the plane, by its activation: sigmoid 0..1 (the
    P(y=1) scale), a softmax unit 0..1 (neutral to its class's colour), tanh −1..1 diverging, ReLU and
    softplus 0..max sequential, anything else (linear, leaky ReLU...) diverging and symmetric around 0.
    An unbounded end is ``nice_ceiling`` of the largest value: it moves in steps while the run
    trains, so most live frames change only the picture (the colour bar stays)."""
    if activation == "sigmoid":
        return BINARY_SCALE, 0.0, 1.0
    if activation == "softmax":
        return [[0.0, NEUTRAL], [1.0, class_color(j)]], 0.0, 1.0
    if activation == "tanh":
        return DIVERGING_SCALE, -1.0, 1.0
    v = np.nan_to_num(f32(values), nan=0.0, posinf=0.0, neginf=0.0)
    if activation in ("relu", "softplus"):
        return SEQUENTIAL_SCALE, 0.0, nice_ceiling(float(v.max()) if v.size else 0.0)
    top = nice_ceiling(float(np.abs(v).max()) if v.size else 0.0)
    return DIVERGING_SCALE, -top, top


def unit_rgb(values: np.ndarray, scale, lo: float, hi: float) -> np.ndarray:
    """A unit's output as an (r, r, 3) uint8 picture on ``scale`` over [lo, hi], pale as the boundary's
    surface (the points stay visible on it); rows in x2 order."""
    lut = _pale(scale_lut(scale, 256))
    t = (np.nan_to_num(f32(values), nan=(lo + hi) / 2) - lo) / (hi - lo if hi > lo else 1.0)
    return lut[np.rint(np.clip(t, 0, 1) * 255).astype(np.intp)]


def _unit_colorbar(scale, lo: float, hi: float, presentation: bool = False) -> dict:
    """The colour bar of a unit's picture (a marker-less trace, as _binary_colorbar), from lo to hi."""
    lut = _pale(scale_lut(scale, 11))
    bar = dict(title=dict(text="a", side="top"), thickness=10 if presentation else 14, len=0.75)  # see _binary_colorbar
    return colorbar_carrier([[i / 10, "rgb({},{},{})".format(*lut[i])] for i in range(11)], lo, hi, bar, name="a")


def points_revision(dataset, which: list[str]) -> str:
    """A fingerprint of the points drawn: Plotly skips re-reading (and redrawing) the data traces
    while layout.datarevision is unchanged, so only the surface image is redrawn each frame."""
    h = hashlib.blake2b(digest_size=8)
    for w in which:
        pts = getattr(dataset, f"points_{w}")
        h.update(w.encode() + (b"" if pts is None else f32(pts).tobytes()))
    return h.hexdigest()


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
                     hovertemplate=f"{which}<br>{where}<br>y = %{{marker.color:.4~g}}<extra></extra>")]
    labels = dataset.labels_train if which == "train" else dataset.labels_test
    traces = []
    for c in range(len(dataset.class_names)):
        m = labels == c
        name = _class_label(dataset, c) + (" (test)" if test else "")
        traces.append(dict(type=kind, x=xy[0, m], y=xy[1, m], mode="markers", name=name,
                           marker=dict(marker, line=dict(line), color=class_color(c)), showlegend=not test,
                           hovertemplate=f"{name}<br>{where}<extra></extra>"))
    if test:  # one legend entry for the shape, not one per class: a narrow chart's legend stays one row
        traces.append(dict(type=kind, x=[None], y=[None], mode="markers", name="test", hoverinfo="skip",
                           marker=dict(marker, line=dict(line), color="rgba(0,0,0,0)")))
    return traces


def decision_figure(grid: dict, dataset, show_test: bool = True, discretize: bool = False,
                    points: str = "train", style: Style | None = None, mark=None) -> go.Figure:
    """The prediction surface from ``trainer.decision_grid`` with the data on top.

    The surface is a picture (``surface_rgb``) drawn as a layout image under the points, so a live
    update redraws it alone: binary P(y=1) with its colour bar, multiclass class colours mixed by
    probability, regression ŷ on the same colour axis as the points' targets. A ``grid`` from
    ``trainer.unit_grid`` (it has "unit") shows that unit's output instead: its title says which unit,
    its colour bar spans the activation's range (``unit_scale``) and ``discretize`` does not apply.
    ``points``: "train" draws the training points (one trace per class, filled, thin outline) and, with ``show_test``,
    the test points (diamonds with a dark outline); "none" draws the surface only. ``mark``: (x₁, x₂)
    of a traced example, ringed (``traced_mark``). Traces: train points, test points, then (binary,
    not discretized, or a unit) the colour-bar carrier, then the ring."""
    if points not in ("train", "none"):
        raise ValueError(f"points must be 'train' or 'none'; got {points!r}")
    s = resolve(style)
    task = dataset.task
    regression = task == "regression"
    unit = grid.get("unit")
    which = [] if points == "none" else ["train"] + (["test"] if show_test else [])
    n_points = sum(0 if getattr(dataset, f"points_{w}") is None else getattr(dataset, f"points_{w}").shape[1]
                   for w in which)
    data = []
    for w in which:
        data += _point_traces(dataset, w, s, gl=n_points > GL_THRESHOLD)
    # Presentation mode leaves the points' legend out: in a projector's type it takes as much room
    # as the plot (the colour bar still says which colour is which class; the lecturer says the rest).
    title = unit_title(*unit, grid["activation"], short=s.presentation) if unit else "Prediction" if regression else "Decision boundary"
    layout = style_layout(s, title=title, legend=not regression and points != "none" and not s.presentation)
    value_range = (0.0, 1.0)
    if regression:
        y = np.asarray(dataset.Y_train, float)
        lo, hi = (float(np.nanmin(y)), float(np.nanmax(y))) if y.size else (0.0, 1.0)
        value_range = (lo, hi if hi > lo else lo + 1)
        layout["coloraxis"] = dict(colorscale=colorscale(SEQUENTIAL_SCALE), cmin=value_range[0],
                                   cmax=value_range[1],
                                   colorbar=dict(title=dict(text="y", side="right"), thickness=14, len=0.85))
        if not data:  # no points: something must carry the colour axis
            data.append(dict(type="scatter", x=[None], y=[None], mode="markers", showlegend=False,
                             hoverinfo="skip", marker=dict(color=[0.0], coloraxis="coloraxis")))
    if unit:  # one unit's output, on its activation's scale: the points' colour axis keeps no bar of its own
        scale, lo, hi = unit_scale(grid["output"], grid["activation"], unit[1])
        data.append(_unit_colorbar(scale, lo, hi, s.presentation))
        if regression:
            layout["coloraxis"]["showscale"] = False
        source = png_uri(unit_rgb(grid["output"], scale, lo, hi)[::-1])
    else:
        if task == "binary" and not discretize:
            data.append(_binary_colorbar(s.presentation))
        source = surface_png(grid, task, discretize, value_range)
    layout["images"] = [_surface_image(grid, source)]
    if mark is not None:
        data.append(traced_mark(mark, s))
    layout["datarevision"] = points_revision(dataset, which) + ("" if mark is None else f"@{mark[0]:.6g},{mark[1]:.6g}")
    geo = _grid_geometry(grid)
    r1, r2 = len(grid["x1"]), len(grid["x2"])
    t1, t2 = plane_axis_titles(dataset)
    layout["xaxis"] = dict(title=dict(text=t1), range=[geo["x0"] - geo["dx"] / 2, geo["x0"] + (r1 - 0.5) * geo["dx"]],
                           constrain="domain", showgrid=False, zeroline=False)
    layout["yaxis"] = dict(title=dict(text=t2), range=[geo["y0"] - geo["dy"] / 2, geo["y0"] + (r2 - 0.5) * geo["dy"]],
                           scaleanchor="x", scaleratio=1, constrain="domain", showgrid=False, zeroline=False,
                           autorange=False)
    return figure(data, layout)


def traced_mark(point, style: Style | None = None) -> dict:
    """A ring around the traced example at ``point`` (x₁, x₂), near-black: the surface under it is pale
    in either theme, and the ring is wider than the class-coloured point inside it. Not hoverable or
    clickable: a click there still reaches the point under it."""
    s = resolve(style)
    return dict(type="scatter", x=[float(point[0])], y=[float(point[1])], mode="markers", name="traced",
                showlegend=False, hoverinfo="skip",
                marker=dict(symbol="circle-open", size=s.marker_size * 2.8, color="#111111", line=dict(width=3)))


def point_trace_sets(dataset, show_test: bool = True) -> list[str | None]:
    """For each trace index of ``decision_figure`` (points="train"), which examples it draws: "train",
    "test", or None (the test legend's shape, the colour bar, the ring)."""
    out: list[str | None] = []
    for w in ["train"] + (["test"] if show_test else []):
        pts = getattr(dataset, f"points_{w}")
        if pts is None or pts.shape[1] == 0:
            continue
        n = 1 if dataset.task == "regression" else len(dataset.class_names)
        out += [w] * n + ([None] if w == "test" and dataset.task != "regression" else [])
    return out


def clicked_example(dataset, click: dict | None, show_test: bool = True, radius: float = 0.04):
    """The example a click on the decision boundary means, as (which, index), or None: the point of
    the clicked trace's set (training or test) nearest to the click; for a click beside the points
    (on the surface), the nearest drawn point within ``radius`` × the plane's width."""
    if not click or click.get("x") is None or click.get("y") is None or dataset.points_train is None:
        return None
    at = np.array([float(click["x"]), float(click["y"])])
    sets = point_trace_sets(dataset, show_test)
    curve = click.get("curveNumber")
    on_points = isinstance(curve, int) and 0 <= curve < len(sets) and sets[curve] is not None
    best = None
    for w in [sets[curve]] if on_points else [w for w in ("train", "test") if w in sets]:
        pts = np.asarray(getattr(dataset, f"points_{w}"), float)
        d = np.hypot(pts[0] - at[0], pts[1] - at[1])
        i = int(np.argmin(d))
        if best is None or d[i] < best[0]:
            best = (float(d[i]), w, i)
    if best is None:
        return None
    if not on_points:
        (lo, hi), _ = dataset.bounds or ((float(at[0]) - 1, float(at[0]) + 1), None)
        if best[0] > radius * max(hi - lo, 1e-12):
            return None
    return best[1], best[2]
