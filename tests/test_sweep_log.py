"""descentlab.engine.sweep beyond the batched arithmetic: plain per-run flags, the losses it can
differentiate (and a clear refusal of the others), and descentlab.engine.sweep_log's LoggedSweep,
the sweep a live page drives."""
import dataclasses

import numpy as np
import pytest

from descentlab.engine.build import build
from descentlab.engine.config import RunConfig
from descentlab.engine.losses import LOSSES
from descentlab.engine.network import Network
from descentlab.engine.sweep import (
    STACKED_LOSS_GRADIENTS,
    Sweep,
    _loss_grad_into,
    sweep_from_config,
)
from descentlab.engine.sweep_log import LoggedSweep

pytestmark = pytest.mark.filterwarnings("error")

CIRCLES = RunConfig(dataset="circles", n_samples=120, hidden=(6,), activation="tanh", loss="mse")


def test_the_per_run_flags_are_a_plain_array():
    sw = sweep_from_config(CIRCLES, [0.01, 10.0])
    sw.step(300)
    assert type(sw.diverged) is np.ndarray and sw.diverged.dtype == bool
    assert sw.diverged.tolist() == [False, True] and sw.all_stopped is False
    with pytest.raises(ValueError):  # numpy's own rule: no truth value for several flags
        bool(sw.diverged)


def test_every_engine_loss_has_a_stacked_gradient_equal_to_its_own():
    assert set(LOSSES) <= set(STACKED_LOSS_GRADIENTS)
    rng = np.random.default_rng(0)
    m = 7
    for name, loss in LOSSES.items():
        A = rng.uniform(0.05, 0.95, (2, 3, m))
        Y = (rng.uniform(size=(3, m)) > 0.5).astype(float)
        out = np.empty_like(A)
        _loss_grad_into(loss, A, Y, out, m)
        for k in range(2):  # the Loss divides by A.shape[1]: per run that is m
            np.testing.assert_allclose(out[k], loss.gradient(A[k], Y), rtol=1e-12, err_msg=name)


def test_a_loss_without_a_stacked_gradient_is_refused_by_name():
    huber = dataclasses.replace(LOSSES["mse"], name="huber")
    with pytest.raises(ValueError, match="no stacked gradient for loss 'huber'.*mse"):
        _loss_grad_into(huber, np.zeros((1, 1, 3)), np.zeros((1, 3)), np.empty((1, 1, 3)), 3)
    run = build(CIRCLES)
    net = Network(run.network.layer_sizes, "tanh", output_activation="linear", loss=huber, seed=0)
    with pytest.raises(ValueError, match="'huber'"):  # when built, not at the first step
        Sweep(net, run.dataset, [0.1, 1.0])


def test_logged_sweep_logs_a_row_per_record_and_curves_end_at_the_sweeps_cost():
    log = LoggedSweep(sweep_from_config(CIRCLES, [0.01, 0.1, 10.0]), CIRCLES)
    assert log.config is CIRCLES and log.rates.tolist() == [0.01, 0.1, 10.0]
    for _ in range(3):
        log.step(100)
        log.record()
        log.record()  # the same iteration: no second row
    it, costs = log.curves()
    assert it.tolist() == [0, 100, 200, 300] and costs.shape == (4, 3)
    assert np.isfinite(costs[:, :2]).all() and np.isnan(costs[-1, 2])  # α = 10 stopped
    np.testing.assert_array_equal(costs[-1, :2], log.sweep.final()["cost_train"].to_numpy()[:2])
    assert log.stopped.tolist() == [False, False, True] and not log.diverged
    assert log.stopped_at[2] == log.sweep.diverged_at[2] and "α = 10 at iteration" in log.message
    assert log.best() == int(np.argmin(costs[-1, :2])) == 1
    assert log.start_cost == pytest.approx(costs[0, 0]) and len(log.not_learning()) == 3
    log.reset()
    assert log.iteration == 0 and log.curves()[0].tolist() == [0] and not log.stopped.any() and log.message == ""


def test_logged_sweep_is_bounded_and_says_when_every_rate_stopped(monkeypatch):
    monkeypatch.setattr(LoggedSweep, "LOG_ROWS", 8)
    log = LoggedSweep(sweep_from_config(CIRCLES, [0.01, 0.03]))
    for _ in range(50):
        log.step(1)
        log.record()
    it = log.curves()[0]
    assert len(it) <= 8 and it[0] == 0 and it[-1] == 50  # the start and the newest rows are kept
    dead = LoggedSweep(sweep_from_config(CIRCLES, [5.0, 10.0]))
    dead.step(300)
    dead.record()
    assert dead.diverged and dead.best() is None and dead.not_learning() == [None, None]
