"""Time a learning-rate Sweep against the same K rates run one after another as Trainers.

    python -m bench.sweep_bench [--k 16] [--iterations 2000] [--repeats 5] [--breakdown]

Workload (issue 4): the 2-10-5-1 ReLU/sigmoid/BCE net on 400 circles examples (300 train / 100
test), full batch, K learning rates log-spaced over [1e-3, 3]. Both sides start from the same built
data set and record exactly alike: at iteration 0 and at the end (record_every = iterations). A unit
of each side is everything a user waits for: building the network(s) and training them.

The two sides run in interleaved rounds (alternating which goes first); the ratio is the median over
rounds of sequential ÷ sweep in the same round, so load that comes and goes hits both alike, and
the spread of the per-round ratios is printed with it. Each unit is timed on two clocks: wall time
(what a user waits) and this process's CPU time (it leaves out the time other processes held the
core, so on a shared machine it moves less; cache misses they cause still count). The sweep must
also match the Trainers (final θ and costs) to 1e-10, or the script fails.

--breakdown prints where one sweep step's time goes, call by call, next to a Trainer step. It
shows what bounds the ratio: the products must round exactly like the Trainer's, so apart from the
first layer (one product for all runs) they stay per-run BLAS calls of the same tiny shapes. Their
cost per run is a floor that batching cannot remove, and the ratio cannot exceed
(Trainer step) / (the sweep's products per run) however cheap everything else becomes.
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from descentlab.engine.build import build
from descentlab.engine.config import RunConfig
from descentlab.engine.sweep import lr_grid, sweep_from_config

TARGET = 8.0  # issue 4: the sweep >= 8x the sequential Trainers
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


def workload(iterations: int) -> tuple[RunConfig, object]:
    config = RunConfig(dataset="circles", n_samples=400, test_fraction=0.25, hidden=(10, 5),
                       activation="relu", record_every=iterations)
    return config, build(config).dataset


def _sweep(config, data, lrs, iterations):
    sw = sweep_from_config(config, lrs, dataset=data)
    sw.step(iterations)
    return sw


def _sequential(config, data, lrs, iterations):
    trainers = []
    for lr in lrs:
        tr = build(config.replace(learning_rate=float(lr)), dataset=data).trainer
        tr.step(iterations)
        trainers.append(tr)
    return trainers


def check(config, data, lrs, iterations) -> float:
    """Largest difference between the sweep and the Trainers (final θ and final costs)."""
    sw, trainers = _sweep(config, data, lrs, iterations), _sequential(config, data, lrs, iterations)
    fin = sw.final()
    worst = 0.0
    for k, tr in enumerate(trainers):
        worst = max(worst, float(np.max(np.abs(sw.theta[k] - tr.network.theta))),
                    abs(fin.cost_train[k] - tr.history.cost_train.iloc[-1]))
    return worst


def _timed(fn) -> dict:
    t0 = {name: clock() for name, clock in CLOCKS.items()}
    fn()
    return {name: clock() - t0[name] for name, clock in CLOCKS.items()}


def measure(k=16, iterations=2000, repeats=5) -> dict:
    """Seconds per side and sequential ÷ sweep ratios, per clock: {"wall": {...}, "cpu": {...}}."""
    config, data = workload(iterations)
    lrs = lr_grid(1e-3, 3.0, k)
    worst = check(config, data, lrs, iterations)  # doubles as the warm-up of both sides
    if not worst < 1e-10:
        raise AssertionError(f"the sweep and the Trainers disagree by {worst:g}")
    sides = {"sweep": lambda: _sweep(config, data, lrs, iterations),
             "sequential": lambda: _sequential(config, data, lrs, iterations)}
    rounds = []
    for r in range(repeats):
        order = list(sides) if r % 2 == 0 else list(sides)[::-1]
        rounds.append({side: _timed(sides[side]) for side in order})
    out = {"k": k, "iterations": iterations, "m": data.X_train.shape[1], "repeats": repeats,
           "max_abs_diff": worst}
    for clock in CLOCKS:
        ratios = [t["sequential"][clock] / t["sweep"][clock] for t in rounds]
        out[clock] = {"ratio": statistics.median(ratios), "ratios": ratios,
                      **{side: statistics.median(t[side][clock] for t in rounds) for side in sides}}
    return out


HEADER = ("| clock | sweep (K runs) | K sequential Trainers | sequential ÷ sweep (spread over rounds) |\n"
          "|---|---|---|---|")


def table_rows(r: dict) -> str:
    """One Markdown row per clock: seconds, µs per iteration, and the ratio with its spread."""
    rows = []
    for clock in CLOCKS:
        c, it, k = r[clock], r["iterations"], r["k"]
        verdict = "met" if c["ratio"] >= TARGET else "NOT met"
        rows.append(f"| {clock} | {c['sweep']:.3f} s ({c['sweep'] / it * 1e6:.0f} µs/it) "
                    f"| {c['sequential']:.3f} s ({c['sequential'] / it / k * 1e6:.0f} µs/it per run) "
                    f"| **{c['ratio']:.2f}x** ({min(c['ratios']):.2f}–{max(c['ratios']):.2f}; "
                    f"target >= {TARGET:g}x: {verdict}) |")
    return "\n".join(rows)


def section(r: dict) -> str:
    """The Markdown section bench.run prints."""
    return (f"## 4. Learning-rate sweep: K={r['k']} rates, 2-10-5-1 ReLU/sigmoid, BCE, m={r['m']}, "
            f"{r['iterations']} full-batch iterations\n\n"
            f"one Sweep (one batched computation) vs {r['k']} Trainers one after another; median of "
            f"{r['repeats']} interleaved rounds\n\n{HEADER}\n{table_rows(r)}\n\n"
            f"- the sweep matches the Trainers to {r['max_abs_diff']:.1e} (final θ and cost); both "
            f"record at iteration 0 and at the end only")


def _best_us(fn, n=20, rounds=200) -> float:
    """Fastest of many short timings, in µs per call: the machine's noise only ever adds."""
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - t0) / n)
    return best * 1e6


