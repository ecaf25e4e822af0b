"""Descent Lab's script: page config, plotly.js for the live charts, navigation. `make run` starts it
through server.py, which adds the live-frame route.

Pages live in app_pages/, not pages/: Streamlit still treats a folder named pages/ as a legacy
multipage app for the first session after the server starts, so a shared link opened first would
run that page without this entry point (no wide layout, no plotly.js, a different sidebar)."""
from pathlib import Path

import streamlit as st

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
page = st.navigation({
    "": [st.Page("app_pages/home.py", title="Descent Lab", icon=":material/home:", default=True)],
    "Foundations": [
        st.Page("app_pages/images.py", title="Images as vectors", icon=":material/image:"),
        st.Page("app_pages/one_neuron.py", title="One neuron", icon=":material/radio_button_checked:"),
        st.Page("app_pages/losses.py", title="Loss functions", icon=":material/functions:"),
        st.Page("app_pages/vectorization.py", title="Vectorization", icon=":material/speed:"),
        st.Page("app_pages/broadcasting.py", title="Broadcasting & shapes", icon=":material/grid_on:"),
        st.Page("app_pages/activations.py", title="Activation functions", icon=":material/show_chart:"),
    ],
    "Labs": [
        st.Page("app_pages/playground.py", title="Playground", icon=":material/science:"),
        st.Page("app_pages/compare.py", title="Compare", icon=":material/compare:"),
        st.Page("app_pages/init_lab.py", title="Initialization lab", icon=":material/casino:"),
        st.Page("app_pages/lr_explorer.py", title="Learning rate", icon=":material/tune:"),
    ],
})
with st.sidebar:
    st.toggle("Presentation mode", key="dl_presentation", help="Larger fonts and charts for a projector. Key: P")
if st.session_state.get("dl_presentation"):
    # Charts grow through viz.Style; this makes the page's own text readable from the back row too.
    st.html("<style>.stMainBlockContainer { font-size: 1.25rem; max-width: none; }"
            ".stMainBlockContainer [data-testid='stMarkdownContainer'] p { font-size: 1.25rem; }</style>")
with exclusive():  # a live frame (descentlab.ui.live.route) never overlaps this run's changes to the trainer
    page.run()
