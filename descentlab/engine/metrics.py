"""Metrics recorded during training: accuracy / R², and per-layer health of the hidden units."""
from __future__ import annotations

import math

import numpy as np

SATURATION_THRESHOLD = 1e-2  # |g'(z)| below this: the unit passes almost no gradient back


def accuracy(A: np.ndarray, Y: np.ndarray) -> float:
    """Fraction of examples classified right: threshold 0.5 for one output, argmax for k outputs."""
    m = A.shape[1]
    if m == 0:
        return float("nan")
    if A.shape[0] == 1:
        return float(np.count_nonzero((A > 0.5) == (Y > 0.5)) / m)
    return float(np.count_nonzero(A.argmax(axis=0) == Y.argmax(axis=0)) / m)


def r2_score(A: np.ndarray, Y: np.ndarray) -> float:
    """Coefficient of determination 1 - SS_res / SS_tot (1 is perfect, 0 is predicting the mean)."""
    if A.shape[1] == 0:
        return float("nan")
    ss_res = float(((Y - A) ** 2).sum())
    ss_tot = float(((Y - Y.mean(axis=1, keepdims=True)) ** 2).sum())
    return 1.0 - ss_res / ss_tot if ss_tot > 0 else float("nan")


def layer_health(activation, Z: np.ndarray, A: np.ndarray) -> tuple[float, float]:
    """(dead_fraction, saturated_fraction) of a hidden layer from its Z and A = g(Z) of one forward
    pass: g' is computed once, from A where that is cheaper (the Trainer records this every iteration)."""
    if Z.shape[1] == 0:
        return float("nan"), 0.0
    if activation.name == "relu":
        return dead_fraction(activation, Z), 0.0
    d = activation.derivative_at(Z, A)
    return _dead_share(d), (_flat_share(d) if activation.saturates else 0.0)


def dead_fraction(activation, Z: np.ndarray) -> float:
    """Fraction of units whose derivative is exactly 0 on every example (a dead ReLU never recovers)."""
    if Z.shape[1] == 0:
        return float("nan")
    if activation.name == "relu":  # fast path for the common case: dead = never positive
        return float(np.count_nonzero(Z.max(axis=1) <= 0) / Z.shape[0])
    return _dead_share(activation.derivative(Z))


def saturated_fraction(activation, Z: np.ndarray) -> float:
    """Fraction of pre-activations z in a flat region, |g'(z)| < 1e-2 (0 for non-saturating g)."""
    if not activation.saturates or Z.size == 0:
        return 0.0
    return _flat_share(activation.derivative(Z))


def _dead_share(d: np.ndarray) -> float:
    """Share of rows (units) of g'(Z) that are 0 on every example."""
    return float(np.count_nonzero(~(d != 0).any(axis=1)) / d.shape[0])


def _flat_share(d: np.ndarray) -> float:
    """Share of the values of g'(Z) below SATURATION_THRESHOLD in size."""
    return float(np.count_nonzero(np.abs(d) < SATURATION_THRESHOLD) / d.size)


SAME_UNIT_RTOL = 1e-9
_PROBE = np.random.default_rng(20101).standard_normal(4097)  # fixed: the count must be reproducible


def distinct_units(W: np.ndarray, b: np.ndarray) -> int:
    """Number of different units in a layer: distinct rows of [W | b]. Zero init keeps this at 1.

    Rows are compared through one random projection [W | b] r: identical rows give identical
    numbers, different rows differ with probability 1; a 1-D count is ~10x cheaper than a row-wise
    unique. Rows whose projections differ by at most SAME_UNIT_RTOL of the largest projection are one unit:
    BLAS may round a product's rows differently (a SIMD block vs its tail), which gives zero-init
    units differences of ~1e-17 that are not a broken symmetry. NaN, +inf and -inf are a unit each."""
    k = W.shape[1]
    if k + 1 > _PROBE.size:
        v = np.hstack([W, b]) @ np.random.default_rng(20101).standard_normal(k + 1)
    else:
        v = W @ _PROBE[:k] + b[:, 0] * _PROBE[k]
    s = np.sort(v)  # NaN sorts last, -inf first: both ends finite means every value is (the Trainer's case, each iteration)
    if s.size and math.isfinite(s[0]) and math.isfinite(s[-1]):
        return 1 + int(np.count_nonzero(np.diff(s) > SAME_UNIT_RTOL * max(-s[0], s[-1])))
    finite = np.isfinite(v)
    special = int(np.isnan(v).any()) + int((v == np.inf).any()) + int((v == -np.inf).any())
    if not finite.any():
        return special
    s = np.sort(v[finite])
    return special + 1 + int(np.count_nonzero(np.diff(s) > SAME_UNIT_RTOL * np.abs(s).max()))
