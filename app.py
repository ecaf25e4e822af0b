"""Descent Lab's script: page config, plotly.js for the live charts, navigation. `make run` starts it
through server.py, which adds the live-frame route.

Pages live in app_pages/, not pages/: Streamlit still treats a folder named pages/ as a legacy
multipage app for the first session after the server starts, so a shared link opened first would
run that page without this entry point (no wide layout, no plotly.js, a different sidebar)."""
from pathlib import Path

import streamlit as st

from descentlab.ui import pages
from descentlab.ui.classroom import sidebar_state_from_link
from descentlab.ui.live.elements import ensure_plotly_loaded
from descentlab.ui.live.route import exclusive
from descentlab.ui.server_watch import restart_notice
from descentlab.ui.sessions import max_sessions, seated

ASSETS = Path(__file__).parent / "assets"

st.set_page_config(page_title="Descent Lab", page_icon=str(ASSETS / "icon.png"), layout="wide",
                   initial_sidebar_state=sidebar_state_from_link())  # a classroom link opens it collapsed
if not seated():
    n = max_sessions()
    st.error(f"This server is full: it serves {n:,} {'person' if n == 1 else 'people'} at once, and every place is taken. "
             "A place frees up a minute after someone closes their tab: try again then, or ask for another "
             "server's link.")
    st.button("Try again", key="btn_seat_retry")
    st.stop()
ensure_plotly_loaded()
restart_notice()
# The registry (descentlab.ui.pages) holds every page's file, title, icon and section. Every page
# listed (expanded): past ten pages Streamlit would hide the last labs behind "View 3 more".
page = st.navigation({section: [st.Page(p.file, title=p.title, icon=p.icon, default=p.default) for p in group]
                      for section, group in pages.sections().items()}, expanded=True)
with st.sidebar:
    st.toggle("Presentation mode", key="dl_presentation", help="Larger fonts and charts for a projector. Key: P")
if st.session_state.get("dl_presentation"):
    # Charts grow through viz.Style; this makes the page's own text readable from the back row too.
    st.html("<style>.stMainBlockContainer { font-size: 1.25rem; max-width: none; }"
            ".stMainBlockContainer [data-testid='stMarkdownContainer'] p { font-size: 1.25rem; }</style>")
with exclusive():  # a live frame (descentlab.ui.live.route) never overlaps this run's changes to the trainer
    page.run()
