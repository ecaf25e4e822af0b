"""Weight initializers: the course's zeros and random × scale, plus presets of one variance-scaling rule.

Every initializer has the signature ``init(n_out, n_in, rng, scale=None)`` and returns W of shape
(n_out, n_in) = (n[l], n[l-1]); each docstring states the variance of one weight. ``rng`` is an
explicit ``np.random.Generator``, so the same seed gives the same weights. For the variance-scaling
presets ``scale`` is a gain on the standard deviation (None means 1).
"""
from __future__ import annotations

import numpy as np

RANDOM_DEFAULT_SCALE = 0.01  # the course's np.random.randn(...) * 0.01
UNIFORM_DEFAULT_SCALE = 0.05


def _variance_scaled(n_out, n_in, rng, gain, factor, fan, distribution):
    std = (1.0 if gain is None else float(gain)) * np.sqrt(factor / max(fan, 1.0))
    if distribution == "normal":
        return rng.standard_normal((n_out, n_in)) * std
    limit = np.sqrt(3.0) * std  # U(-a, a) has variance a² / 3
    return rng.uniform(-limit, limit, (n_out, n_in))


def zeros(n_out, n_in, rng=None, scale=None):
    """All zeros: Var(w) = 0. Every unit of a layer computes the same function and receives the same
    gradient, so the units never become different (the symmetry problem). ``scale`` is ignored."""
    return np.zeros((n_out, n_in))


def random(n_out, n_in, rng, scale=None):
    """Standard normal × scale (default 0.01, the course's choice): Var(w) = scale²."""
    return rng.standard_normal((n_out, n_in)) * (RANDOM_DEFAULT_SCALE if scale is None else scale)


def uniform(n_out, n_in, rng, scale=None):
    """Uniform on [-scale, scale] (default 0.05): Var(w) = scale² / 3."""
    s = UNIFORM_DEFAULT_SCALE if scale is None else scale
    return rng.uniform(-s, s, (n_out, n_in))


def glorot_normal(n_out, n_in, rng, scale=None):
    """Xavier / Glorot normal: Var(w) = scale² · 2 / (n_in + n_out) (Glorot & Bengio 2010); for tanh."""
    return _variance_scaled(n_out, n_in, rng, scale, 1.0, (n_in + n_out) / 2, "normal")


def glorot_uniform(n_out, n_in, rng, scale=None):
    """Xavier / Glorot uniform on ±scale·sqrt(6 / (n_in + n_out)): Var(w) = scale² · 2 / (n_in + n_out)."""
    return _variance_scaled(n_out, n_in, rng, scale, 1.0, (n_in + n_out) / 2, "uniform")


def he_normal(n_out, n_in, rng, scale=None):
    """He normal: Var(w) = scale² · 2 / n_in (He et al. 2015); keeps ReLU activations' scale across layers."""
    return _variance_scaled(n_out, n_in, rng, scale, 2.0, n_in, "normal")


def he_uniform(n_out, n_in, rng, scale=None):
    """He uniform on ±scale·sqrt(6 / n_in): Var(w) = scale² · 2 / n_in."""
    return _variance_scaled(n_out, n_in, rng, scale, 2.0, n_in, "uniform")


def lecun_normal(n_out, n_in, rng, scale=None):
    """LeCun normal: Var(w) = scale² / n_in (LeCun et al. 1998)."""
    return _variance_scaled(n_out, n_in, rng, scale, 1.0, n_in, "normal")


INITIALIZERS = {
    "zeros": zeros,
    "random": random,
    "uniform": uniform,
    "xavier": glorot_normal,
    "glorot_normal": glorot_normal,
    "glorot_uniform": glorot_uniform,
    "he": he_normal,
    "he_normal": he_normal,
    "he_uniform": he_uniform,
    "lecun_normal": lecun_normal,
}

# Display names for the UI; the keys above are what configs, URLs and the CLI use.
INITIALIZER_LABELS = {
    "zeros": "Zeros",
    "random": "Random normal × scale",
    "uniform": "Uniform ± scale",
    "xavier": "Xavier / Glorot (normal)",
    "glorot_normal": "Xavier / Glorot (normal)",
    "glorot_uniform": "Xavier / Glorot (uniform)",
    "he": "He (normal)",
    "he_normal": "He (normal)",
    "he_uniform": "He (uniform)",
    "lecun_normal": "LeCun (normal)",
}

# Scale is an absolute size for these, a gain for the variance-scaling rules, unused for zeros.
SCALE_IS_ABSOLUTE = frozenset({"random", "uniform"})


def initializer_choices() -> tuple[str, ...]:
    """The names a menu offers: one per initializer, in INITIALIZERS' order. Aliases (he_normal for he,
    glorot_normal for xavier) are accepted everywhere but would list one initializer twice."""
    first: dict = {}
    for name, fn in INITIALIZERS.items():
        first.setdefault(fn, name)
    return tuple(first.values())


def get_initializer(name_or_fn):
    if callable(name_or_fn):
        return name_or_fn
    if not isinstance(name_or_fn, str) or name_or_fn not in INITIALIZERS:
        raise ValueError(f"unknown initializer {name_or_fn!r}; valid names: {', '.join(INITIALIZERS)}")
    return INITIALIZERS[name_or_fn]


def expected_variance(name: str, n_out: int, n_in: int, scale: float | None = None) -> float:
    """The variance of one weight that initializer ``name`` promises (its docstring, as a number)."""
    fn = get_initializer(name)
    if fn is zeros:
        return 0.0
    if fn is random:
        return (RANDOM_DEFAULT_SCALE if scale is None else scale) ** 2
    if fn is uniform:
        return (UNIFORM_DEFAULT_SCALE if scale is None else scale) ** 2 / 3.0
    gain2 = 1.0 if scale is None else scale**2
    fan_avg = (n_in + n_out) / 2.0
    return gain2 * {
        glorot_normal: 1.0 / fan_avg, glorot_uniform: 1.0 / fan_avg,
        he_normal: 2.0 / n_in, he_uniform: 2.0 / n_in, lecun_normal: 1.0 / n_in,
    }[fn]
