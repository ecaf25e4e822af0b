"""Forward and backward propagation as the lecture draws them: per layer l a forward block taking
A[l-1] to A[l] with W[l], b[l] and storing its cache, under it the backward block taking dA[l] to
dA[l-1] and giving dW[l], db[l] from that cache; every arrow labelled with its array's shape for this
network. Also the tables beside it: a corner of each cached array, and a gradient check's verdicts.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from descentlab.viz.figure import figure
from descentlab.viz.style import BLUE, GREY, ORANGE, Style, resolve, rgba, style_layout
from descentlab.viz.text import number

HALF = 0.3         # half a block's width, in layer columns
PLOT_WIDTH = 900   # px the diagram is drawn in, at least (a 1280 px window with the sidebar open)
CHAR = 0.56        # a character's width in its font size, about (Source Sans, digits and brackets)
Y_FWD, Y_BWD, HALF_H = 1.0, -1.0, 0.42   # block centres and half height
Y_PARAM, Y_GRAD = 2.15, -2.15            # where W, b come in and dW, db go out


def shape_text(*dims) -> str:
    return "(" + ", ".join(f"{d:,}" for d in dims) + ")"


def _arrow(x0, y0, x1, y1, color, width, dash=False) -> dict:
    """An arrow from (x0, y0) to (x1, y1) in data coordinates."""
    return dict(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y", text="", showarrow=True,
                arrowhead=2, arrowsize=1.0, arrowwidth=width, arrowcolor=color, standoff=0, startstandoff=0,
                **({"opacity": 0.75} if dash else {}))


def _label(x, y, text, size, **kw) -> dict:
    return dict(x=x, y=y, xref="x", yref="y", text=text, showarrow=False, font=dict(size=size), **kw)


def _rect(x0, x1, y0, y1, color) -> dict:
    return dict(type="rect", xref="x", yref="y", x0=x0, x1=x1, y0=y0, y1=y1, line=dict(color=color, width=2),
                fillcolor=rgba(color, 0.14), layer="below")


def _g(name: str) -> str:
    return {"linear": "identity", "leaky_relu": "leaky ReLU", "relu": "ReLU", "tanh": "tanh",
            "sigmoid": "sigmoid", "softmax": "softmax"}.get(name, name)


X_MARGIN = 0.35   # layer columns left of X and right of the loss


def _font_sizes(network, m: int, s: Style) -> tuple[int, int]:
    """(labels, blocks): the style's sizes, or smaller where this network's text would not fit its
    place (a deep network's columns, a projector's large type): the shapes between two blocks fit
    the gap, the parameters' shapes a column, the equations a block."""
    L, n = network.L, network.layer_sizes
    unit = PLOT_WIDTH / (L + 2 * X_MARGIN)  # px per layer column
    between = max(len(shape_text(k, m)) for k in n)
    params = max(len(f"dW[{l}] {shape_text(n[l], n[l - 1])}") for l in range(1, L + 1))
    cache = max(len(f"A[{l - 1}], W[{l}], b[{l}]") for l in range(1, L + 1))
    block = max([14] + [len(f"A = {_g(a.name)}(Z)") for a in network.activations[1:]])
    label = min(s.text * 0.9, unit * (1 - 2 * HALF) / (CHAR * between), unit * 0.95 / (CHAR * params),
                unit * (1 - HALF - 0.06) / (CHAR * cache))
    inside = min(s.text, unit * 2 * HALF * 0.92 / (CHAR * block))
    return max(8, int(label)), max(8, int(inside))


