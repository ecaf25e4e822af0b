"""Where the time of one Playground frame goes, component by component:
`python -m bench.breakdown`. A diagnostic for engine work, not part of `make bench`;
it reaches into Trainer/Network internals, so it may need touching when they change.

Every row is the median of interleaved repeats (timing.measure), in microseconds.
"""
import argparse
import sys

import numpy as np

from . import timing

RECORD_NEVER = 10 ** 9


def components():
    from descentlab.engine.datasets import make_dataset
    from descentlab.engine.network import Network
    from descentlab.engine.trainer import Trainer
    ds = make_dataset("circles", n_samples=500, test_fraction=0.5, seed=0)
    tr = Trainer(Network([2, 4, 2, 1], activation="tanh", output_activation="tanh", loss="mse", seed=0),
                 ds, 0.03, batch_size=10, record_every=RECORD_NEVER)
    net = tr.network
    tr.step(1)
    tr.decision_grid(100)
    ws, Y = tr._next_batch()
    _, _, gws = next(iter(tr._grid_cache.values()))
    n32 = tr._grid_network()
    R = timing.py_runner

    def quiet(fn):
        def run():
            with np.errstate(all="ignore"):
                fn()
        return run

    rows = {
        "frame: step(25)": R(lambda: tr.step(25)),
        "frame: evaluate()": R(tr.evaluate),
        "frame: decision_grid(100)": R(lambda: tr.decision_grid(100)),
        "step: _next_batch": R(tr._next_batch),
        "step: forward (m=10)": R(quiet(lambda: net.forward_workspace(ws))),
        "step: backward (m=10)": R(quiet(lambda: net.backward_workspace(ws, Y))),
        "step: divergence check": R(lambda: np.add.reduce(net.grad)),
        "step: optimizer.update": R(lambda: tr.optimizer.update(np.empty_like(net.theta), net.grad)),
        "evaluate: forward (m=250)": R(quiet(lambda: net.forward_workspace(tr._ws_train))),
        "evaluate: loss.cost (m=250)": R(lambda: net.loss.cost(tr._ws_train.A[-1], tr._Ytr)),
        "grid: forward f32 (m=10,000)": R(quiet(lambda: n32.forward_workspace(gws))),
        "grid: np.tanh f32 on 4x10,000": R(lambda: np.tanh(gws.Z[1], gws.Z[1])),
        "numpy floor: np.add(a, b, out) 4x10": R(lambda a=np.ones((4, 10)): np.add(a, a, a)),
        "numpy floor: np.dot 4x3 @ 3x10": R(lambda a=np.ones((4, 3)), b=np.ones((3, 10)), c=np.empty((4, 10)):
                                              np.dot(a, b, c)),
    }
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(prog="bench.breakdown", description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--min-time", type=float, default=0.1)
    ap.add_argument("--profile", action="store_true", help="also cProfile 200 frames (top 15 by own time)")
    args = ap.parse_args(argv)
    rows = components()
    sec = timing.measure(rows, args.repeats, args.min_time)
    sec.pop("_samples")
    print("| component | µs |\n|---|---|")
    for name, s in sec.items():
        print(f"| {name} | {s * 1e6:,.1f} |")
    if args.profile:
        import cProfile
        import pstats

        from descentlab.engine.datasets import make_dataset
        from descentlab.engine.network import Network
        from descentlab.engine.trainer import Trainer
        ds = make_dataset("circles", n_samples=500, test_fraction=0.5, seed=0)
        tr = Trainer(Network([2, 4, 2, 1], activation="tanh", output_activation="tanh", loss="mse"), ds, 0.03,
                     batch_size=10, record_every=RECORD_NEVER)
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(200):
            tr.step(25)
            tr.evaluate()
            tr.decision_grid(100)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(15)
    return 0


if __name__ == "__main__":
    sys.exit(main())
