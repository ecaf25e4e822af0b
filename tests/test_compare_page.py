"""AppTest for the Compare page: controls by key, lockstep training, divergence, share links, presets.

AppTest runs fragments inline and never ticks run_every, so training is driven with the Step button."""

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from descentlab.engine.build import build
from descentlab.engine.config import RunConfig
from descentlab.engine.presets import PRESETS, Preset
from descentlab.ui.user_text import md_plain
from descentlab.ui.views.compare import DIMENSIONS

from .pages import live_html_text, open_app, open_page

PAGE = "app_pages/compare.py"
DIVERGING = RunConfig(dataset="plane", activation="linear", hidden=(8, 8))


def _compare(query: dict | None = None, state: dict | None = None) -> AppTest:
    return open_page(PAGE, query, state)


def _group(at):
    return at.session_state["cmp_group"]


def _step(at, times: int = 1):
    for _ in range(times):
        at.button(key="cmp_btn_step").click().run()
        assert not at.exception, [e.value for e in at.exception]


def _table(at) -> str:
    """The summary table's HTML."""
    return live_html_text(at, "cmp-table")


def _link(at) -> dict[str, str]:
    """What the address bar says after the run."""
    return {k: v if isinstance(v, str) else v[-1] for k, v in dict(at.query_params).items()}


def _first_costs(group) -> list[float]:
    return [float(v.trainer.history["cost_train"].iloc[0]) for v in group.variants]


def test_renders_with_the_expected_controls():
    at = _compare()
    for key in ("cmp_btn_play", "cmp_btn_step", "cmp_btn_reset"):
        assert at.button(key=key) is not None
    assert at.selectbox(key="cmp_vary").value == "activation"
    assert at.multiselect(key="cmp_values_activation").value == list(DIMENSIONS["activation"].default)
    assert at.number_input(key="cmp_target").value == pytest.approx(0.2)
    assert at.toggle(key="cmp_log_y").value is False
    charts = at.get("bidi_component")
    assert len(charts) >= 2, "live charts missing (cost overlay and boundaries)"
    group = _group(at)
    assert [v.label for v in group.variants] == ["Sigmoid σ", "tanh", "ReLU"]
    assert all(v.config == RunConfig().replace(activation=a) for v, a in zip(group.variants, ("sigmoid", "tanh", "relu")))
    assert "Sigmoid σ" in _table(at)
    assert _link(at) == {"vary": "activation", "values": "sigmoid;tanh;relu"}


def test_step_trains_every_variant_in_lockstep_and_reset_restarts_them():
    at = _compare()
    _step(at, 3)
    group = _group(at)
    assert [tr.iteration for tr in group.trainers] == [3, 3, 3]
    assert [len(tr.history) for tr in group.trainers] == [4, 4, 4]  # iteration 0 and one row per step
    assert len({float(tr.history["cost_train"].iloc[-1]) for tr in group.trainers}) == 3  # really different runs
    at.button(key="cmp_btn_reset").click().run()
    assert [tr.iteration for tr in _group(at).trainers] == [0, 0, 0]


def test_a_diverging_variant_is_marked_and_the_others_continue():
    at = _compare({**DIVERGING.to_query(), "vary": "learning_rate", "values": "0.01;10"})
    ok, bad = _group(at).trainers
    for _ in range(15):
        _step(at)
        if bad.diverged:
            break
    assert bad.diverged and not ok.diverged
    assert f"diverged at {bad.diverged_at}" in _table(at)
    assert any("others keep training" in w.value for w in at.warning)
    stopped, before = bad.iteration, ok.iteration
    _step(at, 2)
    assert ok.iteration == before + 2 and bad.iteration == stopped
    assert "diverged at" in _table(at) and not _group(at).diverged


def test_the_link_restores_the_same_comparison():
    base = RunConfig(dataset="moons", hidden=(5,), seed=3, learning_rate=0.1)
    at = _compare({**base.to_query(), "vary": "hidden", "values": "4;8,8;none"})
    assert not at.warning
    group = _group(at)
    assert [v.config for v in group.variants] == [base.replace(hidden=h) for h in ((4,), (8, 8), ())]
    expected = [float(build(v.config).trainer.history["cost_train"].iloc[0]) for v in group.variants]
    assert _first_costs(group) == expected
    link = _link(at)
    assert link["vary"] == "hidden" and link["values"] == "4;8,8;none"
    again = _compare(link)
    assert [v.config for v in _group(again).variants] == [v.config for v in group.variants]
    assert _first_costs(_group(again)) == _first_costs(group)


def test_bad_link_values_warn_and_the_page_still_opens():
    at = _compare({"vary": "learning_rate", "values": "0.01;banana;1e9;0.1;0.01"})
    text = " ".join(md_plain(w.value) for w in at.warning)  # as read: user text in it is escaped
    assert "banana" in text and "learning_rate" in text
    assert [v.config.learning_rate for v in _group(at).variants] == [0.01, 0.1]
    at = _compare({"vary": "colour](http://x)", "values": "red"})
    assert any("colour??http???x?" in w.value for w in at.warning)  # named, without its markup
    assert at.selectbox(key="cmp_vary").value == "activation" and len(_group(at).variants) == 3


@pytest.mark.parametrize("config", [RunConfig(dataset="blobs3", hidden=(6,)),
                                    RunConfig(dataset="shapes", n_samples=60, hidden=(4,))],
                         ids=["multiclass", "images"])
def test_other_tasks_render_and_step(config):
    at = _compare({**config.to_query(), "vary": "optimizer", "values": "gd;adam"})
    _step(at, 2)
    assert [tr.iteration for tr in _group(at).trainers] == [2, 2]
    charts = at.get("bidi_component")
    assert len(charts) >= (2 if config.dataset == "blobs3" else 1)  # image data: no decision boundaries


