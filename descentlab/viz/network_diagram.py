"""The network as a diagram (TensorFlow Playground style): units in columns, weights as lines, and each
unit's output over the input plane drawn as a small picture on its node.

Everything that changes while training is a picture: the weights are drawn here as one SVG image of
lines (colour = sign, width = |w|), the units' outputs as one small PNG each. Plotly
redraws changed layout images alone, while any changed trace data makes it recompute and redraw
the whole chart (~30-50 ms a frame in the browser for this one). The traces are the nodes, whose
data stay the same for a given network, and ``layout.datarevision`` says so. With ``values=True``
(a paused run) the hover also shows every weight and bias; that figure is drawn once, not per frame.
"""
from __future__ import annotations

import functools
import hashlib

import numpy as np
import plotly.graph_objects as go

from descentlab.engine.features import FEATURES
from descentlab.viz import network_controls
from descentlab.viz.arrays import f32
from descentlab.viz.figure import drop_none, figure
from descentlab.viz.png import png_uri
from descentlab.viz.style import (
    BINARY_SCALE,
    CLASS_COLORS,
    DIVERGING_SCALE,
    NEGATIVE,
    NEUTRAL,
    POSITIVE,
    SEQUENTIAL_SCALE,
    Style,
    class_color,
    colorscale,
    hex_to_rgb,
    resolve,
    scale_lut,
    style_layout,
)
from descentlab.viz.svg import stretched_svg_uri
from descentlab.viz.text import plotly_text

MAX_ROWS = 64          # a column taller than this is squeezed to fit
MAX_PICTURES = 200     # above this many units, pictures are skipped (encoding and payload)
MAX_EDGES = 2500       # above this many weights, only the strongest (relative to their layer) are drawn
PICTURE_LEVELS = 32    # colours per unit picture: smooth enough, and the PNGs compress 3x better
FRAME = 2              # picture pixels: the frame round the picture of the unit the boundary chart shows
EDGE_WIDTHS = (0.5, 5.0)  # px: the line of the weakest and of the strongest weight
EDGE_OPACITY = 0.75
RASTER_WIDTH = 1400    # units across the weights' picture: about the plot's width in px on a wide page
WIDTH_STEP = 0.5       # px: line widths are drawn in steps of this (a smaller change leaves the picture as it is)


def _positions(sizes) -> tuple[list[np.ndarray], int]:
    """y of every unit per column (top to bottom, centred on 0) and the plot height in rows."""
    rows = min(max(sizes), MAX_ROWS)
    ys = []
    for n in sizes:
        gap = 1.0 if n <= rows else (rows - 1) / (n - 1)
        ys.append(((n - 1) / 2 - np.arange(n)) * gap)
    return ys, rows


def _edges(params, sizes, ys):
    """All weights as rows (x0, y0, x1, y1, w, layer, i, j), strongest (relative to their layer)
    kept when there are too many; and how many were dropped."""
    parts = []
    for l in range(1, len(sizes)):
        W = np.asarray(params[f"W{l}"], float)
        i, j = np.indices(W.shape)
        i, j = i.ravel(), j.ravel()
        w = np.nan_to_num(W.ravel())
        peak = np.abs(w).max() if w.size else 0.0
        rel = np.abs(w) / peak if peak > 0 else np.zeros_like(w)
        parts.append(np.stack([np.full(w.size, l - 1.0), ys[l - 1][j], np.full(w.size, float(l)), ys[l][i],
                               w, np.full(w.size, float(l)), i, j, rel]))
    e = np.concatenate(parts, axis=1)
    dropped = max(0, e.shape[1] - MAX_EDGES)
    if dropped:
        e = e[:, np.argpartition(-e[8], MAX_EDGES - 1)[:MAX_EDGES]]
    return e[:8], dropped


def edge_widths(w: np.ndarray, presentation: bool = False) -> np.ndarray:
    """Line width in px per weight: EDGE_WIDTHS spans 0 to the largest |w| drawn."""
    top = float(np.abs(w).max()) if w.size else 0.0
    rel = np.abs(w) / top if top > 0 else np.zeros_like(w)
    lo, hi = EDGE_WIDTHS
    return (lo + (hi - lo) * rel) * (1.5 if presentation else 1.0)


