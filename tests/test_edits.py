"""Weights set by hand (descentlab.engine.edits, Trainer.edit_parameter / plan_edits): θ and the cost
change at once, bad values are refused with reasons, rewinding and Reset stay honest, and a config's
edits (a link, a saved run's JSON) replay the edited run bit for bit."""

import numpy as np
import pytest

from descentlab.engine import edits as E
from descentlab.engine.build import build
from descentlab.engine.config import ConfigError, RunConfig
from descentlab.engine.datasets import make_dataset
from descentlab.engine.network import Network
from descentlab.engine.trainer import Trainer
from tests.pages import click_live_chart, live_message


@pytest.fixture(scope="module")
def circles():
    return make_dataset("circles", n_samples=200, noise=0.1, test_fraction=0.25, seed=1)


def _trainer(ds, optimizer="adam", batch_size=None, **kw):
    net = Network([ds.n_x, 4, 3, ds.n_y], "tanh", init="he", seed=3)
    return Trainer(net, ds, learning_rate=0.03, optimizer=optimizer, batch_size=batch_size, seed=5,
                   record_every=None, **kw)


def test_an_edit_sets_theta_and_records_the_cost_at_once(circles):
    tr = _trainer(circles)
    tr.step(20)
    rows = len(tr.history)
    old = float(tr.network.params["W2"][1, 2])
    cost_before = tr.evaluate()["cost_train"]
    edit = tr.edit_parameter("W2", 1, 2, -5.0)
    assert tr.network.params["W2"][1, 2] == -5.0
    assert edit == E.Edit(20, "W2", 1, 2, old, -5.0) and tr.edits == [edit]
    h = tr.history
    # a row before the edit (this iteration had none) and one after, both at iteration 20
    assert len(h) == rows + 2 and list(h.iteration.iloc[-2:]) == [20, 20]
    assert h.cost_train.iloc[-2] == pytest.approx(cost_before, abs=1e-15)
    assert h.cost_train.iloc[-1] == pytest.approx(tr.evaluate()["cost_train"], abs=1e-15)
    assert h.cost_train.iloc[-1] != h.cost_train.iloc[-2]
    assert tr.last_record["cost_train"] == h.cost_train.iloc[-1]
    # the decision grid is computed from the edited θ (no stale grid)
    grid = tr.decision_grid(10)["output"]
    tr.network.params["W2"][1, 2] = old
    assert not np.array_equal(grid, tr.decision_grid(10)["output"])
    tr.network.params["W2"][1, 2] = -5.0
    # a bias edit; the run continues from the edited weights
    tr.edit_parameter("b3", 0, 0, 0.25)
    assert tr.network.params["b3"][0, 0] == 0.25
    tr.step(5)
    assert tr.iteration == 25 and len(tr.edits) == 2


@pytest.mark.parametrize("args, words", [
    (("W2", 0, 0, float("nan")), "finite"),
    (("W2", 0, 0, float("inf")), "finite"),
    (("W2", 0, 0, 1001.0), "between"),
    (("W2", 0, 0, "1"), "number"),
    (("W2", 3, 0, 1.0), "no entry [3,0]"),
    (("W2", 0, 4, 1.0), "no entry [0,4]"),
    (("b1", 0, 1, 1.0), "no entry [0,1]"),
    (("W4", 0, 0, 1.0), "no parameter"),
    (("X1", 0, 0, 1.0), "no parameter"),
    (("W1", -1, 0, 1.0), "no entry"),
    (("W1", 0.5, 0, 1.0), "whole number"),
])
def test_bad_edits_are_refused_and_change_nothing(circles, args, words):
    tr = _trainer(circles)
    theta, rows = tr.network.theta.copy(), len(tr.history)
    with pytest.raises(ValueError, match=words.replace("[", r"\[").replace("]", r"\]")):
        tr.edit_parameter(*args)
    assert np.array_equal(tr.network.theta, theta) and len(tr.history) == rows and tr.edits == []


def test_rewinding_gives_the_weights_before_and_after_the_edit(circles):
    tr = _trainer(circles)
    tr.step(10)
    tr.record()
    before = tr.network.theta.copy()
    tr.step(5)
    at_15 = tr.network.theta.copy()
    tr.edit_parameter("W1", 2, 1, 3.5)
    tr.step(10)
    tr.record()
    assert np.array_equal(tr.network_at(10).theta, before)
    assert np.array_equal(tr.network_at(14).theta, before)  # no snapshot at 11..14: the one at 10
    edited = tr.network_at(15)
    assert edited.params["W1"][2, 1] == 3.5
    assert np.array_equal(np.delete(edited.theta, tr.network.flat_indices("W1")[2 * 2 + 1]),
                          np.delete(at_15, tr.network.flat_indices("W1")[2 * 2 + 1]))
    assert tr.params_at(15)["W1"][2, 1] == 3.5 and tr.params_at(14)["W1"][2, 1] == before[
        tr.network.flat_indices("W1")[5]]
    assert tr.snapshots.iterations.count(15) == 1


