"""AppTest for the landing page and the Playground: widgets found by key, no exception anywhere.

AppTest runs fragments inline and never ticks run_every, so training is driven with the Step button."""

import pytest
from streamlit.testing.v1 import AppTest

from descentlab.ui.views.playground_panels import UnitView
from descentlab.engine.config import RunConfig
from descentlab.engine.presets import PRESETS
from descentlab.engine.runs import owner_space
from descentlab.ui import run_spaces
from descentlab.ui.user_text import md_plain

from .pages import OWNER_KEY, click_live_chart, live_message, open_app, open_page


def _playground(query: dict | None = None, state: dict | None = None) -> AppTest:
    return open_page("app_pages/playground.py", query, state)


def _run(at):
    return at.session_state["dl_run"]


def test_landing_page_renders_with_every_preset():
    at = open_app()
    assert not at.exception
    keys = {b.key for b in at.button}
    assert {f"preset_{k}" for k in PRESETS} <= keys
    assert "Descent Lab" in at.title[0].value


def test_playground_renders_default_run():
    at = _playground()
    for key in ("btn_play", "btn_step", "btn_reset", "btn_new_seed", "btn_new_data"):
        assert at.button(key=key) is not None
    assert at.session_state["dl_config"] == RunConfig()
    assert at.get("bidi_component"), "live charts missing"


def test_step_advances_and_grows_history():
    at = _playground()
    at.button(key="btn_step").click().run()
    at.button(key="btn_step").click().run()
    tr = _run(at).trainer
    assert tr.iteration == 2 and len(tr.history) == 3
    assert not at.exception
    at.button(key="btn_reset").click().run()
    assert _run(at).trainer.iteration == 0


