"""The three benchmark workloads. Each returns a plain dict of figures (seconds are
medians of interleaved repeats, see timing.measure); run.py formats them."""
import time
from types import SimpleNamespace

import numpy as np

from . import reference as ref
from . import timing, torch_ref

RECORD_NEVER = 10 ** 9


def _engine():
    from descentlab.engine.datasets import make_dataset
    from descentlab.engine.network import Network
    from descentlab.engine.trainer import Trainer
    return make_dataset, Network, Trainer


def _ref_params(net, dtype=None):
    return {k: np.array(v, dtype=dtype or v.dtype) for k, v in net.params.items()}


def _loop(fn):
    return timing.py_runner(fn)


def _trainer_runner(trainer, k=1):
    """run(n): n calls of trainer.step(k) in one go, as a UI asks for a batch of steps."""
    def run(n):
        t0 = time.perf_counter()
        if k == 1:
            trainer.step(n)
        else:
            for _ in range(n):
                trainer.step(k)
        return time.perf_counter() - t0
    return run


# ------------------------------------------------------------------ 1. small full batch
def full_batch(repeats, min_time):
    """2-10-5-1 ReLU/sigmoid/BCE, 300 circles examples, full-batch GD, lr 0.01."""
    make_dataset, Network, Trainer = _engine()
    ds = make_dataset("circles", n_samples=400, test_fraction=0.25, seed=0)
    sizes, lr = [2, 10, 5, 1], 0.01

    def net():
        return Network(sizes, activation="relu", output_activation="sigmoid", loss="bce", seed=0)

    n0 = net()
    runners = {
        "engine (record_every=1000)": _trainer_runner(Trainer(net(), ds, lr, record_every=1000)),
        "engine (record_every=1)": _trainer_runner(Trainer(net(), ds, lr, record_every=1)),
    }
    X, Y = np.array(ds.X_train), np.array(ds.Y_train)
    p = _ref_params(n0)
    runners["reference numpy"] = _loop(lambda: ref.gradient_step(X, Y, p, lr, "relu", "sigmoid", "bce"))
    if torch_ref.available():
        threads = torch_ref.torch.get_num_threads()
        for dt in (np.float64, np.float32):
            step, _ = torch_ref.make_trainer(_ref_params(n0), X, Y, "relu", "bce", lr, dt)
            runners[f"torch {np.dtype(dt).name}"] = _loop(step)
            if threads != 1:
                step1, _ = torch_ref.make_trainer(_ref_params(n0), X, Y, "relu", "bce", lr, dt)
                runners[f"torch {np.dtype(dt).name} (1 thread)"] = torch_ref.with_threads(_loop(step1), 1)
    sec = timing.measure(runners, repeats, min_time)
    samples = sec.pop("_samples")
    return {"unit": "steps/s", "per_second": {k: 1 / v for k, v in sec.items()},
            "samples": samples, "m": X.shape[1]}


