"""Learning-rate sweep: K copies of one network trained with K learning rates as ONE computation.

All K parameter vectors live in one (K, P) array Θ laid out like the Network's flat θ; layer l of
every run is the strided view Θ[:, block_l] reshaped to (K, n[l], n[l-1] + 1). One training step
is a fixed list of numpy calls on preallocated buffers, whatever K is (see ``_Plan``):

- layer 1: the K runs share their input [X; 1], so their first layers stacked into one matrix make
  Z[1] of every run ONE 2-D product, and [dW[1] | db[1]] of every run another one;
- layers l > 1: ``np.matmul`` over the stack (K, n[l], n[l-1] + 1) @ (K, n[l-1] + 1, m); when
  n[l] = 1, W^T dZ is an outer product and takes one einsum;
- element-wise work runs once over each whole stack, in place, on contiguous buffers: ReLU's g'
  is a mask of A > 0, sigmoid's and tanh's come from A (as the Activation computes them), and a
  sigmoid/BCE or softmax/CE output keeps the fused dZ = (A - Y)/m.

Exactly the Trainer's arithmetic: every product has the Trainer's per-run shape, or is checked once
to round exactly like it (``_one_product_rounds_like_per_run``), so each run reproduces its own
Trainer bit for bit, even while it diverges.

Scope: full-batch gradient descent only (θ -= α_t g, the Trainer's gd update, any schedule),
optional L1/L2 weight penalties, no dropout, no mini-batches, no other optimizers.

Divergence follows the Trainer run by run: a run whose gradient sum (each step) or training cost
(each record) is NaN/inf stops at that iteration; if its θ is then non-finite it goes back to the
θ of its last record (the Trainer's snapshot); the other runs go on. Stopped runs keep being
computed with the stack (rows are independent) but their gradient is zeroed, so they stay frozen.

``diverged`` holds per-run flags (a plain bool array); ``all_stopped`` says whether training has
stopped (every run diverged). A live page drives a Sweep through descentlab.engine.sweep_log.LoggedSweep.
Where the time goes, and why the speed-up over K Trainers is bounded: see bench/sweep_bench.py.
"""
from __future__ import annotations

import math
from functools import partial

import numpy as np
import pandas as pd

from descentlab.engine import metrics
from descentlab.engine.history import thin
from descentlab.engine.regularization import PenaltyGradient, penalty

MAX_RUNS = 32
MAX_LR = 10.0
# History rows (one per run and record) kept; past it the older half of the records is thinned to every
# other one, as descentlab.engine.history does: a sweep left playing for an hour would otherwise hold ~2 GB.
MAX_HISTORY_ROWS = 64_000


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


# ---- element-wise pieces on the stacked (K, n, m) arrays ----
# hidden activations whose g' the backward pass computes from A alone (Activation.fast_backward)
_G_FROM_A = frozenset({"relu", "sigmoid", "tanh", "linear"})


def _relu_backward(dA, A, mask):
    # dA * [A > 0] through a bool mask: ~1.5x faster than the Activation's dA * sign(A) at this size.
    # The two differ only where A is NaN (0 here, NaN there); a NaN in A reaches the output, so that
    # run's gradient is NaN either way and it stops at the same iteration.
    np.greater(A, 0.0, out=mask)
    return np.multiply(dA, mask, out=dA)


def _softmax_into(z, out):
    # classes are axis -2 of the stack (the Activation's softmax normalizes axis 0)
    np.subtract(z, z.max(axis=-2, keepdims=True), out)
    np.exp(out, out)
    out /= out.sum(axis=-2, keepdims=True)
    return out


def _softmax_backward(dA, A, tmp):
    s = np.multiply(dA, A, tmp).sum(axis=-2, keepdims=True)
    np.subtract(dA, s, dA)
    return np.multiply(dA, A, dA)


# the losses whose dJ/dA _loss_grad_into computes on the stack
STACKED_LOSS_GRADIENTS = ("mse", "mae", "bce", "softmax_ce")


def _unsupported(loss) -> ValueError:
    return ValueError(f"the sweep has no stacked gradient for loss {loss.name!r}; it supports "
                      f"{', '.join(STACKED_LOSS_GRADIENTS)}")


def _loss_grad_into(loss, A, Y, out, m):
    """dJ/dA of ``loss`` (a descentlab.engine.losses.Loss) for stacked A; the Loss functions divide by
    A.shape[1], which is n_y here, not m. ValueError for a loss it has no stacked gradient for."""
    name = loss.name
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
    elif name == "softmax_ce":
        eps = 1e-7 if A.dtype == np.float32 else 1e-15
        np.copyto(out, -Y / np.maximum(A, eps) / m)
    else:
        raise _unsupported(loss)
    return out