def test_reset_clears_the_edits(circles):
    tr = _trainer(circles)
    theta0 = tr.network.theta.copy()
    tr.step(3)
    tr.edit_parameter("W3", 0, 1, 2.0)
    tr.plan_edits([(9, "b1", 0, 0, 1.0)])
    tr.reset()
    assert tr.edits == [] and tr.planned_edits() == ()
    assert np.array_equal(tr.network.theta, theta0)
    tr.step(12)
    assert tr.network.params["b1"][0, 0] != 1.0  # the plan went with Reset


@pytest.mark.parametrize("optimizer, batch_size", [("adam", None), ("momentum", 32)])
def test_a_replayed_plan_reproduces_the_edited_run_bit_for_bit(circles, optimizer, batch_size):
    """The original: frames of 7 iterations, paused at 20 and 41 to edit. The replay: other frame sizes."""
    a = _trainer(circles, optimizer, batch_size)
    for _ in range(3):
        a.step(7)
        a.record()
    a.edit_parameter("W2", 1, 2, -1.5)   # at 21
    a.edit_parameter("b2", 2, 0, 0.75)   # at 21 too, in that order
    a.step(20)
    a.record()
    a.edit_parameter("W1", 0, 0, 4.0)    # at 41
    a.step(30)
    plan = a.planned_edits()
    assert [e.iteration for e in plan] == [21, 21, 41]
    b = _trainer(circles, optimizer, batch_size)
    b.plan_edits(plan)
    for n in (13, 50, 8):
        b.step(n)
        b.record()
    assert b.iteration == a.iteration == 71
    assert np.array_equal(a.network.theta, b.network.theta)
    assert b.edits == a.edits and b.planned_edits() == plan
    # the rows at the edits are the same (a row before and after each)
    for h in (a.history, b.history):
        assert list(h.iteration).count(21) == 3 and list(h.iteration).count(41) == 2
    np.testing.assert_array_equal(a.history.set_index("iteration").loc[[21, 41], "cost_train"],
                                  b.history.set_index("iteration").loc[[21, 41], "cost_train"])
    # without the plan, the run differs
    c = _trainer(circles, optimizer, batch_size)
    c.step(71)
    assert not np.array_equal(c.network.theta, a.network.theta)


def test_a_plan_at_iteration_zero_applies_at_once_and_bad_plans_are_refused(circles):
    tr = _trainer(circles)
    tr.plan_edits([(0, "W1", 0, 1, 0.5)])
    assert tr.network.params["W1"][0, 1] == 0.5 and len(tr.edits) == 1
    for bad, words in (([(3, "W9", 0, 0, 1.0)], "no parameter"), ([(3, "W1", 0, 2, 1.0)], "no entry"),
                       ([(5, "W1", 0, 0, 1.0), (3, "W1", 0, 0, 1.0)], "order"),
                       ([(3, "W1", 0, 0, 1e9)], "between")):
        with pytest.raises(ValueError, match=words):
            tr.plan_edits(bad)
    tr.step(4)
    with pytest.raises(ValueError, match="cannot be replayed"):
        tr.plan_edits([(2, "W1", 0, 0, 1.0)])


def test_the_text_form_reads_back_exactly():
    plan = (E.PlannedEdit(120, "W2", 1, 3, -1.0), E.PlannedEdit(120, "b1", 0, 0, 0.1 + 0.2),
            E.PlannedEdit(340, "W12", 511, 0, -1e-300))
    text = E.format_edits(plan)
    assert text == "120_W2_1_3_-1.0~120_b1_0_0_0.30000000000000004~340_W12_511_0_-1e-300"
    assert E.parse_edits(text) == plan
    for bad in ("120_W2_1_3", "x_W2_1_3_1.0", "1_W2_1_3_nan", "1_W2_1_3_inf", "1_Z2_1_3_1.0", "1_b2_1_3_1.0",
                "~".join(["1_W1_0_0_1.0"] * (E.MAX_LINK_EDITS + 1))):
        with pytest.raises(ValueError):
            E.parse_edits(bad)


