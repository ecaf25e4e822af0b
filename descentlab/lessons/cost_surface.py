"""Cost landscapes for the learning-rate page: one neuron's whole surface J(w1, w2), gradient-descent
paths across it, and a 1-D slice of a deep network's cost along its gradient.

One neuron, bias fixed at 0: ŷ = g(w1 x1 + w2 x2) with X (2, m) as columns. Fixing b (rather than
learning it without drawing it) keeps J a function of exactly the two numbers on the picture, so
every step of a path is a point of the drawn surface. The point sets are centred on 0, so the bias
has little to do anyway. Two neurons:

- "logistic": sigmoid + binary cross-entropy (logistic regression, the course's first model).
- "linear": identity + squared error. Its J is an exact quadratic bowl: gradient descent crawls for
  α ≪ 1/λ_max, zig-zags for 1/λ_max < α < 2/λ_max and diverges above 2/λ_max (λ = eigenvalues of the
  Hessian). The logistic cost is only locally quadratic; its gradient is bounded, so a too large rate
  jumps and oscillates rather than running off to infinity.

Costs come from the engine's Loss and Activation objects (vectorized over all grid points at once);
the paths step with the engine's Network gradient and the engine's optimizer (gd / momentum).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from descentlab.engine.activations import get_activation
from descentlab.engine.datasets import DATASETS, DatasetError, make_dataset
from descentlab.engine.losses import get_loss
from descentlab.engine.network import Network
from descentlab.engine.optimizers import make_optimizer

# kind -> (output activation, loss)
NEURONS = {"logistic": ("sigmoid", "bce"), "linear": ("linear", "mse")}
NEURON_LABELS = {"logistic": "Logistic regression (sigmoid, cross-entropy)",
                 "linear": "Linear neuron (squared error)"}
SURFACE_DATASETS = tuple(n for n, s in DATASETS.items() if s.task == "binary" and s.kind == "points")
MAX_PATH_STEPS = 1000
BLOWUP = 1e6  # |w| beyond this counts as diverged: the path has left any picture for good
MINIMUM_CAP = 20.0  # |w| where the search for the minimum stops (separable data has none)
_CHUNK = 2_000_000  # grid points x examples evaluated per numpy pass (bounded memory)


@dataclass(frozen=True, eq=False)
class NeuronProblem:
    """A single neuron's data and loss: X (2, m), Y (1, m) of 0/1 labels."""
    X: np.ndarray
    Y: np.ndarray
    kind: str = "logistic"
    name: str = ""

    @property
    def activation(self):
        return get_activation(NEURONS[self.kind][0])

    @property
    def loss(self):
        return get_loss(NEURONS[self.kind][1])

    @property
    def m(self) -> int:
        return self.X.shape[1]


def neuron_problem(dataset: str = "gaussians", kind: str = "logistic", n_samples: int = 200,
                   noise: float = 0.1, seed: int = 0, x2_scale: float = 1.0) -> NeuronProblem:
    """A 2-D binary point set from descentlab.engine.datasets (all of it for training) for one neuron.
    ``x2_scale`` stretches the second input: unequal scales make the valley long and narrow."""
    if kind not in NEURONS:
        raise ValueError(f"unknown neuron {kind!r}; valid: {', '.join(NEURONS)}")
    if dataset not in SURFACE_DATASETS:
        raise DatasetError(f"the surface needs a 2-D binary point set; got {dataset!r}; "
                           f"valid: {', '.join(SURFACE_DATASETS)}")
    if not (math.isfinite(x2_scale) and 0.01 <= x2_scale <= 100):
        raise ValueError(f"x2_scale must be in [0.01, 100]; got {x2_scale}")
    data = make_dataset(dataset, n_samples=n_samples, noise=noise, test_fraction=0.0, seed=seed)
    X = data.X_train * np.array([[1.0], [float(x2_scale)]])
    X.setflags(write=False)
    return NeuronProblem(X, data.Y_train, kind, dataset)


def neuron_network(problem: NeuronProblem, w=(0.0, 0.0)) -> Network:
    """The engine's Network [2, 1] for this neuron, with W1 = w and b1 = 0."""
    act, loss = NEURONS[problem.kind]
    net = Network([2, 1], output_activation=act, loss=loss, init="zeros")
    net.set_params({"W1": np.asarray(w, float).reshape(1, 2), "b1": np.zeros((1, 1))})
    return net


