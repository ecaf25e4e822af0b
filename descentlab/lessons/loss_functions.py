"""The numbers behind the loss-functions page: L1, L2 and cross-entropy as functions of ŷ, the
course's vector losses with every intermediate term, and why a sigmoid unit is trained with
cross-entropy rather than squared error.

Everything goes through descentlab.engine.losses and a one-unit engine Network (X → σ(w x + b)), so the curves
and gradient-descent paths are exactly what training would compute.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from descentlab.engine.losses import LOSSES
from descentlab.engine.network import Network

CURVE_LOSSES = ("mae", "mse", "bce")  # L1, L2, cross-entropy (the course's L3)
LANDSCAPE_LOSSES = ("mse", "bce")
MAX_ROWS = 50  # rows in the vector table
MAX_ABS = 1e6  # values in it: squares stay far from overflow
MAX_STEPS = 500

# A tiny 1-D dataset (x as a row, examples as columns) with one point on the "wrong" side, so the best
# w is finite. With b fixed at 0, squared error has flat plateaus on both sides of its valley (not
# convex); cross-entropy is convex in w for any data.
X_1D = np.array([[-2.0, -1.0, 1.0, 2.0]])
Y_1D = np.array([[0.0, 1.0, 1.0, 1.0]])
B_FIXED = 0.0


def loss_curves(yhat) -> dict[str, dict[int, np.ndarray]]:
    """{loss name: {y: L(ŷ, y) for every ŷ}} for y = 0 and 1, from descentlab.engine.losses."""
    A = np.asarray(yhat, dtype=np.float64).reshape(1, -1)
    return {name: {y: LOSSES[name].per_example(A, np.full_like(A, y)) for y in (0, 1)} for name in CURVE_LOSSES}


@dataclass(frozen=True)
class VectorLosses:
    """The course's vector losses (sums over the n components, not means) and their terms."""

    terms: pd.DataFrame
    l1: float
    l2: float
    ce: float | None  # None when some y or ŷ is not a probability
    ce_problem: str | None


def _rows(indices) -> str:
    """"row 2 is" / "rows 1, 4 are": 1-based, at most five listed."""
    shown = ", ".join(str(i + 1) for i in indices[:5]) + (", …" if len(indices) > 5 else "")
    return f"row {shown} is" if len(indices) == 1 else f"rows {shown} are"


def parse_vectors(y, yhat) -> tuple[np.ndarray, np.ndarray]:
    """Two equal-length finite float vectors, or ValueError saying which cell is wrong."""
    y = pd.to_numeric(pd.Series(y, dtype=object), errors="coerce").to_numpy(dtype=float)
    yhat = pd.to_numeric(pd.Series(yhat, dtype=object), errors="coerce").to_numpy(dtype=float)
    if y.size == 0:
        raise ValueError("The table is empty: add at least one row.")
    if y.size > MAX_ROWS:
        raise ValueError(f"At most {MAX_ROWS} rows, please; the table has {y.size}.")
    for name, v in (("y", y), ("ŷ", yhat)):
        bad = np.flatnonzero(~np.isfinite(v))
        if bad.size:
            raise ValueError(f"Column {name}: {_rows(bad)} empty or not a number. Fill in a number.")
        big = np.flatnonzero(np.abs(v) > MAX_ABS)
        if big.size:
            raise ValueError(f"Column {name}: {_rows(big)} beyond ±{MAX_ABS:g}. Use smaller numbers.")
    return y, yhat


