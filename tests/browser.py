"""Helpers for tests and benches that drive a real Streamlit server in headless Chromium.

    from tests.browser import launch_browser, require_chromium, start_streamlit

    def test_page():
        require_chromium()                      # skip (or fail when CI=true) without a browser
        with start_streamlit("app.py") as (base_url, proc), sync_playwright() as pw:
            browser = launch_browser(pw)
            page = browser.new_page()
            page.goto(base_url)
            wait_for_app(page)                  # the first script run has finished

`start_streamlit(script_path, port=None)` runs `streamlit run` headless on a free loopback port
(file watcher off, no usage stats), waits for `/_stcore/health`, yields `(base_url, process)` and
always kills the server, even when the test fails. Extra `streamlit run` flags go in `args`
(e.g. `["--runner.postScriptGC", "false"]`). Its output goes to a temporary log file that is
printed in the error when the server does not come up.

`launch_browser(playwright)` starts Debian's Chromium (`apt-get install chromium`; Playwright
cannot download browsers here) with flags for a container. Locate buttons by key
(`.st-key-<key> button`): a bare "Reset" also matches Plotly's "Reset axes".
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]
APP_IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
INSTALL_HINT = "Chromium is missing: install it with `apt-get update && apt-get install -y chromium`"


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def require_chromium() -> str:
    """The Chromium path; skips the calling test without one, but fails it when CI=true."""
    import pytest

    path = chromium_path()
    if path is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(INSTALL_HINT + " (CI must run the browser tests)")
        pytest.skip(INSTALL_HINT)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def start_streamlit(
    script_path: str | Path, port: int | None = None, args: Sequence[str] = (), timeout: float = 60,
    env: dict | None = None,
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Run `streamlit run script_path` headless; yield (base_url, process); always stop it.
    ``env``: variables added to the server's environment (e.g. descentlab.ui.budget's limits)."""
    port = port or free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(script_path),
        "--server.headless", "true", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none", *args,
    ]
    log = tempfile.TemporaryFile()
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", **(env or {})}  # as `make run` serves it
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(base_url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"streamlit did not start: {log.read().decode(errors='replace')}")
            time.sleep(0.2)
        yield base_url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def launch_browser(playwright, **kwargs):
    """Debian's Chromium, headless, with flags that work as root in a container."""
    path = chromium_path()
    if path is None:
        raise RuntimeError(INSTALL_HINT)
    browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS, **kwargs)
    _patient(browser)
    return browser


PATIENCE_MS = 90_000  # Playwright's own 30 s default failed tests on a busy CI machine; waits end on conditions


def _patient(browser) -> None:
    """Every page and context of ``browser`` waits up to PATIENCE_MS where a test names no timeout."""
    new_context, new_page = browser.new_context, browser.new_page

    def patient_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        context.set_default_timeout(PATIENCE_MS)
        return context

    def patient_page(*args, **kwargs):
        page = new_page(*args, **kwargs)
        page.context.set_default_timeout(PATIENCE_MS)
        page.set_default_timeout(PATIENCE_MS)
        return page

    browser.new_context, browser.new_page = patient_context, patient_page


def wait_for_app(page, timeout_ms: float = 60_000) -> None:
    """Wait until the app's first script run has finished."""
    page.wait_for_selector(APP_IDLE, timeout=timeout_ms)


@contextlib.contextmanager
def served_browser(script: str | Path = "server.py", env: dict | None = None):
    """The app served (as `make run` serves it) and one headless Chromium: yields (browser, base_url);
    skips without Chromium (fails in CI); always stops both."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with start_streamlit(script, env=env) as (base_url, _proc), sync_playwright() as pw:
        browser = launch_browser(pw)
        try:
            yield browser, base_url
        finally:
            browser.close()


# Where the Playground's network diagram draws unit (l, j) (j from 0), in the page's viewport pixels:
# the units' trace (viz.network_diagram.UNITS_TRACE) has x = l for every unit of layer l, top to bottom;
# Plotly's axes map data to the plot area (l2p) and the plot area sits at _offset in the chart's div.
UNIT_PIXEL = """([l, j]) => {
  const gd = document.querySelector('.st-key-live_network .js-plotly-plot');
  const units = gd && gd._fullData && gd._fullData.find((t) => t.name === 'units');
  if (!units) return null;
  const xs = Array.from(units.x), ys = Array.from(units.y);
  const k = xs.map((x, i) => [x, i]).filter(([x]) => x === l).map(([, i]) => i)[j];
  if (k === undefined) return null;
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
  return { x: box.left + xa._offset + xa.l2p(xs[k]), y: box.top + ya._offset + ya.l2p(ys[k]) };
}"""


# Where a point of the Playground's network diagram is drawn, in the page's viewport pixels: point
# ``k`` of the trace named ``name``, or with ``match`` the first whose customdata row starts with
# those values (the weights' (l, row, column)). Plotly's axes map data to the plot area (l2p), which
# sits at _offset in the chart's div.
DIAGRAM_POINT_PIXEL = """([name, k, match]) => {
  const gd = document.querySelector('.st-key-live_network .js-plotly-plot');
  const t = gd && gd._fullData && gd._fullData.find((d) => d.name === name);
  if (!t || !t.x) return null;
  if (match) k = Array.from(t.customdata || []).findIndex((d) => match.every((v, i) => d[i] === v));
  if (k < 0 || k >= t.x.length) return null;
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
  return { x: box.left + xa._offset + xa.l2p(t.x[k]), y: box.top + ya._offset + ya.l2p(t.y[k]) };
}"""


def steady_point(page, script: str, arg) -> dict:
    """Where ``script(arg)`` says a point is, once two looks a quarter second apart agree (a rerun or a
    width change redraws the chart, and a point taken from the old layout lands beside it); 90 s at most."""
    page.wait_for_function(f"(a) => ({script})(a) !== null", arg=arg, timeout=90_000)
    at = None
    for _ in range(360):
        now = page.evaluate(script, arg)
        if now is not None and now == at:
            break
        at = now
        page.wait_for_timeout(250)
    return at


def steady_click(page, script: str, arg) -> None:
    at = steady_point(page, script, arg)
    page.mouse.click(at["x"], at["y"])



def set_presentation(page, on: bool) -> None:
    toggle = page.locator(".st-key-dl_presentation input")
    if toggle.is_checked() != on:
        page.locator(".st-key-dl_presentation label").first.click()
        page.wait_for_function(f"() => document.querySelector('.st-key-dl_presentation input').checked === {str(on).lower()}")


def shots_beyond_1280(page, presentation_png, big_png, ready: str | None = None) -> None:
    """A feature's screenshots past the plain 1280x720 one: presentation mode at 1280x720, then (mode
    off) 1920x1080. ``ready``: a JS condition the page must meet again after the mode's page run."""
    set_presentation(page, True)
    wait_for_app(page)
    if ready:
        page.wait_for_function(ready)
    page.wait_for_timeout(800)  # the pictures' fade-in: for the screenshot only
    page.screenshot(path=str(presentation_png))
    set_presentation(page, False)
    wait_for_app(page)
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.wait_for_timeout(800)
    page.screenshot(path=str(big_png))
