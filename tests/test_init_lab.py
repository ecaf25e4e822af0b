"""Initialization lab: the classic table's outcomes, symmetry under zero / constant initialization,
activation statistics per layer, the figures, and the page (AppTest: controls, lockstep Step,
presets and links)."""
import math

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from descentlab.engine.build import build
from descentlab.engine.config import RunConfig
from descentlab.engine.presets import PRESETS, Preset
from descentlab.lessons import init_experiments as ie
from descentlab.lessons.init_experiments import HE, LARGE, SMALL, XAVIER, ZEROS, Scheme
from descentlab.viz import init_lab as figs
from descentlab.viz.variants import variant_symbol

from .pages import live_html_text, open_page

TIMEOUT = 120  # the lab trains a group of networks on its first run
LN2 = math.log(2.0)


# ---------------------------------------------------------------- the classic table
@pytest.fixture(scope="module")
def classic():
    return ie.classic_experiment(schemes=(ZEROS, LARGE, HE)).set_index("scheme")


def test_classic_data_is_exactly_balanced():
    # what makes "exactly 50%" exact: the stratified split gives 150/150 train and 50/50 test points
    ds = build(ie.CLASSIC_CONFIG).dataset
    assert (ds.m_train, ds.m_test) == (300, 100)
    assert ds.Y_train.sum() * 2 == ds.m_train and ds.Y_test.sum() * 2 == ds.m_test


def test_classic_zeros_stay_at_a_coin_flip(classic):
    z = classic.loc["zeros"]
    assert z.iterations == ie.CLASSIC_ITERATIONS == 15_000
    assert z.accuracy_train == 0.5 and z.accuracy_test == 0.5
    assert abs(z.cost_train - LN2) < 1e-6 and abs(z.cost_test - LN2) < 1e-6
    assert z.distinct_units == "1, 1"


def test_classic_large_random_starts_with_a_huge_cost(classic):
    large = classic.loc[LARGE.label]
    assert large.first_cost > 10 * LN2
    assert large.first_cost > 5 * classic.loc["He"].first_cost


def test_classic_he_learns(classic):
    he = classic.loc["He"]
    assert he.accuracy_test >= 0.9 and he.cost_train < 0.1
    assert he.distinct_units == "10, 5" and he.diverged_at is None


# ---------------------------------------------------------------- symmetry
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_zeros_keep_one_distinct_unit_per_layer_while_random_and_he_keep_all(activation):
    base = RunConfig(hidden=(6, 4), activation=activation, learning_rate=0.3)
    group = ie.build_lab_group(base, [ZEROS, SMALL, HE])
    for _ in range(4):
        group.step(50)
        group.record()
    for v, expected in zip(group.variants, ([1, 1], [6, 4], [6, 4])):
        h = v.trainer.history
        assert len(h) == 5
        for l, n in enumerate(expected, start=1):
            assert (h[f"distinct_{l}"] == n).all(), (v.label, l, h[f"distinct_{l}"].tolist())
        assert ie.distinct_per_layer(v.trainer.network.params, 2) == expected


def test_constant_start_moves_the_weights_but_the_rows_stay_equal():
    base = RunConfig(hidden=(6, 4), activation="sigmoid", learning_rate=0.5)
    group = ie.build_lab_group(base, [Scheme("constant", 0.5), XAVIER])
    const, xavier = group.trainers
    np.testing.assert_array_equal(const.network.params["W2"], np.full((4, 6), 0.5))
    const.step(2000)
    W1, W2 = const.network.params["W1"], const.network.params["W2"]
    assert np.abs(W1 - 0.5).max() > 1e-2  # it learns something...
    np.testing.assert_allclose(W1, np.broadcast_to(W1[0], W1.shape), rtol=0, atol=1e-12)  # ...as one unit
    np.testing.assert_allclose(W2, np.broadcast_to(W2[0], W2.shape), rtol=0, atol=1e-12)
    assert ie.distinct_per_layer(const.network.params, 2) == [1, 1]
    group.reset()  # Reset goes back to the constant, not to the zeros it was built from
    np.testing.assert_array_equal(const.network.params["W1"], np.full((6, 2), 0.5))


