"""The Runs page (issue 19): TensorBoard's smoothing against a hand computation, the config-difference
table, the overlay's CSV, the session registry's bounds, resuming a run exactly, and, under AppTest,
runs of Compare and the Initialization lab listed on it and opened back in the Playground."""
import io
import math

import numpy as np
import pandas as pd
import pytest

from descentlab.engine.build import build
from descentlab.engine.config import RunConfig
from descentlab.ui import session_runs
from descentlab.viz import runs as vr

from .pages import OWNER_KEY, open_page

SMALL = RunConfig(hidden=(4,), n_samples=120)


# ---------------------------------------------------------------- TensorBoard's smoothing
def test_ema_is_tensorboards_debiased_moving_average_by_hand():
    w = 0.6
    y = [1.0, 3.0, float("nan"), 2.0]
    # by hand: last_n = w·last_{n-1} + (1-w)·y_n from last_0 = 0, divided by 1 - w^n (n: finite values so far)
    l1 = 0.4 * 1.0                 # 0.4    / (1 - 0.6)    = 1.0
    l2 = 0.6 * l1 + 0.4 * 3.0      # 1.44   / (1 - 0.36)   = 2.25
    l3 = 0.6 * l2 + 0.4 * 2.0      # 1.664  / (1 - 0.216)  = 2.1224...
    expected = [l1 / 0.4, l2 / 0.64, float("nan"), l3 / (1 - 0.6 ** 3)]
    out = vr.ema(y, w)
    assert out[0] == pytest.approx(1.0) and out[1] == pytest.approx(2.25)
    assert math.isnan(out[2])  # a non-finite value is kept, and skipped by the average
    assert out[3] == pytest.approx(expected[3]) and out[3] == pytest.approx(1.664 / 0.784)
    assert np.array_equal(vr.ema(y, 0.0), np.asarray(y), equal_nan=True)  # 0: no smoothing
    # debiased: a constant stays that constant from the first point on (a plain EMA from 0 would not)
    assert np.allclose(vr.ema(np.full(50, 7.0), 0.999), 7.0)
    with pytest.raises(ValueError):
        vr.ema(y, 1.0)


# ---------------------------------------------------------------- config differences
def test_config_difference_table_shows_only_the_fields_that_differ():
    a = SMALL
    b = SMALL.replace(activation="relu", learning_rate=0.1)
    c = SMALL.replace(learning_rate=0.1)
    diff = vr.config_differences({"a": a.to_dict(), "b": b.to_dict(), "c": c.to_dict()})
    assert list(diff["field"]) == ["activation", "learning_rate"]
    assert list(diff.columns) == ["field", "a", "b", "c"]
    assert diff.set_index("field").loc["learning_rate"].tolist() == ["0.03", "0.1", "0.1"]
    assert diff.set_index("field").loc["activation"].tolist() == ["tanh", "relu", "tanh"]
    assert vr.config_differences({"a": a.to_dict(), "c": a.to_dict()}).empty


# ---------------------------------------------------------------- the overlay's CSV
def _trained(config, n):
    run = build(config)
    run.trainer.step(n)
    return run.trainer


def test_overlay_csv_holds_each_runs_history_by_the_chosen_axis():
    t1, t2 = _trained(SMALL, 30), _trained(SMALL.replace(learning_rate=0.3, record_every=3), 20)
    curves = [vr.curve(name, t.history, t.row_times, "cost_train", "Iteration") for name, t in (("one", t1), ("two", t2))]
    csv = vr.overlay_table(curves, "Iteration").to_csv(index=False)
    back = pd.read_csv(io.StringIO(csv))
    assert list(back.columns) == ["iteration", "one", "two"]
    assert back["iteration"].tolist() == sorted(set(t1.history["iteration"]) | set(t2.history["iteration"]))
    for name, t in (("one", t1), ("two", t2)):
        got = back.set_index("iteration")[name].dropna()
        h = t.history.set_index("iteration")["cost_train"]
        assert got.index.tolist() == h.index.tolist()
        np.testing.assert_array_equal(got.to_numpy(), h.to_numpy())  # pandas writes floats exactly
    # wall time: seconds from the run's first row, increasing
    wall = vr.curve("one", t1.history, t1.row_times, "cost_train", "Wall time")
    assert wall.x[0] == 0 and np.all(np.diff(wall.x) >= 0) and len(wall.x) == len(t1.history)
    # a run without row times (a saved one) is left out of the wall-time axis
    assert vr.curve("saved", t1.history, None, "cost_train", "Wall time") is None


