"""Inputs and layers on the network diagram (TensorFlow Playground's): every feature drawn as an input
node, the unused ones hollow; "−" / "+" traces for each hidden layer's units and for the layers; a
click read from its place (what the browser sends today has no trace name); the config a click asks
for, within RunConfig's limits; and, under AppTest, a click that changes the run, the sidebar's
widgets and the link together."""

import numpy as np
import pytest

from descentlab import viz
from descentlab.engine.build import build
from descentlab.engine.config import RunConfig
from descentlab.engine.features import FEATURES
from descentlab.ui.views.playground_diagram_controls import change_for
from descentlab.viz import network_controls as nc
from descentlab.viz import network_diagram as nd
from descentlab.viz.style import Style

from .pages import click_live_chart, live_message, open_page

BEFORE = ["inputs", "units", "outputs"]  # the diagram's traces before the controls (and "weights" when paused)


@pytest.fixture(scope="module")
def default_run():
    return build(RunConfig(n_samples=100))  # x1, x2 -> 8 -> 8 -> 1


def _figure(run, config, **kwargs):
    return viz.network_figure(run.network, dataset=run.dataset, inputs=config.features, controls=True, **kwargs)


def test_the_controls_are_named_traces_after_the_others(default_run):
    config = RunConfig(n_samples=100)
    paused, playing = _figure(default_run, config), _figure(default_run, config, values=False)
    assert [t.name for t in paused.data] == BEFORE + ["weights", *nc.TRACES]
    assert [t.name for t in playing.data] == BEFORE + list(nc.TRACES)
    plain = viz.network_figure(default_run.network, dataset=default_run.dataset)  # no controls asked: as before
    assert [t.name for t in plain.data] == BEFORE + ["weights"] and len(plain.data[0].x) == 2
    by_name = {t.name: t for t in paused.data}
    assert list(by_name["units_plus"].x) == pytest.approx([1 + nc.button_offset(3), 2 + nc.button_offset(3)])
    assert list(by_name["units_minus"].text) == ["−", "−"] and list(by_name["units_plus"].text) == ["+", "+"]
    assert list(by_name["layers_label"].text) == ["2 hidden layers"]
    # the controls sit in rows of their own, above and below the units
    top = max(by_name["units"].y)
    assert min(by_name["units_plus"].y) > top + 0.3 and max(by_name["layers_plus"].y) < min(by_name["units"].y) - 0.3


def test_every_feature_is_an_input_node_and_the_unused_ones_are_hollow():
    config = RunConfig(n_samples=100, features=("sin_x1", "x1"), hidden=(3,))
    run = build(config)
    inputs = _figure(run, config).data[0]
    assert list(inputs.text) == [f.label for f in FEATURES.values()]
    used = {"x1", "sin_x1"}
    assert list(inputs.marker.symbol) == ["square" if k in used else "square-open" for k in FEATURES]
    assert "turn it on" in inputs.hovertext[2] and "turn it off" in inputs.hovertext[0]
    # the network's input j is features[j]: its weights leave from that feature's node
    ys, drawn, _rows = nd.diagram_geometry(run.network, config.features)
    slots = [list(FEATURES).index(k) for k in config.features]
    np.testing.assert_array_equal(ys[0], drawn[0][slots])
    one = build(RunConfig(n_samples=100, features=("x2",), hidden=(3,)))
    hover = _figure(one, RunConfig(features=("x2",))).data[0].hovertext
    assert "at least one input stays on" in hover[1]


def test_data_whose_inputs_are_their_own_are_not_switchable(default_run):
    shapes = build(RunConfig(dataset="shapes", hidden=(4,), n_samples=100))
    fig = viz.network_figure(shapes.network, dataset=shapes.dataset, inputs=None, controls=True, values=False)
    inputs = fig.data[0]
    assert len(inputs.x) == shapes.network.layer_sizes[0] and "not switchable" in inputs.hovertext[0]
    assert nc.INPUTS not in nd.diagram_targets(shapes.network, None)
    # features that do not describe the network's inputs are not drawn as switchable either
    assert nd.input_slots(default_run.network, ("x1",)) is None
    assert nd.input_slots(default_run.network, ("x1", "nope")) is None


def test_a_button_at_runconfigs_limit_is_greyed_and_says_so():
    lo, hi, most = nc.hidden_limits()
    assert (lo, hi, most) == (1, 512, 16)
    sizes = [2, hi, lo, 1]
    traces = {t["name"]: t for t in nc.control_traces(sizes, 4.0, 6.0, Style())}
    assert "the most" in traces["units_plus"]["hovertext"][0] and "one unit more" in traces["units_plus"]["hovertext"][1]
    assert "the fewest" in traces["units_minus"]["hovertext"][1]
    deep = {t["name"]: t for t in nc.control_traces([2, *[1] * most, 1], 4.0, 20.0, Style())}
    assert deep["layers_plus"]["hovertext"] == [f"{most} hidden layers, the most"]
    flat = {t["name"]: t for t in nc.control_traces([2, 1], 1.0, 3.0, Style())}
    assert flat["layers_minus"]["hovertext"] == ["no hidden layer to remove"] and len(flat["units_plus"]["x"]) == 0


def _click_at(points, name, k, **extra):
    xs, ys = points[name]
    return {"x": float(np.float32(xs[k])), "y": float(np.float32(ys[k])), "curveNumber": 7, "pointIndex": k, **extra}