def test_distinct_units_ignores_rounding_only():
    rng = np.random.default_rng(3)
    row = rng.standard_normal(5)
    W, b = np.tile(row, (4, 1)), np.zeros((4, 1))
    assert ie.distinct_units(W, b) == 1
    W[1] += 1e-15
    assert ie.distinct_units(W, b) == 1
    W[2] += 1e-6
    assert ie.distinct_units(W, b) == 2
    assert ie.distinct_units(np.zeros((3, 2)), np.zeros((3, 1))) == 1
    assert ie.distinct_units(rng.standard_normal((7, 3)), np.zeros((7, 1))) == 7
    assert ie.distinct_units(np.ones((3, 2)), np.array([[0.0], [1.0], [0.0]])) == 2  # b counts too


# ---------------------------------------------------------------- schemes and links
def test_schemes_map_onto_configs():
    base = RunConfig()
    assert (ZEROS.config(base).init, ZEROS.config(base).init_scale) == ("zeros", None)
    assert (SMALL.config(base).init, SMALL.config(base).init_scale) == ("random", 0.01)
    assert (LARGE.config(base).init, LARGE.config(base).init_scale) == ("random", 10.0)
    assert (XAVIER.config(base).init, HE.config(base).init) == ("xavier", "he")
    labels = [s.label for s in ie.DEFAULT_SCHEMES]
    assert labels == ["zeros", "random × 0.01", "random × 10", "Xavier", "He"]


def test_scheme_tokens_round_trip_and_bad_ones_are_named():
    every = [*ie.DEFAULT_SCHEMES, Scheme("scaled", 0.3), Scheme("constant", 0.25)]
    for s in every:
        assert ie.parse_scheme(s.token) == s
    schemes, ignored = ie.parse_schemes(["he_normal", "random:0.01", "random:3", "random:5", "bogus",
                                         "random:nan", "random:1000", "glorot_normal", "he"])
    assert schemes == [HE, SMALL, Scheme("scaled", 3.0), XAVIER]
    text = " ".join(ignored)
    for part in ("random:5", "bogus", "random:nan", "random:1000", "'he'"):
        assert part in text
    assert len(ignored) == 5


# ---------------------------------------------------------------- activations per layer
def test_layer_activations_histograms_are_shares():
    tr = build(RunConfig(hidden=(5, 3), activation="tanh")).trainer
    stats = tr.layer_statistics()
    edges = np.linspace(-1, 1, 11)
    snap = ie.layer_activations(stats, edges, 0)
    assert snap.shares.shape == (2, 10)
    np.testing.assert_allclose(snap.shares.sum(axis=1), 1.0)
    np.testing.assert_allclose(snap.std, [stats[0]["A"].std(), stats[1]["A"].std()])
    assert ie.value_range("tanh", []) == (-1.0, 1.0) and ie.value_range("sigmoid", []) == (0.0, 1.0)
    lo, hi = ie.value_range("relu", [np.arange(1001.0)])
    assert lo == 0.0 and 990 < hi < 1000


@pytest.fixture(scope="module")
def deep_tanh():
    base = RunConfig(hidden=(32,) * 6, activation="tanh", learning_rate=0.03)
    return {st.label: st for st in ie.activation_study(base, [SMALL, LARGE, XAVIER], steps=5)}


def test_small_scale_collapses_deep_activations_towards_zero(deep_tanh):
    std = deep_tanh[SMALL.label].start.std
    assert np.all(np.diff(std) < 0) and std[-1] < 1e-6 * std[0]


def test_large_scale_saturates_tanh_and_xavier_keeps_the_layers_alike(deep_tanh):
    assert np.all(deep_tanh[LARGE.label].start.saturated[1:] > 0.8)
    assert np.all(deep_tanh[XAVIER.label].start.saturated < 0.05)
    std = deep_tanh[XAVIER.label].start.std
    assert std.max() < 2 * std.min()
    assert deep_tanh[XAVIER.label].after.iteration == 5