def breakdown(k=16) -> str:
    """Markdown table: each numpy call of one sweep step, and one Trainer step for comparison."""
    config, data = workload(10**6)
    sw = sweep_from_config(config, lr_grid(1e-3, 3.0, k), dataset=data)
    tr = build(config, dataset=data).trainer
    lines = ["| call (sweep, one step of all K runs) | µs |", "|---|---|"]
    total = products = 0.0
    with np.errstate(all="ignore"):
        for call in sw._train.forward + sw._train.backward:
            us = _best_us(call)
            total += us
            name = getattr(call.func, "__name__", str(call.func))
            if name in ("dot", "matmul", "einsum"):
                products += us
            shapes = " ".join(str(getattr(a, "shape", a)) for a in call.args if not isinstance(a, str))
            lines.append(f"| {name} {shapes} | {us:.1f} |")
        step = _best_us(lambda: sw.step(10), n=1) / 10
        tr_step = _best_us(lambda: tr.step(10), n=1) / 10
    lines += [f"| **sum of the calls** | {total:.0f} |", f"| **sweep.step** (with the update) | {step:.0f} |",
              f"| **Trainer.step**, one run | {tr_step:.1f} |", "",
              (f"- products: {products:.0f} µs per step = {products / k:.1f} µs per run; a Trainer step: "
               f"{tr_step:.1f} µs, so even free element-wise work could not beat {tr_step * k / products:.1f}x"),
              f"- this step: {tr_step * k / step:.2f}x of {k} Trainer steps (best times, not the bench's medians)"]
    return "\n".join(lines)


def main(argv=None) -> float:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--k", type=int, default=16)
    p.add_argument("--iterations", type=int, default=2000)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--breakdown", action="store_true", help="where one step's time goes, then exit")
    a = p.parse_args(argv)
    if a.breakdown:
        print(breakdown(a.k))
        return 0.0
    r = measure(a.k, a.iterations, a.repeats)
    print(section(r))
    for clock in CLOCKS:
        print(f"- per-round ratios, {clock}: {', '.join(f'{x:.2f}' for x in r[clock]['ratios'])}")
    return r["wall"]["ratio"]


if __name__ == "__main__":
    main()
