"""The Initialization lab's experiments, in numpy: which schemes are compared, how many different
units a layer has, how activations spread per layer, and the course's classic result table.

A *scheme* is one way to draw the initial W (b always starts at 0, the course's choice):

    zeros          W = 0                      the course's "W cannot be initialized to 0"
    random × 0.01  W = randn · 0.01           the course's choice
    random × s     W = randn · s              a scale the user picks (10: "large random")
    Xavier         Var(w) = 2 / (n[l-1] + n[l])
    He             Var(w) = 2 / n[l-1]
    constant c     W = c everywhere           symmetry without zeros: the rows move, but together

Schemes travel in share links as short tokens ("zeros", "random", "random:10", "xavier", "he",
"constant:0.5"), parsed leniently here. Every variant shares the base config's data and seed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from descentlab.engine import metrics
from descentlab.engine.activations import get_activation
from descentlab.engine.config import RunConfig
from descentlab.engine.group import TrainerGroup, group_from_configs
from descentlab.engine.initializers import RANDOM_DEFAULT_SCALE

KINDS = ("zeros", "small", "scaled", "xavier", "he", "constant")
DEFAULT_LARGE_SCALE = 10.0  # "large random": the classic table's random × 10
DEFAULT_CONSTANT = 0.5
MAX_SCALE = 100.0  # RunConfig.init_scale's upper bound
_INIT = {"zeros": "zeros", "small": "random", "scaled": "random", "xavier": "xavier", "he": "he",
         "constant": "zeros"}  # constant: built as zeros, then filled (no RunConfig initializer for it)
_ALIASES = {"zeros": "zeros", "xavier": "xavier", "glorot_normal": "xavier", "he": "he", "he_normal": "he"}


@dataclass(frozen=True)
class Scheme:
    kind: str  # one of KINDS
    scale: float | None = None  # random × scale (scaled), the value of every weight (constant)

    @property
    def label(self) -> str:
        if self.kind == "scaled":
            return f"random × {self.scale:g}"
        if self.kind == "constant":
            return f"constant {self.scale:g}"
        return {"zeros": "zeros", "small": f"random × {RANDOM_DEFAULT_SCALE:g}", "xavier": "Xavier",
                "he": "He"}[self.kind]

    @property
    def token(self) -> str:
        """The scheme in a share link; parse_schemes reads it back."""
        if self.kind == "scaled":
            return f"random:{self.scale:.12g}"
        if self.kind == "constant":
            return f"constant:{self.scale:.12g}"
        return "random" if self.kind == "small" else self.kind

    def config(self, base: RunConfig) -> RunConfig:
        scale = {"small": RANDOM_DEFAULT_SCALE, "scaled": self.scale}.get(self.kind)
        return base.replace(init=_INIT[self.kind], init_scale=scale)


ZEROS, SMALL, XAVIER, HE = Scheme("zeros"), Scheme("small"), Scheme("xavier"), Scheme("he")
LARGE = Scheme("scaled", DEFAULT_LARGE_SCALE)
DEFAULT_SCHEMES = (ZEROS, SMALL, LARGE, XAVIER, HE)


def parse_scheme(token: str) -> Scheme:
    """One share-link token -> Scheme; ValueError saying what is allowed."""
    name, _, arg = str(token).strip().lower().partition(":")
    if name in _ALIASES and not arg:
        return Scheme(_ALIASES[name])
    if name in ("random", "constant"):
        if not arg:
            return SMALL if name == "random" else Scheme("constant", DEFAULT_CONSTANT)
        try:
            scale = float(arg)
        except ValueError:
            scale = math.nan
        if not (math.isfinite(scale) and 0 < scale <= MAX_SCALE):
            raise ValueError(f"{token!r}: the scale after '{name}:' must be a number in (0, {MAX_SCALE:g}]")
        if name == "constant":
            return Scheme("constant", scale)
        return SMALL if scale == RANDOM_DEFAULT_SCALE else Scheme("scaled", scale)
    raise ValueError(f"{token!r} is not a scheme; use zeros, random, random:<scale>, xavier, he "
                     f"or constant:<value>")


def parse_schemes(tokens) -> tuple[list[Scheme], list[str]]:
    """Lenient: (the schemes, in order, one per kind) and a message for every token dropped."""
    schemes, ignored, kinds = [], [], set()
    for token in tokens:
        try:
            scheme = parse_scheme(token)
        except ValueError as exc:
            ignored.append(str(exc))
            continue
        if scheme.kind in kinds:
            ignored.append(f"{token!r}: {scheme.kind} is already in the list (one of each kind)")
            continue
        kinds.add(scheme.kind)
        schemes.append(scheme)
    return schemes, ignored


def build_lab_group(base: RunConfig, schemes, dataset=None) -> TrainerGroup:
    """One variant per scheme, trained in lockstep on the base config's data with its seed."""
    schemes = list(schemes)
    group = group_from_configs({s.label: s.config(base) for s in schemes}, "init", dataset)
    for scheme, variant in zip(schemes, group.variants):
        if scheme.kind == "constant":
            net = variant.run.network
            for l in range(1, net.L + 1):
                net.params[f"W{l}"][...] = scheme.scale
            variant.trainer.restart_from_current_weights()  # Reset returns to these weights
    return group


