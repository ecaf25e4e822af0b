"""descentlab.viz.compare: one colour per variant everywhere, stable trace structure, divergence marked, table text."""
import json

import numpy as np
import pandas as pd
import pytest

from descentlab.engine.config import RunConfig
from descentlab.engine.group import build_group
from descentlab.viz import compare as vc
from descentlab.viz.style import Style


@pytest.fixture(scope="module")
def diverged_group():
    """lr 0.01 trains, lr 10 diverges within a few steps (linear net on the plane regression)."""
    group = build_group(RunConfig(dataset="plane", activation="linear", hidden=(8, 8)), "learning_rate", [0.01, 10.0])
    for _ in range(12):
        group.step(1)
        group.record()
    assert [tr.diverged for tr in group.trainers] == [False, True]
    return group


@pytest.fixture(scope="module")
def three():
    group = build_group(RunConfig(hidden=(6,)), "activation", ["sigmoid", "tanh", "relu"])
    for _ in range(4):
        group.step(5)
        group.record()
    return group


def _overlay(group, **kw):
    return vc.cost_overlay_figure([v.label for v in group.variants], [v.trainer.history for v in group.variants],
                                  diverged_at=[v.trainer.diverged_at if v.trainer.diverged else None
                                               for v in group.variants], **kw)


def _boundaries(group, **kw):
    return vc.boundary_grid_figure([v.trainer.decision_grid(24) for v in group.variants],
                                   [v.run.dataset for v in group.variants], [v.label for v in group.variants], **kw)


def test_variant_colours_are_distinct_and_repeat_past_six():
    colors = vc.variant_colors(6)
    assert len(set(colors)) == 6 and vc.variant_colors(7)[6] == colors[0]


def test_cost_overlay_one_colour_per_variant_train_solid_test_dashed(three):
    fig = _overlay(three)
    assert len(fig.data) == 3 * 3 + 2
    colors = vc.variant_colors(3)
    for i, v in enumerate(three.variants):
        train, test, cross = fig.data[3 * i: 3 * i + 3]
        assert train.line.color == test.line.color == cross.marker.color == colors[i]
        assert (train.line.dash, test.line.dash) == ("solid", "dash")
        assert train.showlegend and not test.showlegend and train.legendgroup == test.legendgroup
        np.testing.assert_allclose(np.asarray(train.y, float), v.trainer.history["cost_train"], rtol=1e-6)
        assert len(cross.x) == 0  # nobody diverged
    assert [t.name for t in fig.data[-2:]] == ["train", "test"]
    json.loads(fig.to_json())


def test_cost_overlay_marks_divergence_and_log_axis_drops_non_positive(diverged_group):
    fig = _overlay(diverged_group, log_y=True)
    bad = diverged_group.trainers[1]
    cross = fig.data[5]
    assert list(cross.x) == [int(bad.history["iteration"].iloc[-1])]
    assert fig.layout.yaxis.type == "log"
    assert all(np.all(~np.isfinite(np.asarray(t.y, float)) | (np.asarray(t.y, float) > 0)) for t in fig.data[:-2])
    assert _overlay(diverged_group).layout.yaxis.type == "linear"


def test_cost_overlay_structure_is_stable_across_frames(three):
    before = [(t.type, t.name) for t in _overlay(three).data]
    three.step(3)
    three.record()
    assert [(t.type, t.name) for t in _overlay(three).data] == before


def test_long_histories_are_thinned():
    h = pd.DataFrame({"iteration": np.arange(5000), "cost_train": np.linspace(1, 0.1, 5000),
                      "cost_test": np.linspace(1, 0.2, 5000)})
    fig = vc.cost_overlay_figure(["a"], [h])
    assert len(fig.data[0].x) <= vc.OVERLAY_POINTS + 1 and fig.data[0].x[-1] == 4999


@pytest.mark.parametrize("n, shape", [(1, (1, 1)), (2, (1, 2)), (3, (1, 3)), (4, (2, 3)), (6, (2, 3))])
def test_grid_shape(n, shape):
    assert vc.grid_shape(n) == shape


def test_boundary_grid_one_subplot_per_variant_in_its_colour(three):
    fig = _boundaries(three, notes=[None, "diverged at 7", None])
    colors = vc.variant_colors(3)
    titles = [a.text for a in fig.layout.annotations]
    assert titles[1].endswith("diverged at 7") and "tanh" in titles[1]
    assert [a.font.color for a in fig.layout.annotations] == colors
    assert [s.line.color for s in fig.layout.shapes] == colors  # each subplot framed in its colour
    pictures = fig.layout.images
    assert len(pictures) == 3 and [(p.xref, p.yref) for p in pictures] == [("x", "y"), ("x2", "y2"), ("x3", "y3")]
    assert len({p.source for p in pictures}) == 3  # each variant's own surface
    points = [t for t in fig.data if t.hoverinfo != "skip"]
    assert {t.xaxis for t in points} == {"x", "x2", "x3"}
    assert not any(t.showlegend for t in fig.data) and not fig.layout.showlegend  # the caption names the classes
    assert fig.layout.yaxis2.scaleanchor == "x2"
    json.loads(fig.to_json())


