"""A page that outlives its server says so.

When a server restarts, or a replica of a class dies and the proxy sends its browsers to another,
Streamlit's page reconnects by itself into a new, empty session: a run that was at iteration 2,396
silently became a fresh one at iteration 0. Each server process has a random BOOT id; the tab keeps
the last one it saw (assets/server_watch.js) and reports when it changes, and the page says what
happened and what came back.
"""
from __future__ import annotations

import secrets

import streamlit as st

from descentlab.ui.scripts import asset_js
from descentlab.ui.state import quiet_rerun

BOOT = secrets.token_hex(8)  # this server process, as no other
_ELEMENT = "dl_server_watch"
_DISMISSED = "dl_server_left_seen"
MESSAGE = ("**The server restarted** (or this page moved to another of the class's servers), so what "
           "this page held there is gone: a run that was training starts again from iteration 0. Its "
           "settings came back from the page's link, and saved runs are kept: press Play to train again.")

_element = st.components.v2.component("descentlab.server_watch", js=asset_js("server_watch.js"),
                                      css=f".st-key-{_ELEMENT} {{ display: none; }}", isolate_styles=False)


def restart_notice() -> None:
    """Tell this tab, once, that the server it was on is gone (until "Got it" is pressed)."""
    result = _element(key=_ELEMENT, data={"boot": BOOT}, on_left_change=quiet_rerun)
    left = result.get("left") if result is not None else None
    if not left or st.session_state.get(_DISMISSED) == left:
        return
    with st.container(key="dl_restart_notice"):
        st.warning(MESSAGE, icon=":material/restart_alt:")
        if st.button("Got it", key="btn_restart_seen"):
            st.session_state[_DISMISSED] = left
            st.rerun()
