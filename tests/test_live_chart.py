"""descentlab.ui.live.elements: the element and its payload (AppTest), and in-place drawing in Chromium.

AppTest never runs the component's JavaScript, so the browser test is what proves the drawing:
the three charts of bench/live_chart_app.py are redrawn while their Plotly divs stay the same
elements. It needs Debian's Chromium (skipped without it, a failure when CI=true) and leaves
screenshots in artifacts/live_chart.png (light theme) and artifacts/live_chart_dark.png.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import json
import time
from pathlib import Path

import numpy as np
from PIL import Image
from streamlit.testing.v1 import AppTest

from tests.browser import (
    launch_browser,
    require_chromium,
    start_streamlit,
    wait_for_app,
)

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"

SCRIPT = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import numpy as np
import plotly.graph_objects as go
import streamlit as st
from descentlab.ui.live.elements import ensure_plotly_loaded, live_chart

ensure_plotly_loaded()
ensure_plotly_loaded()  # idempotent within a run
n = st.session_state.n = st.session_state.get("n", 0) + 1  # new data on every run
line = go.Figure(go.Scatter(x=[0, 1, 2], y=[0.7, 0.5, 0.4 / n], name="cost J"))
heat = go.Figure(go.Heatmap(z=np.arange(6, dtype=np.float32).reshape(2, 3)))
heat.update_layout(height=333, template="plotly_dark")
st.session_state.clicked = live_chart(line, key="loss", height=250, on_click=True)
live_chart(heat, key="boundary")
"""


def _elements(at: AppTest) -> dict[str, object]:
    return {el.proto.component_name: el.proto for el in at.get("bidi_component")}


def _charts(at: AppTest) -> list[dict]:
    return [json.loads(el.proto.bytes) for el in at.get("bidi_component")
            if el.proto.component_name == "descentlab.live_chart"]


def test_live_chart_mounts_with_figure_json_in_proto():
    at = AppTest.from_string(SCRIPT).run(timeout=60)
    assert not at.exception
    protos = _elements(at)
    assert set(protos) == {"descentlab.plotly_loader", "descentlab.live_chart"}  # one loader
    assert len(at.get("bidi_component")) == 3

    line, heat = _charts(at)
    trace = line["figure"]["data"][0]
    assert (trace["type"], trace["name"], trace["y"]) == ("scatter", "cost J", [0.7, 0.5, 0.4])
    assert line["height"] == 250 and line["click"] is True
    # Plotly's default template is dropped so the page theme applies; a chosen one is kept.
    assert "template" not in line["figure"]["layout"]
    assert "template" in heat["figure"]["layout"]
    assert heat["height"] == 333 and heat["click"] is False  # the figure's own height wins
    # numpy arrays travel as base64 typed arrays, not as lists of numbers
    z = heat["figure"]["data"][0]["z"]
    assert z["dtype"] == "f4"
    assert np.frombuffer(base64.b64decode(z["bdata"]), np.float32).tolist() == list(range(6))

    # No click yet: on_click=True returns None.
    assert at.session_state["clicked"] is None


def test_stable_identity_and_plotly_js_sent_whole():
    at = AppTest.from_string(SCRIPT).run(timeout=60)
    ids = [el.proto.id for el in at.get("bidi_component")]
    assert any(i.endswith("-loss") for i in ids)  # the element id follows the key, not the data
    loader = _elements(at)["descentlab.plotly_loader"]
    assert b"window.Plotly = Plotly;" in gzip.decompress(loader.bytes)[-200:]  # all of plotly.js
    at.run(timeout=60)  # new data, same element ids: the chart is updated, not re-mounted
    assert [el.proto.id for el in at.get("bidi_component")] == ids
    assert _charts(at)[0]["figure"]["data"][0]["y"] == [0.7, 0.5, 0.2]


