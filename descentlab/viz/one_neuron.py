"""Figures and formulas for the "One neuron" page: the computational graph of z = wᵀx + b → a = σ(z) →
L(a, y) with its numbers, the decision line on the data, and the numbers of the vectorized pass and of
one gradient-descent update written out in LaTeX. Inputs are descentlab.lessons.neuron's NeuronPass and Update.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from descentlab.viz.boundary import decision_figure
from descentlab.viz.figure import figure
from descentlab.viz.style import (
    BLUE,
    GREY,
    VERMILLION,
    Style,
    resolve,
    rgba,
    style_layout,
)

FORWARD, BACKWARD = BLUE, VERMILLION  # values flow forward in blue, derivatives back in red-orange
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _n(v: float, digits: int = 3) -> str:
    """A number for a label: fixed decimals, a real minus sign, and no "-0.000"."""
    text = f"{float(v):.{digits}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    return text.replace("-", "−")


def _node(x: float, y: float, w: float, h: float, lines: list[str], s: Style) -> tuple[dict, dict]:
    box = dict(type="rect", x0=x - w / 2, x1=x + w / 2, y0=y - h / 2, y1=y + h / 2, xref="x", yref="y",
               line=dict(color=GREY, width=1.5), fillcolor=rgba(GREY, 0.08), layer="below")
    text = dict(x=x, y=y, xref="x", yref="y", text="<br>".join(lines), showarrow=False,
                font=dict(size=int(s.text * 0.95)), align="center")
    return box, text


def _arrow(x0, y0, x1, y1, color: str, s: Style, width: float = 1.6) -> dict:
    return dict(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y", text="",
                showarrow=True, arrowhead=3, arrowsize=1.1, arrowwidth=width * (1.4 if s.presentation else 1.0),
                arrowcolor=color)


def _c(color: str, text: str) -> str:
    return f"<span style='color:{color}'>{text}</span>"


def graph_figure(p, style: Style | None = None) -> go.Figure:
    """The computational graph of the first example of NeuronPass ``p`` (n_x = 2): every node shows its
    forward value (blue) and, for z, a and the parameters, the derivative of the loss (red-orange)."""
    s = resolve(style)
    x, w, y = p.X[:, 0], p.w[:, 0], p.Y[0, 0]
    z, a, loss, dz, da = p.Z[0, 0], p.A[0, 0], p.losses[0], p.dZ[0, 0], p.dA[0, 0]
    dw = p.X[:, 0] * dz  # one example: dw = x dz (equal to p.dw when m = 1)
    leaf_w, leaf_h, mid_w, mid_h = 2.3, 0.9, 2.7, 1.5
    leaves = [("x₁", x[0], None, 5.2), ("w₁", w[0], dw[0], 4.1), ("x₂", x[1], None, 3.0),
              ("w₂", w[1], dw[1], 1.9), ("b", p.b, dz, 0.8)]
    shapes, notes = [], []
    for name, value, grad, ly in leaves:
        lines = [_c(FORWARD, f"{name} = {_n(value, 2)}")]
        lines.append(_c(BACKWARD, f"d{name} = {_n(grad)}") if grad is not None else "input")
        box, text = _node(1.2, ly, leaf_w, leaf_h, lines, s)
        shapes.append(box)
        notes += [text, _arrow(1.2 + leaf_w / 2, ly, 5.0 - mid_w / 2, 3.0 + (ly - 3.0) * 0.35, GREY, s)]
    chain = [(5.0, "<b>z = wᵀx + b</b>", f"z = {_n(z)}", f"dz = a − y = {_n(dz)}"),
             (8.4, "<b>a = σ(z)</b>", f"a = {_n(a)}", f"da = {_n(da)}"),
             (11.6, "<b>L(a, y)</b>", f"L = {_n(loss)}", "dL/dL = 1")]
    for cx, title, fwd, bwd in chain:
        box, text = _node(cx, 3.0, mid_w, mid_h, [title, _c(FORWARD, fwd), _c(BACKWARD, bwd)], s)
        shapes.append(box)
        notes.append(text)
    box, text = _node(8.4, 0.8, leaf_w, leaf_h, [_c(FORWARD, f"y = {_n(y, 0)}"), "label"], s)
    shapes.append(box)
    notes.append(text)
    notes.append(_arrow(8.4 + leaf_w / 2, 0.8, 11.6 - mid_w / 4, 3.0 - mid_h / 2, GREY, s))
    for left, right in ((5.0, 8.4), (8.4, 11.6)):  # forward below the chain's centre, backward above
        notes.append(_arrow(left + mid_w / 2, 2.75, right - mid_w / 2, 2.75, FORWARD, s))
        notes.append(_arrow(right - mid_w / 2, 3.25, left + mid_w / 2, 3.25, BACKWARD, s))
    layout = style_layout(s, title=f"{_c(FORWARD, 'forward: values →')}    {_c(BACKWARD, '← backward: derivatives of L')}")
    layout.update(shapes=shapes, annotations=notes,
                  xaxis=dict(range=[-0.1, 13.1], visible=False, fixedrange=True),
                  yaxis=dict(range=[0.2, 5.8], visible=False, fixedrange=True))
    layout["margin"].update(l=10, r=10, b=10)
    return figure([], layout)


def boundary_figure(grid: dict, dataset, line: tuple, style: Style | None = None) -> go.Figure:
    """decision_figure (P(y=1) over the plane, the data on top) plus the decision line wᵀx + b = 0
    (``line`` = (x1s, x2s) from descentlab.lessons.neuron.decision_line; empty arrays draw nothing, the trace
    stays so live updates keep the same traces)."""
    s = resolve(style)
    fig = decision_figure(grid, dataset, show_test=False, style=s)
    xs, ys = line
    fig.add_trace(dict(type="scatter", x=np.asarray(xs, float), y=np.asarray(ys, float), mode="lines",
                       name="wᵀx + b = 0", line=dict(color="#1B1F5C", width=s.line_width * 1.5, dash="dash"),
                       hoverinfo="skip"))
    # decision_figure's datarevision fingerprints the points, so Plotly.react skips unchanged data; the
    # line moves every frame, so it joins the fingerprint
    moved = ",".join(f"{v:.5g}" for v in (*np.ravel(xs), *np.ravel(ys)))
    fig.layout.datarevision = f"{fig.layout.datarevision or ''}|{moved}"
    return fig


def bmatrix(a, digits: int = 2) -> str:
    """A 1-D or 2-D array as a LaTeX bmatrix (a 1-D array is a column)."""
    arr = np.asarray(a, float)
    arr = arr.reshape(-1, 1) if arr.ndim == 1 else arr
    rows = [" & ".join(_n(v, digits).replace("−", "-") for v in row) for row in arr]
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def _s(v: float, digits: int = 3) -> str:
    return _n(v, digits).replace("−", "-")


def _f(v: float, digits: int = 3) -> str:
    """A factor in a product: negative numbers in parentheses, so "0.4 · (-0.5)" never reads "0.4 · -0.5"."""
    text = _s(v, digits)
    return f"({text})" if text.startswith("-") else text


def _plus(v: float, digits: int = 3) -> str:
    """A term added at the end: "+ 0.2" or "- 0.2", never "+ -0.2"."""
    text = _s(v, digits)
    return f"- {text[1:]}" if text.startswith("-") else f"+ {text}"


def chain_rule_latex(p) -> list[str]:
    """The first example's backward pass, each derivative from the one after it (the chain rule).
    One or two equations a line: a line of three ran past a projector's column."""
    a, y, z = p.A[0, 0], p.Y[0, 0], p.Z[0, 0]
    x1, x2 = p.X[:, 0]
    dz = p.dZ[0, 0]
    return [
        rf"\text{{forward: }} z = {_s(p.w[0, 0], 2)} \cdot {_f(x1, 2)} {_plus(p.w[1, 0], 2)} \cdot {_f(x2, 2)}"
        rf" {_plus(p.b, 2)} = {_s(z)}",
        rf"a = \sigma(z) = {_s(a)},\quad L = -\log({_s(a if y else 1 - a)}) = {_s(p.losses[0])}",
        rf"da = \frac{{\partial L}}{{\partial a}} = -\frac{{y}}{{a}} + \frac{{1-y}}{{1-a}} = {_s(p.dA[0, 0])}",
        rf"dz = da \cdot \sigma'(z) = {_f(p.dA[0, 0])} \cdot {_f(p.sigma_prime[0, 0])} = {_s(dz)}"
        rf"\quad(= a - y = {_s(a)} - {_s(y, 0)})",
        rf"dw_1 = x_1\,dz = {_f(x1, 2)} \cdot {_f(dz)} = {_s(x1 * dz)},\quad "
        rf"dw_2 = x_2\,dz = {_f(x2, 2)} \cdot {_f(dz)} = {_s(x2 * dz)}",
        rf"db = dz = {_s(dz)}",
    ]