def cost_at(problem: NeuronProblem, W) -> np.ndarray:
    """J at each row of W (G, 2) of weights (b = 0): all G neurons in one pass per chunk."""
    W = np.atleast_2d(np.asarray(W, float))
    g, loss, X, Y = problem.activation, problem.loss, problem.X, problem.Y
    out = np.empty(W.shape[0])
    rows = max(1, _CHUNK // problem.m)
    with np.errstate(all="ignore"):
        for i in range(0, W.shape[0], rows):
            A = g.forward(W[i:i + rows] @ X)  # (G, m): row k is neuron k's output for every example
            # the loss sums its classes over axis 0: lay the G x m outputs out as one row of examples
            per = loss.per_example(A.reshape(1, -1), np.broadcast_to(Y, A.shape).reshape(1, -1))
            out[i:i + rows] = per.reshape(A.shape).mean(axis=1)
    return out


def cost_grid(problem: NeuronProblem, w1, w2) -> np.ndarray:
    """J over the grid w1 × w2, shaped (len(w2), len(w1)): rows along w2, as a contour draws them."""
    w1, w2 = np.asarray(w1, float), np.asarray(w2, float)
    G1, G2 = np.meshgrid(w1, w2)
    return cost_at(problem, np.column_stack([G1.ravel(), G2.ravel()])).reshape(len(w2), len(w1))


def hessian(problem: NeuronProblem, w) -> np.ndarray:
    """The 2 × 2 Hessian of J at w: (1/m) X diag(c) X^T with c = d²L/dz² per example (a(1 - a) for
    sigmoid + cross-entropy, 2 for squared error on a linear output)."""
    z = np.asarray(w, float).reshape(1, 2) @ problem.X
    c = problem.activation.derivative(z) if problem.kind == "logistic" else np.full_like(z, 2.0)
    return (problem.X * c) @ problem.X.T / problem.m


def minimum(problem: NeuronProblem, steps: int = 50, cap: float = MINIMUM_CAP) -> np.ndarray:
    """Where J is lowest, by Newton steps w -= H⁻¹ ∇J (the gradient from the engine's Network).
    Separable data has its logistic minimum at infinity: |w| is capped at ``cap``."""
    net = neuron_network(problem)
    w = np.zeros(2)
    for _ in range(steps):
        g = net.gradients(problem.X, problem.Y)["dW1"].ravel()
        step = np.linalg.solve(hessian(problem, w) + 1e-9 * np.eye(2), g)
        w = w - step
        if np.linalg.norm(w) > cap:
            w *= cap / np.linalg.norm(w)
            break
        net.set_params({"W1": w.reshape(1, 2)})
        if np.linalg.norm(step) < 1e-10:
            break
    return w


def max_curvature(problem: NeuronProblem, w) -> float:
    """λ_max, the largest eigenvalue of the Hessian at w: how sharply J curves there, across the
    valley. The linear neuron's Hessian is the same everywhere."""
    return float(np.linalg.eigvalsh(hessian(problem, w))[-1])


def suggested_rates(problem: NeuronProblem) -> dict[str, float]:
    """Learning rates that show the four behaviours near the minimum, from λ_max there: gradient
    descent on a quadratic goes straight down for α < 1/λ_max, zig-zags up to 2/λ_max and diverges
    beyond (exact for the linear neuron; the logistic cost is only near-quadratic at its minimum)."""
    lam = max(max_curvature(problem, minimum(problem)), 1e-12)  # all-zero inputs: a flat surface
    factors = {"slow": 0.1, "good": 1.0, "oscillating": 1.8, "too large": 2.3}
    return {name: float(f"{f / lam:.2g}") for name, f in factors.items()}  # two digits read well on a slide


def default_view(problem: NeuronProblem) -> tuple[np.ndarray, float, np.ndarray]:
    """A square view (centre, half-width) around the minimum, and a start point out along the
    surface's flattest direction, a little off the valley floor, so a path has work to do and a
    too-large step has a wall to bounce off."""
    w_min = minimum(problem)
    half = float(np.ceil(2 * (0.6 * np.abs(w_min).max() + 1.0)) / 2)
    _, vecs = np.linalg.eigh(hessian(problem, w_min))
    direction = 0.85 * vecs[:, 0] + 0.5 * vecs[:, 1]  # mostly along the valley, partly up its wall
    start = w_min + 0.8 * half * direction / np.linalg.norm(direction)
    return np.round(w_min, 1), half, np.round(start, 1)


class DescentPath:
    """Gradient descent (momentum β > 0: the engine's momentum optimizer) on one neuron, b fixed at
    0, from ``start``. ``points`` (n+1, 2) are w after each step, ``costs`` J there. A step that
    takes |w| past ``bound`` (or gives a NaN / infinite cost) counts as diverged and ends the path."""

    def __init__(self, problem: NeuronProblem, learning_rate: float, momentum: float = 0.0,
                 start=(0.0, 0.0), max_steps: int = MAX_PATH_STEPS, bound: float = BLOWUP):
        if not (math.isfinite(learning_rate) and learning_rate > 0):
            raise ValueError(f"learning_rate must be a finite number > 0; got {learning_rate}")
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1); got {momentum}")
        self.problem, self.learning_rate, self.momentum = problem, float(learning_rate), float(momentum)
        self.start, self.max_steps, self.bound = np.asarray(start, float).reshape(2), int(max_steps), float(bound)
        self.net = neuron_network(problem, self.start)
        self.reset()

    def reset(self) -> None:
        self.net.set_params({"W1": self.start.reshape(1, 2), "b1": np.zeros((1, 1))})
        name = "momentum" if self.momentum > 0 else "gd"
        self.optimizer = make_optimizer(name, self.learning_rate, momentum=self.momentum)
        self.diverged_at: int | None = None
        self._points = [self.start.copy()]
        self._costs = [self.net.cost(self.problem.X, self.problem.Y)]

    @property
    def steps(self) -> int:
        return len(self._points) - 1

    @property
    def done(self) -> bool:
        return self.diverged_at is not None or self.steps >= self.max_steps

    @property
    def points(self) -> np.ndarray:
        return np.array(self._points)

    @property
    def costs(self) -> np.ndarray:
        return np.array(self._costs)

    def step(self, n: int = 1) -> None:
        X, Y, W = self.problem.X, self.problem.Y, self.net.params["W1"]
        for _ in range(int(n)):
            if self.done:
                return
            grads = self.net.gradients(X, Y)
            self.optimizer.update({"W1": W}, {"dW1": grads["dW1"]})  # b1 is not updated: it stays 0
            w, cost = W.ravel().copy(), self.net.cost(X, Y)
            if not (np.all(np.isfinite(w)) and math.isfinite(cost)) or np.linalg.norm(w) > self.bound:
                self.diverged_at = self.steps + 1
                return
            self._points.append(w)
            self._costs.append(cost)