def test_a_config_carries_its_edits_through_json_and_links(circles):
    c = RunConfig(hidden=(4, 3), edits=[(5, "W2", 1, 2, -1.25), (9, "b1", 0, 0, 0.5)])
    assert c.edits == (E.PlannedEdit(5, "W2", 1, 2, -1.25), E.PlannedEdit(9, "b1", 0, 0, 0.5))
    assert RunConfig.from_json(c.to_json()) == c
    q = c.to_query()
    assert q["edits"] == "5_W2_1_2_-1.25~9_b1_0_0_0.5"
    assert RunConfig.from_query(q, strict=True)[0] == c
    with pytest.raises(ConfigError):
        RunConfig(edits=[(1, "W1", 0, 0, float("nan"))])
    # an edit the network lacks: the link's edits are dropped with a warning, the rest of it is kept
    got, warnings = RunConfig.from_query({"hidden": "4,3", "edits": "5_W2_7_2_1.0"})
    assert got == RunConfig(hidden=(4, 3)) and any("edits" in w and "no entry" in w for w in warnings)
    with pytest.raises(ConfigError, match="no entry"):
        build(RunConfig(hidden=(4, 3), edits=[(5, "W2", 7, 2, 1.0)]))


def test_a_link_caps_its_edits_and_says_so(circles):
    many = [(k, "W1", 0, 0, float(k)) for k in range(E.MAX_LINK_EDITS + 1)]
    c = RunConfig(hidden=(4, 3), edits=many)
    assert c.to_query()["edits"] == "omitted"
    got, warnings = RunConfig.from_query(c.to_query())
    assert got.edits == () and got.hidden == (4, 3)
    assert any("not in this link" in w for w in warnings)
    assert RunConfig.from_json(c.to_json()).edits == c.edits  # JSON (a saved run) keeps them all
    few = RunConfig(hidden=(4, 3), edits=many[:E.MAX_LINK_EDITS])
    assert RunConfig.from_query(few.to_query())[0] == few


def test_a_link_replays_the_edited_run_bit_for_bit():
    """The Playground's path: build, train in frames, edit paused; the config (and its link) made from
    the trainer's edits builds a run that, played in other frames, has the same θ."""
    config = RunConfig(hidden=(5, 3), n_samples=120, optimizer="adam", batch_size=16, dropout=0.1)
    run = build(config)
    tr = run.trainer
    tr.record_every = None
    for _ in range(4):
        tr.step(6)
        tr.record()
    tr.edit_parameter("W2", 2, 4, 0.9)
    tr.step(30)
    tr.edit_parameter("b1", 4, 0, -2.0)
    tr.step(11)
    link = config.replace(edits=tr.planned_edits()).to_query()
    opened, warnings = RunConfig.from_query(link)
    assert warnings == []
    again = build(opened).trainer
    again.record_every = None
    while again.iteration < tr.iteration:
        again.step(min(17, tr.iteration - again.iteration))
        again.record()
    assert np.array_equal(again.network.theta, tr.network.theta)


def test_a_saved_run_keeps_its_edits_in_its_config_and_its_weights(tmp_path):
    from descentlab.engine.runs import load_run, restore_trainer, save_run

    config = RunConfig(hidden=(4,), n_samples=80)
    tr = build(config).trainer
    tr.step(5)
    tr.edit_parameter("W2", 0, 3, 7.0)
    tr.step(5)
    save_run(tr, config.replace(edits=tr.planned_edits()), "edited", tmp_path)
    loaded = load_run("edited", tmp_path)
    assert loaded.config.edits == ((5, "W2", 0, 3, 7.0),)
    restored = restore_trainer(loaded).run.trainer
    assert np.array_equal(restored.network.theta, tr.network.theta)  # the edit is in the saved weights
    restored.step(10)  # and it is not replayed on top of them
    assert restored.edits == [] and restored.planned_edits() == ()


def test_a_comparison_does_not_replay_the_playgrounds_edits():
    from descentlab.engine.group import build_group

    base = RunConfig(hidden=(4,), n_samples=80, edits=[(0, "W2", 0, 3, 7.0)])
    group = build_group(base, "hidden", [(4,), (2,)])  # W2[0,3] does not exist with 2 units
    assert all(v.run.trainer.edits == [] and v.config.edits == () for v in group.variants)


# ---------------------------------------------------------------- the charts
def _trace(fig, name):
    return next(t for t in fig.data if t.name == name)


