"""viz/: every figure builder returns the traces it promises, with small payloads and a stable structure."""
import ast
import base64
import io
import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from PIL import Image
from plotly.subplots import make_subplots

from descentlab import viz
from descentlab.engine.build import build
from descentlab.engine.config import RunConfig
from descentlab.engine.network import Network
from descentlab.viz import blocks as viz_blocks
from descentlab.viz import compare as viz_compare
from descentlab.viz import (
    figure,
    network_diagram,
    one_neuron,
    png,
    series,
    style,
    training,
    weights,
)
from descentlab.viz import lr_explorer as viz_lr

from .pages import resolve_same

DS = {"binary": "circles", "multiclass": "blobs3", "regression": "plane", "image": "shapes"}


@pytest.fixture(scope="module")
def runs():
    out = {}
    for kind, name in DS.items():
        run = build(RunConfig(dataset=name, hidden=(6, 4), n_samples=200 if kind == "image" else 400))
        run.trainer.step(20)
        out[kind] = run
    return out


def _payload(fig: go.Figure) -> dict:
    return json.loads(fig.to_json())


def _structure(fig: go.Figure) -> list:
    return [(t.type, t.name) for t in fig.data]


def _all_figures(run) -> dict:
    tr, ds, net = run.trainer, run.dataset, run.network
    snaps = [(i, tr.params_at(i)) for i in tr.snapshots.iterations]
    figs = {
        "cost": viz.cost_figure(tr.history, ds.task),
        "gradient": viz.gradient_figure(tr.history),
        "update_ratio": viz.update_ratio_figure(tr.history),
        "health": viz.unit_health_figure(tr.history),
        "activation": viz.activation_figure(net.activations[1], tr.layer_statistics()),
        "weights_time": viz.weights_over_time_figure(snaps, 1),
        "weights_hist": viz.weight_histogram_figure(net.params, net.L),
        "weights_matrix": viz.weight_matrix_figure(net.params[f"W{net.L}"], net.L),
        "blocks": viz_blocks.blocks_figure(net, ds.m_train),
    }
    if ds.points_train is not None:
        figs["decision"] = viz.decision_figure(tr.decision_grid(100), ds)
        figs["decision_traced"] = viz.decision_figure(tr.decision_grid(100), ds, mark=tuple(ds.points_train[:, 0]))
        figs["unit"] = viz.decision_figure(tr.unit_grid(1, 2, 100), ds)  # a unit shown big
        figs["network"] = viz.network_figure(net, tr.unit_grids(20), "iteration 20", ds.feature_names, ds.task,
                                             ds.class_names)
        figs["network_shown"] = viz.network_figure(net, tr.unit_grids(20), dataset=ds, values=False, shown=(1, 2))
        figs["network_controls"] = viz.network_figure(net, tr.unit_grids(20), dataset=ds, values=False,
                                                      inputs=("x1", "x2"), controls=True)  # every feature, + / −
    else:
        figs["images"] = viz.images_figure(ds, net.forward(ds.X_test), n=6)
        figs["first_layer"] = viz.first_layer_weights_figure(net.params["W1"], ds.image_shape, n=4)
        figs["network"] = viz.network_figure(net, None, feature_names=ds.feature_names)
    return figs


# ---------------------------------------------------------------- every builder, every kind of data
@pytest.mark.parametrize("kind", list(DS))
def test_every_figure_serializes_and_keeps_its_structure_across_frames(runs, kind):
    run = runs[kind]
    before = _all_figures(run)
    for name, fig in before.items():
        assert isinstance(fig, go.Figure), name
        json.loads(fig.to_json())  # serializes, and is valid JSON
        assert fig.layout.uirevision, name
        assert fig.layout.paper_bgcolor == "rgba(0,0,0,0)", name
    run.trainer.step(5)  # a later frame: same traces in the same order, so Plotly.react updates in place
    after = _all_figures(run)
    for name in before:
        assert _structure(after[name]) == _structure(before[name]), name


# ---------------------------------------------------------------- style
def test_presentation_style_is_bigger_and_dark_style_changes_ink(runs):
    h = runs["binary"].trainer.history
    normal, big = viz.cost_figure(h, "binary"), viz.cost_figure(h, "binary", style=viz.Style(presentation=True))
    assert big.layout.font.size >= 20 > normal.layout.font.size
    assert big.layout.height > normal.layout.height
    tick = lambda fig: fig.layout.template.layout.xaxis.tickfont.size  # axis defaults live in the template
    assert tick(big) > tick(normal)
    assert big.data[0].line.width > normal.data[0].line.width
    dark = viz.cost_figure(h, "binary", style=viz.Style(dark=True))
    assert dark.layout.font.color != normal.layout.font.color
    assert dark.layout.template.layout.yaxis.gridcolor != normal.layout.template.layout.yaxis.gridcolor
    assert normal.layout.legend.orientation == "h" and normal.layout.legend.y >= 1


def test_apply_style_uses_an_empty_template_to_keep_frames_small():
    fig = viz.apply_style(go.Figure(go.Scatter(x=[1, 2], y=[3, 4])), viz.Style(font_size=17), title="T")
    # with a legend the title is the legend's (viz.style.style_layout says why)
    assert fig.layout.font.size == 17 and fig.layout.legend.title.text == "T"
    assert len(json.dumps(_payload(fig)["layout"]["template"])) < 600


# ---------------------------------------------------------------- training curves
def test_cost_figure_curves_axes_and_log(runs):
    h = runs["binary"].trainer.history
    fig = viz.cost_figure(h, "binary")
    assert [t.type for t in fig.data] == ["scatter"] * 5  # and the weights set by hand (none here)
    np.testing.assert_array_equal(fig.data[0].x, h.iteration.to_numpy())
    np.testing.assert_allclose(fig.data[0].y, h.cost_train, rtol=1e-6)
    assert [t.yaxis for t in fig.data] == ["y", "y", "y2", "y2", "y"]
    assert tuple(fig.layout.yaxis2.range) == (0, 1.02)
    assert viz.cost_figure(h, "binary", log_y=True).layout.yaxis.type == "log"
    reg = viz.cost_figure(runs["regression"].trainer.history, "regression")
    assert "R²" in reg.data[2].name
    np.testing.assert_allclose(reg.data[2].y, runs["regression"].trainer.history.r2_train, rtol=1e-5)


def test_long_histories_are_thinned_for_display():
    h = pd.DataFrame({"iteration": np.arange(9000), "cost_train": np.linspace(1, 0.1, 9000)})
    fig = viz.cost_figure(h, "binary")
    assert len(fig.data[0].x) <= 2001 and fig.data[0].x[-1] == 8999
    assert np.isnan(fig.data[1].y).all()  # a missing column is an all-NaN trace, not a missing trace


def test_gradient_and_update_ratio_figures(runs):
    h = runs["binary"].trainer.history
    L = runs["binary"].network.L
    fig = viz.gradient_figure(h)
    assert len(fig.data) == 2 * L
    assert fig.layout.yaxis.type == "log" and fig.layout.yaxis2.type == "log"
    np.testing.assert_allclose(fig.data[0].y[1:], h.grad_norm_1[1:], rtol=1e-6)
    assert any(sh.y0 == 1e-3 == sh.y1 for sh in fig.layout.shapes)  # the 1e-3 reference line
    assert len(viz.gradient_figure(h, with_update_ratio=False).data) == L
    ur = viz.update_ratio_figure(h)
    assert [t.name for t in ur.data] == [f"layer {l}" for l in range(1, L + 1)]