def test_values_the_base_config_refuses_give_an_error_not_a_traceback():
    per_layer = RunConfig(hidden=(8, 8), activation=("relu", "tanh"))
    at = _compare({**per_layer.to_query(), "vary": "hidden", "values": "4;8,8"})
    assert any("one name per hidden layer" in e.value for e in at.error)
    _step(at)
    assert _group(at).iteration == 1


@pytest.mark.parametrize("key", sorted(k for k, p in PRESETS.items() if p.lab == "compare"))
def test_a_compare_preset_opens_here_with_its_vary(key):
    preset = PRESETS[key]
    at = open_app()
    at.button(key=f"preset_{key}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    field, values = preset.vary
    group = _group(at)
    assert group.field == field and [getattr(v.config, field) for v in group.variants] == list(values)
    assert at.session_state["dl_config"] == preset.config and "dl_preset" not in at.session_state
    _step(at)
    assert {tr.iteration for tr in group.trainers} == {1}


def test_the_page_lists_its_presets_and_one_click_opens_one():
    at = _compare()
    mine = {f"preset_{k}" for k, p in PRESETS.items() if p.lab == "compare"}
    shown = {b.key for b in at.button if b.key and b.key.startswith("preset_")}
    assert shown == mine and mine
    key = sorted(mine)[0].removeprefix("preset_")
    at.button(key=f"preset_{key}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    field, values = PRESETS[key].vary
    assert at.selectbox(key="cmp_vary").value == field
    assert [getattr(v.config, field) for v in _group(at).variants] == list(values)


def test_a_preset_handed_over_in_session_state_is_adopted():
    preset = Preset("test_optimizers", "Optimizers", "two lines", RunConfig(dataset="xor", hidden=(6,)),
                    lab="compare", vary=("optimizer", ("gd", "adam")))
    at = _compare(state={"dl_preset": preset})
    assert at.selectbox(key="cmp_vary").value == "optimizer"
    assert [v.config for v in _group(at).variants] == [preset.config.replace(optimizer=o) for o in ("gd", "adam")]
    assert "dl_preset" not in at.session_state


def test_changing_the_values_rebuilds_the_comparison():
    at = _compare()
    _step(at, 2)
    at.selectbox(key="cmp_vary").set_value("learning_rate").run()
    at.multiselect(key="cmp_values_learning_rate").set_value([0.01, 0.1]).run()
    assert not at.exception
    group = _group(at)
    assert [v.config.learning_rate for v in group.variants] == [0.01, 0.1]
    assert group.iteration == 0
    assert _link(at)["values"] == "0.01;0.1"
    np.testing.assert_array_equal(group.variants[0].run.dataset.X_train, group.variants[1].run.dataset.X_train)


def test_in_a_browser_play_trains_both_variants_and_marks_the_diverged_one():
    """The drawing itself (AppTest never runs the charts' JavaScript): both live charts draw, Play
    advances the counter, the diverging variant is marked while the other keeps going."""
    from tests.browser import (
        ROOT,
        launch_browser,
        require_chromium,
        start_streamlit,
        wait_for_app,
    )

    require_chromium()
    from playwright.sync_api import sync_playwright

    query = "&".join(f"{k}={v}" for k, v in {**DIVERGING.to_query(), "vary": "learning_rate",
                                               "values": "0.01;10"}.items())
    with start_streamlit("server.py") as (base_url, _proc), sync_playwright() as pw:
        browser = launch_browser(pw)
        page = browser.new_page(viewport={"width": 1600, "height": 1200})
        page.goto(f"{base_url}/compare?{query}")
        wait_for_app(page, 180_000)
        cost, boundaries = ".st-key-cmp_live_cost .js-plotly-plot", ".st-key-cmp_live_boundaries .js-plotly-plot"
        page.locator(f"{cost} .overplot .trace").first.wait_for(state="attached", timeout=120_000)
        page.wait_for_function(f"() => document.querySelectorAll('{boundaries} .imagelayer image').length === 2",
                               timeout=120_000)
        page.locator(".st-key-cmp_btn_play button").click()
        page.locator(".cmp-table .cmp-diverged").wait_for(timeout=120_000)  # "diverged at N"
        counter = ".dl-status .dl-value"
        seen = page.locator(counter).first.inner_text()
        page.wait_for_function(f"() => document.querySelector('{counter}').innerText !== {seen!r}", timeout=120_000)
        assert "diverged at" in page.locator(".cmp-table .cmp-diverged").inner_text()
        assert "diverged at" in page.locator(f"{boundaries} .annotation-text").nth(1).text_content()
        assert page.locator(".stException").count() == 0
        (ROOT / "artifacts").mkdir(exist_ok=True)
        page.screenshot(path=str(ROOT / "artifacts" / "compare_browser_test.png"))
        page.locator(".st-key-cmp_btn_play button").click()  # pause
        browser.close()


def test_a_visit_to_another_page_keeps_the_pickers_and_the_training():
    """Streamlit drops the state of widgets a run does not draw; the pickers come back as they were,
    so the same group (and its training) is still there."""
    at = _compare()
    at.selectbox(key="cmp_vary").set_value("learning_rate").run()
    at.multiselect(key="cmp_values_learning_rate").set_value([0.003, 0.3]).run()
    at.number_input(key="cmp_target").set_value(0.3).run()
    at.button(key="cmp_btn_step").click().run()
    group = _group(at)
    at.switch_page("app_pages/home.py").run()  # draws none of this page's widgets
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.selectbox(key="cmp_vary").value == "learning_rate"
    assert at.multiselect(key="cmp_values_learning_rate").value == [0.003, 0.3]
    assert at.number_input(key="cmp_target").value == 0.3
    assert _group(at) is group and group.iteration == 1
