"""Inputs and layers on the network diagram, in a real browser (served as `make run` serves it): a mouse
click on the hollow x₁² input node turns the feature on, and a click on layer 1's "+" gives it one
unit more; after each, the diagram, the sidebar's widgets and the address bar say the same. The new
network comes in the touch route's answer (not after a page run); a "−" while playing starts the
new run paused at iteration 0, as the sidebar's change does. Screenshots
at 1280×720 (presentation mode off and on, and hovering an unused input) and 1920×1080 go to
artifacts/diagram_controls/."""
import json

from bench.load_test import _start_playing
from descentlab.ui.live.route import HEADER
from tests.browser import DIAGRAM_POINT_PIXEL, ROOT, shots_beyond_1280, steady_click, wait_for_app

SHOTS = ROOT / "artifacts" / "diagram_controls"
DIAGRAM = ".st-key-live_network .js-plotly-plot"
TRACE = """(name) => {
  const gd = document.querySelector('.st-key-live_network .js-plotly-plot');
  const t = gd && gd.data && gd.data.find((t) => t.name === name);
  return t ? { n: t.x.length, symbol: t.marker && t.marker.symbol, text: t.text,
               layer1: Array.from(t.x).filter((x) => x === 1).length } : null;
}"""
SIDEBAR_TEXT = "(key) => document.querySelector('.st-key-' + key)?.textContent ?? ''"
FRAME = HEADER.lower()  # Playwright names response headers in lower case
ITERATION = "() => Number(document.querySelector('.dl-status .dl-value')?.textContent.replace(/[^0-9]/g, ''))"
UNITS_0 = "() => document.querySelector('.st-key-cfg_units_0 input[type=range]')?.value"  # drawn a little late


def test_clicking_an_input_and_a_plus_changes_the_diagram_the_sidebar_and_the_link_alike(served_app):
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser, base_url = served_app
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(base_url + "/playground?seed=3")
    wait_for_app(page)
    page.wait_for_function(f"() => ({TRACE})('inputs')?.n === 7")  # every feature, x₁² among them
    assert page.evaluate(TRACE, "inputs")["symbol"][:3] == ["square", "square", "square-open"]
    assert "x₁²" not in page.evaluate(SIDEBAR_TEXT, "cfg_features")

    answers = []  # the touch route's answers: the new network comes in its frame, not after a page run
    page.on("response", lambda r: r.url.endswith("/act") and answers.append(json.loads(r.headers.get(FRAME, "{}"))))
    steady_click(page, DIAGRAM_POINT_PIXEL, ["inputs", 2, None])  # x₁²: on
    page.wait_for_function("() => decodeURIComponent(location.search).includes('features=x1,x2,x1_sq')")
    page.wait_for_function(f"() => ({TRACE})('inputs')?.symbol[2] === 'square'")
    wait_for_app(page)
    assert "x₁²" in page.evaluate(SIDEBAR_TEXT, "cfg_features")  # the sidebar's multiselect has it
    assert any(a.get("handled") and "live_network" in [k for k, _ in a["parts"]] for a in answers), answers

    steady_click(page, DIAGRAM_POINT_PIXEL, ["units_plus", 0, None])  # layer 1: 8 -> 9 units
    page.wait_for_function(f"() => ({TRACE})('units')?.layer1 === 9")
    page.wait_for_function("() => decodeURIComponent(location.search).includes('hidden=9,8')")
    wait_for_app(page)
    page.wait_for_function(f"() => ({UNITS_0})() === '9'")  # the sidebar's "Units in layer 1"
    assert page.evaluate(TRACE, "unit_counts")["text"] == ["9", "8"]
    assert "x₁²" in page.evaluate(SIDEBAR_TEXT, "cfg_features")  # the rebuild kept the feature

    _start_playing(page)  # a new network while playing: the run starts again, paused, as from the sidebar
    steady_click(page, DIAGRAM_POINT_PIXEL, ["units_minus", 0, None])  # layer 1: 9 -> 8 units
    page.wait_for_function(f"() => ({TRACE})('units')?.layer1 === 8")
    page.locator(".st-key-btn_play button", has_text="Play").first.wait_for()
    wait_for_app(page)
    page.wait_for_function(f"() => ({UNITS_0})() === '8'")
    page.wait_for_function(f"() => ({ITERATION})() === 0")  # frames of the old run did not come after it
    assert page.locator("[data-testid='stException'], [data-testid='stAlertContentError']").count() == 0
    steady_click(page, DIAGRAM_POINT_PIXEL, ["units_plus", 0, None])  # 9 again, for the screenshots
    page.wait_for_function(f"() => ({UNITS_0})() === '9'")
    wait_for_app(page)
    page.wait_for_timeout(500)  # the pictures' fade-in: for the screenshot only
    page.screenshot(path=str(SHOTS / "after_clicks_1280x720.png"))

    at = page.evaluate(DIAGRAM_POINT_PIXEL, ["inputs", 5, None])  # hover an unused input: what a click would do
    page.mouse.move(at["x"], at["y"])
    page.wait_for_function("() => document.querySelector('.st-key-live_network .hoverlayer')?.textContent"
                           ".includes('turn it on')")
    page.screenshot(path=str(SHOTS / "hover_unused_input_1280x720.png"))

    shots_beyond_1280(page, SHOTS / "presentation_1280x720.png", SHOTS / "after_clicks_1920x1080.png",
                      ready=f"() => ({TRACE})('units')?.layer1 === 9")