# ---------------------------------------------------------------- symmetry
distinct_units = metrics.distinct_units  # rows equal up to rounding are one unit


def distinct_per_layer(params, n_hidden: int) -> list[int]:
    """distinct_units of every hidden layer 1..n_hidden."""
    return [distinct_units(params[f"W{l}"], params[f"b{l}"]) for l in range(1, n_hidden + 1)]


# ---------------------------------------------------------------- activations per layer
BOUNDED_RANGES = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0)}
N_BINS = 40


@dataclass(frozen=True)
class LayerActivations:
    """Per hidden layer l = 1..L-1 of one network at one iteration: the share of A[l]'s values in
    each bin (rows sum to 1), their standard deviation, and the share of saturated pre-activations
    (|g'(z)| < 1e-2) or, for ReLU, of exact zeros."""
    iteration: int
    shares: np.ndarray      # (L-1, bins)
    std: np.ndarray         # (L-1,)
    saturated: np.ndarray   # (L-1,)
    zeros: np.ndarray       # (L-1,) share of A exactly 0


def value_range(activation: str, arrays) -> tuple[float, float]:
    """Histogram range: the activation's own range when bounded, else the middle 99% of the values
    (and 0) over every array, so layers and times of one scheme share bins."""
    if activation in BOUNDED_RANGES:
        return BOUNDED_RANGES[activation]
    vals = np.concatenate([np.asarray(a, float).ravel() for a in arrays]) if arrays else np.zeros(1)
    vals = vals[np.isfinite(vals)]
    if vals.size == 0:
        return 0.0, 1.0
    lo, hi = min(0.0, float(np.percentile(vals, 0.5))), max(0.0, float(np.percentile(vals, 99.5)))
    return (lo, hi) if hi > lo else (lo, lo + 1.0)


def layer_activations(layer_stats, edges: np.ndarray, iteration: int) -> LayerActivations:
    """Histogram rows of the hidden layers of ``Trainer.layer_statistics()`` on shared ``edges``
    (values outside are counted in the edge bins, so a pile-up at an edge means "more out there")."""
    hidden = list(layer_stats)[:-1]
    rows, std, sat, zeros = [], [], [], []
    for d in hidden:
        A, Z = np.asarray(d["A"], float), np.asarray(d["Z"], float)
        finite = A[np.isfinite(A)]
        counts = np.histogram(np.clip(finite, edges[0], edges[-1]), bins=edges)[0]
        rows.append(counts / max(finite.size, 1))
        with np.errstate(all="ignore"):  # std of 1e200s overflows to inf: fine, it is shown as such
            std.append(float(finite.std()) if finite.size else math.nan)
        g = get_activation(d["activation"])
        with np.errstate(all="ignore"):
            sat.append(metrics.saturated_fraction(g, Z))
        zeros.append(float(np.count_nonzero(finite == 0.0) / max(finite.size, 1)))
    shape = (len(hidden), len(edges) - 1)
    return LayerActivations(iteration, np.asarray(rows, float).reshape(shape), np.asarray(std),
                            np.asarray(sat), np.asarray(zeros))


