"""The Trainer: the course's initialization experiment, symmetry, determinism, divergence, bounded memory."""
import numpy as np
import pandas as pd
import pytest

from descentlab.engine.datasets import make_dataset
from descentlab.engine.network import Network
from descentlab.engine.trainer import Trainer

LN2 = np.log(2.0)


@pytest.fixture(scope="module")
def circles():
    return make_dataset("circles", n_samples=400, noise=0.1, test_fraction=0.25, seed=1)


def _trainer(ds, init="he", scale=None, activation="relu", hidden=(10, 5), **kw):
    net = Network([ds.n_x, *hidden, ds.n_y], activation, init=init, init_scale=scale, seed=kw.pop("seed", 3))
    return Trainer(net, ds, **{"learning_rate": 0.01, **kw})


def test_course_initialization_experiment(circles):
    """[2, 10, 5, 1], ReLU / sigmoid, full-batch GD, lr 0.01, 15,000 iterations (the course's table)."""
    runs = {}
    for name, init, scale in (("zeros", "zeros", None), ("large", "random", 10.0), ("he", "he", None)):
        tr = _trainer(circles, init, scale, record_every=500)
        tr.step(15_000)
        runs[name] = tr.history
    zeros, large, he = runs["zeros"], runs["large"], runs["he"]
    assert (zeros.accuracy_train == 0.5).all() and (zeros.accuracy_test == 0.5).all()
    np.testing.assert_allclose(zeros.cost_train, LN2, rtol=0, atol=1e-12)
    assert he.accuracy_test.iloc[-1] >= 0.9
    assert large.cost_train.iloc[0] > 5.0  # "a huge cost" at the start
    assert large.cost_train.iloc[0] > 5 * he.cost_train.iloc[0]
    assert large.cost_train.iloc[-1] > he.cost_train.iloc[-1]
    assert large.accuracy_test.iloc[-1] <= he.accuracy_test.iloc[-1]


def test_zero_init_units_stay_identical_while_they_learn(circles):
    # sigmoid hidden units output 0.5 at z = 0, so W2 does receive gradient, but every unit the same one
    tr = _trainer(circles, "zeros", activation="sigmoid", hidden=(6, 4), learning_rate=0.5)
    tr.step(300)
    for l in (1, 2):
        W = tr.network.params[f"W{l}"]
        assert np.all(W == W[0]), f"rows of W{l} differ"
    assert np.abs(tr.network.params["W2"]).max() > 0  # it did change...
    assert (tr.history.distinct_1 == 1).all() and (tr.history.distinct_2 == 1).all()
    he = _trainer(circles, "he", hidden=(6, 4))
    assert he.last_record["distinct_1"] == 6  # ...random init breaks the symmetry


def test_same_config_and_seed_give_bit_identical_histories(circles):
    def run():
        tr = _trainer(circles, "he", optimizer="adam", batch_size=16, dropout=0.2, l2=0.01, seed=9,
                      learning_rate=0.005)
        tr.step(200)
        return tr.history, tr.network.theta.copy()

    (h1, t1), (h2, t2) = run(), run()
    pd.testing.assert_frame_equal(h1, h2, check_exact=True)
    np.testing.assert_array_equal(t1, t2)
    tr = _trainer(circles, "he", optimizer="adam", batch_size=16, dropout=0.2, l2=0.01, seed=10)
    tr.step(200)
    assert not np.array_equal(tr.network.theta, t1)


def test_divergence_stops_keeps_history_and_never_raises(circles):
    ds = make_dataset("plane", n_samples=200, noise=0.0, seed=0)
    net = Network([ds.n_x, 16, 16, 1], "relu", loss="mse", init="random", init_scale=20.0, seed=0)
    tr = Trainer(net, ds, learning_rate=10.0)
    first = tr.last_record["cost_train"]
    record = tr.step(500)
    assert tr.diverged and isinstance(tr.diverged_at, int) and 1 <= tr.diverged_at <= 500
    assert f"diverged at iteration {tr.diverged_at}" in tr.message and "smaller learning rate" in tr.message
    frame = tr.history
    assert len(frame) >= 1 and frame.cost_train.iloc[0] == first
    assert np.isfinite(frame.cost_train).all()
    assert record == tr.last_record
    assert np.all(np.isfinite(tr.network.theta))  # the last finite state is what the UI shows
    it = tr.iteration
    tr.step(10)
    assert tr.iteration == it  # a diverged run stays stopped


