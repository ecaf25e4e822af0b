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
def _served_app():
    """One app served as `make run` serves it, and one Chromium, per test process: starting them
    costs 5-10 s, and the browser tests that need nothing special of the server share them."""
    from tests.browser import served_browser

    with served_browser() as (browser, base_url):
        yield browser, base_url


@pytest.fixture
def served_app(_served_app):
    """(browser, base_url) of the shared app; the pages a test opens are closed after it, so their
    sessions end and leave the server to the next test."""
    browser, base_url = _served_app
    yield browser, base_url
    for context in browser.contexts:
        context.close()
