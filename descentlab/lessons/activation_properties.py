"""What the activation gallery shows about each g: its curves, a central-difference check of g', and a
table of properties with a measured relative cost.

The derivative check is the course's derivative rules made visible: for every z,
    (g(z + ε) − g(z − ε)) / (2ε)  ≈  g'(z)     (error O(ε²) where g is smooth).
Where g' jumps (ReLU's kink at 0) the central difference straddles the jump and returns the mean of
the two slopes; those points are flagged as kinks and left out of the max difference.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from descentlab.engine.activations import ACTIVATIONS, Activation, get_activation

# g' jumping by more than this between z − ε and z + ε is a kink, not a slope: smooth registry
# entries change g' by at most 2ε·max|g''| < 0.2 for ε ≤ 0.1, a kink by about 1 (ReLU, leaky ReLU).
KINK_JUMP = 0.25
REFERENCE = "relu"  # costs are reported as multiples of max(0, z)
# values per timed call: the size of a hidden layer's Z in this lab (e.g. 20 units × 500 examples);
# arrays that fit in cache also keep a busy shared machine from distorting the ratios (measured)
TIMING_SIZE = 10_000
MAX_GRID = 20.0  # half-width of the grid on which max g' is searched


@dataclass(frozen=True)
class DerivativeCheck:
    """Analytic g' and its central-difference estimate at the points z (kinks flagged)."""

    z: np.ndarray
    analytic: np.ndarray
    numerical: np.ndarray
    kink: np.ndarray  # bool: g' jumps within ±ε of z, so the estimate is the mean slope
    eps: float

    @property
    def max_abs_diff(self) -> float:
        """Largest |numerical − analytic| away from kinks (0 when every point is a kink)."""
        ok = ~self.kink
        return float(np.max(np.abs(self.numerical[ok] - self.analytic[ok]))) if ok.any() else 0.0


def central_difference(fn, z: np.ndarray, eps: float) -> np.ndarray:
    """(fn(z + ε) − fn(z − ε)) / (2ε), element-wise."""
    z = np.asarray(z, dtype=np.float64)
    return (fn(z + eps) - fn(z - eps)) / (2.0 * eps)


def check_derivative(activation: str | Activation, z, eps: float = 1e-3) -> DerivativeCheck:
    """Compare g'(z) with its central difference at every z."""
    if not (0.0 < eps <= 0.1):
        raise ValueError(f"the step ε must be in (0, 0.1]; got {eps!r}")
    g = get_activation(activation)
    z = np.asarray(z, dtype=np.float64)
    numerical = central_difference(g.forward, z, eps)
    kink = np.abs(g.derivative(z + eps) - g.derivative(z - eps)) > KINK_JUMP
    return DerivativeCheck(z, g.derivative(z), numerical, kink, eps)


@dataclass(frozen=True)
class Curves:
    """g(z) and g'(z) on a fine grid (lines) and the derivative check on a coarse one (dots)."""

    name: str
    z: np.ndarray
    g: np.ndarray
    dg: np.ndarray
    check: DerivativeCheck


def curves(activation: str | Activation, z_min: float, z_max: float, eps: float = 1e-3,
           n_line: int = 401, n_dots: int = 41) -> Curves:
    """Lines on ``n_line`` points of [z_min, z_max]; the numerical derivative on ``n_dots`` of them."""
    if not (np.isfinite(z_min) and np.isfinite(z_max) and z_min < z_max):
        raise ValueError(f"the z range must be two finite numbers, low < high; got ({z_min}, {z_max})")
    g = get_activation(activation)
    z = np.linspace(z_min, z_max, n_line)
    return Curves(g.name, z, g.forward(z), g.derivative(z), check_derivative(g, np.linspace(z_min, z_max, n_dots), eps))


def max_derivative(activation: str | Activation, half_width: float = MAX_GRID, n: int = 40_001) -> float:
    """max g'(z) over a dense grid of [−half_width, half_width] (every registry g' peaks inside it)."""
    g = get_activation(activation)
    return float(np.max(g.derivative(np.linspace(-half_width, half_width, n))))


def _time_per_call(fn, z: np.ndarray, number: int) -> float:
    t0 = time.perf_counter()
    for _ in range(number):
        fn(z)
    return (time.perf_counter() - t0) / number


def measure_costs(names=None, seed: int = 0, size: int = TIMING_SIZE, repeats: int = 15,
                  number: int = 3) -> dict[str, tuple[float, float]]:
    """Seconds per call of g and g' on ``size`` values drawn from N(0, 3²) with ``seed``:
    {name: (t_g, t_g')}, the fastest of ``repeats`` rounds (the least disturbed by other work). Each
    round times every function once, so a burst of load on a shared machine hits all of them rather
    than one. Always includes the REFERENCE activation."""
    names = list(ACTIVATIONS) if names is None else list(names)
    if REFERENCE not in names:
        names.append(REFERENCE)
    z = np.random.default_rng(seed).normal(0.0, 3.0, size)
    fns = [(name, i, fn) for name in names for i, fn in enumerate((ACTIVATIONS[name].forward,
                                                                   ACTIVATIONS[name].derivative))]
    for _, _, fn in fns:
        fn(z)  # warm up before timing
    best = {(name, i): np.inf for name, i, _ in fns}
    for _ in range(repeats):
        for name, i, fn in fns:
            best[name, i] = min(best[name, i], _time_per_call(fn, z, number))
    return {name: (best[name, 0], best[name, 1]) for name in names}


def properties_table(costs: dict[str, tuple[float, float]] | None = None, seed: int = 0) -> pd.DataFrame:
    """One row per registered activation: label, output range, zero-centred, saturates, max g', and
    the measured cost of g and g' as multiples of REFERENCE's g (``costs`` from measure_costs, timed
    here when None)."""
    costs = measure_costs(seed=seed) if costs is None else costs
    ref = costs[REFERENCE][0]
    rows = []
    for name, g in ACTIVATIONS.items():
        t_g, t_dg = costs[name]
        rows.append({"activation": g.label, "name": name, "output range": g.output_range,
                     "zero-centred": g.zero_centered, "saturates": g.saturates,
                     "max g′": max_derivative(g), "cost of g (× ReLU)": t_g / ref,
                     "cost of g′ (× ReLU)": t_dg / ref})
    return pd.DataFrame(rows)


LECTURE_Z = (-2.0, -1.0, 0.0, 1.0, 2.0)  # the lecture's worked example of σ and σ'


def sigmoid_values(z=LECTURE_Z) -> pd.DataFrame:
    """σ(z) and σ'(z) = σ(z)(1 − σ(z)) at the points z, by the engine's sigmoid: one row per z."""
    g = ACTIVATIONS["sigmoid"]
    z = np.asarray(z, dtype=np.float64)
    return pd.DataFrame({"z": z, "σ(z)": g.forward(z), "σ′(z)": g.derivative(z)})