def test_bounded_memory_on_a_long_run(circles):
    tr = _trainer(circles, "he", hidden=(4,), record_every=1, max_history=100, max_snapshots=20)
    tr.step(5_000)
    frame = tr.history
    assert len(frame) <= 100 and len(tr.snapshots) <= 20
    assert frame.iteration.iloc[0] == 0 and frame.iteration.iloc[-1] == 5_000
    assert frame.iteration.is_monotonic_increasing
    # recent history stays dense, old history is thinned
    assert (frame.iteration.diff().iloc[-10:] == 1).all()
    assert tr.snapshots.iterations[0] == 0 and tr.snapshots.iterations[-1] == 5_000


def test_one_step_is_gradient_descent(circles):
    tr = _trainer(circles, "he", learning_rate=0.1)
    net = tr.network.copy()
    expected = {k: v - 0.1 * g for (k, v), g in zip(net.params.items(),
                                                    net.gradients(circles.X_train, circles.Y_train).values())}
    tr.step(1)
    for k, v in expected.items():
        np.testing.assert_allclose(tr.network.params[k], v, rtol=1e-12, atol=1e-15)


def test_minibatch_epochs_and_learning_rate_change(circles):
    tr = _trainer(circles, "he", batch_size=32)  # 300 examples: 9 batches of 32 and one of 12
    tr.step(20)
    assert (tr.iteration, tr.epoch) == (20, 2)
    tr.set_learning_rate(0.05)
    row = tr.step(1)
    assert row["learning_rate"] == 0.05 and tr.iteration == 21
    with pytest.raises(ValueError, match="learning_rate"):
        tr.set_learning_rate(float("nan"))


def test_reset_restarts_the_same_run(circles):
    tr = _trainer(circles, "he", batch_size=50, dropout=0.1)
    tr.step(30)
    first = tr.history.copy()
    tr.reset()
    assert tr.iteration == 0 and len(tr.history) == 1
    tr.step(30)
    pd.testing.assert_frame_equal(first, tr.history, check_exact=True)


def test_history_columns_and_layer_metrics(circles):
    tr = _trainer(circles, "he", l2=0.01)
    tr.step(5)
    row = tr.last_record
    for key in ("iteration", "epoch", "cost_train", "cost_test", "accuracy_train", "accuracy_test",
                "learning_rate", "penalty", "grad_norm_3", "weight_norm_1", "update_ratio_2", "dead_1",
                "saturated_2", "distinct_1"):
        assert key in row
    assert row["penalty"] > 0 and row["grad_norm_1"] > 0 and 0 < row["update_ratio_1"] < 1
    saturating = _trainer(circles, "random", 10.0, activation="tanh")
    assert saturating.last_record["saturated_1"] > 0.5
    assert _trainer(circles, "he", activation="tanh").last_record["saturated_1"] < 0.2


def test_dead_relus_are_counted(circles):
    tr = _trainer(circles, "he", hidden=(8,))
    tr.network.params["b1"][:4] = -100.0  # four units that can never fire on this data
    tr.step(1)
    assert tr.last_record["dead_1"] == 0.5


def test_l2_shrinks_weights(circles):
    plain, decayed = _trainer(circles, "he", learning_rate=0.1), _trainer(circles, "he", learning_rate=0.1, l2=0.05)
    plain.step(2000)
    decayed.step(2000)
    assert decayed.last_record["weight_norm_1"] < plain.last_record["weight_norm_1"]


def test_regression_records_r2():
    ds = make_dataset("plane", n_samples=300, noise=0.05, seed=0)
    net = Network([ds.n_x, 8, 1], "tanh", loss="mse", seed=0)
    tr = Trainer(net, ds, learning_rate=0.05)
    tr.step(2000)
    assert tr.last_record["r2_test"] > 0.9 and "accuracy_train" not in tr.last_record