def edge_image(e: np.ndarray, x_range, y_range, height_px: int, presentation: bool = False) -> dict:
    """All weights as one layout image spanning the axes: a line per weight, blue for w >= 0 and
    orange for w < 0, width by |w|. The image is an SVG of RASTER_WIDTH x ``height_px`` units,
    stretched over the plot as a raster of that size would be, so a line is as wide on screen as it
    was when the weights were a PNG: the browser draws the lines antialiased, at any size, from a
    few kB of text that costs the server no drawing and no compression."""
    width, height = RASTER_WIDTH, max(int(height_px), 40)
    (x0, x1), (y0, y1) = x_range, y_range
    px = (np.stack([e[0], e[2]]) - x0) * (width / (x1 - x0))
    py = (y1 - np.stack([e[1], e[3]])) * (height / (y1 - y0))
    w = e[4]
    steps = np.maximum(1, np.rint(edge_widths(w, presentation) / WIDTH_STEP)).astype(np.int32)
    ends = np.rint(np.stack([px[0], py[0], px[1], py[1]], axis=1) * 10).astype(np.int32)  # tenths of a unit
    source = _edge_svg(ends.tobytes(), steps.tobytes(), (w < 0).tobytes(), width, height)
    return dict(source=source, xref="x", yref="y", x=x0, y=y1, sizex=x1 - x0, sizey=y1 - y0, sizing="stretch",
                layer="below", opacity=EDGE_OPACITY, name="weights")


@functools.lru_cache(maxsize=64)
def _edge_svg(ends: bytes, steps: bytes, negative: bytes, width: int, height: int) -> str:
    """The weights' picture from its lines' ends (n, 4) in tenths of a unit, their widths in WIDTH_STEPs
    and their signs, as bytes: a live frame whose lines all kept their width step and sign gets the
    picture it already has (most frames once a run settles), and the browser is sent nothing new.
    One path per colour and width: the picture is about 20 bytes a weight."""
    xy = np.frombuffer(ends, np.int32).reshape(-1, 4)
    widths, neg = np.frombuffer(steps, np.int32), np.frombuffer(negative, bool)
    segments = [f"M{a / 10:g} {b / 10:g}L{c / 10:g} {d / 10:g}" for a, b, c, d in xy.tolist()]
    paths = []
    for step in np.unique(widths).tolist():  # wider lines over narrower ones: where lines cross, the wider shows
        for sign, colour in ((False, POSITIVE), (True, NEGATIVE)):
            d = "".join(segments[k] for k in np.flatnonzero((neg == sign) & (widths == step)).tolist())
            if d:
                paths.append(f'<path stroke="{colour}" stroke-width="{step * WIDTH_STEP:g}" d="{d}"/>')
    return stretched_svg_uri(width, height, f'<g fill="none">{"".join(paths)}</g>')


# A paused diagram's weights and biases can be set by hand: a point of a trace with this ``meta`` opens a
# number field holding customdata[index] (descentlab.ui.live's "edit" event; descentlab.ui.views.playground_edit)
EDIT_WEIGHT = {"edit": {"index": 3, "label": "w"}}  # "weights": customdata (l, row, column, w), from 1
EDIT_BIAS = {"edit": {"index": 2, "label": "b"}}    # "units": customdata (l, unit, b), from 1


def _edge_hover(e: np.ndarray, editable: bool = False) -> dict:
    """Invisible markers at the middle of every drawn weight, for hover: which weight, and its value;
    customdata (l, row, column, w), counting from 1 as the hover does (float64: w is the value an
    edit's field starts from)."""
    l, i, j, w = e[5].astype(int), e[6].astype(int), e[7].astype(int), e[4]
    text = [f"W[{a}] row {b + 1}, column {c + 1}<br>w = {v:+.4g}" for a, b, c, v in zip(l, i, j, w)]
    data = np.stack([e[5], e[6] + 1, e[7] + 1, e[4]], axis=1)
    return drop_none(dict(
        type="scatter", x=f32((e[0] + e[2]) / 2), y=f32((e[1] + e[3]) / 2), mode="markers",
        marker=dict(size=8, opacity=0), hovertext=text, hoverinfo="text", showlegend=False, name="weights",
        customdata=_points(data) if editable else data, meta=EDIT_WEIGHT if editable else None))


def _points(rows: np.ndarray) -> list:
    """customdata as JSON lists: a numpy array goes to the browser as a typed array, whose rows
    plotly.js hands to a click as typed arrays, which the edit field does not take as a point's data."""
    return rows.tolist()


