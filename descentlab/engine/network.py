"""A fully connected network in the course's notation, with hand-written vectorized backprop.

    X: (n_x, m), examples as columns        W[l]: (n[l], n[l-1])        b[l]: (n[l], 1)
    Z[l] = W[l] A[l-1] + b[l]               A[l] = g[l](Z[l])           A[0] = X
    dZ[L] = A[L] - Y   (fused sigmoid + cross-entropy, softmax + cross-entropy; 1/m folded in)
    dW[l] = dZ[l] A[l-1]^T     db[l] = Σ_examples dZ[l]     dA[l-1] = W[l]^T dZ[l]
    dZ[l] = dA[l] * g'[l](Z[l])

How it is fast. All parameters live in ONE flat buffer θ; layer l owns a block [W[l] | b[l]] of shape
(n[l], n[l-1] + 1), and ``params["W1"]`` / ``params["b1"]`` are views into it. Every activation
buffer A[l-1] carries an extra row of ones, so Z[l] = [W | b] [A; 1] is one matmul (the bias add is
free) and dW and db come out of one matmul dZ [A; 1]^T written straight into the flat gradient.
Buffers for a given m are preallocated in a ``Workspace`` and reused, so a training step makes
about five numpy calls per layer plus two for the whole update, and allocates almost nothing.
"""
from __future__ import annotations

from collections import OrderedDict
from types import MappingProxyType

import numpy as np

from descentlab.engine.activations import (
    Activation,
    get_activation,
    get_output_activation,
)
from descentlab.engine.initializers import get_initializer
from descentlab.engine.losses import Loss, check_output, get_loss
from descentlab.engine.regularization import inverted_dropout_mask


class Workspace:
    """Preallocated forward/backward buffers for one batch size m.

    A[l] has shape (n[l] + 1, m) for l < L (last row = ones, the bias input) and (n[L], m) for l = L;
    ``a(l)`` is the view without the ones row. D[l] holds dA[l] and then, in place, dZ[l]."""

    def __init__(self, sizes, m: int, dtype):
        L = len(sizes) - 1
        self.m = m
        self.A = [np.empty((n + 1, m), dtype) for n in sizes[:-1]] + [np.empty((sizes[-1], m), dtype)]
        for a in self.A[:-1]:
            a[-1] = 1.0
        self.Z = [None] + [np.empty((n, m), dtype) for n in sizes[1:]]
        self.D = [None] + [np.empty((n, m), dtype) for n in sizes[1:]]
        self.T = [None] + [np.empty((n, m), dtype) for n in sizes[1:]]  # scratch for g'
        self.av = [a[:-1] for a in self.A[:-1]] + [self.A[-1]]  # A[l] without the ones row
        self.masks = [None] * (L + 1)  # dropout masks of the last training forward pass

    def a(self, l: int) -> np.ndarray:
        return self.av[l]

    def set_input(self, X) -> None:
        np.copyto(self.A[0][:-1], X)