def test_decision_grid_matches_forward_and_rewinds(circles):
    tr = _trainer(circles, "he")
    initial = tr.decision_grid(40)
    tr.step(200)
    grid = tr.decision_grid(40)
    assert grid["output"].shape == (40, 40) and grid["x1"].shape == (40,)
    g1, g2 = np.meshgrid(grid["x1"], grid["x2"])
    direct = tr.network.forward(circles.featurize(np.vstack([g1.ravel(), g2.ravel()]))).reshape(40, 40)
    np.testing.assert_allclose(grid["output"], direct, atol=1e-5)
    np.testing.assert_allclose(tr.decision_grid(40, iteration=0)["output"], initial["output"])
    assert not np.allclose(grid["output"], initial["output"])
    params0 = tr.params_at(0)
    np.testing.assert_array_equal(params0["W1"], tr.network_at(0).params["W1"])


def test_unit_grids_show_every_unit(circles):
    tr = _trainer(circles, "he")
    grids = tr.unit_grids(12)
    assert [g.shape for g in grids["layers"]] == [(10, 12, 12), (5, 12, 12), (1, 12, 12)]
    np.testing.assert_allclose(grids["layers"][-1][0], tr.decision_grid(12)["output"], atol=1e-6)
    assert grids["layers"][0].min() >= 0  # ReLU units


def _forward_layers(net, X):
    """Every layer's A[l] for X, from Network.forward's cache (copies)."""
    net.forward(X)
    return [None] + [net.cache[f"A{l}"].copy() for l in range(1, net.L + 1)]


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_unit_grid_is_that_units_forward_pass_over_the_grid(circles, activation):
    """unit_grid(l, j, 100) is row j of A[l] of a forward pass over the grid's points: exactly (1e-12)
    that of a float32 network with the run's weights (the grid is for display, in float32), and that of
    the run's own float64 network to float32 precision; it follows a rewind as decision_grid does."""
    tr = _trainer(circles, "he", activation=activation)
    before = tr.unit_grid(2, 3, 100)
    tr.step(100)
    net = tr.network
    g1, g2 = np.meshgrid(np.linspace(*circles.bounds[0], 100), np.linspace(*circles.bounds[1], 100))
    X = circles.featurize(np.vstack([g1.ravel(), g2.ravel()]))
    net32 = Network(net.layer_sizes, net.activations[1:-1], net.activations[-1], "zeros", None, 0, np.float32,
                    loss=net.loss)
    net32.theta[...] = net.theta
    exact, close = _forward_layers(net32, X.astype(np.float32)), _forward_layers(net, X)
    for l in range(1, net.L + 1):
        for j in range(net.layer_sizes[l]):
            grid = tr.unit_grid(l, j, 100)
            assert grid["output"].shape == (100, 100) and grid["unit"] == (l, j)
            assert grid["activation"] == net.activations[l].name and grid["output_layer"] == (l == net.L)
            np.testing.assert_allclose(grid["output"], exact[l][j].reshape(100, 100), rtol=0, atol=1e-12)
            np.testing.assert_allclose(grid["output"], close[l][j].reshape(100, 100), rtol=0, atol=2e-5)
    np.testing.assert_array_equal(grid["output"], tr.decision_grid(100)["output"])  # the output unit
    np.testing.assert_array_equal(tr.unit_grid(2, 3, 100, iteration=0)["output"], before["output"])
    assert not np.array_equal(tr.unit_grid(2, 3, 100)["output"], before["output"])
    for bad in ((0, 0), (3, 1), (1, 10), (4, 0)):
        with pytest.raises(ValueError, match="no unit"):
            tr.unit_grid(*bad)


def test_decision_grid_for_three_classes_and_refuses_images():
    ds = make_dataset("blobs3", n_samples=150, seed=0)
    tr = Trainer(Network([2, 5, 3], "relu", seed=0), ds, learning_rate=0.1)
    out = tr.decision_grid(30)["output"]
    assert out.shape == (3, 30, 30)
    np.testing.assert_allclose(out.sum(axis=0), 1.0, atol=1e-5)
    images = make_dataset("shapes", n_samples=40, seed=0)
    tr = Trainer(Network([images.n_x, 4, 1], seed=0), images, learning_rate=0.1)
    with pytest.raises(ValueError, match="2-D point data"):
        tr.decision_grid(10)