@functools.cache
def _palette(kind: str, j: int = 0) -> bytes:
    """PICTURE_LEVELS RGB triples of a scale (the PNG's PLTE). Bytes are immutable, so a process-wide
    cache is safe; j: the class of a multiclass output unit (neutral -> its colour)."""
    scale = {"binary": BINARY_SCALE, "regression": SEQUENTIAL_SCALE}.get(kind) or [[0, NEUTRAL], [1, class_color(j)]]
    return scale_lut(scale, PICTURE_LEVELS).tobytes()


def _unit_levels(values: np.ndarray, activation: str, output_of: str | None):
    """(n, r, r) unit outputs -> (levels (n, r, r) uint8 in [0, PICTURE_LEVELS), one palette per unit).

    Bounded activations keep a fixed scale (a sigmoid unit stuck at 0.5 looks neutral); unbounded
    ones are scaled by the layer's largest |value|, so the layer's units compare with each other."""
    v = np.nan_to_num(f32(values))
    n, k = v.shape[0], PICTURE_LEVELS
    if output_of == "multiclass":  # output unit j: neutral -> class j's colour
        t, palettes = v, [_palette("multiclass", j) for j in range(n)]
    elif output_of == "regression":
        lo, hi = float(v.min()), float(v.max())
        t, palettes = (v - lo) / (hi - lo if hi > lo else 1.0), [_palette("regression")] * n
    else:
        if activation in ("sigmoid", "softmax"):
            t = v
        elif activation == "tanh":
            t = (v + 1) / 2
        else:
            t = 0.5 + v / (2 * (float(np.abs(v).max()) or 1.0))
        palettes = [_palette("binary")] * n
    return np.rint(np.clip(t, 0, 1) * (k - 1)).astype(np.uint8), palettes


def _framed(levels: np.ndarray, palette: bytes, ink: str) -> tuple[np.ndarray, bytes]:
    """A unit's picture with a frame of ``ink`` round it (one more palette entry): the unit whose
    output the boundary chart shows. In the picture, not a shape or a trace: the figure's layout and
    traces stay those of every other frame."""
    framed = levels.copy()
    framed[:FRAME], framed[-FRAME:], framed[:, :FRAME], framed[:, -FRAME:] = (PICTURE_LEVELS,) * 4
    return framed, palette + bytes(hex_to_rgb(ink))


def _pictures(network, unit_grids, ys, task, shown=None, ink: str = NEUTRAL) -> list[dict]:
    L, images = network.L, []
    for l in range(1, L + 1):
        levels, palettes = _unit_levels(unit_grids["layers"][l - 1], network.activations[l].name,
                                    task if l == L and task in ("multiclass", "regression") else None)
        gap = ys[l][0] - ys[l][1] if len(ys[l]) > 1 else 1.0
        size = 0.84 * min(1.0, gap)
        for i in range(levels.shape[0]):  # rows of the grid go up in x2; rows of a PNG go down
            picture, palette = levels[i, ::-1], palettes[i]
            if shown == (l, i):
                picture, palette = _framed(picture, palette, ink)
            images.append(dict(source=png_uri(picture, palette), xref="x", yref="y", x=float(l),
                               y=float(ys[l][i]), sizex=size, sizey=size, xanchor="center", yanchor="middle",
                               sizing="contain", layer="above"))
    return images


UNITS_TRACE = 1  # the hidden and output units' trace: a click on one names its unit (clicked_unit)


def clicked_unit(network, click: dict | None) -> tuple[int, int] | None:
    """The unit (l, j) a click or hover on the diagram landed on (live_chart's {trace, pointIndex}, or
    {curveNumber, pointIndex}; l in 1..L, j its row of A[l], from 0), or None for anything else (an
    input, a weight, a malformed event)."""
    if not isinstance(click, dict):
        return None
    on_units = click["trace"] == "units" if click.get("trace") is not None else click.get("curveNumber") == UNITS_TRACE
    k = click.get("pointIndex")
    if not on_units or not isinstance(k, int) or isinstance(k, bool):
        return None
    for l in range(1, network.L + 1):
        if 0 <= k < network.layer_sizes[l]:
            return l, k
        k -= network.layer_sizes[l]
    return None