class Network:
    """Fully connected network. ``layer_sizes`` = [n_x, n[1], ..., n[L]] as in the course."""

    MAX_WORKSPACES = 4

    def __init__(self, layer_sizes, activation="relu", output_activation=None, init="he", init_scale=None,
                 seed=0, dtype=np.float64, loss=None):
        sizes = tuple(int(n) for n in layer_sizes)
        if len(sizes) < 2 or any(n < 1 for n in sizes) or any(
                isinstance(n, bool) or int(n) != n for n in layer_sizes):
            raise ValueError(f"layer_sizes must be [n_x, n1, ..., n_y] of positive integers; got {list(layer_sizes)}")
        self.layer_sizes = sizes
        self.L = len(sizes) - 1
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64; got {self.dtype}")
        n_hidden = self.L - 1
        if isinstance(activation, (str, Activation)):
            activation = [activation] * n_hidden
        activation = list(activation)
        if len(activation) != n_hidden:
            raise ValueError(f"activation list has {len(activation)} entries but there are {n_hidden} hidden layers")
        self.loss: Loss = get_loss(loss or ("bce" if sizes[-1] == 1 else "softmax_ce"))
        out = get_output_activation(output_activation or self.loss.default_output)
        check_output(self.loss, out.name, sizes[-1])
        # g[1..L]; index 0 unused so that g[l] matches the course's layer numbers
        self.activations: list = [None] + [get_activation(a) for a in activation] + [out]
        self._fused = self.loss.fused_output == out.name
        self.init, self.init_scale, self.seed = init, init_scale, seed

        offsets = np.cumsum([0] + [n * (k + 1) for k, n in zip(sizes[:-1], sizes[1:])])
        self.block_offsets = offsets  # layer l's block [W | b] is θ[block_offsets[l-1]:block_offsets[l]]
        self._flat_idx: dict[str, np.ndarray] = {}
        self.theta = np.zeros(int(offsets[-1]), self.dtype)  # all parameters
        self.grad = np.zeros_like(self.theta)  # all gradients, same layout
        self._blocks = [None] + [self.theta[offsets[l - 1]:offsets[l]].reshape(sizes[l], sizes[l - 1] + 1)
                                 for l in range(1, self.L + 1)]
        self._gblocks = [None] + [self.grad[offsets[l - 1]:offsets[l]].reshape(sizes[l], sizes[l - 1] + 1)
                                  for l in range(1, self.L + 1)]
        mask = np.zeros_like(self.theta)
        self._WT = [None] + [b[:, :-1].T for b in self._blocks[1:]]  # W[l]^T views for backprop
        self._params = {}
        self._grads = {}
        for l in range(1, self.L + 1):
            self._params[f"W{l}"], self._params[f"b{l}"] = self._blocks[l][:, :-1], self._blocks[l][:, -1:]
            self._grads[f"dW{l}"], self._grads[f"db{l}"] = self._gblocks[l][:, :-1], self._gblocks[l][:, -1:]
            mask[offsets[l - 1]:offsets[l]].reshape(sizes[l], sizes[l - 1] + 1)[:, :-1] = 1.0
        self.weight_mask = mask  # 1 on weights, 0 on biases (regularization never touches b)
        self.params = MappingProxyType(self._params)  # assign in place: params["W1"][...] = value
        self._init_params(init, init_scale, seed)
        self._workspaces: OrderedDict[int, Workspace] = OrderedDict()
        self._last: Workspace | None = None

    def _init_params(self, init, scale, seed):
        fn = get_initializer(init)
        rng = np.random.default_rng(seed)
        for l in range(1, self.L + 1):
            self._blocks[l][:, :-1] = fn(self.layer_sizes[l], self.layer_sizes[l - 1], rng, scale)
            self._blocks[l][:, -1] = 0.0  # biases start at zero: the course's choice, symmetric is fine

    # ---- fast internal path (used by the Trainer) ----
    def workspace(self, m: int) -> Workspace:
        """A fresh workspace the caller owns (the Trainer keeps one per batch size)."""
        return Workspace(self.layer_sizes, m, self.dtype)

    def _shared_workspace(self, m: int) -> Workspace:
        ws = self._workspaces.pop(m, None) or Workspace(self.layer_sizes, m, self.dtype)
        self._workspaces[m] = ws
        while len(self._workspaces) > self.MAX_WORKSPACES:
            self._workspaces.popitem(last=False)
        return ws

    def forward_workspace(self, ws: Workspace, keep_prob: float = 1.0, rng=None) -> np.ndarray:
        """Forward pass on the input already in ws.A[0]; returns A[L] (a view into ws).

        The hot path: callers wrap it in np.errstate (an overflow to inf is legitimate here and is
        caught as divergence by the Trainer, not warned about)."""
        L, blocks, acts, A, Z, av = self.L, self._blocks, self.activations, ws.A, ws.Z, ws.av
        for l in range(1, L + 1):
            np.dot(blocks[l], A[l - 1], Z[l])
            a = av[l]
            acts[l].forward_into(Z[l], a)
            if keep_prob < 1.0 and l < L:
                ws.masks[l] = inverted_dropout_mask(a.shape, keep_prob, rng, self.dtype)
                a *= ws.masks[l]
            else:
                ws.masks[l] = None
        self._last = ws
        return ws.A[L]

    def backward_workspace(self, ws: Workspace, Y) -> np.ndarray:
        """Backprop after forward_workspace; writes dJ/dθ into self.grad and returns it."""
        L, WT, gblocks, acts = self.L, self._WT, self._gblocks, self.activations
        A, Z, D, T, av = ws.A, ws.Z, ws.D, ws.T, ws.av
        dZ = D[L]
        if self._fused:
            np.subtract(A[L], Y, dZ)
            dZ *= 1.0 / ws.m
        else:
            self.loss.gradient_into(A[L], Y, dZ)
            acts[L].backward(dZ, Z[L], A[L], T[L])
        for l in range(L, 0, -1):
            np.dot(dZ, A[l - 1].T, gblocks[l])  # [dW | db] in one product
            if l > 1:
                dA = D[l - 1]
                np.dot(WT[l], dZ, dA)
                if ws.masks[l - 1] is None:
                    dZ = acts[l - 1].backward(dA, Z[l - 1], av[l - 1], T[l - 1])
                else:
                    dA *= ws.masks[l - 1]
                    # av now holds g(Z)·D, not g(Z): g' from it would be wrong (tanh: 1 - (a·D)²), so
                    # from Z itself, as the math says
                    dZ = np.multiply(dA, acts[l - 1].dfn(Z[l - 1]), dA)
        return self.grad

    # ---- public API in the course's terms ----
    def _check_X(self, X):
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[0] != self.layer_sizes[0]:
            raise ValueError(f"X must have shape (n_x, m) = ({self.layer_sizes[0]}, m); got {X.shape}")
        return X

    def forward(self, X) -> np.ndarray:
        """A[L] for X (n_x, m); the cache of every Z[l], A[l] is kept in ``cache``."""
        X = self._check_X(X)
        ws = self._shared_workspace(X.shape[1])
        ws.set_input(X)
        with np.errstate(all="ignore"):
            return self.forward_workspace(ws).copy()

    @property
    def cache(self) -> dict:
        """Z[l] and A[l] of the most recent forward pass (views: copy them to keep them)."""
        ws = self._last
        if ws is None:
            return {}
        out = {"A0": ws.a(0)}
        for l in range(1, self.L + 1):
            out[f"Z{l}"], out[f"A{l}"] = ws.Z[l], ws.a(l)
        return out

    def cost(self, X, Y) -> float:
        """J = (1/m) Σ L(A[L], Y), without any regularization penalty."""
        return self.loss.cost(self.forward(X), Y)

    def gradients(self, X, Y) -> dict:
        """{"dW1", "db1", ...} of J at the current parameters, by backprop (copies)."""
        X = self._check_X(X)
        ws = self._shared_workspace(X.shape[1])
        ws.set_input(X)
        with np.errstate(all="ignore"):
            self.forward_workspace(ws)
            self.backward_workspace(ws, np.asarray(Y, self.dtype))
        return {k: v.copy() for k, v in self._grads.items()}

    def predict_proba(self, X) -> np.ndarray:
        return self.forward(X)

    def predict(self, X) -> np.ndarray:
        """Class labels (1, m): threshold 0.5 for one output, argmax for k; the value for regression."""
        A = self.forward(X)
        if self.loss.name in ("mse", "mae") and A.shape[0] == 1 and self.activations[-1].name == "linear":
            return A
        if A.shape[0] == 1:
            return (A > 0.5).astype(np.int64)
        return A.argmax(axis=0)[None, :]

    def set_params(self, params) -> None:
        """Copy values into the parameters (shapes must match)."""
        for k, v in params.items():
            if k not in self._params:
                raise KeyError(f"unknown parameter {k!r}; this network has {', '.join(self._params)}")
            v = np.asarray(v)
            if v.shape != self._params[k].shape:
                raise ValueError(f"{k} must have shape {self._params[k].shape}; got {v.shape}")
            self._params[k][...] = v

    def copy(self) -> "Network":
        net = Network(self.layer_sizes, self.activations[1:-1], self.activations[-1], "zeros", None,
                      self.seed, self.dtype, loss=self.loss)
        net.init, net.init_scale = self.init, self.init_scale
        net.theta[...] = self.theta
        return net

    def flat_indices(self, name: str) -> np.ndarray:
        """Positions of parameter ``name`` ("W2", "b1", ...) inside the flat θ, in row-major order.
        The layout never changes, so each is computed once (rewinding asks for them every frame)."""
        idx = self._flat_idx.get(name)
        if idx is None:
            if name not in self._params:
                raise KeyError(f"unknown parameter {name!r}; this network has {', '.join(self._params)}")
            l = int(name[1:])
            n, k = self.layer_sizes[l], self.layer_sizes[l - 1]
            grid = self.block_offsets[l - 1] + np.arange(n * (k + 1)).reshape(n, k + 1)
            idx = self._flat_idx[name] = (grid[:, :-1] if name[0] == "W" else grid[:, -1:]).ravel()
            idx.setflags(write=False)
        return idx

    @property
    def n_params(self) -> int:
        return int(self.theta.size)

    def describe(self) -> str:
        hidden = ", ".join(a.name for a in self.activations[1:-1]) or "none"
        return (f"Network {list(self.layer_sizes)} hidden={hidden} output={self.activations[-1].name} "
                f"loss={self.loss.name} params={self.n_params}")

    __repr__ = describe
