"""A browser that mounts a widget from any run of a page starts it at the session's value (see
tests/widget_mount.py): every widget whose value the session holds goes through state.held."""
import pytest
from streamlit.testing.v1 import AppTest

from descentlab.ui import pages
from descentlab.ui.views import lr_explorer
from tests.pages import open_page
from tests.widget_mount import drifting_widgets


def _speed_slider(hold: bool):  # AppTest runs this function's source alone: imports inside
    import streamlit as st

    from descentlab.ui.state import held
    st.session_state.setdefault("speed", 50)
    st.select_slider("Speed", (1, 2, 5, 10, 20, 50), key=held("speed") if hold else "speed")


@pytest.mark.parametrize("hold", [False, True])
def test_a_value_set_from_code_reaches_the_browser_in_every_run_only_when_held(hold):
    at = AppTest.from_function(_speed_slider, args=(hold,)).run()
    assert not at.exception and drifting_widgets(at) == {}  # the run that set it carries it
    at.run()
    drift = drifting_widgets(at)
    assert at.select_slider(key="speed").value == 50
    assert drift == ({} if hold else {"speed": (["1"], ["50"])})


def _twice(at: AppTest) -> AppTest:
    at.run()  # the second run of a session: nothing set from code unless held
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("page", [p.file for p in pages.PAGES])
def test_every_page_sends_its_held_widget_values_in_its_second_run(page):
    assert drifting_widgets(_twice(open_page(page))) == {}


@pytest.mark.parametrize("page, query, state", [
    ("app_pages/lr_explorer.py", {}, {lr_explorer.K.SECTION: "Loss surface"}),
    ("app_pages/lr_explorer.py", {}, {lr_explorer.K.SECTION: "Schedules"}),
    ("app_pages/playground.py", {}, {"view_panel": "Activations"}),
    ("app_pages/compare.py", {"vary": "init"}, {}),
])
def test_sections_panels_and_links_send_theirs_too(page, query, state):
    assert drifting_widgets(_twice(open_page(page, query=query, state=state))) == {}