def test_a_diverging_scheme_is_reported_and_keeps_readable_bins():
    base = RunConfig(hidden=(32,) * 6, activation="relu", learning_rate=0.03)
    study = ie.activation_study(base, [LARGE, HE], steps=20)
    large, he = study
    assert large.diverged_at is not None and he.diverged_at is None
    assert np.isfinite(large.edges).all() and large.edges[-1] < 1e100
    # ReLU with He keeps the spread of deep layers within a few times that of the first
    assert he.start.std[-1] > 0.2 * he.start.std[0]


# ---------------------------------------------------------------- figures
def _small_group():
    group = ie.build_lab_group(RunConfig(hidden=(4, 3), activation="tanh"), [ZEROS, SMALL, HE])
    group.step(3)
    group.record()
    return group


def test_training_figure_draws_exact_zeros_on_a_floor():
    group = _small_group()
    norms = [[v.trainer.last_record[f"grad_norm_{l}"] for l in (1, 2, 3)] for v in group.variants]
    fig = figs.training_figure([tr.history for tr in group.trainers], norms, ["zeros", "small", "He"],
                               ["#000000"] * 3)
    assert len(fig.data) == 3 * 2 + 3
    zeros_line = fig.data[6]
    assert list(zeros_line.marker.symbol) == ["circle-open"] * 3  # every zeros gradient is exactly 0
    assert fig.layout.yaxis2.ticktext[0] == "≈ 0" and fig.layout.yaxis2.tickvals[0] == zeros_line.y[0]
    assert list(zeros_line.text) == ["exactly 0"] * 3
    assert all(s == variant_symbol(2) for s in fig.data[8].marker.symbol)  # He's shape, as on its cost curve
    assert [t.showlegend for t in fig.data].count(True) == 3  # one legend entry per scheme


def test_rounding_dust_is_drawn_as_zero_not_as_a_pattern():
    # zeros with sigmoid: gradients and weights of 1e-50 from rounding, next to real ones
    fig = figs.training_figure([], [[1e-50, 3e-48], [1e-2, 4e-3]], ["zeros", "He"], ["#000000"] * 2)
    dust, real = fig.data
    assert list(dust.marker.symbol) == ["circle-open"] * 2 and dust.y[0] == dust.y[1] == fig.layout.yaxis2.tickvals[0]
    assert fig.layout.yaxis2.tickvals[0] >= 1e-3 * 10.0 ** -figs.LOG_DECADES  # the axis is not 48 decades tall
    assert list(real.marker.symbol) == [variant_symbol(1)] * 2
    W = np.array([[1e-50, -2e-50], [1e-50, -2e-50]])
    sym = figs.symmetry_figure([[W]], [[1]], ["zeros"], ["#000000"], [2])
    assert np.nanmax(np.abs(np.asarray(sym.data[0].z, float))) < 1e-30  # neutral, not full colour
    assert sym.layout.xaxis.ticktext[0].endswith("≈0")


def test_symmetry_and_distinct_figures():
    group = _small_group()
    params = [tr.network.params for tr in group.trainers]
    distinct = [ie.distinct_per_layer(p, 2) for p in params]
    fig = figs.symmetry_figure([[p["W1"], p["W2"]] for p in params], distinct, ["zeros", "small", "He"],
                               ["#000000"] * 3, [4, 3])
    assert [t.type for t in fig.data] == ["heatmap", "scatter"] * 2  # per layer: matrices, outlines
    z = np.asarray(fig.data[0].z, float)
    assert z.shape == (4, 3 * 2 + 2)  # three 4×2 blocks, one blank column between neighbours
    assert np.nanmax(np.abs(z)) == 1.0  # each block scaled to its own largest |w|
    below = list(fig.layout.xaxis.ticktext)
    assert below[0] == "1/4 distinct<br>all 0" and below[2].startswith("4/4 distinct")
    assert list(fig.layout.xaxis2.ticktext)[1].startswith("3/3 distinct")
    assert [a.text for a in fig.layout.annotations] == ["zeros", "small", "He"]
    bars = figs.distinct_units_figure(distinct, [4, 3], ["zeros", "small", "He"], ["#000000"] * 3)
    assert [list(t.y) for t in bars.data] == [[1, 1], [4, 3], [4, 3]]