def test_unit_health_figure(runs):
    h = runs["binary"].trainer.history
    fig = viz.unit_health_figure(h)
    assert len(fig.data) == 3 * 2  # dead, saturated, distinct for 2 hidden layers
    np.testing.assert_array_equal(fig.data[4].y, h.distinct_1)
    run = build(RunConfig(hidden=()))  # logistic regression: no hidden layer
    empty = viz.unit_health_figure(run.trainer.history)
    assert len(empty.data) == 0 and "no hidden layers" in empty.layout.annotations[0].text


# ---------------------------------------------------------------- decision boundary
@pytest.mark.parametrize("kind, discretize", [("binary", False), ("binary", True), ("multiclass", False),
                                              ("regression", False)])
def test_the_surface_png_holds_exactly_the_surface_pixels(runs, kind, discretize):
    """An indexed PNG where the colours come from one scale, RGB where they mix: either way the
    browser gets surface_rgb's pixels, colour for colour."""
    run = runs[kind]
    grid = run.trainer.decision_grid(40)
    source = viz.boundary.surface_png(grid, run.dataset.task, discretize, value_range=(-1.0, 2.0))
    raw = base64.b64decode(source.removeprefix("data:image/png;base64,"))
    with Image.open(io.BytesIO(raw)) as img:
        assert img.mode == ("RGB" if kind == "multiclass" else "P")
        drawn = np.asarray(img.convert("RGB"))[::-1]
    np.testing.assert_array_equal(drawn, viz.boundary.surface_rgb(grid, run.dataset.task, discretize, (-1.0, 2.0)))


def _surface_png(fig) -> np.ndarray:
    """The decision surface as drawn: the layout image's PNG, rows back in x2 order."""
    (image,) = fig.layout.images
    raw = base64.b64decode(image.source.removeprefix("data:image/png;base64,"))
    return np.asarray(Image.open(io.BytesIO(raw)).convert("RGB"))[::-1]


def test_decision_binary_surface_image_points_and_payload(runs):
    run = runs["binary"]
    grid = run.trainer.decision_grid(100)
    fig = viz.decision_figure(grid, run.dataset)
    assert [t.type for t in fig.data] == ["scatter"] * 6
    assert [t.name for t in fig.data[:5]] == ["class 0", "class 1", "class 0 (test)", "class 1 (test)", "test"]
    # the legend: one entry per class, one for the test points' shape (a narrow chart keeps one row)
    assert [t.showlegend is not False for t in fig.data[:5]] == [True, True, False, False, True]
    assert fig.data[5].marker.showscale and fig.data[5].showlegend is False  # the P(y=1) colour bar
    assert fig.data[0].marker.symbol != fig.data[2].marker.symbol  # test points look different
    assert sum(len(t.x) for t in fig.data[:2]) == run.dataset.m_train
    np.testing.assert_array_equal(_surface_png(fig), viz.boundary.surface_rgb(grid, "binary"))
    image = fig.layout.images[0]
    assert image.layer == "below" and (image.xref, image.yref) == ("x", "y")
    # the image covers exactly the axes' ranges (the grid's cells)
    assert image.x == fig.layout.xaxis.range[0] and image.y == fig.layout.yaxis.range[1]
    assert image.x + image.sizex == pytest.approx(fig.layout.xaxis.range[1])
    size = len(fig.to_json())
    print(f"\ndecision figure JSON at resolution 100 (binary): {size / 1000:.1f} kB")
    assert size < 60_000
    assert fig.layout.yaxis.scaleanchor == "x"
    assert (fig.layout.xaxis.title.text, fig.layout.yaxis.title.text) == run.dataset.feature_names
    no_test = viz.decision_figure(grid, run.dataset, show_test=False)
    assert len(no_test.data) == 3
    assert [t.name for t in viz.decision_figure(grid, run.dataset, points="none").data] == ["P(y=1)"]


def test_points_are_redrawn_only_when_they_change(runs):
    """layout.datarevision fingerprints the points: same points, same revision (Plotly then redraws
    the surface image alone); other points, another revision."""
    run = runs["binary"]
    a = viz.decision_figure(run.trainer.decision_grid(30), run.dataset)
    run.trainer.step(5)
    b = viz.decision_figure(run.trainer.decision_grid(30), run.dataset)
    assert a.layout.datarevision == b.layout.datarevision
    assert a.layout.images[0].source != b.layout.images[0].source
    assert viz.decision_figure(run.trainer.decision_grid(30), run.dataset,
                               show_test=False).layout.datarevision != a.layout.datarevision
    other = build(RunConfig(n_samples=40, data_seed=3)).dataset
    assert viz.decision_figure(run.trainer.decision_grid(30), other).layout.datarevision != a.layout.datarevision


def test_discretize_gives_two_levels():
    ds = build(RunConfig(n_samples=40)).dataset
    x = np.linspace(-1, 1, 50)
    grid = {"x1": x, "x2": x, "output": np.tile(np.linspace(0, 1, 50, dtype=np.float32), (50, 1))}
    smooth = viz.boundary.surface_rgb(grid, "binary")
    hard = viz.boundary.surface_rgb(grid, "binary", discretize=True)
    assert len(np.unique(smooth.reshape(-1, 3), axis=0)) > 10
    colours = np.unique(hard.reshape(-1, 3), axis=0)
    assert len(colours) == 2
    np.testing.assert_array_equal((hard == colours[1]).all(axis=2) | (hard == colours[0]).all(axis=2), True)
    np.testing.assert_array_equal((hard == hard[0, -1]).all(axis=2), grid["output"] > 0.5)
    assert not any(t.marker.showscale for t in viz.decision_figure(grid, ds, discretize=True).data)


def test_decision_multiclass_is_an_rgb_image(runs):
    run = runs["multiclass"]
    grid = run.trainer.decision_grid(60)
    fig = viz.decision_figure(grid, run.dataset)
    assert [t.type for t in fig.data] == ["scatter"] * 7  # 3 classes, train and test, the test legend entry
    z = _surface_png(fig)
    assert z.shape == (60, 60, 3)
    np.testing.assert_array_equal(z, viz.boundary._pale(viz.boundary.class_mix_image(grid["output"])))
    hard = _surface_png(viz.decision_figure(grid, run.dataset, discretize=True))
    colours = {tuple(viz.boundary._pale(np.array(viz.style.hex_to_rgb(viz.class_color(c))))) for c in range(3)}
    assert {tuple(p) for p in hard.reshape(-1, 3)} <= colours
    # a pixel that is surely class c gets exactly class c's colour
    sure = np.zeros((3, 2, 2), np.float32)
    sure[2] = 1
    assert tuple(viz.boundary.class_mix_image(sure)[0, 0]) == viz.style.hex_to_rgb(viz.class_color(2))
    print(f"\ndecision figure JSON at resolution 100 (multiclass): "
          f"{len(viz.decision_figure(run.trainer.decision_grid(100), run.dataset).to_json()) / 1000:.1f} kB")