def test_overlay_figure_draws_raw_faint_behind_the_smoothed_line():
    t = _trained(SMALL, 40)
    c = vr.curve("one", t.history, t.row_times, "grad_norm_1", "Epoch")
    fig = vr.overlay_figure([c, c], "gradient norm", "Epoch", smoothing=0.9, log_y=True)
    assert len(fig.data) == 4 and fig.data[0].showlegend is False and fig.layout.yaxis.type == "log"
    np.testing.assert_allclose(fig.data[1].y[1:], vr.ema(c.y, 0.9)[1:])  # iteration 0 has no gradient: NaN
    assert len(vr.overlay_figure([c], "g", "Iteration", smoothing=0).data) == 1


# ---------------------------------------------------------------- the registry
def test_the_registry_is_bounded_and_a_continuing_run_keeps_its_entry():
    reg = {}
    trainers = [_trained(SMALL, 1) for _ in range(3)]
    first = session_runs.note_trainer(trainers[0], "Playground", "Playground", SMALL, reg)
    trainers[0].step(5)
    again = session_runs.note_trainer(trainers[0], "Playground", "Playground", SMALL, reg)
    assert again is first and len(reg) == 1 and again.last.iteration == 6
    keep = []
    for i in range(session_runs.MAX_RUNS + 10):
        t = _trained(SMALL, 0) if i % 7 else trainers[1]
        keep.append(t)
        session_runs.note_trainer(t, f"run {i}", "Compare", SMALL, reg)
    assert len(reg) == session_runs.MAX_RUNS
    assert list(reg.values())[-1].name == f"run {session_runs.MAX_RUNS + 9}"  # the newest kept, the oldest gone
    assert first.id not in reg


def test_resume_restores_iteration_theta_and_history_exactly():
    t = _trained(SMALL.replace(batch_size=16), 37)
    run = build(SMALL.replace(batch_size=16))
    run.trainer.resume(t.network.theta, t.iteration, t.epoch, t.history, t.row_times)
    assert (run.trainer.iteration, run.trainer.epoch) == (t.iteration, t.epoch)
    assert np.array_equal(run.network.theta, t.network.theta)
    pd.testing.assert_frame_equal(run.trainer.history, t.history, check_dtype=False)
    np.testing.assert_array_equal(run.trainer.row_times, t.row_times)
    run.trainer.step(3)
    assert run.trainer.iteration == t.iteration + 3 and len(run.trainer.history) == len(t.history) + 3


# ---------------------------------------------------------------- the page, under AppTest
def _labels(at) -> list[str]:
    return list(at.multiselect(key="runs_selected").options)


def test_compare_and_init_lab_runs_are_listed_and_one_opens_in_the_playground():
    at = open_page("app_pages/compare.py")
    for _ in range(2):
        at.button(key="cmp_btn_step").click().run()
    variants = at.session_state["cmp_group"].variants
    assert {"Summary table (CSV)", "Cost curves (CSV)"} <= {b.proto.label for b in at.get("download_button")}
    at.switch_page("app_pages/init_lab.py").run()
    assert not at.exception, [e.value for e in at.exception]
    at.button(key="init_btn_step").click().run()
    schemes = at.session_state["init_group"].variants
    at.switch_page("app_pages/runs.py").run()
    assert not at.exception, [e.value for e in at.exception]
    labels = _labels(at)
    for v in variants:
        assert f"Compare: {v.label}" in labels
    for v in schemes:
        assert f"Init lab: {v.label}" in labels
    assert "Playground" in labels
    assert len(at.get("plotly_chart")) == 1  # the overlay of the newest three
    assert at.get("download_button")[0].proto.label == "Overlay (CSV)"

    # open the first Compare variant in the Playground: its iteration and θ, exactly
    target = variants[0].trainer
    reg = at.session_state[session_runs.KEY]
    choice = next(e.id for e in reg.values() if e.name == f"Compare: {variants[0].label}")
    at.selectbox(key="runs_open").set_value(choice).run()
    at.button(key="runs_btn_open").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.button(key="btn_play") is not None  # on the Playground now
    opened = at.session_state["dl_run"].trainer
    assert opened.iteration == target.iteration == 2
    assert np.array_equal(opened.network.theta, target.network.theta)
    pd.testing.assert_frame_equal(opened.history, target.history, check_dtype=False)
    assert at.session_state["dl_config"] == variants[0].config


