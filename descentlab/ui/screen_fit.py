"""One projector screen for the live pages: at 1280x720 their controls, status and main charts show
without scrolling (issue 14; tests/test_layout.py checks it). The page's top gives up Streamlit's
large padding and title size, and each page's main charts take the height that is left under the
rows above them, measured in the test's screenshots."""
from __future__ import annotations

import dataclasses

import streamlit as st

from descentlab.ui.state import Keys
from descentlab.viz.style import Style

# Streamlit's header bar is 3.75 rem tall: the page starts just under it, not 6 rem down.
COMPACT_TOP_CSS = """<style>
.stMainBlockContainer {padding-top: 4.25rem; padding-left: 1.5rem; padding-right: 1.5rem;}
.stMainBlockContainer h1 {padding: 0.25rem 0; font-size: 2rem;}
</style>"""


def presenting() -> bool:
    return bool(st.session_state.get(Keys.PRESENTATION, False))


def fitted(style: Style, normal: int, presentation: int) -> Style:
    """``style`` with the height (px) that keeps a page's main charts on the first screen."""
    return dataclasses.replace(style, fit_height=presentation if style.presentation else normal)


# A main chart's share of a window's height beyond 720 px (descentlab.ui.live.elements's ``grow``): at 1920x1080
# the live pages' main charts take the screen's extra height instead of leaving it empty.
ROW_GROW = 0.9
