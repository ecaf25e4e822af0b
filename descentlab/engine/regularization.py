"""Regularization: L2 / L1 weight penalties and inverted dropout.

The penalty is added to the data cost J = (1/m) Σ L and its gradient to dW (never to db):
    L2: (λ/2) Σ_l ||W[l]||²_F   ->  dW[l] += λ W[l]     (weight decay)
    L1:  λ   Σ_l Σ |W[l]_ij|    ->  dW[l] += λ sign(W[l])
λ is per example-averaged cost, so the same λ means the same thing for any batch size (as in
Keras and TensorFlow Playground; the course's λ/(2m) form is this with λ_course = m·λ).

The Network keeps all parameters in one flat buffer θ; ``weight_mask`` is 1 on weight entries and 0
on bias entries of θ, so a penalty gradient is two numpy calls whatever the depth.
"""
from __future__ import annotations

import numpy as np

PENALTY_LATEX = {
    "l2": r"J_{reg} = J + \frac{\lambda}{2} \sum_l \lVert W^{[l]} \rVert_F^2",
    "l1": r"J_{reg} = J + \lambda \sum_l \sum_{i,j} \lvert W^{[l]}_{ij} \rvert",
}


def penalty(theta: np.ndarray, weight_mask: np.ndarray, l1: float = 0.0, l2: float = 0.0) -> float:
    """The regularization term added to the cost."""
    total = 0.0
    if l2:
        w = theta * weight_mask
        total += 0.5 * l2 * float(np.dot(w, w))
    if l1:
        total += l1 * float(np.abs(theta) @ weight_mask)
    return total


class PenaltyGradient:
    """Adds the penalty's gradient to a flat gradient in place, with preallocated scratch."""

    def __init__(self, weight_mask: np.ndarray, l1: float = 0.0, l2: float = 0.0, shape=None):
        """``shape``: of the gradients it will see, when they stack several runs' θ as rows
        (descentlab.engine.sweep); the flat mask broadcasts over them."""
        self.l1, self.l2 = float(l1), float(l2)
        self._l2_mask = (self.l2 * weight_mask).astype(weight_mask.dtype)
        self._l1_mask = (self.l1 * weight_mask).astype(weight_mask.dtype)
        self._scratch = np.empty(weight_mask.shape if shape is None else shape, weight_mask.dtype)

    @property
    def active(self) -> bool:
        return bool(self.l1 or self.l2)

    def __call__(self, theta: np.ndarray, grad: np.ndarray) -> None:
        s = self._scratch
        if self.l2:
            np.multiply(theta, self._l2_mask, out=s)
            grad += s
        if self.l1:
            np.sign(theta, out=s)
            s *= self._l1_mask
            grad += s


def inverted_dropout_mask(shape, keep_prob: float, rng: np.random.Generator, dtype=np.float64):
    """Mask with entries 0 (dropped) or 1/keep_prob (kept), so E[mask · a] = a and the test-time
    network needs no rescaling (inverted dropout)."""
    mask = (rng.random(shape) < keep_prob).astype(dtype)
    mask *= 1.0 / keep_prob
    return mask
