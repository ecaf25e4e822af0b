"""Forward and backward propagation as building blocks with their cache, for the Playground's
"Blocks & cache" panel, and gradient checking of the whole network, bounded for a shared server.

    forward block l:   A[l-1] -> A[l]   with W[l], b[l];      caches Z[l] (and A[l-1], W[l], b[l])
    backward block l:  dA[l] -> dA[l-1] with the cache;       gives dW[l], db[l]

The numbers are the engine's: a copy of the run's network does one forward and one backward pass on
the training set (``Network.gradients``), and its ``cache`` and gradients are what is shown. The run
itself (its θ, gradient, workspaces, history, iteration) is not touched.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from descentlab.engine import cost as engine_cost
from descentlab.engine import gradcheck
from descentlab.engine.network import Network


@dataclass(frozen=True)
class LayerCache:
    """Layer l's forward cache (Z[l], A[l-1], W[l], b[l]), its output A[l] and what its backward
    block gives (dW[l], db[l]), as computed by the engine."""
    layer: int
    Z: np.ndarray
    A_prev: np.ndarray
    W: np.ndarray
    b: np.ndarray
    A: np.ndarray
    dW: np.ndarray
    db: np.ndarray

    def arrays(self) -> dict[str, np.ndarray]:
        """The cached arrays by their names in the course's notation (Z[1], A[0], W[1], b[1])."""
        l = self.layer
        return {f"Z[{l}]": self.Z, f"A[{l - 1}]": self.A_prev, f"W[{l}]": self.W, f"b[{l}]": self.b}

    def gradients(self) -> dict[str, np.ndarray]:
        l = self.layer
        return {f"dW[{l}]": self.dW, f"db[{l}]": self.db}


def pass_cost(network, m: int) -> engine_cost.Cost:
    """A fresh forward and backward pass over ``m`` examples on a copy of ``network``."""
    sizes = list(network.layer_sizes)
    P, (per_example, _) = engine_cost.weights(sizes), engine_cost._buffers_per_example(sizes)
    s = network.dtype.itemsize
    return engine_cost.Cost(s * (3 * P + per_example * m), float(3 * P * m))


def layer_caches(network, X, Y) -> list[LayerCache]:
    """One forward and one backward pass of a copy of ``network`` on X (n_x, m), Y, without dropout:
    every layer's cache and gradients, in the course's layer order (1..L)."""
    net = network.copy()  # its own θ, gradient and workspaces: the run's stay as they were
    grads = net.gradients(X, Y)
    cache = net.cache
    return [LayerCache(l, cache[f"Z{l}"], cache[f"A{l - 1}"], net.params[f"W{l}"], net.params[f"b{l}"],
                       cache[f"A{l}"], grads[f"dW{l}"], grads[f"db{l}"]) for l in range(1, net.L + 1)]


@dataclass(frozen=True)
class GradCheck:
    """A gradient check of a whole network: per parameter array, the relative error over the entries
    checked; on ``examples`` training examples, ``per_block`` entries at most per array (seeded)."""
    blocks: list[gradcheck.BlockCheck]
    examples: int
    per_block: int
    seed: int
    sampled: bool  # some array was checked on a sample of its entries
    work: float    # the multiply-adds it was allowed


def float64_copy(network) -> Network:
    """The network in float64 (float32 rounding swamps any finite difference), with the same θ."""
    net = Network(network.layer_sizes, network.activations[1:-1], network.activations[-1], "zeros", None,
                  network.seed, np.float64, loss=network.loss)
    net.theta[...] = network.theta
    return net


def check_cost(network, m_train: int, work: float = gradcheck.WORK) -> engine_cost.Cost:
    m, per_block = gradcheck.plan(network.layer_sizes, m_train, work)
    entries = sum(min(per_block, network.flat_indices(k).size) for k in network.params)
    return engine_cost.gradcheck(list(network.layer_sizes), m, entries)


def gradient_check(network, X_train, Y_train, l1: float = 0.0, l2: float = 0.0, seed: int = 0,
                   work: float = gradcheck.WORK) -> GradCheck:
    """Backprop against central differences for every parameter array of ``network`` (a float64 copy
    of it: the run is not touched), with the run's L1/L2 penalty and without dropout, on the first
    training examples; sampled as ``gradcheck.plan`` says so that it stays within ``work``."""
    m, per_block = gradcheck.plan(network.layer_sizes, X_train.shape[1], work)
    net = float64_copy(network)
    with np.errstate(all="ignore"):
        blocks = gradcheck.check_blocks(net, X_train[:, :m], Y_train[:, :m], per_block=per_block, seed=seed,
                                        l1=l1, l2=l2)
    return GradCheck(blocks, m, per_block, seed, any(b.checked < b.size for b in blocks), work)