def test_activation_histograms_figure(deep_tanh):
    studies = list(deep_tanh.values())
    fig = figs.activation_histograms_figure(studies, ["#000000"] * 3, steps=5)
    assert len(fig.data) == 2 * len(studies)
    assert np.asarray(fig.data[0].z).shape == (6, ie.N_BINS)
    assert fig.layout.yaxis4.title.text == "after 5: layer"


# ---------------------------------------------------------------- the page
def _page(query: dict | None = None, session: dict | None = None) -> AppTest:
    return open_page("app_pages/init_lab.py", query, session, timeout=TIMEOUT)


def _labels(at) -> list[str]:
    return [v.label for v in at.session_state["init_group"].variants]


def test_page_renders_with_its_controls():
    at = _page()
    for key in ("init_btn_play", "init_btn_step", "init_btn_reset", "init_btn_classic", "init_btn_classic_live"):
        assert at.button(key=key) is not None
    assert at.multiselect(key="init_schemes").value == ["zeros", "small", "scaled", "xavier", "he"]
    assert at.select_slider(key="init_random_scale").value == 10.0
    assert at.select_slider(key="init_speed") is not None
    assert at.slider(key="init_deep_layers").value == 6
    assert _labels(at) == ["zeros", "random × 0.01", "random × 10", "Xavier", "He"]
    assert len(at.get("bidi_component")) >= 3  # live charts: training, weights, distinct units
    assert at.get("plotly_chart"), "activation histograms missing"
    assert at.session_state["init_group"].variants[0].config.init == "zeros"


def test_step_trains_every_scheme_in_lockstep_and_reset_goes_back():
    at = _page()
    at.button(key="init_btn_step").click().run()
    at.button(key="init_btn_step").click().run()
    group = at.session_state["init_group"]
    assert [tr.iteration for tr in group.trainers] == [2, 2, 2, 2, 2]
    assert len({id(v.run.dataset) for v in group.variants}) == 1
    at.button(key="init_btn_reset").click().run()
    assert not at.exception and all(tr.iteration == 0 for tr in at.session_state["init_group"].trainers)


def test_changing_the_schemes_rebuilds_the_runs():
    at = _page()
    at.multiselect(key="init_schemes").set_value(["zeros", "scaled", "constant"]).run()
    at.select_slider(key="init_random_scale").set_value(0.3).run()
    assert not at.exception and _labels(at) == ["zeros", "random × 0.3", "constant 0.5"]
    at.multiselect(key="init_schemes").set_value([]).run()
    assert not at.exception and any("at least one" in w.value for w in at.warning)


def test_rewind_shows_an_earlier_iteration():
    at = _page()
    for _ in range(3):
        at.button(key="init_btn_step").click().run()
    at.select_slider(key="init_rewind").set_value(1).run()
    assert not at.exception and at.select_slider(key="init_rewind").value == 1


def test_a_preset_for_this_page_opens_with_its_config_and_schemes():
    preset = Preset("t", "test", "caption", RunConfig(hidden=(5,), activation="sigmoid", learning_rate=0.3),
                    lab="init_lab", vary=("init", ("zeros", "random", "random:3", "he")))
    at = _page(session={"dl_preset": preset})
    assert at.session_state["dl_config"] == preset.config
    assert "dl_preset" not in at.session_state
    assert _labels(at) == ["zeros", "random × 0.01", "random × 3", "He"]
    assert at.session_state["init_group"].variants[0].run.network.layer_sizes == (2, 5, 1)