FIRST_REFS = """() => {
  window.__divs = [...document.querySelectorAll('.js-plotly-plot')];
  window.__calc = window.__divs.map((gd) => gd.calcdata);
  return window.__divs.map((gd) => gd._fullData[0]._length);
}"""
STILL_SAME = """() => {
  const now = [...document.querySelectorAll('.js-plotly-plot')];
  return {
    connected: window.__divs.map((gd) => gd.isConnected),
    same: window.__divs.map((gd, i) => gd === now[i]),
    recalculated: window.__divs.map((gd, i) => gd.calcdata !== window.__calc[i]),
    lengths: window.__divs.map((gd) => gd._fullData[0]._length),
  };
}"""
TICK_LABEL_FILL = "getComputedStyle(document.querySelector('.js-plotly-plot .xtick text')).fill"


def _luminance(rgb: str) -> float:
    r, g, b = (int(v) for v in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def test_browser_redraws_in_place():
    require_chromium()
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with start_streamlit(ROOT / "bench" / "live_chart_app.py") as (url, _), \
            sync_playwright() as pw:
        browser = launch_browser(pw)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 760})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url)
            wait_for_app(page)
            page.wait_for_function(
                "[...document.querySelectorAll('.js-plotly-plot .xtick')].length > 0 && "
                "document.querySelectorAll('.js-plotly-plot').length === 3",
                polling=200, timeout=90_000)
            first_lengths = page.evaluate(FIRST_REFS)
            frame0 = int(page.inner_text("#frame-counter"))
            # until every chart has been redrawn with new data (a busy machine takes longer than 1 s)
            page.wait_for_function(f"() => {{ const s = ({STILL_SAME})(); return s.recalculated.every(Boolean) && "
                                   f"s.lengths[0] > {first_lengths[0]} && "
                                   f"Number(document.querySelector('#frame-counter').innerText) > {frame0}; }}",
                                   polling=100, timeout=90_000)
            frame1 = int(page.inner_text("#frame-counter"))
            state = page.evaluate(STILL_SAME)
            assert frame1 > frame0, "the fragment did not tick"
            assert state["connected"] == [True] * 3 and state["same"] == [True] * 3, state  # in place
            assert all(state["recalculated"]), state  # each chart was redrawn with new data
            assert state["lengths"][0] > first_lengths[0], state  # the loss curve grew
            assert _luminance(page.evaluate(TICK_LABEL_FILL)) < 0.5  # dark text, light theme

            # A click on the heatmap comes back to Python (only that chart has on_click=True).
            page.locator(".st-key-boundary .nsewdrag").click()
            page.get_by_text("Last click on the boundary").wait_for(timeout=90_000)
            page.mouse.move(5, 5)  # no hover label or modebar in the picture
            time.sleep(0.5)
            page.screenshot(path=str(ARTIFACTS / "live_chart.png"))

            # Switching the system theme restyles the live charts: light text on dark.
            page.emulate_media(color_scheme="dark")
            page.wait_for_function(
                f"(() => {{ const m = {TICK_LABEL_FILL}.match(/\\d+/g); return m && +m[0] > 128; }})()",
                polling=200, timeout=90_000)
            page.screenshot(path=str(ARTIFACTS / "live_chart_dark.png"))

            # Plotly's own PNG export stays in the modebar, named after the chart's key.
            page.locator(".st-key-loss .js-plotly-plot").hover()
            with page.expect_download(timeout=90_000) as download:
                page.locator(".st-key-loss [data-title='Download plot as a PNG']").click()
            assert download.value.suggested_filename == "loss.png"
            # Exported on the dark theme: an opaque dark background, not light text on nothing.
            with Image.open(download.value.path()) as png:
                r, g, b, a = png.convert("RGBA").getpixel((2, 2))
            assert a == 255 and (r + g + b) / 3 < 80, (r, g, b, a)
            assert not errors, errors
        finally:
            browser.close()


