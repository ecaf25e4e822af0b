"""Inputs and layers on the network diagram, in a real browser (served as `make run` serves it): a mouse
click on the hollow x₁² input node turns the feature on, and a click on layer 1's "+" gives it one
unit more; after each, the diagram, the sidebar's widgets and the address bar say the same. Screenshots
at 1280×720 (presentation mode off and on, and hovering an unused input) and 1920×1080 go to
artifacts/diagram_controls/."""
from tests.browser import DIAGRAM_POINT_PIXEL, ROOT, steady_click, wait_for_app
from tests.test_layout import set_presentation

SHOTS = ROOT / "artifacts" / "diagram_controls"
DIAGRAM = ".st-key-live_network .js-plotly-plot"
TRACE = """(name) => {
  const gd = document.querySelector('.st-key-live_network .js-plotly-plot');
  const t = gd && gd.data && gd.data.find((t) => t.name === name);
  return t ? { n: t.x.length, symbol: t.marker && t.marker.symbol, text: t.text,
               layer1: Array.from(t.x).filter((x) => x === 1).length } : null;
}"""
SIDEBAR_TEXT = "(key) => document.querySelector('.st-key-' + key)?.textContent ?? ''"
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

    steady_click(page, DIAGRAM_POINT_PIXEL, ["inputs", 2, None])  # x₁²: on
    page.wait_for_function("() => decodeURIComponent(location.search).includes('features=x1,x2,x1_sq')")
    page.wait_for_function(f"() => ({TRACE})('inputs')?.symbol[2] === 'square'")
    wait_for_app(page)
    assert "x₁²" in page.evaluate(SIDEBAR_TEXT, "cfg_features")  # the sidebar's multiselect has it

    steady_click(page, DIAGRAM_POINT_PIXEL, ["units_plus", 0, None])  # layer 1: 8 -> 9 units
    page.wait_for_function(f"() => ({TRACE})('units')?.layer1 === 9")
    page.wait_for_function("() => decodeURIComponent(location.search).includes('hidden=9,8')")
    wait_for_app(page)
    page.wait_for_function(f"() => ({UNITS_0})() === '9'")  # the sidebar's "Units in layer 1"
    assert page.evaluate(TRACE, "unit_counts")["text"] == ["9", "8"]
    assert "x₁²" in page.evaluate(SIDEBAR_TEXT, "cfg_features")  # the rebuild kept the feature
    page.wait_for_timeout(500)  # the pictures' fade-in: for the screenshot only
    page.screenshot(path=str(SHOTS / "after_clicks_1280x720.png"))

    at = page.evaluate(DIAGRAM_POINT_PIXEL, ["inputs", 5, None])  # hover an unused input: what a click would do
    page.mouse.move(at["x"], at["y"])
    page.wait_for_function("() => document.querySelector('.st-key-live_network .hoverlayer')?.textContent"
                           ".includes('turn it on')")
    page.screenshot(path=str(SHOTS / "hover_unused_input_1280x720.png"))

    set_presentation(page, True)
    wait_for_app(page)
    page.wait_for_function(f"() => ({TRACE})('units')?.layer1 === 9")
    page.wait_for_timeout(800)
    page.screenshot(path=str(SHOTS / "presentation_1280x720.png"))
    set_presentation(page, False)
    wait_for_app(page)

    page.set_viewport_size({"width": 1920, "height": 1080})
    page.wait_for_timeout(800)
    page.screenshot(path=str(SHOTS / "after_clicks_1920x1080.png"))
