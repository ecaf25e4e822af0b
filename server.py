"""What `make run` starts: app.py served with one extra route, the live frames of a playing page.

`streamlit run server.py` finds ``app`` (an st.App) and serves app.py with the route of
descentlab.ui.live.route, so a playing page gets its frames without a Streamlit rerun each, and
plotly.js as a cached file (descentlab.ui.live.elements.PLOTLY_ROUTE). Its
lifespan tells the pages the route is there (route.serve), tidies the runs folder at start-up and,
while serving, ends the sessions of closed tabs (descentlab.ui.sessions): their streams stop, their
memory goes back.
`streamlit run app.py` still works: live areas then redraw through fragment reruns (slower)."""
import contextlib

import streamlit as st

from descentlab.ui import sessions
from descentlab.ui.live import elements, route


@contextlib.asynccontextmanager
async def lifespan(app):
    sessions.keep_freed_memory()  # a frame's big temporaries reuse freed memory (descentlab.ui.sessions)
    route.serve()  # from here on, playing pages hand their frames to the route
    async with sessions.lifespan(app):
        yield


app = st.App("app.py", routes=route.routes() + elements.asset_routes(), lifespan=lifespan)