@contextlib.contextmanager
def _app_page(tmp_path, source: str, init_script: str | None = None):
    """A headless Chromium page open on a throwaway Streamlit app written from ``source``."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    app = tmp_path / "app.py"
    app.write_text(source)
    with start_streamlit(app) as (url, _), sync_playwright() as pw:
        browser = launch_browser(pw)
        try:
            page = browser.new_page()
            if init_script:
                page.add_init_script(init_script)
            page.goto(url)
            yield page
        finally:
            browser.close()


STATIC_POINTS_APP = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import numpy as np
import streamlit as st
from descentlab.ui.live.elements import ensure_plotly_loaded, live_chart
from descentlab.viz.figure import figure
from descentlab.viz.png import png_uri

ensure_plotly_loaded()
st.session_state.setdefault("tick", 0)


@st.fragment(run_every=0.1)
def frame():
    st.session_state.tick += 1
    t = st.session_state.tick
    pts = np.random.default_rng(0).normal(size=(2, 300)).astype(np.float32)  # the same every frame
    picture = np.full((8, 8, 3), (t * 37) % 256, np.uint8)                    # a new one every frame
    layout = dict(images=[dict(source=png_uri(picture), xref="x", yref="y", x=-3, y=3, sizex=6, sizey=6,
                               sizing="stretch", layer="below")],
                  template=dict(layout=dict(font=dict(size=15))), meta=dict(tick=t))
    live_chart(figure([dict(type="scatter", x=pts[0], y=pts[1], mode="markers")], layout), key="surface")
    st.markdown(f"tick <span id='tick'>{{t}}</span>", unsafe_allow_html=True)


frame()
"""
KEEP_REFS = """() => {
  const gd = document.querySelector('.st-key-surface .js-plotly-plot');
  window.__gd = gd; window.__calc = gd.calcdata; window.__x = gd._fullData[0].x;
  return gd.layout.images[0].source;
}"""
CHANGED = """() => {
  const gd = document.querySelector('.st-key-surface .js-plotly-plot');
  return {same: gd === window.__gd, calc: gd.calcdata === window.__calc, x: gd._fullData[0].x === window.__x,
          source: gd.layout.images[0].source};
}"""


def test_unchanged_data_is_not_recomputed(tmp_path):
    """A frame whose points are unchanged redraws only what changed (here the layout image): the
    figure's arrays keep their identity and its template object stays the same, so Plotly.react does
    not recompute the chart (a full recompute of the boundary was ~60 ms a frame; the image alone ~10)."""
    with _app_page(tmp_path, STATIC_POINTS_APP) as page:
        page.wait_for_function("document.querySelector('.st-key-surface .js-plotly-plot .point')",
                               polling=200, timeout=90_000)
        source0, tick0 = page.evaluate(KEEP_REFS), int(page.inner_text("#tick"))
        page.wait_for_function(f"+document.querySelector('#tick').innerText >= {tick0 + 3}",
                               polling=100, timeout=90_000)
        page.wait_for_timeout(300)  # let the newest figure be drawn
        state = page.evaluate(CHANGED)
        assert state["source"] != source0, "the picture was not redrawn"
        assert state["same"] and state["x"] and state["calc"], state


PICTURES_AND_LINES_APP = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import numpy as np
import streamlit as st
from descentlab.ui.live.elements import ensure_plotly_loaded, live_chart
from descentlab.viz.figure import figure
from descentlab.viz.png import png_uri

ensure_plotly_loaded()
ss = st.session_state
ss.setdefault("tick", 0)
ss.setdefault("live", True)
st.button("Pause", key="pause", on_click=lambda: ss.update(live=False))


