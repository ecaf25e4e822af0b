"""Draw your own data, in a real browser (served as `make run` serves it): with the "draw" data set, three
mouse clicks on the decision boundary chart (one of class 0, then two of class 1 picked beside the chart)
add three points of those classes to the data set, while training plays; the network trains on them
with the same weights (the iteration goes on), and the boundary bends towards a class-1 point dropped
into class 0's corner: P(y=1) under it rises (without the drawn point it could only fall there).
Screenshots at 1280×720, presentation mode off and on, and 1920×1080 go to artifacts/draw/."""
from tests.browser import ROOT, shots_beyond_1280, wait_for_app

SHOTS = ROOT / "artifacts" / "draw"
CHART = ".st-key-live_boundary .js-plotly-plot"
# The points the chart draws, per trace name ("class 0", "class 1"): every numeric x of a scatter trace.
COUNTS = f"""() => {{
  const gd = document.querySelector("{CHART}");
  if (!gd || !gd.data) return null;
  const out = {{}};
  for (const t of gd.data) {{
    if (!String(t.name || '').startsWith('class')) continue;
    out[t.name] = Array.from(t.x || []).filter((v) => typeof v === 'number').length;
  }}
  return out;
}}"""
# Where data point (x, y) is on the page, in viewport pixels (Plotly's axes map data to the plot area).
PIXEL = f"""([x, y]) => {{
  const gd = document.querySelector("{CHART}");
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
  return {{ x: box.left + xa._offset + xa.l2p(x), y: box.top + ya._offset + ya.l2p(y) }};
}}"""
# How orange (class 1) the surface picture is under data point (x, y): R − B of its pixel there.
ORANGE = f"""async ([x, y]) => {{
  const gd = document.querySelector("{CHART}");
  const im = gd.layout.images[0];
  const img = new Image();
  img.src = im.source;
  await img.decode();
  const c = document.createElement('canvas');
  c.width = img.width; c.height = img.height;
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const col = Math.floor((x - im.x) / im.sizex * img.width), row = Math.floor((im.y - y) / im.sizey * img.height);
  const [r, , b] = ctx.getImageData(col, row, 1, 1).data;
  return r - b;
}}"""
SURFACE = f"() => document.querySelector('{CHART}')?.layout?.images?.[0]?.source"
ITERATION = """() => Number(document.querySelector('.dl-status .dl-value')?.textContent.replace(/[^0-9]/g, ''))"""
OUTLIER = (-0.95, 0.95)  # class 1, in the corner beyond class 0's three points (the default start)


def _click_at(page, x: float, y: float) -> None:
    at = page.evaluate(PIXEL, [x, y])
    page.mouse.click(at["x"], at["y"])


def _counts_are(page, expected: dict) -> None:
    page.wait_for_function(f"(want) => JSON.stringify(({COUNTS})()) === JSON.stringify(want)", arg=expected,
                           timeout=30_000)


def test_three_clicks_add_three_points_of_the_chosen_classes_and_the_boundary_bends(served_app):
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser, base_url = served_app
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(base_url + "/playground?dataset=draw&seed=1&lr=0.3")
    wait_for_app(page)
    _counts_are(page, {"class 0": 3, "class 1": 3})

    page.locator(".st-key-btn_play button").first.click()  # training goes on while we draw
    page.wait_for_function(f"() => ({ITERATION})() > 50")
    _click_at(page, 0.9, -0.2)  # class 0 (the picker's default), on class 1's side
    _counts_are(page, {"class 0": 4, "class 1": 3})
    page.locator(".st-key-draw_class button", has_text="1").click()
    wait_for_app(page)
    _click_at(page, 0.0, -0.95)
    _counts_are(page, {"class 0": 4, "class 1": 4})
    before = page.evaluate(ORANGE, list(OUTLIER))
    it, shown = page.evaluate(ITERATION), page.evaluate(SURFACE)
    _click_at(page, *OUTLIER)
    _counts_are(page, {"class 0": 4, "class 1": 5})
    # the run went on with the same weights (no reset), and the boundary bent towards the new point
    page.wait_for_function(f"([it, src]) => ({ITERATION})() > it + 100 && ({SURFACE})() !== src", arg=[it, shown])
    assert page.evaluate(ITERATION) > it, "the run was reset by the click"
    page.wait_for_function(f"(was) => ({ORANGE})({list(OUTLIER)}).then((now) => now > was + 20)", arg=before,
                           timeout=60_000)
    page.screenshot(path=str(SHOTS / "draw_playing_1280x720.png"))
    page.locator(".st-key-btn_play button").first.click()  # pause
    wait_for_app(page)
    # the page's run after the pause counts them under the charts (the frames drew them already)
    page.locator("[data-testid='stCaptionContainer']", has_text="9 drawn points (4 of class 0 + 5 of class 1") \
        .wait_for(timeout=90_000)
    assert "draw=" in page.url  # the address bar carries the drawn points
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / "draw_paused_1280x720.png"))

    shots_beyond_1280(page, SHOTS / "draw_presentation_1280x720.png", SHOTS / "draw_1920x1080.png")