@dataclass(frozen=True)
class ActivationStudy:
    """One scheme's activations per layer at initialization and after ``steps`` iterations."""
    label: str
    activation: str
    edges: np.ndarray
    start: LayerActivations
    after: LayerActivations
    diverged_at: int | None


def activation_study(base: RunConfig, schemes, steps: int, bins: int = N_BINS,
                     dataset=None) -> list[ActivationStudy]:
    """Glorot & Bengio (2010, fig. 6-7) in small: every scheme's per-layer activations on the
    training set at iteration 0 and after ``steps`` updates of the base config's optimizer."""
    if not 0 <= int(steps) <= 100_000:
        raise ValueError(f"steps must be in [0, 100000]; got {steps}")
    group = build_lab_group(base, schemes, dataset)
    out = []
    for v in group.variants:
        tr = v.trainer
        first = tr.layer_statistics()
        tr.step(int(steps))
        last = tr.layer_statistics()
        name = first[0]["activation"]
        # a diverged run's last values are astronomically large: they would squash every bin into one
        shown = first[:-1] + ([] if tr.diverged else last[:-1])
        lo, hi = value_range(name, [d["A"] for d in shown])
        edges = np.linspace(lo, hi, bins + 1)
        out.append(ActivationStudy(v.label, name, edges, layer_activations(first, edges, 0),
                                   layer_activations(last, edges, tr.iteration),
                                   tr.diverged_at if tr.diverged else None))
    return out


# ---------------------------------------------------------------- the classic table
# The course's setting: [2, 10, 5, 1], ReLU hidden, sigmoid output, α = 0.01, full-batch gradient
# descent, 300 training / 100 test points on two circles.
CLASSIC_CONFIG = RunConfig(dataset="circles", n_samples=400, noise=0.1, test_fraction=0.25, hidden=(10, 5),
                           activation="relu", learning_rate=0.01)
CLASSIC_SCHEMES = DEFAULT_SCHEMES
CLASSIC_ITERATIONS = 15_000


def classic_experiment(iterations: int | None = None, schemes=CLASSIC_SCHEMES,
                       base: RunConfig = CLASSIC_CONFIG) -> pd.DataFrame:
    """Train every scheme ``iterations`` times (default CLASSIC_ITERATIONS) from the same data and
    seed; one row per scheme: the first and final costs, final accuracies, distinct units per
    hidden layer at the end, and where it diverged (None if it did not). Deterministic."""
    iterations = CLASSIC_ITERATIONS if iterations is None else int(iterations)
    group = build_lab_group(base, schemes)
    first = [tr.last_record["cost_train"] for tr in group.trainers]
    group.step(iterations)
    group.record()
    rows = []
    for v, j0 in zip(group.variants, first):
        tr, last = v.trainer, v.trainer.last_record
        rows.append({
            "scheme": v.label, "first_cost": j0,
            "cost_train": last["cost_train"], "cost_test": last["cost_test"],
            "accuracy_train": last["accuracy_train"], "accuracy_test": last["accuracy_test"],
            "distinct_units": ", ".join(map(str, distinct_per_layer(tr.network.params, tr.network.L - 1))),
            "iterations": tr.iteration, "diverged_at": tr.diverged_at if tr.diverged else None,
        })
    return pd.DataFrame(rows)
