"""descentlab.engine.diagnosis: which runs it flags as not learning, and which it must not; and the three pages
that show it (the Playground's status, Compare's table, the sweep's status)."""
import numpy as np
import pandas as pd
import pytest

from descentlab.engine.build import build
from descentlab.engine.config import RunConfig
from descentlab.engine.diagnosis import MIN_ITERATIONS, chance_accuracy, diagnose
from descentlab.engine.presets import PRESETS

from .pages import open_page
from .test_numbers import _status


def _played(config: RunConfig, iterations: int):
    """The run as the Playground plays it: frames of 25 iterations, one history row each."""
    run = build(config)
    run.trainer.record_every = None
    while run.trainer.iteration < iterations and not run.trainer.diverged:
        run.trainer.step(25)
        run.trainer.record()
    return diagnose(run.trainer.history, chance_accuracy(run.dataset))


@pytest.mark.parametrize("config", [RunConfig(), RunConfig(dataset="moons"), RunConfig(dataset="spiral3"),
                                    RunConfig(dataset="plane"), PRESETS["learning_rates"].config],
                         ids=["default", "moons", "spiral3", "plane", "lr-preset-right"])
def test_runs_that_learn_are_not_flagged(config):
    assert _played(config, 3000) is None


@pytest.mark.parametrize("config, kinds", [
    (RunConfig(learning_rate=10.0), {"saturated", "rising", "oscillating", "chance"}),  # the review's lr 10
    (RunConfig(init="zeros", hidden=(10, 5), activation="relu", learning_rate=0.01), {"dead"}),
    (PRESETS["symmetry"].config, {"chance"}),
    (RunConfig(hidden=(16, 16), activation="relu", learning_rate=3.0), {"rising", "dead", "oscillating"}),
], ids=["lr-10", "zero-init-relu", "symmetry", "dead-relu-lr-3"])
def test_runs_that_do_not_learn_are_flagged_with_a_reason(config, kinds):
    found = _played(config, 2000)
    assert found is not None and found.kind in kinds, found
    assert found.text.endswith(".") and found.short


def _history(costs, accuracy=0.9, start=MIN_ITERATIONS):
    it = start + 25 * np.arange(len(costs))
    return pd.DataFrame({"iteration": it, "cost_train": costs, "accuracy_train": accuracy})


def test_the_cost_rising_or_oscillating_is_named():
    assert diagnose(_history(np.linspace(0.5, 0.8, 30))).kind == "rising"
    assert diagnose(_history(0.5 + 0.1 * (-1.0) ** np.arange(30))).kind == "oscillating"
    assert diagnose(_history(np.linspace(0.8, 0.2, 30))) is None  # falling: learning
    assert diagnose(_history(0.5 + 1e-4 * (-1.0) ** np.arange(30))) is None  # rounding-size wiggles
    assert diagnose(_history(np.linspace(0.5, 0.8, 30), start=0).iloc[:8]) is None  # still starting


def test_the_playground_says_it_under_its_status():
    at = open_page("app_pages/playground.py", {"learning_rate": "10"})
    run = at.session_state["dl_run"]
    run.trainer.record_every = None
    for _ in range(80):
        run.trainer.step(25)
        run.trainer.record()
    at.button(key="btn_step").click().run()
    assert 'class="dl-note"' in _status(at, "live_status")
    fresh = open_page("app_pages/playground.py")
    assert 'class="dl-note"' not in _status(fresh, "live_status")


def test_compare_and_the_sweep_count_the_runs_that_do_not_learn():
    cmp = open_page("app_pages/compare.py", {"hidden": "10,5", "activation": "relu", "learning_rate": "0.01",
                                             "vary": "init", "values": "zeros;he"})
    group = cmp.session_state["cmp_group"]
    while group.iteration < MIN_ITERATIONS:  # as the page plays: a history row a frame
        group.step(25)
        group.record()
    cmp.button(key="cmp_btn_step").click().run()
    summary = cmp.session_state["cmp_group"].summary()
    assert [x if isinstance(x, str) else None for x in summary.not_learning] == ["layer 1 dead", None]
    assert "layer 1 dead" in _status(cmp, "cmp_table")  # in the page's table, as well as in the summary
    lr = open_page("app_pages/lr_explorer.py", {"vary": "learning_rate", "values": "0.03,10"})
    target = lr.session_state["lr_sweep"]
    for _ in range(30):
        target.step(25)
        target.record()
    lr.button(key="lr_btn_step").click().run()
    assert 'Not learning</div><div class="dl-value">none' not in _status(lr, "lr_status")