def _one_product_rounds_like_per_run(K, n1, rows, X1, backward) -> bool:
    """Does ONE product over the K stacked first layers (``rows`` = n[1] or n[1] + 1 per run) round
    exactly like the Trainer's product of each run's own layer? BLAS picks kernels by shape (a
    one-row product goes another way), so this is asked of the BLAS at hand, once, on random weights."""
    rng = np.random.default_rng(0)
    n_in, m = X1.shape
    W = rng.standard_normal((K, rows, n_in)).astype(X1.dtype)
    if not all(np.array_equal(z[:n1], np.dot(w[:n1], X1))
               for w, z in zip(W, np.dot(W.reshape(-1, n_in), X1).reshape(K, rows, m))):
        return False
    D = rng.standard_normal((K, rows, m)).astype(X1.dtype)
    return not backward or all(np.array_equal(g[:n1], np.dot(d[:n1], X1.T))
                               for d, g in zip(D, np.dot(D.reshape(-1, m), X1.T).reshape(K, rows, n_in)))


class _Plan:
    """Buffers for K runs on one input set (m columns), and the numpy calls of a forward pass and
    of a backward pass over them, bound once as argument-free callables (a step then pays no
    attribute look-ups or branching: it is just the calls).

    Hidden layer l keeps Z, A and dA as contiguous (K, n[l] + 1, m) arrays whose last row per run
    is the bias input: 1 in A (so the next layer's product adds b), 1 or unused in Z, 0 in dA. The
    element-wise passes then run over whole contiguous arrays, bias rows included (relu(1) = 1),
    about twice as fast as over the strided views without those rows. Layer 1's shared product
    writes Z[1]'s bias rows itself: the stacked weights carry a fixed [0 ... 0 1] row per run."""

    def __init__(self, sweep: Sweep, X, Y=None):
        sizes, K, dt, L = sweep._sizes, sweep.K, sweep._dtype, sweep.L
        m = X.shape[1]
        self.m = m
        X1 = np.vstack([np.asarray(X, dt), np.ones((1, m), dt)])  # [X; 1], shared by every run
        shapes = [None] + [(K, n + 1, m) for n in sizes[1:-1]] + [(K, sizes[-1], m)]
        self.A = [X1] + [np.ones(s, dt) for s in shapes[1:]]
        self.D = [None] + [np.zeros(s, dt) for s in shapes[1:]]  # dA[l], then dZ[l] in place
        # when g'[l] comes from A alone, Z[l] is dead by the backward pass: it lives in A[l] (hidden;
        # g is applied in place) or in D[l] (output)
        self.Z = [None] + [(a if l < L else d) if sweep._acts[l].name in _G_FROM_A else np.ones_like(d)
                           for l, (a, d) in enumerate(zip(self.A[1:], self.D[1:]), 1)]
        # layer 1 as one product of all runs (they share [X; 1]) when it rounds as the Trainer's do,
        # else one product per run (np.matmul over the stack)
        self.one_first_product = _one_product_rounds_like_per_run(K, sizes[1], shapes[1][1], X1, Y is not None)
        big = (max(sizes[1:]) + 1) * K * m  # one scratch serves every layer: g' is used right away
        relu = any(g.name == "relu" for g in sweep._acts[1:])
        self._scratch, self._mask, self._zeros = np.empty(big, dt), np.empty(big, bool), np.zeros(big * relu, dt)
        self.forward = self._forward_calls(sweep)
        self.backward = [] if Y is None else self._backward_calls(sweep, np.asarray(Y, dt))

    def scratch(self, shape, kind="scratch"):
        buf = {"scratch": self._scratch, "mask": self._mask, "zeros": self._zeros}[kind]
        return buf[:math.prod(shape)].reshape(shape)

    def _forward_calls(self, sw):
        A, Z, L, calls = self.A, self.Z, sw.L, []
        for l in range(1, L + 1):
            z = Z[l] if l == L else Z[l][:, :-1]  # the units' rows; under them the bias row
            if l == 1 and self.one_first_product:  # Z[1] of every run, bias rows included
                calls += [partial(np.copyto, sw._w1_aug[:, :sw._sizes[1]], sw._blocks[1]),
                          partial(np.dot, sw._w1_aug.reshape(-1, sw._sizes[0] + 1), A[0], Z[1].reshape(-1, self.m))]
            else:  # per run, the Trainer's own product shape: BLAS then rounds exactly as it does
                calls.append(partial(np.matmul, sw._blocks[l], A[l - 1], out=z))
            g = sw._acts[l]
            if g.name == "softmax":
                calls.append(partial(_softmax_into, Z[l], A[l]))
            elif g.name == "relu":  # max with an array of zeros: ~1.7x faster than with the scalar 0
                calls.append(partial(np.maximum, Z[l], self.scratch(Z[l].shape, "zeros"), out=A[l]))
            else:
                calls.append(partial(g.forward_into, Z[l], A[l]))
            if l < L and g.name not in ("relu", "linear"):  # g(1) != 1: the bias input back to 1
                calls.append(partial(np.copyto, A[l][:, -1], 1.0))
        return calls

    def _backward_calls(self, sw, Y):
        L, sizes, m = sw.L, sw._sizes, self.m
        A, Z, D = self.A, self.Z, self.D
        g_out, calls = sw._acts[L], []
        if sw._loss.fused_output == g_out.name:  # dZ = (A - Y)/m, the Network's two calls
            calls += [partial(np.subtract, A[L], Y, D[L]), partial(np.multiply, D[L], 1.0 / m, D[L])]
        else:
            if sw._loss.name not in STACKED_LOSS_GRADIENTS:  # refused when built, not at the first step
                raise _unsupported(sw._loss)
            calls.append(partial(_loss_grad_into, sw._loss, A[L], Y, D[L], m))
            tmp = self.scratch(D[L].shape)
            calls.append(partial(_softmax_backward, D[L], A[L], tmp) if g_out.name == "softmax"
                         else partial(g_out.backward, D[L], Z[L], A[L], tmp))
        for l in range(L, 1, -1):
            dZ = D[l] if l == L else D[l][:, :-1]  # the units' rows, not the bias row
            calls.append(partial(np.matmul, dZ, A[l - 1].swapaxes(-1, -2), out=sw._gblocks[l]))
            W_T = sw._blocks[l][:, :, :-1].swapaxes(-1, -2)  # (K, n[l-1], n[l]) views
            dA = D[l - 1][:, :-1]  # its bias row stays 0
            if sizes[l] == 1:  # W^T dZ is an outer product (einsum: faster than matmul or a broadcast *)
                calls.append(partial(np.einsum, "kio,kom->kim", W_T, dZ, out=dA))
            else:
                calls.append(partial(np.matmul, W_T, dZ, out=dA))
            g, shape = sw._acts[l - 1], D[l - 1].shape
            if g.name == "relu":
                calls.append(partial(_relu_backward, D[l - 1], A[l - 1], self.scratch(shape, "mask")))
            else:
                calls.append(partial(g.backward, D[l - 1], Z[l - 1], A[l - 1], self.scratch(shape)))
        if self.one_first_product:  # [dW | db] of every first layer in one product, then into Θ's gradient
            calls += [partial(np.dot, D[1].reshape(-1, m), A[0].T, sw._g1_aug.reshape(-1, sizes[0] + 1)),
                      partial(np.copyto, sw._gblocks[1], sw._g1_aug[:, :sizes[1]])]
        else:
            dZ = D[1] if L == 1 else D[1][:, :-1]
            calls.append(partial(np.matmul, dZ, A[0].swapaxes(-1, -2), out=sw._gblocks[1]))
        return calls

    def run_forward(self) -> np.ndarray:
        for call in self.forward:
            call()
        return self.A[-1]


