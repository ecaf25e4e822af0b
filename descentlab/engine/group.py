"""Side-by-side runs: one base RunConfig, one field varied across a few values, every variant trained
in lockstep on the same data with the same seed.

A TrainerGroup steps like a single Trainer (step / record / reset / diverged / message), so the live
loop that drives the Playground drives a comparison too. A variant that diverges stops where it is
and keeps its history; the others go on."""
from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from typing import Callable, ContextManager

import numpy as np
import pandas as pd

from descentlab.engine.build import build
from descentlab.engine.config import RunConfig
from descentlab.engine.diagnosis import chance_accuracy, diagnose
from descentlab.engine.initializers import SCALE_IS_ABSOLUTE

# Fields that change the data: varying one of them gives each variant its own data set.
DATA_FIELDS = frozenset({"dataset", "n_samples", "noise", "test_fraction", "data_seed", "features",
                         "normalization"})
MAX_VARIANTS = 6


@dataclass
class Variant:
    label: str
    config: RunConfig
    run: object  # descentlab.engine.build.Run
    wall_time: float = 0.0  # seconds spent in this variant's training steps

    @property
    def trainer(self):
        return self.run.trainer


@dataclass
class TrainerGroup:
    field: str
    variants: list[Variant] = field(default_factory=list)

    @property
    def trainers(self) -> list:
        return [v.trainer for v in self.variants]

    @property
    def iteration(self) -> int:
        return max(tr.iteration for tr in self.trainers)

    @property
    def diverged(self) -> bool:
        """True only when every variant has diverged: one diverging does not stop the others."""
        return all(tr.diverged for tr in self.trainers)

    @property
    def message(self) -> str:
        return "; ".join(f"{v.label}: {v.trainer.message}" for v in self.variants if v.trainer.diverged)

    def step(self, n: int = 1) -> None:
        for v in self.variants:
            if not v.trainer.diverged:
                t0 = time.perf_counter()
                v.trainer.step(n)
                v.wall_time += time.perf_counter() - t0

    def record(self) -> None:
        for tr in self.trainers:
            tr.record()

    def reset(self) -> None:
        for v in self.variants:
            v.trainer.reset()
            v.wall_time = 0.0

    def summary(self, target_cost: float | None = None) -> pd.DataFrame:
        """One row per variant: final costs and scores, iterations to reach ``target_cost`` (train),
        wall time, dead / saturated unit fractions (worst hidden layer), diverged or not."""
        rows = []
        for v in self.variants:
            tr, h = v.trainer, v.trainer.history
            last = h.iloc[-1]
            reached = None
            if target_cost is not None:
                hit = np.flatnonzero(h["cost_train"].to_numpy() <= target_cost)
                reached = int(h["iteration"].iloc[hit[0]]) if hit.size else None
            rows.append({
                "variant": v.label,
                "iteration": tr.iteration,
                "cost_train": float(last["cost_train"]), "cost_test": float(last.get("cost_test", np.nan)),
                "score_train": _score(last, "train"), "score_test": _score(last, "test"),
                "iterations_to_target": reached,
                "wall_time_s": v.wall_time,
                "dead": _worst(last, "dead_"), "saturated": _worst(last, "saturated_"),
                "diverged_at": tr.diverged_at if tr.diverged else None,
                "not_learning": None if tr.diverged else _not_learning(h, v.run.dataset),
            })
        return pd.DataFrame(rows)


def _not_learning(history, dataset) -> str | None:
    found = diagnose(history, chance_accuracy(dataset))
    return found.short if found else None


def _score(row, split: str) -> float:
    for name in (f"accuracy_{split}", f"r2_{split}"):
        if name in row.index:
            return float(row[name])
    return float("nan")


def _worst(row, prefix: str) -> float:
    values = [float(row[c]) for c in row.index if c.startswith(prefix) and np.isfinite(row[c])]
    return max(values) if values else float("nan")


def variant_label(field_name: str, value) -> str:
    if isinstance(value, tuple):
        return "-".join(map(str, value)) or "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def variant_config(base: RunConfig, field_name: str, value) -> RunConfig:
    """``base`` with ``field_name`` = ``value``. A new initializer drops the base's init_scale unless it
    reads the scale as a size too (random / uniform): 0.01 as a size is not 0.01 as a gain on He."""
    changes = {field_name: value}
    if field_name == "init" and value not in SCALE_IS_ABSOLUTE:
        changes["init_scale"] = None
    return base.replace(**changes)


def variant_configs(base: RunConfig, field_name: str, values,
                    label: Callable[[object], str] | None = None) -> dict[str, RunConfig]:
    """One config per distinct value, keyed by its label (``label(value)``; variant_label by default).
    Two values with one label (e.g. an initializer and its alias) stay apart: the later one gets a ′."""
    name = label or (lambda v: variant_label(field_name, v))
    configs: dict[str, RunConfig] = {}
    for v in dict.fromkeys(values):  # the same value twice would be the same run twice
        text = name(v)
        while text in configs:
            text += "′"
        configs[text] = variant_config(base, field_name, v)
    return configs


def build_group(base: RunConfig, field_name: str, values, dataset=None,
                label: Callable[[object], str] | None = None,
                admit: Callable[[dict[str, RunConfig]], ContextManager] | None = None) -> TrainerGroup:
    """Build one variant per value of ``field_name`` (variant_configs); all share ``base``'s data and seed.

    ``admit(configs)``, when given, is entered around the build: a caller's budget may price the
    configs and refuse them (its exception propagates) before any is built.
    Raises ConfigError (from RunConfig / build) naming the field whose value is refused."""
    configs = variant_configs(base, field_name, values, label)
    with admit(configs) if admit else contextlib.nullcontext():
        return group_from_configs(configs, field_name, dataset)


def group_from_configs(configs: dict[str, RunConfig], field_name: str, dataset=None) -> TrainerGroup:
    """One variant per labelled config (e.g. the Initialization lab's zeros / random x 0.01 / He,
    which differ in two fields). Configs with the same data fields share one data set."""
    if not 1 <= len(configs) <= MAX_VARIANTS:
        raise ValueError(f"compare 1 to {MAX_VARIANTS} variants; got {len(configs)}")
    shared = {} if dataset is None else None
    group = TrainerGroup(field_name)
    for label, config in configs.items():
        # the Playground's weights set by hand belong to its run: a variant starts from its own weights
        config = config.replace(edits=()) if config.edits else config
        data = dataset
        if shared is not None and config.dataset != "csv":
            key = tuple(getattr(config, f) for f in sorted(DATA_FIELDS))
            data = shared.get(key)
        run = build(config, dataset=data)
        if shared is not None and config.dataset != "csv":
            shared.setdefault(key, run.dataset)  # identical data for every variant that asks the same
        run.trainer.record_every = None  # the live loop records one row per frame
        group.variants.append(Variant(label, config, run))
    return group