@st.fragment(run_every=0.1 if ss.live else None)
def frame():
    ss.tick += ss.live
    t = ss.tick
    picture = np.full((8, 8, 3), (t * 37) % 256, np.uint8)   # a new picture every frame
    x = np.arange(t + 1, dtype=np.float32)                    # and a line one point longer
    layout = dict(images=[dict(source=png_uri(picture), xref="x", yref="y", x=0, y=1, sizex=20, sizey=1,
                               sizing="stretch", layer="below")],
                  xaxis=dict(range=[0, 400 + 100 * (t // 8)]), yaxis=dict(range=[-1.1, 1.1]), showlegend=True)
    line = dict(type="scatter", x=x, y=np.sin(x / 5), mode="lines", name="sine", line=dict(color="#d62728", width=3))
    live_chart(figure([line], layout), key="chart", canvas_lines=ss.live, caption=f"caption {{t}}")
    st.markdown(f"tick <span id='tick'>{{t}}</span>", unsafe_allow_html=True)


frame()
"""
COUNT_DRAWS = """
window.__reacts = 0; window.__drawn = {react: 0, pictures: 0, relayout: 0}; window.__hows = [];
window.addEventListener('descentlab:plotly-ready', () => {
  const react = Plotly.react;
  Plotly.react = function (...args) { __reacts++; return react.apply(this, args); };
});
document.addEventListener('descentlab:drawn', (ev) => { __drawn[ev.detail.how]++; __hows.push(ev.detail.how); }, true);
"""
CHART_STATE = """() => {
  const gd = document.querySelector('.st-key-chart .js-plotly-plot');
  const canvas = gd.querySelector('canvas.descentlab-lines');
  let red = 0;
  if (canvas) {
    const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 0; i < px.length; i += 4) red += px[i + 3] > 200 && px[i] > 150 && px[i + 1] < 100;
  }
  return {reacts: __reacts, drawn: {...__drawn}, canvas: !!canvas, red,
          href: gd.querySelector('image').getAttributeNS('http://www.w3.org/1999/xlink', 'href'),
          source: gd.layout.images[0].source,
          plotlyPoints: gd._fullData[0].x.length, inputPoints: gd.data[0].x.length, xRange: gd._fullLayout.xaxis.range,
          legend: gd.querySelectorAll('.legend .traces').length, tick: +document.querySelector('#tick').innerText,
          caption: gd.parentElement.querySelector('.descentlab-caption').textContent};
}"""


# points in the line Plotly drew (an SVG path's "d"; a missing point draws none)
SVG_LINE_POINTS = """() => [...document.querySelectorAll('.st-key-chart .scatterlayer .js-line')]
  .reduce((n, p) => n + ((p.getAttribute('d') || '').match(/[ML]/g) || []).length, 0)"""


def test_pictures_and_canvas_lines_update_without_plotly(tmp_path):
    """While playing, a frame that changes only pictures and growing lines (the Playground's boundary,
    network and cost charts) is drawn without Plotly.react: the <image> gets its new source and the
    lines are painted on a canvas over the plot. The legend stays, a zoom does not bring back stale
    lines, and the PNG export gets the real points. Paused, Plotly draws the lines again (with hover)."""
    with _app_page(tmp_path, PICTURES_AND_LINES_APP, COUNT_DRAWS) as page:
        # the chart drawn once, and the tick counter it is read beside on the page (slow under load)
        page.wait_for_function("window.__drawn && __drawn.react >= 1 && document.querySelector('#tick')",
                               polling=100, timeout=90_000)
        first = page.evaluate(CHART_STATE)
        page.wait_for_function(f"__drawn.pictures >= {first['drawn']['pictures'] + 5}", polling=100, timeout=90_000)
        live = page.evaluate(CHART_STATE)
        assert live["reacts"] == first["reacts"], (first, live)  # no Plotly.react for these frames
        assert live["href"] == live["source"] != first["source"], live
        assert live["canvas"] and live["red"] > 100, live
        assert live["legend"] == 1 and live["plotlyPoints"] == 1, live
        assert live["inputPoints"] == 1 and live["tick"] > first["tick"], live
        assert live["caption"].startswith("caption "), live
        # The x axis steps on every 8 ticks: Plotly.relayout moves it, still without a react.
        page.wait_for_function(f"__drawn.relayout >= 2 && __reacts === {first['reacts']}", polling=100,
                               timeout=90_000)
        stepped = page.evaluate(CHART_STATE)
        assert stepped["xRange"][1] == 400 + 100 * (stepped["tick"] // 8), stepped
        # A zoom makes Plotly redraw from its input data: it must not draw the lines (stale, under
        # the canvas). The PNG export does get them.
        zoomed_at = page.evaluate("Plotly.relayout(document.querySelector('.st-key-chart .js-plotly-plot'), "
                                  "{'xaxis.range': [0, 300]}) && __hows.length")
        assert page.evaluate(SVG_LINE_POINTS) == 0
        page.locator(".st-key-chart .js-plotly-plot").hover()
        with page.expect_download(timeout=90_000) as download:
            page.locator(".st-key-chart [data-title='Download plot as a PNG']").click()
        with Image.open(download.value.path()) as png:
            rgb = np.asarray(png.convert("RGB"), dtype=int)
        red = (rgb[..., 0] > 150) & (rgb[..., 1] < 100) & (rgb[..., 2] < 100)
        assert red.sum() > 100, red.sum()  # the sine line, in its colour
        assert page.evaluate(SVG_LINE_POINTS) == 0 and page.evaluate(CHART_STATE)["inputPoints"] == 1
        # With the axis not where the last frame left it (zoomed), its next step is a react (which
        # keeps a user's zoom through uirevision), never a relayout over the zoom.
        page.wait_for_function(f"__hows.slice({zoomed_at}).some((h) => h !== 'pictures')", polling=100,
                               timeout=90_000)
        assert page.evaluate(f"__hows.slice({zoomed_at}).find((h) => h !== 'pictures')") == "react"

        page.locator(".st-key-pause button").click()
        page.wait_for_function(f"__reacts > {live['reacts']}", polling=100, timeout=90_000)
        page.wait_for_timeout(300)
        paused = page.evaluate(CHART_STATE)
        assert not paused["canvas"] and paused["plotlyPoints"] == paused["tick"] + 1, paused
        assert page.locator(".st-key-chart .js-plotly-plot .scatterlayer .js-line").count() == 1



def test_served_by_server_py_plotly_js_is_one_cached_file_not_element_data():
    """With the route (server.py), the loader's data is the file's address (each full run sent, and
    Streamlit hashed, the 1.5 MB otherwise); the route serves plotly.min.js gzipped, cacheable for a
    year under an address that names plotly's version."""
    import asyncio

    import plotly
    from starlette.routing import Route

    from descentlab.ui.live import elements

    assert plotly.__version__ in elements.PLOTLY_ROUTE
    res = asyncio.run(elements.serve_plotly(None))
    assert res.status_code == 200 and res.headers["content-encoding"] == "gzip"
    assert "immutable" in res.headers["cache-control"] and res.media_type == "text/javascript"
    assert gzip.decompress(res.body) == elements._PLOTLY_JS.read_bytes()
    (served,) = [r for r in elements.asset_routes() if isinstance(r, Route)]
    assert served.path == elements.PLOTLY_ROUTE and served.methods >= {"GET"}
    server_py = (Path(elements.__file__).parents[3] / "server.py").read_text(encoding="utf-8")
    assert "elements.asset_routes()" in server_py


def test_with_the_route_the_loader_sends_the_address(monkeypatch):
    from descentlab.ui.live import elements, route

    monkeypatch.setattr(route, "available", lambda: True)  # as under server.py
    at = AppTest.from_string(SCRIPT).run(timeout=60)
    loader = _elements(at)["descentlab.plotly_loader"]
    assert json.loads(loader.json) == {"url": elements.PLOTLY_ROUTE} and not loader.bytes
