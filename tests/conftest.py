"""Shared test settings."""
from hypothesis import settings

# CI must not flake: the same generated cases on every run, and no per-example deadline (a shared
# 2-core machine can stall any single example past Hypothesis' default 200 ms).
settings.register_profile("descentlab", deadline=None, derandomize=True)
settings.load_profile("descentlab")


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_budget_ledger(monkeypatch):
    """Every AppTest session has the same id ("test session id"): without a ledger of its own, one
    test's Compare variants would count against the next test's run."""
    from descentlab.ui import budget

    monkeypatch.setattr(budget, "ledger", budget.Ledger())


@pytest.hookimpl(trylast=True)  # after the terminal reporter exists
def pytest_configure(config):
    """Under pytest-xdist, the controller prints a line per finished test file (tests/progress.py)."""
    if getattr(config.option, "numprocesses", None) and not hasattr(config, "workerinput"):
        from tests.progress import FileProgress

        terminal = config.pluginmanager.get_plugin("terminalreporter")
        if terminal is not None:
            config.pluginmanager.register(FileProgress(terminal), "descentlab-file-progress")


@pytest.fixture(scope="session")
def _served_url():
    """One app served as `make run` serves it, per test process: starting it costs 5-10 s, and the
    browser tests that need nothing special of the server share it (each its own sessions)."""
    from tests.browser import require_chromium, start_streamlit

    require_chromium()
    with start_streamlit("server.py") as (base_url, _proc):
        yield base_url


@pytest.fixture
def served_app(_served_url):
    """(browser, base_url): a Chromium of the test's own on the shared app; closing it ends the
    test's sessions. Playwright's sync API runs an event loop while it is open, so it is never kept
    open beyond one test (tests after it call asyncio.run)."""
    from playwright.sync_api import sync_playwright

    from tests.browser import launch_browser

    with sync_playwright() as pw:
        browser = launch_browser(pw)
        try:
            yield browser, _served_url
        finally:
            browser.close()