def vector_losses(y, yhat) -> VectorLosses:
    """L1 = Σ|y − ŷ|, L2 = Σ(y − ŷ)², cross-entropy = −Σ[y log ŷ + (1 − y) log(1 − ŷ)], term by term."""
    y, yhat = parse_vectors(y, yhat)
    A, Y = yhat[None, :], y[None, :]
    l1_terms, l2_terms = LOSSES["mae"].per_example(A, Y), LOSSES["mse"].per_example(A, Y)
    terms = pd.DataFrame({"j": np.arange(1, y.size + 1), "y": y, "ŷ": yhat, "y − ŷ": y - yhat,
                          "|y − ŷ|": l1_terms, "(y − ŷ)²": l2_terms})
    outside = (y < 0) | (y > 1) | (yhat < 0) | (yhat > 1)
    ce, problem = None, None
    if outside.any():
        problem = (f"Cross-entropy needs probabilities, 0 ≤ y ≤ 1 and 0 ≤ ŷ ≤ 1: {_rows(np.flatnonzero(outside))} "
                   "outside. L1 and L2 work for any numbers.")
    else:
        ce_terms = LOSSES["bce"].per_example(A, Y)
        terms["cross-entropy term"] = ce_terms
        ce = float(ce_terms.sum())
    return VectorLosses(terms, float(l1_terms.sum()), float(l2_terms.sum()), ce, problem)


def _unit(loss: str) -> Network:
    # one sigmoid unit: W1 is (1, 1), b1 is (1, 1); the loss decides cost and backprop
    return Network((1, 1), output_activation="sigmoid", loss=loss, init="zeros")


def cost_curve(loss: str, ws, X=X_1D, Y=Y_1D, b: float = B_FIXED) -> np.ndarray:
    """J(w) of the sigmoid unit σ(w x + b) at every w (b held fixed)."""
    net = _unit(loss)
    out = np.empty(len(ws))
    for i, w in enumerate(ws):
        net.set_params({"W1": [[w]], "b1": [[b]]})
        out[i] = net.cost(X, Y)
    return out


def curvature(ws, costs) -> np.ndarray:
    """d²J/dw² by second differences on an evenly spaced grid (one value per interior point)."""
    ws = np.asarray(ws, dtype=np.float64)
    return np.diff(np.asarray(costs, dtype=np.float64), 2) / (ws[1] - ws[0]) ** 2


@dataclass(frozen=True)
class DescentPath:
    w: np.ndarray  # steps + 1 values: the start, then after each step
    cost: np.ndarray
    slope: np.ndarray  # dJ/dw at each w (from backprop)


def validate_descent(w0: float, learning_rate: float, steps: int) -> None:
    if not np.isfinite(w0):
        raise ValueError(f"the start w must be a finite number; got {w0!r}")
    if not (np.isfinite(learning_rate) and learning_rate > 0):
        raise ValueError(f"the learning rate must be a positive number; got {learning_rate!r}")
    if int(steps) != steps or not 0 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be a whole number from 0 to {MAX_STEPS}; got {steps!r}")


def gradient_descent(loss: str, w0: float, learning_rate: float, steps: int, X=X_1D, Y=Y_1D,
                     b: float = B_FIXED) -> DescentPath:
    """w := w − α dJ/dw, ``steps`` times from w0, with dJ/dw from the network's own backprop."""
    validate_descent(w0, learning_rate, steps)
    net = _unit(loss)
    w = np.empty(steps + 1)
    cost, slope = np.empty_like(w), np.empty_like(w)
    w[0] = w0
    for t in range(steps + 1):
        net.set_params({"W1": [[w[t]]], "b1": [[b]]})
        cost[t] = net.cost(X, Y)
        slope[t] = net.gradients(X, Y)["dW1"][0, 0]
        if t < steps:
            w[t + 1] = w[t] - learning_rate * slope[t]
    return DescentPath(w, cost, slope)


def compare_descents(ws, costs: dict[str, np.ndarray], paths: dict[str, DescentPath]) -> pd.DataFrame:
    """One row per loss: the slope where descent starts, where it ends, and whether J(w) is convex on
    the grid ``ws`` (its smallest second difference is not negative)."""
    rows = []
    for name, p in paths.items():
        bend = float(curvature(ws, costs[name]).min())
        rows.append({"loss": LOSSES[name].label, "dJ/dw at the start": p.slope[0], "w at the end": p.w[-1],
                     "J at the end": p.cost[-1], "smallest d²J/dw²": bend, "convex": bend >= 0})
    return pd.DataFrame(rows)
