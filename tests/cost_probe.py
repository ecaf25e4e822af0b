"""What a page really allocates for a config, measured with tracemalloc (numpy reports its buffers to it):
the cost model (descentlab.engine.cost) is held to these figures in test_cost.py."""
from __future__ import annotations

import gc
import tracemalloc

import numpy as np

from descentlab.engine import cost
from descentlab.engine.build import build
from descentlab.engine.config import RunConfig
from descentlab.engine.group import group_from_configs
from descentlab.engine.sweep import MAX_HISTORY_ROWS, lr_grid, sweep_from_config

LAB_GRID = 48  # Compare's boundaries (descentlab.ui.views.compare.GRID_RESOLUTION)


def _fill_history(trainer) -> None:
    """The history and the snapshots at their capacity, as a run left playing reaches them."""
    row = trainer.last_record
    for i in range(cost.HISTORY_ROWS):
        trainer._log.append({**row, "iteration": row["iteration"] + i + 1})
    for i in range(trainer.snapshots.capacity):
        trainer.snapshots.add(row["iteration"] + i + 1, trainer.network.theta)


def _play_trainer(trainer, playground: bool) -> None:
    """What a page's frame does to a run (the Playground's pictures and layer copies, or a lab's
    small boundary), with its history at capacity."""
    trainer.step(2)
    trainer.record()
    plane = trainer.dataset.points_train is not None
    if plane and playground:
        trainer.decision_grid(100)
        trainer.unit_grids(24)
    elif plane:
        trainer.decision_grid(LAB_GRID)
    if playground:
        trainer.layer_statistics()
    _fill_history(trainer)


def _fill_sweep_history(sweep) -> None:
    last = sweep._records[-1]
    for i in range(MAX_HISTORY_ROWS // sweep.K):
        sweep._records.append([{**row, "iteration": row["iteration"] + i + 1} for row in last])
    sweep.history


def measured_peak(page: str, config: RunConfig, k: int = 1, dataset=None) -> int:
    """Peak bytes tracemalloc sees while ``page`` builds and plays ``config`` (k copies on labs)."""
    gc.collect()
    tracemalloc.start()
    try:
        if page == "playground":
            run = build(config, dataset=dataset)
            _play_trainer(run.trainer, True)
        elif page == "compare":
            rates = np.geomspace(0.01, 1.0, k)
            group = group_from_configs({f"{i}": config.replace(learning_rate=float(r)) for i, r in enumerate(rates)},
                                       "learning_rate", dataset)
            for variant in group.variants:
                _play_trainer(variant.run.trainer, False)
        else:  # sweep
            sweep = sweep_from_config(config, lr_grid(0.01, 1.0, k), dataset=dataset)
            sweep.step(2)
            sweep.record()
            sweep.final()
            _fill_sweep_history(sweep)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        gc.collect()


def estimate(page: str, config: RunConfig, k: int = 1, dataset=None) -> int:
    if page == "playground":
        return cost.playground(config, dataset).bytes
    if page == "compare":
        rates = np.geomspace(0.01, 1.0, k)
        return cost.group([config.replace(learning_rate=float(r)) for r in rates], dataset, LAB_GRID ** 2).bytes
    return cost.sweep(config, k, dataset).bytes
