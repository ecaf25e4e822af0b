"""The training loop, in explicit steps: ``step(n)`` advances n iterations and returns what happened.

One iteration = one (mini-)batch: forward, backprop, penalty gradient, optimizer update. Every
``record_every`` iterations (and at iteration 0; None: only when ``record()`` is called) the trainer evaluates the whole train and test sets
and appends one row to ``history`` (a pandas DataFrame) and a parameter snapshot for rewinding.

History columns: iteration, epoch, learning_rate, cost_train, cost_test (the data cost J, WITHOUT the
penalty), penalty (the regularization term; the objective minimized is cost_train + penalty),
accuracy_train / accuracy_test (classification) or r2_train / r2_test (regression), and per layer l:
grad_norm_l = ||dW[l]||_F of the last update's (mini-)batch gradient, weight_norm_l = ||W[l]||_F,
update_ratio_l = ||ΔW[l]||_F / ||W[l]||_F of the last update, and for hidden layers dead_l (fraction
of units with g'(z) = 0 on every training example), saturated_l (fraction of pre-activations with
|g'(z)| < 1e-2) and distinct_l (number of different units; stays 1 under zero initialization).

A cost or gradient that becomes NaN or infinite stops the run: ``diverged`` is set, ``diverged_at``
names the iteration, ``message`` says what to try, and the history up to that point is kept.

A ``target_cost`` ε is the course's other stopping rule, "until J < ε": while one is set the training
cost is checked after every iteration, whatever ``record_every``, and the first iteration with J < ε
is recorded and stops the run (``target_reached_at`` names it, ``finished`` is set, ``message`` says
so). The check is a forward pass on the training set, which the next full-batch step reuses.

Weights set by hand (descentlab.engine.edits): ``edit_parameter`` writes one entry of θ now and records
it (``edits``, a history row, the snapshot); ``plan_edits`` replays a config's edits as ``step``
reaches their iterations, so a link reproduces an edited run bit for bit. Reset clears both.
"""
from __future__ import annotations

import math

import numpy as np

from descentlab.engine import metrics
from descentlab.engine.edits import (
    Edit,
    PlannedEdit,
    check_entry,
    check_planned,
    check_value,
)
from descentlab.engine.history import History, Snapshots
from descentlab.engine.optimizers import (
    Optimizer,
    Schedule,
    make_optimizer,
    make_schedule,
)
from descentlab.engine.regularization import PenaltyGradient, penalty
from descentlab.engine.trainer_views import TrainerViews


def _norm(v: np.ndarray) -> float:
    """np.linalg.norm of a 1-D array, bit for bit, without its argument checks (run every iteration)."""
    return float(np.sqrt(v.dot(v)))


def _with_ones(X, dtype):
    return np.vstack([np.asarray(X, dtype), np.ones((1, X.shape[1]), dtype)])


