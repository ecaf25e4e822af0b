"""Activation functions g(z) and their derivatives g'(z), one registry.

Each activation is a small immutable object: ``forward(z)``, ``derivative(z)``, its formulas in LaTeX
and a few teaching properties (output range, zero-centred, saturating). ``backward(dA, Z, A)``
computes dZ = dA * g'(Z) the cheapest way the function allows (often from the output A, as in
1 - a**2 for tanh), writing into ``dA`` so backprop allocates nothing.

All functions are numerically stable: finite values and no RuntimeWarning for |z| up to 1e4 in
float32 and float64 (exponentials only ever see -|z|).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

_GELU_C = float(np.sqrt(2.0 / np.pi))  # a Python float keeps float32 arrays float32


def _sigmoid(z, out=None):
    # sigma(z) = 1/(1+e^-z) for z >= 0 and e^z/(1+e^z) for z < 0: exp never overflows.
    e = np.exp(-np.abs(z))
    num = np.where(z >= 0, 1.0, e).astype(e.dtype, copy=False)
    return np.divide(num, 1.0 + e, out=out)


def _sigmoid_into(z, out):
    # 1 / (1 + e^-z) in four in-place calls. e^-z may overflow to inf for z < -709, giving exactly 0:
    # correct, but numpy warns, so hot-path callers run this under np.errstate(over="ignore").
    np.negative(z, out)
    np.exp(out, out)
    out += 1.0
    return np.reciprocal(out, out)


def _softplus(z):
    return np.log1p(np.exp(-np.abs(z))) + np.maximum(z, 0)


@dataclass(frozen=True)
class Activation:
    """An element-wise activation g with its derivative g'."""

    name: str
    label: str
    fn: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    dfn: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    latex: str  # g(z) = ...
    latex_derivative: str  # g'(z) = ...
    output_range: str
    zero_centered: bool
    saturates: bool  # g' -> 0 for large |z| on at least one side (sigmoid/tanh-like)
    # dZ from (dA, Z, A) in place, when g' is cheaper from A than from Z
    fast_backward: Callable | None = field(default=None, repr=False, compare=False)
    # g(z) written into a preallocated array (one ufunc call instead of a temporary and a copy)
    fn_into: Callable | None = field(default=None, repr=False, compare=False)
    # g'(z) from the output a = g(z), as backward computes it (tanh: 1 - a**2): no second exp/tanh
    dfn_from_output: Callable | None = field(default=None, repr=False, compare=False)

    def forward(self, z):
        return self.fn(np.asarray(z))

    def forward_into(self, z, out):
        if self.fn_into is not None:
            return self.fn_into(z, out)
        np.copyto(out, self.fn(z))
        return out

    def derivative(self, z):
        return self.dfn(np.asarray(z))

    def derivative_at(self, Z, A):
        """g'(Z) given A = g(Z) from the same forward pass: from A where that is cheaper."""
        if self.dfn_from_output is not None:
            return self.dfn_from_output(A)
        return self.dfn(Z)

    def backward(self, dA, Z, A, tmp=None):
        """dZ = dA * g'(Z), written into dA and returned; ``tmp`` is optional scratch shaped like dA."""
        if self.fast_backward is not None:
            return self.fast_backward(dA, Z, A, tmp)
        return np.multiply(dA, self.dfn(Z), dA)

    def __call__(self, z):
        return self.forward(z)


# Backward passes from the output A where that is cheaper; positional out= saves per-call overhead,
# which dominates for the small batches this lab trains on.
def _relu_backward(dA, Z, A, tmp=None):
    # sign(A) is the 0/1 mask [z > 0] already in float: for the small arrays this lab trains on it is
    # ~2x cheaper than a bool mask (measured; above ~1M elements the bool mask is ~20% faster)
    return np.multiply(dA, np.sign(A, tmp), dA)


def _tanh_backward(dA, Z, A, tmp=None):
    t = np.multiply(A, A, tmp)
    np.subtract(1.0, t, t)
    return np.multiply(dA, t, dA)


def _sigmoid_backward(dA, Z, A, tmp=None):
    t = np.subtract(1.0, A, tmp)
    t *= A
    return np.multiply(dA, t, dA)


