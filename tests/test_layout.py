"""The app as a lecture room sees it: every page at a projector's 1280×720 and at 1920×1080, in
presentation mode and not, checked from what the browser drew (tests/layout_probe.js):

- every page opens by its address and from the sidebar, with no exception or error box, and draws
  its main charts (``CHARTS``);
- the live pages' controls, status and main charts are whole on the first screen (no scrolling);
- no text is clipped (cut by its box or by a container that hides or scrolls what runs past it);
- no text overlaps another;
- no Plotly legend covers its chart's title or plot.

One server, one browser: without presentation mode each page is opened by its address (a new
session, as a shared link opens it); then presentation mode is switched on and the pages are opened
from the sidebar's navigation, so the mode holds for every page. A screenshot of each page, size and
mode goes to artifacts/layout/ for a person to look at. Every problem found is listed in one failure."""
from __future__ import annotations

import time

import pytest

from bench.load_test import _click, _start_playing
from descentlab.ui import pages
from tests.browser import APP_IDLE, ROOT, served_browser, set_presentation, wait_for_app

SHOTS = ROOT / "artifacts" / "layout"
DEADLINE_MS = 90_000  # a busy 2-core machine: waits end on their condition, this is only the limit
PROBE = (ROOT / "tests" / "layout_probe.js").read_text(encoding="utf-8")
SIZES = [(1280, 720), (1920, 1080)]
# Plotly charts each page draws on arrival at least, by its url path (a page missing here fails)
CHARTS = {"": 0, "images": 2, "derivatives": 1, "one_neuron": 2, "losses": 2, "vectorization": 1, "broadcasting": 1,
          "activations": 1, "playground": 3, "compare": 2, "init_lab": 2, "lr_explorer": 2, "runs": 0}
# (url path, charts), every page of the registry in the navigation's order
PAGES = [(p.url_path, CHARTS[p.url_path]) for p in pages.PAGES]
ERRORS = "[data-testid='stException'], [data-testid='stAlertContentError']"
CHART = ".st-key-{} .js-plotly-plot"
# What must be on the first screen of each live page: its transport buttons, status and main charts.
ABOVE_THE_FOLD = {
    "playground": [".st-key-btn_play", ".st-key-live_status", CHART.format("live_boundary"),
                   CHART.format("live_cost"), CHART.format("live_network")],
    "compare": [".st-key-cmp_status", CHART.format("cmp_live_cost"), CHART.format("cmp_live_boundaries")],
    "init_lab": [".dl-status", CHART.format("init_live_training")],
    "lr_explorer": [".st-key-lr_status", CHART.format("lr_live_curves"), CHART.format("lr_live_final")],
}
DRAWN = "[...document.querySelectorAll('.js-plotly-plot')].filter((g) => g.querySelector('.main-svg')).length"
# Where the page stands: an unchanged signature twice in a row means it has settled.
SIGNATURE = """() => [document.querySelector("[data-testid='stMain']").scrollHeight,
  ...[...document.querySelectorAll('.js-plotly-plot, .legend, .stElementContainer')].map((e) => {
    const r = e.getBoundingClientRect(); return `${Math.round(r.top)},${Math.round(r.width)},${Math.round(r.height)}`; })
].join(';')"""


def settle(page, charts: int, deadline_s: float = 90) -> None:
    """Wait until the script has run, ``charts`` Plotly charts are drawn and nothing moves any more."""
    wait_for_app(page, deadline_s * 1000)
    if charts:
        page.wait_for_function(f"() => {DRAWN} >= {charts}", timeout=deadline_s * 1000)
    deadline, last = time.monotonic() + deadline_s, None
    while time.monotonic() < deadline:
        page.wait_for_selector(APP_IDLE, timeout=deadline_s * 1000)
        now = page.evaluate(SIGNATURE)
        if now == last:
            return
        last = now
        page.wait_for_timeout(300)  # a poll interval, not a wait for something: the loop has the deadline
    raise AssertionError("the page never stopped moving")


def open_from_sidebar(page, path: str, charts: int) -> None:
    link = page.locator(f"[data-testid='stSidebarNav'] a[href$='/{path}']").first
    link.click()
    page.wait_for_function(f"() => location.pathname.replace(/\\/$/, '').endsWith('/{path}'.replace(/\\/$/, ''))")
    settle(page, charts)


def problems(page, where: str, main: list[str]) -> list[str]:
    found = page.evaluate(PROBE, main)
    return [f"{where}: {kind}: {item}" for kind, items in found.items() for item in items]