@pytest.mark.parametrize("key", sorted(PRESETS))
def test_preset_applies_its_config(key):
    at = open_app()
    at.button(key=f"preset_{key}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["dl_config"] == PRESETS[key].config


def test_query_string_restores_a_config():
    config = RunConfig(dataset="xor", hidden=(5, 3), activation="relu", learning_rate=0.1, seed=7)
    at = _playground(config.to_query())
    assert at.session_state["dl_config"] == config
    assert _run(at).network.layer_sizes == (2, 5, 3, 1)


def test_garbage_query_values_warn_and_fall_back_to_defaults():
    at = _playground({"hidden": "999999999", "lr": "nan", "bogus": "1", "activation": "sigmod"})
    assert at.session_state["dl_config"] == RunConfig()
    text = " ".join(md_plain(w.value) for w in at.warning)  # as read: user text in it is escaped
    for word in ("hidden", "learning_rate", "bogus", "activation"):
        assert word in text


def test_divergence_shows_the_message_and_keeps_history():
    bad = RunConfig(dataset="plane", loss="mse", hidden=(16, 16), activation="relu", init="random",
                    init_scale=20.0, learning_rate=10.0)
    at = _playground(bad.to_query())
    for _ in range(8):
        at.button(key="btn_step").click().run()
        if _run(at).trainer.diverged:
            break
    tr = _run(at).trainer
    assert tr.diverged and len(tr.history) >= 1
    assert any("diverged at iteration" in e.value for e in at.error)
    assert not at.exception


def test_linked_values_outside_the_panel_ranges_are_kept():
    config = RunConfig(hidden=(100,) * 10, n_samples=20, noise=0.9, dropout=0.95, optimizer="adam", beta2=0.5)
    at = _playground(config.to_query())
    assert at.session_state["dl_config"] == config
    at.button(key="btn_step").click().run()
    assert not at.exception and at.session_state["dl_run"].trainer.iteration == 1


def test_save_and_reload_a_run(tmp_path, monkeypatch):
    monkeypatch.setenv("DESCENTLAB_RUNS_DIR", str(tmp_path))
    at = open_page("app_pages/playground.py", state={run_spaces.OWNER: OWNER_KEY})
    for _ in range(3):
        at.button(key="btn_step").click().run()
    at.text_input(key="save_name").input("lecture one").run()  # sanitized to a safe folder name
    at.button(key="btn_save_run").click().run()
    assert not at.exception and any("Saved as lecture_one" in md_plain(s.value) for s in at.success)
    assert (owner_space(OWNER_KEY) / "lecture_one" / "params.npz").is_file()
    trained = _run(at).network.theta.copy()
    at.button(key="btn_reset").click().run()
    at.button(key="btn_load_run").click().run()
    assert not at.exception
    import numpy as np
    np.testing.assert_array_equal(_run(at).network.theta, trained)


def test_rewind_slider_follows_training_until_moved():
    at = _playground()
    for _ in range(3):
        at.button(key="btn_step").click().run()
    assert at.select_slider(key="view_rewind").value == 3 and not at.info
    at.select_slider(key="view_rewind").set_value(1).run()
    assert any("show iteration 1" in i.value for i in at.info)
    at.button(key="btn_step").click().run()
    assert at.select_slider(key="view_rewind").value == 1  # the user's choice is kept


def test_config_survives_moving_between_pages_with_the_panel():
    """Streamlit resets a widget keyed on one page to its default on another page unless its value
    is set from code; the panel must carry the run's settings from page to page."""
    at = _playground({"hidden": "7,3", "lr": "0.1", "n": "300"})
    want = at.session_state["dl_config"]
    for page in ("app_pages/compare.py", "app_pages/init_lab.py", "app_pages/playground.py",
                 "app_pages/losses.py", "app_pages/playground.py"):
        at.switch_page(page)
        at.run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert at.session_state["dl_config"] == want, page
    assert at.session_state["cfg_layers"] == 2 and at.session_state["cfg_units_0"] == 7


def test_play_pauses_where_the_cost_falls_below_the_target():
    from descentlab.engine.build import build

    free = build(RunConfig()).trainer
    free.step(10)
    target = free.history.cost_train.iloc[10] * (1 + 1e-9)  # reached at iteration 10 at the latest
    at = _playground(RunConfig(target_cost=target).to_query())
    assert at.toggle(key="cfg_stop_at_target").value and at.number_input(key="cfg_target_cost").value == target
    at.button(key="btn_play").click().run()  # AppTest trains one frame inline: up to 50 iterations
    tr = _run(at).trainer
    assert tr.finished and 0 < tr.iteration == tr.target_reached_at <= 10
    stop = tr.iteration
    assert not at.session_state["dl_playing"]  # the loop paused itself
    assert any(f"Reached J < {target:g} at iteration {tr.iteration:,}" in s.value for s in at.success)
    at.button(key="btn_play").click().run()  # Play again: nothing to train, and the page says why
    assert not at.session_state["dl_playing"] and tr.iteration == tr.target_reached_at
    assert any("Lower or clear the target cost" in i.value for i in at.info)
    at.toggle(key="cfg_stop_at_target").set_value(False).run()  # no target: the same run trains on
    at.button(key="btn_step").click().run()
    assert _run(at).trainer is tr and tr.iteration == stop + 1 and not tr.finished
    assert not at.exception, [e.value for e in at.exception]


def test_shapes_panel_lists_the_iterations_run_among_the_hyperparameters():
    at = _playground(RunConfig(target_cost=0.05).to_query())
    for _ in range(3):
        at.button(key="btn_step").click().run()
    at.segmented_control(key="view_panel").set_value("Shapes & equations").run()
    assert not at.exception, [e.value for e in at.exception]
    tables = [dict(zip(*df.value.T.values)) for df in at.dataframe if "hyperparameter" in df.value.columns]
    assert tables and tables[0]["Iterations run"] == "3" and tables[0]["Stop when J <"] == "0.05"


# ---------------------------------------------------------------- a unit's output as the big picture
def _live_figure(at, key: str) -> dict:
    """The figure a live chart was last sent (its frame message's JSON)."""
    return live_message(at, key)["figure"]


def _title(fig: dict) -> str:
    layout = fig["layout"]  # with a legend the title is the legend's (viz.style.style_layout)
    return (layout.get("legend", {}).get("title") or layout.get("title"))["text"]


def _colour_bar(fig: dict) -> tuple[float, float]:
    (bar,) = [t["marker"] for t in fig["data"] if t.get("marker", {}).get("showscale")]
    return bar["cmin"], bar["cmax"]


def _click_diagram(at, point_index: int, curve: int = 1) -> None:
    """What the browser reports when the network diagram is clicked ({x, y, curveNumber, pointIndex})."""
    assert live_message(at, "live_network")["click"], "the diagram does not report clicks"
    click_live_chart(at, "live_network", {"x": 1, "y": 0, "curveNumber": curve, "pointIndex": point_index})


def test_a_unit_chosen_in_the_diagram_is_the_boundary_charts_picture_until_chosen_again():
    at = _playground(state={"view_unit": UnitView(pinned=(1, 2))})  # default run: [2, 8, 8, 1], tanh, sigmoid output
    fig = _live_figure(at, "live_boundary")
    assert _title(fig) == "a[1]₃ = tanh(z[1]₃) over the input plane" and _colour_bar(fig) == (-1, 1)
    assert at.button(key="view_unit_clear").label == "Show the network's output"
    at.button(key="btn_step").click().run()  # stepping keeps the choice
    assert _title(_live_figure(at, "live_boundary")).startswith("a[1]₃ = tanh")
    assert _run(at).trainer.iteration == 1
    at.button(key="view_unit_clear").click().run()
    assert at.session_state["view_unit"].pinned is None
    fig = _live_figure(at, "live_boundary")
    assert _title(fig) == "Decision boundary" and not [b for b in at.button if b.key == "view_unit_clear"]

    _click_diagram(at, 8 + 3)  # layer 2's fourth unit (after layer 1's eight)
    assert at.session_state["view_unit"].pinned == (2, 3)
    assert _title(_live_figure(at, "live_boundary")) == "a[2]₄ = tanh(z[2]₄) over the input plane"
    _click_diagram(at, 16)  # the output unit: sigmoid, 0..1
    fig = _live_figure(at, "live_boundary")
    assert _title(fig) == "a[3]₁ = σ(z[3]₁) over the input plane" and _colour_bar(fig) == (0, 1)
    _click_diagram(at, 16)  # the same unit again: the network's output
    assert at.session_state["view_unit"].pinned is None
    assert _title(_live_figure(at, "live_boundary")) == "Decision boundary"
    _click_diagram(at, 0, curve=0)  # an input node: nothing to show
    assert at.session_state["view_unit"].pinned is None


def test_a_relu_units_colour_bar_runs_from_0_to_its_largest_value():
    config = RunConfig(hidden=(5,), activation="relu")
    at = _playground({**config.to_query()}, state={"view_unit": UnitView(pinned=(1, 4))})
    low, high = _colour_bar(_live_figure(at, "live_boundary"))
    top = float(_run(at).trainer.unit_grid(1, 4, 100)["output"].max())
    assert low == 0 and top <= high <= 1.25 * top
    assert _title(_live_figure(at, "live_boundary")) == "a[1]₅ = ReLU(z[1]₅) over the input plane"
    at.session_state["view_unit"] = UnitView(pinned=(3, 0))  # a unit this network does not have (a layer fewer): the output
    at.run()
    assert _title(_live_figure(at, "live_boundary")) == "Decision boundary"


def test_an_image_data_set_opens_with_its_first_layer_weights():
    """An image data set (no input plane) draws the network's first-layer weights as pictures, one per
    unit, from the run the page holds (the producer once named a variable it no longer had)."""
    at = open_page("app_pages/playground.py", {"dataset": "shapes"}, timeout=120)
    assert not at.error, [e.value for e in at.error]
    figure = live_message(at, "live_w1_images")["figure"]
    assert figure["layout"]["title"]["text"] == "First-layer weights" and figure["data"]
