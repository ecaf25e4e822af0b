"""How a page knows the frame route is there: server.py's lifespan marks the running Streamlit
Runtime (route.serve), a mark that outlives Streamlit's re-imports of our modules; nothing marks it
under AppTest or a plain `streamlit run app.py`. The browser tests (test_browser_playground.py,
test_compare_page.py) play through the route under server.py."""
import importlib.util
import sys
import types

import pytest
from streamlit.runtime import Runtime
from streamlit.testing.v1 import AppTest

from descentlab.ui.live import route


@pytest.fixture
def running_server(monkeypatch):
    """A stand-in for the Runtime a `streamlit run` server creates before its lifespan starts."""
    monkeypatch.setattr(Runtime, "_instance", types.SimpleNamespace())


def test_no_runtime_no_route():
    assert not Runtime.exists() and not route.available()


def test_a_server_has_the_route_once_its_lifespan_says_so(running_server):
    assert not route.available()  # `streamlit run app.py`: a Runtime, never marked
    route.serve()
    assert route.available()


def test_the_mark_survives_a_fresh_import_of_the_module(running_server, monkeypatch):
    """Streamlit evicts a changed module from sys.modules and the next run imports it again."""
    route.serve()
    spec = importlib.util.spec_from_file_location("descentlab_route_reimported", route.__file__)
    fresh = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, fresh)  # as an import does (its dataclasses look for it)
    spec.loader.exec_module(fresh)
    assert fresh is not route and fresh.available()


def _page():
    import streamlit as st

    from descentlab.ui.live import route

    st.write(f"route: {route.available()}")


def test_apptest_has_no_route():
    at = AppTest.from_function(_page).run()
    assert not at.exception and at.markdown[0].value == "route: False"
