"""Loss functions L(a, y) and the cost J = (1/m) Σ L over the m examples (columns).

Each loss gives ``per_example(A, Y)`` (shape (m,)), ``cost(A, Y)`` and ``gradient(A, Y)`` = dJ/dA
(the 1/m is included, so dW = dZ A_prev^T needs no further scaling). ``fused_output`` names the output
activation with which dJ/dZ collapses to (A - Y)/m: the stable form the network uses instead of
dividing by a(1 - a).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


def _clip_eps(dtype) -> float:
    # log(0) never happens; the bound must be representable next to 1 in the array's dtype
    return 1e-7 if np.dtype(dtype) == np.float32 else 1e-15


def _bce(A, Y):
    eps = _clip_eps(A.dtype)
    a = np.clip(A, eps, 1.0 - eps)
    return -(Y * np.log(a) + (1.0 - Y) * np.log1p(-a)).sum(axis=0)


def _bce_grad(A, Y):
    eps = _clip_eps(A.dtype)
    a = np.clip(A, eps, 1.0 - eps)
    return (a - Y) / (a * (1.0 - a)) / A.shape[1]


def _softmax_ce(A, Y):
    return -(Y * np.log(np.maximum(A, _clip_eps(A.dtype)))).sum(axis=0)


def _softmax_ce_grad(A, Y):
    return -Y / np.maximum(A, _clip_eps(A.dtype)) / A.shape[1]


def _mse(A, Y):
    return ((A - Y) ** 2).sum(axis=0)


def _mae(A, Y):
    return np.abs(A - Y).sum(axis=0)


@dataclass(frozen=True)
class Loss:
    name: str
    label: str
    latex: str
    per_example_fn: Callable
    gradient_fn: Callable
    fused_output: str | None  # output activation for which dZ = (A - Y)/m
    default_output: str

    def per_example(self, A, Y) -> np.ndarray:
        return self.per_example_fn(np.asarray(A), np.asarray(Y))

    def cost(self, A, Y) -> float:
        A = np.asarray(A)
        return float(self.per_example_fn(A, np.asarray(Y)).sum() / max(A.shape[1], 1))

    def gradient(self, A, Y) -> np.ndarray:
        """dJ/dA, including the 1/m of the mean."""
        return self.gradient_fn(np.asarray(A), np.asarray(Y))

    def gradient_into(self, A, Y, out) -> np.ndarray:
        """dJ/dA written into ``out`` with few numpy calls (the training hot path)."""
        if self.name == "mse":
            np.subtract(A, Y, out)
            out *= 2.0 / A.shape[1]
        elif self.name == "mae":
            np.subtract(A, Y, out)
            np.sign(out, out)
            out *= 1.0 / A.shape[1]
        else:
            np.copyto(out, self.gradient_fn(A, Y))
        return out


LOSSES: dict[str, Loss] = {
    l.name: l
    for l in (
        Loss("bce", "Binary cross-entropy (L3)",
             r"\mathcal{L}(\hat y, y) = -\bigl(y \log \hat y + (1 - y)\log(1 - \hat y)\bigr)",
             _bce, _bce_grad, fused_output="sigmoid", default_output="sigmoid"),
        Loss("softmax_ce", "Softmax cross-entropy",
             r"\mathcal{L}(\hat y, y) = -\sum_{k} y_k \log \hat y_k",
             _softmax_ce, _softmax_ce_grad, fused_output="softmax", default_output="softmax"),
        Loss("mse", "Squared error (L2)", r"\mathcal{L}(\hat y, y) = (\hat y - y)^2",
             _mse, lambda A, Y: 2.0 * (A - Y) / A.shape[1], fused_output=None, default_output="linear"),
        Loss("mae", "Absolute error (L1)", r"\mathcal{L}(\hat y, y) = |\hat y - y|",
             _mae, lambda A, Y: np.sign(A - Y) / A.shape[1], fused_output=None, default_output="linear"),
    )
}

# Losses that make sense for each task; the first is the default.
TASK_LOSSES = {
    "binary": ("bce", "mse", "mae"),
    "multiclass": ("softmax_ce", "mse"),
    "regression": ("mse", "mae"),
}


# Output activations each loss can be paired with (None = any): cross-entropy needs a probability.
LOSS_OUTPUTS = {"bce": ("sigmoid", "softmax"), "softmax_ce": ("softmax",), "mse": None, "mae": None}


def check_output(loss: Loss, output: str, n_y: int) -> None:
    """Refuse output activation / loss pairs that cannot learn, with the reason."""
    allowed = LOSS_OUTPUTS.get(loss.name)
    if allowed is not None and output not in allowed:
        raise ValueError(f"loss {loss.name!r} needs a probability at the output: output activation "
                         f"must be one of {', '.join(allowed)}; got {output!r}")
    if output == "softmax" and n_y < 2:
        raise ValueError("a softmax output needs at least 2 output units (with 1 it is always 1); "
                         "use sigmoid for a single output")


def get_loss(name_or_obj) -> Loss:
    if isinstance(name_or_obj, Loss):
        return name_or_obj
    if not isinstance(name_or_obj, str) or name_or_obj not in LOSSES:
        raise ValueError(f"unknown loss {name_or_obj!r}; valid names: {', '.join(LOSSES)}")
    return LOSSES[name_or_obj]