@pytest.mark.parametrize("key", sorted(k for k, p in PRESETS.items() if p.lab == "init_lab"))
def test_every_preset_of_this_page_opens(key):
    preset = PRESETS[key]
    at = _page(session={"dl_preset": preset})
    assert at.session_state["dl_config"] == preset.config
    expected = [ie.parse_scheme(v).label for v in preset.vary[1]]
    assert sorted(_labels(at)) == sorted(expected)


def test_link_restores_schemes_and_names_what_it_ignored():
    at = _page({"vary": "init", "values": "zeros,random:3,bogus,he", "hidden": "6", "activation": "relu"})
    assert _labels(at) == ["zeros", "random × 3", "He"]
    assert at.session_state["dl_config"].hidden == (6,)
    assert any("bogus" in w.value for w in at.warning)
    at = _page({"vary": "learning_rate", "values": "0.1,1"})
    assert any("vary" in w.value for w in at.warning)
    assert _labels(at) == [s.label for s in ie.DEFAULT_SCHEMES]


def test_classic_button_shows_the_table(monkeypatch):
    monkeypatch.setattr(ie, "CLASSIC_ITERATIONS", 40)  # the real 15,000 are covered above
    at = _page()
    assert not at.dataframe
    at.button(key="init_btn_classic").click().run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["scheme"]) == [s.label for s in ie.CLASSIC_SCHEMES]
    assert table.loc[0, "accuracy_test"] == 0.5


def test_train_it_live_loads_the_classic_network():
    at = _page()
    at.button(key="init_btn_classic_live").click().run()
    assert not at.exception
    assert at.session_state["dl_config"] == ie.CLASSIC_CONFIG
    assert _labels(at) == [s.label for s in ie.CLASSIC_SCHEMES]
    assert at.session_state["init_group"].variants[0].run.network.layer_sizes == (2, 10, 5, 1)


def test_a_visit_to_another_page_keeps_the_schemes_and_the_training():
    at = _page()
    at.multiselect(key="init_schemes").set_value(["zeros", "he"]).run()
    at.select_slider(key="init_speed").set_value(200).run()
    at.button(key="init_btn_step").click().run()
    group = at.session_state["init_group"]
    at.switch_page("app_pages/home.py").run()  # draws none of the lab's widgets
    at.switch_page("app_pages/init_lab.py").run()
    assert not at.exception
    assert at.multiselect(key="init_schemes").value == ["zeros", "he"]
    assert at.select_slider(key="init_speed").value == 200
    assert at.session_state["init_group"] is group and group.iteration == 1


def test_a_diverging_scheme_is_marked_and_the_others_go_on():
    at = _page({"dataset": "plane", "loss": "mse", "hidden": "16,16", "activation": "relu", "lr": "3",
                "vary": "init", "values": "random:100,he"})
    for _ in range(6):
        at.button(key="init_btn_step").click().run()
    big, he = at.session_state["init_group"].trainers
    assert big.diverged and not he.diverged and he.iteration == 6
    assert not at.exception
    status = live_html_text(at, "dl-status")
    assert f"diverged at {big.diverged_at}" in status and "test R²" in status


def test_cost_axis_labels_keep_apart_on_a_short_plot():
    """Every digit from 0.7 to 4 put 0.7, 0.8 and 0.9 on top of each other at 720 px: labels are kept
    at least a share of the axis apart, round values first."""
    import math

    from descentlab.viz.init_lab import _cost_ticks, _spaced

    ticks = _cost_ticks([0.69, 4.06])
    assert ticks == [0.7, 0.8, 0.9, 1.0, 2.0, 3.0, 4.0]
    for most in (3, 4, 6):
        kept = _spaced(ticks, most)
        logs = [math.log10(t) for t in kept]
        assert 1.0 in kept and 2 <= len(kept) <= most + 1
        assert min(b - a for a, b in zip(logs, logs[1:])) >= (logs[-1] - logs[0]) / most * 0.99 - 1e-12
    assert _spaced(ticks, 50) == ticks  # room for all: all stay