def vectorized_latex(p) -> list[str]:
    """Z = wᵀX + b, A, dZ, dw and db for all m examples at once, with the numbers and the shapes."""
    m, n = p.m, p.X.shape[0]
    return [
        rf"Z = w^T X + b = {bmatrix(p.w.T)} {bmatrix(p.X, 1)} {_plus(p.b, 2)}",
        rf"\phantom{{Z}} = {bmatrix(p.Z, 3)}"
        rf"\qquad (1 \times {n})({n} \times {m}) + (1 \times 1) \to (1 \times {m})",
        rf"A = \sigma(Z) = {bmatrix(p.A, 3)},\qquad Y = {bmatrix(p.Y, 0)}",
        rf"dZ = A - Y = {bmatrix(p.dZ, 3)}",
        rf"dw = \tfrac{{1}}{{m}} X\,dZ^T = \tfrac{{1}}{{{m}}} {bmatrix(p.X, 1)} {bmatrix(p.dZ.T, 3)}"
        rf" = {bmatrix(p.dw, 3)}",
        rf"db = \tfrac{{1}}{{m}} \textstyle\sum_i dZ^{{(i)}} = {_s(p.db)},\qquad "
        rf"J = \tfrac{{1}}{{m}} \textstyle\sum_i L(a^{{(i)}}, y^{{(i)}}) = {_s(p.cost)}",
    ]


