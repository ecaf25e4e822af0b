"""One sigmoid neuron (logistic regression) in the course's notation, for the "One neuron" page.

    one example:  z = wᵀx + b    a = σ(z)    L(a, y)    dz = a − y    dw = x dz        db = dz
    m examples:   Z = wᵀX + b    A = σ(Z)    J = (1/m) Σ L    dZ = A − Y    dw = (1/m) X dZᵀ    db = (1/m) Σ dZ

w is a column (n_x, 1) as in the course; the engine's Network stores it as the row W[1] = wᵀ (1, n_x).
The numbers come from the engine: a Network([n_x, 1]) with a sigmoid output and cross-entropy computes
A, the loss and dw, db (its own backprop). This module only keeps what a page shows beside them: the
per-example dz = a − y (the network folds 1/m into its dZ), dL/da and σ'(z) for the chain rule.
Training runs on the engine's Trainer; ``NeuronTraining`` remembers the numbers of its last update.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from descentlab.engine.build import build
from descentlab.engine.config import RunConfig
from descentlab.engine.network import Network


@dataclass(frozen=True)
class NeuronPass:
    """Forward values and backward derivatives of one neuron on X (n_x, m), Y (1, m)."""
    X: np.ndarray
    Y: np.ndarray
    w: np.ndarray            # (n_x, 1)
    b: float
    Z: np.ndarray            # (1, m)
    A: np.ndarray            # (1, m)
    losses: np.ndarray       # (m,) L(a(i), y(i))
    cost: float              # J = mean of losses
    dA: np.ndarray           # (1, m) dL/da per example
    sigma_prime: np.ndarray  # (1, m) σ'(z)
    dZ: np.ndarray           # (1, m) dL/dz = a − y per example
    dw: np.ndarray           # (n_x, 1) dJ/dw = (1/m) X dZᵀ, from the engine's backprop
    db: float                # dJ/db = (1/m) Σ dZ

    @property
    def m(self) -> int:
        return self.X.shape[1]


def _finite(name: str, value, shape=None) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if shape is not None and arr.shape != shape:
        raise ValueError(f"{name} must have shape {shape}; got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain finite numbers only")
    return arr


def neuron_network(w, b) -> Network:
    """A Network([n_x, 1]) (sigmoid output, cross-entropy) holding w (n_x, 1) and b."""
    w = _finite("w", w)
    w = w.reshape(-1, 1)
    net = Network([w.shape[0], 1], output_activation="sigmoid", loss="bce", init="zeros")
    net.set_params({"W1": w.T, "b1": [[float(_finite("b", b))]]})
    return net


def neuron_pass(X, Y, w, b) -> NeuronPass:
    """Run the neuron forward and backward on X (n_x, m) with labels Y (1, m) in {0, 1}."""
    X = _finite("X", X)
    if X.ndim != 2 or X.shape[1] < 1:
        raise ValueError(f"X must have shape (n_x, m) with m >= 1; got {X.shape}")
    Y = _finite("Y", Y, (1, X.shape[1]))
    if not np.all((Y == 0) | (Y == 1)):
        raise ValueError("Y must hold labels 0 or 1")
    w = _finite("w", w, (X.shape[0], 1))
    net = neuron_network(w, b)
    grads = net.gradients(X, Y)             # the engine's backprop: dW1 = (1/m) dZ Xᵀ, db1
    A = net.forward(X)
    Z = net.cache["Z1"].copy()
    m = X.shape[1]
    return NeuronPass(
        X=X, Y=Y, w=w, b=float(b), Z=Z, A=A,
        losses=net.loss.per_example(A, Y), cost=net.loss.cost(A, Y),
        dA=net.loss.gradient(A, Y) * m,     # the loss's dJ/dA includes 1/m; per example drop it
        sigma_prime=net.activations[1].derivative(Z),
        dZ=A - Y, dw=grads["dW1"].T.copy(), db=float(grads["db1"][0, 0]))


def small_batch(x, y: int, m: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """X (2, m), Y (1, m) whose first column is the example (x, y); the other m − 1 are seeded
    random points with one decimal, so every number in a printed matrix stays short."""
    if not 1 <= int(m) <= 50:
        raise ValueError(f"m must be from 1 to 50; got {m}")
    rng = np.random.default_rng(seed)
    X = np.round(rng.uniform(-2.0, 2.0, (2, int(m))), 1)
    Y = (rng.permutation(int(m)) % 2).astype(float).reshape(1, -1)  # both labels appear
    X[:, 0] = _finite("x", x, (2,))
    Y[0, 0] = float(y)
    return X, Y


def decision_line(w, b, bounds) -> tuple[np.ndarray, np.ndarray]:
    """The segment of w₁x₁ + w₂x₂ + b = 0 inside bounds ((x1_lo, x1_hi), (x2_lo, x2_hi)).

    Returns (x1s, x2s) with two points, or two empty arrays when w = 0 (no line: a = σ(b) everywhere)
    or the line misses the box."""
    w1, w2 = (float(v) for v in np.ravel(w)[:2])
    (lo1, hi1), (lo2, hi2) = bounds
    points = []
    if w2 != 0:  # crossings of the left and right edges
        points += [(x1, -(w1 * x1 + b) / w2) for x1 in (lo1, hi1)]
    if w1 != 0:  # crossings of the bottom and top edges
        points += [(-(w2 * x2 + b) / w1, x2) for x2 in (lo2, hi2)]
    tol = 1e-9 * max(1.0, hi1 - lo1, hi2 - lo2)
    inside = sorted({(round(p, 12), round(q, 12)) for p, q in points
                     if lo1 - tol <= p <= hi1 + tol and lo2 - tol <= q <= hi2 + tol})
    if len(inside) < 2:
        return np.empty(0), np.empty(0)
    (a1, a2), (c1, c2) = inside[0], inside[-1]
    return np.array([a1, c1]), np.array([a2, c2])


@dataclass(frozen=True)
class Update:
    """One gradient-descent update w := w − α dw, b := b − α db, with the numbers it used."""
    iteration: int           # the iteration this update completed (1 = the first update)
    learning_rate: float
    w_before: np.ndarray     # (n_x, 1)
    dw: np.ndarray
    w_after: np.ndarray
    b_before: float
    db: float
    b_after: float


def neuron_config(dataset: str = "linear", learning_rate: float = 0.5, n_samples: int = 200,
                  noise: float = 0.1, init: str = "zeros", seed: int = 0) -> RunConfig:
    """Logistic regression as a RunConfig: no hidden layer, sigmoid output, plain gradient descent on
    the full batch. History rows are recorded by ``record()`` (the live loop calls it once a frame)."""
    return RunConfig(dataset=dataset, n_samples=n_samples, noise=noise, hidden=(), init=init, seed=seed,
                     data_seed=seed, optimizer="gd", learning_rate=learning_rate, record_every=1)


class NeuronTraining:
    """The engine's Trainer on one neuron, plus the numbers of its most recent update.

    Offers what a live loop drives: step(n), record(), reset(), diverged, message."""

    def __init__(self, config: RunConfig):
        if config.hidden:
            raise ValueError(f"one neuron has no hidden layer; got hidden={config.hidden}")
        self.config = config
        self.run = build(config)
        self.trainer = self.run.trainer
        self.trainer.record_every = None  # a row per record() call: per frame / per Step, not per iteration
        self.last_update: Update | None = None

    def params(self) -> tuple[np.ndarray, float]:
        """(w (n_x, 1), b) now, as copies."""
        p = self.run.network.params
        return p["W1"].T.copy(), float(p["b1"][0, 0])

    def step(self, n: int = 1) -> dict:
        """n gradient-descent iterations; the last one's numbers are kept in ``last_update``."""
        tr, net = self.trainer, self.run.network
        if n > 1:
            tr.step(n - 1)
        if tr.diverged:
            return tr.last_record
        w0, b0 = self.params()
        lr = tr.optimizer.current_learning_rate()
        row = tr.step(1)
        if not tr.diverged:
            dw = net.grad[net.flat_indices("W1")].reshape(-1, 1).copy()  # this update's gradient
            db = float(net.grad[net.flat_indices("b1")][0])
            w1, b1 = self.params()
            self.last_update = Update(tr.iteration, lr, w0, dw, w1, b0, db, b1)
        return row

    def record(self) -> dict:
        return self.trainer.record()

    def reset(self) -> dict:
        self.last_update = None
        return self.trainer.reset()

    def set_learning_rate(self, lr: float) -> None:
        self.trainer.set_learning_rate(lr)

    @property
    def diverged(self) -> bool:
        return self.trainer.diverged

    @property
    def message(self) -> str:
        return self.trainer.message

    @property
    def iteration(self) -> int:
        return self.trainer.iteration