def _linear_backward(dA, Z, A, tmp=None):
    return dA


def leaky_relu(slope: float = 0.01) -> Activation:
    """Leaky ReLU with negative-side slope ``slope`` (Maas et al. 2013 use 0.01)."""
    slope = float(slope)
    if not (0.0 <= slope < 1.0):
        raise ValueError(f"leaky_relu slope must be in [0, 1); got {slope}")
    return Activation(
        name="leaky_relu", label=f"Leaky ReLU (slope {slope:g})",
        fn=lambda z: np.where(z > 0, z, slope * z),
        dfn=lambda z: np.where(z > 0, 1.0, slope).astype(np.result_type(z, 1.0), copy=False),
        latex=rf"g(z) = \max({slope:g}\,z,\ z)",
        latex_derivative=rf"g'(z) = \begin{{cases}} 1 & z > 0 \\ {slope:g} & z \le 0 \end{{cases}}",
        output_range="(-∞, ∞)", zero_centered=False, saturates=False,
    )


def elu(alpha: float = 1.0) -> Activation:
    """ELU: z for z > 0, alpha (e^z - 1) otherwise (Clevert et al. 2015)."""
    alpha = float(alpha)

    def fn(z):
        return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0)))

    def dfn(z):
        return np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0)))

    return Activation(
        name="elu", label="ELU", fn=fn, dfn=dfn,
        latex=r"g(z) = \begin{cases} z & z > 0 \\ \alpha (e^{z} - 1) & z \le 0 \end{cases}",
        latex_derivative=r"g'(z) = \begin{cases} 1 & z > 0 \\ \alpha e^{z} & z \le 0 \end{cases}",
        output_range=f"(-{alpha:g}, ∞)", zero_centered=False, saturates=True,
    )


def _swish(z):
    return z * _sigmoid(z)


def _swish_derivative(z):
    s = _sigmoid(z)
    return s * (1.0 + z * (1.0 - s))


def _gelu(z):
    # tanh approximation (Hendrycks & Gimpel 2016); numpy has no erf.
    return 0.5 * z * (1.0 + np.tanh(_GELU_C * (z + 0.044715 * z**3)))


def _gelu_derivative(z):
    u = _GELU_C * (z + 0.044715 * z**3)
    t = np.tanh(u)
    du = _GELU_C * (1.0 + 3 * 0.044715 * z**2)
    return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * du


