"""The benchmark's baselines compute the same thing as the engine, so its ratios compare
like with like: the numpy reference and PyTorch match the engine's cost and gradients,
and the JS Playground engine matches a numpy re-computation. No timing assertions."""
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from bench import reference as ref
from bench import timing, torch_ref, workloads
from descentlab.engine.network import Network

TOL = dict(rtol=1e-10, atol=1e-10)
RUN_JS = Path(__file__).resolve().parents[1] / "bench" / "playground" / "run.js"

CASES = [  # (sizes, hidden, output, loss)
    ([2, 10, 5, 1], "relu", "sigmoid", "bce"),
    ([2, 4, 2, 1], "tanh", "tanh", "mse"),
    ([3, 6, 4], "relu", "softmax", "softmax_ce"),
    ([2, 5, 1], "tanh", "sigmoid", "mse"),
]


def _problem(sizes, loss, m=13, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((sizes[0], m))
    if loss == "softmax_ce":
        Y = np.eye(sizes[-1])[:, rng.integers(0, sizes[-1], m)]
    else:
        Y = (rng.random((sizes[-1], m)) < 0.5).astype(np.float64)
    return X, Y


def _engine(sizes, hidden, output, loss, dtype=np.float64):
    return Network(sizes, activation=hidden, output_activation=output, loss=loss, seed=3, dtype=dtype)


def _params(net):
    return {k: np.array(v) for k, v in net.params.items()}


@pytest.mark.parametrize("sizes,hidden,output,loss", CASES)
def test_reference_matches_engine_cost_and_gradients(sizes, hidden, output, loss):
    X, Y = _problem(sizes, loss)
    net = _engine(sizes, hidden, output, loss)
    p = _params(net)
    AL, caches = ref.forward(X, p, hidden, output)
    np.testing.assert_allclose(AL, net.forward(X), **TOL)
    assert ref.compute_cost(AL, Y, loss) == pytest.approx(net.cost(X, Y), rel=1e-10, abs=1e-10)
    grads = ref.backward(AL, Y, caches, p, hidden, output, loss)
    eng = net.gradients(X, Y)
    assert set(grads) == set(eng)
    for k in eng:
        np.testing.assert_allclose(grads[k], eng[k], **TOL, err_msg=k)


def test_reference_training_matches_engine_trainer():
    """Same full-batch GD trajectory, so steps/s compare the same work."""
    from descentlab.engine.datasets import make_dataset
    from descentlab.engine.trainer import Trainer
    ds = make_dataset("circles", n_samples=60, test_fraction=0.25, seed=0)
    net = _engine([2, 10, 5, 1], "relu", "sigmoid", "bce")
    p = _params(net)
    Trainer(net, ds, learning_rate=0.5, record_every=1000).step(20)
    p = ref.train_full_batch(np.array(ds.X_train), np.array(ds.Y_train), p, 0.5, 20, "relu", "sigmoid", "bce")
    for k in p:
        np.testing.assert_allclose(p[k], net.params[k], rtol=1e-9, atol=1e-12, err_msg=k)


def test_reference_float32_stays_float32():
    X, Y = _problem([3, 6, 4], "softmax_ce")
    p = ref.copy_parameters(_params(_engine([3, 6, 4], "relu", "softmax", "softmax_ce")), np.float32)
    p = ref.gradient_step(X.astype(np.float32), Y.astype(np.float32), p, 0.1, "relu", "softmax", "softmax_ce")
    assert all(v.dtype == np.float32 for v in p.values())


@pytest.mark.skipif(not torch_ref.available(), reason="torch is not importable")
@pytest.mark.parametrize("sizes,hidden,output,loss", [c for c in CASES if c[3] in ("bce", "softmax_ce")])
def test_torch_matches_engine(sizes, hidden, output, loss):
    X, Y = _problem(sizes, loss)
    net = _engine(sizes, hidden, output, loss)
    cost, grads = torch_ref.cost_and_gradients(_params(net), X, Y, hidden, loss)
    assert cost == pytest.approx(net.cost(X, Y), rel=1e-10, abs=1e-10)
    eng = net.gradients(X, Y)
    for k in eng:
        np.testing.assert_allclose(grads[k], eng[k], **TOL, err_msg=k)


@pytest.mark.skipif(not torch_ref.available(), reason="torch is not importable")
def test_torch_sgd_step_matches_reference():
    X, Y = _problem([2, 10, 5, 1], "bce")
    p = _params(_engine([2, 10, 5, 1], "relu", "sigmoid", "bce"))
    for dtype, tol in ((np.float64, 1e-10), (np.float32, 1e-5)):
        step, model = torch_ref.make_trainer(p, X, Y, "relu", "bce", 0.1, dtype)
        step()
        expected = ref.gradient_step(X, Y, ref.copy_parameters(p), 0.1, "relu", "sigmoid", "bce")
        linears = [m for m in model if hasattr(m, "weight")]
        for l, lin in enumerate(linears, start=1):
            np.testing.assert_allclose(lin.weight.detach().numpy(), expected[f"W{l}"], rtol=tol, atol=tol)
            np.testing.assert_allclose(lin.bias.detach().numpy(), expected[f"b{l}"].ravel(), rtol=tol, atol=tol)


def _run_js(args):
    out = subprocess.run(["node", str(RUN_JS), json.dumps(args)], capture_output=True, text=True,
                         timeout=60, check=True)
    return json.loads(out.stdout)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_js_playground_engine_matches_numpy():
    """Playground's loss 0.5*(out-target)^2 averaged over points, and its batch update
    (mean of accumulated derivatives), recomputed with the numpy reference."""
    rng = np.random.default_rng(5)
    sizes, m, bs, lr = [2, 4, 2, 1], 20, 5, 0.3
    X = rng.uniform(-5, 5, (2, m))
    Y = np.where(rng.random((1, m)) < 0.5, 1.0, -1.0)
    p = {k: rng.uniform(-0.5, 0.5, v.shape) for k, v in ref.initialize_parameters(sizes).items()}
    weights = [{"W": p[f"W{l}"].tolist(), "b": p[f"b{l}"].ravel().tolist()} for l in range(1, len(sizes))]
    points = np.vstack([X, Y]).T.tolist()
    js = _run_js({"mode": "loss", "shape": sizes, "weights": weights, "points": points, "epochs": 2,
                  "batch_size": bs, "learning_rate": lr})
    h = ("tanh", "tanh")
    assert js["loss"] == pytest.approx(ref.compute_cost(ref.forward(X, p, *h)[0], Y, "half_mse"), rel=1e-12)
    for _ in range(2):
        p = ref.train_minibatch_epoch(X, Y, p, lr, bs, *h, "half_mse")
    for l, layer in enumerate(js["weights_after"], start=1):
        np.testing.assert_allclose(layer["W"], p[f"W{l}"], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(layer["b"], p[f"b{l}"].ravel(), rtol=1e-12, atol=1e-12)
    assert js["loss_after"] == pytest.approx(ref.compute_cost(ref.forward(X, p, *h)[0], Y, "half_mse"), rel=1e-12)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_js_server_protocol():
    server = timing.NodeServer({"n_samples": 40})
    try:
        assert server.runner("frame")(1) > 0 and server.runner("epoch")(2) > 0
    finally:
        server.close()
    assert server.proc.returncode == 0


def test_array_op_counter_counts_a_known_step():
    # forward 3 x (matmul, add, tanh); backward 4 + 3x(matmul, /m, sum, /m) + 2 dA matmuls
    # + 2 x 3 for tanh'; update 6 x 2  ->  9 + 24 + 12
    p = {k: timing.counted(v) for k, v in ref.initialize_parameters([2, 4, 2, 1]).items()}
    X, Y = timing.counted(np.ones((2, 10))), timing.counted(np.ones((1, 10)))
    assert timing.count_array_ops(lambda: ref.gradient_step(X, Y, p, 0.1, "tanh", "tanh", "half_mse")) == 45


def test_flop_count():
    assert workloads.step_flops([784, 256, 256, 10], 1) == 2 * (2 * 268_800 + 68_096)


def test_suite_smoke(capsys):
    """The whole pipeline runs end to end on tiny settings (figures are meaningless here)."""
    from bench import run
    assert run.main(["--only", "1", "--only", "2", "--repeats", "1", "--min-time", "0.002"]) == 0
    text = capsys.readouterr().out
    assert "## 1." in text and "## 2." in text and "numpy operations per mini-batch step" in text
    r = workloads.large(repeats=1, min_time=0.001, m=64, peak_n=64, settle=0.0)
    assert r["peak"]["float64"] > 0 and r["gflops"]["engine float32"] > 0