def test_layer_statistics_shapes(circles):
    tr = _trainer(circles, "he")
    tr.step(3)
    stats = tr.layer_statistics()
    assert [s["layer"] for s in stats] == [1, 2, 3]
    assert stats[0]["Z"].shape == (10, circles.m_train) and stats[1]["W"].shape == (5, 10)
    assert stats[2]["dW"].shape == (1, 5) and stats[2]["db"].shape == (1, 1)


def test_mismatched_network_is_refused(circles):
    with pytest.raises(ValueError, match="does not fit"):
        Trainer(Network([3, 4, 1]), circles)


def test_settings_change_mid_run_continues(circles):
    from descentlab.engine.optimizers import make_optimizer

    tr = _trainer(circles, "he", record_every=1000)
    tr.step(50)
    theta = tr.network.theta.copy()
    tr.update_settings(optimizer=make_optimizer("adam", 0.01), batch_size=20, l2=0.1, dropout=0.2)
    assert tr.iteration == 50 and np.array_equal(tr.network.theta, theta)
    tr.step(15)  # 300 / 20 = 15 batches: exactly one more epoch
    assert tr.iteration == 65 and tr.epoch == 51
    row = tr.record()
    assert row["iteration"] == 65 and row["penalty"] > 0 and np.isfinite(row["update_ratio_1"])
    assert tr.record() is row or tr.record()["iteration"] == 65  # idempotent per iteration
    assert len(tr.history) == 2
    with pytest.raises(ValueError, match="dropout"):
        tr.update_settings(dropout=1.5)
    with pytest.raises(ValueError, match="batch_size"):
        tr.update_settings(batch_size=0)


def test_restart_from_loaded_weights(circles):
    trained = _trainer(circles, "he")
    trained.step(500)
    fresh = _trainer(circles, "he", seed=99)
    fresh.network.set_params(trained.network.params)
    row = fresh.restart_from_current_weights()
    assert row["iteration"] == 0 and row["cost_train"] == pytest.approx(trained.evaluate()["cost_train"])
    fresh.step(5)
    fresh.reset()
    np.testing.assert_array_equal(fresh.network.theta, trained.network.theta)


def test_record_every_none_records_only_on_request(circles):
    tr = _trainer(circles, "he", record_every=None)
    tr.step(40)
    assert len(tr.history) == 1  # just iteration 0
    assert tr.record()["iteration"] == 40 and len(tr.history) == 2
    assert np.isfinite(tr.last_record["update_ratio_1"])


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_recording_every_iteration_does_not_change_the_descent(circles, activation):
    """A recorded full-batch step reuses the forward pass its record computed; the descent must be the
    same as with nothing recorded in between, bit for bit."""
    recorded = _trainer(circles, activation=activation, record_every=1, learning_rate=0.5)
    silent = _trainer(circles, activation=activation, record_every=None, learning_rate=0.5)
    recorded.step(40)
    silent.step(40)
    np.testing.assert_array_equal(recorded.network.theta, silent.network.theta)


def test_a_stale_recorded_forward_pass_is_never_reused(circles):
    """θ changed from outside, or dropout switched off after a masked pass: the step runs its own forward pass."""
    tr = _trainer(circles, activation="tanh", record_every=1, learning_rate=0.5)
    tr.step(3)
    tr.network.theta[:5] += 0.25  # e.g. weights loaded into the running network
    expected = _trainer(circles, activation="tanh", record_every=None, learning_rate=0.5)
    expected.network.theta[...] = tr.network.theta
    tr.step(1)
    expected.step(1)
    np.testing.assert_array_equal(tr.network.theta, expected.network.theta)

    # the histograms' forward pass at another θ, then θ back where the last record saw it
    at_record = tr.network.theta.copy()
    tr.network.theta[:5] -= 0.5
    tr.layer_statistics()
    tr.network.theta[...] = at_record
    expected.network.theta[...] = at_record
    tr.step(1)
    expected.step(1)
    np.testing.assert_array_equal(tr.network.theta, expected.network.theta)

    tr.record_every = None
    tr.record()  # a fresh pass at this θ ...
    before = tr.network.theta.copy()
    tr.update_settings(dropout=0.5)
    tr.step(1)  # ... overwritten by a masked one
    tr.network.theta[...] = before  # θ as it was when the fresh pass was made
    tr.update_settings(dropout=0.0)
    expected.network.theta[...] = before
    tr.step(1)
    expected.step(1)
    np.testing.assert_array_equal(tr.network.theta, expected.network.theta)


