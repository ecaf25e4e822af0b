"""One traced example (descentlab.lessons.trace) written out in the lecture's notation, with its own
numbers: LaTeX lines for st.latex, forward and backward. Numbers have 4 significant digits; a vector of
up to ``SHORT`` entries is a column, a longer one its first and last entries around ⋮; every array
carries its shape under it."""
from __future__ import annotations

import math

import numpy as np

SHORT = 8          # a vector with at most this many entries is shown whole, as a column
MATRIX_CELLS = 16  # a matrix with at most this many entries (and rows, columns <= SHORT) is shown whole

_G = {"sigmoid": r"\sigma", "tanh": r"\tanh", "relu": r"\mathrm{ReLU}", "linear": "", "softmax": r"\mathrm{softmax}",
      "leaky_relu": r"\mathrm{LeakyReLU}", "elu": r"\mathrm{ELU}", "softplus": r"\mathrm{softplus}",
      "swish": r"\mathrm{swish}", "gelu": r"\mathrm{GELU}"}
_LOSS = {
    "bce": r"-\bigl(y\log\hat y + (1-y)\log(1-\hat y)\bigr)",
    "softmax_ce": r"-\textstyle\sum_k y_k \log \hat y_k",
    "mse": r"\textstyle\sum_k(\hat y_k - y_k)^2",
    "mae": r"\textstyle\sum_k|\hat y_k - y_k|",
}


def num(v: float) -> str:
    """A number for a person, 4 significant digits, as LaTeX (1.235\\times10^{-5}, not 1.235e-05)."""
    v = float(v)
    if math.isnan(v):
        return r"\text{NaN}"
    if math.isinf(v):
        return r"\infty" if v > 0 else r"-\infty"
    if v == 0:
        return "0"
    s = f"{v:.4g}"
    if "e" in s:
        mant, exp = s.split("e")
        return rf"{mant}\times10^{{{int(exp)}}}"
    return s


def _shape(a: np.ndarray) -> str:
    return rf"{{\scriptstyle ({a.shape[0]},\,{a.shape[1]})}}"


def _with_shape(body: str, a: np.ndarray) -> str:
    return rf"\underset{{{_shape(a)}}}{{{body}}}"


def array(a: np.ndarray) -> str:
    """An (r, c) array as a bmatrix with its shape under it: whole when small, else summarized (a long
    column as its first 3 and last 2 entries; a large matrix as the range of its entries)."""
    a = np.asarray(a, float)
    r, c = a.shape
    if c == 1 and r > SHORT:
        rows = [num(v) for v in a[:3, 0]] + [r"\vdots"] + [num(v) for v in a[-2:, 0]]
        return _with_shape(r"\begin{bmatrix}" + r"\\".join(rows) + r"\end{bmatrix}", a)
    if c > 1 and (r * c > MATRIX_CELLS or r > SHORT or c > SHORT):
        finite = a[np.isfinite(a)]
        span = (rf"\text{{from }}{{{num(finite.min())}}}\text{{ to }}{{{num(finite.max())}}}" if finite.size
                else r"\text{not finite}")
        return _with_shape(rf"\bigl[\,{span}\,\bigr]", a)
    if r == 1 and c > 1:  # a row: no array column spacing, so 8 entries keep a readable size
        return _with_shape(r"\bigl[\;" + r"\;\;".join(f"{{{num(v)}}}" for v in a[0]) + r"\;\bigr]", a)
    body = r"\\".join("&".join(num(v) for v in row) for row in a)
    return _with_shape(r"\begin{bmatrix}" + body + r"\end{bmatrix}", a)


def _sym(name: str, l: int, shape_of: np.ndarray | None = None) -> str:
    s = f"{name}^{{[{l}]}}"
    return _with_shape(s, shape_of) if shape_of is not None else s


def _g(name: str, arg: str) -> str:
    g = _G.get(name, rf"g_{{\mathrm{{{name}}}}}")
    return arg if not g else rf"{g}({arg})"


def _g_prime(name: str, arg: str) -> str:
    g = _G.get(name, "g")
    return rf"{g or 'g'}'({arg})"


def forward_lines(trace) -> list[str]:
    """x, then per layer z[l] = W[l] a[l-1] + b[l] and a[l] = g(z[l]) (one line each layer), then ŷ."""
    lines = [rf"x = a^{{[0]}} = {array(trace.x)}"]
    for t in trace.layers:
        l = t.layer
        prev = "x" if l == 1 else f"a^{{[{l - 1}]}}"
        z = rf"z^{{[{l}]}} = {_sym('W', l, t.W)}\,{prev} + {_sym('b', l, t.b)} = {array(t.z)}"
        a = rf"a^{{[{l}]}} = {_g(t.activation, f'z^{{[{l}]}}')} = {array(t.a)}"
        lines.append(z + r"\qquad " + a)
    return lines


def loss_lines(trace) -> list[str]:
    """ŷ beside y, then the loss L(ŷ, y) with its formula and value."""
    body = _LOSS.get(trace.loss_name, r"\mathcal{L}")
    return [rf"\hat y = a^{{[{trace.L}]}} = {array(trace.y_hat)},\qquad y = {array(trace.y)}",
            rf"\mathcal{{L}}(\hat y, y) = {body} = {num(trace.loss)}"]


def backward_lines(trace) -> list[str]:
    """dz[L] (ŷ − y when the output and loss fuse, else da[L] and g'), then per layer from L down to 1:
    dW[l], db[l] (this example's contributions) and da[l-1] = W[l]ᵀ dz[l], dz[l-1] = da[l-1] * g'(z[l-1])."""
    L, out = trace.L, trace.layers[-1]
    if trace.fused:
        lines = [rf"dz^{{[{L}]}} = \hat y - y = {array(out.dz)}"]
    else:
        da = rf"da^{{[{L}]}} = \frac{{\partial\mathcal{{L}}}}{{\partial\hat y}} = {array(out.da)}"
        if out.activation == "softmax":
            dz = (rf"dz^{{[{L}]}} = \hat y * \bigl(da^{{[{L}]}} - \hat y^{{T}} da^{{[{L}]}}\bigr) "
                  rf"= {array(out.dz)}")
        else:
            dz = rf"dz^{{[{L}]}} = da^{{[{L}]}} * {_g_prime(out.activation, f'z^{{[{L}]}}')} = {array(out.dz)}"
        lines = [da + r"\qquad " + dz]
    for t in reversed(trace.layers):
        l = t.layer
        prev_t = "x^{T}" if l == 1 else f"a^{{[{l - 1}]T}}"
        lines.append(rf"dW^{{[{l}]}} = dz^{{[{l}]}}\,{prev_t} = {array(t.dW)}")  # alone: a row can be 8 wide
        lines.append(rf"db^{{[{l}]}} = dz^{{[{l}]}}\;{_shape(t.db)}")
        if l > 1:
            p = trace.layer(l - 1)
            lines.append(rf"da^{{[{l - 1}]}} = W^{{[{l}]T}} dz^{{[{l}]}} = {array(p.da)}\qquad "
                         rf"dz^{{[{l - 1}]}} = da^{{[{l - 1}]}} * {_g_prime(p.activation, f'z^{{[{l - 1}]}}')} "
                         rf"= {array(p.dz)}")
    return lines


def plain(v: float) -> str:
    """A number as plain text, 4 significant digits (for a heading, where LaTeX is not drawn)."""
    v = float(v)
    return f"{v:.4g}".replace("-", "−") if np.isfinite(v) else str(v)