class Sweep:
    """K full-batch gradient-descent runs of ``network`` (its current θ is every run's start).

    ``record_every``: record a history row every N iterations (and at iteration 0); None records
    only when ``record()`` is called, as the Trainer does for a UI that records once per frame."""

    def __init__(self, network, dataset, learning_rates, record_every=1, l1=0.0, l2=0.0, schedule=None):
        lrs = np.asarray(learning_rates, dtype=np.float64).ravel()
        if not 1 <= lrs.size <= MAX_RUNS:
            raise ValueError(f"learning_rates must hold 1 to {MAX_RUNS} values; got {lrs.size}")
        if not np.all(np.isfinite(lrs) & (lrs > 0)):
            raise ValueError(f"learning_rates must be finite numbers > 0; got {lrs.tolist()}")
        if record_every is not None and (isinstance(record_every, bool) or int(record_every) < 1):
            raise ValueError(f"record_every must be >= 1, or None to record only on record(); got {record_every}")
        sizes = network.layer_sizes
        if dataset.X_train.shape[0] != sizes[0] or dataset.Y_train.shape[0] != sizes[-1]:
            raise ValueError(f"network {list(sizes)} does not fit the data")
        self.network, self.dataset = network, dataset
        self.learning_rates = lrs
        self.record_every = None if record_every is None else int(record_every)
        self.l1, self.l2, self.schedule = float(l1), float(l2), schedule
        K, dt, L = lrs.size, network.dtype, network.L
        self.K, self.L, self._dtype, self._sizes = K, L, dt, sizes
        self._acts, self._loss = network.activations, network.loss
        self._theta0 = network.theta.copy()
        self.theta = np.empty((K, network.n_params), dt)
        self.grad = np.zeros_like(self.theta)
        self._scratch = np.empty_like(self.theta)
        off = network.block_offsets
        self._blocks = [None] + [self.theta[:, off[l - 1]:off[l]].reshape(K, sizes[l], sizes[l - 1] + 1)
                                 for l in range(1, L + 1)]
        self._gblocks = [None] + [self.grad[:, off[l - 1]:off[l]].reshape(K, sizes[l], sizes[l - 1] + 1)
                                  for l in range(1, L + 1)]
        # the K first layers' [W | b] as one contiguous matrix for the shared-input product, each with
        # a fixed [0 ... 0 1] row under it that makes the bias row of Z[1] (see _Plan)
        self._w1_aug = np.zeros((K, sizes[1] + (L > 1), sizes[0] + 1), dt)
        if L > 1:
            self._w1_aug[:, -1, -1] = 1.0
        self._g1_aug = np.empty_like(self._w1_aug)
        self._mask = network.weight_mask.astype(dt)
        self._penalty_grad = PenaltyGradient(self._mask, self.l1, self.l2, shape=self.theta.shape)
        self._Ytr, self._Yte = np.asarray(dataset.Y_train, dt), np.asarray(dataset.Y_test, dt)
        self._train = _Plan(self, dataset.X_train, dataset.Y_train)
        self._test = _Plan(self, dataset.X_test) if dataset.X_test.shape[1] else None
        self.reset()

    def reset(self) -> None:
        """Back to iteration 0: every run starts again from the network's initial θ."""
        self.theta[...] = self._theta0
        self.grad[...] = 0.0
        self._snap = self.theta.copy()  # θ of each run at its last record (restored on divergence)
        self.iteration = 0
        self.diverged = np.zeros(self.K, bool)
        self.diverged_at = np.full(self.K, -1, np.int64)
        self._lr_col = self.learning_rates.astype(self._dtype)[:, None]  # 0 for stopped runs
        self._stopped_rows = None  # indices of the stopped runs, once there are any
        self._all_stopped = False
        self._records: list[list[dict]] = []  # one list of rows (one per running run) per record
        self._frame = None
        self._last_recorded = -1
        self._record()

    @property
    def all_stopped(self) -> bool:
        """Has training stopped? True once every run has diverged (one diverging does not stop the others)."""
        return self._all_stopped

    @property
    def message(self) -> str:
        """Which runs diverged, and when; empty while none has."""
        hit = np.flatnonzero(self.diverged)
        if hit.size == 0:
            return ""
        runs = ", ".join(f"α = {self.learning_rates[k]:.3g} at iteration {self.diverged_at[k]}" for k in hit)
        if hit.size == self.K:
            return f"every run diverged ({runs}) — try smaller learning rates"
        return f"{hit.size} of {self.K} runs diverged ({runs}); the others go on"

    # ---- training ----
    def _lr_now(self) -> np.ndarray:
        lrs = self.learning_rates
        return lrs if self.schedule is None else np.asarray(self.schedule(lrs, self.iteration), np.float64)

    def step(self, n: int = 1) -> None:
        """Advance every still-running run n iterations (the sweep stops early if all have stopped)."""
        theta, grad, s = self.theta, self.grad, self._scratch
        calls = self._train.forward + self._train.backward
        penalize = self._penalty_grad if self._penalty_grad.active else None
        every = self.record_every
        with np.errstate(all="ignore"):  # overflow is divergence, handled per run, never warned about
            for _ in range(int(n)):
                if self._all_stopped:
                    break
                for call in calls:
                    call()
                if penalize is not None:
                    penalize(theta, grad)
                stopped = self._stopped_rows
                if stopped is not None:
                    grad[stopped] = 0.0  # a frozen run's gradient may be NaN, and 0 * NaN is NaN
                # each run's gradient sum, as the Trainer checks it; their total is one cheap test
                sums = np.add.reduce(grad, axis=1)
                if not math.isfinite(np.add.reduce(sums)):
                    bad = ~np.isfinite(sums) & ~self.diverged
                    if bad.any():
                        self._diverge(bad, self.iteration + 1)
                        grad[bad] = 0.0
                lr = self._lr_col
                if self.schedule is not None:
                    lr = np.where(self.diverged, 0.0, self._lr_now()).astype(self._dtype)[:, None]
                np.multiply(grad, lr, out=s)
                np.subtract(theta, s, out=theta)
                self.iteration += 1
                if every is not None and self.iteration % every == 0:
                    self._record()

    def _diverge(self, which: np.ndarray, iteration: int) -> None:
        self.diverged |= which
        self.diverged_at[which] = iteration
        nonfinite = which & ~np.isfinite(self.theta).all(axis=1)
        self.theta[nonfinite] = self._snap[nonfinite]
        self._lr_col[self.diverged] = 0.0
        self._stopped_rows = np.flatnonzero(self.diverged)
        self._all_stopped = bool(self.diverged.all())

    # ---- evaluation and history ----
    def _score(self, A, Y, suffix):
        reg = self.dataset.task == "regression"
        return {f"r2_{suffix}": metrics.r2_score(A, Y)} if reg else {f"accuracy_{suffix}": metrics.accuracy(A, Y)}

    def _evaluate(self) -> list[dict]:
        """Cost and accuracy (or R²) of every run on the train and test sets at the current θ."""
        loss = self._loss
        with np.errstate(all="ignore"):
            At = self._test.run_forward() if self._test is not None else None
            A = self._train.run_forward()
            rows = []
            for k in range(self.K):  # per-run scalars only; the forward passes above are batched
                row = {"cost_train": loss.cost(A[k], self._Ytr), **self._score(A[k], self._Ytr, "train")}
                if At is not None:
                    row.update({"cost_test": loss.cost(At[k], self._Yte), **self._score(At[k], self._Yte, "test")})
                else:
                    row.update({k2.replace("train", "test"): float("nan") for k2 in list(row)})
                rows.append(row)
        return rows

    def record(self) -> None:
        """Record a history row per running run now, unless this iteration has its rows already
        (the Trainer's ``record()``, for a UI that records once per frame)."""
        if self.iteration != self._last_recorded and not self._all_stopped:
            self._record()

    def _record(self) -> None:
        active = ~self.diverged
        rows = self._evaluate()
        lr = self._lr_now()
        bad = np.array([not math.isfinite(r["cost_train"]) for r in rows]) & active
        if bad.any():
            self._diverge(bad, self.iteration)
        record = []
        for k in np.flatnonzero(active & ~bad):
            pen = penalty(self.theta[k], self._mask, self.l1, self.l2) if (self.l1 or self.l2) else 0.0
            record.append({"iteration": self.iteration, "run": int(k), "learning_rate": float(lr[k]),
                           **rows[k], "penalty": pen})
        self._records.append(record)
        if len(self._records) > max(4, MAX_HISTORY_ROWS // self.K):
            self._records = thin(self._records, len(self._records) // 2)
        self._snap[active & ~bad] = self.theta[active & ~bad]
        self._last_recorded = self.iteration
        self._frame = None

    @property
    def history(self) -> pd.DataFrame:
        """Long format: one row per (recorded iteration, running run)."""
        if self._frame is None:
            self._frame = pd.DataFrame([row for record in self._records for row in record])
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


def sweep_from_config(config, learning_rates, dataset=None) -> Sweep:
    """A Sweep over ``learning_rates`` for the network and data that ``config`` builds (its
    learning_rate is ignored). Refuses settings the sweep cannot honour, naming the field.
    A given ``dataset`` is used as is, as by ``descentlab.engine.build.build`` (required for "csv")."""
    from descentlab.engine.build import build
    from descentlab.engine.config import ConfigError
    from descentlab.engine.optimizers import make_schedule

    if config.batch_size is not None:
        raise ConfigError(f"batch_size: the sweep is full-batch only (batch_size must be all); "
                          f"got {config.batch_size}", "batch_size")
    if config.optimizer != "gd":
        raise ConfigError(f"optimizer: the sweep runs plain gradient descent only; got {config.optimizer!r}",
                          "optimizer")
    if config.dropout > 0:
        raise ConfigError(f"dropout: the sweep does not support dropout; got {config.dropout}", "dropout")
    net, data, _ = build(config, dataset=dataset)
    schedule = None if config.schedule == "constant" else make_schedule(
        config.schedule, config.decay_rate, config.decay_steps)
    return Sweep(net, data, learning_rates, record_every=config.record_every, l1=config.l1, l2=config.l2,
                 schedule=schedule)