def test_decision_regression_colours_points_and_surface_on_one_scale(runs):
    run = runs["regression"]
    grid = run.trainer.decision_grid(100)
    fig = viz.decision_figure(grid, run.dataset)
    assert [t.type for t in fig.data] == ["scatter", "scatter"]
    assert fig.data[0].marker.coloraxis == "coloraxis"
    np.testing.assert_allclose(fig.data[0].marker.color, run.dataset.Y_train[0], rtol=1e-6)
    lo, hi = fig.layout.coloraxis.cmin, fig.layout.coloraxis.cmax
    lut = viz.boundary._pale(viz.style.scale_lut(viz.style.SEQUENTIAL_SCALE, 256))
    out = np.asarray(grid["output"], float)
    i, j = np.unravel_index(np.argmax(out), out.shape)
    want = lut[int(round(np.clip((out[i, j] - lo) / (hi - lo), 0, 1) * 255))]
    np.testing.assert_array_equal(_surface_png(fig)[i, j], want)
    surface_only = viz.decision_figure(grid, run.dataset, points="none")
    assert surface_only.data[0].marker.coloraxis == "coloraxis"  # the colour bar stays
    print(f"\ndecision figure JSON at resolution 100 (regression): {len(fig.to_json()) / 1000:.1f} kB")


@pytest.mark.parametrize("activation, lo, hi", [("tanh", -1, 1), ("relu", 0, None), ("sigmoid", 0, 1),
                                                ("linear", None, None), ("leaky_relu", None, None)])
def test_a_units_figure_names_it_and_spans_its_activations_range(activation, lo, hi):
    """A hidden unit shown big: its title names it, its colour bar spans the activation's range (tanh
    −1..1 diverging, ReLU 0..max sequential, sigmoid 0..1, linear symmetric around 0) and the surface
    is its output on that scale; the points stay on top."""
    run = build(RunConfig(dataset="circles", hidden=(6, 4), activation=activation, n_samples=200))
    run.trainer.step(30)
    grid = run.trainer.unit_grid(2, 2, 100)
    fig = viz.decision_figure(grid, run.dataset)
    formula = {"tanh": "tanh(z[2]₃)", "relu": "ReLU(z[2]₃)", "sigmoid": "σ(z[2]₃)", "linear": "z[2]₃",
               "leaky_relu": "LeakyReLU(z[2]₃)"}[activation]
    assert fig.layout.legend.title.text == f"a[2]₃ = {formula} over the input plane"
    assert [t.name for t in fig.data] == ["class 0", "class 1", "class 0 (test)", "class 1 (test)", "test", "a"]
    bar = fig.data[-1].marker
    assert bar.showscale
    a = np.asarray(grid["output"], float)
    top = float(a.max()) if activation == "relu" else float(np.abs(a).max())
    want_lo = lo if lo is not None else -bar.cmax
    want_hi = hi if hi is not None else series.nice_ceiling(top)
    assert (bar.cmin, bar.cmax) == (want_lo, want_hi) and bar.cmin <= a.min() <= a.max() <= bar.cmax
    if hi is None:  # an unbounded end: a stepped ceiling of the largest value, at most a fifth above it
        assert top <= bar.cmax <= 1.25 * top
    scale = {"tanh": style.DIVERGING_SCALE, "relu": style.SEQUENTIAL_SCALE, "sigmoid": style.BINARY_SCALE}.get(
        activation, style.DIVERGING_SCALE)
    lut = viz.boundary._pale(style.scale_lut(scale, 256))
    np.testing.assert_array_equal(_surface_png(fig), lut[np.rint(np.clip((a - bar.cmin) / (bar.cmax - bar.cmin), 0, 1)
                                                                  * 255).astype(int)])
    assert bar.colorscale[0][1] == "rgb({},{},{})".format(*lut[0])  # the bar shows the surface's colours
    assert bar.colorscale[-1][1] == "rgb({},{},{})".format(*lut[-1])


def test_output_units_shown_big_multiclass_and_regression(runs):
    run = runs["multiclass"]  # a softmax unit: 0..1, neutral to its class's colour
    fig = viz.decision_figure(run.trainer.unit_grid(3, 1, 60), run.dataset)
    assert fig.layout.legend.title.text == "a[3]₂ = softmax(z[3])₂ over the input plane"
    assert (fig.data[-1].marker.cmin, fig.data[-1].marker.cmax) == (0, 1)
    assert fig.data[-1].marker.colorscale[-1][1] == "rgb({},{},{})".format(
        *viz.boundary._pale(np.array(style.hex_to_rgb(viz.class_color(1)))))
    run = runs["regression"]  # ŷ is linear: symmetric around 0; the points' colour axis gives up its bar
    fig = viz.decision_figure(run.trainer.unit_grid(3, 0, 60), run.dataset)
    assert fig.layout.title.text == "a[3]₁ = z[3]₁ over the input plane"
    assert fig.data[-1].marker.cmin == -fig.data[-1].marker.cmax and fig.layout.coloraxis.showscale is False
    assert fig.data[0].marker.coloraxis == "coloraxis"
    big = viz.decision_figure(run.trainer.unit_grid(3, 0, 60), run.dataset, style=style.Style(presentation=True))
    assert big.layout.title.text == "a[3]₁ = z[3]₁"  # a projector's type: the short title


def test_a_click_on_a_unit_names_it_and_the_shown_unit_is_framed(runs):
    run = runs["binary"]
    net, tr = run.network, run.trainer  # layer sizes 2, 6, 4, 1
    assert network_diagram.clicked_unit(net, {"curveNumber": 1, "pointIndex": 0}) == (1, 0)
    assert network_diagram.clicked_unit(net, {"curveNumber": 1, "pointIndex": 8}) == (2, 2)
    assert network_diagram.clicked_unit(net, {"curveNumber": 1, "pointIndex": 10}) == (3, 0)
    for other in ({"curveNumber": 0, "pointIndex": 1}, {"curveNumber": 3, "pointIndex": 1}, None, {},
                  {"curveNumber": 1, "pointIndex": 11}):
        assert network_diagram.clicked_unit(net, other) is None
    fig = viz.network_figure(net, tr.unit_grids(24), dataset=run.dataset, values=False)
    units = fig.data[network_diagram.UNITS_TRACE]
    assert units.name == "units" and [tuple(units.customdata[8])] == [(2, 3)]  # layer 2, unit 3 (from 1)
    shown = viz.network_figure(net, tr.unit_grids(24), dataset=run.dataset, values=False, shown=(2, 2))
    assert _structure(shown) == _structure(fig) and shown.layout.datarevision == fig.layout.datarevision

    def picture(f, k):
        raw = base64.b64decode(f.layout.images[k].source.removeprefix("data:image/png;base64,"))
        return np.asarray(Image.open(io.BytesIO(raw)).convert("RGB"))
    k = 1 + 6 + 2  # the weights' image, layer 1's six units, then layer 2's third
    ink = style.hex_to_rgb(style.Style().ink)
    framed, plain = picture(shown, k), picture(fig, k)
    f = network_diagram.FRAME
    assert (framed[:f] == ink).all() and (framed[:, -f:] == ink).all() and (framed[-f:, :f] == ink).all()
    np.testing.assert_array_equal(framed[f:-f, f:-f], plain[f:-f, f:-f])
    assert all(shown.layout.images[i].source == fig.layout.images[i].source for i in range(len(fig.layout.images))
               if i != k)


