"""engine.sweep: K learning rates in one batched computation must reproduce K independent Trainers."""
import numpy as np
import pytest

from engine.config import ConfigError, RunConfig, build
from engine.sweep import Sweep, lr_grid, sweep_from_config

pytestmark = pytest.mark.filterwarnings("error")  # no RuntimeWarning, even while runs overflow

CIRCLES = RunConfig(dataset="circles", hidden=(10, 5), activation="relu", learning_rate=0.01)
LRS = [0.001, 0.01, 0.1, 3.0, 10.0]


def _compare(config, lrs, iterations, record_every=1, tol=1e-10):
    """Run the sweep and one Trainer per rate; assert identical histories, parameters, divergence."""
    config = config.replace(record_every=record_every)
    sw = sweep_from_config(config, lrs)
    sw.step(iterations)
    assert sw.iteration == iterations
    hist = sw.history
    for k, lr in enumerate(lrs):
        tr = build(config.replace(learning_rate=lr)).trainer
        tr.step(iterations)
        mine, ref = hist[hist.run == k].reset_index(drop=True), tr.history
        assert len(mine) == len(ref), f"run {k} (lr={lr}): {len(mine)} history rows vs {len(ref)}"
        assert np.array_equal(mine.iteration.values, ref.iteration.values)
        cols = [c for c in ref.columns if c.startswith(("cost_", "accuracy_", "r2_")) or c in ("learning_rate", "penalty")]
        for c in cols:
            np.testing.assert_allclose(mine[c].values, ref[c].values, rtol=0, atol=tol, err_msg=f"run {k} {c}")
        for name, value in sw.params(k).items():
            np.testing.assert_allclose(value, tr.network.params[name], rtol=0, atol=tol, err_msg=f"run {k} {name}")
        assert bool(sw.diverged[k]) == tr.diverged
        assert sw.diverged_at[k] == (-1 if tr.diverged_at is None else tr.diverged_at)
    return sw


def test_circles_relu_sigmoid_matches_trainers():
    # the fused sigmoid + BCE gradient (A - Y)/m is bounded, so even lr = 10 stays finite here
    sw = _compare(CIRCLES, LRS, 300)
    assert not sw.diverged.any()
    assert len(sw.history) == 5 * 301


def test_circles_relu_with_divergence_matches_trainers_and_others_go_on():
    # same 2-10-5-1 ReLU net with squared error + linear output: lr 3 and 10 blow up
    sw = _compare(CIRCLES.replace(loss="mse"), LRS, 300)
    assert sw.diverged.tolist() == [False, False, False, True, True]
    assert 0 < sw.diverged_at[4] < sw.diverged_at[3] < 300
    last = sw.history[sw.history.iteration == 300]
    assert sorted(last.run) == [0, 1, 2]  # the others kept training after the divergences
    for k in (3, 4):  # frozen at finite values
        assert all(np.isfinite(v).all() for v in sw.params(k).values())
    fin = sw.final()
    assert fin.diverged.tolist() == sw.diverged.tolist()
    assert fin.diverged_at.tolist() == sw.diverged_at.tolist()
    assert np.isfinite(fin.cost_train[:3]).all() and "accuracy" in fin


def test_multiclass_softmax_matches_trainers():
    _compare(RunConfig(dataset="blobs3", hidden=(8,), activation="tanh"), [0.01, 0.1, 1.0, 5.0], 150)


def test_regression_mse_matches_trainers_with_divergence():
    sw = _compare(RunConfig(dataset="plane", hidden=(10, 5), activation="relu"), LRS, 200)
    assert sw.diverged[4] and not sw.diverged[:3].any()
    assert {"r2_train", "r2_test"} <= set(sw.history.columns) and "r2" in sw.final()


@pytest.mark.parametrize("act", ["sigmoid", "leaky_relu", "softplus", "elu", "swish", "gelu", "linear"])
def test_hidden_activations_match_trainers(act):
    _compare(CIRCLES.replace(activation=act, n_samples=100), [0.05, 0.5, 2.0], 40)


@pytest.mark.parametrize("changes", [
    dict(dataset="blobs3", loss="mse", output_activation="softmax"),  # non-fused softmax, axis -2
    dict(loss="mse", output_activation="tanh"),
    dict(l2=0.05, l1=0.01),
    dict(schedule="exponential", decay_steps=10),
    dict(dtype="float32"),
])
def test_other_paths_match_trainers(changes):
    tol = 1e-4 if changes.get("dtype") == "float32" else 1e-10
    _compare(CIRCLES.replace(n_samples=100, **changes), [0.05, 0.5, 2.0], 40, record_every=7, tol=tol)


def test_record_every_and_step_chunks():
    a = sweep_from_config(CIRCLES.replace(record_every=10), [0.01, 0.1])
    for _ in range(5):
        a.step(7)
    b = sweep_from_config(CIRCLES.replace(record_every=10), [0.01, 0.1])
    b.step(35)
    assert a.history.iteration.unique().tolist() == [0, 10, 20, 30]
    np.testing.assert_array_equal(a.theta, b.theta)


def test_starts_from_the_network_weights_and_params_are_copies():
    run = build(CIRCLES)
    sw = Sweep(run.network, run.dataset, [0.1, 1.0])
    for k in range(2):
        for name, v in sw.params(k).items():
            np.testing.assert_array_equal(v, run.network.params[name])
    p = sw.params(0)
    p["W1"][...] = 123.0
    assert not (sw.params(0)["W1"] == 123.0).any()
    with pytest.raises(IndexError):
        sw.params(2)


@pytest.mark.parametrize("args, name", [
    ((0, 1, 5), "low"), ((-1, 1, 5), "low"), ((float("nan"), 1, 5), "low"),
    ((0.1, 0.1, 5), "high"), ((0.1, 0.01, 5), "high"), ((0.1, 11, 5), "high"), ((0.1, float("inf"), 5), "high"),
    ((0.01, 1, 0), "k"), ((0.01, 1, 33), "k"), ((0.01, 1, 2.5), "k"), ((0.01, 1, True), "k"),
])
def test_lr_grid_validation(args, name):
    with pytest.raises(ValueError, match=rf"^{name} "):
        lr_grid(*args)


def test_lr_grid_values():
    g = lr_grid(0.001, 10, 5)
    np.testing.assert_allclose(g, [0.001, 0.01, 0.1, 1, 10])
    assert lr_grid(0.5, 1, 1).tolist() == [0.5] and lr_grid(1e-3, 10, 32).size == 32


@pytest.mark.parametrize("changes, field", [
    (dict(batch_size=32), "batch_size"), (dict(optimizer="adam"), "optimizer"),
    (dict(optimizer="momentum"), "optimizer"), (dict(dropout=0.2), "dropout"),
])
def test_sweep_from_config_refuses(changes, field):
    with pytest.raises(ConfigError, match=field) as info:
        sweep_from_config(CIRCLES.replace(**changes), [0.1])
    assert info.value.field == field


@pytest.mark.parametrize("lrs", [[], [0.1, -1.0], [float("nan")], [0.1] * 33])
def test_bad_learning_rates_refused(lrs):
    with pytest.raises(ValueError, match="learning_rates"):
        sweep_from_config(CIRCLES, lrs)


def test_sparse_records_restore_last_recorded_state_like_trainer():
    # with records every 50 iterations θ overflows between records: the run must go back to its
    # last recorded (finite) θ exactly as the Trainer's snapshot restore does
    sw = _compare(CIRCLES.replace(loss="mse", init="random", init_scale=20), [0.01, 3.0, 10.0], 300,
                  record_every=50)
    assert sw.diverged[1:].all() and not sw.diverged[0]
