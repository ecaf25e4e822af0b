"""What `make run` starts: app.py served with one extra route, the Playground's live frames.

`streamlit run server.py` finds ``app`` (an st.App) and serves app.py with the route of
descentlab.ui.live.route, so a playing Playground gets its frames without a Streamlit rerun each. Its
lifespan (descentlab.ui.sessions) tidies the runs folder at start-up and, while serving, ends the sessions of
closed tabs: their streams stop, their memory goes back.
`streamlit run app.py` still works: live areas then redraw through fragment reruns (slower)."""
import streamlit as st

from descentlab.ui.live.route import routes
from descentlab.ui.sessions import lifespan

app = st.App("app.py", routes=routes(), lifespan=lifespan)
