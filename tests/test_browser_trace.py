"""Trace one example in a real browser at projector size (1280×720): a mouse click on a training point
of the decision boundary (its pixel from the Plotly chart's own axes) opens the trace panel for that
example, its x written in the panel, the point ringed on the chart; presentation mode keeps it.
Screenshots go to artifacts/trace/ for a person to look at."""
import json
import time

import numpy as np
from playwright.sync_api import Error as PlaywrightError

from descentlab.engine.build import build
from descentlab.engine.config import RunConfig
from descentlab.viz.trace import num
from tests.browser import ROOT, wait_for_app

SHOTS = ROOT / "artifacts" / "trace"
CHART = ".st-key-live_boundary .js-plotly-plot"
# page pixel of a point (x1, x2) of the boundary chart, from its axes
PIXEL = """([sel, x, y]) => {
  const gd = document.querySelector(sel), fl = gd._fullLayout, r = gd.getBoundingClientRect();
  return [r.left + fl.xaxis._offset + fl.xaxis.l2p(x), r.top + fl.yaxis._offset + fl.yaxis.l2p(y)];
}"""
TEX = """() => [...document.querySelectorAll('.st-key-trace_panel annotation')].map((a) => a.textContent)"""
TOP = "(sel) => document.querySelector(sel).scrollIntoView({block: 'start'})"
LAST_TRACE = """(sel) => { const d = document.querySelector(sel).data; return d[d.length - 1].name; }"""


def _loneliest_training_point(data) -> int:
    """The training example farthest from every other point: a click on it cannot mean another."""
    pts = np.concatenate([data.points_train, data.points_test], axis=1)
    d = np.hypot(pts[0][:, None] - pts[0][None], pts[1][:, None] - pts[1][None])
    np.fill_diagonal(d, np.inf)
    inside = (np.abs(data.points_train) < 0.8 * np.abs(data.points_train).max()).all(axis=0)  # not at an edge
    gaps = np.where(inside, d[: data.m_train].min(axis=1), -1)
    return int(np.argmax(gaps))


TOAST_GONE = "() => !document.querySelector('[data-testid=\"stToast\"]')"


def _scroll_to(page, selector: str) -> None:
    """Scroll the element into view; a page run may replace it meanwhile (the boundary chart is
    redrawn after a Step), so look it up again until it holds still, within 90 s."""
    deadline = time.monotonic() + 90
    while True:
        try:
            page.locator(selector).first.scroll_into_view_if_needed(timeout=5_000)
            return
        except PlaywrightError:
            if time.monotonic() > deadline:
                raise
            wait_for_app(page)


def test_clicking_a_training_point_traces_it_at_1280x720(served_app):
    SHOTS.mkdir(parents=True, exist_ok=True)
    data = build(RunConfig()).dataset
    j = _loneliest_training_point(data)
    browser, base_url = served_app
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(base_url + "/playground")
    wait_for_app(page)
    page.locator(CHART).wait_for(timeout=30_000)
    page.locator(".st-key-btn_step button").first.click()  # one step: θ is a trained one, not the start
    page.wait_for_timeout(300)
    wait_for_app(page)
    assert page.locator(".st-key-trace_panel").count() == 0
    px, py = page.evaluate(PIXEL, [CHART, float(data.points_train[0, j]), float(data.points_train[1, j])])
    page.mouse.move(px, py)
    page.wait_for_timeout(300)
    page.mouse.click(px, py)
    page.locator(".st-key-trace_panel").wait_for(timeout=30_000)
    wait_for_app(page)
    # the panel's formulas are typeset after its elements arrive (KaTeX), and a page run that Step's
    # answer asked for may still be redrawing the page
    page.wait_for_function(f"() => ({TEX})().some((t) => t.includes('a^{{[0]}}'))", timeout=30_000)
    heading = page.locator(".st-key-trace_panel").inner_text()
    assert f"training example {j} " in heading, heading
    tex = page.evaluate(TEX)
    x_line = next(t for t in tex if "a^{[0]}" in t)
    assert num(data.X_train[0, j]) in x_line and num(data.X_train[1, j]) in x_line, x_line
    assert any(r"\hat y - y" in t for t in tex), "no dz[L] = ŷ − y"
    assert page.locator(".st-key-trace_panel .katex-error").count() == 0, "a formula KaTeX cannot draw"
    assert page.evaluate(LAST_TRACE, CHART) == "traced", "the point is not ringed"
    page.mouse.move(5, 700)  # the hover label off the point: the ring shows
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / "trace_1280x720.png"))
    page.locator(".st-key-btn_step button").first.click()  # Step: the same example, new numbers
    page.wait_for_function(f"(old) => JSON.stringify(({TEX})()) !== old", arg=json.dumps(tex), timeout=30_000)
    wait_for_app(page)
    assert f"training example {j} " in page.locator(".st-key-trace_panel").inner_text()
    page.wait_for_function(TOAST_GONE, timeout=90_000)  # "its numbers are under the charts": out of the picture
    page.evaluate(TOP, ".st-key-trace_panel")
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / "trace_panel_1280x720.png"))
    page.mouse.wheel(0, 650)
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / "trace_panel_lower_1280x720.png"))

    page.locator("[data-testid='stSidebar'] label:has-text('Presentation mode')").click()
    wait_for_app(page)
    page.locator(".st-key-trace_panel").wait_for(timeout=30_000)
    _scroll_to(page, CHART)
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / "trace_presentation_1280x720.png"))
    page.evaluate(TOP, ".st-key-trace_panel")
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / "trace_panel_presentation_1280x720.png"))
    assert f"training example {j} " in page.locator(".st-key-trace_panel").inner_text()

    page.locator(".st-key-trace_clear button").first.click()
    page.wait_for_timeout(300)
    wait_for_app(page)
    assert page.locator(".st-key-trace_panel").count() == 0
    assert page.evaluate(LAST_TRACE, CHART) != "traced"