def test_the_cost_curve_marks_each_edit(circles):
    import plotly.graph_objects as go

    from descentlab import viz

    tr = _trainer(circles)
    plain = viz.cost_figure(tr.history, "binary")
    assert [t.name for t in plain.data][-1] == "edits" and len(_trace(plain, "edits").x) == 0
    tr.step(12)
    edit = tr.edit_parameter("W2", 1, 2, -1.0)
    tr.step(8)
    tr.record()
    fig = viz.cost_figure(tr.history, "binary", edits=tr.edits)
    marks = _trace(fig, "edits")
    assert list(marks.x) == [12] and marks.mode == "markers"
    after = tr.history.cost_train[tr.history.iteration == 12].iloc[-1]
    assert marks.y[0] == pytest.approx(after)
    assert marks.hovertext[0].startswith(f"edited W[2] row 2, column 3: {edit.old:.4g} → −1".replace("-", "−"))
    assert _trace(viz.cost_figure(tr.history, "binary", log_y=True, edits=tr.edits), "edits").y[0] == pytest.approx(
        after, rel=1e-6)
    go.Figure(fig.to_dict())  # plotly.py's validation accepts it


def test_a_paused_diagram_offers_its_weights_and_biases_for_editing(circles):
    import plotly.graph_objects as go

    from descentlab import viz
    from descentlab.viz.network_diagram import EDIT_BIAS, EDIT_WEIGHT

    tr = _trainer(circles)
    net = tr.network
    fig = viz.network_figure(net, dataset=circles, values=True, editable=True)
    go.Figure(fig.to_dict())
    weights, units = _trace(fig, "weights"), _trace(fig, "units")
    assert weights.meta == EDIT_WEIGHT and units.meta == EDIT_BIAS
    rows = [tuple(r) for r in weights.customdata]
    w = float(net.params["W2"][1, 2])
    assert (2, 2, 3, w) in rows  # layer 2, row 2, column 3 (from 1), the exact value
    k = rows.index((2, 2, 3, w))
    assert "W[2] row 2, column 3" in weights.hovertext[k]
    b = float(net.params["b2"][2, 0])
    assert (2, 3, b) in [tuple(r) for r in units.customdata]
    from descentlab.viz.figure import plain_figures
    with plain_figures():  # as a live frame sends it: JSON lists (plotly.js gives a click typed-array rows,
        raw = viz.network_figure(net, dataset=circles, values=True, editable=True)  # which the field refuses)
    assert all(isinstance(t["customdata"], list) for t in raw.data if t.get("meta"))
    for shown in (viz.network_figure(net, dataset=circles, values=True),  # rewound: values, no editing
                  viz.network_figure(net, dataset=circles, values=False, editable=True)):  # playing
        assert all(t.meta is None for t in shown.data)


# ---------------------------------------------------------------- the Playground's handler and link
def _edit_event(trace, customdata, value, **extra):
    return {"type": "edit", "trace": trace, "curveNumber": 3, "pointIndex": 0, "x": 0.5, "y": 0.1,
            "customdata": customdata, "shift": False, "value": value, **extra}


def test_the_diagrams_edit_handler_sets_weights_and_biases_and_refuses_the_rest(circles):
    from descentlab.ui.live.route import RUN_PAGE
    from descentlab.ui.views.playground_edit import edit_handler, refusal

    tr = _trainer(circles)
    handle = edit_handler(tr)
    assert handle(_edit_event("weights", [2, 2, 3, 0.1], -0.75)) == RUN_PAGE  # W[2] row 2, column 3 (from 1)
    assert tr.network.params["W2"][1, 2] == -0.75 and tr.edits[-1].name == "W2"
    assert handle(_edit_event("units", [1, 4, 0.0], 0.5)) == RUN_PAGE    # b[1] unit 4
    assert tr.network.params["b1"][3, 0] == 0.5
    theta, n = tr.network.theta.copy(), len(tr.edits)
    bad = [None, "edit", {"type": "click", "trace": "weights", "customdata": [2, 2, 3, 0.1]},
           _edit_event("inputs", [1, 1, 1, 0.0], 1.0), _edit_event("weights", [2, 2, 3], 1.0),
           _edit_event("weights", [2, 2.5, 3, 0.1], 1.0), _edit_event("weights", [2, 2, 3, 0.1], "1; rm"),
           _edit_event("weights", [2, 2, 3, 0.1], True), _edit_event("weights", ["2", 2, 3, 0.1], 1.0),
           _edit_event("weights", [2, 2, 3, 0.1], float("nan")), _edit_event("weights", [2, 2, 3, 0.1], 1e6),
           _edit_event("weights", [2, 9, 3, 0.1], 1.0), _edit_event("weights", [7, 1, 1, 0.1], 1.0),
           _edit_event("units", [1, 0, 0.0], 1.0), _edit_event("weights", [2, 2, 3, 0.1], None),
           _edit_event("weights", [float("inf"), 2, 3, 0.1], 1.0), _edit_event("weights", None, 1.0)]
    for event in bad:
        assert handle(event) is False, event
    assert np.array_equal(tr.network.theta, theta) and len(tr.edits) == n
    assert "between" in refusal(_edit_event("weights", [2, 2, 3, 0.1], 1e6), tr)
    assert "no entry" in refusal(_edit_event("weights", [2, 9, 3, 0.1], 1.0), tr)
    assert refusal(_edit_event("weights", [2, 2, 3, 0.1], "x"), tr) == "that value is not a number"
    assert refusal({"type": "click"}, tr) is None


