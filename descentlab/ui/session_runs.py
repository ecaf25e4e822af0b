"""This browser session's runs, for the Runs page: the Playground's run, each Compare variant, each
Initialization lab scheme and each swept learning rate, as each page's view last noted it.

A page notes its runs once per script run (``note_trainer``, ``note_sweep``): the registry keeps a weak
reference to the object that trains (a Trainer, or a LoggedSweep and a rate's index) and a snapshot
of it (the history DataFrame by reference: the engine builds a new one when rows are added, so the
old one never changes; the row times; iteration, epoch; a copy of θ). While the page still holds the
object, reading an entry takes a fresh snapshot (the live transport trains between script runs); once
the page has let it go (a new comparison, a new run), the last snapshot stands.

A run that continues (the same object) keeps its entry; a new object is a new entry. At most
``MAX_RUNS`` entries: the least recently noted ones go first. Per session only (st.session_state)."""
from __future__ import annotations

import itertools
import time
import weakref
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd
import streamlit as st

from descentlab.engine.config import RunConfig

MAX_RUNS = 50
KEY = "dl_session_runs"  # session state: {id: SessionRun}, the least recently noted first
_SERIAL = itertools.count(1)  # ids are unique in the process (ids only: no user's data at module level)


@dataclass
class Snapshot:
    history: pd.DataFrame  # the engine's columns: iteration, epoch, cost_train, ..., grad_norm_<l>, dead_<l>
    times: np.ndarray      # time.monotonic() of each row (NaN where unknown)
    iteration: int
    epoch: int
    theta: np.ndarray      # the flat parameters now (a copy)
    task: str              # "classification" or "regression"


@dataclass
class SessionRun:
    id: str
    name: str            # e.g. "Compare: relu"
    source: str          # the page: "Playground", "Compare", "Initialization lab", "Learning rate"
    config: RunConfig    # the run's own config (a variant's, a rate's)
    started: float       # time.time() when it was first noted
    last: Snapshot
    _ref: Callable[[], object] = field(repr=False, default=lambda: None)
    _read: Callable[[object], Snapshot] | None = field(repr=False, default=None)

    def snapshot(self) -> Snapshot:
        """The run as it is now if its page still holds it, else as it was last noted."""
        obj = self._ref()
        if obj is not None and self._read is not None:
            self.last = self._read(obj)
        return self.last

    def alive(self) -> bool:
        return self._ref() is not None


def registry() -> dict[str, SessionRun]:
    return st.session_state.setdefault(KEY, {})


def runs() -> list[SessionRun]:
    """The session's runs, the most recently noted first."""
    return list(reversed(registry().values()))


def note(obj, name: str, source: str, config: RunConfig, read: Callable[[object], Snapshot],
         reg: dict | None = None) -> SessionRun:
    """Record (or refresh) the run ``obj`` under ``name``: the same object and name keep their entry."""
    reg = registry() if reg is None else reg
    entry = next((e for e in reg.values() if e.name == name and e._ref() is obj), None)
    if entry is None:
        entry = SessionRun(f"s{next(_SERIAL)}", name, source, config, time.time(), read(obj),
                           weakref.ref(obj), read)
    else:
        reg.pop(entry.id)
        entry.config, entry.last = config, read(obj)
    reg[entry.id] = entry  # to the end: the most recent
    while len(reg) > MAX_RUNS:
        reg.pop(next(iter(reg)))
    return entry


def trainer_snapshot(trainer) -> Snapshot:
    return Snapshot(trainer.history, trainer.row_times, int(trainer.iteration), int(trainer.epoch),
                    trainer.network.theta.copy(), trainer.dataset.task)


def note_trainer(trainer, name: str, source: str, config: RunConfig, reg: dict | None = None) -> SessionRun:
    return note(trainer, name, source, config, trainer_snapshot, reg)


def sweep_snapshot(target, k: int) -> Snapshot:
    """Rate k of a LoggedSweep (descentlab.engine.sweep_log) as a run: its logged training cost per
    iteration, with the test cost and score now on its last row (the sweep logs only the training
    cost), and its θ now. Full batch: an epoch is an iteration."""
    its, costs = target.curves()
    table, score = target.table, "r2" if target.sweep.dataset.task == "regression" else "accuracy"
    history = pd.DataFrame({"iteration": its, "epoch": its, "cost_train": costs[:, k]})
    n = len(history)
    for col, value in (("cost_test", table["cost_test"].iloc[k]), (f"{score}_test", table[score].iloc[k])):
        history[col] = np.where(np.arange(n) == n - 1, float(value), np.nan)
    return Snapshot(history, target.times, target.iteration, target.iteration,
                    target.sweep.theta[k].copy(), target.sweep.dataset.task)


def note_sweep(target, record_every: int = 1, source: str = "Learning rate", reg: dict | None = None) -> None:
    """Every rate of a LoggedSweep built from a config (target.config), one entry each; ``record_every``
    replaces the config's (the page sets its own, so that one frame records one row)."""
    if target.config is None:
        return
    for k, rate in enumerate(target.rates):
        config = target.config.replace(learning_rate=float(rate), record_every=record_every)
        note(target, f"{source}: α = {rate:.3g}", source, config, lambda t, k=k: sweep_snapshot(t, k), reg)


def summary(snap: Snapshot) -> dict:
    """The last row's numbers: final train/test cost and accuracy (or R²)."""
    h = snap.history
    score = "r2" if snap.task == "regression" else "accuracy"

    def last(col):
        if col not in h or not len(h):
            return float("nan")
        values = h[col].to_numpy(float)
        finite = values[np.isfinite(values)]
        return float(finite[-1]) if finite.size else float("nan")
    return {"iterations": snap.iteration, "cost_train": last("cost_train"), "cost_test": last("cost_test"),
            "score": score, "score_train": last(f"{score}_train"), "score_test": last(f"{score}_test")}