def test_boundary_grid_height_follows_the_rows(three):
    one_row = _boundaries(three, cell=200)
    two_rows = vc.boundary_grid_figure([three.trainers[0].decision_grid(24)] * 4, [three.variants[0].run.dataset] * 4,
                                       list("abcd"), cell=200)
    assert one_row.layout.height < two_rows.layout.height
    assert two_rows.layout.height > 2 * 200
    big = _boundaries(three, style=Style(presentation=True))
    assert big.layout.annotations[0].font.size > one_row.layout.annotations[0].font.size
    # the page sizes the cost chart beside it from boundary_grid_height, without building the figure
    assert vc.boundary_grid_height(3, 200) == one_row.layout.height
    assert vc.boundary_grid_height(4, 200) == two_rows.layout.height
    assert vc.boundary_grid_height(3, 300, Style(presentation=True)) == _boundaries(
        three, cell=300, style=Style(presentation=True)).layout.height


def test_boundary_grid_for_regression_shares_one_colour_axis(diverged_group):
    fig = _boundaries(diverged_group)
    assert fig.layout.coloraxis.colorbar is not None
    assert not any(t.showlegend for t in fig.data)


def test_summary_rows_mark_divergence_and_format_numbers(diverged_group):
    summary = diverged_group.summary(target_cost=1e9)
    rows = vc.summary_rows(summary, "regression")
    bad = diverged_group.trainers[1]
    assert rows["Diverged"].tolist() == ["no", f"diverged at {bad.diverged_at}"]
    assert rows["Iterations to target"].tolist()[0] == "0"
    assert "Test R²" in rows.columns and rows["Wall time"].str.endswith(" s").all()
    none_reached = vc.summary_rows(diverged_group.summary(target_cost=0.0), "regression")
    assert none_reached["Iterations to target"].tolist() == ["not yet", "not yet"]


def test_summary_html_swatches_best_value_and_escaping(three):
    summary = three.summary(0.5)
    summary.loc[0, "variant"] = "<script>x</script>"
    page = vc.summary_html(summary, task="binary")
    assert "<script>" not in page and "&lt;script&gt;" in page
    for color in vc.variant_colors(3):
        assert f"background:{color}" in page
    best = int(np.argmin(summary["cost_test"]))
    cells = page.split("<tr>")[2 + best]  # header row first
    assert 'class="cmp-best"' in cells
    assert "cmp-big" in vc.summary_html(summary, presentation=True)


def test_summary_html_never_calls_a_diverged_variant_best(diverged_group):
    summary = diverged_group.summary()
    summary.loc[1, "cost_test"] = -1.0  # even if its last cost looked best
    page = vc.summary_html(summary, task="regression")
    diverged_row = page.split("<tr>")[3]
    assert "cmp-best" not in diverged_row and "cmp-diverged" in diverged_row


def test_boundary_grid_with_a_data_field_varied_uses_each_variants_data():
    group = build_group(RunConfig(hidden=(4,)), "normalization", ["none", "standardize"])
    datasets = [v.run.dataset for v in group.variants]
    assert datasets[0] is not datasets[1]
    fig = vc.boundary_grid_figure([v.trainer.decision_grid(16) for v in group.variants] * 2, datasets * 2,
                                  ["a", "b", "c", "d"])
    assert len(fig.layout.images) == 4
    points = [t for t in fig.data if t.hoverinfo != "skip"]
    assert {t.type for t in points} == {"scattergl"}  # points over a changing picture: WebGL
    assert [t.xaxis for t in points] == ["x", "x", "x2", "x2", "x3", "x3", "x4", "x4"]


def test_without_its_legend_the_overlay_leaves_the_key_to_the_page(three):
    fig = _overlay(three, legend=False)
    assert len(fig.data) == 3 * 3 and not fig.layout.showlegend
    key = vc.legend_html(["a<b", "tanh", "ReLU"], vc.variant_colors(3))
    assert "a&lt;b" in key and "a<b" not in key
    # each variant's key is its line in its colour (with its marker shape: see test_variants.py)
    assert [f'stroke="{c}"' in key for c in vc.variant_colors(3)] == [True] * 3
    assert "train" in key and "cmp-dashed" in key
    assert "cmp-big" in vc.legend_html(["a"], presentation=True)