def test_scattergl_above_a_thousand_points():
    run = build(RunConfig(n_samples=1600))
    fig = viz.decision_figure(run.trainer.decision_grid(30), run.dataset)
    assert {t.type for t in fig.data[:4]} == {"scattergl"}
    small = viz.decision_figure(run.trainer.decision_grid(30), run.dataset, show_test=False)
    assert {t.type for t in small.data[:2]} == {"scattergl"}  # 1,200 training points alone
    few = build(RunConfig(n_samples=200))
    assert {t.type for t in viz.decision_figure(few.trainer.decision_grid(30), few.dataset).data} == {"scatter"}


def test_axis_titles_stay_x1_x2_when_features_are_expanded():
    run = build(RunConfig(features=("x1", "x2", "x1_sq")))
    fig = viz.decision_figure(run.trainer.decision_grid(20), run.dataset)
    assert (fig.layout.xaxis.title.text, fig.layout.yaxis.title.text) == ("x₁", "x₂")


# ---------------------------------------------------------------- images
def test_images_and_first_layer_weights(runs):
    run = runs["image"]
    ds, net = run.dataset, run.network
    P = net.forward(ds.X_test)
    fig = viz.images_figure(ds, P, n=5)
    assert [t.type for t in fig.data] == ["image"] * 5
    assert np.asarray(fig.data[0].z).shape == ds.image_shape
    titles = [a.text for a in fig.layout.annotations]
    assert all(ds.class_names[1] in t for t in titles)  # "P(circle) = 0.xx"
    assert f"{P[0, 0]:.2f}" in titles[0]
    w = viz.first_layer_weights_figure(net.params["W1"], ds.image_shape, n=3)
    assert [t.type for t in w.data] == ["heatmap"] * 3
    z = np.asarray(w.data[0].z)
    assert z.shape == ds.image_shape[:2] and np.isclose(np.abs(z).max(), 1.0)  # per-unit normalized


# ---------------------------------------------------------------- network diagram
def _edge_lines(fig) -> list[tuple[str, float, float, float, float, float]]:
    """The weights' layout image (an SVG) as its lines: (colour, width, x0, y0, x1, y1) in the picture's units."""
    import re
    import xml.etree.ElementTree as ET

    uri = fig.layout.images[0].source
    svg = ET.fromstring(base64.b64decode(uri.removeprefix("data:image/svg+xml;base64,")))
    lines = []
    for path in svg.iter("{http://www.w3.org/2000/svg}path"):
        for seg in re.findall(r"M([-\d.e]+) ([-\d.e]+)L([-\d.e]+) ([-\d.e]+)", path.get("d")):
            lines.append((path.get("stroke"), float(path.get("stroke-width")), *map(float, seg)))
    return lines


def _ink(lines, color: str, x_from: float = -np.inf, x_to: float = np.inf) -> float:
    """How much ink of ``color`` the lines whose middle lies between x_from and x_to put down: length x width."""
    return sum(w * np.hypot(x1 - x0, y1 - y0) for c, w, x0, y0, x1, y1 in lines
               if c == color and x_from <= (x0 + x1) / 2 < x_to)


def test_network_weights_are_one_picture_by_sign_and_size(runs):
    net = runs["binary"].network.copy()
    rng = np.random.default_rng(0)
    n_traces = len(viz.network_figure(net, values=False).data)
    for scale in (0.0, 0.01, 1.0, 100.0):  # zero init, tiny, normal, huge weights
        net.set_params({k: rng.normal(0, scale, v.shape) for k, v in net.params.items()})
        fig = viz.network_figure(net, values=False)
        assert len(fig.data) == n_traces and fig.layout.images[0].name == "weights"
        assert fig.layout.images[0].layer == "below" and fig.layout.images[0].sizing == "stretch"
    # all weights positive: blue lines only; all negative: orange only
    for sign, drawn, absent in ((1, style.POSITIVE, style.NEGATIVE), (-1, style.NEGATIVE, style.POSITIVE)):
        net.set_params({k: sign * np.abs(rng.normal(0, 1, v.shape)) for k, v in net.params.items()})
        lines = _edge_lines(viz.network_figure(net, values=False))
        assert len(lines) == sum(v.size for k, v in net.params.items() if k.startswith("W"))
        assert _ink(lines, drawn) > 0 and _ink(lines, absent) == 0
    # widths are relative to the largest |w|: all weights x10 draws the same picture; W[1] alone x10
    # thickens the lines between the inputs and layer 1 and thins the others
    net.set_params({k: np.abs(rng.normal(0, 1, v.shape)) for k, v in net.params.items()})
    fig = viz.network_figure(net, values=False)
    w1 = net.params["W1"].copy()
    net.set_params({k: 10 * v for k, v in net.params.items()})
    assert viz.network_figure(net, values=False).layout.images[0].source == fig.layout.images[0].source
    net.set_params({k: v / 10 for k, v in net.params.items()} | {"W1": 10 * w1})
    pic, louder = _edge_lines(fig), _edge_lines(viz.network_figure(net, values=False))
    x0, x1 = fig.layout.xaxis.range  # column l sits at x = l

    def col(x):  # the picture's x at the plot's x
        return (x - x0) / (x1 - x0) * network_diagram.RASTER_WIDTH
    first, rest = (col(0.1), col(0.9)), (col(1.1), col(net.L - 0.1))  # between the inputs and layer 1; after
    assert _ink(louder, style.POSITIVE, *first) > 1.2 * _ink(pic, style.POSITIVE, *first)
    assert _ink(louder, style.POSITIVE, *rest) < _ink(pic, style.POSITIVE, *rest)
    np.testing.assert_allclose(network_diagram.edge_widths(np.array([0.0, 0.5, -1.0])),
                               [network_diagram.EDGE_WIDTHS[0], np.mean(network_diagram.EDGE_WIDTHS),
                                network_diagram.EDGE_WIDTHS[1]])


def test_network_live_frames_keep_their_traces_and_paused_ones_show_values(runs):
    run = runs["binary"]
    net, ds = run.network.copy(), run.dataset
    before = viz.network_figure(net, dataset=ds, values=False)
    net.set_params({k: v * 1.5 + 0.1 for k, v in net.params.items()})  # training moved every parameter
    after = viz.network_figure(net, dataset=ds, values=False)
    assert before.layout.datarevision == after.layout.datarevision
    for a, b in zip(before.data, after.data):
        for key in ("x", "y", "customdata"):
            if a[key] is not None:
                np.testing.assert_array_equal(np.asarray(a[key]), np.asarray(b[key]))
    assert before.layout.images[0].source != after.layout.images[0].source  # the weights picture moved
    paused = viz.network_figure(net, dataset=ds, values=True)
    assert paused.layout.datarevision != after.layout.datarevision
    hover = paused.data[-1]
    n_w = sum(net.params[f"W{l}"].size for l in range(1, net.L + 1))
    assert hover.name == "weights" and len(hover.x) == n_w
    w = net.params["W1"]
    assert f"w = {w[0, 1]:+.4g}" in hover.hovertext[1] and "W[1] row 1, column 2" in hover.hovertext[1]


