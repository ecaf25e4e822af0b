"""Optimizers and learning-rate schedules.

An optimizer is a small object with its own state; ``update(params, grads)`` changes the parameters in
place, one call per iteration. ``params`` is either the dict {"W1", "b1", ...} with grads
{"dW1", "db1", ...}, or one flat array (the Network keeps all its parameters in one buffer, so a
whole update is a handful of numpy calls whatever the depth).

Moving averages follow the course's exponentially weighted form v = β v + (1 - β) g.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SCHEDULES = ("constant", "step", "exponential", "inverse_time", "interval_inverse")
# What the sidebar shows for each (r: the decay rate, s: the decay steps); a schedule without a label
# shows its name
SCHEDULE_LABELS = {
    "constant": "constant α₀",
    "step": "step: α₀ · r^⌊t/s⌋",
    "exponential": "exponential: α₀ · r^(t/s)",
    "inverse_time": "1/t: α₀ / (1 + r·t/s)",
    "interval_inverse": "fixed interval: α₀ / (1 + r·⌊t/s⌋)",
}


@dataclass(frozen=True)
class Schedule:
    """Learning rate after t iterations: α_t = f(α_0, t)."""

    name: str = "constant"
    decay_rate: float = 0.5
    decay_steps: int = 1000

    def __post_init__(self):
        if self.name not in SCHEDULES:
            raise ValueError(f"unknown schedule {self.name!r}; valid names: {', '.join(SCHEDULES)}")

    def __call__(self, lr0: float, t: int) -> float:
        k = t / self.decay_steps
        if self.name == "step":  # α_0 · r^floor(t / steps)
            return lr0 * self.decay_rate ** np.floor(k)
        if self.name == "exponential":  # α_0 · r^(t / steps)
            return lr0 * self.decay_rate**k
        if self.name == "inverse_time":  # α_0 / (1 + r · t / steps), the course's 1/t decay
            return lr0 / (1.0 + self.decay_rate * k)
        if self.name == "interval_inverse":  # α_0 / (1 + r · floor(t / steps)): the lecture's decay, once per interval
            return lr0 / (1.0 + self.decay_rate * np.floor(k))
        return lr0

    @property
    def latex(self) -> str:
        return {
            "constant": r"\alpha_t = \alpha_0",
            "step": r"\alpha_t = \alpha_0 \cdot r^{\lfloor t / s \rfloor}",
            "exponential": r"\alpha_t = \alpha_0 \cdot r^{t / s}",
            "inverse_time": r"\alpha_t = \frac{\alpha_0}{1 + r\, t / s}",
            "interval_inverse": r"\alpha_t = \frac{\alpha_0}{1 + r \lfloor t / s \rfloor}",
        }[self.name]


def make_schedule(name: str = "constant", decay_rate: float = 0.5, decay_steps: int = 1000) -> Schedule:
    return Schedule(name, float(decay_rate), int(decay_steps))


class Optimizer:
    """Base: resolves the learning rate for iteration t and walks the parameters."""

    name = "gd"
    latex = r"\theta := \theta - \alpha\, d\theta"

    def __init__(self, learning_rate: float = 0.01, schedule: Schedule | None = None):
        self.learning_rate = float(learning_rate)
        self.schedule = schedule or Schedule()
        self.t = 0  # updates done so far
        self._state: dict[str, dict[str, np.ndarray]] = {}

    def current_learning_rate(self) -> float:
        return float(self.schedule(self.learning_rate, self.t))

    def reset(self):
        self.t = 0
        self._state.clear()

    def update(self, params, grads) -> float:
        """Apply one update in place; returns the learning rate used."""
        lr = self.current_learning_rate()
        self.t += 1
        if isinstance(params, np.ndarray):
            self._apply("theta", params, grads, lr)
        else:
            for key, p in params.items():
                g = grads["d" + key] if ("d" + key) in grads else grads[key]
                self._apply(key, p, g, lr)
        return lr

    def _buffers(self, key, p, names):
        st = self._state.get(key)
        if st is None or st["scratch"].shape != p.shape or st["scratch"].dtype != p.dtype:
            st = {n: np.zeros_like(p) for n in (*names, "scratch")}
            self._state[key] = st
        return st

    def _apply(self, key, p, g, lr):
        s = self._buffers(key, p, ())["scratch"]
        np.multiply(g, lr, out=s)
        np.subtract(p, s, out=p)


class GD(Optimizer):
    """Plain (mini-batch) gradient descent."""


class Momentum(Optimizer):
    name = "momentum"
    latex = r"v := \beta v + (1-\beta)\, d\theta, \quad \theta := \theta - \alpha v"

    def __init__(self, learning_rate=0.01, schedule=None, momentum: float = 0.9):
        super().__init__(learning_rate, schedule)
        self.beta = float(momentum)

    def _apply(self, key, p, g, lr):
        st = self._buffers(key, p, ("v",))
        v, s = st["v"], st["scratch"]
        v *= self.beta
        np.multiply(g, 1.0 - self.beta, out=s)
        v += s
        self._step(p, g, v, s, lr)

    def _step(self, p, g, v, s, lr):
        np.multiply(v, lr, out=s)
        np.subtract(p, s, out=p)


class Nesterov(Momentum):
    """Nesterov momentum in the look-ahead-free form: θ -= α (β v_new + (1-β) g)."""

    name = "nesterov"
    latex = (r"v := \beta v + (1-\beta)\, d\theta, \quad "
             r"\theta := \theta - \alpha\bigl(\beta v + (1-\beta)\, d\theta\bigr)")

    def _step(self, p, g, v, s, lr):
        np.multiply(g, lr * (1.0 - self.beta), out=s)
        p -= s
        np.multiply(v, lr * self.beta, out=s)
        p -= s


class RMSProp(Optimizer):
    name = "rmsprop"
    latex = r"s := \rho s + (1-\rho)\, d\theta^2, \quad \theta := \theta - \alpha \frac{d\theta}{\sqrt{s} + \epsilon}"

    def __init__(self, learning_rate=0.001, schedule=None, rho: float = 0.9, epsilon: float = 1e-8):
        super().__init__(learning_rate, schedule)
        self.rho, self.epsilon = float(rho), float(epsilon)

    def _apply(self, key, p, g, lr):
        st = self._buffers(key, p, ("s2",))
        s2, s = st["s2"], st["scratch"]
        np.multiply(g, g, out=s)
        s *= 1.0 - self.rho
        s2 *= self.rho
        s2 += s
        np.sqrt(s2, out=s)
        s += self.epsilon
        np.divide(g, s, out=s)
        s *= lr
        p -= s


class Adam(Optimizer):
    name = "adam"
    latex = (r"v := \beta_1 v + (1-\beta_1)\, d\theta,\ s := \beta_2 s + (1-\beta_2)\, d\theta^2,\ "
             r"\theta := \theta - \alpha \frac{v / (1-\beta_1^t)}{\sqrt{s / (1-\beta_2^t)} + \epsilon}")

    def __init__(self, learning_rate=0.001, schedule=None, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8):
        super().__init__(learning_rate, schedule)
        self.beta1, self.beta2, self.epsilon = float(beta1), float(beta2), float(epsilon)

    def _apply(self, key, p, g, lr):
        st = self._buffers(key, p, ("v", "s2", "tmp"))
        v, s2, s, tmp = st["v"], st["s2"], st["scratch"], st["tmp"]
        t = self.t  # already incremented: bias correction uses t = 1 on the first update
        v *= self.beta1
        np.multiply(g, 1.0 - self.beta1, out=s)
        v += s
        np.multiply(g, g, out=s)
        s *= 1.0 - self.beta2
        s2 *= self.beta2
        s2 += s
        # bias corrections folded into step size and epsilon (algebraically identical, fewer passes)
        c2 = np.sqrt(1.0 - self.beta2**t)
        step = lr * c2 / (1.0 - self.beta1**t)
        np.sqrt(s2, out=s)
        s += self.epsilon * c2
        np.divide(v, s, out=tmp)
        tmp *= step
        p -= tmp


OPTIMIZERS: dict[str, type[Optimizer]] = {
    "gd": GD, "momentum": Momentum, "nesterov": Nesterov, "rmsprop": RMSProp, "adam": Adam,
}
# The options each optimizer reads; make_optimizer ignores the others so a config can pass them all.
OPTIMIZER_OPTIONS = {
    "gd": (), "momentum": ("momentum",), "nesterov": ("momentum",),
    "rmsprop": ("rho", "epsilon"), "adam": ("beta1", "beta2", "epsilon"),
}


def make_optimizer(name: str, learning_rate: float = 0.01, schedule: Schedule | None = None,
                   **options) -> Optimizer:
    """Build an optimizer by name; options it does not use (e.g. beta1 for gd) are ignored."""
    if isinstance(name, Optimizer):
        return name
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; valid names: {', '.join(OPTIMIZERS)}")
    used = {k: v for k, v in options.items() if k in OPTIMIZER_OPTIONS[name] and v is not None}
    return OPTIMIZERS[name](learning_rate, schedule, **used)
