"""descentlab.engine.sweep: K learning rates in one batched computation must reproduce K independent Trainers."""
import numpy as np
import pandas as pd
import pytest

from descentlab.engine.build import build
from descentlab.engine.config import ConfigError, RunConfig
from descentlab.engine.sweep import Sweep, lr_grid, sweep_from_config

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
    dict(schedule="interval_inverse", decay_rate=1.0, decay_steps=10),  # the lecture's fixed-interval decay
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


# ---- the batched layout's special paths, each against the Trainers ----

def test_zero_init_relu_matches_trainers():
    # the course's symmetric case: every pre-activation is exactly 0 and stays so (only b[L] learns)
    sw = _compare(CIRCLES.replace(init="zeros", n_samples=100), [0.1, 1.0], 30)
    assert not sw.diverged.any()


@pytest.mark.parametrize("hidden, activation", [
    ((), "relu"),  # no hidden layer: layer 1 is the output
    ((3,), "relu"),  # one hidden layer: layer 2 is the output
    ((1, 5), "relu"),  # a one-unit first layer: BLAS rounds its product another way (one row)
    ((6, 5, 4), ("relu", "elu", "tanh")),  # Z kept apart (elu) and shared with dZ (relu, tanh)
    ((4, 3), ("swish", "sigmoid")),
])
def test_depths_and_mixed_activations_match_trainers(hidden, activation):
    _compare(CIRCLES.replace(hidden=hidden, activation=activation, n_samples=100), [0.05, 0.5, 5.0], 40)


@pytest.mark.parametrize("hidden", [(), (1, 5), (9, 5)])
def test_diverging_runs_match_bit_for_bit_in_any_shape(hidden):
    # costs reach 1e18 and beyond before a run stops: only the Trainer's exact rounding keeps
    # them within 1e-10, so the first layer's shared product must round like its per-run product
    sw = _compare(CIRCLES.replace(hidden=hidden, loss="mse"), [0.01, 3.0, 10.0], 250)
    assert sw.diverged[1:].all() and not sw.diverged[0]


def test_multiclass_mse_divergence_matches_trainers():
    # several output units (W^T dZ by matmul, not the one-unit outer product) and runs that blow up
    sw = _compare(RunConfig(dataset="blobs3", hidden=(6,), activation="relu", loss="mse",
                            output_activation="linear", n_samples=120), [0.01, 0.3, 3.0, 10.0], 150)
    assert sw.diverged[-1] and not sw.diverged[0]


@pytest.mark.parametrize("changes", [dict(schedule="step", decay_steps=50, decay_rate=0.7), dict(l2=0.1, l1=0.02)])
def test_schedules_and_penalties_with_divergence_match_trainers(changes):
    sw = _compare(CIRCLES.replace(loss="mse", **changes), [0.01, 0.3, 3.0, 10.0], 300, record_every=3)
    assert sw.diverged.any() and not sw.diverged.all()


def test_run_stopped_by_its_gradient_stays_frozen_while_others_train():
    # lr 10 stops at the gradient check with θ still finite: its gradient there is NaN/inf, and its
    # θ must not take it in any later step (0 * NaN would make θ NaN)
    sw = _compare(CIRCLES.replace(loss="mse", init="random", init_scale=5.0), [0.3, 10.0], 300,
                  record_every=1000)
    assert sw.diverged.tolist() == [False, True] and sw.diverged_at[1] % 1000 != 0
    assert np.isfinite(sw.theta).all()


def test_bench_workload_sixteen_rates_match_trainers():
    # the bench's K = 16 grid on its 300 training examples, record at the start and the end only
    config = RunConfig(dataset="circles", n_samples=400, test_fraction=0.25, hidden=(10, 5), activation="relu")
    _compare(config, lr_grid(1e-3, 3.0, 16), 400, record_every=400)


# ---- driving the sweep like a Trainer (descentlab.ui.live.player) ----

def test_record_adds_rows_once_per_iteration_and_record_every_none():
    sw = sweep_from_config(CIRCLES.replace(record_every=5), [0.01, 0.1])
    sw.step(5)  # recorded by record_every
    sw.record()
    assert sw.history.iteration.tolist() == [0, 0, 5, 5]
    sw.step(2)
    sw.record()
    sw.record()
    assert sw.history.iteration.tolist()[-2:] == [7, 7] and len(sw.history) == 6

    run = build(CIRCLES)
    ui = Sweep(run.network, run.dataset, [0.01, 0.1], record_every=None)
    ui.step(30)
    assert ui.history.iteration.unique().tolist() == [0]
    ui.record()
    assert ui.history.iteration.unique().tolist() == [0, 30]
    ref = sweep_from_config(CIRCLES.replace(record_every=30), [0.01, 0.1])
    ref.step(30)
    np.testing.assert_array_equal(ui.theta, ref.theta)
    pd.testing.assert_frame_equal(ui.history, ref.history)
    with pytest.raises(ValueError, match="record_every"):
        Sweep(run.network, run.dataset, [0.1], record_every=0)


def test_all_stopped_is_true_only_when_every_run_stopped_and_message_says_which():
    sw = sweep_from_config(CIRCLES.replace(loss="mse"), [0.01, 10.0])
    assert not sw.all_stopped and sw.message == ""
    sw.step(300)
    assert sw.diverged.tolist() == [False, True]
    assert not sw.all_stopped  # one run still trains: a live loop keeps playing
    assert "1 of 2 runs diverged" in sw.message and f"iteration {sw.diverged_at[1]}" in sw.message
    assert sw.iteration == 300

    dead = sweep_from_config(CIRCLES.replace(loss="mse"), [3.0, 10.0])
    dead.step(300)
    assert dead.all_stopped and dead.iteration == max(dead.diverged_at) < 300  # stops when all have
    assert dead.message.startswith("every run diverged")
    n = len(dead.history)
    dead.record()
    dead.step(5)
    assert len(dead.history) == n and dead.iteration == max(dead.diverged_at)
    dead.reset()
    assert not dead.all_stopped and dead.iteration == 0 and dead.message == "" and len(dead.history) == 2


def test_sweep_from_config_takes_a_dataset():
    run = build(CIRCLES)
    sw = sweep_from_config(CIRCLES, [0.1], dataset=run.dataset)
    assert sw.dataset is run.dataset


def test_sweep_bench_runs_and_checks_agreement():
    # the benchmark's plumbing on a tiny workload (no timing is asserted: speed lives in bench/)
    from bench import sweep_bench
    r = sweep_bench.measure(k=2, iterations=5, repeats=1)
    assert r["max_abs_diff"] < 1e-10 and r["k"] == 2 and r["m"] == 300
    assert r["wall"]["sweep"] > 0 and len(r["cpu"]["ratios"]) == 1
    assert "| wall |" in sweep_bench.section(r) and "| cpu |" in sweep_bench.section(r)