def test_a_click_is_read_from_its_place_and_checked(default_run):
    points = nd.diagram_targets(default_run.network, ("x1", "x2"))
    for name in nc.CLICKABLE:
        for k in range(len(points[name][0])):
            assert nc.clicked_target(_click_at(points, name, k), points) == nc.Target(name, k)
            assert nc.clicked_target(_click_at(points, name, k, trace=name), points) == nc.Target(name, k)
    assert nc.clicked_target(_click_at(points, "units_plus", 1, trace="units_minus"), points) is None  # not there
    assert nc.clicked_target(_click_at(points, "units_plus", 1, pointIndex=0), points) is None  # stale index
    unit = {"x": 1.0, "y": 3.5, "curveNumber": 1, "pointIndex": 0}  # a hidden unit: not a control
    bad = [None, {}, unit, {"x": "a", "y": 0, "pointIndex": 0}, _click_at(points, "inputs", 2, pointIndex=True),
           _click_at(points, "inputs", 2, trace="units")]
    for click in bad:
        assert nc.clicked_target(click, points) is None


def test_the_config_a_click_asks_for():
    c = RunConfig(hidden=(8, 8), activation=("tanh", "relu"))
    on = change_for(nc.Target("inputs", 2), c)[0]
    assert on.features == ("x1", "x2", "x1_sq")
    assert change_for(nc.Target("inputs", 0), on)[0].features == ("x2", "x1_sq")
    new, message = change_for(nc.Target("inputs", 1), RunConfig(features=("x2",)))
    assert new is None and "At least one input feature must stay on" in message
    assert change_for(nc.Target("units_plus", 1), c)[0].hidden == (8, 9)
    assert change_for(nc.Target("units_minus", 0), c)[0].hidden == (7, 8)
    assert change_for(nc.Target("units_minus", 0), RunConfig(hidden=(1,)))[1].startswith("Layer 1 has 1 unit")
    assert "the most" in change_for(nc.Target("units_plus", 0), RunConfig(hidden=(512,), n_samples=50))[1]
    more = change_for(nc.Target("layers_plus", 0), c)[0]
    assert more.hidden == (8, 8, 4) and more.activation == ("tanh", "relu", "relu")
    fewer = change_for(nc.Target("layers_minus", 0), RunConfig(hidden=(5,), activation=("relu",)))[0]
    assert fewer.hidden == () and fewer.activation == "relu"
    assert change_for(nc.Target("layers_minus", 0), RunConfig(hidden=()))[1].startswith("The network has no")
    assert "the most" in change_for(nc.Target("layers_plus", 0), RunConfig(hidden=(1,) * 16))[1]
    assert change_for(nc.Target("units_plus", 5), c) == (None, None)  # a layer it does not have: nothing


# ------------------------------------------------------------------ in the app (AppTest)
def _inputs_trace(at) -> dict:
    return next(t for t in live_message(at, "live_network")["figure"]["data"] if t["name"] == "inputs")


def test_clicks_on_the_diagram_change_the_config_the_sidebar_and_the_link():
    at = open_page("app_pages/playground.py", {"seed": "3"})
    ss = lambda: at.session_state  # noqa: E731
    run = ss()["dl_run"]
    points = nd.diagram_targets(run.network, ("x1", "x2"))

    click_live_chart(at, "live_network", _click_at(points, "inputs", 2))  # x₁² on
    assert ss()["dl_config"].features == ("x1", "x2", "x1_sq")
    assert at.multiselect(key="cfg_features").value == ["x1", "x2", "x1_sq"]
    assert at.query_params["features"] == "x1,x2,x1_sq" and at.query_params["seed"] == "3"
    assert ss()["dl_run"].network.layer_sizes[0] == 3
    assert _inputs_trace(at)["marker"]["symbol"][:3] == ["square"] * 3

    points = nd.diagram_targets(ss()["dl_run"].network, ("x1", "x2", "x1_sq"))
    click_live_chart(at, "live_network", _click_at(points, "units_plus", 0))  # layer 1: 8 -> 9 units
    assert ss()["dl_config"].hidden == (9, 8) and at.slider(key="cfg_units_0").value == 9
    assert at.query_params["hidden"] == "9,8" and list(ss()["dl_run"].network.layer_sizes) == [3, 9, 8, 1]
    assert any("hidden changed" in t.value for t in at.toast), [t.value for t in at.toast]  # a toast: the charts stay put

    points = nd.diagram_targets(ss()["dl_run"].network, ("x1", "x2", "x1_sq"))  # 9 rows now: all moved
    click_live_chart(at, "live_network", _click_at(points, "layers_minus", 0))  # one hidden layer fewer
    assert ss()["dl_config"].hidden == (9,) and at.slider(key="cfg_layers").value == 1
    assert at.query_params["hidden"] == "9"
    at.run()  # the sidebar, read again, keeps what the diagram set
    assert ss()["dl_config"].hidden == (9,) and ss()["dl_config"].features == ("x1", "x2", "x1_sq")


def test_the_last_input_stays_on_and_a_unit_click_still_shows_the_unit():
    at = open_page("app_pages/playground.py", {"features": "x2", "hidden": "3"})
    run = at.session_state["dl_run"]
    points = nd.diagram_targets(run.network, ("x2",))
    click_live_chart(at, "live_network", _click_at(points, "inputs", 1))
    assert at.session_state["dl_config"].features == ("x2",) and at.session_state["dl_run"] is run  # the run stays
    assert any("At least one input feature must stay on" in w.value for w in at.warning)
    click_live_chart(at, "live_network", {"x": 1.0, "y": 0.0, "curveNumber": 1, "pointIndex": 1})  # a hidden unit: shown big
    assert at.session_state["view_unit"].pinned == (1, 1) and at.session_state["dl_run"] is run
