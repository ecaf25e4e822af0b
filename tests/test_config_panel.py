"""The sidebar's choice lists are the engine's registries: what the engine can build, the panel offers,
and a name added to a registry shows up without touching descentlab.ui.config_panel."""
import pytest

from descentlab.engine import features, optimizers
from descentlab.engine.activations import ACTIVATIONS
from descentlab.engine.datasets import DATASETS
from descentlab.engine.initializers import (
    INITIALIZER_LABELS,
    INITIALIZERS,
    initializer_choices,
)
from descentlab.engine.optimizers import (
    OPTIMIZER_OPTIONS,
    OPTIMIZERS,
    SCHEDULES,
    Momentum,
)

from .pages import open_page

PLAYGROUND = "app_pages/playground.py"


def _options(at, field):
    return at.selectbox(key=f"cfg_{field}").options


def _sliders(at) -> set[str]:
    return {s.key for s in at.slider if s.key in ("cfg_momentum", "cfg_rho", "cfg_beta1", "cfg_beta2")}


def test_initializer_choices_name_every_initializer_once():
    names = initializer_choices()
    assert len(set(names)) == len(names) == len({INITIALIZERS[n] for n in names})
    assert {INITIALIZERS[n] for n in names} == set(INITIALIZERS.values())
    assert names == ("zeros", "random", "uniform", "xavier", "glorot_uniform", "he", "he_uniform", "lecun_normal")


def test_the_sidebars_options_are_the_engines_registries():
    at = open_page(PLAYGROUND)
    assert _options(at, "init") == [INITIALIZER_LABELS[n] for n in initializer_choices()]
    assert _options(at, "optimizer") == list(OPTIMIZERS)
    assert _options(at, "schedule") == [optimizers.SCHEDULE_LABELS.get(n, n) for n in SCHEDULES]
    assert _options(at, "normalization") == list(features.NORMALIZATIONS)
    assert len(_options(at, "dataset")) == len(DATASETS) + 1  # and "draw" (a "csv" once one is uploaded)
    assert len(_options(at, "activation")) == len(ACTIVATIONS)


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZER_OPTIONS))
def test_each_optimizer_shows_the_sliders_of_the_options_it_reads(optimizer):
    at = open_page(PLAYGROUND, {"optimizer": optimizer})
    shown = {k.removeprefix("cfg_") for k in _sliders(at)}
    assert shown == set(OPTIMIZER_OPTIONS[optimizer]) - {"epsilon"}


def test_a_name_added_to_an_engine_registry_shows_in_the_sidebar(monkeypatch):
    heavy_ball = type("HeavyBall", (Momentum,), {"name": "heavy_ball"})
    monkeypatch.setitem(OPTIMIZERS, "heavy_ball", heavy_ball)
    monkeypatch.setitem(OPTIMIZER_OPTIONS, "heavy_ball", ("momentum",))
    monkeypatch.setitem(INITIALIZERS, "tiny", lambda n_out, n_in, rng, scale=None: 1e-3 * rng.standard_normal((n_out, n_in)))
    monkeypatch.setitem(INITIALIZER_LABELS, "tiny", "Tiny normal")
    monkeypatch.setattr(optimizers, "SCHEDULES", SCHEDULES + ("cosine",))
    monkeypatch.setattr(features, "NORMALIZATIONS", features.NORMALIZATIONS + ("max_abs",))
    at = open_page(PLAYGROUND)
    assert _options(at, "optimizer")[-1] == "heavy_ball" and _options(at, "init")[-1] == "Tiny normal"
    assert _options(at, "schedule")[-1] == "cosine" and _options(at, "normalization")[-1] == "max_abs"
    at.selectbox(key="cfg_optimizer").set_value("heavy_ball").run()
    assert not at.exception, [e.value for e in at.exception]
    assert _sliders(at) == {"cfg_momentum"}  # the options it reads, from the engine
    assert at.session_state["dl_config"].optimizer == "heavy_ball"
    assert isinstance(at.session_state["dl_run"].trainer.optimizer, heavy_ball)


@pytest.mark.parametrize("batch", ["50", "3"])
def test_a_linked_batch_size_off_the_sliders_grid_is_kept(batch):
    at = open_page(PLAYGROUND, {"batch_size": batch})
    slider = at.select_slider(key="cfg_batch_size")
    assert slider.value == int(batch) and slider.options[-1] == "all"
    assert at.session_state["cfg_batch_size"] == int(batch)


def test_every_schedule_reads_as_its_formula_in_the_sidebar():
    at = open_page(PLAYGROUND)
    shown = [optimizers.SCHEDULE_LABELS[name] for name in SCHEDULES]
    assert _options(at, "schedule") == shown and all("α₀" in label for label in shown)
