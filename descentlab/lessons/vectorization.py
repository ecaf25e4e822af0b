"""Python for-loops against numpy, for the "Vectorization" page: five operations, each written both
ways, and a bounded timer.

The loops are what a beginner writes (the course's for-loop versions): one Python-level step per
number, indexing numpy arrays element by element. The vectorized logistic-regression step is the
engine's own backprop (descentlab.lessons.neuron's Network), so the page compares the course's loop with the code
that really trains the networks here.

Bounded: a loop never does more than ``limit`` inner iterations (multiply-adds). Above that it runs on
a prefix of the work (the first elements, rows or examples) and its time is extrapolated linearly to
the whole, and ``Timing.extrapolated`` says so. ``partial_reference`` computes with numpy what the
loop computed on that prefix, so the two can always be compared.
"""
from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from descentlab.lessons.neuron import neuron_network

SIZES = (10, 100, 1_000, 10_000, 100_000, 1_000_000)
LOOP_LIMIT = 100_000       # inner iterations per timing, whatever the size (~0.05-0.3 s of Python)
LOGREG_FEATURES = 10       # n_x of the logistic-regression step; m = n / n_x examples
LOGREG_ALPHA = 0.01
_MIN_TIME = 0.05           # seconds of repeats to take a best-of for fast code


# ---------------------------------------------------------------- the loops
def _dot_loop(a, b, units):
    total = 0.0
    for i in range(units):
        total += a[i] * b[i]
    return total


def _elementwise_loop(a, b, units):
    out = np.empty(units)
    for i in range(units):
        out[i] = a[i] * b[i]
    return out


def _outer_loop(a, b, units):
    k = b.shape[0]
    out = np.empty((units, k))
    for i in range(units):
        for j in range(k):
            out[i, j] = a[i] * b[j]
    return out


def _matvec_loop(W, v, units):
    k = v.shape[0]
    out = np.empty(units)
    for i in range(units):
        s = 0.0
        for j in range(k):
            s += W[i, j] * v[j]
        out[i] = s
    return out


def _logreg_loop(X, Y, w, b, units):
    """The course's loop over the first ``units`` examples: cost, dw, db, then the update."""
    n_x = X.shape[0]
    J, db, dw = 0.0, 0.0, [0.0] * n_x
    for i in range(units):
        z = b
        for j in range(n_x):
            z += w[j, 0] * X[j, i]
        a = 1.0 / (1.0 + math.exp(-z))
        y = Y[0, i]
        J += -(y * math.log(a) + (1.0 - y) * math.log(1.0 - a))
        dz = a - y
        for j in range(n_x):
            dw[j] += X[j, i] * dz
        db += dz
    w_new = np.empty((n_x, 1))
    for j in range(n_x):
        w_new[j, 0] = w[j, 0] - LOGREG_ALPHA * dw[j] / units
    return J / units, w_new, b - LOGREG_ALPHA * db / units


# ---------------------------------------------------------------- the vectorized versions
def _logreg_prepare(X, Y, w, b):
    """One step by the engine, as a callable: the network is built once (setup, not the step), then
    each call runs Network.gradients (its backprop) and the update."""
    net = neuron_network(w, b)

    def step():
        grads = net.gradients(X, Y)
        J = net.loss.cost(net.cache["A1"], Y)
        return J, w - LOGREG_ALPHA * grads["dW1"].T, b - LOGREG_ALPHA * float(grads["db1"][0, 0])
    return step


def _logreg_vectorized(X, Y, w, b):
    return _logreg_prepare(X, Y, w, b)()


_LOGREG_CODE = """# what the engine's Network.gradients computes (the timed code), written out:
Z = w.T @ X + b                  # (1, m): every example at once
A = sigmoid(Z)
J = -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))
dZ = A - Y
dw = X @ dZ.T / m                # (n_x, 1)
db = np.mean(dZ)
w, b = w - alpha * dw, b - alpha * db"""