def test_network_pictures_hover_and_labels(runs):
    run = runs["multiclass"]
    net, ds = run.network, run.dataset
    fig = viz.network_figure(net, run.trainer.unit_grids(16), "iteration 20", ds.feature_names, ds.task,
                             ds.class_names)
    assert len(fig.layout.images) == 1 + sum(net.layer_sizes[1:])  # the weights, then one per unit
    assert fig.layout.images[1].source.startswith("data:image/png;base64,")
    units = fig.data[1]
    np.testing.assert_allclose(units.customdata[:6, 2], net.params["b1"][:, 0], rtol=1e-5)
    assert "b = " in units.hovertemplate
    assert list(fig.data[0].text) == list(ds.feature_names)
    assert list(fig.data[2].text) == ["class 0", "class 1", "class 2"]
    assert "iteration 20" in fig.layout.title.text
    assert len(viz.network_figure(net).layout.images) == 1  # the weights only
    same = viz.network_figure(net, dataset=ds)  # the dataset fills in names, task and classes
    assert list(same.data[0].text) == list(ds.feature_names) and list(same.data[2].text)[0] == "class 0"


def test_network_big_skips_pictures_with_a_note():
    net = Network([2] + [64] * 8 + [1], "relu")
    fig = viz.network_figure(net, unit_grids={"layers": []})
    assert len(fig.layout.images) == 1  # the weights, no unit pictures
    assert any("pictures hidden" in a.text for a in fig.layout.annotations)
    assert any("strongest" in a.text for a in fig.layout.annotations)
    assert len(fig.data) == 4 and len(fig.data[-1].x) == network_diagram.MAX_EDGES  # hover of the drawn weights


# ---------------------------------------------------------------- activations
def test_activation_figure_curves_histograms_and_annotations(runs):
    run = runs["binary"]
    stats = run.trainer.layer_statistics()
    g = run.network.activations[1]
    fig = viz.activation_figure(g, stats)
    assert [t.type for t in fig.data] == ["scatter", "scatter", "bar", "bar"]  # g, g', one per hidden layer
    z = np.asarray(fig.data[0].x)
    np.testing.assert_allclose(fig.data[0].y, g.forward(z), atol=1e-6)
    np.testing.assert_allclose(fig.data[1].y, g.derivative(z), atol=1e-6)
    assert z[0] <= -4 and z[-1] >= 4
    assert np.isclose(np.sum(fig.data[2].y), 1.0, atol=1e-5)  # normalized: shares of Z[1] values
    assert [t.yaxis for t in fig.data] == ["y", "y", "y2", "y2"]
    notes = [a.text for a in fig.layout.annotations if "layer" in a.text]
    assert len(notes) == 2 and all("saturated" in t and "dead" in t for t in notes)
    narrow = viz.activation_figure(g, stats, z_range=(-1, 1))
    assert np.isclose(narrow.data[0].x[0], -1) and np.isclose(narrow.data[0].x[-1], 1)
    sat = viz.activation_figure("sigmoid", stats, z_range=(-10, 10))  # sigmoid saturates beyond ~|z| > 4.6
    assert len(sat.layout.shapes) == 2
    relu = viz.activation_figure("relu", stats, z_range=(-3, 3))
    assert len(relu.layout.shapes) == 1 and relu.layout.shapes[0].x1 == 0
    assert len(viz.activation_figure("relu", stats[-1:]).data) == 2  # no hidden layers: curves only


def test_activation_annotation_counts_dead_relu_units():
    net = Network([2, 3, 1], "relu")
    Z = np.array([[-1.0, -2.0], [1.0, -1.0], [-3.0, 2.0]])  # unit 1 never positive: 1/3 dead
    stats = [{"layer": 1, "activation": "relu", "Z": Z}, {"layer": 2, "activation": "sigmoid", "Z": Z[:1]}]
    fig = viz.activation_figure(net.activations[1], stats)
    assert "33% dead" in [a.text for a in fig.layout.annotations if "layer 1" in a.text][0]


# ---------------------------------------------------------------- weights
def test_weights_over_time_histogram_and_matrix(runs):
    tr, net = runs["binary"].trainer, runs["binary"].network
    snaps = [(i, tr.params_at(i)) for i in tr.snapshots.iterations]
    fig = viz.weights_over_time_figure(snaps, 2)
    assert [t.type for t in fig.data] == ["heatmap"]
    np.testing.assert_array_equal(fig.data[0].x, tr.snapshots.iterations)
    counts = np.asarray(fig.data[0].customdata)
    assert counts.shape == (len(fig.data[0].y), len(snaps))
    assert (counts.sum(axis=0) == net.params["W2"].size).all()  # every weight in a bin at every step
    assert _payload(fig)["data"][0]["z"]["dtype"] == "f4"
    hist = viz.weight_histogram_figure(net.params, 1)
    assert [t.type for t in hist.data] == ["bar", "bar"]
    assert sum(hist.data[0].y) == net.params["W1"].size and sum(hist.data[1].y) == net.params["b1"].size
    W = net.params["W2"]
    mat = viz.weight_matrix_figure(W, 2)
    np.testing.assert_allclose(mat.data[0].z, W, rtol=1e-6)
    assert mat.layout.yaxis.autorange == "reversed"  # unit 1 on top
    zero = Network([2, 4, 3, 1], "tanh", init="zeros")
    z = np.asarray(viz.weight_matrix_figure(zero.params["W2"]).data[0].z)
    assert (z == z[0]).all()  # identical rows under zero init


# ---------------------------------------------------------------- shapes and formulas
@pytest.mark.parametrize("kind", ["binary", "multiclass"])
def test_shapes_table_matches_the_real_arrays(runs, kind):
    net, ds = runs[kind].network, runs[kind].dataset
    m = 7
    X, Y = ds.X_train[:, :m], ds.Y_train[:, :m]
    grads = net.gradients(X, Y)
    cache = net.cache
    real = {"X = A[0]": X.shape}
    for l in range(1, net.L + 1):
        real.update({f"W[{l}]": net.params[f"W{l}"].shape, f"b[{l}]": net.params[f"b{l}"].shape,
                     f"Z[{l}]": cache[f"Z{l}"].shape, f"A[{l}]": cache[f"A{l}"].shape,
                     f"dW[{l}]": grads[f"dW{l}"].shape, f"db[{l}]": grads[f"db{l}"].shape,
                     f"dZ[{l}]": cache[f"Z{l}"].shape, f"dA[{l}]": cache[f"A{l}"].shape})
    table = viz.shapes_table(net, m)
    got = {r.array: ast.literal_eval(r.shape) for r in table.itertuples() if r.array != "total"}
    assert got == real
    assert table.parameters.iloc[-1] == net.n_params == table.parameters.iloc[:-1].sum()