def _output_names(network, task, class_names) -> list[str]:
    n = network.layer_sizes[-1]
    if task == "regression" or (task is None and network.loss.name in ("mse", "mae")):
        return ["ŷ"] * n
    if n == 1:
        return ["P(y=1)"]
    names = [str(c) for c in (class_names or ())]
    names += [str(j) for j in range(len(names), n)]
    return [plotly_text(f"class {c}" if c.isdigit() else c) for c in names[:n]]  # a CSV's labels are the user's


FEATURE_KEYS = tuple(FEATURES)  # the input column's slots when the inputs can be switched (TensorFlow Playground's)


def input_slots(network, inputs) -> np.ndarray | None:
    """Where the network's inputs sit among FEATURE_KEYS (input j is feature ``inputs[j]``), or None
    when ``inputs`` does not describe this network's inputs (then the diagram draws them as they are)."""
    if inputs is None:
        return None
    inputs = tuple(inputs)
    if (len(inputs) != network.layer_sizes[0] or len(set(inputs)) != len(inputs)
            or not all(isinstance(k, str) and k in FEATURES for k in inputs)):
        return None
    return np.array([FEATURE_KEYS.index(k) for k in inputs], dtype=int)


def _feature_inputs(input_ys: np.ndarray, slots: np.ndarray, node: float, s: Style) -> dict:
    """Every feature as an input node (FEATURE_KEYS' order): the ones in use filled, as the inputs are
    when they cannot be switched, the others hollow and grey; the hover says what a click does."""
    on = np.zeros(len(FEATURE_KEYS), bool)
    on[slots] = True
    last = on.sum() == 1
    labels = [FEATURES[k].label for k in FEATURE_KEYS]
    hover = [f"{label}: {'in use' if used else 'not used'}<br>click to "
             + (("keep it: at least one input stays on" if last else "turn it off") if used else "turn it on")
             for label, used in zip(labels, on)]
    grey = "rgba(128,128,128,0.55)"
    return dict(type="scatter", x=np.zeros(len(FEATURE_KEYS), np.float32), y=f32(input_ys),
                mode="markers+text", text=labels, textposition="middle left", cliponaxis=False,
                textfont=dict(size=int(s.text * 0.85), color=[s.ink if used else grey for used in on]),
                marker=dict(size=node, symbol=["square" if used else "square-open" for used in on],
                            color=[NEUTRAL if used else grey for used in on],
                            line=dict(color=[s.ink if used else grey for used in on], width=1)),
                hovertext=hover, hoverinfo="text", name="inputs", showlegend=False)


def diagram_geometry(network, inputs=None) -> tuple[list[np.ndarray], list[np.ndarray], int]:
    """(y of each unit per layer, as the weights meet them; y of every input node drawn, first list
    entry; the plot's height in rows). With switchable ``inputs`` every feature has a slot and the
    network's inputs sit in theirs (input_slots)."""
    sizes, slots = list(network.layer_sizes), input_slots(network, inputs)
    drawn = sizes if slots is None else [len(FEATURE_KEYS), *sizes[1:]]
    ys, rows = _positions(drawn)
    return ([ys[0] if slots is None else ys[0][slots], *ys[1:]]), ys, rows