class PathSet:
    """Several descent paths (one per learning rate) stepped together; the live loop drives it like
    a Trainer: step / record / reset / diverged / message."""

    def __init__(self, problem: NeuronProblem, learning_rates, momentum: float = 0.0, start=(0.0, 0.0),
                 max_steps: int = MAX_PATH_STEPS, bound: float = BLOWUP):
        rates = sorted({float(r) for r in learning_rates})
        if not 1 <= len(rates) <= 6:
            raise ValueError(f"give 1 to 6 learning rates; got {len(rates)}")
        self.problem = problem
        self.paths = [DescentPath(problem, r, momentum, start, max_steps, bound) for r in rates]

    @property
    def iteration(self) -> int:
        return max(p.steps for p in self.paths)

    @property
    def finished(self) -> bool:
        return all(p.done for p in self.paths)

    @property
    def diverged(self) -> bool:
        return all(p.diverged_at is not None for p in self.paths)

    @property
    def message(self) -> str:
        return "; ".join(f"α = {p.learning_rate:g} diverged at step {p.diverged_at}"
                         for p in self.paths if p.diverged_at is not None)

    def step(self, n: int = 1) -> None:
        for p in self.paths:
            p.step(n)

    def record(self) -> None:
        """Every step is kept already (paths are short)."""

    def reset(self) -> None:
        for p in self.paths:
            p.reset()


@dataclass(frozen=True)
class GradientSlice:
    """J(θ - t g/‖g‖) for each t: the cost along the steepest-descent direction from θ."""
    t: np.ndarray
    cost: np.ndarray
    cost0: float      # J(θ)
    grad_norm: float  # ‖g‖, g = dJ/dθ over every W[l] and b[l]

    def landing(self, learning_rate: float) -> float:
        """Where one gradient-descent step of α lands on the t axis: θ - α g is t = α ‖g‖."""
        return float(learning_rate) * self.grad_norm


def gradient_slice(network: Network, X, Y, ts) -> GradientSlice:
    """Cost J (the data cost, no penalty) of ``network`` along its own full-batch gradient direction.
    The network is not changed (a copy is moved). A zero gradient gives a flat slice."""
    net = network.copy()
    net.gradients(X, Y)
    g = net.grad.copy()
    norm = float(np.linalg.norm(g))
    u = g / norm if norm > 0 else g
    theta0 = net.theta.copy()
    ts = np.asarray(ts, float)
    costs = np.empty(ts.size)
    for i, t in enumerate(ts):
        net.theta[...] = theta0 - t * u
        costs[i] = net.cost(X, Y)
    net.theta[...] = theta0
    return GradientSlice(ts, costs, net.cost(X, Y), norm)
