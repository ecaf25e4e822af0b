"""LoggedSweep: a learning-rate Sweep as a live loop drives it (descentlab.ui.live.player: ``step(n)``,
``record()``, ``reset()``, ``iteration``, ``message``, ``diverged``), with a bounded log of every rate's
cost per record, the cost curves, and the best rate now.

Separate from descentlab.engine.sweep, which is the batched arithmetic of K runs and must match K
Trainers bit for bit: this module only reads a Sweep's public results (``final()``, ``iteration``)
to keep what a page shows over an hour of playing, and to diagnose each rate.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from descentlab.engine import diagnosis
from descentlab.engine.history import History
from descentlab.engine.sweep import Sweep


class LoggedSweep:
    """A Sweep as a live loop drives it (step / record / reset / diverged / message), with a bounded
    log of every rate's training cost, one row per ``record()`` (a UI records once per frame).

    The log reads ``Sweep.final()`` (one batched evaluation) rather than the sweep's own history,
    which keeps K rows per record (a lecture may leave it playing for an hour). A rate whose cost
    stops being a finite number between two of the sweep's own records counts as stopped here at
    the record that saw it. ``config``: the RunConfig the sweep was built from, if any (e.g. to open
    a rate as a run of its own)."""

    LOG_ROWS = 2000

    def __init__(self, sweep: Sweep, config=None):
        self.sweep, self.config = sweep, config
        self.rates = np.asarray(sweep.learning_rates, float)
        self.reset()

    @property
    def iteration(self) -> int:
        return int(self.sweep.iteration)

    @property
    def stopped(self) -> np.ndarray:
        """Per rate: has it stopped (diverged, or its cost is no longer a finite number)?"""
        return self.stopped_at >= 0

    @property
    def diverged(self) -> bool:
        """As a Trainer's: training has stopped, i.e. every rate has."""
        return bool(self.stopped.all())

    @property
    def message(self) -> str:
        if not self.stopped.any():
            return ""
        return "diverged: " + ", ".join(f"α = {r:.3g} at iteration {at}"
                                        for r, at in zip(self.rates[self.stopped], self.stopped_at[self.stopped]))

    def step(self, n: int = 1) -> None:
        self.sweep.step(n)

    def record(self) -> None:
        """One log row (this iteration's cost of every rate, NaN once stopped), unless it has one."""
        last = self._log.last
        if last is not None and last["iteration"] == self.iteration:
            return
        self.table = self.sweep.final()
        engine_at = self.table["diverged_at"].to_numpy(np.int64)
        blown = ~np.isfinite(self.table["cost_train"].to_numpy(float))
        new = (self.stopped_at < 0) & ((engine_at >= 0) | blown)
        self.stopped_at[new] = np.where(engine_at[new] >= 0, engine_at[new], self.iteration)
        cost = np.where(self.stopped, np.nan, self.table["cost_train"].to_numpy(float))
        self._log.append({"iteration": self.iteration, **{f"c{k}": float(c) for k, c in enumerate(cost)}})

    def reset(self) -> None:
        self.sweep.reset()
        self._log = History(self.LOG_ROWS)
        self.stopped_at = np.full(len(self.rates), -1, np.int64)
        self.record()
        self.start_cost = float(np.nanmax(self.table["cost_train"]))  # every run starts from the same θ

    def curves(self) -> tuple[np.ndarray, np.ndarray]:
        """(logged iterations, their costs: one column per rate)."""
        f = self._log.frame
        return f["iteration"].to_numpy(), f[[f"c{k}" for k in range(len(self.rates))]].to_numpy(float)

    @property
    def times(self) -> np.ndarray:
        """When each log row was recorded (time.monotonic() seconds): the wall-time axis."""
        return self._log.times

    def not_learning(self) -> list[str | None]:
        """descentlab.engine.diagnosis of every rate still running, from its cost over the last records and
        its accuracy now (None: learning as far as one can tell, or stopped)."""
        frame = self._log.frame.tail(diagnosis.WINDOW)
        chance = diagnosis.chance_accuracy(self.sweep.dataset)
        accuracy = self.table["accuracy"].to_numpy(float) if "accuracy" in self.table else None
        out = []
        for k in range(len(self.rates)):
            if self.stopped[k]:
                out.append(None)
                continue
            history = pd.DataFrame({"iteration": frame["iteration"], "cost_train": frame[f"c{k}"]})
            if accuracy is not None:
                history["accuracy_train"] = accuracy[k]  # now: only the newest value is read
            found = diagnosis.diagnose(history, chance)
            out.append(found.short if found else None)
        return out

    def best(self) -> int | None:
        """The rate with the lowest training cost now, among those still running."""
        cost = np.where(self.stopped, np.inf, self.table["cost_train"].to_numpy(float))
        return int(np.argmin(cost)) if np.isfinite(cost).any() else None
