"""The live pictures look as the charts did: the network's weights, now an SVG the browser draws,
against the antialiased raster the server drew before (kept here as the reference), both drawn by
Chromium; and each chart that is a picture while playing (histograms, weights over time) against
its paused figure of Plotly traces, both drawn by plotly.js."""
from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from descentlab.engine.network import Network
from descentlab.viz import network_diagram as nd
from descentlab.viz.png import png_uri
from descentlab.viz.style import NEGATIVE, POSITIVE, hex_to_rgb

HEIGHT = 300  # px of the plot the picture spans


def _reference_raster(e: np.ndarray, x_range, y_range, presentation: bool) -> str:
    """The weights as the server drew them before the SVG: each sign's lines as a coverage mask at 2x,
    averaged down, a pixel taking the colour of the sign that covers more of it, in 16 opacities."""
    ss, width, height, levels = 2, nd.RASTER_WIDTH, HEIGHT, 16
    (x0, x1), (y0, y1) = x_range, y_range
    px = (np.stack([e[0], e[2]]) - x0) * (width * ss / (x1 - x0))
    py = (y1 - np.stack([e[1], e[3]])) * (height * ss / (y1 - y0))
    widths = np.maximum(1, np.rint(nd.edge_widths(e[4], presentation) * ss)).astype(int)
    lines = np.stack([px[0], py[0], px[1], py[1]], axis=1)
    cover = []
    for side in (e[4] >= 0, e[4] < 0):
        mask = Image.new("L", (width * ss, height * ss), 0)
        draw = ImageDraw.Draw(mask)
        for xy, lw in zip(lines[side].tolist(), widths[side].tolist()):
            draw.line(xy, fill=255, width=lw)
        cover.append(np.asarray(mask.reduce(ss)))
    top = np.maximum(*cover)
    index = ((top.astype(np.uint16) * (levels - 1) + 127) // 255 + levels * (cover[1] > cover[0])).astype(np.uint8)
    palette = bytes(hex_to_rgb(POSITIVE)) * levels + bytes(hex_to_rgb(NEGATIVE)) * levels
    alpha = bytes(round(255 * a / (levels - 1)) for a in range(levels)) * 2
    return png_uri(index, palette, alpha=alpha)


def _drawn(page, source: str) -> np.ndarray:
    """``source`` drawn by Chromium at RASTER_WIDTH x HEIGHT, as premultiplied RGB in [0, 1]."""
    url = page.evaluate("""async ([src, w, h]) => {
        const img = new Image(); img.src = src; await img.decode();
        const c = document.createElement("canvas"); c.width = w; c.height = h;
        c.getContext("2d").drawImage(img, 0, 0, w, h);
        return c.toDataURL("image/png"); }""", [source, nd.RASTER_WIDTH, HEIGHT])
    rgba = np.asarray(Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGBA"), float) / 255
    return rgba[..., :3] * rgba[..., 3:]


def _blurred(picture: np.ndarray, k: int = 5) -> np.ndarray:
    """A k x k box average: antialiasing spreads a line's edge differently, its ink stays put."""
    pad = np.pad(picture, ((k // 2,) * 2, (k // 2,) * 2, (0, 0)))
    sums = pad.cumsum(0).cumsum(1)
    sums = np.pad(sums, ((1, 0), (1, 0), (0, 0)))
    h, w = picture.shape[:2]
    return (sums[k:k + h, k:k + w] - sums[:h, k:k + w] - sums[k:k + h, :w] + sums[:h, :w]) / k ** 2


def _lines(seed: int, scale: float):
    net = Network([2, 8, 8, 1], activation="tanh", seed=seed)
    net.set_params({k: v * scale for k, v in net.params.items()})
    sizes = list(net.layer_sizes)
    ys, rows = nd._positions(sizes)
    e, _ = nd._edges(net.params, sizes, ys)
    return e, (-0.9, net.L + 0.9), (-rows / 2 - 0.5, rows / 2 + 0.5)


def _difference(page, x_range, y_range, svg_of: tuple, raster_of: tuple) -> tuple[float, float]:
    """How far the SVG of ``svg_of`` (lines, presentation) is from the reference raster of ``raster_of``:
    the blurred pictures' mean absolute difference, and the SVG's ink, each relative to the raster's ink."""
    svg = _drawn(page, nd.edge_image(svg_of[0], x_range, y_range, HEIGHT, svg_of[1])["source"])
    png = _drawn(page, _reference_raster(raster_of[0], x_range, y_range, raster_of[1]))
    a, b = _blurred(svg), _blurred(png)
    return float(np.abs(a - b).mean() / b.mean()), float(svg.sum() / png.sum())


@pytest.fixture(scope="module")
def page():
    from playwright.sync_api import sync_playwright

    from tests.browser import launch_browser, require_chromium

    require_chromium()
    with sync_playwright() as pw:
        browser = launch_browser(pw)
        try:
            yield browser.new_page()
        finally:
            browser.close()


@pytest.mark.parametrize("seed, scale, presentation", [(0, 1.0, False), (1, 3.0, False), (2, 0.2, True)])
def test_the_weights_svg_looks_as_the_raster_did(page, seed, scale, presentation):
    e, x_range, y_range = _lines(seed, scale)
    difference, ink = _difference(page, x_range, y_range, (e, presentation), (e, presentation))
    # measured 0.20-0.23 and 1.18: the raster drew its thinnest diagonal lines one pixel a column,
    # thinner than their width, and at a crossing the sign with more cover won (the SVG draws wider
    # lines over narrower ones)
    assert difference < 0.3 and 0.9 < ink < 1.3, (difference, ink)


def test_the_comparison_sees_a_wrong_picture(page):
    """The measure above is not blind: lines 1.5x as wide (presentation mode's), or the signs'
    colours swapped, fail it (measured 0.72 and 1.19)."""
    e, x_range, y_range = _lines(0, 1.0)
    swapped = e.copy()
    swapped[4] *= -1
    assert _difference(page, x_range, y_range, (e, False), (e, False))[0] < 0.3
    for wrong, wider in ((e, True), (swapped, False)):
        difference, _ = _difference(page, x_range, y_range, (wrong, wider), (e, False))
        assert difference > 0.5, difference


# ---------------------------------------------------------------- live pictures against paused traces
def _plot_shot(page, fig) -> np.ndarray:
    """``fig`` drawn by plotly.js at 640 x 420, as RGB in [0, 1] (the page's white paper)."""
    import plotly.io as pio

    page.evaluate("""async (fig) => { const gd = document.getElementById('chart');
        await Plotly.newPlot(gd, fig.data, { ...fig.layout, width: 640, height: 420 }, { staticPlot: true });
        await Promise.all([...gd.querySelectorAll('image')].map((im) => new Promise((done) => {
          const probe = new Image(); probe.onload = probe.onerror = done; probe.src = im.getAttribute('href'); }))); }""",
                  json.loads(pio.to_json(fig)))
    png = page.locator("#chart").screenshot()
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), float) / 255


@pytest.fixture(scope="module")
def plot_page(page):
    import plotly

    js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    page.set_content("<div id='chart' style='width:640px;height:420px'></div>")
    page.add_script_tag(path=str(js))
    return page


def _shot_difference(plot_page, live_fig, paused_fig) -> float:
    """How far the live figure (a picture) is from the paused one (traces), drawn: the blurred
    screenshots' mean absolute difference, relative to the paused chart's ink (1 - white)."""
    live, paused = _blurred(_plot_shot(plot_page, live_fig)), _blurred(_plot_shot(plot_page, paused_fig))
    return float(np.abs(live - paused).mean() / (1 - paused).mean())


def _activation_figures(seed: int, extra_zeros: float = 0.0):
    """(live, paused) Activations figures of the default run after 300 iterations. ``extra_zeros``:
    the live one counts that share more values, all 0, piled into the middle bin (a wrong picture)."""
    from descentlab import viz
    from descentlab.engine.build import build
    from descentlab.engine.config import RunConfig

    run = build(RunConfig(seed=seed))
    run.trainer.step(300)
    g, paused = run.network.activations[1], viz.activation_figure(run.network.activations[1],
                                                                  run.trainer.layer_statistics())
    stats = run.trainer.layer_statistics()
    for d in stats:
        d["Z"] = np.concatenate([d["Z"], np.zeros((d["Z"].shape[0], int(d["Z"].shape[1] * extra_zeros)))], axis=1)
    return viz.activation_figure(g, stats, live=True, z_range=tuple(paused.layout.xaxis.range)), paused


@pytest.mark.parametrize("seed", [0, 3])
def test_the_live_histograms_look_as_the_paused_bars(plot_page, seed):
    """While playing the Activations and Weights panels draw their histograms (and the weights over
    time) as one picture each; paused, as Plotly's bars (and heatmap). Drawn by plotly.js, the two
    differ by antialiasing: 0.009-0.012 of the chart's ink (a wrong picture, below: 0.38)."""
    from descentlab import viz
    from descentlab.engine.build import build
    from descentlab.engine.config import RunConfig

    live, paused = _activation_figures(seed)
    assert _shot_difference(plot_page, live, paused) < 0.03
    run = build(RunConfig(seed=seed))
    run.trainer.step(300)
    params = run.network.params
    assert _shot_difference(plot_page, viz.weight_histogram_figure(params, 1, live=True),
                            viz.weight_histogram_figure(params, 1)) < 0.03
    tr = run.trainer
    snapshots = [(it, tr.params_at(it)) for it in tr.snapshots.iterations]
    # measured 0.040-0.043: the live colour bar is a marker's, laid out a few px from the heatmap's
    assert _shot_difference(plot_page, viz.weights_over_time_figure(snapshots, 2, live=True),
                            viz.weights_over_time_figure(snapshots, 2)) < 0.06


def test_the_histogram_comparison_sees_a_wrong_picture(plot_page):
    live, paused = _activation_figures(0, extra_zeros=0.5)  # a third of the values piled into one bin
    assert _shot_difference(plot_page, live, paused) > 0.1