def test_forward_and_backward_equations_name_the_activations(runs):
    net = runs["binary"].network  # tanh, tanh, sigmoid + cross-entropy
    fwd, bwd = viz.forward_equations(net), viz.backward_equations(net)
    assert r"Z^{[1]} = W^{[1]} A^{[0]} + b^{[1]}" in fwd
    assert any(r"A^{[1]}" in line and r"\tanh(Z^{[1]})" in line for line in fwd)
    assert any(r"\sigma(Z^{[3]})" in line for line in fwd)
    assert bwd[0] == r"dZ^{[3]} = A^{[3]} - Y"
    assert r"dW^{[1]} = \frac{1}{m} dZ^{[1]} A^{[0]T}" in bwd
    assert any(line.startswith(r"dZ^{[1]} = W^{[2]T} dZ^{[2]} * g'^{[1]}(Z^{[1]})") for line in bwd)
    assert sum(line.startswith("dW") for line in bwd) == net.L
    reg = viz.backward_equations(runs["regression"].network)  # linear output + squared error
    assert reg[0] == r"dZ^{[3]} = 2\,(A^{[3]} - Y)"


def test_hyperparameters_table():
    table = viz.hyperparameters_table(RunConfig(optimizer="adam", learning_rate=0.005, batch_size=32))
    assert list(table.columns) == ["hyperparameter", "value"]
    rows = dict(zip(table.hyperparameter, table.value))
    assert rows["Learning rate α"] == "0.005" and rows["Mini-batch size"] == "32" and "Adam β₁" in rows
    gd = dict(zip(*viz.hyperparameters_table(RunConfig()).T.values))
    assert "Adam β₁" not in gd and gd["Mini-batch size"] == "full batch"
    assert not any("seed" in k.lower() or "dataset" in k.lower() for k in gd)
    assert "Iterations run" not in gd and "Stop when J <" not in gd


def test_hyperparameters_table_lists_the_iterations_and_the_target_cost():
    """The course counts the number of iterations among the hyperparameters, beside α."""
    config = RunConfig(target_cost=0.05, batch_size=20000, n_samples=20000, hidden=(2,))
    rows = dict(zip(*viz.hyperparameters_table(config, iterations=1234).T.values))
    assert rows["Iterations run"] == "1,234" and rows["Stop when J <"] == "0.05"
    assert rows["Mini-batch size"] == "20,000"
    names = list(rows)
    assert names.index("Learning rate α") < names.index("Iterations run") < names.index("Mini-batch size")


# ---------------------------------------------------------------- a diverged run still draws
def test_huge_and_non_finite_values_draw_without_warnings():
    """A diverging run has inf / 1e300 / NaN in its history and weights; the charts must still draw
    (pytest turns RuntimeWarnings into errors here)."""
    h = pd.DataFrame({"iteration": [0, 1, 2], "cost_train": [0.7, 1e300, np.inf], "cost_test": [0.7, np.nan, np.inf],
                      "accuracy_train": [0.5, 0.5, np.nan], "grad_norm_1": [np.nan, 1e300, np.inf],
                      "update_ratio_1": [np.nan, 0.0, np.inf], "grad_norm_2": [np.nan, 1.0, 2.0],
                      "dead_1": [0.0, 0.5, 1.0], "saturated_1": [0.0, 0.1, 1.0], "distinct_1": [3, 3, 1]})
    for fig in (viz.cost_figure(h, "binary"), viz.cost_figure(h, "binary", log_y=True), viz.gradient_figure(h),
                viz.unit_health_figure(h)):
        fig.to_json()
    assert np.isinf(viz.cost_figure(h, "binary").data[0].y[1])  # beyond float32: inf, a gap in the line
    W = np.array([[1e300, -1e300, 0.5], [np.nan, np.inf, -2.0]])
    viz.weight_matrix_figure(W).to_json()
    viz.weight_histogram_figure({"W1": W, "b1": np.array([[np.nan], [1.0]])}, 1).to_json()
    viz.weights_over_time_figure([(0, {"W1": W}), (5, {"W1": np.zeros_like(W)})], 1).to_json()
    net = Network([2, 3, 1], "sigmoid")
    net.set_params({"W1": np.array([[1e300, -1.0], [2.0, 3.0], [0.0, 0.0]])})
    viz.network_figure(net).to_json()
    stats = [{"layer": 1, "activation": "sigmoid", "Z": np.array([[1e300, -np.inf, np.nan, 0.0]])},
             {"layer": 2, "activation": "sigmoid", "Z": np.zeros((1, 4))}]
    viz.activation_figure("sigmoid", stats).to_json()


# ---------------------------------------------------------------- unvalidated construction (descentlab/viz/figure.py)
# Builders hand plotly.py plain dicts with validation off (35-90 ms -> ~1-4 ms per figure); these
# tests hold that output to what validated plotly.py construction gives.
@pytest.mark.parametrize("kind", list(DS))
def test_validation_accepts_every_figure_and_changes_nothing(runs, kind):
    def payload(fig):
        p = _payload(fig)
        if p["layout"].get("annotations") == []:  # make_subplots leaves one (as before); validation drops it
            del p["layout"]["annotations"]
        return p
    for name, fig in _all_figures(runs[kind]).items():
        assert payload(go.Figure(fig.to_plotly_json())) == payload(fig), name


def test_gradient_figure_matches_the_make_subplots_construction(runs):
    """The pre-dict construction (make_subplots, add_hline, update_yaxes, apply_style), rebuilt here
    around the same traces: same layout, same axes for every trace."""
    h, s = runs["binary"].trainer.history, viz.Style(presentation=True)
    fig = viz.gradient_figure(h, style=s)
    L = runs["binary"].network.L
    ref = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08)
    for i, t in enumerate(fig.to_plotly_json()["data"]):
        t = {k: v for k, v in t.items() if k not in ("xaxis", "yaxis", "type")}
        ref.add_trace(go.Scatter(**t), row=1 if i < L else 2, col=1)
    ref.update_yaxes(title_text="‖dW[l]‖", row=1, col=1,
                     **series.log_axis(series.positive_values(h, "grad_norm_")))
    ref.add_hline(y=1e-3, line=dict(color=viz.style.GREY, width=1.5, dash="dash"), row=2, col=1)
    ref.add_annotation(x=0, xref="x2 domain", y=np.log10(1e-3), yref="y2", xanchor="left", yanchor="bottom",
                       showarrow=False, text="1e-3", font=dict(color=viz.style.GREY))
    ratios = np.r_[series.positive_values(h, "update_ratio_"), 1e-3]
    ref.update_yaxes(title_text="‖ΔW‖ / ‖W‖", row=2, col=1, **series.log_axis(ratios))
    ref.update_xaxes(title_text="iteration", row=2, col=1)
    assert runs["binary"].trainer.iteration >= training.MIN_ITERATION_SPAN
    # stepped iteration axes (training.iteration_axis)
    ref.update_xaxes(range=[0, series.nice_ceiling(float(h["iteration"].max()))])
    viz.apply_style(ref, s, title="Gradient norms per layer")
    assert _payload(fig) == _payload(ref)