def diagram_targets(network, inputs=None) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Where the clickable points of network_figure(network, inputs=inputs, controls=True) are:
    the input nodes and every control (network_controls.clicked_target reads a click with them)."""
    _ys, drawn, rows = diagram_geometry(network, inputs)
    points = network_controls.control_points(network.layer_sizes, rows / 2)
    if input_slots(network, inputs) is not None:  # only switchable inputs are a target
        points[network_controls.INPUTS] = (np.zeros(len(FEATURE_KEYS)), f32(drawn[0]))
    return points


def _node_traces(network, ys, rows, feature_names, outs, s: Style, values: bool, slots=None, input_ys=None,
                 controls: bool = False, editable: bool = False) -> list[dict]:
    """Input nodes (labelled; with ``slots``, every feature at ``input_ys``: _feature_inputs), hidden +
    output units (with ``values``: coloured by and hovering their bias), output labels."""
    sizes, L = list(network.layer_sizes), network.L
    node = s.marker_size * 2.2
    names = [plotly_text(n) for n in feature_names] if feature_names is not None else []  # a CSV's columns
    names += [f"x{j + 1}" for j in range(len(names), sizes[0])]
    show_names = sizes[0] <= 16
    if slots is not None:  # every feature, the ones in use as today, the others hollow: click to switch
        inputs = _feature_inputs(input_ys, slots, node, s)
    else:
        fixed = " (not switchable here)" if controls else ""
        inputs = drop_none(dict(
            type="scatter", x=np.zeros(sizes[0], np.float32), y=f32(ys[0]),
            mode="markers+text" if show_names else "markers",
            text=names[:sizes[0]] if show_names else None, textposition="middle left", cliponaxis=False,
            marker=dict(size=node if sizes[0] <= rows else max(2.0, node * rows / sizes[0]), color=NEUTRAL,
                        line=dict(color=s.ink, width=1 if sizes[0] <= rows else 0), symbol="square"),
            hovertext=[f"input {j + 1}: {names[j]}{fixed}" for j in range(sizes[0])], hoverinfo="text",
            name="inputs", showlegend=False))
    lx = np.concatenate([np.full(sizes[l], l, np.float32) for l in range(1, L + 1)])
    ly = np.concatenate([ys[l] for l in range(1, L + 1)]).astype(np.float32)
    cols = [np.full(sizes[l], l) for l in range(1, L + 1)], [np.arange(1, sizes[l] + 1) for l in range(1, L + 1)]
    if values:  # coloured by, and hovering, each unit's bias
        biases = [np.asarray(network.params[f"b{l}"], float)[:, 0] for l in range(1, L + 1)]
        info = np.stack([np.concatenate(cols[0]), np.concatenate(cols[1]), np.concatenate(biases)], axis=1)
        color = dict(color=info[:, 2], colorscale=colorscale(DIVERGING_SCALE), cmid=0)
        hover = "layer %{customdata[0]:.0f}, unit %{customdata[1]:.0f}<br>b = %{customdata[2]:.4g}<extra></extra>"
    else:  # while playing: nothing here changes from frame to frame
        info = f32(np.stack([np.concatenate(cols[0]), np.concatenate(cols[1])], axis=1))
        color = dict(color=NEUTRAL)
        hover = "layer %{customdata[0]:.0f}, unit %{customdata[1]:.0f}<br>(pause to see b and w)<extra></extra>"
    units = drop_none(dict(type="scatter", x=lx, y=ly, mode="markers", showlegend=False,
                           customdata=_points(info) if values and editable else info,
                           name="units", marker=dict(size=node, symbol="square", line=dict(color=s.ink, width=1),
                                                     **color),
                           hovertemplate=hover, meta=EDIT_BIAS if values and editable else None))
    coloured = len(outs) > 1 and outs[0] != "ŷ"
    labels = dict(type="scatter", x=np.full(sizes[-1], L + 0.45, np.float32), y=ys[-1].astype(np.float32),
                  mode="text", text=outs, textposition="middle right", cliponaxis=False, showlegend=False,
                  hoverinfo="skip", name="outputs",
                  textfont=dict(color=[CLASS_COLORS[j % len(CLASS_COLORS)] for j in range(len(outs))]
                                if coloured else s.ink))
    return [inputs, units, labels]


def network_figure(network, unit_grids: dict | None = None, iteration_label: str = "",
                   feature_names=None, task: str | None = None, class_names=None, dataset=None,
                   style: Style | None = None, values: bool = True, shown: tuple[int, int] | None = None,
                   editable: bool = False, inputs=None, controls: bool = False) -> go.Figure:
    """The network as a diagram. The weights are one layout image (``edge_image``, the first image);
    with ``unit_grids`` (trainer.unit_grids) each unit's picture follows as its own layout image,
    unless there are more than MAX_PICTURES units (then a note says so). Traces, in this order:
    input nodes (labelled with ``feature_names``), hidden + output units, output labels
    (``class_names``; ``task`` picks "ŷ" for regression), and with ``values`` the weights' hover
    markers. ``values``: units coloured by their bias, and every b and w on hover; False (a live
    frame) keeps all traces unchanged from frame to frame. ``dataset`` fills in any of
    feature_names / task / class_names not given. ``shown`` (l, j): the unit whose output the
    boundary chart shows, its picture framed. The units' trace is trace UNITS_TRACE (clicked_unit).
    ``editable`` (with ``values``: a paused run, not rewound): the "weights" and "units" traces carry
    EDIT_WEIGHT / EDIT_BIAS, so clicking a weight or a unit opens a field to set it.
    ``inputs``: the feature keys the network's inputs are (RunConfig.features) when they can be
    switched; the input column then shows every feature, the unused ones hollow. ``controls``: the
    + / − buttons for units and layers (viz.network_controls), traces after all the others."""
    if dataset is not None:
        feature_names = dataset.feature_names if feature_names is None else feature_names
        task, class_names = task or dataset.task, class_names or dataset.class_names
    s = resolve(style)
    sizes, L = list(network.layer_sizes), network.L
    ys, drawn, rows = diagram_geometry(network, inputs)
    slots = input_slots(network, inputs)
    e, dropped = _edges(network.params, sizes, ys)
    outs = _output_names(network, task, class_names)
    data = _node_traces(network, ys, rows, feature_names, outs, s, values, slots, drawn[0], controls, editable)
    data += [_edge_hover(e, editable)] if values else []
    top = rows / 2
    room = network_controls.CONTROL_ROW if controls else 0.0  # a row above the units, one below them
    # all the features' names ("sin x₂") need more room on the left than x1, x2 did
    left = (1.3 if s.presentation else 1.1) if slots is not None else 0.75
    x_range = (-left, L + (1.7 if s.presentation else 1.3))
    if controls:  # after every other trace: the curve numbers of those stay as they were
        data += network_controls.control_traces(sizes, top, x_range[1] - x_range[0], s)
    notes = []
    n_units = sum(sizes[1:])
    pictures = unit_grids is not None and n_units <= MAX_PICTURES
    if unit_grids is not None and not pictures:
        notes.append(f"unit pictures hidden: {n_units} units (max {MAX_PICTURES})")
    if dropped:
        notes.append(f"showing the {MAX_EDGES:,} strongest of {e.shape[1] + dropped:,} weights")
    if sizes[0] > 16:
        notes.append(f"{sizes[0]} inputs")
    names = ["input"] + [f"{'output' if l == L else f'layer {l}'}<br>{network.activations[l].name}"
                         for l in range(1, L + 1)]
    # a little smaller than other notes: the headers of neighbouring layers must not run into each
    # other when the diagram shares a projector's screen with two other charts
    heads = [dict(x=l, y=1.0, xref="x", yref="paper", yanchor="bottom", showarrow=False, text=names[l],
                  font=dict(size=int(s.text * (0.72 if s.presentation else 0.8)))) for l in range(L + 1)]
    if notes:
        heads.append(dict(x=0, y=-0.02, xref="paper", yref="paper", xanchor="left", yanchor="top",
                          text=" · ".join(notes), showarrow=False))
    layout = style_layout(s, title="Network" + (f" · {iteration_label}" if iteration_label else ""), legend=False)
    # the column headers (two lines) sit in the top margin, above the plot area
    layout["height"] = max(s.fig_height, int(min(rows, 24) * s.text * 2.2))
    layout["margin"]["t"] += int(s.text * 2.2)
    # no axes to label: the side margins go to the diagram, and the right end of the x range leaves
    # room for the output's name ("P(y=1)" was cut at presentation size)
    layout["margin"].update(l=int(s.text * 0.5), r=int(s.text * 0.5))
    y_range = (-top - room, top + room)
    layout.update(annotations=heads, hovermode="closest",
                  xaxis=dict(visible=False, range=list(x_range), fixedrange=True),
                  yaxis=dict(visible=False, range=list(y_range), fixedrange=True))
    plot_height = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    layout["images"] = [edge_image(e, x_range, y_range, plot_height, s.presentation)]
    if pictures:
        layout["images"] += _pictures(network, unit_grids, ys, task, shown, s.ink)
    layout["datarevision"] = _revision(network, feature_names, outs, values, (inputs, controls))
    return figure(data, layout)


def _revision(network, feature_names, outs, values: bool, controls=None) -> str:
    """What the traces' data depend on: the shape and names (and the inputs and controls drawn), plus
    every parameter when they show values."""
    h = hashlib.blake2b(digest_size=8)
    h.update(repr((tuple(network.layer_sizes), None if feature_names is None else [str(n) for n in feature_names],
                   outs) + ((controls,) if controls is not None else ())).encode())
    if values:
        h.update(np.ascontiguousarray(network.theta).tobytes())
    return h.hexdigest()
