"""Gradient checking: backprop against central differences, the derivative rules made executable.

For every parameter θ_i:  dθ_approx = (J(θ + ε e_i) - J(θ - ε e_i)) / (2ε)
and per parameter array the relative error ||dθ_approx - dθ|| / (||dθ_approx|| + ||dθ||).
Below 1e-7 is excellent in float64; above 1e-3 means a bug.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from descentlab.engine.regularization import penalty


def _objective(network, X, Y, l1, l2):
    return network.cost(X, Y) + penalty(network.theta, network.weight_mask, l1, l2)


def numerical_gradient(network, X, Y, eps: float = 1e-7, l1: float = 0.0, l2: float = 0.0,
                       indices=None) -> np.ndarray:
    """Central-difference gradient of the (regularized) cost with respect to the flat θ; with
    ``indices``, only at those positions of θ (NaN elsewhere): two forward passes per entry."""
    theta = network.theta
    out = np.empty_like(theta)
    if indices is not None:
        out[...] = np.nan
    for i in (range(theta.size) if indices is None else indices):
        old = theta[i]
        theta[i] = old + eps
        plus = _objective(network, X, Y, l1, l2)
        theta[i] = old - eps
        minus = _objective(network, X, Y, l1, l2)
        theta[i] = old
        out[i] = (plus - minus) / (2 * eps)
    return out


def backprop_gradient(network, X, Y, l1: float = 0.0, l2: float = 0.0) -> np.ndarray:
    """Flat backprop gradient of the (regularized) cost."""
    network.gradients(X, Y)
    grad = network.grad.copy()
    if l2:
        grad += l2 * network.weight_mask * network.theta
    if l1:
        grad += l1 * network.weight_mask * np.sign(network.theta)
    return grad


def check(network, X, Y, eps: float = 1e-7, l1: float = 0.0, l2: float = 0.0) -> dict[str, float]:
    """Relative error per parameter array {"W1": ..., "b1": ...} between backprop and central differences."""
    X = np.asarray(X, network.dtype)
    Y = np.asarray(Y, network.dtype)
    analytic = backprop_gradient(network, X, Y, l1, l2)
    numeric = numerical_gradient(network, X, Y, eps, l1, l2)
    errors = {}
    for name, view in network.params.items():
        idx = network.flat_indices(name)
        a, n = analytic[idx], numeric[idx]
        denom = np.linalg.norm(a) + np.linalg.norm(n)
        errors[name] = 0.0 if denom == 0 else float(np.linalg.norm(a - n) / denom)
    return errors



@dataclass(frozen=True)
class BlockCheck:
    """One parameter array's check: its relative error over ``checked`` of its ``size`` entries."""
    name: str
    error: float
    checked: int
    size: int


def sample_indices(network, per_block: int | None, seed: int = 0) -> dict[str, np.ndarray]:
    """Positions in θ to check, per parameter array: all of them, or (``per_block`` set and the array
    bigger) a seeded random sample of that many, in θ's order."""
    rng = np.random.default_rng(seed)
    out = {}
    for name in network.params:
        idx = network.flat_indices(name)
        if per_block is not None and idx.size > per_block:
            idx = np.sort(rng.choice(idx, per_block, replace=False))
        out[name] = idx
    return out


def check_blocks(network, X, Y, per_block: int | None = None, seed: int = 0, eps: float = 1e-7,
                 l1: float = 0.0, l2: float = 0.0) -> list[BlockCheck]:
    """``check``, bounded: central differences at a seeded sample of at most ``per_block`` entries of
    each parameter array (all of them when None or when the array is smaller), compared with the
    same entries of backprop's gradient. Costs 2 x (entries checked) + 1 forward passes over X.
    Perturbs ``network.theta`` while it runs (puts every entry back): pass a copy of a live run's."""
    X = np.asarray(X, network.dtype)
    Y = np.asarray(Y, network.dtype)
    chosen = sample_indices(network, per_block, seed)
    analytic = backprop_gradient(network, X, Y, l1, l2)
    numeric = numerical_gradient(network, X, Y, eps, l1, l2, indices=np.concatenate(list(chosen.values())))
    out = []
    for name, idx in chosen.items():
        a, n = analytic[idx], numeric[idx]
        denom = np.linalg.norm(a) + np.linalg.norm(n)
        error = 0.0 if denom == 0 else float(np.linalg.norm(a - n) / denom)
        out.append(BlockCheck(name, error, int(idx.size), int(network.flat_indices(name).size)))
    return out


EXAMPLES = 32        # the app checks on the first 32 training examples (the CLI: 16)
PER_BLOCK = 100      # and at most 100 entries of each parameter array
WORK = 1e10          # multiply-adds one check may take (the app passes its frame budget): a second or so


def plan(layer_sizes, m_train: int, work: float = WORK) -> tuple[int, int]:
    """(examples, entries per parameter array) for checking a network of ``layer_sizes`` within
    ``work`` multiply-adds: at most PER_BLOCK entries of each array, fewer when their two forward
    passes each would not fit (at least one). An array no bigger than that is checked whole."""
    from descentlab.engine.cost import weights

    m = max(1, min(EXAMPLES, int(m_train)))
    sizes = list(layer_sizes)
    P, blocks = weights(sizes), 2 * (len(sizes) - 1)
    fits = int((work / (P * m) - 3) / 2)  # entries whose two forward passes fit
    return m, max(1, min(PER_BLOCK, fits // blocks))
