"""One example through the network, in the lecture's formulas for one column (m = 1):

    a[0] = x                     z[l] = W[l] a[l-1] + b[l]          a[l] = g[l](z[l])          ŷ = a[L]
    L(ŷ, y)                      dz[L] = ŷ - y  (sigmoid + BCE, softmax + CE; else da[L] * g'[L](z[L]))
    da[l-1] = W[l]^T dz[l]       dz[l] = da[l] * g'[l](z[l])
    dW[l] = dz[l] a[l-1]^T       db[l] = dz[l]          (this example's contribution)

For m = 1 these contributions ARE the gradients of the loss (tests/test_trace.py holds them equal to
``Network.gradients`` on the one column); over a batch, dW[l] is their mean (1/m) Σ over the examples.
Computed from the network's parameters as they are now; nothing of the network is changed (its
forward pass and its workspaces are not used). No dropout and no regularization penalty: the trace is
the plain network, as the decision boundary draws it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from descentlab.engine.network import Network


@dataclass(frozen=True)
class LayerTrace:
    """Layer l's numbers for the one example: forward (W, b, z, a) and backward (da, dz, dW, db)."""
    layer: int
    activation: str       # g[l]'s name (sigmoid, tanh, relu, softmax...)
    W: np.ndarray         # (n[l], n[l-1])
    b: np.ndarray         # (n[l], 1)
    z: np.ndarray         # (n[l], 1)
    a: np.ndarray         # (n[l], 1)
    da: np.ndarray        # (n[l], 1): dL/da[l]
    dz: np.ndarray        # (n[l], 1)
    dW: np.ndarray        # (n[l], n[l-1]) = dz a[l-1]^T
    db: np.ndarray        # (n[l], 1) = dz


@dataclass(frozen=True)
class Trace:
    which: str            # "train" or "test"
    index: int            # the example's column in X_train or X_test
    x: np.ndarray         # (n_x, 1)
    y: np.ndarray         # (n_y, 1)
    y_hat: np.ndarray     # (n_y, 1) = a[L]
    loss: float           # L(ŷ, y)
    loss_name: str        # bce, softmax_ce, mse, mae
    fused: bool           # dz[L] = ŷ - y (the output and loss that collapse to it)
    layers: tuple[LayerTrace, ...]

    @property
    def L(self) -> int:
        return len(self.layers)

    def layer(self, l: int) -> LayerTrace:
        return self.layers[l - 1]

    def a_prev(self, l: int) -> np.ndarray:
        return self.x if l == 1 else self.layers[l - 2].a

    def gradients(self) -> dict[str, np.ndarray]:
        """{"dW1", "db1", ...}: the example's contributions, named as Network.gradients names them."""
        out = {}
        for t in self.layers:
            out[f"dW{t.layer}"], out[f"db{t.layer}"] = t.dW, t.db
        return out


def example_columns(dataset, index: int, which: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """(x, y): the example's column of X and of Y, each (n, 1)."""
    if which not in ("train", "test"):
        raise ValueError(f"which must be 'train' or 'test'; got {which!r}")
    X, Y = (dataset.X_train, dataset.Y_train) if which == "train" else (dataset.X_test, dataset.Y_test)
    m = X.shape[1]
    if not 0 <= int(index) < m:
        raise IndexError(f"example {index} is not in the {which} set (m = {m})")
    i = int(index)
    return np.array(X[:, [i]], float), np.array(Y[:, [i]], float)


def _softmax_dz(da: np.ndarray, a: np.ndarray) -> np.ndarray:
    # the softmax Jacobian times da, one column: dz_i = a_i (da_i - Σ_k da_k a_k)
    return a * (da - (da * a).sum(axis=0, keepdims=True))


def trace_columns(network: Network, x: np.ndarray, y: np.ndarray) -> tuple:
    """Forward and backward for one column x (n_x, 1) with target y (n_y, 1): (ŷ, L, layers)."""
    L, acts = network.L, network.activations
    with np.errstate(all="ignore"):  # a diverged run's numbers are shown as they are (inf, nan)
        W = [None] + [np.array(network.params[f"W{l}"], float) for l in range(1, L + 1)]
        b = [None] + [np.array(network.params[f"b{l}"], float) for l in range(1, L + 1)]
        a, z = [x], [None]
        for l in range(1, L + 1):
            z.append(W[l] @ a[l - 1] + b[l])
            a.append(acts[l].forward(z[l]))
        y_hat, loss = a[L], float(network.loss.per_example(a[L], y)[0])
        da, dz = [None] * (L + 1), [None] * (L + 1)
        da[L] = network.loss.gradient(y_hat, y)  # dL/dŷ (m = 1: no 1/m)
        if network.loss.fused_output == acts[L].name:
            dz[L] = y_hat - y
        elif acts[L].name == "softmax":
            dz[L] = _softmax_dz(da[L], y_hat)
        else:
            dz[L] = da[L] * acts[L].derivative(z[L])
        for l in range(L, 1, -1):
            da[l - 1] = W[l].T @ dz[l]
            dz[l - 1] = da[l - 1] * acts[l - 1].derivative(z[l - 1])
        layers = tuple(LayerTrace(l, acts[l].name, W[l], b[l], z[l], a[l], da[l], dz[l], dz[l] @ a[l - 1].T,
                                  dz[l].copy()) for l in range(1, L + 1))
    return y_hat, loss, layers


def trace_example(network: Network, dataset, index: int, which: str = "train") -> Trace:
    """Example ``index`` of the training (or test) set through ``network``, forward and back."""
    x, y = example_columns(dataset, index, which)
    y_hat, loss, layers = trace_columns(network, x, y)
    fused = network.loss.fused_output == network.activations[-1].name
    return Trace(which, int(index), x, y, y_hat, loss, network.loss.name, fused, layers)
