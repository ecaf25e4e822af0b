"""Hostile text through every door, in a real browser: a link's keys and values, an uploaded CSV's
file name, column names and class names, a config file's name and keys, a run's name, a picture's file
name. Each carries an <img onerror> that would run script if any of it reached the page as HTML
(Markdown, st.html, Plotly's text, the live elements). After each door: no script ran, no such image
or javascript: link exists anywhere in the DOM (SVG included), and the text is shown as text."""
import io
from urllib.parse import quote

import pytest

from tests.browser import wait_for_app

PAYLOAD = "<img src=x onerror=window.__xss=1>"
SHOWN = "onerror=window.__xss"  # the payload's words, visible as text somewhere on the page
HARM = """() => ({
  ran: window.__xss || 0,
  images: document.querySelectorAll('img[src="x"]').length,
  jsLinks: document.querySelectorAll('a[href^="javascript"]').length,
  shown: document.body.innerText.includes('onerror=window.__xss')
    || [...document.querySelectorAll('svg text')].some((t) => t.textContent.includes('onerror=window.__xss')),
})"""
TIMEOUT_MS = 120_000


@pytest.fixture(scope="module")
def page(_served_url):  # the shared app (tests/conftest.py); one page across this module's tests
    from playwright.sync_api import sync_playwright

    from tests.browser import launch_browser

    with sync_playwright() as pw:
        browser = launch_browser(pw)
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.base_url = _served_url
        yield page
        browser.close()


def _open(page, path: str) -> None:
    page.goto(page.base_url + path)
    wait_for_app(page, TIMEOUT_MS)


def _upload(page, key: str, name: str, data: bytes, mime: str) -> None:
    page.locator(f".st-key-{key} input[type=file]").set_input_files({"name": name, "mimeType": mime, "buffer": data})


def _harmless(page, door: str, shown: bool = True) -> None:
    got = page.evaluate(HARM)
    assert (got["ran"], got["images"], got["jsLinks"]) == (0, 0, 0), f"{door}: {got}"
    if shown:
        assert got["shown"], f"{door}: the text was not shown as text (or not at all)"


def _csv() -> bytes:
    rows = [f"{PAYLOAD},x2,label"]
    for i in range(60):
        rows.append(f"{(i % 7) / 7:.3f},{(i % 5) / 5:.3f},{PAYLOAD if i % 2 else 'dog'}")
    return ("\n".join(rows) + "\n").encode()


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_a_links_keys_and_values(page):
    _open(page, f"/playground?{quote(PAYLOAD)}=1&dataset={quote(PAYLOAD)}&hidden={quote(PAYLOAD)}")
    _harmless(page, "playground link")
    _open(page, f"/compare?vary={quote(PAYLOAD)}&values={quote(PAYLOAD)}")
    _harmless(page, "compare link", shown=False)  # a field name: shown with its symbols as "?"
    assert "vary = '?img?src?x?onerror" in page.locator("[data-testid='stAlert']").first.inner_text()
    _open(page, f"/lr_explorer?vary=learning_rate&values={quote(PAYLOAD)}")
    _harmless(page, "learning-rate link")


def test_an_uploaded_csv_its_name_columns_and_classes(page):
    _open(page, "/playground")
    _upload(page, "up_csv", f"{PAYLOAD}.csv", _csv(), "text/csv")
    page.get_by_text("Loaded your data").first.wait_for(timeout=TIMEOUT_MS)
    wait_for_app(page, TIMEOUT_MS)
    _harmless(page, "csv upload")


def test_a_config_files_name_and_keys(page):
    _open(page, "/playground")
    _upload(page, "up_config", f"{PAYLOAD}.json", ('{"%s": 1, "seed": 3}' % PAYLOAD).encode(), "application/json")
    page.locator("[data-testid='stAlert']").filter(has_text="onerror").first.wait_for(timeout=TIMEOUT_MS)
    _harmless(page, "config upload")


def test_a_run_name(page):
    _open(page, "/playground")
    page.wait_for_function("() => !document.querySelector('.st-key-btn_save_run button')?.disabled",
                           timeout=TIMEOUT_MS)  # the browser's key for its runs has arrived
    box = page.locator(".st-key-save_name input")
    box.fill(PAYLOAD)
    box.press("Enter")
    wait_for_app(page, TIMEOUT_MS)
    page.locator(".st-key-btn_save_run button").first.click()  # a rerun briefly shows two copies
    page.get_by_text("Saved as").first.wait_for(timeout=TIMEOUT_MS)
    _harmless(page, "run name", shown=False)  # saved under a folder-safe name; the field keeps the text
    assert box.input_value() == PAYLOAD


def test_a_pictures_file_name(page):
    _open(page, "/images")
    _upload(page, "img_uploader", f"{PAYLOAD}.png", _png(), "image/png")
    page.get_by_text("pixels").first.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_function("() => document.body.innerText.includes('onerror=window.__xss')", timeout=TIMEOUT_MS)
    _harmless(page, "picture upload")