@pytest.mark.parametrize("kw", [
    {}, {"secondary_y": True}, {"rows": 2, "shared_xaxes": True, "vertical_spacing": 0.08},
    {"rows": 2, "shared_xaxes": True, "vertical_spacing": 0.08, "row_heights": [0.6, 0.4]},
    {"rows": 3, "cols": 2, "shared_xaxes": True},
    {"rows": 2, "cols": 6, "horizontal_spacing": 0.02, "vertical_spacing": 0.1, "titles": ["a", "b<br>c", "d"]},
    {"rows": 3, "cols": 4, "horizontal_spacing": 0.02, "vertical_spacing": 0.12, "titles": list("abcdefghijkl"),
     "title_font": {"size": 16}}])
def test_grid_axes_is_what_make_subplots_gives(kw):
    axes, refs, notes = figure.grid_axes(**kw)
    args = {k: v for k, v in kw.items() if k not in ("secondary_y", "titles", "title_font")}
    rows, cols = kw.get("rows", 1), kw.get("cols", 1)
    ref = make_subplots(**args, specs=[[{"secondary_y": True}]] if kw.get("secondary_y") else None,
                        subplot_titles=kw.get("titles"))
    layout = json.loads(ref.to_json())["layout"]
    layout.pop("template", None)
    assert json.loads(json.dumps(axes)) == {k: v for k, v in layout.items() if k != "annotations"}
    assert notes == [dict(a, font=kw.get("title_font", {"size": 16})) for a in layout.get("annotations", [])]
    for r in range(rows):
        for c in range(cols):
            ref.add_trace(go.Scatter(), row=r + 1, col=c + 1)
    if kw.get("secondary_y"):
        ref.add_trace(go.Scatter(), secondary_y=True)
    assert [{"xaxis": t.xaxis, "yaxis": t.yaxis} for t in ref.data] == refs


def test_unit_pictures_are_palette_pngs_of_the_levels():
    rng = np.random.default_rng(0)
    palette = network_diagram._palette("multiclass", 2)
    for h, w in ((1, 1), (24, 24), (30, 17), (64, 64)):
        levels = rng.integers(0, network_diagram.PICTURE_LEVELS, (h, w)).astype(np.uint8)
        uri = png.png_uri(levels[::-1], palette)  # the builder passes flipped views
        img = Image.open(io.BytesIO(base64.b64decode(uri.removeprefix("data:image/png;base64,"))))
        assert img.mode == "P" and img.size == (w, h)
        np.testing.assert_array_equal(np.asarray(img), levels[::-1])
        assert bytes(img.getpalette()) == palette
    rgb = rng.integers(0, 256, (7, 5, 3)).astype(np.uint8)
    img = Image.open(io.BytesIO(base64.b64decode(png.png_uri(rgb).removeprefix("data:image/png;base64,"))))
    assert img.mode == "RGB" and img.size == (5, 7)
    np.testing.assert_array_equal(np.asarray(img), rgb)
    with pytest.raises(ValueError):
        png.png_uri(rgb, palette)


def test_weight_histograms_over_time_equal_numpy_histograms():
    rng = np.random.default_rng(3)
    parts = [rng.normal(0, 1, 12), np.array([np.nan, np.inf, -2.0, 2.0, 0.0]), np.zeros(0),
             np.round(rng.normal(0, 1, 30), 1)]
    values = np.concatenate(parts)
    edges = weights.stepped_bins(parts, 10)
    got = weights._histograms(values, [p.size for p in parts], edges)
    want = np.stack([np.histogram(p[np.isfinite(p)], bins=edges)[0] for p in parts], axis=1)
    np.testing.assert_array_equal(got, want)
    e = weights.stepped_bins([edges], 7)  # values sitting exactly on bin edges
    np.testing.assert_array_equal(weights._histograms(e, [e.size], e)[:, 0], np.histogram(e, bins=e)[0])


def test_figures_share_no_mutable_state(runs):
    """Streamlit serves every session from one process: editing one figure touches no other."""
    run = runs["regression"]
    h, grid = run.trainer.history, run.trainer.decision_grid(20)
    a = viz.cost_figure(h, "regression")
    a.layout.template.layout.xaxis.gridcolor = "red"
    a.layout.margin.t, a.layout.yaxis2.range, a.data[0].line.color = 1, [5, 6], "red"
    d = viz.decision_figure(grid, run.dataset)
    d.layout.coloraxis.colorscale = [[0, "red"], [1, "red"]]
    b = viz.cost_figure(h, "regression")
    assert b.layout.template.layout.xaxis.gridcolor != "red" and b.layout.margin.t != 1
    assert tuple(b.layout.yaxis2.range) == (0, 1.02) and b.data[0].line.color != "red"
    assert viz.SEQUENTIAL_SCALE[0] == [0.0, "#FFF7D6"]
    assert viz.decision_figure(grid, run.dataset).layout.coloraxis.colorscale[0][1] == "#FFF7D6"


def test_iteration_axes_start_at_zero_even_before_the_first_step(runs):
    """One point at iteration 0 would be centred on -1 ... 1 (negative iterations on a projector)."""
    from descentlab.viz import compare, lr_explorer

    tr = build(RunConfig()).trainer
    for fig in (viz.cost_figure(tr.history, "binary"), viz.gradient_figure(tr.history),
                compare.cost_overlay_figure(["a"], [tr.history]),
                lr_explorer.sweep_curves_figure([0], [[0.7]], [0.1])):
        assert tuple(fig.layout.xaxis.range) == (0, training.MIN_ITERATION_SPAN)
    tr.step(50)
    tr.record()
    fig = viz.update_ratio_figure(tr.history)  # fitted to the data
    assert fig.layout.xaxis.range is None and fig.layout.xaxis.rangemode == "tozero"
    for fig in (viz.cost_figure(tr.history, "binary"), viz.gradient_figure(tr.history)):  # stepped: see the next test
        assert tuple(fig.layout.xaxis.range) == (0, 50)
    assert fig.layout.xaxis2.title.text == "iteration" and tuple(fig.layout.xaxis2.range) == (0, 50)


def test_a_cost_history_of_one_row_is_drawn_as_points():
    """A run that diverged in its first frame has recorded one row: a line of one point draws nothing."""
    tr = build(RunConfig()).trainer
    assert {t.mode for t in viz.cost_figure(tr.history, "binary").data[:4]} == {"lines+markers"}
    tr.step(5)
    tr.record()
    assert {t.mode for t in viz.cost_figure(tr.history, "binary").data[:4]} == {"lines"}  # the 5th: edits' markers


@pytest.mark.parametrize("x, end", [(1, 1), (2000, 2000), (2001, 2500), (0.81, 1), (0.0009, 0.001), (101, 120),
                                    (7e5, 7e5), (7.1e5, 8e5), (0, 1), (float("nan"), 1)])
def test_nice_ceiling(x, end):
    assert series.nice_ceiling(x) == pytest.approx(end)


