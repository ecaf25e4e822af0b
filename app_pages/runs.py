"""Runs: every run of this session and every saved one, overlaid with TensorBoard's habits (smoothing,
log axis, iterations / epochs / wall time, one metric), their config differences, CSV and PNG, and any
run back in the Playground (descentlab.ui.views.runs)."""
import streamlit as st

from descentlab.ui import pages
from descentlab.ui.screen_fit import COMPACT_TOP_CSS
from descentlab.ui.state import show_notices
from descentlab.ui.views import runs as view

view.goto_if_requested()  # "Open in the Playground" was clicked
view.init()
st.html(COMPACT_TOP_CSS)
st.title(next(p.title for p in pages.PAGES if p.file == "app_pages/runs.py"), anchor=False)
show_notices()
view.page()