class Trainer(TrainerViews):
    def __init__(self, network, dataset, learning_rate=0.01, optimizer="gd", batch_size=None, l2=0.0,
                 l1=0.0, dropout=0.0, schedule="constant", optimizer_options=None, schedule_options=None,
                 seed=0, record_every=1, max_history=10_000, max_snapshots=200, target_cost=None):
        self.network, self.dataset = network, dataset
        n_x, n_y = network.layer_sizes[0], network.layer_sizes[-1]
        if dataset.X_train.shape[0] != n_x or dataset.Y_train.shape[0] != n_y:
            raise ValueError(
                f"network {list(network.layer_sizes)} does not fit the data: X has {dataset.X_train.shape[0]} "
                f"features and Y has {dataset.Y_train.shape[0]} outputs")
        if record_every is not None and int(record_every) < 1:
            raise ValueError(f"record_every must be >= 1, or None to record only on record(); got {record_every}")
        self._load_data(dataset)
        if not isinstance(schedule, Schedule):
            schedule = make_schedule(schedule, **(schedule_options or {}))
        if isinstance(optimizer, Optimizer):
            self.optimizer = optimizer
        else:
            self.optimizer = make_optimizer(optimizer, learning_rate, schedule, **(optimizer_options or {}))
        self.set_learning_rate(learning_rate if not isinstance(optimizer, Optimizer) else optimizer.learning_rate)
        self.update_settings(batch_size=batch_size, l1=l1, l2=l2, dropout=dropout)
        self.seed = seed
        self.record_every = None if record_every is None else int(record_every)
        self._max_history, self._max_snapshots = max_history, max_snapshots
        self._w_idx = [None] + [network.flat_indices(f"W{l}") for l in range(1, network.L + 1)]
        self._net32 = None
        self._theta0 = network.theta.copy()
        self._theta_prev = np.empty_like(network.theta)
        self._theta_evaluated = np.empty_like(network.theta)  # θ of the forward pass left in _ws_train
        self._evaluated_pass = False
        self.target_cost = None
        self._plan: list[PlannedEdit] = []
        self.reset()
        self.set_target_cost(target_cost)

    def _load_data(self, dataset) -> None:
        """The data's arrays and workspaces (with the ones row for b), for __init__ and set_data."""
        dt, net = self.network.dtype, self.network
        self.dataset = dataset
        self._Xtr, self._Ytr = _with_ones(dataset.X_train, dt), np.asarray(dataset.Y_train, dt)
        self._Xte, self._Yte = _with_ones(dataset.X_test, dt), np.asarray(dataset.Y_test, dt)
        self._m = self._Xtr.shape[1]
        self._ws_train = net.workspace(self._m)
        np.copyto(self._ws_train.A[0], self._Xtr)
        self._ws_test = net.workspace(self._Xte.shape[1])
        np.copyto(self._ws_test.A[0], self._Xte)
        self._ws_batch: dict = {}
        self._n_in = self._Xtr.shape[0]  # n_x + 1 (the ones row)
        self._XY = np.vstack([self._Xtr, self._Ytr])
        self._XY_shuffled = np.empty_like(self._XY)
        self._grid_cache: dict = {}
        self._evaluated_pass = False

    def set_data(self, dataset) -> None:
        """Train on ``dataset`` from the next step on, keeping θ, the optimizer's state, the iteration,
        the history and the snapshots (the Playground's drawn data: a click adds a point and training
        goes on). It must fit the network (same inputs and outputs, same task). An empty training set
        is allowed: step() then trains nothing until data comes back."""
        old = self.dataset
        if (dataset.X_train.shape[0], dataset.Y_train.shape[0], dataset.task) != (
                old.X_train.shape[0], old.Y_train.shape[0], old.task):
            raise ValueError(f"new data must fit the network: {dataset.X_train.shape[0]} inputs, "
                             f"{dataset.Y_train.shape[0]} outputs ({dataset.task}) for "
                             f"{old.X_train.shape[0]} and {old.Y_train.shape[0]} ({old.task})")
        self._load_data(dataset)
        self.data_changed_at = self.iteration  # the history's rows after it are of this data
        self._bs = self._m if self.batch_size is None else min(self.batch_size, self._m)
        self._pos = self._m  # the next batch starts a fresh shuffle

    # ---- run control ----
    def reset(self) -> dict:
        """Back to iteration 0 with the SAME initial weights and the same shuffling (same seed)."""
        self.network.theta[...] = self._theta0
        self.network.grad[...] = 0.0
        self.rng = np.random.default_rng(self.seed)
        self.optimizer.reset()
        self.iteration = self.epoch = 0
        self._pos = self._m  # the first batch starts a fresh shuffle
        self._log = History(self._max_history)
        self.snapshots = Snapshots(self._max_snapshots)
        self.diverged, self.diverged_at, self.message = False, None, ""
        self.target_reached_at = None
        self.edits: list[Edit] = []  # weights set by hand, in order (edit_parameter)
        self._plan = []              # a config's edits still to replay (plan_edits)
        return self._record()

    def restart_from_current_weights(self) -> dict:
        """Make the network's current parameters the run's starting point (e.g. weights loaded from a
        saved run) and reset to iteration 0 from them; Reset then returns to these weights."""
        self._theta0 = self.network.theta.copy()
        return self.reset()

    def resume(self, theta, iteration: int, epoch: int | None = None, history=None, times=None) -> dict:
        """Continue a run recorded elsewhere where it stopped: its parameters θ, its iteration and epoch
        (the iteration if None: full batch), its history rows up to that iteration (a DataFrame; a column
        this trainer records but the frame lacks is NaN, one it does not record is dropped) and when they
        were recorded (``times``, time.monotonic() seconds; NaN if None). The optimizer's state (momentum,
        Adam's averages) and the shuffling start afresh, schedules at ``iteration``; the one snapshot is
        θ now, and Reset returns to iteration 0 from these weights (as a loaded run's)."""
        theta = np.asarray(theta, self.network.theta.dtype)
        if theta.shape != self.network.theta.shape:
            raise ValueError(f"θ has shape {theta.shape}; this network's is {self.network.theta.shape}")
        iteration = int(iteration)
        if iteration < 0:
            raise ValueError(f"iteration must be >= 0; got {iteration}")
        self.network.theta[...] = theta
        first = self.restart_from_current_weights()
        self.iteration, self.epoch = iteration, iteration if epoch is None else int(epoch)
        self.optimizer.t = iteration
        log = History(self._max_history)
        if history is not None and len(history):
            keep = history["iteration"].to_numpy() <= iteration if "iteration" in history else slice(None)
            rows = history.loc[keep].reindex(columns=list(first))
            at = np.full(len(history), np.nan) if times is None else np.asarray(times, float)
            for row, t in zip(rows.to_dict("records"), at[keep]):
                log.append(row, at=float(t))
        self._log = log
        self.snapshots = Snapshots(self._max_snapshots)
        np.copyto(self._theta_prev, self.network.theta)
        last = log.last
        if last is None or last["iteration"] != iteration:
            return self._record()
        self.snapshots.add(iteration, self.network.theta)
        return last

    @property
    def row_times(self):
        """When each history row was recorded (time.monotonic() seconds, NaN if unknown): wall time."""
        return self._log.times

    @property
    def learning_rate(self) -> float:
        return self.optimizer.learning_rate

    def set_learning_rate(self, lr: float) -> None:
        """Change α and keep going (optimizer state and history are kept)."""
        lr = float(lr)
        if not (math.isfinite(lr) and lr > 0):
            raise ValueError(f"learning_rate must be a finite number > 0; got {lr}")
        self.optimizer.learning_rate = lr

    @property
    def finished(self) -> bool:
        """The stopping rule was met (J < target_cost): step() trains no further (the live loop pauses)."""
        return self.target_reached_at is not None

    def set_target_cost(self, target_cost: float | None) -> None:
        """Stop once the recorded training cost falls below ``target_cost`` (None: no such rule).

        A new target is judged from the newest row on: a run already below it stops where it is, one
        above it may train on (so lowering or clearing the target continues a finished run)."""
        if target_cost is not None:
            target_cost = float(target_cost)
            if not (math.isfinite(target_cost) and target_cost > 0):
                raise ValueError(f"target_cost must be a finite number > 0, or None; got {target_cost}")
        self.target_cost = target_cost
        if self.target_reached_at is not None:
            self.target_reached_at = None
            self.message = ""
        if self._log.last is not None and not self.diverged:
            self._check_target(self._log.last)

    def _check_target(self, row: dict) -> None:
        if self.target_cost is not None and self.target_reached_at is None and row["cost_train"] < self.target_cost:
            self.target_reached_at = int(row["iteration"])
            self.message = f"Reached J < {self.target_cost:g} at iteration {self.target_reached_at:,}"

    def update_settings(self, *, optimizer=None, batch_size=..., l1=None, l2=None, dropout=None) -> None:
        """Change training settings mid-run; parameters, history and the iteration count are kept.
        A new optimizer starts with fresh state (its moving averages) at the current iteration."""
        if batch_size is not ...:
            if batch_size is not None and (isinstance(batch_size, bool) or int(batch_size) < 1):
                raise ValueError(f"batch_size must be >= 1 or None (full batch); got {batch_size}")
            self.batch_size = None if batch_size is None else int(batch_size)
            self._bs = self._m if batch_size is None else min(int(batch_size), self._m)
            self._pos = self._m  # the next batch starts a fresh shuffle
        for name, value, hi in (("l1", l1, 10.0), ("l2", l2, 10.0), ("dropout", dropout, 0.999)):
            if value is not None and not (0.0 <= float(value) <= hi):
                raise ValueError(f"{name} must be in [0, {hi:g}]; got {value}")
        if l1 is not None or l2 is not None:
            self.l1 = float(l1 if l1 is not None else self.l1)
            self.l2 = float(l2 if l2 is not None else self.l2)
            self._penalty_grad = PenaltyGradient(self.network.weight_mask, self.l1, self.l2)
        if dropout is not None:
            self.keep_prob = 1.0 - float(dropout)
        if optimizer is not None:
            optimizer.t = getattr(self, "iteration", 0)  # schedules continue from here
            self.optimizer = optimizer

    def record(self) -> dict:
        """Record a history row now (if this iteration has none yet), e.g. at the end of a UI frame."""
        last = self._log.last
        if self.diverged or (last is not None and last["iteration"] == self.iteration):
            return last
        return self._record()

    @property
    def history(self):
        """One row per recorded iteration, as a pandas DataFrame (built on demand, then cached)."""
        return self._log.frame

    @property
    def last_record(self) -> dict | None:
        """The newest history row as a dict (cheap: no DataFrame is built)."""
        return self._log.last

    def step(self, n: int = 1) -> dict:
        """Advance n iterations (fewer if the run diverges or reaches its target cost); returns the
        newest history row. Planned edits (plan_edits) are applied when their iteration is reached."""
        if not self._plan:
            return self._step(n)
        end = self.iteration + int(n)
        while self.iteration < end and not (self.diverged or self.finished):
            self._step(min(end, self._plan[0].iteration if self._plan else end) - self.iteration)
            self._apply_due_edits()
        return self._log.last

    def _step(self, n: int) -> dict:
        if self.diverged or self.finished or self._m == 0:  # no examples (a drawn set cleared): nothing to learn
            return self._log.last
        net, theta, grad = self.network, self.network.theta, self.network.grad
        forward, backward, update = net.forward_workspace, net.backward_workspace, self.optimizer.update
        penalize = self._penalty_grad if self._penalty_grad.active else None
        every = self.record_every
        with np.errstate(all="ignore"):  # overflow is handled as divergence, not warned about
            n = int(n)
            for k in range(n):
                ws, Y = self._next_batch()
                if not self._has_forward(ws):
                    forward(ws, self.keep_prob, self.rng)
                    self._evaluated_pass = False  # ws may be _ws_train, now with dropout masks
                backward(ws, Y)
                if penalize is not None:
                    penalize(theta, grad)
                if not math.isfinite(np.add.reduce(grad)):
                    self._diverge(self.iteration + 1, "the gradient became NaN or infinite")
                    break
                record = every is not None and (self.iteration + 1) % every == 0
                if record or k == n - 1 or self.target_cost is not None:  # θ before the update, for the update/weight ratio
                    np.copyto(self._theta_prev, theta)
                update(theta, grad)
                self.iteration += 1
                if self._pos >= self._m:
                    self.epoch += 1
                if record or (self.target_cost is not None and self._train_cost() < self.target_cost):
                    self._record()  # a row below the target marks the run finished (_check_target)
                    if self.diverged or self.finished:
                        break
        return self._log.last

    def _train_cost(self) -> float:
        """J on the whole training set at the current θ, without dropout (as a history row has it)."""
        return self.network.loss.cost(self._forward_train(), self._Ytr)

    def _forward_train(self) -> np.ndarray:
        """The training set's forward pass at the current θ, without dropout, into _ws_train; noted, so
        that the next full-batch step can use it (_has_forward). Every writer of _ws_train goes
        through here or clears the note."""
        A = self.network.forward_workspace(self._ws_train)
        np.copyto(self._theta_evaluated, self.network.theta)
        self._evaluated_pass = True
        return A

    def _has_forward(self, ws) -> bool:
        """Whether ``ws`` already holds this step's forward pass: full batch, no dropout, and the last
        noted pass (_forward_train: a record's evaluate(), the histograms) was at this θ. Saves a
        third of a recorded step."""
        return (ws is self._ws_train and self._evaluated_pass and self.keep_prob >= 1.0
                and np.array_equal(self.network.theta, self._theta_evaluated))

    def _next_batch(self):
        """Workspace and Y for the next (mini-)batch.

        Once per epoch the training set [X; 1; Y] is shuffled into one contiguous copy (a single
        np.take); each mini-batch is then a column slice of it, a view BLAS reads directly, so
        picking a batch costs no numpy call at all."""
        m, bs = self._m, self._bs
        if bs >= m:
            self._pos = m
            return self._ws_train, self._Ytr
        if self._pos >= m:
            np.take(self._XY, self.rng.permutation(m), axis=1, out=self._XY_shuffled, mode="clip")
            self._pos = 0
        start = self._pos
        self._pos = stop = min(start + bs, m)
        ws = self._ws_batch.get(stop - start)
        if ws is None:
            ws = self._ws_batch[stop - start] = self.network.workspace(stop - start)
        ws.A[0] = self._XY_shuffled[:self._n_in, start:stop]
        ws.av[0] = self._XY_shuffled[:self._n_in - 1, start:stop]
        return ws, self._XY_shuffled[self._n_in:, start:stop]

    def _diverge(self, iteration: int, why: str) -> None:
        self.diverged, self.diverged_at = True, int(iteration)
        self.message = f"diverged at iteration {iteration}: {why} — try a smaller learning rate"
        if not np.all(np.isfinite(self.network.theta)) and len(self.snapshots):
            self.network.theta[...] = self.snapshots.at(iteration)[1]  # show the last finite state

    # ---- weights set by hand (descentlab.engine.edits) ----
    def edit_parameter(self, name: str, i: int, j: int, value: float) -> Edit:
        """Set ``name``[i, j] ("W2", "b1"; i, j from 0, j = 0 for a bias) to ``value`` now, at the
        current iteration; returns the Edit, also appended to ``edits``. ValueError (θ untouched) for
        a value that is not finite or beyond ±edits.MAX_VALUE, an entry the network lacks, or a
        diverged run.

        The history gets a row at the edited θ at once (after a row at the θ before it, if this
        iteration has none: the cost curve shows the jump); the snapshot at this iteration becomes
        the edited θ, so rewinding to an earlier iteration shows the weights before the edit. The
        optimizer keeps its state (momentum, Adam's averages): training continues from the edited
        weights as from any others, and a replay (plan_edits) does exactly the same."""
        if self.diverged:
            raise ValueError("the run diverged: press Reset before editing its weights")
        value = check_value(value)
        name, i, j = check_entry(self.network.layer_sizes, name, i, j)
        return self._apply_edit(name, i, j, value)

    def plan_edits(self, edits) -> None:
        """Replay a config's edits ((iteration, name, i, j, value), in order of iteration) as the run
        reaches each iteration, exactly as edit_parameter applied them; those at the current
        iteration at once. Replaces any plan; Reset clears it. ValueError if one does not fit this
        network or its iteration has passed."""
        plan = list(check_planned(edits))
        for e in plan:
            check_entry(self.network.layer_sizes, e.name, e.i, e.j)
            if e.iteration < self.iteration:
                raise ValueError(f"an edit at iteration {e.iteration} cannot be replayed at iteration {self.iteration}")
        self._plan = plan
        self._apply_due_edits()

    def planned_edits(self) -> tuple[PlannedEdit, ...]:
        """What a config needs to reproduce this run's edits: those made, then those still to replay."""
        return tuple(e.planned for e in self.edits) + tuple(self._plan)

    def _apply_due_edits(self) -> None:
        while self._plan and self._plan[0].iteration == self.iteration and not self.diverged:
            e = self._plan.pop(0)
            self._apply_edit(e.name, e.i, e.j, e.value)

    def _apply_edit(self, name: str, i: int, j: int, value: float) -> Edit:
        self.record()  # the row before the edit, if this iteration has none yet
        param = self.network.params[name]  # a view into θ
        old = float(param[i, j])
        np.copyto(self._theta_prev, self.network.theta)  # the edit row's update ratio: the edit's own size
        param[i, j] = value
        edit = Edit(self.iteration, name, i, j, old, float(param[i, j]))
        self.edits.append(edit)
        self._record()  # the cost at the edited θ, and the snapshot at this iteration
        if self.finished:  # judged again from the edited row: an edit may lift J above the target
            self.set_target_cost(self.target_cost)
        return edit

    # ---- evaluation and recording ----
    def _score(self, A, Y, suffix: str) -> dict:
        if self.dataset.task == "regression":
            return {f"r2_{suffix}": metrics.r2_score(A, Y)}
        return {f"accuracy_{suffix}": metrics.accuracy(A, Y)}

    def evaluate(self) -> dict:
        """Cost and accuracy (or R²) on the train and test sets at the current parameters."""
        net, loss = self.network, self.network.loss
        row = {}
        with np.errstate(all="ignore"):
            # test first, train last: the cached Z[l] the layer metrics read are then the training set's
            if self._Xte.shape[1]:
                At = net.forward_workspace(self._ws_test)
                row.update({"cost_test": loss.cost(At, self._Yte), **self._score(At, self._Yte, "test")})
            A = self._forward_train()
            row = {"cost_train": loss.cost(A, self._Ytr), **self._score(A, self._Ytr, "train"), **row}
        if "cost_test" not in row:  # no test set
            row.update({k.replace("train", "test"): float("nan") for k in list(row)})
        if not self._m:  # no training examples (a drawn set cleared): no cost, rather than a cost of 0
            row.update({k: float("nan") for k in row if k.endswith("_train")})
        return row

    def _record(self) -> dict:
        net = self.network
        row = {"iteration": self.iteration, "epoch": self.epoch,
               "learning_rate": self.optimizer.current_learning_rate()}
        row.update(self.evaluate())
        row["penalty"] = penalty(net.theta, net.weight_mask, self.l1, self.l2) if self._penalty_grad.active else 0.0
        if self._m and not math.isfinite(row["cost_train"]):  # no examples: NaN costs, not a divergence
            self._diverge(self.iteration, "the cost became NaN or infinite")
            return self._log.last
        first = self.iteration == 0
        with np.errstate(all="ignore"):
            for l in range(1, net.L + 1):
                idx = self._w_idx[l]
                w = net.theta[idx]
                w_norm = _norm(w)
                row[f"grad_norm_{l}"] = float("nan") if first else _norm(net.grad[idx])
                row[f"weight_norm_{l}"] = w_norm
                if first:
                    row[f"update_ratio_{l}"] = float("nan")
                else:
                    w_prev = self._theta_prev[idx]
                    prev, diff = _norm(w_prev), _norm(w - w_prev)
                    row[f"update_ratio_{l}"] = diff / prev if prev > 0 else float("inf") if diff else 0.0
            for l in range(1, net.L):  # evaluate() left the training set's forward pass in _ws_train
                row[f"dead_{l}"], row[f"saturated_{l}"] = metrics.layer_health(
                    net.activations[l], self._ws_train.Z[l], self._ws_train.av[l])
                row[f"distinct_{l}"] = metrics.distinct_units(net.params[f"W{l}"], net.params[f"b{l}"])
        self._log.append(row)
        self.snapshots.add(self.iteration, net.theta)
        self._check_target(row)
        return row