def test_the_cost_chart_axes_move_in_steps_so_most_frames_only_grow_the_lines():
    """What lets the page draw a playing frame without a Plotly redraw (live_chart canvas_lines):
    the axes stay put while the run goes on, and always hold every point."""
    tr = build(RunConfig()).trainer
    layouts = []
    for _ in range(60):
        tr.step(25)
        tr.record()
        for log_y in (False, True):
            fig = viz.cost_figure(tr.history, "binary", log_y=log_y)
            x0, x1 = fig.layout.xaxis.range
            y0, y1 = fig.layout.yaxis.range
            cost = np.r_[tr.history["cost_train"], tr.history["cost_test"]]
            assert x0 == 0 and tr.iteration <= x1 < 1.25 * tr.iteration
            lo, hi = (np.log10(cost.min()), np.log10(cost.max())) if log_y else (cost.min(), cost.max())
            assert y0 <= lo and hi <= y1 and (log_y or y0 == 0)
        layouts.append((fig.layout.xaxis.range, fig.layout.yaxis.range))
    changed = [a != b for a, b in zip(layouts, layouts[1:])]
    # from iteration 775 on the x axis ends at 800, 1000, 1200 and 1500: a few changes in 30 frames, not 30
    assert 2 <= sum(changed[-30:]) <= 6 and sum(changed) <= 20, changed


# ---------------------------------------------------------------- live frames: plain figures
def _live_figures(run) -> dict:
    figs = _all_figures(run)
    tr, ds = run.trainer, run.dataset
    histories = [tr.history, tr.history.assign(cost_train=np.nan)]  # a NaN-only run too
    figs["overlay"] = viz_compare.cost_overlay_figure(["a", "b"], histories, log_y=True)
    costs = np.column_stack([tr.history.cost_train.to_numpy(), np.full(len(tr.history), np.nan)])
    figs["sweep"] = viz_lr.sweep_curves_figure(tr.history.iteration.to_numpy(), costs, [0.1, 1.0], [-1, 3])
    if ds.points_train is not None:
        grid = tr.decision_grid(40)
        figs["neuron"] = one_neuron.boundary_figure(grid, ds, (np.array([-1.0, 1.0]), np.array([0.5, -0.5])))
    return figs


@pytest.mark.parametrize("kind", list(DS))
def test_live_frames_send_what_plotly_py_would(runs, kind):
    """Inside a live frame the builders give plain dicts (no go.Figure) and descentlab.ui.live.elements writes their
    JSON itself; what reaches the browser must be what plotly.py's own JSON of the go.Figure is."""
    import copy

    import plotly.io as pio

    from descentlab.ui.live.elements import _message, _payload

    run = runs[kind]
    validated = _live_figures(run)
    with figure.plain_figures():
        plain = _live_figures(run)
    for name, fig in plain.items():
        assert isinstance(fig, figure.PlainFigure) and isinstance(validated[name], go.Figure), name
        ours = resolve_same(json.loads(_payload(_message(fig, name, None, False, True, "caption"))))
        theirs = json.loads(pio.json.to_json_plotly(copy.deepcopy(_message(validated[name], name, None, False,
                                                                           True, "caption"))))
        assert ours == theirs, name
    assert not isinstance(viz.cost_figure(run.trainer.history, run.dataset.task), figure.PlainFigure)


def test_a_live_payload_writes_an_array_once():
    """The cost chart's lines share one iteration array: the payload holds it once and points to it
    ({"same": k}, the k-th array written); resolved, it is what it was."""
    from descentlab.ui.live.elements import _payload

    it, cost = np.arange(2000, dtype=np.int32), np.linspace(1, 0, 2000, dtype=np.float32)
    msg = {"figure": {"data": [{"x": it, "y": cost}, {"x": it, "y": cost * 2}, {"x": it[:3], "y": []}],
                      "layout": {"images": [{"source": "a"}], "xaxis": {"range": np.array([0.0, 1.0])}}}}
    text = _payload(msg)
    assert text.count(json.loads(text)["figure"]["data"][0]["x"]["bdata"].encode()) == 1
    sent = json.loads(text)["figure"]["data"]
    assert sent[1]["x"] == {"same": 0} and sent[1]["y"]["bdata"] != sent[0]["y"]["bdata"]
    assert sent[2]["x"]["bdata"] != sent[0]["x"]["bdata"]  # a slice is another array
    resolved = resolve_same(json.loads(text))["figure"]["data"]
    assert resolved[1]["x"] == resolved[0]["x"] and resolved[2]["y"] == []
    assert json.loads(text)["figure"]["layout"]["xaxis"]["range"] == [0.0, 1.0]


def test_live_payload_writes_numpy_the_way_plotly_py_does():
    import copy

    import plotly.io as pio
    from _plotly_utils.utils import convert_to_base64

    from descentlab.ui.live.elements import _payload

    msg = {"a": np.array([1, 2, 300], np.int64), "b": np.array([True, False]), "range": np.array([0.0, 1.0]),
           "c": [float("nan"), np.float32(0.5), np.int64(3), (1, float("inf"))], "d": np.zeros((2, 3), np.float32),
           "e": np.array([], float), "f": np.array(["x", "y"]), "g": np.array([2**40], np.int64)}
    # go.Figure.to_plotly_json turns arrays into typed-array specs (convert_to_base64), then plotly.io writes it
    theirs = copy.deepcopy(msg)
    convert_to_base64(theirs)
    assert json.loads(_payload(msg)) == json.loads(pio.json.to_json_plotly(theirs))
    assert json.loads(_payload({"when": pd.Timestamp("2026-01-01")}))["when"].startswith("2026-01-01")


def test_network_weights_picture_is_reused_while_no_line_changes_by_a_pixel(runs):
    net = runs["binary"].network.copy()
    first = network_diagram.edge_image(*_edge_args(net))["source"]
    hits = network_diagram._edge_svg.cache_info().hits
    net.set_params({k: v * (1 + 1e-9) for k, v in net.params.items()})  # moved, but by far less than a pixel
    assert network_diagram.edge_image(*_edge_args(net))["source"] == first
    assert network_diagram._edge_svg.cache_info().hits == hits + 1
    net.set_params({k: -v for k, v in net.params.items()})  # every sign flips: a new picture
    assert network_diagram.edge_image(*_edge_args(net))["source"] != first


def _edge_args(net):
    sizes = list(net.layer_sizes)
    ys, rows = network_diagram._positions(sizes)
    e, _ = network_diagram._edges(net.params, sizes, ys)
    return e, (-0.9, net.L + 0.9), (-rows / 2, rows / 2), 300


def test_the_shapes_table_shows_no_none_and_readable_counts(runs):
    net = runs["binary"].network
    shown = viz.shapes_table_text(viz.shapes_table(net, 300))
    cells = [str(v) for v in shown.to_numpy().ravel()]
    assert not any(c in ("None", "<NA>", "nan") for c in cells)
    assert shown["parameters"].iloc[-1] == f"{net.n_params:,}" and shown["layer"].iloc[-1] == ""


def test_thinning_keeps_a_fixed_stride_and_the_newest_row():
    """series.thin_index, the one thinning every page's builders use: at most ~max_points indices,
    every k-th, the last always among them; short series are left whole."""
    assert list(series.thin_index(5, 10)) == [0, 1, 2, 3, 4]
    idx = series.thin_index(1001, 250)
    assert idx[-1] == 1000 and len(idx) <= 251 and set(np.diff(idx[:-1])) == {5}
    h = pd.DataFrame({"iteration": np.arange(1001)})
    assert series.thin(h, 250)["iteration"].tolist() == idx.tolist()