# ------------------------------------------------------------------ 2. Playground default
def playground(repeats, min_time, with_js=True):
    """2-4-2-1 tanh/tanh, square loss, 250 train + 250 test circles, batch 10, lr 0.03.
    frame = one epoch (25 updates) + train and test cost + 100x100 output heatmap."""
    make_dataset, Network, Trainer = _engine()
    ds = make_dataset("circles", n_samples=500, test_fraction=0.5, seed=0)
    sizes, lr, bs, res = [2, 4, 2, 1], 0.03, 10, 100
    per_epoch = ds.X_train.shape[1] // bs

    def net():
        return Network(sizes, activation="tanh", output_activation="tanh", loss="mse", seed=0)

    n0 = net()
    tr_eval = Trainer(net(), ds, lr, batch_size=bs, record_every=RECORD_NEVER)
    tr_rec = Trainer(net(), ds, lr, batch_size=bs, record_every=per_epoch)
    tr_raw = Trainer(net(), ds, lr, batch_size=bs, record_every=RECORD_NEVER)

    def engine_frame():
        tr_eval.step(per_epoch)
        tr_eval.evaluate()  # cost_train, cost_test (and accuracies)
        tr_eval.decision_grid(res)

    def engine_frame_record():
        tr_rec.step(per_epoch)  # records one history row: costs + layer statistics
        tr_rec.decision_grid(res)

    Xtr, Ytr, Xte, Yte = (np.array(a) for a in (ds.X_train, ds.Y_train, ds.X_test, ds.Y_test))
    grid = ref.grid_points(res, (*ds.bounds[0], *ds.bounds[1]))
    p_frame, p_raw = _ref_params(n0), _ref_params(n0)
    h = ("tanh", "tanh")

    def ref_frame():
        ref.train_minibatch_epoch(Xtr, Ytr, p_frame, lr, bs, *h, "mse")
        ref.compute_cost(ref.forward(Xtr, p_frame, *h)[0], Ytr, "mse")
        ref.compute_cost(ref.forward(Xte, p_frame, *h)[0], Yte, "mse")
        ref.decision_grid(p_frame, grid, *h)

    runners = {
        "engine": _loop(engine_frame),
        "engine (record_every=25)": _loop(engine_frame_record),
        "reference numpy": _loop(ref_frame),
        "engine raw epoch": _trainer_runner(tr_raw, per_epoch),
        "reference raw epoch": _loop(lambda: ref.train_minibatch_epoch(Xtr, Ytr, p_raw, lr, bs, *h, "mse")),
    }
    server = None
    js_note = "skipped (--no-js)" if not with_js else None
    if with_js and not timing.node_available():
        js_note = "skipped: `node` not found"
    if js_note is None:
        server = timing.NodeServer({"batch_size": bs, "learning_rate": lr, "density": res})
        runners["playground JS"] = server.runner("frame")
        runners["playground JS raw epoch"] = server.runner("epoch")
    try:
        sec = timing.measure(runners, repeats, min_time)
    finally:
        if server:
            server.close()
    samples = sec.pop("_samples")
    calls = {"engine": count_engine_calls(Trainer, Network, make_dataset, sizes, lr, bs),
             "reference numpy": count_reference_calls(n0, Xtr, Ytr, lr, bs)}
    return {"unit": "epochs/s", "per_second": {k: 1 / v for k, v in sec.items()}, "samples": samples,
            "numpy_calls_per_step": calls, "node": server.version if server else None,
            "js_note": js_note,
            "updates_per_epoch": per_epoch}


def count_engine_calls(Trainer, Network, make_dataset, sizes, lr, bs):
    """numpy operations in one mini-batch Trainer.step(1), counted once, outside timing."""
    ds = make_dataset("circles", n_samples=500, test_fraction=0.5, seed=0)
    tr = Trainer(Network(sizes, activation="tanh", output_activation="tanh", loss="mse", seed=0), ds, lr,
                 batch_size=bs, record_every=RECORD_NEVER)
    tr.step(1)  # lets the trainer allocate its batch workspace first
    timing.follow(tr)
    return timing.count_array_ops(lambda: tr.step(1))


def count_reference_calls(net, X, Y, lr, bs):
    p = {k: timing.counted(v) for k, v in _ref_params(net).items()}
    Xb, Yb = timing.counted(X[:, :bs]), timing.counted(Y[:, :bs])
    return timing.count_array_ops(lambda: ref.gradient_step(Xb, Yb, p, lr, "tanh", "tanh", "mse"))


# ------------------------------------------------------------------ 3. large full batch
def step_flops(sizes, m):
    """2*m*n_l*n_{l-1} per matmul: forward every layer, backward dW every layer and dA
    for every layer but the first (no one needs dX)."""
    per_layer = [a * b for a, b in zip(sizes[1:], sizes[:-1])]
    return 2 * m * (2 * sum(per_layer) + sum(per_layer[1:]))