def test_history_columns_keep_values_types_and_thinning():
    """History stores columns in numpy buffers; what it gives back must be what the rows were, thinned
    the documented way (older half every other row, first row kept)."""
    from descentlab.engine.history import History, thin

    h, rows, kept = History(64), [], []
    for i in range(1000):
        row = {"iteration": i, "cost": 1.0 / (i + 1), "flag": i % 3 == 0, "ratio": float("nan") if i == 0 else 0.5 * i,
               "lr": 1 if i < 10 else 0.5}  # an int column that turns float
        h.append(row)
        rows.append(row)
        kept.append(i)
        if len(kept) > 64:
            kept = thin(kept, 32)
        assert h.last == row and type(h.last["iteration"]) is int
    frame = h.frame
    expected = pd.DataFrame([rows[i] for i in kept])
    assert len(h) == len(kept) <= 64 and frame.iteration.iloc[0] == 0 and frame.iteration.iloc[-1] == 999
    pd.testing.assert_frame_equal(frame, expected, check_dtype=False)
    assert frame.dtypes.to_dict() == {"iteration": np.int64, "cost": np.float64, "flag": bool, "ratio": np.float64,
                                      "lr": np.float64}
    h.append(rows[-1] | {"cost": 7.0})
    assert frame.cost.iloc[-1] != 7.0 and h.frame.cost.iloc[-1] == 7.0  # a frame handed out does not change


def test_a_target_cost_stops_at_the_first_recorded_cost_below_it(circles):
    costs = _trainer(circles, learning_rate=0.1)
    costs.step(60)
    free = costs.history.set_index("iteration").cost_train
    target = free[40] * (1 + 1e-12)
    first = int(free[free < target].index[0])
    tr = _trainer(circles, learning_rate=0.1, target_cost=target)
    record = tr.step(100)
    assert tr.finished and tr.target_reached_at == first == tr.iteration and record["iteration"] == first
    assert tr.message == f"Reached J < {target:g} at iteration {first:,}" and not tr.diverged
    assert tr.history.cost_train.iloc[-1] == free[first]  # the same descent, cut short
    tr.step(10)
    assert tr.iteration == first  # a finished run stays stopped, like a diverged one
    tr.reset()
    assert not tr.finished and tr.message == "" and tr.iteration == 0
    tr.step(100)
    assert tr.target_reached_at == first  # the same run reaches it at the same iteration


def test_the_target_is_checked_every_iteration_without_changing_the_descent(circles):
    free = _trainer(circles, learning_rate=0.1)
    free.step(60)
    costs = free.history.set_index("iteration").cost_train
    target = costs[37] * (1 + 1e-12)
    first = int(costs[costs < target].index[0])
    for every in (None, 10):  # the UI records once per frame (None); the rule still stops on time
        tr = _trainer(circles, learning_rate=0.1, record_every=every, target_cost=target)
        tr.step(25)
        tr.step(25)
        assert tr.target_reached_at == first == tr.iteration
        assert tr.last_record["cost_train"] == costs[first]
        np.testing.assert_array_equal(tr.network.theta, free.snapshots.at(first)[1])


def test_a_new_target_is_judged_from_the_newest_row(circles):
    tr = _trainer(circles, learning_rate=0.1, record_every=None, target_cost=1e-9)
    tr.step(30)
    assert not tr.finished and tr.iteration == 30
    tr.record()
    tr.set_target_cost(10.0)  # already below it: stops where it is
    assert tr.finished and tr.target_reached_at == 30 and tr.step(5)["iteration"] == 30 and tr.iteration == 30
    tr.set_target_cost(None)
    assert not tr.finished and tr.message == ""
    tr.step(5)
    assert tr.iteration == 35
    with pytest.raises(ValueError, match="target_cost"):
        tr.set_target_cost(0.0)