@dataclass(frozen=True)
class Operation:
    name: str
    label: str
    code: str                  # the vectorized line, as the page prints it
    make: Callable             # (n, rng) -> inputs tuple
    shapes: Callable           # n -> text describing the arrays
    unit: Callable             # inputs -> (units of work, iterations per unit)
    loop: Callable             # (*inputs, units) -> result
    vectorized: Callable       # (*inputs) -> result
    reference: Callable        # (*inputs, units) -> numpy's result for the first units
    prepare: Callable | None = None  # (*inputs) -> a no-argument vectorized call, setup done

    def vectorized_call(self, args: tuple) -> Callable:
        return self.prepare(*args) if self.prepare else lambda: self.vectorized(*args)


def _side(n: int) -> int:
    return max(1, round(math.sqrt(n)))


def _logreg_m(n: int) -> int:
    return max(1, n // LOGREG_FEATURES)


def _logreg_inputs(n, rng):
    m = _logreg_m(n)
    X = rng.standard_normal((LOGREG_FEATURES, m))
    return X, (rng.random((1, m)) < 0.5).astype(float), rng.standard_normal((LOGREG_FEATURES, 1)) * 0.1, 0.1


OPERATIONS: dict[str, Operation] = {op.name: op for op in (
    Operation("dot", "Dot product", "np.dot(a, b)",
              lambda n, rng: (rng.random(n), rng.random(n)), lambda n: f"a, b: ({n:,},)",
              lambda a, b: (a.shape[0], 1), _dot_loop, np.dot,
              lambda a, b, u: np.dot(a[:u], b[:u])),
    Operation("outer", "Outer product", "np.outer(a, b)",
              lambda n, rng: (rng.random(_side(n)), rng.random(_side(n))),
              lambda n: f"a, b: ({_side(n):,},) → ({_side(n):,}, {_side(n):,})",
              lambda a, b: (a.shape[0], b.shape[0]), _outer_loop, np.outer,
              lambda a, b, u: np.outer(a[:u], b)),
    Operation("elementwise", "Element-wise product", "a * b",
              lambda n, rng: (rng.random(n), rng.random(n)), lambda n: f"a, b: ({n:,},)",
              lambda a, b: (a.shape[0], 1), _elementwise_loop, np.multiply,
              lambda a, b, u: a[:u] * b[:u]),
    Operation("matvec", "Matrix × vector", "W @ v",
              lambda n, rng: (rng.random((_side(n), _side(n))), rng.random(_side(n))),
              lambda n: f"W: ({_side(n):,}, {_side(n):,}), v: ({_side(n):,},)",
              lambda W, v: (W.shape[0], v.shape[0]), _matvec_loop, np.dot,
              lambda W, v, u: W[:u] @ v),
    Operation("logreg", "Logistic-regression step", _LOGREG_CODE,
              _logreg_inputs, lambda n: f"X: ({LOGREG_FEATURES}, {_logreg_m(n):,})",
              lambda X, Y, w, b: (X.shape[1], X.shape[0]), _logreg_loop, _logreg_vectorized,
              lambda X, Y, w, b, u: _logreg_vectorized(X[:, :u], Y[:, :u], w, b), _logreg_prepare),
)}


def inputs(op: str, n: int, seed: int = 0) -> tuple:
    """The seeded inputs of ``op`` for size n (10 ≤ n ≤ 10⁶ elements of work)."""
    if op not in OPERATIONS:
        raise ValueError(f"unknown operation {op!r}; the operations are: {', '.join(OPERATIONS)}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not SIZES[0] <= n <= SIZES[-1]:
        raise ValueError(f"size must be a whole number from {SIZES[0]:,} to {SIZES[-1]:,}; got {n!r}")
    return OPERATIONS[op].make(int(n), np.random.default_rng(seed))


@dataclass(frozen=True)
class LoopRun:
    result: object
    units: int         # elements / rows / examples done
    iterations: int    # inner iterations done (units × iterations per unit)
    total: int         # inner iterations of the whole operation


def _plan(op: str, args: tuple, limit: int | None) -> tuple[int, int, int]:
    """(units the loop may do, iterations per unit, units in all): at least one unit."""
    units, per_unit = OPERATIONS[op].unit(*args)
    done = units if limit is None else max(1, min(units, limit // per_unit))
    return done, per_unit, units


def run_loop(op: str, args: tuple, limit: int | None = LOOP_LIMIT) -> LoopRun:
    """The for-loop version on as much of the work as ``limit`` inner iterations allow (at least one
    unit: one element, row or example; None: all of it)."""
    done, per_unit, units = _plan(op, args, limit)
    return LoopRun(OPERATIONS[op].loop(*args, done), done, done * per_unit, units * per_unit)


@dataclass(frozen=True)
class Timing:
    op: str
    n: int
    shapes: str
    loop_seconds: float        # for the whole operation (extrapolated when the loop ran on a prefix)
    vector_seconds: float
    loop_fraction: float       # share of the work the loop really did (1.0 = all of it)
    loop_iterations: int       # inner iterations executed over every repeat (bounded by the limit)
    agree: bool                # the loop's numbers equal numpy's on the part the loop did
    measured_at: float = 0.0   # time.time() when it was measured (timings are shared: say when)
    load: float = 0.0          # the machine's 1-minute load average then (a busy server slows both)

    @property
    def extrapolated(self) -> bool:
        return self.loop_fraction < 1.0

    @property
    def speedup(self) -> float:
        return self.loop_seconds / self.vector_seconds if self.vector_seconds > 0 else math.inf


def _best_time(fn: Callable, max_repeats: int) -> tuple[float, int]:
    """(fastest run, runs made): repeats until _MIN_TIME has passed or max_repeats runs."""
    best, spent, k = math.inf, 0.0, 0
    while k < max_repeats and (k == 0 or spent < _MIN_TIME):
        t0 = time.perf_counter()
        fn()
        dt = time.perf_counter() - t0
        best, spent, k = min(best, dt), spent + dt, k + 1
    return best, k


def _same(a, b) -> bool:
    if isinstance(a, tuple):
        return all(_same(x, y) for x, y in zip(a, b))
    return bool(np.allclose(a, b, rtol=1e-9, atol=1e-12))


def time_operation(op: str, n: int, seed: int = 0, limit: int = LOOP_LIMIT) -> Timing:
    """Time ``op`` at size n both ways (best of a few runs). All the loop's runs together stay within
    ``limit`` inner iterations; numpy repeats until it has run for _MIN_TIME."""
    args = inputs(op, n, seed)
    o = OPERATIONS[op]
    done, per_unit, units = _plan(op, args, limit)
    out = {}

    def loop_once():
        out["loop"] = o.loop(*args, done)

    t_loop, runs = _best_time(loop_once, max(1, limit // (done * per_unit)))
    t_vec, _ = _best_time(o.vectorized_call(args), 1000)
    return Timing(op, int(n), o.shapes(int(n)), t_loop * units / done, t_vec, done / units,
                  runs * done * per_unit, _same(out["loop"], o.reference(*args, done)), time.time(), _load())


def _load() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:  # not available on this system
        return float("nan")


# The lecture's two vectors of 15 numbers, multiplied both ways.
LECTURE_X1 = (5, 1, 0, 3, 8, 2, 5, 6, 0, 1, 2, 5, 9, 0, 7)
LECTURE_X2 = (2, 5, 2, 0, 3, 2, 2, 9, 1, 0, 2, 5, 4, 0, 9)


@dataclass(frozen=True)
class LectureDot:
    x1: np.ndarray
    x2: np.ndarray
    products: np.ndarray  # x1[i] * x2[i], the loop's terms
    loop: float           # the for-loop's running sum
    numpy: float          # np.dot(x1, x2)


def lecture_dot(x1=LECTURE_X1, x2=LECTURE_X2) -> LectureDot:
    """x1 · x2 by the page's for-loop (the one it times) and by np.dot."""
    a, b = np.asarray(x1, dtype=np.float64), np.asarray(x2, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"two vectors of the same length, got shapes {a.shape} and {b.shape}")
    return LectureDot(x1=a, x2=b, products=a * b, loop=float(_dot_loop(a, b, a.size)),
                      numpy=float(np.dot(a, b)))