def shapes_table(p) -> pd.DataFrame:
    """One row per array of the vectorized pass: name, shape, what it is."""
    n, m = p.X.shape
    rows = [("X", (n, m), "inputs, one example per column"), ("w", (n, 1), "weights, a column"),
            ("b", (1, 1), "bias, a number (broadcast)"), ("Z = wᵀX + b", (1, m), "one z per example"),
            ("A = σ(Z)", (1, m), "one prediction per example"), ("Y", (1, m), "labels"),
            ("dZ = A − Y", (1, m), "dL/dz per example"), ("dw = (1/m) X dZᵀ", (n, 1), "same shape as w"),
            ("db = (1/m) Σ dZ", (1, 1), "same shape as b")]
    return pd.DataFrame([(a, f"({r}, {c})", what) for a, (r, c), what in rows],
                        columns=["array", "shape", "what it is"])


def update_latex(u) -> list[str]:
    """w := w − α dw and b := b − α db with the numbers of descentlab.lessons.neuron.Update ``u``."""
    lr = f"{u.learning_rate:g}"
    return [
        rf"\text{{iteration {u.iteration}:}}\quad w := w - \alpha\,dw = {bmatrix(u.w_before, 4)} - {lr}"
        rf" \cdot {bmatrix(u.dw, 4)} = {bmatrix(u.w_after, 4)}",
        rf"b := b - \alpha\,db = {_s(u.b_before, 4)} - {lr} \cdot {_f(u.db, 4)} = {_s(u.b_after, 4)}",
    ]