def test_compare_downloads_its_summary_and_cost_curves_as_csv():
    from descentlab.engine.group import build_group
    from descentlab.ui.views.compare import costs_csv, summary_csv

    group = build_group(SMALL, "activation", ["tanh", "relu"])
    group.step(5)
    costs = pd.read_csv(io.StringIO(costs_csv(group)))
    assert list(costs.columns) == ["iteration", "tanh train", "tanh test", "relu train", "relu test"]
    for v in group.variants:
        for split in ("train", "test"):
            np.testing.assert_array_equal(costs[f"{v.label} {split}"], v.trainer.history[f"cost_{split}"])
    summary = pd.read_csv(io.StringIO(summary_csv(group, 0.2)))
    assert summary["variant"].tolist() == ["tanh", "relu"] and (summary["iteration"] == 5).all()


def test_a_swept_rate_opens_as_a_run_with_its_own_weights():
    from descentlab.engine.sweep import sweep_from_config
    from descentlab.engine.sweep_log import LoggedSweep

    config = SMALL.replace(record_every=10**6)
    target = LoggedSweep(sweep_from_config(config, [0.01, 0.3, 1.0]), config)
    for _ in range(4):
        target.step(5)
        target.record()
    reg = {}
    session_runs.note_sweep(target, 1, reg=reg)
    assert [e.name for e in reg.values()] == ["Learning rate: α = 0.01", "Learning rate: α = 0.3",
                                              "Learning rate: α = 1"]
    entry = list(reg.values())[1]
    snap = entry.snapshot()
    assert entry.config.learning_rate == 0.3 and entry.config.record_every == 1
    assert snap.history["iteration"].tolist() == [0, 5, 10, 15, 20] and len(snap.times) == 5
    run = build(entry.config)
    run.trainer.resume(snap.theta, snap.iteration, snap.epoch, snap.history, snap.times)
    assert run.trainer.iteration == 20
    assert np.array_equal(run.network.theta, target.sweep.theta[1])
    assert run.trainer.evaluate()["cost_train"] == pytest.approx(target.table["cost_train"].iloc[1], rel=1e-9)


def test_a_saved_run_is_listed_and_opens_in_the_playground_where_it_stopped(tmp_path, monkeypatch):
    from descentlab.engine import runs

    monkeypatch.setenv(runs.RUNS_DIR_ENV, str(tmp_path / "runs"))
    t = _trained(SMALL, 12)
    runs.save_run(t, SMALL, "week-3", runs.owner_space(OWNER_KEY))
    at = open_page("app_pages/runs.py", state={"dl_owner_key": OWNER_KEY})
    assert "week-3" in _labels(at)  # as the picker names it (its value: "mine/week-3")
    at.selectbox(key="runs_open").set_value("mine/week-3").run()
    at.button(key="runs_btn_open").click().run()
    assert not at.exception, [e.value for e in at.exception]
    opened = at.session_state["dl_run"].trainer
    assert opened.iteration == 12
    np.testing.assert_array_equal(opened.network.theta, t.network.theta)  # the .npz keeps float64 exactly
    assert opened.history["cost_train"].tolist() == t.history["cost_train"].tolist()


def test_row_times_stay_with_their_rows_when_the_history_is_thinned():
    from descentlab.engine.history import History

    h = History(8)
    for i in range(30):
        h.append({"iteration": i}, at=100.0 + i)
    assert (h.times - 100).astype(int).tolist() == h.frame["iteration"].tolist()
    assert h.frame["iteration"].iloc[0] == 0 and list(h.frame.columns) == ["iteration"]  # not a column
