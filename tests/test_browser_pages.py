"""Every page in a real browser, opened by its address: no exception box, its main charts drawn.
Screenshots go to artifacts/pages/ for a person to look at (presentation mode's: tests/test_layout.py,
which also finds no exception box on any page in either mode)."""
import pytest

from descentlab.ui import pages
from tests.browser import ROOT, served_browser, wait_for_app

SHOTS = ROOT / "artifacts" / "pages"
# Plotly charts each page draws on arrival at least, by its url path (a page missing here fails below)
CHARTS = {"": 0, "images": 2, "derivatives": 1, "one_neuron": 2, "losses": 2, "vectorization": 1, "broadcasting": 1,
          "activations": 1, "playground": 3, "compare": 2, "init_lab": 2, "lr_explorer": 2, "runs": 0}
# (url path, charts), every page of the registry in the navigation's order
PAGES = [(p.url_path, CHARTS[p.url_path]) for p in pages.PAGES]
ERRORS = "[data-testid='stException'], [data-testid='stAlertContentError']"


@pytest.fixture(scope="module")
def browser():
    SHOTS.mkdir(parents=True, exist_ok=True)
    with served_browser() as served:
        yield served


DRAWN = "[...document.querySelectorAll('.js-plotly-plot')].filter((g) => g.querySelector('.main-svg')).length"


def _drawn_charts(page) -> int:
    return page.evaluate(f"() => {DRAWN}")


@pytest.mark.parametrize("path,charts", PAGES, ids=[p or "home" for p, _ in PAGES])
def test_page_opens_without_errors_and_draws_its_charts(browser, path, charts):
    chromium, base_url = browser
    page = chromium.new_page(viewport={"width": 1600, "height": 1000})
    try:
        page.goto(f"{base_url}/{path}")
        wait_for_app(page)
        if charts:
            page.wait_for_function(f"() => {DRAWN} >= {charts}", timeout=90_000)
        page.wait_for_timeout(500)
        errors = page.locator(ERRORS)
        assert errors.count() == 0, errors.first.inner_text()
        assert _drawn_charts(page) >= charts
        page.screenshot(path=str(SHOTS / f"{path or 'home'}.png"), full_page=True)
        # presentation mode: every page, at a projector's size and a big screen's, in tests/test_layout.py
    finally:
        page.close()