def _ones_like(z):
    return np.ones_like(z, dtype=np.result_type(z, 1.0))


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation(
            name="sigmoid", label="Sigmoid σ", fn=_sigmoid,
            dfn=lambda z: _sigmoid(z) * _sigmoid(-z),
            latex=r"\sigma(z) = \frac{1}{1 + e^{-z}}",
            latex_derivative=r"\sigma'(z) = \sigma(z)\,(1 - \sigma(z))",
            output_range="(0, 1)", zero_centered=False, saturates=True,
            fast_backward=_sigmoid_backward, fn_into=_sigmoid_into, dfn_from_output=lambda a: a * (1.0 - a),
        ),
        Activation(
            name="tanh", label="tanh", fn=np.tanh,
            dfn=lambda z: 1.0 - np.tanh(z) ** 2,
            latex=r"\tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}",
            latex_derivative=r"\tanh'(z) = 1 - \tanh^2(z)",
            output_range="(-1, 1)", zero_centered=True, saturates=True,
            fast_backward=_tanh_backward, fn_into=lambda z, out: np.tanh(z, out),
            dfn_from_output=lambda a: 1.0 - a ** 2,  # bit-identical to dfn: A is np.tanh(Z)
        ),
        Activation(
            name="relu", label="ReLU", fn=lambda z: np.maximum(z, 0),
            dfn=lambda z: (z > 0).astype(np.result_type(z, 1.0)),
            latex=r"g(z) = \max(0, z)",
            latex_derivative=r"g'(z) = \begin{cases} 1 & z > 0 \\ 0 & z \le 0 \end{cases}",
            output_range="[0, ∞)", zero_centered=False, saturates=False,
            fast_backward=_relu_backward, fn_into=lambda z, out: np.maximum(z, 0.0, out=out),
        ),
        leaky_relu(),
        Activation(
            name="softplus", label="Softplus", fn=_softplus, dfn=_sigmoid,
            latex=r"g(z) = \ln(1 + e^{z})",
            latex_derivative=r"g'(z) = \sigma(z)",
            output_range="(0, ∞)", zero_centered=False, saturates=False,
        ),
        Activation(
            name="linear", label="Linear (identity)", fn=lambda z: z.copy(), dfn=_ones_like,
            latex=r"g(z) = z", latex_derivative=r"g'(z) = 1",
            output_range="(-∞, ∞)", zero_centered=True, saturates=False,
            fast_backward=_linear_backward, fn_into=lambda z, out: np.copyto(out, z) or out,
        ),
        elu(),
        Activation(
            name="swish", label="Swish / SiLU", fn=_swish, dfn=_swish_derivative,
            latex=r"g(z) = z\,\sigma(z)",
            latex_derivative=r"g'(z) = \sigma(z)\,\bigl(1 + z\,(1 - \sigma(z))\bigr)",
            output_range="[-0.28, ∞)", zero_centered=False, saturates=False,
        ),
        Activation(
            name="gelu", label="GELU (tanh approx.)", fn=_gelu, dfn=_gelu_derivative,
            latex=r"g(z) = \tfrac{z}{2}\Bigl(1 + \tanh\bigl(\sqrt{2/\pi}\,(z + 0.044715 z^{3})\bigr)\Bigr)",
            latex_derivative=r"g'(z) = \tfrac12(1 + t) + \tfrac{z}{2}(1 - t^{2})\,\sqrt{2/\pi}\,(1 + 0.134145 z^{2})",
            output_range="[-0.17, ∞)", zero_centered=False, saturates=False,
        ),
    )
}

_FACTORIES = {"leaky_relu": leaky_relu, "elu": elu}


def _softmax(z):
    # columns are examples: normalize over the class axis 0; shift by the max for stability
    e = np.exp(z - z.max(axis=0, keepdims=True))
    e /= e.sum(axis=0, keepdims=True)
    return e


def _softmax_backward(dA, Z, A, tmp=None):
    # Jacobian-vector product of softmax per column: dZ = A * (dA - sum_k dA_k A_k)
    s = np.multiply(dA, A, tmp).sum(axis=0, keepdims=True)
    np.subtract(dA, s, dA)
    return np.multiply(dA, A, dA)


SOFTMAX = Activation(
    name="softmax", label="Softmax", fn=_softmax, fast_backward=_softmax_backward,
    dfn=lambda z: (_softmax(z) * (1.0 - _softmax(z))),  # diagonal of the Jacobian only
    latex=r"\mathrm{softmax}(z)_i = \frac{e^{z_i}}{\sum_j e^{z_j}}",
    latex_derivative=r"\frac{\partial a_i}{\partial z_j} = a_i(\delta_{ij} - a_j)",
    output_range="(0, 1), sums to 1", zero_centered=False, saturates=True,
)


def get_activation(name_or_obj: str | Activation, **params) -> Activation:
    """Resolve an activation by name (or pass one through); ``params`` e.g. slope for leaky_relu."""
    if isinstance(name_or_obj, Activation):
        return name_or_obj
    if not isinstance(name_or_obj, str) or name_or_obj not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {name_or_obj!r}; valid names: {', '.join(ACTIVATIONS)}"
        )
    if params:
        if name_or_obj not in _FACTORIES:
            raise ValueError(f"activation {name_or_obj!r} takes no parameters; got {sorted(params)}")
        return _FACTORIES[name_or_obj](**params)
    return ACTIVATIONS[name_or_obj]


def get_output_activation(name_or_obj: str | Activation) -> Activation:
    """Like get_activation, plus 'softmax' (valid only on the output layer)."""
    if isinstance(name_or_obj, str) and name_or_obj == "softmax":
        return SOFTMAX
    try:
        return get_activation(name_or_obj)
    except ValueError:
        raise ValueError(
            f"unknown output activation {name_or_obj!r}; valid names: "
            f"{', '.join([*ACTIVATIONS, 'softmax'])}"
        ) from None