def set_sidebar(page, open_: bool) -> None:
    sidebar = page.locator("[data-testid='stSidebar']")
    if (sidebar.get_attribute("data-collapsed") == "false") == open_:
        return
    if open_:
        page.locator("[data-testid='stExpandSidebarButton']").click()
    else:
        sidebar.hover()
        page.locator("[data-testid='stSidebarCollapseButton'] button").click()
    page.wait_for_function("(o) => document.querySelector(\"[data-testid='stSidebar']\")"
                           ".getAttribute('data-collapsed') === String(!o)", arg=open_)


@pytest.fixture(scope="module")
def browser():
    SHOTS.mkdir(parents=True, exist_ok=True)
    with served_browser() as served:
        yield served


@pytest.mark.parametrize("width,height", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_page_fits_the_screen_without_clipped_or_covered_text(browser, width, height):
    chromium, base_url = browser
    page = chromium.new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(DEADLINE_MS)
    found: list[str] = []
    try:
        for presenting in (False, True):
            mode = "presentation" if presenting else "normal"
            for path, charts in PAGES:
                if presenting:
                    open_from_sidebar(page, path, charts)
                else:
                    page.goto(f"{base_url}/{path}")
                    settle(page, charts)
                where = f"{path or 'home'} {width}x{height} {mode}"
                found += problems(page, where, ABOVE_THE_FOLD.get(path, []))
                if page.locator(ERRORS).count():
                    found.append(f"{where}: an error box: {page.locator(ERRORS).first.inner_text()}")
                page.screenshot(path=str(SHOTS / f"{path or 'home'}_{width}x{height}_{mode}.png"))
            # the Playground again with the sidebar collapsed: still one screen
            open_from_sidebar(page, "playground", 3)
            set_sidebar(page, False)
            settle(page, 3)
            found += problems(page, f"playground {width}x{height} {mode} sidebar collapsed", ABOVE_THE_FOLD["playground"])
            page.screenshot(path=str(SHOTS / f"playground_{width}x{height}_{mode}_collapsed.png"))
            set_sidebar(page, True)
            if not presenting:
                set_presentation(page, True)
    finally:
        page.close()
    assert not found, "\n".join(found)


# The boundary's and the cost's plot widths match their elements again after a resize
REDRAWN = """() => ['live_boundary', 'live_cost'].every((key) => {
  const box = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  const svg = box && box.querySelector('.main-svg');
  return svg && Math.abs(svg.getBoundingClientRect().width - box.getBoundingClientRect().width) < 2; })"""
ITERATION = "() => +(document.querySelector('.st-key-live_status .dl-value')?.textContent || '0').replace(/,/g, '')"


def test_legends_stay_off_the_plots_after_a_window_resize_while_playing(browser):
    """Issue 14: after a resize while playing, the boundary's legend sat on the heatmap."""
    chromium, base_url = browser
    page = chromium.new_page(viewport={"width": 1280, "height": 720})
    page.set_default_timeout(DEADLINE_MS)
    try:
        page.goto(f"{base_url}/playground")
        settle(page, 3)
        _start_playing(page)  # clicked again if a rerun swallowed the click
        page.wait_for_function(f"() => ({ITERATION})() > 0", timeout=DEADLINE_MS)
        for width, height in ((1920, 1080), (1000, 720)):
            page.set_viewport_size({"width": width, "height": height})
            page.wait_for_function(REDRAWN, timeout=DEADLINE_MS)
            start = page.evaluate(ITERATION)
            page.wait_for_function(f"() => ({ITERATION})() > {start}", timeout=DEADLINE_MS)  # still playing
            found = page.evaluate(PROBE, [])["legends"]
            assert not found, (width, found)
        page.screenshot(path=str(SHOTS / "playground_resized_while_playing.png"))
        _click(page, "btn_play")  # pause
    finally:
        page.close()


def test_home_page_descriptions_wrap_on_a_phone(browser):
    """Issue 14: the page descriptions were cut mid-word, without an ellipsis, on a phone too."""
    chromium, base_url = browser
    page = chromium.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page.set_default_timeout(DEADLINE_MS)
    try:
        page.goto(base_url)
        settle(page, 0)
        found = page.evaluate(PROBE, [])
        page.screenshot(path=str(SHOTS / "home_phone.png"))
        assert not found["clipped"] and not found["overlaps"], found
    finally:
        page.close()
