"""Learning-rate sweep: K copies of one network trained with K learning rates as ONE computation.

All K parameter vectors live in one (K, P) array Θ laid out like the Network's flat θ; layer l of
every run is the strided view Θ[:, block_l] reshaped to (K, n[l], n[l-1] + 1). A forward step is one
``np.matmul`` per layer over the stack (the shared input [X; 1] of shape (n_x + 1, m) broadcasts
against the (K, ...) weights), so the Python overhead of a step does not grow with K.

Scope: full-batch gradient descent only (θ -= α_t g, the Trainer's gd update, any schedule),
optional L1/L2 weight penalties, no dropout, no mini-batches, no other optimizers.

Divergence follows the Trainer run by run: a run whose gradient sum (each step) or training cost
(each record) is NaN/inf stops at that iteration; if its θ is then non-finite it goes back to the
θ of its last record (the Trainer's snapshot); the other runs go on. Stopped runs keep being
computed with the stack (rows are independent) but their update is zeroed, so they stay frozen.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from . import metrics
from .regularization import PenaltyGradient, penalty

MAX_RUNS = 32
MAX_LR = 10.0


def lr_grid(low, high, k) -> np.ndarray:
    """k learning rates log-spaced from low to high (both included)."""
    for name, v in (("low", low), ("high", high)):
        if isinstance(v, bool) or not isinstance(v, (int, float, np.number)) or not math.isfinite(v):
            raise ValueError(f"{name} must be a finite number; got {v!r}")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise ValueError(f"k must be an integer; got {k!r}")
    low, high, k = float(low), float(high), int(k)
    if not 0.0 < low:
        raise ValueError(f"low must be > 0; got {low}")
    if not low < high <= MAX_LR:
        raise ValueError(f"high must be in ({low:g}, {MAX_LR:g}]; got {high}")
    if not 1 <= k <= MAX_RUNS:
        raise ValueError(f"k must be in [1, {MAX_RUNS}]; got {k}")
    return np.geomspace(low, high, k) if k > 1 else np.array([low])


def _softmax_into(z, out):
    # stacked (K, n_y, m): classes are axis -2 (the Activation's softmax normalizes axis 0)
    np.subtract(z, z.max(axis=-2, keepdims=True), out)
    np.exp(out, out)
    out /= out.sum(axis=-2, keepdims=True)
    return out


def _softmax_backward(dA, A, tmp):
    s = np.multiply(dA, A, tmp).sum(axis=-2, keepdims=True)
    np.subtract(dA, s, dA)
    return np.multiply(dA, A, dA)


def _loss_grad_into(name, A, Y, out, m):
    """dJ/dA for stacked A; the Loss functions divide by A.shape[1], which is n_y here, not m."""
    if name == "mse":
        np.subtract(A, Y, out)
        out *= 2.0 / m
    elif name == "mae":
        np.subtract(A, Y, out)
        np.sign(out, out)
        out *= 1.0 / m
    elif name == "bce":
        eps = 1e-7 if A.dtype == np.float32 else 1e-15
        a = np.clip(A, eps, 1.0 - eps)
        np.copyto(out, (a - Y) / (a * (1.0 - a)) / m)
    else:  # softmax_ce
        eps = 1e-7 if A.dtype == np.float32 else 1e-15
        np.copyto(out, -Y / np.maximum(A, eps) / m)
    return out


class _Stack:
    """Forward/backward buffers for K runs on one input set (m columns)."""

    def __init__(self, sizes, K, X1, dtype):
        m = X1.shape[1]
        self.m = m
        # A[0] is shared by all runs: (n_x + 1, m); A[l] for 0 < l < L carries a ones row per run
        self.A = [X1] + [np.ones((K, n + 1, m), dtype) for n in sizes[1:-1]] + [np.empty((K, sizes[-1], m), dtype)]
        self.av = [X1[:-1]] + [a[:, :-1] for a in self.A[1:-1]] + [self.A[-1]]
        self.AT = [a.swapaxes(-1, -2) for a in self.A[:-1]]
        self.Z = [None] + [np.empty((K, n, m), dtype) for n in sizes[1:]]
        self.D = [None] + [np.empty((K, n, m), dtype) for n in sizes[1:]]
        self.T = [None] + [np.empty((K, n, m), dtype) for n in sizes[1:]]


class Sweep:
    """K full-batch gradient-descent runs of ``network`` (its current θ is every run's start)."""

    def __init__(self, network, dataset, learning_rates, record_every=1, l1=0.0, l2=0.0, schedule=None):
        lrs = np.asarray(learning_rates, dtype=np.float64).ravel()
        if not 1 <= lrs.size <= MAX_RUNS:
            raise ValueError(f"learning_rates must hold 1 to {MAX_RUNS} values; got {lrs.size}")
        if not np.all(np.isfinite(lrs) & (lrs > 0)):
            raise ValueError(f"learning_rates must be finite numbers > 0; got {lrs.tolist()}")
        if isinstance(record_every, bool) or int(record_every) < 1:
            raise ValueError(f"record_every must be >= 1; got {record_every}")
        sizes = network.layer_sizes
        if dataset.X_train.shape[0] != sizes[0] or dataset.Y_train.shape[0] != sizes[-1]:
            raise ValueError(f"network {list(sizes)} does not fit the data")
        self.network, self.dataset = network, dataset
        self.learning_rates, self.record_every = lrs, int(record_every)
        self.l1, self.l2, self.schedule = float(l1), float(l2), schedule
        K, dt, L = lrs.size, network.dtype, network.L
        self.K, self.L, self._dtype = K, L, dt
        self._acts, self._loss = network.activations, network.loss
        self._fused = network.loss.fused_output == network.activations[-1].name
        self._theta0 = network.theta.copy()
        self.theta = np.empty((K, network.n_params), dt)
        self.grad = np.zeros_like(self.theta)
        self._scratch = np.empty_like(self.theta)
        off = network.block_offsets
        self._blocks = [None] + [self.theta[:, off[l - 1]:off[l]].reshape(K, sizes[l], sizes[l - 1] + 1)
                                 for l in range(1, L + 1)]
        self._gblocks = [None] + [self.grad[:, off[l - 1]:off[l]].reshape(K, sizes[l], sizes[l - 1] + 1)
                                  for l in range(1, L + 1)]
        self._WT = [None] + [b[:, :, :-1].swapaxes(-1, -2) for b in self._blocks[1:]]
        mask = network.weight_mask.astype(dt)
        self._mask = mask
        self._penalty_grad = PenaltyGradient(mask, self.l1, self.l2, shape=self.theta.shape)

        def with_ones(X):
            return np.vstack([np.asarray(X, dt), np.ones((1, X.shape[1]), dt)])
        self._Ytr, self._Yte = np.asarray(dataset.Y_train, dt), np.asarray(dataset.Y_test, dt)
        self._train = _Stack(sizes, K, with_ones(dataset.X_train), dt)
        self._test = _Stack(sizes, K, with_ones(dataset.X_test), dt) if dataset.X_test.shape[1] else None
        self.reset()

    def reset(self) -> None:
        """Back to iteration 0: every run starts again from the network's initial θ."""
        self.theta[...] = self._theta0
        self.grad[...] = 0.0
        self._snap = self.theta.copy()  # θ of each run at its last record (restored on divergence)
        self.iteration = 0
        self.diverged = np.zeros(self.K, bool)
        self.diverged_at = np.full(self.K, -1, np.int64)
        self._rows: list[dict] = []
        self._frame = None
        self._record()

    # ---- the batched computation ----
    def _forward(self, s: _Stack):
        acts, blocks, A, Z, av = self._acts, self._blocks, s.A, s.Z, s.av
        for l in range(1, self.L + 1):
            np.matmul(blocks[l], A[l - 1], out=Z[l])
            if acts[l].name == "softmax":
                _softmax_into(Z[l], av[l])
            else:
                acts[l].forward_into(Z[l], av[l])
        return A[-1]

    def _backward(self, s: _Stack, Y):
        L, acts, A, Z, D, T, av = self.L, self._acts, s.A, s.Z, s.D, s.T, s.av
        dZ = D[L]
        if self._fused:  # dZ = (A - Y) / m, as the Network computes it
            np.multiply(np.subtract(A[L], Y, dZ), 1.0 / s.m, dZ)
        else:
            _loss_grad_into(self._loss.name, A[L], Y, dZ, s.m)
            if acts[L].name == "softmax":
                _softmax_backward(dZ, A[L], T[L])
            else:  # element-wise g': broadcasts over the run axis as is
                acts[L].backward(dZ, Z[L], A[L], T[L])
        for l in range(L, 0, -1):
            np.matmul(dZ, s.AT[l - 1], out=self._gblocks[l])  # [dW | db] of every run in one product
            if l > 1:
                np.matmul(self._WT[l], dZ, out=D[l - 1])
                dZ = acts[l - 1].backward(D[l - 1], Z[l - 1], av[l - 1], T[l - 1])

    def _lr_now(self) -> np.ndarray:
        lrs = self.learning_rates
        return lrs if self.schedule is None else np.asarray(self.schedule(lrs, self.iteration), np.float64)

    def step(self, n: int = 1) -> None:
        """Advance every still-running run n iterations (the sweep stops early if all have stopped)."""
        theta, grad, s = self.theta, self.grad, self._scratch
        with np.errstate(all="ignore"):  # overflow is divergence, handled per run, never warned about
            for _ in range(int(n)):
                if self.diverged.all():
                    break
                self._forward(self._train)
                self._backward(self._train, self._Ytr)
                if self._penalty_grad.active:
                    self._penalty_grad(theta, grad)
                bad = ~np.isfinite(np.add.reduce(grad, axis=1)) & ~self.diverged
                if bad.any():
                    self._diverge(bad, self.iteration + 1)
                lr = self._lr_now().astype(self._dtype)
                if self.diverged.any():
                    lr[self.diverged] = 0.0
                    grad[self.diverged] = 0.0  # 0 * NaN would still be NaN
                np.multiply(grad, lr[:, None], out=s)
                np.subtract(theta, s, out=theta)
                self.iteration += 1
                if self.iteration % self.record_every == 0:
                    self._record()

    def _diverge(self, which: np.ndarray, iteration: int) -> None:
        self.diverged |= which
        self.diverged_at[which] = iteration
        nonfinite = which & ~np.isfinite(self.theta).all(axis=1)
        self.theta[nonfinite] = self._snap[nonfinite]

    # ---- evaluation and history ----
    def _score(self, A, Y, suffix):
        reg = self.dataset.task == "regression"
        return {f"r2_{suffix}": metrics.r2_score(A, Y)} if reg else {f"accuracy_{suffix}": metrics.accuracy(A, Y)}

    def _evaluate(self) -> list[dict]:
        """Cost and accuracy (or R²) of every run on the train and test sets at the current θ."""
        loss = self._loss
        with np.errstate(all="ignore"):
            At = self._forward(self._test) if self._test is not None else None
            A = self._forward(self._train)
            rows = []
            for k in range(self.K):  # per-run scalars only; the forward passes above are batched
                row = {"cost_train": loss.cost(A[k], self._Ytr), **self._score(A[k], self._Ytr, "train")}
                if At is not None:
                    row.update({"cost_test": loss.cost(At[k], self._Yte), **self._score(At[k], self._Yte, "test")})
                else:
                    row.update({k2.replace("train", "test"): float("nan") for k2 in list(row)})
                rows.append(row)
        return rows

    def _record(self) -> None:
        active = ~self.diverged
        rows = self._evaluate()
        lr = self._lr_now()
        bad = np.array([not math.isfinite(r["cost_train"]) for r in rows]) & active
        if bad.any():
            self._diverge(bad, self.iteration)
        for k in np.flatnonzero(active & ~bad):
            pen = penalty(self.theta[k], self._mask, self.l1, self.l2) if (self.l1 or self.l2) else 0.0
            self._rows.append({"iteration": self.iteration, "run": int(k), "learning_rate": float(lr[k]),
                               **rows[k], "penalty": pen})
        self._snap[active & ~bad] = self.theta[active & ~bad]
        self._frame = None

    @property
    def history(self) -> pd.DataFrame:
        """Long format: one row per (recorded iteration, running run)."""
        if self._frame is None:
            self._frame = pd.DataFrame(self._rows)
        return self._frame

    def final(self) -> pd.DataFrame:
        """One row per run at its current (for a stopped run: frozen) parameters. ``accuracy`` (or
        ``r2`` for regression) is the test-set score, the train-set score when there is no test set."""
        rows = self._evaluate()
        score = "r2" if self.dataset.task == "regression" else "accuracy"
        out = []
        for k, r in enumerate(rows):
            out.append({"run": k, "learning_rate": float(self.learning_rates[k]),
                        "cost_train": r["cost_train"], "cost_test": r["cost_test"],
                        score: r[f"{score}_train" if self._test is None else f"{score}_test"],
                        "diverged": bool(self.diverged[k]), "diverged_at": int(self.diverged_at[k])})
        return pd.DataFrame(out)

    def params(self, k: int) -> dict:
        """{"W1", "b1", ...} of run k (copies)."""
        if isinstance(k, bool) or not 0 <= int(k) < self.K:
            raise IndexError(f"run must be in [0, {self.K - 1}]; got {k}")
        out = {}
        for l in range(1, self.L + 1):
            blk = self._blocks[l][int(k)]
            out[f"W{l}"], out[f"b{l}"] = blk[:, :-1].copy(), blk[:, -1:].copy()
        return out


def sweep_from_config(config, learning_rates) -> Sweep:
    """A Sweep over ``learning_rates`` for the network and data that ``config`` builds (its
    learning_rate is ignored). Refuses settings the sweep cannot honour, naming the field."""
    from .config import ConfigError, build
    from .optimizers import make_schedule

    if config.batch_size is not None:
        raise ConfigError(f"batch_size: the sweep is full-batch only (batch_size must be all); "
                          f"got {config.batch_size}", "batch_size")
    if config.optimizer != "gd":
        raise ConfigError(f"optimizer: the sweep runs plain gradient descent only; got {config.optimizer!r}",
                          "optimizer")
    if config.dropout > 0:
        raise ConfigError(f"dropout: the sweep does not support dropout; got {config.dropout}", "dropout")
    net, data, _ = build(config)
    schedule = None if config.schedule == "constant" else make_schedule(
        config.schedule, config.decay_rate, config.decay_steps)
    return Sweep(net, data, learning_rates, record_every=config.record_every, l1=config.l1, l2=config.l2,
                 schedule=schedule)