def _matmul_runner(n, dtype):
    rng = np.random.default_rng(0)
    A, B = (rng.standard_normal((n, n)).astype(dtype) for _ in range(2))
    C = np.empty((n, n), dtype)
    return _loop(lambda: np.matmul(A, B, out=C))


def _settled(run, pause):
    """BLAS/OpenMP worker threads keep spinning for a while after a big product; on a
    2-core box that steals from whoever runs next, so let them go idle first."""
    def wrapped(n):
        time.sleep(pause)
        return run(n)
    return wrapped


def large(repeats, min_time, m=4096, peak_n=2048, settle=0.15):
    """784-256-256-10 ReLU/softmax-CE, m random examples, one full-batch GD step."""
    _, Network, Trainer = _engine()
    sizes, lr = [784, 256, 256, 10], 0.01
    rng = np.random.default_rng(0)
    X = rng.standard_normal((sizes[0], m))
    labels = rng.integers(0, sizes[-1], m)
    Y = (np.arange(sizes[-1])[:, None] == labels[None, :]).astype(np.float64)
    runners = {}
    for dt in (np.float64, np.float32):
        name = np.dtype(dt).name
        data = SimpleNamespace(name="random", task="multiclass", X_train=X.astype(dt), Y_train=Y.astype(dt),
                               X_test=np.empty((sizes[0], 0), dt), Y_test=np.empty((sizes[-1], 0), dt),
                               points_train=None)
        net = Network(sizes, activation="relu", output_activation="softmax", loss="softmax_ce", seed=0, dtype=dt)
        runners[f"engine {name}"] = _trainer_runner(Trainer(net, data, lr, record_every=RECORD_NEVER))
        Xd, Yd, p = X.astype(dt), Y.astype(dt), _ref_params(net, dt)
        runners[f"reference {name}"] = _loop(
            lambda Xd=Xd, Yd=Yd, p=p: ref.gradient_step(Xd, Yd, p, lr, "relu", "softmax", "softmax_ce"))
        if torch_ref.available():
            step, _ = torch_ref.make_trainer(_ref_params(net, dt), X, Y, "relu", "softmax_ce", lr, dt)
            runners[f"torch {name}"] = _loop(step)
        runners[f"peak numpy {name}"] = _matmul_runner(peak_n, dt)
        if torch_ref.available():
            runners[f"peak torch {name}"] = torch_ref.matmul_runner(peak_n, dt)
    runners = {k: _settled(v, settle) for k, v in runners.items()}
    sec = timing.measure(runners, repeats, min_time)
    samples = sec.pop("_samples")
    flops, peak_flops = step_flops(sizes, m), 2 * peak_n ** 3
    gflops = {k: (peak_flops if k.startswith("peak") else flops) / v / 1e9 for k, v in sec.items()}
    peak, fraction, fraction_numpy = {}, {}, {}
    for dt in ("float64", "float32"):
        peaks = [k for k in sec if k.startswith("peak") and k.endswith(dt)]
        peak[dt] = max(gflops[k] for k in peaks)
        # per round: this round's rate over this round's matmul rate, then the median
        best = [max(peak_flops / samples[k][r] for k in peaks) for r in range(repeats)]
        npy = [peak_flops / t for t in samples[f"peak numpy {dt}"]]
        for k in sec:
            if k.endswith(dt):
                rate = [(peak_flops if k.startswith("peak") else flops) / t for t in samples[k]]
                fraction[k] = float(np.median([a / b for a, b in zip(rate, best)]))
                fraction_numpy[k] = float(np.median([a / b for a, b in zip(rate, npy)]))
    return {"unit": "GFLOP/s", "gflops": gflops, "seconds": sec, "samples": samples, "peak": peak,
            "fraction_of_peak": fraction, "fraction_of_numpy_peak": fraction_numpy, "flops_per_step": flops, "m": m, "peak_n": peak_n}
