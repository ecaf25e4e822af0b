"""Setting a weight and a bias by hand, in a real browser (served as `make run` serves it): paused, a
mouse click on a weight of the network diagram opens a number field; typing a value and Enter puts it
into θ: the diagram's weight then holds it, the status line's training cost changes, the cost curve
marks the edit, and after a Step the address bar carries it. A click on a unit opens its bias's field
and still shows the unit big on the boundary chart. Screenshots at 1280×720, presentation mode off
and on, go to artifacts/edit/. The number field is the live chart's (descentlab.ui.live: touch.js)."""
from tests.browser import DIAGRAM_POINT_PIXEL, ROOT, UNIT_PIXEL, set_presentation, steady_click, wait_for_app

SHOTS = ROOT / "artifacts" / "edit"
FIELD = ".st-key-live_network input"
WEIGHT = """([l, r, c]) => {
  const gd = document.querySelector('.st-key-live_network .js-plotly-plot');
  const t = gd && gd._fullData && gd._fullData.find((d) => d.name === 'weights');
  const row = t && t.customdata && Array.from(t.customdata).find((d) => d[0] === l && d[1] === r && d[2] === c);
  return row ? row[3] : null;
}"""
BIAS = """([l, u]) => {
  const gd = document.querySelector('.st-key-live_network .js-plotly-plot');
  const t = gd && gd._fullData && gd._fullData.find((d) => d.name === 'units');
  const row = t && t.customdata && Array.from(t.customdata).find((d) => d[0] === l && d[1] === u);
  return row ? row[2] : null;
}"""
EDIT_MARKS = """() => {
  const gd = document.querySelector('.st-key-live_cost .js-plotly-plot');
  const t = gd && gd._fullData && gd._fullData.find((d) => d.name === 'edits');
  return t ? Array.from(t.x || []).length : -1;
}"""
TRAIN_COST = """() => [...document.querySelectorAll('.dl-cell')].find((c) => c.textContent.startsWith('Train cost'))
    ?.querySelector('.dl-value').textContent"""
TITLE_HAS = "(text) => document.querySelector('.st-key-live_boundary .js-plotly-plot')?.textContent.includes(text)"


def _type_value(page, value: str) -> None:
    field = page.locator(FIELD).first
    field.wait_for(state="visible")
    field.fill(value)
    field.press("Enter")


def test_editing_a_weight_and_a_bias_with_the_mouse(served_app):
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser, base_url = served_app
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(base_url + "/playground?seed=3")
    wait_for_app(page)
    page.wait_for_function(f"() => ({WEIGHT})([3, 1, 2]) !== null")
    cost_before = page.evaluate(TRAIN_COST)
    assert page.evaluate(EDIT_MARKS) == 0

    # W[3] row 1, column 2: the line from layer 2's second unit to the output (a midpoint no other line has)
    steady_click(page, DIAGRAM_POINT_PIXEL, ["weights", 0, [3, 1, 2]])
    page.locator(FIELD).first.wait_for(state="visible")
    page.screenshot(path=str(SHOTS / "weight_field_1280x720.png"))
    _type_value(page, "-1.5")
    page.wait_for_function(f"() => ({WEIGHT})([3, 1, 2]) === -1.5")
    page.wait_for_function(f"(before) => ({TRAIN_COST})() !== before", arg=cost_before)
    page.wait_for_function(f"() => ({EDIT_MARKS})() === 1")
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / "weight_set_1280x720.png"))

    # a unit: its bias's field, and the unit still shown big on the boundary chart
    steady_click(page, UNIT_PIXEL, [1, 2])
    _type_value(page, "0.5")
    page.wait_for_function(f"() => ({BIAS})([1, 3]) === 0.5")
    page.wait_for_function(TITLE_HAS, arg="a[1]₃")
    page.wait_for_function(f"() => ({EDIT_MARKS})() === 2")

    # the link carries the edits at once (the page's run after the touch), and the run continues from them
    page.wait_for_function("() => decodeURIComponent(location.search).includes('0_W3_0_1_-1.5~0_b1_2_0_0.5')")
    page.locator(".st-key-btn_step button").first.click()
    wait_for_app(page)
    assert "0_W3_0_1_-1.5~0_b1_2_0_0.5" in page.evaluate("() => decodeURIComponent(location.search)")

    set_presentation(page, True)
    wait_for_app(page)
    steady_click(page, DIAGRAM_POINT_PIXEL, ["weights", 0, [3, 1, 2]])
    page.locator(FIELD).first.wait_for(state="visible")
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / "weight_field_presentation_1280x720.png"))
