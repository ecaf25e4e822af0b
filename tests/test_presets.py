"""Every preset builds and shows what its caption promises, at least in its first steps."""
import numpy as np
import pytest

from descentlab.engine.build import build
from descentlab.engine.config import RunConfig
from descentlab.engine.presets import LABS, PRESETS
from descentlab.lessons.init_experiments import (
    build_lab_group,
    distinct_per_layer,
    parse_scheme,
)


@pytest.mark.parametrize("key", sorted(PRESETS))
def test_preset_builds_trains_and_varies_a_real_field(key):
    preset = PRESETS[key]
    assert preset.key == key and preset.title and preset.caption.count("\n") == 1
    assert preset.lab in LABS and (preset.lab == "playground" or preset.vary)  # labs need a vary
    run = build(preset.config)
    run.trainer.step(20)
    assert run.trainer.iteration == 20 or run.trainer.diverged
    if preset.vary:
        field, values = preset.vary
        assert len(values) >= 2 and hasattr(preset.config, field)
        if preset.lab == "init_lab":  # the lab's scheme tokens ("random", "constant:0.5", ...)
            assert len(build_lab_group(preset.config, [parse_scheme(v) for v in values]).variants) == len(values)
        else:
            for value in values:
                build(preset.config.replace(**{field: value}))  # every variant is a valid config


def test_symmetry_preset_shows_what_its_caption_says():
    """Zeros: nothing moves. Constant: W moves, its rows stay identical. Random: distinct units."""
    preset = PRESETS["symmetry"]
    group = build_lab_group(preset.config, [parse_scheme(v) for v in preset.vary[1]])
    start = [v.run.network.params["W1"].copy() for v in group.variants]
    group.step(200)
    (zeros, constant, random, xavier) = group.variants
    moved = [float(np.abs(v.run.network.params["W1"] - w0).max()) for v, w0 in zip(group.variants, start)]
    assert moved[0] < 1e-12 and moved[1] > 1e-3, moved  # zeros: gradients of 0 up to rounding
    for v, one in ((zeros, True), (constant, True), (random, False), (xavier, False)):
        counts = distinct_per_layer(v.run.network.params, 2)
        assert (counts == [1, 1]) == one, (v.label, counts)


def test_zero_init_preset_is_stuck_and_he_learns():
    base = PRESETS["zero_vs_random"].config
    zeros = build(base).trainer
    zeros.step(300)
    assert zeros.last_record["cost_train"] == pytest.approx(np.log(2), abs=1e-9)
    he = build(base.replace(init="he")).trainer
    he.step(3000)
    assert he.last_record["cost_train"] < zeros.last_record["cost_train"]


def test_vanishing_preset_first_layer_gradient_is_tiny():
    tr = build(PRESETS["vanishing"].config).trainer
    tr.step(5)
    row = tr.last_record
    assert row["grad_norm_1"] < 1e-2 * row["grad_norm_9"]


def test_dead_relu_preset_kills_units():
    tr = build(PRESETS["dead_relus"].config).trainer
    tr.step(200)
    row = tr.last_record
    assert tr.diverged or max(row["dead_1"], row["dead_2"]) > 0.2


def test_default_preset_is_the_default_config():
    assert PRESETS["default"].config == RunConfig()


def test_every_lab_kind_has_a_page():
    from descentlab.ui import pages

    assert {pages.for_lab(lab).lab for lab in LABS} == set(LABS)


def test_learning_rate_preset_shows_too_small_right_and_too_large_on_its_own_data():
    """The preset's own sweep (16 rates over its range), trained as the page trains it for ~10 s of Play
    (5,000 iterations): the smallest crawls, the marked middle converges, the largest blows up."""
    from descentlab.engine.sweep import lr_grid, sweep_from_config

    preset = PRESETS["learning_rates"]
    small, right, large = preset.vary[1]
    rates = lr_grid(small, large, 16)
    sweep = sweep_from_config(preset.config.replace(record_every=10**6), list(rates) + [right])
    start = sweep.final().cost_train.iloc[0]
    sweep.step(5000)
    final = sweep.final()
    costs, accuracy, diverged = final.cost_train.to_numpy(), final.accuracy.to_numpy(), final.diverged.to_numpy()
    best = costs[~diverged].min()
    assert costs[0] > 10 * best and accuracy[0] < 0.9      # too small: still far from the best
    assert costs[-1] < 0.05 and accuracy[-1] >= 0.95        # right: converged
    assert diverged[15] and 0 <= final.diverged_at.iloc[15] < 500  # too large: blown up, early
    assert costs[0] < start                                 # (too small does move, slowly)
    best_k = int(np.argmin(np.where(diverged, np.inf, costs)[:16]))
    assert 4 <= best_k <= 12, rates[best_k]                 # the best rate is in the middle, not an end