def blocks_figure(network, m: int, style: Style | None = None):
    """The network's forward and backward blocks for a batch of ``m`` examples: a figure of shapes and
    annotations only (no traces), so it is the same for every frame of the same network."""
    s = resolve(style)
    L, n = network.L, network.layer_sizes
    # the labels shrink with depth, so that a deep network's columns still hold their shapes
    size, big = _font_sizes(network, m, s)
    width = 2.5 if s.presentation else 1.6
    shapes, notes = [], []
    fwd, bwd = BLUE, ORANGE
    # the input X = A[0] on the left, the loss on the right
    notes.append(_label(0, Y_FWD, f"<b>X = A[0]</b><br>{shape_text(n[0], m)}", size))
    notes.append(_label(0, Y_BWD, f"dA[0]<br>{shape_text(n[0], m)}<br>(not used)", size, opacity=0.7))
    xl = L + 1
    shapes.append(_rect(xl - HALF, xl + HALF, Y_BWD - HALF_H, Y_FWD + HALF_H, GREY))
    notes.append(_label(xl, 0, f"<b>loss</b><br>J(A[{L}], Y)<br>Y {shape_text(n[L], m)}", size))
    for l in range(1, L + 1):
        g = network.activations[l].name
        shapes.append(_rect(l - HALF, l + HALF, Y_FWD - HALF_H, Y_FWD + HALF_H, fwd))
        shapes.append(_rect(l - HALF, l + HALF, Y_BWD - HALF_H, Y_BWD + HALF_H, bwd))
        notes.append(_label(l, Y_FWD, f"<b>forward [{l}]</b><br>Z = WA + b<br>A = {_g(g)}(Z)", big))
        notes.append(_label(l, Y_BWD, f"<b>backward [{l}]</b><br>dZ = dA·g′(Z)<br>dA[{l - 1}] = WᵀdZ", big))
        # parameters in from above, gradients out below
        notes.append(_arrow(l, Y_PARAM - 0.35, l, Y_FWD + HALF_H, fwd, width))
        notes.append(_label(l, Y_PARAM, f"W[{l}] {shape_text(n[l], n[l - 1])}<br>b[{l}] {shape_text(n[l], 1)}", size))
        notes.append(_arrow(l, Y_BWD - HALF_H, l, Y_GRAD + 0.35, bwd, width))
        notes.append(_label(l, Y_GRAD, f"dW[{l}] {shape_text(n[l], n[l - 1])}<br>db[{l}] {shape_text(n[l], 1)}", size))
        # the cache: down from the forward block to the backward block
        notes.append(_arrow(l, Y_FWD - HALF_H, l, Y_BWD + HALF_H, GREY, width, dash=True))
        notes.append(_label(l + 0.03, 0, f"cache<br>Z[{l}] {shape_text(n[l], m)}<br>A[{l - 1}], W[{l}], b[{l}]",
                            size, xanchor="left", bgcolor="rgba(0,0,0,0)"))
        # A[l-1] into the forward block; dA[l-1] out of the backward block
        notes.append(_arrow(l - 1 + (HALF if l > 1 else 0.3), Y_FWD, l - HALF, Y_FWD, fwd, width))
        notes.append(_arrow(l - HALF, Y_BWD, l - 1 + (HALF if l > 1 else 0.3), Y_BWD, bwd, width))
        if l > 1:
            notes.append(_label(l - 0.5, Y_FWD + 0.08, f"A[{l - 1}]<br>{shape_text(n[l - 1], m)}", size, yanchor="bottom"))
            notes.append(_label(l - 0.5, Y_BWD - 0.08, f"dA[{l - 1}]<br>{shape_text(n[l - 1], m)}", size, yanchor="top"))
    # A[L] into the loss, dA[L] back out of it
    notes.append(_arrow(L + HALF, Y_FWD, xl - HALF, Y_FWD, fwd, width))
    notes.append(_label(L + 0.5, Y_FWD + 0.08, f"A[{L}] = Ŷ<br>{shape_text(n[L], m)}", size, yanchor="bottom"))
    notes.append(_arrow(xl - HALF, Y_BWD, L + HALF, Y_BWD, bwd, width))
    notes.append(_label(L + 0.5, Y_BWD - 0.08, f"dA[{L}]<br>{shape_text(n[L], m)}", size, yanchor="top"))
    layout = style_layout(s)
    layout.update(
        height=max(380, int(max(size, big) * 30)),
        margin=dict(l=4, r=4, t=4, b=4),
        xaxis=dict(range=[-X_MARGIN, L + 1 + X_MARGIN], visible=False, fixedrange=True),
        yaxis=dict(range=[-2.6, 2.6], visible=False, fixedrange=True),
        shapes=shapes, annotations=notes, showlegend=False, hovermode=False,
    )
    return figure([], layout)


def corner_table(array: np.ndarray, rows: int = 3, cols: int = 3) -> pd.DataFrame:
    """The top-left corner of ``array`` as text a person reads: ``rows`` × ``cols`` numbers (4
    significant digits), columns named by their index in the course's sense (example 1, 2, ... for an
    (n, m) array), "…" where the array goes on."""
    a = np.atleast_2d(np.asarray(array))
    r, c = min(rows, a.shape[0]), min(cols, a.shape[1])
    body = [[_value(a[i, j]) for j in range(c)] + (["…"] if a.shape[1] > c else []) for i in range(r)]
    names = [f"[{j + 1}]" for j in range(c)] + (["…"] if a.shape[1] > c else [])
    if a.shape[0] > r:
        body.append(["⋮"] * len(names))
    out = pd.DataFrame(body, columns=names)
    out.index = [f"row {i + 1}" for i in range(r)] + (["⋮"] if a.shape[0] > r else [])
    return out


def _value(x) -> str:
    x = float(x)
    if not math.isfinite(x):
        return number(x)
    return "0" if x == 0 else f"{x:.3g}" if 1e-3 <= abs(x) < 1e4 else f"{x:.2e}"


# The course's reading of a relative error at ε = 1e-7
VERDICTS = ((1e-7, "✓ great"), (1e-5, "✓ fine: look closer"), (1e-3, "⚠ suspicious"))


def verdict(error: float) -> str:
    if not math.isfinite(error):
        return "✗ not a number"
    for bound, text in VERDICTS:
        if error < bound:
            return text
    return "✗ likely a bug"


def gradcheck_table(result, network) -> pd.DataFrame:
    """descentlab.lessons.blocks.GradCheck as a table: one row per parameter array (W1, b1, W2, ...),
    its shape, the entries checked, the relative error and the course's verdict."""
    params = network.params
    rows = [(b.name, shape_text(*params[b.name].shape),
             f"all {b.size:,}" if b.checked == b.size else f"{b.checked:,} of {b.size:,}",
             f"{b.error:.2e}" if math.isfinite(b.error) else number(b.error), verdict(b.error))
            for b in result.blocks]
    return pd.DataFrame(rows, columns=["parameters", "shape", "entries checked", "relative error", "verdict"])
