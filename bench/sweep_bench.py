"""Time a 16-rate learning-rate Sweep against 16 sequential Trainer runs of the same iterations.

    python -m bench.sweep_bench [--k 16] [--iterations 2000] [--repeats 3]

Workload: the 2-10-5-1 ReLU/sigmoid net on 400 circles examples (300 train / 100 test), full batch,
history recorded only at the start and the end (record_every = iterations) for both sides.
Prints one Markdown table row: median seconds of each side and the speed-up ratio.
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from engine.config import RunConfig, build
from engine.sweep import lr_grid, sweep_from_config


def _time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv=None) -> float:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--k", type=int, default=16)
    p.add_argument("--iterations", type=int, default=2000)
    p.add_argument("--repeats", type=int, default=3)
    a = p.parse_args(argv)
    config = RunConfig(dataset="circles", n_samples=400, test_fraction=0.25, hidden=(10, 5),
                       activation="relu", record_every=a.iterations)
    lrs = lr_grid(1e-3, 3.0, a.k)

    def sweep():
        sw = sweep_from_config(config, lrs)
        sw.step(a.iterations)
        return sw

    def sequential():
        return [_train(config, lr, a.iterations) for lr in lrs]

    t_sweep, t_seq = _time(sweep, a.repeats), _time(sequential, a.repeats)
    # the two sides must have computed the same thing
    sw, trs = sweep(), sequential()
    worst = max(abs(sw.final().cost_train[k] - tr.history.cost_train.iloc[-1]) for k, tr in enumerate(trs))
    assert worst < 1e-10, f"sweep and trainers disagree by {worst}"
    ratio = t_seq / t_sweep
    print(f"| sweep K={a.k}, {a.iterations} it, 2-10-5-1 circles m={sw._train.m} | sweep {t_sweep:.3f} s "
          f"| {a.k} sequential Trainers {t_seq:.3f} s | **{ratio:.1f}x** (median of {a.repeats}) |")
    return ratio


def _train(config, lr, iterations):
    tr = build(config.replace(learning_rate=float(np.float64(lr)))).trainer
    tr.step(iterations)
    return tr


if __name__ == "__main__":
    main()