def test_the_playgrounds_link_carries_its_edits_and_replays_them():
    """AppTest: an edit made on the Playground's run is in the address bar after the next run of the
    page; opening that link builds the run with the edit planned (applied at its iteration)."""
    from descentlab.ui.views.playground_edit import edit_handler
    from tests.pages import open_page

    at = open_page("app_pages/playground.py")
    tr = at.session_state["dl_run"].trainer
    tr.step(3)
    tr.record()
    assert edit_handler(tr)(_edit_event("weights", [2, 2, 3, 0.1], -0.5))
    at.run()
    assert not at.exception
    link = {k: at.query_params[k] for k in at.query_params}
    assert link["edits"] == ["3_W2_1_2_-0.5"] or link["edits"] == "3_W2_1_2_-0.5"
    assert at.session_state["dl_config"].edits == ((3, "W2", 1, 2, -0.5),)
    opened = open_page("app_pages/playground.py", query={"edits": "3_W2_1_2_-0.5"})
    again = opened.session_state["dl_run"].trainer
    again.step(3)
    assert again.network.params["W2"][1, 2] == -0.5 and np.array_equal(again.network.theta, tr.network.theta)
    assert opened.session_state["dl_config"].edits == ((3, "W2", 1, 2, -0.5),)


@pytest.mark.parametrize("batch_size", [None, 50])
def test_the_exported_script_replays_the_edits(tmp_path, batch_size):
    """The script prints the edited run's costs (iterations 0, 50, 100), and not the unedited ones."""
    from tests.test_export_script import ITERATIONS, assert_same_costs, engine_costs, export, run_script

    config = RunConfig(dataset="moons", batch_size=batch_size,
                       edits=[(0, "b1", 2, 0, 0.3), (30, "W2", 1, 4, -2.5), (50, "W1", 0, 1, 1.75)])
    script = export(config)
    assert "set_by_hand = {" in script and "0: [('b1', 2, 0, 0.3)]," in script
    printed = run_script(script, tmp_path)
    assert_same_costs(printed, engine_costs(config))
    plain = engine_costs(config.replace(edits=()))
    assert printed[ITERATIONS] != pytest.approx(plain[ITERATIONS], rel=1e-6)
    assert "does NOT replay" in export(RunConfig(edits=None)) and "set_by_hand" not in export(RunConfig())


def _network_message(at) -> dict:
    return live_message(at, "live_network")


def test_the_playground_takes_an_edit_from_the_diagram_and_says_why_it_refuses_one():
    from tests.pages import open_page

    at = open_page("app_pages/playground.py")
    message = _network_message(at)
    weights = next(t for t in message["figure"]["data"] if t["name"] == "weights")
    assert weights["meta"]["edit"] == {"index": 3, "label": "w"}
    tr = at.session_state["dl_run"].trainer
    click_live_chart(at, "live_network", _edit_event("weights", [3, 1, 2, 0.1], -1.5))  # W[3] row 1, column 2
    assert tr.network.params["W3"][0, 1] == -1.5 and len(tr.edits) == 1
    assert at.session_state["dl_config"].edits == ((0, "W3", 0, 1, -1.5),)
    cost = next(t for t in live_message(at, "live_cost")["figure"]["data"] if t["name"] == "edits")
    assert len(cost["x"]["bdata"] if isinstance(cost["x"], dict) else cost["x"]) > 0
    click_live_chart(at, "live_network", _edit_event("units", [1, 3, 0.0], 5000.0))
    assert tr.network.params["b1"][2, 0] != 5000.0 and len(tr.edits) == 1
    assert any("Not set" in w.value and "between" in w.value for w in at.warning)
    # after a Step, still paused: editable; rewound to an earlier iteration: nothing to edit
    at.button(key="btn_step").click().run()
    assert "meta" in next(t for t in _network_message(at)["figure"]["data"] if t["name"] == "weights")
    at.session_state["view_rewind"] = 0
    at.run()
    assert all("meta" not in t for t in _network_message(at)["figure"]["data"])
