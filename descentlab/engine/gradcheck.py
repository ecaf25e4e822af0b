"""Gradient checking: backprop against central differences, the derivative rules made executable.

For every parameter θ_i:  dθ_approx = (J(θ + ε e_i) - J(θ - ε e_i)) / (2ε)
and per parameter array the relative error ||dθ_approx - dθ|| / (||dθ_approx|| + ||dθ||).
Below 1e-7 is excellent in float64; above 1e-3 means a bug.
"""
from __future__ import annotations

import numpy as np

from descentlab.engine.regularization import penalty


def _objective(network, X, Y, l1, l2):
    return network.cost(X, Y) + penalty(network.theta, network.weight_mask, l1, l2)


def numerical_gradient(network, X, Y, eps: float = 1e-7, l1: float = 0.0, l2: float = 0.0) -> np.ndarray:
    """Central-difference gradient of the (regularized) cost with respect to the flat θ."""
    theta = network.theta
    out = np.empty_like(theta)
    for i in range(theta.size):
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

