"""The status line keeps one row as the counters grow: at 100,000 iterations it used to wrap and push
every chart down, on a projector's 1280 px with the sidebar open (a main column of ~820 px) and with
it closed (~1,100 px), in presentation mode too. Drawn in Chromium from the line's own HTML and CSS."""
import pytest

from descentlab.ui.theme import STATUS_CSS, status_html
from tests.browser import launch_browser, require_chromium


@pytest.mark.parametrize("count", ["0", "100,000", "1,000,000"])
def test_the_status_line_keeps_one_row_as_numbers_grow(count):
    require_chromium()
    from playwright.sync_api import sync_playwright

    cells = [("Iteration", count), ("Epoch", count), ("Train cost", "0.0123"), ("Test cost", "0.0456"),
             ("Train acc.", "100.0%"), ("Test acc.", "99.0%"), ("State", "playing")]
    with sync_playwright() as pw:
        browser = launch_browser(pw)
        page = browser.new_page()
        try:
            for width in (820, 1100, 1600):
                for big in (False, True):
                    page.set_content(f"<body style='font-family: sans-serif; font-size: 16px'>{STATUS_CSS}"
                                     f"<div style='width: {width}px'>{status_html(cells, big)}</div></body>")
                    tops = page.evaluate("() => [...document.querySelectorAll('.dl-cell')].map((e) => e.offsetTop)")
                    assert len(set(tops)) == 1, (width, big)
                    clipped = page.evaluate("() => [...document.querySelectorAll('.dl-value')]"
                                            ".filter((e) => e.scrollWidth > e.clientWidth).length")
                    assert clipped == 0, (width, big)
        finally:
            browser.close()
